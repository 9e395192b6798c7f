/* assay-drag-source.c — a window to drag files from, for the end-to-end test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   assay-drag-source FILE…
 *
 * Shows a 300×200 window titled "assay-drag-source" whose whole surface is
 * a GtkDragSource offering FILE… as a GdkFileList (over X11, text/uri-list:
 * a real XDND drag, as from a file manager). Exits when closed.
 */
#define G_LOG_DOMAIN "assay-drag-source"

#include "config.h"

#include <gtk/gtk.h>

static GSList *files;

static GdkContentProvider *
prepare (GtkDragSource *source,
         double         x,
         double         y,
         gpointer       user_data)
{
  g_message ("drag prepared with %u files", g_slist_length (files));
  return gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, files);
}

static void
drag_end (GtkDragSource *source,
          GdkDrag       *drag,
          gboolean       delete_data,
          gpointer       user_data)
{
  g_message ("drag ended");
}

static void
activate (GtkApplication *app,
          gpointer        user_data)
{
  GtkWidget *window = gtk_application_window_new (app);
  GtkWidget *label = gtk_label_new ("Drag these files");
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_window_set_title (GTK_WINDOW (window), "assay-drag-source");
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  gtk_window_set_child (GTK_WINDOW (window), label);

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (prepare), NULL);
  g_signal_connect (source, "drag-end", G_CALLBACK (drag_end), NULL);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (source));

  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = NULL;
  int status;

  for (int i = argc - 1; i >= 1; i--)
    files = g_slist_prepend (files, g_file_new_for_commandline_arg (argv[i]));

  app = gtk_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);

  /* The files are ours, not options. */
  status = g_application_run (G_APPLICATION (app), 1, argv);
  g_slist_free_full (files, g_object_unref);

  return status;
}
