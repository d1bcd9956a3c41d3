/* Per-instruction traces: one record per instruction boundary holding the pre-state, the same
 * state QEMU's `-d cpu` dump shows, so that a run can be diffed against QEMU powernv8
 * (observe/trace_diff.h).  docs/trace-format.md describes the text format.
 *
 * Writing (a cpu_observer):
 *     trace_writer *tw = trace_open(path, &(trace_config){.firmware = fw, .guest = g}, err, n);
 *     fanout_add(&fanout, trace_observer(tw));          (or cpu_run_observed(cpu, n, ...))
 *     int rc = trace_close(tw, cpu);   (writes the final state and the end line; 0 = written)
 *
 * Reading: trace_lines is a line reader (plain or gzip); trace_parse_next() reads records of our
 * format, qemu_log_next() (observe/qemu_log.h) QEMU's logs, into the same trace_record.
 */
#ifndef HCALLSIM_OBSERVE_TRACE_H
#define HCALLSIM_OBSERVE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "loader/symtab.h"

/* The register fields of a record, in print order. */
typedef enum trace_field {
    TF_GPR0 = 0,
    TF_CR = 32,
    TF_XER,
    TF_LR,
    TF_CTR,
    TF_MSR,
    TF_SRR0,
    TF_SRR1,
    TF_HSRR0,
    TF_HSRR1,
    TF_SPRG0,
    TF_SPRG1,
    TF_SPRG2,
    TF_SPRG3,
    TF_CFAR,
    TF_LPCR,
    TF_DAR,
    TF_DSISR,
    TF_RES, /* reservation: its real address, or all ones when none is held */
    TF_COUNT
} trace_field;

#define TRACE_ALL_FIELDS     ((1ull << TF_COUNT) - 1)
#define TRACE_NO_RESERVATION (~0ull)

/* "r0".."r31", "cr", "xer", ... as written in the trace. */
const char *trace_field_name(trace_field f);
/* The field called name, or TF_COUNT. */
trace_field trace_field_lookup(const char *name, size_t len);

/* Events that happened between this record and the next. */
#define TRACE_MAX_INTERRUPTS 4
#define TRACE_MAX_MEM        64

typedef struct trace_mem {
    uint64_t ea, pa;
    uint8_t size;
    bool store;
} trace_mem;

typedef struct trace_record {
    uint64_t number;    /* 1-based position in its file */
    unsigned long line; /* line of the file where it starts */
    uint64_t pc;
    uint64_t value[TF_COUNT];
    uint32_t word; /* the instruction at pc, when has_word */
    bool has_word;
    bool executed; /* false for a final state nobody executed (end of a run) */
    bool has_cycle;
    uint64_t cycle;
    bool mem_known;       /* the source reports data accesses (ours; QEMU with the plugin) */
    unsigned ninterrupts; /* interrupts taken (may exceed TRACE_MAX_INTERRUPTS) */
    uint16_t vector[TRACE_MAX_INTERRUPTS];
    unsigned nmem; /* data accesses made (may exceed TRACE_MAX_MEM) */
    trace_mem mem[TRACE_MAX_MEM];
    char symbol[80]; /* "" when unknown */
    char disasm[64]; /* "" when unknown */
} trace_record;

/* "H---" .. "-PID": MSR[HV], MSR[PR], MSR[IR], MSR[DR] as letters or '-' (5 bytes with NUL). */
void trace_mode_string(uint64_t msr, char out[5]);
#define TRACE_MODE_BITS (MSR_HV | MSR_PR | MSR_IR | MSR_DR)

/* ---- Writing ---- */
typedef struct trace_config {
    bool full;              /* every field in every record (default: the fields that changed) */
    const symtab *firmware; /* labels PCs with MSR[HV]=1; may be NULL */
    const symtab *guest;    /* labels PCs with MSR[HV]=0; may be NULL */
    /* When a cycle model is attached: the current cycle, printed as cyc= in each record. */
    uint64_t (*cycle)(void *ctx);
    void *cycle_ctx;
} trace_config;

typedef struct trace_writer trace_writer;

/* Opens path for writing ("-" = stdout; a name ending in .gz is gzip-compressed) and writes the
 * header.  NULL with a message in err when the file cannot be created. */
trace_writer *trace_open(const char *path, const trace_config *config, char *err, size_t errlen);
/* The observer to pass to cpu_run_observed() or fanout_add(); valid until trace_close(). */
const cpu_observer *trace_observer(trace_writer *t);
/* Records written so far (executed instructions). */
uint64_t trace_records(const trace_writer *t);
/* Writes the state the run stopped in (when final_state is not NULL: the pre-state of an
 * instruction that did not execute, as the last dump of QEMU's log), the end line, and closes.
 * Returns 0, or -1 when a write failed (the message went to stderr).  NULL is a no-op. */
int trace_close(trace_writer *t, ppc_cpu *final_state);

/* ---- Reading ---- */
#define TRACE_LINE_MAX 4096

/* A text file read line by line, plain or gzip-compressed (detected from its content). */
typedef struct trace_lines {
    void *gz;
    const char *path;     /* for messages */
    unsigned long lineno; /* of the line in buf */
    char buf[TRACE_LINE_MAX];
    size_t len; /* of the line in buf, without the newline */
    bool held;  /* buf holds a line put back with trace_lines_unget() */
    bool eof;
    char error[320]; /* "PATH:LINE: message" after a failure */
} trace_lines;

/* Opens path ("-" = stdin).  Returns false with a message in lines->error. */
bool trace_lines_open(trace_lines *lines, const char *path);
void trace_lines_close(trace_lines *lines);
/* Next line into lines->buf (newline stripped): 1, 0 at the end, -1 on a read error, a line
 * longer than TRACE_LINE_MAX or binary data (NUL bytes). */
int trace_lines_next(trace_lines *lines);
/* The line in buf is read again by the next trace_lines_next(). */
void trace_lines_unget(trace_lines *lines);
/* Sets lines->error to "PATH:LINE: message" and returns -1. */
int trace_lines_fail(trace_lines *lines, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Our format: reader state between records. */
typedef struct trace_parse_state {
    uint64_t value[TF_COUNT]; /* the previous record's values (compact records omit them) */
    uint64_t records;
    bool header_seen, end_seen;
    uint64_t end_count;
} trace_parse_state;

/* The header line, when buf holds it. */
bool trace_is_header(const char *line);
/* Next record: 1, 0 after the end line, -1 on malformed or truncated input (lines->error). */
int trace_parse_next(trace_lines *lines, trace_parse_state *st, trace_record *rec);

/* 1..16 hex digits (no prefix) / decimal digits at *p; advance *p.  False if malformed. */
bool trace_take_hex(const char **p, uint64_t *out);
bool trace_take_dec(const char **p, uint64_t *out);

/* The vector QEMU's -d int calls name ("SYSCALL" -> 0xc00), or 0 if unknown. */
unsigned trace_vector_of_qemu_name(const char *name, size_t len);
/* Our name of a vector ("SYSCALL", "HV_EMU"...: QEMU's names), or "?". */
const char *trace_vector_name(unsigned vector);

#endif
