/* assay-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-stats"

#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay-stats.h"

/* The log scale is used when the positive values span at least this many
 * orders of magnitude... */
#define LOG_SCALE_MIN_DECADES 3.0
/* ...and make up at least this share of the finite values. */
#define LOG_SCALE_MIN_POSITIVE_SHARE 0.5

/* Modified z-score (Iglewicz and Hoaglin) beyond which a value is an outlier. */
#define MAD_Z_LIMIT 3.5
#define MAD_Z_FACTOR 0.6745
/* When more than half the values equal the median, MAD is 0; the mean
 * absolute deviation times this factor stands in for MAD / 0.6745. */
#define MEAN_AD_FACTOR 1.253314

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return (da > db) - (da < db);
}

/* Copies the finite values of @values into a new array; returns its length. */
static double *
copy_finite (const double *values,
             gsize         n_values,
             gsize        *n_finite)
{
  double *copy;
  gsize n = 0;

  g_assert (n_finite != NULL);

  copy = g_new (double, MAX (n_values, 1));
  for (gsize i = 0; i < n_values; i++)
    if (isfinite (values[i]))
      copy[n++] = values[i];

  *n_finite = n;
  return copy;
}

/**
 * assay_quantile_sorted:
 * @sorted: (array length=n_values): finite values in ascending order
 * @q: the quantile, clamped to [0, 1]
 *
 * The quantile by linear interpolation between order statistics (R type 7,
 * numpy's default): h = (n - 1) q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 *
 * Returns: the quantile, or NAN when @n_values is 0. Any thread.
 */
double
assay_quantile_sorted (const double *sorted,
                       gsize         n_values,
                       double        q)
{
  double h;
  gsize lo;

  g_return_val_if_fail (sorted != NULL || n_values == 0, NAN);

  if (n_values == 0)
    return NAN;

  if (isnan (q) || q <= 0.0)
    return sorted[0];
  if (q >= 1.0)
    return sorted[n_values - 1];

  h = (double) (n_values - 1) * q;
  lo = (gsize) floor (h);
  if (lo + 1 >= n_values)
    return sorted[n_values - 1];

  return sorted[lo] + (h - (double) lo) * (sorted[lo + 1] - sorted[lo]);
}

/**
 * assay_stats_compute:
 * @values: (array length=n_values) (nullable): the values; NaN and ±inf are skipped
 * @out: (out caller-allocates): the statistics
 *
 * Computes count, sum, mean, median, quartiles (R type 7), the sample
 * standard deviation (two passes: the mean first, then the squared
 * deviations from it, so large offsets do not cancel) and the extremes.
 * With no finite value every member is 0. Sorts a private copy: O(n log n).
 * Any thread.
 */
void
assay_stats_compute (const double *values,
                     gsize         n_values,
                     AssayStats   *out)
{
  g_autofree double *sorted = NULL;
  double sum = 0.0;
  double compensation = 0.0;
  double squares = 0.0;
  gsize n;

  g_return_if_fail (out != NULL);
  g_return_if_fail (values != NULL || n_values == 0);

  memset (out, 0, sizeof *out);

  sorted = copy_finite (values, n_values, &n);
  if (n == 0)
    return;

  qsort (sorted, n, sizeof (double), compare_doubles);

  /* Neumaier's compensated summation: the sum of many amounts of very
   * different sizes stays exact to the last digit. */
  for (gsize i = 0; i < n; i++)
    {
      double t = sum + sorted[i];

      if (fabs (sum) >= fabs (sorted[i]))
        compensation += (sum - t) + sorted[i];
      else
        compensation += (sorted[i] - t) + sum;
      sum = t;
    }
  /* After an overflow to ±inf the compensation is meaningless (inf − inf). */
  if (isfinite (sum))
    sum += compensation;

  out->count = n;
  out->sum = sum;
  out->mean = sum / (double) n;
  out->min = sorted[0];
  out->max = sorted[n - 1];
  /* When the sum overflows, a running mean still gives the mean; rounding
   * may put either a hair outside [min, max], so clamp. */
  if (!isfinite (out->mean))
    {
      double mean = 0.0;

      for (gsize i = 0; i < n; i++)
        mean += (sorted[i] - mean) / (double) (i + 1);
      out->mean = mean;
    }
  out->mean = CLAMP (out->mean, out->min, out->max);
  out->median = assay_quantile_sorted (sorted, n, 0.5);
  out->q1 = assay_quantile_sorted (sorted, n, 0.25);
  out->q3 = assay_quantile_sorted (sorted, n, 0.75);

  if (n >= 2)
    {
      for (gsize i = 0; i < n; i++)
        {
          double d = sorted[i] - out->mean;
          squares += d * d;
        }
      out->stddev = sqrt (squares / (double) (n - 1));
    }
}

static guint
sturges_bins (gsize n)
{
  return (guint) ceil (log2 ((double) n)) + 1;
}

/* Freedman–Diaconis: width 2 IQR n^(-1/3); 0 when the IQR is 0. */
static double
freedman_diaconis_bins (const double *sorted,
                        gsize         n)
{
  double iqr = assay_quantile_sorted (sorted, n, 0.75) -
               assay_quantile_sorted (sorted, n, 0.25);
  double width;

  if (!(iqr > 0.0))
    return 0.0;

  width = 2.0 * iqr / cbrt ((double) n);
  return ceil ((sorted[n - 1] - sorted[0]) / width);
}

static guint
choose_bins (const double *sorted,
             gsize         n,
             guint         max_bins)
{
  double fd = freedman_diaconis_bins (sorted, n);
  double bins = MAX (fd, (double) sturges_bins (n));

  return (guint) CLAMP (bins, 1.0, (double) max_bins);
}

/* Moves @index so that edges[index] <= v < edges[index + 1], with the last
 * bin closed; corrects rounding of the computed index. */
static guint
settle_bin (const double *edges,
            guint         n_bins,
            double        v,
            double        raw_index)
{
  guint index;

  if (!(raw_index > 0.0))
    index = 0;
  else if (raw_index >= (double) n_bins)
    index = n_bins - 1;
  else
    index = (guint) raw_index;

  while (index + 1 < n_bins && v >= edges[index + 1])
    index++;
  while (index > 0 && v < edges[index])
    index--;

  return index;
}

static AssayHistogram *
histogram_alloc (guint n_bins)
{
  AssayHistogram *self = g_new0 (AssayHistogram, 1);

  self->n_bins = n_bins;
  if (n_bins > 0)
    {
      self->edges = g_new0 (double, n_bins + 1);
      self->counts = g_new0 (guint64, n_bins);
    }

  return self;
}

static AssayHistogram *
histogram_log (const double *sorted,
               gsize         n,
               gsize         first_positive,
               guint         max_bins)
{
  AssayHistogram *self;
  const double *positives = sorted + first_positive;
  gsize n_pos = n - first_positive;
  g_autofree double *logs = NULL;
  double lo, hi, decades, per_decade, target;
  guint n_bins;

  /* Whole decades, so that edges read 1, 10, 100, …; split decades when
   * there is room, merge them when there are more than max_bins. */
  lo = floor (log10 (positives[0]));
  hi = ceil (log10 (positives[n_pos - 1]));
  if (hi <= lo)
    hi = lo + 1.0;
  decades = hi - lo;

  logs = g_new (double, n_pos);
  for (gsize i = 0; i < n_pos; i++)
    logs[i] = log10 (positives[i]);
  target = choose_bins (logs, n_pos, max_bins);

  if (decades > max_bins)
    {
      /* step decades per bin */
      double step = ceil (decades / max_bins);

      n_bins = (guint) ceil (decades / step);
      per_decade = 1.0 / step;
    }
  else
    {
      per_decade = MAX (1.0, floor (target / decades));
      while (per_decade > 1.0 && decades * per_decade > max_bins)
        per_decade -= 1.0;
      n_bins = (guint) (decades * per_decade);
    }

  self = histogram_alloc (n_bins);
  self->log_scale = TRUE;
  self->n_excluded = first_positive;

  for (guint i = 0; i <= n_bins; i++)
    self->edges[i] = pow (10.0, lo + (double) i / per_decade);

  for (gsize i = 0; i < n_pos; i++)
    {
      double raw = (logs[i] - lo) * per_decade;
      guint index = settle_bin (self->edges, n_bins, positives[i], raw);

      self->counts[index]++;
    }

  return self;
}

static AssayHistogram *
histogram_linear (const double *sorted,
                  gsize         n,
                  guint         max_bins)
{
  AssayHistogram *self;
  double min = sorted[0];
  double max = sorted[n - 1];
  double width;
  guint n_bins;

  if (min == max)
    {
      /* One bin around the single value; the half-width must still move a
       * very large value. */
      double half = MAX (0.5, fabs (min) * 4 * DBL_EPSILON);

      self = histogram_alloc (1);
      self->edges[0] = min - half;
      self->edges[1] = max + half;
      self->counts[0] = n;
      return self;
    }

  n_bins = choose_bins (sorted, n, max_bins);
  self = histogram_alloc (n_bins);

  /* Halves first: max - min may overflow for values of opposite signs. */
  width = (max / 2 - min / 2) / n_bins * 2;
  for (guint i = 0; i < n_bins; i++)
    self->edges[i] = min + width * i;
  self->edges[n_bins] = max;

  for (gsize i = 0; i < n; i++)
    {
      double raw = (sorted[i] - min) / width;

      self->counts[settle_bin (self->edges, n_bins, sorted[i], raw)]++;
    }

  return self;
}

/**
 * assay_histogram_new:
 * @values: (array length=n_values) (nullable): the values; NaN and ±inf are skipped
 * @max_bins: the most bins to use, at least 1
 *
 * Bins the finite values.
 *
 * Scale: log10 when the positive values span at least three orders of
 * magnitude (max / min ≥ 1000) and are at least half of the finite values.
 * Then edges are powers of ten (decades, split evenly when there is room
 * for more bins, merged when there are more decades than @max_bins), only
 * the positive values are placed, and zeros and negatives are counted in
 * `n_excluded`. Otherwise the scale is linear from min to max with the
 * larger of the Freedman–Diaconis and Sturges bin counts, capped by
 * @max_bins; values that are all equal get one bin around them.
 *
 * With no finite value the histogram has 0 bins and NULL edges and counts.
 *
 * Returns: (transfer full): the histogram; free with assay_histogram_free().
 *   Any thread.
 */
AssayHistogram *
assay_histogram_new (const double *values,
                     gsize         n_values,
                     guint         max_bins)
{
  g_autofree double *sorted = NULL;
  gsize n;
  gsize first_positive = 0;

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);
  g_return_val_if_fail (max_bins >= 1, NULL);

  sorted = copy_finite (values, n_values, &n);
  if (n == 0)
    return histogram_alloc (0);

  qsort (sorted, n, sizeof (double), compare_doubles);

  while (first_positive < n && sorted[first_positive] <= 0.0)
    first_positive++;

  if (first_positive < n &&
      (double) (n - first_positive) >= LOG_SCALE_MIN_POSITIVE_SHARE * (double) n &&
      log10 (sorted[n - 1]) - log10 (sorted[first_positive]) >= LOG_SCALE_MIN_DECADES)
    return histogram_log (sorted, n, first_positive, max_bins);

  return histogram_linear (sorted, n, max_bins);
}

void
assay_histogram_free (AssayHistogram *self)
{
  if (self == NULL)
    return;

  g_free (self->edges);
  g_free (self->counts);
  g_free (self);
}

static void
find_iqr_fences (const double *sorted,
                 gsize         n,
                 double       *lower,
                 double       *upper)
{
  double q1 = assay_quantile_sorted (sorted, n, 0.25);
  double q3 = assay_quantile_sorted (sorted, n, 0.75);
  double iqr = q3 - q1;

  *lower = q1 - 1.5 * iqr;
  *upper = q3 + 1.5 * iqr;
}

static void
find_mad_fences (double *sorted,
                 gsize   n,
                 double *lower,
                 double *upper)
{
  double median = assay_quantile_sorted (sorted, n, 0.5);
  double scale;
  double mad;

  /* Reuse the buffer for the absolute deviations. */
  for (gsize i = 0; i < n; i++)
    sorted[i] = fabs (sorted[i] - median);
  qsort (sorted, n, sizeof (double), compare_doubles);
  mad = assay_quantile_sorted (sorted, n, 0.5);

  if (mad > 0.0)
    scale = mad / MAD_Z_FACTOR;
  else
    {
      double mean_ad = 0.0;

      for (gsize i = 0; i < n; i++)
        mean_ad += sorted[i];
      mean_ad /= (double) n;
      scale = MEAN_AD_FACTOR * mean_ad;
    }

  /* |0.6745 (x − median) / MAD| > 3.5  ⇔  x outside median ± 3.5 MAD / 0.6745 */
  *lower = median - MAD_Z_LIMIT * scale;
  *upper = median + MAD_Z_LIMIT * scale;
}

/**
 * assay_outliers_find:
 * @values: (array length=n_values) (nullable): the values; NaN and ±inf are
 *   never outliers
 * @method: %ASSAY_OUTLIER_IQR (Tukey's fences, 1.5 IQR) or
 *   %ASSAY_OUTLIER_MAD (modified z-score above 3.5)
 * @lower_fence: (out) (optional): values below it are outliers
 * @upper_fence: (out) (optional): values above it are outliers
 *
 * For %ASSAY_OUTLIER_MAD the fences are the values whose modified z-score is
 * exactly ±3.5: median ± 3.5 MAD / 0.6745. When MAD is 0 (more than half
 * the values equal the median) 1.253314 times the mean absolute deviation
 * stands in for MAD / 0.6745, as IBM's SPSS does; when every value is equal
 * both fences are that value and nothing is an outlier. With no finite
 * value the fences are NAN.
 *
 * Returns: (transfer full) (element-type guint): indices into @values of the
 *   outliers, ascending. Any thread.
 */
GArray *
assay_outliers_find (const double       *values,
                     gsize               n_values,
                     AssayOutlierMethod  method,
                     double             *lower_fence,
                     double             *upper_fence)
{
  g_autofree double *sorted = NULL;
  GArray *indices;
  double lower = NAN;
  double upper = NAN;
  gsize n;

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);
  g_return_val_if_fail (n_values <= G_MAXUINT, NULL);
  g_return_val_if_fail (method == ASSAY_OUTLIER_IQR || method == ASSAY_OUTLIER_MAD, NULL);

  indices = g_array_new (FALSE, FALSE, sizeof (guint));

  sorted = copy_finite (values, n_values, &n);
  if (n > 0)
    {
      qsort (sorted, n, sizeof (double), compare_doubles);

      if (method == ASSAY_OUTLIER_IQR)
        find_iqr_fences (sorted, n, &lower, &upper);
      else
        find_mad_fences (sorted, n, &lower, &upper);

      for (gsize i = 0; i < n_values; i++)
        {
          if (isfinite (values[i]) && (values[i] < lower || values[i] > upper))
            {
              guint index = (guint) i;
              g_array_append_val (indices, index);
            }
        }
    }

  if (lower_fence != NULL)
    *lower_fence = lower;
  if (upper_fence != NULL)
    *upper_fence = upper;

  return indices;
}

/**
 * assay_outlier_method_to_string:
 *
 * Returns: (transfer none): "iqr" or "mad", as in the result JSON.
 */
const char *
assay_outlier_method_to_string (AssayOutlierMethod method)
{
  switch (method)
    {
    case ASSAY_OUTLIER_IQR:
      return "iqr";
    case ASSAY_OUTLIER_MAD:
      return "mad";
    default:
      g_return_val_if_reached ("iqr");
    }
}
