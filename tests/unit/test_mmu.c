/* Translation with relocation on (hashed page table, Power ISA 2.07 Book III-S ch. 5, as QEMU 7.2
 * mmu-hash64.c): SLB entries written with slbmte, HPTEs written by hand into an HPT in RAM, then
 * loads, stores and fetches in guest state, problem state and hypervisor virtual mode, with every
 * fault and its DAR/DSISR/SRR0/SRR1 (or HDAR/HDSISR/HSRR0/HSRR1). */
#include "cpu/mmu_hash64.h"
#include "test_system_encode.h"

#define HPT_BASE   0x100000ull /* SDR1: HTABORG = 1 MB, HTABSIZE = 0 (2048 PTEGs, 256 KB) */
#define HPT_PTEGS  2048u
#define VSID       0x123ull
#define SEG_EA     0x10000000ull /* ESID 1 */
#define DATA_EA    (SEG_EA + 0x5000)
#define DATA_PA    0x300000ull
#define CODE_EA    (SEG_EA + 0x4000)
#define CODE_PA    0x301000ull
#define MSR_GUEST  (MSR_SF | MSR_ME | MSR_IR | MSR_DR)
#define MSR_USER   (MSR_GUEST | MSR_PR | MSR_EE)
#define MSR_HYPER  (MSR_SF | MSR_HV | MSR_ME | MSR_IR | MSR_DR)
#define LPCR_RMLS8 (8ull << 26)

#define W_LD_R3_R4  0xe8640000u /* ld r3,0(r4) */
#define W_STD_R5_R4 0xf8a40000u /* std r5,0(r4) */
#define W_LWZ_R3_R4 0x80640000u /* lwz r3,0(r4) */
#define W_ADDI_R3_1 0x38630001u /* addi r3,r3,1 */
#define W_B_SELF    0x48000000u

/* Flags for hpte(): dword 0 and dword 1 bits the tests vary. */
#define R_PP(n) ((uint64_t)(n)&3)
#define R_PP0   HPTE_R_PP0
#define R_M     0x10ull

static void poke64(test_machine *m, uint64_t pa, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        m->mem.ram[pa + i] = (uint8_t)(value >> (56 - 8 * i));
}

/* The HPTE slot for (VSID, EA) per ISA 2.07 5.7.7.3: hash = VSID ^ page index within the
 * segment (1 TB: VSID ^ VSID<<25 ^ page), one's complement for the secondary group. */
static uint64_t hpte_addr(uint64_t vsid, bool seg_1t, uint64_t ea, unsigned base_shift,
                          bool secondary, unsigned slot)
{
    uint64_t offset = seg_1t ? ea & ((1ull << 40) - 1) : ea & 0x0fffffffull;
    uint64_t hash = (seg_1t ? vsid ^ (vsid << 25) : vsid) ^ (offset >> base_shift);
    if (secondary) hash = ~hash;
    return HPT_BASE + (hash & (HPT_PTEGS - 1)) * 128 + slot * 16;
}

/* Dword 0: B, AVPN = VSID || the segment offset's bits 23.. (the page offset within a page of
 * 2^shift bytes left 0), flags. */
static uint64_t hpte_v(uint64_t vsid, bool seg_1t, uint64_t ea, unsigned shift, uint64_t flags)
{
    uint64_t offset = (seg_1t ? ea & ((1ull << 40) - 1) : ea & 0x0fffffffull) >> shift << shift;
    uint64_t v = (seg_1t ? SLB_VSID_B_1T | vsid << 24 : vsid << 12) | (offset >> 23) << 7;
    return v | flags | HPTE_V_VALID;
}

/* A 4 KB page of the 256 MB segment VSID in the primary group, slot 0. */
static uint64_t map_4k(test_machine *m, uint64_t ea, uint64_t pa, uint64_t r_flags)
{
    uint64_t addr = hpte_addr(VSID, false, ea, 12, false, 0);
    poke64(m, addr, hpte_v(VSID, false, ea, 12, 0));
    poke64(m, addr + 8, pa | r_flags);
    return addr;
}

static void slbmte(test_machine *m, unsigned index, uint64_t esid_word, uint64_t vsid_word)
{
    uint64_t msr = m->cpu->msr, nip = m->cpu->nip;
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME);
    cpu_set_gpr(m->cpu, 6, esid_word | index);
    cpu_set_gpr(m->cpu, 7, vsid_word);
    assert_int_equal(tm_exec_word(m, w_xrs_rb(0x7c000324u, 7, 6)), INSN_NEXT);
    cpu_set_msr(m->cpu, msr);
    m->cpu->nip = nip;
}

static void park(test_machine *m, uint64_t pa)
{
    const uint32_t w = W_B_SELF;
    tm_poke(m, pa, &w, 1);
}

/* HPT at HPT_BASE, segment ESID 1 -> VSID (Ks=0, Kp=1), every storage vector parked. */
static int mmu_setup(void **state)
{
    int rc = tsys_setup(state);
    if (rc) return rc;
    test_machine *m = *state;
    cpu_set_spr(m->cpu, SPR_SDR1, HPT_BASE);
    slbmte(m, 0, SEG_EA | SLB_ESID_V, VSID << 12 | SLB_VSID_KP);
    const uint64_t vectors[] = {0x200, 0x300, 0x380, 0x400, 0x480, 0xe00, 0xe20};
    for (unsigned i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        park(m, vectors[i]);
    return 0;
}

/* Executes one data-access word at NIP (the fetch is not translated). */
static insn_result exec_at(test_machine *m, uint64_t msr, uint64_t nip, uint32_t word)
{
    cpu_set_msr(m->cpu, msr);
    m->cpu->nip = nip;
    return tm_exec_word(m, word);
}

static void assert_interrupt(test_machine *m, uint64_t vector, bool hsrr, uint64_t srr0,
                             uint64_t srr1)
{
    assert_int_equal(m->cpu->nip, vector);
    assert_int_equal(m->cpu->spr[hsrr ? SPR_HSRR0 : SPR_SRR0], srr0);
    assert_int_equal(m->cpu->spr[hsrr ? SPR_HSRR1 : SPR_SRR1], srr1);
}

static void assert_dsi(test_machine *m, uint64_t srr0, uint64_t msr, uint64_t dar, uint64_t dsisr)
{
    assert_interrupt(m, 0x300, false, srr0, msr);
    assert_int_equal(m->cpu->spr[SPR_DAR], dar);
    assert_int_equal(m->cpu->spr[SPR_DSISR], dsisr);
}

/* ---- Translations that work ---- */

static void test_hash_slot_matches_hand_computation(void **state)
{
    (void)state;
    /* VSID 0x123 ^ page 5 = PTEG 0x126; secondary = ~0x126 & 0x7ff = 0x6d9. */
    assert_int_equal(hpte_addr(VSID, false, DATA_EA, 12, false, 0), HPT_BASE + 0x126 * 128);
    assert_int_equal(hpte_addr(VSID, false, DATA_EA, 12, true, 3), HPT_BASE + 0x6d9 * 128 + 48);
    assert_int_equal(hpte_v(VSID, false, 0x1f800000, 12, 0), 0x123000 | 0x3f << 7 | 1);
}

static void test_guest_load_store_4k(void **state)
{
    test_machine *m = *state;
    uint64_t hpte = map_4k(m, DATA_EA, DATA_PA, R_M | R_PP(2));
    poke64(m, DATA_PA + 0x128, 0x0123456789abcdefull);

    cpu_set_gpr(m->cpu, 4, DATA_EA + 0x128);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x0123456789abcdefull);
    /* A load sets R only. */
    assert_int_equal(tm_peek64(m, hpte + 8), DATA_PA | R_M | R_PP(2) | HPTE_R_R);

    cpu_set_gpr(m->cpu, 5, 0xfedcba9876543210ull);
    cpu_set_gpr(m->cpu, 4, DATA_EA + 0xff8);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_NEXT);
    assert_int_equal(tm_peek64(m, DATA_PA + 0xff8), 0xfedcba9876543210ull);
    assert_int_equal(tm_peek64(m, hpte + 8), DATA_PA | R_M | R_PP(2) | HPTE_R_R | HPTE_R_C);
    assert_int_equal(tm_peek64(m, hpte),
                     hpte_v(VSID, false, DATA_EA, 12, 0)); /* dword 0 untouched */
}

static void test_store_sets_r_and_c_together(void **state)
{
    test_machine *m = *state;
    uint64_t hpte = map_4k(m, DATA_EA, DATA_PA, R_PP(2));
    cpu_set_gpr(m->cpu, 4, DATA_EA);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_NEXT);
    assert_int_equal(tm_peek64(m, hpte + 8), DATA_PA | R_PP(2) | HPTE_R_R | HPTE_R_C);

    /* A probe (stcx. reservation check, tools) translates without touching R/C. */
    uint64_t other = map_4k(m, DATA_EA + 0x1000, DATA_PA + 0x1000, R_PP(2));
    uint64_t pa;
    cpu_set_msr(m->cpu, MSR_GUEST);
    assert_true(cpu_translate_probe(m->cpu, DATA_EA + 0x1010, false, &pa));
    assert_int_equal(pa, DATA_PA + 0x1010);
    assert_int_equal(tm_peek64(m, other + 8), (DATA_PA + 0x1000) | R_PP(2));
    /* ... and the real access after it still sets R. */
    cpu_set_gpr(m->cpu, 4, DATA_EA + 0x1010);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(tm_peek64(m, other + 8), (DATA_PA + 0x1000) | R_PP(2) | HPTE_R_R);
}

static void test_relocated_program_runs(void **state)
{
    test_machine *m = *state;
    uint64_t code_hpte = map_4k(m, CODE_EA, CODE_PA, R_M | R_PP(2));
    map_4k(m, DATA_EA, DATA_PA, R_M | R_PP(2));
    const uint32_t prog[] = {W_LWZ_R3_R4, W_ADDI_R3_1, 0x90640004u /* stw r3,4(r4) */, W_SC0};
    tm_poke(m, CODE_PA + 0xff0, prog, 4);
    poke64(m, DATA_PA, 41ull << 32);
    park(m, 0xc00);
    cpu_set_gpr(m->cpu, 4, DATA_EA);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA + 0xff0);
    cpu_run(m->cpu, 4);
    assert_interrupt(m, 0xc00, false, CODE_EA + 0x1000, MSR_GUEST);
    assert_int_equal(tm_peek64(m, DATA_PA), 41ull << 32 | 42);
    assert_int_equal(tm_peek64(m, code_hpte + 8), CODE_PA | R_M | R_PP(2) | HPTE_R_R);
}

static void test_hypervisor_virtual_mode_translates(void **state)
{
    test_machine *m = *state;
    map_4k(m, DATA_EA, DATA_PA, R_PP(0));
    poke64(m, DATA_PA + 8, 77);
    cpu_set_spr(m->cpu, SPR_HRMOR, 0x40000000); /* not applied with relocation on */
    cpu_set_gpr(m->cpu, 4, DATA_EA + 8);
    assert_int_equal(exec_at(m, MSR_HYPER, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 77);
}

static void test_secondary_hash_and_match_rules(void **state)
{
    test_machine *m = *state;
    uint64_t ea = DATA_EA + 0x3000;
    /* Primary group: entries that must not match (wrong AVPN, invalid, H set, 1 TB B). */
    uint64_t p = hpte_addr(VSID, false, ea, 12, false, 0);
    poke64(m, p, hpte_v(VSID, false, ea + 0x800000, 12, 0));
    poke64(m, p + 8, 0x400000 | R_PP(2));
    poke64(m, p + 16, hpte_v(VSID, false, ea, 12, 0) & ~HPTE_V_VALID);
    poke64(m, p + 24, 0x410000 | R_PP(2));
    poke64(m, p + 32, hpte_v(VSID, false, ea, 12, HPTE_V_SECONDARY));
    poke64(m, p + 40, 0x420000 | R_PP(2));
    poke64(m, p + 48, hpte_v(VSID, false, ea, 12, 0) | SLB_VSID_B_1T);
    poke64(m, p + 56, 0x430000 | R_PP(2));
    /* Secondary group, slot 5, H=1. */
    uint64_t s = hpte_addr(VSID, false, ea, 12, true, 5);
    poke64(m, s, hpte_v(VSID, false, ea, 12, HPTE_V_SECONDARY));
    poke64(m, s + 8, 0x440000 | R_PP(2));
    poke64(m, 0x440000 + 0x10, 0x5555);
    cpu_set_gpr(m->cpu, 4, ea + 0x10);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x5555);
    assert_int_equal(tm_peek64(m, s + 8), 0x440000 | R_PP(2) | HPTE_R_R);

    /* Without the secondary entry: DSI "no PTE". */
    poke64(m, s, 0);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, ea + 0x10, DSISR_NOPTE);
}

static void test_64k_16m_and_mixed_pages(void **state)
{
    test_machine *m = *state;
    /* 64 KB segment (L||LP = 0x110), ESID 2, 64 KB page: RPN low bits 0x1000. */
    const uint64_t vsid64 = 0x456, ea64 = 0x20000000ull + 0x35678;
    slbmte(m, 1, 0x20000000ull | SLB_ESID_V, vsid64 << 12 | 0x110);
    uint64_t a = hpte_addr(vsid64, false, ea64, 16, false, 2);
    poke64(m, a, hpte_v(vsid64, false, ea64, 16, HPTE_V_LARGE));
    poke64(m, a + 8, 0x800000 | 0x1000 | R_PP(2));
    poke64(m, 0x805678, 0x6464);
    cpu_set_gpr(m->cpu, 4, ea64);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x6464);

    /* 16 MB segment (0x100), ESID 3, 16 MB page at 0x2000000. */
    const uint64_t vsid16 = 0x789, ea16 = 0x30000000ull + 0x1abcde8;
    slbmte(m, 2, 0x30000000ull | SLB_ESID_V, vsid16 << 12 | 0x100);
    a = hpte_addr(vsid16, false, ea16, 24, false, 7);
    poke64(m, a, hpte_v(vsid16, false, ea16, 24, HPTE_V_LARGE));
    poke64(m, a + 8, 0x2000000 | R_PP(2));
    poke64(m, 0x2abcde8, 0x1616);
    cpu_set_gpr(m->cpu, 4, ea16);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x1616);

    /* A 4 KB HPTE (L=0) does not belong to the 16 MB segment: no match, DSI. */
    poke64(m, a, hpte_v(vsid16, false, ea16, 24, 0));
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, ea16, DSISR_NOPTE);

    /* 64 KB page in the 4 KB segment (LP encoding 0x7): hashed with the 4 KB base size. */
    const uint64_t ea_mixed = SEG_EA + 0x7a000 + 0x9a8;
    a = hpte_addr(VSID, false, ea_mixed, 12, false, 1);
    poke64(m, a, hpte_v(VSID, false, ea_mixed, 12, HPTE_V_LARGE));
    poke64(m, a + 8, 0x900000 | 0x7000 | R_PP(2));
    poke64(m, 0x90a9a8, 0x4040);
    cpu_set_gpr(m->cpu, 4, ea_mixed);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x4040);

    /* LPCR[ISL]: the 64 KB segment is looked up with 4 KB pages, and its 64 KB HPTE (encoding
     * 0x1, not a 4 KB-segment size) no longer matches. */
    cpu_set_spr(m->cpu, SPR_LPCR, cpu_get_spr(m->cpu, SPR_LPCR) | LPCR_ISL);
    cpu_set_gpr(m->cpu, 4, ea64);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, ea64, DSISR_NOPTE);
}

static void test_1t_segment(void **state)
{
    test_machine *m = *state;
    const uint64_t vsid = 0x1234567, ea = 0x0000050012345678ull; /* ESID 5, 1 TB */
    slbmte(m, 3, 0x0000050000000000ull | SLB_ESID_V, SLB_VSID_B_1T | vsid << 24);
    uint64_t a = hpte_addr(vsid, true, ea, 12, false, 4);
    poke64(m, a, hpte_v(vsid, true, ea, 12, 0));
    poke64(m, a + 8, 0xa00000 | R_PP(2));
    poke64(m, 0xa00678, 0x1717);
    cpu_set_gpr(m->cpu, 4, ea);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x1717);
    /* The same ESID as a 256 MB segment does not exist: segment interrupt. */
    cpu_set_gpr(m->cpu, 4, 0x0000060000000000ull);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_int_equal(m->cpu->nip, 0x380);

    /* The VSID<<25 term of the 1 TB hash shows with a table of 2^26 PTEGs (HTABSIZE 15, at 0):
     * VSID 1, page (1<<25 | 0x10): hash = 1 ^ 1<<25 ^ (1<<25 | 0x10) = 0x11, HPTE at 0x880. */
    const uint64_t ea_big = 0x0000050000000000ull | (1ull << 37) | 0x10000 | 0x28;
    slbmte(m, 3, 0x0000050000000000ull | SLB_ESID_V, SLB_VSID_B_1T | 1ull << 24);
    cpu_set_spr(m->cpu, SPR_SDR1, 15);
    poke64(m, 0x880, hpte_v(1, true, ea_big, 12, 0));
    poke64(m, 0x888, 0xb00000 | R_PP(2));
    poke64(m, 0xb00028, 0x2525);
    cpu_set_gpr(m->cpu, 4, ea_big);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x2525);
}

/* ---- Faults ---- */

static void test_segment_interrupts(void **state)
{
    test_machine *m = *state;
    m->cpu->spr[SPR_DSISR] = 0x1234;
    cpu_set_gpr(m->cpu, 4, 0x40000008);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_JUMP);
    assert_interrupt(m, 0x380, false, 0x700000, MSR_GUEST);
    assert_int_equal(m->cpu->spr[SPR_DAR], 0x40000008);
    assert_int_equal(m->cpu->spr[SPR_DSISR], 0x1234); /* DSISR is not set */
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);

    /* Fetch: SRR0 = the EA, no reason bits; hypervisor virtual mode and VPM1 change nothing. */
    cpu_set_spr(m->cpu, SPR_LPCR, cpu_get_spr(m->cpu, SPR_LPCR) | LPCR_VPM1);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, 0x40000100);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x480, false, 0x40000100, MSR_GUEST);
    cpu_set_msr(m->cpu, MSR_HYPER);
    cpu_set_nip(m->cpu, 0x40000100);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x480, false, 0x40000100, MSR_HYPER);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);

    /* slbie removes the segment. */
    map_4k(m, DATA_EA, DATA_PA, R_PP(2));
    cpu_set_gpr(m->cpu, 4, DATA_EA);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_NEXT);
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(tm_exec_word(m, w_xrs_rb(0x7c000364u, 0, 4)), INSN_NEXT);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_int_equal(m->cpu->nip, 0x380);
}

static void test_no_pte_dsi_and_isi(void **state)
{
    test_machine *m = *state;
    cpu_set_gpr(m->cpu, 4, DATA_EA + 4);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA + 4, DSISR_NOPTE);
    assert_int_equal(exec_at(m, MSR_USER, 0x700004, W_STD_R5_R4), INSN_JUMP);
    assert_dsi(m, 0x700004, MSR_USER, DATA_EA + 4, DSISR_NOPTE | DSISR_STORE);

    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, CODE_EA + 8);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA + 8, MSR_USER | MMU_SRR1_NOPTE);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);

    /* Hypervisor virtual mode: DSI/ISI to itself, LPCR[VPM1] notwithstanding. */
    cpu_set_spr(m->cpu, SPR_LPCR, cpu_get_spr(m->cpu, SPR_LPCR) | LPCR_VPM1);
    assert_int_equal(exec_at(m, MSR_HYPER, 0x700008, W_STD_R5_R4), INSN_JUMP);
    assert_dsi(m, 0x700008, MSR_HYPER, DATA_EA + 4, DSISR_NOPTE | DSISR_STORE);
    cpu_set_msr(m->cpu, MSR_HYPER);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_HYPER | MMU_SRR1_NOPTE);
}

static void test_vpm1_routes_guest_faults_to_hypervisor(void **state)
{
    test_machine *m = *state;
    cpu_set_spr(m->cpu, SPR_LPCR, cpu_get_spr(m->cpu, SPR_LPCR) | LPCR_VPM1);
    m->cpu->spr[SPR_DAR] = 0xdead;
    cpu_set_gpr(m->cpu, 4, DATA_EA + 0x20);
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_STD_R5_R4), INSN_JUMP);
    assert_interrupt(m, 0xe00, true, 0x700000, MSR_USER);
    assert_int_equal(m->cpu->spr[SPR_HDAR], DATA_EA + 0x20);
    assert_int_equal(m->cpu->spr[SPR_HDSISR], DSISR_NOPTE | DSISR_STORE);
    assert_int_equal(m->cpu->spr[SPR_DAR], 0xdead);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);

    /* Protection fault too (Kp=1, PP=3: read-only). */
    map_4k(m, DATA_EA, DATA_PA, R_PP(3));
    assert_int_equal(exec_at(m, MSR_USER, 0x700004, W_STD_R5_R4), INSN_JUMP);
    assert_interrupt(m, 0xe00, true, 0x700004, MSR_USER);
    assert_int_equal(m->cpu->spr[SPR_HDSISR], DSISR_PROTFAULT | DSISR_STORE);

    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA + 0x10);
    cpu_step(m->cpu);
    assert_interrupt(m, 0xe20, true, CODE_EA + 0x10, MSR_GUEST | MMU_SRR1_NOPTE);
}

/* PP with the Ks/Kp key (ISA 2.07 5.7.8.1), for loads, stores and fetches. */
static void test_pp_protection(void **state)
{
    test_machine *m = *state;
    /* Segment: Ks=0, Kp=1.  PP=1 and PP=3 are read-only with key 1. */
    const struct {
        uint64_t pp;
        uint64_t msr;
        bool load_ok, store_ok, fetch_ok;
    } cases[] = {
        {R_PP(0), MSR_USER, false, false, false},
        {R_PP(1), MSR_USER, true, false, true},
        {R_PP(2), MSR_USER, true, true, true},
        {R_PP(3), MSR_USER, true, false, true},
        {R_PP0 | R_PP(2), MSR_USER, false, false, false}, /* 110: no access with key 1 */
        {R_PP(0), MSR_GUEST, true, true, true},
        {R_PP(3), MSR_GUEST, true, false, true},
        {R_PP0 | R_PP(2), MSR_GUEST, true, false, true},   /* 110: read-only with key 0 */
        {R_PP0 | R_PP(0), MSR_GUEST, false, false, false}, /* 100: reserved */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        map_4k(m, DATA_EA, DATA_PA, cases[i].pp);
        map_4k(m, CODE_EA, CODE_PA, cases[i].pp);
        tm_poke(m, CODE_PA, (const uint32_t[]){W_B_SELF}, 1);
        cpu_set_gpr(m->cpu, 4, DATA_EA + 0x40);
        insn_result r = exec_at(m, cases[i].msr, 0x700000, W_LD_R3_R4);
        assert_int_equal(r, cases[i].load_ok ? INSN_NEXT : INSN_JUMP);
        if (!cases[i].load_ok)
            assert_dsi(m, 0x700000, cases[i].msr, DATA_EA + 0x40, DSISR_PROTFAULT);
        r = exec_at(m, cases[i].msr, 0x700000, W_STD_R5_R4);
        assert_int_equal(r, cases[i].store_ok ? INSN_NEXT : INSN_JUMP);
        if (!cases[i].store_ok)
            assert_dsi(m, 0x700000, cases[i].msr, DATA_EA + 0x40, DSISR_PROTFAULT | DSISR_STORE);
        cpu_set_msr(m->cpu, cases[i].msr);
        cpu_set_nip(m->cpu, CODE_EA);
        cpu_step(m->cpu);
        if (cases[i].fetch_ok)
            assert_int_equal(m->cpu->nip, CODE_EA);
        else
            assert_interrupt(m, 0x400, false, CODE_EA, cases[i].msr | MMU_SRR1_PROT);
    }
}

static void test_no_execute(void **state)
{
    test_machine *m = *state;
    tm_poke(m, CODE_PA, (const uint32_t[]){W_B_SELF}, 1);
    poke64(m, CODE_PA + 0x100, 0x99);
    /* N page: data still works, fetch takes ISI with SRR1 bit 35. */
    map_4k(m, CODE_EA, CODE_PA, R_PP(2) | HPTE_R_N);
    cpu_set_gpr(m->cpu, 4, CODE_EA + 0x100);
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x99);
    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_USER | MMU_SRR1_NOEXEC);

    /* N wins over a PP fault; G alone is also no-execute. */
    map_4k(m, CODE_EA, CODE_PA, R_PP(0) | HPTE_R_N);
    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_USER | MMU_SRR1_NOEXEC);
    map_4k(m, CODE_EA, CODE_PA, R_PP(2) | HPTE_R_G);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_GUEST | MMU_SRR1_NOEXEC);

    /* No-execute segment (SLB N): ISI before the HPT is searched. */
    map_4k(m, CODE_EA, CODE_PA, R_PP(2));
    slbmte(m, 0, SEG_EA | SLB_ESID_V, VSID << 12 | SLB_VSID_KP | SLB_VSID_N);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_GUEST | MMU_SRR1_NOEXEC);
}

static void test_storage_keys(void **state)
{
    test_machine *m = *state;
    /* Key 0x1b: KEY_HI = 0b11, KEY_LO = 0b011. AMR bits 2*0x1b (store) and 2*0x1b+1 (load). */
    const uint64_t key = (3ull << 60) | (3ull << 9);
    const unsigned shift = 2 * (31 - 0x1b);
    map_4k(m, DATA_EA, DATA_PA, R_PP(2) | key);
    map_4k(m, CODE_EA, CODE_PA, R_PP(2) | key);
    tm_poke(m, CODE_PA, (const uint32_t[]){W_B_SELF}, 1);
    cpu_set_gpr(m->cpu, 4, DATA_EA);

    m->cpu->spr[SPR_AMR] = 2ull << shift; /* store forbidden */
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_STD_R5_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_USER, DATA_EA, MMU_DSISR_KEY | DSISR_STORE);

    m->cpu->spr[SPR_AMR] = 1ull << shift; /* load forbidden, in supervisor state too */
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_NEXT);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA, MMU_DSISR_KEY);

    /* A PP fault and a key fault together report both. */
    map_4k(m, DATA_EA, DATA_PA, R_PP(0) | key);
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_USER, DATA_EA, MMU_DSISR_KEY | DSISR_PROTFAULT);

    m->cpu->spr[SPR_AMR] = 0;
    m->cpu->spr[SPR_IAMR] = 1ull << shift;
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_GUEST | MMU_SRR1_KEY);
    /* Another key is not affected. */
    map_4k(m, CODE_EA, CODE_PA, R_PP(2));
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_int_equal(m->cpu->nip, CODE_EA);
}

/* LPCR[VPM0]=1: guest real mode through the VRMA (1 TB segment, VSID 0x1ffffff, page size
 * from LPCR[VRMASD]); faults go to the hypervisor. */
static void test_vrma(void **state)
{
    test_machine *m = *state;
    const uint64_t vrma_vsid = 0x1ffffff, ea = 0x1234;
    const uint64_t lpcr = LPCR_VPM0 | LPCR_RMLS8 | (0x10ull << LPCR_VRMASD_SHIFT); /* 16 MB */
    cpu_set_spr(m->cpu, SPR_LPCR, lpcr);
    uint64_t a = hpte_addr(vrma_vsid, true, ea, 24, false, 0);
    poke64(m, a, hpte_v(vrma_vsid, true, ea, 24, HPTE_V_LARGE));
    poke64(m, a + 8, 0x3000000 | R_PP(0)); /* Ks=0 in the VRMA segment: read/write */
    poke64(m, 0x3001234, 0xabab);
    cpu_set_gpr(m->cpu, 4, ea);
    m->cpu->spr[SPR_AMR] = ~0ull; /* the VRMA does not check keys */
    assert_int_equal(exec_at(m, MSR_SF | MSR_ME, 0x700000, W_LD_R3_R4), INSN_NEXT);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0xabab);

    /* Beyond the 16 MB page: HDSI. */
    cpu_set_gpr(m->cpu, 4, 0x1001234);
    assert_int_equal(exec_at(m, MSR_SF | MSR_ME, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_interrupt(m, 0xe00, true, 0x700000, MSR_SF | MSR_ME);
    assert_int_equal(m->cpu->spr[SPR_HDSISR], DSISR_NOPTE);
    assert_int_equal(m->cpu->spr[SPR_HDAR], 0x1001234);

    /* An unsupported VRMASD page size (L||LP = 0b11 -> 0x130): machine check. */
    cpu_set_spr(m->cpu, SPR_LPCR, LPCR_VPM0 | (0x13ull << LPCR_VRMASD_SHIFT));
    cpu_set_gpr(m->cpu, 4, ea);
    assert_int_equal(exec_at(m, MSR_SF | MSR_ME, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_interrupt(m, 0x200, false, 0x700000, MSR_SF | MSR_ME);
}

/* The software translation cache never serves a translation whose inputs changed. */
static void test_translation_cache_revalidates(void **state)
{
    test_machine *m = *state;
    uint64_t hpte = map_4k(m, DATA_EA, DATA_PA, R_PP(2));
    poke64(m, DATA_PA, 1);
    poke64(m, DATA_PA + 0x10000, 2);
    cpu_set_gpr(m->cpu, 4, DATA_EA);
#define LOAD_GIVES(msr, value)                                                                     \
    do {                                                                                           \
        assert_int_equal(exec_at(m, msr, 0x700000, W_LD_R3_R4), INSN_NEXT);                        \
        assert_int_equal(cpu_get_gpr(m->cpu, 3), value);                                           \
    } while (0)
    LOAD_GIVES(MSR_GUEST, 1);
    LOAD_GIVES(MSR_GUEST, 1);

    /* The HPTE's RPN changes (no tlbie needed here). */
    poke64(m, hpte + 8, (DATA_PA + 0x10000) | R_PP(2) | HPTE_R_R);
    LOAD_GIVES(MSR_GUEST, 2);
    /* R cleared by software is set again by the next access. */
    poke64(m, hpte + 8, DATA_PA | R_PP(2));
    LOAD_GIVES(MSR_GUEST, 1);
    assert_int_equal(tm_peek64(m, hpte + 8), DATA_PA | R_PP(2) | HPTE_R_R);
    /* A load-only entry does not let a store skip the C update. */
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_NEXT);
    assert_int_equal(tm_peek64(m, hpte + 8), DATA_PA | R_PP(2) | HPTE_R_R | HPTE_R_C);

    /* Problem state (Kp=1, PP=1: read-only) after supervisor (Ks=0: read/write) stores. */
    poke64(m, hpte + 8, DATA_PA | R_PP(1) | HPTE_R_R | HPTE_R_C);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_STD_R5_R4), INSN_NEXT);
    assert_int_equal(exec_at(m, MSR_USER, 0x700000, W_STD_R5_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_USER, DATA_EA, DSISR_PROTFAULT | DSISR_STORE);
    poke64(m, hpte + 8, DATA_PA | R_PP(2) | HPTE_R_R | HPTE_R_C);

    /* AMR and IAMR. */
    LOAD_GIVES(MSR_GUEST, cpu_get_gpr(m->cpu, 5));
    m->cpu->spr[SPR_AMR] = 1ull << 62; /* key 0: no loads */
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA, MMU_DSISR_KEY);
    m->cpu->spr[SPR_AMR] = 0;
    map_4k(m, CODE_EA, CODE_PA, R_PP(2));
    tm_poke(m, CODE_PA, (const uint32_t[]){W_B_SELF}, 1);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_step(m->cpu);
    assert_int_equal(m->cpu->nip, CODE_EA);
    m->cpu->spr[SPR_IAMR] = 1ull << 62;
    cpu_step(m->cpu);
    assert_interrupt(m, 0x400, false, CODE_EA, MSR_GUEST | MMU_SRR1_KEY);
    m->cpu->spr[SPR_IAMR] = 0;

    /* The SLB entry changes VSID, or is invalidated. */
    LOAD_GIVES(MSR_GUEST, cpu_get_gpr(m->cpu, 5));
    slbmte(m, 0, SEG_EA | SLB_ESID_V, 0x321ull << 12 | SLB_VSID_KP);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA, DSISR_NOPTE);
    slbmte(m, 0, SEG_EA | SLB_ESID_V, VSID << 12 | SLB_VSID_KP);
    LOAD_GIVES(MSR_GUEST, cpu_get_gpr(m->cpu, 5));
    slbmte(m, 0, SEG_EA, VSID << 12 | SLB_VSID_KP);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_int_equal(m->cpu->nip, 0x380);
    slbmte(m, 0, SEG_EA | SLB_ESID_V, VSID << 12 | SLB_VSID_KP);

    /* SDR1 moves the table; LPCR[ISL] changes the page size. */
    LOAD_GIVES(MSR_GUEST, cpu_get_gpr(m->cpu, 5));
    cpu_set_spr(m->cpu, SPR_SDR1, HPT_BASE + 0x40000);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA, DSISR_NOPTE);
    cpu_set_spr(m->cpu, SPR_SDR1, HPT_BASE);

    /* The HPTE is invalidated; EAs sharing a cache slot alternate correctly. */
    map_4k(m, DATA_EA + 0x40000, DATA_PA + 0x10000, R_PP(2));
    LOAD_GIVES(MSR_GUEST, cpu_get_gpr(m->cpu, 5));
    cpu_set_gpr(m->cpu, 4, DATA_EA + 0x40000);
    LOAD_GIVES(MSR_GUEST, 2);
    cpu_set_gpr(m->cpu, 4, DATA_EA);
    poke64(m, hpte, 0);
    assert_int_equal(exec_at(m, MSR_GUEST, 0x700000, W_LD_R3_R4), INSN_JUMP);
    assert_dsi(m, 0x700000, MSR_GUEST, DATA_EA, DSISR_NOPTE);
#undef LOAD_GIVES
}

/* The observer's mem_access hook sees every cpu_load/cpu_store with EA and real address. */
typedef struct access_log {
    unsigned n;
    uint64_t ea[4], pa[4];
    unsigned size[4];
    bool store[4];
} access_log;

static void log_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                       bool is_store)
{
    (void)cpu;
    access_log *log = ctx;
    if (log->n < 4) {
        log->ea[log->n] = ea;
        log->pa[log->n] = pa;
        log->size[log->n] = size;
        log->store[log->n] = is_store;
    }
    log->n++;
}

static void test_mem_access_hook(void **state)
{
    test_machine *m = *state;
    map_4k(m, CODE_EA, CODE_PA, R_PP(2));
    map_4k(m, DATA_EA, DATA_PA, R_PP(2));
    const uint32_t prog[] = {W_LWZ_R3_R4, 0x90640004u /* stw r3,4(r4) */, W_B_SELF};
    tm_poke(m, CODE_PA, prog, 3);
    cpu_set_gpr(m->cpu, 4, DATA_EA + 0x10);
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, CODE_EA);
    access_log log = {0};
    const cpu_observer obs = {.ctx = &log, .mem_access = log_access};
    cpu_run_observed(m->cpu, 3, &obs);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.ea[0], DATA_EA + 0x10);
    assert_int_equal(log.pa[0], DATA_PA + 0x10);
    assert_int_equal(log.size[0], 4);
    assert_false(log.store[0]);
    assert_int_equal(log.ea[1], DATA_EA + 0x14);
    assert_int_equal(log.pa[1], DATA_PA + 0x14);
    assert_true(log.store[1]);

    /* A faulting access is not reported. */
    cpu_set_gpr(m->cpu, 4, 0x50000000);
    cpu_set_nip(m->cpu, CODE_EA);
    cpu_run_observed(m->cpu, 1, &obs);
    assert_int_equal(log.n, 2);
    assert_int_equal(m->cpu->nip, 0x380);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_slot_matches_hand_computation),
        cmocka_unit_test_setup_teardown(test_guest_load_store_4k, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_store_sets_r_and_c_together, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_relocated_program_runs, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_hypervisor_virtual_mode_translates, mmu_setup,
                                        tm_teardown),
        cmocka_unit_test_setup_teardown(test_secondary_hash_and_match_rules, mmu_setup,
                                        tm_teardown),
        cmocka_unit_test_setup_teardown(test_64k_16m_and_mixed_pages, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_1t_segment, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_segment_interrupts, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_no_pte_dsi_and_isi, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_vpm1_routes_guest_faults_to_hypervisor, mmu_setup,
                                        tm_teardown),
        cmocka_unit_test_setup_teardown(test_pp_protection, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_no_execute, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_storage_keys, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_vrma, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_translation_cache_revalidates, mmu_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_mem_access_hook, mmu_setup, tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
