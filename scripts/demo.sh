#!/usr/bin/env bash
# The default demo: the seed's hcall entry path, disassembled from the instruction table.
set -euo pipefail
HCALLSIM=${1:-build/release/hcallsim}
echo "== plpar_hcall_norets and the 0xc00 vector head, as hcallsim decodes them"
"$HCALLSIM" disasm --words 7c421378 7c000026 90010008 44000022 38a00000 81810008 7d8ff120 4e800020 \
    7db14ba6 7db04aa6 f92d0080 f94d0088 7d200026 894d0310 2c0a0000 40820008
