# libFuzzer harnesses (tests/fuzz, docs/robustness.md) in CI: each runs a fixed number of
# executions over its checked-in corpus (seeds and every regression input), with ASan+UBSan.
# Registered only when clang can link -fsanitize=fuzzer.  The harnesses are a separate clang
# project, built by the first test into <build>/fuzz.
find_program(FUZZ_CLANG clang)
if(FUZZ_CLANG AND NOT DEFINED HCALLSIM_LIBFUZZER_WORKS)
  set(probe ${CMAKE_CURRENT_BINARY_DIR}/libfuzzer-probe.c)
  file(WRITE ${probe} "#include <stddef.h>\n#include <stdint.h>\n"
       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n")
  execute_process(COMMAND ${FUZZ_CLANG} -fsanitize=fuzzer,address,undefined ${probe}
                          -o ${CMAKE_CURRENT_BINARY_DIR}/libfuzzer-probe
                  RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(HCALLSIM_LIBFUZZER_WORKS ON CACHE INTERNAL "clang links -fsanitize=fuzzer")
  else()
    set(HCALLSIM_LIBFUZZER_WORKS OFF CACHE INTERNAL "clang links -fsanitize=fuzzer")
  endif()
endif()

if(FUZZ_CLANG AND HCALLSIM_LIBFUZZER_WORKS)
  set(FUZZ_BUILD_DIR ${CMAKE_BINARY_DIR}/fuzz)
  add_test(NAME fuzz_build
           COMMAND sh -c "cmake -S ${CMAKE_SOURCE_DIR}/tests/fuzz -B ${FUZZ_BUILD_DIR} \
-DCMAKE_C_COMPILER=${FUZZ_CLANG} >/dev/null && cmake --build ${FUZZ_BUILD_DIR} -j2")
  set_tests_properties(fuzz_build PROPERTIES LABELS "fuzz" FIXTURES_SETUP fuzz_harnesses
                       TIMEOUT 900)
  foreach(harness elf_loader raw_boot step hcall qemu_log)
    add_test(NAME fuzz_${harness}
             COMMAND ${CMAKE_SOURCE_DIR}/tools/fuzz-run ${harness} -runs=2000 -seed=1)
    set_tests_properties(fuzz_${harness} PROPERTIES LABELS "fuzz" FIXTURES_REQUIRED fuzz_harnesses
                         ENVIRONMENT "FUZZ_BUILD=${FUZZ_BUILD_DIR}" TIMEOUT 600)
  endforeach()
endif()
