/* The path profiler: recognises every hcall path (and every other guest exit) the firmware runs
 * and reports it per kind, with instructions and cycles per segment.  docs/paths.md.
 *
 * A path starts when the guest (MSR[HV]=0) enters the hypervisor: its `sc 1` (hcall number from
 * r3, guest PC) or another interrupt that sets MSR[HV] (0xe40, 0x980, ...).  It ends at the
 * rfid/hrfid that puts MSR[HV] back to 0, so a full exit includes the firmware's host side
 * (guest_exit_cont ... kvmppc_hv_entry ... fast_guest_return).  Its segments are the firmware
 * symbols it passes through, in order; functions that a C function calls are counted in the
 * caller's segment.  The outcome (real-mode fast path, H_TOO_HARD fallback, ...) is read from
 * what executed: the symbols reached, the call into the handler and its return, the table load.
 *
 * Use:
 *     path_profiler *paths = paths_create(firmware_symbols, guest_symbols);
 *     fanout_add(&fanout, timing_observer(model));  (optional: the cycle model, always first)
 *     paths_set_timing(paths, model);
 *     fanout_add(&fanout, paths_observer(paths));   (or cpu_run_observed(cpu, n, observer))
 *     ... run ...
 *     paths_print_summary(paths, stdout);
 *     paths_destroy(paths);
 * The symbol tables must outlive the run (not the reports: names are copied).
 *
 * Cycles: with a cycle model attached (paths_set_timing) every cycle figure is the model's, read
 * with timing_read() at instruction boundaries, and each comes with the cycles lost per stall
 * reason (timing_stall); without one they are cpu_get_cycles() steps (one per instruction) and
 * the stalls are 0.
 */
#ifndef HCALLSIM_OBSERVE_PATHS_H
#define HCALLSIM_OBSERVE_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "loader/symtab.h"

/* How a path left the guest. */
typedef enum path_start {
    PATH_START_HCALL,     /* sc 1 */
    PATH_START_INTERRUPT, /* any other interrupt that set MSR[HV] */
} path_start;

/* What the firmware did with it, from the code it executed. */
typedef enum path_outcome {
    PATH_REAL_MODE,     /* handler returned to hcall_try_real_mode, then fast_guest_return */
    PATH_TOO_HARD,      /* handler returned (H_TOO_HARD), then hcall_real_fallback: host side */
    PATH_HANDLER_EXIT,  /* the handler itself left for the host side (H_CEDE's kvm_cede_exit) */
    PATH_TABLE_END,     /* number past hcall_real_table_end: host side without a table load */
    PATH_TABLE_ZERO,    /* zero entry of hcall_real_table (loaded, no handler): host side */
    PATH_PROBLEM_STATE, /* sc 1 with guest MSR[PR]=1: host side (reflected to the guest) */
    PATH_INTERRUPT,     /* PATH_START_INTERRUPT: an exit other than an hcall */
    PATH_UNCLASSIFIED,  /* none of the above (a firmware without the seed's symbols) */
    PATH_OUTCOME_COUNT
} path_outcome;

/* Distribution over the occurrences of one path kind. */
typedef struct path_stat {
    uint64_t min, median, max; /* median: the lower middle value */
    uint64_t total;            /* sum over all occurrences */
} path_stat;

typedef struct path_segment_info {
    const char *name; /* firmware symbol, or "vector_0xNNN" for an unlabelled vector prolog */
    path_stat insns;
    path_stat cycles;                    /* the model's cycles (or cpu_get_cycles() steps) */
    uint64_t stall[TIMING_STALL__COUNT]; /* cycles lost per reason, summed over occurrences */
} path_segment_info;

/* One kind: same start, hcall number or vector, outcome, end and segment sequence. */
typedef struct path_kind_info {
    const char *label; /* "H_PUT_TCE (0x20) real-mode fast path" */
    path_start start;
    uint64_t hcall;          /* r3 at the sc 1 (PATH_START_HCALL) */
    const char *hcall_name;  /* "H_PUT_TCE"; NULL for a number hvcall.h does not name */
    unsigned vector;         /* 0xc00 for an hcall, else the interrupt vector */
    const char *vector_name; /* KVM's name: "SYSCALL", "H_EMUL_ASSIST", ... ("?" if none) */
    path_outcome outcome;
    const char *handler; /* real-mode handler symbol called from hcall_try_real_mode, or NULL */
    bool returned;       /* false: the run ended inside the path (power-off, budget) */
    uint64_t resumed_at; /* 0: the guest resumed where it left; else the guest PC it resumed at
                          * (a reflected interrupt's vector) */
    uint64_t count;
    uint64_t first_guest_pc;        /* of the sc 1 (or the interrupted instruction) */
    const char *first_guest_symbol; /* "plpar_hcall_norets+0x14", or "" */
    path_stat insns;                /* firmware instructions per occurrence */
    path_stat cycles;               /* their cycles: the sum of the segments' */
    path_stat entry_cycles;         /* the sc 1 (or the interrupt delivery) itself: not in cycles */
    uint64_t stall[TIMING_STALL__COUNT];       /* of cycles, per reason, over all occurrences */
    uint64_t entry_stall[TIMING_STALL__COUNT]; /* of entry_cycles, likewise */
    size_t segment_count;
} path_kind_info;

typedef struct path_profiler path_profiler;

/* firmware: the symbols of hv.elf (physical addresses, masked); required.  guest: labels the
 * guest PC of each path; may be NULL.  NULL when memory runs out. */
path_profiler *paths_create(const symtab *firmware, const symtab *guest);
void paths_destroy(path_profiler *p);

/* The observer to attach; valid until paths_destroy(). */
const cpu_observer *paths_observer(path_profiler *p);

/* Takes cycles and stalls from this cycle model (NULL: cpu_get_cycles()).  Call before the run;
 * the model's observer must run before the profiler's (add it to the fan-out first), because
 * the model charges an instruction in its `after` hook.  The model must outlive the run. */
void paths_set_timing(path_profiler *p, const timing_model *model);
const timing_model *paths_get_timing(const path_profiler *p);

/* Records a path still open (the run stopped inside it) with returned = false.  Called by
 * paths_print_summary(); call it before reading kinds when the run may have stopped mid-path. */
void paths_finish(path_profiler *p);

/* For each kind, in order of first occurrence: its label and count, then instructions per
 * segment and the total (median, with [min..max] when they differ).  With a cycle model the rows
 * have columns insns, cycles and CPI, and each kind ends with its entry and its stalls. */
void paths_print_summary(path_profiler *p, FILE *out);

/* Completed paths and distinct kinds so far. */
uint64_t paths_total(const path_profiler *p);
size_t paths_kind_count(const path_profiler *p);
/* Kind i (0 .. paths_kind_count - 1) and its segment j; false when out of range.  Strings stay
 * valid until paths_destroy(). */
bool paths_get_kind(const path_profiler *p, size_t i, path_kind_info *out);
bool paths_get_segment(const path_profiler *p, size_t kind, size_t j, path_segment_info *out);

/* "real-mode fast path", "H_TOO_HARD fallback", ... */
const char *paths_outcome_name(path_outcome outcome);
/* "H_PUT_TCE", ... from hvcall.h; NULL for other numbers. */
const char *paths_hcall_name(uint64_t hcall);

#endif
