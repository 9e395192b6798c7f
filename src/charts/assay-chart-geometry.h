/* assay-chart-geometry.h — a chart laid out at one size: scales, ticks, marks
 *
 * Computed from a chart description and a size, on any thread (it measures
 * text with its own Pango context), then read-only: the widget caches one
 * until the size or the data change, drawing and hit-testing read it.
 */
#pragma once

#include "assay-chart-palette.h"
#include "assay-chart-spec.h"

G_BEGIN_DECLS

typedef struct _AssayChartGeometry AssayChartGeometry;

AssayChartGeometry *assay_chart_geometry_new             (AssayChartSpec           *spec,
                                                          const AssayChartPalette  *palette,
                                                          double                    width,
                                                          double                    height);
void                assay_chart_geometry_free            (AssayChartGeometry       *self);
AssayChartSpec     *assay_chart_geometry_get_spec        (const AssayChartGeometry *self);
void                assay_chart_geometry_get_size        (const AssayChartGeometry *self,
                                                          double                   *width,
                                                          double                   *height);
void                assay_chart_geometry_get_plot_area   (const AssayChartGeometry *self,
                                                          double                   *x,
                                                          double                   *y,
                                                          double                   *width,
                                                          double                   *height);
guint               assay_chart_geometry_get_n_marks     (const AssayChartGeometry *self,
                                                          guint                     series);
gboolean            assay_chart_geometry_hit_test        (const AssayChartGeometry *self,
                                                          double                    x,
                                                          double                    y,
                                                          guint                    *series,
                                                          guint                    *index);
gboolean            assay_chart_geometry_get_item_area   (const AssayChartGeometry *self,
                                                          guint                     series,
                                                          guint                     index,
                                                          double                   *x,
                                                          double                   *y,
                                                          double                   *width,
                                                          double                   *height);
gboolean            assay_chart_geometry_step            (const AssayChartGeometry *self,
                                                          guint                    *series,
                                                          guint                    *index,
                                                          int                       delta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartGeometry, assay_chart_geometry_free)

G_END_DECLS
