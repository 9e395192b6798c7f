/* assay-remote.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-remote"

#include "config.h"

#include "assay-remote.h"

G_DEFINE_INTERFACE (AssayRemote, assay_remote, G_TYPE_OBJECT)

static void
assay_remote_default_init (AssayRemoteInterface *iface)
{
}

/**
 * assay_remote_process_async:
 * @request: (transfer none): copied as needed before this returns
 *
 * Has the document of @request read, extracted and analysed elsewhere.
 * @request's progress callback runs on the main thread until @callback
 * has run. Main thread.
 */
void
assay_remote_process_async (AssayRemote              *self,
                            const AssayRemoteRequest *request,
                            GCancellable             *cancellable,
                            GAsyncReadyCallback       callback,
                            gpointer                  user_data)
{
  g_return_if_fail (ASSAY_IS_REMOTE (self));
  g_return_if_fail (request != NULL && request->path != NULL && request->sha256 != NULL);

  ASSAY_REMOTE_GET_IFACE (self)->process_async (self, request, cancellable, callback, user_data);
}

/**
 * assay_remote_process_finish:
 * @error_stage: (out) (optional): on failure, the stage that failed
 *
 * Returns: (transfer full): the result (its `cached` member says whether
 *   it was found done rather than made now), or %NULL with @error set:
 *   %ASSAY_READ_ERROR_NEEDS_PASSWORD, %G_IO_ERROR_CANCELLED, or any other
 *   error with a message a person understands
 */
JsonNode *
assay_remote_process_finish (AssayRemote   *self,
                             GAsyncResult  *result,
                             AssayStage    *error_stage,
                             GError       **error)
{
  AssayStage stage = ASSAY_STAGE_EXTRACT;
  JsonNode *node;

  g_return_val_if_fail (ASSAY_IS_REMOTE (self), NULL);

  node = ASSAY_REMOTE_GET_IFACE (self)->process_finish (self, result, &stage, error);
  if (error_stage != NULL)
    *error_stage = stage;

  return node;
}

/**
 * assay_remote_process_finish_full:
 * @error_stage: (out) (optional): on failure, the stage that failed
 * @text: (out) (transfer full): %NULL, or the result's compact text; then
 *   the node returned is the result's digest (assay_store_make_digest()),
 *   as a cached document's is, and @text is the whole result
 *
 * assay_remote_process_finish() for a caller that takes a result as its
 * digest and text (the pipeline: it stores and writes the text as it is),
 * so that a remote that has the result as text need not parse all of it.
 *
 * Returns: (transfer full): the result or its digest, or %NULL with @error
 *   set, as assay_remote_process_finish()
 */
JsonNode *
assay_remote_process_finish_full (AssayRemote   *self,
                                  GAsyncResult  *result,
                                  AssayStage    *error_stage,
                                  GBytes       **text,
                                  GError       **error)
{
  AssayRemoteInterface *iface;
  AssayStage stage = ASSAY_STAGE_EXTRACT;
  JsonNode *node;

  g_return_val_if_fail (ASSAY_IS_REMOTE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  *text = NULL;
  iface = ASSAY_REMOTE_GET_IFACE (self);
  if (iface->process_finish_full != NULL)
    node = iface->process_finish_full (self, result, &stage, text, error);
  else
    node = iface->process_finish (self, result, &stage, error);
  if (error_stage != NULL)
    *error_stage = stage;

  return node;
}
