/* test-ui-parts.c — the window's parts that need no display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The paced list model (what the list view sees of the pipeline's list)
 * and the main-loop latency probe.
 */
#define G_LOG_DOMAIN "test-ui-parts"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-latency-probe.h"
#include "assay-paced-list-model.h"

typedef struct
{
  guint n_changes;
  guint max_added;
} Changes;

static void
count_change (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              Changes    *changes)
{
  changes->n_changes++;
  changes->max_added = MAX (changes->max_added, added);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_until_shown (AssayPacedListModel *model,
                     guint                limit_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) limit_s * G_USEC_PER_SEC;
  guint id = g_timeout_add (5, wake, NULL);

  while (assay_paced_list_model_get_n_pending (model) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
}

static void
append_strings (GListStore *store,
                guint       n)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *s = g_strdup_printf ("item %u", g_list_model_get_n_items (G_LIST_MODEL (store)) + i);

      g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
      g_object_set_data_full (g_ptr_array_index (items, i), "name", g_steal_pointer (&s), g_free);
    }
  g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0, items->pdata, items->len);
}

static void
test_paced_model (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(AssayPacedListModel) paced = assay_paced_list_model_new (G_LIST_MODEL (store), 20, 200);
  GListModel *model = G_LIST_MODEL (paced);
  Changes changes = { 0 };
  g_autoptr(GObject) item = NULL;

  g_signal_connect (paced, "items-changed", G_CALLBACK (count_change), &changes);

  /* One item shows at once. */
  append_strings (store, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* Ten thousand at once: twenty at a time up to 200, then the rest in one. */
  append_strings (store, 9999);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 21);
  iterate_until_shown (paced, 10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10000);
  g_assert_cmpuint (changes.n_changes, ==, 1 + 10 + 1);
  g_assert_cmpuint (changes.max_added, ==, 10000 - 201);

  item = g_list_model_get_item (model, 9999);
  g_assert_nonnull (item);
  {
    g_autoptr(GObject) same = g_list_model_get_item (G_LIST_MODEL (store), 9999);

    g_assert_true (item == same);
  }
  g_assert_null (g_list_model_get_item (model, 10000));

  /* Removals and insertions inside what is shown pass through at once. */
  g_list_store_remove (store, 5);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 9999);
  g_list_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (assay_paced_list_model_get_n_pending (paced), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&paced));
}

/* Paused (the view is hidden), nothing new comes in and no step runs;
 * changes inside what is shown still pass; unpaused, the items come in
 * paced again, the first step at once; show_all() lets all in at once. */
static void
test_paced_model_paused (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(AssayPacedListModel) paced = assay_paced_list_model_new (G_LIST_MODEL (store), 20, 200);
  GListModel *model = G_LIST_MODEL (paced);
  Changes changes = { 0 };
  gint64 until;

  append_strings (store, 10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_signal_connect (paced, "items-changed", G_CALLBACK (count_change), &changes);

  assay_paced_list_model_set_paused (paced, TRUE);
  g_assert_true (assay_paced_list_model_get_paused (paced));
  append_strings (store, 90);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_assert_cmpuint (assay_paced_list_model_get_n_pending (paced), ==, 90);
  /* Its steps would have shown them all by now. */
  until = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_assert_cmpuint (changes.n_changes, ==, 0);

  /* Inside what is shown: at once, paused or not. */
  g_list_store_remove (store, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 9);
  g_assert_cmpuint (changes.n_changes, ==, 1);

  assay_paced_list_model_set_paused (paced, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 29);
  iterate_until_shown (paced, 10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 99);
  g_assert_cmpuint (changes.max_added, ==, 20);

  assay_paced_list_model_set_paused (paced, TRUE);
  append_strings (store, 500);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 99);
  assay_paced_list_model_show_all (paced);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 599);
  g_assert_cmpuint (assay_paced_list_model_get_n_pending (paced), ==, 0);
  g_assert_cmpuint (changes.max_added, ==, 500);

  g_assert_finalize_object (g_steal_pointer (&paced));
}

static gboolean
block_main_loop (gpointer data)
{
  g_usleep (60 * 1000);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_latency_probe (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(AssayLatencyProbe) probe = assay_latency_probe_new (10);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = g_dir_make_tmp ("assay-probe-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "probe.json", NULL);
  JsonObject *summary;
  double p50, p99, max;

  /* A 60 ms stall half-way through half a second. */
  g_timeout_add (250, block_main_loop, NULL);
  g_timeout_add (500, quit_loop, loop);
  g_main_loop_run (loop);
  assay_latency_probe_stop (probe);

  g_assert_cmpuint (assay_latency_probe_get_n_samples (probe), >=, 20);
  assay_latency_probe_summarize (probe, &p50, &p99, &max);
  g_assert_cmpfloat (max, >=, 40.0);
  g_assert_cmpfloat (p50, <, max);
  g_assert_cmpfloat (p99, <=, max);

  g_assert_true (assay_latency_probe_write (probe, path, &error));
  g_assert_no_error (error);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (summary, "samples"), ==,
                   assay_latency_probe_get_n_samples (probe));
  g_assert_cmpfloat (json_object_get_double_member (summary, "max_ms"), ==, max);
  g_assert_cmpfloat (json_object_get_double_member (summary, "p99_ms"), ==, p99);
  g_assert_cmpfloat (json_object_get_double_member (summary, "p50_ms"), ==, p50);
  /* No frames marked: no frame figures. */
  g_assert_false (json_object_has_member (summary, "frames"));

  g_remove (path);
  g_rmdir (dir);
}

/* Frames marked by the frame clock's phases: counted, timed, the ones that
 * laid the window out counted apart; every sample and frame written. */
static void
test_latency_probe_frames (void)
{
  g_autoptr(AssayLatencyProbe) probe = assay_latency_probe_new (10);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = g_dir_make_tmp ("assay-probe-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "probe.json", NULL);
  g_autofree char *samples_path = g_build_filename (dir, "samples", NULL);
  g_autofree char *samples = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *summary;
  guint n_frame_lines = 0;

  /* Three frames: 0, 20 and 0 ms of work, the second a layout; a second
   * start inside a frame (a later phase) does not restart it. */
  for (guint i = 0; i < 3; i++)
    {
      assay_latency_probe_frame_started (probe);
      if (i == 1)
        {
          g_usleep (20 * 1000);
          assay_latency_probe_frame_started (probe);
          assay_latency_probe_frame_resized (probe);
        }
      assay_latency_probe_frame_ended (probe);
    }
  /* An end without a start is not a frame. */
  assay_latency_probe_frame_ended (probe);
  g_assert_cmpuint (assay_latency_probe_get_n_frames (probe), ==, 3);

  g_assert_true (assay_latency_probe_write (probe, path, &error));
  g_assert_no_error (error);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (summary, "frames"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (summary, "frames_resized"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (summary, "frame_max_ms"), >=, 19.0);
  g_assert_cmpfloat (json_object_get_double_member (summary, "frame_p99_ms"), >=, 19.0);

  g_assert_true (assay_latency_probe_write_samples (probe, samples_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (samples_path, &samples, NULL, &error));
  lines = g_strsplit (samples, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "f "))
      {
        g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);

        g_assert_cmpuint (g_strv_length (fields), ==, 5);
        g_assert_cmpstr (fields[4], ==, n_frame_lines == 1 ? "1" : "0");
        if (n_frame_lines == 1)
          g_assert_cmpint (g_ascii_strtoll (fields[2], NULL, 10), >=, 19 * 1000);
        n_frame_lines++;
      }
  g_assert_cmpuint (n_frame_lines, ==, 3);

  g_remove (samples_path);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/ui/paced-model", test_paced_model);
  g_test_add_func ("/assay/ui/paced-model/paused", test_paced_model_paused);
  g_test_add_func ("/assay/ui/latency-probe", test_latency_probe);
  g_test_add_func ("/assay/ui/latency-probe/frames", test_latency_probe_frames);

  return g_test_run ();
}
