/* Folded stacks ("path;segment cycles") for flame-graph tools (report.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "observe/report.h"

/* A frame name without the folded format's separators (';' between frames, the last space
 * before the count, newlines between stacks). */
static void put_frame(FILE *out, const char *name)
{
    for (const char *c = name; *c; c++)
        fputc(*c == ';' ? ':' : *c == '\n' ? ' ' : *c, out);
}

static void put_line(FILE *out, const char *label, const char *frame, uint64_t cycles)
{
    if (!cycles) return;
    put_frame(out, label);
    fputc(';', out);
    put_frame(out, frame);
    fprintf(out, " %" PRIu64 "\n", cycles);
}

bool report_write_folded(FILE *out, path_profiler *paths)
{
    paths_finish(paths);
    for (size_t i = 0; i < paths_kind_count(paths); i++) {
        path_kind_info k;
        if (!paths_get_kind(paths, i, &k)) continue;
        put_line(out, k.label, "(entry)", k.entry_cycles.total);
        /* a segment name that recurs in the path (hcall_try_real_mode before and after the
         * handler) is one frame: its first occurrence prints the sum of all of them */
        for (size_t j = 0; j < k.segment_count; j++) {
            path_segment_info s;
            if (!paths_get_segment(paths, i, j, &s)) continue;
            bool seen = false;
            uint64_t cycles = s.cycles.total;
            for (size_t m = 0; m < k.segment_count; m++) {
                path_segment_info other;
                if (m == j || !paths_get_segment(paths, i, m, &other)) continue;
                if (strcmp(other.name, s.name) != 0) continue;
                if (m < j) seen = true;
                cycles += other.cycles.total;
            }
            if (!seen) put_line(out, k.label, s.name, cycles);
        }
    }
    return !ferror(out);
}
