/*
 * vat.c - VAT rates and the VAT of an order (see money.h).
 *
 * How it works: rates are parsed from percent text into basis points with
 * integer arithmetic only. An order's sum keeps one bucket per rate (the
 * net of its lines); the bucket's VAT is net * bp / 10000 rounded half up,
 * computed again from the bucket's net after every line, so the VAT of a
 * rate never depends on how the lines were split. Every amount is kept
 * under RK_MONEY_MAX, which keeps net * bp far inside int64_t.
 */
#include "rekisteri/money.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int rk_vat_rate_parse(const char *text, int *bp, struct rk_error *err)
{
        const char *p = text ? text : "";
        long whole = 0, frac = 0;
        int digits = 0, decimals = 0;
        while (*p == ' ')
                p++;
        for (; isdigit((unsigned char)*p) && digits < 3; p++, digits++)
                whole = whole * 10 + (*p - '0');
        if (digits > 0 && (*p == '.' || *p == ',')) {
                for (p++; isdigit((unsigned char)*p) && decimals < 2; p++, decimals++)
                        frac = frac * 10 + (*p - '0');
                if (decimals == 0)
                        digits = 0;
        }
        while (*p == ' ' || *p == '%')
                p++;
        if (decimals == 1)
                frac *= 10;
        if (digits == 0 || *p != '\0' || whole * 100 + frac > 10000)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "VAT rate: write a percentage from 0 to 100 with at "
                                    "most two decimals, such as 25.5 or 14");
        *bp = (int)(whole * 100 + frac);
        return RK_OK;
}

int rk_vat_rates_parse(const char *text, struct rk_vat_rates *out, struct rk_error *err)
{
        char buf[128];
        memset(out, 0, sizeof(*out));
        snprintf(buf, sizeof(buf), "%s", text ? text : "");
        for (char *save = NULL, *w = strtok_r(buf, ",", &save); w != NULL;
             w = strtok_r(NULL, ",", &save)) {
                int bp = 0;
                int rc = rk_vat_rate_parse(w, &bp, err);
                if (rc != RK_OK)
                        return rc;
                if (out->n == RK_VAT_MAX || rk_vat_rates_has(out, bp))
                        return rk_error_set(err, RK_ERR_INVALID,
                                            "VAT rate: give at most %d different rates",
                                            RK_VAT_MAX);
                out->bp[out->n++] = bp;
        }
        if (out->n == 0)
                return rk_error_set(err, RK_ERR_INVALID, "VAT rate: give at least one");
        return RK_OK;
}

int rk_vat_rates_has(const struct rk_vat_rates *r, int bp)
{
        for (size_t i = 0; i < r->n; i++)
                if (r->bp[i] == bp)
                        return 1;
        return 0;
}

char *rk_vat_rate_format(int bp, char *out, size_t size)
{
        if (bp % 100 == 0)
                snprintf(out, size, "%d\xc2\xa0%%", bp / 100);
        else if (bp % 10 == 0)
                snprintf(out, size, "%d,%d\xc2\xa0%%", bp / 100, (bp % 100) / 10);
        else
                snprintf(out, size, "%d,%02d\xc2\xa0%%", bp / 100, bp % 100);
        return out;
}

int rk_vat_line_net(int64_t quantity, int64_t unit_cents, int64_t *net,
                    struct rk_error *err)
{
        if (quantity < 0 || unit_cents < 0 ||
            (unit_cents > 0 && quantity > RK_MONEY_MAX / unit_cents))
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "Line total: is too large (quantity times unit price)");
        *net = quantity * unit_cents;
        return RK_OK;
}

static int64_t vat_of(int64_t net, int bp)
{
        return (net * bp + 5000) / 10000;
}

int rk_vat_add(struct rk_vat_sum *sum, int bp, int64_t net, struct rk_error *err)
{
        size_t i = 0;
        while (i < sum->n && sum->rate[i].bp != bp)
                i++;
        if (i == RK_VAT_MAX)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "VAT rate: an order may use %d rates at most",
                                    RK_VAT_MAX);
        if (net < 0 || sum->net + net > RK_MONEY_MAX)
                return rk_error_set(err, RK_ERR_INVALID, "Total: the order is too large");
        if (i == sum->n) {
                sum->rate[i] = (struct rk_vat_total){bp, 0, 0};
                sum->n++;
        }
        struct rk_vat_total *t = &sum->rate[i];
        sum->vat -= t->vat;
        t->net += net;
        t->vat = vat_of(t->net, bp);
        sum->net += net;
        sum->vat += t->vat;
        sum->gross = sum->net + sum->vat;
        return RK_OK;
}
