/* assay-string-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean assay_string_list_update (GtkStringList      *list,
                                   const char * const *strings);

G_END_DECLS
