/* Book III-S execute functions (rows in insns/system.def). */
#include "cpu/cpu_state.h"

insn_result exec_sc(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu_system_call(cpu, (unsigned)insn->imm);
    return INSN_JUMP;
}
