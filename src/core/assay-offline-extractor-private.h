/* assay-offline-extractor-private.h — shared by the offline extractor's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job per file: -lines.c walks a page line by line, -labels.c holds the
 * label dictionary, -document.c the type, title and DOI, -invoice.c the
 * invoice fields, -figures.c the key figures, -checks.c the arithmetic
 * checks, and assay-offline-extractor.c puts the result together.
 */
#pragma once

#include "assay-numbers.h"
#include "assay-offline-extractor.h"

G_BEGIN_DECLS

#define MAX_FIGURES    500
#define MAX_SNIPPET    200
#define MAX_LABEL      80
#define MAX_LABEL_WORDS 8
#define MAX_NOTE_LEN   120
#define TITLE_LINES    30
#define ISSUER_LINES   40
#define MAX_YEARS      8
#define MAX_CURRENCIES 16
#define MAX_KEYWORD_HITS 5
#define RECIPIENT_BLOCK_LINES 4
#define MAX_DATE_LABELS 64
#define MIN_CONTENTS_LINES 4
#define MAX_LAYOUT_COLUMN 400.0   /* characters from the left edge */
#define MAX_CELL_GAP   80        /* spaces between a label and its value on one line */

typedef struct
{
  char   *value;
  double  number;
  char    currency[4];
  guint   page;
  char   *snippet;
  int     priority;
  gboolean set;
} Found;

typedef struct
{
  const char        *text;      /* the trimmed line, not NUL-terminated */
  gsize              len;
  const char        *lower;     /* ASCII-lowercased copy, NUL-terminated */
  const AssayNumber *numbers;   /* starting on this line; offsets in the page */
  guint              n_numbers;
  gsize              offset;    /* of text in the page */
  guint              page;      /* 1-based */
  guint              index;     /* among the page's non-empty lines */
  gboolean           paired;    /* made of a label and the value below it */
} Line;

static inline gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || ((guchar) c) >= 0x80;
}

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline gsize
num_start (const Line        *line,
           const AssayNumber *n)
{
  return MIN ((gsize) n->start - line->offset, line->len);
}

static inline gsize
num_end (const Line        *line,
         const AssayNumber *n)
{
  gsize end = (gsize) n->end;

  end = MIN (end, line->offset + line->len);
  return MAX (end, (gsize) n->start) - line->offset;
}

static inline gboolean
is_quantity (const AssayNumber *n)
{
  return assay_number_kind_is_quantity (n->kind);
}

typedef enum
{
  TYPE_INVOICE,
  TYPE_REPORT,
  TYPE_PAPER,
  N_TYPES
} DocType;

typedef struct
{
  const char *word;
  int         weight;
} Keyword;

#define MAX_KEYWORDS 16

typedef enum
{
  DATE_ISSUE,
  DATE_DUE,
  DATE_PLAIN,
  N_DATES
} DateField;

typedef struct
{
  const char *label;
  DateField   field;
} DateLabel;

typedef struct
{
  int          scale;          /* power of ten from a note: "in millions" */
  const char  *currency;       /* ISO code from that note, or NULL */
  char         years[MAX_YEARS][16];
  guint        n_years;
  AssayDateOrder date_order;
  guint        recipient_lines; /* lines left in a "Bill to" block */
  gsize        recipient_column; /* where its label stands */
  gboolean     issuer_next;    /* the previous line was a bare "From:" */
  gsize        issuer_column;  /* where that label stands */
  gboolean     recipient_next; /* the previous line was a bare "Bill to:" */
  gboolean     contents_page;  /* a table of contents: no figures from page references */
  gsize        labels_column;  /* where the last row of labels started */
  gboolean     labels_items;   /* that row heads a table of line items */
  char        *last_company;   /* the last company named on page 1, and where */
  char        *last_company_line;
  guint        last_company_index;
  gsize        last_company_column;
  char        *first_name;      /* the page's first line, when a name */
  gsize        first_name_column;
} PageState;

#define MAX_AMOUNT_PARTS 8

/* One of several lines that together make the net amount or the tax
 * ("Positionen netto" and "Versandkosten netto"; "USt. 7 %" and "USt. 19 %"). */
typedef struct
{
  double  value;
  guint   page;
  char   *snippet;
} AmountPart;

typedef struct
{
  char   *description;
  double  quantity;     /* NAN when not known */
  double  unit_price;   /* NAN when not known */
  double  amount;
  guint   page;
} LineItem;

typedef struct
{
  AssayExtraction *extraction;
  AssayTemplate   *template_;
  GHashTable      *seen_figures;
  guint            figures_found;
  int              score[N_TYPES];
  guint            hits[N_TYPES][MAX_KEYWORDS];
  Found            title_line;
  Found            invoice_line;
  guint            invoice_line_index;  /* of the heading on page 1 */
  Found            invoice_number;
  Found            total;
  Found            tax;
  Found            subtotal;
  AmountPart       net_parts[MAX_AMOUNT_PARTS];
  guint            n_net_parts;
  AmountPart       tax_parts[MAX_AMOUNT_PARTS];
  guint            n_tax_parts;
  Found            recipient;
  Found            issuer_from;
  Found            issuer_company;
  Found            issuer_detailed;
  Found            issuer_large;     /* a name set large at the top, like a logo */
  Found            issuer_sender;    /* "Name · street · city" with contact details */
  Found            issuer_named;     /* the first line, a name over its own details */
  Found            doi;
  Found            dates[N_DATES];
  char             first_period[16];
  struct { char code[4]; guint count; } currencies[MAX_CURRENCIES];
  guint            n_currencies;
  struct { char code[4]; guint count; } word_currencies[MAX_CURRENCIES];  /* "Netto EUR" */
  guint            n_word_currencies;
  GString         *lower;
  guint            n_pages;        /* in the file, 0 when not known */
  GArray          *line_items;     /* LineItem */
  gboolean         in_items;       /* between a table's headings and its sums */
  gboolean         invoice_template;
} Extractor;
/* assay-offline-extractor-lines.c */
void _assay_offline_found_clear (Found *found);
char *_assay_offline_make_snippet (const char *text, gsize len);
void _assay_offline_found_set (Found *found, char *value, double number, const char *currency, guint page, const char *line, gsize line_len, int priority);
const char *_assay_offline_find_word_from (const char *lower, const char *from, const char *word, gboolean allow_plural);
const char *_assay_offline_find_word (const char *lower, const char *word);
gboolean _assay_offline_has_word (const char *lower, const char *word);
gboolean _assay_offline_has_any_word (const char *lower, const char * const *words);
gboolean _assay_offline_str_in (const char *str, const char * const *list);
guint _assay_offline_count_quantities (const Line *line);
const char *_assay_offline_skip_chars (const char *p, const char *chars, guint max);
gsize _assay_offline_first_cell (const char *text, gsize len);
char *_assay_offline_layout_text (const AssayPageText *page);
char *_assay_offline_layout_text_full (const AssayPageText *page, char **large);
void _assay_offline_process_page (Extractor *self, const char *page_text, guint page);

/* assay-offline-extractor-labels.c */
extern const Keyword _assay_offline_type_keywords[N_TYPES][MAX_KEYWORDS];
extern const DateLabel _assay_offline_date_labels[];
extern const guint _assay_offline_n_date_labels;
const char *_assay_offline_note_currency (const char *lower);
extern const char * const _assay_offline_invoice_words[];
extern const char * const _assay_offline_invoice_number_words[];
gboolean _assay_offline_is_money (const AssayNumber *n);
int _assay_offline_total_priority (const char *lower);
int _assay_offline_tax_priority (const char *lower);
int _assay_offline_subtotal_priority (const char *lower);
extern const char * const _assay_offline_company_suffixes[];
extern const char * const _assay_offline_identifier_words[];
extern const char * const _assay_offline_identifier_line_words[];
gboolean _assay_offline_label_matches_field (const char *label, const char *field_name);

/* assay-offline-extractor-document.c */
void _assay_offline_score_line (Extractor *self, const Line *line);
const char *_assay_offline_guess_document_type (Extractor *self);
void _assay_offline_find_title_line (Extractor *self, const Line *line);
void _assay_offline_find_doi (Extractor *self, const Line *line);
char *_assay_offline_meaningful_title (const char *title);

/* assay-offline-extractor-invoice.c */
void _assay_offline_find_dates (Extractor *self, const Line *line, const PageState *state);
void _assay_offline_find_date_under_heading (Extractor *self, const Line *line,
                                             const PageState *state);
void _assay_offline_count_currency_words (Extractor *self, const Line *line);
void _assay_offline_count_currency (Extractor *self, const char *code);
const char *_assay_offline_most_common_currency (Extractor *self);
void _assay_offline_find_invoice_number (Extractor *self, const Line *line);
void _assay_offline_find_bare_number (Extractor *self, const Line *pair, gsize label_len);
void _assay_offline_find_number_under_heading (Extractor *self, const Line *line);
gboolean _assay_offline_is_invoice_heading (const Line *line);
void _assay_offline_find_amounts (Extractor *self, const Line *line);
void _assay_offline_find_issuer (Extractor *self, const Line *line, PageState *state);
void _assay_offline_find_large_issuer (Extractor *self, const char *large);
gsize _assay_offline_is_recipient_label (const char *lower);

/* assay-offline-extractor-figures.c */
void _assay_offline_detect_scale_note (Extractor *self, const Line *line, PageState *state);
void _assay_offline_detect_year_header (Extractor *self, const Line *line, PageState *state);
gboolean _assay_offline_ends_with_page_ref (const Line *line, guint n_pages);
void _assay_offline_add_figure (Extractor *self, const Line *line, const PageState *state);

/* assay-offline-extractor-checks.c */
gboolean _assay_offline_is_item_heading (const Line *line);
void _assay_offline_find_line_items (Extractor *self, const Line *line);
void _assay_offline_reconcile_sums (Extractor *self);
void _assay_offline_check_sums (Extractor *self);

/* assay-offline-extractor.c */
void _assay_offline_process_pair (Extractor *self, const Line *line, PageState *state);
void _assay_offline_process_line (Extractor *self, const Line *line, PageState *state);

G_END_DECLS
