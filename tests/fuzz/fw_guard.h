/* The firmware-integrity guard shared by the hcall fuzz harness and the hostile-guest tests.
 *
 * Firmware memory is everything below the guest partition: physical [0, RMOR) holds hv.elf's
 * image, its .bss and .hvtables, the machine's device tree and the boot-parameter block.
 *
 * Two granularities:
 *  - Structures (fw_guard_checksum): the structures any guest exit may change -- hv_paca, hv_vcpu,
 *    hv_kvm, the TCE tables, the HPT and its reverse map, the two stacks, console.c's static
 *    variables, the boot block's exit fields -- are left out of a checksum of the rest, compared
 *    before and after a whole run.
 *  - Calls (fw_guard_mem_access): every entry into the firmware from the guest (an hcall, or an
 *    interrupt the firmware handles for the guest) is one call, from the interrupt to the return
 *    into the guest.  Each call gets its own allowed set, and every CPU store into firmware memory
 *    outside it is flagged as it happens (with the instruction that made it):
 *      every exit     the vector's save slots and host-state fields in the PACA, the vcpu
 *                     registers the real-mode path saves, the host stack (C handlers)
 *      host side      (granted when the firmware reaches guest_exit_cont: real mode gave up, or
 *                     the exit needs the host) the rest of the vcpu register image, stat_exits,
 *                     the host-state fields kvmppc_hv_entry writes
 *      power-off      (granted at hv_power_off) the boot block's exit flags
 *      firmware fault (granted at hv_host_interrupt) the emergency stack; such a run is reported
 *                     as a firmware error, not here
 *      per hcall      H_ENTER: the HPTE group of pte_index (with H_EXACT the one HPTE) and its
 *                     revmap entries; H_REMOVE: the HPTE; H_PROTECT: the HPTE and its revmap
 *                     entry; H_BULK_REMOVE: the HPTEs the four specifiers name; H_PUT_TCE: the
 *                     entry ioba names in the liobn's table; H_SET_DABR: vcpu dabr; H_EOI, H_CPPR,
 *                     H_IPI, H_XIRR: vcpu icp; H_CEDE, H_PROD: vcpu prodded (H_CEDE may reflect a
 *                     decrementer); H_RANDOM: kvm rng_state; H_SET_MODE: kvm lpcr;
 *                     H_PUT_TERM_CHAR: console statics, boot block exit fields; H_RTAS: those and
 *                     kvm tod_offset.  Index arguments out of range allow nothing.
 *      per interrupt  reflected ones (sc from problem state, HEA, HDSI, HISI, HV facility
 *                     unavailable): vcpu stat_reflected; HDSI/HISI: vcpu fault_dar/fault_dsisr
 *    Outside a call the firmware is not running: any store into its memory is flagged.
 *
 * Every offset comes from hv/layout.h (offsetof on the firmware's own structure definitions,
 * checked against the generated hv-offsets.h below), every address from the firmware's symbols
 * or from the live structures (the TCE table list, the HPT pointers in hv_kvm).
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

#include "hv/layout.h"
#include "hv-offsets.h"
#include "cpu/cpu.h"
#include "cpu/spr.h"
#include "loader/symtab.h"

/* The host compiler's view of layout.h must be the firmware's (same LP64 sizes). */
_Static_assert(sizeof(struct paca_struct) == PACA_SIZE, "paca_struct layout");
_Static_assert(sizeof(struct kvm_vcpu) == VCPU_SIZE, "kvm_vcpu layout");
_Static_assert(sizeof(struct kvm) == KVM_SIZE, "kvm layout");
_Static_assert(sizeof(struct hv_bootparams) == BP_SIZE, "hv_bootparams layout");
_Static_assert(offsetof(struct kvm_vcpu, stat_reflected) == VCPU_STAT_REFLECTED, "vcpu stats");
_Static_assert(offsetof(struct paca_struct, kvm_hstate.cfar) == HSTATE_CFAR, "host state");

#define FW_GUARD_MAX      16u /* structures */
#define FW_GUARD_CALL_MAX 48u /* ranges of one call */
#define FW_GUARD_TCE_MAX  8u
#define FW_GUARD_HPTE     16u /* bytes per HPTE */

/* [offset, offset + size) of a member, and of the members first..last, of a layout.h struct */
#define FW_FIELD(type, member) offsetof(struct type, member), sizeof(((struct type *)0)->member)
#define FW_SPAN(type, first, last)                                                                 \
    offsetof(struct type, first), offsetof(struct type, last) + sizeof(((struct type *)0)->last) - \
                                      offsetof(struct type, first)

typedef struct fw_range {
    uint64_t start, end; /* physical [start, end) */
    const char *what;
} fw_range;

typedef struct fw_tce_table {
    uint64_t liobn, window_size, table; /* table: physical address of entry 0 */
} fw_tce_table;

/* The firmware paths that widen a call's allowed set when it reaches them. */
enum { FW_PATH_HOST_SIDE = 1, FW_PATH_POWER_OFF = 2, FW_PATH_HOST_INTERRUPT = 4 };

typedef struct fw_guard {
    uint64_t limit; /* firmware memory is [0, limit): the RMOR */
    fw_range allowed[FW_GUARD_MAX];
    unsigned count;
    uint64_t image_end; /* the end of hv_revmap: the firmware image, its .bss and tables */

    /* Where things are (physical) */
    uint64_t paca, vcpu, kvm, bootparams;
    fw_range stack, emergency_stack, statics;
    uint64_t hpt, revmap, hpt_npte;
    fw_tce_table tce[FW_GUARD_TCE_MAX];
    unsigned tce_count;
    uint64_t host_side_pc, power_off_pc, host_interrupt_pc;
    uint64_t real_table_size; /* hcall numbers below it index hcall_real_table */

    /* The call in progress */
    bool guest_running; /* the last instruction ran in the guest */
    bool in_call;
    unsigned call_vector;
    uint64_t call_r3;
    unsigned call_paths; /* FW_PATH_* reached */
    fw_range call_allowed[FW_GUARD_CALL_MAX];
    unsigned call_count;
    bool call_overflow; /* FW_GUARD_CALL_MAX too small: a guard bug, reported as a failure */

    /* Stores into firmware memory outside the allowed set, seen by fw_guard_mem_access(). */
    uint64_t bad_stores;
    uint64_t first_bad_pa, first_bad_nip, first_bad_msr;
    unsigned first_bad_size;
    bool first_bad_in_call;
    unsigned first_bad_vector;
    uint64_t first_bad_r3;
} fw_guard;

static inline bool fw_guard_add(fw_guard *g, uint64_t start, uint64_t end, const char *what)
{
    if (g->count == FW_GUARD_MAX || end <= start) return false;
    g->allowed[g->count++] = (fw_range){start, end, what};
    return true;
}

static inline uint64_t fw_guard_read64(const uint8_t *ram, uint64_t pa)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v = v << 8 | ram[pa + i];
    return v;
}

static inline uint32_t fw_guard_read32(const uint8_t *ram, uint64_t pa)
{
    return (uint32_t)(fw_guard_read64(ram, pa) >> 32);
}

/* A firmware pointer (linked at HV_KERNELBASE, run in real mode) as a physical address */
static inline uint64_t fw_guard_physical(uint64_t pointer)
{
    return pointer & ~HV_KERNELBASE;
}

static inline const symbol *fw_guard_symbol(const symtab *syms, const char *name, bool sized,
                                            char *err, size_t errlen)
{
    const symbol *s = symtab_find(syms, name);
    if (!s || (sized && !s->size)) {
        snprintf(err, errlen, "firmware symbol %s missing%s", name, sized ? " or unsized" : "");
        return NULL;
    }
    return s;
}

/* The TCE tables as the firmware sees them: hv_kvm.spapr_tce_tables and its next links. */
static inline bool fw_guard_read_tce_tables(fw_guard *g, const uint8_t *ram, char *err,
                                            size_t errlen)
{
    uint64_t stt = fw_guard_read64(ram, g->kvm + offsetof(struct kvm, spapr_tce_tables));
    for (g->tce_count = 0; stt; stt = fw_guard_read64(ram, stt + TCE_NEXT)) {
        stt = fw_guard_physical(stt);
        if (g->tce_count == FW_GUARD_TCE_MAX || stt + TCE_TABLE + 8 > g->limit) {
            snprintf(err, errlen, "firmware TCE table list is not a short list in firmware memory");
            return false;
        }
        g->tce[g->tce_count++] = (fw_tce_table){
            fw_guard_read64(ram, stt + TCE_LIOBN), fw_guard_read32(ram, stt + TCE_WINDOW_SIZE),
            fw_guard_physical(fw_guard_read64(ram, stt + TCE_TABLE))};
    }
    return true;
}

/* Builds the structure list and the per-call layout from the firmware's symbols (physical
 * addresses, as hv_system and the fast-path harness load them) and its booted state in ram:
 * call after the firmware entered the guest.  False with a message if something is missing. */
static inline bool fw_guard_init(fw_guard *g, const symtab *syms, uint64_t rmor, const uint8_t *ram,
                                 char *err, size_t errlen)
{
    static const char *const structures[] = {"hv_paca",  "hv_vcpu", "hv_kvm",
                                             "hv_tce0",  "hv_tce1", "hv_emergency_stack",
                                             "hv_stack", "hv_hpt",  "hv_revmap"};
    const symbol *found[sizeof(structures) / sizeof(structures[0])];
    memset(g, 0, sizeof(*g));
    g->limit = rmor;
    for (size_t i = 0; i < sizeof(structures) / sizeof(structures[0]); i++) {
        if (!(found[i] = fw_guard_symbol(syms, structures[i], true, err, errlen))) return false;
        fw_guard_add(g, found[i]->addr, found[i]->addr + found[i]->size, found[i]->name);
    }
    /* The sized objects between the host stack and the HPT: console.c's static variables
     * (their section-end symbols __bss_end and __end are not in a loaded segment's symbols). */
    const symbol *stack = found[6], *hpt = found[7], *revmap = found[8];
    uint64_t statics_start = stack->addr + stack->size, statics_end = statics_start;
    for (uint64_t a = statics_start; a < hpt->addr; a += 4) {
        const symbol *s = symtab_lookup(syms, a, NULL);
        if (s && s->addr >= statics_start && s->addr + s->size > statics_end)
            statics_end = s->addr + s->size;
    }
    g->image_end = revmap->addr + revmap->size;
    g->statics = (fw_range){statics_start, statics_end, "console statics"};
    if (statics_end > statics_start) fw_guard_add(g, statics_start, statics_end, "console statics");
    g->bootparams = HV_BOOTPARAMS_PHYS;
    fw_guard_add(g, g->bootparams + BP_EXIT_STATUS, g->bootparams + BP_EXIT_FLAGS + 8,
                 "bootparams exit fields");

    g->paca = found[0]->addr;
    g->vcpu = found[1]->addr;
    g->kvm = found[2]->addr;
    g->emergency_stack = (fw_range){found[5]->addr, found[5]->addr + found[5]->size, "emergency"};
    g->stack = (fw_range){stack->addr, stack->addr + stack->size, "host stack"};
    g->hpt = fw_guard_physical(fw_guard_read64(ram, g->kvm + offsetof(struct kvm, hpt_virt)));
    g->revmap = fw_guard_physical(fw_guard_read64(ram, g->kvm + offsetof(struct kvm, revmap)));
    g->hpt_npte = fw_guard_read64(ram, g->kvm + offsetof(struct kvm, hpt_npte));
    if (g->hpt != hpt->addr || g->revmap != revmap->addr ||
        g->hpt_npte * FW_GUARD_HPTE > hpt->size) {
        snprintf(err, errlen, "hv_kvm's HPT pointers do not match hv_hpt/hv_revmap: not booted?");
        return false;
    }
    if (!fw_guard_read_tce_tables(g, ram, err, errlen)) return false;

    static const char *const paths[] = {"guest_exit_cont", "hv_power_off", "hv_host_interrupt"};
    uint64_t *pcs[] = {&g->host_side_pc, &g->power_off_pc, &g->host_interrupt_pc};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        const symbol *s = fw_guard_symbol(syms, paths[i], false, err, errlen);
        if (!s) return false;
        *pcs[i] = s->addr;
    }
    const symbol *table = fw_guard_symbol(syms, "hcall_real_table", false, err, errlen);
    const symbol *table_end = fw_guard_symbol(syms, "hcall_real_table_end", false, err, errlen);
    if (!table || !table_end) return false;
    g->real_table_size = table_end->addr - table->addr;
    return true;
}

/* ---- The allowed set of one call -------------------------------------------------------- */

static inline void fw_guard_allow(fw_guard *g, uint64_t start, uint64_t size, const char *what)
{
    if (!size) return;
    if (g->call_count == FW_GUARD_CALL_MAX) {
        g->call_overflow = true;
        return;
    }
    g->call_allowed[g->call_count++] = (fw_range){start, start + size, what};
}

/* base + a FW_FIELD/FW_SPAN (offset, size) pair */
static inline void fw_guard_allow_at(fw_guard *g, uint64_t base, size_t offset, size_t size,
                                     const char *what)
{
    fw_guard_allow(g, base + offset, size, what);
}

static inline void fw_guard_allow_hptes(fw_guard *g, uint64_t pte_index, uint64_t count,
                                        bool with_revmap)
{
    if (pte_index >= g->hpt_npte) return; /* the handler must refuse it: nothing may change */
    fw_guard_allow(g, g->hpt + pte_index * FW_GUARD_HPTE, count * FW_GUARD_HPTE, "HPTE");
    if (with_revmap)
        fw_guard_allow(g, g->revmap + pte_index * sizeof(struct revmap_entry),
                       count * sizeof(struct revmap_entry), "revmap entry");
}

static inline void fw_guard_allow_console(fw_guard *g)
{
    fw_guard_allow(g, g->statics.start, g->statics.end - g->statics.start, "console statics");
    fw_guard_allow_at(g, g->bootparams, FW_SPAN(hv_bootparams, exit_status, exit_flags),
                      "bootparams exit fields");
}

static inline void fw_guard_allow_reflect(fw_guard *g)
{
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, stat_reflected), "vcpu stat_reflected");
}

/* Every exit: the vector prolog, kvmppc_interrupt, the real-mode handlers, fast_guest_return */
static inline void fw_guard_allow_exit(fw_guard *g)
{
    fw_guard_allow_at(g, g->paca, FW_SPAN(paca_struct, exgen.r9, exgen.r10), "PACA exgen");
    fw_guard_allow_at(g, g->paca, FW_FIELD(paca_struct, kvm_hstate.host_r2), "hstate host_r2");
    fw_guard_allow_at(g, g->paca, FW_SPAN(paca_struct, kvm_hstate.scratch0, kvm_hstate.scratch1),
                      "hstate scratch");
    fw_guard_allow_at(g, g->paca, FW_FIELD(paca_struct, kvm_hstate.in_guest), "hstate in_guest");
    fw_guard_allow_at(g, g->paca, FW_FIELD(paca_struct, kvm_hstate.cfar), "hstate cfar");
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, gpr[0], gpr[13]), "vcpu r0-r13");
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, pc, cr), "vcpu pc/ctr/lr/xer/cr");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, cfar), "vcpu cfar");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, ceded), "vcpu ceded");
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, last_inst, trap), "vcpu last_inst/trap");
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, srr0, srr1), "vcpu srr0/srr1");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, msr), "vcpu msr");
    fw_guard_allow(g, g->stack.start, g->stack.end - g->stack.start, "host stack");
}

/* guest_exit_cont, the host side (kvmppc_handle_exit_hv) and kvmppc_hv_entry */
static inline void fw_guard_allow_host_side(fw_guard *g)
{
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, gpr[14], gpr[31]), "vcpu r14-r31");
    fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, sprg0, sprg3), "vcpu sprg0-3");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, dar), "vcpu dar");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, dsisr), "vcpu dsisr");
    fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, stat_exits), "vcpu stat_exits");
    fw_guard_allow_at(g, g->paca, FW_FIELD(paca_struct, kvm_hstate.host_r1), "hstate host_r1");
    fw_guard_allow_at(g, g->paca, FW_FIELD(paca_struct, kvm_hstate.kvm_vcpu), "hstate kvm_vcpu");
}

static inline void fw_guard_allow_tce_entry(fw_guard *g, uint64_t liobn, uint64_t ioba)
{
    for (unsigned i = 0; i < g->tce_count; i++)
        if (g->tce[i].liobn == liobn && ioba < g->tce[i].window_size)
            fw_guard_allow(g, g->tce[i].table + (ioba >> SPAPR_TCE_SHIFT) * 8, 8, "TCE entry");
}

/* What the hcall in r3 may write besides the exit's own state (args: the guest's r4..r11) */
static inline void fw_guard_allow_hcall(fw_guard *g, uint64_t r3, const uint64_t *args)
{
    switch (r3) {
    case H_ENTER:
        if (args[0] & H_EXACT)
            fw_guard_allow_hptes(g, args[1], 1, true);
        else if (args[1] < g->hpt_npte)
            fw_guard_allow_hptes(g, args[1] & ~(uint64_t)(HPTES_PER_GROUP - 1), HPTES_PER_GROUP,
                                 true);
        break;
    case H_REMOVE: fw_guard_allow_hptes(g, args[1], 1, false); break;
    case H_PROTECT: fw_guard_allow_hptes(g, args[1], 1, true); break;
    case H_BULK_REMOVE:
        for (unsigned i = 0; i < 4; i++)
            fw_guard_allow_hptes(g, args[2 * i] & H_BULK_REMOVE_PTEX, 1, false);
        break;
    case H_PUT_TCE: fw_guard_allow_tce_entry(g, args[0], args[1]); break;
    case H_SET_DABR: fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, dabr), "vcpu dabr"); break;
    case H_EOI:
    case H_CPPR:
    case H_IPI:
    case H_XIRR: fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, icp), "vcpu icp"); break;
    case H_CEDE:
        fw_guard_allow_reflect(g); /* the decrementer the idle waited for */
        fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, prodded), "vcpu prodded");
        break;
    case H_PROD: fw_guard_allow_at(g, g->vcpu, FW_FIELD(kvm_vcpu, prodded), "vcpu prodded"); break;
    case H_RANDOM: fw_guard_allow_at(g, g->kvm, FW_FIELD(kvm, rng_state), "kvm rng_state"); break;
    case H_SET_MODE: fw_guard_allow_at(g, g->kvm, FW_FIELD(kvm, lpcr), "kvm lpcr"); break;
    case H_RTAS: /* set-time-of-day; display-character prints */
        fw_guard_allow_at(g, g->kvm, FW_FIELD(kvm, tod_offset), "kvm tod_offset");
        fw_guard_allow_console(g);
        break;
    case H_PUT_TERM_CHAR: fw_guard_allow_console(g); break;
    default: break; /* no firmware state of its own */
    }
}

/* cpu_observer.interrupt: an interrupt that takes the CPU from the guest into the firmware starts
 * a call; its allowed set follows from the vector and, for an hcall, the guest's r3..r11. */
static inline void fw_guard_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    fw_guard *g = ctx;
    if (!g->guest_running || !(cpu_get_msr(cpu) & MSR_HV)) return; /* the guest's own vector */
    g->guest_running = false;
    g->in_call = true;
    g->call_vector = vector;
    g->call_r3 = cpu_get_gpr(cpu, 3);
    g->call_paths = 0;
    g->call_count = 0;
    fw_guard_allow_exit(g);
    switch (vector) {
    case BOOK3S_INTERRUPT_SYSCALL:
        if (cpu_get_spr(cpu, SPR_SRR1) & MSR_PR) { /* the host reflects it to the guest */
            fw_guard_allow_reflect(g);
        } else {
            uint64_t args[8];
            for (unsigned i = 0; i < 8; i++)
                args[i] = cpu_get_gpr(cpu, 4 + i);
            fw_guard_allow_hcall(g, g->call_r3, args);
            /* hcall_try_real_mode indexes its table with r3 & ~3 (as Linux 3.10): 0x23 runs the
             * real-mode H_PUT_TCE, the host side sees 0x23 */
            if (g->call_r3 < g->real_table_size && (g->call_r3 & 3))
                fw_guard_allow_hcall(g, g->call_r3 & ~3ull, args);
        }
        break;
    case BOOK3S_INTERRUPT_H_DATA_STORAGE:
    case BOOK3S_INTERRUPT_H_INST_STORAGE: /* kvmppc_hdsi/hisi keep the fault for the host */
        fw_guard_allow_at(g, g->vcpu, FW_SPAN(kvm_vcpu, fault_dar, fault_dsisr), "vcpu fault");
        fw_guard_allow_reflect(g);
        break;
    case BOOK3S_INTERRUPT_H_EMUL_ASSIST:
    case BOOK3S_INTERRUPT_H_FAC_UNAVAIL: fw_guard_allow_reflect(g); break;
    default: break;
    }
}

/* cpu_observer.before: tracks guest/firmware, ends the call when the CPU is back in the guest and
 * widens it when the firmware reaches one of its paths. */
static inline void fw_guard_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    fw_guard *g = ctx;
    if (!(cpu_get_msr(cpu) & MSR_HV)) {
        g->guest_running = true;
        g->in_call = false;
        return;
    }
    g->guest_running = false;
    if (!g->in_call) return;
    uint64_t pc = fw_guard_physical(cpu_get_nip(cpu));
    if (pc == g->host_side_pc && !(g->call_paths & FW_PATH_HOST_SIDE)) {
        g->call_paths |= FW_PATH_HOST_SIDE;
        fw_guard_allow_host_side(g);
    } else if (pc == g->power_off_pc && !(g->call_paths & FW_PATH_POWER_OFF)) {
        g->call_paths |= FW_PATH_POWER_OFF;
        fw_guard_allow_at(g, g->bootparams, FW_FIELD(hv_bootparams, exit_flags),
                          "bootparams exit_flags");
    } else if (pc == g->host_interrupt_pc && !(g->call_paths & FW_PATH_HOST_INTERRUPT)) {
        g->call_paths |= FW_PATH_HOST_INTERRUPT;
        fw_guard_allow(g, g->emergency_stack.start,
                       g->emergency_stack.end - g->emergency_stack.start, "emergency stack");
    }
}

/* Forget the call in progress (the fuzz harness restores the CPU between inputs). */
static inline void fw_guard_reset_call(fw_guard *g)
{
    g->in_call = g->guest_running = false;
}

/* Whether every byte of [pa, pa + size) is in the call's allowed set (a store may span two
 * adjacent fields that come from different parts of the set: sth of vcpu ceded + prodded). */
static inline bool fw_guard_call_allows(const fw_guard *g, uint64_t pa, unsigned size)
{
    for (uint64_t a = pa; a < pa + size;) {
        uint64_t next = a;
        for (unsigned i = 0; i < g->call_count && next == a; i++)
            if (a >= g->call_allowed[i].start && a < g->call_allowed[i].end)
                next = g->call_allowed[i].end;
        if (next == a) return false;
        a = next;
    }
    return true;
}

/* ---- Structure-level checksum -------------------------------------------------------------- */

/* The structure holding pa, or NULL. */
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

/* Checksum of firmware memory below `limit` (at most g->limit) without the structures. */
static inline uint64_t fw_guard_checksum_below(const fw_guard *g, const uint8_t *ram,
                                               uint64_t limit)
{
    uint64_t h = 0xcbf29ce484222325ull, pos = 0;
    if (limit > g->limit) limit = g->limit;
    while (pos < limit) {
        /* the next structure at or after pos */
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

/* ---- The store watch ------------------------------------------------------------------------ */

/* cpu_observer.mem_access: records stores into firmware memory outside the current call's set. */
static inline void fw_guard_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa,
                                       unsigned size, bool is_store)
{
    fw_guard *g = ctx;
    if (!is_store || pa >= g->limit) return;
    if (g->in_call && fw_guard_call_allows(g, pa, size)) return;
    if (!g->bad_stores++) {
        g->first_bad_pa = pa;
        g->first_bad_size = size;
        g->first_bad_nip = cpu_get_nip(cpu);
        g->first_bad_msr = cpu_get_msr(cpu);
        g->first_bad_in_call = g->in_call;
        g->first_bad_vector = g->call_vector;
        g->first_bad_r3 = g->call_r3;
    }
}

/* Every call's stores stayed inside its allowed set (and the set fitted). */
static inline bool fw_guard_clean(const fw_guard *g)
{
    return !g->bad_stores && !g->call_overflow;
}

/* "2 store(s) ...: first 8 bytes at 0x... (in hcall 0x20) by the instruction at 0x..." */
static inline void fw_guard_describe(const fw_guard *g, char *buf, size_t len)
{
    char call[64];
    if (!g->first_bad_in_call)
        snprintf(call, sizeof(call), "outside any firmware call");
    else if (g->first_bad_vector == BOOK3S_INTERRUPT_SYSCALL)
        snprintf(call, sizeof(call), "in the call sc 1 r3=0x%" PRIx64, g->first_bad_r3);
    else
        snprintf(call, sizeof(call), "in the exit for interrupt 0x%x", g->first_bad_vector);
    if (g->call_overflow)
        snprintf(buf, len, "fw_guard: a call needed more than %u allowed ranges",
                 FW_GUARD_CALL_MAX);
    else
        snprintf(buf, len,
                 "%" PRIu64 " store(s) into firmware memory outside the call's allowed set: first "
                 "%u bytes at 0x%" PRIx64 " (%s) by the instruction at 0x%" PRIx64
                 " (MSR 0x%" PRIx64 ")",
                 g->bad_stores, g->first_bad_size, g->first_bad_pa, call, g->first_bad_nip,
                 g->first_bad_msr);
}

#endif
