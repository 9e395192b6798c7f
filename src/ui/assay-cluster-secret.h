/* assay-cluster-secret.h — the cluster's password or token in the keyring
 *
 * One secret per NATS server address, under the schema
 * io.github.assayapp.Assay.ClusterSecret: the password of the user the
 * settings name ("cluster-user"), or a token when they name none. Never in
 * GSettings, logs or results.
 *
 * Main thread; every call is asynchronous and cancellable.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define ASSAY_CLUSTER_SECRET_SCHEMA_NAME "io.github.assayapp.Assay.ClusterSecret"

const SecretSchema *assay_cluster_secret_get_schema   (void);
void                assay_cluster_secret_lookup_async  (const char           *url,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char               *assay_cluster_secret_lookup_finish (GAsyncResult         *result,
                                                        GError              **error);
void                assay_cluster_secret_store_async   (const char           *url,
                                                        const char           *secret,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            assay_cluster_secret_store_finish  (GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
