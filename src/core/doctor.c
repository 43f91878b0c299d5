/*
 * doctor.c - checking a multi-user deployment (see doctor.h).
 *
 * How it works: each check is a short function that looks at one thing
 * (stat, the group and password databases, a file's lines, a socket) and
 * adds a finding through problem() or note(); a problem carries the exact
 * fix, written from the configured names and paths, so the administrator
 * can paste it. The checks only read: nothing is changed.
 *
 * sshd's effective configuration comes from `sshd -T -C user=...` for a
 * member of the staff group, so Match blocks are applied as they would be
 * at login. This is the one place the program starts another program: by
 * absolute path, with an empty environment, its output read through a
 * pipe, and only in this administrator's command.
 */
#include "rekisteri/doctor.h"
#include "rekisteri/i18n.h"
#include "rekisteri/dsr_outbox.h"
#include "rekisteri/error.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SSHD "/usr/sbin/sshd"

/* snprintf for texts that may be cut (paths in a message): cut is fine. */
static void put(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put(char *out, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out, size, fmt, ap);
        va_end(ap);
}

static int add(struct rk_doctor *d, int problem, const char *fix, const char *fmt,
               va_list ap)
{
        if (d->n == d->cap) {
                size_t cap = d->cap ? 2 * d->cap : 16;
                struct rk_doctor_item *g = realloc(d->items, cap * sizeof(*g));
                if (g == NULL) {
                        d->problems += problem != 0; /* counted, if not told */
                        return RK_ERR_NOMEM;
                }
                d->items = g;
                d->cap = cap;
        }
        struct rk_doctor_item *it = &d->items[d->n++];
        it->problem = problem;
        vsnprintf(it->what, sizeof(it->what), gettext(fmt), ap);
        snprintf(it->fix, sizeof(it->fix), "%s", fix ? fix : "");
        d->problems += problem != 0;
        return RK_OK;
}

static void doctor_problem(struct rk_doctor *d, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void doctor_problem(struct rk_doctor *d, const char *fix, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add(d, 1, fix, fmt, ap);
        va_end(ap);
}

static void doctor_note(struct rk_doctor *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void doctor_note(struct rk_doctor *d, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add(d, 0, NULL, fmt, ap);
        va_end(ap);
}

/* ---- groups and users ------------------------------------------------ */

/* Is user name (primary group pgid) in group gr? */
static bool in_group(const struct group *gr, const char *name, gid_t pgid)
{
        if (gr == NULL)
                return false;
        if (pgid == gr->gr_gid)
                return true;
        for (char **m = gr->gr_mem; *m != NULL; m++) {
                if (strcmp(*m, name) == 0)
                        return true;
        }
        return false;
}

/* Call fn for every user in group gid (primary or supplementary). The
 * group entry is copied first: getpwent may reuse getgrgid's buffers. */
static void each_member(gid_t gid,
                        void (*fn)(struct rk_doctor *, const struct passwd *,
                                   const struct rk_config *),
                        struct rk_doctor *d, const struct rk_config *cfg)
{
        setpwent();
        for (struct passwd *pw = getpwent(); pw != NULL; pw = getpwent()) {
                struct group *gr = getgrgid(gid);
                if (in_group(gr, pw->pw_name, pw->pw_gid))
                        fn(d, pw, cfg);
        }
        endpwent();
}

static bool member_of(const char *group, const struct passwd *pw)
{
        return in_group(getgrnam(group), pw->pw_name, pw->pw_gid);
}

static void check_file_group_member(struct rk_doctor *d, const struct passwd *pw,
                                    const struct rk_config *cfg)
{
        char fix[640];
        if (strcmp(pw->pw_name, cfg->retention_user) == 0)
                return;
        /* a fetching account reaches only the exports (sshd chroot) */
        if (member_of(cfg->fetch_group, pw) && !member_of(cfg->staff_group, pw))
                return;
        put(fix, sizeof(fix), "gpasswd -d %s %s", pw->pw_name, cfg->server_group);
        doctor_problem(d, fix,
                       "user %s is in the file group %s and can read the register files "
                       "directly; only the program (setgid) and %s should",
                       pw->pw_name, cfg->server_group, cfg->retention_user);
}

static void check_staff_member(struct rk_doctor *d, const struct passwd *pw,
                               const struct rk_config *cfg)
{
        static const char *const admin_groups[] = {"sudo", "wheel", "adm", "root"};
        char fix[640];
        d->checks++;
        for (size_t i = 0; i < sizeof(admin_groups) / sizeof(admin_groups[0]); i++) {
                if (!member_of(admin_groups[i], pw))
                        continue;
                put(fix, sizeof(fix),
                    "gpasswd -d %s %s   (give the person a second, staff-only "
                    "account for the register)",
                    pw->pw_name, cfg->staff_group);
                doctor_problem(
                    d, fix,
                    "user %s is staff (%s) and an administrator (%s): sshd gives "
                    "staff accounts only the register, so %s has no shell",
                    pw->pw_name, cfg->staff_group, admin_groups[i], pw->pw_name);
                return;
        }
}

static void check_groups(struct rk_doctor *d, const struct rk_config *cfg)
{
        char fix[640];
        struct group *g = getgrnam(cfg->server_group);
        d->checks += 2;
        if (g == NULL) {
                put(fix, sizeof(fix), "groupadd --system %s", cfg->server_group);
                doctor_problem(d, fix, "the file group %s does not exist",
                               cfg->server_group);
        } else {
                each_member(g->gr_gid, check_file_group_member, d, cfg);
        }
        struct group *s = getgrnam(cfg->staff_group);
        if (s == NULL) {
                put(fix, sizeof(fix), "groupadd %s", cfg->staff_group);
                doctor_problem(d, fix, "the staff group %s does not exist",
                               cfg->staff_group);
                return;
        }
        size_t before = d->checks;
        each_member(s->gr_gid, check_staff_member, d, cfg);
        if (d->checks == before)
                doctor_note(d,
                            "no one is in the staff group %s yet (usermod -aG %s NAME)",
                            cfg->staff_group, cfg->staff_group);
}

/* ---- files ------------------------------------------------------------- */

/* Check path's owner (uid, or -1 for any), group and mode; fix names both. */
static void check_mode(struct rk_doctor *d, const struct rk_config *cfg, const char *path,
                       const char *what, int uid, mode_t want, bool required,
                       const char *missing)
{
        struct stat st;
        char fix[640];
        d->checks++;
        if (stat(path, &st) != 0) {
                if (required)
                        doctor_problem(d, missing, "%s %s: %s", _(what), path,
                                       strerror(errno));
                return;
        }
        struct group *g = getgrnam(cfg->server_group);
        bool bad_owner = uid >= 0 && st.st_uid != (uid_t)uid;
        bool bad_group = g == NULL || st.st_gid != g->gr_gid;
        bool bad_mode = (st.st_mode & 07777) != want;
        if (!bad_owner && !bad_group && !bad_mode)
                return;
        if (uid >= 0)
                put(fix, sizeof(fix), "chown root:%s %s && chmod %04o %s",
                    cfg->server_group, path, (unsigned)want, path);
        else
                put(fix, sizeof(fix), "chgrp %s %s && chmod %04o %s", cfg->server_group,
                    path, (unsigned)want, path);
        struct group *have = getgrgid(st.st_gid);
        struct passwd *owner = getpwuid(st.st_uid);
        doctor_problem(d, fix, "%s %s is %s:%s %04o, not %s:%s %04o", _(what), path,
                       owner ? owner->pw_name : "?", have ? have->gr_name : "?",
                       (unsigned)(st.st_mode & 07777), uid >= 0 ? "root" : "*",
                       cfg->server_group, (unsigned)want);
}

/* The export directory, when there is one: files/ shared like the
 * register, its parent sshd's chroot for the fetching group (root's, and
 * writable by no one else, or sshd refuses the login). */
static void check_exports(struct rk_doctor *d, const struct rk_config *cfg,
                          const char *db_path)
{
        char files[PATH_MAX], parent[PATH_MAX], fix[640];
        struct stat st;
        if (!rk_dsr_outbox_dir(cfg, db_path, files, sizeof(files)))
                return;
        check_mode(d, cfg, files, N_("the export directory"), 0, 02770, true, NULL);
        snprintf(parent, sizeof(parent), "%s", files);
        dirname(parent);
        d->checks++;
        if (stat(parent, &st) == 0 &&
            (st.st_uid != 0 || st.st_gid != 0 || (st.st_mode & 07777) != 0755)) {
                put(fix, sizeof(fix), "chown root:root %s && chmod 0755 %s", parent,
                    parent);
                doctor_problem(
                    d, fix,
                    "%s is not root:root 0755: sshd refuses it as the fetching "
                    "account's chroot",
                    parent);
        }
        if (getgrnam(cfg->fetch_group) == NULL) {
                put(fix, sizeof(fix), "groupadd %s", cfg->fetch_group);
                doctor_problem(d, fix, "the fetch group %s does not exist",
                               cfg->fetch_group);
        }
}

static void check_files(struct rk_doctor *d, const struct rk_config *cfg,
                        const char *db_path)
{
        char dir[PATH_MAX], path[PATH_MAX + 16];
        static const struct {
                const char *suffix;
                mode_t mode;
        } beside[] = {
            {".keys", 0660},     {".erased", 0660}, {"-wal", 0660},
            {"-shm", 0660},      {".open", 0660}, /* the opening lock (openlock.c) */
            {".turn", 0660},                      /* the writers' turns (turn.c) */
            {".serverkey", 0640}};                /* read-only key */
        char init[640];
        check_mode(d, cfg, cfg->binary, N_("the program"), 0, 02755, true,
                   "meson install -C build   (from the source tree, as root)");
        snprintf(dir, sizeof(dir), "%s", db_path);
        check_mode(d, cfg, dirname(dir), N_("the register directory"), 0, 02770, true,
                   "meson install -C build   (creates it), or rekisteri init");
        put(init, sizeof(init), "rekisteri init --db %s --admin NAME   (as root)",
            db_path);
        check_mode(d, cfg, db_path, N_("the register"), -1, 0660, true, init);
        check_exports(d, cfg, db_path);
        for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
                snprintf(path, sizeof(path), "%s%s", db_path, beside[i].suffix);
                check_mode(d, cfg, path, N_("the register's file"), -1, beside[i].mode,
                           i == 0,
                           "restore the slot file from the backup (restore --from)");
        }
}

/* ---- the retention job ------------------------------------------------- */

/* Which of the n lines want[] begin a line of the unit file at path
 * (found[i]); 0, or the errno of a file that cannot be read to its end
 * (a read error is not the end of the file: a unit that cannot be read
 * is not one that lacks a line). */
static int unit_lines(const char *path, const char *const *want, bool *found, size_t n)
{
        FILE *f = fopen(path, "r");
        char line[1024];
        int e = 0;
        for (size_t i = 0; i < n; i++)
                found[i] = false;
        if (f == NULL)
                return errno;
        errno = 0;
        while (fgets(line, sizeof(line), f) != NULL) {
                for (size_t i = 0; i < n; i++)
                        found[i] |= strncmp(line, want[i], strlen(want[i])) == 0;
        }
        if (ferror(f))
                e = errno ? errno : EIO;
        fclose(f);
        return e;
}

/* The retention unit runs the job as its user, with its key file. */
static void check_retention_unit(struct rk_doctor *d, const struct rk_config *cfg)
{
        char fix[640], user[PATH_MAX + 16], run[PATH_MAX * 2 + 32],
            exec[PATH_MAX * 2 + 64];
        put(user, sizeof(user), "User=%s\n", cfg->retention_user);
        put(run, sizeof(run), "%s retention run --keyfile %s", cfg->binary,
            cfg->retention_keyfile);
        put(exec, sizeof(exec), "ExecStart=%s", run);
        const char *const want[] = {user, exec};
        bool found[2];
        int e = unit_lines(cfg->retention_unit, want, found, 2);
        if (e != 0) {
                put(fix, sizeof(fix),
                    "replace %s with a readable copy of %s/systemd/"
                    "rekisteri-retention.service (User=%s, ExecStart=%s), then "
                    "systemctl daemon-reload",
                    cfg->retention_unit, RK_DATADIR, cfg->retention_user, run);
                doctor_problem(d, fix, "the retention unit %s cannot be read: %s",
                               cfg->retention_unit, strerror(e));
                return;
        }
        if (!found[0]) {
                put(fix, sizeof(fix), "set User=%s in %s, then systemctl daemon-reload",
                    cfg->retention_user, cfg->retention_unit);
                doctor_problem(d, fix, "%s does not run as %s", cfg->retention_unit,
                               cfg->retention_user);
        }
        if (!found[1]) {
                put(fix, sizeof(fix), "set %s in %s, then systemctl daemon-reload", exec,
                    cfg->retention_unit);
                doctor_problem(d, fix, "%s does not run %s with the key file %s",
                               cfg->retention_unit, cfg->binary, cfg->retention_keyfile);
        }
}

static void check_retention(struct rk_doctor *d, const struct rk_config *cfg)
{
        char fix[640], dir[PATH_MAX];
        struct passwd *pw = getpwnam(cfg->retention_user);
        struct stat st;
        d->checks += 3;
        if (pw == NULL) {
                put(fix, sizeof(fix),
                    "useradd --system --gid %s --no-create-home --shell "
                    "/usr/sbin/nologin %s",
                    cfg->server_group, cfg->retention_user);
                doctor_problem(d, fix, "the retention job's user %s does not exist",
                               cfg->retention_user);
                return;
        }
        if (!member_of(cfg->server_group, pw)) {
                put(fix, sizeof(fix), "usermod -aG %s %s", cfg->server_group,
                    cfg->retention_user);
                doctor_problem(d, fix,
                               "the retention user %s is not in the file group %s",
                               cfg->retention_user, cfg->server_group);
        }
        if (stat(cfg->retention_keyfile, &st) != 0) {
                put(fix, sizeof(fix),
                    "rekisteri key add-file --label retention --roles retention "
                    "--out %s --user ADMIN --password-stdin --totp CODE && chown "
                    "%s:%s %s",
                    cfg->retention_keyfile, cfg->retention_user, cfg->server_group,
                    cfg->retention_keyfile);
                doctor_problem(d, fix, "the retention key file %s: %s",
                               cfg->retention_keyfile, strerror(errno));
        } else if (st.st_uid != pw->pw_uid || (st.st_mode & 077) != 0) {
                put(fix, sizeof(fix), "chown %s:%s %s && chmod 0600 %s",
                    cfg->retention_user, cfg->server_group, cfg->retention_keyfile,
                    cfg->retention_keyfile);
                doctor_problem(
                    d, fix,
                    "the retention key file %s must belong to %s and be readable "
                    "by no one else (mode %04o)",
                    cfg->retention_keyfile, cfg->retention_user,
                    (unsigned)(st.st_mode & 07777));
        }
        if (access(cfg->retention_unit, R_OK) != 0) {
                put(fix, sizeof(fix),
                    "cp %s/systemd/rekisteri-retention.* %s/ && systemctl "
                    "daemon-reload && systemctl enable --now "
                    "rekisteri-retention.timer",
                    RK_DATADIR, dirname(strcpy(dir, cfg->retention_unit)));
                doctor_problem(d, fix, "the retention timer is not installed (%s)",
                               cfg->retention_unit);
                return;
        }
        check_retention_unit(d, cfg);
}

/* ---- sshd -------------------------------------------------------------- */

/* The first member of the staff group, or "" when there is none. */
static void first_staff(const struct rk_config *cfg, char *out, size_t size)
{
        struct group *s = getgrnam(cfg->staff_group);
        out[0] = '\0';
        if (s == NULL)
                return;
        gid_t gid = s->gr_gid;
        setpwent();
        for (struct passwd *pw = getpwent(); pw != NULL && out[0] == '\0';
             pw = getpwent()) {
                if (in_group(getgrgid(gid), pw->pw_name, pw->pw_gid))
                        snprintf(out, size, "%s", pw->pw_name);
        }
        endpwent();
}

/* Run sshd -T for user into out (NUL-terminated); -1 when it could not run. */
static int sshd_effective(const struct rk_config *cfg, const char *user, char *out,
                          size_t size)
{
        char spec[320];
        int fds[2];
        put(spec, sizeof(spec), "user=%s,host=doctor.invalid,addr=127.0.0.1", user);
        char *const argv[] = {SSHD, "-T", "-f", (char *)cfg->sshd_config,
                              "-C", spec, NULL};
        char *const envp[] = {NULL};
        if (pipe2(fds, O_CLOEXEC) != 0)
                return -1;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        int rc = posix_spawn(&pid, SSHD, &fa, NULL, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        size_t n = 0;
        ssize_t got = 0;
        while (rc == 0 && n + 1 < size &&
               ((got = read(fds[0], out + n, size - n - 1)) > 0 ||
                (got < 0 && errno == EINTR)))
                n += got > 0 ? (size_t)got : 0;
        out[n] = '\0';
        close(fds[0]);
        int status = 0;
        if (rc == 0 && waitpid(pid, &status, 0) < 0)
                rc = -1;
        /* a read error is not the end of sshd's output: what was read is
         * not its whole configuration */
        if (got < 0)
                rc = -1;
        return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The value of keyword in sshd -T output (lower-case "key value" lines). */
static const char *sshd_value(const char *text, const char *key, char *out, size_t size)
{
        size_t klen = strlen(key);
        out[0] = '\0';
        for (const char *l = text; l != NULL && *l != '\0';) {
                const char *end = strchr(l, '\n');
                size_t len = end ? (size_t)(end - l) : strlen(l);
                if (len > klen && strncmp(l, key, klen) == 0 && l[klen] == ' ') {
                        snprintf(out, size, "%.*s", (int)(len - klen - 1), l + klen + 1);
                        break;
                }
                l = end ? end + 1 : NULL;
        }
        return out;
}

static void check_sshd(struct rk_doctor *d, const struct rk_config *cfg)
{
        static const struct {
                const char *key, *want;
        } lines[] = {{"permittty", "yes"},
                     {"disableforwarding", "yes"},
                     {"permituserrc", "no"},
                     {"maxsessions", "1"}};
        char user[64], fix[640], value[PATH_MAX];
        char *text = malloc(65536);
        d->checks++;
        first_staff(cfg, user, sizeof(user));
        put(fix, sizeof(fix),
            "cp %s/sshd_config.d/rekisteri.conf /etc/ssh/sshd_config.d/ (Match Group "
            "%s, ForceCommand %s), then sshd -t && systemctl reload ssh",
            RK_DATADIR, cfg->staff_group, cfg->binary);
        if (text == NULL || user[0] == '\0') {
                if (text != NULL)
                        doctor_note(d,
                                    "sshd not checked: no staff account to check it for");
                free(text);
                return;
        }
        if (access(SSHD, X_OK) != 0 || sshd_effective(cfg, user, text, 65536) != 0) {
                doctor_problem(
                    d, "apt-get install openssh-server; sshd -t -f CONFIG shows why",
                    "sshd -T -f %s for %s did not run (is openssh-server installed "
                    "and the configuration valid?)",
                    cfg->sshd_config, user);
                free(text);
                return;
        }
        sshd_value(text, "forcecommand", value, sizeof(value));
        size_t blen = strlen(cfg->binary);
        if (strncmp(value, cfg->binary, blen) != 0 ||
            (value[blen] != '\0' && value[blen] != ' '))
                doctor_problem(
                    d, fix,
                    "sshd does not force the register on staff: for %s the forced "
                    "command is '%s', not %s",
                    user, value[0] ? value : "none", cfg->binary);
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
                if (strcmp(sshd_value(text, lines[i].key, value, sizeof(value)),
                           lines[i].want) != 0)
                        doctor_problem(d, fix, "sshd gives staff (%s) %s %s, not %s",
                                       user, lines[i].key, value[0] ? value : "unset",
                                       lines[i].want);
        }
        free(text);
}

/* ---- syslog and the controller ---------------------------------------- */

static void check_syslog(struct rk_doctor *d, const struct rk_config *cfg)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int ok = -1;
        d->checks++;
        put(sa.sun_path, sizeof(sa.sun_path), "%s", cfg->syslog_socket);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd >= 0)
                ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        if (fd >= 0)
                close(fd);
        if (ok != 0)
                doctor_problem(
                    d,
                    "apt-get install rsyslog (or run systemd-journald); then "
                    "install the fail2ban filter (README)",
                    "nothing listens on the syslog socket %s: failed logins are "
                    "lost and fail2ban bans no one",
                    cfg->syslog_socket);
}

static void check_controller(struct rk_doctor *d, const struct rk_config *cfg)
{
        char fix[640];
        const char *src = cfg->source[0] ? cfg->source : RK_CONFIG_DEFAULT_PATH;
        d->checks += 2;
        if (cfg->company_name[0] == '\0') {
                put(fix, sizeof(fix),
                    "set company_name = YOUR COMPANY in [register] of %s", src);
                doctor_problem(
                    d, fix,
                    "company_name is empty: access exports name no controller, and "
                    "passwords may contain the company's name");
        }
        if (cfg->controller_contact[0] == '\0') {
                put(fix, sizeof(fix),
                    "set controller_contact = ADDRESS OR E-MAIL in [register] of %s",
                    src);
                doctor_problem(
                    d, fix,
                    "controller_contact is empty: access exports do not say how the "
                    "person reaches you about their data");
        }
}

int rk_doctor_run(const struct rk_config *cfg, const char *db_path, struct rk_doctor *d)
{
        memset(d, 0, sizeof(*d));
        check_files(d, cfg, db_path);
        check_groups(d, cfg);
        check_retention(d, cfg);
        check_sshd(d, cfg);
        check_syslog(d, cfg);
        check_controller(d, cfg);
        return RK_OK;
}

void rk_doctor_free(struct rk_doctor *d)
{
        free(d->items);
        memset(d, 0, sizeof(*d));
}
