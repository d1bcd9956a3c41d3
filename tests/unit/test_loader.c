/* ELF, raw-image and symbol-table loaders against cross-built fixtures (tests/fixtures/loader,
 * built by tests/integration/loader.cmake).  `nm --synthetic` listings are the oracle for
 * symbol and entry addresses; every refused input must leave RAM byte-for-byte untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader/elf_loader.h"
#include "loader/raw_loader.h"
#include "loader/symtab.h"

#ifndef LOADER_FIXTURE_DIR
#error "LOADER_FIXTURE_DIR comes from tests/integration/loader.cmake"
#endif

#define RAM_SIZE       (16u << 20)
#define PARTITION_BASE (8u << 20) /* a guest partition: physical 8 MiB.. */
#define PARTITION_SIZE (4u << 20) /* ..12 MiB, guest real 0..4 MiB */
#define DYN_BIAS       0x200000u
#define FILL           0xa5
#define FW_MASK        0x0fffffffffffffffull
#define PHDR_SIZE      56
#define OFF_PADDR      24
#define OFF_FILESZ     32
#define OFF_MEMSZ      40

typedef struct fixture {
    uint8_t *ram;
    uint8_t *pristine; /* what RAM must still hold after a refused load */
    char err[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->ram = malloc(RAM_SIZE);
    f->pristine = malloc(RAM_SIZE);
    memset(f->ram, FILL, RAM_SIZE);
    memset(f->pristine, FILL, RAM_SIZE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->ram);
    free(f->pristine);
    free(f);
    return 0;
}

static void assert_ram_untouched(const fixture *f)
{
    assert_memory_equal(f->ram, f->pristine, RAM_SIZE);
}

static char *fixture_path(const char *name, const char *ext)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s.%s", LOADER_FIXTURE_DIR, name, ext);
    return path;
}

static uint8_t *read_fixture(const char *name, size_t *size)
{
    uint8_t *data;
    char err[256];
    assert_int_equal(
        loader_read_file(fixture_path(name, "elf"), UINT64_MAX, &data, size, err, sizeof(err)),
        LOADER_OK);
    return data;
}

/* The address of `name` in an `nm --synthetic` listing; fails the test if absent. */
static uint64_t nm_address(const char *image, const char *name)
{
    FILE *fp = fopen(fixture_path(image, "nm"), "r");
    assert_non_null(fp);
    char line[512], sym[400], type;
    unsigned long long addr;
    while (fgets(line, sizeof(line), fp)) {
        if (sscanf(line, "%llx %c %399s", &addr, &type, sym) == 3 && strcmp(sym, name) == 0) {
            fclose(fp);
            return addr;
        }
    }
    fclose(fp);
    fail_msg("%s not in %s.nm", name, image);
    return 0;
}

static uint64_t ram_u64(const fixture *f, uint64_t pa, bool big_endian)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)f->ram[pa + i] << (big_endian ? 56 - 8 * i : 8 * i);
    return v;
}

static void partition_params(fixture *f, elf_load_params *p, symtab *symbols)
{
    elf_load_params_init(p, f->ram, RAM_SIZE);
    p->window_base = PARTITION_BASE;
    p->window_size = PARTITION_SIZE;
    p->dyn_bias = DYN_BIAS;
    p->window_name = "partition";
    p->symbols = symbols;
}

/* Load one fixture into the partition and check it against its nm listing. */
static void check_good_image(fixture *f, const char *name, int abi, bool big_endian, bool dynamic)
{
    symtab *syms = symtab_new("guest", UINT64_MAX);
    elf_load_params p;
    partition_params(f, &p, syms);
    elf_load_result r;
    loader_error e = elf_load_file(fixture_path(name, "elf"), &p, &r, f->err, sizeof(f->err));
    assert_int_equal(e, LOADER_OK);
    assert_int_equal(r.abi, abi);
    assert_int_equal(r.big_endian, big_endian);
    assert_int_equal(r.dynamic, dynamic);
    uint64_t bias = dynamic ? DYN_BIAS : 0;

    /* Entry: the code of _start (ELFv1: through the descriptor nm calls _start). */
    uint64_t code = nm_address(name, abi == 1 ? "._start" : "_start");
    assert_int_equal(r.entry, code + bias);
    if (abi == 1)
        assert_int_equal(r.entry_desc, nm_address(name, "_start") + bias);
    else
        assert_int_equal(r.entry_desc, 0);

    /* Symbols, code and data, at nm's addresses plus the bias. */
    const symbol *helper = symtab_find(syms, "fixture_helper");
    assert_non_null(helper);
    assert_int_equal(helper->kind, SYMBOL_CODE);
    assert_int_equal(helper->addr,
                     nm_address(name, abi == 1 ? ".fixture_helper" : "fixture_helper") + bias);
    const symbol *data = symtab_find(syms, "fixture_data");
    const symbol *rodata = symtab_find(syms, "fixture_rodata");
    const symbol *bss = symtab_find(syms, "fixture_bss");
    assert_non_null(data);
    assert_non_null(rodata);
    assert_non_null(bss);
    assert_int_equal(data->addr, nm_address(name, "fixture_data") + bias);
    assert_int_equal(bss->addr, nm_address(name, "fixture_bss") + bias);
    assert_int_equal(bss->size, 512 * 8);

    /* Segment bytes landed at window base + guest real address, in the image's byte order. */
    assert_int_equal(ram_u64(f, PARTITION_BASE + data->addr, big_endian), 0x1122334455667788ull);
    assert_int_equal(ram_u64(f, PARTITION_BASE + data->addr + 8, big_endian),
                     0x99aabbccddeeff00ull);
    assert_int_equal(ram_u64(f, PARTITION_BASE + rodata->addr, big_endian), 0x0123456789abcdefull);
    /* .bss: RAM was filled with 0xa5, the memsz > filesz tail must now be zero. */
    for (uint64_t i = 0; i < bss->size; i++)
        assert_int_equal(f->ram[PARTITION_BASE + bss->addr + i], 0);
    bool has_tail = false;
    for (unsigned i = 0; i < r.segment_count; i++)
        has_tail |= r.segments[i].memsz > r.segments[i].filesz;
    assert_true(has_tail);

    /* Nothing written outside [low, high) of the window. */
    assert_true(r.low >= bias && r.high <= PARTITION_SIZE && r.low < r.high);
    assert_memory_equal(f->ram, f->pristine, PARTITION_BASE + r.low);
    assert_memory_equal(f->ram + PARTITION_BASE + r.high, f->pristine,
                        RAM_SIZE - PARTITION_BASE - r.high);

    /* Lookup: an address inside fixture_helper names it with an offset. */
    char label[128];
    assert_true(symtab_format(syms, helper->addr + 4, label, sizeof(label)));
    assert_string_equal(label, "fixture_helper+0x4");
    assert_true(symtab_format(syms, r.entry, label, sizeof(label)));
    assert_string_equal(label, "_start");
    symtab_free(syms);
}

static void test_be_v1_exec(void **state)
{
    check_good_image(*state, "be_v1_exec", 1, true, false);
}
static void test_be_v2_exec(void **state)
{
    check_good_image(*state, "be_v2_exec", 2, true, false);
}
static void test_le_v2_exec(void **state)
{
    check_good_image(*state, "le_v2_exec", 2, false, false);
}
static void test_be_v1_dyn(void **state)
{
    check_good_image(*state, "be_v1_dyn", 1, true, true);
}
static void test_le_v2_dyn(void **state)
{
    check_good_image(*state, "le_v2_dyn", 2, false, true);
}

/* ELFv1: the descriptor keeps its own label, and ".name" finds the code symbol. */
static void test_v1_descriptor_symbols(void **state)
{
    fixture *f = *state;
    symtab *syms = symtab_new("guest", UINT64_MAX);
    elf_load_params p;
    partition_params(f, &p, syms);
    assert_int_equal(
        elf_load_file(fixture_path("be_v1_exec", "elf"), &p, NULL, f->err, sizeof(f->err)),
        LOADER_OK);
    const symbol *code = symtab_find(syms, ".fixture_helper");
    assert_non_null(code);
    assert_ptr_equal(code, symtab_find(syms, "fixture_helper"));
    char label[128];
    assert_true(
        symtab_format(syms, nm_address("be_v1_exec", "fixture_helper"), label, sizeof(label)));
    assert_string_equal(label, "fixture_helper@opd");
    symtab_free(syms);
}

/* Firmware and guest tables: the same address names different symbols in each. */
static void test_two_images_overlapping_addresses(void **state)
{
    fixture *f = *state;
    symtab *fw = symtab_new("firmware", FW_MASK);
    symtab *guest = symtab_new("guest", UINT64_MAX);

    elf_load_params p;
    elf_load_params_init(&p, f->ram, RAM_SIZE);
    p.addr_mask = FW_MASK;
    p.symbols = fw;
    elf_load_result r;
    assert_int_equal(elf_load_file(fixture_path("firmware", "elf"), &p, &r, f->err, sizeof(f->err)),
                     LOADER_OK);
    assert_int_equal(r.abi, 2); /* e_flags without ABI and entry outside .opd */
    assert_int_equal(r.entry, 0x100000);
    assert_int_equal(f->ram[0x100000], 0x48); /* "b fw_main" */
    assert_int_equal(ram_u64(f, symtab_find(fw, "fw_table")->addr, true), 0x0102030405060708ull);

    partition_params(f, &p, guest);
    elf_load_result g;
    assert_int_equal(
        elf_load_file(fixture_path("be_v2_exec", "elf"), &p, &g, f->err, sizeof(f->err)),
        LOADER_OK);

    char label[128];
    assert_true(symtab_format(fw, 0x100000, label, sizeof(label)));
    assert_string_equal(label, "fw_entry");
    assert_true(symtab_format(fw, 0xc000000000100008ull, label, sizeof(label)));
    assert_string_equal(label, "fw_main+0x4");
    assert_true(symtab_format(guest, g.entry, label, sizeof(label)));
    assert_string_equal(label, "_start");
    /* The guest's _start address in the firmware's table is firmware code or nothing... */
    if (symtab_format(fw, g.entry, label, sizeof(label))) assert_string_not_equal(label, "_start");
    /* ...and firmware addresses below the guest image resolve to nothing in the guest table. */
    assert_null(symtab_lookup(guest, 0x10, NULL));
    assert_false(symtab_format(fw, 0x200000, label, sizeof(label))); /* past the firmware */
    symtab_free(fw);
    symtab_free(guest);
}

static uint64_t get(const uint8_t *b, uint64_t off, unsigned bytes, bool big_endian);
static void put(uint8_t *b, uint64_t off, unsigned bytes, uint64_t v, bool big_endian);

/* The entry rule beyond the fixtures' own ABIs: an ELFv1-marked firmware entering at an assembly
 * label enters directly; an ELFv1 image without section headers enters through its descriptor. */
static void test_entry_rule_edge_cases(void **state)
{
    fixture *f = *state;
    size_t size;
    elf_load_params p;
    elf_load_result r;
    uint8_t *fw = read_fixture("firmware", &size);
    elf_load_params_init(&p, f->ram, RAM_SIZE);
    p.addr_mask = FW_MASK;
    put(fw, 48, 4, 1, true); /* e_flags: ELFv1 */
    assert_int_equal(elf_load_image(fw, size, &p, &r, f->err, sizeof(f->err)), LOADER_OK);
    assert_int_equal(r.entry, 0x100000);
    assert_int_equal(r.abi, 1);
    free(fw);

    uint8_t *v1 = read_fixture("be_v1_exec", &size);
    put(v1, 40, 8, 0, true); /* e_shoff */
    put(v1, 60, 2, 0, true); /* e_shnum */
    put(v1, 62, 2, 0, true); /* e_shstrndx */
    partition_params(f, &p, NULL);
    assert_int_equal(elf_load_image(v1, size, &p, &r, f->err, sizeof(f->err)), LOADER_OK);
    assert_int_equal(r.entry, nm_address("be_v1_exec", "._start"));
    /* ET_EXEC: window offsets are link addresses, so the TOC is the descriptor's word 1. */
    assert_int_equal(r.toc, ram_u64(f, PARTITION_BASE + r.entry_desc + 8, true));
    assert_true(r.toc > r.entry_desc);
    free(v1);
}

/* ---- bad input ---------------------------------------------------------------------------- */

static void put(uint8_t *b, uint64_t off, unsigned bytes, uint64_t v, bool big_endian)
{
    for (unsigned i = 0; i < bytes; i++)
        b[off + i] = (uint8_t)(v >> (big_endian ? 8 * (bytes - 1 - i) : 8 * i));
}

static uint64_t get(const uint8_t *b, uint64_t off, unsigned bytes, bool big_endian)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)b[off + i] << (big_endian ? 8 * (bytes - 1 - i) : 8 * i);
    return v;
}

/* Program header offset of the n-th PT_LOAD. */
static uint64_t load_phdr(const uint8_t *b, int n)
{
    uint64_t phoff = get(b, 32, 8, true);
    unsigned phnum = (unsigned)get(b, 56, 2, true);
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t ph = phoff + (uint64_t)i * PHDR_SIZE;
        if (get(b, ph, 4, true) == 1 /* PT_LOAD */ && n-- == 0) return ph;
    }
    fail_msg("no PT_LOAD %d", n);
    return 0;
}

/* Load a (modified) image into the partition; it must fail with `want` and leave RAM alone. */
static void expect_refused(fixture *f, const uint8_t *data, size_t size, loader_error want,
                           const char *message_part)
{
    elf_load_params p;
    symtab *syms = symtab_new("guest", UINT64_MAX);
    partition_params(f, &p, syms);
    p.name = "guest.elf";
    f->err[0] = '\0';
    elf_load_result r;
    loader_error e = elf_load_image(data, size, &p, &r, f->err, sizeof(f->err));
    if (e != want)
        fail_msg("got %s (%s), want %s", loader_error_name(e), f->err, loader_error_name(want));
    assert_int_equal(strncmp(f->err, "guest.elf: ", 11), 0);
    assert_null(strchr(f->err, '\n'));
    if (message_part && !strstr(f->err, message_part))
        fail_msg("message '%s' lacks '%s'", f->err, message_part);
    assert_int_equal(symtab_count(syms), 0);
    assert_int_equal(loader_exit_status(e), LOADER_EXIT_BAD_INPUT);
    assert_ram_untouched(f);
    symtab_free(syms);
}

static void test_truncated(void **state)
{
    fixture *f = *state;
    size_t size;
    uint8_t *elf = read_fixture("be_v1_exec", &size);
    expect_refused(f, elf, 0, LOADER_ERR_NOT_ELF, "not an ELF");
    static const size_t cuts[] = {3, 15, 16, 40, 63, 64, 65, 100, 200};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
        expect_refused(f, elf, cuts[i], LOADER_ERR_TRUNCATED, "truncated");
    /* Cut inside the first segment's file bytes, and just before the section headers' end. */
    uint64_t ph = load_phdr(elf, 1);
    expect_refused(f, elf, get(elf, ph + 8, 8, true) + 4, LOADER_ERR_TRUNCATED, "segment");
    expect_refused(f, elf, size - 1, LOADER_ERR_TRUNCATED, "section headers");
    /* Every other length is refused too, whatever the reason. */
    for (size_t cut = 0; cut < size; cut += 7) {
        elf_load_params p;
        partition_params(f, &p, NULL);
        assert_int_not_equal(elf_load_image(elf, cut, &p, NULL, f->err, sizeof(f->err)), LOADER_OK);
    }
    assert_ram_untouched(f);
    free(elf);
}

static void test_foreign_files(void **state)
{
    fixture *f = *state;
    size_t size;
    uint8_t *elf = read_fixture("host", &size);
    expect_refused(f, elf, size, LOADER_ERR_MACHINE, "x86-64");
    free(elf);
    elf = read_fixture("ppc32", &size);
    expect_refused(f, elf, size, LOADER_ERR_CLASS, "32-bit");
    free(elf);
}

static void test_patched_headers(void **state)
{
    fixture *f = *state;
    size_t size;
    uint8_t *orig = read_fixture("be_v1_exec", &size);
    uint8_t *elf = malloc(size);

#define PATCHED(stmt, want, text)                                                                  \
    do {                                                                                           \
        memcpy(elf, orig, size);                                                                   \
        stmt;                                                                                      \
        expect_refused(f, elf, size, want, text);                                                  \
    } while (0)

    uint64_t ph0 = load_phdr(orig, 0), ph1 = load_phdr(orig, 1);
    uint64_t paddr0 = get(orig, ph0 + OFF_PADDR, 8, true);
    PATCHED(elf[4] = 1, LOADER_ERR_CLASS, "ELFCLASS32");
    PATCHED(elf[4] = 7, LOADER_ERR_CLASS, "class");
    PATCHED(elf[5] = 0, LOADER_ERR_HEADER, "data encoding");
    PATCHED(put(elf, 18, 2, 62, true), LOADER_ERR_MACHINE, "x86-64");
    PATCHED(put(elf, 16, 2, 1, true), LOADER_ERR_TYPE, "ET_EXEC");
    PATCHED(put(elf, 54, 2, 32, true), LOADER_ERR_HEADER, "program header entry size");
    PATCHED(put(elf, 32, 8, UINT64_MAX - 8, true), LOADER_ERR_TRUNCATED, "program headers");
    PATCHED(put(elf, 56, 2, 0, true), LOADER_ERR_SEGMENT, "no program headers");
    /* Second segment moved onto the first. */
    PATCHED(put(elf, ph1 + OFF_PADDR, 8, paddr0 + 8, true), LOADER_ERR_OVERLAP, "overlap");
    /* Outside the 4 MiB partition, as the example message. */
    PATCHED(put(elf, ph1 + OFF_PADDR, 8, PARTITION_SIZE - 8, true), LOADER_ERR_FIT,
            "does not fit the 4 MiB partition");
    PATCHED(put(elf, ph1 + OFF_PADDR, 8, UINT64_MAX - 4, true), LOADER_ERR_FIT, "wraps");
    PATCHED(put(elf, ph1 + OFF_MEMSZ, 8, 1ull << 62, true), LOADER_ERR_FIT,
            "larger than the whole 4 MiB partition");
    PATCHED(put(elf, ph1 + OFF_MEMSZ, 8, UINT64_MAX, true), LOADER_ERR_FIT, "larger");
    PATCHED(put(elf, ph1 + OFF_FILESZ, 8, get(orig, ph1 + OFF_MEMSZ, 8, true) + 1, true),
            LOADER_ERR_SEGMENT, "exceeds its memory size");
    PATCHED(put(elf, ph1 + 8, 8, size, true), LOADER_ERR_TRUNCATED, "past the end");
    PATCHED(put(elf, ph1 + 8, 8, UINT64_MAX - 2, true), LOADER_ERR_TRUNCATED, "past the end");
    PATCHED(put(elf, 24, 8, 0x10, true), LOADER_ERR_ENTRY, "entry point 0x10 is outside");
    /* _start's descriptor (in the data segment) names code outside the image. */
    uint64_t desc_file = nm_address("be_v1_exec", "_start") - get(orig, ph1 + 16, 8, true) +
                         get(orig, ph1 + 8, 8, true);
    PATCHED(put(elf, desc_file, 8, 0x5000000, true), LOADER_ERR_ENTRY, "entry point 0x5000000");
    PATCHED(put(elf, 48, 4, 2, true), LOADER_ERR_ENTRY, "entry point"); /* v2: .opd is data */
    PATCHED(put(elf, 40, 8, size, true), LOADER_ERR_TRUNCATED, "section headers");
#undef PATCHED
    free(elf);
    free(orig);
}

static void test_bad_window_is_a_program_error(void **state)
{
    fixture *f = *state;
    size_t size;
    uint8_t *elf = read_fixture("be_v2_exec", &size);
    elf_load_params p;
    partition_params(f, &p, NULL);
    p.window_base = RAM_SIZE - 4096;
    loader_error e = elf_load_image(elf, size, &p, NULL, f->err, sizeof(f->err));
    assert_int_equal(e, LOADER_ERR_PARAMS);
    assert_int_equal(loader_exit_status(e), LOADER_EXIT_SOFTWARE);
    assert_ram_untouched(f);
    free(elf);
}

static void test_unreadable_files(void **state)
{
    fixture *f = *state;
    elf_load_params p;
    partition_params(f, &p, NULL);
    loader_error e = elf_load_file("/nonexistent/guest.elf", &p, NULL, f->err, sizeof(f->err));
    assert_int_equal(e, LOADER_ERR_UNREADABLE);
    assert_int_equal(loader_exit_status(e), LOADER_EXIT_UNREADABLE);
    assert_non_null(strstr(f->err, "/nonexistent/guest.elf: cannot open"));
    e = elf_load_file(LOADER_FIXTURE_DIR, &p, NULL, f->err, sizeof(f->err));
    assert_int_equal(e, LOADER_ERR_UNREADABLE);
    assert_non_null(strstr(f->err, "not a regular file"));
    assert_ram_untouched(f);
}

/* ---- raw images --------------------------------------------------------------------------- */

static char *write_temp(const void *data, size_t size)
{
    static char path[64];
    strcpy(path, "/tmp/test_loader_rawXXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    return path;
}

static void test_raw_images(void **state)
{
    fixture *f = *state;
    static const uint8_t bytes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    char *path = write_temp(bytes, sizeof(bytes));
    char spec[128];
    uint64_t addr, len;

    /* Refusals first, while RAM is pristine. */
    snprintf(spec, sizeof(spec), "%s@0x%x", path, RAM_SIZE - 8);
    assert_int_equal(raw_load_spec(spec, f->ram, RAM_SIZE, NULL, NULL, f->err, sizeof(f->err)),
                     LOADER_ERR_FIT);
    snprintf(spec, sizeof(spec), "%s@0x%x", path, RAM_SIZE);
    assert_int_equal(raw_load_spec(spec, f->ram, RAM_SIZE, NULL, NULL, f->err, sizeof(f->err)),
                     LOADER_ERR_FIT);
    assert_non_null(strstr(f->err, "outside the 16 MiB of RAM"));
    static const char *const bad_addresses[] = {"",   "x10", "-1",   " 16",
                                                "0x", "12k", "0x1g", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++) {
        snprintf(spec, sizeof(spec), "%s@%s", path, bad_addresses[i]);
        loader_error e = raw_load_spec(spec, f->ram, RAM_SIZE, NULL, NULL, f->err, sizeof(f->err));
        assert_int_equal(e, LOADER_ERR_ADDRESS);
        assert_int_equal(loader_exit_status(e), LOADER_EXIT_BAD_INPUT);
    }
    assert_int_equal(raw_load_spec(path, f->ram, RAM_SIZE, NULL, NULL, f->err, sizeof(f->err)),
                     LOADER_ERR_ADDRESS); /* no @ADDR */
    assert_int_equal(
        raw_load_spec("/nonexistent@0x1000", f->ram, RAM_SIZE, NULL, NULL, f->err, sizeof(f->err)),
        LOADER_ERR_UNREADABLE);
    assert_ram_untouched(f);

    /* Exactly at the end of RAM, and a decimal address. */
    snprintf(spec, sizeof(spec), "%s@%u", path, RAM_SIZE - (unsigned)sizeof(bytes));
    assert_int_equal(raw_load_spec(spec, f->ram, RAM_SIZE, &addr, &len, f->err, sizeof(f->err)),
                     LOADER_OK);
    assert_int_equal(addr, RAM_SIZE - sizeof(bytes));
    assert_int_equal(len, sizeof(bytes));
    assert_memory_equal(f->ram + addr, bytes, sizeof(bytes));
    assert_int_equal(f->ram[addr - 1], FILL);
    unlink(path);
}

/* ---- symbol tables ------------------------------------------------------------------------ */

static void test_symtab_rules(void **state)
{
    (void)state;
    symtab *t = symtab_new("firmware", FW_MASK);
    assert_true(symtab_add(t, "b_local", 0x100, 0, SYMBOL_CODE, false));
    assert_true(symtab_add(t, "a_global", 0x100, 0x20, SYMBOL_CODE, true));
    assert_true(symtab_add(t, "object", 0x100, 8, SYMBOL_DATA, true));
    assert_true(symtab_add(t, "later", 0xc000000000000200ull, 0, SYMBOL_CODE, true));
    char label[64];
    /* Global code first among equals; the mask applies to table and query. */
    assert_true(symtab_format(t, 0xc000000000000104ull, label, sizeof(label)));
    assert_string_equal(label, "a_global+0x4");
    assert_true(symtab_format(t, 0x200, label, sizeof(label)));
    assert_string_equal(label, "later");
    assert_false(symtab_format(t, 0xff, label, sizeof(label)));
    assert_string_equal(label, "");
    assert_int_equal(symtab_find(t, "later")->addr, 0x200);
    assert_null(symtab_find(t, "missing"));
    /* With an extent, addresses past it no longer take the last label. */
    assert_true(symtab_format(t, 0x5000, label, sizeof(label)));
    symtab_add_extent(t, 0x100, 0x300);
    assert_false(symtab_format(t, 0x5000, label, sizeof(label)));
    assert_true(symtab_format(t, 0x2ff, label, sizeof(label)));
    assert_string_equal(label, "later+0xff");
    symtab_free(t);
}

static void test_error_names_and_statuses(void **state)
{
    (void)state;
    assert_int_equal(loader_exit_status(LOADER_OK), 0);
    assert_int_equal(loader_exit_status(LOADER_ERR_TRUNCATED), 65);
    assert_int_equal(loader_exit_status(LOADER_ERR_UNREADABLE), 66);
    assert_string_equal(loader_error_name(LOADER_ERR_OVERLAP), "overlap");
    char size[32];
    loader_format_size(32u << 20, size, sizeof(size));
    assert_string_equal(size, "32 MiB");
    loader_format_size(1ull << 30, size, sizeof(size));
    assert_string_equal(size, "1 GiB");
    loader_format_size(1000, size, sizeof(size));
    assert_string_equal(size, "0x3e8 bytes");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_be_v1_exec),
        T(test_be_v2_exec),
        T(test_le_v2_exec),
        T(test_be_v1_dyn),
        T(test_le_v2_dyn),
        T(test_v1_descriptor_symbols),
        T(test_two_images_overlapping_addresses),
        T(test_entry_rule_edge_cases),
        T(test_truncated),
        T(test_foreign_files),
        T(test_patched_headers),
        T(test_bad_window_is_a_program_error),
        T(test_unreadable_files),
        T(test_raw_images),
        T(test_symtab_rules),
        T(test_error_names_and_statuses),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
