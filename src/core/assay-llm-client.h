/* assay-llm-client.h — the extract stage backed by a language model
 *
 * An AssayExtractor that sends a document's text (in page-aligned chunks
 * that fit the model's context) to an OpenAI-compatible or Ollama server,
 * validates every answer against the template, repairs once, merges the
 * chunks and returns an AssayExtraction with method "llm". All documents
 * share one dispatcher: at most `max_requests` requests in flight.
 *
 * Main thread only: create it, call it and drop it on the thread whose
 * main context runs (libsoup's async API is used from there).
 */
#pragma once

#include "assay-extractor.h"
#include "assay-llm-config.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 documents;          /* extractions finished successfully */
  guint64 requests;           /* HTTP requests sent, retries included */
  guint64 retries;
  guint64 repairs;            /* answers sent back once for repair */
  guint64 splits;             /* chunks halved after a cut-off answer */
  guint64 raised_limits;      /* smallest parts asked again with a larger output allowance */
  gint64  prompt_tokens;      /* summed over requests the server reported */
  gint64  completion_tokens;
  guint   max_in_flight;      /* the most requests at once, client side */
  guint64 rate_limit_windows; /* rate-limit windows the endpoint announced */
  gint64  max_read_dispatch_us; /* the longest dispatch reading an answer (thread CPU) */
} AssayLlmClientStats;

#define ASSAY_TYPE_LLM_CLIENT (assay_llm_client_get_type ())
G_DECLARE_FINAL_TYPE (AssayLlmClient, assay_llm_client, ASSAY, LLM_CLIENT, GObject)

AssayLlmClient  *assay_llm_client_new                (const AssayLlmConfig  *config,
                                                      GError               **error);
const AssayLlmConfig *assay_llm_client_get_config    (AssayLlmClient        *self);
void             assay_llm_client_get_stats          (AssayLlmClient        *self,
                                                      AssayLlmClientStats   *stats);
void             assay_llm_client_list_models_async  (AssayLlmClient        *self,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
char           **assay_llm_client_list_models_finish (AssayLlmClient        *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

G_END_DECLS
