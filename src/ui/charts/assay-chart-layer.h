/* assay-chart-layer.h — one series of an AssayChart, drawn as a child widget
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart-series.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_CHART_LAYER (assay_chart_layer_get_type ())
G_DECLARE_DERIVABLE_TYPE (AssayChartLayer, assay_chart_layer, ASSAY, CHART_LAYER, GtkWidget)

struct _AssayChartLayerClass
{
  GtkWidgetClass parent_class;

  /* The kind of series the layer reads from its model. */
  AssayChartKind kind;

  /* Reads the model into a series (main thread); the default calls
   * assay_chart_series_new_from_model() with the layer's accessors. */
  AssayChartSeries *(*build_series) (AssayChartLayer *self,
                                     GListModel      *model);

  /*< private >*/
  gpointer _reserved[8];
};

AssayChartSeries *assay_chart_layer_get_series    (AssayChartLayer     *self);
void              assay_chart_layer_set_series    (AssayChartLayer     *self,
                                                   AssayChartSeries    *series);
GListModel       *assay_chart_layer_get_model     (AssayChartLayer     *self);
void              assay_chart_layer_set_model     (AssayChartLayer     *self,
                                                   GListModel          *model);
void              assay_chart_layer_set_accessors (AssayChartLayer     *self,
                                                   AssayChartValueFunc  x_func,
                                                   AssayChartValueFunc  y_func,
                                                   AssayChartLabelFunc  label_func,
                                                   gpointer             user_data,
                                                   GDestroyNotify       destroy);
const char       *assay_chart_layer_get_title     (AssayChartLayer     *self);
void              assay_chart_layer_set_title     (AssayChartLayer     *self,
                                                   const char          *title);
int               assay_chart_layer_get_color     (AssayChartLayer     *self);
void              assay_chart_layer_set_color     (AssayChartLayer     *self,
                                                   int                  palette_index);

G_END_DECLS
