#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
/* OpenSSL's libcrypto, for SHA-256: its EVP digests use the CPU's SHA extensions (SHA-NI)
   or its vector units, about ten times our own portable code. */
#include <openssl/evp.h>
#endif
