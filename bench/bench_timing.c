/* bench_timing: how much slower a run is with the cycle model attached than without it.
 *
 *   bench_timing [--cpu NAME|FILE] [--insns N]                a built-in synthetic workload
 *   bench_timing [--cpu NAME|FILE] [--insns N] FILE@ADDR...   raw images on the powernv8
 *                                                             machine, as `hcallsim bios` loads
 *                                                             them (the first at 0 is -bios)
 *
 * Both runs execute the same instructions from the same start state (a fresh machine each);
 * the best of three host times per mode is kept and their ratio printed.  It prints numbers
 * for a person to read; it is not a pass/fail test (the target is a ratio of at most 3). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/timing.h"
#include "loader/fdt.h"
#include "loader/raw_loader.h"
#include "platform/machine.h"

#define RAM_SIZE    (64ull << 20)
#define SYNTH_CODE  0x10000u
#define SYNTH_LEAF  0x11000u
#define SYNTH_DATA  0x100000u
#define DEFAULT_RUN 20000000ull
#define REPEATS     3

/* ---- The synthetic workload: an hcall path's instruction mix, in a loop ---- */

static uint32_t d_form(uint32_t op, unsigned rt, unsigned ra, int d)
{
    return op | rt << 21 | ra << 16 | ((uint32_t)d & 0xffff);
}
static uint32_t x_form(uint32_t op, unsigned rt, unsigned ra, unsigned rb)
{
    return op | rt << 21 | ra << 16 | rb << 11;
}
static uint32_t spr_form(uint32_t op, unsigned reg, unsigned spr)
{
    return op | reg << 21 | (spr & 31) << 16 | (spr >> 5) << 11;
}
#define ADDI(rt, ra, v)  d_form(0x38000000u, rt, ra, v)
#define ADDIS(rt, ra, v) d_form(0x3c000000u, rt, ra, v)
#define LD(rt, ra, d)    d_form(0xe8000000u, rt, ra, d)
#define STD(rs, ra, d)   d_form(0xf8000000u, rs, ra, d)
#define ANDI(ra, rs, v)  d_form(0x70000000u, rs, ra, v)
#define ADD(rt, ra, rb)  x_form(0x7c000214u, rt, ra, rb)
#define XOR(ra, rs, rb)  x_form(0x7c000278u, rs, ra, rb)
#define MTSPR(spr, rs)   spr_form(0x7c0003a6u, rs, spr)
#define MFSPR(rt, spr)   spr_form(0x7c0002a6u, rt, spr)
#define BEQ(off)         (0x41820000u | ((uint32_t)(off)&0xfffc))
#define B(off)           (0x48000000u | ((uint32_t)(off)&0x03fffffc))
#define BL(off)          (B(off) | 1u)
#define BLR              0x4e800020u
#define SC1              0x44000022u
#define RFID             0x4c000024u
#define SPR_SRR0_N       26
#define SPR_SRR1_N       27
#define SPR_SPRG0_N      272

static void put_words(uint8_t *ram, uint64_t pa, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            ram[pa + 4 * i + (size_t)b] = (uint8_t)(w[i] >> (24 - 8 * b));
}

/* Per iteration: two loads and a store walking a 32 KiB buffer, an ALU chain, a data-dependent
 * branch, a call and return, an mtspr, and sc 1 -> 0xc00 (SRR moves, saves) -> rfid. */
static void load_synthetic(uint8_t *ram)
{
    const uint32_t main_code[] = {
        ADDIS(20, 0, SYNTH_DATA >> 16),
        ADDI(9, 0, 0),
        /* 2: loop */
        ADD(12, 20, 9),
        LD(4, 12, 0),
        LD(5, 12, 8),
        ADD(6, 4, 5),
        XOR(7, 6, 3),
        STD(7, 12, 16),
        ADDI(3, 3, 1),
        ANDI(8, 3, 3),
        BEQ(8),
        ADDI(11, 11, 1),
        /* 12 */ BL((int)(SYNTH_LEAF - (SYNTH_CODE + 4 * 12))),
        MTSPR(SPR_SPRG0_N, 3),
        SC1,
        ADDI(9, 9, 64),
        ANDI(9, 9, 0x7fff),
        /* 17 */ B(4 * (2 - 17)),
    };
    const uint32_t leaf[] = {ADDI(13, 13, 1), BLR};
    const uint32_t handler[] = {MFSPR(21, SPR_SRR0_N), MFSPR(22, SPR_SRR1_N), STD(21, 20, 24),
                                STD(22, 20, 32),       LD(23, 20, 24),        ADDI(23, 23, 0),
                                MTSPR(SPR_SRR0_N, 21), MTSPR(SPR_SRR1_N, 22), RFID};
    put_words(ram, SYNTH_CODE, main_code, sizeof(main_code) / 4);
    put_words(ram, SYNTH_LEAF, leaf, sizeof(leaf) / 4);
    put_words(ram, 0xc00, handler, sizeof(handler) / 4);
}

/* ---- Machines ---- */

typedef struct bench_input {
    const char **specs; /* FILE@ADDR, or none for the synthetic workload */
    int nspecs;
} bench_input;

static machine *make_machine(const bench_input *in)
{
    machine *m = machine_create(&(machine_config){.ram_size = RAM_SIZE, .console = NULL});
    if (!m) return NULL;
    char err[512];
    if (!in->nspecs) {
        load_synthetic(machine_ram(m));
        machine_reset(m);
        cpu_set_nip(machine_cpu(m), SYNTH_CODE);
        return m;
    }
    static uint8_t fdt[FDT_POWERNV8_MAX];
    if (fdt_build_powernv8(fdt, sizeof(fdt), machine_ram_size(m), MACHINE_BOOT_PIR) < 0) {
        fprintf(stderr, "bench_timing: cannot build the device tree\n");
        machine_destroy(m);
        return NULL;
    }
    for (int i = 0; i < in->nspecs; i++) {
        if (raw_load_spec(in->specs[i], machine_ram(m), machine_ram_size(m), NULL, NULL, err,
                          sizeof(err)) != LOADER_OK) {
            fprintf(stderr, "bench_timing: %s\n", err);
            machine_destroy(m);
            return NULL;
        }
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

/* One run on a fresh machine; returns host seconds, or a negative value on failure.  With a
 * profile, the model is attached and its counters are copied to *counters. */
static double run_once(const bench_input *in, uint64_t insns, const timing_profile *profile,
                       timing_counters *counters, uint64_t *retired)
{
    machine *m = make_machine(in);
    if (!m) return -1;
    timing_model *t = profile ? timing_create(profile) : NULL;
    if (profile && !t) {
        machine_destroy(m);
        return -1;
    }
    ppc_cpu *cpu = machine_cpu(m);
    double start = now_seconds();
    cpu_exit why = t ? cpu_run_observed(cpu, insns, timing_observer(t)) : cpu_run(cpu, insns);
    double elapsed = now_seconds() - start;
    *retired = cpu_get_insns(cpu);
    if (why == CPU_EXIT_CHECKSTOP || why == CPU_EXIT_UNIMPLEMENTED)
        fprintf(stderr, "bench_timing: the run stopped early: %s\n", cpu_exit_detail(cpu));
    if (t) timing_read(t, counters);
    timing_destroy(t);
    machine_destroy(m);
    return elapsed;
}

static double best_of(const bench_input *in, uint64_t insns, const timing_profile *profile,
                      timing_counters *counters, uint64_t *retired)
{
    double best = -1;
    for (int i = 0; i < REPEATS; i++) {
        double s = run_once(in, insns, profile, counters, retired);
        if (s < 0) return -1;
        if (best < 0 || s < best) best = s;
    }
    return best;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_timing [--cpu NAME|FILE] [--insns N] [FILE@ADDR]...\n");
    return 64;
}

int main(int argc, char **argv)
{
    const char *cpu_name = timing_builtin_profiles[0];
    uint64_t insns = DEFAULT_RUN;
    bench_input in = {.specs = calloc((size_t)argc, sizeof(char *)), .nspecs = 0};
    if (!in.specs) return 70;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
            cpu_name = argv[++i];
        else if (!strcmp(argv[i], "--insns") && i + 1 < argc)
            insns = strtoull(argv[++i], NULL, 0);
        else if (argv[i][0] == '-')
            return usage();
        else
            in.specs[in.nspecs++] = argv[i];
    }
    if (!insns) return usage();

    timing_profile profile;
    char err[512];
    if (!timing_load_profile(cpu_name, &profile, err, sizeof(err))) {
        fprintf(stderr, "bench_timing: %s\n", err);
        return 65;
    }
    timing_counters c;
    uint64_t plain_insns = 0, model_insns = 0;
    double plain = best_of(&in, insns, NULL, &c, &plain_insns);
    double model = best_of(&in, insns, &profile, &c, &model_insns);
    free(in.specs);
    if (plain < 0 || model < 0) return 70;
    if (plain_insns != model_insns) {
        fprintf(stderr, "bench_timing: the runs differ (%" PRIu64 " vs %" PRIu64 " instructions)\n",
                plain_insns, model_insns);
        return 70;
    }

    printf("workload      %s\n", in.nspecs ? "images on powernv8" : "synthetic hcall mix");
    printf("profile       %s\n", profile.name);
    printf("instructions  %" PRIu64 "\n", plain_insns);
    printf("plain run     %.3f s  (%.1f M instructions/s)\n", plain, plain_insns / plain / 1e6);
    printf("with model    %.3f s  (%.1f M instructions/s)\n", model, model_insns / model / 1e6);
    printf("model cycles  %" PRIu64 "  (CPI %.2f)\n", c.cycles,
           c.insns ? (double)c.cycles / (double)c.insns : 0.0);
    printf("stalls       ");
    for (unsigned i = 0; i < TIMING_STALL__COUNT; i++)
        printf(" %s %" PRIu64, timing_stall_name((timing_stall)i), c.stall[i]);
    printf("\nslowdown      %.2fx  (target: at most 3x)\n", model / plain);
    return 0;
}
