/*
 * Hostile guest: storage and instructions a partition may not use.
 *   - loads and stores beyond its RMA (guest real addresses at and past the partition's end,
 *     with the top address bits set, huge ones): Data Storage interrupt 0x300 with
 *     DSISR[protection] (LPCR[VPM0] = 0: no VRMA), and nothing written anywhere;
 *   - jumps outside the RMA and to the firmware's link addresses: Instruction Storage 0x400;
 *   - hypervisor and privileged instructions from supervisor state (hypervisor SPRs, hrfid,
 *     tlbie, msgsnd, attn, nap...): a Program interrupt (privileged or illegal), the hypervisor
 *     state untouched (checked by the host test through the machine's SPRs); an FP instruction
 *     with MSR[FP] = 0: FP Unavailable.
 * The last word of the partition must still be writable.  Exit status = failed checks.
 */
#include "guest.h"

#define DSISR_PROTECT 0x08000000UL
#define SRR1_ISI_PROT 0x08000000UL
#define SRR1_PRIV     0x40000UL
#define SRR1_ILLEGAL  0x80000UL

static uint64_t partition_end = 0x2000000UL;

static volatile struct {
    unsigned count;
    uint64_t vec, srr0, srr1, dar, dsisr;
    int to_lr; /* resume at the saved LR (after a jump) rather than after the instruction */
} seen;

static void on_interrupt(struct guest_regs *regs)
{
    seen.count++;
    seen.vec = regs->vec;
    seen.srr0 = regs->srr0;
    seen.srr1 = regs->srr1;
    seen.dar = guest_mfspr(19);
    seen.dsisr = guest_mfspr(18);
    regs->srr0 = seen.to_lr ? regs->lr : regs->srr0 + 4;
}

static void reset_seen(int to_lr)
{
    seen.count = 0;
    seen.vec = seen.srr0 = seen.srr1 = seen.dar = seen.dsisr = 0;
    seen.to_lr = to_lr;
}

static void store_beyond(uint64_t ea)
{
    reset_seen(0);
    __asm__ volatile("std %1,0(%0)" : : "b"(ea), "r"(0x0badc0de0badc0deUL) : "memory");
    CHECK(seen.count == 1 && seen.vec == 0x300 && (seen.dsisr & DSISR_PROTECT) && seen.dar == ea,
          "store at guest real 0x%lx: DSI (vec 0x%lx DSISR 0x%lx DAR 0x%lx)", ea, seen.vec,
          seen.dsisr, seen.dar);
}

static void load_beyond(uint64_t ea)
{
    uint64_t v = 0x1234;

    reset_seen(0);
    __asm__ volatile("ld %0,0(%1)" : "+r"(v) : "b"(ea) : "memory");
    CHECK(seen.count == 1 && seen.vec == 0x300 && v == 0x1234,
          "load at guest real 0x%lx: DSI, target unchanged (vec 0x%lx)", ea, seen.vec);
}

static void jump_to(uint64_t target)
{
    reset_seen(1);
    __asm__ volatile("mtctr %0; bctrl" : : "r"(target) : "lr", "ctr", "memory");
    CHECK(seen.count == 1 && seen.vec == 0x400 && (seen.srr1 & SRR1_ISI_PROT) &&
              seen.srr0 == target,
          "jump to 0x%lx: ISI (vec 0x%lx SRR0 0x%lx SRR1 0x%lx)", target, seen.vec, seen.srr0,
          seen.srr1);
}

/* One instruction word executed in place; it must raise a Program interrupt. */
#define FORBIDDEN(word, what)                                                                      \
    do {                                                                                           \
        reset_seen(0);                                                                             \
        __asm__ volatile(".long " #word : : : "memory");                                           \
        CHECK(seen.count == 1 && seen.vec == 0x700 && (seen.srr1 & (SRR1_PRIV | SRR1_ILLEGAL)),    \
              "%s (" #word "): program interrupt, SRR1 0x%lx", what, seen.srr1);                   \
    } while (0)

static void forbidden_instructions(void)
{
    FORBIDDEN(0x7c7a4ba6, "mtspr HSRR0 (314), r3");
    FORBIDDEN(0x7c7e4ba6, "mtspr LPCR (318), r3");
    FORBIDDEN(0x7c7f4ba6, "mtspr LPIDR (319), r3");
    FORBIDDEN(0x7c794ba6, "mtspr HRMOR (313), r3");
    FORBIDDEN(0x7c704ba6, "mtspr HSPRG0 (304), r3");
    FORBIDDEN(0x7c7903a6, "mtspr SDR1 (25), r3");
    FORBIDDEN(0x7c764ba6, "mtspr HDEC (310), r3");
    FORBIDDEN(0x7c7a4aa6, "mfspr r3, HSRR0 (314)");
    FORBIDDEN(0x7c704aa6, "mfspr r3, HSPRG0 (304)");
    FORBIDDEN(0x4c000224, "hrfid");
    FORBIDDEN(0x7c001a64, "tlbie r3");
    FORBIDDEN(0x7c00019c, "msgsnd r0");
    FORBIDDEN(0x4c000364, "nap");
    FORBIDDEN(0x00000200, "attn");
    FORBIDDEN(0x00000000, "word 0");

    reset_seen(0);
    __asm__ volatile(".long 0xffffffff" : : : "memory"); /* fnmadd. with MSR[FP] = 0 */
    CHECK(seen.count == 1 && seen.vec == 0x800, "word 0xffffffff (fnmadd.): FP unavailable (0x%lx)",
          seen.vec);
}

int main(void *fdt)
{
    partition_end = fdt_memory_size(fdt, partition_end);
    for (unsigned vec = 0x200; vec <= 0xf80; vec += 0x20)
        if (vec != 0xc00) guest_set_handler(vec, on_interrupt);

    volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(partition_end - 8);
    *last = 0x5a5a5a5a5a5a5a5aUL;
    CHECK(*last == 0x5a5a5a5a5a5a5a5aUL, "the partition's last doubleword is writable");

    store_beyond(partition_end);
    store_beyond(partition_end + 0x1000);
    store_beyond(0x0fffffffffff0000UL);
    store_beyond(0x7ffffffffffffff8UL);
    load_beyond(partition_end);
    load_beyond(0x0ffffffffffffff8UL);

    jump_to(partition_end);
    jump_to(0xc000000000000000UL | partition_end); /* the firmware link base */
    jump_to(0x0ffffffffffff000UL);

    forbidden_instructions();
    guest_printf("hostile_access: %d failures\n", guest_failures);
    return guest_failures;
}
