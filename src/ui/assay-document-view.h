/* assay-document-view.h — what was found in the selected document
 *
 * Loads the document's result off the main thread and shows it: the
 * extracted fields, the key figures in a sortable table with their page and
 * verification, warnings, and the analysis summary, beside a preview of the
 * page a selected figure was found on, its place highlighted. A document
 * that is not done yet shows its status; a failed one its message.
 *
 * The box returned by assay_document_view_get_charts_box() is where charts
 * go (empty and hidden until something is put in it).
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-document-result.h"
#include "assay-pipeline.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_DOCUMENT_VIEW (assay_document_view_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocumentView, assay_document_view, ASSAY, DOCUMENT_VIEW, GtkWidget)

AssayDocumentView   *assay_document_view_new            (void);
void                 assay_document_view_set_document   (AssayDocumentView *self,
                                                         AssayPipeline     *pipeline,
                                                         AssayDocument     *document);
void                 assay_document_view_set_document_soon (AssayDocumentView *self,
                                                            AssayPipeline     *pipeline,
                                                            AssayDocument     *document);
AssayDocument       *assay_document_view_get_document   (AssayDocumentView *self);
AssayDocumentResult *assay_document_view_get_result     (AssayDocumentView *self);
GtkBox              *assay_document_view_get_charts_box (AssayDocumentView *self);
void                 assay_document_view_select_figure  (AssayDocumentView *self,
                                                         guint              position);
void                 assay_document_view_show_page      (AssayDocumentView *self,
                                                         guint              page);

G_END_DECLS
