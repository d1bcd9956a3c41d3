/* Deterministic time: TB advances from executed cycles (CORE_HZ / 512 MHz = 8 cycles a tick), so
 * two runs of the same images see the same TB, DEC and HDEC values. */
#include "cpu/cpu_state.h"

uint64_t cpu_tb(const ppc_cpu *cpu) { return cpu->tb_base + cpu->cycles / CYCLES_PER_TB_TICK; }

void cpu_set_tb(ppc_cpu *cpu, uint64_t value)
{
    cpu->tb_base = value - cpu->cycles / CYCLES_PER_TB_TICK;
    cpu_recheck_interrupts(cpu);
}

uint32_t cpu_dec(const ppc_cpu *cpu)
{
    return (uint32_t)(cpu->dec_written - (cpu_tb(cpu) - cpu->dec_written_tb));
}

void cpu_set_dec(ppc_cpu *cpu, uint32_t value)
{
    cpu->dec_written = value;
    cpu->dec_written_tb = cpu_tb(cpu);
    cpu_recheck_interrupts(cpu);
}

uint32_t cpu_hdec(const ppc_cpu *cpu)
{
    return (uint32_t)(cpu->hdec_written - (cpu_tb(cpu) - cpu->hdec_written_tb));
}

void cpu_set_hdec(ppc_cpu *cpu, uint32_t value)
{
    cpu->hdec_written = value;
    cpu->hdec_written_tb = cpu_tb(cpu);
    /* Writing a negative value does not raise the edge; only a 0 -> negative transition does. */
    cpu->hdec_pending = false;
    cpu_recheck_interrupts(cpu);
}

/* Cycle at which a down-counter written with `written` at `written_tb` next turns negative
 * (bit 31 goes from 0 to 1), or UINT64_MAX if it already is negative. */
static uint64_t negative_at_cycle(const ppc_cpu *cpu, uint64_t written, uint64_t written_tb)
{
    uint32_t now = (uint32_t)(written - (cpu_tb(cpu) - written_tb));
    if (now & 0x80000000u) return UINT64_MAX;
    uint64_t tb_when = cpu_tb(cpu) + (uint64_t)now + 1;
    return (tb_when - cpu->tb_base) * CYCLES_PER_TB_TICK;
}

void cpu_timer_update(ppc_cpu *cpu)
{
    /* Latch the HDEC edge if HDEC has become negative since we last looked. */
    uint64_t hdec_edge = negative_at_cycle(cpu, cpu->hdec_written, cpu->hdec_written_tb);
    static const uint64_t never = UINT64_MAX;
    if (cpu->hdec_armed && (cpu_hdec(cpu) & 0x80000000u)) {
        cpu->hdec_pending = true;
        cpu->hdec_armed = false;
    }
    if (!(cpu_hdec(cpu) & 0x80000000u)) cpu->hdec_armed = true;
    uint64_t next = never;
    if (cpu->hdec_armed && hdec_edge < next) next = hdec_edge;
    uint64_t dec_edge = negative_at_cycle(cpu, cpu->dec_written, cpu->dec_written_tb);
    if (dec_edge < next) next = dec_edge;
    /* A level-triggered DEC that is already negative is re-checked when EE changes
     * (cpu_write_msr resets next_event). */
    cpu->next_event = next;
}
