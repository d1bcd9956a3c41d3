/*
 * The host side: what kvmppc_handle_exit and the virtual-mode hcalls do in Linux + QEMU, here in
 * firmware C running in real mode on the host stack.  Called from guest_exit_cont with the whole
 * guest state in the vcpu; whatever it changes there is loaded back by kvmppc_hv_entry.
 */
#include "hv/hv.h"

#define TB_FREQ       512000000UL
#define RTAS_MAX_ARGS 16

void *hv_guest_ptr(const struct kvm *kvm, uint64_t gra, uint64_t len)
{
    if (gra >= kvm->rma_size || len > kvm->rma_size - gra) return NULL;
    return (void *)(uintptr_t)(kvm->rmor + gra);
}

/* Deliver an interrupt to the guest's own vector, as the hardware would (kvmppc_inject_interrupt)
 */
static void reflect_interrupt(struct kvm_vcpu *vcpu, uint64_t vec, uint64_t srr1_flags)
{
    vcpu->srr0 = vcpu->pc;
    vcpu->srr1 = (vcpu->msr & ~SRR1_MSR_MASK) | srr1_flags;
    vcpu->pc = vec;
    vcpu->msr = MSR_SF | MSR_ME | ((vcpu->kvm->lpcr & LPCR_ILE) ? MSR_LE : 0);
    vcpu->stat_reflected++;
}

/* ---- Console ------------------------------------------------------------------------------ */
/* QEMU's vty_lookup: the vty's own reg, or 0 for the first vty */
static int vty_valid(uint64_t vty)
{
    return vty == 0 || vty == HV_VTY_REG;
}

static long h_put_term_char(struct kvm_vcpu *vcpu)
{
    uint64_t len = vcpu->gpr[5];

    if (!vty_valid(vcpu->gpr[4]) || len > 16) return H_PARAMETER;
    for (uint64_t i = 0; i < len; i++)
        hv_guest_putc((char)(vcpu->gpr[6 + i / 8] >> (56 - 8 * (i % 8))));
    return H_SUCCESS;
}

static long h_get_term_char(struct kvm_vcpu *vcpu)
{
    if (!vty_valid(vcpu->gpr[4])) return H_PARAMETER;
    vcpu->gpr[4] = 0; /* no console input is modelled */
    vcpu->gpr[5] = vcpu->gpr[6] = 0;
    return H_SUCCESS;
}

/* ---- Simple virtual-mode hcalls ---------------------------------------------------------- */
static long h_page_init(struct kvm_vcpu *vcpu)
{
    uint64_t flags = vcpu->gpr[4], dst = vcpu->gpr[5], src = vcpu->gpr[6];
    uint8_t *d, *s = NULL;

    if ((dst & 0xfff) || !(d = hv_guest_ptr(vcpu->kvm, dst, 4096))) return H_PARAMETER;
    if (flags & H_COPY_PAGE) {
        if ((src & 0xfff) || !(s = hv_guest_ptr(vcpu->kvm, src, 4096))) return H_PARAMETER;
        memcpy(d, s, 4096);
    } else if (flags & H_ZERO_PAGE) {
        memset(d, 0, 4096);
    }
    return H_SUCCESS;
}

static long h_set_mode(struct kvm_vcpu *vcpu)
{
    uint64_t mflags = vcpu->gpr[4], resource = vcpu->gpr[5];
    struct kvm *kvm = vcpu->kvm;

    if (resource != H_SET_MODE_RESOURCE_LE) return H_P2;
    if (mflags > 1) return H_UNSUPPORTED_FLAG;
    kvm->lpcr = mflags ? (kvm->lpcr | LPCR_ILE) : (kvm->lpcr & ~LPCR_ILE);
    mtspr(SPRN_LPCR, kvm->lpcr);
    return H_SUCCESS;
}

static long h_random(struct kvm_vcpu *vcpu)
{
    uint64_t x = vcpu->kvm->rng_state; /* xorshift64: deterministic, not for cryptography */

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    vcpu->kvm->rng_state = x;
    vcpu->gpr[4] = x;
    return H_SUCCESS;
}

static long h_prod(struct kvm_vcpu *vcpu)
{
    if (vcpu->gpr[4] != 0) return H_PARAMETER;
    vcpu->prodded = 1;
    return H_SUCCESS;
}

static int dec_expired(void)
{
    return ((uint32_t)mfspr(SPRN_DEC) & 0x80000000u) != 0;
}

/*
 * H_CEDE idle: the guest owns DEC, so wait until it has gone negative (or an IPI is presented,
 * or the vcpu is prodded), then deliver the decrementer interrupt in software as KVM's
 * kvmppc_cede_reentry does.  Delivering it here, rather than leaving it to the CPU after hrfid,
 * fixes the point where the guest sees it: QEMU raises DEC from an asynchronous host timer.
 */
static void cede_idle(struct kvm_vcpu *vcpu)
{
    while (!dec_expired() && !vcpu->icp.out_ee && !vcpu->prodded)
        ;
    vcpu->prodded = 0;
    vcpu->ceded = 0;
    if ((vcpu->msr & MSR_EE) && dec_expired())
        reflect_interrupt(vcpu, BOOK3S_INTERRUPT_DECREMENTER, 0);
}

/* ---- RTAS (H_RTAS 0xf000) ---------------------------------------------------------------- */
static uint64_t tod_now(const struct kvm *kvm)
{
    return hv_bootparams()->tod_seconds + kvm->tod_offset + mftb() / TB_FREQ;
}

/* Days since 1970-01-01 <-> civil date (proleptic Gregorian) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, uint32_t *y, uint32_t *m, uint32_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (uint32_t)(yoe + era * 400 + (*m <= 2));
}

struct rtas_args {
    uint32_t token, nargs, nret;
    uint32_t args[];
};

static void rtas_get_time_of_day(struct kvm *kvm, uint32_t *ret)
{
    uint64_t now = tod_now(kvm);

    civil_from_days((int64_t)(now / 86400), &ret[1], &ret[2], &ret[3]);
    ret[4] = (uint32_t)(now % 86400 / 3600);
    ret[5] = (uint32_t)(now % 3600 / 60);
    ret[6] = (uint32_t)(now % 60);
    ret[7] = 0;
    ret[0] = 0;
}

static void rtas_set_time_of_day(struct kvm *kvm, const uint32_t *a, uint32_t *ret)
{
    if (a[1] < 1 || a[1] > 12 || a[2] < 1 || a[2] > 31 || a[3] > 23 || a[4] > 59 || a[5] > 59) {
        ret[0] = (uint32_t)-3;
        return;
    }
    int64_t t = days_from_civil(a[0], a[1], a[2]) * 86400 + a[3] * 3600 + a[4] * 60 + a[5];
    kvm->tod_offset = (uint64_t)t - (tod_now(kvm) - kvm->tod_offset);
    ret[0] = 0;
}

static long h_rtas(struct kvm_vcpu *vcpu)
{
    struct kvm *kvm = vcpu->kvm;
    uint64_t gra = vcpu->gpr[4];
    struct rtas_args *ra = (gra & 3) ? NULL : hv_guest_ptr(kvm, gra, sizeof(*ra));
    uint32_t nargs, nret, *ret;

    if (!ra) return H_PARAMETER;
    nargs = ra->nargs;
    nret = ra->nret;
    if (nargs > RTAS_MAX_ARGS || nret > RTAS_MAX_ARGS ||
        !hv_guest_ptr(kvm, gra, sizeof(*ra) + 4 * (nargs + nret)))
        return H_PARAMETER;
    ret = &ra->args[nargs];

    switch (ra->token) {
    case RTAS_DISPLAY_CHARACTER:
        if (nargs < 1 || nret < 1) break;
        hv_guest_putc((char)ra->args[0]);
        ret[0] = 0;
        return H_SUCCESS;
    case RTAS_GET_TIME_OF_DAY:
        if (nargs != 0 || nret != 8) break;
        rtas_get_time_of_day(kvm, ret);
        return H_SUCCESS;
    case RTAS_SET_TIME_OF_DAY:
        if (nargs != 7 || nret != 1) break;
        rtas_set_time_of_day(kvm, ra->args, ret);
        return H_SUCCESS;
    case RTAS_POWER_OFF:
    case RTAS_SYSTEM_REBOOT:
        if (nret >= 1) ret[0] = 0;
        hv_power_off(0);
    default: break;
    }
    if (nret >= 1) ret[0] = (uint32_t)-3; /* parameter error / unknown token */
    return H_SUCCESS;
}

/* The virtual-mode hcall dispatcher (kvmppc_pseries_do_hcall + QEMU's spapr_hypercall) */
static long kvmppc_pseries_do_hcall(struct kvm_vcpu *vcpu)
{
    uint64_t op = vcpu->gpr[3];

    switch (op) {
    case H_PUT_TCE: /* real mode gave up: unknown liobn (QEMU answers H_PARAMETER) */
        return H_PARAMETER;
    case H_GET_TCE: return kvmppc_h_get_tce(vcpu, vcpu->gpr[4], vcpu->gpr[5]);
    case H_SET_SPRG0: vcpu->sprg0 = vcpu->gpr[4]; return H_SUCCESS;
    case H_PAGE_INIT: return h_page_init(vcpu);
    case H_GET_TERM_CHAR: return h_get_term_char(vcpu);
    case H_PUT_TERM_CHAR: return h_put_term_char(vcpu);
    case H_CEDE: cede_idle(vcpu); return H_SUCCESS;
    case H_CONFER: return H_SUCCESS;
    case H_PROD: return h_prod(vcpu);
    case H_RANDOM: return h_random(vcpu);
    case H_SET_MODE: return h_set_mode(vcpu);
    case H_RTAS: return h_rtas(vcpu);
    default: return H_FUNCTION;
    }
}

struct kvm_vcpu *kvmppc_handle_exit_hv(struct kvm_vcpu *vcpu)
{
    vcpu->stat_exits++;
    switch (vcpu->trap) {
    case 0: /* H_CEDE already answered in real mode: idle until an interrupt is due */
        if (vcpu->ceded) cede_idle(vcpu);
        break;
    case BOOK3S_INTERRUPT_SYSCALL:
        if (vcpu->msr & MSR_PR) /* sc 1 from guest problem state: the guest OS's business */
            reflect_interrupt(vcpu, BOOK3S_INTERRUPT_SYSCALL, 0);
        else
            vcpu->gpr[3] = (uint64_t)kvmppc_pseries_do_hcall(vcpu);
        break;
    case BOOK3S_INTERRUPT_H_EMUL_ASSIST:
    case BOOK3S_INTERRUPT_H_FAC_UNAVAIL:
        reflect_interrupt(vcpu, BOOK3S_INTERRUPT_PROGRAM, SRR1_PROGILL);
        break;
    case BOOK3S_INTERRUPT_H_DATA_STORAGE:
        vcpu->dar = vcpu->fault_dar;
        vcpu->dsisr = vcpu->fault_dsisr;
        reflect_interrupt(vcpu, BOOK3S_INTERRUPT_DATA_STORAGE, 0);
        break;
    case BOOK3S_INTERRUPT_H_INST_STORAGE:
        reflect_interrupt(vcpu, BOOK3S_INTERRUPT_INST_STORAGE, vcpu->srr1 & 0x58000000UL);
        break;
    case BOOK3S_INTERRUPT_EXTERNAL:       /* no host devices interrupt: resume */
    case BOOK3S_INTERRUPT_HV_DECREMENTER: /* HDEC is not used by the host */
    case BOOK3S_INTERRUPT_HMI: break;
    default:
        hv_printf("HV: unhandled guest exit: trap 0x%x at PC 0x%lx MSR 0x%lx\n",
                  (unsigned)vcpu->trap, vcpu->pc, vcpu->msr);
        hv_power_off(HV_EXIT_FIRMWARE_ERROR);
    }
    return vcpu;
}

/* Power-off report: exit status, counters and the TCE entries the guest wrote */
void hv_report(void)
{
    struct hv_bootparams *bp = hv_bootparams();
    struct kvm_vcpu *vcpu = &hv_vcpu;

    for (struct kvmppc_spapr_tce_table *stt = hv_kvm.spapr_tce_tables; stt; stt = stt->next)
        for (uint64_t i = 0; i < (stt->window_size >> SPAPR_TCE_SHIFT); i++)
            if (stt->table[i])
                hv_printf("HV: TCE liobn=0x%lx ioba=0x%lx tce=0x%lx\n", stt->liobn,
                          i << SPAPR_TCE_SHIFT, stt->table[i]);
    hv_printf("HV: power-off: exits %lu, reflected %lu, status ", vcpu->stat_exits,
              vcpu->stat_reflected);
    if (bp->exit_flags & HV_EXIT_STATUS_VALID)
        hv_printf("%ld\n", (int64_t)bp->exit_status);
    else
        hv_puts("unknown\n");
}
