/*
 * main.c - entry point: harden the process, read the options and the
 * configuration, then run one subcommand from the table in commands.c.
 */
#include "cli.h"
#include "rekisteri/hygiene.h"

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
        OPT_NO_COLOR
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
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_help(FILE *f)
{
        fprintf(f, "Usage: rekisteri [OPTIONS] [COMMAND]\n"
                   "A GDPR-minded customer register for the terminal. With no command,\n"
                   "the full-screen program starts.\n\nCommands:\n");
        for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
                fprintf(f, "  %-18s %s\n      rekisteri %s %s\n", c->name, c->summary,
                        c->name, c->usage);
        fprintf(
            f,
            "\nOptions:\n"
            "  --config FILE      settings file (default: $REKISTERI_CONFIG, then\n"
            "                     " RK_CONFIG_DEFAULT_PATH ")\n"
            "  --db PATH          the register (default: [register] path in the config)\n"
            "  --no-color         monochrome screen (also when NO_COLOR is set)\n"
            "  -h, --help         this help\n"
            "  -V, --version      the version\n"
            "\nUnlocking, for every command but init:\n"
            "  --user NAME --password-stdin [--totp CODE]\n"
            "                     a staff account; the password is the first line of\n"
            "                     standard input (without --password-stdin it is asked\n"
            "                     on the terminal); --totp is the current 6-digit code\n"
            "                     once the account has enrolled a second factor\n"
            "  --keyfile FILE     a key file made by 'key add-file', for unattended "
            "jobs\n"
            "\nExit status: 0 success, 1 error, 2 wrong usage.\n"
            "See rekisteri(1) for more.\n");
}

int cli_usage_error(const char *fmt, ...)
{
        va_list ap;
        fputs("rekisteri: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("\nTry 'rekisteri --help'.\n", stderr);
        return EXIT_USAGE;
}

int cli_fail(const struct rk_error *err)
{
        fprintf(stderr, "rekisteri: %s\n", err->msg[0] ? err->msg : rk_rc_name(err->rc));
        return EXIT_ERROR;
}

/* Parse options into c; positional words stay in c->words. */
static int parse_options(int argc, char **argv, struct cli *c)
{
        int opt;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
                switch (opt) {
                case OPT_CONFIG:
                        c->config_path = optarg;
                        break;
                case OPT_DB:
                        c->db_path = optarg;
                        break;
                case OPT_USER:
                        c->user = optarg;
                        break;
                case OPT_TOTP:
                        c->totp = optarg;
                        break;
                case OPT_KEYFILE:
                        c->keyfile = optarg;
                        break;
                case OPT_ADMIN:
                        c->admin = optarg;
                        break;
                case OPT_LABEL:
                        c->label = optarg;
                        break;
                case OPT_OUT:
                        c->out = optarg;
                        break;
                case OPT_CUSTOMERS:
                        c->customers = optarg;
                        break;
                case OPT_SEED:
                        c->seed = optarg;
                        break;
                case OPT_PASSWORD_STDIN:
                        c->password_stdin = true;
                        break;
                case OPT_NO_COLOR:
                        c->no_color = true;
                        break;
                case 'h':
                        print_help(stdout);
                        return -EXIT_OK - 1;
                case 'V':
                        printf("rekisteri %s\n", RK_VERSION);
                        return -EXIT_OK - 1;
                default:
                        return cli_usage_error("unknown option or missing value: %s",
                                               argv[optind - 1]);
                }
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

int main(int argc, char **argv)
{
        struct rk_error err;
        struct cli c;
        rk_error_clear(&err);
        memset(&c, 0, sizeof(c));
        if (rk_hygiene_apply(&err) != RK_OK)
                return cli_fail(&err);
        setlocale(LC_ALL, "");
        int rc = parse_options(argc, argv, &c);
        if (rc != 0)
                return rc < 0 ? -rc - 1 : rc;
        if (c.config_path != NULL && rk_hygiene_is_privileged())
                return cli_usage_error(
                    "--config is not accepted when running privileged");
        if (rk_config_load(c.config_path, !rk_hygiene_is_privileged(), &c.cfg, &err) !=
            RK_OK)
                return cli_fail(&err);
        if (c.db_path == NULL)
                c.db_path = c.cfg.db_path;
        int used = 0;
        const struct cli_command *cmd = find_command(&c, &used);
        if (cmd == NULL)
                return cli_usage_error("unknown command '%s'",
                                       c.nwords ? c.words[0] : "");
        c.words += used;
        c.nwords -= used;
        if (c.nwords != cmd->nargs)
                return cli_usage_error("'%s' takes %d argument%s: rekisteri %s %s",
                                       cmd->name, cmd->nargs, cmd->nargs == 1 ? "" : "s",
                                       cmd->name, cmd->usage);
        return cmd->run(&c);
}
