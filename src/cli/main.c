/*
 * main.c - entry point: harden the process, read the options and the
 * configuration, then run one subcommand from the table in commands.c, or
 * with no subcommand the full-screen program (rk_tui_main).
 */
#include "cli.h"
#include "rekisteri/hygiene.h"
#include "rekisteri/i18n.h"
#include "rekisteri/register.h"
#include "rekisteri/store.h"
#include "tui_main.h"

#include <getopt.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
        OPT_CONFIG = 256,
        OPT_DB,
        OPT_USER,
        OPT_TOTP,
        OPT_KEYFILE,
        OPT_ADMIN,
        OPT_LABEL,
        OPT_OUT,
        OPT_CUSTOMERS,
        OPT_SEED,
        OPT_PASSWORD_STDIN,
        OPT_NO_COLOR,
        OPT_ROLES,
        OPT_KEY,
        OPT_FROM,
        OPT_TO,
        OPT_ACTION,
        OPT_SUBJECT,
        OPT_BY_USER,
        OPT_NAME,
        OPT_EMAIL,
        OPT_PHONE,
        OPT_TYPE,
        OPT_PURPOSE,
        OPT_RECEIVED,
        OPT_VERIFIED,
        OPT_REASON,
        OPT_OUTCOME,
        OPT_MONTHS,
        OPT_ALL,
        OPT_AS_OF,
        OPT_LEDGER,
        OPT_FORCE_WITHOUT_LEDGER,
        OPT_VERIFY_ONLY,
        OPT_KEY_STDIN,
        OPT_KEY_FILE,
        OPT_HEADS,
        OPT_CODE,
        OPT_UNIT,
        OPT_PRICE,
        OPT_VAT,
        OPT_CUSTOMER,
        OPT_LINE,
        OPT_STATUS,
        OPT_MAP,
        OPT_USE_MAP,
        OPT_SAVE_MAP,
        OPT_CONFIRM,
        OPT_DRY_RUN,
        OPT_YES,
        OPT_LANG,
        OPT_REPORT_LANG,
        OPT_YEAR,
        OPT_KEEP,
        OPT_LIMIT,
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"db", required_argument, NULL, OPT_DB},
    {"user", required_argument, NULL, OPT_USER},
    {"totp", required_argument, NULL, OPT_TOTP},
    {"keyfile", required_argument, NULL, OPT_KEYFILE},
    {"admin", required_argument, NULL, OPT_ADMIN},
    {"label", required_argument, NULL, OPT_LABEL},
    {"out", required_argument, NULL, OPT_OUT},
    {"customers", required_argument, NULL, OPT_CUSTOMERS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"roles", required_argument, NULL, OPT_ROLES},
    {"key", required_argument, NULL, OPT_KEY},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"action", required_argument, NULL, OPT_ACTION},
    {"subject", required_argument, NULL, OPT_SUBJECT},
    {"by-user", required_argument, NULL, OPT_BY_USER},
    {"name", required_argument, NULL, OPT_NAME},
    {"email", required_argument, NULL, OPT_EMAIL},
    {"phone", required_argument, NULL, OPT_PHONE},
    {"type", required_argument, NULL, OPT_TYPE},
    {"purpose", required_argument, NULL, OPT_PURPOSE},
    {"received", required_argument, NULL, OPT_RECEIVED},
    {"verified", required_argument, NULL, OPT_VERIFIED},
    {"reason", required_argument, NULL, OPT_REASON},
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"months", required_argument, NULL, OPT_MONTHS},
    {"all", no_argument, NULL, OPT_ALL},
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"ledger", required_argument, NULL, OPT_LEDGER},
    {"force-without-ledger", no_argument, NULL, OPT_FORCE_WITHOUT_LEDGER},
    {"verify-only", required_argument, NULL, OPT_VERIFY_ONLY},
    {"key-stdin", no_argument, NULL, OPT_KEY_STDIN},
    {"key-file", required_argument, NULL, OPT_KEY_FILE},
    {"heads", required_argument, NULL, OPT_HEADS},
    {"code", required_argument, NULL, OPT_CODE},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"price", required_argument, NULL, OPT_PRICE},
    {"vat", required_argument, NULL, OPT_VAT},
    {"customer", required_argument, NULL, OPT_CUSTOMER},
    {"line", required_argument, NULL, OPT_LINE},
    {"status", required_argument, NULL, OPT_STATUS},
    {"map", required_argument, NULL, OPT_MAP},
    {"use-map", required_argument, NULL, OPT_USE_MAP},
    {"save-map", required_argument, NULL, OPT_SAVE_MAP},
    {"confirm", required_argument, NULL, OPT_CONFIRM},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"yes", no_argument, NULL, OPT_YES},
    {"lang", required_argument, NULL, OPT_LANG},
    {"report-lang", required_argument, NULL, OPT_REPORT_LANG},
    {"year", required_argument, NULL, OPT_YEAR},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_help(FILE *f)
{
        fprintf(f,
                _("Usage: rekisteri %s %s\n"
                  "A GDPR-minded customer register for the terminal. With no command,\n"
                  "the full-screen program starts.\n\nCommands:\n"),
                cli_global_usage, "[COMMAND]");
        for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
                fprintf(f, "  %-19s  %s\n      rekisteri %s %s\n", c->name, _(c->summary),
                        c->name, c->usage);
        fprintf(
            f,
            _("\nOptions:\n"
              "  --config FILE      settings file (default: $REKISTERI_CONFIG, then\n"
              "                     %s)\n"
              "  --db PATH          the register (default: [register] path in the "
              "config)\n"
              "  --lang LANG        en, fi or sv for this run (default: your own "
              "choice,\n"
              "                     then [register] language, then the environment)\n"
              "  --no-color         monochrome screen (also when NO_COLOR is set)\n"
              "  -h, --help         this help; after a command, that command's usage\n"
              "  -V, --version      the version\n"
              "\nUnlocking (UNLOCK above), for every command but init:\n"
              "  --user NAME --password-stdin [--totp CODE]\n"
              "                     a staff account; the password is the first line of\n"
              "                     standard input (without --password-stdin it is "
              "asked\n"
              "                     on the terminal); --totp is the current 6-digit "
              "code\n"
              "                     once the account has enrolled a second factor\n"
              "  --keyfile FILE     a key file made by 'key add-file', for unattended "
              "jobs\n"
              "\nA command accepts only the options shown in its usage.\n"
              "Exit status: 0 success, 1 error, 2 wrong usage.\n"
              "See rekisteri(1) for more.\n"),
            RK_CONFIG_DEFAULT_PATH);
}

/* One command's usage, for `rekisteri COMMAND --help`. */
static void print_command_help(FILE *f, const struct cli_command *cmd)
{
        fprintf(f, _("Usage: rekisteri %s %s\n"), cmd->name, cmd->usage);
        fprintf(f, "%s\n", _(cmd->summary));
        if (strstr(cmd->usage, "UNLOCK") != NULL)
                fprintf(f, "UNLOCK: %s\n", cli_unlock_usage);
        fprintf(f, _("Every command also takes %s.\n"), cli_global_usage);
}

int cli_usage_error(const char *fmt, ...)
{
        va_list ap;
        char msg[1024];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), gettext(fmt), ap);
        va_end(ap);
        fprintf(stderr, "rekisteri: %s\n", cli_safe(msg));
        fputs(_("Try 'rekisteri --help'.\n"), stderr);
        return EXIT_USAGE;
}

/* What err->field holds for a usage error (cli_usage_mark): no column of
 * the field table is named so. */
static const char usage_mark[] = "(the command line)";

int cli_usage_mark(struct rk_error *err, const char *option)
{
        if (option != NULL) {
                char msg[sizeof(err->msg)];
                memcpy(msg, err->msg, sizeof(msg));
                snprintf(err->msg, sizeof(err->msg), "%s: ", option);
                strncat(err->msg, msg, sizeof(err->msg) - strlen(err->msg) - 1);
        }
        err->field = usage_mark;
        return err->rc;
}

int cli_fail(const struct rk_error *err)
{
        fprintf(stderr, "rekisteri: %s\n",
                cli_safe(err->msg[0] ? err->msg : rk_rc_name(err->rc)));
        if (err->field != usage_mark)
                return EXIT_ERROR;
        fputs(_("Try 'rekisteri --help'.\n"), stderr);
        return EXIT_USAGE;
}

/* A positive decimal id, nothing else. */
static int parse_id(const char *text, long long *out)
{
        char *end = NULL;
        long long v = strtoll(text, &end, 10);
        if (end == text || *end != '\0' || v <= 0)
                return -1;
        *out = v;
        return 0;
}

/* Options that take a string: which field of struct cli each one sets. */
static const struct {
        int id;
        size_t offset;
} string_options[] = {
    {OPT_CONFIG, offsetof(struct cli, config_path)},
    {OPT_DB, offsetof(struct cli, db_path)},
    {OPT_USER, offsetof(struct cli, user)},
    {OPT_TOTP, offsetof(struct cli, totp)},
    {OPT_KEYFILE, offsetof(struct cli, keyfile)},
    {OPT_ADMIN, offsetof(struct cli, admin)},
    {OPT_LABEL, offsetof(struct cli, label)},
    {OPT_OUT, offsetof(struct cli, out)},
    {OPT_CUSTOMERS, offsetof(struct cli, customers)},
    {OPT_SEED, offsetof(struct cli, seed)},
    {OPT_ROLES, offsetof(struct cli, roles)},
    {OPT_KEY, offsetof(struct cli, key)},
    {OPT_FROM, offsetof(struct cli, from)},
    {OPT_TO, offsetof(struct cli, to)},
    {OPT_ACTION, offsetof(struct cli, action)},
    {OPT_BY_USER, offsetof(struct cli, filter_user)},
    {OPT_NAME, offsetof(struct cli, name)},
    {OPT_EMAIL, offsetof(struct cli, email)},
    {OPT_PHONE, offsetof(struct cli, phone)},
    {OPT_TYPE, offsetof(struct cli, type)},
    {OPT_PURPOSE, offsetof(struct cli, purpose)},
    {OPT_RECEIVED, offsetof(struct cli, received)},
    {OPT_VERIFIED, offsetof(struct cli, verified)},
    {OPT_REASON, offsetof(struct cli, reason)},
    {OPT_OUTCOME, offsetof(struct cli, outcome)},
    {OPT_AS_OF, offsetof(struct cli, as_of)},
    {OPT_LEDGER, offsetof(struct cli, ledger)},
    {OPT_VERIFY_ONLY, offsetof(struct cli, verify_only)},
    {OPT_KEY_FILE, offsetof(struct cli, key_file)},
    {OPT_HEADS, offsetof(struct cli, heads)},
    {OPT_CODE, offsetof(struct cli, code)},
    {OPT_UNIT, offsetof(struct cli, unit)},
    {OPT_PRICE, offsetof(struct cli, price)},
    {OPT_VAT, offsetof(struct cli, vat)},
    {OPT_CUSTOMER, offsetof(struct cli, customer)},
    {OPT_STATUS, offsetof(struct cli, status)},
    {OPT_MAP, offsetof(struct cli, map)},
    {OPT_USE_MAP, offsetof(struct cli, use_map)},
    {OPT_SAVE_MAP, offsetof(struct cli, save_map)},
    {OPT_CONFIRM, offsetof(struct cli, confirm)},
    {OPT_LANG, offsetof(struct cli, lang)},
    {OPT_REPORT_LANG, offsetof(struct cli, report_lang)},
    {OPT_YEAR, offsetof(struct cli, year)},
    {OPT_LIMIT, offsetof(struct cli, limit)},
};

/* Apply one parsed option; returns 0, or an exit code (negative - 1 for a
 * successful early exit such as --help). */
static int apply_option(int opt, const char *arg, const char *word, struct cli *c)
{
        for (size_t i = 0; i < sizeof(string_options) / sizeof(string_options[0]); i++) {
                if (string_options[i].id == opt) {
                        *(const char **)((char *)c + string_options[i].offset) = arg;
                        return 0;
                }
        }
        switch (opt) {
        case OPT_PASSWORD_STDIN:
                c->password_stdin = true;
                return 0;
        case OPT_NO_COLOR:
                c->no_color = true;
                return 0;
        case OPT_FORCE_WITHOUT_LEDGER:
                c->force_without_ledger = true;
                return 0;
        case OPT_SUBJECT:
                /* an id for the audit commands; customer numbers for dsr */
                c->subject_text = arg;
                if (parse_id(arg, &c->subject) != 0)
                        c->subject = 0;
                return 0;
        case OPT_MONTHS:
                return parse_id(arg, &c->months) == 0 && c->months <= 2
                           ? 0
                           : cli_usage_error("--months is 1 or 2");
        case OPT_ALL:
                c->all = true;
                return 0;
        case OPT_DRY_RUN:
                c->dry_run = true;
                return 0;
        case OPT_YES:
                c->yes = true;
                return 0;
        case OPT_KEY_STDIN:
                c->key_stdin = true;
                return 0;
        case OPT_LINE:
                if (c->nlines == (int)(sizeof(c->lines) / sizeof(c->lines[0])))
                        return cli_usage_error("at most %d --line options", c->nlines);
                c->lines[c->nlines++] = arg;
                return 0;
        case OPT_KEEP:
                if (c->nkeeps == (int)(sizeof(c->keeps) / sizeof(c->keeps[0])))
                        return cli_usage_error(_("at most %d --keep options"), c->nkeeps);
                c->keeps[c->nkeeps++] = arg;
                return 0;
        case 'h':
                c->help = true;
                return 0;
        case 'V':
                printf("rekisteri %s\n", RK_VERSION);
                return -EXIT_OK - 1;
        case ':':
                return cli_usage_error("%s needs a value", word);
        default:
                return cli_usage_error("unknown option or missing value: %s", word);
        }
}

/* The options as typed, kept until the command is known. */
struct given {
        int n;
        const char **words; /* argv words naming an option, argc of them */
        const char **names; /* the option's long name, or NULL if unknown */
        char (*shorts)[3];  /* "-x" for an unknown short option */
};

/* Parse options into c; positional words stay in c->words. An option
 * getopt does not know is kept in g with a NULL name, to be reported
 * together with the command it was given to. */
static int parse_options(int argc, char **argv, struct cli *c, struct given *g)
{
        int opt, index = -1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":hV", long_options, &index)) != -1) {
                /* the option's own word, not its separate value */
                const char *word = argv[optind - 1];
                if (optarg != NULL && optarg == word && optind >= 2)
                        word = argv[optind - 2];
                if (opt == '?') {
                        if (optopt != 0) { /* an unknown letter, maybe mid-word */
                                snprintf(g->shorts[g->n], sizeof(g->shorts[0]), "-%c",
                                         optopt);
                                word = g->shorts[g->n];
                        }
                        g->words[g->n] = word;
                        g->names[g->n++] = NULL;
                        continue;
                }
                if (opt != 'h' && opt != 'V' && opt != ':' && index >= 0) {
                        g->words[g->n] = word;
                        g->names[g->n++] = long_options[index].name;
                }
                index = -1;
                int rc = apply_option(opt, optarg, word, c);
                if (rc != 0)
                        return rc;
        }
        c->words = argv + optind;
        c->nwords = argc - optind;
        return 0;
}

/* Find the longest table name matching the leading words. */
static const struct cli_command *find_command(struct cli *c, int *used)
{
        const struct cli_command *best = NULL;
        int best_words = 0;
        for (const struct cli_command *cmd = cli_commands; cmd->name != NULL; cmd++) {
                char name[64];
                snprintf(name, sizeof(name), "%s", cmd->name);
                int n = 0, match = 1;
                for (char *w = strtok(name, " "); w != NULL; w = strtok(NULL, " "), n++) {
                        if (n >= c->nwords || strcmp(w, c->words[n]) != 0) {
                                match = 0;
                                break;
                        }
                }
                if (match && n > best_words) {
                        best = cmd;
                        best_words = n;
                }
        }
        *used = best_words;
        return best;
}

/* Options a command took once and refuses now, with the reason shown. */
static const struct {
        const char *command, *option, *why;
} retired[] = {
    {"audit verify", "key",
     N_("the audit key on the command line shows in ps and the shell history; give it "
        "on standard input (--key-stdin, after the password line when there is one) or "
        "in a file (--key-file FILE)")},
};

static void explain_retired(const struct cli_command *cmd, const char *option)
{
        for (size_t i = 0; i < sizeof(retired) / sizeof(retired[0]); i++)
                if (cmd->run != NULL && strcmp(cmd->name, retired[i].command) == 0 &&
                    strcmp(option, retired[i].option) == 0)
                        fprintf(stderr, _("rekisteri: --%s is refused: %s\n"), option,
                                _(retired[i].why));
}

/*
 * Check the options given against cmd's declaration (usage string). Returns
 * 0, or EXIT_USAGE after naming the option and the command.
 */
static int check_options(const struct cli_command *cmd, const struct given *g)
{
        char what[160];
        if (cmd->run != NULL)
                snprintf(what, sizeof(what), "'%s'", cmd->name);
        else
                snprintf(what, sizeof(what), _("%s (no command)"), _(cmd->summary));
        for (int i = 0; i < g->n; i++) {
                if (g->names[i] != NULL && cli_command_accepts(cmd, g->names[i]))
                        continue;
                const char *word = g->words[i];
                size_t len = strcspn(word, "=");
                if (g->names[i] != NULL)
                        explain_retired(cmd, g->names[i]);
                fprintf(stderr, _("rekisteri: %s does not take the option %.*s\n"), what,
                        (int)len, word);
                if (cmd->run != NULL)
                        fprintf(stderr, _("Usage: rekisteri %s %s\n"), cmd->name,
                                cmd->usage);
                else
                        fprintf(stderr, _("Usage: rekisteri %s\n"), cmd->usage);
                fputs(_("Try 'rekisteri --help'.\n"), stderr);
                return EXIT_USAGE;
        }
        return 0;
}

/*
 * Everything that needs only the command line: parse the options, find the
 * command, answer --help, refuse options the command does not declare and a
 * wrong number of arguments. Returns 0 with *cmd set (cli_screen for no
 * command), or an exit code (negative - 1 for a successful early exit).
 */
static int read_command_line(int argc, char **argv, struct cli *c,
                             const struct cli_command **cmd)
{
        int max = argc > 0 ? argc : 1;
        const char *words[max], *names[max];
        char shorts[max][3];
        struct given g = {0, words, names, shorts};
        int rc = parse_options(argc, argv, c, &g);
        if (rc != 0)
                return rc;
        int used = 0;
        *cmd = &cli_screen;
        if (c->nwords > 0) {
                *cmd = find_command(c, &used);
                if (*cmd == NULL)
                        return cli_usage_error("unknown command '%s'", c->words[0]);
        }
        if (c->help) {
                if (*cmd == &cli_screen)
                        print_help(stdout);
                else
                        print_command_help(stdout, *cmd);
                return -EXIT_OK - 1;
        }
        if ((rc = check_options(*cmd, &g)) != 0)
                return rc;
        c->words += used;
        c->nwords -= used;
        if (*cmd != &cli_screen && c->nwords != (*cmd)->nargs)
                return cli_usage_error(
                    ngettext("'%s' takes %d argument: rekisteri %s %s",
                             "'%s' takes %d arguments: rekisteri %s %s",
                             (unsigned long)(*cmd)->nargs),
                    (*cmd)->name, (*cmd)->nargs, (*cmd)->name, (*cmd)->usage);
        return 0;
}

/* Privileged: the register and its slot file must be ours alone to swap. */
static int check_register_paths(const char *db_path, struct rk_error *err)
{
        char vault[PATH_MAX];
        int rc = rk_hygiene_check_path(db_path, err);
        if (rc == RK_OK)
                rc = rk_register_vault_path(db_path, vault, sizeof(vault), err);
        if (rc == RK_OK)
                rc = rk_hygiene_check_path(vault, err);
        return rc;
}

/* --lang's value ("--lang X" or "--lang=X") before the options are
 * parsed, or NULL. */
static const char *lang_option(int argc, char **argv)
{
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
                if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
                        return argv[i + 1];
                if (strncmp(argv[i], "--lang=", 7) == 0)
                        return argv[i] + 7;
        }
        return NULL;
}

int main(int argc, char **argv)
{
        struct rk_error err;
        struct cli c;
        const struct cli_command *cmd = NULL;
        rk_error_clear(&err);
        memset(&c, 0, sizeof(c));
        if (rk_hygiene_apply(&err) != RK_OK)
                return cli_fail(&err);
        setlocale(LC_ALL, "");
        /* A forced command over SSH often gets no LANG at all: the screen
         * and every width computation need UTF-8, which C.UTF-8 gives. */
        if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
                setlocale(LC_CTYPE, "C.UTF-8");
        rk_i18n_init();
        /* the command line's own errors already speak --lang's language */
        rk_i18n_use(lang_option(argc, argv));
        int rc = read_command_line(argc, argv, &c, &cmd);
        if (rc != 0)
                return rc < 0 ? -rc - 1 : rc;
        if (c.config_path != NULL && rk_hygiene_is_privileged())
                return cli_usage_error(
                    "--config is not accepted when running privileged");
        if (rk_config_load(c.config_path, !rk_hygiene_is_privileged(), &c.cfg, &err) !=
            RK_OK)
                return cli_fail(&err);
        if (rk_i18n_start(c.lang, c.cfg.language) != 0)
                return cli_usage_error(_("--lang is en, fi or sv"));
        /* single user, local desktop: no config file anywhere, not
         * privileged: the register lives under $XDG_DATA_HOME */
        static char desktop[PATH_MAX];
        if (c.db_path == NULL && c.cfg.source[0] == '\0' && !rk_hygiene_is_privileged() &&
            rk_config_desktop_path(desktop, sizeof(desktop), &err) == RK_OK)
                c.db_path = desktop;
        if (c.db_path == NULL)
                c.db_path = c.cfg.db_path;
        /* doctor reports unsafe paths with their fix instead of refusing */
        bool doctor = c.nwords == 1 && strcmp(c.words[0], "doctor") == 0;
        if (rk_hygiene_is_privileged() && !doctor &&
            check_register_paths(c.db_path, &err) != RK_OK)
                return cli_fail(&err);
        if (cmd == &cli_screen)
                return rk_tui_main(&c.cfg, c.db_path, c.no_color);
        /* a wrong value is the command line's fault, whoever's rule it is */
        if ((rc = cli_check_values(cmd, &c)) != 0)
                return rc;
        /* a long wait at opening says why, on a terminal */
        static bool told;
        if (isatty(STDERR_FILENO))
                rk_store_set_reindex_progress(cli_reindex_progress, &told);
        return cmd->run(&c);
}
