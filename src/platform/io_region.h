/* Address decoding shared by the buses of the machine (physical space, XSCOM, LPC I/O): a
 * bus is a small table of regions, each a device's read/write pair and its state. */
#ifndef HCALLSIM_PLATFORM_IO_REGION_H
#define HCALLSIM_PLATFORM_IO_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device accessors: `offset` is relative to the region base, in the bus's own units (bytes,
 * XSCOM register numbers or I/O ports).  Returning false means the device does not decode the
 * access (wrong size, hole): the bus reports it as "no device". */
typedef bool (*io_read_fn)(void *dev, uint64_t offset, unsigned size, uint64_t *value);
typedef bool (*io_write_fn)(void *dev, uint64_t offset, unsigned size, uint64_t value);

typedef struct io_region {
    const char *name;
    uint64_t base;
    uint64_t size;
    io_read_fn read;
    io_write_fn write;
    void *dev;
} io_region;

/* A bus with room for a fixed number of regions (machines here have a handful). */
#define IO_BUS_MAX_REGIONS 8

typedef struct io_bus {
    io_region region[IO_BUS_MAX_REGIONS];
    size_t count;
} io_bus;

/* Adds a region; false if the bus is full or the region overlaps one already there. */
bool io_bus_attach(io_bus *bus, io_region region);
/* The region that contains [addr, addr + len), or NULL. */
const io_region *io_bus_find(const io_bus *bus, uint64_t addr, uint64_t len);
/* Dispatch to the region containing the access; false when none decodes it. */
bool io_bus_read(const io_bus *bus, uint64_t addr, unsigned size, uint64_t *value);
bool io_bus_write(const io_bus *bus, uint64_t addr, unsigned size, uint64_t value);

#endif
