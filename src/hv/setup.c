/*
 * Boot-time setup: PACA, partition (LPCR with VPM0 = 0 and RMLS, RMOR, LPIDR, SDR1), TCE tables
 * and the vcpu, from the boot-parameter block the loader filled.
 */
#include "hv/hv.h"

struct paca_struct hv_paca;
struct kvm hv_kvm;
struct kvm_vcpu hv_vcpu;
uint8_t hv_stack[HV_STACK_SIZE] __attribute__((aligned(128)));
uint8_t hv_emergency_stack[HV_EMERG_STACK_SIZE] __attribute__((aligned(128)));

/* The HPT is too large to clear at boot: it lives in .hvtables, which relies on RAM being zero
 * at power-on (QEMU and hcallsim both guarantee it).  SDR1 needs it aligned to its size. */
static uint64_t hv_hpt[2 * HPT_NPTE]
    __attribute__((section(".hvtables"), aligned(1UL << HPT_ORDER)));
static struct revmap_entry hv_revmap[HPT_NPTE] __attribute__((section(".hvtables")));

static uint64_t hv_tce0[HV_TCE_WINDOW0 >> SPAPR_TCE_SHIFT];
static uint64_t hv_tce1[HV_TCE_WINDOW1 >> SPAPR_TCE_SHIFT];
static struct kvmppc_spapr_tce_table hv_tce_tables[HV_NR_TCE_TABLES] = {
    {.liobn = HV_TCE_LIOBN0, .window_size = HV_TCE_WINDOW0, .table = hv_tce0},
    {.liobn = HV_TCE_LIOBN1, .window_size = HV_TCE_WINDOW1, .table = hv_tce1},
};

struct hv_bootparams *hv_bootparams(void)
{
    return (struct hv_bootparams *)HV_BOOTPARAMS_PHYS;
}

static uint64_t physical(const void *p)
{
    return (uint64_t)(uintptr_t)p & ~HV_KERNELBASE;
}

/* LPCR[RMLS] for an RMA size (POWER8 encodings), -1 if the size has none */
static int rmls_for(uint64_t rma_size)
{
    static const struct {
        uint64_t size;
        int rmls;
    } sizes[] = {{32UL << 20, 8}, {64UL << 20, 3}, {128UL << 20, 7}, {256UL << 20, 4},
                 {1UL << 30, 2},  {16UL << 30, 1}, {256UL << 30, 0}};

    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (sizes[i].size == rma_size) return sizes[i].rmls;
    return -1;
}

static void boot_error(const char *what)
{
    hv_printf("HV: bad boot parameters at 0x%lx: %s\n", (uint64_t)HV_BOOTPARAMS_PHYS, what);
    hv_power_off(HV_EXIT_FIRMWARE_ERROR);
}

static void setup_partition(struct kvm *kvm, const struct hv_bootparams *bp)
{
    int rmls = rmls_for(bp->rma_size);

    if (rmls < 0) boot_error("rma_size has no LPCR[RMLS] encoding");
    if (bp->rmor & (bp->rma_size - 1)) boot_error("rmor is not aligned to rma_size");
    kvm->lpid = bp->lpid;
    kvm->rmor = bp->rmor;
    kvm->rma_size = bp->rma_size;
    /* VPM0 = 0 (RMO real mode), LPES = 0 (externals to the hypervisor), HDICE = 0, AIL = 0 */
    kvm->lpcr = (uint64_t)rmls << LPCR_RMLS_SHIFT;
    kvm->hpt_virt = hv_hpt;
    kvm->hpt_npte = HPT_NPTE;
    kvm->revmap = hv_revmap;
    kvm->sdr1 = physical(hv_hpt) | (HPT_ORDER - 18);
    kvm->online_vcpus = 1;
    kvm->rng_state = 0x9e3779b97f4a7c15UL;
    for (int i = HV_NR_TCE_TABLES - 1; i >= 0; i--) {
        hv_tce_tables[i].kvm = kvm;
        hv_tce_tables[i].next = kvm->spapr_tce_tables;
        kvm->spapr_tce_tables = &hv_tce_tables[i];
    }
    mtspr(SPRN_LPID, kvm->lpid);
    mtspr(SPRN_SDR1, kvm->sdr1);
    mtspr(SPRN_RMOR, kvm->rmor);
    mtspr(SPRN_LPCR, kvm->lpcr);
    __asm__ volatile("isync" : : : "memory");
}

static void setup_vcpu(struct kvm_vcpu *vcpu, struct kvm *kvm, const struct hv_bootparams *bp)
{
    vcpu->kvm = kvm;
    vcpu->pc = bp->guest_entry;
    vcpu->msr = (bp->guest_msr & ~MSR_HV) | MSR_ME;
    vcpu->gpr[3] = bp->guest_fdt;
    vcpu->last_inst = (uint32_t)KVM_INST_FETCH_FAILED;
    vcpu->icp.cppr = 0; /* XICS reset state: everything masked until the guest sets a CPPR */
    vcpu->icp.mfrr = 0xff;
    vcpu->icp.pending_pri = 0xff;
}

struct kvm_vcpu *hv_main(void)
{
    struct hv_bootparams *bp = hv_bootparams();

    hv_paca.lock_token = 0x8000;
    hv_paca.paca_index = 0;
    hv_paca.kernelbase = HV_KERNELBASE;
    __asm__ volatile("mfmsr %0" : "=r"(hv_paca.kernel_msr));
    hv_paca.kvm_hstate.host_msr = hv_paca.kernel_msr;
    hv_paca.kvm_hstate.kvm_vcpu = &hv_vcpu;

    if (bp->magic != HV_BOOTPARAMS_MAGIC || bp->version != HV_BOOTPARAMS_VERSION)
        boot_error("no block (magic/version)");
    bp->exit_flags = 0;
    bp->exit_status = 0;
    setup_partition(&hv_kvm, bp);
    if (bp->guest_entry >= bp->rma_size || (bp->guest_fdt && bp->guest_fdt >= bp->rma_size))
        boot_error("guest entry or FDT outside the RMA");
    setup_vcpu(&hv_vcpu, &hv_kvm, bp);
    if (!(bp->flags & HV_BOOT_QUIET))
        hv_printf("HV: hcallsim firmware: guest entry 0x%lx fdt 0x%lx msr 0x%lx, RMOR 0x%lx "
                  "RMA 0x%lx LPID %lu LPCR 0x%lx SDR1 0x%lx\n",
                  hv_vcpu.pc, bp->guest_fdt, hv_vcpu.msr, hv_kvm.rmor, hv_kvm.rma_size, hv_kvm.lpid,
                  hv_kvm.lpcr, hv_kvm.sdr1);
    return &hv_vcpu;
}
