/* The instruction table and the decoder built from it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "cpu/cpu_state.h"
#include "cpu/insn_table.h"

const insn_row insn_table[INSN__COUNT] = {
    [INSN_ILLEGAL] = {".long", "word", exec_illegal, 0, 0, 0, 0, FORM_X, TIMING_NOP},
#define INSN(id, mn, form, match, mask, resv, fn, timing, flags, ops)                              \
    [INSN_##id] = {mn, ops, fn, match, mask, resv, flags, FORM_##form, TIMING_##timing},
#include "cpu/insns/all.def"
#undef INSN
};

/* Rows bucketed by primary opcode, most specific mask first, so that the first match wins only
 * among rows that cannot overlap (the overlap test guarantees there is at most one). */
uint8_t *insn_decode_hits;

static uint16_t bucket_rows[64][INSN__COUNT];
static uint16_t bucket_len[64];

static int popcount32(uint32_t v)
{
    return __builtin_popcount(v);
}

/* The buckets depend on the table only: built before main, so that decoding never checks. */
__attribute__((constructor)) static void decoder_init(void)
{
    for (unsigned id = 1; id < INSN__COUNT; id++) {
        unsigned po = insn_table[id].match >> 26;
        unsigned n = bucket_len[po]++;
        /* insertion sort by mask specificity */
        while (n > 0 && popcount32(insn_table[bucket_rows[po][n - 1]].mask) <
                            popcount32(insn_table[id].mask)) {
            bucket_rows[po][n] = bucket_rows[po][n - 1];
            n--;
        }
        bucket_rows[po][n] = (uint16_t)id;
    }
}

unsigned insn_lookup(uint32_t word)
{
    unsigned po = word >> 26;
    for (unsigned i = 0; i < bucket_len[po]; i++) {
        const insn_row *row = &insn_table[bucket_rows[po][i]];
        if ((word & row->mask) == row->match) return bucket_rows[po][i];
    }
    return INSN_ILLEGAL;
}

int insn_has_reserved_bits(uint32_t word, unsigned id)
{
    return (word & insn_table[id].reserved) != 0;
}

static int64_t sext(uint64_t value, unsigned bits)
{
    uint64_t sign = 1ull << (bits - 1);
    return (int64_t)((value ^ sign) - sign);
}

/* MASK(mb, me) in MSB-0 bit numbers: ones from mb to me, wrapping around when mb > me. */
static uint64_t mask64(unsigned mb, unsigned me)
{
    uint64_t from_mb = ~0ull >> mb, to_me = ~0ull << (63 - me);
    return mb <= me ? from_mb & to_me : from_mb | to_me;
}

/* The mask a rotate row applies (M, MD and MDS forms), computed once here for the execute
 * functions: M-form MASK(MB+32, ME+32); rldicl/rldcl MASK(mb, 63); rldicr/rldcr MASK(0, me);
 * rldic/rldimi MASK(mb, 63-sh). */
static uint64_t rotate_mask(const ppc_insn *insn, insn_form form)
{
    if (form == FORM_M) return mask64(insn->mb + 32u, insn->me + 32u);
    switch (insn->id) {
    case INSN_RLDICR:
    case INSN_RLDCR: return mask64(0, insn->mb);
    case INSN_RLDIC:
    case INSN_RLDIMI: return mask64(insn->mb, 63u - insn->sh);
    default: return mask64(insn->mb, 63);
    }
}

/* Executes a row whose word sets reserved bits: an invalid form. */
static insn_result exec_invalid_form(ppc_cpu *cpu, const ppc_insn *insn)
{
    return cpu_hea_interrupt(cpu);
}

/* Rows flagged F_PRIV/F_HYP run through this gate, so privilege is checked in one place. */
static insn_result exec_privileged(ppc_cpu *cpu, const ppc_insn *insn)
{
    const insn_row *row = &insn_table[insn->id];
    if (cpu_check_privilege(cpu, row->flags)) return INSN_JUMP;
    return row->exec(cpu, insn);
}

/* Whether executing the row may change how instruction fetch translates or what it reads
 * beyond a plain store (which the code cache tracks itself): context synchronising
 * instructions (sc, rfid, hrfid, mtmsr, mtmsrd, isync), SLB and TLB management, icbi, and
 * mtspr of an SPR that translation reads. */
static bool changes_fetch_context(const insn_row *row, unsigned id, int64_t spr)
{
    if (row->flags & F_CTXSYNC) return true;
    if (row->timing == TIMING_SLB || row->timing == TIMING_TLB || id == INSN_ICBI) return true;
    if (id != INSN_MTSPR) return false;
    switch (spr) {
    case SPR_UAMR:
    case SPR_SDR1:
    case SPR_AMR:
    case SPR_IAMR:
    case SPR_RMOR:
    case SPR_HRMOR:
    case SPR_LPCR:
    case SPR_LPIDR: return true;
    default: return false;
    }
}

/* Rows that change the fetch context run through this gate: privilege as exec_privileged,
 * then the run loop's fetch cache is dropped, and so is the data map unless the row only
 * changes the MSR (context synchronising rows: the map is per MSR context). */
static insn_result exec_fetch_context(ppc_cpu *cpu, const ppc_insn *insn)
{
    const insn_row *row = &insn_table[insn->id];
    if ((row->flags & (F_PRIV | F_HYP)) && cpu_check_privilege(cpu, row->flags)) return INSN_JUMP;
    insn_result r = row->exec(cpu, insn);
    cpu_fetch_resync(cpu);
    if (!(row->flags & F_CTXSYNC)) cpu_data_map_flush(cpu, false);
    return r;
}

/* The first entry of insns/hot.def for the decoded instruction (its execute function and its
 * condition), else INSN_HOT_CALL. */
static uint8_t hot_index(const ppc_insn *insn)
{
#define HOT(name, fn, when, cia)                                                                   \
    if (insn->exec == fn && (when)) return INSN_HOT_##name;
#include "cpu/insns/hot.def"
#undef HOT
    return INSN_HOT_CALL;
}

void insn_decode(uint32_t word, ppc_insn *out)
{
    unsigned id = insn_lookup(word);
    const insn_row *row = &insn_table[id];

    if (insn_decode_hits) insn_decode_hits[id] = 1;
    *out = (ppc_insn){0};
    out->word = word;
    out->id = (uint16_t)id;
    out->timing = row->timing;
    if (insn_has_reserved_bits(word, id))
        out->exec = exec_invalid_form;
    else if (row->flags & (F_PRIV | F_HYP))
        out->exec = exec_privileged;
    else
        out->exec = row->exec;
    out->rt = (word >> 21) & 31;
    out->ra = (word >> 16) & 31;
    out->rb = (word >> 11) & 31;
    out->rc = word & 1;
    out->oe = (word >> 10) & 1;

    switch ((insn_form)row->form) {
    case FORM_I: out->imm = sext(word & 0x03fffffc, 26); break;
    case FORM_B: out->imm = sext(word & 0xfffc, 16); break;
    case FORM_SC: out->imm = (word >> 5) & 0x7f; break;
    case FORM_D: out->imm = sext(word & 0xffff, 16); break;
    case FORM_DS: out->imm = sext(word & 0xfffc, 16); break;
    case FORM_DQ: out->imm = sext(word & 0xfff0, 16); break;
    case FORM_XFX:
        /* SPR/TBR numbers are encoded with their two 5-bit halves swapped; mtcrf's FXM sits
         * in bits 12-19. */
        out->imm = ((word >> 16) & 31) | (((word >> 11) & 31) << 5);
        out->mb = (word >> 12) & 0xff;
        break;
    case FORM_XFL: out->mb = (word >> 17) & 0xff; break;
    case FORM_M:
        out->sh = out->rb;
        out->mb = (word >> 6) & 31;
        out->me = (word >> 1) & 31;
        out->imm = (int64_t)rotate_mask(out, FORM_M);
        break;
    case FORM_MD:
    case FORM_MDS:
        out->sh = (uint8_t)(((word >> 11) & 31) | ((word & 2) << 4));
        out->mb = (uint8_t)(((word >> 6) & 31) | (word & 0x20));
        out->imm = (int64_t)rotate_mask(out, (insn_form)row->form);
        break;
    case FORM_XS: out->sh = (uint8_t)(((word >> 11) & 31) | ((word & 2) << 4)); break;
    case FORM_A: out->me = (word >> 6) & 31; break;
    case FORM_X:
    case FORM_XL:
    case FORM_XO:
    case FORM_Z23:
    case FORM_XX1:
    case FORM_VX:
    case FORM_VA:
    case FORM_VC:
    case FORM_XX2:
    case FORM_XX3:
    case FORM_XX4:
    case FORM_Z22:
    case FORM__COUNT: break;
    }
    if (out->exec != exec_invalid_form && changes_fetch_context(row, id, out->imm))
        out->exec = exec_fetch_context;
    insn_set_hot(out, hot_index(out));
}
