# `hcallsim run`: the firmware and a guest ELF booted together.
#
# This file has two roles: tests/CMakeLists.txt includes it to register the tests, and each test
# runs it again as a script (cmake -P) to run the commands and compare.

if(CMAKE_SCRIPT_MODE_FILE)
  # --- script mode ---------------------------------------------------------------------------
  # MODE=expect: run `HCALLSIM run ARGS` in WORKDIR and check it with hcallsim_expect_check
  #   (expect.cmake: STATUS, EXPECT, REJECT, STDERR_REGEX...).  TRUNCATE=src:dst:bytes first
  #   writes the first bytes of src to dst.
  # MODE=qemu: run GUEST under `hcallsim run` and under qemu-system-ppc64 -M pseries (boot ROM
  #   ROM, -append APPEND); the guest's console lines (not the firmware's "HV: " lines, not the
  #   path summary, not lines starting with the regex VARIES) and the exit status (QEMU: from
  #   "EXIT: STATUS=n") must be identical.
  include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)
  separate_arguments(args UNIX_COMMAND "${ARGS}")
  if(NOT DEFINED WORKDIR)
    set(WORKDIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  file(MAKE_DIRECTORY ${WORKDIR})
  if(DEFINED TRUNCATE)
    string(REPLACE ":" ";" truncate "${TRUNCATE}")
    list(GET truncate 0 truncate_src)
    list(GET truncate 1 truncate_dst)
    list(GET truncate 2 truncate_bytes)
    execute_process(COMMAND head -c ${truncate_bytes} ${truncate_src} OUTPUT_FILE ${truncate_dst}
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "cannot create ${truncate_dst}")
    endif()
  endif()
  execute_process(COMMAND ${HCALLSIM} run ${args} WORKING_DIRECTORY ${WORKDIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)

  if(MODE STREQUAL "qemu")
    execute_process(
      COMMAND timeout 120 ${QEMU} -M pseries -cpu power8 -m 256M -bios ${ROM} -kernel ${GUEST}
              -append "${APPEND}" -display none -serial stdio -monitor none -no-reboot
      RESULT_VARIABLE qrc OUTPUT_VARIABLE qout ERROR_VARIABLE qerr)
    # The guest's lines only (no firmware lines, no path summary), without the ones that vary.
    foreach(which out qout)
      string(REPLACE "\r" "" text "${${which}}")
      string(REGEX REPLACE "\nhcall paths: .*" "\n" text "${text}")
      string(REGEX REPLACE "(^|\n)HV: [^\n]*" "" text "${text}")
      if(DEFINED VARIES)
        string(REGEX REPLACE "(^|\n)(${VARIES})[^\n]*" "" text "${text}")
      endif()
      string(REGEX REPLACE "^\n" "" text "${text}")
      set(${which}_guest "${text}")
    endforeach()
    if(NOT out_guest STREQUAL qout_guest)
      message(FATAL_ERROR "guest console differs\n--- hcallsim:\n${out}\n--- qemu:\n${qout}\n"
                          "--- hcallsim stderr:\n${err}\n--- qemu stderr:\n${qerr}")
    endif()
    if(NOT qout MATCHES "EXIT: STATUS=([0-9]+)")
      message(FATAL_ERROR "no exit status under QEMU (rc ${qrc}):\n${qout}\n${qerr}")
    endif()
    if(NOT rc STREQUAL CMAKE_MATCH_1)
      message(FATAL_ERROR "exit status differs: hcallsim ${rc}, QEMU guest ${CMAKE_MATCH_1}\n"
                          "${out}\n${err}")
    endif()
    message(STATUS "identical guest console, exit status ${rc}:\n${out_guest}")
    return()
  endif()

  hcallsim_expect_check()
  return()
endif()

# --- project mode: register the tests ------------------------------------------------------------
# (tools/CMakeLists.txt embeds the firmware and the seed guest into the binary.)

# A guest with 64 MiB of .bss: fits a 128 MiB partition, not a 32 MiB one.
set(RUN_IMAGE_DIR ${CMAKE_CURRENT_BINARY_DIR}/run-images)
file(MAKE_DIRECTORY ${RUN_IMAGE_DIR})
file(WRITE ${RUN_IMAGE_DIR}/big_guest.S
     ".text\n.globl _start\n_start: b .\n.bss\n.space 0x4000000\n")
add_custom_command(OUTPUT ${RUN_IMAGE_DIR}/big_guest.elf
  COMMAND ${PPC64_CC} ${PPC64_ASFLAGS} -c ${RUN_IMAGE_DIR}/big_guest.S -o ${RUN_IMAGE_DIR}/big_guest.o
  COMMAND ${PPC64_LD} -m elf64ppc -static -nostdlib -Ttext=0x400000 -e _start
          -o ${RUN_IMAGE_DIR}/big_guest.elf ${RUN_IMAGE_DIR}/big_guest.o
  DEPENDS ${RUN_IMAGE_DIR}/big_guest.S VERBATIM)
add_custom_target(run_test_images ALL DEPENDS ${RUN_IMAGE_DIR}/big_guest.elf)

set(RUN_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
set(RUN_ELSEWHERE ${CMAKE_CURRENT_BINARY_DIR}/run-elsewhere) # not the build tree's top

# Must-show 1: no arguments, from another directory: the seed's H_PUT_TCE path and its segments,
# H_SUCCESS in the guest, the value in the TCE table.
hcallsim_run_expect(run_seed_demo "integration;run" ${RUN_ELSEWHERE} 0 ""
  "-DEXPECT=H_PUT_TCE liobn=0x10000000 ioba=0x2000 tce=0x12345003: rc=0 \\(H_SUCCESS\\);\
H_GET_TCE liobn=0x10000000 ioba=0x2000: rc=0 tce=0x12345003;\
HV: TCE liobn=0x10000000 ioba=0x2000 tce=0x12345003;\
H_PUT_TCE \\(0x20\\) real-mode fast path +x1;\
system_call_pSeries +9 +[0-9]+ +[0-9.]+\n +do_kvm_0xc00 +8 +[0-9]+ +[0-9.]+\n\
 +kvmppc_interrupt +54 +[0-9]+ +[0-9.]+\n +hcall_try_real_mode +15 +[0-9]+ +[0-9.]+\n\
 +kvmppc_h_put_tce +[0-9]+ +[0-9]+ +[0-9.]+\n +hcall_try_real_mode +7 +[0-9]+ +[0-9.]+\n\
 +fast_guest_return +27 +[0-9]+ +[0-9.]+\n")
hcallsim_run_expect(run_hcall_all "integration;run" ${RUN_ELSEWHERE} 0 "${GUEST_DIR}/hcall_all.elf"
  "-DEXPECT=hcall_all: 0 failures;EXIT: STATUS=0;PASS H_CEDE idles;PASS illegal instruction reflected"
  -DREJECT=FAIL)
hcallsim_run_expect(run_problem_sc "integration;run" ${RUN_ELSEWHERE} 0 "${GUEST_DIR}/problem_sc.elf"
  "-DEXPECT=PASS sc 1 from problem state reflected;PASS results delivered to problem state"
  -DREJECT=FAIL)
# Must-show 3: the pseries guest (also compared with QEMU below).
hcallsim_run_expect(run_pseries_hello "integration;run" ${RUN_ELSEWHERE} 0 "${GUEST_DIR}/pseries_hello.elf --append 'hello world'"
  "-DEXPECT=compatible \"qemu,pseries\";bootargs \"hello world\";PASS RTAS get-time-of-day;\
pseries_hello: 0 failures" -DREJECT=FAIL)
hcallsim_run_expect(run_pseries_hello_32m "integration;run" ${RUN_ELSEWHERE} 0 "${GUEST_DIR}/pseries_hello.elf --mem 32M"
  "-DEXPECT=FDT at 0x1e00000;memory@0: 32 MiB;bootargs \"\"")
hcallsim_run_expect(run_guest_status "integration;run" ${RUN_ELSEWHERE} 7 "${GUEST_DIR}/pseries_hello.elf --append exit=7"
  "-DEXPECT=EXIT: STATUS=7")
hcallsim_run_expect(run_guest_status_above_63 "integration;run" ${RUN_ELSEWHERE} 63 "${GUEST_DIR}/pseries_hello.elf --append exit=100"
  "-DSTDERR_REGEX=^hcallsim run: guest exit status 100 is outside 0..63: exiting with 63\n$")
hcallsim_run_expect(run_firmware_file "integration;run" ${RUN_ELSEWHERE} 0 "--firmware ${HV_ELF} --mem 64M"
  "-DEXPECT=RMOR 0x4000000 RMA 0x4000000;EXIT: STATUS=0")
hcallsim_run_expect(run_budget "integration;run" ${RUN_ELSEWHERE} 67 "--max-insns 5000"
  "-DSTDERR_REGEX=^hcallsim run: --max-insns 5000 spent before the guest powered off at PC 0x[0-9a-f]+ \\((firmware|guest) [._A-Za-z0-9]+(\\+0x[0-9a-f]+)?\\)\n$")
# --trace: per-instruction records with firmware and guest symbols and the model's cycle (the
# first guest hcall comes after ~108K records: bounded by --max-insns to keep the output small).
hcallsim_run_expect(run_trace "integration;run" ${RUN_ELSEWHERE} 67 "--max-insns 108300 --trace -"
  "-DEXPECT=H--- 0000000000000010 [0-9a-f]+ hv_entry ;---- 0000000000400370 7c421378 plpar_hcall_norets \"or +r2,r2,r2\" cyc=[0-9]+;system_call_pSeries ;# end [0-9]+ records")
hcallsim_run_expect(run_trace_full_alone "integration;run" ${RUN_ELSEWHERE} 64 "--trace-full")
hcallsim_run_expect(run_trace_uncreatable "integration;run" ${RUN_ELSEWHERE} 66 "--trace ${RUN_ELSEWHERE}/no-such-dir/t")
hcallsim_run_expect(run_help "integration;run" ${RUN_ELSEWHERE} 0 "--help" "-DEXPECT=^usage: hcallsim run" "-DSTDERR_REGEX=^$")
# Bad input: refused with one line before anything runs.
hcallsim_run_expect(run_not_powerpc "integration;run" ${RUN_ELSEWHERE} 65 "$<TARGET_FILE:hcallsim>" "-DSTDERR_REGEX=hcallsim run: .*PowerPC64")
hcallsim_run_expect(run_truncated "integration;run" ${RUN_ELSEWHERE} 65 "${RUN_ELSEWHERE}/truncated.elf"
  "-DTRUNCATE=${GUEST_DIR}/tce_demo.elf:${RUN_ELSEWHERE}/truncated.elf:200"
  "-DSTDERR_REGEX=truncated")
hcallsim_run_expect(run_does_not_fit "integration;run" ${RUN_ELSEWHERE} 65 "${RUN_IMAGE_DIR}/big_guest.elf --mem 32M"
  "-DSTDERR_REGEX=big_guest.elf: .*the whole 30 MiB guest space")
hcallsim_run_expect(run_big_guest_fits "integration;run" ${RUN_ELSEWHERE} 67 "${RUN_IMAGE_DIR}/big_guest.elf --mem 128M --max-insns 100000"
  "-DSTDERR_REGEX=\\(guest _start\\)")
hcallsim_run_expect(run_missing_guest "integration;run" ${RUN_ELSEWHERE} 66 "${RUN_ELSEWHERE}/no-such-guest.elf")
hcallsim_run_expect(run_guest_directory "integration;run" ${RUN_ELSEWHERE} 66 "${RUN_ELSEWHERE}")
hcallsim_run_expect(run_missing_firmware "integration;run" ${RUN_ELSEWHERE} 66 "--firmware ${RUN_ELSEWHERE}/no-such-hv.elf")
hcallsim_run_expect(run_firmware_raw_image "integration;run" ${RUN_ELSEWHERE} 65 "--firmware ${HV_BIN}" "-DSTDERR_REGEX=hv.bin")
hcallsim_run_expect(run_two_guests "integration;run" ${RUN_ELSEWHERE} 64 "a.elf b.elf")
hcallsim_run_expect(run_unknown_option "integration;run" ${RUN_ELSEWHERE} 64 "--frobnicate")
hcallsim_run_expect(run_append_without_value "integration;run" ${RUN_ELSEWHERE} 64 "--append")
hcallsim_run_expect(run_mem_not_an_rma_size "integration;run" ${RUN_ELSEWHERE} 64 "--mem 48M")
hcallsim_run_expect(run_mem_too_big "integration;run" ${RUN_ELSEWHERE} 64 "--mem 256G")
hcallsim_run_expect(run_max_insns_zero "integration;run" ${RUN_ELSEWHERE} 64 "--max-insns 0")

# Must-show 3 against the reference: the same guest ELF under qemu-system-ppc64 -M pseries with
# the minimal boot ROM; same guest console (except the clock line) and exit status.
if(QEMU_SYSTEM_PPC64)
  add_test(NAME run_pseries_hello_vs_qemu
           COMMAND ${CMAKE_COMMAND} -DMODE=qemu -DHCALLSIM=$<TARGET_FILE:hcallsim>
                   -DQEMU=${QEMU_SYSTEM_PPC64} -DROM=${GUEST_PSERIES_ROM}
                   -DGUEST=${GUEST_DIR}/pseries_hello.elf "-DAPPEND=hello pseries exit=3"
                   "-DARGS=${GUEST_DIR}/pseries_hello.elf --mem 256M --append 'hello pseries exit=3'"
                   "-DVARIES=TOD |GUEST: FDT at" -DWORKDIR=${RUN_ELSEWHERE} -P ${RUN_SCRIPT})
  set_tests_properties(run_pseries_hello_vs_qemu PROPERTIES LABELS "integration;run;qemu"
                       TIMEOUT 120)
endif()

# tests/unit/test_run.c runs the system code of `hcallsim run` with the real firmware.
if(TARGET test_run)
  target_sources(test_run PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim/hv_system.c
                                  ${CMAKE_SOURCE_DIR}/tools/hcallsim/bootparams.c)
  target_include_directories(test_run PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim)
  target_link_libraries(test_run PRIVATE hv_layout)
  target_compile_definitions(test_run PRIVATE HCALLSIM_TEST_HV_ELF="${HV_ELF}")
  add_dependencies(test_run hv_firmware)
endif()
