/* test-robustness.c — real-world, broken and hostile PDFs through `assay --headless`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs over ../shared/corpus/pdfjs (510 files from pdf.js's test suite, none
 * written here) when it is present; a user's machine does not have it, so
 * the test is skipped when it is absent. Every file must end done, failed
 * with a message, needs-password, a duplicate, or skipped as not a PDF —
 * no crash, no hang, no runaway memory.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#define RUN_LIMIT_SECONDS 1500

static char *
corpus_dir (void)
{
  const char *base = g_getenv ("ASSAY_CORPUS_DIR");

  if (base == NULL)
    return NULL;

  return g_build_filename (base, "pdfjs", NULL);
}

static gboolean
kill_after_limit (gpointer user_data)
{
  g_subprocess_force_exit (user_data);
  g_error ("assay ran for more than %d s over the corpus", RUN_LIMIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;

  return n;
}

static double
peak_memory_mib (const char *stats)
{
  const char *line = strstr (stats, "peak memory");
  const char *colon;

  g_assert_nonnull (line);
  colon = strchr (line, ':');
  g_assert_nonnull (colon);

  return g_ascii_strtod (colon + 1, NULL);
}

static void
test_corpus (void)
{
  g_autofree char *dir = corpus_dir ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *run;
  JsonArray *documents;
  JsonArray *skipped;
  guint n_by_status[5] = { 0 };
  const char *statuses[] = { "done", "failed", "needs-password", "duplicate", NULL };
  guint limit;
  gint64 start;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the pdf.js corpus (../shared/corpus/pdfjs) is not here");
      return;
    }

  start = g_get_monotonic_time ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("ASSAY_BINARY"),
                              "--headless", "--no-cache", "--stats", "--jobs", "2", dir, NULL);
  g_assert_no_error (error);

  limit = g_timeout_add_seconds (RUN_LIMIT_SECONDS, kill_after_limit, process);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_source_remove (limit);
  g_assert_no_error (error);

  /* It finished by itself: no crash. 1 because some files are broken. */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  run = json_node_get_object (json_parser_get_root (parser));
  documents = json_object_get_array_member (run, "documents");
  skipped = json_object_get_array_member (run, "skipped");

  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      JsonObject *document = json_array_get_object_element (documents, i);
      const char *status = json_object_get_string_member (document, "status");
      const char *path = json_object_get_string_member (json_object_get_object_member (document, "source"), "path");
      gboolean known = FALSE;

      for (guint s = 0; statuses[s] != NULL; s++)
        if (g_str_equal (status, statuses[s]))
          {
            n_by_status[s]++;
            known = TRUE;
          }
      if (!known)
        g_error ("%s ended as “%s”", path, status);

      if (!g_str_equal (status, "done") && !g_str_equal (status, "duplicate"))
        {
          JsonObject *doc_error = json_object_get_object_member (document, "error");
          const char *message = json_object_get_string_member (doc_error, "message");

          /* A sentence for a person, not an empty string or a code. */
          g_assert_cmpuint (strlen (message), >=, 15);
        }

      g_hash_table_add (seen, g_strdup (path));
    }

  for (guint i = 0; i < json_array_get_length (skipped); i++)
    g_hash_table_add (seen, g_strdup (json_object_get_string_member (json_array_get_object_element (skipped, i), "path")));

  /* Every file is accounted for. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, count_files (dir));

  /* Most real-world files can be read. */
  g_assert_cmpuint (n_by_status[0], >, json_array_get_length (documents) / 2);

  /* Readers run in processes of their own with a memory cap; the batch
   * itself must stay modest whatever the files hold. */
  g_assert_cmpfloat (peak_memory_mib (err), <, 1024.0);

  g_test_message ("%u files: %u done, %u failed, %u need a password, %u duplicates, %u skipped; %.1f s",
                  count_files (dir), n_by_status[0], n_by_status[1], n_by_status[2],
                  n_by_status[3], json_array_get_length (skipped),
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/robustness/pdfjs-corpus", test_corpus);

  return g_test_run ();
}
