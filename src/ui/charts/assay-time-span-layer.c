/* assay-time-span-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-time-span-layer"

#include "config.h"

#include "assay-time-span-layer.h"

/* Spans from start to end (a Gantt chart). From a model each item is a row named by the label accessor; given as arrays, spans share rows and their labels pick colours (e.g. pipeline stages). */
struct _AssayTimeSpanLayer
{
  AssayChartLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (AssayTimeSpanLayer, assay_time_span_layer, ASSAY_TYPE_CHART_LAYER)

static void
assay_time_span_layer_class_init (AssayTimeSpanLayerClass *klass)
{
  AssayChartLayerClass *layer_class = ASSAY_CHART_LAYER_CLASS (klass);

  layer_class->kind = ASSAY_CHART_KIND_TIME_SPAN;
}

static void
assay_time_span_layer_init (AssayTimeSpanLayer *self)
{
}

/**
 * assay_time_span_layer_new:
 *
 * Returns: (transfer full): a new layer; give it a series, or a model and accessors
 */
AssayChartLayer *
assay_time_span_layer_new (void)
{
  return g_object_new (ASSAY_TYPE_TIME_SPAN_LAYER, NULL);
}
