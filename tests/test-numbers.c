/* test-numbers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-numbers.h"

#define PLAIN    ASSAY_NUMBER_PLAIN
#define AMOUNT   ASSAY_NUMBER_AMOUNT
#define PERCENT  ASSAY_NUMBER_PERCENT
#define YEAR     ASSAY_NUMBER_YEAR
#define DATE     ASSAY_NUMBER_DATE
#define PAGE     ASSAY_NUMBER_PAGE_NUMBER
#define LIST     ASSAY_NUMBER_LIST_INDEX
#define IDENT    ASSAY_NUMBER_IDENTIFIER

static void
assert_close (double got,
              double want)
{
  if (!(fabs (got - want) <= 1e-9 * MAX (1.0, fabs (want))))
    g_error ("got %.17g, want %.17g", got, want);
}

/* ------------------------------------------------------------------------ */
/* assay_number_parse                                                        */

typedef struct
{
  const char      *text;
  gboolean         ok;
  double           value;
  double           mantissa;
  const char      *currency;
  int              scale;
  int              decimals;
  AssayNumberKind  kind;
} ParseCase;

static const ParseCase parse_cases[] = {
  /* locale notations */
  { "1,234.56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1.234,56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1 234,56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1\xc2\xa0" "234,56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1\xe2\x80\xaf" "234,56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1'234.56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1\xe2\x80\x99" "234.56", TRUE, 1234.56, 1234.56, "", 0, 2, PLAIN },
  { "1,234,567.89", TRUE, 1234567.89, 1234567.89, "", 0, 2, PLAIN },
  { "1.234.567,89", TRUE, 1234567.89, 1234567.89, "", 0, 2, PLAIN },
  { "12 345 678,9", TRUE, 12345678.9, 12345678.9, "", 0, 1, PLAIN },
  { "1 000 000", TRUE, 1e6, 1e6, "", 0, 0, PLAIN },
  { "1 234", TRUE, 1234, 1234, "", 0, 0, PLAIN },
  /* the ambiguity rules */
  { "1,234", TRUE, 1234, 1234, "", 0, 0, PLAIN },
  { "1,23", TRUE, 1.23, 1.23, "", 0, 2, PLAIN },
  { "0,123", TRUE, 0.123, 0.123, "", 0, 3, PLAIN },
  { "1234,567", TRUE, 1234.567, 1234.567, "", 0, 3, PLAIN },
  { "1.234", TRUE, 1.234, 1.234, "", 0, 3, PLAIN },
  { "1.234.567", TRUE, 1234567, 1234567, "", 0, 0, PLAIN },
  { "1.234,5", TRUE, 1234.5, 1234.5, "", 0, 1, PLAIN },
  { "2,019", TRUE, 2019, 2019, "", 0, 0, PLAIN },
  { "0.5", TRUE, 0.5, 0.5, "", 0, 1, PLAIN },
  { "0", TRUE, 0, 0, "", 0, 0, PLAIN },
  { "12", TRUE, 12, 12, "", 0, 0, PLAIN },
  { "  42  ", TRUE, 42, 42, "", 0, 0, PLAIN },
  { "2019", TRUE, 2019, 2019, "", 0, 0, YEAR },
  { "2101", TRUE, 2101, 2101, "", 0, 0, PLAIN },
  /* signs and accounting negatives */
  { "(1,234)", TRUE, -1234, -1234, "", 0, 0, PLAIN },
  { "-12.5", TRUE, -12.5, -12.5, "", 0, 1, PLAIN },
  { "\xe2\x88\x92" "12.5", TRUE, -12.5, -12.5, "", 0, 1, PLAIN },
  { "+7", TRUE, 7, 7, "", 0, 0, PLAIN },
  { "(12.5%)", TRUE, -12.5, -12.5, "", 0, 1, PERCENT },
  { "-$12", TRUE, -12, -12, "USD", 0, 0, AMOUNT },
  { "$-12", TRUE, -12, -12, "USD", 0, 0, AMOUNT },
  { "EUR -12", TRUE, -12, -12, "EUR", 0, 0, AMOUNT },
  { "(\xe2\x82\xac" "1,234.56)", TRUE, -1234.56, -1234.56, "EUR", 0, 2, AMOUNT },
  { "\xe2\x88\x92" "1.234,56 \xe2\x82\xac", TRUE, -1234.56, -1234.56, "EUR", 0, 2, AMOUNT },
  /* percent */
  { "12%", TRUE, 12, 12, "", 0, 0, PERCENT },
  { "12 percent", TRUE, 12, 12, "", 0, 0, PERCENT },
  { "12 per cent", TRUE, 12, 12, "", 0, 0, PERCENT },
  { "12,5 %", TRUE, 12.5, 12.5, "", 0, 1, PERCENT },
  { "+3.5 pct", TRUE, 3.5, 3.5, "", 0, 1, PERCENT },
  /* currencies */
  { "$1,234.50", TRUE, 1234.5, 1234.5, "USD", 0, 2, AMOUNT },
  { "1.234,50 \xe2\x82\xac", TRUE, 1234.5, 1234.5, "EUR", 0, 2, AMOUNT },
  { "EUR 12", TRUE, 12, 12, "EUR", 0, 0, AMOUNT },
  { "12 EUR", TRUE, 12, 12, "EUR", 0, 0, AMOUNT },
  { "12EUR", TRUE, 12, 12, "EUR", 0, 0, AMOUNT },
  { "12 euros", TRUE, 12, 12, "EUR", 0, 0, AMOUNT },
  { "\xc2\xa5" "1000", TRUE, 1000, 1000, "JPY", 0, 0, AMOUNT },
  { "CHF 12.-", TRUE, 12, 12, "CHF", 0, 0, AMOUNT },
  { "12,- \xe2\x82\xac", TRUE, 12, 12, "EUR", 0, 0, AMOUNT },
  { "US$ 5", TRUE, 5, 5, "USD", 0, 0, AMOUNT },
  { "R$ 10,50", TRUE, 10.5, 10.5, "BRL", 0, 2, AMOUNT },
  { "\xe2\x82\xb9" "500", TRUE, 500, 500, "INR", 0, 0, AMOUNT },
  /* scales */
  { "USD 3.2bn", TRUE, 3.2e9, 3.2, "USD", 9, 1, AMOUNT },
  { "\xc2\xa3" "5m", TRUE, 5e6, 5, "GBP", 6, 0, AMOUNT },
  { "\xe2\x82\xac" "12m", TRUE, 12e6, 12, "EUR", 6, 0, AMOUNT },
  { "$5 b", TRUE, 5e9, 5, "USD", 9, 0, AMOUNT },
  { "12 million EUR", TRUE, 12e6, 12, "EUR", 6, 0, AMOUNT },
  { "3 Mio. EUR", TRUE, 3e6, 3, "EUR", 6, 0, AMOUNT },
  { "3 Mio.", TRUE, 3e6, 3, "", 6, 0, PLAIN },
  { "12 thousand", TRUE, 12000, 12, "", 3, 0, PLAIN },
  { "12k", TRUE, 12000, 12, "", 3, 0, PLAIN },
  { "1.5 million", TRUE, 1.5e6, 1.5, "", 6, 1, PLAIN },
  { "2 mn", TRUE, 2e6, 2, "", 6, 0, PLAIN },
  { "3.2bn", TRUE, 3.2e9, 3.2, "", 9, 1, PLAIN },
  { "4 billion", TRUE, 4e9, 4, "", 9, 0, PLAIN },
  { "7 Mrd", TRUE, 7e9, 7, "", 9, 0, PLAIN },
  { "1 trillion", TRUE, 1e12, 1, "", 12, 0, PLAIN },
  { "3 tn", TRUE, 3e12, 3, "", 12, 0, PLAIN },
  { "(1.2) bn", TRUE, -1.2e9, -1.2, "", 9, 1, PLAIN },
  /* not one number */
  { "", FALSE },
  { "   ", FALSE },
  { "abc", FALSE },
  { "12abc", FALSE },
  { "1,2,3", FALSE },
  { "1.2.3", FALSE },
  { "$", FALSE },
  { "12 34", FALSE },
  { "--5", FALSE },
  { "(12", FALSE },
  { "12)", FALSE },
  { "1e5", FALSE },
  { "12%%", FALSE },
  { "5kg", FALSE },
  { "5 m", FALSE },
  { "5b", FALSE },
  { "1,00,000", FALSE },
  { ".5", FALSE },
  { "5.", FALSE },
  { "12,-", FALSE },
  { "12.5.2024", FALSE },
  { "twelve", FALSE },
  { "12 apples", FALSE },
};

static void
test_parse_table (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (parse_cases), >=, 60);

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      AssayNumber n;
      gboolean ok;
      gsize len = strlen (c->text);
      gsize lead = strspn (c->text, " ");
      gsize trail = 0;

      while (trail < len - lead && c->text[len - 1 - trail] == ' ')
        trail++;

      memset (&n, 0xab, sizeof n);
      ok = assay_number_parse (c->text, -1, &n);
      g_test_message ("parse \"%s\"", c->text);
      g_assert_cmpint (ok, ==, c->ok);
      if (!ok)
        continue;

      assert_close (n.value, c->value);
      assert_close (n.mantissa, c->mantissa);
      g_assert_cmpstr (n.currency, ==, c->currency);
      g_assert_cmpint (n.scale, ==, c->scale);
      g_assert_cmpint (n.decimals, ==, c->decimals);
      g_assert_cmpstr (assay_number_kind_to_string (n.kind), ==,
                       assay_number_kind_to_string (c->kind));
      g_assert_cmpuint (n.start, ==, lead);
      g_assert_cmpuint (n.end, ==, len - trail);

      /* the same with an explicit length and junk after it */
      {
        g_autofree char *padded = g_strconcat (c->text, "999", NULL);
        AssayNumber m;

        g_assert_true (assay_number_parse (padded, (gssize) len, &m));
        assert_close (m.value, c->value);
      }
    }
}

static void
test_parse_length (void)
{
  AssayNumber n;

  /* "1,234" cut after "1,2" is the decimal 1.2 */
  g_assert_true (assay_number_parse ("1,234", 3, &n));
  assert_close (n.value, 1.2);
  g_assert_cmpint (n.decimals, ==, 1);

  g_assert_false (assay_number_parse ("12", 0, &n));
  g_assert_false (assay_number_parse ("\xff\xfe", -1, &n));
  g_assert_false (assay_number_parse ("1\xff", -1, &n));
}

/* ------------------------------------------------------------------------ */
/* assay_numbers_scan                                                        */

typedef struct
{
  AssayNumberKind  kind;
  double           value;
  const char      *match;     /* text[start..end) */
  const char      *currency;  /* NULL: don't check */
} Expect;

typedef struct
{
  const char *text;
  Expect      expect[12];
} ScanCase;

static const ScanCase scan_cases[] = {
  { "Revenue rose to $1,234.5 million in 2023, up 12% from 2022.",
    { { AMOUNT, 1234.5e6, "$1,234.5 million", "USD" }, { YEAR, 2023, "2023" },
      { PERCENT, 12, "12%" }, { YEAR, 2022, "2022" } } },
  /* page numbers at the top and bottom */
  { "12\nAnnual report\nText with 5 items\n13\n",
    { { PAGE, 12, "12" }, { PLAIN, 5, "5" }, { PAGE, 13, "13" } } },
  { "\n\n  Page 3 of 9\nbody 7 words\nmore\n",
    { { PAGE, 3, "3" }, { PAGE, 9, "9" }, { PLAIN, 7, "7" } } },
  { "Intro\nbody 42 text\n   - 4 -  \n\n",
    { { PLAIN, 42, "42" }, { PAGE, 4, "4" } } },
  { "Title\nsome 8 text\n3/9",
    { { PLAIN, 8, "8" }, { PAGE, 3, "3" }, { PAGE, 9, "9" } } },
  { "Seite 2 von 10\nText",
    { { PAGE, 2, "2" }, { PAGE, 10, "10" } } },
  { "2023\nAnnual report 14 pages",
    { { YEAR, 2023, "2023" }, { PLAIN, 14, "14" } } },
  { "Text 1\nPage 3 of 9 and more",
    { { PLAIN, 1, "1" }, { PLAIN, 3, "3" }, { PLAIN, 9, "9" } } },
  /* list indices */
  { "Header\n1. Introduction\n2) Methods\n  (3) Results\n2.3.1 Data sources\n2.4 Limits\nEnd",
    { { LIST, 1, "1." }, { LIST, 2, "2)" }, { LIST, 3, "(3)" }, { LIST, 2, "2.3.1" },
      { LIST, 2, "2.4" } } },
  { "Header\n1.5 million people\n2. \nx 3. y\nEnd",
    { { PLAIN, 1.5e6, "1.5 million" }, { PLAIN, 2, "2" }, { PLAIN, 3, "3" } } },
  /* dates: one entry each, value yyyymmdd */
  { "Signed 2024-03-01 and 01/03/2024, 1.3.2024, 3 March 2024; March 3, 2024 or 03-Mar-2024.",
    { { DATE, 20240301, "2024-03-01" }, { DATE, 20240301, "01/03/2024" },
      { DATE, 20240301, "1.3.2024" }, { DATE, 20240303, "3 March 2024" },
      { DATE, 20240303, "March 3, 2024" }, { DATE, 20240303, "03-Mar-2024" } } },
  { "Due 12/31/2023, by 3rd March, on 31. Dezember 2023, from 03/2024 to March 2025 at 2024-03-01T10:30:00Z.",
    { { DATE, 20231231, "12/31/2023" }, { DATE, 303, "3rd March" },
      { DATE, 20231231, "31. Dezember 2023" }, { DATE, 20240300, "03/2024" },
      { DATE, 20250300, "March 2025" }, { DATE, 20240301, "2024-03-01T10:30:00Z" } } },
  { "we may 5 and 3 march grow",
    { { PLAIN, 5, "5" }, { PLAIN, 3, "3" } } },
  /* identifiers */
  { "Use A4 paper, ISO9001, v2 and version 1.2.3 at 10:30 or call +49 30 1234567.",
    { { IDENT, 4, "A4" }, { IDENT, 9001, "ISO9001" }, { IDENT, 2, "v2" },
      { IDENT, 1, "1.2.3" }, { IDENT, 10, "10:30" }, { IDENT, 49, "+49 30 1234567" } } },
  { "ISBN 978-3-16-148410-0, doi 10.1000/182, see 0-306-40615-2 and 192.168.0.1",
    { { IDENT, 978, "978-3-16-148410-0" }, { IDENT, 10, "10.1000/182" },
      { IDENT, 0, "0-306-40615-2" }, { IDENT, 192, "192.168.0.1" } } },
  { "Visit https://example.com/report2023.pdf or mail info2@example.org, www.x1.de now 5",
    { { IDENT, 2023, "https://example.com/report2023.pdf" }, { IDENT, 2, "info2@example.org" },
      { IDENT, 1, "www.x1.de" }, { PLAIN, 5, "5" } } },
  { "abc123def x 7, 3D, 21st, No. 2024-017, code 007, card 1234567890123456",
    { { IDENT, 123, "abc123def" }, { PLAIN, 7, "7" }, { IDENT, 3, "3D" },
      { IDENT, 21, "21st" }, { IDENT, 2024, "2024-017" }, { IDENT, 7, "007" },
      { IDENT, 123456789012345, "1234567890123456" } } },
  /* years and ranges */
  { "from 2019-2023 and 10-15 units, 2019\xe2\x80\x93" "2020",
    { { YEAR, 2019, "2019" }, { YEAR, 2023, "2023" }, { PLAIN, 10, "10" },
      { PLAIN, 15, "15" }, { YEAR, 2019, "2019" }, { YEAR, 2020, "2020" } } },
  { "FY2023 results and 2023/24 outlook, Q3 2024, FY23",
    { { YEAR, 2023, "FY2023" }, { YEAR, 2023, "2023/24" }, { IDENT, 3, "Q3" },
      { YEAR, 2024, "2024" }, { YEAR, 2023, "FY23" } } },
  { "In 1999 and 2101 and 1799, 2,000 and 2000 EUR, the 1990s",
    { { YEAR, 1999, "1999" }, { PLAIN, 2101, "2101" }, { PLAIN, 1799, "1799" },
      { PLAIN, 2000, "2,000" }, { AMOUNT, 2000, "2000 EUR", "EUR" }, { YEAR, 1990, "1990s" } } },
  { "mid-2023 vs COVID-19, (2019) and (3)",
    { { YEAR, 2023, "2023" }, { IDENT, 19, "COVID-19" }, { YEAR, 2019, "2019" },
      { PLAIN, 3, "3" } } },
  /* lists of small numbers */
  { "values 1,2,3 and 4, 5, 6",
    { { PLAIN, 1, "1" }, { PLAIN, 2, "2" }, { PLAIN, 3, "3" }, { PLAIN, 4, "4" },
      { PLAIN, 5, "5" }, { PLAIN, 6, "6" } } },
  /* locales and currencies */
  { "Umsatz 1.234,56 \xe2\x82\xac und 1 234,56 EUR sowie 1'234.50 CHF",
    { { AMOUNT, 1234.56, "1.234,56 \xe2\x82\xac", "EUR" }, { AMOUNT, 1234.56, "1 234,56 EUR", "EUR" },
      { AMOUNT, 1234.5, "1'234.50 CHF", "CHF" } } },
  { "12 percent of USD 3.2bn and \xc2\xa3" "5m, \xc2\xa5" "1000, CHF 12.- each",
    { { PERCENT, 12, "12 percent" }, { AMOUNT, 3.2e9, "USD 3.2bn", "USD" },
      { AMOUNT, 5e6, "\xc2\xa3" "5m", "GBP" }, { AMOUNT, 1000, "\xc2\xa5" "1000", "JPY" },
      { AMOUNT, 12, "CHF 12.-", "CHF" } } },
  { "Loss (1,234) vs -12.5 and \xe2\x88\x92" "3, (\xe2\x82\xac" "5.5m) and +4%",
    { { PLAIN, -1234, "(1,234)" }, { PLAIN, -12.5, "-12.5" }, { PLAIN, -3, "\xe2\x88\x92" "3" },
      { AMOUNT, -5.5e6, "(\xe2\x82\xac" "5.5m)", "EUR" }, { PERCENT, 4, "+4%" } } },
  /* a bare "(567)" is negative in a table row, a reference in prose */
  { "Net income   1,234   (567)   2,345\nEquation (3) gives (12) 4",
    { { PLAIN, 1234, "1,234" }, { PLAIN, -567, "(567)" }, { PLAIN, 2345, "2,345" },
      { PLAIN, 3, "3" }, { PLAIN, -12, "(12)" }, { PLAIN, 4, "4" } } },
  { "EPS $(0.12), \xc2\xa3(5.2)m, $ (see 5); CA 1 234,5 M\xe2\x82\xac et 3 Md\xe2\x82\xac; in 2023 EUR 1.2bn",
    { { AMOUNT, -0.12, "$(0.12)", "USD" }, { AMOUNT, -5.2e6, "\xc2\xa3(5.2)m", "GBP" },
      { PLAIN, 5, "5", "" }, { AMOUNT, 1234.5e6, "1 234,5 M\xe2\x82\xac", "EUR" },
      { AMOUNT, 3e9, "3 Md\xe2\x82\xac", "EUR" }, { YEAR, 2023, "2023" },
      { AMOUNT, 1.2e9, "EUR 1.2bn", "EUR" } } },
  { "rose 12%-15% and 5 - 3",
    { { PERCENT, 12, "12%" }, { PERCENT, 15, "15%" }, { PLAIN, 5, "5" }, { PLAIN, 3, "3" } } },
  /* space grouping needs a decimal mark, currency, percent or scale */
  { "had 1 234 people, paid 1 234 EUR and 1\xc2\xa0" "234 items, 12 345,5 t",
    { { PLAIN, 1, "1" }, { PLAIN, 234, "234" }, { AMOUNT, 1234, "1 234 EUR", "EUR" },
      { PLAIN, 1234, "1\xc2\xa0" "234" }, { PLAIN, 12345.5, "12 345,5" } } },
  /* units and scales as words */
  { "ran 12 km in 5 min, 12kg, 10 m tall, 3b, 5 MB, EUR12",
    { { PLAIN, 12, "12" }, { PLAIN, 5, "5" }, { PLAIN, 12, "12" }, { PLAIN, 10, "10" },
      { IDENT, 3, "3b" }, { PLAIN, 5, "5" }, { AMOUNT, 12, "EUR12", "EUR" } } },
  /* multi-byte neighbours and invalid bytes */
  { "\xc3\xbc" "6 \xff" "7, \xe2\x82\xac" "8 caf\xc3\xa9" "9",
    { { IDENT, 6, "\xc3\xbc" "6" }, { PLAIN, 7, "7" }, { AMOUNT, 8, "\xe2\x82\xac" "8", "EUR" },
      { IDENT, 9, "caf\xc3\xa9" "9" } } },
};

static void
check_scan (const char   *text,
            gsize         len,
            const Expect *expect,
            guint         n_expect)
{
  g_autoptr(GArray) numbers = assay_numbers_scan (text, len);

  g_assert_nonnull (numbers);
  for (guint j = 0; j < numbers->len; j++)
    {
      const AssayNumber *n = &g_array_index (numbers, AssayNumber, j);
      g_autofree char *got = g_strndup (text + n->start, n->end - n->start);

      g_test_message ("  [%u] %s %.17g \"%s\"", j, assay_number_kind_to_string (n->kind),
                      n->value, got);
    }
  g_assert_cmpuint (numbers->len, ==, n_expect);

  for (guint j = 0; j < n_expect; j++)
    {
      const AssayNumber *n = &g_array_index (numbers, AssayNumber, j);
      const Expect *e = &expect[j];
      g_autofree char *got = g_strndup (text + n->start, n->end - n->start);

      g_assert_cmpuint (n->start, <, n->end);
      g_assert_cmpuint (n->end, <=, len);
      g_assert_cmpstr (got, ==, e->match);
      g_assert_cmpstr (assay_number_kind_to_string (n->kind), ==,
                       assay_number_kind_to_string (e->kind));
      assert_close (n->value, e->value);
      if (e->currency != NULL)
        g_assert_cmpstr (n->currency, ==, e->currency);
    }
}

static void
test_scan_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      const ScanCase *c = &scan_cases[i];
      guint n_expect = 0;

      while (n_expect < G_N_ELEMENTS (c->expect) && c->expect[n_expect].match != NULL)
        n_expect++;

      /* Escaped: some cases are invalid UTF-8, which TAP output may not carry. */
      {
        g_autofree char *shown = g_strescape (c->text, NULL);

        g_test_message ("scan \"%s\"", shown);
      }
      check_scan (c->text, strlen (c->text), c->expect, n_expect);
    }
}

static void
test_scan_fields (void)
{
  const char *text = "Net: (\xe2\x82\xac" "1.234,5 Mio.) and 2,75 %";
  g_autoptr(GArray) numbers = assay_numbers_scan (text, strlen (text));
  const AssayNumber *a, *b;

  g_assert_cmpuint (numbers->len, ==, 2);
  a = &g_array_index (numbers, AssayNumber, 0);
  g_assert_cmpint (a->kind, ==, ASSAY_NUMBER_AMOUNT);
  assert_close (a->value, -1234.5e6);
  assert_close (a->mantissa, -1234.5);
  g_assert_cmpint (a->scale, ==, 6);
  g_assert_cmpint (a->decimals, ==, 1);
  g_assert_cmpstr (a->currency, ==, "EUR");
  g_assert_cmpuint (a->start, ==, 5);                     /* the '(' */
  g_assert_cmpuint (a->end, ==, 5 + 1 + 3 + 7 + 5 + 1);   /* ( € 1.234,5 " Mio." ) */

  b = &g_array_index (numbers, AssayNumber, 1);
  g_assert_cmpint (b->kind, ==, ASSAY_NUMBER_PERCENT);
  assert_close (b->value, 2.75);
  g_assert_cmpint (b->decimals, ==, 2);
  g_assert_cmpstr (b->currency, ==, "");
  g_assert_cmpuint (b->end, ==, strlen (text));
}

static void
test_scan_bounds (void)
{
  /* nothing past the length is read: the buffer holds exactly @len bytes */
  const char *source = "x 123456";
  char *exact = g_malloc (5);
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(GArray) empty = NULL;
  const AssayNumber *n;

  memcpy (exact, source, 5);
  numbers = assay_numbers_scan (exact, 5);
  g_assert_cmpuint (numbers->len, ==, 1);
  n = &g_array_index (numbers, AssayNumber, 0);
  assert_close (n->value, 123);
  g_assert_cmpuint (n->start, ==, 2);
  g_assert_cmpuint (n->end, ==, 5);
  g_free (exact);

  empty = assay_numbers_scan (NULL, 0);
  g_assert_nonnull (empty);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (g_array_get_element_size (empty), ==, sizeof (AssayNumber));
}

/* ------------------------------------------------------------------------ */
/* assay_numbers_equal and the kinds                                         */

static void
test_equal (void)
{
  /* half a unit of the last written place is the boundary */
  g_assert_true (assay_numbers_equal (1234.5, 1234.46, 1));
  g_assert_true (assay_numbers_equal (1234.5, 1234.55, 1));
  g_assert_true (assay_numbers_equal (1234.5, 1234.45, 1));
  g_assert_false (assay_numbers_equal (1234.5, 1234.56, 1));
  g_assert_false (assay_numbers_equal (1234.5, 1234.44, 1));
  g_assert_true (assay_numbers_equal (100, 100.5, 0));
  g_assert_false (assay_numbers_equal (100, 100.51, 0));
  g_assert_true (assay_numbers_equal (0.125, 0.1249, 3));
  g_assert_false (assay_numbers_equal (0.125, 0.1244, 3));
  g_assert_true (assay_numbers_equal (-2.5, -2.45, 1));
  g_assert_false (assay_numbers_equal (1.0, -1.0, 0));
  /* the relative epsilon absorbs floating-point noise, not real differences */
  g_assert_true (assay_numbers_equal (0.1 + 0.2, 0.3, 17));
  g_assert_true (assay_numbers_equal (1.2e9, 1.2e9 + 0.9, 0));
  g_assert_false (assay_numbers_equal (1.2e9, 1.2e9 + 2, 0));
  g_assert_false (assay_numbers_equal (1234.0, 1235.0, 0));
  g_assert_true (assay_numbers_equal (1234.0, 1234.0, 200));
  /* non-finite values */
  g_assert_false (assay_numbers_equal (NAN, NAN, 2));
  g_assert_false (assay_numbers_equal (NAN, 1.0, 2));
  g_assert_true (assay_numbers_equal (INFINITY, INFINITY, 0));
  g_assert_false (assay_numbers_equal (INFINITY, 1e308, 0));
}

static void
test_kinds (void)
{
  static const struct
  {
    AssayNumberKind kind;
    const char     *name;
    gboolean        quantity;
  } kinds[] = {
    { PLAIN, "plain", TRUE },
    { AMOUNT, "amount", TRUE },
    { PERCENT, "percent", TRUE },
    { YEAR, "year", FALSE },
    { DATE, "date", FALSE },
    { PAGE, "page_number", FALSE },
    { LIST, "list_index", FALSE },
    { IDENT, "identifier", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_assert_cmpstr (assay_number_kind_to_string (kinds[i].kind), ==, kinds[i].name);
      g_assert_cmpint (assay_number_kind_is_quantity (kinds[i].kind), ==, kinds[i].quantity);
    }
}

/* ------------------------------------------------------------------------ */
/* Random input                                                              */

static void
check_invariants (const char *text,
                  gsize       len)
{
  g_autoptr(GArray) numbers = assay_numbers_scan (text, len);
  guint prev_end = 0;

  for (guint j = 0; j < numbers->len; j++)
    {
      const AssayNumber *n = &g_array_index (numbers, AssayNumber, j);

      g_assert_cmpuint (n->start, <, n->end);
      g_assert_cmpuint (n->end, <=, len);
      g_assert_cmpuint (n->start, >=, prev_end);
      g_assert_cmpint (n->kind, >=, ASSAY_NUMBER_PLAIN);
      g_assert_cmpint (n->kind, <=, ASSAY_NUMBER_IDENTIFIER);
      g_assert_cmpuint (strlen (n->currency), <, 4);
      prev_end = n->end;
    }
}

static void
test_fuzz (void)
{
  static const char * const pieces[] = {
    "0", "1", "2", "3", "5", "9", "12", "2023", "1999", ",", ".", " ", "  ", "\n", "\n\n",
    "-", "+", "(", ")", "%", "$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa0", "\xe2\x80\xaf",
    "\xe2\x88\x92", "'", "\xe2\x80\x99", "/", ":", "@", "://", "www.", "a", "b", "k", "m",
    "bn", "EUR", "USD", "FY", "Q", "March", "Page ", " of ", "st", "T", "#", "ISBN ",
    "No. ", "Tel ", "x", "\xc3\xbc", "mio", "percent", "\xe2\x80\x93", "\t", ".-", "1.", "2)",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240301);
  GString *buf = g_string_new (NULL);

  for (guint iter = 0; iter < 3000; iter++)
    {
      guint n_pieces = (guint) g_rand_int_range (rand, 0, 80);
      char *exact;
      AssayNumber n;

      g_string_truncate (buf, 0);
      for (guint k = 0; k < n_pieces; k++)
        {
          if (g_rand_int_range (rand, 0, 6) == 0)
            g_string_append_c (buf, (char) g_rand_int_range (rand, 1, 256));
          else
            g_string_append (buf, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
        }

      /* an exact-size copy: reading past the end shows under ASan */
      exact = g_memdup2 (buf->str, MAX (buf->len, 1));
      check_invariants (exact, buf->len);
      if (buf->len > 0)
        check_invariants (exact, (gsize) g_rand_int_range (rand, 0, (gint32) buf->len));

      if (assay_number_parse (exact, (gssize) buf->len, &n))
        {
          g_assert_cmpuint (n.start, <, n.end);
          g_assert_cmpuint (n.end, <=, buf->len);
          g_assert_true (isfinite (n.value));
        }
      g_free (exact);
    }

  /* pure random bytes */
  for (guint iter = 0; iter < 2000; iter++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 0, 200);
      char *exact = g_malloc (MAX (len, 1));
      AssayNumber n;

      for (gsize k = 0; k < len; k++)
        exact[k] = (char) g_rand_int_range (rand, 0, 256);
      check_invariants (exact, len);
      if (assay_number_parse (exact, (gssize) len, &n))
        g_assert_cmpuint (n.end, <=, len);
      g_free (exact);
    }

  g_string_free (buf, TRUE);
}

/* One reading of dates for the core: the offline extractor's fields
 * (assay_date_parse()) and the analysis's scan agree. */
static const struct
{
  const char     *text;
  AssayDateOrder  order;
  gboolean        full_only;
  const char     *iso;      /* NULL: no date */
  gsize           end;
} date_cases[] = {
  /* the offline extractor's cases */
  { "march 1st, 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 15 },
  { "March 1st, 2024\n", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 15 },
  { "1-mar-2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 10 },
  { "1st mar. 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 13 },
  { "15 march 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-15", 13 },
  { "01.03.2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 10 },
  { "04/05/2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-05-04", 10 },
  { "04/05/2024", ASSAY_DATE_MONTH_FIRST, TRUE, "2024-04-05", 10 },
  { "13/05/2024", ASSAY_DATE_MONTH_FIRST, TRUE, "2024-05-13", 10 },
  { "04.05.2024", ASSAY_DATE_MONTH_FIRST, TRUE, "2024-05-04", 10 },   /* a dot: day first */
  { "2024-02-29", ASSAY_DATE_DAY_FIRST, TRUE, "2024-02-29", 10 },
  { "2023-02-29", ASSAY_DATE_DAY_FIRST, TRUE, NULL, 0 },
  { "31/02/2024", ASSAY_DATE_DAY_FIRST, TRUE, NULL, 0 },
  { "01/03/24", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 8 },
  { "01/03/75", ASSAY_DATE_DAY_FIRST, TRUE, "1975-03-01", 8 },
  { "2024-03-01T10:30:00Z", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-01", 20 },
  { "sept. 3, 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-09-03", 13 },
  { "3. M\xc3\xa4rz 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-03-03", 13 },
  { "1 janvier 2024", ASSAY_DATE_DAY_FIRST, TRUE, "2024-01-01", 14 },
  /* the analysis's partial dates: only when asked for */
  { "March 2024", ASSAY_DATE_DAY_FIRST, TRUE, NULL, 0 },
  { "March 2024", ASSAY_DATE_DAY_FIRST, FALSE, "2024-03", 10 },
  { "03/2024", ASSAY_DATE_DAY_FIRST, FALSE, "2024-03", 7 },
  { "3rd March", ASSAY_DATE_DAY_FIRST, FALSE, "--03-03", 9 },
  { "3rd march", ASSAY_DATE_DAY_FIRST, FALSE, NULL, 0 },   /* lower case, no year */
  /* not dates */
  { "12345", ASSAY_DATE_DAY_FIRST, FALSE, NULL, 0 },
  { "1.2.3", ASSAY_DATE_DAY_FIRST, FALSE, NULL, 0 },
  { "maybe 5, 2024", ASSAY_DATE_DAY_FIRST, FALSE, NULL, 0 },
  { "", ASSAY_DATE_DAY_FIRST, FALSE, NULL, 0 },
};

static void
test_date_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (date_cases); i++)
    {
      AssayDate date = { 0 };
      gboolean found = assay_date_parse (date_cases[i].text, strlen (date_cases[i].text),
                                         date_cases[i].order, date_cases[i].full_only, &date);

      g_test_message ("%s", date_cases[i].text);
      if (date_cases[i].iso == NULL)
        g_assert_false (found);
      else
        {
          g_autofree char *iso = NULL;

          g_assert_true (found);
          iso = assay_date_to_iso (&date);
          g_assert_cmpstr (iso, ==, date_cases[i].iso);
          g_assert_cmpuint (date.start, ==, 0);
          g_assert_cmpuint (date.end, ==, date_cases[i].end);
        }
    }
}

static double
first_date (const char *text)
{
  g_autoptr(GArray) numbers = assay_numbers_scan (text, strlen (text));

  for (guint i = 0; i < numbers->len; i++)
    if (g_array_index (numbers, AssayNumber, i).kind == ASSAY_NUMBER_DATE)
      return g_array_index (numbers, AssayNumber, i).value;

  return -1;
}

/* The scan reads a page's ambiguous dates as the offline extractor reads
 * that page's date fields. */
static void
test_date_order (void)
{
  g_assert_cmpint (assay_date_order_for_text ("Total 12 EUR", 12), ==, ASSAY_DATE_DAY_FIRST);
  g_assert_cmpint (assay_date_order_for_text ("Total $12", 9), ==, ASSAY_DATE_MONTH_FIRST);
  g_assert_cmpint (assay_date_order_for_text ("Total 12 USD", 12), ==, ASSAY_DATE_MONTH_FIRST);
  g_assert_cmpint (assay_date_order_for_text ("Total 12 USD", 8), ==, ASSAY_DATE_DAY_FIRST);

  g_assert_cmpfloat (first_date ("Invoice of 04/05/2024 for 12 EUR"), ==, 20240504);
  g_assert_cmpfloat (first_date ("Invoice of 04/05/2024 for $12"), ==, 20240405);
  g_assert_cmpfloat (first_date ("Invoice of 04.05.2024 for $12"), ==, 20240504);
  g_assert_cmpfloat (first_date ("Invoice of 13/05/2024 for $12"), ==, 20240513);
  /* No 31 February, for either reader. */
  g_assert_cmpfloat (first_date ("Signed 31/02/2024 here"), ==, -1);
  g_assert_cmpfloat (first_date ("Signed 29/02/2024 here"), ==, 20240229);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/numbers/parse/table", test_parse_table);
  g_test_add_func ("/assay/numbers/parse/length", test_parse_length);
  g_test_add_func ("/assay/numbers/scan/table", test_scan_table);
  g_test_add_func ("/assay/numbers/scan/fields", test_scan_fields);
  g_test_add_func ("/assay/numbers/scan/bounds", test_scan_bounds);
  g_test_add_func ("/assay/numbers/equal", test_equal);
  g_test_add_func ("/assay/numbers/kinds", test_kinds);
  g_test_add_func ("/assay/numbers/fuzz", test_fuzz);
  g_test_add_func ("/assay/numbers/date/parse", test_date_parse);
  g_test_add_func ("/assay/numbers/date/order", test_date_order);

  return g_test_run ();
}
