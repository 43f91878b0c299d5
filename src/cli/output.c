/*
 * output.c - every CLI line a person reads goes through the screen's
 * sanitiser (text.h): a stored value or an error message that carries a
 * terminal escape, a bidi override, a format character or invalid UTF-8
 * is printed with visible placeholders, as the screen would draw it.
 *
 * How it works: cli_safe() returns the sanitised copy of one value from a
 * small ring of heap buffers, so a printf with several values can call it
 * once per argument; each buffer is freed when the ring comes round to it
 * again (and the last ones at exit). cli_date() formats a stored date for
 * people (format.h: 4.12.2026 in fi and sv, ISO in en) and hands it to
 * cli_safe().
 */
#include "cli.h"
#include "rekisteri/audit_report.h"
#include "rekisteri/format.h"
#include "rekisteri/i18n.h"
#include "rekisteri/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING 16

static char *ring[RING];
static size_t next;

static void ring_free(void)
{
        for (size_t i = 0; i < RING; i++) {
                free(ring[i]);
                ring[i] = NULL;
        }
}

const char *cli_safe(const char *s)
{
        static bool registered;
        if (!registered)
                registered = atexit(ring_free) == 0;
        if (s == NULL)
                return "";
        free(ring[next]);
        ring[next] = rk_text_sanitize(s, strlen(s));
        const char *out = ring[next] != NULL ? ring[next] : "?";
        next = (next + 1) % RING;
        return out;
}

const char *cli_date(const char *text)
{
        char out[RK_FORMAT_SIZE];
        if (text == NULL || text[0] == '\0')
                return "-";
        return cli_safe(rk_format_date_text(text, out, sizeof(out)));
}

void cli_note_merged(const char *typed, const char *number)
{
        char as_number[RK_AUDIT_NUMBER_SIZE];
        if (rk_audit_subject_number(typed, as_number, NULL) == RK_OK &&
            number[0] != '\0' && strcmp(as_number, number) != 0)
                fprintf(stderr, _("%s was merged into %s.\n"), as_number,
                        cli_safe(number));
}
