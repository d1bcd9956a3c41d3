/* TCE tables: H_PUT_TCE in real mode (as Linux 3.10 book3s_64_vio_hv.c), H_GET_TCE lookup. */
#include "hv/hv.h"

struct kvmppc_spapr_tce_table *kvmppc_find_tce_table(struct kvm *kvm, uint64_t liobn)
{
    for (struct kvmppc_spapr_tce_table *stt = kvm->spapr_tce_tables; stt; stt = stt->next)
        if (stt->liobn == liobn) return stt;
    return NULL;
}

/* Unknown liobn: H_TOO_HARD, the host side answers.  The low 12 bits of ioba are ignored and the
 * TCE is stored unvalidated, as in 3.10. */
long kvmppc_h_put_tce(struct kvm_vcpu *vcpu, unsigned long liobn, unsigned long ioba,
                      unsigned long tce)
{
    struct kvmppc_spapr_tce_table *stt = kvmppc_find_tce_table(vcpu->kvm, liobn);

    if (!stt) return H_TOO_HARD;
    if (ioba >= stt->window_size) return H_PARAMETER;
    stt->table[ioba >> SPAPR_TCE_SHIFT] = tce;
    return H_SUCCESS;
}

/* Virtual-mode H_GET_TCE (QEMU semantics): the entry goes to r4. */
long kvmppc_h_get_tce(struct kvm_vcpu *vcpu, unsigned long liobn, unsigned long ioba)
{
    struct kvmppc_spapr_tce_table *stt = kvmppc_find_tce_table(vcpu->kvm, liobn);

    if (!stt || ioba >= stt->window_size) return H_PARAMETER;
    vcpu->gpr[4] = stt->table[ioba >> SPAPR_TCE_SHIFT];
    return H_SUCCESS;
}
