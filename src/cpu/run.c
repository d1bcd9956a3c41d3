/* The run loop: fetch through the decoded-code cache, execute, keep time, take interrupts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_state.h"

ppc_cpu *cpu_create(const cpu_config *config, const phys_memory *memory)
{
    ppc_cpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) return NULL;
    cpu->mem = *memory;
    cpu->code_pages = memory->ram_size >> 12;
    cpu->code = calloc(cpu->code_pages ? cpu->code_pages : 1, sizeof(*cpu->code));
    if (!cpu->code) {
        free(cpu);
        return NULL;
    }
    spr_reset(cpu);
    cpu->spr[SPR_PVR] = config && config->pvr ? config->pvr : 0x004d0200u;
    cpu->spr[SPR_PIR] = config ? config->pir : 0;
    cpu->msr = MSR_SF | MSR_HV;
    cpu->reserve_addr = ~0ull;
    cpu_set_dec(cpu, 0xffffffffu);
    cpu_set_hdec(cpu, 0xffffffffu);
    return cpu;
}

void cpu_destroy(ppc_cpu *cpu)
{
    if (!cpu) return;
    for (uint64_t i = 0; i < cpu->code_pages; i++)
        free(cpu->code[i]);
    free(cpu->code);
    free(cpu);
}

void cpu_invalidate_code(ppc_cpu *cpu, uint64_t pa)
{
    uint64_t page = pa >> 12;
    if (page < cpu->code_pages && cpu->code[page]) {
        free(cpu->code[page]);
        cpu->code[page] = NULL;
    }
}

/* The decoded instruction at NIP, or NULL after delivering ISI/machine check. */
static const ppc_insn *fetch(ppc_cpu *cpu)
{
    uint64_t pa;
    if (!cpu_translate_fetch(cpu, cpu->nip, &pa)) return NULL;
    uint64_t page = pa >> 12;
    bool le = (cpu->msr & MSR_LE) != 0;

    if (page >= cpu->code_pages) {
        /* Code outside RAM (a device): fetch and decode it every time, uncached. */
        static ppc_insn uncached;
        uint64_t word;
        if (!cpu_phys_load(cpu, pa, 4, &word)) return NULL;
        if (le) word = __builtin_bswap32((uint32_t)word);
        insn_decode((uint32_t)word, &uncached);
        return &uncached;
    }
    code_page *cp = cpu->code[page];
    if (!cp || cp->little_endian != le) {
        if (!cp) {
            cp = malloc(sizeof(*cp));
            if (!cp) {
                fprintf(stderr, "hcallsim: out of memory decoding code\n");
                exit(70);
            }
            cpu->code[page] = cp;
        }
        memset(cp->insn, 0, sizeof(cp->insn));
        cp->pa = page << 12;
        cp->little_endian = le;
    }
    ppc_insn *insn = &cp->insn[(pa & 0xfff) >> 2];
    if (!insn->exec) {
        const uint8_t *p = cpu->mem.ram + (pa & ~3ull);
        uint32_t word =
            le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
               : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
        insn_decode(word, insn);
    }
    return insn;
}

/* One step: deliver a pending interrupt, or execute one instruction (whose fetch may itself raise
 * ISI or a machine check).  Every step costs a cycle, so time advances even when every fetch
 * faults.  `obs` is NULL in the plain loop; the compiler drops every observer call from that
 * instantiation. */
static inline __attribute__((always_inline)) void step_one(ppc_cpu *cpu,
                                                           const cpu_observer *obs)
{
    if (cpu->cycles >= cpu->next_event) {
        cpu_timer_update(cpu);
        if (cpu_deliver_pending(cpu)) {
            cpu->cycles++;
            return;
        }
    }
    const ppc_insn *insn = fetch(cpu);
    if (!insn) { /* ISI or machine check delivered; NIP is at the vector */
        cpu->cycles++;
        return;
    }
    cpu->current_word = insn->word;
    if (obs && obs->before) obs->before(obs->ctx, cpu, insn);
    insn_result r = insn->exec(cpu, insn);
    if (r == INSN_NEXT) cpu->nip = (cpu->nip + 4) & cpu_ea_mask(cpu);
    cpu->insns++;
    cpu->cycles++;
    if (obs && obs->after) obs->after(obs->ctx, cpu, insn);
}

/* Runs `budget` steps (instructions retired plus interrupts delivered outside an instruction). */
static inline __attribute__((always_inline)) cpu_exit run_loop(ppc_cpu *cpu, uint64_t budget,
                                                               const cpu_observer *obs)
{
    for (uint64_t n = 0; n < budget; n++) {
        step_one(cpu, obs);
        if (__builtin_expect(cpu->stop_requested, 0)) {
            cpu->stop_requested = false;
            cpu_exit why = cpu->exit_reason;
            cpu->exit_reason = CPU_EXIT_STOP;
            return why;
        }
    }
    return CPU_EXIT_BUDGET;
}

cpu_exit cpu_step(ppc_cpu *cpu) { return run_loop(cpu, 1, NULL); }

cpu_exit cpu_run(ppc_cpu *cpu, uint64_t budget) { return run_loop(cpu, budget, NULL); }

cpu_exit cpu_run_observed(ppc_cpu *cpu, uint64_t budget, const cpu_observer *observer)
{
    cpu->observer = observer;
    cpu_exit why = run_loop(cpu, budget, observer);
    cpu->observer = NULL;
    return why;
}

void cpu_request_stop(ppc_cpu *cpu)
{
    cpu->stop_requested = true;
    cpu->exit_reason = CPU_EXIT_STOP;
}

const char *cpu_exit_detail(const ppc_cpu *cpu)
{
    return cpu->exit_detail;
}

uint64_t cpu_get_gpr(const ppc_cpu *cpu, unsigned n)
{
    return cpu->gpr[n & 31];
}
void cpu_set_gpr(ppc_cpu *cpu, unsigned n, uint64_t value)
{
    cpu->gpr[n & 31] = value;
}
uint64_t cpu_get_nip(const ppc_cpu *cpu)
{
    return cpu->nip;
}
void cpu_set_nip(ppc_cpu *cpu, uint64_t nip)
{
    cpu->nip = nip & ~3ull;
}
uint64_t cpu_get_msr(const ppc_cpu *cpu)
{
    return cpu->msr;
}
void cpu_set_msr(ppc_cpu *cpu, uint64_t msr)
{
    cpu_write_msr(cpu, msr);
}
uint32_t cpu_get_cr(const ppc_cpu *cpu)
{
    return cpu->cr;
}
void cpu_set_cr(ppc_cpu *cpu, uint32_t cr)
{
    cpu->cr = cr;
}
uint64_t cpu_get_insns(const ppc_cpu *cpu)
{
    return cpu->insns;
}
uint64_t cpu_get_cycles(const ppc_cpu *cpu)
{
    return cpu->cycles;
}

uint64_t cpu_get_spr(ppc_cpu *cpu, unsigned spr)
{
    const spr_info *info = spr_lookup(spr);
    return info ? spr_read(cpu, info) : 0;
}

void cpu_set_spr(ppc_cpu *cpu, unsigned spr, uint64_t value)
{
    const spr_info *info = spr_lookup(spr);
    if (info) spr_write(cpu, info, value);
}
