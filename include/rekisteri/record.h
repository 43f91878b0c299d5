/*
 * record.h - what core hands a front end for one stored record (a
 * customer, a contact person, an order, an order line, a note, a consent),
 * and how a typed value is checked against its field.
 *
 * A record view carries the record kind, id and optimistic version, and
 * only the fields the session may read and asked for, as (field, value)
 * pairs in the order of the classification table (fields.c). A field the
 * session may not read is absent from the view: there is no slot for it,
 * blank or otherwise, so a screen cannot show it by mistake.
 *
 * Edits go the other way as (column, text) pairs; core resolves each
 * column against fields.c, refuses what the session may not write, checks
 * the value with rk_field_check() and stores the normalised form.
 */
#ifndef REKISTERI_RECORD_H
#define REKISTERI_RECORD_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"

#include <stddef.h>
#include <stdint.h>

/* Every field group, for callers that want a whole record. */
#define RK_GROUPS_ALL ((rk_groupset)((1u << RK_GROUP_COUNT) - 1))

/* One readable field of a record. value is NULL when nothing is stored. */
struct rk_value {
        const struct rk_field *field; /* static, from fields.c */
        char *value;                  /* malloc'd, owned by the view */
};

struct rk_record_view {
        enum rk_record kind;
        int64_t id;
        int64_t version; /* pass back to update calls; 0 for kinds without one */
        struct rk_value *values;
        size_t n;
};

/* One change a form asks for: column of the record's kind (fields.c), and
 * the text typed; NULL or "" clears an optional field. */
struct rk_edit {
        const char *column;
        const char *value;
};

/* rk_record_find - the readable field `column` of v, or NULL when the view
 * does not hold it (not readable, or not requested). */
const struct rk_value *rk_record_find(const struct rk_record_view *v, const char *column);

/* rk_record_get - the value of `column`, or NULL when absent or empty.
 * The string is owned by v. */
const char *rk_record_get(const struct rk_record_view *v, const char *column);

/* rk_record_view_clear - free the values of v (not v itself) and zero it.
 * NULL is fine. */
void rk_record_view_clear(struct rk_record_view *v);

/* rk_record_views_free - clear each of n views and free the array. */
void rk_record_views_free(struct rk_record_view *v, size_t n);

/*
 * rk_field_hint - what field f accepts, in one line for a form's help
 * ("An e-mail address: name@example.fi"), beside the checks that decide it
 * (fieldcheck.c). Writes at most size bytes into out.
 */
void rk_field_hint(const struct rk_field *f, char *out, size_t size);

/*
 * rk_field_check - check one typed value for field f and write its
 * normalised form (NUL-terminated) into out (outsz bytes; the field's
 * max_chars * 4 + 1 always suffices). Dispatches on f->validator to
 * validate.h: e-mail, phone (E.164, Finnish local form accepted), postal
 * code (for `country`, ISO 3166 alpha-2, may be NULL), Y-tunnus or VAT
 * number, henkilötunnus, dates (YYYY-MM-DD, a real calendar day), whole
 * numbers, money (euros as typed, "12,50" -> cents "1250"), choices and
 * free text (valid UTF-8, no control characters, at most f->max_chars).
 * "" and NULL are accepted as "nothing" and give out "": whether a field
 * is required is the caller's rule. Returns RK_OK or RK_ERR_INVALID with a
 * message that starts with the field's label and never repeats the value;
 * err->field is then f->column.
 */
int rk_field_check(const struct rk_field *f, const char *value, const char *country,
                   char *out, size_t outsz, struct rk_error *err);

#endif
