/* assay-extractor.h — the extract stage's plug-in point
 *
 * The pipeline calls an AssayExtractor from the main thread. The offline
 * extractor runs its work on the CPU pool; the language-model client does
 * HTTP on the main loop. Both complete in the main context.
 */
#pragma once

#include <gio/gio.h>

#include "assay-extraction.h"
#include "assay-pdf-text.h"
#include "assay-template.h"

G_BEGIN_DECLS

/* Called on the main thread while an extraction runs. @fraction is in [0, 1]
 * or negative when unknown; @tokens counts model output tokens so far. */
typedef void (*AssayExtractProgress) (gpointer user_data,
                                      double   fraction,
                                      guint64  tokens);

/* Called on the main thread when the extraction starts or stops waiting
 * for the model server's rate limit: @until_monotonic_us is the
 * g_get_monotonic_time() it waits until, 0 when it no longer waits. Gets
 * the request's progress_data. */
typedef void (*AssayExtractWaiting) (gpointer user_data,
                                     gint64   until_monotonic_us);

typedef struct
{
  AssayPdfText         *text;          /* shared, read-only */
  AssayTemplate        *template_;
  const char           *display_name;  /* for messages: the file's basename */
  AssayExtractProgress  progress;      /* nullable */
  gpointer              progress_data;
  AssayExtractWaiting   waiting;       /* nullable; called with progress_data */
} AssayExtractRequest;

#define ASSAY_TYPE_EXTRACTOR (assay_extractor_get_type ())
G_DECLARE_INTERFACE (AssayExtractor, assay_extractor, ASSAY, EXTRACTOR, GObject)

struct _AssayExtractorInterface
{
  GTypeInterface parent_iface;

  char            *(*dup_id)         (AssayExtractor      *self);
  void             (*extract_async)  (AssayExtractor      *self,
                                      const AssayExtractRequest *request,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
  AssayExtraction *(*extract_finish) (AssayExtractor      *self,
                                      GAsyncResult        *result,
                                      GError             **error);
};

char            *assay_extractor_dup_id         (AssayExtractor             *self);
void             assay_extractor_extract_async  (AssayExtractor             *self,
                                                 const AssayExtractRequest  *request,
                                                 GCancellable               *cancellable,
                                                 GAsyncReadyCallback         callback,
                                                 gpointer                    user_data);
AssayExtraction *assay_extractor_extract_finish (AssayExtractor             *self,
                                                 GAsyncResult               *result,
                                                 GError                    **error);

G_END_DECLS
