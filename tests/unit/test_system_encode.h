/* Instruction encoders and run helpers shared by the Book III-S tests (test_system.c,
 * test_interrupts.c, test_timebase.c). */
#ifndef HCALLSIM_TESTS_TEST_SYSTEM_ENCODE_H
#define HCALLSIM_TESTS_TEST_SYSTEM_ENCODE_H

#include "test_cpu.h"

#define W_NOP     0x60000000u /* ori 0,0,0 */
#define W_RFID    0x4c000024u
#define W_HRFID   0x4c000224u
#define W_SC0     0x44000002u
#define W_SC1     0x44000022u
#define W_TLBSYNC 0x7c00046cu
#define W_FADD    0xfc22182au /* fadd f1,f2,f3 */

static inline uint32_t w_spr(uint32_t base, unsigned reg, unsigned spr)
{
    return base | reg << 21 | (spr & 31) << 16 | (spr >> 5) << 11;
}
static inline uint32_t w_mfspr(unsigned rt, unsigned spr)
{
    return w_spr(0x7c0002a6u, rt, spr);
}
static inline uint32_t w_mtspr(unsigned spr, unsigned rs)
{
    return w_spr(0x7c0003a6u, rs, spr);
}
static inline uint32_t w_mftb(unsigned rt, unsigned tbr)
{
    return w_spr(0x7c0002e6u, rt, tbr);
}
static inline uint32_t w_li(unsigned rt, int v)
{
    return 0x38000000u | rt << 21 | (v & 0xffff);
}
static inline uint32_t w_mfmsr(unsigned rt)
{
    return 0x7c0000a6u | rt << 21;
}
static inline uint32_t w_mtmsr(unsigned rs, unsigned l)
{
    return 0x7c000124u | rs << 21 | l << 16;
}
static inline uint32_t w_mtmsrd(unsigned rs, unsigned l)
{
    return 0x7c000164u | rs << 21 | l << 16;
}
static inline uint32_t w_xrs_rb(uint32_t base, unsigned rs, unsigned rb)
{
    return base | rs << 21 | rb << 11;
}

/* tm_setup plus QEMU's SPR reset values and a DEC far from expiring: DEC is 0xffffffff (negative,
 * level-triggered) after cpu_create, which would interrupt as soon as MSR[EE]=1. */
static inline int tsys_setup(void **state)
{
    int rc = tm_setup(state);
    if (rc == 0) {
        test_machine *m = *state;
        spr_reset(m->cpu);
        cpu_set_dec(m->cpu, 0x7fffffffu);
    }
    return rc;
}

/* Run `n` words poked at `pa` starting there. */
static inline cpu_exit tm_run_words(test_machine *m, uint64_t pa, const uint32_t *words, size_t n,
                                    uint64_t steps)
{
    tm_poke(m, pa, words, n);
    cpu_set_nip(m->cpu, pa);
    return cpu_run(m->cpu, steps);
}

/* Execute one word at the current NIP without fetching it: problem state forces IR=DR=1 and
 * there is no MMU yet, so PR=1 cases are decoded and executed directly, through the same
 * decode-time privilege gate as the run loop. */
static inline insn_result tm_exec_word(test_machine *m, uint32_t word)
{
    ppc_insn insn;
    insn_decode(word, &insn);
    m->cpu->current_insn = &insn;
    insn_result r = insn.exec(m->cpu, &insn);
    m->cpu->current_insn = NULL;
    if (r == INSN_NEXT) m->cpu->nip += 4;
    return r;
}

#endif
