/* Fixed-point execute functions (rows in insns/fixed.def).  Each reads like the ISA pseudocode. */
#include "cpu/cpu_state.h"

#define RA0(insn) ((insn)->ra ? cpu->gpr[(insn)->ra] : 0)

insn_result exec_addi(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = RA0(insn) + (uint64_t)insn->imm;
    return INSN_NEXT;
}

insn_result exec_addis(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = RA0(insn) + ((uint64_t)insn->imm << 16);
    return INSN_NEXT;
}

insn_result exec_ori(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = cpu->gpr[insn->rt] | (uint16_t)insn->imm;
    return INSN_NEXT;
}
