/* Disassembly from the instruction table: the row gives the mnemonic and an operand list; the
 * tokens below say how to print each operand.
 *
 *   rt rs ra rb    GPR fields (bits 6-10, 6-10, 11-15, 16-20), printed rN
 *   ra0            RA where 0 means the value 0 (printed 0)
 *   si ui          signed / unsigned 16-bit immediate (bits 16-31)
 *   d(ra0) ds(ra0) dq(ra0)   displacement and base
 *   li bd          branch target of I-form / B-form (absolute with AA, else pc-relative)
 *   bo bi bh       branch fields (bits 6-10, 11-15, 19-20)
 *   crfd crfs      CR field (bits 6-8, 11-13), printed crN
 *   crbd crba crbb CR bit (bits 6-10, 11-15, 16-20), printed as a number
 *   l10 l15 lsync  L bit of compares (bit 10), of mtmsrd (bit 15), sync's L (bits 9-10)
 *   sh mb me       M-form fields; sh6 mb6 me6: MD/MDS/XS 6-bit fields
 *   spr tbr        SPR number (XFX), printed by name when the SPR table knows it
 *   fxm            mtcrf/mtocrf field mask (bits 12-19)
 *   to nb lev bc   trap TO (6-10), string NB (16-20), sc LEV, isel BC (bits 21-25)
 *   word           the raw word (.long)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu/insn_table.h"
#include "cpu/spr.h"

static unsigned field(uint32_t w, unsigned first, unsigned last) /* MSB-0 bit numbers */
{
    return (w >> (31 - last)) & ((1u << (last - first + 1)) - 1);
}

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t sign = 1ull << (bits - 1);
    return (int64_t)((v ^ sign) - sign);
}

static int print_operand(char *out, size_t size, const char *tok, size_t len, uint32_t w,
                         uint64_t pc)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(tok, s, len) == 0)
    unsigned rt = field(w, 6, 10), ra = field(w, 11, 15), rb = field(w, 16, 20);
    if (IS("rt") || IS("rs")) return snprintf(out, size, "r%u", rt);
    if (IS("ra")) return snprintf(out, size, "r%u", ra);
    if (IS("rb")) return snprintf(out, size, "r%u", rb);
    if (IS("ra0")) return ra ? snprintf(out, size, "r%u", ra) : snprintf(out, size, "0");
    if (IS("si")) return snprintf(out, size, "%lld", (long long)sext(w & 0xffff, 16));
    if (IS("ui")) return snprintf(out, size, "0x%x", w & 0xffff);
    if (IS("d(ra0)") || IS("ds(ra0)") || IS("dq(ra0)")) {
        uint32_t m = IS("d(ra0)") ? 0xffff : IS("ds(ra0)") ? 0xfffc : 0xfff0;
        long long d = (long long)sext(w & m, 16);
        return ra ? snprintf(out, size, "%lld(r%u)", d, ra) : snprintf(out, size, "%lld(0)", d);
    }
    if (IS("li") || IS("bd")) {
        int64_t off = IS("li") ? sext(w & 0x03fffffc, 26) : sext(w & 0xfffc, 16);
        uint64_t target = (w & 2) ? (uint64_t)off : pc + (uint64_t)off;
        return snprintf(out, size, "0x%llx", (unsigned long long)target);
    }
    if (IS("bo")) return snprintf(out, size, "%u", rt);
    if (IS("bi")) return snprintf(out, size, "%u", ra);
    if (IS("bh")) return snprintf(out, size, "%u", field(w, 19, 20));
    if (IS("crfd")) return snprintf(out, size, "cr%u", field(w, 6, 8));
    if (IS("crfs")) return snprintf(out, size, "cr%u", field(w, 11, 13));
    if (IS("crbd")) return snprintf(out, size, "%u", rt);
    if (IS("crba")) return snprintf(out, size, "%u", ra);
    if (IS("crbb")) return snprintf(out, size, "%u", rb);
    if (IS("l10")) return snprintf(out, size, "%u", field(w, 10, 10));
    if (IS("l15")) return snprintf(out, size, "%u", field(w, 15, 15));
    if (IS("lsync")) return snprintf(out, size, "%u", field(w, 9, 10));
    if (IS("sh")) return snprintf(out, size, "%u", rb);
    if (IS("mb")) return snprintf(out, size, "%u", field(w, 21, 25));
    if (IS("me")) return snprintf(out, size, "%u", field(w, 26, 30));
    if (IS("sh6")) return snprintf(out, size, "%u", rb | (field(w, 30, 30) << 5));
    if (IS("mb6") || IS("me6"))
        return snprintf(out, size, "%u", field(w, 21, 25) | (field(w, 26, 26) << 5));
    if (IS("spr") || IS("tbr")) {
        unsigned n = ra | (rb << 5);
        const spr_info *info = spr_lookup(n);
        return info ? snprintf(out, size, "%s", info->name) : snprintf(out, size, "%u", n);
    }
    if (IS("fxm")) return snprintf(out, size, "0x%x", field(w, 12, 19));
    if (IS("to")) return snprintf(out, size, "%u", rt);
    if (IS("nb")) return snprintf(out, size, "%u", rb);
    if (IS("lev")) return snprintf(out, size, "%u", field(w, 20, 26));
    if (IS("bc")) return snprintf(out, size, "%u", field(w, 21, 25));
    if (IS("word")) return snprintf(out, size, "0x%08x", w);
    return snprintf(out, size, "?%.*s", (int)len, tok);
#undef IS
}

unsigned insn_disasm(uint32_t word, uint64_t pc, char *buf, unsigned size)
{
    unsigned id = insn_lookup(word);
    const insn_row *row = &insn_table[id];
    char mnem[32];
    snprintf(mnem, sizeof(mnem), "%s%s%s%s%s", row->mnemonic,
             (row->flags & F_OE) && (word & 0x400) ? "o" : "",
             (row->flags & F_LK) && (word & 1) ? "l" : "",
             (row->flags & F_AA) && (word & 2) ? "a" : "",
             (row->flags & F_RC) && (word & 1) ? "." : "");
    size_t used = (size_t)snprintf(buf, size, "%-8s", mnem);
    const char *p = row->operands;
    bool first = true;
    while (p && *p && used < size) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (!first && used < size) buf[used++] = ',';
        if (used < size) buf[used] = '\0';
        used += (size_t)print_operand(buf + used, size - used, p, len, word, pc);
        first = false;
        p = end ? end + 1 : NULL;
    }
    if (size) {
        /* trim trailing padding when there are no operands */
        size_t n = strnlen(buf, size - 1);
        while (n > 0 && buf[n - 1] == ' ') buf[--n] = '\0';
    }
    return id;
}
