/* test-trace.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-trace"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "assay-trace.h"

static char *
make_trace_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

/* Parses @path and returns its "traceEvents" array (owned by @parser). */
static JsonArray *
load_events (JsonParser *parser,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "displayTimeUnit"), ==, "ms");
  g_assert_true (json_object_has_member (root, "traceEvents"));

  return json_object_get_array_member (root, "traceEvents");
}

static void
assert_metadata (JsonObject *event,
                 const char *name,
                 gint64      tid)
{
  g_assert_cmpstr (json_object_get_string_member (event, "ph"), ==, "M");
  g_assert_cmpstr (json_object_get_string_member (event, "name"), ==, name);
  g_assert_cmpint (json_object_get_int_member (event, "pid"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (event, "tid"), ==, tid);
}

static void
assert_span (JsonObject *event,
             const char *name,
             gint64      tid,
             gint64      ts,
             gint64      dur,
             const char *detail)
{
  JsonObject *args;

  g_assert_cmpstr (json_object_get_string_member (event, "ph"), ==, "X");
  g_assert_cmpstr (json_object_get_string_member (event, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (event, "cat"), ==, "stage");
  g_assert_cmpint (json_object_get_int_member (event, "pid"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (event, "tid"), ==, tid);
  g_assert_cmpint (json_object_get_int_member (event, "ts"), ==, ts);
  g_assert_cmpint (json_object_get_int_member (event, "dur"), ==, dur);

  args = json_object_get_object_member (event, "args");
  g_assert_nonnull (args);
  if (detail != NULL)
    g_assert_cmpstr (json_object_get_string_member (args, "detail"), ==, detail);
  else
    g_assert_false (json_object_has_member (args, "detail"));
}

static void
test_spans (void)
{
  g_autofree char *path = make_trace_path ("spans.json");
  g_autoptr(AssayTrace) trace = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *tricky_name = "Ré\"sumé\"\n\t\\ 季度报告 \x01.pdf";
  JsonArray *events;
  JsonObject *args;
  gint64 t0;

  /* Spans are placed relative to the trace's creation: take t0 just
   * before it, so ts = start - t0 - (a few µs of setup) ≤ start - t0. */
  t0 = g_get_monotonic_time ();
  trace = assay_trace_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);

  assay_trace_name_track (trace, 0, "a.pdf");
  assay_trace_name_track (trace, 1, tricky_name);
  assay_trace_span (trace, 0, "hash", t0 + 1000000, t0 + 1002500, NULL);
  assay_trace_span (trace, 1, "read", t0 + 2000000, t0 + 2040000, "14 pages\n“quoted”");
  assay_trace_span (trace, 0, "extract", t0 + 3000000, t0 + 3000007, tricky_name);
  /* Began before the trace: cut at 0. Ends before it begins: 0 long. */
  assay_trace_span (trace, 0, "store", t0 - 5000000, t0 + 4000000, "");
  assay_trace_span (trace, 2, "analyse", t0 + 6000000, t0 + 5000000, NULL);

  g_assert_true (assay_trace_close (trace, &error));
  g_assert_no_error (error);
  /* A second close is harmless. */
  g_assert_true (assay_trace_close (trace, &error));

  events = load_events (parser, path);
  g_assert_cmpuint (json_array_get_length (events), ==, 1 + 2 * 2 + 5);

  /* Metadata first, in call order, then the spans in the order they ended. */
  assert_metadata (json_array_get_object_element (events, 0), "process_name", 0);
  assert_metadata (json_array_get_object_element (events, 1), "thread_name", 1);
  args = json_object_get_object_member (json_array_get_object_element (events, 1), "args");
  g_assert_cmpstr (json_object_get_string_member (args, "name"), ==, "a.pdf");
  assert_metadata (json_array_get_object_element (events, 2), "thread_sort_index", 1);
  args = json_object_get_object_member (json_array_get_object_element (events, 2), "args");
  g_assert_cmpint (json_object_get_int_member (args, "sort_index"), ==, 0);
  assert_metadata (json_array_get_object_element (events, 3), "thread_name", 2);
  args = json_object_get_object_member (json_array_get_object_element (events, 3), "args");
  g_assert_cmpstr (json_object_get_string_member (args, "name"), ==, tricky_name);
  assert_metadata (json_array_get_object_element (events, 4), "thread_sort_index", 2);

  /* ts is at most a few milliseconds short of the offset from t0 (the
   * time assay_trace_new() took); check it within 100 ms, dur exactly. */
  {
    struct { const char *name; gint64 tid; gint64 offset; gint64 dur; const char *detail; } expected[] = {
      { "hash", 1, 1000000, 2500, NULL },
      { "read", 2, 2000000, 40000, "14 pages\n“quoted”" },
      { "extract", 1, 3000000, 7, tricky_name },
      { "store", 1, 0, -1, "" },
      { "analyse", 3, 6000000, 0, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        JsonObject *event = json_array_get_object_element (events, 5 + i);
        gint64 ts = json_object_get_int_member (event, "ts");
        gint64 dur = json_object_get_int_member (event, "dur");

        g_assert_cmpint (ts, <=, expected[i].offset);
        g_assert_cmpint (ts, >=, MAX (expected[i].offset - 100000, 0));
        if (expected[i].dur < 0)
          {
            /* The store span: from the trace's start to t0 + 4 s. */
            g_assert_cmpint (ts, ==, 0);
            g_assert_cmpint (dur, <=, 4000000);
            g_assert_cmpint (dur, >=, 4000000 - 100000);
            expected[i].dur = dur;
          }
        assert_span (event, expected[i].name, expected[i].tid, ts, expected[i].dur,
                     expected[i].detail);
      }
  }
}

static void
test_escaping_on_disk (void)
{
  g_autofree char *path = make_trace_path ("escape.json");
  g_autoptr(AssayTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  /* "bad\xff.pdf" is not UTF-8 (file names need not be). */
  const char invalid[] = "bad\xff.pdf";
  JsonArray *events;
  JsonObject *args;

  trace = assay_trace_new (path, &error);
  g_assert_no_error (error);
  assay_trace_name_track (trace, 0, invalid);
  assay_trace_span (trace, 0, "read", g_get_monotonic_time (), g_get_monotonic_time (),
                    "line 1\nline 2 \"q\"");
  g_assert_true (assay_trace_close (trace, &error));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_utf8_validate (contents, -1, NULL));
  /* Newlines and quotes are escaped, so each event stays on its line. */
  g_assert_nonnull (strstr (contents, "\"detail\":\"line 1\\nline 2 \\\"q\\\"\""));
  g_assert_true (g_str_has_prefix (contents, "{\"traceEvents\":[\n"));
  g_assert_true (g_str_has_suffix (contents, "\"displayTimeUnit\":\"ms\"}\n"));

  events = load_events (parser, path);
  args = json_object_get_object_member (json_array_get_object_element (events, 1), "args");
  g_assert_cmpstr (json_object_get_string_member (args, "name"), ==, "bad\xef\xbf\xbd.pdf");
}

static void
test_free_without_close (void)
{
  g_autofree char *path = make_trace_path ("unclosed.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  AssayTrace *trace;
  JsonArray *events;

  trace = assay_trace_new (path, &error);
  g_assert_no_error (error);
  assay_trace_span (trace, 4, "read", g_get_monotonic_time (), g_get_monotonic_time () + 10, NULL);
  assay_trace_free (trace);

  events = load_events (parser, path);
  g_assert_cmpuint (json_array_get_length (events), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (events, 1), "tid"),
                   ==, 5);
}

static void
test_empty (void)
{
  g_autofree char *path = make_trace_path ("empty.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTrace) trace = assay_trace_new (path, &error);
  JsonArray *events;

  g_assert_no_error (error);
  g_assert_true (assay_trace_close (trace, &error));

  events = load_events (parser, path);
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  assert_metadata (json_array_get_object_element (events, 0), "process_name", 0);
}

static void
test_many (void)
{
  g_autofree char *path = make_trace_path ("many.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTrace) trace = assay_trace_new (path, &error);
  gint64 now = g_get_monotonic_time ();
  JsonArray *events;

  g_assert_no_error (error);
  for (guint i = 0; i < 20000; i++)
    assay_trace_span (trace, i % 7, "extract", now + i, now + i + 3, "x");
  g_assert_true (assay_trace_close (trace, &error));

  events = load_events (parser, path);
  g_assert_cmpuint (json_array_get_length (events), ==, 20001);
  for (guint i = 0; i < 20000; i++)
    {
      JsonObject *event = json_array_get_object_element (events, i + 1);
      g_assert_cmpint (json_object_get_int_member (event, "tid"), ==, i % 7 + 1);
      g_assert_cmpint (json_object_get_int_member (event, "dur"), ==, 3);
    }
}

static void
test_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTrace) trace = assay_trace_new ("/nonexistent/folder/trace.json", &error);

  g_assert_null (trace);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/folder/trace.json"));
}

static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTrace) trace = NULL;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("/dev/full is not available");
      return;
    }

  trace = assay_trace_new ("/dev/full", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    assay_trace_span (trace, 0, "read", 0, 10, "detail");

  g_assert_false (assay_trace_close (trace, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/trace/spans", test_spans);
  g_test_add_func ("/assay/trace/escaping-on-disk", test_escaping_on_disk);
  g_test_add_func ("/assay/trace/free-without-close", test_free_without_close);
  g_test_add_func ("/assay/trace/empty", test_empty);
  g_test_add_func ("/assay/trace/many", test_many);
  g_test_add_func ("/assay/trace/unwritable", test_unwritable);
  g_test_add_func ("/assay/trace/disk-full", test_disk_full);

  return g_test_run ();
}
