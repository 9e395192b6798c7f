/* test-verify.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "assay-verify.h"

static const char *pages[] = {
  "Consolidated income statement\n"
  "(in millions of USD)\n"
  "                   2023      2022\n"
  "Total revenue   1,234.5   1,100.2\n"
  "Cost of sales   (734.1)   (650.0)\n"
  "Operating income  500.4     450.2\n"
  "Operating margin  12.5%\n"
  "Market value of 1.2 billion at year end.\n",

  "Konzern-Gewinn- und Verlustrechnung\n"
  "Umsatzerlöse              1.234,5\n"
  "Eigenkapital        1.200.000.000\n"
  "Mitarbeiter            12 345 678\n",

  "Balance sheet\n"
  "Total assets     98,765\n"
  "Net loss        (1,234)\n"
  "Total due  1.472,63 €\n",
};

static AssayPdfText *
make_text (void)
{
  AssayPdfText *text = assay_pdf_text_new ();

  text->n_pages = G_N_ELEMENTS (pages);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assay_pdf_text_add_page (text, i, g_strdup (pages[i]), TRUE);

  return text;
}

static AssayFigure *
add (AssayExtraction *extraction,
     const char      *label,
     double           value,
     const char      *raw,
     const char      *unit,
     guint            page)
{
  AssayFigure *figure = assay_extraction_add_figure (extraction, label, value, raw, page, NULL);

  figure->unit = g_strdup (unit);
  return figure;
}

static void
assert_result (AssayFigure       *figure,
               AssayVerification  verified,
               guint              verified_page)
{
  if (figure->verified != verified || figure->verified_page != verified_page)
    g_error ("%s (%g, raw %s, page %u): got %s on page %u, expected %s on page %u",
             figure->label, figure->value, figure->raw, figure->page,
             assay_verification_to_string (figure->verified), figure->verified_page,
             assay_verification_to_string (verified), verified_page);
}

static void
test_figures (void)
{
  g_autoptr(AssayPdfText) text = make_text ();
  g_autoptr(AssayPageNumbers) numbers = assay_page_numbers_new (text);
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("llm", "general");
  AssayVerifySummary summary = { 99, 99, 99, 99 };
  AssayFigure *scaled, *no_raw, *european, *fabricated, *wrong_page, *sign_lost,
              *sign_added, *parens, *parens_minus, *billion, *billion_unknown,
              *billion_digits, *percent, *fraction, *spaces, *unread_page, *nan_value;

  /* The value is in USD, the page writes millions. */
  scaled = add (extraction, "Total revenue", 1234.5e6, "1,234.5", "USD", 1);
  /* Other notation on the page: "1.234,5" */
  no_raw = add (extraction, "Umsatzerlöse", 1234.5, NULL, "EUR", 2);
  european = add (extraction, "Umsatzerlöse", 1234.5, "1234.5", "EUR", 2);
  fabricated = add (extraction, "Total revenue", 9876.5, "9,876.5", "USD", 1);
  wrong_page = add (extraction, "Total assets", 98765, "98,765", NULL, 1);
  /* The page says 500.4 and (734.1): the signs do not agree. */
  sign_lost = add (extraction, "Operating income", -500.4, "-500.4", NULL, 1);
  sign_added = add (extraction, "Cost of sales", 734.1, "734.1", NULL, 1);
  parens = add (extraction, "Cost of sales", -734.1e6, "(734.1)", "USD", 1);
  parens_minus = add (extraction, "Net loss", -1234, "-1,234", NULL, 3);
  billion = add (extraction, "Market value", 1.2e9, "1.2", NULL, 1);
  billion_unknown = add (extraction, "Market value", 1.2e9, "1.2", NULL, 0);
  billion_digits = add (extraction, "Eigenkapital", 1.2e9, "1.2", NULL, 2);
  percent = add (extraction, "Operating margin", 12.5, "12.5%", "%", 1);
  fraction = add (extraction, "Operating margin", 0.125, NULL, "%", 1);
  /* "12 345 678" with plain spaces: the digits still match. */
  spaces = add (extraction, "Mitarbeiter", 12345678, "12 345 678", NULL, 2);
  unread_page = add (extraction, "Total assets", 98765, NULL, NULL, 9);
  nan_value = add (extraction, "Broken", NAN, "n/a", NULL, 1);

  assay_verify_extraction (extraction, numbers, &summary);

  assert_result (scaled, ASSAY_VERIFICATION_VERIFIED, 1);
  assert_result (no_raw, ASSAY_VERIFICATION_VERIFIED, 2);
  assert_result (european, ASSAY_VERIFICATION_VERIFIED, 2);
  assert_result (fabricated, ASSAY_VERIFICATION_UNVERIFIED, 0);
  assert_result (wrong_page, ASSAY_VERIFICATION_VERIFIED, 3);
  assert_result (sign_lost, ASSAY_VERIFICATION_UNVERIFIED, 0);
  assert_result (sign_added, ASSAY_VERIFICATION_UNVERIFIED, 0);
  assert_result (parens, ASSAY_VERIFICATION_VERIFIED, 1);
  assert_result (parens_minus, ASSAY_VERIFICATION_VERIFIED, 3);
  assert_result (billion, ASSAY_VERIFICATION_VERIFIED, 1);
  /* Page unknown: the first page that has it (page 2 has it as well). */
  assert_result (billion_unknown, ASSAY_VERIFICATION_VERIFIED, 1);
  assert_result (billion_digits, ASSAY_VERIFICATION_VERIFIED, 2);
  assert_result (percent, ASSAY_VERIFICATION_VERIFIED, 1);
  assert_result (fraction, ASSAY_VERIFICATION_VERIFIED, 1);
  assert_result (spaces, ASSAY_VERIFICATION_VERIFIED, 2);
  assert_result (unread_page, ASSAY_VERIFICATION_VERIFIED, 3);
  assert_result (nan_value, ASSAY_VERIFICATION_UNVERIFIED, 0);

  g_assert_cmpuint (summary.total, ==, 17);
  g_assert_cmpuint (summary.verified, ==, 13);
  g_assert_cmpuint (summary.unverified, ==, 4);
  /* wrong_page and unread_page; billion_unknown had no page to be wrong about */
  g_assert_cmpuint (summary.wrong_page, ==, 2);
}

static void
test_fields (void)
{
  g_autoptr(AssayPdfText) text = make_text ();
  g_autoptr(AssayPageNumbers) numbers = assay_page_numbers_new (text);
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("offline", "invoice");
  AssayVerifySummary summary;
  AssayField *total, *wrong_total, *name, *not_a_number, *count, *scaled;

  total = assay_extraction_add_number_field (extraction, "total", ASSAY_FIELD_MONEY, 1472.63,
                                             "EUR", 3, "Total due  1.472,63 €");
  wrong_total = assay_extraction_add_number_field (extraction, "total", ASSAY_FIELD_MONEY,
                                                   1472.36, "EUR", 3, NULL);
  name = assay_extraction_add_field (extraction, "issuer", ASSAY_FIELD_STRING, "1.472,63", 3,
                                     NULL);
  not_a_number = assay_extraction_add_field (extraction, "tax", ASSAY_FIELD_MONEY, "n/a", 3,
                                             NULL);
  count = assay_extraction_add_field (extraction, "count", ASSAY_FIELD_NUMBER, "98765", 0, NULL);
  /* The snippet supplies the number as written: 1,234.5 in millions. */
  scaled = assay_extraction_add_number_field (extraction, "revenue", ASSAY_FIELD_MONEY, 1234.5e6,
                                              "USD", 1, "Total revenue   1,234.5   1,100.2");

  assay_verify_extraction (extraction, numbers, &summary);

  g_assert_cmpint (total->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (total->verified_page, ==, 3);
  g_assert_cmpint (wrong_total->verified, ==, ASSAY_VERIFICATION_UNVERIFIED);
  g_assert_cmpuint (wrong_total->verified_page, ==, 0);
  g_assert_cmpint (name->verified, ==, ASSAY_VERIFICATION_UNCHECKED);
  g_assert_cmpint (not_a_number->verified, ==, ASSAY_VERIFICATION_UNCHECKED);
  g_assert_cmpint (count->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (count->verified_page, ==, 3);
  g_assert_cmpint (scaled->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (scaled->verified_page, ==, 1);

  g_assert_cmpuint (summary.total, ==, 4);
  g_assert_cmpuint (summary.verified, ==, 3);
  g_assert_cmpuint (summary.unverified, ==, 1);
  g_assert_cmpuint (summary.wrong_page, ==, 0);

  /* Checking again gives the same answer (no summary wanted). */
  assay_verify_extraction (extraction, numbers, NULL);
  g_assert_cmpint (total->verified, ==, ASSAY_VERIFICATION_VERIFIED);
}

static void
test_value_on_page (void)
{
  g_autoptr(AssayPdfText) text = make_text ();
  g_autoptr(AssayPageNumbers) numbers = assay_page_numbers_new (text);

  g_assert_true (assay_verify_value_on_page (numbers, 1, 500.4, NULL));
  g_assert_false (assay_verify_value_on_page (numbers, 2, 500.4, NULL));
  g_assert_false (assay_verify_value_on_page (numbers, 1, -500.4, NULL));
  g_assert_true (assay_verify_value_on_page (numbers, 0, 98765, "98,765"));
  g_assert_true (assay_verify_value_on_page (numbers, 3, -1234, "(1,234)"));
  g_assert_false (assay_verify_value_on_page (numbers, 3, 1234, "1,234"));
  /* 1,234.5 is written with one decimal: 1234.46 is not on the page ... */
  g_assert_false (assay_verify_value_on_page (numbers, 1, 1234.46, NULL));
  /* ... but 1234.5 written as 1234.50 is. */
  g_assert_true (assay_verify_value_on_page (numbers, 1, 1234.5, "1234.50"));
  g_assert_false (assay_verify_value_on_page (numbers, 4, 500.4, NULL));
  g_assert_false (assay_verify_value_on_page (numbers, 1, NAN, NULL));
}

static void
test_empty (void)
{
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(AssayPageNumbers) numbers = NULL;
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("offline", "general");
  AssayVerifySummary summary;
  AssayFigure *figure;

  assay_pdf_text_add_page (text, 0, g_strdup (""), FALSE);
  numbers = assay_page_numbers_new (text);
  figure = assay_extraction_add_figure (extraction, "Revenue", 12, "12", 1, NULL);
  assay_verify_extraction (extraction, numbers, &summary);

  g_assert_cmpint (figure->verified, ==, ASSAY_VERIFICATION_UNVERIFIED);
  g_assert_cmpuint (summary.total, ==, 1);
  g_assert_cmpuint (summary.unverified, ==, 1);
}

/* Many pages and figures: every figure placed on its page must be found
 * there, every figure moved one page on must be found on its real page. */
static void
test_scale (void)
{
  const guint n_pages = 400;
  const guint per_page = 100;
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(AssayPageNumbers) numbers = NULL;
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("offline", "general");
  AssayVerifySummary summary;
  gint64 t0, t1, t2;

  for (guint p = 0; p < n_pages; p++)
    {
      GString *page = g_string_new (NULL);

      for (guint i = 0; i < per_page; i++)
        {
          guint k = p * per_page + i;
          g_string_append_printf (page, "Line item %u        %u,%03u.%02u\n",
                                  i, 1 + k / 1000, k % 1000, k % 100);
        }
      assay_pdf_text_add_page (text, p, g_string_free (page, FALSE), TRUE);
    }

  for (guint p = 0; p < n_pages; p++)
    {
      for (guint i = 0; i < per_page; i++)
        {
          guint k = p * per_page + i;
          double value = (1 + k / 1000) * 1000.0 + k % 1000 + (k % 100) / 100.0;
          g_autofree char *raw = g_strdup_printf ("%u,%03u.%02u", 1 + k / 1000, k % 1000, k % 100);
          /* Every tenth figure claims the next page. */
          guint page = p + 1 + (i % 10 == 0 && p + 1 < n_pages ? 1 : 0);

          assay_extraction_add_figure (extraction, "Line item", value, raw, page, NULL);
        }
    }

  t0 = g_get_monotonic_time ();
  numbers = assay_page_numbers_new (text);
  t1 = g_get_monotonic_time ();
  assay_verify_extraction (extraction, numbers, &summary);
  t2 = g_get_monotonic_time ();

  g_test_message ("%u lines on %u pages indexed in %.1f ms; %u figures verified in %.1f ms",
                  n_pages * per_page, n_pages, (t1 - t0) / 1000.0,
                  extraction->figures->len, (t2 - t1) / 1000.0);

  g_assert_cmpuint (summary.total, ==, n_pages * per_page);
  g_assert_cmpuint (summary.verified, ==, n_pages * per_page);
  g_assert_cmpuint (summary.wrong_page, ==, (n_pages - 1) * (per_page / 10));

  for (guint j = 0; j < extraction->figures->len; j++)
    {
      AssayFigure *figure = g_ptr_array_index (extraction->figures, j);
      g_assert_cmpuint (figure->verified_page, ==, j / per_page + 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/verify/figures", test_figures);
  g_test_add_func ("/assay/verify/fields", test_fields);
  g_test_add_func ("/assay/verify/value-on-page", test_value_on_page);
  g_test_add_func ("/assay/verify/empty", test_empty);
  g_test_add_func ("/assay/verify/scale", test_scale);

  return g_test_run ();
}
