/*
 * doctor.h - `rekisteri doctor`: checks a multi-user deployment and says,
 * for every problem found, the exact command that fixes it.
 *
 * What is checked (names and paths from [server] and [register] of the
 * configuration): the binary (root, the file group, setgid, 2755); the
 * register's directory (2770) and files (0660, the file group: the
 * register, its slot file, -wal, -shm, the erasure ledger, the opening
 * lock .open and the writers' queue .turn); the file
 * group, the staff group and who is in them (staff must not be in the
 * file group, nor be administrators: sshd gives them only the register);
 * the retention job's user, key file and installed systemd unit; sshd's
 * effective configuration for a staff account (`sshd -T`); the syslog
 * socket that failed logins go to; company_name and controller_contact.
 * Run it as root: an ordinary user cannot read everything it checks.
 */
#ifndef REKISTERI_DOCTOR_H
#define REKISTERI_DOCTOR_H

#include "rekisteri/config.h"

#include <stddef.h>

/* One finding: a problem (with its fix) or a note (good to know). */
struct rk_doctor_item {
        int problem;    /* 1 problem, 0 note */
        char what[320]; /* what was found */
        char fix[640];  /* the command(s) or edit that fix it; "" for a note */
};

struct rk_doctor {
        struct rk_doctor_item *items;
        size_t n, cap;
        size_t problems;
        size_t checks; /* how many things were checked */
};

/*
 * rk_doctor_run - check the deployment of cfg (read from config_path, ""
 * for built-in defaults) with its register at db_path. Fills d (zeroed
 * first; free with rk_doctor_free). Returns RK_OK when the checks ran
 * (d->problems says whether they found anything; a problem that could
 * not be stored for lack of memory is still counted there).
 */
int rk_doctor_run(const struct rk_config *cfg, const char *db_path, struct rk_doctor *d);

/* rk_doctor_free - release d's items. */
void rk_doctor_free(struct rk_doctor *d);

#endif
