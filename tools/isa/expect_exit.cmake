# Runs PROGRAM with ARGS ("|"-separated) and checks its exit status and its stderr:
#   cmake -DPROGRAM=... -DARGS="a|b" -DSTATUS=66 [-DSTDERR_REGEX=...] -P expect_exit.cmake
# Bad-input tests use it: a status and "one clear line" are both part of the contract.
string(REPLACE "|" ";" arg_list "${ARGS}")
execute_process(COMMAND ${PROGRAM} ${arg_list} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message("exit status ${status}; stderr: ${err}")
if(NOT status EQUAL STATUS)
  message(FATAL_ERROR "expected exit status ${STATUS}, got ${status}")
endif()
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines lines)
if(NOT lines EQUAL 1)
  message(FATAL_ERROR "expected exactly one line on stderr, got ${lines}")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}'")
endif()
