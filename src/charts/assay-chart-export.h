/* assay-chart-export.h — charts as SVG, PNG or PDF files, without a display
 *
 * Any thread. No GTK.
 */
#pragma once

#include <gio/gio.h>

#include "assay-chart-palette.h"
#include "assay-chart-spec.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CHART_FORMAT_SVG,
  ASSAY_CHART_FORMAT_PNG,
  ASSAY_CHART_FORMAT_PDF,
} AssayChartFormat;

gboolean  assay_chart_format_from_path (const char               *path,
                                        AssayChartFormat         *format);
GBytes   *assay_chart_export_bytes     (AssayChartSpec           *spec,
                                        const AssayChartPalette  *palette,
                                        AssayChartFormat          format,
                                        guint                     width,
                                        guint                     height,
                                        GError                  **error);
gboolean  assay_chart_export           (AssayChartSpec           *spec,
                                        const AssayChartPalette  *palette,
                                        AssayChartFormat          format,
                                        guint                     width,
                                        guint                     height,
                                        const char               *path,
                                        GError                  **error);

G_END_DECLS
