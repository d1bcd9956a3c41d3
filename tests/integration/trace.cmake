# Traces: `hcallsim bios --trace` diffed with `hcallsim tracediff` against the QEMU reference logs
# in traces/ (always), against logs QEMU records at test time (when QEMU is installed), and the
# command's handling of bad input.
#
# This file has two roles: tests/CMakeLists.txt includes it to register the tests, and each test
# runs it again as a script (cmake -P).

if(CMAKE_SCRIPT_MODE_FILE)
  # --- script mode ---------------------------------------------------------------------------
  # NAME, IMAGE, LOADS ("FILE@ADDR ..."), HCALLSIM, OUT (a directory) for every mode but cli;
  # MODE=reference: trace IMAGE under hcallsim, diff with REF (its inputs must match MANIFEST).
  # MODE=qemu: record a QEMU log with QEMU_TRACE into OUT, trace under hcallsim, diff.
  # MODE=record: record REF with QEMU_TRACE and write MANIFEST unless they are current (the
  # trace_references target).
  # MODE=cli: bad-input and verdict cases of `hcallsim tracediff` (REF: a reference log).
  separate_arguments(loads UNIX_COMMAND "${LOADS}")
  set(load_args)
  set(inputs ${IMAGE})
  foreach(l ${loads})
    list(APPEND load_args --load ${l})
    string(REGEX REPLACE "@[^@]*$" "" f "${l}")
    list(APPEND inputs ${f})
  endforeach()

  # "sha256  name" per input, in order.
  function(input_manifest out)
    set(text "")
    foreach(f ${inputs})
      file(SHA256 ${f} sum)
      get_filename_component(n ${f} NAME)
      string(APPEND text "${sum}  ${n}\n")
    endforeach()
    set(${out} "${text}" PARENT_SCOPE)
  endfunction()

  function(run_hcallsim trace)
    execute_process(COMMAND ${HCALLSIM} bios ${IMAGE} ${load_args} --max-insns 100000000
                            --trace ${trace}
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 600)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "hcallsim bios exited with ${rc}: ${err}")
    endif()
  endfunction()

  function(diff_traces a b)
    execute_process(COMMAND ${HCALLSIM} tracediff ${a} ${b} --all
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "tracediff exited with ${rc}:\n${out}${err}")
    endif()
    message(STATUS "${out}")
  endfunction()

  function(record_qemu log)
    execute_process(COMMAND ${QEMU_TRACE} --qemu ${QEMU} --timeout 300 -o ${log} ${IMAGE}
                            ${load_args}
                    RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 600)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "qemu-trace exited with ${rc}: ${err}")
    endif()
  endfunction()

  if(MODE STREQUAL "reference")
    input_manifest(now)
    file(READ ${MANIFEST} then)
    if(NOT now STREQUAL then)
      message(FATAL_ERROR "stale reference ${REF}: the images changed since it was recorded\n"
                          "recorded:\n${then}now:\n${now}"
                          "re-record with: cmake --build BUILD --target trace_references")
    endif()
    run_hcallsim(${OUT}/${NAME}.trace.gz)
    diff_traces(${OUT}/${NAME}.trace.gz ${REF})
  elseif(MODE STREQUAL "qemu")
    # Its own trace file: trace_reference_NAME may run at the same time (ctest -j).
    record_qemu(${OUT}/${NAME}.qemu.log.gz)
    run_hcallsim(${OUT}/${NAME}.vs-qemu.trace.gz)
    diff_traces(${OUT}/${NAME}.vs-qemu.trace.gz ${OUT}/${NAME}.qemu.log.gz)
  elseif(MODE STREQUAL "record")
    # A re-recording differs in its time-based values only: keep references that are current.
    input_manifest(now)
    if(EXISTS ${REF} AND EXISTS ${MANIFEST})
      file(READ ${MANIFEST} then)
      if(now STREQUAL then)
        message(STATUS "${REF} is up to date (delete ${NAME}.inputs to re-record it)")
        return()
      endif()
    endif()
    record_qemu(${REF})
    file(WRITE ${MANIFEST} "${now}")
    message(STATUS "recorded ${REF}")
  elseif(MODE STREQUAL "cli")
    # expect(status regex args...): `hcallsim tracediff args` exits with status and its
    # stdout+stderr match regex; the last stdout line always counts the records compared.
    function(expect status regex)
      execute_process(COMMAND ${HCALLSIM} tracediff ${ARGN} RESULT_VARIABLE rc
                      OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
      if(NOT rc STREQUAL status OR NOT "${err}${out}" MATCHES "${regex}")
        message(FATAL_ERROR "tracediff ${ARGN}: exit ${rc} (expected ${status}), output should "
                            "match '${regex}':\n${err}${out}")
      endif()
      if(NOT status EQUAL 64 AND NOT status EQUAL 66)
        if(NOT out MATCHES "tracediff: [0-9]+ records compared: [^\n]*\n$")
          message(FATAL_ERROR "the last line does not count the records:\n${out}")
        endif()
      endif()
    endfunction()
    set(d ${OUT}/cli)
    file(MAKE_DIRECTORY ${d})
    execute_process(COMMAND gzip -dc ${REF} OUTPUT_FILE ${d}/ref.log RESULT_VARIABLE rc)
    run_hcallsim(${d}/ours.trace)
    file(READ ${d}/ours.trace ours)
    file(WRITE ${d}/empty "")
    file(WRITE ${d}/foreign.txt "Lorem ipsum dolor sit amet.\nNot a trace at all.\n")
    # Our trace cut in the middle (no end line), QEMU's log cut inside a dump and at a record.
    string(LENGTH "${ours}" n)
    math(EXPR half "${n} / 2")
    string(SUBSTRING "${ours}" 0 ${half} cut)
    file(WRITE ${d}/cut.trace "${cut}")
    file(STRINGS ${d}/ref.log ref_lines)
    list(LENGTH ref_lines nref)
    math(EXPR keep "${nref} - 5")
    list(SUBLIST ref_lines 0 ${keep} head)
    list(JOIN head "\n" head)
    file(WRITE ${d}/cut_dump.log "${head}\n")
    math(EXPR keep "${nref} - 19 * 10")
    list(SUBLIST ref_lines 0 ${keep} head)
    list(JOIN head "\n" head)
    file(WRITE ${d}/short.log "${head}\n")
    # A register changed in the middle of the reference log: a divergence naming it.
    string(REPLACE "GPR24 0000000000000337" "GPR24 0000000000000338" changed "${head}")
    file(WRITE ${d}/changed.log "${changed}\n")
    execute_process(COMMAND gzip -9 -c ${d}/ours.trace OUTPUT_FILE ${d}/ours.trace.gz)

    expect(0 "tracediff: [0-9]+ records compared: equivalent\n$" ${d}/ours.trace ${REF})
    expect(0 "equivalent" ${d}/ref.log ${d}/ours.trace.gz)
    expect(0 "equivalent" ${d}/ours.trace ${d}/ours.trace)
    expect(1 "ends there, [^ ]+ goes on \\(one side is shorter\\)" ${d}/ours.trace ${d}/short.log)
    expect(1 "r24 +0000000000000337 +0000000000000338" ${d}/ours.trace ${d}/changed.log)
    expect(65 "empty: empty file: no trace records" ${d}/ours.trace ${d}/empty)
    expect(65 "foreign.txt:2: no register dump" ${d}/foreign.txt ${d}/ours.trace)
    expect(65 "cut.trace:[0-9]+: .*not equivalent" ${d}/cut.trace ${d}/ref.log)
    expect(65 "cut_dump.log:[0-9]+: truncated register dump" ${d}/ours.trace ${d}/cut_dump.log)
    expect(66 "cannot open" ${d}/ours.trace ${d}/no-such-file)
    expect(64 "expected two traces" ${d}/ours.trace)
    expect(64 "bad --context" ${d}/ours.trace ${d}/ours.trace --context x)
    execute_process(COMMAND ${HCALLSIM} tracediff --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
    if(NOT rc EQUAL 0 OR NOT out MATCHES "^usage: hcallsim tracediff")
      message(FATAL_ERROR "tracediff --help: exit ${rc}:\n${out}")
    endif()
  else()
    message(FATAL_ERROR "unknown MODE '${MODE}'")
  endif()
  return()
endif()

# --- project mode ------------------------------------------------------------------------------

set(TRACE_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
set(TRACE_REFERENCES ${CMAKE_SOURCE_DIR}/traces)
set(TRACE_OUT ${CMAKE_CURRENT_BINARY_DIR}/traces)
set(QEMU_TRACE ${CMAKE_SOURCE_DIR}/tools/qemu-trace)
file(MAKE_DIRECTORY ${TRACE_OUT})

# Scenarios: name, image, loads.  traces/NAME.qemu.log.gz is the reference, NAME.inputs the
# checksums of the images it was recorded from; TRACE_STORED have one (a few MB each), every
# scenario is recorded and diffed at test time when QEMU is installed.
set(TRACE_STORED bios_hello tce_demo problem_sc trace_scenarios)
set(TRACE_SCENARIOS bios_hello)
set(TRACE_bios_hello_IMAGE ${BIOS_IMAGE_DIR}/bios_hello.bin)
set(TRACE_bios_hello_LOADS "")
set(TRACE_bios_hello_FIXTURE "")
if(HV_BIN AND GUEST_DIR AND GUEST_BOOTPARAMS AND GUEST_DTB)
  foreach(guest tce_demo problem_sc trace_scenarios)
    list(APPEND TRACE_SCENARIOS ${guest})
    set(TRACE_${guest}_IMAGE ${HV_BIN})
    set(TRACE_${guest}_LOADS "${GUEST_BOOTPARAMS}@0x1f00000 ${GUEST_DIR}/${guest}.bin@0x2400000 \
${GUEST_DTB}@0x3f00000")
    set(TRACE_${guest}_FIXTURE firmware_images)
  endforeach()
endif()

# Firmware scenarios need the firmware and guests built first.
function(trace_fixture test name)
  if(TRACE_${name}_FIXTURE)
    set_tests_properties(${test} PROPERTIES FIXTURES_REQUIRED ${TRACE_${name}_FIXTURE})
  endif()
endfunction()

set(TRACE_RECORD_COMMANDS)
foreach(name ${TRACE_SCENARIOS})
  set(common -DNAME=${name} -DIMAGE=${TRACE_${name}_IMAGE} "-DLOADS=${TRACE_${name}_LOADS}"
             -DHCALLSIM=$<TARGET_FILE:hcallsim> -DOUT=${TRACE_OUT}
             -DREF=${TRACE_REFERENCES}/${name}.qemu.log.gz
             -DMANIFEST=${TRACE_REFERENCES}/${name}.inputs)
  if(EXISTS ${TRACE_REFERENCES}/${name}.qemu.log.gz)
    add_test(NAME trace_reference_${name}
             COMMAND ${CMAKE_COMMAND} -DMODE=reference ${common} -P ${TRACE_SCRIPT})
    set_tests_properties(trace_reference_${name} PROPERTIES LABELS "integration;trace"
                         TIMEOUT 600)
    trace_fixture(trace_reference_${name} ${name})
  endif()
  if(QEMU_SYSTEM_PPC64)
    add_test(NAME trace_qemu_${name}
             COMMAND ${CMAKE_COMMAND} -DMODE=qemu -DQEMU=${QEMU_SYSTEM_PPC64}
                     -DQEMU_TRACE=${QEMU_TRACE} ${common} -P ${TRACE_SCRIPT})
    set_tests_properties(trace_qemu_${name} PROPERTIES LABELS "integration;trace;qemu"
                         TIMEOUT 900)
    trace_fixture(trace_qemu_${name} ${name})
  endif()
  if(QEMU_SYSTEM_PPC64 AND name IN_LIST TRACE_STORED)
    list(APPEND TRACE_RECORD_COMMANDS
         COMMAND ${CMAKE_COMMAND} -DMODE=record -DQEMU=${QEMU_SYSTEM_PPC64}
                 -DQEMU_TRACE=${QEMU_TRACE} ${common} -P ${TRACE_SCRIPT})
  endif()
endforeach()

# The bad-input and verdict cases of the command, on the bare-metal reference.
add_test(NAME trace_tracediff_cli
         COMMAND ${CMAKE_COMMAND} -DMODE=cli -DNAME=bios_hello
                 -DIMAGE=${TRACE_bios_hello_IMAGE} -DHCALLSIM=$<TARGET_FILE:hcallsim>
                 -DOUT=${TRACE_OUT} -DREF=${TRACE_REFERENCES}/bios_hello.qemu.log.gz
                 -P ${TRACE_SCRIPT})
set_tests_properties(trace_tracediff_cli PROPERTIES LABELS "integration;trace" TIMEOUT 300)

# Re-records every reference in traces/ (after a change to an image): see traces/README.md.
if(TRACE_RECORD_COMMANDS)
  add_custom_target(trace_references ${TRACE_RECORD_COMMANDS}
                    DEPENDS hcallsim bios_test_images
                    COMMENT "Recording QEMU reference logs into ${TRACE_REFERENCES}" VERBATIM)
  foreach(t hv_firmware guests)
    if(TARGET ${t})
      add_dependencies(trace_references ${t})
    endif()
  endforeach()
endif()
