/*
 * Offsets of the layout header's structures, for assembly and for the emulator's reports.
 * Compiled to assembly only; the build extracts the "->NAME value" markers into hv-offsets.h.
 */
#include <stddef.h>
#include "hv/layout.h"

#define DEFINE(sym, val)       __asm__ volatile("\n.ascii \"->" #sym " %0 " #val "\"" : : "i"(val))
#define OFFSET(sym, str, mem)  DEFINE(sym, offsetof(struct str, mem))
#define HSTATE_FIELD(sym, mem) DEFINE(sym, offsetof(struct paca_struct, kvm_hstate.mem))
#define VCPU_SPR(sym, mem)     OFFSET(sym, kvm_vcpu, mem)

void asm_offsets(void);
void asm_offsets(void)
{
    /* PACA */
    OFFSET(PACALPPACAPTR, paca_struct, lppaca_ptr);
    OFFSET(PACA_LOCK_TOKEN, paca_struct, lock_token);
    OFFSET(PACAPACAINDEX, paca_struct, paca_index);
    OFFSET(PACATOC, paca_struct, kernel_toc);
    OFFSET(PACAKBASE, paca_struct, kernelbase);
    OFFSET(PACAKMSR, paca_struct, kernel_msr);
    OFFSET(PACAEMERGSP, paca_struct, emergency_sp);
    OFFSET(PACA_EXGEN, paca_struct, exgen);
    OFFSET(PACA_EXMC, paca_struct, exmc);
    OFFSET(PACA_EXSLB, paca_struct, exslb);
    OFFSET(PACAKSAVE, paca_struct, kstack);
    OFFSET(PACA_SPRG3, paca_struct, sprg3);
    OFFSET(PACA_KVM_HSTATE, paca_struct, kvm_hstate);
    DEFINE(PACA_SIZE, sizeof(struct paca_struct));

    /* Exception save area slots, relative to the area */
    OFFSET(EX_R9, exception_area, r9);
    OFFSET(EX_R10, exception_area, r10);
    OFFSET(EX_R11, exception_area, r11);
    OFFSET(EX_R12, exception_area, r12);
    OFFSET(EX_R13, exception_area, r13);
    OFFSET(EX_SRR0, exception_area, srr0);
    OFFSET(EX_DAR, exception_area, dar);
    OFFSET(EX_DSISR, exception_area, dsisr);
    OFFSET(EX_CCR, exception_area, ccr);
    OFFSET(EX_R3, exception_area, r3);
    OFFSET(EX_LR, exception_area, lr);
    OFFSET(EX_CFAR, exception_area, cfar);
    OFFSET(EX_PPR, exception_area, ppr);
    DEFINE(EX_SIZE, sizeof(struct exception_area));

    /* KVM host state, as absolute PACA offsets */
    HSTATE_FIELD(HSTATE_HOST_R1, host_r1);
    HSTATE_FIELD(HSTATE_HOST_R2, host_r2);
    HSTATE_FIELD(HSTATE_HOST_MSR, host_msr);
    HSTATE_FIELD(HSTATE_VMHANDLER, vmhandler);
    HSTATE_FIELD(HSTATE_SCRATCH0, scratch0);
    HSTATE_FIELD(HSTATE_SCRATCH1, scratch1);
    HSTATE_FIELD(HSTATE_IN_GUEST, in_guest);
    HSTATE_FIELD(HSTATE_RESTORE_HID5, restore_hid5);
    HSTATE_FIELD(HSTATE_NAPPING, napping);
    HSTATE_FIELD(HSTATE_HWTHREAD_REQ, hwthread_req);
    HSTATE_FIELD(HSTATE_HWTHREAD_STATE, hwthread_state);
    HSTATE_FIELD(HSTATE_HOST_IPI, host_ipi);
    HSTATE_FIELD(HSTATE_KVM_VCPU, kvm_vcpu);
    HSTATE_FIELD(HSTATE_KVM_VCORE, kvm_vcore);
    HSTATE_FIELD(HSTATE_XICS_PHYS, xics_phys);
    HSTATE_FIELD(HSTATE_SAVED_XIRR, saved_xirr);
    HSTATE_FIELD(HSTATE_DABR, dabr);
    HSTATE_FIELD(HSTATE_DECEXP, dec_expires);
    HSTATE_FIELD(HSTATE_CFAR, cfar);

    /* vcpu */
    OFFSET(VCPU_KVM, kvm_vcpu, kvm);
    OFFSET(VCPU_GPRS, kvm_vcpu, gpr);
    VCPU_SPR(VCPU_PC, pc);
    VCPU_SPR(VCPU_CTR, ctr);
    VCPU_SPR(VCPU_LR, lr);
    VCPU_SPR(VCPU_XER, xer);
    VCPU_SPR(VCPU_CR, cr);
    VCPU_SPR(VCPU_DABR, dabr);
    VCPU_SPR(VCPU_CFAR, cfar);
    VCPU_SPR(VCPU_DEC_EXPIRES, dec_expires);
    VCPU_SPR(VCPU_PENDING_EXC, pending_exceptions);
    VCPU_SPR(VCPU_CEDED, ceded);
    VCPU_SPR(VCPU_PRODDED, prodded);
    VCPU_SPR(VCPU_LAST_INST, last_inst);
    VCPU_SPR(VCPU_TRAP, trap);
    VCPU_SPR(VCPU_FAULT_DAR, fault_dar);
    VCPU_SPR(VCPU_FAULT_DSISR, fault_dsisr);
    VCPU_SPR(VCPU_SPRG0, sprg0);
    VCPU_SPR(VCPU_SPRG1, sprg1);
    VCPU_SPR(VCPU_SPRG2, sprg2);
    VCPU_SPR(VCPU_SPRG3, sprg3);
    VCPU_SPR(VCPU_SRR0, srr0);
    VCPU_SPR(VCPU_SRR1, srr1);
    VCPU_SPR(VCPU_DAR, dar);
    VCPU_SPR(VCPU_MSR, msr);
    VCPU_SPR(VCPU_DSISR, dsisr);
    OFFSET(VCPU_ICP, kvm_vcpu, icp);
    OFFSET(VCPU_STAT_EXITS, kvm_vcpu, stat_exits);
    OFFSET(VCPU_STAT_REFLECTED, kvm_vcpu, stat_reflected);
    DEFINE(VCPU_SIZE, sizeof(struct kvm_vcpu));

    /* ICP */
    OFFSET(ICP_CPPR, kvmppc_icp, cppr);
    OFFSET(ICP_MFRR, kvmppc_icp, mfrr);
    OFFSET(ICP_PENDING_PRI, kvmppc_icp, pending_pri);
    OFFSET(ICP_OUT_EE, kvmppc_icp, out_ee);
    OFFSET(ICP_XISR, kvmppc_icp, xisr);

    /* kvm (partition) */
    OFFSET(KVM_LPID, kvm, lpid);
    OFFSET(KVM_LPCR, kvm, lpcr);
    OFFSET(KVM_RMOR, kvm, rmor);
    OFFSET(KVM_RMA_SIZE, kvm, rma_size);
    OFFSET(KVM_SDR1, kvm, sdr1);
    OFFSET(KVM_HPT_VIRT, kvm, hpt_virt);
    OFFSET(KVM_HPT_NPTE, kvm, hpt_npte);
    OFFSET(KVM_REVMAP, kvm, revmap);
    OFFSET(KVM_TCE_TABLES, kvm, spapr_tce_tables);
    OFFSET(KVM_TOD_OFFSET, kvm, tod_offset);
    DEFINE(KVM_SIZE, sizeof(struct kvm));

    /* TCE table */
    OFFSET(TCE_NEXT, kvmppc_spapr_tce_table, next);
    OFFSET(TCE_KVM, kvmppc_spapr_tce_table, kvm);
    OFFSET(TCE_LIOBN, kvmppc_spapr_tce_table, liobn);
    OFFSET(TCE_WINDOW_SIZE, kvmppc_spapr_tce_table, window_size);
    OFFSET(TCE_TABLE, kvmppc_spapr_tce_table, table);

    /* Boot-parameter block */
    OFFSET(BP_MAGIC, hv_bootparams, magic);
    OFFSET(BP_VERSION, hv_bootparams, version);
    OFFSET(BP_GUEST_ENTRY, hv_bootparams, guest_entry);
    OFFSET(BP_GUEST_MSR, hv_bootparams, guest_msr);
    OFFSET(BP_GUEST_FDT, hv_bootparams, guest_fdt);
    OFFSET(BP_RMOR, hv_bootparams, rmor);
    OFFSET(BP_RMA_SIZE, hv_bootparams, rma_size);
    OFFSET(BP_LPID, hv_bootparams, lpid);
    OFFSET(BP_TOD_SECONDS, hv_bootparams, tod_seconds);
    OFFSET(BP_FLAGS, hv_bootparams, flags);
    OFFSET(BP_EXIT_STATUS, hv_bootparams, exit_status);
    OFFSET(BP_EXIT_FLAGS, hv_bootparams, exit_flags);
    DEFINE(BP_SIZE, sizeof(struct hv_bootparams));
}
