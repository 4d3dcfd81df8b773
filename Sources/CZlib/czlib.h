// The system zlib (Debian: zlib1g-dev) for HTTP Content-Encoding gzip/deflate.
// zlib's init entry points are macros, which Swift cannot call: these inline shims wrap them.
#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

static inline int czlib_inflate_init(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int czlib_deflate_init(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
