/* assay-chart-geometry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-geometry"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-chart-downsample.h"
#include "assay-chart-geometry-private.h"

#define HIT_RADIUS 10.0
#define MIN_V_TICK_SPACING 36.0
#define MIN_H_TICK_SPACING 90.0

double
_assay_chart_scale_slot (const AssayChartScaleGeom *scale)
{
  return scale->n_categories > 0 ? (scale->p1 - scale->p0) / scale->n_categories : 0;
}

/* Category labels closer than a line (left) or 24 px (below): only every
 * n-th is laid out and drawn, so a thousand bars cost a few labels, not a
 * thousand (their tooltips still name each). */
guint
_assay_chart_label_every (double   slot,
                          gboolean vertical)
{
  double room = vertical ? 16 : 24;

  slot = fabs (slot);
  if (slot >= room || slot <= 0 || !isfinite (slot))
    return 1;
  return (guint) ceil (room / slot);
}

/* Data value (or category index) to pixels; NaN if it has no place. */
double
_assay_chart_scale_map (const AssayChartScaleGeom *scale,
                        double                     value)
{
  double t;

  if (scale->category)
    return scale->p0 + (value + 0.5) * _assay_chart_scale_slot (scale);

  if (scale->log)
    {
      if (!(value > 0))
        return NAN;
      t = log10 (value);
    }
  else
    t = value;

  if (scale->t1 == scale->t0)
    return (scale->p0 + scale->p1) / 2;
  return scale->p0 + (t - scale->t0) / (scale->t1 - scale->t0) * (scale->p1 - scale->p0);
}

/* Text from PDFs may hold control characters (a font's spaces as U+0002):
 * Pango draws each as a box of hex digits (and warns on invalid UTF-8).
 * Returns: (transfer full) (nullable): @text with each of them a space
 * (made valid UTF-8 first), or %NULL if it was fine. */
char *
_assay_chart_printable (const char *text)
{
  GString *out = NULL;

  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);
      char *printable = _assay_chart_printable (valid);

      if (printable == NULL)
        return valid;
      g_free (valid);
      return printable;
    }
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        {
          if (out == NULL)
            out = g_string_new_len (text, p - text);
          g_string_append_c (out, ' ');
        }
      else if (out != NULL)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return out != NULL ? g_string_free (out, FALSE) : NULL;
}

PangoLayout *
_assay_chart_layout (PangoContext             *context,
                     const AssayChartGeometry *geom,
                     const char               *text,
                     double                    scale,
                     gboolean                  bold)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_from_string (geom->font);
  g_autofree char *printable = _assay_chart_printable (text);

  pango_font_description_set_absolute_size (desc, geom->font_size * scale * 96.0 / 72.0 * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, printable != NULL ? printable : text != NULL ? text : "", -1);
  pango_font_description_free (desc);
  return layout;
}

/* The subtitle (a verdict, a note on what is left out) in at most two
 * lines of the chart's width, bold after the dot of a verdict's colour:
 * measured and drawn from this one layout. */
PangoLayout *
_assay_chart_subtitle_layout (PangoContext             *context,
                              const AssayChartGeometry *geom,
                              double                   *x)
{
  AssayChartSpec *spec = geom->spec;
  gboolean toned = assay_chart_spec_get_subtitle_tone (spec) != ASSAY_CHART_TONE_NEUTRAL;
  PangoLayout *layout = _assay_chart_layout (context, geom, assay_chart_spec_get_subtitle (spec), 1, toned);
  double left = ASSAY_CHART_MARGIN + (toned ? 14 : 0);

  pango_layout_set_width (layout, (int) (MAX (geom->width - left - ASSAY_CHART_MARGIN, 20) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -2);
  if (x != NULL)
    *x = left;
  return layout;
}

static void
text_size (PangoContext             *context,
           const AssayChartGeometry *geom,
           const char               *text,
           double                    scale,
           gboolean                  bold,
           double                   *width,
           double                   *height)
{
  g_autoptr(PangoLayout) layout = _assay_chart_layout (context, geom, text, scale, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}

static gboolean
series_is_columnar (AssayChartKind kind)
{
  return kind == ASSAY_CHART_KIND_BAR;
}

/* The value range over every series, for the axis that shows values. */
static gboolean
value_range (AssayChartSpec *spec,
             gboolean        log_scale,
             double         *min,
             double         *max)
{
  gboolean has = FALSE;
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < assay_chart_spec_get_n_series (spec); i++)
    {
      AssayChartSeries *s = assay_chart_spec_get_series (spec, i);
      double a, b, pos;

      if (assay_chart_series_get_kind (s) == ASSAY_CHART_KIND_TIME_SPAN)
        continue;
      if (!assay_chart_series_get_y_range (s, &a, &b, &pos))
        continue;
      if (log_scale)
        {
          if (isnan (pos))
            continue;
          a = pos;
        }
      has = TRUE;
      lo = MIN (lo, a);
      hi = MAX (hi, b);
    }

  *min = lo;
  *max = hi;
  return has;
}

static gboolean
position_range (AssayChartSpec *spec,
                gboolean        log_scale,
                double         *min,
                double         *max)
{
  gboolean has = FALSE;
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < assay_chart_spec_get_n_series (spec); i++)
    {
      AssayChartSeries *s = assay_chart_spec_get_series (spec, i);
      double a, b, pos;

      if (!assay_chart_series_get_x_range (s, &a, &b, &pos))
        continue;
      if (log_scale)
        {
          if (isnan (pos))
            continue;
          a = pos;
        }
      has = TRUE;
      lo = MIN (lo, a);
      hi = MAX (hi, b);
    }

  *min = lo;
  *max = hi;
  return has;
}

static void
scale_set_ticks (AssayChartScaleGeom *scale,
                 AssayChartSpec      *spec,
                 double               min,
                 double               max,
                 guint                max_ticks,
                 gboolean             extend)
{
  const char *unit = assay_chart_spec_get_axis_unit (spec, scale->axis);

  g_clear_pointer (&scale->ticks, assay_chart_ticks_free);

  if (scale->axis == ASSAY_CHART_AXIS_Y && !scale->log && !scale->time)
    {
      gboolean integral = TRUE, points = TRUE;

      /* Counts: no tick between two whole numbers. */
      for (guint i = 0; i < assay_chart_spec_get_n_series (spec) && integral; i++)
        {
          AssayChartSeries *s = assay_chart_spec_get_series (spec, i);
          AssayChartKind kind = assay_chart_series_get_kind (s);

          integral = kind == ASSAY_CHART_KIND_TIME_SPAN || assay_chart_series_get_y_integral (s);
          points &= kind == ASSAY_CHART_KIND_LINE || kind == ASSAY_CHART_KIND_SCATTER;
        }
      /* Points of a few whole numbers (2 and 3): a step beyond them each
       * side (1 to 4), not dots on the plot's edges. */
      if (integral && points && extend && isfinite (max - min) && max - min > 0 && max - min < 3)
        {
          if (min != 0)
            min -= 1;
          max += 1;
        }
      /* One value: the padding assay_chart_ticks_linear() gives it, before
       * deciding whether whole-number steps are few (1200 alone: steps of
       * 50 around it, not 1000 and 1500). */
      if (integral && isfinite (max - min) && max - min == 0)
        {
          double pad = fabs (min) > 1e-200 ? fabs (min) * 0.1 : 1;

          if (extend && min >= 0 && min - pad < 0)
            min = 0;
          else
            min -= pad;
          max += pad;
        }
      if (integral && isfinite (max - min) && max - min < max_ticks)
        max_ticks = (guint) MAX (2, ceil (max - min) + 1);
    }

  /* One date (a single point, or values all of one day): half a year
   * either side, not seconds around midnight. */
  if (scale->time && isfinite (min) && isfinite (max) && max - min < 86400)
    {
      double mid = (min + max) / 2;

      min = mid - 183 * 86400.0;
      max = mid + 183 * 86400.0;
    }

  if (scale->time)
    scale->ticks = assay_chart_ticks_time (min, max, max_ticks);
  else if (scale->log)
    scale->ticks = assay_chart_ticks_log (min, max, max_ticks, unit);
  else
    scale->ticks = assay_chart_ticks_linear (min, max, max_ticks, extend, unit);

  if (scale->log)
    {
      scale->t0 = log10 (scale->ticks->min);
      scale->t1 = log10 (scale->ticks->max);
    }
  else
    {
      scale->t0 = scale->ticks->min;
      scale->t1 = scale->ticks->max;
    }
}

/* The continuous ranges of both kinds of axes, before ticks. */
static void
continuous_range (AssayChartGeometry  *self,
                  AssayChartScaleGeom *scale,
                  gboolean             is_value,
                  gboolean             from_zero,
                  double              *min,
                  double              *max)
{
  double fixed_min, fixed_max;
  gboolean has;

  if (is_value)
    has = value_range (self->spec, scale->log, min, max);
  else
    has = position_range (self->spec, scale->log, min, max);

  if (!has)
    {
      *min = scale->log ? 1 : 0;
      *max = scale->log ? 10 : 1;
    }
  if (from_zero && !scale->log)
    {
      *min = MIN (*min, 0);
      *max = MAX (*max, 0);
      /* Only zeros (no key figure on any page): 0 to 1, not -1 to 1. */
      if (*min == 0 && *max == 0)
        *max = 1;
    }

  assay_chart_spec_get_axis_range (self->spec, scale->axis, &fixed_min, &fixed_max);
  if (isfinite (fixed_min) && (!scale->log || fixed_min > 0))
    *min = fixed_min;
  if (isfinite (fixed_max) && (!scale->log || fixed_max > 0))
    *max = fixed_max;
}

static double
max_tick_label_width (PangoContext             *context,
                      const AssayChartGeometry *self,
                      const AssayChartScaleGeom *scale)
{
  double widest = 0;

  if (scale->ticks == NULL)
    return 0;
  for (guint i = 0; i < scale->ticks->n_ticks; i++)
    {
      double w;

      if (scale->ticks->ticks[i].label == NULL)
        continue;
      text_size (context, self, scale->ticks->ticks[i].label, 1, FALSE, &w, NULL);
      widest = MAX (widest, w);
    }
  return widest;
}

/* Which category labels below the plot are drawn: every n-th, n a nice
 * step (1, 2, 5, 10, 20, 50…) that leaves room for the widest label, so
 * page numbers read 1, 10, 20, 30 and never run into each other. Labels
 * that count up by one (pages) show the multiples of n (and the first from
 * a step of 10); others every n-th from the first. A text label may be
 * ellipsized to about 60 px; a number never is. Labels keep 16 px apart. */
static void
choose_h_labels (PangoContext             *context,
                 const AssayChartGeometry *self,
                 AssayChartScaleGeom      *scale)
{
  double slot = fabs (_assay_chart_scale_slot (scale));
  double widest = 0, label_w;
  glong longest = 0;
  guint n = scale->n_categories, measured = 0, every, need;
  gboolean numeric = n > 0, counting = n > 0;
  guint64 first = 0;

  scale->shown = g_new0 (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const char *label = scale->labels[i];
      char *end = NULL;
      guint64 v;

      if (label == NULL || label[0] == '\0')
        {
          numeric = counting = FALSE;
          continue;
        }
      longest = MAX (longest, g_utf8_strlen (label, -1));
      v = g_ascii_strtoull (label, &end, 10);
      if (end == label || *end != '\0' || !g_ascii_isdigit (label[0]))
        numeric = counting = FALSE;
      else if (i == 0)
        first = v;
      else if (v != first + i)
        counting = FALSE;
    }

  /* The longest labels by characters are the widest near enough: measure
   * a few of them, not thousands. */
  for (guint i = 0; i < n && measured < 8; i++)
    if (scale->labels[i] != NULL && g_utf8_strlen (scale->labels[i], -1) == longest)
      {
        double w;

        text_size (context, self, scale->labels[i], 1, FALSE, &w, NULL);
        widest = MAX (widest, w);
        measured++;
      }

  label_w = numeric ? widest : MIN (widest, 60);
  if (!(slot > 0) || !isfinite (slot))
    need = 1;
  else
    need = (guint) MAX (1, ceil ((label_w + 16) / slot - 1e-9));
  every = need <= 1 ? 1 : (guint) assay_chart_nice_number (need, FALSE);
  scale->label_every = every;

  if (counting && every > 1)
    {
      /* "1" as well once the step is 10 or more (1, 10, 20…, not 1, 4, 6…). */
      scale->shown[0] = every >= 10;
      for (guint i = 1; i < n; i++)
        if ((first + i) % every == 0 && (!scale->shown[0] || i >= need))
          scale->shown[i] = TRUE;
    }
  else
    for (guint i = 0; i < n; i += every)
      scale->shown[i] = TRUE;
}

static void
add_legend_entry (AssayChartGeometry *self,
                  const char         *text,
                  int                 color,
                  gboolean            line)
{
  AssayChartLegendEntry *entry = g_new0 (AssayChartLegendEntry, 1);

  entry->text = g_strdup (text);
  entry->color = color;
  entry->line = line;
  g_ptr_array_add (self->legend, entry);
}

static void
legend_entry_free (gpointer data)
{
  AssayChartLegendEntry *entry = data;

  g_free (entry->text);
  g_free (entry);
}

/* Span categories (e.g. stages) get colours in order of appearance. */
static int
span_color (GPtrArray  *names,
            const char *label,
            int         base)
{
  guint i;

  if (label == NULL)
    return base;
  for (i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), label))
      return base + (int) i;
  g_ptr_array_add (names, (gpointer) label);
  return base + (int) i;
}

/* Per pixel column, the vertical extent of a dense line's points, made
 * continuous from column to column. Pixels: top < bottom. */
static void
build_band (AssayChartGeometry   *self,
            AssayChartSeriesGeom *g,
            guint                 n_columns)
{
  g_autofree double *top = g_new (double, n_columns);
  g_autofree double *bottom = g_new (double, n_columns);
  g_autofree guint8 *used = g_new0 (guint8, n_columns);
  guint k = 0;

  for (guint m = 0; m < g->n_marks; m++)
    {
      double c = floor (g->px[m] - self->plot.x);
      guint col = c < 0 ? 0 : c >= n_columns ? n_columns - 1 : (guint) c;

      if (!used[col])
        {
          used[col] = 1;
          top[col] = bottom[col] = g->py[m];
        }
      else
        {
          top[col] = MIN (top[col], g->py[m]);
          bottom[col] = MAX (bottom[col], g->py[m]);
        }
    }

  g->band_x = g_new (double, n_columns);
  g->band_top = g_new (double, n_columns);
  g->band_bottom = g_new (double, n_columns);
  for (guint col = 0; col < n_columns; col++)
    {
      if (!used[col])
        continue;
      g->band_x[k] = self->plot.x + col + 0.5;
      g->band_top[k] = top[col];
      g->band_bottom[k] = bottom[col];
      /* Meet the previous column halfway when the line jumps between them. */
      if (k > 0)
        {
          if (g->band_top[k] > g->band_bottom[k - 1])
            {
              double mid = (g->band_top[k] + g->band_bottom[k - 1]) / 2;

              g->band_bottom[k - 1] = mid;
              g->band_top[k] = mid;
            }
          else if (g->band_bottom[k] < g->band_top[k - 1])
            {
              double mid = (g->band_bottom[k] + g->band_top[k - 1]) / 2;

              g->band_top[k - 1] = mid;
              g->band_bottom[k] = mid;
            }
        }
      k++;
    }
  g->n_band = k;

  /* A line's width across too: each column also covers its neighbours'
   * extent, so a one-column spike is as wide as a stroked line. */
  {
    g_autofree double *t = g_memdup2 (g->band_top, k * sizeof (double));
    g_autofree double *b = g_memdup2 (g->band_bottom, k * sizeof (double));

    for (guint i = 0; i < k; i++)
      {
        if (i > 0 && g->band_x[i] - g->band_x[i - 1] < 1.5)
          {
            g->band_top[i] = MIN (g->band_top[i], t[i - 1]);
            g->band_bottom[i] = MAX (g->band_bottom[i], b[i - 1]);
          }
        if (i + 1 < k && g->band_x[i + 1] - g->band_x[i] < 1.5)
          {
            g->band_top[i] = MIN (g->band_top[i], t[i + 1]);
            g->band_bottom[i] = MAX (g->band_bottom[i], b[i + 1]);
          }
      }
  }
}

static void
build_marks (AssayChartGeometry *self)
{
  guint n_bar_series = 0, bar_k = 0;

  for (guint i = 0; i < self->n_series; i++)
    if (series_is_columnar (self->series[i].kind))
      n_bar_series++;

  for (guint si = 0; si < self->n_series; si++)
    {
      AssayChartSeriesGeom *g = &self->series[si];
      AssayChartSeries *s = g->series;
      guint n = assay_chart_series_get_n_items (s);
      const double *x = assay_chart_series_get_x (s);
      const double *y = assay_chart_series_get_y (s);
      gboolean horizontal = assay_chart_spec_get_horizontal (self->spec);
      const AssayChartScaleGeom *pos = horizontal ? &self->v : &self->h;
      const AssayChartScaleGeom *val = horizontal ? &self->h : &self->v;
      double base;

      switch (g->kind)
        {
        case ASSAY_CHART_KIND_BAR:
          {
            double slot = _assay_chart_scale_slot (pos);
            double bw = MIN (fabs (slot) * 0.72 / MAX (n_bar_series, 1), horizontal ? 32 : 72);
            double inset;
            double b0 = val->log ? val->p0 : _assay_chart_scale_map (val, 0);

            /* Thousands of pages in a few hundred pixels: a bar is still a
             * pixel wide (neighbours overlap, the tallest shows), not a
             * sliver too thin to draw. */
            bw = MAX (bw, 1);
            inset = (fabs (slot) - bw * MAX (n_bar_series, 1)) / 2;

            g->rects = g_new0 (AssayChartRect, MAX (n, 1));
            for (guint i = 0; i < n; i++)
              {
                double start = pos->p0 + i * slot + (slot > 0 ? 1 : -1) * (inset + bar_k * bw);
                double v = _assay_chart_scale_map (val, y[i]);
                double length;

                if (!isfinite (v))
                  continue;
                if (slot < 0)
                  start -= bw;
                /* A zero has no bar to see (but its column still hovers). */
                length = y[i] == 0 && !val->log ? 0 : MAX (fabs (v - b0), 1);
                if (horizontal)
                  g->rects[i] = (AssayChartRect) { MIN (b0, v), start, MAX (length, 0.001), bw };
                else
                  g->rects[i] = (AssayChartRect) { start, MIN (b0, v), bw, length };
                g->n_marks++;
              }
            bar_k++;
          }
          break;

        case ASSAY_CHART_KIND_HISTOGRAM:
          base = val->log ? val->p0 : _assay_chart_scale_map (val, 0);
          g->rects = g_new0 (AssayChartRect, MAX (n, 1));
          for (guint i = 0; i < n; i++)
            {
              double a = _assay_chart_scale_map (&self->h, x[i]);
              double b = _assay_chart_scale_map (&self->h, x[i + 1]);
              double v = _assay_chart_scale_map (val, y[i]);

              if (!isfinite (a) || !isfinite (b) || !isfinite (v) || y[i] <= 0)
                continue;
              g->rects[i] = (AssayChartRect) { a + 0.5, MIN (v, base), MAX (b - a - 1, 1), MAX (fabs (base - v), 1) };
              g->n_marks++;
            }
          break;

        case ASSAY_CHART_KIND_LINE:
        case ASSAY_CHART_KIND_SCATTER:
          {
            guint n_columns = (guint) MAX (ceil (self->plot.w), 1);
            guint n_rows = (guint) MAX (ceil (self->plot.h), 1);
            guint *index;
            guint m;
            /* Over bars, a line's x is a category index. */
            const double *xs = x;

            if (g->kind == ASSAY_CHART_KIND_LINE && n > 2 * n_columns && !pos->category)
              {
                double x0 = self->h.log ? pow (10, self->h.t0) : self->h.t0;
                double x1 = self->h.log ? pow (10, self->h.t1) : self->h.t1;

                index = g_new (guint, 4 * (gsize) n_columns);
                if (assay_chart_series_get_x_sorted (s))
                  m = assay_chart_downsample_minmax_sorted (xs, y, n, x0, x1, self->h.log, n_columns, index);
                else
                  m = assay_chart_downsample_minmax (xs, y, n, x0, x1, self->h.log, n_columns, index);
              }
            else if (g->kind == ASSAY_CHART_KIND_SCATTER && n > n_columns * n_rows / 16 && !pos->category)
              {
                guint cols = MAX (n_columns / 2, 1), rows = MAX (n_rows / 2, 1);
                double x0 = self->h.log ? pow (10, self->h.t0) : self->h.t0;
                double x1 = self->h.log ? pow (10, self->h.t1) : self->h.t1;
                double y0 = self->v.log ? pow (10, self->v.t0) : self->v.t0;
                double y1 = self->v.log ? pow (10, self->v.t1) : self->v.t1;

                index = g_new (guint, (gsize) cols * rows + 4);
                m = assay_chart_downsample_grid (xs, y, n, x0, x1, self->h.log, y0, y1, self->v.log,
                                                 cols, rows, index);
              }
            else
              {
                index = g_new (guint, MAX (n, 1));
                m = 0;
                for (guint i = 0; i < n; i++)
                  if (isfinite (xs[i]) && isfinite (y[i]))
                    index[m++] = i;
              }

            g->px = g_new (double, MAX (m, 1));
            g->py = g_new (double, MAX (m, 1));
            g->index = index;
            for (guint k = 0; k < m; k++)
              {
                double px = _assay_chart_scale_map (&self->h, xs[index[k]]);
                double py = _assay_chart_scale_map (&self->v, y[index[k]]);

                if (!isfinite (px) || !isfinite (py))
                  continue;
                g->px[g->n_marks] = px;
                g->py[g->n_marks] = py;
                g->index[g->n_marks] = index[k];
                g->n_marks++;
              }
            g->markers = g->kind == ASSAY_CHART_KIND_LINE && g->n_marks > 0 &&
                         g->n_marks <= self->plot.w / 14;
            if (g->kind == ASSAY_CHART_KIND_LINE && n > 2 * n_columns && !pos->category &&
                assay_chart_series_get_x_sorted (s))
              build_band (self, g, n_columns);
          }
          break;

        case ASSAY_CHART_KIND_TIME_SPAN:
          {
            g_autoptr(GPtrArray) names = g_ptr_array_new ();
            const guint *rows = assay_chart_series_get_rows (s, NULL);
            double slot = _assay_chart_scale_slot (&self->v);
            double bh = MAX (fabs (slot) * 0.6, 1);

            g->rects = g_new0 (AssayChartRect, MAX (n, 1));
            g->rect_colors = g_new0 (int, MAX (n, 1));
            for (guint i = 0; i < n; i++)
              {
                double a = _assay_chart_scale_map (&self->h, x[i]);
                double b = _assay_chart_scale_map (&self->h, y[i]);
                double cy = _assay_chart_scale_map (&self->v, rows[i]);

                g->rect_colors[i] = span_color (names, assay_chart_series_get_label (s, i), g->color);
                if (!isfinite (a) || !isfinite (b))
                  continue;
                g->rects[i] = (AssayChartRect) { MIN (a, b), cy - bh / 2, MAX (fabs (b - a), 1), bh };
                g->n_marks++;
              }
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static void
build_legend (AssayChartGeometry *self)
{
  guint named = 0;

  for (guint i = 0; i < self->n_series; i++)
    if (assay_chart_series_get_name (self->series[i].series) != NULL)
      named++;

  for (guint i = 0; i < self->n_series; i++)
    {
      AssayChartSeriesGeom *g = &self->series[i];

      if (g->kind == ASSAY_CHART_KIND_TIME_SPAN)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          guint n = assay_chart_series_get_n_items (g->series);

          for (guint k = 0; k < n; k++)
            {
              const char *label = assay_chart_series_get_label (g->series, k);
              guint before = names->len;
              int color;

              if (label == NULL || label[0] == '\0')
                continue;
              color = span_color (names, label, g->color);
              if (names->len > before)
                add_legend_entry (self, label, color, FALSE);
            }
        }
      else if (named > 1 && assay_chart_series_get_name (g->series) != NULL)
        add_legend_entry (self, assay_chart_series_get_name (g->series), g->color,
                          g->kind == ASSAY_CHART_KIND_LINE);
    }
}

/**
 * assay_chart_geometry_new:
 * @spec: what to draw
 * @palette: the font (the colours do not change the geometry)
 * @width: in pixels (or points, for export)
 * @height: likewise
 *
 * Lays the chart out: title, legend, axes with their ticks and labels, and
 * the marks of every series in pixels. Lines are downsampled to at most four
 * points per pixel column and scatter plots to a point per two-pixel cell,
 * so drawing costs the same for a million points as for a few thousand.
 * Safe on any thread: @spec is read-only and text is measured with a
 * Pango context of this thread's own.
 *
 * Returns: (transfer full): the geometry
 */
AssayChartGeometry *
assay_chart_geometry_new (AssayChartSpec          *spec,
                          const AssayChartPalette *palette,
                          double                   width,
                          double                   height)
{
  AssayChartGeometry *self;
  PangoContext *context;
  AssayChartPalette default_palette;
  gboolean horizontal, has_bars = FALSE, has_spans = FALSE, has_hist = FALSE;
  double top, bottom, left, right, text_h, title_h, sub_h, w;
  const char *h_title, *v_title;
  AssayChartScaleGeom *pos, *val;
  double vmin, vmax, pmin, pmax;

  g_return_val_if_fail (spec != NULL, NULL);

  if (palette == NULL)
    {
      assay_chart_palette_init (&default_palette, ASSAY_CHART_STYLE_LIGHT);
      palette = &default_palette;
    }

  self = g_new0 (AssayChartGeometry, 1);
  self->spec = assay_chart_spec_ref (spec);
  self->width = MAX (width, 1);
  self->height = MAX (height, 1);
  self->font = g_strdup (palette->font);
  self->font_size = palette->font_size;
  self->legend = g_ptr_array_new_with_free_func (legend_entry_free);
  self->empty = assay_chart_spec_is_empty (spec);

  context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (context, 96);

  self->n_series = assay_chart_spec_get_n_series (spec);
  self->series = g_new0 (AssayChartSeriesGeom, MAX (self->n_series, 1));
  for (guint i = 0; i < self->n_series; i++)
    {
      AssayChartSeries *s = assay_chart_spec_get_series (spec, i);

      self->series[i].series = s;
      self->series[i].kind = assay_chart_series_get_kind (s);
      self->series[i].color = assay_chart_series_get_color (s) >= 0 ? assay_chart_series_get_color (s) : (int) i;
      has_bars |= self->series[i].kind == ASSAY_CHART_KIND_BAR;
      has_spans |= self->series[i].kind == ASSAY_CHART_KIND_TIME_SPAN;
      has_hist |= self->series[i].kind == ASSAY_CHART_KIND_HISTOGRAM;
    }

  horizontal = has_bars && assay_chart_spec_get_horizontal (spec);
  if (assay_chart_spec_get_show_legend (spec))
    build_legend (self);

  /* Which scale goes where. */
  pos = horizontal ? &self->v : &self->h;
  val = horizontal ? &self->h : &self->v;
  self->h.vertical = FALSE;
  self->v.vertical = TRUE;
  pos->axis = ASSAY_CHART_AXIS_X;
  val->axis = ASSAY_CHART_AXIS_Y;

  if (has_bars)
    {
      AssayChartSeries *first = NULL;

      for (guint i = 0; i < self->n_series && first == NULL; i++)
        if (self->series[i].kind == ASSAY_CHART_KIND_BAR)
          first = self->series[i].series;
      pos->category = TRUE;
      for (guint i = 0; i < self->n_series; i++)
        if (self->series[i].kind == ASSAY_CHART_KIND_BAR)
          pos->n_categories = MAX (pos->n_categories, assay_chart_series_get_n_items (self->series[i].series));
      pos->labels = g_new0 (char *, pos->n_categories + 1);
      for (guint i = 0; i < pos->n_categories; i++)
        pos->labels[i] = (char *) assay_chart_series_get_label (first, i);
    }
  else if (has_spans)
    {
      AssayChartSeries *first = NULL;
      guint n_rows = 0;

      for (guint i = 0; i < self->n_series && first == NULL; i++)
        if (self->series[i].kind == ASSAY_CHART_KIND_TIME_SPAN)
          first = self->series[i].series;
      assay_chart_series_get_rows (first, &n_rows);
      self->v.category = TRUE;
      self->v.axis = ASSAY_CHART_AXIS_Y;
      self->v.n_categories = MAX (n_rows, 1);
      self->v.labels = g_new0 (char *, self->v.n_categories + 1);
      for (guint i = 0; i < n_rows; i++)
        self->v.labels[i] = (char *) assay_chart_series_get_row_label (first, i);
      self->h.axis = ASSAY_CHART_AXIS_X;
    }

  if (!self->h.category)
    {
      AssayChartAxisId id = self->h.axis;

      self->h.log = assay_chart_spec_get_axis_scale (spec, id) == ASSAY_CHART_SCALE_LOG;
      self->h.time = assay_chart_spec_get_axis_scale (spec, id) == ASSAY_CHART_SCALE_TIME;
    }
  if (!self->v.category)
    {
      AssayChartAxisId id = self->v.axis;

      self->v.log = assay_chart_spec_get_axis_scale (spec, id) == ASSAY_CHART_SCALE_LOG;
      self->v.time = assay_chart_spec_get_axis_scale (spec, id) == ASSAY_CHART_SCALE_TIME;
    }

  /* Text rows from the top. */
  text_size (context, self, "Mg", 1, FALSE, NULL, &text_h);
  self->text_height = text_h;
  top = ASSAY_CHART_MARGIN;
  if (assay_chart_spec_get_title (spec) != NULL)
    {
      text_size (context, self, assay_chart_spec_get_title (spec), 1.25, TRUE, NULL, &title_h);
      self->title_y = top;
      top += title_h + 2;
    }
  if (assay_chart_spec_get_subtitle (spec) != NULL)
    {
      g_autoptr(PangoLayout) layout = _assay_chart_subtitle_layout (context, self, NULL);
      int lh;

      pango_layout_get_pixel_size (layout, NULL, &lh);
      sub_h = lh;
      self->subtitle_y = top;
      top += sub_h;
    }
  if (self->legend->len > 0)
    {
      double lx = ASSAY_CHART_MARGIN;

      top += 4;
      self->legend_y = top;
      for (guint i = 0; i < self->legend->len; i++)
        {
          AssayChartLegendEntry *e = g_ptr_array_index (self->legend, i);

          text_size (context, self, e->text, 1, FALSE, &w, NULL);
          if (lx + 22 + w > self->width - ASSAY_CHART_MARGIN && lx > ASSAY_CHART_MARGIN)
            {
              lx = ASSAY_CHART_MARGIN;
              top += text_h + 2;
            }
          e->x = lx;
          e->y = top;
          lx += 22 + w + 16;
        }
      top += text_h;
    }
  top += text_h / 2 + 4;

  h_title = assay_chart_spec_get_axis_title (spec, self->h.axis);
  v_title = assay_chart_spec_get_axis_title (spec, self->v.axis);

  bottom = self->height - ASSAY_CHART_MARGIN;
  if (h_title != NULL)
    bottom -= text_h + 4;
  bottom -= text_h + 6;   /* tick labels */

  /* Ranges and first ticks, from an estimate of the plot size. */
  continuous_range (self, val, TRUE, has_bars || has_hist, &vmin, &vmax);
  continuous_range (self, pos, FALSE, FALSE, &pmin, &pmax);

  if (!self->v.category)
    scale_set_ticks (&self->v, spec, self->v.axis == ASSAY_CHART_AXIS_Y ? vmin : pmin,
                     self->v.axis == ASSAY_CHART_AXIS_Y ? vmax : pmax,
                     (guint) MAX (2, (bottom - top) / MIN_V_TICK_SPACING), self->v.axis == ASSAY_CHART_AXIS_Y);

  /* Left: the vertical axis's labels and title. */
  left = ASSAY_CHART_MARGIN;
  if (v_title != NULL)
    left += text_h + 4;
  if (self->v.category)
    {
      double widest = 0;
      guint every = _assay_chart_label_every ((bottom - top) / MAX (self->v.n_categories, 1), TRUE);

      /* The labels drawn (assay-chart-render.c), at about this slot. */
      for (guint i = 0; i < self->v.n_categories; i += every)
        if (self->v.labels[i] != NULL)
          {
            text_size (context, self, self->v.labels[i], 1, FALSE, &w, NULL);
            widest = MAX (widest, w);
          }
      self->v_label_width = MIN (widest, self->width * 0.38);
    }
  else
    self->v_label_width = max_tick_label_width (context, self, &self->v);
  left += self->v_label_width + 6;
  right = self->width - ASSAY_CHART_MARGIN;

  if (!self->h.category)
    {
      guint max_ticks = (guint) MAX (2, (right - left) / MIN_H_TICK_SPACING);
      gboolean extend = self->h.axis == ASSAY_CHART_AXIS_Y;

      scale_set_ticks (&self->h, spec, extend ? vmin : pmin, extend ? vmax : pmax, max_ticks, extend);

      /* Numbers are narrower than the dates the first spacing is for: as
       * many ticks as their labels leave room for, with 32 px between
       * them (-500 0 500 1000 in a narrow card, not -1000 0 1000 for a
       * bar of -3 beside one of 830), if the new labels keep 40 px apart
       * (a Gantt of 7 s in steps of 1 s, not 0.5 s). */
      if (!self->h.time)
        {
          double widest = max_tick_label_width (context, self, &self->h);
          guint more = (guint) MAX (2, (right - left) / MAX (widest + 32, 56));

          if (more > max_ticks)
            {
              AssayChartTicks *before = g_steal_pointer (&self->h.ticks);
              double t0 = self->h.t0, t1 = self->h.t1;
              double room;

              scale_set_ticks (&self->h, spec, extend ? vmin : pmin, extend ? vmax : pmax, more, extend);
              room = self->h.ticks->n_ticks > 1 ? (right - left) / (self->h.ticks->n_ticks - 1) : right - left;
              if (max_tick_label_width (context, self, &self->h) + 40 > room)
                {
                  g_clear_pointer (&self->h.ticks, assay_chart_ticks_free);
                  self->h.ticks = before;
                  self->h.t0 = t0;
                  self->h.t1 = t1;
                }
              else
                assay_chart_ticks_free (before);
            }
        }

      /* Make room for the last label, centred on the right edge. */
      if (self->h.ticks->n_ticks > 0 && self->h.ticks->ticks[self->h.ticks->n_ticks - 1].label != NULL)
        {
          text_size (context, self, self->h.ticks->ticks[self->h.ticks->n_ticks - 1].label, 1, FALSE, &w, NULL);
          right = MIN (right, self->width - w / 2 - 4);
        }
    }

  if (right - left < 10)
    right = left + 10;
  if (bottom - top < 10)
    bottom = top + 10;

  self->plot = (AssayChartRect) { left, top, right - left, bottom - top };
  self->h_labels_y = bottom + 6;
  self->h_title_y = bottom + 6 + text_h + 4;
  self->v_title_x = ASSAY_CHART_MARGIN;

  self->h.p0 = left;
  self->h.p1 = right;
  if (self->v.category)
    {
      self->v.p0 = top;      /* categories and rows read top to bottom */
      self->v.p1 = bottom;
    }
  else
    {
      self->v.p0 = bottom;
      self->v.p1 = top;
    }
  if (self->h.category)
    choose_h_labels (context, self, &self->h);

  build_marks (self);
  g_object_unref (context);
  return self;
}

void
assay_chart_geometry_free (AssayChartGeometry *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_series; i++)
    {
      g_free (self->series[i].rects);
      g_free (self->series[i].rect_colors);
      g_free (self->series[i].px);
      g_free (self->series[i].py);
      g_free (self->series[i].index);
      g_free (self->series[i].band_x);
      g_free (self->series[i].band_top);
      g_free (self->series[i].band_bottom);
    }
  g_free (self->series);
  g_clear_pointer (&self->h.ticks, assay_chart_ticks_free);
  g_clear_pointer (&self->v.ticks, assay_chart_ticks_free);
  g_free (self->h.labels);
  g_free (self->v.labels);
  g_free (self->h.shown);
  g_free (self->v.shown);
  g_ptr_array_unref (self->legend);
  g_free (self->font);
  assay_chart_spec_unref (self->spec);
  g_free (self);
}

/* Returns: (transfer none): the chart description it was computed from */
AssayChartSpec *
assay_chart_geometry_get_spec (const AssayChartGeometry *self)
{
  return self->spec;
}

void
assay_chart_geometry_get_size (const AssayChartGeometry *self,
                               double                   *width,
                               double                   *height)
{
  *width = self->width;
  *height = self->height;
}

void
assay_chart_geometry_get_plot_area (const AssayChartGeometry *self,
                                    double                   *x,
                                    double                   *y,
                                    double                   *width,
                                    double                   *height)
{
  *x = self->plot.x;
  *y = self->plot.y;
  *width = self->plot.w;
  *height = self->plot.h;
}

/* Returns: how many marks series @series draws (bounded by the size for large series) */
guint
assay_chart_geometry_get_n_marks (const AssayChartGeometry *self,
                                  guint                     series)
{
  g_return_val_if_fail (series < self->n_series, 0);

  return self->series[series].n_marks;
}

static gboolean
in_plot (const AssayChartGeometry *self,
         double                    x,
         double                    y)
{
  return x >= self->plot.x - HIT_RADIUS && x <= self->plot.x + self->plot.w + HIT_RADIUS &&
         y >= self->plot.y - HIT_RADIUS && y <= self->plot.y + self->plot.h + HIT_RADIUS;
}

/**
 * assay_chart_geometry_hit_test:
 * @self: a geometry
 * @x: a pixel position
 * @y: likewise
 * @series: (out) (optional): the series hit
 * @index: (out) (optional): the item hit, in its series
 *
 * Finds the item under (@x, @y): the nearest point within 10 pixels on a
 * line or scatter plot; the bar or bin whose column holds @x (its whole
 * height, so short bars are easy to hover); the span under the pointer.
 * Series drawn later (on top) win.
 *
 * Returns: whether an item was hit
 */
gboolean
assay_chart_geometry_hit_test (const AssayChartGeometry *self,
                               double                    x,
                               double                    y,
                               guint                    *series,
                               guint                    *index)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->empty || !in_plot (self, x, y))
    return FALSE;

  for (guint si = self->n_series; si-- > 0;)
    {
      const AssayChartSeriesGeom *g = &self->series[si];
      guint n = assay_chart_series_get_n_items (g->series);
      gboolean horizontal = assay_chart_spec_get_horizontal (self->spec);
      double best = HIT_RADIUS * HIT_RADIUS;
      guint best_index = G_MAXUINT;

      switch (g->kind)
        {
        case ASSAY_CHART_KIND_LINE:
        case ASSAY_CHART_KIND_SCATTER:
          for (guint k = 0; k < g->n_marks; k++)
            {
              double dx = g->px[k] - x, dy = g->py[k] - y;
              double d = dx * dx + dy * dy;

              if (d < best)
                {
                  best = d;
                  best_index = g->index[k];
                }
            }
          break;

        case ASSAY_CHART_KIND_BAR:
          {
            const AssayChartScaleGeom *pos = horizontal ? &self->v : &self->h;
            double slot = _assay_chart_scale_slot (pos);
            double c = horizontal ? y : x;
            double k = slot != 0 ? floor ((c - pos->p0) / slot) : -1;

            /* The bar of the slot under the pointer first: bars a pixel
             * wide over thousands of pages overlap their neighbours. */
            if (k >= 0 && k < n)
              {
                const AssayChartRect *r = &g->rects[(guint) k];
                double a = horizontal ? r->y : r->x, b = horizontal ? r->y + r->h : r->x + r->w;

                if (r->w > 0 && c >= a && c < b)
                  {
                    best_index = (guint) k;
                    break;
                  }
              }
          }
          for (guint i = 0; i < n; i++)
            {
              const AssayChartRect *r = &g->rects[i];

              if (r->w <= 0)
                continue;
              if ((!horizontal && x >= r->x && x < r->x + r->w) ||
                  (horizontal && y >= r->y && y < r->y + r->h))
                {
                  best_index = i;
                  break;
                }
            }
          break;

        case ASSAY_CHART_KIND_HISTOGRAM:
          for (guint i = 0; i < n; i++)
            {
              const AssayChartRect *r = &g->rects[i];

              if (r->w > 0 && x >= r->x - 0.5 && x < r->x + r->w + 0.5)
                {
                  best_index = i;
                  break;
                }
            }
          break;

        case ASSAY_CHART_KIND_TIME_SPAN:
          for (guint i = n; i-- > 0;)
            {
              const AssayChartRect *r = &g->rects[i];

              if (r->w > 0 && x >= r->x - 2 && x <= r->x + r->w + 2 && y >= r->y && y <= r->y + r->h)
                {
                  best_index = i;
                  break;
                }
            }
          break;

        default:
          g_assert_not_reached ();
        }

      if (best_index != G_MAXUINT)
        {
          if (series != NULL)
            *series = si;
          if (index != NULL)
            *index = best_index;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * assay_chart_geometry_get_item_area:
 * @self: a geometry
 * @series: a series
 * @index: an item of it
 * @x: (out): left
 * @y: (out): top
 * @width: (out): width (0 for a point)
 * @height: (out): height (0 for a point)
 *
 * Where an item is drawn, for the hover mark and the tooltip's position.
 *
 * Returns: whether the item has a place on the chart
 */
gboolean
assay_chart_geometry_get_item_area (const AssayChartGeometry *self,
                                    guint                     series,
                                    guint                     index,
                                    double                   *x,
                                    double                   *y,
                                    double                   *width,
                                    double                   *height)
{
  const AssayChartSeriesGeom *g;

  g_return_val_if_fail (self != NULL, FALSE);

  if (series >= self->n_series)
    return FALSE;
  g = &self->series[series];
  if (index >= assay_chart_series_get_n_items (g->series))
    return FALSE;

  if (g->rects != NULL)
    {
      const AssayChartRect *r = &g->rects[index];

      if (r->w <= 0)
        return FALSE;
      *x = r->x;
      *y = r->y;
      *width = r->w;
      *height = r->h;
      return TRUE;
    }
  else
    {
      const double *xs = assay_chart_series_get_x (g->series);
      const double *ys = assay_chart_series_get_y (g->series);

      *x = _assay_chart_scale_map (&self->h, xs[index]);
      *y = _assay_chart_scale_map (&self->v, ys[index]);
      *width = *height = 0;
      return isfinite (*x) && isfinite (*y);
    }
}

/**
 * assay_chart_geometry_step:
 * @self: a geometry
 * @series: (inout): a series; G_MAXUINT to start from the first item
 * @index: (inout): an item of it
 * @delta: how many drawn items to move (negative: back)
 *
 * Moves through the drawn items in order (for the keyboard): bars left to
 * right, points along the line (the kept points when downsampled).
 *
 * Returns: whether there was an item to move to
 */
gboolean
assay_chart_geometry_step (const AssayChartGeometry *self,
                           guint                    *series,
                           guint                    *index,
                           int                       delta)
{
  guint si = *series;
  gint64 pos = -1;
  const AssayChartSeriesGeom *g;

  g_return_val_if_fail (self != NULL, FALSE);

  if (si >= self->n_series)
    {
      for (si = 0; si < self->n_series && self->series[si].n_marks == 0; si++)
        ;
      if (si >= self->n_series)
        return FALSE;
      g = &self->series[si];
      pos = 0;
      delta = 0;
    }
  else
    g = &self->series[si];

  if (g->n_marks == 0)
    return FALSE;

  if (g->index != NULL)
    {
      /* Points: the position among the kept ones. */
      if (pos < 0)
        {
          guint lo = 0, hi = g->n_marks;

          while (lo < hi)
            {
              guint mid = (lo + hi) / 2;

              if (g->index[mid] < *index)
                lo = mid + 1;
              else
                hi = mid;
            }
          pos = lo;
        }
      pos = CLAMP (pos + delta, 0, (gint64) g->n_marks - 1);
      *series = si;
      *index = g->index[pos];
      return TRUE;
    }
  else
    {
      guint n = assay_chart_series_get_n_items (g->series);
      gint64 i = pos >= 0 ? -1 : (gint64) *index;
      int dir = delta < 0 ? -1 : 1;
      int steps = pos >= 0 ? 1 : ABS (delta);

      /* Rectangles: skip the items that have none. */
      while (steps > 0)
        {
          gint64 j = i + dir;

          while (j >= 0 && j < n && g->rects[j].w <= 0)
            j += dir;
          if (j < 0 || j >= n)
            break;
          i = j;
          steps--;
        }
      if (i < 0)
        return FALSE;
      *series = si;
      *index = (guint) i;
      return TRUE;
    }
}
