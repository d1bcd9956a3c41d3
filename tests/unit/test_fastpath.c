/* Fast-path logic: the real firmware assembly (hv.elf) runs a guest `sc 1` in the interpreter,
 * once per branch of the seed's path (system_call_pSeries -> do_kvm_0xc00 -> kvmppc_interrupt ->
 * hcall_try_real_mode -> handler -> fast_guest_return, or the exits to guest_exit_cont), and the
 * resulting guest, PACA and vcpu state is checked against kvm-hcall-path.md sections 5 and 6. */
#include "fastpath_harness.h"

#define DEMO_LIOBN    HV_TCE_LIOBN0
#define DEMO_IOBA     0x2000ull
#define DEMO_TCE      0x12345003ull
#define UNKNOWN_LIOBN 0x12345678ull
#define STALE_CFAR    0xc0000000000cfa40ull /* left in PACA exgen by "an earlier exception" */
#define VCPU_POISON   0x5e5e5e5e5e5e5e5eull /* vcpu fields the exit save must overwrite */
#define SC_NEXT       (FP_GUEST_ENTRY + 4)  /* SRR0 of the sc, and the guest's resume PC */

/* Guest SPRs no part of the path may touch */
static const struct {
    unsigned spr;
    uint64_t value;
} untouched_sprs[] = {
    {SPR_SPRG0, 0x5350524730303030ull}, {SPR_SPRG1, 0x5350524731313131ull},
    {SPR_SPRG2, 0x5350524732323232ull}, {SPR_SPRG3, 0x5350524733333333ull},
    {SPR_DAR, 0x0000000000dada00ull},   {SPR_DSISR, 0x42000000ull},
};

/* Instructions per segment of the seed's path (kvm-hcall-path.md 5.1-5.4): the vector up to the
 * taken bne, the KVM handler, kvmppc_interrupt up to the beq into hcall_try_real_mode, and
 * hcall_try_real_mode up to the branch that leaves it on each branch. */
#define STEPS_VECTOR        9
#define STEPS_VECTOR_HOST   12 /* not-taken bne, GET_SCRATCH0, li r12, b hv_host_interrupt */
#define STEPS_DO_KVM        8
#define STEPS_KVM_INTERRUPT 54
#define STEPS_TRY_PR        3  /* ld, andi., bne */
#define STEPS_TRY_BOUNDS    6  /* + clrrdi, cmpldi, bge */
#define STEPS_TRY_ZERO      10 /* + ld (GOT), lwax, cmpwi, beq */
#define STEPS_TRY_TOO_HARD  17 /* + add, mtctr, mr, ld, bctrl; cmpdi, beq */
#define STEPS_TRY_RETURN    22 /* + ld, std, ld, ld, b */
#define STEPS_FALLBACK      3
#define STEPS_FAST_RETURN   27

/* ---- Preparing one hcall ------------------------------------------------------------------ */

/* Guest registers for `sc 1` with r3 = hcall and r4.. = args, the stale PACA CFAR, the vcpu
 * fields the exit save writes poisoned, and SPRs the path must leave alone. */
static fp_guest prepare_hcall(fastpath *fp, uint64_t hcall, uint64_t arg1, uint64_t arg2,
                              uint64_t arg3)
{
    fp_guest g = fp_default_guest();
    g.gpr[3] = hcall;
    g.gpr[4] = arg1;
    g.gpr[5] = arg2;
    g.gpr[6] = arg3;

    fp_store(fp, fp->paca + PACA_EXGEN + EX_CFAR, 8, STALE_CFAR);
    for (unsigned n = 0; n < 32; n++)
        fp_store(fp, fp->vcpu + VCPU_GPRS + 8 * n, 8, VCPU_POISON);
    static const unsigned poisoned64[] = {VCPU_PC,   VCPU_CTR,  VCPU_LR,   VCPU_XER,
                                          VCPU_CFAR, VCPU_SRR0, VCPU_SRR1, VCPU_MSR};
    for (size_t i = 0; i < sizeof(poisoned64) / sizeof(poisoned64[0]); i++)
        fp_store(fp, fp->vcpu + poisoned64[i], 8, VCPU_POISON);
    fp_store(fp, fp->vcpu + VCPU_CR, 4, (uint32_t)VCPU_POISON);
    fp_store(fp, fp->vcpu + VCPU_LAST_INST, 4, 0);
    fp_store(fp, fp->vcpu + VCPU_TRAP, 4, 0);

    fp_enter_guest(fp, &g);
    for (size_t i = 0; i < sizeof(untouched_sprs) / sizeof(untouched_sprs[0]); i++)
        cpu_set_spr(fp->cpu, untouched_sprs[i].spr, untouched_sprs[i].value);
    return g;
}

static fp_guest prepare_put_tce(fastpath *fp, uint64_t hcall, uint64_t liobn)
{
    return prepare_hcall(fp, hcall, liobn, DEMO_IOBA, DEMO_TCE);
}

/* ---- Checks ------------------------------------------------------------------------------- */

static void assert_segment_steps(const fastpath *fp, fp_segment seg, uint64_t expected)
{
    if (fp->seg_steps[seg] != expected)
        fail_msg("%s: %" PRIu64 " instructions, expected %" PRIu64, fp_segment_names[seg],
                 fp->seg_steps[seg], expected);
}

/* The vector, do_kvm_0xc00 and kvmppc_interrupt ran in full, as in the seed. */
static void assert_kvm_entry_path(const fastpath *fp)
{
    assert_segment_steps(fp, FP_SEG_GUEST, 1); /* the sc itself */
    assert_segment_steps(fp, FP_SEG_SYSCALL, STEPS_VECTOR);
    assert_segment_steps(fp, FP_SEG_DO_KVM, STEPS_DO_KVM);
    assert_segment_steps(fp, FP_SEG_KVM_INTERRUPT, STEPS_KVM_INTERRUPT);
    assert_segment_steps(fp, FP_SEG_HOST_INTERRUPT, 0);
}

static void assert_sprs_untouched(const fastpath *fp)
{
    for (size_t i = 0; i < sizeof(untouched_sprs) / sizeof(untouched_sprs[0]); i++)
        assert_int_equal(cpu_get_spr(fp->cpu, untouched_sprs[i].spr), untouched_sprs[i].value);
}

/* What the vector and kvmppc_interrupt saved (5.1, 5.2); gpr[3] is the hcall number until the
 * real-mode result replaces it. */
static void assert_exit_saved(const fastpath *fp, const fp_guest *g, uint64_t gpr3)
{
    for (unsigned n = 0; n < 14; n++)
        assert_int_equal(fp_vcpu_gpr(fp, n), n == 3 ? gpr3 : g->gpr[n]);
    assert_int_equal(fp_vcpu64(fp, VCPU_PC), SC_NEXT);
    assert_int_equal(fp_vcpu64(fp, VCPU_MSR), g->msr);
    assert_int_equal(fp_vcpu64(fp, VCPU_SRR0), SC_NEXT);
    assert_int_equal(fp_vcpu64(fp, VCPU_SRR1), g->msr);
    assert_int_equal(fp_vcpu32(fp, VCPU_CR), g->cr);
    assert_int_equal(fp_vcpu64(fp, VCPU_LR), g->lr);
    assert_int_equal(fp_vcpu64(fp, VCPU_CTR), g->ctr);
    assert_int_equal(fp_vcpu32(fp, VCPU_XER), (uint32_t)g->xer); /* stw into the high word */
    assert_int_equal(fp_vcpu64(fp, VCPU_CFAR), STALE_CFAR);      /* the PACA copy, stale */
    assert_int_equal(fp_vcpu32(fp, VCPU_TRAP), BOOK3S_INTERRUPT_SYSCALL);
    assert_int_equal(fp_vcpu32(fp, VCPU_LAST_INST), (uint32_t)KVM_INST_FETCH_FAILED);

    /* The scratch areas on the way */
    assert_int_equal(fp_paca64(fp, PACA_EXGEN + EX_R9), g->gpr[9]);
    assert_int_equal(fp_paca64(fp, PACA_EXGEN + EX_R10), g->gpr[10]);
    assert_int_equal(fp_paca64(fp, HSTATE_CFAR), STALE_CFAR);
    assert_int_equal(fp_paca64(fp, HSTATE_SCRATCH0), g->gpr[12]);
    assert_int_equal(fp_ld32(fp, fp->paca + HSTATE_SCRATCH1), g->cr);
    assert_int_equal(fp_paca64(fp, HSTATE_HOST_R2), g->gpr[9]);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_HSPRG1), g->gpr[13]);
    /* r14-r31 are never saved on the fast path */
    for (unsigned n = 14; n < 32; n++)
        assert_int_equal(fp_vcpu_gpr(fp, n), VCPU_POISON);
}

/* Stopped at guest_exit_cont: the full-exit entry state (5.6: r9 = vcpu, r12 = trap, r13 =
 * PACA, host r1/r2) with the guest's r14-r31 still live and nothing of them saved yet. */
static void assert_at_exit_cont(const fastpath *fp, const fp_guest *g, uint64_t hcall)
{
    assert_true(fp_in_hypervisor(fp));
    assert_int_equal(fp_phys(cpu_get_nip(fp->cpu)), fp->seg_addr[FP_SEG_EXIT_CONT]);
    assert_int_equal(cpu_get_gpr(fp->cpu, 9), fp_paca64(fp, HSTATE_KVM_VCPU));
    assert_int_equal(cpu_get_gpr(fp->cpu, 12), BOOK3S_INTERRUPT_SYSCALL);
    assert_int_equal(cpu_get_gpr(fp->cpu, 13), cpu_get_spr(fp->cpu, SPR_HSPRG0));
    assert_int_equal(cpu_get_gpr(fp->cpu, 1), fp_paca64(fp, HSTATE_HOST_R1));
    assert_int_equal(cpu_get_gpr(fp->cpu, 2), fp_paca64(fp, PACATOC));
    for (unsigned n = 14; n < 32; n++)
        assert_int_equal(cpu_get_gpr(fp->cpu, n), g->gpr[n]);
    assert_int_equal(fp_in_guest(fp), KVM_GUEST_MODE_NONE);
    assert_exit_saved(fp, g, hcall);
    assert_segment_steps(fp, FP_SEG_FAST_RETURN, 0);
    assert_sprs_untouched(fp);
}

/* Back in the guest after a real-mode hcall: kvm-hcall-path.md section 6. */
static void assert_fast_return(const fastpath *fp, const fp_guest *g, uint64_t r3)
{
    assert_int_equal(cpu_get_nip(fp->cpu), SC_NEXT);
    assert_int_equal(cpu_get_msr(fp->cpu), g->msr); /* HV = 0 */
    for (unsigned n = 0; n < 32; n++)
        assert_int_equal(cpu_get_gpr(fp->cpu, n), n == 3 ? r3 : g->gpr[n]);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_LR), g->lr);
    assert_int_equal(cpu_get_cr(fp->cpu), g->cr);
    /* CTR is not restored: the handler's absolute address from the mtctr before bctrl */
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_CTR), fp_fw_code_address(fp, FP_SEG_PUT_TCE));
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR0), SC_NEXT);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR1), g->msr);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_HSRR0), SC_NEXT);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_HSRR1), g->msr);
    /* fast_guest_return's mtspr CFAR survives the hrfid (section 6: CFAR = VCPU_CFAR) */
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_CFAR), STALE_CFAR);
    assert_sprs_untouched(fp);

    assert_int_equal(fp_in_guest(fp), KVM_GUEST_MODE_GUEST);
    assert_int_equal(fp_ld8(fp, fp->vcpu + VCPU_CEDED), 0);
    assert_exit_saved(fp, g, r3);
    assert_int_equal(fp_vcpu64(fp, VCPU_STAT_EXITS), 0); /* no full exit */

    assert_kvm_entry_path(fp);
    assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_RETURN);
    assert_segment_steps(fp, FP_SEG_FAST_RETURN, STEPS_FAST_RETURN);
    assert_segment_steps(fp, FP_SEG_FALLBACK, 0);
    assert_segment_steps(fp, FP_SEG_EXIT_CONT, 0);
    assert_true(fp->seg_steps[FP_SEG_PUT_TCE] > 0);
}

/* A successful H_PUT_TCE (any hcall number that clrrdi turns into 0x20) with the in-guest byte
 * set to in_guest at the sc: the TCE lands in the table and the guest gets H_SUCCESS. */
static void check_put_tce_hit(uint64_t hcall, uint8_t in_guest)
{
    print_message("hcall 0x%" PRIx64 ", in_guest %u\n", hcall, in_guest);
    fastpath *fp = fp_boot();
    fp_guest g = prepare_put_tce(fp, hcall, DEMO_LIOBN);
    fp_set_in_guest(fp, in_guest);
    fp_store(fp, fp->vcpu + VCPU_CEDED, 1, 1); /* fast_guest_return cancels a cede */
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), 0);

    fp_run_to(fp, FP_UNTIL_GUEST, FP_PATH_BUDGET);
    assert_fast_return(fp, &g, H_SUCCESS);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), DEMO_TCE);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA - 0x1000), 0);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA + 0x1000), 0);
    fp_shutdown(fp);
}

/* Runs the prepared sc to guest_exit_cont and checks the exit state. */
static void run_to_exit_cont(fastpath *fp, const fp_guest *g)
{
    fp_run_to(fp, FP_SEG_EXIT_CONT, FP_PATH_BUDGET);
    assert_kvm_entry_path(fp);
    assert_at_exit_cont(fp, g, g->gpr[3]);
}

/* After the full exit the host side answers and re-enters the guest through kvmppc_hv_entry,
 * which reloads CTR, XER and r14-r31 from the vcpu. */
static void resume_after_full_exit(fastpath *fp, const fp_guest *g)
{
    fp_run_to(fp, FP_UNTIL_GUEST, FP_PATH_BUDGET);
    assert_int_equal(fp_vcpu64(fp, VCPU_STAT_EXITS), 1);
    assert_int_equal(fp_in_guest(fp), KVM_GUEST_MODE_GUEST);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_CTR), g->ctr);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_LR), g->lr);
    assert_int_equal(cpu_get_cr(fp->cpu), g->cr);
    for (unsigned n = 14; n < 32; n++)
        assert_int_equal(cpu_get_gpr(fp->cpu, n), g->gpr[n]);
}

/* ---- The branches ------------------------------------------------------------------------- */

/* in_guest = 1 (GUEST): bne do_kvm_0xc00, and the whole fast path as section 6 describes. */
static void test_in_guest_1_put_tce_fast_path(void **state)
{
    (void)state;
    check_put_tce_hit(H_PUT_TCE, KVM_GUEST_MODE_GUEST);
}

/* in_guest = 2 (SKIP) also takes do_kvm_0xc00 (any non-zero byte); fast_guest_return sets 1. */
static void test_in_guest_2_takes_kvm_path(void **state)
{
    (void)state;
    check_put_tce_hit(H_PUT_TCE, KVM_GUEST_MODE_SKIP);
}

/* in_guest = 0: no KVM exit.  The vector falls through to the host's own syscall path, which in
 * this firmware is the fatal host-interrupt report (it makes no system calls). */
static void test_in_guest_0_no_kvm_exit(void **state)
{
    fastpath *fp = *state;
    fp_guest g = prepare_put_tce(fp, H_PUT_TCE, DEMO_LIOBN);
    fp_set_in_guest(fp, KVM_GUEST_MODE_NONE);

    fp_run_to(fp, FP_SEG_HOST_INTERRUPT, FP_PATH_BUDGET);
    assert_segment_steps(fp, FP_SEG_GUEST, 1);
    assert_segment_steps(fp, FP_SEG_SYSCALL, STEPS_VECTOR_HOST);
    assert_int_equal(fp->steps, 1 + STEPS_VECTOR_HOST);
    assert_int_equal(cpu_get_gpr(fp->cpu, 12), BOOK3S_INTERRUPT_SYSCALL);
    assert_int_equal(cpu_get_gpr(fp->cpu, 13), g.gpr[13]); /* GET_SCRATCH0 */
    assert_int_equal(cpu_get_gpr(fp->cpu, 9), g.cr);       /* mfcr before the compare */
    assert_int_equal(cpu_get_gpr(fp->cpu, 10), KVM_GUEST_MODE_NONE);
    assert_int_equal(cpu_get_cr(fp->cpu) >> 28, 0x2 | 0x1); /* cmpwi r10,0: EQ, SO from XER */
    for (unsigned n = 0; n < 32; n++)
        if (n < 9 || n == 11 || n > 13) assert_int_equal(cpu_get_gpr(fp->cpu, n), g.gpr[n]);
    assert_int_equal(fp_paca64(fp, PACA_EXGEN + EX_R9), g.gpr[9]);
    assert_int_equal(fp_paca64(fp, PACA_EXGEN + EX_R10), g.gpr[10]);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR0), SC_NEXT);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR1), g.msr);
    /* Nothing of KVM ran: the vcpu is as prepared */
    for (unsigned n = 0; n < 32; n++)
        assert_int_equal(fp_vcpu_gpr(fp, n), VCPU_POISON);
    assert_int_equal(fp_vcpu32(fp, VCPU_TRAP), 0);
    assert_int_equal(fp_in_guest(fp), KVM_GUEST_MODE_NONE);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), 0);

    /* ...which reports the interrupt and powers off with a firmware error */
    assert_true(fp_run_to_power_off(fp, FP_BOOT_BUDGET));
    char expected[128];
    snprintf(expected, sizeof(expected),
             "HV: FATAL: firmware took interrupt 0xc00: SRR0=0x%llx SRR1=0x%llx ", SC_NEXT,
             FP_GUEST_MSR);
    if (!strstr(fp_console(fp), expected))
        fail_msg("console lacks \"%s\":\n%s", expected, fp_console(fp));
    uint64_t exit_flags = fp_ld64(fp, HV_BOOTPARAMS_PHYS + BP_EXIT_FLAGS);
    assert_int_equal(exit_flags, HV_EXIT_POWERED_OFF | HV_EXIT_FIRMWARE_ERROR);
}

/* Guest MSR[PR] = 1: hcall_try_real_mode leaves at once; the host reflects the sc into the
 * guest's own 0xc00 with r3 untouched. */
static void test_problem_state_exits(void **state)
{
    fastpath *fp = *state;
    fp_guest g = prepare_put_tce(fp, H_PUT_TCE, DEMO_LIOBN);
    g.msr |= MSR_PR;
    fp_enter_guest(fp, &g);

    run_to_exit_cont(fp, &g);
    assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_PR);
    assert_segment_steps(fp, FP_SEG_PUT_TCE, 0);
    assert_int_equal(cpu_get_gpr(fp->cpu, 3), H_PUT_TCE);
    assert_int_equal(cpu_get_gpr(fp->cpu, 10), SC_NEXT);
    assert_int_equal(cpu_get_gpr(fp->cpu, 11), g.msr);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), 0);

    resume_after_full_exit(fp, &g);
    assert_int_equal(cpu_get_nip(fp->cpu), BOOK3S_INTERRUPT_SYSCALL);
    assert_int_equal(cpu_get_msr(fp->cpu), MSR_SF | MSR_ME);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR0), SC_NEXT);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_SRR1), g.msr);
    assert_int_equal(cpu_get_gpr(fp->cpu, 3), H_PUT_TCE);
    assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), 0);
}

/* hcall numbers whose clrrdi result is at or past hcall_real_table_end (a 64-bit unsigned
 * compare: high bits count); each goes to guest_exit_cont without a table load, and the host
 * answers H_FUNCTION (or handles it, for H_RANDOM). */
static void test_past_table_end_exits(void **state)
{
    (void)state;
    static const uint64_t past_end[] = {
        0x128, 0x12b, H_RANDOM, 0x100000020ull, 0x8000000000000020ull, UINT64_MAX};
    for (size_t i = 0; i < sizeof(past_end) / sizeof(past_end[0]); i++) {
        print_message("hcall 0x%" PRIx64 "\n", past_end[i]);
        fastpath *fp = fp_boot();
        assert_true(past_end[i] >=
                    fp_symbol(fp, "hcall_real_table_end") - fp_symbol(fp, "hcall_real_table"));
        fp_guest g = prepare_put_tce(fp, past_end[i], DEMO_LIOBN);

        run_to_exit_cont(fp, &g);
        assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_BOUNDS);
        assert_segment_steps(fp, FP_SEG_OTHER, 0);
        assert_int_equal(cpu_get_gpr(fp->cpu, 3), past_end[i] & ~3ull); /* clrrdi r3,r3,2 */

        resume_after_full_exit(fp, &g);
        assert_int_equal(cpu_get_nip(fp->cpu), SC_NEXT);
        if (past_end[i] == H_RANDOM)
            assert_int_equal(cpu_get_gpr(fp->cpu, 3), H_SUCCESS);
        else
            assert_int_equal(cpu_get_gpr(fp->cpu, 3), (uint64_t)H_FUNCTION);
        assert_int_equal(fp_tce_entry(fp, DEMO_LIOBN, DEMO_IOBA), 0);
        fp_shutdown(fp);
    }
}

/* The last entry (0x124, H_BULK_REMOVE) is inside the table: it dispatches and returns fast. */
static void test_last_table_entry_dispatches(void **state)
{
    fastpath *fp = *state;
    fp_guest g = prepare_hcall(fp, H_BULK_REMOVE, H_BULK_REMOVE_END, 0, 0); /* empty list */

    fp_run_to(fp, FP_UNTIL_GUEST, FP_PATH_BUDGET);
    assert_int_equal(cpu_get_nip(fp->cpu), SC_NEXT);
    assert_kvm_entry_path(fp);
    assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_RETURN);
    assert_segment_steps(fp, FP_SEG_FAST_RETURN, STEPS_FAST_RETURN);
    assert_segment_steps(fp, FP_SEG_EXIT_CONT, 0);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_CTR),
                     HV_KERNELBASE | fp_symbol(fp, "kvmppc_h_bulk_remove"));
    assert_int_equal(cpu_get_gpr(fp->cpu, 3), fp_vcpu_gpr(fp, 3));
    assert_int_not_equal(cpu_get_gpr(fp->cpu, 3), H_TOO_HARD);
    assert_int_equal(cpu_get_msr(fp->cpu), g.msr);
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_LR), g.lr);
    assert_int_equal(cpu_get_cr(fp->cpu), g.cr);
}

/* Zero table entries (no real-mode handler) go to guest_exit_cont after the table load; the
 * host answers.  H_SET_SPRG0 shows the full exit really handles the call. */
static void test_zero_entry_exits(void **state)
{
    (void)state;
    static const uint64_t zero_entries[] = {0,           H_CLEAR_MOD, H_CLEAR_REF, H_GET_TCE,
                                            H_SET_SPRG0, 0x2c,        0x70,        0x120};
    for (size_t i = 0; i < sizeof(zero_entries) / sizeof(zero_entries[0]); i++) {
        uint64_t hcall = zero_entries[i];
        print_message("hcall 0x%" PRIx64 "\n", hcall);
        fastpath *fp = fp_boot();
        uint64_t table = fp_symbol(fp, "hcall_real_table");
        assert_int_equal(fp_ld32(fp, table + hcall), 0);
        fp_guest g = prepare_put_tce(fp, hcall, DEMO_LIOBN);

        run_to_exit_cont(fp, &g);
        assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_ZERO);
        assert_segment_steps(fp, FP_SEG_OTHER, 0);
        assert_int_equal(cpu_get_gpr(fp->cpu, 3), 0); /* the entry */
        assert_int_equal(cpu_get_gpr(fp->cpu, 4), HV_KERNELBASE | table);

        resume_after_full_exit(fp, &g);
        assert_int_equal(cpu_get_nip(fp->cpu), SC_NEXT);
        if (hcall == H_SET_SPRG0) {
            assert_int_equal(cpu_get_gpr(fp->cpu, 3), H_SUCCESS);
            assert_int_equal(cpu_get_spr(fp->cpu, SPR_SPRG0), g.gpr[4]);
        }
        fp_shutdown(fp);
    }
}

/* H_PUT_TCE with an unknown liobn: the handler returns H_TOO_HARD, hcall_real_fallback goes to
 * guest_exit_cont with trap 0xc00 and the vcpu's r3 still the hcall number (the original one,
 * low bits included); the host answers as QEMU does: H_PARAMETER for 0x20, and H_FUNCTION when
 * the low bits are set (QEMU rejects opcode & 3 where KVM's real mode ignored them). */
static void check_too_hard(uint64_t hcall, int64_t host_answer)
{
    print_message("hcall 0x%" PRIx64 "\n", hcall);
    fastpath *fp = fp_boot();
    fp_guest g = prepare_put_tce(fp, hcall, UNKNOWN_LIOBN);

    fp_run_to(fp, FP_SEG_EXIT_CONT, FP_PATH_BUDGET);
    assert_kvm_entry_path(fp);
    assert_segment_steps(fp, FP_SEG_TRY_REAL_MODE, STEPS_TRY_TOO_HARD);
    assert_segment_steps(fp, FP_SEG_FALLBACK, STEPS_FALLBACK);
    assert_true(fp->seg_steps[FP_SEG_PUT_TCE] > 0);
    assert_int_equal(cpu_get_gpr(fp->cpu, 3), H_TOO_HARD); /* discarded, not stored */
    assert_int_equal(cpu_get_spr(fp->cpu, SPR_CTR), fp_fw_code_address(fp, FP_SEG_PUT_TCE));
    assert_at_exit_cont(fp, &g, hcall);

    resume_after_full_exit(fp, &g);
    assert_int_equal(cpu_get_nip(fp->cpu), SC_NEXT);
    assert_int_equal(cpu_get_gpr(fp->cpu, 3), (uint64_t)host_answer);
    fp_shutdown(fp);
}

static void test_too_hard_falls_back(void **state)
{
    (void)state;
    check_too_hard(H_PUT_TCE, H_PARAMETER);
}

/* The low two bits of r3 are ignored: 0x21..0x23 dispatch as H_PUT_TCE. */
static void test_low_bits_ignored(void **state)
{
    (void)state;
    for (uint64_t hcall = H_PUT_TCE + 1; hcall <= H_PUT_TCE + 3; hcall++)
        check_put_tce_hit(hcall, KVM_GUEST_MODE_GUEST);
    check_too_hard(H_PUT_TCE + 3, H_FUNCTION);
}

/* A handler error other than H_TOO_HARD (ioba past the window: H_PARAMETER) still returns by
 * the fast path, and the table is untouched. */
static void test_handler_error_returns_fast(void **state)
{
    fastpath *fp = *state;
    uint32_t window;
    uint64_t table = fp_tce_table(fp, DEMO_LIOBN, &window);
    fp_guest g = prepare_hcall(fp, H_PUT_TCE, DEMO_LIOBN, window, DEMO_TCE);

    fp_run_to(fp, FP_UNTIL_GUEST, FP_PATH_BUDGET);
    assert_fast_return(fp, &g, (uint64_t)H_PARAMETER);
    for (uint64_t idx = 0; idx < window >> SPAPR_TCE_SHIFT; idx++)
        assert_int_equal(fp_ld64(fp, table + 8 * idx), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_guest_1_put_tce_fast_path),
        cmocka_unit_test(test_in_guest_2_takes_kvm_path),
        cmocka_unit_test_setup_teardown(test_in_guest_0_no_kvm_exit, fp_setup, fp_teardown),
        cmocka_unit_test_setup_teardown(test_problem_state_exits, fp_setup, fp_teardown),
        cmocka_unit_test(test_past_table_end_exits),
        cmocka_unit_test_setup_teardown(test_last_table_entry_dispatches, fp_setup, fp_teardown),
        cmocka_unit_test(test_zero_entry_exits),
        cmocka_unit_test(test_too_hard_falls_back),
        cmocka_unit_test(test_low_bits_ignored),
        cmocka_unit_test_setup_teardown(test_handler_error_returns_fast, fp_setup, fp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
