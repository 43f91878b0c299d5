/*
 * format.c - dates and times for people in the language in use (see
 * format.h).
 *
 * How it works: every entry point reduces its input to a struct tm in
 * local time (localtime_r for Unix times and UTC text, the fields as
 * written for local text) and one function writes that in the current
 * language's form. The language is asked for on every call, so switching
 * it (rk_i18n_use, e.g. for a report in the data subject's language)
 * switches the formats with the messages.
 */
#include "rekisteri/format.h"

#include "rekisteri/clock.h"
#include "rekisteri/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The day-first languages: Finnish and (Finland-)Swedish. */
static bool day_first(void)
{
        const char *lang = rk_i18n_current();
        return strcmp(lang, "fi") == 0 || strcmp(lang, "sv") == 0;
}

static char *write_tm(const struct tm *tm, bool with_time, char *out, size_t size)
{
        int y = tm->tm_year + 1900, m = tm->tm_mon + 1, d = tm->tm_mday;
        if (day_first() && with_time)
                snprintf(out, size, "%d.%d.%d %02d.%02d", d, m, y, tm->tm_hour,
                         tm->tm_min);
        else if (day_first())
                snprintf(out, size, "%d.%d.%d", d, m, y);
        else if (with_time)
                snprintf(out, size, "%04d-%02d-%02d %02d:%02d", y, m, d, tm->tm_hour,
                         tm->tm_min);
        else
                snprintf(out, size, "%04d-%02d-%02d", y, m, d);
        return out;
}

static struct tm local_tm(int64_t t)
{
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        return tm;
}

char *rk_format_day(int64_t t, char *out, size_t size)
{
        struct tm tm = local_tm(t);
        return write_tm(&tm, false, out, size);
}

char *rk_format_time(int64_t t, char *out, size_t size)
{
        struct tm tm = local_tm(t);
        return write_tm(&tm, true, out, size);
}

/* "HH:MM" or "HH:MM:SS" at s, then end or (utc) "Z"; fields into tm. */
static bool parse_clock(const char *s, bool utc, struct tm *tm)
{
        int h, mi, sec = 0, n = 0;
        if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
                return false;
        s += n;
        if (s[0] == ':') {
                if (sscanf(s, ":%2d%n", &sec, &n) != 1 || n != 3)
                        return false;
                s += n;
        }
        if (strcmp(s, utc ? "Z" : "") != 0)
                return false;
        if (h > 23 || mi > 59 || sec > 60)
                return false;
        tm->tm_hour = h;
        tm->tm_min = mi;
        tm->tm_sec = sec;
        return true;
}

/*
 * Reads text into a local struct tm; *has_time says whether it had a time.
 * False for anything that is not one of the forms format.h lists.
 */
static bool parse_text(const char *text, struct tm *tm, bool *has_time)
{
        char date[RK_DATE_TEXT];
        int y, m, d;
        if (text == NULL || strlen(text) < 10)
                return false;
        memcpy(date, text, 10);
        date[10] = '\0';
        if (!rk_date_parse(date, &y, &m, &d))
                return false;
        memset(tm, 0, sizeof(*tm));
        tm->tm_year = y - 1900;
        tm->tm_mon = m - 1;
        tm->tm_mday = d;
        *has_time = text[10] != '\0';
        if (!*has_time)
                return true;
        bool utc = text[10] == 'T';
        if ((text[10] != 'T' && text[10] != ' ') || !parse_clock(text + 11, utc, tm))
                return false;
        if (utc) {
                time_t t = timegm(tm);
                localtime_r(&t, tm);
        }
        return true;
}

static char *format_text(const char *text, bool with_time, char *out, size_t size)
{
        struct tm tm;
        bool has_time = false;
        if (!parse_text(text, &tm, &has_time)) {
                snprintf(out, size, "%s", text != NULL ? text : "");
                return out;
        }
        return write_tm(&tm, with_time && has_time, out, size);
}

char *rk_format_date_text(const char *text, char *out, size_t size)
{
        return format_text(text, true, out, size);
}

char *rk_format_day_text(const char *text, char *out, size_t size)
{
        return format_text(text, false, out, size);
}
