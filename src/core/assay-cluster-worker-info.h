/* assay-cluster-worker-info.h — what one cluster worker last said of itself
 *
 * Each worker publishes its figures on assay.metrics.<name> every
 * ASSAY_CLUSTER_WORKER_INFO_INTERVAL_S seconds (the same per-stage numbers
 * as `--stats`). An AssayClusterWorkerInfo holds the last of them as
 * notifying properties and per-stage snapshots, so that a window binds to
 * it and never reads the JSON; a worker not heard from for
 * ASSAY_CLUSTER_WORKER_INFO_GONE_AFTER intervals is "gone". Made and
 * updated by AssayClusterMonitor (src/cluster/) on the main thread; no
 * GTK and no libnats here. Main thread only.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "assay-metrics.h"

G_BEGIN_DECLS

#define ASSAY_CLUSTER_WORKER_INFO_INTERVAL_S   2
#define ASSAY_CLUSTER_WORKER_INFO_GONE_AFTER   3

#define ASSAY_TYPE_CLUSTER_WORKER_INFO (assay_cluster_worker_info_get_type ())

G_DECLARE_FINAL_TYPE (AssayClusterWorkerInfo, assay_cluster_worker_info, ASSAY, CLUSTER_WORKER_INFO, GObject)

AssayClusterWorkerInfo *assay_cluster_worker_info_new          (const char             *name);
const char             *assay_cluster_worker_info_get_name     (AssayClusterWorkerInfo *self);
const char             *assay_cluster_worker_info_get_host     (AssayClusterWorkerInfo *self);
const char             *assay_cluster_worker_info_get_role     (AssayClusterWorkerInfo *self);
guint                   assay_cluster_worker_info_get_slots    (AssayClusterWorkerInfo *self);
guint                   assay_cluster_worker_info_get_in_flight (AssayClusterWorkerInfo *self);
guint64                 assay_cluster_worker_info_get_done     (AssayClusterWorkerInfo *self);
guint64                 assay_cluster_worker_info_get_failed   (AssayClusterWorkerInfo *self);
gint64                  assay_cluster_worker_info_get_last_seen (AssayClusterWorkerInfo *self);
gboolean                assay_cluster_worker_info_get_gone     (AssayClusterWorkerInfo *self);
gboolean                assay_cluster_worker_info_get_stage    (AssayClusterWorkerInfo *self,
                                                                AssayStage              stage,
                                                                AssayStageSnapshot     *out);
gboolean                assay_cluster_worker_info_update       (AssayClusterWorkerInfo *self,
                                                                JsonNode               *metrics,
                                                                gint64                  received_us,
                                                                GError                **error);
gboolean                assay_cluster_worker_info_check_gone   (AssayClusterWorkerInfo *self,
                                                                gint64                  now_us);

G_END_DECLS
