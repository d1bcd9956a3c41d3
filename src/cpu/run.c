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

/* Decodes a slot of the fetch page from the word in RAM. */
static void decode_slot(ppc_cpu *cpu, ppc_insn *insn)
{
    const code_page *cp = cpu->fetch_page;
    const uint8_t *p = cpu->mem.ram + cp->pa + (uint64_t)(insn - cp->insn) * 4;
    uint32_t word =
        cp->little_endian
            ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
            : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
    insn_decode(word, insn);
}

/* The slow half of fetch(): translates NIP, refills the fetch cache and returns the slot, or
 * decodes code outside RAM (a device) into *uncached every time; NULL after delivering ISI or a
 * machine check. */
static __attribute__((noinline)) ppc_insn *fetch_lookup(ppc_cpu *cpu, ppc_insn *uncached)
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

/* The decoded instruction at NIP: while NIP stays in the cached page with the same MSR, no
 * translation at all. */
static inline __attribute__((always_inline)) ppc_insn *fetch(ppc_cpu *cpu, ppc_insn *uncached)
{
    uint64_t nip = cpu->nip;
    ppc_insn *insn;
    if ((nip & ~0xfffull) == cpu->fetch_ea_page && cpu->msr == cpu->fetch_msr) {
        insn = &cpu->fetch_page->insn[(nip & 0xfff) >> 2];
    } else {
        insn = fetch_lookup(cpu, uncached);
        if (!insn || insn == uncached) return insn;
    }
    if (__builtin_expect(insn->hot == INSN_HOT_DECODE, 0)) decode_slot(cpu, insn);
    return insn;
}

/* A step that retired no instruction (an interrupt delivered between instructions, or a fetch
 * that faulted) still costs a cycle. */
static void idle_step(ppc_cpu *cpu)
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

static cpu_exit take_stop(ppc_cpu *cpu)
{
    cpu->stop_requested = false;
    cpu_exit why = cpu->exit_reason;
    cpu->exit_reason = CPU_EXIT_STOP;
    return why;
}

/* The caller may have changed state behind our back (SPRs poked, RAM written by a loader). */
static void forget_cached_translations(ppc_cpu *cpu)
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
    forget_cached_translations(cpu);

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
    decode_slot(cpu, insn);
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
        if (__builtin_expect(insn->hot == INSN_HOT_DECODE, 0)) decode_slot(cpu, insn);
        goto execute;
    }
retired_none:
    if (__builtin_expect(cpu->stop_requested, 0)) return take_stop(cpu);
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
 *     (which end the block) change MSR[SF], so the mask is applied when the block ends. */
__attribute__((optimize("no-crossjumping"))) static cpu_exit run_plain(ppc_cpu *cpu,
                                                                       uint64_t budget)
{
    static void *const dispatch[INSN_HOT__COUNT] = {
        [INSN_HOT_DECODE] = &&decode,
        [INSN_HOT_CALL] = &&call,
        [INSN_HOT_PAGE_END] = &&block_end,
        [INSN_HOT_STOP] = &&block_end,
#define HOT(name, fn, when, cia) [INSN_HOT_##name] = &&hot_##name,
#include "cpu/insns/hot.def"
#undef HOT
    };
    if (!cpu) { /* publish_hot_labels() */
        memcpy(insn_hot_labels, dispatch, sizeof(insn_hot_labels));
        return CPU_EXIT_BUDGET;
    }
    const uint64_t start = cpu_now(cpu);
    const uint64_t end = budget > UINT64_MAX - start ? UINT64_MAX : start + budget;
    ppc_insn uncached, *insn;
    insn_result result;
    uint64_t cia = 0; /* of the last row that set NIP to it */
    forget_cached_translations(cpu);
    if (cpu->next_event > end) cpu_set_next_event(cpu, end);

look_up: /* NIP is masked for the mode; no block */
    if (__builtin_expect(cpu->left <= 0, 0)) {
        uint64_t now = cpu_now(cpu);
        /* A stop is taken after an instruction, never before the first one. */
        if (cpu->stop_requested && now != start) return take_stop(cpu);
        if (now >= end) return CPU_EXIT_BUDGET;
        cpu_timer_update(cpu);
        bool delivered = cpu_deliver_pending(cpu);
        if (cpu->next_event > end) cpu_set_next_event(cpu, end);
        if (cpu->stop_requested) cpu_set_next_event(cpu, 0); /* after the next instruction */
        if (delivered) {
            idle_step(cpu);
            goto look_up;
        }
    }
    insn = fetch(cpu, &uncached);
    if (!insn) { /* ISI or machine check delivered */
        idle_step(cpu);
        goto look_up;
    }
    if (insn == &uncached) { /* code outside RAM: one instruction, no block */
        cpu->current_insn = insn;
        if (insn->exec(cpu, insn) == INSN_NEXT) cpu->nip = (cpu->nip + 4) & cpu_ea_mask(cpu);
        cpu->left--;
        goto look_up;
    }
    begin_block(cpu, insn);
    goto *(void *)insn->label;

decode:
    if (insn == cpu->block_stop) goto block_end; /* a store cleared the stop slot */
    decode_slot(cpu, insn);
    goto *(void *)insn->label;

/* NIP = the CIA, for rows that read it; `cia` keeps it for the `branched` path. */
#define SET_CIA() (cpu->nip = cia = cpu->block_nip + (uint64_t)(insn - cpu->block_start) * 4)
/* On to the next slot. */
#define NEXT_SLOT()                                                                                \
    do {                                                                                           \
        insn++;                                                                                    \
        goto *(void *)insn->label;                                                                 \
    } while (0)
/* After an execute function: on to the next slot, or to `jumped`. */
#define RETIRE(result, jumped)                                                                     \
    do {                                                                                           \
        if (__builtin_expect((result) != INSN_NEXT, 0)) goto jumped;                               \
        NEXT_SLOT();                                                                               \
    } while (0)
/* A BRANCH or BC row was taken from `cia` (NIP is the target): within the page, with no stop in
 * the block and time for a whole page, the next block starts at the target at once (the common
 * loop); anything else goes the `branched` way.  Expanded in each row, so that the target, the
 * CIA and the block are still in registers. */
#define FOLLOW_BRANCH()                                                                            \
    do {                                                                                           \
        uint64_t target_ = cpu->nip;                                                               \
        if (!cpu->block_stop && ((target_ ^ cia) >> 12) == 0) {                                    \
            int64_t left_ = cpu->left - (insn - cpu->block_start) - 1; /* as SET_CIA() */          \
            if (left_ >= 1024) { /* a page has 1024 slots: no stop needed */                       \
                cpu->left = left_;                                                                 \
                insn = (ppc_insn *)((char *)insn +                                                 \
                                    (int64_t)(target_ - cia) * (int64_t)(sizeof(ppc_insn) / 4));   \
                cpu->block_start = insn;                                                           \
                cpu->block_nip = target_;                                                          \
                goto *(void *)insn->label;                                                         \
            }                                                                                      \
        }                                                                                          \
        goto branched;                                                                             \
    } while (0)
/* Each class of hot.def row: what the loop does around its execute function. */
#define HOT_BODY_NO_CIA(fn)                                                                        \
    result = fn(cpu, insn);                                                                        \
    RETIRE(result, jumped);
#define HOT_BODY_CIA(fn)                                                                           \
    SET_CIA();                                                                                     \
    result = fn(cpu, insn);                                                                        \
    RETIRE(result, jumped);
#define HOT_BODY_BRANCH(fn)                                                                        \
    SET_CIA();                                                                                     \
    if (fn(cpu, insn) == INSN_NEXT) NEXT_SLOT();                                                   \
    FOLLOW_BRANCH();
#define HOT_BODY_BC(fn) /* fn is exec_bc: its halves */                                            \
    if (!bc_branches(cpu, insn)) NEXT_SLOT();                                                      \
    SET_CIA();                                                                                     \
    bc_take(cpu, insn);                                                                            \
    FOLLOW_BRANCH();

call:
    SET_CIA();
    result = insn->exec(cpu, insn);
    RETIRE(result, jumped);
#define HOT(name, fn, when, cia_class)                                                             \
    hot_##name : if (!(when)) __builtin_unreachable(); /* decode.c checked it */                   \
    HOT_BODY_##cia_class(fn)
#include "cpu/insns/hot.def"
#undef HOT
#undef HOT_BODY_NO_CIA
#undef HOT_BODY_CIA
#undef HOT_BODY_BRANCH
#undef HOT_BODY_BC
#undef RETIRE
#undef NEXT_SLOT
#undef FOLLOW_BRANCH

block_end: /* `insn` is the page end or the stop slot, not executed */
    if (cpu->block_start) {
        SET_CIA();
        end_block(cpu, insn - 1);
    } else { /* settled during the previous instruction, whose address NIP holds */
        end_block(cpu, insn - 1);
        cpu->nip += 4;
    }
    cpu->nip &= cpu_ea_mask(cpu);
    goto look_up;
branched: /* a BRANCH or BC row was taken from `cia` and FOLLOW_BRANCH did not follow it: NIP is
           * the target; MSR, the time and the block unchanged */
    if (!cpu->block_stop && ((cpu->nip ^ cia) >> 12) == 0) { /* a new block at the target */
        cpu->left -= insn + 1 - cpu->block_start;
        cpu->block_start = NULL;
        if (cpu->left <= 0) goto look_up;
        insn += (int64_t)(cpu->nip - cia) / 4;
        begin_block(cpu, insn);
        goto *(void *)insn->label;
    }
#undef SET_CIA
jumped: /* NIP is the target */
    end_block(cpu, insn);
    /* A branch within the cached page, with no event due and the cache's MSR: no look-up. */
    if (cpu->left > 0 && (cpu->nip & ~0xfffull) == cpu->fetch_ea_page &&
        cpu->msr == cpu->fetch_msr) {
        insn = &cpu->fetch_page->insn[(cpu->nip & 0xfff) >> 2];
        begin_block(cpu, insn);
        goto *(void *)insn->label;
    }
    goto look_up;
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
    cpu_exit why = run_observed(cpu, budget, observer);
    cpu->observer = NULL;
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
    forget_cached_translations(cpu);
}
