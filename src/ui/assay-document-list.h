/* assay-document-list.h — the pipeline's documents, with the batch's state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-pipeline.h"

G_BEGIN_DECLS

typedef struct
{
  guint  n_documents;
  guint  n_queued;           /* queued or checking the file */
  guint  n_running;          /* reading, extracting or analysing */
  guint  n_done;
  guint  n_failed;
  guint  n_needs_password;
  guint  n_cancelled;
  guint  n_duplicates;
  double progress;           /* 0..1 over every document of the list */
} AssayDocumentCounts;

#define ASSAY_TYPE_DOCUMENT_LIST (assay_document_list_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocumentList, assay_document_list, ASSAY, DOCUMENT_LIST, GtkWidget)

GtkWidget     *assay_document_list_new                   (AssayPipeline       *pipeline);
void           assay_document_list_set_pipeline          (AssayDocumentList   *self,
                                                          AssayPipeline       *pipeline);
AssayPipeline *assay_document_list_get_pipeline          (AssayDocumentList   *self);
AssayDocument *assay_document_list_get_selected_document (AssayDocumentList   *self);
void           assay_document_list_select                (AssayDocumentList   *self,
                                                          guint                position);
gboolean       assay_document_list_select_relative       (AssayDocumentList   *self,
                                                          int                  delta);
void           assay_document_list_get_counts            (AssayDocumentList   *self,
                                                          AssayDocumentCounts *counts);
void           assay_document_list_refresh               (AssayDocumentList   *self);
GtkWidget     *assay_document_list_find_row              (AssayDocumentList   *self,
                                                          AssayDocument       *document);

G_END_DECLS
