/*
 * privacy.c - generating the privacy documents for a session (see
 * privacy.h).
 *
 * How it works: the session's permission is checked (the "documents"
 * action), the messages are switched to the document's language, and one
 * write transaction (BEGIN IMMEDIATE) holds the report's reads and the
 * generation's audit row, so the row exists exactly when the document was
 * made. The document is built into the model of privacy_doc.h and only
 * rendered after the commit, in Markdown or HTML; then the language goes
 * back to what it was.
 */
#include "rekisteri/privacy.h"

#include "privacy_build.h"
#include "rekisteri/clock.h"
#include "rekisteri/csv.h"
#include "rekisteri/i18n.h"
#include "rekisteri/register.h"
#include "sql.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const doc_names[] = {[RK_PRIVACY_RECORD] = "record",
                                        [RK_PRIVACY_NOTICE] = "notice",
                                        [RK_PRIVACY_REPORT] = "report"};

const char *rk_privacy_doc_name(enum rk_privacy_doc doc)
{
        return doc <= RK_PRIVACY_REPORT ? doc_names[doc] : "?";
}

enum rk_privacy_format rk_privacy_format_for(const char *path)
{
        size_t n = strlen(path);
        bool html = (n > 5 && strcasecmp(path + n - 5, ".html") == 0) ||
                    (n > 4 && strcasecmp(path + n - 4, ".htm") == 0);
        return html ? RK_PRIVACY_HTML : RK_PRIVACY_MARKDOWN;
}

int rk_privacy_language(const struct rk_config *cfg, const char *lang, char out[4],
                        struct rk_error *err)
{
        const char *pick = lang != NULL && lang[0] != '\0'    ? lang
                           : cfg->privacy.language[0] != '\0' ? cfg->privacy.language
                                                              : rk_i18n_current();
        if (strcmp(pick, "fi") != 0 && strcmp(pick, "sv") != 0 && strcmp(pick, "en") != 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the documents come in fi, sv or en, not \"%s\"",
                                    pick);
        snprintf(out, 4, "%s", pick);
        return RK_OK;
}

void pv_gaps(const struct rk_config *cfg, struct rk_doc *d)
{
        char **gaps = NULL;
        size_t n = 0;
        struct rk_error err;
        if (rk_privacy_gaps(cfg, &gaps, &n, &err) != RK_OK) {
                rk_doc_fail(d);
                return;
        }
        if (n > 0) {
                rk_doc_heading(d, 2, "%s", _("To complete"));
                rk_doc_para(d, "%s",
                            _("The configuration leaves these unset; the document is not "
                              "complete until they are set."));
        }
        for (size_t i = 0; i < n; i++)
                rk_doc_gap(d, gaps[i]);
        rk_privacy_gaps_free(gaps, n);
}

/* Build the document inside the transaction that records it. */
static int build(struct rk_session *s, const struct rk_privacy_request *r, int year,
                 struct rk_doc *d, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        const struct rk_config *cfg = rk_register_config(reg);
        sqlite3 *db = rk_register_db(reg);
        const char *what = "generating the document";
        char today[RK_DATE_TEXT], target[32];
        rk_date_today(today);
        const char *format = r->format == RK_PRIVACY_HTML ? "html" : "markdown";
        if (r->doc == RK_PRIVACY_REPORT)
                snprintf(target, sizeof(target), "%s:%s:%d", format, rk_i18n_current(),
                         year);
        else
                snprintf(target, sizeof(target), "%s:%s", format, rk_i18n_current());
        char action[32];
        snprintf(action, sizeof(action), "privacy.%s", rk_privacy_doc_name(r->doc));
        int rc = rk_sql_begin_as(db, what, err);
        if (rc != RK_OK)
                return rc;
        if (r->doc == RK_PRIVACY_RECORD)
                pv_record(cfg, today, d);
        else if (r->doc == RK_PRIVACY_NOTICE)
                pv_notice(cfg, today, d);
        else
                rc = pv_report(db, cfg, today, year, d, err);
        if (rc == RK_OK && rk_doc_failed(d))
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        struct rk_audit_event ev = {.action = action,
                                    .groups = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = target};
        if (rc == RK_OK)
                rc = rk_audit_append(db, rk_session_actor(s), &ev, rk_clock_now(),
                                     cfg->audit_epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

static int year_of(const struct rk_privacy_request *r, int *year, struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        *year = r->year != 0 ? r->year : atoi(today);
        if (*year < 2000 || *year > 9998)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the report's year must be between 2000 and 9998");
        return RK_OK;
}

int rk_privacy_generate(struct rk_session *s, const struct rk_privacy_request *r,
                        FILE *out, struct rk_error *err)
{
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        char lang[4], saved[4];
        int year = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_DOCUMENTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "the privacy documents need a role with the \"%s\" "
                                    "permission",
                                    rk_policy_action_name(RK_ACTION_DOCUMENTS));
        int rc = rk_privacy_language(cfg, r->lang, lang, err);
        if (rc == RK_OK)
                rc = year_of(r, &year, err);
        if (rc != RK_OK)
                return rc;
        snprintf(saved, sizeof(saved), "%s", rk_i18n_current());
        rk_i18n_use(lang);
        struct rk_doc *d = rk_doc_new(lang);
        if (d == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = build(s, r, year, d, err);
        rk_i18n_use(saved);
        if (rc == RK_OK && (r->format == RK_PRIVACY_HTML ? rk_doc_html(d, out)
                                                         : rk_doc_markdown(d, out)) != 0)
                rc = rk_error_set(err, errno == ENOSPC ? RK_ERR_FULL : RK_ERR_IO,
                                  "the document could not be written: %s",
                                  strerror(errno));
        rk_doc_free(d);
        return rc;
}

int rk_privacy_write_file(struct rk_session *s, const struct rk_privacy_request *r,
                          const char *path, struct rk_error *err)
{
        FILE *f = NULL;
        int rc = rk_csv_create(path, &f, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_privacy_generate(s, r, f, err);
        if (fclose(f) != 0 && rc == RK_OK)
                rc = rk_error_set(err, errno == ENOSPC ? RK_ERR_FULL : RK_ERR_IO,
                                  "%s: %s", path, strerror(errno));
        if (rc != RK_OK)
                unlink(path);
        return rc;
}

int rk_privacy_text(struct rk_session *s, const struct rk_privacy_request *r, char **text,
                    struct rk_error *err)
{
        size_t size = 0;
        *text = NULL;
        FILE *f = open_memstream(text, &size);
        if (f == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = rk_privacy_generate(s, r, f, err);
        if (fclose(f) != 0 && rc == RK_OK)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc != RK_OK) {
                free(*text);
                *text = NULL;
        }
        return rc;
}
