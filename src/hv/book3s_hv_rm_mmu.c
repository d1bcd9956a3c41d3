/*
 * Real-mode HPT hcalls over the partition's hashed page table (semantics of Linux 3.10
 * book3s_hv_rm_mmu.c, one vcpu so no HPTE locking).  The guest's view of dword 1 lives in the
 * reverse map; the HPT itself holds host physical addresses (guest real + RMOR), so the guest can
 * run translated with LPCR[VPM0] = 0.  Every store goes to the HPTE or revmap entry the call
 * names, after the index was checked against hpt_npte.
 */
#include "hv/hv.h"

#define HPTE_V_SECONDARY 0x2UL
#define HPTE_V_1TB_SEG   0x4000000000000000UL
#define HPTE_R_M         0x10UL
#define HPTE_R_CACHE     (HPTE_R_WIMG & ~HPTE_R_M)
#define HPTE_R_PROT_MASK (HPTE_R_PP0 | HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_HI | HPTE_R_KEY_LO)

static uint64_t *hpte_ptr(const struct kvm *kvm, unsigned long pte_index)
{
    return kvm->hpt_virt + 2 * pte_index;
}

static unsigned long hpte_page_size(uint64_t v, uint64_t r)
{
    if (!(v & HPTE_V_LARGE)) return 1UL << 12;
    if ((r & 0xf000) == 0x1000) return 1UL << 16;
    if ((r & 0xff000) == 0) return 1UL << 24;
    return 0;
}

static int hpte_present(uint64_t v)
{
    return (v & (HPTE_V_VALID | HPTE_V_ABSENT)) != 0;
}

/* The guest's view of dword 1 with the hardware R/C bits, reserved bits stripped */
static uint64_t guest_view_r(const struct kvm *kvm, unsigned long pte_index, uint64_t hw_r)
{
    return (kvm->revmap[pte_index].guest_rpte | (hw_r & (HPTE_R_R | HPTE_R_C))) & ~HPTE_GR_RESERVED;
}

/* RB operand of tlbie for an HPTE (compute_tlbie_rb): AVA, low VA bits from the hash, L/LP, B */
static uint64_t compute_tlbie_rb(uint64_t v, uint64_t r, unsigned long pte_index)
{
    uint64_t rb = (v & ~0x7fUL) << 16;
    uint64_t va_low = pte_index >> 3;

    if (v & HPTE_V_SECONDARY) va_low = ~va_low;
    if (!(v & HPTE_V_1TB_SEG))
        va_low ^= v >> 12;
    else
        va_low ^= (v >> 12) ^ (v >> 36);
    va_low &= 0x7ff;
    if (v & HPTE_V_LARGE) {
        rb |= 1;
        if (hpte_page_size(v, r) == (1UL << 16)) rb |= 0x1000 | ((va_low & 0xf) << 12);
    } else {
        rb |= va_low << 12;
    }
    rb |= (v >> 54) & 0x300;
    return rb;
}

static void invalidate_hpte(const struct kvm *kvm, uint64_t v, uint64_t r, unsigned long idx)
{
    uint64_t rb = compute_tlbie_rb(v, r, idx);

    __asm__ volatile("ptesync; tlbie %0,%1; eieio; tlbsync; ptesync"
                     :
                     : "r"(rb), "r"(kvm->lpid)
                     : "memory");
}

/* Publish an HPTE: dword 1 first, then dword 0 which makes it valid */
static void store_hpte(uint64_t *hpte, uint64_t v, uint64_t r)
{
    hpte[1] = r;
    eieio();
    hpte[0] = v;
    ptesync();
}

long kvmppc_h_enter(struct kvm_vcpu *vcpu, unsigned long flags, long pte_index, unsigned long pteh,
                    unsigned long ptel)
{
    struct kvm *kvm = vcpu->kvm;
    unsigned long psize = hpte_page_size(pteh, ptel);
    unsigned long idx = (unsigned long)pte_index;
    uint64_t g_ptel, gpa, *hpte;

    if (!psize) return H_PARAMETER;
    pteh &= ~(HPTE_V_HVLOCK | HPTE_V_ABSENT | HPTE_V_VALID);
    ptel &= ~HPTE_GR_RESERVED;
    g_ptel = ptel;

    /* The partition's only memory is the RMA; no emulated MMIO behind the HPT */
    gpa = (ptel & HPTE_R_RPN) & ~(psize - 1);
    if (gpa >= kvm->rma_size || kvm->rma_size - gpa < psize) return H_PARAMETER;
    if ((ptel & HPTE_R_WIMG) != HPTE_R_M) /* guest-uncacheable on RAM: force M as KVM does */
        ptel = (ptel & ~HPTE_R_CACHE) | HPTE_R_M;
    ptel = (ptel & ~(HPTE_R_RPN & ~(psize - 1))) | (gpa + kvm->rmor);
    pteh |= HPTE_V_VALID;

    if (idx >= kvm->hpt_npte) return H_PARAMETER;
    if (!(flags & H_EXACT)) {
        unsigned long i;

        idx &= ~(unsigned long)(HPTES_PER_GROUP - 1);
        for (i = 0; i < HPTES_PER_GROUP; i++)
            if (!hpte_present(hpte_ptr(kvm, idx + i)[0])) break;
        if (i == HPTES_PER_GROUP) return H_PTEG_FULL;
        idx += i;
    } else if (hpte_present(hpte_ptr(kvm, idx)[0])) {
        return H_PTEG_FULL;
    }
    hpte = hpte_ptr(kvm, idx);
    kvm->revmap[idx].guest_rpte = g_ptel;
    store_hpte(hpte, pteh, ptel);
    vcpu->gpr[4] = idx;
    return H_SUCCESS;
}

long kvmppc_h_remove(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index,
                     unsigned long avpn)
{
    struct kvm *kvm = vcpu->kvm;
    uint64_t *hpte, v, r;

    if (pte_index >= kvm->hpt_npte) return H_PARAMETER;
    hpte = hpte_ptr(kvm, pte_index);
    v = hpte[0];
    r = hpte[1];
    if (!hpte_present(v) || ((flags & H_AVPN) && (v & ~0x7fUL) != avpn) ||
        ((flags & H_ANDCOND) && (v & avpn) != 0))
        return H_NOT_FOUND;
    if (v & HPTE_V_VALID) {
        hpte[0] = v & ~HPTE_V_VALID;
        invalidate_hpte(kvm, v, r, pte_index);
    }
    vcpu->gpr[4] = v & ~HPTE_V_HVLOCK;
    vcpu->gpr[5] = guest_view_r(kvm, pte_index, r);
    hpte[0] = 0;
    ptesync();
    return H_SUCCESS;
}

long kvmppc_h_read(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index)
{
    struct kvm *kvm = vcpu->kvm;
    int n = 1;

    if (pte_index >= kvm->hpt_npte) return H_PARAMETER;
    if (flags & H_READ_4) {
        pte_index &= ~3UL;
        n = 4;
    }
    for (int i = 0; i < n; i++) {
        uint64_t *hpte = hpte_ptr(kvm, pte_index + i);
        uint64_t v = hpte[0] & ~HPTE_V_HVLOCK, r = hpte[1];

        if (v & HPTE_V_ABSENT) v = (v & ~HPTE_V_ABSENT) | HPTE_V_VALID;
        if (v & HPTE_V_VALID) r = guest_view_r(kvm, pte_index + i, r);
        vcpu->gpr[4 + 2 * i] = v;
        vcpu->gpr[5 + 2 * i] = r;
    }
    return H_SUCCESS;
}

long kvmppc_h_protect(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index,
                      unsigned long avpn, unsigned long va)
{
    struct kvm *kvm = vcpu->kvm;
    uint64_t *hpte, v, r, bits;

    if (pte_index >= kvm->hpt_npte) return H_PARAMETER;
    hpte = hpte_ptr(kvm, pte_index);
    v = hpte[0];
    if (!hpte_present(v) || ((flags & H_AVPN) && (v & ~0x7fUL) != avpn)) return H_NOT_FOUND;
    bits = ((flags << 55) & HPTE_R_PP0) | ((flags << 48) & HPTE_R_KEY_HI) |
           (flags & (HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_LO));
    kvm->revmap[pte_index].guest_rpte =
        (kvm->revmap[pte_index].guest_rpte & ~HPTE_R_PROT_MASK) | bits;
    r = (hpte[1] & ~HPTE_R_PROT_MASK) | bits;
    if (v & HPTE_V_VALID) {
        hpte[0] = v & ~HPTE_V_VALID;
        invalidate_hpte(kvm, v, hpte[1], pte_index);
    }
    store_hpte(hpte, v, r);
    return H_SUCCESS;
}

/* Four (tsh, tsl) pairs in the guest's r4..r11; the response words go back to r4, r6, r8, r10 */
long kvmppc_h_bulk_remove(struct kvm_vcpu *vcpu)
{
    struct kvm *kvm = vcpu->kvm;
    uint64_t *args = &vcpu->gpr[4];

    for (int i = 0; i < 4; i++) {
        uint64_t tsh = args[2 * i], tsl = args[2 * i + 1];
        unsigned long flags = tsh >> 56, req = flags >> 6;
        unsigned long pte_index = tsh & H_BULK_REMOVE_PTEX;
        uint64_t *hpte, v, r;
        int found;

        flags &= 3;
        if (req == 3) break;
        if (req != 1 || flags == 3 || pte_index >= kvm->hpt_npte) {
            args[2 * i] = ((0xa0 | flags) << 56) | pte_index;
            return H_PARAMETER;
        }
        hpte = hpte_ptr(kvm, pte_index);
        v = hpte[0];
        r = hpte[1];
        found = hpte_present(v) &&
                (flags == 0 || (flags == 1 && !(v & tsl)) || (flags == 2 && (v & ~0x7fUL) == tsl));
        if (!found) {
            args[2 * i] = ((0x90 | flags) << 56) | pte_index;
            continue;
        }
        args[2 * i] = ((0x80 | flags) << 56) | pte_index |
                      ((guest_view_r(kvm, pte_index, r) & (HPTE_R_R | HPTE_R_C)) << 51);
        if (v & HPTE_V_VALID) {
            hpte[0] = v & ~HPTE_V_VALID;
            invalidate_hpte(kvm, v, r, pte_index);
        }
        hpte[0] = 0;
    }
    ptesync();
    return H_SUCCESS;
}
