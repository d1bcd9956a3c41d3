/* The firmware-integrity guard shared by the hcall fuzz harness and the hostile-guest tests.
 *
 * Firmware memory is everything below the guest partition: physical [0, RMOR) holds hv.elf's
 * image, its .bss and .hvtables, the machine's device tree and the boot-parameter block.  A guest
 * (or an hcall it makes) may change only the structures the calls are documented to change:
 *   hv_paca, hv_vcpu, hv_kvm        the PACA and the KVM-style vcpu/kvm state
 *   hv_tce0, hv_tce1                 the TCE tables (H_PUT_TCE)
 *   hv_hpt, hv_revmap                the hashed page table and its reverse map (H_ENTER...)
 *   hv_stack, hv_emergency_stack     the firmware's stacks
 *   the sized objects after hv_stack the formatter's and console's static variables
 *   exit_status, exit_flags          the boot-parameter block's "out" fields
 * Two checks: fw_guard_checksum() over the rest (compare before and after a run), and the
 * observer hook fw_guard_mem_access(), which flags every CPU store into the rest as it happens
 * (with the instruction that made it), so a transient write is caught too.
 *
 * Header-only so that the clang fuzz build and the cmocka tests share it without a library. */
#ifndef HCALLSIM_FUZZ_FW_GUARD_H
#define HCALLSIM_FUZZ_FW_GUARD_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv-offsets.h"
#include "cpu/cpu.h"
#include "loader/symtab.h"

#define FW_GUARD_BOOTPARAMS 0x01f00000ull /* HV_BOOTPARAMS_PHYS (hv/layout.h) */
#define FW_GUARD_MAX        16u

typedef struct fw_range {
    uint64_t start, end; /* physical [start, end) */
    const char *what;
} fw_range;

typedef struct fw_guard {
    uint64_t limit; /* firmware memory is [0, limit): the RMOR */
    fw_range allowed[FW_GUARD_MAX];
    unsigned count;
    uint64_t image_end; /* the end of hv_revmap: the firmware image, its .bss and tables */
    /* Stores into firmware memory outside `allowed`, seen by fw_guard_mem_access(). */
    uint64_t bad_stores;
    uint64_t first_bad_pa, first_bad_nip, first_bad_msr;
    unsigned first_bad_size;
} fw_guard;

static inline bool fw_guard_add(fw_guard *g, uint64_t start, uint64_t end, const char *what)
{
    if (g->count == FW_GUARD_MAX || end <= start) return false;
    g->allowed[g->count++] = (fw_range){start, end, what};
    return true;
}

/* Builds the allowed list from the firmware's symbols (physical addresses, as hv_system and the
 * fast-path harness load them).  False with a message if a symbol is missing or unsized. */
static inline bool fw_guard_init(fw_guard *g, const symtab *syms, uint64_t rmor, char *err,
                                 size_t errlen)
{
    static const char *const structures[] = {"hv_paca",  "hv_vcpu", "hv_kvm",
                                             "hv_tce0",  "hv_tce1", "hv_emergency_stack",
                                             "hv_stack", "hv_hpt",  "hv_revmap"};
    memset(g, 0, sizeof(*g));
    g->limit = rmor;
    for (size_t i = 0; i < sizeof(structures) / sizeof(structures[0]); i++) {
        const symbol *s = symtab_find(syms, structures[i]);
        if (!s || !s->size) {
            snprintf(err, errlen, "firmware symbol %s missing or unsized", structures[i]);
            return false;
        }
        fw_guard_add(g, s->addr, s->addr + s->size, s->name);
    }
    /* The sized objects between the host stack and the HPT: the C files' static variables
     * (their section-end symbols __bss_end and __end are not in a loaded segment's symbols). */
    const symbol *stack = symtab_find(syms, "hv_stack");
    const symbol *hpt = symtab_find(syms, "hv_hpt");
    const symbol *revmap = symtab_find(syms, "hv_revmap");
    uint64_t statics_start = stack->addr + stack->size, statics_end = statics_start;
    for (uint64_t a = statics_start; a < hpt->addr; a += 4) {
        const symbol *s = symtab_lookup(syms, a, NULL);
        if (s && s->addr >= statics_start && s->addr + s->size > statics_end)
            statics_end = s->addr + s->size;
    }
    g->image_end = revmap->addr + revmap->size;
    if (statics_end > statics_start)
        fw_guard_add(g, statics_start, statics_end, "formatter/console statics");
    fw_guard_add(g, FW_GUARD_BOOTPARAMS + BP_EXIT_STATUS, FW_GUARD_BOOTPARAMS + BP_EXIT_FLAGS + 8,
                 "bootparams exit fields");
    return true;
}

/* The allowed range holding pa, or NULL. */
static inline const fw_range *fw_guard_allowed(const fw_guard *g, uint64_t pa)
{
    for (unsigned i = 0; i < g->count; i++)
        if (pa >= g->allowed[i].start && pa < g->allowed[i].end) return &g->allowed[i];
    return NULL;
}

/* 64-bit FNV-1a over [from, to), 8 bytes per round. */
static inline uint64_t fw_guard_hash(uint64_t h, const uint8_t *ram, uint64_t from, uint64_t to)
{
    uint64_t i = from;
    for (; i + 8 <= to; i += 8) {
        uint64_t w;
        memcpy(&w, ram + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; i < to; i++)
        h = (h ^ ram[i]) * 0x100000001b3ull;
    return h;
}

/* Checksum of firmware memory below `limit` (at most g->limit) without the allowed ranges. */
static inline uint64_t fw_guard_checksum_below(const fw_guard *g, const uint8_t *ram,
                                               uint64_t limit)
{
    uint64_t h = 0xcbf29ce484222325ull, pos = 0;
    if (limit > g->limit) limit = g->limit;
    while (pos < limit) {
        /* the next allowed range at or after pos */
        uint64_t next = limit, skip_to = limit;
        for (unsigned i = 0; i < g->count; i++) {
            const fw_range *r = &g->allowed[i];
            if (r->end > pos && r->start < next) {
                next = r->start > pos ? r->start : pos;
                skip_to = r->end;
            }
        }
        h = fw_guard_hash(h, ram, pos, next < limit ? next : limit);
        pos = skip_to;
    }
    return h;
}

static inline uint64_t fw_guard_checksum(const fw_guard *g, const uint8_t *ram)
{
    return fw_guard_checksum_below(g, ram, g->limit);
}

/* cpu_observer.mem_access: records stores into firmware memory outside the allowed ranges. */
static inline void fw_guard_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa,
                                       unsigned size, bool is_store)
{
    fw_guard *g = ctx;
    if (!is_store || pa >= g->limit) return;
    if (fw_guard_allowed(g, pa) && fw_guard_allowed(g, pa + size - 1)) return;
    if (!g->bad_stores++) {
        g->first_bad_pa = pa;
        g->first_bad_size = size;
        g->first_bad_nip = cpu_get_nip(cpu);
        g->first_bad_msr = cpu_get_msr(cpu);
    }
}

/* "2 stores outside ...: first 8 bytes at 0x... by the instruction at 0x... (MSR 0x...)" */
static inline void fw_guard_describe(const fw_guard *g, char *buf, size_t len)
{
    snprintf(buf, len,
             "%" PRIu64 " store(s) into firmware memory outside the structures hcalls may change: "
             "first %u bytes at 0x%" PRIx64 " by the instruction at 0x%" PRIx64 " (MSR 0x%" PRIx64
             ")",
             g->bad_stores, g->first_bad_size, g->first_bad_pa, g->first_bad_nip, g->first_bad_msr);
}

#endif
