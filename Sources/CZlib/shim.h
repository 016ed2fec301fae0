#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
/* zlib, for the Deflated Explicit VR Little Endian transfer syntax (raw DEFLATE). */
#include <zlib.h>

/* inflateInit2 is a function-like macro, which Swift cannot import: this is it for raw
   DEFLATE (negative window bits: no zlib header or trailer, as PS3.5 A.5 requires). */
static inline int czlib_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -15);
}
#endif
