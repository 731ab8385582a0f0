#ifndef PAYDESK_CNCURSESW_SHIM_H
#define PAYDESK_CNCURSESW_SHIM_H
// The wide-character API (wget_wch, cchar_t, mvwaddwstr) exists only with these two defined first.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#if __has_include(<ncursesw/ncurses.h>)
#include <ncursesw/ncurses.h>
#else
#error "ncursesw is missing: install it with apt-get install libncursesw5-dev"
#endif
// glibc hides wcwidth without _XOPEN_SOURCE; we measure text in cells with it.
extern int wcwidth(wchar_t);

// Swift 6 rejects C globals (shared mutable state) and cannot import function-like macros,
// so the backend reads them through these.
static inline WINDOW *paydesk_stdscr(void) { return stdscr; }
static inline FILE *paydesk_stdin(void) { return stdin; }
static inline FILE *paydesk_stdout(void) { return stdout; }
static inline int paydesk_colors(void) { return COLORS; }
static inline int paydesk_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t paydesk_a_bold(void) { return A_BOLD; }
static inline attr_t paydesk_a_dim(void) { return A_DIM; }
static inline attr_t paydesk_a_italic(void) { return A_ITALIC; }
static inline attr_t paydesk_a_underline(void) { return A_UNDERLINE; }
static inline attr_t paydesk_a_reverse(void) { return A_REVERSE; }
static inline attr_t paydesk_a_blink(void) { return A_BLINK; }
#include <ncursesw/term.h>
// Drops the description setupterm loaded to look at the terminal's type before the screen starts.
static inline void paydesk_forget_terminfo(void) { if (cur_term) del_curterm(cur_term); }
// The mouse events the console asks for: the left button and the wheel (buttons 4 and 5), never motion, so the
// terminal keeps Shift-drag for selecting text.
static inline mmask_t paydesk_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t paydesk_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t paydesk_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t paydesk_wheel_up(void) { return BUTTON4_PRESSED; }
static inline mmask_t paydesk_wheel_down(void) { return BUTTON5_PRESSED; }
static inline mmask_t paydesk_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }
#endif
