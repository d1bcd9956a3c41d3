/* The flat CPU state and the helpers execute functions use.  Only src/cpu/ and white-box unit
 * tests include this; everyone else goes through cpu.h. */
#ifndef HCALLSIM_CPU_CPU_STATE_H
#define HCALLSIM_CPU_CPU_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A decoded 4 KiB page of code, keyed by physical page and MSR[LE]. */
typedef struct code_page {
    uint64_t pa; /* page-aligned physical address */
    bool little_endian;
    ppc_insn insn[1024];
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

    /* Time: cycles drive TB; DEC and HDEC are kept as (value written, TB at the write). */
    uint64_t cycles;
    uint64_t insns;
    uint64_t tb_base; /* TB = tb_base + cycles / CYCLES_PER_TB_TICK */
    uint64_t dec_written, dec_written_tb;
    uint64_t hdec_written, hdec_written_tb;
    bool hdec_pending;   /* HDEC interrupts are edge-triggered (0 -> negative) */
    bool hdec_armed;     /* HDEC was non-negative when last seen: an edge can come */
    uint64_t next_event; /* cycle at which the loop must next check interrupts/timers */

    /* Stop and failure reporting. */
    bool stop_requested;
    cpu_exit exit_reason; /* set with stop_requested for checkstop/unimplemented */
    char exit_detail[160];

    /* The current instruction word (for HEIR) and the CIA of the executing instruction. */
    uint32_t current_word;
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
};

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
 * interrupt; the execute function must then return INSN_JUMP. */
bool cpu_load(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *value);
bool cpu_store(ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t value);
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
static inline void cpu_code_written(ppc_cpu *cpu, uint64_t pa, unsigned size)
{
    uint64_t first = pa >> 12, last = (pa + size - 1) >> 12;
    if (first == last) { /* the common case: clear the one or two slots in place */
        code_page *cp = first < cpu->code_pages ? cpu->code[first] : NULL;
        if (cp)
            for (unsigned slot = (pa & 0xfff) >> 2; slot <= ((pa + size - 1) & 0xfff) >> 2; slot++)
                cp->insn[slot].exec = NULL;
        return;
    }
    cpu_forget_code_words(cpu, pa, size);
}
/* The fetch cache holds no page. */
#define FETCH_NONE 1ull
/* After an instruction that may change how NIP translates: the run loop looks NIP up afresh
 * (next_event = 0 sends it through its slow path before the next instruction). */
static inline void cpu_fetch_resync(ppc_cpu *cpu)
{
    cpu->fetch_ea_page = FETCH_NONE;
    cpu->next_event = 0;
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
    return (cpu->msr & MSR_SF) ? ~0ull : 0xffffffffull;
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
