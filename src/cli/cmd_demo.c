/*
 * cmd_demo.c - `rekisteri demo`: create a demo register (demo.h), write
 * the accounts to PATH.users (0600, "username role password totp_secret"
 * per line) and print them with the recovery key. Progress goes to stderr
 * when it is a terminal.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/demo.h"
#include "rekisteri/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A whole decimal number in lo..hi, else -1. */
static long long parse_count(const char *s, long long lo, long long hi)
{
        char *end;
        errno = 0;
        if (s == NULL || *s < '0' || *s > '9')
                return -1;
        long long v = strtoll(s, &end, 10);
        return errno == 0 && *end == '\0' && v >= lo && v <= hi ? v : -1;
}

static int parse_demo_options(const struct cli *c, struct rk_demo_options *opt)
{
        opt->customers = RK_DEMO_DEFAULT_CUSTOMERS;
        opt->seed = 1;
        if (c->customers != NULL &&
            (opt->customers = parse_count(c->customers, 1, RK_DEMO_MAX_CUSTOMERS)) < 0)
                return cli_usage_error("--customers takes a whole number from 1 to %d",
                                       RK_DEMO_MAX_CUSTOMERS);
        long long seed = c->seed != NULL ? parse_count(c->seed, 0, LLONG_MAX) : 1;
        if (seed < 0)
                return cli_usage_error("--seed takes a whole number from 0 up");
        opt->seed = (uint64_t)seed;
        return 0;
}

static void on_progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
        (void)ctx;
        fputc('\r', stderr);
        fprintf(stderr, _("%s %lld / %lld"), _(stage), (long long)done, (long long)total);
        if (done == total)
                fputc('\n', stderr);
        fflush(stderr);
}

/* Write the accounts to fd: "username role password totp_secret" lines. */
static int write_users(int fd, const char *path, const struct rk_demo_user *users,
                       struct rk_error *err)
{
        FILE *f = fdopen(fd, "w");
        if (f == NULL) {
                close(fd);
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        }
        for (int i = 0; i < RK_DEMO_USERS; i++)
                fprintf(f, "%s %s %s %s\n", users[i].name, users[i].role,
                        users[i].password, users[i].totp_secret);
        int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        return bad ? rk_error_set(err, RK_ERR_IO, "cannot write %s", path) : RK_OK;
}

static void show_users(const char *users_path, const struct rk_demo_user *users)
{
        /* 10 + 1 + 10 + 1 + 24 + 1 + 32 = 79 columns: fits an 80-column terminal */
        printf(_("Accounts, also in\n  %s\n(readable by you alone; delete it when the "
                 "passwords are noted):\n\n"),
               users_path);
        cli_print_cell(_("username"), 10, false, " ");
        cli_print_cell(_("role"), 10, false, " ");
        cli_print_cell(_("password"), 24, false, " ");
        cli_print_cell(_("TOTP secret"), 0, false, "\n");
        for (int i = 0; i < RK_DEMO_USERS; i++)
                printf("%-10s %-10s %-24s %s\n", users[i].name, users[i].role,
                       users[i].password, users[i].totp_secret);
        printf("\n");
}

int cmd_demo(struct cli *c)
{
        struct rk_error err;
        struct rk_demo_options opt;
        char users_path[PATH_MAX];
        rk_error_clear(&err);
        int urc = parse_demo_options(c, &opt);
        if (urc != 0)
                return urc;
        if (snprintf(users_path, sizeof(users_path), "%s.users", c->db_path) >=
            (int)sizeof(users_path))
                return cli_usage_error("the register path is too long");
        /* Claim PATH.users first: never over an existing file. */
        int fd = open(users_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
                rk_error_set(&err, errno == EEXIST ? RK_ERR_EXISTS : RK_ERR_IO,
                             "%s: %s; refusing to overwrite", users_path,
                             strerror(errno));
                return cli_fail(&err);
        }
        struct rk_demo_user *users = rk_secret_alloc(RK_DEMO_USERS * sizeof(*users));
        char *recovery = rk_secret_alloc(RK_RECOVERY_KEY_CHARS);
        char *audit_key = rk_secret_alloc(RK_AUDIT_KEY_TEXT);
        int rc = users && recovery && audit_key
                     ? RK_OK
                     : rk_error_set(&err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = rk_demo_create(&c->cfg, c->db_path, &opt, users, recovery, audit_key,
                                    isatty(STDERR_FILENO) ? on_progress : NULL, NULL,
                                    &err);
        if (rc == RK_OK) {
                rc = write_users(fd, users_path, users, &err);
                fd = -1;
        }
        if (rc == RK_OK) {
                cli_show_keys(c->db_path, "admin", recovery, audit_key);
                printf(_("\nDemo data: %lld customers from seed %llu.\n\n"),
                       (long long)opt.customers, (unsigned long long)opt.seed);
                show_users(users_path, users);
        }
        if (fd >= 0)
                close(fd);
        if (rc != RK_OK)
                unlink(users_path);
        rk_secret_free(users);
        rk_secret_free(recovery);
        rk_secret_free(audit_key);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
