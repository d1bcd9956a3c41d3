/* The POWER8 LPC master as software reaches it through XSCOM: the ECCB registers run one OPB
 * access per write of the control register.  Only the OPB window of the LPC I/O space
 * (0xd0010000, 64 KiB of ISA ports) has devices behind it here; the UART and the BT interface
 * attach to it. */
#ifndef HCALLSIM_PLATFORM_LPC_H
#define HCALLSIM_PLATFORM_LPC_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/io_region.h"

/* XSCOM registers of the LPC master (PCBA base 0xb0020, four registers). */
#define LPC_XSCOM_PCBA 0xb0020
#define LPC_XSCOM_REGS 4
enum {
    ECCB_CTL = 0,
    ECCB_RESET = 1,
    ECCB_STAT = 2,
    ECCB_DATA = 3,
};

/* ECCB_CTL fields (IBM bit numbering in the comments). */
#define ECCB_CTL_READ      (1ull << 48)  /* bit 15 */
#define ECCB_CTL_SIZE_LSB  56            /* bits 4:7, bytes */
#define ECCB_CTL_ADDR_MASK 0xffffffffull /* bits 32:63, OPB address */
/* ECCB_STAT fields. */
#define ECCB_STAT_OP_DONE  (1ull << 11) /* bit 52 */
#define ECCB_STAT_DATA_LSB 26           /* bits 6:37, data read */

#define LPC_OPB_IO_BASE 0xd0010000u
#define LPC_IO_SIZE     0x10000u

typedef struct lpc_master {
    uint32_t eccb_data; /* written data: the top 32 bits of the ECCB_DATA value */
    uint64_t eccb_stat;
    io_bus io; /* ISA I/O ports */
} lpc_master;

void lpc_init(lpc_master *lpc);
/* Attaches a device to the I/O space; region.base/size are ports. */
bool lpc_attach_io(lpc_master *lpc, io_region region);
/* One byte on the ISA I/O space; false if no device decodes the port. */
bool lpc_io_read8(lpc_master *lpc, uint32_t port, uint8_t *value);
bool lpc_io_write8(lpc_master *lpc, uint32_t port, uint8_t value);
/* XSCOM accessors: offset = register number from LPC_XSCOM_PCBA, size = 1 register. */
bool lpc_xscom_read(void *dev, uint64_t offset, unsigned size, uint64_t *value);
bool lpc_xscom_write(void *dev, uint64_t offset, unsigned size, uint64_t value);

#endif
