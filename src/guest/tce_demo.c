/* The seed's demo: plpar_tce_put(H_PUT_TCE) handled by the real-mode kvmppc_h_put_tce. */
#include "guest.h"

#define LIOBN 0x10000000UL
#define IOBA  0x2000UL
#define TCE   0x12345003UL /* RPN 0x12345, read|write */

int main(void *fdt)
{
    uint64_t ret[4];
    long rc = plpar_tce_put(LIOBN, IOBA, TCE), rc_get;

    guest_printf("H_PUT_TCE liobn=0x%lx ioba=0x%lx tce=0x%lx: rc=%ld (%s)\n", LIOBN, IOBA, TCE, rc,
                 rc == H_SUCCESS ? "H_SUCCESS" : "error");
    rc_get = plpar_hcall(H_GET_TCE, ret, LIOBN, IOBA);
    guest_printf("H_GET_TCE liobn=0x%lx ioba=0x%lx: rc=%ld tce=0x%lx\n", LIOBN, IOBA, rc_get,
                 ret[0]);
    return rc == H_SUCCESS && rc_get == H_SUCCESS && ret[0] == TCE ? 0 : 1;
}
