# `hcallsim bios`: bare-metal images from tests/images/ cross-built and booted under hcallsim
# (always) and under qemu-system-ppc64 -M powernv8 (when installed), plus the command's
# bad-input handling.
#
# This file has two roles: tests/CMakeLists.txt includes it to build the images and register the
# tests, and each test runs it again as a script (cmake -P) to run the commands and compare.

if(CMAKE_SCRIPT_MODE_FILE)
  # --- script mode ---------------------------------------------------------------------------
  # MODE=expect: run `HCALLSIM bios ARGS` and check it with hcallsim_expect_check (expect.cmake:
  #   STATUS, EXPECTED, STDOUT_REGEX, STDERR_REGEX...).  BIG_FILE/BIG_SIZE create a file of that
  #   size first.
  # MODE=qemu: run IMAGE under hcallsim and QEMU; stdout and exit status must be identical.
  include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)
  separate_arguments(args UNIX_COMMAND "${ARGS}")
  if(DEFINED BIG_FILE)
    execute_process(COMMAND truncate -s ${BIG_SIZE} ${BIG_FILE} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "cannot create ${BIG_FILE}")
    endif()
  endif()
  execute_process(COMMAND ${HCALLSIM} bios ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 300)
  if(MODE STREQUAL "qemu")
    execute_process(
      COMMAND timeout 120 ${QEMU} -M powernv8 -bios ${IMAGE} -display none -serial stdio
              -monitor none -no-reboot
      RESULT_VARIABLE qrc OUTPUT_VARIABLE qout ERROR_VARIABLE qerr)
    if(NOT out STREQUAL qout)
      message(FATAL_ERROR "console output differs\n--- hcallsim:\n${out}\n--- qemu:\n${qout}\n"
                          "--- hcallsim stderr:\n${err}\n--- qemu stderr:\n${qerr}")
    endif()
    if(NOT rc STREQUAL qrc)
      message(FATAL_ERROR "exit status differs: hcallsim ${rc}, qemu ${qrc}\n${err}\n${qerr}")
    endif()
    message(STATUS "identical: exit status ${rc}, ${out}")
    return()
  endif()
  hcallsim_expect_check()
  return()
endif()

# --- project mode: build the images, register the tests ----------------------------------------
set(BIOS_IMAGE_SRC ${CMAKE_CURRENT_LIST_DIR}/../images)
set(BIOS_IMAGE_DIR ${CMAKE_CURRENT_BINARY_DIR}/images)
file(MAKE_DIRECTORY ${BIOS_IMAGE_DIR})

# tests/images/NAME.S + lpc_io.S, linked at 0 with bare.lds, as a raw binary NAME.bin.
set(BIOS_IMAGES)
foreach(name bios_hello bios_checkstop)
  set(objs)
  foreach(src ${name} lpc_io)
    add_custom_command(
      OUTPUT ${BIOS_IMAGE_DIR}/${name}.${src}.o
      COMMAND ${PPC64_CC} -c -x assembler-with-cpp -Wa,-mregnames -Wa,-mpower8 -mbig
              -I${BIOS_IMAGE_SRC} -o ${BIOS_IMAGE_DIR}/${name}.${src}.o ${BIOS_IMAGE_SRC}/${src}.S
      DEPENDS ${BIOS_IMAGE_SRC}/${src}.S ${BIOS_IMAGE_SRC}/lpc_io.h
      VERBATIM)
    list(APPEND objs ${BIOS_IMAGE_DIR}/${name}.${src}.o)
  endforeach()
  add_custom_command(
    OUTPUT ${BIOS_IMAGE_DIR}/${name}.bin
    COMMAND ${PPC64_LD} -T ${BIOS_IMAGE_SRC}/bare.lds -nostdlib -o ${BIOS_IMAGE_DIR}/${name}.elf
            ${objs}
    COMMAND ${PPC64_OBJCOPY} -O binary ${BIOS_IMAGE_DIR}/${name}.elf ${BIOS_IMAGE_DIR}/${name}.bin
    DEPENDS ${objs} ${BIOS_IMAGE_SRC}/bare.lds
    VERBATIM)
  list(APPEND BIOS_IMAGES ${BIOS_IMAGE_DIR}/${name}.bin)
endforeach()
add_custom_target(bios_test_images ALL DEPENDS ${BIOS_IMAGES})

set(BIOS_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
set(HELLO ${BIOS_IMAGE_DIR}/bios_hello.bin)

# name, exit status, arguments of `hcallsim bios`, then extra -D settings for the script.
function(hcallsim_bios_test name status args)
  add_test(NAME bios_${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=expect -DHCALLSIM=$<TARGET_FILE:hcallsim>
                   -DSTATUS=${status} "-DARGS=${args}" ${ARGN} -P ${BIOS_SCRIPT})
  set_tests_properties(bios_${name} PROPERTIES LABELS "integration;bios")
endfunction()

hcallsim_bios_test(hello 0 "${HELLO} --max-insns 1000000"
                   -DEXPECTED=${BIOS_IMAGE_SRC}/bios_hello.expected)
hcallsim_bios_test(hello_small_mem 0 "${HELLO} --mem 32M --max-insns 1000000"
                   -DEXPECTED=${BIOS_IMAGE_SRC}/bios_hello.expected)
hcallsim_bios_test(hello_loaded_file 0
                   "${HELLO} --load ${HELLO}@0x2000000 --load ${HELLO}@33562624"
                   -DEXPECTED=${BIOS_IMAGE_SRC}/bios_hello.expected)
hcallsim_bios_test(budget 67 "${HELLO} --max-insns 25"
                   "-DSTDERR_REGEX=--max-insns 25 spent.*PC 0x[0-9a-f]+")
# --symbols: the image's ELF twin names the PC where the budget ran out.
hcallsim_bios_test(budget_symbols 67 "${HELLO} --symbols ${BIOS_IMAGE_DIR}/bios_hello.elf --max-insns 25"
                   "-DSTDERR_REGEX=--max-insns 25 spent.*PC 0x[0-9a-f]+ \\([A-Za-z_][A-Za-z0-9_]*(\\+0x[0-9a-f]+)?\\)")
# --cpu: the cycle model's totals after the console output; a bad profile is refused.
hcallsim_bios_test(cpu_power8 0 "${HELLO} --cpu power8"
                   "-DSTDOUT_REGEX=cycles \\(power8\\): [1-9][0-9]* instructions, [1-9][0-9]* cycles, CPI [0-9.]+")
hcallsim_bios_test(cpu_missing_profile 66 "${HELLO} --cpu ${BIOS_IMAGE_DIR}/no-such.ini")
hcallsim_bios_test(symbols_missing 66 "${HELLO} --symbols ${BIOS_IMAGE_DIR}/no-such.elf")
hcallsim_bios_test(symbols_not_elf 65 "${HELLO} --symbols ${HELLO}")
hcallsim_bios_test(checkstop 68 "${BIOS_IMAGE_DIR}/bios_checkstop.bin --max-insns 1000000"
                   "-DSTDERR_REGEX=^hcallsim bios: checkstop")
hcallsim_bios_test(help 0 "--help" "-DSTDERR_REGEX=^$")
# A 16 MiB image loads (zeros: illegal instructions until the budget runs out); one byte more
# does not.
hcallsim_bios_test(image_16mib 67 "${BIOS_IMAGE_DIR}/16mib.bin --max-insns 100"
                   -DBIG_FILE=${BIOS_IMAGE_DIR}/16mib.bin -DBIG_SIZE=16777216)
hcallsim_bios_test(image_too_big 65 "${BIOS_IMAGE_DIR}/16mib_plus1.bin"
                   -DBIG_FILE=${BIOS_IMAGE_DIR}/16mib_plus1.bin -DBIG_SIZE=16777217)
hcallsim_bios_test(image_missing 66 "${BIOS_IMAGE_DIR}/no-such-image.bin")
hcallsim_bios_test(image_directory 66 "${BIOS_IMAGE_DIR}")
hcallsim_bios_test(no_image 64 "")
hcallsim_bios_test(two_images 64 "${HELLO} ${HELLO}")
hcallsim_bios_test(unknown_option 64 "${HELLO} --frobnicate")
hcallsim_bios_test(load_missing_file 66 "${HELLO} --load ${BIOS_IMAGE_DIR}/nothing@0x2000000")
hcallsim_bios_test(load_no_address 65 "${HELLO} --load ${HELLO}")
hcallsim_bios_test(load_bad_address 65 "${HELLO} --load ${HELLO}@0x2zz")
hcallsim_bios_test(load_outside_ram 65 "${HELLO} --load ${HELLO}@0x40000000")
hcallsim_bios_test(load_past_end_of_ram 65 "${HELLO} --mem 32M --load ${HELLO}@0x1fffff0")
hcallsim_bios_test(load_overlaps_image 65 "${HELLO} --load ${HELLO}@0x100")
hcallsim_bios_test(load_overlaps_load 65
                   "${HELLO} --load ${HELLO}@0x2000000 --load ${HELLO}@0x2000010")
hcallsim_bios_test(mem_zero 64 "${HELLO} --mem 0")
hcallsim_bios_test(mem_not_4k 64 "${HELLO} --mem 32769K")
hcallsim_bios_test(mem_too_small 64 "${HELLO} --mem 16M")
hcallsim_bios_test(mem_too_big 64 "${HELLO} --mem 65G")
hcallsim_bios_test(mem_absurd 64 "${HELLO} --mem 99999999999999999999G")
hcallsim_bios_test(mem_garbage 64 "${HELLO} --mem lots")
hcallsim_bios_test(mem_bad_suffix 64 "${HELLO} --mem 1T")
hcallsim_bios_test(max_insns_zero 64 "${HELLO} --max-insns 0")
hcallsim_bios_test(max_insns_garbage 64 "${HELLO} --max-insns -5")

if(QEMU_SYSTEM_PPC64)
  add_test(NAME bios_hello_vs_qemu
           COMMAND ${CMAKE_COMMAND} -DMODE=qemu -DHCALLSIM=$<TARGET_FILE:hcallsim>
                   -DQEMU=${QEMU_SYSTEM_PPC64} -DIMAGE=${HELLO} "-DARGS=${HELLO}"
                   -P ${BIOS_SCRIPT})
  set_tests_properties(bios_hello_vs_qemu PROPERTIES LABELS "integration;bios;qemu")
endif()
