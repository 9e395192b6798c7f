/* assay-chart-ticks.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-ticks"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-chart-ticks.h"

/**
 * assay_chart_nice_number:
 * @x: a positive number
 * @round: whether to round to the nearest nice number (else the next one up)
 *
 * Heckbert's "nice numbers for graph labels": 1, 2 or 5 times a power of ten.
 */
double
assay_chart_nice_number (double   x,
                         gboolean round)
{
  double exponent, fraction, nice;

  if (!(x > 0) || !isfinite (x))
    return 1.0;

  exponent = floor (log10 (x));
  fraction = x / pow (10, exponent);

  if (round)
    {
      if (fraction < 1.5)
        nice = 1;
      else if (fraction < 3)
        nice = 2;
      else if (fraction < 7)
        nice = 5;
      else
        nice = 10;
    }
  else
    {
      if (fraction <= 1)
        nice = 1;
      else if (fraction <= 2)
        nice = 2;
      else if (fraction <= 5)
        nice = 5;
      else
        nice = 10;
    }

  return nice * pow (10, exponent);
}

static gboolean
unit_is_currency (const char *unit)
{
  gsize len;

  if (unit == NULL)
    return FALSE;
  len = strlen (unit);
  if (len == 3 && g_ascii_isupper (unit[0]) && g_ascii_isupper (unit[1]) && g_ascii_isupper (unit[2]))
    return TRUE;
  return g_str_equal (unit, "€") || g_str_equal (unit, "$") || g_str_equal (unit, "£") ||
         g_str_equal (unit, "¥");
}

/**
 * assay_chart_format_tick:
 * @value: the tick's value
 * @step: the distance between ticks (sets the decimals shown)
 * @magnitude: the largest absolute value on the axis (sets the prefix, so that
 *   every label of an axis has the same one)
 * @unit: (nullable): the unit: "%" is never scaled, "s" becomes ms or µs
 *   below a second, currencies get k / M / bn / tn, other units SI prefixes
 *
 * Returns: (transfer full): a short label such as "2.5 M EUR", "40 %", "250 ms".
 */
char *
assay_chart_format_tick (double      value,
                         double      step,
                         double      magnitude,
                         const char *unit)
{
  static const char *si[] = { "", "k", "M", "G", "T" };
  static const char *money[] = { "", "k", "M", "bn", "tn" };
  const char *prefix = "";
  const char *shown_unit = unit != NULL && unit[0] != '\0' ? unit : NULL;
  double scale = 1;
  int decimals;
  double scaled_step;
  g_autofree char *number = NULL;

  magnitude = fabs (magnitude);
  step = fabs (step);

  if (shown_unit != NULL && g_str_equal (shown_unit, "%"))
    ;
  else if (shown_unit != NULL && g_str_equal (shown_unit, "s") && magnitude > 0 && magnitude < 1)
    {
      if (magnitude < 1e-3)
        {
          scale = 1e-6;
          shown_unit = "µs";
        }
      else
        {
          scale = 1e-3;
          shown_unit = "ms";
        }
    }
  else if (magnitude >= 1e4 && isfinite (magnitude))
    {
      int group = (int) floor (log10 (magnitude) / 3);

      group = CLAMP (group, 0, 4);
      scale = pow (1000, group);
      prefix = unit_is_currency (shown_unit) ? money[group] : si[group];
    }

  scaled_step = step / scale;
  if (scaled_step >= 1 || scaled_step <= 0 || !isfinite (scaled_step))
    decimals = 0;
  else
    decimals = (int) ceil (-log10 (scaled_step) - 1e-9);
  decimals = CLAMP (decimals, 0, 9);

  value /= scale;
  if (step > 0 && fabs (value) < scaled_step * 1e-6)
    value = 0;   /* no "-0" nor 1e-17 */

  if (value == 0)
    {
      /* Zero needs neither decimals nor a prefix. */
      decimals = 0;
      prefix = "";
    }
  number = g_strdup_printf ("%.*f", decimals, value);

  if (shown_unit == NULL)
    return prefix[0] != '\0' ? g_strconcat (number, prefix, NULL) : g_steal_pointer (&number);
  if (prefix[0] != '\0')
    return g_strdup_printf ("%s %s %s", number, prefix, shown_unit);
  return g_strdup_printf ("%s %s", number, shown_unit);
}

/**
 * assay_chart_format_exact:
 * @value: a value
 * @unit: (nullable): its unit
 *
 * Returns: (transfer full): the value with all its significant digits (grouped
 * as the locale groups them), for a tooltip.
 */
char *
assay_chart_format_exact (double      value,
                          const char *unit)
{
  g_autofree char *number = NULL;

  if (isnan (value))
    number = g_strdup ("—");
  else
    number = g_strdup_printf ("%'.15g", value);

  if (unit == NULL || unit[0] == '\0')
    return g_steal_pointer (&number);
  return g_strdup_printf ("%s %s", number, unit);
}

static AssayChartTicks *
ticks_new (guint n_max)
{
  AssayChartTicks *ticks = g_new0 (AssayChartTicks, 1);

  ticks->ticks = g_new0 (AssayChartTick, MAX (n_max, 1));
  return ticks;
}

static void
ticks_add (AssayChartTicks *ticks,
           double           value,
           char            *label)
{
  ticks->ticks[ticks->n_ticks].value = value;
  ticks->ticks[ticks->n_ticks].label = label;
  ticks->n_ticks++;
}

/**
 * assay_chart_ticks_linear:
 * @min: the smallest value to show
 * @max: the largest value to show
 * @max_ticks: at most this many ticks (at least 2)
 * @extend: widen the range to the enclosing multiples of the step (a value
 *   axis); else keep the data range and place ticks inside it (a position axis)
 * @unit: (nullable): the unit for the labels
 *
 * Returns: (transfer full): ticks at multiples of a nice step (1, 2 or 5 × 10ⁿ).
 */
AssayChartTicks *
assay_chart_ticks_linear (double      min,
                          double      max,
                          guint       max_ticks,
                          gboolean    extend,
                          const char *unit)
{
  AssayChartTicks *ticks;
  double step, first, last, magnitude;
  gint64 k0, k1;

  max_ticks = MAX (max_ticks, 2);

  if (!isfinite (min) || !isfinite (max))
    min = 0, max = 1;
  if (min > max)
    {
      double t = min;

      min = max;
      max = t;
    }
  /* Steps and their multiples must stay finite: keep to ±1e300. */
  min = CLAMP (min, -1e300, 1e300);
  max = CLAMP (max, -1e300, 1e300);
  if (max - min <= MAX (fabs (max), fabs (min)) * 1e-12 || max - min < 1e-200)
    {
      /* One value: centre it in a range of its own magnitude. */
      double pad = fabs (min) > 1e-200 ? fabs (min) * 0.1 : 1;

      min -= pad;
      max += pad;
    }

  /* Ticks are counted in gint64 multiples of the step: a range far narrower
   * than its magnitude (1e20 to 1e20 + 1) is widened to what a double holds. */
  if (MAX (fabs (min), fabs (max)) / (max - min) > 1e12)
    {
      double pad = MAX (fabs (min), fabs (max)) * 1e-9;

      min -= pad;
      max += pad;
    }

  /* A value axis across zero needs a tick each side of it and one at it:
   * with two, the step would grow until both ends rounded to zero. */
  if (extend && min < 0 && max > 0)
    max_ticks = MAX (max_ticks, 3);

  step = assay_chart_nice_number ((max - min) / (max_ticks - 1), TRUE);
  for (;;)
    {
      if (extend)
        {
          k0 = (gint64) floor (min / step + 1e-9);
          k1 = (gint64) ceil (max / step - 1e-9);
        }
      else
        {
          k0 = (gint64) ceil (min / step - 1e-9);
          k1 = (gint64) floor (max / step + 1e-9);
        }
      if (k1 - k0 + 1 <= max_ticks)
        break;
      step = assay_chart_nice_number (step * 1.5, FALSE);
    }

  /* A position axis over a short range may hold no multiple of the step:
   * smaller steps (5 → 2 → 1 → 0.5…) until there are two ticks, or one if
   * two would be too many. */
  for (guint tries = 0; !extend && k1 - k0 + 1 < 2 && tries < 64; tries++)
    {
      double exponent = floor (log10 (step) + 1e-9);
      double fraction = step / pow (10, exponent);
      double smaller = (fraction > 4 ? 2 : fraction > 1.5 ? 1 : 0.5) * pow (10, exponent);
      gint64 s0 = (gint64) ceil (min / smaller - 1e-9);
      gint64 s1 = (gint64) floor (max / smaller + 1e-9);

      if (s1 - s0 + 1 > max_ticks && k1 - k0 + 1 >= 1)
        break;
      step = smaller;
      k0 = s0;
      k1 = s1;
    }

  first = floor (min / step + 1e-9) * step;
  last = ceil (max / step - 1e-9) * step;

  ticks = ticks_new ((guint) (k1 - k0 + 1));
  ticks->step = step;
  ticks->min = extend ? first : min;
  ticks->max = extend ? last : max;
  magnitude = MAX (fabs (ticks->min), fabs (ticks->max));

  for (gint64 k = k0; k <= k1; k++)
    {
      double v = k * step;

      if (k == 0)
        v = 0;
      ticks_add (ticks, v, assay_chart_format_tick (v, step, magnitude, unit));
    }

  return ticks;
}

/* A decade far from 1 as a power of ten, "10⁻⁵" or "10¹⁸ EUR": shorter
 * than 0.00001 and readable where SI prefixes end. */
static char *
format_power (int         decade,
              const char *unit)
{
  static const char *superscripts[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  GString *text = g_string_new ("10");
  g_autofree char *digits = g_strdup_printf ("%d", ABS (decade));

  if (decade < 0)
    g_string_append (text, "⁻");
  for (const char *p = digits; *p != '\0'; p++)
    g_string_append (text, superscripts[*p - '0']);
  if (unit != NULL && unit[0] != '\0')
    g_string_append_printf (text, " %s", unit);
  return g_string_free (text, FALSE);
}

/**
 * assay_chart_ticks_log:
 * @min: the smallest positive value to show
 * @max: the largest value to show
 * @max_ticks: at most this many labelled ticks
 * @unit: (nullable): the unit for the labels
 *
 * Ticks on a log₁₀ axis. The range widens to whole decades; a decade step
 * of more than one is taken when there are too many; over one or two decades
 * 2 and 5 are labelled too. Decades below 0.001 and above 10¹⁵ read as
 * powers of ten ("10⁻⁵"). Values ≤ 0 have no place on it.
 *
 * Returns: (transfer full): the ticks; step is in decades.
 */
AssayChartTicks *
assay_chart_ticks_log (double      min,
                       double      max,
                       guint       max_ticks,
                       const char *unit)
{
  AssayChartTicks *ticks;
  int d0, d1, dstep, n_decades;
  gboolean with_minor;

  max_ticks = MAX (max_ticks, 2);
  if (!(min > 0) || !isfinite (min))
    min = max > 0 && isfinite (max) ? max / 10 : 1;
  if (!(max > 0) || !isfinite (max))
    max = min * 10;
  if (min > max)
    {
      double t = min;

      min = max;
      max = t;
    }
  /* Decades as ints, labels as doubles: keep to 1e-300 … 1e300. */
  min = CLAMP (min, 1e-300, 1e300);
  max = CLAMP (max, 1e-300, 1e300);

  d0 = (int) floor (log10 (min) + 1e-9);
  d1 = (int) ceil (log10 (max) - 1e-9);
  if (d1 <= d0)
    d1 = d0 + 1;
  n_decades = d1 - d0;

  dstep = 1;
  while (n_decades / dstep + 1 > (int) max_ticks)
    dstep = (int) assay_chart_nice_number (dstep + 1, FALSE);
  d0 = (int) floor ((double) d0 / dstep) * dstep;
  d1 = (int) ceil ((double) d1 / dstep) * dstep;

  with_minor = (d1 - d0) <= 2 && 3 * (d1 - d0) + 1 <= (int) max_ticks;

  ticks = ticks_new (3 * (d1 - d0) / dstep + 2);
  ticks->min = pow (10, d0);
  ticks->max = pow (10, d1);
  ticks->step = dstep;

  for (int d = d0; d <= d1; d += dstep)
    {
      double v = pow (10, d);
      gboolean power = (d < -3 || d > 15) && g_strcmp0 (unit, "%") != 0;

      ticks_add (ticks, v, power ? format_power (d, unit) : assay_chart_format_tick (v, v, v, unit));
      if (with_minor && d < d1)
        {
          ticks_add (ticks, 2 * v, assay_chart_format_tick (2 * v, v, 2 * v, unit));
          ticks_add (ticks, 5 * v, assay_chart_format_tick (5 * v, v, 5 * v, unit));
        }
    }

  return ticks;
}

typedef struct
{
  double      seconds;   /* nominal length */
  guint       months;    /* calendar step when > 0 */
  const char *format;    /* g_date_time_format */
} TimeStep;

/* Labels: a date below a day, a day-month below a month, and so on. */
static const TimeStep time_steps[] = {
  { 1, 0, "%H:%M:%S" }, { 2, 0, "%H:%M:%S" }, { 5, 0, "%H:%M:%S" },
  { 10, 0, "%H:%M:%S" }, { 15, 0, "%H:%M:%S" }, { 30, 0, "%H:%M:%S" },
  { 60, 0, "%H:%M" }, { 120, 0, "%H:%M" }, { 300, 0, "%H:%M" }, { 600, 0, "%H:%M" },
  { 900, 0, "%H:%M" }, { 1800, 0, "%H:%M" },
  { 3600, 0, "%H:%M" }, { 7200, 0, "%H:%M" }, { 10800, 0, "%H:%M" },
  { 21600, 0, "%H:%M" }, { 43200, 0, "%H:%M" },
  { 86400, 0, "%-d %b" }, { 2 * 86400, 0, "%-d %b" }, { 7 * 86400, 0, "%-d %b" },
  { 14 * 86400, 0, "%-d %b" },
  { 30.44 * 86400, 1, "%b %Y" }, { 91.31 * 86400, 3, "%b %Y" }, { 182.6 * 86400, 6, "%b %Y" },
  { 365.25 * 86400, 12, "%Y" },
};

/**
 * assay_chart_ticks_time:
 * @min: start, in seconds since the Unix epoch (UTC)
 * @max: end, likewise
 * @max_ticks: at most this many ticks
 *
 * Ticks on a calendar: whole seconds, minutes, hours, days, weeks, months
 * (first of the month) or years (1 January; a nice number of years apart
 * over long ranges), labelled in UTC.
 *
 * Returns: (transfer full): ticks inside [min, max].
 */
AssayChartTicks *
assay_chart_ticks_time (double min,
                        double max,
                        guint  max_ticks)
{
  AssayChartTicks *ticks;
  const TimeStep *step = NULL;
  double range;

  max_ticks = MAX (max_ticks, 2);
  if (!isfinite (min) || !isfinite (max))
    min = 0, max = 86400;
  /* GDateTime holds years 1 to 9999. */
  min = CLAMP (min, -62135596800.0, 253402300799.0);
  max = CLAMP (max, -62135596800.0, 253402300799.0);
  if (min > max)
    {
      double t = min;

      min = max;
      max = t;
    }
  if (max - min < 1)
    {
      min -= 30;
      max += 30;
    }
  range = max - min;

  for (guint i = 0; i < G_N_ELEMENTS (time_steps); i++)
    if (floor (range / time_steps[i].seconds) + 1 <= max_ticks)
      {
        step = &time_steps[i];
        break;
      }

  if (step == NULL || step->months == 12)
    {
      /* Years, a nice number of them apart. */
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc ((gint64) floor (min));
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc ((gint64) ceil (max));
      int y0 = g_date_time_get_year (start);
      int y1 = g_date_time_get_year (end);
      int ystep = (int) assay_chart_nice_number (MAX (1.0, (double) (y1 - y0) / (max_ticks - 1)), FALSE);

      while ((y1 - y0) / ystep + 1 > (int) max_ticks)
        ystep = (int) assay_chart_nice_number (ystep + 1, FALSE);

      ticks = ticks_new ((y1 - y0) / ystep + 2);
      ticks->step = ystep * 365.25 * 86400;
      for (int y = (y0 + ystep - 1) / ystep * ystep; y <= y1; y += ystep)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_utc (y, 1, 1, 0, 0, 0);
          double v;

          if (dt == NULL)
            break;
          v = (double) g_date_time_to_unix (dt);
          if (v >= min - 0.5 && v <= max + 0.5)
            ticks_add (ticks, v, g_date_time_format (dt, "%Y"));
        }
    }
  else if (step->months > 0)
    {
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc ((gint64) floor (min));
      int y = g_date_time_get_year (start);
      int m = g_date_time_get_month (start) - 1;   /* 0-based */

      ticks = ticks_new (max_ticks + 2);
      ticks->step = step->seconds;
      m = m / (int) step->months * (int) step->months;
      for (;;)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_utc (y + m / 12, m % 12 + 1, 1, 0, 0, 0);
          double v;

          if (dt == NULL)
            break;
          v = (double) g_date_time_to_unix (dt);
          if (v > max + 0.5 || ticks->n_ticks >= max_ticks + 2)
            break;
          if (v >= min - 0.5)
            ticks_add (ticks, v, g_date_time_format (dt, step->format));
          m += step->months;
        }
    }
  else
    {
      gint64 k0 = (gint64) ceil (min / step->seconds - 1e-9);
      gint64 k1 = (gint64) floor (max / step->seconds + 1e-9);

      ticks = ticks_new ((guint) (k1 - k0 + 1));
      ticks->step = step->seconds;
      for (gint64 k = k0; k <= k1; k++)
        {
          double v = k * step->seconds;
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) v);

          if (dt != NULL)
            ticks_add (ticks, v, g_date_time_format (dt, step->format));
        }
    }

  ticks->min = min;
  ticks->max = max;
  return ticks;
}

void
assay_chart_ticks_free (AssayChartTicks *ticks)
{
  if (ticks == NULL)
    return;
  for (guint i = 0; i < ticks->n_ticks; i++)
    g_free (ticks->ticks[i].label);
  g_free (ticks->ticks);
  g_free (ticks);
}
