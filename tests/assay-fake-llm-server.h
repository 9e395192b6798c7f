/* assay-fake-llm-server.h — a model server for tests, on loopback
 *
 * A SoupServer on 127.0.0.1 (a free port) running in its own thread and
 * GMainContext. It speaks OpenAI-compatible /v1/chat/completions (SSE when
 * asked to stream) and /v1/models, and Ollama's /api/chat (NDJSON when
 * streaming) and /api/tags.
 *
 * Its answer to a chat request is valid for the template whose fields
 * object was set (assay_fake_llm_server_set_fields()): one figure per
 * "=== Page N ===" marker in the last user message, {"label": "Figure on
 * page N", "value": N * 100, "raw": "N00", "page": N}.
 *
 * Streamed answers come token by token as real servers send them: an SSE
 * event (or NDJSON line) per token of 1–9 bytes, each its own HTTP chunk,
 * comment lines, CRLF on odd-numbered requests and LF on even ones, and
 * every multi-byte character of an event cut across two writes; spread
 * over set_stream_ms() when set.
 *
 * A 429 or 503 fault that names a delay announces a window to every
 * client: chat requests arriving inside it are refused and counted.
 *
 * Faults are queued and each applies to the next chat request. The server
 * records what the client really did: requests, requests in flight at once,
 * arrival times, bodies and Authorization headers.
 *
 * Functions are called from the test's thread; they lock as needed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_FAKE_LLM_FAULT_NONE,          /* a normal answer (after delay_ms) */
  ASSAY_FAKE_LLM_FAULT_STATUS,        /* status, body, retry-after headers */
  ASSAY_FAKE_LLM_FAULT_STREAM_CUT,    /* a streamed answer that stops halfway, no end marker */
  ASSAY_FAKE_LLM_FAULT_STREAM_ERROR,  /* an error object in the middle of the stream */
  ASSAY_FAKE_LLM_FAULT_OVERSIZED,     /* a 200 body of `size` bytes */
  ASSAY_FAKE_LLM_FAULT_PROSE,         /* the answer in prose and a code fence */
  ASSAY_FAKE_LLM_FAULT_INVALID,       /* an answer whose fields are not an object */
  ASSAY_FAKE_LLM_FAULT_LENGTH,        /* half the answer, finish_reason "length" */
  ASSAY_FAKE_LLM_FAULT_DISCONNECT,    /* close the connection without answering */
  ASSAY_FAKE_LLM_FAULT_BROKEN_JSON,   /* a 200 whose JSON breaks off (streamed: one bad event) */
} AssayFakeLlmFaultKind;

typedef struct
{
  AssayFakeLlmFaultKind  kind;
  guint                  status;          /* STATUS */
  const char            *body;            /* STATUS: the body, JSON */
  const char            *retry_after;     /* STATUS: header value, nullable */
  const char            *retry_after_ms;  /* STATUS: header value, nullable */
  guint                  delay_ms;        /* before answering, on top of the latency */
  gsize                  size;            /* OVERSIZED */
  const char            *ratelimit_reset; /* STATUS: x-ratelimit-remaining-requests: 0 and
                                           * x-ratelimit-reset-requests: this ("1s", "20ms") */
} AssayFakeLlmFault;

typedef struct _AssayFakeLlmServer AssayFakeLlmServer;

AssayFakeLlmServer *assay_fake_llm_server_new             (void);
void                assay_fake_llm_server_free            (AssayFakeLlmServer      *self);
char               *assay_fake_llm_server_dup_url         (AssayFakeLlmServer      *self,
                                                           const char              *scheme);
guint               assay_fake_llm_server_get_port        (AssayFakeLlmServer      *self);
void                assay_fake_llm_server_set_fields      (AssayFakeLlmServer      *self,
                                                           const char              *fields_json);
void                assay_fake_llm_server_set_latency     (AssayFakeLlmServer      *self,
                                                           guint                    latency_ms);
void                assay_fake_llm_server_set_api_key     (AssayFakeLlmServer      *self,
                                                           const char              *api_key);
void                assay_fake_llm_server_set_length_above_pages (AssayFakeLlmServer *self,
                                                           guint                    n_pages);
void                assay_fake_llm_server_push_fault      (AssayFakeLlmServer      *self,
                                                           const AssayFakeLlmFault *fault);
guint               assay_fake_llm_server_get_requests    (AssayFakeLlmServer      *self);
guint               assay_fake_llm_server_get_max_in_flight (AssayFakeLlmServer    *self);
guint               assay_fake_llm_server_get_in_flight   (AssayFakeLlmServer      *self);
gint64              assay_fake_llm_server_get_arrival     (AssayFakeLlmServer      *self,
                                                           guint                    index);
char               *assay_fake_llm_server_dup_body        (AssayFakeLlmServer      *self,
                                                           guint                    index);
char               *assay_fake_llm_server_dup_authorization (AssayFakeLlmServer    *self,
                                                           guint                    index);
void                assay_fake_llm_server_set_stream_ms   (AssayFakeLlmServer      *self,
                                                           guint                    stream_ms);
void                assay_fake_llm_server_set_answer_tokens (AssayFakeLlmServer    *self,
                                                           guint                    tokens);
void                assay_fake_llm_server_set_extra_members (AssayFakeLlmServer    *self,
                                                           const char              *members);
void                assay_fake_llm_server_set_random_faults (AssayFakeLlmServer    *self,
                                                           double                   rate,
                                                           guint32                  seed);
guint               assay_fake_llm_server_get_random_faults (AssayFakeLlmServer    *self);
guint               assay_fake_llm_server_get_early_requests (AssayFakeLlmServer   *self);
void                assay_fake_llm_server_reset           (AssayFakeLlmServer      *self);

void                assay_fake_llm_install_offline_resolver (void);

G_END_DECLS
