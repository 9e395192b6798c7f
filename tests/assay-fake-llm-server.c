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

typedef struct
{
  AssayFakeLlmFault  fault;
  char              *body;
  char              *retry_after;
  char              *retry_after_ms;
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
} Reply;

static void
queued_fault_free (gpointer data)
{
  QueuedFault *queued = data;

  g_free (queued->body);
  g_free (queued->retry_after);
  g_free (queued->retry_after_ms);
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
  g_string_append (str, "]}");

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
  guint n_pieces = 6;
  guint length_above;

  g_mutex_lock (&self->mutex);
  length_above = self->length_above_pages;
  g_mutex_unlock (&self->mutex);

  if (kind == ASSAY_FAKE_LLM_FAULT_LENGTH ||
      (length_above > 0 && reply->pages->len > length_above))
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
                                quoted, finish, reply->request_bytes / 4, n_pieces);
      else
        body = g_strdup_printf ("{\"id\":\"fake-1\",\"object\":\"chat.completion\","
                                "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                                "\"content\":%s},\"finish_reason\":\"%s\"}],"
                                "\"usage\":{\"prompt_tokens\":%" G_GSIZE_FORMAT ","
                                "\"completion_tokens\":%u}}",
                                quoted, finish, reply->request_bytes / 4, n_pieces);

      soup_message_headers_set_content_type (headers, "application/json", NULL);
      append (msg, body);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      return;
    }

  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers,
                                         reply->ollama ? "application/x-ndjson" : "text/event-stream",
                                         NULL);

  for (guint i = 0; i < n_pieces; i++)
    {
      gsize start = answer_len * i / n_pieces;
      gsize end = answer_len * (i + 1) / n_pieces;
      g_autofree char *piece = g_strndup (answer + start, end - start);
      g_autofree char *quoted = json_quote (piece);
      g_autofree char *line = NULL;

      /* Keep UTF-8 whole: the answers here are ASCII. */
      if (reply->ollama)
        line = g_strdup_printf ("{\"model\":\"fake\",\"message\":{\"role\":\"assistant\","
                                "\"content\":%s},\"done\":false}\n", quoted);
      else
        line = g_strdup_printf ("data: {\"id\":\"fake-1\",\"choices\":[{\"index\":0,"
                                "\"delta\":{\"content\":%s},\"finish_reason\":null}]}\n\n", quoted);
      append (msg, line);

      if (i == n_pieces / 2 && kind == ASSAY_FAKE_LLM_FAULT_STREAM_CUT)
        {
          soup_message_body_complete (soup_server_message_get_response_body (msg));
          return;
        }

      if (i == n_pieces / 2 && kind == ASSAY_FAKE_LLM_FAULT_STREAM_ERROR)
        {
          if (reply->ollama)
            append (msg, "{\"error\":\"the model runner crashed\"}\n");
          else
            append (msg, "data: {\"error\":{\"message\":\"The model runner crashed\","
                    "\"type\":\"server_error\"}}\n\n");
          soup_message_body_complete (soup_server_message_get_response_body (msg));
          return;
        }
    }

  if (reply->ollama)
    {
      g_autofree char *last =
        g_strdup_printf ("{\"model\":\"fake\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                         "\"done\":true,\"done_reason\":\"%s\",\"prompt_eval_count\":%"
                         G_GSIZE_FORMAT ",\"eval_count\":%u}\n",
                         finish, reply->request_bytes / 4, n_pieces);
      append (msg, last);
    }
  else
    {
      g_autofree char *last =
        g_strdup_printf ("data: {\"id\":\"fake-1\",\"choices\":[{\"index\":0,\"delta\":{},"
                         "\"finish_reason\":\"%s\"}]}\n\n", finish);
      append (msg, last);
      if (reply->include_usage)
        {
          g_autofree char *usage =
            g_strdup_printf ("data: {\"id\":\"fake-1\",\"choices\":[],\"usage\":{"
                             "\"prompt_tokens\":%" G_GSIZE_FORMAT ",\"completion_tokens\":%u}}\n\n",
                             reply->request_bytes / 4, n_pieces);
          append (msg, usage);
        }
      append (msg, "data: [DONE]\n\n");
    }

  soup_message_body_complete (soup_server_message_get_response_body (msg));
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
      soup_server_message_set_status (msg, reply->fault->fault.status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        body, strlen (body));
      return;
    }

  send_answer (reply);
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  Reply *reply = user_data;

  SoupServerMessage *msg = reply->msg;
  gboolean disconnect = reply->fault != NULL &&
                        reply->fault->fault.kind == ASSAY_FAKE_LLM_FAULT_DISCONNECT;

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
  g_ptr_array_add (self->records, record);
  reply->fault = g_queue_pop_head (&self->faults);
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
