/* test-session.c — the window's documents from one start to the next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "assay-offline-extractor.h"
#include "assay-session.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)

typedef struct
{
  char            *dir;
  char            *session_path;
  AssayWorkerPool *pool;
  AssayTemplate   *template_;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = assay_test_tmp_dir_new ("assay-session-XXXXXX");
  fixture->session_path = g_build_filename (fixture->dir, "state", "session.json", NULL);
  fixture->pool = assay_worker_pool_new (2);
  fixture->template_ = assay_template_lookup ("general");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  assay_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->session_path);
  assay_template_unref (fixture->template_);
  g_object_unref (fixture->pool);
}

static AssayPipeline *
new_pipeline (Fixture *fixture)
{
  return assay_test_offline_pipeline_new (fixture->pool, fixture->template_, NULL);
}

static void
run_until_idle (AssayPipeline *pipeline)
{
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, WAIT_LIMIT_US));
}

static void
wait_for_saves (AssaySession *session,
                guint         n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (assay_session_get_n_saves (session) < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (assay_session_get_n_saves (session), >=, n);
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);

  return *slot;
}

static GPtrArray *
restore (Fixture  *fixture,
         GError  **error)
{
  g_autoptr(AssaySession) session = assay_session_new (fixture->pool, fixture->session_path);
  g_autoptr(GAsyncResult) result = NULL;

  assay_session_restore_async (session, NULL, got_result, &result);
  return assay_session_restore_finish (session, wait_result (&result), error);
}

static void
close_session (AssaySession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  assay_session_close_async (session, NULL, got_result, &result);
  g_assert_true (assay_session_close_finish (session, wait_result (&result), &error));
  g_assert_no_error (error);
}

static gboolean
has_tmp_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_equal (name, "session.json"))
      return TRUE;

  return FALSE;
}

/* ------------------------------------------------------------------------ */

static void
test_default_path (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(AssaySession) session = assay_session_new (fixture->pool, NULL);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "assay", "session.json", NULL);

  g_assert_cmpstr (assay_session_get_path (session), ==, expected);
}

static void
test_no_session (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = g_path_get_dirname (fixture->session_path);

  restored = restore (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (restored->len, ==, 0);

  /* Not a session: said so, not guessed at. */
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->session_path, "{\"documents\": [", -1, NULL));
  g_clear_pointer (&restored, g_ptr_array_unref);
  restored = restore (fixture, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (restored);
}

/* Saved a little after changes, once for many; restored as it was: done
 * and failed documents without hashing or reading. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *pages[] = { "Annual report 2023\nAcme Widgets Ltd\n\nRevenue 1,234.5\nNet income 210.3\n" };
  g_autofree char *store_dir = g_build_filename (fixture->dir, "store", NULL);
  g_autoptr(AssayStore) store = assay_store_new (store_dir);
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  g_autoptr(AssaySession) session = assay_session_new (fixture->pool, fixture->session_path);
  g_autofree char *report = assay_test_pdf_write_temp (fixture->dir, "report.pdf", pages, 1);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pdf", NULL);
  g_autofree char *state_dir = g_path_get_dirname (fixture->session_path);
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;
  AssayDocument *done;
  guint saves;

  assay_pipeline_set_store (pipeline, store, TRUE);
  assay_session_watch (session, pipeline);

  done = assay_test_pipeline_add_path (pipeline, report);
  for (guint i = 0; i < 20; i++)
    assay_test_pipeline_add_path (pipeline, missing);
  run_until_idle (pipeline);
  if (assay_document_get_state (done) != ASSAY_DOCUMENT_DONE)
    g_error ("%s", assay_document_get_error_message (done));

  /* Many changes, one save (they all came within the delay). */
  wait_for_saves (session, 1);
  saves = assay_session_get_n_saves (session);
  g_assert_cmpuint (saves, <=, 2);
  g_assert_false (has_tmp_files (state_dir));
  close_session (session);

  restored = restore (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (restored->len, ==, 21);

  {
    AssayRestoredDocument *first = g_ptr_array_index (restored, 0);
    AssayRestoredDocument *second = g_ptr_array_index (restored, 1);

    g_assert_cmpstr (first->path, ==, report);
    g_assert_cmpint (first->state, ==, ASSAY_DOCUMENT_DONE);
    g_assert_cmpstr (first->sha256, ==, assay_document_get_sha256 (done));
    g_assert_cmpstr (first->template_key, ==, assay_document_get_template_key (done));
    g_assert_cmpstr (first->extractor_id, ==, assay_document_get_extractor_id (done));
    g_assert_cmpuint (first->n_figures, ==, assay_document_get_n_figures (done));
    g_assert_cmpuint (first->n_verified, ==, assay_document_get_n_verified (done));
    g_assert_cmpuint (first->n_pages, ==, 1);
    g_assert_cmpint (second->state, ==, ASSAY_DOCUMENT_FAILED);
    g_assert_cmpint (second->error_stage, ==, ASSAY_STAGE_READ);
    g_assert_cmpstr (second->error_message, ==, "No such file or folder");
  }

  /* Into a new pipeline: nothing hashed, and the done one's result is in
   * the store under what the document says. */
  {
    g_autoptr(AssayPipeline) next = new_pipeline (fixture);
    g_autoptr(AssayDocument) document = NULL;
    g_autoptr(JsonNode) result = NULL;
    g_autofree char *key = NULL;
    AssayStageSnapshot hash_stage;

    assay_pipeline_set_store (next, store, TRUE);
    assay_pipeline_add_restored (next, restored);
    g_assert_cmpuint (assay_pipeline_get_n_unfinished (next), ==, 0);
    g_assert_cmpuint (assay_pipeline_get_n_in_state (next, ASSAY_DOCUMENT_DONE), ==, 1);
    g_assert_cmpuint (assay_pipeline_get_n_in_state (next, ASSAY_DOCUMENT_FAILED), ==, 20);
    assay_metrics_snapshot (assay_pipeline_get_metrics (next), ASSAY_STAGE_HASH, &hash_stage);
    g_assert_cmpuint (hash_stage.done + hash_stage.failed + hash_stage.in_flight + hash_stage.queued, ==, 0);

    document = g_list_model_get_item (assay_pipeline_get_documents (next), 0);
    key = assay_store_dup_key (assay_pipeline_get_store (next),
                               assay_document_get_sha256 (document),
                               assay_document_get_template_key (document),
                               assay_document_get_extractor_id (document));
    result = assay_store_load (store, key, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (result);
  }
}

/* Documents at work when the window closes are queued again next time. */
static void
test_in_flight_requeued (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  g_autoptr(AssaySession) session = assay_session_new (fixture->pool, fixture->session_path);
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  AssayDocument *document;

  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (pages, g_strdup_printf ("Page %u\nValue %u.%02u\n", i + 1, i * 13, i % 100));
  big = assay_test_pdf_write_temp (fixture->dir, "big.pdf", (const char * const *) pages->pdata, pages->len);

  assay_session_watch (session, pipeline);
  document = assay_test_pipeline_add_path (pipeline, big);
  while (assay_document_get_state (document) != ASSAY_DOCUMENT_READING &&
         !assay_document_is_finished (document) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_READING);

  /* On quit: the session first, then the pipeline. */
  close_session (session);
  assay_pipeline_shutdown (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_CANCELLED);
  run_until_idle (pipeline);

  restored = restore (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (restored->len, ==, 1);
  g_assert_cmpint (((AssayRestoredDocument *) g_ptr_array_index (restored, 0))->state, ==,
                   ASSAY_DOCUMENT_QUEUED);

  {
    g_autoptr(AssayPipeline) next = new_pipeline (fixture);
    g_autoptr(AssayDocument) again = NULL;

    assay_pipeline_add_restored (next, restored);
    g_assert_cmpuint (assay_pipeline_get_n_unfinished (next), ==, 1);
    run_until_idle (next);
    again = g_list_model_get_item (assay_pipeline_get_documents (next), 0);
    g_assert_cmpint (assay_document_get_state (again), ==, ASSAY_DOCUMENT_DONE);
    g_assert_cmpuint (assay_document_get_n_pages (again), ==, 400);
  }
}

/* 10,000 documents of a previous session: what the main thread spends on
 * them (see docs/benchmarks.md and bench/session-restore.sh). */
static void
test_ten_thousand (Fixture       *fixture,
                   gconstpointer  data)
{
  /* The target is for an optimised build; the sanitizer build is -O0 with
   * AddressSanitizer's allocator, some forty times slower (more on a busy
   * machine): there a fifth of the documents, and a bound that only
   * catches a cost growing faster than the documents. */
#if !defined(__OPTIMIZE__) || defined(__SANITIZE_ADDRESS__)
  const guint n = 2000;
  const double limit_ms = 10000;
#else
  const guint n = 10000;
  const double limit_ms = 500;
#endif
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  double snapshot_ms, write_ms, finish_ms, add_ms, total_ms;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      AssayRestoredDocument *entry = g_new0 (AssayRestoredDocument, 1);

      entry->path = g_strdup_printf ("/home/ana/reports/%04u/report-%05u.pdf", i / 100, i);
      entry->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, entry->path, -1);
      entry->state = i % 50 == 0 ? ASSAY_DOCUMENT_FAILED : ASSAY_DOCUMENT_DONE;
      entry->template_key = g_strdup ("general-0123456789abcdef");
      entry->extractor_id = g_strdup ("offline-1.a2");
      entry->size = 100000 + i;
      entry->n_pages = 1 + i % 40;
      entry->n_figures = i % 30;
      entry->n_verified = i % 25;
      entry->title = g_strdup_printf ("Quarterly report %u", i);
      if (entry->state == ASSAY_DOCUMENT_FAILED)
        entry->error_message = g_strdup ("The file is damaged");
      g_ptr_array_add (made, entry);
    }

  /* Save them. */
  {
    g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
    g_autoptr(AssaySession) session = assay_session_new (fixture->pool, fixture->session_path);

    g_autoptr(GAsyncResult) closed = NULL;

    assay_pipeline_add_restored (pipeline, made);
    assay_session_watch (session, pipeline);
    /* The main thread's part: the snapshot; the JSON is made and written
     * on the pool. */
    start = g_get_monotonic_time ();
    assay_session_close_async (session, NULL, got_result, &closed);
    snapshot_ms = (g_get_monotonic_time () - start) / 1000.0;
    g_assert_true (assay_session_close_finish (session, wait_result (&closed), &error));
    g_assert_no_error (error);
    write_ms = (g_get_monotonic_time () - start) / 1000.0;
  }

  /* Restore them: the main thread's part is the finish and the adding. */
  {
    g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
    g_autoptr(AssaySession) session = assay_session_new (fixture->pool, fixture->session_path);

    assay_session_restore_async (session, NULL, got_result, &result);
    wait_result (&result);
    start = g_get_monotonic_time ();
    restored = assay_session_restore_finish (session, result, &error);
    finish_ms = (g_get_monotonic_time () - start) / 1000.0;
    g_assert_no_error (error);
    g_assert_cmpuint (restored->len, ==, n);

    start = g_get_monotonic_time ();
    assay_pipeline_add_restored (pipeline, restored);
    add_ms = (g_get_monotonic_time () - start) / 1000.0;

    g_assert_cmpuint (assay_pipeline_get_n_documents (pipeline), ==, n);
    g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE), ==, n - n / 50);
    g_assert_cmpuint (assay_pipeline_get_n_unfinished (pipeline), ==, 0);

    /* An autosave of them all, taken in chunks across main-loop
     * iterations, has every one. */
    {
      g_autoptr(AssayDocument) first = g_list_model_get_item (assay_pipeline_get_documents (pipeline), 0);
      g_autoptr(GPtrArray) saved = NULL;

      assay_session_watch (session, pipeline);
      assay_pipeline_remove (pipeline, first);
      wait_for_saves (session, 1);
      saved = restore (fixture, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (saved->len, ==, n - 1);
      g_assert_cmpstr (((AssayRestoredDocument *) g_ptr_array_index (saved, n - 2))->path, ==,
                       ((AssayRestoredDocument *) g_ptr_array_index (restored, n - 1))->path);
    }

    /* Dropping them all is quick too (no per-document walk of the list). */
    start = g_get_monotonic_time ();
    assay_pipeline_clear_finished (pipeline);
    g_test_message ("clear_finished of %u: %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
    g_assert_cmpuint (assay_pipeline_get_n_documents (pipeline), ==, 0);
  }

  total_ms = finish_ms + add_ms;
  g_test_message ("%u documents: save %.1f ms on the main thread (snapshot), %.1f ms "
                  "until written; restore %.1f ms on the main thread (finish %.1f, add %.1f)",
                  n, snapshot_ms, write_ms, total_ms, finish_ms, add_ms);
  if (g_getenv ("ASSAY_BENCH") != NULL)
    g_printerr ("session n=%u save_main_ms=%.1f save_written_ms=%.1f restore_main_ms=%.1f "
                "finish_ms=%.1f add_ms=%.1f\n",
                n, snapshot_ms, write_ms, total_ms, finish_ms, add_ms);
  g_assert_cmpfloat (total_ms, <, limit_ms);
  g_assert_cmpfloat (snapshot_ms, <, limit_ms);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/assay/session/default-path", test_default_path);
  ADD ("/assay/session/no-session", test_no_session);
  ADD ("/assay/session/round-trip", test_round_trip);
  ADD ("/assay/session/in-flight-requeued", test_in_flight_requeued);
  ADD ("/assay/session/ten-thousand", test_ten_thousand);

#undef ADD

  return g_test_run ();
}
