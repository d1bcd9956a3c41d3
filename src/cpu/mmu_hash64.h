/* The POWER8 storage translation unit: effective -> real address for every MSR mode, hashed page
 * table (Power ISA 2.07 Book III-S ch. 5), as QEMU 7.2's target/ppc/mmu-hash64.c
 * (ppc_hash64_xlate) does it for the powernv8 machine.
 *
 * The function reports a failure as an mmu_fault; storage.c turns it into the interrupt (the
 * translation itself never touches SRR0/1 or DAR/DSISR). */
#ifndef HCALLSIM_CPU_MMU_HASH64_H
#define HCALLSIM_CPU_MMU_HASH64_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu_state.h"

/* SLB entry images (ISA 2.07 5.9.3.1, slbmte RB and RS), LSB-0 masks. */
#define SLB_ESID_V    0x0000000008000000ull /* RB bit 36: valid */
#define SLB_ESID_256M 0xfffffffff0000000ull /* ESID of a 256 MB segment: EA bits 0:35 */
#define SLB_ESID_1T   0xffffff0000000000ull /* ESID of a 1 TB segment: EA bits 0:23 */
#define SLB_VSID_B    0xc000000000000000ull /* segment size: 00 = 256 MB, 01 = 1 TB */
#define SLB_VSID_B_1T 0x4000000000000000ull
#define SLB_VSID_VSID 0x3ffffffffffff000ull /* VSID (256 MB: <<12, 1 TB: <<24) */
#define SLB_VSID_KS   0x0000000000000800ull /* supervisor key */
#define SLB_VSID_KP   0x0000000000000400ull /* problem-state key */
#define SLB_VSID_N    0x0000000000000200ull /* no-execute segment */
#define SLB_VSID_LLP  0x0000000000000130ull /* base page size: L || LP */

/* HPTE images (kvm-hcall-path.md 7.3). */
#define HPTE_V_B         0xc000000000000000ull
#define HPTE_V_AVPN      0x3fffffffffffff80ull
#define HPTE_V_LARGE     0x0000000000000004ull
#define HPTE_V_SECONDARY 0x0000000000000002ull
#define HPTE_V_VALID     0x0000000000000001ull
#define HPTE_R_PP0       0x8000000000000000ull
#define HPTE_R_KEY_HI    0x3000000000000000ull
#define HPTE_R_RPN       0x0ffffffffffff000ull
#define HPTE_R_KEY_LO    0x0000000000000e00ull
#define HPTE_R_R         0x0000000000000100ull
#define HPTE_R_C         0x0000000000000080ull
#define HPTE_R_G         0x0000000000000008ull
#define HPTE_R_N         0x0000000000000004ull
#define HPTE_R_PP        0x0000000000000003ull

/* SDR1 (ISA 2.07 5.7.7.1). */
#define SDR1_HTABORG  0x0ffffffffffc0000ull
#define SDR1_HTABSIZE 0x000000000000001full

/* LPCR translation controls (MSB-0 bit numbers in the comments). */
#define LPCR_VPM0         (1ull << (63 - 0)) /* guest real mode through the VRMA */
#define LPCR_VPM1         (1ull << (63 - 1)) /* guest translation faults go to the hypervisor */
#define LPCR_ISL          (1ull << (63 - 2)) /* ignore SLB large page size */
#define LPCR_VRMASD_SHIFT 12                 /* VRMASD: bits 47:51 */
#define LPCR_RMLS_SHIFT   26                 /* RMLS: bits 34:37 */

/* Storage-interrupt reason bits beyond cpu_state.h's DSISR_NOPTE/PROTFAULT/STORE (LSB-0, in
 * DSISR or SRR1 bits 32:63). */
#define MMU_DSISR_KEY   0x00200000u /* virtual page class key (AMR) */
#define MMU_SRR1_NOPTE  0x40000000u
#define MMU_SRR1_NOEXEC 0x10000000u /* N or G page, or N segment */
#define MMU_SRR1_PROT   0x08000000u
#define MMU_SRR1_KEY    0x00200000u /* IAMR */

typedef enum mmu_access {
    MMU_LOAD,
    MMU_STORE,
    MMU_FETCH,
} mmu_access;

typedef enum mmu_fault_kind {
    MMU_FAULT_SEGMENT,       /* no SLB entry: Data/Instruction Segment interrupt (0x380/0x480) */
    MMU_FAULT_STORAGE,       /* DSI/ISI, or HDSI/HISI when `hypervisor` */
    MMU_FAULT_MACHINE_CHECK, /* VRMA with an unsupported LPCR[VRMASD] page size */
} mmu_fault_kind;

typedef struct mmu_fault {
    mmu_fault_kind kind;
    bool hypervisor; /* route to HDSI/HISI (guest with LPCR[VPM1], or VRMA) */
    uint32_t bits;   /* DSISR (data) or SRR1 reason bits (fetch) */
} mmu_fault;

/* Real mode ignores the top four EA bits. */
#define MMU_EA_REAL_MASK 0x0fffffffffffffffull

/* Hypervisor real mode, the hcall path's mode: HRMOR is ORed in when EA bit 0 is 0. */
static inline uint64_t mmu_hv_real_address(const ppc_cpu *cpu, uint64_t ea)
{
    return (ea & MMU_EA_REAL_MASK) | ((ea >> 63) ? 0 : cpu->spr[SPR_HRMOR]);
}

/* Every other mode (mmu_hash64.c). */
bool mmu_translate_slow(ppc_cpu *cpu, uint64_t ea, mmu_access access, bool update_rc, uint64_t *pa,
                        mmu_fault *fault);

/* Translate `ea` (already cropped to 32 bits in 32-bit mode) for `access` in the current mode.
 * `update_rc` = the access really happens: set the HPTE's R (and C for a store) bits, as the
 * hardware does; a probe passes false.  On failure fills *fault and returns false.  Hypervisor
 * real mode is inline. */
static inline bool mmu_translate(ppc_cpu *cpu, uint64_t ea, mmu_access access, bool update_rc,
                                 uint64_t *pa, mmu_fault *fault)
{
    uint64_t relocate = access == MMU_FETCH ? MSR_IR : MSR_DR;
    if ((cpu->msr & (MSR_HV | relocate)) == MSR_HV) {
        *pa = mmu_hv_real_address(cpu, ea);
        return true;
    }
    return mmu_translate_slow(cpu, ea, access, update_rc, pa, fault);
}

/* The SLB entry (index) that translates `ea` for the current SLB, or -1 (slbie and slbfee. use the
 * same match rule). */
int mmu_slb_find(const ppc_cpu *cpu, uint64_t ea);

/* The base page shift an SLB VSID image's L||LP selects on POWER8 (12, 16, 24, 34), or 0. */
unsigned mmu_slb_base_page_shift(uint64_t slb_vsid);

#endif
