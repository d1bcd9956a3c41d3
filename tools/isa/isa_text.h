/* Disassembly text as data: a mnemonic and operand values, so that hcallsim's table and GNU
 * objdump can be compared field by field (tools/isa/isa_objdump_check.c). */
#ifndef HCALLSIM_TOOLS_ISA_TEXT_H
#define HCALLSIM_TOOLS_ISA_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#define ISA_MAX_OPERANDS 8

/* What an operand names: its register file, or a plain number (immediates, CR bits, SPR numbers,
 * branch targets, "0" for RA=0). */
typedef enum operand_class {
    OPC_NUMBER = 'n',
    OPC_GPR = 'r',
    OPC_FPR = 'f',
    OPC_VR = 'v',
    OPC_VSR = 'x',
    OPC_CRF = 'c',
    OPC_UNKNOWN = '?', /* text we could not read: never equal to anything */
} operand_class;

typedef struct operand_value {
    char cls; /* operand_class */
    int64_t value;
} operand_value;

typedef struct insn_text {
    char mnemonic[32];
    unsigned count;
    operand_value ops[ISA_MAX_OPERANDS];
} insn_text;

/* Reads "mnemonic op,op,..." (a "d(base)" operand gives two values: d, then base). */
bool isa_text_parse(const char *text, insn_text *out);
/* Reads one operand ("r3", "cr1", "4*cr1+eq", "-8", "0x40", an SPR name...). */
operand_value isa_operand_parse(const char *text);
/* Prints a parsed instruction back (for reports). */
void isa_text_format(const insn_text *in, char *buf, unsigned size);
bool isa_text_equal(const insn_text *a, const insn_text *b);

/* Rewrites objdump's spelling into the table's base spelling when `in` is an alias objdump
 * prefers (mr for or, li for addi, beq for bc 12,2...): fills up to `max` candidate readings
 * (an alias can stand for more than one base, e.g. mftb) and returns how many; 0 when `in` is
 * not an alias.  The map is explicit: see objdump_aliases.c. */
unsigned isa_objdump_unalias(const insn_text *in, insn_text *out, unsigned max);

#endif
