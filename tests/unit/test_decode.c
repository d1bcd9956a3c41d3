/* The instruction table is consistent: no two rows can match the same word, every row's fields
 * are well-formed, and the decoder finds each row from its own match value. */
#include <stdio.h>

#include "test_cpu.h"

static void test_no_two_rows_overlap(void **state)
{
    unsigned overlaps = 0;
    for (unsigned a = 1; a < INSN__COUNT; a++) {
        for (unsigned b = a + 1; b < INSN__COUNT; b++) {
            const insn_row *ra = &insn_table[a], *rb = &insn_table[b];
            /* Some word matches both iff they agree on every bit both masks fix. */
            if (((ra->match ^ rb->match) & ra->mask & rb->mask) == 0) {
                fprintf(stderr, "rows overlap: %s (%08x/%08x) and %s (%08x/%08x)\n", ra->mnemonic,
                        ra->match, ra->mask, rb->mnemonic, rb->match, rb->mask);
                overlaps++;
            }
        }
    }
    printf("%u rows checked pairwise, %u overlaps\n", INSN__COUNT - 1, overlaps);
    assert_int_equal(overlaps, 0);
}

static void test_rows_are_well_formed(void **state)
{
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        const insn_row *row = &insn_table[id];
        /* The primary opcode is always part of the mask. */
        assert_true((row->mask & 0xfc000000u) == 0xfc000000u);
        /* match has no bits outside its mask; reserved bits are not opcode bits. */
        assert_int_equal(row->match & ~row->mask, 0);
        assert_int_equal(row->reserved & row->mask, 0);
        /* Variant bits named by flags are neither opcode nor reserved bits. */
        uint32_t variant = ((row->flags & F_RC) || (row->flags & F_LK) ? 1u : 0u) |
                           ((row->flags & F_AA) ? 2u : 0u) | ((row->flags & F_OE) ? 0x400u : 0u);
        assert_int_equal(variant & (row->mask | row->reserved), 0);
        assert_non_null(row->exec);
        assert_non_null(row->mnemonic);
        assert_non_null(row->operands);
        assert_true(row->form < FORM__COUNT);
        assert_true(row->timing < TIMING__COUNT);
    }
}

static void test_every_row_decodes_from_its_match(void **state)
{
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        ppc_insn insn;
        insn_decode(insn_table[id].match, &insn);
        if (insn.id != id)
            fprintf(stderr, "%s decodes as %s\n", insn_table[id].mnemonic,
                    insn_table[insn.id].mnemonic);
        assert_int_equal(insn.id, id);
        assert_int_equal(insn.word, insn_table[id].match);
    }
}

static void test_unknown_word_is_illegal(void **state)
{
    ppc_insn insn;
    insn_decode(0x00000000, &insn); /* primary opcode 0: no instruction on POWER8 */
    assert_int_equal(insn.id, INSN_ILLEGAL);
    insn_decode(0x00000200, &insn); /* attn: not implemented by QEMU 7.2 either */
    assert_int_equal(insn.id, INSN_ILLEGAL);
}

static void test_illegal_word_raises_hea(void **state)
{
    test_machine *m = *state;
    tm_poke(m, 0x2000, (uint32_t[]){0x00000200}, 1);
    cpu_set_nip(m->cpu, 0x2000);
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME | MSR_RI);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_nip(m->cpu), 0xe40);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), 0x2000);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), MSR_SF | MSR_HV | MSR_ME | MSR_RI);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), 0x00000200);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME | MSR_RI);
}

static void test_self_modifying_code_is_redecoded(void **state)
{
    test_machine *m = *state;
    /* li r3,1 ; then overwrite it with li r3,2 through a store and run it again */
    tm_poke(m, 0x3000, (uint32_t[]){0x38600001}, 1);
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME);
    cpu_set_nip(m->cpu, 0x3000);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 1);
    tm_poke(m, 0x4000, (uint32_t[]){0xf8640000}, 1); /* std r3,0(r4) */
    cpu_set_gpr(m->cpu, 3, 0x3860000238600002ull);   /* two copies of li r3,2 */
    cpu_set_gpr(m->cpu, 4, 0x3000);
    cpu_set_nip(m->cpu, 0x4000);
    cpu_step(m->cpu);
    cpu_set_nip(m->cpu, 0x3000);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_two_rows_overlap),
        cmocka_unit_test(test_rows_are_well_formed),
        cmocka_unit_test(test_every_row_decodes_from_its_match),
        cmocka_unit_test(test_unknown_word_is_illegal),
        cmocka_unit_test_setup_teardown(test_illegal_word_raises_hea, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_self_modifying_code_is_redecoded, tm_setup,
                                        tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
