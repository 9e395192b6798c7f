/* assay-api-key.h — model-server API keys in the keyring
 *
 * Keys live in the Secret Service (libsecret; the Secret portal inside
 * Flatpak), one per endpoint URL, under the schema
 * io.github.assayapp.Assay.ApiKey. Never in GSettings, logs or results.
 *
 * Main thread; every call is asynchronous and cancellable.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define ASSAY_API_KEY_SCHEMA_NAME "io.github.assayapp.Assay.ApiKey"

const SecretSchema *assay_api_key_get_schema   (void);
void                assay_api_key_lookup_async  (const char           *endpoint,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
char               *assay_api_key_lookup_finish (GAsyncResult         *result,
                                                 GError              **error);
void                assay_api_key_store_async   (const char           *endpoint,
                                                 const char           *api_key,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean            assay_api_key_store_finish  (GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
