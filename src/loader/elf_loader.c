/* ELF64 PowerPC loader: validate everything through libelf, then copy. */
#include "loader/elf_loader.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EF_PPC64_ABI
#define EF_PPC64_ABI 3
#endif

/* One PT_LOAD that will be copied. */
typedef struct placed_segment {
    size_t index; /* program header index, as readelf numbers it */
    GElf_Phdr ph;
    uint64_t offset; /* window offset */
} placed_segment;

/* The image under validation. */
typedef struct elf_image {
    const elf_load_params *p;
    const char *name;
    const uint8_t *data;
    size_t size;
    Elf *elf;
    uint8_t *copy; /* private copy handed to libelf, which may convert it in place */
    GElf_Ehdr eh;
    bool big_endian;
    bool dynamic;
    size_t opd_index; /* section index of .opd, 0 if none */
    GElf_Shdr opd;
    unsigned nseg;
    placed_segment seg[ELF_LOAD_MAX_SEGMENTS];
    char *err;
    size_t errlen;
} elf_image;

/* One message line "NAME: what went wrong". */
static loader_error fail(const elf_image *img, loader_error code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static loader_error fail(const elf_image *img, loader_error code, const char *fmt, ...)
{
    if (img->err && img->errlen) {
        int prefix = snprintf(img->err, img->errlen, "%s: ", img->name);
        if (prefix >= 0 && (size_t)prefix < img->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(img->err + prefix, img->errlen - (size_t)prefix, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

void elf_load_params_init(elf_load_params *p, uint8_t *ram, uint64_t ram_size)
{
    *p = (elf_load_params){
        .ram = ram,
        .ram_size = ram_size,
        .window_base = 0,
        .window_size = ram_size,
        .addr_mask = UINT64_MAX,
        .name = NULL,
        .window_name = "RAM",
    };
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386: return "i386";
    case EM_PPC: return "32-bit PowerPC";
    case EM_ARM: return "ARM";
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_S390: return "s390";
    default: return "an unknown machine";
    }
}

static uint64_t read_u64(const uint8_t *b, bool big_endian)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (big_endian ? 56 - 8 * i : 8 * i);
    return v;
}

/* [start, start + len) inside [0, limit)?  Written so that nothing can overflow. */
static bool range_within(uint64_t start, uint64_t len, uint64_t limit)
{
    return start <= limit && len <= limit - start;
}

static loader_error check_params(elf_image *img)
{
    const elf_load_params *p = img->p;
    if (!p->ram || !p->window_size || !range_within(p->window_base, p->window_size, p->ram_size))
        return fail(img, LOADER_ERR_PARAMS,
                    "destination window [0x%" PRIx64 ", +0x%" PRIx64
                    ") is not inside the 0x%" PRIx64 " bytes of RAM",
                    p->window_base, p->window_size, p->ram_size);
    return LOADER_OK;
}

/* e_ident by hand, so that a wrong class or a short file gets a precise message. */
static loader_error check_ident(elf_image *img)
{
    const uint8_t *d = img->data;
    size_t magic_len = img->size < SELFMAG ? img->size : SELFMAG;
    if (img->size == 0 || memcmp(d, ELFMAG, magic_len) != 0)
        return fail(img, LOADER_ERR_NOT_ELF, "not an ELF file (no \\177ELF magic)");
    if (img->size < EI_NIDENT)
        return fail(img, LOADER_ERR_TRUNCATED,
                    "truncated: %zu bytes, shorter than the ELF "
                    "identification",
                    img->size);
    if (d[EI_CLASS] == ELFCLASS32)
        return fail(img, LOADER_ERR_CLASS,
                    "32-bit ELF (ELFCLASS32); a PowerPC64 ELF64 image "
                    "is required");
    if (d[EI_CLASS] != ELFCLASS64)
        return fail(img, LOADER_ERR_CLASS, "invalid ELF class %u", d[EI_CLASS]);
    if (d[EI_DATA] != ELFDATA2MSB && d[EI_DATA] != ELFDATA2LSB)
        return fail(img, LOADER_ERR_HEADER, "invalid ELF data encoding %u", d[EI_DATA]);
    if (d[EI_VERSION] != EV_CURRENT)
        return fail(img, LOADER_ERR_HEADER, "unsupported ELF version %u", d[EI_VERSION]);
    if (img->size < sizeof(Elf64_Ehdr))
        return fail(img, LOADER_ERR_TRUNCATED,
                    "truncated: %zu bytes, the ELF header alone needs "
                    "%zu",
                    img->size, sizeof(Elf64_Ehdr));
    img->big_endian = d[EI_DATA] == ELFDATA2MSB;
    return LOADER_OK;
}

static loader_error open_libelf(elf_image *img)
{
    img->copy = malloc(img->size);
    if (!img->copy) return fail(img, LOADER_ERR_NOMEM, "out of memory");
    memcpy(img->copy, img->data, img->size);
    elf_version(EV_CURRENT);
    img->elf = elf_memory((char *)img->copy, img->size);
    if (!img->elf || elf_kind(img->elf) != ELF_K_ELF || !gelf_getehdr(img->elf, &img->eh))
        return fail(img, LOADER_ERR_HEADER, "unreadable ELF header: %s", elf_errmsg(-1));
    return LOADER_OK;
}

static loader_error check_header(elf_image *img)
{
    const GElf_Ehdr *eh = &img->eh;
    if (eh->e_machine != EM_PPC64)
        return fail(img, LOADER_ERR_MACHINE,
                    "ELF for %s (e_machine %u), not PowerPC64 (e_machine %u)",
                    machine_name(eh->e_machine), eh->e_machine, EM_PPC64);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return fail(img, LOADER_ERR_TYPE, "ELF type %u is not loadable (need ET_EXEC or ET_DYN)",
                    eh->e_type);
    if (eh->e_version != EV_CURRENT || eh->e_ehsize != sizeof(Elf64_Ehdr))
        return fail(img, LOADER_ERR_HEADER, "malformed ELF header (e_version %u, e_ehsize %u)",
                    eh->e_version, eh->e_ehsize);
    if ((eh->e_flags & EF_PPC64_ABI) == 3)
        return fail(img, LOADER_ERR_HEADER, "invalid ELF ABI version 3 in e_flags 0x%x",
                    eh->e_flags);
    if (eh->e_phnum == 0)
        return fail(img, LOADER_ERR_SEGMENT, "no program headers: nothing to load");
    if (eh->e_phnum == PN_XNUM)
        return fail(img, LOADER_ERR_SEGMENT, "too many program headers (extended numbering)");
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return fail(img, LOADER_ERR_HEADER, "program header entry size %u, expected %zu",
                    eh->e_phentsize, sizeof(Elf64_Phdr));
    if (!range_within(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), img->size))
        return fail(img, LOADER_ERR_TRUNCATED,
                    "truncated: program headers [0x%" PRIx64 ", +0x%zx) end past the end of the "
                    "0x%zx-byte file",
                    eh->e_phoff, (size_t)eh->e_phnum * sizeof(Elf64_Phdr), img->size);
    img->dynamic = eh->e_type == ET_DYN;
    return LOADER_OK;
}

static loader_error place_segment(elf_image *img, size_t index, const GElf_Phdr *ph)
{
    const elf_load_params *p = img->p;
    char window[48];
    loader_format_size(p->window_size, window, sizeof(window));
    if (ph->p_filesz > ph->p_memsz)
        return fail(img, LOADER_ERR_SEGMENT,
                    "segment %zu: file size 0x%" PRIx64 " exceeds its memory size 0x%" PRIx64,
                    index, ph->p_filesz, ph->p_memsz);
    if (!range_within(ph->p_offset, ph->p_filesz, img->size))
        return fail(img, LOADER_ERR_TRUNCATED,
                    "truncated: segment %zu's file bytes [0x%" PRIx64 ", +0x%" PRIx64
                    ") end past the end of the 0x%zx-byte file",
                    index, ph->p_offset, ph->p_filesz, img->size);
    if (ph->p_memsz == 0) return LOADER_OK;
    if (ph->p_memsz > p->window_size)
        return fail(img, LOADER_ERR_FIT,
                    "segment %zu: memory size 0x%" PRIx64 " is larger than the whole %s %s", index,
                    ph->p_memsz, window, p->window_name);
    uint64_t bias = img->dynamic ? p->dyn_bias : 0;
    uint64_t base = ph->p_paddr & p->addr_mask;
    if (base + bias < base)
        return fail(img, LOADER_ERR_FIT,
                    "segment %zu at 0x%" PRIx64 " plus bias 0x%" PRIx64 " wraps around", index,
                    base, bias);
    uint64_t offset = base + bias;
    if (!range_within(offset, ph->p_memsz, p->window_size)) {
        if (offset + ph->p_memsz < offset)
            return fail(img, LOADER_ERR_FIT,
                        "segment %zu [0x%" PRIx64 ", +0x%" PRIx64 ") wraps around the address "
                        "space",
                        index, offset, ph->p_memsz);
        return fail(img, LOADER_ERR_FIT,
                    "segment %zu [0x%" PRIx64 ", 0x%" PRIx64 ") does not fit the %s %s", index,
                    offset, offset + ph->p_memsz, window, p->window_name);
    }
    if (img->nseg == ELF_LOAD_MAX_SEGMENTS)
        return fail(img, LOADER_ERR_SEGMENT, "more than %d loadable segments",
                    ELF_LOAD_MAX_SEGMENTS);
    img->seg[img->nseg++] = (placed_segment){index, *ph, offset};
    return LOADER_OK;
}

static loader_error check_segments(elf_image *img)
{
    for (size_t i = 0; i < img->eh.e_phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(img->elf, (int)i, &ph))
            return fail(img, LOADER_ERR_SEGMENT, "unreadable program header %zu: %s", i,
                        elf_errmsg(-1));
        if (ph.p_type != PT_LOAD) continue;
        loader_error e = place_segment(img, i, &ph);
        if (e) return e;
    }
    if (img->nseg == 0)
        return fail(img, LOADER_ERR_SEGMENT, "no PT_LOAD segment with a non-zero size");
    for (unsigned a = 0; a < img->nseg; a++) {
        for (unsigned b = a + 1; b < img->nseg; b++) {
            const placed_segment *x = &img->seg[a], *y = &img->seg[b];
            uint64_t x_end = x->offset + x->ph.p_memsz, y_end = y->offset + y->ph.p_memsz;
            if (x->offset < y_end && y->offset < x_end)
                return fail(img, LOADER_ERR_OVERLAP,
                            "segments %zu [0x%" PRIx64 ", 0x%" PRIx64 ") and %zu [0x%" PRIx64
                            ", 0x%" PRIx64 ") overlap",
                            x->index, x->offset, x_end, y->index, y->offset, y_end);
        }
    }
    return LOADER_OK;
}

/* Virtual address -> window offset through the segment that holds it.  A symbol may sit at the
 * very end of a segment (_end), hence allow_end. */
static bool map_virtual(const elf_image *img, uint64_t va, bool allow_end, uint64_t *offset,
                        uint32_t *flags)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const placed_segment *s = &img->seg[i];
        if (va < s->ph.p_vaddr) continue;
        uint64_t delta = va - s->ph.p_vaddr;
        if (delta < s->ph.p_memsz || (allow_end && delta == s->ph.p_memsz)) {
            *offset = s->offset + delta;
            if (flags) *flags = s->ph.p_flags;
            return true;
        }
    }
    return false;
}

/* The TOC pointer usually points 0x8000 past the start of .got, often beyond the end of the
 * image, so it moves with the segment that starts closest below it and is not bounds-checked
 * (only code dereferences it). */
static uint64_t toc_offset(const elf_image *img, uint64_t toc)
{
    const placed_segment *best = NULL;
    for (unsigned i = 0; i < img->nseg; i++) {
        const placed_segment *s = &img->seg[i];
        if (s->ph.p_vaddr <= toc && (!best || s->ph.p_vaddr > best->ph.p_vaddr)) best = s;
    }
    return best ? best->offset + (toc - best->ph.p_vaddr) : 0;
}

/* The file bytes that will land at virtual [va, va + len). */
static const uint8_t *file_bytes_at(const elf_image *img, uint64_t va, uint64_t len)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const placed_segment *s = &img->seg[i];
        if (va >= s->ph.p_vaddr && range_within(va - s->ph.p_vaddr, len, s->ph.p_filesz))
            return img->data + s->ph.p_offset + (va - s->ph.p_vaddr);
    }
    return NULL;
}

/* Every section's file bytes must exist; .opd is remembered for ELFv1. */
static loader_error check_sections(elf_image *img)
{
    size_t count = 0, strndx = 0;
    if (img->eh.e_shoff == 0 && img->eh.e_shnum == 0)
        return LOADER_OK; /* stripped of section headers: no symbols */
    if (img->eh.e_shentsize != sizeof(Elf64_Shdr))
        return fail(img, LOADER_ERR_SYMBOLS, "section header entry size %u, expected %zu",
                    img->eh.e_shentsize, sizeof(Elf64_Shdr));
    /* Range-check with the header's count before asking libelf, which silently drops a section
     * header table that does not fit.  e_shnum 0 means extended numbering (count in section 0). */
    uint64_t header_count = img->eh.e_shnum ? img->eh.e_shnum : 1;
    bool fits = range_within(img->eh.e_shoff, header_count * sizeof(Elf64_Shdr), img->size);
    if (fits &&
        (elf_getshdrnum(img->elf, &count) != 0 || elf_getshdrstrndx(img->elf, &strndx) != 0))
        return fail(img, LOADER_ERR_SYMBOLS, "unreadable section headers: %s", elf_errmsg(-1));
    if (!fits || !range_within(img->eh.e_shoff, (uint64_t)count * sizeof(Elf64_Shdr), img->size))
        return fail(img, LOADER_ERR_TRUNCATED,
                    "truncated: section headers end past the end of the 0x%zx-byte file",
                    img->size);
    for (size_t i = 1; i < count; i++) {
        GElf_Shdr sh;
        Elf_Scn *scn = elf_getscn(img->elf, i);
        if (!scn || !gelf_getshdr(scn, &sh))
            return fail(img, LOADER_ERR_SYMBOLS, "unreadable section header %zu: %s", i,
                        elf_errmsg(-1));
        if (sh.sh_type != SHT_NOBITS && !range_within(sh.sh_offset, sh.sh_size, img->size))
            return fail(img, LOADER_ERR_TRUNCATED,
                        "truncated: section %zu [0x%" PRIx64 ", +0x%" PRIx64
                        ") ends past the end of the 0x%zx-byte file",
                        i, sh.sh_offset, sh.sh_size, img->size);
        const char *name = elf_strptr(img->elf, strndx, sh.sh_name);
        if (name && strcmp(name, ".opd") == 0 && sh.sh_type == SHT_PROGBITS) {
            img->opd_index = i;
            img->opd = sh;
        }
    }
    return LOADER_OK;
}

static bool in_opd(const elf_image *img, uint64_t va)
{
    return img->opd_index && va >= img->opd.sh_addr && va - img->opd.sh_addr < img->opd.sh_size;
}

/* Does e_entry point at an ELFv1 descriptor rather than at code?  Not for ELFv2.  Otherwise yes
 * when it lies in .opd; an image without section headers says so by entering through a
 * non-executable segment.  An ELFv1 image whose entry is an assembly label in .text (firmware)
 * thus enters directly. */
static bool entry_is_descriptor(const elf_image *img)
{
    unsigned abi = img->eh.e_flags & EF_PPC64_ABI;
    if (abi == 2) return false;
    if (img->opd_index) return in_opd(img, img->eh.e_entry);
    uint64_t unused;
    uint32_t flags;
    return abi == 1 && map_virtual(img, img->eh.e_entry, false, &unused, &flags) && !(flags & PF_X);
}

static loader_error resolve_entry(elf_image *img, elf_load_result *out)
{
    uint64_t code = img->eh.e_entry;
    bool descriptor = entry_is_descriptor(img);
    unsigned abi = img->eh.e_flags & EF_PPC64_ABI;
    out->abi = abi ? (int)abi : descriptor ? 1 : 2;
    if (descriptor) {
        const uint8_t *desc = file_bytes_at(img, code, 16);
        if (!desc || !map_virtual(img, code, false, &out->entry_desc, NULL))
            return fail(img, LOADER_ERR_ENTRY,
                        "ELFv1 entry descriptor at 0x%" PRIx64 " is not in the file's loaded "
                        "bytes",
                        code);
        code = read_u64(desc, img->big_endian);
        out->toc = toc_offset(img, read_u64(desc + 8, img->big_endian));
    }
    uint32_t flags;
    if (!map_virtual(img, code, false, &out->entry, &flags))
        return fail(img, LOADER_ERR_ENTRY, "entry point 0x%" PRIx64 " is outside every segment",
                    code);
    if (!(flags & PF_X))
        return fail(img, LOADER_ERR_ENTRY,
                    "entry point 0x%" PRIx64 " is in a segment that is not executable%s", code,
                    !descriptor && in_opd(img, code) ? " (an ELFv1 descriptor in an ELFv2 image?)"
                                                     : "");
    return LOADER_OK;
}

static symbol_kind kind_of(int type, uint32_t segment_flags)
{
    if (type == STT_FUNC) return SYMBOL_CODE;
    if (type == STT_OBJECT || type == STT_TLS || type == STT_COMMON) return SYMBOL_DATA;
    return (segment_flags & PF_X) ? SYMBOL_CODE : SYMBOL_DATA;
}

/* One ELF symbol into the table: ELFv1 descriptors also give a code symbol, and ".foo" dot
 * symbols (old ELFv1 code entry points) lose their dot. */
static bool add_symbol(elf_image *img, symtab *t, const char *name, const GElf_Sym *sym)
{
    uint64_t offset;
    uint32_t flags;
    if (!map_virtual(img, sym->st_value, true, &offset, &flags))
        return true; /* not in a loaded segment (debug, absolute): nothing to label */
    bool global = GELF_ST_BIND(sym->st_info) != STB_LOCAL;
    int type = GELF_ST_TYPE(sym->st_info);
    if (type == STT_FUNC && in_opd(img, sym->st_value)) {
        const uint8_t *desc = file_bytes_at(img, sym->st_value, 8);
        uint64_t code_offset;
        if (desc && map_virtual(img, read_u64(desc, img->big_endian), false, &code_offset, NULL) &&
            !symtab_add(t, name, code_offset, 0, SYMBOL_CODE, global))
            return false;
        char desc_name[256];
        snprintf(desc_name, sizeof(desc_name), "%s@opd", name);
        return symtab_add(t, desc_name, offset, sym->st_size, SYMBOL_DESCRIPTOR, global);
    }
    symbol_kind kind = kind_of(type, flags);
    if (name[0] == '.' && kind == SYMBOL_CODE && name[1]) name++;
    return symtab_add(t, name, offset, sym->st_size, kind, global);
}

static bool wanted_symbol(const GElf_Sym *sym, const char *name)
{
    int type = GELF_ST_TYPE(sym->st_info);
    return name && name[0] && sym->st_shndx != SHN_UNDEF && sym->st_shndx != SHN_ABS &&
           type != STT_SECTION && type != STT_FILE && strncmp(name, ".L", 2) != 0;
}

/* .symtab, or .dynsym when the image was stripped, into t (may be NULL: validate only). */
static loader_error read_symbols(elf_image *img, symtab *t)
{
    Elf_Scn *chosen = NULL;
    GElf_Shdr chosen_sh;
    for (Elf_Scn *scn = elf_nextscn(img->elf, NULL); scn; scn = elf_nextscn(img->elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) continue; /* check_sections already read them all */
        if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && !chosen)) {
            chosen = scn;
            chosen_sh = sh;
        }
    }
    if (!chosen) return LOADER_OK;
    if (chosen_sh.sh_entsize != sizeof(Elf64_Sym))
        return fail(img, LOADER_ERR_SYMBOLS, "symbol table entry size %" PRIu64 ", expected %zu",
                    chosen_sh.sh_entsize, sizeof(Elf64_Sym));
    Elf_Data *data = elf_getdata(chosen, NULL);
    if (!data) return fail(img, LOADER_ERR_SYMBOLS, "unreadable symbol table: %s", elf_errmsg(-1));
    size_t count = data->d_size / sizeof(Elf64_Sym);
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            return fail(img, LOADER_ERR_SYMBOLS, "unreadable symbol %zu: %s", i, elf_errmsg(-1));
        const char *name = elf_strptr(img->elf, chosen_sh.sh_link, sym.st_name);
        if (!name && sym.st_name)
            return fail(img, LOADER_ERR_SYMBOLS, "symbol %zu has an invalid name offset 0x%x", i,
                        sym.st_name);
        if (t && wanted_symbol(&sym, name) && !add_symbol(img, t, name, &sym))
            return fail(img, LOADER_ERR_NOMEM, "out of memory");
    }
    return LOADER_OK;
}

static void copy_segments(const elf_image *img)
{
    uint8_t *window = img->p->ram + img->p->window_base;
    for (unsigned i = 0; i < img->nseg; i++) {
        const placed_segment *s = &img->seg[i];
        memcpy(window + s->offset, img->data + s->ph.p_offset, s->ph.p_filesz);
        memset(window + s->offset + s->ph.p_filesz, 0, s->ph.p_memsz - s->ph.p_filesz);
    }
}

static void fill_result(const elf_image *img, elf_load_result *out)
{
    out->big_endian = img->big_endian;
    out->dynamic = img->dynamic;
    out->segment_count = img->nseg;
    out->low = UINT64_MAX;
    out->high = 0;
    for (unsigned i = 0; i < img->nseg; i++) {
        const placed_segment *s = &img->seg[i];
        out->segments[i] =
            (elf_load_segment){s->offset, s->ph.p_filesz, s->ph.p_memsz, s->ph.p_flags};
        if (s->offset < out->low) out->low = s->offset;
        if (s->offset + s->ph.p_memsz > out->high) out->high = s->offset + s->ph.p_memsz;
    }
}

static loader_error validate(elf_image *img, elf_load_result *res, symtab *staged)
{
    loader_error e;
    if ((e = check_params(img)) || (e = check_ident(img)) || (e = open_libelf(img)) ||
        (e = check_header(img)) || (e = check_segments(img)) || (e = check_sections(img)) ||
        (e = resolve_entry(img, res)) || (e = read_symbols(img, staged)))
        return e;
    return LOADER_OK;
}

loader_error elf_load_image(const uint8_t *data, size_t size, const elf_load_params *p,
                            elf_load_result *out, char *err, size_t errlen)
{
    elf_image img = {
        .p = p,
        .name = p->name ? p->name : "image",
        .data = data,
        .size = data ? size : 0,
        .err = err,
        .errlen = errlen,
    };
    elf_load_result res = {0};
    symtab *staged = NULL;
    loader_error e = LOADER_OK;
    if (p->symbols && !(staged = symtab_new("", UINT64_MAX)))
        e = fail(&img, LOADER_ERR_NOMEM, "out of memory");
    if (!e) e = validate(&img, &res, staged);
    if (!e && staged && !symtab_absorb(p->symbols, staged))
        e = fail(&img, LOADER_ERR_NOMEM, "out of memory");
    if (!e) {
        copy_segments(&img);
        fill_result(&img, &res);
        if (p->symbols) symtab_add_extent(p->symbols, res.low, res.high);
        if (out) *out = res;
    }
    symtab_free(staged);
    if (img.elf) elf_end(img.elf);
    free(img.copy);
    return e;
}

loader_error elf_load_file(const char *path, const elf_load_params *p, elf_load_result *out,
                           char *err, size_t errlen)
{
    uint8_t *data;
    size_t size;
    loader_error e = loader_read_file(path, UINT64_MAX, &data, &size, err, errlen);
    if (e) return e;
    elf_load_params named = *p;
    if (!named.name) named.name = path;
    e = elf_load_image(data, size, &named, out, err, errlen);
    free(data);
    return e;
}
