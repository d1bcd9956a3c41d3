/* Harness (d): the hcall entry through the real firmware with random r3..r12 and random guest
 * memory.
 *
 * Once per process: hv.elf (the build's) on a 64 MiB powernv8 machine, booted to its first guest
 * instruction (`sc 1; b .` at guest real 0x1000, as tests/unit/fastpath_harness.h does), then RAM
 * and the CPU are saved.  Per input: restore (the pages the last run stored to, and the firmware's
 * image and tables), write the input's guest memory block at guest real 0x10000, set r3..r12,
 * run the `sc 1` until the CPU is back in the guest (or the budget runs out, or the guest powered
 * off through RTAS).  Checked: no store into firmware memory outside the allowed set of this
 * call (fw_guard.h: derived from the hcall number and its arguments, plus the host-side path if
 * the firmware took it), the firmware image's checksum is unchanged, the firmware never reported an
 * error of its own (HV_EXIT_FIRMWARE_ERROR: an interrupt taken in hypervisor state), no
 * checkstop, no unimplemented facility.
 *
 * Input: a selector byte (r3 = one of the table's hcalls, or raw), a guest MSR choice byte (64-bit,
 * 32-bit, MSR[EE], problem state), a 32-bit word of 2-bit modes
 * for r4..r12 (raw; small index; pointer into the guest block; a known liobn / vty), nine 64-bit
 * values, then up to 4 KiB of guest memory. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/layout.h"

#include "cpu/cpu_state.h"
#include "fuzz_input.h"
#include "fw_guard.h"
#include "hv/hvcall.h"
#include "loader/elf_loader.h"
#include "platform/machine.h"

#define RAM_SIZE     (64ull << 20)
#define FW_MASK      0x0fffffffffffffffull
#define GUEST_ENTRY  0x1000ull  /* guest real: sc 1; b . */
#define GUEST_BLOCK  0x10000ull /* guest real: the input's memory block */
#define BLOCK_MAX    4096u
#define GUEST_MSR    (MSR_SF | MSR_ME | MSR_RI) /* at boot; each input picks one of guest_msrs */
#define BOOT_BUDGET  2000000u
#define HCALL_BUDGET 200000u
#define PAGES        (RAM_SIZE >> 12)

static const uint64_t hcalls[] = {
    H_REMOVE,    H_ENTER,         H_READ,          H_CLEAR_MOD, H_CLEAR_REF,
    H_PROTECT,   H_GET_TCE,       H_PUT_TCE,       H_SET_SPRG0, H_SET_DABR,
    H_PAGE_INIT, H_GET_TERM_CHAR, H_PUT_TERM_CHAR, H_EOI,       H_CPPR,
    H_IPI,       H_IPOLL,         H_XIRR,          H_CEDE,      H_CONFER,
    H_PROD,      H_BULK_REMOVE,   H_RANDOM,        H_SET_MODE,  H_RTAS,
};
/* 64-bit, 32-bit (how pseries guests start), with EE (a pending decrementer is delivered), and
 * problem state (the firmware reflects the sc 1 to the guest's 0xc00). */
static const uint64_t guest_msrs[] = {GUEST_MSR, MSR_ME | MSR_RI, GUEST_MSR | MSR_EE,
                                      GUEST_MSR | MSR_PR};
static const uint64_t known_values[] = {0x10000000, 0x80000000, 0x71000000, 0, 1, ~0ull};

static struct {
    machine *m;
    ppc_cpu *cpu;
    uint8_t *ram;
    uint8_t *saved_ram;
    ppc_cpu saved_cpu;
    fw_guard guard;
    uint64_t image_sum; /* checksum of the guarded part of [0, __end) after boot */
    uint64_t hpt_start; /* [hpt_start, image_end) is always restored (R/C updates bypass stores) */
    uint8_t dirty[PAGES];
} fx;

static void store_big_endian(uint64_t pa, uint32_t word)
{
    for (int i = 3; i >= 0; i--, word >>= 8)
        fx.ram[pa + (unsigned)i] = (uint8_t)word;
}

static void store64(uint64_t pa, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        fx.ram[pa + (unsigned)i] = (uint8_t)v;
}

static void on_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                          bool is_store)
{
    if (!is_store) return;
    if (pa < RAM_SIZE) fx.dirty[pa >> 12] = 1;
    if (pa + size - 1 < RAM_SIZE) fx.dirty[(pa + size - 1) >> 12] = 1;
    fw_guard_mem_access(&fx.guard, cpu, ea, pa, size, is_store);
}

/* Firmware coverage for libFuzzer: one counter per instruction word of the firmware's code (its
 * own PCs are invisible to the host-side instrumentation).  libFuzzer reads this section as
 * extra coverage counters. */
#define FW_CODE_WORDS 0x4000u /* the first 64 KiB of the image: vectors, text (about 0x4200 B) */
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t fw_pc_counters[FW_CODE_WORDS];

static void before_insn(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t pc = cpu_get_nip(cpu) & FW_MASK;
    if ((cpu_get_msr(cpu) & MSR_HV) && pc < 4ull * FW_CODE_WORDS) fw_pc_counters[pc >> 2]++;
    fw_guard_before(&fx.guard, cpu, insn);
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    fw_guard_interrupt(&fx.guard, cpu, vector, saved_pc);
}

/* Stops the run once the CPU is back in the guest. */
static void after_insn(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    if (!(cpu_get_msr(cpu) & MSR_HV)) cpu_request_stop(cpu);
}

static const cpu_observer observer = {.before = before_insn,
                                      .after = after_insn,
                                      .interrupt = on_interrupt,
                                      .mem_access = on_mem_access};
/* The boot: no guard yet (it reads the booted firmware's tables) */
static const cpu_observer boot_observer = {.after = after_insn};

static void boot(void)
{
    fx.m = machine_create(&(machine_config){.ram_size = RAM_SIZE});
    if (!fx.m) abort();
    fx.cpu = machine_cpu(fx.m);
    fx.ram = machine_ram(fx.m);
    symtab *syms = symtab_new("firmware", FW_MASK);
    elf_load_params p;
    elf_load_params_init(&p, fx.ram, RAM_SIZE);
    p.addr_mask = FW_MASK;
    p.symbols = syms;
    elf_load_result r;
    char err[256];
    const char *path = getenv("FUZZ_HV_ELF") ? getenv("FUZZ_HV_ELF") : HV_ELF_PATH;
    if (elf_load_file(path, &p, &r, err, sizeof(err)) != LOADER_OK) {
        fprintf(stderr, "fuzz_hcall: %s\n", err);
        exit(1);
    }
    const uint64_t bp = HV_BOOTPARAMS_PHYS;
    store64(bp + BP_MAGIC, HV_BOOTPARAMS_MAGIC);
    store64(bp + BP_VERSION, HV_BOOTPARAMS_VERSION);
    store64(bp + BP_GUEST_ENTRY, GUEST_ENTRY);
    store64(bp + BP_GUEST_MSR, GUEST_MSR);
    store64(bp + BP_RMOR, HV_DEFAULT_RMOR);
    store64(bp + BP_RMA_SIZE, HV_DEFAULT_RMA_SIZE);
    store64(bp + BP_LPID, HV_DEFAULT_LPID);
    store64(bp + BP_FLAGS, HV_BOOT_QUIET);
    store_big_endian(HV_DEFAULT_RMOR + GUEST_ENTRY, 0x44000022u);     /* sc 1 */
    store_big_endian(HV_DEFAULT_RMOR + GUEST_ENTRY + 4, 0x48000000u); /* b . */
    machine_reset(fx.m);
    cpu_exit why = cpu_run_observed(fx.cpu, BOOT_BUDGET, &boot_observer);
    if (why != CPU_EXIT_STOP || cpu_get_nip(fx.cpu) != GUEST_ENTRY) {
        fprintf(stderr, "fuzz_hcall: the firmware did not reach the guest (exit %d, NIP 0x%llx)\n",
                (int)why, (unsigned long long)cpu_get_nip(fx.cpu));
        exit(1);
    }
    if (!fw_guard_init(&fx.guard, syms, HV_DEFAULT_RMOR, fx.ram, err, sizeof(err))) {
        fprintf(stderr, "fuzz_hcall: %s\n", err);
        exit(1);
    }
    fx.hpt_start = fx.guard.hpt;
    symtab_free(syms);
    fx.saved_ram = malloc(RAM_SIZE);
    if (!fx.saved_ram) abort();
    memcpy(fx.saved_ram, fx.ram, RAM_SIZE);
    fx.saved_cpu = *fx.cpu;
    fx.image_sum = fw_guard_checksum_below(&fx.guard, fx.ram, fx.guard.image_end);
    memset(fx.dirty, 0, sizeof(fx.dirty));
}

static void restore_range(uint64_t from, uint64_t to)
{
    memcpy(fx.ram + from, fx.saved_ram + from, to - from);
    for (uint64_t pa = from & ~0xfffull; pa < to; pa += 4096)
        cpu_invalidate_code(fx.cpu, pa);
}

static void restore(void)
{
    for (uint64_t page = 0; page < PAGES; page++) {
        if (!fx.dirty[page]) continue;
        restore_range(page << 12, (page + 1) << 12);
        fx.dirty[page] = 0;
    }
    restore_range(fx.hpt_start, fx.guard.image_end);
    *fx.cpu = fx.saved_cpu;
    fx.guard.bad_stores = 0;
    fw_guard_reset_call(&fx.guard);
}

static uint64_t argument(fuzz_input *in, unsigned mode)
{
    uint64_t v = fuzz_u64(in);
    switch (mode & 3) {
    case 0: return v;
    case 1: return v % 0x40000;                   /* indices around the table sizes */
    case 2: return GUEST_BLOCK + (v % BLOCK_MAX); /* into the guest block */
    default: return known_values[v % (sizeof(known_values) / sizeof(known_values[0]))];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fx.m) boot();
    fuzz_input in = {data, size, 0};
    uint8_t selector = fuzz_u8(&in);
    uint64_t r3 =
        selector < 0xc0 ? hcalls[selector % (sizeof(hcalls) / sizeof(hcalls[0]))] : fuzz_u64(&in);
    uint64_t msr = guest_msrs[fuzz_u8(&in) % (sizeof(guest_msrs) / sizeof(guest_msrs[0]))];
    uint32_t modes = fuzz_u32(&in);
    uint64_t args[9];
    for (unsigned i = 0; i < 9; i++)
        args[i] = argument(&in, modes >> (2 * i));
    size_t block_len;
    const uint8_t *block = fuzz_rest(&in, &block_len);
    if (block_len > BLOCK_MAX) block_len = BLOCK_MAX;
    memcpy(fx.ram + HV_DEFAULT_RMOR + GUEST_BLOCK, block, block_len);
    fx.dirty[(HV_DEFAULT_RMOR + GUEST_BLOCK) >> 12] = 1;
    fx.dirty[(HV_DEFAULT_RMOR + GUEST_BLOCK + BLOCK_MAX - 1) >> 12] = 1;

    cpu_set_msr(fx.cpu, msr);
    cpu_set_gpr(fx.cpu, 3, r3);
    for (unsigned i = 0; i < 9; i++)
        cpu_set_gpr(fx.cpu, 4 + i, args[i]);
    cpu_exit why = cpu_run_observed(fx.cpu, HCALL_BUDGET, &observer);

    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "hcall 0x%llx -> exit %d, NIP 0x%llx, r3 0x%llx, r4 0x%llx\n",
                (unsigned long long)r3, (int)why, (unsigned long long)cpu_get_nip(fx.cpu),
                (unsigned long long)cpu_get_gpr(fx.cpu, 3),
                (unsigned long long)cpu_get_gpr(fx.cpu, 4));
    char what[256];
    fw_guard_describe(&fx.guard, what, sizeof(what));
    FUZZ_CHECK(fw_guard_clean(&fx.guard), "hcall 0x%llx: %s", (unsigned long long)r3, what);
    FUZZ_CHECK(why == CPU_EXIT_STOP || why == CPU_EXIT_BUDGET, "hcall 0x%llx: exit %d (%s)",
               (unsigned long long)r3, (int)why, cpu_exit_detail(fx.cpu));
    uint64_t flags = 0;
    for (int i = 0; i < 8; i++)
        flags = flags << 8 | fx.ram[HV_BOOTPARAMS_PHYS + BP_EXIT_FLAGS + (unsigned)i];
    FUZZ_CHECK(!(flags & HV_EXIT_FIRMWARE_ERROR),
               "hcall 0x%llx: the firmware reported an error of its own", (unsigned long long)r3);
    FUZZ_CHECK(fw_guard_checksum_below(&fx.guard, fx.ram, fx.guard.image_end) == fx.image_sum,
               "hcall 0x%llx: the firmware image changed", (unsigned long long)r3);
    restore();
    return 0;
}
