/* The sticky-error wrapper over libfdt's sequential-write functions. */
#include "loader/fdt_writer.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

static void record(fdt_writer *w, int rc)
{
    if (rc < 0 && !w->err) w->err = rc;
}

void fdtw_begin(fdt_writer *w, void *buf, size_t bufsize)
{
    w->fdt = buf;
    w->err = 0;
    if (!buf) {
        w->err = -FDT_ERR_BADVALUE;
        return;
    }
    record(w, fdt_create(buf, bufsize > INT_MAX ? INT_MAX : (int)bufsize));
}

void fdtw_reserve(fdt_writer *w, uint64_t addr, uint64_t size)
{
    if (!w->err) record(w, fdt_add_reservemap_entry(w->fdt, addr, size));
}

void fdtw_root(fdt_writer *w)
{
    if (!w->err) record(w, fdt_finish_reservemap(w->fdt));
    fdtw_node(w, "");
}

void fdtw_node(fdt_writer *w, const char *name)
{
    if (!w->err) record(w, fdt_begin_node(w->fdt, name));
}

void fdtw_node_at(fdt_writer *w, const char *name, uint64_t unit_address, int uppercase)
{
    char full[64];
    snprintf(full, sizeof(full), uppercase ? "%s@%" PRIX64 : "%s@%" PRIx64, name, unit_address);
    fdtw_node(w, full);
}

void fdtw_end_node(fdt_writer *w)
{
    if (!w->err) record(w, fdt_end_node(w->fdt));
}

void fdtw_bytes(fdt_writer *w, const char *name, const void *data, size_t len)
{
    if (!w->err)
        record(w, len > INT_MAX ? -FDT_ERR_BADVALUE : fdt_property(w->fdt, name, data, (int)len));
}

void fdtw_empty(fdt_writer *w, const char *name)
{
    fdtw_bytes(w, name, NULL, 0);
}

void fdtw_string(fdt_writer *w, const char *name, const char *value)
{
    fdtw_bytes(w, name, value, strlen(value) + 1);
}

void fdtw_u32(fdt_writer *w, const char *name, uint32_t value)
{
    fdtw_cells(w, name, &value, 1);
}

void fdtw_cells(fdt_writer *w, const char *name, const uint32_t *cells, size_t count)
{
    fdt32_t be[32];
    if (count > sizeof(be) / sizeof(be[0])) {
        record(w, -FDT_ERR_BADVALUE);
        return;
    }
    for (size_t i = 0; i < count; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    fdtw_bytes(w, name, be, count * sizeof(be[0]));
}

void fdtw_reg64(fdt_writer *w, const char *name, uint64_t addr, uint64_t size)
{
    FDTW_CELLS(w, name, (uint32_t)(addr >> 32), (uint32_t)addr, (uint32_t)(size >> 32),
               (uint32_t)size);
}

int fdtw_finish(fdt_writer *w)
{
    if (!w->err) record(w, fdt_finish(w->fdt));
    return w->err;
}
