/* The objdump agreement test: builds a corpus containing every instruction-table row with
 * randomised fields, assembles it with GNU as, disassembles it with GNU objdump and compares
 * instruction identity and every operand field with hcallsim's disassembly.
 *
 *   isa_objdump_check --as AS --objdump OBJDUMP --workdir DIR [--seed N] [--per-row N]
 *
 * Corpus: for each row, words = match | (random bits outside mask and reserved), with a fixed
 * seed, the first two with those bits all 0 and all 1; the OE/Rc/LK/AA bits of the row's flags
 * cycle through all their combinations.  Fields are then kept to valid forms, because binutils
 * rejects invalid forms (prints .long) where the ISA leaves them undefined or invalid: BO takes
 * only the ISA's valid values (z bits 0, no reserved "at" = 01; bcctr/bctar never decrement CTR);
 * update forms have RA != 0 and, for loads, RA != RT; lmw/lswi/lswx do not load RA (or RB);
 * mfocrf/mtocrf name exactly one CR field; mftb reads TBR 268 or 269; lfdp/stfdp name an even FPR
 * pair.
 *
 * Verdicts per word: agree (same mnemonic and operand values), agree through an alias of
 * objdump_aliases.c, unknown to objdump (".long"), or disagree.  Rows whose only operand is
 * "word" cover a whole opcode space (the FP/VMX/VSX rows that only raise facility-unavailable):
 * they name no instruction, so they are listed apart.  objdump prints absolute branch targets
 * modulo 2^32 (0xffb10dd0 for EXTS(LI||0b00) = 0xffffffffffb10dd0), so branch targets are
 * compared modulo 2^32: that still covers every bit of the LI and BD fields.  Exit status 1 on
 * any disagreement, 2 when the tools cannot run. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cpu/insn_table.h"
#include "isa_text.h"

extern char **environ;

enum verdict { V_AGREE, V_ALIAS, V_UNKNOWN, V_DISAGREE, V_SPACE, V__COUNT };

typedef struct corpus_word {
    uint32_t word;
    uint16_t row;
    uint8_t verdict;
    char ours[96];
    char theirs[96];
} corpus_word;

typedef struct options {
    const char *as, *objdump, *workdir;
    uint64_t seed;
    unsigned per_row;
} options;

/* --- corpus ---------------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng_next(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* MSB-0 field access. */
static unsigned get_field(uint32_t w, unsigned first, unsigned last)
{
    return (w >> (31 - last)) & ((1u << (last - first + 1)) - 1);
}

static uint32_t set_field(uint32_t w, unsigned first, unsigned last, unsigned v)
{
    uint32_t mask = ((1u << (last - first + 1)) - 1) << (31 - last);
    return (w & ~mask) | ((v << (31 - last)) & mask);
}

static bool has_operand(const insn_row *row, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = row->operands; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !memcmp(p, token, n)) return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* A random valid BO: the ISA's encodings with z bits 0 and no reserved at=01. */
static unsigned random_valid_bo(bool ctr_allowed)
{
    static const uint8_t all[] = {0, 2, 4, 6, 7, 8, 10, 12, 14, 15, 16, 18, 20, 24, 25, 26, 27};
    static const uint8_t no_ctr[] = {4, 6, 7, 12, 14, 15, 20};
    return ctr_allowed ? all[rng_next() % sizeof(all)] : no_ctr[rng_next() % sizeof(no_ctr)];
}

/* Keeps a randomised word a valid form of its row (see the header comment). */
static uint32_t make_valid_form(uint32_t w, const insn_row *row)
{
    uint32_t fixed = ~row->mask; /* only fields the row leaves free may change */
    uint32_t v = w;
    if (has_operand(row, "bo")) {
        bool ctr_allowed = strcmp(row->mnemonic, "bcctr") && strcmp(row->mnemonic, "bctar");
        v = set_field(v, 6, 10, random_valid_bo(ctr_allowed));
    }
    if (row->flags & F_UPDATE) {
        while (get_field(v, 11, 15) == 0 ||
               ((row->flags & F_LOAD) && get_field(v, 11, 15) == get_field(v, 6, 10)))
            v = set_field(v, 11, 15, rng_next() & 31);
    }
    if (!strcmp(row->mnemonic, "lmw")) { /* RA (even RA=0) outside RT..31 */
        while (get_field(v, 6, 10) == 0)
            v = set_field(v, 6, 10, rng_next() & 31);
        v = set_field(v, 11, 15, rng_next() % get_field(v, 6, 10));
    }
    if (!strcmp(row->mnemonic, "lswi")) { /* RA outside the ceil(NB/4) registers from RT */
        unsigned nb = get_field(v, 16, 20), regs = ((nb ? nb : 32) + 3) / 4;
        while ((get_field(v, 11, 15) - get_field(v, 6, 10)) % 32 < regs)
            v = set_field(v, 11, 15, rng_next() & 31);
    }
    if (!strcmp(row->mnemonic, "lswx")) {
        while (get_field(v, 11, 15) == get_field(v, 6, 10) ||
               get_field(v, 16, 20) == get_field(v, 6, 10))
            v = set_field(v, 6, 10, rng_next() & 31);
    }
    if (has_operand(row, "fxm") && (row->match & 0x00100000)) /* mfocrf/mtocrf: one field */
        v = set_field(v, 12, 19, 1u << (rng_next() % 8));
    if (has_operand(row, "tbr")) { /* TBR 268 or 269, halves swapped */
        unsigned tbr = 268 + (rng_next() & 1);
        v = set_field(set_field(v, 11, 15, tbr & 31), 16, 20, tbr >> 5);
    }
    if (!strncmp(row->mnemonic, "lfdp", 4) || !strncmp(row->mnemonic, "stfdp", 5))
        v = set_field(v, 6, 10, get_field(v, 6, 10) & ~1u);
    return (w & ~fixed) | (v & fixed);
}

static uint32_t variant_bits(const insn_row *row, unsigned k)
{
    uint32_t bits = 0;
    unsigned next = 0;
    if (row->flags & F_OE) bits |= ((k >> next++) & 1) ? 0x400 : 0;
    if (row->flags & (F_RC | F_LK)) bits |= ((k >> next++) & 1) ? 1 : 0;
    if (row->flags & F_AA) bits |= ((k >> next++) & 1) ? 2 : 0;
    return bits;
}

static unsigned variant_count(const insn_row *row)
{
    unsigned n = 1;
    if (row->flags & F_OE) n *= 2;
    if (row->flags & (F_RC | F_LK)) n *= 2;
    if (row->flags & F_AA) n *= 2;
    return n;
}

static corpus_word *build_corpus(const options *opt, size_t *count)
{
    size_t cap = 0;
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        unsigned v = variant_count(&insn_table[id]);
        cap += opt->per_row > v ? opt->per_row : v;
    }
    corpus_word *words = calloc(cap, sizeof(*words));
    if (!words) return NULL;
    rng_state = opt->seed ? opt->seed : 1;
    size_t n = 0;
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        const insn_row *row = &insn_table[id];
        unsigned variants = variant_count(row);
        unsigned per_row = opt->per_row > variants ? opt->per_row : variants;
        uint32_t free_bits = ~row->mask & ~row->reserved;
        uint32_t variant_mask = variant_bits(row, ~0u);
        for (unsigned k = 0; k < per_row; k++) {
            /* the first two words take every free field at 0 and at all ones */
            uint32_t fields = k == 0 ? 0 : k == 1 ? ~0u : rng_next();
            uint32_t w = row->match | (fields & free_bits & ~variant_mask);
            w = make_valid_form(w, row) | variant_bits(row, k % variants);
            words[n++] = (corpus_word){.word = w, .row = (uint16_t)id};
        }
    }
    *count = n;
    return words;
}

/* --- running the binutils -------------------------------------------------------------------- */

static int run(char *const argv[], const char *stdout_path)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdout_path)
        posix_spawn_file_actions_addopen(&actions, 1, stdout_path, O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err) {
        fprintf(stderr, "isa_objdump_check: cannot run %s: %s\n", argv[0], strerror(err));
        return -1;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "isa_objdump_check: %s failed\n", argv[0]);
        return -1;
    }
    return 0;
}

static bool write_source(const char *path, const corpus_word *words, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fprintf(f, "# generated by isa_objdump_check: one word per table row variant\n\t.text\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\t.long 0x%08" PRIx32 "\t# %s\n", words[i].word,
                insn_table[words[i].row].mnemonic);
    return fclose(f) == 0;
}

/* Reads "   addr:\tbb bb bb bb \ttext" lines into words[addr / 4].theirs. */
static size_t read_objdump(const char *path, corpus_word *words, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    size_t seen = 0;
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!colon || !tab1 || tab1 != colon + 1) continue;
        char *end;
        unsigned long addr = strtoul(line, &end, 16);
        if (end != colon || addr % 4 || addr / 4 >= n) continue;
        char *text = tab2 ? tab2 + 1 : (char *)"";
        text[strcspn(text, "\n")] = '\0';
        snprintf(words[addr / 4].theirs, sizeof(words[0].theirs), "%s", text);
        seen++;
    }
    fclose(f);
    return seen;
}

/* --- comparison ------------------------------------------------------------------------------ */

/* Branch targets modulo 2^32, as objdump prints absolute ones (see the header comment). */
static void truncate_target(insn_text *t, bool has_target)
{
    if (has_target && t->count) t->ops[t->count - 1].value &= 0xffffffff;
}

static enum verdict compare(corpus_word *cw)
{
    const insn_row *row = &insn_table[cw->row];
    insn_text ours, theirs, readings[4];
    if (row->operands && !strcmp(row->operands, "word")) return V_SPACE;
    if (!strncmp(cw->theirs, ".long", 5)) return V_UNKNOWN;
    if (!isa_text_parse(cw->ours, &ours) || !isa_text_parse(cw->theirs, &theirs)) return V_DISAGREE;
    bool has_target = has_operand(row, "li") || has_operand(row, "bd");
    truncate_target(&ours, has_target);
    truncate_target(&theirs, has_target);
    if (isa_text_equal(&ours, &theirs)) return V_AGREE;
    unsigned n = isa_objdump_unalias(&theirs, readings, 4);
    for (unsigned i = 0; i < n; i++) {
        truncate_target(&readings[i], has_target);
        if (isa_text_equal(&ours, &readings[i])) return V_ALIAS;
    }
    return V_DISAGREE;
}

typedef struct row_summary {
    unsigned words, agree, alias, unknown, disagree, space;
    int first_disagree, first_unknown;
} row_summary;

static void print_example(const corpus_word *cw)
{
    printf("      %08" PRIx32 "  ours: %-32s objdump: %s\n", cw->word, cw->ours, cw->theirs);
}

static int report(const options *opt, corpus_word *words, size_t n)
{
    row_summary *rows = calloc(INSN__COUNT, sizeof(*rows));
    if (!rows) return 2;
    for (unsigned id = 0; id < INSN__COUNT; id++)
        rows[id].first_disagree = rows[id].first_unknown = -1;
    unsigned totals[V__COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        row_summary *r = &rows[words[i].row];
        r->words++;
        totals[words[i].verdict]++;
        switch ((enum verdict)words[i].verdict) {
        case V_AGREE: r->agree++; break;
        case V_ALIAS: r->alias++; break;
        case V_UNKNOWN:
            if (r->first_unknown < 0) r->first_unknown = (int)i;
            r->unknown++;
            break;
        case V_DISAGREE:
            if (r->first_disagree < 0) r->first_disagree = (int)i;
            r->disagree++;
            break;
        case V_SPACE: r->space++; break;
        case V__COUNT: break;
        }
    }
    unsigned rows_total = INSN__COUNT - 1, rows_agree = 0, rows_unknown = 0, rows_partial = 0,
             rows_disagree = 0, rows_space = 0;
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        const row_summary *r = &rows[id];
        if (r->space)
            rows_space++;
        else if (r->disagree)
            rows_disagree++;
        else if (r->unknown == r->words)
            rows_unknown++;
        else if (r->unknown)
            rows_partial++;
        else
            rows_agree++;
    }

    printf("isa_objdump_check: %u table rows, %zu words (seed 0x%" PRIx64 ", at least %u per "
           "row), objdump -M power8\n",
           rows_total, n, opt->seed, opt->per_row);
    size_t compared = n - totals[V_SPACE];
    printf("agreement: %u/%zu words (%u identical, %u through aliases, %u unknown to objdump, %u "
           "differ); %u/%u rows agree on every word\n",
           totals[V_AGREE] + totals[V_ALIAS], compared, totals[V_AGREE], totals[V_ALIAS],
           totals[V_UNKNOWN], totals[V_DISAGREE], rows_agree, rows_total - rows_space);

    /* which aliases carried the agreement */
    printf("aliases used:");
    for (size_t i = 0; i < n; i++) {
        if (words[i].verdict != V_ALIAS) continue;
        char name[32];
        sscanf(words[i].theirs, "%31s", name);
        bool repeat = false;
        for (size_t j = 0; j < i && !repeat; j++) {
            char other[32];
            repeat = words[j].verdict == V_ALIAS && sscanf(words[j].theirs, "%31s", other) == 1 &&
                     !strcmp(name, other);
        }
        if (!repeat) printf(" %s", name);
    }
    printf("\n");

    printf("opcode-space rows (operand \"word\": a whole primary opcode, no single instruction "
           "to compare): %u\n",
           rows_space);
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        if (!rows[id].space) continue;
        unsigned known = 0;
        for (size_t i = 0; i < n; i++)
            known += words[i].row == id && strncmp(words[i].theirs, ".long", 5) != 0;
        printf("  %-10s %u/%u random words are instructions objdump knows\n",
               insn_table[id].mnemonic, known, rows[id].words);
    }
    printf("rows objdump does not know (.long on every word): %u\n", rows_unknown);
    for (unsigned id = 1; id < INSN__COUNT; id++)
        if (!rows[id].space && !rows[id].disagree && rows[id].unknown == rows[id].words) {
            printf("  %-10s ", insn_table[id].mnemonic);
            print_example(&words[rows[id].first_unknown]);
        }
    printf("rows objdump rejects on some words (.long; field-dependent): %u\n", rows_partial);
    for (unsigned id = 1; id < INSN__COUNT; id++)
        if (!rows[id].space && !rows[id].disagree && rows[id].unknown &&
            rows[id].unknown < rows[id].words) {
            printf("  %-10s %u/%u words\n", insn_table[id].mnemonic, rows[id].unknown,
                   rows[id].words);
            print_example(&words[rows[id].first_unknown]);
        }
    printf("rows that DISAGREE: %u\n", rows_disagree);
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        if (!rows[id].disagree) continue;
        printf("  %-10s %u/%u words differ\n", insn_table[id].mnemonic, rows[id].disagree,
               rows[id].words);
        unsigned shown = 0;
        for (size_t i = (size_t)rows[id].first_disagree; i < n && shown < 3; i++)
            if (words[i].row == id && words[i].verdict == V_DISAGREE) {
                print_example(&words[i]);
                shown++;
            }
    }
    free(rows);
    return rows_disagree ? 1 : 0;
}

/* --- main ------------------------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr, "usage: isa_objdump_check --as AS --objdump OBJDUMP --workdir DIR "
                    "[--seed N] [--per-row N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    options opt = {"powerpc64-linux-gnu-as", "powerpc64-linux-gnu-objdump", ".", 0x5eed2070u, 64};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--as"))
            opt.as = argv[i + 1];
        else if (!strcmp(argv[i], "--objdump"))
            opt.objdump = argv[i + 1];
        else if (!strcmp(argv[i], "--workdir"))
            opt.workdir = argv[i + 1];
        else if (!strcmp(argv[i], "--seed"))
            opt.seed = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--per-row"))
            opt.per_row = (unsigned)strtoul(argv[i + 1], NULL, 0);
        else
            return usage();
    }
    if (argc % 2 == 0) return usage();
    mkdir(opt.workdir, 0755);

    char src[4096], obj[4096], dis[4096];
    snprintf(src, sizeof(src), "%s/isa_corpus.s", opt.workdir);
    snprintf(obj, sizeof(obj), "%s/isa_corpus.o", opt.workdir);
    snprintf(dis, sizeof(dis), "%s/isa_corpus.dis", opt.workdir);

    size_t n = 0;
    corpus_word *words = build_corpus(&opt, &n);
    if (!words || !write_source(src, words, n)) {
        fprintf(stderr, "isa_objdump_check: cannot write %s\n", src);
        return 2;
    }
    char *as_argv[] = {(char *)opt.as, "-a64", "-mbig", "-mpower8", "-o", obj, src, NULL};
    char *objdump_argv[] = {(char *)opt.objdump, "-d", "-M", "power8", obj, NULL};
    if (run(as_argv, NULL) || run(objdump_argv, dis)) return 2;
    if (read_objdump(dis, words, n) != n) {
        fprintf(stderr, "isa_objdump_check: %s does not list all %zu words\n", dis, n);
        return 2;
    }

    int status = 0;
    for (size_t i = 0; i < n; i++) {
        corpus_word *cw = &words[i];
        insn_disasm(cw->word, 4 * (uint64_t)i, cw->ours, sizeof(cw->ours));
        if (insn_lookup(cw->word) != cw->row || insn_has_reserved_bits(cw->word, cw->row)) {
            fprintf(stderr, "isa_objdump_check: corpus word %08" PRIx32 " is not a valid %s\n",
                    cw->word, insn_table[cw->row].mnemonic);
            status = 2;
        }
        cw->verdict = (uint8_t)compare(cw);
    }
    int verdict = report(&opt, words, n);
    free(words);
    return status ? status : verdict;
}
