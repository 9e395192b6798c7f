/* assay-latency-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each firing is compared with when it was due: the previous firing plus
 * the interval. GLib may run a timeout up to a millisecond early or late on
 * its own; what matters here is the tail. Samples are kept as lateness in
 * microseconds (a day of samples at 100 Hz is 35 MB: a probe is for runs,
 * not for weeks).
 */
#define G_LOG_DOMAIN "assay-latency-probe"

#include "config.h"

#include <json-glib/json-glib.h>

#include "assay-latency-probe.h"

struct _AssayLatencyProbe
{
  guint    interval_ms;
  guint    source_id;
  gint64   due;          /* monotonic µs */
  GArray  *lateness_us;  /* gint64 */
  double   first_frame_ms; /* launch to first frame, or -1 */
};

static gboolean
probe_tick (gpointer user_data)
{
  AssayLatencyProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (0, now - self->due);

  g_array_append_val (self->lateness_us, late);
  if (late > 20 * 1000)
    g_debug ("main loop stalled for %.1f ms (sample %u)", late / 1000.0, self->lateness_us->len);
  self->due = now + (gint64) self->interval_ms * 1000;

  return G_SOURCE_CONTINUE;
}

/**
 * assay_latency_probe_new:
 * @interval_ms: how often to sample, about 10
 *
 * Starts sampling the thread-default main context at once.
 *
 * Returns: (transfer full): the probe; main thread
 */
AssayLatencyProbe *
assay_latency_probe_new (guint interval_ms)
{
  AssayLatencyProbe *self;

  g_return_val_if_fail (interval_ms > 0, NULL);

  self = g_new0 (AssayLatencyProbe, 1);
  self->interval_ms = interval_ms;
  self->lateness_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->first_frame_ms = -1;
  self->due = g_get_monotonic_time () + (gint64) interval_ms * 1000;
  /* At the default priority: a busy main loop delays it as much as it
   * delays an input event or a redraw. */
  self->source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, probe_tick, self, NULL);
  g_source_set_name_by_id (self->source_id, "[assay] latency probe");

  return self;
}

/**
 * assay_latency_probe_stop:
 *
 * Stops sampling (the summary stays): what the application does once it
 * is asked to quit is not part of what the probe measures.
 */
void
assay_latency_probe_stop (AssayLatencyProbe *self)
{
  g_return_if_fail (self != NULL);

  g_clear_handle_id (&self->source_id, g_source_remove);
}

void
assay_latency_probe_free (AssayLatencyProbe *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->source_id, g_source_remove);
  g_clear_pointer (&self->lateness_us, g_array_unref);
  g_free (self);
}

/**
 * assay_latency_probe_set_first_frame:
 * @ms: from the start of the application to its first window's first
 *   frame drawn
 *
 * Written with the summary, as "first_frame_ms".
 */
void
assay_latency_probe_set_first_frame (AssayLatencyProbe *self,
                                     double             ms)
{
  g_return_if_fail (self != NULL);

  self->first_frame_ms = ms;
}

guint
assay_latency_probe_get_n_samples (AssayLatencyProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->lateness_us->len;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double
percentile_ms (const GArray *sorted,
               double        fraction)
{
  gsize rank;

  if (sorted->len == 0)
    return 0.0;

  rank = (gsize) (fraction * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);

  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
}

/**
 * assay_latency_probe_summarize:
 *
 * The median, 99th percentile and largest lateness so far, in
 * milliseconds (0 without samples).
 */
void
assay_latency_probe_summarize (AssayLatencyProbe *self,
                               double            *p50_ms,
                               double            *p99_ms,
                               double            *max_ms)
{
  g_autoptr(GArray) sorted = NULL;

  g_return_if_fail (self != NULL);

  sorted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->lateness_us->len);
  g_array_append_vals (sorted, self->lateness_us->data, self->lateness_us->len);
  g_array_sort (sorted, compare_int64);

  if (p50_ms != NULL)
    *p50_ms = percentile_ms (sorted, 0.50);
  if (p99_ms != NULL)
    *p99_ms = percentile_ms (sorted, 0.99);
  if (max_ms != NULL)
    *max_ms = sorted->len > 0 ? g_array_index (sorted, gint64, sorted->len - 1) / 1000.0 : 0.0;
}

/**
 * assay_latency_probe_write:
 * @path: the file to write, replaced atomically
 *
 * Writes the summary as a JSON object. Blocking: meant for the moment the
 * application quits, when nothing is left to keep fluid.
 */
gboolean
assay_latency_probe_write (AssayLatencyProbe  *self,
                           const char         *path,
                           GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  double p50, p99, max;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  assay_latency_probe_summarize (self, &p50, &p99, &max);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, self->lateness_us->len);
  json_builder_set_member_name (builder, "p50_ms");
  json_builder_add_double_value (builder, p50);
  json_builder_set_member_name (builder, "p99_ms");
  json_builder_add_double_value (builder, p99);
  json_builder_set_member_name (builder, "max_ms");
  json_builder_add_double_value (builder, max);
  if (self->first_frame_ms >= 0)
    {
      json_builder_set_member_name (builder, "first_frame_ms");
      json_builder_add_double_value (builder, self->first_frame_ms);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_file_set_contents (path, text, -1, error);
}
