/*
 * money.h - amounts as people read them, and value added tax.
 *
 * Amounts are whole cents (int64_t) everywhere in core and in JSON; a
 * person reads them formatted the Finnish way: "1 083,91 €", grouped by
 * thousands with a no-break space (U+00A0), a decimal comma, and a
 * no-break space before the euro sign, so a line never breaks inside an
 * amount.
 *
 * VAT rates are in basis points (25,5 % = 2550) so that sums stay exact.
 * The rates a product may carry are configured ([vat] rates, Finnish
 * defaults 25.5, 14, 10 and 0). An order's VAT is computed per rate from
 * the net sum of the lines at that rate, rounded half up to the cent, as
 * an invoice shows it.
 */
#ifndef REKISTERI_MONEY_H
#define REKISTERI_MONEY_H

#include "rekisteri/error.h"

#include <stddef.h>
#include <stdint.h>

/* The largest amount an order, a line or a price may reach: 10^13 cents
 * (a hundred thousand million euros), so that no sum or VAT overflows. */
#define RK_MONEY_MAX    10000000000000LL
#define RK_MONEY_SIZE   40 /* "-92 233 720 368 547 758,07 €" and the NUL */
#define RK_VAT_MAX      8
#define RK_VAT_DEFAULTS "25.5,14,10,0"

/* rk_money_format - cents as "1 083,91 €" (no-break spaces) into out
 * (RK_MONEY_SIZE bytes suffice); returns out. */
char *rk_money_format(int64_t cents, char *out, size_t size);

/* rk_money_format_text - the same from cents as text ("108391"); out gets
 * "" for NULL, "" or anything that is not a whole number. */
char *rk_money_format_text(const char *cents, char *out, size_t size);

/* The configured VAT rates, in basis points, in the order given. */
struct rk_vat_rates {
        int bp[RK_VAT_MAX];
        size_t n;
};

/*
 * rk_vat_rate_parse - one rate as typed, in percent: "25.5", "25,5", "14",
 * "0" (at most two decimals, 0 to 100) into *bp. RK_ERR_INVALID with a
 * message starting "VAT rate:".
 */
int rk_vat_rate_parse(const char *text, int *bp, struct rk_error *err);

/* rk_vat_rates_parse - a comma-separated list of rates (1..RK_VAT_MAX,
 * no repeats). RK_ERR_INVALID naming the bad one. */
int rk_vat_rates_parse(const char *text, struct rk_vat_rates *out, struct rk_error *err);

/* rk_vat_rates_has - true when bp is among the rates. */
int rk_vat_rates_has(const struct rk_vat_rates *r, int bp);

/* rk_vat_rate_format - "25,5 %" / "14 %" into out. */
char *rk_vat_rate_format(int bp, char *out, size_t size);

/* The totals of an order: the net sum and the VAT per rate, and in all. */
struct rk_vat_total {
        int bp;
        int64_t net, vat;
};
struct rk_vat_sum {
        struct rk_vat_total rate[RK_VAT_MAX];
        size_t n;
        int64_t net, vat, gross;
};

/*
 * rk_vat_line_net - quantity * unit price in *net, refused (RK_ERR_INVALID,
 * "is too large") when it passes RK_MONEY_MAX.
 */
int rk_vat_line_net(int64_t quantity, int64_t unit_cents, int64_t *net,
                    struct rk_error *err);

/*
 * rk_vat_add - add a line's net amount at rate bp to sum (zero it first)
 * and recompute the VAT of that rate and the totals. RK_ERR_INVALID when
 * the order would pass RK_MONEY_MAX or have more than RK_VAT_MAX rates.
 */
int rk_vat_add(struct rk_vat_sum *sum, int bp, int64_t net, struct rk_error *err);

#endif
