/* assay-llm-stream.h — incremental decoder of model server responses
 *
 * Fed the body bytes as they arrive, in pieces of any size; keeps the
 * answer text, the finish reason and the token usage. Pure: no I/O, no main
 * loop; one decoder per response, used from one thread at a time.
 *
 * Formats: server-sent events of OpenAI-compatible chat completion chunks
 * (comments, multi-line data, CR/LF/CRLF line ends, [DONE], a usage chunk
 * without choices, error events), Ollama's newline-delimited JSON, and a
 * whole non-streamed JSON response of either provider.
 */
#pragma once

#include <glib.h>

#include "assay-llm-config.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_LLM_STREAM_SSE,          /* OpenAI-compatible streaming */
  ASSAY_LLM_STREAM_NDJSON,       /* Ollama streaming */
  ASSAY_LLM_STREAM_WHOLE,        /* one JSON body (either provider), parsed at the end */
  ASSAY_LLM_STREAM_AUTO,         /* SSE, or WHOLE when the body starts with '{' */
} AssayLlmStreamFormat;

typedef struct _AssayLlmStreamDecoder AssayLlmStreamDecoder;

AssayLlmStreamDecoder *assay_llm_stream_decoder_new                (AssayLlmStreamFormat          format,
                                                                    gsize                         max_bytes);
void                   assay_llm_stream_decoder_free               (AssayLlmStreamDecoder        *self);
gboolean               assay_llm_stream_decoder_feed               (AssayLlmStreamDecoder        *self,
                                                                    const char                   *data,
                                                                    gsize                         length,
                                                                    GError                      **error);
gboolean               assay_llm_stream_decoder_finish             (AssayLlmStreamDecoder        *self,
                                                                    GError                      **error);
const char            *assay_llm_stream_decoder_get_content        (const AssayLlmStreamDecoder  *self);
const char            *assay_llm_stream_decoder_get_finish_reason  (const AssayLlmStreamDecoder  *self);
gint64                 assay_llm_stream_decoder_get_prompt_tokens  (const AssayLlmStreamDecoder  *self);
gint64                 assay_llm_stream_decoder_get_completion_tokens (const AssayLlmStreamDecoder *self);
guint64                assay_llm_stream_decoder_get_n_deltas       (const AssayLlmStreamDecoder  *self);
gboolean               assay_llm_stream_decoder_is_done            (const AssayLlmStreamDecoder  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLlmStreamDecoder, assay_llm_stream_decoder_free)

G_END_DECLS
