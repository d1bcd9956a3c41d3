/* What every loader shares: error codes, their exit statuses, and reading a whole input file.
 *
 * A loader validates its whole input before it writes a byte of RAM, so a failed load leaves the
 * destination untouched.  On failure it returns a code and writes one message line (no trailing
 * newline) that starts with the input's name, for example
 *   guest.elf: segment 2 [0x400000, 0x9400000) does not fit the 32 MiB partition
 */
#ifndef HCALLSIM_LOADER_LOADER_H
#define HCALLSIM_LOADER_LOADER_H

#include <stddef.h>
#include <stdint.h>

typedef enum loader_error {
    LOADER_OK = 0,
    LOADER_ERR_UNREADABLE, /* cannot open, stat or read the file (exit 66) */
    LOADER_ERR_NOT_ELF,    /* no ELF magic */
    LOADER_ERR_TRUNCATED,  /* a header or table ends past the end of the data */
    LOADER_ERR_CLASS,      /* not ELFCLASS64 */
    LOADER_ERR_HEADER,     /* malformed ELF header field (data encoding, version, sizes) */
    LOADER_ERR_MACHINE,    /* not EM_PPC64 */
    LOADER_ERR_TYPE,       /* neither ET_EXEC nor ET_DYN */
    LOADER_ERR_SEGMENT,    /* malformed program header (filesz > memsz, offset past the end...) */
    LOADER_ERR_OVERLAP,    /* two segments share destination bytes */
    LOADER_ERR_FIT,        /* the image does not fit its destination window */
    LOADER_ERR_ENTRY,      /* entry point (or its ELFv1 descriptor) outside the loaded image */
    LOADER_ERR_SYMBOLS,    /* malformed section headers or symbol table */
    LOADER_ERR_ADDRESS,    /* bad FILE@ADDR syntax */
    LOADER_ERR_PARAMS,     /* the caller's window lies outside RAM: a program bug (exit 70) */
    LOADER_ERR_NOMEM,      /* host allocation failed (exit 71) */
} loader_error;

/* sysexits.h values: EX_DATAERR for bad input, EX_NOINPUT for unreadable input. */
enum {
    LOADER_EXIT_BAD_INPUT = 65,
    LOADER_EXIT_UNREADABLE = 66,
    LOADER_EXIT_SOFTWARE = 70,
    LOADER_EXIT_OSERR = 71,
};

/* The exit status a command reports for this error (0 for LOADER_OK). */
int loader_exit_status(loader_error e);

/* A short stable name ("truncated", "machine"...) for logs and tests. */
const char *loader_error_name(loader_error e);

/* Read a whole regular file into a fresh malloc'd buffer (*data, *size; free() it).  Files larger
 * than max_size are refused with LOADER_ERR_FIT before they are read. */
loader_error loader_read_file(const char *path, uint64_t max_size, uint8_t **data, size_t *size,
                              char *err, size_t errlen);

/* "32 MiB", "1 GiB", "4 KiB" for exact multiples, otherwise "0x1234 bytes". */
void loader_format_size(uint64_t size, char *buf, size_t len);

/* Format one message line into err (which may be NULL) and return e. */
loader_error loader_fail(loader_error e, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
