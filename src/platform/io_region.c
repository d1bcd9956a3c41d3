/* Table-driven address decoding for the machine's buses. */
#include "platform/io_region.h"

/* [a, a + alen) and [b, b + blen) share an address; lengths are nonzero. */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a <= b + (blen - 1) && b <= a + (alen - 1);
}

bool io_bus_attach(io_bus *bus, io_region region)
{
    if (bus->count == IO_BUS_MAX_REGIONS || region.size == 0) return false;
    for (size_t i = 0; i < bus->count; i++)
        if (ranges_overlap(bus->region[i].base, bus->region[i].size, region.base, region.size))
            return false;
    bus->region[bus->count++] = region;
    return true;
}

const io_region *io_bus_find(const io_bus *bus, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < bus->count; i++) {
        const io_region *r = &bus->region[i];
        if (addr >= r->base && addr - r->base < r->size && len <= r->size - (addr - r->base))
            return r;
    }
    return NULL;
}

bool io_bus_read(const io_bus *bus, uint64_t addr, unsigned size, uint64_t *value)
{
    const io_region *r = io_bus_find(bus, addr, size);
    return r && r->read && r->read(r->dev, addr - r->base, size, value);
}

bool io_bus_write(const io_bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
    const io_region *r = io_bus_find(bus, addr, size);
    return r && r->write && r->write(r->dev, addr - r->base, size, value);
}
