/* Book III-S instructions: MSR moves, rfid/hrfid, the mfspr/mtspr privilege matrix, SLB
 * management, the FP/VMX/VSX facility gates and the table rows of system.def. */
#include <stdio.h>

#include "test_system_encode.h"

#define MSR_HVREAL (MSR_SF | MSR_HV)
#define MSR_GUEST  (MSR_SF | MSR_ME)
#define MSR_USER   (MSR_SF | MSR_ME | MSR_PR | MSR_EE | MSR_IR | MSR_DR)

/* The interrupt the last instruction at `cia` raised: vector, saved address and SRR1 bits. */
static void assert_program_priv(test_machine *m, uint64_t cia)
{
    assert_int_equal(cpu_get_nip(m->cpu), VEC_PROGRAM);
    assert_int_equal(m->cpu->spr[SPR_SRR0], cia);
    assert_true(m->cpu->spr[SPR_SRR1] & SRR1_PROGRAM_PRIV);
}

/* ---- MSR ---- */

static void test_mfmsr(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL | MSR_ME | MSR_RI);
    tm_run_words(m, 0x1000, (uint32_t[]){w_mfmsr(7)}, 1, 1);
    assert_int_equal(cpu_get_gpr(m->cpu, 7), MSR_HVREAL | MSR_ME | MSR_RI);
}

/* Runs `mtmsr[d] r3` (the last instruction of the run) with MSR `before` and r3 = rs. */
static uint64_t msr_after(test_machine *m, uint32_t word, uint64_t before, uint64_t rs)
{
    cpu_set_msr(m->cpu, before);
    cpu_set_gpr(m->cpu, 3, rs);
    tm_run_words(m, 0x1000, &word, 1, 1);
    return cpu_get_msr(m->cpu);
}

static void test_mtmsrd_l0_keeps_hv_me_le(void **state)
{
    test_machine *m = *state;
    uint64_t all = MSR_SF | MSR_HV | MSR_TS | MSR_TM | MSR_VEC | MSR_VSX | MSR_EE | MSR_PR |
                   MSR_FP | MSR_FE0 | MSR_SE | MSR_BE | MSR_FE1 | MSR_IR | MSR_DR | MSR_PMM |
                   MSR_RI;
    /* All ones: every implemented bit but ME and LE (kept 0); HV stays 1; ILE/POW don't exist. */
    assert_int_equal(msr_after(m, w_mtmsrd(3, 0), MSR_HVREAL, ~0ull), all);
    /* All zeros from HV|ME|EE: HV and ME survive, SF goes (32-bit mode). */
    assert_int_equal(msr_after(m, w_mtmsrd(3, 0), MSR_HVREAL | MSR_ME | MSR_EE, 0),
                     MSR_HV | MSR_ME);
    /* PR=1 forces EE, IR and DR. */
    assert_int_equal(msr_after(m, w_mtmsrd(3, 0), MSR_HVREAL, MSR_SF | MSR_PR),
                     MSR_SF | MSR_HV | MSR_PR | MSR_EE | MSR_IR | MSR_DR);
    /* HV cannot be set from guest state. */
    assert_int_equal(msr_after(m, w_mtmsrd(3, 0), MSR_GUEST, MSR_SF | MSR_HV | MSR_EE),
                     MSR_SF | MSR_ME | MSR_EE);
}

static void test_mtmsrd_l1_only_ee_ri(void **state)
{
    test_machine *m = *state;
    assert_int_equal(msr_after(m, w_mtmsrd(3, 1), MSR_HVREAL, ~0ull), MSR_HVREAL | MSR_EE | MSR_RI);
    assert_int_equal(msr_after(m, w_mtmsrd(3, 1), MSR_HVREAL | MSR_EE | MSR_RI | MSR_ME, 0),
                     MSR_HVREAL | MSR_ME);
}

static void test_mtmsr_low_word_only(void **state)
{
    test_machine *m = *state;
    uint64_t low = MSR_VEC | MSR_VSX | MSR_EE | MSR_PR | MSR_FP | MSR_FE0 | MSR_SE | MSR_BE |
                   MSR_FE1 | MSR_IR | MSR_DR | MSR_PMM | MSR_RI;
    assert_int_equal(msr_after(m, w_mtmsr(3, 0), MSR_HVREAL, ~0ull), MSR_HVREAL | low);
    /* Zero: SF and HV (upper word) and ME stay. */
    assert_int_equal(msr_after(m, w_mtmsr(3, 0), MSR_HVREAL | MSR_ME | MSR_FP, 0),
                     MSR_HVREAL | MSR_ME);
    assert_int_equal(msr_after(m, w_mtmsr(3, 1), MSR_HVREAL, ~0ull), MSR_HVREAL | MSR_EE | MSR_RI);
}

/* ---- rfid / hrfid ---- */

static void test_rfid_from_hv_to_user(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL | MSR_ME);
    m->cpu->spr[SPR_SRR0] = 0x2003;                            /* low bits dropped */
    m->cpu->spr[SPR_SRR1] = MSR_SF | MSR_ME | MSR_PR | MSR_RI; /* EE, IR, DR forced by PR */
    tm_run_words(m, 0x1000, (uint32_t[]){W_NOP, W_RFID}, 2, 2);
    assert_int_equal(cpu_get_nip(m->cpu), 0x2000);
    assert_int_equal(cpu_get_msr(m->cpu),
                     MSR_SF | MSR_ME | MSR_PR | MSR_RI | MSR_EE | MSR_IR | MSR_DR);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_CFAR), 0x1004); /* rfid's own address */
}

static void test_rfid_hv_and_me_rules(void **state)
{
    test_machine *m = *state;
    /* From HV: HV may stay set (HV & SRR1[HV]) and ME follows SRR1. */
    cpu_set_msr(m->cpu, MSR_HVREAL);
    m->cpu->spr[SPR_SRR0] = 0x3000;
    m->cpu->spr[SPR_SRR1] = MSR_SF | MSR_HV | MSR_ME;
    tm_run_words(m, 0x1000, (uint32_t[]){W_RFID}, 1, 1);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
    /* From guest state: HV cannot be set, ME cannot be changed (ISA; QEMU copies ME). */
    cpu_set_msr(m->cpu, MSR_GUEST);
    m->cpu->spr[SPR_SRR0] = 0x3000;
    m->cpu->spr[SPR_SRR1] = MSR_SF | MSR_HV | MSR_FP;
    tm_run_words(m, 0x1000, (uint32_t[]){W_RFID}, 1, 1);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME | MSR_FP);
    assert_int_equal(cpu_get_nip(m->cpu), 0x3000);
}

static void test_rfid_to_32bit_crops_nip(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL);
    m->cpu->spr[SPR_SRR0] = 0xffffffff00004004ull;
    m->cpu->spr[SPR_SRR1] = MSR_HV;
    tm_run_words(m, 0x1000, (uint32_t[]){W_RFID}, 1, 1);
    assert_int_equal(cpu_get_nip(m->cpu), 0x4004);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_HV);
}

static void test_hrfid_enters_guest_keeps_cfar(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL); /* ME=0 as after QEMU's reset */
    m->cpu->spr[SPR_CFAR] = 0xcfa0;
    m->cpu->spr[SPR_HSRR0] = 0x5000;
    m->cpu->spr[SPR_HSRR1] = MSR_SF | MSR_ME | MSR_EE | MSR_RI;
    m->cpu->reserve_valid = true;
    tm_run_words(m, 0x1000, (uint32_t[]){W_HRFID}, 1, 1);
    assert_int_equal(cpu_get_nip(m->cpu), 0x5000);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME | MSR_EE | MSR_RI);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_CFAR), 0xcfa0);
    assert_false(m->cpu->reserve_valid);
}

static void test_hrfid_and_rfid_privilege(void **state)
{
    test_machine *m = *state;
    /* hrfid from guest supervisor: privileged Program interrupt (QEMU CHK_HV). */
    cpu_set_msr(m->cpu, MSR_GUEST | MSR_EE);
    tm_run_words(m, 0x1000, (uint32_t[]){W_HRFID}, 1, 1);
    assert_program_priv(m, 0x1000);
    assert_int_equal(m->cpu->spr[SPR_SRR1], MSR_GUEST | MSR_EE | SRR1_PROGRAM_PRIV);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);
    /* rfid from problem state. */
    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, 0x1100);
    tm_exec_word(m, W_RFID);
    assert_program_priv(m, 0x1100);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);
}

/* ---- Privileged instructions from problem state ---- */

static void test_privileged_from_problem_state(void **state)
{
    test_machine *m = *state;
    const uint32_t words[] = {w_mfmsr(3),
                              w_mtmsrd(3, 0),
                              w_mtmsr(3, 1),
                              W_HRFID,
                              w_xrs_rb(0x7c000324u, 3, 4) /* slbmte */,
                              0x7c0003e4u /* slbia */,
                              w_xrs_rb(0x7c000264u, 0, 4) /* tlbie */,
                              W_TLBSYNC,
                              0x4c000364u /* nap */};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        cpu_set_msr(m->cpu, MSR_USER);
        cpu_set_nip(m->cpu, 0x2000 + 4 * i);
        cpu_set_gpr(m->cpu, 3, 0x1234);
        assert_int_equal(tm_exec_word(m, words[i]), INSN_JUMP);
        assert_program_priv(m, 0x2000 + 4 * i);
        assert_int_equal(m->cpu->spr[SPR_SRR1], MSR_USER | SRR1_PROGRAM_PRIV);
        assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x1234);
    }
}

static void test_hypervisor_insns_from_guest(void **state)
{
    test_machine *m = *state;
    const uint32_t words[] = {W_TLBSYNC, w_xrs_rb(0x7c000264u, 0, 4), w_xrs_rb(0x7c000224u, 0, 4)};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        cpu_set_msr(m->cpu, MSR_GUEST);
        tm_run_words(m, 0x1000, &words[i], 1, 1);
        assert_program_priv(m, 0x1000);
    }
    /* The same words are accepted (no-ops) in hypervisor state. */
    cpu_set_msr(m->cpu, MSR_HVREAL);
    tm_run_words(m, 0x1000, words, 3, 3);
    assert_int_equal(cpu_get_nip(m->cpu), 0x100c);
}

/* ---- mfspr/mtspr privilege matrix ---- */

enum spr_state { ST_USER, ST_GUEST, ST_HV };
enum spr_outcome { OUT_OK, OUT_PRIV, OUT_HEA, OUT_NOP };

typedef struct spr_case {
    uint32_t word;
    enum spr_outcome out[3]; /* per spr_state */
} spr_case;

static const uint64_t state_msr[3] = {MSR_USER, MSR_GUEST, MSR_HVREAL | MSR_ME};

static void test_spr_privilege_matrix(void **state)
{
    test_machine *m = *state;
    const spr_case cases[] = {
        {w_mfspr(5, SPR_LR), {OUT_OK, OUT_OK, OUT_OK}},
        {w_mtspr(SPR_CTR, 6), {OUT_OK, OUT_OK, OUT_OK}},
        {w_mfspr(5, SPR_TBL), {OUT_OK, OUT_OK, OUT_OK}},
        {w_mfspr(5, SPR_SPRG0), {OUT_PRIV, OUT_OK, OUT_OK}},
        {w_mtspr(SPR_SRR0, 6), {OUT_PRIV, OUT_OK, OUT_OK}},
        {w_mfspr(5, SPR_DEC), {OUT_PRIV, OUT_OK, OUT_OK}},
        {w_mfspr(5, SPR_PURR), {OUT_PRIV, OUT_OK, OUT_OK}},
        {w_mtspr(SPR_PURR, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mfspr(5, SPR_HSPRG0), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mtspr(SPR_HSPRG1, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mtspr(SPR_LPCR, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mtspr(SPR_HDEC, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mfspr(5, SPR_PVR), {OUT_PRIV, OUT_OK, OUT_OK}},
        {w_mtspr(SPR_PVR, 6), {OUT_PRIV, OUT_PRIV, OUT_PRIV}},
        {w_mtspr(SPR_TBL, 6), {OUT_PRIV, OUT_PRIV, OUT_PRIV}},
        {w_mtspr(SPR_TBLW, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        {w_mtspr(SPR_PIR, 6), {OUT_PRIV, OUT_PRIV, OUT_OK}},
        /* Unimplemented numbers: 1013 (DABR, absent on POWER8 as in QEMU; bit 0x10 set). */
        {w_mfspr(5, 1013), {OUT_PRIV, OUT_NOP, OUT_NOP}},
        {w_mtspr(1013, 6), {OUT_PRIV, OUT_NOP, OUT_NOP}},
        /* Bit 0x10 clear: HEA in problem state, no-op when privileged, except SPR 0 and reads
         * of 4-6. */
        {w_mfspr(5, 2), {OUT_HEA, OUT_NOP, OUT_NOP}},
        {w_mtspr(2, 6), {OUT_HEA, OUT_NOP, OUT_NOP}},
        {w_mfspr(5, 0), {OUT_HEA, OUT_HEA, OUT_HEA}},
        {w_mtspr(0, 6), {OUT_HEA, OUT_HEA, OUT_HEA}},
        {w_mfspr(5, 5), {OUT_HEA, OUT_HEA, OUT_HEA}},
        {w_mtspr(5, 6), {OUT_HEA, OUT_NOP, OUT_NOP}},
        /* 808-811: architected no-ops at every level. */
        {w_mtspr(809, 6), {OUT_NOP, OUT_NOP, OUT_NOP}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int st = ST_USER; st <= ST_HV; st++) {
            char what[64];
            snprintf(what, sizeof(what), "case %zu state %d", i, st);
            cpu_set_msr(m->cpu, state_msr[st]);
            cpu_set_nip(m->cpu, 0x1000);
            cpu_set_gpr(m->cpu, 5, 0x5555);
            cpu_set_gpr(m->cpu, 6, 0x6666);
            m->cpu->spr[SPR_HFSCR] = ~0ull;
            tm_exec_word(m, cases[i].word);
            uint64_t nip = cpu_get_nip(m->cpu);
            switch (cases[i].out[st]) {
            case OUT_OK:
            case OUT_NOP:
                if (nip != 0x1004) fail_msg("%s: nip 0x%llx", what, (unsigned long long)nip);
                if (cases[i].out[st] == OUT_NOP && cpu_get_gpr(m->cpu, 5) != 0x5555)
                    fail_msg("%s: RT changed", what);
                break;
            case OUT_PRIV:
                if (nip != VEC_PROGRAM || !(m->cpu->spr[SPR_SRR1] & SRR1_PROGRAM_PRIV))
                    fail_msg("%s: no privileged program interrupt", what);
                assert_int_equal(m->cpu->spr[SPR_SRR0], 0x1000);
                break;
            case OUT_HEA:
                if (nip != VEC_HEA) fail_msg("%s: no HEA", what);
                assert_int_equal(m->cpu->spr[SPR_HSRR0], 0x1000);
                assert_int_equal(m->cpu->spr[SPR_HEIR], cases[i].word);
                break;
            }
            assert_int_equal(cpu_get_gpr(m->cpu, 6), 0x6666);
        }
    }
}

static uint64_t mfspr_hv(test_machine *m, unsigned spr)
{
    cpu_set_msr(m->cpu, MSR_HVREAL);
    cpu_set_nip(m->cpu, 0x1000);
    tm_exec_word(m, w_mfspr(9, spr));
    return cpu_get_gpr(m->cpu, 9);
}

static void mtspr_in(test_machine *m, uint64_t msr, unsigned spr, uint64_t value)
{
    cpu_set_msr(m->cpu, msr);
    cpu_set_nip(m->cpu, 0x1000);
    cpu_set_gpr(m->cpu, 9, value);
    tm_exec_word(m, w_mtspr(spr, 9));
    assert_int_equal(cpu_get_nip(m->cpu), 0x1004);
}

static void test_spr_values_and_side_effects(void **state)
{
    test_machine *m = *state;
    mtspr_in(m, MSR_HVREAL, SPR_SPRG3, 0x0123456789abcdefull);
    assert_int_equal(mfspr_hv(m, SPR_USPRG3), 0x0123456789abcdefull);
    mtspr_in(m, MSR_HVREAL, SPR_LPCR, ~0ull);
    assert_int_equal(mfspr_hv(m, SPR_LPCR), LPCR_POWER8_WRITABLE);
    mtspr_in(m, MSR_HVREAL, SPR_LPCR, 0);
    mtspr_in(m, MSR_HVREAL, SPR_DSISR, ~0ull);
    assert_int_equal(mfspr_hv(m, SPR_DSISR), 0xffffffffull);
    mtspr_in(m, MSR_HVREAL, SPR_CTRLW, 0xffffffffull);
    assert_int_equal(mfspr_hv(m, SPR_CTRL), 1);
    m->cpu->spr[SPR_HMER] = 0xff00ull;
    mtspr_in(m, MSR_HVREAL, SPR_HMER, 0x0ff0ull); /* ANDs */
    assert_int_equal(mfspr_hv(m, SPR_HMER), 0x0f00ull);
    m->cpu->spr[SPR_PIR] = 8;
    mtspr_in(m, MSR_HVREAL, SPR_PIR, 3); /* no-op in hypervisor state */
    assert_int_equal(mfspr_hv(m, SPR_PIR), 8);
    /* AMR: the guest writes only what AMOR allows; the hypervisor everything. */
    mtspr_in(m, MSR_HVREAL, SPR_AMOR, 0x00000000ffff0000ull);
    mtspr_in(m, MSR_HVREAL, SPR_AMR, 0xaaaaaaaaaaaaaaaaull);
    mtspr_in(m, MSR_GUEST, SPR_AMR, 0x5555555555555555ull);
    assert_int_equal(mfspr_hv(m, SPR_AMR), 0xaaaaaaaa5555aaaaull);
    assert_int_equal(mfspr_hv(m, SPR_UAMR), 0xaaaaaaaa5555aaaaull);
    /* Writing TB through TBLW/TBUW/TBU40. */
    mtspr_in(m, MSR_HVREAL, SPR_TBUW, 0x12345678);
    mtspr_in(m, MSR_HVREAL, SPR_TBLW, 0x9abcdef0);
    assert_int_equal(mfspr_hv(m, SPR_TBL), 0x123456789abcdef0ull);
    assert_int_equal(mfspr_hv(m, SPR_TBU), 0x12345678);
    mtspr_in(m, MSR_HVREAL, SPR_TBU40, 0xffffffffff000000ull);
    assert_int_equal(mfspr_hv(m, SPR_TBL), 0xffffffffffbcdef0ull);
}

static void test_spr_facility_tar(void **state)
{
    test_machine *m = *state;
    /* Problem state, FSCR[TAR]=0: Facility Unavailable with FSCR[IC]=TAR. */
    m->cpu->spr[SPR_HFSCR] = ~0ull;
    m->cpu->spr[SPR_FSCR] = 0;
    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, 0x1000);
    tm_exec_word(m, w_mfspr(5, SPR_TAR));
    assert_int_equal(cpu_get_nip(m->cpu), VEC_FAC_UNAVAILABLE);
    assert_int_equal(m->cpu->spr[SPR_SRR0], 0x1000);
    assert_int_equal(m->cpu->spr[SPR_FSCR] >> 56, FSCR_IC_TAR);
    /* With FSCR[TAR]=1 it works. */
    m->cpu->spr[SPR_FSCR] = FSCR_TAR;
    m->cpu->tar = 0x7a7;
    cpu_set_msr(m->cpu, MSR_USER);
    cpu_set_nip(m->cpu, 0x1000);
    tm_exec_word(m, w_mfspr(5, SPR_TAR));
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0x7a7);
    /* Guest supervisor with HFSCR[TAR]=0: Hypervisor Facility Unavailable. */
    m->cpu->spr[SPR_HFSCR] = 0;
    cpu_set_msr(m->cpu, MSR_GUEST);
    cpu_set_nip(m->cpu, 0x1000);
    tm_exec_word(m, w_mtspr(SPR_TAR, 5));
    assert_int_equal(cpu_get_nip(m->cpu), VEC_HV_FAC_UNAVAILABLE);
    assert_int_equal(m->cpu->spr[SPR_HSRR0], 0x1000);
    assert_int_equal(m->cpu->spr[SPR_HFSCR] >> 56, FSCR_IC_TAR);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
}

static void test_mftb_reads_tb(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL);
    cpu_set_spr(m->cpu, SPR_TBLW, 0x100);
    tm_run_words(m, 0x1000, (uint32_t[]){w_mftb(3, 268), w_mftb(4, 269)}, 2, 2);
    assert_true(cpu_get_gpr(m->cpu, 3) >= 0x100 && cpu_get_gpr(m->cpu, 3) <= 0x101);
    assert_int_equal(cpu_get_gpr(m->cpu, 4), 0);
}

/* ---- SLB ---- */

#define SLB_RB(esid, index) ((esid) | 0x08000000ull | (index))
#define SLB_RS              ((0x123456789ull << 12) | 0x400 | 0x110) /* Kp, 64K pages */

static void test_slb_round_trip(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL);
    cpu_set_gpr(m->cpu, 3, SLB_RS);
    cpu_set_gpr(m->cpu, 4, SLB_RB(0xc000000000000000ull, 5));
    cpu_set_gpr(m->cpu, 6, 5);
    cpu_set_gpr(m->cpu, 9, 0xc000000001234567ull);
    tm_run_words(m, 0x1000,
                 (uint32_t[]){w_xrs_rb(0x7c000324u, 3, 4), w_xrs_rb(0x7c000726u, 5, 6),
                              w_xrs_rb(0x7c0006a6u, 7, 6), w_xrs_rb(0x7c0007a7u, 8, 9)},
                 4, 4);
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0xc000000008000000ull);
    assert_int_equal(cpu_get_gpr(m->cpu, 7), SLB_RS);
    assert_int_equal(cpu_get_gpr(m->cpu, 8), SLB_RS);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 2); /* EQ */
    /* slbie removes it; slbfee. then finds nothing. */
    tm_run_words(m, 0x1000, (uint32_t[]){w_xrs_rb(0x7c000364u, 0, 9), w_xrs_rb(0x7c0007a7u, 8, 9)},
                 2, 2);
    assert_int_equal(cpu_get_gpr(m->cpu, 8), 0);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 0);
}

static void test_slbia_keeps_entry_0(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL);
    cpu_set_gpr(m->cpu, 3, 0);
    cpu_set_gpr(m->cpu, 4, SLB_RB(0, 0));
    cpu_set_gpr(m->cpu, 5, SLB_RB(0x10000000ull, 1));
    cpu_set_gpr(m->cpu, 6, 1);
    tm_run_words(m, 0x1000,
                 (uint32_t[]){w_xrs_rb(0x7c000324u, 3, 4), w_xrs_rb(0x7c000324u, 3, 5), 0x7c0003e4u,
                              w_xrs_rb(0x7c000726u, 7, 0), w_xrs_rb(0x7c000726u, 8, 6)},
                 5, 5);
    assert_int_equal(cpu_get_gpr(m->cpu, 7), 0x08000000ull); /* entry 0 still valid */
    assert_int_equal(cpu_get_gpr(m->cpu, 8), 0x10000000ull); /* entry 1: V cleared */
}

static void test_slbmte_invalid_is_illegal(void **state)
{
    test_machine *m = *state;
    const uint64_t bad[][2] = {
        {SLB_RS, SLB_RB(0, 32)},               /* index beyond 32 entries */
        {SLB_RS, SLB_RB(0, 0) | 0x1000},       /* reserved RB bit */
        {SLB_RS | (2ull << 62), SLB_RB(0, 0)}, /* B=2 */
        {0x030, SLB_RB(0, 0)},                 /* L=0, LP=11: no such page size */
    };
    for (size_t i = 0; i < 4; i++) {
        cpu_set_msr(m->cpu, MSR_HVREAL);
        cpu_set_gpr(m->cpu, 3, bad[i][0]);
        cpu_set_gpr(m->cpu, 4, bad[i][1]);
        tm_run_words(m, 0x1000, (uint32_t[]){w_xrs_rb(0x7c000324u, 3, 4)}, 1, 1);
        assert_int_equal(cpu_get_nip(m->cpu), VEC_PROGRAM);
        assert_true(m->cpu->spr[SPR_SRR1] & SRR1_PROGRAM_ILLEGAL);
    }
}

/* ---- FP / VMX / VSX ---- */

static void expect_unavailable(test_machine *m, uint32_t word, uint64_t msr, ppc_vector vec)
{
    cpu_set_msr(m->cpu, msr);
    assert_int_equal(tm_run_words(m, 0x1000, &word, 1, 1), CPU_EXIT_BUDGET);
    assert_int_equal(cpu_get_nip(m->cpu), vec);
    assert_int_equal(m->cpu->spr[SPR_SRR0], 0x1000);
    assert_int_equal(m->cpu->spr[SPR_SRR1], msr);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | (msr & (MSR_HV | MSR_ME)));
}

static void test_facility_unavailable(void **state)
{
    test_machine *m = *state;
    expect_unavailable(m, W_FADD, MSR_GUEST | MSR_VEC | MSR_VSX, VEC_FP_UNAVAILABLE);
    expect_unavailable(m, 0xc8230010u /* lfd f1,16(r3) */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
    expect_unavailable(m, 0x7c2018ceu /* lvx v1,0,r3 */, MSR_GUEST | MSR_FP, VEC_VMX_UNAVAILABLE);
    expect_unavailable(m, 0x10221880u /* vaddubm */, MSR_GUEST, VEC_VMX_UNAVAILABLE);
    expect_unavailable(m, 0x7c201e98u /* lxvd2x vs1,0,r3 */, MSR_GUEST | MSR_FP | MSR_VEC,
                       VEC_VSX_UNAVAILABLE);
    expect_unavailable(m, 0xf0221900u /* xsadddp vs1,vs2,vs3 */, MSR_GUEST | MSR_FP | MSR_VEC,
                       VEC_VSX_UNAVAILABLE);
    /* mtvsrd vs33,r3 needs MSR[VEC]; mtvsrd vs1,r3 needs MSR[FP]. */
    expect_unavailable(m, 0x7c230167u, MSR_GUEST | MSR_FP | MSR_VSX, VEC_VMX_UNAVAILABLE);
    expect_unavailable(m, 0x7c230166u, MSR_GUEST | MSR_VEC | MSR_VSX, VEC_FP_UNAVAILABLE);
}

static void test_facility_enabled_stops_unimplemented(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL | MSR_FP);
    assert_int_equal(tm_run_words(m, 0x1000, (uint32_t[]){W_NOP, W_FADD}, 2, 5),
                     CPU_EXIT_UNIMPLEMENTED);
    assert_string_equal(cpu_exit_detail(m->cpu),
                        "floating-point instruction fadd at 0x0000000000001004 is not implemented");
    assert_int_equal(cpu_get_nip(m->cpu), 0x1004);
    cpu_set_msr(m->cpu, MSR_HVREAL | MSR_VSX);
    assert_int_equal(tm_run_words(m, 0x1000, (uint32_t[]){0xf0221900u}, 1, 1),
                     CPU_EXIT_UNIMPLEMENTED);
    assert_string_equal(cpu_exit_detail(m->cpu),
                        "VSX instruction xsadddp at 0x0000000000001000 is not implemented");
    cpu_set_msr(m->cpu, MSR_HVREAL | MSR_VEC);
    assert_int_equal(tm_run_words(m, 0x1000, (uint32_t[]){0x7c2018ceu}, 1, 1),
                     CPU_EXIT_UNIMPLEMENTED);
    assert_string_equal(cpu_exit_detail(m->cpu),
                        "vector instruction lvx at 0x0000000000001000 is not implemented");
}

static void test_power_saving_stops(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVREAL);
    assert_int_equal(tm_run_words(m, 0x1000, (uint32_t[]){0x4c000364u}, 1, 1),
                     CPU_EXIT_UNIMPLEMENTED);
    assert_non_null(strstr(cpu_exit_detail(m->cpu), "nap"));
}

/* ---- The rows ---- */

static bool rows_overlap(const insn_row *a, const insn_row *b)
{
    return ((a->match ^ b->match) & a->mask & b->mask) == 0;
}

static void test_system_rows_do_not_overlap(void **state)
{
    (void)state;
    /* system.def, then fp.def, vmx.def and vsx.def: every row from sc to the end of the table */
    for (unsigned a = INSN_SC; a < INSN__COUNT; a++)
        for (unsigned b = 1; b < INSN__COUNT; b++)
            if (a != b && rows_overlap(&insn_table[a], &insn_table[b]))
                fail_msg("%s overlaps %s", insn_table[a].mnemonic, insn_table[b].mnemonic);
}

static void test_fp_vector_spaces_decode(void **state)
{
    (void)state;
    const unsigned primaries[] = {4, 48, 49, 50, 51, 52, 53, 54, 55, 59, 60, 63};
    uint32_t x = 0x12345678u;
    for (size_t p = 0; p < sizeof(primaries) / sizeof(primaries[0]); p++)
        for (int i = 0; i < 1000; i++) {
            x = x * 1664525u + 1013904223u; /* any word with that primary opcode */
            uint32_t word = (primaries[p] << 26) | (x & 0x03ffffffu);
            unsigned id = insn_lookup(word);
            bool whole_opcode = primaries[p] >= 48 && primaries[p] <= 55; /* D-form lfs..stfdu */
            /* opcodes 4, 59, 60, 63: a row per instruction, the other words are undefined */
            if (id == INSN_ILLEGAL ? whole_opcode : !(insn_table[id].flags & F_FACILITY))
                fail_msg("0x%08x does not decode to an FP/VMX/VSX row", word);
        }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tsys_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_mfmsr),
        T(test_mtmsrd_l0_keeps_hv_me_le),
        T(test_mtmsrd_l1_only_ee_ri),
        T(test_mtmsr_low_word_only),
        T(test_rfid_from_hv_to_user),
        T(test_rfid_hv_and_me_rules),
        T(test_rfid_to_32bit_crops_nip),
        T(test_hrfid_enters_guest_keeps_cfar),
        T(test_hrfid_and_rfid_privilege),
        T(test_privileged_from_problem_state),
        T(test_hypervisor_insns_from_guest),
        T(test_spr_privilege_matrix),
        T(test_spr_values_and_side_effects),
        T(test_spr_facility_tar),
        T(test_mftb_reads_tb),
        T(test_slb_round_trip),
        T(test_slbia_keeps_entry_0),
        T(test_slbmte_invalid_is_illegal),
        T(test_facility_unavailable),
        T(test_facility_enabled_stops_unimplemented),
        T(test_power_saving_stops),
        T(test_system_rows_do_not_overlap),
        T(test_fp_vector_spaces_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
