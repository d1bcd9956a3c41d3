/* Reports of a run with the cycle model (docs/cycle-model.md, "Per-path accounting and reports"):
 *   - a JSON report of every path kind with cycles, CPI and stalls per segment (cJSON);
 *   - folded stacks "path;segment cycles" for flame-graph tools;
 *   - a Kanata pipeline log for the Konata viewer (report_pipeview.c), written while it runs.
 * Every report is written to a temporary file next to its destination and renamed into place
 * only when it is complete, so a failed run never leaves a half-written report.
 */
#ifndef HCALLSIM_OBSERVE_REPORT_H
#define HCALLSIM_OBSERVE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "observe/paths.h"

/* ---- Files written whole or not at all (report_file.c) ---- */

typedef struct report_file {
    FILE *f;    /* write here */
    char *path; /* the destination */
    char *tmp;  /* "<path>.tmp-<pid>[-n]", created exclusively in the same directory */
} report_file;

/* Creates the temporary file (so that an unwritable destination is found before a run).
 * False with "PATH: reason" in err. */
bool report_file_open(report_file *rf, const char *path, char *err, size_t errlen);
/* Flushes, closes and renames the temporary file onto the destination; on any error the
 * temporary is removed and false is returned with "PATH: reason" in err.  rf is released. */
bool report_file_commit(report_file *rf, char *err, size_t errlen);
/* Closes and removes the temporary file; rf is released.  Safe on a zeroed report_file. */
void report_file_discard(report_file *rf);

/* ---- JSON and folded stacks (report_json.c, report_folded.c) ---- */

/* What the reports say about the run as a whole. */
typedef struct report_run {
    const timing_model *model; /* required: profile and run totals */
    uint64_t instructions;     /* retired by the CPU (cpu_get_insns) */
} report_run;

/* The JSON report (format in docs/cycle-model.md).  Closes any open path (paths_finish).
 * False (with err) only when memory runs out or the stream fails. */
bool report_write_json(FILE *out, path_profiler *paths, const report_run *run, char *err,
                       size_t errlen);

/* One line "LABEL;SEGMENT CYCLES" per segment name of each path kind (cycles summed over the
 * kind's occurrences and over repeated segments of one path) and "LABEL;(entry) CYCLES" for
 * the sc 1 or interrupt delivery; zero lines are left out.  The lines sum to
 * Σ over kinds (cycles.total + entry_cycles.total).  Closes any open path. */
bool report_write_folded(FILE *out, path_profiler *paths);

/* ---- Kanata pipeline log (report_pipeview.c) ---- */

/* Names the code at a PC for the labels ("firmware kvmppc_interrupt+0x40"). */
typedef void (*report_locate_fn)(void *ctx, uint64_t pc, uint64_t msr, char *buf, size_t len);

typedef struct pipeview_config {
    const timing_model *model; /* its observer must run before the pipeview's */
    uint64_t limit;            /* instructions (and interrupt deliveries) recorded; then it stops */
    report_locate_fn locate;   /* may be NULL */
    void *locate_ctx;
} pipeview_config;

typedef struct pipeview pipeview;

/* Writes "Kanata\t0004" and, per instruction, I, L (PC, symbol, disassembly; stalls on hover),
 * S/E for the stages F (fetch until dispatch), D (dispatch group cycle) and X (execute until
 * the result is ready) and R, from timing_last_insn().  `out` stays the caller's.  NULL when
 * out of memory. */
pipeview *pipeview_create(FILE *out, const pipeview_config *config);
const cpu_observer *pipeview_observer(pipeview *v);
/* Writes the events still pending; false if the stream failed (or memory ran out). */
bool pipeview_finish(pipeview *v);
uint64_t pipeview_recorded(const pipeview *v);
void pipeview_destroy(pipeview *v);

#endif
