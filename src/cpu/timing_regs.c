/* Which registers an instruction reads and writes, for the cycle model's scoreboard.
 *
 * Everything is derived from the instruction table: the operand tokens say what each field is
 * (disasm.c documents the vocabulary), the flags add the implicit registers (F_UPDATE -> RA,
 * F_RC -> CR0, F_OE -> XER, F_LK -> LR).  What the tokens cannot say is listed by row below:
 * the carrying rows (XER[CA]), the insert rotates (RA is also read), the branch BO field, SPR
 * numbers and the MSR.  The per-row part is computed once; timing_insn_regs() then only reads
 * the word's fields. */
#include <stdbool.h>
#include <string.h>

#include "cpu/spr.h"
#include "cpu/timing.h"

/* What a register field holds, per row. */
typedef enum field_use {
    USE_NONE = 0,
    USE_GPR_READ,
    USE_GPR_READ_NZ, /* ra0/rb0: GPR unless the field is 0 */
    USE_GPR_WRITE,
    USE_CRF_WRITE,   /* crfd: CR field in bits 6-8 */
    USE_CRF_READ,    /* crfs: CR field in bits 11-13 */
    USE_CRBIT_WRITE, /* crbd: one bit, so its field is read and written */
    USE_CRBIT_READ,  /* crba/crbb */
} field_use;

/* Rows whose registers depend on more than their fields. */
typedef enum row_kind {
    KIND_PLAIN = 0,
    KIND_BRANCH_I,   /* b: LK only */
    KIND_BRANCH_BC,  /* bc: BO decides CR and CTR */
    KIND_BRANCH_LR,  /* bclr */
    KIND_BRANCH_CTR, /* bcctr */
    KIND_BRANCH_TAR, /* bctar */
    KIND_MFSPR,
    KIND_MTSPR,
    KIND_MFCR,        /* all eight fields */
    KIND_FXM_READ,    /* mfocrf */
    KIND_FXM_WRITE,   /* mtcrf/mtocrf */
    KIND_ISEL,        /* the BC field names a CR bit */
    KIND_LOAD_MULTI,  /* lmw: RT..31 */
    KIND_STORE_MULTI, /* stmw: RS..31 */
    KIND_LOAD_STRING, /* lswi: NB bytes from RT on, wrapping */
    KIND_STORE_STRING,
} row_kind;

typedef struct row_regs {
    uint8_t rt_use, ra_use, rb_use; /* field_use of bits 6-10, 11-15, 16-20 */
    uint8_t kind;                   /* row_kind */
    bool update;                    /* F_UPDATE: RA written */
    bool rc_flag;                   /* F_RC: Rc=1 records CR0 */
    bool oe_flag;                   /* F_OE: OE=1 writes XER */
    bool lk_flag;                   /* F_LK: LK=1 writes LR */
    bool records_cr0;               /* a "." row always writes CR0 */
    bool cr0_is_result;             /* ... as its main result (stcx., slbfee.), not a record */
    uint16_t other_read, other_write;
    uint16_t spr_read[2];
} row_regs;

static row_regs row_table[INSN__COUNT];
static bool row_table_ready;

static bool token_is(const char *tok, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(tok, name, len) == 0;
}

/* Applies one operand token to the row's field uses.  `first` says whether it is the first
 * operand: logical and rotate forms put their target RA first ("ra,rs,..."). */
static void apply_token(row_regs *r, const char *tok, size_t len, bool first)
{
    if (token_is(tok, len, "rt"))
        r->rt_use = USE_GPR_WRITE;
    else if (token_is(tok, len, "rs"))
        r->rt_use = USE_GPR_READ;
    else if (token_is(tok, len, "ra"))
        r->ra_use = first ? USE_GPR_WRITE : USE_GPR_READ;
    else if (token_is(tok, len, "ra0") || token_is(tok, len, "d(ra0)") ||
             token_is(tok, len, "ds(ra0)") || token_is(tok, len, "dq(ra0)"))
        r->ra_use = USE_GPR_READ_NZ;
    else if (token_is(tok, len, "rb"))
        r->rb_use = USE_GPR_READ;
    else if (token_is(tok, len, "rb0"))
        r->rb_use = USE_GPR_READ_NZ;
    else if (token_is(tok, len, "crfd"))
        r->rt_use = USE_CRF_WRITE;
    else if (token_is(tok, len, "crfs"))
        r->ra_use = USE_CRF_READ;
    else if (token_is(tok, len, "crbd"))
        r->rt_use = USE_CRBIT_WRITE;
    else if (token_is(tok, len, "crba"))
        r->ra_use = USE_CRBIT_READ;
    else if (token_is(tok, len, "crbb"))
        r->rb_use = USE_CRBIT_READ;
    /* FPR/VR/VSR operands are not tracked: FP, VMX and VSX only raise their unavailable
     * interrupts here.  Immediates, hints and the branch fields carry no register. */
}

static bool row_writes_carry(unsigned id)
{
    switch (id) {
    case INSN_ADDC:
    case INSN_ADDE:
    case INSN_ADDME:
    case INSN_ADDZE:
    case INSN_SUBFC:
    case INSN_SUBFE:
    case INSN_SUBFME:
    case INSN_SUBFZE:
    case INSN_ADDIC:
    case INSN_ADDIC_RC:
    case INSN_SUBFIC:
    case INSN_SRAW:
    case INSN_SRAWI:
    case INSN_SRAD:
    case INSN_SRADI: return true;
    default: return false;
    }
}

static bool row_reads_carry(unsigned id)
{
    switch (id) {
    case INSN_ADDE:
    case INSN_ADDME:
    case INSN_ADDZE:
    case INSN_SUBFE:
    case INSN_SUBFME:
    case INSN_SUBFZE: return true;
    default: return false;
    }
}

static row_kind row_kind_of(unsigned id)
{
    switch (id) {
    case INSN_B: return KIND_BRANCH_I;
    case INSN_BC: return KIND_BRANCH_BC;
    case INSN_BCLR: return KIND_BRANCH_LR;
    case INSN_BCCTR: return KIND_BRANCH_CTR;
    case INSN_BCTAR: return KIND_BRANCH_TAR;
    case INSN_MFSPR: return KIND_MFSPR;
    case INSN_MTSPR: return KIND_MTSPR;
    case INSN_MFCR: return KIND_MFCR;
    case INSN_MFOCRF: return KIND_FXM_READ;
    case INSN_MTCRF:
    case INSN_MTOCRF: return KIND_FXM_WRITE;
    case INSN_ISEL: return KIND_ISEL;
    case INSN_LMW: return KIND_LOAD_MULTI;
    case INSN_STMW: return KIND_STORE_MULTI;
    case INSN_LSWI:
    case INSN_LSWX: return KIND_LOAD_STRING;
    case INSN_STSWI:
    case INSN_STSWX: return KIND_STORE_STRING;
    default: return KIND_PLAIN;
    }
}

static void build_row(unsigned id, row_regs *r)
{
    const insn_row *row = &insn_table[id];
    memset(r, 0, sizeof(*r));
    r->spr_read[0] = r->spr_read[1] = TIMING_NO_SPR;

    const char *p = row->operands;
    bool first = true;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        apply_token(r, p, len, first);
        first = false;
        p = end ? end + 1 : NULL;
    }

    r->kind = (uint8_t)row_kind_of(id);
    r->update = (row->flags & F_UPDATE) != 0;
    r->rc_flag = (row->flags & F_RC) != 0;
    r->oe_flag = (row->flags & F_OE) != 0;
    r->lk_flag = (row->flags & F_LK) != 0;
    size_t mlen = strlen(row->mnemonic);
    r->records_cr0 = mlen > 0 && row->mnemonic[mlen - 1] == '.';
    r->cr0_is_result = row->timing == TIMING_STCX || row->timing == TIMING_SLB;

    if (row_writes_carry(id)) r->other_write |= 1u << TIMING_RES_XER;
    if (row_reads_carry(id)) r->other_read |= 1u << TIMING_RES_XER;
    /* The insert rotates keep the unselected bits of RA. */
    if (id == INSN_RLWIMI || id == INSN_RLDIMI) r->ra_use = USE_GPR_READ; /* written below */
    /* lswx/stswx take their byte count from XER. */
    if (id == INSN_LSWX || id == INSN_STSWX) r->other_read |= 1u << TIMING_RES_XER;

    switch (id) {
    case INSN_MFMSR: r->other_read |= 1u << TIMING_RES_MSR; break;
    case INSN_MTMSR:
    case INSN_MTMSRD:
    case INSN_SC: r->other_write |= 1u << TIMING_RES_MSR; break;
    case INSN_RFID:
        r->other_write |= 1u << TIMING_RES_MSR;
        r->spr_read[0] = SPR_SRR0;
        r->spr_read[1] = SPR_SRR1;
        break;
    case INSN_HRFID:
        r->other_write |= 1u << TIMING_RES_MSR;
        r->spr_read[0] = SPR_HSRR0;
        r->spr_read[1] = SPR_HSRR1;
        break;
    default: break;
    }
}

static void build_table(void)
{
    for (unsigned id = 0; id < INSN__COUNT; id++)
        build_row(id, &row_table[id]);
    row_table_ready = true;
}

static inline uint32_t gpr_bit(unsigned n)
{
    return 1u << (n & 31);
}

static inline uint16_t cr_field_bit(unsigned field)
{
    return (uint16_t)(1u << (field & 7));
}

/* GPRs n, n+1, ... for `count` registers, wrapping from r31 to r0 (the string instructions). */
static uint32_t gpr_run(unsigned n, unsigned count)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < count && i < 32; i++)
        mask |= gpr_bit(n + i);
    return mask;
}

/* The SPR numbers that have their own scoreboard resource. */
static int spr_resource(unsigned spr)
{
    switch (spr) {
    case SPR_XER: return TIMING_RES_XER;
    case SPR_LR: return TIMING_RES_LR;
    case SPR_CTR: return TIMING_RES_CTR;
    case SPR_TAR: return TIMING_RES_TAR;
    default: return -1;
    }
}

static void apply_field(timing_regs *out, field_use use, unsigned field)
{
    switch (use) {
    case USE_NONE: break;
    case USE_GPR_READ: out->gpr_read |= gpr_bit(field); break;
    case USE_GPR_READ_NZ:
        if (field) out->gpr_read |= gpr_bit(field);
        break;
    case USE_GPR_WRITE: out->gpr_write |= gpr_bit(field); break;
    case USE_CRF_WRITE: out->other_write |= cr_field_bit(field >> 2); break;
    case USE_CRF_READ: out->other_read |= cr_field_bit(field >> 2); break;
    case USE_CRBIT_WRITE:
        out->other_write |= cr_field_bit(field >> 2);
        out->other_read |= cr_field_bit(field >> 2);
        break;
    case USE_CRBIT_READ: out->other_read |= cr_field_bit(field >> 2); break;
    }
}

/* The BO field of a conditional branch: bit 0x10 ignores the CR bit, 0x04 leaves CTR alone. */
static void apply_bo(timing_regs *out, const ppc_insn *insn)
{
    unsigned bo = insn->rt, bi = insn->ra;
    if (!(bo & 0x10)) out->other_read |= cr_field_bit(bi >> 2);
    if (!(bo & 0x04)) {
        out->other_read |= 1u << TIMING_RES_CTR;
        out->other_write |= 1u << TIMING_RES_CTR;
    }
}

static void apply_spr(timing_regs *out, unsigned spr, bool write)
{
    int res = spr_resource(spr);
    if (write) {
        if (res >= 0)
            out->other_write |= (uint16_t)(1u << res);
        else
            out->spr_write = (uint16_t)spr;
    } else {
        if (res >= 0)
            out->other_read |= (uint16_t)(1u << res);
        else
            out->spr_read[0] = (uint16_t)spr;
    }
}

void timing_insn_regs(const ppc_insn *insn, timing_regs *out)
{
    if (!row_table_ready) build_table();
    const row_regs *r = &row_table[insn->id < INSN__COUNT ? insn->id : 0];

    out->gpr_read = out->gpr_write = out->gpr_update = 0;
    out->other_read = r->other_read;
    out->other_write = r->other_write;
    out->cr_record = 0;
    out->spr_read[0] = r->spr_read[0];
    out->spr_read[1] = r->spr_read[1];
    out->spr_write = TIMING_NO_SPR;

    apply_field(out, (field_use)r->rt_use, insn->rt);
    apply_field(out, (field_use)r->ra_use, insn->ra);
    apply_field(out, (field_use)r->rb_use, insn->rb);
    if (insn->id == INSN_RLWIMI || insn->id == INSN_RLDIMI) out->gpr_write |= gpr_bit(insn->ra);

    if (r->update) {
        out->gpr_read |= gpr_bit(insn->ra);
        out->gpr_write |= gpr_bit(insn->ra);
        out->gpr_update = gpr_bit(insn->ra);
    }
    if ((r->rc_flag && insn->rc) || r->records_cr0) {
        out->other_write |= cr_field_bit(0);
        if (!r->cr0_is_result) out->cr_record = cr_field_bit(0);
    }
    if (r->oe_flag && insn->oe) { /* OV is set and SO accumulates */
        out->other_read |= 1u << TIMING_RES_XER;
        out->other_write |= 1u << TIMING_RES_XER;
    }
    if (r->lk_flag && insn->rc) out->other_write |= 1u << TIMING_RES_LR;

    switch ((row_kind)r->kind) {
    case KIND_PLAIN:
    case KIND_BRANCH_I: break;
    case KIND_BRANCH_BC: apply_bo(out, insn); break;
    case KIND_BRANCH_LR:
        apply_bo(out, insn);
        out->other_read |= 1u << TIMING_RES_LR;
        break;
    case KIND_BRANCH_CTR:
        apply_bo(out, insn);
        out->other_read |= 1u << TIMING_RES_CTR;
        break;
    case KIND_BRANCH_TAR:
        apply_bo(out, insn);
        out->other_read |= 1u << TIMING_RES_TAR;
        break;
    case KIND_MFSPR: apply_spr(out, (unsigned)insn->imm, false); break;
    case KIND_MTSPR: apply_spr(out, (unsigned)insn->imm, true); break;
    case KIND_MFCR: out->other_read |= TIMING_RES_CR_ALL; break;
    case KIND_FXM_READ:
    case KIND_FXM_WRITE: {
        /* FXM bit 0x80 selects CR0 */
        uint16_t fields = 0;
        for (unsigned f = 0; f < 8; f++)
            if (insn->mb & (0x80u >> f)) fields |= cr_field_bit(f);
        if (r->kind == KIND_FXM_READ)
            out->other_read |= fields;
        else
            out->other_write |= fields;
        break;
    }
    case KIND_ISEL: out->other_read |= cr_field_bit(insn->me >> 2); break;
    case KIND_LOAD_MULTI: out->gpr_write |= gpr_run(insn->rt, 32 - insn->rt); break;
    case KIND_STORE_MULTI: out->gpr_read |= gpr_run(insn->rt, 32 - insn->rt); break;
    case KIND_LOAD_STRING:
    case KIND_STORE_STRING: {
        /* lswi/stswi: NB bytes (0 means 32); lswx/stswx: the count is in XER, so only RT/RS
         * is tracked for them. */
        unsigned count = 1;
        if (insn->id == INSN_LSWI || insn->id == INSN_STSWI) {
            unsigned nb = insn->rb ? insn->rb : 32;
            count = (nb + 3) / 4;
        }
        if (r->kind == KIND_LOAD_STRING)
            out->gpr_write |= gpr_run(insn->rt, count);
        else
            out->gpr_read |= gpr_run(insn->rt, count);
        break;
    }
    }
}

unsigned timing_effective_class(const ppc_insn *insn)
{
    if (insn->id == INSN_MTSPR && (insn->imm == SPR_LR || insn->imm == SPR_CTR))
        return TIMING_MTJMPR;
    if (insn->id == INSN_MFSPR && (insn->imm == SPR_LR || insn->imm == SPR_CTR))
        return TIMING_MFJMPR;
    return insn->timing;
}
