/*
 * progress.c - the progress bar of long commands (a retention run, the
 * duplicate search): "[#####.....] 1234/5000" on standard error, redrawn
 * in place, ended with a newline when done reaches total. Commands pass
 * it to core only when standard error is a terminal. The one-time search
 * index rebuild at opening says first what the wait is for.
 */
#include "cli.h"
#include "rekisteri/i18n.h"

#include <inttypes.h>
#include <stdio.h>

#define BAR_WIDTH 30

void cli_progress_bar(void *ctx, int64_t done, int64_t total)
{
        (void)ctx;
        char bar[BAR_WIDTH + 1];
        int fill = total > 0 ? (int)(done * BAR_WIDTH / total) : BAR_WIDTH;
        for (int i = 0; i < BAR_WIDTH; i++)
                bar[i] = i < fill ? '#' : '.';
        bar[BAR_WIDTH] = '\0';
        fprintf(stderr, "\r[%s] %" PRId64 "/%" PRId64, bar, done, total);
        if (done >= total)
                fputc('\n', stderr);
        fflush(stderr);
}

void cli_reindex_progress(void *ctx, int64_t done, int64_t total)
{
        bool *told = ctx;
        if (!*told)
                fprintf(stderr,
                        _("Updating the search index for this version of rekisteri, once "
                          "(%" PRId64 " customers)\n"),
                        total);
        *told = true;
        cli_progress_bar(NULL, done, total);
}
