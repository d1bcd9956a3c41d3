/*
 * sc 1 from the guest's own problem state.  The guest maps its user page through the HPT
 * (H_ENTER, SLB entry 0 with Kp), drops to problem state (PR=1 forces IR=DR=1) and issues:
 *   sc 1  -> hypervisor: MSR[PR] set, so hcall_try_real_mode takes the full exit and the host
 *            reflects it to the guest's 0xc00 vector (r3 untouched, SRR1[PR] = 1);
 *   sc    -> straight to the guest's 0xc00 vector;
 *   sc with r0 = USER_DONE -> back to supervisor state.
 */
#include "guest.h"

#define VSID        0x123UL
#define SLB_ESID_V  0x08000000UL
#define SLB_VSID_KP 0x400UL
#define HPT_NPTEG   (1UL << 11) /* 256 KiB HPT */
#define MSR_SF      0x8000000000000000UL
#define MSR_USER    (MSR_SF | 0x1000 | 0x4000 | 0x20 | 0x10) /* SF ME PR IR DR */
#define USER_DONE   0x1dea
#define SC1_WORD    0x44000022u
#define SC0_WORD    0x44000002u

extern const uint32_t user_entry[];
__asm__(".section \".text.user\", \"ax\"\n"
        ".balign 4096\n"
        "user_entry:\n"
        "    li 3, 0x58\n" /* H_PUT_TERM_CHAR: must not run, the guest OS gets it */
        "    li 4, 0\n"
        "    .long 0x44000022\n" /* sc 1 */
        "    mr 20, 3\n"
        "    li 3, 0x11\n"
        "    sc\n" /* sc 0 */
        "    mr 21, 3\n"
        "    li 0, 0x1dea\n"
        "    sc\n"
        "    b .\n"
        ".previous\n");

static struct {
    int count;
    uint32_t insn[2];
    uint64_t srr1[2], r3[2], r20, r21;
} seen;
static uint64_t supervisor_msr;

static void on_syscall(struct guest_regs *regs)
{
    if (regs->gpr[0] == USER_DONE) {
        seen.r20 = regs->gpr[20];
        seen.r21 = regs->gpr[21];
        regs->srr0 = (uint64_t)(uintptr_t)guest_user_return;
        regs->srr1 = supervisor_msr;
        return;
    }
    if (seen.count < 2) {
        seen.insn[seen.count] = *(const uint32_t *)(uintptr_t)(regs->srr0 - 4);
        seen.srr1[seen.count] = regs->srr1;
        seen.r3[seen.count] = regs->gpr[3];
    }
    regs->gpr[3] = 0x100 + (uint64_t)seen.count++; /* the "system call" result */
}

static void on_decrementer(struct guest_regs *regs)
{
    guest_mtspr(22, 0x7fffffffUL);
}

/* Map the 4 KiB page at EA = guest real address ea, 1:1, user read/write */
static long map_user_page(uint64_t ea)
{
    uint64_t hash = (VSID ^ ((ea & 0x0fffffffUL) >> 12)) & (HPT_NPTEG - 1);
    uint64_t pteh = (VSID << 12) | (((ea & 0x0fffffffUL) >> 23) << 7) | 1;
    uint64_t ptel = (ea & ~0xfffUL) | 0x10 | 2; /* M, PP = 2: read/write for key 1 */

    return plpar_hcall_norets(H_ENTER, 0UL, hash * 8, pteh, ptel);
}

int main(void *fdt)
{
    uint64_t entry = (uint64_t)(uintptr_t)user_entry;

    guest_set_handler(0xc00, on_syscall);
    guest_set_handler(0x900, on_decrementer);
    guest_mtspr(22, 0x7fffffffUL); /* problem state runs with MSR[EE] = 1 */
    CHECK(map_user_page(entry) == H_SUCCESS, "H_ENTER maps the user page at 0x%lx", entry);
    __asm__ volatile("slbia; slbmte %0,%1; isync"
                     :
                     : "r"((VSID << 12) | SLB_VSID_KP), "r"(SLB_ESID_V)
                     : "memory");
    supervisor_msr = mfmsr();
    guest_run_user(entry, MSR_USER);
    guest_printf("GUEST: back from problem state\n");

    CHECK(seen.count == 2, "two system calls reached the guest's 0xc00 vector (%d)", seen.count);
    CHECK(seen.insn[0] == SC1_WORD && (seen.srr1[0] & 0x4000) && seen.r3[0] == 0x58,
          "sc 1 from problem state reflected: insn 0x%x SRR1 0x%lx r3 0x%lx", seen.insn[0],
          seen.srr1[0], seen.r3[0]);
    CHECK(seen.insn[1] == SC0_WORD && (seen.srr1[1] & 0x4000) && seen.r3[1] == 0x11,
          "sc 0 from problem state: insn 0x%x SRR1 0x%lx", seen.insn[1], seen.srr1[1]);
    CHECK(seen.r20 == 0x100 && seen.r21 == 0x101, "results delivered to problem state: %lx %lx",
          seen.r20, seen.r21);
    return guest_failures;
}
