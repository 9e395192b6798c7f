/* test-document-charts.c — a processed document's charts in the document view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PDF written by the test goes through a real pipeline (offline
 * extractor, reader helper, a store in a temporary directory); the view's
 * charts show its key figures, numbers, first digits and pages; a click on
 * a key figure's bar selects that figure and shows its page, a click on a
 * page's bar shows the page; a chart saves as PNG and SVG. Screenshots in
 * light and dark go to the build's tests/screenshots.
 */
#define G_LOG_DOMAIN "test-document-charts"

#include "config.h"

#include <glib/gstdio.h>

#include "assay-chart-private.h"
#include "assay-chart-save.h"
#include "assay-charts-from-result.h"
#include "assay-document-charts.h"
#include "assay-document-view.h"
#include "assay-figure-item.h"
#include "assay-page-preview.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"

#define WAIT_MS 60000

static const char *report_pages[] = {
  "ACME Holdings plc\n"
  "Annual Report 2023\n"
  "Date: 15 March 2024\n",

  "Consolidated income statement\n"
  "(in millions of USD)\n"
  "                              Note      2023      2022\n"
  "Total revenue ...........        4   1,234.5   1,100.2\n"
  "Cost of sales                        (734.1)   (650.0)\n"
  "Operating income                       500.4     450.2\n"
  "Net income: $12.3 million\n"
  "Operating margin   12.5%\n"
  "2\n",

  "Balance sheet\n"
  "EUR thousand        2023       2022\n"
  "Total assets     98,765    90,000\n"
  "Total equity     45,000    40,100\n"
  "Revenue by region: North 1,234; South 2,345; East 3,456; West 4,567;\n"
  "Central 5,678; Islands 6,789; Overseas 7,890; Online 8,901; Other 9,012\n"
  "Units sold 112, 134, 156, 178, 191, 213, 245, 287, 312, 356, 398, 412\n"
  "3\n",
};

typedef struct
{
  AssayTestWidget    base;
  AssayDocumentView *view;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  assay_test_widget_set_up (&fixture->base, "document-charts");
  fixture->view = assay_document_view_new ();
  assay_test_widget_show (&fixture->base, GTK_WIDGET (fixture->view), 1200, 900);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  assay_test_widget_tear_down (&fixture->base, WAIT_MS, fixture->view, NULL);
}

static gboolean
is_finished (gpointer user_data)
{
  return assay_document_is_finished (user_data);
}

static gboolean
has_result (gpointer user_data)
{
  return assay_document_view_get_result (user_data) != NULL;
}

static gboolean
geometry_ready (gpointer user_data)
{
  AssayChart *chart = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (chart)) &&
         !_assay_chart_geometry_pending (chart) &&
         _assay_chart_get_geometry (chart) != NULL;
}

static gboolean
preview_on_page (gpointer user_data)
{
  gpointer *args = user_data;

  return assay_page_preview_get_page (args[0]) == GPOINTER_TO_UINT (args[1]);
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

/* A real click (the chart's own gesture) in the middle of an item. */
static void
click_item (AssayChart *chart,
            guint       series,
            guint       index)
{
  const AssayChartGeometry *geometry;
  double x, y, w, h;

  g_assert_true (assay_test_ui_wait (geometry_ready, chart, WAIT_MS));
  geometry = _assay_chart_get_geometry (chart);
  g_assert_true (assay_chart_geometry_get_item_area (geometry, series, index, &x, &y, &w, &h));
  g_signal_emit_by_name (find_controller (GTK_WIDGET (chart), GTK_TYPE_GESTURE_CLICK),
                         "pressed", 1, x + w / 2, y + h / 2);
}

static void
scroll_into_view (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t point;

  assay_test_ui_wait_drawn (gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW));
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
  assay_test_ui_wait_drawn (gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW));
}

static gboolean
charts_show_result (gpointer user_data)
{
  AssayDocumentView *view = user_data;
  AssayDocumentCharts *charts =
    ASSAY_DOCUMENT_CHARTS (assay_test_ui_find (GTK_WIDGET (view), ASSAY_TYPE_DOCUMENT_CHARTS, NULL));

  return assay_document_view_get_result (view) != NULL &&
         assay_document_charts_get_result (charts) == assay_document_view_get_result (view);
}

/* The view gives its charts the result a frame after its page. */
static AssayDocumentCharts *
wait_charts (Fixture *fixture)
{
  g_assert_true (assay_test_ui_wait (charts_show_result, fixture->view, WAIT_MS));

  return ASSAY_DOCUMENT_CHARTS (assay_test_ui_find (GTK_WIDGET (fixture->view),
                                                    ASSAY_TYPE_DOCUMENT_CHARTS, NULL));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  int *state = user_data;
  g_autoptr(GError) error = NULL;

  *state = assay_chart_save_finish (NULL, result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

static gboolean
nonzero (gpointer user_data)
{
  return *(int *) user_data != 0;
}

/* The key-figures table's rows are AssayFigureItems, kept across results. */
static AssayResultFigure *
selected_figure (GtkSingleSelection *selection)
{
  AssayFigureItem *row = gtk_single_selection_get_selected_item (selection);

  return row != NULL ? assay_figure_item_get_figure (row) : NULL;
}

static void
test_charts (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = assay_test_pdf_write_temp (fixture->base.dir, "report.pdf", report_pages,
                                                     G_N_ELEMENTS (report_pages));
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);
  AssayDocument *document = assay_pipeline_add (fixture->base.pipeline, input);
  AssayDocumentResult *result;
  AssayDocumentCharts *charts;
  AssayChart *key_figures, *distribution, *benford, *pages;
  AssayChartSeries *bars;
  AssayPagePreview *preview;
  GtkColumnView *column_view;
  GtkSingleSelection *selection;
  g_autoptr(AssayResultFigure) figure = NULL;
  g_autoptr(AssayChartsDocument) doc = NULL;
  g_autofree char *shot = NULL;
  gpointer args[2];
  guint id, index = G_MAXUINT, page;

  g_assert_true (assay_test_ui_wait (is_finished, document, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, document);
  g_assert_true (assay_test_ui_wait (has_result, fixture->view, WAIT_MS));
  result = assay_document_view_get_result (fixture->view);

  /* The inputs: every key figure, in the model's order. */
  doc = assay_charts_document_from_result (result);
  g_assert_cmpuint (doc->n_figures, ==, g_list_model_get_n_items (assay_document_result_get_figures (result)));
  g_assert_cmpuint (doc->n_figures, >=, 4);
  g_assert_cmpuint (doc->n_pages, ==, 3);
  g_assert_nonnull (doc->histogram_edges);
  g_assert_cmpuint (doc->histogram_n_bins, >, 0);

  /* The charts, in the view, of this result. */
  charts = wait_charts (fixture);
  g_assert_nonnull (charts);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (charts)));
  g_assert_true (assay_document_charts_get_result (charts) == result);
  key_figures = assay_document_charts_get_chart (charts, ASSAY_DOCUMENT_CHART_KEY_FIGURES);
  distribution = assay_document_charts_get_chart (charts, ASSAY_DOCUMENT_CHART_DISTRIBUTION);
  benford = assay_document_charts_get_chart (charts, ASSAY_DOCUMENT_CHART_BENFORD);
  pages = assay_document_charts_get_chart (charts, ASSAY_DOCUMENT_CHART_FIGURES_PER_PAGE);

  g_assert_cmpuint (assay_chart_spec_get_n_series (assay_chart_get_spec (key_figures)), ==, 1);
  bars = assay_chart_spec_get_series (assay_chart_get_spec (key_figures), 0);
  g_assert_cmpuint (assay_chart_series_get_n_items (bars), >=, 2);
  g_assert_false (assay_chart_spec_is_empty (assay_chart_get_spec (distribution)));
  g_assert_cmpuint (assay_chart_spec_get_n_series (assay_chart_get_spec (benford)), ==, 2);   /* bars + curve */
  g_assert_nonnull (assay_chart_get_subtitle (benford));                                       /* the verdict */
  g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (assay_chart_get_spec (pages), 0)),
                    ==, 3);

  /* Screenshots of the charts, light and dark. */
  scroll_into_view (GTK_WIDGET (charts));
  g_assert_true (assay_test_ui_wait (geometry_ready, key_figures, WAIT_MS));
  assay_test_ui_set_dark (FALSE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts-dark");
  g_clear_pointer (&shot, g_free);
  scroll_into_view (GTK_WIDGET (benford));
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts-benford-dark");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (FALSE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts-benford");
  g_clear_pointer (&shot, g_free);

  /* A click on a key figure's bar selects that figure in the table and
   * shows its page, highlighted. The last bar: a figure not first in the model. */
  scroll_into_view (GTK_WIDGET (key_figures));
  for (guint i = assay_chart_series_get_n_items (bars); i-- > 0 && index == G_MAXUINT;)
    {
      g_autoptr(AssayResultFigure) f = g_list_model_get_item (assay_document_result_get_figures (result),
                                                              assay_chart_series_get_id (bars, i));

      if (assay_result_figure_get_verification (f) == ASSAY_VERIFICATION_VERIFIED)
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);
  id = assay_chart_series_get_id (bars, index);
  click_item (key_figures, 0, index);
  figure = g_list_model_get_item (assay_document_result_get_figures (result), id);
  column_view = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (fixture->view), GTK_TYPE_COLUMN_VIEW, NULL));
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (column_view));
  g_assert_true (selected_figure (selection) == figure);
  preview = ASSAY_PAGE_PREVIEW (assay_test_ui_find (GTK_WIDGET (fixture->view), ASSAY_TYPE_PAGE_PREVIEW, NULL));
  page = assay_result_figure_get_verified_page (figure);
  g_assert_cmpuint (page, >, 0);
  args[0] = preview;
  args[1] = GUINT_TO_POINTER (page);
  g_assert_true (assay_test_ui_wait (preview_on_page, args, WAIT_MS));
  g_test_message ("bar %u → figure %u “%s” on page %u", index, id,
                  assay_result_figure_get_label (figure), page);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts-clicked");
  g_clear_pointer (&shot, g_free);

  /* A page's bar shows that page, nothing selected, its key figures
   * marked: none on page 1, the clicked figure's among those of its page. */
  scroll_into_view (GTK_WIDGET (pages));
  click_item (pages, 0, 0);
  g_assert_null (gtk_single_selection_get_selected_item (selection));
  args[1] = GUINT_TO_POINTER (1);
  g_assert_true (assay_test_ui_wait (preview_on_page, args, WAIT_MS));
  if (assay_result_figure_get_page (figure) != 1)
    {
      graphene_rect_t bounds;

      g_assert_false (assay_page_preview_get_highlight_bounds (preview, &bounds));
      click_item (pages, 0, page - 1);
      args[1] = GUINT_TO_POINTER (page);
      g_assert_true (assay_test_ui_wait (preview_on_page, args, WAIT_MS));
      g_assert_null (gtk_single_selection_get_selected_item (selection));
      g_assert_true (assay_page_preview_get_highlight_bounds (preview, &bounds));
      g_assert_cmpfloat (bounds.size.width, >, 0);
      shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-charts-page-clicked");
      g_clear_pointer (&shot, g_free);
    }

  /* Saved as shown: a PNG of the chart's size at least, an SVG with its marks. */
  {
    g_autofree char *png_path = g_build_filename (fixture->base.dir, "key-figures.png", NULL);
    g_autofree char *svg_path = g_build_filename (fixture->base.dir, "key-figures.svg", NULL);
    g_autoptr(GFile) png = g_file_new_for_path (png_path);
    g_autoptr(GFile) svg = g_file_new_for_path (svg_path);
    g_autofree char *svg_text = NULL;
    g_autofree guchar *pixels = NULL;
    int state = 0, width = 0, height = 0;
    gsize stride = 0;

    assay_chart_save_async (key_figures, ASSAY_CHART_FORMAT_PNG, "Key figures — report", png, NULL,
                            saved_cb, &state);
    g_assert_true (assay_test_ui_wait (nonzero, &state, WAIT_MS));
    g_assert_cmpint (state, ==, 1);
    pixels = assay_test_ui_read_png (png_path, &width, &height, &stride);
    g_assert_nonnull (pixels);
    g_assert_cmpint (width, >=, MAX (800, gtk_widget_get_width (GTK_WIDGET (key_figures))));
    g_assert_cmpint (height, >=, 480);

    state = 0;
    assay_chart_save_async (key_figures, ASSAY_CHART_FORMAT_SVG, "Key figures — report", svg, NULL,
                            saved_cb, &state);
    g_assert_true (assay_test_ui_wait (nonzero, &state, WAIT_MS));
    g_assert_cmpint (state, ==, 1);
    g_assert_true (g_file_get_contents (svg_path, &svg_text, NULL, NULL));
    g_assert_nonnull (strstr (svg_text, "<svg"));
    g_assert_nonnull (strstr (svg_text, "</svg>"));
  }

  /* Another document selected: no charts of the old one left behind. */
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_null (assay_document_charts_get_result (charts));
}

/* The cell showing @text in the column view, NULL when no row shows it. */
static GtkWidget *
find_cell (GtkWidget  *widget,
           const char *text)
{
  if ((GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0) ||
      (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0))
    return gtk_widget_get_child_visible (widget) && gtk_widget_get_mapped (widget) ? widget : NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_cell (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether the figure's row is within the table's scrolled window. */
static gboolean
row_visible (GtkColumnView     *view,
             AssayResultFigure *figure)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *cell = find_cell (GTK_WIDGET (view), assay_result_figure_get_label (figure));
  graphene_rect_t bounds;

  if (cell == NULL || !gtk_widget_compute_bounds (cell, scroller, &bounds))
    return FALSE;
  g_test_message ("“%s” at %.0f–%.0f of %d", assay_result_figure_get_label (figure), bounds.origin.y,
                  bounds.origin.y + bounds.size.height, gtk_widget_get_height (scroller));
  return bounds.origin.y >= 0 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scroller);
}

/* A figure picked from the chart scrolls the table to its row: there are
 * more rows than the table shows. */
static void
test_scroll_to_figure (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) segments = g_string_new ("Revenue by segment\n(in thousands of EUR)\n");
  g_autofree char *path = NULL;
  g_autoptr(AssayInputFile) input = NULL;
  const char *pages[2] = { "ACME Holdings plc\nAnnual Report 2023\n", NULL };
  AssayDocument *document;
  AssayDocumentResult *result;
  AssayDocumentCharts *charts;
  AssayChart *key_figures;
  AssayChartSeries *bars;
  GtkColumnView *column_view;
  GtkSingleSelection *selection;
  GListModel *figures;
  guint n, first = G_MAXUINT, last = G_MAXUINT;

  for (guint i = 1; i <= 40; i++)
    g_string_append_printf (segments, "Segment %c%c revenue      %u,%03u.5\n",
                            'A' + i / 26, 'A' + i % 26, i, (i * 37) % 1000);
  pages[1] = segments->str;
  path = assay_test_pdf_write_temp (fixture->base.dir, "segments.pdf", pages, G_N_ELEMENTS (pages));
  input = assay_input_file_new (path, TRUE);
  document = assay_pipeline_add (fixture->base.pipeline, input);
  g_assert_true (assay_test_ui_wait (is_finished, document, WAIT_MS));
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, document);
  g_assert_true (assay_test_ui_wait (has_result, fixture->view, WAIT_MS));
  result = assay_document_view_get_result (fixture->view);
  figures = assay_document_result_get_figures (result);
  n = g_list_model_get_n_items (figures);
  g_test_message ("%u figures", n);
  g_assert_cmpuint (n, >=, 30);

  charts = wait_charts (fixture);
  key_figures = assay_document_charts_get_chart (charts, ASSAY_DOCUMENT_CHART_KEY_FIGURES);
  bars = assay_chart_spec_get_series (assay_chart_get_spec (key_figures), 0);
  column_view = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (fixture->view), GTK_TYPE_COLUMN_VIEW, NULL));
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (column_view));

  /* The bars of the figures first and last in the table. */
  for (guint i = 0; i < assay_chart_series_get_n_items (bars); i++)
    {
      guint id = assay_chart_series_get_id (bars, i);

      if (id == 0)
        first = i;
      if (id == n - 1)
        last = i;
    }
  g_assert_cmpuint (first, !=, G_MAXUINT);
  g_assert_cmpuint (last, !=, G_MAXUINT);

  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  {
    g_autoptr(AssayResultFigure) f = g_list_model_get_item (figures, n - 1);

    g_assert_false (row_visible (column_view, f));   /* below the table's end */
  }
  for (guint pick = 0; pick < 2; pick++)
    {
      guint id = pick == 0 ? n - 1 : 0;
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, id);

      scroll_into_view (GTK_WIDGET (key_figures));
      click_item (key_figures, 0, pick == 0 ? last : first);
      g_assert_true (selected_figure (selection) == figure);
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
      g_assert_true (row_visible (column_view, figure));
    }
  scroll_into_view (GTK_WIDGET (column_view));
  g_free (assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-figure-scrolled"));
}

int
main (int   argc,
      char *argv[])
{
  assay_test_widget_init (&argc, &argv, "document-charts");

  g_test_add ("/assay/document-charts/charts", Fixture, NULL,
              fixture_set_up, test_charts, fixture_tear_down);
  g_test_add ("/assay/document-charts/scroll-to-figure", Fixture, NULL,
              fixture_set_up, test_scroll_to_figure, fixture_tear_down);

  return assay_test_widget_run ();
}
