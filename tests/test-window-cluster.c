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

#include "assay-activity-panel.h"
#include "assay-document-list.h"
#include "assay-document-row.h"
#include "assay-test-fixture.h"
#include "assay-test-nats.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"
#include "assay-window.h"

#define WAIT_LIMIT_S 120
#define WORKER_NAME "window-test-worker"

/* A worker, started by the test and stopped by its process id. */
static GSubprocess *
worker_start_named (const char *url,
                    const char *name,
                    const char *role,
                    const char *jobs)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *log_name = g_strdup_printf ("%s.log", name);
  g_autofree char *log = g_build_filename (assay_test_app_get_tmp_dir (), log_name, NULL);
  g_autofree char *data = g_build_filename (assay_test_app_get_tmp_dir (), "worker-data", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *worker;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, assay_test_die_with_parent, NULL, NULL);
  worker = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ASSAY_BINARY"),
                                        "--worker", url, "--role", role, "--offline",
                                        "--jobs", jobs, "--worker-name", name, NULL);
  g_assert_no_error (error);

  return worker;
}

static GSubprocess *
worker_start (const char *url)
{
  return worker_start_named (url, WORKER_NAME, "all", "1");
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
  g_autofree char *path = assay_test_pdf_write_temp (assay_test_app_get_tmp_dir (), name, pages, G_N_ELEMENTS (pages));

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

  window = assay_test_app_new_window (1000, 700);
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

  assay_test_app_close_window (window);

  worker_stop (worker);
  assay_test_nats_stop (nats);
}

typedef struct
{
  AssayActivityPanel *panel;
  const char         *name;
  AssayStage          stage;
  const char         *status_prefix;
} RowWait;

/* The worker's row shows its job done in @stage, and a status starting
 * with @status_prefix. */
static gboolean
worker_row_shows (gpointer data)
{
  RowWait *wait = data;
  const char *status = assay_activity_panel_get_worker_text (wait->panel, wait->name, 1);
  const char *done = assay_activity_panel_get_worker_cell (wait->panel, wait->name, wait->stage, 1);

  return status != NULL && g_str_has_prefix (status, wait->status_prefix) && g_strcmp0 (done, "1") == 0;
}

static gboolean
panel_has_no_workers (gpointer data)
{
  return assay_activity_panel_get_workers (data) == NULL;
}

#define WORKER_A "panel-worker-a"
#define WORKER_B "panel-worker-b"

/* In cluster mode the activity panel has a row per worker, live: two
 * workers (one reads and extracts, one analyses) appear with their names,
 * host, role and per-stage figures; the one killed goes gone. Screenshots
 * light and dark in the build directory. */
static void
test_workers_panel (void)
{
  g_autoptr(AssayTestNats) nats = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");
  g_autoptr(GFile) file = NULL;
  g_autofree char *light = NULL;
  g_autofree char *dark = NULL;
  g_autofree char *gone = NULL;
  GSubprocess *worker_a, *worker_b;
  AssayActivityPanel *panel;
  AssayWindow *window;
  AssayPipeline *pipeline;
  const char *details;
  RowWait wait = { 0 };
  Done done = { 0 };

  if (!assay_test_nats_available ())
    {
      g_test_fail_printf ("needs nats-server (apt-get install nats-server)");
      return;
    }

  nats = assay_test_nats_start (NULL);
  worker_a = worker_start_named (assay_test_nats_get_url (nats), WORKER_A, "extract", "2");
  worker_b = worker_start_named (assay_test_nats_get_url (nats), WORKER_B, "analyse", "1");

  assay_test_ui_set_dark (FALSE);
  window = assay_test_app_new_window (1200, 980);
  pipeline = assay_window_get_pipeline (window);
  panel = ASSAY_ACTIVITY_PANEL (assay_window_get_activity_panel (window));
  g_assert_null (assay_activity_panel_get_workers (panel));

  g_settings_set_string (settings, "cluster-url", assay_test_nats_get_url (nats));
  g_settings_set_boolean (settings, "cluster", TRUE);
  assay_test_wait_until (has_remote, pipeline, 30, "the window to connect to the cluster");
  g_assert_nonnull (assay_activity_panel_get_workers (panel));

  /* A document through both workers, then the panel. */
  file = write_pdf ("invoice-w.pdf", "Invoice 7\nDate: 2024-03-07\nAmount due: 700.00 EUR");
  assay_window_add_files (window, &file, 1);
  done.pipeline = pipeline;
  done.n_done = 1;
  assay_test_wait_until (all_done, &done, WAIT_LIMIT_S, "the cluster to finish the document");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-activity", NULL));
  assay_test_wait_until (assay_test_widget_is_drawn, panel, 10, "the activity panel to show");

  /* Both rows, with their figures once each worker has sent them after
   * its job (every 2 s). */
  wait.panel = panel;
  wait.name = WORKER_A;
  wait.stage = ASSAY_STAGE_READ;
  wait.status_prefix = "Last seen";
  assay_test_wait_until (worker_row_shows, &wait, 30, "the extract worker's row to count its job");
  wait.name = WORKER_B;
  wait.stage = ASSAY_STAGE_ANALYSE;
  assay_test_wait_until (worker_row_shows, &wait, 30, "the analyse worker's row to count its job");
  g_assert_cmpuint (g_list_model_get_n_items (assay_activity_panel_get_workers (panel)), ==, 2);

  details = assay_activity_panel_get_worker_text (panel, WORKER_A, 0);
  g_test_message ("%s: %s", WORKER_A, details);
  g_assert_nonnull (strstr (details, g_get_host_name ()));
  g_assert_nonnull (strstr (details, "reads and extracts"));
  g_assert_nonnull (strstr (details, "(2 at once per stage)"));
  /* Documents done are counted where their result is stored: by the
   * analyse worker. */
  g_assert_nonnull (strstr (details, "0 done, 0 failed"));
  details = assay_activity_panel_get_worker_text (panel, WORKER_B, 0);
  g_test_message ("%s: %s", WORKER_B, details);
  g_assert_nonnull (strstr (details, "analyses"));
  g_assert_nonnull (strstr (details, "1 done, 0 failed"));
  /* Each stage where it ran: the latency is known; elsewhere not. */
  g_assert_cmpstr (assay_activity_panel_get_worker_cell (panel, WORKER_A, ASSAY_STAGE_ANALYSE, 1), ==, "0");
  g_assert_cmpstr (assay_activity_panel_get_worker_cell (panel, WORKER_B, ASSAY_STAGE_READ, 3), ==, "—");
  g_assert_true (g_str_has_suffix (assay_activity_panel_get_worker_cell (panel, WORKER_A, ASSAY_STAGE_READ, 3),
                                   "s"));   /* "12 ms", "1.2 s" */
  g_assert_cmpstr (assay_activity_panel_get_worker_cell (panel, WORKER_A, ASSAY_STAGE_READ, 2), ==, "0");

  light = assay_test_ui_screenshot (GTK_WIDGET (window), "activity-workers-light");
  assay_test_ui_set_dark (TRUE);
  dark = assay_test_ui_screenshot (GTK_WIDGET (window), "activity-workers-dark");
  assay_test_ui_set_dark (FALSE);

  /* Killed: gone after three silent intervals; the other is not. */
  g_subprocess_send_signal (worker_b, SIGKILL);
  wait.status_prefix = "Gone";
  assay_test_wait_until (worker_row_shows, &wait, 30, "the killed worker's row to say gone");
  g_test_message ("%s: %s", WORKER_A, assay_activity_panel_get_worker_text (panel, WORKER_A, 1));
  g_assert_true (g_str_has_prefix (assay_activity_panel_get_worker_text (panel, WORKER_A, 1), "Last seen"));
  gone = assay_test_ui_screenshot (GTK_WIDGET (window), "activity-workers-gone");
  g_subprocess_wait_async (worker_b, NULL, NULL, NULL);
  assay_test_wait_until (subprocess_exited, worker_b, 40, "the killed worker to be reaped");
  g_object_unref (worker_b);

  /* Off: local, and the panel has no workers section. */
  g_settings_set_boolean (settings, "cluster", FALSE);
  assay_test_wait_until (has_no_remote, pipeline, 10, "the window to leave the cluster");
  assay_test_wait_until (panel_has_no_workers, panel, 10, "the panel to drop the workers");

  assay_test_app_close_window (window);

  worker_stop (worker_a);
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

/* A server that is not there: the window says so and stays local; once
 * it is there, the toast's Retry (win.cluster-retry) connects. */
static void
test_unreachable (void)
{
  guint refusals = 0;
  guint handler;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");
  g_autoptr(AssayTestNats) nats = NULL;
  AssayWindow *window;
  AssayPipeline *pipeline;

  if (!assay_test_nats_available ())
    {
      g_test_fail_printf ("needs nats-server (apt-get install nats-server)");
      return;
    }
  /* A port of a server stopped for now. */
  nats = assay_test_nats_start (NULL);
  assay_test_nats_stop (nats);

  g_settings_set_boolean (settings, "cluster", FALSE);
  window = assay_test_app_new_window (0, 0);
  pipeline = assay_window_get_pipeline (window);

  handler = g_log_set_handler ("assay-window-cluster", G_LOG_LEVEL_MESSAGE, count_message, &refusals);
  g_settings_set_string (settings, "cluster-url", assay_test_nats_get_url (nats));
  g_settings_set_boolean (settings, "cluster", TRUE);
  /* The connection attempt is bounded (5 s): then the window says why. */
  assay_test_wait_until (counted, &refusals, 30, "the window to give up on the cluster");
  g_log_remove_handler ("assay-window-cluster", handler);
  g_assert_cmpuint (refusals, ==, 1);
  g_assert_null (assay_pipeline_get_remote (pipeline));

  /* The server is back: Retry, with nothing else changed. */
  assay_test_nats_restart (nats);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cluster-retry", NULL));
  assay_test_wait_until (has_remote, pipeline, 30, "the window to connect on Retry");

  g_settings_set_boolean (settings, "cluster", FALSE);
  assay_test_wait_until (has_no_remote, pipeline, 10, "the window to leave the cluster");
  assay_test_app_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  assay_test_app_init (&argc, &argv, "window-cluster");

  g_test_add_func ("/assay/window-cluster/documents", test_cluster);
  g_test_add_func ("/assay/window-cluster/unreachable", test_unreachable);
  g_test_add_func ("/assay/window-cluster/workers-panel", test_workers_panel);

  return assay_test_app_run ();
}
