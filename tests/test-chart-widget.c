/* test-chart-widget.c — AssayChart on a display: drawing in light and dark,
 * hover, click and keyboard activation, redraw on items-changed.
 * Run through tests/with-display.sh; screenshots go to
 * $ASSAY_SCREENSHOT_DIR (default: the build's tests/screenshots). */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "assay-chart-geometry.h"
#include "assay-chart-private.h"
#include "assay-chart.h"
#include "assay-charts-document.h"
#include "assay-column-layer.h"
#include "assay-line-layer.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

static guint paints;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  paints++;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @n more frames were painted (bounded in time). */
static void
wait_for_paints (GtkWidget *window,
                 guint      n)
{
  GdkFrameClock *clock;
  guint target = paints + n;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!gtk_widget_get_mapped (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  if (g_object_get_data (G_OBJECT (clock), "test-connected") == NULL)
    {
      g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
      g_object_set_data (G_OBJECT (clock), "test-connected", GINT_TO_POINTER (1));
    }
  while (paints < target && g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (window);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  g_assert_cmpuint (paints, >=, target);
}

static void
wait_idle (void)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (g_main_context_pending (NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

static char *
screenshot_path (const char *name)
{
  const char *dir = g_getenv ("ASSAY_SCREENSHOT_DIR");
  g_autofree char *fallback = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);

  if (dir == NULL)
    dir = fallback = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                       "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, file, NULL);
}

/* Renders @widget over the window's background colour, as on screen. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GdkRGBA bg = { 1, 1, 1, 1 };

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &bg);
G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

/* Renders @widget at its window's scale: the pixels on screen. */
static GdkTexture *
render_widget_scaled (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  g_autoptr(GskRenderNode) node = NULL;

  gtk_snapshot_scale (snapshot, scale, scale);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w * scale, h * scale));
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkTexture) texture = render_widget (widget);
  g_autofree char *path = screenshot_path (name);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The share of pixels that differ between two renderings. */
static double
texture_difference (GdkTexture *a,
                    GdkTexture *b)
{
  int w = gdk_texture_get_width (a), h = gdk_texture_get_height (a);
  g_autofree guchar *pa = g_malloc (4 * w * h);
  g_autofree guchar *pb = g_malloc (4 * w * h);
  guint differ = 0;

  g_assert_cmpint (w, ==, gdk_texture_get_width (b));
  gdk_texture_download (a, pa, 4 * w);
  gdk_texture_download (b, pb, 4 * w);
  for (int i = 0; i < w * h; i++)
    if (memcmp (pa + 4 * i, pb + 4 * i, 4) != 0)
      differ++;
  return (double) differ / (w * h);
}

static void
set_style (AdwColorScheme scheme)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
  wait_idle ();
}

static AssayChartsDocument *
sample_document (void)
{
  static const char * const labels[] = { "Revenue", "Operating costs", "Net profit", "Dividends", "Employees" };
  static const double values[] = { 1.25e9, 9.8e8, 1.7e8, 6.0e7, 5400 };
  static const char * const units[] = { "EUR", "EUR", "EUR", "EUR", NULL };
  static const guint pages[] = { 3, 3, 7, 9, 12 };
  static const double edges[] = { 1, 10, 100, 1000, 1e4, 1e5, 1e6 };
  static const guint counts[] = { 40, 90, 60, 30, 12, 4 };
  static const double observed[] = { 0.31, 0.17, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04 };
  static double expected[9];
  static AssayChartsDocument doc;

  for (guint d = 0; d < 9; d++)
    expected[d] = log10 (1 + 1.0 / (d + 1));
  doc.name = "sample";
  doc.title = "Annual report 2023";
  doc.n_figures = G_N_ELEMENTS (labels);
  doc.figure_labels = labels;
  doc.figure_values = values;
  doc.figure_units = units;
  doc.figure_pages = pages;
  doc.histogram_n_bins = G_N_ELEMENTS (counts);
  doc.histogram_edges = edges;
  doc.histogram_counts = counts;
  doc.histogram_log_scale = TRUE;
  doc.benford_observed = observed;
  doc.benford_expected = expected;
  doc.benford_n = 236;
  doc.benford_verdict = "acceptable";
  doc.n_pages = 12;
  return &doc;
}

typedef struct
{
  GtkWidget  *window;
  AssayChart *chart;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  set_style (ADW_COLOR_SCHEME_FORCE_LIGHT);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 760, 440);
  f->chart = ASSAY_CHART (g_object_ref_sink (assay_chart_new ()));
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->chart));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  wait_idle ();
  g_assert_finalize_object (f->chart);
}

/* The share of pixels in a saturated colour: the marks. Text, axes, grid
 * and background are greys in every style, series colours are not. */
static double
share_colored (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *pixels = g_malloc (4 * w * h);
  guint hits = 0;

  gdk_texture_download (texture, pixels, 4 * w);
  for (int i = 0; i < w * h; i++)
    {
      const guchar *p = pixels + 4 * i;
      int hi = MAX (p[0], MAX (p[1], p[2])), lo = MIN (p[0], MIN (p[1], p[2]));

      if (hi - lo > 60)
        hits++;
    }
  return (double) hits / (w * h);
}

/* Marks cover at least MIN_SHARE of the chart and at most MAX_SHARE. */
static void
assert_marks_drawn (Fixture *f,
                    double   min_share,
                    double   max_share)
{
  g_autoptr(GdkTexture) texture = NULL;
  double share;

  wait_for_paints (f->window, 2);
  texture = render_widget (GTK_WIDGET (f->chart));
  share = share_colored (texture);
  g_test_message ("%.4f of the chart in colour", share);
  g_assert_cmpfloat (share, >=, min_share);
  g_assert_cmpfloat (share, <=, max_share);
}

static void
screenshots_light_dark (Fixture    *f,
                        const char *name)
{
  g_autofree char *light = g_strconcat (name, "-light", NULL);
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);
  AssayChartPalette palette;

  set_style (ADW_COLOR_SCHEME_FORCE_LIGHT);
  wait_for_paints (f->window, 2);
  assay_chart_get_palette (f->chart, &palette);
  g_assert_cmpfloat (palette.foreground.red, <, 0.5);     /* dark text on light */
  save_screenshot (GTK_WIDGET (f->chart), light);

  set_style (ADW_COLOR_SCHEME_FORCE_DARK);
  wait_for_paints (f->window, 2);
  assay_chart_get_palette (f->chart, &palette);
  g_assert_cmpfloat (palette.foreground.red, >, 0.5);     /* light text on dark */
  save_screenshot (GTK_WIDGET (f->chart), dark);
  set_style (ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
on_activated (AssayChart *chart,
              guint       series,
              guint       index,
              gpointer    user_data)
{
  int *got = user_data;

  got[0] = series;
  got[1] = index;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;   /* the widget keeps it */
    }
  g_assert_not_reached ();
}

static void
test_benford (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(AssayChartSpec) spec = assay_charts_document_benford (sample_document ());
  const AssayChartGeometry *geometry;
  int got[2] = { -1, -1 };
  double x, y, w, h;
  gboolean handled = FALSE;
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) hovered = NULL;

  assay_chart_set_spec (f->chart, spec);
  g_signal_connect (f->chart, "activated", G_CALLBACK (on_activated), got);
  screenshots_light_dark (f, "chart-benford");

  /* Two layers: observed bars, expected line. */
  g_assert_cmpuint (assay_chart_spec_get_n_series (assay_chart_get_spec (f->chart)), ==, 2);
  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_nonnull (geometry);

  /* Hover marks the bar under the pointer; nothing else changes. */
  wait_for_paints (f->window, 1);
  before = render_widget (GTK_WIDGET (f->chart));
  g_assert_true (assay_chart_geometry_get_item_area (geometry, 0, 3, &x, &y, &w, &h));
  _assay_chart_set_pointer (f->chart, x + w / 2, y + h - 2);
  wait_for_paints (f->window, 1);
  hovered = render_widget (GTK_WIDGET (f->chart));
  g_assert_cmpfloat (texture_difference (before, hovered), >, 0.001);
  g_assert_cmpfloat (texture_difference (before, hovered), <, 0.05);
  save_screenshot (GTK_WIDGET (f->chart), "chart-benford-hover-light");

  /* Click on the fourth bar: activated with its index. */
  g_signal_emit_by_name (find_controller (GTK_WIDGET (f->chart), GTK_TYPE_GESTURE_CLICK),
                         "pressed", 1, x + w / 2, y + h - 2);
  g_assert_cmpint (got[0], ==, 0);
  g_assert_cmpint (got[1], ==, 3);
  g_assert_cmpuint (assay_chart_get_item_id (f->chart, got[0], got[1]), ==, 4);   /* the digit */

  /* The keyboard: Right moves to the fifth bar, Enter activates it. */
  g_signal_emit_by_name (find_controller (GTK_WIDGET (f->chart), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Right, 0, 0, &handled);
  g_assert_true (handled);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (f->chart), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Return, 0, 0, &handled);
  g_assert_cmpint (got[1], ==, 4);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (f->chart)));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  if (!assay_chart_export_finish (ASSAY_CHART (object), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_object_set_data (object, "test-exported", GINT_TO_POINTER (1));
}

/* Export from the window: the look on screen, written on the worker pool. */
static void
test_export_async (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AssayChartSpec) spec = assay_charts_document_benford (sample_document ());
  g_autofree char *path = screenshot_path ("chart-benford-export-dark");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  cairo_surface_t *surface;
  guint32 corner;

  assay_chart_set_spec (f->chart, spec);
  set_style (ADW_COLOR_SCHEME_FORCE_DARK);
  wait_for_paints (f->window, 1);
  assay_chart_export_async (f->chart, file, ASSAY_CHART_FORMAT_PNG, 640, 360, NULL, export_done_cb, &error);
  deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  while (g_object_get_data (G_OBJECT (f->chart), "test-exported") == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_nonnull (g_object_get_data (G_OBJECT (f->chart), "test-exported"));
  set_style (ADW_COLOR_SCHEME_FORCE_LIGHT);

  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 360);
  /* The dark window's background, not transparency. */
  corner = *(guint32 *) cairo_image_surface_get_data (surface);
  g_assert_cmpuint (corner >> 24, ==, 0xff);
  g_assert_cmpuint (corner & 0xff, <, 0x60);
  cairo_surface_destroy (surface);
}

static void
test_document_charts (Fixture       *f,
                      gconstpointer  data)
{
  AssayChartsDocument *doc = sample_document ();
  g_autoptr(AssayChartSpec) key = assay_charts_document_key_figures (doc);
  g_autoptr(AssayChartSpec) dist = assay_charts_document_distribution (doc);
  g_autoptr(AssayChartSpec) empty = assay_chart_spec_new ("Nothing yet");

  assay_chart_set_spec (f->chart, key);
  screenshots_light_dark (f, "chart-key-figures");
  assert_marks_drawn (f, 0.02, 0.8);
  assay_chart_set_spec (f->chart, dist);
  screenshots_light_dark (f, "chart-distribution");
  assert_marks_drawn (f, 0.02, 0.8);
  assay_chart_set_spec (f->chart, empty);
  screenshots_light_dark (f, "chart-empty");
  assert_marks_drawn (f, 0, 0);
}

static double
string_value (gpointer item,
              gpointer user_data)
{
  return g_ascii_strtod (gtk_string_object_get_string (item), NULL);
}

static char *
string_label (gpointer item,
              gpointer user_data)
{
  return g_strdup_printf ("#%s", gtk_string_object_get_string (item));
}

/* A layer over a list model follows items-changed (coalesced in an idle). */
static void
test_model_layer (Fixture       *f,
                  gconstpointer  data)
{
  const char *values[] = { "3", "1", "4", NULL };
  g_autoptr(GtkStringList) list = gtk_string_list_new (values);
  AssayChartLayer *layer = assay_column_layer_new ();
  AssayChartSpec *spec;

  assay_chart_set_title (f->chart, "From a model");
  assay_chart_layer_set_accessors (layer, NULL, string_value, string_label, NULL, NULL);
  assay_chart_layer_set_model (layer, G_LIST_MODEL (list));
  assay_chart_add_layer (f->chart, layer);
  wait_for_paints (f->window, 1);

  spec = assay_chart_get_spec (f->chart);
  g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, 0)), ==, 3);
  g_assert_cmpstr (assay_chart_series_get_label (assay_chart_spec_get_series (spec, 0), 2), ==, "#4");

  gtk_string_list_append (list, "1");
  gtk_string_list_append (list, "5");
  wait_idle ();
  wait_for_paints (f->window, 1);
  spec = assay_chart_get_spec (f->chart);
  g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, 0)), ==, 5);
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (_assay_chart_get_geometry (f->chart), 0), ==, 5);
  save_screenshot (GTK_WIDGET (f->chart), "chart-model-light");
}

/* In a .ui file: layers as children, read through expressions. */
static void
test_builder (Fixture       *f,
              gconstpointer  data)
{
  static const char ui[] =
    "<interface>"
    "  <object class='AssayChart' id='chart'>"
    "    <property name='title'>From a .ui file</property>"
    "    <child>"
    "      <object class='AssayColumnLayer' id='layer'>"
    "        <property name='title'>Values</property>"
    "        <property name='y-expression'><lookup name='value' type='GtkAdjustment'/></property>"
    "        <property name='label-expression'><lookup name='upper' type='GtkAdjustment'/></property>"
    "      </object>"
    "    </child>"
    "  </object>"
    "</interface>";
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GListStore) store = g_list_store_new (GTK_TYPE_ADJUSTMENT);
  g_autoptr(GError) error = NULL;
  AssayChart *chart;
  AssayChartSeries *series;

  g_type_ensure (ASSAY_TYPE_CHART);
  g_type_ensure (ASSAY_TYPE_COLUMN_LAYER);
  g_assert_true (gtk_builder_add_from_string (builder, ui, -1, &error));
  g_assert_no_error (error);
  chart = ASSAY_CHART (gtk_builder_get_object (builder, "chart"));
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GtkAdjustment) adjustment = gtk_adjustment_new (i * 10 + 5, 0, 1000 + i, 1, 1, 0);

      g_list_store_append (store, adjustment);
    }
  assay_chart_layer_set_model (ASSAY_CHART_LAYER (gtk_builder_get_object (builder, "layer")), G_LIST_MODEL (store));

  g_assert_cmpuint (assay_chart_spec_get_n_series (assay_chart_get_spec (chart)), ==, 1);
  series = assay_chart_spec_get_series (assay_chart_get_spec (chart), 0);
  g_assert_cmpuint (assay_chart_series_get_n_items (series), ==, 4);
  g_assert_cmpfloat (assay_chart_series_get_y (series)[2], ==, 25);
  g_assert_nonnull (assay_chart_series_get_label (series, 3));
  g_assert_cmpfloat (g_ascii_strtod (assay_chart_series_get_label (series, 3), NULL), ==, 1003);

  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (chart));
  wait_for_paints (f->window, 1);
  save_screenshot (GTK_WIDGET (chart), "chart-builder-light");
}

static void
test_million_line (Fixture       *f,
                   gconstpointer  data)
{
  const guint n = 1000000;
  double *x = g_new (double, n);
  double *y = g_new (double, n);
  double t0 = 1.7e9;
  g_autoptr(AssayChartSeries) series = NULL;
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("A million points");
  double px, py, pw, ph;

  for (guint i = 0; i < n; i++)
    {
      x[i] = t0 + i * 30.0;
      y[i] = 1000 + 400 * sin (i / 40000.0) + 120 * sin (i / 900.0) + (i % 50000 == 0 ? 900 : 0);
    }
  series = assay_chart_series_new_xy_take (ASSAY_CHART_KIND_LINE, "Load", x, y, n);
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, NULL, NULL, ASSAY_CHART_SCALE_TIME);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, "Requests", NULL, ASSAY_CHART_SCALE_LINEAR);
  assay_chart_set_spec (f->chart, spec);
  screenshots_light_dark (f, "chart-line-million");

  assay_chart_geometry_get_plot_area (_assay_chart_get_geometry (f->chart), &px, &py, &pw, &ph);
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (_assay_chart_get_geometry (f->chart), 0), <=, 4 * (guint) ceil (pw));
}

/* Above the synchronous limit the geometry comes from the worker pool: the
 * frames meanwhile are not held up, and the chart draws once it arrives. */
static void
test_async_geometry (Fixture       *f,
                     gconstpointer  data)
{
  const guint n = 2000000;
  double *x = g_new (double, n);
  double *y = g_new (double, n);
  g_autoptr(AssayChartSeries) series = NULL;
  AssayChartLayer *layer = assay_line_layer_new ();
  gint64 deadline;
  const AssayChartGeometry *geometry;

  for (guint i = 0; i < n; i++)
    {
      x[i] = i;
      y[i] = (i % 1000) * 0.5;
    }
  series = assay_chart_series_new_xy_take (ASSAY_CHART_KIND_LINE, "Two million", x, y, n);
  wait_for_paints (f->window, 1);
  assay_chart_add_layer (f->chart, layer);
  assay_chart_layer_set_series (layer, series);

  /* The first look starts the job and returns no geometry for this data. */
  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_true (geometry == NULL || assay_chart_geometry_get_spec (geometry) != assay_chart_get_spec (f->chart));
  g_assert_true (_assay_chart_geometry_pending (f->chart));

  deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  while (_assay_chart_geometry_pending (f->chart) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (_assay_chart_geometry_pending (f->chart));

  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_nonnull (geometry);
  g_assert_true (assay_chart_geometry_get_spec (geometry) == assay_chart_get_spec (f->chart));
  g_assert_cmpuint (assay_chart_geometry_get_n_marks (geometry, 0), >, 0);
  wait_for_paints (f->window, 1);
  save_screenshot (GTK_WIDGET (f->chart), "chart-line-async-light");
}

static void
test_spans_and_scatter (Fixture       *f,
                        gconstpointer  data)
{
  double start[12], end[12], sx[400], sy[400];
  guint row[12];
  const char *stage[12];
  const char *docs[] = { "annual-report.pdf", "invoice-0042.pdf", "paper.pdf", "budget-2024.pdf" };
  const char *names[] = { "read", "extract", "analyse" };
  g_autoptr(AssayChartSpec) gantt = assay_chart_spec_new ("Stages per document");
  g_autoptr(AssayChartSpec) scatter = assay_chart_spec_new ("Pages against numbers");
  g_autoptr(AssayChartSeries) spans = NULL;
  g_autoptr(AssayChartSeries) points = NULL;
  GRand *rand = g_rand_new_with_seed (5);

  for (guint d = 0; d < 4; d++)
    {
      double t = d * 0.8;

      for (guint s = 0; s < 3; s++)
        {
          guint k = d * 3 + s;
          double len = s == 1 ? 2.5 + d * 0.4 : 0.3 + 0.1 * d;

          start[k] = t;
          end[k] = t + len;
          row[k] = d;
          stage[k] = names[s];
          t += len;
        }
    }
  spans = assay_chart_series_new_spans (NULL, start, end, row, stage, 12, docs, 4);
  assay_chart_spec_add_series (gantt, spans);
  assay_chart_spec_set_axis (gantt, ASSAY_CHART_AXIS_X, "Time since start", "s", ASSAY_CHART_SCALE_LINEAR);
  assay_chart_set_spec (f->chart, gantt);
  screenshots_light_dark (f, "chart-time-span");
  assert_marks_drawn (f, 0.005, 0.8);

  for (guint i = 0; i < 400; i++)
    {
      sx[i] = g_rand_double_range (rand, 1, 300);
      sy[i] = sx[i] * g_rand_double_range (rand, 5, 40);
    }
  points = assay_chart_series_new_xy (ASSAY_CHART_KIND_SCATTER, "Documents", sx, sy, 400);
  assay_chart_spec_add_series (scatter, points);
  assay_chart_spec_set_axis (scatter, ASSAY_CHART_AXIS_X, "Pages", NULL, ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis (scatter, ASSAY_CHART_AXIS_Y, "Numbers", NULL, ASSAY_CHART_SCALE_LOG);
  assay_chart_set_spec (f->chart, scatter);
  screenshots_light_dark (f, "chart-scatter");
  assert_marks_drawn (f, 0.002, 0.5);
  g_rand_free (rand);
}

/* Frames that change nothing in the chart do not draw it again: the frame
 * node and the layers' nodes are kept; hovering draws only its mark; new
 * data draws it again. */
static void
test_draw_cache (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AssayChartSpec) benford = assay_charts_document_benford (sample_document ());
  g_autoptr(AssayChartSpec) figures = assay_charts_document_key_figures (sample_document ());
  const AssayChartGeometry *geometry;
  guint drawn, again, pool;
  double x, y, w, h;

  assay_chart_set_spec (f->chart, benford);
  wait_for_paints (f->window, 2);
  _assay_chart_get_draw_counts (f->chart, &drawn, &pool);
  g_assert_cmpuint (drawn, ==, 3);   /* the frame and two layers, once */
  g_assert_cmpuint (pool, ==, 0);

  wait_for_paints (f->window, 3);
  _assay_chart_get_draw_counts (f->chart, &again, &pool);
  g_assert_cmpuint (again, ==, drawn);

  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_true (assay_chart_geometry_get_item_area (geometry, 0, 3, &x, &y, &w, &h));
  _assay_chart_set_pointer (f->chart, x + w / 2, y + h - 2);
  wait_for_paints (f->window, 2);
  _assay_chart_get_draw_counts (f->chart, &again, &pool);
  g_assert_cmpuint (again, ==, drawn);

  assay_chart_set_spec (f->chart, figures);
  wait_for_paints (f->window, 2);
  _assay_chart_get_draw_counts (f->chart, &again, &pool);
  g_assert_cmpuint (again, >, drawn);
}

static gboolean
pool_drew (AssayChart *chart,
           guint       n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  guint main_thread, pool = 0;

  while (g_get_monotonic_time () < deadline)
    {
      _assay_chart_get_geometry (chart);   /* what a frame asks */
      _assay_chart_get_draw_counts (chart, &main_thread, &pool);
      if (pool >= n && !_assay_chart_geometry_pending (chart))
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

/* A chart given a render pool is laid out and drawn there: the main thread
 * draws none of it, the picture is the one the main thread would draw, the
 * picture before stays until the new data's is ready, and frames that change
 * nothing — hovering included — ask the pool for nothing. */
static void
test_render_pool (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(AssayChartSpec) benford = assay_charts_document_benford (sample_document ());
  g_autoptr(AssayChartSpec) figures = assay_charts_document_key_figures (sample_document ());
  g_autoptr(GdkTexture) on_main = NULL;
  g_autoptr(GdkTexture) on_pool = NULL;
  const AssayChartGeometry *geometry;
  AssayChartSpec *shown;
  guint main_thread, pool;
  double x, y, w, h;

  /* The main thread's picture first, for comparison. */
  assay_chart_set_spec (f->chart, benford);
  wait_for_paints (f->window, 2);
  on_main = render_widget_scaled (GTK_WIDGET (f->chart));

  assay_chart_set_render_pool (f->chart, assay_worker_pool_get_default (), G_PRIORITY_DEFAULT);
  g_assert_true (pool_drew (f->chart, 1));
  wait_for_paints (f->window, 2);
  _assay_chart_get_draw_counts (f->chart, &main_thread, &pool);
  g_assert_cmpuint (pool, ==, 1);
  on_pool = render_widget_scaled (GTK_WIDGET (f->chart));
  g_test_message ("%.4f of the pixels differ between the main thread's picture and the pool's (scale %d)",
                  texture_difference (on_main, on_pool), gtk_widget_get_scale_factor (GTK_WIDGET (f->chart)));
  /* At scale 1 the same pixels; above, the pool shapes text at the scale it
   * draws (the main thread's recording was shaped at 1 and replayed at 2),
   * so glyphs move by a fraction of a pixel: a few percent of the pixels. */
  g_assert_cmpfloat (texture_difference (on_main, on_pool), <,
                     gtk_widget_get_scale_factor (GTK_WIDGET (f->chart)) == 1 ? 0.01 : 0.05);
  save_screenshot (GTK_WIDGET (f->chart), "chart-benford-pool-light");

  /* Unchanged: no drawing anywhere, hover or not. */
  _assay_chart_get_draw_counts (f->chart, &main_thread, &pool);
  wait_for_paints (f->window, 3);
  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_true (assay_chart_geometry_get_item_area (geometry, 0, 3, &x, &y, &w, &h));
  _assay_chart_set_pointer (f->chart, x + w / 2, y + h - 2);
  wait_for_paints (f->window, 2);
  g_assert_false (_assay_chart_geometry_pending (f->chart));
  {
    guint m, p;

    _assay_chart_get_draw_counts (f->chart, &m, &p);
    g_assert_cmpuint (m, ==, main_thread);
    g_assert_cmpuint (p, ==, pool);
  }
  g_assert_cmpuint (assay_chart_get_item_id (f->chart, 0, 3), ==, 4);   /* the digit under the pointer */

  /* New data: the old picture, and its items, stay until the new one is drawn. */
  assay_chart_set_spec (f->chart, figures);
  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_nonnull (geometry);
  shown = assay_chart_geometry_get_spec (geometry);
  if (shown != assay_chart_get_spec (f->chart))   /* not drawn yet, as a rule */
    {
      g_assert_true (_assay_chart_geometry_pending (f->chart));
      g_assert_cmpuint (assay_chart_spec_get_n_series (shown), ==, 2);   /* still Benford's */
    }
  g_assert_true (pool_drew (f->chart, pool + 1));
  geometry = _assay_chart_get_geometry (f->chart);
  g_assert_true (assay_chart_geometry_get_spec (geometry) == assay_chart_get_spec (f->chart));
  _assay_chart_get_draw_counts (f->chart, &main_thread, &pool);
  g_assert_cmpuint (main_thread, ==, 3);   /* only the first picture, before the pool */

  /* A new style is drawn again on the pool. */
  set_style (ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (pool_drew (f->chart, pool + 1));
  wait_for_paints (f->window, 2);
  save_screenshot (GTK_WIDGET (f->chart), "chart-key-figures-pool-dark");
  set_style (ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (pool_drew (f->chart, pool + 2));

  /* The same data again, in a new description (as a live update that moved
   * nothing here): drawn on the pool, found the same, not shown again — no
   * frame paints it — but its items are the new description's. */
  {
    g_autoptr(AssayChartSpec) again = assay_charts_document_key_figures (sample_document ());
    gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
    guint m, p;

    _assay_chart_get_draw_counts (f->chart, &main_thread, &pool);
    assay_chart_set_spec (f->chart, again);
    while ((_assay_chart_get_n_unchanged (f->chart) == 0 || _assay_chart_geometry_pending (f->chart)) &&
           g_get_monotonic_time () < deadline)
      {
        _assay_chart_get_geometry (f->chart);
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_cmpuint (_assay_chart_get_n_unchanged (f->chart), ==, 1);
    _assay_chart_get_draw_counts (f->chart, &m, &p);
    g_assert_cmpuint (p, ==, pool);
    g_assert_cmpuint (m, ==, main_thread);
    geometry = _assay_chart_get_geometry (f->chart);
    g_assert_true (assay_chart_geometry_get_spec (geometry) == assay_chart_get_spec (f->chart));
    g_assert_false (_assay_chart_geometry_pending (f->chart));
  }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/assay/chart-widget/benford", Fixture, NULL, fixture_setup, test_benford, fixture_teardown);
  g_test_add ("/assay/chart-widget/export-async", Fixture, NULL, fixture_setup, test_export_async, fixture_teardown);
  g_test_add ("/assay/chart-widget/document-charts", Fixture, NULL, fixture_setup, test_document_charts, fixture_teardown);
  g_test_add ("/assay/chart-widget/model-layer", Fixture, NULL, fixture_setup, test_model_layer, fixture_teardown);
  g_test_add ("/assay/chart-widget/builder", Fixture, NULL, fixture_setup, test_builder, fixture_teardown);
  g_test_add ("/assay/chart-widget/million-line", Fixture, NULL, fixture_setup, test_million_line, fixture_teardown);
  g_test_add ("/assay/chart-widget/async-geometry", Fixture, NULL, fixture_setup, test_async_geometry, fixture_teardown);
  g_test_add ("/assay/chart-widget/draw-cache", Fixture, NULL, fixture_setup, test_draw_cache, fixture_teardown);
  g_test_add ("/assay/chart-widget/render-pool", Fixture, NULL, fixture_setup, test_render_pool, fixture_teardown);
  g_test_add ("/assay/chart-widget/spans-and-scatter", Fixture, NULL, fixture_setup, test_spans_and_scatter, fixture_teardown);

  return g_test_run ();
}
