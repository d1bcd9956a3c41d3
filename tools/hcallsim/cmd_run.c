/* hcallsim run: boot the hypervisor firmware on the powernv8 machine with one pseries guest in
 * its partition, run until the guest powers off, and return the guest's exit status. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_parse.h"
#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "embedded.h"
#include "hv_system.h"
#include "loader/fdt.h"
#include "loader/loader.h"
#include "observe/fanout.h"
#include "observe/trace.h"
#include "observe/paths.h"
#include "observe/report.h"

#define PROG              "hcallsim run"
#define GUEST_STATUS_MAX  63            /* 64.. are hcallsim's own statuses */
#define FIRMWARE_FILE_MAX (64ull << 20) /* ELF files carry symbols beyond what they load */
#define GUEST_FILE_MAX    (1ull << 30)
#define DEFAULT_CPU       "power8" /* timing_builtin_profiles[0] */
#define NO_CPU            "none"
#define PIPEVIEW_LIMIT    100000

static const char usage_text[] =
    "usage: hcallsim run [GUEST.elf] [--append ARGS] [--mem SIZE] [--max-insns N]\n"
    "                    [--firmware FILE] [--cpu NAME|FILE|none] [--report FILE.json]\n"
    "                    [--folded FILE] [--pipeview FILE [--pipeview-limit N]]\n"
    "                    [--trace FILE [--trace-full]]\n"
    "\n"
    "Boots the hypervisor firmware (hv.elf, built into hcallsim) on the emulated powernv8\n"
    "machine, with GUEST.elf in its guest partition, and runs until the guest powers off.\n"
    "The guest starts as on QEMU's pseries machine: at its entry point in 32-bit real mode\n"
    "(MSR = 0, not hypervisor), r3 = the guest real address of a pseries device tree; it\n"
    "prints with H_PUT_TERM_CHAR and stops with RTAS power-off (H_RTAS).  A console line\n"
    "'EXIT: STATUS=<n>' before the power-off is the guest's exit status.  Without GUEST the\n"
    "built-in seed demo (tce_demo: H_PUT_TCE through the real-mode hcall path) runs.\n"
    "\n"
    "GUEST.elf: 64-bit PowerPC, big- or little-endian.  ET_DYN images and ET_EXEC images with\n"
    "physical addresses below 0x400000 (p_paddr 0, like vmlinux) are placed as QEMU pseries\n"
    "places a kernel: each segment at guest real 0x400000 + (p_paddr & 0x0fffffff).  Other\n"
    "ET_EXEC images load at their physical addresses.  The image must end below the device\n"
    "tree, which sits 2 MiB below the top of the partition (below 2 GiB), as on QEMU.\n"
    "\n"
    "  --append ARGS     the guest's command line (/chosen/bootargs)\n"
    "  --mem SIZE        guest partition size: 32M, 64M, 128M, 256M, 1G or 16G (default 256M)\n"
    "  --max-insns N     stop after N instructions (default: no limit)\n"
    "  --firmware FILE   boot this hypervisor ELF instead of the built-in hv.elf\n"
    "  --cpu NAME|FILE   the cycle model's profile: power7, power8 (default) or power9, or a\n"
    "                    profile file (copy profiles/power8.ini and edit it); 'none' runs\n"
    "                    without the model (instructions only; about half the time)\n"
    "  --report FILE     write every path kind with instructions, cycles, CPI and stall\n"
    "                    cycles per segment as JSON (docs/cycle-model.md)\n"
    "  --folded FILE     write folded stacks 'path;segment cycles' for flame-graph tools\n"
    "  --pipeview FILE   write a Kanata pipeline log of the first instructions (Konata viewer)\n"
    "  --pipeview-limit N  instructions in the pipeline log (default 100000)\n"
    "  --trace FILE      write a per-instruction trace (docs/trace-format.md; '-' is stdout, a\n"
    "                    .gz name is compressed), with firmware and guest symbols and, with the\n"
    "                    cycle model, the cycle of each instruction\n"
    "  --trace-full      every register in every trace record (default: those that changed)\n"
    "  --help            this text\n"
    "\n"
    "The console (firmware lines start with 'HV: ') goes to stdout, then the table of hcall\n"
    "paths: per path kind and segment, firmware instructions, the model's cycles and CPI.\n"
    "RTAS get-time-of-day starts from $SOURCE_DATE_EPOCH if set, else from the host clock.\n"
    "Report files are written whole at the end of the run (also when it stops early) or not\n"
    "at all.\n"
    "\n"
    "Exit status: the guest's status 0..63 (a status outside 0..63 is reported as 63; a guest\n"
    "that powers off without printing one gives 0), 64 bad command line, 65 bad input (GUEST\n"
    "or FILE not a PowerPC64 ELF, malformed, or too large for the partition; a --cpu profile\n"
    "with a missing, unknown or out-of-range parameter), 66 a missing or unreadable file (or\n"
    "a report file that cannot be created or written), 67 --max-insns spent, 68 checkstop,\n"
    "69 an unimplemented facility, 70 internal error or a firmware error (see its 'HV: '\n"
    "lines).\n";

typedef struct run_options {
    const char *guest;    /* NULL: the embedded seed demo */
    const char *firmware; /* NULL: the embedded hv.elf */
    const char *bootargs;
    uint64_t partition_size;
    uint64_t max_insns; /* 0: no limit */
    const char *cpu;    /* profile name or file; NULL: no cycle model */
    const char *report, *folded, *pipeview;
    uint64_t pipeview_limit;
    bool pipeview_limit_set;
    const char *trace; /* --trace FILE, or NULL */
    bool trace_full;
} run_options;

#define usage_error(...) cli_usage_error(PROG, __VA_ARGS__)

/* Fills opts; returns -1 to go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, run_options *opts)
{
    static const struct option longopts[] = {
        {"append", required_argument, NULL, 'a'},
        {"mem", required_argument, NULL, 'm'},
        {"max-insns", required_argument, NULL, 'n'},
        {"firmware", required_argument, NULL, 'f'},
        {"cpu", required_argument, NULL, 'c'},
        {"report", required_argument, NULL, 'r'},
        {"folded", required_argument, NULL, 'F'},
        {"pipeview", required_argument, NULL, 'p'},
        {"pipeview-limit", required_argument, NULL, 'P'},
        {"trace", required_argument, NULL, 't'},
        {"trace-full", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *opts = (run_options){.partition_size = HV_SYSTEM_DEFAULT_SIZE,
                          .cpu = DEFAULT_CPU,
                          .pipeview_limit = PIPEVIEW_LIMIT};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (strlen(optarg) >= FDT_PSERIES_BOOTARGS_MAX)
                return usage_error("--append is longer than %u bytes",
                                   FDT_PSERIES_BOOTARGS_MAX - 1);
            opts->bootargs = optarg;
            break;
        case 'm':
            if (!cli_parse_size(optarg, &opts->partition_size) ||
                !hv_system_partition_size_valid(opts->partition_size))
                return usage_error("bad --mem '%s': expected 32M, 64M, 128M, 256M, 1G or 16G",
                                   optarg);
            break;
        case 'n':
            if (!cli_parse_count(optarg, &opts->max_insns))
                return usage_error("bad --max-insns '%s': expected a positive count", optarg);
            break;
        case 'f': opts->firmware = optarg; break;
        case 'c': opts->cpu = strcmp(optarg, NO_CPU) == 0 ? NULL : optarg; break;
        case 'r': opts->report = optarg; break;
        case 'F': opts->folded = optarg; break;
        case 'p': opts->pipeview = optarg; break;
        case 'P':
            if (!cli_parse_count(optarg, &opts->pipeview_limit))
                return usage_error("bad --pipeview-limit '%s': expected a positive count", optarg);
            opts->pipeview_limit_set = true;
            break;
        case 't': opts->trace = optarg; break;
        case 'T': opts->trace_full = true; break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1) return usage_error("unexpected argument '%s'", argv[optind + 1]);
    if (optind < argc) opts->guest = argv[optind];
    if (opts->trace_full && !opts->trace) return usage_error("--trace-full needs --trace FILE");
    if (opts->pipeview_limit_set && !opts->pipeview)
        return usage_error("--pipeview-limit needs --pipeview FILE");
    if (!opts->cpu && (opts->report || opts->folded || opts->pipeview))
        return usage_error("--report, --folded and --pipeview need the cycle model (not --cpu "
                           "none)");
    return -1;
}

static int loader_failure(loader_error e, const char *message)
{
    fprintf(stderr, PROG ": %s\n", message);
    return loader_exit_status(e);
}

/* The file at path (read into *owned) or the embedded image; -1 or an exit status. */
static int read_image(const char *path, uint64_t max_size, bool (*embedded)(hv_image *),
                      hv_image *image, uint8_t **owned)
{
    *owned = NULL;
    if (!path) {
        if (embedded(image)) return -1;
        fprintf(stderr, PROG ": this hcallsim was built without the firmware and seed guest; "
                             "name a GUEST and --firmware\n");
        return EXIT_NO_INPUT;
    }
    char err[512];
    size_t size;
    loader_error e = loader_read_file(path, max_size, owned, &size, err, sizeof(err));
    if (e) return loader_failure(e, err);
    *image = (hv_image){*owned, size, path};
    return -1;
}

/* QEMU's RTAS clock is the host's; SOURCE_DATE_EPOCH makes runs reproducible. */
static uint64_t boot_time_of_day(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && epoch[0] >= '0' && epoch[0] <= '9') {
        char *end;
        unsigned long long seconds = strtoull(epoch, &end, 10);
        if (!*end) return seconds;
    }
    return (uint64_t)time(NULL);
}

static void report_stop(const hv_system *s, const char *what, const char *detail)
{
    ppc_cpu *cpu = machine_cpu(s->m);
    char where[300];
    hv_system_locate(s, cpu_get_nip(cpu), cpu_get_msr(cpu), where, sizeof(where));
    if (detail && detail[0])
        fprintf(stderr, PROG ": %s: %s (%s)\n", what, detail, where);
    else
        fprintf(stderr, PROG ": %s at PC 0x%" PRIx64 " (%s)\n", what, cpu_get_nip(cpu), where);
}

/* The guest's status once the machine stopped through the BMC. */
static int guest_status(const hv_system *s)
{
    hv_guest_exit x = hv_system_guest_exit(s);
    if (x.firmware_error) {
        fprintf(stderr, PROG ": the firmware stopped on an error (see its 'HV: ' lines)\n");
        return EXIT_INTERNAL;
    }
    if (!x.powered_off) {
        fprintf(stderr, PROG ": the machine stopped without the firmware reporting a guest "
                             "power-off\n");
        return EXIT_INTERNAL;
    }
    if (!x.status_valid) return EXIT_OK;
    if (x.status < 0 || x.status > GUEST_STATUS_MAX) {
        fprintf(stderr, PROG ": guest exit status %" PRId64 " is outside 0..%d: exiting with %d\n",
                x.status, GUEST_STATUS_MAX, GUEST_STATUS_MAX);
        return GUEST_STATUS_MAX;
    }
    return (int)x.status;
}

/* How the run ended, as an exit status (with the message). */
static int run_status(const hv_system *s, cpu_exit why, uint64_t max_insns)
{
    ppc_cpu *cpu = machine_cpu(s->m);
    switch (why) {
    case CPU_EXIT_STOP: return guest_status(s);
    case CPU_EXIT_BUDGET: {
        char what[80];
        snprintf(what, sizeof(what), "--max-insns %" PRIu64 " spent before the guest powered off",
                 max_insns);
        report_stop(s, what, NULL);
        return EXIT_BUDGET;
    }
    case CPU_EXIT_CHECKSTOP:
        report_stop(s, "checkstop", cpu_exit_detail(cpu));
        return EXIT_CHECKSTOP;
    case CPU_EXIT_UNIMPLEMENTED:
        report_stop(s, "unimplemented", cpu_exit_detail(cpu));
        return EXIT_UNIMPLEMENTED;
    }
    return EXIT_INTERNAL;
}

/* The report files, created (as temporaries) before the run so that an unwritable one stops
 * it before it starts. */
enum { OUT_REPORT, OUT_FOLDED, OUT_PIPEVIEW, OUT_COUNT };
typedef struct run_outputs {
    report_file file[OUT_COUNT];
    const char *path[OUT_COUNT]; /* NULL: not asked for */
} run_outputs;

static void discard_outputs(run_outputs *o)
{
    for (unsigned i = 0; i < OUT_COUNT; i++)
        report_file_discard(&o->file[i]);
}

/* -1 or EXIT_NO_INPUT (nothing left behind). */
static int open_outputs(const run_options *opts, run_outputs *o)
{
    *o = (run_outputs){.path = {opts->report, opts->folded, opts->pipeview}};
    for (unsigned i = 0; i < OUT_COUNT; i++) {
        char err[512];
        if (!o->path[i] || report_file_open(&o->file[i], o->path[i], err, sizeof(err))) continue;
        fprintf(stderr, PROG ": %s\n", err);
        discard_outputs(o);
        return EXIT_NO_INPUT;
    }
    return -1;
}

/* Writes the JSON and folded reports and renames every report into place; false (with a
 * message, and nothing left behind) if one fails. */
static bool write_outputs(run_outputs *o, path_profiler *paths, const report_run *run,
                          pipeview *view)
{
    char err[512] = "";
    bool ok = true;
    if (o->path[OUT_REPORT])
        ok = report_write_json(o->file[OUT_REPORT].f, paths, run, err, sizeof(err));
    if (ok && o->path[OUT_FOLDED] && !report_write_folded(o->file[OUT_FOLDED].f, paths)) ok = false;
    if (ok && view && !pipeview_finish(view)) ok = false;
    for (unsigned i = 0; i < OUT_COUNT && ok; i++)
        if (o->path[i] && !report_file_commit(&o->file[i], err, sizeof(err))) ok = false;
    if (!ok) {
        fprintf(stderr, PROG ": cannot write the reports: %s\n", err[0] ? err : "write error");
        discard_outputs(o);
    }
    return ok;
}

static uint64_t model_cycle(void *ctx)
{
    return timing_cycles(ctx);
}

static void locate_in_system(void *ctx, uint64_t pc, uint64_t msr, char *buf, size_t len)
{
    hv_system_locate(ctx, pc, msr, buf, len);
}

/* Runs with the cycle model (when profile is not NULL), the path profiler and the pipeline log
 * attached, in that order: the model charges an instruction in its `after` hook, which the
 * others read.  Prints the path summary after the console output, then writes the reports. */
static int run_system(hv_system *s, const run_options *opts, const timing_profile *profile)
{
    ppc_cpu *cpu = machine_cpu(s->m);
    run_outputs outputs;
    int status = open_outputs(opts, &outputs);
    if (status >= 0) return status;

    observer_fanout fanout;
    fanout_init(&fanout);
    timing_model *model = profile ? timing_create(profile) : NULL;
    path_profiler *paths = paths_create(s->firmware_symbols, s->guest_symbols);
    pipeview *view = NULL;
    if (model && opts->pipeview)
        view = pipeview_create(outputs.file[OUT_PIPEVIEW].f,
                               &(pipeview_config){.model = model,
                                                  .limit = opts->pipeview_limit,
                                                  .locate = locate_in_system,
                                                  .locate_ctx = s});
    if (!paths || (profile && !model) || (opts->pipeview && !view)) {
        fprintf(stderr, PROG ": out of memory\n");
        status = EXIT_INTERNAL;
        goto out;
    }
    trace_writer *trace = NULL;
    if (opts->trace) {
        char err[512];
        trace = trace_open(opts->trace,
                           &(trace_config){.full = opts->trace_full,
                                           .firmware = s->firmware_symbols,
                                           .guest = s->guest_symbols,
                                           .cycle = model ? model_cycle : NULL,
                                           .cycle_ctx = model},
                           err, sizeof(err));
        if (!trace) {
            fprintf(stderr, PROG ": %s\n", err);
            status = EXIT_NO_INPUT;
            goto out;
        }
    }
    if (model) {
        fanout_add(&fanout, timing_observer(model));
        paths_set_timing(paths, model);
    }
    fanout_add(&fanout, paths_observer(paths));
    if (view) fanout_add(&fanout, pipeview_observer(view));
    if (trace) fanout_add(&fanout, trace_observer(trace));

    const uint64_t chunk = 1ull << 24;
    const uint64_t max_insns = opts->max_insns;
    cpu_exit why;
    do {
        uint64_t left = max_insns ? max_insns - cpu_get_insns(cpu) : chunk;
        why = cpu_run_observed(cpu, left < chunk ? left : chunk, fanout_observer(&fanout));
    } while (why == CPU_EXIT_BUDGET && (!max_insns || cpu_get_insns(cpu) < max_insns));
    paths_print_summary(paths, stdout);
    fflush(stdout);
    status = run_status(s, why, max_insns);
    if (trace_close(trace, cpu) != 0) status = EXIT_INTERNAL;
    if (model) {
        report_run run = {.model = model, .instructions = cpu_get_insns(cpu)};
        if (!write_outputs(&outputs, paths, &run, view)) status = EXIT_NO_INPUT;
    }
out:
    discard_outputs(&outputs);
    pipeview_destroy(view);
    paths_destroy(paths);
    timing_destroy(model);
    return status;
}

int cmd_run(int argc, char **argv)
{
    run_options opts;
    int status = parse_options(argc, argv, &opts);
    hv_system_config config = {
        .partition_size = opts.partition_size,
        .bootargs = opts.bootargs,
        .console = stdout,
    };
    uint8_t *guest_data = NULL, *firmware_data = NULL;
    timing_profile profile;
    if (status < 0 && opts.cpu) status = cli_load_cpu_profile(PROG, opts.cpu, &profile);
    if (status < 0)
        status =
            read_image(opts.guest, GUEST_FILE_MAX, embedded_seed_guest, &config.guest, &guest_data);
    if (status < 0)
        status = read_image(opts.firmware, FIRMWARE_FILE_MAX, embedded_firmware, &config.firmware,
                            &firmware_data);
    hv_system system = {0};
    if (status < 0) {
        char err[512];
        config.tod_seconds = boot_time_of_day();
        loader_error e = hv_system_create(&config, &system, err, sizeof(err));
        if (e) status = loader_failure(e, err);
    }
    if (status < 0) status = run_system(&system, &opts, opts.cpu ? &profile : NULL);
    if (system.m) hv_system_destroy(&system);
    free(guest_data);
    free(firmware_data);
    return status;
}
