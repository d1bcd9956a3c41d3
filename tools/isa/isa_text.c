/* Disassembly text as data (see isa_text.h): operand reading shared by both sides of the
 * objdump comparison. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/spr.h"
#include "isa_text.h"

/* CR bit names as objdump prints them: "lt", "4*cr1+eq". */
static int cr_bit_name(const char *s)
{
    static const char *const names[] = {"lt", "gt", "eq", "so", "un"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) return i < 4 ? i : 3;
    return -1;
}

/* "prefixN" with a decimal N, e.g. "r31", "vs63". */
static bool register_number(const char *s, const char *prefix, int64_t *out)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) || !isdigit((unsigned char)s[n])) return false;
    char *end;
    long v = strtol(s + n, &end, 10);
    if (*end || v > 63) return false;
    *out = v;
    return true;
}

static bool number(const char *s, int64_t *out)
{
    char *end;
    if (!*s) return false;
    /* hex targets such as 0xfffffffffffffff8 do not fit strtoll */
    if (*s == '-')
        *out = (int64_t)strtoll(s, &end, 0);
    else
        *out = (int64_t)strtoull(s, &end, 0);
    return *end == '\0';
}

operand_value isa_operand_parse(const char *text)
{
    operand_value v = {OPC_UNKNOWN, 0};
    static const struct {
        const char *prefix;
        char cls;
    } registers[] = {
        {"vs", OPC_VSR}, {"cr", OPC_CRF}, {"r", OPC_GPR}, {"f", OPC_FPR}, {"v", OPC_VR}};
    for (size_t i = 0; i < sizeof(registers) / sizeof(registers[0]); i++)
        if (register_number(text, registers[i].prefix, &v.value)) {
            v.cls = registers[i].cls;
            return v;
        }
    int bit;
    long field;
    char name[8];
    if ((bit = cr_bit_name(text)) >= 0) return (operand_value){OPC_NUMBER, bit};
    if (sscanf(text, "4*cr%ld+%7s", &field, name) == 2 && (bit = cr_bit_name(name)) >= 0)
        return (operand_value){OPC_NUMBER, 4 * field + bit};
    if (number(text, &v.value)) {
        v.cls = OPC_NUMBER;
        return v;
    }
    const spr_info *spr = spr_lookup_name(text);
    if (spr) return (operand_value){OPC_NUMBER, spr->number};
    return v;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t lead = strspn(s, " \t");
    memmove(s, s + lead, n - lead + 1);
}

static bool add_operand(insn_text *out, operand_value v)
{
    if (out->count >= ISA_MAX_OPERANDS) return false;
    out->ops[out->count++] = v;
    return true;
}

bool isa_text_parse(const char *text, insn_text *out)
{
    *out = (insn_text){0};
    char buf[160];
    snprintf(buf, sizeof(buf), "%s", text);
    char *comment = strchr(buf, '<'); /* objdump's " <symbol+off>" after a target */
    if (comment) *comment = '\0';
    comment = strchr(buf, '#');
    if (comment) *comment = '\0';
    trim(buf);
    size_t mlen = strcspn(buf, " \t");
    if (mlen == 0 || mlen >= sizeof(out->mnemonic)) return false;
    memcpy(out->mnemonic, buf, mlen);
    char *ops = buf + mlen;
    trim(ops);
    bool ok = true;
    for (char *tok = strtok(ops, ","); tok && ok; tok = strtok(NULL, ",")) {
        trim(tok);
        char *paren = strchr(tok, '(');
        if (paren) { /* d(base) */
            char *close = strchr(paren, ')');
            if (!close) return false;
            *paren = '\0';
            *close = '\0';
            ok = add_operand(out, isa_operand_parse(tok)) &&
                 add_operand(out, isa_operand_parse(paren + 1));
        } else {
            ok = add_operand(out, isa_operand_parse(tok));
        }
    }
    return ok;
}

void isa_text_format(const insn_text *in, char *buf, unsigned size)
{
    int used = snprintf(buf, size, "%s", in->mnemonic);
    for (unsigned i = 0; i < in->count && used >= 0 && (unsigned)used < size; i++) {
        const operand_value *v = &in->ops[i];
        const char *sep = i ? "," : " ";
        switch (v->cls) {
        case OPC_NUMBER:
            used += snprintf(buf + used, size - (unsigned)used, "%s%lld", sep, (long long)v->value);
            break;
        case OPC_VSR:
            used +=
                snprintf(buf + used, size - (unsigned)used, "%svs%lld", sep, (long long)v->value);
            break;
        case OPC_CRF:
            used +=
                snprintf(buf + used, size - (unsigned)used, "%scr%lld", sep, (long long)v->value);
            break;
        default:
            used += snprintf(buf + used, size - (unsigned)used, "%s%c%lld", sep, v->cls,
                             (long long)v->value);
            break;
        }
    }
}

bool isa_text_equal(const insn_text *a, const insn_text *b)
{
    if (strcmp(a->mnemonic, b->mnemonic) || a->count != b->count) return false;
    for (unsigned i = 0; i < a->count; i++)
        if (a->ops[i].cls == OPC_UNKNOWN || a->ops[i].cls != b->ops[i].cls ||
            a->ops[i].value != b->ops[i].value)
            return false;
    return true;
}
