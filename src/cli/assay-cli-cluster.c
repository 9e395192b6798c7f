/* assay-cli-cluster.c — `assay --worker`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs until SIGTERM or SIGINT: the first takes no new job and lets those
 * in flight finish (at most STOP_GRACE_S, then they are handed back), a
 * second hands them back at once. Exit status 0 after a stop, 2 when the
 * server cannot be reached or refuses the credentials.
 */
#define G_LOG_DOMAIN "assay-cli"

#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "assay-cli-cluster.h"
#include "assay-cluster-worker-info.h"

#define STOP_GRACE_S 20

typedef struct
{
  GMainLoop          *loop;
  AssayClusterWorker *worker;
  guint               n_signals;
  guint               grace_source;
} WorkerRun;

static gboolean
grace_over (gpointer user_data)
{
  WorkerRun *run = user_data;

  g_message ("Handing the jobs still in flight back to the server");
  assay_cluster_worker_stop (run->worker, TRUE);
  run->grace_source = 0;

  return G_SOURCE_REMOVE;
}

static gboolean
stop_signalled (gpointer user_data)
{
  WorkerRun *run = user_data;

  if (run->n_signals++ == 0)
    {
      g_message ("Stopping: finishing the jobs in flight (again to stop at once)");
      assay_cluster_worker_stop (run->worker, FALSE);
      run->grace_source = g_timeout_add_seconds (STOP_GRACE_S, grace_over, run);
    }
  else
    assay_cluster_worker_stop (run->worker, TRUE);

  return G_SOURCE_CONTINUE;
}

static void
worker_stopped (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  WorkerRun *run = user_data;

  assay_cluster_worker_wait_finish (ASSAY_CLUSTER_WORKER (object), result, NULL);
  g_main_loop_quit (run->loop);
}

/**
 * assay_cli_cluster_run_worker:
 *
 * Returns: the exit status
 */
int
assay_cli_cluster_run_worker (const AssayClusterOptions *options,
                              AssayClusterRole           role,
                              guint                      n_jobs,
                              const char                *name,
                              AssayWorkerPool           *pool,
                              AssayExtractor            *extractor)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  WorkerRun run = { 0 };
  guint sigterm, sigint;

  connection = assay_cluster_connection_new_sync (options, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("assay: %s\n", error->message);
      return 2;
    }

  run.worker = assay_cluster_worker_new (connection, role, n_jobs, name, pool, extractor);
  run.loop = g_main_loop_new (NULL, FALSE);
  /* Before starting: a signal from then on is taken (dispatched once the
   * loop runs), never the default action that kills the process. */
  sigterm = g_unix_signal_add (SIGTERM, stop_signalled, &run);
  sigint = g_unix_signal_add (SIGINT, stop_signalled, &run);
  if (!assay_cluster_worker_start (run.worker, &error))
    {
      g_printerr ("assay: %s\n", error->message);
      g_source_remove (sigterm);
      g_source_remove (sigint);
      g_main_loop_unref (run.loop);
      g_clear_object (&run.worker);
      return 2;
    }

  assay_cluster_worker_wait_async (run.worker, NULL, worker_stopped, &run);

  g_main_loop_run (run.loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_clear_handle_id (&run.grace_source, g_source_remove);
  g_clear_object (&run.worker);
  assay_cluster_connection_close (connection);
  g_main_loop_unref (run.loop);
  g_message ("Worker stopped");

  return 0;
}

/**
 * assay_cli_cluster_format_workers:
 * @workers: a GListModel of AssayClusterWorkerInfo
 *   (assay_cluster_submitter_get_workers())
 *
 * `--cluster --stats`: a line per worker (host, role, done, failed, when
 * last heard from), then its stages that ran, with the figures of
 * `--stats`, as the worker last published them (every 2 s: the last
 * seconds of the run may be missing).
 *
 * Returns: (transfer full): the table, "" without workers
 */
char *
assay_cli_cluster_format_workers (GListModel *workers)
{
  static const AssayStage stages[] = { ASSAY_STAGE_READ, ASSAY_STAGE_EXTRACT, ASSAY_STAGE_ANALYSE };
  GString *out = g_string_new (NULL);
  gint64 now = g_get_real_time ();
  guint n = g_list_model_get_n_items (workers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayClusterWorkerInfo) info = g_list_model_get_item (workers, i);
      const char *host = assay_cluster_worker_info_get_host (info);
      const char *role = assay_cluster_worker_info_get_role (info);
      double ago = (now - assay_cluster_worker_info_get_last_seen (info)) / (double) G_USEC_PER_SEC;

      if (i == 0)
        g_string_append_printf (out, "%-10s %8s %8s %10s %10s %10s\n", _("worker stage"), _("done"),
                                _("failed"), _("p50 ms"), _("p90 ms"), _("p99 ms"));
      /* Translators: a worker, its host and role, documents done and failed, seconds since heard from */
      g_string_append_printf (out, _("%s on %s (%s): %llu done, %llu failed, heard from %.1f s ago%s\n"),
                              assay_cluster_worker_info_get_name (info), host != NULL ? host : "?",
                              role != NULL ? role : "?",
                              (unsigned long long) assay_cluster_worker_info_get_done (info),
                              (unsigned long long) assay_cluster_worker_info_get_failed (info),
                              MAX (ago, 0.0),
                              assay_cluster_worker_info_get_gone (info) ? _(", gone") : "");
      for (guint s = 0; s < G_N_ELEMENTS (stages); s++)
        {
          AssayStageSnapshot snap;
          gboolean have = assay_cluster_worker_info_get_stage (info, stages[s], &snap);

          if (snap.done + snap.failed + snap.in_flight == 0)
            continue;
          if (have)
            g_string_append_printf (out, "  %-8s %8llu %8llu %10.1f %10.1f %10.1f\n",
                                    assay_stage_to_string (stages[s]), (unsigned long long) snap.done,
                                    (unsigned long long) snap.failed, snap.p50_ms, snap.p90_ms, snap.p99_ms);
          else
            g_string_append_printf (out, "  %-8s %8llu %8llu %10s %10s %10s\n",
                                    assay_stage_to_string (stages[s]), (unsigned long long) snap.done,
                                    (unsigned long long) snap.failed, "-", "-", "-");
        }
    }

  return g_string_free (out, FALSE);
}
