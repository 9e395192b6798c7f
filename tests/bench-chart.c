/* bench-chart.c — frame times of a line chart of a million points
 *
 * Not a test: bench/chart-line.sh runs it on a private display with the cairo
 * renderer. Measures, in a real window,
 *   first frame: new data set → that frame painted (before-paint → after-paint
 *                of the frame clock: layout, snapshot with the geometry, render);
 *   hover:       the pointer moved to another point → that frame painted;
 * and the same two on the widget's snapshot path alone (GtkWidgetPaintable
 * snapshot + gsk_renderer_render_texture with the window's renderer).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <adwaita.h>

#include "assay-chart-geometry.h"
#include "assay-chart-private.h"
#include "assay-chart.h"
#include "assay-line-layer.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

/* Wall time, and the main thread's CPU time: the machine is shared, and
 * under load the wall time includes waiting for a core. */
static gint64 paint_start, paint_start_cpu, last_frame_us, last_frame_cpu_us;
static guint frames;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
before_paint_cb (GdkFrameClock *clock)
{
  paint_start = g_get_monotonic_time ();
  paint_start_cpu = thread_cpu_us ();
}

static void
after_paint_cb (GdkFrameClock *clock)
{
  last_frame_us = g_get_monotonic_time () - paint_start;
  last_frame_cpu_us = thread_cpu_us () - paint_start_cpu;
  frames++;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gint64
wait_frame (void)
{
  guint target = frames + 1;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (frames < target && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (frames < target)
    {
      g_printerr ("bench-chart: no frame within 10 s\n");
      exit (1);
    }
  return last_frame_us;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        double     *ms,
        guint       n)
{
  qsort (ms, n, sizeof (double), compare_double);
  g_print ("%-44s median %6.2f ms   p95 %6.2f ms   max %6.2f ms   (n = %u)\n",
           what, ms[n / 2], ms[(guint) MIN (n - 1, ceil (n * 0.95) - 1)], ms[n - 1], n);
}

/* The widget's own snapshot (geometry when invalid, the frame node, the
 * layers' nodes, the hover mark) rendered by the window's renderer: CPU ms. */
static double
snapshot_path_cpu_ms (GtkWidget *widget)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 t0 = thread_cpu_us ();

  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  return (thread_cpu_us () - t0) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint rounds = 20, hovers = 200;
  int width = 1200, height = 700;
  double *x = g_new (double, n);
  double *y = g_new (double, n);
  g_autofree double *first = g_new (double, rounds);
  g_autofree double *first_cpu = g_new (double, rounds);
  g_autofree double *first_snapshot = g_new (double, rounds);
  g_autofree double *geometry_ms = g_new (double, rounds);
  g_autofree double *geometry_cpu = g_new (double, rounds);
  g_autofree double *hover = g_new (double, hovers);
  g_autofree double *hover_cpu = g_new (double, hovers);
  g_autofree double *hover_snapshot = g_new (double, hovers);
  g_autoptr(AssayChartSeries) series = NULL;
  g_autoptr(AssayChartSpec) spec = NULL;
  AssayChartLayer *layer;
  GtkWidget *window, *chart;
  GdkFrameClock *clock;
  AssayChartPalette palette;
  double px, py, pw, ph;
  guint wake;

  gtk_init ();
  adw_init ();

  for (guint i = 0; i < n; i++)
    {
      x[i] = 1.7e9 + i * 30.0;
      y[i] = 1000 + 400 * sin (i / 40000.0) + 120 * sin (i / 900.0) + (i % 50000 == 0 ? 900 : 0);
    }
  series = assay_chart_series_new_xy_take (ASSAY_CHART_KIND_LINE, "Load", x, y, n);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  chart = assay_chart_new ();
  assay_chart_set_title (ASSAY_CHART (chart), "A million points");
  assay_chart_set_axis (ASSAY_CHART (chart), ASSAY_CHART_AXIS_X, NULL, NULL, ASSAY_CHART_SCALE_TIME);
  assay_chart_set_axis (ASSAY_CHART (chart), ASSAY_CHART_AXIS_Y, "Requests", NULL, ASSAY_CHART_SCALE_LINEAR);
  layer = assay_line_layer_new ();
  assay_chart_add_layer (ASSAY_CHART (chart), layer);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));

  wake = g_timeout_add (5, wake_cb, NULL);
  {
    gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

    while (!gtk_widget_get_mapped (window) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  gtk_widget_queue_draw (window);
  wait_frame ();

  g_print ("line chart, %u points, %d × %d, renderer %s\n", n, gtk_widget_get_width (chart),
           gtk_widget_get_height (chart), G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));

  /* First frame after new data: a fresh series object each round (same values). */
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(AssayChartSeries) fresh = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, "Load",
                                                                      assay_chart_series_get_x (series),
                                                                      assay_chart_series_get_y (series), n);
      gint64 t0, c0;

      assay_chart_layer_set_series (layer, fresh);
      first[r] = wait_frame () / 1000.0;
      first_cpu[r] = last_frame_cpu_us / 1000.0;

      assay_chart_layer_set_series (layer, series);
      first_snapshot[r] = snapshot_path_cpu_ms (chart);
      wait_frame ();

      spec = assay_chart_spec_ref (assay_chart_get_spec (ASSAY_CHART (chart)));
      assay_chart_get_palette (ASSAY_CHART (chart), &palette);
      t0 = g_get_monotonic_time ();
      c0 = thread_cpu_us ();
      assay_chart_geometry_free (assay_chart_geometry_new (spec, &palette, gtk_widget_get_width (chart),
                                                           gtk_widget_get_height (chart)));
      geometry_ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      geometry_cpu[r] = (thread_cpu_us () - c0) / 1000.0;
      g_clear_pointer (&spec, assay_chart_spec_unref);
    }

  /* Hover: the pointer walks along the line, a new point each frame. */
  assay_chart_geometry_get_plot_area (_assay_chart_get_geometry (ASSAY_CHART (chart)), &px, &py, &pw, &ph);
  for (guint h = 0; h < hovers; h++)
    {
      double hx = px + 3 + fmod (h * 7.3, pw - 6);
      double ix, iy, iw, ih;
      guint s, index;

      /* Aim at a point of the line under that column. */
      _assay_chart_set_pointer (ASSAY_CHART (chart), hx, py + ph / 2);
      if (!assay_chart_geometry_hit_test (_assay_chart_get_geometry (ASSAY_CHART (chart)), hx, py + ph / 2, &s, &index))
        {
          double *xs = (double *) assay_chart_series_get_x (series);
          guint i = (guint) MIN (n - 1, (hx - px) / pw * n);

          assay_chart_geometry_get_item_area (_assay_chart_get_geometry (ASSAY_CHART (chart)), 0, i, &ix, &iy, &iw, &ih);
          (void) xs;
          _assay_chart_set_pointer (ASSAY_CHART (chart), ix, iy);
        }
      gtk_widget_queue_draw (chart);
      hover[h] = wait_frame () / 1000.0;
      hover_cpu[h] = last_frame_cpu_us / 1000.0;
      hover_snapshot[h] = snapshot_path_cpu_ms (chart);
    }

  report ("first frame after new data, wall", first, rounds);
  report ("first frame after new data, CPU", first_cpu, rounds);
  report ("  snapshot path alone (with geometry), CPU", first_snapshot, rounds);
  report ("  geometry alone, wall", geometry_ms, rounds);
  report ("  geometry alone, CPU", geometry_cpu, rounds);
  report ("hover redraw, wall", hover, hovers);
  report ("hover redraw, CPU", hover_cpu, hovers);
  report ("  snapshot path alone, CPU", hover_snapshot, hovers);
  {
    double load[3];

    if (getloadavg (load, 3) == 3)
      g_print ("load average during the run: %.1f (cores: %u)\n", load[0], g_get_num_processors ());
  }
  g_print ("marks drawn: %u of %u points\n",
           assay_chart_geometry_get_n_marks (_assay_chart_get_geometry (ASSAY_CHART (chart)), 0), n);

  g_source_remove (wake);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
