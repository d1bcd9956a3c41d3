/* Raw images: `FILE@ADDR` copied byte for byte into RAM, as QEMU's
 * `-device loader,file=FILE,addr=ADDR,force-raw=on` (and `-bios FILE` at 0) does. */
#ifndef HCALLSIM_LOADER_RAW_LOADER_H
#define HCALLSIM_LOADER_RAW_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"

/* Parse an address with C syntax (decimal, 0x hex, 0-prefixed octal): no sign, no trailing
 * characters, no overflow. */
loader_error raw_parse_address(const char *text, uint64_t *addr, char *err, size_t errlen);

/* Split "FILE@ADDR" at its last '@' (file names may contain '@').  *path is a malloc'd copy. */
loader_error raw_parse_spec(const char *spec, char **path, uint64_t *addr, char *err,
                            size_t errlen);

/* Copy data to physical [addr, addr + size) after checking that it fits RAM; name prefixes the
 * message. */
loader_error raw_load_image(const uint8_t *data, size_t size, uint64_t addr, uint8_t *ram,
                            uint64_t ram_size, const char *name, char *err, size_t errlen);

/* Read path and load it at addr; *loaded_size (may be NULL) gets the file size. */
loader_error raw_load_file(const char *path, uint64_t addr, uint8_t *ram, uint64_t ram_size,
                           uint64_t *loaded_size, char *err, size_t errlen);

/* raw_parse_spec + raw_load_file. */
loader_error raw_load_spec(const char *spec, uint8_t *ram, uint64_t ram_size, uint64_t *loaded_addr,
                           uint64_t *loaded_size, char *err, size_t errlen);

#endif
