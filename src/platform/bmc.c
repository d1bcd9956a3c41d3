/* The BMC's command table.  Responses (bytes and completion codes) were checked against
 * qemu-system-ppc64 7.2 -M powernv8; commands not listed answer "invalid command". */
#include "platform/bmc.h"

#define BMC_SLAVE_ADDR        0x20
#define BMC_EVENT_LOG_ENABLED 0x08 /* the simulator's reset value of the global enables */

typedef struct rsp_buffer {
    uint8_t *buf;
    size_t len, max;
} rsp_buffer;

static void rsp_push(rsp_buffer *rsp, uint8_t byte)
{
    if (rsp->len < rsp->max) rsp->buf[rsp->len++] = byte;
}

static void rsp_push_bytes(rsp_buffer *rsp, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rsp_push(rsp, bytes[i]);
}

static void rsp_error(rsp_buffer *rsp, uint8_t cc)
{
    rsp->buf[2] = cc;
}

typedef void (*bmc_handler)(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp);

static void chassis_capabilities(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    static const uint8_t caps[] = {0, BMC_SLAVE_ADDR, BMC_SLAVE_ADDR, BMC_SLAVE_ADDR,
                                   BMC_SLAVE_ADDR};
    rsp_push_bytes(rsp, caps, sizeof(caps));
}

static void chassis_status(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    static const uint8_t status[] = {0x61 /* power on, restore policy unknown */, 0, 0, 0};
    rsp_push_bytes(rsp, status, sizeof(status));
}

static void chassis_control(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    switch (req[2] & 0xf) {
    case IPMI_CHASSIS_POWER_DOWN:
        if (bmc->power) bmc->power(bmc->power_opaque, BMC_POWER_DOWN);
        break;
    case IPMI_CHASSIS_HARD_RESET:
        if (bmc->power) bmc->power(bmc->power_opaque, BMC_HARD_RESET);
        break;
    case 1: /* power up */
    case 2: /* power cycle */
    case 4: /* pulse diagnostic interrupt */ rsp_error(rsp, IPMI_CC_NOT_SUPPORTED); break;
    case 5: /* soft shutdown by overtemperature: accepted, no effect on powernv */ break;
    default: rsp_error(rsp, IPMI_CC_INVALID_DATA_FIELD); break;
    }
}

static void chassis_restart_cause(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    rsp_push(rsp, 0); /* unknown */
    rsp_push(rsp, 0); /* channel 0 */
}

static void get_device_id(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    static const uint8_t id[] = {
        BMC_SLAVE_ADDR, /* device id */
        0,
        0,
        0,    /* device revision, firmware revision 1 and 2 */
        0x02, /* IPMI version */
        0x07, /* sensor, SDR and SEL devices */
        0,
        0,
        0,
        0,
        0, /* manufacturer and product ids */
    };
    rsp_push_bytes(rsp, id, sizeof(id));
}

static void set_acpi_power_state(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    bmc->acpi_power_state[0] = req[2];
    bmc->acpi_power_state[1] = req[3];
}

static void get_acpi_power_state(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    rsp_push_bytes(rsp, bmc->acpi_power_state, sizeof(bmc->acpi_power_state));
}

static void set_global_enables(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    bmc->global_enables = req[2];
}

static void get_global_enables(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    rsp_push(rsp, bmc->global_enables);
}

static void get_msg_flags(bmc_sim *bmc, const uint8_t *req, size_t len, rsp_buffer *rsp)
{
    rsp_push(rsp, 0); /* no messages, events or watchdog pre-timeouts ever pending */
}

static const struct bmc_command {
    uint8_t netfn, cmd;
    uint8_t min_len; /* request bytes including netfn and cmd */
    bmc_handler handler;
} commands[] = {
    {IPMI_NETFN_CHASSIS, 0x00, 2, chassis_capabilities},
    {IPMI_NETFN_CHASSIS, 0x01, 2, chassis_status},
    {IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL, 3, chassis_control},
    {IPMI_NETFN_CHASSIS, 0x09, 2, chassis_restart_cause},
    {IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, 2, get_device_id},
    {IPMI_NETFN_APP, 0x06, 4, set_acpi_power_state},
    {IPMI_NETFN_APP, 0x07, 2, get_acpi_power_state},
    {IPMI_NETFN_APP, 0x2e, 3, set_global_enables},
    {IPMI_NETFN_APP, 0x2f, 2, get_global_enables},
    {IPMI_NETFN_APP, 0x31, 2, get_msg_flags},
};

void bmc_init(bmc_sim *bmc, bmc_power_fn power, void *power_opaque)
{
    *bmc = (bmc_sim){
        .power = power,
        .power_opaque = power_opaque,
        .global_enables = BMC_EVENT_LOG_ENABLED,
    };
}

size_t bmc_handle(bmc_sim *bmc, const uint8_t *req, size_t len, uint8_t *rsp_buf, size_t rsp_max)
{
    rsp_buffer rsp = {.buf = rsp_buf, .max = rsp_max};
    rsp_push(&rsp, (uint8_t)(len > 0 ? req[0] | 0x04 : 0x04));
    rsp_push(&rsp, len > 1 ? req[1] : 0);
    rsp_push(&rsp, IPMI_CC_OK);
    if (len < 2) {
        rsp_error(&rsp, IPMI_CC_LENGTH_INVALID);
        return rsp.len;
    }
    if (req[0] & 0x03) {
        rsp_error(&rsp, IPMI_CC_INVALID_FOR_LUN);
        return rsp.len;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct bmc_command *c = &commands[i];
        if (c->netfn != req[0] >> 2 || c->cmd != req[1]) continue;
        if (len < c->min_len)
            rsp_error(&rsp, IPMI_CC_LENGTH_INVALID);
        else
            c->handler(bmc, req, len, &rsp);
        return rsp.len;
    }
    rsp_error(&rsp, IPMI_CC_INVALID_CMD);
    return rsp.len;
}
