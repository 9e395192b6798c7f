/* assay-llm-retry.h — which failures to retry, how long to wait, what to say
 *
 * Pure functions, any thread. The policy follows the official OpenAI
 * client: retry connection errors, timeouts, 408, 409, 429 and 5xx; honour
 * retry-after-ms / retry-after; otherwise exponential backoff with jitter;
 * never retry 400/401/403/404 nor a 429 whose code is insufficient_quota.
 */
#pragma once

#include <gio/gio.h>

#include "assay-llm-config.h"

G_BEGIN_DECLS

#define ASSAY_LLM_RETRY_INITIAL_MS   500
#define ASSAY_LLM_RETRY_MAX_MS       8000
#define ASSAY_LLM_RETRY_AFTER_MAX_MS 60000
/* The longest rate-limit window an endpoint may announce. */
#define ASSAY_LLM_RATE_LIMIT_MAX_MS  (10 * 60 * 1000)

typedef struct
{
  char *message;   /* the server's error message, redacted; nullable */
  char *code;      /* "insufficient_quota", "model_not_found"; nullable */
  char *type;      /* OpenAI error "type"; nullable */
} AssayLlmServerError;

gboolean  assay_llm_retry_status_is_retryable  (guint                       status,
                                                const char                 *error_code);
gboolean  assay_llm_retry_error_is_retryable   (const GError               *error);
gint64    assay_llm_retry_parse_retry_after    (const char                 *retry_after_ms,
                                                const char                 *retry_after,
                                                gint64                      now_unix_seconds);
gint64    assay_llm_retry_parse_duration       (const char                 *duration);
gint64    assay_llm_retry_rate_limit_ms        (guint                       status,
                                                const char                 *retry_after_ms,
                                                const char                 *retry_after,
                                                const char                 *remaining_requests,
                                                const char                 *reset_requests,
                                                const char                 *remaining_tokens,
                                                const char                 *reset_tokens,
                                                gint64                      now_unix_seconds);
guint     assay_llm_retry_backoff_ms           (guint                       retry_index,
                                                double                      jitter,
                                                gint64                      retry_after_ms);
void      assay_llm_server_error_parse         (const char                 *body,
                                                gsize                       length,
                                                const char                 *api_key,
                                                AssayLlmServerError        *out);
void      assay_llm_server_error_clear         (AssayLlmServerError        *error);
GError   *assay_llm_retry_error_for_status     (guint                       status,
                                                const AssayLlmServerError  *server_error,
                                                const char                 *model,
                                                guint                       retries_done);
GError   *assay_llm_retry_error_for_transport  (const GError               *error,
                                                const char                 *host);
char     *assay_llm_redact                     (const char                 *text,
                                                const char                 *api_key);

G_END_DECLS
