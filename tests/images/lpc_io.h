/* Shared by the bare-metal test images: LPC I/O ports and bits, and the register conventions of
 * the routines in lpc_io.S. */
#ifndef HCALLSIM_TESTS_IMAGES_LPC_IO_H
#define HCALLSIM_TESTS_IMAGES_LPC_IO_H

/* ECCB registers of chip 0's LPC master, offsets from r20 (0x0003fc0000b00200). */
#define ECCB_CTL  0x00
#define ECCB_STAT 0x10
#define ECCB_DATA 0x18

#define UART_THR 0x3f8
#define UART_LSR 0x3fd
#define LSR_THRE 0x20

#define BT_CTRL    0xe4
#define BT_BUF     0xe5
#define BT_CLR_WR  0x01
#define BT_CLR_RD  0x02
#define BT_H2B_ATN 0x04
#define BT_B2H_ATN 0x08

/* Register use (lpc_io.S):
 *   r20-r22  set by lpc_io_init, preserved: ECCB base, write command, read command
 *   r3, r4   arguments (port, byte); r3 result of inb
 *   r24      putstr's string; r25 puthex8's byte
 *   r3-r5, r27-r31 are clobbered by the routines; r23 and r26 are free for callers. */

#endif
