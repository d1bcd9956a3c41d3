/* The cycle model (docs/cycle-model.md): in-order dispatch groups over a register scoreboard,
 * group breaks for serialising classes, context-synchronisation drains, a branch predictor and
 * L1 caches in front of one L2/memory latency.  It is a cpu_observer: the plain run loop never
 * calls it.
 *
 * Time keeping.  `c.cycles` is the cycles so far; it only grows through charge(), which also
 * books the cycles to "base" (one per dispatch group) or to one stall reason, so at every
 * instruction boundary cycles = base + the sum of the stalls.  An open dispatch group (slots >
 * 0) sits in cycle c.cycles - 1; an instruction joins it when its operands are ready by then
 * and nothing forbids it, otherwise it opens a new group at max(c.cycles, operands ready).
 *
 * Hook order per instruction: before() notes the address and the fetch line, mem_access()
 * touches the data cache during execution, interrupt() notes an interrupt the instruction
 * raised, and after() does all the charging.  An interrupt outside an instruction (DEC, HDEC,
 * a fetch fault) is charged at once. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_state.h"
#include "cpu/timing.h"

#define BASE           TIMING_STALL__COUNT /* charge() reason: a dispatch group's own cycle */
#define STORE_QUEUE    8                   /* stores remembered for store-to-load forwarding */
#define INSN_STORES    4                   /* store granules one instruction can queue */
#define DIR_WEAK_NOT   1                   /* 2-bit counters start weakly not-taken */
#define BO_ALWAYS_MASK 0x14                /* BO bits that make a branch unconditional */

/* Everything the model needs about one instruction word, derived once (it depends on the word
 * only) and kept in a small direct-mapped cache. */
typedef struct timing_decoded {
    uint32_t word;
    bool valid;
    bool first;         /* must open a dispatch group */
    bool last_in_group; /* ends its dispatch group */
    bool is_branch;     /* predicted branch (not rfid/hrfid) */
    bool is_load;
    bool cache_inhibited;
    uint8_t own;    /* what a group break it forces is booked to */
    int8_t ctxsync; /* timing_ctxsync, or -1 */
    uint16_t latency;
    uint16_t serialise;
    timing_regs regs;
} timing_decoded;

#define DECODED_BITS 11

typedef struct cache {
    unsigned sets, ways, line_shift;
    uint64_t *tag;  /* sets * ways; line address + 1, 0 = invalid */
    uint64_t *used; /* LRU stamps */
} cache;

struct timing_model {
    cpu_observer observer;
    timing_profile p;

    /* Scoreboard: the cycle each register's value is ready. */
    uint64_t gpr_ready[32];
    uint64_t other_ready[16];
    uint64_t spr_ready[1024];
    uint64_t all_ready; /* the latest result of anything issued: what a drain waits for */

    /* The open dispatch group. */
    unsigned slots;
    bool no_join;        /* the next instruction must open a new group */
    uint8_t no_join_why; /* the reason its new group is booked to (BASE if none) */

    /* The current instruction, between before() and after(). */
    bool in_insn;
    bool interrupted;
    uint64_t cia;
    bool fetch_new_line;
    uint64_t fetch_pa;
    uint64_t fetch_line_ea; /* EA line of the last fetch + 1; 0 = none */
    unsigned load_misses;
    bool load_uncached;
    uint64_t forward_ready;
    unsigned n_stores;
    uint64_t store_granule[INSN_STORES];

    /* Store queue for forwarding. */
    struct {
        uint64_t granule, ready;
    } store_queue[STORE_QUEUE];
    unsigned store_next;

    /* Branch prediction. */
    uint8_t *direction;
    uint64_t *link_stack;
    unsigned link_top, link_count;
    uint64_t *count_cache;

    cache l1i, l1d;
    uint64_t lru_clock;

    timing_counters c;
    timing_insn_info last;

    timing_decoded decoded[1u << DECODED_BITS];
};

/* ---- Caches ---- */

static bool cache_init(cache *k, const timing_cache_params *cp)
{
    k->ways = cp->ways;
    k->sets = (unsigned)((uint64_t)cp->size_kb * 1024 / ((uint64_t)cp->line_bytes * cp->ways));
    k->line_shift = (unsigned)__builtin_ctz(cp->line_bytes);
    k->tag = calloc((size_t)k->sets * k->ways, sizeof(*k->tag));
    k->used = calloc((size_t)k->sets * k->ways, sizeof(*k->used));
    return k->tag && k->used;
}

static void cache_free(cache *k)
{
    free(k->tag);
    free(k->used);
}

static void cache_clear(cache *k)
{
    memset(k->tag, 0, (size_t)k->sets * k->ways * sizeof(*k->tag));
    memset(k->used, 0, (size_t)k->sets * k->ways * sizeof(*k->used));
}

/* Looks the line of `pa` up; on a miss with `allocate`, replaces the least recently used way.
 * Returns whether it hit. */
static bool cache_access(timing_model *t, cache *k, uint64_t pa, bool allocate)
{
    uint64_t line = pa >> k->line_shift;
    size_t base = (size_t)(line & (k->sets - 1)) * k->ways;
    uint64_t *tag = k->tag + base, *used = k->used + base;
    unsigned victim = 0;
    for (unsigned w = 0; w < k->ways; w++) {
        if (tag[w] == line + 1) {
            used[w] = ++t->lru_clock;
            return true;
        }
        if (used[w] < used[victim]) victim = w;
    }
    if (allocate) {
        tag[victim] = line + 1;
        used[victim] = ++t->lru_clock;
    }
    return false;
}

/* ---- Charging ---- */

static void charge(timing_model *t, unsigned reason, uint64_t n)
{
    if (!n) return;
    t->c.cycles += n;
    if (reason == BASE) {
        t->c.base += n;
    } else {
        t->c.stall[reason] += n;
        t->last.stall[reason] += n;
    }
}

/* A stall: nothing dispatches for n cycles, so the open group is over. */
static void stall(timing_model *t, timing_stall reason, uint64_t n)
{
    charge(t, reason, n);
    if (n) t->slots = 0;
}

/* Waits until every issued result is ready (context synchronisation, interrupts). */
static void drain(timing_model *t)
{
    if (t->all_ready > t->c.cycles) stall(t, TIMING_STALL_CONTEXT_SYNC, t->all_ready - t->c.cycles);
    t->slots = 0;
}

/* ---- Scoreboard ---- */

static uint64_t sources_ready(const timing_model *t, const timing_regs *r)
{
    uint64_t ready = 0;
    for (uint32_t m = r->gpr_read; m; m &= m - 1) {
        uint64_t v = t->gpr_ready[__builtin_ctz(m)];
        if (v > ready) ready = v;
    }
    for (uint32_t m = r->other_read; m; m &= m - 1) {
        uint64_t v = t->other_ready[__builtin_ctz(m)];
        if (v > ready) ready = v;
    }
    for (unsigned i = 0; i < 2; i++)
        if (r->spr_read[i] != TIMING_NO_SPR && t->spr_ready[r->spr_read[i] & 1023] > ready)
            ready = t->spr_ready[r->spr_read[i] & 1023];
    return ready;
}

static void note_ready(timing_model *t, uint64_t *slot, uint64_t when)
{
    *slot = when;
    if (when > t->all_ready) t->all_ready = when;
}

static void write_results(timing_model *t, const timing_regs *r, uint64_t issue, uint64_t ready)
{
    uint64_t update_ready = issue + t->p.latency[TIMING_ALU];
    uint64_t record_ready = issue + t->p.record_cr_latency;
    for (uint32_t m = r->gpr_write; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctz(m);
        note_ready(t, &t->gpr_ready[n], (r->gpr_update >> n) & 1 ? update_ready : ready);
    }
    for (uint32_t m = r->other_write; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctz(m);
        note_ready(t, &t->other_ready[n], (r->cr_record >> n) & 1 ? record_ready : ready);
    }
    if (r->spr_write != TIMING_NO_SPR) note_ready(t, &t->spr_ready[r->spr_write & 1023], ready);
}

/* ---- Dispatch ---- */

static uint64_t open_group(timing_model *t, unsigned why)
{
    uint64_t issue = t->c.cycles;
    charge(t, why, 1);
    t->c.groups++;
    t->slots = 1;
    return issue;
}

/* ---- Branches ---- */

static void link_push(timing_model *t, uint64_t addr)
{
    unsigned n = t->p.link_stack_entries;
    t->link_top = (t->link_top + 1) % n;
    t->link_stack[t->link_top] = addr;
    if (t->link_count < n) t->link_count++;
}

static bool link_pop(timing_model *t, uint64_t *addr)
{
    if (!t->link_count) return false;
    *addr = t->link_stack[t->link_top];
    t->link_top = (t->link_top + t->p.link_stack_entries - 1) % t->p.link_stack_entries;
    t->link_count--;
    return true;
}

/* Predicts the direction of a conditional branch and trains the counter. */
static bool direction_mispredicted(timing_model *t, uint64_t cia, bool taken, bool *pred_taken)
{
    uint8_t *ctr = &t->direction[(cia >> 2) & (t->p.direction_entries - 1)];
    *pred_taken = *ctr >= 2;
    if (taken && *ctr < 3) (*ctr)++;
    if (!taken && *ctr > 0) (*ctr)--;
    return *pred_taken != taken;
}

/* Returns whether the branch was mispredicted (direction or target). */
static bool predict_branch(timing_model *t, const ppc_insn *insn, uint64_t cia, uint64_t next)
{
    uint64_t fall_through = cia + 4;
    bool taken = next != fall_through;
    bool mispredicted = false, pred_taken = true;
    unsigned id = insn->id;

    if (id != INSN_B && (insn->rt & BO_ALWAYS_MASK) != BO_ALWAYS_MASK)
        mispredicted = direction_mispredicted(t, cia, taken, &pred_taken);

    if (id == INSN_BCLR || id == INSN_BCCTR || id == INSN_BCTAR) {
        unsigned bh = (insn->word >> 11) & 3;
        uint64_t predicted = 0;
        bool have = false;
        if (id == INSN_BCLR && bh == 0) {
            if (pred_taken) have = link_pop(t, &predicted);
        } else {
            uint64_t *slot = &t->count_cache[(cia >> 2) & (t->p.count_cache_entries - 1)];
            predicted = *slot;
            have = predicted != 0;
            if (taken) *slot = next;
        }
        if (taken && !mispredicted && (!have || predicted != next)) mispredicted = true;
    }
    /* LK=1 pushes the return address, except "bcl 20,31,$+4" (reading the PC), which the
     * hardware recognises and leaves the link stack alone for. */
    if (insn->rc) {
        bool pc_read = id == INSN_BC && (insn->rt & BO_ALWAYS_MASK) == BO_ALWAYS_MASK &&
                       insn->imm == 4 && !(insn->word & 2);
        if (!pc_read) link_push(t, fall_through);
    }
    return mispredicted;
}

/* ---- Context synchronisation ---- */

static int ctxsync_of(const ppc_insn *insn)
{
    switch (insn->id) {
    case INSN_SC: return TIMING_CTXSYNC_SC;
    case INSN_RFID: return TIMING_CTXSYNC_RFID;
    case INSN_HRFID: return TIMING_CTXSYNC_HRFID;
    case INSN_ISYNC: return TIMING_CTXSYNC_ISYNC;
    case INSN_MTMSR:
    case INSN_MTMSRD: /* L is bit 15 */
        return (insn->word >> 16) & 1 ? TIMING_CTXSYNC_MTMSRD_L1 : TIMING_CTXSYNC_MTMSRD;
    default: return -1;
    }
}

/* Interrupt delivery: drain, refetch at the vector. */
static void charge_interrupt(timing_model *t)
{
    t->c.interrupts++;
    drain(t);
    stall(t, TIMING_STALL_CONTEXT_SYNC, t->p.ctxsync[TIMING_CTXSYNC_INTERRUPT]);
    t->slots = 0;
    t->no_join = false;
    t->fetch_line_ea = 0;
}

static bool row_is_cache_inhibited(const ppc_insn *insn)
{
    insn_exec_fn fn = insn_table[insn->id].exec;
    return fn == exec_load_cache_inhibited || fn == exec_store_cache_inhibited;
}

static void decode_for_timing(const timing_model *t, const ppc_insn *insn, timing_decoded *d)
{
    const uint32_t flags = insn_table[insn->id].flags;
    const unsigned cls = timing_effective_class(insn);
    const timing_dispatch policy = (timing_dispatch)t->p.dispatch[cls];
    d->word = insn->word;
    d->valid = true;
    d->ctxsync = (int8_t)ctxsync_of(insn);
    d->first = policy != TIMING_DISPATCH_NORMAL || d->ctxsync >= 0;
    d->last_in_group = policy == TIMING_DISPATCH_ALONE || (flags & F_SERIAL) || d->ctxsync >= 0;
    d->is_branch = (flags & F_BRANCH) && d->ctxsync < 0;
    d->is_load = (flags & F_LOAD) != 0;
    d->cache_inhibited = row_is_cache_inhibited(insn);
    d->own = d->ctxsync >= 0 ? TIMING_STALL_CONTEXT_SYNC : TIMING_STALL_SERIALISATION;
    d->latency = (uint16_t)t->p.latency[cls];
    d->serialise = (uint16_t)t->p.serialise[cls];
    timing_insn_regs(insn, &d->regs);
}

static const timing_decoded *lookup_decoded(timing_model *t, const ppc_insn *insn)
{
    timing_decoded *d = &t->decoded[(insn->word * 0x9e3779b1u) >> (32 - DECODED_BITS)];
    if (!d->valid || d->word != insn->word) decode_for_timing(t, insn, d);
    return d;
}

/* ---- Observer hooks ---- */

static void on_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    timing_model *t = ctx;
    t->in_insn = true;
    t->interrupted = false;
    t->cia = cpu->nip;
    t->load_misses = 0;
    t->load_uncached = false;
    t->forward_ready = 0;
    t->n_stores = 0;
    uint64_t line = (cpu->nip >> t->l1i.line_shift) + 1;
    t->fetch_new_line = line != t->fetch_line_ea;
    if (t->fetch_new_line) {
        t->fetch_line_ea = line;
        if (!cpu_translate_probe(cpu, cpu->nip, true, &t->fetch_pa)) t->fetch_pa = cpu->nip;
    }
}

static void on_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                          bool is_store)
{
    timing_model *t = ctx;
    if (!t->in_insn || !size) return;
    uint64_t first = pa >> 3, last = (pa + size - 1) >> 3;
    if (is_store) {
        for (uint64_t g = first; g <= last && t->n_stores < INSN_STORES; g++)
            t->store_granule[t->n_stores++] = g;
        cache_access(t, &t->l1d, pa, false); /* store-through: no allocation */
        return;
    }
    for (unsigned i = 0; i < STORE_QUEUE; i++) {
        uint64_t g = t->store_queue[i].granule;
        if (g && g - 1 >= first && g - 1 <= last && t->store_queue[i].ready > t->forward_ready)
            t->forward_ready = t->store_queue[i].ready;
    }
    if (pa + size > cpu->mem.ram_size) { /* a device: not cached */
        t->load_uncached = true;
        return;
    }
    t->c.dcache_accesses++;
    bool hit = cache_access(t, &t->l1d, pa, true);
    /* an access that straddles two lines touches both */
    if ((pa + size - 1) >> t->l1d.line_shift != pa >> t->l1d.line_shift)
        hit &= cache_access(t, &t->l1d, pa + size - 1, true);
    if (!hit) {
        t->c.dcache_misses++;
        t->load_misses++;
    }
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    timing_model *t = ctx;
    if (t->in_insn) {
        t->interrupted = true; /* charged by after() */
        return;
    }
    memset(&t->last, 0, sizeof(t->last));
    t->last.cia = cpu->nip;
    t->last.fetch_cycle = t->last.issue_cycle = t->c.cycles;
    charge_interrupt(t);
    t->last.complete_cycle = t->c.cycles;
}

static void fetch(timing_model *t)
{
    if (!t->fetch_new_line) return;
    t->c.icache_accesses++;
    if (!cache_access(t, &t->l1i, t->fetch_pa, true)) {
        t->c.icache_misses++;
        stall(t, TIMING_STALL_ICACHE, t->p.l2_latency);
    }
}

static void on_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    timing_model *t = ctx;
    const timing_decoded *d = lookup_decoded(t, insn);
    const bool faulted = t->interrupted && insn->id != INSN_SC;

    t->last.cia = t->cia;
    memset(t->last.stall, 0, sizeof(t->last.stall));
    t->c.insns++;
    fetch(t);
    t->last.fetch_cycle = t->c.cycles;

    /* Branches are predicted: they dispatch without waiting for CR/LR/CTR and only pay when
     * they resolve against the prediction. */
    uint64_t operands = sources_ready(t, &d->regs);
    uint64_t wait_for = d->is_branch ? 0 : operands;
    if (t->forward_ready > wait_for) wait_for = t->forward_ready;

    uint64_t issue;
    uint64_t now = t->c.cycles;
    bool room = t->slots > 0 && t->slots < t->p.dispatch_width && wait_for + 1 <= now;
    if (room && !t->no_join && !d->first) {
        t->slots++;
        issue = now - 1;
    } else {
        /* A new group.  When only a rule kept the instruction out of the open group, the
         * group's cycle is booked to that rule instead of the base. */
        unsigned why = room ? (t->no_join ? t->no_join_why : d->own) : BASE;
        t->no_join = false;
        if (wait_for > now) stall(t, TIMING_STALL_DEPENDENCY, wait_for - now);
        if (d->ctxsync >= 0) drain(t);
        issue = open_group(t, why);
    }
    t->last.issue_cycle = issue;

    /* Results.  A load that misses L1 holds the in-order pipeline for the L2 latency. */
    uint64_t ready = issue + d->latency;
    if (d->is_load && !faulted) {
        uint64_t misses = t->load_misses + (t->load_uncached || d->cache_inhibited);
        if (misses) {
            stall(t, TIMING_STALL_DCACHE, misses * t->p.l2_latency);
            ready += misses * t->p.l2_latency;
        }
    }
    if (!faulted) write_results(t, &d->regs, issue, ready);
    for (unsigned i = 0; i < t->n_stores && !faulted; i++) {
        t->store_queue[t->store_next].granule = t->store_granule[i] + 1;
        t->store_queue[t->store_next].ready = issue + t->p.latency[TIMING_STORE];
        t->store_next = (t->store_next + 1) % STORE_QUEUE;
    }
    t->last.complete_cycle = ready;

    if (d->last_in_group) {
        t->no_join = true;
        t->no_join_why = d->own;
    }
    if (d->serialise) stall(t, TIMING_STALL_SERIALISATION, d->serialise);
    if (d->ctxsync >= 0) {
        stall(t, TIMING_STALL_CONTEXT_SYNC, t->p.ctxsync[d->ctxsync]);
        t->fetch_line_ea = 0;
        if (insn->id == INSN_SC) t->c.interrupts += t->interrupted;
    }

    if (d->is_branch && !faulted) {
        t->c.branches++;
        if (predict_branch(t, insn, t->cia, cpu->nip)) {
            t->c.mispredicts++;
            uint64_t resolve = operands > issue ? operands : issue;
            uint64_t restart = resolve + 1 + t->p.mispredict_penalty;
            if (restart > t->c.cycles) stall(t, TIMING_STALL_MISPREDICT, restart - t->c.cycles);
            t->slots = 0;
        } else if (cpu->nip != t->cia + 4) {
            t->no_join = true; /* a taken branch ends its group */
            t->no_join_why = BASE;
        }
    }
    if (faulted) charge_interrupt(t);
    t->in_insn = false;
}

/* ---- Life cycle and reading ---- */

void timing_reset(timing_model *t)
{
    memset(t->gpr_ready, 0, sizeof(t->gpr_ready));
    memset(t->other_ready, 0, sizeof(t->other_ready));
    memset(t->spr_ready, 0, sizeof(t->spr_ready));
    memset(t->store_queue, 0, sizeof(t->store_queue));
    t->all_ready = 0;
    t->slots = 0;
    t->no_join = false;
    t->in_insn = false;
    t->fetch_line_ea = 0;
    t->store_next = 0;
    memset(t->direction, DIR_WEAK_NOT, t->p.direction_entries);
    memset(t->link_stack, 0, t->p.link_stack_entries * sizeof(*t->link_stack));
    t->link_top = t->link_count = 0;
    memset(t->count_cache, 0, t->p.count_cache_entries * sizeof(*t->count_cache));
    cache_clear(&t->l1i);
    cache_clear(&t->l1d);
    t->lru_clock = 0;
    memset(&t->c, 0, sizeof(t->c));
    memset(&t->last, 0, sizeof(t->last));
    memset(t->decoded, 0, sizeof(t->decoded));
}

timing_model *timing_create(const timing_profile *profile)
{
    timing_model *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    t->p = *profile;
    t->direction = malloc(t->p.direction_entries);
    t->link_stack = calloc(t->p.link_stack_entries, sizeof(*t->link_stack));
    t->count_cache = calloc(t->p.count_cache_entries, sizeof(*t->count_cache));
    bool ok = t->direction && t->link_stack && t->count_cache;
    ok = cache_init(&t->l1i, &t->p.l1i) && ok;
    ok = cache_init(&t->l1d, &t->p.l1d) && ok;
    if (!ok) {
        timing_destroy(t);
        return NULL;
    }
    t->observer = (cpu_observer){.ctx = t,
                                 .before = on_before,
                                 .after = on_after,
                                 .interrupt = on_interrupt,
                                 .mem_access = on_mem_access};
    timing_reset(t);
    return t;
}

void timing_destroy(timing_model *t)
{
    if (!t) return;
    free(t->direction);
    free(t->link_stack);
    free(t->count_cache);
    cache_free(&t->l1i);
    cache_free(&t->l1d);
    free(t);
}

const cpu_observer *timing_observer(timing_model *t)
{
    return &t->observer;
}

const timing_profile *timing_get_profile(const timing_model *t)
{
    return &t->p;
}

void timing_read(const timing_model *t, timing_counters *out)
{
    *out = t->c;
}

uint64_t timing_cycles(const timing_model *t)
{
    return t->c.cycles;
}

const timing_insn_info *timing_last_insn(const timing_model *t)
{
    return &t->last;
}

const char *timing_stall_name(timing_stall reason)
{
    static const char *const names[TIMING_STALL__COUNT] = {
        [TIMING_STALL_DEPENDENCY] = "dependency",
        [TIMING_STALL_SERIALISATION] = "serialisation",
        [TIMING_STALL_CONTEXT_SYNC] = "context-sync",
        [TIMING_STALL_MISPREDICT] = "mispredict",
        [TIMING_STALL_ICACHE] = "icache-miss",
        [TIMING_STALL_DCACHE] = "dcache-miss",
    };
    return reason < TIMING_STALL__COUNT ? names[reason] : "?";
}
