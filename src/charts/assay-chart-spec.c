/* assay-chart-spec.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-spec"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "assay-chart-geometry-private.h"
#include "assay-chart-spec.h"
#include "assay-chart-ticks.h"

typedef struct
{
  char            *title;
  char            *unit;
  AssayChartScale  scale;
  double           min, max;   /* NaN: from the data */
} Axis;

struct _AssayChartSpec
{
  gatomicrefcount  ref_count;
  char            *title;
  char            *subtitle;
  char            *empty_text;
  Axis             axes[2];
  GPtrArray       *series;
  AssayChartTone   subtitle_tone;
  guint            horizontal : 1;
  guint            show_legend : 1;
};

G_DEFINE_BOXED_TYPE (AssayChartSpec, assay_chart_spec, assay_chart_spec_ref, assay_chart_spec_unref)

/**
 * assay_chart_spec_new:
 * @title: (nullable): the chart's title
 *
 * Returns: (transfer full): an empty chart description: linear axes,
 *   a legend when there is more than one named series.
 */
AssayChartSpec *
assay_chart_spec_new (const char *title)
{
  AssayChartSpec *self = g_new0 (AssayChartSpec, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->title = g_strdup (title);
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_chart_series_unref);
  self->show_legend = TRUE;
  for (guint i = 0; i < 2; i++)
    self->axes[i].min = self->axes[i].max = NAN;
  return self;
}

AssayChartSpec *
assay_chart_spec_ref (AssayChartSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
assay_chart_spec_unref (AssayChartSpec *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->empty_text);
  for (guint i = 0; i < 2; i++)
    {
      g_free (self->axes[i].title);
      g_free (self->axes[i].unit);
    }
  g_ptr_array_unref (self->series);
  g_free (self);
}

/**
 * assay_chart_spec_copy:
 * @self: a chart description
 *
 * Returns: (transfer full): a new description with the same settings and
 *   (shared, read-only) series, to change before sharing it.
 */
AssayChartSpec *
assay_chart_spec_copy (AssayChartSpec *self)
{
  AssayChartSpec *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = assay_chart_spec_new (self->title);
  copy->subtitle = g_strdup (self->subtitle);
  copy->empty_text = g_strdup (self->empty_text);
  for (guint i = 0; i < 2; i++)
    {
      copy->axes[i] = self->axes[i];
      copy->axes[i].title = g_strdup (self->axes[i].title);
      copy->axes[i].unit = g_strdup (self->axes[i].unit);
    }
  copy->subtitle_tone = self->subtitle_tone;
  copy->horizontal = self->horizontal;
  copy->show_legend = self->show_legend;
  for (guint i = 0; i < self->series->len; i++)
    g_ptr_array_add (copy->series, assay_chart_series_ref (g_ptr_array_index (self->series, i)));
  return copy;
}

void
assay_chart_spec_set_title (AssayChartSpec *self,
                            const char     *title)
{
  g_return_if_fail (self != NULL);

  g_free (self->title);
  self->title = g_strdup (title);
}

void
assay_chart_spec_set_subtitle (AssayChartSpec *self,
                               const char     *subtitle)
{
  g_return_if_fail (self != NULL);

  g_free (self->subtitle);
  self->subtitle = g_strdup (subtitle);
}

/**
 * assay_chart_spec_set_subtitle_tone:
 * @self: a chart description not yet shared
 * @tone: shows the subtitle as good, a warning or bad news (a verdict)
 */
void
assay_chart_spec_set_subtitle_tone (AssayChartSpec *self,
                                    AssayChartTone  tone)
{
  g_return_if_fail (self != NULL);

  self->subtitle_tone = tone;
}

AssayChartTone
assay_chart_spec_get_subtitle_tone (AssayChartSpec *self)
{
  return self->subtitle_tone;
}

/**
 * assay_chart_spec_set_axis:
 * @self: a chart description not yet shared
 * @axis: which axis
 * @title: (nullable): the axis title
 * @unit: (nullable): the unit of its values, shown in the tick labels
 * @scale: linear, log or time
 */
void
assay_chart_spec_set_axis (AssayChartSpec   *self,
                           AssayChartAxisId  axis,
                           const char       *title,
                           const char       *unit,
                           AssayChartScale   scale)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (axis <= ASSAY_CHART_AXIS_Y);

  g_free (self->axes[axis].title);
  g_free (self->axes[axis].unit);
  self->axes[axis].title = g_strdup (title);
  self->axes[axis].unit = g_strdup (unit);
  self->axes[axis].scale = scale;
}

/**
 * assay_chart_spec_set_axis_range:
 * @self: a chart description not yet shared
 * @axis: which axis
 * @min: the lowest value shown, or NaN to take it from the data
 * @max: the highest value shown, or NaN likewise
 */
void
assay_chart_spec_set_axis_range (AssayChartSpec   *self,
                                 AssayChartAxisId  axis,
                                 double            min,
                                 double            max)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (axis <= ASSAY_CHART_AXIS_Y);

  self->axes[axis].min = min;
  self->axes[axis].max = max;
}

/**
 * assay_chart_spec_set_horizontal:
 * @self: a chart description not yet shared
 * @horizontal: bars run left to right, categories down the left side (long labels)
 */
void
assay_chart_spec_set_horizontal (AssayChartSpec *self,
                                 gboolean        horizontal)
{
  g_return_if_fail (self != NULL);

  self->horizontal = !!horizontal;
}

void
assay_chart_spec_set_show_legend (AssayChartSpec *self,
                                  gboolean        show_legend)
{
  g_return_if_fail (self != NULL);

  self->show_legend = !!show_legend;
}

/**
 * assay_chart_spec_set_empty_text:
 * @self: a chart description not yet shared
 * @text: (nullable): shown when there is nothing to draw (default "No data")
 */
void
assay_chart_spec_set_empty_text (AssayChartSpec *self,
                                 const char     *text)
{
  g_return_if_fail (self != NULL);

  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
}

/**
 * assay_chart_spec_add_series:
 * @self: a chart description not yet shared
 * @series: a series; drawn after (above) those added before
 */
void
assay_chart_spec_add_series (AssayChartSpec   *self,
                             AssayChartSeries *series)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (series != NULL);

  g_ptr_array_add (self->series, assay_chart_series_ref (series));
}

void
assay_chart_spec_clear_series (AssayChartSpec *self)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_set_size (self->series, 0);
}

const char *
assay_chart_spec_get_title (AssayChartSpec *self)
{
  return self->title;
}

const char *
assay_chart_spec_get_subtitle (AssayChartSpec *self)
{
  return self->subtitle;
}

const char *
assay_chart_spec_get_axis_title (AssayChartSpec   *self,
                                 AssayChartAxisId  axis)
{
  return self->axes[axis].title;
}

const char *
assay_chart_spec_get_axis_unit (AssayChartSpec   *self,
                                AssayChartAxisId  axis)
{
  return self->axes[axis].unit;
}

AssayChartScale
assay_chart_spec_get_axis_scale (AssayChartSpec   *self,
                                 AssayChartAxisId  axis)
{
  return self->axes[axis].scale;
}

void
assay_chart_spec_get_axis_range (AssayChartSpec   *self,
                                 AssayChartAxisId  axis,
                                 double           *min,
                                 double           *max)
{
  *min = self->axes[axis].min;
  *max = self->axes[axis].max;
}

gboolean
assay_chart_spec_get_horizontal (AssayChartSpec *self)
{
  return self->horizontal;
}

gboolean
assay_chart_spec_get_show_legend (AssayChartSpec *self)
{
  return self->show_legend;
}

/* Returns: the text for an empty chart, translated */
const char *
assay_chart_spec_get_empty_text (AssayChartSpec *self)
{
  return self->empty_text != NULL ? self->empty_text : _("No data");
}

guint
assay_chart_spec_get_n_series (AssayChartSpec *self)
{
  return self->series->len;
}

/* Returns: (transfer none): the series at @index */
AssayChartSeries *
assay_chart_spec_get_series (AssayChartSpec *self,
                             guint           index)
{
  g_return_val_if_fail (index < self->series->len, NULL);

  return g_ptr_array_index (self->series, index);
}

guint64
assay_chart_spec_get_n_points (AssayChartSpec *self)
{
  guint64 n = 0;

  for (guint i = 0; i < self->series->len; i++)
    n += assay_chart_series_get_n_items (g_ptr_array_index (self->series, i));
  return n;
}

/* Returns: whether no series has an item to draw */
gboolean
assay_chart_spec_is_empty (AssayChartSpec *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      AssayChartSeries *s = g_ptr_array_index (self->series, i);
      double a, b, c;

      if (assay_chart_series_get_n_items (s) > 0 && assay_chart_series_get_y_range (s, &a, &b, &c))
        return FALSE;
    }
  return TRUE;
}

static char *
format_position (AssayChartSpec *self,
                 double          v)
{
  if (self->axes[ASSAY_CHART_AXIS_X].scale == ASSAY_CHART_SCALE_TIME && isfinite (v))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) v);

      if (dt != NULL)
        return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
    }
  return assay_chart_format_exact (v, self->axes[ASSAY_CHART_AXIS_X].unit);
}

/**
 * assay_chart_spec_describe_item:
 * @self: a chart description
 * @series: a series index
 * @index: an item of that series
 *
 * Returns: (transfer full) (nullable): the item's exact values in a few
 *   lines, for a tooltip or a screen reader
 */
char *
assay_chart_spec_describe_item (AssayChartSpec *self,
                                guint           series,
                                guint           index)
{
  AssayChartSeries *s;
  g_autoptr(GString) text = NULL;
  const char *unit, *label, *note, *name;
  const double *x, *y;
  g_autofree char *value = NULL;
  g_autofree char *printable = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (series >= self->series->len)
    return NULL;
  s = g_ptr_array_index (self->series, series);
  if (index >= assay_chart_series_get_n_items (s))
    return NULL;

  text = g_string_new (NULL);
  unit = assay_chart_series_get_unit (s) != NULL ? assay_chart_series_get_unit (s)
                                                 : self->axes[ASSAY_CHART_AXIS_Y].unit;
  label = assay_chart_series_get_label (s, index);
  if ((printable = _assay_chart_printable (label)) != NULL)
    label = printable;   /* as the chart draws it */
  note = assay_chart_series_get_note (s, index);
  name = assay_chart_series_get_name (s);
  x = assay_chart_series_get_x (s);
  y = assay_chart_series_get_y (s);

  switch (assay_chart_series_get_kind (s))
    {
    case ASSAY_CHART_KIND_BAR:
      value = assay_chart_format_exact (y[index], unit);
      g_string_append_printf (text, "%s: %s", label != NULL ? label : (name != NULL ? name : ""), value);
      break;

    case ASSAY_CHART_KIND_HISTOGRAM:
      {
        g_autofree char *lo = assay_chart_format_exact (x[index], self->axes[ASSAY_CHART_AXIS_X].unit);
        g_autofree char *hi = assay_chart_format_exact (x[index + 1], self->axes[ASSAY_CHART_AXIS_X].unit);

        /* Translators: a histogram bin: its range and how many values it holds */
        g_string_append_printf (text, _("%s to %s: %.0f"), lo, hi, y[index]);
      }
      break;

    case ASSAY_CHART_KIND_LINE:
    case ASSAY_CHART_KIND_SCATTER:
      {
        g_autofree char *pos = format_position (self, x[index]);

        value = assay_chart_format_exact (y[index], unit);
        if (name != NULL)
          g_string_append_printf (text, "%s\n", name);
        if (label != NULL)
          g_string_append_printf (text, "%s\n", label);
        g_string_append_printf (text, "%s: %s", pos, value);
      }
      break;

    case ASSAY_CHART_KIND_TIME_SPAN:
      {
        guint n_rows;
        const guint *rows = assay_chart_series_get_rows (s, &n_rows);
        const char *row = assay_chart_series_get_row_label (s, rows[index]);
        g_autofree char *duration = assay_chart_format_exact (y[index] - x[index], self->axes[ASSAY_CHART_AXIS_X].unit);

        if (row != NULL && row[0] != '\0')
          g_string_append_printf (text, "%s\n", row);
        if (label != NULL && label[0] != '\0')
          g_string_append_printf (text, "%s: ", label);
        g_string_append (text, duration);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (note != NULL && note[0] != '\0')
    g_string_append_printf (text, "\n%s", note);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * assay_chart_spec_describe:
 * @self: a chart description
 *
 * Returns: (transfer full): a one-line summary for screen readers
 */
char *
assay_chart_spec_describe (AssayChartSpec *self)
{
  g_autoptr(GString) text = g_string_new (self->title != NULL ? self->title : "");

  if (self->subtitle != NULL)
    g_string_append_printf (text, ". %s", self->subtitle);
  if (assay_chart_spec_is_empty (self))
    g_string_append_printf (text, ". %s", assay_chart_spec_get_empty_text (self));
  else
    for (guint i = 0; i < self->series->len; i++)
      {
        AssayChartSeries *s = g_ptr_array_index (self->series, i);
        const char *name = assay_chart_series_get_name (s);
        guint n = assay_chart_series_get_n_items (s);

        g_string_append (text, ". ");
        if (name != NULL)
          g_string_append_printf (text, "%s: ", name);
        /* Translators: how many bars, points or spans a chart series has */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", n), n);
      }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
