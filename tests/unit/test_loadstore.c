/* Loads, stores, byte-reverse, multiple/string, larx/stcx., cache-inhibited and storage-control
 * instructions: encoded words stepped one at a time in hypervisor real mode (PA = EA). */
#include "test_cpu.h"

#define CODE 0x1000u /* where each instruction under test is placed */
#define DATA 0x10000u

#define MSR_HV_BE (MSR_SF | MSR_HV | MSR_ME)

static uint32_t d_form(unsigned op, unsigned rt, unsigned ra, int d)
{
    return op << 26 | rt << 21 | ra << 16 | ((uint32_t)d & 0xffff);
}

static uint32_t x_form(unsigned xo, unsigned rt, unsigned ra, unsigned rb)
{
    return 31u << 26 | rt << 21 | ra << 16 | rb << 11 | xo << 1;
}

/* Places one word at CODE and executes it. */
static void run_word(test_machine *m, uint32_t word)
{
    tm_poke(m, CODE, &word, 1);
    cpu_set_nip(m->cpu, CODE);
    cpu_step(m->cpu);
}

static void fill_bytes(test_machine *m, uint64_t pa, const uint8_t *bytes, size_t n)
{
    memcpy(m->mem.ram + pa, bytes, n);
}

static void set_msr(test_machine *m, uint64_t msr)
{
    cpu_set_msr(m->cpu, msr);
}

/* The instruction at CODE completed: NIP moved on. */
static void assert_completed(test_machine *m)
{
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
}

/* The instruction at CODE raised HEA: HSRR0/HEIR name it, HSRR1 holds the old MSR. */
static void assert_hea(test_machine *m, uint32_t word, uint64_t old_msr)
{
    assert_int_equal(cpu_get_nip(m->cpu), 0xe40);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), old_msr);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HEIR), word);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | (old_msr & MSR_ME));
}

static void assert_program(test_machine *m, uint64_t old_msr, uint64_t reason)
{
    assert_int_equal(cpu_get_nip(m->cpu), 0x700);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), old_msr | reason);
}

static const uint8_t pattern[16] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
                                    0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f};

typedef struct load_case {
    uint32_t word;
    uint64_t big, little; /* r3 after the load in each byte order */
} load_case;

/* r4 = DATA, r5 = 8: D forms address DATA+d, X forms DATA+8. */
static const load_case load_cases[] = {
    {0x88640000, 0x80, 0x80},                                   /* lbz r3,0(r4) */
    {0x88640008, 0x78, 0x78},                                   /* lbz r3,8(r4) */
    {0xa0640000, 0x8081, 0x8180},                               /* lhz */
    {0xa8640000, 0xffffffffffff8081ull, 0xffffffffffff8180ull}, /* lha: negative */
    {0xa8640008, 0x7879, 0x7978},                               /* lha: positive */
    {0x80640000, 0x80818283, 0x83828180},                       /* lwz */
    {0xe8640002, 0xffffffff80818283ull, 0xffffffff83828180ull}, /* lwa */
    {0xe864000a, 0x78797a7b, 0x7b7a7978},                       /* lwa 8(r4): positive */
    {0xe8640000, 0x8081828384858687ull, 0x8786858483828180ull}, /* ld */
    {0x7c6428ae, 0x78, 0x78},                                   /* lbzx r3,r4,r5 */
    {0x7c6428af, 0x78, 0x78}, /* lbzx with bit 31 (QEMU ignores) */
};

/* In little-endian mode the instruction words themselves are little-endian in memory. */
static void run_load_cases(test_machine *m, bool little)
{
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
        set_msr(m, MSR_HV_BE | (little ? MSR_LE : 0));
        cpu_set_gpr(m->cpu, 3, 0x5555);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        run_word(m, little ? __builtin_bswap32(load_cases[i].word) : load_cases[i].word);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), little ? load_cases[i].little : load_cases[i].big);
        assert_int_equal(cpu_get_gpr(m->cpu, 4), DATA);
    }
}

static void test_loads_big_endian(void **state)
{
    run_load_cases(*state, false);
}

static void test_loads_little_endian(void **state)
{
    run_load_cases(*state, true);
}

static void test_indexed_loads(void **state)
{
    test_machine *m = *state;
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    struct {
        uint32_t word;
        uint64_t expect;
    } cases[] = {
        {x_form(279, 3, 4, 5), 0x7879},                /* lhzx */
        {x_form(343, 3, 0, 6), 0xffffffffffff8081ull}, /* lhax r3,0,r6 (RA=0 reads 0) */
        {x_form(23, 3, 4, 5), 0x78797a7b},             /* lwzx */
        {x_form(341, 3, 0, 6), 0xffffffff80818283ull}, /* lwax */
        {x_form(21, 3, 4, 5), 0x78797a7b7c7d7e7full},  /* ldx */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_msr(m, MSR_HV_BE);
        cpu_set_gpr(m->cpu, 0, 0x100); /* must not be used as the base */
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        cpu_set_gpr(m->cpu, 6, DATA);
        run_word(m, cases[i].word);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), cases[i].expect);
    }
}

static void test_update_forms(void **state)
{
    test_machine *m = *state;
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    struct {
        uint32_t word;
        uint64_t value, new_ra;
    } cases[] = {
        {d_form(35, 3, 4, 1), 0x81, DATA + 1},                  /* lbzu r3,1(r4) */
        {d_form(41, 3, 4, 8), 0x7879, DATA + 8},                /* lhzu */
        {d_form(43, 3, 4, 2), 0xffffffffffff8283ull, DATA + 2}, /* lhau */
        {d_form(33, 3, 4, 4), 0x84858687, DATA + 4},            /* lwzu */
        {0xe8640009, 0x78797a7b7c7d7e7full, DATA + 8},          /* ldu r3,8(r4) */
        {x_form(119, 3, 4, 5), 0x78, DATA + 8},                 /* lbzux */
        {x_form(311, 3, 4, 5), 0x7879, DATA + 8},               /* lhzux */
        {x_form(375, 3, 4, 5), 0x7879, DATA + 8},               /* lhaux */
        {x_form(55, 3, 4, 5), 0x78797a7b, DATA + 8},            /* lwzux */
        {x_form(373, 3, 4, 7), 0xffffffff80818283ull, DATA},    /* lwaux r3,r4,r7(=0) */
        {x_form(53, 3, 4, 5), 0x78797a7b7c7d7e7full, DATA + 8}, /* ldux */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_msr(m, MSR_HV_BE);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        cpu_set_gpr(m->cpu, 7, 0);
        run_word(m, cases[i].word);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), cases[i].value);
        assert_int_equal(cpu_get_gpr(m->cpu, 4), cases[i].new_ra);
    }
}

static void test_stores_both_byte_orders(void **state)
{
    test_machine *m = *state;
    struct {
        uint32_t word;
        unsigned size;
        uint64_t offset;
    } cases[] = {
        {d_form(38, 3, 4, 0), 1, 0},  /* stb */
        {d_form(44, 3, 4, 0), 2, 0},  /* sth */
        {d_form(36, 3, 4, 0), 4, 0},  /* stw */
        {0xf8640000, 8, 0},           /* std */
        {x_form(215, 3, 4, 5), 1, 8}, /* stbx */
        {x_form(407, 3, 4, 5), 2, 8}, /* sthx */
        {x_form(151, 3, 4, 5), 4, 8}, /* stwx */
        {x_form(149, 3, 4, 5), 8, 8}, /* stdx */
    };
    const uint64_t value = 0x0123456789abcdefull;
    for (int little = 0; little < 2; little++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            memset(m->mem.ram + DATA, 0xee, 32);
            set_msr(m, MSR_HV_BE | (little ? MSR_LE : 0));
            cpu_set_gpr(m->cpu, 3, value);
            cpu_set_gpr(m->cpu, 4, DATA);
            cpu_set_gpr(m->cpu, 5, 8);
            run_word(m, little ? __builtin_bswap32(cases[i].word) : cases[i].word);
            assert_completed(m);
            const uint8_t *p = m->mem.ram + DATA + cases[i].offset;
            unsigned n = cases[i].size;
            for (unsigned b = 0; b < n; b++) {
                unsigned shift = little ? 8 * b : 8 * (n - 1 - b);
                assert_int_equal(p[b], (value >> shift) & 0xff);
            }
            assert_int_equal(p[n], 0xee); /* nothing beyond the access */
            assert_int_equal(m->mem.ram[DATA + 7], cases[i].offset ? 0xee : m->mem.ram[DATA + 7]);
        }
    }
}

static void test_store_update_forms(void **state)
{
    test_machine *m = *state;
    set_msr(m, MSR_HV_BE);
    /* stwu r4,8(r4): RA=RS is valid; the old RA is stored, then RA = EA. */
    cpu_set_gpr(m->cpu, 4, DATA);
    run_word(m, d_form(37, 4, 4, 8));
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 4), DATA + 8);
    assert_int_equal(tm_peek64(m, DATA + 8) >> 32, DATA);

    struct {
        uint32_t word;
        uint64_t new_ra;
    } cases[] = {
        {d_form(39, 3, 4, -1), DATA + 0x100 - 1}, /* stbu */
        {d_form(45, 3, 4, 2), DATA + 0x102},      /* sthu */
        {0xf8640011, DATA + 0x110},               /* stdu r3,16(r4) */
        {x_form(247, 3, 4, 5), DATA + 0x108},     /* stbux */
        {x_form(439, 3, 4, 5), DATA + 0x108},     /* sthux */
        {x_form(183, 3, 4, 5), DATA + 0x108},     /* stwux */
        {x_form(181, 3, 4, 5), DATA + 0x108},     /* stdux */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(m->mem.ram + DATA + 0xf0, 0, 0x40);
        cpu_set_gpr(m->cpu, 3, 0xffffffffffffffffull);
        cpu_set_gpr(m->cpu, 4, DATA + 0x100);
        cpu_set_gpr(m->cpu, 5, 8);
        run_word(m, cases[i].word);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 4), cases[i].new_ra);
        assert_int_equal(m->mem.ram[cases[i].new_ra], 0xff);
    }
}

static void test_update_invalid_forms_raise_hea(void **state)
{
    test_machine *m = *state;
    const uint32_t invalid[] = {
        d_form(33, 4, 4, 0),      /* lwzu r4,0(r4): RA=RT */
        d_form(33, 3, 0, 0),      /* lwzu r3,0(0): RA=0 */
        d_form(35, 3, 0, 0),      /* lbzu RA=0 */
        0xe8840001,               /* ldu r4,0(r4) */
        x_form(55, 3, 3, 5),      /* lwzux r3,r3,r5 */
        x_form(373, 0, 0, 5),     /* lwaux r0,0,r5 */
        d_form(37, 3, 0, 0),      /* stwu r3,0(0) */
        0xf8600001,               /* stdu r3,0(0) */
        x_form(247, 3, 0, 5),     /* stbux r3,0,r5 */
        0xe8640003,               /* DS XO=3: no such instruction */
        x_form(790, 3, 4, 5) | 1, /* lhbrx with bit 31 set */
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        set_msr(m, MSR_HV_BE);
        memset(m->mem.ram + DATA, 0x5a, 16);
        cpu_set_gpr(m->cpu, 0, 0);
        cpu_set_gpr(m->cpu, 3, DATA);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        run_word(m, invalid[i]);
        assert_hea(m, invalid[i], MSR_HV_BE);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), DATA);
        assert_int_equal(cpu_get_gpr(m->cpu, 4), DATA);
        assert_int_equal(cpu_get_gpr(m->cpu, 0), 0);
        assert_int_equal(tm_peek64(m, 0), 0);
    }
}

static void test_byte_reverse(void **state)
{
    test_machine *m = *state;
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    for (int little = 0; little < 2; little++) {
        struct {
            uint32_t word;
            uint64_t expect;
        } loads[] = {
            /* byte-reverse loads give the opposite byte order of the mode */
            {x_form(790, 3, 4, 5), little ? 0x7879 : 0x7978},
            {x_form(534, 3, 4, 5), little ? 0x78797a7b : 0x7b7a7978},
            {x_form(532, 3, 4, 0), little ? 0x8081828384858687ull : 0x8786858483828180ull},
        };
        for (size_t i = 0; i < 3; i++) {
            set_msr(m, MSR_HV_BE | (little ? MSR_LE : 0));
            cpu_set_gpr(m->cpu, 4, DATA);
            cpu_set_gpr(m->cpu, 5, 8);
            run_word(m, little ? __builtin_bswap32(loads[i].word) : loads[i].word);
            assert_completed(m);
            assert_int_equal(cpu_get_gpr(m->cpu, 3), loads[i].expect);
        }
    }
    /* Stores in big-endian mode write little-endian bytes. */
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 3, 0x0102030405060708ull);
    cpu_set_gpr(m->cpu, 4, DATA + 0x40);
    cpu_set_gpr(m->cpu, 5, 8);
    cpu_set_gpr(m->cpu, 0, 0);
    run_word(m, x_form(918, 3, 4, 0)); /* sthbrx r3,r4,r0: RB=r0 is a register (0) */
    assert_int_equal(m->mem.ram[DATA + 0x40], 0x08);
    assert_int_equal(m->mem.ram[DATA + 0x41], 0x07);
    run_word(m, x_form(662, 3, 4, 5)); /* stwbrx */
    assert_int_equal(tm_peek64(m, DATA + 0x48) >> 32, 0x08070605);
    cpu_set_gpr(m->cpu, 5, 16);
    run_word(m, x_form(660, 3, 4, 5)); /* stdbrx */
    assert_int_equal(tm_peek64(m, DATA + 0x50), 0x0807060504030201ull);
}

static void test_load_store_multiple(void **state)
{
    test_machine *m = *state;
    set_msr(m, MSR_HV_BE);
    for (unsigned r = 28; r < 32; r++)
        cpu_set_gpr(m->cpu, r, 0xdead0000ull << 32 | (r * 0x01010101u));
    cpu_set_gpr(m->cpu, 4, DATA);
    run_word(m, d_form(47, 28, 4, 16)); /* stmw r28,16(r4) */
    assert_completed(m);
    assert_int_equal(tm_peek64(m, DATA + 16), 0x1c1c1c1c1d1d1d1dull);
    assert_int_equal(tm_peek64(m, DATA + 24), 0x1e1e1e1e1f1f1f1full);

    for (unsigned r = 28; r < 32; r++)
        cpu_set_gpr(m->cpu, r, ~0ull);
    run_word(m, d_form(46, 29, 4, 20)); /* lmw r29,20(r4): zero-extended words */
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 28), ~0ull);
    assert_int_equal(cpu_get_gpr(m->cpu, 29), 0x1d1d1d1d);
    assert_int_equal(cpu_get_gpr(m->cpu, 31), 0x1f1f1f1f);

    /* RA in the range: QEMU 7.2 executes it, RA is overwritten by its word. */
    cpu_set_gpr(m->cpu, 30, DATA + 16);
    run_word(m, d_form(46, 30, 30, 8)); /* lmw r30,8(r30) */
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 30), 0x1e1e1e1e);
    assert_int_equal(cpu_get_gpr(m->cpu, 31), 0x1f1f1f1f);

    /* Little-endian mode: alignment interrupt, DAR untouched, RT/RA ORed into DSISR. */
    uint32_t word = d_form(46, 29, 4, 0);
    cpu_set_spr(m->cpu, SPR_DAR, 0x1234);
    cpu_set_spr(m->cpu, SPR_DSISR, 0x40000000);
    set_msr(m, MSR_HV_BE | MSR_LE);
    run_word(m, __builtin_bswap32(word));
    assert_int_equal(cpu_get_nip(m->cpu), 0x600);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE | MSR_LE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), 0x1234);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), 0x40000000 | ((word >> 16) & 0x3ff));
    assert_int_equal(cpu_get_gpr(m->cpu, 29), 0x1d1d1d1d);
}

static void test_string_loads(void **state)
{
    test_machine *m = *state;
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, DATA);
    cpu_set_gpr(m->cpu, 7, ~0ull);
    run_word(m, x_form(597, 5, 4, 7)); /* lswi r5,r4,7 */
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0x80818283);
    assert_int_equal(cpu_get_gpr(m->cpu, 6), 0x84858600); /* last register zero-padded */
    assert_int_equal(cpu_get_gpr(m->cpu, 7), ~0ull);

    /* NB=0 means 32 bytes; registers wrap from r31 to r0. */
    memset(m->mem.ram + DATA + 16, 0x11, 16);
    run_word(m, x_form(597, 26, 4, 0)); /* lswi r26,r4,32: r26..r31, r0, r1 */
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 26), 0x80818283);
    assert_int_equal(cpu_get_gpr(m->cpu, 0), 0x11111111);
    assert_int_equal(cpu_get_gpr(m->cpu, 1), 0x11111111);

    /* lswx takes the count from XER[BC]. */
    cpu_set_spr(m->cpu, SPR_XER, 5);
    cpu_set_gpr(m->cpu, 8, 8);
    run_word(m, x_form(533, 5, 4, 8)); /* lswx r5,r4,r8 */
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0x78797a7b);
    assert_int_equal(cpu_get_gpr(m->cpu, 6), 0x7c000000);

    /* XER[BC]=0: nothing is loaded. */
    cpu_set_spr(m->cpu, SPR_XER, 0);
    cpu_set_gpr(m->cpu, 5, 0x42);
    run_word(m, x_form(533, 5, 4, 8));
    assert_completed(m);
    assert_int_equal(cpu_get_gpr(m->cpu, 5), 0x42);
}

static void test_string_stores(void **state)
{
    test_machine *m = *state;
    set_msr(m, MSR_HV_BE);
    memset(m->mem.ram + DATA, 0xee, 16);
    cpu_set_gpr(m->cpu, 4, DATA);
    cpu_set_gpr(m->cpu, 5, 0xffffffff01020304ull);
    cpu_set_gpr(m->cpu, 6, 0x0506070809ull);
    run_word(m, x_form(725, 5, 4, 6)); /* stswi r5,r4,6 */
    assert_completed(m);
    assert_int_equal(tm_peek64(m, DATA), 0x0102030406070000ull | 0xeeee);

    memset(m->mem.ram + DATA, 0xee, 16);
    cpu_set_spr(m->cpu, SPR_XER, 3);
    cpu_set_gpr(m->cpu, 8, 1);
    run_word(m, x_form(661, 5, 4, 8)); /* stswx r5,r4,r8: 3 bytes at DATA+1 */
    assert_completed(m);
    assert_int_equal(tm_peek64(m, DATA), 0xee010203eeeeeeeeull);
}

static void test_string_invalid_forms(void **state)
{
    test_machine *m = *state;
    /* lswi with RA in the loaded range: HEA. */
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 6, DATA);
    uint32_t word = x_form(597, 5, 6, 8); /* lswi r5,r6,8 loads r5,r6 */
    run_word(m, word);
    assert_hea(m, word, MSR_HV_BE);
    /* RA=0 counts as r0 when the range wraps to r0. */
    set_msr(m, MSR_HV_BE);
    word = x_form(597, 31, 0, 8); /* r31, r0 */
    run_word(m, word);
    assert_hea(m, word, MSR_HV_BE);

    /* lswx with RB in the range: program interrupt (illegal instruction), as QEMU 7.2. */
    set_msr(m, MSR_HV_BE);
    cpu_set_spr(m->cpu, SPR_XER, 8);
    cpu_set_gpr(m->cpu, 3, 0x33);
    cpu_set_gpr(m->cpu, 4, DATA);
    run_word(m, x_form(533, 3, 4, 4)); /* lswx r3,r4,r4 */
    assert_program(m, MSR_HV_BE, SRR1_PROGRAM_ILLEGAL);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x33);
    assert_int_equal(cpu_get_gpr(m->cpu, 4), DATA);

    /* Little-endian mode: alignment interrupt for every string form. */
    const uint32_t le_words[] = {x_form(597, 5, 4, 4), x_form(533, 5, 4, 8), x_form(725, 5, 4, 4),
                                 x_form(661, 5, 4, 8)};
    for (size_t i = 0; i < 4; i++) {
        set_msr(m, MSR_HV_BE | MSR_LE);
        cpu_set_spr(m->cpu, SPR_DSISR, 0);
        run_word(m, __builtin_bswap32(le_words[i]));
        assert_int_equal(cpu_get_nip(m->cpu), 0x600);
        assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), (le_words[i] >> 16) & 0x3ff);
    }
}

static void test_larx_stcx(void **state)
{
    test_machine *m = *state;
    struct {
        uint32_t larx, stcx;
        unsigned size;
    } sizes[] = {
        {x_form(52, 3, 0, 4), x_form(694, 5, 0, 4) | 1, 1},
        {x_form(116, 3, 0, 4), x_form(726, 5, 0, 4) | 1, 2},
        {x_form(20, 3, 0, 4) | 1, x_form(150, 5, 0, 4) | 1, 4}, /* lwarx with EH=1 */
        {x_form(84, 3, 0, 4), x_form(214, 5, 0, 4) | 1, 8},
    };
    for (size_t i = 0; i < 4; i++) {
        unsigned n = sizes[i].size;
        fill_bytes(m, DATA, pattern, sizeof(pattern));
        set_msr(m, MSR_HV_BE);
        cpu_set_cr(m->cpu, 0);
        cpu_set_spr(m->cpu, SPR_XER, 0);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 0x1122334455667788ull);
        run_word(m, sizes[i].larx);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), tm_peek64(m, DATA) >> (64 - 8 * n));
        assert_true(m->cpu->reserve_valid);

        /* Success: stored, CR0 = EQ, reservation gone. */
        run_word(m, sizes[i].stcx);
        assert_completed(m);
        assert_int_equal(cpu_get_cr(m->cpu), 0x20000000);
        assert_int_equal(tm_peek64(m, DATA) >> (64 - 8 * n),
                         0x1122334455667788ull & (n == 8 ? ~0ull : (1ull << (8 * n)) - 1));
        assert_false(m->cpu->reserve_valid);

        /* Again without a reservation: fails, CR0 = SO copied, memory unchanged. */
        uint64_t before = tm_peek64(m, DATA);
        cpu_set_gpr(m->cpu, 5, 0);
        cpu_set_spr(m->cpu, SPR_XER, XER_SO);
        run_word(m, sizes[i].stcx);
        assert_completed(m);
        assert_int_equal(cpu_get_cr(m->cpu), 0x10000000);
        assert_int_equal(tm_peek64(m, DATA), before);
    }
}

static void test_stcx_reservation_rules(void **state)
{
    test_machine *m = *state;
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, DATA);
    cpu_set_gpr(m->cpu, 6, DATA + 8);
    cpu_set_gpr(m->cpu, 5, 0xabcdef);
    const uint32_t lwarx = x_form(20, 3, 0, 4), stwcx = x_form(150, 5, 0, 4) | 1;

    /* Different address: fails, nothing stored, reservation cleared. */
    memset(m->mem.ram + DATA, 0, 16);
    run_word(m, lwarx);
    run_word(m, x_form(150, 5, 0, 6) | 1);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 0);
    assert_int_equal(tm_peek64(m, DATA + 8), 0);
    assert_false(m->cpu->reserve_valid);

    /* Different length (lwarx then stdcx.): fails. */
    run_word(m, lwarx);
    run_word(m, x_form(214, 5, 0, 4) | 1);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 0);
    assert_int_equal(tm_peek64(m, DATA), 0);

    /* This thread's own store to the granule keeps the reservation (ISA Book II 1.7.3.1). */
    run_word(m, lwarx);
    cpu_set_gpr(m->cpu, 7, 0x99);
    run_word(m, d_form(36, 7, 4, 0)); /* stw r7,0(r4) */
    run_word(m, stwcx);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 2);
    assert_int_equal(tm_peek64(m, DATA) >> 32, 0xabcdef);

    /* stcx. with bit 31 clear decodes as stcx. too (QEMU 7.2 ignores that bit). */
    run_word(m, lwarx);
    run_word(m, stwcx & ~1u);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 2);

    /* Unaligned stcx. without a reservation: no access, no interrupt. */
    cpu_set_gpr(m->cpu, 8, DATA + 2);
    run_word(m, x_form(150, 5, 0, 8) | 1);
    assert_completed(m);
    assert_int_equal(cpu_get_cr(m->cpu) >> 28, 0);
}

static void test_larx_unaligned_alignment_interrupt(void **state)
{
    test_machine *m = *state;
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, DATA + 2);
    cpu_set_gpr(m->cpu, 3, 0x77);
    cpu_set_spr(m->cpu, SPR_DSISR, 0x55);
    uint32_t word = x_form(20, 3, 0, 4); /* lwarx r3,0,r4 */
    run_word(m, word);
    assert_int_equal(cpu_get_nip(m->cpu), 0x600);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), DATA + 2);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), 0x75); /* 0x55 | RT=3,RA=0 */
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x77);
    assert_false(m->cpu->reserve_valid);

    /* ldarx at a word-aligned address is still unaligned. */
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, DATA + 4);
    run_word(m, x_form(84, 3, 0, 4));
    assert_int_equal(cpu_get_nip(m->cpu), 0x600);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), DATA + 4);
}

static void test_cache_inhibited(void **state)
{
    test_machine *m = *state;
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    struct {
        uint32_t word;
        uint64_t expect;
    } loads[] = {
        {x_form(853, 3, 4, 5), 0x78},
        {x_form(821, 3, 4, 5), 0x7879},
        {x_form(789, 3, 4, 5), 0x78797a7b},
        {x_form(885, 3, 4, 5), 0x78797a7b7c7d7e7full},
    };
    for (size_t i = 0; i < 4; i++) {
        set_msr(m, MSR_HV_BE);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        run_word(m, loads[i].word);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), loads[i].expect);
    }
    const uint32_t stores[] = {x_form(981, 3, 4, 5), x_form(949, 3, 4, 5), x_form(917, 3, 4, 5),
                               x_form(1013, 3, 4, 5)};
    const unsigned sizes[] = {1, 2, 4, 8};
    for (size_t i = 0; i < 4; i++) {
        memset(m->mem.ram + DATA, 0, 32);
        set_msr(m, MSR_HV_BE);
        cpu_set_gpr(m->cpu, 3, 0x0102030405060708ull);
        run_word(m, stores[i]);
        assert_completed(m);
        assert_int_equal(tm_peek64(m, DATA + 8) >> (64 - 8 * sizes[i]),
                         0x0102030405060708ull &
                             (sizes[i] == 8 ? ~0ull : (1ull << (8 * sizes[i])) - 1));
    }
    /* Guest state, problem state, and HV with MSR[DR]=1: privileged program interrupt. */
    const uint64_t refused[] = {MSR_SF | MSR_ME, MSR_SF | MSR_HV | MSR_ME | MSR_PR,
                                MSR_SF | MSR_HV | MSR_ME | MSR_DR};
    for (size_t i = 0; i < 3; i++) {
        cpu_set_spr(m->cpu, SPR_LPCR, 0); /* guest RMA of 256 GiB */
        set_msr(m, refused[i]);
        cpu_set_gpr(m->cpu, 3, 0x33);
        run_word(m, loads[2].word);
        assert_program(m, refused[i], SRR1_PROGRAM_PRIV);
        assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x33);
    }
}

static void test_storage_control_no_effect(void **state)
{
    test_machine *m = *state;
    const uint32_t words[] = {
        0x7c0004ac,                                 /* sync */
        0x7c2004ac,                                 /* lwsync */
        0x7c4004ac,                                 /* ptesync */
        0x7c0006ac,                                 /* eieio */
        0x7e0006ac,                                 /* eieio with bit 6 (ignored on POWER8) */
        0x4c00012c,                                 /* isync */
        x_form(278, 0, 4, 5), x_form(278, 8, 4, 5), /* dcbt, dcbt TH=8 */
        x_form(246, 0, 4, 5),                       /* dcbtst */
        x_form(86, 0, 4, 5),  x_form(86, 1, 4, 5),  /* dcbf, dcbf L=1 */
        x_form(54, 0, 4, 5),                        /* dcbst */
        x_form(470, 0, 4, 5),                       /* dcbi (privileged, HV here) */
    };
    fill_bytes(m, DATA, pattern, sizeof(pattern));
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        set_msr(m, MSR_HV_BE);
        cpu_set_gpr(m->cpu, 4, DATA);
        cpu_set_gpr(m->cpu, 5, 8);
        run_word(m, words[i]);
        assert_completed(m);
        assert_int_equal(cpu_get_gpr(m->cpu, 4), DATA);
        assert_memory_equal(m->mem.ram + DATA, pattern, sizeof(pattern));
    }
    /* Reserved bits and non-POWER8 forms: HEA. */
    const uint32_t invalid[] = {
        0x7c0004ad,           /* sync with bit 31 */
        0x7c8004ac,           /* sync with bit 8 */
        0x4c00012d,           /* isync with bit 31 */
        x_form(86, 2, 4, 5),  /* dcbf L=2 */
        x_form(982, 1, 4, 5), /* icbi with bit 10 */
        x_form(22, 0, 4, 5),  /* icbt: not POWER8 in QEMU 7.2 */
        x_form(758, 0, 4, 5), /* dcba: likewise */
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        set_msr(m, MSR_HV_BE);
        run_word(m, invalid[i]);
        assert_hea(m, invalid[i], MSR_HV_BE);
    }
    /* dcbi from problem state: privileged program interrupt. */
    set_msr(m, MSR_HV_BE | MSR_PR);
    run_word(m, x_form(470, 0, 4, 5));
    assert_program(m, MSR_HV_BE | MSR_PR, SRR1_PROGRAM_PRIV);
}

static void test_dcbz(void **state)
{
    test_machine *m = *state;
    memset(m->mem.ram + DATA, 0xff, 0x200);
    set_msr(m, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, DATA + 0x80);
    cpu_set_gpr(m->cpu, 5, 0x45); /* anywhere inside the block */
    cpu_set_gpr(m->cpu, 6, 0);
    run_word(m, x_form(20, 3, 4, 6)); /* lwarx r3,r4,r6 at the block start */
    assert_true(m->cpu->reserve_valid);
    run_word(m, x_form(1014, 0, 4, 5)); /* dcbz r4,r5 */
    assert_completed(m);
    for (unsigned i = 0; i < 0x200; i++)
        assert_int_equal(m->mem.ram[DATA + i], (i >= 0x80 && i < 0x100) ? 0 : 0xff);
    assert_false(m->cpu->reserve_valid);

    /* dcbz with bit 10 set is accepted (dcbzl encoding, same block size on POWER8); in
     * little-endian mode it works too. */
    memset(m->mem.ram + DATA, 0xff, 0x200);
    set_msr(m, MSR_HV_BE | MSR_LE);
    run_word(m, __builtin_bswap32(x_form(1014, 1, 4, 5)));
    assert_completed(m);
    assert_int_equal(tm_peek64(m, DATA + 0xf8), 0);
    assert_int_equal(tm_peek64(m, DATA + 0x100), ~0ull);
}

/* A store over already-decoded code: the new word is what executes. */
static void test_store_invalidates_decoded_code(void **state)
{
    test_machine *m = *state;
    const uint32_t li_r3_1 = 0x38600001, li_r3_2 = 0x38600002;
    tm_poke(m, 0x2000, &li_r3_1, 1);
    set_msr(m, MSR_HV_BE);
    cpu_set_nip(m->cpu, 0x2000);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 1);

    cpu_set_gpr(m->cpu, 4, li_r3_2);
    cpu_set_gpr(m->cpu, 5, 0x2000);
    run_word(m, d_form(36, 4, 5, 0)); /* stw r4,0(r5) */
    cpu_set_nip(m->cpu, 0x2000);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 2);
}

/* Code changed behind the decoded-code cache (as another agent's DMA would): the stale word
 * runs until icbi drops it. */
static void test_icbi_invalidates_decoded_code(void **state)
{
    test_machine *m = *state;
    const uint32_t li_r3_1 = 0x38600001;
    tm_poke(m, 0x2040, &li_r3_1, 1);
    set_msr(m, MSR_HV_BE);
    cpu_set_nip(m->cpu, 0x2040);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 1);

    m->mem.ram[0x2043] = 0x03; /* li r3,3 without telling the CPU */
    cpu_set_nip(m->cpu, 0x2040);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 1); /* still the decoded word */

    cpu_set_gpr(m->cpu, 5, 0x2044);    /* any address in the block */
    run_word(m, x_form(982, 0, 0, 5)); /* icbi 0,r5 */
    assert_completed(m);
    cpu_set_nip(m->cpu, 0x2040);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tm_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_loads_big_endian),
        T(test_loads_little_endian),
        T(test_indexed_loads),
        T(test_update_forms),
        T(test_stores_both_byte_orders),
        T(test_store_update_forms),
        T(test_update_invalid_forms_raise_hea),
        T(test_byte_reverse),
        T(test_load_store_multiple),
        T(test_string_loads),
        T(test_string_stores),
        T(test_string_invalid_forms),
        T(test_larx_stcx),
        T(test_stcx_reservation_rules),
        T(test_larx_unaligned_alignment_interrupt),
        T(test_cache_inhibited),
        T(test_storage_control_no_effect),
        T(test_dcbz),
        T(test_store_invalidates_decoded_code),
        T(test_icbi_invalidates_decoded_code),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
