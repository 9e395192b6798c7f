/* assay-time-span-layer.h — a chart layer of time span marks
 *
 * Main thread only.
 */
#pragma once

#include "assay-chart-layer.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_TIME_SPAN_LAYER (assay_time_span_layer_get_type ())
G_DECLARE_FINAL_TYPE (AssayTimeSpanLayer, assay_time_span_layer, ASSAY, TIME_SPAN_LAYER, AssayChartLayer)

AssayChartLayer *assay_time_span_layer_new (void);

G_END_DECLS
