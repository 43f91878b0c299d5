/*
 * demo_gen.c - writing the demo customers (rk_demo_generate, see demo.h).
 *
 * Customer i is built in a struct from the seeded generator, then written
 * with its contact persons, orders and lines, notes and consents through
 * prepared statements whose text buffers live in that struct (bound
 * SQLITE_STATIC). Every draw comes from one generator in a fixed order, so
 * a seed and a count always give the same rows. Rows go in with explicit
 * ids in ascending order, in transactions of BATCH customers, which keeps
 * the b-trees appending and the WAL bounded. The product catalogue comes
 * first, one product per demo product name, and every order line copies
 * its product's code, name, price and VAT rate as a real order would.
 */
#include "rekisteri/i18n.h"
#include "rekisteri/demo.h"
#include "rekisteri/search.h"
#include "demo_data.h"
#include "sql.h"

#include <stdio.h>
#include <string.h>

#define BATCH      10000
#define MAX_ORDERS 12
#define WHAT       N_("writing demo data")

enum {
        ST_CUSTOMER,
        ST_CONTACT,
        ST_ORDER,
        ST_LINE,
        ST_NOTE,
        ST_CONSENT,
        ST_PRODUCT,
        ST_RESTRICTION,
        ST_RESTRICTED,
        ST_RESTRICTS,
        ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    "INSERT INTO customers(id, number, kind, name, last_activity, email, phone, street,"
    " postal_code, city, country, delivery_street, delivery_postal_code, delivery_city,"
    " delivery_country, business_id, billing_street, billing_postal_code, billing_city,"
    " billing_country, invoice_email, payment_terms_days, bank_reference, hetu, "
    "restricted,"
    " created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'FI', ?11,"
    " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?25)",
    "INSERT INTO contact_persons(customer_id, name, title, email, phone)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO orders(id, customer_id, number, ordered_on, status)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO order_lines(order_id, product_code, product, quantity, unit,"
    " unit_price_cents, vat_rate_bp) VALUES(?1, ?2, ?3, ?4, 'kpl', ?5, ?6)",
    "INSERT INTO notes(customer_id, created_at, author, body) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO consents(customer_id, purpose, given_on, source, withdrawn_on)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO products(code, name, unit, unit_price_cents, vat_rate_bp, active,"
    " created_at, updated_at) VALUES(?1, ?2, 'kpl', ?3, ?4, ?5, 0, 0)",
    /* a restricted customer's restriction request, carried out and still
     * open, so the product's own flow (the dashboard's Lift) can lift it */
    "INSERT INTO dsr_requests(type, status, received_on, due_on, handler, verification,"
    " created_at, executed_at) VALUES('restriction', 'executed', date('now', '-20 days'),"
    " date('now', '-20 days', '+1 month'), 'supervisor',"
    " 'identity checked at the office (demo data)', strftime('%s', 'now') - 1728000,"
    " strftime('%s', 'now') - 1641600)",
    "INSERT INTO dsr_subjects(request_id, kind, record_id, customer_id, customer_number)"
    " VALUES(last_insert_rowid(), 'customer', ?1, ?1, ?2)",
    /* the restriction that request made (dsr_db.h: one per request) */
    "INSERT INTO restrictions(customer_id, request_id)"
    " SELECT ?1, max(id) FROM dsr_requests",
};

/* An address: street, postal code, city. */
struct addr {
        char street[128], postal[8], city[64];
};

/* One customer while it is being built; "" means NULL. */
struct cust {
        int64_t id, created_day, orders[MAX_ORDERS];
        int company, swedish, norders, terms, restricted;
        char number[24], name[256], first[64], last[64], domain[160];
        char email[200], phone[20], invoice_email[200], business_id[12];
        char reference[24], hetu[12], last_activity[11];
        struct addr home, delivery, billing;
};

struct gen {
        sqlite3 *db;
        sqlite3_stmt *st[ST_COUNT];
        struct rk_demo_rng rng;
        struct rk_demo_lists l;
        int64_t n, order_id, first_day, last_day, open_day;
};

/* ---- building a customer ---------------------------------------------- */

static void make_addr(struct gen *g, struct addr *a, int flat)
{
        const char *pc = rk_demo_pick(&g->l.postal, &g->rng);
        snprintf(a->postal, sizeof(a->postal), "%.5s", pc);
        snprintf(a->city, sizeof(a->city), "%s", strlen(pc) > 6 ? pc + 6 : "");
        int number = (int)rk_demo_rng_range(&g->rng, 1, 80);
        if (flat)
                snprintf(a->street, sizeof(a->street), "%s %d %c %d",
                         rk_demo_pick(&g->l.streets, &g->rng), number,
                         'A' + (int)rk_demo_rng_below(&g->rng, 4),
                         (int)rk_demo_rng_range(&g->rng, 1, 60));
        else
                snprintf(a->street, sizeof(a->street), "%s %d",
                         rk_demo_pick(&g->l.streets, &g->rng), number);
}

static void make_person_name(struct gen *g, struct cust *c)
{
        const struct rk_demo_words *first = c->swedish ? &g->l.first_sv : &g->l.first_fi;
        const struct rk_demo_words *last = c->swedish ? &g->l.last_sv : &g->l.last_fi;
        snprintf(c->first, sizeof(c->first), "%s", rk_demo_pick(first, &g->rng));
        snprintf(c->last, sizeof(c->last), "%s", rk_demo_pick(last, &g->rng));
        if (c->id == 1) { /* fixed showcase customers, see demo.h */
                snprintf(c->first, sizeof(c->first), "Aino");
                snprintf(c->last, sizeof(c->last), "Hämäläinen");
        } else if (c->id == 2) {
                snprintf(c->first, sizeof(c->first), "Erik");
                snprintf(c->last, sizeof(c->last), "Åström");
        }
        snprintf(c->name, sizeof(c->name), "%s %s", c->first, c->last);
}

/* "first.last" in ASCII, for e-mail addresses. */
static void mailbox(const char *first, const char *last, char *out, size_t size)
{
        char a[64], b[64];
        rk_demo_ascii(first, a, sizeof(a));
        rk_demo_ascii(last, b, sizeof(b));
        snprintf(out, size, "%s.%s", a, b);
}

static void make_person(struct gen *g, struct cust *c)
{
        static const char *const domains[] = {"example.com", "example.net",
                                              "example.org"};
        char box[130];
        make_person_name(g, c);
        mailbox(c->first, c->last, box, sizeof(box));
        if (rk_demo_rng_chance(&g->rng, 40))
                snprintf(c->email, sizeof(c->email), "%s%d@%s", box,
                         (int)rk_demo_rng_range(&g->rng, 1, 99),
                         domains[rk_demo_rng_below(&g->rng, 3)]);
        else
                snprintf(c->email, sizeof(c->email), "%s@%s", box,
                         domains[rk_demo_rng_below(&g->rng, 3)]);
        rk_demo_phone(&g->rng, 1, c->phone);
        make_addr(g, &c->home, rk_demo_rng_chance(&g->rng, 50));
        c->terms = 14;
        if (rk_demo_rng_chance(&g->rng, 70))
                rk_demo_hetu(&g->rng, c->hetu);
}

static const char *company_form(struct gen *g, int swedish)
{
        static const char *const fi[] = {"Oy", "Oy", "Oy",  "Oy",   "Oy",
                                         "Oy", "Ky", "Tmi", "Oy Ab"};
        static const char *const sv[] = {"Ab", "Ab", "Oy Ab"};
        return swedish ? sv[rk_demo_rng_below(&g->rng, 3)]
                       : fi[rk_demo_rng_below(&g->rng, 9)];
}

static void make_company(struct gen *g, struct cust *c)
{
        static const int terms[] = {14, 30, 30, 45};
        const char *prefix = rk_demo_pick(&g->l.prefixes, &g->rng);
        const char *trade = rk_demo_pick(&g->l.trades, &g->rng);
        char a[64], b[64];
        snprintf(c->name, sizeof(c->name), "%s %s %s", prefix, trade,
                 company_form(g, c->swedish));
        rk_demo_ascii(prefix, a, sizeof(a));
        rk_demo_ascii(trade, b, sizeof(b));
        snprintf(c->domain, sizeof(c->domain), "%s-%s.example", a, b);
        snprintf(c->email, sizeof(c->email), "%s@%s",
                 c->swedish ? "info" : "asiakaspalvelu", c->domain);
        snprintf(c->invoice_email, sizeof(c->invoice_email), "%s@%s",
                 c->swedish ? "fakturor" : "laskut", c->domain);
        rk_demo_phone(&g->rng, 0, c->phone);
        make_addr(g, &c->home, 0);
        if (rk_demo_rng_chance(&g->rng, 30))
                make_addr(g, &c->delivery, 0);
        if (rk_demo_rng_chance(&g->rng, 40))
                make_addr(g, &c->billing, 0);
        rk_demo_ytunnus(&g->rng, c->business_id);
        c->terms = terms[rk_demo_rng_below(&g->rng, 4)];
}

/* The hostile record of demo.h: controls and a bidi override. */
static void make_adversarial(struct cust *c)
{
        snprintf(c->number, sizeof(c->number), "%s", RK_DEMO_ADVERSARIAL);
        snprintf(c->name, sizeof(c->name),
                 "Mallory \x1b]0;pwned\x07Testinen\x1b[2J\r\xe2\x80\xaeoY");
        snprintf(c->home.street, sizeof(c->home.street),
                 "Hyökkääjänkatu 6\x1b[2J\r\xe2\x80\xae 9");
        /* a real pair, in the city with the most customers, so the record
         * shows up in lists among others */
        snprintf(c->home.postal, sizeof(c->home.postal), "00100");
        snprintf(c->home.city, sizeof(c->home.city), "Helsinki");
}

/* Order dates, ascending, after the customer was created. */
static void make_order_dates(struct gen *g, struct cust *c)
{
        int max = c->company ? 6 : 2;
        c->norders = (int)rk_demo_rng_range(&g->rng, 0, max);
        int64_t from = c->created_day > g->first_day ? c->created_day : g->first_day;
        for (int k = 0; k < c->norders; k++)
                c->orders[k] = rk_demo_rng_range(&g->rng, from, g->last_day);
        for (int k = 1; k < c->norders; k++) /* insertion sort: at most 8 */
                for (int j = k; j > 0 && c->orders[j] < c->orders[j - 1]; j--) {
                        int64_t t = c->orders[j];
                        c->orders[j] = c->orders[j - 1];
                        c->orders[j - 1] = t;
                }
        rk_demo_date(c->norders ? c->orders[c->norders - 1] : c->created_day,
                     c->last_activity);
}

static void make_customer(struct gen *g, int64_t i, struct cust *c)
{
        memset(c, 0, sizeof(*c));
        c->id = i;
        snprintf(c->number, sizeof(c->number), "C%06lld", (long long)i);
        c->company = i > 2 && rk_demo_rng_chance(&g->rng, 25);
        c->swedish = i == 2 || (i > 2 && rk_demo_rng_chance(&g->rng, 15));
        if (c->company)
                make_company(g, c);
        else
                make_person(g, c);
        rk_demo_reference(1000 + i, c->reference);
        c->restricted = i > 2 && rk_demo_rng_below(&g->rng, 1000) < 3;
        c->created_day = rk_demo_rng_range(&g->rng, rk_demo_days(2015, 1, 1),
                                           rk_demo_days(2024, 12, 31));
        make_order_dates(g, c);
        if (i == (g->n >= 666 ? 666 : g->n))
                make_adversarial(c);
}

/* ---- writing ------------------------------------------------------------ */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
        if (s != NULL && s[0] != '\0')
                sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
        else
                sqlite3_bind_null(st, i);
}

static int run(struct gen *g, int which, struct rk_error *err)
{
        int src = sqlite3_step(g->st[which]);
        sqlite3_reset(g->st[which]);
        sqlite3_clear_bindings(g->st[which]);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(g->db, src, WHAT, err);
}

static void bind_addr(sqlite3_stmt *st, int first, const struct addr *a, int with_country)
{
        bind_text(st, first, a->street);
        bind_text(st, first + 1, a->postal);
        bind_text(st, first + 2, a->city);
        if (with_country)
                bind_text(st, first + 3, a->street[0] ? "FI" : NULL);
}

static int write_customer(struct gen *g, const struct cust *c, struct rk_error *err)
{
        sqlite3_stmt *st = g->st[ST_CUSTOMER];
        int64_t created =
            c->created_day * 86400 + rk_demo_rng_range(&g->rng, 28800, 61200);
        sqlite3_bind_int64(st, 1, c->id);
        bind_text(st, 2, c->number);
        bind_text(st, 3, c->company ? "company" : "person");
        bind_text(st, 4, c->name);
        bind_text(st, 5, c->last_activity);
        bind_text(st, 6, c->email);
        bind_text(st, 7, c->phone);
        bind_addr(st, 8, &c->home, 0);
        bind_addr(st, 11, &c->delivery, 1);
        bind_text(st, 15, c->business_id);
        bind_addr(st, 16, &c->billing, 1);
        bind_text(st, 20, c->invoice_email);
        sqlite3_bind_int(st, 21, c->terms);
        bind_text(st, 22, c->reference);
        bind_text(st, 23, c->hetu);
        sqlite3_bind_int(st, 24, c->restricted);
        sqlite3_bind_int64(st, 25, created);
        return run(g, ST_CUSTOMER, err);
}

static int write_contacts(struct gen *g, const struct cust *c, struct rk_error *err)
{
        int rc = RK_OK, n = c->company ? (int)rk_demo_rng_range(&g->rng, 1, 3) : 0;
        sqlite3_stmt *st = g->st[ST_CONTACT];
        for (int k = 0; rc == RK_OK && k < n; k++) {
                int sv = c->swedish || rk_demo_rng_chance(&g->rng, 10);
                const char *first =
                    rk_demo_pick(sv ? &g->l.first_sv : &g->l.first_fi, &g->rng);
                const char *last =
                    rk_demo_pick(sv ? &g->l.last_sv : &g->l.last_fi, &g->rng);
                char name[130], box[130], email[300], phone[20];
                snprintf(name, sizeof(name), "%s %s", first, last);
                mailbox(first, last, box, sizeof(box));
                snprintf(email, sizeof(email), "%s@%s", box, c->domain);
                rk_demo_phone(&g->rng, 1, phone);
                sqlite3_bind_int64(st, 1, c->id);
                bind_text(st, 2, name);
                bind_text(st, 3, rk_demo_pick(&g->l.titles, &g->rng));
                bind_text(st, 4, email);
                bind_text(st, 5, phone);
                rc = run(g, ST_CONTACT, err);
        }
        return rc;
}

static const char *order_status(struct gen *g, int64_t day)
{
        static const char *const open[] = {"open", "confirmed", "picked", "shipped"};
        if (day < g->open_day)
                return rk_demo_rng_chance(&g->rng, 4) ? "cancelled" : "delivered";
        return open[rk_demo_rng_below(&g->rng, 4)];
}

/* The catalogue entry of demo product p: code, price and VAT rate (most
 * at the general rate, some at the reduced ones). */
static void product_of(uint32_t p, char code[8], int64_t *price, int *vat)
{
        snprintf(code, 8, "P%04u", (unsigned)(p + 1) % 10000u);
        *price = 495 + (int64_t)(p * 7919 % 40000);
        *vat = p % 11 == 5 ? 1000 : p % 7 == 3 ? 1400 : 2550;
}

/* The catalogue: one product per demo product name; every tenth is no
 * longer sold. */
static int write_products(struct gen *g, struct rk_error *err)
{
        int rc = rk_sql_exec(g->db, "BEGIN IMMEDIATE", WHAT, err);
        sqlite3_stmt *st = g->st[ST_PRODUCT];
        for (uint32_t p = 0; rc == RK_OK && p < (uint32_t)g->l.products.n; p++) {
                char code[8];
                int64_t price;
                int vat;
                product_of(p, code, &price, &vat);
                bind_text(st, 1, code);
                bind_text(st, 2, g->l.products.w[p]);
                sqlite3_bind_int64(st, 3, price);
                sqlite3_bind_int(st, 4, vat);
                sqlite3_bind_int(st, 5, p % 10 == 9 ? 0 : 1);
                rc = run(g, ST_PRODUCT, err);
        }
        if (rc == RK_OK)
                rc = rk_sql_exec(g->db, "COMMIT", WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(g->db);
        return rc;
}

static int write_lines(struct gen *g, int64_t order_id, struct rk_error *err)
{
        int rc = RK_OK, n = (int)rk_demo_rng_range(&g->rng, 1, 3);
        sqlite3_stmt *st = g->st[ST_LINE];
        for (int k = 0; rc == RK_OK && k < n; k++) {
                uint32_t p = rk_demo_rng_below(&g->rng, (uint32_t)g->l.products.n);
                char code[8];
                int64_t price;
                int vat;
                product_of(p, code, &price, &vat);
                sqlite3_bind_int64(st, 1, order_id);
                bind_text(st, 2, code);
                bind_text(st, 3, g->l.products.w[p]);
                sqlite3_bind_int64(st, 4, rk_demo_rng_range(&g->rng, 1, 20));
                sqlite3_bind_int64(st, 5, price);
                sqlite3_bind_int(st, 6, vat);
                rc = run(g, ST_LINE, err);
        }
        return rc;
}

static int write_orders(struct gen *g, const struct cust *c, struct rk_error *err)
{
        int rc = RK_OK;
        sqlite3_stmt *st = g->st[ST_ORDER];
        for (int k = 0; rc == RK_OK && k < c->norders; k++) {
                char number[24], date[11];
                int64_t id = ++g->order_id;
                snprintf(number, sizeof(number), "O%08lld", (long long)id);
                rk_demo_date(c->orders[k], date);
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_int64(st, 2, c->id);
                bind_text(st, 3, number);
                bind_text(st, 4, date);
                bind_text(st, 5, order_status(g, c->orders[k]));
                rc = run(g, ST_ORDER, err);
                if (rc == RK_OK)
                        rc = write_lines(g, id, err);
        }
        return rc;
}

static int write_note(struct gen *g, const struct cust *c, const char *body,
                      struct rk_error *err)
{
        char when[24];
        sqlite3_stmt *st = g->st[ST_NOTE];
        rk_demo_date(rk_demo_rng_range(&g->rng, c->created_day, g->last_day), when);
        snprintf(when + 10, sizeof(when) - 10, " %02d:%02d",
                 (int)rk_demo_rng_range(&g->rng, 8, 16),
                 (int)rk_demo_rng_range(&g->rng, 0, 59));
        sqlite3_bind_int64(st, 1, c->id);
        bind_text(st, 2, when);
        bind_text(st, 3, "sales");
        bind_text(st, 4, body);
        return run(g, ST_NOTE, err);
}

static int write_notes(struct gen *g, const struct cust *c, struct rk_error *err)
{
        int rc = RK_OK;
        if (strcmp(c->number, RK_DEMO_ADVERSARIAL) == 0)
                rc = write_note(
                    g, c, "Soitti \x1b]0;pwned\x07 \x1b[2J\r\xe2\x80\xae ja lopetti.",
                    err);
        int n =
            rk_demo_rng_chance(&g->rng, 20) ? (int)rk_demo_rng_range(&g->rng, 1, 2) : 0;
        for (int k = 0; rc == RK_OK && k < n; k++)
                rc = write_note(g, c, rk_demo_pick(&g->l.notes, &g->rng), err);
        return rc;
}

static int write_consents(struct gen *g, const struct cust *c, struct rk_error *err)
{
        static const char *const purposes[] = {"newsletter", "offers", "events",
                                               "surveys"};
        static const char *const sources[] = {"verkkolomake", "myymälä", "puhelin",
                                              "messut"};
        int rc = RK_OK;
        if (c->company || !rk_demo_rng_chance(&g->rng, 30))
                return RK_OK;
        uint32_t first = rk_demo_rng_below(&g->rng, 4),
                 n = 1 + rk_demo_rng_below(&g->rng, 2);
        sqlite3_stmt *st = g->st[ST_CONSENT];
        for (uint32_t k = 0; rc == RK_OK && k < n; k++) {
                char given[11], withdrawn[11] = "";
                int64_t day = rk_demo_rng_range(&g->rng, c->created_day, g->last_day);
                rk_demo_date(day, given);
                if (rk_demo_rng_chance(&g->rng, 20))
                        rk_demo_date(rk_demo_rng_range(&g->rng, day, g->last_day),
                                     withdrawn);
                sqlite3_bind_int64(st, 1, c->id);
                bind_text(st, 2, purposes[(first + k) % 4]);
                bind_text(st, 3, given);
                bind_text(st, 4, sources[rk_demo_rng_below(&g->rng, 4)]);
                bind_text(st, 5, withdrawn);
                rc = run(g, ST_CONSENT, err);
        }
        return rc;
}

/* The request that restricted a restricted customer (Art. 18): the
 * restriction is lifted, as in real use, by closing it from the dashboard. */
static int write_restriction(struct gen *g, const struct cust *c, struct rk_error *err)
{
        if (!c->restricted)
                return RK_OK;
        int rc = run(g, ST_RESTRICTION, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(g->st[ST_RESTRICTED], 1, c->id);
        bind_text(g->st[ST_RESTRICTED], 2, c->number);
        rc = run(g, ST_RESTRICTED, err);
        if (rc == RK_OK)
                sqlite3_bind_int64(g->st[ST_RESTRICTS], 1, c->id);
        return rc == RK_OK ? run(g, ST_RESTRICTS, err) : rc;
}

static int write_one(struct gen *g, int64_t i, struct rk_error *err)
{
        struct cust c;
        make_customer(g, i, &c);
        int rc = write_customer(g, &c, err);
        if (rc == RK_OK)
                rc = write_contacts(g, &c, err);
        if (rc == RK_OK)
                rc = write_orders(g, &c, err);
        if (rc == RK_OK)
                rc = write_notes(g, &c, err);
        if (rc == RK_OK)
                rc = write_consents(g, &c, err);
        if (rc == RK_OK)
                rc = write_restriction(g, &c, err);
        return rc;
}

/* ---- the whole run ------------------------------------------------------ */

static int check_empty(sqlite3 *db, struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        int rc =
            rk_sql_prepare(db, "SELECT EXISTS(SELECT 1 FROM customers)", &st, WHAT, err);
        if (rc == RK_OK && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0))
                rc = rk_error_set(
                    err, RK_ERR_EXISTS,
                    "the register already has customers; demo data goes only "
                    "into an empty one");
        sqlite3_finalize(st);
        return rc;
}

static int write_batch(struct gen *g, int64_t from, int64_t to, struct rk_error *err)
{
        int rc = rk_sql_exec(g->db, "BEGIN IMMEDIATE", WHAT, err);
        for (int64_t i = from; rc == RK_OK && i <= to; i++)
                rc = write_one(g, i, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(g->db, "COMMIT", WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(g->db);
        return rc;
}

struct index_progress {
        rk_demo_progress fn;
        void *ctx;
};

static void on_index(void *ctx, int64_t done, int64_t total)
{
        struct index_progress *p = ctx;
        p->fn(p->ctx, "search index", done, total);
}

/*
 * For the bulk load: a page cache of 1 KiB per customer, at least the
 * configured one and at most 1 GiB, so index merges stay in memory; no
 * fsync per batch (a crash leaves a half-made demo, thrown away anyway);
 * no foreign-key checks (the generator writes parents first). on = 0
 * restores the cache size read before and the register's settings.
 */
static int bulk_settings(sqlite3 *db, int64_t customers, int on, long long *cache,
                         struct rk_error *err)
{
        char sql[128];
        sqlite3_stmt *st = NULL;
        if (on && rk_sql_prepare(db, "PRAGMA cache_size", &st, WHAT, err) == RK_OK &&
            sqlite3_step(st) == SQLITE_ROW)
                *cache = sqlite3_column_int64(st, 0); /* < 0: KiB, > 0: pages */
        sqlite3_finalize(st);
        long long kib = customers < 1024 * 1024 ? customers : 1024 * 1024;
        long long size = on ? (-kib < *cache ? -kib : *cache) : *cache;
        snprintf(sql, sizeof(sql),
                 "PRAGMA cache_size=%lld; PRAGMA synchronous=%s; PRAGMA foreign_keys=%s",
                 size, on ? "OFF" : "FULL", on ? "OFF" : "ON");
        return rk_sql_exec(db, sql, WHAT, err);
}

static int gen_open(struct gen *g, sqlite3 *db, const struct rk_demo_options *opt,
                    struct rk_error *err)
{
        memset(g, 0, sizeof(*g));
        g->db = db;
        g->n = opt->customers;
        g->first_day = rk_demo_days(2019, 1, 1);
        g->last_day = rk_demo_days(2025, 12, 31);
        g->open_day = rk_demo_days(2025, 12, 10);
        rk_demo_rng_seed(&g->rng, opt->seed);
        int rc = rk_demo_lists_load(&g->l, err);
        for (int k = 0; rc == RK_OK && k < ST_COUNT; k++)
                rc = rk_sql_prepare(db, stmt_sql[k], &g->st[k], WHAT, err);
        return rc;
}

static void gen_close(struct gen *g)
{
        for (int k = 0; k < ST_COUNT; k++)
                sqlite3_finalize(g->st[k]);
        rk_demo_lists_free(&g->l);
}

/* Write every batch of customers, handing each to the index build. */
static int write_all(struct gen *g, struct rk_search_build *build,
                     rk_demo_progress progress, void *ctx, struct rk_error *err)
{
        int rc = RK_OK;
        for (int64_t from = 1; rc == RK_OK && from <= g->n; from += BATCH) {
                int64_t to = from + BATCH - 1 < g->n ? from + BATCH - 1 : g->n;
                rc = write_batch(g, from, to, err);
                if (rc == RK_OK)
                        rc = rk_search_build_add(build, from, to, err);
                if (rc == RK_OK && progress != NULL)
                        progress(ctx, N_("customers"), to, g->n);
        }
        return rc;
}

int rk_demo_generate(sqlite3 *db, const struct rk_demo_options *opt,
                     rk_demo_progress progress, void *ctx, struct rk_error *err)
{
        struct gen g;
        struct rk_search_build *build = NULL;
        if (opt->customers < 1 || opt->customers > RK_DEMO_MAX_CUSTOMERS)
                return rk_error_set(err, RK_ERR_INVALID, "the demo has 1 to %d customers",
                                    RK_DEMO_MAX_CUSTOMERS);
        int rc = check_empty(db, err);
        if (rc != RK_OK)
                return rc;
        long long cache = -2048;
        rc = bulk_settings(db, opt->customers, 1, &cache, err);
        if (rc == RK_OK)
                rc = gen_open(&g, db, opt, err);
        if (rc == RK_OK)
                rc = write_products(&g, err);
        if (rc == RK_OK)
                rc = rk_search_build_start(db, &build, err);
        if (rc == RK_OK)
                rc = write_all(&g, build, progress, ctx, err);
        gen_close(&g);
        struct index_progress ip = {progress, ctx};
        if (rc == RK_OK)
                rc = rk_search_build_finish(build, db, progress ? on_index : NULL, &ip,
                                            err);
        else
                rk_search_build_abort(build);
        int rc2 = bulk_settings(db, opt->customers, 0, &cache, err);
        return rc != RK_OK ? rc : rc2;
}
