#ifndef PAYDESK_CLIBCEXTRAS_SHIM_H
#define PAYDESK_CLIBCEXTRAS_SHIM_H
// What glibc declares only under _XOPEN_SOURCE or _GNU_SOURCE, which Swift's Glibc module does not define.
#include <stddef.h>
#include <wchar.h>
extern int wcwidth(wchar_t c);
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
extern void *memrchr(const void *s, int c, size_t n);
// glibc's malloc tuning (malloc.h), so freed pieces of a large store go back to the system.
extern int mallopt(int param, int value);
#define PAYDESK_M_MMAP_THRESHOLD (-3)
// A compiler builtin Swift cannot name: asks for a cache line ahead of its use, so a batch of lookups in a large
// table waits for memory once instead of once per lookup.
static inline void paydesk_prefetch(const void *address) { __builtin_prefetch(address); }
#endif
