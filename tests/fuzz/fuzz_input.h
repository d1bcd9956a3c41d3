/* Reading a libFuzzer input as a stream of fields: bytes run out as zeros, so every input is
 * valid and shorter inputs are prefixes of longer ones (libFuzzer's mutations stay meaningful). */
#ifndef HCALLSIM_FUZZ_INPUT_H
#define HCALLSIM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct fuzz_input {
    const uint8_t *data;
    size_t size, pos;
} fuzz_input;

/* The next n bytes (n <= 8) as a big-endian number; missing bytes read as 0. */
static inline uint64_t fuzz_take(fuzz_input *in, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | (in->pos < in->size ? in->data[in->pos++] : 0);
    return v;
}

static inline uint64_t fuzz_u64(fuzz_input *in)
{
    return fuzz_take(in, 8);
}
static inline uint32_t fuzz_u32(fuzz_input *in)
{
    return (uint32_t)fuzz_take(in, 4);
}
static inline uint8_t fuzz_u8(fuzz_input *in)
{
    return (uint8_t)fuzz_take(in, 1);
}

/* What is left of the input. */
static inline const uint8_t *fuzz_rest(const fuzz_input *in, size_t *len)
{
    *len = in->size - in->pos;
    return in->data + in->pos;
}

/* A property the harness checks failed: print it and abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s: ", #cond);                                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
