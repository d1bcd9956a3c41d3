/* The powernv8 machine tree and the pseries guest tree, read back with libfdt.
 *
 * With two arguments (QEMU's own powernv8 and pseries dtbs, dumped by the fdt_matches_qemu test
 * of tests/integration/loader.cmake) every property we emit is also compared byte for byte with
 * QEMU's, except the deltas listed in known_deltas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "loader/fdt.h"
#include "loader/loader.h"

static const char *qemu_powernv_dtb, *qemu_pseries_dtb;

static uint8_t tree[FDT_PSERIES_MAX > FDT_POWERNV8_MAX ? FDT_PSERIES_MAX : FDT_POWERNV8_MAX];

static int node(const char *path)
{
    int off = fdt_path_offset(tree, path);
    if (off < 0) fail_msg("no node %s: %s", path, fdt_strerror(off));
    return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
    const void *v = fdt_getprop(tree, node(path), name, len);
    if (!v) fail_msg("no property %s in %s", name, path);
    return v;
}

static uint32_t prop_u32(const char *path, const char *name)
{
    int len;
    const fdt32_t *v = prop(path, name, &len);
    assert_int_equal(len, 4);
    return fdt32_to_cpu(*v);
}

/* Cell i of a property. */
static uint32_t prop_cell(const char *path, const char *name, int i)
{
    int len;
    const fdt32_t *v = prop(path, name, &len);
    assert_true((i + 1) * 4 <= len);
    return fdt32_to_cpu(v[i]);
}

static uint64_t prop_reg64(const char *path, int which)
{
    return ((uint64_t)prop_cell(path, "reg", 2 * which) << 32) |
           prop_cell(path, "reg", 2 * which + 1);
}

static void test_powernv8_tree(void **state)
{
    (void)state;
    assert_int_equal(fdt_build_powernv8(tree, sizeof(tree), 1ull << 30, 8), 0);
    assert_int_equal(fdt_check_header(tree), 0);
    assert_true(fdt_totalsize(tree) <= FDT_POWERNV8_MAX);
    assert_int_equal(fdt_node_check_compatible(tree, 0, "ibm,powernv"), 0);
    assert_int_equal(fdt_node_check_compatible(tree, 0, "qemu,powernv8"), 0);
    assert_string_equal(prop("/", "model", NULL), "IBM PowerNV (emulated by qemu)");
    assert_int_equal(prop_u32("/", "#address-cells"), 2);
    assert_int_equal(prop_reg64("/memory@0", 0), 0);
    assert_int_equal(prop_reg64("/memory@0", 1), 1ull << 30);
    assert_string_equal(prop("/memory@0", "device_type", NULL), "memory");

    const char *cpu = "/cpus/PowerPC,POWER8@8";
    assert_int_equal(prop_u32(cpu, "reg"), 8);
    assert_int_equal(prop_u32(cpu, "ibm,pir"), 8);
    assert_int_equal(prop_u32(cpu, "cpu-version"), 0x004d0200);
    assert_int_equal(prop_u32(cpu, "timebase-frequency"), 512000000);
    assert_string_equal(prop(cpu, "device_type", NULL), "cpu");
    assert_int_equal(prop_reg64("/interrupt-controller@3FFFF80008000", 0), 0x3ffff80008000ull);

    const char *lpc = "/xscom@3fc0000000000/isa@b0020";
    assert_int_equal(prop_reg64("/xscom@3fc0000000000", 0), 0x3fc0000000000ull);
    assert_int_equal(fdt_node_check_compatible(tree, node(lpc), "ibm,power8-lpc"), 0);
    assert_int_equal(prop_cell(lpc, "reg", 0), 0xb0020);
    const char *uart = "/xscom@3fc0000000000/isa@b0020/isa-serial@i3f8";
    assert_int_equal(prop_cell(uart, "reg", 0), 1); /* I/O space */
    assert_int_equal(prop_cell(uart, "reg", 1), 0x3f8);
    assert_int_equal(fdt_node_check_compatible(tree, node(uart), "ns16550"), 0);
    const char *bt = "/xscom@3fc0000000000/isa@b0020/isa-ipmi-bt@ie4";
    assert_int_equal(prop_cell(bt, "reg", 1), 0xe4);
    assert_int_equal(fdt_node_check_compatible(tree, node(bt), "ipmi-bt"), 0);
    node("/chosen");

    /* Another PIR moves the cpu and ICP nodes; RAM above 4 GiB needs both reg cells. */
    assert_int_equal(fdt_build_powernv8(tree, sizeof(tree), 5ull << 30, 0x10), 0);
    assert_int_equal(prop_u32("/cpus/PowerPC,POWER8@10", "ibm,pir"), 0x10);
    assert_int_equal(prop_reg64("/interrupt-controller@3FFFF80010000", 0), 0x3ffff80010000ull);
    assert_int_equal(prop_reg64("/memory@0", 1), 5ull << 30);
}

static void test_pseries_tree(void **state)
{
    (void)state;
    pseries_fdt_params p;
    pseries_fdt_params_init(&p, 32u << 20);
    p.bootargs = "console=hvc0 test=1";
    p.kernel_addr = 0x400000;
    p.kernel_size = 0x12345;
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), &p), 0);
    assert_int_equal(fdt_check_header(tree), 0);
    assert_string_equal(prop("/", "compatible", NULL), "qemu,pseries");
    assert_int_equal(prop_u32("/", "#size-cells"), 2);
    assert_int_equal(prop_reg64("/memory@0", 1), 32u << 20);
    assert_string_equal(prop("/chosen", "bootargs", NULL), "console=hvc0 test=1");
    assert_true(fdt_path_offset(tree, "/hypervisor") < 0);

    const char *cpu = "/cpus/PowerPC,POWER8@0";
    assert_int_equal(prop_u32(cpu, "reg"), 0);
    assert_int_equal(prop_u32(cpu, "ibm,ppc-interrupt-server#s"), 0);
    assert_int_equal(prop_u32(cpu, "timebase-frequency"), 0x1e848000);
    assert_int_equal(prop_u32(cpu, "clock-frequency"), 1000000000);
    assert_int_equal(prop_u32(cpu, "i-cache-line-size"), 128);
    assert_int_equal(prop_u32(cpu, "d-cache-line-size"), 128);
    assert_int_equal(prop_cell(cpu, "ibm,pft-size", 1), 18);
    assert_null(fdt_getprop(tree, node(cpu), "ibm,dec-bits", NULL));

    assert_int_equal(prop_u32("/rtas", "get-time-of-day"), 0x2001);
    assert_int_equal(prop_u32("/rtas", "set-time-of-day"), 0x2002);
    assert_int_equal(prop_u32("/rtas", "power-off"), 0x2003);
    assert_int_equal(prop_u32("/rtas", "display-character"), RTAS_DISPLAY_CHARACTER);
    assert_null(fdt_getprop(tree, node("/rtas"), "linux,rtas-entry", NULL));
    assert_int_equal(
        fdt_stringlist_search(tree, node("/rtas"), "ibm,hypertas-functions", "hcall-tce"), 4);
    assert_true(
        fdt_stringlist_search(tree, node("/rtas"), "ibm,hypertas-functions", "hcall-sprg0") >= 0);
    assert_string_equal(prop("/vdevice/vty@71000000", "compatible", NULL), "hvterm1");

    /* The kernel is reserved like QEMU does. */
    uint64_t addr, size;
    assert_int_equal(fdt_num_mem_rsv(tree), 1);
    assert_int_equal(fdt_get_mem_rsv(tree, 0, &addr, &size), 0);
    assert_int_equal(addr, 0x400000);
    assert_int_equal(size, 0x12345);

    /* Parameters that change the tree. */
    p.bootargs = NULL;
    p.timebase_frequency = 100000000;
    p.dec_bits = 32;
    p.hpt_shift = 20;
    p.kernel_size = 0;
    p.initrd_start = 0x800000;
    p.initrd_end = 0x900000;
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), &p), 0);
    assert_null(fdt_getprop(tree, node("/chosen"), "bootargs", NULL));
    assert_int_equal(prop_u32(cpu, "timebase-frequency"), 100000000);
    assert_int_equal(prop_u32(cpu, "ibm,dec-bits"), 32);
    assert_int_equal(prop_cell(cpu, "ibm,pft-size", 1), 20);
    assert_int_equal(prop_cell("/chosen", "linux,initrd-end", 1), 0x900000);
    assert_int_equal(fdt_num_mem_rsv(tree), 1);
}

static void test_hpt_shift_rule(void **state)
{
    (void)state;
    assert_int_equal(pseries_default_hpt_shift(256u << 20), 21); /* QEMU: ibm,pft-size 0x15 */
    assert_int_equal(pseries_default_hpt_shift(512u << 20), 22);
    assert_int_equal(pseries_default_hpt_shift(300u << 20), 22); /* rounded up */
    assert_int_equal(pseries_default_hpt_shift(16u << 20), 18);  /* minimum */
    assert_int_equal(pseries_default_hpt_shift(1ull << 40), 33);
}

static void test_small_buffers(void **state)
{
    (void)state;
    pseries_fdt_params p;
    pseries_fdt_params_init(&p, 32u << 20);
    assert_int_equal(fdt_build_powernv8(tree, 256, 1ull << 30, 8), -FDT_ERR_NOSPACE);
    assert_int_equal(fdt_build_pseries(tree, 256, &p), -FDT_ERR_NOSPACE);
    assert_int_equal(fdt_build_powernv8(NULL, 0, 1ull << 30, 8), -FDT_ERR_BADVALUE);
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), NULL), -FDT_ERR_BADVALUE);
    char *huge = malloc(FDT_PSERIES_BOOTARGS_MAX + 1);
    memset(huge, 'x', FDT_PSERIES_BOOTARGS_MAX);
    huge[FDT_PSERIES_BOOTARGS_MAX] = '\0';
    p.bootargs = huge;
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), &p), -FDT_ERR_BADVALUE);
    huge[FDT_PSERIES_BOOTARGS_MAX - 1] = '\0';
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), &p), 0);
    free(huge);
}

/* ---- against QEMU ------------------------------------------------------------------------- */

/* Properties where we knowingly differ from QEMU's dump (see src/loader/fdt.h). */
static const struct {
    const char *path, *name;
} known_deltas[] = {
    {"/rtas", "ibm,hypertas-functions"}, /* only the hcall sets the firmware implements */
    {"/chosen", "linux,stdout-path"},    /* QEMU adds these only with a vty console */
    {"/chosen", "stdout-path"},
};

static bool is_known_delta(const char *path, const char *name)
{
    for (size_t i = 0; i < sizeof(known_deltas) / sizeof(known_deltas[0]); i++)
        if (strcmp(known_deltas[i].path, path) == 0 && strcmp(known_deltas[i].name, name) == 0)
            return true;
    return false;
}

/* Every node and property of ours exists in QEMU's tree with the same bytes. */
static void compare_with_qemu(const char *qemu_path)
{
    uint8_t *qemu;
    size_t size;
    char err[256];
    assert_int_equal(loader_read_file(qemu_path, 1 << 20, &qemu, &size, err, sizeof(err)),
                     LOADER_OK);
    assert_int_equal(fdt_check_header(qemu), 0);
    int compared = 0;
    for (int off = 0; off >= 0; off = fdt_next_node(tree, off, NULL)) {
        char path[256];
        assert_int_equal(fdt_get_path(tree, off, path, sizeof(path)), 0);
        int qoff = fdt_path_offset(qemu, path);
        if (qoff < 0) fail_msg("node %s is not in QEMU's tree", path);
        int poff;
        fdt_for_each_property_offset(poff, tree, off)
        {
            const char *name;
            int len, qlen;
            const void *ours = fdt_getprop_by_offset(tree, poff, &name, &len);
            if (is_known_delta(path, name)) continue;
            const void *theirs = fdt_getprop(qemu, qoff, name, &qlen);
            if (!theirs) fail_msg("%s:%s is not in QEMU's tree", path, name);
            if (len != qlen || memcmp(ours, theirs, (size_t)len) != 0)
                fail_msg("%s:%s differs from QEMU's", path, name);
            compared++;
        }
    }
    assert_true(compared > 20);
    free(qemu);
}

static void test_powernv8_matches_qemu(void **state)
{
    (void)state;
    assert_int_equal(fdt_build_powernv8(tree, sizeof(tree), 1ull << 30, 8), 0);
    compare_with_qemu(qemu_powernv_dtb);
}

static void test_pseries_matches_qemu(void **state)
{
    (void)state;
    pseries_fdt_params p;
    pseries_fdt_params_init(&p, 256u << 20); /* -m 256M, no -kernel, no -append */
    assert_int_equal(fdt_build_pseries(tree, sizeof(tree), &p), 0);
    compare_with_qemu(qemu_pseries_dtb);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_powernv8_tree),
        cmocka_unit_test(test_pseries_tree),
        cmocka_unit_test(test_hpt_shift_rule),
        cmocka_unit_test(test_small_buffers),
    };
    const struct CMUnitTest qemu_tests[] = {
        cmocka_unit_test(test_powernv8_matches_qemu),
        cmocka_unit_test(test_pseries_matches_qemu),
    };
    if (argc == 3) {
        qemu_powernv_dtb = argv[1];
        qemu_pseries_dtb = argv[2];
        return cmocka_run_group_tests(qemu_tests, NULL, NULL);
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
