/* hcallsim run's system (tools/hcallsim/hv_system.c): the real firmware hv.elf booted with small
 * hand-built guest ELFs; placement as QEMU pseries, the boot-parameter block, both device trees,
 * the guest's exit status, refusals before anything runs, and PC labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "hv_system.h"

#ifndef HCALLSIM_TEST_HV_ELF
#error "the build defines HCALLSIM_TEST_HV_ELF (tests/integration/run.cmake)"
#endif

enum {
    EM_X86_64 = 62,
    EM_PPC64 = 21,
    ET_EXEC = 2,
    ET_DYN = 3,
    CODE_OFFSET = 0x100, /* file offset of the one segment */
    DATA_AT = 0x100,     /* segment offset of the console bytes */
    RTAS_AT = 0x120,     /* segment offset of the rtas_args block */
    SEGMENT_SIZE = 0x140,
};

/* The guest, running at guest real 0x400000 in 32-bit mode: H_PUT_TERM_CHAR of
 * "EXIT: STATUS=5\n" (15 bytes in r6/r7), then H_RTAS power-off; spins if that returns. */
static const uint32_t guest_code[] = {
    0x3d200040, /* lis r9,0x40 */
    0xe8c90100, /* ld r6,0x100(r9) */
    0xe8e90108, /* ld r7,0x108(r9) */
    0x38600058, /* li r3,H_PUT_TERM_CHAR */
    0x38800000, /* li r4,0 */
    0x38a0000f, /* li r5,15 */
    0x44000022, /* sc 1 */
    0x38600000, /* li r3,0 */
    0x6063f000, /* ori r3,r3,H_RTAS */
    0x38890120, /* addi r4,r9,0x120 */
    0x44000022, /* sc 1 */
    0x48000000, /* b . */
};
static const uint32_t rtas_power_off[] = {0x2003, 2, 1, 0, 0, 0};

static void be(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* An ELF64 big-endian ELFv2 image with one RWX PT_LOAD of memsz bytes: the guest above. */
static size_t make_guest(uint8_t *buf, uint16_t type, uint16_t elf_machine, uint64_t vaddr,
                         uint64_t paddr, uint64_t memsz)
{
    memset(buf, 0, CODE_OFFSET + SEGMENT_SIZE);
    memcpy(buf, "\177ELF\2\2\1", 7);
    be(buf + 16, 2, type);
    be(buf + 18, 2, elf_machine);
    be(buf + 20, 4, 1);     /* e_version */
    be(buf + 24, 8, vaddr); /* e_entry */
    be(buf + 32, 8, 64);    /* e_phoff */
    be(buf + 48, 4, 2);     /* e_flags: ELFv2 */
    be(buf + 52, 2, 64);    /* e_ehsize */
    be(buf + 54, 2, 56);    /* e_phentsize */
    be(buf + 56, 2, 1);     /* e_phnum */
    uint8_t *ph = buf + 64;
    be(ph, 4, 1);     /* PT_LOAD */
    be(ph + 4, 4, 7); /* RWX */
    be(ph + 8, 8, CODE_OFFSET);
    be(ph + 16, 8, vaddr);
    be(ph + 24, 8, paddr);
    be(ph + 32, 8, SEGMENT_SIZE);
    be(ph + 40, 8, memsz);
    be(ph + 48, 8, 0x10000);
    uint8_t *seg = buf + CODE_OFFSET;
    for (size_t i = 0; i < sizeof(guest_code) / 4; i++)
        be(seg + 4 * i, 4, guest_code[i]);
    memcpy(seg + DATA_AT, "EXIT: STATUS=5\n", 15);
    for (size_t i = 0; i < sizeof(rtas_power_off) / 4; i++)
        be(seg + RTAS_AT + 4 * i, 4, rtas_power_off[i]);
    return CODE_OFFSET + SEGMENT_SIZE;
}

typedef struct fixture {
    uint8_t *firmware;
    size_t firmware_size;
    uint8_t guest[CODE_OFFSET + SEGMENT_SIZE];
    size_t guest_size;
    hv_system sys;
    char err[512];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f) return -1;
    if (loader_read_file(HCALLSIM_TEST_HV_ELF, 64u << 20, &f->firmware, &f->firmware_size, f->err,
                         sizeof(f->err))) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->sys.m) hv_system_destroy(&f->sys);
    free(f->firmware);
    free(f);
    return 0;
}

static loader_error create(fixture *f, uint64_t partition_size, const char *bootargs)
{
    hv_system_config c = {
        .firmware = {f->firmware, f->firmware_size, "hv.elf"},
        .guest = {f->guest, f->guest_size, "guest.elf"},
        .partition_size = partition_size,
        .bootargs = bootargs,
        .tod_seconds = 1700000000,
        .boot_flags = bootparams_quiet(),
    };
    return hv_system_create(&c, &f->sys, f->err, sizeof(f->err));
}

/* Runs to the BMC stop; the guest's status. */
static hv_guest_exit run_to_power_off(fixture *f)
{
    assert_int_equal(cpu_run(machine_cpu(f->sys.m), 10000000), CPU_EXIT_STOP);
    return hv_system_guest_exit(&f->sys);
}

static void assert_guest_at_kernel_addr(fixture *f)
{
    const uint8_t *ram = machine_ram(f->sys.m);
    assert_int_equal(f->sys.guest_entry, 0x400000);
    assert_int_equal(f->sys.guest_low, 0x400000);
    assert_int_equal(get_be(ram + f->sys.rmor + 0x400000, 4), guest_code[0]);
    hv_guest_exit x = run_to_power_off(f);
    assert_true(x.powered_off);
    assert_true(x.status_valid);
    assert_false(x.firmware_error);
    assert_int_equal(x.status, 5);
}

static void exec_at_its_address(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, SEGMENT_SIZE);
    assert_int_equal(create(f, 0, NULL), LOADER_OK);
    assert_false(f->sys.guest_moved);
    assert_guest_at_kernel_addr(f);
}

/* vmlinux-style: linked at 0x400000 (or 0xc000...), physical addresses from 0: QEMU puts it at
 * 0x400000 + p_paddr. */
static void exec_with_paddr_0_moves_like_qemu(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0, SEGMENT_SIZE);
    assert_int_equal(create(f, 0, NULL), LOADER_OK);
    assert_true(f->sys.guest_moved);
    assert_guest_at_kernel_addr(f);
}

static void dyn_at_kernel_addr(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_DYN, EM_PPC64, 0, 0, SEGMENT_SIZE);
    assert_int_equal(create(f, 0, NULL), LOADER_OK);
    assert_false(f->sys.guest_moved);
    assert_guest_at_kernel_addr(f);
}

static void bootparams_and_device_trees(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, SEGMENT_SIZE);
    assert_int_equal(create(f, 64ull << 20, "console=hvc0 quiet"), LOADER_OK);
    const uint8_t *ram = machine_ram(f->sys.m);
    const uint8_t *bp = ram + bootparams_phys();
    assert_int_equal(f->sys.rmor, 64ull << 20);
    assert_int_equal(machine_ram_size(f->sys.m), 128ull << 20);
    assert_int_equal(f->sys.fdt_addr, (64ull << 20) - 0x200000);
    assert_int_equal(get_be(bp + 0, 8), 0x4843414c4c425031ull); /* "HCALLBP1" */
    assert_int_equal(get_be(bp + 8, 8), 1);
    assert_int_equal(get_be(bp + 16, 8), 0x400000); /* guest_entry */
    assert_int_equal(get_be(bp + 24, 8), 0);        /* guest_msr: 32-bit pseries start */
    assert_int_equal(get_be(bp + 32, 8), f->sys.fdt_addr);
    assert_int_equal(get_be(bp + 40, 8), 64ull << 20); /* rmor */
    assert_int_equal(get_be(bp + 48, 8), 64ull << 20); /* rma_size */
    assert_int_equal(get_be(bp + 64, 8), 1700000000);  /* tod_seconds */
    assert_int_equal(get_be(bp + 72, 8), bootparams_quiet());
    /* the guest's tree in the partition, the machine's where powernv8 puts it */
    const uint8_t *fdt = ram + f->sys.rmor + f->sys.fdt_addr;
    assert_int_equal(get_be(fdt, 4), 0xd00dfeed);
    assert_non_null(memmem(fdt, get_be(fdt + 4, 4), "console=hvc0 quiet", 19));
    assert_non_null(memmem(fdt, get_be(fdt + 4, 4), "qemu,pseries", 12));
    assert_int_equal(get_be(ram + MACHINE_FDT_ADDR, 4), 0xd00dfeed);
    /* the CPU at the firmware's entry, in hypervisor real mode */
    assert_int_equal(cpu_get_nip(machine_cpu(f->sys.m)), 0x10);
    assert_true(cpu_get_msr(machine_cpu(f->sys.m)) & MSR_HV);
}

static void refusals_before_anything_runs(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_X86_64, 0x400000, 0x400000, SEGMENT_SIZE);
    assert_int_equal(create(f, 0, NULL), LOADER_ERR_MACHINE);
    assert_non_null(strstr(f->err, "guest.elf"));
    assert_null(f->sys.m);
    /* 30 MiB below the device tree of a 32 MiB partition: 26 MiB from 0x400000 */
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, (26ull << 20) + 1);
    assert_int_equal(create(f, 32ull << 20, NULL), LOADER_ERR_FIT);
    assert_non_null(strstr(f->err, "guest space"));
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, 26ull << 20);
    assert_int_equal(create(f, 32ull << 20, NULL), LOADER_OK);
    hv_system_destroy(&f->sys);
    /* truncated: the header promises a segment past the end */
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, SEGMENT_SIZE);
    f->guest_size = CODE_OFFSET + 8;
    assert_int_equal(create(f, 0, NULL), LOADER_ERR_TRUNCATED);
    /* a firmware that is not an ELF */
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, SEGMENT_SIZE);
    f->firmware[1] = 'X';
    assert_int_equal(create(f, 0, NULL), LOADER_ERR_NOT_ELF);
    assert_non_null(strstr(f->err, "hv.elf"));
}

static void partition_sizes(void **state)
{
    (void)state;
    uint64_t good[] = {32ull << 20,  64ull << 20, 128ull << 20,
                       256ull << 20, 1ull << 30,  16ull << 30};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(hv_system_partition_size_valid(good[i]));
    uint64_t bad[] = {0, 16ull << 20, 48ull << 20, 512ull << 20, 2ull << 30, 256ull << 30};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(hv_system_partition_size_valid(bad[i]));
    /* QEMU 7.2 spapr: 2 MiB below the top of the RMA, at most 2 GiB */
    assert_int_equal(hv_system_fdt_addr(32ull << 20), 0x1e00000);
    assert_int_equal(hv_system_fdt_addr(256ull << 20), 0xfe00000);
    assert_int_equal(hv_system_fdt_addr(16ull << 30), 0x7fe00000);
}

static void pc_labels(void **state)
{
    fixture *f = *state;
    f->guest_size = make_guest(f->guest, ET_EXEC, EM_PPC64, 0x400000, 0x400000, SEGMENT_SIZE);
    assert_int_equal(create(f, 0, NULL), LOADER_OK);
    char buf[128];
    hv_system_locate(&f->sys, 0xc000000000000010ull, MSR_HV | MSR_SF, buf, sizeof(buf));
    assert_string_equal(buf, "firmware hv_entry");
    hv_system_locate(&f->sys, 0x10, MSR_HV, buf, sizeof(buf));
    assert_string_equal(buf, "firmware hv_entry");
    hv_system_locate(&f->sys, 0x400004, 0, buf, sizeof(buf)); /* no symbols in this guest */
    assert_string_equal(buf, "guest");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exec_at_its_address, setup, teardown),
        cmocka_unit_test_setup_teardown(exec_with_paddr_0_moves_like_qemu, setup, teardown),
        cmocka_unit_test_setup_teardown(dyn_at_kernel_addr, setup, teardown),
        cmocka_unit_test_setup_teardown(bootparams_and_device_trees, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_before_anything_runs, setup, teardown),
        cmocka_unit_test(partition_sizes),
        cmocka_unit_test_setup_teardown(pc_labels, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
