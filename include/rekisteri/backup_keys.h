/*
 * backup_keys.h - the slot-file side of backups and restores: a backup
 * carries no staff keyslot, and a restore opens only with today's
 * credentials.
 *
 * A backup's slot file (OUT.keys) keeps only the recovery slot and the
 * dedicated backup key file's slot (the key-file slot labelled "backup",
 * made with `key add-file --label backup --roles admin`); staff slots,
 * other key files, throttle counters, queued failures and the revoked list
 * are deleted and the file vacuumed. A stolen backup plus any staff
 * password therefore opens nothing.
 *
 * A restore unlocks the staged copy with the recovery key or the backup
 * key file. Then rk_restore_keys takes today's slots from the live slot
 * file (PATH.keys, kept when the damaged database was moved away): every
 * slot of today replaces the backup's slot of the same name, the revoked
 * list of today removes any backup slot revoked since, and a rotation
 * seals a new master key to the result and re-encrypts the restored
 * database under a new key. Without a live slot file only the backup's
 * recovery and backup slots remain, and staff get fresh passwords.
 */
#ifndef REKISTERI_BACKUP_KEYS_H
#define REKISTERI_BACKUP_KEYS_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#define RK_BACKUP_KEYFILE_LABEL "backup"

/* rk_backup_keys_strip - reduce the copied slot file at path to what a
 * backup may carry (above) and vacuum it, so no deleted slot lingers. */
int rk_backup_keys_strip(const char *path, struct rk_error *err);

/* rk_restore_keys_stage - let the staged register at staged use the live
 * server key of db_path (a hard link, when there is one), so the staged
 * copy's staff labels and TOTP secrets are read as today's. */
int rk_restore_keys_stage(const char *staged, const char *db_path, struct rk_error *err);

/* rk_restore_keys_cleanup - remove that link (after commit or abort). */
void rk_restore_keys_cleanup(const char *staged);

/*
 * rk_restore_keys - on a session of the staged register: adopt the slots
 * and revoked list of the live slot file live_keys (skipped when it does
 * not exist), drop revoked slots, and rotate the master key and database
 * key (rotation.h), audited. *adopted gets how many slots came from the
 * live file. Needs the "keys" action.
 */
int rk_restore_keys(struct rk_session *s, const char *live_keys, int *adopted,
                    struct rk_error *err);

#endif
