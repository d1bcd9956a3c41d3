/* The SPR table and the read/write functions that give SPRs their side effects. */
#include <stddef.h>
#include <strings.h>

#include "cpu/cpu_state.h"

static uint64_t spr_read_xer(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu->xer;
}
static void spr_write_xer(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    /* The reserved bits 35:56 read back as written and bits 0:31 as 0, as in QEMU 7.2 (ISA 2.07
     * Book I 1.3.3 leaves a read of a reserved field that was written nonzero undefined;
     * docs/qemu-divergences.md).  OV32 and CA32 are ISA 3.0 fields: POWER8 reads them as 0. */
    cpu->xer = v & 0xffffffffull & ~(XER_OV32 | XER_CA32);
}
static uint64_t spr_read_lr(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu->lr;
}
static void spr_write_lr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu->lr = v;
}
static uint64_t spr_read_ctr(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu->ctr;
}
static void spr_write_ctr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu->ctr = v;
}
static uint64_t spr_read_tar(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu->tar;
}
static void spr_write_tar(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu->tar = v;
}
/* Registers that are 32 bits wide (bits 32:63): the upper half reads as 0. */
static void spr_write_u32(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->spr[n] = (uint32_t)v;
}
/* PIR in hypervisor state: QEMU registers no write callback, which makes the write a no-op. */
static void spr_write_ignore(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)cpu;
    (void)n;
    (void)v;
}

/* User-mode aliases of privileged SPRs: UDSCR=DSCR, UAMR=AMR, USPRG3=SPRG3. */
static unsigned alias_target(unsigned n)
{
    switch (n) {
    case SPR_UDSCR: return SPR_DSCR;
    case SPR_UAMR: return SPR_AMR;
    case SPR_USPRG3: return SPR_SPRG3;
    default: return n;
    }
}
static uint64_t spr_read_alias(ppc_cpu *cpu, unsigned n)
{
    return cpu->spr[alias_target(n)];
}
static void spr_write_alias(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->spr[alias_target(n)] = v;
}

/* AMR, IAMR and UAMOR (ISA 2.07 Book III-S 5.7.13): the hypervisor writes every bit; privileged
 * non-hypervisor state only the bits AMOR allows, problem state (SPR 13) only those UAMOR
 * allows. */
static void spr_write_amr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    unsigned target = alias_target(n);
    uint64_t mask = ~0ull;
    if (cpu->msr & MSR_PR)
        mask = cpu->spr[SPR_UAMOR];
    else if (!(cpu->msr & MSR_HV))
        mask = cpu->spr[SPR_AMOR];
    cpu->spr[target] = (cpu->spr[target] & ~mask) | (v & mask);
}

/* CTRL: only RUN (bit 63) is writable, through SPR 152; reads go through SPR 136. */
static void spr_write_ctrl(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu->spr[SPR_CTRL] = v & 1;
}

/* HMER: mtspr ANDs the value in, so software clears the bits it has handled. */
static void spr_write_hmer(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->spr[n] &= v;
}

static uint64_t spr_read_dec(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu_dec(cpu);
}
static void spr_write_dec(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu_set_dec(cpu, (uint32_t)v);
}
static uint64_t spr_read_hdec(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu_hdec(cpu);
}
static void spr_write_hdec(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu_set_hdec(cpu, (uint32_t)v);
}
static uint64_t spr_read_tb(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu_tb(cpu);
}
static uint64_t spr_read_tbu(ppc_cpu *cpu, unsigned n)
{
    (void)n;
    return cpu_tb(cpu) >> 32;
}
static void spr_write_tbl(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu_set_tb(cpu, (cpu_tb(cpu) & ~0xffffffffull) | (uint32_t)v);
}
static void spr_write_tbu(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu_set_tb(cpu, (cpu_tb(cpu) & 0xffffffffull) | ((uint64_t)(uint32_t)v << 32));
}
/* TBU40 replaces the upper 40 bits of TB and keeps the low 24 counting. */
static void spr_write_tbu40(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu_set_tb(cpu, (v & ~0xffffffull) | (cpu_tb(cpu) & 0xffffffull));
}
/* PURR, SPURR and VTB count at the TB rate in this single-thread model; the stored value is the
 * offset from TB. */
static uint64_t spr_read_purr(ppc_cpu *cpu, unsigned n)
{
    return cpu->spr[n] + cpu_tb(cpu);
}
static void spr_write_purr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->spr[n] = v - cpu_tb(cpu);
}

/* LPCR: only the bits POWER8 implements are writable (QEMU's POWER8 lpcr_mask); HDICE and the
 * interrupt-routing bits change which interrupts are deliverable. */
/* SDR1: HTABORG and HTABSIZE only; a write with HTABSIZE above 28 is ignored (QEMU's
 * ppc_store_sdr1 refuses it the same way). */
static void spr_write_sdr1(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    if ((v & 0x1f) > 28) return;
    cpu->spr[SPR_SDR1] = v & 0x0ffffffffffc001full;
}

static void spr_write_lpcr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    (void)n;
    cpu->spr[SPR_LPCR] = v & LPCR_POWER8_WRITABLE;
    cpu_recheck_interrupts(cpu);
}

static const spr_info spr_table[] = {
#define SPR(num, name, rd, wr, rfn, wfn, reset) {#name, num, rd, wr, rfn, wfn, reset},
#include "cpu/spr_table.def"
#undef SPR
};

#define SPR_TABLE_SIZE (sizeof(spr_table) / sizeof(spr_table[0]))

const spr_info *spr_lookup(unsigned number)
{
    static const spr_info *by_number[1024];
    static bool ready;
    if (!ready) {
        for (size_t i = 0; i < SPR_TABLE_SIZE; i++)
            by_number[spr_table[i].number] = &spr_table[i];
        ready = true;
    }
    return number < 1024 ? by_number[number] : NULL;
}

const spr_info *spr_lookup_name(const char *name)
{
    for (size_t i = 0; i < SPR_TABLE_SIZE; i++)
        if (strcasecmp(spr_table[i].name, name) == 0) return &spr_table[i];
    return NULL;
}

uint64_t spr_read(ppc_cpu *cpu, const spr_info *info)
{
    return info->read ? info->read(cpu, info->number) : cpu->spr[info->number];
}

void spr_write(ppc_cpu *cpu, const spr_info *info, uint64_t value)
{
    if (info->write)
        info->write(cpu, info->number, value);
    else
        cpu->spr[info->number] = value;
}

uint64_t spr_facility(unsigned number, unsigned *cause)
{
    switch (number) {
    case SPR_TAR: *cause = FSCR_IC_TAR; return FSCR_TAR;
    case SPR_UDSCR:
    case SPR_DSCR: *cause = FSCR_IC_DSCR; return FSCR_DSCR;
    default: *cause = 0; return 0;
    }
}

void spr_reset(ppc_cpu *cpu)
{
    for (size_t i = 0; i < SPR_TABLE_SIZE; i++) {
        unsigned n = spr_table[i].number;
        if (n != SPR_PVR && n != SPR_PIR) cpu->spr[n] = spr_table[i].reset;
    }
}
