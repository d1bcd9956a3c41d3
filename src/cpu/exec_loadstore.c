/* Load/store and storage-control execute functions (rows in insns/loadstore.def). */
#include "cpu/cpu_state.h"

#define RA0(insn) ((insn)->ra ? cpu->gpr[(insn)->ra] : 0)

insn_result exec_ld(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t v;
    if (!cpu_load(cpu, RA0(insn) + (uint64_t)insn->imm, 8, &v)) return INSN_JUMP;
    cpu->gpr[insn->rt] = v;
    return INSN_NEXT;
}

insn_result exec_std(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (!cpu_store(cpu, RA0(insn) + (uint64_t)insn->imm, 8, cpu->gpr[insn->rt])) return INSN_JUMP;
    return INSN_NEXT;
}
