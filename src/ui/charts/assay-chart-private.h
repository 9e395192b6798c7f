/* assay-chart-private.h — between AssayChart and its layers */
#pragma once

#include "assay-chart.h"
#include "assay-chart-geometry.h"

G_BEGIN_DECLS

const AssayChartGeometry *_assay_chart_get_geometry      (AssayChart      *self);
void                      _assay_chart_layers_changed    (AssayChart      *self);
int                       _assay_chart_layer_get_index   (AssayChartLayer *layer);
void                      _assay_chart_layer_set_index   (AssayChartLayer *layer,
                                                          int              index);
void                      _assay_chart_set_pointer       (AssayChart      *self,
                                                          double           x,
                                                          double           y);
gboolean                  _assay_chart_geometry_pending  (AssayChart      *self);
gboolean                  _assay_chart_draws_on_pool     (AssayChart      *self);
void                      _assay_chart_count_draw        (AssayChart      *self);
void                      _assay_chart_get_draw_counts   (AssayChart      *self,
                                                          guint           *main_thread,
                                                          guint           *pool);
guint                     _assay_chart_get_n_unchanged   (AssayChart      *self);

G_END_DECLS
