/* Reader of QEMU 7.2 logs written with `-singlestep -d cpu,nochain,int -D FILE` on powernv8
 * (qemu-powernv8.md §2): each register dump becomes a trace_record.  Lines that are not part of
 * a dump are events of the record before them:
 *   "Raise exception at EA => NAME (n) error=xx"   an interrupt (vector from NAME)
 *   "INSN EA WORD"                                  the instruction word (a TCG plugin's line)
 *   "MEM ld|st ea=EA pa=PA size=N [io]"             a data access (the same plugin)
 *   "0xEA:  WORD  text" after "IN:"                  -d in_asm: the word of a translated block,
 *                                                   remembered per (EA, MSR mode)
 * and everything else (Trace lines of -d exec, syscall lines, guest errors) is ignored.
 * TB, DECR, HF, iidx, didx, HID0, PVR, VRSAVE, SDR1/PTCR and SPRG4-7 are dropped. */
#ifndef HCALLSIM_OBSERVE_QEMU_LOG_H
#define HCALLSIM_OBSERVE_QEMU_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "observe/trace.h"

typedef struct qemu_word_map qemu_word_map;

typedef struct qemu_log_state {
    uint64_t records;
    bool plugin_seen;     /* INSN/MEM lines: the log reports memory accesses */
    qemu_word_map *words; /* in_asm words by (EA, mode); allocated on first use */
    bool pending_word;    /* an in_asm line waiting for its dump */
    uint64_t pending_ea;
    uint32_t pending_value;
    unsigned long lines_without_dump; /* before the first dump: gives up on foreign files */
} qemu_log_state;

/* Whether line starts a register dump ("NIP " followed by hex). */
bool qemu_log_is_dump_start(const char *line);
/* Next record: 1, 0 at the end, -1 on a truncated record, a malformed dump or a file with no
 * dump in it (lines->error says which file and line). */
int qemu_log_next(trace_lines *lines, qemu_log_state *st, trace_record *rec);
/* Frees the in_asm word map. */
void qemu_log_state_free(qemu_log_state *st);

#endif
