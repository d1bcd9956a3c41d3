/* Real-mode addressing: hypervisor real mode (top EA bits, HRMOR), guest real mode (RMLS limit,
 * RMOR, DSI/ISI beyond the RMA, VRMA), relocation-on placeholder, 32-bit wrap, and the machine
 * check for real addresses that nothing decodes. */
#include "test_cpu.h"

#define CODE      0x1000u
#define MSR_HV_BE (MSR_SF | MSR_HV | MSR_ME)
#define MSR_GUEST (MSR_SF | MSR_ME)

#define LPCR_RMLS(n) ((uint64_t)(n) << 26) /* LPCR bits 34:37 */
#define LPCR_VPM0    (1ull << 63)

static const uint32_t ld_r3_0_r4 = 0xe8640000;  /* ld r3,0(r4) */
static const uint32_t std_r3_0_r4 = 0xf8640000; /* std r3,0(r4) */

/* Places one word at physical code_pa, points NIP (an EA) at it and executes it. */
static void run_at(test_machine *m, uint64_t code_pa, uint64_t nip, uint32_t word)
{
    tm_poke(m, code_pa, &word, 1);
    cpu_set_nip(m->cpu, nip);
    cpu_step(m->cpu);
}

static void poke64(test_machine *m, uint64_t pa, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        m->mem.ram[pa + i] = (uint8_t)(value >> (56 - 8 * i));
}

/* The run loop executes the vector's first instruction in the same step as a fetch fault:
 * "b ." there keeps NIP at the vector. */
static void park_vector(test_machine *m, uint64_t pa)
{
    const uint32_t branch_to_self = 0x48000000;
    tm_poke(m, pa, &branch_to_self, 1);
}

static void enter_guest(test_machine *m, uint64_t lpcr, uint64_t rmor)
{
    cpu_set_spr(m->cpu, SPR_LPCR, lpcr);
    cpu_set_spr(m->cpu, SPR_RMOR, rmor);
    cpu_set_msr(m->cpu, MSR_GUEST);
}

static void test_hv_real_mode_ignores_top_ea_bits(void **state)
{
    test_machine *m = *state;
    poke64(m, 0x10000, 0x1111222233334444ull);
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, 0xc000000000010000ull);
    run_at(m, CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x1111222233334444ull);
}

static void test_hv_real_mode_hrmor(void **state)
{
    test_machine *m = *state;
    const uint64_t hrmor = 0x100000;
    poke64(m, 0x10000, 0xaaaa);
    poke64(m, hrmor + 0x10000, 0xbbbb);
    cpu_set_spr(m->cpu, SPR_HRMOR, hrmor);
    cpu_set_msr(m->cpu, MSR_HV_BE);

    /* EA bit 0 clear: HRMOR is ORed into both the fetch and the data address. */
    cpu_set_gpr(m->cpu, 4, 0x10000);
    run_at(m, hrmor + CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0xbbbb);

    /* EA bit 0 set: no HRMOR (and bits 1:3 are ignored). */
    cpu_set_gpr(m->cpu, 4, 0xf000000000010000ull);
    run_at(m, hrmor + CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0xaaaa);
}

static void test_guest_real_mode_rmor(void **state)
{
    test_machine *m = *state;
    const uint64_t rmor = 0x2000000;
    enter_guest(m, LPCR_RMLS(8), rmor); /* 32 MiB RMA at 32 MiB */
    cpu_set_gpr(m->cpu, 3, 0x0123456789abcdefull);
    cpu_set_gpr(m->cpu, 4, 0x3000);
    run_at(m, rmor + CODE, CODE, std_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(tm_peek64(m, rmor + 0x3000), 0x0123456789abcdefull);
    assert_int_equal(tm_peek64(m, 0x3000), 0);

    /* The top four EA bits are ignored here too; the last doubleword of the RMA is reachable. */
    cpu_set_gpr(m->cpu, 4, 0xc000000001fffff8ull);
    run_at(m, rmor + CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(tm_peek64(m, rmor + 0x1fffff8), cpu_get_gpr(m->cpu, 3));
}

/* Past the RMLS limit the guest itself takes a DSI (not the hypervisor). */
static void check_guest_dsi(test_machine *m, uint32_t word, uint64_t ea, uint32_t dsisr)
{
    const uint64_t rmor = 0x2000000;
    enter_guest(m, LPCR_RMLS(8), rmor);
    cpu_set_spr(m->cpu, SPR_DAR, 0);
    cpu_set_gpr(m->cpu, 3, 0x77);
    cpu_set_gpr(m->cpu, 4, ea);
    run_at(m, rmor + CODE, CODE, word);
    assert_int_equal(cpu_get_nip(m->cpu), 0x300);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_GUEST);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), ea);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), dsisr);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_GUEST); /* HV stays 0, ME kept, LE from LPCR[ILE] */
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x77);
}

static void test_guest_rma_limit_dsi(void **state)
{
    test_machine *m = *state;
    check_guest_dsi(m, ld_r3_0_r4, 0x2000000, DSISR_PROTFAULT);
    check_guest_dsi(m, std_r3_0_r4, 0x2000000, DSISR_PROTFAULT | DSISR_STORE);
    check_guest_dsi(m, ld_r3_0_r4, 0x8000000002000000ull, DSISR_PROTFAULT);
    /* The store did not happen (RMOR ORed into EA 0x2000000 would have been PA 0x2000000). */
    assert_int_equal(tm_peek64(m, 0x2000000), 0);
}

static void test_guest_rmls_encodings(void **state)
{
    test_machine *m = *state;
    static const struct {
        unsigned rmls;
        uint64_t size;
    } sizes[] = {
        {0, 256ull << 30}, {1, 16ull << 30}, {2, 1ull << 30}, {3, 64ull << 20}, {4, 256ull << 20},
        {7, 128ull << 20}, {8, 32ull << 20}, {5, 0},          {15, 0}};
    uint64_t pa;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        enter_guest(m, LPCR_RMLS(sizes[i].rmls), 0);
        if (sizes[i].size) {
            assert_true(cpu_translate_probe(m->cpu, sizes[i].size - 1, false, &pa));
            assert_int_equal(pa, sizes[i].size - 1);
        }
        assert_false(cpu_translate_probe(m->cpu, sizes[i].size, false, &pa));
        assert_false(cpu_translate_probe(m->cpu, sizes[i].size, true, &pa));
    }
}

static void test_guest_rma_limit_isi(void **state)
{
    test_machine *m = *state;
    enter_guest(m, LPCR_RMLS(8), 0x2000000);
    park_vector(m, 0x2000000 + 0x400);
    cpu_set_nip(m->cpu, 0x2000000);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_nip(m->cpu), 0x400);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), 0x2000000);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_GUEST | 0x08000000ull);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_GUEST);
}

/* LPCR[VPM0]=1 (the VRMA) translates guest real addresses through the hashed page table; with
 * SDR1 = 0 no HPTE matches: HISI/HDSI "no PTE", as QEMU 7.2 gives with an empty table. */
static void test_guest_vrma_without_page_table(void **state)
{
    test_machine *m = *state;
    enter_guest(m, LPCR_VPM0 | LPCR_RMLS(8), 0);
    park_vector(m, 0xe20);
    cpu_set_nip(m->cpu, CODE);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_nip(m->cpu), 0xe20);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR1), MSR_GUEST | 0x40000000ull);
    assert_int_equal(cpu_get_msr(m->cpu), MSR_HV_BE);

    /* Data side (no guest instruction can run to show it, so ask storage directly). */
    enter_guest(m, LPCR_VPM0, 0);
    m->cpu->nip = 0x2468;
    uint64_t pa;
    assert_false(cpu_translate_data(m->cpu, 0x5000, true, &pa));
    assert_int_equal(cpu_get_nip(m->cpu), 0xe00);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HSRR0), 0x2468);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HDAR), 0x5000);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_HDSISR), DSISR_NOPTE | DSISR_STORE);
}

/* IR/DR=1 with an empty SLB: Data/Instruction Segment interrupts (test_mmu.c covers the hashed
 * page table). */
static void test_relocation_on_without_slb_entry(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HV_BE | MSR_DR);
    cpu_set_gpr(m->cpu, 4, 0x5008);
    run_at(m, CODE, CODE, std_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), 0x380);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), 0x5008);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE | MSR_DR);

    cpu_set_msr(m->cpu, MSR_HV_BE | MSR_IR);
    park_vector(m, 0x480);
    cpu_set_nip(m->cpu, CODE);
    cpu_step(m->cpu);
    assert_int_equal(cpu_get_nip(m->cpu), 0x480);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE | MSR_IR);
}

static void test_32bit_mode_wraps_effective_addresses(void **state)
{
    test_machine *m = *state;
    const uint64_t msr32 = MSR_HV | MSR_ME;
    poke64(m, 0x8, 0x0102030405060708ull);

    cpu_set_msr(m->cpu, msr32);
    cpu_set_gpr(m->cpu, 4, 0xdeadbeeffffffff8ull); /* high word ignored, low word wraps */
    run_at(m, CODE, CODE, 0xe8640010);             /* ld r3,16(r4) -> EA 8 */
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x0102030405060708ull);

    /* The update form writes the 32-bit EA back. */
    run_at(m, CODE, CODE, 0x84640014); /* lwzu r3,20(r4) -> EA 0xc */
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x05060708);
    assert_int_equal(cpu_get_gpr(m->cpu, 4), 0xc);

    /* Indexed: RA + RB carries out of bit 32 and is dropped. */
    cpu_set_gpr(m->cpu, 4, 0xfffffff0);
    cpu_set_gpr(m->cpu, 5, 0x18);
    cpu_set_gpr(m->cpu, 3, 0xa5a5);
    run_at(m, CODE, CODE, 0x7c64292e); /* stwx r3,r4,r5 -> EA 8 */
    assert_int_equal(tm_peek64(m, 0x8) >> 32, 0xa5a5);

    /* In 64-bit mode the same address does not wrap. */
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, 0xfffffff8);
    cpu_set_gpr(m->cpu, 3, 0);
    run_at(m, CODE, CODE, 0xe8640010); /* EA 0x1_0000_0008: not RAM -> machine check */
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
}

static void test_machine_check_on_unmapped_load(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 3, 0x77);
    cpu_set_gpr(m->cpu, 4, 0xc000000008000000ull); /* PA 128 MiB: past the 64 MiB of RAM */
    run_at(m, CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR0), CODE);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE | (1ull << (63 - 42)));
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), 0xc000000008000000ull);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), 1u << (63 - 57));
    assert_int_equal(cpu_get_msr(m->cpu), MSR_SF | MSR_HV); /* ME cleared */
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x77);

    /* An access straddling the end of RAM is not RAM either. */
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, TM_RAM_SIZE - 4);
    run_at(m, CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), TM_RAM_SIZE - 4);
}

static void test_machine_check_on_unmapped_store(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_spr(m->cpu, SPR_DSISR, 0x1234);
    cpu_set_gpr(m->cpu, 4, 0x40000000);
    run_at(m, CODE, CODE, std_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_SRR1), MSR_HV_BE | 0x08340000ull);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DAR), 0x40000000);
    assert_int_equal(cpu_get_spr(m->cpu, SPR_DSISR), 0x1234); /* not set for stores */
}

static void test_machine_check_with_me_clear_checkstops(void **state)
{
    test_machine *m = *state;
    cpu_set_msr(m->cpu, MSR_SF | MSR_HV);
    cpu_set_gpr(m->cpu, 4, 0x40000000);
    uint32_t word = ld_r3_0_r4;
    tm_poke(m, CODE, &word, 1);
    cpu_set_nip(m->cpu, CODE);
    assert_int_equal(cpu_run(m->cpu, 10), CPU_EXIT_CHECKSTOP);
}

/* A device decodes the address: the access goes to it, byte-reversed in little-endian mode. */
static uint64_t device_last_write;

static phys_result device_read(void *opaque, uint64_t pa, unsigned size, uint64_t *value)
{
    if (pa != 0x600000000ull) return PHYS_NO_DEVICE;
    *value = size == 8 ? 0x1122334455667788ull : 0x11223344u;
    return PHYS_OK;
}

static phys_result device_write(void *opaque, uint64_t pa, unsigned size, uint64_t value)
{
    if (pa != 0x600000000ull) return PHYS_NO_DEVICE;
    device_last_write = value;
    return PHYS_OK;
}

static void test_device_accesses(void **state)
{
    test_machine *m = *state;
    m->cpu->mem.io_read = device_read;
    m->cpu->mem.io_write = device_write;
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, 0x600000000ull);
    run_at(m, CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), CODE + 4);
    assert_int_equal(cpu_get_gpr(m->cpu, 3), 0x1122334455667788ull);

    cpu_set_msr(m->cpu, MSR_HV_BE | MSR_LE);
    run_at(m, CODE, CODE, __builtin_bswap32(std_r3_0_r4));
    assert_int_equal(device_last_write, 0x8877665544332211ull);

    /* The device refuses another address: machine check. */
    cpu_set_msr(m->cpu, MSR_HV_BE);
    cpu_set_gpr(m->cpu, 4, 0x600000008ull);
    run_at(m, CODE, CODE, ld_r3_0_r4);
    assert_int_equal(cpu_get_nip(m->cpu), 0x200);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tm_setup, tm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_hv_real_mode_ignores_top_ea_bits),
        T(test_hv_real_mode_hrmor),
        T(test_guest_real_mode_rmor),
        T(test_guest_rma_limit_dsi),
        T(test_guest_rmls_encodings),
        T(test_guest_rma_limit_isi),
        T(test_guest_vrma_without_page_table),
        T(test_relocation_on_without_slb_entry),
        T(test_32bit_mode_wraps_effective_addresses),
        T(test_machine_check_on_unmapped_load),
        T(test_machine_check_on_unmapped_store),
        T(test_machine_check_with_me_clear_checkstops),
        T(test_device_accesses),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
