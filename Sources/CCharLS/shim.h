#ifndef CCHARLS_SHIM_H
#define CCHARLS_SHIM_H
/* CharLS 2 (libcharls-dev): its C API, the charls_jpegls_decoder_* functions; errors come
 * back as charls_jpegls_errc return codes, never as exceptions across the C boundary. */
#include <charls/charls.h>
#endif
