/* assay-llm-call.h — HTTP exchanges with a model server, K at a time
 *
 * The dispatcher owns one SoupSession and a queue. At most `max_requests`
 * requests are on the wire at once across everything that uses it; the
 * rest wait in the queue. Each call retries by itself (see
 * assay-llm-retry.h), waiting on a main-loop timeout without holding a
 * slot, times out when no byte arrived for `timeout_seconds`, caps the
 * response size, and decodes the body with an AssayLlmStreamDecoder.
 * A rate limit the endpoint announces (a 429 or 503 with retry-after-ms
 * or Retry-After, or x-ratelimit-remaining-requests/-tokens: 0 with its
 * x-ratelimit-reset-*) holds every new request of the dispatcher until it
 * ends; requests on the wire finish.
 * Cancelling a call's cancellable completes it at once with
 * G_IO_ERROR_CANCELLED and aborts its request.
 *
 * Main thread only (the thread that created the dispatcher).
 */
#pragma once

#include <gio/gio.h>

#include "assay-llm-config.h"
#include "assay-llm-stream.h"

G_BEGIN_DECLS

typedef struct _AssayLlmDispatcher AssayLlmDispatcher;

typedef struct
{
  char    *content;          /* chat: the answer text */
  char    *finish_reason;    /* chat: nullable */
  gint64   prompt_tokens;    /* -1 when the server did not say */
  gint64   completion_tokens;
  guint64  n_deltas;
  GBytes  *body;             /* raw calls: the body */
  guint    retries;          /* retries this call needed */
} AssayLlmCallResult;

typedef struct
{
  guint64 requests;          /* HTTP requests sent, retries included */
  guint64 retries;
  guint   in_flight;
  guint   max_in_flight;     /* the most seen at once, client side */
  guint64 rate_limit_windows; /* windows the endpoint announced (429/503, x-ratelimit-*) */
  gint64  max_read_dispatch_us; /* the longest main-loop dispatch reading and decoding a
                                 * body, in thread CPU time */
} AssayLlmDispatcherStats;

/* Called on the main thread as a streamed answer grows. */
typedef void (*AssayLlmCallProgress) (guint64  n_deltas,
                                      gpointer user_data);
/* Called on the main thread when the call starts or stops waiting for the
 * endpoint's rate limit: @until_us monotonic, 0 when it no longer waits. */
typedef void (*AssayLlmCallWaiting)  (gint64   until_us,
                                      gpointer user_data);

AssayLlmDispatcher *assay_llm_dispatcher_new        (const AssayLlmConfig     *config);
AssayLlmDispatcher *assay_llm_dispatcher_ref        (AssayLlmDispatcher       *self);
void                assay_llm_dispatcher_unref      (AssayLlmDispatcher       *self);
void                assay_llm_dispatcher_get_stats  (AssayLlmDispatcher       *self,
                                                     AssayLlmDispatcherStats  *stats);
void                assay_llm_dispatcher_call_async (AssayLlmDispatcher       *self,
                                                     const char               *method,
                                                     const char               *url,
                                                     GBytes                   *body,
                                                     gboolean                  raw,
                                                     AssayLlmStreamFormat      format,
                                                     gint64                    deadline,
                                                     AssayLlmCallProgress      progress,
                                                     AssayLlmCallWaiting       waiting,
                                                     gpointer                  progress_data,
                                                     GCancellable             *cancellable,
                                                     GAsyncReadyCallback       callback,
                                                     gpointer                  user_data);
AssayLlmCallResult *assay_llm_dispatcher_call_finish (GAsyncResult            *result,
                                                     GError                  **error);
void                assay_llm_call_result_free      (AssayLlmCallResult       *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLlmCallResult, assay_llm_call_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLlmDispatcher, assay_llm_dispatcher_unref)

G_END_DECLS
