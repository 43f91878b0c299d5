/*
 * privacy_doc.h - a small document model for the privacy documents
 * (privacy.h): headings, paragraphs, list items, the "to complete" items
 * and tables, added in order and rendered as Markdown or as a standalone
 * HTML page. Builders never write markup: every text is plain, and each
 * renderer escapes it for its own format, so a controller's name with "<"
 * or "|" in it comes out as text in both.
 */
#ifndef REKISTERI_PRIVACY_DOC_H
#define REKISTERI_PRIVACY_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct rk_doc;

/* rk_doc_new - an empty document in language lang ("fi", "sv", "en");
 * NULL when out of memory. rk_doc_free frees it (NULL is fine). */
struct rk_doc *rk_doc_new(const char *lang);
void rk_doc_free(struct rk_doc *d);

/* Add one block; printf-style. level 1 is the title. A failed allocation
 * is remembered (rk_doc_failed) and the block dropped. */
void rk_doc_heading(struct rk_doc *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rk_doc_para(struct rk_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rk_doc_item(struct rk_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* an item of the "to complete" list, shown highlighted */
void rk_doc_gap(struct rk_doc *d, const char *text);
/* one table row of n cells; head for the header row, which starts a table */
void rk_doc_row(struct rk_doc *d, bool head, size_t n, const char *const *cells);

/* rk_doc_fail - mark the document as failed (a builder ran out of memory). */
void rk_doc_fail(struct rk_doc *d);

/* rk_doc_failed - true when an allocation failed while building. */
bool rk_doc_failed(const struct rk_doc *d);

/* rk_doc_markdown / rk_doc_html - render; 0, or -1 on a write error. */
int rk_doc_markdown(const struct rk_doc *d, FILE *f);
int rk_doc_html(const struct rk_doc *d, FILE *f);

/* rk_doc_date - an ISO date (YYYY-MM-DD...) as people of the document's
 * language write it: 5.12.2026 in fi and sv, 2026-12-05 in en. */
void rk_doc_date(const struct rk_doc *d, const char *iso, char out[16]);

#endif
