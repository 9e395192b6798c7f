/* assay-line-layer.h — a chart layer of line marks
 *
 * Main thread only.
 */
#pragma once

#include "assay-chart-layer.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_LINE_LAYER (assay_line_layer_get_type ())
G_DECLARE_FINAL_TYPE (AssayLineLayer, assay_line_layer, ASSAY, LINE_LAYER, AssayChartLayer)

AssayChartLayer *assay_line_layer_new (void);

G_END_DECLS
