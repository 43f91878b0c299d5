/*
 * fuzz_config.c - libFuzzer target for the ini loader (config.c through
 * iniparser). Arbitrary bytes become a 0600 file that rk_config_load
 * reads. Invariants: it never crashes; a refusal is RK_ERR_CONFIG with a
 * message naming the file and leaves the built-in defaults; an acceptance
 * leaves every number inside its documented bounds and every role with a
 * valid name.
 */
#include "rekisteri/config.h"
#include "fuzz.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_defaults(const struct rk_config *cfg)
{
        struct rk_config d;
        rk_config_defaults(&d);
        CHECK(cfg->argon2_ops == d.argon2_ops && cfg->cache_mib == d.cache_mib);
        CHECK(cfg->roles.n == d.roles.n);
}

static void check_bounds(const struct rk_config *cfg)
{
        CHECK(cfg->argon2_ops >= 1 && cfg->argon2_ops <= 100);
        CHECK(cfg->argon2_mem_kib >= 8 && cfg->argon2_mem_kib <= 4194304);
        CHECK(cfg->cache_mib >= 1 && cfg->cache_mib <= 4096);
        CHECK(cfg->lock_after >= 2 && cfg->idle_lock_seconds >= 1);
        CHECK(strlen(cfg->db_path) < sizeof(cfg->db_path));
        CHECK(cfg->roles.n <= RK_ROLES_MAX);
        for (size_t i = 0; i < cfg->roles.n; i++)
                CHECK(cfg->roles.roles[i].name[0] >= 'a' &&
                      cfg->roles.roles[i].name[0] <= 'z');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char path[64];
        snprintf(path, sizeof(path), "/tmp/rk-fuzz-config-%d.ini", (int)getpid());
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
                return 0;
        ssize_t n = write(fd, data, size);
        close(fd);
        if (n != (ssize_t)size)
                return 0;
        struct rk_config cfg;
        struct rk_error err;
        int rc = rk_config_load(path, 0, &cfg, &err);
        if (rc == RK_OK) {
                check_bounds(&cfg);
        } else {
                CHECK(rc == RK_ERR_CONFIG);
                CHECK(strstr(err.msg, path) != NULL);
                check_defaults(&cfg);
        }
        unlink(path);
        return 0;
}
