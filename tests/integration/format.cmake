# The C sources follow the project's .clang-format: a ctest fails on any formatting violation.
find_program(CLANG_FORMAT clang-format)
find_program(GIT_EXECUTABLE git)
if(CLANG_FORMAT AND GIT_EXECUTABLE AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  add_test(NAME clang_format
           COMMAND sh -c "${GIT_EXECUTABLE} ls-files -z '*.c' '*.h' | xargs -0 ${CLANG_FORMAT} --dry-run -Werror"
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(clang_format PROPERTIES LABELS "style")
endif()
