/* assay-llm-chunk.h — splitting a document's text to fit a model's context
 *
 * A chunk is a run of pages (or, for a page too long on its own, pieces of
 * one page) whose estimated tokens fit a budget. Rendered for the prompt
 * with "=== Page N ===" markers so the model can say where each figure is.
 * Pure; any thread.
 */
#pragma once

#include <glib.h>

#include "assay-pdf-text.h"

G_BEGIN_DECLS

typedef struct
{
  guint page;      /* 1-based page number */
  gsize start;     /* byte range in the page's text */
  gsize end;
} AssayLlmSegment;

typedef struct
{
  GArray *segments;   /* AssayLlmSegment, in page order */
  gsize   tokens;     /* estimated tokens of the rendered text */
} AssayLlmChunk;

gsize          assay_llm_estimate_tokens   (const char           *text,
                                            gssize                length);
GPtrArray     *assay_llm_chunks_plan       (const AssayPdfText   *text,
                                            gsize                 budget_tokens);
gboolean       assay_llm_chunk_split       (const AssayLlmChunk  *chunk,
                                            const AssayPdfText   *text,
                                            gsize                 min_tokens,
                                            AssayLlmChunk       **first,
                                            AssayLlmChunk       **second);
char          *assay_llm_chunk_render      (const AssayLlmChunk  *chunk,
                                            const AssayPdfText   *text);
guint          assay_llm_chunk_first_page  (const AssayLlmChunk  *chunk);
guint          assay_llm_chunk_last_page   (const AssayLlmChunk  *chunk);
void           assay_llm_chunk_free        (AssayLlmChunk        *chunk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLlmChunk, assay_llm_chunk_free)

G_END_DECLS
