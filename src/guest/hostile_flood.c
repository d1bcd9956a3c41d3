/*
 * Hostile guest: floods the console.  64 KiB of H_PUT_TERM_CHAR output, a 20000-character line
 * without a newline, and exit-status lines that try to confuse the firmware's parser ("EXIT:
 * STATUS=" with no digits, with a sign and no digits, statuses at and beyond the int64_t range:
 * the firmware saturates them to INT64_MAX / INT64_MIN).  Ends with a last well-formed
 * "EXIT: STATUS=5": hcallsim must report exactly 5.  tests/unit/test_hostile.c checks the
 * sequence of statuses the firmware stored.
 */
#include "guest.h"

static void put(const char *s, unsigned long len)
{
    while (len) {
        unsigned long n = len > 16 ? 16 : len;
        uint64_t w[2] = {0, 0};
        for (unsigned long i = 0; i < n; i++)
            w[i / 8] |= (uint64_t)(uint8_t)s[i] << (56 - 8 * (i % 8));
        plpar_hcall_norets(H_PUT_TERM_CHAR, guest_vty, n, w[0], w[1]);
        s += n;
        len -= n;
    }
}

int main(void *fdt)
{
    static const char line[] = "flood 0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRST\n";
    for (int i = 0; i < 1024; i++)
        put(line, sizeof(line) - 1);
    for (int i = 0; i < 1000; i++)
        put("no newline ~~~~~~~~~", 20);
    put("\n", 1);
    static const char *const lines[] = {
        "EXIT: STATUS=\n",
        "EXIT: STATUS=-\n",
        "EXIT: STATUS=1234567890123456789012345\n",  /* INT64_MAX */
        "EXIT: STATUS=9223372036854775807\n",        /* INT64_MAX exactly */
        "EXIT: STATUS=9223372036854775808\n",        /* INT64_MAX + 1: INT64_MAX */
        "EXIT: STATUS=-9223372036854775808\n",       /* INT64_MIN exactly */
        "EXIT: STATUS=-9223372036854775809\n",       /* INT64_MIN - 1: INT64_MIN */
        "EXIT: STATUS=-1234567890123456789012345\n", /* INT64_MIN */
        "EXIT: EXIT: STATUS=x\n",
    };
    for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        unsigned long len = 0;
        while (lines[i][len])
            len++;
        put(lines[i], len);
    }
    return 5;
}
