/*
 * dsr.h - data-subject requests (GDPR Art. 15-21): the request register
 * and the step machine behind the wizard and `rekisteri dsr`.
 *
 * A request has a type, the day it was received and the day it is due
 * (one calendar month later, Art. 12(3); extendable once by one or two
 * months with a recorded reason), a status, the handler (the member of
 * staff who created it), how the person's identity was verified, and the
 * outcome. It is about one or more subjects: the records in which the
 * person appears (their customer record, a contact person at a company),
 * all selected together.
 *
 * Steps, each one transaction with its own audit row ("dsr.<step>",
 * subject = customer id or 0, target = "request:ID"):
 *
 *   create  -> add subjects -> verify -> preview -> execute -> close
 *   (open)                     (verified)          (executed) (closed)
 *
 * rk_dsr_next_step() says where a wizard resumes. Subjects can be added
 * and removed until execution; execution needs a verified identity and at
 * least one subject; a request can be closed at any step (for example
 * "identity could not be verified"), and needs an outcome.
 *
 * What execute does, by type (the preview lists exactly this):
 *   access, portability  the JSON export (data/dsr-export.schema.json) and
 *                        a text report, mode 0600, into the directory given
 *   rectification        nothing automatic: edits go through the customer
 *                        forms (audited); execute records they are done
 *   erasure              forget.h: everything is erased or anonymised but
 *                        orders under the bookkeeping hold; the suppression
 *                        list and the erasure ledger get keyed hashes
 *   restriction          the customer is hidden from every role but request
 *                        handlers; rk_dsr_lift_restriction is the later step
 *                        that lifts it
 *   objection            an objection row for the purpose; marketing
 *                        consents in force for it are withdrawn (for
 *                        "direct_marketing": all of them)
 *   consent_withdrawal   the consent in force for the purpose is withdrawn
 *
 * Every call needs the "requests" action (rk_authorize_action).
 */
#ifndef REKISTERI_DSR_H
#define REKISTERI_DSR_H

#include "rekisteri/clock.h"
#include "rekisteri/error.h"
#include "rekisteri/fields.h"
#include "rekisteri/orders.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_DSR_TEXT_MAX    500 /* verification, reason, outcome: characters */
#define RK_DSR_PURPOSE_MAX 24
#define RK_DSR_SEARCH_MAX  50 /* candidates returned */

enum rk_dsr_type {
        RK_DSR_ACCESS,             /* Art. 15 */
        RK_DSR_RECTIFICATION,      /* Art. 16 */
        RK_DSR_ERASURE,            /* Art. 17 */
        RK_DSR_RESTRICTION,        /* Art. 18 */
        RK_DSR_OBJECTION,          /* Art. 21, per purpose */
        RK_DSR_PORTABILITY,        /* Art. 20 */
        RK_DSR_CONSENT_WITHDRAWAL, /* Art. 7(3), per purpose */
        RK_DSR_TYPE_COUNT
};

enum rk_dsr_status { RK_DSR_OPEN, RK_DSR_VERIFIED, RK_DSR_EXECUTED, RK_DSR_CLOSED };

/* Where a wizard goes next for a request. */
enum rk_dsr_step {
        RK_DSR_STEP_SUBJECTS, /* find and add the records of the person */
        RK_DSR_STEP_VERIFY,   /* record how identity was verified */
        RK_DSR_STEP_EXECUTE,  /* preview, then execute */
        RK_DSR_STEP_CLOSE,    /* record the outcome */
        RK_DSR_STEP_DONE,
};

enum rk_dsr_subject_kind { RK_DSR_SUBJECT_CUSTOMER, RK_DSR_SUBJECT_CONTACT };

struct rk_dsr_subject {
        enum rk_dsr_subject_kind kind;
        int64_t record_id;   /* customer id, or contact person id */
        int64_t customer_id; /* the customer (for a contact: the company) */
        char number[RK_CUSTOMER_NUMBER_SIZE];
};

struct rk_dsr_request {
        int64_t id;
        enum rk_dsr_type type;
        enum rk_dsr_status status;
        char purpose[RK_DSR_PURPOSE_MAX + 1]; /* objection/withdrawal, else "" */
        char received_on[RK_DATE_TEXT];
        char due_on[RK_DATE_TEXT];
        bool extended;
        char extension_reason[4 * RK_DSR_TEXT_MAX + 1];
        char handler[64];
        char verification[4 * RK_DSR_TEXT_MAX + 1];
        char outcome[4 * RK_DSR_TEXT_MAX + 1];
        int64_t created_at, executed_at, closed_at; /* Unix time, 0 = not yet */
        bool overdue;      /* not answered (closed, or a restriction carried
                              out) and today (rk_clock_now) is after due */
        int64_t days_left; /* due_on minus today; negative when overdue */
        struct rk_dsr_subject *subjects;
        size_t nsubjects;
};

/* Names: "access", ... "consent_withdrawal" (the CLI and the database use
 * them); labels: "Access (Art. 15)" for screens, in the language of the
 * messages (i18n.h). parse: -1 when unknown. A status has a name ("open",
 * stored) and a label (translated, for people). */
const char *rk_dsr_type_name(enum rk_dsr_type t);
const char *rk_dsr_type_label(enum rk_dsr_type t);
int rk_dsr_type_parse(const char *name);
const char *rk_dsr_status_name(enum rk_dsr_status s);
const char *rk_dsr_status_label(enum rk_dsr_status s);

/* rk_dsr_purposes - the purposes a type takes as "a|b|c", or NULL when the
 * type takes none (only objection and consent withdrawal do). */
const char *rk_dsr_purposes(enum rk_dsr_type t);

/*
 * The checks of typed values that need no register, for a front end that
 * asks before it unlocks (the command line); rk_dsr_new and the steps
 * apply the same ones. Each returns RK_OK or RK_ERR_INVALID naming the
 * field:
 * rk_dsr_check_purpose - purpose as type requires it (rk_dsr_purposes);
 * rk_dsr_check_received - a calendar day, not in the future (NULL: today);
 * rk_dsr_check_text - a request text under label (a verification, a
 *   reason, an outcome): required, at most RK_DSR_TEXT_MAX characters, no
 *   control characters and no identity code;
 * rk_dsr_check_subjects - "C000123,C000124,contact:17": at least one word,
 *   each a customer number or contact:ID (whether they exist is the
 *   register's answer).
 */
int rk_dsr_check_purpose(enum rk_dsr_type type, const char *purpose,
                         struct rk_error *err);
int rk_dsr_check_received(const char *received_on, struct rk_error *err);
int rk_dsr_check_text(const char *label, const char *text, struct rk_error *err);
int rk_dsr_check_subjects(const char *subjects, struct rk_error *err);

/* rk_dsr_next_step - the wizard's next step for r. */
enum rk_dsr_step rk_dsr_next_step(const struct rk_dsr_request *r);

/*
 * rk_dsr_create - register a request of type received on received_on
 * (YYYY-MM-DD, not in the future; NULL = today), due one calendar month
 * later. purpose is required for objection and consent withdrawal (one of
 * rk_dsr_purposes) and must be NULL or "" otherwise. *id gets the new
 * request's id. RK_ERR_DENIED, RK_ERR_INVALID.
 */
int rk_dsr_create(struct rk_session *s, enum rk_dsr_type type, const char *purpose,
                  const char *received_on, int64_t *id, struct rk_error *err);

/*
 * rk_dsr_new - register a request with its subjects and, when verified is
 * not NULL, how the identity was checked, in one transaction: either all
 * of it is recorded (with its audit rows) or nothing is. subjects is
 * "C000123,C000124,contact:17" (at least one). The rules are those of
 * rk_dsr_create, rk_dsr_add_number / rk_dsr_add_subject and rk_dsr_verify;
 * *id (may be NULL) gets the new request's id, 0 on failure.
 */
int rk_dsr_new(struct rk_session *s, enum rk_dsr_type type, const char *purpose,
               const char *received_on, const char *subjects, const char *verified,
               int64_t *id, struct rk_error *err);

/* One record the person may appear in, as found by rk_dsr_find. Strings
 * are malloc'd and owned by the candidate (rk_dsr_candidates_free). */
struct rk_dsr_candidate {
        enum rk_dsr_subject_kind kind;
        int64_t record_id;
        int64_t customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        char *name;
        char *matched; /* what matched, translated: "name", "e-mail", "phone", "identity
                          code", "customer number", "order number" */
        bool restricted, anonymised;
};

/*
 * rk_dsr_find - every customer and contact person that query may name:
 * a customer or order number (exact), an e-mail address or phone number
 * (normalised, exact), a personal identity code (exact), or part of a
 * name (ASCII letters case-insensitively). At most RK_DSR_SEARCH_MAX, as a
 * malloc'd array (*out, *n). The search is audited ("dsr.search", no
 * query text). RK_ERR_INVALID for an empty query.
 */
int rk_dsr_find(struct rk_session *s, const char *query, struct rk_dsr_candidate **out,
                size_t *n, struct rk_error *err);

void rk_dsr_candidates_free(struct rk_dsr_candidate *c, size_t n);

/*
 * rk_dsr_add_subject / rk_dsr_remove_subject - attach a record to request
 * id (or detach it) before execution. RK_ERR_NOTFOUND for an unknown
 * record, RK_ERR_INVALID after execution. Adding twice is fine.
 * rk_dsr_add_number is rk_dsr_add_subject for the customer numbered
 * number ("C000123").
 */
int rk_dsr_add_subject(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                       int64_t record_id, struct rk_error *err);
int rk_dsr_remove_subject(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                          int64_t record_id, struct rk_error *err);
int rk_dsr_add_number(struct rk_session *s, int64_t id, const char *number,
                      struct rk_error *err);

/* rk_dsr_verify - record how the person's identity was verified (free
 * text, 1..RK_DSR_TEXT_MAX characters; describe the method, do not copy
 * document numbers). The status becomes verified. */
int rk_dsr_verify(struct rk_session *s, int64_t id, const char *how,
                  struct rk_error *err);

/*
 * rk_dsr_extend - extend the due date once, by months (1 or 2) from the
 * original due date, with the reason told to the person (Art. 12(3)).
 * RK_ERR_EXISTS when already extended, RK_ERR_INVALID when closed.
 */
int rk_dsr_extend(struct rk_session *s, int64_t id, int months, const char *reason,
                  struct rk_error *err);

/* What a step will do to one table or field of one subject. */
enum rk_dsr_effect {
        RK_EFFECT_EXPORT,    /* copied into the export */
        RK_EFFECT_ERASE,     /* deleted */
        RK_EFFECT_ANONYMISE, /* emptied; the record stays */
        RK_EFFECT_KEEP,      /* kept; `reason` says why */
        RK_EFFECT_CHANGE,    /* changed as `reason` says */
        RK_EFFECT_ADD,       /* a row is added */
};

struct rk_dsr_preview_item {
        int64_t customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        const char *table;  /* static */
        const char *column; /* static; NULL = whole rows */
        const char *label;  /* static, for people */
        enum rk_dsr_effect effect;
        int64_t rows;
        char reason[200]; /* the legal hold or what changes; may be "" */
};

struct rk_dsr_preview {
        struct rk_dsr_preview_item *items;
        size_t n;
};

/* rk_dsr_effect_name - "export", "erase", "anonymise", "keep", ... */
const char *rk_dsr_effect_name(enum rk_dsr_effect e);
/* rk_dsr_effect_label - the same, translated for people (i18n.h). */
const char *rk_dsr_effect_label(enum rk_dsr_effect e);

/*
 * rk_dsr_preview - exactly what rk_dsr_execute would do today, per subject
 * and table (per field for the customer record), with the legal hold and
 * its reason for what is kept. Reads nothing but counts and classifies;
 * audited as "dsr.preview". Free with rk_dsr_preview_free.
 */
int rk_dsr_preview(struct rk_session *s, int64_t id, struct rk_dsr_preview *out,
                   struct rk_error *err);
void rk_dsr_preview_free(struct rk_dsr_preview *p);

/* What rk_dsr_execute did. */
struct rk_dsr_result {
        char json_path[4096]; /* access/portability, else "" */
        char text_path[4096];
        unsigned file_mode;   /* of the two files: 0600, or 0660 in a shared dir */
        int64_t subjects;     /* records acted on */
        int64_t rows;         /* rows exported, deleted or changed */
        bool flushed;         /* erasure: WAL truncated, secure_delete on */
        char flush_note[400]; /* what is still pending, else "" */
};

/*
 * rk_dsr_execute - carry the request out, in one transaction with its
 * audit rows (one "dsr.execute" per subject). out_dir is required for
 * access and portability (an existing directory; the files
 * dsr-ID.json and dsr-ID.txt are created 0600 (0660 with the group in a
 * setgid, group-writable directory: sidefile.h) and never overwritten:
 * RK_ERR_EXISTS) and ignored otherwise. Erasure records who was erased
 * in the register in the same transaction (ledger.h), then truncates the
 * WAL and mirrors the ledger file; if another session keeps the WAL busy
 * or the disk is full, the erasure stands, res->flushed is false and the
 * note says what is pending: it finishes by itself (forget.h, scrub debt).
 * RK_ERR_INVALID when not verified, without subjects, or already done.
 */
int rk_dsr_execute(struct rk_session *s, int64_t id, const char *out_dir,
                   struct rk_dsr_result *res, struct rk_error *err);

/*
 * rk_dsr_execute_in - rk_dsr_execute with the language of an access or
 * portability report: "en", "fi" or "sv"; NULL or "" for the default,
 * rk_dsr_report_language. The text report and the JSON's classification
 * labels are written in it, with its dates (format.h) and amounts; the
 * JSON keeps its machine keys, ISO dates and cents, and names the
 * language ("language"). The program's own language is back as it was
 * when this returns. RK_ERR_INVALID for another language.
 */
int rk_dsr_execute_in(struct rk_session *s, int64_t id, const char *out_dir,
                      const char *lang, struct rk_dsr_result *res, struct rk_error *err);

/*
 * rk_dsr_report_language - the default language of request id's report:
 * the language field of its first subject's customer, "fi" when that is
 * not set (or the request has no subject yet), into out.
 */
int rk_dsr_report_language(struct rk_session *s, int64_t id, char out[4],
                           struct rk_error *err);

/* rk_dsr_lift_restriction - the later step of an executed restriction
 * request: its customers are no longer restricted by it; one that another
 * request restricts too (a merge brings the other customer's restrictions
 * along) stays restricted until that one is lifted. Audited "dsr.lift". */
int rk_dsr_lift_restriction(struct rk_session *s, int64_t id, struct rk_error *err);

/* rk_dsr_restricting - the newest carried-out restriction request that
 * restricts customer_id now into *request_id; 0 when none does (or the
 * restriction predates the requests being recorded with it). For the
 * customer detail's banner. Needs the requests action (RK_ERR_DENIED). */
int rk_dsr_restricting(struct rk_session *s, int64_t customer_id, int64_t *request_id,
                       struct rk_error *err);

/* rk_dsr_close - close with the outcome told to the person
 * (1..RK_DSR_TEXT_MAX characters). RK_ERR_INVALID when already closed. */
int rk_dsr_close(struct rk_session *s, int64_t id, const char *outcome,
                 struct rk_error *err);

/* rk_dsr_get - one request with its subjects. RK_ERR_NOTFOUND. Clear with
 * rk_dsr_request_clear. Audited as "dsr.view". */
int rk_dsr_get(struct rk_session *s, int64_t id, struct rk_dsr_request *out,
               struct rk_error *err);

/*
 * rk_dsr_list - the requests, open ones first by due date (the dashboard),
 * then closed ones newest first when include_closed; overdue flags are
 * computed from rk_clock_now(). *out is malloc'd; rk_dsr_requests_free.
 */
int rk_dsr_list(struct rk_session *s, bool include_closed, struct rk_dsr_request **out,
                size_t *n, struct rk_error *err);

void rk_dsr_request_clear(struct rk_dsr_request *r);
void rk_dsr_requests_free(struct rk_dsr_request *r, size_t n);

#endif
