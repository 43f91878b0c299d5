/*
 * test_duplicates.c - the duplicate finder (duplicates.h) and the name
 * measure of the matcher (match.h), measured on the demo register.
 *
 * Quality. A demo register of 3000 customers gets 500 deliberately
 * injected near-duplicates of customers picked at random (seeded), each
 * written as the forms would store it (values through the validators), in
 * six kinds: a name with one typo and nothing else in common but the
 * postal code; the e-mail typed in another case by someone who moved; the
 * phone typed in another format by someone who moved; the same
 * henkilötunnus or Y-tunnus under a reworded name at another address;
 * the name in another word order, case and without accents; the same
 * name with the e-mail's case and the phone's format changed. A typo is a
 * letter changed, deleted, inserted or swapped with its neighbour, at a
 * random place of the name (a legal form such as "Oy" included).
 * rk_duplicates_scan then runs over the 3500, and every pair it lists is
 * scored: an injected pair is a true positive, any other pair (the demo's
 * own namesakes included) a false positive. Recall and precision are
 * printed, per kind too, and the test fails below 0.95 for either.
 *
 * The name measure alone: for 500 customers, a probe with their name
 * with one typo and their postal code (should find them), and a probe
 * with the name with one typo in a postal code where they do not live
 * (should find nobody); precision and recall of rk_match_find's name
 * match are printed, and precision must be at least 0.95 as well.
 *
 * Policy and audit: customers created through the form's path (e-mail
 * in another case, phone in another format); only the supervisor may
 * list duplicates; the refusal and the look are both in the audit trail,
 * the look with one row per customer in a listed pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "match.h"
#include "rekisteri/customer.h"
#include "rekisteri/demo.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/register.h"
#include "rekisteri/validate.h"
#include "testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE     3000
#define INJECTED 500
#define DUP_ID0  100000 /* ids of the injected customers start here */
#define TARGET   0.95

static struct rk_config cfg;
static struct rk_register *reg;
static sqlite3 *db;
static uint64_t rng_state;

static uint64_t rnd(void)
{
        uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
}

static int below(int n)
{
        return (int)(rnd() % (uint64_t)n);
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("r.db"), "admin", "kolme iloista kalaa", NULL,
                          NULL);
        db = rk_register_db(reg);
        struct rk_demo_options opt = {.customers = BASE, .seed = 15};
        tu_must(rk_demo_generate(db, &opt, NULL, NULL, &err), &err);
        rng_state = 20261205;
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

/* ---- typing mistakes ------------------------------------------------------ */

/* One typo at a random ASCII letter of s (in place; s has room for one
 * more byte). */
static void typo(char *s)
{
        size_t n = strlen(s), at[256], k = 0;
        for (size_t i = 0; i < n && k < 256; i++)
                if (isalpha((unsigned char)s[i]))
                        at[k++] = i;
        if (k == 0)
                return;
        size_t i = at[below((int)k)];
        char c = (char)('a' + below(26));
        switch (below(4)) {
        case 0: /* a letter changed */
                s[i] = s[i] == c ? (char)('a' + (c - 'a' + 1) % 26) : c;
                break;
        case 1: /* a letter missed */
                memmove(s + i, s + i + 1, n - i);
                break;
        case 2: /* a letter too many */
                memmove(s + i + 1, s + i, n - i + 1);
                s[i] = c;
                break;
        default: /* two letters swapped, or changed at the end */
                if (i + 1 < n && isalpha((unsigned char)s[i + 1]) && s[i] != s[i + 1]) {
                        char t = s[i];
                        s[i] = s[i + 1];
                        s[i + 1] = t;
                } else {
                        s[i] = s[i] == c ? (char)('a' + (c - 'a' + 1) % 26) : c;
                }
        }
}

/* "Aino Hämäläinen" -> "HAMALAINEN AINO": last word first, upper case,
 * the Finnish and Swedish accents dropped. */
static void reformat(const char *in, char *out, size_t size)
{
        char tmp[256] = "";
        const char *sp = strrchr(in, ' ');
        if (sp)
                snprintf(tmp, sizeof(tmp), "%s %.*s", sp + 1, (int)(sp - in), in);
        else
                snprintf(tmp, sizeof(tmp), "%s", in);
        size_t o = 0;
        for (size_t i = 0; tmp[i] && o + 1 < size; i++) {
                unsigned char c = (unsigned char)tmp[i];
                if (c == 0xC3 && tmp[i + 1]) { /* ä ö å Ä Ö Å */
                        unsigned char d = (unsigned char)tmp[++i];
                        out[o++] = (d == 0xA4 || d == 0x84 || d == 0xA5 || d == 0x85)
                                       ? 'A'
                                       : 'O';
                } else {
                        out[o++] = (char)toupper(c);
                }
        }
        out[o] = '\0';
}

/* E-mail as someone else typed it: the local part's case flipped here
 * and there, the domain in capitals (the validator lowers it again). */
static void email_case(const char *in, char *out, size_t size)
{
        char tmp[RK_EMAIL_MAX];
        snprintf(tmp, sizeof(tmp), "%s", in);
        for (size_t i = 0; tmp[i]; i++)
                tmp[i] = (char)(i % 2 == 0 || strchr(tmp, '@') < tmp + i
                                    ? toupper((unsigned char)tmp[i])
                                    : tmp[i]);
        tu_must(rk_validate_email(tmp, out, size, NULL), NULL);
}

/* "+358401234567" typed as "040-123 4567" and stored as the form stores it. */
static void phone_format(const char *e164, char *out, size_t size)
{
        char typed[40];
        size_t n = strlen(e164);
        assert_true(n > 7 && strncmp(e164, "+358", 4) == 0);
        snprintf(typed, sizeof(typed), "0%.2s-%.3s %s", e164 + 4, e164 + 6, e164 + 9);
        tu_must(rk_validate_phone(typed, out, size, NULL), NULL);
        assert_string_equal(out, e164);
}

/* ---- the register --------------------------------------------------------- */

struct cust {
        int64_t id;
        char number[16], kind[8], name[256], email[RK_EMAIL_MAX], phone[RK_PHONE_MAX];
        char postal[16], hetu[RK_HETU_MAX], bid[RK_YTUNNUS_MAX];
};

static void text_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
        const char *s = (const char *)sqlite3_column_text(st, i);
        snprintf(out, size, "%s", s ? s : "");
}

static void load(int64_t id, struct cust *c)
{
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT number, kind, name, email, phone,"
                                            " postal_code, hetu, business_id FROM "
                                            "customers WHERE id = ?1",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        c->id = id;
        text_col(st, 0, c->number, sizeof(c->number));
        text_col(st, 1, c->kind, sizeof(c->kind));
        text_col(st, 2, c->name, sizeof(c->name));
        text_col(st, 3, c->email, sizeof(c->email));
        text_col(st, 4, c->phone, sizeof(c->phone));
        text_col(st, 5, c->postal, sizeof(c->postal));
        text_col(st, 6, c->hetu, sizeof(c->hetu));
        text_col(st, 7, c->bid, sizeof(c->bid));
        sqlite3_finalize(st);
}

static void bind_or_null(sqlite3_stmt *st, int i, const char *s)
{
        if (s[0])
                sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
        else
                sqlite3_bind_null(st, i);
}

static void insert(const struct cust *c)
{
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(
                             db,
                             "INSERT INTO customers(id, number, kind, name, email, phone,"
                             " postal_code, hetu, business_id, created_at, updated_at)"
                             " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)",
                             -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, c->id);
        sqlite3_bind_text(st, 2, c->number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC);
        bind_or_null(st, 5, c->email);
        bind_or_null(st, 6, c->phone);
        bind_or_null(st, 7, c->postal);
        bind_or_null(st, 8, c->hetu);
        bind_or_null(st, 9, c->bid);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
}

/* A postal code of the demo register other than not. */
static void other_postal(const char * not, char *out, size_t size)
{
        sqlite3_stmt *st;
        assert_int_equal(
            sqlite3_prepare_v2(db,
                               "SELECT postal_code FROM customers WHERE"
                               " postal_code IS NOT NULL AND postal_code != ?1"
                               " ORDER BY id LIMIT 1 OFFSET ?2",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, not, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, below(BASE / 2));
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        text_col(st, 0, out, size);
        sqlite3_finalize(st);
}

/* ---- injecting ------------------------------------------------------------ */

enum kind { NAME_TYPO, EMAIL_CASE, PHONE_FORMAT, SAME_ID, NAME_FORMAT, SAME_NAME, KINDS };

static const char *const kind_names[KINDS] = {"name typo, same postal code only",
                                              "e-mail case, moved",
                                              "phone format, moved",
                                              "same hetu/Y-tunnus, reworded, moved",
                                              "name order/case/accents",
                                              "e-mail case and phone format"};

/* The near-duplicate d of original o, of kind k. */
static void make_dup(const struct cust *o, enum kind k, int64_t id, struct cust *d)
{
        memset(d, 0, sizeof(*d));
        d->id = id;
        snprintf(d->number, sizeof(d->number), "D%06lld", (long long)id);
        snprintf(d->kind, sizeof(d->kind), "%s", o->kind);
        snprintf(d->name, sizeof(d->name), "%s", o->name);
        snprintf(d->postal, sizeof(d->postal), "%s", o->postal);
        switch (k) {
        case NAME_TYPO:
                typo(d->name);
                break;
        case EMAIL_CASE:
                typo(d->name);
                email_case(o->email, d->email, sizeof(d->email));
                other_postal(o->postal, d->postal, sizeof(d->postal));
                break;
        case PHONE_FORMAT:
                typo(d->name);
                phone_format(o->phone, d->phone, sizeof(d->phone));
                other_postal(o->postal, d->postal, sizeof(d->postal));
                break;
        case SAME_ID:
                reformat(o->name, d->name, sizeof(d->name));
                typo(d->name);
                snprintf(d->hetu, sizeof(d->hetu), "%s", o->hetu);
                snprintf(d->bid, sizeof(d->bid), "%s", o->bid);
                other_postal(o->postal, d->postal, sizeof(d->postal));
                break;
        case NAME_FORMAT:
                reformat(o->name, d->name, sizeof(d->name));
                break;
        default:
                email_case(o->email, d->email, sizeof(d->email));
                phone_format(o->phone, d->phone, sizeof(d->phone));
                break;
        }
}

/* Inject INJECTED near-duplicates; orig[i] is the id duplicated by
 * DUP_ID0 + i, kinds[i] its kind. */
static void inject(int64_t *orig, enum kind *kinds)
{
        char *taken = calloc(BASE + 1, 1);
        assert_non_null(taken);
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        for (int i = 0; i < INJECTED; i++) {
                struct cust o, d;
                int64_t id;
                do
                        id = 1 + below(BASE);
                while (taken[id] || id == 666);
                taken[id] = 1;
                load(id, &o);
                enum kind k = (enum kind)(i % KINDS);
                if (k == SAME_ID && !o.hetu[0] && !o.bid[0])
                        k = EMAIL_CASE; /* 30 % of the demo's people have no hetu */
                make_dup(&o, k, DUP_ID0 + i, &d);
                insert(&d);
                orig[i] = id;
                kinds[i] = k;
        }
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        free(taken);
}

/* ---- measuring ------------------------------------------------------------ */

static void test_recall_precision(void **state)
{
        (void)state;
        int64_t orig[INJECTED];
        enum kind kinds[INJECTED];
        int found[INJECTED] = {0}, per_kind[KINDS] = {0}, per_kind_found[KINDS] = {0};
        int per_reason[RK_MATCH_SIMILAR_NAME + 1] = {0};
        struct rk_duplicate_list l;
        struct rk_error err;
        struct rk_duplicate_options opt = {.include_restricted = true};
        inject(orig, kinds);
        tu_must(rk_duplicates_scan(db, &opt, &l, &err), &err);
        assert_int_equal(l.customers, BASE + INJECTED);
        size_t tp = 0, fp = 0;
        for (size_t i = 0; i < l.n; i++) {
                const struct rk_duplicate *p = &l.pairs[i];
                int64_t k = p->id[1] - DUP_ID0;
                assert_true(p->id[0] < p->id[1]);
                assert_true(p->score > 0 && p->score <= 100);
                if (k >= 0 && k < INJECTED && orig[k] == p->id[0]) {
                        tp++;
                        found[k] = 1;
                        per_reason[p->reason]++;
                } else {
                        fp++;
                        print_message("false positive: %s %s %s %d\n", p->number[0],
                                      p->number[1], rk_match_reason_id(p->reason),
                                      p->score);
                }
        }
        for (int i = 0; i < INJECTED; i++) {
                per_kind[kinds[i]]++;
                per_kind_found[kinds[i]] += found[i];
                if (!found[i]) {
                        struct cust o, d;
                        load(orig[i], &o);
                        load(DUP_ID0 + i, &d);
                        print_message("missed (%s): \"%s\" and \"%s\"\n",
                                      kind_names[kinds[i]], o.name, d.name);
                }
        }
        double recall = (double)tp / INJECTED;
        double precision = l.n ? (double)tp / (double)l.n : 0;
        print_message("duplicates: %d customers, %d injected near-duplicates\n", BASE,
                      INJECTED);
        for (int k = 0; k < KINDS; k++)
                print_message("  %-38s found %3d of %3d\n", kind_names[k],
                              per_kind_found[k], per_kind[k]);
        for (int r = RK_MATCH_BUSINESS_ID; r <= RK_MATCH_SIMILAR_NAME; r++)
                print_message("  found by %-14s %3d\n",
                              rk_match_reason_id((enum rk_match_reason)r), per_reason[r]);
        print_message("duplicates: %zu pairs listed, %zu true, %zu false; "
                      "recall %.3f, precision %.3f (target %.2f)\n",
                      l.n, tp, fp, recall, precision, TARGET);
        rk_duplicate_list_free(&l);
        assert_true(recall >= TARGET);
        assert_true(precision >= TARGET);
}

/* The name measure alone, through a matcher (as the import asks). */
static void test_name_precision(void **state)
{
        (void)state;
        int right = 0, wrong = 0, stray = 0, tried = 0;
        struct rk_matcher *m = NULL;
        struct rk_error merr;
        tu_must(rk_matcher_open(db, &m, &merr), &merr);
        for (int i = 0; i < INJECTED; i++) {
                struct cust o;
                struct rk_match_hit hit;
                struct rk_error err;
                int64_t id = 1 + below(BASE);
                if (id == 666)
                        continue;
                load(id, &o);
                char name[260], elsewhere[16];
                snprintf(name, sizeof(name), "%s", o.name);
                typo(name);
                struct rk_match_probe p = {
                    .kind = o.kind, .name = name, .postal_code = o.postal};
                tu_must(rk_matcher_find(m, &p, &hit, &err), &err);
                tried++;
                if (hit.customer_id == id)
                        right++;
                else if (hit.reason != RK_MATCH_NONE)
                        wrong++;
                else
                        print_message("name probe missed: \"%s\" as \"%s\"\n", o.name,
                                      name);
                other_postal(o.postal, elsewhere, sizeof(elsewhere));
                p.postal_code = elsewhere;
                tu_must(rk_matcher_find(m, &p, &hit, &err), &err);
                if (hit.reason != RK_MATCH_NONE)
                        stray++;
        }
        rk_matcher_close(m);
        double precision = (double)right / (double)(right + wrong + stray);
        double recall = (double)right / (double)tried;
        print_message("name match: %d probes with one typo: %d found the customer, "
                      "%d another; %d probes elsewhere found %d; "
                      "precision %.3f, recall %.3f\n",
                      tried, right, wrong, tried, stray, precision, recall);
        assert_true(precision >= TARGET);
}

/* A switchboard number shared by more customers than a block pairs: the
 * block is counted, not paired; pairs beside it are still found, one of
 * them a company stored once by Y-tunnus and once by VAT number. */
static void test_crowded(void **state)
{
        (void)state;
        struct rk_duplicate_list l;
        struct rk_error err;
        char sql[256];
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("c.db"), "admin", "kolme iloista kalaa", NULL,
                          NULL);
        db = rk_register_db(reg);
        for (int i = 1; i <= RK_DUP_CROWD + 1; i++) {
                snprintf(
                    sql, sizeof(sql),
                    "INSERT INTO customers(id, number, kind, name, phone, created_at,"
                    " updated_at) VALUES (%d, 'C%06d', 'company', 'Firma %c%c Oy',"
                    " '+35891234567', 0, 0)",
                    i, i, 'a' + i % 26, 'a' + i / 26);
                assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        }
        assert_int_equal(
            sqlite3_exec(db,
                         "INSERT INTO customers(id, number, kind, name, email,"
                         " created_at, updated_at) VALUES"
                         " (50, 'C000050', 'person', 'Anna A', 'a@example.fi',"
                         " 0, 0), (51, 'C000051', 'person', 'Bertta B',"
                         " 'A@EXAMPLE.FI', 0, 0)",
                         NULL, NULL, NULL),
            SQLITE_OK);
        /* one company by its Y-tunnus, the same by its VAT number */
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO customers(id, number, kind, name,"
                                      " business_id, created_at, updated_at) VALUES"
                                      " (60, 'C000060', 'company', 'Puu Oy', '1572860-0',"
                                      " 0, 0), (61, 'C000061', 'company', 'Lauta Ab',"
                                      " 'FI15728600', 0, 0)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        tu_must(rk_duplicates_scan(db, NULL, &l, &err), &err);
        assert_int_equal(l.customers, RK_DUP_CROWD + 5);
        assert_int_equal(l.crowded, RK_DUP_CROWD + 1);
        assert_int_equal(l.n, 2);
        assert_string_equal(l.pairs[0].number[0], "C000060");
        assert_string_equal(rk_match_reason_id(l.pairs[0].reason), "business-id");
        assert_string_equal(l.pairs[1].number[0], "C000050");
        assert_string_equal(rk_match_reason_id(l.pairs[1].reason), "email");
        rk_duplicate_list_free(&l);
        rk_register_close(reg);
        tu_rmdir();
}

/* ---- policy and audit ----------------------------------------------------- */

static struct rk_session *team[2]; /* supervisor, sales */

static int setup_team(void **state)
{
        (void)state;
        static const char *const users[] = {"valvoja", "myyja"};
        static const char *const roles[] = {"supervisor", "sales"};
        tu_tmpdir();
        tu_fast_config(&cfg);
        tu_team(&cfg, tu_path("t.db"), users, roles, 2, team);
        return 0;
}

static int teardown_team(void **state)
{
        (void)state;
        tu_team_close(team, 2);
        tu_rmdir();
        return 0;
}

/* A customer created through the form's path (validators included). */
static int64_t create(const char *name, const char *email, const char *phone)
{
        struct rk_error err;
        int64_t id = 0;
        const struct rk_edit e[] = {{"name", name}, {"email", email}, {"phone", phone}};
        tu_must(rk_customer_create(team[0], e, 3, &id, NULL, &err), &err);
        return id;
}

/* Three customers and two pairs: a-b by e-mail, b-c by phone. */
static void three(int64_t *a, int64_t *b, int64_t *c)
{
        *a = create("Aino Virtanen", "aino@example.fi", "040 123 4567");
        *b = create("Veikko Lahti", "AINO@Example.FI", "+358 50 765 4321");
        *c = create("Kalle Koski", "kalle@example.fi", "050-765 4321");
}

/* The audit rows of action, as "subject:result" joined by spaces. */
static const char *audit_rows(const char *action)
{
        static char out[256];
        sqlite3_stmt *st;
        out[0] = '\0';
        sqlite3 *h = rk_register_db(rk_session_register(team[0]));
        assert_int_equal(
            sqlite3_prepare_v2(h,
                               "SELECT subject, result, groups FROM audit_log"
                               " WHERE action = ?1 ORDER BY id",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                size_t n = strlen(out);
                snprintf(out + n, sizeof(out) - n, "%s%lld:%s:%s", n ? " " : "",
                         (long long)sqlite3_column_int64(st, 0),
                         (const char *)sqlite3_column_text(st, 1),
                         (const char *)sqlite3_column_text(st, 2));
        }
        sqlite3_finalize(st);
        return out;
}

static void test_supervisor_only_and_audited(void **state)
{
        (void)state;
        struct rk_duplicate_list l;
        struct rk_error err;
        char want[128];
        int64_t a, b, c;
        three(&a, &b, &c);
        assert_string_equal(audit_rows("duplicates.list"), "");
        /* sales may not look, and the refusal is in the trail */
        assert_int_equal(rk_duplicates_find(team[1], NULL, NULL, &l, &err),
                         RK_ERR_DENIED);
        assert_int_equal(l.n, 0);
        assert_non_null(strstr(err.msg, "supervisor"));
        assert_string_equal(audit_rows("duplicates.list"),
                            "0:denied:identity,contact,idcode");
        /* the supervisor sees both pairs: a-b by e-mail, b-c by phone */
        tu_must(rk_duplicates_find(team[0], NULL, NULL, &l, &err), &err);
        assert_int_equal(l.customers, 3);
        assert_int_equal(l.n, 2);
        assert_int_equal(l.pairs[0].id[0], a);
        assert_int_equal(l.pairs[0].id[1], b);
        assert_string_equal(rk_match_reason_id(l.pairs[0].reason), "email");
        assert_int_equal(l.pairs[1].id[0], b);
        assert_int_equal(l.pairs[1].id[1], c);
        assert_string_equal(rk_match_reason_id(l.pairs[1].reason), "phone");
        assert_true(l.pairs[0].score > l.pairs[1].score);
        rk_duplicate_list_free(&l);
        /* one row per customer in a listed pair, after the refusal */
        snprintf(want, sizeof(want),
                 "0:denied:identity,contact,idcode %lld:ok:identity,contact,idcode "
                 "%lld:ok:identity,contact,idcode %lld:ok:identity,contact,idcode",
                 (long long)a, (long long)b, (long long)c);
        assert_string_equal(audit_rows("duplicates.list"), want);
}

/* A screen's look (rk_duplicates_look) audits nothing until it shows a
 * pair, then the customers of the pairs shown, each pair once. */
static void test_look_audits_what_is_shown(void **state)
{
        (void)state;
        struct rk_duplicate_list l;
        struct rk_error err;
        char want[256];
        int64_t a, b, c;
        three(&a, &b, &c);
        assert_int_equal(rk_duplicates_look(team[1], NULL, NULL, &l, &err),
                         RK_ERR_DENIED);
        assert_string_equal(audit_rows("duplicates.list"),
                            "0:denied:identity,contact,idcode");
        tu_must(rk_duplicates_look(team[0], NULL, NULL, &l, &err), &err);
        assert_int_equal(l.n, 2);
        assert_string_equal(audit_rows("duplicates.list"),
                            "0:denied:identity,contact,idcode");
        /* the first pair (a-b) is shown: its two customers, once */
        tu_must(rk_duplicates_show(team[0], &l, 0, 1, &err), &err);
        tu_must(rk_duplicates_show(team[0], &l, 0, 1, &err), &err);
        snprintf(want, sizeof(want),
                 "0:denied:identity,contact,idcode %lld:ok:identity,contact,idcode "
                 "%lld:ok:identity,contact,idcode",
                 (long long)a, (long long)b);
        assert_string_equal(audit_rows("duplicates.list"), want);
        /* a window past the end is clamped: the second pair (b-c) */
        tu_must(rk_duplicates_show(team[0], &l, 0, 40, &err), &err);
        size_t n = strlen(want);
        snprintf(want + n, sizeof(want) - n,
                 " %lld:ok:identity,contact,idcode %lld:ok:identity,contact,idcode",
                 (long long)b, (long long)c);
        assert_string_equal(audit_rows("duplicates.list"), want);
        rk_duplicate_list_free(&l);
        /* a list from the scan alone belongs to no session: refused */
        struct rk_duplicate_options opt = {.include_restricted = true};
        tu_must(rk_duplicates_scan(rk_register_db(rk_session_register(team[0])), &opt, &l,
                                   &err),
                &err);
        assert_int_equal(rk_duplicates_show(team[0], &l, 0, 1, &err), RK_ERR_INVALID);
        rk_duplicate_list_free(&l);
        assert_string_equal(audit_rows("duplicates.list"), want);
}

/* Counts the progress calls; asks to stop at the call numbered stop_at. */
struct stopper {
        int calls, stop_at;
};

static int stop_on(void *ctx, int64_t done, int64_t total)
{
        struct stopper *st = ctx;
        assert_true(done <= total);
        return ++st->calls == st->stop_at;
}

/* A person who presses Esc stops the look at the next progress call: the
 * look fails with RK_ERR_STOPPED, lists nothing and audits nothing; each
 * step of the scan gives that chance (the last call comes after pairing). */
static void test_look_stops_when_asked(void **state)
{
        (void)state;
        struct rk_duplicate_list l;
        struct rk_error err;
        int64_t a, b, c;
        three(&a, &b, &c);
        struct stopper count = {0, 0};
        tu_must(rk_duplicates_look(team[0], stop_on, &count, &l, &err), &err);
        assert_int_equal(l.n, 2);
        assert_true(count.calls >= 3);
        rk_duplicate_list_free(&l);
        for (int at = 1; at <= count.calls; at++) {
                struct stopper st = {0, at};
                assert_int_equal(rk_duplicates_look(team[0], stop_on, &st, &l, &err),
                                 RK_ERR_STOPPED);
                assert_int_equal(st.calls, at);
                assert_int_equal(l.n, 0);
                assert_null(l.pairs);
                rk_duplicate_list_free(&l);
        }
        assert_string_equal(audit_rows("duplicates.list"), "");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_recall_precision, setup, teardown),
            cmocka_unit_test_setup_teardown(test_name_precision, setup, teardown),
            cmocka_unit_test(test_crowded),
            cmocka_unit_test_setup_teardown(test_supervisor_only_and_audited, setup_team,
                                            teardown_team),
            cmocka_unit_test_setup_teardown(test_look_stops_when_asked, setup_team,
                                            teardown_team),
            cmocka_unit_test_setup_teardown(test_look_audits_what_is_shown, setup_team,
                                            teardown_team),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
