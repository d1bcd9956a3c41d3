/* Storage access: effective -> real address for the current mode (mmu_hash64.c), the
 * interrupts a failed translation raises, byte order, and the physical access (RAM, devices, or
 * a machine check for neither). */
#include <stddef.h>
#include <string.h>

#include "cpu/mmu_hash64.h"

/* Machine check for a real address that is neither RAM nor a device.  POWER8 hardware raises
 * one; QEMU 7.2 does not (it has no do_transaction_failed hook for ppc: unassigned reads return
 * 0, writes are dropped, and a fetch reads 0, an illegal word).  The reason bits are those that
 * QEMU 8.1+ ppc_cpu_do_transaction_failed gives POWER8-10 (ORed into SRR1 by
 * powerpc_excp_books): SRR1 MSB-0 bit 42 for a load (DSISR bit 57, DAR = EA), bits 36, 42, 43
 * and 45 for a store (DAR = EA). */
#define MCE_SRR1_LOAD (1ull << (63 - 42))
#define MCE_SRR1_STORE                                                                             \
    ((1ull << (63 - 36)) | (1ull << (63 - 42)) | (1ull << (63 - 43)) | (1ull << (63 - 45)))
#define MCE_DSISR_LOAD (1u << (63 - 57))

bool cpu_translate_probe(ppc_cpu *cpu, uint64_t ea, bool is_fetch, uint64_t *pa)
{
    mmu_fault fault;
    return mmu_translate(cpu, ea, is_fetch ? MMU_FETCH : MMU_LOAD, false, pa, &fault);
}

/* Data faults: DSI/HDSI save the faulting instruction's address, DAR/HDAR the EA
 * (QEMU ppc_hash64_set_dsi, powerpc_excp_books). */
static void deliver_data_fault(ppc_cpu *cpu, uint64_t ea, const mmu_fault *fault)
{
    switch (fault->kind) {
    case MMU_FAULT_SEGMENT:
        cpu->spr[SPR_DAR] = ea;
        cpu_interrupt(cpu, VEC_DSEG, cpu->nip, 0);
        break;
    case MMU_FAULT_STORAGE:
        if (fault->hypervisor) {
            cpu->spr[SPR_HDAR] = ea;
            cpu->spr[SPR_HDSISR] = fault->bits;
            cpu_interrupt(cpu, VEC_HDSI, cpu->nip, 0);
        } else {
            cpu->spr[SPR_DAR] = ea;
            cpu->spr[SPR_DSISR] = fault->bits;
            cpu_interrupt(cpu, VEC_DSI, cpu->nip, 0);
        }
        break;
    case MMU_FAULT_MACHINE_CHECK: cpu_interrupt(cpu, VEC_MACHINE_CHECK, cpu->nip, 0); break;
    }
}

/* Fetch faults: SRR0/HSRR0 = the instruction's address, the reason in SRR1/HSRR1. */
static void deliver_fetch_fault(ppc_cpu *cpu, uint64_t ea, const mmu_fault *fault)
{
    switch (fault->kind) {
    case MMU_FAULT_SEGMENT: cpu_interrupt(cpu, VEC_ISEG, ea, 0); break;
    case MMU_FAULT_STORAGE:
        cpu_interrupt(cpu, fault->hypervisor ? VEC_HISI : VEC_ISI, ea, fault->bits);
        break;
    case MMU_FAULT_MACHINE_CHECK: cpu_interrupt(cpu, VEC_MACHINE_CHECK, ea, 0); break;
    }
}

bool cpu_translate_data(ppc_cpu *cpu, uint64_t ea, bool is_store, uint64_t *pa)
{
    mmu_fault fault;
    if (mmu_translate(cpu, ea, is_store ? MMU_STORE : MMU_LOAD, true, pa, &fault)) return true;
    deliver_data_fault(cpu, ea, &fault);
    return false;
}

bool cpu_translate_fetch(ppc_cpu *cpu, uint64_t ea, uint64_t *pa)
{
    mmu_fault fault;
    if (mmu_translate(cpu, ea, MMU_FETCH, true, pa, &fault)) return true;
    deliver_fetch_fault(cpu, ea, &fault);
    return false;
}

static inline bool in_ram(const ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    return pa < cpu->mem.ram_size && size <= cpu->mem.ram_size - pa;
}

/* A data access to a real address that is neither RAM nor a device: machine check with
 * DAR = the EA and the POWER8 reason bits in SRR1 (and DSISR for a load). */
static void data_machine_check(ppc_cpu *cpu, uint64_t ea, bool is_store)
{
    cpu->spr[SPR_DAR] = ea;
    if (!is_store) cpu->spr[SPR_DSISR] = MCE_DSISR_LOAD;
    cpu_interrupt(cpu, VEC_MACHINE_CHECK, cpu->nip, is_store ? MCE_SRR1_STORE : MCE_SRR1_LOAD);
}

static inline bool phys_load(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t *value, uint64_t ea)
{
    if (in_ram(cpu, pa, size)) {
        *value = cpu_ram_load_be(cpu->mem.ram + pa, size);
        return true;
    }
    if (cpu->mem.io_read && cpu->mem.io_read(cpu->mem.io_opaque, pa, size, value) == PHYS_OK)
        return true;
    data_machine_check(cpu, ea, false);
    return false;
}

static inline bool phys_store(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t value, uint64_t ea)
{
    if (in_ram(cpu, pa, size)) {
        cpu_ram_store_be(cpu->mem.ram + pa, size, value);
        cpu_code_written(cpu, pa, size);
        return true;
    }
    if (cpu->mem.io_write && cpu->mem.io_write(cpu->mem.io_opaque, pa, size, value) == PHYS_OK)
        return true;
    data_machine_check(cpu, ea, true);
    return false;
}

/* Without an EA (the caller works on real addresses), DAR reports the real address. */
bool cpu_phys_load(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t *value)
{
    return phys_load(cpu, pa, size, value, pa);
}

bool cpu_phys_store(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t value)
{
    return phys_store(cpu, pa, size, value, pa);
}

/* The observer's mem_access hook, after translation and before the device; a plain run pays one
 * well-predicted branch. */
static inline void report_access(ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                                 bool is_store)
{
    const cpu_observer *obs = cpu->observer;
    if (__builtin_expect(obs != NULL, 0) && obs->mem_access)
        obs->mem_access(obs->ctx, cpu, ea, pa, size, is_store);
}

void cpu_report_access(ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size, bool is_store)
{
    report_access(cpu, ea, pa, size, is_store);
}

/* ---- The data map ----
 * Only plain real-mode translations go in: hypervisor real mode, and guest real mode through
 * RMOR (LPCR[VPM0]=0).  They depend on the MSR (one map per context), HRMOR, RMOR and LPCR
 * (a write to those flushes, decode.c exec_fetch_context), never on memory, so an entry stays
 * right until one of them changes.  Relocated and VRMA accesses always take the page-table walk
 * (its own cache checks the HPTE on every use).  Big-endian contexts only: MSR[LE] accesses
 * byte-swap in the slow path. */
static bool plain_real_mode(const ppc_cpu *cpu)
{
    if (cpu->msr & (MSR_DR | MSR_LE)) return false;
    return (cpu->msr & MSR_HV) || !(cpu->spr[SPR_LPCR] & LPCR_VPM0);
}

/* After a successful access at `ea` -> `pa`: maps the page if its whole effective page
 * translates linearly into RAM. */
static void data_map_fill(ppc_cpu *cpu, uint64_t ea, uint64_t pa, bool is_store)
{
    if (!plain_real_mode(cpu)) return;
    uint64_t ea_page = ea & ~0xfffull, pa_page = pa & ~0xfffull, last;
    if (pa_page >= cpu->mem.ram_size || cpu->mem.ram_size - pa_page < 4096) return;
    mmu_fault fault;
    if (!mmu_translate(cpu, ea_page + 0xfff, is_store ? MMU_STORE : MMU_LOAD, false, &last,
                       &fault) ||
        last != pa_page + 0xfff)
        return;
    dmap_entry *table = is_store ? cpu->dmap->store : cpu->dmap->load;
    code_page *code =
        is_store && (pa_page >> 12) < cpu->code_pages ? cpu->code[pa_page >> 12] : NULL;
    table[cpu_data_map_slot(ea)] = (dmap_entry){ea_page, cpu->mem.ram + pa_page, code};
}

void cpu_data_map_flush(ppc_cpu *cpu, bool stores_only)
{
    for (unsigned c = 0; c < DMAP_CONTEXTS; c++)
        for (unsigned i = 0; i < DMAP_ENTRIES; i++) {
            cpu->dmaps[c].store[i].ea_page = DMAP_INVALID;
            if (!stores_only) cpu->dmaps[c].load[i].ea_page = DMAP_INVALID;
        }
}

bool cpu_load_slow(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, false, &pa)) return false;
    report_access(cpu, ea, pa, size, false);
    if (!phys_load(cpu, pa, size, value, ea)) return false;
    if (cpu->msr & MSR_LE)
        *value = cpu_byte_reverse(*value, size);
    else if (in_ram(cpu, pa, size))
        data_map_fill(cpu, ea, pa, false);
    return true;
}

/* A store by this thread to the reservation granule does not clear the reservation (Power ISA
 * 2.07 Book II 1.7.3.1: only other processors' stores and stcx. do). */
bool cpu_store_slow(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, true, &pa)) return false;
    report_access(cpu, ea, pa, size, true);
    if (cpu->msr & MSR_LE) value = cpu_byte_reverse(value, size);
    if (!phys_store(cpu, pa, size, value, ea)) return false;
    if (in_ram(cpu, pa, size)) data_map_fill(cpu, ea, pa, true);
    return true;
}
