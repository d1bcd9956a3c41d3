/* Row coverage for docs/isa-coverage.md: when HCALLSIM_ROW_COVERAGE names a file, every table row
 * that insn_decode() decodes in this process is appended to it at exit, one row id per line
 * (rows by name, so the list survives rows being added).  The unit tests link this file with
 * -Wl,--undefined=insn_row_coverage_linked (tests/integration/isa.cmake): a static library member
 * that nothing references would otherwise be left out, constructor and all. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/insn_table.h"

extern const int insn_row_coverage_linked;
const int insn_row_coverage_linked = 1;

static const char *const row_names[INSN__COUNT] = {
    [INSN_ILLEGAL] = "ILLEGAL",
#define INSN(id, mn, form, match, mask, resv, fn, timing, flags, ops) [INSN_##id] = #id,
#include "cpu/insns/all.def"
#undef INSN
};

static uint8_t row_hits[INSN__COUNT];
static const char *coverage_path;

/* One write() with O_APPEND, so test processes running in parallel do not interleave lines. */
static void write_row_hits(void)
{
    size_t size = 1;
    for (unsigned id = 0; id < INSN__COUNT; id++)
        if (row_hits[id]) size += strlen(row_names[id]) + 1;
    char *text = malloc(size);
    if (!text) return;
    size_t used = 0;
    for (unsigned id = 0; id < INSN__COUNT; id++) {
        if (!row_hits[id]) continue;
        size_t n = strlen(row_names[id]);
        memcpy(text + used, row_names[id], n);
        text[used + n] = '\n';
        used += n + 1;
    }
    int fd = open(coverage_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd >= 0) {
        if (write(fd, text, used) != (ssize_t)used) { /* nothing useful to do at exit */
        }
        close(fd);
    }
    free(text);
}

__attribute__((constructor)) static void row_coverage_start(void)
{
    coverage_path = getenv("HCALLSIM_ROW_COVERAGE");
    if (!coverage_path || !*coverage_path) return;
    insn_decode_hits = row_hits;
    atexit(write_row_hits);
}
