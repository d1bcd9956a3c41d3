/* Special-purpose registers: one table (spr_table.def) gives each SPR its number, name, who may
 * read and write it, the functions that give it side effects and its reset value.  mfspr/mtspr,
 * the tracer and the tools all go through it. */
#ifndef HCALLSIM_CPU_SPR_H
#define HCALLSIM_CPU_SPR_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/ppc_bits.h" /* LPCR_ILE, LPCR_LPES0/1 */

typedef struct ppc_cpu ppc_cpu;

/* Who may access an SPR (per direction).  A level that does not allow the access raises the
 * privileged-instruction Program interrupt, as QEMU 7.2 does for SPR_NOACCESS callbacks. */
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
    uint64_t reset;     /* value after cpu reset (spr_reset) */
} spr_info;

enum spr_number {
#define SPR(num, name, rd, wr, rfn, wfn, reset) SPR_##name = num,
#include "cpu/spr_table.def"
#undef SPR
};

/* LPCR bits (MSB-0 numbering in the comments) and the mask of bits POWER8 lets software write. */
#define LPCR_AIL_SHIFT 23 /* AIL: bits 39:40 */
#define LPCR_AIL       (3ull << LPCR_AIL_SHIFT)
#define LPCR_HDICE     (1ull << (63 - 63))
#define LPCR_POWER8_WRITABLE                                                                       \
    0xf07f80003f85fa09ull /* VPM0/1 ISL KBV DPFD VRMASD RMLS ILE AIL ONL                           \
                             PECE0-4 MER TC LPES0 HDICE */

/* FSCR/HFSCR facility enable bits (LSB-0) and the Interruption Cause field (bits 0:7). */
#define FSCR_DSCR     (1ull << 2)
#define FSCR_TAR      (1ull << 8)
#define FSCR_IC_SHIFT 56
#define FSCR_IC_MASK  (0xffull << FSCR_IC_SHIFT)
#define FSCR_IC_DSCR  2u
#define FSCR_IC_TAR   8u

/* The entry for an SPR number, or NULL if the SPR is not implemented. */
const spr_info *spr_lookup(unsigned number);
/* The entry with this name (case-insensitive), or NULL. */
const spr_info *spr_lookup_name(const char *name);
/* Read/write with side effects and without privilege checks (mfspr/mtspr check first). */
uint64_t spr_read(ppc_cpu *cpu, const spr_info *info);
void spr_write(ppc_cpu *cpu, const spr_info *info, uint64_t value);
/* Problem-state/guest facility guarding an SPR (FSCR_TAR, FSCR_DSCR), or 0. */
uint64_t spr_facility(unsigned number, unsigned *cause);
/* Load every SPR's reset value (QEMU 7.2 powernv8 reset state: LPCR=LPES0|LPES1, MMCR0[FC]...);
 * PVR and PIR keep what cpu_create() put there. */
void spr_reset(ppc_cpu *cpu);

#endif
