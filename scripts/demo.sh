#!/usr/bin/env bash
# The default demo: the seed's H_PUT_TCE hcall, issued by a guest and handled by our hypervisor
# firmware, both running on hcallsim's POWER8 (booted as qemu-system-ppc64 -M powernv8 would).
set -euo pipefail
BUILD=${1:-build/release}
HCALLSIM=$BUILD/hcallsim

echo "== the guest's hcall and the 0xc00 vector head, decoded by hcallsim's instruction table"
"$HCALLSIM" disasm --words 7c421378 7c000026 90010008 44000022 \
    7db14ba6 7db04aa6 f92d0080 f94d0088 7d200026

echo
echo "== boot hv.bin, enter the tce_demo guest, run its H_PUT_TCE through the real-mode path"
"$HCALLSIM" bios "$BUILD/src/hv/hv.bin" \
    --load "$BUILD/src/guest/bootparams.bin@0x1f00000" \
    --load "$BUILD/src/guest/tce_demo.bin@0x2400000" \
    --load "$BUILD/src/guest/guest.dtb@0x3f00000"
