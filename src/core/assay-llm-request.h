/* assay-llm-request.h — the prompts and request bodies sent to a model
 *
 * Pure; any thread. OpenAI-compatible bodies for /v1/chat/completions and
 * Ollama bodies for /api/chat, with the template's schema as structured
 * output, as JSON mode, or only in the prompt.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "assay-llm-config.h"
#include "assay-template.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_LLM_OUTPUT_SCHEMA,   /* response_format json_schema / Ollama format: schema */
  ASSAY_LLM_OUTPUT_JSON,     /* response_format json_object / Ollama format: "json" */
  ASSAY_LLM_OUTPUT_PROMPT,   /* nothing but the schema in the prompt */
} AssayLlmOutputMode;

typedef struct
{
  char *role;      /* "system", "user", "assistant" */
  char *content;
} AssayLlmMessage;

typedef struct
{
  AssayLlmProvider    provider;
  const char         *model;
  AssayLlmOutputMode  mode;
  JsonNode           *schema;         /* for ASSAY_LLM_OUTPUT_SCHEMA */
  gboolean            stream;
  guint               context_tokens; /* Ollama num_ctx */
  guint               max_output_tokens; /* Ollama num_predict; 0: not set */
  gboolean            raise_output_limit; /* OpenAI: send max_tokens too (it is left to
                                           * the server otherwise) */
} AssayLlmRequestOptions;

AssayLlmMessage *assay_llm_message_new                (const char                   *role,
                                                       const char                   *content);
void             assay_llm_message_free               (AssayLlmMessage              *message);
char            *assay_llm_request_build_system_prompt (AssayTemplate               *template_,
                                                       JsonNode                     *schema);
char            *assay_llm_request_build_user_prompt  (guint                         part,
                                                       guint                         n_parts,
                                                       guint                         first_page,
                                                       guint                         last_page,
                                                       const char                   *text);
GBytes          *assay_llm_request_build_chat_body    (const AssayLlmRequestOptions *options,
                                                       GPtrArray                    *messages);
gboolean         assay_llm_request_error_is_about_format (const char                *server_message);
gboolean         assay_llm_request_error_is_about_context (const char               *server_message);

G_END_DECLS
