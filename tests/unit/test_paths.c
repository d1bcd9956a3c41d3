/* The path profiler on the real firmware and guests: hv.elf, bootparams.bin, a guest ELF and
 * guest.dtb on the powernv8 machine, run to power-off with the profiler attached.
 *
 * Expected instruction counts are not what a run printed: each is computed from the firmware
 * image itself (straight-line spans between the symbols and the branches that leave them) and
 * checked against the seed's numbers in shared/reference/kvm-hcall-path.md (vector 0xc00 9 + 8,
 * kvmppc_interrupt 54, hcall_try_real_mode 15 + 7, fast_guest_return 27).
 *
 * With the cycle model attached (the last tests): cycles per segment add up, a separate probe that
 * reads the model at the sc 1 and at the hrfid agrees with the profiler, the three profiles give
 * different figures, and the reports (JSON parsed with cJSON, folded stacks, Kanata log) are
 * consistent with the profiler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "hv/layout.h"
#include "hv-offsets.h"

#include "cpu/cpu.h"
#include "loader/elf_loader.h"
#include "loader/raw_loader.h"
#include "loader/symtab.h"
#include "observe/fanout.h"
#include "observe/paths.h"
#include "observe/report.h"
#include "platform/machine.h"

#if !defined(HV_ELF_PATH) || !defined(GUEST_DIR) || !defined(GUEST_DTB_PATH) ||                    \
    !defined(GUEST_BOOTPARAMS_PATH)
#error "the image paths come from tests/integration/paths.cmake"
#endif

#define RAM_SIZE   (64ull << 20)
#define FW_MASK    0x0fffffffffffffffull /* hypervisor real mode ignores EA bits 0:3 */
#define RUN_BUDGET 100000000ull          /* hcall_all needs about 1.5 million */

/* The seed's counts (kvm-hcall-path.md 5.1-5.4) */
#define SEED_SYSCALL_PSERIES 9
#define SEED_DO_KVM          8
#define SEED_KVM_INTERRUPT   54
#define SEED_TRY_BEFORE_CALL 15
#define SEED_TRY_AFTER_CALL  7
#define SEED_FAST_RETURN     27

/* Reads the model at the sc 1 of every H_PUT_TCE and after the instruction that returns to the
 * guest: the round trip the profiler splits into entry + segments, measured independently. */
typedef struct round_trip_probe {
    cpu_observer observer;
    const timing_model *model;
    bool from_guest, open;
    uint64_t start, cycles, count;
} round_trip_probe;

typedef struct guest_run {
    machine *m;
    symtab *fw, *guest;
    timing_model *model; /* NULL: no cycle model */
    path_profiler *paths;
    char *console;
    size_t console_len;
    uint64_t rmor; /* the partition's base, from the boot block */
    cpu_exit why;
} guest_run;

static uint64_t peek64(const guest_run *r, uint64_t pa)
{
    const uint8_t *p = machine_ram(r->m) + pa;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t peek32(const guest_run *r, uint64_t pa)
{
    const uint8_t *p = machine_ram(r->m) + (pa & FW_MASK);
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t fw_symbol(const guest_run *r, const char *name)
{
    const symbol *s = symtab_find(r->fw, name);
    if (!s) fail_msg("hv.elf has no symbol %s", name);
    return s->addr & FW_MASK;
}

static void load_raw(guest_run *r, const char *path, uint64_t addr)
{
    char err[512];
    if (raw_load_file(path, addr, machine_ram(r->m), RAM_SIZE, NULL, err, sizeof(err)))
        fail_msg("%s", err);
}

/* Boots hv.elf with GUEST_DIR/<name>.elf to power-off (or the budget) under the profiler, after
 * the cycle model when profile is not NULL, then the probe and the pipeline log if given. */
static guest_run *run_guest_with(const char *name, const char *profile, round_trip_probe *probe,
                                 FILE *kanata, uint64_t kanata_limit)
{
    guest_run *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    FILE *console = open_memstream(&r->console, &r->console_len);
    assert_non_null(console);
    r->m = machine_create(&(machine_config){.ram_size = RAM_SIZE, .console = console});
    assert_non_null(r->m);
    r->fw = symtab_new("firmware", FW_MASK);
    r->guest = symtab_new("guest", UINT64_MAX);
    assert_non_null(r->fw);
    assert_non_null(r->guest);

    char err[512];
    elf_load_params p;
    elf_load_result res;
    elf_load_params_init(&p, machine_ram(r->m), RAM_SIZE);
    p.addr_mask = FW_MASK;
    p.symbols = r->fw;
    if (elf_load_file(HV_ELF_PATH, &p, &res, err, sizeof(err))) fail_msg("%s", err);

    /* the boot block says where the partition and its FDT are */
    load_raw(r, GUEST_BOOTPARAMS_PATH, HV_BOOTPARAMS_PHYS);
    r->rmor = peek64(r, HV_BOOTPARAMS_PHYS + BP_RMOR);
    uint64_t rma_size = peek64(r, HV_BOOTPARAMS_PHYS + BP_RMA_SIZE);
    load_raw(r, GUEST_DTB_PATH, r->rmor + peek64(r, HV_BOOTPARAMS_PHYS + BP_GUEST_FDT));

    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.elf", GUEST_DIR, name);
    elf_load_params_init(&p, machine_ram(r->m), RAM_SIZE);
    p.window_base = r->rmor;
    p.window_size = rma_size;
    p.window_name = "partition";
    p.symbols = r->guest;
    if (elf_load_file(path, &p, &res, err, sizeof(err))) fail_msg("%s", err);

    r->paths = paths_create(r->fw, r->guest);
    assert_non_null(r->paths);
    observer_fanout fan;
    fanout_init(&fan);
    if (profile) {
        timing_profile prof;
        assert_true(timing_load_profile(profile, &prof, err, sizeof(err)));
        r->model = timing_create(&prof);
        assert_non_null(r->model);
        fanout_add(&fan, timing_observer(r->model));
        paths_set_timing(r->paths, r->model);
    }
    fanout_add(&fan, paths_observer(r->paths));
    if (probe) {
        probe->model = r->model;
        fanout_add(&fan, &probe->observer);
    }
    pipeview *view = NULL;
    if (kanata) {
        view =
            pipeview_create(kanata, &(pipeview_config){.model = r->model, .limit = kanata_limit});
        assert_non_null(view);
        fanout_add(&fan, pipeview_observer(view));
    }
    machine_reset(r->m);
    ppc_cpu *cpu = machine_cpu(r->m);
    do
        r->why = cpu_run_observed(cpu, 1u << 20, &fan.self);
    while (r->why == CPU_EXIT_BUDGET && cpu_get_insns(cpu) < RUN_BUDGET);
    paths_finish(r->paths);
    if (view) {
        assert_true(pipeview_finish(view));
        pipeview_destroy(view);
    }
    fclose(console);
    return r;
}

static guest_run *run_guest(const char *name)
{
    return run_guest_with(name, NULL, NULL, NULL, 0);
}

static void free_run(guest_run *r)
{
    paths_destroy(r->paths);
    timing_destroy(r->model);
    symtab_free(r->fw);
    symtab_free(r->guest);
    machine_destroy(r->m);
    free(r->console);
    free(r);
}

/* The guest powered off with status 0 (firmware's own account and the console agree). */
static void assert_clean_exit(const guest_run *r)
{
    if (r->why != CPU_EXIT_STOP)
        fail_msg("run did not stop (%d); console:\n%s", r->why, r->console);
    uint64_t flags = peek64(r, HV_BOOTPARAMS_PHYS + BP_EXIT_FLAGS);
    assert_true(flags & HV_EXIT_POWERED_OFF);
    assert_true(flags & HV_EXIT_STATUS_VALID);
    if (peek64(r, HV_BOOTPARAMS_PHYS + BP_EXIT_STATUS) != 0)
        fail_msg("guest failed; console:\n%s", r->console);
}

/* ---- Expected counts, computed from the image ------------------------------------------------ */

static bool is_branch(uint32_t w)
{
    unsigned op = w >> 26, xo = (w >> 1) & 0x3ff;
    return op == 16 || op == 18 || (op == 19 && (xo == 16 || xo == 528 || xo == 18 || xo == 274));
}

/* Target of a relative b/bc at pc; ~0 for anything else. */
static uint64_t branch_target(uint32_t w, uint64_t pc)
{
    if (w & 2) return ~0ull; /* absolute */
    if (w >> 26 == 18) return pc + (uint64_t)(((int64_t)(w & 0x03fffffc) << 38) >> 38);
    if (w >> 26 == 16) return pc + (uint64_t)(((int64_t)(w & 0xfffc) << 48) >> 48);
    return ~0ull;
}

/* Instructions from start through the first branch (inclusive). */
static unsigned count_through_first_branch(const guest_run *r, uint64_t start)
{
    unsigned n = 1;
    for (uint64_t pc = start; !is_branch(peek32(r, pc)); pc += 4)
        assert_true(++n < 1000);
    return n;
}

/* Instructions from start through the nth branch to target (inclusive), every earlier branch
 * falling through. */
static unsigned count_through_branch_to(const guest_run *r, uint64_t start, uint64_t target,
                                        unsigned nth)
{
    unsigned n = 0;
    for (uint64_t pc = start;; pc += 4) {
        n++;
        uint32_t w = peek32(r, pc);
        assert_true(n < 1000);
        if (branch_target(w, pc) == target && --nth == 0) return n;
    }
}

/* Instructions from start through the first word equal to word. */
static unsigned count_through_word(const guest_run *r, uint64_t start, uint32_t word)
{
    unsigned n = 1;
    for (uint64_t pc = start; peek32(r, pc) != word; pc += 4)
        assert_true(++n < 1000);
    return n;
}

/* kvmppc_interrupt for trap 0xc00: the span up to `beq hcall_try_real_mode`, minus what its
 * forward branches inside the span skip (the HSRR, HEIR and HDEC special cases: each is taken
 * for a system call). */
static unsigned kvmppc_interrupt_sc_count(const guest_run *r)
{
    uint64_t start = fw_symbol(r, "kvmppc_interrupt");
    uint64_t end =
        start + 4 * (count_through_branch_to(r, start, fw_symbol(r, "hcall_try_real_mode"), 1) - 1);
    unsigned n = (unsigned)((end - start) / 4 + 1);
    for (uint64_t pc = start; pc < end; pc += 4) {
        uint64_t t = branch_target(peek32(r, pc), pc);
        if (t > pc && t <= end) n -= (unsigned)((t - pc) / 4 - 1);
    }
    return n;
}

#define BCTRL 0x4e800421u
#define HRFID 0x4c000224u

typedef struct expected_segment {
    const char *name;
    unsigned insns; /* 0: not checked (compiled C) */
} expected_segment;

/* The full exit after guest_exit_cont is reached: save, call the host side (C), come back,
 * reload the vcpu and return to the guest. */
#define HOST_SIDE_SEGMENTS 6
static void host_side_segments(const guest_run *r, expected_segment *out)
{
    uint64_t exit_cont = fw_symbol(r, "guest_exit_cont");
    uint64_t entry = fw_symbol(r, "kvmppc_hv_entry");
    uint64_t reentry = fw_symbol(r, "kvmppc_cede_reentry");
    unsigned to_call = count_through_first_branch(r, exit_cont); /* bl kvmppc_handle_exit_hv */
    out[0] = (expected_segment){"guest_exit_cont", to_call};
    out[1] = (expected_segment){"kvmppc_handle_exit_hv", 0};
    out[2] =
        (expected_segment){"guest_exit_cont", (unsigned)((entry - (exit_cont + 4 * to_call)) / 4)};
    out[3] = (expected_segment){"kvmppc_hv_entry", (unsigned)((reentry - entry) / 4)};
    out[4] = (expected_segment){"kvmppc_cede_reentry", count_through_first_branch(r, reentry)};
    out[5] = (expected_segment){"fast_guest_return", SEED_FAST_RETURN};
}

/* ---- Looking up kinds ---------------------------------------------------------------------- */

/* The first kind for hcall with this outcome; -1 if none. */
static long find_kind(const path_profiler *p, uint64_t hcall, path_outcome outcome)
{
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        path_kind_info k;
        assert_true(paths_get_kind(p, i, &k));
        if (k.start == PATH_START_HCALL && k.hcall == hcall && k.outcome == outcome) return (long)i;
    }
    return -1;
}

static long find_interrupt_kind(const path_profiler *p, unsigned vector)
{
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        path_kind_info k;
        assert_true(paths_get_kind(p, i, &k));
        if (k.start == PATH_START_INTERRUPT && k.vector == vector) return (long)i;
    }
    return -1;
}

static void assert_segments(const guest_run *r, long kind, const expected_segment *want, size_t n)
{
    path_kind_info k;
    assert_true(kind >= 0);
    assert_true(paths_get_kind(r->paths, (size_t)kind, &k));
    if (k.segment_count != n) {
        paths_print_summary(r->paths, stderr);
        fail_msg("%s: %zu segments, expected %zu", k.label, k.segment_count, n);
    }
    uint64_t sum = 0;
    for (size_t j = 0; j < n; j++) {
        path_segment_info s;
        assert_true(paths_get_segment(r->paths, (size_t)kind, j, &s));
        if (strcmp(s.name, want[j].name) != 0)
            fail_msg("%s: segment %zu is %s, expected %s", k.label, j, s.name, want[j].name);
        if (want[j].insns && s.insns.median != want[j].insns)
            fail_msg("%s: %s has %llu instructions, expected %u", k.label, s.name,
                     (unsigned long long)s.insns.median, want[j].insns);
        /* every occurrence of one kind runs the same asm */
        if (want[j].insns) assert_int_equal(s.insns.min, s.insns.max);
        assert_true(s.insns.median > 0);
        /* one cycle per instruction until the cycle model exists */
        assert_int_equal(s.cycles.total, s.insns.total);
        sum += s.insns.total;
    }
    assert_int_equal(sum, k.insns.total);
}

/* Σ count over kinds whose segments include name. */
static uint64_t paths_through(const path_profiler *p, const char *name)
{
    uint64_t n = 0;
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        path_kind_info k;
        paths_get_kind(p, i, &k);
        for (size_t j = 0; j < k.segment_count; j++) {
            path_segment_info s;
            paths_get_segment(p, i, j, &s);
            if (strcmp(s.name, name) == 0) {
                n += k.count;
                break;
            }
        }
    }
    return n;
}

static uint64_t console_number(const guest_run *r, const char *prefix)
{
    const char *at = strstr(r->console, prefix);
    if (!at) fail_msg("no '%s' on the console:\n%s", prefix, r->console);
    return strtoull(at + strlen(prefix), NULL, 10);
}

/* ---- Tests ------------------------------------------------------------------------------------
 */

/* The seed's own numbers, computed from our firmware's asm: our firmware follows the seed. */
static void test_firmware_follows_seed_counts(void **state)
{
    guest_run *r = run_guest("tce_demo");
    assert_int_equal(count_through_first_branch(r, fw_symbol(r, "system_call_pSeries")),
                     SEED_SYSCALL_PSERIES);
    assert_int_equal(count_through_first_branch(r, fw_symbol(r, "do_kvm_0xc00")), SEED_DO_KVM);
    assert_int_equal(kvmppc_interrupt_sc_count(r), SEED_KVM_INTERRUPT);
    uint64_t try_real = fw_symbol(r, "hcall_try_real_mode");
    unsigned before = count_through_word(r, try_real, BCTRL);
    assert_int_equal(before, SEED_TRY_BEFORE_CALL);
    assert_int_equal(
        count_through_branch_to(r, try_real + 4 * before, fw_symbol(r, "fast_guest_return"), 1),
        SEED_TRY_AFTER_CALL);
    assert_int_equal(count_through_word(r, fw_symbol(r, "fast_guest_return"), HRFID),
                     SEED_FAST_RETURN);
    free_run(r);
}

/* tce_demo: the seed's H_PUT_TCE is a real-mode fast path through exactly the seed's chain. */
static void test_tce_demo_put_tce_fast_path(void **state)
{
    guest_run *r = run_guest("tce_demo");
    assert_clean_exit(r);
    assert_non_null(strstr(r->console, "rc=0 (H_SUCCESS)"));

    long i = find_kind(r->paths, H_PUT_TCE, PATH_REAL_MODE);
    if (i < 0) {
        paths_print_summary(r->paths, stderr);
        fail_msg("no H_PUT_TCE real-mode path");
    }
    path_kind_info k;
    assert_true(paths_get_kind(r->paths, (size_t)i, &k));
    assert_int_equal(k.count, 1);
    assert_true(k.returned);
    assert_int_equal(k.resumed_at, 0);
    assert_int_equal(k.vector, 0xc00);
    assert_string_equal(k.hcall_name, "H_PUT_TCE");
    assert_string_equal(k.handler, "kvmppc_h_put_tce");
    assert_string_equal(k.label, "H_PUT_TCE (0x20) real-mode fast path");
    /* the seed's guest wrapper issued it */
    assert_true(strncmp(k.first_guest_symbol, "plpar_hcall_norets+", 19) == 0);
    assert_int_equal(peek32(r, r->rmor + k.first_guest_pc), 0x44000022u);
    assert_int_equal(k.entry_cycles.median, 1);

    uint64_t try_real = fw_symbol(r, "hcall_try_real_mode");
    unsigned before = count_through_word(r, try_real, BCTRL);
    const expected_segment want[] = {
        {"system_call_pSeries", count_through_first_branch(r, fw_symbol(r, "system_call_pSeries"))},
        {"do_kvm_0xc00", count_through_first_branch(r, fw_symbol(r, "do_kvm_0xc00"))},
        {"kvmppc_interrupt", kvmppc_interrupt_sc_count(r)},
        {"hcall_try_real_mode", before},
        {"kvmppc_h_put_tce", 0},
        {"hcall_try_real_mode",
         count_through_branch_to(r, try_real + 4 * before, fw_symbol(r, "fast_guest_return"), 1)},
        {"fast_guest_return", count_through_word(r, fw_symbol(r, "fast_guest_return"), HRFID)},
    };
    assert_segments(r, i, want, sizeof(want) / sizeof(want[0]));

    /* every full exit the firmware counted is a path through guest_exit_cont */
    assert_int_equal(paths_through(r->paths, "guest_exit_cont"),
                     console_number(r, "power-off: exits "));
    free_run(r);
}

/* hcall_all: every outcome the real-mode dispatch can have, classified from what ran. */
static void test_hcall_all_outcomes(void **state)
{
    guest_run *r = run_guest("hcall_all");
    assert_clean_exit(r);
    const path_profiler *p = r->paths;
    uint64_t try_real = fw_symbol(r, "hcall_try_real_mode");
    uint64_t exit_cont = fw_symbol(r, "guest_exit_cont");
    expected_segment want[7 + HOST_SIDE_SEGMENTS] = {
        {"system_call_pSeries", SEED_SYSCALL_PSERIES},
        {"do_kvm_0xc00", SEED_DO_KVM},
        {"kvmppc_interrupt", SEED_KVM_INTERRUPT},
    };

    /* fast path */
    long fast = find_kind(p, H_PUT_TCE, PATH_REAL_MODE);
    want[3] = (expected_segment){"hcall_try_real_mode", SEED_TRY_BEFORE_CALL};
    want[4] = (expected_segment){"kvmppc_h_put_tce", 0};
    want[5] = (expected_segment){"hcall_try_real_mode", SEED_TRY_AFTER_CALL};
    want[6] = (expected_segment){"fast_guest_return", SEED_FAST_RETURN};
    assert_segments(r, fast, want, 7);

    /* H_TOO_HARD fallback: unknown liobn, the handler returns 9999 */
    long too_hard = find_kind(p, H_PUT_TCE, PATH_TOO_HARD);
    want[5] = (expected_segment){"hcall_try_real_mode",
                                 count_through_branch_to(r, try_real + 4 * SEED_TRY_BEFORE_CALL,
                                                         fw_symbol(r, "hcall_real_fallback"), 1)};
    want[6] = (expected_segment){
        "hcall_real_fallback",
        count_through_branch_to(r, fw_symbol(r, "hcall_real_fallback"), exit_cont, 1)};
    host_side_segments(r, &want[7]);
    assert_segments(r, too_hard, want, 7 + HOST_SIDE_SEGMENTS);

    /* table miss past the end (0x2000): no table load; hcall_try_real_mode leaves at its 2nd
     * branch to guest_exit_cont (bge), after the MSR[PR] check falls through */
    long past_end = find_kind(p, 0x2000, PATH_TABLE_END);
    want[3] = (expected_segment){"hcall_try_real_mode",
                                 count_through_branch_to(r, try_real, exit_cont, 2)};
    host_side_segments(r, &want[4]);
    assert_segments(r, past_end, want, 4 + HOST_SIDE_SEGMENTS);

    /* zero table entry (H_GET_TCE has no real-mode handler in 3.10): the entry was loaded */
    long zero = find_kind(p, H_GET_TCE, PATH_TABLE_ZERO);
    want[3] = (expected_segment){"hcall_try_real_mode",
                                 count_through_branch_to(r, try_real, exit_cont, 3)};
    assert_segments(r, zero, want, 4 + HOST_SIDE_SEGMENTS);
    assert_true(find_kind(p, H_GET_TCE, PATH_TABLE_END) < 0);

    /* H_CEDE: the handler leaves for the host itself; the host idles and reflects the
     * decrementer, so the guest resumes at its 0x900 */
    long cede = find_kind(p, H_CEDE, PATH_HANDLER_EXIT);
    assert_true(cede >= 0);
    path_kind_info k;
    paths_get_kind(p, (size_t)cede, &k);
    assert_string_equal(k.handler, "kvmppc_h_cede");
    assert_int_equal(k.resumed_at, 0x900);

    /* the illegal instruction: 0xe40 exit, reflected as a program interrupt (0x700) */
    long hea = find_interrupt_kind(p, 0xe40);
    assert_true(hea >= 0);
    paths_get_kind(p, (size_t)hea, &k);
    assert_int_equal(k.outcome, PATH_INTERRUPT);
    assert_int_equal(k.resumed_at, 0x700);
    path_segment_info s;
    assert_true(paths_get_segment(p, (size_t)hea, 0, &s));
    assert_string_equal(s.name, "vector_0xe40");
    assert_int_equal(s.insns.median, 1); /* b emulation_assist_hv */
    assert_true(paths_get_segment(p, (size_t)hea, 1, &s));
    assert_string_equal(s.name, "emulation_assist_hv");

    /* the firmware's own counts: full exits and reflections */
    assert_int_equal(paths_through(p, "guest_exit_cont"), console_number(r, "power-off: exits "));
    uint64_t reflected = 0;
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        paths_get_kind(p, i, &k);
        if (k.resumed_at) reflected += k.count;
    }
    assert_int_equal(reflected, console_number(r, ", reflected "));

    /* the power-off call never returns to the guest */
    long rtas = find_kind(p, H_RTAS, PATH_TABLE_END);
    assert_true(rtas >= 0);
    bool unfinished = false;
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        paths_get_kind(p, i, &k);
        if (!k.returned) {
            assert_false(unfinished); /* only the last one */
            assert_int_equal(k.hcall, H_RTAS);
            unfinished = true;
        }
    }
    assert_true(unfinished);
    free_run(r);
}

/* problem_sc: an sc 1 from guest problem state takes the full exit after the MSR[PR] check
 * (the first branch to guest_exit_cont) and the host reflects it to the guest's 0xc00. */
static void test_problem_state_reflection(void **state)
{
    guest_run *r = run_guest("problem_sc");
    assert_clean_exit(r);
    long i = -1;
    for (size_t j = 0; j < paths_kind_count(r->paths); j++) {
        path_kind_info k;
        paths_get_kind(r->paths, j, &k);
        if (k.outcome == PATH_PROBLEM_STATE) {
            assert_true(i < 0); /* one kind: the guest issues it once */
            i = (long)j;
            assert_int_equal(k.count, 1);
            assert_int_equal(k.resumed_at, 0xc00);
            assert_null(k.handler);
            assert_string_equal(k.vector_name, "SYSCALL");
        }
    }
    expected_segment want[4 + HOST_SIDE_SEGMENTS] = {
        {"system_call_pSeries", SEED_SYSCALL_PSERIES},
        {"do_kvm_0xc00", SEED_DO_KVM},
        {"kvmppc_interrupt", SEED_KVM_INTERRUPT},
        {"hcall_try_real_mode", count_through_branch_to(r, fw_symbol(r, "hcall_try_real_mode"),
                                                        fw_symbol(r, "guest_exit_cont"), 1)},
    };
    host_side_segments(r, &want[4]);
    assert_segments(r, i, want, 4 + HOST_SIDE_SEGMENTS);
    assert_int_equal(console_number(r, ", reflected "), 1);
    free_run(r);
}

/* The summary prints each kind with its segments and total. */
static void test_summary_format(void **state)
{
    guest_run *r = run_guest("tce_demo");
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    paths_print_summary(r->paths, out);
    fclose(out);
    const char *at = strstr(text, "\n  H_PUT_TCE (0x20) real-mode fast path   x1\n"
                                  "    system_call_pSeries        9\n"
                                  "    do_kvm_0xc00               8\n"
                                  "    kvmppc_interrupt          54\n"
                                  "    hcall_try_real_mode       15\n"
                                  "    kvmppc_h_put_tce     ");
    if (!at) fail_msg("summary:\n%s", text);
    assert_non_null(strstr(at, "    hcall_try_real_mode        7\n"
                               "    fast_guest_return         27\n"
                               "    total                "));
    free(text);
    free_run(r);
}

/* ---- With the cycle model -------------------------------------------------------------------- */

static void probe_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    round_trip_probe *p = ctx;
    p->from_guest = !(cpu_get_msr(cpu) & MSR_HV);
}

static void probe_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    round_trip_probe *p = ctx;
    /* the model has not charged the sc yet: this reading is before it */
    if (!p->open && p->from_guest && vector == 0xc00 && (cpu_get_msr(cpu) & MSR_HV) &&
        cpu_get_gpr(cpu, 3) == H_PUT_TCE) {
        p->open = true;
        p->start = timing_cycles(p->model);
    }
}

static void probe_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    round_trip_probe *p = ctx;
    if (p->open && !p->from_guest && !(cpu_get_msr(cpu) & MSR_HV)) {
        p->cycles += timing_cycles(p->model) - p->start;
        p->count++;
        p->open = false;
    }
}

static round_trip_probe new_probe(void)
{
    round_trip_probe p = {0};
    p.observer = (cpu_observer){
        .ctx = NULL, .before = probe_before, .after = probe_after, .interrupt = probe_interrupt};
    return p;
}

static uint64_t stall_sum(const uint64_t *stall)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        sum += stall[r];
    return sum;
}

/* Segments add up to their path, stalls to no more than the cycles, for every kind. */
static void assert_cycle_books(const path_profiler *p)
{
    for (size_t i = 0; i < paths_kind_count(p); i++) {
        path_kind_info k;
        assert_true(paths_get_kind(p, i, &k));
        uint64_t cycles = 0, stall[TIMING_STALL__COUNT] = {0};
        for (size_t j = 0; j < k.segment_count; j++) {
            path_segment_info s;
            assert_true(paths_get_segment(p, i, j, &s));
            cycles += s.cycles.total;
            for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
                stall[r] += s.stall[r];
            if (stall_sum(s.stall) > s.cycles.total)
                fail_msg("%s: %s stalls exceed its cycles", k.label, s.name);
            assert_true(s.cycles.min <= s.cycles.median && s.cycles.median <= s.cycles.max);
        }
        assert_int_equal(cycles, k.cycles.total);
        assert_memory_equal(stall, k.stall, sizeof(stall));
        assert_true(stall_sum(k.stall) <= k.cycles.total);
        assert_true(stall_sum(k.entry_stall) <= k.entry_cycles.total);
    }
}

static long put_tce_fast_path(const guest_run *r)
{
    long i = find_kind(r->paths, H_PUT_TCE, PATH_REAL_MODE);
    if (i < 0) {
        paths_print_summary(r->paths, stderr);
        fail_msg("no H_PUT_TCE real-mode path");
    }
    return i;
}

/* tce_demo on POWER8: the profiler's entry + segments are the model's cycles from the sc 1 to the
 * hrfid, measured by a separate probe; the context synchronisations land where they happen. */
static void test_model_cycles_per_segment(void **state)
{
    round_trip_probe probe = new_probe();
    probe.observer.ctx = &probe;
    guest_run *r = run_guest_with("tce_demo", "power8", &probe, NULL, 0);
    assert_clean_exit(r);
    assert_ptr_equal(paths_get_timing(r->paths), r->model);
    assert_cycle_books(r->paths);

    path_kind_info k;
    assert_true(paths_get_kind(r->paths, (size_t)put_tce_fast_path(r), &k));
    assert_int_equal(probe.count, 1);
    assert_int_equal(k.entry_cycles.total + k.cycles.total, probe.cycles);

    const timing_profile *prof = timing_get_profile(r->model);
    /* the sc 1 costs its context synchronisation (and any drain before it) */
    assert_true(k.entry_stall[TIMING_STALL_CONTEXT_SYNC] >= prof->ctxsync[TIMING_CTXSYNC_SC]);
    assert_true(k.cycles.total != k.insns.total);
    size_t last = k.segment_count - 1;
    path_segment_info s;
    assert_true(paths_get_segment(r->paths, (size_t)put_tce_fast_path(r), last, &s));
    assert_string_equal(s.name, "fast_guest_return");
    assert_true(s.stall[TIMING_STALL_CONTEXT_SYNC] >= prof->ctxsync[TIMING_CTXSYNC_HRFID]);

    /* every path's cycles are part of the run's */
    timing_counters c;
    timing_read(r->model, &c);
    uint64_t in_paths = 0;
    for (size_t i = 0; i < paths_kind_count(r->paths); i++) {
        assert_true(paths_get_kind(r->paths, i, &k));
        in_paths += k.cycles.total + k.entry_cycles.total;
    }
    assert_true(in_paths > 0 && in_paths <= c.cycles);
    free_run(r);
}

static uint64_t put_tce_cycles(const char *profile, uint64_t *insns)
{
    guest_run *r = run_guest_with("tce_demo", profile, NULL, NULL, 0);
    assert_clean_exit(r);
    path_kind_info k;
    assert_true(paths_get_kind(r->paths, (size_t)put_tce_fast_path(r), &k));
    *insns = k.insns.total;
    uint64_t cycles = k.cycles.total;
    free_run(r);
    return cycles;
}

/* Same instructions, different cores: POWER9's longer ALU, load and SPR latencies and its
 * serialising mtspr make the path slowest (docs/cycle-model.md). */
static void test_profiles_give_different_cycles(void **state)
{
    uint64_t i7, i8, i9;
    uint64_t p7 = put_tce_cycles("power7", &i7), p8 = put_tce_cycles("power8", &i8),
             p9 = put_tce_cycles("power9", &i9);
    assert_int_equal(i7, i8);
    assert_int_equal(i8, i9);
    if (p7 == p8 || p8 == p9 || p7 == p9)
        fail_msg("power7 %llu, power8 %llu, power9 %llu", (unsigned long long)p7,
                 (unsigned long long)p8, (unsigned long long)p9);
    assert_true(p9 > p8);
}

static uint64_t json_uint(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(item)) fail_msg("no number '%s'", key);
    return (uint64_t)item->valuedouble;
}

static const cJSON *json_get(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!item) fail_msg("no key '%s'", key);
    return item;
}

/* instructions/cycles stats, CPI and stall reasons of a path or segment; returns cycles.total */
static uint64_t check_json_costs(const cJSON *o)
{
    static const char *const stats[] = {"instructions", "cycles"};
    for (unsigned i = 0; i < 2; i++) {
        const cJSON *st = json_get(o, stats[i]);
        assert_true(json_uint(st, "min") <= json_uint(st, "median"));
        assert_true(json_uint(st, "median") <= json_uint(st, "max"));
        assert_true(json_uint(st, "max") <= json_uint(st, "total"));
    }
    uint64_t cycles = json_uint(json_get(o, "cycles"), "total");
    uint64_t insns = json_uint(json_get(o, "instructions"), "total");
    double cpi = json_get(o, "cpi")->valuedouble;
    assert_true(insns > 0);
    assert_true(cpi > 0.99 * (double)cycles / (double)insns &&
                cpi < 1.01 * (double)cycles / (double)insns);
    const cJSON *stall = json_get(o, "stall_cycles");
    uint64_t stalls = 0;
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        stalls += json_uint(stall, timing_stall_name((timing_stall)r));
    assert_int_equal(cJSON_GetArraySize(stall), TIMING_STALL__COUNT);
    assert_true(stalls <= cycles);
    return cycles;
}

/* hcall_all on POWER8: the JSON report parses, has every key, and its sums hold. */
static void test_json_report(void **state)
{
    guest_run *r = run_guest_with("hcall_all", "power8", NULL, NULL, 0);
    assert_clean_exit(r);
    char *text = NULL, err[256];
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    report_run run = {.model = r->model, .instructions = cpu_get_insns(machine_cpu(r->m))};
    assert_true(report_write_json(out, r->paths, &run, err, sizeof(err)));
    fclose(out);

    cJSON *root = cJSON_Parse(text);
    if (!root) fail_msg("not JSON near: %.80s", cJSON_GetErrorPtr());
    assert_string_equal(json_get(root, "format")->valuestring, "hcallsim-paths");
    assert_int_equal(json_uint(root, "version"), 1);
    assert_string_equal(json_get(json_get(root, "profile"), "name")->valuestring, "power8");
    const cJSON *totals = json_get(root, "totals");
    timing_counters c;
    timing_read(r->model, &c);
    assert_int_equal(json_uint(totals, "cycles"), c.cycles);
    assert_int_equal(json_uint(totals, "instructions"), run.instructions);
    assert_int_equal(json_uint(totals, "paths"), paths_total(r->paths));
    uint64_t run_stalls = 0;
    for (unsigned i = 0; i < TIMING_STALL__COUNT; i++)
        run_stalls += json_uint(json_get(totals, "stall_cycles"), timing_stall_name(i));
    assert_int_equal(json_uint(totals, "dispatch_cycles") + run_stalls, c.cycles);

    const cJSON *list = json_get(root, "paths");
    assert_int_equal(cJSON_GetArraySize(list), paths_kind_count(r->paths));
    uint64_t count = 0;
    bool saw_fast_path = false;
    const cJSON *path;
    cJSON_ArrayForEach(path, list)
    {
        static const char *const keys[] = {
            "name",    "hcall",    "hcall_name", "outcome",      "vector",
            "handler", "returned", "count",      "entry_cycles", "entry_stall_cycles",
            "segments"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            json_get(path, keys[i]);
        count += json_uint(path, "count");
        uint64_t cycles = check_json_costs(path);
        uint64_t seg_cycles = 0, seg_insns = 0;
        const cJSON *seg;
        cJSON_ArrayForEach(seg, json_get(path, "segments"))
        {
            assert_true(cJSON_IsString(json_get(seg, "name")));
            seg_cycles += check_json_costs(seg);
            seg_insns += json_uint(json_get(seg, "instructions"), "total");
        }
        assert_int_equal(seg_cycles, cycles);
        assert_int_equal(seg_insns, json_uint(json_get(path, "instructions"), "total"));
        if (strcmp(json_get(path, "name")->valuestring, "H_PUT_TCE (0x20) real-mode fast path") ==
            0) {
            saw_fast_path = true;
            assert_int_equal(json_uint(path, "hcall"), H_PUT_TCE);
            assert_string_equal(json_get(path, "hcall_name")->valuestring, "H_PUT_TCE");
            assert_string_equal(json_get(path, "handler")->valuestring, "kvmppc_h_put_tce");
        }
    }
    assert_int_equal(count, paths_total(r->paths));
    assert_true(saw_fast_path);
    cJSON_Delete(root);
    free(text);
    free_run(r);
}

/* The folded stacks sum to the paths' cycles and entries; one line per path;segment. */
static void test_folded_stacks(void **state)
{
    guest_run *r = run_guest_with("hcall_all", "power8", NULL, NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_true(report_write_folded(out, r->paths));
    fclose(out);

    uint64_t want = 0;
    for (size_t i = 0; i < paths_kind_count(r->paths); i++) {
        path_kind_info k;
        assert_true(paths_get_kind(r->paths, i, &k));
        want += k.cycles.total + k.entry_cycles.total;
    }
    uint64_t sum = 0;
    unsigned lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *space = strrchr(line, ' ');
        assert_non_null(space);
        char *semicolon = strchr(line, ';');
        assert_true(semicolon && semicolon < space && !strchr(semicolon + 1, ';'));
        char *end;
        uint64_t n = strtoull(space + 1, &end, 10);
        assert_true(*end == '\0' && n > 0);
        sum += n;
        lines++;
    }
    assert_int_equal(sum, want);
    assert_true(lines > 10);
    free(text);

    /* the fast path's kvmppc_interrupt line is that segment's cycles */
    out = open_memstream(&text, &len);
    report_write_folded(out, r->paths);
    fclose(out);
    long i = put_tce_fast_path(r);
    path_segment_info s;
    assert_true(paths_get_segment(r->paths, (size_t)i, 2, &s));
    assert_string_equal(s.name, "kvmppc_interrupt");
    char line[128];
    snprintf(line, sizeof(line), "\nH_PUT_TCE (0x20) real-mode fast path;kvmppc_interrupt %llu\n",
             (unsigned long long)s.cycles.total);
    if (!strstr(text, line)) fail_msg("no '%s' in\n%s", line + 1, text);
    free(text);
    free_run(r);
}

/* The Kanata log of a real run: the header, then every instruction opened (I) once and retired
 * (R) once, labelled, time never going back. */
static void test_pipeview_real_run(void **state)
{
    enum { LIMIT = 30000 };
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    guest_run *r = run_guest_with("tce_demo", "power8", NULL, out, LIMIT);
    fclose(out);
    assert_true(strncmp(text, "Kanata\t0004\nC=\t", 15) == 0);
    static uint8_t opened[LIMIT], retired[LIMIT], labelled[LIMIT];
    memset(opened, 0, sizeof(opened));
    memset(retired, 0, sizeof(retired));
    memset(labelled, 0, sizeof(labelled));
    unsigned n_open = 0, n_retired = 0;
    uint64_t last_retire = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long long id, a, b;
        if (line[0] == 'C' && line[1] == '\t') {
            assert_true(strtoull(line + 2, NULL, 10) > 0);
        } else if (sscanf(line, "I\t%llu\t%llu\t%llu", &id, &a, &b) == 3) {
            assert_true(id < LIMIT && !opened[id]);
            assert_int_equal(id, n_open); /* in program order */
            opened[id] = 1;
            n_open++;
        } else if (sscanf(line, "L\t%llu\t%llu\t", &id, &a) == 2 && a == 0) {
            assert_true(id < LIMIT && opened[id] && !labelled[id]);
            assert_non_null(strstr(line, ": "));
            labelled[id] = 1;
        } else if (sscanf(line, "R\t%llu\t%llu\t%llu", &id, &a, &b) == 3) {
            assert_true(id < LIMIT && opened[id] && !retired[id]);
            assert_int_equal(a, last_retire++);
            assert_int_equal(b, 0);
            retired[id] = 1;
            n_retired++;
        }
    }
    assert_int_equal(n_open, LIMIT);
    assert_int_equal(n_retired, LIMIT);
    free(text);
    free_run(r);
}

/* With the model the summary has insns, cycles and CPI columns, the entry and the stalls. */
static void test_timed_summary_format(void **state)
{
    guest_run *r = run_guest_with("tce_demo", "power8", NULL, NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    paths_print_summary(r->paths, out);
    fclose(out);
    assert_non_null(strstr(text, "in 4 kinds, cycle model power8 (per segment:"));
    const char *at = strstr(text, "\n  H_PUT_TCE (0x20) real-mode fast path   x1\n"
                                  "                           insns   cycles    CPI\n"
                                  "    system_call_pSeries        9 ");
    if (!at) fail_msg("summary:\n%s", text);
    path_kind_info k;
    assert_true(paths_get_kind(r->paths, (size_t)put_tce_fast_path(r), &k));
    char total[128];
    snprintf(total, sizeof(total), "    total                %7llu %8llu %6.2f\n",
             (unsigned long long)k.insns.total, (unsigned long long)k.cycles.total,
             (double)k.cycles.total / (double)k.insns.total);
    if (!strstr(at, total)) fail_msg("no '%s' in:\n%s", total, at);
    assert_non_null(strstr(at, "    entry (sc 1) "));
    assert_non_null(strstr(at, "    stalls: "));
    free(text);
    free_run(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_firmware_follows_seed_counts),
        cmocka_unit_test(test_tce_demo_put_tce_fast_path),
        cmocka_unit_test(test_hcall_all_outcomes),
        cmocka_unit_test(test_problem_state_reflection),
        cmocka_unit_test(test_summary_format),
        cmocka_unit_test(test_model_cycles_per_segment),
        cmocka_unit_test(test_profiles_give_different_cycles),
        cmocka_unit_test(test_json_report),
        cmocka_unit_test(test_folded_stacks),
        cmocka_unit_test(test_pipeview_real_run),
        cmocka_unit_test(test_timed_summary_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
