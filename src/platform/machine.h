/* The powernv8 machine as QEMU 7.2 builds it for a bare-metal -bios image: RAM at physical 0,
 * one POWER8 thread, chip 0's XSCOM window with the LPC master behind it, and on the LPC I/O
 * space the ISA UART (console) and the IPMI BT interface to a simulated BMC.
 *
 * The machine does not load anything: callers copy images into machine_ram() (after checking
 * machine_ram_fits()), place the device tree at MACHINE_FDT_ADDR, then call machine_reset(). */
#ifndef HCALLSIM_PLATFORM_MACHINE_H
#define HCALLSIM_PLATFORM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

#define MACHINE_DEFAULT_RAM  (1ull << 30)
#define MACHINE_MIN_RAM      (32ull << 20) /* the firmware image and the device tree fit */
#define MACHINE_MAX_RAM      (64ull << 30)
#define MACHINE_RAM_ALIGN    4096u
#define MACHINE_FDT_ADDR     0x01000000ull /* r3 at entry */
#define MACHINE_FIRMWARE_MAX (16ull << 20) /* -bios image at physical 0 */
#define MACHINE_ENTRY        0x10ull
#define MACHINE_BOOT_PIR     8u /* QEMU's PIR for chip 0, core 1, thread 0 */
#define MACHINE_PVR          0x004d0200u

typedef struct machine machine;

typedef struct machine_config {
    uint64_t ram_size; /* 0: MACHINE_DEFAULT_RAM */
    FILE *console;     /* UART output; NULL discards it */
} machine_config;

/* What the BMC was last asked to do. */
typedef enum machine_power {
    MACHINE_POWER_ON = 0,
    MACHINE_POWER_DOWN,    /* chassis control: power down */
    MACHINE_RESET_REQUEST, /* chassis control: hard reset (a stop, as with -no-reboot) */
} machine_power;

/* True if ram_size is acceptable: a multiple of 4 KiB within [MIN, MAX]. */
bool machine_ram_size_valid(uint64_t ram_size);
/* NULL if the size is invalid or memory runs out. */
machine *machine_create(const machine_config *config);
void machine_destroy(machine *m);

ppc_cpu *machine_cpu(machine *m);
uint8_t *machine_ram(machine *m);
uint64_t machine_ram_size(const machine *m);
/* The physical address space as the CPU sees it (RAM plus the io callbacks). */
const phys_memory *machine_memory(const machine *m);
/* True if [pa, pa + len) lies inside RAM. */
bool machine_ram_fits(const machine *m, uint64_t pa, uint64_t len);

/* Puts the CPU in QEMU powernv8's reset state: NIP 0x10, MSR SF|HV, r3 = MACHINE_FDT_ADDR,
 * LPCR 0xc, HRMOR/RMOR/LPIDR/HID0 0, DEC 0xffffffff, everything else 0. */
void machine_reset(machine *m);
machine_power machine_power_state(const machine *m);

#endif
