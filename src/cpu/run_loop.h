/* What the run loops share (run.c: the plain and observed loops; timing.c: the cycle model's
 * timed loop, an instance of run_blocks.inc): fetch through the decoded-code cache, blocks, and
 * the steps around them. */
#ifndef HCALLSIM_CPU_RUN_LOOP_H
#define HCALLSIM_CPU_RUN_LOOP_H

#include "cpu/cpu_state.h"

/* Decodes a slot of the fetch page from the word in RAM. */
void run_decode_slot(ppc_cpu *cpu, ppc_insn *insn);
/* The slow half of fetch(): translates NIP, refills the fetch cache and returns the slot, or
 * decodes code outside RAM (a device) into *uncached every time; NULL after delivering ISI or a
 * machine check. */
ppc_insn *run_fetch_lookup(ppc_cpu *cpu, ppc_insn *uncached);
/* Takes a requested stop: the reason to return. */
cpu_exit run_take_stop(ppc_cpu *cpu);
/* The caller may have changed state behind our back (SPRs poked, RAM written by a loader). */
void run_forget_cached_translations(ppc_cpu *cpu);

/* The decoded instruction at NIP: while NIP stays in the cached page with the same MSR, no
 * translation at all. */
static inline __attribute__((always_inline)) ppc_insn *fetch(ppc_cpu *cpu, ppc_insn *uncached)
{
    uint64_t nip = cpu->nip;
    ppc_insn *insn;
    if ((nip & ~0xfffull) == cpu->fetch_ea_page && cpu->msr == cpu->fetch_msr) {
        insn = &cpu->fetch_page->insn[(nip & 0xfff) >> 2];
    } else {
        insn = run_fetch_lookup(cpu, uncached);
        if (!insn || insn == uncached) return insn;
    }
    if (__builtin_expect(insn->hot == INSN_HOT_DECODE, 0)) run_decode_slot(cpu, insn);
    return insn;
}

/* A step that retired no instruction (an interrupt delivered between instructions, or a fetch
 * that faulted) still costs a cycle. */
static inline void idle_step(ppc_cpu *cpu)
{
    cpu->left--;
    cpu->idle_steps++;
}

/* Starts a block at slot `insn` (NIP) of the fetch page: it runs to the page end, or as far as
 * the budget to the next event goes (at least one instruction). */
static inline void begin_block(ppc_cpu *cpu, ppc_insn *insn)
{
    cpu->block_start = insn;
    cpu->block_nip = cpu->nip;
    int64_t to_page_end = cpu->fetch_page->insn + 1024 - insn;
    if (cpu->left < to_page_end) cpu_block_stop_at(cpu, insn + (cpu->left > 0 ? cpu->left : 1));
}

/* Leaves the block after `last`, the instruction just retired: settles its cycles (one if
 * cpu_set_next_event already settled the block during it). */
static inline void end_block(ppc_cpu *cpu, const ppc_insn *last)
{
    cpu_block_unstop(cpu);
    cpu->left -= cpu->block_start ? last + 1 - cpu->block_start : 1;
    cpu->block_start = NULL;
}

#endif
