/* Book III-S execute functions (rows in insns/system.def): sc, MSR moves, rfid/hrfid, SPR moves,
 * SLB and TLB management, power saving, and the FP/VMX/VSX facility gates. */
#include <stdio.h>

#include "cpu/cpu_state.h"
#include "cpu/mmu_hash64.h"

/* MSR bits POWER8 implements (QEMU's POWER8 msr_mask): SF HV TS TM VEC VSX EE PR FP ME FE0 SE
 * BE FE1 IR DR PMM RI LE.  Everything else reads as 0. */
#define MSR_IMPLEMENTED                                                                            \
    (MSR_SF | MSR_HV | MSR_TS | MSR_TM | MSR_VEC | MSR_VSX | MSR_EE | MSR_PR | MSR_FP | MSR_ME |   \
     MSR_FE0 | MSR_SE | MSR_BE | MSR_FE1 | MSR_IR | MSR_DR | MSR_PMM | MSR_RI | MSR_LE)
#define MSR_TM_BITS      (MSR_TS | MSR_TM) /* ISA MSR bits 29:31 */
#define MSR_TS_SUSPENDED (1ull << 33)      /* TS = 0b01 */

insn_result exec_sc(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu_system_call(cpu, (unsigned)insn->imm);
    return INSN_JUMP;
}

/* ---- MSR ---- */

/* The rules every MSR write by software shares (ISA 2.07 mtmsrd/rfid/hrfid pseudo-code):
 * - MSR[29:31] (TS, TM) take the new value unless the thread is suspended with TM=0 (0b010)
 *   and the new value is 0b000;
 * - PR=1 forces EE, IR and DR to 1;
 * - unimplemented bits stay 0. */
static uint64_t msr_common_rules(uint64_t old_msr, uint64_t new_msr)
{
    if ((old_msr & MSR_TM_BITS) == MSR_TS_SUSPENDED && !(new_msr & MSR_TM_BITS))
        new_msr = (new_msr & ~MSR_TM_BITS) | MSR_TS_SUSPENDED;
    if (new_msr & MSR_PR) new_msr |= MSR_EE | MSR_IR | MSR_DR;
    return new_msr & MSR_IMPLEMENTED;
}

insn_result exec_mfmsr(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = cpu->msr;
    return INSN_NEXT;
}

/* mtmsr[d] RS,L: L=1 changes only EE and RI.  L=0 never changes HV, ME or LE; mtmsr (the
 * 32-bit form) changes only bits 32:63 of the MSR. */
static insn_result store_msr_from_gpr(ppc_cpu *cpu, const ppc_insn *insn, uint64_t l0_mask)
{
    uint64_t rs = cpu->gpr[insn->rt];
    bool l1 = (insn->word >> 16) & 1;
    uint64_t mask = l1 ? (MSR_EE | MSR_RI) : l0_mask & ~(MSR_HV | MSR_ME | MSR_LE);
    uint64_t msr = (cpu->msr & ~mask) | (rs & mask);
    if (!l1) msr = msr_common_rules(cpu->msr, msr);
    cpu_write_msr(cpu, msr);
    return INSN_NEXT;
}

insn_result exec_mtmsr(ppc_cpu *cpu, const ppc_insn *insn)
{
    return store_msr_from_gpr(cpu, insn, 0xffffffffull);
}

insn_result exec_mtmsrd(ppc_cpu *cpu, const ppc_insn *insn)
{
    return store_msr_from_gpr(cpu, insn, ~0ull);
}

/* Return from interrupt: NIA = the saved address (word-aligned, cropped to 32 bits when the new
 * MSR is 32-bit), the reservation is lost (as in QEMU's do_rfi). */
static insn_result return_from_interrupt(ppc_cpu *cpu, uint64_t nip, uint64_t msr)
{
    cpu_write_msr(cpu, msr);
    cpu->reserve_valid = false;
    cpu->nip = nip & ~3ull & cpu_ea_mask(cpu);
    return INSN_JUMP;
}

/* rfid (ISA 2.07): HV can only be cleared (MSR[HV] & SRR1[HV]); ME changes only in hypervisor
 * state.  CFAR = the rfid's own address (QEMU gen_rfid). */
insn_result exec_rfid(ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    uint64_t srr1 = cpu->spr[SPR_SRR1];
    uint64_t old = cpu->msr;
    uint64_t msr = srr1 & ~(MSR_HV | MSR_ME);
    msr |= old & srr1 & MSR_HV;
    msr |= ((old & MSR_HV) ? srr1 : old) & MSR_ME;
    cpu->spr[SPR_CFAR] = cpu->nip;
    return return_from_interrupt(cpu, cpu->spr[SPR_SRR0], msr_common_rules(old, msr));
}

/* hrfid (ISA 2.07): every MSR bit, HV and ME included, from HSRR1.  CFAR is not changed
 * (QEMU 7.2 gen_hrfid has no gen_update_cfar; KVM relies on it). */
insn_result exec_hrfid(ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    return return_from_interrupt(cpu, cpu->spr[SPR_HSRR0],
                                 msr_common_rules(cpu->msr, cpu->spr[SPR_HSRR1]));
}

/* doze/nap/sleep/rvwinkle: QEMU 7.2 halts the thread until a wake-up event resumes it at the
 * System Reset vector; hcallsim does not model power-saving states yet. */
insn_result exec_power_save(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu_stop_unimplemented(cpu, "power-saving instruction %s at 0x%016llx is not implemented",
                           insn_table[insn->id].mnemonic, (unsigned long long)cpu->nip);
    return INSN_JUMP;
}

/* msgsnd: a doorbell to the threads RB selects; hcallsim has one thread and no doorbell
 * interrupt, so it stops the run rather than drop the message. */
insn_result exec_msgsnd(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu_stop_unimplemented(cpu,
                           "processor control instruction msgsnd at 0x%016llx is not implemented",
                           (unsigned long long)cpu->nip);
    return INSN_JUMP;
}

/* msgclr: clears a pending doorbell of the type RB names; none can be pending here. */
insn_result exec_msgclr(ppc_cpu *cpu, const ppc_insn *insn)
{
    return INSN_NEXT;
}

/* ---- SPR moves ---- */

typedef enum spr_gate {
    SPR_GATE_ACCESS, /* go ahead */
    SPR_GATE_NOP,    /* the instruction is a no-op */
    SPR_GATE_RAISED, /* an interrupt was delivered */
} spr_gate;

/* An SPR number that is not implemented (QEMU 7.2 gen_op_mfspr/gen_mtspr, after ISA 2.07
 * Book III-S 4.4.4): 808-811 are architected no-ops; for privileged numbers (bit 0x10 set) problem
 * state takes the privileged Program interrupt and privileged state a no-op; for the others
 * problem state (and SPR 0, and mfspr of 4-6) takes the Hypervisor Emulation Assistance
 * interrupt, privileged state a no-op. */
static spr_gate unimplemented_spr(ppc_cpu *cpu, unsigned n, bool write)
{
    bool problem = (cpu->msr & MSR_PR) != 0;
    if (n >= 808 && n <= 811) return SPR_GATE_NOP;
    if (n & 0x10) {
        if (!problem) return SPR_GATE_NOP;
        cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
        return SPR_GATE_RAISED;
    }
    if (problem || n == 0 || (!write && n >= 4 && n <= 6)) {
        cpu_hea_interrupt(cpu);
        return SPR_GATE_RAISED;
    }
    return SPR_GATE_NOP;
}

static spr_gate spr_check(ppc_cpu *cpu, unsigned n, const spr_info *info, bool write)
{
    if (!info) return unimplemented_spr(cpu, n, write);
    bool problem = (cpu->msr & MSR_PR) != 0;
    bool hypervisor = (cpu->msr & MSR_HV) && !problem;
    spr_access level = (spr_access)(write ? info->write_access : info->read_access);
    bool allowed =
        level == SPR_USER || (level == SPR_PRIV && !problem) || (level == SPR_HYP && hypervisor);
    if (!allowed) {
        cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
        return SPR_GATE_RAISED;
    }
    unsigned cause;
    uint64_t facility = spr_facility(n, &cause);
    if (facility && cpu_facility_check(cpu, facility, cause)) return SPR_GATE_RAISED;
    return SPR_GATE_ACCESS;
}

/* mfspr and mftb (QEMU 7.2's gen_mftb is gen_op_mfspr). */
CPU_HOT_EXEC insn_result exec_mfspr(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned n = (unsigned)insn->imm;
    const spr_info *info = spr_lookup(n);
    spr_gate gate = spr_check(cpu, n, info, false);
    if (gate == SPR_GATE_RAISED) return INSN_JUMP;
    if (gate == SPR_GATE_ACCESS) cpu->gpr[insn->rt] = spr_read(cpu, info);
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_mtspr(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned n = (unsigned)insn->imm;
    const spr_info *info = spr_lookup(n);
    spr_gate gate = spr_check(cpu, n, info, true);
    if (gate == SPR_GATE_RAISED) return INSN_JUMP;
    if (gate == SPR_GATE_ACCESS) spr_write(cpu, info, cpu->gpr[insn->rt]);
    return INSN_NEXT;
}

/* ---- SLB (ISA 2.07 Book III-S 5.9.3.1; QEMU ppc_store_slb/slb_lookup) ---- */

#define SLB_INDEX         0xfffull   /* RB bits 52:63 */
#define SLB_VSID_READBACK (~0x4full) /* bits 57 and 60:63 read as 0 */

/* slbmte RS,RB.  A bad index, reserved RB bits, B >= 2 or an unsupported page size raise the
 * illegal-instruction Program interrupt, as QEMU's helper_store_slb does. */
insn_result exec_slbmte(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t rb = cpu->gpr[insn->rb], rs = cpu->gpr[insn->rt];
    uint64_t index = rb & SLB_INDEX, esid = rb & ~SLB_INDEX;
    if (index >= SLB_ENTRIES || (esid & ~(SLB_ESID_256M | SLB_ESID_V)) ||
        (rs & SLB_VSID_B & ~SLB_VSID_B_1T) || mmu_slb_base_page_shift(rs) == 0)
        return cpu_program_interrupt(cpu, SRR1_PROGRAM_ILLEGAL);
    cpu->slb[index].esid = esid;
    cpu->slb[index].vsid = rs;
    return INSN_NEXT;
}

insn_result exec_slbie(ppc_cpu *cpu, const ppc_insn *insn)
{
    int i = mmu_slb_find(cpu, cpu->gpr[insn->rb]);
    if (i >= 0) cpu->slb[i].esid &= ~SLB_ESID_V;
    return INSN_NEXT;
}

/* slbia: every entry except entry 0 (ISA 2.07, all IH values POWER8 knows). */
insn_result exec_slbia(ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    for (unsigned i = 1; i < SLB_ENTRIES; i++)
        cpu->slb[i].esid &= ~SLB_ESID_V;
    return INSN_NEXT;
}

/* slbmfee/slbmfev RT,RB: an index beyond the SLB is an illegal instruction (QEMU). */
static insn_result slb_read(ppc_cpu *cpu, const ppc_insn *insn, bool vsid)
{
    uint64_t index = cpu->gpr[insn->rb] & SLB_INDEX;
    if (index >= SLB_ENTRIES) return cpu_program_interrupt(cpu, SRR1_PROGRAM_ILLEGAL);
    cpu->gpr[insn->rt] = vsid ? cpu->slb[index].vsid & SLB_VSID_READBACK : cpu->slb[index].esid;
    return INSN_NEXT;
}

insn_result exec_slbmfee(ppc_cpu *cpu, const ppc_insn *insn)
{
    return slb_read(cpu, insn, false);
}
insn_result exec_slbmfev(ppc_cpu *cpu, const ppc_insn *insn)
{
    return slb_read(cpu, insn, true);
}

/* slbfee. RT,RB: RT = the VSID image of the matching entry and CR0[EQ]=1, or RT = 0 and
 * CR0[EQ]=0; CR0[SO] = XER[SO]. */
insn_result exec_slbfee(ppc_cpu *cpu, const ppc_insn *insn)
{
    int i = mmu_slb_find(cpu, cpu->gpr[insn->rb]);
    cpu->gpr[insn->rt] = i >= 0 ? cpu->slb[i].vsid & SLB_VSID_READBACK : 0;
    cpu_set_cr_field(cpu, 0, (i >= 0 ? 2u : 0u) | ((cpu->xer & XER_SO) ? 1u : 0u));
    return INSN_NEXT;
}

/* tlbie, tlbiel, tlbsync: accepted; there is no TLB until translation exists. */
insn_result exec_tlb_nop(ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)cpu;
    (void)insn;
    return INSN_NEXT;
}

/* ---- FP, VMX, VSX: the facility gate ---- */

/* With the MSR facility bit clear, the facility-unavailable interrupt; with it set, the run stops
 * because hcallsim does not implement the facility's instructions. */
static insn_result facility_gate(ppc_cpu *cpu, const ppc_insn *insn, uint64_t msr_bit,
                                 ppc_vector vector, const char *kind)
{
    if (!(cpu->msr & msr_bit)) return cpu_facility_unavailable(cpu, vector);
    cpu_stop_unimplemented(cpu, "%s instruction %s at 0x%016llx is not implemented", kind,
                           insn_table[insn->id].mnemonic, (unsigned long long)cpu->nip);
    return INSN_JUMP;
}

insn_result exec_fp(ppc_cpu *cpu, const ppc_insn *insn)
{
    return facility_gate(cpu, insn, MSR_FP, VEC_FP_UNAVAILABLE, "floating-point");
}

insn_result exec_vmx(ppc_cpu *cpu, const ppc_insn *insn)
{
    return facility_gate(cpu, insn, MSR_VEC, VEC_VMX_UNAVAILABLE, "vector");
}

insn_result exec_vsx(ppc_cpu *cpu, const ppc_insn *insn)
{
    return facility_gate(cpu, insn, MSR_VSX, VEC_VSX_UNAVAILABLE, "VSX");
}

/* mfvsrd, mtvsrd and friends (ISA 2.07): VSRs 0-31 overlay the FPRs and need MSR[FP]; VSRs 32-63
 * overlay the VRs and need MSR[VEC].  The TX/SX bit (31) selects the half. */
insn_result exec_vsx_move(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (insn->word & 1) return facility_gate(cpu, insn, MSR_VEC, VEC_VMX_UNAVAILABLE, "VSX");
    return facility_gate(cpu, insn, MSR_FP, VEC_FP_UNAVAILABLE, "VSX");
}
