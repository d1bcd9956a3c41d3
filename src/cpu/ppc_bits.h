/* Architected register bits shared by the emulator and the firmware it runs: one definition,
 * safe for host C, cross-compiled C and PowerPC assembly (no C-only casts or shifts).  LSB-0
 * masks, as Linux's reg.h; MSB-0 ISA bit numbers in the comments. */
#ifndef HCALLSIM_CPU_PPC_BITS_H
#define HCALLSIM_CPU_PPC_BITS_H

#ifdef __ASSEMBLER__
#define PPC_U64(x) x
#else
#define PPC_U64(x) x##ull
#endif

/* MSR */
#define MSR_SF  PPC_U64(0x8000000000000000) /* 0 */
#define MSR_HV  PPC_U64(0x1000000000000000) /* 3 */
#define MSR_TS  PPC_U64(0x0000000600000000) /* 29:30 */
#define MSR_TM  PPC_U64(0x0000000100000000) /* 31 */
#define MSR_VEC PPC_U64(0x0000000002000000) /* 38 */
#define MSR_VSX PPC_U64(0x0000000000800000) /* 40 */
#define MSR_POW PPC_U64(0x0000000000040000) /* 45 */
#define MSR_ILE PPC_U64(0x0000000000010000) /* 47 */
#define MSR_EE  PPC_U64(0x0000000000008000) /* 48 */
#define MSR_PR  PPC_U64(0x0000000000004000) /* 49 */
#define MSR_FP  PPC_U64(0x0000000000002000) /* 50 */
#define MSR_ME  PPC_U64(0x0000000000001000) /* 51 */
#define MSR_FE0 PPC_U64(0x0000000000000800) /* 52 */
#define MSR_SE  PPC_U64(0x0000000000000400) /* 53 */
#define MSR_BE  PPC_U64(0x0000000000000200) /* 54 */
#define MSR_FE1 PPC_U64(0x0000000000000100) /* 55 */
#define MSR_IR  PPC_U64(0x0000000000000020) /* 58 */
#define MSR_DR  PPC_U64(0x0000000000000010) /* 59 */
#define MSR_PMM PPC_U64(0x0000000000000004) /* 61 */
#define MSR_RI  PPC_U64(0x0000000000000002) /* 62 */
#define MSR_LE  PPC_U64(0x0000000000000001) /* 63 */

/* LPCR bits the firmware and the emulator both use */
#define LPCR_ILE   PPC_U64(0x0000000002000000) /* 38 */
#define LPCR_LPES0 PPC_U64(0x0000000000000008) /* 60 */
#define LPCR_LPES1 PPC_U64(0x0000000000000004) /* 61 */

#endif
