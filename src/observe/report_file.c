/* Reports written to a temporary file and renamed into place (report.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "observe/report.h"

#define TMP_ATTEMPTS 100

static void release(report_file *rf)
{
    free(rf->path);
    free(rf->tmp);
    *rf = (report_file){0};
}

bool report_file_open(report_file *rf, const char *path, char *err, size_t errlen)
{
    *rf = (report_file){0};
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory", path);
        return false;
    }
    size_t len = strlen(path) + 48;
    rf->path = strdup(path);
    rf->tmp = malloc(len);
    if (!rf->path || !rf->tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        release(rf);
        return false;
    }
    /* O_EXCL: never write through a stale or foreign file; mode 0666 honours the umask */
    int fd = -1;
    for (unsigned n = 0; n < TMP_ATTEMPTS && fd < 0; n++) {
        if (n)
            snprintf(rf->tmp, len, "%s.tmp-%ld-%u", path, (long)getpid(), n);
        else
            snprintf(rf->tmp, len, "%s.tmp-%ld", path, (long)getpid());
        fd = open(rf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        release(rf);
        return false;
    }
    rf->f = fdopen(fd, "w");
    if (!rf->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        close(fd);
        unlink(rf->tmp);
        release(rf);
        return false;
    }
    return true;
}

bool report_file_commit(report_file *rf, char *err, size_t errlen)
{
    int failed = 0; /* the first errno */
    errno = 0;
    if (fflush(rf->f) != 0 || ferror(rf->f)) failed = errno ? errno : EIO;
    errno = 0;
    if (fclose(rf->f) != 0 && !failed) failed = errno ? errno : EIO;
    if (!failed && rename(rf->tmp, rf->path) != 0) failed = errno;
    if (failed) {
        snprintf(err, errlen, "%s: cannot write: %s", rf->path, strerror(failed));
        unlink(rf->tmp);
    }
    release(rf);
    return !failed;
}

void report_file_discard(report_file *rf)
{
    if (rf->f) {
        fclose(rf->f);
        unlink(rf->tmp);
    }
    release(rf);
}
