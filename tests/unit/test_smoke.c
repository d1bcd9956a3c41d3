/* The core end to end on a few words: decode, execute, branch, store, sc. */
#include "test_cpu.h"

static void test_addi_branch_store_sc(void **state)
{
    test_machine *m = *state;
    tm_poke(m, 0x100,
            (uint32_t[]){
                0x38600020, /* li r3,0x20 */
                0x3c80dead, /* lis r4,0xdead */
                0x6084beef, /* ori r4,r4,0xbeef */
                0x48000008, /* b +8 */
                0x38600000, /* li r3,0 (skipped) */
                0xf8830010, /* std r4,16(r3) */
                0x44000022, /* sc 1 */
            },
            7);
    cpu_set_nip(m->cpu, 0x100);
    cpu_set_msr(m->cpu, MSR_SF | MSR_ME);         /* guest real mode, not HV */
    cpu_set_spr(m->cpu, SPR_LPCR, 0x20000000ull); /* RMLS=8: 32 MiB */
    cpu_run(m->cpu, 6);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x20);
    assert_int_equal(cpu_get_gpr(m->cpu, 4), 0xffffffffdeadbeefull);
    assert_int_equal(tm_peek64(m, 0x30), 0xffffffffdeadbeefull);
    assert_int_equal(cpu_get_nip(m->cpu), 0xc00);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), 0x11c);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_SF | MSR_ME);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_addi_branch_store_sc, tm_setup, tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
