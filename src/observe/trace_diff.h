/* Comparing two traces, each ours (observe/trace.h) or a QEMU log (observe/qemu_log.h), record
 * by record, normalised as qemu-powernv8.md §6 recommends:
 *   - records are pre-states; QEMU's time fields and BookE/unused SPRs are never read;
 *   - a GPR loaded by mfspr/mftb of DEC, TBL, TBU, SPURR, PURR, HDEC or VTB (SPRs 22, 268, 269,
 *     308, 309, 310, 351) is tainted: not compared until both sides agree on it again;
 *   - CFAR after hrfid (0x4c000224) is tainted the same way (QEMU 7.2's hrfid leaves CFAR);
 *   - the reservation is compared as held / not held;
 *   - instruction words are compared when both sides have them; a side without them (QEMU
 *     without in_asm or the plugin) borrows the other's to recognise the instructions above;
 *   - memory accesses are compared when both sides report them (ours; QEMU with the plugin).
 * Order per record: pc and mode (control flow), word, registers, then the record's interrupts
 * and memory accesses. */
#ifndef HCALLSIM_OBSERVE_TRACE_DIFF_H
#define HCALLSIM_OBSERVE_TRACE_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "observe/trace.h"

/* ---- Inputs: either format, detected from the content ---- */
typedef enum trace_format {
    TRACE_FORMAT_HCALLSIM,
    TRACE_FORMAT_QEMU,
} trace_format;

typedef struct trace_input trace_input;

typedef enum trace_open_status {
    TRACE_OPEN_OK = 0,
    TRACE_OPEN_MISSING,   /* cannot open or read the file */
    TRACE_OPEN_BAD_INPUT, /* empty, or neither format */
} trace_open_status;

/* Opens path (plain or gzip; "-" = stdin).  On failure err says which file and why. */
trace_open_status trace_input_open(const char *path, trace_input **out, char *err, size_t errlen);
trace_format trace_input_format(const trace_input *in);
/* Next record: 1, 0 at a complete end, -1 on bad input (trace_input_error()). */
int trace_input_next(trace_input *in, trace_record *rec);
/* "PATH:LINE: message" */
const char *trace_input_error(const trace_input *in);
void trace_input_close(trace_input *in);

/* ---- The normaliser and comparator of one record pair ---- */
typedef enum tracediff_kind {
    TD_PC,        /* control flow: pc differs */
    TD_MODE,      /* control flow: MSR[HV,PR,IR,DR] differ */
    TD_WORD,      /* a different instruction at the same pc */
    TD_FIELD,     /* a register field (a, b hold its values) */
    TD_RESERVE,   /* reservation held on one side only (a, b: 1 = held) */
    TD_INTERRUPT, /* the instruction took different interrupts (a, b: first differing vector or
                     0 for none) */
    TD_MEM,       /* it made different data accesses (a, b: the first differing PA, or ~0) */
} tracediff_kind;

typedef struct tracediff_diff {
    tracediff_kind kind;
    trace_field field; /* TD_FIELD */
    uint64_t a, b;
} tracediff_diff;

#define TRACEDIFF_MAX_DIFFS (TF_COUNT + 4)

typedef struct tracediff_state {
    uint64_t tainted; /* fields skipped until both sides agree (bit per trace_field) */
    bool have_prev;
    bool prev_has_word;
    uint32_t prev_word;     /* the instruction that produced the records being compared */
    bool known_differences; /* --all: a reported field stays skipped until it agrees again */
} tracediff_state;

/* Whether word reads an SPR whose value the two sides may legitimately disagree on into a GPR:
 * the time-based ones (mfspr/mftb of 22, 268, 269, 308-310, 351) and HEIR (339), which QEMU 7.2
 * does not implement (its mfspr leaves RT unchanged; hcallsim loads the word, ISA 2.07 Book III
 * 6.5.18).  *rt gets the GPR, which is tainted until both sides agree again. */
bool tracediff_tainted_read(uint32_t word, unsigned *rt);
#define TRACEDIFF_HRFID 0x4c000224u

/* Compares one pair after the normalisation above; fills diffs (at most TRACEDIFF_MAX_DIFFS)
 * and returns how many.  A control-flow difference comes alone. */
unsigned tracediff_compare(tracediff_state *st, const trace_record *a, const trace_record *b,
                           tracediff_diff *diffs);

/* ---- The whole comparison ---- */
typedef struct tracediff_options {
    bool all;         /* go on after the first divergence and count them */
    unsigned context; /* records shown before a divergence */
    FILE *out;        /* the report */
    FILE *err;        /* why an input could not be read (NULL: out) */
} tracediff_options;

typedef enum tracediff_verdict {
    TRACEDIFF_EQUIVALENT = 0,
    TRACEDIFF_DIVERGED,
    TRACEDIFF_BAD_INPUT, /* a file could not be read to its end: never "equivalent" */
} tracediff_verdict;

typedef struct tracediff_summary {
    uint64_t compared; /* record pairs compared */
    uint64_t divergences;
    tracediff_verdict verdict;
} tracediff_summary;

/* Compares a with b to the end of both (or the first divergence), writes the report to
 * options->out; its last line says how many records were compared.  Names label the columns. */
tracediff_verdict tracediff_run(trace_input *a, const char *name_a, trace_input *b,
                                const char *name_b, const tracediff_options *options,
                                tracediff_summary *summary);

#endif
