/*
 * A boot-parameter block image for loaders that copy raw files (QEMU's -device loader): the
 * build assembles it with -D values and objcopies it to bootparams.bin, which is loaded at
 * HV_BOOTPARAMS_PHYS.  Field order: struct hv_bootparams in hv/layout.h (checked below).
 */
#include "hv/layout.h"
#include "hv-offsets.h"

#ifndef GUEST_ENTRY
#define GUEST_ENTRY GUEST_LOAD_ADDR
#endif
#ifndef GUEST_MSR
#define GUEST_MSR (MSR_SF | MSR_ME)
#endif
#ifndef GUEST_FDT
#define GUEST_FDT GUEST_DEFAULT_FDT
#endif
#ifndef BOOT_FLAGS
#define BOOT_FLAGS 0
#endif
#ifndef TOD_SECONDS
#define TOD_SECONDS 1704067200 /* 2024-01-01 00:00:00 UTC */
#endif

    .section ".data"
bp:
    .quad HV_BOOTPARAMS_MAGIC
    .quad HV_BOOTPARAMS_VERSION
    .quad GUEST_ENTRY
    .quad GUEST_MSR
    .quad GUEST_FDT
    .quad HV_DEFAULT_RMOR
    .quad HV_DEFAULT_RMA_SIZE
    .quad HV_DEFAULT_LPID
    .quad TOD_SECONDS
    .quad BOOT_FLAGS
    .quad 0 /* exit_status */
    .quad 0 /* exit_flags */
    .if (. - bp) != BP_SIZE
    .error "bootparams.S is out of step with struct hv_bootparams"
    .endif
