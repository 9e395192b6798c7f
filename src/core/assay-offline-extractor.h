/* assay-offline-extractor.h — the built-in extractor, no model needed
 *
 * Finds a title, guesses the document type, and pulls dates, currency
 * amounts, label/value key figures ("Total revenue ...... 1,234.5") and
 * invoice fields out of the page text, in the same AssayExtraction shape a
 * language model produces. assay_offline_extract() is pure and runs on any
 * thread; the AssayOfflineExtractor object runs it on the worker pool.
 */
#pragma once

#include "assay-extractor.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

#define ASSAY_OFFLINE_EXTRACTOR_VERSION 2

#define ASSAY_TYPE_OFFLINE_EXTRACTOR (assay_offline_extractor_get_type ())
G_DECLARE_FINAL_TYPE (AssayOfflineExtractor, assay_offline_extractor, ASSAY, OFFLINE_EXTRACTOR, GObject)

AssayOfflineExtractor *assay_offline_extractor_new (AssayWorkerPool    *pool);
AssayExtraction       *assay_offline_extract       (const AssayPdfText *text,
                                                    AssayTemplate      *template_,
                                                    GCancellable       *cancellable);

G_END_DECLS
