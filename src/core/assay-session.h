/* assay-session.h — the window's documents, kept from one start to the next
 *
 * The list of documents of the window's pipeline (path, sha256, state,
 * what each was processed with, the summary a row shows) is saved as JSON
 * under $XDG_DATA_HOME/assay/session.json, atomically, a little after it
 * changes; the results themselves stay in the store. Restoring reads and
 * parses the file on the worker pool and gives back what to hand to
 * assay_pipeline_add_restored(): finished documents come back as they were,
 * without reading, hashing or parsing anything on the main thread;
 * documents that were at work are queued again.
 */
#pragma once

#include <gio/gio.h>

#include "assay-pipeline.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

/* Changes are saved this long after the first of them. */
#define ASSAY_SESSION_SAVE_DELAY_MS 1500

#define ASSAY_TYPE_SESSION (assay_session_get_type ())
G_DECLARE_FINAL_TYPE (AssaySession, assay_session, ASSAY, SESSION, GObject)

AssaySession *assay_session_new             (AssayWorkerPool     *pool,
                                             const char          *path);
const char   *assay_session_get_path        (AssaySession        *self);
void          assay_session_restore_async   (AssaySession        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray    *assay_session_restore_finish  (AssaySession        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          assay_session_watch           (AssaySession        *self,
                                             AssayPipeline       *pipeline);
void          assay_session_close_async     (AssaySession        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      assay_session_close_finish    (AssaySession        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
guint         assay_session_get_n_saves     (AssaySession        *self);

G_END_DECLS
