/* assay-window-views.c — the window's corpus dashboard and activity panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides the documents (list and document view), the window's main stack
 * holds the corpus dashboard and the activity panel, each under a header
 * bar of its own with a way back. Buttons in the list's header bar and
 * Ctrl+1 / Ctrl+2 / Ctrl+3 switch between the three; the window keeps the
 * view shown while documents come and go (update_stack()).
 */
#define G_LOG_DOMAIN "assay-window"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-activity-panel.h"
#include "assay-corpus-dashboard.h"
#include "assay-document-list.h"
#include "assay-results-export.h"
#include "assay-window-private.h"

static void
show_view (AssayWindow *self,
           const char  *name)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "empty") == 0)
    return;   /* nothing to show yet */
  gtk_stack_set_visible_child_name (self->main_stack, name);
}

static void
show_documents_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  show_view (ASSAY_WINDOW (widget), "documents");
}

static void
show_dashboard_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  show_view (ASSAY_WINDOW (widget), "dashboard");
}

static void
show_activity_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  show_view (ASSAY_WINDOW (widget), "activity");
}

/**
 * assay_window_get_activity_panel:
 *
 * Returns: (transfer none): the window's AssayActivityPanel
 */
GtkWidget *
assay_window_get_activity_panel (AssayWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_WINDOW (self), NULL);

  return self->activity;
}

/**
 * _assay_window_views_showing:
 *
 * Returns: whether the dashboard or the activity panel is shown (the
 *   window then leaves its main stack as it is)
 */
gboolean
_assay_window_views_showing (AssayWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->main_stack);

  return g_strcmp0 (name, "dashboard") == 0 || g_strcmp0 (name, "activity") == 0;
}

/* win.export-all / win.export-selected, with "json" or "csv". */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AssayWindow *self = ASSAY_WINDOW (widget);
  AssayResultsFormat format = g_str_equal (g_variant_get_string (parameter, NULL), "csv")
                              ? ASSAY_RESULTS_FORMAT_CSV : ASSAY_RESULTS_FORMAT_JSON;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_str_equal (action_name, "win.export-selected"))
    {
      AssayDocument *selected = assay_window_get_selected_document (self);

      if (selected != NULL)
        g_ptr_array_add (documents, g_object_ref (selected));
    }
  else
    {
      GListModel *all = assay_pipeline_get_documents (self->pipeline);

      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        g_ptr_array_add (documents, g_list_model_get_item (all, i));
    }

  assay_results_export_with_dialog (GTK_WINDOW (self), self->pipeline, documents, format);
}

static void
document_activated_cb (AssayWindow   *self,
                       AssayDocument *document)
{
  GListModel *documents = assay_pipeline_get_documents (self->pipeline);
  guint position;

  if (g_list_store_find (G_LIST_STORE (documents), document, &position))
    assay_document_list_select (self->document_list, position);
  gtk_stack_set_visible_child_name (self->main_stack, "documents");
}

static GtkWidget *
view_page (const char *title,
           GtkWidget  *content)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");

  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "win.show-documents");
  gtk_widget_set_tooltip_text (back, _("Back to the Documents (Ctrl+1)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), content);
  return box;
}

static GtkWidget *
header_button (const char *icon,
               const char *action,
               const char *tooltip,
               const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

/**
 * _assay_window_views_init:
 *
 * Adds the dashboard and the activity panel to the main stack, and their
 * buttons to the list's header bar. After the pipeline is made.
 */
void
_assay_window_views_init (AssayWindow *self)
{
  GtkWidget *header = gtk_widget_get_first_child (self->list_pane);

  self->dashboard = assay_corpus_dashboard_new ();
  assay_corpus_dashboard_set_pipeline (ASSAY_CORPUS_DASHBOARD (self->dashboard), self->pipeline);
  g_signal_connect_object (self->dashboard, "document-activated",
                           G_CALLBACK (document_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->main_stack, view_page (_("All Documents"), self->dashboard), "dashboard");

  self->activity = assay_activity_panel_new ();
  assay_activity_panel_set_pipeline (ASSAY_ACTIVITY_PANEL (self->activity), self->pipeline);
  assay_activity_panel_set_settings (ASSAY_ACTIVITY_PANEL (self->activity), self->settings);
  gtk_stack_add_named (self->main_stack, view_page (_("Activity"), self->activity), "activity");

  if (ADW_IS_HEADER_BAR (header))
    {
      adw_header_bar_pack_end (ADW_HEADER_BAR (header),
                               header_button ("preferences-system-time-symbolic", "win.show-activity",
                                              _("Activity (Ctrl+3)"), _("Activity")));
      adw_header_bar_pack_end (ADW_HEADER_BAR (header),
                               header_button ("view-grid-symbolic", "win.show-dashboard",
                                              _("Charts of All Documents (Ctrl+2)"),
                                              _("Charts of all documents")));
    }
}

void
_assay_window_class_views_init (AssayWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (ASSAY_TYPE_CORPUS_DASHBOARD);

  gtk_widget_class_install_action (widget_class, "win.show-documents", NULL, show_documents_action);
  gtk_widget_class_install_action (widget_class, "win.show-dashboard", NULL, show_dashboard_action);
  gtk_widget_class_install_action (widget_class, "win.show-activity", NULL, show_activity_action);
  gtk_widget_class_install_action (widget_class, "win.export-all", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.export-selected", "s", export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.show-documents", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "win.show-dashboard", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK, "win.show-activity", NULL);
}
