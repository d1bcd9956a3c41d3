/*
 * Assembly macros of the firmware, named as in Linux (ppc_asm.h, exception-64s.h, reg.h) so that
 * the vector code reads like the seed.  Only the POWER7/8 HV variants exist here: the feature
 * sections Linux patches at boot are resolved at build time (HSPRG0/HSPRG1, CFAR, ARCH_206).
 */
#ifndef HV_PPC_ASM_H
#define HV_PPC_ASM_H

#include "hv/layout.h"

/* Assembler macros: clang-format would glue ".globl .name" into ".globl.name". */
// clang-format off

/* ELFv1 function: descriptor in .opd, code at the dot symbol, as Linux's _GLOBAL */
#define _GLOBAL(name)                                                                              \
    .section ".text";                                                                              \
    .align 2;                                                                                      \
    .globl name;                                                                                   \
    .globl .name;                                                                                   \
    .section ".opd", "aw";                                                                         \
    .align 3;                                                                                      \
    name:                                                                                          \
    .quad .name, .TOC.@tocbase, 0;                                                                  \
    .previous;                                                                                     \
    .type .name, @function;                                                                         \
    .name:

#define HMT_MEDIUM or 2, 2, 2
#define HVSC       .long 0x44000022 /* sc 1 */

/* HV variants of the PACA / scratch SPR accessors (reg.h, after feature fixup) */
#define GET_PACA(rX)     mfspr rX, SPRN_HSPRG0
#define SET_SCRATCH0(rX) mtspr SPRN_HSPRG1, rX
#define GET_SCRATCH0(rX) mfspr rX, SPRN_HSPRG1

/* GPR numbers for VCPU_GPR(Rn), as Linux's ppc_asm.h */
#define R0  0
#define R1  1
#define R2  2
#define R3  3
#define R4  4
#define R5  5
#define R6  6
#define R7  7
#define R8  8
#define R9  9
#define R10 10
#define R11 11
#define R12 12
#define R13 13
#define R14 14
#define R15 15
#define R16 16
#define R17 17
#define R18 18
#define R19 19
#define R20 20
#define R21 21
#define R22 22
#define R23 23
#define R24 24
#define R25 25
#define R26 26
#define R27 27
#define R28 28
#define R29 29
#define R30 30
#define R31 31

#define VCPU_GPR(n) (VCPU_GPRS + (n)*8)

/* 64-bit absolute address or constant, 5 instructions */
#define LOAD_REG_IMMEDIATE(reg, expr)                                                              \
    lis reg, (expr) @highest;                                                                      \
    ori reg, reg, (expr) @higher;                                                                  \
    rldicr reg, reg, 32, 31;                                                                       \
    oris reg, reg, (expr) @high;                                                                   \
    ori reg, reg, (expr) @l

/* Address of a symbol through the TOC (GOT entry), as Linux's LOAD_REG_ADDR */
#define LOAD_REG_ADDR(reg, name) ld reg, name @got(r2)

/* KVM test at a vector: any non-zero in_guest (GUEST or SKIP) goes to the KVM handler */
#define __KVMTEST(n)                                                                               \
    lbz r10, HSTATE_IN_GUEST(r13);                                                                 \
    cmpwi r10, 0;                                                                                  \
    bne do_kvm_##n
#define KVMTEST(n) __KVMTEST(n)

/* The KVM handler body: guest r12 and CR to the host state, trap number in r12 */
#define __KVM_HANDLER(area, h, n)                                                                  \
    do_kvm_##n : ld r10, area + EX_CFAR(r13);                                                      \
    std r10, HSTATE_CFAR(r13);                                                                     \
    ld r10, area + EX_R10(r13);                                                                    \
    stw r9, HSTATE_SCRATCH1(r13);                                                                  \
    ld r9, area + EX_R9(r13);                                                                      \
    std r12, HSTATE_SCRATCH0(r13);                                                                 \
    li r12, n;                                                                                     \
    b kvmppc_interrupt
#define KVM_HANDLER(area, h, n) __KVM_HANDLER(area, h, n)

/* The first-level prolog of every vector (EXCEPTION_PROLOG_0/1 with the KVM test) */
#define EXCEPTION_PROLOG_KVM(area, n)                                                              \
    HMT_MEDIUM;                                                                                    \
    SET_SCRATCH0(r13);                                                                             \
    GET_PACA(r13);                                                                                 \
    std r9, area + EX_R9(r13);                                                                     \
    std r10, area + EX_R10(r13);                                                                   \
    mfcr r9;                                                                                       \
    KVMTEST(n)

/* Interrupt taken by the firmware itself (in_guest = 0): there is no host kernel to run it */
#define HOST_EXCEPTION(n)                                                                          \
    li r12, n;                                                                                     \
    b hv_host_interrupt

// clang-format on

#endif
