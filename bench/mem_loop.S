/* Benchmark (b): a memory-heavy loop as a bare-metal powernv8 image.  Each pass walks a 64 KiB
 * buffer at 1 MiB with doubleword, word and byte loads and stores (7 of the 10 instructions in
 * the inner loop access memory); MEM_PASSES passes, then a console line and the IPMI reset. */
#include "lpc_io.h"

#ifndef MEM_PASSES
#define MEM_PASSES 2000
#endif
#define BUF_ADDR  0x100000
#define BUF_WORDS (65536 / 8)

    .section .head, "ax"
    .globl _start
_start:
    .long 0, 0, 0, 0
    b entry

    .text
entry:
    bl lpc_io_init
    li r26, MEM_PASSES
    li r3, 0
outer:
    lis r11, BUF_ADDR@h
    li r9, BUF_WORDS
    mtctr r9
1:  ld r12, 0(r11)
    add r12, r12, r3
    std r12, 0(r11)
    lwz r13, 4(r11)
    stw r13, 0(r11)
    lbz r14, 3(r11)
    add r3, r3, r14
    stb r3, 7(r11)
    addi r11, r11, 8
    bdnz 1b
    addi r26, r26, -1
    cmpdi r26, 0
    bne outer
    lis r24, done@ha
    addi r24, r24, done@l
    bl putstr
    bl chassis_hard_reset

    .section .rodata
done: .asciz "mem_loop done\n"
