/*
 * slot_unwrap.c - an attacker's view of a rekisteri slot file, built for the
 * tests from libsodium alone (SQLite only reads the plain file; nothing of
 * rekisteri's own code is linked). It re-implements the documented format
 * (README "How the keys work", vault.h) independently, so a test can show
 * what a stolen file plus one credential really yields.
 *
 *   slot_unwrap SLOTS password NAME=PW
 *                                     try PW on every user slot (format 2
 *                                     binds a user slot to the username)
 *   slot_unwrap SLOTS keyfile FILE    try the key file on every key-file slot
 *   slot_unwrap SLOTS recovery HEX    try the recovery key
 *   slot_unwrap SLOTS mk HEX          try a master key on the wrapped DEKs
 *   slot_unwrap SLOTS name NAME [SERVERKEY]
 *                                     does account NAME exist? Prints "found",
 *                                     "absent", or "cannot tell" when the file
 *                                     holds no key for its labels and no
 *                                     server key file is given
 *
 * Prints "mk HEX" for every master key a slot gives up and "dek HEX" for
 * every database key that master key unwraps in the same file. Exit 0.
 * A slot's secret: Argon2id(password, salt, ops, mem) for user slots,
 * keyed BLAKE2b-256(secret, key=salt) for key files and the recovery key.
 * Format 2: XChaCha20-Poly1305 (AD "rekisteri/v2/KIND/LABEL", the
 * username instead of the label for user slots) gives the
 * slot's X25519 secret key, crypto_box_seal_open(sealed, pk, sk) the MK.
 * Format 1: the AEAD (AD "rekisteri/v1/KIND/LABEL") gives the MK itself.
 * DEKs: AEAD under the MK with AD "rekisteri/v1/dek/GENERATION".
 * User labels: hex(BLAKE2b-256(name, key)), the key being vault_meta's
 * name_salt in older files, else crypto_kdf subkey 1 (context "rkserver")
 * of the server key file "rekisteri-serverkey-v1 HEX".
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_hex(const char *tag, const unsigned char *b)
{
        char hex[65];
        sodium_bin2hex(hex, sizeof(hex), b, 32);
        printf("%s %s\n", tag, hex);
}

static int aead_open(unsigned char *out, const unsigned char *key, const char *ad,
                     const void *nonce, int nlen, const void *ct, int clen)
{
        unsigned long long n = 0;
        if (nlen != 24 || clen != 48)
                return -1;
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, &n, NULL, ct, 48, (const unsigned char *)ad, strlen(ad), nonce, key);
}

static void try_deks(sqlite3 *db, const unsigned char *mk)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT generation,nonce,wrapped FROM dek", -1, &st,
                               NULL) != SQLITE_OK)
                return;
        while (sqlite3_step(st) == SQLITE_ROW) {
                char ad[96];
                unsigned char dek[32];
                snprintf(ad, sizeof(ad), "rekisteri/v1/dek/%s",
                         sqlite3_column_text(st, 0));
                if (aead_open(dek, mk, ad, sqlite3_column_blob(st, 1),
                              sqlite3_column_bytes(st, 1), sqlite3_column_blob(st, 2),
                              sqlite3_column_bytes(st, 2)) == 0)
                        print_hex("dek", dek);
        }
        sqlite3_finalize(st);
}

/* The slot key for one row from the credential. */
static int slot_key(unsigned char *kek, const char *mode, const unsigned char *secret,
                    const char *pw, sqlite3_stmt *st)
{
        const unsigned char *salt = sqlite3_column_blob(st, 2);
        if (sqlite3_column_bytes(st, 2) != 16)
                return -1;
        if (strcmp(mode, "password") == 0)
                return crypto_pwhash(kek, 32, pw, strlen(pw), salt,
                                     (unsigned long long)sqlite3_column_int64(st, 0),
                                     (size_t)sqlite3_column_int64(st, 1) * 1024,
                                     crypto_pwhash_ALG_ARGON2ID13);
        crypto_generichash(kek, 32, secret, 32, salt, 16);
        return 0;
}

static void try_slots(sqlite3 *db, const char *mode, const unsigned char *secret,
                      const char *pw, const char *user)
{
        const char *kind = strcmp(mode, "password") == 0  ? "user"
                           : strcmp(mode, "keyfile") == 0 ? "keyfile"
                                                          : "recovery";
        sqlite3_stmt *st;
        int has_pk =
            sqlite3_prepare_v2(db, "SELECT pk FROM slots", -1, &st, NULL) == SQLITE_OK;
        sqlite3_finalize(st);
        const char *sql =
            has_pk ? "SELECT kdf_ops,kdf_mem_kib,salt,nonce,wrapped,label,pk,sealed "
                     "FROM slots WHERE kind=?"
                   : "SELECT kdf_ops,kdf_mem_kib,salt,nonce,wrapped,label,NULL,NULL "
                     "FROM slots WHERE kind=?";
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                return;
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                unsigned char kek[32], inner[32], mk[32];
                char ad[200];
                int v2 = sqlite3_column_type(st, 6) != SQLITE_NULL;
                snprintf(ad, sizeof(ad), "rekisteri/%s/%s/%s", v2 ? "v2" : "v1", kind,
                         v2 && user != NULL ? user
                                            : (const char *)sqlite3_column_text(st, 5));
                if (slot_key(kek, mode, secret, pw, st) != 0 ||
                    aead_open(inner, kek, ad, sqlite3_column_blob(st, 3),
                              sqlite3_column_bytes(st, 3), sqlite3_column_blob(st, 4),
                              sqlite3_column_bytes(st, 4)) != 0)
                        continue;
                if (!v2)
                        memcpy(mk, inner, 32);
                else if (sqlite3_column_bytes(st, 6) != 32 ||
                         sqlite3_column_bytes(st, 7) != 80 ||
                         crypto_box_seal_open(mk, sqlite3_column_blob(st, 7), 80,
                                              sqlite3_column_blob(st, 6), inner) != 0)
                        continue;
                print_hex("mk", mk);
                try_deks(db, mk);
        }
        sqlite3_finalize(st);
}

/* The 32-byte secret of "rekisteri-keyfile-v1 LABEL HEX". */
static int read_keyfile(const char *path, unsigned char *secret)
{
        char magic[32], label[80], hex[80];
        FILE *f = fopen(path, "r");
        if (f == NULL)
                return -1;
        int n = fscanf(f, "%31s %79s %79s", magic, label, hex);
        fclose(f);
        size_t len = 0;
        return n == 3 &&
                       sodium_hex2bin(secret, 32, hex, strlen(hex), "", &len, NULL) ==
                           0 &&
                       len == 32
                   ? 0
                   : -1;
}

/* The key of the user labels: from the file, or from a server key file. */
static int label_key(sqlite3 *db, const char *serverkey, unsigned char *key)
{
        sqlite3_stmt *st;
        int found = 0;
        if (sqlite3_prepare_v2(db, "SELECT value FROM vault_meta WHERE key='name_salt'",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
                memcpy(key, sqlite3_column_blob(st, 0), 32);
                found = 1;
        }
        sqlite3_finalize(st);
        if (found || serverkey == NULL)
                return found;
        char magic[32], hex[80];
        unsigned char master[32];
        size_t len = 0;
        FILE *f = fopen(serverkey, "r");
        if (f == NULL)
                return 0;
        int n = fscanf(f, "%31s %79s", magic, hex);
        fclose(f);
        if (n != 2 || sodium_hex2bin(master, 32, hex, strlen(hex), "", &len, NULL) != 0 ||
            len != 32)
                return 0;
        crypto_kdf_derive_from_key(key, 32, 1, "rkserver", master);
        return 1;
}

/* Is there a user slot or a counter for name? */
static void find_name(sqlite3 *db, const char *name, const char *serverkey)
{
        unsigned char key[32], h[32];
        char label[65];
        if (!label_key(db, serverkey, key)) {
                printf("cannot tell\n");
                return;
        }
        crypto_generichash(h, 32, (const unsigned char *)name, strlen(name), key, 32);
        sodium_bin2hex(label, sizeof(label), h, 32);
        sqlite3_stmt *st;
        int found = 0;
        if (sqlite3_prepare_v2(db,
                               "SELECT 1 FROM slots WHERE kind='user' AND label=?1 UNION "
                               "SELECT 1 FROM throttle WHERE label=?1",
                               -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
                found = sqlite3_step(st) == SQLITE_ROW;
        }
        sqlite3_finalize(st);
        printf("%s\n", found ? "found" : "absent");
}

int main(int argc, char **argv)
{
        sqlite3 *db;
        unsigned char secret[32];
        size_t len = 0;
        if (argc >= 4 && argc <= 5 && strcmp(argv[2], "name") == 0 &&
            sodium_init() >= 0 &&
            sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
                find_name(db, argv[3], argc == 5 ? argv[4] : NULL);
                sqlite3_close(db);
                return 0;
        }
        if (argc != 4 || sodium_init() < 0) {
                fprintf(stderr,
                        "usage: slot_unwrap SLOTS password|keyfile|recovery|mk ARG\n");
                return 2;
        }
        if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
                fprintf(stderr, "%s: cannot open\n", argv[1]);
                return 2;
        }
        const char *mode = argv[2];
        int rc = 0;
        if (strcmp(mode, "password") == 0) {
                char user[64];
                const char *eq = strchr(argv[3], '=');
                rc = eq != NULL && eq - argv[3] < (long)sizeof(user) ? 0 : -1;
                if (rc == 0) {
                        snprintf(user, sizeof(user), "%.*s", (int)(eq - argv[3]),
                                 argv[3]);
                        try_slots(db, mode, NULL, eq + 1, user);
                }
        } else if (strcmp(mode, "keyfile") == 0) {
                rc = read_keyfile(argv[3], secret);
                if (rc == 0)
                        try_slots(db, mode, secret, NULL, NULL);
        } else if (strcmp(mode, "recovery") == 0 || strcmp(mode, "mk") == 0) {
                rc =
                    sodium_hex2bin(secret, 32, argv[3], strlen(argv[3]), "-", &len, NULL);
                rc = rc == 0 && len == 32 ? 0 : -1;
                if (rc == 0 && strcmp(mode, "mk") == 0)
                        try_deks(db, secret);
                else if (rc == 0)
                        try_slots(db, mode, secret, NULL, NULL);
        } else {
                rc = -1;
        }
        sqlite3_close(db);
        if (rc != 0)
                fprintf(stderr, "slot_unwrap: bad argument\n");
        return rc == 0 ? 0 : 2;
}
