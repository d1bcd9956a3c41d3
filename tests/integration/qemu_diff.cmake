# Differential tests against qemu-system-ppc64 -M powernv8 (tools/qemu-diff, issue 6 item 5), run
# only when QEMU and python3 are installed.  Both build bare-metal images themselves (no cross
# toolchain) and run them under `hcallsim bios` and QEMU.
#   qemu_diff_random     a short fixed-seed run of the random differential test (about 10 s);
#                        the long run is documented in docs/qemu-divergences.md
#   qemu_diff_reserved   every table row's reserved column against the bits QEMU 7.2 rejects, and
#                        every opcode 4/59/60/63 word with operand fields 0 (undefined: HEA)
find_program(PYTHON3_EXECUTABLE python3)
if(QEMU_SYSTEM_PPC64 AND PYTHON3_EXECUTABLE)
  set(QEMU_DIFF_DIR ${PROJECT_SOURCE_DIR}/tools/qemu-diff)
  add_test(NAME qemu_diff_random
           COMMAND ${PYTHON3_EXECUTABLE} ${QEMU_DIFF_DIR}/qdiff.py --hcallsim $<TARGET_FILE:hcallsim>
                   --qemu ${QEMU_SYSTEM_PPC64} --seed 1 --images 3 --blocks 1500 --insns 50
                   --run-timeout 50)
  add_test(NAME qemu_diff_reserved
           COMMAND ${PYTHON3_EXECUTABLE} ${QEMU_DIFF_DIR}/probe_reserved.py
                   --hcallsim $<TARGET_FILE:hcallsim> --qemu ${QEMU_SYSTEM_PPC64} --check-table
                   --opcode-space)
  set_tests_properties(qemu_diff_random qemu_diff_reserved
                       PROPERTIES LABELS "integration;qemu" TIMEOUT 120)
endif()
