/* test-document-view.c — the document view with real processed documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PDFs written by the test go through a real pipeline (offline extractor,
 * reader helper, a store in a temporary directory); the view shows the
 * result: fields, key figures (sortable), analysis; the not-done and failed
 * states; a newer selection wins over an older load; the key-figures
 * table keeps its rows from one result to the next; another document's
 * page comes without a crossfade; its charts follow a frame after its
 * figures.
 */
#define G_LOG_DOMAIN "test-document-view"

#include "config.h"

#include <glib/gstdio.h>

#include "assay-document-charts.h"
#include "assay-document-view.h"
#include "assay-figure-item.h"
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
  assay_test_widget_set_up (&fixture->base, "document-view");
  fixture->view = assay_document_view_new ();
  assay_test_widget_show (&fixture->base, GTK_WIDGET (fixture->view), 1100, 820);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* The view lets go of everything once closed, loads in flight included. */
  assay_test_widget_tear_down (&fixture->base, WAIT_MS, fixture->view, NULL);
}

static AssayDocument *
add (Fixture    *fixture,
     const char *path)
{
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);

  return assay_pipeline_add (fixture->base.pipeline, input);
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

static const char *
visible_page (Fixture *fixture)
{
  GtkWidget *stack = gtk_widget_get_first_child (GTK_WIDGET (fixture->view));

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static AssayDocument *
process_report (Fixture    *fixture,
                const char *basename)
{
  /* Each report its own content (the same content would be a duplicate). */
  g_autofree char *cover = g_strdup_printf ("ACME Holdings plc\nAnnual Report 2023 (%s)\n", basename);
  const char *pages[] = { cover, report_pages[1], report_pages[2] };
  g_autofree char *path = assay_test_pdf_write_temp (fixture->base.dir, basename, pages,
                                                     G_N_ELEMENTS (pages));
  AssayDocument *document = add (fixture, path);

  g_assert_true (assay_test_ui_wait (is_finished, document, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  return document;
}

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }

  g_assert_not_reached ();
}

static void
assert_sorted_by_value (GListModel *model,
                        gboolean    descending)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr(AssayFigureItem) row_a = g_list_model_get_item (model, i - 1);
      g_autoptr(AssayFigureItem) row_b = g_list_model_get_item (model, i);
      AssayResultFigure *a = assay_figure_item_get_figure (row_a);
      AssayResultFigure *b = assay_figure_item_get_figure (row_b);

      if (descending)
        g_assert_cmpfloat (assay_result_figure_get_value (a), >=, assay_result_figure_get_value (b));
      else
        g_assert_cmpfloat (assay_result_figure_get_value (a), <=, assay_result_figure_get_value (b));
    }
}

/* The divider sits at FRACTION of the paned's LENGTH, give or take the
 * handle and rounding. */
static void
assert_split (GtkWidget *paned,
              int        length,
              double     fraction)
{
  int position = gtk_paned_get_position (GTK_PANED (paned));

  g_assert_cmpint (length, >, 0);
  g_assert_cmpint (ABS (position - (int) (length * fraction)), <=, 8);
}

static void
test_result (Fixture       *fixture,
             gconstpointer  data)
{
  AssayDocument *document = process_report (fixture, "report.pdf");
  AssayDocumentResult *result;
  GListModel *figures, *shown;
  GtkWidget *fields_list, *income_row;
  GtkColumnView *column_view;
  GtkColumnViewColumn *value_column;
  g_autofree char *shot = NULL;
  guint n_fields, n_rows = 0;
  double max_value = -G_MAXDOUBLE;

  assay_document_view_set_document (fixture->view, fixture->base.pipeline, document);
  g_assert_true (assay_test_ui_wait (has_result, fixture->view, WAIT_MS));
  g_assert_cmpstr (visible_page (fixture), ==, "result");
  result = assay_document_view_get_result (fixture->view);
  g_assert_cmpstr (assay_document_result_get_path (result), ==, assay_document_get_path (document));

  /* Fields: one row each, the operating income among them. */
  n_fields = g_list_model_get_n_items (assay_document_result_get_fields (result));
  g_assert_cmpuint (n_fields, >, 0);
  fields_list = assay_test_ui_find (GTK_WIDGET (fixture->view), GTK_TYPE_LIST_BOX, NULL);
  g_assert_nonnull (fields_list);
  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (fields_list), n_rows) != NULL)
    n_rows++;
  g_assert_cmpuint (n_rows, ==, n_fields);
  income_row = NULL;
  for (guint i = 0; i < n_rows && income_row == NULL; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (fields_list), i);

      g_test_message ("field row: %s — %s",
                      adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                      adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));

      if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Operating income") == 0)
        income_row = GTK_WIDGET (row);
    }
  g_assert_nonnull (income_row);
  /* An amount, with its currency: 500.4 million USD as in the statement. */
  {
    const char *value = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (income_row));

    g_assert_true (g_str_has_prefix (value, "500") && g_str_has_suffix (value, " USD"));
  }

  /* Figures: every one in the table. */
  figures = assay_document_result_get_figures (result);
  g_assert_cmpuint (g_list_model_get_n_items (figures), >=, 4);
  column_view = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (fixture->view),
                                                     GTK_TYPE_COLUMN_VIEW, NULL));
  g_assert_nonnull (column_view);
  shown = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, g_list_model_get_n_items (figures));
  for (guint i = 0; i < g_list_model_get_n_items (figures); i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);
      max_value = MAX (max_value, assay_result_figure_get_value (figure));
    }

  /* Sorting by value, as a click on the column header does. */
  value_column = find_column (column_view, "Value");
  gtk_column_view_sort_by_column (column_view, value_column, GTK_SORT_DESCENDING);
  assert_sorted_by_value (shown, TRUE);
  {
    g_autoptr(AssayFigureItem) first = g_list_model_get_item (shown, 0);
    g_assert_cmpfloat (assay_result_figure_get_value (assay_figure_item_get_figure (first)), ==,
                       max_value);
  }
  gtk_column_view_sort_by_column (column_view, value_column, GTK_SORT_ASCENDING);
  assert_sorted_by_value (shown, FALSE);

  /* Selecting a figure row. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown), 1, TRUE);

  assay_test_ui_set_dark (FALSE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-dark");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (FALSE);

  /* Further down: warnings and the analysis. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (fields_list, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-analysis");
    g_clear_pointer (&shot, g_free);
  }

  /* Wide: results and page side by side; narrow: one above the other. */
  {
    GtkWidget *paned = assay_test_ui_find (GTK_WIDGET (fixture->view), GTK_TYPE_PANED, NULL);

    g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (paned)), ==,
                     GTK_ORIENTATION_HORIZONTAL);
    /* Half for the results, half for the page, whatever the children's
     * minimum sizes make of GtkPaned's max-position. */
    assert_split (paned, gtk_widget_get_width (paned), 0.5);
    gtk_window_set_default_size (fixture->base.window, 400, 820);
    assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
    g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (paned)), ==,
                     GTK_ORIENTATION_VERTICAL);
    assert_split (paned, gtk_widget_get_height (paned), 0.5);
    /* A share the user chose is kept when the window grows. */
    gtk_paned_set_position (GTK_PANED (paned), (int) (gtk_widget_get_height (paned) * 0.3));
    gtk_window_set_default_size (fixture->base.window, 400, 900);
    assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
    g_assert_cmpint (gtk_widget_get_height (paned), >, 820 - 200);
    assert_split (paned, gtk_widget_get_height (paned), 0.3);
    gtk_window_set_default_size (fixture->base.window, 400, 820);
    assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
    /* Side by side it could not get that narrow; one above the other it can. */
    gtk_window_set_default_size (fixture->base.window, 401, 820);
    gtk_window_set_default_size (fixture->base.window, 400, 820);
    assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->base.window)), <=, 420);
    shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-narrow");
  }
}

static gboolean
status_page_shown (gpointer user_data)
{
  Fixture *fixture = user_data;

  return g_strcmp0 (visible_page (fixture), "pending") == 0;
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (fixture->base.dir, "broken.pdf", NULL);
  g_autofree char *path = assay_test_pdf_write_temp (fixture->base.dir, "later.pdf", report_pages,
                                                     G_N_ELEMENTS (report_pages));
  g_autofree char *shot = NULL;
  AssayDocument *document;
  AdwStatusPage *status;

  /* Nothing selected. */
  g_assert_cmpstr (visible_page (fixture), ==, "empty");

  /* Not done yet: the document's own status. */
  assay_pipeline_set_paused (fixture->base.pipeline, TRUE);
  document = add (fixture, path);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, document);
  g_assert_true (assay_test_ui_wait (status_page_shown, fixture, WAIT_MS));
  status = ADW_STATUS_PAGE (assay_test_ui_find (GTK_WIDGET (fixture->view), ADW_TYPE_STATUS_PAGE,
                                                "Not Done Yet"));
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_description (status), ==,
                   assay_document_get_status_text (document));
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-pending");
  g_clear_pointer (&shot, g_free);

  /* Once it is done, the view follows by itself. */
  assay_pipeline_set_paused (fixture->base.pipeline, FALSE);
  g_assert_true (assay_test_ui_wait (has_result, fixture->view, WAIT_MS));
  g_assert_cmpstr (visible_page (fixture), ==, "result");

  /* Failed: its message. */
  g_assert_true (g_file_set_contents (broken, "This is not a PDF at all.\n", -1, NULL));
  document = add (fixture, broken);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, document);
  g_assert_null (assay_document_view_get_result (fixture->view));
  g_assert_true (assay_test_ui_wait (is_finished, document, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_FAILED);
  g_assert_cmpstr (visible_page (fixture), ==, "failed");
  status = ADW_STATUS_PAGE (assay_test_ui_find (GTK_WIDGET (fixture->view), ADW_TYPE_STATUS_PAGE,
                                                "This Document Could Not Be Read"));
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_description (status), ==,
                   assay_document_get_error_message (document));
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-failed");

  /* Nothing selected again. */
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
}

static void
test_newer_selection_wins (Fixture       *fixture,
                           gconstpointer  data)
{
  AssayDocument *first = process_report (fixture, "first.pdf");
  AssayDocument *second = process_report (fixture, "second-copy-of-report.pdf");
  AssayDocument *shown;

  /* Both loads start; only the second may land. */
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, first);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, second);
  g_assert_true (assay_test_ui_wait (has_result, fixture->view, WAIT_MS));
  shown = assay_document_view_get_document (fixture->view);
  g_assert_true (shown == second);
  g_assert_cmpstr (assay_document_result_get_path (assay_document_view_get_result (fixture->view)),
                   ==, assay_document_get_path (second));

  /* And a selection that moves away leaves nothing behind. */
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, first);
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_null (assay_document_view_get_result (fixture->view));
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
shows (gpointer user_data)
{
  gpointer *pair = user_data;

  return assay_document_view_get_document (pair[0]) == pair[1] &&
         assay_document_view_get_result (pair[0]) != NULL;
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Runs the main loop for MS milliseconds: for what must not happen. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
page_changed_cb (GtkStack   *stack,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  const char *name = gtk_stack_get_visible_child_name (stack);

  g_assert_true (g_strcmp0 (name, "result") == 0 || g_strcmp0 (name, "loading") == 0);
  (*(guint *) user_data)++;
}

/* A key held down in the list: of many quick selections the view shows the
 * newest only, having kept what it showed until then. */
static void
test_quick_selections (Fixture       *fixture,
                       gconstpointer  data)
{
  AssayDocument *documents[4];
  GtkWidget *stack = gtk_widget_get_first_child (GTK_WIDGET (fixture->view));
  gpointer pair[2];
  guint n_notifies = 0, n_page_changes = 0;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autofree char *name = g_strdup_printf ("quick-%u.pdf", i);

      documents[i] = process_report (fixture, name);
    }

  /* A selection that rests is shown soon (a frame later), not at once. */
  assay_document_view_set_document_soon (fixture->view, fixture->base.pipeline, documents[0]);
  g_assert_null (assay_document_view_get_document (fixture->view));
  pair[0] = fixture->view;
  pair[1] = documents[0];
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));

  /* Selections quicker than the pause: the first one shown stays until the
   * last one is, and nothing in between is ever shown. */
  g_signal_connect (fixture->view, "notify::document", G_CALLBACK (count_cb), &n_notifies);
  /* No page but the result's and, for a load slower than the spinner's
   * delay (under sanitizers), the spinner's. */
  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (page_changed_cb), &n_page_changes);
  for (guint round = 0; round < 3; round++)
    for (guint i = 1; i < G_N_ELEMENTS (documents); i++)
      {
        assay_document_view_set_document_soon (fixture->view, fixture->base.pipeline, documents[i]);
        g_assert_true (assay_document_view_get_document (fixture->view) == documents[0]);
        g_assert_cmpstr (visible_page (fixture), ==, "result");
      }
  pair[1] = documents[G_N_ELEMENTS (documents) - 1];
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  g_assert_cmpuint (n_notifies, ==, 1);
  g_assert_cmpuint (n_page_changes % 2, ==, 0);
  g_assert_cmpstr (visible_page (fixture), ==, "result");

  /* From one result to the next in place: loading starts with the
   * previous result still on its page, not an empty page or the spinner. */
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, documents[0]);
  g_assert_null (assay_document_view_get_result (fixture->view));
  g_assert_cmpstr (visible_page (fixture), ==, "result");
  pair[1] = documents[0];
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  g_assert_cmpstr (visible_page (fixture), ==, "result");
  g_signal_handlers_disconnect_by_func (stack, page_changed_cb, &n_page_changes);
  n_notifies = 0;
  g_assert_cmpstr (assay_document_result_get_path (assay_document_view_get_result (fixture->view)),
                   ==, assay_document_get_path (pair[1]));

  /* Back to what is shown before the pause: nothing changes, then or later. */
  assay_document_view_set_document_soon (fixture->view, fixture->base.pipeline, documents[1]);
  assay_document_view_set_document_soon (fixture->view, fixture->base.pipeline, pair[1]);
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  /* Well past the pause, the view must still show the same. */
  run_for (3 * 100);
  g_assert_cmpuint (n_notifies, ==, 0);
  g_assert_true (assay_document_view_get_document (fixture->view) == pair[1]);

  /* set_document() at once wins over a selection still to come. */
  assay_document_view_set_document_soon (fixture->view, fixture->base.pipeline, documents[0]);
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  run_for (3 * 100);
  g_assert_null (assay_document_view_get_document (fixture->view));
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  g_signal_handlers_disconnect_by_func (fixture->view, count_cb, &n_notifies);
}

/* Another document's page comes at once (under the cairo renderer a
 * crossfade redraws both pages in each of its frames, while the keys go on
 * selecting); the shown document's own state change still crossfades.
 * GtkStack starts a transition after it notifies the new page: the test
 * looks once the call or the load that changed it has returned. */
static void
test_selection_at_once (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkStack *stack = GTK_STACK (gtk_widget_get_first_child (GTK_WIDGET (fixture->view)));
  AssayDocument *first = process_report (fixture, "at-once-1.pdf");
  AssayDocument *second = process_report (fixture, "at-once-2.pdf");
  const char *pages[] = { "ACME Holdings plc\nAnnual Report 2023 (later)\n", report_pages[1],
                          report_pages[2] };
  g_autofree char *later_path = assay_test_pdf_write_temp (fixture->base.dir, "at-once-3.pdf", pages,
                                                           G_N_ELEMENTS (pages));
  gpointer pair[2] = { fixture->view, first };
  AssayDocument *later;

  g_object_set (settings, "gtk-enable-animations", TRUE, NULL);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, first);
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (stack)));
  g_assert_false (gtk_stack_get_transition_running (stack));

  /* Nothing selected, then another document: each page at once. */
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  g_assert_false (gtk_stack_get_transition_running (stack));
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, second);
  pair[1] = second;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  g_assert_cmpstr (visible_page (fixture), ==, "result");
  g_assert_false (gtk_stack_get_transition_running (stack));

  /* Selected while not done: its pending page at once; its result (the
   * same selection) crossfades in. */
  later = add (fixture, later_path);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, later);
  g_assert_cmpstr (visible_page (fixture), ==, "pending");
  g_assert_false (gtk_stack_get_transition_running (stack));
  pair[1] = later;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  g_assert_cmpstr (visible_page (fixture), ==, "result");
  g_assert_true (gtk_stack_get_transition_running (stack));

  g_object_set (settings, "gtk-enable-animations", FALSE, NULL);
}

static GPtrArray *
field_rows (AssayDocumentView *view)
{
  GtkListBox *list = GTK_LIST_BOX (assay_test_ui_find (GTK_WIDGET (view), GTK_TYPE_LIST_BOX, NULL));
  GPtrArray *rows = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    g_ptr_array_add (rows, row);

  return rows;
}

/* Each field row shows its field of @result, in the model's order. */
static void
assert_fields_show (GPtrArray           *rows,
                    AssayDocumentResult *result)
{
  GListModel *fields = assay_document_result_get_fields (result);

  g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (fields));
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(AssayResultField) field = g_list_model_get_item (fields, i);

      g_assert_true (g_object_get_data (rows->pdata[i], "assay-field") == field);
      g_assert_nonnull (adw_preferences_row_get_title (rows->pdata[i]));
    }
}

/* The fields' rows, like the table's, stay from one result to the next:
 * the same row widgets show the next document's fields, and the page
 * hidden they hold none. */
static void
test_field_rows_kept (Fixture       *fixture,
                      gconstpointer  data)
{
  AssayDocument *first = process_report (fixture, "fields-1.pdf");
  const char *pages[] = { "Short report\nDate: 1 April 2024\n", report_pages[2] };
  g_autofree char *short_path = assay_test_pdf_write_temp (fixture->base.dir, "fields-2.pdf", pages,
                                                           G_N_ELEMENTS (pages));
  AssayDocument *second = add (fixture, short_path);
  gpointer pair[2] = { fixture->view, first };
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) hidden = NULL;

  g_assert_true (assay_test_ui_wait (is_finished, second, WAIT_MS));
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, first);
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  before = field_rows (fixture->view);
  assert_fields_show (before, assay_document_view_get_result (fixture->view));
  for (guint i = 0; i < before->len; i++)
    g_object_add_weak_pointer (before->pdata[i], &before->pdata[i]);

  assay_document_view_set_document (fixture->view, fixture->base.pipeline, second);
  pair[1] = second;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  after = field_rows (fixture->view);
  g_test_message ("fields: %u, then %u", before->len, after->len);
  g_assert_cmpuint (after->len, >, 0);
  assert_fields_show (after, assay_document_view_get_result (fixture->view));
  for (guint i = 0; i < MIN (before->len, after->len); i++)
    g_assert_true (after->pdata[i] == before->pdata[i]);

  assay_document_view_set_document (fixture->view, NULL, NULL);
  hidden = field_rows (fixture->view);
  g_assert_cmpuint (hidden->len, ==, after->len);
  for (guint i = 0; i < hidden->len; i++)
    g_assert_null (g_object_get_data (hidden->pdata[i], "assay-field"));

  for (guint i = 0; i < before->len; i++)
    if (before->pdata[i] != NULL)
      g_object_remove_weak_pointer (before->pdata[i], &before->pdata[i]);
}

/* What the frames showed of a document selected, from its result on. */
typedef struct
{
  AssayDocumentView   *view;
  AssayDocumentCharts *charts;
  GtkColumnView       *table;
  AssayDocument       *document;
  guint                frames;     /* painted since its result was shown */
  guint                charts_at;  /* the frame that first had its charts; 0: none yet */
} Follow;

static void
follow_after_paint (GdkFrameClock *clock,
                    gpointer       user_data)
{
  Follow *follow = user_data;
  AssayDocumentResult *result = assay_document_view_get_result (follow->view);

  if (assay_document_view_get_document (follow->view) != follow->document || result == NULL ||
      follow->charts_at != 0)
    return;

  if (++follow->frames == 1)
    {
      GListModel *figures = assay_document_result_get_figures (result);
      GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (follow->table));
      g_autoptr(AssayFigureItem) item = g_list_model_get_item (shown, 0);
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, 0);
      GtkStack *stack = GTK_STACK (gtk_widget_get_first_child (GTK_WIDGET (follow->view)));

      /* The page's first frame: this result's key figures, its charts not
       * yet, and no other document's charts either. */
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "result");
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, g_list_model_get_n_items (figures));
      g_assert_true (assay_figure_item_get_figure (item) == figure);
      g_assert_true (assay_document_charts_get_result (follow->charts) != result);
      g_assert_cmpfloat (gtk_widget_get_opacity (GTK_WIDGET (follow->charts)), ==, 0.0);
    }
  if (assay_document_charts_get_result (follow->charts) == result)
    follow->charts_at = follow->frames;
}

static gboolean
charts_shown (gpointer user_data)
{
  return ((Follow *) user_data)->charts_at != 0;
}

/* Selecting a document shows its figures in the page's first frame; its
 * charts (their specs, layout and first drawing) follow in the next one
 * rather than making that frame longer. */
static void
test_charts_follow (Fixture       *fixture,
                    gconstpointer  data)
{
  AssayDocument *first = process_report (fixture, "follow-1.pdf");
  AssayDocument *second = process_report (fixture, "follow-2.pdf");
  GdkFrameClock *clock;
  Follow follow = { fixture->view, NULL, NULL, first, 0, 0 };
  gulong handler;

  follow.charts = ASSAY_DOCUMENT_CHARTS (assay_test_ui_find (GTK_WIDGET (fixture->view),
                                                             ASSAY_TYPE_DOCUMENT_CHARTS, NULL));
  follow.table = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (fixture->view),
                                                      GTK_TYPE_COLUMN_VIEW, NULL));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->base.window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (follow_after_paint), &follow);

  /* From the empty page, then from another document's result in place. */
  for (guint i = 0; i < 2; i++)
    {
      follow.document = i == 0 ? first : second;
      follow.frames = follow.charts_at = 0;
      assay_document_view_set_document (fixture->view, fixture->base.pipeline, follow.document);
      g_assert_true (assay_test_ui_wait (charts_shown, &follow, WAIT_MS));
      g_test_message ("%s: charts in frame %u of its page", assay_document_get_name (follow.document),
                      follow.charts_at);
      g_assert_cmpuint (follow.charts_at, >=, 2);
      g_assert_cmpuint (follow.charts_at, <=, 3);
      g_assert_cmpfloat (gtk_widget_get_opacity (GTK_WIDGET (follow.charts)), ==, 1.0);
    }
  g_signal_handler_disconnect (clock, handler);

  /* Another selection before the charts had theirs: they never get it. */
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, first);
  {
    gpointer pair[2] = { fixture->view, first };

    g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  }
  g_assert_true (assay_document_charts_get_result (follow.charts) !=
                 assay_document_view_get_result (fixture->view));
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_null (assay_document_charts_get_result (follow.charts));
  g_assert_cmpfloat (gtk_widget_get_opacity (GTK_WIDGET (follow.charts)), ==, 1.0);
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  g_assert_null (assay_document_charts_get_result (follow.charts));
}

/* The label cells (inscriptions without "dim-label", which the source's
 * have) under ROOT, depth first. */
static void
collect_label_cells (GtkWidget *root,
                     GPtrArray *cells)
{
  if (GTK_IS_INSCRIPTION (root) && !gtk_widget_has_css_class (root, "dim-label"))
    g_ptr_array_add (cells, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_label_cells (child, cells);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* What the table shows: each row's label, in the model's order, and the
 * label cells' texts are the same labels. */
static void
assert_table_shows (GtkColumnView       *column_view,
                    AssayDocumentResult *result)
{
  GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  GListModel *figures = assay_document_result_get_figures (result);
  guint n = g_list_model_get_n_items (figures);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayFigureItem) row = g_list_model_get_item (shown, i);
      AssayResultFigure *figure = assay_figure_item_get_figure (row);
      gboolean found = FALSE;

      /* Each of the result's figures once. */
      for (guint j = 0; j < n && !found; j++)
        {
          g_autoptr(AssayResultFigure) other = g_list_model_get_item (figures, j);

          found = other == figure;
        }
      g_assert_true (found);
      g_ptr_array_add (expected, (gpointer) assay_result_figure_get_label (figure));
    }

  collect_label_cells (GTK_WIDGET (column_view), cells);
  g_assert_cmpuint (cells->len, ==, n);
  for (guint i = 0; i < cells->len; i++)
    g_ptr_array_add (texts, (gpointer) gtk_inscription_get_text (cells->pdata[i]));
  g_ptr_array_sort (expected, compare_strings);
  g_ptr_array_sort (texts, compare_strings);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (texts->pdata[i], ==, expected->pdata[i]);
}

/* From one result to another the key-figures table keeps its rows: the
 * same row items and cell widgets show the next result's figures, sorted
 * as the table was; only the difference in count is added or removed. */
static void
test_rows_kept (Fixture       *fixture,
                gconstpointer  data)
{
  const char *short_pages[] = { "Short report\n", report_pages[2] };
  g_autofree char *short_path = assay_test_pdf_write_temp (fixture->base.dir, "short.pdf", short_pages,
                                                           G_N_ELEMENTS (short_pages));
  AssayDocument *longer = process_report (fixture, "longer.pdf");
  AssayDocument *shorter = add (fixture, short_path);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  GtkColumnView *column_view;
  GListModel *shown;
  AssayDocumentResult *result;
  gpointer pair[2] = { fixture->view, NULL };
  guint n_long, n_short, n_alive = 0;

  g_assert_true (assay_test_ui_wait (is_finished, shorter, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (shorter), ==, ASSAY_DOCUMENT_DONE);

  column_view = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (fixture->view),
                                                     GTK_TYPE_COLUMN_VIEW, NULL));
  shown = G_LIST_MODEL (gtk_column_view_get_model (column_view));

  assay_document_view_set_document (fixture->view, fixture->base.pipeline, longer);
  pair[1] = longer;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  result = assay_document_view_get_result (fixture->view);
  n_long = g_list_model_get_n_items (assay_document_result_get_figures (result));
  assert_table_shows (column_view, result);
  for (guint i = 0; i < n_long; i++)
    g_ptr_array_add (rows, g_list_model_get_item (shown, i));
  collect_label_cells (GTK_WIDGET (column_view), cells);
  for (guint i = 0; i < cells->len; i++)
    g_object_add_weak_pointer (cells->pdata[i], &cells->pdata[i]);

  /* Sorted by value; then the shorter result. */
  gtk_column_view_sort_by_column (column_view, find_column (column_view, "Value"),
                                  GTK_SORT_DESCENDING);
  assert_sorted_by_value (shown, TRUE);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, shorter);
  pair[1] = shorter;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  result = assay_document_view_get_result (fixture->view);
  n_short = g_list_model_get_n_items (assay_document_result_get_figures (result));
  g_test_message ("figures: %u, then %u", n_long, n_short);
  g_assert_cmpuint (n_short, >, 0);
  g_assert_cmpuint (n_short, <, n_long);
  assert_table_shows (column_view, result);
  assert_sorted_by_value (shown, TRUE);

  /* The same row items, and the rows' cells are the ones that were there. */
  for (guint i = 0; i < n_short; i++)
    {
      g_autoptr(AssayFigureItem) row = g_list_model_get_item (shown, i);

      g_assert_true (g_ptr_array_find (rows, row, NULL));
    }
  for (guint i = 0; i < cells->len; i++)
    if (cells->pdata[i] != NULL)
      n_alive++;
  g_assert_cmpuint (n_alive, ==, n_short);
  {
    g_autoptr(GPtrArray) now = g_ptr_array_new ();

    collect_label_cells (GTK_WIDGET (column_view), now);
    for (guint i = 0; i < now->len; i++)
      g_assert_true (g_ptr_array_find (cells, now->pdata[i], NULL));
  }

  /* And back: rows added for the difference, sorted still. */
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, longer);
  pair[1] = longer;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  assert_table_shows (column_view, assay_document_view_get_result (fixture->view));
  assert_sorted_by_value (shown, TRUE);

  /* A page without a result in between: the rows stay, empty, for the next. */
  assay_document_view_set_document (fixture->view, NULL, NULL);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n_long);
  assay_document_view_set_document (fixture->view, fixture->base.pipeline, shorter);
  pair[1] = shorter;
  g_assert_true (assay_test_ui_wait (shows, pair, WAIT_MS));
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  assert_table_shows (column_view, assay_document_view_get_result (fixture->view));
  n_alive = 0;
  for (guint i = 0; i < cells->len; i++)
    if (cells->pdata[i] != NULL)
      n_alive++;
  g_assert_cmpuint (n_alive, ==, n_short);

  for (guint i = 0; i < cells->len; i++)
    if (cells->pdata[i] != NULL)
      g_object_remove_weak_pointer (cells->pdata[i], &cells->pdata[i]);
}

int
main (int   argc,
      char *argv[])
{
  assay_test_widget_init (&argc, &argv, "document-view");

  g_test_add ("/assay/document-view/result", Fixture, NULL,
              fixture_set_up, test_result, fixture_tear_down);
  g_test_add ("/assay/document-view/states", Fixture, NULL,
              fixture_set_up, test_states, fixture_tear_down);
  g_test_add ("/assay/document-view/quick-selections", Fixture, NULL,
              fixture_set_up, test_quick_selections, fixture_tear_down);
  g_test_add ("/assay/document-view/newer-selection-wins", Fixture, NULL,
              fixture_set_up, test_newer_selection_wins, fixture_tear_down);
  g_test_add ("/assay/document-view/rows-kept", Fixture, NULL,
              fixture_set_up, test_rows_kept, fixture_tear_down);
  g_test_add ("/assay/document-view/selection-at-once", Fixture, NULL,
              fixture_set_up, test_selection_at_once, fixture_tear_down);
  g_test_add ("/assay/document-view/field-rows-kept", Fixture, NULL,
              fixture_set_up, test_field_rows_kept, fixture_tear_down);
  g_test_add ("/assay/document-view/charts-follow", Fixture, NULL,
              fixture_set_up, test_charts_follow, fixture_tear_down);

  return assay_test_widget_run ();
}
