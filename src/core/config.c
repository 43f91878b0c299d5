/*
 * config.c - load and validate the ini file through iniparser.
 *
 * One declarative table below lists every section and key the program
 * understands, with its type, bounds and a help text used in messages.
 * Loading walks the file, not the table: every key found must be in the
 * table, so a misspelt key is reported instead of silently ignored. The
 * file is read whole first, every read error reported (copy_config), and
 * iniparser parses that copy: it would take a failed read for the end.
 */
#include "rekisteri/config.h"
#include "rekisteri/i18n.h"
#include "config_privacy.h"
#include "rekisteri/money.h"

#include <fcntl.h>
#include <errno.h>
#include <stdarg.h>
#include <iniparser/iniparser.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* OPT_ACTION: one of RET_ACTIONS, stored as its index */
/* OPT_LANG: "" or a language with messages (i18n.h) */
enum opt_type { OPT_INT, OPT_STR, OPT_MONTHDAY, OPT_ACTION, OPT_LANG };

struct opt {
        const char *section;
        const char *key;
        enum opt_type type;
        size_t offset;
        long long min, max; /* bounds for OPT_INT; max length for OPT_STR */
        const char *help;
};

#define F(field)    offsetof(struct rk_config, field)
#define RET_ACTIONS "anonymise|delete" /* enum rk_retention_action order */

static const struct opt options[] = {
    {"register", "path", OPT_STR, F(db_path), 1, PATH_MAX - 1,
     N_("the register file used when --db is not given")},
    {"register", "company_name", OPT_STR, F(company_name), 0, RK_CONFIG_STR_MAX - 1,
     N_("the company name: the issuer shown in authenticator apps and the controller "
        "named in access exports; kept out of passwords")},
    {"register", "controller_contact", OPT_STR, F(controller_contact), 0,
     RK_CONFIG_STR_MAX - 1,
     N_("how people reach the controller about their data, in every access export")},
    {"register", "language", OPT_LANG, F(language), 0, 2,
     N_("en, fi or sv (empty: each user's environment)")},
    {"controller", "name", OPT_STR, F(privacy.name), 0, RK_PRIVACY_TEXT_MAX - 1,
     N_("the controller's legal name (empty: [register] company_name)")},
    {"controller", "business_id", OPT_STR, F(privacy.business_id), 0, 31,
     N_("the controller's business ID (Y-tunnus)")},
    {"controller", "address", OPT_STR, F(privacy.address), 0, RK_PRIVACY_TEXT_MAX - 1,
     N_("the controller's postal address")},
    {"controller", "email", OPT_STR, F(privacy.email), 0, RK_PRIVACY_TEXT_MAX - 1,
     N_("where people send questions and requests about their data")},
    {"controller", "dpo_contact", OPT_STR, F(privacy.dpo_contact), 0,
     RK_PRIVACY_TEXT_MAX - 1,
     N_("the data protection officer's contact details (empty: none designated)")},
    {"controller", "sources", OPT_STR, F(privacy.sources.text), 0,
     RK_PRIVACY_TEXT_MAX - 1,
     N_("where personal data not collected from the person comes from")},
    {"controller", "sources_fi", OPT_STR, F(privacy.sources.fi), 0,
     RK_PRIVACY_TEXT_MAX - 1, N_("the same in Finnish")},
    {"controller", "sources_sv", OPT_STR, F(privacy.sources.sv), 0,
     RK_PRIVACY_TEXT_MAX - 1, N_("the same in Swedish")},
    {"controller", "language", OPT_STR, F(privacy.language), 0, 2,
     N_("the language of the privacy documents when --lang is not given: fi, sv or en "
        "(empty: the environment's)")},
    {"server", "group", OPT_STR, F(server_group), 1, 63,
     N_("the group that owns the register files and that the binary is setgid to")},
    {"server", "staff_group", OPT_STR, F(staff_group), 1, 63,
     N_("the group of staff accounts that sshd gives the register")},
    {"server", "fetch_group", OPT_STR, F(fetch_group), 1, 63,
     N_("the group of accounts that fetch request files (chrooted, read-only sftp)")},
    {"server", "retention_user", OPT_STR, F(retention_user), 1, 63,
     N_("the system user of the nightly retention job")},
    {"server", "retention_keyfile", OPT_STR, F(retention_keyfile), 1, PATH_MAX - 1,
     N_("the key file of the retention job")},
    {"server", "binary", OPT_STR, F(binary), 1, PATH_MAX - 1,
     N_("the installed program that staff run")},
    {"server", "retention_unit", OPT_STR, F(retention_unit), 1, PATH_MAX - 1,
     N_("the installed systemd service of the retention job")},
    {"server", "sshd_config", OPT_STR, F(sshd_config), 1, PATH_MAX - 1,
     N_("sshd's configuration file, checked with sshd -T")},
    {"server", "syslog_socket", OPT_STR, F(syslog_socket), 1, PATH_MAX - 1,
     N_("the syslog socket that failed logins go to (fail2ban reads them)")},
    {"crypto", "argon2_ops", OPT_INT, F(argon2_ops), 1, 100,
     N_("Argon2id passes for password keyslots, 1 to 100")},
    {"crypto", "argon2_mem_kib", OPT_INT, F(argon2_mem_kib), 8, 4194304,
     N_("Argon2id memory in KiB for password keyslots, 8 to 4194304")},
    {"crypto", "argon2_at_once", OPT_INT, F(argon2_at_once), 0, 1024,
     N_("password checks at once per register (0: no limit), 0 to 1024")},
    {"database", "cache_mib", OPT_INT, F(cache_mib), 1, 4096,
     N_("SQLite page cache per session in MiB, 1 to 4096")},
    {"database", "busy_timeout_ms", OPT_INT, F(busy_timeout_ms), 100, 600000,
     N_("how long to wait for another session's lock, 100 to 600000 ms")},
    {"login", "throttle_after", OPT_INT, F(throttle_after), 1, 100,
     N_("failed logins before each try must wait, 1 to 100")},
    {"login", "lock_after", OPT_INT, F(lock_after), 2, 1000,
     N_("failed logins that lock the account until an admin unlocks it, 2 to 1000")},
    {"login", "max_delay_seconds", OPT_INT, F(max_delay_seconds), 1, 86400,
     N_("the longest wait between tries, 1 to 86400 s")},
    {"session", "idle_lock_seconds", OPT_INT, F(idle_lock_seconds), 1, 86400,
     N_("idle time before the screen locks, 1 to 86400 s")},
    {"session", "max_hours", OPT_INT, F(max_session_hours), 1, 24,
     N_("the longest a session may last, 1 to 24 h")},
    {"audit", "epoch_rows", OPT_INT, F(audit_epoch_rows), 1, 1000000,
     N_("audit entries between two chain heads sent off the machine, 1 to 1000000")},
    {"audit", "retention_months", OPT_INT, F(audit_retention_months), 1, 240,
     N_("months audit entries are kept, 1 to 240")},
    {"audit", "head_interval", OPT_INT, F(audit_head_interval), 1, 10080,
     N_("minutes after which the chain head is sent again when entries were written, "
        "1 to 10080")},
    {"audit", "heads_file", OPT_STR, F(audit_heads_file), 0, PATH_MAX - 1,
     N_("a file the chain heads are appended to instead of syslog (empty: syslog)")},
    {"audit", "heads_command", OPT_STR, F(audit_heads_command), 0, RK_CONFIG_STR_MAX - 1,
     N_("a command that gets each chain head on its standard input (empty: none)")},
    {"requests", "bookkeeping_years", OPT_INT, F(bookkeeping_years), 1, 30,
     N_("years orders are kept after the end of their financial year (Accounting "
        "Act), 1 to 30")},
    {"requests", "export_dir", OPT_STR, F(export_dir), 0, PATH_MAX - 1,
     N_("where request files wait for fetching on a server (\"\": beside the register)")},
    {"requests", "export_days", OPT_INT, F(export_days), 1, 365,
     N_("days request files may wait there before the retention run deletes them")},
    {"requests", "financial_year_end", OPT_MONTHDAY, F(financial_year_end), 0, 0,
     N_("the last day of the financial year as MM-DD, e.g. 12-31")},
    {"retention", "prospects_months", OPT_INT, F(prospects_months), 1, 600,
     N_("months after their last activity that prospects with no orders are kept, 1 to "
        "600")},
    {"retention", "prospects_action", OPT_ACTION, F(prospects_action), 0, 0,
     N_("what happens to a prospect past its period: anonymise or delete")},
    {"retention", "inactive_months", OPT_INT, F(inactive_months), 1, 600,
     N_("months after the last order or contact that customers are kept, 1 to 600")},
    {"retention", "inactive_action", OPT_ACTION, F(inactive_action), 0, 0,
     N_("what happens to an inactive customer: anonymise or delete")},
    {"retention", "bookkeeping_action", OPT_ACTION, F(bookkeeping_action), 0, 0,
     N_("what happens to order rows of anonymised customers after the bookkeeping "
        "period: anonymise (kept without the person) or delete")},
    {"retention", "notes_months", OPT_INT, F(notes_months), 1, 600,
     N_("months notes are kept, 1 to 600")},
    {"retention", "withdrawn_consents_years", OPT_INT, F(withdrawn_consents_years), 1, 50,
     N_("years a withdrawn consent is kept as proof, 1 to 50")},
    {"retention", "closed_requests_years", OPT_INT, F(closed_requests_years), 1, 50,
     N_("years a closed data-subject request is kept, 1 to 50")},
    {"retention", "batch_size", OPT_INT, F(retention_batch_size), 1, 100000,
     N_("subjects forgotten per transaction in a retention run, 1 to 100000")},
    {"accounts", "combine_duties", OPT_INT, F(combine_duties), 0, 1,
     N_("1 lets one account hold both a role that reads customer data and the accounts "
        "or keys action (a one-person company); 0, the default, refuses that")},
    {"vat", "rates", OPT_STR, F(vat_rates), 1, 127,
     N_("the VAT rates products may carry, in percent, comma-separated (Finland: "
        "25.5,14,10,0)")},
    {"password", "blocklist", OPT_STR, F(blocklist), 0, PATH_MAX - 1,
     N_("a file of refused passwords, one a line (empty: the shipped list)")},
    {"password", "extra_words", OPT_STR, F(extra_words), 0, RK_CONFIG_STR_MAX - 1,
     N_("comma-separated words refused inside passwords (company, product, town)")},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

void rk_config_defaults(struct rk_config *cfg)
{
        memset(cfg, 0, sizeof(*cfg));
        snprintf(cfg->db_path, sizeof(cfg->db_path), "%s",
                 "/var/lib/rekisteri/register.db");
        snprintf(cfg->server_group, sizeof(cfg->server_group), "%s", RK_SERVER_GROUP);
        snprintf(cfg->staff_group, sizeof(cfg->staff_group), "%s", RK_STAFF_GROUP);
        snprintf(cfg->retention_user, sizeof(cfg->retention_user), "%s", RK_SERVER_USER);
        snprintf(cfg->fetch_group, sizeof(cfg->fetch_group), "%s", RK_FETCH_GROUP);
        snprintf(cfg->retention_keyfile, sizeof(cfg->retention_keyfile), "%s",
                 RK_SYSCONFDIR "/retention.key");
        snprintf(cfg->binary, sizeof(cfg->binary), "%s", RK_BINDIR "/rekisteri");
        snprintf(cfg->retention_unit, sizeof(cfg->retention_unit), "%s",
                 "/etc/systemd/system/rekisteri-retention.service");
        snprintf(cfg->sshd_config, sizeof(cfg->sshd_config), "%s",
                 "/etc/ssh/sshd_config");
        snprintf(cfg->syslog_socket, sizeof(cfg->syslog_socket), "%s", "/dev/log");
        cfg->argon2_ops = 5;
        cfg->argon2_mem_kib = 192 * 1024; /* about 0.5 s on a 2-core server */
        cfg->argon2_at_once = 2;          /* logins hold at most 384 MiB at once */
        cfg->cache_mib = 64;
        cfg->busy_timeout_ms = 10000;
        cfg->throttle_after = 3;
        cfg->lock_after = 10;
        cfg->max_delay_seconds = 900;
        cfg->idle_lock_seconds = 900;
        cfg->max_session_hours = 12;
        cfg->export_days = 14;
        cfg->audit_epoch_rows = 1000;
        cfg->audit_retention_months = 24;
        cfg->audit_head_interval = 60;
        cfg->bookkeeping_years = 6;
        cfg->financial_year_end = 1231;
        cfg->prospects_months = 24;
        cfg->prospects_action = 0; /* anonymise */
        cfg->inactive_months = 36;
        cfg->inactive_action = 0;
        cfg->bookkeeping_action = 0;
        cfg->notes_months = 24;
        cfg->withdrawn_consents_years = 3;
        cfg->closed_requests_years = 3;
        cfg->retention_batch_size = 500;
        snprintf(cfg->vat_rates, sizeof(cfg->vat_rates), "%s", RK_VAT_DEFAULTS);

        rk_policy_defaults(&cfg->roles);
}

int rk_config_check_file(const char *path, int secret, struct rk_error *err)
{
        struct stat st;
        if (stat(path, &st) != 0) {
                if (errno == ENOENT)
                        return rk_error_set(err, RK_ERR_NOTFOUND, "%s: no such file",
                                            path);
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        }
        if (!S_ISREG(st.st_mode))
                return rk_error_set(err, RK_ERR_DENIED, "%s: not a regular file", path);
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "%s: refusing a file that group or others can write "
                                    "(fix with: chmod go-w %s)",
                                    path, path);
        if (secret && (st.st_mode & (S_IRWXG | S_IRWXO)))
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "%s: refusing a secret file that group or others can read "
                    "(fix with: chmod 600 %s)",
                    path, path);
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return rk_error_set(err, RK_ERR_DENIED,
                                    "%s: refusing a file owned by another user (uid %u)",
                                    path, (unsigned)st.st_uid);
        return RK_OK;
}

static const struct opt *find_option(const char *section, const char *key)
{
        for (size_t i = 0; i < N_OPTIONS; i++) {
                if (strcmp(options[i].section, section) == 0 &&
                    strcmp(options[i].key, key) == 0)
                        return &options[i];
        }
        return NULL;
}

static int section_known(const char *section)
{
        for (size_t i = 0; i < N_OPTIONS; i++) {
                if (strcmp(options[i].section, section) == 0)
                        return 1;
        }
        return 0;
}

/* List the keys of a section, for "allowed keys are ..." messages. */
static void allowed_keys(const char *section, char *buf, size_t size)
{
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < N_OPTIONS && used < size; i++) {
                if (strcmp(options[i].section, section) != 0)
                        continue;
                int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                 options[i].key);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
}

/* The sections of the table, then those that take a name: [role.NAME]
 * (apply_role) and the privacy documents' (config_privacy.c). */
static void allowed_sections(char *buf, size_t size)
{
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < N_OPTIONS && used < size; i++) {
                if (i > 0 && strcmp(options[i - 1].section, options[i].section) == 0)
                        continue;
                int n = snprintf(buf + used, size - used, "%s[%s]", used ? ", " : "",
                                 options[i].section);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
        if (used < size)
                snprintf(
                    buf + used, size - used,
                    ", [role.NAME], [purpose.NAME], [recipient.NAME], [transfer.NAME]");
}

static int parse_int(const char *text, long long *out)
{
        char *end = NULL;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0')
                return -1;
        *out = v;
        return 0;
}

/* "MM-DD", a day that every year has (no 02-29), as month * 100 + day. */
static int parse_monthday(const char *text, long long *out)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (strlen(text) != 5 || text[2] != '-')
                return -1;
        for (int i = 0; i < 5; i++) {
                if (i != 2 && (text[i] < '0' || text[i] > '9'))
                        return -1;
        }
        int m = (text[0] - '0') * 10 + (text[1] - '0');
        int d = (text[3] - '0') * 10 + (text[4] - '0');
        if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
                return -1;
        *out = m * 100 + d;
        return 0;
}

/* Store one value from the file into cfg after checking it against o. */
/* The index of value among "a|b|c", or -1. */
static int parse_choice(const char *choices, const char *value, long long *out)
{
        size_t len = strlen(value);
        long long i = 0;
        for (const char *p = choices; *p != '\0'; i++) {
                size_t n = strcspn(p, "|");
                if (n == len && len > 0 && strncmp(p, value, n) == 0) {
                        *out = i;
                        return 0;
                }
                p += n + (p[n] == '|');
        }
        return -1;
}

static int apply_option(const struct opt *o, const char *file, const char *value,
                        struct rk_config *cfg, struct rk_error *err)
{
        char *field = (char *)cfg + o->offset;
        if (o->type == OPT_ACTION) {
                long long v;
                if (parse_choice(RET_ACTIONS, value, &v) != 0)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: not a valid value; expected %s",
                                            file, o->section, o->key, _(o->help));
                memcpy(field, &v, sizeof(v));
                return RK_OK;
        }
        if (o->type == OPT_MONTHDAY) {
                long long v;
                if (parse_monthday(value, &v) != 0)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: not a valid value; expected %s",
                                            file, o->section, o->key, _(o->help));
                memcpy(field, &v, sizeof(v));
                return RK_OK;
        }
        if (o->type == OPT_LANG && value[0] != '\0' && !rk_i18n_known(value))
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: [%s] %s: not a valid value; expected %s", file,
                                    o->section, o->key, _(o->help));
        if (o->type == OPT_INT) {
                long long v;
                if (parse_int(value, &v) != 0 || v < o->min || v > o->max)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: not a valid value; expected %s",
                                            file, o->section, o->key, _(o->help));
                memcpy(field, &v, sizeof(v));
                return RK_OK;
        }
        size_t len = strlen(value);
        if ((long long)len < o->min || (long long)len > o->max)
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: [%s] %s: value has %zu characters; expected %s "
                                    "(%lld to %lld characters)",
                                    file, o->section, o->key, len, _(o->help), o->min,
                                    o->max);
        memcpy(field, value, len + 1);
        return RK_OK;
}

#define ROLE_PREFIX "role."

/* A [role.NAME] section: read, write and actions, each a comma list. */
static int apply_role(dictionary *d, const char *file, const char *section,
                      struct rk_config *cfg, struct rk_error *err)
{
        static const char *const role_keys[] = {"read", "write", "actions"};
        const char *values[3] = {"", "", ""};
        int nkeys = iniparser_getsecnkeys(d, section);
        const char **keys = calloc(nkeys > 0 ? (size_t)nkeys : 1, sizeof(*keys));
        if (keys == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", file);
        int rc = RK_OK;
        iniparser_getseckeys(d, section, keys);
        for (int i = 0; i < nkeys && rc == RK_OK; i++) {
                const char *key = keys[i] + strlen(section) + 1;
                int k = 0;
                while (k < 3 && strcmp(role_keys[k], key) != 0)
                        k++;
                if (k == 3)
                        rc = rk_error_set(
                            err, RK_ERR_CONFIG,
                            "%s: [%s] %s: unknown key; allowed keys are read, "
                            "write, actions",
                            file, section, key);
                else
                        values[k] = iniparser_getstring(d, keys[i], "");
        }
        free(keys);
        struct rk_error inner;
        if (rc == RK_OK &&
            rk_policy_define(&cfg->roles, section + strlen(ROLE_PREFIX), values[0],
                             values[1], values[2], &inner) != RK_OK)
                rc = rk_error_set(err, RK_ERR_CONFIG, "%s: [%s]: %s", file, section,
                                  inner.msg);
        return rc;
}

static int apply_section(dictionary *d, const char *file, const char *section,
                         struct rk_config *cfg, struct rk_error *err)
{
        char allowed[512];
        if (strncmp(section, ROLE_PREFIX, strlen(ROLE_PREFIX)) == 0)
                return apply_role(d, file, section, cfg, err);
        if (rk_config_privacy_owns(section))
                return rk_config_privacy_section(d, file, section, cfg, err);
        if (!section_known(section)) {
                allowed_sections(allowed, sizeof(allowed));
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: [%s]: unknown section; allowed sections are %s",
                                    file, section, allowed);
        }
        int nkeys = iniparser_getsecnkeys(d, section);
        if (nkeys <= 0)
                return RK_OK;
        const char **keys = calloc((size_t)nkeys, sizeof(*keys));
        if (keys == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", file);
        int rc = RK_OK;
        iniparser_getseckeys(d, section, keys);
        for (int i = 0; i < nkeys && rc == RK_OK; i++) {
                const char *key = keys[i] + strlen(section) + 1; /* "section:key" */
                const struct opt *o = find_option(section, key);
                if (o == NULL) {
                        allowed_keys(section, allowed, sizeof(allowed));
                        rc = rk_error_set(err, RK_ERR_CONFIG,
                                          "%s: [%s] %s: unknown key; allowed keys are %s",
                                          file, section, key, allowed);
                        break;
                }
                rc = apply_option(o, file, iniparser_getstring(d, keys[i], ""), cfg, err);
        }
        free(keys);
        return rc;
}

/* The longest config read (a config is a few kilobytes). */
#define CONFIG_MAX (1 << 20)

/* iniparser reports syntax errors through a global callback: keep the first. */
static char ini_syntax_error[256];

static int capture_ini_error(const char *fmt, ...)
{
        if (ini_syntax_error[0] != '\0')
                return 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ini_syntax_error, sizeof(ini_syntax_error), fmt, ap);
        va_end(ap);
        size_t n = strlen(ini_syntax_error);
        if (n > 0 && ini_syntax_error[n - 1] == '\n')
                ini_syntax_error[n - 1] = '\0';
        return 0;
}

/* A key before the first [section] header: iniparser files it as ":key". */
static int check_sectionless_keys(dictionary *d, const char *file, struct rk_error *err)
{
        for (ssize_t i = 0; i < d->size; i++) {
                const char *key = d->key[i];
                if (key != NULL && key[0] == ':')
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: %s: key outside any [section]", file,
                                            key + 1);
        }
        return RK_OK;
}

/* Copy what in reads into out, at most CONFIG_MAX bytes; RK_OK or the
 * error of the first read or write that failed. */
static int copy_all(int in, int out, const char *path, struct rk_error *err)
{
        char buf[8192];
        size_t total = 0;
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                            strerror(errno));
                if (n == 0)
                        return RK_OK;
                total += (size_t)n;
                if (total > CONFIG_MAX)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: longer than %d bytes; is it the config?",
                                            path, CONFIG_MAX);
                for (ssize_t done = 0, w; done < n; done += w) {
                        w = write(out, buf + done, (size_t)(n - done));
                        if (w < 0 && errno == EINTR)
                                w = 0;
                        else if (w < 0)
                                return rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                                    strerror(errno));
                }
        }
}

/*
 * The config, read whole with every read error reported, as a memory
 * file (*fd, which the caller closes) for iniparser to parse: iniparser
 * reads with fgets and takes a read error for the end of the file, so a
 * failing disk would give a config cut short that looked complete (no
 * roles, no purposes, the default costs). iniparser 4.1 opens a path
 * only, so it is given the memory file's /proc/self/fd name (alias).
 */
static int copy_config(const char *path, int *fd, char *alias, size_t size,
                       struct rk_error *err)
{
        int in = open(path, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        *fd = memfd_create("rekisteri-config", MFD_CLOEXEC);
        int rc = *fd >= 0 ? copy_all(in, *fd, path, err)
                          : rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        close(in);
        if (rc == RK_OK)
                snprintf(alias, size, "/proc/self/fd/%d", *fd);
        return rc;
}

/* iniparser's message names the alias; name the config instead. */
static void name_the_file(const char *alias, const char *path)
{
        char *at = strstr(ini_syntax_error, alias);
        char rest[sizeof(ini_syntax_error)];
        if (at == NULL)
                return;
        snprintf(rest, sizeof(rest), "%s", at + strlen(alias));
        snprintf(at, sizeof(ini_syntax_error) - (size_t)(at - ini_syntax_error), "%s%s",
                 path, rest);
}

static int load_file(const char *path, struct rk_config *cfg, struct rk_error *err)
{
        char alias[64];
        int fd = -1;
        int rc = rk_config_check_file(path, 0, err);
        if (rc == RK_OK)
                rc = copy_config(path, &fd, alias, sizeof(alias), err);
        if (rc != RK_OK) {
                if (fd >= 0)
                        close(fd);
                return rc;
        }
        ini_syntax_error[0] = '\0';
        iniparser_set_error_callback(capture_ini_error);
        dictionary *d = iniparser_load(alias);
        iniparser_set_error_callback(NULL);
        close(fd);
        name_the_file(alias, path);
        if (d == NULL || ini_syntax_error[0] != '\0') {
                if (d != NULL)
                        iniparser_freedict(d);
                return rk_error_set(err, RK_ERR_CONFIG, "%s: cannot be parsed: %s", path,
                                    ini_syntax_error[0] ? ini_syntax_error
                                                        : "unreadable");
        }
        rc = check_sectionless_keys(d, path, err);
        int nsec = iniparser_getnsec(d);
        for (int i = 0; i < nsec && rc == RK_OK; i++)
                rc = apply_section(d, path, iniparser_getsecname(d, i), cfg, err);
        iniparser_freedict(d);
        struct rk_vat_rates vat;
        struct rk_error why;
        if (rc == RK_OK && rk_vat_rates_parse(cfg->vat_rates, &vat, &why) != RK_OK)
                rc = rk_error_set(err, RK_ERR_CONFIG, "%s: [vat] rates: %s", path,
                                  why.msg);
        if (rc == RK_OK)
                rc = rk_config_privacy_finish(path, cfg, err);
        if (rc == RK_OK)
                snprintf(cfg->source, sizeof(cfg->source), "%s", path);
        return rc;
}

int rk_config_load(const char *explicit_path, int allow_env, struct rk_config *cfg,
                   struct rk_error *err)
{
        rk_config_defaults(cfg);
        const char *path = explicit_path;
        if (path == NULL && allow_env) {
                const char *env = getenv("REKISTERI_CONFIG");
                if (env != NULL && env[0] != '\0')
                        path = env;
        }
        if (path == NULL) {
                if (faccessat(AT_FDCWD, RK_CONFIG_DEFAULT_PATH, F_OK, AT_EACCESS) != 0)
                        return RK_OK; /* no system config: built-in defaults */
                path = RK_CONFIG_DEFAULT_PATH;
        }
        int rc = load_file(path, cfg, err);
        if (rc != RK_OK) {
                rk_config_defaults(cfg);
                return rc;
        }
        return RK_OK;
}

int rk_config_desktop_path(char *out, size_t size, struct rk_error *err)
{
        const char *xdg = getenv("XDG_DATA_HOME");
        const char *home = getenv("HOME");
        char dir[PATH_MAX];
        int n;
        if (xdg != NULL && xdg[0] == '/')
                n = snprintf(dir, sizeof(dir), "%s/rekisteri", xdg);
        else if (home != NULL && home[0] == '/')
                n = snprintf(dir, sizeof(dir), "%s/.local/share/rekisteri", home);
        else
                return rk_error_set(
                    err, RK_ERR_NOTFOUND,
                    "no register named: give --db PATH or [register] path");
        if (n < 0 || (size_t)n >= sizeof(dir) ||
            snprintf(out, size, "%s/register.db", dir) >= (int)size)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the data directory path is too long");
        /* a fresh account has no ~/.local/share yet: create each missing
         * directory on the way, private */
        for (char *p = dir + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                int bad = mkdir(dir, 0700) != 0 && errno != EEXIST;
                *p = '/';
                if (bad)
                        return rk_error_set(err, RK_ERR_IO, "%s: %s", dir,
                                            strerror(errno));
        }
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", dir, strerror(errno));
        return RK_OK;
}
