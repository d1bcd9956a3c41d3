/*
 * Hostile guest: every hcall number the firmware knows (and the numbers around and far past
 * its table) with out-of-range and crafted arguments in r4..r12.  Every call must come back
 * with a PAPR return code; the out-of-range cases named in the firmware issue must get the
 * architected one.  The host side (tests/unit/test_hostile.c) checks that the firmware's memory
 * outside the structures the calls may change is unchanged.  Exit status = failed checks.
 *
 * Not swept (they are hcall_all's business): H_CEDE (idles until the decrementer), H_SET_SPRG0
 * (the runtime keeps its interrupt scratch in SPRGs), RTAS power-off (ends the run).
 */
#include <stdarg.h>
#include "guest.h"

#define HPT_NPTE  (1UL << 14)
#define SWEEP_END 0x400UL /* hcall numbers 0 .. 0x3fc: the table (to 0x124) and far past it */

static uint64_t partition_end = 0x2000000UL;

static long hcall(unsigned long op, int nargs, ...)
{
    uint64_t regs[10] = {op};
    va_list ap;

    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        regs[1 + i] = va_arg(ap, uint64_t);
    va_end(ap);
    plpar_hcall_raw(regs);
    return (long)regs[0];
}

static long hcall_all_args(unsigned long op, uint64_t value)
{
    uint64_t regs[10] = {op};

    for (int i = 1; i < 10; i++)
        regs[i] = value;
    plpar_hcall_raw(regs);
    return (long)regs[0];
}

static int is_papr_status(long rc)
{
    return rc == H_SUCCESS || rc == H_BUSY || (rc <= H_HARDWARE && rc >= H_RESERVED_DABR) ||
           rc == H_P2 || rc == H_UNSUPPORTED_FLAG;
}

static int skipped(unsigned long op)
{
    return op == H_CEDE || op == H_SET_SPRG0;
}

/* Every hcall number with every argument register set to one hostile value. */
static void sweep(void)
{
    const uint64_t values[] = {
        ~0UL,
        1UL << 63,
        0x7fffffffffffffffUL,
        partition_end,
        partition_end - 4,
        partition_end + 0x1000,
        0xc000000000000000UL | partition_end,
        0x100000000UL,
    };
    int bad = 0;

    for (unsigned long op = 0; op < SWEEP_END; op += 4) {
        if (skipped(op)) continue;
        for (unsigned v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            long rc = hcall_all_args(op, values[v]);
            if (!is_papr_status(rc)) {
                guest_printf("FAIL hcall 0x%lx args 0x%lx: rc %ld\n", op, values[v], rc);
                bad++;
            }
        }
    }
    guest_failures += bad;
    CHECK(!bad, "sweep of hcalls 0..0x%lx x 8 hostile argument values: PAPR status codes",
          SWEEP_END - 4);
}

static void out_of_range(void)
{
    CHECK(hcall(H_ENTER, 4, 0UL, HPT_NPTE, 0x1UL, 0x10UL) == H_PARAMETER,
          "H_ENTER pte_index = table size");
    CHECK(hcall(H_ENTER, 4, 0UL, ~0UL, 0x1UL, 0x10UL) == H_PARAMETER, "H_ENTER pte_index = -1");
    CHECK(hcall(H_ENTER, 4, 0UL, 0UL, 0x1UL, partition_end | 0x12) == H_PARAMETER,
          "H_ENTER page outside the partition");
    CHECK(hcall(H_REMOVE, 3, 0UL, HPT_NPTE, 0UL) == H_PARAMETER, "H_REMOVE pte_index = size");
    CHECK(hcall(H_REMOVE, 3, 0UL, 1UL << 63, 0UL) == H_PARAMETER, "H_REMOVE pte_index = 2^63");
    CHECK(hcall(H_READ, 2, 0UL, HPT_NPTE) == H_PARAMETER, "H_READ pte_index = size");
    CHECK(hcall(H_PROTECT, 3, 0UL, ~0UL, 0UL) == H_PARAMETER, "H_PROTECT pte_index = -1");
    CHECK(hcall(H_BULK_REMOVE, 2, 0x4000000000000000UL | HPT_NPTE, 0UL) == H_PARAMETER,
          "H_BULK_REMOVE pte_index = size");
    CHECK(hcall(H_PUT_TCE, 3, 0x10000000UL, ~0UL, 1UL) == H_PARAMETER, "H_PUT_TCE ioba = -1");
    CHECK(hcall(H_PUT_TCE, 3, 0x10000000UL, 1UL << 63, 1UL) == H_PARAMETER,
          "H_PUT_TCE ioba = 2^63");
    CHECK(hcall(H_PUT_TCE, 3, ~0UL, 0UL, 1UL) == H_PARAMETER, "H_PUT_TCE liobn = -1");
    CHECK(hcall(H_GET_TCE, 2, 0x80000000UL, 0x100000UL) == H_PARAMETER, "H_GET_TCE ioba = window");
    CHECK(hcall(H_RTAS, 1, ~0UL) == H_PARAMETER, "H_RTAS args at -1");
    CHECK(hcall(H_RTAS, 1, partition_end - 8) == H_PARAMETER, "H_RTAS args straddle the end");
    CHECK(hcall(H_RTAS, 1, 0x1002UL) == H_PARAMETER, "H_RTAS args misaligned");
    CHECK(hcall(H_PAGE_INIT, 3, 0UL, partition_end, 0UL) == H_PARAMETER,
          "H_PAGE_INIT destination outside the partition");
    CHECK(hcall(H_PAGE_INIT, 3, H_COPY_PAGE, 0x10000UL, partition_end) == H_PARAMETER,
          "H_PAGE_INIT copy source outside the partition");
    CHECK(hcall(H_PUT_TERM_CHAR, 4, 0UL, 17UL, 0UL, 0UL) == H_PARAMETER,
          "H_PUT_TERM_CHAR 17 bytes");
    CHECK(hcall(H_IPI, 2, 1UL, 0UL) == H_PARAMETER, "H_IPI server 1");
    CHECK(hcall(0x128, 0) == H_FUNCTION, "hcall 0x128 (just past the table)");
    CHECK(hcall(1UL << 63, 0) == H_FUNCTION, "hcall 2^63");
    CHECK(hcall(~0UL & ~3UL, 0) == H_FUNCTION, "hcall -4");
    CHECK(hcall(H_SET_DABR, 1, 0UL) == H_SUCCESS, "H_SET_DABR 0 (clears the sweep's DAWR)");
}

int main(void *fdt)
{
    partition_end = fdt_memory_size(fdt, partition_end);
    sweep();
    out_of_range();
    guest_printf("hostile_hcalls: %d failures\n", guest_failures);
    return guest_failures;
}
