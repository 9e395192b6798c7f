/* assay-window.h — the main window: drop PDFs, follow them, read results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "assay-application.h"
#include "assay-document-list.h"
#include "assay-pipeline.h"
#include "assay-session.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_WINDOW (assay_window_get_type ())
G_DECLARE_FINAL_TYPE (AssayWindow, assay_window, ASSAY, WINDOW, AdwApplicationWindow)

AssayWindow       *assay_window_new                   (AssayApplication *application);
AssayPipeline     *assay_window_get_pipeline          (AssayWindow      *self);
AssayDocument     *assay_window_get_selected_document (AssayWindow      *self);
AssayDocumentList *assay_window_get_document_list     (AssayWindow      *self);
GCancellable      *assay_window_get_cancellable       (AssayWindow      *self);
GtkWidget         *assay_window_get_activity_panel    (AssayWindow      *self);
void               assay_window_add_files             (AssayWindow      *self,
                                                       GFile           **files,
                                                       guint             n_files);
void               assay_window_set_session           (AssayWindow      *self,
                                                       AssaySession     *session);
void               assay_window_set_document_view     (AssayWindow      *self,
                                                       GtkWidget        *view);
void               assay_window_add_toast             (AssayWindow      *self,
                                                       const char       *title);

G_END_DECLS
