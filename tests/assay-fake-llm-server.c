/* assay-fake-llm-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-fake-llm-server"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "assay-fake-llm-server.h"

#define DEFAULT_FIELDS "{\"author\": \"Ana Example\", \"date\": \"2024-03-01\", \"summary\": \"A test.\"}"
/* The output allowance of a request that names none. */
#define DEFAULT_MAX_TOKENS 4096

typedef struct
{
  AssayFakeLlmFault  fault;
  char              *body;
  char              *retry_after;
  char              *retry_after_ms;
  char              *ratelimit_reset;
} QueuedFault;

typedef struct
{
  gint64  arrival;         /* monotonic µs */
  char   *body;
  char   *authorization;
} Record;

struct _AssayFakeLlmServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;

  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  char         *fields;
  char         *api_key;      /* nullable: when set, requests must carry it */
  guint         latency_ms;
  guint         length_above_pages;
  GQueue        faults;       /* QueuedFault* */
  GPtrArray    *records;      /* Record* */
  guint         in_flight;
  guint         max_in_flight;
  guint         stream_ms;
  guint         answer_tokens;
  char         *extra_members;
  gint64        window_until;  /* a rate-limit window announced: monotonic µs */
  gint64        window_from;
  guint         early;         /* chat requests that arrived inside it */
  double        fault_rate;    /* random faults */
  GRand        *rand;
  guint         n_random_faults;
};

typedef struct
{
  AssayFakeLlmServer *self;
  SoupServerMessage  *msg;     /* not a reference: the message owns the reply */
  GSource            *delay;
  GSource            *watch;   /* notices a client that leaves while we wait */
  QueuedFault        *fault;   /* nullable */
  gboolean            ollama;
  gboolean            stream;
  gboolean            include_usage;
  GArray             *pages;   /* guint */
  gsize               request_bytes;
  gboolean            counted;
  guint               index;      /* of the chat request */
  gint64              max_tokens; /* the request's output allowance, 0: none */
} Reply;

static void announce_window (AssayFakeLlmServer *self,
                             QueuedFault        *fault);

static void
queued_fault_free (gpointer data)
{
  QueuedFault *queued = data;

  g_free (queued->body);
  g_free (queued->retry_after);
  g_free (queued->retry_after_ms);
  g_free (queued->ratelimit_reset);
  g_free (queued);
}

static void
record_free (gpointer data)
{
  Record *record = data;

  g_free (record->body);
  g_free (record->authorization);
  g_free (record);
}

static void
reply_done (Reply *reply)
{
  AssayFakeLlmServer *self = reply->self;

  g_mutex_lock (&self->mutex);
  if (reply->counted)
    {
      reply->counted = FALSE;
      self->in_flight--;
    }
  g_mutex_unlock (&self->mutex);
}

static void
reply_free (gpointer data)
{
  Reply *reply = data;

  reply_done (reply);
  if (reply->delay != NULL)
    {
      g_source_destroy (reply->delay);
      g_clear_pointer (&reply->delay, g_source_unref);
    }
  if (reply->watch != NULL)
    {
      g_source_destroy (reply->watch);
      g_clear_pointer (&reply->watch, g_source_unref);
    }
  g_clear_pointer (&reply->fault, queued_fault_free);
  g_clear_pointer (&reply->pages, g_array_unref);
  g_free (reply);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  reply_done (user_data);
}

/* The answer content for the pages the request's text has. */
static char *
build_answer (AssayFakeLlmServer *self,
              Reply              *reply)
{
  GString *str = g_string_new (NULL);
  g_autofree char *fields = NULL;

  g_mutex_lock (&self->mutex);
  fields = g_strdup (self->fields);
  g_mutex_unlock (&self->mutex);

  g_string_append_printf (str, "{\"title\": \"Fake document\", \"document_type\": \"general\", "
                          "\"fields\": %s, \"figures\": [",
                          reply->fault != NULL && reply->fault->fault.kind == ASSAY_FAKE_LLM_FAULT_INVALID
                            ? "\"not an object\"" : fields);
  for (guint i = 0; i < reply->pages->len; i++)
    {
      guint page = g_array_index (reply->pages, guint, i);

      g_string_append_printf (str, "%s{\"label\": \"Figure on page %u\", \"value\": %u, "
                              "\"raw\": \"%u\", \"unit\": null, \"period\": null, \"page\": %u}",
                              i > 0 ? ", " : "", page, page * 100, page * 100, page);
    }
  g_string_append (str, "]");
  g_mutex_lock (&self->mutex);
  if (self->extra_members != NULL)
    g_string_append_printf (str, ", %s", self->extra_members);
  g_mutex_unlock (&self->mutex);
  g_string_append (str, "}");

  if (reply->fault != NULL && reply->fault->fault.kind == ASSAY_FAKE_LLM_FAULT_PROSE)
    {
      g_string_prepend (str, "Here is the extraction you asked for:\n```json\n");
      g_string_append (str, "\n```\nLet me know if you need anything else!");
    }

  return g_string_free (str, FALSE);
}

static char *
json_quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

static void
append (SoupServerMessage *msg,
        const char        *text)
{
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY,
                            text, strlen (text));
}

/* One write of a streamed body: an HTTP chunk of its own. */
typedef struct
{
  char     *data;
  gsize     length;
  gboolean  end_of_tick;   /* the next write goes out in a later tick */
} Write;

static void
write_clear (gpointer data)
{
  g_free (((Write *) data)->data);
}

static void
add_write (GArray     *writes,
           const char *data,
           gsize       length,
           gboolean    end_of_tick)
{
  Write write = { g_strndup (data, length), length, end_of_tick };

  g_array_append_val (writes, write);
}

/* An event's bytes, cut in the middle of its first multi-byte character
 * when it has one, so that the character arrives in two reads. */
static void
add_event (GArray     *writes,
           const char *event)
{
  gsize length = strlen (event);

  for (gsize i = 0; i < length; i++)
    {
      if ((guchar) event[i] >= 0xc0)
        {
          add_write (writes, event, i + 1, TRUE);
          add_write (writes, event + i + 1, length - i - 1, FALSE);
          return;
        }
    }

  add_write (writes, event, length, FALSE);
}

static guint32
next_random (guint32 *state)
{
  *state = *state * 1103515245u + 12345u;
  return (*state >> 16) & 0x7fff;
}

/* A streamed answer written straight to the connection. */
typedef struct
{
  AssayFakeLlmServer *self;
  GIOStream          *io;
  GSocketAddress     *local;
  GSocketAddress     *remote;
  GArray             *writes;     /* Write */
  guint               next_write;
  GString            *pending;    /* bytes not yet taken by the socket */
  gboolean            ended;      /* the last chunk is in pending */
  gint64              started;
  gint64              stream_us;
} RawStream;

static void
raw_stream_free (RawStream *raw)
{
  g_clear_object (&raw->io);
  g_clear_object (&raw->local);
  g_clear_object (&raw->remote);
  g_clear_pointer (&raw->writes, g_array_unref);
  g_string_free (raw->pending, TRUE);
  g_free (raw);
}

/* Writes what is pending without blocking. Returns FALSE when the client
 * is gone. */
static gboolean
raw_flush (RawStream *raw)
{
  GPollableOutputStream *out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (raw->io));

  while (raw->pending->len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (out, raw->pending->str,
                                                             raw->pending->len, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;
      if (n <= 0)
        return FALSE;
      g_string_erase (raw->pending, 0, n);
    }

  return TRUE;
}

static gboolean
raw_tick_cb (gpointer user_data)
{
  RawStream *raw = user_data;
  gint64 elapsed = g_get_monotonic_time () - raw->started;
  guint scheduled;
  guint due;

  if (!raw_flush (raw))
    goto gone;
  if (raw->pending->len > 0)
    return G_SOURCE_CONTINUE;   /* the client reads slowly: wait */

  if (raw->ended)
    {
      /* Done: the connection goes back to the server for the next request. */
      g_autoptr(GError) error = NULL;

      if (raw->self->server == NULL || raw->local == NULL || raw->remote == NULL ||
          !soup_server_accept_iostream (raw->self->server, raw->io, raw->local, raw->remote, &error))
        g_io_stream_close (raw->io, NULL, NULL);
      return G_SOURCE_REMOVE;   /* frees @raw */
    }

  if (raw->stream_us <= 0 || elapsed >= raw->stream_us)
    due = raw->writes->len;
  else
    due = (guint) ((guint64) raw->writes->len * elapsed / raw->stream_us);
  scheduled = due;
  due = MAX (due, raw->next_write + 1);

  while (raw->next_write < MIN (due, raw->writes->len))
    {
      Write *write = &g_array_index (raw->writes, Write, raw->next_write++);

      g_string_append_printf (raw->pending, "%" G_GSIZE_MODIFIER "x\r\n", write->length);
      g_string_append_len (raw->pending, write->data, write->length);
      g_string_append (raw->pending, "\r\n");
      if (!raw_flush (raw))
        goto gone;
      /* A character cut in two waits for the next tick between its
       * halves, unless the answer is late on its streaming time: a tick
       * per such character would make a 50 ms answer take 200. */
      if ((write->end_of_tick && (raw->stream_us <= 0 || raw->next_write >= scheduled)) ||
          raw->pending->len > 0)
        break;
    }

  if (raw->next_write >= raw->writes->len && raw->pending->len == 0)
    {
      g_string_append (raw->pending, "0\r\n\r\n");
      raw->ended = TRUE;
      if (!raw_flush (raw))
        goto gone;
    }

  return G_SOURCE_CONTINUE;

gone:
  g_io_stream_close (raw->io, NULL, NULL);
  return G_SOURCE_REMOVE;   /* frees @raw */
}

static char *
sse_event (const char *json,
           gboolean    crlf)
{
  return g_strconcat ("data: ", json, crlf ? "\r\n\r\n" : "\n\n", NULL);
}

/* The streamed body of an answer, token by token as real servers send it:
 * an event (or NDJSON line) per token of 1 to 9 bytes, comment lines now
 * and then, CRLF or LF line ends (one or the other per response). */
static GArray *
build_stream (Reply      *reply,
              const char *answer,
              gsize       answer_len,
              const char *finish,
              guint      *n_tokens)
{
  AssayFakeLlmFaultKind kind = reply->fault != NULL ? reply->fault->fault.kind : ASSAY_FAKE_LLM_FAULT_NONE;
  GArray *writes = g_array_new (FALSE, TRUE, sizeof (Write));
  guint32 random = reply->index * 2654435761u + 1;
  gboolean crlf = reply->index % 2 == 1;
  const char *nl = crlf ? "\r\n" : "\n";
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);

  g_array_set_clear_func (writes, write_clear);

  for (gsize at = 0; at < answer_len;)
    {
      gsize size = 1 + next_random (&random) % 9;
      gsize end = MIN (at + size, answer_len);

      while (end < answer_len && ((guchar) answer[end] & 0xc0) == 0x80)
        end++;
      g_ptr_array_add (tokens, g_strndup (answer + at, end - at));
      at = end;
    }
  *n_tokens = tokens->len;

  if (!reply->ollama)
    {
      g_autofree char *comment = g_strconcat (": ping", nl, nl, NULL);
      g_autofree char *role = NULL;
      g_autofree char *event = NULL;

      add_write (writes, comment, strlen (comment), FALSE);
      role = g_strdup ("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\","
                       "\"created\":1700000000,\"model\":\"fake\",\"choices\":[{\"index\":0,"
                       "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                       "\"logprobs\":null,\"finish_reason\":null}]}");
      event = sse_event (role, crlf);
      add_write (writes, event, strlen (event), FALSE);
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      g_autofree char *quoted = json_quote (g_ptr_array_index (tokens, i));
      g_autofree char *event = NULL;

      if (reply->ollama)
        event = g_strdup_printf ("{\"model\":\"fake\",\"created_at\":\"2024-03-01T00:00:00Z\","
                                 "\"message\":{\"role\":\"assistant\",\"content\":%s},"
                                 "\"done\":false}%s", quoted, nl);
      else
        {
          g_autofree char *json =
            g_strdup_printf ("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\","
                             "\"created\":1700000000,\"model\":\"fake\",\"choices\":[{\"index\":0,"
                             "\"delta\":{\"content\":%s},\"logprobs\":null,"
                             "\"finish_reason\":null}]}", quoted);

          event = sse_event (json, crlf);
        }
      add_event (writes, event);

      if (!reply->ollama && i % 64 == 63)
        {
          g_autofree char *comment = g_strconcat (": keep-alive", nl, NULL);

          add_write (writes, comment, strlen (comment), FALSE);
        }

      if (i == tokens->len / 2 && kind == ASSAY_FAKE_LLM_FAULT_STREAM_CUT)
        goto out;

      if (i == tokens->len / 2 && kind == ASSAY_FAKE_LLM_FAULT_STREAM_ERROR)
        {
          g_autofree char *error = NULL;

          if (reply->ollama)
            error = g_strconcat ("{\"error\":\"the model runner crashed\"}", nl, NULL);
          else
            error = sse_event ("{\"error\":{\"message\":\"The model runner crashed\","
                               "\"type\":\"server_error\"}}", crlf);
          add_write (writes, error, strlen (error), FALSE);
          goto out;
        }

      if (i == tokens->len / 2 && kind == ASSAY_FAKE_LLM_FAULT_BROKEN_JSON)
        {
          g_autofree char *broken = NULL;

          if (reply->ollama)
            broken = g_strconcat ("{\"model\":\"fake\",\"message\":{\"content\":\"x", nl, NULL);
          else
            broken = sse_event ("{\"id\":\"chatcmpl-fake\",\"choices\":[{\"delta\":{\"content\":\"x", crlf);
          add_write (writes, broken, strlen (broken), FALSE);
        }
    }

  if (reply->ollama)
    {
      g_autofree char *last =
        g_strdup_printf ("{\"model\":\"fake\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                         "\"done\":true,\"done_reason\":\"%s\",\"prompt_eval_count\":%"
                         G_GSIZE_FORMAT ",\"eval_count\":%u}%s",
                         finish, reply->request_bytes / 4, tokens->len, nl);

      add_write (writes, last, strlen (last), FALSE);
    }
  else
    {
      g_autofree char *json =
        g_strdup_printf ("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\","
                         "\"created\":1700000000,\"model\":\"fake\",\"choices\":[{\"index\":0,"
                         "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"%s\"}]}", finish);
      g_autofree char *last = sse_event (json, crlf);
      g_autofree char *done = g_strconcat ("data: [DONE]", nl, nl, NULL);

      add_write (writes, last, strlen (last), FALSE);
      if (reply->include_usage)
        {
          g_autofree char *usage_json =
            g_strdup_printf ("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\","
                             "\"choices\":[],\"usage\":{\"prompt_tokens\":%" G_GSIZE_FORMAT ","
                             "\"completion_tokens\":%u,\"total_tokens\":%" G_GSIZE_FORMAT "}}",
                             reply->request_bytes / 4, tokens->len,
                             reply->request_bytes / 4 + tokens->len);
          g_autofree char *usage = sse_event (usage_json, crlf);

          add_write (writes, usage, strlen (usage), FALSE);
        }
      add_write (writes, done, strlen (done), FALSE);
    }

out:
  g_ptr_array_unref (tokens);
  return writes;
}

static void
send_answer (Reply *reply)
{
  AssayFakeLlmServer *self = reply->self;
  SoupServerMessage *msg = reply->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  AssayFakeLlmFaultKind kind = reply->fault != NULL ? reply->fault->fault.kind : ASSAY_FAKE_LLM_FAULT_NONE;
  g_autofree char *answer = build_answer (self, reply);
  const char *finish = "stop";
  gsize answer_len = strlen (answer);
  guint n_tokens = (guint) (answer_len / 4);
  guint length_above;
  guint answer_tokens;
  guint stream_ms;

  g_mutex_lock (&self->mutex);
  length_above = self->length_above_pages;
  answer_tokens = self->answer_tokens;
  stream_ms = self->stream_ms;
  g_mutex_unlock (&self->mutex);

  if (kind == ASSAY_FAKE_LLM_FAULT_LENGTH ||
      (length_above > 0 && reply->pages->len > length_above) ||
      (answer_tokens > 0 && (reply->max_tokens > 0 ? reply->max_tokens : DEFAULT_MAX_TOKENS) < answer_tokens))
    {
      answer[answer_len / 2] = '\0';
      answer_len /= 2;
      finish = "length";
    }

  soup_server_message_set_status (msg, 200, NULL);

  if (kind == ASSAY_FAKE_LLM_FAULT_OVERSIZED)
    {
      char *big = g_malloc (reply->fault->fault.size + 1);

      memset (big, 'x', reply->fault->fault.size);
      big[reply->fault->fault.size] = '\0';
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      append (msg, "{\"choices\":[{\"message\":{\"content\":\"");
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_TAKE,
                                big, reply->fault->fault.size);
      append (msg, "\"},\"finish_reason\":\"stop\"}]}");
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      return;
    }

  if (!reply->stream)
    {
      g_autofree char *quoted = json_quote (answer);
      g_autofree char *body = NULL;

      if (reply->ollama)
        body = g_strdup_printf ("{\"model\":\"fake\",\"message\":{\"role\":\"assistant\","
                                "\"content\":%s},\"done\":true,\"done_reason\":\"%s\","
                                "\"prompt_eval_count\":%" G_GSIZE_FORMAT ",\"eval_count\":%u}",
                                quoted, finish, reply->request_bytes / 4, n_tokens);
      else
        body = g_strdup_printf ("{\"id\":\"fake-1\",\"object\":\"chat.completion\","
                                "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                                "\"content\":%s},\"finish_reason\":\"%s\"}],"
                                "\"usage\":{\"prompt_tokens\":%" G_GSIZE_FORMAT ","
                                "\"completion_tokens\":%u}}",
                                quoted, finish, reply->request_bytes / 4, n_tokens);

      /* Broken JSON: the body stops a third of the way in. */
      if (kind == ASSAY_FAKE_LLM_FAULT_BROKEN_JSON)
        body[strlen (body) / 3] = '\0';

      soup_message_headers_set_content_type (headers, "application/json", NULL);
      append (msg, body);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      return;
    }

  /* As real servers do, each event leaves in one write of its own (chunk
   * size, data and line end together): the connection is taken from
   * libsoup, whose server writes a chunk in three, and given back to it
   * for the next request when the answer is done. Nothing may touch
   * @reply after the connection is stolen: the message goes away. */
  {
    RawStream *raw = g_new0 (RawStream, 1);
    g_autoptr(GSource) ticker = NULL;

    raw->self = self;
    raw->writes = build_stream (reply, answer, answer_len, finish, &n_tokens);
    raw->stream_us = (gint64) stream_ms * 1000;
    raw->pending = g_string_new ("HTTP/1.1 200 OK\r\nServer: assay-fake-llm\r\n"
                                 "Transfer-Encoding: chunked\r\nContent-Type: ");
    g_string_append (raw->pending, reply->ollama ? "application/x-ndjson" : "text/event-stream");
    g_string_append (raw->pending, "\r\nCache-Control: no-cache\r\n\r\n");
    raw->local = g_object_ref (soup_server_message_get_local_address (msg));
    raw->remote = g_object_ref (soup_server_message_get_remote_address (msg));
    raw->io = soup_server_message_steal_connection (msg);
    raw->started = g_get_monotonic_time ();
    ticker = g_timeout_source_new (1);
    g_source_set_callback (ticker, raw_tick_cb, raw, (GDestroyNotify) raw_stream_free);
    g_source_attach (ticker, self->context);
  }
}

/* The request counts as in flight from its arrival until its answer is
 * produced: a client that reads the answer fast may send its next request
 * before this server has seen the last write finish. */
static void
send_reply (Reply *reply)
{
  SoupServerMessage *msg = reply->msg;
  AssayFakeLlmFaultKind kind = reply->fault != NULL ? reply->fault->fault.kind : ASSAY_FAKE_LLM_FAULT_NONE;

  reply_done (reply);

  if (kind == ASSAY_FAKE_LLM_FAULT_DISCONNECT)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  if (kind == ASSAY_FAKE_LLM_FAULT_STATUS)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      const char *body = reply->fault->body != NULL ? reply->fault->body : "{}";

      if (reply->fault->retry_after != NULL)
        soup_message_headers_replace (headers, "retry-after", reply->fault->retry_after);
      if (reply->fault->retry_after_ms != NULL)
        soup_message_headers_replace (headers, "retry-after-ms", reply->fault->retry_after_ms);
      if (reply->fault->ratelimit_reset != NULL)
        {
          soup_message_headers_replace (headers, "x-ratelimit-limit-requests", "60");
          soup_message_headers_replace (headers, "x-ratelimit-remaining-requests", "0");
          soup_message_headers_replace (headers, "x-ratelimit-reset-requests",
                                        reply->fault->ratelimit_reset);
        }
      announce_window (reply->self, reply->fault);
      soup_server_message_set_status (msg, reply->fault->fault.status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      return;
    }

  send_answer (reply);
}

/* "1s", "6m0s", "20ms", "1.5s": Go durations as OpenAI sends them. */
static gint64
parse_duration_ms (const char *text)
{
  double total = 0;
  const char *p = text;

  while (p != NULL && *p != '\0')
    {
      char *end = NULL;
      double value = g_ascii_strtod (p, &end);

      if (end == p)
        return -1;
      p = end;
      if (g_str_has_prefix (p, "ms"))
        total += value, p += 2;
      else if (*p == 's')
        total += value * 1000, p++;
      else if (*p == 'm')
        total += value * 60000, p++;
      else if (*p == 'h')
        total += value * 3600000, p++;
      else
        return -1;
    }

  return (gint64) total;
}

/* A 429 or 503 that names a delay opens a window for every client: until
 * it ends, each chat request that arrives is counted early and refused. */
static void
announce_window (AssayFakeLlmServer *self,
                 QueuedFault        *fault)
{
  gint64 ms = -1;

  if (fault->retry_after_ms != NULL)
    ms = (gint64) g_ascii_strtod (fault->retry_after_ms, NULL);
  else if (fault->retry_after != NULL && g_ascii_isdigit (fault->retry_after[0]))
    ms = (gint64) (g_ascii_strtod (fault->retry_after, NULL) * 1000);
  else if (fault->retry_after != NULL)
    {
      g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (fault->retry_after);

      if (date != NULL)
        ms = (g_date_time_to_unix (date) - g_get_real_time () / G_USEC_PER_SEC) * 1000;
    }
  else if (fault->ratelimit_reset != NULL)
    ms = parse_duration_ms (fault->ratelimit_reset);

  if (ms <= 0)
    return;

  g_mutex_lock (&self->mutex);
  if (g_get_monotonic_time () + ms * 1000 > self->window_until)
    {
      if (self->window_until < g_get_monotonic_time ())
        self->window_from = g_get_monotonic_time ();
      self->window_until = g_get_monotonic_time () + ms * 1000;
    }
  g_mutex_unlock (&self->mutex);
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  Reply *reply = user_data;

  SoupServerMessage *msg = reply->msg;
  AssayFakeLlmFaultKind kind = reply->fault != NULL ? reply->fault->fault.kind : ASSAY_FAKE_LLM_FAULT_NONE;
  /* Streamed answers take the connection too (see send_answer()). */
  gboolean disconnect = kind == ASSAY_FAKE_LLM_FAULT_DISCONNECT ||
                        (reply->stream && kind != ASSAY_FAKE_LLM_FAULT_STATUS &&
                         kind != ASSAY_FAKE_LLM_FAULT_OVERSIZED);

  g_clear_pointer (&reply->delay, g_source_unref);
  if (reply->watch != NULL)
    {
      g_source_destroy (reply->watch);
      g_clear_pointer (&reply->watch, g_source_unref);
    }
  send_reply (reply);
  /* A stolen connection has no message left to resume. */
  if (!disconnect)
    soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

/* While a reply waits, a client that closes its connection (a cancelled
 * request) counts as gone at once, as a real server would see it. */
static gboolean
client_gone_cb (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  Reply *reply = user_data;
  GInputVector vector;
  char byte;
  int flags = G_SOCKET_MSG_PEEK;
  gssize n;

  vector.buffer = &byte;
  vector.size = 1;
  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, NULL);
  if (n == 0 || (condition & (G_IO_HUP | G_IO_ERR)) != 0)
    reply_done (reply);

  g_clear_pointer (&reply->watch, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
parse_request (Reply      *reply,
               const char *body,
               gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *messages;
  const char *last_user = NULL;

  reply->pages = g_array_new (FALSE, FALSE, sizeof (guint));

  if (!json_parser_load_from_data (parser, body, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  reply->stream = json_object_get_boolean_member_with_default (object, "stream", FALSE);
  if (json_object_has_member (object, "stream_options"))
    reply->include_usage = TRUE;
  reply->max_tokens = json_object_get_int_member_with_default (object, "max_tokens", 0);
  if (json_object_has_member (object, "options") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "options")))
    reply->max_tokens = json_object_get_int_member_with_default (
      json_object_get_object_member (object, "options"), "num_predict", reply->max_tokens);

  if (!json_object_has_member (object, "messages"))
    return;
  messages = json_object_get_array_member (object, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (message, "role", ""), "user") == 0 &&
          i < 2)
        last_user = json_object_get_string_member_with_default (message, "content", NULL);
    }

  for (const char *p = last_user; p != NULL && (p = strstr (p, "=== Page ")) != NULL; p++)
    {
      guint page = (guint) g_ascii_strtoull (p + strlen ("=== Page "), NULL, 10);
      gboolean seen = FALSE;

      for (guint k = 0; k < reply->pages->len; k++)
        seen |= g_array_index (reply->pages, guint, k) == page;
      if (!seen)
        g_array_append_val (reply->pages, page);
    }
}

/* One of the faults a hostile endpoint shows, at random. */
static QueuedFault *
random_fault (GRand *rand)
{
  QueuedFault *queued = g_new0 (QueuedFault, 1);

  switch (g_rand_int_range (rand, 0, 9))
    {
    case 0:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_STATUS;
      queued->fault.status = 429;
      queued->body = g_strdup ("{\"error\":{\"message\":\"Rate limit reached\","
                               "\"code\":\"rate_limit_exceeded\"}}");
      queued->retry_after = g_strdup ("1");
      break;
    case 1:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_STATUS;
      queued->fault.status = 429;
      queued->body = g_strdup ("{\"error\":{\"message\":\"Rate limit reached\"}}");
      queued->retry_after_ms = g_strdup ("700");
      break;
    case 2:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_STATUS;
      queued->fault.status = 500;
      queued->body = g_strdup ("{\"error\":{\"message\":\"Internal error\"}}");
      break;
    case 3:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_STATUS;
      queued->fault.status = 503;
      queued->body = g_strdup ("{\"error\":{\"message\":\"Overloaded\"}}");
      queued->ratelimit_reset = g_strdup ("800ms");
      break;
    case 4:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_DISCONNECT;
      break;
    case 5:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_BROKEN_JSON;
      break;
    case 6:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_LENGTH;
      break;
    case 7:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_PROSE;
      break;
    default:
      queued->fault.kind = ASSAY_FAKE_LLM_FAULT_STREAM_CUT;
      break;
    }

  return queued;
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  AssayFakeLlmServer *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (request_body);
  Record *record;
  Reply *reply;
  guint delay;
  gboolean key_refused;

  g_mutex_lock (&self->mutex);
  if (self->api_key != NULL)
    {
      g_autofree char *expected = g_strdup_printf ("Bearer %s", self->api_key);
      const char *given = soup_message_headers_get_one (
        soup_server_message_get_request_headers (msg), "Authorization");

      key_refused = g_strcmp0 (given, expected) != 0;
    }
  else
    key_refused = FALSE;
  g_mutex_unlock (&self->mutex);

  if (key_refused)
    {
      static const char refused[] =
        "{\"error\":{\"message\":\"Incorrect API key provided.\","
        "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";

      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        refused, strlen (refused));
      return;
    }

  if (strcmp (method, "GET") == 0 && strcmp (path, "/v1/models") == 0)
    {
      static const char models[] =
        "{\"object\":\"list\",\"data\":[{\"id\":\"zeta-7b\",\"object\":\"model\"},"
        "{\"id\":\"alpha-1b\",\"object\":\"model\"}]}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        models, strlen (models));
      return;
    }

  if (strcmp (method, "GET") == 0 && strcmp (path, "/api/tags") == 0)
    {
      static const char tags[] =
        "{\"models\":[{\"name\":\"llama3.1:8b\",\"size\":1},{\"name\":\"gemma2:2b\",\"size\":2}]}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        tags, strlen (tags));
      return;
    }

  if (strcmp (method, "POST") != 0 ||
      (strcmp (path, "/v1/chat/completions") != 0 && strcmp (path, "/api/chat") != 0))
    {
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"not found\"}", 21);
      return;
    }

  reply = g_new0 (Reply, 1);
  reply->self = self;
  reply->msg = msg;
  reply->ollama = strcmp (path, "/api/chat") == 0;
  reply->request_bytes = g_bytes_get_size (body);
  parse_request (reply, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  record = g_new0 (Record, 1);
  record->arrival = g_get_monotonic_time ();
  record->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  record->authorization = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization"));

  g_mutex_lock (&self->mutex);
  reply->index = self->records->len;
  g_ptr_array_add (self->records, record);
  reply->fault = g_queue_pop_head (&self->faults);
  if (self->window_until > record->arrival)
    {
      /* Inside an announced window: the client should not have sent it. */
      g_autofree char *left = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               (self->window_until - record->arrival + 999) / 1000);

      self->early++;
      if (g_getenv ("ASSAY_FAKE_LLM_DEBUG") != NULL)
        g_printerr ("fake-llm-server: request %u arrived %.1f ms after a window opened, "
                    "%.1f ms before it ends\n", reply->index,
                    (record->arrival - self->window_from) / 1000.0,
                    (self->window_until - record->arrival) / 1000.0);
      g_clear_pointer (&reply->fault, queued_fault_free);
      reply->fault = g_new0 (QueuedFault, 1);
      reply->fault->fault.kind = ASSAY_FAKE_LLM_FAULT_STATUS;
      reply->fault->fault.status = 429;
      reply->fault->body = g_strdup ("{\"error\":{\"message\":\"Rate limit reached (sent inside "
                                     "the announced window)\",\"code\":\"rate_limit_exceeded\"}}");
      reply->fault->retry_after_ms = g_steal_pointer (&left);
    }
  else if (reply->fault == NULL && self->fault_rate > 0 &&
           g_rand_double (self->rand) < self->fault_rate)
    {
      self->n_random_faults++;
      reply->fault = random_fault (self->rand);
    }
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  reply->counted = TRUE;
  delay = self->latency_ms + (reply->fault != NULL ? reply->fault->fault.delay_ms : 0);
  g_mutex_unlock (&self->mutex);

  g_signal_connect_data (msg, "finished", G_CALLBACK (message_finished_cb), reply,
                         (GClosureNotify) (void (*) (void)) reply_free, 0);
  g_signal_connect (msg, "disconnected", G_CALLBACK (message_finished_cb), reply);

  if (delay == 0)
    {
      send_reply (reply);
      return;
    }

  soup_server_message_pause (msg);
  reply->delay = g_timeout_source_new (delay);
  g_source_set_callback (reply->delay, delayed_reply_cb, reply, NULL);
  g_source_attach (reply->delay, self->context);

  reply->watch = g_socket_create_source (soup_server_message_get_socket (msg),
                                         G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (reply->watch, G_SOURCE_FUNC (client_gone_cb), reply, NULL);
  g_source_attach (reply->watch, self->context);
}

static gpointer
server_thread (gpointer data)
{
  AssayFakeLlmServer *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "assay-fake-llm ", NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("The fake model server cannot listen: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->mutex);
  self->port = g_uri_get_port (uris->data);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  /* Let pending sources and finished signals run out. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * assay_fake_llm_server_new:
 *
 * Starts the server and returns once it listens.
 */
AssayFakeLlmServer *
assay_fake_llm_server_new (void)
{
  AssayFakeLlmServer *self = g_new0 (AssayFakeLlmServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->faults);
  self->records = g_ptr_array_new_with_free_func (record_free);
  self->fields = g_strdup (DEFAULT_FIELDS);
  self->rand = g_rand_new_with_seed (1);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("fake-llm-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
assay_fake_llm_server_free (AssayFakeLlmServer *self)
{
  GSource *source;

  if (self == NULL)
    return;

  source = g_idle_source_new ();
  g_source_set_callback (source, quit_cb, self->loop, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_queue_clear_full (&self->faults, queued_fault_free);
  g_ptr_array_unref (self->records);
  g_free (self->fields);
  g_free (self->extra_members);
  g_rand_free (self->rand);
  g_free (self->api_key);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/**
 * assay_fake_llm_server_dup_url:
 * @scheme: "http" or "https" (the server speaks plain HTTP only)
 */
char *
assay_fake_llm_server_dup_url (AssayFakeLlmServer *self,
                               const char         *scheme)
{
  return g_strdup_printf ("%s://127.0.0.1:%u", scheme, self->port);
}

guint
assay_fake_llm_server_get_port (AssayFakeLlmServer *self)
{
  return self->port;
}

void
assay_fake_llm_server_set_fields (AssayFakeLlmServer *self,
                                  const char         *fields_json)
{
  g_mutex_lock (&self->mutex);
  g_free (self->fields);
  self->fields = g_strdup (fields_json);
  g_mutex_unlock (&self->mutex);
}

void
assay_fake_llm_server_set_latency (AssayFakeLlmServer *self,
                                   guint               latency_ms)
{
  g_mutex_lock (&self->mutex);
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->mutex);
}

/* With a key set, every request without "Authorization: Bearer KEY" gets
 * a 401 as OpenAI sends it; %NULL accepts any request. */
void
assay_fake_llm_server_set_api_key (AssayFakeLlmServer *self,
                                   const char         *api_key)
{
  g_mutex_lock (&self->mutex);
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);
  g_mutex_unlock (&self->mutex);
}

/* Answers with finish_reason "length" (half the JSON) whenever the text
 * has more than @n_pages page markers; 0 turns it off. */
void
assay_fake_llm_server_set_length_above_pages (AssayFakeLlmServer *self,
                                              guint               n_pages)
{
  g_mutex_lock (&self->mutex);
  self->length_above_pages = n_pages;
  g_mutex_unlock (&self->mutex);
}

void
assay_fake_llm_server_push_fault (AssayFakeLlmServer      *self,
                                  const AssayFakeLlmFault *fault)
{
  QueuedFault *queued = g_new0 (QueuedFault, 1);

  queued->fault = *fault;
  queued->body = g_strdup (fault->body);
  queued->retry_after = g_strdup (fault->retry_after);
  queued->retry_after_ms = g_strdup (fault->retry_after_ms);
  queued->ratelimit_reset = g_strdup (fault->ratelimit_reset);

  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->faults, queued);
  g_mutex_unlock (&self->mutex);
}

/* Chat requests received. */
guint
assay_fake_llm_server_get_requests (AssayFakeLlmServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->records->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
assay_fake_llm_server_get_max_in_flight (AssayFakeLlmServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->max_in_flight;
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
assay_fake_llm_server_get_in_flight (AssayFakeLlmServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->in_flight;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* When chat request @index arrived (g_get_monotonic_time()), or -1. */
gint64
assay_fake_llm_server_get_arrival (AssayFakeLlmServer *self,
                                   guint               index)
{
  gint64 arrival = -1;

  g_mutex_lock (&self->mutex);
  if (index < self->records->len)
    arrival = ((Record *) g_ptr_array_index (self->records, index))->arrival;
  g_mutex_unlock (&self->mutex);

  return arrival;
}

char *
assay_fake_llm_server_dup_body (AssayFakeLlmServer *self,
                                guint               index)
{
  char *body = NULL;

  g_mutex_lock (&self->mutex);
  if (index < self->records->len)
    body = g_strdup (((Record *) g_ptr_array_index (self->records, index))->body);
  g_mutex_unlock (&self->mutex);

  return body;
}

char *
assay_fake_llm_server_dup_authorization (AssayFakeLlmServer *self,
                                         guint               index)
{
  char *authorization = NULL;

  g_mutex_lock (&self->mutex);
  if (index < self->records->len)
    authorization = g_strdup (((Record *) g_ptr_array_index (self->records, index))->authorization);
  g_mutex_unlock (&self->mutex);

  return authorization;
}

/* Forgets records, faults and counters; keeps fields and latency. */
void
assay_fake_llm_server_reset (AssayFakeLlmServer *self)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_set_size (self->records, 0);
  g_queue_clear_full (&self->faults, queued_fault_free);
  g_queue_init (&self->faults);
  self->max_in_flight = self->in_flight;
  self->length_above_pages = 0;
  self->window_until = 0;
  self->early = 0;
  self->answer_tokens = 0;
  g_clear_pointer (&self->extra_members, g_free);
  g_mutex_unlock (&self->mutex);
}

/* A resolver that knows no names, so that a test's name lookups fail here
 * and never reach a DNS server (RFC 6761 says .invalid names must not
 * resolve; this makes sure nothing is even asked). */

typedef struct
{
  GResolver parent_instance;
} AssayFakeResolver;

typedef struct
{
  GResolverClass parent_class;
} AssayFakeResolverClass;

GType assay_fake_resolver_get_type (void);
G_DEFINE_TYPE (AssayFakeResolver, assay_fake_resolver, G_TYPE_RESOLVER)

static GError *
not_found (const char *hostname)
{
  return g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                      "Error resolving “%s”: Name or service not known", hostname);
}

static GList *
fake_lookup_by_name (GResolver     *resolver,
                     const char    *hostname,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_propagate_error (error, not_found (hostname));
  return NULL;
}

static void
fake_lookup_by_name_with_flags_async (GResolver                *resolver,
                                      const char               *hostname,
                                      GResolverNameLookupFlags  flags,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_error (task, not_found (hostname));
}

static void
fake_lookup_by_name_async (GResolver           *resolver,
                           const char          *hostname,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  fake_lookup_by_name_with_flags_async (resolver, hostname, 0, cancellable, callback, user_data);
}

static GList *
fake_lookup_finish (GResolver     *resolver,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
fake_lookup_by_name_with_flags (GResolver                 *resolver,
                                const char                *hostname,
                                GResolverNameLookupFlags   flags,
                                GCancellable              *cancellable,
                                GError                   **error)
{
  return fake_lookup_by_name (resolver, hostname, cancellable, error);
}

static void
assay_fake_resolver_class_init (AssayFakeResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = fake_lookup_by_name;
  resolver_class->lookup_by_name_async = fake_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = fake_lookup_finish;
  resolver_class->lookup_by_name_with_flags = fake_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = fake_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = fake_lookup_finish;
}

static void
assay_fake_resolver_init (AssayFakeResolver *self)
{
}

/**
 * assay_fake_llm_install_offline_resolver:
 *
 * Makes every host name lookup in this process fail at once, without
 * network traffic. IP literals such as 127.0.0.1 need no lookup.
 */
void
assay_fake_llm_install_offline_resolver (void)
{
  g_autoptr(GResolver) resolver = g_object_new (assay_fake_resolver_get_type (), NULL);

  g_resolver_set_default (resolver);
}

/* Streams each answer over @stream_ms (0: every event at once, still one
 * chunk each). */
void
assay_fake_llm_server_set_stream_ms (AssayFakeLlmServer *self,
                                     guint               stream_ms)
{
  g_mutex_lock (&self->mutex);
  self->stream_ms = stream_ms;
  g_mutex_unlock (&self->mutex);
}

/* An answer needs @tokens of output: a request whose allowance
 * (max_tokens, num_predict, or 4096 when it names none) is smaller gets
 * half of it with finish reason "length". 0 turns it off. */
void
assay_fake_llm_server_set_answer_tokens (AssayFakeLlmServer *self,
                                         guint               tokens)
{
  g_mutex_lock (&self->mutex);
  self->answer_tokens = tokens;
  g_mutex_unlock (&self->mutex);
}

/* Top-level members added to every answer, as JSON text ("\"a\": 1"). */
void
assay_fake_llm_server_set_extra_members (AssayFakeLlmServer *self,
                                         const char         *members)
{
  g_mutex_lock (&self->mutex);
  g_free (self->extra_members);
  self->extra_members = g_strdup (members);
  g_mutex_unlock (&self->mutex);
}

/* A fraction of chat requests (not inside a window, with no queued fault)
 * gets a random fault: 429 with Retry-After or retry-after-ms, 500, 503
 * with x-ratelimit headers, a dropped connection, broken JSON, a cut-off
 * answer, JSON in prose, a stream that stops. */
void
assay_fake_llm_server_set_random_faults (AssayFakeLlmServer *self,
                                         double              rate,
                                         guint32             seed)
{
  g_mutex_lock (&self->mutex);
  self->fault_rate = rate;
  g_rand_set_seed (self->rand, seed);
  g_mutex_unlock (&self->mutex);
}

guint
assay_fake_llm_server_get_random_faults (AssayFakeLlmServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->n_random_faults;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* Chat requests that arrived inside a rate-limit window the server had
 * announced (by a 429 or 503 with Retry-After, retry-after-ms or
 * x-ratelimit-reset-requests). */
guint
assay_fake_llm_server_get_early_requests (AssayFakeLlmServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->early;
  g_mutex_unlock (&self->mutex);

  return n;
}
