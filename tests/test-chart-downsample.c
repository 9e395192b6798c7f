/* test-chart-downsample.c — extremes kept, output bounded, a million points */
#include "config.h"

#include <math.h>

#include "assay-chart-downsample.h"
#include "assay-chart-geometry.h"

#define N_MILLION 1000000

static void
test_extremes_kept (void)
{
  const guint n = N_MILLION;
  const guint columns = 800;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree guint *index = g_new (guint, 4 * columns);
  GRand *rand = g_rand_new_with_seed (7);
  guint spikes[] = { 12345, 500000, 999998 };
  guint m;
  gint64 t0, elapsed;

  for (guint i = 0; i < n; i++)
    {
      x[i] = i;
      y[i] = sin (i / 5000.0) + g_rand_double_range (rand, -0.1, 0.1);
    }
  /* Single-point spikes, up and down, must all survive. */
  y[spikes[0]] = 50;
  y[spikes[1]] = -70;
  y[spikes[2]] = 90;

  t0 = g_get_monotonic_time ();
  m = assay_chart_downsample_minmax (x, y, n, 0, n - 1, FALSE, columns, index);
  elapsed = g_get_monotonic_time () - t0;
  g_test_message ("1e6 points → %u in %.2f ms", m, elapsed / 1000.0);

  g_assert_cmpuint (m, <=, 4 * columns);
  g_assert_cmpuint (m, >=, 2 * columns);
  /* Ascending, first and last kept. */
  g_assert_cmpuint (index[0], ==, 0);
  g_assert_cmpuint (index[m - 1], ==, n - 1);
  for (guint k = 1; k < m; k++)
    g_assert_cmpuint (index[k], >, index[k - 1]);
  for (guint s = 0; s < G_N_ELEMENTS (spikes); s++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < m && !found; k++)
        found = index[k] == spikes[s];
      g_assert_true (found);
    }

  /* Every column's minimum and maximum are there: the drawn envelope is exact. */
  for (guint col = 0; col < columns; col += 37)
    {
      double lo = INFINITY, hi = -INFINITY, klo = INFINITY, khi = -INFINITY;

      for (guint i = 0; i < n; i++)
        {
          guint c = (guint) MIN ((x[i] / (n - 1)) * columns, columns - 1);

          if (c != col)
            continue;
          lo = MIN (lo, y[i]);
          hi = MAX (hi, y[i]);
        }
      for (guint k = 0; k < m; k++)
        {
          guint c = (guint) MIN ((x[index[k]] / (n - 1)) * columns, columns - 1);

          if (c != col)
            continue;
          klo = MIN (klo, y[index[k]]);
          khi = MAX (khi, y[index[k]]);
        }
      g_assert_cmpfloat (lo, ==, klo);
      g_assert_cmpfloat (hi, ==, khi);
    }

  /* The fast path for ascending x gives the same points. */
  {
    g_autofree guint *sorted = g_new (guint, 4 * columns);
    guint ms;

    t0 = g_get_monotonic_time ();
    ms = assay_chart_downsample_minmax_sorted (x, y, n, 0, n - 1, FALSE, columns, sorted);
    elapsed = g_get_monotonic_time () - t0;
    g_test_message ("sorted: 1e6 points → %u in %.2f ms", ms, elapsed / 1000.0);
    g_assert_cmpuint (ms, ==, m);
    for (guint k = 0; k < m; k++)
      g_assert_cmpuint (sorted[k], ==, index[k]);
  }

  g_rand_free (rand);
}

static void
test_bounded_and_gaps (void)
{
  double x[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  double y[10] = { 1, NAN, 3, INFINITY, 5, 6, 7, 8, 9, 10 };
  guint index[4 * 3];
  guint m = assay_chart_downsample_minmax (x, y, 10, 0, 9, FALSE, 3, index);

  g_assert_cmpuint (m, <=, 12);
  for (guint k = 0; k < m; k++)
    g_assert_true (isfinite (y[index[k]]));

  /* Nothing to keep. */
  g_assert_cmpuint (assay_chart_downsample_minmax (x, y, 0, 0, 9, FALSE, 3, index), ==, 0);

  /* Log x: values ≤ 0 have no column. */
  {
    double lx[4] = { -1, 0, 10, 100 };
    double ly[4] = { 1, 2, 3, 4 };
    guint li[8];

    m = assay_chart_downsample_minmax (lx, ly, 4, 1, 1000, TRUE, 2, li);
    g_assert_cmpuint (m, ==, 2);
    g_assert_cmpuint (li[0], ==, 2);
    g_assert_cmpuint (li[1], ==, 3);
  }
}

static void
test_grid (void)
{
  const guint n = N_MILLION;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  const guint cols = 400, rows = 300;
  g_autofree guint *index = g_new (guint, cols * rows + 4);
  GRand *rand = g_rand_new_with_seed (3);
  guint m, top = 0;

  for (guint i = 0; i < n; i++)
    {
      x[i] = g_rand_double (rand);
      y[i] = g_rand_double (rand) * 0.5;
    }
  x[777] = 0.5;
  y[777] = 1.0;   /* the one high point */
  top = 777;

  m = assay_chart_downsample_grid (x, y, n, 0, 1, FALSE, 0, 1, FALSE, cols, rows, index);
  g_assert_cmpuint (m, <=, cols * rows + 4);
  g_assert_cmpuint (m, >, 1000);
  for (guint k = 1; k < m; k++)
    g_assert_cmpuint (index[k], >, index[k - 1]);
  {
    gboolean found = FALSE;

    for (guint k = 0; k < m && !found; k++)
      found = index[k] == top;
    g_assert_true (found);
  }
  g_rand_free (rand);
}

/* Through the geometry: a million-point line keeps ≤ 4 marks per column. */
static void
test_geometry_bounded (void)
{
  const guint n = N_MILLION;
  double *x = g_new (double, n);
  double *y = g_new (double, n);
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Million");
  g_autoptr(AssayChartSeries) series = NULL;
  g_autoptr(AssayChartGeometry) geom = NULL;
  double px, py, pw, ph;
  gint64 t0, elapsed;

  for (guint i = 0; i < n; i++)
    {
      x[i] = i * 0.001;
      y[i] = cos (i / 20000.0) * 100 + (i % 1000 == 0 ? 40 : 0);
    }
  series = assay_chart_series_new_xy_take (ASSAY_CHART_KIND_LINE, "cos", x, y, n);
  assay_chart_spec_add_series (spec, series);

  t0 = g_get_monotonic_time ();
  geom = assay_chart_geometry_new (spec, NULL, 1200, 600);
  elapsed = g_get_monotonic_time () - t0;
  g_test_message ("geometry of 1e6 points at 1200×600: %.2f ms", elapsed / 1000.0);

  assay_chart_geometry_get_plot_area (geom, &px, &py, &pw, &ph);
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (geom, 0), <=, 4 * (guint) ceil (pw));
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (geom, 0), >=, (guint) pw);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/chart-downsample/extremes-kept", test_extremes_kept);
  g_test_add_func ("/assay/chart-downsample/bounded-and-gaps", test_bounded_and_gaps);
  g_test_add_func ("/assay/chart-downsample/grid", test_grid);
  g_test_add_func ("/assay/chart-downsample/geometry-bounded", test_geometry_bounded);

  return g_test_run ();
}
