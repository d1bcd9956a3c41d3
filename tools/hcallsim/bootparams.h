/* The firmware's boot-parameter block (struct hv_bootparams in src/hv/include/hv/layout.h) as
 * hcallsim fills and reads it in the machine's RAM.  Offsets come from the generated
 * hv-offsets.h (BP_*), included only by bootparams.c so that the rest of the command does not
 * see the firmware's layout names. */
#ifndef HCALLSIM_TOOLS_BOOTPARAMS_H
#define HCALLSIM_TOOLS_BOOTPARAMS_H

#include <stdbool.h>
#include <stdint.h>

/* The "in" fields; magic and version are written by bootparams_write. */
typedef struct bootparams {
    uint64_t guest_entry, guest_msr, guest_fdt; /* guest real */
    uint64_t rmor, rma_size, lpid;
    uint64_t tod_seconds;
    uint64_t flags; /* HV_BOOT_* */
} bootparams;

/* What the firmware wrote back. */
typedef struct hv_guest_exit {
    bool powered_off;    /* HV_EXIT_POWERED_OFF */
    bool status_valid;   /* HV_EXIT_STATUS_VALID: the guest printed EXIT: STATUS=n */
    bool firmware_error; /* HV_EXIT_FIRMWARE_ERROR */
    int64_t status;
} hv_guest_exit;

uint64_t bootparams_phys(void);  /* HV_BOOTPARAMS_PHYS */
uint64_t bootparams_size(void);  /* BP_SIZE */
uint64_t bootparams_lpid(void);  /* HV_DEFAULT_LPID */
uint64_t bootparams_quiet(void); /* HV_BOOT_QUIET */

/* ram: host pointer to physical 0, with the block's bytes inside RAM. */
void bootparams_write(uint8_t *ram, const bootparams *bp);
hv_guest_exit bootparams_read_exit(const uint8_t *ram);

#endif
