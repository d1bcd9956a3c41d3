/* Flattened device trees built with libfdt.
 *
 * fdt_build_powernv8: the machine tree QEMU 7.2's powernv8 hands the boot image in r3 (placed at
 * physical 0x01000000 by `hcallsim bios`).  Modelled on `qemu-system-ppc64 -M powernv8
 * -machine dumpdtb=...`, limited to what a hypervisor image uses: the root's compatible and
 * model, /memory@0, /cpus/PowerPC,POWER8@PIR (reg and ibm,pir = PIR), the ICP of that thread,
 * /xscom@3fc0000000000 with the LPC bus (isa@b0020) and its ns16550 UART at I/O 0x3f8 and IPMI BT
 * at I/O 0xe4, and /chosen.
 *
 * fdt_build_pseries: the tree a PAPR guest finds in r3 (../shared/reference/papr-guest.md),
 * modelled on `qemu-system-ppc64 -M pseries -cpu power8 -machine dumpdtb=...`: compatible
 * "qemu,pseries", /memory@0 = the partition, /cpus/PowerPC,POWER8@0, /chosen/bootargs, /rtas with
 * QEMU's tokens and ibm,hypertas-functions, /vdevice/vty@71000000 (hvterm1), the XICS interrupt
 * controller, and no /hypervisor node (QEMU adds one only under KVM).
 *
 * Both return 0 or a negative libfdt error (-FDT_ERR_NOSPACE when bufsize is too small); the tree
 * is complete and packed (fdt_totalsize) on success.
 */
#ifndef HCALLSIM_LOADER_FDT_H
#define HCALLSIM_LOADER_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "hv/hvcall.h"

#define FDT_POWERNV8_ADDR        0x01000000u /* where powernv8 puts the tree (r3) */
#define FDT_POWERNV8_MAX         0x10000u    /* room that always suffices for the powernv8 tree */
#define FDT_PSERIES_MAX          0x10000u    /* likewise for the pseries tree (bootargs < 4 KiB) */
#define FDT_PSERIES_BOOTARGS_MAX 4096u

int fdt_build_powernv8(void *buf, size_t bufsize, uint64_t ram_size, uint32_t boot_pir);

typedef struct pseries_fdt_params {
    uint64_t memory_size;        /* guest RAM: the partition size */
    const char *bootargs;        /* /chosen/bootargs (--append); NULL or "" omits it, as QEMU */
    uint32_t timebase_frequency; /* Hz; QEMU: 512 MHz */
    uint32_t clock_frequency;    /* Hz; QEMU: 1 GHz */
    uint32_t cpu_version;        /* PVR; POWER8: 0x004d0200 */
    uint32_t hpt_shift;          /* ibm,pft-size: log2 of the hash table size; 0 = QEMU's rule */
    uint32_t dec_bits;           /* ibm,dec-bits; 0 omits it (QEMU's POWER8 has none) */
    uint64_t kernel_addr, kernel_size; /* guest real; size 0: no reservation */
    uint64_t initrd_start, initrd_end; /* guest real; equal: no initrd */
} pseries_fdt_params;

/* QEMU's values for a POWER8 guest with memory_size bytes, no bootargs, no kernel, no initrd. */
void pseries_fdt_params_init(pseries_fdt_params *p, uint64_t memory_size);

/* QEMU's hash table size rule: 1/128 of RAM rounded up to a power of two, at least 2^18. */
uint32_t pseries_default_hpt_shift(uint64_t memory_size);

int fdt_build_pseries(void *buf, size_t bufsize, const pseries_fdt_params *p);

#endif
