/*
 * money.c - amounts in cents as people read them (see money.h).
 *
 * How it works: the absolute value is split into euros and cents, the
 * euros are written right to left in groups of three separated by U+00A0,
 * and the sign, the comma, the cents and " €" go around them. Only
 * integers are used, so no amount is ever rounded by a float.
 */
#include "rekisteri/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBSP "\xc2\xa0"

char *rk_money_format(int64_t cents, char *out, size_t size)
{
        char digits[32], grouped[64];
        uint64_t abs = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
        snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(abs / 100));
        size_t len = strlen(digits), g = 0;
        for (size_t i = 0; i < len; i++) {
                if (i > 0 && (len - i) % 3 == 0) {
                        memcpy(grouped + g, NBSP, 2);
                        g += 2;
                }
                grouped[g++] = digits[i];
        }
        grouped[g] = '\0';
        snprintf(out, size, "%s%s,%02u" NBSP "€", cents < 0 ? "-" : "", grouped,
                 (unsigned)(abs % 100));
        return out;
}

char *rk_money_format_text(const char *cents, char *out, size_t size)
{
        char *end = NULL;
        out[0] = '\0';
        if (cents == NULL || cents[0] == '\0')
                return out;
        long long c = strtoll(cents, &end, 10);
        if (*end != '\0')
                return out;
        return rk_money_format(c, out, size);
}
