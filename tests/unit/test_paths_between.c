/* The path profiler around an interrupt taken between two firmware instructions, on a hand-made
 * firmware (no hv.elf): a guest's sc 1 enters it, it enables MSR[EE] with the decrementer
 * already negative, the decrementer interrupt runs a handler of its own and returns, and hrfid
 * goes back to the guest.
 *
 * The profiler charges each instruction with what the counters moved since the previous one, so
 * the delivery (between mtmsrd and the handler's first instruction) counts with the handler's
 * segment, not with the segment before it.  Without a model the counts are steps, one per
 * instruction and one for the delivery, so every segment's figure is known exactly.  With the
 * model, the observed loop (the model not first in the fan-out) and the model's own timed loop
 * (the profiler following it) must give the same figures. */
#include "test_system_encode.h"

#include "cpu/timing.h"
#include "hv/hvcall.h"
#include "loader/symtab.h"
#include "observe/fanout.h"
#include "observe/paths.h"

#define FW_MASK  0x0fffffffffffffffull
#define GUEST_PC 0x10000u
#define FW_ENTRY 0xc00u  /* the hypervisor system call vector */
#define FW_DEC   0x900u  /* the decrementer vector */
#define FW_WORK  0x2000u /* where the entry branches to */
#define STEPS    40      /* the path needs 17; the guest then spins on "b ." */

static uint32_t w_ori(unsigned ra, unsigned rs, unsigned ui)
{
    return 0x60000000u | rs << 21 | ra << 16 | (ui & 0xffff);
}
static uint32_t w_lis(unsigned rt, int v)
{
    return 0x3c000000u | rt << 21 | (v & 0xffff);
}

/* Pokes guest and firmware, and the firmware's symbols. */
static symtab *load_images(test_machine *m)
{
    const uint32_t guest[] = {w_li(3, H_PUT_TERM_CHAR), W_SC1, 0x48000000u /* b . */};
    const uint32_t entry[] = {w_mfspr(7, SPR_SRR0), w_mfspr(8, SPR_SRR1),
                              0x48000000u | (FW_WORK - (FW_ENTRY + 8))};
    const uint32_t work[] = {w_li(6, -1),    w_mtspr(SPR_DEC, 6), /* the decrementer is due */
                             w_li(5, 0),     w_ori(5, 5, 0x8000), /* MSR[EE] */
                             w_mtmsrd(5, 1), /* the interrupt comes after this */
                             W_NOP,          w_mtspr(SPR_HSRR0, 7), w_mtspr(SPR_HSRR1, 8), W_HRFID};
    const uint32_t dec[] = {w_lis(6, 0x7fff), w_mtspr(SPR_DEC, 6), W_RFID};
    tm_poke(m, GUEST_PC, guest, 3);
    tm_poke(m, FW_ENTRY, entry, 3);
    tm_poke(m, FW_WORK, work, 9);
    tm_poke(m, FW_DEC, dec, 3);
    symtab *fw = symtab_new("firmware", FW_MASK);
    assert_non_null(fw);
    assert_true(symtab_add(fw, "fw_dec", FW_DEC, 0, SYMBOL_CODE, true));
    assert_true(symtab_add(fw, "fw_entry", FW_ENTRY, 0, SYMBOL_CODE, true));
    assert_true(symtab_add(fw, "fw_work", FW_WORK, 0, SYMBOL_CODE, true));
    return fw;
}

/* An independent reading of the same run: the model's cycles after every firmware instruction,
 * the difference to the previous reading added to the segment of the instruction's address
 * range (the reading before the first firmware instruction starts it). */
typedef struct cycle_probe {
    cpu_observer observer;
    const timing_model *model;
    bool in_firmware, done;
    uint64_t mark;
    int segment; /* -1 before the first */
    uint64_t last_symbol;
    uint64_t cycles[8];
} cycle_probe;

static uint64_t symbol_of(uint64_t pc)
{
    return pc >= FW_WORK ? FW_WORK : pc >= FW_ENTRY ? FW_ENTRY : FW_DEC;
}

static void probe_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    cycle_probe *p = ctx;
    if (p->done || !(cpu_get_msr(cpu) & MSR_HV)) return;
    if (!p->in_firmware) {
        p->in_firmware = true;
        p->mark = timing_cycles(p->model);
    }
    uint64_t sym = symbol_of(cpu_get_nip(cpu));
    if (p->segment < 0 || sym != p->last_symbol) p->segment++;
    p->last_symbol = sym;
}

static void probe_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    cycle_probe *p = ctx;
    if (!p->in_firmware || p->done) return;
    uint64_t now = timing_cycles(p->model);
    p->cycles[p->segment] += now - p->mark;
    p->mark = now;
    if (!(cpu_get_msr(cpu) & MSR_HV)) p->done = true; /* hrfid */
}

typedef struct segment_figures {
    char name[16];
    uint64_t insns, cycles, stall[TIMING_STALL__COUNT];
} segment_figures;

typedef struct path_figures {
    size_t kinds, segments;
    uint64_t count, hcall, insns, cycles, entry_cycles;
    bool returned;
    segment_figures seg[8];
} path_figures;

/* Runs the guest from its first instruction with the profiler, after the model when `model` and
 * behind a do-nothing first member when `observed` (so that the fan-out has no loop of its own
 * and the observed loop runs); `probe` (with a model) follows the profiler. */
static void run_paths(void **state, timing_model *model, bool observed, path_figures *out,
                      cycle_probe *probe)
{
    test_machine *m = *state;
    symtab *fw = load_images(m);
    path_profiler *paths = paths_create(fw, NULL);
    assert_non_null(paths);
    static const cpu_observer nothing = {0};
    observer_fanout fan;
    fanout_init(&fan);
    if (observed) assert_true(fanout_add(&fan, &nothing));
    if (model) {
        assert_true(fanout_add(&fan, timing_observer(model)));
        paths_set_timing(paths, model);
    }
    assert_true(fanout_add(&fan, paths_observer(paths)));
    if (probe) {
        *probe =
            (cycle_probe){.observer = {.ctx = probe, .before = probe_before, .after = probe_after},
                          .model = model,
                          .segment = -1};
        assert_true(fanout_add(&fan, &probe->observer));
    }
    assert_int_equal(fan.self.run != NULL, model && !observed);

    cpu_set_msr(m->cpu, MSR_SF | MSR_ME | MSR_RI); /* the guest: not hypervisor, EE off */
    cpu_set_nip(m->cpu, GUEST_PC);
    assert_int_equal(cpu_run_observed(m->cpu, STEPS, &fan.self), CPU_EXIT_BUDGET);
    assert_int_equal(cpu_get_nip(m->cpu), GUEST_PC + 8); /* back in the guest, spinning */
    paths_finish(paths);

    memset(out, 0, sizeof(*out)); /* compared whole, padding included */
    out->kinds = paths_kind_count(paths);
    path_kind_info k;
    assert_true(paths_get_kind(paths, 0, &k));
    out->segments = k.segment_count;
    out->count = k.count;
    out->hcall = k.hcall;
    out->returned = k.returned;
    out->insns = k.insns.total;
    out->cycles = k.cycles.total;
    out->entry_cycles = k.entry_cycles.total;
    assert_true(out->segments <= 8);
    for (size_t j = 0; j < out->segments; j++) {
        path_segment_info s;
        assert_true(paths_get_segment(paths, 0, j, &s));
        segment_figures *f = &out->seg[j];
        snprintf(f->name, sizeof(f->name), "%s", s.name);
        f->insns = s.insns.total;
        f->cycles = s.cycles.total;
        memcpy(f->stall, s.stall, sizeof(f->stall));
    }
    paths_destroy(paths);
    symtab_free(fw);
}

static void test_steps_count_with_the_handler(void **state)
{
    path_figures f;
    run_paths(state, NULL, false, &f, NULL);
    assert_int_equal(f.kinds, 1);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.hcall, H_PUT_TERM_CHAR);
    assert_true(f.returned);
    assert_int_equal(f.segments, 4);
    const struct {
        const char *name;
        uint64_t insns, cycles;
    } want[4] = {
        {"fw_entry", 3, 3},
        {"fw_work", 5, 5}, /* up to the mtmsrd that lets the decrementer in */
        {"fw_dec", 3, 4},  /* its three instructions and the delivery's step before them */
        {"fw_work", 4, 4}, /* nop .. hrfid */
    };
    for (size_t j = 0; j < 4; j++) {
        assert_string_equal(f.seg[j].name, want[j].name);
        assert_int_equal(f.seg[j].insns, want[j].insns);
        assert_int_equal(f.seg[j].cycles, want[j].cycles);
    }
    assert_int_equal(f.insns, 15);
    assert_int_equal(f.cycles, 16);
    assert_int_equal(f.entry_cycles, 1); /* the sc 1 */
}

static void test_model_loops_agree(void **state)
{
    timing_profile prof;
    char err[256];
    assert_true(timing_load_profile("power8", &prof, err, sizeof(err)));
    path_figures timed, observed;
    cycle_probe probe;
    timing_model *model = timing_create(&prof);
    assert_non_null(model);
    run_paths(state, model, false, &timed, &probe);
    timing_destroy(model);

    /* the same start: a fresh machine, as the test's own set-up makes it */
    assert_int_equal(tm_teardown(state), 0);
    assert_int_equal(tsys_setup(state), 0);
    model = timing_create(&prof);
    assert_non_null(model);
    run_paths(state, model, true, &observed, NULL);
    timing_destroy(model);

    /* the timed loop (three members: the profiler and the probe follow) as the observed one */
    assert_int_equal(timed.segments, 4);
    assert_memory_equal(&timed, &observed, sizeof(timed));
    /* and as the probe's per-instruction readings */
    assert_int_equal(probe.segment, 3);
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(timed.seg[j].cycles, probe.cycles[j]);
    /* the delivery (drain and refetch at the vector) is in the handler's segment */
    assert_true(timed.seg[2].stall[TIMING_STALL_CONTEXT_SYNC] >=
                prof.ctxsync[TIMING_CTXSYNC_INTERRUPT]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_steps_count_with_the_handler, tsys_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_model_loops_agree, tsys_setup, tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
