/* assay-cluster-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-secret"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-cluster-secret.h"
#include "assay-keyring.h"

/**
 * assay_cluster_secret_get_schema:
 *
 * Returns: (transfer none): the keyring schema: one secret per "url" (the
 * NATS server's address, as the settings give it)
 */
const SecretSchema *
assay_cluster_secret_get_schema (void)
{
  static const SecretSchema schema = {
    ASSAY_CLUSTER_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/**
 * assay_cluster_secret_lookup_async:
 * @url: the NATS server's address
 */
void
assay_cluster_secret_lookup_async (const char          *url,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  assay_keyring_lookup_async (assay_cluster_secret_get_schema (), url, cancellable, callback, user_data);
}

/**
 * assay_cluster_secret_lookup_finish:
 *
 * Returns: (transfer full) (nullable): see assay_keyring_lookup_finish()
 */
char *
assay_cluster_secret_lookup_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return assay_keyring_lookup_finish (result, error);
}

/**
 * assay_cluster_secret_store_async:
 * @url: the NATS server's address
 * @secret: (nullable): %NULL or empty removes the stored one
 */
void
assay_cluster_secret_store_async (const char          *url,
                                  const char          *secret,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Assay cluster credentials for %s"), url);

  assay_keyring_store_async (assay_cluster_secret_get_schema (), url, label, secret,
                             cancellable, callback, user_data);
}

/**
 * assay_cluster_secret_store_finish:
 *
 * Returns: %TRUE once the keyring holds the new one (or none)
 */
gboolean
assay_cluster_secret_store_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return assay_keyring_store_finish (result, error);
}
