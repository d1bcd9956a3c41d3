/* Harness (a): the ELF loader on arbitrary bytes (elf_load_image, the loader's fuzzer entry).
 *
 * Properties beyond "no sanitizer report": a refused image leaves RAM untouched and gives a
 * one-line message; an accepted one has its entry inside the window and its segments inside the
 * window, each segment within [low, high). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "loader/elf_loader.h"

#define RAM_SIZE    (4ull << 20)
#define WINDOW_BASE (1ull << 20)
#define WINDOW_SIZE (2ull << 20)
#define CANARY      0xa5

static uint8_t *ram, *canary;

/* Whether [from, to) of RAM still holds the canary. */
static bool untouched(uint64_t from, uint64_t to)
{
    return memcmp(ram + from, canary + from, to - from) == 0;
}

static void check_loaded(const elf_load_result *r)
{
    FUZZ_CHECK(r->entry < WINDOW_SIZE, "entry 0x%llx", (unsigned long long)r->entry);
    FUZZ_CHECK(r->low <= r->high && r->high <= WINDOW_SIZE, "span [0x%llx, 0x%llx)",
               (unsigned long long)r->low, (unsigned long long)r->high);
    FUZZ_CHECK(r->segment_count <= ELF_LOAD_MAX_SEGMENTS, "%u segments", r->segment_count);
    for (unsigned i = 0; i < r->segment_count; i++) {
        const elf_load_segment *s = &r->segments[i];
        FUZZ_CHECK(s->filesz <= s->memsz, "segment %u filesz > memsz", i);
        FUZZ_CHECK(s->offset >= r->low && s->memsz <= r->high - s->offset,
                   "segment %u [0x%llx +0x%llx) outside the span", i, (unsigned long long)s->offset,
                   (unsigned long long)s->memsz);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ram) {
        ram = malloc(RAM_SIZE);
        canary = malloc(RAM_SIZE);
        if (!ram || !canary) abort();
        memset(canary, CANARY, RAM_SIZE);
    }
    memcpy(ram, canary, RAM_SIZE);

    symtab *syms = symtab_new("fuzz", UINT64_MAX);
    elf_load_params p;
    elf_load_params_init(&p, ram, RAM_SIZE);
    p.window_base = WINDOW_BASE;
    p.window_size = WINDOW_SIZE;
    p.dyn_bias = 0x10000;
    p.addr_mask = 0x0fffffffffffffffull;
    p.symbols = syms;
    elf_load_result r;
    char err[256];
    err[0] = 0;
    loader_error e = elf_load_image(data, size, &p, &r, err, sizeof(err));
    if (e == LOADER_OK) {
        check_loaded(&r);
        /* Nothing outside the window may change. */
        FUZZ_CHECK(untouched(0, WINDOW_BASE) && untouched(WINDOW_BASE + WINDOW_SIZE, RAM_SIZE),
                   "a byte outside the window was written");
        char buf[128];
        symtab_format(syms, r.entry, buf, sizeof(buf));
    } else {
        FUZZ_CHECK(err[0] && !strchr(err, '\n'), "error %d message '%s'", e, err);
        FUZZ_CHECK(untouched(0, RAM_SIZE), "refused image (%s) wrote RAM", err);
    }
    symtab_free(syms);
    return 0;
}
