/* The POWER8 XSCOM MMIO window of chip 0: each 8-byte access at a window offset addresses one
 * SCOM register (PCBA) of an on-chip unit.  Units attach by PCBA range. */
#ifndef HCALLSIM_PLATFORM_XSCOM_H
#define HCALLSIM_PLATFORM_XSCOM_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/io_region.h"

#define XSCOM_BASE 0x0003fc0000000000ull
#define XSCOM_SIZE 0x0000000800000000ull

typedef struct xscom_bus {
    io_bus units; /* base/size in PCBA units */
} xscom_bus;

void xscom_init(xscom_bus *xscom);
bool xscom_attach(xscom_bus *xscom, io_region unit);
/* POWER8 window offset <-> PCBA. */
uint32_t xscom_pcba(uint64_t offset);
uint64_t xscom_offset(uint32_t pcba);
/* Accessors for the physical bus (offset within the window). */
bool xscom_mmio_read(void *dev, uint64_t offset, unsigned size, uint64_t *value);
bool xscom_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value);

#endif
