/*
 * hygiene.c - process hardening: no core files, no ptrace, private files,
 * and a clean environment when privileged.
 *
 * Sanitizer builds keep the process dumpable: LeakSanitizer stops the world
 * with ptrace, which PR_SET_DUMPABLE 0 forbids. Those builds exist only for
 * the test suite; release builds always drop dumpability.
 */
#include "rekisteri/hygiene.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define RK_KEEP_DUMPABLE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RK_KEEP_DUMPABLE 1
#endif
#endif

extern char **environ;

int rk_hygiene_is_privileged(void)
{
        return getuid() != geteuid() || getgid() != getegid();
}

static int env_is_kept(const char *entry)
{
        return strncmp(entry, "TERM=", 5) == 0 || strncmp(entry, "LANG=", 5) == 0 ||
               strncmp(entry, "LC_", 3) == 0;
}

/* Rebuild the environment from the few variables a terminal program needs. */
static void clean_environment(void)
{
        static char *kept[16];
        size_t n = 0;
        for (char **e = environ; e != NULL && *e != NULL && n < 15; e++) {
                if (env_is_kept(*e))
                        kept[n++] = *e;
        }
        kept[n] = NULL;
        environ = kept;
}

int rk_hygiene_apply(struct rk_error *err)
{
        if (sodium_init() < 0)
                return rk_error_set(err, RK_ERR_CRYPTO,
                                    "libsodium could not be initialised");
        umask(077);
        struct rlimit no_core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &no_core) != 0)
                return rk_error_set(err, RK_ERR_INTERNAL, "cannot disable core dumps");
#ifndef RK_KEEP_DUMPABLE
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "cannot mark the process undumpable");
#endif
        if (rk_hygiene_is_privileged())
                clean_environment();
        return RK_OK;
}
