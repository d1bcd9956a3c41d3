# cmake -DQEMU=... -DHV_BIN=... -DGUEST_BIN=... -DBOOTPARAMS=... -DDTB=... -DEXPECT="re1;re2"
#       [-DTIMEOUT=60] -P run-qemu.cmake
# Boots hv.bin + a guest on qemu-system-ppc64 -M powernv8 and checks the console: every EXPECT
# regex must match, no line may start with "FAIL", and the run must end with the firmware's
# power-off report.  Load addresses: docs/firmware.md.
if(NOT TIMEOUT)
  set(TIMEOUT 60)
endif()
execute_process(
  COMMAND ${QEMU} -M powernv8 -bios ${HV_BIN}
          -device loader,file=${BOOTPARAMS},addr=0x1f00000,force-raw=on
          -device loader,file=${GUEST_BIN},addr=0x2400000,force-raw=on
          -device loader,file=${DTB},addr=0x3f00000,force-raw=on
          -display none -serial stdio -monitor none -no-reboot
  TIMEOUT ${TIMEOUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "qemu exited with '${rc}': ${err}")
endif()
list(APPEND EXPECT "HV: power-off: ")
foreach(re ${EXPECT})
  if(NOT out MATCHES "${re}")
    message(FATAL_ERROR "console output lacks: ${re}")
  endif()
endforeach()
if(out MATCHES "(^|\n)FAIL ")
  message(FATAL_ERROR "a guest check failed")
endif()
