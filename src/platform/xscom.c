/* XSCOM (QEMU 7.2 pnv_xscom.c semantics): only 8-byte accesses decode.  A SCOM register no
 * unit implements reads as 0 and ignores writes (QEMU also sets HMER bits, which hcallsim
 * does not model); a few chip-level registers have fixed values. */
#include "platform/xscom.h"

#define XSCOM_ACCESS_SIZE 8

/* Chip-level SCOM registers QEMU answers itself. */
static const struct {
    uint32_t pcba;
    uint64_t value;
} fixed_registers[] = {
    {0xf000f, 0x220ea04980000000ull}, /* CFAM id: POWER8 (Venice) DD2.0 */
};

void xscom_init(xscom_bus *xscom)
{
    *xscom = (xscom_bus){0};
}

bool xscom_attach(xscom_bus *xscom, io_region unit)
{
    return io_bus_attach(&xscom->units, unit);
}

/* POWER8 spreads the PCBA over the window: offset bits 3..6 hold the PCBA's low nibble and
 * offset bits 8 and up the rest of it. */
uint32_t xscom_pcba(uint64_t offset)
{
    offset &= XSCOM_SIZE - 1;
    return (uint32_t)(((offset >> 4) & ~0xfull) | ((offset >> 3) & 0xf));
}

uint64_t xscom_offset(uint32_t pcba)
{
    return (uint64_t)(pcba & ~0xfu) << 4 | (uint64_t)(pcba & 0xf) << 3;
}

bool xscom_mmio_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    xscom_bus *xscom = dev;
    if (size != XSCOM_ACCESS_SIZE) return false;
    uint32_t pcba = xscom_pcba(offset);
    for (size_t i = 0; i < sizeof(fixed_registers) / sizeof(fixed_registers[0]); i++) {
        if (fixed_registers[i].pcba == pcba) {
            *value = fixed_registers[i].value;
            return true;
        }
    }
    if (!io_bus_read(&xscom->units, pcba, 1, value)) *value = 0;
    return true;
}

bool xscom_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    xscom_bus *xscom = dev;
    if (size != XSCOM_ACCESS_SIZE) return false;
    io_bus_write(&xscom->units, xscom_pcba(offset), 1, value);
    return true;
}
