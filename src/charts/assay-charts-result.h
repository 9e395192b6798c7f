/* assay-charts-result.h — a document's charts from its result
 *
 * For `assay --headless --charts DIR` and the window's export: the inputs of
 * assay-charts-document.h read from the result objects, so that the result
 * format has one reader (assay-document-result.c). Any thread.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "assay-chart-palette.h"
#include "assay-document-result.h"

G_BEGIN_DECLS

gboolean assay_charts_export_result      (AssayDocumentResult     *result,
                                          const char              *dir,
                                          const char              *name,
                                          const AssayChartPalette *palette,
                                          GPtrArray               *written,
                                          GError                 **error);
gboolean assay_charts_export_run_json    (JsonObject              *run,
                                          const char              *dir,
                                          const AssayChartPalette *palette,
                                          GPtrArray               *written,
                                          GError                 **error);

G_END_DECLS
