/* assay-llm-config.h — how to reach a language model, and the limits
 *
 * A plain value: fill it in (start from assay_llm_config_init()), validate
 * it, hand a copy to the client. Also home of the LLM error domain shared by
 * the assay-llm-* modules.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_LLM_PROVIDER_OPENAI,   /* OpenAI-compatible /v1/chat/completions */
  ASSAY_LLM_PROVIDER_OLLAMA,   /* Ollama's native /api/chat */
} AssayLlmProvider;

#define ASSAY_LLM_ERROR (assay_llm_error_quark ())

typedef enum
{
  ASSAY_LLM_ERROR_CONFIG,            /* the configuration is not usable */
  ASSAY_LLM_ERROR_CONNECTION,        /* refused, reset, unreachable */
  ASSAY_LLM_ERROR_DNS,               /* the host name does not resolve */
  ASSAY_LLM_ERROR_TLS,               /* handshake or certificate failure */
  ASSAY_LLM_ERROR_TIMEOUT,           /* a request or the whole extraction took too long */
  ASSAY_LLM_ERROR_AUTH,              /* 401 / 403 */
  ASSAY_LLM_ERROR_NOT_FOUND,         /* 404: no such model or endpoint */
  ASSAY_LLM_ERROR_BAD_REQUEST,       /* 400 and other 4xx that are not retried */
  ASSAY_LLM_ERROR_QUOTA,             /* 429 insufficient_quota */
  ASSAY_LLM_ERROR_RATE_LIMITED,      /* 429, still after the retries */
  ASSAY_LLM_ERROR_SERVER,            /* 408/409/5xx, still after the retries */
  ASSAY_LLM_ERROR_TOO_LARGE,         /* the response passed the size cap */
  ASSAY_LLM_ERROR_STREAM,            /* malformed or truncated stream */
  ASSAY_LLM_ERROR_MODEL,             /* an error object from the model server */
  ASSAY_LLM_ERROR_INVALID_ANSWER,    /* the answer failed validation, also after repair */
  ASSAY_LLM_ERROR_TRUNCATED,         /* the answer was cut off, even for the smallest parts */
} AssayLlmError;

typedef struct
{
  char             *url;                     /* base URL: "http://127.0.0.1:11434",
                                              * "https://api.openai.com/v1" */
  AssayLlmProvider  provider;
  char             *model;
  char             *api_key;                 /* nullable; never logged or shown */
  guint             max_requests;            /* requests in flight at once; default 4 */
  guint             timeout_seconds;         /* a request with no bytes received for
                                              * this long fails; default 300 */
  guint             overall_timeout_seconds; /* one document's whole extraction,
                                              * retries included; 0: none; default 1800 */
  guint             retries;                 /* retries of one request; default 3 */
  gboolean          stream;                  /* default TRUE */
  guint             context_tokens;          /* 0: the provider default */
  gboolean          allow_insecure_http;     /* plain http to a non-loopback host */
  gsize             max_response_bytes;      /* cap on one response body; default 8 MiB */
  gboolean          structured_output;       /* send the schema as structured output
                                              * (default TRUE); FALSE: JSON mode */
} AssayLlmConfig;

#define ASSAY_LLM_DEFAULT_MAX_REQUESTS        4
#define ASSAY_LLM_DEFAULT_TIMEOUT_SECONDS     300
#define ASSAY_LLM_DEFAULT_OVERALL_SECONDS     1800
#define ASSAY_LLM_DEFAULT_RETRIES             3
#define ASSAY_LLM_DEFAULT_MAX_RESPONSE_BYTES  (8 * 1024 * 1024)
#define ASSAY_LLM_DEFAULT_CONTEXT_OLLAMA      8192
#define ASSAY_LLM_DEFAULT_CONTEXT_OPENAI      16384

GQuark           assay_llm_error_quark                (void);

void             assay_llm_config_init                (AssayLlmConfig        *config,
                                                       AssayLlmProvider       provider);
void             assay_llm_config_clear               (AssayLlmConfig        *config);
AssayLlmConfig  *assay_llm_config_copy                (const AssayLlmConfig  *config);
void             assay_llm_config_free                (AssayLlmConfig        *config);
gboolean         assay_llm_config_validate_endpoint   (const AssayLlmConfig  *config,
                                                       GError               **error);
gboolean         assay_llm_config_validate            (const AssayLlmConfig  *config,
                                                       GError               **error);
guint            assay_llm_config_get_context_tokens  (const AssayLlmConfig  *config);
char            *assay_llm_config_build_url           (const AssayLlmConfig  *config,
                                                       const char            *what);
char            *assay_llm_config_dup_host            (const AssayLlmConfig  *config);
gboolean         assay_llm_host_is_loopback           (const char            *host);

const char      *assay_llm_provider_to_string         (AssayLlmProvider       provider);
gboolean         assay_llm_provider_from_string       (const char            *str,
                                                       AssayLlmProvider      *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLlmConfig, assay_llm_config_free)

G_END_DECLS
