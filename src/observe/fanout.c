#include "observe/fanout.h"

#include <stddef.h>

/* The before (or after) hooks of the members from `first` on. */
static void call_before(const observer_fanout *f, unsigned first, ppc_cpu *cpu,
                        const ppc_insn *insn)
{
    for (unsigned i = first; i < f->count; i++)
        if (f->members[i]->before) f->members[i]->before(f->members[i]->ctx, cpu, insn);
}

static void call_after(const observer_fanout *f, unsigned first, ppc_cpu *cpu, const ppc_insn *insn)
{
    for (unsigned i = first; i < f->count; i++)
        if (f->members[i]->after) f->members[i]->after(f->members[i]->ctx, cpu, insn);
}

static void fan_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    call_before(ctx, 0, cpu, insn);
}

static void fan_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    call_after(ctx, 0, cpu, insn);
}

static void fan_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    const observer_fanout *f = ctx;
    for (unsigned i = 0; i < f->count; i++)
        if (f->members[i]->interrupt)
            f->members[i]->interrupt(f->members[i]->ctx, cpu, vector, saved_pc);
}

/* The hook of every data access: the members that have one, in a list of their own. */
static void fan_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                           bool is_store)
{
    const observer_fanout *f = ctx;
    for (unsigned i = 0; i < f->n_mem_access; i++)
        f->mem_access[i].hook(f->mem_access[i].ctx, cpu, ea, pa, size, is_store);
}

/* The members after the first, as one observer: the follower of the first member's loop. */
static void fan_rest_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    call_before(ctx, 1, cpu, insn);
}

static void fan_rest_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    call_after(ctx, 1, cpu, insn);
}

/* The first member has a loop of its own (the cycle model): it runs that loop, alone, or with
 * the others' before and after hooks around each instruction (one other member directly).  The
 * interrupt and mem_access hooks still come through the fan-out, in order. */
static cpu_exit fan_run(void *ctx, ppc_cpu *cpu, uint64_t budget, const cpu_observer *then)
{
    const observer_fanout *f = ctx;
    (void)then; /* NULL: a fan-out is never a member of another (fanout_add) */
    if (f->count == 1) return cpu_run_observed(cpu, budget, f->members[0]);
    const cpu_observer *rest = f->count == 2 ? f->members[1] : &f->rest;
    return f->members[0]->run(f->members[0]->ctx, cpu, budget, rest);
}

void fanout_init(observer_fanout *f)
{
    f->self = (cpu_observer){.ctx = f,
                             .before = fan_before,
                             .after = fan_after,
                             .interrupt = fan_interrupt,
                             .mem_access = fan_mem_access};
    f->rest = (cpu_observer){.ctx = f, .before = fan_rest_before, .after = fan_rest_after};
    f->count = 0;
    f->n_mem_access = 0;
}

const cpu_observer *fanout_observer(const observer_fanout *f)
{
    return f->count == 1 ? f->members[0] : &f->self;
}

bool fanout_add(observer_fanout *f, const cpu_observer *member)
{
    if (f->count >= FANOUT_MAX || member->run == fan_run) return false;
    f->members[f->count++] = member;
    if (member->mem_access)
        f->mem_access[f->n_mem_access++] = (fanout_mem_hook){member->mem_access, member->ctx};
    f->self.run = f->members[0]->run ? fan_run : NULL;
    return true;
}
