/*
 * cmd_check.c - `rekisteri check`: prove the register opens with the given
 * credentials and that every page is sound. Any unlock may run it, key
 * files included, so monitoring jobs can use it.
 */
#include "cli.h"
#include "rekisteri/rotation.h"

#include <stdio.h>

int cmd_check(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_register_check(rk_session_register(s), &err);
        char why[128] = "";
        int due = rc == RK_OK ? rk_rotation_due(s, why, sizeof(why)) : 0;
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        printf("ok\n");
        if (due == 1)
                printf("key rotation due: %s (run `rekisteri key rotate`)\n", why);
        return EXIT_OK;
}
