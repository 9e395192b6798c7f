/* test-pipeline.c — documents through the whole pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "assay-offline-extractor.h"
#include "assay-pipeline.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)

/* ------------------------------------------------------------------------ */
/* A slow extractor: answers after a delay on the main loop, like a model.    */

#define TEST_TYPE_SLOW_EXTRACTOR (test_slow_extractor_get_type ())
G_DECLARE_FINAL_TYPE (TestSlowExtractor, test_slow_extractor, TEST, SLOW_EXTRACTOR, GObject)

struct _TestSlowExtractor
{
  GObject parent_instance;
  guint   delay_ms;
  guint   waiting_ms;   /* tells the request it waits this long for a rate limit */
  guint   in_flight;
  guint   max_in_flight;
  guint   calls;
};

static void test_slow_extractor_iface_init (AssayExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSlowExtractor, test_slow_extractor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_EXTRACTOR,
                                                      test_slow_extractor_iface_init))

static char *
slow_dup_id (AssayExtractor *extractor)
{
  return g_strdup ("test-slow");
}

static gboolean
slow_answer (gpointer user_data)
{
  GTask *task = user_data;
  TestSlowExtractor *self = g_task_get_source_object (task);
  AssayExtraction *extraction;

  self->in_flight--;
  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  extraction = assay_extraction_new ("offline", g_task_get_task_data (task));
  g_task_return_pointer (task, extraction, (GDestroyNotify) assay_extraction_free);

  return G_SOURCE_REMOVE;
}

static void
slow_extract_async (AssayExtractor            *extractor,
                    const AssayExtractRequest *request,
                    GCancellable              *cancellable,
                    GAsyncReadyCallback        callback,
                    gpointer                   user_data)
{
  TestSlowExtractor *self = TEST_SLOW_EXTRACTOR (extractor);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, g_strdup (assay_template_get_name (request->template_)), g_free);
  self->calls++;
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  if (self->waiting_ms > 0 && request->waiting != NULL)
    request->waiting (request->progress_data,
                      g_get_monotonic_time () + (gint64) self->waiting_ms * 1000);
  g_timeout_add_full (G_PRIORITY_DEFAULT, self->delay_ms, slow_answer, task, g_object_unref);
}

static AssayExtraction *
slow_extract_finish (AssayExtractor  *extractor,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_slow_extractor_iface_init (AssayExtractorInterface *iface)
{
  iface->dup_id = slow_dup_id;
  iface->extract_async = slow_extract_async;
  iface->extract_finish = slow_extract_finish;
}

static void
test_slow_extractor_class_init (TestSlowExtractorClass *klass)
{
}

static void
test_slow_extractor_init (TestSlowExtractor *self)
{
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  char            *dir;
  AssayWorkerPool *pool;
  AssayTemplate   *template_;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("assay-pipeline-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->pool = assay_worker_pool_new (2);
  fixture->template_ = assay_template_lookup ("general");
  g_assert_nonnull (fixture->template_);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  assay_template_unref (fixture->template_);
  /* Workers may still be letting go of finished tasks: no finalize check. */
  g_object_unref (fixture->pool);
}

static const char *report_pages[] = {
  "Annual report 2023\nAcme Widgets Ltd\n\nRevenue 1,234.5\nNet income 210.3\n",
  "Operating costs 800.2\nTotal assets 5,600.0\nEmployees 42\n",
};

static char *
write_report (Fixture    *fixture,
              const char *name,
              const char *extra)
{
  const char *pages[3] = { report_pages[0], report_pages[1], extra };

  return assay_test_pdf_write_temp (fixture->dir, name, pages, extra ? 3 : 2);
}

static char *
write_long_pdf (Fixture    *fixture,
                const char *name,
                guint       n_pages)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_pages; i++)
    g_ptr_array_add (pages, g_strdup_printf ("Page %u\nValue %u.%02u\nMore text here %u\n",
                                             i + 1, i * 13, i % 100, i * 7));

  return assay_test_pdf_write_temp (fixture->dir, name,
                                    (const char * const *) pages->pdata, n_pages);
}

static void
wait_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (assay_pipeline_wait_finish (ASSAY_PIPELINE (object), result, NULL));
  *done = TRUE;
}

static void
run_until_idle (AssayPipeline *pipeline)
{
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  assay_pipeline_wait_async (pipeline, NULL, wait_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (done);
  g_assert_cmpuint (assay_pipeline_get_n_unfinished (pipeline), ==, 0);
}

static AssayDocument *
add_path (AssayPipeline *pipeline,
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

static AssayPipeline *
new_offline_pipeline (Fixture *fixture)
{
  g_autoptr(AssayOfflineExtractor) extractor = assay_offline_extractor_new (fixture->pool);

  return assay_pipeline_new (fixture->pool, ASSAY_EXTRACTOR (extractor), fixture->template_);
}

static JsonObject *
result_object (AssayDocument *document)
{
  JsonNode *result = assay_document_get_result (document);

  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));

  return json_node_get_object (result);
}

/* ------------------------------------------------------------------------ */

static void
test_done (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  g_autofree char *b = write_report (fixture, "b.pdf", "Appendix\nRevenue 1,234.5\n");
  AssayDocument *doc_a = add_path (pipeline, a);
  AssayDocument *doc_b = add_path (pipeline, b);
  JsonObject *object;
  JsonObject *source;
  AssayStageSnapshot read_stage;

  run_until_idle (pipeline);

  g_assert_cmpint (assay_document_get_state (doc_a), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (doc_b), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpuint (assay_document_get_n_pages (doc_a), ==, 2);
  g_assert_cmpuint (assay_document_get_n_pages (doc_b), ==, 3);
  g_assert_cmpfloat (assay_document_get_progress (doc_a), ==, 1.0);
  g_assert_cmpuint (strlen (assay_document_get_sha256 (doc_a)), ==, 64);

  object = result_object (doc_b);
  g_assert_cmpstr (json_object_get_string_member (object, "result_version"), ==, "assay-result/1");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "done");
  source = json_object_get_object_member (object, "source");
  g_assert_cmpstr (json_object_get_string_member (source, "path"), ==, b);
  g_assert_cmpint (json_object_get_int_member (source, "pages"), ==, 3);
  g_assert_true (json_object_has_member (object, "extraction"));
  g_assert_true (json_object_has_member (object, "analysis"));
  g_assert_true (json_object_has_member (json_object_get_object_member (object, "timings"), "read_ms"));

  assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_READ, &read_stage);
  g_assert_cmpuint (read_stage.done, ==, 2);
  g_assert_cmpuint (read_stage.in_flight, ==, 0);
  g_assert_cmpuint (read_stage.queued, ==, 0);
}

static void
test_bad_inputs (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *good = write_report (fixture, "good.pdf", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pdf", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.pdf", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "empty.pdf", NULL);
  g_autofree char *truncated = g_build_filename (fixture->dir, "truncated.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  AssayDocument *docs[5];

  g_assert_true (g_file_set_contents (text, "Just some notes, not a PDF.\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, length / 3, NULL));

  docs[0] = add_path (pipeline, missing);
  docs[1] = add_path (pipeline, text);
  docs[2] = add_path (pipeline, empty);
  docs[3] = add_path (pipeline, truncated);
  docs[4] = add_path (pipeline, good);

  run_until_idle (pipeline);

  for (guint i = 0; i < 4; i++)
    {
      JsonObject *object = result_object (docs[i]);
      JsonObject *error;

      g_assert_cmpint (assay_document_get_state (docs[i]), ==, ASSAY_DOCUMENT_FAILED);
      g_assert_nonnull (assay_document_get_error_message (docs[i]));
      g_assert_cmpuint (strlen (assay_document_get_error_message (docs[i])), >, 10);
      g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "failed");
      error = json_object_get_object_member (object, "error");
      g_assert_nonnull (error);
      g_assert_cmpstr (json_object_get_string_member (error, "message"), ==,
                       assay_document_get_error_message (docs[i]));
    }

  /* One bad file loses nothing else. */
  g_assert_cmpint (assay_document_get_state (docs[4]), ==, ASSAY_DOCUMENT_DONE);
}

static void
test_password (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *plain = write_report (fixture, "plain.pdf", NULL);
  g_autofree char *locked = g_build_filename (fixture->dir, "locked.pdf", NULL);
  g_autoptr(GError) error = NULL;
  AssayDocument *document;

  if (!assay_test_have_qpdf ())
    {
      g_test_skip ("qpdf is not installed");
      return;
    }

  g_assert_true (assay_test_pdf_encrypt (plain, locked, "s3cret", "owner", &error));
  g_assert_no_error (error);

  document = add_path (pipeline, locked);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  g_assert_null (strstr (assay_document_get_error_message (document), "s3cret"));

  assay_pipeline_set_password (pipeline, "s3cret");
  assay_pipeline_retry (pipeline, document);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_null (assay_document_get_error_message (document));
}

/* Identify jobs finish in any order; whichever copy is hashed first, the
 * one given first is processed and the others are its duplicates. Several
 * rounds with several copies, so that both orders happen. */
static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (a, &contents, &length, NULL));

  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
      g_autoptr(GPtrArray) copies = g_ptr_array_new ();
      AssayDocument *first;
      AssayStageSnapshot read_stage;
      AssayStageSnapshot analyse_stage;

      first = add_path (pipeline, a);
      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *name = g_strdup_printf ("copy-%u-of-a.pdf", i);
          g_autofree char *copy = g_build_filename (fixture->dir, name, NULL);

          if (round == 0)
            g_assert_true (g_file_set_contents (copy, contents, length, NULL));
          g_ptr_array_add (copies, add_path (pipeline, copy));
        }
      run_until_idle (pipeline);

      g_assert_cmpint (assay_document_get_state (first), ==, ASSAY_DOCUMENT_DONE);
      for (guint i = 0; i < copies->len; i++)
        {
          AssayDocument *copy = g_ptr_array_index (copies, i);

          g_assert_cmpint (assay_document_get_state (copy), ==, ASSAY_DOCUMENT_DUPLICATE);
          g_assert_cmpstr (assay_document_get_duplicate_of (copy), ==, a);
          g_assert_cmpstr (json_object_get_string_member (result_object (copy), "duplicate_of"), ==, a);
        }

      /* Processed to the end once (an overtaken copy may have started reading). */
      assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_ANALYSE, &analyse_stage);
      g_assert_cmpuint (analyse_stage.done, ==, 1);
      assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_READ, &read_stage);
      g_assert_cmpuint (read_stage.done, >=, 1);
    }
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *store_dir = g_build_filename (fixture->dir, "store", NULL);
  g_autoptr(AssayStore) store = assay_store_new (store_dir);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  g_autofree char *moved = g_build_filename (fixture->dir, "moved.pdf", NULL);
  AssayStageSnapshot read_stage, extract_stage;
  AssayDocument *document;

  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);

    assay_pipeline_set_store (pipeline, store, TRUE);
    document = add_path (pipeline, a);
    run_until_idle (pipeline);
    g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
    g_assert_false (assay_document_get_cached (document));
  }

  /* Same content under another name: a cache hit that reads nothing. */
  g_assert_cmpint (g_rename (a, moved), ==, 0);
  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
    JsonObject *source;

    assay_pipeline_set_store (pipeline, store, TRUE);
    document = add_path (pipeline, moved);
    run_until_idle (pipeline);

    g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
    g_assert_true (assay_document_get_cached (document));
    g_assert_true (json_object_get_boolean_member (result_object (document), "cached"));
    source = json_object_get_object_member (result_object (document), "source");
    g_assert_cmpstr (json_object_get_string_member (source, "path"), ==, moved);

    /* The text handed on with it says the same, without a second
     * serialisation: the stored text, spliced. */
    {
      GBytes *text = assay_document_get_result_text (document);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      g_assert_nonnull (text);
      json_parser_load_from_data (parser, g_bytes_get_data (text, NULL), g_bytes_get_size (text), &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_get_boolean_member (object, "cached"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "source"),
                                                      "path"), ==, moved);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "source"),
                                                      "name"), ==, "moved.pdf");
      g_assert_true (json_object_has_member (object, "analysis"));
    }

    assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_READ, &read_stage);
    assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_EXTRACT, &extract_stage);
    g_assert_cmpuint (read_stage.done + read_stage.failed, ==, 0);
    g_assert_cmpuint (extract_stage.done + extract_stage.failed, ==, 0);
  }

  /* Not reading the cache processes it again. */
  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);

    assay_pipeline_set_store (pipeline, store, FALSE);
    document = add_path (pipeline, moved);
    run_until_idle (pipeline);
    g_assert_false (assay_document_get_cached (document));
    assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_READ, &read_stage);
    g_assert_cmpuint (read_stage.done, ==, 1);
  }
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *big = write_long_pdf (fixture, "big.pdf", 600);
  g_autofree char *small = write_report (fixture, "small.pdf", NULL);
  AssayDocument *big_doc;
  AssayDocument *small_doc;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  gint64 cancelled_at;

  big_doc = add_path (pipeline, big);
  small_doc = add_path (pipeline, small);

  while (assay_document_get_state (big_doc) != ASSAY_DOCUMENT_READING &&
         !assay_document_is_finished (big_doc) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (assay_document_get_state (big_doc), ==, ASSAY_DOCUMENT_READING);

  cancelled_at = g_get_monotonic_time ();
  assay_pipeline_cancel (pipeline, big_doc);
  g_assert_cmpint (assay_document_get_state (big_doc), ==, ASSAY_DOCUMENT_CANCELLED);

  run_until_idle (pipeline);
  /* The other document is unaffected and the pool was not held up for
   * long by the cancelled read. */
  g_assert_cmpint (assay_document_get_state (small_doc), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (big_doc), ==, ASSAY_DOCUMENT_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_USEC_PER_SEC);

  /* Retry brings it back. */
  assay_pipeline_retry (pipeline, big_doc);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (big_doc), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpuint (assay_document_get_n_pages (big_doc), ==, 600);
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *a = write_long_pdf (fixture, "a.pdf", 200);
  g_autofree char *b = write_report (fixture, "b.pdf", NULL);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  AssayDocument *doc_a = add_path (pipeline, a);
  AssayDocument *doc_b = add_path (pipeline, b);
  g_autoptr(AssayDocument) keep_a = g_object_ref (doc_a);

  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 2);
  assay_pipeline_remove (pipeline, doc_a);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 1);

  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (doc_b), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (keep_a), ==, ASSAY_DOCUMENT_CANCELLED);
}

static void
test_paused (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  AssayDocument *document;
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

  assay_pipeline_set_paused (pipeline, TRUE);
  document = add_path (pipeline, a);

  /* Nothing starts while paused… */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_QUEUED);

  /* …and everything does once resumed. */
  assay_pipeline_set_paused (pipeline, FALSE);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
}

typedef struct
{
  guint reading;
  guint extracting;
  gboolean overlapped;
} OverlapWatch;

static void
state_changed (AssayDocument *document,
               GParamSpec    *pspec,
               gpointer       user_data)
{
  AssayPipeline *pipeline = user_data;
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  OverlapWatch *watch = g_object_get_data (G_OBJECT (pipeline), "watch");
  guint reading = 0, extracting = 0;

  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(AssayDocument) doc = g_list_model_get_item (documents, i);
      AssayDocumentState state = assay_document_get_state (doc);

      reading += state == ASSAY_DOCUMENT_READING;
      extracting += state == ASSAY_DOCUMENT_EXTRACTING;
    }

  if (reading > 0 && extracting > 0)
    watch->overlapped = TRUE;
}

static void
test_bounded_and_overlapping (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(TestSlowExtractor) extractor = g_object_new (TEST_TYPE_SLOW_EXTRACTOR, NULL);
  g_autoptr(AssayPipeline) pipeline = NULL;
  g_autofree char *template_pdf = write_long_pdf (fixture, "template.pdf", 3);
  g_autofree char *contents = NULL;
  OverlapWatch watch = { 0 };
  gsize length;
  guint n_docs = 40;
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();

  extractor->delay_ms = 30;
  pipeline = assay_pipeline_new (fixture->pool, ASSAY_EXTRACTOR (extractor), fixture->template_);
  assay_pipeline_set_max_active (pipeline, 3);
  g_object_set_data (G_OBJECT (pipeline), "watch", &watch);

  /* Distinct content (else duplicates are merged): append a comment. */
  g_assert_true (g_file_get_contents (template_pdf, &contents, &length, NULL));
  for (guint i = 0; i < n_docs; i++)
    {
      g_autofree char *name = g_strdup_printf ("doc-%02u.pdf", i);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autofree char *comment = g_strdup_printf ("\n%% copy %u\n", i);
      g_autoptr(GString) unique = g_string_new_len (contents, length);
      AssayDocument *document;

      /* A comment after %%EOF: the same document, other bytes. */
      g_string_append (unique, comment);
      g_assert_true (g_file_set_contents (path, unique->str, unique->len, NULL));
      document = add_path (pipeline, path);
      g_signal_connect (document, "notify::state", G_CALLBACK (state_changed), pipeline);
      g_ptr_array_add (documents, document);
    }

  run_until_idle (pipeline);

  for (guint i = 0; i < n_docs; i++)
    {
      AssayDocument *document = g_ptr_array_index (documents, i);

      if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE)
        g_error ("%s: %s", assay_document_get_name (document),
                 assay_document_get_error_message (document));
    }

  /* The extract stage's bound held, memory did not grow with the queue, and
   * reading went on while documents waited on the extractor. */
  g_assert_cmpuint (extractor->calls, ==, n_docs);
  g_assert_cmpuint (extractor->max_in_flight, <=, 3);
  g_assert_cmpuint (extractor->max_in_flight, >=, 2);
  g_assert_cmpuint (assay_pipeline_get_peak_holding_text (pipeline), <=, 2 + 3 + 2);
  g_assert_true (watch.overlapped);
}

static void
waiting_changed (AssayDocument *document,
                 GParamSpec    *pspec,
                 gpointer       user_data)
{
  gint64 *seen = user_data;
  gint64 until = assay_document_get_waiting_until (document);

  if (until > 0)
    {
      /* Told once per change, and only while extracting. */
      g_assert_cmpint (until, !=, *seen);
      g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_EXTRACTING);
      *seen = until;
    }
}

/* An extractor that waits for a rate limit says until when; the document
 * shows it as "waiting-until" (notified) and clears it when extraction ends. */
static void
test_waiting_until (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TestSlowExtractor) extractor = g_object_new (TEST_TYPE_SLOW_EXTRACTOR, NULL);
  g_autoptr(AssayPipeline) pipeline = NULL;
  g_autofree char *path = write_report (fixture, "a.pdf", NULL);
  AssayDocument *document;
  gint64 seen = 0;
  gint64 before;

  extractor->delay_ms = 50;
  extractor->waiting_ms = 40;
  pipeline = assay_pipeline_new (fixture->pool, ASSAY_EXTRACTOR (extractor), fixture->template_);
  document = add_path (pipeline, path);
  g_assert_cmpint (assay_document_get_waiting_until (document), ==, 0);
  g_signal_connect (document, "notify::waiting-until", G_CALLBACK (waiting_changed), &seen);

  before = g_get_monotonic_time ();
  run_until_idle (pipeline);

  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (seen, >, before + 40 * 1000);
  g_assert_cmpint (assay_document_get_waiting_until (document), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/assay/pipeline/done", test_done);
  ADD ("/assay/pipeline/bad-inputs", test_bad_inputs);
  ADD ("/assay/pipeline/password", test_password);
  ADD ("/assay/pipeline/duplicates", test_duplicates);
  ADD ("/assay/pipeline/cache", test_cache);
  ADD ("/assay/pipeline/cancel", test_cancel);
  ADD ("/assay/pipeline/remove", test_remove);
  ADD ("/assay/pipeline/paused", test_paused);
  ADD ("/assay/pipeline/bounded-and-overlapping", test_bounded_and_overlapping);
  ADD ("/assay/pipeline/waiting-until", test_waiting_until);

#undef ADD

  return g_test_run ();
}
