#!/bin/sh
# Builds the inputs of the hcallsim disasm CLI tests (tests/integration/isa.cmake):
#   make_disasm_fixtures.sh AS LD OBJCOPY OUTDIR
set -eu
AS=$1 LD=$2 OBJCOPY=$3 OUT=$4
mkdir -p "$OUT"
cd "$OUT"
cat > prog.s <<'ASM'
	.text
	.globl _start
_start:
	mflr 0
loop:
	addi 3,3,1
	bdnz loop
	hrfid
ASM
"$AS" -a64 -mbig -mpower8 -o be.o prog.s
"$AS" -a64 -mlittle -mpower8 -o le.o prog.s
"$LD" -EB -m elf64ppc -e _start -Ttext 0x1000 -o be.elf be.o
# The same executable without section headers: only the PT_LOAD segments describe it.
cp be.elf noshdr.elf
printf '\000\000\000\000\000\000\000\000' | dd of=noshdr.elf bs=1 seek=40 conv=notrunc 2>/dev/null
printf '\000\000\000\000' | dd of=noshdr.elf bs=1 seek=60 conv=notrunc 2>/dev/null
"$OBJCOPY" -O binary -j .text be.o raw.bin
printf 'abcde' > odd.bin
printf '\177ELF\002\002\001junk' > badheader.elf
