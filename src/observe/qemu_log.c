/* Reader of QEMU 7.2 powernv8 -d cpu,nochain,int logs (see qemu_log.h, qemu-powernv8.md §2). */
#include "observe/qemu_log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Give up on a file that has no register dump in this many lines. */
#define MAX_LINES_BEFORE_DUMP 100000u

/* ---- in_asm words by (EA, MSR mode): open addressing, grown at 3/4 load ---- */

typedef struct word_slot {
    uint64_t ea; /* ~0 = empty (instructions are 4-byte aligned) */
    uint64_t mode;
    uint32_t word;
} word_slot;

struct qemu_word_map {
    word_slot *slots;
    size_t capacity, count;
};

#define WORD_MODE_BITS (MSR_HV | MSR_PR | MSR_IR | MSR_DR | MSR_LE)
#define EMPTY_SLOT     (~0ull)

static size_t slot_index(const qemu_word_map *m, uint64_t ea, uint64_t mode)
{
    uint64_t h = (ea ^ (mode >> 3)) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 20) & (m->capacity - 1);
}

static word_slot *map_find(qemu_word_map *m, uint64_t ea, uint64_t mode)
{
    if (!m) return NULL;
    for (size_t i = slot_index(m, ea, mode);; i = (i + 1) & (m->capacity - 1)) {
        word_slot *s = &m->slots[i];
        if (s->ea == EMPTY_SLOT) return NULL;
        if (s->ea == ea && s->mode == mode) return s;
    }
}

static bool map_grow(qemu_word_map *m)
{
    size_t old_capacity = m->capacity;
    word_slot *old = m->slots;
    m->capacity = old_capacity ? old_capacity * 2 : 1024;
    m->slots = malloc(m->capacity * sizeof(*m->slots));
    if (!m->slots) {
        m->slots = old;
        m->capacity = old_capacity;
        return false;
    }
    for (size_t i = 0; i < m->capacity; i++)
        m->slots[i].ea = EMPTY_SLOT;
    for (size_t i = 0; i < old_capacity; i++) {
        if (old[i].ea == EMPTY_SLOT) continue;
        size_t j = slot_index(m, old[i].ea, old[i].mode);
        while (m->slots[j].ea != EMPTY_SLOT)
            j = (j + 1) & (m->capacity - 1);
        m->slots[j] = old[i];
    }
    free(old);
    return true;
}

/* Remembers (replaces) the word at (ea, mode); false when out of memory. */
static bool map_put(qemu_log_state *st, uint64_t ea, uint64_t mode, uint32_t word)
{
    if (!st->words && !(st->words = calloc(1, sizeof(*st->words)))) return false;
    qemu_word_map *m = st->words;
    word_slot *s = m->capacity ? map_find(m, ea, mode) : NULL;
    if (s) {
        s->word = word;
        return true;
    }
    if ((m->count + 1) * 4 > m->capacity * 3 && !map_grow(m)) return false;
    size_t i = slot_index(m, ea, mode);
    while (m->slots[i].ea != EMPTY_SLOT)
        i = (i + 1) & (m->capacity - 1);
    m->slots[i] = (word_slot){.ea = ea, .mode = mode, .word = word};
    m->count++;
    return true;
}

void qemu_log_state_free(qemu_log_state *st)
{
    if (st->words) free(st->words->slots);
    free(st->words);
    st->words = NULL;
}

/* ---- Tokens ---- */

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The next space-delimited token: start in *tok, length returned; 0 at the end of the line. */
static size_t next_token(const char **p, const char **tok)
{
    const char *s = skip_spaces(*p);
    const char *e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    *tok = s;
    *p = e;
    return (size_t)(e - s);
}

static bool token_is(const char *tok, size_t len, const char *word)
{
    return strlen(word) == len && !memcmp(tok, word, len);
}

/* A hex value that is exactly the token. */
static bool hex_token(const char *tok, size_t len, uint64_t *out)
{
    const char *p = tok;
    return trace_take_hex(&p, out) && (size_t)(p - tok) == len;
}

bool qemu_log_is_dump_start(const char *line)
{
    if (strncmp(line, "NIP ", 4)) return false;
    const char *p = skip_spaces(line + 4);
    uint64_t v;
    return trace_take_hex(&p, &v);
}

/* Dump names whose value is one token we drop. */
static const char *const ignored_names[] = {
    "HID0",  "HF",    "iidx",  "didx",  "DECR", "PVR",  "VRSAVE",
    "SPRG4", "SPRG5", "SPRG6", "SPRG7", "SDR1", "PTCR", "FPSCR",
};

/* Upper-case dump names of record fields. */
static trace_field dump_field(const char *tok, size_t len)
{
    static const struct {
        const char *name;
        trace_field field;
    } names[] = {
        {"LR", TF_LR},       {"CTR", TF_CTR},     {"XER", TF_XER},     {"MSR", TF_MSR},
        {"SRR0", TF_SRR0},   {"SRR1", TF_SRR1},   {"HSRR0", TF_HSRR0}, {"HSRR1", TF_HSRR1},
        {"SPRG0", TF_SPRG0}, {"SPRG1", TF_SPRG1}, {"SPRG2", TF_SPRG2}, {"SPRG3", TF_SPRG3},
        {"CFAR", TF_CFAR},   {"LPCR", TF_LPCR},   {"DAR", TF_DAR},     {"DSISR", TF_DSISR},
        {"RES", TF_RES},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (token_is(tok, len, names[i].name)) return names[i].field;
    return TF_COUNT;
}

/* One line of a dump (the NIP line included): NAME VALUE pairs, "GPRnn" with four values,
 * "TB" with two, "CR" followed by a bracketed decoded view, "CPU#n", "FPRnn" lines of -d fpu.
 * Sets the fields it holds in rec and seen; returns -1 on anything else. */
static int parse_dump_line(trace_lines *lines, trace_record *rec, uint64_t *seen, bool *last)
{
    const char *p = lines->buf, *tok;
    size_t len;
    while ((len = next_token(&p, &tok)) != 0) {
        uint64_t v;
        if (len > 3 && !memcmp(tok, "CPU#", 4)) continue;
        if (len >= 4 && !memcmp(tok, "FPR", 3)) return 1; /* -d fpu: not compared */
        if (len == 5 && !memcmp(tok, "GPR", 3) && tok[3] >= '0' && tok[3] <= '3' && tok[4] >= '0' &&
            tok[4] <= '9') {
            unsigned first = (unsigned)(tok[3] - '0') * 10 + (unsigned)(tok[4] - '0');
            for (unsigned i = first; i < first + 4; i++) {
                len = next_token(&p, &tok);
                if (i > 31 || !hex_token(tok, len, &v))
                    return trace_lines_fail(lines, "malformed GPR line in a register dump");
                rec->value[TF_GPR0 + i] = v;
                *seen |= 1ull << (TF_GPR0 + i);
            }
            continue;
        }
        if (token_is(tok, len, "NIP")) {
            len = next_token(&p, &tok);
            if (!hex_token(tok, len, &rec->pc))
                return trace_lines_fail(lines, "malformed NIP line");
            continue;
        }
        if (token_is(tok, len, "TB")) {
            next_token(&p, &tok);
            next_token(&p, &tok);
            continue;
        }
        if (token_is(tok, len, "CR")) {
            len = next_token(&p, &tok);
            if (!hex_token(tok, len, &v) || v > 0xffffffffu)
                return trace_lines_fail(lines, "malformed CR in a register dump");
            rec->value[TF_CR] = v;
            *seen |= 1ull << TF_CR;
            const char *save = p;
            len = next_token(&p, &tok);
            if (token_is(tok, len, "[")) {
                while ((len = next_token(&p, &tok)) != 0 && !token_is(tok, len, "]"))
                    ;
                if (!len) return trace_lines_fail(lines, "malformed CR line in a register dump");
            } else {
                p = save;
            }
            continue;
        }
        bool ignored = false;
        for (size_t i = 0; i < sizeof(ignored_names) / sizeof(ignored_names[0]); i++)
            ignored = ignored || token_is(tok, len, ignored_names[i]);
        if (ignored) {
            if (!next_token(&p, &tok))
                return trace_lines_fail(lines, "%.*s without a value in a register dump", (int)len,
                                        tok);
            continue;
        }
        trace_field f = dump_field(tok, len);
        if (f == TF_COUNT)
            return trace_lines_fail(lines, "unexpected '%.*s' in a register dump", (int)len, tok);
        if (f == TF_DSISR) *last = true;
        const char *name = tok;
        size_t namelen = len;
        len = next_token(&p, &tok);
        if (!hex_token(tok, len, &v))
            return trace_lines_fail(lines, "malformed %.*s value in a register dump", (int)namelen,
                                    name);
        rec->value[f] = v;
        *seen |= 1ull << f;
    }
    return 1;
}

/* Whether a line belongs to a dump in progress (its first name is one a dump line starts with). */
static bool is_dump_line(const char *line)
{
    static const char *const starts[] = {"MSR ",   "TB ",    "GPR",    "CR ",   "SRR0 ",
                                         "SPRG0 ", "SPRG4 ", "HSRR0 ", "CFAR ", "LPCR ",
                                         "SDR1 ",  "PTCR ",  "FPR",    "FPSCR "};
    const char *p = skip_spaces(line);
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
        if (!strncmp(p, starts[i], strlen(starts[i]))) return true;
    return false;
}

/* "Raise exception at EA => NAME (n) error=xx" */
static void parse_raise(const char *line, trace_record *rec)
{
    const char *arrow = strstr(line, "=> ");
    if (!arrow) return;
    const char *name = arrow + 3;
    size_t len = strcspn(name, " (");
    unsigned vector = trace_vector_of_qemu_name(name, len);
    if (!vector) vector = 0xfff; /* unknown name: still an interrupt, compared as "?" */
    if (rec->ninterrupts < TRACE_MAX_INTERRUPTS) rec->vector[rec->ninterrupts] = (uint16_t)vector;
    rec->ninterrupts++;
}

/* "MEM ld|st ea=EA pa=PA size=N [io]" */
static int parse_mem(trace_lines *lines, trace_record *rec)
{
    const char *p = lines->buf + 4;
    uint64_t ea, pa, size;
    bool store = !strncmp(p, "st ", 3);
    if ((!store && strncmp(p, "ld ", 3)) || strncmp(p + 3, "ea=", 3)) goto bad;
    p += 6;
    if (!trace_take_hex(&p, &ea) || strncmp(p, " pa=", 4)) goto bad;
    p += 4;
    if (!trace_take_hex(&p, &pa) || strncmp(p, " size=", 6)) goto bad;
    p += 6;
    if (!trace_take_dec(&p, &size) || !size || size > 255) goto bad;
    if (rec->nmem < TRACE_MAX_MEM)
        rec->mem[rec->nmem] =
            (trace_mem){.ea = ea, .pa = pa, .size = (uint8_t)size, .store = store};
    rec->nmem++;
    return 1;
bad:
    return trace_lines_fail(lines, "malformed plugin MEM line");
}

/* "0xEA:  WORD  text" of -d in_asm: the word waits for the dump at EA. */
static void parse_in_asm(qemu_log_state *st, const char *line)
{
    const char *p = line + 2;
    uint64_t ea, word;
    if (!trace_take_hex(&p, &ea) || *p != ':') return;
    p = skip_spaces(p + 1);
    const char *w = p;
    if (!trace_take_hex(&p, &word) || p - w != 8 || (*p && *p != ' ')) return;
    st->pending_word = true;
    st->pending_ea = ea;
    st->pending_value = (uint32_t)word;
}

/* A line between dumps. */
static int parse_between(trace_lines *lines, qemu_log_state *st, trace_record *rec)
{
    const char *line = lines->buf;
    uint64_t ea, word;
    if (!strncmp(line, "Raise exception at ", 19)) {
        parse_raise(line, rec);
    } else if (!strncmp(line, "INSN ", 5)) {
        const char *p = line + 5;
        st->plugin_seen = rec->mem_known = true;
        if (trace_take_hex(&p, &ea) && *p == ' ' &&
            (p = skip_spaces(p), trace_take_hex(&p, &word)) && ea == rec->pc) {
            rec->word = (uint32_t)word;
            rec->has_word = true;
        }
    } else if (!strncmp(line, "MEM ", 4)) {
        st->plugin_seen = rec->mem_known = true;
        return parse_mem(lines, rec);
    } else if (line[0] == '0' && line[1] == 'x') {
        parse_in_asm(st, line);
    }
    return 1;
}

/* The word of the instruction at rec->pc from in_asm, if the log has it. */
static void attach_in_asm_word(qemu_log_state *st, trace_record *rec)
{
    uint64_t mode = rec->value[TF_MSR] & WORD_MODE_BITS;
    if (st->pending_word && st->pending_ea == rec->pc) {
        st->pending_word = false;
        map_put(st, rec->pc, mode, st->pending_value);
        rec->word = st->pending_value;
        rec->has_word = true;
        return;
    }
    word_slot *s = map_find(st->words, rec->pc, mode);
    if (s) {
        rec->word = s->word;
        rec->has_word = true;
    }
}

int qemu_log_next(trace_lines *lines, qemu_log_state *st, trace_record *rec)
{
    int rc;
    memset(rec, 0, offsetof(trace_record, mem));
    rec->symbol[0] = rec->disasm[0] = '\0';
    /* Up to the next NIP line. */
    for (;;) {
        rc = trace_lines_next(lines);
        if (rc < 0) return -1;
        if (rc == 0) {
            if (!st->records)
                return trace_lines_fail(lines, "no register dump (NIP line) in the file: not a "
                                               "QEMU -d cpu log or hcallsim trace");
            return 0;
        }
        if (qemu_log_is_dump_start(lines->buf)) break;
        if (!st->records && ++st->lines_without_dump > MAX_LINES_BEFORE_DUMP)
            return trace_lines_fail(lines,
                                    "no register dump (NIP line) in the first %u lines: "
                                    "not a QEMU -d cpu log or hcallsim trace",
                                    MAX_LINES_BEFORE_DUMP);
        if (parse_between(lines, st, rec) < 0) return -1;
    }
    /* The dump. */
    unsigned long start = lines->lineno;
    uint64_t seen = 0;
    bool last = false;
    for (;;) {
        if (parse_dump_line(lines, rec, &seen, &last) < 0) return -1;
        if (last) break;
        rc = trace_lines_next(lines);
        if (rc < 0) return -1;
        if (rc == 0 || !is_dump_line(lines->buf))
            return trace_lines_fail(lines, "truncated register dump (it starts at line %lu)",
                                    start);
    }
    if (seen != TRACE_ALL_FIELDS) {
        unsigned f = (unsigned)__builtin_ctzll(~seen & TRACE_ALL_FIELDS);
        return trace_lines_fail(lines, "the register dump starting at line %lu lacks %s", start,
                                trace_field_name((trace_field)f));
    }
    rec->line = start;
    rec->number = ++st->records;
    rec->executed = true;
    rec->mem_known = st->plugin_seen;
    attach_in_asm_word(st, rec);
    /* Its events: up to the next dump. */
    while ((rc = trace_lines_next(lines)) > 0) {
        if (qemu_log_is_dump_start(lines->buf)) {
            trace_lines_unget(lines);
            break;
        }
        if (parse_between(lines, st, rec) < 0) return -1;
    }
    return rc < 0 ? -1 : 1;
}
