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
  struct _Shape        *shape;       /* the last ordinary event's, or NULL */
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
  /* Sized for an ordinary event and answer: growing them from nothing was
   * a tenth of a streamed answer's decoding (reallocations, and the frees
   * that make malloc consolidate). */
  self->line = g_string_sized_new (512);
  self->data = g_string_sized_new (512);
  self->whole = g_string_new (NULL);
  self->content = g_string_sized_new (4096);
  self->refusal = g_string_new (NULL);
  self->prompt_tokens = -1;
  self->completion_tokens = -1;

  return self;
}

static void shape_free (struct _Shape *shape);

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
  shape_free (self->shape);
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

/* A scan of one streamed chunk without building a JSON tree.
 *
 * Streamed answers come as hundreds of small objects, one per token; a
 * json-glib parser per object (a GObject, a scanner, a node per value and a
 * hash table per object) costs more than everything else done per token.
 * This walks the object once, checking its syntax completely, and keeps
 * where the few members the decoder reads are. Anything unusual (an error
 * member, content as an array of parts, invalid UTF-8, deep nesting)
 * makes it give up, and the object goes through json-glib as before. */

typedef struct
{
  const char *start;      /* the raw string's text between its quotes */
  gsize       length;
  gboolean    escaped;    /* has backslashes */
} ScanString;

typedef enum
{
  SCAN_ABSENT,
  SCAN_NULL,
  SCAN_STRING,
  SCAN_OTHER,
} ScanKind;

typedef struct
{
  ScanKind   kind;
  ScanString string;
} ScanValue;

typedef struct
{
  /* OpenAI: choices[0].delta / .message, usage */
  gboolean   have_choices;    /* a non-empty array whose first element is an object */
  gboolean   have_delta;      /* choices[0].delta is an object */
  gboolean   have_message;    /* choices[0].message is an object (or Ollama's message) */
  ScanValue  delta[4];        /* content, refusal, reasoning_content, reasoning */
  ScanValue  message[4];
  ScanValue  finish_reason;
  gboolean   have_usage;
  gint64     prompt_tokens;
  gint64     completion_tokens;
  /* Ollama */
  int        done;            /* -1 absent or not a boolean, else 0 or 1 */
  ScanValue  done_reason;
  gint64     prompt_eval_count;
  gint64     eval_count;
  gboolean   have_done;
} ScanResult;

enum { SCAN_CONTENT, SCAN_REFUSAL, SCAN_REASONING_CONTENT, SCAN_REASONING };

typedef struct
{
  const char *p;
  const char *end;
  ScanResult *out;
  gboolean    give_up;
} Scanner;

#define SCAN_MAX_DEPTH 32

/* Where a value sits, as far as the decoder cares. */
typedef enum
{
  AT_NOWHERE,
  AT_ROOT,
  AT_CHOICES,            /* the root's "choices" array */
  AT_CHOICE,             /* its first element */
  AT_DELTA,              /* choices[0].delta */
  AT_MESSAGE,            /* choices[0].message, or the root's "message" (Ollama) */
  AT_USAGE,              /* the root's "usage" */
} ScanPlace;

static void
scan_space (Scanner *scan)
{
  while (scan->p < scan->end &&
         (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r'))
    scan->p++;
}

static gboolean
scan_string (Scanner    *scan,
             ScanString *out)
{
  const char *p = scan->p + 1;
  gboolean escaped = FALSE;

  g_assert (*scan->p == '"');

  while (p < scan->end)
    {
      guchar c = (guchar) *p;

      if (c == '"')
        {
          out->start = scan->p + 1;
          out->length = p - (scan->p + 1);
          out->escaped = escaped;
          scan->p = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        {
          escaped = TRUE;
          p++;
          if (p >= scan->end)
            return FALSE;
          switch (*p)
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              p++;
              break;
            case 'u':
              if (scan->end - p < 5 || !g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]) ||
                  !g_ascii_isxdigit (p[3]) || !g_ascii_isxdigit (p[4]))
                return FALSE;
              p += 5;
              break;
            default:
              return FALSE;
            }
          continue;
        }
      p++;
    }

  return FALSE;
}

/* A JSON number; *@integer says whether it had no fraction or exponent.
 * Its value is worked out only when @value is given. */
static gboolean
scan_number (Scanner  *scan,
             double   *value,
             gboolean *integer)
{
  const char *p = scan->p;
  char buffer[64];

  *integer = TRUE;
  if (p < scan->end && *p == '-')
    p++;
  if (p >= scan->end || !g_ascii_isdigit (*p))
    return FALSE;
  if (*p == '0')
    p++;
  else
    while (p < scan->end && g_ascii_isdigit (*p))
      p++;
  if (p < scan->end && *p == '.')
    {
      *integer = FALSE;
      p++;
      if (p >= scan->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < scan->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < scan->end && (*p == 'e' || *p == 'E'))
    {
      *integer = FALSE;
      p++;
      if (p < scan->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= scan->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < scan->end && g_ascii_isdigit (*p))
        p++;
    }

  if (value == NULL)
    ;
  else if ((gsize) (p - scan->p) >= sizeof buffer)
    *value = *integer ? 1e18 : g_ascii_strtod (scan->p, NULL);
  else
    {
      memcpy (buffer, scan->p, p - scan->p);
      buffer[p - scan->p] = '\0';
      *value = g_ascii_strtod (buffer, NULL);
    }
  scan->p = p;

  return TRUE;
}

/* As the decoder's int_member(): -1 when not a number or out of range. */
static gint64
scan_count (double   value,
            gboolean integer)
{
  if (integer)
    return value < 0 ? -1 : value > 9e15 ? G_MAXINT64 : (gint64) value;

  return value >= 0 && value < 1e15 ? (gint64) value : -1;
}

static gboolean scan_value (Scanner   *scan,
                            ScanPlace  place,
                            guint      depth,
                            ScanValue *value,
                            gint64    *count,
                            int       *boolean);

static ScanPlace
scan_member_place (ScanPlace   parent,
                   ScanString *key,
                   ScanValue **value,
                   gint64    **count,
                   int       **boolean,
                   ScanResult *out)
{
#define KEY_IS(name) (key->length == sizeof (name) - 1 && memcmp (key->start, name, sizeof (name) - 1) == 0)
  *value = NULL;
  *count = NULL;
  *boolean = NULL;

  if (key->escaped)
    return AT_NOWHERE;

  switch (parent)
    {
    case AT_ROOT:
      if (KEY_IS ("choices"))
        return AT_CHOICES;
      if (KEY_IS ("message"))
        return AT_MESSAGE;
      if (KEY_IS ("usage"))
        return AT_USAGE;
      if (KEY_IS ("done"))
        *boolean = &out->done;
      else if (KEY_IS ("done_reason"))
        *value = &out->done_reason;
      else if (KEY_IS ("prompt_eval_count"))
        *count = &out->prompt_eval_count;
      else if (KEY_IS ("eval_count"))
        *count = &out->eval_count;
      break;

    case AT_CHOICE:
      if (KEY_IS ("delta"))
        return AT_DELTA;
      if (KEY_IS ("message"))
        return AT_MESSAGE;
      if (KEY_IS ("finish_reason"))
        *value = &out->finish_reason;
      break;

    case AT_DELTA:
    case AT_MESSAGE:
      {
        ScanValue *values = parent == AT_DELTA ? out->delta : out->message;

        if (KEY_IS ("content"))
          *value = &values[SCAN_CONTENT];
        else if (KEY_IS ("refusal"))
          *value = &values[SCAN_REFUSAL];
        else if (KEY_IS ("reasoning_content"))
          *value = &values[SCAN_REASONING_CONTENT];
        else if (KEY_IS ("reasoning"))
          *value = &values[SCAN_REASONING];
      }
      break;

    case AT_USAGE:
      if (KEY_IS ("prompt_tokens"))
        *count = &out->prompt_tokens;
      else if (KEY_IS ("completion_tokens"))
        *count = &out->completion_tokens;
      break;

    case AT_NOWHERE:
    case AT_CHOICES:
    default:
      break;
    }

  return AT_NOWHERE;
#undef KEY_IS
}

/* At an object's "{" or an array's "[": steps over it.
 * Returns: whether @close follows at once (then stepped over too) */
static gboolean
scan_open (Scanner *scan,
           char     close)
{
  scan->p++;
  scan_space (scan);
  if (scan->p < scan->end && *scan->p == close)
    {
      scan->p++;
      return TRUE;
    }

  return FALSE;
}

/* After a member or an element: either @close (then *closed) or a comma
 * and the space before the next one, stepped over.
 * Returns: FALSE when anything else follows (the text is malformed) */
static gboolean
scan_next (Scanner  *scan,
           char      close,
           gboolean *closed)
{
  *closed = FALSE;
  scan_space (scan);
  if (scan->p >= scan->end)
    return FALSE;
  if (*scan->p == close)
    {
      scan->p++;
      *closed = TRUE;
      return TRUE;
    }
  if (*scan->p != ',')
    return FALSE;
  scan->p++;
  scan_space (scan);

  return TRUE;
}

static gboolean
scan_object (Scanner   *scan,
             ScanPlace  place,
             guint      depth)
{
  ScanResult *out = scan->out;
  gboolean closed;

  if (scan_open (scan, '}'))
    return TRUE;

  for (;;)
    {
      ScanString key;
      ScanValue *value;
      gint64 *count;
      int *boolean;
      ScanPlace child;

      if (scan->p >= scan->end || *scan->p != '"' || !scan_string (scan, &key))
        return FALSE;

      /* Members that need the whole tree to make sense of. */
      if (place == AT_ROOT && key.length == 5 && memcmp (key.start, "error", 5) == 0)
        scan->give_up = TRUE;

      child = scan_member_place (place, &key, &value, &count, &boolean, out);

      scan_space (scan);
      if (scan->p >= scan->end || *scan->p != ':')
        return FALSE;
      scan->p++;
      scan_space (scan);

      if (!scan_value (scan, child, depth + 1, value, count, boolean))
        return FALSE;
      if (!scan_next (scan, '}', &closed))
        return FALSE;
      if (closed)
        return TRUE;
    }
}

static gboolean
scan_array (Scanner   *scan,
            ScanPlace  place,
            guint      depth)
{
  guint index = 0;
  gboolean closed;

  if (scan_open (scan, ']'))
    return TRUE;

  for (;; index++)
    {
      ScanPlace child = AT_NOWHERE;

      if (place == AT_CHOICES && index == 0)
        {
          if (scan->p < scan->end && *scan->p == '{')
            {
              scan->out->have_choices = TRUE;
              child = AT_CHOICE;
            }
        }

      if (!scan_value (scan, child, depth + 1, NULL, NULL, NULL))
        return FALSE;
      if (!scan_next (scan, ']', &closed))
        return FALSE;
      if (closed)
        return TRUE;
    }
}

static gboolean
scan_literal (Scanner    *scan,
              const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (scan->end - scan->p) < length || memcmp (scan->p, word, length) != 0)
    return FALSE;
  scan->p += length;

  return TRUE;
}

static gboolean
scan_value (Scanner   *scan,
            ScanPlace  place,
            guint      depth,
            ScanValue *value,
            gint64    *count,
            int       *boolean)
{
  char c;

  if (depth > SCAN_MAX_DEPTH || scan->p >= scan->end)
    return FALSE;

  c = *scan->p;

  if (value != NULL)
    value->kind = SCAN_OTHER;
  if (count != NULL)
    *count = -1;
  if (boolean != NULL)
    *boolean = -1;

  switch (c)
    {
    case '{':
      if (place == AT_DELTA)
        scan->out->have_delta = TRUE;
      else if (place == AT_MESSAGE)
        scan->out->have_message = TRUE;
      else if (place == AT_USAGE)
        scan->out->have_usage = TRUE;
      else if (place != AT_ROOT && place != AT_CHOICE && place != AT_USAGE)
        place = AT_NOWHERE;
      return scan_object (scan, place, depth);

    case '[':
      /* Content as an array of parts: json-glib's path knows it. */
      if (value != NULL)
        scan->give_up = TRUE;
      return scan_array (scan, place == AT_CHOICES ? AT_CHOICES : AT_NOWHERE, depth);

    case '"':
      {
        ScanString string;

        if (!scan_string (scan, &string))
          return FALSE;
        if (value != NULL)
          {
            value->kind = SCAN_STRING;
            value->string = string;
          }
        return TRUE;
      }

    case 't':
      if (boolean != NULL)
        *boolean = 1;
      return scan_literal (scan, "true");

    case 'f':
      if (boolean != NULL)
        *boolean = 0;
      return scan_literal (scan, "false");

    case 'n':
      if (value != NULL)
        value->kind = SCAN_NULL;
      return scan_literal (scan, "null");

    default:
      {
        double number = 0;
        gboolean integer;

        /* Only counts are wanted; other numbers are only checked. */
        if (!scan_number (scan, count != NULL ? &number : NULL, &integer))
          return FALSE;
        if (count != NULL)
          *count = scan_count (number, integer);
        return TRUE;
      }
    }
}

/* Appends the JSON string @string's value to @to, escapes decoded.
 * Returns FALSE on an escape json-glib would reject (a lone surrogate). */
static gboolean
scan_append_string (GString          *to,
                    const ScanString *string)
{
  const char *p = string->start;
  const char *end = string->start + string->length;

  if (!string->escaped)
    {
      g_string_append_len (to, p, string->length);
      return TRUE;
    }

  while (p < end)
    {
      const char *backslash = memchr (p, '\\', end - p);
      gunichar c;

      if (backslash == NULL)
        {
          g_string_append_len (to, p, end - p);
          break;
        }
      g_string_append_len (to, p, backslash - p);
      p = backslash + 1;

      switch (*p)
        {
        case 'b': g_string_append_c (to, '\b'); p++; break;
        case 'f': g_string_append_c (to, '\f'); p++; break;
        case 'n': g_string_append_c (to, '\n'); p++; break;
        case 'r': g_string_append_c (to, '\r'); p++; break;
        case 't': g_string_append_c (to, '\t'); p++; break;
        case 'u':
          c = (g_ascii_xdigit_value (p[1]) << 12) | (g_ascii_xdigit_value (p[2]) << 8) |
              (g_ascii_xdigit_value (p[3]) << 4) | g_ascii_xdigit_value (p[4]);
          p += 5;
          if (c >= 0xd800 && c < 0xdc00)
            {
              gunichar low;

              if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
                return FALSE;
              low = (g_ascii_xdigit_value (p[2]) << 12) | (g_ascii_xdigit_value (p[3]) << 8) |
                    (g_ascii_xdigit_value (p[4]) << 4) | g_ascii_xdigit_value (p[5]);
              if (low < 0xdc00 || low >= 0xe000)
                return FALSE;
              c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              p += 6;
            }
          else if (c >= 0xdc00 && c < 0xe000)
            return FALSE;
          if (c == 0)
            return FALSE;
          g_string_append_unichar (to, c);
          break;
        default:  /* " \ / */
          g_string_append_c (to, *p);
          p++;
          break;
        }
    }

  return TRUE;
}

/* Scans @json (one object). Returns FALSE when the caller should use
 * json-glib instead: not an object, not valid, or not a simple chunk. */
static gboolean
scan_chunk (const char *json,
            gsize       length,
            ScanResult *out)
{
  Scanner scan = { json, json + length, out, FALSE };

  memset (out, 0, sizeof *out);
  out->prompt_tokens = out->completion_tokens = -1;
  out->prompt_eval_count = out->eval_count = -1;
  out->done = -1;

  scan_space (&scan);
  if (scan.p >= scan.end || *scan.p != '{')
    return FALSE;
  if (!scan_value (&scan, AT_ROOT, 0, NULL, NULL, NULL) || scan.give_up)
    return FALSE;
  scan_space (&scan);
  if (scan.p != scan.end)
    return FALSE;

  /* Strings that are not UTF-8, or escapes that do not decode, go the
   * careful way. */
  if (!g_utf8_validate_len (json, length, NULL))
    return FALSE;

  {
    const ScanValue *values[] = {
      &out->delta[0], &out->delta[1], &out->delta[2], &out->delta[3],
      &out->message[0], &out->message[1], &out->message[2], &out->message[3],
      &out->finish_reason, &out->done_reason,
    };

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      {
        if (values[i]->kind == SCAN_STRING && values[i]->string.escaped)
          {
            g_autoptr(GString) scratch = g_string_new (NULL);

            if (!scan_append_string (scratch, &values[i]->string))
              return FALSE;
          }
      }
  }

  return TRUE;
}

/* The fast path's append_content(): only string content. */
static void
scan_append_content (AssayLlmStreamDecoder *self,
                     GString               *to,
                     const ScanValue       *value)
{
  if (value->kind == SCAN_STRING && value->string.length > 0)
    {
      gsize before = to->len;

      if (!scan_append_string (to, &value->string))
        g_string_truncate (to, before);
      else if (to->len > before)
        self->n_deltas++;
    }
}

static void
scan_set_string (char            **to,
                 const ScanValue  *value)
{
  if (value->kind == SCAN_STRING)
    {
      g_autoptr(GString) str = g_string_sized_new (value->string.length);

      if (scan_append_string (str, &value->string))
        {
          g_free (*to);
          *to = g_string_free (g_steal_pointer (&str), FALSE);
        }
    }
}

/* apply_openai() on a scanned chunk. */
static void
scan_apply_openai (AssayLlmStreamDecoder *self,
                   const ScanResult      *scan)
{
  if (scan->have_choices)
    {
      const ScanValue *values = scan->have_delta ? scan->delta : scan->have_message ? scan->message : NULL;

      if (values != NULL)
        {
          guint64 before = self->n_deltas;

          scan_append_content (self, self->content, &values[SCAN_CONTENT]);
          scan_append_content (self, self->refusal, &values[SCAN_REFUSAL]);

          if (self->n_deltas == before &&
              (values[SCAN_REASONING_CONTENT].kind == SCAN_STRING ||
               values[SCAN_REASONING].kind == SCAN_STRING))
            self->n_deltas++;
        }

      scan_set_string (&self->finish_reason, &scan->finish_reason);
    }

  if (scan->have_usage)
    {
      self->prompt_tokens = scan->prompt_tokens;
      self->completion_tokens = scan->completion_tokens;
    }
}

/* apply_ollama() on a scanned line. */
static void
scan_apply_ollama (AssayLlmStreamDecoder *self,
                   const ScanResult      *scan)
{
  if (scan->have_message)
    scan_append_content (self, self->content, &scan->message[SCAN_CONTENT]);

  if (scan->done == 1)
    {
      self->done = TRUE;
      scan_set_string (&self->finish_reason, &scan->done_reason);
      if (self->finish_reason == NULL)
        self->finish_reason = g_strdup ("stop");
      self->prompt_tokens = scan->prompt_eval_count;
      self->completion_tokens = scan->eval_count;
    }
}

/* Events of one stream differ in their content only: the same id, model,
 * timestamp and members around a different string. A stream's *shape* is
 * an ordinary event's text before and after its content string; an event
 * with the same text around a valid string is the same event with that
 * content, so only the string is scanned. */
struct _Shape
{
  GString    *prefix;   /* up to and with the content's opening quote */
  GString    *suffix;   /* from its closing quote */
  ScanResult  result;   /* the event's, its content left out */
};

static void
shape_free (struct _Shape *shape)
{
  if (shape == NULL)
    return;

  g_string_free (shape->prefix, TRUE);
  g_string_free (shape->suffix, TRUE);
  g_free (shape);
}

/* The content string an event of this shape carries, or NULL when the
 * event is not one to take the shape of: any other string the decoder
 * reads (a finish reason, a refusal…), or an Ollama line that is done. */
static ScanValue *
shape_content (ScanResult *scan,
               gboolean    ollama)
{
  ScanValue *content;
  const ScanValue *others[] = {
    &scan->delta[1], &scan->delta[2], &scan->delta[3],
    &scan->message[1], &scan->message[2], &scan->message[3],
    &scan->finish_reason, &scan->done_reason,
  };

  if (ollama)
    {
      if (!scan->have_message || scan->done == 1)
        return NULL;
      content = &scan->message[SCAN_CONTENT];
      if (scan->delta[SCAN_CONTENT].kind == SCAN_STRING)
        return NULL;
    }
  else
    {
      if (!scan->have_choices || !scan->have_delta)
        return NULL;
      content = &scan->delta[SCAN_CONTENT];
      if (scan->message[SCAN_CONTENT].kind == SCAN_STRING)
        return NULL;
    }

  if (content->kind != SCAN_STRING)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    if (others[i]->kind == SCAN_STRING)
      return NULL;

  return content;
}

/* Remembers @json, fully scanned into @scan, as the stream's shape. */
static void
shape_take (AssayLlmStreamDecoder *self,
            const char            *json,
            gsize                  length,
            const ScanResult      *scan)
{
  ScanResult copy = *scan;
  ScanValue *content = shape_content (&copy, self->format == ASSAY_LLM_STREAM_NDJSON);
  gsize before, after;

  if (content == NULL)
    return;

  before = content->string.start - json;
  after = before + content->string.length;
  content->kind = SCAN_ABSENT;

  if (self->shape == NULL)
    {
      self->shape = g_new0 (struct _Shape, 1);
      self->shape->prefix = g_string_new (NULL);
      self->shape->suffix = g_string_new (NULL);
    }
  g_string_truncate (self->shape->prefix, 0);
  g_string_append_len (self->shape->prefix, json, before);
  g_string_truncate (self->shape->suffix, 0);
  g_string_append_len (self->shape->suffix, json + after, length - after);
  self->shape->result = copy;
}

/* Applies @json if it has the stream's shape. Returns FALSE, having
 * changed nothing, when it has not (or its string needs the careful way). */
static gboolean
shape_apply (AssayLlmStreamDecoder *self,
             const char            *json,
             gsize                  length)
{
  struct _Shape *shape = self->shape;
  gsize prefix_len, suffix_len;
  Scanner scan;
  ScanString string;
  gsize before;

  if (shape == NULL)
    return FALSE;
  prefix_len = shape->prefix->len;
  suffix_len = shape->suffix->len;
  if (length < prefix_len + suffix_len ||
      memcmp (json, shape->prefix->str, prefix_len) != 0 ||
      memcmp (json + length - suffix_len, shape->suffix->str, suffix_len) != 0)
    return FALSE;

  /* Exactly one string between the two: from the prefix's last quote to
   * the suffix's first. */
  scan.p = json + prefix_len - 1;
  scan.end = json + length;
  scan.out = NULL;
  scan.give_up = FALSE;
  if (!scan_string (&scan, &string) || scan.p != json + length - suffix_len + 1 ||
      !g_utf8_validate_len (string.start, string.length, NULL))
    return FALSE;

  before = self->content->len;
  if (!scan_append_string (self->content, &string))
    {
      g_string_truncate (self->content, before);
      return FALSE;
    }
  if (self->content->len > before)
    self->n_deltas++;

  if (self->format == ASSAY_LLM_STREAM_NDJSON)
    scan_apply_ollama (self, &shape->result);
  else
    scan_apply_openai (self, &shape->result);

  return TRUE;
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

  /* An ordinary event starts with its object: only something else is
   * stripped and looked at for the end marker. */
  if (data[0] != '{')
    {
      if (strcmp (g_strstrip (self->data->str), "[DONE]") == 0)
        {
          self->done = TRUE;
          g_string_truncate (self->data, 0);
          return TRUE;
        }
      g_string_set_size (self->data, strlen (self->data->str));
    }

  if (data[0] == '\0')
    {
      g_string_truncate (self->data, 0);
      return TRUE;
    }

  if (shape_apply (self, data, self->data->len))
    {
      g_string_truncate (self->data, 0);
      return TRUE;
    }

  {
    ScanResult scan;

    if (scan_chunk (data, self->data->len, &scan))
      {
        scan_apply_openai (self, &scan);
        shape_take (self, data, self->data->len, &scan);
        g_string_truncate (self->data, 0);
        return TRUE;
      }
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

  if (shape_apply (self, line + start, length - start))
    return TRUE;

  {
    ScanResult scan;

    if (scan_chunk (line + start, length - start, &scan))
      {
        scan_apply_ollama (self, &scan);
        shape_take (self, line + start, length - start, &scan);
        return TRUE;
      }
  }

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

/* @line need not end with a NUL. */
static gboolean
handle_line (AssayLlmStreamDecoder  *self,
             const char             *line,
             gsize                   length,
             GError                **error)
{
  if (self->format == ASSAY_LLM_STREAM_SSE)
    return sse_line (self, line, length, error);
  else
    return ndjson_line (self, line, length, error);
}

static gboolean
feed_lines (AssayLlmStreamDecoder  *self,
            const char             *data,
            gsize                   length,
            GError                **error)
{
  const char *p = data;
  const char *end = data + length;
  const char *lf = NULL;
  const char *cr;
  gboolean ok;

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

      /* The line's end, with memchr() (a word or more at a time, where a
       * loop over the bytes was most of feeding a streamed answer). A CR
       * alone ends a line too, so the first CR before the next LF wins.
       * The next LF is kept across lines (end when there is none): a
       * stream of CRs alone is not searched to its end for every line. */
      if (lf == NULL || lf < p)
        {
          lf = memchr (p, '\n', end - p);
          if (lf == NULL)
            lf = end;
        }
      cr = memchr (p, '\r', lf - p);
      stop = cr != NULL ? cr : lf;

      if (stop == end)
        {
          /* The rest of the line comes with the next bytes. */
          g_string_append_len (self->line, p, stop - p);
          break;
        }

      if (*stop == '\r')
        self->skip_lf = TRUE;

      /* A line read whole is handled where it is, not copied first. */
      if (self->line->len == 0)
        ok = handle_line (self, p, stop - p, error);
      else
        {
          g_string_append_len (self->line, p, stop - p);
          ok = handle_line (self, self->line->str, self->line->len, error);
          g_string_truncate (self->line, 0);
        }
      if (!ok)
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
      if (self->line->len > 0)
        {
          gboolean ok = handle_line (self, self->line->str, self->line->len, error);

          g_string_truncate (self->line, 0);
          if (!ok)
            return FALSE;
        }
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
