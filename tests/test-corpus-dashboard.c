/* test-corpus-dashboard.c — the corpus dashboard and the activity panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports of four years go through a real pipeline (offline extractor,
 * reader helper, a store in a temporary directory, results not kept in
 * memory); the dashboard, shown while they are processed, follows: a key
 * figure across the years, totals by document, Benford over the corpus,
 * verification; another figure is picked. The activity panel shows the
 * stages' counts and the documents' timeline. Screenshots in light and dark.
 */
#define G_LOG_DOMAIN "test-corpus-dashboard"

#include "config.h"

#include <time.h>

#include <glib/gstdio.h>

#include "assay-activity-panel.h"
#include "assay-chart-geometry.h"
#include "assay-chart-private.h"
#include "assay-chart-render.h"
#include "assay-corpus-dashboard.h"
#include "assay-result-csv.h"
#include "assay-result.h"
#include "assay-results-export.h"
#include "assay-string-list.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"

#define WAIT_MS 60000

typedef struct
{
  AssayTestWidget       base;
  GtkStack             *stack;
  AssayCorpusDashboard *dashboard;
  AssayActivityPanel   *activity;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  assay_test_widget_set_up (&fixture->base, "corpus-dashboard");
  /* As the window does: results live in the store, not in memory. */
  assay_pipeline_set_keep_results (fixture->base.pipeline, FALSE);

  fixture->stack = GTK_STACK (gtk_stack_new ());
  fixture->dashboard = ASSAY_CORPUS_DASHBOARD (assay_corpus_dashboard_new ());
  assay_corpus_dashboard_set_pipeline (fixture->dashboard, fixture->base.pipeline);
  fixture->activity = ASSAY_ACTIVITY_PANEL (assay_activity_panel_new ());
  assay_activity_panel_set_pipeline (fixture->activity, fixture->base.pipeline);
  gtk_stack_add_named (fixture->stack, GTK_WIDGET (fixture->dashboard), "dashboard");
  gtk_stack_add_named (fixture->stack, GTK_WIDGET (fixture->activity), "activity");
  assay_test_widget_show (&fixture->base, GTK_WIDGET (fixture->stack), 1200, 860);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  assay_test_widget_tear_down (&fixture->base, WAIT_MS, fixture->dashboard, fixture->activity, NULL);
}

static AssayDocument *
add_report_full (Fixture  *fixture,
                 guint     year,
                 gboolean  draft)
{
  double scale = 1 + (year - 2019) * 0.15;
  g_autofree char *cover = g_strdup_printf ("ACME Holdings plc\nAnnual Report %u%s\n", year,
                                            draft ? " (draft)" : "");
  g_autofree char *income = g_strdup_printf ("Consolidated income statement\n"
                                             "(in millions of USD)\n"
                                             "                              Note      %u      %u\n"
                                             "Total revenue ...........        4   %.1f   %.1f\n"
                                             "Operating income                       %.1f     %.1f\n"
                                             "Net income: $%.1f million\n"
                                             "2\n",
                                             year, year - 1, 1100.2 * scale, 1000.1 * scale,
                                             450.2 * scale, 400.7 * scale, 12.3 * scale);
  g_autofree char *balance = g_strdup_printf ("Balance sheet\n"
                                              "EUR thousand        %u       %u\n"
                                              "Total assets     %.0f    %.0f\n"
                                              "Total equity     %.0f    %.0f\n"
                                              "3\n",
                                              year, year - 1, 98765 * scale, 90000 * scale,
                                              45000 * scale, 40100 * scale);
  const char *pages[] = { cover, income, balance };
  g_autofree char *name = g_strdup_printf ("report-%u%s.pdf", year, draft ? "-draft" : "");
  g_autofree char *path = assay_test_pdf_write_temp (fixture->base.dir, name, pages, G_N_ELEMENTS (pages));
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);

  return assay_pipeline_add (fixture->base.pipeline, input);
}

static AssayDocument *
add_report (Fixture *fixture,
            guint    year)
{
  return add_report_full (fixture, year, FALSE);
}

static void
document_activated_cb (AssayCorpusDashboard  *dashboard,
                       AssayDocument         *document,
                       AssayDocument        **activated)
{
  g_set_object (activated, document);
}

/* The rows of a document in the groups' list, depth first. */
static void
collect_member_rows (GtkWidget *widget,
                     GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget) && g_object_get_data (G_OBJECT (widget), "assay-document-sha256") != NULL)
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_member_rows (child, rows);
}

static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *ancestor)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, &bounds));
  return bounds;
}

/* How many charts a row the dashboard lays out at the window's width. */
static guint
charts_per_row (Fixture *fixture)
{
  GtkFlowBox *box = _assay_corpus_dashboard_get_charts_box (fixture->dashboard);
  GtkWidget *first = GTK_WIDGET (gtk_flow_box_get_child_at_index (box, 0));
  GtkWidget *second = GTK_WIDGET (gtk_flow_box_get_child_at_index (box, 1));
  graphene_rect_t a = bounds_in (first, GTK_WIDGET (box));
  graphene_rect_t b = bounds_in (second, GTK_WIDGET (box));

  g_test_message ("charts box %d wide: %.0f,%.0f %.0fx%.0f and %.0f,%.0f", gtk_widget_get_width (GTK_WIDGET (box)),
                  a.origin.x, a.origin.y, a.size.width, a.size.height, b.origin.x, b.origin.y);
  return a.origin.y == b.origin.y ? 2 : 1;
}

typedef struct
{
  GtkWidget *widget;
  int        width;
  int        height;
} Size;

static gboolean
has_size (gpointer user_data)
{
  Size *size = user_data;

  /* Within the decorations' few pixels. */
  return ABS (gtk_widget_get_width (size->widget) - size->width) <= 20 &&
         ABS (gtk_widget_get_height (size->widget) - size->height) <= 20;
}

static void
resize_window (Fixture *fixture,
               int      width,
               int      height)
{
  Size size = { GTK_WIDGET (fixture->base.window), width, height };

  gtk_window_set_default_size (fixture->base.window, width, height);
  if (!assay_test_ui_wait (has_size, &size, 5000))
    g_test_message ("asked for %d × %d, got %d × %d", width, height,
                    gtk_widget_get_width (size.widget), gtk_widget_get_height (size.widget));
  g_assert_true (has_size (&size));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
}

static void
scroll_to_end (Fixture *fixture)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (_assay_corpus_dashboard_get_charts_box (fixture->dashboard)),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
}

static void
screenshots (Fixture    *fixture,
             const char *name)
{
  g_autofree char *dark = g_strdup_printf ("%s-dark", name);

  assay_test_ui_set_dark (FALSE);
  g_free (assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), name));
  assay_test_ui_set_dark (TRUE);
  g_free (assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), dark));
  assay_test_ui_set_dark (FALSE);
}

typedef struct
{
  AssayCorpusDashboard *dashboard;
  guint                 n;
} Wanted;

static gboolean
dashboard_has (gpointer user_data)
{
  Wanted *wanted = user_data;

  return assay_corpus_dashboard_get_n_documents (wanted->dashboard) == wanted->n;
}

static gboolean
all_finished (gpointer user_data)
{
  return assay_pipeline_get_n_unfinished (user_data) == 0;
}

static gboolean
geometry_ready (gpointer user_data)
{
  AssayChart *chart = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (chart)) &&
         !_assay_chart_geometry_pending (chart) &&
         _assay_chart_get_geometry (chart) != NULL;
}

static guint
n_items (AssayChart *chart,
         guint       series)
{
  AssayChartSpec *spec = assay_chart_get_spec (chart);

  if (series >= assay_chart_spec_get_n_series (spec))
    return 0;
  return assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, series));
}

static void
test_dashboard (Fixture       *fixture,
                gconstpointer  data)
{
  AssayChart *over_time = assay_corpus_dashboard_get_chart (fixture->dashboard, ASSAY_CORPUS_CHART_OVER_TIME);
  AssayChart *totals = assay_corpus_dashboard_get_chart (fixture->dashboard, ASSAY_CORPUS_CHART_TOTALS);
  AssayChart *benford = assay_corpus_dashboard_get_chart (fixture->dashboard, ASSAY_CORPUS_CHART_BENFORD);
  AssayChart *verification = assay_corpus_dashboard_get_chart (fixture->dashboard,
                                                               ASSAY_CORPUS_CHART_VERIFICATION);
  AssayChart *near = assay_corpus_dashboard_get_chart (fixture->dashboard,
                                                       ASSAY_CORPUS_CHART_NEAR_DUPLICATES);
  g_autoptr(AssayDocument) draft = NULL;
  g_autoptr(AssayDocument) activated = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  const char * const *labels;
  g_autofree char *shot = NULL;
  Wanted wanted = { fixture->dashboard, 2 };
  AssayChartSeries *line;
  gboolean has_income = FALSE;
  const double *x;

  /* Shown before anything is done: it fills as documents finish. */
  gtk_stack_set_visible_child_name (fixture->stack, "dashboard");
  add_report (fixture, 2020);
  add_report (fixture, 2021);
  g_assert_true (assay_test_ui_wait (dashboard_has, &wanted, WAIT_MS));
  add_report (fixture, 2022);
  add_report (fixture, 2023);
  draft = add_report_full (fixture, 2023, TRUE);   /* its cover says "(draft)": a near-duplicate */
  g_object_ref (draft);
  g_assert_true (assay_test_ui_wait (all_finished, fixture->base.pipeline, WAIT_MS));
  wanted.n = 5;
  g_assert_true (assay_test_ui_wait (dashboard_has, &wanted, WAIT_MS));

  /* The labels found, and one figure over the four years. */
  labels = assay_corpus_dashboard_get_labels (fixture->dashboard);
  g_assert_nonnull (labels);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      g_test_message ("label: %s", labels[i]);
      has_income |= g_str_equal (labels[i], "operating income");
    }
  g_assert_true (has_income);
  assay_corpus_dashboard_set_label (fixture->dashboard, "operating income");
  g_assert_true (assay_test_ui_wait (geometry_ready, over_time, WAIT_MS));
  while (g_strcmp0 (assay_chart_get_title (over_time), "Operating income over time") != 0 &&
         g_main_context_iteration (NULL, TRUE))
    ;
  g_assert_cmpstr (assay_corpus_dashboard_get_label (fixture->dashboard), ==, "operating income");
  g_assert_cmpuint (n_items (over_time, 0), >=, 4);
  line = assay_chart_spec_get_series (assay_chart_get_spec (over_time), 0);
  x = assay_chart_series_get_x (line);
  for (guint i = 1; i < assay_chart_series_get_n_items (line); i++)
    g_assert_cmpfloat (x[i - 1], <=, x[i]);                   /* in time order */
  g_assert_cmpuint (assay_chart_spec_get_axis_scale (assay_chart_get_spec (over_time), ASSAY_CHART_AXIS_X),
                    ==, ASSAY_CHART_SCALE_TIME);

  /* Totals: one bar per document; Benford over all of them; verification. */
  g_assert_cmpuint (n_items (totals, 0), ==, 5);
  g_assert_cmpuint (assay_chart_spec_get_n_series (assay_chart_get_spec (benford)), ==, 2);
  g_assert_nonnull (assay_chart_get_subtitle (benford));
  g_assert_cmpuint (n_items (verification, 0), ==, 5);
  g_assert_nonnull (strstr (assay_chart_get_subtitle (verification), "found on their page"));

  /* The draft is like its report: one group, a bar for the draft, and in the
   * list a row for each of the two that selects its document. */
  g_assert_cmpuint (assay_corpus_dashboard_get_n_groups (fixture->dashboard), ==, 1);
  g_assert_cmpuint (n_items (near, 0), ==, 1);
  collect_member_rows (GTK_WIDGET (_assay_corpus_dashboard_get_groups_list (fixture->dashboard)), rows);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[0]), ==, "report-2023.pdf");
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[1]), ==, "report-2023-draft.pdf");
  g_signal_connect (fixture->dashboard, "document-activated", G_CALLBACK (document_activated_cb), &activated);
  g_signal_emit_by_name (rows->pdata[1], "activate");
  g_assert_true (activated == draft);
  g_clear_object (&activated);
  g_assert_true (assay_test_ui_wait (geometry_ready, near, WAIT_MS));   /* its picture shown */
  g_signal_emit_by_name (near, "activated", 0, 0);   /* the draft's bar */
  g_assert_true (activated == draft);

  g_assert_true (assay_test_ui_wait (geometry_ready, totals, WAIT_MS));
  g_assert_true (assay_test_ui_wait (geometry_ready, verification, WAIT_MS));
  g_assert_cmpuint (charts_per_row (fixture), ==, 2);
  screenshots (fixture, "corpus-dashboard");
  /* Narrow: one chart a row; its end, with the groups. */
  resize_window (fixture, 560, 960);
  g_assert_cmpuint (charts_per_row (fixture), ==, 1);
  screenshots (fixture, "corpus-dashboard-narrow");
  scroll_to_end (fixture);
  screenshots (fixture, "corpus-dashboard-narrow-end");
  resize_window (fixture, 1400, 960);
  g_assert_cmpuint (charts_per_row (fixture), ==, 2);
  scroll_to_end (fixture);
  screenshots (fixture, "corpus-dashboard-wide-end");
  resize_window (fixture, 1200, 860);

  /* The activity panel: every document through every stage it needed. */
  gtk_stack_set_visible_child_name (fixture->stack, "activity");
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  assay_activity_panel_refresh (fixture->activity);
  g_assert_cmpstr (assay_activity_panel_get_cell (fixture->activity, ASSAY_STAGE_READ, 2), ==, "5");
  g_assert_cmpstr (assay_activity_panel_get_cell (fixture->activity, ASSAY_STAGE_ANALYSE, 2), ==, "5");
  g_assert_cmpstr (assay_activity_panel_get_cell (fixture->activity, ASSAY_STAGE_READ, 3), ==, "0");
  g_assert_cmpstr (assay_activity_panel_get_cell (fixture->activity, ASSAY_STAGE_READ, 0), ==, "0");
  g_assert_cmpstr (assay_activity_panel_get_cell (fixture->activity, ASSAY_STAGE_READ, 5), !=, "—");
  g_assert_cmpuint (n_items (assay_activity_panel_get_timeline (fixture->activity), 0), >=, 5 * 3);
  g_assert_true (assay_test_ui_wait (geometry_ready, assay_activity_panel_get_timeline (fixture->activity),
                                     WAIT_MS));

  /* Tokens in and out, and with a price their cost (the offline extractor
   * uses none: counted here as a model's would be). */
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");

    g_settings_set_double (settings, "price-input", 0);
    g_settings_set_double (settings, "price-output", 0);
    assay_activity_panel_set_settings (fixture->activity, settings);
    assay_metrics_add_token_counts (assay_pipeline_get_metrics (fixture->base.pipeline), ASSAY_STAGE_EXTRACT,
                                    1500000, 250000);
    assay_activity_panel_refresh (fixture->activity);
    g_assert_nonnull (strstr (assay_activity_panel_get_totals (fixture->activity),
                              "1\u202f500\u202f000 tokens in, 250\u202f000 out"));
    g_assert_null (strstr (assay_activity_panel_get_totals (fixture->activity), "≈"));   /* no price */
    g_settings_set_double (settings, "price-input", 2.5);
    g_settings_set_double (settings, "price-output", 10);
    g_settings_set_string (settings, "price-currency", "EUR");
    /* Follows the settings without waiting for the timer. */
    g_assert_nonnull (strstr (assay_activity_panel_get_totals (fixture->activity), "≈ 6.25 EUR"));
    {
      g_autofree char *tiny = assay_activity_panel_format_totals (10, 0, 0, settings);

      g_assert_nonnull (strstr (tiny, "under 0.01 EUR"));
    }
    assay_activity_panel_set_settings (fixture->activity, NULL);
    g_assert_null (strstr (assay_activity_panel_get_totals (fixture->activity), "EUR"));
    assay_activity_panel_set_settings (fixture->activity, settings);
    g_settings_reset (settings, "price-input");
    g_settings_reset (settings, "price-output");
    g_settings_set_double (settings, "price-input", 2.5);
  }
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "activity-panel");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "activity-panel-dark");
  assay_test_ui_set_dark (FALSE);

  /* Updates keep the groups' rows: a document like no other changes no
   * group and makes no row; a second group makes only its own rows, the
   * first group's are the same widgets (the list is updated in place,
   * not rebuilt: each new widget would lay the window out again). */
  gtk_stack_set_visible_child_name (fixture->stack, "dashboard");
  {
    g_autoptr(GPtrArray) before = g_ptr_array_new ();
    g_autoptr(GPtrArray) after = g_ptr_array_new ();
    g_autoptr(GPtrArray) more = g_ptr_array_new ();
    GtkWidget *list = GTK_WIDGET (_assay_corpus_dashboard_get_groups_list (fixture->dashboard));

    collect_member_rows (list, before);
    g_assert_cmpuint (before->len, ==, 2);
    /* Held, so that a new row cannot take a freed one's address. */
    g_ptr_array_set_free_func (before, g_object_unref);
    for (guint i = 0; i < before->len; i++)
      g_object_ref (before->pdata[i]);
    add_report (fixture, 2031);
    g_assert_true (assay_test_ui_wait (all_finished, fixture->base.pipeline, WAIT_MS));
    wanted.n = 6;
    g_assert_true (assay_test_ui_wait (dashboard_has, &wanted, WAIT_MS));
    collect_member_rows (list, after);
    g_assert_cmpuint (after->len, ==, 2);
    g_assert_true (after->pdata[0] == before->pdata[0] && after->pdata[1] == before->pdata[1]);

    add_report_full (fixture, 2021, TRUE);   /* the draft of another year: a second group */
    g_assert_true (assay_test_ui_wait (all_finished, fixture->base.pipeline, WAIT_MS));
    wanted.n = 7;
    g_assert_true (assay_test_ui_wait (dashboard_has, &wanted, WAIT_MS));
    g_assert_cmpuint (assay_corpus_dashboard_get_n_groups (fixture->dashboard), ==, 2);
    collect_member_rows (list, more);
    g_assert_cmpuint (more->len, ==, 4);
    for (guint i = 0; i < before->len; i++)
      g_assert_true (g_ptr_array_find (more, before->pdata[i], NULL));
  }
}

typedef struct
{
  gint64  last;
  GArray *lateness_us;
} Probe;

/* As the window's latency probe: how late each 10 ms timeout fires. */
static gboolean
probe_cb (gpointer user_data)
{
  Probe *probe = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (0, now - (probe->last + 10000));

  g_array_append_val (probe->lateness_us, late);
  probe->last = now;
  return G_SOURCE_CONTINUE;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
count_build_cb (guint *n_builds)
{
  (*n_builds)++;
}

/* The main thread's time in each frame: the frame clock's before-paint to
 * after-paint (layout, snapshots, rendering), in wall-clock time and in the
 * thread's CPU time (what a loaded machine distorts less). */
typedef struct
{
  gint64  start;
  gint64  start_cpu;
  GArray *frame_us;
  GArray *frame_cpu_us;
} Frames;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Frames        *frames)
{
  frames->start = g_get_monotonic_time ();
  frames->start_cpu = thread_cpu_us ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frames        *frames)
{
  gint64 us = g_get_monotonic_time () - frames->start;
  gint64 cpu_us = thread_cpu_us () - frames->start_cpu;

  if (frames->start > 0)
    {
      g_array_append_val (frames->frame_us, us);
      g_array_append_val (frames->frame_cpu_us, cpu_us);
    }
  frames->start = 0;
}

static gint64
sum (GArray *values)
{
  gint64 total = 0;

  for (guint i = 0; i < values->len; i++)
    total += g_array_index (values, gint64, i);
  return total;
}

static gint64
percentile (GArray *values,
            guint   pct)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_int64);
  return g_array_index (values, gint64, MIN (values->len - 1, (values->len * pct) / 100));
}

static gboolean
label_is (gpointer user_data)
{
  gpointer *args = user_data;

  return g_strcmp0 (assay_corpus_dashboard_get_label (args[0]), args[1]) == 0 &&
         !_assay_chart_geometry_pending (assay_corpus_dashboard_get_chart (args[0], ASSAY_CORPUS_CHART_OVER_TIME));
}

/* A batch while the dashboard is shown: it follows from coalesced
 * refreshes (not one per document), and the main loop's stalls are
 * reported (ASSAY_DASHBOARD_N documents, 30 by default). */
static void
test_fluid (Fixture       *fixture,
            gconstpointer  data)
{
  const char *env = g_getenv ("ASSAY_DASHBOARD_N");
  guint n = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 30;
  Probe probe = { g_get_monotonic_time (), g_array_new (FALSE, FALSE, sizeof (gint64)) };
  Wanted wanted = { fixture->dashboard, n };
  guint n_builds = 0, source;
  gint64 start, elapsed_ms, p99, max;

  gtk_stack_set_visible_child_name (fixture->stack, "dashboard");
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  if (g_getenv ("ASSAY_DASHBOARD_BASELINE") != NULL)   /* for a baseline: the batch without it */
    {
      gtk_stack_set_visible_child_name (fixture->stack, "activity");
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      wanted.n = 0;
    }
  g_signal_connect_swapped (fixture->dashboard, "notify::n-documents", G_CALLBACK (count_build_cb), &n_builds);
  for (guint i = 0; i < n; i++)
    add_report (fixture, 1990 + i);

  start = g_get_monotonic_time ();
  source = g_timeout_add (10, probe_cb, &probe);
  if (wanted.n == 0)
    g_assert_true (assay_test_ui_wait (all_finished, fixture->base.pipeline, WAIT_MS * 3));
  else
    g_assert_true (assay_test_ui_wait (dashboard_has, &wanted, WAIT_MS * 3));
  g_source_remove (source);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_array_sort (probe.lateness_us, compare_int64);
  g_assert_cmpuint (probe.lateness_us->len, >, 0);
  max = g_array_index (probe.lateness_us, gint64, probe.lateness_us->len - 1);
  p99 = g_array_index (probe.lateness_us, gint64, (probe.lateness_us->len * 99) / 100);
  g_test_message ("%u documents in %" G_GINT64_FORMAT " ms: %u builds of the charts; "
                  "timer lateness p99 %.1f ms, max %.1f ms over %u firings",
                  n, elapsed_ms, n_builds, p99 / 1000.0, max / 1000.0, probe.lateness_us->len);
  g_array_unref (probe.lateness_us);

  /* The dashboard's own main-thread work during the batch, and then one
   * update over all the documents (another figure chosen: built on the
   * pool, applied, and the frame that draws it), for docs/benchmarks.md. */
  if (wanted.n > 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->base.window));
      Frames frames = { 0, 0, g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (gint64)) };
      AssayCorpusDashboardTimings before, after;
      const char * const *labels = assay_corpus_dashboard_get_labels (fixture->dashboard);
      g_autofree char *other = NULL;   /* a copy: the labels go with the charts shown */
      gpointer args[2];
      gulong b, a;

      _assay_corpus_dashboard_get_timings (fixture->dashboard, &before);
      g_test_message ("during the batch: %u refreshes, max %.1f ms, mean %.2f ms; %u builds applied, "
                      "max %.1f ms, mean %.2f ms; %u results summarised, max %.1f ms; "
                      "build on the pool max %.1f ms",
                      before.n_refreshes, before.refresh_max_us / 1000.0,
                      before.refresh_total_us / 1000.0 / MAX (before.n_refreshes, 1),
                      before.n_applies, before.apply_max_us / 1000.0,
                      before.apply_total_us / 1000.0 / MAX (before.n_applies, 1),
                      before.n_summaries, before.summary_max_us / 1000.0, before.build_max_us / 1000.0);

      for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
        if (g_strcmp0 (labels[i], assay_corpus_dashboard_get_label (fixture->dashboard)) != 0)
          {
            g_free (other);
            other = g_strdup (labels[i]);
          }
      g_assert_nonnull (other);
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      b = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &frames);
      a = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frames);
      assay_corpus_dashboard_set_label (fixture->dashboard, other);
      args[0] = fixture->dashboard;
      args[1] = other;
      g_assert_true (assay_test_ui_wait (label_is, args, WAIT_MS));
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      g_signal_handler_disconnect (clock, b);
      g_signal_handler_disconnect (clock, a);
      _assay_corpus_dashboard_get_timings (fixture->dashboard, &after);
      g_test_message ("one update over %u documents: build on the pool %.1f ms; on the main thread "
                      "applying it %.1f ms, then %u frames, the longest %.1f ms (median %.1f ms); "
                      "their CPU time: the most %.1f ms, in all %.1f ms",
                      assay_corpus_dashboard_get_n_documents (fixture->dashboard),
                      after.build_last_us / 1000.0,
                      (after.apply_total_us - before.apply_total_us) / 1000.0, frames.frame_us->len,
                      percentile (frames.frame_us, 100) / 1000.0, percentile (frames.frame_us, 50) / 1000.0,
                      percentile (frames.frame_cpu_us, 100) / 1000.0, sum (frames.frame_cpu_us) / 1000.0);
      g_array_unref (frames.frame_us);
      g_array_unref (frames.frame_cpu_us);

      /* Where a frame's time goes: each chart laid out and drawn at its size. */
      for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
        {
          AssayChart *chart = assay_corpus_dashboard_get_chart (fixture->dashboard, kind);
          AssayChartSpec *spec = assay_chart_get_spec (chart);
          int w = gtk_widget_get_width (GTK_WIDGET (chart)), h = gtk_widget_get_height (GTK_WIDGET (chart));
          cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (w, 1), MAX (h, 1));
          cairo_t *cr = cairo_create (surface);
          AssayChartPalette palette;
          AssayChartGeometry *geometry;
          gint64 t0, t1, t2;

          assay_chart_get_palette (chart, &palette);
          t0 = g_get_monotonic_time ();
          geometry = assay_chart_geometry_new (spec, &palette, w, h);
          t1 = g_get_monotonic_time ();
          assay_chart_render (cr, geometry, &palette);
          t2 = g_get_monotonic_time ();
          g_test_message ("chart %u (%u points) at %d × %d: layout %.1f ms, drawing %.1f ms", kind,
                          (guint) assay_chart_spec_get_n_points (spec), w, h, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0);
          assay_chart_geometry_free (geometry);
          cairo_destroy (cr);
          cairo_surface_destroy (surface);
        }
    }

  /* Coalesced: at most one build per refresh period (and a last one). */
  g_assert_cmpuint (n_builds, <=, 2 + elapsed_ms / ASSAY_CORPUS_DASHBOARD_REFRESH_MS);
  g_assert_cmpuint (n_builds, <, MAX (n, 2));
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  int *n = user_data;
  g_autoptr(GError) error = NULL;

  *n = (int) assay_results_export_finish (NULL, result, &error);
  g_assert_no_error (error);
}

static gboolean
positive (gpointer user_data)
{
  return *(int *) user_data > 0;
}

/* RFC 4180 fields of a CSV text, row by row. */
static GPtrArray *
read_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = NULL;
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (row == NULL)
        row = g_ptr_array_new_with_free_func (g_free);
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (*p == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (rows, row);
          row = NULL;
        }
      else
        g_string_append_c (field, *p);
    }
  g_assert_null (row);   /* every row ends with a line break */
  g_string_free (field, TRUE);
  return rows;
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  GListModel *documents = assay_pipeline_get_documents (fixture->base.pipeline);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *json_path = g_build_filename (fixture->base.dir, "results.json", NULL);
  g_autofree char *csv_path = g_build_filename (fixture->base.dir, "results.csv", NULL);
  g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *header = g_strndup (ASSAY_RESULT_CSV_HEADER, strlen (ASSAY_RESULT_CSV_HEADER) - 1);
  g_auto(GStrv) columns = g_strsplit (header, ",", -1);
  JsonArray *docs;
  guint n_figures = 0;
  int n = 0;

  add_report (fixture, 2021);
  add_report (fixture, 2022);
  add_report (fixture, 2023);
  g_assert_true (assay_test_ui_wait (all_finished, fixture->base.pipeline, WAIT_MS));
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      AssayDocument *document = g_list_model_get_item (documents, i);

      n_figures += assay_document_get_n_figures (document);
      g_ptr_array_add (all, document);
    }

  /* JSON: a run of the three stored results. */
  assay_results_export_async (fixture->base.pipeline, all, ASSAY_RESULTS_FORMAT_JSON, json_file, NULL,
                              exported_cb, &n);
  g_assert_true (assay_test_ui_wait (positive, &n, WAIT_MS));
  g_assert_cmpint (n, ==, 3);
  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  docs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "result_version"), ==, ASSAY_RESULT_VERSION);

  /* CSV: a row per key figure, every row of the header's columns. */
  n = 0;
  assay_results_export_async (fixture->base.pipeline, all, ASSAY_RESULTS_FORMAT_CSV, csv_file, NULL,
                              exported_cb, &n);
  g_assert_true (assay_test_ui_wait (positive, &n, WAIT_MS));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  rows = read_csv (csv);
  g_assert_cmpuint (rows->len, ==, 1 + n_figures);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (rows, i))->len, ==, g_strv_length (columns));
  g_assert_cmpstr (g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, 0), 0), ==, "path");
  g_assert_cmpstr (g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, 1), 0), ==,
                   assay_document_get_path (g_ptr_array_index (all, 0)));
}

typedef struct
{
  guint n_changes;
  guint position;
  guint removed;
  guint added;
} ListChange;

static void
list_changed (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              ListChange *change)
{
  change->n_changes++;
  change->position = position;
  change->removed = removed;
  change->added = added;
}

/* The figure names of the drop-down, brought up to date in place: the
 * same names change nothing (the drop-down keeps its items and its
 * selection), a name added or renamed is the only one spliced in. */
static void
test_names_in_place (void)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  const char *first[] = { "revenue", "net income", "total assets", NULL };
  const char *grown[] = { "revenue", "net income", "equity", "total assets", NULL };
  const char *renamed[] = { "revenue", "operating income", "equity", "total assets", NULL };
  ListChange change = { 0, };
  g_autoptr(GObject) kept = NULL;
  g_autoptr(GObject) kept_first = NULL;

  g_object_ref_sink (dropdown);
  g_signal_connect (names, "items-changed", G_CALLBACK (list_changed), &change);

  g_assert_true (assay_string_list_update (names, first));
  g_assert_cmpuint (change.n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (names)), ==, 3);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  kept = g_object_ref (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown)));
  kept_first = g_list_model_get_item (G_LIST_MODEL (names), 0);

  /* The same names: nothing happens. */
  g_assert_false (assay_string_list_update (names, first));
  g_assert_cmpuint (change.n_changes, ==, 1);
  g_assert_true (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown)) == (gpointer) kept);

  /* One more: only it is added; the items around it are the same objects. */
  g_assert_true (assay_string_list_update (names, grown));
  g_assert_cmpuint (change.n_changes, ==, 2);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 3);
  g_assert_true (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown)) == (gpointer) kept);
  {
    g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (names), 0);

    g_assert_true (item == kept_first);
  }

  /* One renamed: one replaced. */
  g_assert_true (assay_string_list_update (names, renamed));
  g_assert_cmpuint (change.n_changes, ==, 3);
  g_assert_cmpuint (change.position, ==, 1);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (names, 1), ==, "operating income");
  g_assert_true (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown)) == (gpointer) kept);

  /* None: all removed, once. */
  g_assert_true (assay_string_list_update (names, NULL));
  g_assert_cmpuint (change.n_changes, ==, 4);
  g_assert_cmpuint (change.removed, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (names)), ==, 0);
  g_assert_false (assay_string_list_update (names, NULL));
  g_assert_cmpuint (change.n_changes, ==, 4);

  g_signal_handlers_disconnect_by_data (names, &change);
  g_clear_object (&kept);
  g_assert_finalize_object (dropdown);
}

int
main (int   argc,
      char *argv[])
{
  assay_test_widget_init (&argc, &argv, "corpus-dashboard");

  g_test_add ("/assay/corpus-dashboard/documents", Fixture, NULL,
              fixture_set_up, test_dashboard, fixture_tear_down);
  g_test_add ("/assay/corpus-dashboard/fluid", Fixture, NULL,
              fixture_set_up, test_fluid, fixture_tear_down);
  g_test_add ("/assay/corpus-dashboard/export", Fixture, NULL,
              fixture_set_up, test_export, fixture_tear_down);
  g_test_add_func ("/assay/corpus-dashboard/names-in-place", test_names_in_place);

  return assay_test_widget_run ();
}
