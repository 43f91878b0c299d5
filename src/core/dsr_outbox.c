/*
 * dsr_outbox.c - the export directory of a register (see dsr_outbox.h).
 *
 * How it works: the directory is read with opendir; only names of the
 * form dsr-<digits>.json or dsr-<digits>.txt count (anything else there is
 * not ours to list or delete). A file's age is its modification time
 * against the clock (rk_clock_now). Pruning records the audit row first,
 * in its own transaction, then unlinks: a deletion that fails adds a row
 * saying "failed" and leaves the file for the next run.
 */
#include "rekisteri/dsr_outbox.h"
#include "rekisteri/clock.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY 86400

int rk_dsr_outbox_dir(const struct rk_config *cfg, const char *db_path, char *out,
                      size_t size)
{
        char dir[PATH_MAX];
        struct stat st;
        if (cfg->export_dir[0] != '\0') {
                snprintf(out, size, "%s", cfg->export_dir);
        } else {
                snprintf(dir, sizeof(dir), "%s", db_path);
                snprintf(out, size, "%.*s-exports/files", (int)(size - 20), dirname(dir));
        }
        return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dsr-<digits>.json or dsr-<digits>.txt */
static int ours(const char *name)
{
        if (strncmp(name, "dsr-", 4) != 0)
                return 0;
        size_t d = strspn(name + 4, "0123456789");
        const char *ext = name + 4 + d;
        return d > 0 && (strcmp(ext, ".json") == 0 || strcmp(ext, ".txt") == 0);
}

static int by_age(const void *a, const void *b)
{
        const struct rk_dsr_outbox_file *x = a, *y = b;
        if (x->age_days != y->age_days)
                return x->age_days < y->age_days ? 1 : -1;
        return strcmp(x->name, y->name);
}

int rk_dsr_outbox_list(const struct rk_config *cfg, const char *db_path,
                       struct rk_dsr_outbox_file **out, size_t *n, struct rk_error *err)
{
        char dir[PATH_MAX], path[PATH_MAX + 260];
        size_t cap = 0;
        int rc = RK_OK;
        *out = NULL;
        *n = 0;
        if (!rk_dsr_outbox_dir(cfg, db_path, dir, sizeof(dir)))
                return RK_OK;
        DIR *d = opendir(dir);
        if (d == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", dir, strerror(errno));
        int64_t now = rk_clock_now();
        for (struct dirent *e = readdir(d); e != NULL && rc == RK_OK; e = readdir(d)) {
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (!ours(e->d_name) || strlen(e->d_name) >= 64 ||
                    lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
                        continue;
                if (*n == cap) {
                        cap = cap ? 2 * cap : 16;
                        struct rk_dsr_outbox_file *g = realloc(*out, cap * sizeof(*g));
                        if (g == NULL) {
                                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                                break;
                        }
                        *out = g;
                }
                struct rk_dsr_outbox_file *f = &(*out)[(*n)++];
                memcpy(f->name, e->d_name, strlen(e->d_name) + 1); /* < 64, checked */
                f->age_days = now > st.st_mtime ? (now - st.st_mtime) / DAY : 0;
                f->delete_in =
                    cfg->export_days > f->age_days ? cfg->export_days - f->age_days : 0;
        }
        closedir(d);
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        } else if (*n > 1) {
                qsort(*out, *n, sizeof(**out), by_age);
        }
        return rc;
}

int rk_dsr_outbox_prune(struct rk_session *s, size_t *deleted, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        const struct rk_config *cfg = rk_register_config(reg);
        const struct rk_grants *g = rk_session_grants(s);
        struct rk_dsr_outbox_file *f = NULL;
        char dir[PATH_MAX], path[PATH_MAX + 260];
        size_t n = 0;
        *deleted = 0;
        if (!rk_authorize_action(g, RK_ACTION_RETENTION) &&
            !rk_authorize_action(g, RK_ACTION_REQUESTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "deleting old exports needs the retention or the "
                                    "requests permission");
        int rc = rk_dsr_outbox_list(cfg, rk_register_path(reg), &f, &n, err);
        rk_dsr_outbox_dir(cfg, rk_register_path(reg), dir, sizeof(dir));
        for (size_t i = 0; i < n && rc == RK_OK; i++) {
                if (f[i].age_days < cfg->export_days)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, f[i].name);
                /* recorded before it goes: no deletion the trail does not know */
                rc = rk_session_audit(s, "dsr.export_delete", 0, "", rk_session_place(s),
                                      "ok", f[i].name, err);
                if (rc == RK_OK && unlink(path) != 0 && errno != ENOENT)
                        rc = rk_session_audit(s, "dsr.export_delete", 0, "",
                                              rk_session_place(s), "failed", f[i].name,
                                              err);
                else if (rc == RK_OK)
                        (*deleted)++;
        }
        free(f);
        return rc;
}
