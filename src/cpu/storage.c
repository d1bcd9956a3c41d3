/* Storage access: effective -> real address for the current mode (mmu_hash64.c), the
 * interrupts a failed translation raises, byte order, and the physical access (RAM, devices, or
 * a machine check for neither). */
#include <endian.h>
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

/* RAM holds big-endian values; one host load or store each. */
static inline uint64_t load_be(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return be16toh(v);
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return be32toh(v);
    }
    case 8: {
        uint64_t v;
        memcpy(&v, p, 8);
        return be64toh(v);
    }
    default: {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v = (v << 8) | p[i];
        return v;
    }
    }
}

static inline void store_be(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: {
        uint16_t be = htobe16((uint16_t)v);
        memcpy(p, &be, 2);
        break;
    }
    case 4: {
        uint32_t be = htobe32((uint32_t)v);
        memcpy(p, &be, 4);
        break;
    }
    case 8: {
        uint64_t be = htobe64(v);
        memcpy(p, &be, 8);
        break;
    }
    default:
        for (unsigned i = size; i-- > 0;) {
            p[i] = (uint8_t)v;
            v >>= 8;
        }
    }
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
        *value = load_be(cpu->mem.ram + pa, size);
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
        store_be(cpu->mem.ram + pa, size, value);
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

bool cpu_load(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, false, &pa)) return false;
    report_access(cpu, ea, pa, size, false);
    if (!phys_load(cpu, pa, size, value, ea)) return false;
    if (cpu->msr & MSR_LE) *value = cpu_byte_reverse(*value, size);
    return true;
}

/* A store by this thread to the reservation granule does not clear the reservation (Power ISA
 * 2.07 Book II 1.7.3.1: only other processors' stores and stcx. do). */
bool cpu_store(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, true, &pa)) return false;
    report_access(cpu, ea, pa, size, true);
    if (cpu->msr & MSR_LE) value = cpu_byte_reverse(value, size);
    return phys_store(cpu, pa, size, value, ea);
}
