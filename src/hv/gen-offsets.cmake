# cmake -P gen-offsets.cmake -DIN=asm-offsets.s -DOUT=hv-offsets.h
# Turns the "->NAME value expr" markers of the compiled asm-offsets.c into #defines.
file(STRINGS ${IN} lines REGEX "->")
set(body "/* Generated from src/hv/asm-offsets.c by gen-offsets.cmake: do not edit. */\n")
string(APPEND body "#ifndef HV_OFFSETS_H\n#define HV_OFFSETS_H\n\n")
foreach(line ${lines})
  if(line MATCHES "->([A-Za-z0-9_]+) ([-0-9]+) (.*)\"")
    string(APPEND body "#define ${CMAKE_MATCH_1} ${CMAKE_MATCH_2} /* ${CMAKE_MATCH_3} */\n")
  endif()
endforeach()
string(APPEND body "\n#endif\n")
# Several targets of one build may run this rule at once (the Makefile generator repeats a custom
# command per target that depends on its output): one at a time.
file(LOCK ${OUT}.lock GUARD PROCESS TIMEOUT 120)
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
