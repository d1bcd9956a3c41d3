/* Our disassembly of known words: the table's mnemonics, the OE/Rc/LK/AA suffixes and the operand
 * vocabulary of src/cpu/disasm.c. */
#include <stdio.h>

#include "test_cpu.h"

static void expect_disasm(uint32_t word, uint64_t pc, const char *expected)
{
    char text[96];
    insn_disasm(word, pc, text, sizeof(text));
    if (strcmp(text, expected))
        fail_msg("%08x at 0x%llx: got \"%s\", expected \"%s\"", word, (unsigned long long)pc, text,
                 expected);
}

static void test_system(void **state)
{
    expect_disasm(0x4c000224, 0, "hrfid");
    expect_disasm(0x4c000024, 0, "rfid");
    expect_disasm(0x44000022, 0, "sc      1");
    expect_disasm(0x44000002, 0, "sc      0");
    expect_disasm(0x7db14ba6, 0, "mtspr   HSPRG1,r13"); /* SPR 305: halves swapped */
    expect_disasm(0x7c7143a6, 0, "mtspr   SPRG1,r3");
    expect_disasm(0x7c0802a6, 0, "mfspr   r0,LR");
    expect_disasm(0x7c6e0aa6, 0, "mfspr   r3,46"); /* an SPR the table does not name */
    expect_disasm(0x7c010164, 0, "mtmsrd  r0,1");
    expect_disasm(0x7c6000a6, 0, "mfmsr   r3");
}

static void test_fixed_point(void **state)
{
    expect_disasm(0x38600020, 0, "addi    r3,0,32");
    expect_disasm(0x3c80dead, 0, "addis   r4,0,-8531");
    expect_disasm(0x6084beef, 0, "ori     r4,r4,0xbeef");
    expect_disasm(0x7c642214, 0, "add     r3,r4,r4");
    expect_disasm(0x7c642215, 0, "add.    r3,r4,r4");
    expect_disasm(0x7c642614, 0, "addo    r3,r4,r4");
    expect_disasm(0x7c642615, 0, "addo.   r3,r4,r4");
    expect_disasm(0x786307c6, 0, "rldicr  r3,r3,32,31"); /* sldi r3,r3,32 */
    expect_disasm(0x78630020, 0, "rldicl  r3,r3,0,32");  /* clrldi r3,r3,32 */
    expect_disasm(0x7c6a0e76, 0, "sradi   r10,r3,33");   /* sh5 in bit 30 */
    expect_disasm(0x5463103a, 0, "rlwinm  r3,r3,2,0,29");
    expect_disasm(0x7f841800, 0, "cmp     cr7,0,r4,r3");
}

static void test_branches(void **state)
{
    expect_disasm(0x48000008, 0x100, "b       0x108");
    expect_disasm(0x4bfffffc, 0x100, "b       0xfc");
    expect_disasm(0x48000102, 0x100, "ba      0x100");
    expect_disasm(0x48000101, 0x100, "bl      0x200");
    expect_disasm(0x4bfffffb, 0x100, "bla     0xfffffffffffffff8");
    expect_disasm(0x4182fff8, 0x18, "bc      12,2,0x10"); /* beq -8 */
    expect_disasm(0x4200fff8, 0x1c, "bc      16,0,0x14"); /* bdnz -8 */
    expect_disasm(0x429f0005, 0x40, "bcl     20,31,0x44");
    expect_disasm(0x41820012, 0x40, "bca     12,2,0x10");
    expect_disasm(0x41820013, 0x40, "bcla    12,2,0x10");
    expect_disasm(0x4e800020, 0, "bclr    20,0,0");
    expect_disasm(0x4e800421, 0, "bcctrl  20,0,0");
    expect_disasm(0x4d9e1820, 0, "bclr    12,30,3");
}

static void test_load_store(void **state)
{
    expect_disasm(0xf8830010, 0, "std     r4,16(r3)");
    expect_disasm(0xe883fff8, 0, "ld      r4,-8(r3)");
    expect_disasm(0xe8800008, 0, "ld      r4,8(0)");
    expect_disasm(0xe8830011, 0, "ldu     r4,16(r3)");
    expect_disasm(0x7c6020a8, 0, "ldarx   r3,0,r4,0");
}

static void test_illegal_and_truncation(void **state)
{
    expect_disasm(0x00000000, 0, ".long   0x00000000");
    char tiny[5];
    memset(tiny, 'x', sizeof(tiny));
    insn_disasm(0x7c642615, 0, tiny, sizeof(tiny));
    assert_string_equal(tiny, "addo");
    insn_disasm(0x7c642615, 0, tiny, 0); /* size 0 writes nothing */
    assert_string_equal(tiny, "addo");
}

/* Every row disassembles its own match word with known operand tokens (an unknown token prints
 * "?token") and the disassembler names the row the decoder finds. */
static void test_every_row_uses_known_tokens(void **state)
{
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        char text[96];
        unsigned got = insn_disasm(insn_table[id].match, 0, text, sizeof(text));
        if (got != id || strchr(text, '?'))
            fail_msg("row %u (%s): \"%s\" (decoded as row %u)", id, insn_table[id].mnemonic, text,
                     got);
        assert_int_equal(strncmp(text, insn_table[id].mnemonic, strlen(insn_table[id].mnemonic)),
                         0);
    }
}

/* FP, VMX and VSX rows: the immediate tokens (SIM, SHB, DM, FLM, U/W, TE/RMC, PS, UIM) and the
 * VC-form "." rows. */
static void test_fp_vector(void **state)
{
    expect_disasm(0xf0221a50, 0, "xxpermdi vs1,vs2,vs3,2");
    expect_disasm(0x1030030c, 0, "vspltisb v1,-16");
    expect_disasm(0x1022196c, 0, "vsldoi  v1,v2,v3,5");
    expect_disasm(0xfdfe1d8e, 0, "mtfsf   255,f3,0,0");
    expect_disasm(0xff81f10d, 0, "mtfsfi. 7,15,1");
    expect_disasm(0xec231286, 0, "dquai   3,f1,f2,1");
    expect_disasm(0x10221c06, 0, "vcmpequb. v1,v2,v3");
    expect_disasm(0x10221e01, 0, "bcdadd. v1,v2,v3,1");
    expect_disasm(0xf0221a90, 0, "xxspltw vs1,vs3,2");
    expect_disasm(0xfc400e44, 0, "dcffixq f2,f1");
    expect_disasm(0xef720d95, 0, ".long   0xef720d95"); /* no POWER8 instruction */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system),
        cmocka_unit_test(test_fixed_point),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_load_store),
        cmocka_unit_test(test_illegal_and_truncation),
        cmocka_unit_test(test_every_row_uses_known_tokens),
        cmocka_unit_test(test_fp_vector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
