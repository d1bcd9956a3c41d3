/* The cycle model's mechanisms on short sequences, with the expected cycles computed by hand
 * from the profile's parameters (L2 = the L1 miss latency; the first fetch of every test misses
 * the cold I-cache).  Nothing here measures the host. */
#include "test_timing_encode.h"

#define L2       (tt.p.l2_latency)
#define LAT(cls) (tt.p.latency[TIMING_##cls])

/* li; li: one group.  li; addi (dependent) on POWER9 (ALU latency 2): one stall cycle. */
static void test_dependency_alu(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power9");
    assert_int_equal(LAT(ALU), 2);
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADDI(3, 0, 1), T_ADDI(4, 0, 2)}, 2);
    timing_counters c = tt_run(&tt, T_CODE, 2);
    assert_int_equal(c.cycles, L2 + 1);
    assert_int_equal(c.stall[TIMING_STALL_ICACHE], L2);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], 0);
    assert_int_equal(c.groups, 1);

    timing_reset(tt.t);
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADDI(3, 0, 1), T_ADDI(4, 3, 1)}, 2);
    c = tt_run(&tt, T_CODE, 2);
    /* li in cycle L2; addi waits until L2+2: one idle cycle, then its own group */
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], LAT(ALU) - 1);
    assert_int_equal(c.cycles, L2 + 1 + LAT(ALU));
    assert_int_equal(c.groups, 2);
    assert_int_equal(timing_last_insn(tt.t)->issue_cycle, L2 + LAT(ALU));
    tt_fini(&tt);
}

/* POWER8: ld (cold line: D-miss), ld (same line: hit), addi using the second load. */
static void test_load_to_use_and_dcache_miss(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    tt_load(&tt, T_CODE,
            (uint32_t[]){T_ADDI(3, 0, (int)T_DATA), T_LD(4, 3, 0), T_LD(6, 3, 8), T_ADDI(5, 6, 1)},
            4);
    timing_counters c = tt_run(&tt, T_CODE, 4);
    /* li: group at L2.  ld r4 needs r3 (ready L2+1): group at L2+1, misses: +L2.
     * ld r6: new group at 2*L2+2, hits, r6 ready 2*L2+2+load.  addi waits load-1 cycles. */
    assert_int_equal(c.stall[TIMING_STALL_ICACHE], L2);
    assert_int_equal(c.stall[TIMING_STALL_DCACHE], L2);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], LAT(LOAD) - 1);
    assert_int_equal(c.cycles, 2 * L2 + 3 + LAT(LOAD));
    assert_int_equal(c.dcache_accesses, 2);
    assert_int_equal(c.dcache_misses, 1);
    tt_fini(&tt);
}

/* First vs second access to a line: the second pass over the same loads misses nothing. */
static void test_dcache_first_and_second_access(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    uint32_t code[] = {T_ADDI(3, 0, (int)T_DATA), T_LD(4, 3, 0), T_LD(5, 3, 64), T_LD(6, 3, 128),
                       T_LD(7, 3, 256 + 120)};
    tt_load(&tt, T_CODE, code, 5);
    timing_counters first = tt_run(&tt, T_CODE, 5);
    assert_int_equal(first.dcache_misses, 3); /* lines 0, 1 and 2 of the data */
    assert_int_equal(first.stall[TIMING_STALL_DCACHE], 3 * L2);

    timing_counters second = tt_run(&tt, T_CODE, 5);
    assert_int_equal(second.dcache_misses - first.dcache_misses, 0);
    assert_int_equal(second.stall[TIMING_STALL_DCACHE], first.stall[TIMING_STALL_DCACHE]);
    assert_int_equal(second.icache_misses, first.icache_misses);
    tt_fini(&tt);
}

/* A store followed by a load of the same doubleword waits for store forwarding. */
static void test_store_forwarding(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    uint32_t code[] = {T_ADDI(3, 0, (int)T_DATA), T_LD(4, 3, 64), T_STD(4, 3, 0), T_LD(5, 3, 0)};
    tt_load(&tt, T_CODE, code, 4);
    timing_counters c = tt_run(&tt, T_CODE, 4);
    /* li @L2; ld r4 @L2+1, miss -> cycles 2*L2+2, r4 ready 2*L2+1+load; std waits for r4
     * (dependency load-1) and issues @2*L2+1+load; ld r5 waits for the forwarded data, which
     * is ready store-latency cycles after the std's group (store-1 idle cycles). */
    uint64_t std_issue = 2 * L2 + 1 + LAT(LOAD);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], (LAT(LOAD) - 1) + (LAT(STORE) - 1));
    assert_int_equal(c.cycles, std_issue + LAT(STORE) + 1);
    tt_fini(&tt);
}

/* A load waits for the youngest queued store to its doubleword even when a later store (to
 * another doubleword) is the queue's newest:  li r3; std r4,0(r3); std r4,8(r3); ld r5,0(r3). */
static void test_store_forwarding_from_older_store(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    uint32_t code[] = {T_ADDI(3, 0, (int)T_DATA), T_STD(4, 3, 0), T_STD(4, 3, 8), T_LD(5, 3, 0)};
    tt_load(&tt, T_CODE, code, 4);
    timing_counters c = tt_run(&tt, T_CODE, 4);
    /* li @L2; both std wait for r3 and share the group @L2+1; ld r5 waits for the first std's
     * data (ready @L2+1+store, store-1 idle cycles), then misses the line stores never
     * allocated. */
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], LAT(STORE) - 1);
    assert_int_equal(timing_last_insn(tt.t)->issue_cycle, L2 + 1 + LAT(STORE));
    assert_int_equal(c.cycles, 2 * L2 + 2 + LAT(STORE));
    tt_fini(&tt);
}

/* LRU replacement in a 2-way L1D of 4 sets (lines A, B, C, D in one set): touching the line a
 * set used last again, and a store (never allocates), keep the order, so C evicts B, not A:
 *   ld A; ld B; ld A; ld A; std D; ld C; ld A; ld B  ->  misses A, B, C, B. */
static void test_dcache_lru_replacement(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    tt.p.l1d = (timing_cache_params){.size_kb = 1, .ways = 2, .line_bytes = 128};
    tt_reprofile(&tt);
    enum { SET_STRIDE = 4 * 128 };
    uint32_t code[] = {T_ADDI(3, 0, (int)T_DATA),
                       T_LD(4, 3, 0),
                       T_LD(4, 3, SET_STRIDE),
                       T_LD(4, 3, 0),
                       T_LD(4, 3, 8),
                       T_STD(4, 3, 3 * SET_STRIDE),
                       T_LD(4, 3, 2 * SET_STRIDE),
                       T_LD(4, 3, 0),
                       T_LD(4, 3, SET_STRIDE)};
    tt_load(&tt, T_CODE, code, 9);
    timing_counters c = tt_run(&tt, T_CODE, 9);
    assert_int_equal(c.dcache_accesses, 7);
    assert_int_equal(c.dcache_misses, 4);
    assert_int_equal(c.stall[TIMING_STALL_DCACHE], 4 * L2);
    tt_fini(&tt);
}

/* The exit branch of a counted loop mispredicts, and so does its cold first iteration:
 *   li r3,3; mtctr r3; loop: bdnz loop; li r5,1 */
static void test_mispredict_loop_exit(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    assert_int_equal(tt.p.dispatch[TIMING_MTJMPR], TIMING_DISPATCH_FIRST);
    uint32_t code[] = {T_ADDI(3, 0, 3), w_mtspr(SPR_CTR, 3), T_BC(T_BO_DNZ, 0, 0), T_ADDI(5, 0, 1)};
    tt_load(&tt, T_CODE, code, 4);
    timing_counters c = tt_run(&tt, T_CODE, 6);
    assert_int_equal(c.branches, 3);
    assert_int_equal(c.mispredicts, 2);
    /* li @L2.  mtctr needs r3 (L2+1), opens a group @L2+1: CTR ready L2+1+mtjmpr.
     * bdnz #1 joins that group, predicted not taken (cold), resolves when CTR is ready:
     * restart at L2+1+mtjmpr+1+penalty.  bdnz #2 @restart, predicted taken, right.
     * bdnz #3 @restart+1 (new group after a taken branch), predicted taken, falls through;
     * it resolves on the CTR bdnz #2 wrote (branch latency after restart).  li @ its restart. */
    uint64_t pen = tt.p.mispredict_penalty;
    uint64_t restart1 = L2 + 1 + LAT(MTJMPR) + 1 + pen;
    uint64_t resolve3 = restart1 + LAT(BRANCH);
    uint64_t restart3 = (resolve3 > restart1 + 1 ? resolve3 : restart1 + 1) + 1 + pen;
    assert_int_equal(c.cycles, restart3 + 1);
    assert_int_equal(c.stall[TIMING_STALL_MISPREDICT],
                     (restart1 - (L2 + 2)) + (restart3 - (restart1 + 2)));
    tt_fini(&tt);
}

/* bl/blr pair: the link stack predicts the return; bctr through the count cache is cold
 * the first time only. */
static void test_link_stack_and_count_cache(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    /* 0x1000: bl 0x1100; 0x1004: b 0x1000 (never reached within the budget)
     * 0x1100: blr */
    tt_load(&tt, T_CODE, (uint32_t[]){T_BL(0x100)}, 1);
    tt_load(&tt, T_CODE + 0x100, (uint32_t[]){T_BLR}, 1);
    tt_load(&tt, T_CODE + 4, (uint32_t[]){T_ADDI(3, 0, 1)}, 1);
    timing_counters c = tt_run(&tt, T_CODE, 3);
    assert_int_equal(c.branches, 2);
    assert_int_equal(c.mispredicts, 0);

    /* mtctr r4; bctr twice through the same code: cold count cache, then warm. */
    timing_reset(tt.t);
    uint32_t code[] = {w_mtspr(SPR_CTR, 4), T_BCTR};
    tt_load(&tt, 0x3000, code, 2);
    cpu_set_gpr(tt.m->cpu, 4, 0x3100);
    tt_load(&tt, 0x3100, (uint32_t[]){T_B(-0x100)}, 1); /* back to 0x3000 */
    c = tt_run(&tt, 0x3000, 3);
    assert_int_equal(c.mispredicts, 1);
    c = tt_run(&tt, 0x3000, 3);
    assert_int_equal(c.mispredicts, 1); /* trained */
    tt_fini(&tt);
}

/* POWER8: mtspr is dispatched alone, splitting a group of four li into three groups. */
static void test_serialisation_mtspr_in_group(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    assert_int_equal(tt.p.dispatch[TIMING_MTSPR], TIMING_DISPATCH_ALONE);
    uint32_t plain[] = {T_ADDI(3, 0, 1), T_ADDI(4, 0, 2), T_ADDI(5, 0, 7), T_ADDI(6, 0, 3),
                        T_ADDI(7, 0, 4)};
    tt_load(&tt, T_CODE, plain, 5);
    timing_counters c = tt_run(&tt, T_CODE, 5);
    assert_int_equal(c.cycles, L2 + 1);

    timing_reset(tt.t);
    uint32_t with_mtspr[] = {T_ADDI(3, 0, 1), T_ADDI(4, 0, 2), w_mtspr(SPR_SPRG0, 5),
                             T_ADDI(6, 0, 3), T_ADDI(7, 0, 4)};
    tt_load(&tt, T_CODE, with_mtspr, 5);
    c = tt_run(&tt, T_CODE, 5);
    /* [li li] [mtspr] [li li]: the two extra groups are booked to serialisation */
    assert_int_equal(c.groups, 3);
    assert_int_equal(c.base, 1);
    assert_int_equal(c.stall[TIMING_STALL_SERIALISATION], 2 + tt.p.serialise[TIMING_MTSPR]);
    assert_int_equal(c.cycles, L2 + 3 + tt.p.serialise[TIMING_MTSPR]);

    /* mfspr of the SPR just written waits for the mtspr's result */
    timing_reset(tt.t);
    uint32_t readback[] = {w_mtspr(SPR_SPRG0, 5), w_mfspr(8, SPR_SPRG0)};
    tt_load(&tt, T_CODE, readback, 2);
    c = tt_run(&tt, T_CODE, 2);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], LAT(MTSPR) - 1);
    tt_fini(&tt);
}

/* sc -> 0xc00: rfid -> back.  Both drain and pay their context-synchronisation cost; sc's own
 * interrupt is not charged twice. */
static void test_context_sync_sc_rfid(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    tt_load(&tt, T_CODE, (uint32_t[]){W_SC0, T_ADDI(3, 0, 1)}, 2);
    tt_load(&tt, 0xc00, (uint32_t[]){W_RFID}, 1);
    timing_counters c = tt_run(&tt, T_CODE, 3);
    assert_int_equal(cpu_get_gpr(tt.m->cpu, 3), 1);
    assert_int_equal(c.interrupts, 1);
    uint64_t sc = tt.p.ctxsync[TIMING_CTXSYNC_SC], rfid = tt.p.ctxsync[TIMING_CTXSYNC_RFID];
    assert_int_equal(c.stall[TIMING_STALL_CONTEXT_SYNC], sc + rfid);
    assert_int_equal(c.stall[TIMING_STALL_ICACHE], 2 * L2); /* 0x1000 and 0xc00 */
    assert_int_equal(c.cycles, 2 * L2 + 3 + sc + rfid);

    /* A pending result is drained first: a load miss just before sc. */
    timing_reset(tt.t);
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADDI(3, 0, (int)T_DATA), T_LD(4, 3, 0), W_SC0}, 3);
    tt_load(&tt, 0xc00, (uint32_t[]){W_RFID}, 1);
    c = tt_run(&tt, T_CODE, 3);
    /* ld @L2+1, misses (+L2): cycles 2*L2+2, r4 ready 2*L2+1+load: sc drains load-1 cycles */
    assert_int_equal(c.stall[TIMING_STALL_CONTEXT_SYNC], LAT(LOAD) - 1 + sc);
    tt_fini(&tt);
}

/* mtmsrd L=1 (EE/RI only) and L=0 have their own costs; isync too. */
static void test_context_sync_mtmsrd_isync(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    cpu_set_gpr(tt.m->cpu, 5, MSR_SF | MSR_HV | MSR_ME | MSR_RI);
    tt_load(&tt, T_CODE, (uint32_t[]){w_mtmsrd(5, 1), w_mtmsrd(5, 0), 0x4c00012cu /* isync */}, 3);
    timing_counters c = tt_run(&tt, T_CODE, 3);
    assert_int_equal(c.stall[TIMING_STALL_CONTEXT_SYNC], tt.p.ctxsync[TIMING_CTXSYNC_MTMSRD_L1] +
                                                             tt.p.ctxsync[TIMING_CTXSYNC_MTMSRD] +
                                                             tt.p.ctxsync[TIMING_CTXSYNC_ISYNC]);
    /* after a context synchronisation the fetch line is looked up again (a hit) */
    assert_int_equal(c.icache_misses, 1);
    assert_int_equal(c.icache_accesses, 3);
    tt_fini(&tt);
}

/* An interrupt an instruction raises (trap -> 0x700) costs the interrupt parameter. */
static void test_interrupt_delivery(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power7");
    tt_load(&tt, T_CODE, (uint32_t[]){T_TRAP}, 1);
    tt_load(&tt, 0x700, (uint32_t[]){T_ADDI(3, 0, 1)}, 1);
    timing_counters c = tt_run(&tt, T_CODE, 2);
    assert_int_equal(cpu_get_gpr(tt.m->cpu, 3), 1);
    assert_int_equal(c.interrupts, 1);
    assert_int_equal(c.stall[TIMING_STALL_CONTEXT_SYNC], tt.p.ctxsync[TIMING_CTXSYNC_INTERRUPT]);
    assert_int_equal(c.cycles, 2 * L2 + 2 + tt.p.ctxsync[TIMING_CTXSYNC_INTERRUPT]);
    tt_fini(&tt);
}

/* A full group ends; the next instruction opens a new one (base cycle, no stall). */
static void test_dispatch_width(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    uint32_t code[17];
    for (unsigned i = 0; i < 17; i++)
        code[i] = T_ADDI(3 + (i % 8), 0, (int)i);
    tt_load(&tt, T_CODE, code, 17);
    timing_counters c = tt_run(&tt, T_CODE, 17);
    unsigned w = tt.p.dispatch_width;
    assert_int_equal(c.groups, (17 + w - 1) / w);
    assert_int_equal(c.cycles, L2 + c.groups);
    tt_fini(&tt);
}

/* Record forms: CR0 is ready record_cr cycles later, not the ALU latency. */
static void test_record_form_cr_latency(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    /* add. r3,r4,r5; mfocrf r6,cr0 (first in its group on POWER8) */
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADD(3, 4, 5) | 1u, T_MFOCRF(6, 0x80)}, 2);
    timing_counters c = tt_run(&tt, T_CODE, 2);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], tt.p.record_cr_latency - 1);
    tt_fini(&tt);
}

/* Changing a parameter changes exactly what it should (profiles are data). */
static void test_profile_parameter_drives_model(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    tt.p.latency[TIMING_ALU] = 7;
    tt_reprofile(&tt);
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADDI(3, 0, 1), T_ADDI(4, 3, 1)}, 2);
    timing_counters c = tt_run(&tt, T_CODE, 2);
    assert_int_equal(c.stall[TIMING_STALL_DEPENDENCY], 6);
    tt_fini(&tt);
}

/* The plain loop is untouched: the same code gives the same architected state and the same
 * architected cycle count with and without the model. */
static void test_model_is_functionally_invisible(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power8");
    uint32_t code[] = {T_ADDI(3, 0, (int)T_DATA), T_LD(4, 3, 0), T_ADDI(4, 4, 5), T_STD(4, 3, 8),
                       W_SC0};
    tt_load(&tt, T_CODE, code, 5);
    tt_load(&tt, 0xc00, (uint32_t[]){W_NOP}, 1);
    cpu_set_nip(tt.m->cpu, T_CODE);
    cpu_run(tt.m->cpu, 6);
    uint64_t plain_cycles = cpu_get_cycles(tt.m->cpu), plain_r4 = cpu_get_gpr(tt.m->cpu, 4);
    uint64_t plain_nip = cpu_get_nip(tt.m->cpu);
    cpu_set_msr(tt.m->cpu, MSR_SF | MSR_HV | MSR_ME);
    cpu_set_gpr(tt.m->cpu, 4, 0);
    tt.m->mem.ram[T_DATA + 15] = 0;
    uint64_t before = cpu_get_cycles(tt.m->cpu);
    tt_run(&tt, T_CODE, 6);
    assert_int_equal(cpu_get_cycles(tt.m->cpu) - before, plain_cycles);
    assert_int_equal(cpu_get_gpr(tt.m->cpu, 4), plain_r4);
    assert_int_equal(cpu_get_nip(tt.m->cpu), plain_nip);
    tt_fini(&tt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dependency_alu, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_load_to_use_and_dcache_miss, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_dcache_first_and_second_access, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_store_forwarding, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_store_forwarding_from_older_store, tm_setup,
                                        tm_teardown),
        cmocka_unit_test_setup_teardown(test_dcache_lru_replacement, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_mispredict_loop_exit, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_link_stack_and_count_cache, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_serialisation_mtspr_in_group, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_context_sync_sc_rfid, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_context_sync_mtmsrd_isync, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_delivery, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_width, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_record_form_cr_latency, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_profile_parameter_drives_model, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_model_is_functionally_invisible, tm_setup,
                                        tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
