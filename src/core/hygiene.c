/*
 * hygiene.c - process hardening: no core files, no ptrace, private files,
 * and, when privileged (setgid), a clean environment, an allowlisted TERM
 * and register paths that nobody else can swap.
 *
 * The environment is rebuilt from pointers into the old one (nothing is
 * copied); TERM is then replaced with setenv() when it is not trusted.
 * Path checks walk from the file up to "/" with stat(), after realpath()
 * on the directory, so a symlink cannot hide a writable directory.
 *
 * Sanitizer builds keep the process dumpable: LeakSanitizer stops the world
 * with ptrace, which PR_SET_DUMPABLE 0 forbids. Those builds exist only for
 * the test suite; release builds always drop dumpability.
 */
#include "rekisteri/hygiene.h"
#include "rekisteri/i18n.h"

#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define RK_KEEP_DUMPABLE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RK_KEEP_DUMPABLE 1
#endif
#endif

#ifdef RK_KEEP_DUMPABLE
/* A setgid process that another user started is not dumpable whatever we
 * do, and it cannot read its own /proc/self/environ, so LeakSanitizer can
 * neither stop the world nor be told to stay off: turn it off from here,
 * for privileged starts of sanitizer builds only. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
        return getuid() != geteuid() || getgid() != getegid() ? "detect_leaks=0" : "";
}
#endif

extern char **environ;

int rk_hygiene_is_privileged(void)
{
        return getuid() != geteuid() || getgid() != getegid();
}

static const char *notice;

/* Terminal types trusted when privileged; a trailing '*' matches a prefix. */
static const char *const term_allowlist[] = {
    "xterm",       "xterm-256color", "xterm-color", "xterm-16color", "screen*",
    "tmux*",       "vt100",          "vt102",       "vt220",         "linux",
    "rxvt*",       "putty*",         "ansi",        "alacritty",     "foot",
    "xterm-kitty", "st-256color",    "gnome*",      "konsole*",
};

const char *rk_hygiene_notice(void)
{
        return notice != NULL ? gettext(notice) : NULL; /* set before i18n starts */
}

static int term_chars_ok(const char *t)
{
        size_t n = strlen(t);
        if (n == 0 || n > 40)
                return 0;
        for (size_t i = 0; i < n; i++) {
                char c = t[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '+' || c == '.'))
                        return 0;
        }
        return 1;
}

int rk_hygiene_term_allowed(const char *term)
{
        if (term == NULL || !term_chars_ok(term))
                return 0;
        for (size_t i = 0; i < sizeof(term_allowlist) / sizeof(term_allowlist[0]); i++) {
                const char *a = term_allowlist[i];
                size_t n = strlen(a);
                if (a[n - 1] == '*' ? strncmp(term, a, n - 1) == 0 : strcmp(term, a) == 0)
                        return 1;
        }
        return 0;
}

/* n characters of s, all from set, at least one. */
static int span_is(const char *s, size_t n, const char *set)
{
        return n > 0 && n <= 45 && strspn(s, set) >= n;
}

/* "client-address client-port server-address server-port", as sshd sets it. */
static int ssh_connection_ok(const char *v)
{
        static const char addr[] = "0123456789abcdefABCDEF.:";
        static const char digits[] = "0123456789";
        for (int field = 0; field < 4; field++) {
                size_t n = strcspn(v, " ");
                if (!span_is(v, n, field % 2 ? digits : addr))
                        return 0;
                v += n;
                if (field < 3 && *v++ != ' ')
                        return 0;
        }
        return *v == '\0';
}

int rk_hygiene_locale_value_ok(const char *v)
{
        static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789_.@:-";
        size_t n = v != NULL ? strlen(v) : 0;
        return n > 0 && n <= 64 && v[0] != '.' && strstr(v, ":.") == NULL &&
               strspn(v, set) == n;
}

/* The locale variables: LANG, LANGUAGE (the messages' language list) and
 * LC_*, each kept only with a value that names a locale and no path. */
static int locale_entry_kept(const char *entry)
{
        const char *eq = strchr(entry, '=');
        size_t n = eq != NULL ? (size_t)(eq - entry) : 0;
        int locale = (n == 4 && strncmp(entry, "LANG", 4) == 0) ||
                     (n == 8 && strncmp(entry, "LANGUAGE", 8) == 0) ||
                     (n > 3 && strncmp(entry, "LC_", 3) == 0);
        return locale && rk_hygiene_locale_value_ok(eq + 1);
}

static int env_is_kept(const char *entry)
{
        if (strncmp(entry, "SSH_CONNECTION=", 15) == 0)
                return ssh_connection_ok(entry + 15);
        return strncmp(entry, "TERM=", 5) == 0 || locale_entry_kept(entry);
}

/* Rebuild the environment from the few variables a terminal program needs. */
static void clean_environment(void)
{
        static char *kept[24];
        size_t n = 0;
        for (char **e = environ; e != NULL && *e != NULL && n < 23; e++) {
                if (env_is_kept(*e))
                        kept[n++] = *e;
        }
        kept[n] = NULL;
        environ = kept;
}

/* An untrusted or missing TERM becomes vt100, which every terminal does. */
static void check_term(void)
{
        if (rk_hygiene_term_allowed(getenv("TERM")))
                return;
        setenv("TERM", "vt100", 1);
        notice = N_("Unknown terminal type: using vt100 (set TERM to xterm-256color "
                    "or similar for colours)");
}

/* One path of the chain: not writable by others (unless a root-owned
 * sticky directory), nor by a group other than ours. */
static int check_one(const char *path, struct rk_error *err)
{
        struct stat st;
        if (stat(path, &st) != 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        int sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && st.st_uid == 0;
        if ((st.st_mode & S_IWOTH) && !sticky_dir)
                return rk_error_set(err, RK_ERR_DENIED,
                                    "%s: refusing a register path that anyone can write "
                                    "(fix with: chmod o-w %s)",
                                    path, path);
        if ((st.st_mode & S_IWGRP) && st.st_gid != getegid() && !sticky_dir)
                return rk_error_set(err, RK_ERR_DENIED,
                                    "%s: refusing a register path that another group can "
                                    "write (fix with: chmod g-w %s)",
                                    path, path);
        return RK_OK;
}

int rk_hygiene_check_path(const char *path, struct rk_error *err)
{
        char dir[PATH_MAX], real[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash == NULL)
                snprintf(dir, sizeof(dir), ".");
        else if (slash == dir)
                dir[1] = '\0';
        else
                *slash = '\0';
        if (realpath(dir, real) == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", dir, strerror(errno));
        int rc = faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0 ? check_one(path, err)
                                                                  : RK_OK;
        while (rc == RK_OK) {
                rc = check_one(real, err);
                char *up = strrchr(real, '/');
                if (up == NULL || strcmp(real, "/") == 0)
                        break;
                if (up == real)
                        up[1] = '\0';
                else
                        *up = '\0';
        }
        return rc;
}

int rk_hygiene_apply(struct rk_error *err)
{
        if (sodium_init() < 0)
                return rk_error_set(err, RK_ERR_CRYPTO,
                                    "libsodium could not be initialised");
        umask(077);
        struct rlimit no_core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &no_core) != 0)
                return rk_error_set(err, RK_ERR_INTERNAL, "cannot disable core dumps");
#ifndef RK_KEEP_DUMPABLE
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "cannot mark the process undumpable");
#endif
        if (rk_hygiene_is_privileged()) {
                clean_environment();
                check_term();
        }
        return RK_OK;
}
