/*
 * The hcall path scenarios of the firmware, each once, for the QEMU reference trace
 * (traces/trace_scenarios.qemu.log.gz):
 *   - H_TOO_HARD fallback: H_PUT_TCE with an unknown liobn (real mode gives up, the host says
 *     H_PARAMETER);
 *   - table miss on a zero entry (H_CLEAR_MOD) and past the end (0x128, the first number the
 *     cmpldi against the table end rejects): full exit, H_FUNCTION;
 *   - an illegal instruction (HEA 0xe40 in the hypervisor) reflected as a program interrupt to
 *     the guest's 0x700;
 *   - a decrementer interrupt at a fixed instruction boundary (below).
 * Control flow must not depend on TB or DEC values: QEMU's run on host time, thousands of ticks
 * per logged instruction.  Nothing is printed (every console character is a full exit); the exit
 * status has one bit per failed scenario.
 */
#include "guest.h"

#define UNKNOWN_LIOBN   0x12345678UL
#define PAST_TABLE_END  0x128UL /* hcall_real_table_end - hcall_real_table */
#define SRR1_PROGILL    0x80000UL
#define MSR_EE          0x8000UL
#define DEC_FAR         0x7fffffffUL
#define DEC_NEGATIVE    0xffffffffUL /* -1: the exception exists as soon as it is written */
#define FAILED_TOO_HARD 0x01
#define FAILED_ZERO     0x02
#define FAILED_PAST_END 0x04
#define FAILED_ILLEGAL  0x08
#define FAILED_DEC      0x10

static volatile int program_taken, dec_taken;
static volatile uint64_t program_srr1, dec_srr0;

static void on_program(struct guest_regs *regs)
{
    program_taken++;
    program_srr1 = regs->srr1;
    regs->srr0 += 4; /* skip the illegal instruction */
}

static void on_decrementer(struct guest_regs *regs)
{
    dec_taken++;
    dec_srr0 = regs->srr0;
    guest_mtspr(22, DEC_FAR); /* ends the exception before rfid sets MSR[EE] again */
}

/*
 * With MSR[EE] = 0: DEC = DEC_FAR (no exception, whatever DEC held), then DEC = -1 (exception);
 * mtmsrd L=1 sets EE and the interrupt is taken at the next boundary, SRR0 = dec_expected_srr0.
 * The handler moves DEC far away, so the second mtmsrd clears EE before DEC can expire again.
 */
extern const char dec_expected_srr0[];
static int decrementer_at_boundary(void)
{
    __asm__ volatile("mtmsrd %0,1\n\t"
                     "mtspr 22,%1\n\t"
                     "mtspr 22,%2\n\t"
                     "mtmsrd %3,1\n"
                     "dec_expected_srr0:\n\t"
                     "nop\n\t"
                     "mtmsrd %0,1"
                     :
                     : "r"(0UL), "r"(DEC_FAR), "r"(DEC_NEGATIVE), "r"(MSR_EE)
                     : "memory");
    return dec_taken == 1 && dec_srr0 == (uint64_t)(uintptr_t)dec_expected_srr0;
}

static int illegal_instruction_reflected(void)
{
    __asm__ volatile(".long 0" ::: "memory"); /* HEA 0xe40 in the hypervisor */
    return program_taken == 1 && (program_srr1 & SRR1_PROGILL);
}

int main(void *fdt)
{
    int failed = 0;

    (void)fdt;
    guest_set_handler(0x700, on_program);
    guest_set_handler(0x900, on_decrementer);
    if (plpar_tce_put(UNKNOWN_LIOBN, 0, 1) != H_PARAMETER) failed |= FAILED_TOO_HARD;
    if (plpar_hcall_norets(H_CLEAR_MOD, 0UL, 0UL) != H_FUNCTION) failed |= FAILED_ZERO;
    if (plpar_hcall_norets(PAST_TABLE_END) != H_FUNCTION) failed |= FAILED_PAST_END;
    if (!illegal_instruction_reflected()) failed |= FAILED_ILLEGAL;
    if (!decrementer_at_boundary()) failed |= FAILED_DEC;
    return failed;
}
