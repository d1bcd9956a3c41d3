# The hostile-guest suite and determinism (docs/robustness.md).
#
# tests/unit/test_hostile.c runs src/guest/hostile_*.elf on the system `hcallsim run` boots and
# checks the firmware's memory and hypervisor state around each; the tests below run the same
# guests through the command and check its documented exit status.  Determinism: two runs of
# the same images give byte-identical output (test_determinism.c in-process, and the CLI here).
if(TARGET test_hostile)
  target_sources(test_hostile PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim/hv_system.c
                                      ${CMAKE_SOURCE_DIR}/tools/hcallsim/bootparams.c)
  target_include_directories(test_hostile PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim
                                                  ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(test_hostile PRIVATE hv_layout)
  target_compile_definitions(test_hostile PRIVATE HOSTILE_HV_ELF="${HV_ELF}"
                                                  HOSTILE_GUEST_DIR="${GUEST_DIR}")
  add_dependencies(test_hostile hv_firmware guests)
  set_tests_properties(test_hostile PROPERTIES LABELS "unit;firmware;hostile" TIMEOUT 600)
endif()
if(TARGET test_determinism)
  target_sources(test_determinism PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim/hv_system.c
                                          ${CMAKE_SOURCE_DIR}/tools/hcallsim/bootparams.c)
  target_include_directories(test_determinism PRIVATE ${CMAKE_SOURCE_DIR}/tools/hcallsim)
  target_link_libraries(test_determinism PRIVATE hv_layout)
  target_compile_definitions(test_determinism PRIVATE DETERMINISM_HV_ELF="${HV_ELF}"
                                                      DETERMINISM_GUEST_DIR="${GUEST_DIR}")
  add_dependencies(test_determinism hv_firmware guests)
  set_tests_properties(test_determinism PROPERTIES LABELS "unit;firmware" TIMEOUT 600)
endif()

# `hcallsim run` on each hostile guest: the documented exit status (hcallsim_run_expect, in
# tests/CMakeLists.txt, runs integration/run.cmake's script mode to check it).
hcallsim_run_expect(hostile_run_hcalls "integration;hostile" ${CMAKE_CURRENT_BINARY_DIR}/hostile 0 "${GUEST_DIR}/hostile_hcalls.elf --mem 32M"
  "-DEXPECT=hostile_hcalls: 0 failures;EXIT: STATUS=0" -DREJECT=FAIL)
hcallsim_run_expect(hostile_run_access "integration;hostile" ${CMAKE_CURRENT_BINARY_DIR}/hostile 0 "${GUEST_DIR}/hostile_access.elf"
  "-DEXPECT=hostile_access: 0 failures;EXIT: STATUS=0" -DREJECT=FAIL)
hcallsim_run_expect(hostile_run_privileged "integration;hostile" ${CMAKE_CURRENT_BINARY_DIR}/hostile 0 "${GUEST_DIR}/hostile_privileged.elf"
  "-DEXPECT=hostile_privileged: 0 failures;EXIT: STATUS=0" -DREJECT=FAIL)
hcallsim_run_expect(hostile_run_loop "integration;hostile" ${CMAKE_CURRENT_BINARY_DIR}/hostile 67 "${GUEST_DIR}/hostile_loop.elf --max-insns 2000000"
  "-DSTDERR_REGEX=^hcallsim run: --max-insns 2000000 spent before the guest powered off at PC 0x[0-9a-f]+ \\((guest|firmware)[^\n]*\\)\n$")
hcallsim_run_expect(hostile_run_flood "integration;hostile" ${CMAKE_CURRENT_BINARY_DIR}/hostile 5 "${GUEST_DIR}/hostile_flood.elf"
  "-DEXPECT=EXIT: STATUS=1234567890123456789012345\n;EXIT: STATUS=5\n")

# The same images twice: byte-identical stdout (console and path summary) and stderr.
add_test(NAME determinism_run_twice
         COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
for i in 1 2; do SOURCE_DATE_EPOCH=1700000000 $<TARGET_FILE:hcallsim> run \
${GUEST_DIR}/hcall_all.elf >$d/out$i 2>$d/err$i || true; done; \
cmp $d/out1 $d/out2 && cmp $d/err1 $d/err2 && test -s $d/out1")
set_tests_properties(determinism_run_twice PROPERTIES LABELS "integration;determinism" TIMEOUT 300)
