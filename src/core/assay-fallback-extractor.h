/* assay-fallback-extractor.h — a model first, the offline extractor after
 *
 * Runs the primary extractor; when it fails for good (anything but
 * cancellation), runs the fallback on the same request and marks the
 * extraction `fell_back`, with the primary's error as a warning. Its id is
 * the primary's: a fallen-back result is not kept in the store (the
 * pipeline skips it), so the next run asks the model again.
 * Main thread only.
 */
#pragma once

#include "assay-extractor.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_FALLBACK_EXTRACTOR (assay_fallback_extractor_get_type ())
G_DECLARE_FINAL_TYPE (AssayFallbackExtractor, assay_fallback_extractor, ASSAY, FALLBACK_EXTRACTOR, GObject)

AssayFallbackExtractor *assay_fallback_extractor_new (AssayExtractor *primary,
                                                      AssayExtractor *fallback);

G_END_DECLS
