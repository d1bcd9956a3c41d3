/* The cycle model: an in-order, dispatch-group timing model of one POWER7/8/9 thread, driven by
 * the observed run loop (a cpu_observer) so that a plain cpu_run() pays nothing for it.
 * docs/cycle-model.md describes the model and every profile parameter with its source.
 *
 * Use:
 *   timing_profile p;  char err[256];
 *   if (!timing_load_profile("power8", &p, err, sizeof err)) { fputs(err, stderr); ... }
 *   timing_model *t = timing_create(&p);
 *   cpu_run_observed(cpu, budget, timing_observer(t));      (or add it to an observer_fanout)
 *   timing_counters c;  timing_read(t, &c);    c.cycles, c.stall[TIMING_STALL_DCACHE], ...
 *
 * The counters may be read at any instruction boundary (from another observer's hooks, too):
 * once the model's `after` hook for an instruction has run, they include that instruction and
 * any interrupt it raised; an asynchronous interrupt is counted when it is delivered.  A
 * per-path report takes the difference of two readings.  The model's cycles are its own: the
 * architected time base (TB, DEC) still counts one cycle per step, so a run is functionally the
 * same with and without the model.
 */
#ifndef HCALLSIM_CPU_TIMING_H
#define HCALLSIM_CPU_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/insn_table.h"

/* ---- Profiles (timing_profile.c) ---- */

/* How a timing class enters a dispatch group. */
typedef enum timing_dispatch {
    TIMING_DISPATCH_NORMAL = 0,
    TIMING_DISPATCH_FIRST, /* must be first in its group (GCC DU_first) */
    TIMING_DISPATCH_ALONE, /* first and last: a group of its own (GCC DU_both / DU4) */
} timing_dispatch;

/* Context-synchronising events, each with its own cost parameter. */
typedef enum timing_ctxsync {
    TIMING_CTXSYNC_SC,
    TIMING_CTXSYNC_RFID,
    TIMING_CTXSYNC_HRFID,
    TIMING_CTXSYNC_MTMSRD,    /* mtmsr/mtmsrd with L=0 */
    TIMING_CTXSYNC_MTMSRD_L1, /* mtmsrd L=1: only EE and RI change */
    TIMING_CTXSYNC_ISYNC,
    TIMING_CTXSYNC_INTERRUPT, /* interrupt delivery other than sc's own */
    TIMING_CTXSYNC__COUNT
} timing_ctxsync;

typedef struct timing_cache_params {
    unsigned size_kb;
    unsigned ways;
    unsigned line_bytes;
} timing_cache_params;

typedef struct timing_profile {
    char name[32];
    char origin[256]; /* "built-in" or the file it was read from */
    unsigned dispatch_width;
    unsigned mispredict_penalty;
    unsigned latency[TIMING__COUNT];   /* result latency per timing class */
    unsigned record_cr_latency;        /* Rc=1 result -> CR0 consumer */
    uint8_t dispatch[TIMING__COUNT];   /* timing_dispatch */
    unsigned serialise[TIMING__COUNT]; /* extra cycles after a serialising class */
    unsigned ctxsync[TIMING_CTXSYNC__COUNT];
    unsigned direction_entries; /* 2-bit counters, a power of two */
    unsigned link_stack_entries;
    unsigned count_cache_entries; /* a power of two */
    timing_cache_params l1i, l1d;
    unsigned l2_latency; /* cycles an L1 miss (or an uncached access) adds */
} timing_profile;

/* Loads "power7", "power8", "power9" (built in: profiles/power7.ini etc., embedded at build time)
 * or a profile file.  A profile must set every parameter exactly once, within range; otherwise
 * false is returned with "FILE:LINE: ..." naming the parameter in `err` and *out is untouched. */
bool timing_load_profile(const char *name_or_path, timing_profile *out, char *err, size_t errlen);
/* The same from a string (tests); `origin` names it in messages. */
bool timing_parse_profile(const char *text, const char *origin, timing_profile *out, char *err,
                          size_t errlen);
/* The built-in profile names, NULL-terminated; the first is the default. */
extern const char *const timing_builtin_profiles[];
/* The text of a built-in profile (the .ini file as shipped, to copy and edit), or NULL. */
const char *timing_builtin_profile_text(const char *name);
/* Lower-case name of a timing class as profiles spell it ("alu", "mtspr", ...). */
const char *timing_class_name(unsigned timing_class);
const char *timing_ctxsync_name(timing_ctxsync which);

/* ---- Registers an instruction reads and writes (timing_regs.c) ---- */

/* Resources other than GPRs, as bits of timing_regs.other_*. */
enum {
    TIMING_RES_CR0 = 0, /* CR field n is bit n (0..7) */
    TIMING_RES_LR = 8,
    TIMING_RES_CTR = 9,
    TIMING_RES_XER = 10,
    TIMING_RES_TAR = 11,
    TIMING_RES_MSR = 12,
};
#define TIMING_RES_CR_ALL 0xffu
#define TIMING_NO_SPR     0xffff

typedef struct timing_regs {
    uint32_t gpr_read, gpr_write; /* bit n = GPR n */
    uint32_t gpr_update;          /* the subset of gpr_write that is an update form's RA */
    uint16_t other_read, other_write;
    uint16_t cr_record; /* the subset of other_write that Rc=1 (or a "." row) records */
    uint16_t spr_read[2], spr_write; /* other SPRs by number, TIMING_NO_SPR if none */
} timing_regs;

/* Derives the registers from the table row (its operand tokens and flags) and the word's
 * fields: rt/frt targets, rs sources, a leading "ra" (logical/rotate forms) a target, ra0/rb
 * sources, F_UPDATE writes RA, Rc writes CR0, OE and carrying rows write XER, LK writes LR,
 * bc reads CTR/CR as BO says, mtspr/mfspr by SPR number. */
void timing_insn_regs(const ppc_insn *insn, timing_regs *out);
/* The timing class the model charges: the row's, except that mtspr/mfspr of LR and CTR are
 * the mtjmpr/mfjmpr classes the compilers give them. */
unsigned timing_effective_class(const ppc_insn *insn);

/* ---- The model (timing.c) ---- */

typedef enum timing_stall {
    TIMING_STALL_DEPENDENCY = 0, /* waiting for a source register (incl. load-to-use) */
    TIMING_STALL_SERIALISATION,  /* dispatch-group breaks and drains of serialising classes */
    TIMING_STALL_CONTEXT_SYNC,   /* sc, rfid, hrfid, mtmsrd, isync, interrupt delivery */
    TIMING_STALL_MISPREDICT,     /* branch mispredictions */
    TIMING_STALL_ICACHE,         /* L1 instruction cache misses */
    TIMING_STALL_DCACHE,         /* L1 data cache misses and uncached accesses */
    TIMING_STALL__COUNT
} timing_stall;

const char *timing_stall_name(timing_stall reason);

typedef struct timing_counters {
    uint64_t cycles; /* = base + the sum of stall[] */
    uint64_t base;   /* one per dispatch group */
    uint64_t stall[TIMING_STALL__COUNT];
    uint64_t insns; /* instructions the model saw retire (or fault) */
    uint64_t interrupts;
    uint64_t groups;
    uint64_t branches, mispredicts;
    uint64_t icache_accesses, icache_misses;
    uint64_t dcache_accesses, dcache_misses;
} timing_counters;

/* The last instruction's timing, for pipeline views (Kanata). */
typedef struct timing_insn_info {
    uint64_t cia;
    uint64_t fetch_cycle;                /* when its fetch finished (after any I-cache miss) */
    uint64_t issue_cycle;                /* the dispatch group's cycle */
    uint64_t complete_cycle;             /* when its main result is ready */
    uint64_t stall[TIMING_STALL__COUNT]; /* cycles charged while it was current */
} timing_insn_info;

typedef struct timing_model timing_model;

/* Copies the profile; returns NULL only when out of memory. */
timing_model *timing_create(const timing_profile *profile);
void timing_destroy(timing_model *t);
/* Cold caches, untrained predictors, empty scoreboard, zero counters. */
void timing_reset(timing_model *t);
/* The observer to pass to cpu_run_observed() or fanout_add(); valid while `t` lives. */
const cpu_observer *timing_observer(timing_model *t);
const timing_profile *timing_get_profile(const timing_model *t);

void timing_read(const timing_model *t, timing_counters *out);
uint64_t timing_cycles(const timing_model *t);
const timing_insn_info *timing_last_insn(const timing_model *t);

#endif
