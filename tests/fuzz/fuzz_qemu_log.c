/* Harness (e): the trace readers `hcallsim tracediff` uses, on arbitrary text: QEMU 7.2's
 * -d cpu,int,in_asm logs (qemu_log_next) and hcallsim's own trace format (trace_parse_next).
 * The first input byte picks the reader (even: QEMU log, odd: ours); the rest is the file.  Each
 * reader must return 1, 0 or -1, and -1 must come with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "observe/qemu_log.h"
#include "observe/trace.h"

#define MAX_RECORDS 100000u

static int memfd = -1;
static char path[64];

/* The input as a file the gzip-aware line reader can open. */
static void write_file(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz_trace", 0);
        if (memfd < 0) abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    bool ours = data[0] & 1;
    write_file(data + 1, size - 1);
    trace_lines lines;
    if (!trace_lines_open(&lines, path)) abort();
    static trace_record rec;
    int rc = 0;
    if (ours) {
        trace_parse_state st;
        memset(&st, 0, sizeof(st));
        for (unsigned n = 0; n < MAX_RECORDS && (rc = trace_parse_next(&lines, &st, &rec)) == 1;)
            n++;
    } else {
        qemu_log_state st;
        memset(&st, 0, sizeof(st));
        for (unsigned n = 0; n < MAX_RECORDS && (rc = qemu_log_next(&lines, &st, &rec)) == 1;)
            n++;
        qemu_log_state_free(&st);
    }
    FUZZ_CHECK(rc >= -1 && rc <= 1, "reader returned %d", rc);
    FUZZ_CHECK(rc != -1 || lines.error[0], "failure without a message");
    trace_lines_close(&lines);
    return 0;
}
