/*
 * PAPR hcall numbers, return codes and flags (values as in Linux 3.10 asm/hvcall.h).
 * Shared by the firmware (src/hv), the guests (src/guest) and the emulator's reports.
 * Safe to include from assembly.
 */
#ifndef HV_HVCALL_H
#define HV_HVCALL_H

#ifdef __ASSEMBLER__
#define HV_UL(x) x
#else
#define HV_UL(x) x##UL
#endif

/* Return codes */
#define H_SUCCESS          0
#define H_BUSY             1
#define H_TOO_HARD         9999 /* KVM internal: real mode gives up, never seen by guests */
#define H_HARDWARE         (-1)
#define H_FUNCTION         (-2)
#define H_PRIVILEGE        (-3)
#define H_PARAMETER        (-4)
#define H_BAD_MODE         (-5)
#define H_PTEG_FULL        (-6)
#define H_NOT_FOUND        (-7)
#define H_RESERVED_DABR    (-8)
#define H_P2               (-55)
#define H_UNSUPPORTED_FLAG (-256)

/* Opcodes */
#define H_REMOVE         0x04
#define H_ENTER          0x08
#define H_READ           0x0c
#define H_CLEAR_MOD      0x10
#define H_CLEAR_REF      0x14
#define H_PROTECT        0x18
#define H_GET_TCE        0x1c
#define H_PUT_TCE        0x20
#define H_SET_SPRG0      0x24
#define H_SET_DABR       0x28
#define H_PAGE_INIT      0x2c
#define H_GET_TERM_CHAR  0x54
#define H_PUT_TERM_CHAR  0x58
#define H_EOI            0x64
#define H_CPPR           0x68
#define H_IPI            0x6c
#define H_IPOLL          0x70
#define H_XIRR           0x74
#define H_CEDE           0xe0
#define H_CONFER         0xe4
#define H_PROD           0xe8
#define H_BULK_REMOVE    0x124
#define H_RANDOM         0x300
#define H_SET_MODE       0x31c
#define MAX_HCALL_OPCODE H_SET_MODE
#define H_RTAS           0xf000

/* Flags (MSB-0 bit n = 1 << (63 - n)) */
#define H_EXACT     HV_UL(0x0000008000000000) /* bit 24 */
#define H_R_XLATE   HV_UL(0x0000004000000000) /* bit 25 */
#define H_READ_4    HV_UL(0x0000002000000000) /* bit 26 */
#define H_AVPN      HV_UL(0x0000000080000000) /* bit 32 */
#define H_ANDCOND   HV_UL(0x0000000040000000) /* bit 33 */
#define H_ZERO_PAGE HV_UL(0x0000000000008000) /* bit 48 */
#define H_COPY_PAGE HV_UL(0x0000000000004000) /* bit 49 */
#define H_N         HV_UL(0x4)
#define H_PP1       HV_UL(0x2)
#define H_PP2       HV_UL(0x1)

/* H_BULK_REMOVE translation specifier fields */
#define H_BULK_REMOVE_TYPE     HV_UL(0xc000000000000000)
#define H_BULK_REMOVE_REQUEST  HV_UL(0x4000000000000000)
#define H_BULK_REMOVE_RESPONSE HV_UL(0x8000000000000000)
#define H_BULK_REMOVE_END      HV_UL(0xc000000000000000)
#define H_BULK_REMOVE_CODE     HV_UL(0x3000000000000000)
#define H_BULK_REMOVE_PTEX     HV_UL(0x00ffffffffffffff)

/* H_SET_MODE resources */
#define H_SET_MODE_RESOURCE_LE 4

/* RTAS tokens, QEMU pseries values (RTAS_TOKEN_BASE 0x2000).  The guest device tree
 * (src/loader/fdt.c) advertises these same tokens. */
#define RTAS_DISPLAY_CHARACTER       0x2000
#define RTAS_GET_TIME_OF_DAY         0x2001
#define RTAS_SET_TIME_OF_DAY         0x2002
#define RTAS_POWER_OFF               0x2003
#define RTAS_SYSTEM_REBOOT           0x2004
#define RTAS_QUERY_CPU_STOPPED_STATE 0x2005
#define RTAS_START_CPU               0x2006
#define RTAS_STOP_SELF               0x2007

/* The console vty: reg of /vdevice/vty@71000000 in QEMU's pseries tree.  The firmware accepts
 * vty 0 too, as QEMU's "first vty" hack for early debug. */
#define HV_VTY_REG 0x71000000

/* XICS */
#define XICS_IPI 2

#endif
