/*
 * config.h - the program's settings, read from one ini file.
 *
 * Search order: the --config FILE option, then $REKISTERI_CONFIG, then
 * /etc/rekisteri/rekisteri.ini. When none of them exists the built-in
 * defaults apply (a file named explicitly must exist). Every key is declared
 * in one table in config.c with its type, bounds and help text; an unknown
 * section or key, or a bad value, is an error that names the file, the
 * section, the key and what is allowed. A file that others can write is
 * refused, as sshd refuses one.
 */
#ifndef REKISTERI_CONFIG_H
#define REKISTERI_CONFIG_H

#include "rekisteri/error.h"
#include "rekisteri/policy.h"

#include <limits.h>
#include <stdint.h>

#define RK_CONFIG_DEFAULT_PATH "/etc/rekisteri/rekisteri.ini"
#define RK_CONFIG_STR_MAX      512

/* The DPO's documents (privacy.h): what the controller declares in the
 * config besides what the register knows by itself. */
#define RK_PRIVACY_NAME_MAX 32  /* the NAME of [purpose.NAME] and the like */
#define RK_PRIVACY_TEXT_MAX 256 /* bytes of one text, NUL included */
#define RK_PURPOSES_MAX     12
#define RK_RECIPIENTS_MAX   8
#define RK_TRANSFERS_MAX    4

/* A text the controller wrote, in the register's language, with optional
 * Finnish and Swedish versions (key, key_fi, key_sv). */
struct rk_config_text {
        char text[RK_PRIVACY_TEXT_MAX];
        char fi[RK_PRIVACY_TEXT_MAX];
        char sv[RK_PRIVACY_TEXT_MAX];
};

/* [purpose.NAME]: why personal data is processed (GDPR Art. 5(1)(b)). */
struct rk_purpose {
        char name[RK_PRIVACY_NAME_MAX + 1];
        struct rk_config_text description;
        int basis; /* enum rk_legal_basis (privacy.h); -1 when unset */
        struct rk_config_text basis_detail; /* e.g. the Act, or the interest */
        rk_groupset groups;                 /* field groups it uses */
};

/* [recipient.NAME]: someone outside the company who receives data. */
struct rk_recipient {
        char name[RK_PRIVACY_NAME_MAX + 1];
        char who[RK_PRIVACY_TEXT_MAX]; /* the company, as named in the contract */
        struct rk_config_text description;
        rk_groupset groups;
        long long processor; /* 1: processes on our behalf (Art. 28) */
        char country[3];     /* ISO 3166 alpha-2 */
};

/* [transfer.NAME]: a transfer to a third country (Art. 44-49). */
struct rk_transfer {
        char name[RK_PRIVACY_NAME_MAX + 1];
        char country[3];
        struct rk_config_text description;
        struct rk_config_text safeguard; /* Art. 46 safeguard or Art. 45 decision */
};

struct rk_privacy_config {
        /* [controller] */
        char name[RK_PRIVACY_TEXT_MAX]; /* "" = [register] company_name */
        char business_id[32];
        char address[RK_PRIVACY_TEXT_MAX];
        char email[RK_PRIVACY_TEXT_MAX];       /* for questions about personal data */
        char dpo_contact[RK_PRIVACY_TEXT_MAX]; /* "" = no DPO designated */
        struct rk_config_text sources; /* where data not from the person comes from */
        char language[4];              /* documents' default: fi, sv, en, "" */
        struct rk_purpose purposes[RK_PURPOSES_MAX];
        size_t npurposes;
        struct rk_recipient recipients[RK_RECIPIENTS_MAX];
        size_t nrecipients;
        struct rk_transfer transfers[RK_TRANSFERS_MAX];
        size_t ntransfers;
};

struct rk_config {
        char source[PATH_MAX]; /* the file read, or "" for built-in defaults */

        /* [register] */
        char db_path[PATH_MAX]; /* default register when --db is not given */
        char company_name[RK_CONFIG_STR_MAX];
        char language[8]; /* [register] language: "", "en", "fi" or "sv" */
        char controller_contact[RK_CONFIG_STR_MAX]; /* how people reach the
                                                       controller about their data */

        /* [crypto] Argon2id cost of password keyslots */
        long long argon2_ops;
        long long argon2_mem_kib;
        long long argon2_at_once; /* password checks at once per register */

        /* [database] */
        long long cache_mib;
        long long busy_timeout_ms;

        /* [login] */
        long long throttle_after;
        long long lock_after;
        long long max_delay_seconds;

        /* [session] */
        long long idle_lock_seconds;
        long long max_session_hours;

        /* [audit] */
        long long audit_epoch_rows;
        long long audit_retention_months;
        long long audit_head_interval;               /* minutes */
        char audit_heads_file[PATH_MAX];             /* "" = syslog */
        char audit_heads_command[RK_CONFIG_STR_MAX]; /* "" = none */

        /* [requests] data-subject requests and legal holds */
        long long bookkeeping_years;  /* orders kept after their financial year */
        long long financial_year_end; /* month * 100 + day, e.g. 1231 */
        char export_dir[PATH_MAX];    /* "" = beside the register (dsr_outbox.h) */
        long long export_days;        /* request files kept this long there */

        /* [retention] (retention.h): periods, and the action of the rules
         * that may anonymise or delete (enum rk_retention_action) */
        long long prospects_months;
        long long prospects_action;
        long long inactive_months;
        long long inactive_action;
        long long bookkeeping_action; /* period: [requests] bookkeeping_years */
        long long notes_months;
        long long withdrawn_consents_years;
        long long closed_requests_years;
        long long retention_batch_size; /* subjects per transaction */

        /* [server] the multi-user layout `rekisteri doctor` checks */
        char server_group[64];   /* owns the register files; the binary's setgid */
        char staff_group[64];    /* staff accounts, given the register by sshd */
        char fetch_group[64];    /* fetching accounts: chrooted, read-only sftp */
        char retention_user[64]; /* runs the nightly retention job */
        char retention_keyfile[PATH_MAX]; /* its key file */
        char binary[PATH_MAX];            /* the installed program */
        char retention_unit[PATH_MAX];    /* the installed systemd unit of the job */
        char sshd_config[PATH_MAX];       /* sshd's configuration (sshd -T -f) */
        char syslog_socket[PATH_MAX];     /* where failed logins are logged */

        /* [accounts] 1: one account may hold a role that reads customer
         * data and the accounts or keys action (a one-person company) */
        long long combine_duties;
        /* [vat] the rates a product may carry, in percent (money.h) */
        char vat_rates[128];

        /* [password] */

        char blocklist[PATH_MAX];            /* "" = the shipped list */
        char extra_words[RK_CONFIG_STR_MAX]; /* comma-separated */

        /* [role.NAME] sections: read, write, actions (comma lists) */
        struct rk_roleset roles;

        /* [controller], [purpose.NAME], [recipient.NAME], [transfer.NAME]
         * (config_privacy.c) */
        struct rk_privacy_config privacy;
};

/*
 * rk_config_desktop_path - the single-user default register,
 * $XDG_DATA_HOME/rekisteri/register.db (else ~/.local/share/...), for a
 * process that is not privileged and found no config file. Creates the
 * rekisteri directory (0700) when it is missing. Returns RK_OK, or
 * RK_ERR_NOTFOUND when neither variable is set, RK_ERR_IO.
 */
int rk_config_desktop_path(char *out, size_t size, struct rk_error *err);

/* rk_config_defaults - fill cfg with the built-in defaults. */
void rk_config_defaults(struct rk_config *cfg);

/*
 * rk_config_load - fill cfg from the first file of the search order.
 * explicit_path is the --config argument or NULL. With allow_env false,
 * $REKISTERI_CONFIG is ignored (a privileged process must not be steered).
 * Returns RK_OK; RK_ERR_NOTFOUND when an explicitly named file is missing;
 * RK_ERR_DENIED when the file is writable by group or others or owned by
 * someone else; RK_ERR_CONFIG for a syntax error, an unknown section or key,
 * or a bad value. On failure cfg holds defaults and err names the problem.
 */
int rk_config_load(const char *explicit_path, int allow_env, struct rk_config *cfg,
                   struct rk_error *err);

/*
 * rk_config_check_file - refuse a file (config or key file) that is not a
 * regular file, is writable by group or others, or is owned by neither root
 * nor the effective user. With secret set, also refuse a file readable by
 * group or others. Returns RK_OK, RK_ERR_NOTFOUND, RK_ERR_IO or
 * RK_ERR_DENIED with the path in the message.
 */
int rk_config_check_file(const char *path, int secret, struct rk_error *err);

#endif
