/*
 * Physical 0 .. 0x1000 of the firmware: the powernv8 entry at 0x10 and the vectors 0x100-0xf80.
 * Runs with relocation off: the image is linked at 0xc000000000000000 and loaded at physical 0;
 * hypervisor real mode ignores the top four address bits, so both views address the same bytes.
 * Every vector a guest can reach carries the KVM test; vector 0xc00 is system_call_pSeries as in
 * the seed.  Vectors whose slot is 0x20 bytes (0xe00 and up) branch out of line, as Linux does.
 */
#include "hv/ppc_asm.h"
#include "hv-offsets.h"

    .section ".head.text", "ax"

    .globl __start
__start:
    b hv_boot /* 0x0 is never executed on powernv8; kept for loaders that start at 0 */

    . = HV_ENTRY_OFFSET
    .globl hv_entry
hv_entry:
    b hv_boot

/* A 0x100-byte vector taken through SRR0/1 (or HSRR0/1 when h = EXC_HV), KVM test inline */
#define STD_VECTOR_KVM(vec, trapn, label)                                                          \
    . = vec;                                                                                       \
    .globl label;                                                                                  \
label:                                                                                             \
    EXCEPTION_PROLOG_KVM(PACA_EXGEN, trapn);                                                       \
    HOST_EXCEPTION(trapn);                                                                         \
    KVM_HANDLER(PACA_EXGEN, 0, trapn)

    STD_VECTOR_KVM(0x100, 0x100, system_reset_pSeries) /* system reset */
    STD_VECTOR_KVM(0x200, 0x200, machine_check_pSeries) /* machine check */
    STD_VECTOR_KVM(0x300, 0x300, data_access_pSeries) /* data storage */
    STD_VECTOR_KVM(0x380, 0x380, data_access_slb_pSeries) /* data segment */
    STD_VECTOR_KVM(0x400, 0x400, instruction_access_pSeries) /* instruction storage */
    STD_VECTOR_KVM(0x480, 0x480, instruction_access_slb_pSeries) /* instruction segment */
    STD_VECTOR_KVM(0x500, 0x502, hardware_interrupt_pSeries) /* external: HSRR-based with LPCR[LPES0] = 0 */
    STD_VECTOR_KVM(0x600, 0x600, alignment_pSeries) /* alignment */
    STD_VECTOR_KVM(0x700, 0x700, program_check_pSeries) /* program */
    STD_VECTOR_KVM(0x800, 0x800, fp_unavailable_pSeries) /* FP unavailable */
    STD_VECTOR_KVM(0x900, 0x900, decrementer_pSeries) /* decrementer */
    STD_VECTOR_KVM(0x980, 0x982, hdecrementer_pSeries) /* hypervisor decrementer */
    STD_VECTOR_KVM(0xa00, 0xa00, doorbell_super_pSeries) /* doorbell */
    STD_VECTOR_KVM(0xb00, 0xb00, trap_0b_pSeries) /* reserved */

    . = 0xc00
    .globl system_call_pSeries
system_call_pSeries:
    HMT_MEDIUM
    SET_SCRATCH0(r13)
    GET_PACA(r13)
    std r9, PACA_EXGEN + EX_R9(r13)
    std r10, PACA_EXGEN + EX_R10(r13)
    mfcr r9
    KVMTEST(0xc00)
    GET_SCRATCH0(r13)
    /* SYSCALL_PSERIES_1/2/3: the firmware makes no system calls of its own, so a host-side sc is
     * a firmware fault and goes to the fatal host-interrupt report. */
    HOST_EXCEPTION(0xc00)
    KVM_HANDLER(PACA_EXGEN, EXC_STD, 0xc00)

    STD_VECTOR_KVM(0xd00, 0xd00, single_step_pSeries) /* trace */

/* 0x20-byte hypervisor vectors: branch out of line */
    . = 0xe00
    b h_data_storage_hv
    . = 0xe20
    b h_instr_storage_hv
    . = 0xe40
    b emulation_assist_hv
    . = 0xe60
    b hmi_exception_hv
    . = 0xe80
    b h_doorbell_hv
    . = 0xf00
    b performance_monitor
    . = 0xf20
    b altivec_unavailable
    . = 0xf40
    b vsx_unavailable
    . = 0xf60
    b facility_unavailable
    . = 0xf80
    b hv_facility_unavailable

    . = 0x1000

#define OOL_VECTOR_KVM(label, trapn)                                                               \
label:                                                                                             \
    EXCEPTION_PROLOG_KVM(PACA_EXGEN, trapn);                                                       \
    HOST_EXCEPTION(trapn);                                                                         \
    KVM_HANDLER(PACA_EXGEN, 0, trapn)

    OOL_VECTOR_KVM(h_data_storage_hv, 0xe02)
    OOL_VECTOR_KVM(h_instr_storage_hv, 0xe22)
    OOL_VECTOR_KVM(emulation_assist_hv, 0xe42)
    OOL_VECTOR_KVM(hmi_exception_hv, 0xe62)
    OOL_VECTOR_KVM(h_doorbell_hv, 0xe82)
    OOL_VECTOR_KVM(performance_monitor, 0xf00)
    OOL_VECTOR_KVM(altivec_unavailable, 0xf20)
    OOL_VECTOR_KVM(vsx_unavailable, 0xf40)
    OOL_VECTOR_KVM(facility_unavailable, 0xf60)
    OOL_VECTOR_KVM(hv_facility_unavailable, 0xf82)

    .globl __end_interrupts
__end_interrupts:

/*
 * An interrupt the firmware took itself (r12 = trap, guest/host r13 in HSPRG1): report it on the
 * console and power off.  Uses the emergency stack so that a fault on the host stack still
 * reports.
 */
hv_host_interrupt:
    GET_PACA(r13)
    ld r1, PACAEMERGSP(r13)
    ld r2, PACATOC(r13)
    mr r3, r12
    bl .hv_fatal_interrupt
    b .

/*
 * Boot: MSR = SF|HV (ME=0), r3 = QEMU's FDT (unused), real mode.  Set up PACA (HSPRG0), host
 * stack and TOC, clear .bss, then let C build the partition and the vcpu and enter the guest.
 */
hv_boot:
    LOAD_REG_IMMEDIATE(r13, hv_paca)
    mtspr SPRN_HSPRG0, r13
    li r0, 0
    mtspr SPRN_HSPRG1, r0
    /* machine checks on from here: powernv8 starts with MSR[ME] = 0 */
    mfmsr r3
    ori r3, r3, MSR_ME
    mtmsrd r3
    LOAD_REG_IMMEDIATE(r3, __bss_start)
    LOAD_REG_IMMEDIATE(r4, __bss_end)
1:  cmpld r3, r4
    bge 2f
    std r0, 0(r3)
    addi r3, r3, 8
    b 1b
2:  LOAD_REG_IMMEDIATE(r3, hv_toc_base)
    ld r2, 0(r3)
    LOAD_REG_IMMEDIATE(r1, hv_stack + HV_STACK_SIZE - HV_FRAME_MIN)
    std r0, 0(r1) /* back chain ends here */
    std r2, PACATOC(r13)
    LOAD_REG_IMMEDIATE(r3, hv_emergency_stack + HV_EMERG_STACK_SIZE - HV_FRAME_MIN)
    std r0, 0(r3)
    std r3, PACAEMERGSP(r13)
    bl .hv_main /* returns the vcpu to run */
    mr r4, r3
    b kvmppc_hv_entry

    .section ".rodata"
    .align 3
hv_toc_base:
    .quad .TOC.@tocbase
