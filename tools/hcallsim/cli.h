/* Shared by the hcallsim subcommands: exit statuses (documented in the README) and entry points. */
#ifndef HCALLSIM_TOOLS_CLI_H
#define HCALLSIM_TOOLS_CLI_H

#define HCALLSIM_VERSION "0.1.0"

/* Exit statuses.  A guest's own status (hcallsim run) is passed through unchanged in 0..63. */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 64,         /* bad command line (as sysexits EX_USAGE) */
    EXIT_BAD_INPUT = 65,     /* an input file is malformed, foreign or does not fit */
    EXIT_NO_INPUT = 66,      /* an input file is missing or unreadable */
    EXIT_BUDGET = 67,        /* --max-insns spent before the machine stopped */
    EXIT_CHECKSTOP = 68,     /* the CPU checkstopped (machine check with MSR[ME]=0) */
    EXIT_UNIMPLEMENTED = 69, /* the guest used a facility hcallsim does not implement */
    EXIT_INTERNAL = 70,      /* out of memory or an internal error */
};

int cmd_bios(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_tracediff(int argc, char **argv);

#endif
