# The firmware and guests (src/hv, src/guest): build them, then boot each guest on
# qemu-system-ppc64 -M powernv8 (the reference machine) and check the console.
add_test(NAME firmware_build
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target hv_firmware guests)
set_tests_properties(firmware_build PROPERTIES LABELS "firmware" FIXTURES_SETUP firmware_images)

# The layout the emulator's reports rely on: generated offsets and the seed's table geometry.
add_test(NAME firmware_layout
         COMMAND ${CMAKE_COMMAND} -DOBJDUMP=${PPC64_OBJDUMP} -DHV_ELF=${HV_ELF}
                 -DOFFSETS=${HV_GENERATED_DIR}/hv-offsets.h
                 -P ${CMAKE_SOURCE_DIR}/src/hv/check-layout.cmake)
set_tests_properties(firmware_layout PROPERTIES LABELS "firmware" FIXTURES_REQUIRED firmware_images)

if(QEMU_SYSTEM_PPC64 AND GUEST_DTB)
  function(firmware_qemu_test guest)
    add_test(NAME firmware_qemu_${guest}
             COMMAND ${CMAKE_COMMAND} -DQEMU=${QEMU_SYSTEM_PPC64} -DHV_BIN=${HV_BIN}
                     -DGUEST_BIN=${GUEST_DIR}/${guest}.bin -DBOOTPARAMS=${GUEST_BOOTPARAMS}
                     -DDTB=${GUEST_DTB} "-DEXPECT=${ARGN}"
                     -P ${CMAKE_SOURCE_DIR}/src/guest/run-qemu.cmake)
    set_tests_properties(firmware_qemu_${guest} PROPERTIES LABELS "firmware;qemu" TIMEOUT 90
                         FIXTURES_REQUIRED firmware_images)
  endfunction()
  firmware_qemu_test(tce_demo
    "H_PUT_TCE liobn=0x10000000 ioba=0x2000 tce=0x12345003: rc=0 \\(H_SUCCESS\\)"
    "H_GET_TCE liobn=0x10000000 ioba=0x2000: rc=0 tce=0x12345003"
    "HV: TCE liobn=0x10000000 ioba=0x2000 tce=0x12345003"
    "EXIT: STATUS=0" "status 0\n")
  firmware_qemu_test(hcall_all
    "PASS H_PUT_TCE unknown liobn" "PASS H_BULK_REMOVE responses" "PASS H_CEDE idles"
    "PASS illegal instruction reflected" "PASS get-time-of-day after set"
    "hcall_all: 0 failures" "EXIT: STATUS=0" "reflected 2, status 0\n")
  firmware_qemu_test(problem_sc
    "PASS sc 1 from problem state reflected" "PASS results delivered to problem state"
    "EXIT: STATUS=0" "status 0\n")
endif()
