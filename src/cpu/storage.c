/* Storage access: effective -> real address for the current mode, byte order, and the interrupts
 * that accesses raise.  Implemented modes (POWER8, LPCR[VPM0]=0):
 *   - hypervisor real mode: the top four EA bits are ignored; HRMOR is ORed in when EA bit 0 is 0
 *   - guest real mode: limited by LPCR[RMLS], RMOR ORed in (as QEMU 7.2 does)
 *   - translation on (IR/DR=1): not implemented yet, raises DSI/ISI "no PTE"
 */
#include <string.h>

#include "cpu/cpu_state.h"

#define EA_REAL_MASK 0x0fffffffffffffffull
#define LPCR_VPM0    (1ull << (63 - 0))
#define LPCR_RMLS_SHIFT (63 - 37)
#define SRR1_ISI_NOPT   0x40000000ull
#define SRR1_ISI_PROT   0x08000000ull

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

typedef enum { XLATE_OK, XLATE_PROTECTION, XLATE_NO_PTE } xlate_result;

static xlate_result translate(const ppc_cpu *cpu, uint64_t ea, bool is_fetch, uint64_t *pa)
{
    bool relocate = (cpu->msr & (is_fetch ? MSR_IR : MSR_DR)) != 0;
    if (relocate) return XLATE_NO_PTE;
    uint64_t ra = ea & EA_REAL_MASK;
    if (cpu->msr & MSR_HV) {
        if (!(ea >> 63)) ra |= cpu->spr[SPR_HRMOR];
    } else {
        if (cpu->spr[SPR_LPCR] & LPCR_VPM0) return XLATE_NO_PTE;
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
    cpu->spr[SPR_DAR] = ea;
    cpu->spr[SPR_DSISR] = (r == XLATE_PROTECTION ? DSISR_PROTFAULT : DSISR_NOPTE) |
                          (is_store ? DSISR_STORE : 0);
    cpu_interrupt(cpu, VEC_DSI, cpu->nip, 0);
    return false;
}

bool cpu_translate_fetch(ppc_cpu *cpu, uint64_t ea, uint64_t *pa)
{
    xlate_result r = translate(cpu, ea, true, pa);
    if (r == XLATE_OK) return true;
    cpu_interrupt(cpu, VEC_ISI, ea, r == XLATE_PROTECTION ? SRR1_ISI_PROT : SRR1_ISI_NOPT);
    return false;
}

static uint64_t load_be(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) v = (v << 8) | p[i];
    return v;
}

static void store_be(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = size; i-- > 0;) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void machine_check(ppc_cpu *cpu, uint64_t ea_or_pa, bool is_store)
{
    cpu->spr[SPR_DAR] = ea_or_pa;
    cpu_interrupt(cpu, VEC_MACHINE_CHECK, cpu->nip, 0);
}

bool cpu_phys_load(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t *value)
{
    if (pa < cpu->mem.ram_size && size <= cpu->mem.ram_size - pa) {
        *value = load_be(cpu->mem.ram + pa, size);
        return true;
    }
    if (cpu->mem.io_read && cpu->mem.io_read(cpu->mem.io_opaque, pa, size, value) == PHYS_OK)
        return true;
    machine_check(cpu, pa, false);
    return false;
}

bool cpu_phys_store(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t value)
{
    if (pa < cpu->mem.ram_size && size <= cpu->mem.ram_size - pa) {
        store_be(cpu->mem.ram + pa, size, value);
        cpu_invalidate_code(cpu, pa);
        if (((pa + size - 1) >> 12) != (pa >> 12)) cpu_invalidate_code(cpu, pa + size - 1);
        return true;
    }
    if (cpu->mem.io_write &&
        cpu->mem.io_write(cpu->mem.io_opaque, pa, size, value) == PHYS_OK)
        return true;
    machine_check(cpu, pa, true);
    return false;
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
    if (!cpu_phys_load(cpu, pa, size, value)) return false;
    if (cpu->msr & MSR_LE) *value = byte_reverse(*value, size);
    return true;
}

bool cpu_store(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value)
{
    uint64_t pa;
    ea &= cpu_ea_mask(cpu);
    if (!cpu_translate_data(cpu, ea, true, &pa)) return false;
    if (cpu->msr & MSR_LE) value = byte_reverse(value, size);
    if (cpu->reserve_valid && pa < cpu->reserve_addr + cpu->reserve_size &&
        cpu->reserve_addr < pa + size) {
        /* A store by this thread to the reservation granule does not clear it (ISA Book II
         * 1.7.3.1); other threads would.  Single thread: leave it. */
    }
    return cpu_phys_store(cpu, pa, size, value);
}
