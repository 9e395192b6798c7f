/* assay-progress-line.h — a thin progress bar that only redraws
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_PROGRESS_LINE (assay_progress_line_get_type ())
G_DECLARE_FINAL_TYPE (AssayProgressLine, assay_progress_line, ASSAY, PROGRESS_LINE, GtkWidget)

GtkWidget *assay_progress_line_new          (void);
double     assay_progress_line_get_fraction (AssayProgressLine *self);
void       assay_progress_line_set_fraction (AssayProgressLine *self,
                                             double             fraction);

G_END_DECLS
