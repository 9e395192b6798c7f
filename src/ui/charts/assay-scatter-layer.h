/* assay-scatter-layer.h — a chart layer of scatter marks
 *
 * Main thread only.
 */
#pragma once

#include "assay-chart-layer.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_SCATTER_LAYER (assay_scatter_layer_get_type ())
G_DECLARE_FINAL_TYPE (AssayScatterLayer, assay_scatter_layer, ASSAY, SCATTER_LAYER, AssayChartLayer)

AssayChartLayer *assay_scatter_layer_new (void);

G_END_DECLS
