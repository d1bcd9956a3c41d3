/* A minimal printf shared by the firmware and the guest runtime (each passes its own putc). */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdarg.h>

/* %s %c %d %u %x with optional 0/width and l/ll modifiers */
void fmt_vprintf(void (*putc)(char), const char *fmt, va_list ap);

#endif
