/* assay-spinner.h — a busy indicator that only redraws
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_SPINNER (assay_spinner_get_type ())
G_DECLARE_FINAL_TYPE (AssaySpinner, assay_spinner, ASSAY, SPINNER, GtkWidget)

GtkWidget *assay_spinner_new          (void);
gboolean   assay_spinner_get_spinning (AssaySpinner *self);
void       assay_spinner_set_spinning (AssaySpinner *self,
                                       gboolean      spinning);

G_END_DECLS
