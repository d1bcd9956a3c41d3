/* LPC master ECCB registers (QEMU 7.2 pnv_lpc.c semantics).  An OPB access of n bytes is n
 * single-byte accesses to consecutive ports, as QEMU splits it for byte-wide ISA devices.
 * A read that no device decodes completes with all-ones data. */
#include "platform/lpc.h"

#define ECCB_MAX_SIZE 8 /* larger sizes are ignored */

void lpc_init(lpc_master *lpc)
{
    *lpc = (lpc_master){0};
}

bool lpc_attach_io(lpc_master *lpc, io_region region)
{
    return io_bus_attach(&lpc->io, region);
}

bool lpc_io_read8(lpc_master *lpc, uint32_t port, uint8_t *value)
{
    uint64_t v;
    if (!io_bus_read(&lpc->io, port, 1, &v)) return false;
    *value = (uint8_t)v;
    return true;
}

bool lpc_io_write8(lpc_master *lpc, uint32_t port, uint8_t value)
{
    return io_bus_write(&lpc->io, port, 1, value);
}

/* Only the I/O window of the OPB space has devices; anything else does not decode. */
static bool opb_to_port(uint32_t opb_addr, unsigned size, uint32_t *port)
{
    if (opb_addr < LPC_OPB_IO_BASE || opb_addr - LPC_OPB_IO_BASE + size > LPC_IO_SIZE) return false;
    *port = opb_addr - LPC_OPB_IO_BASE;
    return true;
}

/* The data bytes of an OPB read, most significant first, packed into 32 bits. */
static bool opb_read(lpc_master *lpc, uint32_t opb_addr, unsigned size, uint32_t *data)
{
    uint32_t port;
    uint8_t bytes[4] = {0};
    if (!opb_to_port(opb_addr, size, &port)) return false;
    for (unsigned i = 0; i < size; i++) {
        uint8_t b;
        if (!lpc_io_read8(lpc, port + i, &b)) return false;
        if (i < 4) bytes[i] = b;
    }
    *data =
        (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    return true;
}

static void opb_write(lpc_master *lpc, uint32_t opb_addr, unsigned size, uint32_t data)
{
    uint32_t port;
    if (!opb_to_port(opb_addr, size, &port)) return;
    for (unsigned i = 0; i < size; i++)
        lpc_io_write8(lpc, port + i, i < 4 ? (uint8_t)(data >> (24 - 8 * i)) : 0);
}

static void run_eccb_command(lpc_master *lpc, uint64_t cmd)
{
    unsigned size = (unsigned)(cmd >> ECCB_CTL_SIZE_LSB) & 0xf;
    uint32_t opb_addr = (uint32_t)(cmd & ECCB_CTL_ADDR_MASK);
    if (size > ECCB_MAX_SIZE) return;
    if (cmd & ECCB_CTL_READ) {
        uint32_t data;
        if (!opb_read(lpc, opb_addr, size, &data)) data = 0xffffffffu;
        lpc->eccb_stat = ECCB_STAT_OP_DONE | (uint64_t)data << ECCB_STAT_DATA_LSB;
    } else {
        opb_write(lpc, opb_addr, size, lpc->eccb_data);
        lpc->eccb_stat = ECCB_STAT_OP_DONE;
    }
}

bool lpc_xscom_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    lpc_master *lpc = dev;
    switch (offset) {
    case ECCB_STAT:
        *value = lpc->eccb_stat;
        lpc->eccb_stat = 0; /* read to clear */
        break;
    case ECCB_DATA: *value = (uint64_t)lpc->eccb_data << 32; break;
    default: *value = 0; break;
    }
    return true;
}

bool lpc_xscom_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    lpc_master *lpc = dev;
    switch (offset) {
    case ECCB_CTL: run_eccb_command(lpc, value); break;
    case ECCB_DATA: lpc->eccb_data = (uint32_t)(value >> 32); break;
    default: break; /* ECCB_RESET and ECCB_STAT writes have no effect */
    }
    return true;
}
