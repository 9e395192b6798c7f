/* assay-chart-ticks.h — axis ticks: nice numbers, log decades, calendar steps
 *
 * Pure functions, no GTK: safe on any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double  value;   /* in data units (seconds since the Unix epoch, UTC, on a time axis) */
  char   *label;   /* formatted with the axis's unit; NULL for an unlabelled minor tick */
} AssayChartTick;

typedef struct
{
  AssayChartTick *ticks;
  guint           n_ticks;
  double          min;     /* the axis range: the data range, or the nice range around it */
  double          max;
  double          step;    /* linear: the tick step; log: decades per step; time: seconds (months ≈ 30.44 d) */
} AssayChartTicks;

double           assay_chart_nice_number    (double       x,
                                             gboolean     round);
AssayChartTicks *assay_chart_ticks_linear   (double       min,
                                             double       max,
                                             guint        max_ticks,
                                             gboolean     extend,
                                             const char  *unit);
AssayChartTicks *assay_chart_ticks_log      (double       min,
                                             double       max,
                                             guint        max_ticks,
                                             const char  *unit);
AssayChartTicks *assay_chart_ticks_time     (double       min,
                                             double       max,
                                             guint        max_ticks);
void             assay_chart_ticks_free     (AssayChartTicks *ticks);

char            *assay_chart_format_tick    (double       value,
                                             double       step,
                                             double       magnitude,
                                             const char  *unit);
char            *assay_chart_format_exact   (double       value,
                                             const char  *unit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartTicks, assay_chart_ticks_free)

G_END_DECLS
