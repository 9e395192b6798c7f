/* assay-charts-from-result.h — a document's chart inputs from its result object
 *
 * Fills an AssayChartsDocument (src/charts/, no GTK) from an
 * AssayDocumentResult (src/core/, no GTK), so that the window charts exactly
 * what `assay --headless --charts` writes (assay_charts_export_result()).
 * No GTK; any thread (the result is immutable), though the window calls it
 * on the main thread: it copies a few arrays, no more.
 */
#pragma once

#include "assay-charts-document.h"
#include "assay-document-result.h"

G_BEGIN_DECLS

AssayChartsDocument *assay_charts_document_from_result      (AssayDocumentResult *result);
void                 assay_charts_document_from_result_free (AssayChartsDocument *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartsDocument, assay_charts_document_from_result_free)

G_END_DECLS
