/* The minimal boot ROM for QEMU's pseries machine (-bios), in place of SLOF: QEMU starts the
 * CPU at 0x100 with r3 = FDT and MSR = 0; branch to the kernel QEMU loaded at 0x400000. */
    .text
    .org 0x100
    ba 0x400000
