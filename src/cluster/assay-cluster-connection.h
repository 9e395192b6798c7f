/* assay-cluster-connection.h — one connection to a NATS server with JetStream
 *
 * Wraps libnats' connection and JetStream context. Connecting blocks (with
 * a bounded timeout): call _new_sync from a thread that may block, or
 * _new_async from the main thread. Once connected, libnats reconnects by
 * itself after a loss; requests made meanwhile fail with an error and the
 * callers retry. The getters may be called from any thread: libnats'
 * objects are thread-safe.
 */
#pragma once

#include <gio/gio.h>
#include <nats/nats.h>

#include "assay-cluster-options.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_CLUSTER_CONNECTION (assay_cluster_connection_get_type ())

/* How long a JetStream request waits for its answer. */
#define ASSAY_CLUSTER_JETSTREAM_WAIT_MS 10000

G_DECLARE_FINAL_TYPE (AssayClusterConnection, assay_cluster_connection, ASSAY, CLUSTER_CONNECTION, GObject)

AssayClusterConnection *assay_cluster_connection_new_sync    (const AssayClusterOptions  *options,
                                                              GCancellable               *cancellable,
                                                              GError                    **error);
void                    assay_cluster_connection_new_async   (const AssayClusterOptions  *options,
                                                              GCancellable               *cancellable,
                                                              GAsyncReadyCallback         callback,
                                                              gpointer                    user_data);
AssayClusterConnection *assay_cluster_connection_new_finish  (GAsyncResult               *result,
                                                              GError                    **error);
const char             *assay_cluster_connection_get_address (AssayClusterConnection     *self);
natsConnection         *assay_cluster_connection_get_nats    (AssayClusterConnection     *self);
jsCtx                  *assay_cluster_connection_get_jetstream (AssayClusterConnection   *self);
gboolean                assay_cluster_connection_is_connected (AssayClusterConnection    *self);
void                    assay_cluster_connection_close       (AssayClusterConnection     *self);

GHashTable             *assay_cluster_connection_dup_subjects (AssayClusterConnection   *self,
                                                              const char                 *stream,
                                                              const char                 *prefix,
                                                              guint                       max_subjects,
                                                              const char                 *what,
                                                              GError                    **error);

gboolean                assay_cluster_set_error              (GError                    **error,
                                                              natsStatus                  status,
                                                              jsErrCode                   js_error,
                                                              const char                 *what);
gboolean                assay_cluster_set_error_full         (GError                    **error,
                                                              natsStatus                  status,
                                                              jsErrCode                   js_error,
                                                              const char                 *what,
                                                              const char                 *detail);

G_END_DECLS
