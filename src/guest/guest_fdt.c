/* A minimal flattened-device-tree reader for guests (no libfdt in a freestanding guest): walks
 * the structure block for one node path and property. */
#include "guest.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u
#define FDT_MAX_DEPTH  16

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int guest_str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* A path component matches a node name exactly, or without its unit address when it has none
 * itself ("vty" matches "vty@71000000"). */
static int component_matches(const char *comp, size_t comp_len, const char *name)
{
    size_t i;
    int comp_has_unit = 0;

    for (i = 0; i < comp_len; i++) {
        if (comp[i] == '@') comp_has_unit = 1;
        if (name[i] != comp[i]) return 0;
    }
    return name[i] == '\0' || (!comp_has_unit && name[i] == '@');
}

/* The value of property prop of the node at path ("/", "/chosen", "/vdevice/vty"), or NULL. */
const void *fdt_prop(const void *fdt, const char *path, const char *prop, uint32_t *len)
{
    const uint32_t *hdr = fdt;
    const char *strings = (const char *)fdt + hdr[3];
    const uint32_t *p = (const uint32_t *)((const char *)fdt + hdr[2]);
    const char *comp[FDT_MAX_DEPTH];
    size_t comp_len[FDT_MAX_DEPTH];
    int ncomp = 0, depth = 0, matched = 0;

    if (hdr[0] != FDT_MAGIC) return NULL;
    for (const char *s = path; *s;) { /* split the path into components */
        while (*s == '/')
            s++;
        if (!*s || ncomp == FDT_MAX_DEPTH) break;
        comp[ncomp] = s;
        while (*s && *s != '/')
            s++;
        comp_len[ncomp] = (size_t)(s - comp[ncomp]);
        ncomp++;
    }
    for (;;) {
        uint32_t token = *p++;

        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            /* depth 0 is the root: it matches by definition; below it, component depth-1 */
            if (matched == depth &&
                (depth == 0 ||
                 (depth <= ncomp && component_matches(comp[depth - 1], comp_len[depth - 1], name))))
                matched = depth + 1;
            depth++;
            p += (str_len(name) + 4) / 4;
        } else if (token == FDT_END_NODE) {
            if (matched == depth) matched--;
            depth--;
        } else if (token == FDT_PROP) {
            uint32_t plen = p[0], nameoff = p[1];
            if (matched == depth && depth == ncomp + 1 && guest_str_eq(strings + nameoff, prop)) {
                *len = plen;
                return p + 2;
            }
            p += 2 + (plen + 3) / 4;
        } else if (token != FDT_NOP) {
            return NULL; /* FDT_END or garbage */
        }
    }
}

uint32_t fdt_u32(const void *fdt, const char *path, const char *prop, uint32_t missing)
{
    uint32_t len;
    const uint32_t *v = fdt_prop(fdt, path, prop, &len);
    return v && len >= 4 ? v[0] : missing;
}

const char *fdt_string(const void *fdt, const char *path, const char *prop)
{
    uint32_t len;
    const char *v = fdt_prop(fdt, path, prop, &len);
    return v && len > 0 && v[len - 1] == '\0' ? v : NULL;
}

uint64_t fdt_memory_size(const void *fdt, uint64_t missing)
{
    uint32_t len;
    const uint32_t *reg = fdt_prop(fdt, "/memory@0", "reg", &len);

    if (!reg || len != 16 || reg[0] || reg[1]) return missing;
    return (uint64_t)reg[2] << 32 | reg[3];
}
