#define _GNU_SOURCE
#include "find_bytes.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#include <immintrin.h>
#define PAYDESK_AVX2_BUILT 1

// The same search 32 places a step, for processors with AVX2 (most since 2013): a store is searched with half the
// instructions. Built for AVX2 whatever the build's target; called only where the processor has it.
__attribute__((target("avx2")))
static const unsigned char *find_avx2(const unsigned char *haystack, size_t haystack_length,
                                      const unsigned char *needle, size_t n, size_t *stopped) {
    const size_t second = n >= 4 ? 1 : 0, before_last = n >= 4 ? n - 2 : n - 1;
    const __m256i first = _mm256_set1_epi8((char)needle[0]), last = _mm256_set1_epi8((char)needle[n - 1]);
    const __m256i next = _mm256_set1_epi8((char)needle[second]), previous = _mm256_set1_epi8((char)needle[before_last]);
    size_t at = 0;
    for (; at + 32 + n - 1 <= haystack_length; at += 32) {
        const unsigned char *p = haystack + at;
        __m256i outer = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), first),
                                         _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + n - 1)), last));
        __m256i inner = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + second)), next),
                                         _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + before_last)), previous));
        unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(outer, inner));
        while (mask != 0) {
            unsigned bit = (unsigned)__builtin_ctz(mask);
            if (memcmp(p + bit + 1, needle + 1, n - 2) == 0) return p + bit;
            mask &= mask - 1;
        }
    }
    *stopped = at;
    return NULL;
}

// Whether this processor has AVX2 and the system saves its registers (OSXSAVE, and XCR0's SSE and AVX state).
static int has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return 0;
    unsigned low, high;
    __asm__("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6) != 6) return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
}
#endif

// Each step compares 16 (or with AVX2 32) places at once with the needle's first byte and, needle_length - 1 further on, its last
// (and for needles of four bytes or more, its second and second-to-last too): only places where all match are
// compared whole (Wojciech Muła's "generic SIMD" substring search). A key is digits, and a store is full of digits:
// two bytes let one place in a few hundred through to the whole compare, four one in tens of thousands.
const unsigned char *paydesk_find_bytes(const unsigned char *haystack, size_t haystack_length,
                                        const unsigned char *needle, size_t needle_length) {
    if (needle_length == 0) return haystack;
    if (haystack_length < needle_length) return NULL;
    size_t at = 0;
#if defined(PAYDESK_AVX2_BUILT)
    static int avx2 = -1;   // asked once (threads racing to ask all get the same answer)
    int known = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (known < 0) __atomic_store_n(&avx2, known = has_avx2(), __ATOMIC_RELAXED);
    if (known && needle_length >= 2) {
        const unsigned char *found = find_avx2(haystack, haystack_length, needle, needle_length, &at);
        if (found) return found;
    }
#endif
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
