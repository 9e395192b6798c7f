/* assay-column-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-column-layer"

#include "config.h"

#include "assay-column-layer.h"

/* Bars, one per item of the model (the label accessor names the category), or a bar or histogram series given as arrays. */
struct _AssayColumnLayer
{
  AssayChartLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (AssayColumnLayer, assay_column_layer, ASSAY_TYPE_CHART_LAYER)

static void
assay_column_layer_class_init (AssayColumnLayerClass *klass)
{
  AssayChartLayerClass *layer_class = ASSAY_CHART_LAYER_CLASS (klass);

  layer_class->kind = ASSAY_CHART_KIND_BAR;
}

static void
assay_column_layer_init (AssayColumnLayer *self)
{
}

/**
 * assay_column_layer_new:
 *
 * Returns: (transfer full): a new layer; give it a series, or a model and accessors
 */
AssayChartLayer *
assay_column_layer_new (void)
{
  return g_object_new (ASSAY_TYPE_COLUMN_LAYER, NULL);
}
