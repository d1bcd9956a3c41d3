/* Several observers on one run: trace, path profiler and cycle model each bring their own
 * cpu_observer; a fan-out calls each of them in the order they were added.  When the first has
 * a loop of its own (cpu_observer.run: the cycle model), the fan-out runs that loop, with the
 * other members' before and after hooks around each instruction. */
#ifndef HCALLSIM_OBSERVE_FANOUT_H
#define HCALLSIM_OBSERVE_FANOUT_H

#include "cpu/cpu.h"

#define FANOUT_MAX 8

typedef struct fanout_mem_hook {
    void (*hook)(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size, bool is_store);
    void *ctx;
} fanout_mem_hook;

typedef struct observer_fanout {
    cpu_observer self; /* pass &fanout->self to cpu_run_observed() */
    cpu_observer rest; /* the members after the first, for the first one's loop */
    const cpu_observer *members[FANOUT_MAX];
    unsigned count;
    fanout_mem_hook mem_access[FANOUT_MAX]; /* the members' mem_access hooks, in order */
    unsigned n_mem_access;
} observer_fanout;

void fanout_init(observer_fanout *f);
/* What to pass to cpu_run_observed(): the one member itself when there is one (its hooks without
 * the fan-out's calls in between), else &f->self. */
const cpu_observer *fanout_observer(const observer_fanout *f);
/* Adds an observer; returns false if FANOUT_MAX are already attached, or for another fan-out
 * whose first member has a loop of its own (its loop would not call a follower). */
bool fanout_add(observer_fanout *f, const cpu_observer *member);

#endif
