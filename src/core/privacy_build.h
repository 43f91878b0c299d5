/*
 * privacy_build.h - the builders of the three privacy documents (privacy.h),
 * each filling a document (privacy_doc.h) in the current language. They
 * are called by privacy.c with the language switched and, for the report,
 * inside the transaction that records the generation.
 */
#ifndef REKISTERI_PRIVACY_BUILD_H
#define REKISTERI_PRIVACY_BUILD_H

#include "privacy_doc.h"
#include "rekisteri/config.h"
#include "rekisteri/error.h"

#include <sqlite3.h>

/* pv_record - the Art. 30(1) record from cfg and the field table. */
void pv_record(const struct rk_config *cfg, const char *today, struct rk_doc *d);

/* pv_notice - the Art. 13/14 privacy notice. */
void pv_notice(const struct rk_config *cfg, const char *today, struct rk_doc *d);

/* pv_report - the accountability report for calendar year `year`, read
 * from db (counts and dates only). Database errors. */
int pv_report(sqlite3 *db, const struct rk_config *cfg, const char *today, int year,
              struct rk_doc *d, struct rk_error *err);

/* pv_gaps - the "To complete" section of cfg's gaps, when there are any
 * (privacy.c); out of memory marks d failed. */
void pv_gaps(const struct rk_config *cfg, struct rk_doc *d);

#endif
