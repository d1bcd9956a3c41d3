/* Harness (b): random bytes booted as a -bios image on the powernv8 machine: image at physical
 * 0, reset (NIP 0x10, MSR SF|HV), a few thousand instructions.  Any exit must be a documented
 * cpu_exit value and NIP word-aligned. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "fuzz_input.h"
#include "platform/machine.h"

#define BUDGET    4000u
#define IMAGE_MAX (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    machine *m = machine_create(&(machine_config){.ram_size = MACHINE_MIN_RAM});
    if (!m) abort();
    memcpy(machine_ram(m), data, size < IMAGE_MAX ? size : IMAGE_MAX);
    machine_reset(m);
    ppc_cpu *cpu = machine_cpu(m);
    cpu_exit why = cpu_run(cpu, BUDGET);
    FUZZ_CHECK(why <= CPU_EXIT_UNIMPLEMENTED, "exit %d", (int)why);
    FUZZ_CHECK(why != CPU_EXIT_BUDGET || cpu_get_insns(cpu) == BUDGET,
               "budget exit after %llu instructions", (unsigned long long)cpu_get_insns(cpu));
    FUZZ_CHECK(cpu_get_insns(cpu) <= BUDGET, "%llu instructions",
               (unsigned long long)cpu_get_insns(cpu));
    FUZZ_CHECK((cpu_get_nip(cpu) & 3) == 0, "NIP 0x%llx", (unsigned long long)cpu_get_nip(cpu));
    machine_destroy(m);
    return 0;
}
