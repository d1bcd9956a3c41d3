/* The ISA 16550 UART on the LPC I/O space (port 0x3f8 on powernv), output only: what the
 * guest transmits goes to a host FILE; the receiver is always empty. */
#ifndef HCALLSIM_PLATFORM_UART_H
#define HCALLSIM_PLATFORM_UART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define UART_ISA_PORT 0x3f8
#define UART_PORTS    8

/* Register offsets from the base port. */
enum {
    UART_RBR_THR = 0, /* receive / transmit holding (DLAB=0), divisor latch low (DLAB=1) */
    UART_IER = 1,     /* interrupt enable (DLAB=0), divisor latch high (DLAB=1) */
    UART_IIR_FCR = 2, /* interrupt identification (read), FIFO control (write) */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_LCR_DLAB 0x80
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */

typedef struct uart16550 {
    FILE *out;
    uint8_t ier, lcr, mcr, scr, fcr;
    uint8_t divisor_low, divisor_high;
} uart16550;

void uart_init(uart16550 *uart, FILE *out);
/* io_region accessors (byte registers only). */
bool uart_read(void *dev, uint64_t offset, unsigned size, uint64_t *value);
bool uart_write(void *dev, uint64_t offset, unsigned size, uint64_t value);

#endif
