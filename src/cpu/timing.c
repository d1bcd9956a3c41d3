/* The cycle model (docs/cycle-model.md): in-order dispatch groups over a register scoreboard,
 * group breaks for serialising classes, context-synchronisation drains, a branch predictor and
 * L1 caches in front of one L2/memory latency.  It is a cpu_observer: the plain run loop never
 * calls it.
 *
 * Time keeping.  `c.cycles` is the cycles so far; it only grows through charge(), which also
 * books the cycles to "base" (one per dispatch group) or to one stall reason, so at every
 * instruction boundary cycles = base + the sum of the stalls.  An open
 * dispatch group (slots > 0) sits in cycle c.cycles - 1; an instruction joins it when its operands
 * are ready by then and nothing forbids it, otherwise it opens a new group at max(c.cycles,
 * operands ready).
 *
 * Hooks.  The model has no `before` hook: the run loop keeps the executing instruction's address
 * in cpu->observed_cia (CIA_NONE between instructions).  mem_access() touches the data cache
 * during execution, interrupt() notes an interrupt the instruction raised, and after() does all
 * the charging, starting with the fetch.  An interrupt outside an instruction (DEC, HDEC, a
 * fetch fault) is charged at once.
 *
 * Speed (the model runs once per guest instruction).  Everything that depends on the word only
 * is derived once into a decoded entry: the registers as short lists of scoreboard indices with
 * their latencies, the dispatch rules, the branch kind.  The entries live in a pool, one per
 * distinct word, and the CPU's decoded slot keeps a pointer to its word's entry with the
 * model's id (ppc_insn.model_entry), so that finding an instruction's entry is one compare. after()
 * has copies of one charging routine specialised for what the instruction can meet (charge_insn's
 * `cases`): the common one, with no branch, no group rule, no miss and no interrupt, is compiled
 * without any of those.  Caches remember the line each set touched last, which needs no search and
 * no new LRU stamp; a load looks at the store queue only when a queued store's data is not ready
 * yet.  timing_last_insn()'s per-instruction stalls are reset lazily, by a sequence number, when
 * the first stall of an instruction is charged. */
#include <stdlib.h>
#include <string.h>

#include "cpu/run_loop.h"
#include "cpu/timing.h"

#define BASE           TIMING_STALL__COUNT /* charge() reason: a dispatch group's own cycle */
#define NO_JOIN        (1u << 31)          /* in timing_model.slots */
#define STORE_QUEUE    8                   /* stores remembered for store-to-load forwarding */
#define INSN_STORES    4                   /* store granules one instruction can queue */
#define DIR_WEAK_NOT   1                   /* 2-bit counters start weakly not-taken */
#define BO_ALWAYS_MASK 0x14                /* BO bits that make a branch unconditional */

/* The scoreboard is one array: GPRs, then the other resources (timing.h), then SPRs by number. */
#define SB_GPR      0
#define SB_OTHER    32
#define SB_SPR      48
#define SB_SRC_NONE (SB_SPR + 1024)   /* never written: pads an entry's first two sources */
#define SB_DST_NONE (SB_SRC_NONE + 1) /* never read: pads an entry's first result */
#define SB_COUNT    (SB_DST_NONE + 1)

/* One register an instruction writes: its scoreboard index and when it is ready after issue. */
typedef struct sb_write {
    uint16_t reg;
    uint16_t latency;
} sb_write;

/* An instruction's registers as lists, so that the scoreboard visits only the registers that
 * are there (at most every GPR, resource and two SPRs). */
#define LIST_MAX 64
typedef struct reg_lists {
    unsigned n_src, n_dst;
    uint64_t dst_main; /* bit i: dst[i] is the main result (it waits for a load's misses too) */
    uint16_t src[LIST_MAX];
    sb_write dst[LIST_MAX];
} reg_lists;

/* Everything the model needs about one instruction word, derived once (it depends on the word
 * only). */
#define DECODED_SLOTS 8 /* registers read / written kept inline; more: D_WIDE */
enum {
    D_FIRST = 1u << 0,   /* must open a dispatch group */
    D_LAST = 1u << 1,    /* ends its dispatch group */
    D_BRANCH = 1u << 2,  /* predicted branch (not rfid/hrfid) */
    D_LOAD = 1u << 3,    /* a load: its L1 misses stall */
    D_CI = 1u << 4,      /* cache-inhibited l*cix / st*cix */
    D_WIDE = 1u << 5,    /* the register lists do not fit inline: derived again at each use */
    D_SPECIAL = 1u << 6, /* D_LAST, a serialise drain or a context synchronisation */
    D_FEATURES = D_WIDE | D_SPECIAL | D_BRANCH | D_CI | D_FIRST,
    D_LISTS = 1u << 7, /* more than PLAIN_SRC sources or PLAIN_DST results */
    D_NOT_PLAIN = D_FEATURES | D_LISTS,
};
/* The plain path reads this many sources and results without a loop (padded with SB_*_NONE);
 * they cover almost all instructions: most read one or two registers and write at most one. */
#define PLAIN_SRC 2
#define PLAIN_DST 1
enum {
    BR_CONDITIONAL = 1u << 0, /* the direction table predicts it */
    BR_LINK_STACK = 1u << 1,  /* bclr BH=0: the link stack predicts the target */
    BR_COUNT_CACHE = 1u << 2, /* bcctr, bctar, bclr BH!=0: the count cache predicts it */
    BR_PUSH = 1u << 3,        /* LK=1 (not "bcl 20,31,$+4"): pushes the return address */
};

typedef struct timing_decoded {
    uint32_t word;
    uint8_t flags; /* D_* */
    uint8_t n_src, n_dst;
    uint8_t dst_main;
    uint16_t latency; /* the main result's */
    uint8_t branch;   /* BR_* */
    int8_t ctxsync;   /* timing_ctxsync, or -1 */
    uint8_t own;      /* what a group break it forces is booked to */
    uint8_t cls;      /* timing class, for its serialise drain */
    uint16_t src[DECODED_SLOTS];
    sb_write dst[DECODED_SLOTS];
} timing_decoded;

/* The pool of decoded entries, one per word, found by the word through an open-addressing hash
 * of pool indices (only when a slot does not hold the model's entry yet).  The entries live in
 * chunks that never move, since slots point at them. */
#define POOL_CHUNK 256
typedef struct decoded_pool {
    timing_decoded **chunk;
    uint32_t count, chunks; /* entries in use; chunks allocated */
    uint32_t *hash;         /* pool index + 1; 0 = empty */
    uint32_t hash_mask;
} decoded_pool;

typedef struct cache {
    unsigned sets, ways, line_shift;
    uint64_t *tag;  /* sets * ways; line address + 1, 0 = invalid */
    uint64_t *used; /* LRU stamps */
    uint64_t *mru;  /* per set: the line (+ 1) accessed last, the newest of its set; 0 = none */
} cache;

/* What happened during the current instruction; all zero outside an instruction. */
typedef union insn_state {
    struct {
        uint16_t load_misses;
        bool interrupted;
        bool load_uncached;
        bool forwarded; /* forward_ready holds a queued store's data-ready cycle */
        uint8_t n_stores;
    };
    uint64_t all;
} insn_state;

struct timing_model {
    cpu_observer observer;
    timing_profile p;

    /* Scoreboard: the cycle each register's value is ready. */
    uint64_t ready_at[SB_COUNT];
    uint64_t all_ready; /* the latest result of anything issued: what a drain waits for */

    /* The open dispatch group: its instructions, and NO_JOIN when the next instruction must
     * open a new group, so that one compare with width_less_1 tells whether it may join. */
    unsigned slots;
    unsigned width_less_1; /* p.dispatch_width - 1 */
    uint8_t no_join_why;   /* the reason a NO_JOIN new group is booked to (BASE if none) */

    /* The current instruction. */
    insn_state cur;
    uint64_t fetch_line_ea; /* EA line of the last fetch + 1; 0 = none */
    uint64_t forward_ready;
    uint64_t store_granule[INSN_STORES];

    /* Store queue for forwarding. */
    struct {
        uint64_t granule, ready;
    } store_queue[STORE_QUEUE];
    unsigned store_next;
    uint64_t store_ready_max; /* the latest `ready` ever queued */

    /* Branch prediction. */
    uint8_t *direction;
    uint64_t *link_stack;
    unsigned link_top, link_count;
    uint64_t *count_cache;

    cache l1i, l1d;
    uint64_t lru_clock;

    timing_counters c;
    /* last.stall belongs to the event numbered last_stall_seq (instructions + interrupts
     * outside one): stale when another event has begun since. */
    timing_insn_info last;
    uint64_t async_interrupts;
    uint64_t last_stall_seq;

    /* Decoded entries: the pool, and this model's id in the slots that point into it. */
    uint32_t id;
    decoded_pool pool;
    timing_decoded scratch; /* an entry decoded without a pool (out of memory) */
    reg_lists wide;         /* the lists of a D_WIDE instruction */
};

/* ---- Caches ---- */

static bool cache_init(cache *k, const timing_cache_params *cp)
{
    k->ways = cp->ways;
    k->sets = (unsigned)((uint64_t)cp->size_kb * 1024 / ((uint64_t)cp->line_bytes * cp->ways));
    k->line_shift = (unsigned)__builtin_ctz(cp->line_bytes);
    k->tag = calloc((size_t)k->sets * k->ways, sizeof(*k->tag));
    k->used = calloc((size_t)k->sets * k->ways, sizeof(*k->used));
    k->mru = calloc(k->sets, sizeof(*k->mru));
    return k->tag && k->used && k->mru;
}

static void cache_free(cache *k)
{
    free(k->tag);
    free(k->used);
    free(k->mru);
}

static void cache_clear(cache *k)
{
    memset(k->tag, 0, (size_t)k->sets * k->ways * sizeof(*k->tag));
    memset(k->used, 0, (size_t)k->sets * k->ways * sizeof(*k->used));
    memset(k->mru, 0, k->sets * sizeof(*k->mru));
}

static __attribute__((noinline)) bool cache_search(timing_model *t, cache *k, uint64_t line,
                                                   size_t set, bool allocate)
{
    uint64_t *tag = k->tag + set * k->ways, *used = k->used + set * k->ways;
    for (unsigned w = 0; w < k->ways; w++) {
        if (tag[w] == line + 1) {
            used[w] = ++t->lru_clock;
            k->mru[set] = line + 1;
            return true;
        }
    }
    if (allocate) { /* replace the least recently used way (the first, among unused ones) */
        unsigned victim = 0;
        for (unsigned w = 1; w < k->ways; w++)
            if (used[w] < used[victim]) victim = w;
        tag[victim] = line + 1;
        used[victim] = ++t->lru_clock;
        k->mru[set] = line + 1;
    }
    return false;
}

/* Looks the line of `pa` up; on a miss with `allocate`, replaces the least recently used way.
 * Returns whether it hit.  The line a set accessed last is the newest of that set, so touching
 * it again changes no LRU order: it needs no search and no new stamp (stamps are only compared
 * within a set). */
static inline bool cache_access(timing_model *t, cache *k, uint64_t pa, bool allocate)
{
    uint64_t line = pa >> k->line_shift;
    size_t set = (size_t)(line & (k->sets - 1));
    if (k->mru[set] == line + 1) return true;
    return cache_search(t, k, line, set, allocate);
}

/* ---- Charging ---- */

/* The per-instruction stalls of timing_last_insn(), cleared when a new event's first stall
 * comes (or when they are read). */
static inline uint64_t event_seq(const timing_model *t)
{
    return t->c.insns + t->async_interrupts;
}

static void freshen_last_stall(timing_model *t)
{
    uint64_t seq = event_seq(t);
    if (t->last_stall_seq != seq) {
        for (unsigned i = 0; i < TIMING_STALL__COUNT; i++) /* a few stores, not a call */
            t->last.stall[i] = 0;
        t->last_stall_seq = seq;
    }
}

static void charge(timing_model *t, unsigned reason, uint64_t n)
{
    t->c.cycles += n;
    if (reason == BASE) {
        t->c.base += n;
    } else {
        t->c.stall[reason] += n;
        freshen_last_stall(t);
        t->last.stall[reason] += n;
    }
}

/* A stall: nothing dispatches for n cycles, so the open group is over. */
static void stall(timing_model *t, timing_stall reason, uint64_t n)
{
    if (!n) return;
    charge(t, reason, n);
    t->slots &= NO_JOIN;
}

/* Waits until every issued result is ready (context synchronisation, interrupts). */
static void drain(timing_model *t)
{
    if (t->all_ready > t->c.cycles) stall(t, TIMING_STALL_CONTEXT_SYNC, t->all_ready - t->c.cycles);
    t->slots &= NO_JOIN;
}

/* ---- Scoreboard ---- */

/* The scoreboard lists of the registers in `r`; `latency` is the main result's. */
static void build_lists(const timing_model *t, const timing_regs *r, unsigned latency,
                        reg_lists *out)
{
    out->n_src = out->n_dst = 0;
    out->dst_main = 0;
    for (uint32_t m = r->gpr_read; m; m &= m - 1)
        out->src[out->n_src++] = (uint16_t)(SB_GPR + __builtin_ctz(m));
    for (uint32_t m = r->other_read; m; m &= m - 1)
        out->src[out->n_src++] = (uint16_t)(SB_OTHER + __builtin_ctz(m));
    for (unsigned i = 0; i < 2; i++)
        if (r->spr_read[i] != TIMING_NO_SPR)
            out->src[out->n_src++] = (uint16_t)(SB_SPR + (r->spr_read[i] & 1023));

    for (uint32_t m = r->gpr_write; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctz(m);
        bool update = (r->gpr_update >> n) & 1;
        if (!update) out->dst_main |= 1ull << out->n_dst;
        out->dst[out->n_dst++] = (sb_write){
            (uint16_t)(SB_GPR + n), (uint16_t)(update ? t->p.latency[TIMING_ALU] : latency)};
    }
    for (uint32_t m = r->other_write; m; m &= m - 1) {
        unsigned n = (unsigned)__builtin_ctz(m);
        bool record = (r->cr_record >> n) & 1;
        if (!record) out->dst_main |= 1ull << out->n_dst;
        out->dst[out->n_dst++] = (sb_write){(uint16_t)(SB_OTHER + n),
                                            (uint16_t)(record ? t->p.record_cr_latency : latency)};
    }
    if (r->spr_write != TIMING_NO_SPR) {
        out->dst_main |= 1ull << out->n_dst;
        out->dst[out->n_dst++] =
            (sb_write){(uint16_t)(SB_SPR + (r->spr_write & 1023)), (uint16_t)latency};
    }
}

static inline uint64_t sources_ready(const timing_model *t, const uint16_t *src, unsigned n)
{
    uint64_t ready = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = t->ready_at[src[i]];
        if (v > ready) ready = v;
    }
    return ready;
}

/* `extra`: the cycles a load's misses add to its main results. */
static inline void write_results(timing_model *t, const sb_write *dst, unsigned n, uint64_t main,
                                 uint64_t issue, uint64_t extra)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t when = issue + dst[i].latency;
        if (extra && ((main >> i) & 1)) when += extra;
        t->ready_at[dst[i].reg] = when;
        if (when > t->all_ready) t->all_ready = when;
    }
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

/* An instruction that does not join the open group: it waits for `wait_for` (a dependency
 * stall), and the new group's cycle is booked to the result.  When only a rule kept it out of
 * the open group (there was room and its operands were ready), the cycle is that rule's: the
 * open group's NO_JOIN reason, else the instruction's own `own` (it must open a group). */
static inline __attribute__((always_inline)) unsigned
new_group_reason(timing_model *t, uint64_t wait_for, unsigned own)
{
    const uint64_t now = t->c.cycles;
    bool no_join = t->slots & NO_JOIN;
    t->slots &= ~NO_JOIN;
    bool room = t->slots - 1u < t->width_less_1 && wait_for < now;
    unsigned why = room ? (no_join ? t->no_join_why : own) : BASE;
    if (wait_for > now) stall(t, TIMING_STALL_DEPENDENCY, wait_for - now);
    return why;
}

/* ---- Branches ---- */

static void link_push(timing_model *t, uint64_t addr)
{
    unsigned n = t->p.link_stack_entries;
    t->link_top = t->link_top + 1 == n ? 0 : t->link_top + 1;
    t->link_stack[t->link_top] = addr;
    if (t->link_count < n) t->link_count++;
}

static bool link_pop(timing_model *t, uint64_t *addr)
{
    if (!t->link_count) return false;
    *addr = t->link_stack[t->link_top];
    t->link_top = (t->link_top ? t->link_top : t->p.link_stack_entries) - 1;
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
static inline __attribute__((always_inline)) bool predict_branch(timing_model *t, unsigned branch,
                                                                 uint64_t cia, uint64_t next)
{
    uint64_t fall_through = cia + 4;
    bool taken = next != fall_through;
    bool mispredicted = false, pred_taken = true;

    if (branch & BR_CONDITIONAL) mispredicted = direction_mispredicted(t, cia, taken, &pred_taken);

    if (branch & (BR_LINK_STACK | BR_COUNT_CACHE)) {
        uint64_t predicted = 0;
        bool have = false;
        if (branch & BR_LINK_STACK) {
            if (pred_taken) have = link_pop(t, &predicted);
        } else {
            uint64_t *slot = &t->count_cache[(cia >> 2) & (t->p.count_cache_entries - 1)];
            predicted = *slot;
            have = predicted != 0;
            if (taken) *slot = next;
        }
        if (taken && !mispredicted && (!have || predicted != next)) mispredicted = true;
    }
    if (branch & BR_PUSH) link_push(t, fall_through);
    return mispredicted;
}

/* A branch issued at `issue` resolved against its prediction once its operands were ready:
 * dispatch restarts after the penalty.  Out of line: the rare case of every branch path. */
static __attribute__((noinline)) void restart_after_mispredict(timing_model *t, uint64_t operands,
                                                               uint64_t issue)
{
    t->c.mispredicts++;
    uint64_t resolve = operands > issue ? operands : issue;
    uint64_t restart = resolve + 1 + t->p.mispredict_penalty;
    if (restart > t->c.cycles) stall(t, TIMING_STALL_MISPREDICT, restart - t->c.cycles);
    t->slots &= NO_JOIN;
}

/* A predicted branch resolves: a misprediction restarts dispatch after the penalty, a taken
 * branch ends its group. */
static inline __attribute__((always_inline)) void resolve_branch(timing_model *t, unsigned branch,
                                                                 uint64_t cia, uint64_t next,
                                                                 uint64_t operands, uint64_t issue)
{
    t->c.branches++;
    if (predict_branch(t, branch, cia, next)) {
        restart_after_mispredict(t, operands, issue);
    } else if (next != cia + 4) {
        t->slots |= NO_JOIN; /* a taken branch ends its group */
        t->no_join_why = BASE;
    }
}

/* The branch prediction facts of a branch row, from its word. */
static unsigned branch_kind(const ppc_insn *insn)
{
    unsigned id = insn->id, kind = 0;
    bool bo_always = (insn->rt & BO_ALWAYS_MASK) == BO_ALWAYS_MASK;
    if (id != INSN_B && !bo_always) kind |= BR_CONDITIONAL;
    if (id == INSN_BCLR || id == INSN_BCCTR || id == INSN_BCTAR) {
        unsigned bh = (insn->word >> 11) & 3;
        kind |= id == INSN_BCLR && bh == 0 ? BR_LINK_STACK : BR_COUNT_CACHE;
    }
    /* LK=1 pushes the return address, except "bcl 20,31,$+4" (reading the PC), which the
     * hardware recognises and leaves the link stack alone for. */
    if (insn->rc) {
        bool pc_read = id == INSN_BC && bo_always && insn->imm == 4 && !(insn->word & 2);
        if (!pc_read) kind |= BR_PUSH;
    }
    return kind;
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
    t->slots = 0; /* and no NO_JOIN */
    t->fetch_line_ea = 0;
}

static bool row_is_cache_inhibited(const ppc_insn *insn)
{
    insn_exec_fn fn = insn_table[insn->id].exec;
    return fn == exec_load_cache_inhibited || fn == exec_store_cache_inhibited;
}

/* The registers of an instruction as lists (the D_WIDE ones are not kept inline). */
static void insn_lists(const timing_model *t, const ppc_insn *insn, unsigned latency,
                       reg_lists *out)
{
    timing_regs regs;
    timing_insn_regs(insn, &regs);
    build_lists(t, &regs, latency, out);
}

static void decode_for_timing(timing_model *t, const ppc_insn *insn, timing_decoded *d)
{
    const uint32_t flags = insn_table[insn->id].flags;
    const unsigned cls = timing_effective_class(insn);
    const timing_dispatch policy = (timing_dispatch)t->p.dispatch[cls];
    const int ctxsync = ctxsync_of(insn);
    memset(d, 0, sizeof(*d));
    d->word = insn->word;
    d->ctxsync = (int8_t)ctxsync;
    d->own = ctxsync >= 0 ? TIMING_STALL_CONTEXT_SYNC : TIMING_STALL_SERIALISATION;
    d->latency = (uint16_t)t->p.latency[cls];
    d->cls = (uint8_t)cls;
    if (policy != TIMING_DISPATCH_NORMAL || ctxsync >= 0) d->flags |= D_FIRST;
    if (policy == TIMING_DISPATCH_ALONE || (flags & F_SERIAL) || ctxsync >= 0) d->flags |= D_LAST;
    if ((flags & F_BRANCH) && ctxsync < 0) {
        d->flags |= D_BRANCH;
        d->branch = (uint8_t)branch_kind(insn);
    }
    if (flags & F_LOAD) d->flags |= D_LOAD;
    if (row_is_cache_inhibited(insn)) d->flags |= D_CI;
    if ((d->flags & D_LAST) || t->p.serialise[cls] || ctxsync >= 0) d->flags |= D_SPECIAL;

    insn_lists(t, insn, d->latency, &t->wide);
    if (t->wide.n_src > DECODED_SLOTS || t->wide.n_dst > DECODED_SLOTS) {
        d->flags |= D_WIDE;
        return;
    }
    d->n_src = (uint8_t)t->wide.n_src;
    d->n_dst = (uint8_t)t->wide.n_dst;
    d->dst_main = (uint8_t)t->wide.dst_main;
    memcpy(d->src, t->wide.src, d->n_src * sizeof(*d->src));
    memcpy(d->dst, t->wide.dst, d->n_dst * sizeof(*d->dst));
    if (d->n_src > PLAIN_SRC || d->n_dst > PLAIN_DST) d->flags |= D_LISTS;
    for (unsigned i = d->n_src; i < PLAIN_SRC; i++)
        d->src[i] = SB_SRC_NONE;
    if (!d->n_dst) d->dst[0] = (sb_write){SB_DST_NONE, 0};
}

/* ---- Decoded entries: the pool, and the slots that point into it ---- */

/* The bucket of a key in an open-addressing table of mask + 1 buckets (Fibonacci hashing). */
static inline size_t hash_word(uint32_t word, uint32_t mask)
{
    return (size_t)(((uint64_t)word * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

static inline timing_decoded *pool_entry(const decoded_pool *p, uint32_t index)
{
    return &p->chunk[index / POOL_CHUNK][index % POOL_CHUNK];
}

static bool pool_rehash(decoded_pool *p, uint32_t buckets)
{
    uint32_t *hash = calloc(buckets, sizeof(*hash));
    if (!hash) return false;
    for (uint32_t i = 0; i < p->count; i++) {
        size_t h = hash_word(pool_entry(p, i)->word, buckets - 1);
        while (hash[h])
            h = (h + 1) & (buckets - 1);
        hash[h] = i + 1;
    }
    free(p->hash);
    p->hash = hash;
    p->hash_mask = buckets - 1;
    return true;
}

/* Room for one more entry: a new chunk when the last one is full. */
static bool pool_reserve(decoded_pool *p)
{
    if (p->count < p->chunks * POOL_CHUNK) return true;
    timing_decoded **chunk = realloc(p->chunk, (p->chunks + 1) * sizeof(*chunk));
    if (!chunk) return false;
    p->chunk = chunk;
    if (!(chunk[p->chunks] = malloc(POOL_CHUNK * sizeof(**chunk)))) return false;
    p->chunks++;
    return true;
}

static void pool_free(decoded_pool *p)
{
    for (uint32_t i = 0; i < p->chunks; i++)
        free(p->chunk[i]);
    free(p->chunk);
    free(p->hash);
}

/* The word's entry, decoded now if it is new; NULL when out of memory (the caller then decodes
 * into t->scratch). */
static const timing_decoded *pool_find(timing_model *t, const ppc_insn *insn)
{
    decoded_pool *p = &t->pool;
    size_t h = hash_word(insn->word, p->hash_mask);
    for (uint32_t v; (v = p->hash[h]); h = (h + 1) & p->hash_mask)
        if (pool_entry(p, v - 1)->word == insn->word) return pool_entry(p, v - 1);
    if (!pool_reserve(p)) return NULL;
    uint32_t index = p->count++;
    decode_for_timing(t, insn, pool_entry(p, index));
    p->hash[h] = index + 1;
    /* at most half full, so that probes stay short */
    if (2 * p->count > p->hash_mask + 1 && !pool_rehash(p, 2 * (p->hash_mask + 1))) {
        p->count--; /* keep the load bound: forget the entry again */
        p->hash[h] = 0;
        return NULL;
    }
    return pool_entry(p, index);
}

/* The slot does not point at this model's entry yet: find it in the pool and keep it in the
 * slot.  The slot is the CPU's (or the run loop's uncached one), never a const object. */
static __attribute__((noinline)) const timing_decoded *lookup_slow(timing_model *t,
                                                                   const ppc_insn *insn)
{
    const timing_decoded *d = pool_find(t, insn);
    if (!d) {
        decode_for_timing(t, insn, &t->scratch);
        return &t->scratch;
    }
    ppc_insn *slot = (ppc_insn *)insn;
    slot->model_entry = d;
    slot->model_id = t->id;
    return d;
}

/* The decoded entry of an instruction: the slot's when it is this model's (insn_decode() clears
 * it for a new word). */
static inline const timing_decoded *lookup_decoded(timing_model *t, const ppc_insn *insn)
{
    _Static_assert(sizeof(timing_decoded) <= 64,
                   "a decoded entry stays within a host cache line's size");
    if (__builtin_expect(insn->model_id != t->id, 0)) return lookup_slow(t, insn);
    return insn->model_entry;
}

/* Whether `insn` is the slot of the CPU's fetch page for `cia` (the run loop fetched it from
 * there), in integer arithmetic since the fetch page may be NULL. */
static inline bool in_fetch_page(const ppc_cpu *cpu, const ppc_insn *insn, uint64_t cia)
{
    uintptr_t page = (uintptr_t)cpu->fetch_page;
    return page && (uintptr_t)insn ==
                       page + offsetof(code_page, insn) + ((cia & 0xfff) >> 2) * sizeof(ppc_insn);
}

/* ---- Observer hooks ---- */

/* Fetch enters a new line: the I-cache, at the physical address fetch used (the code page's),
 * or for code fetched from a device, translated as fetch does. */
static __attribute__((noinline)) void fetch_line(timing_model *t, ppc_cpu *cpu,
                                                 const ppc_insn *insn, uint64_t cia, uint64_t line)
{
    uint64_t pa;
    t->fetch_line_ea = line;
    if (in_fetch_page(cpu, insn, cia))
        pa = cpu->fetch_page->pa | (cia & 0xfff);
    else if (!cpu_translate_probe(cpu, cia, true, &pa))
        pa = cia;
    t->c.icache_accesses++;
    if (!cache_access(t, &t->l1i, pa, true)) {
        t->c.icache_misses++;
        stall(t, TIMING_STALL_ICACHE, t->p.l2_latency);
    }
}

/* A load waits for a queued store to the same doublewords.  Only a store whose data is not
 * ready when the load dispatches can delay it, and dispatch is never earlier than now; store
 * data becomes ready in queue order (stores issue in order), so the look goes from the newest
 * store back to the first that is ready already. */
static __attribute__((noinline)) void store_forwarding(timing_model *t, uint64_t pa, unsigned size)
{
    uint64_t first = pa >> 3, last = (pa + size - 1) >> 3;
    unsigned i = t->store_next;
    for (unsigned n = 0; n < STORE_QUEUE; n++) {
        i = (i + STORE_QUEUE - 1) % STORE_QUEUE;
        if (t->store_queue[i].ready < t->c.cycles) break;
        uint64_t g = t->store_queue[i].granule;
        if (g && g - 1 >= first && g - 1 <= last && t->store_queue[i].ready > t->forward_ready) {
            t->forward_ready = t->store_queue[i].ready;
            t->cur.forwarded = true;
        }
    }
}

/* A load's data cache access that is not a hit on the line its set touched last. */
static __attribute__((noinline)) void load_dcache(timing_model *t, uint64_t pa, unsigned size)
{
    bool hit = cache_access(t, &t->l1d, pa, true);
    /* an access that straddles two lines touches both */
    if ((pa + size - 1) >> t->l1d.line_shift != pa >> t->l1d.line_shift)
        hit &= cache_access(t, &t->l1d, pa + size - 1, true);
    if (!hit) {
        t->c.dcache_misses++;
        t->cur.load_misses++;
    }
}

/* A load that needs the data cache's search, then store forwarding. */
static __attribute__((noinline)) void load_searched(timing_model *t, uint64_t pa, unsigned size)
{
    load_dcache(t, pa, size);
    if (t->store_ready_max >= t->c.cycles) store_forwarding(t, pa, size);
}

/* A load: the data cache (a device is not cached), then store forwarding.  Calls are tail calls
 * only, so that the hook needs no saved registers. */
static inline void note_load(timing_model *t, const ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    if (pa + size > cpu->mem.ram_size) {
        t->cur.load_uncached = true;
    } else {
        t->c.dcache_accesses++;
        uint64_t line = pa >> t->l1d.line_shift;
        if ((pa + size - 1) >> t->l1d.line_shift != line ||
            t->l1d.mru[line & (t->l1d.sets - 1)] != line + 1) {
            load_searched(t, pa, size);
            return;
        }
    }
    if (t->store_ready_max >= t->c.cycles) store_forwarding(t, pa, size);
}

/* A store: queued for forwarding once the instruction issues; the L1D is store-through, so the
 * line is looked up (LRU) but never allocated. */
static void note_store(timing_model *t, uint64_t pa, unsigned size)
{
    uint64_t first = pa >> 3, last = (pa + size - 1) >> 3;
    for (uint64_t g = first; g <= last && t->cur.n_stores < INSN_STORES; g++)
        t->store_granule[t->cur.n_stores++] = g;
    cache_access(t, &t->l1d, pa, false);
}

static void on_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                          bool is_store)
{
    (void)ea;
    timing_model *t = ctx;
    if (cpu->observed_cia == CIA_NONE || !size) return;
    if (is_store)
        note_store(t, pa, size);
    else
        note_load(t, cpu, pa, size);
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    (void)vector;
    (void)saved_pc;
    timing_model *t = ctx;
    if (cpu->observed_cia != CIA_NONE) {
        t->cur.interrupted = true; /* charged by after() */
        return;
    }
    t->async_interrupts++; /* a new event for timing_last_insn() */
    freshen_last_stall(t);
    t->last.cia = cpu->nip;
    t->last.fetch_cycle = t->last.issue_cycle = t->c.cycles;
    charge_interrupt(t);
    t->last.complete_cycle = t->c.cycles;
}

/* Group breaks, serialising drains and context synchronisation after the instruction. */
static void after_special(timing_model *t, const timing_decoded *d)
{
    if (d->flags & D_LAST) {
        t->slots |= NO_JOIN;
        t->no_join_why = d->own;
    }
    stall(t, TIMING_STALL_SERIALISATION, t->p.serialise[d->cls]);
    if (d->ctxsync >= 0) {
        stall(t, TIMING_STALL_CONTEXT_SYNC, t->p.ctxsync[d->ctxsync]);
        t->fetch_line_ea = 0;
        if (d->ctxsync == TIMING_CTXSYNC_SC) t->c.interrupts += t->cur.interrupted;
    }
}

static void queue_stores(timing_model *t, uint64_t issue)
{
    uint64_t ready = issue + t->p.latency[TIMING_STORE];
    for (unsigned i = 0; i < t->cur.n_stores; i++) {
        t->store_queue[t->store_next].granule = t->store_granule[i] + 1;
        t->store_queue[t->store_next].ready = ready;
        t->store_next = (t->store_next + 1) % STORE_QUEUE;
    }
    if (ready > t->store_ready_max) t->store_ready_max = ready;
}

/* NIP after the instruction at `cia`: the fall-through, which a run loop inside a block does not
 * write (run_blocks.inc), or NIP.  Only branches need it. */
static inline uint64_t next_nip(const ppc_cpu *cpu, uint64_t cia, bool fell_through)
{
    return fell_through ? (cia + 4) & cpu_ea_mask(cpu) : cpu->nip;
}

/* What an instruction's charging may have to deal with: its D_FEATURES, and more. */
enum {
    CASE_EVENTS = 1u << 8,   /* an interrupt, a load miss, an uncached load, store forwarding */
    CASE_STORES = 1u << 9,   /* stores to queue */
    CASE_LISTS = 1u << 10,   /* register lists longer than PLAIN_SRC / PLAIN_DST */
    CASE_TARGETS = 1u << 11, /* branch kinds beyond BR_CONDITIONAL (link stack, count cache) */
    CASE_ALL = D_FEATURES | CASE_EVENTS | CASE_STORES | CASE_LISTS | CASE_TARGETS,
    /* a branch with short lists (and no stores), predicted by direction at most (b, bc) */
    CASE_DIRECT_BRANCH = D_BRANCH | CASE_STORES,
    CASE_BRANCH = CASE_DIRECT_BRANCH | CASE_TARGETS, /* any branch with short lists */
    /* first in its group, maybe special, no branch, no events (mtspr, mfspr, mtcrf, sc, rfid) */
    CASE_ALONE = D_SPECIAL | D_FIRST | CASE_STORES | CASE_LISTS,
    /* no rule, but more than PLAIN_SRC sources or PLAIN_DST results (andi., addic, stdx) */
    CASE_LISTS_ONLY = CASE_STORES | CASE_LISTS,
    CASE_RULES = D_SPECIAL | D_BRANCH | D_FIRST | CASE_STORES | CASE_LISTS | CASE_TARGETS,
};

/* When the first PLAIN_SRC sources are ready (padded with SB_SRC_NONE, never written). */
static inline __attribute__((always_inline)) uint64_t padded_operands(const timing_model *t,
                                                                      const timing_decoded *d)
{
    uint64_t first = t->ready_at[d->src[0]], second = t->ready_at[d->src[1]];
    return first > second ? first : second;
}

/* One result (PLAIN_DST), padded: with none this moves all_ready at most to `issue`, which is
 * already past (issue < c.cycles), so no drain sees it. */
static inline __attribute__((always_inline)) void
padded_result(timing_model *t, const timing_decoded *d, uint64_t issue)
{
    uint64_t when = issue + d->dst[0].latency;
    t->ready_at[d->dst[0].reg] = when;
    if (when > t->all_ready) t->all_ready = when;
}

/* The scoreboard results of an instruction: `extra` (a load's misses) delays its main ones. */
static inline __attribute__((always_inline)) void results(timing_model *t, const timing_decoded *d,
                                                          const sb_write *dst, unsigned n_dst,
                                                          uint64_t dst_main, uint64_t issue,
                                                          uint64_t extra, const unsigned cases)
{
    if ((cases & (CASE_EVENTS | CASE_LISTS)) && (extra || n_dst > PLAIN_DST)) {
        write_results(t, dst, n_dst, dst_main, issue, extra);
    } else {
        padded_result(t, d, issue);
    }
}

/* Charges one instruction, after its fetch.  `cases` (a constant) says what the caller did not
 * rule out; the compiler leaves everything else out of that copy. */
static inline __attribute__((always_inline)) void
charge_insn(timing_model *t, ppc_cpu *cpu, const ppc_insn *insn, const timing_decoded *d,
            uint64_t cia, bool fell_through, const unsigned cases)
{
    const unsigned flags = d->flags & cases;
    const bool events = cases & CASE_EVENTS;
    /* sc's system-call interrupt is part of sc itself */
    const bool faulted = events && t->cur.interrupted && d->ctxsync != TIMING_CTXSYNC_SC;

    /* Branches are predicted: they dispatch without waiting for CR/LR/CTR and only pay when
     * they resolve against the prediction. */
    const uint16_t *src = d->src;
    const sb_write *dst = d->dst;
    unsigned n_src = d->n_src, n_dst = d->n_dst;
    uint64_t dst_main = d->dst_main;
    if (flags & D_WIDE) {
        insn_lists(t, insn, d->latency, &t->wide);
        src = t->wide.src;
        dst = t->wide.dst;
        n_src = t->wide.n_src;
        n_dst = t->wide.n_dst;
        dst_main = t->wide.dst_main;
    }
    uint64_t operands;
    if ((cases & CASE_LISTS) && ((flags & D_WIDE) || n_src > PLAIN_SRC)) {
        operands = sources_ready(t, src, n_src);
    } else {
        operands = padded_operands(t, d);
    }
    uint64_t wait_for = flags & D_BRANCH ? 0 : operands;
    if (events && t->cur.forwarded && t->forward_ready > wait_for) wait_for = t->forward_ready;

    uint64_t issue, now = t->c.cycles;
    /* room: a group is open (1 <= slots < width) and the operands are ready by its cycle */
    if (t->slots - 1u < t->width_less_1 && wait_for < now && !(flags & D_FIRST)) {
        t->slots++;
        issue = now - 1;
    } else {
        unsigned why = new_group_reason(t, wait_for, d->own);
        if ((flags & D_SPECIAL) && d->ctxsync >= 0) drain(t);
        issue = open_group(t, why);
    }
    t->last.issue_cycle = issue;

    /* Results.  A load that misses L1 holds the in-order pipeline for the L2 latency. */
    uint64_t ready = issue + d->latency, extra = 0;
    if (events && (d->flags & D_LOAD) && !faulted) {
        uint64_t misses = t->cur.load_misses + (t->cur.load_uncached || (flags & D_CI));
        if (misses) {
            extra = misses * t->p.l2_latency;
            stall(t, TIMING_STALL_DCACHE, extra);
            ready += extra;
        }
    }
    if (!faulted) {
        results(t, d, dst, n_dst, dst_main, issue, extra, cases);
        if ((cases & CASE_STORES) && t->cur.n_stores) queue_stores(t, issue);
    }
    t->last.complete_cycle = ready;

    if (flags & D_SPECIAL) after_special(t, d);
    if ((flags & D_BRANCH) && !faulted) {
        unsigned branch = cases & CASE_TARGETS ? d->branch : d->branch & BR_CONDITIONAL;
        resolve_branch(t, branch, cia, next_nip(cpu, cia, fell_through), operands, issue);
    }
    if (faulted) charge_interrupt(t);
    if (cases & (CASE_EVENTS | CASE_STORES)) t->cur.all = 0;
    if (events) t->forward_ready = 0;
}

/* The copies of charge_insn() besides the plain path, each after the fetch. */
#define CHARGE_COPY(name, cases)                                                                   \
    static __attribute__((noinline)) void name(timing_model *t, ppc_cpu *cpu,                      \
                                               const ppc_insn *insn, const timing_decoded *d,      \
                                               uint64_t cia, bool fell_through)                    \
    {                                                                                              \
        t->last.fetch_cycle = t->c.cycles;                                                         \
        charge_insn(t, cpu, insn, d, cia, fell_through, cases);                                    \
    }
CHARGE_COPY(charge_any_insn, CASE_ALL)
CHARGE_COPY(charge_direct_branch_insn, CASE_DIRECT_BRANCH)
CHARGE_COPY(charge_branch_insn, CASE_BRANCH)
CHARGE_COPY(charge_alone_insn, CASE_ALONE)
CHARGE_COPY(charge_lists_insn, CASE_LISTS_ONLY)
CHARGE_COPY(charge_rules_insn, CASE_RULES)
#undef CHARGE_COPY

/* b and bc (charge_direct_branch_insn()'s instructions): its case of joining the open group,
 * written out with the direction prediction, so that it makes only tail calls and saves no
 * registers.  Nothing else applies to them: a branch has no data access, and the caller ruled
 * out events. */
static __attribute__((noinline)) void charge_direct_branch(timing_model *t, ppc_cpu *cpu,
                                                           const ppc_insn *insn,
                                                           const timing_decoded *d, uint64_t cia,
                                                           bool fell_through)
{
    const uint64_t now = t->c.cycles;
    if (__builtin_expect(!(t->slots - 1u < t->width_less_1), 0)) { /* a new group */
        charge_direct_branch_insn(t, cpu, insn, d, cia, fell_through);
        return;
    }
    const uint64_t operands = padded_operands(t, d);
    const uint64_t issue = now - 1;
    t->slots++;
    t->last.fetch_cycle = now;
    t->last.issue_cycle = issue;
    t->last.complete_cycle = issue + d->latency;
    padded_result(t, d, issue);

    t->c.branches++;
    const bool taken = next_nip(cpu, cia, fell_through) != cia + 4;
    if (d->branch & BR_CONDITIONAL) {
        bool pred_taken;
        if (direction_mispredicted(t, cia, taken, &pred_taken)) {
            restart_after_mispredict(t, operands, issue);
            return;
        }
    }
    if (taken) { /* a taken branch ends its group */
        t->slots |= NO_JOIN;
        t->no_join_why = BASE;
    }
}

/* mtspr, mfspr and the like, first in their group (charge_alone_insn()'s instructions), when
 * no context synchronisation, long list or store comes with them: charge_insn()'s new-group case
 * and after_special() written out, calls only as tail calls.  The caller ruled out events. */
static __attribute__((noinline)) void charge_alone(timing_model *t, ppc_cpu *cpu,
                                                   const ppc_insn *insn, const timing_decoded *d,
                                                   uint64_t cia, bool fell_through)
{
    if (__builtin_expect(d->ctxsync >= 0 || (d->flags & D_LISTS) || t->cur.n_stores, 0)) {
        charge_alone_insn(t, cpu, insn, d, cia, fell_through);
        return;
    }
    t->last.fetch_cycle = t->c.cycles;
    const uint64_t operands = padded_operands(t, d);
    const uint64_t issue = open_group(t, new_group_reason(t, operands, d->own));
    t->last.issue_cycle = issue;
    t->last.complete_cycle = issue + d->latency;
    padded_result(t, d, issue);
    if (d->flags & D_SPECIAL) {
        if (d->flags & D_LAST) {
            t->slots |= NO_JOIN;
            t->no_join_why = d->own;
        }
        stall(t, TIMING_STALL_SERIALISATION, t->p.serialise[d->cls]);
    }
}

/* The events of CASE_EVENTS. */
static const insn_state rare_events = {
    .load_misses = 0xffff, .interrupted = true, .load_uncached = true, .forwarded = true};

/* The plain path's results once it knows the issue cycle, and its stores. */
static inline __attribute__((always_inline)) void
plain_results(timing_model *t, const timing_decoded *d, uint64_t issue)
{
    t->last.issue_cycle = issue;
    t->last.complete_cycle = issue + d->latency;
    results(t, d, d->dst, 1, 0, issue, 0, 0);
    if (t->cur.n_stores) {
        queue_stores(t, issue);
        t->cur.all = 0;
    }
}

/* The plain path when the instruction does not join the open group. */
static __attribute__((noinline)) void plain_new_group(timing_model *t, const timing_decoded *d,
                                                      uint64_t operands)
{
    /* new_group_reason() for an instruction with no rule of its own: with room, only the open
     * group's NO_JOIN kept it out (written out: sharing it costs the plain path loads) */
    uint64_t now = t->c.cycles;
    t->slots &= ~NO_JOIN;
    bool room = t->slots - 1u < t->width_less_1 && operands < now;
    unsigned why = room ? t->no_join_why : BASE;
    if (operands > now) stall(t, TIMING_STALL_DEPENDENCY, operands - now);
    plain_results(t, d, open_group(t, why));
}

/* The plain path: charge_insn() for an instruction with no event, no branch, no group rule, at
 * most PLAIN_SRC sources and PLAIN_DST results, and maybe stores, after its fetch.  Its common
 * case (joining the open group) has no calls, so that it needs no saved registers. */
static inline __attribute__((always_inline)) void charge_plain(timing_model *t,
                                                               const timing_decoded *d)
{
    const uint64_t now = t->c.cycles;
    t->last.fetch_cycle = now;
    const uint64_t operands = padded_operands(t, d);
    if (__builtin_expect(t->slots - 1u < t->width_less_1 && operands < now, 1)) {
        t->slots++;
        plain_results(t, d, now - 1);
    } else {
        plain_new_group(t, d, operands);
    }
}

/* Charges an instruction that is not plain with the copy of charge_insn() that covers it. */
static inline __attribute__((always_inline)) void charge_other(timing_model *t, ppc_cpu *cpu,
                                                               const ppc_insn *insn,
                                                               const timing_decoded *d,
                                                               uint64_t cia, bool fell_through)
{
    const unsigned kind = d->flags & D_NOT_PLAIN;
    if (t->cur.all & rare_events.all)
        charge_any_insn(t, cpu, insn, d, cia, fell_through);
    else if (kind == D_BRANCH && !(d->branch & ~BR_CONDITIONAL))
        charge_direct_branch(t, cpu, insn, d, cia, fell_through);
    else if (kind == D_BRANCH)
        charge_branch_insn(t, cpu, insn, d, cia, fell_through);
    else if ((kind & D_FIRST) && !(kind & ~(D_SPECIAL | D_FIRST | D_LISTS)))
        charge_alone(t, cpu, insn, d, cia, fell_through);
    else if (kind == D_LISTS)
        charge_lists_insn(t, cpu, insn, d, cia, fell_through);
    else if (!(kind & ~(D_SPECIAL | D_BRANCH | D_FIRST | D_LISTS)))
        charge_rules_insn(t, cpu, insn, d, cia, fell_through);
    else
        charge_any_insn(t, cpu, insn, d, cia, fell_through);
}

/* A new word for its slot, or a new fetch line. */
static __attribute__((noinline)) void
after_general(timing_model *t, ppc_cpu *cpu, const ppc_insn *insn, uint64_t cia, bool fell_through)
{
    const timing_decoded *d = lookup_decoded(t, insn);
    t->c.insns++;
    t->last.cia = cia;
    uint64_t line = (cia >> t->l1i.line_shift) + 1;
    if (line != t->fetch_line_ea) fetch_line(t, cpu, insn, cia, line);
    if ((d->flags & D_NOT_PLAIN) || (t->cur.all & rare_events.all))
        charge_other(t, cpu, insn, d, cia, fell_through);
    else
        charge_plain(t, d);
}

/* Charges the instruction `insn` at `cia` that just retired; NIP went to next_nip(). */
static inline __attribute__((always_inline)) void
after_insn(timing_model *t, ppc_cpu *cpu, const ppc_insn *insn, uint64_t cia, bool fell_through)
{
    if (__builtin_expect(
            insn->model_id != t->id || (cia >> t->l1i.line_shift) + 1 != t->fetch_line_ea, 0)) {
        after_general(t, cpu, insn, cia, fell_through);
        return;
    }
    const timing_decoded *d = insn->model_entry;
    t->c.insns++;
    t->last.cia = cia;
    if (__builtin_expect((d->flags & D_NOT_PLAIN) || (t->cur.all & rare_events.all), 0)) {
        charge_other(t, cpu, insn, d, cia, fell_through);
        return;
    }
    charge_plain(t, d);
}

/* The timed loop's hook: one copy, called from each row, so that the loop stays as compact as
 * the plain one (a copy inlined into every row made it five times the size). */
static __attribute__((noinline)) void
timed_after(timing_model *t, ppc_cpu *cpu, const ppc_insn *insn, uint64_t cia, bool fell_through)
{
    after_insn(t, cpu, insn, cia, fell_through);
}

/* The observer's after hook (the observed loop): NIP is the next instruction. */
static void on_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    after_insn(ctx, cpu, insn, cpu->observed_cia, false);
}

/* The timed loop: the plain loop's blocks (run_blocks.inc) with the model charged after each
 * instruction, directly, for a run where the model is the only observer.  The hooks of the
 * observed loop see the same: the CIA and next NIP of each instruction, its data accesses and
 * interrupts (through cpu->observer, which cpu_run_observed() points at the model), and
 * observed_cia = CIA_NONE between instructions (within them it is not kept current). */
__attribute__((optimize("no-crossjumping"))) static cpu_exit
timed_alone(timing_model *model, ppc_cpu *cpu, uint64_t budget)
{
#define BLOCKS_SLOT_LABELS 0
#define BLOCKS_HOOK_CIA()  SET_CIA()
#define BLOCKS_BEFORE()
#define BLOCKS_AFTER(fell_through) timed_after(model, cpu, insn, cia, (fell_through))
#define BLOCKS_BETWEEN(between)    (cpu->observed_cia = (between) ? CIA_NONE : cpu->nip)
#include "cpu/run_blocks.inc" /* undefines the BLOCKS_ parameters */
}

/* After an instruction of the timed loop with a follower: the model, then the follower's after
 * hook with NIP at the next instruction, as the observed loop has it.  A fall-through inside a
 * block leaves NIP at the CIA (the loop relies on that when the instruction ended the block), so
 * NIP is the next instruction only during the hook. */
static __attribute__((noinline)) void timed_after_then(timing_model *model,
                                                       const cpu_observer *then, ppc_cpu *cpu,
                                                       const ppc_insn *insn, uint64_t cia,
                                                       bool fell_through)
{
    after_insn(model, cpu, insn, cia, fell_through);
    if (!fell_through) {
        then->after(then->ctx, cpu, insn);
        return;
    }
    uint64_t nip = cpu->nip;
    cpu->nip = (cia + 4) & cpu_ea_mask(cpu);
    then->after(then->ctx, cpu, insn);
    cpu->nip = nip;
}

/* The timed loop with another observer's before and after hooks around each instruction (the
 * path profiler of hcallsim run): NIP is the CIA in every row, for its before hook. */
__attribute__((optimize("no-crossjumping"))) static cpu_exit
timed_then(timing_model *model, ppc_cpu *cpu, uint64_t budget, const cpu_observer *then)
{
    void (*const then_before)(void *, ppc_cpu *, const ppc_insn *) = then->before;
    void *const then_ctx = then->ctx;
#define BLOCKS_SLOT_LABELS 0
#define BLOCKS_HOOK_CIA()  SET_CIA()
#define BLOCKS_BEFORE()                                                                            \
    do {                                                                                           \
        if (then_before) then_before(then_ctx, cpu, insn);                                         \
    } while (0)
#define BLOCKS_AFTER(fell_through)                                                                 \
    do {                                                                                           \
        if (then->after)                                                                           \
            timed_after_then(model, then, cpu, insn, cia, (fell_through));                         \
        else                                                                                       \
            timed_after(model, cpu, insn, cia, (fell_through));                                    \
    } while (0)
#define BLOCKS_BETWEEN(between) (cpu->observed_cia = (between) ? CIA_NONE : cpu->nip)
#include "cpu/run_blocks.inc" /* undefines the BLOCKS_ parameters */
}

static cpu_exit timed_run(void *ctx, ppc_cpu *cpu, uint64_t budget, const cpu_observer *then)
{
    return then ? timed_then(ctx, cpu, budget, then) : timed_alone(ctx, cpu, budget);
}

/* ---- Life cycle and reading ---- */

void timing_reset(timing_model *t)
{
    memset(t->ready_at, 0, sizeof(t->ready_at));
    memset(t->store_queue, 0, sizeof(t->store_queue));
    t->all_ready = 0;
    t->slots = 0;
    t->width_less_1 = t->p.dispatch_width - 1;
    t->cur.all = 0;
    t->forward_ready = 0;
    t->fetch_line_ea = 0;
    t->store_next = 0;
    t->store_ready_max = 0;
    memset(t->direction, DIR_WEAK_NOT, t->p.direction_entries);
    memset(t->link_stack, 0, t->p.link_stack_entries * sizeof(*t->link_stack));
    t->link_top = t->link_count = 0;
    memset(t->count_cache, 0, t->p.count_cache_entries * sizeof(*t->count_cache));
    cache_clear(&t->l1i);
    cache_clear(&t->l1d);
    t->lru_clock = 0;
    memset(&t->c, 0, sizeof(t->c));
    memset(&t->last, 0, sizeof(t->last));
    t->async_interrupts = 0;
    t->last_stall_seq = 0;
    /* the decoded entries depend on the word and the profile only: they stay */
}

/* An empty pool, and an id no slot holds yet (0 is none's: insn_decode() clears slots to it).
 * Models are created from one thread. */
static bool decoded_init(timing_model *t)
{
    static uint32_t last_id;
    if (++last_id == 0) last_id = 1;
    t->id = last_id;
    return pool_rehash(&t->pool, 2 * POOL_CHUNK);
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
    ok = ok && decoded_init(t);
    if (!ok) {
        timing_destroy(t);
        return NULL;
    }
    t->observer = (cpu_observer){.ctx = t,
                                 .after = on_after,
                                 .interrupt = on_interrupt,
                                 .mem_access = on_mem_access,
                                 .run = timed_run};
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
    pool_free(&t->pool);
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
    /* The model is never defined const (timing_create allocates it): clearing the stalls of
     * an earlier event here is what charge() would do at the event's first stall. */
    freshen_last_stall((timing_model *)t);
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
