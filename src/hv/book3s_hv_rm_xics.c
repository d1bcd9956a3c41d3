/*
 * Real-mode XICS hcalls over the modelled presentation controller of the single vcpu (server 0,
 * semantics of Linux 3.10 book3s_hv_rm_xics.c).  The only interrupt source is the IPI (MFRR); a
 * presented interrupt is visible through H_XIRR (out_ee is kept for the report), it is not
 * delivered to the guest's 0x500 vector.
 */
#include "hv/hv.h"

#define XICS_SERVER 0

/* Present the IPI if its priority beats both the CPPR and what is already pending */
static void icp_check_ipi(struct kvmppc_icp *icp)
{
    if (icp->mfrr < icp->cppr && icp->mfrr < icp->pending_pri) {
        icp->xisr = XICS_IPI;
        icp->pending_pri = icp->mfrr;
    }
    icp->out_ee = icp->xisr && icp->pending_pri < icp->cppr;
}

/* Withdraw a presented interrupt that the new CPPR or MFRR no longer allows */
static void icp_reject(struct kvmppc_icp *icp)
{
    icp->xisr = 0;
    icp->pending_pri = 0xff;
}

static void icp_down_cppr(struct kvmppc_icp *icp, uint8_t cppr)
{
    icp->cppr = cppr;
    icp_check_ipi(icp);
}

long kvmppc_rm_h_xirr(struct kvm_vcpu *vcpu)
{
    struct kvmppc_icp *icp = &vcpu->icp;
    uint32_t xirr = icp->xisr | ((uint32_t)icp->cppr << 24);

    if (icp->xisr) { /* accept: CPPR rises to the interrupt's priority */
        icp->cppr = icp->pending_pri;
        icp_reject(icp);
        icp->out_ee = 0;
    }
    vcpu->gpr[4] = xirr;
    return H_SUCCESS;
}

long kvmppc_rm_h_cppr(struct kvm_vcpu *vcpu, unsigned long cppr)
{
    struct kvmppc_icp *icp = &vcpu->icp;

    cppr &= 0xff;
    if (cppr > icp->cppr) {
        icp_down_cppr(icp, (uint8_t)cppr);
        return H_SUCCESS;
    }
    icp->cppr = (uint8_t)cppr; /* Up_CPPR: reject what is no longer favoured enough */
    if (icp->xisr && icp->pending_pri >= cppr) icp_reject(icp);
    icp->out_ee = icp->xisr && icp->pending_pri < icp->cppr;
    return H_SUCCESS;
}

long kvmppc_rm_h_ipi(struct kvm_vcpu *vcpu, unsigned long server, unsigned long mfrr)
{
    struct kvmppc_icp *icp = &vcpu->icp;

    if (server != XICS_SERVER) return H_PARAMETER;
    icp->mfrr = (uint8_t)mfrr;
    if (icp->xisr == XICS_IPI && icp->mfrr > icp->pending_pri) icp_reject(icp);
    icp_check_ipi(icp);
    return H_SUCCESS;
}

long kvmppc_rm_h_eoi(struct kvm_vcpu *vcpu, unsigned long xirr)
{
    icp_down_cppr(&vcpu->icp, (uint8_t)(xirr >> 24));
    return H_SUCCESS;
}
