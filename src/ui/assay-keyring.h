/* assay-keyring.h — one secret per address in the Secret Service
 *
 * What the model's API keys (assay-api-key.h) and the cluster's password
 * or token (assay-cluster-secret.h) share: a schema with one string
 * attribute, the address a secret belongs to; lookup, store, and clear
 * (storing an empty secret). libsecret, through the Secret portal inside
 * Flatpak. Never in GSettings, logs or results.
 *
 * Main thread; every call is asynchronous and cancellable.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

void      assay_keyring_lookup_async  (const SecretSchema   *schema,
                                       const char           *address,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char     *assay_keyring_lookup_finish (GAsyncResult         *result,
                                       GError              **error);
void      assay_keyring_store_async   (const SecretSchema   *schema,
                                       const char           *address,
                                       const char           *label,
                                       const char           *secret,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  assay_keyring_store_finish  (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
