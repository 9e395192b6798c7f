/* assay-ui-input.h — files from a drop or the Open dialog into the pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stands in for assay_pipeline_add_files_async() until the core has it, with
 * the same shape: folders are expanded and every file is looked at off the
 * main thread, PDFs are queued (in slices, so that ten thousand rows do not
 * stall a frame) and what is not a PDF comes back to be named to the user.
 */
#pragma once

#include "assay-pipeline.h"

G_BEGIN_DECLS

void       _assay_ui_add_files_async  (AssayPipeline        *pipeline,
                                       GFile               **files,
                                       guint                 n_files,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *_assay_ui_add_files_finish (AssayPipeline        *pipeline,
                                       GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
