/* The printf subset of hv/fmt.h: no floating point, no allocation, usable in real mode. */
#include <stdint.h>
#include "hv/fmt.h"

static void put_unsigned(void (*putc)(char), uint64_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width-- > n)
        putc(pad);
    while (n)
        putc(buf[--n]);
}

void fmt_vprintf(void (*putc)(char), const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        int width = 0, longs = 0;
        char pad = ' ';

        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        if (*++fmt == '0') pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                putc(*s);
            break;
        case 'c': putc((char)va_arg(ap, int)); break;
        case 'd': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                putc('-');
                v = -v;
            }
            put_unsigned(putc, (uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_unsigned(putc, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_unsigned(putc, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
            break;
        default: putc(*fmt); break;
        }
    }
}
