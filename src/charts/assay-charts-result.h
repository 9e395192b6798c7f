/* assay-charts-result.h — a document's charts straight from its result JSON
 *
 * For `assay --headless --charts DIR` before the result objects arrive:
 * reads the members of docs/result-schema.md (assay-result/1). Any thread.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "assay-chart-palette.h"

G_BEGIN_DECLS

gboolean assay_charts_export_result_json (JsonObject              *document,
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
