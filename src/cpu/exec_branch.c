/* Branch-facility execute functions (rows in insns/branch.def): b, bc, bclr, bcctr, bctar, the
 * CR logicals, mcrf and the CR moves (Power ISA 2.07 Book I ch. 2, POWER8 as QEMU 7.2 runs it). */
#include "cpu/cpu_state.h"

/* BO field bits (the 5-bit field read as a number; ISA names BO0..BO4 from the left). */
#define BO_IGNORE_CR 0x10u /* BO0: branch regardless of CR[BI] */
#define BO_CR_VALUE  0x08u /* BO1: the CR[BI] value that branches */
#define BO_KEEP_CTR  0x04u /* BO2: do not decrement/test CTR */
#define BO_CTR_ZERO  0x02u /* BO3: branch when CTR == 0 (else when CTR != 0) */

/* The mask of the current mode: the CTR test, targets and LR use the low 32 bits when SF=0. */
CPU_HOT_HELPER uint64_t mode_mask(const ppc_cpu *cpu)
{
    return cpu_ea_mask(cpu);
}

CPU_HOT_HELPER bool ctr_test(const ppc_cpu *cpu, uint64_t ctr, unsigned bo)
{
    bool nonzero = (ctr & mode_mask(cpu)) != 0;
    return (bo & BO_CTR_ZERO) ? !nonzero : nonzero;
}

CPU_HOT_HELPER bool cr_test(const ppc_cpu *cpu, unsigned bo, unsigned bi)
{
    return (bo & BO_IGNORE_CR) || cpu_cr_bit(cpu, bi) == ((bo & BO_CR_VALUE) ? 1u : 0u);
}

/* The BO/BI condition of bc, bclr and bctar: decrement CTR first (all 64 bits), then test it. */
CPU_HOT_HELPER bool condition_met(ppc_cpu *cpu, unsigned bo, unsigned bi)
{
    if (!(bo & BO_KEEP_CTR)) {
        cpu->ctr--;
        if (!ctr_test(cpu, cpu->ctr, bo)) return false;
    }
    return cr_test(cpu, bo, bi);
}

/* LK=1: LR = CIA + 4, written whether or not the branch is taken. */
CPU_HOT_HELPER void set_link(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (insn->rc) cpu->lr = (cpu->nip + 4) & mode_mask(cpu);
}

/* A taken branch: CFAR = the branch's own address (not-taken branches leave it alone, as in
 * QEMU's gen_bcond), NIP = the word-aligned target in the current mode. */
CPU_HOT_HELPER insn_result take_branch(ppc_cpu *cpu, uint64_t target)
{
    cpu->spr[SPR_CFAR] = cpu->nip;
    cpu->nip = target & ~3ull & mode_mask(cpu);
    return INSN_JUMP;
}

/* I- and B-form targets: AA=1 is absolute (sign-extended), AA=0 relative to the CIA. */
CPU_HOT_HELPER uint64_t immediate_target(const ppc_cpu *cpu, const ppc_insn *insn)
{
    return (insn->word & 2) ? (uint64_t)insn->imm : cpu->nip + (uint64_t)insn->imm;
}

CPU_HOT_EXEC insn_result exec_b(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t target = immediate_target(cpu, insn);
    set_link(cpu, insn);
    return take_branch(cpu, target);
}

/* bc in two halves, for the run loop's BC rows (insns/hot.def: LK=0): whether it
 * branches (CTR decremented as BO says), which needs no CIA, and the branch taken, which does.
 * exec_bc is the two together.  The fields are read before any state changes, so that what the
 * run loop knows of them still holds. */
CPU_HOT_EXEC bool bc_branches(ppc_cpu *cpu, const ppc_insn *insn)
{
    return condition_met(cpu, insn->rt, insn->ra);
}

CPU_HOT_EXEC insn_result bc_take(ppc_cpu *cpu, const ppc_insn *insn)
{
    return take_branch(cpu, immediate_target(cpu, insn));
}

CPU_HOT_EXEC insn_result exec_bc(ppc_cpu *cpu, const ppc_insn *insn)
{
    set_link(cpu, insn); /* LR only: the target depends on the CIA, not on LR */
    return bc_branches(cpu, insn) ? bc_take(cpu, insn) : INSN_NEXT;
}

/* bclr and bctar: the target register is read before LK updates LR (bclrl branches to the old
 * LR). */
static insn_result branch_to_register(ppc_cpu *cpu, const ppc_insn *insn, uint64_t target)
{
    unsigned bo = insn->rt, bi = insn->ra;
    set_link(cpu, insn);
    return condition_met(cpu, bo, bi) ? take_branch(cpu, target) : INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_bclr(ppc_cpu *cpu, const ppc_insn *insn)
{
    return branch_to_register(cpu, insn, cpu->lr);
}

CPU_HOT_EXEC insn_result exec_bcctr(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t target = cpu->ctr;
    unsigned bo = insn->rt;
    set_link(cpu, insn);
    if (!(bo & BO_KEEP_CTR)) {
        /* BO2=0 is an invalid form in ISA 2.07.  POWER8 implements "test and decrement" and so
         * does QEMU 7.2: test the old CTR; only if that passes is CTR decremented (then CR is
         * tested).  The target is the old CTR. */
        if (!ctr_test(cpu, target, bo)) return INSN_NEXT;
        cpu->ctr--;
    }
    return cr_test(cpu, bo, insn->ra) ? take_branch(cpu, target) : INSN_NEXT;
}

/* Records the TAR cause in the IC field of FSCR or HFSCR and delivers the interrupt. */
static void tar_facility_interrupt(ppc_cpu *cpu, unsigned spr, ppc_vector vector)
{
    cpu->spr[spr] = (cpu->spr[spr] & ~FSCR_IC_MASK) | ((uint64_t)FSCR_IC_TAR << FSCR_IC_SHIFT);
    cpu_facility_unavailable(cpu, vector);
}

/* The TAR facility (ISA 2.07 Book III-S: HFSCR/FSCR bit TAR): unavailable to a guest when
 * HFSCR[TAR]=0, and to problem state when FSCR[TAR]=0.  Delivers the interrupt, with the cause
 * in the register's IC field, and returns true when bctar may not run.  QEMU 7.2 checks
 * neither for bctar. */
static bool tar_unavailable(ppc_cpu *cpu)
{
    if (!(cpu->msr & MSR_HV) && !(cpu->spr[SPR_HFSCR] & FSCR_TAR)) {
        tar_facility_interrupt(cpu, SPR_HFSCR, VEC_HV_FAC_UNAVAILABLE);
        return true;
    }
    if ((cpu->msr & MSR_PR) && !(cpu->spr[SPR_FSCR] & FSCR_TAR)) {
        tar_facility_interrupt(cpu, SPR_FSCR, VEC_FAC_UNAVAILABLE);
        return true;
    }
    return false;
}

insn_result exec_bctar(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (tar_unavailable(cpu)) return INSN_JUMP;
    return branch_to_register(cpu, insn, cpu->tar);
}

/* crand ... crxor: XO bits 22-25 hold the result for (BA,BB) = (1,1), (1,0), (0,1), (0,0). */
insn_result exec_crlogical(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned a = cpu_cr_bit(cpu, insn->ra), b = cpu_cr_bit(cpu, insn->rb);
    unsigned truth_table = (insn->word >> 6) & 0xf;
    unsigned result = (truth_table >> (2 * a + b)) & 1;
    unsigned shift = 31 - insn->rt;
    cpu->cr = (cpu->cr & ~(1u << shift)) | (result << shift);
    return INSN_NEXT;
}

insn_result exec_mcrf(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned source = insn->ra >> 2;
    cpu_set_cr_field(cpu, insn->rt >> 2, cpu->cr >> (28 - 4 * source));
    return INSN_NEXT;
}

/* FXM (bit 0 = CR0 ... bit 7 = CR7, MSB-0) as a CR mask with a nibble per selected field. */
static uint32_t fxm_mask(unsigned fxm)
{
    uint32_t mask = 0;
    for (unsigned field = 0; field < 8; field++)
        if (fxm & (0x80u >> field)) mask |= 0xf0000000u >> (4 * field);
    return mask;
}

static bool one_field(unsigned fxm)
{
    return fxm != 0 && (fxm & (fxm - 1)) == 0;
}

CPU_HOT_EXEC insn_result exec_mfcr(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = cpu->cr;
    return INSN_NEXT;
}

/* mfocrf: the selected field in place, other bits 0.  With no or several FXM bits the ISA leaves
 * RT undefined; QEMU 7.2 then leaves RT unchanged, and so do we. */
insn_result exec_mfocrf(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (one_field(insn->mb)) cpu->gpr[insn->rt] = cpu->cr & fxm_mask(insn->mb);
    return INSN_NEXT;
}

static void move_to_cr(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint32_t mask = fxm_mask(insn->mb);
    cpu->cr = (cpu->cr & ~mask) | ((uint32_t)cpu->gpr[insn->rt] & mask);
}

CPU_HOT_EXEC insn_result exec_mtcrf(ppc_cpu *cpu, const ppc_insn *insn)
{
    move_to_cr(cpu, insn);
    return INSN_NEXT;
}

/* mtocrf: with no or several FXM bits the ISA leaves CR undefined; QEMU 7.2 leaves it unchanged,
 * and so do we. */
insn_result exec_mtocrf(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (one_field(insn->mb)) move_to_cr(cpu, insn);
    return INSN_NEXT;
}
