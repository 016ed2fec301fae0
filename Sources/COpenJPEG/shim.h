#ifndef COPENJPEG_SHIM_H
#define COPENJPEG_SHIM_H
/* OpenJPEG 2.5 (libopenjp2-7-dev). Debian installs the header in a versioned folder,
 * /usr/include/openjpeg-2.5/ (what `pkg-config --cflags libopenjp2` names), so it is
 * included by that path: no pkg-config run or -I flag is needed at build time. */
#include <openjpeg-2.5/openjpeg.h>
#endif
