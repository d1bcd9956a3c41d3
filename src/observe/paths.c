/* The path profiler (paths.h, docs/paths.md).
 *
 * While the guest runs the observer only notes MSR[HV] after each instruction.  An interrupt that
 * takes the guest into the hypervisor opens a path; from then on every firmware instruction is
 * attributed to a segment (the firmware symbol it executes in, unless a C function's call is
 * being folded into its caller), calls and returns are tracked on a small shadow stack, and the
 * path closes at the instruction that clears MSR[HV].  Closed paths are merged into kinds.
 */
#include "observe/paths.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn_table.h"
#include "cpu/timing.h"
/* hcall numbers as the firmware and guests define them (the hv_layout include directory) */
#include "hv/hvcall.h"

/* Hypervisor real mode ignores EA bits 0:3: 0xc000... and 0x0... are the same firmware address */
#define REAL_ADDR_MASK 0x0fffffffffffffffull
#define SPR_SRR1       27
#define CALL_DEPTH_MAX 64
#define SYM_CACHE_SIZE 1024 /* direct-mapped, by instruction address */
#define VECTOR_SLOT    0x100

/* The seed's names the classification looks for. */
#define SYM_TRY_REAL_MODE "hcall_try_real_mode"
#define SYM_EXIT_CONT     "guest_exit_cont"
#define SYM_TABLE         "hcall_real_table"
#define SYM_TABLE_END     "hcall_real_table_end"

typedef int32_t name_id; /* index into the profiler's interned names; -1 = none */

/* A sorted multiset of values: exact min, median and max with little memory when, as here,
 * the same few values repeat. */
typedef struct value_count {
    uint64_t value, count;
} value_count;
typedef struct hist {
    value_count *v;
    size_t n, cap;
    uint64_t samples, total;
} hist;

typedef struct sym_entry {
    uint64_t addr; /* masked instruction address; valid when name >= 0 */
    uint64_t sym_addr;
    uint64_t span_lo, span_hi; /* the addresses that resolve to the same symbol */
    name_id name;
    bool sized; /* a function with an ELF size: C code, whose calls fold into it */
} sym_entry;

/* Cycles so far and the part of them lost per stall reason: from the cycle model when one is
 * attached, else cpu_get_cycles() with no stalls. */
typedef struct reading {
    uint64_t cycles;
    uint64_t stall[TIMING_STALL__COUNT];
} reading;

typedef struct seg_sample {
    name_id name;
    bool sized;
    uint64_t insns;
    reading cost; /* cycles and stalls of its instructions */
} seg_sample;

typedef struct call_frame {
    uint64_t ret;      /* masked return address */
    bool folded;       /* made from C code: the callee counts in the caller's segment */
    bool handler_call; /* hcall_try_real_mode's call into the real-mode handler */
} call_frame;

/* The path in flight. */
typedef struct open_path {
    bool active;
    bool entry_open; /* no firmware instruction yet: the next after() is the guest's own */
    path_start start;
    uint64_t hcall;
    unsigned vector;
    uint64_t vector_base; /* masked NIP right after delivery */
    bool problem_state;
    uint64_t guest_pc, expected_resume;
    /* mark: the reading when the last segment's instructions began (its cost is closed when the
     * next segment opens or the path ends); boundary: the reading before an interrupt delivered
     * between two firmware instructions, which counts with the next one */
    reading at_start, mark, entry, boundary;
    bool boundary_set;
    /* the addresses whose instructions stay in the current segment without a look-up */
    uint64_t same_lo, same_hi;
    uint64_t cia;
    seg_sample *segs;
    size_t nsegs, cap;
    call_frame stack[CALL_DEPTH_MAX];
    unsigned depth, fold_depth;
    bool expect_handler, handler_called, handler_returned, table_read, saw_exit;
    name_id handler;
} open_path;

typedef struct kind {
    /* key */
    path_start start;
    uint64_t hcall;
    unsigned vector;
    path_outcome outcome;
    name_id handler;
    bool returned;
    uint64_t resumed_at;
    size_t nsegs;
    name_id *seg_names;
    uint64_t hash;
    /* data */
    uint64_t count;
    uint64_t first_guest_pc;
    char *first_guest_symbol;
    char *label;
    hist insns, cycles, entry_cycles;
    uint64_t stall[TIMING_STALL__COUNT], entry_stall[TIMING_STALL__COUNT]; /* totals */
    hist *seg_insns, *seg_cycles;
    uint64_t (*seg_stall)[TIMING_STALL__COUNT]; /* totals per segment */
} kind;

struct path_profiler {
    cpu_observer observer;
    ppc_cpu *cpu; /* the CPU of the hooks (for paths_finish()'s reading) */
    const symtab *firmware, *guest;
    const timing_model *timing; /* NULL: cycles are cpu_get_cycles() steps */
    bool in_guest;              /* MSR[HV]=0 after the last instruction */
    bool in_insn; /* between before() and after(): an interrupt now is the instruction's own */
    bool out_of_memory;

    char **names;
    size_t nnames, names_cap;
    name_id id_try_real_mode, id_exit_cont;
    uint64_t table_lo, table_hi; /* [hcall_real_table, hcall_real_table_end), masked */

    sym_entry cache[SYM_CACHE_SIZE];
    open_path path;

    kind *kinds;
    size_t nkinds, kinds_cap;
    uint64_t total;
};

/* ---- Names ---------------------------------------------------------------------------------- */

static const struct {
    uint64_t number;
    const char *name;
} hcall_names[] = {
// clang-format off
#define HCALL(n) {n, #n}
    HCALL(H_REMOVE), HCALL(H_ENTER), HCALL(H_READ), HCALL(H_CLEAR_MOD), HCALL(H_CLEAR_REF),
    HCALL(H_PROTECT), HCALL(H_GET_TCE), HCALL(H_PUT_TCE), HCALL(H_SET_SPRG0), HCALL(H_SET_DABR),
    HCALL(H_PAGE_INIT), HCALL(H_GET_TERM_CHAR), HCALL(H_PUT_TERM_CHAR), HCALL(H_EOI),
    HCALL(H_CPPR), HCALL(H_IPI), HCALL(H_IPOLL), HCALL(H_XIRR), HCALL(H_CEDE), HCALL(H_CONFER),
    HCALL(H_PROD), HCALL(H_BULK_REMOVE), HCALL(H_RANDOM), HCALL(H_SET_MODE), HCALL(H_RTAS),
#undef HCALL
    // clang-format on
};

const char *paths_hcall_name(uint64_t hcall)
{
    for (size_t i = 0; i < sizeof(hcall_names) / sizeof(hcall_names[0]); i++)
        if (hcall_names[i].number == hcall) return hcall_names[i].name;
    return NULL;
}

/* KVM's names for the trap numbers (BOOK3S_INTERRUPT_*, kvm-hcall-path.md 4.4). */
static const char *vector_name(unsigned vector)
{
    switch (vector) {
    case 0x100: return "SYSTEM_RESET";
    case 0x200: return "MACHINE_CHECK";
    case 0x300: return "DATA_STORAGE";
    case 0x380: return "DATA_SEGMENT";
    case 0x400: return "INST_STORAGE";
    case 0x480: return "INST_SEGMENT";
    case 0x500: return "EXTERNAL";
    case 0x600: return "ALIGNMENT";
    case 0x700: return "PROGRAM";
    case 0x800: return "FP_UNAVAIL";
    case 0x900: return "DECREMENTER";
    case 0x980: return "HV_DECREMENTER";
    case 0xa00: return "DOORBELL";
    case 0xc00: return "SYSCALL";
    case 0xd00: return "TRACE";
    case 0xe00: return "H_DATA_STORAGE";
    case 0xe20: return "H_INST_STORAGE";
    case 0xe40: return "H_EMUL_ASSIST";
    case 0xe60: return "HMI";
    case 0xe80: return "H_DOORBELL";
    case 0xf00: return "PERFMON";
    case 0xf20: return "ALTIVEC";
    case 0xf40: return "VSX";
    case 0xf60: return "FAC_UNAVAIL";
    case 0xf80: return "H_FAC_UNAVAIL";
    default: return "?";
    }
}

static const char *const outcome_names[PATH_OUTCOME_COUNT] = {
    [PATH_REAL_MODE] = "real-mode fast path",
    [PATH_TOO_HARD] = "H_TOO_HARD fallback, host side",
    [PATH_HANDLER_EXIT] = "handler exit, host side",
    [PATH_TABLE_END] = "table miss (past the end), host side",
    [PATH_TABLE_ZERO] = "table miss (zero entry), host side",
    [PATH_PROBLEM_STATE] = "problem-state sc 1, host side",
    [PATH_INTERRUPT] = "exit",
    [PATH_UNCLASSIFIED] = "unclassified",
};

const char *paths_outcome_name(path_outcome outcome)
{
    return (unsigned)outcome < PATH_OUTCOME_COUNT ? outcome_names[outcome] : "?";
}

/* The id of name, added if new; -1 (and out_of_memory) when it cannot be stored. */
static name_id intern(path_profiler *p, const char *name)
{
    for (size_t i = 0; i < p->nnames; i++)
        if (strcmp(p->names[i], name) == 0) return (name_id)i;
    if (p->nnames == p->names_cap) {
        size_t cap = p->names_cap ? 2 * p->names_cap : 64;
        char **grown = realloc(p->names, cap * sizeof(*grown));
        if (!grown) goto oom;
        p->names = grown;
        p->names_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) goto oom;
    p->names[p->nnames] = copy;
    return (name_id)p->nnames++;
oom:
    p->out_of_memory = true;
    return -1;
}

static const char *name_of(const path_profiler *p, name_id id)
{
    return id >= 0 ? p->names[id] : "?";
}

/* ---- Histograms ----------------------------------------------------------------------------- */

static bool hist_add(hist *h, uint64_t value)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->v[mid].value < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == h->n || h->v[lo].value != value) {
        if (h->n == h->cap) {
            size_t cap = h->cap ? 2 * h->cap : 4;
            value_count *grown = realloc(h->v, cap * sizeof(*grown));
            if (!grown) return false;
            h->v = grown;
            h->cap = cap;
        }
        memmove(&h->v[lo + 1], &h->v[lo], (h->n - lo) * sizeof(h->v[0]));
        h->v[lo] = (value_count){value, 0};
        h->n++;
    }
    h->v[lo].count++;
    h->samples++;
    h->total += value;
    return true;
}

static path_stat hist_stat(const hist *h)
{
    path_stat s = {.total = h->total};
    if (!h->n) return s;
    s.min = h->v[0].value;
    s.max = h->v[h->n - 1].value;
    uint64_t rank = (h->samples + 1) / 2, seen = 0;
    for (size_t i = 0; i < h->n; i++) {
        seen += h->v[i].count;
        if (seen >= rank) {
            s.median = h->v[i].value;
            break;
        }
    }
    return s;
}

static void hist_free(hist *h)
{
    free(h->v);
}

/* ---- Cycle readings ------------------------------------------------------------------------ */

static void read_now(const path_profiler *p, ppc_cpu *cpu, reading *out)
{
    if (!p->timing) {
        *out = (reading){.cycles = cpu_get_cycles(cpu)};
        return;
    }
    timing_counters c;
    timing_read(p->timing, &c);
    out->cycles = c.cycles;
    memcpy(out->stall, c.stall, sizeof(out->stall));
}

/* acc += now - since */
static void add_since(reading *acc, const reading *now, const reading *since)
{
    acc->cycles += now->cycles - since->cycles;
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        acc->stall[r] += now->stall[r] - since->stall[r];
}

static void add_stalls(uint64_t *totals, const reading *r)
{
    for (unsigned i = 0; i < TIMING_STALL__COUNT; i++)
        totals[i] += r->stall[i];
}

/* ---- Symbols -------------------------------------------------------------------------------- */

/* The firmware symbol at a (masked) instruction address, cached. */
static const sym_entry *lookup_symbol(path_profiler *p, uint64_t addr)
{
    sym_entry *e = &p->cache[(addr >> 2) % SYM_CACHE_SIZE];
    if (e->name >= 0 && e->addr == addr) return e;
    uint64_t offset, span_lo, span_hi;
    const symbol *s = symtab_lookup_span(p->firmware, addr, &offset, &span_lo, &span_hi);
    if (span_lo > addr || span_hi <= addr) { /* addr was not its own masked value */
        span_lo = addr;
        span_hi = addr + 1;
    }
    char unknown[32];
    if (!s) snprintf(unknown, sizeof(unknown), "0x%" PRIx64, addr);
    name_id id = intern(p, s ? s->name : unknown);
    *e = (sym_entry){.addr = addr,
                     .sym_addr = s ? addr - offset : addr,
                     .span_lo = span_lo,
                     .span_hi = span_hi,
                     .name = id,
                     .sized = s && s->kind == SYMBOL_CODE && s->size > 0};
    return e;
}

/* The segment an instruction starts: its symbol, except in the slot of the vector just taken
 * when the nearest symbol lies before the vector (the 0x20-byte hypervisor slots at 0xe00-0xf80
 * hold only a branch and have no label of their own).  The span is narrowed to the addresses
 * that get the same answer. */
static sym_entry resolve_segment(path_profiler *p, uint64_t addr)
{
    sym_entry e = *lookup_symbol(p, addr);
    uint64_t base = p->path.vector_base, slot_end = base + VECTOR_SLOT;
    if (e.sym_addr < base) { /* the symbol's addresses inside the slot are the vector's */
        if (addr >= base && addr < slot_end) {
            char name[32];
            snprintf(name, sizeof(name), "vector_0x%x", p->path.vector);
            e.name = intern(p, name);
            e.sized = false;
            if (e.span_lo < base) e.span_lo = base;
            if (e.span_hi > slot_end) e.span_hi = slot_end;
        } else if (addr < base) {
            if (e.span_hi > base) e.span_hi = base;
        } else if (e.span_lo < slot_end) {
            e.span_lo = slot_end;
        }
    }
    return e;
}

/* ---- The path in flight --------------------------------------------------------------------- */

/* The last segment's instructions so far cost what the counters moved since `mark`. */
static void close_segment(open_path *o, const reading *at)
{
    if (o->nsegs) add_since(&o->segs[o->nsegs - 1].cost, at, &o->mark);
    o->mark = *at;
}

/* A new segment from the instruction about to run; `at` is the reading before it. */
static void open_segment(path_profiler *p, name_id name, bool sized, const reading *at)
{
    open_path *o = &p->path;
    if (o->nsegs == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 16;
        seg_sample *grown = realloc(o->segs, cap * sizeof(*grown));
        if (!grown) {
            p->out_of_memory = true;
            return; /* keep counting into the last segment */
        }
        o->segs = grown;
        o->cap = cap;
    }
    close_segment(o, at);
    o->segs[o->nsegs++] = (seg_sample){.name = name, .sized = sized};
    if (name == p->id_exit_cont) o->saw_exit = true;
    if (o->expect_handler) {
        o->handler = name;
        o->handler_called = true;
        o->expect_handler = false;
    }
}

static path_outcome classify(const open_path *o)
{
    if (o->start == PATH_START_INTERRUPT) return PATH_INTERRUPT;
    if (o->problem_state) return PATH_PROBLEM_STATE;
    if (o->handler_called) {
        if (!o->saw_exit) return PATH_REAL_MODE;
        return o->handler_returned ? PATH_TOO_HARD : PATH_HANDLER_EXIT;
    }
    if (o->saw_exit) return o->table_read ? PATH_TABLE_ZERO : PATH_TABLE_END;
    return PATH_UNCLASSIFIED;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t path_hash(const kind *k)
{
    uint64_t h = mix(k->start, k->hcall);
    h = mix(h, k->vector);
    h = mix(h, k->outcome);
    h = mix(h, (uint64_t)(int64_t)k->handler);
    h = mix(h, k->returned);
    h = mix(h, k->resumed_at);
    for (size_t i = 0; i < k->nsegs; i++)
        h = mix(h, (uint64_t)k->seg_names[i]);
    return h;
}

static bool same_kind(const kind *a, const kind *b)
{
    return a->hash == b->hash && a->start == b->start && a->hcall == b->hcall &&
           a->vector == b->vector && a->outcome == b->outcome && a->handler == b->handler &&
           a->returned == b->returned && a->resumed_at == b->resumed_at && a->nsegs == b->nsegs &&
           memcmp(a->seg_names, b->seg_names, a->nsegs * sizeof(a->seg_names[0])) == 0;
}

static char *make_label(const kind *k)
{
    char head[96];
    if (k->start == PATH_START_HCALL) {
        const char *name = paths_hcall_name(k->hcall);
        if (name)
            snprintf(head, sizeof(head), "%s (0x%" PRIx64 ")", name, k->hcall);
        else
            snprintf(head, sizeof(head), "hcall 0x%" PRIx64, k->hcall);
    } else {
        snprintf(head, sizeof(head), "interrupt 0x%x %s", k->vector, vector_name(k->vector));
    }
    char resumed[48] = "";
    if (k->resumed_at) snprintf(resumed, sizeof(resumed), ", resumed at 0x%" PRIx64, k->resumed_at);
    size_t len = strlen(head) + strlen(resumed) + 96;
    char *label = malloc(len);
    if (label)
        snprintf(label, len, "%s %s%s%s", head, paths_outcome_name(k->outcome), resumed,
                 k->returned ? "" : ", run ended inside");
    return label;
}

/* A new kind shaped like key (which borrows the open path's segment names). */
static kind *add_kind(path_profiler *p, const kind *key)
{
    if (p->nkinds == p->kinds_cap) {
        size_t cap = p->kinds_cap ? 2 * p->kinds_cap : 16;
        kind *grown = realloc(p->kinds, cap * sizeof(*grown));
        if (!grown) return NULL;
        p->kinds = grown;
        p->kinds_cap = cap;
    }
    kind *k = &p->kinds[p->nkinds];
    *k = *key;
    size_t n = key->nsegs ? key->nsegs : 1;
    k->seg_names = malloc(n * sizeof(*k->seg_names));
    k->seg_insns = calloc(n, sizeof(hist));
    k->seg_cycles = calloc(n, sizeof(hist));
    k->seg_stall = calloc(n, sizeof(*k->seg_stall));
    k->label = make_label(k);
    char where[128] = "";
    if (p->guest) symtab_format(p->guest, p->path.guest_pc, where, sizeof(where));
    k->first_guest_symbol = strdup(where);
    if (!k->seg_names || !k->seg_insns || !k->seg_cycles || !k->seg_stall || !k->label ||
        !k->first_guest_symbol) {
        free(k->seg_names);
        free(k->seg_insns);
        free(k->seg_cycles);
        free(k->seg_stall);
        free(k->label);
        free(k->first_guest_symbol);
        return NULL;
    }
    memcpy(k->seg_names, key->seg_names, key->nsegs * sizeof(*k->seg_names));
    k->first_guest_pc = p->path.guest_pc;
    p->nkinds++;
    return k;
}

static void record_path(path_profiler *p, kind *k)
{
    const open_path *o = &p->path;
    uint64_t insns = 0, cycles = 0;
    bool ok = true;
    for (size_t i = 0; i < o->nsegs; i++) {
        const seg_sample *seg = &o->segs[i];
        insns += seg->insns;
        cycles += seg->cost.cycles;
        ok &= hist_add(&k->seg_insns[i], seg->insns);
        ok &= hist_add(&k->seg_cycles[i], seg->cost.cycles);
        add_stalls(k->seg_stall[i], &seg->cost);
        add_stalls(k->stall, &seg->cost);
    }
    ok &= hist_add(&k->insns, insns);
    ok &= hist_add(&k->cycles, cycles);
    ok &= hist_add(&k->entry_cycles, o->entry.cycles);
    add_stalls(k->entry_stall, &o->entry);
    if (!ok) p->out_of_memory = true;
    k->count++;
    p->total++;
}

static void reset_path(open_path *o)
{
    seg_sample *segs = o->segs;
    size_t cap = o->cap;
    *o = (open_path){.segs = segs, .cap = cap, .handler = -1};
}

/* Closes the path: classify, merge into its kind. */
static void end_path(path_profiler *p, uint64_t resume_pc, bool returned)
{
    open_path *o = &p->path;
    name_id *names = malloc((o->nsegs ? o->nsegs : 1) * sizeof(*names));
    if (!names) {
        p->out_of_memory = true;
        reset_path(o);
        return;
    }
    for (size_t i = 0; i < o->nsegs; i++)
        names[i] = o->segs[i].name;
    kind key = {
        .start = o->start,
        .hcall = o->start == PATH_START_HCALL ? o->hcall : 0,
        .vector = o->vector,
        .outcome = classify(o),
        .handler = o->handler,
        .returned = returned,
        .resumed_at = returned && resume_pc != o->expected_resume ? resume_pc : 0,
        .nsegs = o->nsegs,
        .seg_names = names,
    };
    key.hash = path_hash(&key);
    kind *k = NULL;
    for (size_t i = 0; i < p->nkinds && !k; i++)
        if (same_kind(&p->kinds[i], &key)) k = &p->kinds[i];
    if (!k) k = add_kind(p, &key);
    free(names);
    if (k)
        record_path(p, k);
    else
        p->out_of_memory = true;
    reset_path(o);
}

/* The reading before an interrupt delivered between instructions: the model (ahead of us) has
 * charged the delivery already, in its own interrupt hook, so its charge is taken back. */
static void read_before_delivery(const path_profiler *p, ppc_cpu *cpu, reading *out)
{
    read_now(p, cpu, out);
    if (!p->timing) return;
    const timing_insn_info *delivery = timing_last_insn(p->timing);
    out->cycles = delivery->fetch_cycle;
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        out->stall[r] -= delivery->stall[r];
}

/* The reading where the last segment's instructions end: now, or before an interrupt delivered
 * since the last of them (it counts with whatever runs next). */
static void read_segment_end(const path_profiler *p, ppc_cpu *cpu, reading *out)
{
    if (p->path.boundary_set)
        *out = p->path.boundary;
    else
        read_now(p, cpu, out);
}

static void start_path(path_profiler *p, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    open_path *o = &p->path;
    reset_path(o);
    p->cpu = cpu;
    o->active = true;
    o->entry_open = true;
    o->vector = vector;
    o->vector_base = cpu_get_nip(cpu) & REAL_ADDR_MASK;
    o->expected_resume = saved_pc;
    /* an interrupt outside any instruction: the entry includes its delivery */
    if (p->in_insn)
        read_now(p, cpu, &o->at_start);
    else
        read_before_delivery(p, cpu, &o->at_start);
    if (vector == 0xc00) {
        /* A system call that set MSR[HV] from guest state can only be sc LEV=1.  SRR0 is the
         * instruction after it and SRR1 the guest's MSR. */
        o->start = PATH_START_HCALL;
        o->hcall = cpu_get_gpr(cpu, 3);
        o->guest_pc = saved_pc - 4;
        o->problem_state = (cpu_get_spr(cpu, SPR_SRR1) & MSR_PR) != 0;
    } else {
        o->start = PATH_START_INTERRUPT;
        o->guest_pc = saved_pc;
    }
}

/* ---- Hooks ---------------------------------------------------------------------------------- */

/* The first firmware instruction of a path: the entry (the sc 1 or the delivery) ends here. */
static __attribute__((noinline)) void close_entry(path_profiler *p, ppc_cpu *cpu)
{
    open_path *o = &p->path;
    read_now(p, cpu, &o->mark);
    o->entry = (reading){0};
    add_since(&o->entry, &o->mark, &o->at_start);
    o->entry_open = false;
}

/* An instruction outside the span of the last look-up: its segment, a new one or not. */
static __attribute__((noinline)) void look_up_segment(path_profiler *p, ppc_cpu *cpu, uint64_t cia)
{
    open_path *o = &p->path;
    sym_entry e = resolve_segment(p, cia);
    if (o->nsegs) {
        const seg_sample *cur = &o->segs[o->nsegs - 1];
        /* one C function reaching another without a call is a tail call: same segment */
        if (e.name == cur->name || (cur->sized && e.sized)) {
            o->same_lo = e.span_lo;
            o->same_hi = e.span_hi;
            return;
        }
    }
    reading at;
    read_segment_end(p, cpu, &at);
    open_segment(p, e.name, e.sized, &at);
    /* the answer holds in the span while this segment is the last one */
    bool opened = o->nsegs && o->segs[o->nsegs - 1].name == e.name;
    o->same_lo = opened ? e.span_lo : 0;
    o->same_hi = opened ? e.span_hi : 0;
}

/* Calls only as tail calls or on rare paths, so that the common case saves no registers. */
static void on_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    (void)insn;
    path_profiler *p = ctx;
    open_path *o = &p->path;
    p->in_insn = true;
    if (!o->active) return;
    if (__builtin_expect(o->entry_open, 0)) close_entry(p, cpu);
    uint64_t cia = o->cia = cpu_get_nip(cpu) & REAL_ADDR_MASK;
    if (o->fold_depth) return;
    /* an address where the last look-up's answer holds: the same decision, no new segment */
    if (cia >= o->same_lo && cia < o->same_hi) return;
    look_up_segment(p, cpu, cia);
}

/* Calls (taken branches that set LR) push a frame; reaching a frame's return address pops it. */
static void track_calls(path_profiler *p, const ppc_insn *insn, uint64_t nip)
{
    open_path *o = &p->path;
    uint32_t flags = insn_table[insn->id].flags;
    bool links = (flags & F_BRANCH) && (flags & F_LK) && (insn->word & 1);
    if (links && nip != ((o->cia + 4) & REAL_ADDR_MASK)) {
        if (o->depth == CALL_DEPTH_MAX) return;
        const seg_sample *cur = o->nsegs ? &o->segs[o->nsegs - 1] : NULL;
        call_frame f = {.ret = (o->cia + 4) & REAL_ADDR_MASK};
        f.folded = o->fold_depth > 0 || (cur && cur->sized);
        f.handler_call = !f.folded && cur && cur->name == p->id_try_real_mode;
        if (f.folded) o->fold_depth++;
        if (f.handler_call) o->expect_handler = true;
        o->stack[o->depth++] = f;
        return;
    }
    for (unsigned level = o->depth; level-- > 0;) {
        if (o->stack[level].ret != nip) continue;
        while (o->depth > level) {
            const call_frame *f = &o->stack[--o->depth];
            if (f->folded) o->fold_depth--;
            if (f->handler_call) o->handler_returned = true;
        }
        return;
    }
}

/* The instruction that left the hypervisor (NIP `nip`): the path ends. */
static __attribute__((noinline)) void leave_firmware(path_profiler *p, ppc_cpu *cpu, uint64_t nip)
{
    reading now;
    read_now(p, cpu, &now);
    close_segment(&p->path, &now);
    end_path(p, nip, true);
    p->in_guest = true;
}

static void on_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    path_profiler *p = ctx;
    open_path *o = &p->path;
    uint64_t msr = cpu_get_msr(cpu);
    p->in_insn = false;
    if (!o->active || o->entry_open) {
        /* the guest's own instruction (including the sc 1 that just opened a path) */
        p->in_guest = !(msr & MSR_HV);
        return;
    }
    if (o->nsegs) o->segs[o->nsegs - 1].insns++;
    o->boundary_set = false;
    uint64_t nip = cpu_get_nip(cpu);
    track_calls(p, insn, nip & REAL_ADDR_MASK);
    if (!(msr & MSR_HV)) leave_firmware(p, cpu, nip);
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    path_profiler *p = ctx;
    open_path *o = &p->path;
    if (o->active && !p->in_insn && !o->entry_open && !o->boundary_set) {
        /* Delivered between two firmware instructions: it counts with the next one, in the
         * segment that one runs in, so the last segment closes (if it does) before it. */
        read_before_delivery(p, cpu, &o->boundary);
        o->boundary_set = true;
    }
    if (o->active || !p->in_guest) return;    /* the firmware's own interrupt */
    if (!(cpu_get_msr(cpu) & MSR_HV)) return; /* delivered to the guest itself */
    p->in_guest = false;
    start_path(p, cpu, vector, saved_pc);
}

static void on_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                          bool is_store)
{
    path_profiler *p = ctx;
    open_path *o = &p->path;
    if (!o->active || o->entry_open || is_store || o->table_read) return;
    uint64_t addr = pa & REAL_ADDR_MASK;
    if (addr >= p->table_lo && addr < p->table_hi) o->table_read = true;
}

/* ---- API ------------------------------------------------------------------------------------ */

path_profiler *paths_create(const symtab *firmware, const symtab *guest)
{
    if (!firmware) return NULL;
    path_profiler *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->firmware = firmware;
    p->guest = guest;
    p->observer = (cpu_observer){.ctx = p,
                                 .before = on_before,
                                 .after = on_after,
                                 .interrupt = on_interrupt,
                                 .mem_access = on_mem_access};
    for (size_t i = 0; i < SYM_CACHE_SIZE; i++)
        p->cache[i].name = -1;
    reset_path(&p->path);
    p->id_try_real_mode = intern(p, SYM_TRY_REAL_MODE);
    p->id_exit_cont = intern(p, SYM_EXIT_CONT);
    const symbol *lo = symtab_find(firmware, SYM_TABLE);
    const symbol *hi = symtab_find(firmware, SYM_TABLE_END);
    if (lo && hi && hi->addr > lo->addr) {
        p->table_lo = lo->addr & REAL_ADDR_MASK;
        p->table_hi = hi->addr & REAL_ADDR_MASK;
    }
    if (p->out_of_memory) {
        paths_destroy(p);
        return NULL;
    }
    return p;
}

void paths_destroy(path_profiler *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nkinds; i++) {
        kind *k = &p->kinds[i];
        for (size_t j = 0; j < k->nsegs; j++) {
            hist_free(&k->seg_insns[j]);
            hist_free(&k->seg_cycles[j]);
        }
        free(k->seg_stall);
        hist_free(&k->insns);
        hist_free(&k->cycles);
        hist_free(&k->entry_cycles);
        free(k->seg_insns);
        free(k->seg_cycles);
        free(k->seg_names);
        free(k->label);
        free(k->first_guest_symbol);
    }
    free(p->kinds);
    for (size_t i = 0; i < p->nnames; i++)
        free(p->names[i]);
    free(p->names);
    free(p->path.segs);
    free(p);
}

const cpu_observer *paths_observer(path_profiler *p)
{
    return &p->observer;
}

void paths_set_timing(path_profiler *p, const timing_model *model)
{
    p->timing = model;
}

const timing_model *paths_get_timing(const path_profiler *p)
{
    return p->timing;
}

void paths_finish(path_profiler *p)
{
    if (!p->path.active) return;
    open_path *o = &p->path;
    if (o->entry_open) { /* no firmware instruction ran: nothing to report */
        reset_path(o);
        return;
    }
    reading now;
    read_segment_end(p, p->cpu, &now);
    close_segment(o, &now);
    end_path(p, 0, false);
}

uint64_t paths_total(const path_profiler *p)
{
    return p->total;
}

size_t paths_kind_count(const path_profiler *p)
{
    return p->nkinds;
}

bool paths_get_kind(const path_profiler *p, size_t i, path_kind_info *out)
{
    if (i >= p->nkinds) return false;
    const kind *k = &p->kinds[i];
    *out = (path_kind_info){
        .label = k->label,
        .start = k->start,
        .hcall = k->hcall,
        .hcall_name = k->start == PATH_START_HCALL ? paths_hcall_name(k->hcall) : NULL,
        .vector = k->vector,
        .vector_name = vector_name(k->vector),
        .outcome = k->outcome,
        .handler = k->handler >= 0 ? p->names[k->handler] : NULL,
        .returned = k->returned,
        .resumed_at = k->resumed_at,
        .count = k->count,
        .first_guest_pc = k->first_guest_pc,
        .first_guest_symbol = k->first_guest_symbol,
        .insns = hist_stat(&k->insns),
        .cycles = hist_stat(&k->cycles),
        .entry_cycles = hist_stat(&k->entry_cycles),
        .segment_count = k->nsegs,
    };
    memcpy(out->stall, k->stall, sizeof(out->stall));
    memcpy(out->entry_stall, k->entry_stall, sizeof(out->entry_stall));
    return true;
}

bool paths_get_segment(const path_profiler *p, size_t kind_index, size_t j, path_segment_info *out)
{
    if (kind_index >= p->nkinds || j >= p->kinds[kind_index].nsegs) return false;
    const kind *k = &p->kinds[kind_index];
    *out = (path_segment_info){.name = name_of(p, k->seg_names[j]),
                               .insns = hist_stat(&k->seg_insns[j]),
                               .cycles = hist_stat(&k->seg_cycles[j])};
    memcpy(out->stall, k->seg_stall[j], sizeof(out->stall));
    return true;
}

static void print_row(FILE *out, int width, const char *name, path_stat s)
{
    fprintf(out, "    %-*s %7" PRIu64, width, name, s.median);
    if (s.min != s.max) fprintf(out, "  [%" PRIu64 "..%" PRIu64 "]", s.min, s.max);
    fputc('\n', out);
}

/* Cycles per instruction over all occurrences. */
static double cpi(path_stat cycles, path_stat insns)
{
    return insns.total ? (double)cycles.total / (double)insns.total : 0.0;
}

/* A row of the timed table: insns, cycles and CPI, then the ranges that vary. */
static void print_timed_row(FILE *out, int width, const char *name, path_stat insns,
                            path_stat cycles)
{
    fprintf(out, "    %-*s %7" PRIu64 " %8" PRIu64 " %6.2f", width, name, insns.median,
            cycles.median, cpi(cycles, insns));
    const char *sep = "   ";
    if (cycles.min != cycles.max) {
        fprintf(out, "%scycles %" PRIu64 "..%" PRIu64, sep, cycles.min, cycles.max);
        sep = ", ";
    }
    if (insns.min != insns.max)
        fprintf(out, "%sinsns %" PRIu64 "..%" PRIu64, sep, insns.min, insns.max);
    fputc('\n', out);
}

/* "dependency 120, context-sync 300" for the non-zero reasons; "none" if all are 0. */
static void print_stalls(FILE *out, const uint64_t *stall)
{
    const char *sep = "";
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++) {
        if (!stall[r]) continue;
        fprintf(out, "%s%s %" PRIu64, sep, timing_stall_name((timing_stall)r), stall[r]);
        sep = ", ";
    }
    if (!*sep) fputs("none", out);
}

static void print_kind(const path_profiler *p, size_t i, FILE *out)
{
    path_kind_info k;
    if (!paths_get_kind(p, i, &k)) return;
    fprintf(out, "\n  %s   x%" PRIu64 "\n", k.label, k.count);
    int width = 20;
    for (size_t j = 0; j < k.segment_count; j++) {
        int len = (int)strlen(name_of(p, p->kinds[i].seg_names[j]));
        if (len > width) width = len;
    }
    if (p->timing) fprintf(out, "    %-*s %7s %8s %6s\n", width, "", "insns", "cycles", "CPI");
    for (size_t j = 0; j < k.segment_count; j++) {
        path_segment_info s;
        if (!paths_get_segment(p, i, j, &s)) continue;
        if (p->timing)
            print_timed_row(out, width, s.name, s.insns, s.cycles);
        else
            print_row(out, width, s.name, s.insns);
    }
    if (!p->timing) {
        print_row(out, width, "total", k.insns);
        return;
    }
    print_timed_row(out, width, "total", k.insns, k.cycles);
    char entry[32];
    if (k.start == PATH_START_HCALL)
        snprintf(entry, sizeof(entry), "entry (sc 1)");
    else
        snprintf(entry, sizeof(entry), "entry (0x%x)", k.vector);
    fprintf(out, "    %-*s %7s %8" PRIu64 "          not in the total", width, entry, "",
            k.entry_cycles.median);
    if (k.entry_cycles.min != k.entry_cycles.max)
        fprintf(out, "; %" PRIu64 "..%" PRIu64, k.entry_cycles.min, k.entry_cycles.max);
    fputc('\n', out);
    char all[48] = "";
    if (k.count > 1) snprintf(all, sizeof(all), " (all %" PRIu64 ")", k.count);
    fprintf(out, "    stalls%s: ", all);
    print_stalls(out, k.stall);
    fprintf(out, " of %" PRIu64 " cycles\n    entry stalls%s: ", k.cycles.total, all);
    print_stalls(out, k.entry_stall);
    fprintf(out, " of %" PRIu64 " cycles\n", k.entry_cycles.total);
}

void paths_print_summary(path_profiler *p, FILE *out)
{
    paths_finish(p);
    if (p->timing)
        fprintf(out,
                "hcall paths: %" PRIu64 " in %zu kinds, cycle model %s (per segment: firmware "
                "instructions, cycles, CPI; median, with min..max when they vary)\n",
                p->total, p->nkinds, timing_get_profile(p->timing)->name);
    else
        fprintf(out,
                "hcall paths: %" PRIu64 " in %zu kinds (firmware instructions per segment; median "
                "[min..max] when they vary)\n",
                p->total, p->nkinds);
    for (size_t i = 0; i < p->nkinds; i++)
        print_kind(p, i, out);
    if (p->out_of_memory) fprintf(out, "\n  (out of memory: some paths were not recorded)\n");
}
