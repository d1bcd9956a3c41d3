/* A bare-metal image for `hcallsim bios` and `qemu-system-ppc64 -M powernv8 -bios`: prints
 * through the ISA UART r3 and the magic of the device tree it points to, asks the BMC for its
 * device id over IPMI BT and prints the answer byte by byte, then stops the machine with
 * "chassis control: hard reset". */
#include "lpc_io.h"

    .section .head, "ax"
    .globl _start
_start:
    .long 0, 0, 0, 0                /* 0x0 is never executed; the thread starts at 0x10 */
    b entry

    .text
entry:
    mr r23, r3                      /* the device tree */
    bl lpc_io_init
    lis r24, hello@ha
    addi r24, r24, hello@l
    bl putstr

    /* r3 at entry (0x01000000) and the first four bytes there: d0 0d fe ed. */
    lis r24, fdt_msg@ha
    addi r24, r24, fdt_msg@l
    bl putstr
    li r26, 24
1:  srd r25, r23, r26
    rldicl r25, r25, 0, 56
    bl puthex8
    addi r26, r26, -8
    cmpwi r26, 0
    bge 1b
    lis r24, magic_msg@ha
    addi r24, r24, magic_msg@l
    bl putstr
    li r26, 0
2:  lbzx r25, r23, r26
    bl puthex8
    addi r26, r26, 1
    cmpwi r26, 4
    blt 2b
    bl newline

    /* The line status as polling code sees it. */
    lis r24, lsr_msg@ha
    addi r24, r24, lsr_msg@l
    bl putstr
    li r3, UART_LSR
    bl inb
    mr r25, r3
    bl puthex8
    bl newline

    /* IPMI "Get Device ID" (netfn App 0x06, cmd 0x01). */
    bl bt_begin
    li r4, 3                        /* length: netfn, seq, cmd */
    bl bt_byte
    li r4, 0x06 << 2
    bl bt_byte
    li r4, 0x11                     /* seq */
    bl bt_byte
    li r4, 0x01
    bl bt_byte
    bl bt_request

    lis r24, ctrl_msg@ha
    addi r24, r24, ctrl_msg@l
    bl putstr
    li r3, BT_CTRL
    bl inb
    mr r25, r3
    bl puthex8
    bl newline

    /* The response: its length byte, then that many bytes. */
    lis r24, rsp_msg@ha
    addi r24, r24, rsp_msg@l
    bl putstr
    li r3, BT_BUF
    bl inb
    mr r26, r3
    mr r25, r3
    bl puthex8
1:  cmpwi r26, 0
    beq 2f
    li r3, BT_BUF
    bl inb
    mr r25, r3
    bl puthex8
    addi r26, r26, -1
    b 1b
2:  bl newline
    li r3, BT_CTRL
    li r4, BT_B2H_ATN | BT_CLR_RD
    bl outb

    lis r24, bye@ha
    addi r24, r24, bye@l
    bl putstr
    bl chassis_hard_reset

    .section .rodata
hello:    .asciz "hello from a bare-metal powernv8 image\n"
fdt_msg:  .asciz "r3 (low word): "
magic_msg: .asciz "magic: "
lsr_msg:  .asciz "uart lsr: "
ctrl_msg: .asciz "bt ctrl after request: "
rsp_msg:  .asciz "bt get device id response: "
bye:      .asciz "chassis control: hard reset\n"
