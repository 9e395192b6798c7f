/* assay-corpus-dashboard.h — charts over all the documents of a session
 *
 * A chosen key figure across documents over time (the figure picked from
 * the labels found), totals by document, Benford's law over the whole
 * corpus and the verification rate. Follows a pipeline while it is shown:
 * the results of finished documents are loaded off the main thread
 * (assay_pipeline_load_result_async(), a few at a time), summarised once,
 * and the charts rebuilt on the worker pool at most every
 * ASSAY_CORPUS_DASHBOARD_REFRESH_MS, however many documents finish — and
 * laid out and drawn there too (assay_chart_set_render_pool()).
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart.h"
#include "assay-pipeline.h"

G_BEGIN_DECLS

#define ASSAY_CORPUS_DASHBOARD_REFRESH_MS 1000

typedef enum
{
  ASSAY_CORPUS_CHART_OVER_TIME,
  ASSAY_CORPUS_CHART_TOTALS,
  ASSAY_CORPUS_CHART_BENFORD,
  ASSAY_CORPUS_CHART_VERIFICATION,
  ASSAY_CORPUS_CHART_NEAR_DUPLICATES,
  ASSAY_CORPUS_N_CHARTS
} AssayCorpusChartKind;

#define ASSAY_TYPE_CORPUS_DASHBOARD (assay_corpus_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (AssayCorpusDashboard, assay_corpus_dashboard, ASSAY, CORPUS_DASHBOARD, GtkWidget)

GtkWidget     *assay_corpus_dashboard_new           (void);
void           assay_corpus_dashboard_set_pipeline  (AssayCorpusDashboard *self,
                                                     AssayPipeline        *pipeline);
AssayChart    *assay_corpus_dashboard_get_chart     (AssayCorpusDashboard *self,
                                                     AssayCorpusChartKind  kind);
guint          assay_corpus_dashboard_get_n_documents (AssayCorpusDashboard *self);
const char    *assay_corpus_dashboard_get_label     (AssayCorpusDashboard *self);
void           assay_corpus_dashboard_set_label     (AssayCorpusDashboard *self,
                                                     const char           *label);
const char * const *assay_corpus_dashboard_get_labels (AssayCorpusDashboard *self);
guint          assay_corpus_dashboard_get_n_groups  (AssayCorpusDashboard *self);

/* For benchmarks: the main thread's time in the dashboard's own work, and
 * the worker's in building the charts (microseconds). */
typedef struct
{
  guint  n_refreshes;       /* walks over the list */
  gint64 refresh_max_us;
  gint64 refresh_total_us;
  guint  n_applies;         /* builds shown: specs set, labels, groups list */
  gint64 apply_max_us;
  gint64 apply_total_us;
  guint  n_summaries;       /* loaded results boiled down (on the pool), and filed */
  gint64 summary_max_us;
  guint  n_builds;          /* on the worker pool */
  gint64 build_max_us;
  gint64 build_last_us;
} AssayCorpusDashboardTimings;

void           _assay_corpus_dashboard_get_timings (AssayCorpusDashboard        *self,
                                                    AssayCorpusDashboardTimings *timings);

/* For tests: the list of near-duplicate groups (an AdwExpanderRow a group,
 * an activatable AdwActionRow a document), the box the charts flow in. */
GtkListBox    *_assay_corpus_dashboard_get_groups_list (AssayCorpusDashboard *self);
GtkFlowBox    *_assay_corpus_dashboard_get_charts_box  (AssayCorpusDashboard *self);

G_END_DECLS
