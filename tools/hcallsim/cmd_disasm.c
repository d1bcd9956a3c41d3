/* hcallsim disasm: our table's disassembly, with Capstone's beside it where Capstone knows the
 * word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cpu/insn_table.h"

int cmd_disasm(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--words")) {
        for (int i = 2; i < argc; i++) {
            char *end;
            unsigned long w = strtoul(argv[i], &end, 16);
            if (*end || !*argv[i] || w > 0xffffffffUL) {
                fprintf(stderr, "hcallsim disasm: '%s' is not a 32-bit hex word\n", argv[i]);
                return EXIT_USAGE;
            }
            char text[96];
            uint64_t pc = (uint64_t)(i - 2) * 4;
            insn_disasm((uint32_t)w, pc, text, sizeof(text));
            printf("%016llx  %08lx  %s\n", (unsigned long long)pc, w, text);
        }
        return EXIT_OK;
    }
    fprintf(stderr, "usage: hcallsim disasm --words HEX... | hcallsim disasm FILE\n");
    return EXIT_USAGE;
}
