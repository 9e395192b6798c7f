/* assay-metrics.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Latencies: every finished job (success or failure) offers its latency to
 * its stage's reservoir, which keeps a uniform random sample of at most
 * ASSAY_METRICS_RESERVOIR_SIZE of them (Vitter's algorithm R) drawn with a
 * fixed-seed xorshift64* generator, so that a run is reproducible. The
 * maximum is exact; percentiles are computed on the sample, and are exact
 * while a stage has finished no more jobs than the reservoir holds.
 *
 * Percentiles interpolate linearly between the two nearest ranks (the
 * "R-7" / spreadsheet PERCENTILE.INC rule): with the n sorted samples
 * x[0..n-1], pP = x[k] + f (x[k+1] - x[k]) where k + f = (n - 1) P / 100.
 * So the latencies 1, 2, ..., 100 ms give p50 = 50.5, p90 = 90.1,
 * p99 = 99.01.
 */
#define G_LOG_DOMAIN "assay-metrics"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-metrics.h"

typedef struct
{
  guint    queued;
  guint    in_flight;
  guint64  done;
  guint64  failed;
  guint64  retries;
  guint64  tokens;
  guint64  prompt_tokens;
  guint64  completion_tokens;

  double  *samples;     /* ASSAY_METRICS_RESERVOIR_SIZE slots, allocated on first use */
  guint    n_samples;   /* slots in use */
  guint64  n_seen;      /* latencies offered, kept or not */
  double   max_ms;
  guint64  rng;         /* xorshift64* state, never 0 */
} StageMetrics;

struct _AssayMetrics
{
  StageMetrics stages[ASSAY_N_STAGES];
};

static const char * const stage_names[ASSAY_N_STAGES] = {
  [ASSAY_STAGE_HASH] = "hash",
  [ASSAY_STAGE_CACHE] = "cache",
  [ASSAY_STAGE_READ] = "read",
  [ASSAY_STAGE_EXTRACT] = "extract",
  [ASSAY_STAGE_ANALYSE] = "analyse",
  [ASSAY_STAGE_STORE] = "store",
};

/**
 * assay_stage_to_string:
 *
 * Returns: (transfer none): the stage's stable name ("hash", "cache", "read",
 *   "extract", "analyse", "store"), as used in JSON; not translated
 */
const char *
assay_stage_to_string (AssayStage stage)
{
  g_return_val_if_fail (stage < ASSAY_N_STAGES, NULL);

  return stage_names[stage];
}

/**
 * assay_metrics_new:
 *
 * Returns: (transfer full): empty metrics; free with assay_metrics_free()
 */
AssayMetrics *
assay_metrics_new (void)
{
  AssayMetrics *self = g_new0 (AssayMetrics, 1);

  /* Seed each stage's generator with a splitmix64 output of its index:
   * fixed, so runs are reproducible, and never 0. */
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    {
      guint64 z = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) * (i + 1);

      z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
      z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
      z ^= z >> 31;
      self->stages[i].rng = z != 0 ? z : 1;
    }

  return self;
}

void
assay_metrics_free (AssayMetrics *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    g_free (self->stages[i].samples);

  g_free (self);
}

static StageMetrics *
get_stage (AssayMetrics *self,
           AssayStage    stage)
{
  g_assert (stage < ASSAY_N_STAGES);

  return &self->stages[stage];
}

/**
 * assay_metrics_queued:
 *
 * A job entered @stage's queue. Main thread only, as every function here.
 */
void
assay_metrics_queued (AssayMetrics *self,
                      AssayStage    stage)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  get_stage (self, stage)->queued++;
}

/**
 * assay_metrics_started:
 *
 * A queued job of @stage started running: it moves from queued to in flight.
 * A job started without being queued counts only as in flight.
 */
void
assay_metrics_started (AssayMetrics *self,
                       AssayStage    stage)
{
  StageMetrics *m;

  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  m = get_stage (self, stage);
  if (m->queued > 0)
    m->queued--;
  m->in_flight++;
}

static guint64
next_random (StageMetrics *m)
{
  /* xorshift64* (Vigna 2016) */
  m->rng ^= m->rng >> 12;
  m->rng ^= m->rng << 25;
  m->rng ^= m->rng >> 27;

  return m->rng * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
}

static void
add_sample (StageMetrics *m,
            double        latency_ms)
{
  if (m->samples == NULL)
    m->samples = g_new (double, ASSAY_METRICS_RESERVOIR_SIZE);

  m->n_seen++;
  if (m->n_seen == 1 || latency_ms > m->max_ms)
    m->max_ms = latency_ms;

  if (m->n_samples < ASSAY_METRICS_RESERVOIR_SIZE)
    {
      m->samples[m->n_samples++] = latency_ms;
    }
  else
    {
      /* Keep the n-th value with probability size / n, in a random slot. */
      guint64 j = next_random (m) % m->n_seen;

      if (j < ASSAY_METRICS_RESERVOIR_SIZE)
        m->samples[j] = latency_ms;
    }
}

/**
 * assay_metrics_finished:
 * @success: %FALSE counts the job as failed
 * @latency_ms: how long it ran; a negative or non-finite value is counted
 *   but not sampled
 *
 * A running job of @stage ended: it leaves in flight and counts as done or
 * failed; its latency goes to the stage's percentiles either way.
 */
void
assay_metrics_finished (AssayMetrics *self,
                        AssayStage    stage,
                        gboolean      success,
                        double        latency_ms)
{
  StageMetrics *m;

  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  m = get_stage (self, stage);
  if (m->in_flight > 0)
    m->in_flight--;

  if (success)
    m->done++;
  else
    m->failed++;

  if (isfinite (latency_ms) && latency_ms >= 0)
    add_sample (m, latency_ms);
}

/**
 * assay_metrics_dequeued:
 *
 * A queued job of @stage left the queue without running (removed or
 * cancelled): it is no longer counted at all.
 */
void
assay_metrics_dequeued (AssayMetrics *self,
                        AssayStage    stage)
{
  StageMetrics *m;

  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  m = get_stage (self, stage);
  if (m->queued > 0)
    m->queued--;
}

void
assay_metrics_add_retries (AssayMetrics *self,
                           AssayStage    stage,
                           guint         retries)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  get_stage (self, stage)->retries += retries;
}

void
assay_metrics_add_tokens (AssayMetrics *self,
                          AssayStage    stage,
                          guint64       tokens)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  get_stage (self, stage)->tokens += tokens;
}

/**
 * assay_metrics_add_token_counts:
 * @prompt_tokens: tokens sent (input)
 * @completion_tokens: tokens received (output)
 *
 * As assay_metrics_add_tokens() with their sum, and keeps input and output
 * apart too, for a price per input and per output token.
 */
void
assay_metrics_add_token_counts (AssayMetrics *self,
                                AssayStage    stage,
                                guint64       prompt_tokens,
                                guint64       completion_tokens)
{
  StageMetrics *m;

  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);

  m = get_stage (self, stage);
  m->tokens += prompt_tokens + completion_tokens;
  m->prompt_tokens += prompt_tokens;
  m->completion_tokens += completion_tokens;
}

/**
 * assay_metrics_get_n_samples:
 *
 * Returns: how many latencies @stage's reservoir holds now, at most
 *   %ASSAY_METRICS_RESERVOIR_SIZE
 */
guint
assay_metrics_get_n_samples (AssayMetrics *self,
                             AssayStage    stage)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (stage < ASSAY_N_STAGES, 0);

  return get_stage (self, stage)->n_samples;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
percentile (const double *sorted,
            guint         n,
            double        p)
{
  double h = (n - 1) * p / 100.0;
  guint k = (guint) floor (h);
  double f = h - k;

  if (k + 1 >= n)
    return sorted[n - 1];

  return sorted[k] + f * (sorted[k + 1] - sorted[k]);
}

/**
 * assay_metrics_snapshot:
 * @out: (out caller-allocates): filled with @stage's counters and latency
 *   percentiles; the latencies are 0 while no job of @stage has finished
 */
void
assay_metrics_snapshot (AssayMetrics       *self,
                        AssayStage          stage,
                        AssayStageSnapshot *out)
{
  StageMetrics *m;

  g_return_if_fail (self != NULL);
  g_return_if_fail (stage < ASSAY_N_STAGES);
  g_return_if_fail (out != NULL);

  m = get_stage (self, stage);

  memset (out, 0, sizeof *out);
  out->queued = m->queued;
  out->in_flight = m->in_flight;
  out->done = m->done;
  out->failed = m->failed;
  out->retries = m->retries;
  out->tokens = m->tokens;
  out->prompt_tokens = m->prompt_tokens;
  out->completion_tokens = m->completion_tokens;

  if (m->n_samples > 0)
    {
      g_autofree double *sorted = g_memdup2 (m->samples, m->n_samples * sizeof (double));

      qsort (sorted, m->n_samples, sizeof (double), compare_doubles);
      out->p50_ms = percentile (sorted, m->n_samples, 50);
      out->p90_ms = percentile (sorted, m->n_samples, 90);
      out->p99_ms = percentile (sorted, m->n_samples, 99);
      out->max_ms = m->max_ms;
    }
}

static void
add_latency_member (JsonBuilder *builder,
                    const char  *name,
                    gboolean     have,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (have)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * assay_metrics_to_json:
 *
 * Every stage, in pipeline order:
 * `{"stages": {"read": {"queued": 0, "in_flight": 1, "done": 4, "failed": 0,
 * "retries": 0, "tokens": 0, "latency_ms": {"p50": 12.5, "p90": …, "p99": …,
 * "max": …}}, …}}`. The latencies are null while no job of the stage has
 * finished.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
assay_metrics_to_json (AssayMetrics *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stages");
  json_builder_begin_object (builder);

  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    {
      AssayStageSnapshot snap;
      gboolean have;

      assay_metrics_snapshot (self, i, &snap);
      have = self->stages[i].n_samples > 0;

      json_builder_set_member_name (builder, stage_names[i]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "queued");
      json_builder_add_int_value (builder, snap.queued);
      json_builder_set_member_name (builder, "in_flight");
      json_builder_add_int_value (builder, snap.in_flight);
      json_builder_set_member_name (builder, "done");
      json_builder_add_int_value (builder, (gint64) snap.done);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, (gint64) snap.failed);
      json_builder_set_member_name (builder, "retries");
      json_builder_add_int_value (builder, (gint64) snap.retries);
      json_builder_set_member_name (builder, "tokens");
      json_builder_add_int_value (builder, (gint64) snap.tokens);
      json_builder_set_member_name (builder, "latency_ms");
      json_builder_begin_object (builder);
      add_latency_member (builder, "p50", have, snap.p50_ms);
      add_latency_member (builder, "p90", have, snap.p90_ms);
      add_latency_member (builder, "p99", have, snap.p99_ms);
      add_latency_member (builder, "max", have, snap.max_ms);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
append_cell (GString    *out,
             const char *text,
             guint       width,
             gboolean    left)
{
  glong len = g_utf8_strlen (text, -1);

  if (!left)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');

  g_string_append (out, text);

  if (left)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
}

#define N_COLUMNS 11

/**
 * assay_metrics_format_table:
 *
 * A plain-text table for a terminal (`assay --stats` on stderr): a
 * translated header line, then one line per stage with its counters and
 * latencies in milliseconds ("-" before any job finished). Columns are
 * padded with spaces to the widest cell (counted in characters), the stage
 * name left-aligned, numbers right-aligned, two spaces between columns;
 * lines end with "\n".
 *
 * Returns: (transfer full): the table
 */
char *
assay_metrics_format_table (AssayMetrics *self)
{
  g_autoptr(GPtrArray) cells = NULL;
  GString *out;
  guint widths[N_COLUMNS] = { 0 };
  guint n_rows = ASSAY_N_STAGES + 1;

  g_return_val_if_fail (self != NULL, NULL);

  cells = g_ptr_array_new_with_free_func (g_free);

  /* Translators: column headers of the `assay --stats` table; keep them short. */
  g_ptr_array_add (cells, g_strdup (_("Stage")));
  g_ptr_array_add (cells, g_strdup (_("Queued")));
  g_ptr_array_add (cells, g_strdup (_("Running")));
  g_ptr_array_add (cells, g_strdup (_("Done")));
  g_ptr_array_add (cells, g_strdup (_("Failed")));
  g_ptr_array_add (cells, g_strdup (_("Retries")));
  g_ptr_array_add (cells, g_strdup (_("Tokens")));
  g_ptr_array_add (cells, g_strdup (_("p50 ms")));
  g_ptr_array_add (cells, g_strdup (_("p90 ms")));
  g_ptr_array_add (cells, g_strdup (_("p99 ms")));
  g_ptr_array_add (cells, g_strdup (_("max ms")));

  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    {
      AssayStageSnapshot snap;
      gboolean have = self->stages[i].n_samples > 0;

      assay_metrics_snapshot (self, i, &snap);

      g_ptr_array_add (cells, g_strdup (stage_names[i]));
      g_ptr_array_add (cells, g_strdup_printf ("%u", snap.queued));
      g_ptr_array_add (cells, g_strdup_printf ("%u", snap.in_flight));
      g_ptr_array_add (cells, g_strdup_printf ("%" G_GUINT64_FORMAT, snap.done));
      g_ptr_array_add (cells, g_strdup_printf ("%" G_GUINT64_FORMAT, snap.failed));
      g_ptr_array_add (cells, g_strdup_printf ("%" G_GUINT64_FORMAT, snap.retries));
      g_ptr_array_add (cells, g_strdup_printf ("%" G_GUINT64_FORMAT, snap.tokens));
      g_ptr_array_add (cells, have ? g_strdup_printf ("%.1f", snap.p50_ms) : g_strdup ("-"));
      g_ptr_array_add (cells, have ? g_strdup_printf ("%.1f", snap.p90_ms) : g_strdup ("-"));
      g_ptr_array_add (cells, have ? g_strdup_printf ("%.1f", snap.p99_ms) : g_strdup ("-"));
      g_ptr_array_add (cells, have ? g_strdup_printf ("%.1f", snap.max_ms) : g_strdup ("-"));
    }

  g_assert (cells->len == n_rows * N_COLUMNS);

  for (guint i = 0; i < cells->len; i++)
    {
      guint len = (guint) g_utf8_strlen (g_ptr_array_index (cells, i), -1);
      widths[i % N_COLUMNS] = MAX (widths[i % N_COLUMNS], len);
    }

  out = g_string_new (NULL);
  for (guint row = 0; row < n_rows; row++)
    {
      for (guint col = 0; col < N_COLUMNS; col++)
        {
          const char *text = g_ptr_array_index (cells, row * N_COLUMNS + col);

          if (col > 0)
            g_string_append (out, "  ");
          /* The last column is right-aligned, so no trailing spaces. */
          append_cell (out, text, widths[col], col == 0);
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
