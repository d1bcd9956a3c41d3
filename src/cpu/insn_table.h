/* The instruction table: one row per instruction, the single source of truth for the decoder,
 * the disassembler, the coverage report, the table-overlap test and (later) the timing model.
 *
 * Rows live in src/cpu/insns/ (one .def file per facility), one file per ISA facility, and are
 * written as
 *
 *   INSN(id, "mnemonic", FORM, match, mask, reserved, exec_fn, TIMING, flags, "operands")
 *
 *   id        C identifier; the row is INSN_<id> in enum insn_id
 *   mnemonic  base spelling; flags F_RC/F_OE/F_LK/F_AA add ".", "o", "l", "a" as the word says
 *   FORM      ISA form (insn_form without the FORM_ prefix); says how fields are extracted
 *   match     value of the opcode bits; mask says which bits are opcode bits
 *   reserved  bits that must be 0; a set bit makes the word an invalid form, which raises the
 *             Hypervisor Emulation Assistance interrupt (0xe40) as POWER8 under QEMU does
 *   exec_fn   the execute function (insn_exec_fn)
 *   TIMING    timing class (insn_timing without the TIMING_ prefix)
 *   flags     F_* below
 *   operands  comma-separated operand tokens for disassembly (see disasm.c for the vocabulary)
 */
#ifndef HCALLSIM_CPU_INSN_TABLE_H
#define HCALLSIM_CPU_INSN_TABLE_H

#include <stdint.h>

typedef struct ppc_cpu ppc_cpu;
typedef struct ppc_insn ppc_insn;

typedef enum insn_form {
    FORM_I,
    FORM_B,
    FORM_SC,
    FORM_D,
    FORM_DS,
    FORM_DQ,
    FORM_X,
    FORM_XL,
    FORM_XFX,
    FORM_XFL,
    FORM_XS,
    FORM_XO,
    FORM_A,
    FORM_M,
    FORM_MD,
    FORM_MDS,
    FORM_Z23,
    FORM_XX1,
    FORM_VX,
    FORM_VA,
    FORM_VC,
    FORM_XX2,
    FORM_XX3,
    FORM_XX4,
    FORM_Z22,
    FORM__COUNT
} insn_form;

/* Timing classes: what the cycle model charges.  Named after the GCC/LLVM scheduling types. */
typedef enum insn_timing {
    TIMING_ALU,  /* simple integer: add, logical, shift, rotate, extend, isel */
    TIMING_ALU2, /* 2-3 cycle integer: cntlz, popcnt, cmpb, prty, bpermd */
    TIMING_CMP,  /* compares (result in CR) */
    TIMING_MUL,
    TIMING_DIV,
    TIMING_TRAP,
    TIMING_LOAD,
    TIMING_LOAD_EXT, /* algebraic / update-indexed loads */
    TIMING_STORE,
    TIMING_LARX,
    TIMING_STCX,
    TIMING_LOAD_MULTI,  /* lmw, lsw */
    TIMING_STORE_MULTI, /* stmw, stsw */
    TIMING_CACHE,       /* dcbt, dcbf, icbi, dcbz */
    TIMING_SYNC,        /* sync, lwsync, ptesync, eieio */
    TIMING_ISYNC,
    TIMING_BRANCH,
    TIMING_CRLOGICAL,
    TIMING_MFCR,
    TIMING_MFOCRF,
    TIMING_MTCRF,
    TIMING_MFJMPR, /* mflr, mfctr */
    TIMING_MTJMPR, /* mtlr, mtctr */
    TIMING_MFSPR,
    TIMING_MTSPR,
    TIMING_MFTB,
    TIMING_MFMSR,
    TIMING_MTMSR, /* context synchronising */
    TIMING_SC,    /* context synchronising */
    TIMING_RFI,   /* rfid, hrfid: context synchronising */
    TIMING_SLB,
    TIMING_TLB,
    TIMING_FP, /* FP/VMX/VSX: only the unavailable interrupt is modelled */
    TIMING_NOP,
    TIMING__COUNT
} insn_timing;

/* Row flags. */
#define F_RC         (1u << 0) /* bit 31 is Rc: the "." form records CR0 */
#define F_OE         (1u << 1) /* bit 21 is OE: the "o" form sets XER[OV,SO] */
#define F_LK         (1u << 2) /* bit 31 is LK */
#define F_AA         (1u << 3) /* bit 30 is AA */
#define F_PRIV       (1u << 4) /* privileged: program interrupt when MSR[PR]=1 */
#define F_HYP        (1u << 5) /* hypervisor: HEA/program interrupt unless MSR[HV]=1, PR=0 */
#define F_BRANCH     (1u << 6)
#define F_LOAD       (1u << 7)
#define F_STORE      (1u << 8)
#define F_SERIAL     (1u << 9)  /* ends the dispatch group */
#define F_CTXSYNC    (1u << 10) /* context synchronising */
#define F_UPDATE     (1u << 11) /* update form: RA=0 (and RA=RT for loads) is an invalid form */
#define F_FACILITY   (1u << 12) /* FP/VMX/VSX: needs an MSR facility bit */
#define F_SIZE_SHIFT 13         /* F_SIZE(n): memory access size in bytes (bits 13-17) */
#define F_SIZE(n)    ((uint32_t)(n) << F_SIZE_SHIFT)
#define F_SIZE_OF(f) (((f) >> F_SIZE_SHIFT) & 0x1f)
#define F_STOPS      (1u << 18) /* not implemented: executing it stops the run (exit status 69) */

/* What an execute function tells the run loop. */
typedef enum insn_result {
    INSN_NEXT = 0, /* fall through: the loop advances NIP by 4 */
    INSN_JUMP,     /* NIP already set (taken branch, rfid, interrupt delivered) */
} insn_result;

typedef insn_result (*insn_exec_fn)(ppc_cpu *cpu, const ppc_insn *insn);

/* The pre-decoded instruction: handler plus extracted fields plus timing class.  Filled once per
 * instruction by insn_decode() and cached per page by the run loop. */
struct ppc_insn {
    insn_exec_fn exec;
    uint32_t word;
    uint16_t id;       /* enum insn_id: the table row */
    uint8_t timing;    /* enum insn_timing */
    uint8_t rt;        /* bits 6-10: RT/RS/BO/BF<<2/TO/FRT */
    uint8_t ra;        /* bits 11-15: RA/BI */
    uint8_t rb;        /* bits 16-20: RB/NB/SH */
    uint8_t sh;        /* shift amount: M (SH), MD/XS (sh5 || sh0-4) */
    uint8_t mb;        /* M: MB; MD/MDS: mb or me (6 bits) */
    uint8_t me;        /* M: ME; A: BC (bits 21-25) */
    uint8_t rc;        /* Rc / LK bit (bit 31) */
    uint8_t oe;        /* OE bit (bit 21) for XO forms */
    uint8_t hot;       /* enum insn_hot: how the plain run loop executes it (insn_set_hot) */
    int64_t imm;       /* D: SI (sign-extended); DS: DS<<2; I: LI; B: BD; XFX: SPR/TBR number
                        * (halves swapped back); XFL/XFX mtcrf: FXM; SC: LEV; M/MD/MDS: the rotate
                        * mask of the row (decode.c: rotate_mask) */
    const void *label; /* the plain run loop's label for `hot`: it jumps through this */
    /* The cycle model's entry for this slot's word (timing.c), valid while model_id is the
     * model's id; insn_decode() clears both.  The only fields an observer writes. */
    const void *model_entry;
    uint32_t model_id;
    /* A slot is 64 bytes, so that the run loop's slot arithmetic (the CIA of a slot, the slot of
     * a branch target) is shifts only. */
    uint8_t pad[64 - 52];
};
_Static_assert(sizeof(struct ppc_insn) == 64, "a decoded slot is 64 bytes");

/* One table row. */
typedef struct insn_row {
    const char *mnemonic;
    const char *operands;
    insn_exec_fn exec;
    uint32_t match;
    uint32_t mask;
    uint32_t reserved;
    uint32_t flags;
    uint8_t form;
    uint8_t timing;
} insn_row;

enum insn_id {
    INSN_ILLEGAL = 0, /* no row matches */
#define INSN(id, mn, form, match, mask, resv, fn, timing, flags, ops) INSN_##id,
#include "cpu/insns/all.def"
#undef INSN
    INSN__COUNT
};

extern const insn_row insn_table[INSN__COUNT];

/* How the plain run loop executes a decoded slot: decode it first (a cleared slot is all
 * zeroes), call `exec`, or inline one of the hot execute functions (insns/hot.def).  Two values
 * are not instructions: PAGE_END, the slot after the last one of every decoded page, and STOP,
 * which the loop puts for a while into the slot where a block must end (run.c). */
enum insn_hot {
    INSN_HOT_DECODE = 0,
    INSN_HOT_CALL,
    INSN_HOT_PAGE_END,
    INSN_HOT_STOP,
#define HOT(name, fn, when, cia) INSN_HOT_##name,
#include "cpu/insns/hot.def"
#undef HOT
    INSN_HOT__COUNT
};

/* The plain run loop's label for each enum insn_hot (run.c publishes them before main). */
extern const void *insn_hot_labels[INSN_HOT__COUNT];
/* Sets how the plain loop executes a slot: `hot` and its label, always together. */
static inline void insn_set_hot(ppc_insn *slot, unsigned hot)
{
    slot->hot = (uint8_t)hot;
    slot->label = insn_hot_labels[hot];
}

/* Decode one word: finds the row (INSN_ILLEGAL if none) and extracts the fields.  Never fails. */
void insn_decode(uint32_t word, ppc_insn *out);
/* When non-NULL (INSN__COUNT bytes), insn_decode() sets hits[row] = 1 for every row it decodes:
 * the ISA coverage report records which rows the tests executed. */
extern uint8_t *insn_decode_hits;
/* The row for a word, or INSN_ILLEGAL. */
unsigned insn_lookup(uint32_t word);
/* Whether the word sets reserved bits of its row (an invalid form). */
int insn_has_reserved_bits(uint32_t word, unsigned id);

/* Disassemble with our table: "mnemonic operands" into buf (always NUL-terminated).  Returns
 * the row id (INSN_ILLEGAL prints ".long 0x...").  `pc` resolves relative branch targets. */
unsigned insn_disasm(uint32_t word, uint64_t pc, char *buf, unsigned size);

/* Execute functions declared for the table (one per row). */
#define INSN(id, mn, form, match, mask, resv, fn, timing, flags, ops)                              \
    insn_result fn(ppc_cpu *cpu, const ppc_insn *insn);
#include "cpu/insns/all.def"
#undef INSN
insn_result exec_illegal(ppc_cpu *cpu, const ppc_insn *insn);

#endif
