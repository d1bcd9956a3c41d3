/*
 * The KVM Book3S-HV guest-exit path of the seed (book3s_hv_rmhandlers.S, Linux 3.10), run in
 * hypervisor real mode: kvmppc_interrupt, hcall_try_real_mode, hcall_real_table, the asm
 * real-mode handlers (H_SET_DABR, H_CEDE), fast_guest_return, hcall_real_fallback and
 * guest_exit_cont with the host side's return into the guest (kvmppc_hv_entry).
 */
#include "hv/ppc_asm.h"
#include "hv-offsets.h"

    .section ".text"

/*
 * kvmppc_interrupt: the guest-exit save sequence, in the seed's order.
 * R12 = interrupt vector (+2 if HSRR-based), R13 = PACA,
 * guest CR, R12 saved in the host state SCRATCH1/0, guest R13 in HSPRG1.
 */
    .globl kvmppc_interrupt
kvmppc_interrupt:
    /* abuse host_r2 as third scratch area; r2 comes back from PACATOC(r13) */
    std r9, HSTATE_HOST_R2(r13)
    ld r9, HSTATE_KVM_VCPU(r13)

    /* Save registers */
    std r0, VCPU_GPR(R0)(r9)
    std r1, VCPU_GPR(R1)(r9)
    std r2, VCPU_GPR(R2)(r9)
    std r3, VCPU_GPR(R3)(r9)
    std r4, VCPU_GPR(R4)(r9)
    std r5, VCPU_GPR(R5)(r9)
    std r6, VCPU_GPR(R6)(r9)
    std r7, VCPU_GPR(R7)(r9)
    std r8, VCPU_GPR(R8)(r9)
    ld r0, HSTATE_HOST_R2(r13)
    std r0, VCPU_GPR(R9)(r9)
    std r10, VCPU_GPR(R10)(r9)
    std r11, VCPU_GPR(R11)(r9)
    ld r3, HSTATE_SCRATCH0(r13)
    lwz r4, HSTATE_SCRATCH1(r13)
    std r3, VCPU_GPR(R12)(r9)
    stw r4, VCPU_CR(r9)
    ld r3, HSTATE_CFAR(r13)
    std r3, VCPU_CFAR(r9)

    /* Restore R1/R2 so we can handle faults */
    ld r1, HSTATE_HOST_R1(r13)
    ld r2, PACATOC(r13)

    mfspr r10, SPRN_SRR0
    mfspr r11, SPRN_SRR1
    std r10, VCPU_SRR0(r9)
    std r11, VCPU_SRR1(r9)
    andi. r0, r12, 2 /* need to read HSRR0/1? */
    beq 1f
    mfspr r10, SPRN_HSRR0
    mfspr r11, SPRN_HSRR1
    clrrdi r12, r12, 2
1:  std r10, VCPU_PC(r9)
    std r11, VCPU_MSR(r9)

    GET_SCRATCH0(r3)
    mflr r4
    std r3, VCPU_GPR(R13)(r9)
    std r4, VCPU_LR(r9)

    /* Unset guest mode */
    li r0, KVM_GUEST_MODE_NONE
    stb r0, HSTATE_IN_GUEST(r13)

    stw r12, VCPU_TRAP(r9)

    /* Save HEIR (HV emulation assist reg) in last_inst if this is an HEI (0xe40) */
    li r3, KVM_INST_FETCH_FAILED
    cmpwi r12, BOOK3S_INTERRUPT_H_EMUL_ASSIST
    bne 11f
    mfspr r3, SPRN_HEIR
11: stw r3, VCPU_LAST_INST(r9)

    /* these are volatile across C function calls */
    mfctr r3
    mfxer r4
    std r3, VCPU_CTR(r9)
    stw r4, VCPU_XER(r9)

    /* If this is a page table miss then see if it's theirs or ours */
    cmpwi r12, BOOK3S_INTERRUPT_H_DATA_STORAGE
    beq kvmppc_hdsi
    cmpwi r12, BOOK3S_INTERRUPT_H_INST_STORAGE
    beq kvmppc_hisi

    /* See if this is a leftover HDEC interrupt */
    cmpwi r12, BOOK3S_INTERRUPT_HV_DECREMENTER
    bne 2f
    mfspr r3, SPRN_HDEC
    cmpwi r3, 0
    bge ignore_hdec
2:
    /* See if this is an hcall we can handle in real mode */
    cmpwi r12, BOOK3S_INTERRUPT_SYSCALL
    beq hcall_try_real_mode
    b guest_exit_cont

/*
 * hcall_try_real_mode: r9 = vcpu, r10 = guest PC, r11 = guest MSR, r12 = trap, r13 = PACA,
 * r1 = host stack, r2 = TOC; r5..r8 still hold the guest's r5..r8 (handler arguments 3..6).
 * The table holds signed 32-bit offsets from hcall_real_table: loaded with lwax (as Linux from
 * 3.17 on) because handlers may sit before the table; lwzx would zero-extend them.
 */
    .globl hcall_try_real_mode
hcall_try_real_mode:
    ld r3, VCPU_GPR(R3)(r9)
    andi. r0, r11, MSR_PR
    bne guest_exit_cont
    clrrdi r3, r3, 2
    cmpldi r3, hcall_real_table_end - hcall_real_table
    bge guest_exit_cont
    LOAD_REG_ADDR(r4, hcall_real_table)
    lwax r3, r3, r4
    cmpwi r3, 0
    beq guest_exit_cont
    add r3, r3, r4
    mtctr r3
    mr r3, r9 /* get vcpu pointer */
    ld r4, VCPU_GPR(R4)(r9)
    bctrl
    cmpdi r3, H_TOO_HARD
    beq hcall_real_fallback
    ld r4, HSTATE_KVM_VCPU(r13)
    std r3, VCPU_GPR(R3)(r4)
    ld r10, VCPU_PC(r4)
    ld r11, VCPU_MSR(r4)
    b fast_guest_return

    .globl hcall_real_fallback
hcall_real_fallback:
    li r12, BOOK3S_INTERRUPT_SYSCALL
    ld r9, HSTATE_KVM_VCPU(r13)
    b guest_exit_cont

/* A leftover HDEC interrupt while HDEC is still positive: straight back into the guest */
ignore_hdec:
    mr r4, r9
    b fast_guest_return

/* HDSI/HISI: keep the fault address and status for the host side, which reflects them */
kvmppc_hdsi:
    mfspr r4, SPRN_HDAR
    mfspr r6, SPRN_HDSISR
    std r4, VCPU_FAULT_DAR(r9)
    stw r6, VCPU_FAULT_DSISR(r9)
    b guest_exit_cont
kvmppc_hisi:
    std r10, VCPU_FAULT_DAR(r9)
    b guest_exit_cont

/*
 * fast_guest_return: r4 = vcpu, r10 = guest PC, r11 = guest MSR, r13 = PACA.
 * CTR and XER are not restored: after a real-mode hcall the guest sees CTR = handler address.
 */
    .globl fast_guest_return
fast_guest_return:
    li r0, 0
    stb r0, VCPU_CEDED(r4) /* cancel cede */
    mtspr SPRN_HSRR0, r10
    mtspr SPRN_HSRR1, r11

    /* Activate guest mode, so faults get handled by KVM */
    li r9, KVM_GUEST_MODE_GUEST
    stb r9, HSTATE_IN_GUEST(r13)

    ld r5, VCPU_CFAR(r4)
    mtspr SPRN_CFAR, r5
    ld r5, VCPU_LR(r4)
    lwz r6, VCPU_CR(r4)
    mtlr r5
    mtcr r6

    ld r0, VCPU_GPR(R0)(r4)
    ld r1, VCPU_GPR(R1)(r4)
    ld r2, VCPU_GPR(R2)(r4)
    ld r3, VCPU_GPR(R3)(r4)
    ld r5, VCPU_GPR(R5)(r4)
    ld r6, VCPU_GPR(R6)(r4)
    ld r7, VCPU_GPR(R7)(r4)
    ld r8, VCPU_GPR(R8)(r4)
    ld r9, VCPU_GPR(R9)(r4)
    ld r10, VCPU_GPR(R10)(r4)
    ld r11, VCPU_GPR(R11)(r4)
    ld r12, VCPU_GPR(R12)(r4)
    ld r13, VCPU_GPR(R13)(r4)

    ld r4, VCPU_GPR(R4)(r4)

    hrfid
    b .

/*
 * guest_exit_cont: the full exit.  r9 = vcpu, r12 = trap, r13 = PACA, r1 = host stack, r2 = TOC.
 * Save the rest of the guest state the host side may clobber or needs (r14-r31, SPRG0-3,
 * DAR/DSISR), handle the exit in C, then load the (possibly changed) vcpu back into the machine.
 * The partition (LPID, LPCR, RMOR, SDR1) stays loaded: the host side never leaves real mode.
 */
    .globl guest_exit_cont
guest_exit_cont:
    std r14, VCPU_GPR(R14)(r9)
    std r15, VCPU_GPR(R15)(r9)
    std r16, VCPU_GPR(R16)(r9)
    std r17, VCPU_GPR(R17)(r9)
    std r18, VCPU_GPR(R18)(r9)
    std r19, VCPU_GPR(R19)(r9)
    std r20, VCPU_GPR(R20)(r9)
    std r21, VCPU_GPR(R21)(r9)
    std r22, VCPU_GPR(R22)(r9)
    std r23, VCPU_GPR(R23)(r9)
    std r24, VCPU_GPR(R24)(r9)
    std r25, VCPU_GPR(R25)(r9)
    std r26, VCPU_GPR(R26)(r9)
    std r27, VCPU_GPR(R27)(r9)
    std r28, VCPU_GPR(R28)(r9)
    std r29, VCPU_GPR(R29)(r9)
    std r30, VCPU_GPR(R30)(r9)
    std r31, VCPU_GPR(R31)(r9)
    mfspr r3, SPRN_SPRG0
    mfspr r4, SPRN_SPRG1
    mfspr r5, SPRN_SPRG2
    mfspr r6, SPRN_SPRG3
    std r3, VCPU_SPRG0(r9)
    std r4, VCPU_SPRG1(r9)
    std r5, VCPU_SPRG2(r9)
    std r6, VCPU_SPRG3(r9)
    mfspr r3, SPRN_DAR
    mfspr r4, SPRN_DSISR
    std r3, VCPU_DAR(r9)
    stw r4, VCPU_DSISR(r9)

    mr r3, r9
    bl .kvmppc_handle_exit_hv /* returns the vcpu to resume */
    mr r4, r3
    /* fall through */

/*
 * kvmppc_hv_entry: load a vcpu into the machine and enter it.  r4 = vcpu, r13 = PACA,
 * r1 = host stack.  Also the first guest entry from boot.
 */
    .globl kvmppc_hv_entry
kvmppc_hv_entry:
    std r1, HSTATE_HOST_R1(r13)
    std r4, HSTATE_KVM_VCPU(r13)
    ld r14, VCPU_GPR(R14)(r4)
    ld r15, VCPU_GPR(R15)(r4)
    ld r16, VCPU_GPR(R16)(r4)
    ld r17, VCPU_GPR(R17)(r4)
    ld r18, VCPU_GPR(R18)(r4)
    ld r19, VCPU_GPR(R19)(r4)
    ld r20, VCPU_GPR(R20)(r4)
    ld r21, VCPU_GPR(R21)(r4)
    ld r22, VCPU_GPR(R22)(r4)
    ld r23, VCPU_GPR(R23)(r4)
    ld r24, VCPU_GPR(R24)(r4)
    ld r25, VCPU_GPR(R25)(r4)
    ld r26, VCPU_GPR(R26)(r4)
    ld r27, VCPU_GPR(R27)(r4)
    ld r28, VCPU_GPR(R28)(r4)
    ld r29, VCPU_GPR(R29)(r4)
    ld r30, VCPU_GPR(R30)(r4)
    ld r31, VCPU_GPR(R31)(r4)
    ld r5, VCPU_SPRG0(r4)
    ld r6, VCPU_SPRG1(r4)
    ld r7, VCPU_SPRG2(r4)
    ld r8, VCPU_SPRG3(r4)
    mtspr SPRN_SPRG0, r5
    mtspr SPRN_SPRG1, r6
    mtspr SPRN_SPRG2, r7
    mtspr SPRN_SPRG3, r8
    ld r5, VCPU_DAR(r4)
    lwz r6, VCPU_DSISR(r4)
    mtspr SPRN_DAR, r5
    mtspr SPRN_DSISR, r6
    ld r5, VCPU_CTR(r4)
    lwz r6, VCPU_XER(r4)
    mtctr r5
    mtxer r6
    ld r10, VCPU_PC(r4)
    ld r11, VCPU_MSR(r4)

    .globl kvmppc_cede_reentry
kvmppc_cede_reentry:
    ld r5, VCPU_SRR0(r4)
    ld r6, VCPU_SRR1(r4)
    mtspr SPRN_SRR0, r5
    mtspr SPRN_SRR1, r6
    b fast_guest_return

/*
 * H_SET_DABR (asm): r3 = vcpu, r4 = dabr.  POWER8 has no DABR (ISA 2.07 replaced it with
 * DAWR/DAWRX), so the DABR value is converted to a DAWR watchpoint as Linux does on CPU_FTR_DAWR
 * hosts: read/write bits -> DAWRX[DR/DW], BT -> DAWRX[WT], user+kernel privilege.  No validation.
 */
#define SPRN_DAWR   180
#define SPRN_DAWRX  188
#define DAWRX_USER  0x1
#define DAWRX_KERNEL 0x2
#define DAWRX_WT    0x10
#define DAWRX_DR    0x20
#define DAWRX_DW    0x40
_GLOBAL(kvmppc_h_set_dabr)
    std r4, VCPU_DABR(r3)
    li r5, DAWRX_USER | DAWRX_KERNEL
    rlwimi r5, r4, 5, DAWRX_DR | DAWRX_DW
    rlwimi r5, r4, 2, DAWRX_WT
    clrrdi r4, r4, 3
    mtspr SPRN_DAWR, r4
    mtspr SPRN_DAWRX, r5
    li r3, H_SUCCESS
    blr

/*
 * H_CEDE (asm, as in the kernel): r3 = vcpu, r11 = guest MSR (live from kvmppc_interrupt).
 * The guest returns with MSR[EE] = 1.  A prodded vcpu returns at once; otherwise trap = 0
 * ("handled") and the full exit lets the host side idle the vcpu until an interrupt is due.
 */
_GLOBAL(kvmppc_h_cede)
    ori r11, r11, MSR_EE
    std r11, VCPU_MSR(r3)
    li r0, 1
    stb r0, VCPU_CEDED(r3)
    sync
    lbz r5, VCPU_PRODDED(r3)
    cmpwi r5, 0
    bne kvm_cede_prodded
    li r0, 0
    stw r0, VCPU_TRAP(r3)
    li r0, H_SUCCESS
    std r0, VCPU_GPR(R3)(r3)
    /* one thread per core: no napping siblings to count, exit straight away */
    b kvm_cede_exit
kvm_cede_prodded:
    li r0, 0
    stb r0, VCPU_PRODDED(r3)
    sync
    stb r0, VCPU_CEDED(r3)
    li r3, H_SUCCESS
    blr
kvm_cede_exit:
    b hcall_real_fallback

/*
 * hcall_real_table: byte offset = hcall number; entry = handler - table (0 = no real-mode
 * handler).  Entries as in Linux 3.10 with CONFIG_KVM_XICS.
 */
    .balign 4
    .globl hcall_real_table
hcall_real_table:
    .long 0 /* 0 - unused */
    .long .kvmppc_h_remove - hcall_real_table
    .long .kvmppc_h_enter - hcall_real_table
    .long .kvmppc_h_read - hcall_real_table
    .long 0 /* 0x10 - H_CLEAR_MOD */
    .long 0 /* 0x14 - H_CLEAR_REF */
    .long .kvmppc_h_protect - hcall_real_table
    .long 0 /* 0x1c - H_GET_TCE */
    .long .kvmppc_h_put_tce - hcall_real_table
    .long 0 /* 0x24 - H_SET_SPRG0 */
    .long .kvmppc_h_set_dabr - hcall_real_table
    .rept (0x64 - 0x2c) / 4
    .long 0 /* 0x2c - 0x60 */
    .endr
    .long .kvmppc_rm_h_eoi - hcall_real_table
    .long .kvmppc_rm_h_cppr - hcall_real_table
    .long .kvmppc_rm_h_ipi - hcall_real_table
    .long 0 /* 0x70 - H_IPOLL */
    .long .kvmppc_rm_h_xirr - hcall_real_table
    .rept (0xe0 - 0x78) / 4
    .long 0 /* 0x78 - 0xdc */
    .endr
    .long .kvmppc_h_cede - hcall_real_table
    .rept (0x124 - 0xe4) / 4
    .long 0 /* 0xe4 - 0x120 */
    .endr
    .long .kvmppc_h_bulk_remove - hcall_real_table
    .globl hcall_real_table_end
hcall_real_table_end:
