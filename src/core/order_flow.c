/*
 * order_flow.c - the statuses of an order and who may move it between
 * them (see orders.h, rk_order_set_status).
 *
 * How it works: `flow` is the one table of allowed moves; each row names
 * who may make it: sales-side steps need write on orders (sales, the
 * supervisor), the warehouse's steps (confirmed -> picked -> shipped)
 * need the picking action. A move is checked against the status stored
 * inside the write transaction (so two sessions cannot both move the same
 * order from the same status), written with the version check, and
 * audited in the same transaction with who and when.
 */
#include "order_db.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum who { BY_SALES, BY_WAREHOUSE };

static const struct {
        const char *from, *to;
        enum who who;
} flow[] = {
    {"open", "confirmed", BY_SALES},       {"open", "cancelled", BY_SALES},
    {"confirmed", "open", BY_SALES},       {"confirmed", "cancelled", BY_SALES},
    {"confirmed", "picked", BY_WAREHOUSE}, {"picked", "shipped", BY_WAREHOUSE},
    {"shipped", "delivered", BY_SALES},
};
#define N_FLOW (sizeof(flow) / sizeof(flow[0]))

static bool may(const struct rk_grants *g, enum who who)
{
        return who == BY_WAREHOUSE ? rk_authorize_action(g, RK_ACTION_PICKING)
                                   : rk_authorize_write(g, RK_GROUP_ORDERS);
}

size_t rk_order_next_statuses(const struct rk_grants *g, const char *from,
                              char (*out)[RK_ORDER_STATUS_SIZE], size_t max)
{
        size_t n = 0;
        for (size_t i = 0; i < N_FLOW && n < max; i++)
                if (strcmp(flow[i].from, from) == 0 && may(g, flow[i].who))
                        snprintf(out[n++], RK_ORDER_STATUS_SIZE, "%s", flow[i].to);
        return n;
}

/* RK_OK when g may move an order from `from` to `to`. */
static int check_move(const struct rk_grants *g, const char *from, const char *to,
                      struct rk_error *err)
{
        char next[128] = "";
        for (size_t i = 0; i < N_FLOW; i++) {
                if (strcmp(flow[i].from, from) != 0)
                        continue;
                if (strcmp(flow[i].to, to) == 0)
                        return may(g, flow[i].who)
                                   ? RK_OK
                                   : rk_error_set(err, RK_ERR_DENIED,
                                                  "Status: your role may not move an "
                                                  "order from %s to %s",
                                                  rk_order_status_label(from),
                                                  rk_order_status_label(to));
                size_t used = strlen(next);
                snprintf(next + used, sizeof(next) - used, "%s%s", used ? ", " : "",
                         rk_order_status_label(flow[i].to));
        }
        if (next[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Status: an order that is %s cannot become %s; it is "
                                    "final",
                                    rk_order_status_label(from),
                                    rk_order_status_label(to));
        return rk_error_set(
            err, RK_ERR_INVALID,
            "Status: an order that is %s cannot become %s; it can become %s",
            rk_order_status_label(from), rk_order_status_label(to), next);
}

int rk_order_set_status(struct rk_session *s, int64_t order_id, int64_t expected_version,
                        const char *status, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        char *to = NULL, from[RK_ORDER_STATUS_SIZE];
        int64_t customer_id = 0, version = 0;
        if (!rk_authorize_read(g, RK_GROUP_ORDERS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not change orders");
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "saving: the version opened is missing");
        int rc = rk_record_check_value(RK_REC_ORDER, "status", status, true, &to, err);
        if (rc == RK_OK)
                rc = rk_custdb_parent(db, RK_REC_ORDER, order_id, &customer_id, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc != RK_OK) {
                free(to);
                return rc;
        }
        rc = rk_order_state(db, order_id, from, &version, err);
        if (rc == RK_OK && version != expected_version)
                rc = rk_error_set(err, RK_ERR_CONFLICT,
                                  "order: changed by someone else since you opened it");
        if (rc == RK_OK)
                rc = check_move(g, from, to, err);
        if (rc == RK_OK)
                rc = rk_order_bump(db, order_id, expected_version, to, err);
        static const struct rk_custdb_change what = {"order.status", RK_REC_ORDER,
                                                     "status"};
        rc = rk_custdb_end(s, customer_id, false, &what, rc, err);
        free(to);
        return rc;
}

/* TRANSLATORS: the states of an order, as people read them. */
static const char *const status_labels[] = {
    N_("open"),    N_("confirmed"), N_("picked"),
    N_("shipped"), N_("delivered"), N_("cancelled"),
};

const char *rk_order_status_label(const char *status)
{
        for (size_t i = 0;
             status != NULL && i < sizeof(status_labels) / sizeof(status_labels[0]); i++)
                if (strcmp(status, status_labels[i]) == 0)
                        return _(status_labels[i]);
        return status != NULL ? status : "";
}
