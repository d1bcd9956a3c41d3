/* Symbol tables: an array sorted lazily by address, searched by bisection. */
#include "loader/symtab.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct symtab {
    char *image_name;
    uint64_t addr_mask;
    bool has_extent;
    uint64_t start, end; /* extent, inclusive start and exclusive end, masked */
    symbol *syms;
    size_t count, capacity;
    bool sorted;
};

symtab *symtab_new(const char *image_name, uint64_t addr_mask)
{
    symtab *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    t->image_name = strdup(image_name ? image_name : "");
    if (!t->image_name) {
        free(t);
        return NULL;
    }
    t->addr_mask = addr_mask;
    t->sorted = true;
    return t;
}

void symtab_free(symtab *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->count; i++)
        free((char *)t->syms[i].name);
    free(t->syms);
    free(t->image_name);
    free(t);
}

const char *symtab_image_name(const symtab *t)
{
    return t->image_name;
}
size_t symtab_count(const symtab *t)
{
    return t->count;
}

void symtab_add_extent(symtab *t, uint64_t start, uint64_t end)
{
    if (end <= start) return;
    start &= t->addr_mask;
    end = ((end - 1) & t->addr_mask) + 1;
    if (t->has_extent) {
        t->start = start < t->start ? start : t->start;
        t->end = end > t->end ? end : t->end;
    } else {
        t->start = start;
        t->end = end;
        t->has_extent = true;
    }
}

static bool symtab_reserve(symtab *t, size_t extra)
{
    if (t->capacity - t->count >= extra) return true;
    size_t cap = t->capacity ? t->capacity : 64;
    while (cap - t->count < extra)
        cap *= 2;
    symbol *grown = realloc(t->syms, cap * sizeof(*grown));
    if (!grown) return false;
    t->syms = grown;
    t->capacity = cap;
    return true;
}

bool symtab_absorb(symtab *dst, symtab *src)
{
    if (!symtab_reserve(dst, src->count)) return false;
    for (size_t i = 0; i < src->count; i++) {
        dst->syms[dst->count] = src->syms[i];
        dst->syms[dst->count++].addr &= dst->addr_mask;
    }
    dst->sorted = dst->sorted && src->count == 0;
    src->count = 0;
    return true;
}

bool symtab_add(symtab *t, const char *name, uint64_t addr, uint64_t size, symbol_kind kind,
                bool global)
{
    if (!symtab_reserve(t, 1)) return false;
    char *copy = strdup(name);
    if (!copy) return false;
    t->syms[t->count++] = (symbol){copy, addr & t->addr_mask, size, kind, global};
    t->sorted = false;
    return true;
}

/* Among symbols at the same address the best label comes first: code before data before
 * descriptors, globals before locals, sized before unsized, then by name for determinism. */
static int symbol_order(const void *a, const void *b)
{
    const symbol *x = a, *y = b;
    if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
    if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
    if (x->global != y->global) return x->global ? -1 : 1;
    if ((x->size != 0) != (y->size != 0)) return x->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void symtab_sort(const symtab *t)
{
    if (t->sorted) return;
    /* Sorting does not change the table's contents, only their order. */
    symtab *mut = (symtab *)t;
    qsort(mut->syms, mut->count, sizeof(symbol), symbol_order);
    mut->sorted = true;
}

const symbol *symtab_lookup_span(const symtab *t, uint64_t addr, uint64_t *offset,
                                 uint64_t *span_lo, uint64_t *span_hi)
{
    uint64_t masked = t ? addr & t->addr_mask : addr;
    *span_lo = masked; /* nothing resolves: a span of this address alone */
    *span_hi = masked + 1;
    if (!t) return NULL;
    if (t->has_extent && (masked < t->start || masked >= t->end)) return NULL;
    symtab_sort(t);
    /* Find the last symbol with address <= addr. */
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->syms[mid].addr <= masked)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return NULL;
    size_t last = lo - 1;
    /* Step back to the first (best) symbol at that address. */
    while (last > 0 && t->syms[last - 1].addr == t->syms[last].addr)
        last--;
    const symbol *best = &t->syms[last];
    if (offset) *offset = masked - best->addr;
    /* the same answer up to the next symbol's address or the extent's end */
    *span_lo = best->addr;
    *span_hi = lo < t->count ? t->syms[lo].addr : UINT64_MAX;
    if (t->has_extent) {
        if (*span_lo < t->start) *span_lo = t->start;
        if (*span_hi > t->end) *span_hi = t->end;
    }
    return best;
}

const symbol *symtab_lookup(const symtab *t, uint64_t addr, uint64_t *offset)
{
    uint64_t span_lo, span_hi;
    return symtab_lookup_span(t, addr, offset, &span_lo, &span_hi);
}

bool symtab_format(const symtab *t, uint64_t addr, char *buf, size_t len)
{
    uint64_t off;
    const symbol *s = t ? symtab_lookup(t, addr, &off) : NULL;
    if (!s) {
        if (len) buf[0] = '\0';
        return false;
    }
    if (off)
        snprintf(buf, len, "%s+0x%" PRIx64, s->name, off);
    else
        snprintf(buf, len, "%s", s->name);
    return true;
}

const symbol *symtab_find(const symtab *t, const char *name)
{
    if (name[0] == '.' && name[1]) name++;
    symtab_sort(t);
    const symbol *any = NULL;
    for (size_t i = 0; i < t->count; i++) {
        const symbol *s = &t->syms[i];
        if (strcmp(s->name, name) != 0) continue;
        if (s->kind == SYMBOL_CODE) return s;
        if (!any) any = s;
    }
    return any;
}
