/* bench_run: one benchmark run on the powernv8 machine, timed from inside the process.
 *
 *   bench_run [--mem SIZE_MIB] [--max-insns N] [--trace FILE [--trace-full]] [--timing PROFILE]
 *             [--console] IMAGE [FILE@ADDR]...
 *
 * Loads IMAGE at physical 0 and each FILE at ADDR as `hcallsim bios` (and QEMU's -bios and
 * loader devices) do, runs until the image stops the machine through the BMC, and prints one
 * line of key=value figures: retired instructions, host seconds of the run loop alone (loading
 * excluded), guest MIPS and peak RSS.  With --trace every instruction goes to the trace writer;
 * with --timing the cycle model observes the run.  tools/bench runs it; it never judges the
 * figures.  Exit status: 0 the machine stopped, 1 it did not (budget, checkstop), 64 usage,
 * 65 bad input, 70 internal error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cpu/timing.h"
#include "loader/fdt.h"
#include "loader/raw_loader.h"
#include "observe/trace.h"
#include "platform/machine.h"

#define PROG      "bench_run"
#define RUN_SLICE (1ull << 26) /* instructions per cpu_run call */

typedef struct bench_options {
    uint64_t ram_size;
    uint64_t max_insns; /* 0: no limit */
    const char *trace;
    bool trace_full;
    const char *timing;
    bool console;
    const char *image;
    char **specs;
    int nspecs;
} bench_options;

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " [--mem MIB] [--max-insns N] [--trace FILE [--trace-full]]\n"
                    "                 [--timing PROFILE] [--console] IMAGE [FILE@ADDR]...\n");
    return 64;
}

static int parse(int argc, char **argv, bench_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "--mem") && has_value)
            o->ram_size = strtoull(argv[++i], NULL, 0) << 20;
        else if (!strcmp(a, "--max-insns") && has_value)
            o->max_insns = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--trace") && has_value)
            o->trace = argv[++i];
        else if (!strcmp(a, "--trace-full"))
            o->trace_full = true;
        else if (!strcmp(a, "--timing") && has_value)
            o->timing = argv[++i];
        else if (!strcmp(a, "--console"))
            o->console = true;
        else if (a[0] == '-')
            return usage();
        else if (!o->image)
            o->image = a;
        else
            o->specs[o->nspecs++] = argv[i];
    }
    return o->image ? -1 : usage();
}

/* A fresh machine with the images and the powernv8 device tree in RAM, in its reset state. */
static machine *make_machine(const bench_options *o)
{
    machine *m = machine_create(
        &(machine_config){.ram_size = o->ram_size, .console = o->console ? stdout : NULL});
    if (!m) {
        fprintf(stderr, PROG ": cannot create the machine\n");
        return NULL;
    }
    char err[512], spec[4096];
    snprintf(spec, sizeof(spec), "%s@0", o->image);
    for (int i = -1; i < o->nspecs; i++) {
        const char *s = i < 0 ? spec : o->specs[i];
        if (raw_load_spec(s, machine_ram(m), machine_ram_size(m), NULL, NULL, err, sizeof(err)) !=
            LOADER_OK) {
            fprintf(stderr, PROG ": %s\n", err);
            machine_destroy(m);
            return NULL;
        }
    }
    static uint8_t fdt[FDT_POWERNV8_MAX];
    if (fdt_build_powernv8(fdt, sizeof(fdt), machine_ram_size(m), MACHINE_BOOT_PIR) < 0) {
        fprintf(stderr, PROG ": cannot build the device tree\n");
        machine_destroy(m);
        return NULL;
    }
    uint32_t fdt_size =
        (uint32_t)fdt[4] << 24 | (uint32_t)fdt[5] << 16 | (uint32_t)fdt[6] << 8 | fdt[7];
    memcpy(machine_ram(m) + MACHINE_FDT_ADDR, fdt, fdt_size < sizeof(fdt) ? fdt_size : sizeof(fdt));
    machine_reset(m);
    return m;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs to the BMC stop (or the budget); returns how the last slice ended. */
static cpu_exit run(ppc_cpu *cpu, uint64_t max_insns, const cpu_observer *obs)
{
    cpu_exit why = CPU_EXIT_BUDGET;
    while (why == CPU_EXIT_BUDGET) {
        uint64_t done = cpu_get_insns(cpu);
        uint64_t slice = RUN_SLICE;
        if (max_insns) {
            if (done >= max_insns) break;
            if (max_insns - done < slice) slice = max_insns - done;
        }
        why = obs ? cpu_run_observed(cpu, slice, obs) : cpu_run(cpu, slice);
    }
    return why;
}

int main(int argc, char **argv)
{
    bench_options o = {.specs = calloc((size_t)argc, sizeof(char *))};
    if (!o.specs) return 70;
    int status = parse(argc, argv, &o);
    if (status >= 0) return status;
    machine *m = make_machine(&o);
    if (!m) return 65;
    ppc_cpu *cpu = machine_cpu(m);

    char err[512];
    trace_writer *tw = NULL;
    timing_model *tm = NULL;
    const cpu_observer *obs = NULL;
    if (o.trace) {
        tw = trace_open(o.trace, &(trace_config){.full = o.trace_full}, err, sizeof(err));
        if (!tw) {
            fprintf(stderr, PROG ": %s\n", err);
            return 65;
        }
        obs = trace_observer(tw);
    } else if (o.timing) {
        timing_profile profile;
        if (!timing_load_profile(o.timing, &profile, err, sizeof(err))) {
            fprintf(stderr, PROG ": %s\n", err);
            return 65;
        }
        tm = timing_create(&profile);
        if (!tm) return 70;
        obs = timing_observer(tm);
    }

    double start = now_seconds();
    cpu_exit why = run(cpu, o.max_insns, obs);
    double seconds = now_seconds() - start;
    uint64_t insns = cpu_get_insns(cpu);
    if (tw && trace_close(tw, cpu) != 0) fprintf(stderr, PROG ": writing the trace failed\n");

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("insns=%" PRIu64 " seconds=%.6f mips=%.2f peak_rss_kib=%ld stopped=%d", insns, seconds,
           seconds > 0 ? (double)insns / seconds / 1e6 : 0.0, ru.ru_maxrss, why == CPU_EXIT_STOP);
    if (tm) printf(" model_cycles=%" PRIu64, timing_cycles(tm));
    printf("\n");
    timing_destroy(tm);
    machine_destroy(m);
    free(o.specs);
    return why == CPU_EXIT_STOP ? 0 : 1;
}
