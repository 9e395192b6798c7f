/* test-chart-geometry.c — layout and hit-testing, no display */
#include "config.h"

#include <math.h>

#include "assay-chart-geometry-private.h"
#include "assay-chart-geometry.h"
#include "assay-chart-render.h"

static AssayChartSpec *
bar_spec (void)
{
  static const char * const labels[] = { "Revenue", "Costs", "Profit", "Tax" };
  static const double values[] = { 120, 80, 40, NAN };
  AssayChartSpec *spec = assay_chart_spec_new ("Bars");
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_bars ("2023", labels, values, 4);

  assay_chart_spec_add_series (spec, s);
  return spec;
}

static void
test_bars (void)
{
  g_autoptr(AssayChartSpec) spec = bar_spec ();
  g_autoptr(AssayChartGeometry) geom = assay_chart_geometry_new (spec, NULL, 600, 400);
  double px, py, pw, ph, x, y, w, h;
  guint series, index;

  assay_chart_geometry_get_plot_area (geom, &px, &py, &pw, &ph);
  g_assert_cmpfloat (px, >, 0);
  g_assert_cmpfloat (px + pw, <=, 600);
  g_assert_cmpfloat (py + ph, <=, 400);
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (geom, 0), ==, 3);   /* NaN: no bar */

  /* The centre of each bar hits it; so does its column above a short bar. */
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (assay_chart_geometry_get_item_area (geom, 0, i, &x, &y, &w, &h));
      g_assert_true (assay_chart_geometry_hit_test (geom, x + w / 2, y + h / 2, &series, &index));
      g_assert_cmpuint (series, ==, 0);
      g_assert_cmpuint (index, ==, i);
      g_assert_true (assay_chart_geometry_hit_test (geom, x + w / 2, py + 2, &series, &index));
      g_assert_cmpuint (index, ==, i);
    }
  /* Taller bar for the larger value, on the same baseline. */
  {
    double x0, y0, w0, h0, x1, y1, w1, h1;

    assay_chart_geometry_get_item_area (geom, 0, 0, &x0, &y0, &w0, &h0);
    assay_chart_geometry_get_item_area (geom, 0, 1, &x1, &y1, &w1, &h1);
    g_assert_cmpfloat (h0, >, h1);
    g_assert_cmpfloat_with_epsilon (y0 + h0, y1 + h1, 0.01);
    g_assert_cmpfloat_with_epsilon (h0 / h1, 120.0 / 80.0, 0.02);
  }
  g_assert_false (assay_chart_geometry_get_item_area (geom, 0, 3, &x, &y, &w, &h));

  /* Between bars, outside the plot: nothing. */
  g_assert_false (assay_chart_geometry_hit_test (geom, 2, 2, NULL, NULL));
  g_assert_false (assay_chart_geometry_hit_test (geom, px + pw - 1, py + ph / 2, NULL, NULL));

  /* The keyboard moves over drawn bars only. */
  series = G_MAXUINT;
  g_assert_true (assay_chart_geometry_step (geom, &series, &index, 1));
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (assay_chart_geometry_step (geom, &series, &index, 1));
  g_assert_cmpuint (index, ==, 1);
  g_assert_true (assay_chart_geometry_step (geom, &series, &index, 5));
  g_assert_cmpuint (index, ==, 2);
}

/* A thousand horizontal bars in 340 px: a label every line, not a thousand
 * on top of each other; every bar still there and hit. */
static void
test_dense_labels (void)
{
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Totals");
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AssayChartSeries) s = NULL;
  g_autoptr(AssayChartGeometry) geom = NULL;
  double values[1000], x, y, w, h;
  guint index;

  g_assert_cmpuint (_assay_chart_label_every (20, TRUE), ==, 1);
  g_assert_cmpuint (_assay_chart_label_every (8, TRUE), ==, 2);
  g_assert_cmpuint (_assay_chart_label_every (0.3, TRUE), ==, 54);
  g_assert_cmpuint (_assay_chart_label_every (10, FALSE), ==, 3);
  g_assert_cmpuint (_assay_chart_label_every (0, TRUE), ==, 1);

  for (guint i = 0; i < 1000; i++)
    {
      g_ptr_array_add (labels, g_strdup_printf ("report-%04u.pdf", i));
      values[i] = i + 1;
    }
  g_ptr_array_add (labels, NULL);
  s = assay_chart_series_new_bars (NULL, (const char * const *) labels->pdata, values, 1000);
  assay_chart_spec_add_series (spec, s);
  assay_chart_spec_set_horizontal (spec, TRUE);
  geom = assay_chart_geometry_new (spec, NULL, 544, 340);
  g_assert_true (geom->v.category);
  g_assert_cmpuint (_assay_chart_label_every (_assay_chart_scale_slot (&geom->v), TRUE), >, 40);
  g_assert_true (assay_chart_geometry_get_item_area (geom, 0, 999, &x, &y, &w, &h));
  g_assert_true (assay_chart_geometry_hit_test (geom, x + w / 2, y + h / 2, NULL, &index));
  g_assert_cmpuint (index, ==, 999);
}

static AssayChartGeometry *
pages_geometry (guint   n_pages,
                double  width)
{
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Numbers per page");
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new (double, n_pages);
  g_autoptr(AssayChartSeries) s = NULL;

  for (guint p = 0; p < n_pages; p++)
    {
      g_ptr_array_add (labels, g_strdup_printf ("%u", p + 1));
      values[p] = (p * 37) % 50;
    }
  g_ptr_array_add (labels, NULL);
  s = assay_chart_series_new_bars ("Numbers", (const char * const *) labels->pdata, values, n_pages);
  assay_chart_spec_add_series (spec, s);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, "Page", NULL, ASSAY_CHART_SCALE_LINEAR);
  return assay_chart_geometry_new (spec, NULL, width, 480);
}

/* Page numbers below bars (found on real manuals of 36 to 3,900 pages:
 * "1 5 9 13…", "97 101105109113" run together, "1… 2…"): a nice step, the
 * multiples of it (and "1" from a step of 10), none touching the next, and
 * every bar still drawn at least a pixel wide. */
static void
test_page_labels (void)
{
  static const guint sizes[] = { 3, 17, 36, 113, 309, 3900 };
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());

  pango_cairo_context_set_resolution (context, 96);
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint wk = 0; wk < 2; wk++)
      {
        guint n = sizes[k];
        g_autoptr(AssayChartGeometry) geom = pages_geometry (n, wk == 0 ? 800 : 560);
        double last_right = -INFINITY, x, y, w, h;
        guint every = geom->h.label_every, n_shown = 0;

        g_assert_true (geom->h.category);
        g_assert_nonnull (geom->h.shown);
        g_assert_cmpfloat (assay_chart_nice_number (every, FALSE), ==, every);
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(PangoLayout) layout = NULL;
            double centre;
            int lw;

            if (!geom->h.shown[i])
              continue;
            n_shown++;
            g_assert_true (i == 0 || every == 1 || (i + 1) % every == 0);
            if (i == 0 && every > 1)
              g_assert_cmpuint (every, >=, 10);
            layout = _assay_chart_layout (context, geom, geom->h.labels[i], 1, FALSE);
            pango_layout_get_pixel_size (layout, &lw, NULL);
            centre = _assay_chart_scale_map (&geom->h, i);
            g_assert_cmpfloat (centre - lw / 2.0, >=, last_right + 8);
            last_right = centre + lw / 2.0;
          }
        g_assert_cmpuint (n_shown, >=, MIN (n, 3));
        g_assert_cmpuint (n_shown, <=, 30);
        g_assert_cmpuint (assay_chart_geometry_get_n_marks (geom, 0), ==, n);
        for (guint i = 0; i < n; i++)
          if (assay_chart_geometry_get_item_area (geom, 0, i, &x, &y, &w, &h))
            g_assert_cmpfloat (w, >=, 1);
        /* The bar under the pointer is that page's, however dense. */
        if (assay_chart_geometry_get_item_area (geom, 0, n - 1, &x, &y, &w, &h))
          {
            guint index;

            g_assert_true (assay_chart_geometry_hit_test (geom, _assay_chart_scale_map (&geom->h, n - 1),
                                                          y + h / 2, NULL, &index));
            g_assert_cmpuint (index, ==, n - 1);
          }
      }
  g_object_unref (context);
}

/* Bars of zeros only: a value axis from 0, not from -1. */
static void
test_zero_bars (void)
{
  static const char * const labels[] = { "1", "2", "3" };
  static const double values[] = { 0, 0, 0 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Zeros");
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_bars (NULL, labels, values, 3);
  g_autoptr(AssayChartGeometry) geom = NULL;

  assay_chart_spec_add_series (spec, s);
  geom = assay_chart_geometry_new (spec, NULL, 600, 400);
  g_assert_cmpfloat (geom->v.ticks->min, ==, 0);
  g_assert_cmpfloat (geom->v.ticks->max, >, 0);
  for (guint i = 0; i < geom->v.ticks->n_ticks; i++)
    g_assert_cmpfloat (geom->v.ticks->ticks[i].value, >=, 0);
}

/* The geometry of one series over a time axis, @width × @height. */
static AssayChartGeometry *
time_geometry_new (AssayChartKind  kind,
                   const double   *x,
                   const double   *y,
                   guint           n,
                   int             width,
                   int             height)
{
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Over time");
  g_autoptr(AssayChartSeries) series = assay_chart_series_new_xy (kind, NULL, x, y, n);

  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, NULL, NULL, ASSAY_CHART_SCALE_TIME);

  return assay_chart_geometry_new (spec, NULL, width, height);
}

/* One whole-number value (an index of 1205 in a single period): steps of
 * tens around it, not the two ticks 1000 and 1500. */
static void
test_one_whole_value (void)
{
  double x[] = { 1672531200 };
  double y[] = { 1205 };
  g_autoptr(AssayChartGeometry) geom = time_geometry_new (ASSAY_CHART_KIND_SCATTER, x, y, 1, 800, 480);

  g_assert_cmpuint (geom->v.ticks->n_ticks, >=, 4);
  g_assert_cmpfloat (geom->v.ticks->min, <, 1205);
  g_assert_cmpfloat (geom->v.ticks->max, >, 1205);
  g_assert_cmpfloat (geom->v.ticks->step, <=, 100);

  /* Two whole numbers, 2 and 3 (gnuplot's "Gnuplot" of 1986): ticks a step
   * beyond both, the dots inside the plot. */
  {
    double x2[] = { 504921600, 504921600 };
    double y2[] = { 2, 3 };
    g_autoptr(AssayChartGeometry) geom2 = time_geometry_new (ASSAY_CHART_KIND_LINE, x2, y2, 2, 540, 300);

    g_assert_cmpfloat (geom2->v.ticks->min, <, 2);
    g_assert_cmpfloat (geom2->v.ticks->max, >, 3);
    g_assert_cmpfloat (geom2->v.ticks->step, ==, 1);
  }
}

/* A label as a real PDF gave it ("International\x02Journal…", the font's
 * spaces as U+0002) draws with spaces, not boxes of hex digits. */
static void
test_printable (void)
{
  g_autofree char *a = _assay_chart_printable ("International\x02Journal\x02of\x02\x02Management");
  g_autofree char *b = _assay_chart_printable ("Umsatz \xc2\x85 2023 \xe2\x82\xac");
  g_autofree char *c = _assay_chart_printable ("broken \xff\xfe text");

  g_assert_cmpstr (a, ==, "International Journal of  Management");
  g_assert_cmpstr (b, ==, "Umsatz   2023 \xe2\x82\xac");
  g_assert_nonnull (c);
  g_assert_true (g_utf8_validate (c, -1, NULL));
  g_assert_null (_assay_chart_printable ("Net profit — 2023 €"));
  g_assert_null (_assay_chart_printable (NULL));
}

/* Horizontal bars of 830 and -3 in a narrow card (R-intro's key figures
 * in the window): as many ticks as the numbers' labels leave room for,
 * so the axis starts at -500, not -1000 with half the card empty; the
 * labels still clear of each other. */
static void
test_value_ticks_narrow (void)
{
  static const char * const labels[] = { "Area (p. 39)", "Rooms (p. 39)", "Plot region" };
  static const double values[] = { 830, 5, -3 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Key figures");
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_bars (NULL, labels, values, 3);
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());

  pango_cairo_context_set_resolution (context, 96);
  assay_chart_spec_add_series (spec, s);
  assay_chart_spec_set_horizontal (spec, TRUE);
  for (guint k = 0; k < 3; k++)
    {
      double width = (double[]) { 420, 600, 800 }[k];
      g_autoptr(AssayChartGeometry) geom = assay_chart_geometry_new (spec, NULL, width, 300);
      double last_right = -INFINITY;

      g_assert_cmpfloat (geom->h.ticks->min, >=, -500);
      g_assert_cmpfloat (geom->h.ticks->min, <, -3);
      g_assert_cmpfloat (geom->h.ticks->max, >=, 830);
      g_assert_cmpuint (geom->h.ticks->n_ticks, >=, 4);
      for (guint i = 0; i < geom->h.ticks->n_ticks; i++)
        {
          g_autoptr(PangoLayout) layout = _assay_chart_layout (context, geom, geom->h.ticks->ticks[i].label, 1, FALSE);
          double centre = _assay_chart_scale_map (&geom->h, geom->h.ticks->ticks[i].value);
          int lw;

          pango_layout_get_pixel_size (layout, &lw, NULL);
          g_assert_cmpfloat (centre - lw / 2.0, >=, last_right + 16);
          last_right = centre + lw / 2.0;
        }
    }
  g_object_unref (context);
}

/* A verdict longer than a narrow card ("Acceptable conformity with
 * Benford's law · 1791 numb…" in the window) wraps to a second line, and
 * the plot starts below it. */
static void
test_subtitle_wraps (void)
{
  g_autoptr(AssayChartSpec) spec = bar_spec ();
  g_autoptr(AssayChartGeometry) narrow = NULL;
  g_autoptr(AssayChartGeometry) wide = NULL;
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  g_autoptr(PangoLayout) layout = NULL;

  pango_cairo_context_set_resolution (context, 96);
  assay_chart_spec_set_subtitle (spec, "Acceptable conformity with Benford’s law · 1791 numbers");
  assay_chart_spec_set_subtitle_tone (spec, ASSAY_CHART_TONE_GOOD);
  narrow = assay_chart_geometry_new (spec, NULL, 300, 300);
  wide = assay_chart_geometry_new (spec, NULL, 900, 300);
  layout = _assay_chart_subtitle_layout (context, narrow, NULL);
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 2);
  g_assert_false (pango_layout_is_ellipsized (layout));
  g_assert_cmpfloat (narrow->plot.y, >=, narrow->subtitle_y + 2 * narrow->text_height);
  g_assert_cmpfloat (narrow->plot.y - wide->plot.y, >=, narrow->text_height * 0.8);
  g_object_unref (context);
}

/* One dated point: a time axis of months around it, not seconds around
 * midnight. */
static void
test_time_one_point (void)
{
  double x[] = { 1672531200 };   /* 2023-01-01 */
  double y[] = { 12 };
  g_autoptr(AssayChartGeometry) geom = time_geometry_new (ASSAY_CHART_KIND_SCATTER, x, y, 1, 800, 480);

  g_assert_nonnull (geom->h.ticks);
  g_assert_cmpfloat (geom->h.ticks->max - geom->h.ticks->min, >=, 300 * 86400.0);
  g_assert_cmpfloat (geom->h.ticks->min, <=, x[0]);
  g_assert_cmpfloat (geom->h.ticks->max, >=, x[0]);
  g_assert_cmpfloat (geom->h.ticks->step, >=, 86400.0 * 28);
}

static void
test_horizontal (void)
{
  g_autoptr(AssayChartSpec) spec = bar_spec ();
  g_autoptr(AssayChartGeometry) geom = NULL;
  double x, y, w, h;
  guint index;

  assay_chart_spec_set_horizontal (spec, TRUE);
  geom = assay_chart_geometry_new (spec, NULL, 600, 400);
  g_assert_true (assay_chart_geometry_get_item_area (geom, 0, 1, &x, &y, &w, &h));
  g_assert_cmpfloat (w, >, h);
  g_assert_true (assay_chart_geometry_hit_test (geom, x + 1, y + h / 2, NULL, &index));
  g_assert_cmpuint (index, ==, 1);
}

static void
test_line_nearest (void)
{
  double x[] = { 0, 1, 2, 3, 4 };
  double y[] = { 0, 10, 5, 10, 0 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new (NULL);
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, NULL, x, y, 5);
  g_autoptr(AssayChartGeometry) geom = NULL;
  double px, py, w, h;
  guint series, index;

  assay_chart_spec_add_series (spec, s);
  geom = assay_chart_geometry_new (spec, NULL, 500, 300);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_true (assay_chart_geometry_get_item_area (geom, 0, i, &px, &py, &w, &h));
      g_assert_true (assay_chart_geometry_hit_test (geom, px + 4, py - 3, &series, &index));
      g_assert_cmpuint (index, ==, i);
    }
  /* Far from every point: nothing. */
  assay_chart_geometry_get_item_area (geom, 0, 2, &px, &py, &w, &h);
  g_assert_false (assay_chart_geometry_hit_test (geom, px, py - 60, NULL, NULL));
}

/* A million points: the hit is the original index of the extreme under the pointer. */
static void
test_line_million (void)
{
  const guint n = 1000000;
  double *x = g_new (double, n);
  double *y = g_new (double, n);
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new (NULL);
  g_autoptr(AssayChartSeries) s = NULL;
  g_autoptr(AssayChartGeometry) geom = NULL;
  double px, py, w, h;
  guint index;
  gint64 t0;

  for (guint i = 0; i < n; i++)
    {
      x[i] = i;
      y[i] = 1;
    }
  y[654321] = 100;
  s = assay_chart_series_new_xy_take (ASSAY_CHART_KIND_LINE, NULL, x, y, n);
  assay_chart_spec_add_series (spec, s);
  geom = assay_chart_geometry_new (spec, NULL, 1000, 500);
  g_assert_true (assay_chart_geometry_get_item_area (geom, 0, 654321, &px, &py, &w, &h));
  t0 = g_get_monotonic_time ();
  g_assert_true (assay_chart_geometry_hit_test (geom, px + 1, py + 1, NULL, &index));
  g_test_message ("hit test over 1e6 points: %.3f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (index, ==, 654321);
}

static void
test_histogram_log_and_spans (void)
{
  double edges[] = { 1, 10, 100, 1000, 10000 };
  guint counts[] = { 5, 0, 12, 3 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Histogram");
  g_autoptr(AssayChartSeries) hist = assay_chart_series_new_histogram (NULL, edges, counts, 4);
  g_autoptr(AssayChartGeometry) geom = NULL;
  double x0, y0, w0, h0, x2, y2, w2, h2;
  guint index;

  assay_chart_spec_add_series (spec, hist);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, "Value", NULL, ASSAY_CHART_SCALE_LOG);
  geom = assay_chart_geometry_new (spec, NULL, 600, 300);
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (geom, 0), ==, 3);   /* empty bin: no bar */
  g_assert_true (assay_chart_geometry_get_item_area (geom, 0, 0, &x0, &y0, &w0, &h0));
  g_assert_true (assay_chart_geometry_get_item_area (geom, 0, 2, &x2, &y2, &w2, &h2));
  g_assert_cmpfloat_with_epsilon (w0, w2, 0.01);   /* decades are equal on a log axis */
  g_assert_true (assay_chart_geometry_hit_test (geom, x2 + w2 / 2, y2 + 1, NULL, &index));
  g_assert_cmpuint (index, ==, 2);

  {
    double start[] = { 0, 1.5, 0.2, 2 };
    double end[] = { 1.5, 3, 0.7, 2.5 };
    guint row[] = { 0, 0, 1, 1 };
    const char *stages[] = { "read", "extract", "read", "extract" };
    const char *docs[] = { "a.pdf", "b.pdf" };
    g_autoptr(AssayChartSpec) gantt = assay_chart_spec_new ("Timeline");
    g_autoptr(AssayChartSeries) spans = assay_chart_series_new_spans (NULL, start, end, row, stages, 4, docs, 2);
    g_autoptr(AssayChartGeometry) g = NULL;
    double x, y, w, h;

    assay_chart_spec_add_series (gantt, spans);
    assay_chart_spec_set_axis (gantt, ASSAY_CHART_AXIS_X, NULL, "s", ASSAY_CHART_SCALE_LINEAR);
    g = assay_chart_geometry_new (gantt, NULL, 600, 300);
    g_assert_cmpuint (assay_chart_geometry_get_n_marks (g, 0), ==, 4);
    g_assert_true (assay_chart_geometry_get_item_area (g, 0, 3, &x, &y, &w, &h));
    g_assert_true (assay_chart_geometry_hit_test (g, x + w / 2, y + h / 2, NULL, &index));
    g_assert_cmpuint (index, ==, 3);
    g_assert_true (assay_chart_geometry_get_item_area (g, 0, 1, &x2, &y2, &w2, &h2));
    g_assert_cmpfloat (y2, <, y);   /* row 0 above row 1 */
    g_assert_cmpfloat_with_epsilon (w2, 3 * w, 0.5);
  }
}

static void
test_empty (void)
{
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Nothing");
  g_autoptr(AssayChartGeometry) geom = assay_chart_geometry_new (spec, NULL, 300, 200);
  g_autofree char *text = assay_chart_spec_describe (spec);
  guint series = G_MAXUINT, index = 0;

  g_assert_true (assay_chart_spec_is_empty (spec));
  g_assert_false (assay_chart_geometry_hit_test (geom, 150, 100, NULL, NULL));
  g_assert_false (assay_chart_geometry_step (geom, &series, &index, 1));
  g_assert_nonnull (strstr (text, "No data"));
}

static void
test_describe (void)
{
  g_autoptr(AssayChartSpec) spec = bar_spec ();
  g_autofree char *a = NULL;
  const char *notes[] = { "page 3", "page 4", "page 5", "page 6" };

  assay_chart_series_set_notes (assay_chart_spec_get_series (spec, 0), notes);
  assay_chart_series_set_unit (assay_chart_spec_get_series (spec, 0), "EUR");
  a = assay_chart_spec_describe_item (spec, 0, 1);
  g_assert_cmpstr (a, ==, "Costs: 80 EUR\npage 4");
  g_assert_null (assay_chart_spec_describe_item (spec, 0, 9));
  g_assert_null (assay_chart_spec_describe_item (spec, 3, 0));
}

/* Odd data lays out and draws: huge, infinite, missing, all equal, ≤ 0 on log axes. */
static void
test_odd_data (void)
{
  static const char * const labels[] = { "a", "b", "c", "d", "e" };
  double bars[] = { 1e300, -1e300, NAN, INFINITY, 0 };
  double x[] = { 5, 5, 5, 5, 5 };
  double y[] = { -3, 0, 2, NAN, 1e-310 };
  double edges[] = { 0, 0, 0 };
  guint counts[] = { 3, 4 };
  AssayChartPalette palette;

  assay_chart_palette_init (&palette, ASSAY_CHART_STYLE_DARK);
  for (guint variant = 0; variant < 8; variant++)
    {
      g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Odd");
      g_autoptr(AssayChartSeries) s = NULL;
      g_autoptr(AssayChartGeometry) geom = NULL;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
      cairo_t *cr = cairo_create (surface);
      guint series = G_MAXUINT, index;

      switch (variant % 4)
        {
        case 0:
          s = assay_chart_series_new_bars (NULL, labels, bars, 5);
          break;
        case 1:
          s = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, NULL, x, y, 5);
          break;
        case 2:
          s = assay_chart_series_new_xy (ASSAY_CHART_KIND_SCATTER, NULL, y, y, 5);
          break;
        default:
          s = assay_chart_series_new_histogram (NULL, edges, counts, 2);
          break;
        }
      assay_chart_spec_add_series (spec, s);
      if (variant >= 4)
        {
          assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, NULL, NULL, ASSAY_CHART_SCALE_LOG);
          assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL, "s", ASSAY_CHART_SCALE_LOG);
        }
      geom = assay_chart_geometry_new (spec, &palette, 300, 200);
      assay_chart_render (cr, geom, &palette);
      if (assay_chart_geometry_step (geom, &series, &index, 1))
        assay_chart_render_hover (cr, geom, &palette, series, index);
      assay_chart_geometry_hit_test (geom, 150, 100, NULL, NULL);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/chart-geometry/bars", test_bars);
  g_test_add_func ("/assay/chart-geometry/horizontal", test_horizontal);
  g_test_add_func ("/assay/chart-geometry/dense-labels", test_dense_labels);
  g_test_add_func ("/assay/chart-geometry/page-labels", test_page_labels);
  g_test_add_func ("/assay/chart-geometry/zero-bars", test_zero_bars);
  g_test_add_func ("/assay/chart-geometry/subtitle-wraps", test_subtitle_wraps);
  g_test_add_func ("/assay/chart-geometry/value-ticks-narrow", test_value_ticks_narrow);
  g_test_add_func ("/assay/chart-geometry/printable", test_printable);
  g_test_add_func ("/assay/chart-geometry/one-whole-value", test_one_whole_value);
  g_test_add_func ("/assay/chart-geometry/time-one-point", test_time_one_point);
  g_test_add_func ("/assay/chart-geometry/line-nearest", test_line_nearest);
  g_test_add_func ("/assay/chart-geometry/line-million", test_line_million);
  g_test_add_func ("/assay/chart-geometry/histogram-log-and-spans", test_histogram_log_and_spans);
  g_test_add_func ("/assay/chart-geometry/empty", test_empty);
  g_test_add_func ("/assay/chart-geometry/describe", test_describe);
  g_test_add_func ("/assay/chart-geometry/odd-data", test_odd_data);

  return g_test_run ();
}
