/* assay-activity-panel.h — the pipeline's observability, live
 *
 * Per stage: queued, in flight, done, failed, retries, latency p50 / p90 /
 * p99 and tokens (assay_pipeline_get_metrics()); throughput in documents
 * per minute and pages per second over the last minute, and documents per
 * minute over the last ten minutes in 10-second bins; and a timeline (Gantt) of the stages of the documents
 * finished last. Refreshed once a second while shown, never per
 * notification. In cluster mode, a row per worker of the cluster
 * (assay_activity_panel_set_workers()), bound to each worker's figures.
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart.h"
#include "assay-pipeline.h"

G_BEGIN_DECLS

#define ASSAY_ACTIVITY_PANEL_MAX_TIMELINE 40

#define ASSAY_TYPE_ACTIVITY_PANEL (assay_activity_panel_get_type ())
G_DECLARE_FINAL_TYPE (AssayActivityPanel, assay_activity_panel, ASSAY, ACTIVITY_PANEL, GtkWidget)

GtkWidget  *assay_activity_panel_new            (void);
void        assay_activity_panel_set_pipeline   (AssayActivityPanel *self,
                                                 AssayPipeline      *pipeline);
void        assay_activity_panel_refresh        (AssayActivityPanel *self);
void        assay_activity_panel_set_settings   (AssayActivityPanel *self,
                                                 GSettings          *settings);
const char *assay_activity_panel_get_totals     (AssayActivityPanel *self);
char       *assay_activity_panel_format_totals  (guint64             prompt_tokens,
                                                 guint64             completion_tokens,
                                                 guint64             retries,
                                                 GSettings          *settings);
AssayChart *assay_activity_panel_get_timeline   (AssayActivityPanel *self);
AssayChart *assay_activity_panel_get_throughput (AssayActivityPanel *self);
const char *assay_activity_panel_get_cell       (AssayActivityPanel *self,
                                                 AssayStage          stage,
                                                 guint               column);
void        assay_activity_panel_set_workers    (AssayActivityPanel *self,
                                                 GListModel         *workers);
GListModel *assay_activity_panel_get_workers    (AssayActivityPanel *self);
const char *assay_activity_panel_get_worker_text (AssayActivityPanel *self,
                                                  const char         *name,
                                                  guint               column);
const char *assay_activity_panel_get_worker_cell (AssayActivityPanel *self,
                                                  const char         *name,
                                                  AssayStage          stage,
                                                  guint               column);

G_END_DECLS
