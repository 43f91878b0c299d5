/*
 * commands.c - the table of subcommands, tmux-style: one entry per command,
 * used for dispatch and for --help alike.
 */
#include "cli.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
    {"init", cmd_init, "--db PATH --admin NAME [--password-stdin]",
     "create a new register and its first admin account"},
    {"check", cmd_check, "UNLOCK",
     "unlock the register and check every page of it (also for key files)"},
    {"key list", cmd_key_list, "UNLOCK",
     "list the keyslots (users, recovery, key files)"},
    {"key add-file", cmd_key_add_file, "UNLOCK --label NAME --out FILE",
     "create a key file for unattended jobs"},
    {"key remove-file", cmd_key_remove_file, "UNLOCK --label NAME",
     "remove a key file's keyslot; the file stops working"},
    {"key rotate", cmd_key_rotate, "UNLOCK",
     "re-encrypt the register under a new database key"},
    {"key dump-raw", cmd_key_dump, "--db PATH [--password-stdin]",
     "disaster recovery: print the raw database key, given the recovery key"},
    {NULL, NULL, NULL, NULL},
};
