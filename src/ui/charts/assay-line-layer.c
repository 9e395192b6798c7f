/* assay-line-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-line-layer"

#include "config.h"

#include "assay-line-layer.h"

/* A line through the items in order (x from the x accessor, ascending). Large series are downsampled to the pixel width by the geometry, with every extreme kept. */
struct _AssayLineLayer
{
  AssayChartLayer parent_instance;
};

G_DEFINE_FINAL_TYPE (AssayLineLayer, assay_line_layer, ASSAY_TYPE_CHART_LAYER)

static void
assay_line_layer_class_init (AssayLineLayerClass *klass)
{
  AssayChartLayerClass *layer_class = ASSAY_CHART_LAYER_CLASS (klass);

  layer_class->kind = ASSAY_CHART_KIND_LINE;
}

static void
assay_line_layer_init (AssayLineLayer *self)
{
}

/**
 * assay_line_layer_new:
 *
 * Returns: (transfer full): a new layer; give it a series, or a model and accessors
 */
AssayChartLayer *
assay_line_layer_new (void)
{
  return g_object_new (ASSAY_TYPE_LINE_LAYER, NULL);
}
