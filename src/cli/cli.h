/*
 * cli.h - the command-line front end: parsed options, the subcommand table
 * and the helpers subcommands share. Every subcommand is a function
 * `int cmd_x(struct cli *)` returning an exit code: 0 ok, 1 error, 2 usage.
 */
#ifndef REKISTERI_CLI_H
#define REKISTERI_CLI_H

#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/register.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stdint.h>

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

struct cli {
        const char *config_path;
        const char *lang;        /* --lang en|fi|sv: this run's language (and the
                                    privacy documents') */
        const char *report_lang; /* dsr execute --report-lang en|fi|sv */
        const char *db_path;     /* --db, or the config default */
        const char *user;
        const char *totp;
        const char *keyfile;
        const char *admin;
        const char *label;
        const char *out;
        const char *roles;    /* --roles a,b */
        const char *key;      /* --key: refused, the key would show in ps */
        const char *key_file; /* --key-file: the audit key K(0) in a file */
        const char *heads;    /* --heads: logged chain heads to check */
        const char *from, *to, *action, *filter_user;
        const char *name, *email, *phone; /* customer add */
        long long subject;
        const char *customers;    /* demo --customers N */
        const char *seed;         /* demo --seed S */
        const char *subject_text; /* --subject as typed: an id, or numbers for dsr */
        const char *type, *purpose, *received, *verified, *reason, *outcome;
        const char *ledger;        /* restore --ledger FILE */
        bool force_without_ledger; /* restore --force-without-ledger */
        const char *as_of;         /* retention plan --as-of DATE */
        const char *verify_only;   /* restore --verify-only BACKUP */
        /* product and order commands */
        const char *code, *unit, *price, *vat, *customer, *status;
        const char *lines[100]; /* order add --line CODE:QTY[:PRICE], repeated */
        /* import customers */
        const char *map, *use_map, *save_map, *confirm;
        bool dry_run, yes; /* import --dry-run; import and merge --yes: confirmed */
        int nlines;
        const char *year;      /* privacy report --year YYYY */
        const char *limit;     /* duplicates --limit N: pairs shown */
        size_t limit_n;        /* --limit as a number (values.c), 0 when not given */
        const char *keeps[40]; /* merge --keep FIELD=other, repeated */
        int nkeeps;
        long long months;
        bool all;
        bool password_stdin;
        bool key_stdin; /* --key-stdin: K(0) on stdin, after any password */
        bool no_color;
        bool help;
        int nwords; /* positional words after the subcommand name */
        char **words;
        struct rk_config cfg;
};

struct cli_command {
        const char *name; /* "init", "key rotate", ... */
        int (*run)(struct cli *);
        int nargs;           /* positional words after the name */
        const char *usage;   /* arguments and options after the name: every
                                "--name" in it is an option it accepts */
        const char *summary; /* one line */
};

/* The table, terminated by a NULL name (commands.c). */
extern const struct cli_command cli_commands[];

/* The full-screen program's declaration (no command given). */
extern const struct cli_command cli_screen;

/* Options every command takes, and what UNLOCK in a usage stands for. */
extern const char cli_global_usage[];
extern const char cli_unlock_usage[];

/*
 * cli_command_accepts - true when cmd declares --option (given without its
 * dashes) in its usage, through UNLOCK, or it is a global option.
 */
bool cli_command_accepts(const struct cli_command *cmd, const char *option);

/* cli_fail - print "rekisteri: msg" to stderr and return EXIT_ERROR. */
int cli_fail(const struct rk_error *err);

/*
 * cli_safe - s sanitised for printing (rk_text_sanitize: controls as
 * visible placeholders, bidi and format characters and invalid UTF-8 as
 * U+FFFD). Use it on every stored value and every typed word a CLI line
 * prints. The result stays valid for the next 15 calls; "" for NULL.
 */
const char *cli_safe(const char *s);

/*
 * cli_date - a stored date or timestamp (text) as people read it in the
 * language in use (rk_format_date_text), sanitised like cli_safe; "-" for
 * NULL or empty. Valid as long as cli_safe's result.
 */
const char *cli_date(const char *text);

/*
 * cli_note_merged - when the customer number typed (as the user wrote it)
 * led to another customer, the survivor `number` of a merge (merge.h: an
 * old number stands for the survivor), say so on stderr: "C000002 was
 * merged into C000001." Prints nothing otherwise.
 */
void cli_note_merged(const char *typed, const char *number);

/* cli_usage_error - print a usage message to stderr and return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * cli_usage_mark - make the failure just recorded in err a usage error:
 * the command line was wrong, not the operation (exit 2 from cli_fail,
 * with the --help hint). option ("--keep") is put before the message
 * unless it is NULL (the message names what is wrong already). Returns
 * err->rc.
 */
int cli_usage_mark(struct rk_error *err, const char *option);

/*
 * cli_check_values - the command line's values that need no register, as
 * the core's own rules check them (values.c): dates, customer numbers,
 * order lines, statuses, prices, VAT rates, roles, request types and
 * texts, and the options a command cannot do without. Run before
 * anything is unlocked, so a wrong value costs no password and no login.
 * Returns 0, or EXIT_USAGE after naming the option. A customer number is
 * written out in full in c (c123 becomes C000123).
 */
int cli_check_values(const struct cli_command *cmd, struct cli *c);

/*
 * cli_read_secret - read a password or key: from stdin when from_stdin,
 * otherwise from the terminal with echo off, after printing prompt to
 * stderr. *out is guarded memory for rk_secret_free. Returns an rk code.
 */
int cli_read_secret(bool from_stdin, const char *prompt, char **out, size_t *len,
                    struct rk_error *err);

/*
 * cli_unlock - open a session on the register named by the options: with
 * --keyfile, or with --user, a password and --totp. An account that still
 * has to enrol or change its password is sent to the terminal program
 * first. Returns an rk code; *s is the caller's.
 */
int cli_unlock(struct cli *c, struct rk_session **s, struct rk_error *err);

/* cli_unlock_recovery - open an audited session with the recovery key,
 * read from stdin (--password-stdin) or the terminal. It may manage keys
 * and nothing else. */
int cli_unlock_recovery(struct cli *c, struct rk_session **s, struct rk_error *err);

/* cli_rotate_if_due - run a due key rotation (rotation.h) and say on stderr
 * what happened; failures are reported, never fatal. */
void cli_rotate_if_due(struct rk_session *s);

/* cli_unlock_first_login - like cli_unlock, but lets an account that has
 * not enrolled its second factor in (password only), for `mfa enrol`. */
int cli_unlock_first_login(struct cli *c, struct rk_session **s, struct rk_error *err);

/*
 * cli_with_session - unlock (cli_unlock), name the place for the audit
 * trail, run fn with the session, close it. Returns the exit code:
 * EXIT_OK, or EXIT_ERROR with fn's or the unlock's message printed.
 */
int cli_with_session(struct cli *c, const char *place,
                     int (*fn)(struct cli *c, struct rk_session *s,
                               struct rk_error *err));

/*
 * cli_print_cell - print text ("-" when NULL or empty) sanitised for the
 * terminal, padded with spaces to width display columns (right-aligned
 * when right), then after.
 */
void cli_print_cell(const char *text, int width, bool right, const char *after);

/* cli_progress_bar - "[#####.....] done/total" on standard error, redrawn
 * in place (progress.c); a core progress callback, for a terminal only. */
void cli_progress_bar(void *ctx, int64_t done, int64_t total);

/* cli_reindex_progress - the one-time search index rebuild when a register
 * is opened (rk_store_set_reindex_progress): a line saying what the wait
 * is for, then cli_progress_bar. ctx is a bool, false until the line is
 * written. For a terminal only. */
void cli_reindex_progress(void *ctx, int64_t done, int64_t total);

/* cli_show_keys - print the one-time recovery key and audit key notice of
 * a new register (init and demo). */
void cli_show_keys(const char *db_path, const char *admin, const char *recovery,
                   const char *audit_key);

/* cli_require - RK_OK when the session may do action, else RK_ERR_DENIED
 * with a message naming what is needed. */
int cli_require(struct rk_session *s, enum rk_action action, struct rk_error *err);

int cmd_init(struct cli *c);
int cmd_demo(struct cli *c);
int cmd_check(struct cli *c);
int cmd_key_rotate(struct cli *c);
int cmd_key_add_file(struct cli *c);
int cmd_key_remove_file(struct cli *c);
int cmd_key_list(struct cli *c);
int cmd_key_dump(struct cli *c);
int cmd_key_new_server_key(struct cli *c);
int cmd_mfa_enrol(struct cli *c);
int cmd_mfa_confirm(struct cli *c);
int cmd_audit_verify(struct cli *c);
int cmd_audit_list(struct cli *c);
int cmd_audit_export(struct cli *c);
int cmd_audit_subject(struct cli *c);
int cmd_audit_user(struct cli *c);
int cmd_user_add(struct cli *c);
int cmd_customer_add(struct cli *c);
int cmd_customer_show(struct cli *c);
int cmd_customer_search(struct cli *c);
int cmd_doctor(struct cli *c);
int cmd_dsr_new(struct cli *c);
int cmd_dsr_list(struct cli *c);
int cmd_dsr_show(struct cli *c);
int cmd_dsr_add(struct cli *c);
int cmd_dsr_verify(struct cli *c);
int cmd_dsr_find(struct cli *c);
int cmd_dsr_check(struct cli *c);
int cmd_dsr_preview(struct cli *c);
int cmd_dsr_execute(struct cli *c);
int cmd_dsr_extend(struct cli *c);
int cmd_dsr_lift(struct cli *c);
int cmd_dsr_close(struct cli *c);
int cmd_retention_plan(struct cli *c);
int cmd_retention_run(struct cli *c);
int cmd_retention_hold(struct cli *c);
int cmd_retention_release(struct cli *c);
int cmd_retention_holds(struct cli *c);
int cmd_backup(struct cli *c);
int cmd_marketing_list(struct cli *c);
int cmd_duplicates(struct cli *c);
int cmd_product_add(struct cli *c);
int cmd_product_list(struct cli *c);
int cmd_product_set(struct cli *c);
int cmd_product_deactivate(struct cli *c);
int cmd_order_add(struct cli *c);
/* cli_order_lines_check - every --line CODE:QTY[:PRICE] of c in its form,
 * the quantity and the price as core checks them (cmd_order.c); an error
 * names the option ("--line 2: ...") and is a usage error. */
int cli_order_lines_check(struct cli *c, struct rk_error *err);
int cmd_order_show(struct cli *c);
int cmd_order_status(struct cli *c);
int cmd_order_queue(struct cli *c);
int cmd_order_picking_list(struct cli *c);
int cmd_restore(struct cli *c);
int cmd_merge(struct cli *c);
int cmd_import_customers(struct cli *c);
/* cli_read_audit_key - K(0) from --key-stdin (after any password line) or
 * --key-file into guarded memory (rk_secret_free); *key stays NULL when
 * neither was given (cmd_audit.c). */
int cli_read_audit_key(const struct cli *c, char **key, struct rk_error *err);
/* restore --verify-only BACKUP (cmd_restore_verify.c): the restore drill. */
int cmd_restore_verify(struct cli *c);

/* privacy record|notice|report|check (cmd_privacy.c) */
int cmd_privacy_record(struct cli *c);
int cmd_privacy_notice(struct cli *c);
int cmd_privacy_report(struct cli *c);
int cmd_privacy_check(struct cli *c);

int cmd_user_list(struct cli *c);
int cmd_user_disable(struct cli *c);
int cmd_user_enable(struct cli *c);
int cmd_user_unlock(struct cli *c);
int cmd_user_reset_password(struct cli *c);
int cmd_user_reset_mfa(struct cli *c);
int cmd_user_set_roles(struct cli *c);

#endif
