/* The FP, VMX and VSX rows (src/cpu/insns/fp.def, vmx.def, vsx.def): every row of opcodes 4, 59,
 * 60 and 63 raises its facility-unavailable interrupt while the MSR bit is clear and stops the run
 * as not implemented when it is set; the words of those opcodes that no row matches, and words
 * that set a row's reserved bits, raise Hypervisor Emulation Assistance (0xe40) whatever the
 * facility bits are, as QEMU 7.2 powernv8 does (reserved bits are checked before the facility). */
#include <stdio.h>

#include "test_system_encode.h"

#define MSR_HVREAL         (MSR_SF | MSR_HV | MSR_ME)
#define MSR_GUEST          (MSR_SF | MSR_ME)
#define MSR_ALL_FACILITIES (MSR_FP | MSR_VEC | MSR_VSX)
#define PC                 0x1000u

/* The vector and MSR bit an opcode's rows need. */
typedef struct facility {
    unsigned opcode;
    ppc_vector vector;
    uint64_t msr_bit;
} facility;

static const facility facilities[] = {
    {59, VEC_FP_UNAVAILABLE, MSR_FP},
    {63, VEC_FP_UNAVAILABLE, MSR_FP},
    {4, VEC_VMX_UNAVAILABLE, MSR_VEC},
    {60, VEC_VSX_UNAVAILABLE, MSR_VSX},
};

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Runs one word at PC with `msr` and r3 set to a marker; returns how the run ended. */
static cpu_exit run_one(test_machine *m, uint32_t word, uint64_t msr)
{
    cpu_set_msr(m->cpu, msr);
    cpu_set_gpr(m->cpu, 3, 0x0123456789abcdefull);
    cpu_set_spr(m->cpu, SPR_SRR0, 0);
    cpu_set_spr(m->cpu, SPR_SRR1, 0);
    cpu_set_spr(m->cpu, SPR_HSRR0, 0);
    cpu_set_spr(m->cpu, SPR_HSRR1, 0);
    return tm_run_words(m, PC, &word, 1, 1);
}

/* The word raised the facility-unavailable interrupt `vector` from state `msr`. */
static void assert_unavailable(test_machine *m, uint32_t word, uint64_t msr, ppc_vector vector)
{
    if (run_one(m, word, msr) != CPU_EXIT_BUDGET || cpu_get_nip(m->cpu) != vector)
        fail_msg("%08x (%s) with MSR %016llx: NIP %llx, expected vector %x", word,
                 insn_table[insn_lookup(word)].mnemonic, (unsigned long long)msr,
                 (unsigned long long)cpu_get_nip(m->cpu), (unsigned)vector);
    assert_int_equal(m->cpu->spr[SPR_SRR0], PC);
    assert_int_equal(m->cpu->spr[SPR_SRR1], msr);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | (msr & (MSR_HV | MSR_ME)));
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x0123456789abcdefull);
}

/* The word raised HEA from state `msr`: HSRR0 = CIA, HSRR1 = MSR, HEIR = word. */
static void assert_hea(test_machine *m, uint32_t word, uint64_t msr)
{
    if (run_one(m, word, msr) != CPU_EXIT_BUDGET || cpu_get_nip(m->cpu) != VEC_HEA)
        fail_msg("%08x with MSR %016llx: NIP %llx, expected HEA", word, (unsigned long long)msr,
                 (unsigned long long)cpu_get_nip(m->cpu));
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), PC);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), msr);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), word);
    assert_int_equal(m->cpu->spr[SPR_SRR0], 0);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x0123456789abcdefull);
}

/* A valid word of the row: its match with random operand bits (neither opcode nor reserved);
 * update forms get RA=3, RT=5 (RA=0 or RA=RT would be another invalid form). */
static uint32_t random_form(const insn_row *row)
{
    uint32_t word = row->match | (rng_next() & ~row->mask & ~row->reserved);
    if (row->flags & F_UPDATE) word = (word & ~0x03ff0000u) | 5u << 21 | 3u << 16;
    return word;
}

/* The vector and MSR bit a facility row's word needs: by execute function, and for the VSX
 * moves by the register half (TX/SX, bit 31: VSRs 32-63 are the VRs). */
static facility facility_of_row(const insn_row *row, uint32_t word)
{
    if (row->exec == exec_fp) return facilities[0];
    if (row->exec == exec_vmx) return facilities[2];
    if (row->exec == exec_vsx) return facilities[3];
    assert_ptr_equal(row->exec, exec_vsx_move);
    return (word & 1) ? facilities[2] : facilities[0];
}

static void assert_row_unavailable(test_machine *m, const insn_row *row, uint32_t word,
                                   uint64_t msr)
{
    facility f = facility_of_row(row, word);
    assert_unavailable(m, word, msr | (MSR_ALL_FACILITIES & ~f.msr_bit), f.vector);
    assert_unavailable(m, word, msr, f.vector);
}

/* Every FP, VMX and VSX row: with its own facility bit clear (the others set, then clear too)
 * the unavailable interrupt, in hypervisor and in guest state, with operands 0 and random. */
static void test_every_row_raises_its_unavailable_interrupt(void **state)
{
    test_machine *m = *state;
    unsigned rows = 0;
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        const insn_row *row = &insn_table[id];
        if (!(row->flags & F_FACILITY)) continue;
        uint32_t zero = row->flags & F_UPDATE ? random_form(row) : row->match;
        assert_row_unavailable(m, row, zero, MSR_HVREAL);
        assert_row_unavailable(m, row, random_form(row), MSR_GUEST);
        assert_row_unavailable(m, row, random_form(row), MSR_HVREAL);
        rows++;
    }
    assert_true(rows > 400); /* one row per instruction, not one per opcode */
}

/* With the facility on, a row stops the run and names the instruction. */
static void test_enabled_facility_stops_and_names_the_instruction(void **state)
{
    test_machine *m = *state;
    static const struct {
        uint32_t word;
        uint64_t msr;
        const char *detail;
    } cases[] = {
        {0xfc22182bu, MSR_FP, "floating-point instruction fadd at 0x0000000000001000"},
        {0xec2220f8u, MSR_FP, "floating-point instruction fmsubs at 0x0000000000001000"},
        {0xfc600104u, MSR_FP, "floating-point instruction dcmpoq at 0x0000000000001000"},
        {0x1022188cu, MSR_VEC, "vector instruction vmrghw at 0x0000000000001000"},
        {0x102218c6u, MSR_VEC, "vector instruction vcmpeqfp at 0x0000000000001000"},
        {0x102218c6u | 0x400u, MSR_VEC, "vector instruction vcmpeqfp. at 0x0000000000001000"},
        {0xf0221c90u, MSR_VSX, "VSX instruction xxlor at 0x0000000000001000"},
        {0xf0221b18u, MSR_VSX, "VSX instruction xvcmpeqdp at 0x0000000000001000"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(run_one(m, cases[i].word, MSR_HVREAL | cases[i].msr),
                         CPU_EXIT_UNIMPLEMENTED);
        char expected[128];
        snprintf(expected, sizeof(expected), "%s is not implemented", cases[i].detail);
        assert_string_equal(cpu_exit_detail(m->cpu), expected);
        assert_int_equal(cpu_get_nip(m->cpu), PC);
    }
}

/* Words of the four opcodes that are no POWER8 instruction: HEA with any facility bits.  The
 * first three were FP/VMX/VSX unavailable with the old one-row-per-opcode table; the others are
 * words QEMU 7.2 accepts although Power ISA 2.07 does not define them (docs/qemu-divergences.md):
 * vmaxub's xo with bit 31 set, vcmpequq (ISA 3.1), xxspltib (ISA 3.0), vabsdub (ISA 3.0). */
static void test_undefined_words_raise_hea(void **state)
{
    test_machine *m = *state;
    static const uint32_t words[] = {0xef720d95u, 0x132cd4ccu, 0xf255c4c0u, 0x10000003u,
                                     0x100001c7u, 0xf00002d1u, 0x10000403u, 0xfc00000eu,
                                     0xec000000u, 0x10000001u, 0xfc0007e0u, 0xf000001cu};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        assert_int_equal(insn_lookup(words[i]), INSN_ILLEGAL);
        assert_hea(m, words[i], MSR_HVREAL);
        assert_hea(m, words[i], MSR_HVREAL | MSR_ALL_FACILITIES);
    }
}

/* Random words of the four opcodes: either a row of the right facility or HEA, never anything
 * else. */
static void test_random_words_are_a_facility_row_or_hea(void **state)
{
    test_machine *m = *state;
    unsigned hea = 0, rows = 0;
    for (int i = 0; i < 4000; i++) {
        const facility *f = &facilities[i % 4];
        uint32_t word = f->opcode << 26 | (rng_next() & 0x03ffffffu);
        unsigned id = insn_lookup(word);
        if (id == INSN_ILLEGAL || insn_has_reserved_bits(word, id)) {
            assert_hea(m, word, MSR_GUEST);
            hea++;
        } else {
            assert_unavailable(m, word, MSR_GUEST, f->vector);
            rows++;
        }
    }
    assert_true(hea > 100 && rows > 100);
}

/* Reserved bits come before the facility check (QEMU's invalid-bits mask is tested first): HEA
 * with the facility off.  Register-pair instructions name an even register; lfdpx/stfdpx with an
 * odd one is invalid before the facility check too, but lfdp/stfdp check the facility first. */
static void test_reserved_bits_before_facility(void **state)
{
    test_machine *m = *state;
    static const uint32_t invalid[] = {
        0xfc211a10u, /* fabs f1,f3 with FRA=1 (reserved) */
        0xfc211832u, /* fmul with FRB != 0 */
        0x10211e04u, /* mfvscr with VRA != 0 */
        0x7d20062eu, /* lfdpx f9,0,r0: odd FRTp */
        0x7d20072eu, /* stfdpx f9,0,r0 */
        0xfc200004u, /* daddq f1,f0,f0: odd FRTp */
        0xfc000804u, /* daddq f0,f0,f1: odd FRBp */
        0xfc600001u, /* fcmpu with bit 31 set */
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        assert_hea(m, invalid[i], MSR_HVREAL);
        assert_hea(m, invalid[i], MSR_GUEST | MSR_ALL_FACILITIES);
    }
    assert_unavailable(m, 0xe5200000u /* lfdp f9,0(0) */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
    assert_unavailable(m, 0xf5200000u /* stfdp f9,0(0) */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
    /* the same rows with valid operands */
    assert_unavailable(m, 0xfc201a10u /* fabs f1,f3 */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
    assert_unavailable(m, 0x7d00062eu /* lfdpx f8,0,r0 */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
    assert_unavailable(m, 0xfc420004u /* daddq f2,f2,f0 */, MSR_HVREAL, VEC_FP_UNAVAILABLE);
}

/* mtxer/mfxer (not a facility, but the same QEMU-agreement work): XER's reserved bits 35:56 read
 * back as written, bits 0:31 and the ISA 3.0 OV32/CA32 read 0 (docs/qemu-divergences.md, XER). */
static void test_mtxer_keeps_the_low_word_reserved_bits(void **state)
{
    test_machine *m = *state;
    static const struct {
        uint64_t written, read;
    } cases[] = {
        {0, 0},
        {~0ull, 0xfff3ffffull},
        {0xe14d6bf6ull, 0xe1416bf6ull},
        {0xffffffff00000000ull, 0},
        {0x8000000000000000ull | 0x20000000ull | 0x7full, 0x2000007full},
        {0x000c0000ull, 0}, /* OV32, CA32 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cpu_set_msr(m->cpu, MSR_HVREAL);
        cpu_set_gpr(m->cpu, 5, cases[i].written);
        uint32_t words[] = {w_mtspr(SPR_XER, 5), w_mfspr(6, SPR_XER)};
        assert_int_equal(tm_run_words(m, PC, words, 2, 2), CPU_EXIT_BUDGET);
        assert_int_equal(cpu_get_gpr(m->cpu, 6), cases[i].read);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tsys_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_every_row_raises_its_unavailable_interrupt),
        T(test_enabled_facility_stops_and_names_the_instruction),
        T(test_undefined_words_raise_hea),
        T(test_random_words_are_a_facility_row_or_hea),
        T(test_reserved_bits_before_facility),
        T(test_mtxer_keeps_the_low_word_reserved_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
