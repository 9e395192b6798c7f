/* assay-window-actions.c — the window's actions and shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * win.open (Ctrl+O) and win.open-folder (Ctrl+Shift+O): the Open dialog,
 * GtkFileChooserNative on GTK 4.8 (a portal inside Flatpak), GtkFileDialog
 * from 4.10; win.cancel-all (Escape); win.clear-finished;
 * win.previous-document / win.next-document (Alt+Up / Alt+Down);
 * win.show-list (back to the list on a folded window).
 */
#define G_LOG_DOMAIN "assay-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-window-private.h"

static void
add_file_list (AssayWindow *self,
               GListModel  *files)
{
  guint n = g_list_model_get_n_items (files);
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));

  assay_window_add_files (self, (GFile **) array->pdata, array->len);
}

static GtkFileFilter *
new_pdf_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PDF Documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");

  return filter;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
dialog_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GListModel) files = NULL;
  GtkFileDialog *dialog = GTK_FILE_DIALOG (object);

  if (g_object_get_data (object, "assay-folders") != NULL)
    files = gtk_file_dialog_select_multiple_folders_finish (dialog, result, NULL);
  else
    files = gtk_file_dialog_open_multiple_finish (dialog, result, NULL);

  if (files != NULL && self->pipeline != NULL)
    add_file_list (self, files);
}

static void
open_dialog (AssayWindow *self,
             gboolean     folders)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_modal (dialog, TRUE);
  if (folders)
    {
      gtk_file_dialog_set_title (dialog, _("Open Folders"));
      g_object_set_data (G_OBJECT (dialog), "assay-folders", GINT_TO_POINTER (1));
      gtk_file_dialog_select_multiple_folders (dialog, GTK_WINDOW (self), self->cancellable,
                                               dialog_done, g_object_ref (self));
    }
  else
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) pdf = new_pdf_filter ();

      g_list_store_append (filters, pdf);
      gtk_file_dialog_set_title (dialog, _("Open PDFs"));
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_set_default_filter (dialog, pdf);
      gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), self->cancellable,
                                     dialog_done, g_object_ref (self));
    }
}

#else

static void
chooser_response (GtkNativeDialog *chooser,
                  int              response,
                  AssayWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      add_file_list (self, files);
    }

  gtk_native_dialog_destroy (chooser);
  if (self->file_chooser == chooser)
    g_clear_object (&self->file_chooser);
}

static void
open_dialog (AssayWindow *self,
             gboolean     folders)
{
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    {
      gtk_native_dialog_show (self->file_chooser);
      return;
    }

  chooser = gtk_file_chooser_native_new (folders ? _("Open Folders") : _("Open PDFs"),
                                         GTK_WINDOW (self),
                                         folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                 : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  if (!folders)
    {
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
      GtkFileFilter *pdf = new_pdf_filter ();

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), pdf);
      g_object_unref (pdf);

      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
    }

  /* The window keeps the dialog: a native dialog is not kept alive by its
   * parent. */
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self, 0);
  gtk_native_dialog_show (self->file_chooser);
}

#endif

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  open_dialog (ASSAY_WINDOW (widget), FALSE);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_dialog (ASSAY_WINDOW (widget), TRUE);
}

static void
cancel_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AssayWindow *self = ASSAY_WINDOW (widget);
  guint n = assay_pipeline_get_n_unfinished (self->pipeline);
  g_autofree char *title = NULL;

  if (n == 0)
    return;

  assay_pipeline_cancel_all (self->pipeline);
  assay_document_list_refresh (self->document_list);

  /* Said, since Escape does it: each can be retried from its row. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled %u document",
                                        "Cancelled %u documents", n), n);
  assay_window_add_toast (self, title);
}

static void
clear_finished_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AssayWindow *self = ASSAY_WINDOW (widget);
  assay_pipeline_clear_finished (self->pipeline);
  assay_document_list_refresh (self->document_list);
}

static void
previous_document_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  assay_document_list_select_relative (ASSAY_WINDOW (widget)->document_list, -1);
}

static void
next_document_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  assay_document_list_select_relative (ASSAY_WINDOW (widget)->document_list, 1);
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AssayWindow *self = ASSAY_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/**
 * _assay_window_actions_update:
 *
 * Enables the actions that have something to act on.
 */
void
_assay_window_actions_update (AssayWindow *self)
{
  GListModel *documents;
  guint n;

  /* Nothing selected, nothing to export (assay-window-views.c). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-selected",
                                 assay_window_get_selected_document (self) != NULL);

  if (self->pipeline == NULL)
    return;

  documents = assay_pipeline_get_documents (self->pipeline);
  n = g_list_model_get_n_items (documents);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-all",
                                 assay_pipeline_get_n_unfinished (self->pipeline) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-finished",
                                 n > assay_pipeline_get_n_unfinished (self->pipeline));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-document", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-document", n > 0);
}

void
_assay_window_class_actions_init (AssayWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-all", NULL, cancel_all_action);
  gtk_widget_class_install_action (widget_class, "win.clear-finished", NULL, clear_finished_action);
  gtk_widget_class_install_action (widget_class, "win.previous-document", NULL, previous_document_action);
  gtk_widget_class_install_action (widget_class, "win.next-document", NULL, next_document_action);
  gtk_widget_class_install_action (widget_class, "win.show-list", NULL, show_list_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "win.previous-document", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "win.next-document", NULL);
}
