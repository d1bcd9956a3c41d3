/* The boot-parameter block in RAM (bootparams.h): big-endian 64-bit fields at BP_* offsets. */
#include "bootparams.h"

#include <string.h>

#include "hv-offsets.h"
#include "hv/layout.h"

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

uint64_t bootparams_phys(void)
{
    return HV_BOOTPARAMS_PHYS;
}

uint64_t bootparams_size(void)
{
    return BP_SIZE;
}

uint64_t bootparams_lpid(void)
{
    return HV_DEFAULT_LPID;
}

uint64_t bootparams_quiet(void)
{
    return HV_BOOT_QUIET;
}

void bootparams_write(uint8_t *ram, const bootparams *bp)
{
    uint8_t *b = ram + HV_BOOTPARAMS_PHYS;
    memset(b, 0, BP_SIZE);
    put_be64(b + BP_MAGIC, HV_BOOTPARAMS_MAGIC);
    put_be64(b + BP_VERSION, HV_BOOTPARAMS_VERSION);
    put_be64(b + BP_GUEST_ENTRY, bp->guest_entry);
    put_be64(b + BP_GUEST_MSR, bp->guest_msr);
    put_be64(b + BP_GUEST_FDT, bp->guest_fdt);
    put_be64(b + BP_RMOR, bp->rmor);
    put_be64(b + BP_RMA_SIZE, bp->rma_size);
    put_be64(b + BP_LPID, bp->lpid);
    put_be64(b + BP_TOD_SECONDS, bp->tod_seconds);
    put_be64(b + BP_FLAGS, bp->flags);
}

hv_guest_exit bootparams_read_exit(const uint8_t *ram)
{
    const uint8_t *b = ram + HV_BOOTPARAMS_PHYS;
    uint64_t flags = get_be64(b + BP_EXIT_FLAGS);
    return (hv_guest_exit){
        .powered_off = flags & HV_EXIT_POWERED_OFF,
        .status_valid = flags & HV_EXIT_STATUS_VALID,
        .firmware_error = flags & HV_EXIT_FIRMWARE_ERROR,
        .status = (int64_t)get_be64(b + BP_EXIT_STATUS),
    };
}
