/* The guest runtime: hcall wrappers, console, RTAS, interrupt vectors, checks. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include "hv/hvcall.h"

/* hcall.S */
long plpar_hcall_norets(unsigned long opcode, ...);
/* r3 = opcode, args to r4..; r4..r7 after the call go to ret[0..3] */
long plpar_hcall(unsigned long opcode, uint64_t ret[4], ...);
/* all of r3..r12 in and out: regs[0] = r3 (opcode in, status out), regs[1..9] = r4..r12 */
void plpar_hcall_raw(uint64_t regs[10]);

static inline long plpar_tce_put(unsigned long liobn, unsigned long ioba, unsigned long tceval)
{
    return plpar_hcall_norets(H_PUT_TCE, liobn, ioba, tceval);
}

/* Register frame of an interrupt taken by the guest (layout used by vectors.S) */
struct guest_regs {
    uint64_t gpr[32];
    uint64_t lr, ctr, cr, xer, srr0, srr1, vec;
};
typedef void (*guest_handler)(struct guest_regs *regs);
void guest_set_handler(unsigned vec, guest_handler fn);

/* start.S: run problem-state code until a handler resumes at guest_user_return */
void guest_run_user(uint64_t entry, uint64_t msr);
extern const char guest_user_return[];

/* guest_fdt.c: the property prop of the node at path ("/", "/chosen", "/vdevice/vty": a
 * component without a unit address matches "vty@71000000"); NULL if absent. */
const void *fdt_prop(const void *fdt, const char *path, const char *prop, uint32_t *len);
uint32_t fdt_u32(const void *fdt, const char *path, const char *prop, uint32_t missing);
const char *fdt_string(const void *fdt, const char *path, const char *prop); /* NUL-terminated */
/* The size of the memory at guest real 0 (reg of /memory@0), or missing. */
uint64_t fdt_memory_size(const void *fdt, uint64_t missing);
int guest_str_eq(const char *a, const char *b);

/* runtime.c */
extern uint64_t guest_vty; /* console vty number (reg of /vdevice/vty@...), default 0 */
void guest_putc(char c);
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rtas_call(uint32_t token, int nargs, int nret, uint32_t *rets, ...);
void guest_exit(int status) __attribute__((noreturn));
extern int guest_failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            guest_printf("PASS ");                                                                 \
        } else {                                                                                   \
            guest_printf("FAIL ");                                                                 \
            guest_failures++;                                                                      \
        }                                                                                          \
        guest_printf(__VA_ARGS__);                                                                 \
        guest_putc('\n');                                                                          \
    } while (0)

static inline uint64_t mfmsr(void)
{
    uint64_t v;
    __asm__ volatile("mfmsr %0" : "=r"(v));
    return v;
}
#define guest_mfspr(rn)                                                                            \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mfspr %0,%1" : "=r"(v_) : "i"(rn));                                      \
        v_;                                                                                        \
    })
#define guest_mtspr(rn, v)                                                                         \
    __asm__ volatile("mtspr %0,%1" : : "i"(rn), "r"((uint64_t)(v)) : "memory")

/* Every guest provides main; its return value is the exit status. */
int main(void *fdt);

#endif
