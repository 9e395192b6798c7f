/* assay-chart-series.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-series"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-chart-series.h"

/* What x and y hold depends on the kind:
 *   bar        x NULL (the category is the index), y the values, labels the categories
 *   histogram  x the n + 1 edges, y the counts
 *   line, scatter  x and y
 *   time span  x the starts, y the ends, rows[] the row of each, labels the span's
 *              category (its colour), row_labels the rows' names
 */
struct _AssayChartSeries
{
  gatomicrefcount  ref_count;
  AssayChartKind   kind;
  char            *name;
  char            *unit;
  guint            n;
  double          *x;
  double          *y;
  guint           *rows;
  char           **labels;
  char           **notes;
  guint           *ids;           /* NULL: an item's id is its index */
  char           **row_labels;
  guint            n_rows;
  int              color;
  /* Finite ranges, computed once. */
  gboolean         has_x, has_y;
  gboolean         x_sorted;      /* finite and ascending */
  gboolean         y_integral;    /* every finite y a whole number (counts) */
  double           x_min, x_max, x_min_pos;
  double           y_min, y_max, y_min_pos;
};

G_DEFINE_BOXED_TYPE (AssayChartSeries, assay_chart_series, assay_chart_series_ref, assay_chart_series_unref)

static void
range_of (const double *v,
          guint         n,
          gboolean     *has,
          double       *min,
          double       *max,
          double       *min_pos)
{
  double lo = INFINITY, hi = -INFINITY, pos = INFINITY;

  for (guint i = 0; i < n; i++)
    {
      double a = v[i];

      if (!isfinite (a))
        continue;
      if (a < lo)
        lo = a;
      if (a > hi)
        hi = a;
      if (a > 0 && a < pos)
        pos = a;
    }

  *has = lo <= hi;
  *min = *has ? lo : NAN;
  *max = *has ? hi : NAN;
  *min_pos = isfinite (pos) ? pos : NAN;
}

static void
union_range (gboolean *has,
             double   *min,
             double   *max,
             double   *min_pos,
             gboolean  has2,
             double    min2,
             double    max2,
             double    min_pos2)
{
  if (!has2)
    return;
  if (!*has)
    {
      *has = TRUE;
      *min = min2;
      *max = max2;
      *min_pos = min_pos2;
      return;
    }
  *min = MIN (*min, min2);
  *max = MAX (*max, max2);
  if (isnan (*min_pos) || min_pos2 < *min_pos)
    *min_pos = min_pos2;
}

static AssayChartSeries *
series_new (AssayChartKind  kind,
            const char     *name,
            guint           n)
{
  AssayChartSeries *self = g_new0 (AssayChartSeries, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->name = g_strdup (name);
  self->n = n;
  self->color = -1;
  return self;
}

static char **
copy_labels (const char * const *labels,
             guint               n)
{
  char **copy;

  if (labels == NULL)
    return NULL;
  copy = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    copy[i] = g_strdup (labels[i] != NULL ? labels[i] : "");
  return copy;
}

static void
compute_ranges (AssayChartSeries *self)
{
  self->y_integral = self->kind != ASSAY_CHART_KIND_TIME_SPAN;
  for (guint i = 0; i < self->n && self->y_integral; i++)
    self->y_integral = !isfinite (self->y[i]) || self->y[i] == floor (self->y[i]);

  switch (self->kind)
    {
    case ASSAY_CHART_KIND_BAR:
      self->has_x = self->n > 0;
      self->x_min = 0;
      self->x_max = self->n > 0 ? self->n - 1 : 0;
      self->x_min_pos = self->n > 1 ? 1 : NAN;
      range_of (self->y, self->n, &self->has_y, &self->y_min, &self->y_max, &self->y_min_pos);
      break;

    case ASSAY_CHART_KIND_HISTOGRAM:
      range_of (self->x, self->n > 0 ? self->n + 1 : 0, &self->has_x, &self->x_min, &self->x_max,
                &self->x_min_pos);
      range_of (self->y, self->n, &self->has_y, &self->y_min, &self->y_max, &self->y_min_pos);
      break;

    case ASSAY_CHART_KIND_LINE:
    case ASSAY_CHART_KIND_SCATTER:
      range_of (self->x, self->n, &self->has_x, &self->x_min, &self->x_max, &self->x_min_pos);
      range_of (self->y, self->n, &self->has_y, &self->y_min, &self->y_max, &self->y_min_pos);
      self->x_sorted = TRUE;
      for (guint i = 0; i < self->n && self->x_sorted; i++)
        self->x_sorted = isfinite (self->x[i]) && (i == 0 || self->x[i] >= self->x[i - 1]);
      break;

    case ASSAY_CHART_KIND_TIME_SPAN:
      {
        gboolean has2;
        double min2, max2, pos2;

        range_of (self->x, self->n, &self->has_x, &self->x_min, &self->x_max, &self->x_min_pos);
        range_of (self->y, self->n, &has2, &min2, &max2, &pos2);
        union_range (&self->has_x, &self->x_min, &self->x_max, &self->x_min_pos, has2, min2, max2, pos2);
        self->has_y = self->n_rows > 0;
        self->y_min = 0;
        self->y_max = self->n_rows > 0 ? self->n_rows - 1 : 0;
        self->y_min_pos = NAN;
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * assay_chart_series_new_bars:
 * @name: (nullable): the series' name (legend, tooltips)
 * @labels: (array length=n): the categories
 * @values: (array length=n): one value per category (NaN: none)
 * @n: the number of bars
 *
 * Returns: (transfer full): a bar series; the arrays are copied.
 */
AssayChartSeries *
assay_chart_series_new_bars (const char         *name,
                             const char * const *labels,
                             const double       *values,
                             guint               n)
{
  AssayChartSeries *self;

  g_return_val_if_fail (n == 0 || values != NULL, NULL);

  self = series_new (ASSAY_CHART_KIND_BAR, name, n);
  self->y = g_memdup2 (values, MAX (n, 1) * sizeof (double));
  self->labels = copy_labels (labels, n);
  compute_ranges (self);
  return self;
}

/**
 * assay_chart_series_new_histogram:
 * @name: (nullable): the series' name
 * @edges: (array): @n_bins + 1 ascending bin edges
 * @counts: (array length=n_bins): the count in each bin
 * @n_bins: the number of bins
 *
 * Returns: (transfer full): a histogram series; the arrays are copied.
 */
AssayChartSeries *
assay_chart_series_new_histogram (const char   *name,
                                  const double *edges,
                                  const guint  *counts,
                                  guint         n_bins)
{
  AssayChartSeries *self;

  g_return_val_if_fail (n_bins == 0 || (edges != NULL && counts != NULL), NULL);

  self = series_new (ASSAY_CHART_KIND_HISTOGRAM, name, n_bins);
  self->x = g_new0 (double, n_bins + 1);
  self->y = g_new0 (double, MAX (n_bins, 1));
  if (n_bins > 0)
    memcpy (self->x, edges, (n_bins + 1) * sizeof (double));
  for (guint i = 0; i < n_bins; i++)
    self->y[i] = counts[i];
  compute_ranges (self);
  return self;
}

/**
 * assay_chart_series_new_xy_take:
 * @kind: %ASSAY_CHART_KIND_LINE or %ASSAY_CHART_KIND_SCATTER
 * @name: (nullable): the series' name
 * @x: (transfer full) (array length=n): x values, g_malloc'd; a line's ascending
 * @y: (transfer full) (array length=n): y values, g_malloc'd
 * @n: the number of points
 *
 * Like assay_chart_series_new_xy() without copying a large series.
 * On a chart with bars, a line's x values are category indices.
 *
 * Returns: (transfer full): the series
 */
AssayChartSeries *
assay_chart_series_new_xy_take (AssayChartKind  kind,
                                const char     *name,
                                double         *x,
                                double         *y,
                                guint           n)
{
  AssayChartSeries *self;

  g_return_val_if_fail (kind == ASSAY_CHART_KIND_LINE || kind == ASSAY_CHART_KIND_SCATTER, NULL);
  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), NULL);

  self = series_new (kind, name, n);
  self->x = x != NULL ? x : g_new0 (double, 1);
  self->y = y != NULL ? y : g_new0 (double, 1);
  compute_ranges (self);
  return self;
}

/**
 * assay_chart_series_new_xy:
 * @kind: %ASSAY_CHART_KIND_LINE or %ASSAY_CHART_KIND_SCATTER
 * @name: (nullable): the series' name
 * @x: (array length=n): x values (a line's ascending; seconds since the
 *   epoch on a time axis)
 * @y: (array length=n): y values (NaN: none)
 * @n: the number of points
 *
 * Returns: (transfer full): the series; the arrays are copied.
 */
AssayChartSeries *
assay_chart_series_new_xy (AssayChartKind  kind,
                           const char     *name,
                           const double   *x,
                           const double   *y,
                           guint           n)
{
  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), NULL);

  return assay_chart_series_new_xy_take (kind, name,
                                         g_memdup2 (x, MAX (n, 1) * sizeof (double)),
                                         g_memdup2 (y, MAX (n, 1) * sizeof (double)),
                                         n);
}

/**
 * assay_chart_series_new_spans:
 * @name: (nullable): the series' name
 * @start: (array length=n): span starts
 * @end: (array length=n): span ends
 * @row: (array length=n): each span's row, below @n_rows
 * @labels: (nullable) (array length=n): each span's category (spans of one
 *   category share a colour and a legend entry), e.g. a pipeline stage
 * @n: the number of spans
 * @row_labels: (array length=n_rows): the rows' names, e.g. documents
 * @n_rows: the number of rows
 *
 * Returns: (transfer full): a time-span series; the arrays are copied.
 */
AssayChartSeries *
assay_chart_series_new_spans (const char         *name,
                              const double       *start,
                              const double       *end,
                              const guint        *row,
                              const char * const *labels,
                              guint               n,
                              const char * const *row_labels,
                              guint               n_rows)
{
  AssayChartSeries *self;

  g_return_val_if_fail (n == 0 || (start != NULL && end != NULL && row != NULL), NULL);

  self = series_new (ASSAY_CHART_KIND_TIME_SPAN, name, n);
  self->x = g_memdup2 (start, MAX (n, 1) * sizeof (double));
  self->y = g_memdup2 (end, MAX (n, 1) * sizeof (double));
  self->rows = g_memdup2 (row, MAX (n, 1) * sizeof (guint));
  self->labels = copy_labels (labels, n);
  self->row_labels = copy_labels (row_labels, n_rows);
  self->n_rows = n_rows;
  for (guint i = 0; i < n; i++)
    if (self->rows[i] >= n_rows)
      self->rows[i] = n_rows > 0 ? n_rows - 1 : 0;
  compute_ranges (self);
  return self;
}

/**
 * assay_chart_series_new_from_model:
 * @kind: the kind of series
 * @name: (nullable): the series' name
 * @model: a list model
 * @x_func: (nullable): reads an item's x (line, scatter), start (time span);
 *   unused for bars (the position is the category)
 * @y_func: reads an item's value (bar, line, scatter) or end (time span)
 * @label_func: (nullable): an item's category label (bar) or span category
 * @user_data: passed to the functions
 *
 * Reads every item of @model once through the accessors into plain arrays.
 * Call it on the thread that owns the model (the main thread for the UI's).
 * Histograms and time spans with rows are built from arrays instead.
 *
 * Returns: (transfer full): the series
 */
AssayChartSeries *
assay_chart_series_new_from_model (AssayChartKind       kind,
                                   const char          *name,
                                   GListModel          *model,
                                   AssayChartValueFunc  x_func,
                                   AssayChartValueFunc  y_func,
                                   AssayChartLabelFunc  label_func,
                                   gpointer             user_data)
{
  AssayChartSeries *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (y_func != NULL, NULL);
  g_return_val_if_fail (kind != ASSAY_CHART_KIND_HISTOGRAM, NULL);

  n = g_list_model_get_n_items (model);
  self = series_new (kind, name, n);
  self->y = g_new0 (double, MAX (n, 1));
  if (kind != ASSAY_CHART_KIND_BAR)
    self->x = g_new0 (double, MAX (n, 1));
  if (kind == ASSAY_CHART_KIND_TIME_SPAN)
    {
      self->rows = g_new0 (guint, MAX (n, 1));
      self->row_labels = g_new0 (char *, n + 1);
      self->n_rows = n;
    }
  if (label_func != NULL)
    self->labels = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      self->y[i] = y_func (item, user_data);
      if (self->x != NULL)
        self->x[i] = x_func != NULL ? x_func (item, user_data) : i;
      if (label_func != NULL)
        {
          char *label = label_func (item, user_data);

          self->labels[i] = label != NULL ? label : g_strdup ("");
        }
      if (kind == ASSAY_CHART_KIND_TIME_SPAN)
        {
          self->rows[i] = i;
          self->row_labels[i] = g_strdup (self->labels != NULL ? self->labels[i] : "");
        }
    }

  compute_ranges (self);
  return self;
}

AssayChartSeries *
assay_chart_series_ref (AssayChartSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
assay_chart_series_unref (AssayChartSeries *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_free (self->unit);
  g_free (self->x);
  g_free (self->y);
  g_free (self->rows);
  g_strfreev (self->labels);
  g_strfreev (self->notes);
  g_free (self->ids);
  g_strfreev (self->row_labels);
  g_free (self);
}

/**
 * assay_chart_series_set_notes:
 * @self: a series not yet shared
 * @notes: (array) (nullable): one line per item for its tooltip, e.g. "page 4"
 */
void
assay_chart_series_set_notes (AssayChartSeries   *self,
                              const char * const *notes)
{
  g_return_if_fail (self != NULL);

  g_strfreev (self->notes);
  self->notes = copy_labels (notes, self->n);
}

/**
 * assay_chart_series_set_ids:
 * @self: a series not yet shared
 * @ids: (array) (nullable): one number per item that the caller chose, e.g.
 *   the index of the key figure a bar shows, or the page a bar counts
 *
 * Lets an "activated" item lead back to what it shows.
 */
void
assay_chart_series_set_ids (AssayChartSeries *self,
                            const guint      *ids)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->ids, g_free);
  if (ids != NULL)
    self->ids = g_memdup2 (ids, MAX (self->n, 1) * sizeof (guint));
}

/* Returns: the id given to item @index (assay_chart_series_set_ids()), else @index */
guint
assay_chart_series_get_id (AssayChartSeries *self,
                           guint             index)
{
  g_return_val_if_fail (self != NULL, index);

  return self->ids != NULL && index < self->n ? self->ids[index] : index;
}

/**
 * assay_chart_series_set_color:
 * @self: a series not yet shared
 * @palette_index: an index into the palette's series colours, or -1 for the
 *   series' position in the chart
 */
void
assay_chart_series_set_color (AssayChartSeries *self,
                              int               palette_index)
{
  g_return_if_fail (self != NULL);

  self->color = palette_index;
}

/**
 * assay_chart_series_set_unit:
 * @self: a series not yet shared
 * @unit: (nullable): the unit of its values, for tooltips
 */
void
assay_chart_series_set_unit (AssayChartSeries *self,
                             const char       *unit)
{
  g_return_if_fail (self != NULL);

  g_free (self->unit);
  self->unit = g_strdup (unit);
}

AssayChartKind
assay_chart_series_get_kind (AssayChartSeries *self)
{
  return self->kind;
}

const char *
assay_chart_series_get_name (AssayChartSeries *self)
{
  return self->name;
}

const char *
assay_chart_series_get_unit (AssayChartSeries *self)
{
  return self->unit;
}

guint
assay_chart_series_get_n_items (AssayChartSeries *self)
{
  return self->n;
}

/* Returns: (nullable): x values (n + 1 edges for a histogram; NULL for bars) */
const double *
assay_chart_series_get_x (AssayChartSeries *self)
{
  return self->x;
}

const double *
assay_chart_series_get_y (AssayChartSeries *self)
{
  return self->y;
}

const guint *
assay_chart_series_get_rows (AssayChartSeries *self,
                             guint            *n_rows)
{
  if (n_rows != NULL)
    *n_rows = self->n_rows;
  return self->rows;
}

const char *
assay_chart_series_get_label (AssayChartSeries *self,
                              guint             index)
{
  return self->labels != NULL && index < self->n ? self->labels[index] : NULL;
}

const char *
assay_chart_series_get_row_label (AssayChartSeries *self,
                                  guint             row)
{
  return self->row_labels != NULL && row < self->n_rows ? self->row_labels[row] : NULL;
}

const char *
assay_chart_series_get_note (AssayChartSeries *self,
                             guint             index)
{
  return self->notes != NULL && index < self->n ? self->notes[index] : NULL;
}

/* Returns: whether every value is a whole number (a count: no ticks between) */
gboolean
assay_chart_series_get_y_integral (AssayChartSeries *self)
{
  return self->y_integral;
}

/* Returns: whether x is finite and ascending (lines drawn from data in order) */
gboolean
assay_chart_series_get_x_sorted (AssayChartSeries *self)
{
  return self->x_sorted;
}

int
assay_chart_series_get_color (AssayChartSeries *self)
{
  return self->color;
}

gboolean
assay_chart_series_get_x_range (AssayChartSeries *self,
                                double           *min,
                                double           *max,
                                double           *min_positive)
{
  *min = self->x_min;
  *max = self->x_max;
  *min_positive = self->x_min_pos;
  return self->has_x;
}

gboolean
assay_chart_series_get_y_range (AssayChartSeries *self,
                                double           *min,
                                double           *max,
                                double           *min_positive)
{
  *min = self->y_min;
  *max = self->y_max;
  *min_positive = self->y_min_pos;
  return self->has_y;
}
