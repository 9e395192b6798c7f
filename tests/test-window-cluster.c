/* test-window-cluster.c — the window processing on a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs through tests/with-display.sh. Starts a real nats-server with
 * JetStream on a free loopback port (assay-test-nats.c) and one
 * `assay --worker` process of the build, both stopped by process id; then
 * turns "Process on a cluster" on in the settings (in memory) and drops
 * PDFs on a window. The documents are done by the worker, in the window's
 * own list, and each row names the worker while it holds the document.
 * Turning the setting off brings processing back to this computer.
 */
#define G_LOG_DOMAIN "test-window-cluster"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "assay-application.h"
#include "assay-document-list.h"
#include "assay-document-row.h"
#include "assay-test-fixture.h"
#include "assay-test-nats.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-window.h"

#define WAIT_LIMIT_S 120
#define WORKER_NAME "window-test-worker"

static AssayApplication *app;
static char *tmp_dir;

static gboolean
widget_is_drawn (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The worker, started by the test and stopped by its process id. */
static GSubprocess *
worker_start (const char *url)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *log = g_build_filename (tmp_dir, "worker.log", NULL);
  g_autofree char *data = g_build_filename (tmp_dir, "worker-data", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *worker;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, assay_test_die_with_parent, NULL, NULL);
  worker = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ASSAY_BINARY"),
                                        "--worker", url, "--role", "all", "--offline",
                                        "--jobs", "1", "--worker-name", WORKER_NAME, NULL);
  g_assert_no_error (error);

  return worker;
}

static gboolean
subprocess_exited (gpointer data)
{
  GSubprocess *process = data;

  /* Answers once the process was reaped by GLib's child watch. */
  return g_subprocess_get_identifier (process) == NULL;
}

static void
worker_stop (GSubprocess *worker)
{
  g_subprocess_send_signal (worker, SIGTERM);
  g_subprocess_wait_async (worker, NULL, NULL, NULL);
  assay_test_wait_until (subprocess_exited, worker, 40, "the worker to stop");
  g_object_unref (worker);
}

typedef struct
{
  AssayPipeline *pipeline;
  guint          n_done;
} Done;

static gboolean
all_done (gpointer data)
{
  Done *done = data;
  GListModel *documents = assay_pipeline_get_documents (done->pipeline);
  guint n = g_list_model_get_n_items (documents);

  if (n < done->n_done)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);

      if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE)
        return FALSE;
    }

  return TRUE;
}

static gboolean
has_remote (gpointer data)
{
  return assay_pipeline_get_remote (data) != NULL;
}

static gboolean
has_no_remote (gpointer data)
{
  return assay_pipeline_get_remote (data) == NULL;
}

/* What the rows and the documents said about the worker, as it happened. */
typedef struct
{
  AssayDocumentList *list;
  guint              worker_seen;   /* notify::worker with the worker's name */
  guint              with_row;      /* … for a document that has a row */
  guint              label_seen;    /* … whose row's label names the worker */
} Watch;

/* The row draws the worker after the name. */
static gboolean
shows_worker (GtkWidget *row)
{
  return g_strcmp0 (assay_document_row_get_shown_worker (ASSAY_DOCUMENT_ROW (row)), "on " WORKER_NAME) == 0;
}

static void
worker_notified (AssayDocument *document,
                 GParamSpec    *pspec,
                 Watch         *watch)
{
  GtkWidget *row;

  if (g_strcmp0 (assay_document_get_worker (document), WORKER_NAME) != 0)
    return;

  watch->worker_seen++;
  /* Connected after: the row has had its own notification, and shows it
   * in its next frame; catching up shows it now (the worker may let go of
   * the document before that frame). */
  row = assay_document_list_find_row (watch->list, document);
  if (row == NULL)
    return;
  watch->with_row++;
  assay_document_row_catch_up (ASSAY_DOCUMENT_ROW (row));
  if (shows_worker (row))
    watch->label_seen++;
}

static void
document_added (GListModel *documents,
                guint       position,
                guint       removed,
                guint       added,
                Watch      *watch)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);

      g_signal_connect_after (document, "notify::worker", G_CALLBACK (worker_notified), watch);
    }
}

static GFile *
write_pdf (const char *name,
           const char *text)
{
  const char *pages[] = { text };
  g_autofree char *path = assay_test_pdf_write_temp (tmp_dir, name, pages, G_N_ELEMENTS (pages));

  return g_file_new_for_path (path);
}

static void
test_cluster (void)
{
  g_autoptr(AssayTestNats) nats = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");
  GSubprocess *worker;
  AssayWindow *window;
  AssayPipeline *pipeline;
  gpointer weak_pipeline;
  GListModel *documents;
  Watch watch = { 0 };
  Done done = { 0 };
  GFile *files[3];

  if (!assay_test_nats_available ())
    {
      g_test_fail_printf ("needs nats-server (apt-get install nats-server)");
      return;
    }

  nats = assay_test_nats_start (NULL);
  worker = worker_start (assay_test_nats_get_url (nats));

  window = assay_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (widget_is_drawn, window, 10, "the window to map");
  pipeline = assay_window_get_pipeline (window);
  g_assert_null (assay_pipeline_get_remote (pipeline));

  /* On: the window connects and gives its pipeline the cluster. */
  g_settings_set_string (settings, "cluster-url", assay_test_nats_get_url (nats));
  g_settings_set_boolean (settings, "cluster", TRUE);
  assay_test_wait_until (has_remote, pipeline, 30, "the window to connect to the cluster");

  watch.list = assay_window_get_document_list (window);
  documents = assay_pipeline_get_documents (pipeline);
  g_signal_connect (documents, "items-changed", G_CALLBACK (document_added), &watch);

  files[0] = write_pdf ("invoice-1.pdf", "Invoice 1\nDate: 2024-03-01\nAmount due: 100.00 EUR");
  files[1] = write_pdf ("invoice-2.pdf", "Invoice 2\nDate: 2024-03-02\nAmount due: 200.00 EUR");
  files[2] = write_pdf ("report.pdf", "Annual report 2023\nNet income 42,000 EUR");
  assay_window_add_files (window, files, G_N_ELEMENTS (files));

  done.pipeline = pipeline;
  done.n_done = G_N_ELEMENTS (files);
  assay_test_wait_until (all_done, &done, WAIT_LIMIT_S, "the cluster to finish the documents");

  /* Every document was held by the worker, and its row said so. */
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, G_N_ELEMENTS (files));
  g_test_message ("worker named %u times, %u with a row, %u labels showed it",
                  watch.worker_seen, watch.with_row, watch.label_seen);
  g_assert_cmpuint (watch.worker_seen, >=, G_N_ELEMENTS (files));
  g_assert_cmpuint (watch.with_row, >=, 1);
  g_assert_cmpuint (watch.label_seen, ==, watch.with_row);
  /* Done: nobody holds them, and no row names a worker once the frame
   * that shows the last changes has been drawn. */
  assay_test_ui_wait_drawn (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      GtkWidget *row = assay_document_list_find_row (watch.list, document);

      g_assert_null (assay_document_get_worker (document));
      if (row != NULL)
        g_assert_false (shows_worker (row));
    }

  /* Off: back to this computer. */
  g_settings_set_boolean (settings, "cluster", FALSE);
  assay_test_wait_until (has_no_remote, pipeline, 10, "the window to leave the cluster");

  g_signal_handlers_disconnect_by_data (documents, &watch);
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);

      g_signal_handlers_disconnect_by_data (document, &watch);
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);

  weak_pipeline = pipeline;
  g_object_add_weak_pointer (G_OBJECT (pipeline), &weak_pipeline);
  gtk_window_destroy (GTK_WINDOW (window));
  assay_test_wait_until (pointer_cleared, &weak_pipeline, 60, "the window's pipeline to be finalized");

  worker_stop (worker);
  assay_test_nats_stop (nats);
}

static void
count_message (const char     *domain,
               GLogLevelFlags  level,
               const char     *message,
               gpointer        data)
{
  if (g_str_has_prefix (message, "Cluster not used: "))
    (*(guint *) data)++;
}

static gboolean
counted (gpointer data)
{
  return *(guint *) data > 0;
}

/* A server that is not there: the window says so and stays local. */
static void
test_unreachable (void)
{
  guint refusals = 0;
  guint handler;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");
  g_autofree char *url = g_strdup_printf ("nats://127.0.0.1:%u", assay_test_free_port ());
  AssayWindow *window;
  AssayPipeline *pipeline;
  gpointer weak_pipeline;

  g_settings_set_boolean (settings, "cluster", FALSE);
  window = assay_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (widget_is_drawn, window, 10, "the window to map");
  pipeline = assay_window_get_pipeline (window);

  handler = g_log_set_handler ("assay-window-cluster", G_LOG_LEVEL_MESSAGE, count_message, &refusals);
  g_settings_set_string (settings, "cluster-url", url);
  g_settings_set_boolean (settings, "cluster", TRUE);
  /* The connection attempt is bounded (5 s): then the window says why. */
  assay_test_wait_until (counted, &refusals, 30, "the window to give up on the cluster");
  g_log_remove_handler ("assay-window-cluster", handler);
  g_assert_cmpuint (refusals, ==, 1);
  g_assert_null (assay_pipeline_get_remote (pipeline));
  g_settings_set_boolean (settings, "cluster", FALSE);

  weak_pipeline = pipeline;
  g_object_add_weak_pointer (G_OBJECT (pipeline), &weak_pipeline);
  gtk_window_destroy (GTK_WINDOW (window));
  assay_test_wait_until (pointer_cleared, &weak_pipeline, 60, "the window's pipeline to be finalized");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  int status;

  tmp_dir = assay_test_tmp_dir_new ("assay-test-window-cluster-XXXXXX");
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");

    g_settings_set_boolean (settings, "local-ollama-offered", TRUE);
  }

  app = assay_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/assay/window-cluster/documents", test_cluster);
  g_test_add_func ("/assay/window-cluster/unreachable", test_unreachable);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  assay_test_remove_tree (tmp_dir);
  g_free (tmp_dir);

  return status;
}
