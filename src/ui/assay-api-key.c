/* assay-api-key.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-api-key"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-api-key.h"

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
 * assay_api_key_lookup_async:
 * @endpoint: the model server's base URL
 *
 * Looks the key for @endpoint up in the keyring.
 */
void
assay_api_key_lookup_async (const char          *endpoint,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_api_key_lookup_async);

  secret_password_lookup (assay_api_key_get_schema (), cancellable, lookup_cb, task,
                          "endpoint", endpoint,
                          NULL);
}

/**
 * assay_api_key_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the key (free it with
 * secret_password_free()), or %NULL: with @error set when the keyring could
 * not be asked, without when it holds no key for the endpoint
 */
char *
assay_api_key_lookup_finish (GAsyncResult  *result,
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
 * assay_api_key_store_async:
 * @endpoint: the model server's base URL
 * @api_key: (nullable): the key; %NULL or empty removes the stored one
 *
 * Keeps @api_key in the keyring for @endpoint, replacing what was there.
 */
void
assay_api_key_store_async (const char          *endpoint,
                           const char          *api_key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_api_key_store_async);

  if (api_key != NULL && api_key[0] != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Assay API key for %s"), endpoint);

      g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
      secret_password_store (assay_api_key_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                             api_key, cancellable, stored_cb, task,
                             "endpoint", endpoint,
                             NULL);
    }
  else
    {
      secret_password_clear (assay_api_key_get_schema (), cancellable, stored_cb, task,
                             "endpoint", endpoint,
                             NULL);
    }
}

/**
 * assay_api_key_store_finish:
 *
 * Returns: %TRUE once the keyring holds the new key (or none)
 */
gboolean
assay_api_key_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
