/* assay-window-dnd.c — PDFs and folders dropped anywhere on the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One drop target over the whole window takes a GdkFileList (inside
 * Flatpak, document-portal paths); while a drag is over the window, an
 * overlay says that a drop adds the files.
 */
#define G_LOG_DOMAIN "assay-window-dnd"

#include "config.h"

#include "assay-window-private.h"

static gboolean
drop_target_drop (AssayWindow   *self,
                  const GValue  *value,
                  double         x,
                  double         y,
                  GtkDropTarget *target)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  GSList *list;

  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  for (const GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  if (files->len == 0)
    return FALSE;

  g_debug ("%u files dropped", files->len);
  assay_window_add_files (self, (GFile **) files->pdata, files->len);

  return TRUE;
}

static void
current_drop_changed (AssayWindow   *self,
                      GParamSpec    *pspec,
                      GtkDropTarget *target)
{
  gtk_revealer_set_reveal_child (self->drop_revealer,
                                 gtk_drop_target_get_current_drop (target) != NULL);
}

void
_assay_window_dnd_init (AssayWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (drop_target_drop), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "notify::current-drop", G_CALLBACK (current_drop_changed),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
