# The checks of the `expect` script modes of bios.cmake and run.cmake, in one place.
#
# hcallsim_expect_check() compares the command the script ran -- its exit status `rc`, stdout
# `out` and stderr `err`, variables of the caller -- with the test's -D settings:
#   STATUS        the exit status (required)
#   EXPECTED      a file stdout must equal
#   EXPECT        regexes stdout must match (a list); REJECT: regexes it must not match
#   STDOUT_REGEX  a regex stdout must match; STDERR_REGEX: one stderr must match
# Rejected input (status 64-66) must print exactly one stderr line and nothing on stdout.
#
# tests/CMakeLists.txt includes every integration/*.cmake in project mode too: this file only
# defines the function.
function(hcallsim_expect_check)
  set(both "stdout:\n${out}\nstderr:\n${err}")
  if(NOT rc STREQUAL STATUS)
    message(FATAL_ERROR "exit status ${rc}, expected ${STATUS}\n${both}")
  endif()
  if(DEFINED EXPECTED)
    file(READ ${EXPECTED} expected_out)
    if(NOT out STREQUAL expected_out)
      message(FATAL_ERROR "stdout differs from ${EXPECTED}:\n${both}")
    endif()
  endif()
  foreach(regex IN LISTS EXPECT)
    if(NOT out MATCHES "${regex}")
      message(FATAL_ERROR "stdout does not match '${regex}':\n${both}")
    endif()
  endforeach()
  if(DEFINED STDOUT_REGEX AND NOT out MATCHES "${STDOUT_REGEX}")
    message(FATAL_ERROR "stdout does not match '${STDOUT_REGEX}':\n${both}")
  endif()
  foreach(regex IN LISTS REJECT)
    if(out MATCHES "${regex}")
      message(FATAL_ERROR "stdout matches '${regex}':\n${both}")
    endif()
  endforeach()
  if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
    message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}':\n${err}")
  endif()
  if(STATUS GREATER_EQUAL 64 AND STATUS LESS_EQUAL 66)
    string(REGEX MATCHALL "\n" newlines "${err}")
    list(LENGTH newlines lines)
    if(NOT out STREQUAL "" OR NOT lines EQUAL 1)
      message(FATAL_ERROR "rejected input must give one stderr line and no output:\n${both}")
    endif()
  endif()
  message(STATUS "exit status ${rc}; stderr: ${err}")
endfunction()
