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
#include "cpu/spr.h"
/* Only for the reservation, which cpu.h has no accessor for. */

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

/* ---- Writer ---- */

#define WRITER_BUFFER (1u << 20)
#define WRITER_SLACK  8192 /* more than one record line or event line can take */

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
    uint64_t last[TF_COUNT];
    bool failed;
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

static const char hex_digits[] = "0123456789abcdef";

static char *put_hex(char *p, uint64_t v, unsigned digits)
{
    for (unsigned i = digits; i-- > 0; v >>= 4)
        p[i] = hex_digits[v & 15];
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

static uint64_t cpu_reservation(const ppc_cpu *cpu)
{
    uint64_t addr;
    return cpu_get_reservation(cpu, &addr) ? addr : TRACE_NO_RESERVATION;
}

static void capture(ppc_cpu *cpu, uint64_t v[TF_COUNT])
{
    static const uint16_t sprs[] = {
        [TF_XER - TF_XER] = SPR_XER,     [TF_LR - TF_XER] = SPR_LR,
        [TF_CTR - TF_XER] = SPR_CTR,     [TF_MSR - TF_XER] = 0,
        [TF_SRR0 - TF_XER] = SPR_SRR0,   [TF_SRR1 - TF_XER] = SPR_SRR1,
        [TF_HSRR0 - TF_XER] = SPR_HSRR0, [TF_HSRR1 - TF_XER] = SPR_HSRR1,
        [TF_SPRG0 - TF_XER] = SPR_SPRG0, [TF_SPRG1 - TF_XER] = SPR_SPRG1,
        [TF_SPRG2 - TF_XER] = SPR_SPRG2, [TF_SPRG3 - TF_XER] = SPR_SPRG3,
        [TF_CFAR - TF_XER] = SPR_CFAR,   [TF_LPCR - TF_XER] = SPR_LPCR,
        [TF_DAR - TF_XER] = SPR_DAR,     [TF_DSISR - TF_XER] = SPR_DSISR,
    };
    for (unsigned i = 0; i < 32; i++)
        v[TF_GPR0 + i] = cpu_get_gpr(cpu, i);
    v[TF_CR] = cpu_get_cr(cpu);
    for (unsigned f = TF_XER; f <= TF_DSISR; f++)
        v[f] = f == TF_MSR ? cpu_get_msr(cpu) : cpu_get_spr(cpu, sprs[f - TF_XER]);
    v[TF_RES] = cpu_reservation(cpu);
}

/* One record line: number, mode, pc, word, symbol, disassembly, cycle, fields. */
static void write_record(trace_writer *t, ppc_cpu *cpu, const uint32_t *word)
{
    uint64_t v[TF_COUNT];
    capture(cpu, v);
    uint64_t pc = cpu_get_nip(cpu);
    char *start = writer_space(t), *p = start;
    char mode[5];
    trace_mode_string(v[TF_MSR], mode);

    p = put_dec(p, ++t->records);
    *p++ = ' ';
    p = put_str(p, mode);
    *p++ = ' ';
    p = put_hex(p, pc, 16);
    *p++ = ' ';
    p = word ? put_hex(p, *word, 8) : put_str(p, "--------");
    *p++ = ' ';
    const symtab *syms = (v[TF_MSR] & MSR_HV) ? t->config.firmware : t->config.guest;
    char label[80];
    if (syms && symtab_format(syms, pc, label, sizeof(label))) {
        for (char *c = label; *c; c++)
            if (*c == ' ' || *c == '"') *c = '_';
        p = put_str(p, label);
    } else {
        *p++ = '-';
    }
    p = put_str(p, " \"");
    if (word) {
        char text[64];
        insn_disasm(*word, pc, text, sizeof(text));
        p = put_str(p, text);
    }
    *p++ = '"';
    if (t->config.cycle) {
        p = put_str(p, " cyc=");
        p = put_dec(p, t->config.cycle(t->config.cycle_ctx));
    }
    bool all = t->config.full || t->records == 1;
    for (unsigned f = 0; f < TF_COUNT; f++) {
        if (!all && v[f] == t->last[f]) continue;
        *p++ = ' ';
        p = put_str(p, field_names[f]);
        *p++ = '=';
        p = put_hex(p, v[f], f == TF_CR ? 8 : 16);
    }
    *p++ = '\n';
    t->len += (size_t)(p - start);
    memcpy(t->last, v, sizeof(v));
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
