/*
 * privacy.h - the data protection officer's documents, generated from the
 * register itself rather than kept in a word processor:
 *
 *   record  the record of processing activities (GDPR Art. 30(1)), from the
 *           config ([controller], [purpose.NAME], [recipient.NAME],
 *           [transfer.NAME], the roles, the retention periods, the security
 *           settings) and the field table;
 *   notice  the privacy notice for the people in the register (Art. 13 and
 *           14), in plain language;
 *   report  the accountability report for one calendar year (Art. 5(2)):
 *           requests and their times, erasures, retention runs, holds, the
 *           audit trail's check, accounts; counts and dates, never values.
 *
 * Each comes in Finnish, Swedish or English (--lang, else [controller]
 * language, else the environment's), as Markdown or as a standalone HTML
 * page that prints on A4. Nothing is stored: every generation reads the
 * config and the register again, so a changed role or period shows at
 * once. A config that leaves something required unset still gives a
 * document, with every gap listed at its top under "To complete"
 * (rk_privacy_gaps); `rekisteri privacy check` fails while any remain.
 *
 * Generating needs the "documents" action (the supervisor's), and each
 * generation is an audit row "privacy.record", "privacy.notice" or
 * "privacy.report" (target: format and language), written in the same
 * transaction as the report's reads.
 */
#ifndef REKISTERI_PRIVACY_H
#define REKISTERI_PRIVACY_H

#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stdio.h>

/* The lawful bases of Art. 6(1), in the order of its points (a)-(f). */
enum rk_legal_basis {
        RK_BASIS_CONSENT,
        RK_BASIS_CONTRACT,
        RK_BASIS_LEGAL_OBLIGATION,
        RK_BASIS_VITAL_INTERESTS,
        RK_BASIS_PUBLIC_TASK,
        RK_BASIS_LEGITIMATE_INTERESTS,
        RK_BASIS_COUNT
};

/* rk_legal_basis_parse - the config word ("contract", "legal_obligation",
 * ...) as an enum rk_legal_basis, or -1. rk_legal_basis_names gives the
 * words as "a, b, c" for messages. */
int rk_legal_basis_parse(const char *word);
const char *rk_legal_basis_names(void);

enum rk_privacy_doc { RK_PRIVACY_RECORD, RK_PRIVACY_NOTICE, RK_PRIVACY_REPORT };
enum rk_privacy_format { RK_PRIVACY_MARKDOWN, RK_PRIVACY_HTML };

/* What to generate. */
struct rk_privacy_request {
        enum rk_privacy_doc doc;
        const char *lang; /* "fi", "sv", "en", or NULL for the default */
        int year;         /* report: the calendar year; 0 = this year */
        enum rk_privacy_format format;
};

/* rk_privacy_format_for - the format a file name asks for: HTML when it
 * ends in .html or .htm (any case), else Markdown. */
enum rk_privacy_format rk_privacy_format_for(const char *path);

/* rk_privacy_doc_name - "record", "notice", "report". */
const char *rk_privacy_doc_name(enum rk_privacy_doc doc);

/*
 * rk_privacy_gaps - what the config leaves unset that the documents need,
 * as sentences in the current language: no controller name or address, no
 * purpose, a purpose with no description, legal basis or field groups, a
 * field group no purpose uses, a field group a role or a recipient gets
 * that no purpose covers. *out is a malloc'd array of malloc'd strings
 * (rk_privacy_gaps_free); *n may be 0. RK_ERR_NOMEM only.
 */
int rk_privacy_gaps(const struct rk_config *cfg, char ***out, size_t *n,
                    struct rk_error *err);
void rk_privacy_gaps_free(char **gaps, size_t n);

/*
 * rk_privacy_language - the language a request gets: lang when given,
 * else [controller] language, else the one messages are in. RK_ERR_INVALID
 * for a language other than fi, sv, en.
 */
int rk_privacy_language(const struct rk_config *cfg, const char *lang, char out[4],
                        struct rk_error *err);

/*
 * rk_privacy_generate - generate r's document for the session's register
 * and write it to out. The messages of the process are in r's language
 * while it runs and back in their own afterwards. Audited (see above).
 * RK_ERR_DENIED without the documents action; RK_ERR_INVALID for a bad
 * language or year; RK_ERR_IO when out cannot be written; database errors
 * (nothing is recorded then).
 */
int rk_privacy_generate(struct rk_session *s, const struct rk_privacy_request *r,
                        FILE *out, struct rk_error *err);

/*
 * rk_privacy_write_file - rk_privacy_generate into a new file at path:
 * mode 0600, never overwriting or following a symlink (RK_ERR_EXISTS); a
 * failed generation removes the file.
 */
int rk_privacy_write_file(struct rk_session *s, const struct rk_privacy_request *r,
                          const char *path, struct rk_error *err);

/*
 * rk_privacy_text - rk_privacy_generate into a malloc'd NUL-terminated
 * buffer *text (the caller frees), for a preview on the screen.
 */
int rk_privacy_text(struct rk_session *s, const struct rk_privacy_request *r, char **text,
                    struct rk_error *err);

#endif
