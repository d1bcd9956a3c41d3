/* 16550 UART, transmit side only.  Transmission is immediate, so the line status always
 * reports the transmitter empty and polling loops never wait.  Reset values as QEMU's
 * serial.c: no interrupt pending, modem status DCD|DSR|CTS. */
#include "platform/uart.h"

#define UART_IIR_NO_INT   0x01
#define UART_IIR_FIFO_ON  0xc0
#define UART_FCR_ENABLE   0x01
#define UART_MSR_RESET    0xb0 /* DCD | DSR | CTS */
#define UART_MCR_WRITABLE 0x1f
#define UART_IER_WRITABLE 0x0f

void uart_init(uart16550 *uart, FILE *out)
{
    *uart = (uart16550){.out = out};
}

bool uart_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    uart16550 *uart = dev;
    bool dlab = (uart->lcr & UART_LCR_DLAB) != 0;
    if (size != 1) return false;
    switch (offset) {
    case UART_RBR_THR: *value = dlab ? uart->divisor_low : 0; break;
    case UART_IER: *value = dlab ? uart->divisor_high : uart->ier; break;
    case UART_IIR_FCR:
        *value = UART_IIR_NO_INT | (uart->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO_ON : 0);
        break;
    case UART_LCR: *value = uart->lcr; break;
    case UART_MCR: *value = uart->mcr; break;
    case UART_LSR: *value = UART_LSR_THRE | UART_LSR_TEMT; break;
    case UART_MSR: *value = UART_MSR_RESET; break;
    case UART_SCR: *value = uart->scr; break;
    default: return false;
    }
    return true;
}

bool uart_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    uart16550 *uart = dev;
    uint8_t byte = (uint8_t)value;
    bool dlab = (uart->lcr & UART_LCR_DLAB) != 0;
    if (size != 1) return false;
    switch (offset) {
    case UART_RBR_THR:
        if (dlab) {
            uart->divisor_low = byte;
        } else if (uart->out) {
            fputc(byte, uart->out);
            if (byte == '\n') fflush(uart->out);
        }
        break;
    case UART_IER:
        if (dlab)
            uart->divisor_high = byte;
        else
            uart->ier = byte & UART_IER_WRITABLE;
        break;
    case UART_IIR_FCR: uart->fcr = byte; break;
    case UART_LCR: uart->lcr = byte; break;
    case UART_MCR: uart->mcr = byte & UART_MCR_WRITABLE; break;
    case UART_SCR: uart->scr = byte; break;
    default: break; /* LSR and MSR are read-only */
    }
    return true;
}
