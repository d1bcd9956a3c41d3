/* Load/store and storage-control execute functions (rows in insns/loadstore.def).
 *
 * The plain loads and stores share one generic helper each: size, update and indexing come from
 * the row (F_SIZE, F_UPDATE, X-form), sign extension and byte reversal from the execute
 * function the row names.  Architected behaviour follows Power ISA 2.07; where POWER8 leaves a
 * choice (invalid forms, alignment), it follows QEMU 7.2 (target/ppc/translate.c,
 * translate/fixedpoint-impl.c.inc, mem_helper.c). */
#include "cpu/cpu_state.h"

/* POWER8 cache block size: dcbz zeroes and icbi probes whole 128-byte blocks. */
#define CACHE_BLOCK_SIZE 128u

CPU_HOT_HELPER const insn_row *row_of(const ppc_insn *insn)
{
    return &insn_table[insn->id];
}

CPU_HOT_HELPER unsigned access_size(const ppc_insn *insn)
{
    return F_SIZE_OF(row_of(insn)->flags);
}

CPU_HOT_HELPER uint64_t base_register(const ppc_cpu *cpu, const ppc_insn *insn)
{
    return insn->ra ? cpu->gpr[insn->ra] : 0;
}

/* EA = (RA|0) + (RB or the displacement), truncated to 32 bits in 32-bit mode. */
CPU_HOT_HELPER uint64_t effective_address(const ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t offset = row_of(insn)->form == FORM_X ? cpu->gpr[insn->rb] : (uint64_t)insn->imm;
    return (base_register(cpu, insn) + offset) & cpu_ea_mask(cpu);
}

CPU_HOT_HELPER uint64_t sign_extend(uint64_t value, unsigned size)
{
    unsigned shift = 64 - 8 * size;
    return (uint64_t)((int64_t)(value << shift) >> shift);
}

CPU_HOT_HELPER uint64_t truncate_to(uint64_t value, unsigned size)
{
    return size >= 8 ? value : value & ((1ull << (8 * size)) - 1);
}

/* Alignment interrupt as QEMU 7.2 delivers it on POWER8: DAR = EA when an unaligned access
 * caused it (not for the little-endian string/multiple case), and the RT/RA fields of the
 * instruction ORed into DSISR[54:63] (powerpc_excp_books ORs rather than replaces). */
static insn_result alignment_interrupt(ppc_cpu *cpu, bool set_dar, uint64_t ea)
{
    if (set_dar) cpu->spr[SPR_DAR] = ea;
    cpu->spr[SPR_DSISR] |= (cpu_current_insn(cpu)->word >> 16) & 0x3ffu;
    cpu_interrupt(cpu, VEC_ALIGNMENT, cpu->nip, 0);
    return INSN_JUMP;
}

/* ---- Plain loads and stores ---- */

CPU_HOT_HELPER insn_result generic_load(ppc_cpu *cpu, const ppc_insn *insn, bool algebraic,
                                        bool reverse)
{
    bool update = (row_of(insn)->flags & F_UPDATE) != 0;
    if (update && (insn->ra == 0 || insn->ra == insn->rt)) return cpu_hea_interrupt(cpu);
    unsigned size = access_size(insn);
    uint64_t ea = effective_address(cpu, insn);
    uint64_t value;
    if (!cpu_load(cpu, ea, size, &value)) return INSN_JUMP;
    if (reverse) value = cpu_byte_reverse(value, size);
    if (algebraic) value = sign_extend(value, size);
    if (update) cpu->gpr[insn->ra] = ea;
    cpu->gpr[insn->rt] = value;
    return INSN_NEXT;
}

CPU_HOT_HELPER insn_result generic_store(ppc_cpu *cpu, const ppc_insn *insn, bool reverse)
{
    bool update = (row_of(insn)->flags & F_UPDATE) != 0;
    if (update && insn->ra == 0) return cpu_hea_interrupt(cpu);
    unsigned size = access_size(insn);
    uint64_t ea = effective_address(cpu, insn);
    uint64_t value = truncate_to(cpu->gpr[insn->rt], size);
    if (reverse) value = cpu_byte_reverse(value, size);
    if (!cpu_store(cpu, ea, size, value)) return INSN_JUMP;
    if (update) cpu->gpr[insn->ra] = ea;
    return INSN_NEXT;
}

CPU_HOT_EXEC insn_result exec_load(ppc_cpu *cpu, const ppc_insn *insn)
{
    return generic_load(cpu, insn, false, false);
}

CPU_HOT_EXEC insn_result exec_load_algebraic(ppc_cpu *cpu, const ppc_insn *insn)
{
    return generic_load(cpu, insn, true, false);
}

insn_result exec_load_byte_reverse(ppc_cpu *cpu, const ppc_insn *insn)
{
    return generic_load(cpu, insn, false, true);
}

CPU_HOT_EXEC insn_result exec_store(ppc_cpu *cpu, const ppc_insn *insn)
{
    return generic_store(cpu, insn, false);
}

insn_result exec_store_byte_reverse(ppc_cpu *cpu, const ppc_insn *insn)
{
    return generic_store(cpu, insn, true);
}

/* The cache-inhibited forms are hypervisor real-mode only: the decoder's gate has checked
 * PR=0/HV=1; QEMU 7.2 (CHK_HVRM) also refuses them with MSR[DR]=1, as a privileged program
 * interrupt. */
static bool cache_inhibited_refused(ppc_cpu *cpu)
{
    if (!(cpu->msr & MSR_DR)) return false;
    cpu_program_interrupt(cpu, SRR1_PROGRAM_PRIV);
    return true;
}

insn_result exec_load_cache_inhibited(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (cache_inhibited_refused(cpu)) return INSN_JUMP;
    return generic_load(cpu, insn, false, false);
}

insn_result exec_store_cache_inhibited(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (cache_inhibited_refused(cpu)) return INSN_JUMP;
    return generic_store(cpu, insn, false);
}

/* ---- Load/store multiple and string ---- */

/* Whether register `reg` is among the `count` registers from `first` up (wrapping past r31). */
static bool register_in_range(unsigned first, unsigned count, unsigned reg)
{
    return ((reg - first) & 31u) < count;
}

/* Loads `nbytes` bytes from EA into RT, RT+1, ... (wrapping past r31), four per register; a
 * last partial register is filled from the left and zero-padded. */
static insn_result load_string(ppc_cpu *cpu, uint64_t ea, unsigned first, unsigned nbytes)
{
    unsigned reg = first;
    for (unsigned done = 0; done < nbytes; reg = (reg + 1) & 31u) {
        uint64_t word = 0;
        for (unsigned i = 0; i < 4; i++) {
            uint64_t byte = 0;
            if (done < nbytes) {
                if (!cpu_load(cpu, ea, 1, &byte)) return INSN_JUMP;
                ea = (ea + 1) & cpu_ea_mask(cpu);
                done++;
            }
            word = (word << 8) | byte;
        }
        cpu->gpr[reg] = word;
    }
    return INSN_NEXT;
}

/* Stores `nbytes` bytes from the low words of RS, RS+1, ... (wrapping past r31). */
static insn_result store_string(ppc_cpu *cpu, uint64_t ea, unsigned first, unsigned nbytes)
{
    for (unsigned done = 0; done < nbytes; done++) {
        unsigned reg = (first + done / 4) & 31u;
        uint64_t byte = (cpu->gpr[reg] >> (24 - 8 * (done % 4))) & 0xff;
        if (!cpu_store(cpu, ea, 1, byte)) return INSN_JUMP;
        ea = (ea + 1) & cpu_ea_mask(cpu);
    }
    return INSN_NEXT;
}

/* lmw/stmw/lsw/stsw are big-endian only: QEMU 7.2 (gen_align_no_le) raises an alignment
 * interrupt in little-endian mode without touching DAR. */
static bool little_endian_refused(ppc_cpu *cpu)
{
    if (!(cpu->msr & MSR_LE)) return false;
    alignment_interrupt(cpu, false, 0);
    return true;
}

/* lmw with RA in the loaded range is an invalid form that QEMU 7.2 executes (gen_lmw has no
 * check), loading words in order; so does this. */
insn_result exec_lmw(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    uint64_t ea = effective_address(cpu, insn);
    for (unsigned reg = insn->rt; reg < 32; reg++) {
        uint64_t word;
        if (!cpu_load(cpu, ea, 4, &word)) return INSN_JUMP;
        cpu->gpr[reg] = word;
        ea = (ea + 4) & cpu_ea_mask(cpu);
    }
    return INSN_NEXT;
}

insn_result exec_stmw(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    uint64_t ea = effective_address(cpu, insn);
    for (unsigned reg = insn->rt; reg < 32; reg++) {
        if (!cpu_store(cpu, ea, 4, cpu->gpr[reg] & 0xffffffffull)) return INSN_JUMP;
        ea = (ea + 4) & cpu_ea_mask(cpu);
    }
    return INSN_NEXT;
}

static unsigned immediate_byte_count(const ppc_insn *insn)
{
    return insn->rb ? insn->rb : 32;
}

static unsigned registers_for(unsigned nbytes)
{
    return (nbytes + 3) / 4;
}

/* lswi: RA in the loaded range (RA=0 included, as the ISA says) is invalid: HEA in QEMU 7.2. */
insn_result exec_lswi(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    unsigned nbytes = immediate_byte_count(insn);
    if (register_in_range(insn->rt, registers_for(nbytes), insn->ra)) return cpu_hea_interrupt(cpu);
    return load_string(cpu, base_register(cpu, insn) & cpu_ea_mask(cpu), insn->rt, nbytes);
}

/* lswx: RA (when not 0) or RB in the loaded range is invalid; QEMU 7.2's helper_lswx raises a
 * program interrupt (illegal instruction) for it, not HEA.  XER[BC]=0 loads nothing. */
insn_result exec_lswx(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    unsigned nbytes = (unsigned)(cpu->xer & XER_BC);
    if (nbytes == 0) return INSN_NEXT;
    unsigned count = registers_for(nbytes);
    if ((insn->ra && register_in_range(insn->rt, count, insn->ra)) ||
        register_in_range(insn->rt, count, insn->rb))
        return cpu_program_interrupt(cpu, SRR1_PROGRAM_ILLEGAL);
    return load_string(cpu, effective_address(cpu, insn), insn->rt, nbytes);
}

insn_result exec_stswi(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    return store_string(cpu, base_register(cpu, insn) & cpu_ea_mask(cpu), insn->rt,
                        immediate_byte_count(insn));
}

insn_result exec_stswx(ppc_cpu *cpu, const ppc_insn *insn)
{
    if (little_endian_refused(cpu)) return INSN_JUMP;
    return store_string(cpu, effective_address(cpu, insn), insn->rt, (unsigned)(cpu->xer & XER_BC));
}

/* ---- Load and reserve / store conditional ---- */

/* larx: an unaligned EA raises the alignment interrupt before translation (QEMU: MO_ALIGN).
 * The reservation records the real address and the length. EH (bit 31) is only a hint. */
insn_result exec_larx(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned size = access_size(insn);
    uint64_t ea = effective_address(cpu, insn);
    uint64_t pa, value;
    if (ea & (size - 1)) return alignment_interrupt(cpu, true, ea);
    if (!cpu_translate_data(cpu, ea, false, &pa)) return INSN_JUMP;
    if (!cpu_load(cpu, ea, size, &value)) return INSN_JUMP;
    cpu->gpr[insn->rt] = value;
    cpu->reserve_valid = true;
    cpu->reserve_addr = pa;
    cpu->reserve_size = (uint8_t)size;
    return INSN_NEXT;
}

/* stcx.: stores only when a reservation exists for this real address and length; like QEMU
 * 7.2 (gen_conditional_store) it touches storage (and can fault) only in that case.  An
 * unaligned stcx. therefore never stores: the larx that made a matching reservation had the
 * same, aligned, address and length.  The reservation is always cleared;
 * CR0 = 0b00 || success || XER[SO]. */
insn_result exec_stcx(ppc_cpu *cpu, const ppc_insn *insn)
{
    unsigned size = access_size(insn);
    uint64_t ea = effective_address(cpu, insn);
    uint64_t pa;
    bool reserved = cpu->reserve_valid && cpu_translate_probe(cpu, ea, false, &pa) &&
                    pa == cpu->reserve_addr && size == cpu->reserve_size;
    if (reserved && !cpu_store(cpu, ea, size, truncate_to(cpu->gpr[insn->rt], size)))
        return INSN_JUMP;
    cpu->reserve_valid = false;
    cpu_set_cr_field(cpu, 0, (reserved ? 2u : 0u) | ((cpu->xer & XER_SO) ? 1u : 0u));
    return INSN_NEXT;
}

/* ---- Storage control ---- */

/* sync/lwsync/ptesync, eieio, isync: one thread with in-order storage has nothing to order;
 * isync's context synchronisation is the F_CTXSYNC flag (the decoded-code cache already
 * reflects every store and icbi). */
insn_result exec_memory_barrier(ppc_cpu *cpu, const ppc_insn *insn)
{
    return INSN_NEXT;
}

/* dcbt/dcbtst: hints, never fault (QEMU 7.2 generates nothing for them). */
insn_result exec_cache_hint(ppc_cpu *cpu, const ppc_insn *insn)
{
    return INSN_NEXT;
}

/* dcbf/dcbst: QEMU 7.2 probes the block with a one-byte load, so they fault like a load. */
insn_result exec_cache_flush(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t byte;
    return cpu_load(cpu, effective_address(cpu, insn), 1, &byte) ? INSN_NEXT : INSN_JUMP;
}

/* dcbi (privileged): QEMU 7.2 loads and stores back one byte, faulting as a load first. */
insn_result exec_dcbi(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t ea = effective_address(cpu, insn);
    uint64_t byte;
    if (!cpu_load(cpu, ea, 1, &byte) || !cpu_store(cpu, ea, 1, byte)) return INSN_JUMP;
    return INSN_NEXT;
}

static uint64_t block_address(const ppc_cpu *cpu, const ppc_insn *insn)
{
    return effective_address(cpu, insn) & ~(uint64_t)(CACHE_BLOCK_SIZE - 1);
}

/* icbi: translated and probed as a 4-byte data load of the block (QEMU 7.2 helper_icbi), then
 * the decoded instructions of the block are dropped.  (Stores already drop the slots they
 * overlap; icbi covers code that reached RAM some other way.) */
insn_result exec_icbi(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t ea = block_address(cpu, insn);
    uint64_t pa, word;
    if (!cpu_translate_data(cpu, ea, false, &pa)) return INSN_JUMP;
    if (!cpu_load(cpu, ea, 4, &word)) return INSN_JUMP;
    cpu_code_written(cpu, pa, CACHE_BLOCK_SIZE);
    return INSN_NEXT;
}

/* dcbz: zeroes the aligned 128-byte block as a store (DSI with DSISR[STORE]); QEMU 7.2 has no
 * little-endian or alignment restriction for it on POWER8 and drops a reservation on the
 * block. */
insn_result exec_dcbz(ppc_cpu *cpu, const ppc_insn *insn)
{
    uint64_t ea = block_address(cpu, insn);
    uint64_t pa;
    if (!cpu_translate_data(cpu, ea, true, &pa)) return INSN_JUMP;
    for (unsigned offset = 0; offset < CACHE_BLOCK_SIZE; offset += 8)
        if (!cpu_store(cpu, ea + offset, 8, 0)) return INSN_JUMP;
    if (cpu->reserve_valid && (cpu->reserve_addr & ~(uint64_t)(CACHE_BLOCK_SIZE - 1)) == pa)
        cpu->reserve_valid = false;
    return INSN_NEXT;
}
