/* assay-metrics.h — per-stage counters and latency percentiles
 *
 * Main thread only. Latencies are kept in a bounded reservoir per stage so
 * memory stays flat however long the run: a uniform random sample of at most
 * ASSAY_METRICS_RESERVOIR_SIZE latencies (reproducible: fixed-seed PRNG).
 * Percentiles interpolate linearly between the nearest ranks (1..100 ms give
 * p50 = 50.5, p90 = 90.1, p99 = 99.01); the maximum is exact.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_STAGE_HASH,
  ASSAY_STAGE_CACHE,
  ASSAY_STAGE_READ,
  ASSAY_STAGE_EXTRACT,
  ASSAY_STAGE_ANALYSE,
  ASSAY_STAGE_STORE,
  ASSAY_N_STAGES
} AssayStage;

#define ASSAY_METRICS_RESERVOIR_SIZE 16384

typedef struct _AssayMetrics AssayMetrics;

typedef struct
{
  guint   queued;
  guint   in_flight;
  guint64 done;
  guint64 failed;
  guint64 retries;
  guint64 tokens;               /* all of them */
  guint64 prompt_tokens;        /* of those, sent (input) */
  guint64 completion_tokens;    /* and received (output) */
  double  p50_ms;
  double  p90_ms;
  double  p99_ms;
  double  max_ms;
} AssayStageSnapshot;

const char    *assay_stage_to_string     (AssayStage        stage);
AssayMetrics  *assay_metrics_new         (void);
void           assay_metrics_free        (AssayMetrics     *self);
void           assay_metrics_queued      (AssayMetrics     *self,
                                          AssayStage        stage);
void           assay_metrics_started     (AssayMetrics     *self,
                                          AssayStage        stage);
void           assay_metrics_finished    (AssayMetrics     *self,
                                          AssayStage        stage,
                                          gboolean          success,
                                          double            latency_ms);
void           assay_metrics_dequeued    (AssayMetrics     *self,
                                          AssayStage        stage);
void           assay_metrics_add_retries (AssayMetrics     *self,
                                          AssayStage        stage,
                                          guint             retries);
void           assay_metrics_add_tokens  (AssayMetrics     *self,
                                          AssayStage        stage,
                                          guint64           tokens);
void           assay_metrics_add_token_counts (AssayMetrics *self,
                                               AssayStage    stage,
                                               guint64       prompt_tokens,
                                               guint64       completion_tokens);
void           assay_metrics_snapshot    (AssayMetrics     *self,
                                          AssayStage        stage,
                                          AssayStageSnapshot *out);
guint          assay_metrics_get_n_samples (AssayMetrics   *self,
                                            AssayStage      stage);
JsonNode      *assay_metrics_to_json     (AssayMetrics     *self);
char          *assay_metrics_format_table (AssayMetrics    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayMetrics, assay_metrics_free)

G_END_DECLS
