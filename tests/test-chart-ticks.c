/* test-chart-ticks.c — nice numbers, log decades, calendar ticks, labels */
#include "config.h"

#include <locale.h>
#include <float.h>
#include <math.h>

#include "assay-chart-ticks.h"

static gboolean
is_nice_step (double step)
{
  double e = floor (log10 (step));
  double f = step / pow (10, e);

  return fabs (f - 1) < 1e-9 || fabs (f - 2) < 1e-9 || fabs (f - 5) < 1e-9 || fabs (f - 10) < 1e-9;
}

static void
test_nice_number (void)
{
  g_assert_cmpfloat (assay_chart_nice_number (1.3, TRUE), ==, 1);
  g_assert_cmpfloat (assay_chart_nice_number (2.4, TRUE), ==, 2);
  g_assert_cmpfloat (assay_chart_nice_number (4, TRUE), ==, 5);
  g_assert_cmpfloat (assay_chart_nice_number (8, TRUE), ==, 10);
  g_assert_cmpfloat (assay_chart_nice_number (1.3, FALSE), ==, 2);
  g_assert_cmpfloat_with_epsilon (assay_chart_nice_number (0.031, TRUE), 0.05, 1e-12);
  g_assert_cmpfloat_with_epsilon (assay_chart_nice_number (7300, FALSE), 10000, 1e-9);
}

/* Over many ranges and magnitudes: a nice step, ticks at its multiples,
 * inside the bounds, covering the data when extended, never too many. */
static void
test_linear_many_ranges (void)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (guint r = 0; r < 5000; r++)
    {
      double scale = pow (10, g_rand_double_range (rand, -6, 12));
      double a = g_rand_double_range (rand, -1, 1) * scale;
      double b = a + g_rand_double_range (rand, 1e-3, 3) * scale;
      guint max_ticks = g_rand_int_range (rand, 2, 12);
      gboolean extend = g_rand_boolean (rand);
      g_autoptr(AssayChartTicks) t = assay_chart_ticks_linear (a, b, max_ticks, extend, NULL);

      g_assert_true (is_nice_step (t->step));
      g_assert_cmpuint (t->n_ticks, >=, 1);
      /* Across zero, a value axis keeps a tick each side of zero and at it. */
      g_assert_cmpuint (t->n_ticks, <=, extend && a < 0 && b > 0 ? MAX (max_ticks, 3) : max_ticks);
      if (extend)
        {
          g_assert_cmpfloat (t->min, <=, a + t->step * 1e-6);
          g_assert_cmpfloat (t->max, >=, b - t->step * 1e-6);
          g_assert_cmpfloat_with_epsilon (t->ticks[0].value, t->min, t->step * 1e-6);
          g_assert_cmpfloat_with_epsilon (t->ticks[t->n_ticks - 1].value, t->max, t->step * 1e-6);
        }
      for (guint i = 0; i < t->n_ticks; i++)
        {
          double k = t->ticks[i].value / t->step;

          g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
          g_assert_cmpfloat (t->ticks[i].value, >=, t->min - t->step * 1e-6);
          g_assert_cmpfloat (t->ticks[i].value, <=, t->max + t->step * 1e-6);
          g_assert_nonnull (t->ticks[i].label);
          g_assert_null (strstr (t->ticks[i].label, "e+"));
          g_assert_null (strstr (t->ticks[i].label, "e-"));
          if (i > 0)
            g_assert_cmpfloat (t->ticks[i].value, >, t->ticks[i - 1].value);
        }
    }
  g_rand_free (rand);
}

/* Two ticks asked for over a range across zero: the step stays the size
 * of the range (it once grew until both ends rounded to zero). */
static void
test_linear_across_zero (void)
{
  g_autoptr(AssayChartTicks) t = assay_chart_ticks_linear (-734.1e6, 500.4e6, 2, TRUE, "USD");

  g_assert_cmpfloat (t->min, <=, -734.1e6);
  g_assert_cmpfloat (t->max, >=, 500.4e6);
  g_assert_cmpfloat (t->step, <=, 1e9);
  g_assert_cmpuint (t->n_ticks, ==, 3);
  g_assert_cmpfloat (t->ticks[1].value, ==, 0);
}

static void
test_linear_labels (void)
{
  g_autoptr(AssayChartTicks) a = assay_chart_ticks_linear (0, 97, 6, TRUE, NULL);
  g_autoptr(AssayChartTicks) b = assay_chart_ticks_linear (0, 2.4e6, 6, TRUE, "EUR");
  g_autoptr(AssayChartTicks) c = assay_chart_ticks_linear (-0.3, 0.3, 7, TRUE, NULL);
  g_autoptr(AssayChartTicks) d = assay_chart_ticks_linear (5, 5, 5, TRUE, NULL);
  g_autoptr(AssayChartTicks) e = assay_chart_ticks_linear (0, 3.2e9, 5, TRUE, "USD");
  g_autoptr(AssayChartTicks) f = assay_chart_ticks_linear (0, 0.25, 6, TRUE, "s");

  g_assert_cmpfloat (a->step, ==, 20);
  g_assert_cmpfloat (a->max, ==, 100);
  g_assert_cmpstr (a->ticks[0].label, ==, "0");
  g_assert_cmpstr (a->ticks[5].label, ==, "100");

  g_assert_cmpfloat (b->step, ==, 500000);
  g_assert_cmpstr (b->ticks[0].label, ==, "0 EUR");
  g_assert_cmpstr (b->ticks[1].label, ==, "0.5 M EUR");
  g_assert_cmpstr (b->ticks[5].label, ==, "2.5 M EUR");

  /* Zero is exactly zero, not -0 or 1e-17. */
  for (guint i = 0; i < c->n_ticks; i++)
    if (fabs (c->ticks[i].value) < 1e-12)
      g_assert_cmpstr (c->ticks[i].label, ==, "0");
  g_assert_cmpstr (c->ticks[0].label, ==, "-0.3");

  /* One value: a range around it. */
  g_assert_cmpfloat (d->min, <, 5);
  g_assert_cmpfloat (d->max, >, 5);

  g_assert_cmpstr (e->ticks[1].label, ==, "1 bn USD");
  g_assert_cmpstr (f->ticks[1].label, ==, "50 ms");
}

static void
test_log (void)
{
  g_autoptr(AssayChartTicks) a = assay_chart_ticks_log (3, 2.5e6, 10, NULL);
  g_autoptr(AssayChartTicks) b = assay_chart_ticks_log (1, 1e30, 6, NULL);
  g_autoptr(AssayChartTicks) c = assay_chart_ticks_log (12, 800, 10, "EUR");
  g_autoptr(AssayChartTicks) d = assay_chart_ticks_log (-5, 100, 10, NULL);

  g_assert_cmpfloat (a->min, ==, 1);
  g_assert_cmpfloat (a->max, ==, 1e7);
  g_assert_cmpuint (a->n_ticks, ==, 8);
  g_assert_cmpstr (a->ticks[0].label, ==, "1");
  g_assert_cmpstr (a->ticks[3].label, ==, "1000");
  g_assert_cmpstr (a->ticks[4].label, ==, "10k");
  g_assert_cmpstr (a->ticks[7].label, ==, "10M");

  /* Too many decades: a nice number of decades per tick. */
  g_assert_cmpuint (b->n_ticks, <=, 6);
  g_assert_cmpfloat (b->step, >=, 5);
  for (guint i = 0; i < b->n_ticks; i++)
    {
      double dec = log10 (b->ticks[i].value);

      g_assert_cmpfloat (fabs (dec - round (dec)), <, 1e-9);
    }

  /* Two decades: 2 and 5 too. */
  g_assert_cmpfloat (c->min, ==, 10);
  g_assert_cmpfloat (c->max, ==, 1000);
  g_assert_cmpuint (c->n_ticks, ==, 7);
  g_assert_cmpfloat (c->ticks[1].value, ==, 20);
  g_assert_cmpfloat (c->ticks[2].value, ==, 50);
  g_assert_cmpstr (c->ticks[1].label, ==, "20 EUR");

  /* A non-positive minimum has no place: the range starts below the maximum. */
  g_assert_cmpfloat (d->min, >, 0);

  /* Far from 1, powers of ten: "10⁻⁵", not "0.00001" (R-intro's numbers);
   * "10¹⁸", not eighteen digits and a T. */
  {
    g_autoptr(AssayChartTicks) e = assay_chart_ticks_log (2e-5, 3e10, 20, NULL);

    g_assert_cmpfloat (e->min, ==, 1e-5);
    g_assert_cmpstr (e->ticks[0].label, ==, "10⁻⁵");
    g_assert_cmpstr (e->ticks[1].label, ==, "10⁻⁴");
    g_assert_cmpstr (e->ticks[2].label, ==, "0.001");
    g_assert_cmpstr (e->ticks[5].label, ==, "1");
    g_assert_cmpstr (e->ticks[e->n_ticks - 1].label, ==, "100G");
    for (guint i = 0; i < b->n_ticks; i++)
      if (b->ticks[i].value > 1e15)
        g_assert_nonnull (g_strrstr (b->ticks[i].label, "10"));
    g_assert_cmpstr (b->ticks[b->n_ticks - 1].label, ==, "10³⁰");
  }
}

static double
utc (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  return (double) g_date_time_to_unix (dt);
}

static void
test_time (void)
{
  g_autoptr(AssayChartTicks) days = assay_chart_ticks_time (utc (2024, 3, 1, 0, 0, 0), utc (2024, 3, 8, 0, 0, 0), 10);
  g_autoptr(AssayChartTicks) months = assay_chart_ticks_time (utc (2023, 1, 15, 0, 0, 0), utc (2024, 1, 10, 0, 0, 0), 8);
  g_autoptr(AssayChartTicks) years = assay_chart_ticks_time (utc (1990, 6, 1, 0, 0, 0), utc (2024, 6, 1, 0, 0, 0), 8);
  g_autoptr(AssayChartTicks) minutes = assay_chart_ticks_time (utc (2024, 3, 1, 10, 0, 0), utc (2024, 3, 1, 10, 30, 0), 7);
  g_autoptr(AssayChartTicks) seconds = assay_chart_ticks_time (utc (2024, 3, 1, 10, 0, 0), utc (2024, 3, 1, 10, 0, 20), 5);

  /* Days at midnight UTC. */
  g_assert_cmpuint (days->n_ticks, ==, 8);
  g_assert_cmpstr (days->ticks[0].label, ==, "1 Mar");
  g_assert_cmpstr (days->ticks[7].label, ==, "8 Mar");
  for (guint i = 0; i < days->n_ticks; i++)
    g_assert_cmpfloat (fmod (days->ticks[i].value, 86400), ==, 0);

  /* Months: the first of each, inside the range. */
  g_assert_cmpuint (months->n_ticks, >=, 3);
  g_assert_cmpuint (months->n_ticks, <=, 8);
  for (guint i = 0; i < months->n_ticks; i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) months->ticks[i].value);

      g_assert_cmpint (g_date_time_get_day_of_month (dt), ==, 1);
      g_assert_cmpfloat (months->ticks[i].value, >=, months->min);
      g_assert_cmpfloat (months->ticks[i].value, <=, months->max);
    }
  g_assert_cmpstr (months->ticks[0].label, ==, "Apr 2023");

  /* Years: 1 January, a nice number apart. */
  g_assert_cmpuint (years->n_ticks, <=, 8);
  g_assert_cmpstr (years->ticks[0].label, ==, "1995");
  g_assert_cmpstr (years->ticks[1].label, ==, "2000");

  g_assert_cmpstr (minutes->ticks[0].label, ==, "10:00");
  g_assert_cmpstr (minutes->ticks[1].label, ==, "10:05");
  g_assert_cmpstr (seconds->ticks[1].label, ==, "10:00:05");
}

/* Whatever comes in — extremes, tiny widths, reversed, infinite — ticks come
 * out: few enough, ascending, labelled. */
static void
test_fuzz (void)
{
  static const double specials[] = { 0, -0.0, 1, -1, 1e-300, -1e-300, 1e300, -1e300, 1e20, 1e20 + 1e5,
                                     4.9e-324, DBL_MAX, -DBL_MAX, INFINITY, -INFINITY, NAN, 1e15, 123456789.123 };
  GRand *rand = g_rand_new_with_seed (11);

  for (guint r = 0; r < 3000; r++)
    {
      double a, b;
      guint max_ticks = g_rand_int_range (rand, 2, 15);

      if (r < G_N_ELEMENTS (specials) * G_N_ELEMENTS (specials))
        {
          a = specials[r / G_N_ELEMENTS (specials)];
          b = specials[r % G_N_ELEMENTS (specials)];
        }
      else
        {
          a = g_rand_double_range (rand, -1, 1) * pow (10, g_rand_int_range (rand, -300, 300));
          b = a + g_rand_double (rand) * pow (10, g_rand_int_range (rand, -300, 300));
        }

      for (guint kind = 0; kind < 4; kind++)
        {
          g_autoptr(AssayChartTicks) t = NULL;

          if (kind == 0)
            t = assay_chart_ticks_linear (a, b, max_ticks, TRUE, "EUR");
          else if (kind == 1)
            t = assay_chart_ticks_linear (a, b, max_ticks, FALSE, NULL);
          else if (kind == 2)
            t = assay_chart_ticks_log (a, b, max_ticks, NULL);
          else
            t = assay_chart_ticks_time (a, b, max_ticks);

          g_assert_cmpuint (t->n_ticks, <=, max_ticks + 2);
          g_assert_false (isnan (t->min));
          g_assert_false (isnan (t->max));
          for (guint i = 0; i < t->n_ticks; i++)
            {
              g_assert_nonnull (t->ticks[i].label);
              if (i > 0)
                g_assert_cmpfloat (t->ticks[i].value, >, t->ticks[i - 1].value);
            }
        }
    }
  g_rand_free (rand);
}

static void
test_exact (void)
{
  g_autofree char *a = assay_chart_format_exact (1234.5, "EUR");
  g_autofree char *b = assay_chart_format_exact (0.1 + 0.2, NULL);
  g_autofree char *c = assay_chart_format_exact (NAN, NULL);

  g_assert_cmpstr (a, ==, "1234.5 EUR");
  g_assert_cmpstr (b, ==, "0.3");
  g_assert_cmpstr (c, ==, "—");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/chart-ticks/nice-number", test_nice_number);
  g_test_add_func ("/assay/chart-ticks/linear-many-ranges", test_linear_many_ranges);
  g_test_add_func ("/assay/chart-ticks/linear-across-zero", test_linear_across_zero);
  g_test_add_func ("/assay/chart-ticks/linear-labels", test_linear_labels);
  g_test_add_func ("/assay/chart-ticks/log", test_log);
  g_test_add_func ("/assay/chart-ticks/time", test_time);
  g_test_add_func ("/assay/chart-ticks/fuzz", test_fuzz);
  g_test_add_func ("/assay/chart-ticks/exact", test_exact);

  return g_test_run ();
}
