/*
 * collate.c - names in the order of the language in use (see collate.h).
 *
 * How it works: one ICU collator per language ("fi", "sv", and the root
 * collation for "en"), opened once on first use (pthread_once) and then
 * shared: ICU collators are safe for concurrent comparisons. Strings are
 * compared as UTF-8 (ucol_strcollUTF8) at the collator's default strength,
 * tertiary: letters first, then accents, then case. Ties that the
 * collator calls equal are broken by bytes, so the order is total and
 * repeatable.
 *
 * ICU is loaded when a name is first compared, not at start: linking it
 * would add its relocations and C++ runtime to every process (about 4 MiB
 * of private memory per idle session, over the budget the memory test
 * holds). The library is the one the headers belong to (its soname and
 * its versioned symbol names both come from ICU's own headers), opened
 * by soname from the system's library path only: the dynamic loader
 * ignores LD_LIBRARY_PATH in a setgid process.
 */
#include "rekisteri/collate.h"

#include "rekisteri/i18n.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/uvernum.h>

#define STR2(x)  #x
#define STR(x)   STR2(x)
#define ICU_I18N "libicui18n.so." STR(U_ICU_VERSION_MAJOR_NUM)

enum { LANG_EN, LANG_FI, LANG_SV, LANG_COUNT };

static UCollator *collators[LANG_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static UCollationResult (*strcoll_utf8)(const UCollator *, const char *, int32_t,
                                        const char *, int32_t, UErrorCode *);

static void open_all(void)
{
        static const char *const locales[LANG_COUNT] = {"", "fi", "sv"};
        void *lib = dlopen(ICU_I18N, RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL)
                return; /* bytes are compared */
        UCollator *(*open)(const char *, UErrorCode *) = NULL;
        void (*close)(UCollator *) = NULL;
        *(void **)&open = dlsym(lib, STR(ucol_open));
        *(void **)&close = dlsym(lib, STR(ucol_close));
        *(void **)&strcoll_utf8 = dlsym(lib, STR(ucol_strcollUTF8));
        if (open == NULL || close == NULL || strcoll_utf8 == NULL)
                return;
        for (int i = 0; i < LANG_COUNT; i++) {
                UErrorCode status = U_ZERO_ERROR;
                collators[i] = open(locales[i], &status);
                if (U_FAILURE(status)) {
                        close(collators[i]);
                        collators[i] = NULL;
                }
        }
}

static UCollator *collator(void)
{
        pthread_once(&once, open_all);
        const char *lang = rk_i18n_current();
        return collators[strcmp(lang, "fi") == 0   ? LANG_FI
                         : strcmp(lang, "sv") == 0 ? LANG_SV
                                                   : LANG_EN];
}

static int bytes_compare(const char *a, size_t alen, const char *b, size_t blen)
{
        int c = memcmp(a, b, alen < blen ? alen : blen);
        return c != 0 ? c : (alen > blen) - (alen < blen);
}

int rk_collate_compare(const char *a, int alen, const char *b, int blen)
{
        size_t an = alen < 0 ? strlen(a) : (size_t)alen;
        size_t bn = blen < 0 ? strlen(b) : (size_t)blen;
        UCollator *c = collator();
        UErrorCode status = U_ZERO_ERROR;
        UCollationResult r = UCOL_EQUAL;
        if (c != NULL)
                r = strcoll_utf8(c, a, (int32_t)an, b, (int32_t)bn, &status);
        if (c == NULL || U_FAILURE(status) || r == UCOL_EQUAL)
                return bytes_compare(a, an, b, bn);
        return r == UCOL_LESS ? -1 : 1;
}

static int sqlite_compare(void *ctx, int alen, const void *a, int blen, const void *b)
{
        (void)ctx;
        return rk_collate_compare(a, alen, b, blen);
}

int rk_collate_register(sqlite3 *db, struct rk_error *err)
{
        if (sqlite3_create_collation(db, RK_COLLATE_NAME, SQLITE_UTF8, NULL,
                                     sqlite_compare) != SQLITE_OK)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    _("registering the name collation: %s"),
                                    sqlite3_errmsg(db));
        return RK_OK;
}
