/* assay-stats.h — descriptive statistics, histograms and outliers
 *
 * Pure functions over plain arrays of doubles: safe on any thread.
 * Non-finite values (NaN, ±inf) are ignored everywhere.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gsize  count;
  double sum;
  double mean;
  double median;
  double q1;        /* quartiles by linear interpolation (R type 7, numpy default) */
  double q3;
  double stddev;    /* sample standard deviation (n - 1); 0 when count < 2 */
  double min;
  double max;
} AssayStats;

typedef struct
{
  gboolean  log_scale;   /* bins are log10-spaced over |value| > 0 */
  guint     n_bins;
  double   *edges;       /* n_bins + 1 ascending edges */
  guint64  *counts;      /* n_bins counts; the last bin includes its upper edge */
  guint64   n_excluded;  /* values that could not be placed (≤ 0 on a log scale) */
} AssayHistogram;

typedef enum
{
  ASSAY_OUTLIER_IQR,     /* outside [q1 - 1.5 IQR, q3 + 1.5 IQR] */
  ASSAY_OUTLIER_MAD,     /* modified z-score |0.6745 (x - median) / MAD| > 3.5 */
} AssayOutlierMethod;

void             assay_stats_compute     (const double        *values,
                                          gsize                n_values,
                                          AssayStats          *out);
double           assay_quantile_sorted   (const double        *sorted,
                                          gsize                n_values,
                                          double               q);
AssayHistogram  *assay_histogram_new     (const double        *values,
                                          gsize                n_values,
                                          guint                max_bins);
void             assay_histogram_free    (AssayHistogram      *self);
GArray          *assay_outliers_find     (const double        *values,
                                          gsize                n_values,
                                          AssayOutlierMethod   method,
                                          double              *lower_fence,
                                          double              *upper_fence);
const char      *assay_outlier_method_to_string (AssayOutlierMethod method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayHistogram, assay_histogram_free)

G_END_DECLS
