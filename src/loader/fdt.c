/* The powernv8 machine tree and the pseries guest tree (values from QEMU 7.2's dumpdtb). */
#include "loader/fdt.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "loader/fdt_writer.h"

#define POWER8_PVR          0x004d0200u
#define POWER8_CLOCK_HZ     1000000000u
#define POWER8_TIMEBASE_HZ  512000000u
#define POWER8_CACHE_SIZE   0x8000u
#define POWER8_CACHE_LINE   0x80u
#define POWER8_SLB_ENTRIES  32u
#define PNV_ICP_BASE        0x0003ffff80000000ull /* + PIR << 12 */
#define PNV_XSCOM_BASE      0x0003fc0000000000ull
#define PNV_XSCOM_SIZE      0x0000000800000000ull
#define PNV_LPC_XSCOM_ADDR  0xb0020u
#define PNV_LPC_PHANDLE     0x8000u
#define LPC_IO_SPACE        1u /* first address cell of an LPC child: 1 = I/O */
#define SPAPR_XICS_PHANDLE  0x1111u
#define SPAPR_VTY_IRQ       0x1100u
#define SPAPR_MIN_HPT_SHIFT 18u

/* The cpu-node properties both machines give a POWER8 thread. */
static void power8_cpu_props(fdt_writer *w, uint32_t reg, uint32_t pvr, uint32_t clock_hz,
                             uint32_t timebase_hz)
{
    fdtw_u32(w, "reg", reg);
    fdtw_string(w, "device_type", "cpu");
    fdtw_u32(w, "cpu-version", pvr);
    fdtw_u32(w, "d-cache-block-size", POWER8_CACHE_LINE);
    fdtw_u32(w, "d-cache-line-size", POWER8_CACHE_LINE);
    fdtw_u32(w, "i-cache-block-size", POWER8_CACHE_LINE);
    fdtw_u32(w, "i-cache-line-size", POWER8_CACHE_LINE);
    fdtw_u32(w, "d-cache-size", POWER8_CACHE_SIZE);
    fdtw_u32(w, "i-cache-size", POWER8_CACHE_SIZE);
    fdtw_u32(w, "timebase-frequency", timebase_hz);
    fdtw_u32(w, "clock-frequency", clock_hz);
    fdtw_u32(w, "ibm,slb-size", POWER8_SLB_ENTRIES);
    fdtw_string(w, "status", "okay");
    fdtw_empty(w, "64-bit");
    FDTW_CELLS(w, "ibm,processor-segment-sizes", 0x1c, 0x28, 0xffffffff, 0xffffffff);
    fdtw_u32(w, "ibm,vmx", 2);
    fdtw_u32(w, "ibm,dfp", 1);
    fdtw_u32(w, "ibm,chip-id", 0);
}

static void cells_node_props(fdt_writer *w, uint32_t address_cells, uint32_t size_cells)
{
    fdtw_u32(w, "#address-cells", address_cells);
    fdtw_u32(w, "#size-cells", size_cells);
}

static void memory_node(fdt_writer *w, uint64_t size)
{
    fdtw_node_at(w, "memory", 0, 0);
    fdtw_string(w, "device_type", "memory");
    fdtw_reg64(w, "reg", 0, size);
}

/* ---- powernv8 ---------------------------------------------------------------------------- */

static void powernv8_cpus(fdt_writer *w, uint32_t pir)
{
    static const uint8_t pa_features[] = {0x18, 0x00, 0xf6, 0x3f, 0xc7, 0xc0, 0x80, 0xf0, 0x80,
                                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                          0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00};
    fdtw_node(w, "cpus");
    cells_node_props(w, 1, 0);
    fdtw_node_at(w, "PowerPC,POWER8", pir, 0);
    power8_cpu_props(w, pir, POWER8_PVR, POWER8_CLOCK_HZ, POWER8_TIMEBASE_HZ);
    fdtw_u32(w, "ibm,pir", pir);
    fdtw_empty(w, "ibm,purr");
    fdtw_bytes(w, "ibm,pa-features", pa_features, sizeof(pa_features));
    FDTW_CELLS(w, "ibm,segment-page-sizes", 0x0c, 0x00, 0x03, 0x0c, 0x00, 0x10, 0x07, 0x18, 0x38,
               0x10, 0x110, 0x02, 0x10, 0x01, 0x18, 0x08, 0x18, 0x100, 0x01, 0x18, 0x00, 0x22,
               0x120, 0x01, 0x22, 0x03);
    fdtw_u32(w, "ibm,ppc-interrupt-server#s", pir);
    fdtw_end_node(w);
    fdtw_end_node(w);
}

static void powernv8_icp(fdt_writer *w, uint32_t pir)
{
    uint64_t base = PNV_ICP_BASE + ((uint64_t)pir << 12);
    fdtw_node_at(w, "interrupt-controller", base, 1); /* QEMU prints this unit upper-case */
    FDTW_STRINGS(w, "compatible", "IBM,power8-icp\0IBM,ppc-xicp");
    fdtw_reg64(w, "reg", base, 0x1000);
    fdtw_string(w, "device_type", "PowerPC-External-Interrupt-Presentation");
    fdtw_empty(w, "interrupt-controller");
    FDTW_CELLS(w, "ibm,interrupt-server-ranges", pir, 1);
    fdtw_u32(w, "#interrupt-cells", 1);
    fdtw_u32(w, "#address-cells", 0);
    fdtw_end_node(w);
}

static void lpc_device(fdt_writer *w, const char *name, uint32_t port, uint32_t len)
{
    char unit[32];
    snprintf(unit, sizeof(unit), "%s@i%x", name, port);
    fdtw_node(w, unit);
    FDTW_CELLS(w, "reg", LPC_IO_SPACE, port, len);
}

static void powernv8_lpc(fdt_writer *w)
{
    fdtw_node_at(w, "isa", PNV_LPC_XSCOM_ADDR, 0);
    FDTW_CELLS(w, "reg", PNV_LPC_XSCOM_ADDR, 4);
    cells_node_props(w, 2, 1);
    FDTW_STRINGS(w, "compatible", "ibm,power8-lpc\0ibm,lpc");
    fdtw_empty(w, "primary");
    fdtw_u32(w, "phandle", PNV_LPC_PHANDLE);

    lpc_device(w, "isa-serial", 0x3f8, 8);
    FDTW_STRINGS(w, "compatible", "ns16550\0pnpPNP,501");
    fdtw_u32(w, "clock-frequency", 1843200);
    fdtw_u32(w, "current-speed", 115200);
    fdtw_u32(w, "interrupts", 4);
    fdtw_u32(w, "interrupt-parent", PNV_LPC_PHANDLE);
    fdtw_string(w, "device_type", "serial");
    fdtw_end_node(w);

    lpc_device(w, "isa-ipmi-bt", 0xe4, 3);
    FDTW_STRINGS(w, "compatible", "bt\0ipmi-bt");
    fdtw_string(w, "status", "reserved");
    fdtw_u32(w, "interrupts", 10);
    fdtw_u32(w, "interrupt-parent", PNV_LPC_PHANDLE);
    fdtw_end_node(w);

    fdtw_end_node(w);
}

static void powernv8_xscom(fdt_writer *w)
{
    fdtw_node_at(w, "xscom", PNV_XSCOM_BASE, 0);
    fdtw_u32(w, "ibm,chip-id", 0);
    fdtw_u32(w, "ibm,primary-topology-index", 0);
    cells_node_props(w, 1, 1);
    fdtw_reg64(w, "reg", PNV_XSCOM_BASE, PNV_XSCOM_SIZE);
    FDTW_STRINGS(w, "compatible", "ibm,power8-xscom\0ibm,xscom");
    fdtw_empty(w, "scom-controller");
    fdtw_empty(w, "primary");
    powernv8_lpc(w);
    fdtw_end_node(w);
}

int fdt_build_powernv8(void *buf, size_t bufsize, uint64_t ram_size, uint32_t boot_pir)
{
    fdt_writer w;
    fdtw_begin(&w, buf, bufsize);
    fdtw_root(&w);
    cells_node_props(&w, 2, 2);
    fdtw_string(&w, "model", "IBM PowerNV (emulated by qemu)");
    FDTW_STRINGS(&w, "compatible", "qemu,powernv8\0qemu,powernv\0ibm,powernv");

    memory_node(&w, ram_size);
    fdtw_u32(&w, "ibm,chip-id", 0);
    fdtw_end_node(&w);

    powernv8_icp(&w, boot_pir);
    powernv8_cpus(&w, boot_pir);
    powernv8_xscom(&w);

    fdtw_node(&w, "chosen");
    fdtw_string(&w, "bootargs", "");
    fdtw_end_node(&w);

    fdtw_end_node(&w);
    return fdtw_finish(&w);
}

/* ---- pseries ----------------------------------------------------------------------------- */

uint32_t pseries_default_hpt_shift(uint64_t memory_size)
{
    uint32_t shift = 0;
    while (shift < 63 && (1ull << shift) < memory_size)
        shift++;
    return shift >= SPAPR_MIN_HPT_SHIFT + 7 ? shift - 7 : SPAPR_MIN_HPT_SHIFT;
}

void pseries_fdt_params_init(pseries_fdt_params *p, uint64_t memory_size)
{
    *p = (pseries_fdt_params){
        .memory_size = memory_size,
        .timebase_frequency = POWER8_TIMEBASE_HZ,
        .clock_frequency = POWER8_CLOCK_HZ,
        .cpu_version = POWER8_PVR,
    };
}

static void pseries_cpus(fdt_writer *w, const pseries_fdt_params *p)
{
    static const uint8_t pa_features[] = {0x18, 0x00, 0xf6, 0x3f, 0xc7, 0xc0, 0x80, 0xf0, 0x80,
                                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                          0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00};
    uint32_t hpt_shift = p->hpt_shift ? p->hpt_shift : pseries_default_hpt_shift(p->memory_size);
    fdtw_node(w, "cpus");
    cells_node_props(w, 1, 0);
    fdtw_node_at(w, "PowerPC,POWER8", 0, 0);
    power8_cpu_props(w, 0, p->cpu_version, p->clock_frequency, p->timebase_frequency);
    fdtw_u32(w, "slb-size", POWER8_SLB_ENTRIES);
    fdtw_u32(w, "ibm,purr", 1);
    fdtw_u32(w, "ibm,spurr", 1);
    fdtw_bytes(w, "ibm,pa-features", pa_features, sizeof(pa_features));
    FDTW_CELLS(w, "ibm,segment-page-sizes", 0x0c, 0x00, 0x01, 0x0c, 0x00, 0x10, 0x110, 0x01, 0x10,
               0x01);
    FDTW_CELLS(w, "ibm,pft-size", 0, hpt_shift);
    fdtw_u32(w, "ibm,ppc-interrupt-server#s", 0);
    FDTW_CELLS(w, "ibm,ppc-interrupt-gserver#s", 0, 0);
    if (p->dec_bits) fdtw_u32(w, "ibm,dec-bits", p->dec_bits);
    fdtw_end_node(w);
    fdtw_end_node(w);
}

static void pseries_chosen(fdt_writer *w, const pseries_fdt_params *p)
{
    fdtw_node(w, "chosen");
    if (p->bootargs && p->bootargs[0]) fdtw_string(w, "bootargs", p->bootargs);
    if (p->kernel_size) fdtw_reg64(w, "qemu,boot-kernel", p->kernel_addr, p->kernel_size);
    if (p->initrd_end > p->initrd_start) {
        FDTW_CELLS(w, "linux,initrd-start", (uint32_t)(p->initrd_start >> 32),
                   (uint32_t)p->initrd_start);
        FDTW_CELLS(w, "linux,initrd-end", (uint32_t)(p->initrd_end >> 32), (uint32_t)p->initrd_end);
    }
    fdtw_string(w, "linux,stdout-path", "/vdevice/vty@71000000");
    fdtw_string(w, "stdout-path", "/vdevice/vty@71000000");
    fdtw_end_node(w);
}

static void pseries_rtas(fdt_writer *w)
{
    static const struct {
        const char *name;
        uint32_t token;
    } tokens[] = {
        {"display-character", RTAS_DISPLAY_CHARACTER},
        {"get-time-of-day", RTAS_GET_TIME_OF_DAY},
        {"set-time-of-day", RTAS_SET_TIME_OF_DAY},
        {"power-off", RTAS_POWER_OFF},
        {"system-reboot", RTAS_SYSTEM_REBOOT},
        {"query-cpu-stopped-state", RTAS_QUERY_CPU_STOPPED_STATE},
        {"start-cpu", RTAS_START_CPU},
        {"stop-self", RTAS_STOP_SELF},
    };
    fdtw_node(w, "rtas");
    FDTW_STRINGS(w, "ibm,hypertas-functions",
                 "hcall-pft\0hcall-term\0hcall-dabr\0hcall-interrupt\0hcall-tce\0hcall-splpar\0"
                 "hcall-bulk\0hcall-set-mode\0hcall-sprg0\0hcall-copy");
    fdtw_u32(w, "rtas-size", 0x82c);
    fdtw_u32(w, "rtas-error-log-max", 0x800);
    fdtw_u32(w, "rtas-event-scan-rate", 1);
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
        fdtw_u32(w, tokens[i].name, tokens[i].token);
    fdtw_end_node(w);
}

static void pseries_vdevice(fdt_writer *w)
{
    fdtw_node(w, "vdevice");
    cells_node_props(w, 1, 0);
    fdtw_string(w, "device_type", "vdevice");
    fdtw_string(w, "compatible", "IBM,vdevice");
    fdtw_u32(w, "#interrupt-cells", 2);
    fdtw_empty(w, "interrupt-controller");
    fdtw_node_at(w, "vty", HV_VTY_REG, 0);
    fdtw_u32(w, "reg", HV_VTY_REG);
    fdtw_string(w, "device_type", "serial");
    fdtw_string(w, "compatible", "hvterm1");
    FDTW_CELLS(w, "interrupts", SPAPR_VTY_IRQ, 0);
    fdtw_end_node(w);
    fdtw_end_node(w);
}

static void pseries_xics(fdt_writer *w)
{
    fdtw_node(w, "interrupt-controller");
    fdtw_string(w, "device_type", "PowerPC-External-Interrupt-Presentation");
    fdtw_string(w, "compatible", "IBM,ppc-xicp");
    fdtw_empty(w, "interrupt-controller");
    FDTW_CELLS(w, "ibm,interrupt-server-ranges", 0, 1);
    fdtw_u32(w, "#interrupt-cells", 2);
    fdtw_u32(w, "linux,phandle", SPAPR_XICS_PHANDLE);
    fdtw_u32(w, "phandle", SPAPR_XICS_PHANDLE);
    fdtw_end_node(w);
}

int fdt_build_pseries(void *buf, size_t bufsize, const pseries_fdt_params *p)
{
    fdt_writer w;
    fdtw_begin(&w, buf, bufsize);
    if (!p || (p->bootargs && strlen(p->bootargs) >= FDT_PSERIES_BOOTARGS_MAX))
        return -FDT_ERR_BADVALUE;
    if (p->kernel_size) fdtw_reserve(&w, p->kernel_addr, p->kernel_size);
    if (p->initrd_end > p->initrd_start)
        fdtw_reserve(&w, p->initrd_start, p->initrd_end - p->initrd_start);
    fdtw_root(&w);
    fdtw_string(&w, "device_type", "chrp");
    fdtw_string(&w, "model", "IBM pSeries (emulated by qemu)");
    fdtw_string(&w, "compatible", "qemu,pseries");
    cells_node_props(&w, 2, 2);

    pseries_chosen(&w, p);
    pseries_rtas(&w);
    pseries_cpus(&w, p);
    pseries_vdevice(&w);
    memory_node(&w, p->memory_size);
    fdtw_end_node(&w);
    pseries_xics(&w);

    fdtw_end_node(&w);
    return fdtw_finish(&w);
}
