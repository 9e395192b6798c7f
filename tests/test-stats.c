/* test-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "assay-stats.h"

static void
test_stats_basic (void)
{
  /* Mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, sample variance 32/7;
   * NaN and ±inf are skipped. */
  const double values[] = { 7, 2, NAN, 4, 4, INFINITY, 4, 5, 5, -INFINITY, 9 };
  AssayStats stats;

  assay_stats_compute (values, G_N_ELEMENTS (values), &stats);

  g_assert_cmpuint (stats.count, ==, 8);
  g_assert_cmpfloat (stats.sum, ==, 40.0);
  g_assert_cmpfloat (stats.mean, ==, 5.0);
  g_assert_cmpfloat (stats.median, ==, 4.5);
  /* R type 7: h = 7 * 0.25 = 1.75 → 4 + 0.75 (4 - 4) = 4;
   *           h = 7 * 0.75 = 5.25 → 5 + 0.25 (7 - 5) = 5.5 */
  g_assert_cmpfloat (stats.q1, ==, 4.0);
  g_assert_cmpfloat (stats.q3, ==, 5.5);
  g_assert_cmpfloat_with_epsilon (stats.stddev, sqrt (32.0 / 7.0), 1e-12);
  g_assert_cmpfloat (stats.min, ==, 2.0);
  g_assert_cmpfloat (stats.max, ==, 9.0);
}

static void
test_stats_quartiles (void)
{
  const double sorted[] = { 1, 2, 3, 4 };

  /* numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25 */
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 0.25), ==, 1.75);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 0.5), ==, 2.5);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 0.75), ==, 3.25);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 0.0), ==, 1.0);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 1.0), ==, 4.0);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 4, 0.9), ==, 3.7);
  g_assert_cmpfloat (assay_quantile_sorted (sorted, 1, 0.3), ==, 1.0);
  g_assert_true (isnan (assay_quantile_sorted (sorted, 0, 0.5)));
}

static void
test_stats_stable (void)
{
  /* The textbook catastrophic-cancellation case: 4, 7, 13, 16 shifted by
   * 1e9 still has variance 30. A naive Σx² − n·mean² gives garbage. */
  const double values[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
  AssayStats stats;

  assay_stats_compute (values, G_N_ELEMENTS (values), &stats);

  g_assert_cmpfloat (stats.mean, ==, 1e9 + 10);
  g_assert_cmpfloat_with_epsilon (stats.stddev, sqrt (30.0), 1e-9);

  /* Compensated sum: 1e16 + 1 + 1 − 1e16 is 2, not 0. */
  {
    const double big[] = { 1e16, 1.0, 1.0, -1e16 };

    assay_stats_compute (big, G_N_ELEMENTS (big), &stats);
    g_assert_cmpfloat (stats.sum, ==, 2.0);
  }

  /* The sum overflows; the mean does not. */
  {
    const double huge[] = { 1.5e308, 1.5e308, 1.2e308 };

    assay_stats_compute (huge, G_N_ELEMENTS (huge), &stats);
    g_assert_true (isinf (stats.sum));
    g_assert_cmpfloat_with_epsilon (stats.mean / 1e308, 1.4, 1e-12);
    g_assert_cmpfloat (stats.max, ==, 1.5e308);
  }
}

static void
test_stats_empty (void)
{
  const double nothing[] = { NAN, INFINITY };
  const double one[] = { -3.5 };
  AssayStats stats;

  assay_stats_compute (NULL, 0, &stats);
  g_assert_cmpuint (stats.count, ==, 0);
  g_assert_cmpfloat (stats.sum, ==, 0.0);
  g_assert_cmpfloat (stats.stddev, ==, 0.0);

  assay_stats_compute (nothing, G_N_ELEMENTS (nothing), &stats);
  g_assert_cmpuint (stats.count, ==, 0);
  g_assert_cmpfloat (stats.mean, ==, 0.0);

  assay_stats_compute (one, 1, &stats);
  g_assert_cmpuint (stats.count, ==, 1);
  g_assert_cmpfloat (stats.median, ==, -3.5);
  g_assert_cmpfloat (stats.q1, ==, -3.5);
  g_assert_cmpfloat (stats.q3, ==, -3.5);
  g_assert_cmpfloat (stats.stddev, ==, 0.0);
  g_assert_cmpfloat (stats.min, ==, -3.5);
  g_assert_cmpfloat (stats.max, ==, -3.5);
}

static guint64
histogram_total (const AssayHistogram *h)
{
  guint64 total = 0;

  for (guint i = 0; i < h->n_bins; i++)
    total += h->counts[i];

  return total;
}

static void
test_histogram_linear (void)
{
  double values[100];
  g_autoptr(AssayHistogram) h = NULL;
  g_autoptr(AssayHistogram) h4 = NULL;
  const guint64 expected[] = { 13, 12, 13, 12, 12, 13, 12, 13 };

  for (guint i = 0; i < 100; i++)
    values[i] = i;

  /* Freedman–Diaconis: IQR 74.25 − 24.75 = 49.5, width 2·49.5/∛100 = 21.33
   * → 5 bins; Sturges ⌈log2 100⌉ + 1 = 8 wins. Width 99/8 = 12.375. */
  h = assay_histogram_new (values, 100, 32);
  g_assert_false (h->log_scale);
  g_assert_cmpuint (h->n_bins, ==, 8);
  g_assert_cmpuint (h->n_excluded, ==, 0);
  g_assert_cmpfloat (h->edges[0], ==, 0.0);
  g_assert_cmpfloat (h->edges[1], ==, 12.375);
  g_assert_cmpfloat (h->edges[8], ==, 99.0);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (h->counts[i], ==, expected[i]);

  /* Capped: 4 bins of 24.75 hold 25 values each, 99 in the closed last. */
  h4 = assay_histogram_new (values, 100, 4);
  g_assert_cmpuint (h4->n_bins, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (h4->counts[i], ==, 25);
}

static void
test_histogram_log (void)
{
  /* Positives 1 … 5000 span 3.7 decades and are 8 of 10 values. */
  const double values[] = { 1, 5, 10, 50, 100, 500, 1000, 5000, -3, 0, NAN };
  double decades[10];
  g_autoptr(AssayHistogram) h = NULL;
  g_autoptr(AssayHistogram) merged = NULL;

  h = assay_histogram_new (values, G_N_ELEMENTS (values), 32);
  g_assert_true (h->log_scale);
  g_assert_cmpuint (h->n_bins, ==, 4);
  g_assert_cmpuint (h->n_excluded, ==, 2);
  g_assert_cmpfloat (h->edges[0], ==, 1.0);
  g_assert_cmpfloat (h->edges[1], ==, 10.0);
  g_assert_cmpfloat (h->edges[2], ==, 100.0);
  g_assert_cmpfloat (h->edges[3], ==, 1000.0);
  g_assert_cmpfloat (h->edges[4], ==, 10000.0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (h->counts[i], ==, 2);

  /* 1e-3 … 1e6 is 9 decades; 4 bins at most → 3 decades per bin. */
  for (int i = 0; i < 10; i++)
    decades[i] = pow (10.0, i - 3);
  merged = assay_histogram_new (decades, 10, 4);
  g_assert_true (merged->log_scale);
  g_assert_cmpuint (merged->n_bins, ==, 3);
  g_assert_cmpfloat_with_epsilon (merged->edges[0], 1e-3, 1e-18);
  g_assert_cmpfloat (merged->edges[1], ==, 1.0);
  g_assert_cmpfloat (merged->edges[2], ==, 1000.0);
  g_assert_cmpfloat (merged->edges[3], ==, 1e6);
  g_assert_cmpuint (merged->counts[0], ==, 3);
  g_assert_cmpuint (merged->counts[1], ==, 3);
  g_assert_cmpuint (merged->counts[2], ==, 4);
}

static void
test_histogram_scale_choice (void)
{
  /* Mostly negative: a log scale would leave out 3 of 5 values. */
  const double negative[] = { -1000, -500, -1, 1, 1000 };
  /* Only two decades. */
  const double narrow[] = { 1, 10, 99 };
  g_autoptr(AssayHistogram) a = NULL;
  g_autoptr(AssayHistogram) b = NULL;

  a = assay_histogram_new (negative, G_N_ELEMENTS (negative), 32);
  g_assert_false (a->log_scale);
  g_assert_cmpuint (a->n_excluded, ==, 0);
  g_assert_cmpuint (histogram_total (a), ==, 5);
  g_assert_cmpfloat (a->edges[0], ==, -1000.0);
  g_assert_cmpfloat (a->edges[a->n_bins], ==, 1000.0);

  b = assay_histogram_new (narrow, G_N_ELEMENTS (narrow), 32);
  g_assert_false (b->log_scale);
  g_assert_cmpuint (histogram_total (b), ==, 3);
}

static void
test_histogram_degenerate (void)
{
  const double same[] = { 3, 3, 3, 3, 3 };
  const double huge[] = { 1e300, 1e300 };
  const double nan_only[] = { NAN };
  g_autoptr(AssayHistogram) empty = NULL;
  g_autoptr(AssayHistogram) nans = NULL;
  g_autoptr(AssayHistogram) one = NULL;
  g_autoptr(AssayHistogram) big = NULL;

  empty = assay_histogram_new (NULL, 0, 32);
  g_assert_cmpuint (empty->n_bins, ==, 0);
  g_assert_null (empty->edges);
  g_assert_null (empty->counts);

  nans = assay_histogram_new (nan_only, 1, 32);
  g_assert_cmpuint (nans->n_bins, ==, 0);

  one = assay_histogram_new (same, G_N_ELEMENTS (same), 32);
  g_assert_cmpuint (one->n_bins, ==, 1);
  g_assert_cmpuint (one->counts[0], ==, 5);
  g_assert_cmpfloat (one->edges[0], ==, 2.5);
  g_assert_cmpfloat (one->edges[1], ==, 3.5);

  big = assay_histogram_new (huge, 2, 32);
  g_assert_cmpuint (big->n_bins, ==, 1);
  g_assert_cmpfloat (big->edges[0], <, 1e300);
  g_assert_cmpfloat (big->edges[1], >, 1e300);
}

static void
test_histogram_max_bins (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  double values[2000];

  /* Heavy tails, mixed signs, both scales: never more than max_bins,
   * every value counted once. */
  for (guint round = 0; round < 60; round++)
    {
      guint n = g_rand_int_range (rand, 1, G_N_ELEMENTS (values));
      guint max_bins = 1 + round % 40;
      g_autoptr(AssayHistogram) h = NULL;

      for (guint i = 0; i < n; i++)
        {
          double magnitude = pow (10.0, g_rand_double_range (rand, -4, round % 12));
          values[i] = (round % 3 == 0 && g_rand_boolean (rand)) ? -magnitude : magnitude;
        }

      h = assay_histogram_new (values, n, max_bins);
      g_assert_cmpuint (h->n_bins, >=, 1);
      g_assert_cmpuint (h->n_bins, <=, max_bins);
      g_assert_cmpuint (histogram_total (h) + h->n_excluded, ==, n);
      for (guint i = 0; i < h->n_bins; i++)
        g_assert_cmpfloat (h->edges[i], <, h->edges[i + 1]);
    }
}

static void
test_outliers_iqr (void)
{
  const double values[] = { 1, 2, NAN, 100, 3, 4, 5, 6, 7, 8, 9 };
  g_autoptr(GArray) outliers = NULL;
  double lower, upper;

  /* Finite values 1…9, 100: q1 = 3.25, q3 = 7.75, IQR 4.5,
   * fences 3.25 − 6.75 = −3.5 and 7.75 + 6.75 = 14.5. */
  outliers = assay_outliers_find (values, G_N_ELEMENTS (values),
                                  ASSAY_OUTLIER_IQR, &lower, &upper);
  g_assert_cmpfloat (lower, ==, -3.5);
  g_assert_cmpfloat (upper, ==, 14.5);
  g_assert_cmpuint (outliers->len, ==, 1);
  g_assert_cmpuint (g_array_index (outliers, guint, 0), ==, 3);
  g_assert_cmpstr (assay_outlier_method_to_string (ASSAY_OUTLIER_IQR), ==, "iqr");
}

static void
test_outliers_mad (void)
{
  const double values[] = { -40, 1, 2, NAN, 100, 3, 4, 5, 6, 7, 8, 9 };
  const double spike[] = { 5, 5, 5, 9, 5, 5, 5 };
  const double flat[] = { 2, 2, 2 };
  g_autoptr(GArray) outliers = NULL;
  g_autoptr(GArray) spiked = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) empty = NULL;
  double lower, upper;

  /* Finite −40, 1…9, 100: median 5, |deviations| 45, 4, 3, 2, 1, 0, 1, 2,
   * 3, 4, 95 → MAD 3; fences 5 ± 3.5 · 3 / 0.6745. */
  outliers = assay_outliers_find (values, G_N_ELEMENTS (values),
                                  ASSAY_OUTLIER_MAD, &lower, &upper);
  g_assert_cmpfloat_with_epsilon (lower, 5 - 3.5 * 3 / 0.6745, 1e-12);
  g_assert_cmpfloat_with_epsilon (upper, 5 + 3.5 * 3 / 0.6745, 1e-12);
  g_assert_cmpuint (outliers->len, ==, 2);
  g_assert_cmpuint (g_array_index (outliers, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (outliers, guint, 1), ==, 4);
  g_assert_cmpstr (assay_outlier_method_to_string (ASSAY_OUTLIER_MAD), ==, "mad");

  /* MAD 0: mean absolute deviation 4/7 · 1.253314 stands in. */
  spiked = assay_outliers_find (spike, G_N_ELEMENTS (spike),
                                ASSAY_OUTLIER_MAD, &lower, &upper);
  g_assert_cmpfloat_with_epsilon (upper, 5 + 3.5 * 1.253314 * 4 / 7, 1e-12);
  g_assert_cmpuint (spiked->len, ==, 1);
  g_assert_cmpuint (g_array_index (spiked, guint, 0), ==, 3);

  none = assay_outliers_find (flat, 3, ASSAY_OUTLIER_MAD, &lower, &upper);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpfloat (lower, ==, 2.0);
  g_assert_cmpfloat (upper, ==, 2.0);

  empty = assay_outliers_find (NULL, 0, ASSAY_OUTLIER_IQR, &lower, &upper);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_true (isnan (lower));
  g_assert_true (isnan (upper));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/stats/basic", test_stats_basic);
  g_test_add_func ("/assay/stats/quartiles", test_stats_quartiles);
  g_test_add_func ("/assay/stats/stable", test_stats_stable);
  g_test_add_func ("/assay/stats/empty", test_stats_empty);
  g_test_add_func ("/assay/stats/histogram-linear", test_histogram_linear);
  g_test_add_func ("/assay/stats/histogram-log", test_histogram_log);
  g_test_add_func ("/assay/stats/histogram-scale-choice", test_histogram_scale_choice);
  g_test_add_func ("/assay/stats/histogram-degenerate", test_histogram_degenerate);
  g_test_add_func ("/assay/stats/histogram-max-bins", test_histogram_max_bins);
  g_test_add_func ("/assay/stats/outliers-iqr", test_outliers_iqr);
  g_test_add_func ("/assay/stats/outliers-mad", test_outliers_mad);

  return g_test_run ();
}
