/* test-pipeline.c — documents through the whole pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "assay-offline-extractor.h"
#include "assay-pipeline.h"
#include "assay-test-fixture.h"
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
  guint   hold_for;       /* answers wait until this many are in flight at once… */
  gint64  hold_deadline;  /* …or until this g_get_monotonic_time(), set on the first call */
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

  /* Not a timing race: an answer waits (bounded) for others to overlap it,
   * so that a slow read stage (a sanitizer build) still shows the overlap. */
  if (self->in_flight < self->hold_for && self->max_in_flight < self->hold_for &&
      g_get_monotonic_time () < self->hold_deadline && !g_task_had_error (task) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return G_SOURCE_CONTINUE;

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
  if (self->calls == 0)
    self->hold_deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
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
  fixture->dir = assay_test_tmp_dir_new ("assay-pipeline-XXXXXX");
  fixture->pool = assay_worker_pool_new (2);
  fixture->template_ = assay_template_lookup ("general");
  g_assert_nonnull (fixture->template_);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  assay_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  assay_template_unref (fixture->template_);
  /* Workers may still be letting go of finished tasks: no finalize check. */
  g_object_unref (fixture->pool);
}

static char *
write_report (Fixture    *fixture,
              const char *name,
              const char *extra)
{
  const char *pages[3] = { assay_test_report_pages[0], assay_test_report_pages[1], extra };

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
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, WAIT_LIMIT_US));
  g_assert_cmpuint (assay_pipeline_get_n_unfinished (pipeline), ==, 0);
}

static AssayPipeline *
new_offline_pipeline (Fixture *fixture)
{
  return assay_test_offline_pipeline_new (fixture->pool, fixture->template_, NULL);
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
  AssayDocument *doc_a = assay_test_pipeline_add_path (pipeline, a);
  AssayDocument *doc_b = assay_test_pipeline_add_path (pipeline, b);
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
  g_assert_cmpstr (json_object_get_string_member (object, "result_version"), ==, "assay-result/2");
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

  docs[0] = assay_test_pipeline_add_path (pipeline, missing);
  docs[1] = assay_test_pipeline_add_path (pipeline, text);
  docs[2] = assay_test_pipeline_add_path (pipeline, empty);
  docs[3] = assay_test_pipeline_add_path (pipeline, truncated);
  docs[4] = assay_test_pipeline_add_path (pipeline, good);

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

  document = assay_test_pipeline_add_path (pipeline, locked);
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

      first = assay_test_pipeline_add_path (pipeline, a);
      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *name = g_strdup_printf ("copy-%u-of-a.pdf", i);
          g_autofree char *copy = g_build_filename (fixture->dir, name, NULL);

          if (round == 0)
            g_assert_true (g_file_set_contents (copy, contents, length, NULL));
          g_ptr_array_add (copies, assay_test_pipeline_add_path (pipeline, copy));
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
    document = assay_test_pipeline_add_path (pipeline, a);
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
    document = assay_test_pipeline_add_path (pipeline, moved);
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
    document = assay_test_pipeline_add_path (pipeline, moved);
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

  big_doc = assay_test_pipeline_add_path (pipeline, big);
  small_doc = assay_test_pipeline_add_path (pipeline, small);

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
  AssayDocument *doc_a = assay_test_pipeline_add_path (pipeline, a);
  AssayDocument *doc_b = assay_test_pipeline_add_path (pipeline, b);
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
  document = assay_test_pipeline_add_path (pipeline, a);

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
  extractor->hold_for = 2;
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
      document = assay_test_pipeline_add_path (pipeline, path);
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

/* ------------------------------------------------------------------------ */
/* What a window needs                                                        */

typedef struct
{
  AssayPipeline *pipeline;
  guint          n_checks;
  double         last_progress;
  gboolean       progress_went_back;
} CountWatch;

/* Every count, whenever one is notified, is what a walk over the list says. */
static void
check_counts (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  CountWatch *watch = user_data;
  GListModel *documents = assay_pipeline_get_documents (watch->pipeline);
  guint n = g_list_model_get_n_items (documents);
  guint per_state[ASSAY_DOCUMENT_DUPLICATE + 1] = { 0 };
  guint n_documents, n_queued, n_running, n_done, n_failed, n_password, n_cancelled, n_duplicates;
  double progress;

  if (g_str_equal (pspec->name, "progress"))
    {
      progress = assay_pipeline_get_progress (watch->pipeline);
      if (progress < watch->last_progress)
        watch->progress_went_back = TRUE;
      watch->last_progress = progress;
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      per_state[assay_document_get_state (document)]++;
    }

  g_object_get (watch->pipeline,
                "n-documents", &n_documents,
                "n-queued", &n_queued,
                "n-running", &n_running,
                "n-done", &n_done,
                "n-failed", &n_failed,
                "n-needs-password", &n_password,
                "n-cancelled", &n_cancelled,
                "n-duplicates", &n_duplicates,
                NULL);
  /* Notified while the list is being changed (a splice): check after it. */
  if (n_documents != n)
    return;
  g_assert_cmpuint (n_queued, ==, per_state[ASSAY_DOCUMENT_QUEUED] + per_state[ASSAY_DOCUMENT_HASHING]);
  g_assert_cmpuint (n_running, ==, per_state[ASSAY_DOCUMENT_READING] +
                                   per_state[ASSAY_DOCUMENT_EXTRACTING] +
                                   per_state[ASSAY_DOCUMENT_ANALYSING]);
  g_assert_cmpuint (n_done, ==, per_state[ASSAY_DOCUMENT_DONE]);
  g_assert_cmpuint (n_failed, ==, per_state[ASSAY_DOCUMENT_FAILED]);
  g_assert_cmpuint (n_password, ==, per_state[ASSAY_DOCUMENT_NEEDS_PASSWORD]);
  g_assert_cmpuint (n_cancelled, ==, per_state[ASSAY_DOCUMENT_CANCELLED]);
  g_assert_cmpuint (n_duplicates, ==, per_state[ASSAY_DOCUMENT_DUPLICATE]);
  watch->n_checks++;
}

static void
test_counts (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  g_autofree char *b = write_long_pdf (fixture, "b.pdf", 30);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pdf", NULL);
  g_autofree char *copy = g_build_filename (fixture->dir, "copy.pdf", NULL);
  g_autofree char *contents = NULL;
  CountWatch watch = { pipeline, 0, 0.0, FALSE };
  AssayDocument *doc_a;
  gsize length;

  g_assert_true (g_file_get_contents (a, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));

  g_signal_connect (pipeline, "notify", G_CALLBACK (check_counts), &watch);

  doc_a = assay_test_pipeline_add_path (pipeline, a);
  assay_test_pipeline_add_path (pipeline, b);
  assay_test_pipeline_add_path (pipeline, missing);
  assay_test_pipeline_add_path (pipeline, copy);
  g_assert_cmpuint (assay_pipeline_get_n_documents (pipeline), ==, 4);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_FAILED), ==, 1);

  /* Adding to a running batch moves its progress back; from here on it
   * only goes forward. */
  watch.last_progress = assay_pipeline_get_progress (pipeline);
  watch.progress_went_back = FALSE;
  g_assert_cmpfloat (watch.last_progress, <, 0.5);
  g_assert_cmpfloat (watch.last_progress, >=, 0.25);   /* the missing one is finished */
  run_until_idle (pipeline);

  g_assert_cmpuint (watch.n_checks, >, 10);
  g_assert_false (watch.progress_went_back);
  g_assert_cmpfloat (assay_pipeline_get_progress (pipeline), ==, 1.0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE), ==, 2);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DUPLICATE), ==, 1);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_QUEUED), ==, 0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_READING), ==, 0);

  /* A retry starts a new batch: progress from 0 again, over that one. */
  watch.last_progress = 0.0;
  assay_pipeline_retry (pipeline, doc_a);
  g_assert_cmpfloat (assay_pipeline_get_progress (pipeline), <, 0.5);
  run_until_idle (pipeline);
  g_assert_cmpfloat (assay_pipeline_get_progress (pipeline), ==, 1.0);
  g_assert_false (watch.progress_went_back);

  assay_pipeline_clear_finished (pipeline);
  g_assert_cmpuint (assay_pipeline_get_n_documents (pipeline), ==, 0);
  for (AssayDocumentState state = ASSAY_DOCUMENT_QUEUED; state <= ASSAY_DOCUMENT_DUPLICATE; state++)
    g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, state), ==, 0);

  g_signal_handlers_disconnect_by_data (pipeline, &watch);
}

/* clear_finished leaves what is at work, in its place. */
static void
test_clear_finished (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pdf", NULL);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  AssayDocument *queued[2];

  AssayDocument *gone;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  assay_pipeline_set_paused (pipeline, TRUE);
  gone = assay_test_pipeline_add_path (pipeline, missing);
  g_object_add_weak_pointer (G_OBJECT (gone), (gpointer *) &gone);
  queued[0] = assay_test_pipeline_add_path (pipeline, a);
  assay_test_pipeline_add_path (pipeline, missing);
  assay_test_pipeline_add_path (pipeline, missing);
  queued[1] = assay_test_pipeline_add_path (pipeline, a);
  assay_test_pipeline_add_path (pipeline, missing);

  assay_pipeline_clear_finished (pipeline);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 2);
  g_assert_true (g_list_model_get_item (documents, 0) == (gpointer) queued[0]);
  g_object_unref (queued[0]);
  g_assert_true (g_list_model_get_item (documents, 1) == (gpointer) queued[1]);
  g_object_unref (queued[1]);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_FAILED), ==, 0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_QUEUED), ==, 2);

  /* Let go of soon after, not in the same call. */
  while (gone != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (gone);

  assay_pipeline_set_paused (pipeline, FALSE);
  run_until_idle (pipeline);
}

static guint
count_figures (JsonObject *result,
               guint      *n_verified)
{
  JsonArray *figures = json_object_get_array_member (json_object_get_object_member (result, "extraction"),
                                                     "figures");
  guint n = json_array_get_length (figures);

  *n_verified = 0;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (figures, i), "verified"),
                   "verified") == 0)
      (*n_verified)++;

  return n;
}

/* The summary a row shows is there when done, from the result built or the
 * stored one; a window may let the pipeline drop the result once stored,
 * and load it again from the store with what the document says. */
static void
test_summary_and_keep_results (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *store_dir = g_build_filename (fixture->dir, "store", NULL);
  g_autoptr(AssayStore) store = assay_store_new (store_dir);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  guint n_figures, n_verified;

  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
    AssayDocument *document;

    assay_pipeline_set_store (pipeline, store, TRUE);
    g_assert_true (assay_pipeline_get_store (pipeline) == store);
    document = assay_test_pipeline_add_path (pipeline, a);
    run_until_idle (pipeline);

    g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
    n_figures = count_figures (result_object (document), &n_verified);
    g_assert_cmpuint (n_figures, >, 0);
    g_assert_cmpuint (assay_document_get_n_figures (document), ==, n_figures);
    g_assert_cmpuint (assay_document_get_n_verified (document), ==, n_verified);
    g_assert_cmpuint (n_verified, >, 0);
    g_assert_nonnull (assay_document_get_template_key (document));
    {
      g_autofree char *suffix = g_strdup_printf (".a%d", ASSAY_ANALYSIS_VERSION);
      g_assert_true (g_str_has_suffix (assay_document_get_extractor_id (document), suffix));
    }
    g_assert_cmpint (assay_document_get_started_at (document), >, 0);
    g_assert_cmpint (assay_document_get_finished_at (document), >=,
                     assay_document_get_started_at (document));
  }

  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
    g_autoptr(JsonNode) loaded = NULL;
    g_autofree char *key = NULL;
    g_autoptr(GError) error = NULL;
    AssayDocument *document;

    assay_pipeline_set_store (pipeline, store, TRUE);
    assay_pipeline_set_keep_results (pipeline, FALSE);
    document = assay_test_pipeline_add_path (pipeline, a);
    run_until_idle (pipeline);

    g_assert_true (assay_document_get_cached (document));
    g_assert_null (assay_document_get_result (document));
    g_assert_null (assay_document_get_result_text (document));
    g_assert_cmpuint (assay_document_get_n_figures (document), ==, n_figures);
    g_assert_cmpuint (assay_document_get_n_verified (document), ==, n_verified);

    key = assay_store_dup_key (assay_pipeline_get_store (pipeline),
                               assay_document_get_sha256 (document),
                               assay_document_get_template_key (document),
                               assay_document_get_extractor_id (document));
    loaded = assay_store_load (store, key, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (loaded);
  }

  /* Not stored (no store): kept, whatever keep-results says. */
  {
    g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
    AssayDocument *document;

    assay_pipeline_set_keep_results (pipeline, FALSE);
    document = assay_test_pipeline_add_path (pipeline, a);
    run_until_idle (pipeline);
    g_assert_nonnull (assay_document_get_result (document));
  }
}

static const char *
template_of (AssayDocument *document)
{
  JsonObject *extraction = json_object_get_object_member (result_object (document), "extraction");

  return json_object_get_string_member (extraction, "template");
}

/* A new template or extractor is for documents started after it. */
static void
test_settings_apply_later (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autoptr(AssayTemplate) invoice = assay_template_lookup ("invoice");
  g_autoptr(TestSlowExtractor) slow = g_object_new (TEST_TYPE_SLOW_EXTRACTOR, NULL);
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  g_autofree char *b = write_report (fixture, "b.pdf", "Appendix\n");
  g_autofree char *general_key = assay_template_get_cache_key (fixture->template_);
  g_autofree char *invoice_key = assay_template_get_cache_key (invoice);
  AssayDocument *doc_a, *doc_b;

  g_assert_nonnull (invoice);
  slow->delay_ms = 10;

  doc_a = assay_test_pipeline_add_path (pipeline, a);   /* started: it is hashing */
  g_assert_cmpint (assay_document_get_state (doc_a), ==, ASSAY_DOCUMENT_HASHING);
  assay_pipeline_set_template (pipeline, invoice);
  assay_pipeline_set_extractor (pipeline, ASSAY_EXTRACTOR (slow));
  doc_b = assay_test_pipeline_add_path (pipeline, b);
  run_until_idle (pipeline);

  g_assert_cmpint (assay_document_get_state (doc_a), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (doc_b), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpstr (template_of (doc_a), ==, "general");
  g_assert_cmpstr (assay_document_get_template_key (doc_a), ==, general_key);
  g_assert_cmpstr (assay_document_get_template_key (doc_b), ==, invoice_key);
  g_assert_true (g_str_has_prefix (assay_document_get_extractor_id (doc_b), "test-slow.a"));
  g_assert_false (g_str_has_prefix (assay_document_get_extractor_id (doc_a), "test-slow.a"));
  /* The slow extractor answers with the template's name as its method. */
  g_assert_cmpuint (slow->calls, ==, 1);

  /* A retry is started again: with what is set now. */
  assay_pipeline_retry (pipeline, doc_a);
  run_until_idle (pipeline);
  g_assert_cmpstr (assay_document_get_template_key (doc_a), ==, invoice_key);
  g_assert_cmpuint (slow->calls, ==, 2);
}

static void
test_retry_with_password (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autofree char *plain = write_report (fixture, "plain.pdf", NULL);
  g_autofree char *other = write_report (fixture, "other.pdf", "Other\n");
  g_autofree char *locked1 = g_build_filename (fixture->dir, "locked1.pdf", NULL);
  g_autofree char *locked2 = g_build_filename (fixture->dir, "locked2.pdf", NULL);
  g_autoptr(GError) error = NULL;
  AssayDocument *doc1, *doc2;

  if (!assay_test_have_qpdf ())
    {
      g_test_skip ("qpdf is not installed");
      return;
    }

  g_assert_true (assay_test_pdf_encrypt (plain, locked1, "one", "owner", &error));
  g_assert_no_error (error);
  g_assert_true (assay_test_pdf_encrypt (other, locked2, "two", "owner", &error));
  g_assert_no_error (error);

  doc1 = assay_test_pipeline_add_path (pipeline, locked1);
  doc2 = assay_test_pipeline_add_path (pipeline, locked2);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (doc1), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  g_assert_cmpint (assay_document_get_state (doc2), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_NEEDS_PASSWORD), ==, 2);

  /* A wrong one: asked again. */
  assay_pipeline_retry_with_password (pipeline, doc1, "wrong");
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (doc1), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);

  assay_pipeline_retry_with_password (pipeline, doc1, "one");
  g_assert_cmpint (assay_document_get_state (doc2), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (doc1), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (doc2), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  g_assert_null (strstr (assay_document_get_status_text (doc2), "two"));

  /* The other document did not get that password. */
  assay_pipeline_retry (pipeline, doc2);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (doc2), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);
}

static void
note_started (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GPtrArray *order = user_data;

  if (assay_document_get_state (ASSAY_DOCUMENT (object)) == ASSAY_DOCUMENT_HASHING)
    g_ptr_array_add (order, object);
}

static void
test_prioritize (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autoptr(GPtrArray) docs = g_ptr_array_new ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);

  assay_pipeline_set_paused (pipeline, TRUE);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("doc-%u.pdf", i);
      g_autofree char *path = write_report (fixture, name, name);
      AssayDocument *document = assay_test_pipeline_add_path (pipeline, path);

      g_signal_connect (document, "notify::state", G_CALLBACK (note_started), order);
      g_ptr_array_add (docs, document);
    }

  assay_pipeline_prioritize (pipeline, g_ptr_array_index (docs, 4));
  assay_pipeline_set_paused (pipeline, FALSE);
  run_until_idle (pipeline);

  g_assert_cmpuint (order->len, ==, 6);
  g_assert_true (g_ptr_array_index (order, 0) == g_ptr_array_index (docs, 4));
  g_assert_true (g_ptr_array_index (order, 1) == g_ptr_array_index (docs, 0));
  for (guint i = 0; i < docs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (docs, i), order);
}

static void
wait_cancelled_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *cancelled = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (assay_pipeline_wait_finish (ASSAY_PIPELINE (object), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *cancelled = TRUE;
}

/* The maintainer's finding: wait_async ignored its cancellable. */
static void
test_wait_cancellable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(TestSlowExtractor) slow = g_object_new (TEST_TYPE_SLOW_EXTRACTOR, NULL);
  g_autoptr(AssayPipeline) pipeline = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *a = write_report (fixture, "a.pdf", NULL);
  gboolean cancelled = FALSE;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  AssayDocument *document;

  slow->delay_ms = 30000;
  pipeline = assay_pipeline_new (fixture->pool, ASSAY_EXTRACTOR (slow), fixture->template_);
  document = assay_test_pipeline_add_path (pipeline, a);

  assay_pipeline_wait_async (pipeline, cancellable, wait_cancelled_done, &cancelled);
  while (assay_document_get_state (document) != ASSAY_DOCUMENT_EXTRACTING &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_EXTRACTING);

  g_cancellable_cancel (cancellable);
  while (!cancelled && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cancelled);
  g_assert_false (assay_document_is_finished (document));

  /* Cancelled before it is called: at once. */
  cancelled = FALSE;
  assay_pipeline_wait_async (pipeline, cancellable, wait_cancelled_done, &cancelled);
  while (!cancelled && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cancelled);

  assay_pipeline_cancel_all (pipeline);
  run_until_idle (pipeline);
}

static gboolean
has_tmp_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_str_has_suffix (name, ".tmp"))
        return TRUE;
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && has_tmp_files (child))
        return TRUE;
    }

  return FALSE;
}

static void
test_shutdown (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *store_dir = g_build_filename (fixture->dir, "store", NULL);
  g_autoptr(AssayStore) store = assay_store_new (store_dir);
  AssayPipeline *pipeline = new_offline_pipeline (fixture);
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *late = write_report (fixture, "late.pdf", NULL);
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  gboolean done = FALSE;
  gboolean running = FALSE;
  AssayDocument *late_doc;

  assay_pipeline_set_store (pipeline, store, TRUE);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("big-%u.pdf", i);
      g_autofree char *path = i % 2 ? write_long_pdf (fixture, name, 300 + i) : write_report (fixture, name, name);

      g_ptr_array_add (docs, g_object_ref (assay_test_pipeline_add_path (pipeline, path)));
    }

  while (!running && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      running = assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_READING) > 0 &&
                assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE) > 0;
    }
  g_assert_true (running);

  assay_pipeline_shutdown (pipeline);
  g_assert_cmpuint (assay_pipeline_get_n_unfinished (pipeline), ==, 0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_QUEUED), ==, 0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_READING), ==, 0);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_CANCELLED), >, 0);

  /* No new work. */
  late_doc = assay_test_pipeline_add_path (pipeline, late);
  g_assert_cmpint (assay_document_get_state (late_doc), ==, ASSAY_DOCUMENT_CANCELLED);

  /* The wait is for every job to have come back; then nothing is written. */
  assay_pipeline_wait_async (pipeline, NULL, wait_done, &done);
  g_object_add_weak_pointer (G_OBJECT (pipeline), (gpointer *) &pipeline);
  g_object_unref (pipeline);
  while ((!done || pipeline != NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  g_assert_null (pipeline);   /* dropped once its jobs returned */
  g_assert_false (has_tmp_files (store_dir));

  for (guint i = 0; i < docs->len; i++)
    {
      AssayDocument *document = g_ptr_array_index (docs, i);
      AssayDocumentState state = assay_document_get_state (document);

      g_assert_true (state == ASSAY_DOCUMENT_DONE || state == ASSAY_DOCUMENT_CANCELLED ||
                     state == ASSAY_DOCUMENT_DUPLICATE);
    }
}

typedef struct
{
  GPtrArray *skipped;
  gboolean   done;
} AddFiles;

static void
files_added (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AddFiles *add = user_data;
  g_autoptr(GError) error = NULL;

  add->skipped = assay_pipeline_add_files_finish (ASSAY_PIPELINE (object), result, &error);
  g_assert_no_error (error);
  add->done = TRUE;
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
skipped_has (GPtrArray  *skipped,
             const char *suffix)
{
  for (guint i = 0; i < skipped->len; i++)
    {
      AssayInputFile *input = g_ptr_array_index (skipped, i);

      if (g_str_has_suffix (input->path, suffix))
        {
          g_assert_nonnull (input->reason);
          return TRUE;
        }
    }

  return FALSE;
}

static void
test_add_files (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  g_autofree char *folder = g_build_filename (fixture->dir, "folder", NULL);
  g_autofree char *notes = g_build_filename (fixture->dir, "notes.pdf", NULL);
  g_autofree char *inner_text = g_build_filename (folder, "readme.txt", NULL);
  g_autofree char *one = write_report (fixture, "one.pdf", NULL);
  g_autofree char *in1 = NULL;
  g_autofree char *in2 = NULL;
  GFile *files[4];
  AddFiles add = { NULL, FALSE };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  guint n_changes = 0;
  const char *expected[] = { "one.pdf", "1.pdf", "2.pdf" };

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  in1 = write_report (fixture, "folder/1.pdf", "one");
  in2 = write_report (fixture, "folder/2.pdf", "two");
  g_assert_true (g_file_set_contents (notes, "just some notes\n", -1, NULL));
  g_assert_true (g_file_set_contents (inner_text, "read me\n", -1, NULL));

  files[0] = g_file_new_for_path (one);
  files[1] = g_file_new_for_path (notes);
  files[2] = g_file_new_for_path (folder);
  files[3] = g_file_new_for_uri ("http://127.0.0.1:9/remote.pdf");

  g_signal_connect (documents, "items-changed", G_CALLBACK (count_changes), &n_changes);
  assay_pipeline_add_files_async (pipeline, files, G_N_ELEMENTS (files), NULL, files_added, &add);
  while (!add.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (add.done);

  /* One change of the list for all of them, in the order given. */
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      g_assert_cmpstr (assay_document_get_name (document), ==, expected[i]);
    }

  g_assert_cmpuint (add.skipped->len, ==, 3);
  g_assert_true (skipped_has (add.skipped, "notes.pdf"));
  g_assert_true (skipped_has (add.skipped, "readme.txt"));
  g_assert_true (skipped_has (add.skipped, "remote.pdf"));

  run_until_idle (pipeline);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE), ==, 3);

  g_signal_handlers_disconnect_by_data (documents, &n_changes);
  g_ptr_array_unref (add.skipped);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
}

static GPtrArray *
add_files_and_wait (AssayPipeline *pipeline,
                    GFile        **files,
                    guint          n_files)
{
  AddFiles add = { NULL, FALSE };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  assay_pipeline_add_files_async (pipeline, files, n_files, NULL, files_added, &add);
  while (!add.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (add.done);

  return add.skipped;
}

typedef struct
{
  guint    n_changes;
  guint    n_added;
  guint    most_added;
  gboolean frame_pending;   /* a source at the frame clock's priority not run yet */
  guint    n_frames_missed; /* changes with no such turn since the previous one */
  guint    n_counts_seen;   /* notify::n-queued while the handover was going on */
} Handover;

static gboolean
frame_turn_cb (gpointer user_data)
{
  Handover *handover = user_data;

  handover->frame_pending = FALSE;
  return G_SOURCE_REMOVE;
}

static void
handover_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Handover   *handover)
{
  handover->n_changes++;
  handover->n_added += added;
  handover->most_added = MAX (handover->most_added, added);
  if (handover->frame_pending)
    handover->n_frames_missed++;
  /* What GDK's frame clock runs at (GDK_PRIORITY_REDRAW). */
  handover->frame_pending = TRUE;
  g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, frame_turn_cb, handover, NULL);
}

static void
handover_counted (Handover *handover)
{
  handover->n_counts_seen++;
}

/* A thousand files handed over at once are listed in slices of a bounded
 * number, one a main-loop turn, with a turn at the frame clock's priority
 * between two slices; all of them, in the order given; the counts grow
 * as they are listed. Files handed over meanwhile come after them. */
static void
test_add_files_in_slices (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  g_autofree char *first = write_report (fixture, "first.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) later = NULL;
  const guint n = 1000;
  AddFiles add = { NULL, FALSE };
  AddFiles add_later = { NULL, FALSE };
  Handover handover = { 0, };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  gsize length;

  /* Nothing starts: what is measured is the listing. */
  assay_pipeline_set_paused (pipeline, TRUE);
  g_assert_true (g_file_get_contents (first, &contents, &length, NULL));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%04u.pdf", i);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_true (g_file_set_contents (path, contents, length, NULL));
      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  later = g_file_new_for_path (first);

  g_signal_connect (documents, "items-changed", G_CALLBACK (handover_changed), &handover);
  g_signal_connect_swapped (pipeline, "notify::n-queued", G_CALLBACK (handover_counted), &handover);
  assay_pipeline_add_files_async (pipeline, (GFile **) files->pdata, files->len, NULL,
                                  files_added, &add);
  /* Handed over after them (its walk and sniff finish first, a single file). */
  while (handover.n_changes == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (handover.n_changes, >, 0);
  assay_pipeline_add_files_async (pipeline, &later, 1, NULL, files_added, &add_later);
  while (!(add.done && add_later.done) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (add.done);
  g_assert_true (add_later.done);
  g_assert_cmpuint (add.skipped->len, ==, 0);
  g_assert_cmpuint (add_later.skipped->len, ==, 0);

  g_assert_cmpuint (handover.n_added, ==, n + 1);
  g_assert_cmpuint (handover.most_added, <=, ASSAY_PIPELINE_HANDOVER_SLICE);
  g_assert_cmpuint (handover.n_changes, >=, n / ASSAY_PIPELINE_HANDOVER_SLICE);
  g_assert_cmpuint (handover.n_frames_missed, ==, 0);
  g_assert_cmpuint (handover.n_counts_seen, >=, n / ASSAY_PIPELINE_HANDOVER_SLICE);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      g_autofree char *name = g_strdup_printf ("%04u.pdf", i);

      g_assert_cmpstr (assay_document_get_name (document), ==, name);
    }
  {
    g_autoptr(AssayDocument) document = g_list_model_get_item (documents, n);

    g_assert_cmpstr (assay_document_get_name (document), ==, "first.pdf");
  }

  /* The frame turn of the last change. */
  while (handover.frame_pending && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (handover.frame_pending);
  g_signal_handlers_disconnect_by_data (documents, &handover);
  g_signal_handlers_disconnect_by_data (pipeline, &handover);
  g_ptr_array_unref (add.skipped);
  g_ptr_array_unref (add_later.skipped);
}

/* Dropping the same files again lists none of them twice; a cancelled one
 * dropped again is tried again, a done one is left as it is. */
static void
test_add_files_again (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  g_autofree char *one = write_report (fixture, "one.pdf", NULL);
  g_autofree char *two = write_report (fixture, "two.pdf", "two");
  g_autoptr(GFile) file_one = g_file_new_for_path (one);
  g_autoptr(GFile) file_two = g_file_new_for_path (two);
  GFile *files[] = { file_one, file_two };
  g_autoptr(AssayDocument) first = NULL;
  g_autoptr(AssayDocument) second = NULL;
  g_autoptr(GPtrArray) skipped = NULL;

  skipped = add_files_and_wait (pipeline, files, G_N_ELEMENTS (files));
  g_assert_cmpuint (skipped->len, ==, 0);
  g_clear_pointer (&skipped, g_ptr_array_unref);
  first = g_list_model_get_item (documents, 0);
  second = g_list_model_get_item (documents, 1);
  assay_pipeline_cancel (pipeline, second);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (first), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpint (assay_document_get_state (second), ==, ASSAY_DOCUMENT_CANCELLED);

  skipped = add_files_and_wait (pipeline, files, G_N_ELEMENTS (files));
  g_assert_cmpuint (skipped->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 2);
  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (first), ==, ASSAY_DOCUMENT_DONE);
  g_assert_false (assay_document_get_cached (first));
  g_assert_cmpint (assay_document_get_state (second), ==, ASSAY_DOCUMENT_DONE);
}

/* Documents of a previous session: the finished ones as they were, without
 * hashing or reading; the ones at work queued again. */
static void
test_restored (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_offline_pipeline (fixture);
  g_autoptr(GPtrArray) restored = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);
  g_autofree char *again = write_report (fixture, "again.pdf", NULL);
  g_autofree char *gone = g_build_filename (fixture->dir, "gone.pdf", NULL);
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  AssayRestoredDocument *entry;
  AssayStageSnapshot hash_stage;
  guint n_changes = 0;

  entry = g_new0 (AssayRestoredDocument, 1);
  entry->path = g_strdup (gone);   /* not there any more: not looked at */
  entry->sha256 = g_strdup ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  entry->state = ASSAY_DOCUMENT_DONE;
  entry->template_key = g_strdup ("general-x");
  entry->extractor_id = g_strdup ("offline.a1");
  entry->n_pages = 3;
  entry->n_figures = 5;
  entry->n_verified = 4;
  entry->title = g_strdup ("Report");
  g_ptr_array_add (restored, entry);

  entry = g_new0 (AssayRestoredDocument, 1);
  entry->path = g_strdup ("/nowhere/broken.pdf");
  entry->state = ASSAY_DOCUMENT_FAILED;
  entry->error_stage = ASSAY_STAGE_READ;
  entry->error_message = g_strdup ("The file is damaged");
  g_ptr_array_add (restored, entry);

  entry = g_new0 (AssayRestoredDocument, 1);
  entry->path = g_strdup (again);
  entry->state = ASSAY_DOCUMENT_EXTRACTING;   /* was at work */
  g_ptr_array_add (restored, entry);

  g_signal_connect (documents, "items-changed", G_CALLBACK (count_changes), &n_changes);
  assay_pipeline_add_restored (pipeline, restored);
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 3);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_DONE), ==, 1);
  g_assert_cmpuint (assay_pipeline_get_n_in_state (pipeline, ASSAY_DOCUMENT_FAILED), ==, 1);
  g_assert_cmpuint (assay_pipeline_get_n_unfinished (pipeline), ==, 1);

  run_until_idle (pipeline);

  {
    g_autoptr(AssayDocument) done = g_list_model_get_item (documents, 0);
    g_autoptr(AssayDocument) failed = g_list_model_get_item (documents, 1);
    g_autoptr(AssayDocument) queued = g_list_model_get_item (documents, 2);

    g_assert_cmpint (assay_document_get_state (done), ==, ASSAY_DOCUMENT_DONE);
    g_assert_cmpuint (assay_document_get_n_figures (done), ==, 5);
    g_assert_cmpstr (assay_document_get_title (done), ==, "Report");
    g_assert_cmpstr (assay_document_get_template_key (done), ==, "general-x");
    g_assert_null (assay_document_get_result (done));
    g_assert_cmpint (assay_document_get_state (failed), ==, ASSAY_DOCUMENT_FAILED);
    g_assert_cmpstr (assay_document_get_status_text (failed), ==, "The file is damaged");
    g_assert_cmpint (assay_document_get_state (queued), ==, ASSAY_DOCUMENT_DONE);

    /* Only the one at work was hashed. */
    assay_metrics_snapshot (assay_pipeline_get_metrics (pipeline), ASSAY_STAGE_HASH, &hash_stage);
    g_assert_cmpuint (hash_stage.done, ==, 1);

    /* A restored failed document can be retried like any. */
    assay_pipeline_retry (pipeline, failed);
    run_until_idle (pipeline);
    g_assert_cmpint (assay_document_get_state (failed), ==, ASSAY_DOCUMENT_FAILED);
    g_assert_cmpint (assay_document_get_error_stage (failed), ==, ASSAY_STAGE_READ);
  }

  g_signal_handlers_disconnect_by_data (documents, &n_changes);
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
  document = assay_test_pipeline_add_path (pipeline, path);
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
  ADD ("/assay/pipeline/counts", test_counts);
  ADD ("/assay/pipeline/clear-finished", test_clear_finished);
  ADD ("/assay/pipeline/summary-and-keep-results", test_summary_and_keep_results);
  ADD ("/assay/pipeline/settings-apply-later", test_settings_apply_later);
  ADD ("/assay/pipeline/retry-with-password", test_retry_with_password);
  ADD ("/assay/pipeline/prioritize", test_prioritize);
  ADD ("/assay/pipeline/wait-cancellable", test_wait_cancellable);
  ADD ("/assay/pipeline/shutdown", test_shutdown);
  ADD ("/assay/pipeline/add-files", test_add_files);
  ADD ("/assay/pipeline/add-files-again", test_add_files_again);
  ADD ("/assay/pipeline/add-files-in-slices", test_add_files_in_slices);
  ADD ("/assay/pipeline/restored", test_restored);
  ADD ("/assay/pipeline/waiting-until", test_waiting_until);

#undef ADD

  return g_test_run ();
}
