/* assay-chart.h — a chart widget stacking AssayChartLayer children
 *
 * Draws through the GTK-free chart core (src/charts/) with the theme's
 * colours, so that what the window shows is what export writes.
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart-export.h"
#include "assay-chart-layer.h"
#include "assay-chart-palette.h"
#include "assay-chart-spec.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_CHART (assay_chart_get_type ())
G_DECLARE_FINAL_TYPE (AssayChart, assay_chart, ASSAY, CHART, GtkWidget)

GtkWidget       *assay_chart_new             (void);
const char      *assay_chart_get_title       (AssayChart        *self);
void             assay_chart_set_title       (AssayChart        *self,
                                              const char        *title);
const char      *assay_chart_get_subtitle    (AssayChart        *self);
void             assay_chart_set_subtitle    (AssayChart        *self,
                                              const char        *subtitle);
void             assay_chart_set_empty_text  (AssayChart        *self,
                                              const char        *text);
void             assay_chart_set_axis        (AssayChart        *self,
                                              AssayChartAxisId   axis,
                                              const char        *title,
                                              const char        *unit,
                                              AssayChartScale    scale);
void             assay_chart_set_horizontal  (AssayChart        *self,
                                              gboolean           horizontal);
void             assay_chart_add_layer       (AssayChart        *self,
                                              AssayChartLayer   *layer);
void             assay_chart_remove_layer    (AssayChart        *self,
                                              AssayChartLayer   *layer);
void             assay_chart_set_spec        (AssayChart        *self,
                                              AssayChartSpec    *spec);
AssayChartSpec  *assay_chart_get_spec        (AssayChart        *self);
AssayChartSpec  *assay_chart_get_shown_spec  (AssayChart        *self);
void             assay_chart_get_palette     (AssayChart        *self,
                                              AssayChartPalette *palette);
gboolean         assay_chart_get_focus_item  (AssayChart        *self,
                                              guint             *series,
                                              guint             *index);
guint            assay_chart_get_item_id     (AssayChart        *self,
                                              guint              series,
                                              guint              index);
void             assay_chart_set_render_pool (AssayChart        *self,
                                              AssayWorkerPool   *pool,
                                              int                priority);
void             assay_chart_export_async    (AssayChart          *self,
                                              GFile               *file,
                                              AssayChartFormat     format,
                                              guint                width,
                                              guint                height,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean         assay_chart_export_finish   (AssayChart          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
