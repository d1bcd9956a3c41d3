/*
 * A guest for QEMU's pseries machine that knows nothing about hcallsim: it is linked like a
 * kernel (code at 0x400000, physical addresses from 0, so QEMU's -kernel puts it at 0x400000),
 * starts in 32-bit real mode with r3 = FDT, finds its console vty, RTAS tokens, memory and
 * command line in the device tree, writes through H_PUT_TERM_CHAR, reads the clock with RTAS
 * get-time-of-day through H_RTAS, prints "EXIT: STATUS=n" and powers off: n = the number of
 * failed checks, plus N when the command line has "exit=N" (to test exit statuses).
 * It runs unchanged under `qemu-system-ppc64 -M pseries` and `hcallsim run`.
 */
#include "guest.h"

#define TB_HZ 512000000u

/* N from an "exit=N" word of the command line, else 0 */
static int exit_request(const char *args)
{
    static const char key[] = "exit=";
    int value = 0;

    for (const char *w = args; w && *w; w++) {
        size_t i = 0;
        if (w != args && w[-1] != ' ') continue;
        while (i < sizeof(key) - 1 && w[i] == key[i])
            i++;
        if (i < sizeof(key) - 1) continue;
        for (w += i; *w >= '0' && *w <= '9'; w++)
            value = value * 10 + (*w - '0');
        return value;
    }
    return 0;
}

int main(void *fdt)
{
    uint32_t tod[7];
    const char *compatible = fdt_string(fdt, "/", "compatible");
    const char *bootargs = fdt_string(fdt, "/chosen", "bootargs");
    uint64_t memory = fdt_memory_size(fdt, 0);
    uint32_t vty = fdt_u32(fdt, "/vdevice/vty", "reg", 0);
    uint32_t tb_hz = fdt_u32(fdt, "/cpus/PowerPC,POWER8", "timebase-frequency", 0);
    uint32_t tod_token = fdt_u32(fdt, "/rtas", "get-time-of-day", 0);
    int status;

    guest_vty = vty; /* as Linux's hvc_vio: the vty's reg is its terminal number */
    guest_printf("pseries_hello: FDT at 0x%lx, console vty 0x%x\n", (uint64_t)(uintptr_t)fdt, vty);
    CHECK(compatible && guest_str_eq(compatible, "qemu,pseries"), "compatible \"%s\"",
          compatible ? compatible : "(none)");
    CHECK(memory != 0, "memory@0: %lu MiB", memory >> 20);
    CHECK(tb_hz == TB_HZ, "timebase-frequency %u", tb_hz);
    guest_printf("bootargs \"%s\"\n", bootargs ? bootargs : "");
    CHECK(tod_token != 0, "RTAS get-time-of-day token 0x%x", tod_token);
    status = rtas_call(tod_token, 0, 8, tod);
    CHECK(status == 0 && tod[0] >= 2024 && tod[1] >= 1 && tod[1] <= 12 && tod[2] >= 1 &&
              tod[2] <= 31 && tod[3] < 24 && tod[4] < 60 && tod[5] < 60,
          "RTAS get-time-of-day: status %d, a plausible date", status);
    guest_printf("TOD %04u-%02u-%02u %02u:%02u:%02u\n", tod[0], tod[1], tod[2], tod[3], tod[4],
                 tod[5]);
    guest_printf("pseries_hello: %d failures\n", guest_failures);
    return guest_failures + exit_request(bootargs);
}
