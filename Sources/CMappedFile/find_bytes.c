#define _GNU_SOURCE
#include "find_bytes.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Each step compares 16 places at once with the needle's first byte and, needle_length - 1 further on, its last:
// only places where both match are compared whole (Wojciech Muła's "generic SIMD" substring search).
const unsigned char *paydesk_find_bytes(const unsigned char *haystack, size_t haystack_length,
                                        const unsigned char *needle, size_t needle_length) {
    if (needle_length == 0) return haystack;
    if (haystack_length < needle_length) return NULL;
    size_t at = 0;
#if defined(__SSE2__)
    if (needle_length >= 2) {
        const __m128i first = _mm_set1_epi8((char)needle[0]);
        const __m128i last = _mm_set1_epi8((char)needle[needle_length - 1]);
        for (; at + 16 + needle_length - 1 <= haystack_length; at += 16) {
            __m128i starts = _mm_loadu_si128((const __m128i *)(haystack + at));
            __m128i ends = _mm_loadu_si128((const __m128i *)(haystack + at + needle_length - 1));
            unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(starts, first), _mm_cmpeq_epi8(ends, last)));
            while (mask != 0) {
                unsigned bit = (unsigned)__builtin_ctz(mask);
                if (memcmp(haystack + at + bit + 1, needle + 1, needle_length - 2) == 0) return haystack + at + bit;
                mask &= mask - 1;
            }
        }
    }
#endif
    // The last places (fewer than 16 plus the needle), and machines without SSE2.
    return memmem(haystack + at, haystack_length - at, needle, needle_length);
}
