#ifndef PAYDESK_CWIDECHAR_SHIM_H
#define PAYDESK_CWIDECHAR_SHIM_H
// glibc declares wcwidth only under _XOPEN_SOURCE, which Swift's Glibc module does not define.
#include <wchar.h>
extern int wcwidth(wchar_t c);
#endif
