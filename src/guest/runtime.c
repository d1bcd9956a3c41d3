/*
 * Guest runtime: console through H_PUT_TERM_CHAR, RTAS through H_RTAS, interrupt vectors in the
 * guest's own real address space, and the exit protocol ("EXIT: STATUS=n", then RTAS power-off).
 */
#include <stdarg.h>
#include "guest.h"
#include "hv/fmt.h"

#define FDT_MAGIC     0xd00dfeedu
#define VECTOR_FIRST  0x100
#define VECTOR_LAST   0xf80
#define VECTOR_STRIDE 0x20

_Static_assert(offsetof(struct guest_regs, lr) == 256, "vectors.S frame layout");
_Static_assert(offsetof(struct guest_regs, vec) == 304, "vectors.S frame layout");

extern const uint32_t vector_stub[], vector_stub_end[];
int guest_failures;
uint64_t guest_vty; /* 0: QEMU and the firmware both take it as "the first vty" */
static guest_handler handlers[(VECTOR_LAST >> 5) + 1];

void guest_putc(char c)
{
    plpar_hcall_norets(H_PUT_TERM_CHAR, guest_vty, 1, (uint64_t)(uint8_t)c << 56);
}

void guest_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fmt_vprintf(guest_putc, fmt, ap);
    va_end(ap);
}

/* rtas_args block: token, nargs, nret, args[nargs], rets[nret] (big-endian words) */
int rtas_call(uint32_t token, int nargs, int nret, uint32_t *rets, ...)
{
    static uint32_t block[3 + 16] __attribute__((aligned(8)));
    va_list ap;
    long rc;

    block[0] = token;
    block[1] = (uint32_t)nargs;
    block[2] = (uint32_t)nret;
    va_start(ap, rets);
    for (int i = 0; i < nargs; i++)
        block[3 + i] = va_arg(ap, uint32_t);
    va_end(ap);
    for (int i = 0; i < nret; i++)
        block[3 + nargs + i] = 0;
    rc = plpar_hcall_norets(H_RTAS, (unsigned long)block);
    if (rc != H_SUCCESS) return (int)rc;
    for (int i = 1; i < nret && rets; i++)
        rets[i - 1] = block[3 + nargs + i];
    return nret ? (int)block[3 + nargs] : 0;
}

void guest_exit(int status)
{
    guest_printf("EXIT: STATUS=%d\n", status);
    rtas_call(RTAS_POWER_OFF, 2, 1, NULL, 0, 0);
    for (;;)
        ;
}

void guest_set_handler(unsigned vec, guest_handler fn)
{
    handlers[vec >> 5] = fn;
}

void guest_interrupt(struct guest_regs *regs);
void guest_interrupt(struct guest_regs *regs)
{
    guest_handler fn = regs->vec <= VECTOR_LAST ? handlers[regs->vec >> 5] : NULL;

    if (!fn) {
        guest_printf("GUEST: unexpected interrupt 0x%lx at 0x%lx SRR1 0x%lx\n", regs->vec,
                     regs->srr0, regs->srr1);
        guest_exit(100);
    }
    fn(regs);
}

/* Copy the stub to every vector, patch its "li r3,0" with the vector, and sync the caches */
static void install_vectors(void)
{
    size_t words = (size_t)(vector_stub_end - vector_stub);

    for (unsigned vec = VECTOR_FIRST; vec <= VECTOR_LAST; vec += VECTOR_STRIDE) {
        volatile uint32_t *dst = (volatile uint32_t *)(uintptr_t)vec;

        for (size_t i = 0; i < words; i++)
            dst[i] = vector_stub[i] | (i == 1 ? vec : 0);
        __asm__ volatile("dcbst 0,%0; sync; icbi 0,%0; isync" : : "r"(dst) : "memory");
    }
}

void guest_runtime_start(void *fdt);
void guest_runtime_start(void *fdt)
{
    const uint32_t *hdr = fdt;

    install_vectors();
    if (hdr && hdr[0] == FDT_MAGIC)
        guest_printf("GUEST: FDT at 0x%lx, %u bytes\n", (uint64_t)(uintptr_t)fdt, hdr[1]);
    else
        guest_printf("GUEST: no FDT (r3 = 0x%lx)\n", (uint64_t)(uintptr_t)fdt);
    guest_exit(main(fdt));
}
