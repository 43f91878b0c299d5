/*
 * dsr_export.c - the access and portability export (see dsr.h): one JSON
 * document made with jansson, following data/dsr-export.schema.json, and a
 * readable text report rendered from the same document, so the two cannot
 * disagree.
 *
 * Every record is read with rk_record_select over every field group, so
 * the field table in fields.c decides what is exported: a field added
 * there is exported without a change here. Numbers (quantities, amounts,
 * payment terms) are JSON integers; everything else is text or null.
 * The access log (Art. 15(1)(c)) comes from the audit trail: when, which
 * user with which roles (as they are now), which action on which field
 * groups; never a value, since the trail holds none.
 *
 * A value is never dropped: stored bytes that are not valid UTF-8 are
 * exported with U+FFFD per bad byte, and the record's "invalid_utf8" list
 * names the columns where that happened. The text report is for people
 * and for `cat`: every string in it goes through the screen's sanitiser
 * (rk_text_sanitize), so only the report's own newlines are controls.
 */
#include "dsr_db.h"
#include "privacy_words.h"
#include "rekisteri/customer.h"
#include "rekisteri/orders.h"
#include "rekisteri/policy.h"
#include "rekisteri/format.h"
#include "rekisteri/i18n.h"
#include "rekisteri/sharedfile.h"
#include "rekisteri/money.h"
#include "record_db.h"
#include "rekisteri/text.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- building ---------------------------------------------------------- */

/* A stored text as a JSON string: invalid UTF-8 (which jansson refuses,
 * and which would drop the value) becomes U+FFFD per bad byte, and the
 * column is named in *bad (the record's "invalid_utf8" list). */
static json_t *text_json(const char *text, const char *column, json_t **bad)
{
        bool repaired = false;
        char *fixed = rk_utf8_repair(text, strlen(text), &repaired);
        if (fixed == NULL)
                return json_null();
        json_t *s = json_string(fixed);
        free(fixed);
        if (repaired) {
                if (*bad == NULL)
                        *bad = json_array();
                json_array_append_new(*bad, json_string(column));
        }
        return s != NULL ? s : json_null();
}

static json_t *value_json(const struct rk_value *v, json_t **bad)
{
        if (v->value == NULL || v->value[0] == '\0')
                return json_null();
        if (v->field->validator == RK_V_INTEGER || v->field->validator == RK_V_MONEY)
                return json_integer(strtoll(v->value, NULL, 10));
        return text_json(v->value, v->field->column, bad);
}

static json_t *record_json(const struct rk_record_view *r)
{
        json_t *o = json_object(), *bad = NULL;
        json_object_set_new(o, "id", json_integer(r->id));
        for (size_t i = 0; i < r->n; i++)
                json_object_set_new(o, r->values[i].field->column,
                                    value_json(&r->values[i], &bad));
        if (bad != NULL)
                json_object_set_new(o, "invalid_utf8", bad);
        return o;
}

/* Every row of kind whose key_col is key, as a JSON array. */
static int records_json(sqlite3 *db, enum rk_record kind, const char *key_col,
                        int64_t key, json_t **out, int64_t *rows, struct rk_error *err)
{
        struct rk_record_view *v = NULL;
        size_t n = 0;
        int rc =
            rk_record_select(db, kind, RK_GROUPS_ALL, key_col, key, false, &v, &n, err);
        *out = json_array();
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                json_array_append_new(*out, record_json(&v[i]));
        *rows += (int64_t)n;
        rk_record_views_free(v, n);
        return rc;
}

static int orders_json(sqlite3 *db, int64_t customer_id, json_t **out, int64_t *rows,
                       struct rk_error *err)
{
        int rc =
            records_json(db, RK_REC_ORDER, "customer_id", customer_id, out, rows, err);
        size_t i;
        json_t *order;
        json_array_foreach(*out, i, order)
        {
                json_t *lines = NULL;
                if (rc == RK_OK)
                        rc =
                            records_json(db, RK_REC_LINE, "order_id",
                                         json_integer_value(json_object_get(order, "id")),
                                         &lines, rows, err);
                struct rk_vat_sum sum;
                memset(&sum, 0, sizeof(sum));
                size_t j;
                json_t *line;
                json_array_foreach(lines, j, line)
                {
                        int64_t net = 0;
                        if (rc == RK_OK)
                                rc = rk_vat_line_net(
                                    json_integer_value(json_object_get(line, "quantity")),
                                    json_integer_value(
                                        json_object_get(line, "unit_price_cents")),
                                    &net, err);
                        if (rc == RK_OK)
                                rc = rk_vat_add(&sum,
                                                (int)json_integer_value(
                                                    json_object_get(line, "vat_rate_bp")),
                                                net, err);
                }
                json_object_set_new(order, "lines", lines != NULL ? lines : json_array());
                json_object_set_new(order, "total_cents", json_integer(sum.net));
                json_object_set_new(order, "vat_cents", json_integer(sum.vat));
                json_object_set_new(order, "total_with_vat_cents",
                                    json_integer(sum.gross));
        }
        return rc;
}

static json_t *text_or_null(sqlite3_stmt *st, int col)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        return t != NULL && t[0] != '\0' ? json_string((const char *)t) : json_null();
}

/* Split "a,b" into a JSON array of strings. */
static json_t *list_json(const unsigned char *text)
{
        json_t *a = json_array();
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", text != NULL ? (const char *)text : "");
        for (char *save, *w = strtok_r(buf, ",", &save); w != NULL;
             w = strtok_r(NULL, ",", &save))
                json_array_append_new(a, json_string(w));
        return a;
}

static int rows_json(sqlite3 *db, const char *sql, int64_t key, bool requests,
                     json_t **out, int64_t *rows, struct rk_error *err)
{
        sqlite3_stmt *st;
        *out = json_array();
        int rc = rk_sql_prepare(db, sql, &st, "exporting", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, key);
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "exporting", err)) == RK_OK && row) {
                json_t *o = json_object();
                if (requests) {
                        json_object_set_new(o, "id",
                                            json_integer(sqlite3_column_int64(st, 0)));
                        json_object_set_new(o, "type", text_or_null(st, 1));
                        json_object_set_new(o, "status", text_or_null(st, 2));
                        json_object_set_new(o, "received_on", text_or_null(st, 3));
                        json_object_set_new(o, "due_on", text_or_null(st, 4));
                        json_object_set_new(o, "outcome", text_or_null(st, 5));
                } else {
                        json_object_set_new(o, "at", text_or_null(st, 0));
                        json_object_set_new(o, "user", text_or_null(st, 1));
                        json_object_set_new(o, "roles",
                                            list_json(sqlite3_column_text(st, 2)));
                        json_object_set_new(o, "action", text_or_null(st, 3));
                        json_object_set_new(o, "field_groups",
                                            list_json(sqlite3_column_text(st, 4)));
                }
                json_array_append_new(*out, o);
                (*rows)++;
        }
        sqlite3_finalize(st);
        return rc;
}

static const char requests_sql[] =
    "SELECT r.id, r.type, r.status, r.received_on, r.due_on, r.outcome"
    " FROM dsr_requests r WHERE r.id IN"
    " (SELECT request_id FROM dsr_subjects WHERE customer_id=?) ORDER BY r.id";

static const char access_sql[] =
    "SELECT a.at, a.user,"
    " CASE WHEN a.user LIKE 'keyfile:%'"
    "  THEN (SELECT group_concat(role) FROM keyfile_roles WHERE label=substr(a.user, 9))"
    "  ELSE (SELECT group_concat(ur.role) FROM user_roles ur JOIN users u"
    "        ON u.id = ur.user_id WHERE u.username = a.user) END,"
    " a.action, a.groups FROM audit_log a WHERE a.subject=? ORDER BY a.id";

/* One subject: every record about it. */
static int subject_json(sqlite3 *db, const struct rk_dsr_subject *sub, json_t **out,
                        int64_t *rows, struct rk_error *err)
{
        static const struct {
                const char *key;
                enum rk_record kind;
        } children[] = {{"notes", RK_REC_NOTE},
                        {"consents", RK_REC_CONSENT},
                        {"objections", RK_REC_OBJECTION}};
        bool contact = sub->kind == RK_DSR_SUBJECT_CONTACT;
        json_t *o = json_object(), *v = NULL;
        *out = o;
        json_object_set_new(o, "record", json_string(contact ? "contact" : "customer"));
        json_object_set_new(o, "customer_number", json_string(sub->number));
        int rc = records_json(db, contact ? RK_REC_CONTACT : RK_REC_CUSTOMER, "id",
                              sub->record_id, &v, rows, err);
        json_object_set_new(o, contact ? "contact_person" : "customer",
                            json_array_size(v) ? json_incref(json_array_get(v, 0))
                                               : json_null());
        json_decref(v);
        if (!contact) {
                if (rc == RK_OK)
                        rc = records_json(db, RK_REC_CONTACT, "customer_id",
                                          sub->customer_id, &v, rows, err);
                json_object_set_new(o, "contact_persons", v);
                if (rc == RK_OK)
                        rc = orders_json(db, sub->customer_id, &v, rows, err);
                json_object_set_new(o, "orders", v);
                for (size_t i = 0; i < 3; i++) {
                        v = NULL;
                        if (rc == RK_OK)
                                rc = records_json(db, children[i].kind, "customer_id",
                                                  sub->customer_id, &v, rows, err);
                        json_object_set_new(o, children[i].key, v ? v : json_array());
                }
        }
        v = NULL;
        if (rc == RK_OK)
                rc = rows_json(db, requests_sql, sub->customer_id, true, &v, rows, err);
        json_object_set_new(o, "requests", v ? v : json_array());
        v = NULL;
        if (rc == RK_OK)
                rc = rows_json(db, access_sql, sub->customer_id, false, &v, rows, err);
        json_object_set_new(o, "access_log", v ? v : json_array());
        return rc;
}

static json_t *classification_json(void)
{
        static const char *const kinds[RK_REC_COUNT] = {
            "customer", "contact_person", "order",    "order_line",
            "note",     "consent",        "objection"};
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "record",
                                                   kinds[f[i].record], "field",
                                                   f[i].column, "label", _(f[i].label),
                                                   "category", f[i].category,
                                                   "legal_basis", f[i].basis));
        return a;
}

int dsr_export_build(struct rk_session *s, const struct rk_dsr_request *r,
                     const char *lang, json_t **out, int64_t *rows, struct rk_error *err)
{
        char stamp[32];
        time_t now = (time_t)rk_clock_now();
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        json_t *doc =
            json_pack("{s:s, s:i, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s}}", "format",
                      "rekisteri-dsr-export", "format_version", 1, "generated_at", stamp,
                      "controller", cfg->company_name, "controller_contact",
                      cfg->controller_contact, "request", "id", (json_int_t)r->id, "type",
                      rk_dsr_type_name(r->type), "received_on", r->received_on, "due_on",
                      r->due_on);
        if (doc == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        json_object_set_new(doc, "language", json_string(lang));
        json_object_set_new(doc, "classification", classification_json());
        json_t *subjects = json_array();
        json_object_set_new(doc, "subjects", subjects);
        int rc = RK_OK;
        for (size_t i = 0; i < r->nsubjects && rc == RK_OK; i++) {
                json_t *sj = NULL;
                rc = subject_json(dsr_db(s), &r->subjects[i], &sj, rows, err);
                json_array_append_new(subjects, sj);
        }
        if (rc != RK_OK) {
                json_decref(doc);
                return rc;
        }
        *out = doc;
        return RK_OK;
}

/* ---- the text report --------------------------------------------------- */

/* The label of a column of kind for people, in the language in use:
 * the field table's, or the order totals' and the request list's own. */
static const char *label_of(enum rk_record kind, const char *column)
{
        static const struct {
                const char *column, *label;
        } others[] = {{"total_cents", N_("Total without VAT")},
                      {"vat_cents", N_("VAT")},
                      {"total_with_vat_cents", N_("Total with VAT")},
                      {"type", N_("Type")},
                      {"status", N_("Status")},
                      {"received_on", N_("Received")},
                      {"due_on", N_("Due")},
                      {"outcome", N_("Outcome")}};
        const struct rk_field *f =
            kind < RK_REC_COUNT ? rk_fields_find(kind, column) : NULL;
        for (size_t i = 0; f == NULL && i < sizeof(others) / sizeof(others[0]); i++)
                if (strcmp(column, others[i].column) == 0)
                        return _(others[i].label);
        return f != NULL ? _(f->label) : column;
}

/* s as the screen would draw it, malloc'd; NULL for NULL (or no memory). */
static char *safe_dup(const char *s)
{
        return s != NULL ? rk_text_sanitize(s, strlen(s)) : NULL;
}

/* Write s as the screen would draw it; NULL as "-". */
static void put(FILE *f, const char *s)
{
        char *safe = safe_dup(s);
        fputs(safe != NULL ? safe : "-", f);
        free(safe);
}

/* A stored date or timestamp for people (format.h), sanitised; NULL "-". */
static const char *date_of(const json_t *v, char *buf, size_t size)
{
        const char *text = json_string_value(v);
        if (text == NULL)
                return "-";
        char *safe = safe_dup(text);
        rk_format_date_text(safe != NULL ? safe : "", buf, size);
        free(safe);
        return buf;
}

static void text_value(FILE *f, const json_t *v);

/* A date column: a field with the date validator, or a request's dates. */
static bool is_date(enum rk_record kind, const char *column)
{
        const struct rk_field *fd =
            kind < RK_REC_COUNT ? rk_fields_find(kind, column) : NULL;
        if (fd != NULL)
                return fd->validator == RK_V_DATE;
        return strcmp(column, "received_on") == 0 || strcmp(column, "due_on") == 0;
}

/* A request's stored status name as people read it; NULL when unknown. */
static const char *request_status_label(const char *name)
{
        for (int i = RK_DSR_OPEN; i <= RK_DSR_CLOSED; i++)
                if (strcmp(rk_dsr_status_name((enum rk_dsr_status)i), name) == 0)
                        return rk_dsr_status_label((enum rk_dsr_status)i);
        return NULL;
}

/*
 * A stored code (a customer's type, an order's status, a request's type
 * and status) as people read it in the language in use; NULL for any
 * other column, or a code it does not know (then shown as stored).
 */
static const char *code_label(enum rk_record kind, const char *column, const char *code)
{
        if (kind == RK_REC_CUSTOMER && strcmp(column, "kind") == 0)
                return rk_customer_kind_label(code);
        if (kind == RK_REC_ORDER && strcmp(column, "status") == 0)
                return rk_order_status_label(code);
        if (kind == RK_REC_COUNT && strcmp(column, "type") == 0) {
                int t = rk_dsr_type_parse(code);
                return t >= 0 ? rk_dsr_type_label((enum rk_dsr_type)t) : NULL;
        }
        if (kind == RK_REC_COUNT && strcmp(column, "status") == 0)
                return request_status_label(code);
        return NULL;
}

/* Amounts, VAT rates, dates and stored codes as people read them in the
 * language in use; other values as they are. */
static void text_field(FILE *f, enum rk_record kind, const char *column, const json_t *v)
{
        char buf[RK_MONEY_SIZE > RK_FORMAT_SIZE ? RK_MONEY_SIZE : RK_FORMAT_SIZE];
        size_t n = strlen(column);
        const char *code =
            json_is_string(v) ? code_label(kind, column, json_string_value(v)) : NULL;
        if (code != NULL)
                put(f, code);
        else if (json_is_integer(v) && n > 6 && strcmp(column + n - 6, "_cents") == 0)
                fputs(rk_money_format(json_integer_value(v), buf, sizeof(buf)), f);
        else if (json_is_integer(v) && strcmp(column, "vat_rate_bp") == 0)
                fputs(rk_vat_rate_format((int)json_integer_value(v), buf, sizeof(buf)),
                      f);
        else if (json_is_string(v) && is_date(kind, column))
                fputs(date_of(v, buf, sizeof(buf)), f);
        else
                text_value(f, v);
}

static void text_value(FILE *f, const json_t *v)
{
        if (json_is_string(v))
                put(f, json_string_value(v));
        else if (json_is_integer(v))
                fprintf(f, "%lld", (long long)json_integer_value(v));
        else if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                        fputs(i ? ", " : "", f);
                        text_value(f, e);
                }
        } else
                fputs("-", f);
}

static void text_record(FILE *f, enum rk_record kind, const json_t *o, const char *indent)
{
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)o, key, v)
        {
                if (json_is_array(v) && json_array_size(v) > 0 &&
                    json_is_object(json_array_get(v, 0)))
                        continue; /* nested records are printed by the caller */
                if (strcmp(key, "id") == 0)
                        continue;
                if (strcmp(key, "invalid_utf8") == 0) {
                        fputs(indent, f);
                        fprintf(f,
                                _("Stored with bytes that were not valid UTF-8 (each "
                                  "shown as %s): "),
                                "\ufffd");
                        size_t k;
                        json_t *col;
                        json_array_foreach(v, k, col)
                        {
                                fputs(k ? ", " : "", f);
                                put(f, label_of(kind, json_string_value(col)));
                        }
                        fputc('\n', f);
                        continue;
                }
                fprintf(f, "%s", indent);
                put(f, label_of(kind, key));
                fputs(": ", f);
                text_field(f, kind, key, v);
                fputc('\n', f);
        }
}

static void text_list(FILE *f, const char *title, enum rk_record kind, const json_t *a)
{
        size_t i;
        json_t *o;
        fprintf(f, "\n  %s (%zu)\n", title, json_array_size(a));
        json_array_foreach(a, i, o)
        {
                fprintf(f, "    #%zu\n", i + 1);
                text_record(f, kind, o, "      ");
                json_t *lines = json_object_get(o, "lines");
                size_t j;
                json_t *line;
                json_array_foreach(lines, j, line)
                {
                        fputs("      ", f);
                        fprintf(f, _("Line %zu"), j + 1);
                        fputc('\n', f);
                        text_record(f, RK_REC_LINE, line, "        ");
                }
        }
}

/* Field group names as people read them ("Tunnistetiedot"), comma
 * separated; a name the policy does not know is shown as stored. */
static void text_groups(FILE *f, const json_t *a)
{
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e)
        {
                const char *name = json_string_value(e);
                rk_groupset set = 0;
                struct rk_error ignored;
                fputs(i ? ", " : "", f);
                if (name != NULL &&
                    rk_policy_parse_groups(name, "", &set, &ignored) == RK_OK &&
                    set != 0) {
                        int g = 0;
                        while (!(set & (1u << g)))
                                g++;
                        put(f, pw_group_label((enum rk_group)g));
                } else {
                        put(f, name);
                }
        }
}

static void text_access(FILE *f, const json_t *a)
{
        size_t i, n = json_array_size(a);
        json_t *o;
        char at[RK_FORMAT_SIZE];
        fputs("\n  ", f);
        fprintf(f,
                ngettext("Who accessed the data (%zu entry)",
                         "Who accessed the data (%zu entries)", n),
                n);
        fputc('\n', f);
        json_array_foreach(a, i, o)
        {
                fprintf(f, "    %s  ", date_of(json_object_get(o, "at"), at, sizeof(at)));
                put(f, json_string_value(json_object_get(o, "user")));
                fputs(" (", f);
                text_value(f, json_object_get(o, "roles"));
                fputs(")  ", f);
                put(f, json_string_value(json_object_get(o, "action")));
                fputs("  ", f);
                text_groups(f, json_object_get(o, "field_groups"));
                fputc('\n', f);
        }
}

/* The report's first lines: which request, when received, due, made. */
static void text_heading(FILE *f, const json_t *doc)
{
        const json_t *req = json_object_get(doc, "request");
        char received[RK_FORMAT_SIZE], due[RK_FORMAT_SIZE], made[RK_FORMAT_SIZE];
        int t = rk_dsr_type_parse(json_string_value(json_object_get(req, "type")));
        char *type = safe_dup(t >= 0 ? rk_dsr_type_label((enum rk_dsr_type)t) : NULL);
        fprintf(f, _("Data-subject request %lld: %s"),
                (long long)json_integer_value(json_object_get(req, "id")),
                type != NULL ? type : "-");
        free(type);
        fputc('\n', f);
        fprintf(f, _("Received %s, due %s. Generated %s."),
                date_of(json_object_get(req, "received_on"), received, sizeof(received)),
                date_of(json_object_get(req, "due_on"), due, sizeof(due)),
                date_of(json_object_get(doc, "generated_at"), made, sizeof(made)));
        fputc('\n', f);
}

static void text_report(FILE *f, const json_t *doc)
{
        text_heading(f, doc);
        size_t i;
        json_t *sub;
        json_array_foreach(json_object_get(doc, "subjects"), i, sub)
        {
                bool contact = strcmp(json_string_value(json_object_get(sub, "record")),
                                      "contact") == 0;
                char *number =
                    safe_dup(json_string_value(json_object_get(sub, "customer_number")));
                fputs("\n== ", f);
                fprintf(f, contact ? _("Customer %s: contact person") : _("Customer %s"),
                        number != NULL ? number : "-");
                fputs(" ==\n", f);
                free(number);
                text_record(f, contact ? RK_REC_CONTACT : RK_REC_CUSTOMER,
                            json_object_get(sub, contact ? "contact_person" : "customer"),
                            "  ");
                if (!contact) {
                        text_list(f, _("Contact persons"), RK_REC_CONTACT,
                                  json_object_get(sub, "contact_persons"));
                        text_list(f, _("Orders"), RK_REC_ORDER,
                                  json_object_get(sub, "orders"));
                        text_list(f, _("Notes"), RK_REC_NOTE,
                                  json_object_get(sub, "notes"));
                        text_list(f, _("Consents"), RK_REC_CONSENT,
                                  json_object_get(sub, "consents"));
                        text_list(f, _("Objections"), RK_REC_OBJECTION,
                                  json_object_get(sub, "objections"));
                }
                text_list(f, _("Requests"), RK_REC_COUNT,
                          json_object_get(sub, "requests"));
                text_access(f, json_object_get(sub, "access_log"));
        }
        fputc('\n', f);
        fputs(_("Why each field is kept and on which legal basis:"), f);
        fputc('\n', f);
        json_t *c;
        json_array_foreach(json_object_get(doc, "classification"), i, c)
        {
                fputs("  ", f);
                put(f, json_string_value(json_object_get(c, "label")));
                fputs(": ", f);
                /* the JSON keeps the terms as keys; people read them translated */
                put(f, rk_fields_term_label(
                           json_string_value(json_object_get(c, "category"))));
                fputs(" (", f);
                put(f, rk_fields_term_label(
                           json_string_value(json_object_get(c, "legal_basis"))));
                fputs(")\n", f);
        }
}

/* ---- writing ----------------------------------------------------------- */

/* A new file: 0600, or 0660 with the group in a shared (setgid, group-
 * writable) directory (sharedfile.h); never over an existing one. */
static FILE *create_0600(const char *path, unsigned *mode, struct rk_error *err)
{
        int fd = -1;
        struct stat st;
        if (rk_sharedfile_open(path, path, true, &fd, err) != RK_OK)
                return NULL;
        FILE *f = fdopen(fd, "w");
        if (f == NULL) {
                rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
                close(fd);
                unlink(path);
        } else if (fstat(fd, &st) == 0) {
                *mode = (unsigned)(st.st_mode & 0777);
        }
        return f;
}

static int finish(FILE *f, const char *path, int rc, struct rk_error *err)
{
        if (f == NULL)
                return rc;
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad)
                return rc != RK_OK
                           ? rc
                           : rk_error_set(err, RK_ERR_IO, "%s: cannot be written", path);
        return rc;
}

int dsr_export_write(const json_t *doc, const char *dir, int64_t id,
                     struct rk_dsr_result *res, struct rk_error *err)
{
        snprintf(res->json_path, sizeof(res->json_path), "%s/dsr-%lld.json", dir,
                 (long long)id);
        snprintf(res->text_path, sizeof(res->text_path), "%s/dsr-%lld.txt", dir,
                 (long long)id);
        FILE *j = create_0600(res->json_path, &res->file_mode, err);
        FILE *t = j != NULL ? create_0600(res->text_path, &res->file_mode, err) : NULL;
        int rc = j != NULL && t != NULL ? RK_OK : RK_ERR_IO;
        if (rc != RK_OK && err != NULL)
                rc = err->rc;
        if (rc == RK_OK && json_dumpf(doc, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
                rc =
                    rk_error_set(err, RK_ERR_IO, "%s: cannot be written", res->json_path);
        if (rc == RK_OK)
                text_report(t, doc);
        rc = finish(j, res->json_path, rc, err);
        rc = finish(t, res->text_path, rc, err);
        if (rc != RK_OK) {
                if (j != NULL)
                        unlink(res->json_path);
                if (t != NULL)
                        unlink(res->text_path);
                res->json_path[0] = res->text_path[0] = '\0';
        }
        return rc;
}
