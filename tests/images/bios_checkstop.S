/* A bare-metal image that loads from a physical address nothing decodes while MSR[ME]=0 (the
 * reset state).  On POWER8 that is a machine check, and with ME=0 a checkstop: `hcallsim bios`
 * exits with its checkstop status after the first line.  (QEMU 7.2 does not raise machine checks
 * for unassigned addresses on powernv8: it reads 0, prints the second line and resets.) */
#include "lpc_io.h"

    .section .head, "ax"
    .globl _start
_start:
    .long 0, 0, 0, 0
    b entry

    .text
entry:
    bl lpc_io_init
    lis r24, before@ha
    addi r24, r24, before@l
    bl putstr
    lis r3, 0x1000
    sldi r3, r3, 16                 /* 0x100000000000: far beyond RAM, below XSCOM */
    ld r4, 0(r3)
    lis r24, after@ha
    addi r24, r24, after@l
    bl putstr
    bl chassis_hard_reset

    .section .rodata
before: .asciz "loading from unmapped space\n"
after:  .asciz "no machine check\n"
