# `hcallsim run` with the cycle model: --cpu, the path table's cycles, and the reports
# (--report JSON, --folded, --pipeview Kanata).
#
# Two roles, like run.cmake: tests/CMakeLists.txt includes this file to register the tests, and each
# test runs it again as a script (cmake -P) with MODE set.

if(CMAKE_SCRIPT_MODE_FILE)
  # --- script mode ---------------------------------------------------------------------------
  file(REMOVE_RECURSE ${WORKDIR})
  file(MAKE_DIRECTORY ${WORKDIR})

  # Runs `hcallsim run ARGS...` in WORKDIR into out/err/rc.
  function(hcallsim_run)
    execute_process(COMMAND ${HCALLSIM} run ${ARGN} WORKING_DIRECTORY ${WORKDIR}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
    set(rc "${rc}" PARENT_SCOPE)
    set(out "${out}" PARENT_SCOPE)
    set(err "${err}" PARENT_SCOPE)
  endfunction()

  function(expect_status want)
    if(NOT rc STREQUAL want)
      message(FATAL_ERROR "exit status ${rc}, expected ${want}\nstdout:\n${out}\nstderr:\n${err}")
    endif()
  endfunction()

  # The H_PUT_TCE fast path's total cycles from the path table.
  function(put_tce_total var)
    if(NOT out MATCHES "H_PUT_TCE \\(0x20\\) real-mode fast path +x1\n[^\n]*\n(    [^\n]*\n)*    total +[0-9]+ +([0-9]+) ")
      message(FATAL_ERROR "no H_PUT_TCE total in:\n${out}")
    endif()
    set(${var} ${CMAKE_MATCH_2} PARENT_SCOPE)
  endfunction()

  if(MODE STREQUAL "profiles")
    # Must-show: power7 prints the seed's H_PUT_TCE path with cycles per segment; power8 and
    # power9 give different figures.
    foreach(cpu power7 power8 power9)
      hcallsim_run(--cpu ${cpu})
      expect_status(0)
      # after the instruction count: cycles and CPI
      set(seg " +[0-9]+ +[0-9]+\\.[0-9][0-9]\n")
      if(NOT out MATCHES "cycle model ${cpu} \\(per segment: firmware instructions, cycles, CPI"
         OR NOT out MATCHES "H_PUT_TCE \\(0x20\\) real-mode fast path +x1\n +insns +cycles +CPI\n\
 +system_call_pSeries +9${seg} +do_kvm_0xc00 +8${seg} +kvmppc_interrupt +54${seg}\
 +hcall_try_real_mode +15${seg} +kvmppc_h_put_tce +[0-9]+${seg} +hcall_try_real_mode +7${seg}\
 +fast_guest_return +27${seg} +total +[0-9]+${seg} +entry \\(sc 1\\) +[0-9]+ +not in the total\n\
 +stalls: [a-z]")
        message(FATAL_ERROR "--cpu ${cpu}: no H_PUT_TCE table with cycles:\n${out}")
      endif()
      put_tce_total(total_${cpu})
      message(STATUS "${cpu}: H_PUT_TCE real-mode fast path ${total_${cpu}} cycles")
    endforeach()
    if(total_power7 EQUAL total_power8 OR total_power8 EQUAL total_power9
       OR total_power7 EQUAL total_power9)
      message(FATAL_ERROR "the profiles agree: ${total_power7} ${total_power8} ${total_power9}")
    endif()
    # without --cpu: the default profile
    hcallsim_run()
    put_tce_total(total_default)
    if(NOT total_default EQUAL total_power8 OR NOT out MATCHES "cycle model power8")
      message(FATAL_ERROR "the default is not power8:\n${out}")
    endif()
    return()
  endif()

  if(MODE STREQUAL "bad_profile")
    # PROFILE: a built-in profile's text with EDIT (a regex) replaced by WITH, under a new name.
    file(READ ${PROFILE} text)
    string(REGEX REPLACE "${EDIT}" "${WITH}" edited "${text}")
    if(edited STREQUAL text)
      message(FATAL_ERROR "'${EDIT}' changed nothing")
    endif()
    file(WRITE ${WORKDIR}/bad.ini "${edited}")
    hcallsim_run(--cpu bad.ini --report out.json --folded out.folded --pipeview out.kanata)
    expect_status(65)
    if(NOT err MATCHES "^hcallsim run: bad\\.ini:[0-9]+: ${STDERR_REGEX}[^\n]*\n$")
      message(FATAL_ERROR "stderr is not one line naming file, line and parameter:\n${err}")
    endif()
    file(GLOB left ${WORKDIR}/out*)
    if(NOT out STREQUAL "" OR left)
      message(FATAL_ERROR "something ran or was written:\nstdout:\n${out}\nfiles: ${left}")
    endif()
    message(STATUS "${err}")
    return()
  endif()

  if(MODE STREQUAL "reports")
    hcallsim_run(--report paths.json --folded paths.folded --pipeview run.kanata
                 --pipeview-limit 5000)
    expect_status(0)
    file(GLOB files RELATIVE ${WORKDIR} ${WORKDIR}/*)
    list(SORT files)
    if(NOT files STREQUAL "paths.folded;paths.json;run.kanata")
      message(FATAL_ERROR "files written: ${files}")
    endif()

    # JSON: keys and sums (cmake's own JSON parser; test_paths parses it with cJSON)
    file(READ ${WORKDIR}/paths.json json)
    string(JSON profile GET "${json}" profile name)
    string(JSON run_cycles GET "${json}" totals cycles)
    string(JSON kinds LENGTH "${json}" paths)
    if(NOT profile STREQUAL "power8" OR kinds LESS 3)
      message(FATAL_ERROR "profile ${profile}, ${kinds} kinds")
    endif()
    set(stall_keys dependency serialisation context-sync mispredict icache-miss dcache-miss)
    set(paths_cycles 0)
    math(EXPR last "${kinds} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${json}" paths ${i} name)
      foreach(key hcall outcome count instructions cpi entry_cycles)
        string(JSON ignored GET "${json}" paths ${i} ${key})
      endforeach()
      string(JSON cycles GET "${json}" paths ${i} cycles total)
      string(JSON entry GET "${json}" paths ${i} entry_cycles total)
      math(EXPR paths_cycles "${paths_cycles} + ${cycles} + ${entry}")
      set(stalls 0)
      foreach(key ${stall_keys})
        string(JSON n GET "${json}" paths ${i} stall_cycles ${key})
        math(EXPR stalls "${stalls} + ${n}")
      endforeach()
      if(stalls GREATER cycles)
        message(FATAL_ERROR "${name}: stalls ${stalls} > cycles ${cycles}")
      endif()
      string(JSON segments LENGTH "${json}" paths ${i} segments)
      math(EXPR seg_last "${segments} - 1")
      set(sum 0)
      foreach(j RANGE ${seg_last})
        string(JSON n GET "${json}" paths ${i} segments ${j} cycles total)
        math(EXPR sum "${sum} + ${n}")
      endforeach()
      if(NOT sum EQUAL cycles)
        message(FATAL_ERROR "${name}: segments ${sum} cycles, path ${cycles}")
      endif()
    endforeach()
    if(paths_cycles GREATER run_cycles)
      message(FATAL_ERROR "paths ${paths_cycles} cycles > run ${run_cycles}")
    endif()

    # folded: every line "path;segment N", summing to the paths' cycles and entries
    # (';' separates cmake list items: the frames' separator is read as '|')
    file(READ ${WORKDIR}/paths.folded folded)
    string(REPLACE ";" "|" folded "${folded}")
    string(REGEX REPLACE "\n$" "" folded "${folded}")
    string(REPLACE "\n" ";" lines "${folded}")
    set(sum 0)
    foreach(line IN LISTS lines)
      if(NOT line MATCHES "^[^|]+\\|[^|]+ ([0-9]+)$")
        message(FATAL_ERROR "bad folded line '${line}'")
      endif()
      math(EXPR sum "${sum} + ${CMAKE_MATCH_1}")
    endforeach()
    if(NOT sum EQUAL paths_cycles)
      message(FATAL_ERROR "folded lines sum to ${sum}, the paths to ${paths_cycles}")
    endif()
    if(NOT ";${lines};" MATCHES ";H_PUT_TCE \\(0x20\\) real-mode fast path\\|kvmppc_interrupt [0-9]+;")
      message(FATAL_ERROR "no H_PUT_TCE;kvmppc_interrupt line:\n${lines}")
    endif()

    # Kanata: the header, 5000 instructions each opened once and retired once
    file(STRINGS ${WORKDIR}/run.kanata first LIMIT_COUNT 2)
    if(NOT first MATCHES "^Kanata\t0004;C=\t[0-9]+$")
      message(FATAL_ERROR "Kanata header: ${first}")
    endif()
    file(STRINGS ${WORKDIR}/run.kanata opened REGEX "^I\t")
    file(STRINGS ${WORKDIR}/run.kanata retired REGEX "^R\t")
    list(LENGTH opened n_opened)
    list(LENGTH retired n_retired)
    list(TRANSFORM opened REPLACE "^I\t([0-9]+)\t.*" "\\1")
    list(TRANSFORM retired REPLACE "^R\t([0-9]+)\t.*" "\\1")
    list(SORT opened COMPARE NATURAL)
    list(SORT retired COMPARE NATURAL)
    if(NOT n_opened EQUAL 5000 OR NOT opened STREQUAL retired)
      message(FATAL_ERROR "${n_opened} I records, ${n_retired} R records, not matching")
    endif()
    message(STATUS "JSON ${kinds} kinds, folded ${sum} cycles, Kanata ${n_opened} instructions")
    return()
  endif()

  if(MODE STREQUAL "expect")
    # ARGS; STATUS; EXPECT (a regex on stdout); STDERR_REGEX; ABSENT and PRESENT (files that
    # must not / must exist, separated by commas: add_test would split a ';' list into arguments)
    string(REPLACE "," ";" ABSENT "${ABSENT}")
    string(REPLACE "," ";" PRESENT "${PRESENT}")
    separate_arguments(args UNIX_COMMAND "${ARGS}")
    hcallsim_run(${args})
    expect_status(${STATUS})
    if(DEFINED EXPECT AND NOT out MATCHES "${EXPECT}")
      message(FATAL_ERROR "stdout does not match '${EXPECT}':\n${out}\nstderr:\n${err}")
    endif()
    if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
      message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}':\n${err}")
    endif()
    foreach(f IN LISTS ABSENT)
      if(EXISTS ${WORKDIR}/${f})
        message(FATAL_ERROR "${f} was written")
      endif()
    endforeach()
    foreach(f IN LISTS PRESENT)
      if(NOT EXISTS ${WORKDIR}/${f})
        message(FATAL_ERROR "${f} was not written")
      endif()
    endforeach()
    message(STATUS "exit status ${rc}; stderr: ${err}")
    return()
  endif()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

# --- project mode: register the tests ------------------------------------------------------------
set(REPORT_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
set(REPORT_WORKDIR ${CMAKE_CURRENT_BINARY_DIR}/report-tests)
function(hcallsim_report_test name mode)
  add_test(NAME report_${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=${mode} -DHCALLSIM=$<TARGET_FILE:hcallsim>
                   -DWORKDIR=${REPORT_WORKDIR}/${name} ${ARGN} -P ${REPORT_SCRIPT})
  set_tests_properties(report_${name} PROPERTIES LABELS "integration;run;report" TIMEOUT 300)
endfunction()

hcallsim_report_test(profiles profiles)
hcallsim_report_test(files reports)

# Bad input: a profile with a missing, unknown or out-of-range parameter -> 65, one line naming
# the file, the line and the parameter, nothing run, no report written.
set(P8 ${PROJECT_SOURCE_DIR}/profiles/power8.ini)
hcallsim_report_test(missing_parameter bad_profile -DPROFILE=${P8} "-DEDIT=\nmul = [^\n]*"
                     -DWITH= "-DSTDERR_REGEX=missing parameter 'latency\\.mul'")
hcallsim_report_test(unknown_parameter bad_profile -DPROFILE=${P8} "-DEDIT=\nmul = "
                     "-DWITH=\nmull = 4\nmul = " "-DSTDERR_REGEX=unknown parameter 'latency\\.mull'")
hcallsim_report_test(out_of_range bad_profile -DPROFILE=${P8} "-DEDIT=dispatch_width = 8"
                     "-DWITH=dispatch_width = 99"
                     "-DSTDERR_REGEX=parameter 'pipeline\\.dispatch_width' = 99 is out of range")

# name, exit status, arguments, then extra -D settings for the script
function(hcallsim_report_expect name status args)
  hcallsim_report_test(${name} expect -DSTATUS=${status} "-DARGS=${args}" ${ARGN})
endfunction()
hcallsim_report_expect(missing_profile 66 "--cpu no-such.ini --report out.json"
  "-DSTDERR_REGEX=^hcallsim run: no-such.ini: not a built-in profile[^\n]*\n$" -DABSENT=out.json)
hcallsim_report_expect(no_model 0 "--cpu none"
  "-DEXPECT=firmware instructions per segment.*fast_guest_return +27\n +total +[0-9]+\n")
hcallsim_report_expect(report_needs_model 64 "--cpu none --report out.json"
  "-DSTDERR_REGEX=need the cycle model" -DABSENT=out.json)
hcallsim_report_expect(limit_needs_pipeview 64 "--pipeview-limit 10"
  "-DSTDERR_REGEX=--pipeview-limit needs --pipeview")
hcallsim_report_expect(unwritable_report 66 "--report no/such/dir/out.json"
  "-DSTDERR_REGEX=^hcallsim run: no/such/dir/out.json: cannot create")
# A run that stops early still writes complete reports: the open path says so.
hcallsim_report_expect(budget_report 67 "--max-insns 100000 --report out.json --folded out.folded"
  "-DPRESENT=out.json,out.folded")
