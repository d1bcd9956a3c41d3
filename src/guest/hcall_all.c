/*
 * Calls every hcall of hcall_real_table, the host-side (full exit) hcalls, the fallback and
 * table-miss paths, RTAS and the interrupt reflections, and checks every result.
 * Exit status = number of failed checks.
 */
#include <stdarg.h>
#include "guest.h"

#define LIOBN0       0x10000000UL
#define LIOBN1       0x80000000UL
#define WINDOW0      0x200000UL
#define PTE_GROUP    64UL /* HPTE index 512: PTEG 64 */
#define PTE_INDEX    (PTE_GROUP * 8)
#define HPT_NPTE     (1UL << 14)
#define PTEH(avpn)   (((uint64_t)(avpn) << 7) | 1) /* AVPN field, VALID */
#define PTEL(gpa)    ((uint64_t)(gpa) | 0x10 | 2)  /* M, PP = 2 */
#define SCRATCH      0x800000UL                    /* guest real pages for H_PAGE_INIT */
#define SRR1_PROGILL 0x80000UL

/* The partition's size from the device tree: addresses from here on are outside it. */
static uint64_t partition_end = 0x2000000UL;

/* r3 = op, r4.. = args; out[0..7] = r4..r11 after the call; returns r3 */
static long hcall(uint64_t out[8], unsigned long op, int nargs, ...)
{
    uint64_t regs[10] = {op};
    va_list ap;

    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        regs[1 + i] = va_arg(ap, uint64_t);
    va_end(ap);
    plpar_hcall_raw(regs);
    for (int i = 0; out && i < 8; i++)
        out[i] = regs[1 + i];
    return (long)regs[0];
}

static void check_tce(void)
{
    uint64_t o[8];

    CHECK(plpar_tce_put(LIOBN0, 0x3000, 0xabc003) == H_SUCCESS, "H_PUT_TCE real mode");
    CHECK(hcall(o, H_GET_TCE, 2, LIOBN0, 0x3000UL) == H_SUCCESS && o[0] == 0xabc003,
          "H_GET_TCE reads it back: 0x%lx", o[0]);
    CHECK(plpar_tce_put(LIOBN0, 0x3fff, 0x1) == H_SUCCESS &&
              hcall(o, H_GET_TCE, 2, LIOBN0, 0x3000UL) == H_SUCCESS && o[0] == 0x1,
          "H_PUT_TCE ignores the low 12 ioba bits");
    CHECK(plpar_tce_put(LIOBN0, WINDOW0, 0x1) == H_PARAMETER, "H_PUT_TCE ioba = window");
    CHECK(plpar_tce_put(LIOBN0, ~0UL, 0x1) == H_PARAMETER, "H_PUT_TCE ioba = -1");
    CHECK(plpar_tce_put(0x12345678, 0, 0x1) == H_PARAMETER,
          "H_PUT_TCE unknown liobn: H_TOO_HARD fallback, host says H_PARAMETER");
    CHECK(plpar_tce_put(LIOBN0 | (1UL << 32), 0, 0x1) == H_PARAMETER,
          "H_PUT_TCE liobn compared in 64 bits");
    CHECK(plpar_hcall_norets(H_PUT_TCE | 3, LIOBN1, 0x1000, 0x5003) == H_SUCCESS &&
              hcall(o, H_GET_TCE, 2, LIOBN1, 0x1000UL) == H_SUCCESS && o[0] == 0x5003,
          "hcall number low bits ignored in real mode (0x23 = H_PUT_TCE)");
    CHECK(hcall(o, H_GET_TCE, 2, LIOBN1, 0x100000UL) == H_PARAMETER, "H_GET_TCE past window");
    CHECK(hcall(o, H_GET_TCE, 2, 0x77UL, 0UL) == H_PARAMETER, "H_GET_TCE unknown liobn");
}

static void check_hpt(void)
{
    uint64_t o[8];
    long rc;
    int i;

    rc = hcall(o, H_ENTER, 4, 0UL, PTE_INDEX + 3, PTEH(0x100), PTEL(0x10000));
    CHECK(rc == H_SUCCESS && o[0] == PTE_INDEX, "H_ENTER first free slot of the PTEG: %ld %lu", rc,
          o[0]);
    CHECK(hcall(o, H_ENTER, 4, H_EXACT, PTE_INDEX, PTEH(0x101), PTEL(0x11000)) == H_PTEG_FULL,
          "H_ENTER H_EXACT on a used slot");
    CHECK(hcall(o, H_ENTER, 4, H_EXACT, PTE_INDEX + 5, PTEH(0x105), PTEL(0x15000)) == H_SUCCESS &&
              o[0] == PTE_INDEX + 5,
          "H_ENTER H_EXACT on a free slot");
    for (i = 0; i < 6; i++)
        rc = hcall(o, H_ENTER, 4, 0UL, PTE_INDEX, PTEH(0x110 + i), PTEL(0x20000 + 0x1000 * i));
    CHECK(rc == H_SUCCESS, "H_ENTER fills the PTEG");
    CHECK(hcall(o, H_ENTER, 4, 0UL, PTE_INDEX, PTEH(0x120), PTEL(0x30000)) == H_PTEG_FULL,
          "H_ENTER into a full PTEG");
    CHECK(hcall(o, H_ENTER, 4, 0UL, HPT_NPTE, PTEH(0x121), PTEL(0x30000)) == H_PARAMETER,
          "H_ENTER pte_index = npte");
    CHECK(hcall(o, H_ENTER, 4, 0UL, ~0UL, PTEH(0x121), PTEL(0x30000)) == H_PARAMETER,
          "H_ENTER pte_index = -1");
    CHECK(hcall(o, H_ENTER, 4, 0UL, 0UL, PTEH(0x121), PTEL(partition_end)) == H_PARAMETER,
          "H_ENTER page outside the partition");
    CHECK(hcall(o, H_ENTER, 4, 0UL, 0UL, PTEH(0x121) | 4, PTEL(0x37000)) == H_PARAMETER,
          "H_ENTER invalid large-page encoding");

    rc = hcall(o, H_READ, 2, 0UL, (uint64_t)PTE_INDEX);
    CHECK(rc == H_SUCCESS && o[0] == PTEH(0x100) && o[1] == PTEL(0x10000),
          "H_READ returns V and the guest view of R: 0x%lx 0x%lx", o[0], o[1]);
    rc = hcall(o, H_READ, 2, H_READ_4, (uint64_t)PTE_INDEX + 6);
    CHECK(rc == H_SUCCESS && o[0] == PTEH(0x113) && o[2] == PTEH(0x105) && o[4] == PTEH(0x114) &&
              o[6] == PTEH(0x115) && o[3] == PTEL(0x15000),
          "H_READ_4 reads the aligned group of four: 0x%lx 0x%lx", o[0], o[6]);
    CHECK(hcall(o, H_READ, 2, 0UL, HPT_NPTE) == H_PARAMETER, "H_READ pte_index = npte");

    CHECK(hcall(o, H_PROTECT, 3, H_AVPN | 1, (uint64_t)PTE_INDEX, 0x55UL) == H_NOT_FOUND,
          "H_PROTECT with a wrong AVPN");
    CHECK(hcall(o, H_PROTECT, 3, H_AVPN | 1, (uint64_t)PTE_INDEX, PTEH(0x100) & ~0x7fUL) ==
                  H_SUCCESS &&
              hcall(o, H_READ, 2, 0UL, (uint64_t)PTE_INDEX) == H_SUCCESS && (o[1] & 3) == 1,
          "H_PROTECT sets PP = 1: R = 0x%lx", o[1]);

    CHECK(hcall(o, H_REMOVE, 3, H_AVPN, (uint64_t)PTE_INDEX, 0x55UL) == H_NOT_FOUND,
          "H_REMOVE with a wrong AVPN");
    CHECK(hcall(o, H_REMOVE, 3, H_ANDCOND, (uint64_t)PTE_INDEX, 0x100UL << 7) == H_NOT_FOUND,
          "H_REMOVE with a failing ANDCOND");
    rc = hcall(o, H_REMOVE, 3, H_AVPN, (uint64_t)PTE_INDEX, PTEH(0x100) & ~0x7fUL);
    CHECK(rc == H_SUCCESS && o[0] == PTEH(0x100) && (o[1] & ~3UL) == (PTEL(0x10000) & ~3UL),
          "H_REMOVE returns the old HPTE: 0x%lx 0x%lx", o[0], o[1]);
    CHECK(hcall(o, H_REMOVE, 3, 0UL, (uint64_t)PTE_INDEX, 0UL) == H_NOT_FOUND,
          "H_REMOVE of a removed entry");
    CHECK(hcall(o, H_REMOVE, 3, 0UL, ~0UL, 0UL) == H_PARAMETER, "H_REMOVE pte_index = -1");

    /* bulk: remove +1 (absolute), +0 (now empty: not found), +2 with AVPN, then end */
    rc = hcall(o, H_BULK_REMOVE, 8, H_BULK_REMOVE_REQUEST | (PTE_INDEX + 1), 0UL,
               H_BULK_REMOVE_REQUEST | PTE_INDEX, 0UL,
               H_BULK_REMOVE_REQUEST | (2UL << 56) | (PTE_INDEX + 2), PTEH(0x111) & ~0x7fUL,
               H_BULK_REMOVE_END, 0UL);
    CHECK(rc == H_SUCCESS && o[0] >> 56 == 0x80 && (o[0] & H_BULK_REMOVE_PTEX) == PTE_INDEX + 1 &&
              o[2] >> 56 == 0x90 && o[4] >> 56 == 0x82,
          "H_BULK_REMOVE responses 0x%lx 0x%lx 0x%lx", o[0], o[2], o[4]);
    rc = hcall(o, H_BULK_REMOVE, 8, H_BULK_REMOVE_RESPONSE | 5, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL);
    CHECK(rc == H_PARAMETER && o[0] >> 56 == 0xa0, "H_BULK_REMOVE garbage type: 0x%lx", o[0]);
    rc = hcall(o, H_BULK_REMOVE, 8, H_BULK_REMOVE_REQUEST | H_BULK_REMOVE_PTEX, 0UL, 0UL, 0UL, 0UL,
               0UL, 0UL, 0UL);
    CHECK(rc == H_PARAMETER, "H_BULK_REMOVE pte_index out of range");
}

static void check_xics(void)
{
    uint64_t o[8];

    CHECK(plpar_hcall_norets(H_CPPR, 0xffUL) == H_SUCCESS, "H_CPPR 0xff");
    CHECK(hcall(o, H_XIRR, 0) == H_SUCCESS && o[0] == 0xff000000, "H_XIRR nothing pending: 0x%lx",
          o[0]);
    CHECK(plpar_hcall_norets(H_IPI, 0UL, 5UL) == H_SUCCESS, "H_IPI to self, priority 5");
    CHECK(hcall(o, H_XIRR, 0) == H_SUCCESS && o[0] == 0xff000002, "H_XIRR accepts the IPI: 0x%lx",
          o[0]);
    CHECK(plpar_hcall_norets(H_IPI, 0UL, 0xffUL) == H_SUCCESS, "H_IPI clear MFRR");
    CHECK(plpar_hcall_norets(H_EOI, 0xff000002UL) == H_SUCCESS, "H_EOI");
    CHECK(hcall(o, H_XIRR, 0) == H_SUCCESS && o[0] == 0xff000000, "H_XIRR after EOI: 0x%lx", o[0]);
    CHECK(plpar_hcall_norets(H_IPI, 1UL, 5UL) == H_PARAMETER, "H_IPI unknown server");
}

static volatile int dec_taken;
static void on_decrementer(struct guest_regs *regs)
{
    dec_taken++;
    guest_mtspr(22, 0x7fffffffUL); /* DEC far away */
}

static volatile int program_taken;
static volatile uint64_t program_srr1;
static void on_program(struct guest_regs *regs)
{
    program_taken++;
    program_srr1 = regs->srr1;
    regs->srr0 += 4; /* skip the illegal instruction */
}

static void check_cede_and_reflection(void)
{
    long rc;

    CHECK(plpar_hcall_norets(H_SET_DABR, 0UL) == H_SUCCESS, "H_SET_DABR");
    guest_set_handler(0x900, on_decrementer);
    guest_mtspr(22, 50000UL); /* about 0.1 ms at 512 MHz */
    rc = plpar_hcall_norets(H_CEDE);
    __asm__ volatile("nop; nop; nop" ::: "memory"); /* the decrementer interrupt lands here */
    CHECK(rc == H_SUCCESS && (mfmsr() & 0x8000) && dec_taken == 1,
          "H_CEDE idles until the decrementer fires, returns with MSR[EE] = 1 (%d)", dec_taken);
    __asm__ volatile("mtmsrd %0,1" : : "r"(0UL) : "memory"); /* EE off again */

    guest_set_handler(0x700, on_program);
    __asm__ volatile(".long 0" ::: "memory"); /* illegal: HEA 0xe40 in the hypervisor */
    CHECK(program_taken == 1 && (program_srr1 & SRR1_PROGILL),
          "illegal instruction reflected as program interrupt, SRR1 = 0x%lx", program_srr1);
}

static void check_host_hcalls(void)
{
    uint64_t o[8];
    volatile uint64_t *page = (volatile uint64_t *)SCRATCH;

    CHECK(plpar_hcall_norets(H_SET_SPRG0, 0x5a5a1234UL) == H_SUCCESS &&
              guest_mfspr(272) == 0x5a5a1234UL,
          "H_SET_SPRG0 and read back");
    CHECK(plpar_hcall_norets(H_SET_MODE, 0UL, (uint64_t)H_SET_MODE_RESOURCE_LE) == H_SUCCESS,
          "H_SET_MODE big-endian interrupts");
    CHECK(plpar_hcall_norets(H_SET_MODE, 0UL, 3UL) == H_P2, "H_SET_MODE unknown resource");
    page[0] = 0x1111;
    page[512] = 0x2222; /* the next page */
    CHECK(plpar_hcall_norets(H_PAGE_INIT, H_COPY_PAGE, SCRATCH, SCRATCH + 0x1000) == H_SUCCESS &&
              page[0] == 0x2222,
          "H_PAGE_INIT copy");
    CHECK(plpar_hcall_norets(H_PAGE_INIT, H_ZERO_PAGE, SCRATCH, 0UL) == H_SUCCESS && page[0] == 0,
          "H_PAGE_INIT zero");
    CHECK(plpar_hcall_norets(H_PAGE_INIT, H_ZERO_PAGE, SCRATCH + 8, 0UL) == H_PARAMETER,
          "H_PAGE_INIT unaligned");
    CHECK(plpar_hcall_norets(H_PAGE_INIT, H_ZERO_PAGE, partition_end, 0UL) == H_PARAMETER,
          "H_PAGE_INIT outside the partition");
    CHECK(plpar_hcall_norets(H_PAGE_INIT, H_COPY_PAGE, SCRATCH, ~0xfffUL) == H_PARAMETER,
          "H_PAGE_INIT source outside the partition");
    CHECK(hcall(o, H_RANDOM, 0) == H_SUCCESS, "H_RANDOM 0x%lx", o[0]);
    CHECK(hcall(o, H_GET_TERM_CHAR, 1, 0UL) == H_SUCCESS && o[0] == 0, "H_GET_TERM_CHAR empty");
    CHECK(plpar_hcall_norets(H_PUT_TERM_CHAR, 0UL, 3UL, 0x4f4b0a00UL << 32) == H_SUCCESS,
          "H_PUT_TERM_CHAR three bytes (\"OK\\n\" above)");
    CHECK(plpar_hcall_norets(H_PUT_TERM_CHAR, 1UL, 1UL, 0UL) == H_PARAMETER,
          "H_PUT_TERM_CHAR unknown vty");
    CHECK(plpar_hcall_norets(H_PUT_TERM_CHAR, 0UL, 17UL, 0UL) == H_PARAMETER,
          "H_PUT_TERM_CHAR 17 bytes");
    CHECK(plpar_hcall_norets(H_CLEAR_MOD, 0UL, 0UL) == H_FUNCTION,
          "zero table entry (H_CLEAR_MOD): full exit, H_FUNCTION");
    CHECK(plpar_hcall_norets(0x2000UL) == H_FUNCTION, "past the table end: H_FUNCTION");
    CHECK(plpar_hcall_norets(0x301UL) == H_FUNCTION, "host side rejects opcode & 3");
    CHECK(plpar_hcall_norets(~0UL) == H_FUNCTION, "opcode -1");
}

static void check_rtas(void)
{
    uint32_t r[8];
    int st;

    st = rtas_call(RTAS_GET_TIME_OF_DAY, 0, 8, r);
    CHECK(st == 0 && r[0] >= 2024 && r[1] >= 1 && r[1] <= 12, "get-time-of-day %u-%02u-%02u", r[0],
          r[1], r[2]);
    st = rtas_call(RTAS_SET_TIME_OF_DAY, 7, 1, NULL, 2030, 6, 15, 12, 30, 0, 0);
    CHECK(st == 0, "set-time-of-day");
    st = rtas_call(RTAS_GET_TIME_OF_DAY, 0, 8, r);
    CHECK(st == 0 && r[0] == 2030 && r[1] == 6 && r[2] == 15 && r[3] == 12 && r[4] == 30,
          "get-time-of-day after set: %u-%02u-%02u %02u:%02u", r[0], r[1], r[2], r[3], r[4]);
    CHECK(rtas_call(RTAS_SET_TIME_OF_DAY, 7, 1, NULL, 2030, 13, 1, 0, 0, 0, 0) == -3,
          "set-time-of-day month 13");
    CHECK(rtas_call(RTAS_DISPLAY_CHARACTER, 1, 1, NULL, '*') == 0, "display-character");
    CHECK(rtas_call(0x7777, 0, 1, NULL) == -3, "unknown RTAS token");
    CHECK(plpar_hcall_norets(H_RTAS, partition_end) == H_PARAMETER, "H_RTAS block outside");
    CHECK(plpar_hcall_norets(H_RTAS, partition_end - 8) == H_PARAMETER,
          "H_RTAS block straddles end");
    CHECK(plpar_hcall_norets(H_RTAS, 0x1001UL) == H_PARAMETER, "H_RTAS unaligned block");
}

int main(void *fdt)
{
    partition_end = fdt_memory_size(fdt, partition_end);
    check_tce();
    check_hpt();
    check_xics();
    check_cede_and_reflection();
    check_host_hcalls();
    check_rtas();
    guest_printf("hcall_all: %d failures\n", guest_failures);
    return guest_failures;
}
