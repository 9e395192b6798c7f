/* assay-cluster-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-job"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-cluster-job.h"
#include "assay-cluster-options.h"
#include "assay-result.h"
#include "assay-store.h"

AssayClusterJob *
assay_cluster_job_new (void)
{
  AssayClusterJob *job = g_new0 (AssayClusterJob, 1);

  job->stages = TRUE;

  return job;
}

AssayClusterJob *
assay_cluster_job_copy (const AssayClusterJob *job)
{
  AssayClusterJob *copy = g_new0 (AssayClusterJob, 1);

  copy->key = g_strdup (job->key);
  copy->sha256 = g_strdup (job->sha256);
  copy->size = job->size;
  copy->path = g_strdup (job->path);
  copy->template_name = g_strdup (job->template_name);
  copy->template_key = g_strdup (job->template_key);
  copy->extractor_id = g_strdup (job->extractor_id);
  copy->batch = g_strdup (job->batch);
  copy->payload = g_strdup (job->payload);
  copy->extract_worker = g_strdup (job->extract_worker);
  copy->read_ms = job->read_ms;
  copy->extract_ms = job->extract_ms;
  copy->password = g_strdup (job->password);
  copy->object_nuid = g_strdup (job->object_nuid);
  copy->object_chunks = job->object_chunks;
  copy->object_digest = g_strdup (job->object_digest);
  copy->stages = job->stages;

  return copy;
}

void
assay_cluster_job_free (AssayClusterJob *job)
{
  if (job == NULL)
    return;

  g_free (job->key);
  g_free (job->sha256);
  g_free (job->path);
  g_free (job->template_name);
  g_free (job->template_key);
  g_free (job->extractor_id);
  g_free (job->batch);
  g_free (job->payload);
  g_free (job->extract_worker);
  if (job->password != NULL)
    explicit_bzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job->object_nuid);
  g_free (job->object_digest);
  g_free (job);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

char *
assay_cluster_job_to_json (const AssayClusterJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "version", ASSAY_CLUSTER_JOB_VERSION);
  add_string (builder, "key", job->key);
  add_string (builder, "sha256", job->sha256);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, job->size);
  add_string (builder, "path", job->path);
  add_string (builder, "template", job->template_name);
  add_string (builder, "template_key", job->template_key);
  add_string (builder, "extractor_id", job->extractor_id);
  add_string (builder, "batch", job->batch);
  add_string (builder, "payload", job->payload);
  add_string (builder, "extract_worker", job->extract_worker);
  add_string (builder, "password", job->password);
  json_builder_set_member_name (builder, "read_ms");
  json_builder_add_double_value (builder, job->read_ms);
  json_builder_set_member_name (builder, "extract_ms");
  json_builder_add_double_value (builder, job->extract_ms);
  if (job->object_nuid != NULL)
    {
      json_builder_set_member_name (builder, "object");
      json_builder_begin_object (builder);
      add_string (builder, "nuid", job->object_nuid);
      json_builder_set_member_name (builder, "chunks");
      json_builder_add_int_value (builder, job->object_chunks);
      add_string (builder, "digest", job->object_digest);
      json_builder_end_object (builder);
    }
  /* Said only when off: a job without it has its stages announced. */
  if (!job->stages)
    {
      json_builder_set_member_name (builder, "stages");
      json_builder_add_boolean_value (builder, FALSE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (json_object_get_string_member_with_default (object, name, NULL));
}

static gboolean
is_hex64 (const char *s)
{
  guint i;

  if (s == NULL)
    return FALSE;
  for (i = 0; s[i] != '\0'; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;

  return i == 64;
}

/**
 * assay_cluster_job_from_json:
 *
 * Returns: (transfer full): the job, or %NULL with
 *   %ASSAY_CLUSTER_ERROR_CORRUPT when it is not one
 */
AssayClusterJob *
assay_cluster_job_from_json (const char  *data,
                             gsize        len,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AssayClusterJob) job = NULL;
  JsonObject *object;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;

  object = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "version", NULL),
                 ASSAY_CLUSTER_JOB_VERSION) != 0)
    goto bad;

  job = assay_cluster_job_new ();
  job->key = dup_member (object, "key");
  job->sha256 = dup_member (object, "sha256");
  job->size = json_object_get_int_member_with_default (object, "size", 0);
  job->path = dup_member (object, "path");
  job->template_name = dup_member (object, "template");
  job->template_key = dup_member (object, "template_key");
  job->extractor_id = dup_member (object, "extractor_id");
  job->batch = dup_member (object, "batch");
  job->payload = dup_member (object, "payload");
  job->extract_worker = dup_member (object, "extract_worker");
  job->password = dup_member (object, "password");
  job->read_ms = json_object_get_double_member_with_default (object, "read_ms", 0);
  job->extract_ms = json_object_get_double_member_with_default (object, "extract_ms", 0);
  if (json_object_has_member (object, "object") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "object")))
    {
      JsonObject *where = json_object_get_object_member (object, "object");

      job->object_nuid = dup_member (where, "nuid");
      job->object_chunks = json_object_get_int_member_with_default (where, "chunks", 0);
      job->object_digest = dup_member (where, "digest");
    }
  job->stages = json_object_get_boolean_member_with_default (object, "stages", TRUE);

  if (job->key == NULL || !is_hex64 (job->sha256) || job->template_name == NULL ||
      job->template_key == NULL || job->extractor_id == NULL || job->batch == NULL ||
      job->path == NULL)
    goto bad;

  return g_steal_pointer (&job);

bad:
  g_set_error_literal (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                       _("Not an Assay job message"));
  return NULL;
}

char *
assay_cluster_progress_to_json (const AssayClusterProgress *progress)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "sha256", progress->sha256);
  add_string (builder, "key", progress->key);
  add_string (builder, "state", progress->state);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_double_value (builder, progress->progress);
  add_string (builder, "worker", progress->worker);
  add_string (builder, "error", progress->error);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/**
 * assay_cluster_progress_to_json_with_result:
 * @result_json: (nullable): the result as stored in the results bucket
 *   (a JSON object)
 *
 * The progress message, with @result_json as its "result" member when
 * it is at most %ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS long: spliced in as
 * it is, not parsed and written again.
 */
char *
assay_cluster_progress_to_json_with_result (const AssayClusterProgress *progress,
                                            const char                 *result_json)
{
  char *json = assay_cluster_progress_to_json (progress);
  gsize json_len = strlen (json);
  gsize result_len = result_json != NULL ? strlen (result_json) : 0;
  GString *out;

  if (result_len == 0 || result_len > ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS ||
      result_json[0] != '{' || json_len < 2 || json[json_len - 1] != '}')
    return json;

  out = g_string_sized_new (json_len + result_len + 16);
  g_string_append_len (out, json, json_len - 1);
  g_string_append (out, ",\"result\":");
  g_string_append_len (out, result_json, result_len);
  g_string_append_c (out, '}');
  g_free (json);

  return g_string_free (out, FALSE);
}

/**
 * assay_cluster_progress_to_json_with_digest:
 * @result_json: the result as stored in the results bucket (a JSON object)
 * @digest_json: its digest (assay_store_make_digest())
 * @spans: (out): the value of the %ASSAY_CLUSTER_PROGRESS_SPANS_HEADER
 *   header to send with the message
 *
 * The progress message with @digest_json and then @result_json as its
 * "digest" and "result" members, spliced in as they are, and where they
 * are in it (@spans), so that the submitter parses the progress and the
 * digest and takes the result's text without parsing it. Watchers that
 * know nothing of the header read one JSON object, as before.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL when the
 *   result is too large to ride along (or either part is not an object)
 */
char *
assay_cluster_progress_to_json_with_digest (const AssayClusterProgress  *progress,
                                            const char                  *result_json,
                                            const char                  *digest_json,
                                            char                       **spans)
{
  g_autofree char *json = assay_cluster_progress_to_json (progress);
  gsize json_len = strlen (json);
  gsize result_len = strlen (result_json);
  gsize digest_len = strlen (digest_json);
  gsize digest_at, result_at;
  GString *out;

  *spans = NULL;
  if (result_len == 0 || result_len > ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS ||
      result_json[0] != '{' || digest_len == 0 || digest_json[0] != '{' ||
      json_len < 2 || json[json_len - 1] != '}')
    return NULL;

  out = g_string_sized_new (json_len + digest_len + result_len + 32);
  g_string_append_len (out, json, json_len - 1);
  g_string_append (out, ",\"digest\":");
  digest_at = out->len;
  g_string_append_len (out, digest_json, digest_len);
  g_string_append (out, ",\"result\":");
  result_at = out->len;
  g_string_append_len (out, result_json, result_len);
  g_string_append_c (out, '}');
  *spans = g_strdup_printf ("%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT,
                            digest_at, digest_len, result_at, result_len);

  return g_string_free (out, FALSE);
}

static AssayClusterProgress *progress_from_object (JsonObject *object);

static gboolean
parse_span (const char **p,
            gsize        limit,
            gsize       *value)
{
  char *end = NULL;
  guint64 v;

  while (**p == ' ')
    (*p)++;
  if (!g_ascii_isdigit (**p))
    return FALSE;
  v = g_ascii_strtoull (*p, &end, 10);
  if (end == *p || v > limit)
    return FALSE;
  *p = end;
  *value = (gsize) v;

  return TRUE;
}

/* A "done" message from assay_cluster_progress_to_json_with_digest(), by
 * its spans: the progress and the digest parsed, the result's text taken
 * as it is. %NULL when the spans do not describe @data. */
static AssayClusterProgress *
progress_from_spans (const char *data,
                     gsize       len,
                     const char *spans)
{
  static const char digest_name[] = ",\"digest\":";
  static const char result_name[] = ",\"result\":";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) digest_parser = NULL;
  g_autofree char *head = NULL;
  gsize digest_at, digest_len, result_at, result_len, head_len;
  AssayClusterProgress *progress;
  JsonNode *root;
  JsonNode *digest;
  const char *p = spans;

  if (!parse_span (&p, len, &digest_at) || !parse_span (&p, len, &digest_len) ||
      !parse_span (&p, len, &result_at) || !parse_span (&p, len, &result_len) || *p != '\0')
    return NULL;

  /* {progress…,"digest":{…},"result":{…}} and nothing else. */
  if (digest_at < sizeof digest_name || digest_len < 2 || result_len < 2 ||
      digest_at + digest_len + sizeof result_name - 1 != result_at ||
      result_at + result_len + 1 != len || data[len - 1] != '}' ||
      memcmp (data + digest_at - (sizeof digest_name - 1), digest_name, sizeof digest_name - 1) != 0 ||
      memcmp (data + result_at - (sizeof result_name - 1), result_name, sizeof result_name - 1) != 0 ||
      data[digest_at] != '{' || data[digest_at + digest_len - 1] != '}' ||
      data[result_at] != '{' || data[result_at + result_len - 1] != '}')
    return NULL;

  head_len = digest_at - (sizeof digest_name - 1);
  head = g_malloc (head_len + 2);
  memcpy (head, data, head_len);
  head[head_len] = '}';
  head[head_len + 1] = '\0';
  if (!json_parser_load_from_data (parser, head, head_len + 1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  digest_parser = json_parser_new ();
  if (!json_parser_load_from_data (digest_parser, data + digest_at, digest_len, NULL) ||
      (digest = json_parser_get_root (digest_parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (digest))
    return NULL;
  /* Only a pair the store would save (else the whole result is parsed). */
  if (!assay_store_digest_describes (digest, data + result_at, result_len))
    return NULL;

  progress = progress_from_object (json_node_get_object (root));
  if (progress == NULL)
    return NULL;
  progress->digest = json_parser_steal_root (digest_parser);
  progress->result_text = g_bytes_new (data + result_at, result_len);

  return progress;
}

/**
 * assay_cluster_progress_from_json_with_spans:
 * @spans: (nullable): the message's %ASSAY_CLUSTER_PROGRESS_SPANS_HEADER
 *
 * assay_cluster_progress_from_json(), taking a "done" message's result
 * as its digest and text when @spans say where they are (then @digest and
 * @result_text are set, @result is not).
 *
 * Returns: (nullable): the progress, or %NULL when @data is not one
 */
AssayClusterProgress *
assay_cluster_progress_from_json_with_spans (const char *data,
                                             gsize       len,
                                             const char *spans)
{
  if (spans != NULL)
    {
      AssayClusterProgress *progress = progress_from_spans (data, len, spans);

      if (progress != NULL)
        return progress;
    }

  return assay_cluster_progress_from_json (data, len);
}

/* Returns: (nullable): the progress, or %NULL when @data is not one */
AssayClusterProgress *
assay_cluster_progress_from_json (const char *data,
                                  gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return progress_from_object (json_node_get_object (root));
}

static AssayClusterProgress *
progress_from_object (JsonObject *object)
{
  AssayClusterProgress *progress;

  if (!json_object_has_member (object, "key") || !json_object_has_member (object, "state"))
    return NULL;

  progress = g_new0 (AssayClusterProgress, 1);
  progress->sha256 = dup_member (object, "sha256");
  progress->key = dup_member (object, "key");
  progress->state = dup_member (object, "state");
  progress->progress = json_object_get_double_member_with_default (object, "progress", -1);
  progress->worker = dup_member (object, "worker");
  progress->error = dup_member (object, "error");
  if (json_object_has_member (object, "result") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "result")))
    {
      /* Taken out of the message, not copied (json_node_copy() would
       * share its object). */
      progress->result = json_node_ref (json_object_get_member (object, "result"));
      json_object_remove_member (object, "result");
      json_node_set_parent (progress->result, NULL);
    }

  if (progress->key == NULL || progress->state == NULL)
    g_clear_pointer (&progress, assay_cluster_progress_free);

  return progress;
}

void
assay_cluster_progress_free (AssayClusterProgress *progress)
{
  if (progress == NULL)
    return;

  g_free (progress->sha256);
  g_free (progress->key);
  g_free (progress->state);
  g_free (progress->worker);
  g_free (progress->error);
  g_clear_pointer (&progress->result, json_node_unref);
  g_clear_pointer (&progress->digest, json_node_unref);
  g_clear_pointer (&progress->result_text, g_bytes_unref);
  g_free (progress);
}

char *
assay_cluster_progress_subject (const char *batch,
                                const char *sha256)
{
  return g_strdup_printf ("assay.progress.%s.%s", batch, sha256);
}

/**
 * assay_cluster_failure_to_json:
 * @status: "failed" or "needs-password"
 *
 * A failed job's entry in the results bucket: the shape of a local run's
 * failure result (assay-result/2, with `error`), so that whoever waits
 * for the job learns why.
 */
char *
assay_cluster_failure_to_json (const AssayClusterJob *job,
                               const char            *status,
                               AssayStage             stage,
                               const char            *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "result_version", ASSAY_RESULT_VERSION);
  add_string (builder, "status", status);
  json_builder_set_member_name (builder, "cached");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  add_string (builder, "path", job->path);
  add_string (builder, "sha256", job->sha256);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, job->size);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  add_string (builder, "stage", assay_stage_to_string (stage));
  add_string (builder, "message", message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}
