/* assay-document-row.h — one document of the list: stage, progress, actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-pipeline.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_DOCUMENT_ROW (assay_document_row_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocumentRow, assay_document_row, ASSAY, DOCUMENT_ROW, GtkWidget)

GtkWidget     *assay_document_row_new          (AssayPipeline    *pipeline);
AssayDocument *assay_document_row_get_document (AssayDocumentRow *self);
void           assay_document_row_set_document (AssayDocumentRow *self,
                                                AssayDocument    *document);
gboolean       assay_document_row_tick         (AssayDocumentRow *self,
                                                gint64            now);
const char    *assay_document_row_get_status   (AssayDocumentRow *self);
void           assay_document_row_catch_up     (AssayDocumentRow *self);

const char    *assay_document_row_get_shown_status (AssayDocumentRow *self);
const char    *assay_document_row_get_shown_worker (AssayDocumentRow *self);
gboolean       assay_document_row_get_shows_cached (AssayDocumentRow *self);
double         assay_document_row_get_shown_progress (AssayDocumentRow *self);

G_END_DECLS
