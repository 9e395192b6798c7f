/* assay-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-result"

#include "config.h"

#include <math.h>

#include <string.h>

#include "assay-json.h"
#include "assay-result.h"

/* PDF metadata is often present but empty: say null then, as when absent. */
static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  assay_json_builder_add_nullable_string (builder, name, value != NULL && *value != '\0' ? value : NULL);
}

static void
add_date_or_null (JsonBuilder *builder,
                  const char  *name,
                  gint64       unix_time)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (unix_time >= 0)
    dt = g_date_time_new_from_unix_utc (unix_time);
  if (dt != NULL)
    iso = g_date_time_format_iso8601 (dt);

  add_string_or_null (builder, name, iso);
}

static void
add_source (JsonBuilder             *builder,
            const AssayResultSource *source,
            const AssayPdfText      *text)
{
  g_autofree char *name = g_path_get_basename (source->path);

  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "path", source->path);
  add_string_or_null (builder, "name", name);
  add_string_or_null (builder, "sha256", source->sha256);
  json_builder_set_member_name (builder, "size");
  if (source->size >= 0)
    json_builder_add_int_value (builder, source->size);
  else
    json_builder_add_null_value (builder);   /* not a regular file: no size */

  if (text != NULL)
    {
      json_builder_set_member_name (builder, "pages");
      json_builder_add_int_value (builder, text->n_pages);
      json_builder_set_member_name (builder, "pages_read");
      json_builder_add_int_value (builder, text->pages->len);
      json_builder_set_member_name (builder, "characters");
      json_builder_add_int_value (builder, assay_pdf_text_count_visible_chars (text));
      json_builder_set_member_name (builder, "pages_without_text");
      json_builder_add_int_value (builder, assay_pdf_text_count_empty_pages (text));
      add_string_or_null (builder, "title", text->title);
      add_string_or_null (builder, "author", text->author);
      add_string_or_null (builder, "subject", text->subject);
      add_string_or_null (builder, "keywords", text->keywords);
      add_string_or_null (builder, "creator", text->creator);
      add_string_or_null (builder, "producer", text->producer);
      add_string_or_null (builder, "pdf_version", text->pdf_version);
      add_date_or_null (builder, "created", text->creation_date);
      add_date_or_null (builder, "modified", text->modification_date);
    }

  json_builder_end_object (builder);
}

static void
add_timings (JsonBuilder  *builder,
             const double *stage_ms)
{
  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    {
      g_autofree char *member = NULL;

      /* The store stage runs after the result is built. */
      if (stage_ms[i] < 0 || i == ASSAY_STAGE_STORE)
        continue;

      member = g_strdup_printf ("%s_ms", assay_stage_to_string (i));
      json_builder_set_member_name (builder, member);
      json_builder_add_double_value (builder, round (stage_ms[i] * 1000.0) / 1000.0);
    }
  json_builder_end_object (builder);
}

/**
 * assay_result_build:
 *
 * Returns: (transfer full): the result of a document that was read,
 *   extracted and analysed. Any thread.
 */
JsonNode *
assay_result_build (const AssayResultSource *source,
                    const AssayPdfText      *text,
                    const AssayExtraction   *extraction,
                    const AssayAnalysis     *analysis)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (extraction != NULL, NULL);
  g_return_val_if_fail (analysis != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result_version");
  json_builder_add_string_value (builder, ASSAY_RESULT_VERSION);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "done");
  json_builder_set_member_name (builder, "cached");
  json_builder_add_boolean_value (builder, FALSE);

  add_source (builder, source, text);

  json_builder_set_member_name (builder, "extraction");
  json_builder_add_value (builder, assay_extraction_to_json (extraction));
  json_builder_set_member_name (builder, "analysis");
  json_builder_add_value (builder, assay_analysis_to_json (analysis));

  add_timings (builder, source->stage_ms);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < text->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (text->warnings, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * assay_result_build_failure:
 *
 * Returns: (transfer full): the result of a document that did not get done:
 *   failed, needs a password, cancelled or a duplicate. Main thread.
 */
JsonNode *
assay_result_build_failure (AssayDocument *document)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  AssayDocumentState state;
  AssayResultSource source = { 0 };

  g_return_val_if_fail (ASSAY_IS_DOCUMENT (document), NULL);

  state = assay_document_get_state (document);
  source.path = (char *)assay_document_get_path (document);
  source.sha256 = (char *)assay_document_get_sha256 (document);
  source.size = assay_document_get_size (document);
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    source.stage_ms[i] = assay_document_get_stage_ms (document, i);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result_version");
  json_builder_add_string_value (builder, ASSAY_RESULT_VERSION);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, assay_document_state_to_string (state));
  json_builder_set_member_name (builder, "cached");
  json_builder_add_boolean_value (builder, FALSE);

  add_source (builder, &source, NULL);

  if (state == ASSAY_DOCUMENT_DUPLICATE)
    add_string_or_null (builder, "duplicate_of", assay_document_get_duplicate_of (document));

  if (assay_document_get_error_message (document) != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stage");
      json_builder_add_string_value (builder,
                                     assay_stage_to_string (assay_document_get_error_stage (document)));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, assay_document_get_error_message (document));
      json_builder_end_object (builder);
    }

  add_timings (builder, source.stage_ms);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * assay_result_mark_cached:
 * @stored: (transfer none): a result just loaded from the store, not shared
 *   with anyone yet: it is changed in place
 * @path: where the file is now (the same content may have moved)
 *
 * Marks the result `cached` and points its source at @path.
 */
void
assay_result_mark_cached (JsonNode   *stored,
                          const char *path)
{
  JsonObject *object;
  JsonNode *source;
  g_autofree char *name = NULL;

  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (stored));
  g_return_if_fail (path != NULL);

  object = json_node_get_object (stored);
  json_object_set_boolean_member (object, "cached", TRUE);

  source = json_object_get_member (object, "source");
  if (source != NULL && JSON_NODE_HOLDS_OBJECT (source))
    {
      name = g_path_get_basename (path);
      json_object_set_string_member (json_node_get_object (source), "path", path);
      json_object_set_string_member (json_node_get_object (source), "name", name);
    }
}

/* Skips a JSON string starting at @p (at its opening quote). */
static const char *
skip_json_string (const char *p,
                  const char *end)
{
  if (p >= end || *p != '"')
    return NULL;

  for (p++; p < end; p++)
    {
      if (*p == '\\')
        p++;
      else if (*p == '"')
        return p + 1;
    }

  return NULL;
}

static char *
quote_json_string (const char *str)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), str);

  return json_to_string (node, FALSE);
}

/**
 * assay_result_mark_cached_text:
 * @stored: the stored text of a result (compact, as the store writes it)
 * @path: where the file is now
 *
 * The text of assay_result_mark_cached()'s result, made by splicing
 * @stored rather than serialising the tree again: a cached run then costs
 * little more than reading the files. Only the layout this version writes
 * is spliced (result_version, status, cached, then source with path and
 * name first); for anything else it returns %NULL and the caller
 * serialises the tree.
 *
 * Returns: (transfer full) (nullable): the patched text
 */
GBytes *
assay_result_mark_cached_text (GBytes     *stored,
                               const char *path)
{
  static const char head[] = "{\"result_version\":\"" ASSAY_RESULT_VERSION "\","
                             "\"status\":\"done\",\"cached\":false,\"source\":{\"path\":";
  static const char between[] = ",\"name\":";
  g_autofree char *name = NULL;
  g_autofree char *quoted_path = NULL;
  g_autofree char *quoted_name = NULL;
  const char *data;
  const char *end;
  const char *p;
  gsize length;
  GString *out;

  g_return_val_if_fail (stored != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  data = g_bytes_get_data (stored, &length);
  end = data + length;

  if (length < sizeof head || memcmp (data, head, sizeof head - 1) != 0)
    return NULL;
  p = skip_json_string (data + sizeof head - 1, end);
  if (p == NULL || (gsize) (end - p) < sizeof between || memcmp (p, between, sizeof between - 1) != 0)
    return NULL;
  p = skip_json_string (p + sizeof between - 1, end);
  if (p == NULL)
    return NULL;

  name = g_path_get_basename (path);
  quoted_path = quote_json_string (path);
  quoted_name = quote_json_string (name);

  out = g_string_sized_new (length + strlen (path) + 16);
  g_string_append (out, "{\"result_version\":\"" ASSAY_RESULT_VERSION "\","
                        "\"status\":\"done\",\"cached\":true,\"source\":{\"path\":");
  g_string_append (out, quoted_path);
  g_string_append (out, between);
  g_string_append (out, quoted_name);
  g_string_append_len (out, p, end - p);

  return g_string_free_to_bytes (out);
}

void
assay_result_source_clear (AssayResultSource *source)
{
  g_clear_pointer (&source->path, g_free);
  g_clear_pointer (&source->sha256, g_free);
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * assay_result_summarize:
 * @result: a result (see docs/result-schema.md), or %NULL
 * @out: (out caller-allocates): cleared with assay_result_summary_clear()
 *
 * Reads the few members a list row shows: the number of key figures, of
 * those verified, and the title (the extracted one, else the PDF's). A
 * handful of member look-ups: cheap, any thread.
 */
void
assay_result_summarize (JsonNode           *result,
                        AssayResultSummary *out)
{
  JsonObject *object;
  JsonObject *extraction;
  JsonNode *figures;
  const char *title;

  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    return;

  object = json_node_get_object (result);
  extraction = get_object_member (object, "extraction");

  figures = extraction != NULL ? json_object_get_member (extraction, "figures") : NULL;
  if (figures != NULL && JSON_NODE_HOLDS_ARRAY (figures))
    {
      JsonArray *array = json_node_get_array (figures);
      guint n = json_array_get_length (array);

      out->n_figures = n;
      for (guint i = 0; i < n; i++)
        {
          JsonNode *figure = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (figure) &&
              g_strcmp0 (get_string_member (json_node_get_object (figure), "verified"),
                         "verified") == 0)
            out->n_verified++;
        }
    }

  title = get_string_member (extraction, "title");
  if (title == NULL || *title == '\0')
    title = get_string_member (get_object_member (object, "source"), "title");
  if (title != NULL && *title != '\0')
    out->title = g_strdup (title);
}

void
assay_result_summary_clear (AssayResultSummary *summary)
{
  g_clear_pointer (&summary->title, g_free);
}
