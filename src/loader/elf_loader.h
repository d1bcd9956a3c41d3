/* ELF64 PowerPC images into RAM (libelf).
 *
 * Accepted: ELFCLASS64, big- or little-endian, EM_PPC64, ET_EXEC or ET_DYN.  Each PT_LOAD is
 * copied to its destination and its memsz - filesz tail is zeroed.
 *
 * Placement.  Every image goes into a destination window of RAM: physical
 * [window_base, window_base + window_size).  A segment's window offset is
 *     (p_paddr & addr_mask) + (ET_DYN ? dyn_bias : 0)
 * so for a guest partition the offsets are guest real addresses, and for firmware (window = all
 * of RAM) they are physical addresses.  p_paddr is what QEMU's ELF loader uses too; addr_mask lets
 * an image linked at 0xc000000000000000 without AT() land at physical 0.
 *
 * Entry.  ELFv2 (e_flags & 3 == 2): e_entry is the code address.  ELFv1 (e_flags & 3 == 1, or 0)
 * with e_entry inside .opd (or, without section headers, in a non-executable segment): e_entry
 * points at a function descriptor {code, toc, env} whose code address is read from the image.
 * Otherwise (an assembly entry label in .text) e_entry is the code address.  Entry, TOC and symbol
 * addresses are virtual; they are turned into window offsets through the segment that contains
 * them.
 *
 * Everything is validated before anything is copied: on any error RAM is untouched.
 */
#ifndef HCALLSIM_LOADER_ELF_LOADER_H
#define HCALLSIM_LOADER_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"
#include "loader/symtab.h"

#define ELF_LOAD_MAX_SEGMENTS 16 /* PT_LOAD entries kept in the result; more are refused */

typedef struct elf_load_params {
    uint8_t *ram;            /* host pointer to physical 0 */
    uint64_t ram_size;       /* bytes of RAM */
    uint64_t window_base;    /* physical start of the destination window */
    uint64_t window_size;    /* its size; window_base + window_size <= ram_size */
    uint64_t dyn_bias;       /* added to ET_DYN addresses (ET_EXEC loads at its link addresses) */
    uint64_t addr_mask;      /* applied to p_paddr and to symbol lookups; UINT64_MAX: none */
    const char *name;        /* prefix of error messages; NULL: the file name, or "image" */
    const char *window_name; /* "partition", "RAM": completes "does not fit the 32 MiB ..." */
    symtab *symbols;         /* if non-NULL, filled with the image's symbols on success */
} elf_load_params;

typedef struct elf_load_segment {
    uint64_t offset; /* window offset of the first byte */
    uint64_t filesz, memsz;
    uint32_t flags; /* PF_R | PF_W | PF_X */
} elf_load_segment;

typedef struct elf_load_result {
    uint64_t entry;      /* window offset of the first instruction */
    uint64_t entry_desc; /* ELFv1: window offset of the entry descriptor; 0 for ELFv2 */
    uint64_t toc;        /* ELFv1: the descriptor's TOC as a window offset; 0 for ELFv2 */
    uint64_t low, high;  /* window offsets [low, high) spanned by the loaded segments */
    int abi;             /* e_flags' ABI (1 or 2); if unmarked, 1 when entering via a descriptor */
    bool big_endian;
    bool dynamic; /* ET_DYN: dyn_bias was applied */
    unsigned segment_count;
    elf_load_segment segments[ELF_LOAD_MAX_SEGMENTS];
} elf_load_result;

/* Window = all of RAM, no bias, no mask, no symbols; the window is called "RAM". */
void elf_load_params_init(elf_load_params *p, uint8_t *ram, uint64_t ram_size);

/* Load an in-memory image.  Never touches the filesystem and never writes `data`; this is the
 * fuzzer entry point.  Returns LOADER_OK or an error with one line in err. */
loader_error elf_load_image(const uint8_t *data, size_t size, const elf_load_params *p,
                            elf_load_result *out, char *err, size_t errlen);

/* Read `path` and load it; p->name defaults to path. */
loader_error elf_load_file(const char *path, const elf_load_params *p, elf_load_result *out,
                           char *err, size_t errlen);

#endif
