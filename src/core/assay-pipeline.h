/* assay-pipeline.h — documents through read → extract → analyse → store
 *
 * Lives on the main thread and never blocks it. CPU stages run on the worker
 * pool, the extract stage through an AssayExtractor. Each stage has its own
 * bound, and the number of documents holding text at once is bounded too, so
 * memory stays flat however many documents are queued. Stages overlap: one
 * document is read while another waits on the model and a third is analysed.
 */
#pragma once

#include <gio/gio.h>

#include "assay-document.h"
#include "assay-document-result.h"
#include "assay-extractor.h"
#include "assay-input.h"
#include "assay-metrics.h"
#include "assay-page-image.h"
#include "assay-pdf-reader.h"
#include "assay-remote.h"
#include "assay-store.h"
#include "assay-template.h"
#include "assay-trace.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

/* Part of the store key: bump when analysis results change meaning
 * (2: one date reader, no 31 February, month first on dollar pages; figures
 * and fields carry "rects"). */
#define ASSAY_ANALYSIS_VERSION 2

/* A document of a previous session (see assay-session.h). */
typedef struct
{
  char               *path;
  char               *sha256;         /* nullable before it was hashed */
  AssayDocumentState  state;          /* a state before DONE: queued again */
  char               *template_key;   /* what it was processed with */
  char               *extractor_id;
  goffset             size;
  guint               n_pages;
  guint               n_figures;
  guint               n_verified;
  char               *title;
  gboolean            cached;
  AssayStage          error_stage;
  char               *error_message;  /* failed, needs-password, cancelled */
  char               *duplicate_of;
} AssayRestoredDocument;

void            assay_restored_document_free   (AssayRestoredDocument  *restored);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayRestoredDocument, assay_restored_document_free)

#define ASSAY_TYPE_PIPELINE (assay_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (AssayPipeline, assay_pipeline, ASSAY, PIPELINE, GObject)

AssayPipeline  *assay_pipeline_new             (AssayWorkerPool        *pool,
                                                AssayExtractor         *extractor,
                                                AssayTemplate          *template_);
void            assay_pipeline_set_store       (AssayPipeline          *self,
                                                AssayStore             *store,
                                                gboolean                read_cache);
void            assay_pipeline_set_remote      (AssayPipeline          *self,
                                                AssayRemote            *remote);
AssayRemote    *assay_pipeline_get_remote      (AssayPipeline          *self);
void            assay_pipeline_set_password    (AssayPipeline          *self,
                                                const char             *password);
void            assay_pipeline_set_read_limits (AssayPipeline          *self,
                                                const AssayReadLimits  *limits);
void            assay_pipeline_set_trace       (AssayPipeline          *self,
                                                AssayTrace             *trace);
void            assay_pipeline_set_max_active  (AssayPipeline          *self,
                                                guint                   max_active);
AssayMetrics   *assay_pipeline_get_metrics     (AssayPipeline          *self);
GListModel     *assay_pipeline_get_documents   (AssayPipeline          *self);
char           *assay_pipeline_dup_extractor_id (AssayPipeline         *self);
AssayDocument  *assay_pipeline_add             (AssayPipeline          *self,
                                                const AssayInputFile   *input);
void            assay_pipeline_cancel          (AssayPipeline          *self,
                                                AssayDocument          *document);
void            assay_pipeline_cancel_all      (AssayPipeline          *self);
void            assay_pipeline_retry           (AssayPipeline          *self,
                                                AssayDocument          *document);
void            assay_pipeline_remove          (AssayPipeline          *self,
                                                AssayDocument          *document);
void            assay_pipeline_forget          (AssayPipeline          *self,
                                                AssayDocument          *document);
void            assay_pipeline_set_paused      (AssayPipeline          *self,
                                                gboolean                paused);
guint           assay_pipeline_get_n_unfinished (AssayPipeline         *self);
guint           assay_pipeline_get_peak_holding_text (AssayPipeline    *self);
void            assay_pipeline_wait_async      (AssayPipeline          *self,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean        assay_pipeline_wait_finish     (AssayPipeline          *self,
                                                GAsyncResult           *result,
                                                GError                **error);

/* For a window */
guint           assay_pipeline_get_n_documents (AssayPipeline          *self);
guint           assay_pipeline_get_n_in_state  (AssayPipeline          *self,
                                                AssayDocumentState      state);
double          assay_pipeline_get_progress    (AssayPipeline          *self);

/* The most files assay_pipeline_add_files_async() lists in one main-loop
 * turn (one change of the documents list). */
#define ASSAY_PIPELINE_HANDOVER_SLICE 64

void            assay_pipeline_add_files_async (AssayPipeline          *self,
                                                GFile                 **files,
                                                guint                   n_files,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
GPtrArray      *assay_pipeline_add_files_finish (AssayPipeline         *self,
                                                 GAsyncResult          *result,
                                                 GError               **error);
void            assay_pipeline_add_restored    (AssayPipeline          *self,
                                                GPtrArray              *restored);
void            assay_pipeline_retry_with_password (AssayPipeline      *self,
                                                    AssayDocument      *document,
                                                    const char         *password);
void            assay_pipeline_prioritize      (AssayPipeline          *self,
                                                AssayDocument          *document);
void            assay_pipeline_set_extractor   (AssayPipeline          *self,
                                                AssayExtractor         *extractor);
void            assay_pipeline_set_template    (AssayPipeline          *self,
                                                AssayTemplate          *template_);
AssayStore     *assay_pipeline_get_store       (AssayPipeline          *self);
void            assay_pipeline_set_keep_results (AssayPipeline         *self,
                                                 gboolean               keep);
void            assay_pipeline_clear_finished  (AssayPipeline          *self);
void            assay_pipeline_shutdown        (AssayPipeline          *self);

/* assay-pipeline-result.c: what the window shows of a document */
void                 assay_pipeline_load_result_async  (AssayPipeline        *self,
                                                        AssayDocument        *document,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
AssayDocumentResult *assay_pipeline_load_result_finish (AssayPipeline        *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                 assay_pipeline_render_page_async  (AssayPipeline        *self,
                                                        AssayDocument        *document,
                                                        guint                 page,
                                                        guint                 width_px,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
AssayPageImage      *assay_pipeline_render_page_finish (AssayPipeline        *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* < private > for assay-pipeline-result.c */
AssayWorkerPool       *_assay_pipeline_get_pool            (AssayPipeline  *self);
void                   _assay_pipeline_get_store_key_parts (AssayPipeline  *self,
                                                            AssayDocument  *document,
                                                            const char    **template_key,
                                                            const char    **extractor_id);
const char            *_assay_pipeline_get_password        (AssayPipeline  *self,
                                                            AssayDocument  *document);
const AssayReadLimits *_assay_pipeline_get_read_limits     (AssayPipeline  *self);

G_END_DECLS
