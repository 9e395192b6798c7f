/* assay-result.h — the versioned result JSON of one document
 *
 * See docs/result-schema.md. Building runs on a worker (it walks the whole
 * analysis); the pieces are plain values, so any thread is fine.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "assay-analysis.h"
#include "assay-document.h"
#include "assay-extraction.h"
#include "assay-pdf-text.h"

G_BEGIN_DECLS

#define ASSAY_RESULT_VERSION "assay-result/2"

typedef struct
{
  char    *path;
  char    *sha256;
  goffset  size;
  double   stage_ms[ASSAY_N_STAGES];
} AssayResultSource;

/* What a list row shows of a done result. */
typedef struct
{
  guint  n_figures;
  guint  n_verified;   /* figures found on their page */
  char  *title;        /* the extracted title, else the PDF's; nullable */
} AssayResultSummary;

JsonNode   *assay_result_build          (const AssayResultSource *source,
                                         const AssayPdfText      *text,
                                         const AssayExtraction   *extraction,
                                         const AssayAnalysis     *analysis);
JsonNode   *assay_result_build_failure  (AssayDocument           *document);
void        assay_result_mark_cached    (JsonNode                *stored,
                                         const char              *path);
GBytes     *assay_result_mark_cached_text (GBytes                *stored,
                                           const char            *path);
void        assay_result_source_clear   (AssayResultSource       *source);
void        assay_result_summarize      (JsonNode                *result,
                                         AssayResultSummary      *out);
void        assay_result_summary_clear  (AssayResultSummary      *summary);

G_END_DECLS
