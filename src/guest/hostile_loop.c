/* Hostile guest: never exits (a tight loop with the decrementer firing).  hcallsim run must stop
 * it with --max-insns (exit status 67) and say where it was. */
#include "guest.h"

static void on_decrementer(struct guest_regs *regs)
{
    guest_mtspr(22, 1000UL);
}

int main(void *fdt)
{
    guest_set_handler(0x900, on_decrementer);
    guest_mtspr(22, 1000UL);
    __asm__ volatile("mtmsrd %0,1" : : "r"(0x8000UL) : "memory"); /* MSR[EE] */
    for (;;)
        __asm__ volatile("" ::: "memory");
    return 0;
}
