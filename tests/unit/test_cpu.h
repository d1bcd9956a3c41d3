/* A tiny machine for core unit tests: RAM and a CPU, words poked at an address, then stepped. */
#ifndef HCALLSIM_TESTS_TEST_CPU_H
#define HCALLSIM_TESTS_TEST_CPU_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu_state.h"

#define TM_RAM_SIZE (64u << 20)

typedef struct test_machine {
    phys_memory mem;
    ppc_cpu *cpu;
} test_machine;

static inline int tm_setup(void **state)
{
    test_machine *m = calloc(1, sizeof(*m));
    m->mem.ram = calloc(1, TM_RAM_SIZE);
    m->mem.ram_size = TM_RAM_SIZE;
    m->cpu = cpu_create(NULL, &m->mem);
    *state = m;
    return m->cpu ? 0 : -1;
}

static inline int tm_teardown(void **state)
{
    test_machine *m = *state;
    cpu_destroy(m->cpu);
    free(m->mem.ram);
    free(m);
    return 0;
}

/* Store big-endian instruction words at physical address pa. */
static inline void tm_poke(test_machine *m, uint64_t pa, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = m->mem.ram + pa + 4 * i;
        p[0] = (uint8_t)(words[i] >> 24);
        p[1] = (uint8_t)(words[i] >> 16);
        p[2] = (uint8_t)(words[i] >> 8);
        p[3] = (uint8_t)words[i];
        cpu_invalidate_code(m->cpu, pa + 4 * i);
    }
}

static inline uint64_t tm_peek64(test_machine *m, uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | m->mem.ram[pa + i];
    return v;
}

#endif
