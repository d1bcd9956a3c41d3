/* The firmware and the seed guest, copied into .rodata by the assembler (.incbin).  The build
 * (tests/integration/run.cmake) defines HCALLSIM_EMBED_FIRMWARE and HCALLSIM_EMBED_SEED_GUEST as
 * the paths of hv.elf and tce_demo.elf and makes this file depend on them. */
#include "embedded.h"

#if defined(HCALLSIM_EMBED_FIRMWARE) && defined(HCALLSIM_EMBED_SEED_GUEST)

#define EMBED(symbol, path)                                                                        \
    ".balign 16\n"                                                                                 \
    ".globl " #symbol "\n"                                                                         \
    ".hidden " #symbol "\n" #symbol ":\n"                                                          \
    ".incbin \"" path "\"\n"                                                                       \
    ".globl " #symbol "_end\n"                                                                     \
    ".hidden " #symbol "_end\n" #symbol "_end:\n"

__asm__(".pushsection .rodata.hcallsim_embedded, \"a\", @progbits\n" EMBED(hcallsim_firmware_elf,
                                                                           HCALLSIM_EMBED_FIRMWARE)
            EMBED(hcallsim_seed_guest_elf, HCALLSIM_EMBED_SEED_GUEST) ".popsection\n");

extern const uint8_t hcallsim_firmware_elf[], hcallsim_firmware_elf_end[];
extern const uint8_t hcallsim_seed_guest_elf[], hcallsim_seed_guest_elf_end[];

static bool embedded(hv_image *image, const uint8_t *start, const uint8_t *end, const char *name)
{
    *image = (hv_image){start, (size_t)(end - start), name};
    return true;
}

bool embedded_firmware(hv_image *image)
{
    return embedded(image, hcallsim_firmware_elf, hcallsim_firmware_elf_end, "embedded hv.elf");
}

bool embedded_seed_guest(hv_image *image)
{
    return embedded(image, hcallsim_seed_guest_elf, hcallsim_seed_guest_elf_end,
                    "embedded tce_demo.elf");
}

#else

bool embedded_firmware(hv_image *image)
{
    (void)image;
    return false;
}

bool embedded_seed_guest(hv_image *image)
{
    (void)image;
    return false;
}

#endif
