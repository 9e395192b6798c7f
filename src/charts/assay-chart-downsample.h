/* assay-chart-downsample.h — bounded point sets for drawing large series
 *
 * Pure functions, no GTK: safe on any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint assay_chart_downsample_minmax (const double *x,
                                     const double *y,
                                     guint         n,
                                     double        x_min,
                                     double        x_max,
                                     gboolean      x_log,
                                     guint         n_columns,
                                     guint        *out_index);
guint assay_chart_downsample_minmax_sorted (const double *x,
                                            const double *y,
                                            guint         n,
                                            double        x_min,
                                            double        x_max,
                                            gboolean      x_log,
                                            guint         n_columns,
                                            guint        *out_index);
guint assay_chart_downsample_grid   (const double *x,
                                     const double *y,
                                     guint         n,
                                     double        x_min,
                                     double        x_max,
                                     gboolean      x_log,
                                     double        y_min,
                                     double        y_max,
                                     gboolean      y_log,
                                     guint         n_columns,
                                     guint         n_rows,
                                     guint        *out_index);

G_END_DECLS
