/*
 * clock.h - the one source of "now" for the core (deadlines, today's date,
 * audit times), and calendar-date arithmetic on "YYYY-MM-DD" text.
 *
 * rk_clock_now() is time(NULL) unless a unit test installed another
 * function with rk_clock_set(). There is deliberately no environment
 * variable or option that moves the clock in a normal build: a user must
 * not be able to forge the time a request was received or closed. Time
 * travel is tested at the unit level only.
 *
 * Dates are local calendar days. Adding months follows the usual rule for
 * periods in months (Council Regulation 1182/71 Art. 3(2)(c)): the period
 * ends on the same day of the later month, or on that month's last day
 * when it has no such day (31 January + 1 month = 28/29 February).
 */
#ifndef REKISTERI_CLOCK_H
#define REKISTERI_CLOCK_H

#include "rekisteri/error.h"

#include <stdbool.h>
#include <stdint.h>

#define RK_DATE_TEXT 11 /* "YYYY-MM-DD" + NUL */

/* rk_clock_now - Unix time: time(NULL), or the test hook's answer. */
int64_t rk_clock_now(void);

/* rk_clock_set - for unit tests: make rk_clock_now() call fn; NULL restores
 * time(NULL). Not thread-safe; call before sessions start. */
void rk_clock_set(int64_t (*fn)(void));

/* rk_date_of - the local calendar date of Unix time t into out. */
void rk_date_of(int64_t t, char out[RK_DATE_TEXT]);

/* rk_date_today - rk_date_of(rk_clock_now()). */
void rk_date_today(char out[RK_DATE_TEXT]);

/* rk_date_parse - true when text is a real calendar day "YYYY-MM-DD"
 * (year 1900..9999); *y, *m, *d (may be NULL) get its parts. */
bool rk_date_parse(const char *text, int *y, int *m, int *d);

/*
 * rk_date_add_months - the date `months` (0..1200) calendar months after
 * `date`, clamped to the last day of the month, into out. RK_ERR_INVALID
 * for a malformed date or a month count out of range.
 */
int rk_date_add_months(const char *date, int months, char out[RK_DATE_TEXT],
                       struct rk_error *err);

/* rk_date_days_in_month - 28..31 for month 1..12 of year. */
int rk_date_days_in_month(int year, int month);

/* rk_date_diff_days - b minus a in days (both valid dates). */
int64_t rk_date_diff_days(const char *a, const char *b);

#endif
