/* Determinism (docs/robustness.md): the same firmware and guest images, booted twice as
 * `hcallsim run` boots them (tools/hcallsim/hv_system.c), give byte-identical console output,
 * path summary and instruction trace, and the same final machine state.  Guests that use the
 * clock (RTAS get-time-of-day, H_RANDOM, the decrementer) are included on purpose: time in
 * hcallsim is the cycle count, never the host's clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "hv_system.h"
#include "loader/loader.h"
#include "observe/fanout.h"
#include "observe/paths.h"
#include "observe/trace.h"
#include "platform/machine.h"

#ifndef DETERMINISM_GUEST_DIR
#error "DETERMINISM_GUEST_DIR and DETERMINISM_HV_ELF come from tests/integration/hostile.cmake"
#endif

#define BUDGET 400000000ull

typedef struct run_output {
    char *console, *summary, *trace;
    size_t console_len, summary_len, trace_len;
    uint64_t insns, cycles, nip, msr, gpr[32];
    cpu_exit why;
    hv_guest_exit exit;
    timing_counters model; /* RUN_MODEL_* */
    timing_insn_info model_last;
} run_output;

static uint8_t *read_whole(const char *path, size_t *size)
{
    uint8_t *data;
    char err[256];
    if (loader_read_file(path, 64ull << 20, &data, size, err, sizeof(err)) != LOADER_OK)
        fail_msg("%s", err);
    return data;
}

/* How run_once() runs the CPU: observed (paths, and the trace if asked), the plain loop, or
 * with the POWER8 cycle model: alone (its timed loop), followed by the paths and a trace (the
 * timed loop calls their hooks), or with them behind an observer that does nothing, so that the
 * fan-out has no loop of its own and the observed loop runs. */
typedef enum run_mode {
    RUN_OBSERVED,
    RUN_OBSERVED_TRACE,
    RUN_PLAIN,
    RUN_MODEL_TIMED,
    RUN_MODEL_FOLLOWED,
    RUN_MODEL_OBSERVED
} run_mode;

/* `model_trace`: the model's followed and observed runs write a trace too. */
static void run_once_traced(const char *guest, run_mode mode, bool model_trace, run_output *o)
{
    bool with_trace = mode == RUN_OBSERVED_TRACE ||
                      (model_trace && (mode == RUN_MODEL_FOLLOWED || mode == RUN_MODEL_OBSERVED));
    memset(o, 0, sizeof(*o));
    char guest_path[512];
    snprintf(guest_path, sizeof(guest_path), "%s/%s.elf", DETERMINISM_GUEST_DIR, guest);
    size_t fw_size, guest_size;
    uint8_t *fw = read_whole(DETERMINISM_HV_ELF, &fw_size);
    uint8_t *g = read_whole(guest_path, &guest_size);
    FILE *console = open_memstream(&o->console, &o->console_len);
    FILE *summary = open_memstream(&o->summary, &o->summary_len);
    assert_non_null(console);
    assert_non_null(summary);
    hv_system s;
    char err[512];
    hv_system_config c = {
        .firmware = {fw, fw_size, "hv.elf"},
        .guest = {g, guest_size, guest},
        .partition_size = 32ull << 20,
        .tod_seconds = 1700000000,
        .console = console,
    };
    if (hv_system_create(&c, &s, err, sizeof(err)) != LOADER_OK) fail_msg("%s", err);
    free(fw);
    free(g);

    observer_fanout fan;
    fanout_init(&fan);
    static const cpu_observer nothing = {0};
    if (mode == RUN_MODEL_OBSERVED) assert_true(fanout_add(&fan, &nothing));
    timing_model *model = NULL;
    if (mode >= RUN_MODEL_TIMED) {
        timing_profile profile;
        assert_true(timing_load_profile("power8", &profile, err, sizeof(err)));
        model = timing_create(&profile);
        assert_non_null(model);
        assert_true(fanout_add(&fan, timing_observer(model)));
    }
    path_profiler *paths = paths_create(s.firmware_symbols, s.guest_symbols);
    assert_non_null(paths);
    assert_true(fanout_add(&fan, paths_observer(paths)));
    char trace_path[] = "/tmp/hcallsim-determinism-XXXXXX";
    trace_writer *trace = NULL;
    if (with_trace) {
        int fd = mkstemp(trace_path);
        assert_true(fd >= 0);
        close(fd);
        trace = trace_open(
            trace_path, &(trace_config){.firmware = s.firmware_symbols, .guest = s.guest_symbols},
            err, sizeof(err));
        if (!trace) fail_msg("%s", err);
        assert_true(fanout_add(&fan, trace_observer(trace)));
    }
    ppc_cpu *cpu = machine_cpu(s.m);
    if (model) assert_int_equal(fan.self.run != NULL, mode != RUN_MODEL_OBSERVED);
    if (mode == RUN_PLAIN)
        o->why = cpu_run(cpu, BUDGET);
    else if (mode == RUN_MODEL_TIMED)
        o->why = cpu_run_observed(cpu, BUDGET, timing_observer(model));
    else
        o->why = cpu_run_observed(cpu, BUDGET, &fan.self);
    paths_print_summary(paths, summary);
    paths_destroy(paths);
    if (trace) {
        assert_int_equal(trace_close(trace, cpu), 0);
        FILE *f = fopen(trace_path, "rb");
        assert_non_null(f);
        FILE *copy = open_memstream(&o->trace, &o->trace_len);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
            fwrite(buf, 1, n, copy);
        fclose(f);
        fclose(copy);
        unlink(trace_path);
    }
    o->insns = cpu_get_insns(cpu);
    o->cycles = cpu_get_cycles(cpu);
    o->nip = cpu_get_nip(cpu);
    o->msr = cpu_get_msr(cpu);
    for (unsigned n = 0; n < 32; n++)
        o->gpr[n] = cpu_get_gpr(cpu, n);
    o->exit = hv_system_guest_exit(&s);
    if (model) {
        timing_read(model, &o->model);
        o->model_last = *timing_last_insn(model);
        timing_destroy(model);
    }
    hv_system_destroy(&s);
    fclose(console);
    fclose(summary);
}

static void run_once(const char *guest, run_mode mode, run_output *o)
{
    run_once_traced(guest, mode, false, o);
}

static void free_output(run_output *o)
{
    free(o->console);
    free(o->summary);
    free(o->trace);
}

static void assert_same_bytes(const char *what, const char *a, size_t alen, const char *b,
                              size_t blen)
{
    size_t i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    if (i != alen || i != blen)
        fail_msg("%s differs at byte %zu (lengths %zu and %zu)", what, i, alen, blen);
}

/* Both runs powered off the same way: same console, exit, instruction and cycle counts and final
 * registers. */
static void assert_same_machine_run(const run_output *a, const run_output *b)
{
    assert_int_equal(a->why, CPU_EXIT_STOP);
    assert_true(a->exit.powered_off);
    assert_same_bytes("console", a->console, a->console_len, b->console, b->console_len);
    assert_int_equal(a->why, b->why);
    assert_int_equal(a->insns, b->insns);
    assert_int_equal(a->cycles, b->cycles);
    assert_int_equal(a->nip, b->nip);
    assert_int_equal(a->msr, b->msr);
    assert_memory_equal(a->gpr, b->gpr, sizeof(a->gpr));
    assert_int_equal(a->exit.status, b->exit.status);
}

static void assert_deterministic(const char *guest, bool with_trace)
{
    run_output a, b;
    run_once(guest, with_trace ? RUN_OBSERVED_TRACE : RUN_OBSERVED, &a);
    run_once(guest, with_trace ? RUN_OBSERVED_TRACE : RUN_OBSERVED, &b);
    assert_true(a.console_len > 0 && a.summary_len > 0);
    assert_same_machine_run(&a, &b);
    assert_same_bytes("path summary", a.summary, a.summary_len, b.summary, b.summary_len);
    if (with_trace) {
        assert_true(a.trace_len > 0);
        assert_same_bytes("trace", a.trace, a.trace_len, b.trace, b.trace_len);
    }
    free_output(&a);
    free_output(&b);
}

/* The plain loop (threaded, hot functions inlined, blocks of fall-through slots, run.c) and the
 * observed loop (one instruction at a time through the table's execute functions) must agree:
 * same console, same instruction and cycle counts, same final state. */
static void assert_plain_matches_observed(const char *guest)
{
    run_output a, b;
    run_once(guest, RUN_OBSERVED, &a);
    run_once(guest, RUN_PLAIN, &b);
    assert_same_machine_run(&a, &b);
    free_output(&a);
    free_output(&b);
}

/* The guests the loops are compared on: every hcall, the seed demo, problem state, the trace
 * scenarios, and hostile guests that fault. */
static const char *const compared_guests[] = {
    "hcall_all",      "tce_demo",       "problem_sc",        "trace_scenarios",
    "hostile_hcalls", "hostile_access", "hostile_privileged"};
#define COMPARED_GUESTS (sizeof(compared_guests) / sizeof(compared_guests[0]))

static void test_plain_matches_observed(void **state)
{
    for (size_t i = 0; i < COMPARED_GUESTS; i++)
        assert_plain_matches_observed(compared_guests[i]);
}

/* The cycle model charged by its own timed loop (run_blocks.inc in timing.c), alone and with the
 * path profiler and a trace following it, and through the observed loop's hooks must agree on
 * every counter and on the last instruction's timing; the followers on every byte. */
static void test_timed_matches_observed(void **state)
{
    for (size_t i = 0; i < COMPARED_GUESTS; i++) {
        run_output a, b, c;
        /* the traces of the two smallest guests (the others' are large) */
        bool traced =
            !strcmp(compared_guests[i], "tce_demo") || !strcmp(compared_guests[i], "problem_sc");
        run_once_traced(compared_guests[i], RUN_MODEL_OBSERVED, traced, &a);
        run_once(compared_guests[i], RUN_MODEL_TIMED, &b);
        run_once_traced(compared_guests[i], RUN_MODEL_FOLLOWED, traced, &c);
        assert_same_machine_run(&a, &b);
        assert_same_machine_run(&a, &c);
        assert_true(a.model.cycles > a.insns / 2 && a.model.dcache_accesses > 0);
        assert_memory_equal(&a.model, &b.model, sizeof(a.model));
        assert_memory_equal(&a.model_last, &b.model_last, sizeof(a.model_last));
        assert_memory_equal(&a.model, &c.model, sizeof(a.model));
        assert_memory_equal(&a.model_last, &c.model_last, sizeof(a.model_last));
        assert_true(a.summary_len > 0 && (!traced || a.trace_len > 0));
        assert_same_bytes("path summary", a.summary, a.summary_len, c.summary, c.summary_len);
        assert_same_bytes("trace", a.trace, a.trace_len, c.trace, c.trace_len);
        free_output(&a);
        free_output(&b);
        free_output(&c);
    }
}

/* Every hcall, RTAS get-time-of-day, H_RANDOM, H_CEDE with the decrementer, a reflected
 * program interrupt: console and paths (the trace of this one is large: see the next test). */
static void test_hcall_all_twice(void **state)
{
    assert_deterministic("hcall_all", false);
}

/* The seed demo with the full trace compared byte for byte. */
static void test_tce_demo_trace_twice(void **state)
{
    assert_deterministic("tce_demo", true);
}

/* Hostile guests: the flood of console output and the hcall sweep. */
static void test_hostile_hcalls_trace_twice(void **state)
{
    assert_deterministic("hostile_hcalls", true);
}

static void test_hostile_flood_twice(void **state)
{
    assert_deterministic("hostile_flood", false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hcall_all_twice),
        cmocka_unit_test(test_tce_demo_trace_twice),
        cmocka_unit_test(test_hostile_hcalls_trace_twice),
        cmocka_unit_test(test_hostile_flood_twice),
        cmocka_unit_test(test_plain_matches_observed),
        cmocka_unit_test(test_timed_matches_observed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
