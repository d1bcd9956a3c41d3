/* The trace writer (a cpu_observer), the line reader shared by the trace parsers, and the parser
 * of our own format.  docs/trace-format.md is the specification. */
#include "observe/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/insn_table.h"
#include "cpu/spr.h" /* the SPR fields: numbers, spr_lookup/spr_read */

#define TRACE_MAGIC "# hcallsim trace 1"

/* ---- Names ---- */

static const char *const field_names[TF_COUNT] = {
    "r0",    "r1",    "r2",    "r3",    "r4",    "r5",   "r6",   "r7",   "r8",    "r9",
    "r10",   "r11",   "r12",   "r13",   "r14",   "r15",  "r16",  "r17",  "r18",   "r19",
    "r20",   "r21",   "r22",   "r23",   "r24",   "r25",  "r26",  "r27",  "r28",   "r29",
    "r30",   "r31",   "cr",    "xer",   "lr",    "ctr",  "msr",  "srr0", "srr1",  "hsrr0",
    "hsrr1", "sprg0", "sprg1", "sprg2", "sprg3", "cfar", "lpcr", "dar",  "dsisr", "res",
};

const char *trace_field_name(trace_field f)
{
    return f < TF_COUNT ? field_names[f] : "?";
}

trace_field trace_field_lookup(const char *name, size_t len)
{
    for (unsigned f = 0; f < TF_COUNT; f++)
        if (strlen(field_names[f]) == len && !memcmp(field_names[f], name, len))
            return (trace_field)f;
    return TF_COUNT;
}

/* QEMU 7.2's names (powerpc_excp_name) of the Book III-S interrupts and their vectors. */
static const struct {
    const char *name;
    unsigned vector;
} vector_names[] = {
    {"RESET", 0x100},   {"MCHECK", 0x200},  {"DSI", 0x300},      {"DSEG", 0x380},
    {"ISI", 0x400},     {"ISEG", 0x480},    {"EXTERNAL", 0x500}, {"ALIGN", 0x600},
    {"PROGRAM", 0x700}, {"FPU", 0x800},     {"DECR", 0x900},     {"HDECR", 0x980},
    {"SDOOR", 0xa00},   {"SYSCALL", 0xc00}, {"TRACE", 0xd00},    {"HDSI", 0xe00},
    {"HISI", 0xe20},    {"HV_EMU", 0xe40},  {"HV_MAINT", 0xe60}, {"SDOOR_HV", 0xe80},
    {"HVIRT", 0xea0},   {"PERFM", 0xf00},   {"VPU", 0xf20},      {"VSXU", 0xf40},
    {"FU", 0xf60},      {"HV_FU", 0xf80},
};
#define NVECTOR_NAMES (sizeof(vector_names) / sizeof(vector_names[0]))

unsigned trace_vector_of_qemu_name(const char *name, size_t len)
{
    for (size_t i = 0; i < NVECTOR_NAMES; i++)
        if (strlen(vector_names[i].name) == len && !memcmp(vector_names[i].name, name, len))
            return vector_names[i].vector;
    return 0;
}

const char *trace_vector_name(unsigned vector)
{
    for (size_t i = 0; i < NVECTOR_NAMES; i++)
        if (vector_names[i].vector == vector) return vector_names[i].name;
    return "?";
}

void trace_mode_string(uint64_t msr, char out[5])
{
    out[0] = (msr & MSR_HV) ? 'H' : '-';
    out[1] = (msr & MSR_PR) ? 'P' : '-';
    out[2] = (msr & MSR_IR) ? 'I' : '-';
    out[3] = (msr & MSR_DR) ? 'D' : '-';
    out[4] = '\0';
}

/* ---- Writer ----
 * The per-record path is what a traced run costs, so it stays clear of the printf family: digits
 * are formatted by hand into one large buffer, written in big chunks.  The part of a record line
 * that depends only on the instruction's address, word and mode -- its "site": mode, pc, word,
 * symbol and disassembly -- is formatted once and then copied from a direct-mapped cache. */

#define WRITER_BUFFER (1u << 20)
#define WRITER_SLACK  8192 /* more than one record line or event line can take */

#define SITE_LABEL_MAX  80 /* symbol+offset, NUL included (longer labels are cut) */
#define SITE_DISASM_MAX 64 /* disassembly, NUL included */
/* "MODE PC WORD LABEL \"DISASM\"" without the NULs */
#define SITE_TEXT_MAX   (4 + 1 + 16 + 1 + 8 + 1 + SITE_LABEL_MAX + 2 + SITE_DISASM_MAX + 1)
#define SITE_CACHE_SIZE 2048    /* entries, a power of two */
#define SITE_EMPTY      (~0ull) /* the mode of an unused entry: no MSR has every bit set */

typedef struct site_entry {
    uint64_t pc;
    uint64_t mode; /* MSR & TRACE_MODE_BITS (chooses the symbol table), or SITE_EMPTY */
    uint32_t word;
    uint16_t len;
    char text[SITE_TEXT_MAX];
} site_entry;

#define STATE_SLOTS ((TF_COUNT + 7) & ~7u) /* the fields, padded to whole blocks of 8 */

/* The fields that are SPRs (read as mfspr would, without the privilege check). */
static const struct {
    uint8_t field;
    uint16_t spr;
} spr_fields[] = {
    {TF_XER, SPR_XER},     {TF_LR, SPR_LR},       {TF_CTR, SPR_CTR},     {TF_SRR0, SPR_SRR0},
    {TF_SRR1, SPR_SRR1},   {TF_HSRR0, SPR_HSRR0}, {TF_HSRR1, SPR_HSRR1}, {TF_SPRG0, SPR_SPRG0},
    {TF_SPRG1, SPR_SPRG1}, {TF_SPRG2, SPR_SPRG2}, {TF_SPRG3, SPR_SPRG3}, {TF_CFAR, SPR_CFAR},
    {TF_LPCR, SPR_LPCR},   {TF_DAR, SPR_DAR},     {TF_DSISR, SPR_DSISR},
};
#define NSPR_FIELDS (sizeof(spr_fields) / sizeof(spr_fields[0]))

/* The record number as decimal text, incremented in place (right-aligned in digits). */
typedef struct decimal_counter {
    char digits[20];
    unsigned first; /* index of the most significant digit */
} decimal_counter;

/* " name=" of a field, ready to copy as 8 bytes (the longest name has 5 letters). */
typedef struct field_prefix {
    char text[8];
    uint8_t len;
} field_prefix;

struct trace_writer {
    cpu_observer observer;
    trace_config config;
    FILE *file;
    gzFile gz;
    bool close_file;
    char *path;
    char *buf;
    size_t len;
    uint64_t records;
    /* The state of the record being written and of the one before, by record number parity. */
    uint64_t state[2][STATE_SLOTS];
    bool failed;
    field_prefix prefix[TF_COUNT];
    const spr_info *spr[NSPR_FIELDS]; /* of spr_fields, looked up once */
    decimal_counter number;
    site_entry sites[SITE_CACHE_SIZE];
};

static void writer_flush(trace_writer *t)
{
    if (!t->len || t->failed) {
        t->len = 0;
        return;
    }
    bool ok = t->gz ? gzwrite(t->gz, t->buf, (unsigned)t->len) == (int)t->len
                    : fwrite(t->buf, 1, t->len, t->file) == t->len;
    if (!ok) {
        fprintf(stderr, "hcallsim: cannot write the trace %s: %s\n", t->path, strerror(errno));
        t->failed = true;
    }
    t->len = 0;
}

static char *writer_space(trace_writer *t)
{
    if (t->len > WRITER_BUFFER - WRITER_SLACK) writer_flush(t);
    return t->buf + t->len;
}

/* The 8 hex digits of v, most significant first, as the bytes of a host word in memory order:
 * each nibble is spread into its own byte, then '0' or 'a' - 10 is added to all bytes at once. */
static inline uint64_t hex8(uint32_t v)
{
    uint64_t x = v;
    x = (x | x << 16) & 0x0000ffff0000ffffull;
    x = (x | x << 8) & 0x00ff00ff00ff00ffull;
    x = (x | x << 4) & 0x0f0f0f0f0f0f0f0full; /* byte i holds nibble i (from the right) */
    uint64_t letters = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    x += 0x3030303030303030ull + letters * ('a' - '0' - 10);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* The low `digits` (1..16) hex digits of v. */
static inline char *put_hex(char *p, uint64_t v, unsigned digits)
{
    uint64_t text[2] = {hex8((uint32_t)(v >> 32)), hex8((uint32_t)v)};
    memcpy(p, (const char *)text + 16 - digits, digits);
    return p + digits;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_dec(char *p, uint64_t v)
{
    char tmp[24];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void counter_increment(decimal_counter *c)
{
    unsigned i = sizeof(c->digits);
    while (i > c->first && c->digits[i - 1] == '9')
        c->digits[--i] = '0';
    if (i > c->first)
        c->digits[i - 1]++;
    else
        c->digits[--c->first] = '1';
}

static char *put_counter(char *p, const decimal_counter *c)
{
    size_t n = sizeof(c->digits) - c->first;
    memcpy(p, c->digits + c->first, n);
    return p + n;
}

static uint64_t cpu_reservation(const ppc_cpu *cpu)
{
    uint64_t addr;
    return cpu_get_reservation(cpu, &addr) ? addr : TRACE_NO_RESERVATION;
}

static void capture(const trace_writer *t, ppc_cpu *cpu, uint64_t v[TF_COUNT])
{
    for (unsigned i = 0; i < 32; i++)
        v[TF_GPR0 + i] = cpu_get_gpr(cpu, i);
    v[TF_CR] = cpu_get_cr(cpu);
    v[TF_MSR] = cpu_get_msr(cpu);
    for (unsigned i = 0; i < NSPR_FIELDS; i++)
        v[spr_fields[i].field] = spr_read(cpu, t->spr[i]);
    v[TF_RES] = cpu_reservation(cpu);
}

/* "MODE PC WORD LABEL \"DISASM\"" into out (SITE_TEXT_MAX bytes); word NULL for the final
 * state.  Returns the length. */
static size_t format_site(const trace_writer *t, char *out, uint64_t msr, uint64_t pc,
                          const uint32_t *word)
{
    char mode[5];
    trace_mode_string(msr, mode);
    char *p = put_str(out, mode);
    *p++ = ' ';
    p = put_hex(p, pc, 16);
    *p++ = ' ';
    p = word ? put_hex(p, *word, 8) : put_str(p, "--------");
    *p++ = ' ';
    const symtab *syms = (msr & MSR_HV) ? t->config.firmware : t->config.guest;
    char label[SITE_LABEL_MAX];
    if (syms && symtab_format(syms, pc, label, sizeof(label))) {
        for (char *c = label; *c; c++)
            if (*c == ' ' || *c == '"') *c = '_';
        p = put_str(p, label);
    } else {
        *p++ = '-';
    }
    p = put_str(p, " \"");
    if (word) {
        char text[SITE_DISASM_MAX];
        insn_disasm(*word, pc, text, sizeof(text));
        p = put_str(p, text);
    }
    *p++ = '"';
    return (size_t)(p - out);
}

/* The site of an executed instruction: the disassembly depends on the pc (relative branches)
 * and the label on the pc and MSR[HV], so all three are the key. */
static const site_entry *site_of(trace_writer *t, uint64_t msr, uint64_t pc, uint32_t word)
{
    uint64_t mode = msr & TRACE_MODE_BITS;
    /* pc >> 13 (which 8 KiB window) keeps firmware and guest code at the same offsets of
     * different windows apart. */
    site_entry *e = &t->sites[(pc >> 2 ^ pc >> 13) & (SITE_CACHE_SIZE - 1)];
    if (e->pc != pc || e->word != word || e->mode != mode) {
        e->pc = pc;
        e->word = word;
        e->mode = mode;
        e->len = (uint16_t)format_site(t, e->text, msr, pc, &word);
    }
    return e;
}

/* The fields whose values differ, as a mask of 1 << field.  Most records change one or two
 * registers: blocks of 8 fields are compared whole first (the padding is 0 on both sides). */
static uint64_t changed_fields(const uint64_t v[STATE_SLOTS], const uint64_t last[STATE_SLOTS])
{
    uint64_t changed = 0;
    for (unsigned block = 0; block < STATE_SLOTS; block += 8) {
        if (!memcmp(v + block, last + block, 8 * sizeof(*v))) continue;
        for (unsigned i = 0; i < 8; i++)
            changed |= (uint64_t)(v[block + i] != last[block + i]) << (block + i);
    }
    return changed;
}

/* One record line: number, site, cycle, fields. */
static void write_record(trace_writer *t, ppc_cpu *cpu, const uint32_t *word)
{
    uint64_t *v = t->state[t->records & 1], *last = t->state[~t->records & 1];
    capture(t, cpu, v);
    uint64_t pc = cpu_get_nip(cpu);
    char *start = writer_space(t), *p = start;

    t->records++;
    counter_increment(&t->number);
    p = put_counter(p, &t->number);
    *p++ = ' ';
    if (word) {
        const site_entry *site = site_of(t, v[TF_MSR], pc, *word);
        memcpy(p, site->text, site->len);
        p += site->len;
    } else {
        p += format_site(t, p, v[TF_MSR], pc, NULL);
    }
    if (t->config.cycle) {
        p = put_str(p, " cyc=");
        p = put_dec(p, t->config.cycle(t->config.cycle_ctx));
    }
    bool all = t->config.full || t->records == 1;
    uint64_t listed = all ? TRACE_ALL_FIELDS : changed_fields(v, last);
    for (; listed; listed &= listed - 1) {
        unsigned f = (unsigned)__builtin_ctzll(listed);
        memcpy(p, t->prefix[f].text, sizeof(t->prefix[f].text));
        p += t->prefix[f].len;
        p = put_hex(p, v[f], f == TF_CR ? 8 : 16);
    }
    *p++ = '\n';
    t->len += (size_t)(p - start);
}

static void on_before(void *ctx, ppc_cpu *cpu, const ppc_insn *insn)
{
    write_record(ctx, cpu, &insn->word);
}

static void on_interrupt(void *ctx, ppc_cpu *cpu, unsigned vector, uint64_t saved_pc)
{
    trace_writer *t = ctx;
    if (!t->records) return; /* nothing to attach it to */
    char *start = writer_space(t), *p = start;
    p = put_str(p, "- int ");
    p = put_hex(p, vector, vector > 0xfff ? 8 : 3);
    *p++ = ' ';
    p = put_str(p, trace_vector_name(vector));
    p = put_str(p, " srr0=");
    p = put_hex(p, saved_pc, 16);
    *p++ = '\n';
    t->len += (size_t)(p - start);
}

static void on_mem_access(void *ctx, ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size,
                          bool is_store)
{
    trace_writer *t = ctx;
    if (!t->records) return;
    char *start = writer_space(t), *p = start;
    p = put_str(p, is_store ? "- mem st ea=" : "- mem ld ea=");
    p = put_hex(p, ea, 16);
    p = put_str(p, " pa=");
    p = put_hex(p, pa, 16);
    p = put_str(p, " size=");
    p = put_dec(p, size);
    *p++ = '\n';
    t->len += (size_t)(p - start);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

trace_writer *trace_open(const char *path, const trace_config *config, char *err, size_t errlen)
{
    trace_writer *t = calloc(1, sizeof(*t));
    if (t) {
        t->buf = malloc(WRITER_BUFFER);
        t->path = strdup(path);
    }
    if (!t || !t->buf || !t->path) {
        snprintf(err, errlen, "out of memory");
        if (t) free(t->buf);
        free(t);
        return NULL;
    }
    t->config = config ? *config : (trace_config){0};
    if (!strcmp(path, "-")) {
        t->file = stdout;
    } else if (ends_with(path, ".gz")) {
        t->gz = gzopen(path, "wb6");
        if (!t->gz) snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    } else {
        t->file = fopen(path, "w");
        t->close_file = true;
        if (!t->file) snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    }
    if (!t->file && !t->gz) {
        free(t->buf);
        free(t->path);
        free(t);
        return NULL;
    }
    t->observer = (cpu_observer){
        .ctx = t, .before = on_before, .interrupt = on_interrupt, .mem_access = on_mem_access};
    for (unsigned f = 0; f < TF_COUNT; f++) {
        field_prefix *fp = &t->prefix[f];
        fp->len = (uint8_t)snprintf(fp->text, sizeof(fp->text), " %s=", field_names[f]);
    }
    for (unsigned i = 0; i < SITE_CACHE_SIZE; i++)
        t->sites[i].mode = SITE_EMPTY;
    for (unsigned i = 0; i < NSPR_FIELDS; i++)
        t->spr[i] = spr_lookup(spr_fields[i].spr); /* all in the SPR table */
    t->number.first = sizeof(t->number.digits) - 1;
    t->number.digits[t->number.first] = '0';
    char *p = writer_space(t);
    int n = snprintf(p, WRITER_SLACK, TRACE_MAGIC " %s\n", t->config.full ? "full" : "compact");
    t->len += (size_t)n;
    return t;
}

const cpu_observer *trace_observer(trace_writer *t)
{
    return &t->observer;
}

uint64_t trace_records(const trace_writer *t)
{
    return t->records;
}

int trace_close(trace_writer *t, ppc_cpu *final_state)
{
    if (!t) return 0;
    if (final_state) write_record(t, final_state, NULL);
    char *p = writer_space(t);
    t->len += (size_t)snprintf(p, WRITER_SLACK, "# end %" PRIu64 " records\n", t->records);
    writer_flush(t);
    bool ok = !t->failed;
    if (t->gz) {
        ok = gzclose(t->gz) == Z_OK && ok;
    } else if (t->close_file) {
        ok = fclose(t->file) == 0 && ok;
    } else {
        ok = fflush(t->file) == 0 && ok;
    }
    if (!ok && !t->failed)
        fprintf(stderr, "hcallsim: cannot write the trace %s: %s\n", t->path, strerror(errno));
    free(t->buf);
    free(t->path);
    free(t);
    return ok ? 0 : -1;
}

/* ---- Line reader ---- */

bool trace_lines_open(trace_lines *lines, const char *path)
{
    memset(lines, 0, sizeof(*lines));
    lines->path = path;
    if (!strcmp(path, "-")) {
        int fd = dup(0);
        lines->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
        if (!lines->gz && fd >= 0) close(fd);
    } else {
        lines->gz = gzopen(path, "rb");
    }
    if (!lines->gz) {
        snprintf(lines->error, sizeof(lines->error), "%s: cannot open: %s", path,
                 errno ? strerror(errno) : "out of memory");
        return false;
    }
    gzbuffer(lines->gz, 1u << 17);
    return true;
}

void trace_lines_close(trace_lines *lines)
{
    if (lines->gz) gzclose(lines->gz);
    lines->gz = NULL;
}

int trace_lines_fail(trace_lines *lines, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(lines->error, sizeof(lines->error), "%s:%lu: %s", lines->path, lines->lineno, msg);
    return -1;
}

void trace_lines_unget(trace_lines *lines)
{
    lines->held = true;
}

int trace_lines_next(trace_lines *lines)
{
    if (lines->held) {
        lines->held = false;
        return 1;
    }
    if (lines->eof) return 0;
    gzFile gz = lines->gz;
    size_t n = 0;
    for (;;) {
        int c = gzgetc(gz);
        if (c < 0) {
            int errnum;
            const char *msg = gzerror(gz, &errnum);
            lines->eof = true;
            if (errnum != Z_OK) {
                lines->lineno++;
                return trace_lines_fail(lines, "cannot read: %s",
                                        errnum == Z_BUF_ERROR ? "truncated gzip data" : msg);
            }
            if (!n) return 0;
            break;
        }
        if (c == '\n') break;
        if (c == '\0') {
            lines->lineno++;
            return trace_lines_fail(lines, "binary data (a NUL byte): not a text trace");
        }
        if (n + 1 >= sizeof(lines->buf)) {
            lines->lineno++;
            return trace_lines_fail(lines, "line longer than %d bytes: not a trace",
                                    TRACE_LINE_MAX - 1);
        }
        lines->buf[n++] = (char)c;
    }
    if (n && lines->buf[n - 1] == '\r') n--;
    lines->buf[n] = '\0';
    lines->len = n;
    lines->lineno++;
    return 1;
}

/* ---- Parser of our format ---- */

bool trace_is_header(const char *line)
{
    return !strncmp(line, TRACE_MAGIC " ", sizeof(TRACE_MAGIC));
}

bool trace_take_hex(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    unsigned n = 0;
    const char *s = *p;
    for (;; s++, n++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        v = v << 4 | d;
    }
    if (!n || n > 16) return false;
    *p = s;
    *out = v;
    return true;
}

bool trace_take_dec(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9') return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10) return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *p = s;
    *out = v;
    return true;
}

static bool take_space(const char **p)
{
    if (**p != ' ') return false;
    while (**p == ' ')
        (*p)++;
    return true;
}

static bool at_token_end(const char *p)
{
    return *p == ' ' || *p == '\0';
}

/* "- int VEC NAME srr0=X" or "- mem ld|st ea=X pa=X size=N" into rec. */
static int parse_event(trace_lines *lines, trace_record *rec)
{
    const char *p = lines->buf + 2;
    uint64_t a, b, size;
    if (!strncmp(p, "int ", 4)) {
        p += 4;
        if (!trace_take_hex(&p, &a) || !at_token_end(p) || a > 0xffff)
            return trace_lines_fail(lines, "malformed interrupt event");
        if (rec->ninterrupts < TRACE_MAX_INTERRUPTS) rec->vector[rec->ninterrupts] = (uint16_t)a;
        rec->ninterrupts++;
        return 1;
    }
    if (!strncmp(p, "mem ld ea=", 10) || !strncmp(p, "mem st ea=", 10)) {
        bool store = p[4] == 's';
        p += 10;
        if (!trace_take_hex(&p, &a) || strncmp(p, " pa=", 4)) goto bad_mem;
        p += 4;
        if (!trace_take_hex(&p, &b) || strncmp(p, " size=", 6)) goto bad_mem;
        p += 6;
        if (!trace_take_dec(&p, &size) || !size || size > 255 || !at_token_end(p)) goto bad_mem;
        if (rec->nmem < TRACE_MAX_MEM)
            rec->mem[rec->nmem] =
                (trace_mem){.ea = a, .pa = b, .size = (uint8_t)size, .store = store};
        rec->nmem++;
        return 1;
    }
    return trace_lines_fail(lines, "unknown event '%.40s'", lines->buf);
bad_mem:
    return trace_lines_fail(lines, "malformed memory event");
}

/* The record line in lines->buf. */
static int parse_record_line(trace_lines *lines, trace_parse_state *st, trace_record *rec)
{
    const char *p = lines->buf;
    uint64_t number, pc, word;
    if (!trace_take_dec(&p, &number) || !take_space(&p))
        return trace_lines_fail(lines, "expected a record (a record number), found '%.40s'",
                                lines->buf);
    if (number != st->records + 1)
        return trace_lines_fail(lines, "record number %" PRIu64 ", expected %" PRIu64, number,
                                st->records + 1);
    const char *mode = p;
    p += strnlen(p, 4);
    if (p - mode != 4 || !take_space(&p) || !trace_take_hex(&p, &pc) || !take_space(&p))
        return trace_lines_fail(lines, "malformed record: mode and pc expected");
    rec->has_word = strncmp(p, "--------", 8) != 0;
    if (rec->has_word) {
        const char *w = p;
        if (!trace_take_hex(&p, &word) || p - w != 8)
            return trace_lines_fail(lines, "malformed record: instruction word expected");
        rec->word = (uint32_t)word;
    } else {
        p += 8;
    }
    rec->executed = rec->has_word;
    if (!take_space(&p)) return trace_lines_fail(lines, "malformed record: symbol expected");
    const char *sym = p;
    while (*p && *p != ' ')
        p++;
    size_t symlen = (size_t)(p - sym);
    if (symlen == 1 && *sym == '-') symlen = 0;
    if (symlen >= sizeof(rec->symbol)) symlen = sizeof(rec->symbol) - 1;
    memcpy(rec->symbol, sym, symlen);
    rec->symbol[symlen] = '\0';
    if (!take_space(&p) || *p != '"')
        return trace_lines_fail(lines, "malformed record: quoted disassembly expected");
    const char *text = ++p;
    const char *close = strchr(text, '"');
    if (!close) return trace_lines_fail(lines, "malformed record: unterminated disassembly");
    size_t textlen = (size_t)(close - text);
    if (textlen >= sizeof(rec->disasm)) textlen = sizeof(rec->disasm) - 1;
    memcpy(rec->disasm, text, textlen);
    rec->disasm[textlen] = '\0';
    p = close + 1;

    uint64_t seen = 0;
    while (take_space(&p) && *p) {
        const char *key = p;
        while (*p && *p != '=' && *p != ' ')
            p++;
        if (*p != '=') return trace_lines_fail(lines, "malformed field '%.20s'", key);
        size_t keylen = (size_t)(p - key);
        p++;
        if (keylen == 3 && !memcmp(key, "cyc", 3)) {
            if (!trace_take_dec(&p, &rec->cycle)) return trace_lines_fail(lines, "malformed cyc=");
            rec->has_cycle = true;
        } else {
            trace_field f = trace_field_lookup(key, keylen);
            if (f == TF_COUNT)
                return trace_lines_fail(lines, "unknown field '%.*s'", (int)keylen, key);
            if (!trace_take_hex(&p, &st->value[f]))
                return trace_lines_fail(lines, "malformed value of %s", field_names[f]);
            seen |= 1ull << f;
        }
        if (!at_token_end(p)) return trace_lines_fail(lines, "malformed field '%.20s'", key);
    }
    if (!st->records && seen != TRACE_ALL_FIELDS) {
        unsigned f = (unsigned)__builtin_ctzll(~seen & TRACE_ALL_FIELDS);
        return trace_lines_fail(lines, "the first record lacks %s (it must hold every field)",
                                field_names[f]);
    }
    memcpy(rec->value, st->value, sizeof(rec->value));
    rec->pc = pc;
    char expect[5];
    trace_mode_string(rec->value[TF_MSR], expect);
    if (memcmp(mode, expect, 4))
        return trace_lines_fail(lines, "mode %.4s does not match msr (%s)", mode, expect);
    return 1;
}

int trace_parse_next(trace_lines *lines, trace_parse_state *st, trace_record *rec)
{
    int rc;
    memset(rec, 0, offsetof(trace_record, mem));
    rec->symbol[0] = rec->disasm[0] = '\0';
    /* Up to the record line: the header, comments, the end line. */
    for (;;) {
        rc = trace_lines_next(lines);
        if (rc < 0) return -1;
        if (rc == 0) {
            if (!st->header_seen) return trace_lines_fail(lines, "empty trace (no header)");
            if (!st->end_seen)
                return trace_lines_fail(lines, "truncated: the trace ends without its "
                                               "'# end' line");
            return 0;
        }
        if (!st->header_seen) {
            if (!trace_is_header(lines->buf))
                return trace_lines_fail(lines,
                                        "not an hcallsim trace (no '" TRACE_MAGIC "' header)");
            st->header_seen = true;
            continue;
        }
        if (lines->buf[0] == '#') {
            const char *p = lines->buf;
            if (!strncmp(p, "# end ", 6)) {
                p += 6;
                if (!trace_take_dec(&p, &st->end_count) || strcmp(p, " records"))
                    return trace_lines_fail(lines, "malformed end line");
                if (st->end_count != st->records)
                    return trace_lines_fail(
                        lines, "the end line counts %" PRIu64 " records, the file holds %" PRIu64,
                        st->end_count, st->records);
                st->end_seen = true;
            }
            continue;
        }
        if (lines->buf[0] == '\0') continue;
        if (st->end_seen) return trace_lines_fail(lines, "data after the end line");
        if (lines->buf[0] == '-')
            return trace_lines_fail(lines, "an event line before the first record");
        break;
    }
    rec->line = lines->lineno;
    rec->mem_known = true;
    if (parse_record_line(lines, st, rec) < 0) return -1;
    rec->number = ++st->records;
    /* Its events, up to the next record. */
    while ((rc = trace_lines_next(lines)) > 0) {
        if (lines->buf[0] != '-' || lines->buf[1] != ' ') {
            trace_lines_unget(lines);
            break;
        }
        if (parse_event(lines, rec) < 0) return -1;
    }
    return rc < 0 ? -1 : 1;
}
