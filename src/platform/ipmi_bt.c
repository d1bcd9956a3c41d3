/* IPMI BT interface.  A BT message is [length, netfn << 2 | lun, seq, cmd, data...] where
 * length counts the bytes after itself; the response has the same framing. */
#include "platform/ipmi_bt.h"

#include <string.h>

void ipmi_bt_init(ipmi_bt *bt, bmc_sim *bmc)
{
    memset(bt, 0, sizeof(*bt));
    bt->bmc = bmc;
}

/* A response is ready: BMC no longer busy, B2H attention (and its interrupt if enabled). */
static void post_response(ipmi_bt *bt)
{
    bt->ctrl = (uint8_t)((bt->ctrl & ~BT_CTRL_B_BUSY) | BT_CTRL_B2H_ATN);
    if (bt->intmask & BT_INTMASK_B2H_IRQ_EN) bt->intmask |= BT_INTMASK_B2H_IRQ;
}

/* "Get BT Interface Capabilities", which the interface answers itself. */
static void answer_capabilities(ipmi_bt *bt)
{
    /* length, netfn, seq, cmd, completion code, then: outstanding requests supported, input
     * and output buffer sizes (capped at a byte), request-to-response seconds, retries. */
    const uint8_t rsp[] = {9, bt->in[1] | 0x04, bt->in[2], bt->in[3], IPMI_CC_OK, 1, 0xff, 0xff, 10,
                           0};
    memcpy(bt->out, rsp, sizeof(rsp));
    bt->outlen = sizeof(rsp);
}

/* H2B_ATN: hand the buffered request to the BMC.  Malformed requests are dropped and leave
 * B_BUSY set, as QEMU does. */
static void handle_request(ipmi_bt *bt)
{
    bt->ctrl |= BT_CTRL_B_BUSY;
    if (bt->inlen < 4) return;
    if (bt->in[0] != bt->inlen - 1) {
        bt->inlen = 0;
        return;
    }
    if (bt->in[1] == IPMI_NETFN_APP << 2 && bt->in[3] == IPMI_CMD_GET_BT_INTF_CAP) {
        answer_capabilities(bt);
        post_response(bt);
        return;
    }
    /* The BMC takes [netfn, cmd, data...]; the sequence number comes back in the framing. */
    uint8_t req[IPMI_MAX_MSG], rsp[IPMI_MAX_MSG];
    size_t req_len = bt->inlen - 2;
    req[0] = bt->in[1];
    memcpy(req + 1, bt->in + 3, req_len - 1);
    size_t rsp_len = bmc_handle(bt->bmc, req, req_len, rsp, sizeof(rsp) - 2);
    bt->out[0] = (uint8_t)(rsp_len + 1);
    bt->out[1] = rsp[0];
    bt->out[2] = bt->in[2];
    memcpy(bt->out + 3, rsp + 1, rsp_len - 1);
    bt->outlen = (uint32_t)rsp_len + 2;
    post_response(bt);
}

static void write_ctrl(ipmi_bt *bt, uint8_t value)
{
    if (value & BT_CTRL_CLR_WR) bt->inlen = 0;
    if (value & BT_CTRL_CLR_RD) bt->outpos = 0;
    bt->ctrl &= (uint8_t) ~(value & (BT_CTRL_B2H_ATN | BT_CTRL_SMS_ATN)); /* write 1 to clear */
    if (value & BT_CTRL_H_BUSY) bt->ctrl ^= BT_CTRL_H_BUSY;               /* toggles */
    if (value & BT_CTRL_H2B_ATN) handle_request(bt);
}

static void write_intmask(ipmi_bt *bt, uint8_t value)
{
    bool pending = (bt->ctrl & (BT_CTRL_B2H_ATN | BT_CTRL_SMS_ATN)) != 0;
    if (value & BT_INTMASK_B2H_IRQ_EN) {
        if (!(bt->intmask & BT_INTMASK_B2H_IRQ_EN) && pending) bt->intmask |= BT_INTMASK_B2H_IRQ;
        bt->intmask |= BT_INTMASK_B2H_IRQ_EN;
    } else {
        bt->intmask = 0;
    }
    if (value & BT_INTMASK_B2H_IRQ) bt->intmask &= (uint8_t)~BT_INTMASK_B2H_IRQ; /* ack */
}

static uint8_t read_buffer(ipmi_bt *bt)
{
    if (bt->outpos >= bt->outlen) return 0xff;
    uint8_t byte = bt->out[bt->outpos++];
    if (bt->outpos == bt->outlen) bt->outpos = bt->outlen = 0;
    return byte;
}

bool ipmi_bt_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    ipmi_bt *bt = dev;
    if (size != 1) return false;
    switch (offset) {
    case BT_CTRL: *value = bt->ctrl; break;
    case BT_BUF: *value = read_buffer(bt); break;
    case BT_INTMASK: *value = bt->intmask; break;
    default: *value = 0xff; break;
    }
    return true;
}

bool ipmi_bt_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    ipmi_bt *bt = dev;
    if (size != 1) return false;
    switch (offset) {
    case BT_CTRL: write_ctrl(bt, (uint8_t)value); break;
    case BT_BUF:
        if (bt->inlen < sizeof(bt->in)) bt->in[bt->inlen] = (uint8_t)value;
        bt->inlen++;
        break;
    case BT_INTMASK: write_intmask(bt, (uint8_t)value); break;
    default: break;
    }
    return true;
}
