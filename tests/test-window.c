/* test-window.c — the window and its list of documents, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs through tests/with-display.sh. The application is registered on the
 * private session bus (which runs its startup: resources, style sheet,
 * accelerators) and its window is driven directly: files added as a drop
 * adds them, real PDFs written by the test, one encrypted with qpdf. Each
 * case saves screenshots (light and dark) in the build directory.
 */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <math.h>

#include <string.h>

#include <glib/gstdio.h>

#include "assay-application.h"
#include "assay-corpus-dashboard.h"
#include "assay-document-row.h"
#include "assay-document-private.h"
#include "assay-fake-llm-server.h"
#include "assay-offline-extractor.h"
#include "assay-progress-line.h"
#include "assay-session.h"
#include "assay-spinner.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"
#include "assay-window.h"

#define WAIT_LIMIT_S 90

static AssayApplication *app;

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Lets frames be laid out and drawn (not a synchronisation: what follows
 * only looks at what is drawn). */
static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  assay_test_wait_until (time_passed, &until, ms / 1000 + 5, "time to pass");
}

/* Saves @widget as drawn now to NAME.png in the build directory, and
 * checks that the picture is not one flat colour. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  g_autofree guchar *pixels = NULL;
  int width, height;
  GskRenderer *renderer;
  guint32 first;
  gboolean varied = FALSE;

  assay_test_wait_until (assay_test_widget_is_drawn, widget, 10, "the window to be drawn");
  settle (300);
  /* Laid out and drawn again after a style change (slow under ASan). */
  assay_test_ui_wait_drawn (widget);

  /* The size once drawn: a slow (sanitizer) run may not have one before. */
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A window still waiting for its new size (a slow build, a resize just
   * asked for) draws nothing yet: try again a few frames later. */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        settle (100);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  first = ((guint32 *) pixels)[0];
  for (gsize i = 0; i < (gsize) width * height && !varied; i++)
    varied = ((guint32 *) pixels)[i] != first;
  g_assert_true (varied);
}

static void
screenshots (GtkWidget  *window,
             const char *name)
{
  g_autofree char *light = g_strconcat (name, "-light", NULL);
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);

  assay_test_ui_set_dark (FALSE);
  save_screenshot (window, light);
  assay_test_ui_set_dark (TRUE);
  save_screenshot (window, dark);
  assay_test_ui_set_dark (FALSE);
}

/* The status line a row draws now, read without asking the row for it
 * (which would bring it up to date first); NULL for a placeholder. */
static const char *
shown_status (GtkWidget *row)
{
  return assay_document_row_get_shown_status (ASSAY_DOCUMENT_ROW (row));
}

static GFile *
write_pdf (const char *dir,
           const char *name,
           const char *text)
{
  const char *pages[] = { text, "Page two\nTotal revenue 1,234.50 EUR" };
  g_autofree char *path = assay_test_pdf_write_temp (dir, name, pages, G_N_ELEMENTS (pages));

  return g_file_new_for_path (path);
}

/* ------------------------------------------------------------------------ */

/* A button for win.export-selected, as the menu's item, in the list's
 * header bar: it is sensitive when the action is enabled. */
static GtkWidget *
export_selected_button (AssayWindow *window)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (window), "test-export-selected");

  if (button == NULL)
    {
      GtkWidget *header = assay_test_ui_find (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR, NULL);

      button = gtk_button_new_with_label ("Export Selected");
      gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (button), "win.export-selected::json");
      adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
      gtk_widget_set_visible (button, FALSE);   /* not in the screenshots */
      g_object_set_data (G_OBJECT (window), "test-export-selected", button);
    }
  return button;
}

static void
test_empty (void)
{
  AssayWindow *window = assay_test_app_new_window (1000, 700);
  GtkWidget *status = assay_test_ui_find (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL);

  g_assert_nonnull (status);
  g_assert_true (gtk_widget_is_visible (status));
  g_assert_null (assay_window_get_selected_document (window));
  g_assert_cmpuint (g_list_model_get_n_items (assay_pipeline_get_documents (assay_window_get_pipeline (window))), ==, 0);
  /* Nothing selected: Export Selected is insensitive. */
  g_assert_false (gtk_widget_get_sensitive (export_selected_button (window)));

  screenshots (GTK_WIDGET (window), "window-empty");

  /* Narrow: the invitation still fits. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  settle (300);
  screenshots (GTK_WIDGET (window), "window-empty-narrow");

  assay_test_app_close_window (window);
}

typedef struct
{
  AssayWindow *window;
  guint        n_done;
  guint        n_needs_password;
} Expect;

static gboolean
counts_reached (gpointer data)
{
  Expect *expect = data;
  AssayDocumentList *list = assay_window_get_document_list (expect->window);
  AssayDocumentCounts counts;

  assay_document_list_refresh (list);
  assay_document_list_get_counts (list, &counts);

  return counts.n_done == expect->n_done && counts.n_needs_password == expect->n_needs_password &&
         counts.n_queued + counts.n_running == 0;
}

static void
test_documents (void)
{
  g_autofree char *dir = g_build_filename (assay_test_app_get_tmp_dir (), "batch", NULL);
  g_autofree char *sub = g_build_filename (dir, "folder", NULL);
  g_autofree char *text_path = g_build_filename (sub, "notes.txt", NULL);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) single = NULL;
  g_autoptr(GFile) not_pdf = NULL;
  g_autoptr(GListModel) documents = NULL;
  AssayWindow *window = assay_test_app_new_window (1100, 720);
  AssayDocumentList *list = assay_window_get_document_list (window);
  AssayDocumentCounts counts;
  Expect expect = { window, 6, 0 };
  GtkWidget *row;
  GtkWidget *leaflet;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("invoice-%u.pdf", i);
      g_autofree char *text = g_strdup_printf ("Invoice %u\nDate: 2024-03-0%u\nAmount due: %u00.00 EUR",
                                               i, i + 1, i + 1);
      g_autoptr(GFile) file = write_pdf (sub, name, text);
    }
  g_assert_true (g_file_set_contents (text_path, "not a PDF at all\n", -1, NULL));
  single = write_pdf (dir, "annual-report.pdf", "Annual report 2023\nNet income 42,000 EUR");
  folder = g_file_new_for_path (sub);
  not_pdf = g_file_new_for_path ("/etc/hostname");

  {
    GFile *files[] = { single, folder, not_pdf };

    assay_window_add_files (window, files, G_N_ELEMENTS (files));
  }

  assay_test_wait_until (counts_reached, &expect, WAIT_LIMIT_S, "six documents done");

  assay_document_list_get_counts (list, &counts);
  /* The text file in the folder and the one named are not documents. */
  g_assert_cmpuint (counts.n_documents, ==, 6);
  g_assert_cmpuint (counts.n_failed, ==, 0);
  g_assert_cmpfloat (counts.progress, ==, 1.0);

  documents = g_object_ref (assay_pipeline_get_documents (assay_window_get_pipeline (window)));
  {
    g_autoptr(AssayDocument) first = g_list_model_get_item (documents, 0);

    g_assert_cmpstr (assay_document_get_name (first), ==, "annual-report.pdf");
    settle (200);
    row = assay_document_list_find_row (list, first);
    g_assert_nonnull (row);
    /* Done (the icon says so): its pages, its figures, how long it took. */
    g_assert_true (g_str_has_prefix (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (row)), "2 pages · "));
    g_assert_nonnull (strstr (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (row)), "verified"));
    g_assert_true (g_str_has_suffix (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (row)), " s"));
  }

  /* Alt+Down selects the first document, then the next one; with a
   * document selected it can be exported. */
  g_assert_false (gtk_widget_get_sensitive (export_selected_button (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-document", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-document", NULL));
  g_assert_nonnull (assay_window_get_selected_document (window));
  g_assert_true (gtk_widget_get_sensitive (export_selected_button (window)));
  g_assert_cmpstr (assay_document_get_name (assay_window_get_selected_document (window)), ==, "invoice-0.pdf");

  screenshots (GTK_WIDGET (window), "window-documents");

  /* Narrow: list and view fold into one column, showing the view of the
   * selected document with a way back. */
  leaflet = assay_test_ui_find (GTK_WIDGET (window), ADW_TYPE_LEAFLET, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  settle (400);
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-list", NULL));
  settle (400);
  screenshots (GTK_WIDGET (window), "window-documents-narrow");

  /* Running the same files again takes them from the store. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-finished", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 0);
  g_assert_null (assay_window_get_selected_document (window));
  g_assert_false (gtk_widget_get_sensitive (export_selected_button (window)));
  {
    GFile *files[] = { folder };

    assay_window_add_files (window, files, G_N_ELEMENTS (files));
  }
  expect.n_done = 5;
  assay_test_wait_until (counts_reached, &expect, WAIT_LIMIT_S, "five cached documents");
  {
    g_autoptr(AssayDocument) first = g_list_model_get_item (documents, 0);

    g_assert_true (assay_document_get_cached (first));
  }

  assay_test_app_close_window (window);
}

static gboolean
state_is (gpointer data)
{
  AssayDocument *document = ((gpointer *) data)[0];
  AssayDocumentState state = GPOINTER_TO_INT (((gpointer *) data)[1]);

  return assay_document_get_state (document) == state;
}

static gboolean
password_refused (gpointer data)
{
  AssayDocument *document = data;

  return assay_document_get_state (document) == ASSAY_DOCUMENT_NEEDS_PASSWORD &&
         g_strcmp0 (assay_document_get_error_message (document),
                    "The password given does not open this PDF.") == 0;
}

static void
test_password (void)
{
  g_autofree char *dir = g_build_filename (assay_test_app_get_tmp_dir (), "locked", NULL);
  g_autofree char *locked_path = g_build_filename (dir, "statement-locked.pdf", NULL);
  g_autoptr(GFile) plain = NULL;
  g_autoptr(GFile) locked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayDocument) document = NULL;
  AssayWindow *window;
  AssayDocumentList *list;
  GtkWidget *row, *entry;
  gpointer wait_data[2];

  if (!assay_test_have_qpdf ())
    {
      g_test_fail_printf ("qpdf is needed to encrypt a PDF");
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  plain = write_pdf (dir, "statement.pdf", "Bank statement\nBalance 9,876.00 EUR");
  g_assert_true (assay_test_pdf_encrypt (g_file_peek_path (plain), locked_path, "s3cret", "owner", &error));
  g_assert_no_error (error);
  locked = g_file_new_for_path (locked_path);

  window = assay_test_app_new_window (1100, 720);
  list = assay_window_get_document_list (window);
  {
    GFile *files[] = { locked };

    assay_window_add_files (window, files, 1);
  }

  {
    Expect expect = { window, 0, 1 };

    assay_test_wait_until (counts_reached, &expect, WAIT_LIMIT_S,
                           "the document to need a password");
  }

  document = g_list_model_get_item (assay_pipeline_get_documents (assay_window_get_pipeline (window)), 0);
  settle (200);
  row = assay_document_list_find_row (list, document);
  g_assert_nonnull (row);
  entry = assay_test_ui_find (row, GTK_TYPE_PASSWORD_ENTRY, NULL);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_is_visible (entry));

  screenshots (GTK_WIDGET (window), "window-password");
  g_assert_cmpstr (assay_document_row_get_shown_status (ASSAY_DOCUMENT_ROW (row)), ==,
                   "This PDF is protected by a password.");

  /* A wrong password: asked again, and the row says it was refused. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "guess");
  g_signal_emit_by_name (assay_test_ui_find (entry, GTK_TYPE_TEXT, NULL), "activate");
  assay_test_wait_until (password_refused, document, WAIT_LIMIT_S,
                         "the wrong password to be refused");
  settle (200);
  row = assay_document_list_find_row (list, document);
  g_assert_nonnull (row);
  g_assert_cmpstr (assay_document_row_get_shown_status (ASSAY_DOCUMENT_ROW (row)), ==,
                   "The password given does not open this PDF.");
  entry = assay_test_ui_find (row, GTK_TYPE_PASSWORD_ENTRY, NULL);
  g_assert_true (gtk_widget_is_visible (entry));

  /* The password, typed in the row, opens that document. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "s3cret");
  /* As pressing Enter in it does. */
  g_signal_emit_by_name (assay_test_ui_find (entry, GTK_TYPE_TEXT, NULL), "activate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  wait_data[0] = document;
  wait_data[1] = GINT_TO_POINTER (ASSAY_DOCUMENT_DONE);
  assay_test_wait_until (state_is, wait_data, WAIT_LIMIT_S, "the unlocked document to be done");
  g_assert_cmpuint (assay_document_get_n_pages (document), ==, 2);

  settle (200);
  g_assert_false (gtk_widget_is_visible (entry));

  assay_test_app_close_window (window);
}

static gboolean
documents_restored (gpointer data)
{
  AssayWindow *window = data;
  AssayPipeline *pipeline = assay_window_get_pipeline (window);

  return assay_pipeline_get_n_documents (pipeline) == 2 &&
         assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE) == 2;
}

/* Closing the window saves its list; the next window with the session
 * shows the same documents, done, without processing them again. */
static void
test_session (void)
{
  g_autofree char *dir = g_build_filename (assay_test_app_get_tmp_dir (), "session", NULL);
  g_autofree char *path = g_build_filename (dir, "session.json", NULL);
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  g_autoptr(AssaySession) session = NULL;
  g_autoptr(AssaySession) next_session = NULL;
  g_autoptr(AssayDocument) first = NULL;
  AssayWindow *window;
  gpointer weak;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  a = write_pdf (dir, "contract.pdf", "Service contract\nFee 2,500.00 EUR per month");
  b = write_pdf (dir, "offer.pdf", "Offer 17\nValid until 2024-09-30\nTotal 980.00 EUR");

  window = assay_test_app_new_window (1000, 700);
  session = assay_session_new (assay_worker_pool_get_default (), path);
  assay_window_set_session (window, session);
  {
    GFile *files[] = { a, b };
    Expect expect = { window, 2, 0 };

    assay_window_add_files (window, files, G_N_ELEMENTS (files));
    assay_test_wait_until (counts_reached, &expect, WAIT_LIMIT_S, "two documents done");
  }

  /* Closing saves the session, then the window goes. */
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_pointer_cleared, &weak, 30, "the window to close");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  window = assay_test_app_new_window (1000, 700);
  next_session = assay_session_new (assay_worker_pool_get_default (), path);
  assay_window_set_session (window, next_session);
  assay_test_wait_until (documents_restored, window, 30, "the previous session's documents");

  first = g_list_model_get_item (assay_pipeline_get_documents (assay_window_get_pipeline (window)), 0);
  g_assert_cmpstr (assay_document_get_name (first), ==, "contract.pdf");
  g_assert_cmpuint (assay_document_get_n_pages (first), ==, 2);

  screenshots (GTK_WIDGET (window), "window-restored");

  /* Closed for good: the session written, the window and its pipeline gone. */
  g_clear_object (&next_session);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_pointer_cleared, &weak, 30, "the restored window to close");
}

static gboolean
label_shows (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_shows (child, text))
      return TRUE;

  return FALSE;
}

/* Rows in each state, driven directly: the stage, the times, the
 * rate-limit countdown (moved by ticks, as the list's one timer does), a
 * failure's message, the cached badge. */
static void
test_rows (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  g_autoptr(AssayExtractor) extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_pipeline_new (pool, extractor, template_);
  g_autoptr(AssayDocument) waiting = assay_document_new ("/srv/reports/annual-report-2023.pdf", 0);
  g_autoptr(AssayDocument) reading = assay_document_new ("/srv/reports/board-minutes.pdf", 1);
  g_autoptr(AssayDocument) failed = assay_document_new ("/srv/reports/broken.pdf", 2);
  g_autoptr(AssayDocument) cached = assay_document_new ("/srv/reports/invoice-0042.pdf", 3);
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  AssayDocument *documents[] = { waiting, reading, failed, cached };
  GtkWidget *rows[G_N_ELEMENTS (documents)];
  gint64 now;
  const char *status;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      rows[i] = assay_document_row_new (pipeline);
      assay_document_row_set_document (ASSAY_DOCUMENT_ROW (rows[i]), documents[i]);
      gtk_box_append (GTK_BOX (box), rows[i]);
    }
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 440, 420);
  gtk_window_present (GTK_WINDOW (window));

  /* Reading: the core's status, elapsed time, then an estimate. */
  _assay_document_set_n_pages (reading, 20);
  _assay_document_set_state (reading, ASSAY_DOCUMENT_READING);
  _assay_document_set_pages_read (reading, 5, 20);
  _assay_document_set_progress (reading, 0.25);
  now = g_get_monotonic_time ();
  assay_document_row_tick (ASSAY_DOCUMENT_ROW (rows[1]), now + 8 * G_USEC_PER_SEC);
  status = assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[1]));
  g_assert_true (g_str_has_prefix (status, "Reading page 6 of 20"));
  g_assert_nonnull (strstr (status, "0:08"));
  /* 8 s for a quarter: about 24 s more (rounded up). */
  g_assert_true (strstr (status, "about 0:24 left") != NULL || strstr (status, "about 0:25 left") != NULL);

  /* Extracting, held by a rate limit: a countdown that moves with ticks. */
  _assay_document_set_state (waiting, ASSAY_DOCUMENT_READING);
  _assay_document_set_state (waiting, ASSAY_DOCUMENT_EXTRACTING);
  now = g_get_monotonic_time ();
  _assay_document_set_waiting_until (waiting, now + 12 * G_USEC_PER_SEC);
  assay_document_row_tick (ASSAY_DOCUMENT_ROW (rows[0]), now);
  g_assert_cmpstr (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[0])), ==,
                   "Rate limit: waiting 12 s");
  assay_document_row_tick (ASSAY_DOCUMENT_ROW (rows[0]), now + 5 * G_USEC_PER_SEC);
  g_assert_cmpstr (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[0])), ==,
                   "Rate limit: waiting 7 s");

  /* Failed: the message is shown; cached: the badge. */
  _assay_document_set_state (failed, ASSAY_DOCUMENT_READING);
  _assay_document_fail (failed, ASSAY_DOCUMENT_FAILED, ASSAY_STAGE_READ,
                        "The file is damaged: its cross-reference table is missing");
  /* A row shows changes at its next frame; asking for its status shows
   * them now. */
  g_assert_cmpstr (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[2])), ==, "Failed while reading");
  g_assert_true (label_shows (rows[2], "The file is damaged: its cross-reference table is missing"));
  _assay_document_set_n_pages (cached, 1);
  _assay_document_set_cached (cached, TRUE);
  _assay_document_set_summary (cached, 4, 4, "Invoice 0042");
  _assay_document_set_state (cached, ASSAY_DOCUMENT_DONE);
  g_assert_true (g_str_has_prefix (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[3])),
                                   "1 page · "));
  g_assert_true (assay_document_row_get_shows_cached (ASSAY_DOCUMENT_ROW (rows[3])));
  g_assert_false (assay_document_row_get_shows_cached (ASSAY_DOCUMENT_ROW (rows[1])));
  g_assert_nonnull (strstr (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (rows[3])),
                            "4 figures, 4 verified"));

  screenshots (window, "rows");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_call (guint *n)
{
  (*n)++;
}

/* The drawn progress line: clamped, notified on change only, never asking
 * for a new size (that is what it is for). */
static void
test_progress_line (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *line = assay_progress_line_new ();
  guint n_notified = 0;
  guint n_layouts = 0;
  guint n_paints = 0;
  int width, height;

  gtk_window_set_child (GTK_WINDOW (window), line);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 40);
  gtk_window_present (GTK_WINDOW (window));
  settle (200);
  width = gtk_widget_get_width (line);
  height = gtk_widget_get_height (line);
  g_assert_cmpint (width, >, 0);

  g_signal_connect_swapped (line, "notify::fraction", G_CALLBACK (count_call), &n_notified);
  g_signal_connect_swapped (gtk_widget_get_frame_clock (window), "layout", G_CALLBACK (count_call), &n_layouts);
  g_signal_connect_swapped (gtk_widget_get_frame_clock (window), "paint", G_CALLBACK (count_call), &n_paints);
  /* Until the window is still: 100 ms without a layout (at most 5 s). */
  for (guint i = 0; i < 50; i++)
    {
      n_layouts = 0;
      settle (100);
      if (n_layouts == 0)
        break;
    }
  g_assert_cmpuint (n_layouts, ==, 0);
  n_paints = 0;
  assay_progress_line_set_fraction (ASSAY_PROGRESS_LINE (line), 0.25);
  assay_progress_line_set_fraction (ASSAY_PROGRESS_LINE (line), 0.25);
  g_assert_cmpuint (n_notified, ==, 1);
  /* Redrawn, not laid out again. */
  settle (100);
  g_test_message ("after a new fraction: %u layouts, %u paints", n_layouts, n_paints);
  g_assert_cmpuint (n_layouts, ==, 0);
  g_assert_cmpuint (n_paints, >=, 1);
  assay_progress_line_set_fraction (ASSAY_PROGRESS_LINE (line), 7.0);
  g_assert_cmpfloat (assay_progress_line_get_fraction (ASSAY_PROGRESS_LINE (line)), ==, 1.0);
  assay_progress_line_set_fraction (ASSAY_PROGRESS_LINE (line), -1.0);
  g_assert_cmpfloat (assay_progress_line_get_fraction (ASSAY_PROGRESS_LINE (line)), ==, 0.0);
  g_assert_cmpuint (n_notified, ==, 3);
  settle (100);
  g_assert_cmpint (gtk_widget_get_width (line), ==, width);
  g_assert_cmpint (gtk_widget_get_height (line), ==, height);

  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (window), count_call, &n_layouts);
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (window), count_call, &n_paints);
  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_descendants (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += 1 + count_descendants (child);

  return n;
}

/* Settles until 400 ms pass without a layout (at most 8 s); FALSE if the
 * window never got still. */
static gboolean
settle_still (guint *n_layouts)
{
  for (guint i = 0; i < 20; i++)
    {
      *n_layouts = 0;
      settle (400);
      if (*n_layouts == 0)
        return TRUE;
    }

  return FALSE;
}

/* The height a row asks for at its width. */
static int
row_height (GtkWidget *row)
{
  int height;

  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (row), NULL, &height, NULL, NULL);

  return height;
}

/* The dashboard's spinner turns by redrawing only: a GtkSpinner's CSS
 * animation laid the window out in every frame it spun. Starting and
 * stopping lay nothing out either. */
static void
test_spinner (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spinner = assay_spinner_new ();
  GdkFrameClock *clock;
  guint n_layouts = 0, n_paints = 0;

  gtk_box_append (GTK_BOX (box), gtk_label_new ("Loading"));
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_widget_is_drawn, window, WAIT_LIMIT_S, "the window to be drawn");
  g_assert_cmpint (gtk_widget_get_width (spinner), ==, 16);

  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect_swapped (clock, "layout", G_CALLBACK (count_call), &n_layouts);
  g_signal_connect_swapped (clock, "paint", G_CALLBACK (count_call), &n_paints);
  g_assert_true (settle_still (&n_layouts));
  n_paints = 0;
  assay_spinner_set_spinning (ASSAY_SPINNER (spinner), TRUE);
  settle (300);
  g_test_message ("spinning 300 ms: %u layouts, %u paints", n_layouts, n_paints);
  g_assert_cmpuint (n_layouts, ==, 0);
  g_assert_cmpuint (n_paints, >=, 3);   /* it turns: a frame after another */
  assay_spinner_set_spinning (ASSAY_SPINNER (spinner), FALSE);
  settle (100);
  n_paints = 0;
  settle (200);
  g_assert_cmpuint (n_layouts, ==, 0);
  g_assert_cmpuint (n_paints, ==, 0);   /* stopped: no more frames */
  g_assert_cmpint (gtk_widget_get_width (spinner), ==, 16);

  g_signal_handlers_disconnect_by_func (clock, count_call, &n_layouts);
  g_signal_handlers_disconnect_by_func (clock, count_call, &n_paints);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What a row shows as its document runs (progress, the status line, the
 * times, the cached badge, the worker) is drawn: none of it lays the
 * window out again (on X11 each layout also asks the X server for the
 * work area), nor does the progress line or the cancel button coming and
 * going with the state: the row keeps their places. And a row has few
 * widgets: a done row only its remove button, which draws its icon. */
static void
test_row_redraws_only (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  g_autoptr(AssayExtractor) extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_pipeline_new (pool, extractor, template_);
  g_autoptr(AssayDocument) document = assay_document_new ("/srv/reports/quarterly-report.pdf", 0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row = assay_document_row_new (pipeline);
  GdkFrameClock *clock;
  guint n_layouts = 0, n_paints = 0;
  int height;
  gint64 now;

  assay_document_row_set_document (ASSAY_DOCUMENT_ROW (row), document);
  _assay_document_set_n_pages (document, 40);
  _assay_document_set_state (document, ASSAY_DOCUMENT_READING);
  _assay_document_set_pages_read (document, 1, 40);
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_set_default_size (GTK_WINDOW (window), 440, 120);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_widget_is_drawn, row, WAIT_LIMIT_S, "the row to be drawn");
  g_assert_true (g_str_has_prefix (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (row)),
                                   "Reading page 2 of 40"));
  /* Running: its progress line (drawn), cancel and remove (buttons that draw their icons). */
  g_assert_cmpuint (count_descendants (row), ==, 2);
  g_assert_null (assay_test_ui_find (row, ASSAY_TYPE_PROGRESS_LINE, NULL));
  g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), ==, 0.0);

  /* The keyboard focus elsewhere (it went to the first button, cancel:
   * a focus leaving a button unmapped restyles the window, as a focus
   * moving does). */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect_swapped (clock, "layout", G_CALLBACK (count_call), &n_layouts);
  g_signal_connect_swapped (clock, "paint", G_CALLBACK (count_call), &n_paints);
  g_assert_true (settle_still (&n_layouts));
  height = row_height (row);

  /* Pages, progress, the times moving, a badge, a worker: redrawn only. */
  n_paints = 0;
  now = g_get_monotonic_time ();
  for (guint page = 2; page <= 20; page++)
    {
      _assay_document_set_pages_read (document, page, 40);
      _assay_document_set_progress (document, page / 40.0);
      assay_document_row_tick (ASSAY_DOCUMENT_ROW (row), now + page * G_USEC_PER_SEC);
      settle (20);
    }
  _assay_document_set_cached (document, TRUE);
  _assay_document_set_worker (document, "worker-7");
  settle (100);
  g_test_message ("while the document ran: %u layouts, %u paints", n_layouts, n_paints);
  g_assert_cmpuint (n_layouts, ==, 0);
  g_assert_cmpuint (n_paints, >=, 1);
  g_assert_cmpint (row_height (row), ==, height);
  g_assert_true (g_str_has_prefix (assay_document_row_get_shown_status (ASSAY_DOCUMENT_ROW (row)),
                                   "Reading page 21 of 40"));
  g_assert_true (assay_document_row_get_shows_cached (ASSAY_DOCUMENT_ROW (row)));
  g_assert_cmpstr (assay_document_row_get_shown_worker (ASSAY_DOCUMENT_ROW (row)), ==, "on worker-7");
  g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), ==, 0.5);

  /* Done: the progress line is no longer drawn and the cancel button is
   * unmapped, in the places the row keeps: no layout, the same height. */
  _assay_document_set_worker (document, NULL);
  _assay_document_set_progress (document, 1.0);
  _assay_document_set_state (document, ASSAY_DOCUMENT_ANALYSING);
  _assay_document_set_state (document, ASSAY_DOCUMENT_DONE);
  settle (100);
  g_test_message ("after it was done: %u layouts", n_layouts);
  g_assert_cmpuint (n_layouts, ==, 0);
  g_assert_cmpint (row_height (row), ==, height);
  g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), ==, -1);
  g_assert_null (assay_document_row_get_shown_worker (ASSAY_DOCUMENT_ROW (row)));
  {
    guint n_shown = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (row);
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        graphene_rect_t bounds;

        if (!gtk_widget_get_visible (child) || !gtk_widget_get_mapped (child))
          continue;
        n_shown++;
        /* In the middle of the row, as its lines are without the progress line. */
        g_assert_true (gtk_widget_compute_bounds (child, row, &bounds));
        g_assert_cmpfloat (fabs (bounds.origin.y + bounds.size.height / 2 - gtk_widget_get_height (row) / 2.0), <=, 1);
      }
    /* The remove button only. */
    g_assert_cmpuint (n_shown, ==, 1);
  }

  /* A row made for a done document has nothing else. */
  {
    GtkWidget *done_row = assay_document_row_new (pipeline);

    g_object_ref_sink (done_row);
    assay_document_row_set_document (ASSAY_DOCUMENT_ROW (done_row), document);
    g_assert_cmpuint (count_descendants (done_row), ==, 1);
    g_assert_true (g_str_has_prefix (assay_document_row_get_status (ASSAY_DOCUMENT_ROW (done_row)),
                                     "40 pages · "));
    assay_document_row_set_document (ASSAY_DOCUMENT_ROW (done_row), NULL);
    g_assert_finalize_object (done_row);
  }

  g_signal_handlers_disconnect_by_func (clock, count_call, &n_layouts);
  g_signal_handlers_disconnect_by_func (clock, count_call, &n_paints);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The states a batch takes a document through, queued to done, keep the
 * row's height and lay nothing out (the progress line is drawn in a place
 * every row keeps, cancel is mapped or not in its own); a row made for a
 * document already done asks for the same height. */
static void
test_row_keeps_its_size (void)
{
  static const AssayDocumentState states[] = {
    ASSAY_DOCUMENT_HASHING, ASSAY_DOCUMENT_READING, ASSAY_DOCUMENT_EXTRACTING,
    ASSAY_DOCUMENT_ANALYSING, ASSAY_DOCUMENT_DONE,
  };
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  g_autoptr(AssayExtractor) extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_pipeline_new (pool, extractor, template_);
  g_autoptr(AssayDocument) document = assay_document_new ("/srv/reports/annual-report.pdf", 0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = assay_document_row_new (pipeline);
  GtkWidget *done_row;
  GdkFrameClock *clock;
  guint n_layouts = 0, n_resizes = 0;
  int height;

  assay_document_row_set_document (ASSAY_DOCUMENT_ROW (row), document);
  gtk_box_append (GTK_BOX (box), row);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 440, 200);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_widget_is_drawn, row, WAIT_LIMIT_S, "the row to be drawn");
  g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), ==, -1);

  gtk_window_set_focus (GTK_WINDOW (window), NULL);   /* not on cancel (see above) */
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect_swapped (clock, "layout", G_CALLBACK (count_call), &n_layouts);
  g_assert_true (settle_still (&n_layouts));
  height = row_height (row);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      n_layouts = 0;
      if (states[i] == ASSAY_DOCUMENT_READING)
        _assay_document_set_n_pages (document, 12);
      _assay_document_set_progress (document, i / (double) G_N_ELEMENTS (states));
      _assay_document_set_state (document, states[i]);
      settle (60);
      g_test_message ("state %d: %u layouts, height %d", states[i], n_layouts, row_height (row));
      n_resizes += n_layouts;
      g_assert_cmpint (row_height (row), ==, height);
      if (states[i] == ASSAY_DOCUMENT_DONE)
        g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), ==, -1);
      else
        g_assert_cmpfloat (assay_document_row_get_shown_progress (ASSAY_DOCUMENT_ROW (row)), >=, 0);
    }
  g_assert_cmpuint (n_resizes, ==, 0);

  /* Made for the done document: no progress line nor cancel button, the
   * same height. */
  done_row = assay_document_row_new (pipeline);
  assay_document_row_set_document (ASSAY_DOCUMENT_ROW (done_row), document);
  gtk_box_append (GTK_BOX (box), done_row);
  g_assert_true (settle_still (&n_layouts));
  g_assert_cmpuint (count_descendants (done_row), ==, 1);
  g_assert_cmpint (row_height (done_row), ==, height);

  g_signal_handlers_disconnect_by_func (clock, count_call, &n_layouts);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
collect_scrolled_windows (GtkWidget *widget,
                          GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_NATIVE (child))
        continue;
      if (GTK_IS_SCROLLED_WINDOW (child))
        g_ptr_array_add (found, child);
      collect_scrolled_windows (child, found);
    }
}

/* Pages not shown yet (the dashboard, the activity panel, the document
 * view) have their scrolled windows realized with the window: realized
 * later, while a batch runs, their sliders' style class comes with a
 * 200 ms size animation that lays the window out in every frame. */
static void
test_scrolled_windows_realized (void)
{
  AssayWindow *window = assay_test_app_new_window (1000, 700);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GtkWidget *dashboard = assay_test_ui_find (GTK_WIDGET (window), ASSAY_TYPE_CORPUS_DASHBOARD, NULL);
  guint n_unmapped = 0;

  g_assert_nonnull (dashboard);
  g_assert_false (gtk_widget_get_mapped (dashboard));
  collect_scrolled_windows (GTK_WIDGET (window), found);
  for (guint i = 0; i < found->len; i++)
    {
      g_assert_true (gtk_widget_get_realized (found->pdata[i]));
      n_unmapped += !gtk_widget_get_mapped (found->pdata[i]);
    }
  g_test_message ("%u scrolled windows, %u of them not shown", found->len, n_unmapped);
  g_assert_cmpuint (n_unmapped, >=, 2);   /* at least the dashboard's two pages */
  assay_test_app_close_window (window);
}

static gboolean
n_documents_is (gpointer data)
{
  AssayWindow *window = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return assay_pipeline_get_n_documents (assay_window_get_pipeline (window)) == n;
}

static gboolean
nothing_unfinished (gpointer data)
{
  return assay_pipeline_get_n_unfinished (assay_window_get_pipeline (data)) == 0;
}

/* Cancel all (Escape) stops what is queued and running; a cancelled row
 * can be retried and gets done. */
static void
test_cancel_all (void)
{
  g_autofree char *dir = g_build_filename (assay_test_app_get_tmp_dir (), "cancel", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(AssayDocument) cancelled = NULL;
  AssayWindow *window;
  AssayPipeline *pipeline;
  gpointer data[2];
  guint n_cancelled;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("note-%02u.pdf", i);
      g_autofree char *text = g_strdup_printf ("Note %u\nAmount 1%u.50 EUR", i, i);
      g_autoptr(GFile) file = write_pdf (dir, name, text);
    }

  window = assay_test_app_new_window (1000, 700);
  pipeline = assay_window_get_pipeline (window);
  {
    GFile *files[] = { folder };

    assay_window_add_files (window, files, 1);
  }
  data[0] = window;
  data[1] = GUINT_TO_POINTER (40);
  assay_test_wait_until (n_documents_is, data, WAIT_LIMIT_S, "forty documents in the list");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-all", NULL));
  assay_test_wait_until (nothing_unfinished, window, WAIT_LIMIT_S, "nothing left running");
  n_cancelled = assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_CANCELLED);
  g_test_message ("%u of 40 cancelled", n_cancelled);
  g_assert_cmpuint (n_cancelled, >, 0);
  g_assert_cmpuint (n_cancelled + assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE), ==, 40);

  /* Retry one from its row. */
  for (guint i = 0; i < 40 && cancelled == NULL; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (assay_pipeline_get_documents (pipeline), i);

      if (assay_document_get_state (document) == ASSAY_DOCUMENT_CANCELLED)
        cancelled = g_steal_pointer (&document);
    }
  assay_document_list_select (assay_window_get_document_list (window),
                              assay_document_get_index (cancelled));
  settle (200);
  {
    GtkWidget *row = assay_document_list_find_row (assay_window_get_document_list (window), cancelled);
    gpointer wait_data[2] = { cancelled, GINT_TO_POINTER (ASSAY_DOCUMENT_DONE) };

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_activate_action (row, "row.retry", NULL));
    assay_test_wait_until (state_is, wait_data, WAIT_LIMIT_S, "the retried document to be done");
  }

  assay_test_app_close_window (window);
}

static gboolean
extractor_is_not (gpointer data)
{
  AssayWindow *window = ((gpointer *) data)[0];
  const char *offline_id = ((gpointer *) data)[1];
  g_autofree char *id = assay_pipeline_dup_extractor_id (assay_window_get_pipeline (window));

  return g_strcmp0 (id, offline_id) != 0;
}

static gboolean
row_status_starts (gpointer data)
{
  AssayWindow *window = ((gpointer *) data)[0];
  AssayDocument *document = ((gpointer *) data)[1];
  const char *prefix = ((gpointer *) data)[2];
  GtkWidget *row = assay_document_list_find_row (assay_window_get_document_list (window), document);
  const char *status = row != NULL ? assay_document_row_get_status (ASSAY_DOCUMENT_ROW (row)) : NULL;

  return status != NULL && g_str_has_prefix (status, prefix);
}

/* A model server that answers 429 with Retry-After: the row counts the
 * seconds down, then the document gets done. The window takes the model
 * from the settings, as the preferences leave them. */
static void
test_rate_limit (void)
{
  g_autofree char *dir = g_build_filename (assay_test_app_get_tmp_dir (), "rate-limit", NULL);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");
  AssayFakeLlmServer *server = assay_fake_llm_server_new ();
  g_autofree char *base = assay_fake_llm_server_dup_url (server, "http");
  g_autofree char *url = g_strdup_printf ("%s/v1", base);
  g_autofree char *offline_id = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(AssayDocument) document = NULL;
  AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, 429,
                              "{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit\"}}",
                              "6", NULL, 0, 0, NULL };
  AssayWindow *window;
  gpointer data[3];

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = write_pdf (dir, "rate-limited.pdf", "Quarterly figures\nRevenue 12,500 EUR\nCosts 8,200 EUR");

  assay_fake_llm_server_push_fault (server, &fault);
  g_settings_set_boolean (settings, "local-ollama-offered", TRUE);
  g_settings_set_enum (settings, "provider", 3 /* OpenAI-compatible */);
  g_settings_set_string (settings, "url", url);
  g_settings_set_string (settings, "model", "alpha-1b");
  g_settings_set_boolean (settings, "offline-fallback", FALSE);

  window = assay_test_app_new_window (1000, 700);
  {
    AssayWorkerPool *pool = assay_worker_pool_get_default ();
    g_autoptr(AssayExtractor) offline = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
    g_autoptr(AssayTemplate) general = assay_template_lookup ("general");
    g_autoptr(AssayPipeline) probe = assay_pipeline_new (pool, offline, general);

    offline_id = assay_pipeline_dup_extractor_id (probe);
  }
  data[0] = window;
  data[1] = offline_id;
  assay_test_wait_until (extractor_is_not, data, 30,
                         "the window to take the model from the settings");

  {
    GFile *files[] = { file };

    assay_window_add_files (window, files, 1);
  }
  data[1] = GUINT_TO_POINTER (1);
  assay_test_wait_until (n_documents_is, data, WAIT_LIMIT_S, "the document in the list");
  document = g_list_model_get_item (assay_pipeline_get_documents (assay_window_get_pipeline (window)), 0);

  data[1] = document;
  data[2] = (gpointer) "Rate limit: waiting";
  assay_test_wait_until (row_status_starts, data, WAIT_LIMIT_S, "the row's rate-limit countdown");
  screenshots (GTK_WIDGET (window), "window-rate-limit");

  {
    gpointer wait_data[2] = { document, GINT_TO_POINTER (ASSAY_DOCUMENT_DONE) };

    assay_test_wait_until (state_is, wait_data, WAIT_LIMIT_S,
                           "the document to be done after the wait");
  }
  g_assert_cmpuint (assay_fake_llm_server_get_requests (server), >=, 2);

  assay_test_app_close_window (window);
  assay_fake_llm_server_free (server);
  g_settings_reset (settings, "provider");
  g_settings_reset (settings, "url");
  g_settings_reset (settings, "model");
  g_settings_reset (settings, "offline-fallback");
}

static gsize
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");

  return line != NULL ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static guint
count_rows (GtkWidget *widget)
{
  guint n = ASSAY_IS_DOCUMENT_ROW (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_rows (child);

  return n;
}

/* Rows built from their template: those with children. */
static guint
count_built_rows (GtkWidget *widget)
{
  guint n = ASSAY_IS_DOCUMENT_ROW (widget) && gtk_widget_get_first_child (widget) != NULL ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_built_rows (child);

  return n;
}

static gboolean
all_shown (gpointer data)
{
  AssayWindow *window = data;
  AssayDocumentList *list = assay_window_get_document_list (window);
  GtkWidget *view = assay_test_ui_find (GTK_WIDGET (list), GTK_TYPE_LIST_VIEW, NULL);
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view)));

  return g_list_model_get_n_items (model) == 10000;
}

static AssayRestoredDocument *
restored_document (guint i)
{
  AssayRestoredDocument *doc = g_new0 (AssayRestoredDocument, 1);

  doc->path = g_strdup_printf ("/srv/hidden/statement-%05u.pdf", i);
  doc->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, doc->path, -1);
  doc->state = ASSAY_DOCUMENT_DONE;
  doc->template_key = g_strdup ("general");
  doc->extractor_id = g_strdup ("offline.a1");
  doc->n_pages = 3;
  return doc;
}

static guint
n_in_view (AssayWindow *window)
{
  GtkWidget *view = assay_test_ui_find (GTK_WIDGET (assay_window_get_document_list (window)), GTK_TYPE_LIST_VIEW, NULL);

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view))));
}

static gboolean
n_in_view_is (gpointer data)
{
  AssayWindow *window = ((gpointer *) data)[0];

  return n_in_view (window) == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

/* While the dashboard is shown, the hidden list is given no new documents:
 * it builds no rows for them, and they do not lay the window out again
 * (a hidden GtkListView given items makes their rows, and in GTK 4.8 each
 * change climbs through the stack's hidden page to the window). Back on
 * the list, they come in; a document asked for from the dashboard is
 * there at once. */
static void
test_hidden_list (void)
{
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);
  AssayWindow *window = assay_test_app_new_window (1000, 700);
  AssayDocumentList *list = assay_window_get_document_list (window);
  AssayPipeline *pipeline = assay_window_get_pipeline (window);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  gpointer wait[2] = { window, GUINT_TO_POINTER (3) };
  guint n_rows;

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (first, restored_document (i));
  assay_pipeline_add_restored (pipeline, first);
  assay_test_wait_until (n_in_view_is, wait, 10, "three documents in the view");
  settle (200);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-dashboard", NULL);
  settle (200);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (list)));
  n_rows = count_rows (GTK_WIDGET (list));

  for (guint i = 3; i < 303; i++)
    g_ptr_array_add (more, restored_document (i));
  assay_pipeline_add_restored (pipeline, more);
  settle (500);
  g_test_message ("dashboard shown: %u of %u documents in the view, %u rows (%u before)",
                  n_in_view (window), g_list_model_get_n_items (documents),
                  count_rows (GTK_WIDGET (list)), n_rows);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 303);
  g_assert_cmpuint (n_in_view (window), ==, 3);
  g_assert_cmpuint (count_rows (GTK_WIDGET (list)), ==, n_rows);

  /* Back on the list: they come in. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-documents", NULL);
  wait[1] = GUINT_TO_POINTER (303);
  assay_test_wait_until (n_in_view_is, wait, 10, "303 documents in the view");

  /* Hidden again, more wait; one of them selected (as the dashboard does)
   * is in the view at once. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-dashboard", NULL);
  settle (200);
  g_ptr_array_set_size (more, 0);
  for (guint i = 303; i < 313; i++)
    g_ptr_array_add (more, restored_document (i));
  assay_pipeline_add_restored (pipeline, more);
  settle (100);
  g_assert_cmpuint (n_in_view (window), ==, 303);
  assay_document_list_select (list, 310);
  g_assert_cmpuint (n_in_view (window), ==, 313);
  {
    g_autoptr(AssayDocument) tenth = g_list_model_get_item (documents, 310);

    g_assert_true (assay_document_list_get_selected_document (list) == tenth);
  }

  assay_test_app_close_window (window);
}

/* Ten thousand documents (a previous session's, so nothing runs): the
 * view builds a bounded number of rows, moving through the list costs
 * no more, and memory stays small. */
static void
test_ten_thousand (void)
{
  g_autoptr(GPtrArray) restored = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);
  AssayWindow *window = assay_test_app_new_window (1000, 700);
  AssayDocumentList *list = assay_window_get_document_list (window);
  gsize rss_before = resident_kib ();
  gsize rss_after;
  gint64 start;
  double add_ms;

  for (guint i = 0; i < 10000; i++)
    {
      AssayRestoredDocument *doc = g_new0 (AssayRestoredDocument, 1);

      doc->path = g_strdup_printf ("/srv/archive/%04u/statement-%05u.pdf", i / 100, i);
      doc->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, doc->path, -1);
      doc->state = i % 50 == 7 ? ASSAY_DOCUMENT_FAILED : ASSAY_DOCUMENT_DONE;
      doc->template_key = g_strdup ("general");
      doc->extractor_id = g_strdup ("offline.a1");
      doc->n_pages = 1 + i % 9;
      doc->n_figures = i % 13;
      doc->n_verified = i % 13;
      doc->error_stage = ASSAY_STAGE_READ;
      doc->error_message = doc->state == ASSAY_DOCUMENT_FAILED ? g_strdup ("The file is damaged") : NULL;
      g_ptr_array_add (restored, doc);
    }

  start = g_get_monotonic_time ();
  assay_pipeline_add_restored (assay_window_get_pipeline (window), restored);
  add_ms = (g_get_monotonic_time () - start) / 1000.0;
  assay_test_wait_until (all_shown, window, 30, "ten thousand documents in the view");
  settle (300);
  g_test_message ("10,000 documents: added in %.1f ms; %u rows, %u of them built", add_ms,
                  count_rows (GTK_WIDGET (list)), count_built_rows (GTK_WIDGET (list)));
  /* Only rows near the view are built: a screen above and below. */
  g_assert_cmpuint (count_built_rows (GTK_WIDGET (list)), <=, 60);
  g_assert_cmpuint (count_rows (GTK_WIDGET (list)), <=, 250);

  /* Moving the selection far down and back builds no more rows. */
  assay_document_list_select (list, 7500);
  settle (300);
  g_assert_cmpstr (assay_document_get_name (assay_window_get_selected_document (window)), ==,
                   "statement-07500.pdf");
  assay_document_list_select_relative (list, 1);
  g_assert_cmpstr (assay_document_get_name (assay_window_get_selected_document (window)), ==,
                   "statement-07501.pdf");
  settle (200);
  g_assert_cmpuint (count_rows (GTK_WIDGET (list)), <=, 250);
  g_assert_nonnull (assay_document_list_find_row (list, assay_window_get_selected_document (window)));

  /* A row far from the view (GTK keeps rows bound some way off screen)
   * lets its document's changes wait, and shows them once near. */
  {
    GListModel *documents = assay_pipeline_get_documents (assay_window_get_pipeline (window));
    g_autoptr(AssayDocument) far = NULL;
    GtkWidget *row = NULL;
    const char *status;
    g_autofree char *before = NULL;
    guint far_position = 0;

    /* The farthest bound row above (GTK 4.8 keeps them above the one
     * scrolled to), more than two screens (~30 rows) away. */
    for (guint position = 7501 - 250; position < 7501 - 40 && row == NULL; position++)
      {
        g_clear_object (&far);
        far = g_list_model_get_item (documents, position);
        row = assay_document_list_find_row (list, far);
        far_position = position;
      }
    g_test_message ("a bound row %u rows above the selection", 7501 - far_position);
    g_assert_nonnull (row);
    status = shown_status (row);
    before = g_strdup (status);
    g_test_message ("that row is %s", status != NULL ? "built" : "a placeholder");
    g_assert_null (strstr (before != NULL ? before : "", "99 figures"));
    _assay_document_set_summary (far, 99, 98, NULL);
    settle (200);
    if (status != NULL)
      g_assert_cmpstr (shown_status (row), ==, before);
    else
      g_assert_null (shown_status (row));

    assay_document_list_select (list, far_position);
    settle (300);
    g_assert_true (assay_document_list_find_row (list, far) == row);
    status = shown_status (row);
    g_assert_nonnull (status);
    g_assert_nonnull (strstr (status, "99 figures, 98 verified"));

    /* The rows that came into view with it are built too (no blank rows). */
    for (guint position = far_position; position < far_position + 9; position++)
      {
        g_autoptr(AssayDocument) shown = g_list_model_get_item (documents, position);
        GtkWidget *shown_row = assay_document_list_find_row (list, shown);

        g_assert_nonnull (shown_row);
        g_assert_nonnull (shown_status (shown_row));
      }
  }

  rss_after = resident_kib ();
  g_test_message ("resident memory: %zu KiB before, %zu KiB with 10,000 documents", rss_before, rss_after);
  g_assert_cmpuint (rss_after, <, rss_before + 100 * 1024);

  screenshots (GTK_WIDGET (window), "window-ten-thousand");
  assay_test_app_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  app = assay_test_app_init (&argc, &argv, "window");

  g_test_add_func ("/assay/window/empty", test_empty);
  g_test_add_func ("/assay/window/progress-line", test_progress_line);
  g_test_add_func ("/assay/window/documents", test_documents);
  g_test_add_func ("/assay/window/password", test_password);
  g_test_add_func ("/assay/window/session", test_session);
  g_test_add_func ("/assay/window/rows", test_rows);
  g_test_add_func ("/assay/window/row-redraws-only", test_row_redraws_only);
  g_test_add_func ("/assay/window/row-keeps-its-size", test_row_keeps_its_size);
  g_test_add_func ("/assay/window/spinner", test_spinner);
  g_test_add_func ("/assay/window/scrolled-windows-realized", test_scrolled_windows_realized);
  g_test_add_func ("/assay/window/cancel-all", test_cancel_all);
  g_test_add_func ("/assay/window/rate-limit", test_rate_limit);
  g_test_add_func ("/assay/window/ten-thousand", test_ten_thousand);
  g_test_add_func ("/assay/window/hidden-list", test_hidden_list);

  return assay_test_app_run ();
}
