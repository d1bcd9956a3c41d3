/* The powernv8 machine through the CPU's io callbacks: reset state, XSCOM decoding, the LPC ECCB
 * sequence, the UART console, the IPMI BT interface and its chassis control, unmapped space.
 * Expected BT responses are the bytes qemu-system-ppc64 7.2 -M powernv8 returned. */
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
#include "platform/bmc.h"
#include "platform/ipmi_bt.h"
#include "platform/lpc.h"
#include "platform/machine.h"
#include "platform/uart.h"
#include "platform/xscom.h"

#define TEST_RAM (32ull << 20)

#define ECCB_CTL_ADDR  (XSCOM_BASE + 0xb00200)
#define ECCB_STAT_ADDR (XSCOM_BASE + 0xb00210)
#define ECCB_DATA_ADDR (XSCOM_BASE + 0xb00218)
#define ECCB_CMD_IO1   0x01000000d0010000ull /* size 1, OPB I/O window */

typedef struct fixture {
    machine *m;
    char *console;
    size_t console_len;
    FILE *console_file;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->console_file = open_memstream(&f->console, &f->console_len);
    f->m = machine_create(&(machine_config){.ram_size = TEST_RAM, .console = f->console_file});
    *state = f;
    return f->m ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    machine_destroy(f->m);
    fclose(f->console_file);
    free(f->console);
    free(f);
    return 0;
}

static phys_result io_read(machine *m, uint64_t pa, unsigned size, uint64_t *value)
{
    const phys_memory *mem = machine_memory(m);
    return mem->io_read(mem->io_opaque, pa, size, value);
}

static phys_result io_write(machine *m, uint64_t pa, unsigned size, uint64_t value)
{
    const phys_memory *mem = machine_memory(m);
    return mem->io_write(mem->io_opaque, pa, size, value);
}

static uint64_t read_stat(machine *m)
{
    uint64_t stat = 0;
    assert_int_equal(io_read(m, ECCB_STAT_ADDR, 8, &stat), PHYS_OK);
    return stat;
}

/* The sequence a guest uses: data, then command, then read (and clear) the status. */
static void outb(machine *m, uint32_t port, uint8_t byte)
{
    assert_int_equal(io_write(m, ECCB_DATA_ADDR, 8, (uint64_t)byte << 56), PHYS_OK);
    assert_int_equal(io_write(m, ECCB_CTL_ADDR, 8, ECCB_CMD_IO1 | port), PHYS_OK);
    assert_int_equal(read_stat(m), ECCB_STAT_OP_DONE);
}

static uint8_t inb(machine *m, uint32_t port)
{
    assert_int_equal(io_write(m, ECCB_CTL_ADDR, 8, ECCB_CMD_IO1 | ECCB_CTL_READ | port), PHYS_OK);
    uint64_t stat = read_stat(m);
    assert_true(stat & ECCB_STAT_OP_DONE);
    return (uint8_t)(stat >> 50);
}

static void bt_send(machine *m, const uint8_t *msg, size_t len)
{
    outb(m, BT_ISA_PORT + BT_CTRL, BT_CTRL_CLR_WR);
    for (size_t i = 0; i < len; i++)
        outb(m, BT_ISA_PORT + BT_BUF, msg[i]);
    outb(m, BT_ISA_PORT + BT_CTRL, BT_CTRL_H2B_ATN);
}

/* Reads a whole BT response (length byte first) and checks it. */
static void bt_expect_response(machine *m, const uint8_t *expected, size_t len)
{
    assert_int_equal(inb(m, BT_ISA_PORT + BT_CTRL), BT_CTRL_B2H_ATN);
    uint8_t got[IPMI_MAX_MSG];
    got[0] = inb(m, BT_ISA_PORT + BT_BUF);
    assert_int_equal(got[0] + 1, len);
    for (size_t i = 1; i < len; i++)
        got[i] = inb(m, BT_ISA_PORT + BT_BUF);
    assert_memory_equal(got, expected, len);
    assert_int_equal(inb(m, BT_ISA_PORT + BT_BUF), 0xff); /* drained */
}

/* --- reset state ---------------------------------------------------------------------------- */

static void test_reset_state(void **state)
{
    fixture *f = *state;
    ppc_cpu *cpu = machine_cpu(f->m);
    assert_int_equal(cpu_get_nip(cpu), 0x10);
    assert_int_equal(cpu_get_msr(cpu), 0x9000000000000000ull);
    for (unsigned i = 0; i < 32; i++)
        assert_int_equal(cpu_get_gpr(cpu, i), i == 3 ? 0x01000000u : 0);
    assert_int_equal(cpu_get_cr(cpu), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_LPCR), 0xc);
    assert_int_equal(cpu_get_spr(cpu, SPR_HRMOR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_RMOR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_LPIDR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_HID0), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_LR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_CTR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_XER), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_PVR), 0x004d0200);
    assert_int_equal(cpu_get_spr(cpu, SPR_PIR), 8);
    assert_int_equal(cpu_get_spr(cpu, SPR_DEC) & 0xffffffffu, 0xffffffffu);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
    assert_int_equal(machine_ram_size(f->m), TEST_RAM);
    assert_int_equal(machine_ram(f->m)[0], 0);
    assert_int_equal(machine_ram(f->m)[TEST_RAM - 1], 0);
}

static void test_reset_restores_state(void **state)
{
    fixture *f = *state;
    ppc_cpu *cpu = machine_cpu(f->m);
    cpu_set_gpr(cpu, 3, 0);
    cpu_set_gpr(cpu, 31, 0x1234);
    cpu_set_nip(cpu, 0x2000);
    cpu_set_spr(cpu, SPR_HRMOR, 0x4000000);
    cpu_set_spr(cpu, SPR_LPCR, 0x20000000);
    machine_reset(f->m);
    assert_int_equal(cpu_get_nip(cpu), 0x10);
    assert_int_equal(cpu_get_gpr(cpu, 3), 0x01000000u);
    assert_int_equal(cpu_get_gpr(cpu, 31), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_HRMOR), 0);
    assert_int_equal(cpu_get_spr(cpu, SPR_LPCR), 0xc);
}

static void test_ram_size_limits(void **state)
{
    assert_true(machine_ram_size_valid(MACHINE_DEFAULT_RAM));
    assert_true(machine_ram_size_valid(MACHINE_MIN_RAM));
    assert_true(machine_ram_size_valid(MACHINE_MAX_RAM));
    assert_true(machine_ram_size_valid(MACHINE_MIN_RAM + 4096));
    assert_false(machine_ram_size_valid(0));
    assert_false(machine_ram_size_valid(MACHINE_MIN_RAM - 4096));
    assert_false(machine_ram_size_valid(MACHINE_MIN_RAM + 512));
    assert_false(machine_ram_size_valid(MACHINE_MAX_RAM + 4096));
    assert_false(machine_ram_size_valid(UINT64_MAX));
    assert_null(machine_create(&(machine_config){.ram_size = 12345}));
}

static void test_ram_fits(void **state)
{
    fixture *f = *state;
    assert_true(machine_ram_fits(f->m, 0, TEST_RAM));
    assert_true(machine_ram_fits(f->m, TEST_RAM, 0));
    assert_true(machine_ram_fits(f->m, TEST_RAM - 1, 1));
    assert_false(machine_ram_fits(f->m, TEST_RAM - 1, 2));
    assert_false(machine_ram_fits(f->m, TEST_RAM + 1, 0));
    assert_false(machine_ram_fits(f->m, 8, UINT64_MAX));
}

/* --- XSCOM and unmapped space --------------------------------------------------------------- */

static void test_xscom_pcba_mapping(void **state)
{
    assert_int_equal(xscom_pcba(0xb00200), 0xb0020);
    assert_int_equal(xscom_pcba(0xb00210), 0xb0022);
    assert_int_equal(xscom_pcba(0xb00218), 0xb0023);
    assert_int_equal(xscom_offset(0xb0023), 0xb00218);
    const uint32_t pcbas[] = {0, 0xf, 0x10, 0xf000f, 0x1010c03, 0x7ffffff};
    for (size_t i = 0; i < sizeof(pcbas) / sizeof(pcbas[0]); i++)
        assert_int_equal(xscom_pcba(xscom_offset(pcbas[i])), pcbas[i]);
}

static void test_xscom_unimplemented_and_fixed_registers(void **state)
{
    fixture *f = *state;
    uint64_t v = 0x55;
    /* A SCOM register nothing implements: reads 0, writes ignored (QEMU logs a failure). */
    assert_int_equal(io_read(f->m, XSCOM_BASE + xscom_offset(0xb0030), 8, &v), PHYS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(io_write(f->m, XSCOM_BASE + xscom_offset(0xb0030), 8, ~0ull), PHYS_OK);
    /* The chip's CFAM id. */
    assert_int_equal(io_read(f->m, XSCOM_BASE + xscom_offset(0xf000f), 8, &v), PHYS_OK);
    assert_int_equal(v, 0x220ea04980000000ull);
    /* The last register of the window still decodes. */
    assert_int_equal(io_read(f->m, XSCOM_BASE + XSCOM_SIZE - 8, 8, &v), PHYS_OK);
}

static void test_unmapped_is_no_device(void **state)
{
    fixture *f = *state;
    uint64_t v;
    const uint64_t unmapped[] = {
        TEST_RAM,
        TEST_RAM + 0x1000,
        0x100000000000ull,
        XSCOM_BASE - 8,
        XSCOM_BASE + XSCOM_SIZE,
        0x0006030000000000ull /* POWER9's LPC, not on POWER8 */,
        UINT64_MAX - 7,
    };
    for (size_t i = 0; i < sizeof(unmapped) / sizeof(unmapped[0]); i++) {
        assert_int_equal(io_read(f->m, unmapped[i], 8, &v), PHYS_NO_DEVICE);
        assert_int_equal(io_write(f->m, unmapped[i], 4, 0), PHYS_NO_DEVICE);
        assert_int_equal(io_read(f->m, unmapped[i], 1, &v), PHYS_NO_DEVICE);
    }
    /* XSCOM decodes 8-byte accesses only. */
    const unsigned sizes[] = {1, 2, 4};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(io_read(f->m, ECCB_STAT_ADDR, sizes[i], &v), PHYS_NO_DEVICE);
        assert_int_equal(io_write(f->m, ECCB_CTL_ADDR, sizes[i], 0), PHYS_NO_DEVICE);
    }
    /* An 8-byte access that starts inside the window and ends past it. */
    assert_int_equal(io_read(f->m, XSCOM_BASE + XSCOM_SIZE - 4, 8, &v), PHYS_NO_DEVICE);
}

/* The CPU turns PHYS_NO_DEVICE into a machine check; with the reset MSR (ME=0) that is a
 * checkstop. */
static void test_unmapped_load_checkstops(void **state)
{
    fixture *f = *state;
    ppc_cpu *cpu = machine_cpu(f->m);
    uint8_t *ram = machine_ram(f->m);
    const uint8_t ld_r4_0_r5[] = {0xe8, 0x85, 0x00, 0x00}; /* ld r4,0(r5) */
    memcpy(ram + 0x10, ld_r4_0_r5, 4);
    cpu_set_gpr(cpu, 5, TEST_RAM + 0x100);
    assert_int_equal(cpu_run(cpu, 10), CPU_EXIT_CHECKSTOP);
}

/* --- LPC ECCB ------------------------------------------------------------------------------- */

static void test_eccb_registers(void **state)
{
    fixture *f = *state;
    uint64_t v;
    assert_int_equal(io_write(f->m, ECCB_DATA_ADDR, 8, 0x12345678abcdef01ull), PHYS_OK);
    assert_int_equal(io_read(f->m, ECCB_DATA_ADDR, 8, &v), PHYS_OK);
    assert_int_equal(v, 0x1234567800000000ull); /* only the top word is kept */
    assert_int_equal(io_read(f->m, ECCB_CTL_ADDR, 8, &v), PHYS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(read_stat(f->m), 0); /* no command yet */

    /* A read of the UART's LSR: done, the byte in status bits 57:50 (LSB-0). */
    assert_int_equal(io_write(f->m, ECCB_CTL_ADDR, 8, ECCB_CMD_IO1 | ECCB_CTL_READ | 0x3fd),
                     PHYS_OK);
    assert_int_equal(read_stat(f->m), ECCB_STAT_OP_DONE | (uint64_t)0x60000000 << 26);
    assert_int_equal(read_stat(f->m), 0); /* read to clear */
}

static void test_eccb_undecoded_reads_all_ones(void **state)
{
    fixture *f = *state;
    const uint64_t all_ones = ECCB_STAT_OP_DONE | (uint64_t)0xffffffff << 26;
    /* An I/O port with no device. */
    assert_int_equal(io_write(f->m, ECCB_CTL_ADDR, 8, ECCB_CMD_IO1 | ECCB_CTL_READ | 0x80),
                     PHYS_OK);
    assert_int_equal(read_stat(f->m), all_ones);
    /* An OPB address outside the I/O window (LPC memory space). */
    assert_int_equal(io_write(f->m, ECCB_CTL_ADDR, 8, 0x01000000e0000000ull | ECCB_CTL_READ),
                     PHYS_OK);
    assert_int_equal(read_stat(f->m), all_ones);
    /* A write to nowhere still completes. */
    outb(f->m, 0x80, 0x42);
    outb(f->m, 0xffff, 0x42);
}

static void test_eccb_multibyte_read(void **state)
{
    fixture *f = *state;
    /* Two bytes from the UART: LCR (0) then MCR (0) after setting them. */
    outb(f->m, 0x3fb, 0x03);
    outb(f->m, 0x3fc, 0x0b);
    assert_int_equal(io_write(f->m, ECCB_CTL_ADDR, 8, 0x02000000d00103fbull | ECCB_CTL_READ),
                     PHYS_OK);
    assert_int_equal(read_stat(f->m), ECCB_STAT_OP_DONE | (uint64_t)0x030b0000 << 26);
}

/* --- UART ----------------------------------------------------------------------------------- */

static void test_uart_console_through_eccb(void **state)
{
    fixture *f = *state;
    const char *text = "hi, powernv\n";
    for (const char *p = text; *p; p++) {
        assert_int_equal(inb(f->m, UART_ISA_PORT + UART_LSR) & UART_LSR_THRE, UART_LSR_THRE);
        outb(f->m, UART_ISA_PORT + UART_RBR_THR, (uint8_t)*p);
    }
    fflush(f->console_file);
    assert_int_equal(f->console_len, strlen(text));
    assert_memory_equal(f->console, text, strlen(text));
}

static void test_uart_registers(void **state)
{
    uart16550 uart;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    uart_init(&uart, out);
    uint64_t v;
    assert_true(uart_read(&uart, UART_LSR, 1, &v));
    assert_int_equal(v, UART_LSR_THRE | UART_LSR_TEMT);
    assert_true(uart_read(&uart, UART_IIR_FCR, 1, &v));
    assert_int_equal(v, 0x01);
    assert_true(uart_read(&uart, UART_MSR, 1, &v));
    assert_int_equal(v, 0xb0);
    assert_true(uart_read(&uart, UART_RBR_THR, 1, &v));
    assert_int_equal(v, 0); /* nothing received */

    /* Divisor latch: DLAB=1 redirects offsets 0 and 1 and prints nothing. */
    assert_true(uart_write(&uart, UART_LCR, 1, UART_LCR_DLAB | 0x03));
    assert_true(uart_write(&uart, UART_RBR_THR, 1, 0x0c));
    assert_true(uart_write(&uart, UART_IER, 1, 0x01));
    assert_true(uart_read(&uart, UART_RBR_THR, 1, &v));
    assert_int_equal(v, 0x0c);
    assert_true(uart_read(&uart, UART_IER, 1, &v));
    assert_int_equal(v, 0x01);
    assert_true(uart_write(&uart, UART_LCR, 1, 0x03));
    assert_true(uart_read(&uart, UART_IER, 1, &v));
    assert_int_equal(v, 0);

    assert_true(uart_write(&uart, UART_IIR_FCR, 1, 0x07));
    assert_true(uart_read(&uart, UART_IIR_FCR, 1, &v));
    assert_int_equal(v, 0xc1);
    assert_true(uart_write(&uart, UART_SCR, 1, 0x5a));
    assert_true(uart_read(&uart, UART_SCR, 1, &v));
    assert_int_equal(v, 0x5a);
    assert_true(uart_write(&uart, UART_LSR, 1, 0)); /* read-only: ignored */
    assert_true(uart_read(&uart, UART_LSR, 1, &v));
    assert_int_equal(v, 0x60);

    assert_true(uart_write(&uart, UART_RBR_THR, 1, 'x'));
    assert_false(uart_write(&uart, UART_RBR_THR, 2, 'y')); /* byte registers only */
    assert_false(uart_read(&uart, UART_LSR, 4, &v));
    fclose(out);
    assert_int_equal(len, 1);
    assert_int_equal(buf[0], 'x');
    free(buf);
}

static void test_uart_without_console(void **state)
{
    uart16550 uart;
    uart_init(&uart, NULL);
    assert_true(uart_write(&uart, UART_RBR_THR, 1, 'x')); /* discarded, no crash */
}

/* --- IPMI BT and the BMC -------------------------------------------------------------------- */

static void test_bt_get_device_id(void **state)
{
    fixture *f = *state;
    assert_int_equal(inb(f->m, BT_ISA_PORT + BT_CTRL), 0);
    bt_send(f->m, (const uint8_t[]){3, IPMI_NETFN_APP << 2, 0x11, IPMI_CMD_GET_DEVICE_ID}, 4);
    static const uint8_t expected[] = {0x0f, 0x1c, 0x11, 0x01, 0x00, 0x20, 0x00, 0x00,
                                       0x00, 0x02, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00};
    bt_expect_response(f->m, expected, sizeof(expected));
    outb(f->m, BT_ISA_PORT + BT_CTRL, BT_CTRL_B2H_ATN); /* acknowledge */
    assert_int_equal(inb(f->m, BT_ISA_PORT + BT_CTRL), 0);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
}

static void test_bt_interface_capabilities(void **state)
{
    fixture *f = *state;
    bt_send(f->m, (const uint8_t[]){3, IPMI_NETFN_APP << 2, 0x22, IPMI_CMD_GET_BT_INTF_CAP}, 4);
    static const uint8_t expected[] = {0x09, 0x1c, 0x22, 0x36, 0x00, 0x01, 0xff, 0xff, 0x0a, 0x00};
    bt_expect_response(f->m, expected, sizeof(expected));
}

static void test_bt_chassis_status_and_errors(void **state)
{
    fixture *f = *state;
    static const struct {
        uint8_t req[6];
        size_t req_len;
        uint8_t rsp[12];
        size_t rsp_len;
    } cases[] = {
        /* Get Chassis Status */
        {{3, 0x00, 1, 0x01}, 4, {0x08, 0x04, 1, 0x01, 0x00, 0x61, 0, 0, 0}, 9},
        /* Get Chassis Capabilities */
        {{3, 0x00, 2, 0x00}, 4, {0x09, 0x04, 2, 0x00, 0x00, 0, 0x20, 0x20, 0x20, 0x20}, 10},
        /* Chassis Control: power cycle is not supported (QEMU: 0xd5) */
        {{4, 0x00, 3, 0x02, 0x02}, 5, {0x04, 0x04, 3, 0x02, 0xd5}, 5},
        /* Chassis Control: an undefined action */
        {{4, 0x00, 4, 0x02, 0x09}, 5, {0x04, 0x04, 4, 0x02, 0xcc}, 5},
        /* Chassis Control without its data byte */
        {{3, 0x00, 5, 0x02}, 4, {0x04, 0x04, 5, 0x02, 0xc7}, 5},
        /* A netfn the BMC does not serve */
        {{3, 0x04, 6, 0x01}, 4, {0x04, 0x04, 6, 0x01, 0xc1}, 5},
        /* A command the BMC does not know */
        {{3, 0x18, 7, 0x04}, 4, {0x04, 0x1c, 7, 0x04, 0xc1}, 5},
        /* LUN 1 */
        {{3, 0x19, 8, 0x01}, 4, {0x04, 0x1d, 8, 0x01, 0xc2}, 5},
        /* Get/Set BMC Global Enables: reset value 0x08 */
        {{3, 0x18, 9, 0x2f}, 4, {0x05, 0x1c, 9, 0x2f, 0x00, 0x08}, 6},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bt_send(f->m, cases[i].req, cases[i].req_len);
        bt_expect_response(f->m, cases[i].rsp, cases[i].rsp_len);
        outb(f->m, BT_ISA_PORT + BT_CTRL, BT_CTRL_B2H_ATN);
    }
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
}

static void test_bt_malformed_requests_are_dropped(void **state)
{
    fixture *f = *state;
    /* Length byte disagrees with the bytes written: dropped, the BMC stays busy. */
    bt_send(f->m, (const uint8_t[]){5, 0x00, 1, 0x02, 0x03}, 5);
    assert_int_equal(inb(f->m, BT_ISA_PORT + BT_CTRL), BT_CTRL_B_BUSY);
    assert_int_equal(inb(f->m, BT_ISA_PORT + BT_BUF), 0xff);
    /* Too short to hold netfn, seq and cmd. */
    bt_send(f->m, (const uint8_t[]){2, 0x00, 1}, 3);
    assert_int_equal(inb(f->m, BT_ISA_PORT + BT_CTRL), BT_CTRL_B_BUSY);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
    /* Longer than the buffer: counted, never stored past it, and dropped. */
    outb(f->m, BT_ISA_PORT + BT_CTRL, BT_CTRL_CLR_WR);
    for (int i = 0; i < IPMI_MAX_MSG + 10; i++)
        outb(f->m, BT_ISA_PORT + BT_BUF, 0x03);
    outb(f->m, BT_ISA_PORT + BT_CTRL, BT_CTRL_H2B_ATN);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
}

static void test_bt_control_and_mask_bits(void **state)
{
    ipmi_bt bt;
    bmc_sim bmc;
    bmc_init(&bmc, NULL, NULL);
    ipmi_bt_init(&bt, &bmc);
    uint64_t v;
    assert_true(ipmi_bt_write(&bt, BT_CTRL, 1, BT_CTRL_H_BUSY)); /* toggles */
    assert_true(ipmi_bt_read(&bt, BT_CTRL, 1, &v));
    assert_int_equal(v, BT_CTRL_H_BUSY);
    assert_true(ipmi_bt_write(&bt, BT_CTRL, 1, BT_CTRL_H_BUSY));
    assert_true(ipmi_bt_read(&bt, BT_CTRL, 1, &v));
    assert_int_equal(v, 0);

    /* Interrupt enabled: a response raises B2H_IRQ; writing it back acknowledges it. */
    assert_true(ipmi_bt_write(&bt, BT_INTMASK, 1, BT_INTMASK_B2H_IRQ_EN));
    const uint8_t req[] = {3, 0x00, 1, 0x01};
    for (size_t i = 0; i < sizeof(req); i++)
        assert_true(ipmi_bt_write(&bt, BT_BUF, 1, req[i]));
    assert_true(ipmi_bt_write(&bt, BT_CTRL, 1, BT_CTRL_H2B_ATN));
    assert_true(ipmi_bt_read(&bt, BT_INTMASK, 1, &v));
    assert_int_equal(v, BT_INTMASK_B2H_IRQ_EN | BT_INTMASK_B2H_IRQ);
    assert_true(ipmi_bt_write(&bt, BT_INTMASK, 1, BT_INTMASK_B2H_IRQ_EN | BT_INTMASK_B2H_IRQ));
    assert_true(ipmi_bt_read(&bt, BT_INTMASK, 1, &v));
    assert_int_equal(v, BT_INTMASK_B2H_IRQ_EN);

    /* CLR_RD rewinds the response. */
    assert_true(ipmi_bt_read(&bt, BT_BUF, 1, &v));
    assert_int_equal(v, 8);
    assert_true(ipmi_bt_read(&bt, BT_BUF, 1, &v));
    assert_true(ipmi_bt_write(&bt, BT_CTRL, 1, BT_CTRL_CLR_RD));
    assert_true(ipmi_bt_read(&bt, BT_BUF, 1, &v));
    assert_int_equal(v, 8);
    assert_true(ipmi_bt_read(&bt, 3, 1, &v)); /* the fourth port */
    assert_int_equal(v, 0xff);
    assert_false(ipmi_bt_read(&bt, BT_CTRL, 2, &v));
}

static void test_bt_chassis_reset_stops_the_machine(void **state)
{
    fixture *f = *state;
    ppc_cpu *cpu = machine_cpu(f->m);
    const uint8_t branch_to_self[] = {0x48, 0x00, 0x00, 0x00}; /* b . */
    memcpy(machine_ram(f->m) + 0x10, branch_to_self, 4);

    bt_send(f->m,
            (const uint8_t[]){4, IPMI_NETFN_CHASSIS << 2, 1, IPMI_CMD_CHASSIS_CONTROL,
                              IPMI_CHASSIS_HARD_RESET},
            5);
    assert_int_equal(machine_power_state(f->m), MACHINE_RESET_REQUEST);
    /* The stop request ends the run after the current instruction. */
    assert_int_equal(cpu_run(cpu, 1000), CPU_EXIT_STOP);
    assert_int_equal(cpu_get_insns(cpu), 1);
    bt_expect_response(f->m, (const uint8_t[]){4, 0x04, 1, 0x02, 0x00}, 5);
}

static void test_bt_chassis_power_down_stops_the_machine(void **state)
{
    fixture *f = *state;
    bt_send(f->m, (const uint8_t[]){4, 0x00, 9, 0x02, IPMI_CHASSIS_POWER_DOWN}, 5);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_DOWN);
    machine_reset(f->m);
    assert_int_equal(machine_power_state(f->m), MACHINE_POWER_ON);
}

static void test_bmc_direct(void **state)
{
    bmc_sim bmc;
    bmc_init(&bmc, NULL, NULL);
    uint8_t rsp[IPMI_MAX_MSG];
    /* Too short for netfn + cmd. */
    assert_int_equal(bmc_handle(&bmc, (const uint8_t[]){0x18}, 1, rsp, sizeof(rsp)), 3);
    assert_int_equal(rsp[2], IPMI_CC_LENGTH_INVALID);
    /* Power actions without a machine attached do nothing but answer. */
    assert_int_equal(bmc_handle(&bmc, (const uint8_t[]){0x00, 0x02, 0x03}, 3, rsp, sizeof(rsp)), 3);
    assert_int_equal(rsp[2], IPMI_CC_OK);
    /* ACPI power state round trip. */
    bmc_handle(&bmc, (const uint8_t[]){0x18, 0x06, 0x85, 0x83}, 4, rsp, sizeof(rsp));
    assert_int_equal(rsp[2], IPMI_CC_OK);
    assert_int_equal(bmc_handle(&bmc, (const uint8_t[]){0x18, 0x07}, 2, rsp, sizeof(rsp)), 5);
    assert_int_equal(rsp[3], 0x85);
    assert_int_equal(rsp[4], 0x83);
    /* A response buffer too small truncates the data, never overruns. */
    uint8_t small[4] = {0};
    assert_int_equal(bmc_handle(&bmc, (const uint8_t[]){0x18, 0x01}, 2, small, sizeof(small)), 4);
    assert_int_equal(small[3], 0x20);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_reset_state),
        T(test_reset_restores_state),
        cmocka_unit_test(test_ram_size_limits),
        T(test_ram_fits),
        cmocka_unit_test(test_xscom_pcba_mapping),
        T(test_xscom_unimplemented_and_fixed_registers),
        T(test_unmapped_is_no_device),
        T(test_unmapped_load_checkstops),
        T(test_eccb_registers),
        T(test_eccb_undecoded_reads_all_ones),
        T(test_eccb_multibyte_read),
        T(test_uart_console_through_eccb),
        cmocka_unit_test(test_uart_registers),
        cmocka_unit_test(test_uart_without_console),
        T(test_bt_get_device_id),
        T(test_bt_interface_capabilities),
        T(test_bt_chassis_status_and_errors),
        T(test_bt_malformed_requests_are_dropped),
        cmocka_unit_test(test_bt_control_and_mask_bits),
        T(test_bt_chassis_reset_stops_the_machine),
        T(test_bt_chassis_power_down_stops_the_machine),
        cmocka_unit_test(test_bmc_direct),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
