/* Console and BMC access for the bare-metal test images: LPC I/O through XSCOM -> ECCB.
 * See lpc_io.h for the register conventions. */
#include "lpc_io.h"

    .text

/* r20 = ECCB base 0x0003fc0000b00200, r21 = write command (size 1, OPB I/O window
 * 0xd0010000; the port is ORed in), r22 = the same with ECCB_CTL_READ (IBM bit 15). */
    .globl lpc_io_init
lpc_io_init:
    lis r20, 0x0003
    ori r20, r20, 0xfc00
    sldi r20, r20, 32
    oris r20, r20, 0x00b0
    ori r20, r20, 0x0200
    lis r21, 0x0100
    sldi r21, r21, 32
    oris r21, r21, 0xd001
    lis r22, 0x0101
    sldi r22, r22, 32
    oris r22, r22, 0xd001
    blr

/* outb: port r3, byte r4.  Clobbers r5. */
    .globl outb
outb:
    sldi r5, r4, 56
    std r5, ECCB_DATA(r20)
    or r5, r21, r3
    std r5, ECCB_CTL(r20)
    ld r5, ECCB_STAT(r20)           /* reading the status clears it */
    blr

/* inb: port r3 -> r3 = byte.  Clobbers r5.  The byte is the top byte of the 32 data bits at
 * status bits 57:26 (LSB-0), i.e. status >> 50. */
    .globl inb
inb:
    or r5, r22, r3
    std r5, ECCB_CTL(r20)
    ld r5, ECCB_STAT(r20)
    rldicl r3, r5, 14, 56
    blr

/* putc: r4 = character, after the transmitter reports empty.  Clobbers r3-r5, r29, r30. */
    .globl putc
putc:
    mflr r30
    mr r29, r4
1:  li r3, UART_LSR
    bl inb
    andi. r3, r3, LSR_THRE
    beq 1b
    li r3, UART_THR
    mr r4, r29
    bl outb
    mtlr r30
    blr

/* putstr: the NUL-terminated string at r24.  Clobbers r3-r5, r24, r28-r30. */
    .globl putstr
putstr:
    mflr r28
1:  lbz r4, 0(r24)
    cmpwi r4, 0
    beq 2f
    bl putc
    addi r24, r24, 1
    b 1b
2:  mtlr r28
    blr

/* puthex8: r25 as two hex digits and a space.  Clobbers r3-r5, r27-r31. */
    .globl puthex8
puthex8:
    mflr r28
    srdi r27, r25, 4
    bl 3f
    mr r27, r25
    bl 3f
    li r4, ' '
    bl putc
    mtlr r28
    blr
3:  mflr r31                        /* one digit: the low nibble of r27 */
    andi. r27, r27, 0xf
    addi r4, r27, '0'
    cmpwi r27, 10
    blt 4f
    addi r4, r27, 'a' - 10
4:  bl putc
    mtlr r31
    blr

/* newline.  Clobbers r3-r5, r28-r30. */
    .globl newline
newline:
    mflr r28
    li r4, '\n'
    bl putc
    mtlr r28
    blr

/* bt_begin: clear the BT write pointer; then bt_byte for each message byte (r4), then
 * bt_request raises H2B_ATN.  Clobber r3-r5. */
    .globl bt_begin
bt_begin:
    li r3, BT_CTRL
    li r4, BT_CLR_WR
    b outb

    .globl bt_byte
bt_byte:
    li r3, BT_BUF
    b outb

    .globl bt_request
bt_request:
    li r3, BT_CTRL
    li r4, BT_H2B_ATN
    b outb

/* chassis_hard_reset: IPMI "Chassis Control: hard reset" (netfn Chassis 0x00, cmd 0x02,
 * data 0x03).  With -no-reboot the machine stops during the H2B_ATN store; never returns. */
    .globl chassis_hard_reset
chassis_hard_reset:
    bl bt_begin
    li r4, 4                        /* length: netfn, seq, cmd, data */
    bl bt_byte
    li r4, 0x00
    bl bt_byte
    li r4, 0x01
    bl bt_byte
    li r4, 0x02
    bl bt_byte
    li r4, 0x03
    bl bt_byte
    bl bt_request
    b .
