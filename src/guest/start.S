/*
 * Guest entry and interrupt vectors.  The guest is entered at its load address (0x400000 guest
 * real) with r3 = FDT, possibly in 32-bit mode as on QEMU pseries; it sets MSR[SF] itself.
 * vector_stub is copied to each guest real vector 0x100..0xf60 with the vector number patched
 * into its li; every vector funnels into guest_vec_common, which saves the whole register frame,
 * calls guest_interrupt(frame) in C and returns with rfid through the (possibly updated) frame.
 */
#include "hv/ppc_asm.h"

#define FRAME_LR   256
#define FRAME_CTR  264
#define FRAME_CR   272
#define FRAME_XER  280
#define FRAME_SRR0 288
#define FRAME_SRR1 296
#define FRAME_VEC  304
#define GUEST_STACK_SIZE 0x8000

    .section ".text.start", "ax"
    .globl _start
_start:
    mfmsr r11
    li r12, 1
    rldicr r12, r12, 63, 0
    or r11, r11, r12
    mtmsrd r11
    isync
    mr r31, r3
    LOAD_REG_IMMEDIATE(r3, __bss_start)
    LOAD_REG_IMMEDIATE(r4, __bss_end)
    li r0, 0
1:  cmpld r3, r4
    bge 2f
    std r0, 0(r3)
    addi r3, r3, 8
    b 1b
2:  LOAD_REG_IMMEDIATE(r1, guest_stack + GUEST_STACK_SIZE - HV_FRAME_MIN)
    std r0, 0(r1)
    LOAD_REG_IMMEDIATE(r2, guest_toc_base)
    ld r2, 0(r2)
    mr r3, r31
    bl .guest_runtime_start
    b .

    .section ".text"
    .globl vector_stub, vector_stub_end
vector_stub:
    mtspr SPRN_SPRG1, r3
    li r3, 0 /* patched: vector number */
    ba guest_vec_common
vector_stub_end:

guest_vec_common:
    mtspr SPRN_SPRG2, r4
    LOAD_REG_IMMEDIATE(r4, guest_int_frame)
    std r0, 0(r4)
    std r1, 8(r4)
    std r2, 16(r4)
    mfspr r0, SPRN_SPRG1
    std r0, 24(r4)
    mfspr r0, SPRN_SPRG2
    std r0, 32(r4)
    .irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    std r\n, \n*8(r4)
    .endr
    std r3, FRAME_VEC(r4)
    mflr r0
    std r0, FRAME_LR(r4)
    mfctr r0
    std r0, FRAME_CTR(r4)
    mfcr r0
    std r0, FRAME_CR(r4)
    mfxer r0
    std r0, FRAME_XER(r4)
    mfspr r0, SPRN_SRR0
    std r0, FRAME_SRR0(r4)
    mfspr r0, SPRN_SRR1
    std r0, FRAME_SRR1(r4)
    LOAD_REG_IMMEDIATE(r1, guest_int_stack + GUEST_STACK_SIZE - HV_FRAME_MIN)
    li r0, 0
    std r0, 0(r1)
    LOAD_REG_IMMEDIATE(r2, guest_toc_base)
    ld r2, 0(r2)
    mr r3, r4
    bl .guest_interrupt
    LOAD_REG_IMMEDIATE(r4, guest_int_frame)
    ld r0, FRAME_SRR0(r4)
    mtspr SPRN_SRR0, r0
    ld r0, FRAME_SRR1(r4)
    mtspr SPRN_SRR1, r0
    ld r0, FRAME_LR(r4)
    mtlr r0
    ld r0, FRAME_CTR(r4)
    mtctr r0
    ld r0, FRAME_CR(r4)
    mtcr r0
    ld r0, FRAME_XER(r4)
    mtxer r0
    ld r0, 0(r4)
    ld r1, 8(r4)
    ld r2, 16(r4)
    ld r3, 24(r4)
    .irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld r\n, \n*8(r4)
    .endr
    ld r4, 32(r4)
    rfid
    b .

    .section ".rodata"
    .align 3
guest_toc_base:
    .quad .TOC.@tocbase

    .section ".bss"
    .align 7
    .globl guest_int_frame
guest_int_frame:
    .space 320
guest_stack:
    .space GUEST_STACK_SIZE
guest_int_stack:
    .space GUEST_STACK_SIZE

/*
 * guest_run_user(entry, msr): enter problem state at entry with rfid; comes back (to the caller
 * of guest_run_user) when an interrupt handler resumes at guest_user_return in supervisor state.
 */
#define USER_FRAME (HV_FRAME_MIN + 20 * 8)
_GLOBAL(guest_run_user)
    mflr r0
    std r0, 16(r1)
    stdu r1, -USER_FRAME(r1)
    std r2, 40(r1)
    .irp n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    std r\n, HV_FRAME_MIN + (\n - 14) * 8(r1)
    .endr
    LOAD_REG_IMMEDIATE(r5, guest_user_saved_r1)
    std r1, 0(r5)
    mtspr SPRN_SRR0, r3
    mtspr SPRN_SRR1, r4
    rfid

    .globl guest_user_return
guest_user_return:
    LOAD_REG_IMMEDIATE(r5, guest_user_saved_r1)
    ld r1, 0(r5)
    ld r2, 40(r1)
    .irp n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld r\n, HV_FRAME_MIN + (\n - 14) * 8(r1)
    .endr
    addi r1, r1, USER_FRAME
    ld r0, 16(r1)
    mtlr r0
    blr

    .section ".bss"
    .align 3
guest_user_saved_r1:
    .space 8
