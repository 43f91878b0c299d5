/*
 * cmd_customer.c - `rekisteri customer ...`: adding a customer, searching
 * and showing one, over the same core calls as the customer screens. The
 * search query comes on standard input (a phone number or a name is
 * personal data, and argv is visible to every user of the machine). `customer show`
 * is a read like any other: the core records it in the audit trail (the
 * field groups the role read) before anything is printed, and every value
 * is sanitised for the terminal.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "fields_in.h"
#include "rekisteri/audit_report.h"
#include "rekisteri/customer.h"
#include "rekisteri/i18n.h"
#include "rekisteri/search.h"
#include "rekisteri/secret.h"
#include "rekisteri/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What `customer add` asks on a terminal: column, question. */
static const char *const add_prompts[] = {
    "name",        N_("Name"),
    "kind",        N_("Type (person or company; empty: person)"),
    "email",       N_("E-mail (empty: none)"),
    "phone",       N_("Phone (empty: none)"),
    "street",      N_("Street address (empty: none)"),
    "postal_code", N_("Postal code (empty: none)"),
    "city",        N_("City (empty: none)"),
    NULL,
};

/*
 * A person erased on request earlier is not created again silently (as the
 * form asks and an import wants a confirmed row): without --yes the add is
 * refused, never saying which value matched. The check itself is audited
 * (customer.suppressed) by the core.
 */
static int refuse_suppressed(const struct cli *c, struct rk_session *s,
                             const struct cli_fields *f, struct rk_error *err)
{
        bool hit = false;
        int rc =
            rk_customer_check_suppressed(s, RK_REC_CUSTOMER, f->edits, f->n, &hit, err);
        if (rc != RK_OK || !hit || c->yes)
                return rc;
        return rk_error_set(err, RK_ERR_CONFIRM,
                            _("This person was erased on request earlier (matching "
                              "e-mail, phone or identity code); nothing was added. Run "
                              "again with --yes to create the customer anyway."));
}

/*
 * The fields come from standard input as field=value lines (any column of
 * a customer: name, email, phone, street, ...), or are asked for on a
 * terminal; never from argv, where ps and shell history would show them.
 * The old --name/--email/--phone forms are not declared (commands.c), so
 * the option check refuses them and prints the usage, which shows the
 * new form.
 */
int cmd_customer_add(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct cli_fields f = {0};
        char number[RK_CUSTOMER_NUMBER_SIZE] = "";
        int64_t id = 0;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = cli_fields_read(&f, add_prompts, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:customer add");
                rc = refuse_suppressed(c, s, &f, &err);
        }
        if (rc == RK_OK)
                rc = rk_customer_create(s, f.edits, f.n, &id, number, &err);
        cli_fields_free(&f);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        printf(_("Customer %s (id %" PRId64 ") added.\n"), number, id);
        return EXIT_OK;
}

/* The label column of `customer show`: as wide as the widest label the
 * session reads in the language of the messages ("Y-tunnus /
 * ALV-tunniste"), at least LABEL_MIN, so the values form one column. */
#define LABEL_MIN 22

/* One "Label  value" line, the label in `width` columns, the value
 * sanitised; "-" when empty. */
static void print_field(const struct rk_value *v, int width)
{
        const char *kind = strcmp(v->field->column, "kind") == 0
                               ? rk_customer_kind_label(v->value)
                               : NULL;
        const char *text = kind                                      ? kind
                           : v->value != NULL && v->value[0] != '\0' ? v->value
                                                                     : "-";
        cli_print_cell(_(v->field->label), width, false, " ");
        printf("%s\n",
               v->field->validator == RK_V_DATE ? cli_date(text) : cli_safe(text));
}

int cmd_customer_show(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_customer_view v = {0};
        int64_t id = 0;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:customer show");
                rc = rk_customer_find(s, c->words[0], &id, &err);
        }
        if (rc == RK_OK)
                rc = rk_customer_load(s, id, RK_GROUPS_ALL, &v, &err);
        if (rc == RK_OK) /* merge.h: the old number finds the survivor */
                cli_note_merged(c->words[0], v.number);
        if (rc == RK_OK) {
                int width =
                    rk_fields_label_cols(RK_REC_CUSTOMER, rk_session_grants(s)->read);
                width = width > LABEL_MIN ? width : LABEL_MIN;
                printf(_("Customer %s (id %" PRId64 ")\n"), cli_safe(v.number), v.id);
                for (size_t i = 0; i < v.main.n; i++)
                        print_field(&v.main.values[i], width);
        }
        rk_customer_view_clear(&v);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

/* One hit: number, name and city as the role may read them, sanitised. */
static void print_hit(const struct rk_search_hit *h)
{
        char *name = h->name ? rk_text_sanitize(h->name, strlen(h->name)) : NULL;
        char *city = h->city ? rk_text_sanitize(h->city, strlen(h->city)) : NULL;
        printf("%-8s %-40s %s\n", h->number, name ? name : "", city ? city : "");
        free(name);
        free(city);
}

int cmd_customer_search(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_search_hit *hits = NULL;
        size_t n = 0, len = 0;
        char *query = NULL;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:customer search");
                rc = rk_secret_read_line(stdin, 1024, &query, &len);
                if (rc != RK_OK)
                        rc = rk_error_set(&err, rc,
                                          "expected the query on standard input");
        }
        if (rc == RK_OK)
                rc = rk_customer_search(s, query, 100, &hits, &n, &err);
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                print_hit(&hits[i]);
        if (rc == RK_OK)
                fprintf(stderr,
                        ngettext("%zu customer found.\n", "%zu customers found.\n",
                                 (unsigned long)n),
                        n);
        rk_search_free(hits, n);
        rk_secret_free(query);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
