/* The hcallsim command: dispatches to one function per subcommand (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"bios", cmd_bios, "boot a raw image on the powernv8 machine (as QEMU -M powernv8 -bios)"},
    {"disasm", cmd_disasm, "disassemble words, an ELF file or a raw image"},
    {"run", cmd_run, "boot the hypervisor firmware with a pseries guest ELF, return its status"},
    {"tracediff", cmd_tracediff, "compare two instruction traces (ours or QEMU -d cpu logs)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: hcallsim COMMAND [ARGS]...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'hcallsim COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hcallsim " HCALLSIM_VERSION "\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hcallsim: unknown command '%s' (try 'hcallsim --help')\n", argv[1]);
    return EXIT_USAGE;
}
