/* Branch facility: b, bc (every BO with CTR 0/1/2 and the condition true and false), bclr,
 * bcctr (including QEMU's test-and-decrement for BO2=0), bctar and its facility gates, LK/AA,
 * 32-bit mode, CFAR; the CR logicals, mcrf, mfcr/mfocrf, mtcrf/mtocrf; reserved-bit forms. */
#include <stdbool.h>

#include "test_cpu.h"

#define PC         0x10000ull /* where single instructions run */
#define LR_UNSET   0x5a5a5a5a5a5a5a58ull
#define CFAR_UNSET 0x0badcafe0badcafcull
#define MSR_HV64   (MSR_SF | MSR_HV | MSR_ME)

/* ---- Encoders (extended opcodes written as the ISA's decimal XO numbers) ---- */
enum {
    XO_BCLR = 16,
    XO_BCCTR = 528,
    XO_BCTAR = 560,
    XO_CRAND = 257,
    XO_CRANDC = 129,
    XO_CREQV = 289,
    XO_CRNAND = 225,
    XO_CRNOR = 33,
    XO_CROR = 449,
    XO_CRORC = 417,
    XO_CRXOR = 193,
    XO_MFCR = 19,
    XO_MTCRF = 144,
};

static uint32_t enc_b(int64_t li, bool aa, bool lk)
{
    return 0x48000000u | ((uint32_t)li & 0x03fffffcu) | (aa ? 2u : 0u) | (lk ? 1u : 0u);
}

static uint32_t enc_bc(unsigned bo, unsigned bi, int64_t bd, bool aa, bool lk)
{
    return 0x40000000u | bo << 21 | bi << 16 | ((uint32_t)bd & 0xfffcu) | (aa ? 2u : 0u) |
           (lk ? 1u : 0u);
}

static uint32_t enc_xl(unsigned xo, unsigned f1, unsigned f2, unsigned f3, bool lk)
{
    return 0x4c000000u | f1 << 21 | f2 << 16 | f3 << 11 | xo << 1 | (lk ? 1u : 0u);
}

static uint32_t enc_mcrf(unsigned bf, unsigned bfa)
{
    return enc_xl(0, bf << 2, bfa << 2, 0, 0);
}

/* mfcr/mfocrf/mtcrf/mtocrf: `one` is bit 11 (the o-forms). */
static uint32_t enc_crmove(unsigned xo, bool one, unsigned reg, unsigned fxm)
{
    return 0x7c000000u | reg << 21 | (one ? 1u << 20 : 0u) | fxm << 12 | xo << 1;
}

/* ---- Machine helpers ---- */

/* A machine with 4 GiB of RAM, so that 32-bit mode can run at 0xfffffffc. */
static int setup_4g(void **state)
{
    test_machine *m = calloc(1, sizeof(*m));
    m->mem.ram_size = 1ull << 32;
    m->mem.ram = calloc(1, m->mem.ram_size);
    m->cpu = m->mem.ram ? cpu_create(NULL, &m->mem) : NULL;
    *state = m;
    return m->cpu ? 0 : -1;
}

/* Known state before each run: hypervisor 64-bit unless msr says otherwise. */
static void reset_regs(test_machine *m, uint64_t msr)
{
    cpu_set_msr(m->cpu, msr);
    cpu_set_spr(m->cpu, SPR_LR, LR_UNSET);
    cpu_set_spr(m->cpu, SPR_CFAR, CFAR_UNSET);
    cpu_set_spr(m->cpu, SPR_CTR, 0);
    cpu_set_cr(m->cpu, 0);
}

/* Poke one word at pc (hypervisor real mode: PA = EA) and execute it. */
static void run_at(test_machine *m, uint64_t pc, uint32_t word)
{
    tm_poke(m, pc, &word, 1);
    cpu_set_nip(m->cpu, pc);
    assert_int_equal(cpu_step(m->cpu), CPU_EXIT_BUDGET);
}

static uint64_t lr(test_machine *m)
{
    return cpu_get_spr(m->cpu, SPR_LR);
}
static uint64_t ctr(test_machine *m)
{
    return cpu_get_spr(m->cpu, SPR_CTR);
}
static uint64_t cfar(test_machine *m)
{
    return cpu_get_spr(m->cpu, SPR_CFAR);
}

static void assert_taken(test_machine *m, uint64_t pc, uint64_t target)
{
    assert_int_equal(cpu_get_nip(m->cpu), target);
    assert_int_equal(cfar(m), pc);
}

static void assert_not_taken(test_machine *m, uint64_t pc)
{
    assert_int_equal(cpu_get_nip(m->cpu), pc + 4);
    assert_int_equal(cfar(m), CFAR_UNSET);
}

/* The word raised HEA (invalid form or illegal): 0xe40, HSRR0 = CIA, HEIR = word, and nothing
 * else the instruction could touch changed. */
static void assert_hea(test_machine *m, uint32_t word)
{
    reset_regs(m, MSR_HV64);
    cpu_set_cr(m->cpu, 0x12345678);
    cpu_set_spr(m->cpu, SPR_CTR, 0x2000);
    cpu_set_gpr(m->cpu, 3, 0xffffffff00000000ull);
    run_at(m, PC, word);
    assert_int_equal(cpu_get_nip(m->cpu), 0xe40);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), PC);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), MSR_HV64);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), word);
    assert_int_equal(cpu_get_cr(m->cpu), 0x12345678);
    assert_int_equal(ctr(m), 0x2000);
    assert_int_equal(lr(m), LR_UNSET);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0xffffffff00000000ull);
    assert_int_equal(cfar(m), CFAR_UNSET);
}

/* ---- b ---- */

static void test_b_relative_absolute_and_link(void **state)
{
    test_machine *m = *state;
    const struct {
        int64_t li;
        bool aa;
        uint64_t target;
    } cases[] = {
        {0x100, false, PC + 0x100},
        {-0x100, false, PC - 0x100},
        {0, false, PC},                                /* b . */
        {0x1fffffc, false, PC + 0x1fffffc},            /* largest forward */
        {-0x2000000, false, (uint64_t)PC - 0x2000000}, /* largest backward: wraps below 0 */
        {0x1234, true, 0x1234},                        /* ba */
        {-0x100, true, 0xffffffffffffff00ull},         /* ba to a sign-extended address */
        {-0x2000000, true, 0xfffffffffe000000ull},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int lk = 0; lk <= 1; lk++) {
            reset_regs(m, MSR_HV64);
            run_at(m, PC, enc_b(cases[i].li, cases[i].aa, lk));
            assert_taken(m, PC, cases[i].target);
            assert_int_equal(lr(m), lk ? PC + 4 : LR_UNSET);
        }
    }
}

/* ---- bc: every BO, CTR 0/1/2, CR[BI] true and false, LK 0/1 ---- */

/* The ISA 2.07 pseudocode of bc, written out independently of the implementation. */
static bool isa_bc_taken(unsigned bo, uint64_t *ctr_value, unsigned cr_bit)
{
    unsigned bo0 = bo >> 4 & 1, bo1 = bo >> 3 & 1, bo2 = bo >> 2 & 1, bo3 = bo >> 1 & 1;
    if (!bo2) *ctr_value -= 1;
    bool ctr_ok = bo2 || ((*ctr_value != 0) ^ bo3);
    bool cond_ok = bo0 || cr_bit == bo1;
    return ctr_ok && cond_ok;
}

static void test_bc_every_bo(void **state)
{
    test_machine *m = *state;
    unsigned checked = 0, taken = 0;
    for (unsigned bo = 0; bo < 32; bo++) {
        for (uint64_t ctr0 = 0; ctr0 <= 2; ctr0++) {
            for (unsigned cond = 0; cond <= 1; cond++) {
                for (int lk = 0; lk <= 1; lk++) {
                    unsigned bi = (bo * 7 + (unsigned)ctr0 * 3 + cond) & 31;
                    uint32_t cr = cond ? 1u << (31 - bi) : ~(1u << (31 - bi));
                    uint64_t expect_ctr = ctr0;
                    bool expect_taken = isa_bc_taken(bo, &expect_ctr, cond);

                    reset_regs(m, MSR_HV64);
                    cpu_set_cr(m->cpu, cr);
                    cpu_set_spr(m->cpu, SPR_CTR, ctr0);
                    run_at(m, PC, enc_bc(bo, bi, 0x40, false, lk));
                    if (expect_taken)
                        assert_taken(m, PC, PC + 0x40);
                    else
                        assert_not_taken(m, PC);
                    assert_int_equal(ctr(m), expect_ctr);
                    assert_int_equal(lr(m), lk ? PC + 4 : LR_UNSET);
                    assert_int_equal(cpu_get_cr(m->cpu), cr);
                    checked++;
                    taken += expect_taken;
                }
            }
        }
    }
    assert_int_equal(checked, 32 * 3 * 2 * 2);
    assert_true(taken > 0 && taken < checked);
}

/* A few BO cases spelled out by hand, so the table above is not the only witness. */
static void test_bc_named_forms(void **state)
{
    test_machine *m = *state;
    const struct {
        const char *name;
        unsigned bo, bi;
        uint32_t cr;
        uint64_t ctr_in, ctr_out;
        bool taken;
    } cases[] = {
        {"bdnz ctr=2", 16, 0, 0, 2, 1, true},
        {"bdnz ctr=1", 16, 0, 0, 1, 0, false},
        {"bdnz ctr=0 wraps", 16, 0, 0, 0, ~0ull, true},
        {"bdz ctr=1", 18, 0, 0, 1, 0, true},
        {"bdz ctr=2", 18, 0, 0, 2, 1, false},
        {"beq cr0.eq=1", 12, 2, 0x20000000, 5, 5, true},
        {"beq cr0.eq=0", 12, 2, 0xd0000000, 5, 5, false},
        {"bne cr7.eq=0", 4, 30, 0xfffffffd, 5, 5, true},
        {"beq+ hint bits ignored", 15, 2, 0x20000000, 5, 5, true},
        {"bge- hint bits ignored", 6, 0, 0x7fffffff, 5, 5, true},
        {"bdnzt ctr=2 true", 8, 1, 0x40000000, 2, 1, true},
        {"bdnzt ctr=2 false", 8, 1, 0, 2, 1, false},
        {"bdzf ctr=1 false", 2, 1, 0, 1, 0, true},
        {"bdzf ctr=1 true", 2, 1, 0x40000000, 1, 0, false},
        {"bc 20 always", 20, 0, 0, 0, 0, true},
        {"bc 31 always (z bits ignored)", 31, 5, 0, 7, 7, true},
        {"bdnz- hint ctr=1", 25, 0, 0, 1, 0, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, cases[i].cr);
        cpu_set_spr(m->cpu, SPR_CTR, cases[i].ctr_in);
        run_at(m, PC, enc_bc(cases[i].bo, cases[i].bi, -0x20, false, false));
        if (cpu_get_nip(m->cpu) != (cases[i].taken ? PC - 0x20 : PC + 4))
            fail_msg("%s: nip %llx", cases[i].name, (unsigned long long)cpu_get_nip(m->cpu));
        assert_int_equal(ctr(m), cases[i].ctr_out);
    }
}

static void test_bc_absolute_and_negative(void **state)
{
    test_machine *m = *state;
    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_bc(20, 0, 0x1230, true, true)); /* bcla 20,0,0x1230 */
    assert_taken(m, PC, 0x1230);
    assert_int_equal(lr(m), PC + 4);

    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_bc(20, 0, -0x8000, true, false)); /* bca to the sign-extended -0x8000 */
    assert_taken(m, PC, 0xffffffffffff8000ull);

    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_bc(20, 0, -0x8000, false, false)); /* largest backward displacement */
    assert_taken(m, PC, PC - 0x8000);

    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_bc(20, 0, 0x7ffc, false, false)); /* largest forward displacement */
    assert_taken(m, PC, PC + 0x7ffc);

    /* Not taken with AA and LK: LR is still written, NIP falls through. */
    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_bc(12, 2, 0x1230, true, true));
    assert_not_taken(m, PC);
    assert_int_equal(lr(m), PC + 4);
}

/* ---- bclr, bcctr, bctar ---- */

static void test_bclr(void **state)
{
    test_machine *m = *state;
    /* blr: target low bits cleared. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x3003);
    run_at(m, PC, enc_xl(XO_BCLR, 20, 0, 0, false));
    assert_taken(m, PC, 0x3000);
    assert_int_equal(lr(m), 0x3003);

    /* blrl: branches to the old LR, then LR = CIA + 4. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x3000);
    run_at(m, PC, enc_xl(XO_BCLR, 20, 0, 0, true));
    assert_taken(m, PC, 0x3000);
    assert_int_equal(lr(m), PC + 4);

    /* beqlrl not taken: LR still updated, no branch. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x3000);
    run_at(m, PC, enc_xl(XO_BCLR, 12, 2, 0, true));
    assert_not_taken(m, PC);
    assert_int_equal(lr(m), PC + 4);

    /* bdnzlr decrements CTR and tests the new value. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x3000);
    cpu_set_spr(m->cpu, SPR_CTR, 2);
    run_at(m, PC, enc_xl(XO_BCLR, 16, 0, 0, false));
    assert_taken(m, PC, 0x3000);
    assert_int_equal(ctr(m), 1);
    run_at(m, PC, enc_xl(XO_BCLR, 16, 0, 0, false));
    assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
    assert_int_equal(ctr(m), 0);

    /* BH hints (bits 19-20) do not change anything. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x3000);
    run_at(m, PC, enc_xl(XO_BCLR, 20, 0, 3, false));
    assert_taken(m, PC, 0x3000);
}

static void test_bcctr(void **state)
{
    test_machine *m = *state;
    /* bctr / bctrl. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_CTR, 0x2003);
    run_at(m, PC, enc_xl(XO_BCCTR, 20, 0, 0, true));
    assert_taken(m, PC, 0x2000);
    assert_int_equal(ctr(m), 0x2003);
    assert_int_equal(lr(m), PC + 4);

    /* beqctr taken and not taken. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_CTR, 0x2000);
    cpu_set_cr(m->cpu, 0x00000020); /* cr6.eq */
    run_at(m, PC, enc_xl(XO_BCCTR, 12, 26, 0, false));
    assert_taken(m, PC, 0x2000);
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_CTR, 0x2000);
    run_at(m, PC, enc_xl(XO_BCCTR, 12, 26, 0, true));
    assert_not_taken(m, PC);
    assert_int_equal(lr(m), PC + 4);
}

/* BO2=0 is an invalid form of bcctr; POWER8 and QEMU 7.2 test the old CTR, decrement it only if
 * that test passed, and branch to the old CTR. */
static void test_bcctr_test_and_decrement(void **state)
{
    test_machine *m = *state;
    const struct {
        unsigned bo, bi;
        uint32_t cr;
        uint64_t ctr_in, ctr_out, nip;
    } cases[] = {
        {16, 0, 0, 0x2000, 0x1fff, 0x2000},         /* CTR!=0: taken, decremented */
        {16, 0, 0, 1, 0, 0},                        /* old CTR 1 passes (bc would not branch) */
        {16, 0, 0, 0, 0, PC + 4},                   /* CTR==0 fails: not decremented */
        {18, 0, 0, 0x2000, 0x2000, PC + 4},         /* "branch if 0" fails: not decremented */
        {18, 0, 0, 0, ~0ull, 0},                    /* passes, decremented, target = old CTR */
        {0, 2, 0x20000000, 0x2000, 0x1fff, PC + 4}, /* CTR passes, CR fails: still decremented */
        {0, 2, 0, 0x2000, 0x1fff, 0x2000},
        {10, 2, 0x20000000, 0, ~0ull, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, cases[i].cr);
        cpu_set_spr(m->cpu, SPR_CTR, cases[i].ctr_in);
        run_at(m, PC, enc_xl(XO_BCCTR, cases[i].bo, cases[i].bi, 0, false));
        assert_int_equal(cpu_get_nip(m->cpu), cases[i].nip);
        assert_int_equal(ctr(m), cases[i].ctr_out);
    }
}

static void test_bctar(void **state)
{
    test_machine *m = *state;
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_TAR, 0x4002);
    run_at(m, PC, enc_xl(XO_BCTAR, 20, 0, 0, true)); /* bctarl */
    assert_taken(m, PC, 0x4000);
    assert_int_equal(lr(m), PC + 4);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_TAR), 0x4002);

    /* bctar decrements CTR like bc (it is not an invalid form here). */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_TAR, 0x4000);
    cpu_set_spr(m->cpu, SPR_CTR, 1);
    run_at(m, PC, enc_xl(XO_BCTAR, 16, 0, 0, false));
    assert_not_taken(m, PC);
    assert_int_equal(ctr(m), 0);
    run_at(m, PC, enc_xl(XO_BCTAR, 18, 0, 0, false)); /* bdz: CTR 0 -> -1, not taken */
    assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
    assert_int_equal(ctr(m), ~0ull);

    /* Condition on CR. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_TAR, 0x4000);
    cpu_set_cr(m->cpu, 0x80000000);
    run_at(m, PC, enc_xl(XO_BCTAR, 12, 0, 0, false));
    assert_taken(m, PC, 0x4000);
}

/* bctar from a guest needs HFSCR[TAR], from problem state FSCR[TAR] (ISA 2.07 Book III-S). */
static void test_bctar_facility_gates(void **state)
{
    test_machine *m = *state;
    const uint64_t fscr_tar = 1ull << 8, guest = MSR_SF | MSR_ME, user = guest | MSR_PR;
    const uint32_t word = enc_xl(XO_BCTAR, 20, 0, 0, true);

    /* Guest privileged, HFSCR[TAR]=0: Hypervisor Facility Unavailable, IC = 8. */
    reset_regs(m, guest);
    cpu_set_spr(m->cpu, SPR_HFSCR, 0x00ffffffffffffffull & ~fscr_tar);
    cpu_set_spr(m->cpu, SPR_TAR, 0x4000);
    run_at(m, PC, word);
    assert_int_equal(cpu_get_nip(m->cpu), 0xf80);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), PC);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), guest);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HFSCR) >> 56, 8);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HFSCR) & 0x00ffffffffffffffull,
                     0x00ffffffffffffffull & ~fscr_tar);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(lr(m), LR_UNSET);
    assert_int_equal(cfar(m), CFAR_UNSET);

    /* Guest privileged, HFSCR[TAR]=1: runs whatever FSCR says. */
    reset_regs(m, guest);
    cpu_set_spr(m->cpu, SPR_HFSCR, fscr_tar);
    cpu_set_spr(m->cpu, SPR_FSCR, 0);
    run_at(m, PC, word);
    assert_taken(m, PC, 0x4000);

    /* Problem state, FSCR[TAR]=0: Facility Unavailable, IC = 8, SRR0/SRR1. */
    reset_regs(m, user);
    cpu_set_spr(m->cpu, SPR_FSCR, 0xff00000000000000ull);
    run_at(m, PC, word);
    assert_int_equal(cpu_get_nip(m->cpu), 0xf60);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), PC);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), user);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_FSCR), 8ull << 56);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME);
    assert_int_equal(lr(m), LR_UNSET);

    /* Problem state with both enabled: runs. */
    reset_regs(m, user);
    cpu_set_spr(m->cpu, SPR_FSCR, fscr_tar);
    run_at(m, PC, word);
    assert_taken(m, PC, 0x4000);
    assert_int_equal(lr(m), PC + 4);

    /* The hypervisor ignores both registers. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_HFSCR, 0);
    cpu_set_spr(m->cpu, SPR_FSCR, 0);
    run_at(m, PC, word);
    assert_taken(m, PC, 0x4000);
}

/* ---- 32-bit mode ---- */

static void test_32bit_mode(void **state)
{
    test_machine *m = *state;
    const uint64_t msr32 = MSR_HV | MSR_ME;
    const uint64_t top = 0xfffffffcull;

    /* bl at the top of the 4 GiB space: LR and target wrap to 32 bits. */
    reset_regs(m, msr32);
    run_at(m, top, enc_b(8, false, true));
    assert_taken(m, top, 0x4);
    assert_int_equal(lr(m), 0);

    /* Backward relative branch below 0 and ba to a negative address wrap too. */
    reset_regs(m, msr32);
    run_at(m, 0x100, enc_b(-0x200, false, false));
    assert_taken(m, 0x100, 0xffffff00ull);
    reset_regs(m, msr32);
    run_at(m, 0x100, enc_bc(20, 0, -0x100, true, false));
    assert_taken(m, 0x100, 0xffffff00ull);

    /* Not-taken bc at the top falls through to 0. */
    reset_regs(m, msr32);
    run_at(m, top, enc_bc(12, 2, 0x40, false, true));
    assert_int_equal(cpu_get_nip(m->cpu), 0);
    assert_int_equal(lr(m), 0);
    assert_int_equal(cfar(m), CFAR_UNSET);

    /* The CTR test sees the low 32 bits; the decrement is 64-bit. */
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_CTR, 0x100000001ull);
    run_at(m, PC, enc_bc(16, 0, 0x40, false, false)); /* bdnz: low word becomes 0 */
    assert_not_taken(m, PC);
    assert_int_equal(ctr(m), 0x100000000ull);
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_CTR, 0x100000001ull);
    run_at(m, PC, enc_bc(18, 0, 0x40, false, false)); /* bdz */
    assert_taken(m, PC, PC + 0x40);
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_CTR, 0);
    run_at(m, PC, enc_bc(16, 0, 0x40, false, false));
    assert_taken(m, PC, PC + 0x40);
    assert_int_equal(ctr(m), ~0ull);

    /* Same CTR in 64-bit mode: the high word counts. */
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_CTR, 0x100000001ull);
    run_at(m, PC, enc_bc(16, 0, 0x40, false, false));
    assert_taken(m, PC, PC + 0x40);

    /* Register targets are truncated to 32 bits. */
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_LR, 0x0000000100002003ull);
    run_at(m, PC, enc_xl(XO_BCLR, 20, 0, 0, true));
    assert_taken(m, PC, 0x2000);
    assert_int_equal(lr(m), PC + 4);
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_CTR, 0xdeadbeef00001000ull);
    run_at(m, PC, enc_xl(XO_BCCTR, 20, 0, 0, false));
    assert_taken(m, PC, 0x1000);
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_TAR, 0xffffffff00003000ull);
    run_at(m, PC, enc_xl(XO_BCTAR, 20, 0, 0, false));
    assert_taken(m, PC, 0x3000);

    /* bcctr test-and-decrement also tests the low word of the old CTR. */
    reset_regs(m, msr32);
    cpu_set_spr(m->cpu, SPR_CTR, 0x100000000ull);
    run_at(m, PC, enc_xl(XO_BCCTR, 16, 0, 0, false));
    assert_not_taken(m, PC);
    assert_int_equal(ctr(m), 0x100000000ull);
}

/* ---- CFAR ---- */

static void test_cfar_only_on_taken(void **state)
{
    test_machine *m = *state;
    /* A taken branch records its own address; the next not-taken one leaves it. */
    reset_regs(m, MSR_HV64);
    tm_poke(m, PC, (uint32_t[]){enc_b(0x100, false, false)}, 1);
    tm_poke(m, PC + 0x100, (uint32_t[]){enc_bc(12, 2, 0x40, false, false)}, 1);
    tm_poke(m, PC + 0x104, (uint32_t[]){enc_xl(XO_BCLR, 20, 0, 0, false)}, 1);
    cpu_set_spr(m->cpu, SPR_LR, PC + 0x200);
    cpu_set_nip(m->cpu, PC);
    cpu_step(m->cpu);
    assert_int_equal(cfar(m), PC);
    cpu_step(m->cpu); /* beq not taken */
    assert_int_equal(cpu_get_nip(m->cpu), PC + 0x104);
    assert_int_equal(cfar(m), PC);
    cpu_step(m->cpu); /* blr taken */
    assert_int_equal(cpu_get_nip(m->cpu), PC + 0x200);
    assert_int_equal(cfar(m), PC + 0x104);

    /* Not-taken bclr/bcctr/bctar leave CFAR, even when they decrement CTR or set LR. */
    const uint32_t not_taken[] = {
        enc_xl(XO_BCLR, 12, 2, 0, true),
        enc_xl(XO_BCCTR, 4, 2, 0, true), /* bnectrl with CR0.EQ set */
        enc_xl(XO_BCTAR, 16, 0, 0, false),
    };
    for (size_t i = 0; i < 3; i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, i == 1 ? 0x20000000 : 0);
        cpu_set_spr(m->cpu, SPR_CTR, 1);
        run_at(m, PC, not_taken[i]);
        assert_not_taken(m, PC);
    }

    /* CR logicals and CR moves do not touch CFAR. */
    reset_regs(m, MSR_HV64);
    run_at(m, PC, enc_xl(XO_CROR, 0, 1, 2, false));
    assert_not_taken(m, PC);
}

/* ---- CR logical ---- */

static void test_cr_logical_truth_tables(void **state)
{
    test_machine *m = *state;
    /* Result for (a,b) = (0,0), (0,1), (1,0), (1,1). */
    const struct {
        unsigned xo;
        unsigned char result[4];
    } ops[] = {
        {XO_CRAND, {0, 0, 0, 1}},  {XO_CRANDC, {0, 0, 1, 0}}, {XO_CREQV, {1, 0, 0, 1}},
        {XO_CRNAND, {1, 1, 1, 0}}, {XO_CRNOR, {1, 0, 0, 0}},  {XO_CROR, {0, 1, 1, 1}},
        {XO_CRORC, {1, 0, 1, 1}},  {XO_CRXOR, {0, 1, 1, 0}},
    };
    /* Operand triples (BT, BA, BB) spread over fields, including BT equal to an input. */
    const unsigned operands[][3] = {{30, 5, 18}, {0, 31, 16}, {13, 13, 2}, {7, 9, 7}};
    const uint32_t backgrounds[] = {0x00000000, 0xffffffff, 0xa5a55a5a};
    for (size_t op = 0; op < 8; op++) {
        for (size_t o = 0; o < 4; o++) {
            unsigned bt = operands[o][0], ba = operands[o][1], bb = operands[o][2];
            for (unsigned in = 0; in < 4; in++) {
                unsigned a = in >> 1, b = in & 1;
                for (size_t g = 0; g < 3; g++) {
                    uint32_t cr = backgrounds[g];
                    cr = (cr & ~(1u << (31 - ba))) | (a << (31 - ba));
                    cr = (cr & ~(1u << (31 - bb))) | (b << (31 - bb));
                    if (((cr >> (31 - ba)) & 1) != a) continue; /* BA == BB with a != b */
                    uint32_t expect =
                        (cr & ~(1u << (31 - bt))) | ((uint32_t)ops[op].result[in] << (31 - bt));
                    reset_regs(m, MSR_HV64);
                    cpu_set_cr(m->cpu, cr);
                    run_at(m, PC, enc_xl(ops[op].xo, bt, ba, bb, false));
                    assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
                    assert_int_equal(cpu_get_cr(m->cpu), expect);
                }
            }
        }
    }
    /* The idioms: crclr (crxor x,x,x) and crset (creqv x,x,x). */
    reset_regs(m, MSR_HV64);
    cpu_set_cr(m->cpu, 0xffffffff);
    run_at(m, PC, enc_xl(XO_CRXOR, 6, 6, 6, false));
    assert_int_equal(cpu_get_cr(m->cpu), 0xfdffffff);
    run_at(m, PC, enc_xl(XO_CREQV, 6, 6, 6, false));
    assert_int_equal(cpu_get_cr(m->cpu), 0xffffffff);
}

static void test_mcrf(void **state)
{
    test_machine *m = *state;
    const struct {
        unsigned bf, bfa;
        uint32_t out;
    } cases[] = {
        {7, 0, 0x12345671}, {0, 7, 0x82345678}, {3, 6, 0x12375678},
        {5, 5, 0x12345678}, {1, 2, 0x13345678},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, 0x12345678);
        run_at(m, PC, enc_mcrf(cases[i].bf, cases[i].bfa));
        assert_int_equal(cpu_get_cr(m->cpu), cases[i].out);
        assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
    }
}

/* ---- CR moves ---- */

static void test_mfcr_mfocrf(void **state)
{
    test_machine *m = *state;
    reset_regs(m, MSR_HV64);
    cpu_set_cr(m->cpu, 0x80000001);
    cpu_set_gpr(m->cpu, 5, ~0ull);
    run_at(m, PC, enc_crmove(XO_MFCR, false, 5, 0));
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0x80000001ull); /* zero-extended */

    const struct {
        unsigned fxm;
        uint64_t out;
    } cases[] = {
        {0x80, 0xf0000000ull},
        {0x40, 0x0e000000ull},
        {0x20, 0x00b00000ull},
        {0x10, 0x00000000ull}, /* an all-zero field still clears RT */
        {0x08, 0x0000c000ull},
        {0x02, 0x000000d0ull},
        {0x01, 0x00000001ull},
        /* No field or several: RT is left as it was (QEMU 7.2). */
        {0x00, 0x5555555555555555ull},
        {0x81, 0x5555555555555555ull},
        {0xff, 0x5555555555555555ull},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, 0xfeb0c0d1);
        cpu_set_gpr(m->cpu, 7, 0x5555555555555555ull);
        run_at(m, PC, enc_crmove(XO_MFCR, true, 7, cases[i].fxm));
        assert_int_equal(cpu_get_gpr(m->cpu, 7), cases[i].out);
        assert_int_equal(cpu_get_cr(m->cpu), 0xfeb0c0d1);
    }
}

static void test_mtcrf_mtocrf(void **state)
{
    test_machine *m = *state;
    const uint64_t rs = 0xdeadbeef89abcdefull; /* the high word must be ignored */
    const struct {
        bool one;
        unsigned fxm;
        uint32_t out;
    } cases[] = {
        {false, 0xff, 0x89abcdef},
        {false, 0x00, 0x01234567},
        {false, 0x81, 0x8123456f},
        {false, 0x3c, 0x01abcd67},
        {false, 0x80, 0x81234567},
        {true, 0x80, 0x81234567},
        {true, 0x01, 0x0123456f},
        {true, 0x20, 0x01a34567},
        /* mtocrf with no field or several: CR unchanged (QEMU 7.2). */
        {true, 0x00, 0x01234567},
        {true, 0x03, 0x01234567},
        {true, 0xff, 0x01234567},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, 0x01234567);
        cpu_set_gpr(m->cpu, 9, rs);
        run_at(m, PC, enc_crmove(XO_MTCRF, cases[i].one, 9, cases[i].fxm));
        assert_int_equal(cpu_get_cr(m->cpu), cases[i].out);
        assert_int_equal(cpu_get_gpr(m->cpu, 9), rs);
        assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
    }
}

/* ---- Invalid forms ---- */

static void test_reserved_bits_raise_hea(void **state)
{
    test_machine *m = *state;
    const uint32_t words[] = {
        enc_xl(XO_CRAND, 1, 2, 3, false) | 1, /* CR logical bit 31 */
        enc_xl(XO_CRXOR, 6, 6, 6, false) | 1,
        enc_mcrf(1, 2) | 1,                                  /* mcrf bit 31 */
        enc_mcrf(1, 2) | 1u << (31 - 25),                    /* XO 32: no such instruction */
        enc_xl(XO_BCTAR, 20, 0, 0, false) | 1u << (31 - 17), /* bctar bits 16-18 */
        enc_crmove(XO_MFCR, false, 3, 0) | 1u << (31 - 20),  /* mfcr bit 20 */
        enc_crmove(XO_MFCR, false, 3, 0) | 1,
        enc_crmove(XO_MFCR, true, 3, 0x80) | 1u << (31 - 20), /* mfocrf bit 20 */
        enc_crmove(XO_MFCR, true, 3, 0x80) | 1,
        enc_crmove(XO_MTCRF, false, 3, 0xff) | 1u << (31 - 20), /* mtcrf bit 20, 31 */
        enc_crmove(XO_MTCRF, false, 3, 0xff) | 1,
        enc_crmove(XO_MTCRF, true, 3, 0x80) | 1,
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        assert_hea(m, words[i]);

    /* Reserved fields QEMU 7.2 ignores (ISA Book I 1.3.3: the processor ignores them): mcrf
     * bits 9-10 and 14-20, bclr/bcctr bits 16-18, mfcr bits 12-19.  The word executes. */
    const unsigned mcrf_bits[] = {9, 10, 14, 20};
    for (size_t i = 0; i < sizeof(mcrf_bits) / sizeof(mcrf_bits[0]); i++) {
        reset_regs(m, MSR_HV64);
        cpu_set_cr(m->cpu, 0x00500000);
        run_at(m, PC, enc_mcrf(1, 2) | 1u << (31 - mcrf_bits[i]));
        assert_int_equal(cpu_get_cr(m->cpu), 0x05500000);
        assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
    }
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_LR, 0x20000);
    run_at(m, PC, enc_xl(XO_BCLR, 20, 0, 0, false) | 1u << (31 - 16));
    assert_taken(m, PC, 0x20000);
    reset_regs(m, MSR_HV64);
    cpu_set_spr(m->cpu, SPR_CTR, 0x30000);
    run_at(m, PC, enc_xl(XO_BCCTR, 20, 0, 0, true) | 1u << (31 - 18));
    assert_taken(m, PC, 0x30000);
    assert_int_equal(lr(m), PC + 4);
    reset_regs(m, MSR_HV64);
    cpu_set_cr(m->cpu, 0x12345678);
    run_at(m, PC, enc_crmove(XO_MFCR, false, 3, 0) | 1u << (31 - 12));
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x12345678);
    assert_int_equal(cpu_get_nip(m->cpu), PC + 4);
}

/* The encodings decode to the intended rows and print with their LK/AA spellings. */
static void test_disassembly(void **state)
{
    const struct {
        uint32_t word;
        const char *text;
    } cases[] = {
        {enc_bc(12, 2, 0x40, false, true), "bcl     12,2,0x10040"},
        {enc_bc(16, 0, -0x8000, true, true), "bcla    16,0,0xffffffffffff8000"},
        {enc_xl(XO_BCLR, 20, 0, 0, true), "bclrl   20,0,0"},
        {enc_xl(XO_BCCTR, 12, 3, 3, false), "bcctr   12,3,3"},
        {enc_xl(XO_BCTAR, 4, 30, 0, true), "bctarl  4,30,0"},
        {enc_xl(XO_CRORC, 1, 2, 3, false), "crorc   1,2,3"},
        {enc_mcrf(7, 1), "mcrf    cr7,cr1"},
        {enc_crmove(XO_MFCR, false, 3, 0), "mfcr    r3"},
        {enc_crmove(XO_MFCR, true, 3, 0x20), "mfocrf  r3,0x20"},
        {enc_crmove(XO_MTCRF, false, 4, 0xff), "mtcrf   0xff,r4"},
        {enc_crmove(XO_MTCRF, true, 4, 0x01), "mtocrf  0x1,r4"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        assert_int_not_equal(insn_disasm(cases[i].word, PC, buf, sizeof(buf)), INSN_ILLEGAL);
        assert_string_equal(buf, cases[i].text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_b_relative_absolute_and_link, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bc_every_bo, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bc_named_forms, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bc_absolute_and_negative, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bclr, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bcctr, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bcctr_test_and_decrement, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bctar, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_bctar_facility_gates, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_32bit_mode, setup_4g, tm_teardown),
        cmocka_unit_test_setup_teardown(test_cfar_only_on_taken, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_cr_logical_truth_tables, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_mcrf, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_mfcr_mfocrf, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_mtcrf_mtocrf, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_reserved_bits_raise_hea, tm_setup, tm_teardown),
        cmocka_unit_test(test_disassembly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
