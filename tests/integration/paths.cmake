# The path profiler (src/observe/paths.c): tests/unit/test_paths.c boots the real firmware and
# guests, so it gets the built images' paths and the firmware's layout headers.
if(TARGET test_paths AND TARGET hv_layout)
  target_compile_definitions(test_paths PRIVATE HV_ELF_PATH="${HV_ELF}" GUEST_DIR="${GUEST_DIR}"
                             GUEST_DTB_PATH="${GUEST_DTB}"
                             GUEST_BOOTPARAMS_PATH="${GUEST_BOOTPARAMS}")
  target_link_libraries(test_paths PRIVATE hv_layout)
  add_dependencies(test_paths hv_firmware guests)
  set_tests_properties(test_paths PROPERTIES LABELS "unit;firmware;paths")
endif()
# With the cycle model the test also parses the JSON report with cJSON.
if(TARGET test_paths)
  pkg_check_modules(PATHS_TEST_CJSON REQUIRED IMPORTED_TARGET libcjson)
  target_link_libraries(test_paths PRIVATE PkgConfig::PATHS_TEST_CJSON)
endif()
