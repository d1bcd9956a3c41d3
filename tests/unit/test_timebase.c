/* Time: TB at 1/8 of the executed cycles, DEC (level, MSR[EE]) and HDEC (edge, LPCR[HDICE],
 * MSR[EE] or guest state) delivered at deterministic instruction boundaries. */
#include "test_system_encode.h"

#define MSR_HVRUN (MSR_SF | MSR_HV | MSR_ME)

static void fill_nops(test_machine *m, uint64_t pa, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tm_poke(m, pa + 4 * i, (uint32_t[]){W_NOP}, 1);
}

/* `b .` at the timer vectors, so a delivered interrupt parks there. */
static void park_vectors(test_machine *m)
{
    tm_poke(m, VEC_DECREMENTER, (uint32_t[]){0x48000000u}, 1);
    tm_poke(m, VEC_HV_DECREMENTER, (uint32_t[]){0x48000000u}, 1);
}

static void test_tb_is_cycles_over_8_and_monotonic(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVRUN);
    fill_nops(m, 0x1000, 200);
    uint64_t prev = 0;
    for (int i = 0; i < 20; i++) {
        cpu_set_nip(m->cpu, 0x1000);
        cpu_run(m->cpu, 13);
        uint64_t tb = cpu_get_spr(m->cpu, SPR_TBL);
        assert_int_equal(tb, cpu_get_cycles(m->cpu) / 8);
        assert_true(tb >= prev);
        prev = tb;
    }
    assert_true(prev > 0);
}

/* DEC written with N becomes negative after N+1 TB ticks; with EE=1 the interrupt comes at the
 * first instruction boundary at or after that cycle. */
static void test_dec_interrupt_after_n(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVRUN | MSR_EE);
    fill_nops(m, 0x1008, 200);
    park_vectors(m);
    tm_poke(m, 0x1000, (uint32_t[]){w_li(3, 4), w_mtspr(SPR_DEC, 3)}, 2);
    cpu_set_nip(m->cpu, 0x1000);
    uint64_t start = cpu_get_cycles(m->cpu);
    cpu_run(m->cpu, 100);
    /* mtspr executes at cycle start+1; DEC < 0 from TB tick (start+1)/8 + 5. */
    uint64_t due = ((start + 1) / 8 + 5) * 8;
    uint64_t insns_before_interrupt = due - start;
    assert_int_equal(m->cpu->spr[SPR_SRR0], 0x1000 + 4 * insns_before_interrupt);
    assert_int_equal(m->cpu->spr[SPR_SRR1], MSR_HVRUN | MSR_EE);
    assert_int_equal(cpu_get_nip(m->cpu), 0x900);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_HVRUN);
}

static void test_dec_masked_by_ee_then_taken_after_mtmsrd(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVRUN);
    cpu_set_dec(m->cpu, 2);
    fill_nops(m, 0x1000, 64);
    cpu_set_nip(m->cpu, 0x1000);
    cpu_run(m->cpu, 40);
    assert_int_equal(cpu_get_nip(m->cpu), 0x1000 + 4 * 40); /* no interrupt with EE=0 */
    assert_true(cpu_dec(m->cpu) & 0x80000000u);
    cpu_set_gpr(m->cpu, 3, MSR_EE);
    tm_poke(m, 0x1000 + 4 * 40, (uint32_t[]){w_mtmsrd(3, 1)}, 1);
    cpu_run(m->cpu, 1);
    cpu_run(m->cpu, 1); /* the interrupt is taken before the next instruction */
    assert_int_equal(m->cpu->spr[SPR_SRR0], 0x1000 + 4 * 41);
    assert_int_equal(m->cpu->spr[SPR_SRR1], MSR_HVRUN | MSR_EE);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_HVRUN);
}

/* HDEC: with HDICE=1 it is masked in hypervisor state while EE=0 and taken as soon as the thread
 * enters the guest (hrfid), once. */
static void test_hdec_edge_hdice_and_guest(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HVRUN);
    m->cpu->spr[SPR_LPCR] |= LPCR_HDICE;
    cpu_set_hdec(m->cpu, 3);
    fill_nops(m, 0x1000, 64);
    fill_nops(m, 0x5000, 64);
    park_vectors(m);
    cpu_set_nip(m->cpu, 0x1000);
    cpu_run(m->cpu, 50);
    assert_int_equal(cpu_get_nip(m->cpu), 0x1000 + 4 * 50);
    assert_true(m->cpu->hdec_pending);
    m->cpu->spr[SPR_HSRR0] = 0x5000;
    m->cpu->spr[SPR_HSRR1] = MSR_SF | MSR_ME;
    tm_poke(m, 0x1000 + 4 * 50, (uint32_t[]){W_HRFID}, 1);
    cpu_run(m->cpu, 1);
    cpu_run(m->cpu, 1);
    assert_int_equal(m->cpu->spr[SPR_HSRR0], 0x5000);
    assert_int_equal(m->cpu->spr[SPR_HSRR1], MSR_SF | MSR_ME);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(cpu_get_nip(m->cpu), 0x980);
    /* Consumed: back in the guest, no second HDEC interrupt. */
    m->cpu->spr[SPR_HSRR0] = 0x5000;
    m->cpu->spr[SPR_HSRR1] = MSR_SF | MSR_ME;
    tm_poke(m, 0x2000, (uint32_t[]){W_HRFID}, 1);
    cpu_set_nip(m->cpu, 0x2000);
    cpu_run(m->cpu, 10);
    assert_int_equal(cpu_get_nip(m->cpu), 0x5000 + 4 * 9);
}

static void test_hdec_needs_hdice_and_reset_value_is_quiet(void **state)
{
    test_machine *m = *state;
    fill_nops(m, 0x5000, 64);
    /* Guest state, HDICE=0: the edge is latched but not delivered. */
    cpu_set_msr(m->cpu, MSR_SF | MSR_ME | MSR_EE);
    cpu_set_hdec(m->cpu, 1);
    cpu_set_nip(m->cpu, 0x5000);
    cpu_run(m->cpu, 40);
    assert_int_equal(cpu_get_nip(m->cpu), 0x5000 + 4 * 40);
    /* Writing a non-negative HDEC withdraws it; the reset HDEC (already negative) never
     * interrupts even with HDICE=1, as on QEMU 7.2. */
    cpu_set_hdec(m->cpu, 0x10000);
    cpu_set_hdec(m->cpu, 0xffffffffu); /* mtspr 0 -> 1 edge: pending */
    assert_true(m->cpu->hdec_pending);
    cpu_set_hdec(m->cpu, 0xfffffff0u); /* negative over negative: nothing new */
    cpu_set_hdec(m->cpu, 5);
    assert_false(m->cpu->hdec_pending);
    ppc_cpu *fresh = cpu_create(NULL, &m->mem);
    fresh->spr[SPR_LPCR] = LPCR_HDICE;
    cpu_set_dec(fresh, 0x7fffffffu);
    cpu_set_msr(fresh, MSR_SF | MSR_ME);
    cpu_set_nip(fresh, 0x5000);
    cpu_run(fresh, 30);
    assert_int_equal(cpu_get_nip(fresh), 0x5000 + 4 * 30);
    cpu_destroy(fresh);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tsys_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_tb_is_cycles_over_8_and_monotonic),         T(test_dec_interrupt_after_n),
        T(test_dec_masked_by_ee_then_taken_after_mtmsrd),  T(test_hdec_edge_hdice_and_guest),
        T(test_hdec_needs_hdice_and_reset_value_is_quiet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
