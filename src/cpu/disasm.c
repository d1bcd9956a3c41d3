/* Disassembly from the instruction table: the row gives the mnemonic and an operand list; the
 * tokens below say how to print each operand.  Bit numbers are the ISA's (MSB-0).  Operands are
 * printed in the assembler's syntax so that tools/isa/isa_objdump_check can compare them with
 * GNU objdump field by field.
 *
 *   rt rs ra rb    GPR fields (bits 6-10, 6-10, 11-15, 16-20), printed rN
 *   ra0 rb0        RA / RB where 0 means the value 0 (printed 0)
 *   frt frs fra frb frc    FPR fields (6-10, 6-10, 11-15, 16-20, 21-25), printed fN
 *   vrt vrs vra vrb vrc    VR fields (same bits), printed vN
 *   xt xs xa xb xc VSR fields: 5 bits (6-10, 6-10, 11-15, 16-20, 21-25) plus the TX/SX (31),
 *                  AX (29), BX (30), CX (28) bit as bit 5, printed vsN
 *   si ui          signed / unsigned 16-bit immediate (bits 16-31)
 *   d(ra0) ds(ra0) dq(ra0)   displacement (D: 16-31, DS: 16-29, DQ: 16-27, scaled) and base
 *   li bd          branch target of I-form / B-form (absolute with AA, else pc-relative)
 *   bo bi bh       branch fields (bits 6-10, 11-15, 19-20)
 *   crfd crfs      CR field (bits 6-8, 11-13), printed crN
 *   crbd crba crbb CR bit (bits 6-10, 11-15, 16-20), printed as a number
 *   l10 l15        L bit of compares and tlbie (bit 10), of mtmsrd (bit 15)
 *   lsync          L field of sync and dcbf (bits 9-10)
 *   th             touch hint of dcbt/dcbtst (bits 6-10)
 *   ih             slbia's invalidation hint (bits 8-10)
 *   sh mb me       M-form fields (16-20, 21-25, 26-30); sh6 mb6 me6: MD/MDS/XS 6-bit fields
 *   spr tbr        SPR number (XFX, halves swapped), printed by name when the SPR table knows it
 *   fxm            mtcrf/mtocrf field mask (bits 12-19)
 *   to lev bc      trap TO (6-10), sc LEV (20-26), isel BC (bits 21-25)
 *   nb             string byte count (16-20); the field 0 means 32 and prints 32
 *   eh             the exclusive-access hint of l[bhwd]arx (bit 31)
 *   word           the raw word (.long)
 * FP, VMX and VSX fields (all unsigned decimal unless said):
 *   bf             FPSCR field of mtfsfi (bits 6-8), printed as a number
 *   u              mtfsfi's immediate (16-19); flm: mtfsf's field mask (7-14)
 *   l6 w15 r15     mtfsf's L (6), mtfsf/mtfsfi's W (15), DFP round-to-integer's R (15)
 *   uim5 uim4 uim3 uim2   UIM ending at bit 15 (11-15, 12-15, 13-15, 14-15)
 *   sim5 te        signed 5-bit SIM of vspltis[bhw], DFP quantize's TE (both bits 11-15)
 *   shb            vsldoi's byte shift (22-25); dm shw: xxpermdi's DM, xxsldwi's SHW (22-23)
 *   st six ps      vshasigma's ST (16) and SIX (17-20), bcdadd./bcdsub.'s PS (22)
 *   dcm dsh rmc    DFP data class mask, shift (16-21), rounding-mode control (21-22)
 *   s11 sp         denbcd's S (11), ddedpd's SP (11-12)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu/insn_table.h"
#include "cpu/spr.h"

typedef enum operand_kind {
    OPK_GPR,      /* rN */
    OPK_GPR0,     /* rN, or 0 when the field is 0 */
    OPK_FPR,      /* fN */
    OPK_VR,       /* vN */
    OPK_VSR,      /* vsN: 5-bit field plus the extra bit as bit 5 */
    OPK_CRF,      /* crN */
    OPK_UNSIGNED, /* decimal */
    OPK_HEX,      /* 0x... */
    OPK_SIGNED,   /* sign-extended decimal */
    OPK_DISP,     /* displacement(base): field is the displacement, base is RA (0 = 0) */
    OPK_TARGET,   /* branch target: field is the sign-extended byte offset, bit 30 is AA */
    OPK_SPR,      /* SPR/TBR number with the 5-bit halves swapped, by name if known */
    OPK_SIX,      /* 6-bit field: 5 bits plus the extra bit as bit 5 */
    OPK_COUNT32,  /* decimal, 0 meaning 32 */
    OPK_WORD,     /* the raw word */
} operand_kind;

typedef struct operand_token {
    const char *name;
    uint8_t kind;  /* operand_kind */
    uint8_t first; /* MSB-0 bit range of the main field */
    uint8_t last;
    int8_t extra; /* OPK_VSR/OPK_SIX: MSB-0 bit that becomes bit 5; -1 if none */
} operand_token;

static const operand_token operand_tokens[] = {
    {"rt", OPK_GPR, 6, 10, -1},         {"rs", OPK_GPR, 6, 10, -1},
    {"ra", OPK_GPR, 11, 15, -1},        {"rb", OPK_GPR, 16, 20, -1},
    {"ra0", OPK_GPR0, 11, 15, -1},      {"rb0", OPK_GPR0, 16, 20, -1},
    {"frt", OPK_FPR, 6, 10, -1},        {"frs", OPK_FPR, 6, 10, -1},
    {"fra", OPK_FPR, 11, 15, -1},       {"frb", OPK_FPR, 16, 20, -1},
    {"frc", OPK_FPR, 21, 25, -1},       {"vrt", OPK_VR, 6, 10, -1},
    {"vrs", OPK_VR, 6, 10, -1},         {"vra", OPK_VR, 11, 15, -1},
    {"vrb", OPK_VR, 16, 20, -1},        {"vrc", OPK_VR, 21, 25, -1},
    {"xt", OPK_VSR, 6, 10, 31},         {"xs", OPK_VSR, 6, 10, 31},
    {"xa", OPK_VSR, 11, 15, 29},        {"xb", OPK_VSR, 16, 20, 30},
    {"xc", OPK_VSR, 21, 25, 28},        {"si", OPK_SIGNED, 16, 31, -1},
    {"ui", OPK_HEX, 16, 31, -1},        {"d(ra0)", OPK_DISP, 16, 31, -1},
    {"ds(ra0)", OPK_DISP, 16, 29, -1},  {"dq(ra0)", OPK_DISP, 16, 27, -1},
    {"li", OPK_TARGET, 6, 29, -1},      {"bd", OPK_TARGET, 16, 29, -1},
    {"bo", OPK_UNSIGNED, 6, 10, -1},    {"bi", OPK_UNSIGNED, 11, 15, -1},
    {"bh", OPK_UNSIGNED, 19, 20, -1},   {"crfd", OPK_CRF, 6, 8, -1},
    {"crfs", OPK_CRF, 11, 13, -1},      {"crbd", OPK_UNSIGNED, 6, 10, -1},
    {"crba", OPK_UNSIGNED, 11, 15, -1}, {"crbb", OPK_UNSIGNED, 16, 20, -1},
    {"l10", OPK_UNSIGNED, 10, 10, -1},  {"l15", OPK_UNSIGNED, 15, 15, -1},
    {"lsync", OPK_UNSIGNED, 9, 10, -1}, {"th", OPK_UNSIGNED, 6, 10, -1},
    {"ih", OPK_UNSIGNED, 8, 10, -1},    {"sh", OPK_UNSIGNED, 16, 20, -1},
    {"mb", OPK_UNSIGNED, 21, 25, -1},   {"me", OPK_UNSIGNED, 26, 30, -1},
    {"sh6", OPK_SIX, 16, 20, 30},       {"mb6", OPK_SIX, 21, 25, 26},
    {"me6", OPK_SIX, 21, 25, 26},       {"spr", OPK_SPR, 11, 20, -1},
    {"tbr", OPK_SPR, 11, 20, -1},       {"fxm", OPK_HEX, 12, 19, -1},
    {"to", OPK_UNSIGNED, 6, 10, -1},    {"nb", OPK_COUNT32, 16, 20, -1},
    {"lev", OPK_UNSIGNED, 20, 26, -1},  {"bc", OPK_UNSIGNED, 21, 25, -1},
    {"eh", OPK_UNSIGNED, 31, 31, -1},   {"word", OPK_WORD, 0, 31, -1},
    {"bf", OPK_UNSIGNED, 6, 8, -1},     {"u", OPK_UNSIGNED, 16, 19, -1},
    {"flm", OPK_UNSIGNED, 7, 14, -1},   {"l6", OPK_UNSIGNED, 6, 6, -1},
    {"w15", OPK_UNSIGNED, 15, 15, -1},  {"r15", OPK_UNSIGNED, 15, 15, -1},
    {"uim5", OPK_UNSIGNED, 11, 15, -1}, {"uim4", OPK_UNSIGNED, 12, 15, -1},
    {"uim3", OPK_UNSIGNED, 13, 15, -1}, {"uim2", OPK_UNSIGNED, 14, 15, -1},
    {"sim5", OPK_SIGNED, 11, 15, -1},   {"te", OPK_SIGNED, 11, 15, -1},
    {"shb", OPK_UNSIGNED, 22, 25, -1},  {"dm", OPK_UNSIGNED, 22, 23, -1},
    {"shw", OPK_UNSIGNED, 22, 23, -1},  {"st", OPK_UNSIGNED, 16, 16, -1},
    {"six", OPK_UNSIGNED, 17, 20, -1},  {"ps", OPK_UNSIGNED, 22, 22, -1},
    {"dcm", OPK_UNSIGNED, 16, 21, -1},  {"dsh", OPK_UNSIGNED, 16, 21, -1},
    {"rmc", OPK_UNSIGNED, 21, 22, -1},  {"s11", OPK_UNSIGNED, 11, 11, -1},
    {"sp", OPK_UNSIGNED, 11, 12, -1},
};

static unsigned field(uint32_t w, unsigned first, unsigned last)
{
    unsigned bits = last - first + 1;
    uint32_t mask = bits >= 32 ? 0xffffffffu : (1u << bits) - 1;
    return (w >> (31 - last)) & mask;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t sign = 1ull << (bits - 1);
    return (int64_t)((v ^ sign) - sign);
}

static const operand_token *find_token(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(operand_tokens) / sizeof(operand_tokens[0]); i++)
        if (strlen(operand_tokens[i].name) == len && !memcmp(operand_tokens[i].name, name, len))
            return &operand_tokens[i];
    return NULL;
}

/* A field that ends at bit `last` but whose value is scaled by 4 or 16 (DS, DQ, LI, BD): the
 * byte offset is the field shifted back into place, sign-extended from bit `first`. */
static int64_t scaled_offset(uint32_t w, const operand_token *t)
{
    unsigned width = 32 - t->first;
    uint32_t mask = ((width >= 32 ? 0 : (1u << width)) - 1) & ~((1u << (31 - t->last)) - 1);
    return sext(w & mask, width);
}

static int print_operand(char *out, size_t size, const operand_token *t, uint32_t w, uint64_t pc)
{
    unsigned v = field(w, t->first, t->last);
    if (t->extra >= 0) v |= field(w, (unsigned)t->extra, (unsigned)t->extra) << 5;
    switch ((operand_kind)t->kind) {
    case OPK_GPR: return snprintf(out, size, "r%u", v);
    case OPK_GPR0: return v ? snprintf(out, size, "r%u", v) : snprintf(out, size, "0");
    case OPK_FPR: return snprintf(out, size, "f%u", v);
    case OPK_VR: return snprintf(out, size, "v%u", v);
    case OPK_VSR: return snprintf(out, size, "vs%u", v);
    case OPK_CRF: return snprintf(out, size, "cr%u", v);
    case OPK_UNSIGNED:
    case OPK_SIX: return snprintf(out, size, "%u", v);
    case OPK_COUNT32: return snprintf(out, size, "%u", v ? v : 32);
    case OPK_HEX: return snprintf(out, size, "0x%x", v);
    case OPK_SIGNED: return snprintf(out, size, "%lld", (long long)sext(v, t->last - t->first + 1));
    case OPK_DISP: {
        long long d = (long long)scaled_offset(w, t);
        unsigned ra = field(w, 11, 15);
        return ra ? snprintf(out, size, "%lld(r%u)", d, ra) : snprintf(out, size, "%lld(0)", d);
    }
    case OPK_TARGET: {
        uint64_t off = (uint64_t)scaled_offset(w, t);
        return snprintf(out, size, "0x%llx", (unsigned long long)((w & 2) ? off : pc + off));
    }
    case OPK_SPR: {
        unsigned n = field(w, 11, 15) | (field(w, 16, 20) << 5);
        const spr_info *info = spr_lookup(n);
        return info ? snprintf(out, size, "%s", info->name) : snprintf(out, size, "%u", n);
    }
    case OPK_WORD: return snprintf(out, size, "0x%08x", w);
    }
    return 0;
}

/* Appends to buf at *used, never past size-1, keeping buf NUL-terminated. */
static void append(char *buf, size_t size, size_t *used, int written)
{
    if (written > 0) *used += (size_t)written;
    if (*used >= size) *used = size - 1;
}

unsigned insn_disasm(uint32_t word, uint64_t pc, char *buf, unsigned size)
{
    unsigned id = insn_lookup(word);
    const insn_row *row = &insn_table[id];
    if (!size) return id;

    char mnem[32];
    snprintf(mnem, sizeof(mnem), "%s%s%s%s%s", row->mnemonic,
             (row->flags & F_OE) && (word & 0x400) ? "o" : "",
             (row->flags & F_LK) && (word & 1) ? "l" : "",
             (row->flags & F_AA) && (word & 2) ? "a" : "",
             (row->flags & F_RC) && (word & 1) ? "." : "");
    size_t used = 0;
    const char *p = row->operands;
    append(buf, size, &used, snprintf(buf, size, p && *p ? "%-7s " : "%s", mnem));
    for (bool first = true; p && *p; first = false) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (!first) append(buf, size, &used, snprintf(buf + used, size - used, ","));
        const operand_token *t = find_token(p, len);
        int n = t ? print_operand(buf + used, size - used, t, word, pc)
                  : snprintf(buf + used, size - used, "?%.*s", (int)len, p);
        append(buf, size, &used, n);
        p = end ? end + 1 : NULL;
    }
    return id;
}
