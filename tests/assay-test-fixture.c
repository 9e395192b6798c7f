/* assay-test-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-fixture"

#include "config.h"

#include <glib/gstdio.h>

#include "assay-minhash.h"
#include "assay-offline-extractor.h"
#include "assay-test-fixture.h"

const char * const assay_test_report_pages[2] = {
  "Annual report 2023\nAcme Widgets Ltd\n\nRevenue 1,234.5\nNet income 210.3\n",
  "Operating costs 800.2\nTotal assets 5,600.0\nEmployees 42\n",
};

/**
 * assay_test_tmp_dir_new:
 * @name_template: as for g_dir_make_tmp(), ending in XXXXXX
 *
 * Returns: (transfer full): a new temporary folder (the test fails if it
 *   cannot be made)
 */
char *
assay_test_tmp_dir_new (const char *name_template)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (name_template, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/* Removes @path and, if it is a folder (not a link to one), all below it. */
void
assay_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          assay_test_remove_tree (child);
        }
    }
  g_remove (path);
}

/**
 * assay_test_offline_pipeline_new:
 * @store: (nullable): where results are kept (and read back); %NULL: none
 *
 * Returns: (transfer full): a pipeline with the offline extractor on @pool
 */
AssayPipeline *
assay_test_offline_pipeline_new (AssayWorkerPool *pool,
                                 AssayTemplate   *template_,
                                 AssayStore      *store)
{
  g_autoptr(AssayOfflineExtractor) extractor = assay_offline_extractor_new (pool);
  AssayPipeline *pipeline = assay_pipeline_new (pool, ASSAY_EXTRACTOR (extractor), template_);

  if (store != NULL)
    assay_pipeline_set_store (pipeline, store, TRUE);

  return pipeline;
}

static void
wait_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_assert_true (assay_pipeline_wait_finish (ASSAY_PIPELINE (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/**
 * assay_test_pipeline_wait_idle:
 *
 * Runs the main context until @pipeline has nothing left to do, at most
 * @limit_us microseconds.
 *
 * Returns: whether it came to rest in time
 */
gboolean
assay_test_pipeline_wait_idle (AssayPipeline *pipeline,
                               gint64         limit_us)
{
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + limit_us;

  assay_pipeline_wait_async (pipeline, NULL, wait_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return done;
}

/**
 * assay_test_pipeline_add_path:
 *
 * Adds @path as a file given on purpose; one that does not exist is added
 * as missing, the way the input scan reports it.
 *
 * Returns: (transfer none): the document
 */
AssayDocument *
assay_test_pipeline_add_path (AssayPipeline *pipeline,
                              const char    *path)
{
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      input->kind = ASSAY_INPUT_MISSING;
      input->reason = g_strdup ("No such file or folder");
    }

  return assay_pipeline_add (pipeline, input);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * assay_test_wait_until:
 * @what: what is waited for, for the failure's message
 *
 * Runs the main context until @done says so; fails the test after
 * @limit_s seconds. A timer wakes the context every 20 ms, so that @done
 * is asked again even when nothing else happens.
 */
void
assay_test_wait_until (AssayTestCondition  done,
                       gpointer            data,
                       guint               limit_s,
                       const char         *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) limit_s * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (20, wake, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %u s waiting for %s", limit_s, what);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake_id);
}

/* The text signature (assay-minhash.h, as a result's analysis holds it) of
 * the words "w<first>" … "w<first + n - 1>" with the last @changed of them
 * other words: documents alike to a known degree. */
char *
assay_test_signature_for_words (guint first,
                                guint n,
                                guint changed)
{
  g_autoptr(GString) text = g_string_new (NULL);
  AssayMinhash sig;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%u ", i >= n - changed ? "other" : "w", first + i);
  assay_minhash_init (&sig);
  assay_minhash_add_text (&sig, text->str, text->len);
  return assay_minhash_to_string (&sig);
}
