# Loader fixtures: tests/fixtures/loader/ built with the cross toolchain in the ABIs the ELF
# loader must accept, plus foreign ELFs it must refuse.  `nm --synthetic` listings of each give
# test_loader an oracle for entry points and symbol addresses that does not use libelf.
find_program(PPC64_NM powerpc64-linux-gnu-nm REQUIRED)

set(LOADER_FIXTURE_SRC ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/loader)
set(LOADER_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/fixtures/loader)
file(MAKE_DIRECTORY ${LOADER_FIXTURE_DIR})

set(LOADER_FIXTURE_CFLAGS -O1 -nostdlib -ffreestanding -fno-stack-protector -fno-asynchronous-unwind-tables -Wl,--build-id=none)
# ET_EXEC images start at 1 MiB so that they fit a small test partition.
set(LOADER_EXEC_FLAGS -static -Wl,-Ttext-segment=0x100000)
set(LOADER_PIE_FLAGS -fPIE -static-pie)

set(LOADER_FIXTURE_OUTPUTS)
# loader_fixture(NAME COMPILER SOURCE flags...): NAME.elf and, for PowerPC64 images, NAME.nm.
function(loader_fixture name compiler source)
  set(elf ${LOADER_FIXTURE_DIR}/${name}.elf)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${compiler} ${LOADER_FIXTURE_CFLAGS} ${ARGN} -o ${elf} ${LOADER_FIXTURE_SRC}/${source}
    DEPENDS ${LOADER_FIXTURE_SRC}/${source} ${LOADER_FIXTURE_SRC}/firmware.lds
    COMMENT "Loader fixture ${name}.elf" VERBATIM)
  list(APPEND LOADER_FIXTURE_OUTPUTS ${elf})
  if(compiler STREQUAL "${PPC64_CC}")
    set(nm ${LOADER_FIXTURE_DIR}/${name}.nm)
    add_custom_command(OUTPUT ${nm}
      COMMAND ${PPC64_NM} --synthetic --defined-only ${elf} > ${nm}
      DEPENDS ${elf} COMMENT "Loader fixture ${name}.nm" VERBATIM)
    list(APPEND LOADER_FIXTURE_OUTPUTS ${nm})
  endif()
  set(LOADER_FIXTURE_OUTPUTS ${LOADER_FIXTURE_OUTPUTS} PARENT_SCOPE)
endfunction()

loader_fixture(be_v1_exec ${PPC64_CC} image.c -mbig -mabi=elfv1 ${LOADER_EXEC_FLAGS})
loader_fixture(be_v2_exec ${PPC64_CC} image.c -mbig -mabi=elfv2 ${LOADER_EXEC_FLAGS})
loader_fixture(le_v2_exec ${PPC64_CC} image.c -mlittle -mabi=elfv2 ${LOADER_EXEC_FLAGS})
loader_fixture(be_v1_dyn ${PPC64_CC} image.c -mbig -mabi=elfv1 ${LOADER_PIE_FLAGS})
loader_fixture(le_v2_dyn ${PPC64_CC} image.c -mlittle -mabi=elfv2 ${LOADER_PIE_FLAGS})
loader_fixture(firmware ${PPC64_CC} firmware.S -mbig -static -T ${LOADER_FIXTURE_SRC}/firmware.lds)
loader_fixture(ppc32 ${PPC64_CC} image.c -m32 -static)
loader_fixture(host ${CMAKE_C_COMPILER} image.c -static)

add_custom_target(loader_fixtures DEPENDS ${LOADER_FIXTURE_OUTPUTS})
add_dependencies(test_loader loader_fixtures)
target_compile_definitions(test_loader PRIVATE LOADER_FIXTURE_DIR="${LOADER_FIXTURE_DIR}")

# The generated trees against QEMU's own (when QEMU is installed).
if(QEMU_SYSTEM_PPC64)
  add_test(NAME fdt_matches_qemu
    COMMAND sh -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; \
      ${QEMU_SYSTEM_PPC64} -M powernv8 -display none -machine dumpdtb=$d/pnv.dtb 2>/dev/null; \
      ${QEMU_SYSTEM_PPC64} -M pseries -cpu power8 -m 256M -display none \
        -machine dumpdtb=$d/pseries.dtb 2>/dev/null; \
      $<TARGET_FILE:test_fdt> $d/pnv.dtb $d/pseries.dtb")
  set_tests_properties(fdt_matches_qemu PROPERTIES LABELS integration)
endif()
