/* assay-cluster-submitter.h — `--cluster`: documents processed by workers
 *
 * An AssayRemote (see assay-remote.h): give it to a pipeline with
 * assay_pipeline_set_remote() and the pipeline's documents are uploaded
 * (by content hash, once), queued as jobs (message id = content key, so a
 * duplicate is dropped by the server), followed through the workers'
 * progress messages and collected from the results bucket, with the same
 * AssayDocument objects, states, progress and results as a local run;
 * each document's `worker` property names the worker holding it. A result
 * already in the bucket is taken without work. The workers' figures
 * (assay.metrics.*) are a GListModel of AssayClusterWorkerInfo
 * (assay_cluster_submitter_get_workers()). A job lost on the server (no
 * word of it while nothing moved on the cluster for 5 AckWaits) fails its
 * document. A PDF's password (AssayRemoteRequest.password) goes with its
 * extract job.
 *
 * libnats calls back on its own threads; everything here reaches the
 * documents on the main context the submitter was made in, coalesced.
 * Blocking calls run on the submitter's own threads. Main thread.
 */
#pragma once

#include <gio/gio.h>

#include "assay-cluster-connection.h"
#include "assay-remote.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_CLUSTER_SUBMITTER (assay_cluster_submitter_get_type ())

G_DECLARE_FINAL_TYPE (AssayClusterSubmitter, assay_cluster_submitter, ASSAY, CLUSTER_SUBMITTER, GObject)

AssayClusterSubmitter  *assay_cluster_submitter_new_sync     (const AssayClusterOptions  *options,
                                                              GCancellable               *cancellable,
                                                              GError                    **error);
void                    assay_cluster_submitter_new_async    (const AssayClusterOptions  *options,
                                                              GCancellable               *cancellable,
                                                              GAsyncReadyCallback         callback,
                                                              gpointer                    user_data);
AssayClusterSubmitter  *assay_cluster_submitter_new_finish   (GAsyncResult               *result,
                                                              GError                    **error);
AssayClusterConnection *assay_cluster_submitter_get_connection (AssayClusterSubmitter    *self);
const char             *assay_cluster_submitter_get_batch_id (AssayClusterSubmitter      *self);
guint                   assay_cluster_submitter_get_n_pending (AssayClusterSubmitter     *self);
GListModel             *assay_cluster_submitter_get_workers  (AssayClusterSubmitter      *self);
void                    assay_cluster_submitter_set_follow_stages (AssayClusterSubmitter *self,
                                                                   gboolean               follow);

G_END_DECLS
