/*
 * format.h - dates, times and amounts as people read them, in the language
 * messages are shown in (rk_i18n_current(); see i18n.h).
 *
 *   language  date        date and time
 *   fi, sv    4.12.2026   4.12.2026 22.58
 *   en        2026-12-04  2026-12-04 22:58
 *
 * Finnish and Finland-Swedish write the day first with no leading zeros
 * and a full stop between the hours and minutes. English keeps ISO 8601:
 * the program's English readers are staff and auditors in Finland and
 * abroad, and 4/12/2026 reads as April in the United States and as
 * December in Britain, while 2026-12-04 reads the same everywhere.
 *
 * Amounts for people come from rk_money_format() (money.h), the same in
 * every language: "1 083,91 €" with no-break spaces, the figure the
 * company's invoices and bank statements show.
 *
 * Times for people are local time. Machine output keeps its own forms and
 * must not use these: JSON, CSV for machines and the audit trail write
 * ISO dates, UTC timestamps ("2026-12-04T22:58:25Z") and cents.
 */
#ifndef REKISTERI_FORMAT_H
#define REKISTERI_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any result below, with its NUL ("31.12.9999 23.59"). */
#define RK_FORMAT_SIZE 32

/*
 * rk_format_day - the local calendar date of Unix time t for people, into
 * out (RK_FORMAT_SIZE bytes suffice). Returns out.
 */
char *rk_format_day(int64_t t, char *out, size_t size);

/*
 * rk_format_time - the local date and time (to the minute) of Unix time t
 * for people, into out. Returns out.
 */
char *rk_format_time(int64_t t, char *out, size_t size);

/*
 * rk_format_date_text - a date or timestamp stored as text, for people:
 *   "2026-12-04"                    the calendar date as it is;
 *   "2026-12-04T22:58:25Z"          a UTC timestamp, shown as local date
 *                                   and time (rk_format_time);
 *   "2026-12-04 22:58" or ":25"     a local timestamp, date and time.
 * Anything else (NULL gives "") is copied unchanged, so no stored value is
 * ever hidden. Returns out.
 */
char *rk_format_date_text(const char *text, char *out, size_t size);

/*
 * rk_format_day_text - like rk_format_date_text, but the date only: a
 * timestamp gives its local calendar date. Returns out.
 */
char *rk_format_day_text(const char *text, char *out, size_t size);

#endif
