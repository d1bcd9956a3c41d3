/* Raw images into RAM. */
#include "loader/raw_loader.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

loader_error raw_parse_address(const char *text, uint64_t *addr, char *err, size_t errlen)
{
    /* strtoull accepts leading blanks and a minus sign; an address has neither. */
    if (!text[0] || !isdigit((unsigned char)text[0]))
        return loader_fail(LOADER_ERR_ADDRESS, err, errlen,
                           "bad address '%s': expected a number such as 0x2000000", text);
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (errno == ERANGE)
        return loader_fail(LOADER_ERR_ADDRESS, err, errlen, "bad address '%s': larger than 64 bits",
                           text);
    if (*end != '\0')
        return loader_fail(LOADER_ERR_ADDRESS, err, errlen, "bad address '%s': unexpected '%s'",
                           text, end);
    *addr = value;
    return LOADER_OK;
}

loader_error raw_parse_spec(const char *spec, char **path, uint64_t *addr, char *err, size_t errlen)
{
    *path = NULL;
    const char *at = strrchr(spec, '@');
    if (!at || at == spec)
        return loader_fail(LOADER_ERR_ADDRESS, err, errlen, "bad image '%s': expected FILE@ADDR",
                           spec);
    loader_error e = raw_parse_address(at + 1, addr, err, errlen);
    if (e) return e;
    *path = strndup(spec, (size_t)(at - spec));
    if (!*path) return loader_fail(LOADER_ERR_NOMEM, err, errlen, "out of memory");
    return LOADER_OK;
}

static loader_error check_fit(const char *name, uint64_t size, uint64_t addr, uint64_t ram_size,
                              char *err, size_t errlen)
{
    if (addr <= ram_size && size <= ram_size - addr) return LOADER_OK;
    char ram[32];
    loader_format_size(ram_size, ram, sizeof(ram));
    if (addr >= ram_size)
        return loader_fail(LOADER_ERR_FIT, err, errlen,
                           "%s: address 0x%" PRIx64 " is outside the %s of RAM", name, addr, ram);
    return loader_fail(LOADER_ERR_FIT, err, errlen,
                       "%s: [0x%" PRIx64 ", +0x%" PRIx64 ") does not fit the %s of RAM", name, addr,
                       size, ram);
}

loader_error raw_load_image(const uint8_t *data, size_t size, uint64_t addr, uint8_t *ram,
                            uint64_t ram_size, const char *name, char *err, size_t errlen)
{
    loader_error e = check_fit(name, size, addr, ram_size, err, errlen);
    if (e) return e;
    if (size) memcpy(ram + addr, data, size);
    return LOADER_OK;
}

loader_error raw_load_file(const char *path, uint64_t addr, uint8_t *ram, uint64_t ram_size,
                           uint64_t *loaded_size, char *err, size_t errlen)
{
    /* Refuse an address outside RAM before opening anything (a one-byte probe), and a file
     * too large for the space left before reading it. */
    loader_error e = check_fit(path, 1, addr, ram_size, err, errlen);
    if (e) return e;
    uint8_t *data;
    size_t size;
    e = loader_read_file(path, ram_size - addr, &data, &size, err, errlen);
    if (e) return e;
    e = raw_load_image(data, size, addr, ram, ram_size, path, err, errlen);
    free(data);
    if (!e && loaded_size) *loaded_size = size;
    return e;
}

loader_error raw_load_spec(const char *spec, uint8_t *ram, uint64_t ram_size, uint64_t *loaded_addr,
                           uint64_t *loaded_size, char *err, size_t errlen)
{
    char *path;
    uint64_t addr;
    loader_error e = raw_parse_spec(spec, &path, &addr, err, errlen);
    if (!e) e = raw_load_file(path, addr, ram, ram_size, loaded_size, err, errlen);
    if (!e && loaded_addr) *loaded_addr = addr;
    free(path);
    return e;
}
