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
// Pseudo-terminals (stdlib.h): tests give the console a terminal that can hang up without a SIGHUP.
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern char *ptsname(int fd);
// A compiler builtin Swift cannot name: asks for a cache line ahead of its use, so a batch of lookups in a large
// table waits for memory once instead of once per lookup.
static inline void paydesk_prefetch(const void *address) { __builtin_prefetch(address); }

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
// Where the first byte of p[0..<n] is that ends or complicates a JSON string's plain run: a quote, a backslash, a
// control byte (below 0x20) or a non-ASCII one (0x80 and up); n when there is none. Sixteen bytes a step: a store
// line is mostly short strings, which eight at a time cost a branch each.
static inline long paydesk_string_stop(const unsigned char *p, long n) {
    long i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        // Compared as signed bytes, "below a space" takes in 0x80 and up as well.
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
        int mask = _mm_movemask_epi8(stop);
        if (mask) return i + __builtin_ctz((unsigned)mask);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return i;
    }
    return n;
}
#endif
