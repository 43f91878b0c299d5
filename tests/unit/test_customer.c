/*
 * test_customer.c - the customer store on a real register in a temp dir,
 * through sessions that log in for real (password + TOTP) with each
 * default role.
 *
 * What a user or an auditor would notice: each role's view of a seeded
 * customer holds exactly the fields the role may read and no trace of the
 * others (the warehouse sees the customer number and order quantities,
 * never a name, e-mail, phone, address, IBAN or reference); writes outside
 * a role are refused and change nothing; a save against a stale version
 * is refused with "changed by someone else" and changes nothing; a bad
 * value is refused with a message naming the field, not repeating the
 * value; numbers are allocated in sequence; restricted customers are
 * closed to everyone but request handlers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/customer.h"
#include "rekisteri/i18n.h"
#include "rekisteri/orders.h"
#include "rekisteri/search.h"
#include "rekisteri/session.h"
#include "rekisteri/totp.h"
#include "rekisteri/users.h"
#include "rekisteri/vault.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct rk_config cfg;
static const char pw[] = "kolme iloista kalaa";
static char secret[RK_TOTP_SECRET_B32_SIZE];
static const int64_t T0 = 1800000000;
static int64_t clock_now;

enum who { SALES, SALES2, BILLING, WAREHOUSE, SUPERVISOR, ADMIN, N_WHO };
static const char *const users[N_WHO] = {"sanna", "sakari", "bea",
                                         "wille", "sirpa",  "admin"};
static const char *const roles[N_WHO] = {"sales",     "sales",      "billing",
                                         "warehouse", "supervisor", "admin"};
static struct rk_session *sess[N_WHO];

static int64_t person_id, company_id;
static char person_no[RK_CUSTOMER_NUMBER_SIZE];

#define G(x) (1u << RK_GROUP_##x)

static const char *db_path(void)
{
        return tu_path("c.db");
}

static sqlite3 *raw_db(void)
{
        return rk_register_db(rk_session_register(sess[SUPERVISOR]));
}

/* ---- fixture ----------------------------------------------------------- */

static void enrol(struct rk_register *reg, const char *name, const char *role)
{
        tu_enrol(reg, &cfg, name, role, pw, secret, T0 / 30 - 10);
}

static struct rk_session *login(const char *name)
{
        return tu_login(&cfg, db_path(), name, pw, secret, &clock_now);
}

static void must(int rc, const struct rk_error *err)
{
        if (rc != RK_OK)
                fail_msg("%s", err->msg);
}

static void seed(void)
{
        struct rk_error err;
        struct rk_session *s = sess[SUPERVISOR];
        tu_products(s);
        const struct rk_edit person[] = {
            {"name", "Aino Virtanen"},
            {"email", "aino.virtanen@example.fi"},
            {"phone", "040 123 4567"},
            {"street", "Mannerheimintie 1"},
            {"postal_code", "00100"},
            {"city", "Helsinki"},
            {"delivery_street", "Varastotie 5"},
            {"billing_street", "Laskukuja 9"},
            {"invoice_email", "laskut@example.fi"},
            {"payment_terms_days", "14"},
            {"bank_reference", "FI2112345600000785"},
            {"hetu", "131052-308T"},
        };
        must(rk_customer_create(s, person, sizeof(person) / sizeof(person[0]), &person_id,
                                person_no, &err),
             &err);
        const struct rk_edit company[] = {
            {"kind", "company"}, {"name", "Esimerkki Oy"}, {"business_id", "1572860-0"}};
        must(rk_customer_create(s, company, 3, &company_id, NULL, &err), &err);
        const struct rk_edit contact[] = {{"name", "Matti Meikäläinen"},
                                          {"email", "matti@esimerkki.fi"}};
        must(rk_contact_add(s, company_id, contact, 2, NULL, &err), &err);
        must(rk_note_add(sess[SALES], person_id, "Soitti Virtaselle tarjouksesta", NULL,
                         &err),
             &err);
        must(rk_consent_give(sess[SALES], person_id, "newsletter", "web form",
                             "2026-01-15", &err),
             &err);
        const struct rk_order_line_in lines[] = {{"HAMMER", "2", "12,50", 0},
                                                 {"NAILS100", "3", "4", 0}};
        must(rk_order_create(sess[SALES], person_id, lines, 2, NULL, NULL, &err), &err);
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        tu_tmpdir();
        tu_fast_config(&cfg);
        clock_now = T0;
        reg = tu_register(&cfg, db_path(), "admin", pw, NULL, NULL);
        assert_int_equal(rk_totp_secret_new(secret, sizeof(secret), &err), RK_OK);
        for (int i = 0; i < N_WHO; i++)
                enrol(reg, users[i], roles[i]);
        rk_register_close(reg);
        for (int i = 0; i < N_WHO; i++)
                sess[i] = login(users[i]);
        seed();
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        for (int i = 0; i < N_WHO; i++)
                rk_session_close(sess[i]);
        tu_rmdir();
        return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void load(enum who w, int64_t id, rk_groupset want, struct rk_customer_view *v)
{
        struct rk_error err;
        must(rk_customer_load(sess[w], id, want, v, &err), &err);
}

static int64_t version_of(int64_t id)
{
        struct rk_customer_view v;
        load(SUPERVISOR, id, G(IDENTITY), &v);
        int64_t ver = v.version;
        rk_customer_view_clear(&v);
        return ver;
}

/* The stored value of a customer column, read as the supervisor. */
static char *stored(int64_t id, const char *column)
{
        struct rk_customer_view v;
        load(SUPERVISOR, id, RK_GROUPS_ALL, &v);
        const char *val = rk_record_get(&v.main, column);
        char *copy = val ? strdup(val) : NULL;
        rk_customer_view_clear(&v);
        return copy;
}

static int64_t new_customer(enum who w, const char *name)
{
        struct rk_error err;
        int64_t id = 0;
        const struct rk_edit e[] = {{"name", name}};
        must(rk_customer_create(sess[w], e, 1, &id, NULL, &err), &err);
        return id;
}

/* The main record holds exactly the columns listed (NULL-terminated). */
static void expect_columns(const struct rk_record_view *v, const char *const *cols)
{
        size_t n = 0;
        for (; cols[n] != NULL; n++) {
                if (rk_record_find(v, cols[n]) == NULL)
                        fail_msg("column %s missing from the view", cols[n]);
        }
        for (size_t i = 0; i < v->n; i++) {
                int listed = 0;
                for (size_t k = 0; k < n; k++)
                        listed |= strcmp(cols[k], v->values[i].field->column) == 0;
                if (!listed)
                        fail_msg("column %s should be absent",
                                 v->values[i].field->column);
        }
        assert_int_equal(v->n, n);
}

static int view_has(const struct rk_record_view *v, size_t n, const char *text)
{
        for (size_t i = 0; i < n; i++) {
                for (size_t k = 0; k < v[i].n; k++) {
                        if (v[i].values[k].value && strstr(v[i].values[k].value, text))
                                return 1;
                }
        }
        return 0;
}

/* Any value anywhere in the customer view contains text. */
static int anywhere(const struct rk_customer_view *v, const char *text)
{
        int hit = view_has(&v->main, 1, text) ||
                  view_has(v->contacts, v->ncontacts, text) ||
                  view_has(v->notes, v->nnotes, text) ||
                  view_has(v->consents, v->nconsents, text);
        for (size_t i = 0; i < v->norders; i++)
                hit |= view_has(&v->orders[i].order, 1, text) ||
                       view_has(v->orders[i].lines, v->orders[i].nlines, text);
        return hit;
}

/* ---- what each role sees ----------------------------------------------- */

static const char *const identity_cols[] = {"kind", "name", "business_id",
                                            "last_activity"};
static const char *const contact_cols[] = {"email",
                                           "phone",
                                           "street",
                                           "postal_code",
                                           "city",
                                           "country",
                                           "delivery_street",
                                           "delivery_postal_code",
                                           "delivery_city",
                                           "delivery_country",
                                           "language"};
static const char *const billing_cols[] = {
    "billing_street", "billing_postal_code", "billing_city",  "billing_country",
    "invoice_email",  "payment_terms_days",  "bank_reference"};

static void cat(const char **out, size_t *n, const char *const *cols, size_t k)
{
        for (size_t i = 0; i < k; i++)
                out[(*n)++] = cols[i];
        out[*n] = NULL;
}

#define CAT(out, n, arr) cat(out, n, arr, sizeof(arr) / sizeof(arr[0]))

static void test_sales_view(void **state)
{
        (void)state;
        struct rk_customer_view v;
        const char *cols[32];
        size_t n = 0;
        CAT(cols, &n, identity_cols);
        CAT(cols, &n, contact_cols);
        load(SALES, person_id, RK_GROUPS_ALL, &v);
        expect_columns(&v.main, cols);
        assert_string_equal(v.number, person_no);
        assert_int_equal(v.groups, G(IDENTITY) | G(CONTACT) | G(ORDERS) |
                                       G(ORDER_AMOUNTS) | G(NOTES) | G(CONSENTS));
        assert_string_equal(rk_record_get(&v.main, "phone"), "+358401234567");
        assert_string_equal(rk_record_get(&v.main, "country"), "FI");
        assert_null(rk_record_find(&v.main, "hetu"));
        assert_null(rk_record_find(&v.main, "bank_reference"));
        assert_false(anywhere(&v, "131052"));
        assert_false(anywhere(&v, "FI2112345600000785"));
        assert_int_equal(v.nnotes, 1);
        assert_string_equal(rk_record_get(&v.notes[0], "author"), "sanna");
        assert_int_equal(v.nconsents, 1);
        assert_string_equal(rk_record_get(&v.consents[0], "purpose"), "newsletter");
        assert_int_equal(v.norders, 1);
        assert_true(v.orders[0].has_total);
        assert_int_equal(v.orders[0].total_cents, 2 * 1250 + 3 * 400);
        assert_int_equal(v.orders[0].nlines, 2);
        assert_string_equal(rk_record_get(&v.orders[0].lines[0], "unit_price_cents"),
                            "1250");
        assert_non_null(rk_record_get(&v.orders[0].order, "number"));
        rk_customer_view_clear(&v);
}

static void test_billing_view(void **state)
{
        (void)state;
        struct rk_customer_view v;
        const char *cols[32];
        size_t n = 0;
        CAT(cols, &n, identity_cols);
        CAT(cols, &n, billing_cols);
        load(BILLING, person_id, RK_GROUPS_ALL, &v);
        expect_columns(&v.main, cols);
        assert_false(anywhere(&v, "aino.virtanen@"));
        assert_false(anywhere(&v, "Mannerheimintie"));
        assert_false(anywhere(&v, "131052"));
        assert_null(v.notes);
        assert_null(v.consents);
        /* order amounts without the orders group: totals and prices only */
        assert_int_equal(v.norders, 1);
        assert_true(v.orders[0].has_total);
        assert_int_equal(v.orders[0].total_cents, 3700);
        assert_int_equal(v.orders[0].order.n, 0);
        assert_int_equal(v.orders[0].lines[0].n, 2); /* unit price, VAT rate */
        assert_null(rk_record_find(&v.orders[0].lines[0], "product"));
        rk_customer_view_clear(&v);
}

static void test_warehouse_view(void **state)
{
        (void)state;
        struct rk_customer_view v;
        const char *none[] = {NULL};
        load(WAREHOUSE, person_id, RK_GROUPS_ALL, &v);
        expect_columns(&v.main, none);
        assert_string_equal(v.number, person_no);
        assert_int_equal(v.groups, G(ORDERS));
        const char *never[] = {"Virtanen",   "aino",     "+358",   "Mannerheimintie",
                               "Helsinki",   "FI211234", "laskut", "131052",
                               "Varastotie", "web form", "Soitti"};
        for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
                if (anywhere(&v, never[i]))
                        fail_msg("warehouse view holds \"%s\"", never[i]);
        }
        assert_null(v.contacts);
        assert_null(v.notes);
        assert_null(v.consents);
        assert_int_equal(v.norders, 1);
        assert_false(v.orders[0].has_total);
        assert_string_equal(v.orders[0].customer_number, person_no);
        assert_string_equal(rk_record_get(&v.orders[0].lines[1], "product"), "Nails 100");
        assert_string_equal(rk_record_get(&v.orders[0].lines[1], "quantity"), "3");
        assert_null(rk_record_find(&v.orders[0].lines[1], "unit_price_cents"));
        rk_customer_view_clear(&v);
}

static void test_supervisor_and_admin_view(void **state)
{
        (void)state;
        struct rk_customer_view v;
        struct rk_error err;
        const char *cols[40];
        size_t n = 0;
        const char *hetu[] = {"hetu"};
        CAT(cols, &n, identity_cols);
        CAT(cols, &n, contact_cols);
        CAT(cols, &n, billing_cols);
        CAT(cols, &n, hetu);
        load(SUPERVISOR, person_id, RK_GROUPS_ALL, &v);
        expect_columns(&v.main, cols);
        assert_string_equal(rk_record_get(&v.main, "hetu"), "131052-308T");
        assert_int_equal(v.groups, RK_GROUPS_ALL);
        rk_customer_view_clear(&v);
        assert_int_equal(
            rk_customer_load(sess[ADMIN], person_id, RK_GROUPS_ALL, &v, &err),
            RK_ERR_DENIED);
        assert_string_equal(v.number, "");
        assert_int_equal(v.main.n, 0);
}

/* A screen tab asks for its groups only; the view (and audit) says so. */
static void test_requested_groups_only(void **state)
{
        (void)state;
        struct rk_customer_view v;
        struct rk_error err;
        load(SALES, person_id, G(CONTACT), &v);
        const char *cols[16];
        size_t n = 0;
        CAT(cols, &n, contact_cols);
        expect_columns(&v.main, cols);
        assert_int_equal(v.groups, G(CONTACT));
        assert_null(v.notes);
        assert_null(v.orders);
        rk_customer_view_clear(&v);
        /* asking only for what the role may not read */
        assert_int_equal(
            rk_customer_load(sess[SALES], person_id, G(BILLING) | G(IDCODE), &v, &err),
            RK_ERR_DENIED);
        assert_int_equal(rk_customer_load(sess[SALES], 999999, G(IDENTITY), &v, &err),
                         RK_ERR_NOTFOUND);
}

static void test_company_contacts(void **state)
{
        (void)state;
        struct rk_customer_view v;
        /* contact persons are contact details (fields.c): not with identity */
        load(SALES, company_id, G(IDENTITY), &v);
        assert_int_equal(v.ncontacts, 0);
        rk_customer_view_clear(&v);
        load(SALES, company_id, G(IDENTITY) | G(CONTACT), &v);
        assert_int_equal(v.ncontacts, 1);
        assert_string_equal(rk_record_get(&v.contacts[0], "name"), "Matti Meikäläinen");
        assert_string_equal(rk_record_get(&v.contacts[0], "email"), "matti@esimerkki.fi");
        rk_customer_view_clear(&v);
        /* billing reads identity but no contact details: no contact person */
        load(BILLING, company_id, RK_GROUPS_ALL, &v);
        assert_string_equal(rk_record_get(&v.main, "business_id"), "1572860-0");
        assert_int_equal(v.ncontacts, 0);
        rk_customer_view_clear(&v);
}

/* ---- writes outside a role --------------------------------------------- */

static void expect_denied(int rc, const struct rk_error *err)
{
        assert_int_equal(rc, RK_ERR_DENIED);
        assert_true(strlen(err->msg) > 0);
}

static void test_writes_denied(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t v0 = version_of(person_id);
        const struct rk_edit name[] = {{"name", "Someone Else"}};
        const struct rk_edit email[] = {{"email", "x@example.fi"}};
        const struct rk_edit hetu[] = {{"hetu", "131052-308T"}};
        const struct rk_edit iban[] = {{"name", "New Person"}, {"bank_reference", "123"}};
        const struct rk_order_line_in line[] = {{"SAW", "1", NULL, 0}};
        expect_denied(
            rk_customer_update(sess[WAREHOUSE], person_id, v0, name, 1, NULL, &err),
            &err);
        expect_denied(
            rk_customer_update(sess[BILLING], person_id, v0, email, 1, NULL, &err), &err);
        assert_non_null(strstr(err.msg, "E-mail"));
        expect_denied(rk_customer_update(sess[SALES], person_id, v0, hetu, 1, NULL, &err),
                      &err);
        expect_denied(rk_customer_update(sess[ADMIN], person_id, v0, name, 1, NULL, &err),
                      &err);
        expect_denied(rk_customer_create(sess[WAREHOUSE], name, 1, NULL, NULL, &err),
                      &err);
        expect_denied(rk_customer_create(sess[BILLING], name, 1, NULL, NULL, &err), &err);
        expect_denied(rk_customer_create(sess[SALES], iban, 2, NULL, NULL, &err), &err);
        expect_denied(rk_note_add(sess[WAREHOUSE], person_id, "hello", NULL, &err), &err);
        expect_denied(rk_note_add(sess[BILLING], person_id, "hello", NULL, &err), &err);
        expect_denied(
            rk_consent_give(sess[BILLING], person_id, "offers", "phone", NULL, &err),
            &err);
        expect_denied(rk_consent_withdraw(sess[WAREHOUSE], person_id, "newsletter", &err),
                      &err);
        expect_denied(rk_contact_add(sess[BILLING], company_id, name, 1, NULL, &err),
                      &err);
        expect_denied(
            rk_order_create(sess[WAREHOUSE], person_id, line, 1, NULL, NULL, &err), &err);
        expect_denied(
            rk_order_create(sess[BILLING], person_id, line, 1, NULL, NULL, &err), &err);
        /* nothing changed: same version, same name, no second customer named so */
        assert_int_equal(version_of(person_id), v0);
        char *n = stored(person_id, "name");
        assert_string_equal(n, "Aino Virtanen");
        free(n);
        /* billing writes its own group */
        const struct rk_edit city[] = {{"billing_city", "Espoo"}};
        int64_t nv = 0;
        must(rk_customer_update(sess[BILLING], person_id, v0, city, 1, &nv, &err), &err);
        assert_int_equal(nv, v0 + 1);
}

static void test_warehouse_order_status_is_read_only(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_order_summary *list = NULL;
        size_t n = 0;
        must(rk_orders_recent(sess[WAREHOUSE], NULL, 0, 10, &list, &n, &err), &err);
        assert_true(n >= 1);
        assert_string_equal(list[0].status, "open");
        expect_denied(rk_order_set_status(sess[WAREHOUSE], list[0].id, list[0].version,
                                          "confirmed", &err),
                      &err);
        assert_non_null(strstr(err.msg, "may not move an order from open to confirmed"));
        free(list);
}

/* ---- concurrent edits -------------------------------------------------- */

static void test_stale_version_conflicts(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t id = new_customer(SALES, "Kalle Konflikti");
        struct rk_customer_view a, b;
        load(SALES, id, G(CONTACT), &a);
        load(SALES2, id, G(CONTACT), &b);
        assert_int_equal(a.version, b.version);
        const struct rk_edit mine[] = {{"city", "Tampere"}};
        const struct rk_edit theirs[] = {{"city", "Turku"}, {"street", "Aurakatu 1"}};
        int64_t nv = 0;
        must(rk_customer_update(sess[SALES], id, a.version, mine, 1, &nv, &err), &err);
        assert_int_equal(
            rk_customer_update(sess[SALES2], id, b.version, theirs, 2, NULL, &err),
            RK_ERR_CONFLICT);
        assert_non_null(strstr(err.msg, "changed by someone else since you opened it"));
        char *city = stored(id, "city"), *street = stored(id, "street");
        assert_string_equal(city, "Tampere");
        assert_null(street);
        free(city);
        free(street);
        assert_int_equal(version_of(id), nv);
        /* reopened, the second save goes through */
        must(rk_customer_update(sess[SALES2], id, nv, theirs, 2, NULL, &err), &err);
        /* a save with no changes still notices a stale version */
        assert_int_equal(rk_customer_update(sess[SALES], id, nv, NULL, 0, NULL, &err),
                         RK_ERR_CONFLICT);
        rk_customer_view_clear(&a);
        rk_customer_view_clear(&b);
}

static void test_contacts_and_order_status_conflict(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_customer_view v;
        load(SALES, company_id, G(IDENTITY) | G(CONTACT) | G(ORDERS), &v);
        int64_t cid = v.contacts[0].id, cver = v.contacts[0].version;
        rk_customer_view_clear(&v);
        const struct rk_edit title[] = {{"title", "CEO"}};
        must(rk_contact_update(sess[SALES], cid, cver, title, 1, &err), &err);
        assert_int_equal(rk_contact_update(sess[SALES2], cid, cver, title, 1, &err),
                         RK_ERR_CONFLICT);
        assert_int_equal(rk_contact_delete(sess[SALES2], cid, cver, &err),
                         RK_ERR_CONFLICT);
        /* an order's status */
        const struct rk_order_line_in line[] = {{"DRILL", "1", "99", 0}};
        int64_t oid = 0;
        must(rk_order_create(sess[SALES], company_id, line, 1, &oid, NULL, &err), &err);
        must(rk_order_set_status(sess[SALES], oid, 1, "confirmed", &err), &err);
        assert_int_equal(rk_order_set_status(sess[SUPERVISOR], oid, 1, "cancelled", &err),
                         RK_ERR_CONFLICT);
        struct rk_order_view o;
        must(rk_order_load(sess[WAREHOUSE], oid, RK_GROUPS_ALL, &o, &err), &err);
        assert_string_equal(rk_record_get(&o.order, "status"), "confirmed");
        assert_int_equal(o.order.version, 2);
        rk_order_view_clear(&o);
        assert_int_equal(rk_order_set_status(sess[SALES], oid, 2, "lost", &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Status: choose one of open, confirmed"));
}

/* ---- validation -------------------------------------------------------- */

struct bad_case {
        const char *column, *value, *label;
};

static void test_validation_messages(void **state)
{
        (void)state;
        static const struct bad_case cases[] = {
            {"email", "aino.virtanen@", "E-mail: "},
            {"invoice_email", "laskut@@example", "Invoicing e-mail: "},
            {"phone", "1234567", "Phone: "},
            {"postal_code", "0010A", "Postal code: "},
            {"country", "Finland", "Country: "},
            {"business_id", "1572860-1", "Business ID / VAT: "},
            {"business_id", "FI15728601", "Business ID / VAT: "},
            {"hetu", "131052-308X", "Personal identity code: "},
            {"last_activity", "2026-02-30", "Last activity: "},
            {"payment_terms_days", "14 days", "Payment terms (days): "},
            {"kind", "robot", "Type: "},
            {"name", "Aino\x1b[2J", "Name: "},
            {"name", "", "Name: is required"},
            {"city", "\xff\xfe", "City: "},
        };
        struct rk_error err;
        int64_t id = new_customer(SUPERVISOR, "Valtteri Validoitava");
        int64_t v0 = version_of(id);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct rk_edit e[] = {{cases[i].column, cases[i].value}};
                int rc = rk_customer_update(sess[SUPERVISOR], id, v0, e, 1, NULL, &err);
                if (rc != RK_ERR_INVALID ||
                    strncmp(err.msg, cases[i].label, strlen(cases[i].label)) != 0)
                        fail_msg("%s: rc %d, \"%s\"", cases[i].column, rc, err.msg);
                if (cases[i].value[0] != '\0' && strstr(err.msg, cases[i].value) != NULL)
                        fail_msg("%s: the message repeats the value", cases[i].column);
        }
        assert_int_equal(version_of(id), v0);
        /* a company has no personal identity code */
        const struct rk_edit company[] = {{"kind", "company"}, {"hetu", "131052-308T"}};
        assert_int_equal(
            rk_customer_update(sess[SUPERVISOR], id, v0, company, 2, NULL, &err),
            RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "only a person"));
        /* unknown and duplicate columns */
        const struct rk_edit unknown[] = {{"number", "C999999"}};
        assert_int_equal(
            rk_customer_update(sess[SUPERVISOR], id, v0, unknown, 1, NULL, &err),
            RK_ERR_INVALID);
        const struct rk_edit twice[] = {{"city", "A"}, {"city", "B"}};
        assert_int_equal(
            rk_customer_update(sess[SUPERVISOR], id, v0, twice, 2, NULL, &err),
            RK_ERR_INVALID);
        /* accepted values are stored normalised */
        const struct rk_edit good[] = {
            {"phone", "+358 (0)9 1234 567"}, {"country", "se"},
            {"postal_code", "11122"},        {"email", "Aino@EXAMPLE.FI"},
            {"business_id", "FI 1572 8600"}, {"payment_terms_days", "030"}};
        must(rk_customer_update(sess[SUPERVISOR], id, v0, good, 6, NULL, &err), &err);
        const char *want[][2] = {
            {"phone", "+35891234567"},     {"country", "SE"},
            {"postal_code", "111 22"},     {"email", "Aino@example.fi"},
            {"business_id", "FI15728600"}, {"payment_terms_days", "30"}};
        for (size_t i = 0; i < 6; i++) {
                char *got = stored(id, want[i][0]);
                assert_non_null(got);
                assert_string_equal(got, want[i][1]);
                free(got);
        }
}

/* ---- numbers ----------------------------------------------------------- */

static void test_numbers_in_sequence(void **state)
{
        (void)state;
        struct rk_error err;
        char a[RK_CUSTOMER_NUMBER_SIZE], b[RK_CUSTOMER_NUMBER_SIZE];
        char oa[RK_ORDER_NUMBER_SIZE], ob[RK_ORDER_NUMBER_SIZE],
            want[RK_ORDER_NUMBER_SIZE];
        const struct rk_edit e[] = {{"name", "Numero Yksi"}};
        must(rk_customer_create(sess[SALES], e, 1, NULL, a, &err), &err);
        must(rk_customer_create(sess[SALES], e, 1, NULL, b, &err), &err);
        assert_int_equal(strlen(a), 7);
        assert_int_equal(a[0], 'C');
        assert_int_equal(atoi(b + 1), atoi(a + 1) + 1);
        assert_string_equal(person_no, "C000001");
        const struct rk_order_line_in line[] = {{"TAPE", "5", "", 0}};
        must(rk_order_create(sess[SALES], person_id, line, 1, NULL, oa, &err), &err);
        must(rk_order_create(sess[SALES], person_id, line, 1, NULL, ob, &err), &err);
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        snprintf(want, sizeof(want), "O%04d-", (tm.tm_year + 1900) % 10000);
        assert_memory_equal(oa, want, 6);
        assert_int_equal(strlen(oa), 12);
        assert_int_equal(atoi(ob + 6), atoi(oa + 6) + 1);
        /* a create that fails validation allocates nothing */
        const struct rk_edit bad[] = {{"name", "Huono"}, {"email", "nope"}};
        assert_int_equal(rk_customer_create(sess[SALES], bad, 2, NULL, NULL, &err),
                         RK_ERR_INVALID);
        char c[RK_CUSTOMER_NUMBER_SIZE];
        must(rk_customer_create(sess[SALES], e, 1, NULL, c, &err), &err);
        assert_int_equal(atoi(c + 1), atoi(b + 1) + 1);
        /* order lines are checked and named */
        const struct rk_order_line_in badline[] = {{"TAPE", "5", NULL, 0},
                                                   {"GLUE", "0", NULL, 0}};
        assert_int_equal(
            rk_order_create(sess[SALES], person_id, badline, 2, NULL, NULL, &err),
            RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Line 2 (GLUE): Quantity"));
        const struct rk_order_line_in badprice[] = {{"TAPE", "5", "1,234", 0}};
        assert_int_equal(
            rk_order_create(sess[SALES], person_id, badprice, 1, NULL, NULL, &err),
            RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Line 1 (TAPE): Unit price"));
}

/* ---- notes, consents, contacts ----------------------------------------- */

static void test_notes(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t id = new_customer(SALES, "Noora Muistio");
        assert_int_equal(
            rk_note_add(sess[SALES], id, "hetu 131052-308T muistiin", NULL, &err),
            RK_ERR_INVALID);
        assert_null(strstr(err.msg, "131052"));
        assert_int_equal(rk_note_add(sess[SALES], id, "", NULL, &err), RK_ERR_INVALID);
        must(rk_note_add(sess[SALES2], id, "Rivi 1\nRivi 2", NULL, &err), &err);
        struct rk_customer_view v;
        load(SALES, id, G(NOTES), &v);
        assert_int_equal(v.nnotes, 1);
        assert_string_equal(rk_record_get(&v.notes[0], "author"), "sakari");
        assert_string_equal(rk_record_get(&v.notes[0], "body"), "Rivi 1\nRivi 2");
        assert_int_equal(strlen(rk_record_get(&v.notes[0], "created_at")), 20);
        rk_customer_view_clear(&v);
        load(SALES, id, G(IDENTITY), &v);
        assert_non_null(rk_record_get(&v.main, "last_activity"));
        rk_customer_view_clear(&v);
}

static int64_t mid_june_2031(void)
{
        return 1939291200; /* 2031-06-15 12:00 UTC: the same day in any zone +-11 h */
}

static void test_consents(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t id = new_customer(SALES, "Kaisa Suostumus");
        must(rk_consent_give(sess[SALES], id, "Offers", "fair stand", "2026-03-01", &err),
             &err);
        assert_int_equal(rk_consent_give(sess[SALES], id, "offers", "phone", NULL, &err),
                         RK_ERR_EXISTS);
        assert_int_equal(rk_consent_give(sess[SALES], id, "spam", "phone", NULL, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_consent_give(sess[SALES], id, "events", "", NULL, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Source: is required"));
        must(rk_consent_withdraw(sess[SALES], id, "offers", &err), &err);
        assert_int_equal(rk_consent_withdraw(sess[SALES], id, "offers", &err),
                         RK_ERR_NOTFOUND);
        /* "today" comes from the one clock (rk_clock_now), not time() */
        rk_clock_set(mid_june_2031);
        must(rk_consent_give(sess[SALES], id, "offers", "phone", NULL, &err), &err);
        rk_clock_set(NULL);
        struct rk_customer_view v;
        load(SALES, id, G(CONSENTS), &v);
        assert_int_equal(v.nconsents, 2);
        assert_string_equal(rk_record_get(&v.consents[0], "given_on"), "2026-03-01");
        assert_string_equal(rk_record_get(&v.consents[0], "source"), "fair stand");
        assert_non_null(rk_record_get(&v.consents[0], "withdrawn_on"));
        assert_null(rk_record_get(&v.consents[1], "withdrawn_on"));
        assert_string_equal(rk_record_get(&v.consents[1], "given_on"), "2031-06-15");
        rk_customer_view_clear(&v);
}

/* A company's contact persons come by name in the language's order: å, ä
 * and ö after z in Finnish, with a and o in English. */
static void test_contacts_by_name(void **state)
{
        (void)state;
        struct rk_error err;
        static const char *const added[] = {"Östman Olli", "Zetterberg Zoe", "Åberg Åsa",
                                            "Ärölä Eino", "Aalto Anna"};
        int64_t ids[5];
        for (size_t i = 0; i < 5; i++) {
                const struct rk_edit c[] = {{"name", added[i]}};
                must(rk_contact_add(sess[SALES], company_id, c, 1, &ids[i], &err), &err);
        }
        static const char *const want[][2] = {
            {"fi", "Aalto Anna|Matti Meikäläinen|Zetterberg Zoe|Åberg Åsa|Ärölä Eino|"
                   "Östman Olli|"},
            {"en", "Aalto Anna|Åberg Åsa|Ärölä Eino|Matti Meikäläinen|Östman Olli|"
                   "Zetterberg Zoe|"},
        };
        for (size_t k = 0; k < 2; k++) {
                struct rk_customer_view v;
                char got[256] = "";
                assert_int_equal(rk_i18n_use(want[k][0]), 0);
                load(SALES, company_id, G(IDENTITY) | G(CONTACT), &v);
                for (size_t i = 0; i < v.ncontacts; i++) {
                        size_t len = strlen(got);
                        snprintf(got + len, sizeof(got) - len, "%s|",
                                 rk_record_get(&v.contacts[i], "name"));
                }
                rk_customer_view_clear(&v);
                assert_string_equal(got, want[k][1]);
        }
        assert_int_equal(rk_i18n_use("en"), 0);
        for (size_t i = 0; i < 5; i++)
                must(rk_contact_delete(sess[SALES], ids[i], 1, &err), &err);
}

static void test_contacts(void **state)
{
        (void)state;
        struct rk_error err;
        const struct rk_edit c[] = {{"name", "Liisa Yhteys"}, {"phone", "050 765 4321"}};
        assert_int_equal(rk_contact_add(sess[SALES], person_id, c, 2, NULL, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "only a company"));
        const struct rk_edit noname[] = {{"title", "CFO"}};
        assert_int_equal(rk_contact_add(sess[SALES], company_id, noname, 1, NULL, &err),
                         RK_ERR_INVALID);
        int64_t cid = 0;
        must(rk_contact_add(sess[SALES], company_id, c, 2, &cid, &err), &err);
        struct rk_customer_view v;
        load(SALES, company_id, G(IDENTITY) | G(CONTACT), &v);
        assert_int_equal(v.ncontacts, 2);
        /* by name: Liisa before Matti, whoever was added first */
        assert_string_equal(rk_record_get(&v.contacts[0], "name"), "Liisa Yhteys");
        assert_string_equal(rk_record_get(&v.contacts[0], "phone"), "+358507654321");
        rk_customer_view_clear(&v);
        /* a company with contact persons stays a company */
        const struct rk_edit person[] = {{"kind", "person"}};
        assert_int_equal(rk_customer_update(sess[SALES], company_id,
                                            version_of(company_id), person, 1, NULL,
                                            &err),
                         RK_ERR_INVALID);
        must(rk_contact_delete(sess[SALES], cid, 1, &err), &err);
        assert_int_equal(rk_contact_delete(sess[SALES], cid, 1, &err), RK_ERR_NOTFOUND);
}

/* ---- the warehouse paths ----------------------------------------------- */

static void test_warehouse_orders(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_order_summary *list = NULL;
        size_t n = 0;
        const struct rk_order_line_in lines[] = {{"LADDER", "1", "80", 0},
                                                 {"ROPE", "10", "1", 0}};
        int64_t oid = 0;
        char ono[RK_ORDER_NUMBER_SIZE];
        must(rk_order_create(sess[SALES], company_id, lines, 2, &oid, ono, &err), &err);
        must(rk_order_set_status(sess[SUPERVISOR], oid, 1, "confirmed", &err), &err);
        must(rk_order_set_status(sess[WAREHOUSE], oid, 2, "picked", &err), &err);
        must(rk_orders_recent(sess[WAREHOUSE], "picked", 0, 50, &list, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(list[0].number, ono);
        assert_string_equal(list[0].status, "picked");
        assert_int_equal(list[0].nlines, 2);
        assert_int_equal(list[0].customer_number[0], 'C');
        free(list);
        /* paging: two pages of one are the two newest */
        struct rk_order_summary *p1 = NULL, *p2 = NULL;
        size_t n1 = 0, n2 = 0;
        must(rk_orders_recent(sess[WAREHOUSE], NULL, 0, 1, &p1, &n1, &err), &err);
        must(rk_orders_recent(sess[WAREHOUSE], NULL, 1, 1, &p2, &n2, &err), &err);
        assert_int_equal(n1, 1);
        assert_int_equal(n2, 1);
        assert_true(p1[0].id > p2[0].id);
        free(p1);
        free(p2);
        assert_int_equal(
            rk_orders_recent(sess[WAREHOUSE], "lost", 0, 10, &list, &n, &err),
            RK_ERR_INVALID);
        assert_int_equal(rk_orders_recent(sess[BILLING], NULL, 0, 10, &list, &n, &err),
                         RK_ERR_DENIED);
        /* one order: lines without prices, customer as its number only */
        struct rk_order_view o;
        must(rk_order_load(sess[WAREHOUSE], oid, RK_GROUPS_ALL, &o, &err), &err);
        assert_string_equal(rk_record_get(&o.order, "number"), ono);
        assert_int_equal(o.nlines, 2);
        assert_string_equal(rk_record_get(&o.lines[1], "quantity"), "10");
        assert_null(rk_record_find(&o.lines[1], "unit_price_cents"));
        assert_false(o.has_total);
        assert_int_equal(o.customer_id, company_id);
        rk_order_view_clear(&o);
        must(rk_order_load(sess[SALES], oid, RK_GROUPS_ALL, &o, &err), &err);
        assert_int_equal(o.total_cents, 8000 + 1000);
        rk_order_view_clear(&o);
        assert_int_equal(rk_order_load(sess[ADMIN], oid, RK_GROUPS_ALL, &o, &err),
                         RK_ERR_DENIED);
}

/* ---- restriction ------------------------------------------------------- */

static void set_restricted(int64_t id, int on)
{
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE customers SET restricted=%d WHERE id=%lld", on,
                 (long long)id);
        assert_int_equal(sqlite3_exec(raw_db(), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_restricted_customer(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_customer_view v;
        int64_t id = new_customer(SALES, "Rauha Rajoitettu");
        const struct rk_order_line_in line[] = {{"SECRET", "1", NULL, 0}};
        int64_t oid = 0;
        must(rk_order_create(sess[SALES], id, line, 1, &oid, NULL, &err), &err);
        set_restricted(id, 1);
        /* restricted looks exactly like missing to a role without requests */
        struct rk_error missing;
        rk_error_clear(&missing);
        assert_int_equal(rk_customer_load(sess[SALES], id, RK_GROUPS_ALL, &v, &err),
                         RK_ERR_NOTFOUND);
        assert_int_equal(
            rk_customer_load(sess[SALES], id + 100000, RK_GROUPS_ALL, &v, &missing),
            RK_ERR_NOTFOUND);
        assert_string_equal(err.msg, missing.msg);
        assert_null(strstr(err.msg, "restricted"));
        assert_int_equal(rk_note_add(sess[SALES], id, "still here?", NULL, &err),
                         RK_ERR_NOTFOUND);
        struct rk_order_view o;
        assert_int_equal(rk_order_load(sess[WAREHOUSE], oid, RK_GROUPS_ALL, &o, &err),
                         RK_ERR_NOTFOUND);
        assert_int_equal(
            rk_order_load(sess[WAREHOUSE], oid + 100000, RK_GROUPS_ALL, &o, &missing),
            RK_ERR_NOTFOUND);
        assert_string_equal(err.msg, missing.msg);
        struct rk_order_summary *list = NULL;
        size_t n = 0;
        must(rk_orders_recent(sess[WAREHOUSE], NULL, 0, RK_ORDERS_PAGE_MAX, &list, &n,
                              &err),
             &err);
        for (size_t i = 0; i < n; i++)
                assert_true(list[i].id != oid);
        free(list);
        load(SUPERVISOR, id, RK_GROUPS_ALL, &v);
        assert_true(v.restricted);
        rk_customer_view_clear(&v);
        set_restricted(id, 0);
}

/* The newest audit row for subject, or fail. */
static struct rk_audit_row last_row_for(int64_t subject)
{
        struct rk_error err;
        struct rk_audit_row *rows = NULL, r;
        size_t n = 0;
        struct rk_audit_filter f = {0};
        f.subject = subject;
        assert_int_equal(rk_audit_list(raw_db(), &f, 1, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 1);
        r = rows[0];
        free(rows);
        return r;
}

static void test_views_and_changes_audited(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_customer_view v;
        rk_session_set_place(sess[SALES], "customer detail");
        must(rk_customer_load(sess[SALES], person_id, G(CONTACT) | G(IDENTITY), &v, &err),
             &err);
        struct rk_audit_row r = last_row_for(person_id);
        assert_string_equal(r.action, "customer.view");
        assert_string_equal(r.user, "sanna");
        assert_string_equal(r.groups, "identity,contact");
        assert_string_equal(r.screen, "customer detail");
        assert_string_equal(r.source, "test");
        const struct rk_edit e[] = {{"phone", "+358 50 765 4321"}};
        must(rk_customer_update(sess[SALES], person_id, v.version, e, 1, NULL, &err),
             &err);
        rk_customer_view_clear(&v);
        r = last_row_for(person_id);
        assert_string_equal(r.action, "customer.update");
        assert_string_equal(r.fields, "phone");
        assert_string_equal(r.groups, "contact");
        /* no value reaches the trail */
        sqlite3_stmt *st;
        assert_int_equal(
            sqlite3_prepare_v2(raw_db(),
                               "SELECT count(*) FROM audit_log WHERE "
                               "user||groups||fields||screen||target||source "
                               "LIKE '%765%' OR target LIKE '%Virtanen%'",
                               -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 0);
        sqlite3_finalize(st);
        struct rk_audit_verdict verdict;
        assert_int_equal(rk_audit_verify(raw_db(), NULL, &verdict, &err), RK_OK);
        assert_true(verdict.ok);
}

/* When the audit row cannot be written, the data is not returned. */
static void test_no_audit_no_data(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_customer_view v;
        assert_int_equal(sqlite3_exec(raw_db(), "ALTER TABLE audit_state RENAME TO gone",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        int rc = rk_customer_load(sess[SALES], person_id, RK_GROUPS_ALL, &v, &err);
        assert_int_not_equal(rc, RK_OK);
        assert_null(rk_record_get(&v.main, "name"));
        assert_int_equal(sqlite3_exec(raw_db(), "ALTER TABLE gone RENAME TO audit_state",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        must(rk_customer_load(sess[SALES], person_id, RK_GROUPS_ALL, &v, &err), &err);
        assert_non_null(rk_record_get(&v.main, "name"));
        rk_customer_view_clear(&v);
}

/* A customer number leads to its id for every customer role, and to
 * nothing for a role without customer data; finding records nothing. */
static void test_find_by_number(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t id = -1;
        struct rk_audit_filter f = {.subject = person_id};
        struct rk_audit_row *rows;
        size_t before, after;
        must(rk_audit_list(raw_db(), &f, 1000, &rows, &before, &err), &err);
        free(rows);
        must(rk_customer_find(sess[WAREHOUSE], person_no, &id, &err), &err);
        assert_int_equal(id, person_id);
        assert_int_equal(rk_customer_find(sess[SALES], "C999999", &id, &err),
                         RK_ERR_NOTFOUND);
        assert_int_equal(id, 0);
        assert_int_equal(rk_customer_find(sess[ADMIN], person_no, &id, &err),
                         RK_ERR_DENIED);
        must(rk_audit_list(raw_db(), &f, 1000, &rows, &after, &err), &err);
        free(rows);
        assert_int_equal(after, before);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sales_view),
            cmocka_unit_test(test_billing_view),
            cmocka_unit_test(test_warehouse_view),
            cmocka_unit_test(test_supervisor_and_admin_view),
            cmocka_unit_test(test_requested_groups_only),
            cmocka_unit_test(test_company_contacts),
            cmocka_unit_test(test_writes_denied),
            cmocka_unit_test(test_warehouse_order_status_is_read_only),
            cmocka_unit_test(test_stale_version_conflicts),
            cmocka_unit_test(test_contacts_and_order_status_conflict),
            cmocka_unit_test(test_validation_messages),
            cmocka_unit_test(test_numbers_in_sequence),
            cmocka_unit_test(test_notes),
            cmocka_unit_test(test_consents),
            cmocka_unit_test(test_contacts),
            cmocka_unit_test(test_contacts_by_name),
            cmocka_unit_test(test_warehouse_orders),
            cmocka_unit_test(test_restricted_customer),
            cmocka_unit_test(test_views_and_changes_audited),
            cmocka_unit_test(test_no_audit_no_data),
            cmocka_unit_test(test_find_by_number),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
