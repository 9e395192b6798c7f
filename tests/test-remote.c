/* test-remote.c — the pipeline's seam for cluster mode, with a fake remote,
 * and the text sent between workers (AssayPdfText as JSON)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-remote"

#include "config.h"

#include <string.h>

#include "assay-document-private.h"
#include "assay-pdf-reader.h"
#include "assay-pipeline.h"
#include "assay-remote.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_US (30 * G_USEC_PER_SEC)

/* A remote that reports one stage with a worker's name, then answers with
 * the result it was given (or fails when it has none). */
#define TEST_TYPE_REMOTE (test_remote_get_type ())
G_DECLARE_FINAL_TYPE (TestRemote, test_remote, TEST, REMOTE, GObject)

struct _TestRemote
{
  GObject   parent_instance;
  JsonNode *answer;       /* nullable */
  guint     n_calls;
  char     *seen_worker;  /* the document's worker while it ran */
};

static void test_remote_iface_init (AssayRemoteInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestRemote, test_remote, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_REMOTE, test_remote_iface_init))

static AssayDocument *current_document;

static gboolean
answer (gpointer user_data)
{
  GTask *task = user_data;
  TestRemote *self = g_task_get_source_object (task);

  g_free (self->seen_worker);
  self->seen_worker = g_strdup (assay_document_get_worker (current_document));

  if (self->answer != NULL)
    {
      JsonNode *copy = json_node_copy (self->answer);

      json_object_set_boolean_member (json_node_get_object (copy), "cached", FALSE);
      g_task_return_pointer (task, copy, (GDestroyNotify) json_node_unref);
    }
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "It failed on the cluster");
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
test_remote_process_async (AssayRemote              *remote,
                           const AssayRemoteRequest *request,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  TestRemote *self = TEST_REMOTE (remote);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  self->n_calls++;
  g_assert_nonnull (request->sha256);
  g_assert_nonnull (request->template_key);
  g_assert_nonnull (request->extractor_id);
  request->progress (request->progress_data, ASSAY_DOCUMENT_EXTRACTING, 0.5, "worker-7");
  g_idle_add (answer, task);
}

static JsonNode *
test_remote_process_finish (AssayRemote   *remote,
                            GAsyncResult  *result,
                            AssayStage    *error_stage,
                            GError       **error)
{
  *error_stage = ASSAY_STAGE_ANALYSE;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_remote_iface_init (AssayRemoteInterface *iface)
{
  iface->process_async = test_remote_process_async;
  iface->process_finish = test_remote_process_finish;
}

static void
test_remote_finalize (GObject *object)
{
  TestRemote *self = TEST_REMOTE (object);

  g_clear_pointer (&self->answer, json_node_unref);
  g_clear_pointer (&self->seen_worker, g_free);
  G_OBJECT_CLASS (test_remote_parent_class)->finalize (object);
}

static void
test_remote_class_init (TestRemoteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_remote_finalize;
}

static void
test_remote_init (TestRemote *self)
{
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* A document through a remote: the state and worker the remote reports,
 * then the remote's result; a failure with the remote's stage. */
static void
test_pipeline_remote (void)
{
  g_autofree char *dir = assay_test_tmp_dir_new ("assay-remote-XXXXXX");
  g_autofree char *path = assay_test_pdf_write_temp (dir, "report.pdf", assay_test_report_pages, 2);
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) local = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(TestRemote) remote = g_object_new (TEST_TYPE_REMOTE, NULL);
  AssayDocument *reference, *document;
  guint worker_notes = 0;

  reference = assay_test_pipeline_add_path (local, path);
  g_assert_true (assay_test_pipeline_wait_idle (local, WAIT_LIMIT_US));
  g_assert_cmpint (assay_document_get_state (reference), ==, ASSAY_DOCUMENT_DONE);
  remote->answer = json_node_copy (assay_document_get_result (reference));

  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (remote));
  g_assert_true (assay_pipeline_get_remote (pipeline) == ASSAY_REMOTE (remote));
  document = assay_test_pipeline_add_path (pipeline, path);
  current_document = document;
  g_signal_connect (document, "notify::worker", G_CALLBACK (count_notify), &worker_notes);
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, WAIT_LIMIT_US));

  g_assert_cmpuint (remote->n_calls, ==, 1);
  g_assert_cmpstr (remote->seen_worker, ==, "worker-7");
  g_assert_null (assay_document_get_worker (document));
  g_assert_cmpuint (worker_notes, ==, 2);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_false (assay_document_get_cached (document));
  g_assert_cmpuint (assay_document_get_n_figures (document), ==, assay_document_get_n_figures (reference));
  g_assert_true (json_node_equal (assay_document_get_result (document),
                                  assay_document_get_result (reference)));

  /* A failure on the cluster fails the document, at the stage it names. */
  g_clear_pointer (&remote->answer, json_node_unref);
  assay_pipeline_retry (pipeline, document);
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, WAIT_LIMIT_US));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_FAILED);
  g_assert_cmpint (assay_document_get_error_stage (document), ==, ASSAY_STAGE_ANALYSE);
  g_assert_cmpstr (assay_document_get_error_message (document), ==, "It failed on the cluster");
  current_document = NULL;

  assay_pipeline_shutdown (pipeline);
  assay_pipeline_shutdown (local);
  assay_test_remove_tree (dir);
}

/* The text read on one machine is the text analysed on another. */
static void
test_pdf_text_json (void)
{
  g_autofree char *dir = assay_test_tmp_dir_new ("assay-text-json-XXXXXX");
  g_autofree char *path = assay_test_pdf_write_temp (dir, "report.pdf", assay_test_report_pages, 2);
  g_autoptr(AssayPdfText) text = NULL;
  g_autoptr(AssayPdfText) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node_back = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_back = NULL;
  AssayReadLimits limits;

  assay_read_limits_init_default (&limits);
  text = assay_pdf_read_range (path, NULL, 0, 2, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (text->pages->len, ==, 2);

  node = assay_pdf_text_to_json (text);
  json = json_to_string (node, FALSE);
  back = assay_pdf_text_from_json (node, &error);
  g_assert_no_error (error);
  node_back = assay_pdf_text_to_json (back);
  json_back = json_to_string (node_back, FALSE);
  g_assert_cmpstr (json, ==, json_back);

  g_assert_cmpuint (back->n_pages, ==, text->n_pages);
  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *a = g_ptr_array_index (text->pages, i);
      const AssayPageText *b = g_ptr_array_index (back->pages, i);

      g_assert_cmpstr (a->text, ==, b->text);
      g_assert_cmpuint (a->boxes != NULL ? a->boxes->len : 0, ==, b->boxes != NULL ? b->boxes->len : 0);
      if (a->boxes != NULL)
        g_assert_cmpmem (a->boxes->data, a->boxes->len * sizeof (AssayTextBox),
                         b->boxes->data, b->boxes->len * sizeof (AssayTextBox));
    }

  /* Damaged: a box past its page's text. */
  bad = json_from_string ("{\"pages\":[{\"index\":0,\"text\":\"12\",\"boxes\":[0,9,1,1,1,1]}]}", &error);
  g_assert_no_error (error);
  g_assert_null (assay_pdf_text_from_json (bad, &error));
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_DAMAGED);

  assay_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/remote/pipeline", test_pipeline_remote);
  g_test_add_func ("/assay/remote/pdf-text-json", test_pdf_text_json);

  return g_test_run ();
}
