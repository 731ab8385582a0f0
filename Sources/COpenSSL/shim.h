#ifndef PAYDESK_COPENSSL_SHIM_H
#define PAYDESK_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/crypto.h>
#endif
