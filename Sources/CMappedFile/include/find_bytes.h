#ifndef PAYDESK_FIND_BYTES_H
#define PAYDESK_FIND_BYTES_H
// The first place `needle` occurs in `haystack`, as memmem finds it, but 32 or 16 bytes a step: a store's search for a
// key's bytes runs over up to 200 MB, and glibc's memmem went a byte at a time through digits much like them.
#include <stddef.h>

const unsigned char *paydesk_find_bytes(const unsigned char *haystack, size_t haystack_length,
                                        const unsigned char *needle, size_t needle_length);
#endif
