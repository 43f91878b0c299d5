/*
 * clock.c - the injectable clock and calendar-date arithmetic (see
 * clock.h). Day counts go through a proleptic Gregorian day number, so no
 * time zone or daylight-saving change can shift a deadline by a day.
 */
#include "rekisteri/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t (*clock_fn)(void);

int64_t rk_clock_now(void)
{
        return clock_fn != NULL ? clock_fn() : (int64_t)time(NULL);
}

void rk_clock_set(int64_t (*fn)(void))
{
        clock_fn = fn;
}

void rk_date_of(int64_t t, char out[RK_DATE_TEXT])
{
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        strftime(out, RK_DATE_TEXT, "%Y-%m-%d", &tm);
}

void rk_date_today(char out[RK_DATE_TEXT])
{
        rk_date_of(rk_clock_now(), out);
}

static bool leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rk_date_days_in_month(int year, int month)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (month < 1 || month > 12)
                return 0;
        return month == 2 && leap(year) ? 29 : days[month - 1];
}

bool rk_date_parse(const char *text, int *y, int *m, int *d)
{
        int yy, mm, dd, used = 0;
        if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
                return false;
        for (int i = 0; i < 10; i++) {
                if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
                        return false;
        }
        if (sscanf(text, "%4d-%2d-%2d%n", &yy, &mm, &dd, &used) != 3 || used != 10)
                return false;
        if (yy < 1900 || yy > 9999 || dd < 1 || dd > rk_date_days_in_month(yy, mm))
                return false;
        if (y != NULL)
                *y = yy;
        if (m != NULL)
                *m = mm;
        if (d != NULL)
                *d = dd;
        return true;
}

int rk_date_add_months(const char *date, int months, char out[RK_DATE_TEXT],
                       struct rk_error *err)
{
        int y, m, d;
        if (!rk_date_parse(date, &y, &m, &d))
                return rk_error_set(err, RK_ERR_INVALID, "not a date (YYYY-MM-DD)");
        if (months < 0 || months > 1200)
                return rk_error_set(err, RK_ERR_INVALID, "month count out of range");
        int index = y * 12 + (m - 1) + months;
        y = index / 12;
        m = index % 12 + 1;
        int last = rk_date_days_in_month(y, m);
        if (d > last)
                d = last;
        if (y > 9999)
                return rk_error_set(err, RK_ERR_INVALID, "date out of range");
        snprintf(out, RK_DATE_TEXT, "%04u-%02u-%02u", (unsigned)y % 10000u,
                 (unsigned)m % 100u, (unsigned)d % 100u);
        return RK_OK;
}

/* Days since 0000-03-01 in the proleptic Gregorian calendar. */
static int64_t day_number(int y, int m, int d)
{
        if (m <= 2) {
                y -= 1;
                m += 12;
        }
        return 365LL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 1;
}

int64_t rk_date_diff_days(const char *a, const char *b)
{
        int ya = 0, ma = 0, da = 0, yb = 0, mb = 0, db = 0;
        rk_date_parse(a, &ya, &ma, &da);
        rk_date_parse(b, &yb, &mb, &db);
        return day_number(yb, mb, db) - day_number(ya, ma, da);
}
