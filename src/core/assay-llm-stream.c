/* assay-llm-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-stream"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "assay-llm-retry.h"
#include "assay-llm-stream.h"

struct _AssayLlmStreamDecoder
{
  AssayLlmStreamFormat  format;
  gsize                 max_bytes;
  gsize                 received;

  GString              *line;        /* the line being read */
  gboolean              skip_lf;     /* the last line ended with CR */
  GString              *data;        /* SSE: data lines of the event being read */
  gboolean              have_data;
  char                 *event;       /* SSE: the event's type */
  GString              *whole;       /* WHOLE and AUTO before the first byte */

  GString              *content;
  GString              *refusal;
  char                 *finish_reason;
  gint64                prompt_tokens;
  gint64                completion_tokens;
  guint64               n_deltas;
  gboolean              done;        /* the end marker arrived */
  gboolean              failed;
  gboolean              at_eof;      /* handling what was left at the end */
};

/**
 * assay_llm_stream_decoder_new:
 * @max_bytes: the most body bytes accepted; more is an error
 *
 * Returns: (transfer full): a new decoder
 */
AssayLlmStreamDecoder *
assay_llm_stream_decoder_new (AssayLlmStreamFormat format,
                              gsize                max_bytes)
{
  AssayLlmStreamDecoder *self = g_new0 (AssayLlmStreamDecoder, 1);

  self->format = format;
  self->max_bytes = max_bytes > 0 ? max_bytes : G_MAXSIZE;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->whole = g_string_new (NULL);
  self->content = g_string_new (NULL);
  self->refusal = g_string_new (NULL);
  self->prompt_tokens = -1;
  self->completion_tokens = -1;

  return self;
}

void
assay_llm_stream_decoder_free (AssayLlmStreamDecoder *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->whole, TRUE);
  g_string_free (self->content, TRUE);
  g_string_free (self->refusal, TRUE);
  g_free (self->event);
  g_free (self->finish_reason);
  g_free (self);
}

static gboolean
fail (AssayLlmStreamDecoder  *self,
      GError                **error,
      int                     code,
      const char             *message)
{
  self->failed = TRUE;
  g_set_error_literal (error, ASSAY_LLM_ERROR, code, message);
  return FALSE;
}

static gboolean
fail_malformed (AssayLlmStreamDecoder  *self,
                GError                **error)
{
  return fail (self, error, ASSAY_LLM_ERROR_STREAM,
               _("The model server sent a malformed answer (not the JSON it should be)."));
}

/* An error object from the server, in any of the usual shapes. */
static gboolean
fail_with_server_error (AssayLlmStreamDecoder  *self,
                        const char             *json,
                        gsize                   length,
                        GError                **error)
{
  AssayLlmServerError server_error;
  g_autofree char *message = NULL;

  assay_llm_server_error_parse (json, length, NULL, &server_error);
  if (server_error.message != NULL)
    message = g_strdup_printf (_("The model server reported an error while answering: %s"),
                               server_error.message);
  else
    message = g_strdup (_("The model server reported an error while answering."));
  assay_llm_server_error_clear (&server_error);

  return fail (self, error, ASSAY_LLM_ERROR_MODEL, message);
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL && json_object_has_member (object, name)
    ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return MAX (json_node_get_int (node), -1);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node) >= 0 && json_node_get_double (node) < 1e15
        ? (gint64) json_node_get_double (node) : -1;
    default:
      return -1;
    }
}

/* Content may be a string or, on some servers, an array of parts. */
static void
append_content (AssayLlmStreamDecoder *self,
                GString               *to,
                JsonNode              *node)
{
  if (node_is_string (node))
    {
      const char *text = json_node_get_string (node);

      if (text[0] != '\0')
        {
          g_string_append (to, text);
          self->n_deltas++;
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *parts = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          JsonNode *part = json_array_get_element (parts, i);

          if (JSON_NODE_HOLDS_OBJECT (part))
            append_content (self, to, member (json_node_get_object (part), "text"));
        }
    }
}

static void
set_finish_reason (AssayLlmStreamDecoder *self,
                   JsonNode              *node)
{
  if (node_is_string (node))
    {
      g_free (self->finish_reason);
      self->finish_reason = g_strdup (json_node_get_string (node));
    }
}

/* One OpenAI chat completion (chunk or whole). */
static void
apply_openai (AssayLlmStreamDecoder *self,
              JsonObject            *object)
{
  JsonNode *choices = member (object, "choices");
  JsonObject *usage = object_member (object, "usage");

  if (choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) &&
      json_array_get_length (json_node_get_array (choices)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (choices), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        {
          JsonObject *choice = json_node_get_object (first);
          JsonObject *delta = object_member (choice, "delta");

          if (delta == NULL)
            delta = object_member (choice, "message");

          if (delta != NULL)
            {
              guint64 before = self->n_deltas;

              append_content (self, self->content, member (delta, "content"));
              append_content (self, self->refusal, member (delta, "refusal"));

              /* Reasoning models think aloud first: progress, not answer. */
              if (self->n_deltas == before &&
                  (node_is_string (member (delta, "reasoning_content")) ||
                   node_is_string (member (delta, "reasoning"))))
                self->n_deltas++;
            }

          set_finish_reason (self, member (choice, "finish_reason"));
        }
    }

  if (usage != NULL)
    {
      self->prompt_tokens = int_member (usage, "prompt_tokens");
      self->completion_tokens = int_member (usage, "completion_tokens");
    }
}

/* One Ollama /api/chat object (line or whole). */
static void
apply_ollama (AssayLlmStreamDecoder *self,
              JsonObject            *object)
{
  JsonObject *message = object_member (object, "message");
  JsonNode *done = member (object, "done");

  if (message != NULL)
    append_content (self, self->content, member (message, "content"));

  if (done != NULL && JSON_NODE_HOLDS_VALUE (done) &&
      json_node_get_value_type (done) == G_TYPE_BOOLEAN && json_node_get_boolean (done))
    {
      self->done = TRUE;
      set_finish_reason (self, member (object, "done_reason"));
      if (self->finish_reason == NULL)
        self->finish_reason = g_strdup ("stop");
      self->prompt_tokens = int_member (object, "prompt_eval_count");
      self->completion_tokens = int_member (object, "eval_count");
    }
}

static JsonParser *
parse_object (const char  *json,
              gsize        length,
              JsonObject **out)
{
  JsonParser *parser = json_parser_new_immutable ();
  JsonNode *root;

  *out = NULL;
  if (json_parser_load_from_data (parser, json, length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    *out = json_node_get_object (root);

  return parser;
}

static gboolean
sse_dispatch (AssayLlmStreamDecoder  *self,
              GError                **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *event = g_steal_pointer (&self->event);
  JsonObject *object;
  const char *data;

  if (!self->have_data)
    return TRUE;

  self->have_data = FALSE;
  data = self->data->str;

  if (self->done)
    {
      g_string_truncate (self->data, 0);
      return TRUE;
    }

  if (g_strcmp0 (event, "error") == 0)
    return fail_with_server_error (self, self->data->str, self->data->len, error);

  if (strcmp (g_strstrip (self->data->str), "[DONE]") == 0)
    {
      self->done = TRUE;
      g_string_truncate (self->data, 0);
      return TRUE;
    }

  if (data[0] == '\0')
    {
      g_string_truncate (self->data, 0);
      return TRUE;
    }

  parser = parse_object (data, strlen (data), &object);
  if (object == NULL)
    {
      /* A last event cut short after the answer was complete. */
      if (self->at_eof && self->finish_reason != NULL)
        {
          g_string_truncate (self->data, 0);
          return TRUE;
        }
      return fail_malformed (self, error);
    }

  if (member (object, "error") != NULL)
    return fail_with_server_error (self, data, strlen (data), error);

  apply_openai (self, object);
  g_string_truncate (self->data, 0);

  return TRUE;
}

static gboolean
sse_line (AssayLlmStreamDecoder  *self,
          const char             *line,
          gsize                   length,
          GError                **error)
{
  const char *colon;
  const char *value;
  gsize name_len;

  if (length == 0)
    return sse_dispatch (self, error);

  if (line[0] == ':')
    return TRUE;

  /* Not SSE at all: a bare JSON error object some servers send. */
  if (line[0] == '{')
    {
      g_autoptr(JsonParser) parser = NULL;
      JsonObject *object;

      parser = parse_object (line, length, &object);
      if (object != NULL && member (object, "error") != NULL)
        return fail_with_server_error (self, line, length, error);
      return TRUE;
    }

  colon = memchr (line, ':', length);
  name_len = colon != NULL ? (gsize) (colon - line) : length;
  value = colon != NULL ? colon + 1 : line + length;
  if (value < line + length && *value == ' ')
    value++;

  if (name_len == 4 && memcmp (line, "data", 4) == 0)
    {
      if (self->have_data)
        g_string_append_c (self->data, '\n');
      g_string_append_len (self->data, value, line + length - value);
      self->have_data = TRUE;
    }
  else if (name_len == 5 && memcmp (line, "event", 5) == 0)
    {
      g_free (self->event);
      self->event = g_strndup (value, line + length - value);
    }
  /* id, retry and unknown fields are ignored, as the SSE spec says. */

  return TRUE;
}

static gboolean
ndjson_line (AssayLlmStreamDecoder  *self,
             const char             *line,
             gsize                   length,
             GError                **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  gsize start = 0;

  while (start < length && g_ascii_isspace (line[start]))
    start++;
  if (start == length || self->done)
    return TRUE;

  parser = parse_object (line + start, length - start, &object);
  if (object == NULL)
    {
      if (self->at_eof && self->finish_reason != NULL)
        return TRUE;
      return fail_malformed (self, error);
    }

  if (member (object, "error") != NULL)
    return fail_with_server_error (self, line + start, length - start, error);

  apply_ollama (self, object);

  return TRUE;
}

static gboolean
handle_line (AssayLlmStreamDecoder  *self,
             GError                **error)
{
  gboolean ok;

  if (self->format == ASSAY_LLM_STREAM_SSE)
    ok = sse_line (self, self->line->str, self->line->len, error);
  else
    ok = ndjson_line (self, self->line->str, self->line->len, error);

  g_string_truncate (self->line, 0);

  return ok;
}

static gboolean
feed_lines (AssayLlmStreamDecoder  *self,
            const char             *data,
            gsize                   length,
            GError                **error)
{
  const char *p = data;
  const char *end = data + length;

  while (p < end)
    {
      const char *stop = p;

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (*p == '\n')
            {
              p++;
              continue;
            }
        }

      while (stop < end && *stop != '\n' && *stop != '\r')
        stop++;

      g_string_append_len (self->line, p, stop - p);

      if (stop == end)
        break;

      if (*stop == '\r')
        self->skip_lf = TRUE;

      if (!handle_line (self, error))
        return FALSE;

      p = stop + 1;
    }

  return TRUE;
}

/**
 * assay_llm_stream_decoder_feed:
 * @data: (array length=length): the next body bytes
 *
 * Returns: %FALSE with @error (%ASSAY_LLM_ERROR) when the stream is
 * malformed, carries an error object, or passes the size cap; the decoder
 * then refuses further input
 */
gboolean
assay_llm_stream_decoder_feed (AssayLlmStreamDecoder  *self,
                               const char             *data,
                               gsize                   length,
                               GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (self->failed)
    return fail_malformed (self, error);

  if (length > self->max_bytes - self->received)
    return fail (self, error, ASSAY_LLM_ERROR_TOO_LARGE,
                 _("The model server’s answer is larger than the size limit. Raise the "
                   "limit or check the server."));
  self->received += length;

  if (self->format == ASSAY_LLM_STREAM_AUTO)
    {
      gsize i = 0;

      while (i < length && g_ascii_isspace (data[i]))
        i++;
      if (i == length)
        {
          g_string_append_len (self->whole, data, length);
          return TRUE;
        }

      self->format = data[i] == '{' ? ASSAY_LLM_STREAM_WHOLE : ASSAY_LLM_STREAM_SSE;
      if (self->format == ASSAY_LLM_STREAM_SSE && self->whole->len > 0)
        {
          g_autofree char *leading = g_strndup (self->whole->str, self->whole->len);

          g_string_truncate (self->whole, 0);
          if (!feed_lines (self, leading, strlen (leading), error))
            return FALSE;
        }
    }

  if (self->format == ASSAY_LLM_STREAM_WHOLE)
    {
      g_string_append_len (self->whole, data, length);
      return TRUE;
    }

  return feed_lines (self, data, length, error);
}

/* A whole body: one JSON object of either provider; else try it as a stream,
 * for servers that stream although asked not to. */
static gboolean
finish_whole (AssayLlmStreamDecoder  *self,
              GError                **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  const char *body = self->whole->str;
  gsize start = 0;

  while (start < self->whole->len && g_ascii_isspace (body[start]))
    start++;

  parser = parse_object (body + start, self->whole->len - start, &object);

  /* json-glib stops after the first value: a streamed Ollama body parses as
   * its first line, which is not done. */
  if (object != NULL && member (object, "choices") == NULL &&
      member (object, "error") == NULL && member (object, "done") != NULL &&
      !json_object_get_boolean_member_with_default (object, "done", FALSE))
    object = NULL;

  if (object != NULL)
    {
      if (member (object, "error") != NULL)
        return fail_with_server_error (self, body + start, self->whole->len - start, error);

      /* A whole body that parses is a whole answer, finish reason or not. */
      if (member (object, "choices") != NULL)
        apply_openai (self, object);
      else if (member (object, "message") != NULL)
        apply_ollama (self, object);
      else
        return fail_malformed (self, error);

      self->done = TRUE;

      return TRUE;
    }

  if (start < self->whole->len && (body[start] == ':' || g_str_has_prefix (body + start, "data")))
    self->format = ASSAY_LLM_STREAM_SSE;
  else if (start < self->whole->len && body[start] == '{')
    self->format = ASSAY_LLM_STREAM_NDJSON;
  else
    return fail_malformed (self, error);

  {
    g_autofree char *copy = g_strndup (body, self->whole->len);

    g_string_truncate (self->whole, 0);
    if (!feed_lines (self, copy, strlen (copy), error))
      return FALSE;
  }

  return assay_llm_stream_decoder_finish (self, error);
}

/**
 * assay_llm_stream_decoder_finish:
 *
 * Call at the end of the body. Checks that the answer was complete: a
 * stream that ends before its end marker ([DONE], or Ollama's "done": true)
 * and before any finish reason was cut off.
 *
 * Returns: %FALSE with @error when the answer is incomplete or malformed
 */
gboolean
assay_llm_stream_decoder_finish (AssayLlmStreamDecoder  *self,
                                 GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->failed)
    return fail_malformed (self, error);

  if (self->format == ASSAY_LLM_STREAM_AUTO)
    self->format = ASSAY_LLM_STREAM_WHOLE;

  if (self->format == ASSAY_LLM_STREAM_WHOLE)
    {
      if (!finish_whole (self, error))
        return FALSE;
    }
  else
    {
      /* A last line without its line end, and a last event without its blank line. */
      self->at_eof = TRUE;
      if (self->line->len > 0 && !handle_line (self, error))
        return FALSE;
      if (self->format == ASSAY_LLM_STREAM_SSE && !sse_dispatch (self, error))
        return FALSE;
    }

  /* Some servers omit [DONE] after the finish reason; the answer is whole. */
  if (!self->done && self->finish_reason == NULL)
    return fail (self, error, ASSAY_LLM_ERROR_STREAM,
                 _("The model server’s answer ended before it was complete (the stream "
                   "stopped before its end marker)."));

  if (self->content->len == 0 && self->refusal->len > 0)
    {
      g_autofree char *refusal = assay_llm_redact (self->refusal->str, NULL);
      g_autofree char *message =
        g_strdup_printf (_("The model refused to answer: %s"), refusal);

      return fail (self, error, ASSAY_LLM_ERROR_MODEL, message);
    }

  return TRUE;
}

/**
 * assay_llm_stream_decoder_get_content:
 *
 * Returns: (transfer none): the answer text received so far
 */
const char *
assay_llm_stream_decoder_get_content (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->content->str;
}

/**
 * assay_llm_stream_decoder_get_finish_reason:
 *
 * Returns: (transfer none) (nullable): "stop", "length", … or %NULL
 */
const char *
assay_llm_stream_decoder_get_finish_reason (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->finish_reason;
}

/**
 * assay_llm_stream_decoder_get_prompt_tokens:
 *
 * Returns: the prompt tokens the server reported, or -1
 */
gint64
assay_llm_stream_decoder_get_prompt_tokens (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->prompt_tokens;
}

/**
 * assay_llm_stream_decoder_get_completion_tokens:
 *
 * Returns: the completion tokens the server reported, or -1
 */
gint64
assay_llm_stream_decoder_get_completion_tokens (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->completion_tokens;
}

/**
 * assay_llm_stream_decoder_get_n_deltas:
 *
 * Returns: the pieces of answer received: about one per token when
 * streaming
 */
guint64
assay_llm_stream_decoder_get_n_deltas (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_deltas;
}

gboolean
assay_llm_stream_decoder_is_done (const AssayLlmStreamDecoder *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->done;
}
