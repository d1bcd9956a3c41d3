/* The hypervisor system `hcallsim run` boots: the powernv8 machine with the firmware ELF (hv.elf)
 * at physical 0, one guest partition holding a pseries guest ELF and its device tree, and the
 * boot-parameter block (struct hv_bootparams, src/hv/include/hv/layout.h) that tells the firmware
 * where everything is.
 *
 * Physical layout for a partition of S bytes (S = 32M, 64M, 128M, 256M, 1G or 16G):
 *   0                   firmware image (at most 16 MiB: it must end below the machine's FDT)
 *   0x1000000           powernv8 device tree (r3 of the firmware, as QEMU; the firmware ignores it)
 *   0x1f00000           boot-parameter block
 *   RMOR = max(S, 32M)  the partition: guest real 0 .. S (RMOR is aligned to S, as LPCR[RMLS]
 *                       needs); RAM = RMOR + S
 * Inside the partition (guest real addresses):
 *   the guest ELF, placed as QEMU's pseries machine places a kernel (see hv_system_create)
 *   fdt_addr = min(S, 2 GiB) - 2 MiB: the pseries device tree, where QEMU 7.2 puts it
 *
 * Everything is validated and loaded before the first instruction: a guest that is not
 * PowerPC64 or does not fit is refused with one message line and the machine never runs.
 */
#ifndef HCALLSIM_TOOLS_HV_SYSTEM_H
#define HCALLSIM_TOOLS_HV_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bootparams.h"
#include "loader/loader.h"
#include "loader/symtab.h"
#include "platform/machine.h"

#define HV_SYSTEM_KERNEL_ADDR     0x400000ull   /* QEMU's SPAPR_KERNEL_LOAD_ADDR */
#define HV_SYSTEM_KERNEL_MASK     0x0fffffffull /* QEMU's translate_kernel_address mask */
#define HV_SYSTEM_FDT_ROOM        0x200000ull   /* QEMU 7.2 puts the FDT 2 MiB below the top */
#define HV_SYSTEM_DEFAULT_SIZE    (256ull << 20)
#define HV_SYSTEM_FIRMWARE_WINDOW MACHINE_FDT_ADDR /* the firmware ends below the powernv8 FDT */

/* An ELF image in memory. */
typedef struct hv_image {
    const uint8_t *data;
    size_t size;
    const char *name; /* for messages: the file name or "embedded ..." */
} hv_image;

typedef struct hv_system_config {
    hv_image firmware;
    hv_image guest;
    uint64_t partition_size; /* 0: HV_SYSTEM_DEFAULT_SIZE */
    const char *bootargs;    /* /chosen/bootargs; NULL or "" omits it */
    uint64_t tod_seconds;    /* RTAS get-time-of-day at boot */
    uint64_t boot_flags;     /* HV_BOOT_* of the boot-parameter block */
    FILE *console;           /* UART output; NULL discards it */
} hv_system_config;

typedef struct hv_system {
    machine *m;
    symtab *firmware_symbols; /* physical addresses */
    symtab *guest_symbols;    /* guest real addresses */
    uint64_t rmor, partition_size;
    uint64_t guest_entry, guest_low, guest_high; /* guest real */
    uint64_t fdt_addr;                           /* guest real */
    bool guest_moved; /* an ET_EXEC placed at 0x400000 + (p_paddr & mask), as QEMU does */
} hv_system;

/* True for the partition sizes LPCR[RMLS] can describe and the machine can hold. */
bool hv_system_partition_size_valid(uint64_t size);

/* Where the device tree goes in a partition of that size (guest real). */
uint64_t hv_system_fdt_addr(uint64_t partition_size);

/* Builds the machine, loads firmware and guest, writes both device trees and the boot-parameter
 * block, and resets the CPU to the firmware's entry.  On error returns the loader's code with one
 * line in err (prefixed by the image name) and *out untouched. */
loader_error hv_system_create(const hv_system_config *config, hv_system *out, char *err,
                              size_t errlen);
void hv_system_destroy(hv_system *s);

hv_guest_exit hv_system_guest_exit(const hv_system *s);

/* "firmware kvmppc_interrupt+0x40" or "guest main+0x1c" for a PC: MSR[HV] picks the image; a
 * guest PC is turned into a guest real address (translated through the MMU when MSR[IR]).  Falls
 * back to "firmware" / "guest" alone when no symbol covers the address. */
void hv_system_locate(const hv_system *s, uint64_t pc, uint64_t msr, char *buf, size_t len);

#endif
