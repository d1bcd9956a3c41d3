/* hcallsim disasm: our table's disassembly, with Capstone's beside it where Capstone knows the
 * word.  Input is a list of hex words, an ELF file (executable sections, or executable PT_LOAD
 * segments when there are no section headers) or a raw image of big-endian words. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Capstone's ppc.h names its instruction enum ppc_insn, as insn_table.h names the pre-decoded
 * instruction: Capstone's is renamed while its header is read. */
#define ppc_insn capstone_ppc_insn
#include <capstone/capstone.h>
#undef ppc_insn

#include "cli.h"
#include "cpu/insn_table.h"

#define PROG "hcallsim disasm"

static const char usage_text[] =
    "usage: hcallsim disasm [--base ADDR] --words HEX...\n"
    "       hcallsim disasm [--base ADDR] FILE\n"
    "\n"
    "Disassembles PowerPC64 instruction words with hcallsim's instruction table and prints\n"
    "Capstone's reading beside it where Capstone knows the word (Capstone 4 does not know\n"
    "every POWER8 instruction, e.g. hrfid: hcallsim's column is authoritative).\n"
    "\n"
    "  --words HEX...  the words to disassemble (1-8 hex digits each, optional 0x)\n"
    "  FILE            an ELF file (PowerPC, either endianness): its executable sections, or its\n"
    "                  executable PT_LOAD segments if it has no section headers, with symbols as\n"
    "                  labels; or a raw image: a file of big-endian words (size a multiple of 4)\n"
    "  --base ADDR     address of the first word of --words or of a raw image (default 0)\n"
    "  --help          this text\n"
    "\n"
    "Columns: address, word, hcallsim's disassembly, Capstone's.\n"
    "Exit status: 0 ok, 64 bad command line or malformed hex, 65 a file that is neither a\n"
    "PowerPC ELF nor a raw image, 66 a missing or unreadable file.\n";

/* --- output ---------------------------------------------------------------------------------- */

typedef struct printer {
    csh capstone;
    bool have_capstone;
} printer;

static void printer_open(printer *pr)
{
    pr->have_capstone =
        cs_open(CS_ARCH_PPC, CS_MODE_64 | CS_MODE_BIG_ENDIAN, &pr->capstone) == CS_ERR_OK;
}

static void printer_close(printer *pr)
{
    if (pr->have_capstone) cs_close(&pr->capstone);
}

static void print_word(printer *pr, uint64_t addr, uint32_t word)
{
    char ours[96];
    insn_disasm(word, addr, ours, sizeof(ours));
    char theirs[sizeof(((cs_insn *)0)->mnemonic) + sizeof(((cs_insn *)0)->op_str) + 2] = "";
    if (pr->have_capstone) {
        const uint8_t bytes[4] = {word >> 24, word >> 16, word >> 8, word};
        cs_insn *insn;
        if (cs_disasm(pr->capstone, bytes, sizeof(bytes), addr, 1, &insn) == 1) {
            snprintf(theirs, sizeof(theirs), "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
                     insn->op_str);
            cs_free(insn, 1);
        }
    }
    if (theirs[0])
        printf("%016" PRIx64 "  %08" PRIx32 "  %-36s %s\n", addr, word, ours, theirs);
    else
        printf("%016" PRIx64 "  %08" PRIx32 "  %s\n", addr, word, ours);
}

static void print_header(void)
{
    printf("%-16s  %-8s  %-36s %s\n", "address", "word", "hcallsim", "capstone");
}

/* --- arguments ------------------------------------------------------------------------------- */

/* A 32-bit word: 1-8 hex digits with an optional 0x. */
static bool parse_hex_word(const char *s, uint32_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 8 || strspn(s, "0123456789abcdefABCDEF") != n) return false;
    *out = (uint32_t)strtoul(s, NULL, 16);
    return true;
}

/* An address: decimal, or hex with 0x. */
static bool parse_address(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno) return false;
    *out = v;
    return true;
}

/* --- ELF ------------------------------------------------------------------------------------- */

typedef struct label {
    uint64_t addr;
    const char *name;
} label;

typedef struct label_list {
    label *items;
    size_t count;
} label_list;

static int label_cmp(const void *a, const void *b)
{
    const label *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The symbols of one section that make sensible labels: named functions and plain labels. */
static label_list section_labels(Elf *elf, size_t shndx)
{
    label_list list = {0};
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t n = data ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx != shndx) continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if (type != STT_FUNC && type != STT_NOTYPE) continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name) continue;
            label *grown = realloc(list.items, (list.count + 1) * sizeof(*grown));
            if (!grown) break;
            list.items = grown;
            list.items[list.count++] = (label){sym.st_value, name};
        }
    }
    if (list.count) qsort(list.items, list.count, sizeof(label), label_cmp);
    return list;
}

static uint32_t load_word(const uint8_t *p, bool big_endian)
{
    return big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                      : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Disassembles `size` bytes at `addr`, printing the labels that fall on word boundaries. */
static void print_code(printer *pr, const uint8_t *bytes, size_t size, uint64_t addr,
                       bool big_endian, const label_list *labels)
{
    size_t next_label = 0;
    for (size_t off = 0; off + 4 <= size; off += 4) {
        uint64_t pc = addr + off;
        while (labels && next_label < labels->count && labels->items[next_label].addr < pc)
            next_label++;
        while (labels && next_label < labels->count && labels->items[next_label].addr == pc)
            printf("\n%016" PRIx64 " <%s>:\n", pc, labels->items[next_label++].name);
        print_word(pr, pc, load_word(bytes + off, big_endian));
    }
    for (size_t off = size & ~(size_t)3; off < size; off++)
        printf("%016" PRIx64 "  %02x        .byte   0x%02x\n", addr + off, bytes[off], bytes[off]);
}

static int bad_elf(const char *path, const char *why)
{
    fprintf(stderr, PROG ": '%s' is not a usable PowerPC ELF file: %s\n", path, why);
    return EXIT_BAD_INPUT;
}

static int disasm_sections(printer *pr, Elf *elf, size_t shnum, bool big_endian)
{
    size_t shstrndx = 0;
    elf_getshdrstrndx(elf, &shstrndx);
    for (size_t i = 1; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(elf, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh)) continue;
        if (!(sh.sh_flags & SHF_EXECINSTR) || sh.sh_type == SHT_NOBITS) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || !data->d_buf) continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        printf("\nsection %s:\n", name ? name : "?");
        label_list labels = section_labels(elf, i);
        print_code(pr, data->d_buf, data->d_size, sh.sh_addr, big_endian, &labels);
        free(labels.items);
    }
    return EXIT_OK;
}

static int disasm_segments(printer *pr, Elf *elf, const char *path, bool big_endian)
{
    size_t phnum = 0, file_size = 0;
    if (elf_getphdrnum(elf, &phnum) != 0) return bad_elf(path, elf_errmsg(-1));
    const uint8_t *image = (const uint8_t *)elf_rawfile(elf, &file_size);
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
            continue;
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
            return bad_elf(path, "a PT_LOAD segment lies beyond the end of the file");
        printf("\nsegment %zu:\n", i);
        print_code(pr, image + ph.p_offset, ph.p_filesz, ph.p_vaddr, big_endian, NULL);
    }
    return EXIT_OK;
}

static int disasm_elf(printer *pr, int fd, const char *path)
{
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    if (!elf) return bad_elf(path, elf_errmsg(-1));
    int status;
    GElf_Ehdr eh;
    size_t shnum = 0;
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        status = bad_elf(path, "bad ELF header");
    } else if (eh.e_ident[EI_DATA] != ELFDATA2MSB && eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        status = bad_elf(path, "unknown byte order in the ELF header");
    } else if (eh.e_machine != EM_PPC64 && eh.e_machine != EM_PPC) {
        char why[64];
        snprintf(why, sizeof(why), "machine %u is not PowerPC", eh.e_machine);
        status = bad_elf(path, why);
    } else if (elf_getshdrnum(elf, &shnum) != 0) {
        status = bad_elf(path, elf_errmsg(-1));
    } else {
        bool big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
        print_header();
        status = shnum > 1 ? disasm_sections(pr, elf, shnum, big_endian)
                           : disasm_segments(pr, elf, path, big_endian);
    }
    elf_end(elf);
    return status;
}

/* --- raw images and files -------------------------------------------------------------------- */

static int disasm_raw(printer *pr, int fd, const char *path, off_t size, uint64_t base)
{
    if (size == 0 || size % 4) {
        fprintf(stderr,
                PROG ": '%s' is neither an ELF file nor a raw image (size %lld is not a "
                     "non-zero multiple of 4)\n",
                path, (long long)size);
        return EXIT_BAD_INPUT;
    }
    uint8_t *bytes = malloc((size_t)size);
    if (!bytes) {
        fprintf(stderr, PROG ": out of memory reading '%s'\n", path);
        return EXIT_INTERNAL;
    }
    ssize_t got = pread(fd, bytes, (size_t)size, 0);
    if (got != size) {
        fprintf(stderr, PROG ": cannot read '%s': %s\n", path,
                got < 0 ? strerror(errno) : "short read");
        free(bytes);
        return EXIT_NO_INPUT;
    }
    print_header();
    print_code(pr, bytes, (size_t)size, base, true, NULL);
    free(bytes);
    return EXIT_OK;
}

static int disasm_file(printer *pr, const char *path, bool have_base, uint64_t base)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, PROG ": cannot read '%s': %s\n", path,
                fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0) close(fd);
        return EXIT_NO_INPUT;
    }
    unsigned char magic[SELFMAG] = {0};
    bool is_elf = pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
    int status;
    if (is_elf && have_base) {
        fprintf(stderr, PROG ": --base applies to raw images and --words, not to ELF files\n");
        status = EXIT_USAGE;
    } else {
        status = is_elf ? disasm_elf(pr, fd, path) : disasm_raw(pr, fd, path, st.st_size, base);
    }
    close(fd);
    return status;
}

static int disasm_words(printer *pr, char **words, int count, uint64_t base)
{
    uint32_t *values = calloc((size_t)count, sizeof(*values));
    if (!values) return EXIT_INTERNAL;
    for (int i = 0; i < count; i++) {
        if (!parse_hex_word(words[i], &values[i])) {
            fprintf(stderr, PROG ": '%s' is not a 32-bit hex word\n", words[i]);
            free(values);
            return EXIT_USAGE;
        }
    }
    print_header();
    for (int i = 0; i < count; i++)
        print_word(pr, base + 4 * (uint64_t)i, values[i]);
    free(values);
    return EXIT_OK;
}

int cmd_disasm(int argc, char **argv)
{
    uint64_t base = 0;
    bool have_base = false;
    const char *file = NULL;
    int words_at = 0;
    for (int i = 1; i < argc && !words_at; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--base")) {
            if (i + 1 >= argc || !parse_address(argv[i + 1], &base)) {
                fprintf(stderr, PROG ": --base needs an address (decimal or 0x hex)\n");
                return EXIT_USAGE;
            }
            have_base = true;
            i++;
        } else if (!strcmp(argv[i], "--words")) {
            words_at = i + 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, PROG ": unknown option '%s' (try '" PROG " --help')\n", argv[i]);
            return EXIT_USAGE;
        } else if (file) {
            fprintf(stderr, PROG ": one FILE at a time ('%s' and '%s')\n", file, argv[i]);
            return EXIT_USAGE;
        } else {
            file = argv[i];
        }
    }
    if (words_at ? (words_at >= argc || file) : !file) {
        fprintf(stderr, "usage: hcallsim disasm [--base ADDR] --words HEX... | hcallsim disasm "
                        "[--base ADDR] FILE (try --help)\n");
        return EXIT_USAGE;
    }
    printer pr;
    printer_open(&pr);
    int status = words_at ? disasm_words(&pr, argv + words_at, argc - words_at, base)
                          : disasm_file(&pr, file, have_base, base);
    printer_close(&pr);
    return status;
}
