/* Instruction encoders and a run helper shared by the cycle-model tests. */
#ifndef HCALLSIM_TESTS_TEST_TIMING_ENCODE_H
#define HCALLSIM_TESTS_TEST_TIMING_ENCODE_H

#include "test_system_encode.h"

#include "cpu/timing.h"

static inline uint32_t t_d(uint32_t op, unsigned rt, unsigned ra, int d)
{
    return op | rt << 21 | ra << 16 | ((uint32_t)d & 0xffff);
}
static inline uint32_t t_x(uint32_t op, unsigned rt, unsigned ra, unsigned rb)
{
    return op | rt << 21 | ra << 16 | rb << 11;
}
#define T_ADDI(rt, ra, v)      t_d(0x38000000u, rt, ra, v)
#define T_ADDIC(rt, ra, v)     t_d(0x30000000u, rt, ra, v)
#define T_ORI(ra, rs, v)       t_d(0x60000000u, rs, ra, v)
#define T_LD(rt, ra, d)        t_d(0xe8000000u, rt, ra, d)
#define T_STD(rs, ra, d)       t_d(0xf8000000u, rs, ra, d)
#define T_LWZ(rt, ra, d)       t_d(0x80000000u, rt, ra, d)
#define T_LWZU(rt, ra, d)      t_d(0x84000000u, rt, ra, d)
#define T_STW(rs, ra, d)       t_d(0x90000000u, rs, ra, d)
#define T_STWU(rs, ra, d)      t_d(0x94000000u, rs, ra, d)
#define T_LMW(rt, ra, d)       t_d(0xb8000000u, rt, ra, d)
#define T_LFD(frt, ra, d)      t_d(0xc8000000u, frt, ra, d)
#define T_ADD(rt, ra, rb)      t_x(0x7c000214u, rt, ra, rb)
#define T_ADDE(rt, ra, rb)     t_x(0x7c000114u, rt, ra, rb)
#define T_OR(ra, rs, rb)       t_x(0x7c000378u, rs, ra, rb)
#define T_STWCX(rs, ra, rb)    (t_x(0x7c00012cu, rs, ra, rb) | 1u)
#define T_SRAWI(ra, rs, sh)    t_x(0x7c000670u, rs, ra, sh)
#define T_CMPW(bf, ra, rb)     t_x(0x7c000000u, (bf) << 2, ra, rb)
#define T_MTCRF(fxm, rs)       (0x7c000120u | (rs) << 21 | (fxm) << 12)
#define T_MFOCRF(rt, fxm)      (0x7c100026u | (rt) << 21 | (fxm) << 12)
#define T_MFCR(rt)             (0x7c000026u | (rt) << 21)
#define T_ISEL(rt, ra, rb, bc) (t_x(0x7c00001eu, rt, ra, rb) | (bc) << 6)
#define T_RLWIMI(ra, rs, sh, mb, me)                                                               \
    (0x50000000u | (rs) << 21 | (ra) << 16 | (sh) << 11 | (mb) << 6 | (me) << 1)
#define T_CRXOR(d, a, b)  t_x(0x4c000182u, d, a, b)
#define T_MFVSRD(ra, xs)  (0x7c000066u | (xs) << 21 | (ra) << 16)
#define T_BC(bo, bi, off) (0x40000000u | (bo) << 21 | (bi) << 16 | ((uint32_t)(off)&0xfffc))
#define T_B(off)          (0x48000000u | ((uint32_t)(off)&0x03fffffc))
#define T_BL(off)         (T_B(off) | 1u)
#define T_BLR             0x4e800020u
#define T_BCTR            0x4e800420u
#define T_BCTRL           0x4e800421u
#define T_TRAP            0x7fe00008u /* tw 31,0,0 */
#define T_BO_ALWAYS       20
#define T_BO_DNZ          16

#define T_CODE 0x1000u  /* code starts on a 128-byte line */
#define T_DATA 0x20000u /* data, on its own lines */

/* A CPU in hypervisor real mode with a cycle model attached. */
typedef struct timing_test {
    test_machine *m;
    timing_profile p;
    timing_model *t;
} timing_test;

static inline void tt_init(timing_test *tt, void **state, const char *profile)
{
    char err[256];
    tt->m = *state;
    assert_true(timing_load_profile(profile, &tt->p, err, sizeof err));
    tt->t = timing_create(&tt->p);
    assert_non_null(tt->t);
    spr_reset(tt->m->cpu);
    cpu_set_dec(tt->m->cpu, 0x7fffffffu);
    cpu_set_msr(tt->m->cpu, MSR_SF | MSR_HV | MSR_ME);
}

/* Re-creates the model from tt->p after a test changed a parameter. */
static inline void tt_reprofile(timing_test *tt)
{
    timing_destroy(tt->t);
    tt->t = timing_create(&tt->p);
    assert_non_null(tt->t);
}

static inline void tt_load(timing_test *tt, uint64_t pa, const uint32_t *words, size_t n)
{
    tm_poke(tt->m, pa, words, n);
}

/* Runs `steps` from `pc` under the model; returns the counters. */
static inline timing_counters tt_run(timing_test *tt, uint64_t pc, uint64_t steps)
{
    cpu_set_nip(tt->m->cpu, pc);
    cpu_run_observed(tt->m->cpu, steps, timing_observer(tt->t));
    timing_counters c;
    timing_read(tt->t, &c);
    /* the books always balance */
    uint64_t sum = c.base;
    for (unsigned i = 0; i < TIMING_STALL__COUNT; i++)
        sum += c.stall[i];
    assert_int_equal(sum, c.cycles);
    return c;
}

static inline void tt_fini(timing_test *tt)
{
    timing_destroy(tt->t);
}

#endif
