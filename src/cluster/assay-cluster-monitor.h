/* assay-cluster-monitor.h — the workers of a cluster, live
 *
 * Follows assay.metrics.> on a connection and keeps one
 * AssayClusterWorkerInfo per worker heard from, in a GListModel sorted by
 * name, updated on the main context the monitor was made for; a worker
 * not heard from for three intervals turns "gone" (and stays listed, back
 * when it speaks again). The messages are parsed on libnats' thread; the
 * main context only copies numbers. Made on any thread, used on the main
 * one.
 */
#pragma once

#include <gio/gio.h>

#include "assay-cluster-connection.h"
#include "assay-cluster-worker-info.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_CLUSTER_MONITOR (assay_cluster_monitor_get_type ())

G_DECLARE_FINAL_TYPE (AssayClusterMonitor, assay_cluster_monitor, ASSAY, CLUSTER_MONITOR, GObject)

AssayClusterMonitor    *assay_cluster_monitor_new         (AssayClusterConnection  *connection,
                                                           GMainContext            *context,
                                                           GError                 **error);
GListModel             *assay_cluster_monitor_get_workers (AssayClusterMonitor     *self);
AssayClusterWorkerInfo *assay_cluster_monitor_lookup      (AssayClusterMonitor     *self,
                                                           const char              *name);

G_END_DECLS
