/* assay-chart-render.h — the one drawing path, for the screen and for files
 *
 * Draws a laid-out chart to any cairo context: the widget's snapshot
 * (gtk_snapshot_append_cairo), or an SVG, PNG or PDF surface. No GTK.
 */
#pragma once

#include <cairo.h>

#include "assay-chart-geometry.h"

G_BEGIN_DECLS

void assay_chart_render         (cairo_t                  *cr,
                                 const AssayChartGeometry *geometry,
                                 const AssayChartPalette  *palette);
void assay_chart_render_frame   (cairo_t                  *cr,
                                 const AssayChartGeometry *geometry,
                                 const AssayChartPalette  *palette);
void assay_chart_render_series  (cairo_t                  *cr,
                                 const AssayChartGeometry *geometry,
                                 const AssayChartPalette  *palette,
                                 guint                     series);
void assay_chart_render_hover   (cairo_t                  *cr,
                                 const AssayChartGeometry *geometry,
                                 const AssayChartPalette  *palette,
                                 guint                     series,
                                 guint                     index);

G_END_DECLS
