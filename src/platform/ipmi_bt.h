/* The IPMI Block Transfer (BT) system interface at LPC I/O 0xe4 (powernv), in front of the
 * BMC: the host writes a request into the buffer, raises H2B_ATN, and reads the response
 * once B2H_ATN is set.  Register semantics follow QEMU 7.2's ipmi_bt.c. */
#ifndef HCALLSIM_PLATFORM_IPMI_BT_H
#define HCALLSIM_PLATFORM_IPMI_BT_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/bmc.h"

#define BT_ISA_PORT 0xe4
#define BT_PORTS    4

/* Register offsets from the base port. */
enum {
    BT_CTRL = 0,
    BT_BUF = 1, /* write: host-to-BMC buffer; read: BMC-to-host buffer */
    BT_INTMASK = 2,
};

/* BT_CTRL bits. */
#define BT_CTRL_CLR_WR  0x01
#define BT_CTRL_CLR_RD  0x02
#define BT_CTRL_H2B_ATN 0x04
#define BT_CTRL_B2H_ATN 0x08
#define BT_CTRL_SMS_ATN 0x10
#define BT_CTRL_H_BUSY  0x40
#define BT_CTRL_B_BUSY  0x80

/* BT_INTMASK bits. */
#define BT_INTMASK_B2H_IRQ_EN 0x01
#define BT_INTMASK_B2H_IRQ    0x02

typedef struct ipmi_bt {
    bmc_sim *bmc;
    uint8_t ctrl, intmask;
    uint8_t in[IPMI_MAX_MSG], out[IPMI_MAX_MSG];
    uint32_t inlen;          /* bytes written since CLR_WR (may exceed the buffer) */
    uint32_t outlen, outpos; /* response length and read position */
} ipmi_bt;

void ipmi_bt_init(ipmi_bt *bt, bmc_sim *bmc);
/* io_region accessors (byte registers only). */
bool ipmi_bt_read(void *dev, uint64_t offset, unsigned size, uint64_t *value);
bool ipmi_bt_write(void *dev, uint64_t offset, unsigned size, uint64_t value);

#endif
