/* Harness for the fast-path logic tests: the real firmware (hv.elf as built) on the powernv8
 * machine, booted up to its first guest entry, then driven one `sc 1` at a time.
 *
 * The boot gives the real PACA, vcpu, kvm and TCE tables; a test then prepares the fields a
 * branch depends on (in_guest byte, stale EX_CFAR, vcpu sentinels) through the firmware's
 * symbols and the generated offsets (hv-offsets.h), sets the guest registers and steps until the
 * CPU is back in the guest or reaches a firmware symbol, with an instruction budget so a broken
 * firmware or interpreter cannot hang the test.  Every step is attributed to the firmware symbol
 * it executes in, so the path (and its instruction count per segment) can be asserted. */
#ifndef HCALLSIM_TESTS_FASTPATH_HARNESS_H
#define HCALLSIM_TESTS_FASTPATH_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/layout.h"
#include "hv-offsets.h"

#include "cpu/cpu.h"
#include "cpu/spr.h"
#include "loader/elf_loader.h"
#include "loader/symtab.h"
#include "platform/machine.h"

#ifndef HV_ELF_PATH
#error "HV_ELF_PATH (the built hv.elf) comes from tests/integration/fastpath.cmake"
#endif

#define FP_RAM_SIZE    (64ull << 20)         /* firmware, boot block and the 32 MiB partition */
#define FP_FW_MASK     0x0fffffffffffffffull /* hypervisor real mode ignores EA bits 0:3 */
#define FP_GUEST_ENTRY 0x1000ull             /* guest real address of the guest's `sc 1` */
#define FP_GUEST_MSR   (MSR_SF | MSR_ME | MSR_RI)
#define FP_BOOT_BUDGET 2000000u /* instructions from reset to the first guest instruction */
#define FP_PATH_BUDGET 20000u   /* one hcall through the firmware, fast or full exit */

#define FP_SC1    0x44000022u /* sc 1 */
#define FP_B_SELF 0x48000000u /* b . */

/* The firmware symbols a step is attributed to; anything else in the firmware is FP_SEG_OTHER
 * (C helpers, the host side) and a step in the guest is FP_SEG_GUEST. */
#define FP_SEGMENTS(X)                                                                             \
    X(SYSCALL, "system_call_pSeries")                                                              \
    X(DO_KVM, "do_kvm_0xc00")                                                                      \
    X(KVM_INTERRUPT, "kvmppc_interrupt")                                                           \
    X(TRY_REAL_MODE, "hcall_try_real_mode")                                                        \
    X(PUT_TCE, "kvmppc_h_put_tce")                                                                 \
    X(FALLBACK, "hcall_real_fallback")                                                             \
    X(FAST_RETURN, "fast_guest_return")                                                            \
    X(EXIT_CONT, "guest_exit_cont")                                                                \
    X(HOST_INTERRUPT, "hv_host_interrupt")

typedef enum fp_segment {
#define FP_SEG_ENUM(id, name) FP_SEG_##id,
    FP_SEGMENTS(FP_SEG_ENUM)
#undef FP_SEG_ENUM
        FP_SEG_OTHER,
    FP_SEG_GUEST,
    FP_SEG_COUNT
} fp_segment;

static const char *const fp_segment_names[FP_SEG_COUNT] = {
#define FP_SEG_NAME(id, name) name,
    FP_SEGMENTS(FP_SEG_NAME)
#undef FP_SEG_NAME
        "(other firmware)",
    "(guest)",
};

/* Guest register state at the `sc 1`. */
typedef struct fp_guest {
    uint64_t gpr[32];
    uint64_t lr, ctr, xer, msr;
    uint32_t cr;
} fp_guest;

typedef struct fastpath {
    machine *m;
    ppc_cpu *cpu;
    uint8_t *ram;
    symtab *syms;
    uint64_t seg_addr[FP_SEG_OTHER]; /* physical address of each named segment */
    uint64_t paca, vcpu, kvm, rmor;  /* physical addresses */
    FILE *console;                   /* the UART, into console_text */
    char *console_text;              /* NUL-terminated after fp_console() */
    size_t console_size;
    /* The last fp_run(): steps per segment (only while in hypervisor state for the named ones). */
    uint64_t steps;
    uint64_t seg_steps[FP_SEG_COUNT];
} fastpath;

/* ---- Memory: big-endian, by physical address (firmware pointers are masked) ---------------- */

static inline uint64_t fp_phys(uint64_t fw_pointer)
{
    return fw_pointer & FP_FW_MASK;
}

static inline uint64_t fp_load(const fastpath *fp, uint64_t pa, unsigned size)
{
    assert_true(fp_phys(pa) + size <= FP_RAM_SIZE);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | fp->ram[fp_phys(pa) + i];
    return v;
}

static inline void fp_store(fastpath *fp, uint64_t pa, unsigned size, uint64_t v)
{
    assert_true(fp_phys(pa) + size <= FP_RAM_SIZE);
    for (unsigned i = size; i-- > 0; v >>= 8)
        fp->ram[fp_phys(pa) + i] = (uint8_t)v;
}

static inline uint64_t fp_ld64(const fastpath *fp, uint64_t pa)
{
    return fp_load(fp, pa, 8);
}
static inline uint32_t fp_ld32(const fastpath *fp, uint64_t pa)
{
    return (uint32_t)fp_load(fp, pa, 4);
}
static inline uint8_t fp_ld8(const fastpath *fp, uint64_t pa)
{
    return (uint8_t)fp_load(fp, pa, 1);
}

/* PACA, vcpu fields by generated offset */
static inline uint64_t fp_paca64(const fastpath *fp, unsigned off)
{
    return fp_ld64(fp, fp->paca + off);
}
static inline uint64_t fp_vcpu64(const fastpath *fp, unsigned off)
{
    return fp_ld64(fp, fp->vcpu + off);
}
static inline uint32_t fp_vcpu32(const fastpath *fp, unsigned off)
{
    return fp_ld32(fp, fp->vcpu + off);
}
static inline uint64_t fp_vcpu_gpr(const fastpath *fp, unsigned n)
{
    return fp_vcpu64(fp, VCPU_GPRS + 8 * n);
}
static inline uint8_t fp_in_guest(const fastpath *fp)
{
    return fp_ld8(fp, fp->paca + HSTATE_IN_GUEST);
}
static inline void fp_set_in_guest(fastpath *fp, uint8_t mode)
{
    fp_store(fp, fp->paca + HSTATE_IN_GUEST, 1, mode);
}

/* The firmware's code address of a symbol, as the CPU holds it after a branch through the TOC */
static inline uint64_t fp_fw_code_address(const fastpath *fp, fp_segment seg)
{
    return HV_KERNELBASE | fp->seg_addr[seg];
}

/* The storage of the TCE table with this liobn, walked from kvm->spapr_tce_tables. */
static inline uint64_t fp_tce_table(const fastpath *fp, uint64_t liobn, uint32_t *window_size)
{
    for (uint64_t stt = fp_ld64(fp, fp->kvm + KVM_TCE_TABLES); stt;
         stt = fp_ld64(fp, stt + TCE_NEXT)) {
        if (fp_ld64(fp, stt + TCE_LIOBN) != liobn) continue;
        if (window_size) *window_size = fp_ld32(fp, stt + TCE_WINDOW_SIZE);
        return fp_phys(fp_ld64(fp, stt + TCE_TABLE));
    }
    if (window_size) *window_size = 0;
    fail_msg("no TCE table with liobn 0x%" PRIx64, liobn);
    return 0;
}

static inline uint64_t fp_tce_entry(const fastpath *fp, uint64_t liobn, uint64_t ioba)
{
    return fp_ld64(fp, fp_tce_table(fp, liobn, NULL) + (ioba >> SPAPR_TCE_SHIFT) * 8);
}

/* ---- Running ------------------------------------------------------------------------------ */

static inline bool fp_in_hypervisor(const fastpath *fp)
{
    return (cpu_get_msr(fp->cpu) & MSR_HV) != 0;
}

static inline fp_segment fp_segment_at(const fastpath *fp, uint64_t nip)
{
    if (!fp_in_hypervisor(fp)) return FP_SEG_GUEST;
    const symbol *s = symtab_lookup(fp->syms, nip, NULL);
    for (int seg = 0; s && seg < FP_SEG_OTHER; seg++)
        if (s->addr == fp->seg_addr[seg]) return (fp_segment)seg;
    return FP_SEG_OTHER;
}

/* Where fp_run() stops: back in the guest (MSR[HV] = 0), or in hypervisor state at a segment. */
#define FP_UNTIL_GUEST FP_SEG_GUEST

/* Steps until the stop condition holds after at least one step; false if the budget ran out or
 * the machine stopped (checkstop, power-off) first.  Counts the steps per segment. */
static inline bool fp_run(fastpath *fp, fp_segment until, uint64_t budget)
{
    fp->steps = 0;
    memset(fp->seg_steps, 0, sizeof(fp->seg_steps));
    while (fp->steps < budget) {
        fp->seg_steps[fp_segment_at(fp, cpu_get_nip(fp->cpu))]++;
        fp->steps++;
        if (cpu_step(fp->cpu) != CPU_EXIT_BUDGET) return false;
        uint64_t nip = cpu_get_nip(fp->cpu);
        if (until == FP_UNTIL_GUEST ? !fp_in_hypervisor(fp)
                                    : fp_in_hypervisor(fp) && fp_phys(nip) == fp->seg_addr[until])
            return true;
    }
    return false;
}

/* fp_run() that must arrive; names where it ended otherwise. */
static inline void fp_run_to(fastpath *fp, fp_segment until, uint64_t budget)
{
    if (fp_run(fp, until, budget)) return;
    char where[128];
    uint64_t nip = cpu_get_nip(fp->cpu);
    if (!fp_in_hypervisor(fp) || !symtab_format(fp->syms, nip, where, sizeof(where)))
        snprintf(where, sizeof(where), "%s", fp_in_hypervisor(fp) ? "?" : "guest");
    fail_msg("did not reach %s within %" PRIu64 " steps: NIP 0x%" PRIx64 " (%s) MSR 0x%" PRIx64
             " %s",
             fp_segment_names[until], budget, nip, where, cpu_get_msr(fp->cpu),
             cpu_exit_detail(fp->cpu));
}

/* Runs until the machine stops (the firmware powers off through the BMC); false if the budget
 * ran out first. */
static inline bool fp_run_to_power_off(fastpath *fp, uint64_t budget)
{
    return cpu_run(fp->cpu, budget) == CPU_EXIT_STOP &&
           machine_power_state(fp->m) != MACHINE_POWER_ON;
}

/* What the firmware printed so far. */
static inline const char *fp_console(fastpath *fp)
{
    fflush(fp->console);
    return fp->console_text ? fp->console_text : "";
}

/* ---- Boot and guest state ----------------------------------------------------------------- */

static inline void fp_write_bootparams(fastpath *fp)
{
    const uint64_t bp = HV_BOOTPARAMS_PHYS;
    fp_store(fp, bp + BP_MAGIC, 8, HV_BOOTPARAMS_MAGIC);
    fp_store(fp, bp + BP_VERSION, 8, HV_BOOTPARAMS_VERSION);
    fp_store(fp, bp + BP_GUEST_ENTRY, 8, FP_GUEST_ENTRY);
    fp_store(fp, bp + BP_GUEST_MSR, 8, FP_GUEST_MSR);
    fp_store(fp, bp + BP_GUEST_FDT, 8, 0);
    fp_store(fp, bp + BP_RMOR, 8, HV_DEFAULT_RMOR);
    fp_store(fp, bp + BP_RMA_SIZE, 8, HV_DEFAULT_RMA_SIZE);
    fp_store(fp, bp + BP_LPID, 8, HV_DEFAULT_LPID);
    fp_store(fp, bp + BP_FLAGS, 8, HV_BOOT_QUIET);
}

/* The firmware under test: the build's hv.elf, or FASTPATH_HV_ELF (e.g. a deliberately broken
 * copy, to see these tests fail). */
static inline const char *fp_firmware_path(void)
{
    const char *path = getenv("FASTPATH_HV_ELF");
    return path && path[0] ? path : HV_ELF_PATH;
}

static inline uint64_t fp_symbol(const fastpath *fp, const char *name)
{
    const symbol *s = symtab_find(fp->syms, name);
    if (!s) fail_msg("hv.elf has no symbol %s", name);
    return s->addr;
}

/* A fresh machine with hv.elf loaded and booted to its first guest instruction: the guest's
 * `sc 1; b .` at guest real FP_GUEST_ENTRY. */
static inline fastpath *fp_boot(void)
{
    fastpath *fp = calloc(1, sizeof(*fp));
    assert_non_null(fp);
    fp->console = open_memstream(&fp->console_text, &fp->console_size);
    assert_non_null(fp->console);
    fp->m = machine_create(&(machine_config){.ram_size = FP_RAM_SIZE, .console = fp->console});
    assert_non_null(fp->m);
    fp->cpu = machine_cpu(fp->m);
    fp->ram = machine_ram(fp->m);
    fp->syms = symtab_new("firmware", FP_FW_MASK);
    assert_non_null(fp->syms);

    elf_load_params p;
    elf_load_params_init(&p, fp->ram, FP_RAM_SIZE);
    p.addr_mask = FP_FW_MASK;
    p.symbols = fp->syms;
    elf_load_result r;
    char err[256];
    if (elf_load_file(fp_firmware_path(), &p, &r, err, sizeof(err)) != LOADER_OK)
        fail_msg("%s", err);
    assert_int_equal(r.entry, HV_ENTRY_OFFSET);
    for (int seg = 0; seg < FP_SEG_OTHER; seg++)
        fp->seg_addr[seg] = fp_symbol(fp, fp_segment_names[seg]);

    fp->rmor = HV_DEFAULT_RMOR;
    fp_write_bootparams(fp);
    fp_store(fp, fp->rmor + FP_GUEST_ENTRY, 4, FP_SC1);
    fp_store(fp, fp->rmor + FP_GUEST_ENTRY + 4, 4, FP_B_SELF);

    machine_reset(fp->m);
    fp_run_to(fp, FP_UNTIL_GUEST, FP_BOOT_BUDGET);
    assert_int_equal(cpu_get_nip(fp->cpu), FP_GUEST_ENTRY);

    /* The structures the firmware itself points at: HSPRG0 -> PACA -> vcpu -> kvm */
    fp->paca = fp_phys(cpu_get_spr(fp->cpu, SPR_HSPRG0));
    assert_int_equal(fp->paca, fp_symbol(fp, "hv_paca"));
    fp->vcpu = fp_phys(fp_paca64(fp, HSTATE_KVM_VCPU));
    assert_int_equal(fp->vcpu, fp_symbol(fp, "hv_vcpu"));
    fp->kvm = fp_phys(fp_vcpu64(fp, VCPU_KVM));
    assert_int_equal(fp->kvm, fp_symbol(fp, "hv_kvm"));
    assert_int_equal(fp_in_guest(fp), KVM_GUEST_MODE_GUEST);
    return fp;
}

static inline void fp_shutdown(fastpath *fp)
{
    if (!fp) return;
    symtab_free(fp->syms);
    machine_destroy(fp->m);
    fclose(fp->console);
    free(fp->console_text);
    free(fp);
}

static inline int fp_setup(void **state)
{
    *state = fp_boot();
    return 0;
}

static inline int fp_teardown(void **state)
{
    fp_shutdown(*state);
    return 0;
}

/* Distinct 64-bit guest values with high bits set, so that a 32-bit truncation shows. */
static inline fp_guest fp_default_guest(void)
{
    fp_guest g = {
        .lr = 0x8877665544332211ull,
        .ctr = 0xc7c7c7c7a5a5a5a5ull,
        .xer = 0xa0000025ull, /* SO, CA, byte count 0x25 */
        .msr = FP_GUEST_MSR,
        .cr = 0x2468ace1u, /* cr0 = GT: the firmware's cmpwi must not leak into it */
    };
    for (unsigned n = 0; n < 32; n++)
        g.gpr[n] = 0xa500000000000000ull | (uint64_t)n << 40 | 0x5a5a0000ull | n << 8 | n;
    return g;
}

/* The guest registers right before it executes the `sc 1` at FP_GUEST_ENTRY. */
static inline void fp_enter_guest(fastpath *fp, const fp_guest *g)
{
    for (unsigned n = 0; n < 32; n++)
        cpu_set_gpr(fp->cpu, n, g->gpr[n]);
    cpu_set_spr(fp->cpu, SPR_LR, g->lr);
    cpu_set_spr(fp->cpu, SPR_CTR, g->ctr);
    cpu_set_spr(fp->cpu, SPR_XER, g->xer);
    cpu_set_cr(fp->cpu, g->cr);
    cpu_set_msr(fp->cpu, g->msr);
    cpu_set_nip(fp->cpu, FP_GUEST_ENTRY);
}

#endif
