/* A Kanata pipeline log (Konata viewer) of the cycle model's view of each instruction
 * (report.h).
 *
 * Kanata time only moves forward, but an instruction's stages are known only once the model has
 * charged it (its `after` hook), and a later instruction may start fetching before an earlier
 * one's result is ready.  So records wait in a small window and their events are written in
 * cycle order once no later instruction can produce an earlier event: the next instruction's
 * fetch starts no earlier than one cycle before the current one's dispatch group.
 *
 * Stages per instruction (lane 0):  F [fetch, dispatch)  D [dispatch, dispatch+1)
 * X [dispatch+1, max(ready, dispatch+2)), then R.  "fetch" is the previous instruction's dispatch
 * cycle (in-order: it waits behind it; for the first record, its own I-cache and dependency
 * stalls before its dispatch), at least one cycle before its own, so stall cycles show as a long
 * F.  An interrupt delivered outside an instruction is a record of its own.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "observe/report.h"

#define LABEL_MAX 240
#define HOVER_MAX 200

enum { STAGE_F, STAGE_D, STAGE_X, STAGE_R, STAGE_DONE };

typedef struct record {
    uint64_t id, sim_id;
    uint64_t at[STAGE_DONE]; /* cycle at which each stage starts (R: retires) */
    unsigned next;           /* next stage to write */
    char label[LABEL_MAX];
    char hover[HOVER_MAX];
} record;

struct pipeview {
    cpu_observer observer;
    pipeview_config config;
    FILE *out;
    bool started;     /* C= written */
    bool failed;      /* out of memory */
    uint64_t now;     /* the cycle the file is at */
    uint64_t retired; /* R records written */
    uint64_t recorded;
    uint64_t prev_dispatch;
    bool have_prev;

    /* the instruction in flight, from before() */
    bool in_insn;
    uint64_t pc, msr, sim_id;
    uint32_t word;

    record *window; /* records with events still to write, in program order */
    size_t count, cap;
};

static const char *const stage_names[] = {"F", "D", "X"};

/* Writes every event before cycle `limit` (UINT64_MAX: all of them), in cycle order. */
static void drain(pipeview *v, uint64_t limit)
{
    for (;;) {
        uint64_t next = UINT64_MAX;
        for (size_t i = 0; i < v->count; i++)
            if (v->window[i].at[v->window[i].next] < next)
                next = v->window[i].at[v->window[i].next];
        if (next == UINT64_MAX || next >= limit) break;
        if (!v->started) {
            fprintf(v->out, "C=\t%" PRIu64 "\n", next);
            v->started = true;
            v->now = next;
        } else if (next > v->now) {
            fprintf(v->out, "C\t%" PRIu64 "\n", next - v->now);
            v->now = next;
        }
        for (size_t i = 0; i < v->count; i++) {
            record *r = &v->window[i];
            while (r->next < STAGE_DONE && r->at[r->next] == next) {
                if (r->next == STAGE_F) {
                    fprintf(v->out, "I\t%" PRIu64 "\t%" PRIu64 "\t0\n", r->id, r->sim_id);
                    fprintf(v->out, "L\t%" PRIu64 "\t0\t%s\n", r->id, r->label);
                    if (r->hover[0]) fprintf(v->out, "L\t%" PRIu64 "\t1\t%s\n", r->id, r->hover);
                } else {
                    fprintf(v->out, "E\t%" PRIu64 "\t0\t%s\n", r->id, stage_names[r->next - 1]);
                }
                if (r->next == STAGE_R)
                    fprintf(v->out, "R\t%" PRIu64 "\t%" PRIu64 "\t0\n", r->id, v->retired++);
                else
                    fprintf(v->out, "S\t%" PRIu64 "\t0\t%s\n", r->id, stage_names[r->next]);
                r->next++;
            }
        }
        size_t kept = 0;
        for (size_t i = 0; i < v->count; i++)
            if (v->window[i].next < STAGE_DONE) v->window[kept++] = v->window[i];
        v->count = kept;
    }
}

static record *new_record(pipeview *v)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        record *grown = realloc(v->window, cap * sizeof(*grown));
        if (!grown) {
            v->failed = true;
            return NULL;
        }
        v->window = grown;
        v->cap = cap;
    }
    record *r = &v->window[v->count++];
    *r = (record){.id = v->recorded++};
    return r;
}

/* Places the stages of the record from the model's view of it and writes what is final. */
static void schedule(pipeview *v, record *r, const timing_insn_info *info)
{
    uint64_t dispatch = info->issue_cycle;
    /* the first record has no predecessor to wait behind: its own waiting is its F */
    uint64_t waited = info->stall[TIMING_STALL_ICACHE] + info->stall[TIMING_STALL_DEPENDENCY];
    uint64_t fetch =
        v->have_prev ? v->prev_dispatch : dispatch - (waited < dispatch ? waited : dispatch);
    if (fetch > dispatch) fetch = dispatch;
    if (fetch == dispatch && fetch > 0) fetch--;
    if (v->started && fetch < v->now) fetch = v->now; /* never behind the file */
    if (dispatch < fetch) dispatch = fetch;
    uint64_t done = info->complete_cycle > dispatch + 2 ? info->complete_cycle : dispatch + 2;
    r->at[STAGE_F] = fetch;
    r->at[STAGE_D] = dispatch;
    r->at[STAGE_X] = dispatch + 1;
    r->at[STAGE_R] = done;

    size_t len = strlen(r->hover);
    const char *sep = len ? "; " : "";
    for (unsigned s = 0; s < TIMING_STALL__COUNT && len < HOVER_MAX; s++) {
        if (!info->stall[s]) continue;
        len += (size_t)snprintf(r->hover + len, HOVER_MAX - len, "%s%s %" PRIu64, sep,
                                timing_stall_name((timing_stall)s), info->stall[s]);
        sep = ", ";
    }
    v->prev_dispatch = info->issue_cycle;
    v->have_prev = true;
    drain(v, dispatch ? dispatch - 1 : 0);
}

static bool recording(const pipeview *v)
{
    return !v->failed && v->recorded < v->config.limit;
}

static void on_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    pipeview *v = ctx;
    v->in_insn = true;
    if (!recording(v)) return;
    v->pc = cpu_get_nip(cpu);
    v->msr = cpu_get_msr(cpu);
    v->word = insn->word;
    v->sim_id = cpu_get_insns(cpu);
}

static void on_after(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    pipeview *v = ctx;
    v->in_insn = false;
    if (!recording(v)) return;
    record *r = new_record(v);
    if (!r) return;
    r->sim_id = v->sim_id;
    char where[128] = "", text[80];
    if (v->config.locate)
        v->config.locate(v->config.locate_ctx, v->pc, v->msr, where, sizeof(where));
    insn_disasm(v->word, v->pc, text, sizeof(text));
    snprintf(r->label, LABEL_MAX, "%016" PRIx64 "%s%s: %s", v->pc, where[0] ? " " : "", where,
             text);
    schedule(v, r, timing_last_insn(v->config.model));
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    pipeview *v = ctx;
    if (!recording(v)) return;
    if (v->in_insn) {
        /* the instruction's own interrupt: charged with it */
        return;
    }
    record *r = new_record(v);
    if (!r) return;
    r->sim_id = cpu_get_insns(cpu);
    snprintf(r->label, LABEL_MAX, "interrupt 0x%x (from %016" PRIx64 ")", vector, saved_pc);
    snprintf(r->hover, HOVER_MAX, "interrupt delivery");
    schedule(v, r, timing_last_insn(v->config.model));
}

pipeview *pipeview_create(FILE *out, const pipeview_config *config)
{
    pipeview *v = calloc(1, sizeof(*v));
    if (!v) return NULL;
    v->out = out;
    v->config = *config;
    v->observer =
        (cpu_observer){.ctx = v, .before = on_before, .after = on_after, .interrupt = on_interrupt};
    fputs("Kanata\t0004\n", out);
    return v;
}

const cpu_observer *pipeview_observer(pipeview *v)
{
    return &v->observer;
}

bool pipeview_finish(pipeview *v)
{
    drain(v, UINT64_MAX);
    return !v->failed && !ferror(v->out);
}

uint64_t pipeview_recorded(const pipeview *v)
{
    return v->recorded;
}

void pipeview_destroy(pipeview *v)
{
    if (!v) return;
    free(v->window);
    free(v);
}
