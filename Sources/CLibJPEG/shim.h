#ifndef CLIBJPEG_SHIM_H
#define CLIBJPEG_SHIM_H
/* The TurboJPEG API of libjpeg-turbo: errors come back as return codes, not longjmp. */
#include <turbojpeg.h>
#endif
