/* Symbol tables for traces and reports: address -> "symbol+0xoff" and name -> address.
 *
 * One table per image: the firmware and the guest are separate tables because their addresses
 * overlap (both use low real addresses).  Addresses are the ones the image's code sees: for a
 * guest, guest real addresses (offsets into its partition); for the firmware, physical addresses.
 * A lookup first applies the table's address mask, so a firmware linked at 0xc000000000000000
 * but running in hypervisor real mode resolves both 0x10 and 0xc000000000000010.
 *
 * ELFv1: a function symbol "foo" points at its descriptor in .opd.  The ELF loader adds a code
 * symbol "foo" at the descriptor's code address (what traces hit) and keeps the descriptor as
 * "foo@opd"; an old-style dot symbol ".foo" is stored as "foo".  Name lookups accept "foo" and
 * ".foo" and return the code symbol.
 */
#ifndef HCALLSIM_LOADER_SYMTAB_H
#define HCALLSIM_LOADER_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum symbol_kind {
    SYMBOL_CODE,       /* function or code label */
    SYMBOL_DATA,       /* object */
    SYMBOL_DESCRIPTOR, /* ELFv1 function descriptor in .opd */
} symbol_kind;

typedef struct symbol {
    const char *name;
    uint64_t addr; /* already masked */
    uint64_t size; /* 0 when unknown (assembly labels) */
    symbol_kind kind;
    bool global;
} symbol;

typedef struct symtab symtab;

/* An empty table for one image; name ("firmware", "guest") is used in reports. */
symtab *symtab_new(const char *image_name, uint64_t addr_mask);
void symtab_free(symtab *t);

const char *symtab_image_name(const symtab *t);
size_t symtab_count(const symtab *t);

/* Add one symbol (the name is copied).  Returns false on allocation failure. */
bool symtab_add(symtab *t, const char *name, uint64_t addr, uint64_t size, symbol_kind kind,
                bool global);

/* Declare [start, end) as covered by the table (the union of all calls).  Once any extent is
 * declared, addresses outside it never resolve, so that an address in another image is not
 * labelled with this image's last symbol.  The ELF loader declares each image's loaded span. */
void symtab_add_extent(symtab *t, uint64_t start, uint64_t end);

/* Move every symbol of src into dst (addresses re-masked with dst's mask) and empty src; false
 * (nothing moved) on allocation failure. */
bool symtab_absorb(symtab *dst, symtab *src);

/* The nearest symbol at or below addr (the best label when several share an address: code,
 * then global, then sized).  NULL when addr is outside the extent or below every symbol. */
const symbol *symtab_lookup(const symtab *t, uint64_t addr, uint64_t *offset);
/* The same, and the addresses [*span_lo, *span_hi) (masked, like addr) that resolve to it too
 * (for NULL: addr alone), so that a caller can skip the look-up while it stays inside. */
const symbol *symtab_lookup_span(const symtab *t, uint64_t addr, uint64_t *offset,
                                 uint64_t *span_lo, uint64_t *span_hi);

/* "name" or "name+0x1c" into buf; false (and buf = "") when nothing resolves. */
bool symtab_format(const symtab *t, uint64_t addr, char *buf, size_t len);

/* The code symbol called name (or ".name"), else any symbol of that name; NULL if none. */
const symbol *symtab_find(const symtab *t, const char *name);

#endif
