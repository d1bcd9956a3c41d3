/* tracediff: inputs of either format, the normaliser and the comparator (see trace_diff.h). */
#include "observe/trace_diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu/insn_table.h"
#include "observe/qemu_log.h"

/* ---- Inputs ---- */

struct trace_input {
    trace_lines lines;
    trace_format format;
    trace_parse_state ours;
    qemu_log_state qemu;
    char *path;
};

trace_open_status trace_input_open(const char *path, trace_input **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat sb;
    if (strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s: cannot read: it is a directory", path);
        return TRACE_OPEN_MISSING;
    }
    trace_input *in = calloc(1, sizeof(*in));
    if (in) in->path = strdup(path);
    if (!in || !in->path) {
        free(in);
        snprintf(err, errlen, "out of memory");
        return TRACE_OPEN_MISSING;
    }
    errno = 0;
    if (!trace_lines_open(&in->lines, in->path)) {
        snprintf(err, errlen, "%s", in->lines.error);
        trace_input_close(in);
        return TRACE_OPEN_MISSING;
    }
    /* The first non-blank line says which format. */
    int rc;
    while ((rc = trace_lines_next(&in->lines)) > 0 && in->lines.buf[0] == '\0')
        ;
    if (rc <= 0) {
        if (rc == 0)
            snprintf(err, errlen, "%s: empty file: no trace records", path);
        else
            snprintf(err, errlen, "%s", in->lines.error);
        trace_input_close(in);
        return TRACE_OPEN_BAD_INPUT;
    }
    in->format = trace_is_header(in->lines.buf) ? TRACE_FORMAT_HCALLSIM : TRACE_FORMAT_QEMU;
    trace_lines_unget(&in->lines);
    *out = in;
    return TRACE_OPEN_OK;
}

trace_format trace_input_format(const trace_input *in)
{
    return in->format;
}

int trace_input_next(trace_input *in, trace_record *rec)
{
    return in->format == TRACE_FORMAT_HCALLSIM ? trace_parse_next(&in->lines, &in->ours, rec)
                                               : qemu_log_next(&in->lines, &in->qemu, rec);
}

const char *trace_input_error(const trace_input *in)
{
    return in->lines.error;
}

void trace_input_close(trace_input *in)
{
    if (!in) return;
    trace_lines_close(&in->lines);
    qemu_log_state_free(&in->qemu);
    free(in->path);
    free(in);
}

/* ---- Normaliser and comparator ---- */

bool tracediff_tainted_read(uint32_t word, unsigned *rt)
{
    unsigned xo = (word >> 1) & 0x3ff;
    if ((word >> 26) != 31 || (xo != 339 && xo != 371)) return false; /* mfspr, mftb */
    unsigned spr = ((word >> 16) & 0x1f) | ((word >> 11) & 0x1f) << 5;
    switch (spr) {
    case 22:  /* DEC */
    case 268: /* TBL */
    case 269: /* TBU */
    case 308: /* SPURR */
    case 309: /* PURR */
    case 310: /* HDEC */
    case 351: /* VTB */
    case 339: /* HEIR: not implemented by QEMU 7.2 */ *rt = (word >> 21) & 0x1f; return true;
    default: return false;
    }
}

static bool held(uint64_t reservation)
{
    return reservation != TRACE_NO_RESERVATION;
}

/* Compares the field (reservation: held or not) unless tainted; agreement clears the taint. */
static bool field_differs(tracediff_state *st, trace_field f, uint64_t a, uint64_t b)
{
    uint64_t bit = 1ull << f;
    bool same = f == TF_RES ? held(a) == held(b) : a == b;
    if (same) {
        st->tainted &= ~bit;
        return false;
    }
    if (st->tainted & bit) return false;
    if (st->known_differences) st->tainted |= bit;
    return true;
}

static unsigned compare_interrupts(const trace_record *a, const trace_record *b, tracediff_diff *d)
{
    unsigned n = a->ninterrupts > b->ninterrupts ? a->ninterrupts : b->ninterrupts;
    if (n > TRACE_MAX_INTERRUPTS) n = TRACE_MAX_INTERRUPTS;
    for (unsigned i = 0; i < n; i++) {
        unsigned va = i < a->ninterrupts ? a->vector[i] : 0;
        unsigned vb = i < b->ninterrupts ? b->vector[i] : 0;
        if (va != vb) {
            *d = (tracediff_diff){.kind = TD_INTERRUPT, .a = va, .b = vb};
            return 1;
        }
    }
    if (a->ninterrupts != b->ninterrupts) {
        *d = (tracediff_diff){.kind = TD_INTERRUPT, .a = a->ninterrupts, .b = b->ninterrupts};
        return 1;
    }
    return 0;
}

static unsigned compare_mem(const trace_record *a, const trace_record *b, tracediff_diff *d)
{
    if (!a->mem_known || !b->mem_known) return 0;
    unsigned n = a->nmem > b->nmem ? a->nmem : b->nmem;
    if (n > TRACE_MAX_MEM) n = TRACE_MAX_MEM;
    for (unsigned i = 0; i < n; i++) {
        const trace_mem *ma = i < a->nmem ? &a->mem[i] : NULL;
        const trace_mem *mb = i < b->nmem ? &b->mem[i] : NULL;
        if (ma && mb && ma->ea == mb->ea && ma->pa == mb->pa && ma->size == mb->size &&
            ma->store == mb->store)
            continue;
        *d = (tracediff_diff){.kind = TD_MEM, .a = i, .b = i};
        return 1;
    }
    if (a->nmem != b->nmem) {
        *d = (tracediff_diff){.kind = TD_MEM, .a = n, .b = n};
        return 1;
    }
    return 0;
}

unsigned tracediff_compare(tracediff_state *st, const trace_record *a, const trace_record *b,
                           tracediff_diff *diffs)
{
    unsigned n = 0;
    if (a->pc != b->pc) {
        diffs[n++] = (tracediff_diff){.kind = TD_PC, .a = a->pc, .b = b->pc};
    } else if ((a->value[TF_MSR] ^ b->value[TF_MSR]) & TRACE_MODE_BITS) {
        diffs[n++] =
            (tracediff_diff){.kind = TD_MODE, .a = a->value[TF_MSR], .b = b->value[TF_MSR]};
    } else if (a->has_word && b->has_word && a->word != b->word) {
        diffs[n++] = (tracediff_diff){.kind = TD_WORD, .a = a->word, .b = b->word};
    } else {
        /* The instruction that produced this state decides what is time-based. */
        unsigned rt;
        if (st->have_prev && st->prev_has_word) {
            if (tracediff_tainted_read(st->prev_word, &rt)) st->tainted |= 1ull << (TF_GPR0 + rt);
            if (st->prev_word == TRACEDIFF_HRFID) st->tainted |= 1ull << TF_CFAR;
        }
        for (unsigned f = 0; f < TF_COUNT; f++) {
            if (!field_differs(st, (trace_field)f, a->value[f], b->value[f])) continue;
            if (f == TF_RES)
                diffs[n++] = (tracediff_diff){.kind = TD_RESERVE,
                                              .field = TF_RES,
                                              .a = held(a->value[f]),
                                              .b = held(b->value[f])};
            else
                diffs[n++] = (tracediff_diff){
                    .kind = TD_FIELD, .field = (trace_field)f, .a = a->value[f], .b = b->value[f]};
        }
        n += compare_interrupts(a, b, &diffs[n]);
        n += compare_mem(a, b, &diffs[n]);
    }
    st->have_prev = true;
    st->prev_has_word = a->has_word || b->has_word;
    st->prev_word = a->has_word ? a->word : b->word;
    return n;
}

/* ---- The run and its report ---- */

/* What the report shows of one record: from whichever side knows it. */
typedef struct shown_record {
    uint64_t number, pc, msr;
    bool has_word;
    uint32_t word;
    char symbol[80];
    char disasm[64];
} shown_record;

static void describe(const trace_record *a, const trace_record *b, shown_record *s)
{
    const trace_record *w = a->has_word ? a : b;
    s->number = a->number;
    s->pc = a->pc;
    s->msr = a->value[TF_MSR];
    s->has_word = w->has_word;
    s->word = w->word;
    const char *sym = a->symbol[0] ? a->symbol : b->symbol;
    snprintf(s->symbol, sizeof(s->symbol), "%s", sym);
    const char *text = w->disasm[0] ? w->disasm : (a->disasm[0] ? a->disasm : b->disasm);
    if (text[0])
        snprintf(s->disasm, sizeof(s->disasm), "%s", text);
    else if (s->has_word)
        insn_disasm(s->word, s->pc, s->disasm, sizeof(s->disasm));
    else
        s->disasm[0] = '\0';
}

static void print_shown(FILE *out, const char *prefix, const shown_record *s)
{
    char mode[5], word[9];
    trace_mode_string(s->msr, mode);
    if (s->has_word)
        snprintf(word, sizeof(word), "%08" PRIx32, s->word);
    else
        snprintf(word, sizeof(word), "--------");
    fprintf(out, "%s%8" PRIu64 " %s %016" PRIx64 " %s %-28s %s\n", prefix, s->number, mode, s->pc,
            word, s->disasm, s->symbol);
}

typedef struct diff_run {
    const tracediff_options *opt;
    FILE *out;
    const char *name_a, *name_b;
    shown_record *ring; /* the last `context` records, oldest first from ring_start */
    unsigned ring_len, ring_start;
    bool have_prev;
    shown_record prev;
} diff_run;

static void remember(diff_run *r, const shown_record *s)
{
    r->prev = *s;
    r->have_prev = true;
    if (!r->opt->context) return;
    if (r->ring_len < r->opt->context) {
        r->ring[(r->ring_start + r->ring_len++) % r->opt->context] = *s;
    } else {
        r->ring[r->ring_start] = *s;
        r->ring_start = (r->ring_start + 1) % r->opt->context;
    }
}

static void print_context(diff_run *r)
{
    if (!r->ring_len) return;
    fprintf(r->out, "  context:\n");
    for (unsigned i = 0; i < r->ring_len; i++)
        print_shown(r->out, "    ", &r->ring[(r->ring_start + i) % r->opt->context]);
}

static void print_diff(diff_run *r, const tracediff_diff *d, const trace_record *a,
                       const trace_record *b)
{
    FILE *out = r->out;
    char ma[5], mb[5];
    switch (d->kind) {
    case TD_PC:
        fprintf(out, "    %-8s %016" PRIx64 "     %016" PRIx64 "     (control flow)\n", "pc", d->a,
                d->b);
        break;
    case TD_MODE:
        trace_mode_string(d->a, ma);
        trace_mode_string(d->b, mb);
        fprintf(out, "    %-8s %-20s %-20s (control flow; msr %016" PRIx64 " / %016" PRIx64 ")\n",
                "mode", ma, mb, d->a, d->b);
        break;
    case TD_WORD:
        fprintf(out, "    %-8s %08" PRIx64 "             %08" PRIx64 "\n", "insn", d->a, d->b);
        break;
    case TD_FIELD:
        fprintf(out, "    %-8s %016" PRIx64 "     %016" PRIx64 "\n", trace_field_name(d->field),
                d->a, d->b);
        break;
    case TD_RESERVE:
        fprintf(out, "    %-8s %-20s %-20s (%016" PRIx64 " / %016" PRIx64 ")\n", "res",
                d->a ? "held" : "none", d->b ? "held" : "none", a->value[TF_RES], b->value[TF_RES]);
        break;
    case TD_INTERRUPT: {
        char ia[48] = "none", ib[48] = "none";
        for (unsigned i = 0, la = 0, lb = 0; i < TRACE_MAX_INTERRUPTS; i++) {
            if (i < a->ninterrupts)
                la += (unsigned)snprintf(ia + la, sizeof(ia) - la, "%s%s", i ? "," : "",
                                         trace_vector_name(a->vector[i]));
            if (i < b->ninterrupts)
                lb += (unsigned)snprintf(ib + lb, sizeof(ib) - lb, "%s%s", i ? "," : "",
                                         trace_vector_name(b->vector[i]));
            if (la >= sizeof(ia) || lb >= sizeof(ib)) break;
        }
        fprintf(out, "    %-8s %-20s %-20s\n", "int", ia, ib);
        break;
    }
    case TD_MEM: {
        fprintf(out, "    %-8s %u accesses%11s %u accesses\n", "mem", a->nmem, "", b->nmem);
        const trace_record *side[2] = {a, b};
        const char *name[2] = {r->name_a, r->name_b};
        for (unsigned s = 0; s < 2; s++)
            for (unsigned i = 0; i < side[s]->nmem && i < TRACE_MAX_MEM; i++)
                fprintf(out, "      %s: %s ea=%016" PRIx64 " pa=%016" PRIx64 " size=%u\n", name[s],
                        side[s]->mem[i].store ? "st" : "ld", side[s]->mem[i].ea, side[s]->mem[i].pa,
                        side[s]->mem[i].size);
        break;
    }
    }
}

static void report(diff_run *r, const trace_record *a, const trace_record *b,
                   const tracediff_diff *diffs, unsigned n)
{
    FILE *out = r->out;
    fprintf(out, "divergence at record %" PRIu64 " (%s line %lu, %s line %lu)\n", a->number,
            r->name_a, a->line, r->name_b, b->line);
    shown_record self;
    describe(a, b, &self);
    bool own_events =
        diffs[0].kind == TD_INTERRUPT || diffs[0].kind == TD_MEM || diffs[0].kind == TD_WORD;
    if (own_events)
        print_shown(out, "  made by record ", &self);
    else if (r->have_prev)
        print_shown(out, "  after record ", &r->prev);
    else
        fprintf(out, "  in the initial state (before any instruction)\n");
    fprintf(out, "    %-8s %-20s %-20s\n", "field", r->name_a, r->name_b);
    for (unsigned i = 0; i < n; i++)
        print_diff(r, &diffs[i], a, b);
    print_context(r);
    print_shown(out, "  > ", &self);
}

/* One side ended before the other. */
static void report_short(diff_run *r, const char *ended, const char *longer,
                         const trace_record *next, uint64_t compared)
{
    shown_record s;
    describe(next, next, &s);
    fprintf(r->out,
            "divergence after record %" PRIu64 ": %s ends there, %s goes on (one side is "
            "shorter)\n",
            compared, ended, longer);
    print_context(r);
    print_shown(r->out, "  > ", &s);
}

tracediff_verdict tracediff_run(trace_input *a, const char *name_a, trace_input *b,
                                const char *name_b, const tracediff_options *options,
                                tracediff_summary *summary)
{
    *summary = (tracediff_summary){0};
    diff_run r = {.opt = options, .out = options->out, .name_a = name_a, .name_b = name_b};
    trace_record *ra = malloc(sizeof(*ra)), *rb = malloc(sizeof(*rb));
    r.ring = options->context ? calloc(options->context, sizeof(*r.ring)) : NULL;
    tracediff_state st = {.known_differences = options->all};
    tracediff_diff diffs[TRACEDIFF_MAX_DIFFS];
    uint64_t first = 0;
    bool bad = !ra || !rb || (options->context && !r.ring);
    FILE *err = options->err ? options->err : options->out;
    if (bad) fprintf(err, "tracediff: out of memory\n");

    while (!bad) {
        int na = trace_input_next(a, ra);
        int nb = na < 0 ? 0 : trace_input_next(b, rb);
        if (na < 0 || nb < 0) {
            fprintf(err, "tracediff: %s\n", trace_input_error(na < 0 ? a : b));
            bad = true;
            break;
        }
        if (!na && !nb) break;
        if (!na || !nb) {
            /* Our last record is the state the run stopped in, which no instruction executed;
             * QEMU logs it or not depending on when its main loop sees the stop request. */
            trace_input *longer = na ? a : b;
            trace_record *extra = na ? ra : rb;
            if (!extra->executed) {
                int more = trace_input_next(longer, extra);
                if (more < 0) {
                    fprintf(err, "tracediff: %s\n", trace_input_error(longer));
                    bad = true;
                    break;
                }
                if (!more) {
                    fprintf(r.out,
                            "the final state (record %" PRIu64 ", not executed) is only in %s\n",
                            summary->compared + 1, na ? name_a : name_b);
                    break;
                }
            }
            report_short(&r, na ? name_b : name_a, na ? name_a : name_b, na ? ra : rb,
                         summary->compared);
            summary->divergences++;
            if (!first) first = summary->compared + 1;
            break;
        }
        summary->compared++;
        unsigned n = tracediff_compare(&st, ra, rb, diffs);
        if (n) {
            summary->divergences++;
            if (!first) first = ra->number;
            report(&r, ra, rb, diffs, n);
            bool control =
                diffs[0].kind == TD_PC || diffs[0].kind == TD_MODE || diffs[0].kind == TD_WORD;
            if (!options->all) break;
            if (control) {
                fprintf(r.out,
                        "control flow diverged: records after %" PRIu64 " are not compared\n",
                        ra->number);
                break;
            }
        }
        shown_record s;
        describe(ra, rb, &s);
        remember(&r, &s);
    }

    summary->verdict = bad                    ? TRACEDIFF_BAD_INPUT
                       : summary->divergences ? TRACEDIFF_DIVERGED
                                              : TRACEDIFF_EQUIVALENT;
    fprintf(r.out, "tracediff: %" PRIu64 " records compared: ", summary->compared);
    if (summary->verdict == TRACEDIFF_BAD_INPUT)
        fprintf(r.out, "stopped on unreadable input, not equivalent\n");
    else if (summary->verdict == TRACEDIFF_DIVERGED)
        fprintf(r.out, "%" PRIu64 " divergence%s (first at record %" PRIu64 ")%s\n",
                summary->divergences, summary->divergences == 1 ? "" : "s", first,
                options->all ? "" : "; --all to count them all");
    else
        fprintf(r.out, "equivalent\n");
    free(ra);
    free(rb);
    free(r.ring);
    return summary->verdict;
}
