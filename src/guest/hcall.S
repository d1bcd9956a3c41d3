/* Guest hcall wrappers, as Linux pseries hvCall.S (no hcall tracing). */
#include "hv/ppc_asm.h"

#define HCALL_INST_PRECALL(r)
#define HCALL_INST_POSTCALL_NORETS
#define STK_PARAM(n) (48 + ((n) - 3) * 8) /* ELFv1 parameter save area */

_GLOBAL(plpar_hcall_norets)
    HMT_MEDIUM

    mfcr r0
    stw r0, 8(r1)

    HCALL_INST_PRECALL(R4)

    HVSC /* invoke the hypervisor */

    HCALL_INST_POSTCALL_NORETS

    lwz r0, 8(r1)
    mtcrf 0xff, r0
    blr /* return r3 = status */

_GLOBAL(plpar_hcall)
    HMT_MEDIUM

    mfcr r0
    stw r0, 8(r1)

    std r4, STK_PARAM(R4)(r1) /* save ret buffer */

    mr r4, r5
    mr r5, r6
    mr r6, r7
    mr r7, r8
    mr r8, r9
    mr r9, r10

    HVSC /* invoke the hypervisor */

    ld r12, STK_PARAM(R4)(r1)
    std r4, 0(r12)
    std r5, 8(r12)
    std r6, 16(r12)
    std r7, 24(r12)

    lwz r0, 8(r1)
    mtcrf 0xff, r0
    blr /* return r3 = status */

/* r3 = &regs[10]: r3..r12 loaded from and stored back to the array */
_GLOBAL(plpar_hcall_raw)
    mfcr r0
    stw r0, 8(r1)
    std r31, -8(r1) /* red zone */
    mr r31, r3
    ld r4, 8(r31)
    ld r5, 16(r31)
    ld r6, 24(r31)
    ld r7, 32(r31)
    ld r8, 40(r31)
    ld r9, 48(r31)
    ld r10, 56(r31)
    ld r11, 64(r31)
    ld r12, 72(r31)
    ld r3, 0(r31)
    HVSC
    std r3, 0(r31)
    std r4, 8(r31)
    std r5, 16(r31)
    std r6, 24(r31)
    std r7, 32(r31)
    std r8, 40(r31)
    std r9, 48(r31)
    std r10, 56(r31)
    std r11, 64(r31)
    std r12, 72(r31)
    ld r31, -8(r1)
    lwz r0, 8(r1)
    mtcrf 0xff, r0
    blr
