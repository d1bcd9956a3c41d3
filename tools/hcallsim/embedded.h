/* Images built into the hcallsim binary so that `hcallsim run` works from any directory: the
 * firmware hv.elf and the seed demo guest tce_demo.elf (see embedded.c). */
#ifndef HCALLSIM_TOOLS_EMBEDDED_H
#define HCALLSIM_TOOLS_EMBEDDED_H

#include "hv_system.h"

/* Each returns false (and leaves *image alone) when the build embedded nothing. */
bool embedded_firmware(hv_image *image);
bool embedded_seed_guest(hv_image *image);

#endif
