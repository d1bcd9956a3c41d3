/*
 * Console and power control of a powernv8: the ISA UART at LPC I/O 0x3f8 and the IPMI BT
 * interface at LPC I/O 0xe4, both reached through the XSCOM LPC ECCB bridge (plain loads and
 * stores suffice under QEMU and hcallsim).  Also a minimal printf and the fatal-interrupt report.
 */
#include <stdarg.h>
#include "hv/hv.h"
#include "hv/fmt.h"

static void xscom_write(uint64_t addr, uint64_t val)
{
    *(volatile uint64_t *)addr = val;
}
static uint64_t xscom_read(uint64_t addr)
{
    return *(volatile uint64_t *)addr;
}

static void lpc_outb(uint32_t port, uint8_t byte)
{
    xscom_write(XSCOM_ECCB_DATA, (uint64_t)byte << 56);
    xscom_write(XSCOM_ECCB_CTL, ECCB_CTL_WRITE_IO | port);
    (void)xscom_read(XSCOM_ECCB_STAT); /* read to clear */
}

void hv_putc(char c)
{
    lpc_outb(LPC_UART_BASE, (uint8_t)c);
}

void hv_puts(const char *s)
{
    while (*s)
        hv_putc(*s++);
}

void hv_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fmt_vprintf(hv_putc, fmt, ap);
    va_end(ap);
}

/* magnitude * 10 + digit, saturated at limit (a guest may send any number of digits) */
static uint64_t append_digit_saturated(uint64_t magnitude, unsigned digit, uint64_t limit)
{
    return magnitude > (limit - digit) / 10 ? limit : magnitude * 10 + digit;
}

/*
 * Guest console output.  A line "EXIT: STATUS=n" is the guest's exit status: it is kept in the
 * boot-parameter block for the emulator, and the power-off that follows reports it.  A status
 * beyond the int64_t range saturates: INT64_MAX, or INT64_MIN with a leading '-'.
 */
void hv_guest_putc(char c)
{
    static const char prefix[] = "EXIT: STATUS=";
    static unsigned matched;
    static uint64_t magnitude;
    static int negative, digits;
    struct hv_bootparams *bp = hv_bootparams();

    hv_putc(c);
    if (matched < sizeof(prefix) - 1) {
        matched = (c == prefix[matched]) ? matched + 1 : (c == prefix[0]);
        magnitude = 0;
        negative = digits = 0;
        return;
    }
    if (c == '-' && !digits && !negative) {
        negative = 1;
    } else if (c >= '0' && c <= '9') {
        uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        magnitude = append_digit_saturated(magnitude, (unsigned)(c - '0'), limit);
        digits = 1;
    } else {
        if (digits) {
            bp->exit_status = negative ? 0 - magnitude : magnitude; /* two's complement */
            bp->exit_flags |= HV_EXIT_STATUS_VALID;
        }
        matched = (c == prefix[0]);
    }
}

/* IPMI BT "chassis control: hard reset"; with -no-reboot QEMU (and hcallsim) stop here */
void hv_power_off(uint64_t exit_flags)
{
    static const uint8_t msg[] = {4, 0x00 /* netfn chassis */, 0x01 /* seq */,
                                  0x02 /* chassis control */, 0x03 /* hard reset */};
    struct hv_bootparams *bp = hv_bootparams();

    bp->exit_flags |= exit_flags | HV_EXIT_POWERED_OFF;
    if (!(bp->flags & HV_BOOT_QUIET)) hv_report();
    lpc_outb(LPC_BT_CTRL, BT_CTRL_CLR_WR_PTR);
    for (unsigned i = 0; i < sizeof(msg); i++)
        lpc_outb(LPC_BT_HOST2BMC, msg[i]);
    lpc_outb(LPC_BT_CTRL, BT_CTRL_H2B_ATN);
    for (;;)
        ;
}

void hv_fatal_interrupt(uint64_t trap)
{
    hv_printf("HV: FATAL: firmware took interrupt 0x%x: SRR0=0x%lx SRR1=0x%lx HSRR0=0x%lx "
              "HSRR1=0x%lx\n",
              (unsigned)trap, mfspr(SPRN_SRR0), mfspr(SPRN_SRR1), mfspr(SPRN_HSRR0),
              mfspr(SPRN_HSRR1));
    hv_power_off(HV_EXIT_FIRMWARE_ERROR);
}
