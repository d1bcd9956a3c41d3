/* hcallsim tracediff: compare two per-instruction traces (ours or QEMU logs). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_parse.h"
#include "observe/trace_diff.h"

#define PROG "hcallsim tracediff"

static const char usage_text[] =
    "usage: hcallsim tracediff A B [--all] [--context N]\n"
    "\n"
    "Compares two per-instruction traces record by record.  Each of A and B is a trace written\n"
    "by hcallsim (--trace FILE) or a raw QEMU log written with\n"
    "  qemu-system-ppc64 -M powernv8 ... -singlestep -d cpu,nochain,int -D FILE\n"
    "(in_asm, exec and plugin lines may be mixed in), plain or gzip-compressed; '-' is stdin.\n"
    "Normalisation (docs/trace-format.md): registers loaded from TB, DEC, HDEC, PURR, SPURR or\n"
    "VTB are not compared until both sides agree again, nor CFAR after hrfid; the reservation\n"
    "is compared as held or not; QEMU's TB, DECR, HF, iidx, didx, SPRG4-7, VRSAVE, SDR1 and PVR\n"
    "are ignored.  The first divergence is reported with the instruction that produced it, the\n"
    "fields that differ and the records before it.  The last line says how many records were\n"
    "compared.\n"
    "\n"
    "  --all        go on after a divergence (until control flow diverges) and count them\n"
    "  --context N  records shown before a divergence (default 5)\n"
    "  --help       this text\n"
    "\n"
    "Exit status: 0 equivalent, 1 the traces diverge (one being shorter included), 64 bad\n"
    "command line, 65 a file is empty, truncated or not a trace, 66 a file cannot be read.\n";

#define usage_error(...) cli_usage_error(PROG, __VA_ARGS__)

static bool parse_context(const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (!text[0] || text[0] == '-' || *end || errno || v > 1000) return false;
    *out = (unsigned)v;
    return true;
}

/* Opens one side; returns -1 on success, otherwise the exit status. */
static int open_side(const char *path, trace_input **in)
{
    char err[512];
    switch (trace_input_open(path, in, err, sizeof(err))) {
    case TRACE_OPEN_OK: return -1;
    case TRACE_OPEN_MISSING: fprintf(stderr, PROG ": %s\n", err); return EXIT_NO_INPUT;
    case TRACE_OPEN_BAD_INPUT: break;
    }
    fprintf(stderr, PROG ": %s\n", err);
    return EXIT_BAD_INPUT;
}

int cmd_tracediff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"all", no_argument, NULL, 'a'},
        {"context", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    tracediff_options opts = {.context = 5, .out = stdout, .err = stderr};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': opts.all = true; break;
        case 'c':
            if (!parse_context(optarg, &opts.context))
                return usage_error("bad --context '%s': expected 0..1000", optarg);
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2) return usage_error("expected two traces A and B");
    const char *name_a = argv[optind], *name_b = argv[optind + 1];
    if (!strcmp(name_a, "-") && !strcmp(name_b, "-"))
        return usage_error("only one of A and B can be stdin");

    trace_input *a = NULL, *b = NULL;
    int status = open_side(name_a, &a);
    if (status < 0) status = open_side(name_b, &b);
    if (status < 0) {
        tracediff_summary summary;
        switch (tracediff_run(a, name_a, b, name_b, &opts, &summary)) {
        case TRACEDIFF_EQUIVALENT: status = EXIT_OK; break;
        case TRACEDIFF_DIVERGED: status = 1; break;
        case TRACEDIFF_BAD_INPUT: status = EXIT_BAD_INPUT; break;
        }
    } else {
        printf("tracediff: 0 records compared: not equivalent (unreadable input)\n");
    }
    if (fflush(stdout) != 0 && status == EXIT_OK) status = EXIT_INTERNAL;
    trace_input_close(a);
    trace_input_close(b);
    return status;
}
