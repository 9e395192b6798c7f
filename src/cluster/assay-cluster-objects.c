/* assay-cluster-objects.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-objects"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "assay-cluster-objects.h"

#define CHUNK_SIZE      ASSAY_CLUSTER_OBJECT_CHUNK_SIZE
#define CHUNK_WAIT_MS   10000

static char *
dup_stream_name (const char *bucket)
{
  return g_strdup_printf ("OBJ_%s", bucket);
}

/* base64url with padding, as Go's base64.URLEncoding */
static char *
base64url (const guchar *data,
           gsize         len)
{
  char *text = g_base64_encode (data, len);

  for (char *c = text; *c != '\0'; c++)
    if (*c == '+')
      *c = '-';
    else if (*c == '/')
      *c = '_';

  return text;
}

static char *
dup_meta_subject (const char *bucket,
                  const char *name)
{
  g_autofree char *encoded = base64url ((const guchar *) name, strlen (name));

  return g_strdup_printf ("$O.%s.M.%s", bucket, encoded);
}

static char *
new_nuid (void)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  char nuid[23];

  for (guint i = 0; i < 22; i++)
    nuid[i] = alphabet[g_random_int_range (0, 62)];
  nuid[22] = '\0';

  return g_strdup (nuid);
}

/* Which buckets' streams answer direct gets, as ensure_bucket() found
 * them, per connection (a request to a stream without them is not
 * refused, it times out). */
static GMutex direct_lock;

static void
set_direct (AssayClusterConnection *connection,
            const char             *stream,
            gboolean                direct)
{
  GHashTable *streams;

  g_mutex_lock (&direct_lock);
  streams = g_object_get_data (G_OBJECT (connection), "assay-direct-streams");
  if (streams == NULL)
    {
      streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_object_set_data_full (G_OBJECT (connection), "assay-direct-streams", streams,
                              (GDestroyNotify) g_hash_table_unref);
    }
  g_hash_table_insert (streams, g_strdup (stream), GINT_TO_POINTER (direct));
  g_mutex_unlock (&direct_lock);
}

static gboolean
get_direct (AssayClusterConnection *connection,
            const char             *stream)
{
  GHashTable *streams;
  gboolean direct = FALSE;

  g_mutex_lock (&direct_lock);
  streams = g_object_get_data (G_OBJECT (connection), "assay-direct-streams");
  if (streams != NULL)
    direct = GPOINTER_TO_INT (g_hash_table_lookup (streams, stream));
  g_mutex_unlock (&direct_lock);

  return direct;
}

/**
 * assay_cluster_objects_ensure_bucket:
 * @max_bytes: what the bucket may hold in all
 *
 * Makes the bucket's stream as `nats object add` would, when missing.
 */
gboolean
assay_cluster_objects_ensure_bucket (AssayClusterConnection  *connection,
                                     const char              *bucket,
                                     gint64                   max_bytes,
                                     GError                 **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  g_autofree char *stream = dup_stream_name (bucket);
  g_autofree char *chunks = g_strdup_printf ("$O.%s.C.>", bucket);
  g_autofree char *meta = g_strdup_printf ("$O.%s.M.>", bucket);
  const char *subjects[] = { chunks, meta };
  jsStreamInfo *si = NULL;
  jsStreamConfig config;
  jsErrCode jerr = 0;
  natsStatus s;

  s = js_GetStreamInfo (&si, js, stream, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    {
      jsStreamConfig_Init (&config);
      config.Name = stream;
      config.Subjects = subjects;
      config.SubjectsLen = 2;
      config.Storage = js_FileStorage;
      config.Discard = js_DiscardNew;
      config.MaxBytes = max_bytes;
      config.AllowRollup = true;
      config.AllowDirect = true;
      s = js_AddStream (&si, js, &config, NULL, &jerr);
      if (s != NATS_OK && jerr == JSStreamNameExistErr)
        s = NATS_OK;
    }
  if (si != NULL)
    {
      set_direct (connection, stream, si->Config != NULL && si->Config->AllowDirect);
      jsStreamInfo_Destroy (si);
    }
  if (s != NATS_OK)
    {
      g_autofree char *what = g_strdup_printf (_("cannot make the object store %s"), bucket);
      return assay_cluster_set_error (error, s, jerr, what);
    }

  return TRUE;
}

/* The last message on @subject: a direct get (the raw bytes, answered by
 * the stream without the JetStream API's JSON and base64) where the
 * stream allows it, else the API's. */
static natsStatus
get_last_msg (AssayClusterConnection  *connection,
              const char              *stream,
              const char              *subject,
              natsMsg                **msg,
              jsErrCode               *jerr)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);

  if (get_direct (connection, stream))
    {
      jsDirectGetMsgOptions options;

      jsDirectGetMsgOptions_Init (&options);
      options.LastBySubject = subject;
      return js_DirectGetMsg (msg, js, stream, NULL, &options);
    }

  return js_GetLastMsg (msg, js, stream, subject, NULL, jerr);
}

/* The object's metadata, or NULL with NOT_FOUND (also for a deleted one). */
static JsonObject *
get_meta (AssayClusterConnection  *connection,
          const char              *bucket,
          const char              *name,
          GError                 **error)
{
  g_autofree char *stream = dup_stream_name (bucket);
  g_autofree char *subject = dup_meta_subject (bucket, name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  natsMsg *msg = NULL;
  jsErrCode jerr = 0;
  natsStatus s;
  JsonNode *root;
  gboolean parsed;

  s = get_last_msg (connection, stream, subject, &msg, &jerr);
  if (s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND,
                   _("No object %s in %s"), name, bucket);
      return NULL;
    }
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, jerr, _("cannot look up an object")), NULL);

  parsed = json_parser_load_from_data (parser, natsMsg_GetData (msg),
                                       natsMsg_GetDataLength (msg), NULL);
  natsMsg_Destroy (msg);
  root = parsed ? json_parser_get_root (parser) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                   _("The metadata of object %s in %s is not JSON"), name, bucket);
      return NULL;
    }
  if (json_object_get_boolean_member_with_default (json_node_get_object (root), "deleted", FALSE))
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND,
                   _("No object %s in %s"), name, bucket);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

void
assay_cluster_object_info_clear (AssayClusterObjectInfo *info)
{
  g_clear_pointer (&info->nuid, g_free);
  g_clear_pointer (&info->digest, g_free);
  info->size = 0;
  info->n_chunks = 0;
}

static void
info_from_meta (AssayClusterObjectInfo *info,
                JsonObject             *meta)
{
  assay_cluster_object_info_clear (info);
  info->size = json_object_get_int_member_with_default (meta, "size", 0);
  info->n_chunks = json_object_get_int_member_with_default (meta, "chunks", 0);
  info->nuid = g_strdup (json_object_get_string_member_with_default (meta, "nuid", NULL));
  info->digest = g_strdup (json_object_get_string_member_with_default (meta, "digest", NULL));
}

/**
 * assay_cluster_objects_get_info:
 * @info: (out caller-allocates): filled in when the object is there
 *   (clear it with assay_cluster_object_info_clear())
 *
 * Returns: %TRUE when the object is there; %FALSE with
 *   %ASSAY_CLUSTER_ERROR_NOT_FOUND when it is not, or another error
 */
gboolean
assay_cluster_objects_get_info (AssayClusterConnection  *connection,
                                const char              *bucket,
                                const char              *name,
                                AssayClusterObjectInfo  *info,
                                GError                 **error)
{
  g_autoptr(JsonObject) meta = get_meta (connection, bucket, name, error);

  if (meta == NULL)
    return FALSE;
  info_from_meta (info, meta);

  return TRUE;
}

/**
 * assay_cluster_objects_dup_names:
 * @max_names: list them only if the bucket's stream has at most this many
 *   subjects (chunks and metadata), so the answer stays one small message
 *
 * The names of the objects in @bucket now (deleted ones included), from
 * the stream's subjects: one request for all, where looking each up would
 * take one each. Two requests (the stream's size, then its metadata
 * subjects).
 *
 * Returns: (transfer full) (nullable): a set of names (char* keys), or
 *   %NULL: too many to list (no @error), or @error set
 */
GHashTable *
assay_cluster_objects_dup_names (AssayClusterConnection  *connection,
                                 const char              *bucket,
                                 guint                    max_names,
                                 GError                 **error)
{
  g_autofree char *stream = dup_stream_name (bucket);
  g_autofree char *prefix = g_strdup_printf ("$O.%s.M.", bucket);
  g_autoptr(GHashTable) subjects = NULL;
  g_autoptr(GHashTable) names = NULL;
  GHashTableIter iter;
  const char *subject;

  subjects = assay_cluster_connection_dup_subjects (connection, stream, prefix, max_names,
                                                    _("cannot look up an object"), error);
  if (subjects == NULL)
    return NULL;

  /* A metadata subject ends in the name, base64url-encoded. */
  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, subjects);
  while (g_hash_table_iter_next (&iter, (gpointer *) &subject, NULL))
    {
      g_autofree char *encoded = g_strdup (subject);
      g_autofree guchar *decoded = NULL;
      gsize len = 0;

      for (char *c = encoded; *c != '\0'; c++)
        if (*c == '-')
          *c = '+';
        else if (*c == '_')
          *c = '/';
      decoded = g_base64_decode (encoded, &len);
      if (decoded != NULL && len > 0)
        g_hash_table_add (names, g_strndup ((const char *) decoded, len));
    }

  return g_steal_pointer (&names);
}

/* The metadata's message, rolled up to this value; @only_new: stored
 * only if the subject holds nothing yet. */
static natsStatus
new_meta_msg (natsMsg    **msg,
              const char  *subject,
              const char  *json,
              gboolean     only_new)
{
  natsStatus s = natsMsg_Create (msg, subject, NULL, json, strlen (json));

  if (s == NATS_OK)
    s = natsMsgHeader_Set (*msg, "Nats-Rollup", "sub");
  if (s == NATS_OK && only_new)
    s = natsMsgHeader_Set (*msg, "Nats-Expected-Last-Subject-Sequence", "0");
  if (s != NATS_OK)
    g_clear_pointer (msg, natsMsg_Destroy);

  return s;
}

static char *
meta_to_json (const char *bucket,
              const char *name,
              const char *nuid,
              gint64      size,
              guint       n_chunks,
              const char *digest)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *mtime = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_chunk_size");
  json_builder_add_int_value (builder, CHUNK_SIZE);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "bucket");
  json_builder_add_string_value (builder, bucket);
  json_builder_set_member_name (builder, "nuid");
  json_builder_add_string_value (builder, nuid);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, size);
  json_builder_set_member_name (builder, "mtime");
  json_builder_add_string_value (builder, mtime);
  json_builder_set_member_name (builder, "chunks");
  json_builder_add_int_value (builder, n_chunks);
  json_builder_set_member_name (builder, "digest");
  json_builder_add_string_value (builder, digest);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* "SHA-256=<base64url>", as the object store's metadata says it. */
static char *
digest_of (GChecksum *checksum)
{
  guint8 sum[32];
  gsize sum_len = sizeof sum;
  g_autofree char *encoded = NULL;

  g_checksum_get_digest (checksum, sum, &sum_len);
  encoded = base64url (sum, sum_len);

  return g_strconcat ("SHA-256=", encoded, NULL);
}

/* Stores the metadata, rolled up to this value. @only_new: only if the
 * subject holds nothing yet; *@taken (optional) is set when it did. */
static gboolean
publish_meta (jsCtx       *js,
              const char  *subject,
              const char  *json,
              gboolean     only_new,
              gboolean    *taken,
              GError     **error)
{
  natsMsg *msg = NULL;
  jsPubAck *ack = NULL;
  jsErrCode jerr = 0;
  natsStatus s;

  if (taken != NULL)
    *taken = FALSE;
  s = new_meta_msg (&msg, subject, json, only_new);
  if (s == NATS_OK)
    s = js_PublishMsg (&ack, js, msg, NULL, &jerr);
  natsMsg_Destroy (msg);
  if (ack != NULL)
    jsPubAck_Destroy (ack);
  if (s != NATS_OK && only_new && jerr == ASSAY_CLUSTER_JS_WRONG_LAST_SEQUENCE && taken != NULL)
    {
      *taken = TRUE;
      return FALSE;
    }
  if (s != NATS_OK)
    return assay_cluster_set_error (error, s, jerr, _("cannot store an object's metadata"));

  return TRUE;
}

void
assay_cluster_objects_purge_chunks (jsCtx      *js,
                                    const char *bucket,
                                    const char *nuid)
{
  g_autofree char *stream = dup_stream_name (bucket);
  g_autofree char *subject = g_strdup_printf ("$O.%s.C.%s", bucket, nuid);
  jsOptions opts;
  jsErrCode jerr = 0;

  jsOptions_Init (&opts);
  opts.Stream.Purge.Subject = subject;
  if (js_PurgeStream (js, stream, &opts, &jerr) != NATS_OK)
    g_debug ("Could not purge the chunks %s: %s", subject, nats_GetLastError (NULL));
}

/**
 * assay_cluster_objects_put_stream:
 * @max_bytes: refuse (with %ASSAY_CLUSTER_ERROR_TOO_LARGE) past this
 *
 * Stores what @stream holds as object @name, replacing an object of that
 * name. The chunks go first, the metadata last, so a reader never sees a
 * half-written object.
 */
gboolean
assay_cluster_objects_put_stream (AssayClusterConnection  *connection,
                                  const char              *bucket,
                                  const char              *name,
                                  GInputStream            *stream,
                                  gint64                   max_bytes,
                                  GCancellable            *cancellable,
                                  GError                 **error)
{
  return assay_cluster_objects_put_stream_full (connection, bucket, name, stream, max_bytes,
                                                NULL, NULL, cancellable, error);
}

/**
 * assay_cluster_objects_put_stream_full:
 * @replacing: (nullable): the object of that name as the caller just
 *   found it (its nuid %NULL: there was none, and the metadata is stored
 *   only if there still is none, else the one there is looked up and
 *   replaced), whose chunks are dropped once replaced; %NULL: looked up here
 * @stored: (out caller-allocates) (optional): where the bytes went, on
 *   success (clear it with assay_cluster_object_info_clear())
 *
 * As assay_cluster_objects_put_stream().
 */
gboolean
assay_cluster_objects_put_stream_full (AssayClusterConnection       *connection,
                                       const char                   *bucket,
                                       const char                   *name,
                                       GInputStream                 *stream,
                                       gint64                        max_bytes,
                                       const AssayClusterObjectInfo *replacing,
                                       AssayClusterObjectInfo       *stored,
                                       GCancellable                 *cancellable,
                                       GError                      **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  g_autofree char *nuid = new_nuid ();
  g_autofree char *chunk_subject = g_strdup_printf ("$O.%s.C.%s", bucket, nuid);
  g_autofree char *meta_subject = dup_meta_subject (bucket, name);
  g_autofree guchar *buffer = g_malloc (CHUNK_SIZE);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *old_nuid = NULL;
  g_autofree char *json = NULL;
  g_autofree char *digest = NULL;
  gint64 size = 0;
  guint n_chunks = 0;

  if (replacing != NULL)
    old_nuid = g_strdup (replacing->nuid);
  else
    {
      g_autoptr(JsonObject) old = get_meta (connection, bucket, name, NULL);

      if (old != NULL)
        old_nuid = g_strdup (json_object_get_string_member_with_default (old, "nuid", NULL));
    }

  for (;;)
    {
      jsPubAck *ack = NULL;
      jsErrCode jerr = 0;
      gsize n = 0;
      natsStatus s;

      if (!g_input_stream_read_all (stream, buffer, CHUNK_SIZE, &n, cancellable, error))
        goto failed;
      if (n == 0)
        break;

      size += n;
      if (size > max_bytes)
        {
          g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE,
                       _("Too large for the cluster: it takes %lld MiB at most"),
                       (long long) (max_bytes / (1024 * 1024)));
          goto failed;
        }
      g_checksum_update (checksum, buffer, n);

      s = js_Publish (&ack, js, chunk_subject, buffer, (int) n, NULL, &jerr);
      if (ack != NULL)
        jsPubAck_Destroy (ack);
      if (s != NATS_OK)
        {
          assay_cluster_set_error (error, s, jerr, _("cannot store an object"));
          goto failed;
        }
      n_chunks++;

      if (n < CHUNK_SIZE)
        break;
    }

  digest = digest_of (checksum);

  json = meta_to_json (bucket, name, nuid, size, n_chunks, digest);

  /* Said to be new: stored only if it still is, so that an object
   * another client stored meanwhile has its chunks dropped, not orphaned. */
  if (replacing != NULL && replacing->nuid == NULL)
    {
      gboolean taken = FALSE;

      if (!publish_meta (js, meta_subject, json, TRUE, &taken, error))
        {
          g_autoptr(JsonObject) old = NULL;

          if (!taken)
            goto failed;
          old = get_meta (connection, bucket, name, NULL);
          if (old != NULL)
            old_nuid = g_strdup (json_object_get_string_member_with_default (old, "nuid", NULL));
          if (!publish_meta (js, meta_subject, json, FALSE, NULL, error))
            goto failed;
        }
    }
  else if (!publish_meta (js, meta_subject, json, FALSE, NULL, error))
    goto failed;

  /* The object replaced: its chunks are not needed any more. */
  if (old_nuid != NULL && !g_str_equal (old_nuid, nuid))
    assay_cluster_objects_purge_chunks (js, bucket, old_nuid);

  if (stored != NULL)
    {
      assay_cluster_object_info_clear (stored);
      stored->size = size;
      stored->n_chunks = n_chunks;
      stored->nuid = g_steal_pointer (&nuid);
      stored->digest = g_steal_pointer (&digest);
    }

  return TRUE;

failed:
  assay_cluster_objects_purge_chunks (js, bucket, nuid);
  return FALSE;
}

/**
 * assay_cluster_objects_new_messages:
 * @bytes: one chunk: not empty, at most ASSAY_CLUSTER_OBJECT_CHUNK_SIZE
 * @chunk: (out) (transfer full): the chunk's message, to send first
 * @meta: (out) (transfer full): the metadata's, to send after it; stored
 *   only if the object's subject is still empty (the server refuses it
 *   with ASSAY_CLUSTER_JS_WRONG_LAST_SEQUENCE otherwise)
 * @stored: (out caller-allocates): where the bytes go
 *
 * The messages that store @bytes as the new object @name, for a caller
 * that publishes them itself (many objects at once: assay-cluster-publisher.h)
 * and waits for both: once the chunk is stored and the metadata too, the
 * object is there; a chunk refused while the metadata was stored leaves
 * an object without its bytes, to be deleted (assay_cluster_objects_delete());
 * a chunk stored without its metadata, to be purged
 * (assay_cluster_objects_purge_chunks()). No network.
 */
gboolean
assay_cluster_objects_new_messages (const char              *bucket,
                                    const char              *name,
                                    GBytes                  *bytes,
                                    natsMsg                **chunk,
                                    natsMsg                **meta,
                                    AssayClusterObjectInfo  *stored,
                                    GError                 **error)
{
  g_autofree char *nuid = new_nuid ();
  g_autofree char *chunk_subject = g_strdup_printf ("$O.%s.C.%s", bucket, nuid);
  g_autofree char *meta_subject = dup_meta_subject (bucket, name);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *digest = NULL;
  g_autofree char *json = NULL;
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);
  natsStatus s;

  if (size == 0 || size > CHUNK_SIZE)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE,
                   "%zu bytes are not one chunk", size);
      return FALSE;
    }

  *chunk = NULL;
  *meta = NULL;
  g_checksum_update (checksum, data, size);
  digest = digest_of (checksum);
  json = meta_to_json (bucket, name, nuid, size, 1, digest);

  s = natsMsg_Create (chunk, chunk_subject, NULL, (const char *) data, (int) size);
  if (s == NATS_OK)
    s = new_meta_msg (meta, meta_subject, json, TRUE);
  if (s != NATS_OK)
    {
      g_clear_pointer (chunk, natsMsg_Destroy);
      return assay_cluster_set_error (error, s, 0, _("cannot store an object"));
    }

  assay_cluster_object_info_clear (stored);
  stored->size = size;
  stored->n_chunks = 1;
  stored->nuid = g_steal_pointer (&nuid);
  stored->digest = g_steal_pointer (&digest);

  return TRUE;
}

/**
 * assay_cluster_objects_get_stream:
 *
 * Writes object @name to @stream, checking its size and digest.
 */
gboolean
assay_cluster_objects_get_stream (AssayClusterConnection  *connection,
                                  const char              *bucket,
                                  const char              *name,
                                  GOutputStream           *stream,
                                  gint64                   max_bytes,
                                  GCancellable            *cancellable,
                                  GError                 **error)
{
  return assay_cluster_objects_get_stream_full (connection, bucket, name, NULL, stream, max_bytes,
                                                cancellable, error);
}

typedef enum
{
  HINT_READ,     /* written to the stream */
  HINT_MISSED,   /* not there, or not what the hint said: nothing written */
  HINT_FAILED,   /* the stream failed */
} HintOutcome;

/* The one chunk @hint names, written to @stream only when its size and
 * digest are the hint's: chunks are never changed in place (an object
 * written again gets a new nuid), so that is the object's content. */
static HintOutcome
get_by_hint (AssayClusterConnection        *connection,
             const char                    *bucket,
             const AssayClusterObjectInfo  *hint,
             GOutputStream                 *stream,
             GCancellable                  *cancellable,
             GError                       **error)
{
  g_autofree char *stream_name = dup_stream_name (bucket);
  g_autofree char *chunk_subject = g_strdup_printf ("$O.%s.C.%s", bucket, hint->nuid);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *encoded = NULL;
  g_autofree char *digest = NULL;
  natsMsg *msg = NULL;
  jsErrCode jerr = 0;
  guint8 sum[32];
  gsize sum_len = sizeof sum;
  gsize len;
  HintOutcome outcome = HINT_READ;

  if (get_last_msg (connection, stream_name, chunk_subject, &msg, &jerr) != NATS_OK)
    return HINT_MISSED;

  len = natsMsg_GetDataLength (msg);
  g_checksum_update (checksum, (const guchar *) natsMsg_GetData (msg), len);
  g_checksum_get_digest (checksum, sum, &sum_len);
  encoded = base64url (sum, sum_len);
  digest = g_strconcat ("SHA-256=", encoded, NULL);
  if ((gint64) len != hint->size || !g_str_equal (digest, hint->digest))
    outcome = HINT_MISSED;
  else if (!g_output_stream_write_all (stream, natsMsg_GetData (msg), len, NULL, cancellable, error))
    outcome = HINT_FAILED;
  natsMsg_Destroy (msg);

  return outcome;
}

/**
 * assay_cluster_objects_get_stream_full:
 * @hint: (nullable): where the caller was told the object's bytes are
 *   (as assay_cluster_objects_put_stream_full() stored them)
 *
 * As assay_cluster_objects_get_stream(); an object of one chunk that is
 * where @hint says is read with one request, without looking up its
 * metadata. Anything else (no hint, the object written again since, more
 * chunks) is read as without a hint.
 */
gboolean
assay_cluster_objects_get_stream_full (AssayClusterConnection       *connection,
                                       const char                   *bucket,
                                       const char                   *name,
                                       const AssayClusterObjectInfo *hint,
                                       GOutputStream                *stream,
                                       gint64                        max_bytes,
                                       GCancellable                 *cancellable,
                                       GError                      **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  g_autoptr(JsonObject) meta = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *chunk_subject = NULL;
  g_autofree char *stream_name = dup_stream_name (bucket);
  natsSubscription *sub = NULL;
  jsSubOptions so;
  jsErrCode jerr = 0;
  natsStatus s;
  gint64 size, n_chunks, got = 0;
  const char *nuid;
  const char *digest;
  gboolean ok = FALSE;

  if (hint != NULL && hint->n_chunks == 1 && hint->nuid != NULL && hint->digest != NULL &&
      hint->size <= max_bytes)
    {
      switch (get_by_hint (connection, bucket, hint, stream, cancellable, error))
        {
        case HINT_READ:
          return TRUE;
        case HINT_FAILED:
          return FALSE;
        case HINT_MISSED:
        default:
          g_debug ("Object %s in %s is not where the job said; looking it up", name, bucket);
          break;
        }
    }

  meta = get_meta (connection, bucket, name, error);
  if (meta == NULL)
    return FALSE;

  size = json_object_get_int_member_with_default (meta, "size", 0);
  n_chunks = json_object_get_int_member_with_default (meta, "chunks", 0);
  nuid = json_object_get_string_member_with_default (meta, "nuid", NULL);
  digest = json_object_get_string_member_with_default (meta, "digest", NULL);
  if (size > max_bytes)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE,
                   _("Object %s is larger than %lld MiB"), name,
                   (long long) (max_bytes / (1024 * 1024)));
      return FALSE;
    }
  if (nuid == NULL || size < 0 || n_chunks < 0)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                   _("The metadata of object %s in %s is incomplete"), name, bucket);
      return FALSE;
    }

  chunk_subject = g_strdup_printf ("$O.%s.C.%s", bucket, nuid);

  /* One chunk (most PDFs, under 128 KiB): the only message on its
   * subject, in one request, without making a consumer for it. */
  if (n_chunks == 1)
    {
      natsMsg *msg = NULL;
      gsize len;

      s = get_last_msg (connection, stream_name, chunk_subject, &msg, &jerr);
      if (s != NATS_OK)
        return assay_cluster_set_error (error, s, jerr, _("cannot read an object"));
      len = natsMsg_GetDataLength (msg);
      got = len;
      if (got <= size)
        {
          g_checksum_update (checksum, (const guchar *) natsMsg_GetData (msg), len);
          if (!g_output_stream_write_all (stream, natsMsg_GetData (msg), len, NULL, cancellable, error))
            {
              natsMsg_Destroy (msg);
              return FALSE;
            }
        }
      natsMsg_Destroy (msg);
      n_chunks = 0;
    }

  if (n_chunks > 0)
    {
      jsSubOptions_Init (&so);
      so.Stream = stream_name;
      so.Ordered = true;
      s = js_SubscribeSync (&sub, js, chunk_subject, NULL, &so, &jerr);
      if (s != NATS_OK)
        return assay_cluster_set_error (error, s, jerr, _("cannot read an object"));
    }

  for (gint64 i = 0; i < n_chunks; i++)
    {
      natsMsg *msg = NULL;
      gsize len;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      s = natsSubscription_NextMsg (&msg, sub, CHUNK_WAIT_MS);
      if (s != NATS_OK)
        {
          assay_cluster_set_error (error, s, 0, _("cannot read an object"));
          goto out;
        }
      len = natsMsg_GetDataLength (msg);
      got += len;
      if (got > size)
        {
          natsMsg_Destroy (msg);
          break;
        }
      g_checksum_update (checksum, (const guchar *) natsMsg_GetData (msg), len);
      if (!g_output_stream_write_all (stream, natsMsg_GetData (msg), len, NULL, cancellable, error))
        {
          natsMsg_Destroy (msg);
          goto out;
        }
      natsMsg_Destroy (msg);
    }

  {
    guint8 sum[32];
    gsize sum_len = sizeof sum;
    g_autofree char *encoded = NULL;
    g_autofree char *expected = NULL;

    g_checksum_get_digest (checksum, sum, &sum_len);
    encoded = base64url (sum, sum_len);
    expected = g_strconcat ("SHA-256=", encoded, NULL);
    if (got != size || (digest != NULL && g_str_has_prefix (digest, "SHA-256=") &&
                        !g_str_equal (digest, expected)))
      {
        g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                     _("Object %s in %s does not match its digest"), name, bucket);
        goto out;
      }
  }

  ok = TRUE;

out:
  if (sub != NULL)
    {
      natsSubscription_Unsubscribe (sub);
      natsSubscription_Destroy (sub);
    }
  return ok;
}

/**
 * assay_cluster_objects_get_bytes:
 *
 * Returns: (transfer full): object @name's content, or %NULL with @error set
 */
GBytes *
assay_cluster_objects_get_bytes (AssayClusterConnection  *connection,
                                 const char              *bucket,
                                 const char              *name,
                                 gint64                   max_bytes,
                                 GCancellable            *cancellable,
                                 GError                 **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (!assay_cluster_objects_get_stream (connection, bucket, name, out, max_bytes,
                                         cancellable, error) ||
      !g_output_stream_close (out, cancellable, error))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/**
 * assay_cluster_objects_delete:
 *
 * Marks object @name deleted (as `nats object rm` does) and drops its chunks.
 */
gboolean
assay_cluster_objects_delete (AssayClusterConnection  *connection,
                              const char              *bucket,
                              const char              *name,
                              GError                 **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  g_autoptr(JsonObject) meta = get_meta (connection, bucket, name, error);
  g_autofree char *subject = dup_meta_subject (bucket, name);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *nuid = NULL;

  if (meta == NULL)
    return FALSE;

  nuid = g_strdup (json_object_get_string_member_with_default (meta, "nuid", ""));
  json_object_set_boolean_member (meta, "deleted", TRUE);
  json_object_set_int_member (meta, "size", 0);
  json_object_set_int_member (meta, "chunks", 0);
  json_object_remove_member (meta, "digest");
  root = json_node_init_object (json_node_alloc (), meta);
  json = json_to_string (root, FALSE);

  if (!publish_meta (js, subject, json, FALSE, NULL, error))
    return FALSE;
  if (*nuid != '\0')
    assay_cluster_objects_purge_chunks (js, bucket, nuid);

  return TRUE;
}
