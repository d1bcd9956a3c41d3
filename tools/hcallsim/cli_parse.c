/* Option syntax shared by the subcommands (cli_parse.h). */
#include "cli_parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

/* Leading decimal digits (no sign, no blanks) as strtoull reads them. */
static bool parse_decimal(const char *text, unsigned long long *value, char **end)
{
    if (text[0] < '0' || text[0] > '9') return false;
    errno = 0;
    *value = strtoull(text, end, 10);
    return errno != ERANGE;
}

bool cli_parse_size(const char *text, uint64_t *size)
{
    unsigned long long value;
    char *end;
    if (!parse_decimal(text, &value, &end)) return false;
    unsigned shift;
    switch (*end) {
    case '\0':
    case 'M':
    case 'm': shift = 20; break;
    case 'K':
    case 'k': shift = 10; break;
    case 'G':
    case 'g': shift = 30; break;
    default: return false;
    }
    if (*end && end[1]) return false;
    if (value > (UINT64_MAX >> shift)) return false;
    *size = (uint64_t)value << shift;
    return true;
}

bool cli_parse_count(const char *text, uint64_t *count)
{
    unsigned long long value;
    char *end;
    if (!parse_decimal(text, &value, &end) || *end || value == 0) return false;
    *count = value;
    return true;
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try '%s --help')\n", prog);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_load_cpu_profile(const char *prog, const char *name, timing_profile *profile)
{
    char err[512];
    if (timing_load_profile(name, profile, err, sizeof(err))) return -1;
    fprintf(stderr, "%s: %s\n", prog, err);
    bool unreadable = !timing_builtin_profile_text(name) && access(name, R_OK) != 0;
    return unreadable ? EXIT_NO_INPUT : EXIT_BAD_INPUT;
}
