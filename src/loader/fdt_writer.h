/* Internal: libfdt's sequential-write API with a sticky error, so a tree reads as a list of
 * nodes and properties and is checked once at the end. */
#ifndef HCALLSIM_LOADER_FDT_WRITER_H
#define HCALLSIM_LOADER_FDT_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fdt_writer {
    void *fdt;
    int err; /* first libfdt error, 0 while all is well */
} fdt_writer;

/* Start a tree in buf; reserve() entries may follow, then root() ends the reservation map and
 * opens "/". */
void fdtw_begin(fdt_writer *w, void *buf, size_t bufsize);
void fdtw_reserve(fdt_writer *w, uint64_t addr, uint64_t size);
void fdtw_root(fdt_writer *w);
void fdtw_node(fdt_writer *w, const char *name);
void fdtw_node_at(fdt_writer *w, const char *name, uint64_t unit_address, int uppercase);
void fdtw_end_node(fdt_writer *w);
void fdtw_bytes(fdt_writer *w, const char *name, const void *data, size_t len);
void fdtw_empty(fdt_writer *w, const char *name);
void fdtw_string(fdt_writer *w, const char *name, const char *value);
void fdtw_u32(fdt_writer *w, const char *name, uint32_t value);
void fdtw_cells(fdt_writer *w, const char *name, const uint32_t *cells, size_t count);
/* Two-cell address and two-cell size. */
void fdtw_reg64(fdt_writer *w, const char *name, uint64_t addr, uint64_t size);
/* Close the tree; returns 0 or the first negative libfdt error. */
int fdtw_finish(fdt_writer *w);

/* A list of 32-bit cells or a "a\0b" string list literal, sized by the compiler. */
#define FDTW_CELLS(w, name, ...)                                                                   \
    fdtw_cells((w), (name), (const uint32_t[]){__VA_ARGS__},                                       \
               sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))
#define FDTW_STRINGS(w, name, literal) fdtw_bytes((w), (name), literal, sizeof(literal))

#endif
