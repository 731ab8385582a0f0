#ifndef PAYDESK_CNCURSESW_SHIM_H
#define PAYDESK_CNCURSESW_SHIM_H
// The wide-character API (wget_wch, cchar_t, mvwaddwstr) exists only with these two defined first.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
// glibc hides wcwidth without _XOPEN_SOURCE; we measure text in cells with it.
extern int wcwidth(wchar_t);
#endif
