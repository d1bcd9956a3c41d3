/* Storage access: effective -> real address for the current mode, byte order, and the interrupts
 * that accesses raise.  Real-mode translation follows QEMU 7.2 ppc_hash64_handle_mmu_fault
 * (target/ppc/mmu-hash64.c) for POWER8:
 *   - hypervisor real mode: the top four EA bits are ignored; HRMOR is ORed in when EA bit 0 is 0
 *   - guest real mode, LPCR[VPM0]=0: the EA (top four bits ignored) must be below the LPCR[RMLS]
 *     limit, else DSI (DSISR 0x08000000, | 0x02000000 for a store, DAR = EA) or ISI
 *     (SRR1 0x08000000) to the guest; RMOR is ORed in
 *   - guest real mode, LPCR[VPM0]=1 (VRMA): needs the hashed page table, which is not modelled:
 *     HDSI/HISI "no PTE", which is what QEMU 7.2 gives when the table holds no entry
 *   - translation on (IR/DR=1): not implemented yet, raises DSI/ISI "no PTE" (QEMU would search
 *     the SLB and the hashed page table first)
 */
#include "cpu/cpu_state.h"

#define EA_REAL_MASK    0x0fffffffffffffffull
#define LPCR_VPM0       (1ull << (63 - 0))
#define LPCR_RMLS_SHIFT (63 - 37)
#define SRR1_ISI_NOPTE  0x40000000ull
#define SRR1_ISI_PROT   0x08000000ull

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

/* Real-mode limit for LPCR[RMLS] on POWER8 (QEMU 7.2's table; other encodings give 0). */
static uint64_t rmls_limit(uint64_t lpcr)
{
    switch ((lpcr >> LPCR_RMLS_SHIFT) & 0xf) {
    case 0: return 256ull << 30;
    case 1: return 16ull << 30;
    case 2: return 1ull << 30;
    case 3: return 64ull << 20;
    case 4: return 256ull << 20;
    case 7: return 128ull << 20;
    case 8: return 32ull << 20;
    default: return 0;
    }
}

typedef enum {
    XLATE_OK,
    XLATE_PROTECTION, /* guest real mode beyond the RMA: DSI/ISI to the guest */
    XLATE_NO_PTE,     /* relocation on: DSI/ISI (translation not implemented) */
    XLATE_HV_NO_PTE,  /* guest VRMA: HDSI/HISI (no hashed page table) */
} xlate_result;

static xlate_result translate(const ppc_cpu *cpu, uint64_t ea, bool is_fetch, uint64_t *pa)
{
    bool relocate = (cpu->msr & (is_fetch ? MSR_IR : MSR_DR)) != 0;
    if (relocate) return XLATE_NO_PTE;
    uint64_t ra = ea & EA_REAL_MASK;
    if (cpu->msr & MSR_HV) {
        if (!(ea >> 63)) ra |= cpu->spr[SPR_HRMOR];
    } else {
        if (cpu->spr[SPR_LPCR] & LPCR_VPM0) return XLATE_HV_NO_PTE;
        if (ra >= rmls_limit(cpu->spr[SPR_LPCR])) return XLATE_PROTECTION;
        ra |= cpu->spr[SPR_RMOR];
    }
    *pa = ra;
    return XLATE_OK;
}

bool cpu_translate_probe(ppc_cpu *cpu, uint64_t ea, bool is_fetch, uint64_t *pa)
{
    return translate(cpu, ea, is_fetch, pa) == XLATE_OK;
}

bool cpu_translate_data(ppc_cpu *cpu, uint64_t ea, bool is_store, uint64_t *pa)
{
    xlate_result r = translate(cpu, ea, false, pa);
    if (r == XLATE_OK) return true;
    uint64_t dsisr =
        (r == XLATE_PROTECTION ? DSISR_PROTFAULT : DSISR_NOPTE) | (is_store ? DSISR_STORE : 0);
    if (r == XLATE_HV_NO_PTE) {
        cpu->spr[SPR_HDAR] = ea;
        cpu->spr[SPR_HDSISR] = dsisr;
        cpu_interrupt(cpu, VEC_HDSI, cpu->nip, 0);
    } else {
        cpu->spr[SPR_DAR] = ea;
        cpu->spr[SPR_DSISR] = dsisr;
        cpu_interrupt(cpu, VEC_DSI, cpu->nip, 0);
    }
    return false;
}

bool cpu_translate_fetch(ppc_cpu *cpu, uint64_t ea, uint64_t *pa)
{
    xlate_result r = translate(cpu, ea, true, pa);
    switch (r) {
    case XLATE_OK: return true;
    case XLATE_PROTECTION: cpu_interrupt(cpu, VEC_ISI, ea, SRR1_ISI_PROT); break;
    case XLATE_NO_PTE: cpu_interrupt(cpu, VEC_ISI, ea, SRR1_ISI_NOPTE); break;
    case XLATE_HV_NO_PTE: cpu_interrupt(cpu, VEC_HISI, ea, SRR1_ISI_NOPTE); break;
    }
    return false;
}

static uint64_t load_be(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = (v << 8) | p[i];
    return v;
}

static void store_be(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = size; i-- > 0;) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static bool in_ram(const ppc_cpu *cpu, uint64_t pa, unsigned size)
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

static bool phys_load(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t *value, uint64_t ea)
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

static bool phys_store(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t value, uint64_t ea)
{
    if (in_ram(cpu, pa, size)) {
        store_be(cpu->mem.ram + pa, size, value);
        cpu_invalidate_code(cpu, pa);
        if (((pa + size - 1) >> 12) != (pa >> 12)) cpu_invalidate_code(cpu, pa + size - 1);
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

static uint64_t byte_reverse(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

bool cpu_load(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, false, &pa)) return false;
    if (!phys_load(cpu, pa, size, value, ea)) return false;
    if (cpu->msr & MSR_LE) *value = byte_reverse(*value, size);
    return true;
}

/* A store by this thread to the reservation granule does not clear the reservation (Power ISA
 * 2.07 Book II 1.7.3.1: only other processors' stores and stcx. do). */
bool cpu_store(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, true, &pa)) return false;
    if (cpu->msr & MSR_LE) value = byte_reverse(value, size);
    return phys_store(cpu, pa, size, value, ea);
}
