/*
 * hygiene.h - process hardening done once, first thing in main(), and the
 * checks a privileged (setgid) start adds.
 *
 * On a multi-user server the binary is setgid to the group that owns the
 * register (see README, "Deploying for staff over SSH"). Whoever starts it
 * then controls its environment, its arguments and the paths it opens,
 * while it holds the group's rights: so a privileged start keeps only what
 * a terminal program needs from the environment, trusts TERM only from an
 * allowlist, and refuses register paths that someone else could swap.
 */
#ifndef REKISTERI_HYGIENE_H
#define REKISTERI_HYGIENE_H

#include "rekisteri/error.h"

/*
 * rk_hygiene_apply - make the process safe to hold secrets:
 *   - initialise libsodium;
 *   - umask 077, so every file we create is private;
 *   - RLIMIT_CORE 0 and PR_SET_DUMPABLE 0: no core dumps, no ptrace by peers;
 *   - when running setgid or setuid, clear the environment except TERM,
 *     LANG, LANGUAGE and LC_* with a locale name for a value (see
 *     rk_hygiene_locale_value_ok), and a well-formed SSH_CONNECTION (the
 *     client address for the audit trail), so nothing from the caller
 *     steers the program; then
 *     a TERM missing or not on the allowlist becomes vt100, and
 *     rk_hygiene_notice() says so.
 * Returns RK_OK, or RK_ERR_CRYPTO/RK_ERR_INTERNAL with a message.
 */
int rk_hygiene_apply(struct rk_error *err);

/*
 * rk_hygiene_locale_value_ok - 1 when v can be the value of a locale
 * variable kept under setgid: 1 to 64 of letters, digits and "_.@:-", not
 * starting an element with "." (so "fi_FI.UTF-8", "sv:fi", "C.UTF-8"),
 * 0 for anything that could name a path ("../x", "/tmp/x", "") or NULL.
 * LANGUAGE joins LANG and LC_* on these terms: gettext reads catalogs from
 * a directory named by it, and the program sets it itself to the language
 * chosen (i18n.h), so a user's LANGUAGE=sv still chooses Swedish.
 */
int rk_hygiene_locale_value_ok(const char *v);

/* rk_hygiene_is_privileged - true when the real and effective ids differ. */
int rk_hygiene_is_privileged(void);

/*
 * rk_hygiene_term_allowed - 1 when term names a terminal type on the
 * allowlist (xterm, xterm-256color, screen*, tmux*, vt100, vt220, linux,
 * rxvt*, putty*, ...), 0 otherwise (also for NULL, "" and odd characters).
 */
int rk_hygiene_term_allowed(const char *term);

/* rk_hygiene_notice - a one-line note for the user from rk_hygiene_apply
 * (the TERM fallback), or NULL. Static; contains nothing from the caller. */
const char *rk_hygiene_notice(void);

/*
 * rk_hygiene_check_path - refuse a register file that someone other than
 * its owner, root or the program's own group could replace: path itself
 * (when it exists) and every directory above it must not be writable by
 * others (a root-owned sticky directory such as /tmp is fine) nor by a
 * group other than the effective group. Returns RK_OK, RK_ERR_DENIED with
 * a message naming the path and the chmod that fixes it, or RK_ERR_IO.
 */
int rk_hygiene_check_path(const char *path, struct rk_error *err);

#endif
