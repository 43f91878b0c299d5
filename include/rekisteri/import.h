/*
 * import.h - importing customers from a spreadsheet's CSV file: reading
 * (csv_read.h), mapping the columns, repairing what spreadsheets break,
 * validating with the forms' validators, matching against the register,
 * a preview of what would happen per row, and saving.
 *
 * The flow, the same for the command line and the Import screen:
 *   rk_import_open     the file's header; a mapping guessed from it
 *   rk_import_map      changes to the mapping ("Header=field,3=ignore")
 *   rk_import_preview  every row read, repaired, checked and matched:
 *                      a status per row and counts per status; nothing
 *                      is written
 *   rk_import_confirm  a row flagged as previously erased (or a possible
 *                      duplicate) is imported only when confirmed, an
 *                      erased one with a reason that is recorded
 *   rk_import_save     batches of rows, each its own transaction with its
 *                      audit rows, and the job's progress in the same
 *                      transaction: a kill leaves whole customers only, and
 *                      importing the same file again resumes after the
 *                      last batch saved
 * Everything needs the import action (a supervisor's). Messages name the
 * row (the header is row 1) and the column, never a value. The file is
 * never copied into the register: the job keeps its name, its SHA-256,
 * the counts and the mapping.
 */
#ifndef REKISTERI_IMPORT_H
#define REKISTERI_IMPORT_H

#include "rekisteri/csv_read.h"
#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rows per saving transaction: what a kill may lose (and the next run
 * redoes), and how long other sessions' saves may wait for the lock
 * (about 0.1 s of work per 1,000 rows). Fewer, larger batches write the
 * pages every batch touches (the tails of the tables and indexes, the
 * search index's new segment) and sync the log fewer times: from 500 to
 * 1,000 rows, 16 % fewer page writes and 28 % fewer syncs. */
#define RK_IMPORT_BATCH 1000

enum rk_import_status {
        RK_IMPORT_NEW,       /* a new customer */
        RK_IMPORT_UPDATE,    /* an existing customer; `changed` says what */
        RK_IMPORT_UNCHANGED, /* an existing customer, nothing to change */
        RK_IMPORT_DUPLICATE, /* resembles a customer, or an earlier row */
        RK_IMPORT_ERROR,     /* a value refused: `message` says which and why */
        RK_IMPORT_ERASED,    /* a previously erased person (suppression list) */
        RK_IMPORT_SAVED,     /* saved already by an interrupted import */
        RK_IMPORT_STATUS_COUNT
};

/* rk_import_status_name - the status as shown, translated ("new", ...). */
const char *rk_import_status_name(enum rk_import_status s);

/* What a column can be imported as: "number" (the customer number, used
 * to find the customer), a customer column of fields.c, a contact
 * person's (contact_name, contact_title, contact_email, contact_phone:
 * added to the row's company when it has no contact person of that name)
 * or a consent (consent_purpose, consent_source, consent_date: given to
 * the row's customer unless one for the purpose is in force) or an order
 * line (order_number, order_date, product_code, product, quantity,
 * unit_price: one row per line, the order found or made by its number,
 * kept as a delivered order of the customer's history). */
#define RK_IMPORT_IGNORE (-1)
/* A target's bit in a row's masks (at most 64 targets). */
#define RK_IMPORT_BIT(t) ((uint64_t)1 << (t))
size_t rk_import_target_count(void);
const char *rk_import_target_name(size_t target);  /* "email" */
const char *rk_import_target_label(size_t target); /* "E-mail", translated */

/* One row of the preview. values are normalised (as they would be
 * stored), indexed by target, NULL when the row has none. */
struct rk_import_row {
        size_t row;
        enum rk_import_status status;
        char **values;
        uint64_t changed;                                 /* targets an update changes */
        uint64_t trimmed, padded, zero_restored, redated; /* repairs, per target */
        uint64_t joined;  /* an address's lines joined with ", " (Alt+Enter) */
        bool add_contact; /* the row's contact person is new to the customer */
        bool add_consent; /* the row's consent is not in force */
        bool add_order;   /* the row\'s order line is new */
        int64_t match_id; /* the customer it is, or resembles */
        int64_t match_version;
        char match_number[16];
        const char *match_why; /* why it matched (static), or NULL */
        size_t same_as_row;    /* an earlier row of the same customer */
        int64_t saved_id;      /* the customer it was saved as (while saving) */
        char *message;         /* the error, naming column and rule */
        bool confirmed;        /* erased or duplicate: import anyway */
        char *reason;          /* why an erased person is imported */
};

struct rk_import {
        struct rk_session *session;
        char *path;
        char name[128];  /* the file's base name */
        char sha256[65]; /* hex, of the whole file */
        char separator;
        enum rk_csv_encoding encoding;
        size_t ncols;
        char **headers; /* ncols, UTF-8 */
        int *map;       /* ncols targets, or RK_IMPORT_IGNORE */
        struct rk_import_row *rows;
        size_t nrows;
        size_t counts[RK_IMPORT_STATUS_COUNT];
        size_t resume_after; /* rows up to this one were saved before */
        int64_t job_id;      /* the unfinished job being resumed, or 0 */
        /* set by a progress callback (a signal, Esc) to end rk_import_save
         * after the batch just saved, or rk_import_preview after the rows
         * read so far; cleared when a save or a preview starts */
        bool stop;
};

/* Progress: done of total (rows, or bytes while reading). */
typedef void (*rk_import_progress)(void *ctx, int64_t done, int64_t total);

/*
 * rk_import_open - read path's header and guess the mapping from it
 * (Finnish, Swedish and English names: Asiakaskoodi, Nimi, Osoite,
 * Postinumero, Kundnummer, Namn, E-mail, ...). RK_ERR_DENIED without the
 * import action; the reader's errors (csv_read.h); RK_ERR_INVALID for a
 * file with no header. *out is released with rk_import_free.
 */
int rk_import_open(struct rk_session *s, const char *path, struct rk_import **out,
                   struct rk_error *err);

/*
 * rk_import_map - change the mapping: spec is "COLUMN=field,..." where
 * COLUMN is a header (as in the file, case ignored) or a 1-based column
 * number, and field a target name or "ignore". RK_ERR_INVALID naming an
 * unknown column or field; the mapping is unchanged then.
 */
int rk_import_map(struct rk_import *im, const char *spec, struct rk_error *err);

/*
 * rk_import_map_check - RK_OK when the mapping can be used: some column
 * mapped, no target taken by two columns (RK_ERR_INVALID naming both). A
 * row that would create a customer without a name is an error of its
 * row. rk_import_preview calls it first.
 */
int rk_import_map_check(const struct rk_import *im, struct rk_error *err);

/* rk_import_map_text - the mapping as a spec rk_import_map takes
 * ("Nimi=name,Maa=country,Lisätieto=ignore"); malloc'd, NULL when out of
 * memory. */
char *rk_import_map_text(const struct rk_import *im);

/*
 * rk_import_map_save, rk_import_map_load - a mapping kept in the register
 * under a name (a line of letters, digits, - and _), for the next file
 * from the same system. Loading applies it as rk_import_map does;
 * RK_ERR_NOTFOUND for a name never saved.
 */
int rk_import_map_save(struct rk_import *im, const char *name, struct rk_error *err);
int rk_import_map_load(struct rk_import *im, const char *name, struct rk_error *err);

/* rk_import_map_name_check - name is one a mapping may be kept under (1 to
 * 40 letters, digits, - and _); RK_ERR_INVALID saying so. Needs no
 * register: the command line checks --use-map and --save-map with it. */
int rk_import_map_name_check(const char *name, struct rk_error *err);

/*
 * rk_import_preview - read every row and decide its status (see above),
 * reading the register but writing nothing. Fails (RK_ERR_INVALID) on a
 * mapping rk_import_map_check refuses and on what stops the reader (its
 * message names row and column); a row's own problems are its status.
 * progress (may be NULL) hears every thousand rows how many bytes of the
 * file are read; when it sets im->stop, the preview ends there with
 * RK_ERR_STOPPED (its message names the last row read) and no rows.
 * Calling it again starts over.
 */
int rk_import_preview(struct rk_import *im, rk_import_progress progress, void *ctx,
                      struct rk_error *err);

/*
 * rk_import_confirm - import row (a file row number) although it is
 * flagged: a previously erased person needs a reason (recorded in the
 * register with the job and in the audit trail as "import.readd"); a
 * possible duplicate becomes a new customer. A row an interrupted import
 * of the same file saved already is RK_OK (nothing to confirm), so that
 * the same command resumes it. RK_ERR_NOTFOUND for a row that is neither;
 * RK_ERR_INVALID for a missing reason or one holding a
 * personal identity code.
 */
int rk_import_confirm(struct rk_import *im, size_t row, const char *reason,
                      struct rk_error *err);

/* What rk_import_save did. */
struct rk_import_result {
        size_t created, updated, skipped;
        int64_t job_id;
        bool stopped; /* im->stop ended it early; saving again goes on */
};

/*
 * rk_import_save - save the previewed rows: new ones created, updates
 * applied (at the version the preview saw: a customer changed meanwhile
 * is RK_ERR_CONFLICT for that batch), confirmed rows created; errors,
 * unchanged rows and unconfirmed flagged rows skipped. One "import" audit
 * row (file name, SHA-256, counts, mapping; never a value) and one row
 * per customer created or changed. Refuses (RK_ERR_CONFLICT) when the
 * file changed since the preview. On failure the batches before stay
 * saved and the job unfinished: saving the same file again resumes, and
 * so does calling rk_import_save again on the same preview. When the
 * progress callback sets im->stop, the save returns RK_OK after the batch
 * in flight with res->stopped set and the job unfinished, resumable the
 * same ways.
 */
int rk_import_save(struct rk_import *im, rk_import_progress progress, void *ctx,
                   struct rk_import_result *res, struct rk_error *err);

/*
 * rk_import_repairs_text - the repairs made to row as one line, e.g.
 * "Postal code: leading zeros restored; Phone: leading 0 restored;
 * spaces trimmed: Name, City" ("" when none), into out (size bytes).
 * rk_import_changes_text - the labels of the fields an update changes
 * ("E-mail, Phone").
 */
void rk_import_repairs_text(const struct rk_import_row *row, char *out, size_t size);
void rk_import_changes_text(const struct rk_import_row *row, char *out, size_t size);

/*
 * rk_import_row_text - what row does, in one line for a preview: a new
 * customer's name; the customer found, why, and the fields an update
 * changes; the customer or earlier row a possible duplicate resembles;
 * the error; what a previously erased row needs. Not sanitised: the
 * caller draws it as it draws every value.
 */
void rk_import_row_text(const struct rk_import_row *row, char *out, size_t size);

/* rk_import_free - release im; NULL is fine. */
void rk_import_free(struct rk_import *im);

#endif
