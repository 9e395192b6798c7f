/* assay-results-export.h — documents' results as a JSON or CSV file
 *
 * JSON: a run object as `assay --headless --format json` writes it
 * ({"result_version", "assay_version", "documents": [...]}) holding each
 * document's stored result as it is; CSV: the headless run's rows, one per
 * key figure (assay_result_append_csv()). The results are read from the
 * store on the worker pool (the window does not keep them in memory) and
 * the file is replaced atomically. Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-pipeline.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_RESULTS_FORMAT_JSON,
  ASSAY_RESULTS_FORMAT_CSV,
} AssayResultsFormat;

void      assay_results_export_async       (AssayPipeline       *pipeline,
                                            GPtrArray           *documents,
                                            AssayResultsFormat   format,
                                            GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
guint     assay_results_export_finish      (AssayPipeline       *pipeline,
                                            GAsyncResult        *result,
                                            GError             **error);
void      assay_results_export_with_dialog (GtkWindow           *parent,
                                            AssayPipeline       *pipeline,
                                            GPtrArray           *documents,
                                            AssayResultsFormat   format);

G_END_DECLS
