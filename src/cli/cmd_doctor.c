/*
 * cmd_doctor.c - `rekisteri doctor`: check a server deployment and print
 * each problem with the command that fixes it (core: doctor.c). It opens
 * no register and needs no login; run it as root after installing, after
 * an upgrade, and whenever staff cannot log in. Exit status 0 when nothing
 * is wrong, 1 when something is.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/doctor.h"

#include <stdio.h>

int cmd_doctor(struct cli *c)
{
        struct rk_doctor d;
        rk_doctor_run(&c->cfg, c->db_path, &d);
        printf(_("rekisteri doctor: %s, register %s\n"),
               c->cfg.source[0] ? c->cfg.source : _("built-in defaults"), c->db_path);
        for (size_t i = 0; i < d.n; i++) {
                const struct rk_doctor_item *it = &d.items[i];
                printf("%s: %s\n", it->problem ? _("PROBLEM") : _("note"), it->what);
                if (it->fix[0] != '\0')
                        printf(_("  fix: %s\n"), it->fix);
        }
        if (d.problems == 0)
                printf(ngettext("OK: %zu check, no problems\n",
                                "OK: %zu checks, no problems\n", (unsigned long)d.checks),
                       d.checks);
        else
                /* TRANSLATORS: problems found, checks made */
                printf(ngettext("%zu problem in %zu checks\n",
                                "%zu problems in %zu checks\n",
                                (unsigned long)d.problems),
                       d.problems, d.checks);
        int rc = d.problems == 0 ? EXIT_OK : EXIT_ERROR;
        rk_doctor_free(&d);
        return rc;
}
