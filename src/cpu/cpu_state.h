/* The flat CPU state and the helpers execute functions use.  Only src/cpu/ and white-box unit
 * tests include this; everyone else goes through cpu.h. */
#ifndef HCALLSIM_CPU_CPU_STATE_H
#define HCALLSIM_CPU_CPU_STATE_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/insn_table.h"
#include "cpu/spr.h"

/* XER bits (LSB-0). */
#define XER_SO   (1ull << 31)
#define XER_OV   (1ull << 30)
#define XER_CA   (1ull << 29)
#define XER_OV32 (1ull << 19)
#define XER_CA32 (1ull << 18)
#define XER_BC   0x7full

/* SRR1 reason bits for program interrupts (LSB-0), as QEMU sets them. */
#define SRR1_PROGRAM_FP      0x00100000ull
#define SRR1_PROGRAM_ILLEGAL 0x00080000ull
#define SRR1_PROGRAM_PRIV    0x00040000ull
#define SRR1_PROGRAM_TRAP    0x00020000ull

/* DSISR bits. */
#define DSISR_NOPTE     0x40000000u
#define DSISR_PROTFAULT 0x08000000u
#define DSISR_STORE     0x02000000u

/* SRR1 bits that interrupts clear: 33:36 and 42:47 (MSB-0). */
#define SRR1_INTERRUPT_CLEAR 0x783f0000ull

/* Interrupt vectors. */
typedef enum ppc_vector {
    VEC_SYSTEM_RESET = 0x100,
    VEC_MACHINE_CHECK = 0x200,
    VEC_DSI = 0x300,
    VEC_DSEG = 0x380,
    VEC_ISI = 0x400,
    VEC_ISEG = 0x480,
    VEC_EXTERNAL = 0x500,
    VEC_ALIGNMENT = 0x600,
    VEC_PROGRAM = 0x700,
    VEC_FP_UNAVAILABLE = 0x800,
    VEC_DECREMENTER = 0x900,
    VEC_HV_DECREMENTER = 0x980,
    VEC_DOORBELL = 0xa00,
    VEC_SYSTEM_CALL = 0xc00,
    VEC_TRACE = 0xd00,
    VEC_HDSI = 0xe00,
    VEC_HISI = 0xe20,
    VEC_HEA = 0xe40,
    VEC_HMI = 0xe60,
    VEC_HV_DOORBELL = 0xe80,
    VEC_PERFMON = 0xf00,
    VEC_VMX_UNAVAILABLE = 0xf20,
    VEC_VSX_UNAVAILABLE = 0xf40,
    VEC_FAC_UNAVAILABLE = 0xf60,
    VEC_HV_FAC_UNAVAILABLE = 0xf80,
} ppc_vector;

/* Segment lookaside buffer entries on POWER8. */
#define SLB_ENTRIES 32u

/* A decoded 4 KiB page of code, keyed by physical page and MSR[LE].  insn[1024] is not an
 * instruction: its `hot` is always INSN_HOT_PAGE_END, where the plain loop leaves a block that
 * falls off the page. */
typedef struct code_page {
    uint64_t pa; /* page-aligned physical address */
    bool little_endian;
    ppc_insn insn[1024 + 1];
} code_page;

/* One translation of a 4 KiB effective page with relocation on, and what it depends on. */
#define MMU_CACHE_ENTRIES 64u
typedef struct mmu_cache_entry {
    uint64_t tag;                /* EA page | MSR[PR] << 1 | 1 (valid) */
    uint64_t pa_page;            /* real address of the 4 KiB page */
    uint64_t slb_esid, slb_vsid; /* the SLB entry used, as it was */
    uint64_t sdr1, lpcr, amr, iamr;
    uint64_t hpte_addr; /* the HPTE used, and its two dwords as memory held them */
    uint64_t hpte_raw[2];
    uint8_t slb_index;
    uint8_t access_ok; /* 1 << mmu_access for each access that needs no R/C update */
} mmu_cache_entry;

/* The data map (storage.c): per MSR translation context, effective 4 KiB pages whose
 * translation is plain real mode (no page table, no device) mapped to host pointers into RAM,
 * so that cpu_load/cpu_store need no translation.  A store entry also knows the page's decoded
 * code, if any.  See cpu_data_map_flush() for what drops it. */
#define DMAP_ENTRIES  32u
#define DMAP_CONTEXTS 16u /* MSR[HV], MSR[PR], MSR[DR], MSR[LE] */
#define DMAP_INVALID  1ull
typedef struct dmap_entry {
    uint64_t ea_page;       /* DMAP_INVALID when empty */
    uint8_t *host;          /* RAM of the page */
    struct code_page *code; /* store entries: the page's decoded code, whose slots a store clears */
} dmap_entry;
typedef struct data_map {
    dmap_entry load[DMAP_ENTRIES], store[DMAP_ENTRIES];
} data_map;

struct ppc_cpu {
    /* User-visible state. */
    uint64_t gpr[32];
    uint64_t nip;
    uint64_t msr;
    uint32_t cr;  /* CR0 in bits 31:28 ... CR7 in bits 3:0 */
    uint64_t xer; /* SO, OV, CA, OV32, CA32 and the byte count, in their architected bits */
    uint64_t lr, ctr, tar;

    /* Every other SPR is stored here, indexed by SPR number, and reached through spr.c. */
    uint64_t spr[1024];

    /* Reservation (larx/stcx.). */
    bool reserve_valid;
    uint64_t reserve_addr; /* real address */
    uint8_t reserve_size;

    /* Time: cycles drive TB; DEC and HDEC are kept as (value written, TB at the write).
     * The cycle count is not stored: the run loops count down `left`, the cycles until
     * `next_event` (when they must next check interrupts, timers, stops and the budget).  The
     * plain loop settles `left` only when it leaves a block (run.c): a run of slots of the fetch
     * page that began at slot `block_start`, address `block_nip`.  Inside one, the instructions
     * before the current one are owed, (NIP - block_nip) / 4, so cpu_now() = next_event - left
     * + owed; the loop writes NIP before every instruction that may read it or the time, so NIP
     * is the CIA whenever an execute function runs.  A block ends at its page's PAGE_END slot or
     * at `block_stop`, a slot whose `hot` the loop replaced with INSN_HOT_STOP for the block
     * (`block_stop_hot` is what it was).  Set next_event only through cpu_set_next_event(),
     * which settles the block at the current instruction and ends it after it.  Execute
     * functions that change NIP do it after their last MSR write (interrupt delivery, rfid). */
    int64_t left;
    uint64_t next_event;
    ppc_insn *block_start; /* NULL outside a block of the plain loop, or once settled */
    uint64_t block_nip;
    ppc_insn *block_stop; /* NULL when the block ends at the page end */
    uint8_t block_stop_hot;
    uint64_t idle_steps; /* steps that retired no instruction: instructions = cycles - these */
    uint64_t tb_base;    /* TB = tb_base + cycles / CYCLES_PER_TB_TICK */
    uint64_t dec_written, dec_written_tb;
    uint64_t hdec_written, hdec_written_tb;
    bool hdec_pending; /* HDEC interrupts are edge-triggered (0 -> negative) */
    bool hdec_armed;   /* HDEC was non-negative when last seen: an edge can come */

    /* Stop and failure reporting. */
    bool stop_requested;
    cpu_exit exit_reason; /* set with stop_requested for checkstop/unimplemented */
    char exit_detail[160];

    /* The executing instruction, for the observed loop and once a block is settled; use
     * cpu_current_insn(). */
    const ppc_insn *current_insn;
    /* The observed loop: the address of the instruction executing (set before its `before` hook,
     * still set in its `after` hook), CIA_NONE between instructions, so an observer that needs
     * no pre-state can do without a `before` hook. */
    uint64_t observed_cia;
    /* Set while cpu_run_observed() runs; interrupt delivery reports to it. */
    const cpu_observer *observer;

    /* Physical memory and the decoded-code cache (one slot per RAM page).  Code pages are
     * cleared in place, never freed while the CPU lives, so the run loop may hold pointers. */
    phys_memory mem;
    code_page **code;
    uint64_t code_pages;

    /* The fetch cache (run.c): the code page that NIP's 4 KiB effective page translated to,
     * valid while NIP stays in that page and MSR is unchanged.  Instructions that may change
     * the translation of instruction fetch (decode.c: context synchronising, SLB/TLB, icbi,
     * mtspr of a translation SPR) drop it with cpu_fetch_resync(). */
    uint64_t fetch_ea_page; /* FETCH_NONE when invalid */
    uint64_t fetch_msr;
    code_page *fetch_page;

    /* Segment lookaside buffer (POWER8: 32 entries), written by slbmte and read back by
     * slbmfee/slbmfev/slbfee.; esid holds ESID||V as RB gave it, vsid the RS image. */
    struct {
        uint64_t esid, vsid;
    } slb[SLB_ENTRIES];

    /* Software translation cache for relocated accesses (mmu_hash64.c).  Each entry keeps the
     * state it was derived from and is checked against it on every use, so nothing needs to
     * flush it. */
    mmu_cache_entry mmu_cache[MMU_CACHE_ENTRIES];

    /* The data map of the current MSR context (cpu_write_msr() switches it). */
    data_map *dmap;
    data_map dmaps[DMAP_CONTEXTS];
};

/* For the helpers of the hot execute functions (insns/hot.def): always inlined, so that each
 * execute function is one body the run loop can inline whole. */
#define CPU_HOT_HELPER static inline __attribute__((always_inline))
/* For the hot execute functions themselves: with link-time optimisation (HCALLSIM_LTO) the run
 * loop, in another file, must inline them; the table still takes their address. */
#ifdef HCALLSIM_LTO
#define CPU_HOT_EXEC inline __attribute__((always_inline))
#else
#define CPU_HOT_EXEC
#endif

/* The halves of exec_bc for the plain loop's BC rows (exec_branch.c, insns/hot.def): whether the
 * branch is taken (CTR updated as BO says; needs no CIA), and the taken branch (CFAR, NIP). */
bool bc_branches(ppc_cpu *cpu, const ppc_insn *insn);
insn_result bc_take(ppc_cpu *cpu, const ppc_insn *insn);

/* ---- Interrupts (interrupt.c): the one delivery function ----
 * `srr0` is the address saved (the faulting instruction, or the next one for sc); `srr1_bits`
 * are the interrupt-specific SRR1 bits ORed into the saved MSR.  Sets NIP and MSR. */
void cpu_interrupt(ppc_cpu *cpu, ppc_vector vector, uint64_t srr0, uint64_t srr1_bits);
/* The System Call interrupt: LEV=1 enters hypervisor state; SRR0 = the instruction after sc. */
void cpu_system_call(ppc_cpu *cpu, unsigned lev);
/* Shorthands that every execute function uses; each returns INSN_JUMP. */
insn_result cpu_program_interrupt(ppc_cpu *cpu, uint64_t reason); /* SRR1_PROGRAM_* */
insn_result cpu_hea_interrupt(ppc_cpu *cpu);                      /* illegal/invalid form */
insn_result cpu_facility_unavailable(ppc_cpu *cpu, ppc_vector vector);
/* A privileged instruction from problem state, or a hypervisor one from guest state, raises
 * what POWER8 under QEMU raises.  Returns true (and delivers it) if the instruction may not run. */
bool cpu_check_privilege(ppc_cpu *cpu, uint32_t flags);
/* Re-evaluate pending asynchronous interrupts (DEC, HDEC) at the next instruction boundary. */
void cpu_recheck_interrupts(ppc_cpu *cpu);
/* Deliver a pending asynchronous interrupt if one is enabled.  Returns true if delivered. */
bool cpu_deliver_pending(ppc_cpu *cpu);

/* ---- Storage (storage.c) ----
 * Loads and stores by effective address, with translation for the current MSR, byte order per
 * MSR[LE], and the architected interrupt on failure.  They return false after delivering the
 * interrupt; the execute function must then return INSN_JUMP.  cpu_load/cpu_store (below) try
 * the data map inline and fall back to these. */
bool cpu_load_slow(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value);
bool cpu_store_slow(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value);
/* The observer's mem_access hook for an access the data map served. */
void cpu_report_access(ppc_cpu *cpu, uint64_t ea, uint64_t pa, unsigned size, bool is_store);
/* Drops every data map entry (a translation SPR, the SLB or the TLB changed); with
 * `stores_only`, the store entries (code was decoded in some page). */
void cpu_data_map_flush(ppc_cpu *cpu, bool stores_only);
/* The data map for an MSR value. */
static inline data_map *cpu_data_map_for(ppc_cpu *cpu, uint64_t msr)
{
    unsigned context = ((msr & MSR_HV) ? 8u : 0u) | ((msr & MSR_PR) ? 4u : 0u) |
                       ((msr & MSR_DR) ? 2u : 0u) | ((msr & MSR_LE) ? 1u : 0u);
    return &cpu->dmaps[context];
}
/* Translate for data; on failure delivers DSI/machine check and returns false. */
bool cpu_translate_data(ppc_cpu *cpu, uint64_t ea, bool is_store, uint64_t *pa);
/* Translate NIP for instruction fetch; on failure delivers ISI/machine check and returns false. */
bool cpu_translate_fetch(ppc_cpu *cpu, uint64_t ea, uint64_t *pa);
/* Physical accesses (no translation, big-endian value).  Deliver a machine check on no device. */
bool cpu_phys_load(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t *value);
bool cpu_phys_store(ppc_cpu *cpu, uint64_t pa, unsigned size, uint64_t value);
/* Drop decoded code for the physical page containing pa (icbi calls it). */
void cpu_invalidate_code(ppc_cpu *cpu, uint64_t pa);
/* Drop the decoded instructions that overlap [pa, pa + size) (run.c); RAM stores call
 * cpu_code_written(), which costs one test when the page holds no decoded code. */
void cpu_forget_code_words(ppc_cpu *cpu, uint64_t pa, unsigned size);
/* Marks the decoded slots of `cp` that [offset, offset + size) overlaps (within the page) for
 * decoding again. */
static inline void cpu_code_page_forget(code_page *cp, uint64_t offset, unsigned size)
{
    for (uint64_t slot = offset >> 2; slot <= (offset + size - 1) >> 2; slot++)
        insn_set_hot(&cp->insn[slot], INSN_HOT_DECODE);
}
static inline void cpu_code_written(ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    uint64_t first = pa >> 12, last = (pa + size - 1) >> 12;
    if (first == last) { /* the common case: clear the one or two slots in place */
        code_page *cp = first < cpu->code_pages ? cpu->code[first] : NULL;
        if (cp) cpu_code_page_forget(cp, pa & 0xfff, size);
        return;
    }
    cpu_forget_code_words(cpu, pa, size);
}
/* The core cycle count (each step of a run loop costs one). */
static inline uint64_t cpu_now(const ppc_cpu *cpu)
{
    uint64_t owed = cpu->block_start ? (cpu->nip - cpu->block_nip) >> 2 : 0;
    return cpu->next_event - (uint64_t)cpu->left + owed;
}
/* The executing instruction (its word goes into HEIR and DSISR). */
static inline const ppc_insn *cpu_current_insn(const ppc_cpu *cpu)
{
    return cpu->block_start ? cpu->block_start + ((cpu->nip - cpu->block_nip) >> 2)
                            : cpu->current_insn;
}
/* The plain loop's block ends when it reaches `slot` (cpu->block_stop), and no longer at the
 * stop it had.  A store may have cleared the stop slot for decoding meanwhile; then it stays
 * cleared (run.c checks the stop before decoding). */
static inline void cpu_block_unstop(ppc_cpu *cpu)
{
    ppc_insn *stop = cpu->block_stop;
    if (stop) {
        if (stop->hot == INSN_HOT_STOP) insn_set_hot(stop, cpu->block_stop_hot);
        cpu->block_stop = NULL;
    }
}
static inline void cpu_block_stop_at(ppc_cpu *cpu, ppc_insn *slot)
{
    cpu_block_unstop(cpu);
    cpu->block_stop = slot;
    cpu->block_stop_hot = slot->hot;
    insn_set_hot(slot, INSN_HOT_STOP);
}
/* The run loop must check events at cycle `at` (now or earlier: before the next instruction). */
static inline void cpu_set_next_event(ppc_cpu *cpu, uint64_t at)
{
    uint64_t now = cpu_now(cpu);
    uint64_t ahead = at > now ? at - now : 0;
    if (ahead > INT64_MAX) ahead = INT64_MAX;
    cpu->left = (int64_t)ahead;
    cpu->next_event = now + ahead;
    if (cpu->block_start) { /* settle the block at the current instruction, and end it after */
        ppc_insn *current = cpu->block_start + ((cpu->nip - cpu->block_nip) >> 2);
        cpu->current_insn = current;
        cpu->block_start = NULL;
        cpu_block_stop_at(cpu, current + 1);
    }
}
/* ppc_cpu.observed_cia between instructions (not a word address). */
#define CIA_NONE 1ull
/* The fetch cache holds no page. */
#define FETCH_NONE 1ull
/* After an instruction that may change how NIP translates: the run loop looks NIP up afresh
 * (an event now sends it through its slow path before the next instruction). */
static inline void cpu_fetch_resync(ppc_cpu *cpu)
{
    cpu->fetch_ea_page = FETCH_NONE;
    cpu_set_next_event(cpu, 0);
}
/* `value` with the order of its low `size` bytes reversed (1, 2, 4 or 8). */
static inline uint64_t cpu_byte_reverse(uint64_t value, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)value);
    case 4: return __builtin_bswap32((uint32_t)value);
    case 8: return __builtin_bswap64(value);
    default: return value;
    }
}
/* The mask applied to effective addresses: 64-bit mode keeps all bits, 32-bit mode the low 32. */
static inline uint64_t cpu_ea_mask(const ppc_cpu *cpu)
{
    _Static_assert(MSR_SF == 1ull << 63, "MSR[SF] is the sign bit: the mask needs no branch");
    return (uint64_t)((int64_t)cpu->msr >> 63) | 0xffffffffull;
}

/* RAM holds big-endian values; one host load or store each. */
static inline uint64_t cpu_ram_load_be(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return be16toh(v);
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return be32toh(v);
    }
    case 8: {
        uint64_t v;
        memcpy(&v, p, 8);
        return be64toh(v);
    }
    default: {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v = (v << 8) | p[i];
        return v;
    }
    }
}

static inline void cpu_ram_store_be(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: {
        uint16_t be = htobe16((uint16_t)v);
        memcpy(p, &be, 2);
        break;
    }
    case 4: {
        uint32_t be = htobe32((uint32_t)v);
        memcpy(p, &be, 4);
        break;
    }
    case 8: {
        uint64_t be = htobe64(v);
        memcpy(p, &be, 8);
        break;
    }
    default:
        for (unsigned i = size; i-- > 0;) {
            p[i] = (uint8_t)v;
            v >>= 8;
        }
    }
}

/* The slot of a data map table that holds `ea`'s page. */
static inline size_t cpu_data_map_slot(uint64_t ea)
{
    return (ea >> 12) % DMAP_ENTRIES;
}

/* The data map entry for `ea` (already masked) if the map holds its page and the access stays
 * in it, else NULL. */
static inline const dmap_entry *cpu_data_map_lookup(const dmap_entry *table, uint64_t ea,
                                                    unsigned size)
{
    const dmap_entry *e = &table[cpu_data_map_slot(ea)];
    uint64_t offset = ea & 0xfff;
    if (e->ea_page != ea - offset || offset > 4096u - size) return NULL;
    return e;
}

static inline bool cpu_load(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value)
{
    ea &= cpu_ea_mask(cpu);
    const dmap_entry *e = cpu_data_map_lookup(cpu->dmap->load, ea, size);
    if (__builtin_expect(e == NULL, 0)) return cpu_load_slow(cpu, ea, size, value);
    uint8_t *host = e->host + (ea & 0xfff);
    if (__builtin_expect(cpu->observer != NULL, 0))
        cpu_report_access(cpu, ea, (uint64_t)(host - cpu->mem.ram), size, false);
    *value = cpu_ram_load_be(host, size);
    return true;
}

static inline bool cpu_store(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value)
{
    ea &= cpu_ea_mask(cpu);
    const dmap_entry *e = cpu_data_map_lookup(cpu->dmap->store, ea, size);
    if (__builtin_expect(e == NULL, 0)) return cpu_store_slow(cpu, ea, size, value);
    uint64_t offset = ea & 0xfff;
    uint8_t *host = e->host + offset;
    if (__builtin_expect(cpu->observer != NULL, 0))
        cpu_report_access(cpu, ea, (uint64_t)(host - cpu->mem.ram), size, true);
    cpu_ram_store_be(host, size, value);
    if (__builtin_expect(e->code != NULL, 0)) cpu_code_page_forget(e->code, offset, size);
    return true;
}

/* ---- Time (timebase.c) ---- */
#define CORE_HZ            4096000000ull /* nominal core clock: TB (512 MHz) = cycles / 8 */
#define CYCLES_PER_TB_TICK 8u
uint64_t cpu_tb(const ppc_cpu *cpu);
uint32_t cpu_dec(const ppc_cpu *cpu);
void cpu_set_dec(ppc_cpu *cpu, uint32_t value);
uint32_t cpu_hdec(const ppc_cpu *cpu);
void cpu_set_hdec(ppc_cpu *cpu, uint32_t value);
void cpu_set_tb(ppc_cpu *cpu, uint64_t value);
/* Called by the loop when cycles reach next_event: latches HDEC edges and recomputes next_event. */
void cpu_timer_update(ppc_cpu *cpu);

/* ---- MSR writes (interrupt.c): every MSR change goes through here ---- */
void cpu_write_msr(ppc_cpu *cpu, uint64_t msr);

/* ---- Book III-S helpers (interrupt.c, exec_system.c) ---- */
/* The facility guarded by an FSCR/HFSCR bit (FSCR_TAR, FSCR_DSCR...): a guest (HV=0) with the
 * HFSCR bit clear takes Hypervisor Facility Unavailable (0xf80), problem state with the FSCR
 * bit clear takes Facility Unavailable (0xf60); the cause goes into the IC field.  Returns true
 * (after delivering) if the facility is unavailable. */
bool cpu_facility_check(ppc_cpu *cpu, uint64_t fscr_bit, unsigned cause);
/* Stops the run with CPU_EXIT_UNIMPLEMENTED and a one-line reason (printf-style). */
void cpu_stop_unimplemented(ppc_cpu *cpu, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Fixed-point helpers shared by execute functions ---- */
static inline void cpu_set_cr_field(ppc_cpu *cpu, unsigned field, unsigned value4)
{
    unsigned shift = 28 - 4 * field;
    cpu->cr = (cpu->cr & ~(0xfu << shift)) | ((value4 & 0xfu) << shift);
}
static inline unsigned cpu_cr_bit(const ppc_cpu *cpu, unsigned bit) /* bit 0 = CR0[LT] */
{
    return (cpu->cr >> (31 - bit)) & 1;
}
/* CR0 from a result: LT/GT/EQ from the value (64-bit or, in 32-bit mode, the low word) and SO. */
static inline void cpu_record_cr0(ppc_cpu *cpu, uint64_t result)
{
    int64_t v = (cpu->msr & MSR_SF) ? (int64_t)result : (int64_t)(int32_t)result;
    unsigned c = v < 0 ? 8 : v > 0 ? 4 : 2;
    cpu_set_cr_field(cpu, 0, c | ((cpu->xer & XER_SO) ? 1 : 0));
}

#endif
