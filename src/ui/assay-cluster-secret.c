/* assay-cluster-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-secret"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-cluster-secret.h"

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

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * assay_cluster_secret_lookup_async:
 * @url: the NATS server's address
 *
 * Looks the password or token for @url up in the keyring.
 */
void
assay_cluster_secret_lookup_async (const char          *url,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cluster_secret_lookup_async);

  secret_password_lookup (assay_cluster_secret_get_schema (), cancellable, lookup_cb, task,
                          "url", url,
                          NULL);
}

/**
 * assay_cluster_secret_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret (free it with
 * secret_password_free()), or %NULL: with @error set when the keyring could
 * not be asked, without when it holds nothing for the address
 */
char *
assay_cluster_secret_lookup_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_get_task_data (task) != NULL)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);  /* FALSE without error: there was none */

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * assay_cluster_secret_store_async:
 * @url: the NATS server's address
 * @secret: (nullable): the password or token; %NULL or empty removes the
 *   stored one
 *
 * Keeps @secret in the keyring for @url, replacing what was there.
 */
void
assay_cluster_secret_store_async (const char          *url,
                                  const char          *secret,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cluster_secret_store_async);

  if (secret != NULL && secret[0] != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Assay cluster credentials for %s"), url);

      g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
      secret_password_store (assay_cluster_secret_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                             secret, cancellable, stored_cb, task,
                             "url", url,
                             NULL);
    }
  else
    {
      secret_password_clear (assay_cluster_secret_get_schema (), cancellable, stored_cb, task,
                             "url", url,
                             NULL);
    }
}

/**
 * assay_cluster_secret_store_finish:
 *
 * Returns: %TRUE once the keyring holds the new secret (or none)
 */
gboolean
assay_cluster_secret_store_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
