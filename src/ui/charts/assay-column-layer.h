/* assay-column-layer.h — a chart layer of column marks
 *
 * Main thread only.
 */
#pragma once

#include "assay-chart-layer.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_COLUMN_LAYER (assay_column_layer_get_type ())
G_DECLARE_FINAL_TYPE (AssayColumnLayer, assay_column_layer, ASSAY, COLUMN_LAYER, AssayChartLayer)

AssayChartLayer *assay_column_layer_new (void);

G_END_DECLS
