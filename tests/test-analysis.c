/* test-analysis.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-analysis.h"

static const char *page_one =
  "Revenue reached 1,234.5 and costs were 200 in 2023 — growth was strong.";
static const char *page_three =
  "Total due 300 EUR, paid on time by the customer.";

/* Page 1: two plain numbers and a year; page 2: scanned, no text;
 * page 3: one amount. */
static AssayPdfText *
build_text (void)
{
  AssayPdfText *text = assay_pdf_text_new ();

  text->n_pages = 3;
  assay_pdf_text_add_page (text, 0, g_strdup (page_one), TRUE);
  assay_pdf_text_add_page (text, 1, g_strdup (""), FALSE);
  assay_pdf_text_add_page (text, 2, g_strdup (page_three), TRUE);

  return text;
}

static JsonObject *
member (JsonObject *object,
        const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_object_member (object, name);
}

static void
test_analysis_counts (void)
{
  g_autoptr(AssayPdfText) text = build_text ();
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object, *numbers, *by_kind, *stats, *histogram, *benford, *outliers;
  JsonObject *verification, *page;
  JsonArray *pages, *counts;
  AssayMinhash expected;
  gint64 in_bins = 0;

  analysis = assay_analyse (text, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);

  root = assay_analysis_to_json (analysis);
  object = json_node_get_object (root);

  numbers = member (object, "numbers");
  g_assert_cmpint (json_object_get_int_member (numbers, "count"), ==, 4);
  by_kind = member (numbers, "by_kind");
  g_assert_cmpint (json_object_get_size (by_kind), ==, 8);
  g_assert_cmpint (json_object_get_int_member (by_kind, "plain"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (by_kind, "amount"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (by_kind, "year"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (by_kind, "percent"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (by_kind, "page_number"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (by_kind, "list_index"), ==, 0);

  /* Quantities 1234.5, 200, 300 (the year is kept out). */
  stats = member (numbers, "stats");
  g_assert_cmpint (json_object_get_int_member (stats, "count"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (stats, "sum"), ==, 1734.5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "mean"),
                                  1734.5 / 3, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (stats, "median"), ==, 300.0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "q1"), ==, 250.0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "q3"), ==, 767.25);
  g_assert_cmpfloat (json_object_get_double_member (stats, "min"), ==, 200.0);
  g_assert_cmpfloat (json_object_get_double_member (stats, "max"), ==, 1234.5);

  histogram = member (object, "histogram");
  g_assert_cmpstr (json_object_get_string_member (histogram, "scale"), ==, "linear");
  counts = json_object_get_array_member (histogram, "counts");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (histogram, "edges")),
                    ==, json_array_get_length (counts) + 1);
  g_assert_cmpuint (json_array_get_length (counts), <=, 32);
  for (guint i = 0; i < json_array_get_length (counts); i++)
    in_bins += json_array_get_int_element (counts, i);
  g_assert_cmpint (in_bins, ==, 3);

  benford = member (object, "benford");
  g_assert_cmpint (json_object_get_int_member (benford, "n"), ==, 3);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (benford, "counts"), 0),
                   ==, 1);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (benford, "counts"), 1),
                   ==, 1);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (benford, "counts"), 2),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string_member (benford, "verdict"), ==, "insufficient-data");

  /* q1 250, q3 767.25: fences 250 − 775.875 and 767.25 + 775.875. */
  outliers = member (object, "outliers");
  g_assert_cmpstr (json_object_get_string_member (outliers, "method"), ==, "iqr");
  g_assert_cmpfloat (json_object_get_double_member (outliers, "lower_fence"), ==, -525.875);
  g_assert_cmpfloat (json_object_get_double_member (outliers, "upper_fence"), ==, 1543.125);
  g_assert_cmpint (json_object_get_int_member (outliers, "count"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (outliers, "values")), ==, 0);

  pages = json_object_get_array_member (object, "pages");
  g_assert_cmpuint (json_array_get_length (pages), ==, 3);
  page = json_array_get_object_element (pages, 0);
  g_assert_cmpint (json_object_get_int_member (page, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (page, "numbers"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (page, "words"), ==, 12);   /* "—" is no word */
  g_assert_true (json_object_get_boolean_member (page, "has_text"));
  page = json_array_get_object_element (pages, 1);
  g_assert_cmpint (json_object_get_int_member (page, "page"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (page, "numbers"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (page, "words"), ==, 0);
  g_assert_false (json_object_get_boolean_member (page, "has_text"));
  page = json_array_get_object_element (pages, 2);
  g_assert_cmpint (json_object_get_int_member (page, "page"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (page, "numbers"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (page, "words"), ==, 10);

  verification = member (object, "verification");
  g_assert_cmpint (json_object_get_int_member (verification, "total"), ==, 0);

  /* The signature is the pages' shingles, page by page. */
  assay_minhash_init (&expected);
  assay_minhash_add_text (&expected, page_one, strlen (page_one));
  assay_minhash_add_text (&expected, page_three, strlen (page_three));
  g_assert_cmpuint (assay_analysis_get_signature (analysis)->n_shingles, ==, 10 + 6);
  g_assert_cmpmem (assay_analysis_get_signature (analysis)->slots, sizeof expected.slots,
                   expected.slots, sizeof expected.slots);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "signature"), "mh1:"));
}

static void
test_analysis_verification (void)
{
  g_autoptr(AssayPdfText) text = build_text ();
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("offline", "general");
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;
  AssayFigure *present, *absent;
  const AssayVerifySummary *summary;

  present = assay_extraction_add_figure (extraction, "Total due", 300, "300", 3,
                                         "Total due 300 EUR");
  absent = assay_extraction_add_figure (extraction, "Made up", 777, "777", 1, NULL);

  analysis = assay_analyse (text, extraction, NULL, &error);
  g_assert_no_error (error);

  summary = assay_analysis_get_verification (analysis);
  g_assert_cmpuint (summary->total, ==, 2);
  g_assert_cmpuint (summary->verified, ==, 1);
  g_assert_cmpuint (summary->unverified, ==, 1);
  g_assert_cmpint (present->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (present->verified_page, ==, 3);
  g_assert_cmpint (absent->verified, ==, ASSAY_VERIFICATION_UNVERIFIED);
}

static void
test_analysis_outliers (void)
{
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(GString) page = g_string_new (NULL);
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *outliers, *first;
  JsonArray *values;

  /* 300 ordinary sales and 60 in the millions: the millions are a sixth,
   * so the quartiles stay among the ordinary ones and all 60 are outliers;
   * the 50 farthest from the median are listed, farthest first. */
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (page, "Sales were %u units.\n", 100 + i);
  for (guint i = 1; i <= 60; i++)
    g_string_append_printf (page, "Sales were %u,000,000 units.\n", i);
  g_string_append (page, "All regions reported on time.\n");
  assay_pdf_text_add_page (text, 0, g_strdup (page->str), TRUE);

  analysis = assay_analyse (text, NULL, NULL, &error);
  g_assert_no_error (error);
  root = assay_analysis_to_json (analysis);

  outliers = json_object_get_object_member (json_node_get_object (root), "outliers");
  g_assert_cmpint (json_object_get_int_member (outliers, "count"), ==, 60);
  values = json_object_get_array_member (outliers, "values");
  g_assert_cmpuint (json_array_get_length (values), ==, 50);

  first = json_array_get_object_element (values, 0);
  g_assert_cmpfloat (json_object_get_double_member (first, "value"), ==, 60e6);
  g_assert_cmpstr (json_object_get_string_member (first, "raw"), ==, "60,000,000");
  g_assert_cmpint (json_object_get_int_member (first, "page"), ==, 1);
  first = json_array_get_object_element (values, 49);
  g_assert_cmpfloat (json_object_get_double_member (first, "value"), ==, 11e6);
}

static void
test_analysis_empty (void)
{
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object, *stats, *histogram, *outliers;

  analysis = assay_analyse (text, NULL, NULL, &error);
  g_assert_no_error (error);
  root = assay_analysis_to_json (analysis);
  object = json_node_get_object (root);

  stats = json_object_get_object_member (json_object_get_object_member (object, "numbers"),
                                         "stats");
  g_assert_cmpint (json_object_get_int_member (stats, "count"), ==, 0);
  g_assert_true (json_object_get_null_member (stats, "mean"));
  g_assert_true (json_object_get_null_member (stats, "median"));
  histogram = json_object_get_object_member (object, "histogram");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (histogram, "edges")),
                    ==, 0);
  outliers = json_object_get_object_member (object, "outliers");
  g_assert_true (json_object_get_null_member (outliers, "lower_fence"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "pages")),
                    ==, 0);
  g_assert_cmpuint (assay_analysis_get_signature (analysis)->n_shingles, ==, 0);
}

static void
test_analysis_cancelled (void)
{
  g_autoptr(AssayPdfText) text = build_text ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  analysis = assay_analyse (text, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (analysis);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/analysis/counts", test_analysis_counts);
  g_test_add_func ("/assay/analysis/verification", test_analysis_verification);
  g_test_add_func ("/assay/analysis/outliers", test_analysis_outliers);
  g_test_add_func ("/assay/analysis/empty", test_analysis_empty);
  g_test_add_func ("/assay/analysis/cancelled", test_analysis_cancelled);

  return g_test_run ();
}
