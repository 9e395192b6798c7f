/* test-metrics.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-metrics"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-cluster-worker-info.h"
#include "assay-metrics.h"

static void
test_stage_names (void)
{
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_HASH), ==, "hash");
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_CACHE), ==, "cache");
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_READ), ==, "read");
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_EXTRACT), ==, "extract");
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_ANALYSE), ==, "analyse");
  g_assert_cmpstr (assay_stage_to_string (ASSAY_STAGE_STORE), ==, "store");
}

static void
test_counters (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  AssayStageSnapshot snap;

  for (guint i = 0; i < 5; i++)
    assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_started (metrics, ASSAY_STAGE_READ);
  assay_metrics_started (metrics, ASSAY_STAGE_READ);
  assay_metrics_dequeued (metrics, ASSAY_STAGE_READ);

  assay_metrics_snapshot (metrics, ASSAY_STAGE_READ, &snap);
  g_assert_cmpuint (snap.queued, ==, 2);
  g_assert_cmpuint (snap.in_flight, ==, 2);
  g_assert_cmpuint (snap.done, ==, 0);
  /* No latency yet. */
  g_assert_cmpfloat (snap.p50_ms, ==, 0);
  g_assert_cmpfloat (snap.max_ms, ==, 0);

  assay_metrics_finished (metrics, ASSAY_STAGE_READ, TRUE, 10);
  assay_metrics_finished (metrics, ASSAY_STAGE_READ, FALSE, 30);
  assay_metrics_add_retries (metrics, ASSAY_STAGE_EXTRACT, 2);
  assay_metrics_add_retries (metrics, ASSAY_STAGE_EXTRACT, 1);
  assay_metrics_add_tokens (metrics, ASSAY_STAGE_EXTRACT, 1000);
  assay_metrics_add_tokens (metrics, ASSAY_STAGE_EXTRACT, G_GUINT64_CONSTANT (5000000000));

  assay_metrics_snapshot (metrics, ASSAY_STAGE_READ, &snap);
  g_assert_cmpuint (snap.queued, ==, 2);
  g_assert_cmpuint (snap.in_flight, ==, 0);
  g_assert_cmpuint (snap.done, ==, 1);
  g_assert_cmpuint (snap.failed, ==, 1);
  /* Two samples, 10 and 30: the median interpolates to 20. */
  g_assert_cmpfloat_with_epsilon (snap.p50_ms, 20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.p90_ms, 28.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.max_ms, 30.0, 1e-9);

  assay_metrics_snapshot (metrics, ASSAY_STAGE_EXTRACT, &snap);
  g_assert_cmpuint (snap.retries, ==, 3);
  g_assert_cmpuint (snap.tokens, ==, G_GUINT64_CONSTANT (5000001000));
  g_assert_cmpuint (snap.done, ==, 0);

  /* Gauges never wrap below zero on unbalanced calls. */
  assay_metrics_dequeued (metrics, ASSAY_STAGE_HASH);
  assay_metrics_finished (metrics, ASSAY_STAGE_HASH, TRUE, NAN);
  assay_metrics_snapshot (metrics, ASSAY_STAGE_HASH, &snap);
  g_assert_cmpuint (snap.queued, ==, 0);
  g_assert_cmpuint (snap.in_flight, ==, 0);
  g_assert_cmpuint (snap.done, ==, 1);
  g_assert_cmpuint (assay_metrics_get_n_samples (metrics, ASSAY_STAGE_HASH), ==, 0);
}

static void
test_percentiles (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  AssayStageSnapshot snap;

  /* 1..100 ms in a scrambled order (37 is coprime with 100). */
  for (guint i = 0; i < 100; i++)
    {
      double latency = (double) ((i * 37) % 100 + 1);

      assay_metrics_queued (metrics, ASSAY_STAGE_EXTRACT);
      assay_metrics_started (metrics, ASSAY_STAGE_EXTRACT);
      assay_metrics_finished (metrics, ASSAY_STAGE_EXTRACT, TRUE, latency);
    }

  /* Linear interpolation between ranks: h = 99 p; p50 = x[49] + 0.5, ... */
  assay_metrics_snapshot (metrics, ASSAY_STAGE_EXTRACT, &snap);
  g_assert_cmpuint (snap.done, ==, 100);
  g_assert_cmpfloat_with_epsilon (snap.p50_ms, 50.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.p90_ms, 90.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.p99_ms, 99.01, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.max_ms, 100.0, 1e-9);

  /* A single sample is every percentile. */
  assay_metrics_finished (metrics, ASSAY_STAGE_STORE, TRUE, 7.25);
  assay_metrics_snapshot (metrics, ASSAY_STAGE_STORE, &snap);
  g_assert_cmpfloat (snap.p50_ms, ==, 7.25);
  g_assert_cmpfloat (snap.p99_ms, ==, 7.25);
  g_assert_cmpfloat (snap.max_ms, ==, 7.25);
}

static void
test_reservoir (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  const guint n = 1000000;
  AssayStageSnapshot snap;

  /* Each of 0.000 .. 999.999 ms once, rising, so that keeping only the
   * first or the last 16384 values seen would be far off (a p50 of 8.2 or
   * 991.8 ms). The true percentiles
   * are p50 = 499.9995, p90 = 899.9991, p99 = 989.99901. */
  for (guint i = 0; i < n; i++)
    assay_metrics_finished (metrics, ASSAY_STAGE_READ, TRUE, i / 1000.0);

  assay_metrics_snapshot (metrics, ASSAY_STAGE_READ, &snap);
  g_assert_cmpuint (snap.done, ==, n);
  /* Memory is bounded: only the reservoir is kept. */
  g_assert_cmpuint (assay_metrics_get_n_samples (metrics, ASSAY_STAGE_READ),
                    ==, ASSAY_METRICS_RESERVOIR_SIZE);
  /* The maximum is exact. Percentiles come from a random sample, so they
   * are checked the way quantile estimates are specified: the estimate's
   * rank is within 2 points of the requested one (for these values, one
   * point of rank is 10 ms). With 16384 samples the p50's rank error has a
   * standard deviation of 0.39 points, so 2 points is a 5-sigma bound; p90
   * and p99 are also within 2 % of their true value. */
  g_assert_cmpfloat (snap.max_ms, ==, 999.999);
  g_test_message ("reservoir p50 %.2f p90 %.2f p99 %.2f", snap.p50_ms, snap.p90_ms, snap.p99_ms);
  g_assert_cmpfloat (snap.p50_ms, >=, 480.0);
  g_assert_cmpfloat (snap.p50_ms, <=, 520.0);
  g_assert_cmpfloat (snap.p90_ms, >=, 880.0);
  g_assert_cmpfloat (snap.p90_ms, <=, 920.0);
  g_assert_cmpfloat (fabs (snap.p90_ms - 899.9991), <=, 0.02 * 899.9991);
  g_assert_cmpfloat (snap.p99_ms, >=, 970.0);
  g_assert_cmpfloat (fabs (snap.p99_ms - 989.99901), <=, 0.02 * 989.99901);
}

static void
test_reservoir_deterministic (void)
{
  g_autoptr(AssayMetrics) a = assay_metrics_new ();
  g_autoptr(AssayMetrics) b = assay_metrics_new ();
  AssayStageSnapshot sa, sb;

  for (guint i = 0; i < 50000; i++)
    {
      double latency = (double) ((i * 7919u) % 50000u);

      assay_metrics_finished (a, ASSAY_STAGE_READ, TRUE, latency);
      assay_metrics_finished (b, ASSAY_STAGE_READ, TRUE, latency);
    }

  assay_metrics_snapshot (a, ASSAY_STAGE_READ, &sa);
  assay_metrics_snapshot (b, ASSAY_STAGE_READ, &sb);
  g_assert_cmpfloat (sa.p50_ms, ==, sb.p50_ms);
  g_assert_cmpfloat (sa.p90_ms, ==, sb.p90_ms);
  g_assert_cmpfloat (sa.p99_ms, ==, sb.p99_ms);
}

static void
test_to_json (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *stages;
  JsonObject *read;
  JsonObject *latency;
  JsonObject *hash;
  GList *names;
  const char *expected_order[] = { "hash", "cache", "read", "extract", "analyse", "store" };
  guint i = 0;

  assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_started (metrics, ASSAY_STAGE_READ);
  assay_metrics_finished (metrics, ASSAY_STAGE_READ, TRUE, 4);
  assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_started (metrics, ASSAY_STAGE_READ);
  assay_metrics_finished (metrics, ASSAY_STAGE_READ, FALSE, 8);
  assay_metrics_add_retries (metrics, ASSAY_STAGE_READ, 3);
  assay_metrics_add_tokens (metrics, ASSAY_STAGE_READ, 42);

  node = assay_metrics_to_json (metrics);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  stages = json_object_get_object_member (json_node_get_object (node), "stages");
  g_assert_nonnull (stages);

  names = json_object_get_members (stages);
  for (GList *l = names; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, expected_order[i]);
  g_assert_cmpuint (i, ==, ASSAY_N_STAGES);
  g_list_free (names);

  read = json_object_get_object_member (stages, "read");
  g_assert_cmpint (json_object_get_int_member (read, "queued"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (read, "in_flight"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (read, "done"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (read, "failed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (read, "retries"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (read, "tokens"), ==, 42);
  latency = json_object_get_object_member (read, "latency_ms");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "p50"), 6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "p90"), 7.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "p99"), 7.96, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "max"), 8.0, 1e-9);

  /* A stage without finished jobs has null latencies, not zeros. */
  hash = json_object_get_object_member (stages, "hash");
  g_assert_cmpint (json_object_get_int_member (hash, "done"), ==, 0);
  latency = json_object_get_object_member (hash, "latency_ms");
  g_assert_true (json_object_get_null_member (latency, "p50"));
  g_assert_true (json_object_get_null_member (latency, "max"));

  /* It serialises to valid JSON. */
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"read\":{\"queued\":1,\"in_flight\":0,\"done\":1,"
                                  "\"failed\":1,\"retries\":3,\"tokens\":42,"));
}

static void
test_format_table (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  const char *expected[] = {
    "Stage    Queued  Running  Done  Failed  Retries  Tokens  p50 ms  p90 ms  p99 ms  max ms",
    "hash          0        0     0       0        0       0       -       -       -       -",
    "cache         0        0     0       0        0       0       -       -       -       -",
    "read          1        1  1000       0        0       0   500.5   900.1   990.0  1000.0",
    "extract       0        0     0       0        0  123456       -       -       -       -",
    "analyse       0        0     0       0        0       0       -       -       -       -",
    "store         0        0     0       0        0       0       -       -       -       -",
    "",
  };

  for (guint i = 1; i <= 1000; i++)
    assay_metrics_finished (metrics, ASSAY_STAGE_READ, TRUE, i);
  assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_queued (metrics, ASSAY_STAGE_READ);
  assay_metrics_started (metrics, ASSAY_STAGE_READ);
  assay_metrics_add_tokens (metrics, ASSAY_STAGE_EXTRACT, 123456);

  /* The header is translatable; the test runs in the C locale. */
  table = assay_metrics_format_table (metrics);
  lines = g_strsplit (table, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (lines[i], ==, expected[i]);
}

static void
count_notify (guint      *count,
              GParamSpec *pspec)
{
  (*count)++;
}

/* A worker's figures as it publishes them: the same JSON as --stats in
 * "stages", read into properties and snapshots; notified on change only;
 * gone after three silent intervals, back when heard again. */
static void
test_cluster_worker_info (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  g_autoptr(AssayClusterWorkerInfo) info = assay_cluster_worker_info_new ("w1");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 interval = ASSAY_CLUSTER_WORKER_INFO_INTERVAL_S * G_USEC_PER_SEC;
  guint n_done_notes = 0, n_gone_notes = 0, n_changed = 0;
  AssayStageSnapshot snap;

  for (guint i = 1; i <= 100; i++)
    {
      assay_metrics_started (metrics, ASSAY_STAGE_READ);
      assay_metrics_finished (metrics, ASSAY_STAGE_READ, i != 50, i);
    }
  assay_metrics_started (metrics, ASSAY_STAGE_EXTRACT);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "worker");
  json_builder_add_string_value (builder, "w1");
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, "node-3");
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "extract");
  json_builder_set_member_name (builder, "jobs");
  json_builder_add_int_value (builder, 4);
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, 99);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "stages");
  json_builder_add_value (builder, assay_metrics_to_json (metrics));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  g_signal_connect_swapped (info, "notify::done", G_CALLBACK (count_notify), &n_done_notes);
  g_signal_connect_swapped (info, "notify::gone", G_CALLBACK (count_notify), &n_gone_notes);
  g_signal_connect_swapped (info, "changed", G_CALLBACK (count_notify), &n_changed);

  g_assert_false (assay_cluster_worker_info_get_stage (info, ASSAY_STAGE_READ, &snap));
  g_assert_true (assay_cluster_worker_info_update (info, root, 1000 * interval, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (assay_cluster_worker_info_get_host (info), ==, "node-3");
  g_assert_cmpstr (assay_cluster_worker_info_get_role (info), ==, "extract");
  g_assert_cmpuint (assay_cluster_worker_info_get_slots (info), ==, 4);
  g_assert_cmpuint (assay_cluster_worker_info_get_in_flight (info), ==, 1);
  g_assert_cmpuint (assay_cluster_worker_info_get_done (info), ==, 99);
  g_assert_cmpuint (assay_cluster_worker_info_get_failed (info), ==, 1);
  g_assert_cmpint (assay_cluster_worker_info_get_last_seen (info), >, 0);
  g_assert_true (assay_cluster_worker_info_get_stage (info, ASSAY_STAGE_READ, &snap));
  g_assert_cmpuint (snap.done, ==, 99);
  g_assert_cmpuint (snap.failed, ==, 1);
  g_assert_cmpfloat_with_epsilon (snap.p50_ms, 50.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.p90_ms, 90.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (snap.p99_ms, 99.01, 1e-9);
  g_assert_cmpfloat (snap.max_ms, ==, 100);
  g_assert_false (assay_cluster_worker_info_get_stage (info, ASSAY_STAGE_EXTRACT, &snap));
  g_assert_cmpuint (snap.in_flight, ==, 1);
  g_assert_cmpuint (n_done_notes, ==, 1);
  g_assert_cmpuint (n_changed, ==, 1);

  /* The same again: nothing notified, "changed" emitted. */
  g_assert_true (assay_cluster_worker_info_update (info, root, 1001 * interval, NULL));
  g_assert_cmpuint (n_done_notes, ==, 1);
  g_assert_cmpuint (n_changed, ==, 2);

  /* Silent for three intervals: still there; past them, gone. */
  g_assert_false (assay_cluster_worker_info_check_gone (info, 1004 * interval));
  g_assert_true (assay_cluster_worker_info_check_gone (info, 1004 * interval + 1));
  g_assert_true (assay_cluster_worker_info_get_gone (info));
  g_assert_true (assay_cluster_worker_info_check_gone (info, 1005 * interval));
  g_assert_cmpuint (n_gone_notes, ==, 1);
  g_assert_cmpuint (n_changed, ==, 3);
  g_assert_true (assay_cluster_worker_info_update (info, root, 1006 * interval, NULL));
  g_assert_false (assay_cluster_worker_info_get_gone (info));
  g_assert_cmpuint (n_gone_notes, ==, 2);

  /* Another worker's figures, or none, are refused and change nothing. */
  json_object_set_string_member (json_node_get_object (root), "worker", "w2");
  g_assert_false (assay_cluster_worker_info_update (info, root, 1007 * interval, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  other = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (other, json_array_new ());
  g_assert_false (assay_cluster_worker_info_update (info, other, 1007 * interval, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (assay_cluster_worker_info_get_done (info), ==, 99);
  g_assert_cmpuint (n_changed, ==, 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/metrics/stage-names", test_stage_names);
  g_test_add_func ("/assay/metrics/counters", test_counters);
  g_test_add_func ("/assay/metrics/percentiles", test_percentiles);
  g_test_add_func ("/assay/metrics/reservoir", test_reservoir);
  g_test_add_func ("/assay/metrics/reservoir-deterministic", test_reservoir_deterministic);
  g_test_add_func ("/assay/metrics/to-json", test_to_json);
  g_test_add_func ("/assay/metrics/format-table", test_format_table);
  g_test_add_func ("/assay/metrics/cluster-worker-info", test_cluster_worker_info);

  return g_test_run ();
}
