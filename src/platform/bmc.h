/* A minimal IPMI BMC, answering as QEMU 7.2's ipmi-bmc-sim does for the commands a bare-metal
 * image uses.  "Chassis Control" power down and hard reset ask the machine to stop, as QEMU
 * with -no-reboot treats them. */
#ifndef HCALLSIM_PLATFORM_BMC_H
#define HCALLSIM_PLATFORM_BMC_H

#include <stddef.h>
#include <stdint.h>

#define IPMI_NETFN_CHASSIS 0x00
#define IPMI_NETFN_APP     0x06

#define IPMI_CMD_GET_DEVICE_ID   0x01 /* App */
#define IPMI_CMD_CHASSIS_CONTROL 0x02 /* Chassis */
#define IPMI_CMD_GET_BT_INTF_CAP 0x36 /* App, answered by the BT interface itself */

#define IPMI_CHASSIS_POWER_DOWN 0x00
#define IPMI_CHASSIS_HARD_RESET 0x03

/* Completion codes. */
#define IPMI_CC_OK                 0x00
#define IPMI_CC_INVALID_CMD        0xc1
#define IPMI_CC_INVALID_FOR_LUN    0xc2
#define IPMI_CC_LENGTH_INVALID     0xc7
#define IPMI_CC_INVALID_DATA_FIELD 0xcc
#define IPMI_CC_NOT_SUPPORTED      0xd5

/* Largest request or response, as QEMU's MAX_IPMI_MSG_SIZE. */
#define IPMI_MAX_MSG 300

typedef enum bmc_power_request {
    BMC_POWER_DOWN,
    BMC_HARD_RESET,
} bmc_power_request;

typedef void (*bmc_power_fn)(void *opaque, bmc_power_request request);

typedef struct bmc_sim {
    bmc_power_fn power;
    void *power_opaque;
    uint8_t global_enables;
    uint8_t acpi_power_state[2];
} bmc_sim;

void bmc_init(bmc_sim *bmc, bmc_power_fn power, void *power_opaque);

/* Handles one request [netfn << 2 | lun, cmd, data...] and writes the response
 * [netfn << 2 | lun | 0x04, cmd, completion code, data...] to rsp (at least 3 bytes).
 * Returns the response length. */
size_t bmc_handle(bmc_sim *bmc, const uint8_t *req, size_t len, uint8_t *rsp, size_t rsp_max);

#endif
