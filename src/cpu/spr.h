/* Special-purpose registers: one table (spr_table.def) gives each SPR its number, name, who may
 * read and write it, and the functions that give it side effects.  mfspr/mtspr, the tracer and
 * the tools all go through it. */
#ifndef HCALLSIM_CPU_SPR_H
#define HCALLSIM_CPU_SPR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ppc_cpu ppc_cpu;

/* Who may access an SPR (per direction). */
typedef enum spr_access {
    SPR_NONE = 0, /* not accessible in this direction at any level */
    SPR_USER,     /* problem state and up */
    SPR_PRIV,     /* privileged (PR=0) */
    SPR_HYP,      /* hypervisor (HV=1, PR=0) only */
} spr_access;

typedef uint64_t (*spr_read_fn)(ppc_cpu *cpu, unsigned spr);
typedef void (*spr_write_fn)(ppc_cpu *cpu, unsigned spr, uint64_t value);

typedef struct spr_info {
    const char *name;
    uint16_t number;
    uint8_t read_access;
    uint8_t write_access;
    spr_read_fn read;   /* NULL: cpu->spr[number] */
    spr_write_fn write; /* NULL: cpu->spr[number] = value */
} spr_info;

enum spr_number {
#define SPR(num, name, rd, wr, rfn, wfn) SPR_##name = num,
#include "cpu/spr_table.def"
#undef SPR
};

/* The entry for an SPR number, or NULL if the SPR is not implemented. */
const spr_info *spr_lookup(unsigned number);
/* The entry with this name (case-insensitive), or NULL. */
const spr_info *spr_lookup_name(const char *name);
/* Read/write with side effects and without privilege checks (mfspr/mtspr check first). */
uint64_t spr_read(ppc_cpu *cpu, const spr_info *info);
void spr_write(ppc_cpu *cpu, const spr_info *info, uint64_t value);

#endif
