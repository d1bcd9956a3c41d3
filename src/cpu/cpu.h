/* The public API of one POWER8 hardware thread.
 *
 * Callers (platform, tools, tests) create a CPU over a phys_memory, set its reset state through the
 * accessors below and drive it with cpu_step()/cpu_run().  The state struct itself lives in
 * cpu_state.h and is only for the CPU's own files (and white-box unit tests).
 */
#ifndef HCALLSIM_CPU_CPU_H
#define HCALLSIM_CPU_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/memory.h"
#include "cpu/ppc_bits.h" /* MSR_* */

typedef struct ppc_cpu ppc_cpu;

/* Why cpu_run() returned. */
typedef enum cpu_exit {
    CPU_EXIT_BUDGET = 0,    /* the instruction budget is spent */
    CPU_EXIT_STOP,          /* a device (or the host) asked the machine to stop */
    CPU_EXIT_CHECKSTOP,     /* machine check with MSR[ME]=0: the thread is dead */
    CPU_EXIT_UNIMPLEMENTED, /* an enabled facility we do not implement (FP/VMX/VSX) */
} cpu_exit;

typedef struct cpu_config {
    uint32_t pvr; /* 0 = POWER8 0x004d0200 */
    uint32_t pir;
} cpu_config;

ppc_cpu *cpu_create(const cpu_config *config, const phys_memory *memory);
void cpu_destroy(ppc_cpu *cpu);

/* Execute exactly one instruction (or deliver one pending interrupt). */
cpu_exit cpu_step(ppc_cpu *cpu);
/* Execute until `budget` instructions have retired or something stops the machine. */
cpu_exit cpu_run(ppc_cpu *cpu, uint64_t budget);

/* The observed loop: the same run loop with hooks around every instruction, for tracing, path
 * profiling and the cycle model.  A plain cpu_run() pays nothing for them. */
typedef struct ppc_insn ppc_insn;
typedef struct cpu_observer cpu_observer;
struct cpu_observer {
    void *ctx;
    /* Before an instruction executes: NIP is its address, registers hold the pre-state. */
    void (*before)(void *ctx, ppc_cpu *cpu, const ppc_insn *insn);
    /* After it retired (NIP is the next instruction, or an interrupt vector). */
    void (*after)(void *ctx, ppc_cpu *cpu, const ppc_insn *insn);
    /* An interrupt was delivered: vector, and the SRR0/HSRR0 value saved. */
    void (*interrupt)(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc);
    /* A data access the current instruction made (after translation, before the device). */
    void (*mem_access)(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                       bool is_store);
    /* Optional: runs `budget` steps in a loop of its own that charges this observer directly
     * (the cycle model's timed loop), with the same results as the observed loop calling the
     * hooks.  cpu_run_observed() uses it when set.  `then`, when not NULL, is an observer whose
     * before and after hooks the loop calls around each instruction as the observed loop would,
     * its after hook after this observer's (a fan-out passes the rest of its members); the
     * interrupt and mem_access hooks of both come through cpu->observer.  One difference: in
     * `then`'s after hook the CPU's own count (cpu_get_cycles, cpu_get_insns) is not current
     * (inside a block the loop settles it later); this observer's counts are. */
    cpu_exit (*run)(void *ctx, ppc_cpu *cpu, uint64_t budget, const cpu_observer *then);
};
cpu_exit cpu_run_observed(ppc_cpu *cpu, uint64_t budget, const cpu_observer *observer);

/* Asks the run loop to return CPU_EXIT_STOP after the current instruction; devices call this. */
void cpu_request_stop(ppc_cpu *cpu);
/* The reason text of the last CPU_EXIT_UNIMPLEMENTED / CPU_EXIT_CHECKSTOP. */
const char *cpu_exit_detail(const ppc_cpu *cpu);

/* Register access for loaders, tools and tests.  SPR access here bypasses privilege checks but
 * keeps each SPR's side effects (writing DEC re-arms the decrementer, and so on). */
uint64_t cpu_get_gpr(const ppc_cpu *cpu, unsigned n);
void cpu_set_gpr(ppc_cpu *cpu, unsigned n, uint64_t value);
uint64_t cpu_get_nip(const ppc_cpu *cpu);
void cpu_set_nip(ppc_cpu *cpu, uint64_t nip);
uint64_t cpu_get_msr(const ppc_cpu *cpu);
void cpu_set_msr(ppc_cpu *cpu, uint64_t msr);
uint32_t cpu_get_cr(const ppc_cpu *cpu);
void cpu_set_cr(ppc_cpu *cpu, uint32_t cr);
uint64_t cpu_get_spr(ppc_cpu *cpu, unsigned spr);
void cpu_set_spr(ppc_cpu *cpu, unsigned spr, uint64_t value);
uint64_t cpu_get_insns(const ppc_cpu *cpu); /* retired instructions */
/* Whether a larx reservation is held, and its real address. */
bool cpu_get_reservation(const ppc_cpu *cpu, uint64_t *real_addr);
uint64_t cpu_get_cycles(const ppc_cpu *cpu); /* core cycles (drives TB, DEC, HDEC) */

/* Translate an effective address for data (is_fetch = false) or instruction fetch in the
 * current mode, without raising anything.  Returns false if the access would fault. */
bool cpu_translate_probe(ppc_cpu *cpu, uint64_t ea, bool is_fetch, uint64_t *pa);

#endif
