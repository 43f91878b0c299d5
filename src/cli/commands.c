/*
 * commands.c - the table of subcommands, tmux-style: one entry per command,
 * used for dispatch, for --help and for option checking alike.
 *
 * A command's usage string is its declaration: every "--name" written in it
 * is an option the command accepts, and no other (besides the global ones
 * in cli_global_usage). UNLOCK stands for "--user NAME --password-stdin
 * --totp CODE" or "--keyfile FILE". To give a command a new option, write
 * it into that command's usage; main.c then accepts it for that command
 * only, and --help and the docs test see it.
 */
#include "cli.h"
#include "rekisteri/i18n.h"

#include <stddef.h>
#include <string.h>

const char cli_global_usage[] = "[--config FILE] [--db PATH] [--lang LANG] [--help]";
const char cli_unlock_usage[] = "--user NAME [--password-stdin] [--totp CODE] | "
                                "--keyfile FILE";

/* The full-screen program, run when no command is given. */
const struct cli_command cli_screen = {"", NULL, 0, "[--no-color]",
                                       N_("the full-screen program")};

const struct cli_command cli_commands[] = {
    {"init", cmd_init, 0, "--db PATH --admin NAME [--password-stdin]",
     N_("create a new register and its first admin account")},
    {"demo", cmd_demo, 0, "--db PATH [--customers N] [--seed S]",
     N_("create a demo register with generated customers and one account per role")},
    {"check", cmd_check, 0, "UNLOCK",
     N_("unlock the register and check every page of it (also for key files)")},
    {"mfa enrol", cmd_mfa_enrol, 0, "--user NAME --password-stdin [--totp CODE]",
     N_("start enrolling a TOTP authenticator: shows the QR code and secret")},
    {"mfa confirm", cmd_mfa_confirm, 0, "--user NAME --password-stdin --totp CODE",
     N_("finish enrolment with one code from the new authenticator")},
    {"user add", cmd_user_add, 1, "NAME --roles ROLE[,ROLE] UNLOCK",
     N_("create an account; prints its one-time password")},
    {"user list", cmd_user_list, 0, "UNLOCK", N_("list the accounts, roles and states")},
    {"user disable", cmd_user_disable, 1, "NAME UNLOCK",
     N_("disable an account and remove its keyslot")},
    {"user enable", cmd_user_enable, 1, "NAME UNLOCK",
     N_("enable an account again; prints a one-time password")},
    {"user unlock", cmd_user_unlock, 1, "NAME UNLOCK",
     N_("lift a lockout after too many failed logins")},
    {"user reset-password", cmd_user_reset_password, 1, "NAME UNLOCK",
     N_("give an account a one-time password to change at next login")},
    {"user reset-mfa", cmd_user_reset_mfa, 1, "NAME UNLOCK",
     N_("forget an account's second factor; it enrols again at next login")},
    {"user set-roles", cmd_user_set_roles, 1, "NAME --roles ROLE[,ROLE] UNLOCK",
     N_("replace an account's roles")},
    {"audit verify", cmd_audit_verify, 0,
     "UNLOCK [--key-stdin | --key-file FILE] [--heads FILE]",
     N_("check the audit trail's chain (with K0 every MAC and the stored key, with "
        "--heads every logged chain head); names the first bad entry")},
    {"audit list", cmd_audit_list, 0,
     "UNLOCK [--by-user U] [--action A] [--subject C000123] [--from D] [--to D]",
     N_("the audit trail, newest first")},
    {"audit export", cmd_audit_export, 0,
     "UNLOCK --out FILE.csv [--by-user U] [--action A] [--subject C000123] [--from D] "
     "[--to D]",
     N_("the audit trail as formula-safe CSV (mode 0600)")},
    {"audit subject", cmd_audit_subject, 1, "C000123 UNLOCK",
     N_("who accessed the customer: every action on their data, user, time and groups")},
    {"audit user", cmd_audit_user, 1, "NAME UNLOCK [--from D] [--to D]",
     N_("what user NAME accessed: subjects, field groups, counts (breach impact)")},
    {"doctor", cmd_doctor, 0, "[--db PATH]",
     N_("check a server deployment (as root): modes, groups, sshd, timer, syslog, "
        "controller; prints the fix of each problem, exit 1 when there are any")},
    {"customer add", cmd_customer_add, 0,
     "UNLOCK [--yes] < lines name=N, email=E, phone=P, street=S... (stdin, never argv)",
     N_("add a customer from name=, email=, phone=... lines on stdin (or asked on a "
        "terminal); prints its number (a person erased earlier only with --yes)")},
    {"customer search", cmd_customer_search, 0, "UNLOCK < QUERY",
     N_("search as the Customers screen does (the query on standard input; audited)")},
    {"customer show", cmd_customer_show, 1, "NUMBER UNLOCK",
     N_("the customer's fields the unlocking role may read (the view is audited)")},
    {"merge", cmd_merge, 2, "SURVIVOR OTHER [--keep FIELD=other ...] [--yes] UNLOCK",
     N_("merge two customers who are the same: shows both side by side, moves the "
        "other's records to the survivor, keeps the chosen values and erases the rest")},
    {"product add", cmd_product_add, 0,
     "--code CODE --name NAME --unit UNIT --price EUROS --vat PERCENT UNLOCK",
     N_("add a product to the catalogue (the products action; supervisor)")},
    {"product list", cmd_product_list, 0, "UNLOCK [--all]",
     N_("the catalogue: active products (--all: inactive ones too)")},
    {"product set", cmd_product_set, 1,
     "CODE [--name N] [--unit U] [--price EUROS] [--vat PERCENT] UNLOCK",
     N_("change a product; orders already taken keep their prices")},
    {"product deactivate", cmd_product_deactivate, 1, "CODE UNLOCK",
     N_("take a product off sale (products are never deleted)")},
    {"order add", cmd_order_add, 0,
     "--customer NUMBER --line CODE:QTY[:PRICE] [--line ...] UNLOCK",
     N_("take an order from the catalogue; prints its number, net, VAT and gross")},
    {"order show", cmd_order_show, 1, "NUMBER UNLOCK",
     N_("an order's lines and totals, as the unlocking role may read them")},
    {"order status", cmd_order_status, 1, "NUMBER --status STATUS UNLOCK",
     N_("move an order along its flow (open, confirmed, picked, shipped, delivered, "
        "cancelled)")},
    {"order queue", cmd_order_queue, 0, "UNLOCK",
     N_("the warehouse's queue: confirmed and picked orders, oldest first")},
    {"order picking-list", cmd_order_picking_list, 1, "NUMBER --out FILE UNLOCK",
     N_("write an order's picking list (no personal data; mode 0600, never "
        "overwrites)")},
    {"marketing list", cmd_marketing_list, 0, "--purpose P [--out F.csv] UNLOCK",
     N_("who may be contacted for a purpose (consent in force, no objection, not "
        "restricted or suppressed), with counts of those left out and why")},
    {"import customers", cmd_import_customers, 1,
     "FILE [--map COLUMN=FIELD,...] [--use-map NAME] [--save-map NAME] [--dry-run] "
     "[--confirm ROW,ROW --reason TEXT] [--yes] UNLOCK",
     N_("import customers from a spreadsheet's CSV file: shows the mapping and what "
        "each row would do, then saves with --yes (the import action; supervisor)")},
    {"duplicates", cmd_duplicates, 0, "UNLOCK [--limit N]",
     N_("customers that are likely the same person or company: the two numbers, the "
        "reason and a score, the first N pairs (1000 unless told; supervisor; the pairs "
        "shown are audited)")},
    {"key list", cmd_key_list, 0, "UNLOCK",
     N_("list the keyslots (users, recovery, key files)")},
    {"key add-file", cmd_key_add_file, 0, "UNLOCK --label NAME --out FILE [--roles R,R]",
     N_("create a key file for unattended jobs, with the roles it needs (with neither "
        "--user nor --keyfile it asks for the recovery key)")},
    {"key remove-file", cmd_key_remove_file, 0, "UNLOCK --label NAME",
     N_("remove a key file's keyslot; the file stops working")},
    {"key rotate", cmd_key_rotate, 0, "UNLOCK",
     N_("replace the master key and the database key; removed keyslots open nothing")},
    {"key dump-raw", cmd_key_dump, 0, "--db PATH [--password-stdin]",
     N_("disaster recovery: print the raw database key, given the recovery key")},
    {"key new-server-key", cmd_key_new_server_key, 0,
     "--db PATH [--keyfile ADMIN-KEY | --password-stdin]",
     N_("after losing PATH.serverkey: a new one; every account gets a new password and "
        "enrols again")},
    {"dsr new", cmd_dsr_new, 0,
     "--type T [--purpose P] [--received DATE] --subject NUMBER[,contact:ID..] "
     "[--verified HOW] UNLOCK",
     N_("register a data-subject request about the records named, due in one month")},
    {"dsr list", cmd_dsr_list, 0, "UNLOCK [--all]",
     N_("open requests by due date, overdue ones marked (--all: closed ones too)")},
    {"dsr show", cmd_dsr_show, 1, "ID UNLOCK", N_("one request with its subjects")},
    {"dsr find", cmd_dsr_find, 0, "UNLOCK < QUERY",
     N_("which customers and contact persons a name, e-mail, phone, identity code or "
        "number on stdin names")},
    {"dsr add", cmd_dsr_add, 1, "ID --subject NUMBER[,contact:ID..] UNLOCK",
     N_("add records of the person to a request")},
    {"dsr verify", cmd_dsr_verify, 1, "ID --verified HOW UNLOCK",
     N_("record how the person's identity was verified")},
    {"dsr preview", cmd_dsr_preview, 1, "ID UNLOCK",
     N_("what execute will export, change, erase or keep, and why")},
    {"dsr execute", cmd_dsr_execute, 1, "ID [--out DIR] [--report-lang LANG] UNLOCK",
     N_("carry the request out in one transaction (exports go to DIR, mode 0600)")},
    {"dsr extend", cmd_dsr_extend, 1, "ID --reason TEXT [--months 1|2] UNLOCK",
     N_("extend the deadline once, by up to two months (Art. 12(3))")},
    {"dsr lift", cmd_dsr_lift, 1, "ID UNLOCK",
     N_("lift a restriction carried out earlier")},
    {"dsr close", cmd_dsr_close, 1, "ID --outcome TEXT UNLOCK",
     N_("close a request with the outcome told to the person")},
    {"dsr check", cmd_dsr_check, 0, "UNLOCK < column=value lines",
     N_("is the person about to be created on the suppression list of erased people")},
    {"retention plan", cmd_retention_plan, 0, "UNLOCK [--as-of YYYY-MM-DD]",
     N_("dry run: per rule, the customers due, those held and why, and the next due "
        "date (--as-of: for another day; changes nothing)")},
    {"retention run", cmd_retention_run, 0, "UNLOCK",
     N_("anonymise and delete what is due today, in batches; safe to run again after "
        "an interruption (for a timer: --keyfile)")},
    {"retention hold", cmd_retention_hold, 1, "NUMBER --reason TEXT UNLOCK",
     N_("put a customer under a manual legal hold: retention skips it")},
    {"retention release", cmd_retention_release, 1, "NUMBER UNLOCK",
     N_("lift a manual legal hold")},
    {"retention holds", cmd_retention_holds, 0, "UNLOCK",
     N_("the manual legal holds with their reasons")},
    {"privacy record", cmd_privacy_record, 0, "UNLOCK [--lang fi|sv|en] [--out F.html]",
     N_("the record of processing activities (GDPR Art. 30), generated from the config "
        "(documents action; audited)")},
    {"privacy notice", cmd_privacy_notice, 0, "UNLOCK [--lang fi|sv|en] [--out F.html]",
     N_("the privacy notice for the people in the register (Art. 13 and 14)")},
    {"privacy report", cmd_privacy_report, 0,
     "UNLOCK [--year YYYY] [--lang fi|sv|en] [--out F.html]",
     N_("the accountability report for a year: requests, erasures, retention, audit "
        "trail, accounts; counts and dates only")},
    {"privacy check", cmd_privacy_check, 0, "[--lang fi|sv|en]",
     N_("list what the config leaves unset for the record and the notice; exit 1 while "
        "anything is")},
    {"backup", cmd_backup, 0, "--out PATH UNLOCK",
     N_("encrypted online backup of the register, its slot file and erasure ledger")},
    {"restore", cmd_restore, 0,
     "--from BACKUP --db PATH [--keyfile BACKUP-KEY | --password-stdin] [--ledger FILE] "
     "[--force-without-ledger] | --verify-only BACKUP [--keyfile BACKUP-KEY | "
     "--password-stdin] [--key-stdin | --key-file FILE]",
     N_("restore a backup (recovery key or backup key file), forgetting again everyone "
        "forgotten since, or refusing; today's keyslots take over and the keys rotate; "
        "or "
        "only check that it opens, every page and the audit trail, and its age")},
    {NULL, NULL, 0, NULL, NULL},
};

/* Does usage name --option (option given without its dashes)? */
static bool usage_names(const char *usage, const char *option)
{
        size_t n = strlen(option);
        for (const char *p = strstr(usage, "--"); p != NULL; p = strstr(p + 2, "--")) {
                if (strncmp(p + 2, option, n) != 0)
                        continue;
                char next = p[2 + n];
                if (!((next >= 'a' && next <= 'z') || next == '-'))
                        return true;
        }
        return false;
}

bool cli_command_accepts(const struct cli_command *cmd, const char *option)
{
        return usage_names(cli_global_usage, option) ||
               (strstr(cmd->usage, "UNLOCK") != NULL &&
                usage_names(cli_unlock_usage, option)) ||
               usage_names(cmd->usage, option);
}
