/* assay-chart-downsample.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-downsample"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay-chart-downsample.h"

#define NONE G_MAXUINT

static inline double
transform (double   v,
           gboolean log_scale)
{
  return log_scale ? log10 (v) : v;
}

static inline gboolean
usable (double   v,
        gboolean log_scale)
{
  return isfinite (v) && (!log_scale || v > 0);
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return ua < ub ? -1 : ua > ub;
}

/**
 * assay_chart_downsample_minmax:
 * @x: (array length=n): x values (any order; a line's are ascending)
 * @y: (array length=n): y values; NaN and infinite values are skipped
 * @n: the number of points
 * @x_min: the left edge of the first column
 * @x_max: the right edge of the last column
 * @x_log: the x axis is logarithmic (columns are equal in log₁₀ x)
 * @n_columns: pixel columns
 * @out_index: (out caller-allocates) (array): room for 4 × @n_columns indices
 *
 * Keeps, for each pixel column, the first and last point and the points with
 * the smallest and largest y — so every extreme and every spike survives and
 * a line drawn through the kept points looks like one through all of them.
 * One pass over the data, O(n + n_columns) time.
 *
 * Returns: the number of indices written, at most 4 × @n_columns, ascending
 *   within each column and columns left to right.
 */
guint
assay_chart_downsample_minmax (const double *x,
                               const double *y,
                               guint         n,
                               double        x_min,
                               double        x_max,
                               gboolean      x_log,
                               guint         n_columns,
                               guint        *out_index)
{
  guint *first, *last, *lo, *hi;
  double t0, scale;
  guint n_out = 0;

  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), 0);
  g_return_val_if_fail (n_columns > 0 && out_index != NULL, 0);

  if (n == 0 || !usable (x_min, x_log) || !usable (x_max, x_log))
    return 0;

  t0 = transform (x_min, x_log);
  scale = transform (x_max, x_log) > t0 ? n_columns / (transform (x_max, x_log) - t0) : 0;

  first = g_new (guint, 4 * (gsize) n_columns);
  last = first + n_columns;
  lo = last + n_columns;
  hi = lo + n_columns;
  memset (first, 0xff, 4 * (gsize) n_columns * sizeof (guint));

  for (guint i = 0; i < n; i++)
    {
      double c;
      guint col;

      if (!usable (x[i], x_log) || !isfinite (y[i]))
        continue;

      c = (transform (x[i], x_log) - t0) * scale;
      if (c < 0)
        c = 0;
      col = c >= n_columns ? n_columns - 1 : (guint) c;

      if (first[col] == NONE)
        {
          first[col] = last[col] = lo[col] = hi[col] = i;
          continue;
        }
      last[col] = i;
      if (y[i] < y[lo[col]])
        lo[col] = i;
      else if (y[i] > y[hi[col]])
        hi[col] = i;
    }

  for (guint col = 0; col < n_columns; col++)
    {
      guint set[4];
      guint k = 0;

      if (first[col] == NONE)
        continue;

      set[k++] = first[col];
      if (lo[col] != first[col])
        set[k++] = lo[col];
      if (hi[col] != first[col] && hi[col] != lo[col])
        set[k++] = hi[col];
      if (last[col] != first[col] && last[col] != lo[col] && last[col] != hi[col])
        set[k++] = last[col];
      qsort (set, k, sizeof (guint), compare_guint);
      memcpy (out_index + n_out, set, k * sizeof (guint));
      n_out += k;
    }

  g_free (first);
  return n_out;
}

/**
 * assay_chart_downsample_grid:
 * @x: (array length=n): x values
 * @y: (array length=n): y values
 * @n: the number of points
 * @x_min: left edge
 * @x_max: right edge
 * @x_log: the x axis is logarithmic
 * @y_min: bottom edge
 * @y_max: top edge
 * @y_log: the y axis is logarithmic
 * @n_columns: cells across
 * @n_rows: cells down
 * @out_index: (out caller-allocates) (array): room for
 *   @n_columns × @n_rows + 4 indices
 *
 * For a scatter plot: keeps the first point that falls in each cell of a
 * grid (a cell the size of a dot covers everything under it), plus the points
 * with the smallest and largest x and y, so the extremes are always drawn.
 *
 * Returns: the number of indices written, ascending.
 */
guint
assay_chart_downsample_grid (const double *x,
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
                             guint        *out_index)
{
  guint8 *taken;
  double tx0, ty0, sx, sy;
  guint ext[4] = { NONE, NONE, NONE, NONE };   /* min x, max x, min y, max y */
  guint n_out = 0;
  gsize n_cells;

  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), 0);
  g_return_val_if_fail (n_columns > 0 && n_rows > 0 && out_index != NULL, 0);

  if (n == 0 || !usable (x_min, x_log) || !usable (x_max, x_log) ||
      !usable (y_min, y_log) || !usable (y_max, y_log))
    return 0;

  tx0 = transform (x_min, x_log);
  ty0 = transform (y_min, y_log);
  sx = transform (x_max, x_log) > tx0 ? n_columns / (transform (x_max, x_log) - tx0) : 0;
  sy = transform (y_max, y_log) > ty0 ? n_rows / (transform (y_max, y_log) - ty0) : 0;
  n_cells = (gsize) n_columns * n_rows;
  taken = g_malloc0 (n_cells);

  for (guint i = 0; i < n; i++)
    {
      double cx, cy;
      guint col, row;
      gboolean keep;

      if (!usable (x[i], x_log) || !usable (y[i], y_log))
        continue;

      if (ext[0] == NONE || x[i] < x[ext[0]])
        ext[0] = i;
      if (ext[1] == NONE || x[i] > x[ext[1]])
        ext[1] = i;
      if (ext[2] == NONE || y[i] < y[ext[2]])
        ext[2] = i;
      if (ext[3] == NONE || y[i] > y[ext[3]])
        ext[3] = i;

      cx = (transform (x[i], x_log) - tx0) * sx;
      cy = (transform (y[i], y_log) - ty0) * sy;
      if (cx < 0 || cy < 0 || cx > n_columns || cy > n_rows)
        continue;   /* outside the visible range */
      col = cx >= n_columns ? n_columns - 1 : (guint) cx;
      row = cy >= n_rows ? n_rows - 1 : (guint) cy;

      keep = !taken[(gsize) row * n_columns + col];
      taken[(gsize) row * n_columns + col] = 1;
      if (keep)
        out_index[n_out++] = i;
    }

  /* The extremes, if their cell was claimed by an earlier point. */
  for (guint e = 0; e < 4; e++)
    {
      gboolean present = FALSE;

      if (ext[e] == NONE)
        continue;
      for (guint j = 0; j < e; j++)
        present |= ext[j] == ext[e];
      if (!present && bsearch (&ext[e], out_index, n_out, sizeof (guint), compare_guint) == NULL)
        {
          /* Insert keeping the order. */
          guint pos = n_out;

          while (pos > 0 && out_index[pos - 1] > ext[e])
            {
              out_index[pos] = out_index[pos - 1];
              pos--;
            }
          out_index[pos] = ext[e];
          n_out++;
        }
    }

  g_free (taken);
  return n_out;
}

/**
 * assay_chart_downsample_minmax_sorted:
 * @x: (array length=n): finite x values in ascending order
 * @y: (array length=n): y values; NaN and infinite values are skipped
 * @n: the number of points
 * @x_min: the left edge of the first column
 * @x_max: the right edge of the last column
 * @x_log: the x axis is logarithmic
 * @n_columns: pixel columns
 * @out_index: (out caller-allocates) (array): room for 4 × @n_columns indices
 *
 * assay_chart_downsample_minmax() for ascending x, with the same result:
 * each column's points are found by binary search and scanned in one loop
 * over y, with no per-column tables.
 *
 * Returns: the number of indices written
 */
guint
assay_chart_downsample_minmax_sorted (const double *x,
                                      const double *y,
                                      guint         n,
                                      double        x_min,
                                      double        x_max,
                                      gboolean      x_log,
                                      guint         n_columns,
                                      guint        *out_index)
{
  double t0, t1;
  guint start = 0, n_out = 0;

  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), 0);
  g_return_val_if_fail (n_columns > 0 && out_index != NULL, 0);

  if (n == 0 || !usable (x_min, x_log) || !usable (x_max, x_log))
    return 0;

  t0 = transform (x_min, x_log);
  t1 = transform (x_max, x_log);

  /* On a log axis, points ≤ 0 have no column. */
  if (x_log)
    while (start < n && !(x[start] > 0))
      start++;

  for (guint col = 0; col < n_columns && start < n; col++)
    {
      guint end, first = NONE, last = NONE, lo = NONE, hi = NONE;
      guint set[4];
      guint k = 0;

      if (col + 1 == n_columns || !(t1 > t0))
        end = n;
      else
        {
          /* Ends before the first point at or past the column's right edge,
           * as (t - t0) * scale ≥ col + 1 decides in the general version. */
          double edge_t = t0 + (col + 1) * ((t1 - t0) / n_columns);
          double edge = x_log ? pow (10, edge_t) : edge_t;
          guint a = start, b = n;

          while (a < b)
            {
              guint mid = a + (b - a) / 2;

              if (x[mid] < edge)
                a = mid + 1;
              else
                b = mid;
            }
          end = a;
        }

      for (guint i = start; i < end; i++)
        {
          double v = y[i];

          if (!isfinite (v))
            continue;
          if (first == NONE)
            {
              first = last = lo = hi = i;
              continue;
            }
          last = i;
          if (v < y[lo])
            lo = i;
          else if (v > y[hi])
            hi = i;
        }
      start = end;

      if (first == NONE)
        continue;
      set[k++] = first;
      if (lo != first)
        set[k++] = lo;
      if (hi != first && hi != lo)
        set[k++] = hi;
      if (last != first && last != lo && last != hi)
        set[k++] = last;
      qsort (set, k, sizeof (guint), compare_guint);
      memcpy (out_index + n_out, set, k * sizeof (guint));
      n_out += k;
    }

  return n_out;
}
