/*
 * hold.c - the bookkeeping legal hold on orders (see forget.h,
 * rk_hold_until): the Accounting Act keeps bookkeeping records for a
 * number of years after the end of the financial year they belong to.
 */
#include "rekisteri/forget.h"

#include <stdio.h>

int rk_hold_until(const struct rk_config *cfg, const char *ordered_on,
                  char out[RK_DATE_TEXT], struct rk_error *err)
{
        int y, m, d;
        if (!rk_date_parse(ordered_on, &y, &m, &d))
                return rk_error_set(err, RK_ERR_INVALID, "Order date: not a date");
        int end_m = (int)(cfg->financial_year_end / 100);
        int end_d = (int)(cfg->financial_year_end % 100);
        /* the financial year that contains the order date ends ... */
        int end_y = m * 100 + d <= cfg->financial_year_end ? y : y + 1;
        int hold_y = end_y + (int)cfg->bookkeeping_years;
        if (end_d > rk_date_days_in_month(hold_y, end_m))
                end_d = rk_date_days_in_month(hold_y, end_m);
        if (hold_y > 9999)
                return rk_error_set(err, RK_ERR_INVALID, "Order date: out of range");
        snprintf(out, RK_DATE_TEXT, "%04u-%02u-%02u", (unsigned)hold_y % 10000u,
                 (unsigned)end_m % 100u, (unsigned)end_d % 100u);
        return RK_OK;
}
