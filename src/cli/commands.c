/*
 * commands.c - the table of subcommands, tmux-style: one entry per command,
 * used for dispatch and for --help alike. UNLOCK stands for
 * "--user NAME --password-stdin --totp CODE" or "--keyfile FILE".
 */
#include "cli.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
    {"init", cmd_init, 0, "--db PATH --admin NAME [--password-stdin]",
     "create a new register and its first admin account"},
    {"demo", cmd_demo, 0, "--db PATH [--customers N] [--seed S]",
     "create a demo register with generated customers and one account per role"},
    {"check", cmd_check, 0, "UNLOCK",
     "unlock the register and check every page of it (also for key files)"},
    {"mfa enrol", cmd_mfa_enrol, 0, "--user NAME --password-stdin [--totp CODE]",
     "start enrolling a TOTP authenticator: shows the QR code and secret"},
    {"mfa confirm", cmd_mfa_confirm, 0, "--user NAME --password-stdin --totp CODE",
     "finish enrolment with one code from the new authenticator"},
    {"user add", cmd_user_add, 1, "NAME --roles ROLE[,ROLE] UNLOCK",
     "create an account; prints its one-time password"},
    {"user list", cmd_user_list, 0, "UNLOCK", "list the accounts, roles and states"},
    {"user disable", cmd_user_disable, 1, "NAME UNLOCK",
     "disable an account and remove its keyslot"},
    {"user enable", cmd_user_enable, 1, "NAME UNLOCK",
     "enable an account again; prints a one-time password"},
    {"user unlock", cmd_user_unlock, 1, "NAME UNLOCK",
     "lift a lockout after too many failed logins"},
    {"user reset-password", cmd_user_reset_password, 1, "NAME UNLOCK",
     "give an account a one-time password to change at next login"},
    {"user reset-mfa", cmd_user_reset_mfa, 1, "NAME UNLOCK",
     "forget an account's second factor; it enrols again at next login"},
    {"user set-roles", cmd_user_set_roles, 1, "NAME --roles ROLE[,ROLE] UNLOCK",
     "replace an account's roles"},
    {"audit verify", cmd_audit_verify, 0, "UNLOCK [--key K0]",
     "check the audit trail's chain (and, with K0, every MAC); names the first bad "
     "entry"},
    {"audit list", cmd_audit_list, 0,
     "UNLOCK [--by-user U] [--action A] [--subject ID] [--from D] [--to D]",
     "the audit trail, newest first"},
    {"audit export", cmd_audit_export, 0, "UNLOCK --out FILE.csv [filters as for list]",
     "the audit trail as formula-safe CSV (mode 0600)"},
    {"audit subject", cmd_audit_subject, 1, "ID UNLOCK",
     "who accessed customer ID: every user, time and field group"},
    {"audit user", cmd_audit_user, 1, "NAME UNLOCK [--from D] [--to D]",
     "what user NAME accessed: subjects, field groups, counts (breach impact)"},
    {"key list", cmd_key_list, 0, "UNLOCK",
     "list the keyslots (users, recovery, key files)"},
    {"key add-file", cmd_key_add_file, 0, "UNLOCK --label NAME --out FILE [--roles R,R]",
     "create a key file for unattended jobs, with the roles it needs"},
    {"key remove-file", cmd_key_remove_file, 0, "UNLOCK --label NAME",
     "remove a key file's keyslot; the file stops working"},
    {"key rotate", cmd_key_rotate, 0, "UNLOCK",
     "re-encrypt the register under a new database key"},
    {"key dump-raw", cmd_key_dump, 0, "--db PATH [--password-stdin]",
     "disaster recovery: print the raw database key, given the recovery key"},
    {NULL, NULL, 0, NULL, NULL},
};
