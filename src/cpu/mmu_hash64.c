/* Storage translation for POWER8 (Power ISA 2.07 Book III-S ch. 5), following QEMU 7.2's
 * ppc_hash64_xlate (target/ppc/mmu-hash64.c) for the powernv8 machine:
 *
 *   real mode (MSR[IR]/MSR[DR]=0)
 *     - hypervisor (MSR[HV]=1): the top four EA bits are ignored; HRMOR is ORed in when EA bit 0
 *       is 0
 *     - guest, LPCR[VPM0]=0: the EA (top four bits ignored) must be below the LPCR[RMLS] limit,
 *       else DSI/ISI "protection" to the guest; RMOR is ORed in
 *     - guest, LPCR[VPM0]=1: the Virtualized RMA, a 1 TB segment with VSID 0x1ffffff and the page
 *       size in LPCR[VRMASD], translated through the HPT like a relocated access (no key
 *       checks); faults go to the hypervisor (HDSI/HISI)
 *   relocation on (MSR[IR]/MSR[DR]=1), in any state: SLB lookup (no entry: segment interrupt),
 *     segment no-execute, primary then secondary PTEG search in the HPT at SDR1, PP protection
 *     with the SLB Ks/Kp key, N/G no-execute, virtual page class keys (AMR/IAMR: POWER8 has
 *     them), R/C update.  The RPN is a real address used as is.  Faults go to the guest (DSI
 *     0x300 / ISI 0x400), or with MSR[HV]=0 and LPCR[VPM1]=1 to the hypervisor (HDSI/HISI), as
 *     QEMU's ppc_hash64_set_dsi/set_isi route them.  (QEMU also stores the segment's VSID image
 *     in ASDR, an ISA 3.0 register POWER8 does not have and QEMU does not expose on powernv8.)
 *
 * Page sizes are QEMU's POWER7/POWER8 table (ppc_hash64_opts_POWER7), including the mixed
 * sizes: a 4 KB segment holds 4 KB, 64 KB (RPN low bits 0x7) and 16 MB (0x38) pages, a 64 KB
 * segment 64 KB (0x1) and 16 MB (0x8) pages, a 16 MB segment 16 MB pages (0x0), a 16 GB segment
 * 16 GB pages (0x3).  The hash and the AVPN use the segment's base page size.
 *
 * Deviation from QEMU 7.2, after the ISA: HTABORG = 0 is a table at real address 0 (QEMU treats
 * it as "no table" and every lookup misses).  A PTEG outside RAM matches nothing (QEMU aborts). */
#include <stddef.h>
#include <string.h>

#include "cpu/mmu_hash64.h"

#define HPTE_V_COMPARE 0xffffffffffffff83ull /* B, AVPN, H and V take part in the match */
#define HPTES_PER_PTEG 8u
#define HPTE_BYTES     16u
#define SLB_VSID_VRMA  (0x0001ffffff000000ull | SLB_VSID_B_1T)
#define HTABSIZE_MAX   28u /* QEMU's ppc_store_sdr1 refuses larger values */

enum { PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4 };

/* One base page size of a segment and the actual page sizes its HPTEs may use. */
typedef struct page_encoding {
    uint8_t shift;
    uint32_t rpn_low; /* HPTE dword 1 bits 12.. (below the page size) with L=1 */
} page_encoding;

typedef struct segment_page_sizes {
    uint64_t slb_llp;
    uint8_t base_shift;
    page_encoding actual[3]; /* shift 0 ends the list */
} segment_page_sizes;

static const segment_page_sizes power8_page_sizes[] = {
    {0x000, 12, {{12, 0x0}, {16, 0x7}, {24, 0x38}}},
    {0x110, 16, {{16, 0x1}, {24, 0x8}}},
    {0x100, 24, {{24, 0x0}}},
    {0x120, 34, {{34, 0x3}}},
};

static const segment_page_sizes *segment_sizes(uint64_t slb_vsid)
{
    for (unsigned i = 0; i < sizeof(power8_page_sizes) / sizeof(power8_page_sizes[0]); i++)
        if ((slb_vsid & SLB_VSID_LLP) == power8_page_sizes[i].slb_llp) return &power8_page_sizes[i];
    return NULL;
}

unsigned mmu_slb_base_page_shift(uint64_t slb_vsid)
{
    const segment_page_sizes *sps = segment_sizes(slb_vsid);
    return sps ? sps->base_shift : 0;
}

int mmu_slb_find(const ppc_cpu *cpu, uint64_t ea)
{
    uint64_t esid_256m = (ea & SLB_ESID_256M) | SLB_ESID_V;
    uint64_t esid_1t = (ea & SLB_ESID_1T) | SLB_ESID_V;
    for (unsigned i = 0; i < SLB_ENTRIES; i++) {
        uint64_t esid = cpu->slb[i].esid, b = cpu->slb[i].vsid & SLB_VSID_B;
        if ((esid == esid_256m && b == 0) || (esid == esid_1t && b == SLB_VSID_B_1T)) return (int)i;
    }
    return -1;
}

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

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* ---- Hashed page table search ---- */

typedef struct hpte_match {
    uint64_t addr; /* real address of the HPTE */
    uint64_t pte0, pte1;
    unsigned page_shift; /* actual page size */
} hpte_match;

/* The actual page shift of a matching HPTE in a segment with these sizes, or 0 when the HPTE's
 * size does not belong to the segment (the ISA says it must not match then). */
static unsigned hpte_page_shift(const segment_page_sizes *sps, uint64_t pte0, uint64_t pte1)
{
    if (!(pte0 & HPTE_V_LARGE)) return sps->base_shift == 12 ? 12 : 0;
    for (unsigned i = 0; i < 3 && sps->actual[i].shift; i++) {
        unsigned shift = sps->actual[i].shift;
        if (shift == 12) continue;
        uint64_t mask = ((1ull << shift) - 1) & HPTE_R_RPN;
        if ((pte1 & mask) == (uint64_t)sps->actual[i].rpn_low << 12) return shift;
    }
    return 0;
}

static bool pteg_search(const ppc_cpu *cpu, uint64_t hash, const segment_page_sizes *sps,
                        uint64_t ptem, hpte_match *m)
{
    uint64_t sdr1 = cpu->spr[SPR_SDR1];
    unsigned htabsize = (unsigned)(sdr1 & SDR1_HTABSIZE);
    if (htabsize > HTABSIZE_MAX) htabsize = HTABSIZE_MAX;
    uint64_t pteg_mask = (1ull << (htabsize + 11)) - 1; /* 2^(HTABSIZE+11) PTEGs of 128 bytes */
    uint64_t pteg = (sdr1 & SDR1_HTABORG) + (hash & pteg_mask) * HPTES_PER_PTEG * HPTE_BYTES;
    if (pteg >= cpu->mem.ram_size || cpu->mem.ram_size - pteg < HPTES_PER_PTEG * HPTE_BYTES)
        return false;
    for (unsigned i = 0; i < HPTES_PER_PTEG; i++) {
        const uint8_t *p = cpu->mem.ram + pteg + i * HPTE_BYTES;
        uint64_t pte0 = load_be64(p);
        if ((pte0 ^ ptem) & HPTE_V_COMPARE) continue;
        uint64_t pte1 = load_be64(p + 8);
        unsigned shift = hpte_page_shift(sps, pte0, pte1);
        if (!shift) continue;
        *m = (hpte_match){pteg + i * HPTE_BYTES, pte0, pte1, shift};
        return true;
    }
    return false;
}

/* Primary then secondary hash (ISA 2.07 5.7.7.3), with the segment's base page size (or 4 KB
 * with LPCR[ISL]). */
static bool hpt_lookup(const ppc_cpu *cpu, uint64_t slb_vsid, uint64_t ea, hpte_match *m)
{
    const segment_page_sizes *sps = segment_sizes(slb_vsid);
    if (!sps) return false;
    if (cpu->spr[SPR_LPCR] & LPCR_ISL) sps = &power8_page_sizes[0];
    uint64_t page_mask = ~((1ull << sps->base_shift) - 1);
    uint64_t vsid, epn, hash;
    if (slb_vsid & SLB_VSID_B) {
        vsid = (slb_vsid & SLB_VSID_VSID) >> 24;
        epn = ea & ~SLB_ESID_1T & page_mask;
        hash = vsid ^ (vsid << 25) ^ (epn >> sps->base_shift);
    } else {
        vsid = (slb_vsid & SLB_VSID_VSID) >> 12;
        epn = ea & ~SLB_ESID_256M & page_mask;
        hash = vsid ^ (epn >> sps->base_shift);
    }
    uint64_t ptem =
        (slb_vsid & (SLB_VSID_B | SLB_VSID_VSID)) | ((epn >> 16) & HPTE_V_AVPN) | HPTE_V_VALID;
    return pteg_search(cpu, hash, sps, ptem, m) ||
           pteg_search(cpu, ~hash, sps, ptem | HPTE_V_SECONDARY, m);
}

/* ---- Protection ---- */

/* PP0||PP with the segment key (ISA 2.07 5.7.8.1 table); reserved encodings give no access. */
static unsigned pp_protection(bool key, uint64_t pte1)
{
    unsigned pp = (unsigned)((pte1 & HPTE_R_PP) | ((pte1 & HPTE_R_PP0) >> 61));
    const unsigned rwx = PROT_READ | PROT_WRITE | PROT_EXEC, rx = PROT_READ | PROT_EXEC;
    static const unsigned key0[8] = {rwx, rwx, rwx, rx, 0, 0, rx, 0};
    static const unsigned key1[8] = {0, rx, rwx, rx, 0, 0, 0, 0};
    return key ? key1[pp] : key0[pp];
}

/* Virtual page class key protection (ISA 2.07 5.7.13): AMR bit 2k forbids stores, 2k+1 loads;
 * IAMR bit 2k+1 forbids fetches. */
static unsigned key_protection(const ppc_cpu *cpu, uint64_t pte1)
{
    unsigned key = (unsigned)(((pte1 & HPTE_R_KEY_HI) >> 57) | ((pte1 & HPTE_R_KEY_LO) >> 9));
    unsigned shift = 2 * (31 - key);
    unsigned amr = (unsigned)(cpu->spr[SPR_AMR] >> shift) & 3;
    unsigned iamr = (unsigned)(cpu->spr[SPR_IAMR] >> shift) & 3;
    unsigned prot = PROT_READ | PROT_WRITE | PROT_EXEC;
    if (amr & 2) prot &= ~(unsigned)PROT_WRITE;
    if (amr & 1) prot &= ~(unsigned)PROT_READ;
    if (iamr & 1) prot &= ~(unsigned)PROT_EXEC;
    return prot;
}

static unsigned needed_protection(mmu_access access)
{
    return access == MMU_FETCH ? PROT_EXEC : access == MMU_STORE ? PROT_WRITE : PROT_READ;
}

/* ---- Faults ---- */

static bool storage_fault(mmu_fault *fault, bool hypervisor, uint32_t bits)
{
    *fault = (mmu_fault){MMU_FAULT_STORAGE, hypervisor, bits};
    return false;
}

/* The reason bits of a fault for this access: DSISR gets the store bit, SRR1 does not. */
static uint32_t access_bits(mmu_access access, uint32_t data_bits, uint32_t fetch_bits)
{
    if (access == MMU_FETCH) return fetch_bits;
    return data_bits | (access == MMU_STORE ? DSISR_STORE : 0);
}

static uint32_t protection_bits(mmu_access access, unsigned need, unsigned noexec_prot,
                                unsigned pp_prot, unsigned key_prot)
{
    if (access == MMU_FETCH) {
        uint32_t bits = 0;
        if (need & ~noexec_prot)
            bits |= MMU_SRR1_NOEXEC;
        else if (need & ~pp_prot)
            bits |= MMU_SRR1_PROT;
        if (need & ~key_prot) bits |= MMU_SRR1_KEY;
        return bits;
    }
    uint32_t bits = access == MMU_STORE ? DSISR_STORE : 0;
    if (need & ~pp_prot) bits |= DSISR_PROTFAULT;
    if (need & ~key_prot) bits |= MMU_DSISR_KEY;
    return bits;
}

/* The hardware updates R and C with single-byte stores to HPTE dword 1 (bytes 14 and 15). */
static void update_rc(ppc_cpu *cpu, const hpte_match *m, mmu_access access)
{
    bool set_r = !(m->pte1 & HPTE_R_R);
    bool set_c = access == MMU_STORE && !(m->pte1 & HPTE_R_C);
    if (!set_r && !set_c) return;
    uint8_t *pte1 = cpu->mem.ram + m->addr + 8;
    if (set_r) pte1[6] = (uint8_t)((m->pte1 >> 8) | 1);
    if (set_c) pte1[7] = (uint8_t)(m->pte1 | 0x80);
    cpu_code_written(cpu, m->addr + 14, 2);
}

/* The translation through the HPT of `slb_vsid`'s segment: the HPTE used and the accesses it
 * allows.  `hypervisor_faults` routes storage faults to HDSI/HISI; `vrma` skips the key checks
 * (QEMU: "VRMA does not check keys"). */
static bool translate_segment(ppc_cpu *cpu, uint64_t ea, uint64_t slb_vsid, mmu_access access,
                              bool update, bool hypervisor_faults, bool vrma, uint64_t *pa,
                              hpte_match *m, unsigned *prot, mmu_fault *fault)
{
    if (access == MMU_FETCH && (slb_vsid & SLB_VSID_N))
        return storage_fault(fault, hypervisor_faults, MMU_SRR1_NOEXEC);

    if (!hpt_lookup(cpu, slb_vsid, ea, m))
        return storage_fault(fault, hypervisor_faults,
                             access_bits(access, DSISR_NOPTE, MMU_SRR1_NOPTE));

    bool problem = (cpu->msr & MSR_PR) != 0;
    unsigned all = PROT_READ | PROT_WRITE | PROT_EXEC;
    unsigned noexec_prot = (m->pte1 & (HPTE_R_N | HPTE_R_G)) ? all & ~(unsigned)PROT_EXEC : all;
    unsigned pp_prot =
        pp_protection((slb_vsid & (problem ? SLB_VSID_KP : SLB_VSID_KS)) != 0, m->pte1);
    unsigned key_prot = vrma ? all : key_protection(cpu, m->pte1);
    unsigned need = needed_protection(access);
    *prot = noexec_prot & pp_prot & key_prot;
    if (need & ~*prot)
        return storage_fault(fault, hypervisor_faults,
                             protection_bits(access, need, noexec_prot, pp_prot, key_prot));

    if (update) update_rc(cpu, m, access);
    uint64_t offset_mask = (1ull << m->page_shift) - 1;
    *pa = (m->pte1 & HPTE_R_RPN & ~offset_mask) | (ea & offset_mask);
    return true;
}

/* ---- The translation cache ----
 * A relocated translation is kept per 4 KiB EA page with everything it was derived from: the SLB
 * entry, SDR1, LPCR, AMR, IAMR and the HPTE's bytes.  A use compares them all, so slbmte, slbie,
 * mtspr, and HPT stores (with or without tlbie) can never leave a stale translation behind.  An
 * access is cached only when it needs no R/C update (R set; C set for stores). */

static mmu_cache_entry *cache_slot(ppc_cpu *cpu, uint64_t ea)
{
    return &cpu->mmu_cache[(ea >> 12) & (MMU_CACHE_ENTRIES - 1)];
}

static uint64_t cache_tag(const ppc_cpu *cpu, uint64_t ea)
{
    return (ea & ~0xfffull) | ((cpu->msr & MSR_PR) ? 2 : 0) | 1;
}

static bool cache_hit(const ppc_cpu *cpu, const mmu_cache_entry *e, uint64_t tag, mmu_access access)
{
    if (e->tag != tag || !(e->access_ok & (1u << access))) return false;
    if (cpu->slb[e->slb_index].esid != e->slb_esid || cpu->slb[e->slb_index].vsid != e->slb_vsid)
        return false;
    if (cpu->spr[SPR_SDR1] != e->sdr1 || cpu->spr[SPR_LPCR] != e->lpcr ||
        cpu->spr[SPR_AMR] != e->amr || cpu->spr[SPR_IAMR] != e->iamr)
        return false;
    uint64_t raw[2];
    memcpy(raw, cpu->mem.ram + e->hpte_addr, sizeof(raw));
    return raw[0] == e->hpte_raw[0] && raw[1] == e->hpte_raw[1];
}

static void cache_fill(ppc_cpu *cpu, mmu_cache_entry *e, uint64_t tag, uint64_t ea, uint64_t pa,
                       unsigned slb_index, const hpte_match *m, unsigned prot)
{
    memcpy(e->hpte_raw, cpu->mem.ram + m->addr, sizeof(e->hpte_raw)); /* after the R/C update */
    uint64_t pte1 = load_be64(cpu->mem.ram + m->addr + 8);
    e->tag = tag;
    e->pa_page = pa - (ea & 0xfff);
    e->slb_index = (uint8_t)slb_index;
    e->slb_esid = cpu->slb[slb_index].esid;
    e->slb_vsid = cpu->slb[slb_index].vsid;
    e->sdr1 = cpu->spr[SPR_SDR1];
    e->lpcr = cpu->spr[SPR_LPCR];
    e->amr = cpu->spr[SPR_AMR];
    e->iamr = cpu->spr[SPR_IAMR];
    e->hpte_addr = m->addr;
    e->access_ok = 0;
    if (prot & PROT_READ) e->access_ok |= 1u << MMU_LOAD;
    if (prot & PROT_EXEC) e->access_ok |= 1u << MMU_FETCH;
    if ((prot & PROT_WRITE) && (pte1 & HPTE_R_C)) e->access_ok |= 1u << MMU_STORE;
}

/* Guest real mode (HV=0, IR/DR=0). */
static bool translate_guest_real(ppc_cpu *cpu, uint64_t ea, mmu_access access, bool update,
                                 uint64_t *pa, mmu_fault *fault)
{
    uint64_t lpcr = cpu->spr[SPR_LPCR];
    if (lpcr & LPCR_VPM0) {
        uint64_t vrmasd = (lpcr >> LPCR_VRMASD_SHIFT) & 0x1f;
        uint64_t slb_vsid = SLB_VSID_VRMA | ((vrmasd << 4) & SLB_VSID_LLP);
        if (!segment_sizes(slb_vsid)) {
            *fault = (mmu_fault){MMU_FAULT_MACHINE_CHECK, false, 0};
            return false;
        }
        hpte_match m;
        unsigned prot;
        return translate_segment(cpu, ea, slb_vsid, access, update, true, true, pa, &m, &prot,
                                 fault);
    }
    uint64_t ra = ea & MMU_EA_REAL_MASK;
    if (ra >= rmls_limit(lpcr))
        return storage_fault(fault, false, access_bits(access, DSISR_PROTFAULT, MMU_SRR1_PROT));
    *pa = ra | cpu->spr[SPR_RMOR];
    return true;
}

bool mmu_translate_slow(ppc_cpu *cpu, uint64_t ea, mmu_access access, bool update_rc_bits,
                        uint64_t *pa, mmu_fault *fault)
{
    uint64_t msr = cpu->msr;
    bool hypervisor = (msr & MSR_HV) != 0;
    if (!(msr & (access == MMU_FETCH ? MSR_IR : MSR_DR))) {
        if (!hypervisor) return translate_guest_real(cpu, ea, access, update_rc_bits, pa, fault);
        *pa = mmu_hv_real_address(cpu, ea);
        return true;
    }
    uint64_t tag = cache_tag(cpu, ea);
    mmu_cache_entry *cached = cache_slot(cpu, ea);
    if (cache_hit(cpu, cached, tag, access)) {
        *pa = cached->pa_page | (ea & 0xfff);
        return true;
    }
    int index = mmu_slb_find(cpu, ea);
    if (index < 0) {
        *fault = (mmu_fault){MMU_FAULT_SEGMENT, false, 0};
        return false;
    }
    bool hypervisor_faults = !hypervisor && (cpu->spr[SPR_LPCR] & LPCR_VPM1);
    hpte_match m;
    unsigned prot;
    if (!translate_segment(cpu, ea, cpu->slb[index].vsid, access, update_rc_bits, hypervisor_faults,
                           false, pa, &m, &prot, fault))
        return false;
    if (update_rc_bits) cache_fill(cpu, cached, tag, ea, *pa, (unsigned)index, &m, prot);
    return true;
}
