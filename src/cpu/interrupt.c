/* Interrupt delivery: one function implements the Power ISA 2.07 "MSR setting due to interrupt"
 * table for every vector, with the SRR/HSRR choice POWER8 makes (as QEMU 7.2's
 * powerpc_excp_books does), plus Alternate Interrupt Location (LPCR[AIL]). */
#include <stdarg.h>
#include <stdio.h>

#include "cpu/cpu_state.h"

#define HID0_HILE (1ull << (63 - 19)) /* hypervisor interrupts little-endian */

void cpu_write_msr(ppc_cpu *cpu, uint64_t msr)
{
    cpu->msr = msr;
    cpu->dmap = cpu_data_map_for(cpu, msr);
    /* EE or HV may have changed: pending interrupts must be looked at again. */
    cpu_recheck_interrupts(cpu);
}

void cpu_stop_unimplemented(ppc_cpu *cpu, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cpu->exit_detail, sizeof(cpu->exit_detail), fmt, ap);
    va_end(ap);
    cpu->stop_requested = true;
    cpu->exit_reason = CPU_EXIT_UNIMPLEMENTED;
    cpu_set_next_event(cpu, 0);
}

/* Interrupts that save into HSRR0/1 and enter hypervisor state (RI is kept). */
static bool is_hypervisor_interrupt(const ppc_cpu *cpu, ppc_vector vector)
{
    switch (vector) {
    case VEC_EXTERNAL: return !(cpu->spr[SPR_LPCR] & LPCR_LPES0);
    case VEC_HV_DECREMENTER:
    case VEC_HDSI:
    case VEC_HISI:
    case VEC_HEA:
    case VEC_HMI:
    case VEC_HV_DOORBELL:
    case VEC_HV_FAC_UNAVAILABLE: return true;
    default: return false;
    }
}

/* LPCR[AIL] (ISA 2.07 Book III-S 6.5, POWER8): with IR=DR=1 at the time of the interrupt and no
 * HV 0->1 transition, the handler runs with IR=DR=1 at 0x18000 + vector (AIL=2) or
 * 0xc000000000004000 + vector (AIL=3).  System reset, machine check and HMI never use AIL. */
static uint64_t apply_ail(const ppc_cpu *cpu, ppc_vector vector, uint64_t old_msr,
                          uint64_t *new_msr)
{
    unsigned ail = (unsigned)((cpu->spr[SPR_LPCR] & LPCR_AIL) >> LPCR_AIL_SHIFT);
    bool relocated_mode = (old_msr & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR);
    bool enters_hv = !(old_msr & MSR_HV) && (*new_msr & MSR_HV);
    if (ail < 2 || !relocated_mode || enters_hv || vector == VEC_SYSTEM_RESET ||
        vector == VEC_MACHINE_CHECK || vector == VEC_HMI)
        return (uint64_t)vector;
    *new_msr |= MSR_IR | MSR_DR;
    return (uint64_t)vector | (ail == 2 ? 0x18000ull : 0xc000000000004000ull);
}

static void deliver(ppc_cpu *cpu, ppc_vector vector, uint64_t srr0, uint64_t srr1_bits,
                    unsigned lev)
{
    uint64_t msr = cpu->msr;
    uint64_t saved_msr = (msr & ~SRR1_INTERRUPT_CLEAR) | srr1_bits;
    uint64_t new_msr = msr & (MSR_ME | MSR_HV);
    bool use_hsrr = is_hypervisor_interrupt(cpu, vector);

    if (use_hsrr) new_msr |= MSR_HV | (msr & MSR_RI);
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
        new_msr = (new_msr | MSR_HV) & ~MSR_ME;
        break;
    case VEC_SYSTEM_RESET: new_msr |= MSR_HV; break;
    case VEC_SYSTEM_CALL:
        if (lev == 1) new_msr |= MSR_HV;
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
    uint64_t nip = apply_ail(cpu, vector, msr, &new_msr);
    cpu->reserve_valid = false;
    cpu_write_msr(cpu, new_msr);
    cpu->nip = nip;
    if (cpu->observer && cpu->observer->interrupt)
        cpu->observer->interrupt(cpu->observer->ctx, cpu, (unsigned)vector, srr0);
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

/* POWER8 reports illegal and invalid-form instructions (and undefined SPRs in some states) with
 * the Hypervisor Emulation Assistance interrupt; HEIR receives the instruction image (ISA 2.07;
 * QEMU 7.2 does not implement HEIR). */
insn_result cpu_hea_interrupt(ppc_cpu *cpu)
{
    cpu->spr[SPR_HEIR] = cpu_current_insn(cpu)->word;
    cpu_interrupt(cpu, VEC_HEA, cpu->nip, 0);
    return INSN_JUMP;
}

insn_result cpu_facility_unavailable(ppc_cpu *cpu, ppc_vector vector)
{
    cpu_interrupt(cpu, vector, cpu->nip, 0);
    return INSN_JUMP;
}

bool cpu_facility_check(ppc_cpu *cpu, uint64_t fscr_bit, unsigned cause)
{
    unsigned reg;
    ppc_vector vector;
    if (!(cpu->msr & MSR_HV) && !(cpu->spr[SPR_HFSCR] & fscr_bit)) {
        reg = SPR_HFSCR;
        vector = VEC_HV_FAC_UNAVAILABLE;
    } else if ((cpu->msr & MSR_PR) && !(cpu->spr[SPR_FSCR] & fscr_bit)) {
        reg = SPR_FSCR;
        vector = VEC_FAC_UNAVAILABLE;
    } else {
        return false;
    }
    cpu->spr[reg] = (cpu->spr[reg] & ~FSCR_IC_MASK) | ((uint64_t)cause << FSCR_IC_SHIFT);
    cpu_facility_unavailable(cpu, vector);
    return true;
}

/* QEMU 7.2 (CHK_SV/CHK_HV in translate.c) raises the privileged-instruction Program interrupt
 * both for a privileged instruction in problem state and for a hypervisor instruction outside
 * hypervisor state. */
bool cpu_check_privilege(ppc_cpu *cpu, uint32_t flags)
{
    bool problem = (cpu->msr & MSR_PR) != 0;
    bool hypervisor = (cpu->msr & MSR_HV) && !problem;
    if (((flags & (F_PRIV | F_HYP)) && problem) || ((flags & F_HYP) && !hypervisor)) {
        cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
        return true;
    }
    return false;
}

insn_result exec_illegal(ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    return cpu_hea_interrupt(cpu);
}

void cpu_recheck_interrupts(ppc_cpu *cpu)
{
    cpu_set_next_event(cpu, 0);
}

/* Asynchronous interrupts in QEMU's priority order (HDEC before DEC). */
bool cpu_deliver_pending(ppc_cpu *cpu)
{
    bool ee = (cpu->msr & MSR_EE) != 0;
    /* HDEC: edge-latched; taken when LPCR[HDICE]=1 and (MSR[EE]=1 or not in hypervisor state);
     * the exception is consumed by the interrupt. */
    if (cpu->hdec_pending && (cpu->spr[SPR_LPCR] & LPCR_HDICE) && (ee || !(cpu->msr & MSR_HV))) {
        cpu->hdec_pending = false;
        cpu_interrupt(cpu, VEC_HV_DECREMENTER, cpu->nip, 0);
        return true;
    }
    /* DEC: level-triggered on Book III-S (QEMU's PPC_DECR_UNDERFLOW_LEVEL): pending while DEC
     * bit 0 (the 32-bit sign) is set, taken when MSR[EE]=1, in any state. */
    if (ee && (cpu_dec(cpu) & 0x80000000u)) {
        cpu_interrupt(cpu, VEC_DECREMENTER, cpu->nip, 0);
        return true;
    }
    return false;
}
