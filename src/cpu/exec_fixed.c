/* Fixed-point execute functions (rows in insns/fixed.def), Power ISA 2.07 Book I ch. 3.
 *
 * Each function reads like the ISA pseudocode.  XER[CA] and XER[OV] follow the computation mode
 * (MSR[SF]); OV32/CA32 are ISA 3.0 and POWER8 has neither, so they are never touched.  Where the
 * ISA leaves a result undefined, the value is the one QEMU 7.2 produces (the trace-diff
 * reference); each such place says so. */
#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu_state.h"

/* ---- Operand and XER helpers ---- */

CPU_HOT_HELPER bool mode64(const ppc_cpu *cpu)
{
    return (cpu->msr & MSR_SF) != 0;
}

CPU_HOT_HELPER uint64_t ra_or_zero(const ppc_cpu *cpu, const ppc_insn *insn)
{
    return insn->ra ? cpu->gpr[insn->ra] : 0;
}

static unsigned xer_ca(const ppc_cpu *cpu)
{
    return (cpu->xer & XER_CA) ? 1u : 0u;
}

CPU_HOT_HELPER void set_ca(ppc_cpu *cpu, bool carry)
{
    cpu->xer = carry ? cpu->xer | XER_CA : cpu->xer & ~XER_CA;
}

/* XER[OV] takes the new value; XER[SO] is sticky. */
CPU_HOT_HELPER void set_ov(ppc_cpu *cpu, bool overflow)
{
    cpu->xer = overflow ? cpu->xer | XER_OV | XER_SO : cpu->xer & ~XER_OV;
}

/* Writes a register for a row with F_RC; the "." form then records CR0.  XER is updated before
 * this is called, so CR0[SO] sees the new SO. */
CPU_HOT_HELPER insn_result put_rc(ppc_cpu *cpu, const ppc_insn *insn, unsigned reg, uint64_t value)
{
    bool record = insn->rc; /* read first: what the run loop knows of it still holds */
    cpu->gpr[reg] = value;
    if (record) cpu_record_cr0(cpu, value);
    return INSN_NEXT;
}

/* ---- Add and subtract ---- */

/* a + b + carry_in.  CA is the carry out of bit 0, or in 32-bit mode the carry into bit 32 of
 * the full 64-bit sum; OV is the signed overflow of the 64-bit sum, or of its low word. */
CPU_HOT_HELPER uint64_t add_carrying(ppc_cpu *cpu, uint64_t a, uint64_t b, unsigned carry_in,
                                     bool set_carry, bool set_overflow)
{
    uint64_t partial, sum;
    bool carry_out = __builtin_add_overflow(a, b, &partial);
    carry_out |= __builtin_add_overflow(partial, (uint64_t)carry_in, &sum);
    if (set_carry) set_ca(cpu, mode64(cpu) ? carry_out : (((a ^ b ^ sum) >> 32) & 1) != 0);
    if (set_overflow) {
        uint64_t sign_flips = (sum ^ a) & (sum ^ b);
        set_ov(cpu, ((sign_flips >> (mode64(cpu) ? 63 : 31)) & 1) != 0);
    }
    return sum;
}

/* The XO-form add/subtract family: RT <- a + b + carry_in, OV when OE=1, CR0 when Rc=1.
 * Subtraction is ~(RA) + b + 1, as the ISA defines it. */
CPU_HOT_HELPER insn_result add_xo(ppc_cpu *cpu, const ppc_insn *insn, uint64_t a, uint64_t b,
                                  unsigned carry_in, bool set_carry)
{
    return put_rc(cpu, insn, insn->rt, add_carrying(cpu, a, b, carry_in, set_carry, insn->oe));
}

#define RA (cpu->gpr[insn->ra])
#define RB (cpu->gpr[insn->rb])
#define RS (cpu->gpr[insn->rt])

CPU_HOT_EXEC insn_result exec_add(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, RA, RB, 0, false);
}
insn_result exec_addc(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, RA, RB, 0, true);
}
insn_result exec_adde(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, RA, RB, xer_ca(cpu), true);
}
insn_result exec_addme(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, RA, ~0ull, xer_ca(cpu), true);
}
insn_result exec_addze(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, RA, 0, xer_ca(cpu), true);
}
CPU_HOT_EXEC insn_result exec_subf(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, RB, 1, false);
}
insn_result exec_subfc(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, RB, 1, true);
}
insn_result exec_subfe(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, RB, xer_ca(cpu), true);
}
insn_result exec_subfme(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, ~0ull, xer_ca(cpu), true);
}
insn_result exec_subfze(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, 0, xer_ca(cpu), true);
}
CPU_HOT_EXEC insn_result exec_neg(ppc_cpu *cpu, const ppc_insn *insn)
{
    return add_xo(cpu, insn, ~RA, 0, 1, false);
}

CPU_HOT_EXEC insn_result exec_addi(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = ra_or_zero(cpu, insn) + (uint64_t)insn->imm;
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_addis(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = ra_or_zero(cpu, insn) + ((uint64_t)insn->imm << 16);
    return INSN_NEXT;
}

insn_result exec_addic(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = add_carrying(cpu, RA, (uint64_t)insn->imm, 0, true, false);
    return INSN_NEXT;
}

insn_result exec_addic_rc(ppc_cpu *cpu, const ppc_insn *insn)
{
    exec_addic(cpu, insn);
    cpu_record_cr0(cpu, cpu->gpr[insn->rt]);
    return INSN_NEXT;
}

insn_result exec_subfic(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = add_carrying(cpu, ~RA, (uint64_t)insn->imm, 1, true, false);
    return INSN_NEXT;
}

/* ---- Multiply ---- */

insn_result exec_mulli(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = RA * (uint64_t)insn->imm;
    return INSN_NEXT;
}

/* The full 64-bit product of the low words; OV when it does not fit in 32 bits. */
insn_result exec_mullw(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t product = (int64_t)(int32_t)RA * (int32_t)RB;
    if (insn->oe) set_ov(cpu, product != (int32_t)product);
    return put_rc(cpu, insn, insn->rt, (uint64_t)product);
}

insn_result exec_mulld(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t product;
    bool overflow = __builtin_mul_overflow((int64_t)RA, (int64_t)RB, &product);
    if (insn->oe) set_ov(cpu, overflow);
    return put_rc(cpu, insn, insn->rt, (uint64_t)product);
}

/* mulhw/mulhwu: RT[0:31] is undefined; QEMU 7.2 zero-extends the high word of the product. */
insn_result exec_mulhw(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t product = (int64_t)(int32_t)RA * (int32_t)RB;
    return put_rc(cpu, insn, insn->rt, (uint32_t)((uint64_t)product >> 32));
}

insn_result exec_mulhwu(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t product = (uint64_t)(uint32_t)RA * (uint32_t)RB;
    return put_rc(cpu, insn, insn->rt, product >> 32);
}

insn_result exec_mulhd(ppc_cpu *cpu, const ppc_insn *insn)
{
    __int128 product = (__int128)(int64_t)RA * (int64_t)RB;
    return put_rc(cpu, insn, insn->rt, (uint64_t)((unsigned __int128)product >> 64));
}

insn_result exec_mulhdu(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned __int128 product = (unsigned __int128)RA * RB;
    return put_rc(cpu, insn, insn->rt, (uint64_t)(product >> 64));
}

/* ---- Divide ----
 * A division whose quotient is undefined (by zero, or overflowing) sets OV for the "o" form.
 * The undefined RT is what QEMU 7.2 returns: the plain divides divide by 1 instead (RT = the
 * dividend), the extended divides return 0.  Word divides leave RT[0:31] = 0 as QEMU does,
 * except divwe whose quotient QEMU sign-extends. */

static insn_result finish_divide(ppc_cpu *cpu, const ppc_insn *insn, uint64_t quotient,
                                 bool overflow)
{
    if (insn->oe) set_ov(cpu, overflow);
    return put_rc(cpu, insn, insn->rt, quotient);
}

insn_result exec_divw(ppc_cpu *cpu, const ppc_insn *insn)
{
    int32_t dividend = (int32_t)RA, divisor = (int32_t)RB;
    bool overflow = divisor == 0 || (dividend == INT32_MIN && divisor == -1);
    int32_t quotient = overflow ? dividend : dividend / divisor;
    return finish_divide(cpu, insn, (uint32_t)quotient, overflow);
}

insn_result exec_divwu(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint32_t dividend = (uint32_t)RA, divisor = (uint32_t)RB;
    bool overflow = divisor == 0;
    return finish_divide(cpu, insn, overflow ? dividend : dividend / divisor, overflow);
}

insn_result exec_divd(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t dividend = (int64_t)RA, divisor = (int64_t)RB;
    bool overflow = divisor == 0 || (dividend == INT64_MIN && divisor == -1);
    int64_t quotient = overflow ? dividend : dividend / divisor;
    return finish_divide(cpu, insn, (uint64_t)quotient, overflow);
}

insn_result exec_divdu(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t dividend = RA, divisor = RB;
    bool overflow = divisor == 0;
    return finish_divide(cpu, insn, overflow ? dividend : dividend / divisor, overflow);
}

/* divwe: ((RA)[32:63] || 32 zeros) / (RB)[32:63], the quotient must fit in 32 bits. */
insn_result exec_divwe(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t dividend = (int64_t)((uint64_t)(uint32_t)RA << 32);
    int64_t divisor = (int32_t)RB;
    bool overflow = divisor == 0 || (dividend == INT64_MIN && divisor == -1);
    int64_t quotient = overflow ? 0 : dividend / divisor;
    if (quotient != (int32_t)quotient) overflow = true;
    return finish_divide(cpu, insn, overflow ? 0 : (uint64_t)quotient, overflow);
}

insn_result exec_divweu(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t dividend = (uint64_t)(uint32_t)RA << 32;
    uint64_t divisor = (uint32_t)RB;
    uint64_t quotient = divisor ? dividend / divisor : 0;
    bool overflow = divisor == 0 || quotient > UINT32_MAX;
    return finish_divide(cpu, insn, overflow ? 0 : quotient, overflow);
}

/* divde: ((RA) || 64 zeros) / (RB), the quotient must fit in 64 bits.  QEMU 7.2 only
 * recognises overflow when |RA| >= |RB| (RT = 0); below that it returns the low 64 bits of the
 * quotient even when the quotient does not fit.  RT follows QEMU (it is undefined), OV follows
 * the ISA. */
insn_result exec_divde(ppc_cpu *cpu, const ppc_insn *insn)
{
    int64_t dividend_high = (int64_t)RA, divisor = (int64_t)RB;
    uint64_t magnitude_high =
        dividend_high < 0 ? -(uint64_t)dividend_high : (uint64_t)dividend_high;
    uint64_t magnitude_divisor = divisor < 0 ? -(uint64_t)divisor : (uint64_t)divisor;
    if (divisor == 0 || magnitude_high >= magnitude_divisor)
        return finish_divide(cpu, insn, 0, true);
    /* |quotient| < 2^64 here, so the 128-bit division cannot overflow. */
    __int128 quotient = (__int128)((unsigned __int128)RA << 64) / divisor;
    return finish_divide(cpu, insn, (uint64_t)quotient, quotient != (int64_t)quotient);
}

insn_result exec_divdeu(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t dividend_high = RA, divisor = RB;
    /* The quotient fits in 64 bits exactly when the high half is below the divisor. */
    bool overflow = divisor == 0 || dividend_high >= divisor;
    uint64_t quotient =
        overflow ? 0 : (uint64_t)(((unsigned __int128)dividend_high << 64) / divisor);
    return finish_divide(cpu, insn, quotient, overflow);
}

/* ---- Logical ---- */

CPU_HOT_EXEC insn_result exec_andi_rc(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS & (uint16_t)insn->imm;
    cpu_record_cr0(cpu, cpu->gpr[insn->ra]);
    return INSN_NEXT;
}

insn_result exec_andis_rc(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS & ((uint64_t)(uint16_t)insn->imm << 16);
    cpu_record_cr0(cpu, cpu->gpr[insn->ra]);
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_ori(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS | (uint16_t)insn->imm;
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_oris(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS | ((uint64_t)(uint16_t)insn->imm << 16);
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_xori(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS ^ (uint16_t)insn->imm;
    return INSN_NEXT;
}

insn_result exec_xoris(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->ra] = RS ^ ((uint64_t)(uint16_t)insn->imm << 16);
    return INSN_NEXT;
}

/* X-form instructions writing RA from RS (and RB), with Rc. */
#define X_TO_RA(name, expr)                                                                        \
    CPU_HOT_EXEC insn_result exec_##name(ppc_cpu *cpu, const ppc_insn *insn)                       \
    {                                                                                              \
        return put_rc(cpu, insn, insn->ra, (expr));                                                \
    }

X_TO_RA(and, RS &RB)
X_TO_RA(andc, RS & ~RB)
X_TO_RA(or, RS | RB)
X_TO_RA(orc, RS | ~RB)
X_TO_RA(xor, RS ^ RB)
X_TO_RA(nand, ~(RS &RB))
X_TO_RA(nor, ~(RS | RB))
X_TO_RA(eqv, ~(RS ^ RB))
X_TO_RA(extsb, (uint64_t)(int64_t)(int8_t)RS)
X_TO_RA(extsh, (uint64_t)(int64_t)(int16_t)RS)
X_TO_RA(extsw, (uint64_t)(int64_t)(int32_t)RS)
X_TO_RA(cntlzw, (uint32_t)RS ? (uint64_t)__builtin_clz((uint32_t)RS) : 32)
X_TO_RA(cntlzd, RS ? (uint64_t)__builtin_clzll(RS) : 64)

/* Population counts summed within fields of 8, 32 or 64 bits. */
static uint64_t popcount_fields(uint64_t v, unsigned field_bits)
{
    v = (v & 0x5555555555555555ull) + ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v & 0x0f0f0f0f0f0f0f0full) + ((v >> 4) & 0x0f0f0f0f0f0f0f0full);
    for (unsigned width = 8; width < field_bits; width *= 2) {
        uint64_t keep = ~0ull / ((1ull << width) + 1); /* the low `width` bits of each 2*width */
        v = (v & keep) + ((v >> width) & keep);
    }
    return v;
}

/* The parity of the least significant bit of each byte, per word or doubleword. */
static uint64_t byte_parity(uint64_t v, bool per_word)
{
    v &= 0x0101010101010101ull;
    if (!per_word) v ^= v >> 32;
    v ^= v >> 16;
    v ^= v >> 8;
    return v & (per_word ? 0x0000000100000001ull : 1ull);
}

static insn_result put_ra(ppc_cpu *cpu, const ppc_insn *insn, uint64_t value)
{
    cpu->gpr[insn->ra] = value;
    return INSN_NEXT;
}

insn_result exec_popcntb(ppc_cpu *cpu, const ppc_insn *insn)
{
    return put_ra(cpu, insn, popcount_fields(RS, 8));
}
insn_result exec_popcntw(ppc_cpu *cpu, const ppc_insn *insn)
{
    return put_ra(cpu, insn, popcount_fields(RS, 32));
}
insn_result exec_popcntd(ppc_cpu *cpu, const ppc_insn *insn)
{
    return put_ra(cpu, insn, popcount_fields(RS, 64));
}
insn_result exec_prtyw(ppc_cpu *cpu, const ppc_insn *insn)
{
    return put_ra(cpu, insn, byte_parity(RS, true));
}
insn_result exec_prtyd(ppc_cpu *cpu, const ppc_insn *insn)
{
    return put_ra(cpu, insn, byte_parity(RS, false));
}

insn_result exec_cmpb(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t result = 0;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        uint64_t byte = 0xffull << shift;
        if ((RS & byte) == (RB & byte)) result |= byte;
    }
    return put_ra(cpu, insn, result);
}

/* Each byte of RS selects a bit of RB (MSB-0 index, >= 64 selects 0); byte 0 gives bit 56. */
insn_result exec_bpermd(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t result = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned index = (unsigned)(RS >> (56 - 8 * i)) & 0xff;
        unsigned bit = index < 64 ? (unsigned)(RB >> (63 - index)) & 1 : 0;
        result |= (uint64_t)bit << (7 - i);
    }
    return put_ra(cpu, insn, result);
}

insn_result exec_isel(ppc_cpu *cpu, const ppc_insn *insn)
{
    cpu->gpr[insn->rt] = cpu_cr_bit(cpu, insn->me) ? ra_or_zero(cpu, insn) : RB;
    return INSN_NEXT;
}

/* ---- Rotate and shift ---- */

CPU_HOT_HELPER uint64_t rotl64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v << n) | (v >> (64 - n)) : v;
}

/* ROTL32: the low word rotated, replicated into both halves (the ISA's definition). */
CPU_HOT_HELPER uint64_t rotl32(uint64_t v, unsigned n)
{
    uint64_t word = (uint32_t)v;
    return rotl64(word | (word << 32), n & 31);
}

/* The row's rotate mask, which decode computed (decode.c: rotate_mask). */
CPU_HOT_HELPER uint64_t rotate_mask(const ppc_insn *insn)
{
    return (uint64_t)insn->imm;
}

CPU_HOT_HELPER insn_result rotate_and_mask(ppc_cpu *cpu, const ppc_insn *insn, uint64_t rotated)
{
    return put_rc(cpu, insn, insn->ra, rotated & rotate_mask(insn));
}

static insn_result rotate_and_insert(ppc_cpu *cpu, const ppc_insn *insn, uint64_t rotated)
{
    uint64_t mask = rotate_mask(insn);
    return put_rc(cpu, insn, insn->ra, (rotated & mask) | (RA & ~mask));
}

CPU_HOT_EXEC insn_result exec_rlwinm(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl32(RS, insn->sh));
}
insn_result exec_rlwnm(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl32(RS, (unsigned)RB & 31));
}
insn_result exec_rlwimi(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_insert(cpu, insn, rotl32(RS, insn->sh));
}
/* MD/MDS forms: insn->sh is the 6-bit shift. */
CPU_HOT_EXEC insn_result exec_rldicl(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl64(RS, insn->sh));
}
CPU_HOT_EXEC insn_result exec_rldicr(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl64(RS, insn->sh));
}
insn_result exec_rldic(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl64(RS, insn->sh));
}
insn_result exec_rldimi(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_insert(cpu, insn, rotl64(RS, insn->sh));
}
insn_result exec_rldcl(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl64(RS, (unsigned)RB));
}
insn_result exec_rldcr(ppc_cpu *cpu, const ppc_insn *insn)
{
    return rotate_and_mask(cpu, insn, rotl64(RS, (unsigned)RB));
}

/* Shift amounts: words use RB[58:63] (32..63 clear everything), doublewords RB[57:63]. */
static unsigned word_shift(uint64_t rb)
{
    return (unsigned)rb & 63;
}
static unsigned dword_shift(uint64_t rb)
{
    return (unsigned)rb & 127;
}

X_TO_RA(slw, word_shift(RB) < 32 ? (uint32_t)(RS << word_shift(RB)) : 0)
X_TO_RA(srw, word_shift(RB) < 32 ? (uint32_t)RS >> word_shift(RB) : 0)
X_TO_RA(sld, dword_shift(RB) < 64 ? RS << dword_shift(RB) : 0)
X_TO_RA(srd, dword_shift(RB) < 64 ? RS >> dword_shift(RB) : 0)

/* Shift right algebraic of a sign-extended value by n (0..127): CA is set when the value is
 * negative and any 1 bit was shifted out. */
static uint64_t shift_right_algebraic(ppc_cpu *cpu, int64_t value, unsigned n)
{
    bool negative = value < 0;
    if (n >= 64) {
        set_ca(cpu, negative);
        return negative ? ~0ull : 0;
    }
    uint64_t shifted_out = n ? (uint64_t)value << (64 - n) : 0;
    set_ca(cpu, negative && shifted_out != 0);
    return (uint64_t)(value >> n);
}

X_TO_RA(sraw, shift_right_algebraic(cpu, (int32_t)RS, word_shift(RB)))
X_TO_RA(srawi, shift_right_algebraic(cpu, (int32_t)RS, insn->rb))
X_TO_RA(srad, shift_right_algebraic(cpu, (int64_t)RS, dword_shift(RB)))
X_TO_RA(sradi, shift_right_algebraic(cpu, (int64_t)RS, insn->sh))

/* ---- Compare ---- */

/* BF <- LT/GT/EQ || XER[SO].  BF is bits 6-8 and L bit 10 of the word (insn->rt = BF<<2|0|L). */
CPU_HOT_HELPER insn_result compare(ppc_cpu *cpu, const ppc_insn *insn, bool less, bool greater)
{
    unsigned flags = less ? 8u : greater ? 4u : 2u;
    cpu_set_cr_field(cpu, insn->rt >> 2, flags | ((cpu->xer & XER_SO) ? 1u : 0u));
    return INSN_NEXT;
}

/* L=0 compares the low words, sign-extended for the signed compares. */
CPU_HOT_HELPER insn_result compare_signed(ppc_cpu *cpu, const ppc_insn *insn, uint64_t a,
                                          uint64_t b)
{
    bool doubleword = insn->rt & 1;
    int64_t x = doubleword ? (int64_t)a : (int32_t)a;
    int64_t y = doubleword ? (int64_t)b : (int32_t)b;
    return compare(cpu, insn, x<y, x> y);
}

CPU_HOT_HELPER insn_result compare_unsigned(ppc_cpu *cpu, const ppc_insn *insn, uint64_t a,
                                            uint64_t b)
{
    bool doubleword = insn->rt & 1;
    uint64_t x = doubleword ? a : (uint32_t)a;
    uint64_t y = doubleword ? b : (uint32_t)b;
    return compare(cpu, insn, x<y, x> y);
}

CPU_HOT_EXEC insn_result exec_cmp(ppc_cpu *cpu, const ppc_insn *insn)
{
    return compare_signed(cpu, insn, RA, RB);
}
CPU_HOT_EXEC insn_result exec_cmpl(ppc_cpu *cpu, const ppc_insn *insn)
{
    return compare_unsigned(cpu, insn, RA, RB);
}
CPU_HOT_EXEC insn_result exec_cmpi(ppc_cpu *cpu, const ppc_insn *insn)
{
    return compare_signed(cpu, insn, RA, (uint64_t)insn->imm);
}
CPU_HOT_EXEC insn_result exec_cmpli(ppc_cpu *cpu, const ppc_insn *insn)
{
    return compare_unsigned(cpu, insn, RA, (uint16_t)insn->imm);
}

/* ---- Trap ---- */

/* TO bits (MSB-0 0..4): signed <, signed >, =, unsigned <, unsigned >.  Word traps compare the
 * low words.  A trap is a program interrupt with SRR0 = the trap instruction. */
static insn_result trap_if(ppc_cpu *cpu, const ppc_insn *insn, uint64_t a, uint64_t b, bool word)
{
    int64_t sa = word ? (int32_t)a : (int64_t)a, sb = word ? (int32_t)b : (int64_t)b;
    uint64_t ua = word ? (uint32_t)a : a, ub = word ? (uint32_t)b : b;
    unsigned to = insn->rt;
    bool trap = ((to & 0x10) && sa < sb) || ((to & 0x08) && sa > sb) || ((to & 0x04) && ua == ub) ||
                ((to & 0x02) && ua < ub) || ((to & 0x01) && ua > ub);
    return trap ? cpu_program_interrupt(cpu, SRR1_PROGRAM_TRAP) : INSN_NEXT;
}

insn_result exec_tw(ppc_cpu *cpu, const ppc_insn *insn)
{
    return trap_if(cpu, insn, RA, RB, true);
}
insn_result exec_td(ppc_cpu *cpu, const ppc_insn *insn)
{
    return trap_if(cpu, insn, RA, RB, false);
}
insn_result exec_twi(ppc_cpu *cpu, const ppc_insn *insn)
{
    return trap_if(cpu, insn, RA, (uint64_t)insn->imm, true);
}
insn_result exec_tdi(ppc_cpu *cpu, const ppc_insn *insn)
{
    return trap_if(cpu, insn, RA, (uint64_t)insn->imm, false);
}
