/* The CPU's view of the physical address space.
 *
 * The CPU knows nothing about boards: it sees RAM through a host pointer (the fast path) and
 * everything else through two callbacks that a platform (src/platform/) provides.  A callback that
 * returns PHYS_NO_DEVICE makes the CPU raise a machine check, as POWER8 and QEMU do for a physical
 * address that is neither RAM nor a device.
 */
#ifndef HCALLSIM_CPU_MEMORY_H
#define HCALLSIM_CPU_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

typedef enum phys_result {
    PHYS_OK = 0,
    PHYS_NO_DEVICE, /* nothing decodes this address: machine check */
} phys_result;

typedef struct phys_memory {
    uint8_t *ram;      /* guest physical 0 .. ram_size-1, bytes in big-endian (memory) order */
    uint64_t ram_size; /* a multiple of 4 KiB */
    /* Accesses outside RAM.  Values are the architected value of `size` bytes (1, 2, 4, 8)
     * read or written big-endian; the CPU applies MSR[LE] byte reversal itself. */
    phys_result (*io_read)(void *opaque, uint64_t pa, unsigned size, uint64_t *value);
    phys_result (*io_write)(void *opaque, uint64_t pa, unsigned size, uint64_t value);
    void *io_opaque;
} phys_memory;

#endif
