/* Harness (c): the decoder and the executor on random instruction words with random register
 * state, one cpu_step() at a time.  The input gives MSR, NIP, CR, XER, LR, CTR, SRR0/1, HSRR0/1,
 * SDR1, LPCR, the GPRs, then instruction words placed at NIP, NIP+4, ...  Every step must return
 * a documented cpu_exit, retire at most one instruction and leave NIP word-aligned. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/spr.h"
#include "fuzz_input.h"
#include "platform/machine.h"

#define MAX_WORDS 16u

/* A RAM address for the code: in 32 MiB, word-aligned, room for MAX_WORDS words. */
static uint64_t code_address(uint64_t raw)
{
    return (raw % (MACHINE_MIN_RAM - 4 * MAX_WORDS)) & ~3ull;
}

static void set_state(ppc_cpu *cpu, fuzz_input *in, uint64_t nip)
{
    cpu_set_msr(cpu, fuzz_u64(in));
    cpu_set_nip(cpu, nip);
    cpu_set_cr(cpu, fuzz_u32(in));
    static const unsigned sprs[] = {SPR_XER,   SPR_LR,    SPR_CTR,  SPR_SRR0, SPR_SRR1,
                                    SPR_HSRR0, SPR_HSRR1, SPR_SDR1, SPR_LPCR};
    for (size_t i = 0; i < sizeof(sprs) / sizeof(sprs[0]); i++)
        cpu_set_spr(cpu, sprs[i], fuzz_u64(in));
    for (unsigned n = 0; n < 32; n++)
        cpu_set_gpr(cpu, n, n % 4 == 3 ? fuzz_u64(in) : fuzz_u64(in) % MACHINE_MIN_RAM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    machine *m = machine_create(&(machine_config){.ram_size = MACHINE_MIN_RAM});
    if (!m) abort();
    machine_reset(m);
    ppc_cpu *cpu = machine_cpu(m);
    uint8_t *ram = machine_ram(m);
    fuzz_input in = {data, size, 0};
    uint64_t nip = code_address(fuzz_u64(&in));
    set_state(cpu, &in, nip);
    unsigned words = 0;
    while (in.pos < in.size && words < MAX_WORDS) {
        uint32_t w = fuzz_u32(&in);
        memcpy(ram + nip + 4 * words++, &(uint8_t[4]){w >> 24, w >> 16, w >> 8, w}, 4);
    }
    for (unsigned i = 0; i < words; i++) {
        uint64_t before = cpu_get_insns(cpu);
        cpu_exit why = cpu_step(cpu);
        FUZZ_CHECK(why <= CPU_EXIT_UNIMPLEMENTED, "exit %d", (int)why);
        FUZZ_CHECK(cpu_get_insns(cpu) - before <= 1, "step retired %llu",
                   (unsigned long long)(cpu_get_insns(cpu) - before));
        FUZZ_CHECK((cpu_get_nip(cpu) & 3) == 0, "NIP 0x%llx", (unsigned long long)cpu_get_nip(cpu));
        if (why != CPU_EXIT_BUDGET) break;
    }
    machine_destroy(m);
    return 0;
}
