/* assay-cluster-results.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-results"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "assay-cluster-connection.h"
#include "assay-cluster-layout.h"
#include "assay-cluster-results.h"

/**
 * assay_cluster_results_get:
 * @revision: (out) (optional): the entry's revision
 *
 * Returns: (transfer full): the value under @key, or %NULL with
 *   %ASSAY_CLUSTER_ERROR_NOT_FOUND when there is none (or it was deleted)
 */
GBytes *
assay_cluster_results_get (kvStore     *kv,
                           const char  *key,
                           uint64_t    *revision,
                           GError     **error)
{
  kvEntry *entry = NULL;
  natsStatus s;
  GBytes *value;

  s = kvStore_Get (&entry, kv, key);
  if (s == NATS_NOT_FOUND)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND,
                   _("No result for %s"), key);
      return NULL;
    }
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, 0, _("cannot read the results bucket")), NULL);

  value = g_bytes_new (kvEntry_Value (entry), kvEntry_ValueLen (entry));
  if (revision != NULL)
    *revision = kvEntry_Revision (entry);
  kvEntry_Destroy (entry);

  return value;
}

/**
 * assay_cluster_results_dup_keys:
 * @max_keys: list them only if the bucket's stream has at most this many
 *   subjects, so the answer stays one small message
 *
 * The keys the results bucket holds now (deleted ones included), from its
 * stream's subjects: one request for all, where looking each up would take
 * one each. Two requests (the stream's size, then its subjects). Blocks.
 *
 * Returns: (transfer full) (nullable): a set of keys (char*), or %NULL:
 *   too many to list (no @error), or @error set
 */
GHashTable *
assay_cluster_results_dup_keys (AssayClusterConnection  *connection,
                                guint                    max_keys,
                                GError                 **error)
{
  return assay_cluster_connection_dup_subjects (connection, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET,
                                                "$KV." ASSAY_CLUSTER_RESULTS_BUCKET ".", max_keys,
                                                _("cannot read the results bucket"), error);
}

/**
 * assay_cluster_results_is_done:
 *
 * Returns: %TRUE when @value is a result with status "done"
 */
gboolean
assay_cluster_results_is_done (GBytes *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (value, &len);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  return g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                               "status", NULL), "done") == 0;
}

/**
 * assay_cluster_results_store:
 * @json: a result, done or failed
 *
 * Stores @json under @key unless a done result is there already (then it
 * keeps that one and succeeds: the job was done twice, the result is
 * written once). A failure never replaces a done result.
 *
 * @written: (out) (optional): set to %TRUE when @json itself is what is
 *   stored now, %FALSE when a done result was there already and kept
 *
 * Returns: %TRUE when a result is stored under @key
 */
gboolean
assay_cluster_results_store (kvStore     *kv,
                             const char  *key,
                             const char  *json,
                             gboolean    *written,
                             GError     **error)
{
  gsize len = strlen (json);
  natsStatus s;

  if (written != NULL)
    *written = FALSE;

  if (len > ASSAY_CLUSTER_MAX_RESULT_BYTES)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE,
                   _("The result is larger than the results bucket takes (%u KiB at most)"),
                   ASSAY_CLUSTER_MAX_RESULT_BYTES / 1024);
      return FALSE;
    }

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(GBytes) existing = NULL;
      g_autoptr(GError) local_error = NULL;
      uint64_t revision = 0;

      s = kvStore_Create (NULL, kv, key, json, (int) len);
      if (s == NATS_OK)
        {
          if (written != NULL)
            *written = TRUE;
          return TRUE;
        }

      existing = assay_cluster_results_get (kv, key, &revision, &local_error);
      if (existing == NULL && !g_error_matches (local_error, ASSAY_CLUSTER_ERROR,
                                                ASSAY_CLUSTER_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (existing != NULL && assay_cluster_results_is_done (existing))
        return TRUE;
      if (existing != NULL)
        {
          s = kvStore_Update (NULL, kv, key, json, (int) len, revision);
          if (s == NATS_OK)
            {
              if (written != NULL)
                *written = TRUE;
              return TRUE;
            }
        }
      /* Someone wrote in between: look again. */
    }

  return assay_cluster_set_error (error, s, 0, _("cannot store the result"));
}
