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

#include <time.h>

#include <json-glib/json-glib.h>

#include "assay-latency-probe.h"

struct _AssayLatencyProbe
{
  guint    interval_ms;
  guint    source_id;
  gint64   due;          /* monotonic µs */
  GArray  *lateness_us;  /* gint64 */
  GArray  *fired_at_us;  /* gint64, wall-clock time of each firing */
  GArray  *frames;       /* ProbeFrame */
  gint64   frame_start;  /* monotonic µs, 0 outside a frame */
  gint64   frame_start_cpu; /* the thread's CPU time, µs */
  gboolean frame_resized;   /* the window was measured again in this frame */
  double   first_frame_ms; /* launch to first frame, or -1 */
};

typedef struct
{
  gint64 ended_at;  /* wall-clock µs */
  gint64 wall_us;
  gint64 cpu_us;
  gint64 resized;   /* 1 if the window was measured again */
} ProbeFrame;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
probe_tick (gpointer user_data)
{
  AssayLatencyProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (0, now - self->due);

  g_array_append_val (self->lateness_us, late);
  {
    gint64 real = g_get_real_time ();

    g_array_append_val (self->fired_at_us, real);
  }
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
  self->fired_at_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->frames = g_array_new (FALSE, FALSE, sizeof (ProbeFrame));
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
  g_clear_pointer (&self->fired_at_us, g_array_unref);
  g_clear_pointer (&self->frames, g_array_unref);
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

/**
 * assay_latency_probe_frame_started:
 *
 * Marks the start of a frame on the main thread (the frame clock's
 * first of its phases that runs; a second call in the same frame is
 * ignored); assay_latency_probe_frame_ended() its end: the probe
 * then also counts frames and what each cost, in wall and in the main
 * thread's CPU time.
 */
void
assay_latency_probe_frame_started (AssayLatencyProbe *self)
{
  g_return_if_fail (self != NULL);

  if (self->frame_start != 0)
    return;

  self->frame_start = g_get_monotonic_time ();
  self->frame_start_cpu = thread_cpu_us ();
}

void
assay_latency_probe_frame_ended (AssayLatencyProbe *self)
{
  ProbeFrame frame;

  g_return_if_fail (self != NULL);

  if (self->frame_start == 0)
    return;

  frame.ended_at = g_get_real_time ();
  frame.wall_us = g_get_monotonic_time () - self->frame_start;
  frame.cpu_us = thread_cpu_us () - self->frame_start_cpu;
  frame.resized = self->frame_resized;
  g_array_append_val (self->frames, frame);
  self->frame_start = 0;
  self->frame_resized = FALSE;
}

/**
 * assay_latency_probe_frame_resized:
 *
 * Marks the current frame as one in which the window was measured again
 * (its toplevel's "compute-size": something in it asked for a new size,
 * which on X11 also costs round trips to the server).
 */
void
assay_latency_probe_frame_resized (AssayLatencyProbe *self)
{
  g_return_if_fail (self != NULL);

  self->frame_resized = TRUE;
}

guint
assay_latency_probe_get_n_frames (AssayLatencyProbe *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->frames->len;
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
  if (self->frames->len > 0)
    {
      g_autoptr(GArray) wall = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->frames->len);
      gint64 cpu_total = 0;
      guint n_resized = 0;

      for (guint i = 0; i < self->frames->len; i++)
        {
          const ProbeFrame *frame = &g_array_index (self->frames, ProbeFrame, i);

          g_array_append_val (wall, frame->wall_us);
          cpu_total += frame->cpu_us;
          n_resized += frame->resized ? 1 : 0;
        }
      g_array_sort (wall, compare_int64);
      json_builder_set_member_name (builder, "frames");
      json_builder_add_int_value (builder, self->frames->len);
      json_builder_set_member_name (builder, "frames_resized");
      json_builder_add_int_value (builder, n_resized);
      json_builder_set_member_name (builder, "frame_p99_ms");
      json_builder_add_double_value (builder, percentile_ms (wall, 0.99));
      json_builder_set_member_name (builder, "frame_max_ms");
      json_builder_add_double_value (builder, g_array_index (wall, gint64, wall->len - 1) / 1000.0);
      json_builder_set_member_name (builder, "frame_cpu_mean_ms");
      json_builder_add_double_value (builder, cpu_total / 1000.0 / self->frames->len);
    }
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

/**
 * assay_latency_probe_write_samples:
 * @path: where to write
 *
 * Writes every sample, one a line: when the timer fired (wall-clock
 * microseconds since the epoch, as `date +%s%6N` gives) and how late it
 * was (microseconds), so that a benchmark can take the part of a run it
 * measures (a batch) apart from the idle time around it. Frames follow,
 * one a line: "f", when the frame ended, its wall time and its CPU time
 * (microseconds), and 1 if the window was measured again in it, else 0.
 *
 * Returns: %FALSE with @error set if the file could not be written
 */
gboolean
assay_latency_probe_write_samples (AssayLatencyProbe  *self,
                                   const char         *path,
                                   GError            **error)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = g_string_sized_new (self->lateness_us->len * 24);
  for (guint i = 0; i < self->lateness_us->len; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                            g_array_index (self->fired_at_us, gint64, i),
                            g_array_index (self->lateness_us, gint64, i));
  for (guint i = 0; i < self->frames->len; i++)
    {
      const ProbeFrame *frame = &g_array_index (self->frames, ProbeFrame, i);

      g_string_append_printf (text, "f %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT "\n",
                              frame->ended_at, frame->wall_us, frame->cpu_us, frame->resized);
    }

  return g_file_set_contents (path, text->str, text->len, error);
}
