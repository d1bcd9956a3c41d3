/* hcallsim bios: boot a raw firmware image on the powernv8 machine the way
 * `qemu-system-ppc64 -M powernv8 -bios IMAGE -device loader,file=FILE,addr=ADDR,force-raw=on
 * -no-reboot` does, with the console on stdout. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_parse.h"
#include "cpu/cpu.h"
#include "loader/elf_loader.h"
#include "loader/fdt.h"
#include "loader/loader.h"
#include "loader/raw_loader.h"
#include "loader/symtab.h"
#include "observe/fanout.h"
#include "observe/trace.h"
#include "platform/machine.h"

#define PROG "hcallsim bios"

static const char usage_text[] =
    "usage: hcallsim bios IMAGE [--load FILE@ADDR]... [--mem SIZE] [--max-insns N]\n"
    "                     [--trace FILE [--trace-full]] [--symbols ELF] [--cpu NAME|FILE]\n"
    "\n"
    "Boots a raw big-endian image on the emulated powernv8 machine exactly as\n"
    "  qemu-system-ppc64 -M powernv8 -bios IMAGE \\\n"
    "    -device loader,file=FILE,addr=ADDR,force-raw=on -no-reboot\n"
    "does: IMAGE (at most 16 MiB) at physical 0, each FILE at ADDR, the machine's device tree\n"
    "at 0x1000000, then one POWER8 thread starts at 0x10 in hypervisor real mode with r3\n"
    "pointing at the tree.  The ISA UART (LPC I/O 0x3f8) prints to stdout; the run ends when\n"
    "the image sends the BMC an IPMI chassis control (power down or hard reset) through the BT\n"
    "interface (LPC I/O 0xe4).\n"
    "\n"
    "  --load FILE@ADDR  copy FILE to physical ADDR (decimal or 0x-hex); repeatable; files\n"
    "                    must not overlap each other or IMAGE (QEMU refuses that too)\n"
    "  --mem SIZE        RAM size, 32M..64G in 4 KiB multiples (default 1G); suffix K, M or G,\n"
    "                    a bare number is MiB as with QEMU's -m (QEMU itself wants >= 1G)\n"
    "  --max-insns N     stop after N instructions (default: no limit)\n"
    "  --trace FILE      write a per-instruction trace (docs/trace-format.md) to FILE ('-' is\n"
    "                    stdout, a .gz name is compressed); compare it with a QEMU log using\n"
    "                    'hcallsim tracediff'\n"
    "  --trace-full      every register in every trace record (default: those that changed)\n"
    "  --cpu NAME|FILE   run the cycle model (power7, power8, power9 or a profile file,\n"
    "                    docs/cycle-model.md) and print cycles, CPI and stall cycles at the end\n"
    "  --symbols ELF     name PCs with the symbols of ELF (the image's unstripped twin, e.g.\n"
    "                    hv.elf for hv.bin) in the --max-insns message and the trace\n"
    "  --help            this text\n"
    "\n"
    "Exit status: 0 the image stopped the machine through the BMC, 64 bad command line\n"
    "(options, --mem, --max-insns), 65 bad input (IMAGE over 16 MiB, FILE@ADDR malformed,\n"
    "outside RAM or overlapping), 66 a missing or unreadable file (or a --trace FILE that\n"
    "cannot be created), 67 --max-insns spent,\n"
    "68 checkstop (machine check with MSR[ME]=0), 69 the image used a facility hcallsim does\n"
    "not implement, 70 internal error or out of memory.\n";

/* One raw image to place in RAM. */
typedef struct raw_blob {
    char *path;
    uint64_t addr;
    uint8_t *data;
    size_t size;
} raw_blob;

typedef struct bios_options {
    const char *image;
    char **load_specs;
    size_t nloads;
    uint64_t ram_size;
    uint64_t max_insns;  /* 0: no limit */
    const char *trace;   /* --trace FILE, or NULL */
    const char *symbols; /* --symbols ELF, or NULL */
    const char *cpu;     /* --cpu NAME|FILE: attach the cycle model, or NULL */
    bool trace_full;
} bios_options;

#define usage_error(...) cli_usage_error(PROG, __VA_ARGS__)

/* Fills opts; returns -1 to go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, bios_options *opts)
{
    static const struct option longopts[] = {
        {"load", required_argument, NULL, 'l'},
        {"mem", required_argument, NULL, 'm'},
        {"max-insns", required_argument, NULL, 'n'},
        {"trace", required_argument, NULL, 't'},
        {"trace-full", no_argument, NULL, 'T'},
        {"symbols", required_argument, NULL, 's'},
        {"cpu", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *opts = (bios_options){.ram_size = MACHINE_DEFAULT_RAM};
    opts->load_specs = calloc((size_t)argc, sizeof(char *));
    if (!opts->load_specs) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_INTERNAL;
    }
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': opts->load_specs[opts->nloads++] = optarg; break;
        case 'm':
            if (!cli_parse_size(optarg, &opts->ram_size) || !machine_ram_size_valid(opts->ram_size))
                return usage_error("bad --mem '%s': expected 32M..64G in multiples of 4K", optarg);
            break;
        case 'n':
            if (!cli_parse_count(optarg, &opts->max_insns))
                return usage_error("bad --max-insns '%s': expected a positive count", optarg);
            break;
        case 's': opts->symbols = optarg; break;
        case 'c': opts->cpu = optarg; break;
        case 't': opts->trace = optarg; break;
        case 'T': opts->trace_full = true; break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc) return usage_error("missing IMAGE");
    if (argc - optind > 1) return usage_error("unexpected argument '%s'", argv[optind + 1]);
    if (opts->trace_full && !opts->trace) return usage_error("--trace-full needs --trace FILE");
    opts->image = argv[optind];
    return -1;
}

static int loader_failure(loader_error e, const char *message)
{
    fprintf(stderr, PROG ": %s\n", message);
    return loader_exit_status(e);
}

/* Reads IMAGE and the --load files; returns -1 on success, otherwise the exit status. */
static int read_blobs(const bios_options *opts, raw_blob *blobs)
{
    char err[512];
    loader_error e;
    blobs[0].path = strdup(opts->image);
    if (!blobs[0].path) return loader_failure(LOADER_ERR_NOMEM, "out of memory");
    e = loader_read_file(opts->image, MACHINE_FIRMWARE_MAX, &blobs[0].data, &blobs[0].size, err,
                         sizeof(err));
    if (e) return loader_failure(e, err);
    for (size_t i = 0; i < opts->nloads; i++) {
        raw_blob *b = &blobs[i + 1];
        e = raw_parse_spec(opts->load_specs[i], &b->path, &b->addr, err, sizeof(err));
        if (!e && b->addr >= opts->ram_size) {
            char ram[32];
            loader_format_size(opts->ram_size, ram, sizeof(ram));
            snprintf(err, sizeof(err), "%s: address 0x%" PRIx64 " is outside the %s of RAM",
                     b->path, b->addr, ram);
            e = LOADER_ERR_FIT;
        }
        if (!e)
            e = loader_read_file(b->path, opts->ram_size - b->addr, &b->data, &b->size, err,
                                 sizeof(err));
        if (e) return loader_failure(e, err);
    }
    return -1;
}

/* QEMU registers each image as a ROM and refuses overlapping ones. */
static int check_overlaps(const raw_blob *blobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            const raw_blob *a = &blobs[i], *b = &blobs[j];
            if (!a->size || !b->size || a->addr >= b->addr + b->size ||
                b->addr >= a->addr + a->size)
                continue;
            fprintf(stderr,
                    PROG ": %s [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s [0x%" PRIx64
                         ", 0x%" PRIx64 ")\n",
                    b->path, b->addr, b->addr + b->size, a->path, a->addr, a->addr + a->size);
            return EXIT_BAD_INPUT;
        }
    }
    return -1;
}

/* Copies the images, then the device tree over them (QEMU writes it at reset, after the
 * ROMs); an image the tree overwrites gets a warning. */
static int load_machine(machine *m, const raw_blob *blobs, size_t n)
{
    static uint8_t fdt[FDT_POWERNV8_MAX];
    int rc = fdt_build_powernv8(fdt, sizeof(fdt), machine_ram_size(m), MACHINE_BOOT_PIR);
    if (rc < 0) {
        fprintf(stderr, PROG ": cannot build the device tree (libfdt error %d)\n", rc);
        return EXIT_INTERNAL;
    }
    /* fdt_totalsize: the big-endian word at offset 4 of the header. */
    uint32_t fdt_size =
        (uint32_t)fdt[4] << 24 | (uint32_t)fdt[5] << 16 | (uint32_t)fdt[6] << 8 | fdt[7];
    if (fdt_size > sizeof(fdt)) fdt_size = sizeof(fdt);

    char err[512];
    for (size_t i = 0; i < n; i++) {
        const raw_blob *b = &blobs[i];
        loader_error e = raw_load_image(b->data, b->size, b->addr, machine_ram(m),
                                        machine_ram_size(m), b->path, err, sizeof(err));
        if (e) return loader_failure(e, err);
        if (b->size && b->addr < MACHINE_FDT_ADDR + fdt_size &&
            MACHINE_FDT_ADDR < b->addr + b->size)
            fprintf(stderr, PROG ": warning: the device tree at 0x%llx overwrites part of %s\n",
                    (unsigned long long)MACHINE_FDT_ADDR, b->path);
    }
    memcpy(machine_ram(m) + MACHINE_FDT_ADDR, fdt, fdt_size);
    return -1;
}

/* Symbols of --symbols ELF, read by loading it into a scratch copy of the address space (so the
 * loader validates it exactly as it would an image, and nothing touches the machine).  Real-mode
 * addresses ignore the top four bits, as in hypervisor real mode. */
static int load_symbols(const char *path, uint64_t ram_size, symtab **out)
{
    *out = symtab_new("image", 0x0fffffffffffffffull);
    uint8_t *scratch = calloc(1, ram_size); /* lazily backed: only the loaded pages are touched */
    if (!*out || !scratch) {
        free(scratch);
        return loader_failure(LOADER_ERR_NOMEM, "out of memory");
    }
    elf_load_params p;
    elf_load_params_init(&p, scratch, ram_size);
    p.addr_mask = 0x0fffffffffffffffull;
    p.symbols = *out;
    elf_load_result r;
    char err[512];
    loader_error e = elf_load_file(path, &p, &r, err, sizeof(err));
    free(scratch);
    return e == LOADER_OK ? -1 : loader_failure(e, err);
}

/* The CPU's own account names the instruction; without one, name the PC. */
static void report_stop(const char *what, const char *detail, uint64_t pc)
{
    if (detail && detail[0])
        fprintf(stderr, PROG ": %s: %s\n", what, detail);
    else
        fprintf(stderr, PROG ": %s at PC 0x%" PRIx64 "\n", what, pc);
}

/* Runs to the end (traced when trace is not NULL) and reports how it ended. */
/* The cycle model's account of the run, after the console output. */
static void print_cycles(const timing_model *model)
{
    timing_counters c;
    timing_read(model, &c);
    printf("cycles (%s): %" PRIu64 " instructions, %" PRIu64 " cycles, CPI %.2f\n",
           timing_get_profile(model)->name, c.insns, c.cycles,
           c.insns ? (double)c.cycles / (double)c.insns : 0.0);
    printf("  stall cycles:");
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        printf(" %s %" PRIu64, timing_stall_name((timing_stall)r), c.stall[r]);
    printf("\n");
}

static int run_machine(machine *m, uint64_t max_insns, trace_writer *trace, const symtab *symbols,
                       timing_model *model)
{
    ppc_cpu *cpu = machine_cpu(m);
    observer_fanout fanout;
    fanout_init(&fanout);
    if (model) fanout_add(&fanout, timing_observer(model));
    if (trace) fanout_add(&fanout, trace_observer(trace));
    const uint64_t chunk = 1ull << 24;
    cpu_exit why;
    do {
        uint64_t left = max_insns ? max_insns - cpu_get_insns(cpu) : chunk;
        uint64_t budget = left < chunk ? left : chunk;
        why = fanout.count ? cpu_run_observed(cpu, budget, fanout_observer(&fanout))
                           : cpu_run(cpu, budget);
    } while (why == CPU_EXIT_BUDGET && (!max_insns || cpu_get_insns(cpu) < max_insns));
    if (model) print_cycles(model);
    fflush(stdout);
    if (trace_close(trace, cpu) != 0) return EXIT_INTERNAL;

    uint64_t pc = cpu_get_nip(cpu);
    switch (why) {
    case CPU_EXIT_STOP: return EXIT_OK;
    case CPU_EXIT_BUDGET: {
        char sym[160] = "";
        if (symbols && symtab_format(symbols, pc, sym + 2, sizeof(sym) - 3)) {
            sym[0] = ' ', sym[1] = '(';
            strcat(sym, ")");
        }
        fprintf(stderr,
                PROG ": --max-insns %" PRIu64 " spent before the machine stopped; PC 0x%" PRIx64
                     "%s\n",
                max_insns, pc, sym);
        return EXIT_BUDGET;
    }
    case CPU_EXIT_CHECKSTOP:
        report_stop("checkstop", cpu_exit_detail(cpu), pc);
        return EXIT_CHECKSTOP;
    case CPU_EXIT_UNIMPLEMENTED:
        report_stop("unimplemented", cpu_exit_detail(cpu), pc);
        return EXIT_UNIMPLEMENTED;
    }
    return EXIT_INTERNAL;
}

int cmd_bios(int argc, char **argv)
{
    bios_options opts;
    int status = parse_options(argc, argv, &opts);
    size_t nblobs = opts.nloads + 1;
    raw_blob *blobs = status < 0 ? calloc(nblobs, sizeof(*blobs)) : NULL;
    machine *m = NULL;
    if (status < 0 && !blobs) status = loader_failure(LOADER_ERR_NOMEM, "out of memory");
    if (status < 0) status = read_blobs(&opts, blobs);
    if (status < 0) status = check_overlaps(blobs, nblobs);
    if (status < 0) {
        m = machine_create(&(machine_config){.ram_size = opts.ram_size, .console = stdout});
        if (!m) {
            fprintf(stderr, PROG ": cannot allocate the machine's RAM\n");
            status = EXIT_INTERNAL;
        }
    }
    if (status < 0) status = load_machine(m, blobs, nblobs);
    timing_profile profile;
    timing_model *model = NULL;
    if (status < 0 && opts.cpu) status = cli_load_cpu_profile(PROG, opts.cpu, &profile);
    if (status < 0 && opts.cpu && !(model = timing_create(&profile))) {
        fprintf(stderr, PROG ": out of memory\n");
        status = EXIT_INTERNAL;
    }
    symtab *symbols = NULL;
    if (status < 0 && opts.symbols) status = load_symbols(opts.symbols, opts.ram_size, &symbols);
    trace_writer *trace = NULL;
    if (status < 0 && opts.trace) {
        char err[512];
        trace =
            trace_open(opts.trace, &(trace_config){.full = opts.trace_full, .firmware = symbols},
                       err, sizeof(err));
        if (!trace) {
            fprintf(stderr, PROG ": %s\n", err);
            status = EXIT_NO_INPUT;
        }
    }
    if (status < 0) status = run_machine(m, opts.max_insns, trace, symbols, model);

    timing_destroy(model);
    symtab_free(symbols);
    machine_destroy(m);
    for (size_t i = 0; blobs && i < nblobs; i++) {
        free(blobs[i].path);
        free(blobs[i].data);
    }
    free(blobs);
    free(opts.load_specs);
    return status;
}
