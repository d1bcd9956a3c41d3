/* The hostile-guest suite (docs/robustness.md): each src/guest/hostile_*.elf runs on the system
 * `hcallsim run` boots (tools/hcallsim/hv_system.c: hv.elf + the guest in a 32 MiB partition).
 *
 * After the firmware has booted and entered the guest, the test checksums the firmware's memory
 * (physical [0, RMOR): image, .bss, tables, device tree, boot block) without the structures hcalls
 * may change (tests/fuzz/fw_guard.h) and saves the hypervisor SPRs.  The guest then runs with a
 * store watch on firmware memory.  Afterwards: no store outside those structures, the same
 * checksum, the same hypervisor SPRs, the guest's own checks passed (it prints "N failures") and
 * the run ended as documented (power-off with the guest's status, or the budget). */
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
        .tod_seconds = 1700000000,
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

    if (!fw_guard_init(&r->guard, r->s.firmware_symbols, r->s.rmor, err, sizeof(err)))
        fail_msg("%s", err);
    r->sum_before = fw_guard_checksum(&r->guard, ram);
    save_sprs(cpu, r->sprs_before);

    const cpu_observer watch = {.ctx = &r->guard, .mem_access = fw_guard_mem_access};
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
    if (r->guard.bad_stores) fail_msg("%s", what);
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
    hostile_free(&r);
}

/* The guard itself: a store into the firmware's code is flagged and changes the checksum; a store
 * into a structure hcalls may change (the vcpu, a TCE table, the boot block's exit status) is
 * neither. */
static void test_guard_tells_structures_from_the_rest(void **state)
{
    hostile_run r;
    hostile_run_guest(&r, "tce_demo", 0);
    ppc_cpu *cpu = machine_cpu(r.s.m);
    uint8_t *ram = machine_ram(r.s.m);
    const symtab *fw = r.s.firmware_symbols;
    const uint64_t allowed[] = {symtab_find(fw, "hv_vcpu")->addr + 8,
                                symtab_find(fw, "hv_tce0")->addr + 0x100,
                                FW_GUARD_BOOTPARAMS + BP_EXIT_STATUS};
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        fw_guard_mem_access(&r.guard, cpu, 0, allowed[i], 8, true);
        ram[allowed[i]] ^= 0xff;
    }
    assert_int_equal(r.guard.bad_stores, 0);
    assert_int_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);

    const uint64_t code = symtab_find(fw, "kvmppc_h_put_tce")->addr;
    fw_guard_mem_access(&r.guard, cpu, 0, code, 4, true);
    fw_guard_mem_access(&r.guard, cpu, 0, code, 4, false); /* loads are fine */
    assert_int_equal(r.guard.bad_stores, 1);
    assert_int_equal(r.guard.first_bad_pa, code);
    ram[code] ^= 0x01;
    assert_int_not_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);
    ram[code] ^= 0x01;
    ram[MACHINE_FDT_ADDR + 100] ^= 0x01; /* the machine's device tree is guarded too */
    assert_int_not_equal(fw_guard_checksum(&r.guard, ram), r.sum_before);
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
        cmocka_unit_test(test_guard_tells_structures_from_the_rest),
        cmocka_unit_test(test_hostile_hcalls),
        cmocka_unit_test(test_hostile_access),
        cmocka_unit_test(test_hostile_loop),
        cmocka_unit_test(test_hostile_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
