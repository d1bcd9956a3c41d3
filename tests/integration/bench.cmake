# The interpreter benchmarks (bench/, built by the top-level CMakeLists.txt; tools/bench;
# docs/performance.md) run once briefly as a ctest to prove they work.  The test checks that every
# benchmark ran to its end and printed its figures; it never judges a timing.
# valgrind cannot run ASan binaries: the sanitizer build skips the callgrind column.
set(BENCH_SMOKE_ARGS --build ${CMAKE_BINARY_DIR} --quick)
if(HCALLSIM_SANITIZE)
  list(APPEND BENCH_SMOKE_ARGS --no-callgrind)
endif()
add_test(NAME bench_smoke COMMAND ${PROJECT_SOURCE_DIR}/tools/bench ${BENCH_SMOKE_ARGS})
set_tests_properties(bench_smoke PROPERTIES LABELS "integration;bench" TIMEOUT 600
                     PASS_REGULAR_EXPRESSION "benchmarks complete")
