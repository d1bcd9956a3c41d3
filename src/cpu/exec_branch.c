/* Branch-facility execute functions (rows in insns/branch.def). */
#include "cpu/cpu_state.h"

insn_result exec_b(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t cia = cpu->nip;
    uint64_t target = (insn->word & 2) ? (uint64_t)insn->imm : cia + (uint64_t)insn->imm;
    if (insn->word & 1) cpu->lr = (cia + 4) & cpu_ea_mask(cpu);
    cpu->spr[SPR_CFAR] = cia;
    cpu->nip = target & cpu_ea_mask(cpu);
    return INSN_JUMP;
}
