/*
 * Hostile guest: privileged and hypervisor instructions where the architecture forbids them.
 *   - From the guest's own problem state (MSR[PR] = 1 through rfid; PR forces IR = DR = 1, so the
 *     attempts run from a user page mapped with H_ENTER and an SLB entry): mfmsr, mtmsr(d), rfid,
 *     mtspr/mfspr of privileged SPRs (SRR0/1, SPRG0, DEC, DAR, DSISR), tlbie(l), slbmte, slbie,
 *     slbia; hypervisor instructions (hrfid, mtspr/mfspr HSRR0, LPCR, HRMOR, HDEC, HSPRG0,
 *     LPIDR, SDR1, doze, nap, sleep, rvwinkle, msgsnd, msgclr).  Each must raise the Program
 * interrupt at the guest's own 0x700 with SRR1 bit 45 (privileged instruction, 0x40000) and
 * SRR1[PR] set, SRR0 = the instruction.  Then `sc 1`: the hypervisor reflects it to the guest's
 * 0xc00 with SRR1[PR] set and r3 (an hcall number) untouched.
 *   - From the guest's supervisor state: the hypervisor-only instructions above, each a
 *     Program interrupt (privileged) at 0x700 with SRR1[PR] clear (QEMU 7.2 CHK_HV and the SPR
 *     table's hypervisor access).
 * The host test checks that the hypervisor state and the firmware's memory stayed unchanged.
 * Exit status = failed checks.
 */
#include "guest.h"

#define VSID        0x321UL
#define SLB_ESID_V  0x08000000UL
#define SLB_VSID_KP 0x400UL
#define HPT_NPTEG   (1UL << 11) /* 256 KiB HPT */
#define MSR_PR      0x4000UL
#define MSR_USER    (0x8000000000000000UL | 0x1000 | MSR_PR | 0x20 | 0x10) /* SF ME PR IR DR */
#define SRR1_PRIV   0x40000UL /* SRR1 bit 45: privileged instruction */
#define USER_DONE   0x1dea
#define PAGE_WORDS  1024

/* Instruction images (register operands r5/r6: never written by an attempt that faults) */
#define SPR_FIELD(n)     ((((n)&0x1fu) << 5 | ((n) >> 5)) << 11)
#define MTSPR(n)         (0x7ca003a6u | SPR_FIELD(n)) /* mtspr n,r5 */
#define MFSPR(n)         (0x7ca002a6u | SPR_FIELD(n)) /* mfspr r5,n */
#define X_FORM(xo, rb)   (0x7c000000u | 5u << 21 | (rb) << 11 | (xo) << 1)
#define XL_FORM(xo)      (0x4c000000u | (xo) << 1)
#define LI(rt, v)        (0x38000000u | (rt) << 21 | (v))
#define SC1              0x44000022u
#define SC0              0x44000002u
#define BLR              0x4e800020u
#define H_PUT_TERM_CHAR_ 0x58 /* r3 for the sc 1: must reach the guest, not the hypervisor */

typedef struct attempt {
    uint32_t word;
    const char *what;
    uint64_t srr1_accepted; /* program interrupt reasons accepted besides "privileged" */
} attempt;

/* Privileged (not hypervisor) instructions: forbidden in problem state only */
static const attempt privileged[] = {
    {X_FORM(83, 0), "mfmsr r5", 0},
    {X_FORM(146, 0), "mtmsr r5", 0},
    {X_FORM(178, 0), "mtmsrd r5,0", 0},
    {X_FORM(178, 0) | 1u << 16, "mtmsrd r5,1", 0},
    {XL_FORM(18), "rfid", 0},
    {MTSPR(26), "mtspr SRR0,r5", 0},
    {MTSPR(27), "mtspr SRR1,r5", 0},
    {MFSPR(26), "mfspr r5,SRR0", 0},
    {MTSPR(272), "mtspr SPRG0,r5", 0},
    {MFSPR(272), "mfspr r5,SPRG0", 0},
    {MTSPR(22), "mtspr DEC,r5", 0},
    {MFSPR(22), "mfspr r5,DEC", 0},
    {MFSPR(19), "mfspr r5,DAR", 0},
    {MTSPR(18), "mtspr DSISR,r5", 0},
    {X_FORM(402, 6), "slbmte r5,r6", 0},
    {X_FORM(434, 6) & ~(31u << 21), "slbie r6", 0},
    {X_FORM(498, 0) & ~(31u << 21), "slbia", 0},
};

/* Hypervisor instructions: forbidden in problem and in (guest) supervisor state */
static const attempt hypervisor[] = {
    {XL_FORM(274), "hrfid", 0},
    {MTSPR(314), "mtspr HSRR0,r5", 0},
    {MFSPR(314), "mfspr r5,HSRR0", 0},
    {MTSPR(315), "mtspr HSRR1,r5", 0},
    {MTSPR(318), "mtspr LPCR,r5", 0},
    {MFSPR(318), "mfspr r5,LPCR", 0},
    {MTSPR(313), "mtspr HRMOR,r5", 0},
    {MTSPR(312), "mtspr RMOR,r5", 0},
    {MTSPR(310), "mtspr HDEC,r5", 0},
    {MFSPR(310), "mfspr r5,HDEC", 0},
    {MTSPR(304), "mtspr HSPRG0,r5", 0},
    {MFSPR(305), "mfspr r5,HSPRG1", 0},
    {MTSPR(319), "mtspr LPIDR,r5", 0},
    {MTSPR(25), "mtspr SDR1,r5", 0},
    {X_FORM(306, 6) & ~(31u << 21), "tlbie r6", 0},
    {X_FORM(274, 6) & ~(31u << 21), "tlbiel r6", 0},
    {XL_FORM(402), "doze", 0},
    {XL_FORM(434), "nap", 0},
    {XL_FORM(466), "sleep", 0},
    {XL_FORM(498), "rvwinkle", 0},
    {X_FORM(206, 6) & ~(31u << 21), "msgsnd r6", 0},
    {X_FORM(238, 6) & ~(31u << 21), "msgclr r6", 0},
};

#define N_PRIV (sizeof(privileged) / sizeof(privileged[0]))
#define N_HYP  (sizeof(hypervisor) / sizeof(hypervisor[0]))
#define N_MAX  (N_PRIV + N_HYP + 1)

static uint32_t page[PAGE_WORDS] __attribute__((aligned(4096)));

static struct {
    unsigned count;
    uint64_t vec[N_MAX], srr0[N_MAX], srr1[N_MAX], r3[N_MAX];
} seen;
static uint64_t supervisor_msr;

static void on_interrupt(struct guest_regs *regs)
{
    if (regs->vec == 0x900) { /* a decrementer is no attempt: push it away, resume */
        guest_mtspr(22, 0x7fffffffUL);
        return;
    }
    if (regs->vec == 0xc00 && regs->gpr[0] == USER_DONE) { /* back to supervisor state */
        regs->srr0 = (uint64_t)(uintptr_t)guest_user_return;
        regs->srr1 = supervisor_msr;
        return;
    }
    if (seen.count < N_MAX) {
        seen.vec[seen.count] = regs->vec;
        seen.srr0[seen.count] = regs->srr0;
        seen.srr1[seen.count] = regs->srr1;
        seen.r3[seen.count] = regs->gpr[3];
    }
    seen.count++;
    if (regs->vec != 0xc00) regs->srr0 += 4; /* SRR0 of sc is already the next instruction */
}

/* Appends the attempts' words to the page at *n */
static void emit(unsigned *n, const attempt *list, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        page[(*n)++] = list[i].word;
}

static void sync_icache(void)
{
    for (unsigned i = 0; i < PAGE_WORDS; i += 32)
        __asm__ volatile("dcbst 0,%0; sync; icbi 0,%0" : : "r"(&page[i]) : "memory");
    __asm__ volatile("sync; isync" : : : "memory");
}

/* Checks seen[first + i] against the attempts, which start at page word `at`. */
static void check_program(const attempt *list, unsigned count, unsigned first, unsigned at,
                          uint64_t pr)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned k = first + i;
        uint64_t addr = (uint64_t)(uintptr_t)&page[at + i];
        CHECK(k < seen.count && seen.vec[k] == 0x700 && seen.srr0[k] == addr &&
                  (seen.srr1[k] & (SRR1_PRIV | list[i].srr1_accepted)) &&
                  (seen.srr1[k] & MSR_PR) == pr,
              "%s %s (0x%08x): program interrupt, privileged (vec 0x%lx SRR0 0x%lx SRR1 0x%lx)",
              pr ? "problem state:" : "supervisor:", list[i].what, list[i].word,
              k < N_MAX ? seen.vec[k] : 0, k < N_MAX ? seen.srr0[k] : 0,
              k < N_MAX ? seen.srr1[k] : 0);
    }
}

/* Map the 4 KiB page at EA = guest real address ea, 1:1, user read/write (as problem_sc) */
static long map_user_page(uint64_t ea)
{
    uint64_t hash = (VSID ^ ((ea & 0x0fffffffUL) >> 12)) & (HPT_NPTEG - 1);
    uint64_t pteh = (VSID << 12) | (((ea & 0x0fffffffUL) >> 23) << 7) | 1;
    uint64_t ptel = (ea & ~0xfffUL) | 0x10 | 2; /* M, PP = 2: read/write for key 1 */

    return plpar_hcall_norets(H_ENTER, 0UL, hash * 8, pteh, ptel);
}

static void problem_state_attempts(void)
{
    unsigned n = 0;
    page[n++] = LI(3, H_PUT_TERM_CHAR_);
    page[n++] = LI(4, 0);
    const unsigned priv_at = n;
    emit(&n, privileged, N_PRIV);
    const unsigned hyp_at = n;
    emit(&n, hypervisor, N_HYP);
    const unsigned sc1_at = n;
    page[n++] = SC1;
    page[n++] = LI(0, USER_DONE);
    page[n++] = SC0;
    sync_icache();

    uint64_t entry = (uint64_t)(uintptr_t)page;
    CHECK(map_user_page(entry) == H_SUCCESS, "H_ENTER maps the user page at 0x%lx", entry);
    __asm__ volatile("slbia; slbmte %0,%1; isync"
                     :
                     : "r"((VSID << 12) | SLB_VSID_KP), "r"(SLB_ESID_V)
                     : "memory");
    seen.count = 0;
    supervisor_msr = mfmsr();
    guest_run_user(entry, MSR_USER);

    CHECK(seen.count == N_PRIV + N_HYP + 1, "%u interrupts from problem state (expected %u)",
          seen.count, (unsigned)(N_PRIV + N_HYP + 1));
    check_program(privileged, N_PRIV, 0, priv_at, MSR_PR);
    check_program(hypervisor, N_HYP, N_PRIV, hyp_at, MSR_PR);
    unsigned k = N_PRIV + N_HYP;
    CHECK(k < seen.count && seen.vec[k] == 0xc00 &&
              seen.srr0[k] == (uint64_t)(uintptr_t)&page[sc1_at + 1] && (seen.srr1[k] & MSR_PR) &&
              seen.r3[k] == H_PUT_TERM_CHAR_,
          "problem state: sc 1 reflected to the guest's 0xc00 (vec 0x%lx SRR0 0x%lx SRR1 0x%lx "
          "r3 0x%lx)",
          k < N_MAX ? seen.vec[k] : 0, k < N_MAX ? seen.srr0[k] : 0, k < N_MAX ? seen.srr1[k] : 0,
          k < N_MAX ? seen.r3[k] : 0);
}

/* The hypervisor instructions run in place from supervisor state (real mode), then blr */
static void supervisor_attempts(void)
{
    unsigned n = 0;
    emit(&n, hypervisor, N_HYP);
    page[n++] = BLR;
    sync_icache();
    seen.count = 0;
    __asm__ volatile("mtctr %0; bctrl"
                     :
                     : "r"(page)
                     : "lr", "ctr", "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
                       "r12", "cr0", "cr1", "cr5", "cr6", "cr7", "xer", "memory");
    CHECK(seen.count == N_HYP, "%u interrupts from supervisor state (expected %u)", seen.count,
          (unsigned)N_HYP);
    check_program(hypervisor, N_HYP, 0, 0, 0);
}

int main(void *fdt)
{
    guest_mtspr(22, 0x7fffffffUL);
    for (unsigned vec = 0x200; vec <= 0xf80; vec += 0x20)
        guest_set_handler(vec, on_interrupt);
    supervisor_attempts();
    problem_state_attempts();
    guest_printf("hostile_privileged: %d failures\n", guest_failures);
    return guest_failures;
}
