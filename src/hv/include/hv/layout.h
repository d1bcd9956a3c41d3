/*
 * The one layout header of the hypervisor firmware: memory map, boot-parameter block, PACA with
 * its exception areas and KVM host state, vcpu, kvm (partition), TCE tables and ICP.
 *
 * The structures are defined once, here, in C.  Assembly and the emulator's reports never type an
 * offset: asm-offsets.c turns every field into a "->NAME value" marker and the build extracts them
 * into the generated header hv-offsets.h (Linux asm-offsets style).  Constants below are plain
 * macros and therefore usable from assembly too.  Field order follows Linux 3.10 (paca_struct,
 * kvmppc_host_state, kvm_vcpu_arch) so that the assembly reads like the seed.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#include "hv/hvcall.h"

/* ---- Memory map (physical) ------------------------------------------------------------------ */
#define HV_KERNELBASE         HV_UL(0xc000000000000000) /* link address of physical 0 */
#define HV_ENTRY_OFFSET       0x10                      /* powernv8 starts at NIP 0x10 */
#define HV_BOOTPARAMS_PHYS    HV_UL(0x01f00000)         /* filled by the loader */
#define HV_BOOTPARAMS_MAGIC   HV_UL(0x4843414c4c425031) /* "HCALLBP1" */
#define HV_BOOTPARAMS_VERSION 1

/* Defaults used by the build for QEMU (hcallsim run fills its own values). */
#define HV_DEFAULT_RMOR     HV_UL(0x02000000) /* guest real 0 = physical 32 MiB */
#define HV_DEFAULT_RMA_SIZE HV_UL(0x02000000) /* 32 MiB: LPCR[RMLS] = 8 */
#define HV_DEFAULT_LPID     1
#define GUEST_LOAD_ADDR     HV_UL(0x00400000) /* SPAPR_KERNEL_LOAD_ADDR */
#define GUEST_DEFAULT_FDT   HV_UL(0x01f00000) /* guest real address of the guest's FDT */

/* ---- LPC / XSCOM (POWER8 chip 0, as QEMU powernv8 models it) ------------------------------- */
#define XSCOM_ECCB_CTL     HV_UL(0x0003fc0000b00200)
#define XSCOM_ECCB_STAT    HV_UL(0x0003fc0000b00210)
#define XSCOM_ECCB_DATA    HV_UL(0x0003fc0000b00218)
#define ECCB_CTL_WRITE_IO  HV_UL(0x01000000d0010000) /* size 1, OPB address of LPC I/O space */
#define LPC_UART_BASE      0x3f8
#define LPC_BT_CTRL        0xe4
#define LPC_BT_HOST2BMC    0xe5
#define BT_CTRL_CLR_WR_PTR 0x01
#define BT_CTRL_H2B_ATN    0x04

/* ---- Architecture ------------------------------------------------------------------------- */
/* MSR_* and the shared LPCR bits: cpu/ppc_bits.h (one definition for the firmware and the
 * emulator) */
#include "cpu/ppc_bits.h"
#define SRR1_MSR_MASK HV_UL(0x00000000783f0000) /* interrupt-specific SRR1 bits */
#define SRR1_PROGILL  HV_UL(0x0000000000080000) /* program interrupt: illegal instruction */
#define SRR1_PROGPRIV HV_UL(0x0000000000040000)

#define LPCR_RMLS_SHIFT 26 /* LPCR[34:37] */

#define SPRN_DSISR  18
#define SPRN_DAR    19
#define SPRN_DEC    22
#define SPRN_SDR1   25
#define SPRN_SRR0   26
#define SPRN_SRR1   27
#define SPRN_CFAR   28
#define SPRN_SPRG0  272
#define SPRN_SPRG1  273
#define SPRN_SPRG2  274
#define SPRN_SPRG3  275
#define SPRN_TBRL   268
#define SPRN_HSPRG0 304
#define SPRN_HSPRG1 305
#define SPRN_HDSISR 306
#define SPRN_HDAR   307
#define SPRN_HDEC   310
#define SPRN_RMOR   312
#define SPRN_HRMOR  313
#define SPRN_HSRR0  314
#define SPRN_HSRR1  315
#define SPRN_LPCR   318
#define SPRN_LPID   319
#define SPRN_HEIR   339
#define SPRN_DABR   1013
#define SPRN_DABRX  1015
#define SPRN_PIR    1023

/* ---- KVM constants (3.10 kvm_asm.h) ------------------------------------------------------- */
#define KVM_GUEST_MODE_NONE   0
#define KVM_GUEST_MODE_GUEST  1
#define KVM_GUEST_MODE_SKIP   2
#define KVM_INST_FETCH_FAILED (-1)
#define EXC_STD               0 /* the vector uses SRR0/1 */
#define EXC_HV                2 /* the vector uses HSRR0/1: added to the trap number */

#define BOOK3S_INTERRUPT_SYSTEM_RESET   0x100
#define BOOK3S_INTERRUPT_MACHINE_CHECK  0x200
#define BOOK3S_INTERRUPT_DATA_STORAGE   0x300
#define BOOK3S_INTERRUPT_INST_STORAGE   0x400
#define BOOK3S_INTERRUPT_EXTERNAL       0x500
#define BOOK3S_INTERRUPT_PROGRAM        0x700
#define BOOK3S_INTERRUPT_DECREMENTER    0x900
#define BOOK3S_INTERRUPT_HV_DECREMENTER 0x980
#define BOOK3S_INTERRUPT_SYSCALL        0xc00
#define BOOK3S_INTERRUPT_H_DATA_STORAGE 0xe00
#define BOOK3S_INTERRUPT_H_INST_STORAGE 0xe20
#define BOOK3S_INTERRUPT_H_EMUL_ASSIST  0xe40
#define BOOK3S_INTERRUPT_HMI            0xe60
#define BOOK3S_INTERRUPT_H_DOORBELL     0xe80
#define BOOK3S_INTERRUPT_H_FAC_UNAVAIL  0xf80

/* ---- Partition resources modelled by the firmware ---------------------------------------- */
#define HPT_ORDER          18 /* 256 KiB: the smallest HPT SDR1 can describe */
#define HPT_NPTE           (1 << (HPT_ORDER - 4))
#define HPTES_PER_GROUP    8
#define SPAPR_TCE_SHIFT    12
#define HV_NR_TCE_TABLES   2
#define HV_TCE_LIOBN0      0x10000000 /* VIO-style liobn */
#define HV_TCE_WINDOW0     0x00200000 /* 2 MiB window: 512 TCEs */
#define HV_TCE_LIOBN1      0x80000000 /* PHB-style liobn */
#define HV_TCE_WINDOW1     0x00100000 /* 1 MiB window: 256 TCEs */
#define HV_TCE_MAX_ENTRIES (HV_TCE_WINDOW0 >> SPAPR_TCE_SHIFT)

#define HV_STACK_SIZE       0x10000
#define HV_EMERG_STACK_SIZE 0x4000
#define HV_FRAME_MIN        112 /* ELFv1 minimum stack frame */

/* HPTE bits (mmu-hash64.h, kvm_book3s_64.h) */
#define HPTE_V_HVLOCK    HV_UL(0x40)
#define HPTE_V_ABSENT    HV_UL(0x20)
#define HPTE_V_LARGE     HV_UL(0x4)
#define HPTE_V_VALID     HV_UL(0x1)
#define HPTE_V_AVPN      HV_UL(0x3fffffffffffff80)
#define HPTE_R_PP0       HV_UL(0x8000000000000000)
#define HPTE_R_KEY_HI    HV_UL(0x3000000000000000)
#define HPTE_R_RPN       HV_UL(0x0ffffffffffff000)
#define HPTE_R_KEY_LO    HV_UL(0xe00)
#define HPTE_R_R         HV_UL(0x100)
#define HPTE_R_C         HV_UL(0x080)
#define HPTE_R_WIMG      HV_UL(0x78)
#define HPTE_R_N         HV_UL(0x4)
#define HPTE_R_PP        HV_UL(0x3)
#define HPTE_GR_RESERVED HV_UL(0x4000000000000000) /* software "modified" bit in guest_rpte */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Filled by the loader at HV_BOOTPARAMS_PHYS before the first instruction; the firmware writes
 * the "out" fields back so that the emulator can read them after the run. */
struct hv_bootparams {
    uint64_t magic;       /* HV_BOOTPARAMS_MAGIC, else the firmware refuses to start a guest */
    uint64_t version;     /* HV_BOOTPARAMS_VERSION */
    uint64_t guest_entry; /* guest real address of the first guest instruction */
    uint64_t guest_msr;   /* MSR the guest starts with (HV is always cleared, ME set) */
    uint64_t guest_fdt;   /* guest real address of the FDT, passed in r3 (0 = none) */
    uint64_t rmor;        /* physical base of the guest real-mode area (RMA) */
    uint64_t rma_size;    /* RMA size in bytes: 32M, 64M, 128M, 256M, 1G, 16G or 256G */
    uint64_t lpid;        /* partition id */
    uint64_t tod_seconds; /* time of day at boot, seconds since 1970 (RTAS get-time-of-day) */
    uint64_t flags;       /* HV_BOOT_* */
    /* out */
    uint64_t exit_status; /* status the guest printed as "EXIT: STATUS=n" */
    uint64_t exit_flags;  /* HV_EXIT_* */
};
#endif
#define HV_BOOT_QUIET          0x1 /* no firmware banner/report on the console */
#define HV_EXIT_POWERED_OFF    0x1
#define HV_EXIT_STATUS_VALID   0x2
#define HV_EXIT_FIRMWARE_ERROR 0x4

#ifndef __ASSEMBLER__
struct kvm_vcpu;
struct kvm;

/* One first-level exception save area (exception-64s.h EX_*) */
struct exception_area {
    uint64_t r9, r10, r11, r12, r13, srr0, dar;
    uint32_t dsisr, ccr;
    uint64_t r3, lr, cfar, ppr;
};

/* struct kvmppc_host_state (kvm_book3s_asm.h, HV fields) = HSTATE_* */
struct kvmppc_host_state {
    uint64_t host_r1;
    uint64_t host_r2; /* scratch for guest r9 in kvmppc_interrupt */
    uint64_t host_msr;
    uint64_t vmhandler;
    uint64_t scratch0; /* guest r12 */
    uint64_t scratch1; /* guest CR: 32-bit stw into the high word (BE) */
    uint8_t in_guest;  /* KVM_GUEST_MODE_* */
    uint8_t restore_hid5;
    uint8_t napping;
    uint8_t hwthread_req;
    uint8_t hwthread_state;
    uint8_t host_ipi;
    struct kvm_vcpu *kvm_vcpu;
    void *kvm_vcore;
    uint64_t xics_phys;
    uint32_t saved_xirr;
    uint64_t dabr;
    uint64_t dec_expires;
    uint64_t cfar; /* guest CFAR handed over from the vector */
};

/* Start of struct paca_struct: the fields this firmware uses, at Linux's relative order */
struct paca_struct {
    void *lppaca_ptr;
    uint16_t lock_token;
    uint16_t paca_index;
    uint64_t kernel_toc; /* PACATOC */
    uint64_t kernelbase;
    uint64_t kernel_msr;
    uint64_t emergency_sp;
    struct exception_area exgen __attribute__((aligned(0x80)));
    struct exception_area exmc;
    struct exception_area exslb;
    uint64_t kstack;
    uint64_t sprg3;
    struct kvmppc_host_state kvm_hstate;
};

/* One hashed-page-table reverse-map entry: the guest's view of HPTE dword 1 */
struct revmap_entry {
    uint64_t guest_rpte;
};

/* struct kvmppc_spapr_tce_table, table storage flat in firmware memory */
struct kvmppc_spapr_tce_table {
    struct kvmppc_spapr_tce_table *next;
    struct kvm *kvm;
    uint64_t liobn;
    uint32_t window_size; /* bytes */
    uint64_t *table;      /* window_size >> 12 entries */
};

/* Modelled XICS presentation controller of the single vcpu (server 0) */
struct kvmppc_icp {
    uint8_t cppr;        /* current processor priority, 0xff = least favoured */
    uint8_t mfrr;        /* IPI priority, 0xff = none */
    uint8_t pending_pri; /* priority of xisr, 0xff = none */
    uint8_t out_ee;      /* an interrupt is presented */
    uint32_t xisr;       /* presented source, 0 = none */
};

struct kvm {
    uint64_t lpid;
    uint64_t lpcr;
    uint64_t rmor;
    uint64_t rma_size;
    uint64_t sdr1;
    uint64_t *hpt_virt; /* HPT_NPTE 16-byte HPTEs */
    uint64_t hpt_npte;
    struct revmap_entry *revmap;
    struct kvmppc_spapr_tce_table *spapr_tce_tables; /* list head */
    uint64_t tod_offset; /* set-time-of-day: seconds to add to the boot time */
    uint64_t rng_state;  /* H_RANDOM */
    uint32_t online_vcpus;
};

/* struct kvm_vcpu with the arch fields the path uses, in kvm_vcpu_arch order */
struct kvm_vcpu {
    struct kvm *kvm;
    uint64_t gpr[32];
    uint64_t pc;
    uint64_t ctr;
    uint64_t lr;
    uint64_t xer; /* 32-bit stw/lwz into the high word (BE), as KVM does */
    uint32_t cr;
    uint64_t dabr;
    uint64_t cfar;
    uint64_t dec_expires;
    uint64_t pending_exceptions;
    uint8_t ceded;
    uint8_t prodded;
    uint32_t last_inst;
    int32_t trap;
    uint64_t fault_dar;
    uint32_t fault_dsisr;
    uint64_t sprg0, sprg1, sprg2, sprg3; /* shregs */
    uint64_t srr0, srr1;
    uint64_t dar;
    uint64_t msr;
    uint32_t dsisr;
    struct kvmppc_icp icp;
    /* statistics for the firmware's report and the emulator's path summary */
    uint64_t stat_exits;     /* full exits to the host side */
    uint64_t stat_reflected; /* interrupts reflected into the guest */
};
#endif /* !__ASSEMBLER__ */

#endif
