#!/usr/bin/env bash
# The default demo: the seed's H_PUT_TCE hcall, issued by a guest and handled by our hypervisor
# firmware, both running on hcallsim's POWER8, with the path summary of every hcall.
set -euo pipefail
BUILD=${1:-build/release}
HCALLSIM=$(cd "$BUILD" && pwd)/hcallsim

echo "== the guest's hcall and the 0xc00 vector head, decoded by hcallsim's instruction table"
"$HCALLSIM" disasm --words 7c421378 7c000026 90010008 44000022 \
    7db14ba6 7db04aa6 f92d0080 f94d0088 7d200026

echo
echo "== hcallsim run: embedded firmware + the seed's tce_demo guest (run from /tmp: no files needed)"
cd /tmp && "$HCALLSIM" run
