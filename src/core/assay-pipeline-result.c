/* assay-pipeline-result.c — what the window shows of a document
 *
 * Functions of AssayPipeline (declared in assay-pipeline.h) that hand the
 * window a document's result as objects. The pipeline's bookkeeping stays in
 * assay-pipeline.c; this file only reads it through the _assay_pipeline_*
 * accessors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-pipeline-result"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-pdf-reader-private.h"
#include "assay-pipeline.h"

/* A person is waiting for these: ahead of every batch step. */
#define PRIORITY_INTERACTIVE (-10)

/* ------------------------------------------------------------ load result */

typedef struct
{
  JsonNode   *node;    /* the document's result in memory, or */
  GBytes     *text;    /* its compact text, or */
  AssayStore *store;   /* the store to load it from under */
  char       *key;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_clear_pointer (&load->node, json_node_unref);
  g_clear_pointer (&load->text, g_bytes_unref);
  g_clear_object (&load->store);
  g_clear_pointer (&load->key, g_free);
  g_free (load);
}

/* On a worker: nothing here touches a main-thread object. */
static void
load_result_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  LoadData *load = task_data;
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(JsonParser) parser = NULL;
  GError *error = NULL;
  JsonNode *node = load->node;
  AssayDocumentResult *result;

  if (node == NULL && load->text != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (load->text, &length);

      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, data, length, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      node = json_parser_get_root (parser);
    }
  else if (node == NULL)
    {
      stored = assay_store_load (load->store, load->key, cancellable, &error);
      if (stored == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      node = stored;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  result = assay_document_result_new_from_json (node, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

/* Main thread: back from the worker, into the caller's task. */
static void
load_result_done (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  AssayDocumentResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, result, g_object_unref);
}

/**
 * assay_pipeline_load_result_async:
 * @document: a document of this pipeline
 *
 * The document's result as objects: made from the result in memory when the
 * document holds it, otherwise loaded from the store. Parsing runs on the
 * pipeline's worker pool, ahead of batch work. Main thread.
 *
 * A completion after the caller has moved on is harmless: the task holds
 * what it needs, and a cancelled call ends with %G_IO_ERROR_CANCELLED.
 */
void
assay_pipeline_load_result_async (AssayPipeline       *self,
                                  AssayDocument       *document,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  JsonNode *node;
  GBytes *text;
  LoadData *load;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_pipeline_load_result_async);
  g_task_set_check_cancellable (task, TRUE);

  load = g_new0 (LoadData, 1);
  node = assay_document_get_result (document);
  text = assay_document_get_result_text (document);

  /* A cached document's node is the stored result's digest
   * (assay_store_load_digest()), not the whole result: the text is. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "digest"))
    node = NULL;

  /* A sealed node is safe to read from a worker; an unsealed one is too
   * once set on the document (nothing changes it then), but the text is
   * the surer copy when it is at hand. */
  if (node != NULL && (json_node_is_immutable (node) || text == NULL))
    load->node = json_node_ref (node);
  else if (text != NULL)
    load->text = g_bytes_ref (text);
  else if (assay_pipeline_get_store (self) != NULL &&
           assay_document_get_sha256 (document) != NULL &&
           assay_document_get_state (document) == ASSAY_DOCUMENT_DONE)
    {
      const char *template_key;
      const char *extractor_id;

      _assay_pipeline_get_store_key_parts (self, document, &template_key, &extractor_id);
      load->store = g_object_ref (assay_pipeline_get_store (self));
      load->key = assay_store_dup_key (load->store, assay_document_get_sha256 (document),
                                       template_key, extractor_id);
    }
  else
    {
      load_data_free (load);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               /* Translators: %s is a file name */
                               _("“%s” has no result yet."),
                               assay_document_get_name (document));
      return;
    }

  /* No source object: the inner task may end on a worker, which must
   * never drop the last reference of a main-thread object. */
  inner = g_task_new (NULL, cancellable, load_result_done, g_steal_pointer (&task));
  g_task_set_source_tag (inner, load_result_worker);
  g_task_set_task_data (inner, load, load_data_free);
  assay_worker_pool_run (_assay_pipeline_get_pool (self), inner,
                         PRIORITY_INTERACTIVE, load_result_worker);
}

/**
 * assay_pipeline_load_result_finish:
 *
 * Returns: (transfer full): the result, or %NULL with an error:
 *   %G_IO_ERROR_NOT_FOUND when the document has no result (yet, or no
 *   longer in the store), %G_IO_ERROR_INVALID_DATA when it is damaged,
 *   %G_IO_ERROR_CANCELLED
 */
AssayDocumentResult *
assay_pipeline_load_result_finish (AssayPipeline  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_pipeline_load_result_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------ render page */

typedef struct
{
  char            *path;
  char            *password;
  guint            page_index;
  guint            width_px;
  AssayReadLimits  limits;
} RenderData;

static void
render_data_free (gpointer data)
{
  RenderData *render = data;

  g_free (render->path);
  if (render->password != NULL)
    {
      memset (render->password, 0, strlen (render->password));
      g_free (render->password);
    }
  g_free (render);
}

/* On a worker, waiting on the helper: nothing here touches a main-thread
 * object. Cancelling kills the helper. */
static void
render_page_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RenderData *render = task_data;
  GError *error = NULL;
  AssayPageImage *image;

  image = _assay_pdf_render_page_isolated (render->path, render->password,
                                           render->page_index, render->width_px,
                                           &render->limits, cancellable, &error);
  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, (GDestroyNotify) assay_page_image_free);
}

static void
render_page_done (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  AssayPageImage *image;

  image = g_task_propagate_pointer (G_TASK (res), &error);
  if (image == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, image, (GDestroyNotify) assay_page_image_free);
}

/**
 * assay_pipeline_render_page_async:
 * @document: a document of this pipeline
 * @page: 1-based
 * @width_px: the width wanted, 1 to 16384; the image is narrower when the
 *   page at that width would pass 16 Mi pixels
 *
 * Renders a page of @document in an assay-pdf-reader helper (poppler never
 * runs in this process), with the password the document was read with, on
 * the worker pool ahead of batch work. Cancelling kills the helper. Main
 * thread.
 */
void
assay_pipeline_render_page_async (AssayPipeline       *self,
                                  AssayDocument       *document,
                                  guint                page,
                                  guint                width_px,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  RenderData *render;
  guint n_pages;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_pipeline_render_page_async);
  g_task_set_check_cancellable (task, TRUE);

  n_pages = assay_document_get_n_pages (document);
  if (page == 0 || (n_pages > 0 && page > n_pages))
    {
      if (n_pages > 0)
        g_task_return_new_error (task, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "There is no page %u: the document has %u page.",
                                              "There is no page %u: the document has %u pages.",
                                              n_pages),
                                 page, n_pages);
      else
        g_task_return_new_error (task, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE,
                                 _("There is no page %u."), page);
      return;
    }
  if (width_px == 0 || width_px > ASSAY_PDF_MAX_RENDER_SIDE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A page cannot be shown %u pixels wide."), width_px);
      return;
    }

  render = g_new0 (RenderData, 1);
  render->path = g_strdup (assay_document_get_path (document));
  render->password = g_strdup (_assay_pipeline_get_password (self, document));
  render->page_index = page - 1;
  render->width_px = width_px;
  render->limits = *_assay_pipeline_get_read_limits (self);

  inner = g_task_new (NULL, cancellable, render_page_done, g_steal_pointer (&task));
  g_task_set_source_tag (inner, render_page_worker);
  g_task_set_task_data (inner, render, render_data_free);
  assay_worker_pool_run (_assay_pipeline_get_pool (self), inner,
                         PRIORITY_INTERACTIVE, render_page_worker);
}

/**
 * assay_pipeline_render_page_finish:
 *
 * Returns: (transfer full): the page, or %NULL with an error:
 *   %ASSAY_READ_ERROR_NO_SUCH_PAGE, another %ASSAY_READ_ERROR (the file
 *   changed, needs a password, the helper failed), %G_IO_ERROR_CANCELLED
 */
AssayPageImage *
assay_pipeline_render_page_finish (AssayPipeline  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_pipeline_render_page_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
