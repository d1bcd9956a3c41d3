/* The SPR table and the read/write functions that give SPRs their side effects. */
#include <stddef.h>
#include <strings.h>

#include "cpu/cpu_state.h"

static uint64_t spr_read_xer(ppc_cpu *cpu, unsigned n) { return cpu->xer; }
static void spr_write_xer(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->xer = v & (XER_SO | XER_OV | XER_CA | XER_OV32 | XER_CA32 | XER_BC);
}
static uint64_t spr_read_lr(ppc_cpu *cpu, unsigned n) { return cpu->lr; }
static void spr_write_lr(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->lr = v; }
static uint64_t spr_read_ctr(ppc_cpu *cpu, unsigned n) { return cpu->ctr; }
static void spr_write_ctr(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->ctr = v; }
static uint64_t spr_read_tar(ppc_cpu *cpu, unsigned n) { return cpu->tar; }
static void spr_write_tar(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->tar = v; }
static void spr_write_u32(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->spr[n] = (uint32_t)v; }

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
static uint64_t spr_read_alias(ppc_cpu *cpu, unsigned n) { return cpu->spr[alias_target(n)]; }
static void spr_write_alias(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->spr[alias_target(n)] = v; }

/* CTRL: RUN is bit 63; writes go through SPR 152, reads through 136. */
static void spr_write_ctrl(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->spr[SPR_CTRL] = v & 1; }

static uint64_t spr_read_dec(ppc_cpu *cpu, unsigned n) { return cpu_dec(cpu); }
static void spr_write_dec(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu_set_dec(cpu, (uint32_t)v); }
static uint64_t spr_read_hdec(ppc_cpu *cpu, unsigned n) { return cpu_hdec(cpu); }
static void spr_write_hdec(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu_set_hdec(cpu, (uint32_t)v); }
static uint64_t spr_read_tb(ppc_cpu *cpu, unsigned n) { return cpu_tb(cpu); }
static uint64_t spr_read_tbu(ppc_cpu *cpu, unsigned n) { return cpu_tb(cpu) >> 32; }
static void spr_write_tbl(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu_set_tb(cpu, (cpu_tb(cpu) & ~0xffffffffull) | (uint32_t)v);
}
static void spr_write_tbu(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu_set_tb(cpu, (cpu_tb(cpu) & 0xffffffffull) | ((uint64_t)(uint32_t)v << 32));
}
/* PURR/SPURR count at the TB rate in this single-thread model. */
static uint64_t spr_read_purr(ppc_cpu *cpu, unsigned n) { return cpu->spr[n] + cpu_tb(cpu); }
static void spr_write_purr(ppc_cpu *cpu, unsigned n, uint64_t v) { cpu->spr[n] = v - cpu_tb(cpu); }

static void spr_write_lpcr(ppc_cpu *cpu, unsigned n, uint64_t v)
{
    cpu->spr[SPR_LPCR] = v;
    cpu_recheck_interrupts(cpu);
}

static const spr_info spr_table[] = {
#define SPR(num, name, rd, wr, rfn, wfn) {#name, num, rd, wr, rfn, wfn},
#include "cpu/spr_table.def"
#undef SPR
};

const spr_info *spr_lookup(unsigned number)
{
    static const spr_info *by_number[1024];
    static bool ready;
    if (!ready) {
        for (size_t i = 0; i < sizeof(spr_table) / sizeof(spr_table[0]); i++)
            by_number[spr_table[i].number] = &spr_table[i];
        ready = true;
    }
    return number < 1024 ? by_number[number] : NULL;
}

const spr_info *spr_lookup_name(const char *name)
{
    for (size_t i = 0; i < sizeof(spr_table) / sizeof(spr_table[0]); i++)
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
