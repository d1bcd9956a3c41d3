/* The firmware + guest system of `hcallsim run` (see hv_system.h). */
#include "hv_system.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "loader/elf_loader.h"
#include "loader/fdt.h"

#define PHYS_ADDR_MASK 0x0fffffffffffffffull /* real-mode addresses ignore the top 4 bits */
#define FDT_MAX_ADDR   0x80000000ull         /* QEMU spapr keeps the FDT below 2 GiB */
#define MIN_RMOR       (32ull << 20)         /* above the firmware and the boot-parameter block */

/* The RMA sizes LPCR[RMLS] encodes on POWER8 that fit MACHINE_MAX_RAM together with the RMOR. */
static const uint64_t partition_sizes[] = {32ull << 20,  64ull << 20, 128ull << 20,
                                           256ull << 20, 1ull << 30,  16ull << 30};

bool hv_system_partition_size_valid(uint64_t size)
{
    for (size_t i = 0; i < sizeof(partition_sizes) / sizeof(partition_sizes[0]); i++)
        if (partition_sizes[i] == size) return true;
    return false;
}

uint64_t hv_system_fdt_addr(uint64_t partition_size)
{
    return (partition_size < FDT_MAX_ADDR ? partition_size : FDT_MAX_ADDR) - HV_SYSTEM_FDT_ROOM;
}

/* An ELF field of n bytes in the image's byte order. */
static uint64_t elf_get(const uint8_t *p, unsigned n, bool big_endian)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * (big_endian ? n - 1 - i : i));
    return v;
}

static void elf_put(uint8_t *p, unsigned n, bool big_endian, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (big_endian ? n - 1 - i : i)));
}

/* ELF64 header and program header field offsets (elf.h). */
enum {
    EI_DATA_OFF = 5,
    E_TYPE_OFF = 16,
    E_PHOFF_OFF = 32,
    E_PHENTSIZE_OFF = 54,
    E_PHNUM_OFF = 56,
    EHDR_SIZE = 64,
    PHDR_SIZE = 56,
    P_PADDR_OFF = 24,
    ELF_ET_EXEC = 2,
    ELF_PT_LOAD = 1,
};

/* The file offsets of the p_paddr fields of a well-formed ELF64 ET_EXEC's PT_LOAD entries; false
 * if the image is something else (the loader then says what is wrong with it). */
typedef struct exec_loads {
    bool big_endian;
    unsigned count;
    size_t paddr_at[ELF_LOAD_MAX_SEGMENTS];
} exec_loads;

static bool find_exec_loads(const uint8_t *data, size_t size, exec_loads *out)
{
    if (size < EHDR_SIZE || memcmp(data, "\177ELF\2", 5)) return false;
    bool be = data[EI_DATA_OFF] == 2;
    uint64_t phoff = elf_get(data + E_PHOFF_OFF, 8, be);
    uint64_t phnum = elf_get(data + E_PHNUM_OFF, 2, be);
    if (elf_get(data + E_TYPE_OFF, 2, be) != ELF_ET_EXEC ||
        elf_get(data + E_PHENTSIZE_OFF, 2, be) != PHDR_SIZE || phoff > size ||
        phnum > (size - phoff) / PHDR_SIZE)
        return false;
    *out = (exec_loads){.big_endian = be};
    for (uint64_t i = 0; i < phnum; i++) {
        size_t ph = (size_t)(phoff + i * PHDR_SIZE);
        if (elf_get(data + ph, 4, be) != ELF_PT_LOAD) continue;
        if (out->count == ELF_LOAD_MAX_SEGMENTS) return false;
        out->paddr_at[out->count++] = ph + P_PADDR_OFF;
    }
    return out->count > 0;
}

/* QEMU's pseries machine loads every segment of a kernel at 0x400000 + (p_paddr & 0x0fffffff).
 * ET_DYN images get the same from the loader's bias.  An ET_EXEC whose physical addresses start
 * below 0x400000 (a vmlinux-style image with p_paddr 0) is built for that rule and is moved the
 * same way, in a private copy; one linked for 0x400000 or above loads where it says.  Returns the
 * image to load (the copy in *copy, to be freed) or NULL when out of memory. */
static const uint8_t *place_like_qemu(const hv_image *guest, uint8_t **copy, bool *moved)
{
    exec_loads loads;
    uint64_t low = UINT64_MAX;
    *copy = NULL;
    *moved = false;
    if (!find_exec_loads(guest->data, guest->size, &loads)) return guest->data;
    for (unsigned i = 0; i < loads.count; i++) {
        uint64_t a = elf_get(guest->data + loads.paddr_at[i], 8, loads.big_endian);
        if ((a & HV_SYSTEM_KERNEL_MASK) < low) low = a & HV_SYSTEM_KERNEL_MASK;
    }
    if (low >= HV_SYSTEM_KERNEL_ADDR) return guest->data;
    if (!(*copy = malloc(guest->size))) return NULL;
    memcpy(*copy, guest->data, guest->size);
    for (unsigned i = 0; i < loads.count; i++) {
        uint8_t *p = *copy + loads.paddr_at[i];
        uint64_t a = elf_get(p, 8, loads.big_endian);
        elf_put(p, 8, loads.big_endian, (a & HV_SYSTEM_KERNEL_MASK) + HV_SYSTEM_KERNEL_ADDR);
    }
    *moved = true;
    return *copy;
}

static loader_error load_firmware(hv_system *s, const hv_image *fw, uint64_t *entry, char *err,
                                  size_t errlen)
{
    elf_load_params p;
    elf_load_params_init(&p, machine_ram(s->m), machine_ram_size(s->m));
    p.window_size = HV_SYSTEM_FIRMWARE_WINDOW;
    p.addr_mask = PHYS_ADDR_MASK;
    p.name = fw->name;
    p.window_name = "firmware area (below the machine's device tree at 0x1000000)";
    p.symbols = s->firmware_symbols;
    elf_load_result r;
    loader_error e = elf_load_image(fw->data, fw->size, &p, &r, err, errlen);
    if (!e) *entry = r.entry;
    return e;
}

static loader_error load_guest(hv_system *s, const hv_image *guest, char *err, size_t errlen)
{
    uint8_t *copy;
    const uint8_t *data = place_like_qemu(guest, &copy, &s->guest_moved);
    if (!data) return loader_fail(LOADER_ERR_NOMEM, err, errlen, "out of memory");
    elf_load_params p;
    elf_load_params_init(&p, machine_ram(s->m), machine_ram_size(s->m));
    p.window_base = s->rmor;
    p.window_size = s->fdt_addr;
    p.dyn_bias = HV_SYSTEM_KERNEL_ADDR;
    p.addr_mask = HV_SYSTEM_KERNEL_MASK;
    p.name = guest->name;
    p.window_name = "guest space (the partition below its device tree)";
    p.symbols = s->guest_symbols;
    elf_load_result r;
    loader_error e = elf_load_image(data, guest->size, &p, &r, err, errlen);
    free(copy);
    if (e) return e;
    s->guest_entry = r.entry;
    s->guest_low = r.low;
    s->guest_high = r.high;
    return LOADER_OK;
}

/* fdt_totalsize: the big-endian word at offset 4 of the header. */
static uint32_t fdt_size(const uint8_t *fdt)
{
    return (uint32_t)fdt[4] << 24 | (uint32_t)fdt[5] << 16 | (uint32_t)fdt[6] << 8 | fdt[7];
}

static loader_error write_device_trees(hv_system *s, const char *bootargs, char *err, size_t errlen)
{
    static uint8_t buf[FDT_PSERIES_MAX > FDT_POWERNV8_MAX ? FDT_PSERIES_MAX : FDT_POWERNV8_MAX];
    uint8_t *ram = machine_ram(s->m);

    int rc = fdt_build_powernv8(buf, FDT_POWERNV8_MAX, machine_ram_size(s->m), MACHINE_BOOT_PIR);
    if (rc < 0)
        return loader_fail(LOADER_ERR_PARAMS, err, errlen,
                           "cannot build the machine's device tree (libfdt error %d)", rc);
    memcpy(ram + MACHINE_FDT_ADDR, buf, fdt_size(buf));

    pseries_fdt_params fp;
    pseries_fdt_params_init(&fp, s->partition_size);
    fp.bootargs = bootargs;
    fp.kernel_addr = s->guest_low;
    fp.kernel_size = s->guest_high - s->guest_low;
    rc = fdt_build_pseries(buf, FDT_PSERIES_MAX, &fp);
    if (rc < 0)
        return loader_fail(LOADER_ERR_PARAMS, err, errlen,
                           "cannot build the guest's device tree (libfdt error %d)", rc);
    memcpy(ram + s->rmor + s->fdt_addr, buf, fdt_size(buf));
    return LOADER_OK;
}

static void write_bootparams(hv_system *s, const hv_system_config *c)
{
    bootparams_write(machine_ram(s->m), &(bootparams){
                                            .guest_entry = s->guest_entry,
                                            .guest_msr = 0, /* pseries: 32-bit BE real mode */
                                            .guest_fdt = s->fdt_addr,
                                            .rmor = s->rmor,
                                            .rma_size = s->partition_size,
                                            .lpid = bootparams_lpid(),
                                            .tod_seconds = c->tod_seconds,
                                            .flags = c->boot_flags,
                                        });
}

loader_error hv_system_create(const hv_system_config *c, hv_system *out, char *err, size_t errlen)
{
    hv_system s = {.partition_size =
                       c->partition_size ? c->partition_size : HV_SYSTEM_DEFAULT_SIZE};
    if (!hv_system_partition_size_valid(s.partition_size))
        return loader_fail(LOADER_ERR_PARAMS, err, errlen,
                           "partition size 0x%" PRIx64 " has no LPCR[RMLS] encoding",
                           s.partition_size);
    s.rmor = s.partition_size > MIN_RMOR ? s.partition_size : MIN_RMOR;
    s.fdt_addr = hv_system_fdt_addr(s.partition_size);
    s.m = machine_create(
        &(machine_config){.ram_size = s.rmor + s.partition_size, .console = c->console});
    s.firmware_symbols = symtab_new("firmware", PHYS_ADDR_MASK);
    s.guest_symbols = symtab_new("guest", UINT64_MAX);
    loader_error e = LOADER_OK;
    if (!s.m || !s.firmware_symbols || !s.guest_symbols)
        e = loader_fail(LOADER_ERR_NOMEM, err, errlen, "cannot allocate the machine");
    uint64_t entry = 0;
    if (!e) e = load_firmware(&s, &c->firmware, &entry, err, errlen);
    if (!e) e = load_guest(&s, &c->guest, err, errlen);
    if (!e) e = write_device_trees(&s, c->bootargs, err, errlen);
    if (e) {
        hv_system_destroy(&s);
        return e;
    }
    write_bootparams(&s, c);
    machine_reset(s.m);
    cpu_set_nip(machine_cpu(s.m), entry);
    *out = s;
    return LOADER_OK;
}

void hv_system_destroy(hv_system *s)
{
    machine_destroy(s->m);
    symtab_free(s->firmware_symbols);
    symtab_free(s->guest_symbols);
    *s = (hv_system){0};
}

hv_guest_exit hv_system_guest_exit(const hv_system *s)
{
    return bootparams_read_exit(machine_ram(s->m));
}

void hv_system_locate(const hv_system *s, uint64_t pc, uint64_t msr, char *buf, size_t len)
{
    const symtab *t = s->firmware_symbols;
    uint64_t addr = pc & PHYS_ADDR_MASK, pa;
    if (!(msr & MSR_HV)) {
        t = s->guest_symbols;
        if ((msr & MSR_IR) && cpu_translate_probe(machine_cpu(s->m), pc, true, &pa))
            addr = pa - s->rmor;
    }
    char sym[256];
    if (symtab_format(t, addr, sym, sizeof(sym)))
        snprintf(buf, len, "%s %s", symtab_image_name(t), sym);
    else
        snprintf(buf, len, "%s", symtab_image_name(t));
}
