#define _GNU_SOURCE
#include "find_bytes.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Each step compares 16 places at once with the needle's first byte and, needle_length - 1 further on, its last
// (and for needles of four bytes or more, its second and second-to-last too): only places where all match are
// compared whole (Wojciech Muła's "generic SIMD" substring search). A key is digits, and a store is full of digits:
// two bytes let one place in a few hundred through to the whole compare, four one in tens of thousands.
const unsigned char *paydesk_find_bytes(const unsigned char *haystack, size_t haystack_length,
                                        const unsigned char *needle, size_t needle_length) {
    if (needle_length == 0) return haystack;
    if (haystack_length < needle_length) return NULL;
    size_t at = 0;
#if defined(__SSE2__)
    if (needle_length >= 2) {
        const size_t n = needle_length;
        const int four = n >= 4;
        // With fewer than four bytes, the inner two compares repeat the outer two.
        const size_t second = four ? 1 : 0, before_last = four ? n - 2 : n - 1;
        const __m128i first = _mm_set1_epi8((char)needle[0]), last = _mm_set1_epi8((char)needle[n - 1]);
        const __m128i next = _mm_set1_epi8((char)needle[second]), previous = _mm_set1_epi8((char)needle[before_last]);
        for (; at + 16 + n - 1 <= haystack_length; at += 16) {
            const unsigned char *p = haystack + at;
            __m128i outer = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), first),
                                          _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + n - 1)), last));
            __m128i inner = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + second)), next),
                                          _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + before_last)), previous));
            unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(outer, inner));
            while (mask != 0) {
                unsigned bit = (unsigned)__builtin_ctz(mask);
                if (memcmp(p + bit + 1, needle + 1, n - 2) == 0) return p + bit;
                mask &= mask - 1;
            }
        }
    }
#endif
    // The last places (fewer than 16 plus the needle), and machines without SSE2.
    return memmem(haystack + at, haystack_length - at, needle, needle_length);
}
