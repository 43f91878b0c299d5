/*
 * print.c - values printed for people by the command-line front end:
 * sanitised for the terminal (rk_text_sanitize) and padded by display
 * width, so a column stays straight after "ä", "€" or a no-break space
 * (printf's widths count bytes).
 */
#include "cli.h"
#include "rekisteri/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_print_cell(const char *text, int width, bool right, const char *after)
{
        const char *v = text != NULL && text[0] != '\0' ? text : "-";
        char *safe = rk_text_sanitize(v, strlen(v));
        int pad = width - (safe ? rk_text_width(safe) : 1);
        if (right)
                printf("%*s", pad > 0 ? pad : 0, "");
        fputs(safe ? safe : "?", stdout);
        if (!right)
                printf("%*s", pad > 0 ? pad : 0, "");
        fputs(after, stdout);
        free(safe);
}
