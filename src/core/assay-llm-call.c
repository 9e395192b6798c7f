/* assay-llm-call.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-call"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "assay-llm-buffered.h"
#include "assay-llm-call.h"
#include "assay-llm-retry.h"

/* An error body is read this far for its message, no further. */
#define MAX_ERROR_BODY (64 * 1024)
#define READ_SIZE      (64 * 1024)
/* A wake-up reads what has arrived for at most this long before it lets
 * the main loop run again. */
#define READ_BUDGET_US 1000
/* A streamed body is read about this often (5 to 10 ms apart, with the
 * slack below): what arrives in between waits in the socket buffer and is
 * read in one go, instead of one main loop dispatch per token. Longer
 * saves little CPU (the cost is per event) and makes answers end later. */
#define READ_PACE_MS   10
/* A paced read is taken this much early when the dispatcher wakes up for
 * another one anyway: the streams are read together, in one wake-up. */
#define READ_PACE_SLACK_US (5 * 1000)
/* A wake-up of the pace reads no further stream once it has run this
 * long, or once an answer it read has ended (the caller's handling of it
 * ran in that dispatch); the rest are read in the next main-loop
 * iteration. */
#define PACE_BUDGET_US 500
/* A wait for readability looks again after this long in any case. */
#define READ_RECHECK_US (250 * 1000)
/* Streamed progress reaches the caller at most 20 times a second. */
#define PROGRESS_INTERVAL_US (50 * 1000)

struct _AssayLlmDispatcher
{
  AssayLlmConfig          *config;
  SoupSession             *session;
  char                    *host;
  GQueue                   queue;      /* Call*, each with a reference */
  AssayLlmDispatcherStats  stats;
  gint64                   blocked_until;  /* rate-limit window: monotonic µs, 0 none */
  guint                    unblock_id;
  guint                    pump_id;
  GQueue                   paced;      /* Call*, each with a reference, by due time */
  GSource                 *pace_source;
};

typedef struct
{
  AssayLlmDispatcher    *dispatcher;
  GTask                 *task;            /* until completed */
  char                  *method;
  char                  *url;
  GBytes                *body;
  gboolean               raw;
  AssayLlmStreamFormat   format;
  gint64                 deadline;        /* monotonic µs, 0: none */
  AssayLlmCallProgress   progress;
  AssayLlmCallWaiting    waiting;
  gpointer               progress_data;
  gint64                 waiting_until;   /* what the caller was last told */
  GSource               *cancel_source;
  guint                  retries_done;
  guint                  retry_id;
  gboolean               queued;

  /* The attempt on the wire. */
  GCancellable          *attempt_cancellable;
  SoupMessage           *msg;
  GInputStream          *stream;
  AssayLlmStreamDecoder *decoder;
  GByteArray            *buffer;          /* raw body, or an error body */
  gsize                  received;
  guint                  status;
  gboolean               holds_slot;
  gboolean               timed_out;
  gboolean               at_eof;          /* the body was read to its end */
  gboolean               read_any;        /* this wake-up read something */
  gint64                 window_ms;       /* the rate-limit window the response announced */
  gint64                 wait_started;    /* when the wait for readability began, 0 none */
  GSource               *timer;           /* inactivity, against last_activity */
  gint64                 last_activity;   /* monotonic µs of the last byte */
  GSource               *read_source;     /* waiting for the stream to be readable */
  GList                  pace_link;       /* in dispatcher->paced, data set while there */
  gint64                 pace_due;        /* monotonic µs */
  guint64                last_deltas;
  gint64                 last_progress;
  char                  *chunk;           /* READ_SIZE bytes */
} Call;

static void dispatcher_pump     (AssayLlmDispatcher *self);
static void dispatcher_pump_now (AssayLlmDispatcher *self);
static void call_start_attempt  (Call               *call);
static void call_read_next      (Call               *call);
static void call_unpace         (Call               *call);

/**
 * assay_llm_dispatcher_new:
 * @config: validated with assay_llm_config_validate_endpoint(); copied
 *
 * Main thread. The session verifies TLS certificates, follows no
 * redirects (the text goes only to the configured endpoint) and allows a
 * few more connections per host than requests in flight, so that the
 * dispatcher's own limit is the one that counts.
 *
 * Returns: (transfer full): a new dispatcher
 */
AssayLlmDispatcher *
assay_llm_dispatcher_new (const AssayLlmConfig *config)
{
  AssayLlmDispatcher *self;
  g_autoptr(GProxyResolver) resolver = NULL;
  guint k;

  g_return_val_if_fail (config != NULL, NULL);

  k = MAX (config->max_requests, 1);

  self = g_rc_box_new0 (AssayLlmDispatcher);
  self->config = assay_llm_config_copy (config);
  self->host = assay_llm_config_dup_host (config);
  if (self->host == NULL)
    self->host = g_strdup ("?");
  g_queue_init (&self->queue);
  resolver = assay_llm_buffered_proxy_resolver_new ();
  self->session = soup_session_new_with_options ("max-conns", k + 4,
                                                 "max-conns-per-host", k + 2,
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                 "proxy-resolver", resolver,
                                                 NULL);

  return self;
}

AssayLlmDispatcher *
assay_llm_dispatcher_ref (AssayLlmDispatcher *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_rc_box_acquire (self);
}

static void
dispatcher_clear (gpointer data)
{
  AssayLlmDispatcher *self = data;

  /* Every call holds a reference: nothing can be queued now. */
  g_assert (g_queue_is_empty (&self->queue));
  g_assert (g_queue_is_empty (&self->paced));

  if (self->pace_source != NULL)
    {
      g_source_destroy (self->pace_source);
      g_clear_pointer (&self->pace_source, g_source_unref);
    }
  g_clear_handle_id (&self->unblock_id, g_source_remove);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_object (&self->session);
  g_clear_pointer (&self->config, assay_llm_config_free);
  g_clear_pointer (&self->host, g_free);
}

void
assay_llm_dispatcher_unref (AssayLlmDispatcher *self)
{
  g_return_if_fail (self != NULL);

  g_rc_box_release_full (self, dispatcher_clear);
}

/**
 * assay_llm_dispatcher_get_stats:
 * @stats: (out caller-allocates): the counters so far
 */
void
assay_llm_dispatcher_get_stats (AssayLlmDispatcher      *self,
                                AssayLlmDispatcherStats *stats)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

void
assay_llm_call_result_free (AssayLlmCallResult *result)
{
  if (result == NULL)
    return;

  g_free (result->content);
  g_free (result->finish_reason);
  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result);
}

/* Calls. */

static void
call_clear (gpointer data)
{
  Call *call = data;

  g_assert (call->task == NULL);
  g_assert (call->msg == NULL);
  g_assert (call->retry_id == 0);
  g_assert (call->read_source == NULL);
  g_assert (call->pace_link.data == NULL);
  g_assert (!call->holds_slot);

  if (call->timer != NULL)
    {
      g_source_destroy (call->timer);
      g_clear_pointer (&call->timer, g_source_unref);
    }
  g_clear_pointer (&call->chunk, g_free);

  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }

  g_clear_pointer (&call->dispatcher, assay_llm_dispatcher_unref);
  g_clear_pointer (&call->method, g_free);
  g_clear_pointer (&call->url, g_free);
  g_clear_pointer (&call->body, g_bytes_unref);
}

static Call *
call_ref (Call *call)
{
  return g_rc_box_acquire (call);
}

static void
call_unref (gpointer data)
{
  g_rc_box_release_full (data, call_clear);
}

/* Tells the caller until when the call waits for a rate limit (0: no
 * longer), once per change. */
static void
call_set_waiting (Call   *call,
                  gint64  until)
{
  if (call->waiting_until == until)
    return;

  call->waiting_until = until;
  if (call->waiting != NULL && call->task != NULL)
    call->waiting (until, call->progress_data);
}

static gboolean
dispatcher_unblock_cb (gpointer user_data)
{
  AssayLlmDispatcher *self = user_data;

  self->unblock_id = 0;
  dispatcher_pump_now (self);

  return G_SOURCE_REMOVE;
}

/* The endpoint asked every client to hold new requests for @window_ms:
 * none is sent before then; those on the wire go on. */
static void
dispatcher_block (AssayLlmDispatcher *self,
                  gint64              window_ms)
{
  gint64 until = g_get_monotonic_time () + window_ms * 1000;

  if (until <= self->blocked_until)
    return;

  g_debug ("The model server %s asks to hold requests for %" G_GINT64_FORMAT " ms",
           self->host, window_ms);
  self->blocked_until = until;
  self->stats.rate_limit_windows++;
  g_clear_handle_id (&self->unblock_id, g_source_remove);
  self->unblock_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) window_ms + 1,
                                         dispatcher_unblock_cb, self, NULL);
}

/* Ends the attempt on the wire, if any, and frees its slot. */
static void
call_end_attempt (Call *call)
{
  if (call->timer != NULL)
    g_source_set_ready_time (call->timer, -1);

  if (call->holds_slot)
    {
      call->holds_slot = FALSE;
      call->dispatcher->stats.in_flight--;
    }

  if (call->read_source != NULL)
    {
      g_source_destroy (call->read_source);
      g_clear_pointer (&call->read_source, g_source_unref);
    }
  call_unpace (call);

  /* A body not read to its end: abort the message, do not reuse the
   * connection. */
  if (call->stream != NULL && call->attempt_cancellable != NULL && !call->at_eof)
    g_cancellable_cancel (call->attempt_cancellable);

  g_clear_object (&call->stream);
  g_clear_object (&call->msg);
  g_clear_object (&call->attempt_cancellable);
  g_clear_pointer (&call->decoder, assay_llm_stream_decoder_free);
  g_clear_pointer (&call->buffer, g_byte_array_unref);
  call->received = 0;
  call->status = 0;
  call->timed_out = FALSE;
  call->at_eof = FALSE;
  call->window_ms = -1;
  call->last_deltas = 0;
  call->last_progress = 0;
}

/* Gives the caller its answer; later events of the call are dropped. */
static void
call_complete (Call               *call,
               AssayLlmCallResult *result,
               GError             *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&call->task);

  if (task == NULL)
    {
      assay_llm_call_result_free (result);
      g_clear_error (&error);
      return;
    }

  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) assay_llm_call_result_free);
}

static gboolean
call_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Call *call = user_data;

  if (call->queued)
    {
      call->queued = FALSE;
      g_queue_remove (&call->dispatcher->queue, call);
      call_unref (call);
    }

  g_clear_handle_id (&call->retry_id, g_source_remove);

  /* Aborts the request on the wire; its callback frees the slot. */
  if (call->attempt_cancellable != NULL)
    g_cancellable_cancel (call->attempt_cancellable);

  call_complete (call, NULL,
                 g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("The extraction was cancelled.")));

  return G_SOURCE_REMOVE;
}

static gboolean
call_retry_cb (gpointer user_data)
{
  Call *call = user_data;

  call->retry_id = 0;

  if (call->task == NULL)
    return G_SOURCE_REMOVE;

  /* A retry goes first: its document is already under way. */
  call->queued = TRUE;
  g_queue_push_head (&call->dispatcher->queue, call_ref (call));
  dispatcher_pump (call->dispatcher);

  return G_SOURCE_REMOVE;
}

/* Retries @error's request if it may help and time allows, otherwise
 * completes with @error. Takes @error. */
static void
call_retry_or_fail (Call   *call,
                    GError *error,
                    gint64  retry_after_ms)
{
  guint delay_ms;

  if (call->task == NULL)
    {
      g_error_free (error);
      return;
    }

  if (!assay_llm_retry_error_is_retryable (error) ||
      call->retries_done >= call->dispatcher->config->retries)
    {
      call_complete (call, NULL, error);
      return;
    }

  delay_ms = assay_llm_retry_backoff_ms (call->retries_done, g_random_double (), retry_after_ms);

  if (call->deadline > 0 && g_get_monotonic_time () + (gint64) delay_ms * 1000 > call->deadline)
    {
      call_complete (call, NULL, error);
      return;
    }

  g_debug ("Retrying a request to %s in %u ms (retry %u): %s",
           call->dispatcher->host, delay_ms, call->retries_done + 1, error->message);
  g_error_free (error);

  /* The server named the delay: the document shows it waits. */
  if (retry_after_ms > 0)
    call_set_waiting (call, g_get_monotonic_time () + (gint64) delay_ms * 1000);

  call->retries_done++;
  call->dispatcher->stats.retries++;
  call->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms,
                                       call_retry_cb, call_ref (call), call_unref);
}

/* A transport failure, a timeout, or a decoding failure. Takes @error. */
static void
call_attempt_failed (Call   *call,
                     GError *error)
{
  if (call->timed_out)
    {
      g_clear_error (&error);
      error = g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT,
                           _("The model server “%s” sent nothing for %u seconds. Raise the "
                             "timeout if the model is slow, or check the server."),
                           call->dispatcher->host, call->dispatcher->config->timeout_seconds);
    }
  else if (error->domain != ASSAY_LLM_ERROR)
    {
      GError *converted = assay_llm_retry_error_for_transport (error, call->dispatcher->host);

      g_error_free (error);
      error = converted;
    }

  call_end_attempt (call);
  call_retry_or_fail (call, error, -1);
  dispatcher_pump (call->dispatcher);
}

/* The inactivity timer is one source per call, set to fire when
 * `timeout_seconds` have passed since the last byte; reads only move the
 * timestamp, and the timer, when it fires early, moves itself. */
static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  g_source_set_ready_time (source, -1);

  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = { NULL, NULL, ready_time_dispatch, NULL, NULL, NULL };

static void call_read_failed (Call   *call,
                              GError *error);

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;
  gint64 due = call->last_activity +
               (gint64) call->dispatcher->config->timeout_seconds * G_USEC_PER_SEC;

  if (call->attempt_cancellable == NULL)
    return G_SOURCE_CONTINUE;

  if (g_get_monotonic_time () < due)
    {
      g_source_set_ready_time (call->timer, due);
      return G_SOURCE_CONTINUE;
    }

  g_debug ("No byte from %s for %u s (%s, %" G_GSIZE_FORMAT " bytes of the body read)",
           call->dispatcher->host, call->dispatcher->config->timeout_seconds,
           call->stream == NULL ? "waiting for the response headers" : "reading the body",
           call->received);
  call->timed_out = TRUE;
  if (call->read_source != NULL || call->pace_link.data != NULL)
    {
      /* The timer holds no reference, and ending the attempt drops the
       * read's (and completing the call the task's): the call may be
       * gone before call_read_failed() returns without this one. */
      call_ref (call);
      call_read_failed (call, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out"));
      call_unref (call);
    }
  else
    g_cancellable_cancel (call->attempt_cancellable);

  return G_SOURCE_CONTINUE;
}

static void
call_arm_timeout (Call *call)
{
  call->last_activity = g_get_monotonic_time ();

  if (call->timer == NULL)
    {
      call->timer = g_source_new (&ready_time_funcs, sizeof (GSource));
      g_source_set_static_name (call->timer, "assay-llm-call-timeout");
      g_source_set_callback (call->timer, call_timeout_cb, call, NULL);
      g_source_attach (call->timer, g_main_context_get_thread_default ());
    }

  g_source_set_ready_time (call->timer,
                           call->last_activity +
                           (gint64) call->dispatcher->config->timeout_seconds * G_USEC_PER_SEC);
}

static void
call_finish_error_status (Call *call)
{
  AssayLlmDispatcher *dispatcher = call->dispatcher;
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->msg);
  AssayLlmServerError server_error;
  GError *error;
  gint64 retry_after = -1;
  guint status = call->status;

  assay_llm_server_error_parse (call->buffer != NULL ? (const char *) call->buffer->data : NULL,
                                call->buffer != NULL ? call->buffer->len : 0,
                                dispatcher->config->api_key,
                                &server_error);

  if (status >= 300 && status < 400)
    {
      g_autofree char *location =
        assay_llm_redact (soup_message_headers_get_one (headers, "Location"),
                          dispatcher->config->api_key);

      error = g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_BAD_REQUEST,
                           _("The model server answered with a redirect (HTTP %u) to “%s”. "
                             "Assay does not follow redirects: use that address as the server "
                             "URL if you trust it."),
                           status, location != NULL ? location : "");
    }
  else
    {
      if (assay_llm_retry_status_is_retryable (status, server_error.code))
        {
          retry_after = assay_llm_retry_parse_retry_after (
            soup_message_headers_get_one (headers, "retry-after-ms"),
            soup_message_headers_get_one (headers, "retry-after"),
            g_get_real_time () / G_USEC_PER_SEC);
          if (retry_after < 0 && call->window_ms > 0)
            retry_after = call->window_ms;
        }

      error = assay_llm_retry_error_for_status (status, &server_error,
                                                dispatcher->config->model,
                                                call->retries_done);

      /* The 4xx that are not worth retrying say so in their domain code. */
      if (!assay_llm_retry_status_is_retryable (status, server_error.code) &&
          assay_llm_retry_error_is_retryable (error))
        error->code = ASSAY_LLM_ERROR_BAD_REQUEST;
    }

  /* Keep the server's own words for callers that decide on them. */
  if (server_error.message != NULL)
    g_object_set_data_full (G_OBJECT (call->task), "server-message",
                            g_steal_pointer (&server_error.message), g_free);
  assay_llm_server_error_clear (&server_error);

  call_end_attempt (call);
  call_retry_or_fail (call, error, retry_after);
  dispatcher_pump (dispatcher);
}

static void
call_finish_success (Call *call)
{
  AssayLlmDispatcher *dispatcher = call->dispatcher;
  g_autoptr(AssayLlmCallResult) result = g_new0 (AssayLlmCallResult, 1);
  g_autoptr(GError) error = NULL;

  result->prompt_tokens = -1;
  result->completion_tokens = -1;
  result->retries = call->retries_done;

  if (call->raw)
    result->body = g_byte_array_free_to_bytes (g_steal_pointer (&call->buffer));
  else
    {
      if (!assay_llm_stream_decoder_finish (call->decoder, &error))
        {
          call_attempt_failed (call, g_steal_pointer (&error));
          return;
        }

      result->content = g_strdup (assay_llm_stream_decoder_get_content (call->decoder));
      result->finish_reason = g_strdup (assay_llm_stream_decoder_get_finish_reason (call->decoder));
      result->prompt_tokens = assay_llm_stream_decoder_get_prompt_tokens (call->decoder);
      result->completion_tokens = assay_llm_stream_decoder_get_completion_tokens (call->decoder);
      result->n_deltas = assay_llm_stream_decoder_get_n_deltas (call->decoder);
    }

  call_end_attempt (call);
  call_complete (call, g_steal_pointer (&result), NULL);
  dispatcher_pump (dispatcher);
}

static gboolean
status_is_success (guint status)
{
  return status >= 200 && status < 300;
}

/* The stream failed, or the timer ran out, while reading. Takes @error. */
static void
call_read_failed (Call   *call,
                  GError *error)
{
  call_attempt_failed (call, error);
}

/* Handles @n bytes in call->chunk. Returns FALSE when the attempt ended. */
static gboolean
call_handle_data (Call  *call,
                  gsize  n)
{
  AssayLlmConfig *config = call->dispatcher->config;
  g_autoptr(GError) error = NULL;

  call->received += n;

  if (!status_is_success (call->status))
    {
      g_byte_array_append (call->buffer, (const guint8 *) call->chunk,
                           MIN (n, MAX_ERROR_BODY - MIN (call->buffer->len, MAX_ERROR_BODY)));
      if (call->received >= MAX_ERROR_BODY)
        {
          call_finish_error_status (call);
          return FALSE;
        }
      return TRUE;
    }

  if (call->raw)
    {
      if (call->received > config->max_response_bytes)
        {
          call_attempt_failed (call,
                               g_error_new_literal (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TOO_LARGE,
                                                    _("The model server’s answer is larger than "
                                                      "the size limit.")));
          return FALSE;
        }
      g_byte_array_append (call->buffer, (const guint8 *) call->chunk, n);
      return TRUE;
    }

  if (!assay_llm_stream_decoder_feed (call->decoder, call->chunk, n, &error))
    {
      call_attempt_failed (call, g_steal_pointer (&error));
      return FALSE;
    }

  return TRUE;
}

/* Progress once per wake-up at most, and at most 20 times a second. */
static void
call_report_progress (Call   *call,
                      gint64  now)
{
  guint64 deltas;

  if (call->progress == NULL || call->decoder == NULL)
    return;

  deltas = assay_llm_stream_decoder_get_n_deltas (call->decoder);
  if (deltas == call->last_deltas || now - call->last_progress < PROGRESS_INTERVAL_US)
    return;

  call->last_deltas = deltas;
  call->last_progress = now;
  call->progress (deltas, call->progress_data);
}

static void
call_handle_eof (Call *call)
{
  call->at_eof = TRUE;
  if (status_is_success (call->status))
    call_finish_success (call);
  else
    call_finish_error_status (call);
}

static void call_wait_readable (Call *call);
static void call_pace_read     (Call *call);

/* The stream has bytes (or an end, or an error): read everything that
 * has arrived, in blocks, without going back to the main loop for each
 * small chunk, for at most READ_BUDGET_US. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Reads what has arrived on @call's stream. */
static void
call_read_available (Call *call)
{
  gint64 start = g_get_monotonic_time ();
  gint64 now = start;
  gboolean reading = TRUE;
  guint n_reads = 0;
  GPollableInputStream *stream = G_POLLABLE_INPUT_STREAM (call->stream);

  if (call->wait_started > 0 && start - call->wait_started >= READ_RECHECK_US &&
      stream != NULL && g_pollable_input_stream_is_readable (stream))
    g_debug ("A response from %s became readable without its source firing",
             call->dispatcher->host);
  call->wait_started = 0;

  /* The socket is read once in this pass: what arrives while it is decoded
   * is taken next time, in one go. */
  assay_llm_buffered_begin_pass ();

  while (reading)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      if (call->task == NULL)
        {
          assay_llm_buffered_end_pass ();
          call_end_attempt (call);
          dispatcher_pump (call->dispatcher);
          break;
        }

      n = g_pollable_input_stream_read_nonblocking (stream, call->chunk, READ_SIZE, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          assay_llm_buffered_end_pass ();
          if (call->read_any)
            {
              now = g_get_monotonic_time ();
              call->last_activity = now;
            }
          call_report_progress (call, now);
          /* A stream gave data: more is likely on its way; come back for
           * it in a while. Otherwise wait until something comes: also
           * once the answer has its finish reason, when what is left (the
           * usage, the end marker) follows at once. */
          if (call->read_any && call->decoder != NULL && call->format != ASSAY_LLM_STREAM_WHOLE &&
              assay_llm_stream_decoder_get_finish_reason (call->decoder) == NULL)
            call_pace_read (call);
          else
            call_wait_readable (call);
          call->read_any = FALSE;
          break;
        }

      if (n <= 0)
        assay_llm_buffered_end_pass ();

      if (n < 0)
        {
          call_read_failed (call, g_steal_pointer (&error));
          break;
        }

      if (n == 0)
        {
          call_handle_eof (call);
          break;
        }

      call->read_any = TRUE;
      reading = call_handle_data (call, n);
      if (!reading)
        {
          assay_llm_buffered_end_pass ();
          break;
        }

      /* A streamed read is one event: the clock is looked at every few. */
      if (++n_reads % 16 != 0)
        continue;
      now = g_get_monotonic_time ();
      call->last_activity = now;
      if (now - start >= READ_BUDGET_US)
        {
          /* Let the rest of the main loop run; the source fires again at
           * once when more is buffered. */
          assay_llm_buffered_end_pass ();
          call_report_progress (call, now);
          call_wait_readable (call);
          break;
        }
    }
}

static gboolean
call_readable_cb (GObject  *pollable,
                  gpointer  user_data)
{
  Call *call = call_ref (user_data);
  AssayLlmDispatcher *dispatcher = assay_llm_dispatcher_ref (call->dispatcher);
  gint64 cpu_start = thread_cpu_us ();

  g_clear_pointer (&call->read_source, g_source_unref);
  call_read_available (call);
  dispatcher->stats.max_read_dispatch_us = MAX (dispatcher->stats.max_read_dispatch_us,
                                                thread_cpu_us () - cpu_start);

  assay_llm_dispatcher_unref (dispatcher);
  call_unref (call);

  return G_SOURCE_REMOVE;
}

/* Paced reads: one source per dispatcher reads every stream whose time
 * has come (or nearly), in one wake-up, instead of a timer per stream and
 * a wake-up each. */
static void
dispatcher_arm_pace (AssayLlmDispatcher *self)
{
  Call *head = g_queue_peek_head (&self->paced);

  g_source_set_ready_time (self->pace_source, head != NULL ? head->pace_due : -1);
}

static gboolean
dispatcher_pace_cb (gpointer user_data)
{
  AssayLlmDispatcher *self = assay_llm_dispatcher_ref (user_data);
  gint64 start = g_get_monotonic_time ();
  gint64 cpu_start = thread_cpu_us ();
  gboolean ended;
  Call *call;

  while ((call = g_queue_peek_head (&self->paced)) != NULL &&
         call->pace_due <= start + READ_PACE_SLACK_US)
    {
      /* The queue's reference is now this loop's. */
      g_queue_unlink (&self->paced, &call->pace_link);
      call->pace_link.data = NULL;
      call_read_available (call);
      ended = call->stream == NULL;
      call_unref (call);

      if (ended || g_get_monotonic_time () - start >= PACE_BUDGET_US)
        break;
    }

  self->stats.max_read_dispatch_us = MAX (self->stats.max_read_dispatch_us,
                                          thread_cpu_us () - cpu_start);
  dispatcher_arm_pace (self);
  assay_llm_dispatcher_unref (self);

  return G_SOURCE_CONTINUE;
}

static void
call_pace_read (Call *call)
{
  AssayLlmDispatcher *self = call->dispatcher;

  g_assert (call->read_source == NULL);
  g_assert (call->pace_link.data == NULL);

  if (self->pace_source == NULL)
    {
      self->pace_source = g_source_new (&ready_time_funcs, sizeof (GSource));
      g_source_set_static_name (self->pace_source, "assay-llm-pace");
      g_source_set_callback (self->pace_source, dispatcher_pace_cb, self, NULL);
      g_source_attach (self->pace_source, g_main_context_get_thread_default ());
    }

  call->pace_due = g_get_monotonic_time () + READ_PACE_MS * 1000;
  call->pace_link.data = call_ref (call);
  g_queue_push_tail_link (&self->paced, &call->pace_link);
  if (self->paced.length == 1)
    dispatcher_arm_pace (self);
}

/* Takes @call out of the paced reads, if it is there. */
static void
call_unpace (Call *call)
{
  AssayLlmDispatcher *self = call->dispatcher;
  gboolean was_head;

  if (call->pace_link.data == NULL)
    return;

  was_head = self->paced.head == &call->pace_link;
  g_queue_unlink (&self->paced, &call->pace_link);
  call->pace_link.data = NULL;
  if (was_head)
    dispatcher_arm_pace (self);
  call_unref (call);
}

static void
call_wait_readable (Call *call)
{
  g_assert (call->read_source == NULL);

  call->read_source =
    g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (call->stream), NULL);
  g_source_set_callback (call->read_source, G_SOURCE_FUNC (call_readable_cb),
                         call_ref (call), call_unref);
  /* libsoup's source can miss that its message became readable (seen
   * about once in a few hundred responses: the body complete, the source
   * never dispatched); look again now and then whatever it says. */
  call->wait_started = g_get_monotonic_time ();
  g_source_set_ready_time (call->read_source, call->wait_started + READ_RECHECK_US);
  g_source_attach (call->read_source, g_main_context_get_thread_default ());
}

/* Streams that cannot be polled: one asynchronous read at a time. */
static void
call_read_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  if (call->stream == NULL || G_INPUT_STREAM (source) != call->stream)
    ;  /* a stale read: that attempt was ended */
  else if (n < 0)
    call_attempt_failed (call, g_steal_pointer (&error));
  else if (call->task == NULL)
    {
      call_end_attempt (call);
      dispatcher_pump (call->dispatcher);
    }
  else if (n == 0)
    call_handle_eof (call);
  else
    {
      call->last_activity = g_get_monotonic_time ();
      if (call_handle_data (call, n))
        {
          call_report_progress (call, call->last_activity);
          call_read_next (call);
        }
    }

  call_unref (call);
}

static void
call_read_next (Call *call)
{
  if (G_IS_POLLABLE_INPUT_STREAM (call->stream) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (call->stream)))
    {
      call_wait_readable (call);
      return;
    }

  g_input_stream_read_async (call->stream,
                             call->chunk,
                             READ_SIZE,
                             G_PRIORITY_DEFAULT,
                             call->attempt_cancellable,
                             call_read_cb,
                             call_ref (call));
}

static void
call_sent_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream;

  stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);

  if (stream == NULL)
    call_attempt_failed (call, g_steal_pointer (&error));
  else if (call->task == NULL)
    {
      g_object_unref (stream);
      call_end_attempt (call);
      dispatcher_pump (call->dispatcher);
    }
  else
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (call->msg);

      call->stream = stream;
      call->status = soup_message_get_status (call->msg);

      /* A limit announced on any response holds for every request to the
       * endpoint, not only this one's retry. */
      call->window_ms = assay_llm_retry_rate_limit_ms (
        call->status,
        soup_message_headers_get_one (headers, "retry-after-ms"),
        soup_message_headers_get_one (headers, "retry-after"),
        soup_message_headers_get_one (headers, "x-ratelimit-remaining-requests"),
        soup_message_headers_get_one (headers, "x-ratelimit-reset-requests"),
        soup_message_headers_get_one (headers, "x-ratelimit-remaining-tokens"),
        soup_message_headers_get_one (headers, "x-ratelimit-reset-tokens"),
        g_get_real_time () / G_USEC_PER_SEC);
      if (call->window_ms > 0)
        dispatcher_block (call->dispatcher, call->window_ms);

      if (!status_is_success (call->status))
        call->buffer = g_byte_array_new ();
      else if (call->raw)
        call->buffer = g_byte_array_new ();
      else
        call->decoder = assay_llm_stream_decoder_new (call->format,
                                                      call->dispatcher->config->max_response_bytes);

      call_arm_timeout (call);
      call_read_next (call);
    }

  call_unref (call);
}

static void
call_start_attempt (Call *call)
{
  AssayLlmDispatcher *dispatcher = call->dispatcher;
  AssayLlmConfig *config = dispatcher->config;
  SoupMessageHeaders *headers;
  const char *accept;

  g_assert (call->msg == NULL);

  call->msg = soup_message_new (call->method, call->url);
  if (call->msg == NULL)
    {
      call_complete (call, NULL,
                     g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                                  _("The model server URL “%s” is not valid."), call->url));
      return;
    }

  /* Text goes only to the configured endpoint. */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (call->msg);
  if (call->raw || call->format == ASSAY_LLM_STREAM_WHOLE)
    accept = "application/json";
  else if (call->format == ASSAY_LLM_STREAM_NDJSON)
    accept = "application/x-ndjson, application/json";
  else
    accept = "text/event-stream, application/json";
  soup_message_headers_replace (headers, "Accept", accept);

  if (config->api_key != NULL && config->api_key[0] != '\0')
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", config->api_key, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (call->msg, "application/json", call->body);

  call_set_waiting (call, 0);
  call->attempt_cancellable = g_cancellable_new ();
  call->holds_slot = TRUE;
  dispatcher->stats.in_flight++;
  dispatcher->stats.max_in_flight = MAX (dispatcher->stats.max_in_flight,
                                         dispatcher->stats.in_flight);
  dispatcher->stats.requests++;

  call_arm_timeout (call);

  soup_session_send_async (dispatcher->session,
                           call->msg,
                           G_PRIORITY_DEFAULT,
                           call->attempt_cancellable,
                           call_sent_cb,
                           call_ref (call));
}


static gboolean
dispatcher_pump_cb (gpointer user_data)
{
  AssayLlmDispatcher *self = user_data;

  self->pump_id = 0;
  dispatcher_pump_now (self);

  return G_SOURCE_REMOVE;
}

/* New requests start from a source just below the default priority: what
 * has already arrived on the other connections (a 429 announcing a rate
 * limit above all) is handled first. */
static void
dispatcher_pump (AssayLlmDispatcher *self)
{
  if (self->pump_id != 0 || g_queue_is_empty (&self->queue))
    return;

  self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT + 1, dispatcher_pump_cb, self, NULL);
}

static void
dispatcher_pump_now (AssayLlmDispatcher *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->blocked_until > now)
    {
      /* Inside a rate-limit window: each waiting call learns until when,
       * and the queue moves again when it ends. */
      for (GList *l = self->queue.head; l != NULL; l = l->next)
        call_set_waiting (l->data, self->blocked_until);

      if (self->unblock_id == 0)
        self->unblock_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                               (guint) ((self->blocked_until - now + 999) / 1000),
                                               dispatcher_unblock_cb, self, NULL);
      return;
    }
  self->blocked_until = 0;

  while (self->stats.in_flight < self->config->max_requests && !g_queue_is_empty (&self->queue))
    {
      Call *call = g_queue_pop_head (&self->queue);

      call->queued = FALSE;
      if (call->task != NULL)
        call_start_attempt (call);
      call_unref (call);
    }
}

/**
 * assay_llm_dispatcher_call_async:
 * @method: "POST" or "GET"
 * @url: the endpoint
 * @body: (nullable): a JSON request body
 * @raw: %TRUE to get the body back as bytes; %FALSE to decode an answer
 *   with @format
 * @deadline: g_get_monotonic_time() after which no retry is started; 0 for
 *   none
 * @progress: (nullable) (scope call): called as a streamed answer grows;
 *   @progress_data must live until the call completes
 * @waiting: (nullable) (scope call): called with the monotonic time until
 *   which the call waits for the endpoint's rate limit, and with 0 when
 *   it no longer does
 *
 * Main thread. Queues the request until a slot is free.
 */
void
assay_llm_dispatcher_call_async (AssayLlmDispatcher   *self,
                                 const char           *method,
                                 const char           *url,
                                 GBytes               *body,
                                 gboolean              raw,
                                 AssayLlmStreamFormat  format,
                                 gint64                deadline,
                                 AssayLlmCallProgress  progress,
                                 AssayLlmCallWaiting   waiting,
                                 gpointer              progress_data,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  Call *call;

  g_return_if_fail (self != NULL);
  g_return_if_fail (method != NULL);
  g_return_if_fail (url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call = g_rc_box_new0 (Call);
  call->dispatcher = assay_llm_dispatcher_ref (self);
  call->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (call->task, assay_llm_dispatcher_call_async);
  g_task_set_task_data (call->task, call_ref (call), call_unref);
  call->method = g_strdup (method);
  call->url = g_strdup (url);
  call->body = body != NULL ? g_bytes_ref (body) : NULL;
  call->raw = raw;
  call->format = format;
  call->deadline = deadline;
  call->progress = progress;
  call->waiting = waiting;
  call->progress_data = progress_data;
  call->chunk = g_malloc (READ_SIZE);

  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb),
                             call_ref (call), call_unref);
      g_source_attach (call->cancel_source, g_main_context_get_thread_default ());
    }

  call->queued = TRUE;
  g_queue_push_tail (&self->queue, call);   /* takes the initial reference */
  dispatcher_pump (self);
}

/**
 * assay_llm_dispatcher_call_finish:
 *
 * On an HTTP error the task's "server-message" data holds the server's own
 * (redacted) message.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
AssayLlmCallResult *
assay_llm_dispatcher_call_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_llm_dispatcher_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
