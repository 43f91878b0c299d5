/*
 * serverkey.c - the server key file (see serverkey.h). Subkeys come from
 * libsodium's crypto_kdf (BLAKE2b) with the context "rkserver".
 */
#include "rekisteri/serverkey.h"
#include "rekisteri/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "rekisteri-serverkey-v1"

int rk_serverkey_path(const char *vault_path, char *out, size_t size,
                      struct rk_error *err)
{
        size_t n = strlen(vault_path);
        const char *suffix = ".keys";
        size_t base = n >= 5 && strcmp(vault_path + n - 5, suffix) == 0 ? n - 5 : n;
        int w = snprintf(out, size, "%.*s%s", (int)base, vault_path, RK_SERVERKEY_SUFFIX);
        if (w < 0 || (size_t)w >= size)
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        return RK_OK;
}

static int parse(const char *path, const char *text, unsigned char *key,
                 struct rk_error *err)
{
        size_t len = 0;
        const char *end = NULL;
        size_t m = strlen(MAGIC);
        if (strncmp(text, MAGIC " ", m + 1) != 0 ||
            sodium_hex2bin(key, RK_KEY_BYTES, text + m + 1, 64, NULL, &len, &end) != 0 ||
            len != RK_KEY_BYTES)
                return rk_error_set(err, RK_ERR_CORRUPT, "%s: not a rekisteri server key",
                                    path);
        return RK_OK;
}

int rk_serverkey_load(const char *path, unsigned char *key, struct rk_error *err)
{
        struct stat sb;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return rk_error_set(err, errno == ENOENT ? RK_ERR_NOTFOUND : RK_ERR_IO,
                                    "%s: %s", path, strerror(errno));
        int rc = RK_OK;
        if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            (sb.st_mode & (S_IWGRP | S_IWOTH | S_IROTH)) != 0)
                rc = rk_error_set(err, RK_ERR_DENIED,
                                  "%s: the server key must be a regular file that others "
                                  "cannot read and only its owner can write (chmod 0640)",
                                  path);
        char *text = rk_secret_alloc(128);
        if (rc == RK_OK && text == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK) {
                ssize_t got = read(fd, text, 127);
                /* a failing read is a failing disk, not a foreign file */
                if (got < 0)
                        rc =
                            rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
                text[got > 0 ? got : 0] = '\0';
                if (rc == RK_OK)
                        rc = parse(path, text, key, err);
        }
        rk_secret_free(text);
        close(fd);
        return rc;
}

static int write_new(int fd, const char *path, const unsigned char *key,
                     struct rk_error *err)
{
        char *line = rk_secret_alloc(128);
        if (line == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int n = snprintf(line, 128, "%s ", MAGIC);
        sodium_bin2hex(line + n, 65, key, RK_KEY_BYTES);
        n += 64;
        line[n++] = '\n';
        int rc = write(fd, line, (size_t)n) == n && fsync(fd) == 0
                     ? RK_OK
                     : rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        rk_secret_free(line);
        return rc;
}

int rk_serverkey_create(const char *path, const char *like_path, unsigned char *key,
                        struct rk_error *err)
{
        struct stat like;
        int group_read = stat(like_path, &like) == 0 && (like.st_mode & S_IRGRP);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == EEXIST)
                return rk_serverkey_load(path, key, err);
        if (fd < 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        randombytes_buf(key, RK_KEY_BYTES);
        int rc = write_new(fd, path, key, err);
        if (rc == RK_OK && group_read) {
                /* the register's group reads it through the setgid binary */
                if (fchown(fd, (uid_t)-1, like.st_gid) != 0 || fchmod(fd, 0640) != 0)
                        rc =
                            rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        }
        close(fd);
        if (rc != RK_OK)
                unlink(path);
        return rc;
}

void rk_serverkey_subkey(const unsigned char *key, enum rk_subkey id, unsigned char *out)
{
        crypto_kdf_derive_from_key(out, RK_KEY_BYTES, (uint64_t)id, "rkserver", key);
}
