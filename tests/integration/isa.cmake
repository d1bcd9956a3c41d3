# The instruction table against the outside world: GNU objdump agreement, the disasm CLI, and
# docs/isa-coverage.md.  Included from tests/CMakeLists.txt (same scope: UNIT_TESTS is known).
set(ISA_TOOLS_DIR ${PROJECT_SOURCE_DIR}/tools/isa)
set(ISA_WORK_DIR ${CMAKE_CURRENT_BINARY_DIR}/isa)
file(MAKE_DIRECTORY ${ISA_WORK_DIR}) # isa_objdump_check creates only its own workdir

# --- the unit tests record which table rows they execute (src/cpu/coverage.c) -------------------
# coverage.c is a member of libhcallsim_cpu.a that nothing references; this pulls it (and its
# constructor, which is idle unless HCALLSIM_ROW_COVERAGE is set) into every unit test that
# executes instructions.  Tests that call insn_decode() themselves (test_decode: every row's word,
# decoded and never executed) would mark every row "tested", so they do not record.
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  file(READ ${src} unit_test_text)
  string(FIND "${unit_test_text}" "insn_decode(" decodes_directly)
  if(decodes_directly EQUAL -1)
    target_link_options(${name} PRIVATE "LINKER:--undefined=insn_row_coverage_linked")
  endif()
endforeach()

# --- tools ---------------------------------------------------------------------------------------
add_executable(isa_objdump_check ${ISA_TOOLS_DIR}/isa_objdump_check.c ${ISA_TOOLS_DIR}/isa_text.c
                                 ${ISA_TOOLS_DIR}/objdump_aliases.c)
target_link_libraries(isa_objdump_check PRIVATE hcallsim_cpu)

add_executable(isa_coverage ${ISA_TOOLS_DIR}/isa_coverage.c)
target_link_libraries(isa_coverage PRIVATE hcallsim_cpu)

# --- every table row, randomised, against powerpc64-linux-gnu-objdump -----------------------------
add_test(NAME isa_objdump_agreement
         COMMAND isa_objdump_check --as ${PPC64_AS} --objdump ${PPC64_OBJDUMP}
                 --workdir ${ISA_WORK_DIR}/objdump)
set_tests_properties(isa_objdump_agreement PROPERTIES LABELS "integration;isa")

# --- docs/isa-coverage.md is current with the table -------------------------------------------
add_test(NAME isa_coverage_doc_current
         COMMAND isa_coverage --check ${PROJECT_SOURCE_DIR}/docs/isa-coverage.md)
set_tests_properties(isa_coverage_doc_current PROPERTIES LABELS "integration;isa")

# --- hcallsim disasm ------------------------------------------------------------------------------
set(DISASM_FIXTURES ${ISA_WORK_DIR}/disasm)
add_test(NAME disasm_fixtures
         COMMAND ${ISA_TOOLS_DIR}/make_disasm_fixtures.sh ${PPC64_AS} ${PPC64_LD} ${PPC64_OBJCOPY}
                 ${DISASM_FIXTURES})
set_tests_properties(disasm_fixtures PROPERTIES FIXTURES_SETUP disasm_inputs LABELS "integration;isa")

# name, regular expression the output must match, arguments after "hcallsim disasm"
function(disasm_output_test name regex)
  add_test(NAME disasm_${name} COMMAND hcallsim disasm ${ARGN})
  set_tests_properties(disasm_${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}"
                       FIXTURES_REQUIRED disasm_inputs LABELS "integration;isa")
endfunction()

disasm_output_test(words "0000000000000004  4c000224  hrfid"
                   --words 7c0802a6 4c000224)
disasm_output_test(words_capstone "7c0802a6  mfspr   r0,LR +mflr r0" --words 7c0802a6)
disasm_output_test(words_base "0000000000001004  4c000224  hrfid"
                   --base 0x1000 --words 0x7c0802a6 4C000224)
disasm_output_test(help "usage: hcallsim disasm" --help)
disasm_output_test(elf_be
  "<_start>:\n0000000000000000  7c0802a6  mfspr   r0,LR[^\n]*\n\n0000000000000004 <loop>:\n0000000000000004  38630001  addi    r3,r3,1.*0000000000000008  4200fffc  bc      16,0,0x4.*4c000224  hrfid"
  ${DISASM_FIXTURES}/be.o)
disasm_output_test(elf_le "<loop>:\n0000000000000004  38630001  addi    r3,r3,1.*4c000224  hrfid"
                   ${DISASM_FIXTURES}/le.o)
disasm_output_test(elf_linked "0000000000001000 <_start>:\n0000000000001000  7c0802a6.*0000000000001008  4200fffc  bc      16,0,0x1004"
                   ${DISASM_FIXTURES}/be.elf)
disasm_output_test(elf_no_section_headers "segment 0:\n0000000000000000  7f454c46.*0000000000001000  7c0802a6.*000000000000100c  4c000224  hrfid"
                   ${DISASM_FIXTURES}/noshdr.elf)
disasm_output_test(raw "0000000000000100  7c0802a6.*000000000000010c  4c000224  hrfid"
                   --base 0x100 ${DISASM_FIXTURES}/raw.bin)

# name, expected exit status (tools/hcallsim/cli.h), stderr regex, arguments after "disasm"
function(disasm_error_test name status regex)
  string(REPLACE ";" "|" args "disasm;${ARGN}")
  add_test(NAME disasm_${name}
           COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:hcallsim> -DARGS=${args}
                   -DSTATUS=${status} -DSTDERR_REGEX=${regex} -P ${ISA_TOOLS_DIR}/expect_exit.cmake)
  set_tests_properties(disasm_${name} PROPERTIES FIXTURES_REQUIRED disasm_inputs
                       LABELS "integration;isa")
endfunction()

disasm_error_test(missing_file 66 "cannot read '.*nonexistent'" ${DISASM_FIXTURES}/nonexistent)
disasm_error_test(directory 66 "not a regular file" ${DISASM_FIXTURES})
disasm_error_test(odd_size 65 "neither an ELF file nor a raw image" ${DISASM_FIXTURES}/odd.bin)
disasm_error_test(bad_elf_header 65 "not a usable PowerPC ELF file: bad ELF header"
                  ${DISASM_FIXTURES}/badheader.elf)
disasm_error_test(foreign_elf 65 "machine [0-9]+ is not PowerPC" $<TARGET_FILE:isa_coverage>)
disasm_error_test(bad_hex 64 "'xyz' is not a 32-bit hex word" --words 7c0802a6 xyz)
disasm_error_test(long_hex 64 "'123456789' is not a 32-bit hex word" --words 123456789)
disasm_error_test(no_words 64 "usage" --words)
disasm_error_test(bad_base 64 "--base needs an address" --base zz --words 0)
