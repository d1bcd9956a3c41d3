/* Interrupt delivery: vector, SRR0/SRR1 (or HSRR0/HSRR1), the new MSR of every interrupt, sc
 * LEV 0/1 from each state, HEA with HEIR, machine check and checkstop, interrupt endianness
 * and LPCR[AIL]. */
#include "test_system_encode.h"

#define MSR_GUEST_RUN (MSR_SF | MSR_ME | MSR_EE | MSR_RI | MSR_FP)
#define MSR_USER      (MSR_SF | MSR_ME | MSR_PR | MSR_EE | MSR_IR | MSR_DR | MSR_RI)

static void assert_delivered(test_machine *m, uint64_t vector, bool hsrr, uint64_t srr0,
                             uint64_t srr1, uint64_t new_msr)
{
    assert_int_equal(cpu_get_nip(m->cpu), vector);
    assert_int_equal(m->cpu->spr[hsrr ? SPR_HSRR0 : SPR_SRR0], srr0);
    assert_int_equal(m->cpu->spr[hsrr ? SPR_HSRR1 : SPR_SRR1], srr1);
    assert_int_equal(cpu_get_msr(m->cpu), new_msr);
}

/* ---- sc ---- */

static void test_sc_from_guest_supervisor(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    tm_run_words(m, 0x1000, (uint32_t[]){W_SC0}, 1, 1);
    assert_delivered(m, 0xc00, false, 0x1004, MSR_GUEST_RUN, MSR_SF | MSR_ME);
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    m->cpu->spr[SPR_HSRR0] = 0x4242;
    tm_run_words(m, 0x1000, (uint32_t[]){W_SC1}, 1, 1);
    assert_delivered(m, 0xc00, false, 0x1004, MSR_GUEST_RUN, MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(m->cpu->spr[SPR_HSRR0], 0x4242); /* LEV=1 still uses SRR0/1 */
}

static void test_sc_from_problem_state(void **state)
{
    test_machine *m = *state;
    for (unsigned lev = 0; lev <= 1; lev++) {
        cpu_set_msr(m->cpu, MSR_USER);
        cpu_set_nip(m->cpu, 0x7000);
        tm_exec_word(m, lev ? W_SC1 : W_SC0);
        assert_delivered(m, 0xc00, false, 0x7004, MSR_USER, MSR_SF | MSR_ME | (lev ? MSR_HV : 0));
    }
}

static void test_sc_from_hypervisor(void **state)
{
    test_machine *m = *state;
    for (unsigned lev = 0; lev <= 1; lev++) {
        cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME | MSR_RI);
        tm_run_words(m, 0x2000, (uint32_t[]){W_NOP, lev ? W_SC1 : W_SC0}, 2, 2);
        assert_delivered(m, 0xc00, false, 0x2008, MSR_SF | MSR_HV | MSR_ME | MSR_RI,
                         MSR_SF | MSR_HV | MSR_ME);
    }
}

static void test_sc_in_32bit_mode_and_srr1_mask(void **state)
{
    test_machine *m = *state;
    /* SRR1 bits 33:36 and 42:47 are cleared (MSR[ILE], bit 16 LSB-0, is among them). */
    cpu_set_msr(m->cpu, MSR_ME | MSR_ILE);
    tm_run_words(m, 0x3000, (uint32_t[]){W_SC0}, 1, 1);
    assert_delivered(m, 0xc00, false, 0x3004, MSR_ME, MSR_SF | MSR_ME);
}

/* ---- Every vector through the delivery function ---- */

static void test_every_vector_srr_and_msr(void **state)
{
    test_machine *m = *state;
    const struct {
        ppc_vector vector;
        bool hsrr;
        uint64_t srr1_bits;
    } cases[] = {
        {VEC_SYSTEM_RESET, false, 0},
        {VEC_DSI, false, 0},
        {VEC_ISI, false, 0x40000000ull},
        {VEC_DSEG, false, 0},
        {VEC_ISEG, false, 0},
        {VEC_ALIGNMENT, false, 0},
        {VEC_PROGRAM, false, SRR1_PROGRAM_TRAP},
        {VEC_FP_UNAVAILABLE, false, 0},
        {VEC_DECREMENTER, false, 0},
        {VEC_TRACE, false, 0},
        {VEC_VMX_UNAVAILABLE, false, 0},
        {VEC_VSX_UNAVAILABLE, false, 0},
        {VEC_FAC_UNAVAILABLE, false, 0},
        {VEC_HV_DECREMENTER, true, 0},
        {VEC_HDSI, true, 0},
        {VEC_HISI, true, 0x40000000ull},
        {VEC_HEA, true, 0},
        {VEC_HMI, true, 0},
        {VEC_HV_DOORBELL, true, 0},
        {VEC_HV_FAC_UNAVAILABLE, true, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cpu_set_msr(m->cpu, MSR_GUEST_RUN);
        cpu_set_nip(m->cpu, 0x1230);
        m->cpu->reserve_valid = true;
        cpu_interrupt(m->cpu, cases[i].vector, 0x1230, cases[i].srr1_bits);
        uint64_t hv = (cases[i].hsrr || cases[i].vector == VEC_SYSTEM_RESET) ? MSR_HV : 0;
        uint64_t ri = cases[i].hsrr ? MSR_RI : 0; /* only HSRR interrupts keep RI */
        assert_delivered(m, cases[i].vector, cases[i].hsrr, 0x1230,
                         MSR_GUEST_RUN | cases[i].srr1_bits, MSR_SF | MSR_ME | hv | ri);
        assert_false(m->cpu->reserve_valid);
    }
}

static void test_external_routing_by_lpes0(void **state)
{
    test_machine *m = *state;
    m->cpu->spr[SPR_LPCR] = 0; /* LPES0=0: to the hypervisor */
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_interrupt(m->cpu, VEC_EXTERNAL, 0x1000, 0);
    assert_delivered(m, 0x500, true, 0x1000, MSR_GUEST_RUN, MSR_SF | MSR_HV | MSR_ME | MSR_RI);
    m->cpu->spr[SPR_LPCR] = LPCR_LPES0;
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_interrupt(m->cpu, VEC_EXTERNAL, 0x1000, 0);
    assert_delivered(m, 0x500, false, 0x1000, MSR_GUEST_RUN, MSR_SF | MSR_ME);
}

static void test_machine_check(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_interrupt(m->cpu, VEC_MACHINE_CHECK, 0x1000, 0);
    assert_delivered(m, 0x200, false, 0x1000, MSR_GUEST_RUN, MSR_SF | MSR_HV);
    assert_false(m->cpu->stop_requested);
    /* ME=0: checkstop. */
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV);
    cpu_interrupt(m->cpu, VEC_MACHINE_CHECK, 0x2000, 0);
    assert_true(m->cpu->stop_requested);
    assert_int_equal(m->cpu->exit_reason, CPU_EXIT_CHECKSTOP);
    assert_non_null(strstr(cpu_exit_detail(m->cpu), "checkstop"));
}

static void test_illegal_is_hea_with_heir(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    tm_run_words(m, 0x1000, (uint32_t[]){W_NOP, 0x00000200u /* attn */}, 2, 2);
    assert_delivered(m, 0xe40, true, 0x1004, MSR_GUEST_RUN, MSR_SF | MSR_HV | MSR_ME | MSR_RI);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), 0x00000200u);
    /* A reserved bit set (mfmsr with RA != 0) is an invalid form: HEA too. */
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME);
    tm_run_words(m, 0x1000, (uint32_t[]){w_mfmsr(3) | (1u << 16)}, 1, 1);
    assert_int_equal(cpu_get_nip(m->cpu), 0xe40);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), w_mfmsr(3) | (1u << 16));
}

static void test_interrupt_endianness(void **state)
{
    test_machine *m = *state;
    m->cpu->spr[SPR_LPCR] = LPCR_ILE | LPCR_LPES0;
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_system_call(m->cpu, 0);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME | MSR_LE);
    /* Hypervisor interrupts follow HID0[HILE], not LPCR[ILE]. */
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_system_call(m->cpu, 1);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
    m->cpu->spr[SPR_HID0] = 1ull << (63 - 19);
    cpu_set_msr(m->cpu, MSR_GUEST_RUN);
    cpu_system_call(m->cpu, 1);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME | MSR_LE);
}

static void test_alternate_interrupt_location(void **state)
{
    test_machine *m = *state;
    uint64_t relocated = MSR_GUEST_RUN | MSR_IR | MSR_DR;
    m->cpu->spr[SPR_LPCR] = LPCR_LPES0 | (3ull << LPCR_AIL_SHIFT);
    cpu_set_msr(m->cpu, relocated);
    cpu_system_call(m->cpu, 0);
    assert_int_equal(cpu_get_nip(m->cpu), 0xc000000000004c00ull);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_ME | MSR_IR | MSR_DR);
    /* HV 0->1 never uses AIL on POWER8. */
    cpu_set_msr(m->cpu, relocated);
    cpu_system_call(m->cpu, 1);
    assert_int_equal(cpu_get_nip(m->cpu), 0xc00);
    /* IR=0: no AIL; AIL=2: 0x18000. */
    cpu_set_msr(m->cpu, MSR_GUEST_RUN | MSR_DR);
    cpu_interrupt(m->cpu, VEC_PROGRAM, 0x1000, 0);
    assert_int_equal(cpu_get_nip(m->cpu), 0x700);
    m->cpu->spr[SPR_LPCR] = LPCR_LPES0 | (2ull << LPCR_AIL_SHIFT);
    cpu_set_msr(m->cpu, relocated);
    cpu_interrupt(m->cpu, VEC_PROGRAM, 0x1000, 0);
    assert_int_equal(cpu_get_nip(m->cpu), 0x18700);
    /* Machine check ignores AIL. */
    cpu_set_msr(m->cpu, relocated);
    cpu_interrupt(m->cpu, VEC_MACHINE_CHECK, 0x1000, 0);
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tsys_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_sc_from_guest_supervisor),
        T(test_sc_from_problem_state),
        T(test_sc_from_hypervisor),
        T(test_sc_in_32bit_mode_and_srr1_mask),
        T(test_every_vector_srr_and_msr),
        T(test_external_routing_by_lpes0),
        T(test_machine_check),
        T(test_illegal_is_hea_with_heir),
        T(test_interrupt_endianness),
        T(test_alternate_interrupt_location),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
