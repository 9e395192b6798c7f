/* assay-cluster-worker.h — `assay --worker`: the core as a cluster worker
 *
 * Takes jobs from the durable pull consumers (extract, analyse or both),
 * runs the core's own read, extract and analyse on them, and hands each
 * job on: an extract job becomes an analyse job (a worker of both roles
 * analyses it in place instead), an analyse job a result in the results
 * bucket. A job is acknowledged only after what it led to is stored.
 * Each slot is a thread that blocks on the network: `n_jobs` for the
 * analyse stage, half as many again for the extract stage (its network
 * waits overlap with the others' work); the CPU work runs on the worker
 * pool and extraction on the main loop, as in a local run. Start, stop
 * and wait on the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "assay-cluster-connection.h"
#include "assay-extractor.h"
#include "assay-metrics.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CLUSTER_ROLE_EXTRACT = 1 << 0,
  ASSAY_CLUSTER_ROLE_ANALYSE = 1 << 1,
  ASSAY_CLUSTER_ROLE_ALL = ASSAY_CLUSTER_ROLE_EXTRACT | ASSAY_CLUSTER_ROLE_ANALYSE,
} AssayClusterRole;

gboolean assay_cluster_role_from_string (const char       *str,
                                         AssayClusterRole *out);

#define ASSAY_TYPE_CLUSTER_WORKER (assay_cluster_worker_get_type ())

G_DECLARE_FINAL_TYPE (AssayClusterWorker, assay_cluster_worker, ASSAY, CLUSTER_WORKER, GObject)

AssayClusterWorker *assay_cluster_worker_new         (AssayClusterConnection  *connection,
                                                      AssayClusterRole         role,
                                                      guint                    n_jobs,
                                                      const char              *name,
                                                      AssayWorkerPool         *pool,
                                                      AssayExtractor          *extractor);
const char         *assay_cluster_worker_get_name    (AssayClusterWorker      *self);
gboolean            assay_cluster_worker_start       (AssayClusterWorker      *self,
                                                      GError                 **error);
void                assay_cluster_worker_stop        (AssayClusterWorker      *self,
                                                      gboolean                 now);
void                assay_cluster_worker_wait_async  (AssayClusterWorker      *self,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean            assay_cluster_worker_wait_finish (AssayClusterWorker      *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
char               *assay_cluster_worker_dup_metrics_json (AssayClusterWorker *self);

G_END_DECLS
