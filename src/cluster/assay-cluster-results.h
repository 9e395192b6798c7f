/* assay-cluster-results.h — the results bucket: each job's result, once
 *
 * A done result is written once and never replaced; a failure may be
 * replaced by a done result (the same document submitted again after a
 * fix). Blocking calls: any thread that may block.
 */
#pragma once

#include <gio/gio.h>
#include <nats/nats.h>

#include "assay-cluster-connection.h"

G_BEGIN_DECLS

GBytes   *assay_cluster_results_get        (kvStore     *kv,
                                            const char  *key,
                                            uint64_t    *revision,
                                            GError     **error);
GHashTable *assay_cluster_results_dup_keys (AssayClusterConnection *connection,
                                            guint                   max_keys,
                                            GError                **error);
gboolean  assay_cluster_results_is_done    (GBytes      *value);
gboolean  assay_cluster_results_store      (kvStore     *kv,
                                            const char  *key,
                                            const char  *json,
                                            gboolean    *written,
                                            GError     **error);

G_END_DECLS
