/* Number syntax shared by the subcommands' options. */
#ifndef HCALLSIM_TOOLS_CLI_PARSE_H
#define HCALLSIM_TOOLS_CLI_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/timing.h"

/* A memory size: decimal digits with an optional K, M or G suffix (binary units, either case);
 * a bare number is MiB, as QEMU's -m.  False on anything else or on overflow. */
bool cli_parse_size(const char *text, uint64_t *size);

/* A positive decimal count. */
bool cli_parse_count(const char *text, uint64_t *count);

/* The cycle-model profile --cpu names (power7, power8, power9 or a file): -1 when loaded, else the
 * exit status after printing the profile's one-line error (65 bad profile, 66 unreadable). */
int cli_load_cpu_profile(const char *prog, const char *name, timing_profile *profile);

/* Prints "PROG: message (try 'PROG --help')" on stderr and returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int cli_usage_error(const char *prog, const char *fmt, ...);

#endif
