/* Cycle-model profiles: INI files read with inih (Debian libinih-dev).
 *
 * Every parameter must appear exactly once and within its range; the first problem is reported
 * as "FILE:LINE: ..." naming the parameter, and nothing of a refused profile reaches the caller.
 * The built-in profiles are profiles/power{7,8,9}.ini themselves, embedded into the library at
 * build time (.incbin, see src/CMakeLists.txt), so they work from any directory and a user can
 * copy one as the starting point of their own. */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/timing.h"

#ifndef HCALLSIM_PROFILE_DIR
#error "HCALLSIM_PROFILE_DIR (the profiles/ folder) must be defined by the build"
#endif

/* The built-in profiles, NUL-terminated. */
#define EMBED_PROFILE(sym, file)                                                                   \
    __asm__(".pushsection .rodata\n"                                                               \
            ".global " #sym "\n"                                                                   \
            ".hidden " #sym "\n"                                                                   \
            ".type " #sym ", @object\n" #sym ":\n"                                                 \
            ".incbin \"" HCALLSIM_PROFILE_DIR "/" file "\"\n"                                      \
            ".byte 0\n"                                                                            \
            ".size " #sym ", . - " #sym "\n"                                                       \
            ".popsection\n");                                                                      \
    extern const char sym[]

EMBED_PROFILE(hcallsim_profile_power7, "power7.ini");
EMBED_PROFILE(hcallsim_profile_power8, "power8.ini");
EMBED_PROFILE(hcallsim_profile_power9, "power9.ini");

const char *const timing_builtin_profiles[] = {"power8", "power7", "power9", NULL};

const char *timing_builtin_profile_text(const char *name)
{
    if (!strcmp(name, "power7")) return hcallsim_profile_power7;
    if (!strcmp(name, "power8")) return hcallsim_profile_power8;
    if (!strcmp(name, "power9")) return hcallsim_profile_power9;
    return NULL;
}

/* Profile spellings of the timing classes, in enum insn_timing order. */
static const char *const class_names[TIMING__COUNT] = {
    [TIMING_ALU] = "alu",
    [TIMING_ALU2] = "alu2",
    [TIMING_CMP] = "cmp",
    [TIMING_MUL] = "mul",
    [TIMING_DIV] = "div",
    [TIMING_TRAP] = "trap",
    [TIMING_LOAD] = "load",
    [TIMING_LOAD_EXT] = "load_ext",
    [TIMING_STORE] = "store",
    [TIMING_LARX] = "larx",
    [TIMING_STCX] = "stcx",
    [TIMING_LOAD_MULTI] = "load_multi",
    [TIMING_STORE_MULTI] = "store_multi",
    [TIMING_CACHE] = "cache",
    [TIMING_SYNC] = "sync",
    [TIMING_ISYNC] = "isync",
    [TIMING_BRANCH] = "branch",
    [TIMING_CRLOGICAL] = "crlogical",
    [TIMING_MFCR] = "mfcr",
    [TIMING_MFOCRF] = "mfocrf",
    [TIMING_MTCRF] = "mtcrf",
    [TIMING_MFJMPR] = "mfjmpr",
    [TIMING_MTJMPR] = "mtjmpr",
    [TIMING_MFSPR] = "mfspr",
    [TIMING_MTSPR] = "mtspr",
    [TIMING_MFTB] = "mftb",
    [TIMING_MFMSR] = "mfmsr",
    [TIMING_MTMSR] = "mtmsr",
    [TIMING_SC] = "sc",
    [TIMING_RFI] = "rfi",
    [TIMING_SLB] = "slb",
    [TIMING_TLB] = "tlb",
    [TIMING_FP] = "fp",
    [TIMING_NOP] = "nop",
};

static const char *const ctxsync_names[TIMING_CTXSYNC__COUNT] = {
    [TIMING_CTXSYNC_SC] = "sc",
    [TIMING_CTXSYNC_RFID] = "rfid",
    [TIMING_CTXSYNC_HRFID] = "hrfid",
    [TIMING_CTXSYNC_MTMSRD] = "mtmsrd",
    [TIMING_CTXSYNC_MTMSRD_L1] = "mtmsrd_l1",
    [TIMING_CTXSYNC_ISYNC] = "isync",
    [TIMING_CTXSYNC_INTERRUPT] = "interrupt",
};

/* The serialising classes that carry an extra drain cost ([serialise]). */
static const unsigned serialise_classes[] = {
    TIMING_MFSPR, TIMING_MTSPR, TIMING_MFTB, TIMING_MFCR, TIMING_MTCRF,
    TIMING_SYNC,  TIMING_LARX,  TIMING_STCX, TIMING_SLB,  TIMING_TLB,
};
#define N_SERIALISE (sizeof(serialise_classes) / sizeof(serialise_classes[0]))

const char *timing_class_name(unsigned timing_class)
{
    return timing_class < TIMING__COUNT ? class_names[timing_class] : "?";
}

const char *timing_ctxsync_name(timing_ctxsync which)
{
    return which < TIMING_CTXSYNC__COUNT ? ctxsync_names[which] : "?";
}

static int class_by_name(const char *name)
{
    for (unsigned c = 0; c < TIMING__COUNT; c++)
        if (!strcmp(class_names[c], name)) return (int)c;
    return -1;
}

/* ---- The parameter list ---- */

typedef enum param_kind {
    PK_NAME,      /* [profile] name */
    PK_UINT,      /* a number in [min, max] */
    PK_POW2,      /* a power of two in [min, max] */
    PK_CLASSLIST, /* comma-separated timing classes ([dispatch]) */
} param_kind;

typedef struct param {
    const char *section;
    const char *key;
    uint8_t kind;
    unsigned min, max;
    unsigned *(*field)(timing_profile *p, unsigned arg); /* PK_UINT/PK_POW2 */
    unsigned arg;
} param;

static unsigned *f_width(timing_profile *p, unsigned a)
{
    return &p->dispatch_width;
}
static unsigned *f_mispredict(timing_profile *p, unsigned a)
{
    return &p->mispredict_penalty;
}
static unsigned *f_latency(timing_profile *p, unsigned a)
{
    return &p->latency[a];
}
static unsigned *f_record_cr(timing_profile *p, unsigned a)
{
    return &p->record_cr_latency;
}
static unsigned *f_serialise(timing_profile *p, unsigned a)
{
    return &p->serialise[a];
}
static unsigned *f_ctxsync(timing_profile *p, unsigned a)
{
    return &p->ctxsync[a];
}
static unsigned *f_direction(timing_profile *p, unsigned a)
{
    return &p->direction_entries;
}
static unsigned *f_link_stack(timing_profile *p, unsigned a)
{
    return &p->link_stack_entries;
}
static unsigned *f_count_cache(timing_profile *p, unsigned a)
{
    return &p->count_cache_entries;
}
static timing_cache_params *cache_of(timing_profile *p, unsigned a)
{
    return a ? &p->l1d : &p->l1i;
}
static unsigned *f_size(timing_profile *p, unsigned a)
{
    return &cache_of(p, a)->size_kb;
}
static unsigned *f_ways(timing_profile *p, unsigned a)
{
    return &cache_of(p, a)->ways;
}
static unsigned *f_line(timing_profile *p, unsigned a)
{
    return &cache_of(p, a)->line_bytes;
}
static unsigned *f_l2(timing_profile *p, unsigned a)
{
    return &p->l2_latency;
}

#define MAX_LATENCY  1000u   /* no single POWER instruction result takes longer */
#define MAX_EVENT    100000u /* drains, refetches, memory: generous but finite */
#define N_PARAMS_MAX 96

static param params[N_PARAMS_MAX];
static unsigned n_params;

static void add_param(const char *section, const char *key, param_kind kind, unsigned min,
                      unsigned max, unsigned *(*field)(timing_profile *, unsigned), unsigned arg)
{
    params[n_params++] = (param){section, key, (uint8_t)kind, min, max, field, arg};
}

static void build_params(void)
{
    if (n_params) return;
    add_param("profile", "name", PK_NAME, 0, 0, NULL, 0);
    add_param("pipeline", "dispatch_width", PK_UINT, 1, 16, f_width, 0);
    add_param("pipeline", "mispredict_penalty", PK_UINT, 0, MAX_LATENCY, f_mispredict, 0);
    for (unsigned c = 0; c < TIMING__COUNT; c++)
        add_param("latency", class_names[c], PK_UINT, 0, MAX_LATENCY, f_latency, c);
    add_param("latency", "record_cr", PK_UINT, 0, MAX_LATENCY, f_record_cr, 0);
    add_param("dispatch", "first", PK_CLASSLIST, 0, 0, NULL, TIMING_DISPATCH_FIRST);
    add_param("dispatch", "alone", PK_CLASSLIST, 0, 0, NULL, TIMING_DISPATCH_ALONE);
    for (unsigned i = 0; i < N_SERIALISE; i++)
        add_param("serialise", class_names[serialise_classes[i]], PK_UINT, 0, MAX_EVENT,
                  f_serialise, serialise_classes[i]);
    for (unsigned i = 0; i < TIMING_CTXSYNC__COUNT; i++)
        add_param("context_sync", ctxsync_names[i], PK_UINT, 0, MAX_EVENT, f_ctxsync, i);
    add_param("branch", "direction_entries", PK_POW2, 1, 1u << 20, f_direction, 0);
    add_param("branch", "link_stack_entries", PK_UINT, 1, 1024, f_link_stack, 0);
    add_param("branch", "count_cache_entries", PK_POW2, 1, 1u << 16, f_count_cache, 0);
    for (unsigned c = 0; c < 2; c++) {
        const char *sec = c ? "l1d" : "l1i";
        add_param(sec, "size_kb", PK_POW2, 1, 4096, f_size, c);
        add_param(sec, "ways", PK_UINT, 1, 64, f_ways, c);
        add_param(sec, "line_bytes", PK_POW2, 16, 1024, f_line, c);
    }
    add_param("l2", "latency", PK_UINT, 0, MAX_EVENT, f_l2, 0);
}

static int find_param(const char *section, const char *key)
{
    for (unsigned i = 0; i < n_params; i++)
        if (!strcmp(params[i].section, section) && !strcmp(params[i].key, key)) return (int)i;
    return -1;
}

/* ---- Parsing ---- */

#define MAX_SECTIONS 16

typedef struct parse_ctx {
    const char *origin;
    timing_profile profile;
    unsigned seen_line[N_PARAMS_MAX]; /* 0 = not seen */
    /* The line reader's state: inih calls the handler right after reading the line. */
    const char *cursor;
    unsigned line;
    struct {
        char name[32];
        unsigned line;
    } sections[MAX_SECTIONS];
    unsigned n_sections;
    /* The first error. */
    bool failed;
    char *err;
    size_t errlen;
} parse_ctx;

static void fail(parse_ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(parse_ctx *c, unsigned line, const char *fmt, ...)
{
    if (c->failed) return;
    c->failed = true;
    if (!c->err || !c->errlen) return;
    int n = snprintf(c->err, c->errlen, "%s:%u: ", c->origin, line);
    if (n < 0 || (size_t)n >= c->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void note_section(parse_ctx *c, const char *line_start, size_t len)
{
    while (len && (*line_start == ' ' || *line_start == '\t')) {
        line_start++;
        len--;
    }
    if (!len || *line_start != '[' || c->n_sections >= MAX_SECTIONS) return;
    const char *close = memchr(line_start, ']', len);
    if (!close) return;
    size_t n = (size_t)(close - line_start - 1);
    if (n >= sizeof(c->sections[0].name)) n = sizeof(c->sections[0].name) - 1;
    memcpy(c->sections[c->n_sections].name, line_start + 1, n);
    c->sections[c->n_sections].name[n] = '\0';
    c->sections[c->n_sections].line = c->line;
    c->n_sections++;
}

/* fgets over the profile text, counting lines so that the handler knows where it is. */
static char *read_line(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (!*c->cursor) return NULL;
    const char *nl = strchr(c->cursor, '\n');
    size_t len = nl ? (size_t)(nl - c->cursor) + 1 : strlen(c->cursor);
    c->line++;
    if (len + 1 > (size_t)num - 2) { /* inih needs room for "\r\n\0" */
        fail(c, c->line, "line longer than %d characters", num - 4);
        len = (size_t)num - 4;
    }
    memcpy(str, c->cursor, len);
    str[len] = '\0';
    note_section(c, c->cursor, len);
    c->cursor = nl ? nl + 1 : c->cursor + strlen(c->cursor);
    return str;
}

static bool parse_uint(const char *text, unsigned long *out)
{
    if (!*text || *text == '-' || *text == '+') return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

static bool is_pow2(unsigned long v)
{
    return v && !(v & (v - 1));
}

static void set_number(parse_ctx *c, const param *p, const char *value)
{
    unsigned long v;
    if (!parse_uint(value, &v)) {
        fail(c, c->line, "parameter '%s.%s': '%s' is not a non-negative integer", p->section,
             p->key, value);
        return;
    }
    if (v < p->min || v > p->max) {
        fail(c, c->line, "parameter '%s.%s' = %lu is out of range %u..%u", p->section, p->key, v,
             p->min, p->max);
        return;
    }
    if (p->kind == PK_POW2 && !is_pow2(v)) {
        fail(c, c->line, "parameter '%s.%s' = %lu must be a power of two", p->section, p->key, v);
        return;
    }
    *p->field(&c->profile, p->arg) = (unsigned)v;
}

static void set_name(parse_ctx *c, const param *p, const char *value)
{
    size_t n = strlen(value);
    if (!n || n >= sizeof(c->profile.name)) {
        fail(c, c->line, "parameter '%s.%s' must be 1 to %zu characters", p->section, p->key,
             sizeof(c->profile.name) - 1);
        return;
    }
    memcpy(c->profile.name, value, n + 1);
}

/* "a, b, c" (or "none"): each a timing class, none in the other dispatch list already. */
static void set_class_list(parse_ctx *c, const param *p, const char *value)
{
    if (!strcmp(value, "none")) return;
    const char *s = value;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        char name[32];
        size_t n = (size_t)(e - s) < sizeof(name) - 1 ? (size_t)(e - s) : sizeof(name) - 1;
        memcpy(name, s, n);
        name[n] = '\0';
        int cls = class_by_name(name);
        if (cls < 0) {
            fail(c, c->line, "parameter '%s.%s': unknown timing class '%s'", p->section, p->key,
                 name);
            return;
        }
        if (c->profile.dispatch[cls] != TIMING_DISPATCH_NORMAL) {
            fail(c, c->line, "parameter '%s.%s': class '%s' is already in another dispatch list",
                 p->section, p->key, name);
            return;
        }
        c->profile.dispatch[cls] = (uint8_t)p->arg;
        s = e;
    }
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    if (c->failed) return 1;
    int i = find_param(section, name);
    if (i < 0) {
        fail(c, c->line, "unknown parameter '%s.%s'", section, name);
        return 1;
    }
    const param *p = &params[i];
    if (c->seen_line[i]) {
        fail(c, c->line, "parameter '%s.%s' is set twice (first on line %u)", section, name,
             c->seen_line[i]);
        return 1;
    }
    c->seen_line[i] = c->line;
    switch ((param_kind)p->kind) {
    case PK_NAME: set_name(c, p, value); break;
    case PK_UINT:
    case PK_POW2: set_number(c, p, value); break;
    case PK_CLASSLIST: set_class_list(c, p, value); break;
    }
    return 1;
}

static unsigned section_line(const parse_ctx *c, const char *section)
{
    for (unsigned i = 0; i < c->n_sections; i++)
        if (!strcmp(c->sections[i].name, section)) return c->sections[i].line;
    return 0;
}

static void check_missing(parse_ctx *c)
{
    for (unsigned i = 0; i < n_params && !c->failed; i++) {
        if (c->seen_line[i]) continue;
        unsigned line = section_line(c, params[i].section);
        if (line)
            fail(c, line, "missing parameter '%s.%s' in section [%s]", params[i].section,
                 params[i].key, params[i].section);
        else
            fail(c, c->line, "missing parameter '%s.%s' (no [%s] section)", params[i].section,
                 params[i].key, params[i].section);
    }
}

/* The sets of each cache must be a whole power of two. */
static void check_cache(parse_ctx *c, unsigned which)
{
    const timing_cache_params *cp = which ? &c->profile.l1d : &c->profile.l1i;
    const char *sec = which ? "l1d" : "l1i";
    unsigned long bytes = (unsigned long)cp->size_kb * 1024;
    unsigned long per_set = (unsigned long)cp->line_bytes * cp->ways;
    if (bytes % per_set || !is_pow2(bytes / per_set)) {
        int i = find_param(sec, "ways");
        fail(c, c->seen_line[i],
             "parameter '%s.ways' = %u: size_kb*1024 / (line_bytes*ways) must be a whole power "
             "of two",
             sec, cp->ways);
    }
}

bool timing_parse_profile(const char *text, const char *origin, timing_profile *out, char *err,
                          size_t errlen)
{
    build_params();
    parse_ctx *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return false;
    }
    c->origin = origin;
    c->cursor = text;
    c->err = err;
    c->errlen = errlen;
    int rc = ini_parse_stream(read_line, c, on_value, c);
    if (rc > 0)
        fail(c, (unsigned)rc, "syntax error: expected '[section]' or 'name = value'");
    else if (rc < 0)
        fail(c, c->line, "the INI parser failed (%d)", rc);
    check_missing(c);
    if (!c->failed) check_cache(c, 0);
    if (!c->failed) check_cache(c, 1);
    bool ok = !c->failed;
    if (ok) {
        snprintf(c->profile.origin, sizeof(c->profile.origin), "%s", origin);
        *out = c->profile;
    }
    free(c);
    return ok;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen,
                 "%s: not a built-in profile (power7, power8, power9) and not readable: %s", path,
                 strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) break;
        if (cap - len - 1 == 0) {
            char *bigger = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    bool bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read the profile (too large or I/O error)", path);
        return NULL;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        snprintf(err, errlen, "%s: not a text file (contains NUL bytes)", path);
        return NULL;
    }
    return buf;
}

bool timing_load_profile(const char *name_or_path, timing_profile *out, char *err, size_t errlen)
{
    const char *builtin = timing_builtin_profile_text(name_or_path);
    if (builtin) {
        char origin[64];
        snprintf(origin, sizeof(origin), "built-in profile %s (profiles/%s.ini)", name_or_path,
                 name_or_path);
        return timing_parse_profile(builtin, origin, out, err, errlen);
    }
    char *text = read_file(name_or_path, err, errlen);
    if (!text) return false;
    bool ok = timing_parse_profile(text, name_or_path, out, err, errlen);
    free(text);
    return ok;
}
