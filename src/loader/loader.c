/* Shared loader plumbing: error names and statuses, messages, whole-file reads. */
#include "loader/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int loader_exit_status(loader_error e)
{
    switch (e) {
    case LOADER_OK: return 0;
    case LOADER_ERR_UNREADABLE: return LOADER_EXIT_UNREADABLE;
    case LOADER_ERR_PARAMS: return LOADER_EXIT_SOFTWARE;
    case LOADER_ERR_NOMEM: return LOADER_EXIT_OSERR;
    default: return LOADER_EXIT_BAD_INPUT;
    }
}

const char *loader_error_name(loader_error e)
{
    static const char *const names[] = {
        [LOADER_OK] = "ok",
        [LOADER_ERR_UNREADABLE] = "unreadable",
        [LOADER_ERR_NOT_ELF] = "not-elf",
        [LOADER_ERR_TRUNCATED] = "truncated",
        [LOADER_ERR_CLASS] = "class",
        [LOADER_ERR_HEADER] = "header",
        [LOADER_ERR_MACHINE] = "machine",
        [LOADER_ERR_TYPE] = "type",
        [LOADER_ERR_SEGMENT] = "segment",
        [LOADER_ERR_OVERLAP] = "overlap",
        [LOADER_ERR_FIT] = "fit",
        [LOADER_ERR_ENTRY] = "entry",
        [LOADER_ERR_SYMBOLS] = "symbols",
        [LOADER_ERR_ADDRESS] = "address",
        [LOADER_ERR_PARAMS] = "params",
        [LOADER_ERR_NOMEM] = "nomem",
    };
    if ((size_t)e < sizeof(names) / sizeof(names[0]) && names[e]) return names[e];
    return "unknown";
}

loader_error loader_fail(loader_error e, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return e;
}

void loader_format_size(uint64_t size, char *buf, size_t len)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = -1;
    uint64_t value = size;
    while (value && value % 1024 == 0 && unit + 1 < (int)(sizeof(units) / sizeof(units[0]))) {
        value /= 1024;
        unit++;
    }
    if (unit < 0)
        snprintf(buf, len, "0x%" PRIx64 " bytes", size);
    else
        snprintf(buf, len, "%" PRIu64 " %s", value, units[unit]);
}

loader_error loader_read_file(const char *path, uint64_t max_size, uint8_t **data, size_t *size,
                              char *err, size_t errlen)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return loader_fail(LOADER_ERR_UNREADABLE, err, errlen, "%s: cannot open: %s", path,
                           strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return loader_fail(LOADER_ERR_UNREADABLE, err, errlen, "%s: cannot stat: %s", path,
                           strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return loader_fail(LOADER_ERR_UNREADABLE, err, errlen, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max_size || (uint64_t)st.st_size > SIZE_MAX - 1) {
        char limit[32];
        loader_format_size(max_size, limit, sizeof(limit));
        close(fd);
        return loader_fail(LOADER_ERR_FIT, err, errlen,
                           "%s: file is 0x%" PRIx64 " bytes, more than the %s available", path,
                           (uint64_t)st.st_size, limit);
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = malloc(want ? want : 1);
    if (!buf) {
        close(fd);
        return loader_fail(LOADER_ERR_NOMEM, err, errlen, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int saved = n < 0 ? errno : EIO;
            free(buf);
            close(fd);
            return loader_fail(LOADER_ERR_UNREADABLE, err, errlen, "%s: read failed: %s", path,
                               n < 0 ? strerror(saved) : "file shrank while reading");
        }
        got += (size_t)n;
    }
    close(fd);
    *data = buf;
    *size = want;
    return LOADER_OK;
}
