/* assay-chart-spec.h — what a chart shows: title, axes, series, legend
 *
 * Built on one thread, then read-only and shareable with any thread. No GTK.
 */
#pragma once

#include "assay-chart-series.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CHART_SCALE_LINEAR,
  ASSAY_CHART_SCALE_LOG,    /* log₁₀; values ≤ 0 are left out */
  ASSAY_CHART_SCALE_TIME,   /* seconds since the Unix epoch, labelled as dates / times (UTC) */
} AssayChartScale;

typedef enum
{
  ASSAY_CHART_AXIS_X,   /* the position axis (categories for bars, rows' time for spans) */
  ASSAY_CHART_AXIS_Y,   /* the value axis */
} AssayChartAxisId;

typedef enum
{
  ASSAY_CHART_TONE_NEUTRAL,
  ASSAY_CHART_TONE_GOOD,      /* e.g. conforms to Benford's law */
  ASSAY_CHART_TONE_WARNING,
  ASSAY_CHART_TONE_BAD,
} AssayChartTone;

typedef struct _AssayChartSpec AssayChartSpec;

#define ASSAY_TYPE_CHART_SPEC (assay_chart_spec_get_type ())

GType             assay_chart_spec_get_type        (void) G_GNUC_CONST;
AssayChartSpec   *assay_chart_spec_new             (const char        *title);
AssayChartSpec   *assay_chart_spec_ref             (AssayChartSpec    *self);
void              assay_chart_spec_unref           (AssayChartSpec    *self);
AssayChartSpec   *assay_chart_spec_copy            (AssayChartSpec    *self);

void              assay_chart_spec_set_title       (AssayChartSpec    *self,
                                                    const char        *title);
void              assay_chart_spec_set_subtitle    (AssayChartSpec    *self,
                                                    const char        *subtitle);
void              assay_chart_spec_set_subtitle_tone (AssayChartSpec  *self,
                                                    AssayChartTone     tone);
AssayChartTone    assay_chart_spec_get_subtitle_tone (AssayChartSpec  *self);
void              assay_chart_spec_set_axis        (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis,
                                                    const char        *title,
                                                    const char        *unit,
                                                    AssayChartScale    scale);
void              assay_chart_spec_set_axis_range  (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis,
                                                    double             min,
                                                    double             max);
void              assay_chart_spec_set_horizontal  (AssayChartSpec    *self,
                                                    gboolean           horizontal);
void              assay_chart_spec_set_show_legend (AssayChartSpec    *self,
                                                    gboolean           show_legend);
void              assay_chart_spec_set_empty_text  (AssayChartSpec    *self,
                                                    const char        *text);
void              assay_chart_spec_add_series      (AssayChartSpec    *self,
                                                    AssayChartSeries  *series);
void              assay_chart_spec_clear_series    (AssayChartSpec    *self);

const char       *assay_chart_spec_get_title       (AssayChartSpec    *self);
const char       *assay_chart_spec_get_subtitle    (AssayChartSpec    *self);
const char       *assay_chart_spec_get_axis_title  (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis);
const char       *assay_chart_spec_get_axis_unit   (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis);
AssayChartScale   assay_chart_spec_get_axis_scale  (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis);
void              assay_chart_spec_get_axis_range  (AssayChartSpec    *self,
                                                    AssayChartAxisId   axis,
                                                    double            *min,
                                                    double            *max);
gboolean          assay_chart_spec_get_horizontal  (AssayChartSpec    *self);
gboolean          assay_chart_spec_get_show_legend (AssayChartSpec    *self);
const char       *assay_chart_spec_get_empty_text  (AssayChartSpec    *self);
guint             assay_chart_spec_get_n_series    (AssayChartSpec    *self);
AssayChartSeries *assay_chart_spec_get_series      (AssayChartSpec    *self,
                                                    guint              index);
guint64           assay_chart_spec_get_n_points    (AssayChartSpec    *self);
gboolean          assay_chart_spec_is_empty        (AssayChartSpec    *self);
char             *assay_chart_spec_describe_item   (AssayChartSpec    *self,
                                                    guint              series,
                                                    guint              index);
char             *assay_chart_spec_describe        (AssayChartSpec    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartSpec, assay_chart_spec_unref)

G_END_DECLS
