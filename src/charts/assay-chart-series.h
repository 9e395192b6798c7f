/* assay-chart-series.h — one series of a chart, as plain arrays
 *
 * Built on one thread, then read-only: a series may be shared with (and read
 * from) any thread, such as a worker computing geometry. No GTK.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CHART_KIND_BAR,         /* one value per category (label) */
  ASSAY_CHART_KIND_HISTOGRAM,   /* counts over bins given by n + 1 edges */
  ASSAY_CHART_KIND_LINE,        /* y over ascending x (numbers or times) */
  ASSAY_CHART_KIND_SCATTER,     /* points */
  ASSAY_CHART_KIND_TIME_SPAN,   /* spans [start, end] on rows (a Gantt chart) */
} AssayChartKind;

typedef struct _AssayChartSeries AssayChartSeries;

/* Reads one number of a list model's item (for assay_chart_series_new_from_model). */
typedef double (*AssayChartValueFunc) (gpointer item,
                                       gpointer user_data);
/* Returns a newly allocated label for an item, or NULL. */
typedef char  *(*AssayChartLabelFunc) (gpointer item,
                                       gpointer user_data);

#define ASSAY_TYPE_CHART_SERIES (assay_chart_series_get_type ())

GType             assay_chart_series_get_type        (void) G_GNUC_CONST;
AssayChartSeries *assay_chart_series_new_bars        (const char          *name,
                                                      const char * const  *labels,
                                                      const double        *values,
                                                      guint                n);
AssayChartSeries *assay_chart_series_new_histogram   (const char          *name,
                                                      const double        *edges,
                                                      const guint         *counts,
                                                      guint                n_bins);
AssayChartSeries *assay_chart_series_new_xy          (AssayChartKind       kind,
                                                      const char          *name,
                                                      const double        *x,
                                                      const double        *y,
                                                      guint                n);
AssayChartSeries *assay_chart_series_new_xy_take     (AssayChartKind       kind,
                                                      const char          *name,
                                                      double              *x,
                                                      double              *y,
                                                      guint                n);
AssayChartSeries *assay_chart_series_new_spans       (const char          *name,
                                                      const double        *start,
                                                      const double        *end,
                                                      const guint         *row,
                                                      const char * const  *labels,
                                                      guint                n,
                                                      const char * const  *row_labels,
                                                      guint                n_rows);
AssayChartSeries *assay_chart_series_new_from_model  (AssayChartKind       kind,
                                                      const char          *name,
                                                      GListModel          *model,
                                                      AssayChartValueFunc  x_func,
                                                      AssayChartValueFunc  y_func,
                                                      AssayChartLabelFunc  label_func,
                                                      gpointer             user_data);
AssayChartSeries *assay_chart_series_ref             (AssayChartSeries    *self);
void              assay_chart_series_unref           (AssayChartSeries    *self);

void              assay_chart_series_set_notes       (AssayChartSeries    *self,
                                                      const char * const  *notes);
void              assay_chart_series_set_ids         (AssayChartSeries    *self,
                                                      const guint         *ids);
guint             assay_chart_series_get_id          (AssayChartSeries    *self,
                                                      guint                index);
void              assay_chart_series_set_color       (AssayChartSeries    *self,
                                                      int                  palette_index);
void              assay_chart_series_set_unit        (AssayChartSeries    *self,
                                                      const char          *unit);

AssayChartKind    assay_chart_series_get_kind        (AssayChartSeries    *self);
const char       *assay_chart_series_get_name        (AssayChartSeries    *self);
const char       *assay_chart_series_get_unit        (AssayChartSeries    *self);
guint             assay_chart_series_get_n_items     (AssayChartSeries    *self);
const double     *assay_chart_series_get_x           (AssayChartSeries    *self);
const double     *assay_chart_series_get_y           (AssayChartSeries    *self);
const guint      *assay_chart_series_get_rows        (AssayChartSeries    *self,
                                                      guint               *n_rows);
const char       *assay_chart_series_get_label       (AssayChartSeries    *self,
                                                      guint                index);
const char       *assay_chart_series_get_row_label   (AssayChartSeries    *self,
                                                      guint                row);
const char       *assay_chart_series_get_note        (AssayChartSeries    *self,
                                                      guint                index);
gboolean          assay_chart_series_get_y_integral  (AssayChartSeries    *self);
gboolean          assay_chart_series_get_x_sorted    (AssayChartSeries    *self);
int               assay_chart_series_get_color       (AssayChartSeries    *self);
gboolean          assay_chart_series_get_x_range     (AssayChartSeries    *self,
                                                      double              *min,
                                                      double              *max,
                                                      double              *min_positive);
gboolean          assay_chart_series_get_y_range     (AssayChartSeries    *self,
                                                      double              *min,
                                                      double              *max,
                                                      double              *min_positive);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartSeries, assay_chart_series_unref)

G_END_DECLS
