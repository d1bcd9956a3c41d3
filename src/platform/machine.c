/* The powernv8 machine: RAM, the physical bus (only the XSCOM window decodes outside RAM),
 * devices wired as QEMU 7.2 wires them, and the reset state of the boot thread. */
#include "platform/machine.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "cpu/spr.h"
#include "platform/bmc.h"
#include "platform/io_region.h"
#include "platform/ipmi_bt.h"
#include "platform/lpc.h"
#include "platform/uart.h"
#include "platform/xscom.h"

#define RESET_MSR (MSR_SF | MSR_HV) /* 0x9000000000000000: ME=0, real mode, BE */
#define RESET_DEC 0xffffffffull

struct machine {
    uint8_t *ram;
    uint64_t ram_size;
    phys_memory memory;
    ppc_cpu *cpu;
    machine_power power;
    io_bus phys; /* everything outside RAM */
    xscom_bus xscom;
    lpc_master lpc;
    uart16550 uart;
    bmc_sim bmc;
    ipmi_bt bt;
};

static phys_result machine_io_read(void *opaque, uint64_t pa, unsigned size, uint64_t *value)
{
    machine *m = opaque;
    return io_bus_read(&m->phys, pa, size, value) ? PHYS_OK : PHYS_NO_DEVICE;
}

static phys_result machine_io_write(void *opaque, uint64_t pa, unsigned size, uint64_t value)
{
    machine *m = opaque;
    return io_bus_write(&m->phys, pa, size, value) ? PHYS_OK : PHYS_NO_DEVICE;
}

/* The BMC's chassis control: with -no-reboot both power down and reset end the run. */
static void machine_power_request(void *opaque, bmc_power_request request)
{
    machine *m = opaque;
    m->power = request == BMC_POWER_DOWN ? MACHINE_POWER_DOWN : MACHINE_RESET_REQUEST;
    cpu_request_stop(m->cpu);
}

/* The device wiring, one line per device. */
static bool wire_devices(machine *m, FILE *console)
{
    xscom_init(&m->xscom);
    lpc_init(&m->lpc);
    uart_init(&m->uart, console);
    bmc_init(&m->bmc, machine_power_request, m);
    ipmi_bt_init(&m->bt, &m->bmc);
    return io_bus_attach(&m->phys, (io_region){"xscom", XSCOM_BASE, XSCOM_SIZE, xscom_mmio_read,
                                               xscom_mmio_write, &m->xscom}) &&
           xscom_attach(&m->xscom, (io_region){"lpc", LPC_XSCOM_PCBA, LPC_XSCOM_REGS,
                                               lpc_xscom_read, lpc_xscom_write, &m->lpc}) &&
           lpc_attach_io(&m->lpc, (io_region){"uart", UART_ISA_PORT, UART_PORTS, uart_read,
                                              uart_write, &m->uart}) &&
           lpc_attach_io(&m->lpc, (io_region){"ipmi-bt", BT_ISA_PORT, BT_PORTS, ipmi_bt_read,
                                              ipmi_bt_write, &m->bt});
}

bool machine_ram_size_valid(uint64_t ram_size)
{
    return ram_size % MACHINE_RAM_ALIGN == 0 && ram_size >= MACHINE_MIN_RAM &&
           ram_size <= MACHINE_MAX_RAM;
}

machine *machine_create(const machine_config *config)
{
    uint64_t ram_size = config->ram_size ? config->ram_size : MACHINE_DEFAULT_RAM;
    if (!machine_ram_size_valid(ram_size)) return NULL;
    machine *m = calloc(1, sizeof(*m));
    if (!m) return NULL;
    /* Anonymous memory: zero-filled, and only the pages the guest touches cost anything. */
    void *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) {
        free(m);
        return NULL;
    }
    m->ram = ram;
    m->ram_size = ram_size;
    m->memory = (phys_memory){
        .ram = m->ram,
        .ram_size = ram_size,
        .io_read = machine_io_read,
        .io_write = machine_io_write,
        .io_opaque = m,
    };
    cpu_config cpu = {.pvr = MACHINE_PVR, .pir = MACHINE_BOOT_PIR};
    m->cpu = cpu_create(&cpu, &m->memory);
    if (!m->cpu || !wire_devices(m, config->console)) {
        machine_destroy(m);
        return NULL;
    }
    machine_reset(m);
    return m;
}

void machine_destroy(machine *m)
{
    if (!m) return;
    cpu_destroy(m->cpu);
    munmap(m->ram, m->ram_size);
    free(m);
}

ppc_cpu *machine_cpu(machine *m)
{
    return m->cpu;
}

uint8_t *machine_ram(machine *m)
{
    return m->ram;
}

uint64_t machine_ram_size(const machine *m)
{
    return m->ram_size;
}

const phys_memory *machine_memory(const machine *m)
{
    return &m->memory;
}

bool machine_ram_fits(const machine *m, uint64_t pa, uint64_t len)
{
    return pa <= m->ram_size && len <= m->ram_size - pa;
}

void machine_reset(machine *m)
{
    ppc_cpu *cpu = m->cpu;
    /* The SPR table's reset values first (LPCR = LPES0|LPES1 among them: mtlpcr could not
     * set LPES1 on POWER8), then what the platform defines on top. */
    spr_reset(cpu);
    static const struct {
        unsigned spr;
        uint64_t value;
    } reset_sprs[] = {
        {SPR_XER, 0},           {SPR_LR, 0},
        {SPR_CTR, 0},           {SPR_HRMOR, 0},
        {SPR_RMOR, 0},          {SPR_LPIDR, 0},
        {SPR_HID0, 0},          {SPR_DEC, RESET_DEC},
        {SPR_HDEC, RESET_DEC},  {SPR_PIR, MACHINE_BOOT_PIR},
        {SPR_PVR, MACHINE_PVR},
    };
    for (size_t i = 0; i < sizeof(reset_sprs) / sizeof(reset_sprs[0]); i++)
        cpu_set_spr(cpu, reset_sprs[i].spr, reset_sprs[i].value);
    for (unsigned i = 0; i < 32; i++)
        cpu_set_gpr(cpu, i, 0);
    cpu_set_gpr(cpu, 3, MACHINE_FDT_ADDR);
    cpu_set_cr(cpu, 0);
    cpu_set_msr(cpu, RESET_MSR);
    cpu_set_nip(cpu, MACHINE_ENTRY);
    m->power = MACHINE_POWER_ON;
}

machine_power machine_power_state(const machine *m)
{
    return m->power;
}
