/* Firmware-internal declarations: SPR access, console, the handlers' entry points. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stddef.h>
#include <stdint.h>
#include "hv/layout.h"

#define mfspr(rn)                                                                                  \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mfspr %0,%1" : "=r"(v_) : "i"(rn));                                      \
        v_;                                                                                        \
    })
#define mtspr(rn, v) __asm__ volatile("mtspr %0,%1" : : "i"(rn), "r"((uint64_t)(v)) : "memory")

static inline uint64_t mftb(void)
{
    uint64_t tb;
    __asm__ volatile("mftb %0" : "=r"(tb));
    return tb;
}
static inline void eieio(void)
{
    __asm__ volatile("eieio" : : : "memory");
}
static inline void ptesync(void)
{
    __asm__ volatile("ptesync" : : : "memory");
}

/* Firmware state (setup.c) */
extern struct paca_struct hv_paca;
extern struct kvm hv_kvm;
extern struct kvm_vcpu hv_vcpu;
struct hv_bootparams *hv_bootparams(void);
struct kvm_vcpu *hv_main(void);

/* Console and machine control (console.c) */
void hv_putc(char c);
void hv_puts(const char *s);
void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_guest_putc(char c); /* guest console output: tracks "EXIT: STATUS=n" */
void hv_power_off(uint64_t exit_flags) __attribute__((noreturn));
void hv_fatal_interrupt(uint64_t trap) __attribute__((noreturn));

/* Guest memory: host pointer to [gra, gra + len) of the RMA, NULL if any byte is outside */
void *hv_guest_ptr(const struct kvm *kvm, uint64_t gra, uint64_t len);

/* TCE tables (book3s_64_vio_hv.c) */
struct kvmppc_spapr_tce_table *kvmppc_find_tce_table(struct kvm *kvm, uint64_t liobn);
long kvmppc_h_put_tce(struct kvm_vcpu *vcpu, unsigned long liobn, unsigned long ioba,
                      unsigned long tce);
long kvmppc_h_get_tce(struct kvm_vcpu *vcpu, unsigned long liobn, unsigned long ioba);

/* HPT (book3s_hv_rm_mmu.c) */
long kvmppc_h_enter(struct kvm_vcpu *vcpu, unsigned long flags, long pte_index, unsigned long pteh,
                    unsigned long ptel);
long kvmppc_h_remove(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index,
                     unsigned long avpn);
long kvmppc_h_read(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index);
long kvmppc_h_protect(struct kvm_vcpu *vcpu, unsigned long flags, unsigned long pte_index,
                      unsigned long avpn, unsigned long va);
long kvmppc_h_bulk_remove(struct kvm_vcpu *vcpu);

/* ICP (book3s_hv_rm_xics.c) */
long kvmppc_rm_h_eoi(struct kvm_vcpu *vcpu, unsigned long xirr);
long kvmppc_rm_h_cppr(struct kvm_vcpu *vcpu, unsigned long cppr);
long kvmppc_rm_h_ipi(struct kvm_vcpu *vcpu, unsigned long server, unsigned long mfrr);
long kvmppc_rm_h_xirr(struct kvm_vcpu *vcpu);

/* Host side (book3s_hv.c) */
struct kvm_vcpu *kvmppc_handle_exit_hv(struct kvm_vcpu *vcpu);
void hv_report(void);

/* Freestanding C library subset (lib.c) */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
