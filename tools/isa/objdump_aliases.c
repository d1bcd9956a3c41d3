/* The explicit map from the spellings GNU objdump (binutils 2.40, -M power8) prefers to the
 * table's base spelling.  The objdump check uses it so that "mr r3,r4" counts as agreeing with
 * "or r3,r4,r4" while every operand field is still compared: an alias rewrites objdump's operands
 * into the base instruction's full operand list and the comparison stays exact.
 *
 * Three kinds of entry:
 *   - alias_map: "alias" with N operands is "base" with the listed operand expressions.  An
 *     expression is a sum of terms joined by + or -; a term is $i (objdump's i-th operand value)
 *     or a literal operand ("cr0", "r0", "272").  A lone $i keeps its operand's register class;
 *     "x:" before an expression makes it a VSR (mfvrd RA,VRS is mfvsrd RA,VSR 32+VRS).
 *     Entries whose alias equals the base restore the operands objdump leaves out when they are
 *     zero (sc, mtmsrd L, dcbt TH...).  Several entries for one alias and count are alternatives:
 *     objdump prints mfspr 268 and mftb 268 both as "mftb".
 *   - SPR moves: mf<name> RT and mt<name> RS for the SPR names objdump knows (spr_aliases).
 *   - extended conditional branches (b<cond>[lr|ctr|tar][l][a][+|-]) and traps (tw<cond>[i],
 *     td<cond>[i]): decoded by rule from the ISA's BO/TO encodings below.
 * An objdump mnemonic ending in "." is looked up without it and the "." is put back on the base.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa_text.h"

typedef struct alias_entry {
    const char *alias;
    unsigned nargs;
    const char *base;
    const char *operands; /* expressions, comma-separated */
} alias_entry;

static const alias_entry alias_map[] = {
    /* fixed-point arithmetic and logical */
    {"li", 2, "addi", "$0,0,$1"},
    {"lis", 2, "addis", "$0,0,$1"},
    {"la", 3, "addi", "$0,$2,$1"},
    {"subi", 3, "addi", "$0,$1,0-$2"},
    {"subis", 3, "addis", "$0,$1,0-$2"},
    {"subic", 3, "addic", "$0,$1,0-$2"},
    {"sub", 3, "subf", "$0,$2,$1"},
    {"subc", 3, "subfc", "$0,$2,$1"},
    {"nop", 0, "ori", "r0,r0,0"},
    {"xnop", 0, "xori", "r0,r0,0"},
    {"mr", 2, "or", "$0,$1,$1"},
    {"not", 2, "nor", "$0,$1,$1"},
    /* compares: crN is optional (cr0), L is the "d"/"w" */
    {"cmpw", 2, "cmp", "cr0,0,$0,$1"},
    {"cmpw", 3, "cmp", "$0,0,$1,$2"},
    {"cmpd", 2, "cmp", "cr0,1,$0,$1"},
    {"cmpd", 3, "cmp", "$0,1,$1,$2"},
    {"cmplw", 2, "cmpl", "cr0,0,$0,$1"},
    {"cmplw", 3, "cmpl", "$0,0,$1,$2"},
    {"cmpld", 2, "cmpl", "cr0,1,$0,$1"},
    {"cmpld", 3, "cmpl", "$0,1,$1,$2"},
    {"cmpwi", 2, "cmpi", "cr0,0,$0,$1"},
    {"cmpwi", 3, "cmpi", "$0,0,$1,$2"},
    {"cmpdi", 2, "cmpi", "cr0,1,$0,$1"},
    {"cmpdi", 3, "cmpi", "$0,1,$1,$2"},
    {"cmplwi", 2, "cmpli", "cr0,0,$0,$1"},
    {"cmplwi", 3, "cmpli", "$0,0,$1,$2"},
    {"cmpldi", 2, "cmpli", "cr0,1,$0,$1"},
    {"cmpldi", 3, "cmpli", "$0,1,$1,$2"},
    /* rotates and shifts */
    {"rotlwi", 3, "rlwinm", "$0,$1,$2,0,31"},
    {"rotlw", 3, "rlwnm", "$0,$1,$2,0,31"},
    {"slwi", 3, "rlwinm", "$0,$1,$2,0,31-$2"},
    {"srwi", 3, "rlwinm", "$0,$1,32-$2,$2,31"},
    {"clrlwi", 3, "rlwinm", "$0,$1,0,$2,31"},
    {"clrrwi", 3, "rlwinm", "$0,$1,0,0,31-$2"},
    {"extlwi", 4, "rlwinm", "$0,$1,$3,0,$2-1"},
    {"extrwi", 4, "rlwinm", "$0,$1,$3+$2,32-$2,31"},
    {"clrlslwi", 4, "rlwinm", "$0,$1,$3,$2-$3,31-$3"},
    {"inslwi", 4, "rlwimi", "$0,$1,32-$3,$3,$3+$2-1"},
    {"insrwi", 4, "rlwimi", "$0,$1,32-$3-$2,$3,$3+$2-1"},
    {"rotldi", 3, "rldicl", "$0,$1,$2,0"},
    {"rotld", 3, "rldcl", "$0,$1,$2,0"},
    {"srdi", 3, "rldicl", "$0,$1,64-$2,$2"},
    {"clrldi", 3, "rldicl", "$0,$1,0,$2"},
    {"extrdi", 4, "rldicl", "$0,$1,$3+$2,64-$2"},
    {"sldi", 3, "rldicr", "$0,$1,$2,63-$2"},
    {"clrrdi", 3, "rldicr", "$0,$1,0,63-$2"},
    {"extldi", 4, "rldicr", "$0,$1,$3,$2-1"},
    {"clrlsldi", 4, "rldic", "$0,$1,$3,$2-$3"},
    {"insrdi", 4, "rldimi", "$0,$1,64-$3-$2,$3"},
    /* isel on a cr0 bit */
    {"isellt", 3, "isel", "$0,$1,$2,0"},
    {"iselgt", 3, "isel", "$0,$1,$2,1"},
    {"iseleq", 3, "isel", "$0,$1,$2,2"},
    /* CR logical */
    {"crset", 1, "creqv", "$0,$0,$0"},
    {"crclr", 1, "crxor", "$0,$0,$0"},
    {"crmove", 2, "cror", "$0,$1,$1"},
    {"crnot", 2, "crnor", "$0,$1,$1"},
    {"mtcr", 1, "mtcrf", "0xff,$0"},
    /* storage control: sync's L, dcbt/dcbtst's TH, dcbf's L */
    {"hwsync", 0, "sync", "0"},
    {"msync", 0, "sync", "0"},
    {"sync", 0, "sync", "0"},
    {"lwsync", 0, "sync", "1"},
    {"ptesync", 0, "sync", "2"},
    {"dcbtct", 2, "dcbt", "$0,$1,0"},
    {"dcbtct", 3, "dcbt", "$0,$1,$2"},
    {"dcbtds", 2, "dcbt", "$0,$1,8"},
    {"dcbtds", 3, "dcbt", "$0,$1,$2"},
    {"dcbtt", 2, "dcbt", "$0,$1,16"},
    {"dcbt", 2, "dcbt", "$0,$1,0"},
    {"dcbtstct", 2, "dcbtst", "$0,$1,0"},
    {"dcbtstct", 3, "dcbtst", "$0,$1,$2"},
    {"dcbtstds", 2, "dcbtst", "$0,$1,8"},
    {"dcbtstds", 3, "dcbtst", "$0,$1,$2"},
    {"dcbtstt", 2, "dcbtst", "$0,$1,16"},
    {"dcbtst", 2, "dcbtst", "$0,$1,0"},
    {"dcbf", 2, "dcbf", "$0,$1,0"},
    {"dcbfl", 2, "dcbf", "$0,$1,1"},
    {"dcbflp", 2, "dcbf", "$0,$1,3"},
    {"dcbz", 2, "dcbz", "$0,$1,0"},
    {"dcbzl", 2, "dcbz", "$0,$1,1"},
    /* load and reserve: objdump leaves out EH when it is 0 */
    {"lbarx", 3, "lbarx", "$0,$1,$2,0"},
    {"lharx", 3, "lharx", "$0,$1,$2,0"},
    {"lwarx", 3, "lwarx", "$0,$1,$2,0"},
    {"ldarx", 3, "ldarx", "$0,$1,$2,0"},
    /* moves between GPRs and VSRs named by their FPR (VSR 0-31) or VR (VSR 32-63) half */
    /* FP, VMX, VSX: register-equality spellings, xxpermdi's DM spellings, and mtfsf/mtfsfi
     * with their zero L/W operands left out */
    {"mtfsf", 2, "mtfsf", "$0,$1,0,0"},
    {"mtfsf", 3, "mtfsf", "$0,$1,$2,0"},
    {"mtfsfi", 2, "mtfsfi", "$0,$1,0"},
    {"vmr", 2, "vor", "$0,$1,$1"},
    {"vnot", 2, "vnor", "$0,$1,$1"},
    {"xxmr", 2, "xxlor", "$0,$1,$1"},
    {"xxlnot", 2, "xxlnor", "$0,$1,$1"},
    {"xvmovsp", 2, "xvcpsgnsp", "$0,$1,$1"},
    {"xvmovdp", 2, "xvcpsgndp", "$0,$1,$1"},
    {"xxspltd", 3, "xxpermdi", "$0,$1,$1,$2+$2+$2"},
    {"xxmrghd", 3, "xxpermdi", "$0,$1,$2,0"},
    {"xxmrgld", 3, "xxpermdi", "$0,$1,$2,3"},
    {"xxswapd", 2, "xxpermdi", "$0,$1,$1,2"},
    {"mffprd", 2, "mfvsrd", "$0,x:$1"},
    {"mfvrd", 2, "mfvsrd", "$0,x:32+$1"},
    {"mffprwz", 2, "mfvsrwz", "$0,x:$1"},
    {"mfvrwz", 2, "mfvsrwz", "$0,x:32+$1"},
    {"mtfprd", 2, "mtvsrd", "x:$0,$1"},
    {"mtvrd", 2, "mtvsrd", "x:32+$0,$1"},
    {"mtfprwa", 2, "mtvsrwa", "x:$0,$1"},
    {"mtvrwa", 2, "mtvsrwa", "x:32+$0,$1"},
    {"mtfprwz", 2, "mtvsrwz", "x:$0,$1"},
    {"mtvrwz", 2, "mtvsrwz", "x:32+$0,$1"},
    /* Book III-S: operands objdump leaves out when they are 0 */
    {"sc", 0, "sc", "0"},
    {"mtmsr", 1, "mtmsr", "$0,0"},
    {"mtmsrd", 1, "mtmsrd", "$0,0"},
    {"tlbie", 1, "tlbie", "$0,0"},
    {"tlbiel", 1, "tlbiel", "$0,0"},
    {"slbia", 0, "slbia", "0"},
    {"mftb", 1, "mftb", "$0,268"},
    {"mftb", 1, "mfspr", "$0,268"},
    {"mftbu", 1, "mftb", "$0,269"},
    {"mftbu", 1, "mfspr", "$0,269"},
    /* SPR moves with an index operand */
    {"mfsprg", 2, "mfspr", "$0,272+$1"},
    {"mtsprg", 2, "mtspr", "272+$0,$1"},
    {"mfibatu", 2, "mfspr", "$0,528+$1+$1"},
    {"mfibatl", 2, "mfspr", "$0,529+$1+$1"},
    {"mfdbatu", 2, "mfspr", "$0,536+$1+$1"},
    {"mfdbatl", 2, "mfspr", "$0,537+$1+$1"},
    {"mtibatu", 2, "mtspr", "528+$0+$0,$1"},
    {"mtibatl", 2, "mtspr", "529+$0+$0,$1"},
    {"mtdbatu", 2, "mtspr", "536+$0+$0,$1"},
    {"mtdbatl", 2, "mtspr", "537+$0+$0,$1"},
};

/* mf<name> RT = mfspr RT,mf and mt<name> RS = mtspr mt,RS (0: objdump has no such alias). */
static const struct spr_alias {
    const char *name;
    unsigned mf, mt;
} spr_aliases[] = {
    {"xer", 1, 1},        {"rtcu", 4, 20},     {"rtcl", 5, 21},    {"lr", 8, 8},
    {"ctr", 9, 9},        {"dscr", 17, 17},    {"dsisr", 18, 18},  {"dar", 19, 19},
    {"dec", 22, 22},      {"sdr1", 25, 25},    {"srr0", 26, 26},   {"srr1", 27, 27},
    {"cfar", 28, 28},     {"amr", 29, 29},     {"ctrl", 136, 152}, {"uamor", 157, 157},
    {"vrsave", 256, 256}, {"asr", 280, 280},   {"ear", 282, 282},  {"tbl", 0, 284},
    {"tbu", 0, 285},      {"pvr", 287, 0},     {"hmer", 336, 336}, {"hmeer", 337, 337},
    {"amor", 349, 349},   {"mmcra", 770, 786}, {"pmc1", 771, 787}, {"pmc2", 772, 788},
    {"pmc3", 773, 789},   {"pmc4", 774, 790},  {"pmc5", 775, 791}, {"pmc6", 776, 792},
    {"mmcr0", 779, 795},  {"mmcr1", 782, 798}, {"ic", 848, 848},   {"vtb", 849, 849},
    {"ppr", 896, 896},    {"ppr32", 898, 898},
};

/* --- expressions ----------------------------------------------------------------------------- */

static bool eval_term(const char *term, size_t len, const insn_text *in, operand_value *out)
{
    char buf[24];
    if (len == 0 || len >= sizeof(buf)) return false;
    memcpy(buf, term, len);
    buf[len] = '\0';
    if (buf[0] == '$') {
        unsigned i = (unsigned)atoi(buf + 1);
        if (i >= in->count) return false;
        *out = in->ops[i];
        return true;
    }
    *out = isa_operand_parse(buf);
    return out->cls != OPC_UNKNOWN;
}

static bool eval_expression(const char *expr, size_t len, const insn_text *in, operand_value *out)
{
    char cast = 0;
    if (len > 2 && expr[1] == ':') {
        cast = expr[0];
        expr += 2;
        len -= 2;
    }
    int64_t sum = 0;
    unsigned terms = 0;
    int sign = 1;
    size_t i = 0;
    while (i < len) {
        size_t n = strcspn(expr + i, "+-,");
        if (n > len - i) n = len - i;
        operand_value v;
        if (!eval_term(expr + i, n, in, &v)) return false;
        sum += sign * v.value;
        if (terms++ == 0) *out = v;
        i += n;
        if (i < len) sign = expr[i++] == '-' ? -1 : 1;
    }
    if (terms > 1) *out = (operand_value){OPC_NUMBER, sum};
    if (cast) out->cls = cast;
    return terms > 0;
}

static bool apply_entry(const alias_entry *e, const insn_text *in, const char *suffix,
                        insn_text *out)
{
    *out = (insn_text){0};
    snprintf(out->mnemonic, sizeof(out->mnemonic), "%s%s", e->base, suffix);
    for (const char *p = e->operands; *p;) {
        size_t len = strcspn(p, ",");
        if (out->count >= ISA_MAX_OPERANDS || !eval_expression(p, len, in, &out->ops[out->count++]))
            return false;
        p += len + (p[len] == ',');
    }
    return true;
}

/* --- extended branches ----------------------------------------------------------------------- */

/* Condition name -> (CR bit within the field, branch if true). */
static const struct branch_condition {
    const char *name;
    int bit;
    bool if_true;
} branch_conditions[] = {
    {"lt", 0, true},  {"gt", 1, true},  {"eq", 2, true},  {"so", 3, true},
    {"un", 3, true},  {"ge", 0, false}, {"nl", 0, false}, {"le", 1, false},
    {"ng", 1, false}, {"ne", 2, false}, {"ns", 3, false}, {"nu", 3, false},
};

/* CTR forms: BO and whether they test a CR bit named by an operand. */
static const struct branch_ctr_form {
    const char *name;
    unsigned bo;
    bool has_bi;
} branch_ctr_forms[] = {
    {"dnzt", 8, true},  {"dnzf", 0, true}, {"dzt", 10, true}, {"dzf", 2, true},
    {"dnz", 16, false}, {"dz", 18, false}, {"t", 12, true},   {"f", 4, true},
};

static bool starts_with(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n)) return false;
    *rest = s + n;
    return true;
}

/* The part after the condition: [lr|ctr|tar][l][a] (a only without a target register). */
static bool parse_branch_tail(const char *rest, const char **base, bool *lk, bool *aa)
{
    *base = "bc";
    if (starts_with(rest, "lr", &rest))
        *base = "bclr";
    else if (starts_with(rest, "ctr", &rest))
        *base = "bcctr";
    else if (starts_with(rest, "tar", &rest))
        *base = "bctar";
    *lk = starts_with(rest, "l", &rest);
    *aa = !strcmp(*base, "bc") && starts_with(rest, "a", &rest);
    return *rest == '\0';
}

/* b<cond>[lr|ctr|tar][l][a][+|-]: builds "bc[l][a] BO,BI,target" or "bclr|bcctr|bctar[l]
 * BO,BI,BH".  The condition is tried as a CTR form, a CR condition, then "always" (blr, bctr). */
/* Whether a "+" or "-" suffix states the "at" hint bits that BO holds (1a00t / 1a01t: a and t;
 * 001at / 011at: the low two bits). */
static bool hint_matches(unsigned bo, int hint)
{
    bool ctr_only = (bo & 0x14) == 0x10, cr_only = (bo & 0x14) == 0x04;
    unsigned at = ctr_only ? ((bo >> 2) & 2) | (bo & 1) : bo & 3;
    return (ctr_only || cr_only) && at == (hint == '+' ? 3u : 2u);
}

/* bc, bclr... spelled in full: a "+" / "-" repeats BO's hint bits, and objdump leaves out
 * BH = 0.  Returns false when there is nothing to rewrite. */
static bool unalias_plain_branch(const char *name, int hint, const insn_text *in, insn_text *out)
{
    static const char *const plain[] = {"bc",    "bca",   "bcl",    "bcla",  "bclr",
                                        "bclrl", "bcctr", "bcctrl", "bctar", "bctarl"};
    size_t i = 0, n = sizeof(plain) / sizeof(plain[0]);
    while (i < n && strcmp(name, plain[i]))
        i++;
    if (i == n || in->count < 2 || in->ops[0].cls != OPC_NUMBER) return false;
    if (hint && !hint_matches((unsigned)in->ops[0].value, hint)) return false;
    bool register_target = i >= 4;
    bool bh_left_out = register_target && in->count == 2;
    if (!hint && !bh_left_out) return false;
    *out = *in;
    snprintf(out->mnemonic, sizeof(out->mnemonic), "%.*s", (int)sizeof(out->mnemonic) - 1, name);
    if (bh_left_out) out->ops[out->count++] = (operand_value){OPC_NUMBER, 0};
    return true;
}

static bool unalias_branch(const insn_text *in, insn_text *out)
{
    static const char *const i_form[] = {"b", "ba", "bl", "bla"};
    for (size_t i = 0; i < sizeof(i_form) / sizeof(i_form[0]); i++)
        if (!strcmp(in->mnemonic, i_form[i])) return false;
    if (in->mnemonic[0] != 'b') return false;

    char name[32];
    snprintf(name, sizeof(name), "%s", in->mnemonic + 1);
    size_t len = strlen(name);
    int hint = 0; /* '+' or '-' */
    if (len && (name[len - 1] == '+' || name[len - 1] == '-')) {
        hint = name[--len];
        name[len] = '\0';
    }
    char full[40];
    snprintf(full, sizeof(full), "b%s", name);
    if (unalias_plain_branch(full, hint, in, out)) return true;
    const size_t n_ctr = sizeof(branch_ctr_forms) / sizeof(branch_ctr_forms[0]);
    const size_t n_cond = sizeof(branch_conditions) / sizeof(branch_conditions[0]);
    unsigned bo = 0;
    int bit = -1; /* CR bit within the field named by an optional crN operand */
    bool has_bi = false, lk = false, aa = false, parsed = false;
    const char *base = NULL, *rest;
    for (size_t c = 0; c <= n_ctr + n_cond && !parsed; c++) {
        if (c < n_ctr) {
            if (!starts_with(name, branch_ctr_forms[c].name, &rest)) continue;
            bo = branch_ctr_forms[c].bo;
            has_bi = branch_ctr_forms[c].has_bi;
            bit = -1;
        } else if (c < n_ctr + n_cond) {
            const struct branch_condition *cond = &branch_conditions[c - n_ctr];
            if (!starts_with(name, cond->name, &rest)) continue;
            bo = cond->if_true ? 12 : 4;
            bit = cond->bit;
            has_bi = false;
        } else {
            rest = name;
            bo = 20;
            bit = -1;
            has_bi = false;
        }
        parsed = parse_branch_tail(rest, &base, &lk, &aa);
    }
    if (!parsed || (bo == 20 && !strcmp(base, "bc"))) return false; /* "b" itself is a row */
    if (hint) {
        if (bo == 12 || bo == 4)
            bo |= hint == '+' ? 3 : 2; /* at = 11 / 10 */
        else if (bo == 16 || bo == 18)
            bo |= hint == '+' ? 9 : 8; /* BO = 1a00t / 1a01t with at = 11 / 10 */
        else
            return false;
    }

    /* operands: [crN | CR bit] then the target (bc) or an optional BH */
    unsigned i = 0;
    int64_t bi = 0;
    if (bit >= 0) {
        if (i < in->count && in->ops[i].cls == OPC_CRF) bi = 4 * in->ops[i++].value;
        bi += bit;
    } else if (has_bi) {
        if (i >= in->count || in->ops[i].cls != OPC_NUMBER) return false;
        bi = in->ops[i++].value;
    }
    *out = (insn_text){0};
    snprintf(out->mnemonic, sizeof(out->mnemonic), "%s%s%s", base, lk ? "l" : "", aa ? "a" : "");
    out->ops[out->count++] = (operand_value){OPC_NUMBER, bo};
    out->ops[out->count++] = (operand_value){OPC_NUMBER, bi};
    if (!strcmp(base, "bc")) {
        if (i + 1 != in->count) return false;
        out->ops[out->count++] = in->ops[i];
    } else {
        if (i + 1 < in->count) return false;
        out->ops[out->count++] = i < in->count ? in->ops[i] : (operand_value){OPC_NUMBER, 0};
    }
    return true;
}

/* --- traps ----------------------------------------------------------------------------------- */

static const struct trap_condition {
    const char *name;
    unsigned to;
} trap_conditions[] = {
    {"lgt", 1}, {"llt", 2}, {"eq", 4},  {"lge", 5}, {"lnl", 5}, {"lle", 6}, {"lng", 6}, {"gt", 8},
    {"ge", 12}, {"nl", 12}, {"lt", 16}, {"le", 20}, {"ng", 20}, {"ne", 24}, {"u", 31},
};

/* tw<cond> RA,RB / td<cond> / tw<cond>i RA,SI / td<cond>i, and trap (tw 31,0,0). */
static bool unalias_trap(const insn_text *in, insn_text *out)
{
    if (!strcmp(in->mnemonic, "trap") && in->count == 0) {
        *out = (insn_text){.mnemonic = "tw", .count = 3};
        out->ops[0] = (operand_value){OPC_NUMBER, 31};
        out->ops[1] = (operand_value){OPC_GPR, 0};
        out->ops[2] = (operand_value){OPC_GPR, 0};
        return true;
    }
    const char *rest;
    const char *width = starts_with(in->mnemonic, "tw", &rest)   ? "tw"
                        : starts_with(in->mnemonic, "td", &rest) ? "td"
                                                                 : NULL;
    if (!width || in->count != 2) return false;
    for (size_t i = 0; i < sizeof(trap_conditions) / sizeof(trap_conditions[0]); i++) {
        const char *tail;
        if (!starts_with(rest, trap_conditions[i].name, &tail)) continue;
        if (*tail && strcmp(tail, "i")) continue;
        *out = (insn_text){0};
        snprintf(out->mnemonic, sizeof(out->mnemonic), "%s%s", width, tail);
        out->ops[out->count++] = (operand_value){OPC_NUMBER, trap_conditions[i].to};
        out->ops[out->count++] = in->ops[0];
        out->ops[out->count++] = in->ops[1];
        return true;
    }
    return false;
}

/* --- SPR moves ------------------------------------------------------------------------------- */

static bool unalias_spr(const insn_text *in, insn_text *out)
{
    const char *name;
    bool from = starts_with(in->mnemonic, "mf", &name);
    if ((!from && !starts_with(in->mnemonic, "mt", &name)) || in->count != 1) return false;
    for (size_t i = 0; i < sizeof(spr_aliases) / sizeof(spr_aliases[0]); i++) {
        unsigned spr = from ? spr_aliases[i].mf : spr_aliases[i].mt;
        if (strcmp(name, spr_aliases[i].name) || !spr) continue;
        *out = (insn_text){.mnemonic = "mtspr", .count = 2};
        operand_value number = {OPC_NUMBER, spr};
        if (from) {
            memcpy(out->mnemonic, "mfspr", 6);
            out->ops[0] = in->ops[0];
            out->ops[1] = number;
        } else {
            out->ops[0] = number;
            out->ops[1] = in->ops[0];
        }
        return true;
    }
    return false;
}

unsigned isa_objdump_unalias(const insn_text *in, insn_text *out, unsigned max)
{
    unsigned found = 0;
    char name[32];
    snprintf(name, sizeof(name), "%s", in->mnemonic);
    size_t len = strlen(name);
    const char *suffix = "";
    if (len > 1 && name[len - 1] == '.') {
        name[len - 1] = '\0';
        suffix = ".";
    }
    for (size_t i = 0; i < sizeof(alias_map) / sizeof(alias_map[0]) && found < max; i++)
        if (!strcmp(alias_map[i].alias, name) && alias_map[i].nargs == in->count &&
            apply_entry(&alias_map[i], in, suffix, &out[found]))
            found++;
    if (found || !max) return found;
    if (unalias_branch(in, out) || unalias_trap(in, out) || unalias_spr(in, out)) return 1;
    return 0;
}
