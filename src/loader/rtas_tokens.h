/* RTAS tokens of the pseries guest tree (QEMU 7.2's values), shared by the tree builder and by
 * the firmware that answers H_RTAS.  Plain C with no host headers, so that cross-compiled
 * firmware can include it. */
#ifndef HCALLSIM_LOADER_RTAS_TOKENS_H
#define HCALLSIM_LOADER_RTAS_TOKENS_H

#define RTAS_TOKEN_DISPLAY_CHARACTER       0x2000
#define RTAS_TOKEN_GET_TIME_OF_DAY         0x2001
#define RTAS_TOKEN_SET_TIME_OF_DAY         0x2002
#define RTAS_TOKEN_POWER_OFF               0x2003
#define RTAS_TOKEN_SYSTEM_REBOOT           0x2004
#define RTAS_TOKEN_QUERY_CPU_STOPPED_STATE 0x2005
#define RTAS_TOKEN_START_CPU               0x2006
#define RTAS_TOKEN_STOP_SELF               0x2007

#endif
