/* Benchmark (a): an integer loop, ALU and branches only, as a bare-metal powernv8 image for
 * `hcallsim bios` and `qemu-system-ppc64 -M powernv8 -bios`.  LOOP_ITERS iterations of 12
 * instructions (one taken conditional branch, one not taken, and bdnz), then a console line and
 * the IPMI chassis reset that ends the run on both. */
#include "lpc_io.h"

#ifndef LOOP_ITERS
#define LOOP_ITERS 50000000
#endif

    .section .head, "ax"
    .globl _start
_start:
    .long 0, 0, 0, 0                /* the thread starts at 0x10 */
    b entry

    .text
entry:
    bl lpc_io_init
    lis r9, LOOP_ITERS@h
    ori r9, r9, LOOP_ITERS@l
    mtctr r9
    li r3, 0
    li r4, 1
    li r5, 3
1:  add r3, r3, r4
    xor r6, r3, r5
    rlwinm r7, r6, 3, 0, 28
    subf r8, r7, r3
    cmpdi r8, 0
    bge 2f                          /* taken about half the time */
    addi r5, r5, 1
2:  srdi r8, r3, 2
    or r5, r5, r8
    andi. r10, r5, 0xff
    addi r4, r4, 1
    beq 3f                          /* rarely taken */
3:  bdnz 1b
    lis r24, done@ha
    addi r24, r24, done@l
    bl putstr
    bl chassis_hard_reset

    .section .rodata
done: .asciz "int_loop done\n"
