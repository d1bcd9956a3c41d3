/* The run loops: fetch through the decoded-code cache, execute, keep time, take interrupts.
 * Here the plain loop (an instance of run_blocks.inc) and the observed loop; timing.c has the
 * cycle model's timed loops, the other instances of run_blocks.inc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/run_loop.h"

ppc_cpu *cpu_create(const cpu_config *config, const phys_memory *memory)
{
    ppc_cpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) return NULL;
    cpu->mem = *memory;
    cpu->code_pages = memory->ram_size >> 12;
    cpu->code = calloc(cpu->code_pages ? cpu->code_pages : 1, sizeof(*cpu->code));
    cpu->fetch_ea_page = FETCH_NONE;
    cpu->observed_cia = CIA_NONE;
    if (!cpu->code) {
        free(cpu);
        return NULL;
    }
    spr_reset(cpu);
    cpu->spr[SPR_PVR] = config && config->pvr ? config->pvr : 0x004d0200u;
    cpu->spr[SPR_PIR] = config ? config->pir : 0;
    cpu_data_map_flush(cpu, false);
    cpu_write_msr(cpu, MSR_SF | MSR_HV);
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

/* Clears a page's decoded instructions in place (the run loop may hold pointers into it): every
 * slot becomes INSN_HOT_DECODE, and the slot after them marks the page end. */
static void clear_code_page(code_page *cp)
{
    cpu_code_page_forget(cp, 0, 4096); /* decoding rewrites the rest of a slot */
    insn_set_hot(&cp->insn[1024], INSN_HOT_PAGE_END);
}

void cpu_invalidate_code(ppc_cpu *cpu, uint64_t pa)
{
    uint64_t page = pa >> 12;
    if (page < cpu->code_pages && cpu->code[page]) clear_code_page(cpu->code[page]);
}

void cpu_forget_code_words(ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    for (uint64_t word = pa & ~3ull; word < pa + size; word += 4) {
        uint64_t page = word >> 12;
        if (page < cpu->code_pages && cpu->code[page])
            insn_set_hot(&cpu->code[page]->insn[(word & 0xfff) >> 2], INSN_HOT_DECODE);
    }
}

/* The decoded-code page for a RAM page, created (or re-decoded for a new MSR[LE]) on demand.  A
 * new code page drops the data map's store entries (they record each page's code). */
static code_page *code_page_for(ppc_cpu *cpu, uint64_t page, bool le)
{
    code_page *cp = cpu->code[page];
    if (cp && cp->little_endian == le) return cp;
    if (!cp) {
        cp = calloc(1, sizeof(*cp));
        if (!cp) {
            fprintf(stderr, "hcallsim: out of memory decoding code\n");
            exit(70);
        }
        cpu->code[page] = cp;
        cpu_data_map_flush(cpu, true);
    }
    clear_code_page(cp);
    cp->pa = page << 12;
    cp->little_endian = le;
    return cp;
}

void run_decode_slot(ppc_cpu *cpu, ppc_insn *insn)
{
    const code_page *cp = cpu->fetch_page;
    const uint8_t *p = cpu->mem.ram + cp->pa + (uint64_t)(insn - cp->insn) * 4;
    uint32_t word =
        cp->little_endian
            ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
            : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
    insn_decode(word, insn);
}

__attribute__((noinline)) ppc_insn *run_fetch_lookup(ppc_cpu *cpu, ppc_insn *uncached)
{
    uint64_t pa;
    if (!cpu_translate_fetch(cpu, cpu->nip, &pa)) return NULL;
    uint64_t page = pa >> 12;
    bool le = (cpu->msr & MSR_LE) != 0;
    if (page >= cpu->code_pages) {
        uint64_t word;
        if (!cpu_phys_load(cpu, pa, 4, &word)) return NULL;
        if (le) word = __builtin_bswap32((uint32_t)word);
        insn_decode((uint32_t)word, uncached);
        return uncached;
    }
    cpu->fetch_page = code_page_for(cpu, page, le);
    cpu->fetch_ea_page = cpu->nip & ~0xfffull;
    cpu->fetch_msr = cpu->msr;
    return &cpu->fetch_page->insn[(pa & 0xfff) >> 2];
}

cpu_exit run_take_stop(ppc_cpu *cpu)
{
    cpu->stop_requested = false;
    cpu_exit why = cpu->exit_reason;
    cpu->exit_reason = CPU_EXIT_STOP;
    return why;
}

void run_forget_cached_translations(ppc_cpu *cpu)
{
    cpu->fetch_ea_page = FETCH_NONE;
    cpu_data_map_flush(cpu, false);
}

/* The observed loop: `budget` steps (instructions retired plus interrupts delivered outside an
 * instruction), each instruction between the observer's hooks:
 *   before: NIP = the CIA, observed_cia = the CIA; after: NIP = the next instruction (or the
 *   vector), the instruction's cycle counted; then observed_cia = CIA_NONE.
 * Threaded like the plain loop (hot rows inlined), but one instruction at a time: time is
 * counted per step (no blocks), and execution that falls through within the fetch page, with no
 * event due, goes to the next slot without a look-up. */
static cpu_exit run_observed(ppc_cpu *cpu, uint64_t budget, const cpu_observer *obs)
{
    static void *const dispatch[INSN_HOT__COUNT] = {
        [INSN_HOT_DECODE] = &&decode,
        [INSN_HOT_CALL] = &&call,
        [INSN_HOT_PAGE_END] = &&call, /* never reached: no blocks here */
        [INSN_HOT_STOP] = &&call,
#define HOT(name, fn, when, cia) [INSN_HOT_##name] = &&hot_##name,
#include "cpu/insns/hot.def"
#undef HOT
    };
    void (*const before)(void *, ppc_cpu *, const ppc_insn *) = obs ? obs->before : NULL;
    void (*const after)(void *, ppc_cpu *, const ppc_insn *) = obs ? obs->after : NULL;
    void *const ctx = obs ? obs->ctx : NULL;
    ppc_insn uncached, *insn;
    insn_result result;
    run_forget_cached_translations(cpu);

step:
    if (budget == 0) return CPU_EXIT_BUDGET;
    budget--;
    if (cpu->left <= 0) {
        cpu_timer_update(cpu);
        if (cpu_deliver_pending(cpu)) {
            idle_step(cpu);
            goto retired_none;
        }
    }
    insn = fetch(cpu, &uncached);
    if (!insn) { /* ISI or machine check delivered; NIP is at the vector */
        idle_step(cpu);
        goto retired_none;
    }
execute: /* NIP is the CIA of `insn`, decoded */
    cpu->current_insn = insn;
    cpu->observed_cia = cpu->nip;
    if (before) before(ctx, cpu, insn);
    goto *dispatch[insn->hot];

decode:
    run_decode_slot(cpu, insn);
    goto *dispatch[insn->hot];
call:
    result = insn->exec(cpu, insn);
    goto retired;
#define HOT(name, fn, when, cia)                                                                   \
    hot_##name : if (!(when)) __builtin_unreachable(); /* decode.c checked it */                   \
    result = fn(cpu, insn);                                                                        \
    goto retired;
#include "cpu/insns/hot.def"
#undef HOT

retired:
    if (result == INSN_NEXT) cpu->nip = (cpu->nip + 4) & cpu_ea_mask(cpu);
    cpu->left--;
    if (after) after(ctx, cpu, insn);
    cpu->observed_cia = CIA_NONE;
    /* Falling through within the page with nothing due: the next slot.  A stop request, and
     * anything that changes MSR or how fetch translates, make an event due (cpu_request_stop,
     * cpu_fetch_resync; an interrupt is not INSN_NEXT), as the plain loop's blocks rely on. */
    if (result == INSN_NEXT && cpu->left > 0 && budget != 0 && insn != &uncached &&
        (cpu->nip & 0xfff) != 0) {
        budget--;
        insn++;
        if (__builtin_expect(insn->hot == INSN_HOT_DECODE, 0)) run_decode_slot(cpu, insn);
        goto execute;
    }
retired_none:
    if (__builtin_expect(cpu->stop_requested, 0)) return run_take_stop(cpu);
    goto step;
}

/* The plain loop: the same steps as run_observed without hooks, threaded, so that straight-line
 * code costs, per instruction, the execute function (inlined for the hot rows, insns/hot.def)
 * and the jump to the next slot's label: nothing else.
 *   - Every step costs one cycle, so the budget is a cycle count, folded into next_event; a
 *     block never runs past it, so one test per block covers timers, pending interrupts, stop
 *     requests (cpu_request_stop and cpu_fetch_resync make it due now) and the budget.
 *   - A block walks the slots of the fetch page while execution falls through.  It ends where
 *     a slot's label says so: PAGE_END after the page's last slot, or STOP in the slot where
 *     the budget runs out (begin_block, cpu_set_next_event put it there).  A taken branch
 *     within the page starts a new block there with no look-up; anything else looks NIP up
 *     again through the fetch cache.
 *   - Inside a block NIP is implicit (block_nip + 4 * slots from block_start): it is written
 *     only before the rows that may read it (CIA rows of hot.def, every other row), and when
 *     the block ends.
 *   - NIP in 32-bit mode: within a page +4 cannot wrap, and only context-changing instructions
 *     (which end the block) change MSR[SF], so the mask is applied when the block ends.
 * The body is run_blocks.inc, with no hooks. */
__attribute__((optimize("no-crossjumping"))) static cpu_exit run_plain(ppc_cpu *cpu,
                                                                       uint64_t budget)
{
#define BLOCKS_SLOT_LABELS 1
#define BLOCKS_HOOK_CIA()
#define BLOCKS_BEFORE()
#define BLOCKS_AFTER(fell_through)
#define BLOCKS_BETWEEN(between)
#include "cpu/run_blocks.inc" /* undefines the BLOCKS_ parameters */
}

const void *insn_hot_labels[INSN_HOT__COUNT];

/* Slots jump through their label (insn_set_hot), so the labels must be known before anything is
 * decoded: the plain loop hands them out when called without a CPU. */
__attribute__((constructor)) static void publish_hot_labels(void)
{
    run_plain(NULL, 0);
}

cpu_exit cpu_step(ppc_cpu *cpu)
{
    return run_plain(cpu, 1);
}

/* Never inlined, even by link-time optimisation: tools/bench counts host instructions inside
 * cpu_run and cpu_run_observed by name (callgrind --toggle-collect). */
__attribute__((noinline)) cpu_exit cpu_run(ppc_cpu *cpu, uint64_t budget)
{
    return run_plain(cpu, budget);
}

__attribute__((noinline)) cpu_exit cpu_run_observed(ppc_cpu *cpu, uint64_t budget,
                                                    const cpu_observer *observer)
{
    cpu->observer = observer;
    cpu_exit why = observer && observer->run ? observer->run(observer->ctx, cpu, budget, NULL)
                                             : run_observed(cpu, budget, observer);
    cpu->observer = NULL;
    cpu->observed_cia = CIA_NONE;
    return why;
}

void cpu_request_stop(ppc_cpu *cpu)
{
    cpu->stop_requested = true;
    cpu->exit_reason = CPU_EXIT_STOP;
    cpu_set_next_event(cpu, 0); /* the plain loop sees the request at its next event test */
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
    return cpu_now(cpu) - cpu->idle_steps;
}
bool cpu_get_reservation(const ppc_cpu *cpu, uint64_t *real_addr)
{
    *real_addr = cpu->reserve_addr;
    return cpu->reserve_valid;
}

uint64_t cpu_get_cycles(const ppc_cpu *cpu)
{
    return cpu_now(cpu);
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
    run_forget_cached_translations(cpu);
}
