/*
 * privacy_doc.c - the document model of the privacy documents and its two
 * renderers (see privacy_doc.h).
 *
 * How it works: a document is an array of blocks, each a kind and its
 * texts (one, or a row's cells). Every text passes rk_text_sanitize when it
 * is rendered (controls, bidi overrides and invalid UTF-8 become visible
 * placeholders), then the format's escaping: in Markdown, the characters
 * that would start markup; in HTML, & < > " '. The HTML renderer groups
 * runs of items into lists and runs of rows into tables, and carries its
 * own stylesheet: A4 pages, headings kept with what follows, table rows
 * not split and header rows repeated on each printed page.
 */
#include "privacy_doc.h"

#include "rekisteri/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum block_kind { B_H1, B_H2, B_H3, B_PARA, B_ITEM, B_GAP, B_HEAD, B_ROW };

struct block {
        enum block_kind kind;
        size_t n;     /* texts */
        char **texts; /* n malloc'd strings */
};

struct rk_doc {
        char lang[4];
        struct block *blocks;
        size_t n, cap;
        bool failed;
};

struct rk_doc *rk_doc_new(const char *lang)
{
        struct rk_doc *d = calloc(1, sizeof(*d));
        if (d != NULL)
                snprintf(d->lang, sizeof(d->lang), "%s", lang);
        return d;
}

void rk_doc_free(struct rk_doc *d)
{
        if (d == NULL)
                return;
        for (size_t i = 0; i < d->n; i++) {
                for (size_t k = 0; k < d->blocks[i].n; k++)
                        free(d->blocks[i].texts[k]);
                free(d->blocks[i].texts);
        }
        free(d->blocks);
        free(d);
}

void rk_doc_fail(struct rk_doc *d)
{
        d->failed = true;
}

bool rk_doc_failed(const struct rk_doc *d)
{
        return d == NULL || d->failed;
}

/* Append a block of kind with n copies of texts; false when out of memory. */
static bool add(struct rk_doc *d, enum block_kind kind, size_t n,
                const char *const *texts)
{
        if (d->n == d->cap) {
                size_t cap = d->cap ? d->cap * 2 : 64;
                struct block *b = realloc(d->blocks, cap * sizeof(*b));
                if (b == NULL)
                        return false;
                d->blocks = b;
                d->cap = cap;
        }
        struct block *b = &d->blocks[d->n];
        b->kind = kind;
        b->n = 0;
        b->texts = calloc(n ? n : 1, sizeof(char *));
        if (b->texts == NULL)
                return false;
        for (; b->n < n; b->n++) {
                b->texts[b->n] = strdup(texts[b->n] ? texts[b->n] : "");
                if (b->texts[b->n] == NULL)
                        break;
        }
        d->n++; /* even when short, so rk_doc_free frees what was copied */
        return b->n == n;
}

static void addv(struct rk_doc *d, enum block_kind kind, const char *fmt, va_list ap)
{
        char *text = NULL;
        if (vasprintf(&text, fmt, ap) < 0) {
                d->failed = true;
                return;
        }
        const char *texts[1] = {text};
        if (!add(d, kind, 1, texts))
                d->failed = true;
        free(text);
}

void rk_doc_heading(struct rk_doc *d, int level, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        addv(d, level <= 1 ? B_H1 : level == 2 ? B_H2 : B_H3, fmt, ap);
        va_end(ap);
}

void rk_doc_para(struct rk_doc *d, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        addv(d, B_PARA, fmt, ap);
        va_end(ap);
}

void rk_doc_item(struct rk_doc *d, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        addv(d, B_ITEM, fmt, ap);
        va_end(ap);
}

void rk_doc_gap(struct rk_doc *d, const char *text)
{
        if (!add(d, B_GAP, 1, &text))
                d->failed = true;
}

void rk_doc_row(struct rk_doc *d, bool head, size_t n, const char *const *cells)
{
        if (!add(d, head ? B_HEAD : B_ROW, n, cells))
                d->failed = true;
}

void rk_doc_date(const struct rk_doc *d, const char *iso, char out[16])
{
        int y, m, day;
        if (iso == NULL || sscanf(iso, "%4d-%2d-%2d", &y, &m, &day) != 3) {
                snprintf(out, 16, "%s", iso ? iso : "");
                return;
        }
        if (strcmp(d->lang, "en") == 0)
                snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, day % 100);
        else
                snprintf(out, 16, "%d.%d.%d", day % 100, m % 100, y % 10000);
}

/* ---- Markdown ---------------------------------------------------------- */

static bool word_char(char c)
{
        return (unsigned char)c > 127 || (c >= 'a' && c <= 'z') ||
               (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Would s[i] start or end markup? An intraword "_" does not (CommonMark). */
static bool md_special(const char *s, size_t i)
{
        if (strchr("\\*`<>[]|", s[i]) != NULL)
                return true;
        return s[i] == '_' && !(i > 0 && word_char(s[i - 1]) && word_char(s[i + 1]));
}

/* A block's text starting like a heading, a list item or a quote. */
static bool md_line_start(const char *s)
{
        if (strchr("#-+=>", s[0]) != NULL && s[0] != '\0')
                return true;
        size_t digits = strspn(s, "0123456789");
        return digits > 0 && (s[digits] == '.' || s[digits] == ')');
}

/* Write raw escaped for Markdown; line_start when it begins a line of its
 * own (a paragraph), where "1." or "#" would start a list or a heading. */
static int md_text(FILE *f, const char *raw, bool line_start)
{
        char *s = rk_text_sanitize(raw, strlen(raw));
        if (s == NULL)
                return -1;
        int bad = 0;
        if (line_start && md_line_start(s))
                bad |= fputc('\\', f) == EOF;
        for (size_t i = 0; s[i] != '\0'; i++) {
                if (md_special(s, i))
                        bad |= fputc('\\', f) == EOF;
                bad |= fputc(s[i], f) == EOF;
        }
        free(s);
        return bad ? -1 : 0;
}

static int md_row(FILE *f, const struct block *b)
{
        int bad = fputs("|", f) == EOF;
        for (size_t k = 0; k < b->n; k++) {
                bad |= fputc(' ', f) == EOF;
                bad |= md_text(f, b->texts[k][0] ? b->texts[k] : "-", false) != 0;
                bad |= fputs(" |", f) == EOF;
        }
        bad |= fputc('\n', f) == EOF;
        if (b->kind == B_HEAD) {
                bad |= fputs("|", f) == EOF;
                for (size_t k = 0; k < b->n; k++)
                        bad |= fputs("---|", f) == EOF;
                bad |= fputc('\n', f) == EOF;
        }
        return bad ? -1 : 0;
}

int rk_doc_markdown(const struct rk_doc *d, FILE *f)
{
        static const char *const prefix[] = {
            [B_H1] = "# ", [B_H2] = "## ",  [B_H3] = "### ",
            [B_PARA] = "", [B_ITEM] = "- ", [B_GAP] = "- [ ] "};
        int bad = 0;
        for (size_t i = 0; i < d->n; i++) {
                const struct block *b = &d->blocks[i];
                enum block_kind next = i + 1 < d->n ? d->blocks[i + 1].kind : B_PARA;
                if (b->kind == B_HEAD || b->kind == B_ROW) {
                        bad |= md_row(f, b);
                        if (next != B_ROW)
                                bad |= fputc('\n', f) == EOF;
                        continue;
                }
                bad |= fputs(prefix[b->kind], f) == EOF;
                bad |= md_text(f, b->texts[0],
                               b->kind != B_H1 && b->kind != B_H2 && b->kind != B_H3);
                bool run = (b->kind == B_ITEM || b->kind == B_GAP) && next == b->kind;
                bad |= fputs(run ? "\n" : "\n\n", f) == EOF;
        }
        return bad || fflush(f) != 0 ? -1 : 0;
}

/* ---- HTML -------------------------------------------------------------- */

static const char stylesheet[] =
    "@page { size: A4; margin: 18mm 16mm 20mm 16mm; }\n"
    "html { background: #fff; }\n"
    "body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif;\n"
    "  font-size: 10pt; line-height: 1.45; color: #111; max-width: 178mm;\n"
    "  margin: 1em auto; padding: 0 4mm; }\n"
    "h1 { font-size: 17pt; margin: 0 0 .6em; padding-bottom: .2em;\n"
    "  border-bottom: 2px solid #234; color: #123; }\n"
    "h2 { font-size: 12.5pt; margin: 1.4em 0 .4em; color: #123;\n"
    "  break-after: avoid; page-break-after: avoid; }\n"
    "h3 { font-size: 10.5pt; margin: 1em 0 .3em; break-after: avoid;\n"
    "  page-break-after: avoid; }\n"
    "p { margin: .3em 0 .6em; orphans: 3; widows: 3; }\n"
    "ul { margin: .2em 0 .7em; padding-left: 1.4em; }\n"
    "li { margin: .1em 0; break-inside: avoid; page-break-inside: avoid; }\n"
    "ul.gaps { border: 2px solid #a00; background: #fff3f3; padding: .5em .8em .5em "
    "2em;\n"
    "  break-inside: avoid; page-break-inside: avoid; }\n"
    "table { border-collapse: collapse; width: 100%; margin: .4em 0 .9em;\n"
    "  font-size: 9pt; }\n"
    "thead { display: table-header-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 1px solid #999; padding: 2px 5px; text-align: left;\n"
    "  vertical-align: top; overflow-wrap: break-word; }\n"
    "th { background: #e8ecf0; }\n"
    "@media print { body { max-width: none; margin: 0; padding: 0; } }\n";

static int html_text(FILE *f, const char *raw)
{
        char *s = rk_text_sanitize(raw, strlen(raw));
        if (s == NULL)
                return -1;
        int bad = 0;
        for (const char *p = s; *p != '\0'; p++) {
                switch (*p) {
                case '&':
                        bad |= fputs("&amp;", f) == EOF;
                        break;
                case '<':
                        bad |= fputs("&lt;", f) == EOF;
                        break;
                case '>':
                        bad |= fputs("&gt;", f) == EOF;
                        break;
                case '"':
                        bad |= fputs("&quot;", f) == EOF;
                        break;
                case '\'':
                        bad |= fputs("&#39;", f) == EOF;
                        break;
                default:
                        bad |= fputc(*p, f) == EOF;
                }
        }
        free(s);
        return bad ? -1 : 0;
}

/* Where the renderer is: in no container, a list, the gaps list, a table
 * before its first body row, or a table's body. */
enum { IN_NONE, IN_LIST, IN_GAPS, IN_TABLE, IN_TBODY };

static int container(enum block_kind k)
{
        return k == B_ITEM   ? IN_LIST
               : k == B_GAP  ? IN_GAPS
               : k == B_HEAD ? IN_TABLE
               : k == B_ROW  ? IN_TBODY
                             : IN_NONE;
}

/* Close what `from` opened and open what `to` needs; a table with no body
 * row ends without an empty <tbody>. */
static int html_switch(FILE *f, int from, int to)
{
        static const char *const close[] = {"", "</ul>\n", "</ul>\n", "</table>\n",
                                            "</tbody></table>\n"};
        static const char *const open[] = {"", "<ul>\n", "<ul class=\"gaps\">\n",
                                           "<table>\n", "<table>\n<tbody>\n"};
        if (from == to)
                return 0;
        if (from == IN_TABLE && to == IN_TBODY)
                return fputs("<tbody>\n", f) == EOF ? -1 : 0;
        return fputs(close[from], f) == EOF || fputs(open[to], f) == EOF ? -1 : 0;
}

static int html_row(FILE *f, const struct block *b)
{
        const char *cell = b->kind == B_HEAD ? "th" : "td";
        int bad = fputs(b->kind == B_HEAD ? "<thead><tr>" : "<tr>", f) == EOF;
        for (size_t k = 0; k < b->n; k++) {
                bad |= fprintf(f, "<%s>", cell) < 0;
                bad |= html_text(f, b->texts[k][0] ? b->texts[k] : "-");
                bad |= fprintf(f, "</%s>", cell) < 0;
        }
        bad |= fputs(b->kind == B_HEAD ? "</tr></thead>\n" : "</tr>\n", f) == EOF;
        return bad ? -1 : 0;
}

static int html_block(FILE *f, const struct block *b)
{
        static const char *const tag[] = {
            [B_H1] = "h1",  [B_H2] = "h2",   [B_H3] = "h3",
            [B_PARA] = "p", [B_ITEM] = "li", [B_GAP] = "li"};
        if (b->kind == B_HEAD || b->kind == B_ROW)
                return html_row(f, b);
        int bad = fprintf(f, "<%s>", tag[b->kind]) < 0;
        bad |= html_text(f, b->texts[0]);
        bad |= fprintf(f, "</%s>\n", tag[b->kind]) < 0;
        return bad ? -1 : 0;
}

int rk_doc_html(const struct rk_doc *d, FILE *f)
{
        const char *title = "";
        for (size_t i = 0; i < d->n && title[0] == '\0'; i++)
                if (d->blocks[i].kind == B_H1)
                        title = d->blocks[i].texts[0];
        int bad = fprintf(f,
                          "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
                          "<meta charset=\"utf-8\">\n<title>",
                          d->lang) < 0;
        bad |= html_text(f, title);
        bad |= fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
                       stylesheet) < 0;
        int in = IN_NONE;
        for (size_t i = 0; i < d->n; i++) {
                const struct block *b = &d->blocks[i];
                int want = container(b->kind);
                /* a header row always starts a table of its own */
                if (b->kind == B_HEAD && (in == IN_TABLE || in == IN_TBODY)) {
                        bad |= html_switch(f, in, IN_NONE);
                        in = IN_NONE;
                }
                bad |= html_switch(f, in, want);
                in = want;
                bad |= html_block(f, b);
        }
        bad |= html_switch(f, in, IN_NONE);
        bad |= fputs("</body>\n</html>\n", f) == EOF;
        return bad || fflush(f) != 0 ? -1 : 0;
}
