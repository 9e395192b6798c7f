/* cluster-worker-info.c — what a worker's figures cost the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parses a worker's metrics message (as assay_cluster_worker_dup_metrics_json()
 * makes it, all six stages) 20,000 times, as libnats' thread does, then
 * updates an AssayClusterWorkerInfo with it 20,000 times, as the main
 * thread does; prints the thread CPU time of each per message. Build and
 * run: see docs/benchmarks.md.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assay-cluster-worker-info.h"

#define N_MESSAGES 20000

static double
cpu_ms (void)
{
  struct timespec t;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main (void)
{
  g_autoptr(AssayMetrics) metrics = assay_metrics_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AssayClusterWorkerInfo) info = assay_cluster_worker_info_new ("w1");
  g_autofree char *text = NULL;
  double t0, t1, t2;

  for (guint s = 0; s < ASSAY_N_STAGES; s++)
    for (guint i = 0; i < 1000; i++)
      {
        assay_metrics_started (metrics, s);
        assay_metrics_finished (metrics, s, TRUE, i);
      }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "worker");
  json_builder_add_string_value (builder, "w1");
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, "node-1");
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "all");
  json_builder_set_member_name (builder, "jobs");
  json_builder_add_int_value (builder, 2);
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, 1000);
  json_builder_set_member_name (builder, "stages");
  json_builder_add_value (builder, assay_metrics_to_json (metrics));
  json_builder_end_object (builder);
  message = json_builder_get_root (builder);
  text = json_to_string (message, FALSE);
  printf ("message: %zu bytes\n", strlen (text));

  t0 = cpu_ms ();
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      json_parser_load_from_data (parser, text, -1, NULL);
      g_clear_pointer (&root, json_node_unref);
      root = json_node_ref (json_parser_get_root (parser));
    }
  t1 = cpu_ms ();
  for (guint i = 0; i < N_MESSAGES; i++)
    assay_cluster_worker_info_update (info, root, i, NULL);
  t2 = cpu_ms ();

  printf ("parse (libnats thread): %.2f us/message; update (main thread): %.2f us/message\n",
          (t1 - t0) * 1e3 / N_MESSAGES, (t2 - t1) * 1e3 / N_MESSAGES);

  return 0;
}
