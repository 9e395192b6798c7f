/* assay-chart-save.h — saving a chart as shown, as PNG or SVG
 *
 * Asks for a file (GtkFileChooserNative on GTK 4.8, so the portal inside
 * Flatpak), then draws the chart's description with its on-screen palette
 * (on a white background for PNG, transparent for SVG) on the worker pool
 * and writes the file atomically. Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart.h"
#include "assay-chart-export.h"

G_BEGIN_DECLS

void      assay_chart_save_with_dialog (AssayChart        *chart,
                                        AssayChartFormat   format,
                                        const char        *title,
                                        const char        *file_stem);
void      assay_chart_save_async       (AssayChart        *chart,
                                        AssayChartFormat   format,
                                        const char        *title,
                                        GFile             *file,
                                        GCancellable      *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer           user_data);
gboolean  assay_chart_save_finish      (AssayChart        *chart,
                                        GAsyncResult      *result,
                                        GError           **error);

G_END_DECLS
