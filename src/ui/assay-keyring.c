/* assay-keyring.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-keyring"

#include "config.h"

#include "assay-keyring.h"

/* The schema's one attribute (its name differs between schemas) set to
 * @address. libsecret keeps a reference to the table past the call, not a
 * copy: it owns copies of its strings. */
static GHashTable *
attributes_for (const SecretSchema *schema,
                const char         *address)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (attributes, g_strdup (schema->attributes[0].name), g_strdup (address));
  return attributes;
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
 * assay_keyring_lookup_async:
 * @schema: a schema whose first attribute is a string naming the address
 * @address: what the secret belongs to (an endpoint URL, a server address)
 *
 * Looks the secret for @address up in the keyring.
 */
void
assay_keyring_lookup_async (const SecretSchema  *schema,
                            const char          *address,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (schema != NULL && schema->attributes[0].name != NULL);
  g_return_if_fail (address != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_keyring_lookup_async);

  attributes = attributes_for (schema, address);
  secret_password_lookupv (schema, attributes, cancellable, lookup_cb, task);
}

/**
 * assay_keyring_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret (free it with
 * secret_password_free()), or %NULL: with @error set when the keyring could
 * not be asked, without when it holds nothing for the address
 */
char *
assay_keyring_lookup_finish (GAsyncResult  *result,
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
 * assay_keyring_store_async:
 * @label: what the keyring shows people for it
 * @secret: (nullable): %NULL or empty removes the stored one
 *
 * Keeps @secret in the keyring for @address, replacing what was there.
 */
void
assay_keyring_store_async (const SecretSchema  *schema,
                           const char          *address,
                           const char          *label,
                           const char          *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (schema != NULL && schema->attributes[0].name != NULL);
  g_return_if_fail (address != NULL);
  g_return_if_fail (label != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_keyring_store_async);

  attributes = attributes_for (schema, address);
  if (secret != NULL && secret[0] != '\0')
    {
      g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
      secret_password_storev (schema, attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                              cancellable, stored_cb, task);
    }
  else
    {
      secret_password_clearv (schema, attributes, cancellable, stored_cb, task);
    }
}

/**
 * assay_keyring_store_finish:
 *
 * Returns: %TRUE once the keyring holds the new secret (or none)
 */
gboolean
assay_keyring_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
