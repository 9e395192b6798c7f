/* assay-cli-progress.h — progress of a headless run on a terminal
 *
 * A line per finished document and one overall bar, redrawn at most ten
 * times a second. Quiet when standard error is not a terminal.
 */
#pragma once

#include "assay-pipeline.h"

G_BEGIN_DECLS

typedef struct _AssayCliProgress AssayCliProgress;

AssayCliProgress *assay_cli_progress_new      (AssayPipeline    *pipeline,
                                               gboolean          enabled);
void              assay_cli_progress_free     (AssayCliProgress *self);
void              assay_cli_progress_note     (AssayCliProgress *self,
                                               const char       *format,
                                               ...) G_GNUC_PRINTF (2, 3);
void              assay_cli_progress_document (AssayCliProgress *self,
                                               AssayDocument    *document);
void              assay_cli_progress_clear    (AssayCliProgress *self);
void              assay_cli_progress_set_counts (AssayCliProgress *self,
                                                 guint             n_total,
                                                 guint             n_finished);
gboolean          assay_cli_progress_is_enabled (AssayCliProgress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayCliProgress, assay_cli_progress_free)

G_END_DECLS
