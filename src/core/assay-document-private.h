/* assay-document-private.h — what the pipeline changes on a document
 *
 * For the pipeline (and the session restoring it, and tests) only: the
 * window and the CLI read documents, they do not change them.
 */
#pragma once

#include "assay-document.h"

G_BEGIN_DECLS

AssayDocument *_assay_document_new_restored       (const char         *path,
                                                   guint               index,
                                                   const char         *sha256,
                                                   AssayDocumentState  state,
                                                   const char         *template_key,
                                                   const char         *extractor_id);
void           _assay_document_restore            (AssayDocument      *self,
                                                   guint               n_pages,
                                                   goffset             size,
                                                   guint               n_figures,
                                                   guint               n_verified,
                                                   const char         *title,
                                                   gboolean            cached,
                                                   AssayStage          error_stage,
                                                   const char         *error_message,
                                                   const char         *duplicate_of);
void           _assay_document_set_sha256         (AssayDocument      *self,
                                                   const char         *sha256);
void           _assay_document_set_size           (AssayDocument      *self,
                                                   goffset             size);
void           _assay_document_set_state          (AssayDocument      *self,
                                                   AssayDocumentState  state);
void           _assay_document_set_progress       (AssayDocument      *self,
                                                   double              progress);
void           _assay_document_set_n_pages        (AssayDocument      *self,
                                                   guint               n_pages);
void           _assay_document_set_pages_read     (AssayDocument      *self,
                                                   guint               pages_read,
                                                   guint               n_pages);
void           _assay_document_set_tokens         (AssayDocument      *self,
                                                   guint64             tokens);
void           _assay_document_set_cached         (AssayDocument      *self,
                                                   gboolean            cached);
void           _assay_document_fail               (AssayDocument      *self,
                                                   AssayDocumentState  state,
                                                   AssayStage          stage,
                                                   const char         *message);
void           _assay_document_set_duplicate_of   (AssayDocument      *self,
                                                   const char         *original_path);
void           _assay_document_set_result         (AssayDocument      *self,
                                                   JsonNode           *result);
void           _assay_document_set_result_text    (AssayDocument      *self,
                                                   GBytes             *text);
void           _assay_document_set_stage_ms       (AssayDocument      *self,
                                                   AssayStage          stage,
                                                   double              ms);
void           _assay_document_set_waiting_until  (AssayDocument      *self,
                                                   gint64              until_us);
void           _assay_document_set_summary        (AssayDocument      *self,
                                                   guint               n_figures,
                                                   guint               n_verified,
                                                   const char         *title);
void           _assay_document_set_processed_with (AssayDocument      *self,
                                                   const char         *template_key,
                                                   const char         *extractor_id);
void           _assay_document_set_worker         (AssayDocument      *self,
                                                   const char         *worker);

G_END_DECLS
