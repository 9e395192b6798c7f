/* test-benford.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>

#include "assay-benford.h"

static void
test_first_digit (void)
{
  g_assert_cmpuint (assay_benford_first_digit (1234), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (-987.6), ==, 9);
  g_assert_cmpuint (assay_benford_first_digit (0.0123), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (-0.0123), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (7e-7), ==, 7);
  g_assert_cmpuint (assay_benford_first_digit (5), ==, 5);
  g_assert_cmpuint (assay_benford_first_digit (1000), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (999.9999), ==, 9);
  /* Written 0.3, stored as 0.2999…: the digit as written. */
  g_assert_cmpuint (assay_benford_first_digit (0.3), ==, 3);
  g_assert_cmpuint (assay_benford_first_digit (0.1 + 0.2), ==, 3);
  g_assert_cmpuint (assay_benford_first_digit (0.29999), ==, 2);
  /* 1e23 is stored as 9.99…e22. */
  g_assert_cmpuint (assay_benford_first_digit (1e23), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (6e-5), ==, 6);
  g_assert_cmpuint (assay_benford_first_digit (DBL_MAX), ==, 1);
  g_assert_cmpuint (assay_benford_first_digit (DBL_MIN), ==, 2);
  g_assert_cmpuint (assay_benford_first_digit (DBL_MIN / 2), ==, 1);
  /* The smallest subnormal is 4.94e-324. */
  g_assert_cmpuint (assay_benford_first_digit (nextafter (0.0, 1.0)), ==, 4);

  g_assert_cmpuint (assay_benford_first_digit (0.0), ==, 0);
  g_assert_cmpuint (assay_benford_first_digit (-0.0), ==, 0);
  g_assert_cmpuint (assay_benford_first_digit (NAN), ==, 0);
  g_assert_cmpuint (assay_benford_first_digit (INFINITY), ==, 0);
  g_assert_cmpuint (assay_benford_first_digit (-INFINITY), ==, 0);

  /* Every digit at every scale from 1e-20 to 1e20. */
  for (int e = -20; e <= 20; e++)
    for (guint d = 1; d <= 9; d++)
      {
        double v = d * pow (10.0, e);

        g_assert_cmpuint (assay_benford_first_digit (v), ==, d);
        g_assert_cmpuint (assay_benford_first_digit (-v), ==, d);
        g_assert_cmpuint (assay_benford_first_digit (v * 1.05), ==, d);
      }
}

static void
test_chi_square_survival (void)
{
  /* Table values (5 % and 95 % points of χ² with 8 df), and the closed
   * form for even df: Q = e^(−x/2) Σ_{i<k/2} (x/2)^i / i!. */
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (15.507, 8), 0.05, 1e-4);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (2.733, 8), 0.95, 1e-4);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (15.507, 8),
                                  0.05000521928328079, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (2.733, 8),
                                  0.9499803079594098, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (20.090, 8),
                                  0.010000861559524631, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (8.0, 8),
                                  0.43347012036670884, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (1.0, 8),
                                  0.9982483774437091, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (50.0, 8) / 4.086758947996746e-08,
                                  1.0, 1e-9);
  /* df 2 is the exponential: e^(−x/2). */
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (3.0, 2), exp (-1.5), 1e-13);
  /* df 1: erfc (√(x/2)). */
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (3.841, 1),
                                  erfc (sqrt (3.841 / 2)), 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chi_square_survival (0.5, 1),
                                  erfc (sqrt (0.25)), 1e-12);

  g_assert_cmpfloat (assay_chi_square_survival (0.0, 8), ==, 1.0);
  g_assert_cmpfloat (assay_chi_square_survival (-1.0, 8), ==, 1.0);
  g_assert_cmpfloat (assay_chi_square_survival (INFINITY, 8), ==, 0.0);
  g_assert_cmpfloat (assay_chi_square_survival (1e6, 8), ==, 0.0);
  g_assert_true (isnan (assay_chi_square_survival (NAN, 8)));
}

/* Appends @count values with first digit @digit, spread over scales. */
static void
add_values (GArray *values,
            guint   digit,
            guint   count)
{
  for (guint i = 0; i < count; i++)
    {
      double v = (digit + (i % 10) / 10.0) * pow (10.0, (double) (i % 7) - 2);

      if (i % 5 == 0)
        v = -v;
      g_array_append_val (values, v);
    }
}

static void
test_benford_conforming (void)
{
  /* round (1000 log10 (1 + 1/d)) sums to exactly 1000. */
  const guint counts[9] = { 301, 176, 125, 97, 79, 67, 58, 51, 46 };
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  AssayBenford result;
  double zero = 0.0;
  double nan = NAN;
  double chi = 0.0;

  for (guint d = 1; d <= 9; d++)
    add_values (values, d, counts[d - 1]);
  /* No first digit: skipped. */
  g_array_append_val (values, zero);
  g_array_append_val (values, nan);

  assay_benford_compute ((double *) values->data, values->len, &result);

  g_assert_cmpuint (result.n, ==, 1000);
  for (guint d = 1; d <= 9; d++)
    {
      double expected = log10 (1.0 + 1.0 / d);
      double diff = counts[d - 1] - 1000 * expected;

      g_assert_cmpuint (result.counts[d - 1], ==, counts[d - 1]);
      g_assert_cmpfloat_with_epsilon (result.expected[d - 1], expected, 1e-15);
      g_assert_cmpfloat_with_epsilon (result.observed[d - 1], counts[d - 1] / 1000.0, 1e-15);
      chi += diff * diff / (1000 * expected);
    }
  g_assert_cmpfloat_with_epsilon (result.expected[0], 0.30103, 1e-5);
  g_assert_cmpfloat_with_epsilon (result.chi_square, chi, 1e-12);
  g_assert_cmpfloat (result.chi_square, <, 0.1);
  g_assert_cmpfloat (result.p_value, >, 0.999);
  g_assert_cmpfloat (result.mad, <, 0.001);
  g_assert_cmpint (result.verdict, ==, ASSAY_BENFORD_CLOSE);
  g_assert_cmpstr (assay_benford_verdict_to_string (result.verdict), ==, "close");
}

static void
test_benford_uniform (void)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  AssayBenford result;

  for (guint d = 1; d <= 9; d++)
    add_values (values, d, 100);

  assay_benford_compute ((double *) values->data, values->len, &result);

  /* χ² = Σ (100 − 900 e_d)² / (900 e_d), MAD = Σ |1/9 − e_d| / 9. */
  g_assert_cmpuint (result.n, ==, 900);
  g_assert_cmpfloat_with_epsilon (result.chi_square, 361.5284636209621, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.mad, 0.05971703510991756, 1e-12);
  g_assert_cmpfloat (result.p_value, <, 1e-60);
  g_assert_cmpint (result.verdict, ==, ASSAY_BENFORD_NONCONFORMING);
  g_assert_cmpstr (assay_benford_verdict_to_string (result.verdict), ==, "nonconforming");
}

static void
test_benford_thresholds (void)
{
  /* 1000 values; moving k values from digit 1 to digit 9 changes the MAD
   * by 2k/9000 from the exact-Benford counts' 0.000233. */
  const guint base[9] = { 301, 176, 125, 97, 79, 67, 58, 51, 46 };
  const struct { guint moved; AssayBenfordVerdict verdict; } cases[] = {
    { 0, ASSAY_BENFORD_CLOSE },
    { 40, ASSAY_BENFORD_ACCEPTABLE },      /* MAD ≈ 0.0091 */
    { 60, ASSAY_BENFORD_MARGINAL },        /* ≈ 0.0136 */
    { 80, ASSAY_BENFORD_NONCONFORMING },   /* ≈ 0.0180 */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
      AssayBenford result;

      for (guint d = 1; d <= 9; d++)
        {
          guint count = base[d - 1];

          if (d == 1)
            count -= cases[c].moved;
          else if (d == 9)
            count += cases[c].moved;
          add_values (values, d, count);
        }

      assay_benford_compute ((double *) values->data, values->len, &result);
      g_assert_cmpint (result.verdict, ==, cases[c].verdict);
    }

  g_assert_cmpstr (assay_benford_verdict_to_string (ASSAY_BENFORD_ACCEPTABLE), ==, "acceptable");
  g_assert_cmpstr (assay_benford_verdict_to_string (ASSAY_BENFORD_MARGINAL), ==, "marginal");
}

static void
test_benford_insufficient (void)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  AssayBenford result;
  double extra = 1.0;

  /* 49 values with a first digit, and zeros that do not count. */
  for (guint i = 0; i < 49; i++)
    {
      double v = 1.0 + i % 9;
      double zero = 0.0;

      g_array_append_val (values, v);
      g_array_append_val (values, zero);
    }

  assay_benford_compute ((double *) values->data, values->len, &result);
  g_assert_cmpuint (result.n, ==, 49);
  g_assert_cmpint (result.verdict, ==, ASSAY_BENFORD_INSUFFICIENT_DATA);
  g_assert_cmpstr (assay_benford_verdict_to_string (result.verdict), ==, "insufficient-data");

  g_array_append_val (values, extra);
  assay_benford_compute ((double *) values->data, values->len, &result);
  g_assert_cmpuint (result.n, ==, ASSAY_BENFORD_MIN_COUNT);
  g_assert_cmpint (result.verdict, !=, ASSAY_BENFORD_INSUFFICIENT_DATA);

  assay_benford_compute (NULL, 0, &result);
  g_assert_cmpuint (result.n, ==, 0);
  g_assert_cmpfloat (result.chi_square, ==, 0.0);
  g_assert_cmpfloat (result.p_value, ==, 1.0);
  g_assert_cmpint (result.verdict, ==, ASSAY_BENFORD_INSUFFICIENT_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/benford/first-digit", test_first_digit);
  g_test_add_func ("/assay/benford/chi-square-survival", test_chi_square_survival);
  g_test_add_func ("/assay/benford/conforming", test_benford_conforming);
  g_test_add_func ("/assay/benford/uniform", test_benford_uniform);
  g_test_add_func ("/assay/benford/thresholds", test_benford_thresholds);
  g_test_add_func ("/assay/benford/insufficient", test_benford_insufficient);

  return g_test_run ();
}
