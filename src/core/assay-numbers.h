/* assay-numbers.h — finding and parsing numbers in document text
 *
 * Handles locale notations (1,234.56  1.234,56  1 234,56  1'234.56), accounting
 * negatives "(1,234)", percentages, currency symbols and ISO codes, and scale
 * words ("million", "bn", "k"). Classifies what a number most likely is so that
 * years, dates, page numbers and list indices are kept apart from amounts.
 *
 * Pure functions, no global state: safe on any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_NUMBER_PLAIN,        /* a quantity with no unit: 1,234.5 */
  ASSAY_NUMBER_AMOUNT,       /* with a currency: $1,234.50, 12 EUR */
  ASSAY_NUMBER_PERCENT,      /* 12%, 12 percent */
  ASSAY_NUMBER_YEAR,         /* 1999, FY2023 */
  ASSAY_NUMBER_DATE,         /* part of a date: 2024-03-01, 01/03/2024, 3 March 2024 */
  ASSAY_NUMBER_PAGE_NUMBER,  /* a lone number heading or closing a page: "12", "Page 3 of 9" */
  ASSAY_NUMBER_LIST_INDEX,   /* "1." "2)" "(3)" starting a line; section numbers "2.3.1" */
  ASSAY_NUMBER_IDENTIFIER,   /* phone numbers, ISBN/DOI/version strings, codes glued to letters */
} AssayNumberKind;

typedef struct
{
  double           value;         /* sign and scale applied: "(1.2) bn" -> -1.2e9 */
  double           mantissa;      /* the number as written, sign applied, no scale: -1.2 */
  AssayNumberKind  kind;
  char             currency[4];   /* ISO 4217 code ("USD", "EUR") or "" */
  gint8            scale;         /* power of ten of the scale word: 6 for million, 0 none */
  guint8           decimals;      /* digits written after the decimal mark */
  guint            start;         /* byte offsets of the whole match in the text */
  guint            end;
} AssayNumber;

/* How an ambiguous numeric date (04/05/2024) is read. */
typedef enum
{
  ASSAY_DATE_DAY_FIRST,
  ASSAY_DATE_MONTH_FIRST,
} AssayDateOrder;

typedef struct
{
  guint  year;    /* 0 when not written */
  guint  month;   /* 1..12 */
  guint  day;     /* 0 when not written */
  gsize  start;   /* bytes */
  gsize  end;
} AssayDate;

gboolean     assay_number_parse           (const char   *text,
                                           gssize        length,
                                           AssayNumber  *out);
GArray      *assay_numbers_scan           (const char   *text,
                                           gsize         length);
gboolean     assay_number_kind_is_quantity (AssayNumberKind kind);
const char  *assay_number_kind_to_string  (AssayNumberKind kind);
gboolean     assay_numbers_equal          (double        a,
                                           double        b,
                                           guint         decimals);
AssayDateOrder assay_date_order_for_text  (const char   *text,
                                           gsize         length);
gboolean     assay_date_parse             (const char   *text,
                                           gsize         length,
                                           AssayDateOrder order,
                                           gboolean      full_only,
                                           AssayDate    *out);
char        *assay_date_to_iso            (const AssayDate *date);

G_END_DECLS
