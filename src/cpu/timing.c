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
 * Hook order per instruction: before() notes the address and the fetch line, mem_access()
 * touches the data cache during execution, interrupt() notes an interrupt the instruction
 * raised, and after() does all the charging.  An interrupt outside an instruction (DEC, HDEC,
 * a fetch fault) is charged at once.
 *
 * Speed (the model runs once per guest instruction).  Everything that depends on the word only
 * is derived once into a decoded entry: the registers as short lists of scoreboard indices with
 * their latencies, the dispatch rules, the branch kind.  after() has copies of one charging
 * routine specialised for what the instruction can meet (charge_insn's `cases`): the common
 * one, with no branch, no group rule, no new fetch line, no miss and no interrupt, is compiled
 * without any of those.  Caches remember the line each set touched last, which needs no search
 * and no new LRU stamp; a load looks at the store queue only when a queued store's data is not
 * ready yet. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_state.h"
#include "cpu/timing.h"

#define BASE           TIMING_STALL__COUNT /* charge() reason: a dispatch group's own cycle */
#define STORE_QUEUE    8                   /* stores remembered for store-to-load forwarding */
#define INSN_STORES    4                   /* store granules one instruction can queue */
#define DIR_WEAK_NOT   1                   /* 2-bit counters start weakly not-taken */
#define BO_ALWAYS_MASK 0x14                /* BO bits that make a branch unconditional */

/* The scoreboard is one array: GPRs, then the other resources (timing.h), then SPRs by number. */
#define SB_GPR   0
#define SB_OTHER 32
#define SB_SPR   48
#define SB_COUNT (SB_SPR + 1024)

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
 * only) and kept in a direct-mapped cache indexed by a hash of the word. */
#define DECODED_SLOTS 8 /* registers read / written kept inline; more: D_WIDE */
enum {
    D_FIRST = 1u << 0,   /* must open a dispatch group */
    D_LAST = 1u << 1,    /* ends its dispatch group */
    D_BRANCH = 1u << 2,  /* predicted branch (not rfid/hrfid) */
    D_LOAD = 1u << 3,    /* a load: its L1 misses stall */
    D_CI = 1u << 4,      /* cache-inhibited l*cix / st*cix */
    D_WIDE = 1u << 5,    /* the register lists do not fit inline: derived again at each use */
    D_SPECIAL = 1u << 6, /* D_LAST, a serialise drain or a context synchronisation */
    D_FEATURES = D_WIDE | D_SPECIAL | D_BRANCH | D_CI,
};
enum {
    BR_CONDITIONAL = 1u << 0, /* the direction table predicts it */
    BR_LINK_STACK = 1u << 1,  /* bclr BH=0: the link stack predicts the target */
    BR_COUNT_CACHE = 1u << 2, /* bcctr, bctar, bclr BH!=0: the count cache predicts it */
    BR_PUSH = 1u << 3,        /* LK=1 (not "bcl 20,31,$+4"): pushes the return address */
};
/* Decoded entries are keyed by the word.  An empty entry must match no word that maps to it:
 * the word 0 maps to entry 0 and the word 1 does not (decoded_slot: the multiplier's top bit is
 * set), so entry 0 is empty with key 1 and every other entry with key 0. */
#define DECODED_EMPTY_KEY(slot) ((slot) == 0 ? 1u : 0u)

typedef struct timing_decoded {
    uint32_t key; /* the word */
    sb_write dst[DECODED_SLOTS];
    uint16_t src[DECODED_SLOTS];
    uint16_t latency;
    uint8_t n_src, n_dst;
    uint8_t dst_main;
    uint8_t flags;  /* D_* */
    uint8_t branch; /* BR_* */
    int8_t ctxsync; /* timing_ctxsync, or -1 */
    uint8_t own;    /* what a group break it forces is booked to */
    uint8_t cls;    /* timing class, for its serialise drain */
} timing_decoded;

#define DECODED_BITS 13

typedef struct cache {
    unsigned sets, ways, line_shift;
    uint64_t *tag;  /* sets * ways; line address + 1, 0 = invalid */
    uint64_t *used; /* LRU stamps */
    uint64_t *mru;  /* per set: the line (+ 1) accessed last, the newest of its set; 0 = none */
} cache;

/* The current instruction, between before() and after(); all zero outside an instruction. */
typedef union insn_state {
    struct {
        uint16_t load_misses;
        bool in_insn;
        bool interrupted;
        bool load_uncached;
        bool fetch_new_line;
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

    /* The open dispatch group. */
    unsigned slots;
    bool no_join;        /* the next instruction must open a new group */
    uint8_t no_join_why; /* the reason its new group is booked to (BASE if none) */

    /* The current instruction. */
    insn_state cur;
    uint64_t cia;
    uint64_t fetch_pa;
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
    timing_insn_info last;
    bool last_stall_dirty; /* last.stall holds charges of an earlier instruction */

    reg_lists wide; /* the lists of a D_WIDE instruction */
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

static void charge(timing_model *t, unsigned reason, uint64_t n)
{
    t->c.cycles += n;
    if (reason == BASE) {
        t->c.base += n;
    } else {
        t->c.stall[reason] += n;
        t->last.stall[reason] += n;
        t->last_stall_dirty = true;
    }
}

/* A stall: nothing dispatches for n cycles, so the open group is over. */
static void stall(timing_model *t, timing_stall reason, uint64_t n)
{
    if (!n) return;
    charge(t, reason, n);
    t->slots = 0;
}

/* Waits until every issued result is ready (context synchronisation, interrupts). */
static void drain(timing_model *t)
{
    if (t->all_ready > t->c.cycles) stall(t, TIMING_STALL_CONTEXT_SYNC, t->all_ready - t->c.cycles);
    t->slots = 0;
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

/* A predicted branch resolves: a misprediction restarts dispatch after the penalty, a taken
 * branch ends its group. */
static inline __attribute__((always_inline)) void
resolve_branch(timing_model *t, unsigned branch, uint64_t next, uint64_t operands, uint64_t issue)
{
    t->c.branches++;
    if (predict_branch(t, branch, t->cia, next)) {
        t->c.mispredicts++;
        uint64_t resolve = operands > issue ? operands : issue;
        uint64_t restart = resolve + 1 + t->p.mispredict_penalty;
        if (restart > t->c.cycles) stall(t, TIMING_STALL_MISPREDICT, restart - t->c.cycles);
        t->slots = 0;
    } else if (next != t->cia + 4) {
        t->no_join = true; /* a taken branch ends its group */
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
    t->slots = 0;
    t->no_join = false;
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

static __attribute__((noinline)) void decode_for_timing(timing_model *t, const ppc_insn *insn,
                                                        timing_decoded *d)
{
    const uint32_t flags = insn_table[insn->id].flags;
    const unsigned cls = timing_effective_class(insn);
    const timing_dispatch policy = (timing_dispatch)t->p.dispatch[cls];
    const int ctxsync = ctxsync_of(insn);
    memset(d, 0, sizeof(*d));
    d->key = insn->word;
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
}

static inline timing_decoded *decoded_slot(timing_model *t, const ppc_insn *insn)
{
    _Static_assert(sizeof(timing_decoded) <= 64,
                   "a decoded entry stays within a host cache line's size");
    return &t->decoded[(insn->word * 0x9e3779b1u) >> (32 - DECODED_BITS)];
}

static inline const timing_decoded *lookup_decoded(timing_model *t, const ppc_insn *insn)
{
    timing_decoded *d = decoded_slot(t, insn);
    if (__builtin_expect(d->key != insn->word, 0)) decode_for_timing(t, insn, d);
    return d;
}

/* ---- Observer hooks ---- */

/* Fetch enters a new line: where it is, translated with the MSR the instruction is fetched
 * with (the cache is looked up in after()). */
static __attribute__((noinline)) void fetch_new_line(timing_model *t, ppc_cpu *cpu, uint64_t line)
{
    uint64_t nip = cpu->nip;
    t->cur.fetch_new_line = true;
    t->fetch_line_ea = line;
    if (!cpu_translate_probe(cpu, nip, true, &t->fetch_pa)) t->fetch_pa = nip;
}

static void on_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    timing_model *t = ctx;
    uint64_t nip = cpu->nip;
    t->cur.in_insn = true;
    t->cia = nip;
    uint64_t line = (nip >> t->l1i.line_shift) + 1;
    if (line != t->fetch_line_ea) fetch_new_line(t, cpu, line);
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
        if (g && g - 1 >= first && g - 1 <= last && t->store_queue[i].ready > t->forward_ready)
            t->forward_ready = t->store_queue[i].ready;
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

/* A load: the data cache (a device is not cached), then store forwarding. */
static void note_load(timing_model *t, const ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    if (pa + size > cpu->mem.ram_size) {
        t->cur.load_uncached = true;
    } else {
        t->c.dcache_accesses++;
        uint64_t line = pa >> t->l1d.line_shift;
        if ((pa + size - 1) >> t->l1d.line_shift != line ||
            t->l1d.mru[line & (t->l1d.sets - 1)] != line + 1)
            load_dcache(t, pa, size);
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
    if (!t->cur.in_insn || !size) return;
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
    if (t->cur.in_insn) {
        t->cur.interrupted = true; /* charged by after() */
        return;
    }
    memset(&t->last, 0, sizeof(t->last));
    t->last_stall_dirty = false;
    t->last.cia = cpu->nip;
    t->last.fetch_cycle = t->last.issue_cycle = t->c.cycles;
    charge_interrupt(t);
    t->last.complete_cycle = t->c.cycles;
}

static void fetch(timing_model *t)
{
    t->c.icache_accesses++;
    if (!cache_access(t, &t->l1i, t->fetch_pa, true)) {
        t->c.icache_misses++;
        stall(t, TIMING_STALL_ICACHE, t->p.l2_latency);
    }
}

/* Group breaks, serialising drains and context synchronisation after the instruction. */
static void after_special(timing_model *t, const timing_decoded *d)
{
    if (d->flags & D_LAST) {
        t->no_join = true;
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

/* What an instruction's charging may have to deal with: its D_FEATURES, and events. */
enum {
    CASE_FETCH = 1u << 8,  /* fetch entered a new line */
    CASE_EVENTS = 1u << 9, /* an interrupt, a load miss or an uncached load */
    CASE_ALL = D_FEATURES | CASE_FETCH | CASE_EVENTS,
    CASE_PLAIN = 0,                     /* on_after's fast path */
    CASE_BRANCH = D_SPECIAL | D_BRANCH, /* its second one, for branches and group breaks */
};

/* Charges one instruction.  `cases` (a constant) says what the caller did not rule out; the
 * compiler leaves everything else out of that copy. */
static inline __attribute__((always_inline)) void charge_insn(timing_model *t, ppc_cpu *cpu,
                                                              const ppc_insn *insn,
                                                              const timing_decoded *d,
                                                              const unsigned cases)
{
    const unsigned flags = d->flags & cases;
    const bool events = cases & CASE_EVENTS;
    /* sc's system-call interrupt is part of sc itself */
    const bool faulted = events && t->cur.interrupted && d->ctxsync != TIMING_CTXSYNC_SC;

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

    if (t->last_stall_dirty) {
        memset(t->last.stall, 0, sizeof(t->last.stall));
        t->last_stall_dirty = false;
    }
    t->last.cia = t->cia;
    t->c.insns++;
    if ((cases & CASE_FETCH) && t->cur.fetch_new_line) fetch(t);
    t->last.fetch_cycle = t->c.cycles;

    /* Branches are predicted: they dispatch without waiting for CR/LR/CTR and only pay when
     * they resolve against the prediction. */
    uint64_t operands = sources_ready(t, src, n_src);
    uint64_t wait_for = flags & D_BRANCH ? 0 : operands;
    if (t->forward_ready > wait_for) wait_for = t->forward_ready;

    uint64_t issue, now = t->c.cycles;
    /* room: a group is open (1 <= slots < width) and the operands are ready by its cycle */
    bool room = t->slots - 1u < t->p.dispatch_width - 1u && wait_for < now;
    if (room && !t->no_join && !(d->flags & D_FIRST)) {
        t->slots++;
        issue = now - 1;
    } else {
        /* A new group.  When only a rule kept the instruction out of the open group, the
         * group's cycle is booked to that rule instead of the base. */
        unsigned why = room ? (t->no_join ? t->no_join_why : d->own) : BASE;
        t->no_join = false;
        if (wait_for > now) stall(t, TIMING_STALL_DEPENDENCY, wait_for - now);
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
        write_results(t, dst, n_dst, dst_main, issue, extra);
        if (t->cur.n_stores) queue_stores(t, issue);
    }
    t->last.complete_cycle = ready;

    if (flags & D_SPECIAL) after_special(t, d);
    if ((flags & D_BRANCH) && !faulted) resolve_branch(t, d->branch, cpu->nip, operands, issue);
    if (faulted) charge_interrupt(t);
    t->cur.all = 0;
    t->forward_ready = 0;
}

static __attribute__((noinline)) void charge_any_insn(timing_model *t, ppc_cpu *cpu,
                                                      const ppc_insn *insn)
{
    charge_insn(t, cpu, insn, lookup_decoded(t, insn), CASE_ALL);
}

static __attribute__((noinline)) void
charge_branch_insn(timing_model *t, ppc_cpu *cpu, const ppc_insn *insn, const timing_decoded *d)
{
    charge_insn(t, cpu, insn, d, CASE_BRANCH);
}

/* The events of CASE_EVENTS and CASE_FETCH. */
static const insn_state rare_events = {
    .load_misses = 0xffff, .interrupted = true, .load_uncached = true, .fetch_new_line = true};

static void on_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    timing_model *t = ctx;
    const timing_decoded *d = decoded_slot(t, insn);
    if (__builtin_expect(d->key != insn->word || (t->cur.all & rare_events.all), 0))
        charge_any_insn(t, cpu, insn);
    else if (!(d->flags & D_FEATURES & ~CASE_PLAIN))
        charge_insn(t, cpu, insn, d, CASE_PLAIN);
    else if (!(d->flags & D_FEATURES & ~CASE_BRANCH))
        charge_branch_insn(t, cpu, insn, d);
    else
        charge_any_insn(t, cpu, insn);
}

/* ---- Life cycle and reading ---- */

void timing_reset(timing_model *t)
{
    memset(t->ready_at, 0, sizeof(t->ready_at));
    memset(t->store_queue, 0, sizeof(t->store_queue));
    t->all_ready = 0;
    t->slots = 0;
    t->no_join = false;
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
    t->last_stall_dirty = false;
    memset(t->decoded, 0, sizeof(t->decoded));
    t->decoded[0].key = DECODED_EMPTY_KEY(0);
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
