# Fast-path logic tests (tests/unit/test_fastpath*.c): they run the real firmware, hv.elf as
# built, in the interpreter.  tests/CMakeLists.txt already makes each file a unit test; this
# gives those targets the firmware's path, its layout headers (hv/layout.h and the generated
# hv-offsets.h through hv_layout) and a build dependency on the firmware.
file(GLOB FASTPATH_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_fastpath*.c)
foreach(src ${FASTPATH_TESTS})
  get_filename_component(name ${src} NAME_WE)
  target_link_libraries(${name} PRIVATE hv_layout)
  target_compile_definitions(${name} PRIVATE HV_ELF_PATH="${HV_ELF}")
  add_dependencies(${name} hv_firmware)
  set_tests_properties(${name} PROPERTIES LABELS "unit;firmware")
endforeach()
