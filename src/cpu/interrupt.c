/* Interrupt delivery: one function implements the Power ISA 2.07 "MSR setting due to interrupt"
 * table for every vector, with the SRR/HSRR choice POWER8 makes (as QEMU 7.2's
 * powerpc_excp_books does). */
#include <stdio.h>

#include "cpu/cpu_state.h"

#define HID0_HILE (1ull << (63 - 19)) /* hypervisor interrupts little-endian */
#define LPCR_ILE  (1ull << (63 - 38)) /* non-hypervisor interrupts little-endian */
#define LPCR_LPES0 (1ull << (63 - 60))

void cpu_write_msr(ppc_cpu *cpu, uint64_t msr)
{
    cpu->msr = msr;
    /* EE or HV may have changed: pending interrupts must be looked at again. */
    cpu_recheck_interrupts(cpu);
}

static void deliver(ppc_cpu *cpu, ppc_vector vector, uint64_t srr0, uint64_t srr1_bits,
                    unsigned lev)
{
    uint64_t msr = cpu->msr;
    uint64_t saved_msr = (msr & ~SRR1_INTERRUPT_CLEAR) | srr1_bits;
    uint64_t new_msr = msr & (MSR_ME | MSR_HV);
    bool use_hsrr = false;

    switch (vector) {
    case VEC_MACHINE_CHECK:
        if (!(msr & MSR_ME)) {
            /* Machine check with MSR[ME]=0: the thread checkstops. */
            snprintf(cpu->exit_detail, sizeof(cpu->exit_detail),
                     "machine check with MSR[ME]=0 at 0x%016llx: checkstop",
                     (unsigned long long)srr0);
            cpu->stop_requested = true;
            cpu->exit_reason = CPU_EXIT_CHECKSTOP;
        }
        new_msr |= MSR_HV;
        new_msr &= ~MSR_ME;
        break;
    case VEC_SYSTEM_RESET: new_msr |= MSR_HV; break;
    case VEC_EXTERNAL:
        if (!(cpu->spr[SPR_LPCR] & LPCR_LPES0)) {
            use_hsrr = true;
            new_msr |= MSR_HV | (msr & MSR_RI);
        }
        break;
    case VEC_SYSTEM_CALL:
        if (lev == 1) new_msr |= MSR_HV;
        break;
    case VEC_HV_DECREMENTER:
    case VEC_HDSI:
    case VEC_HISI:
    case VEC_HEA:
    case VEC_HMI:
    case VEC_HV_DOORBELL:
    case VEC_HV_FAC_UNAVAILABLE:
        use_hsrr = true;
        new_msr |= MSR_HV | (msr & MSR_RI);
        break;
    default: break;
    }

    bool little = (new_msr & MSR_HV) ? (cpu->spr[SPR_HID0] & HID0_HILE) != 0
                                     : (cpu->spr[SPR_LPCR] & LPCR_ILE) != 0;
    if (little) new_msr |= MSR_LE;
    new_msr |= MSR_SF;

    if (use_hsrr) {
        cpu->spr[SPR_HSRR0] = srr0;
        cpu->spr[SPR_HSRR1] = saved_msr;
    } else {
        cpu->spr[SPR_SRR0] = srr0;
        cpu->spr[SPR_SRR1] = saved_msr;
    }
    cpu->reserve_valid = false;
    cpu_write_msr(cpu, new_msr);
    cpu->nip = (uint64_t)vector;
}

void cpu_interrupt(ppc_cpu *cpu, ppc_vector vector, uint64_t srr0, uint64_t srr1_bits)
{
    deliver(cpu, vector, srr0, srr1_bits, 0);
}

void cpu_system_call(ppc_cpu *cpu, unsigned lev)
{
    deliver(cpu, VEC_SYSTEM_CALL, (cpu->nip + 4) & cpu_ea_mask(cpu), 0, lev);
}

insn_result cpu_program_interrupt(ppc_cpu *cpu, uint64_t reason)
{
    cpu_interrupt(cpu, VEC_PROGRAM, cpu->nip, reason);
    return INSN_JUMP;
}

insn_result cpu_hea_interrupt(ppc_cpu *cpu)
{
    cpu->spr[SPR_HEIR] = cpu->current_word;
    cpu_interrupt(cpu, VEC_HEA, cpu->nip, 0);
    return INSN_JUMP;
}

insn_result cpu_facility_unavailable(ppc_cpu *cpu, ppc_vector vector)
{
    cpu_interrupt(cpu, vector, cpu->nip, 0);
    return INSN_JUMP;
}

bool cpu_check_privilege(ppc_cpu *cpu, uint32_t flags)
{
    if ((flags & (F_PRIV | F_HYP)) && (cpu->msr & MSR_PR)) {
        cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
        return true;
    }
    if ((flags & F_HYP) && !(cpu->msr & MSR_HV)) {
        cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
        return true;
    }
    return false;
}

insn_result exec_illegal(ppc_cpu *cpu, const ppc_insn *insn)
{
    return cpu_hea_interrupt(cpu);
}

void cpu_recheck_interrupts(ppc_cpu *cpu)
{
    cpu->next_event = 0;
}

bool cpu_deliver_pending(ppc_cpu *cpu)
{
    /* HDEC: edge-latched; delivered when LPCR[HDICE]=1 and (MSR[EE]=1 or HV=0). */
    if (cpu->hdec_pending && (cpu->spr[SPR_LPCR] & 1) &&
        ((cpu->msr & MSR_EE) || !(cpu->msr & MSR_HV))) {
        cpu->hdec_pending = false;
        cpu_interrupt(cpu, VEC_HV_DECREMENTER, cpu->nip, 0);
        return true;
    }
    /* DEC: level-triggered while DEC bit 31 (the 32-bit sign) is set and MSR[EE]=1. */
    if ((cpu->msr & MSR_EE) && (cpu_dec(cpu) & 0x80000000u)) {
        cpu_interrupt(cpu, VEC_DECREMENTER, cpu->nip, 0);
        return true;
    }
    return false;
}
