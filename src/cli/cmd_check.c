/*
 * cmd_check.c - `rekisteri check`: prove the register opens with the given
 * credentials and that every page is sound. Any unlock may run it, key
 * files included, so monitoring jobs can use it. It also reports scrub
 * work a forgetting still owes (forget.h) and how long it has been owed:
 * opening the session already tried to finish it, so what is listed is
 * held up (a reader, a full disk) and finishes by itself later.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/rotation.h"

#include "rekisteri/clock.h"
#include "rekisteri/forget.h"

#include <stdio.h>

/* Seconds since a debt began, or -1 for no debt. */
static long long owed_for(int64_t since)
{
        if (since == 0)
                return -1;
        long long age = (long long)(rk_clock_now() - since);
        return age < 0 ? 0 : age;
}

int cmd_check(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        struct rk_scrub_debt debt;
        if (rc == RK_OK)
                rc = rk_register_check(rk_session_register(s), &err);
        if (rc == RK_OK)
                rc = rk_forget_debt(rk_register_db(rk_session_register(s)), &debt, &err);
        char why[128] = "";
        int due = rc == RK_OK ? rk_rotation_due(s, why, sizeof(why)) : 0;
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        printf("%s\n", _("ok"));
        long long age = owed_for(debt.index_since);
        if (age >= 0)
                printf(_("pending after a forgetting: merging the search index, owed for "
                         "%lld s (old index segments still hold terms of forgotten "
                         "people); it finishes by itself at the next command or session "
                         "end\n"),
                       age);
        age = owed_for(debt.wal_since);
        if (age >= 0)
                printf(
                    _("pending after a forgetting: truncating the write-ahead log, owed "
                      "for %lld s (old page images stay in it while another session "
                      "reads); it finishes by itself at the next command or session "
                      "end\n"),
                    age);
        if (due == 1)
                printf(_("key rotation due: %s (run `rekisteri key rotate`)\n"), why);
        return EXIT_OK;
}
