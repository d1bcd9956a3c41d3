# The isa-coverage target (docs/CMakeLists.txt): unit tests with row recording, then the document.
#   cmake -DCTEST=... -DBUILD_DIR=... -DHITS=... -DGENERATOR=... -DOUT=... -P regen_coverage.cmake
file(REMOVE ${HITS})
execute_process(COMMAND ${CMAKE_COMMAND} -E env HCALLSIM_ROW_COVERAGE=${HITS}
                        ${CTEST} --test-dir ${BUILD_DIR} -L unit --timeout 120 -j2
                RESULT_VARIABLE tests_status)
if(NOT tests_status EQUAL 0)
  # A failing test still executed its rows; the document says what ran.
  message(WARNING "some unit tests failed; docs/isa-coverage.md records the rows that ran")
endif()
execute_process(COMMAND ${GENERATOR} --out ${OUT} --hits ${HITS} RESULT_VARIABLE gen_status)
if(NOT gen_status EQUAL 0)
  message(FATAL_ERROR "isa_coverage could not write ${OUT}")
endif()
message(STATUS "wrote ${OUT}")
