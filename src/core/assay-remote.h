/* assay-remote.h — documents processed elsewhere: the pipeline's seam for
 * cluster mode
 *
 * When a pipeline has an AssayRemote, a document it identified (hashed, and
 * not found in the local store) is handed to the remote instead of being
 * read, extracted and analysed here; the remote reports the document's
 * stage, progress and worker, and returns the finished result (the same
 * assay-result/2 JSON as a local run). The documents, the list model, the
 * counts, the local store and the outputs stay the pipeline's, so a window
 * and the CLI use cluster mode with no other change. Main thread only.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "assay-document.h"
#include "assay-metrics.h"
#include "assay-template.h"

G_BEGIN_DECLS

/* Called on the main thread as the document moves: @state is READING,
 * EXTRACTING or ANALYSING (QUEUED while it waits for a worker); @fraction
 * in [0, 1] over the whole remote processing, or negative when unknown;
 * @worker the name of the worker holding it (nullable). */
typedef void (*AssayRemoteProgress) (gpointer            user_data,
                                     AssayDocumentState  state,
                                     double              fraction,
                                     const char         *worker);

typedef struct
{
  const char          *path;          /* the file, readable here */
  const char          *sha256;
  goffset              size;
  AssayTemplate       *template_;
  const char          *template_key;  /* the store key's parts */
  const char          *extractor_id;
  AssayRemoteProgress  progress;      /* nullable */
  gpointer             progress_data;
  const char          *password;      /* nullable: the PDF's (a secret: never logged) */
} AssayRemoteRequest;

#define ASSAY_TYPE_REMOTE (assay_remote_get_type ())

G_DECLARE_INTERFACE (AssayRemote, assay_remote, ASSAY, REMOTE, GObject)

struct _AssayRemoteInterface
{
  GTypeInterface parent_iface;

  void      (*process_async)  (AssayRemote               *self,
                               const AssayRemoteRequest  *request,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data);
  JsonNode *(*process_finish) (AssayRemote               *self,
                               GAsyncResult              *result,
                               AssayStage                *error_stage,
                               GError                   **error);
  /* Optional: the result as its digest and @text (see
   * assay_remote_process_finish_full()); process_finish() still returns
   * the whole result. */
  JsonNode *(*process_finish_full) (AssayRemote           *self,
                                    GAsyncResult          *result,
                                    AssayStage            *error_stage,
                                    GBytes               **text,
                                    GError               **error);
};

void      assay_remote_process_async  (AssayRemote               *self,
                                       const AssayRemoteRequest  *request,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data);
JsonNode *assay_remote_process_finish (AssayRemote               *self,
                                       GAsyncResult              *result,
                                       AssayStage                *error_stage,
                                       GError                   **error);

JsonNode *assay_remote_process_finish_full (AssayRemote          *self,
                                            GAsyncResult         *result,
                                            AssayStage           *error_stage,
                                            GBytes              **text,
                                            GError              **error);

G_END_DECLS
