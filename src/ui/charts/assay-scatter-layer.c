/* assay-scatter-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-scatter-layer"

#include "config.h"

#include "assay-scatter-layer.h"

/* A dot per item; dense plots are thinned to a dot per two-pixel cell, extremes kept. */
struct _AssayScatterLayer
{
  AssayChartLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (AssayScatterLayer, assay_scatter_layer, ASSAY_TYPE_CHART_LAYER)

static void
assay_scatter_layer_class_init (AssayScatterLayerClass *klass)
{
  AssayChartLayerClass *layer_class = ASSAY_CHART_LAYER_CLASS (klass);

  layer_class->kind = ASSAY_CHART_KIND_SCATTER;
}

static void
assay_scatter_layer_init (AssayScatterLayer *self)
{
}

/**
 * assay_scatter_layer_new:
 *
 * Returns: (transfer full): a new layer; give it a series, or a model and accessors
 */
AssayChartLayer *
assay_scatter_layer_new (void)
{
  return g_object_new (ASSAY_TYPE_SCATTER_LAYER, NULL);
}
