/* Deterministic time: TB advances from executed cycles (CORE_HZ / 512 MHz = 8 cycles a tick), so
 * two runs of the same images see the same TB, DEC and HDEC values.  DEC and HDEC are stored as
 * (value written, TB at the write) and computed on demand; cpu_timer_update() tells the run
 * loop the next cycle at which one of them turns negative. */
#include "cpu/cpu_state.h"

#define SIGN32 0x80000000u

uint64_t cpu_tb(const ppc_cpu *cpu)
{
    return cpu->tb_base + cpu_now(cpu) / CYCLES_PER_TB_TICK;
}

void cpu_set_tb(ppc_cpu *cpu, uint64_t value)
{
    cpu->tb_base = value - cpu_now(cpu) / CYCLES_PER_TB_TICK;
    cpu_recheck_interrupts(cpu);
}

/* A 32-bit down-counter written with `written` when TB was `written_tb`. */
static uint32_t counter_now(const ppc_cpu *cpu, uint64_t written, uint64_t written_tb)
{
    return (uint32_t)(written - (cpu_tb(cpu) - written_tb));
}

uint32_t cpu_dec(const ppc_cpu *cpu)
{
    return counter_now(cpu, cpu->dec_written, cpu->dec_written_tb);
}

/* DEC is level-triggered: a negative value is an exception as long as it stays negative, so
 * a write needs no latch, only a new look at pending interrupts. */
void cpu_set_dec(ppc_cpu *cpu, uint32_t value)
{
    cpu->dec_written = value;
    cpu->dec_written_tb = cpu_tb(cpu);
    cpu_recheck_interrupts(cpu);
}

uint32_t cpu_hdec(const ppc_cpu *cpu)
{
    return counter_now(cpu, cpu->hdec_written, cpu->hdec_written_tb);
}

/* HDEC is edge-triggered: the exception comes into existence when bit 0 goes from 0 to 1,
 * whether by counting or by mtspr; writing a non-negative value withdraws a pending one (QEMU's
 * lower_excp).  Writing a negative value over a negative one raises nothing, which is why the
 * already-negative HDEC at reset never interrupts (as observed on QEMU 7.2). */
void cpu_set_hdec(ppc_cpu *cpu, uint32_t value)
{
    bool was_negative = (cpu_hdec(cpu) & SIGN32) != 0;
    bool negative = (value & SIGN32) != 0;
    cpu->hdec_written = value;
    cpu->hdec_written_tb = cpu_tb(cpu);
    if (negative && !was_negative && cpu->hdec_armed) cpu->hdec_pending = true;
    if (!negative) cpu->hdec_pending = false;
    cpu->hdec_armed = !negative;
    cpu_recheck_interrupts(cpu);
}

/* Cycle at which a counter that is `now` at the current TB first reads negative (bit 0 set),
 * or UINT64_MAX if it already does. */
static uint64_t negative_at_cycle(const ppc_cpu *cpu, uint32_t now)
{
    if (now & SIGN32) return UINT64_MAX;
    uint64_t ticks_from_base = cpu_now(cpu) / CYCLES_PER_TB_TICK + (uint64_t)now + 1;
    return ticks_from_base * CYCLES_PER_TB_TICK;
}

void cpu_timer_update(ppc_cpu *cpu)
{
    uint32_t hdec = cpu_hdec(cpu);
    if (cpu->hdec_armed && (hdec & SIGN32)) {
        cpu->hdec_pending = true;
        cpu->hdec_armed = false;
    }
    /* The counters only move at TB ticks, so the next event is a tick boundary.  A negative DEC
     * needs no timer: whatever enables it (mtmsrd EE=1, rfid) resets next_event. */
    uint64_t next = UINT64_MAX;
    if (cpu->hdec_armed) next = negative_at_cycle(cpu, hdec);
    uint64_t dec_edge = negative_at_cycle(cpu, cpu_dec(cpu));
    if (dec_edge < next) next = dec_edge;
    cpu_set_next_event(cpu, next);
}
