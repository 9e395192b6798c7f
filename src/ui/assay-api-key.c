/* assay-api-key.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-api-key"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-api-key.h"
#include "assay-keyring.h"

/**
 * assay_api_key_get_schema:
 *
 * Returns: (transfer none): the keyring schema: one secret per "endpoint"
 * (the model server's base URL, as the settings give it)
 */
const SecretSchema *
assay_api_key_get_schema (void)
{
  static const SecretSchema schema = {
    ASSAY_API_KEY_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/**
 * assay_api_key_lookup_async:
 * @endpoint: the model server's base URL
 */
void
assay_api_key_lookup_async (const char          *endpoint,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  assay_keyring_lookup_async (assay_api_key_get_schema (), endpoint, cancellable, callback, user_data);
}

/**
 * assay_api_key_lookup_finish:
 *
 * Returns: (transfer full) (nullable): see assay_keyring_lookup_finish()
 */
char *
assay_api_key_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  return assay_keyring_lookup_finish (result, error);
}

/**
 * assay_api_key_store_async:
 * @endpoint: the model server's base URL
 * @api_key: (nullable): %NULL or empty removes the stored one
 */
void
assay_api_key_store_async (const char          *endpoint,
                           const char          *api_key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Assay API key for %s"), endpoint);

  assay_keyring_store_async (assay_api_key_get_schema (), endpoint, label, api_key,
                             cancellable, callback, user_data);
}

/**
 * assay_api_key_store_finish:
 *
 * Returns: %TRUE once the keyring holds the new one (or none)
 */
gboolean
assay_api_key_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  return assay_keyring_store_finish (result, error);
}
