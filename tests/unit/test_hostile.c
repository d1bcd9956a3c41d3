/* The hostile-guest suite (docs/robustness.md): each src/guest/hostile_*.elf runs on the system
 * `hcallsim run` boots (tools/hcallsim/hv_system.c: hv.elf + the guest in a 32 MiB partition).
 *
 * After the firmware has booted and entered the guest, the test checksums the firmware's memory
 * (physical [0, RMOR): image, .bss, tables, device tree, boot block) without the structures hcalls
 * may change (tests/fuzz/fw_guard.h) and saves the hypervisor SPRs.  The guest then runs with a
 * per-call store watch on firmware memory: each hcall or guest exit may store only into its own
 * allowed set (the slots its arguments name, the exit's save areas).  Afterwards: no store
 * outside a call's set, the same checksum, the same hypervisor SPRs, the guest's own checks
 * passed (it prints "N failures") and the run ended as documented (power-off with the guest's
 * status, or the budget). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/spr.h"
#include "fw_guard.h"
#include "hv_system.h"
#include "loader/loader.h"
#include "platform/machine.h"

#ifndef HOSTILE_GUEST_DIR
#error "HOSTILE_GUEST_DIR and HOSTILE_HV_ELF come from tests/integration/hostile.cmake"
#endif

#define PARTITION    (32ull << 20)
#define MAX_STATUSES 16
#define BOOT_BUDGET  5000000ull
#define GUEST_BUDGET 200000000ull

static const unsigned hypervisor_sprs[] = {SPR_LPCR, SPR_HRMOR,  SPR_RMOR, SPR_LPIDR,
                                           SPR_SDR1, SPR_HSPRG0, SPR_HID0};
#define NSPRS (sizeof(hypervisor_sprs) / sizeof(hypervisor_sprs[0]))

typedef struct hostile_run {
    hv_system s;
    fw_guard guard;
    uint64_t sum_before, sum_after;
    uint64_t sprs_before[NSPRS], sprs_after[NSPRS];
    cpu_exit why;
    hv_guest_exit exit;
    FILE *console;
    char *text;
    size_t text_len;
    /* every value the firmware stored into the boot block's exit_status, in order */
    uint64_t statuses[MAX_STATUSES];
    unsigned nstatuses;
    bool status_stored;
} hostile_run;

static uint8_t *read_whole(const char *path, size_t *size)
{
    uint8_t *data;
    char err[256];
    if (loader_read_file(path, 64ull << 20, &data, size, err, sizeof(err)) != LOADER_OK)
        fail_msg("%s", err);
    return data;
}

static void stop_in_guest(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    if (!(cpu_get_msr(cpu) & MSR_HV)) cpu_request_stop(cpu);
}

static void save_sprs(ppc_cpu *cpu, uint64_t *out)
{
    for (size_t i = 0; i < NSPRS; i++)
        out[i] = cpu_get_spr(cpu, hypervisor_sprs[i]);
}

/* The observer of a guarded run: the guard's hooks, plus the exit-status recorder. */
static void watch_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    fw_guard_before(&((hostile_run *)ctx)->guard, cpu, insn);
}

static void watch_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    hostile_run *r = ctx;
    if (!r->status_stored) return;
    r->status_stored = false;
    if (r->nstatuses < MAX_STATUSES)
        r->statuses[r->nstatuses++] =
            fw_guard_read64(machine_ram(r->s.m), r->guard.bootparams + BP_EXIT_STATUS);
}

static void watch_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    fw_guard_interrupt(&((hostile_run *)ctx)->guard, cpu, vector, saved_pc);
}

static void watch_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                             bool is_store)
{
    hostile_run *r = ctx;
    fw_guard_mem_access(&r->guard, cpu, ea, pa, size, is_store);
    if (is_store && pa == r->guard.bootparams + BP_EXIT_STATUS) r->status_stored = true;
}

/* Boots hv.elf with the guest, runs it under the guard, fills r (free with hostile_free). */
static void hostile_run_guest(hostile_run *r, const char *guest, uint64_t budget)
{
    memset(r, 0, sizeof(*r));
    char guest_path[512];
    snprintf(guest_path, sizeof(guest_path), "%s/%s.elf", HOSTILE_GUEST_DIR, guest);
    size_t fw_size, guest_size;
    uint8_t *fw = read_whole(HOSTILE_HV_ELF, &fw_size);
    uint8_t *g = read_whole(guest_path, &guest_size);
    r->console = open_memstream(&r->text, &r->text_len);
    assert_non_null(r->console);
    hv_system_config c = {
        .firmware = {fw, fw_size, "hv.elf"},
        .guest = {g, guest_size, guest},
        .partition_size = PARTITION,
        .tod_seconds = 1735689600, /* 2025-01-01: hcall_all checks the year is >= 2024 */
        .console = r->console,
    };
    char err[512];
    if (hv_system_create(&c, &r->s, err, sizeof(err)) != LOADER_OK) fail_msg("%s", err);
    free(fw);
    free(g);
    ppc_cpu *cpu = machine_cpu(r->s.m);
    uint8_t *ram = machine_ram(r->s.m);

    /* Up to the guest's first instruction: the firmware's own setup is not under test. */
    const cpu_observer boot = {.after = stop_in_guest};
    assert_int_equal(cpu_run_observed(cpu, BOOT_BUDGET, &boot), CPU_EXIT_STOP);
    assert_false(cpu_get_msr(cpu) & MSR_HV);

    if (!fw_guard_init(&r->guard, r->s.firmware_symbols, r->s.rmor, ram, err, sizeof(err)))
        fail_msg("%s", err);
    r->sum_before = fw_guard_checksum(&r->guard, ram);
    save_sprs(cpu, r->sprs_before);

    const cpu_observer watch = {.ctx = r,
                                .before = watch_before,
                                .after = watch_after,
                                .interrupt = watch_interrupt,
                                .mem_access = watch_mem_access};
    r->why = cpu_run_observed(cpu, budget, &watch);
    r->sum_after = fw_guard_checksum(&r->guard, ram);
    save_sprs(cpu, r->sprs_after);
    r->exit = hv_system_guest_exit(&r->s);
    fflush(r->console);
}

static void hostile_free(hostile_run *r)
{
    hv_system_destroy(&r->s);
    fclose(r->console);
    free(r->text);
}

/* The checks every hostile guest must pass, whatever it did. */
static void assert_firmware_intact(const hostile_run *r)
{
    char what[300];
    fw_guard_describe(&r->guard, what, sizeof(what));
    if (!fw_guard_clean(&r->guard)) fail_msg("%s", what);
    assert_int_equal(r->sum_after, r->sum_before);
    for (size_t i = 0; i < NSPRS; i++)
        if (r->sprs_after[i] != r->sprs_before[i])
            fail_msg("hypervisor SPR %u changed: 0x%llx -> 0x%llx", hypervisor_sprs[i],
                     (unsigned long long)r->sprs_before[i], (unsigned long long)r->sprs_after[i]);
    assert_false(r->exit.firmware_error);
}

/* Powered off through RTAS with this status, and the guest's checks all passed. */
static void assert_guest_passed(const hostile_run *r, const char *summary, int64_t status)
{
    if (r->why != CPU_EXIT_STOP || !r->exit.powered_off)
        fail_msg("run ended with cpu_exit %d, powered_off %d:\n%s", (int)r->why,
                 r->exit.powered_off, r->text);
    assert_true(r->exit.status_valid);
    if (r->exit.status != status || (summary && !strstr(r->text, summary)) ||
        strstr(r->text, "FAIL "))
        fail_msg("status %lld (expected %lld):\n%s", (long long)r->exit.status, (long long)status,
                 r->text);
}

/* The per-call guard on well-behaved guests: hcall_all makes every hcall with valid arguments
 * (H_ENTER/H_REMOVE/H_PROTECT/H_BULK_REMOVE on live HPTEs, H_PUT_TCE into both tables, RTAS, H_CEDE
 * with the decrementer...), tce_demo the seed's H_PUT_TCE: each call stays inside its set. */
static void test_guard_on_valid_calls(void **state)
{
    static const char *const guests[] = {"hcall_all", "tce_demo"};
    for (size_t i = 0; i < sizeof(guests) / sizeof(guests[0]); i++) {
        hostile_run r;
        hostile_run_guest(&r, guests[i], GUEST_BUDGET);
        assert_firmware_intact(&r);
        assert_guest_passed(&r, NULL, 0);
        hostile_free(&r);
    }
}

static void test_hostile_hcalls(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "hostile_hcalls", GUEST_BUDGET);
    assert_firmware_intact(&r);
    assert_guest_passed(&r, "hostile_hcalls: 0 failures", 0);
    hostile_free(&r);
}

static void test_hostile_access(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "hostile_access", GUEST_BUDGET);
    assert_firmware_intact(&r);
    assert_guest_passed(&r, "hostile_access: 0 failures", 0);
    hostile_free(&r);
}

static void test_hostile_privileged(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "hostile_privileged", GUEST_BUDGET);
    assert_firmware_intact(&r);
    assert_guest_passed(&r, "hostile_privileged: 0 failures", 0);
    hostile_free(&r);
}

static void test_hostile_loop(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "hostile_loop", 3000000);
    assert_firmware_intact(&r);
    assert_int_equal(r.why, CPU_EXIT_BUDGET);
    assert_false(r.exit.powered_off);
    hostile_free(&r);
}

static void test_hostile_flood(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "hostile_flood", GUEST_BUDGET);
    assert_firmware_intact(&r);
    assert_guest_passed(&r, NULL, 5);
    assert_true(r.text_len > 64 * 1024 + 20000);
    /* The firmware saturates statuses beyond int64_t (console.c); the last line wins. */
    const uint64_t expected[] = {
        INT64_MAX,           INT64_MAX,           INT64_MAX, (uint64_t)INT64_MIN,
        (uint64_t)INT64_MIN, (uint64_t)INT64_MIN, 5};
    assert_int_equal(r.nstatuses, sizeof(expected) / sizeof(expected[0]));
    for (unsigned i = 0; i < r.nstatuses; i++)
        if (r.statuses[i] != expected[i])
            fail_msg("exit status %u: 0x%llx, expected 0x%llx", i,
                     (unsigned long long)r.statuses[i], (unsigned long long)expected[i]);
    hostile_free(&r);
}

/* The guard's checksum: a change to the firmware's code or the machine's device tree changes it,
 * a change inside a structure hcalls may change (the vcpu, a TCE table, the boot block's exit
 * status) does not. */
static void test_guard_checksum_skips_structures(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "tce_demo", 0);
    uint8_t *ram = machine_ram(r.s.m);
    const symtab *fw = r.s.firmware_symbols;
    const uint64_t inside[] = {r.guard.vcpu + 8, symtab_find(fw, "hv_tce0")->addr + 0x100,
                               r.guard.bootparams + BP_EXIT_STATUS};
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
        ram[inside[i]] ^= 0xff;
    assert_int_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);

    const uint64_t code = symtab_find(fw, "kvmppc_h_put_tce")->addr;
    ram[code] ^= 0x01;
    assert_int_not_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);
    ram[code] ^= 0x01;
    ram[MACHINE_FDT_ADDR + 100] ^= 0x01; /* the machine's device tree is guarded too */
    assert_int_not_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);
    hostile_free(&r);
}

/* Enters a firmware call as the CPU does: a guest instruction (MSR guest_msr), then the interrupt
 * into hypervisor state with the guest's r3..r5 (and SRR1 = the guest MSR). */
static void enter_call(hostile_run *r, unsigned vector, uint64_t guest_msr, uint64_t r3,
                       uint64_t r4, uint64_t r5)
{
    ppc_cpu *cpu = machine_cpu(r->s.m);
    cpu_set_msr(cpu, guest_msr);
    fw_guard_before(&r->guard, cpu, NULL);
    cpu_set_gpr(cpu, 3, r3);
    cpu_set_gpr(cpu, 4, r4);
    cpu_set_gpr(cpu, 5, r5);
    cpu_set_spr(cpu, SPR_SRR1, guest_msr);
    cpu_set_msr(cpu, MSR_SF | MSR_HV | MSR_ME);
    fw_guard_interrupt(&r->guard, cpu, vector, 0);
}

/* The firmware executes at pc (a path of its own: guest_exit_cont, hv_power_off...) */
static void firmware_at(hostile_run *r, uint64_t pc)
{
    ppc_cpu *cpu = machine_cpu(r->s.m);
    cpu_set_nip(cpu, pc);
    fw_guard_before(&r->guard, cpu, NULL);
}

static bool store_allowed(hostile_run *r, uint64_t pa, unsigned size)
{
    uint64_t before = r->guard.bad_stores;
    fw_guard_mem_access(&r->guard, machine_cpu(r->s.m), 0, pa, size, true);
    return r->guard.bad_stores == before;
}

#define GUEST_MSR_SUPERVISOR (MSR_SF | MSR_ME)
#define VCPU_AT(member)      (r.guard.vcpu + offsetof(struct kvm_vcpu, member))

/* Per call: H_PUT_TCE may write the one entry its liobn and ioba name, the exit's save areas,
 * and the host side's fields only once the firmware went there; nothing after the return. */
static void test_guard_put_tce_call(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "tce_demo", 0);
    const symtab *fw = r.s.firmware_symbols;
    const uint64_t tce0 = symtab_find(fw, "hv_tce0")->addr, tce1 = symtab_find(fw, "hv_tce1")->addr;
    const uint64_t code = symtab_find(fw, "kvmppc_h_put_tce")->addr;

    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PUT_TCE, HV_TCE_LIOBN0,
               0x2fff);
    assert_true(store_allowed(&r, tce0 + 2 * 8, 8));
    assert_true(store_allowed(&r, VCPU_AT(gpr[3]), 8));
    assert_true(store_allowed(&r, VCPU_AT(trap), 4));
    assert_true(store_allowed(&r, symtab_find(fw, "hv_stack")->addr + 0x100, 8));
    assert_int_equal(r.guard.bad_stores, 0);
    fw_guard_mem_access(&r.guard, machine_cpu(r.s.m), 0, code, 4, false); /* loads are fine */
    assert_int_equal(r.guard.bad_stores, 0);

    assert_false(store_allowed(&r, tce0 + 3 * 8, 8));  /* the neighbouring entry */
    assert_false(store_allowed(&r, tce0 + 2 * 8, 16)); /* straddling into it */
    assert_false(store_allowed(&r, tce1 + 2 * 8, 8));  /* the other liobn's table */
    assert_false(store_allowed(&r, r.guard.hpt, 8));
    assert_false(store_allowed(&r, VCPU_AT(kvm), 8));
    assert_false(store_allowed(&r, VCPU_AT(icp), 1));
    assert_false(store_allowed(&r, code, 4));
    assert_false(store_allowed(&r, VCPU_AT(stat_exits), 8)); /* real mode only so far */
    assert_false(store_allowed(&r, VCPU_AT(gpr[20]), 8));
    assert_int_equal(r.guard.bad_stores, 9);
    assert_int_equal(r.guard.first_bad_pa, tce0 + 3 * 8);
    assert_true(r.guard.first_bad_in_call);
    assert_int_equal(r.guard.first_bad_r3, H_PUT_TCE);

    firmware_at(&r, r.guard.host_side_pc); /* H_TOO_HARD: the full exit */
    assert_true(store_allowed(&r, VCPU_AT(stat_exits), 8));
    assert_true(store_allowed(&r, VCPU_AT(gpr[20]), 8));
    assert_false(store_allowed(&r, VCPU_AT(stat_reflected), 8));

    cpu_set_msr(machine_cpu(r.s.m), GUEST_MSR_SUPERVISOR); /* hrfid: back in the guest */
    fw_guard_before(&r.guard, machine_cpu(r.s.m), NULL);
    assert_false(r.guard.in_call);
    assert_false(store_allowed(&r, VCPU_AT(gpr[3]), 8)); /* no call: no store at all */
    assert_false(fw_guard_clean(&r.guard));

    /* ioba at the window's end and an unknown liobn: no table entry at all */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PUT_TCE, HV_TCE_LIOBN0,
               HV_TCE_WINDOW0);
    for (uint64_t a = tce0; a < tce0 + (HV_TCE_WINDOW0 >> SPAPR_TCE_SHIFT) * 8; a += 8)
        if (store_allowed(&r, a, 8)) fail_msg("TCE entry at 0x%llx allowed", (unsigned long long)a);
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PUT_TCE, HV_TCE_LIOBN1 + 1, 0);
    assert_false(store_allowed(&r, tce1, 8));
    assert_false(store_allowed(&r, tce0, 8));
    /* liobn 1's window is smaller: an ioba valid for liobn 0 is outside it */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PUT_TCE, HV_TCE_LIOBN1,
               HV_TCE_WINDOW1 - 0x1000);
    assert_true(store_allowed(&r, tce1 + ((HV_TCE_WINDOW1 >> SPAPR_TCE_SHIFT) - 1) * 8, 8));
    assert_false(store_allowed(&r, tce1 + (HV_TCE_WINDOW1 >> SPAPR_TCE_SHIFT) * 8, 8));
    hostile_free(&r);
}

/* Per call: the HPT hcalls may write the HPTEs (and revmap entries) their pte_index names. */
static void test_guard_hpt_calls(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "tce_demo", 0);
    const uint64_t hpt = r.guard.hpt, revmap = r.guard.revmap;
    const uint64_t rev = sizeof(struct revmap_entry);

    /* H_ENTER without H_EXACT: any slot of the group of 13 (8..15) */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_ENTER, 0, 13);
    assert_true(store_allowed(&r, hpt + 8 * FW_GUARD_HPTE, 8));
    assert_true(store_allowed(&r, hpt + 15 * FW_GUARD_HPTE + 8, 8));
    assert_true(store_allowed(&r, revmap + 8 * rev, 8));
    assert_false(store_allowed(&r, hpt + 7 * FW_GUARD_HPTE + 8, 8));
    assert_false(store_allowed(&r, hpt + 16 * FW_GUARD_HPTE, 8));
    assert_false(store_allowed(&r, revmap + 16 * rev, 8));
    /* with H_EXACT: only slot 13 */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_ENTER, H_EXACT, 13);
    assert_true(store_allowed(&r, hpt + 13 * FW_GUARD_HPTE, 16));
    assert_true(store_allowed(&r, revmap + 13 * rev, 8));
    assert_false(store_allowed(&r, hpt + 12 * FW_GUARD_HPTE, 8));
    /* H_REMOVE: the HPTE, not its revmap entry; out of range: nothing */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_REMOVE, 0, 5);
    assert_true(store_allowed(&r, hpt + 5 * FW_GUARD_HPTE, 8));
    assert_false(store_allowed(&r, revmap + 5 * rev, 8));
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_ENTER, H_EXACT,
               r.guard.hpt_npte);
    assert_false(store_allowed(&r, hpt + (r.guard.hpt_npte - 1) * FW_GUARD_HPTE, 8));
    assert_false(store_allowed(&r, revmap, 8)); /* the HPT's end is the revmap's start */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PROTECT, 0, ~0ull);
    assert_false(store_allowed(&r, hpt + (r.guard.hpt_npte - 1) * FW_GUARD_HPTE, 8));
    /* H_BULK_REMOVE: the HPTE each specifier names (r4 here) */
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_BULK_REMOVE,
               H_BULK_REMOVE_REQUEST | 77, 0);
    assert_true(store_allowed(&r, hpt + 77 * FW_GUARD_HPTE, 8));
    assert_false(store_allowed(&r, hpt + 78 * FW_GUARD_HPTE, 8));
    hostile_free(&r);
}

/* Per exit: reflected interrupts may count themselves; sc 1 from problem state is reflected, not
 * an hcall; H_RANDOM and H_SET_MODE own one kvm field each; power-off the exit flags. */
static void test_guard_exit_kinds(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "tce_demo", 0);
    const uint64_t tce0 = symtab_find(r.s.firmware_symbols, "hv_tce0")->addr;
    const uint64_t kvm_rng = r.guard.kvm + offsetof(struct kvm, rng_state);
    const uint64_t kvm_lpcr = r.guard.kvm + offsetof(struct kvm, lpcr);

    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR | MSR_PR, H_PUT_TCE,
               HV_TCE_LIOBN0, 0);
    assert_false(store_allowed(&r, tce0, 8));
    assert_true(store_allowed(&r, VCPU_AT(stat_reflected), 8));

    enter_call(&r, BOOK3S_INTERRUPT_H_EMUL_ASSIST, GUEST_MSR_SUPERVISOR, 0, 0, 0);
    assert_true(store_allowed(&r, VCPU_AT(stat_reflected), 8));
    assert_false(store_allowed(&r, VCPU_AT(fault_dar), 8));
    enter_call(&r, BOOK3S_INTERRUPT_H_DATA_STORAGE, GUEST_MSR_SUPERVISOR, 0, 0, 0);
    assert_true(store_allowed(&r, VCPU_AT(fault_dar), 8));
    assert_true(store_allowed(&r, VCPU_AT(fault_dsisr), 4));
    enter_call(&r, BOOK3S_INTERRUPT_HV_DECREMENTER, GUEST_MSR_SUPERVISOR, 0, 0, 0);
    assert_false(store_allowed(&r, VCPU_AT(stat_reflected), 8));

    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_RANDOM, 0, 0);
    assert_true(store_allowed(&r, kvm_rng, 8));
    assert_false(store_allowed(&r, kvm_lpcr, 8));
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_SET_MODE, 1, 4);
    assert_true(store_allowed(&r, kvm_lpcr, 8));
    assert_false(store_allowed(&r, kvm_rng, 8));
    assert_false(store_allowed(&r, r.guard.bootparams + BP_EXIT_FLAGS, 8));
    firmware_at(&r, r.guard.power_off_pc);
    assert_true(store_allowed(&r, r.guard.bootparams + BP_EXIT_FLAGS, 8));
    assert_false(store_allowed(&r, r.guard.bootparams + BP_EXIT_STATUS, 8));
    enter_call(&r, BOOK3S_INTERRUPT_SYSCALL, GUEST_MSR_SUPERVISOR, H_PUT_TERM_CHAR, 0, 1);
    assert_true(store_allowed(&r, r.guard.bootparams + BP_EXIT_STATUS, 8));
    assert_true(store_allowed(&r, r.guard.statics.start, 4));
    hostile_free(&r);
}

/* Regression (fuzz_raw_boot, tests/fuzz/corpus/raw_boot/regress-stwu-own-code-page): an
 * update-form store into the page of code being executed frees the decoded page while the
 * instruction still reads its fields (heap use after free, ASan).  The store and the update of
 * RA must both happen. */
static void test_store_update_into_own_code_page(void **state)
{
    machine *m = machine_create(&(machine_config){.ram_size = MACHINE_MIN_RAM});
    assert_non_null(m);
    uint8_t *ram = machine_ram(m);
    static const uint8_t code[] = {
        0x38, 0x20, 0x00, 0x00, /* 0x10: li r1,0 */
        0x38, 0x40, 0x12, 0x34, /* 0x14: li r2,0x1234 */
        0x94, 0x41, 0x00, 0x40, /* 0x18: stwu r2,0x40(r1) */
        0x48, 0x00, 0x00, 0x00, /* 0x1c: b . */
    };
    memcpy(ram + MACHINE_ENTRY, code, sizeof(code));
    machine_reset(m);
    ppc_cpu *cpu = machine_cpu(m);
    assert_int_equal(cpu_run(cpu, 4), CPU_EXIT_BUDGET);
    assert_int_equal(cpu_get_gpr(cpu, 1), 0x40);
    assert_memory_equal(ram + 0x40, ((uint8_t[]){0, 0, 0x12, 0x34}), 4);
    assert_int_equal(cpu_get_nip(cpu), 0x1c);
    machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_update_into_own_code_page),
        cmocka_unit_test(test_guard_checksum_skips_structures),
        cmocka_unit_test(test_guard_put_tce_call),
        cmocka_unit_test(test_guard_hpt_calls),
        cmocka_unit_test(test_guard_exit_kinds),
        cmocka_unit_test(test_guard_on_valid_calls),
        cmocka_unit_test(test_hostile_hcalls),
        cmocka_unit_test(test_hostile_access),
        cmocka_unit_test(test_hostile_privileged),
        cmocka_unit_test(test_hostile_loop),
        cmocka_unit_test(test_hostile_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
