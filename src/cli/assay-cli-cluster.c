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
  if (!assay_cluster_worker_start (run.worker, &error))
    {
      g_printerr ("assay: %s\n", error->message);
      g_clear_object (&run.worker);
      return 2;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  sigterm = g_unix_signal_add (SIGTERM, stop_signalled, &run);
  sigint = g_unix_signal_add (SIGINT, stop_signalled, &run);
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
