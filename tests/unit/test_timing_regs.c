/* timing_insn_regs(): the registers each representative row reads and writes. */
#include "test_timing_encode.h"

#define R(n)    (1u << (n))
#define CR(n)   (1u << (TIMING_RES_CR0 + (n)))
#define LR      (1u << TIMING_RES_LR)
#define CTR     (1u << TIMING_RES_CTR)
#define XER     (1u << TIMING_RES_XER)
#define MSR_RES (1u << TIMING_RES_MSR)

static timing_regs regs_of(uint32_t word)
{
    ppc_insn insn;
    insn_decode(word, &insn);
    assert_int_not_equal(insn.id, INSN_ILLEGAL);
    timing_regs r;
    timing_insn_regs(&insn, &r);
    return r;
}

static void expect(uint32_t word, uint32_t gpr_read, uint32_t gpr_write, unsigned other_read,
                   unsigned other_write)
{
    timing_regs r = regs_of(word);
    assert_int_equal(r.gpr_read, gpr_read);
    assert_int_equal(r.gpr_write, gpr_write);
    assert_int_equal(r.other_read, other_read);
    assert_int_equal(r.other_write, other_write);
}

static void test_fixed_point(void **state)
{
    expect(T_ADD(3, 4, 5), R(4) | R(5), R(3), 0, 0);
    expect(T_ADD(3, 4, 5) | 1u, R(4) | R(5), R(3), 0, CR(0));       /* add. */
    expect(T_ADD(3, 4, 5) | 1u << 10, R(4) | R(5), R(3), XER, XER); /* addo */
    expect(T_ADDI(3, 0, 1), 0, R(3), 0, 0);                         /* li: ra0 = 0 */
    expect(T_ADDI(3, 1, 1), R(1), R(3), 0, 0);
    expect(T_ADDIC(3, 4, 1), R(4), R(3), 0, XER);             /* carry out */
    expect(T_ADDE(3, 4, 5), R(4) | R(5), R(3), XER, XER);     /* carry in and out */
    expect(T_OR(3, 4, 5), R(4) | R(5), R(3), 0, 0);           /* "ra,rs,rb": RA target */
    expect(T_ORI(0, 0, 0), R(0), R(0), 0, 0);                 /* nop */
    expect(T_RLWIMI(3, 4, 8, 0, 7), R(3) | R(4), R(3), 0, 0); /* insert reads RA */
    expect(T_SRAWI(3, 4, 2), R(4), R(3), 0, XER);
    expect(T_CMPW(7, 3, 4), R(3) | R(4), 0, 0, CR(7));
    expect(T_ISEL(3, 0, 5, 6), R(5), R(3), CR(1), 0); /* bc=6: CR1 */
    expect(T_MFVSRD(3, 0), 0, R(3), 0, 0);            /* VSRs not tracked */

    timing_regs r = regs_of(T_ADD(3, 4, 5) | 1u);
    assert_int_equal(r.cr_record, CR(0));
}

static void test_load_store(void **state)
{
    expect(T_LWZ(3, 4, 8), R(4), R(3), 0, 0);
    expect(T_LWZ(3, 0, 8), 0, R(3), 0, 0);
    expect(T_LWZU(3, 4, 8), R(4), R(3) | R(4), 0, 0);
    timing_regs r = regs_of(T_LWZU(3, 4, 8));
    assert_int_equal(r.gpr_update, R(4));
    expect(T_STW(3, 4, 8), R(3) | R(4), 0, 0, 0);
    expect(T_STWU(3, 4, 8), R(3) | R(4), R(4), 0, 0);
    expect(T_STWCX(3, 4, 5), R(3) | R(4) | R(5), 0, 0, CR(0));
    r = regs_of(T_STWCX(3, 4, 5));
    assert_int_equal(r.cr_record, 0); /* CR0 is stcx.'s result, not a record */
    expect(T_LMW(29, 1, 0), R(1), R(29) | R(30) | R(31), 0, 0);
    expect(T_LFD(1, 3, 8), R(3), 0, 0, 0); /* FPRs not tracked */
}

static void test_branch_and_cr(void **state)
{
    expect(T_BC(12, 2, 8), 0, 0, CR(0), 0);             /* beq */
    expect(T_BC(12, 30, 8), 0, 0, CR(7), 0);            /* beq cr7 */
    expect(T_BC(T_BO_DNZ, 0, -4), 0, 0, CTR, CTR);      /* bdnz: no CR */
    expect(T_BC(T_BO_ALWAYS, 31, 4) | 1u, 0, 0, 0, LR); /* bcl 20,31,$+4 */
    expect(T_BL(0x100), 0, 0, 0, LR);
    expect(T_B(0x100), 0, 0, 0, 0);
    expect(T_BLR, 0, 0, LR, 0);
    expect(T_BCTRL, 0, 0, CTR, LR);
    expect(T_MTCRF(0x81, 3), R(3), 0, 0, CR(0) | CR(7));
    expect(T_MFOCRF(3, 0x20), 0, R(3), CR(2), 0);
    expect(T_MFCR(3), 0, R(3), TIMING_RES_CR_ALL, 0);
    expect(T_CRXOR(6, 6, 6), 0, 0, CR(1), CR(1)); /* crclr 4*cr1+eq */
    expect(T_CRXOR(0, 9, 31), 0, 0, CR(0) | CR(2) | CR(7), CR(0));
}

static void test_spr_and_msr(void **state)
{
    expect(w_mtspr(SPR_LR, 3), R(3), 0, 0, LR);
    expect(w_mfspr(3, SPR_CTR), 0, R(3), CTR, 0);
    expect(w_mtspr(SPR_XER, 3), R(3), 0, 0, XER);
    timing_regs r = regs_of(w_mtspr(SPR_SRR0, 3));
    assert_int_equal(r.spr_write, SPR_SRR0);
    r = regs_of(w_mfspr(4, SPR_HSRR1));
    assert_int_equal(r.spr_read[0], SPR_HSRR1);
    assert_int_equal(r.gpr_write, R(4));
    expect(w_mtmsrd(5, 1), R(5), 0, 0, MSR_RES);
    expect(w_mfmsr(5), 0, R(5), MSR_RES, 0);
    r = regs_of(W_HRFID);
    assert_int_equal(r.spr_read[0], SPR_HSRR0);
    assert_int_equal(r.spr_read[1], SPR_HSRR1);
    assert_int_equal(r.other_write, MSR_RES);
}

static void test_effective_class(void **state)
{
    ppc_insn insn;
    insn_decode(w_mtspr(SPR_LR, 3), &insn);
    assert_int_equal(timing_effective_class(&insn), TIMING_MTJMPR);
    insn_decode(w_mfspr(3, SPR_CTR), &insn);
    assert_int_equal(timing_effective_class(&insn), TIMING_MFJMPR);
    insn_decode(w_mtspr(SPR_SRR0, 3), &insn);
    assert_int_equal(timing_effective_class(&insn), TIMING_MTSPR);
    insn_decode(T_ADD(3, 4, 5), &insn);
    assert_int_equal(timing_effective_class(&insn), TIMING_ALU);
}

/* Every row derives without touching anything outside the masks (a smoke test over the table:
 * no row may name a GPR it does not have). */
static void test_every_row(void **state)
{
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        ppc_insn insn;
        insn_decode(insn_table[id].match, &insn);
        timing_regs r;
        timing_insn_regs(&insn, &r);
        assert_true((r.other_read | r.other_write) < (1u << 13));
        assert_true((r.gpr_update & ~r.gpr_write) == 0);
        assert_true((r.cr_record & ~r.other_write) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_point),     cmocka_unit_test(test_load_store),
        cmocka_unit_test(test_branch_and_cr),   cmocka_unit_test(test_spr_and_msr),
        cmocka_unit_test(test_effective_class), cmocka_unit_test(test_every_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
