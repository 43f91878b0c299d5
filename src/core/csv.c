/*
 * csv.c - formula-safe CSV cells (see csv.h).
 */
#include "rekisteri/csv.h"

#include <string.h>

bool rk_csv_is_formula(const char *text)
{
        return text != NULL && text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
}

int rk_csv_cell(FILE *f, const char *text, bool last)
{
        const char *t = text ? text : "";
        int bad = fputc('"', f) == EOF;
        if (rk_csv_is_formula(t))
                bad |= fputc('\'', f) == EOF;
        for (; *t; t++) {
                if (*t == '"')
                        bad |= fputc('"', f) == EOF;
                bad |= fputc(*t, f) == EOF;
        }
        bad |= fputc('"', f) == EOF;
        bad |= fputs(last ? "\r\n" : ",", f) == EOF;
        return bad ? -1 : 0;
}
