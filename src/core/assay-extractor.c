/* assay-extractor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-extractor"

#include "config.h"

#include "assay-extractor.h"

G_DEFINE_INTERFACE (AssayExtractor, assay_extractor, G_TYPE_OBJECT)

static void
assay_extractor_default_init (AssayExtractorInterface *iface)
{
}

/**
 * assay_extractor_dup_id:
 *
 * The extractor's identity for the result cache: a method, provider and
 * model string such as "offline-1" or "llm-ollama-llama3.1". Two extractors
 * with the same id must give the same results.
 *
 * Returns: (transfer full): the id
 */
char *
assay_extractor_dup_id (AssayExtractor *self)
{
  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (self), NULL);

  return ASSAY_EXTRACTOR_GET_IFACE (self)->dup_id (self);
}

/**
 * assay_extractor_extract_async:
 * @request: (transfer none): copied or referenced as needed by the extractor
 *
 * Main thread only. The callback runs in the main context.
 */
void
assay_extractor_extract_async (AssayExtractor            *self,
                               const AssayExtractRequest *request,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data)
{
  g_return_if_fail (ASSAY_IS_EXTRACTOR (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->text != NULL);
  g_return_if_fail (request->template_ != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ASSAY_EXTRACTOR_GET_IFACE (self)->extract_async (self, request, cancellable, callback, user_data);
}

/**
 * assay_extractor_extract_finish:
 *
 * Returns: (transfer full): the extraction, or %NULL with @error set
 */
AssayExtraction *
assay_extractor_extract_finish (AssayExtractor  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (self), NULL);

  return ASSAY_EXTRACTOR_GET_IFACE (self)->extract_finish (self, result, error);
}
