/* assay-icon-button.h — a button that draws its icon: one CSS node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_ICON_BUTTON (assay_icon_button_get_type ())
G_DECLARE_FINAL_TYPE (AssayIconButton, assay_icon_button, ASSAY, ICON_BUTTON, GtkButton)

GtkWidget  *assay_icon_button_new           (const char      *icon_name);
const char *assay_icon_button_get_icon_name (AssayIconButton *self);

G_END_DECLS
