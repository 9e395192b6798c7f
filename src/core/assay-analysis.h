/* assay-analysis.h — the analyse stage
 *
 * Runs on a worker: parses every number in the text, computes statistics,
 * a histogram, Benford first-digit analysis, outliers and per-page counts,
 * verifies each extracted figure and numeric field against its page (setting
 * `verified` in the extraction), and computes the document's MinHash
 * signature for near-duplicate detection. Checks the cancellable between
 * pages so cancelling stays responsive on long documents.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "assay-extraction.h"
#include "assay-minhash.h"
#include "assay-pdf-text.h"
#include "assay-verify.h"

G_BEGIN_DECLS

typedef struct _AssayAnalysis AssayAnalysis;

AssayAnalysis            *assay_analyse                   (const AssayPdfText  *text,
                                                           AssayExtraction     *extraction,
                                                           GCancellable        *cancellable,
                                                           GError             **error);
void                      assay_analysis_free             (AssayAnalysis       *self);
JsonNode                 *assay_analysis_to_json          (const AssayAnalysis *self);
const AssayMinhash       *assay_analysis_get_signature    (const AssayAnalysis *self);
const AssayVerifySummary *assay_analysis_get_verification (const AssayAnalysis *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayAnalysis, assay_analysis_free)

G_END_DECLS
