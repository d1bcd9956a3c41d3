/* Benchmark (c)-(e): an hcall storm.  STORM_CALLS H_PUT_TCE calls, each a full round trip
 * through the firmware's real-mode path (sc 1, the KVM-style entry, kvmppc_rm_h_put_tce, hrfid),
 * then one console line with the count of failures, and power-off through RTAS. */
#include "guest.h"

#ifndef STORM_CALLS
#define STORM_CALLS 1000000
#endif
#define LIOBN 0x10000000UL
#define IOBA  0x2000UL
#define TCE   0x12345003UL /* RPN 0x12345, read|write */

int main(void *fdt)
{
    unsigned long failed = 0;
    for (unsigned long i = 0; i < STORM_CALLS; i++)
        if (plpar_tce_put(LIOBN, IOBA, TCE + ((i & 0xff) << 12)) != H_SUCCESS) failed++;
    guest_printf("storm: %lu H_PUT_TCE calls, %lu failed\n", (unsigned long)STORM_CALLS, failed);
    return failed ? 1 : 0;
}
