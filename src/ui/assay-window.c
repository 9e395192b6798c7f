/* assay-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window owns a pipeline (the offline extractor by default, results
 * kept in the store) and a cancellable; closing it cancels both. Until the
 * first document arrives it shows an invitation to drop PDFs; then the list
 * and, beside it, the selected document (folding into one column on a
 * narrow window).
 */
#define G_LOG_DOMAIN "assay-window"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-document-list.h"
#include "assay-offline-extractor.h"
#include "assay-store.h"
#include "assay-template.h"
#include "assay-window-private.h"

/* Skipped files named in one toast; the rest are counted. */
#define MAX_NAMED_SKIPPED 3

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_SELECTED_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssayWindow, assay_window, ADW_TYPE_APPLICATION_WINDOW)

/**
 * assay_window_add_toast:
 * @title: plain text
 */
void
assay_window_add_toast (AssayWindow *self,
                        const char  *title)
{
  g_autofree char *markup = NULL;
  AdwToast *toast;

  g_return_if_fail (ASSAY_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  markup = g_markup_escape_text (title, -1);
  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * _assay_window_add_action_toast:
 * @button: the button's label (with a mnemonic)
 * @action: what the button activates, a detailed action name
 *
 * A toast with a button that does something about it, shown longer.
 */
void
_assay_window_add_action_toast (AssayWindow *self,
                                const char  *title,
                                const char  *button,
                                const char  *action)
{
  g_autofree char *markup = g_markup_escape_text (title, -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_button_label (toast, button);
  adw_toast_set_detailed_action_name (toast, action);
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
reset_batch (AssayWindow *self)
{
  self->batch_done = self->batch_failed = self->batch_locked = self->batch_other = 0;
}

static void
update_stack (AssayWindow *self)
{
  GListModel *documents = assay_pipeline_get_documents (self->pipeline);
  gboolean empty = g_list_model_get_n_items (documents) == 0 && self->pending_adds == 0;

  /* The dashboard or activity panel stays shown (assay-window-views.c). */
  if (empty || !_assay_window_views_showing (self))
    gtk_stack_set_visible_child_name (self->main_stack, empty ? "empty" : "documents");
  _assay_window_actions_update (self);
}

static void
documents_changed (AssayWindow *self)
{
  update_stack (self);
}

/* Appends @part (consumed) to a toast's list when @n is not 0. */
static void
append_part (GString *text,
             guint    n,
             char    *part)
{
  if (n > 0)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, part);
    }
  g_free (part);
}

/* "Batch finished: 10 done, 2 failed" once nothing is left to run. */
static void
document_finished (AssayWindow   *self,
                   AssayDocument *document)
{
  g_autoptr(GString) parts = NULL;
  g_autofree char *title = NULL;

  switch (assay_document_get_state (document))
    {
    case ASSAY_DOCUMENT_DONE:
      self->batch_done++;
      break;
    case ASSAY_DOCUMENT_FAILED:
      self->batch_failed++;
      break;
    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
      self->batch_locked++;
      break;
    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    case ASSAY_DOCUMENT_CANCELLED:
    case ASSAY_DOCUMENT_DUPLICATE:
    default:
      self->batch_other++;
      break;
    }

  _assay_window_actions_update (self);

  if (assay_pipeline_get_n_unfinished (self->pipeline) > 0 || self->pending_adds > 0)
    return;

  if (self->batch_done + self->batch_failed + self->batch_locked > 0)
    {
      parts = g_string_new (NULL);
      /* Plural forms, even where English has one: French says "1 terminé", "2 terminés". */
      append_part (parts, self->batch_done,
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u done", "%u done",
                                                 self->batch_done),
                                    self->batch_done));
      append_part (parts, self->batch_failed, g_strdup_printf (_("%u failed"), self->batch_failed));
      append_part (parts, self->batch_locked,
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u needs a password",
                                                 "%u need a password", self->batch_locked),
                                    self->batch_locked));
      /* Translators: a toast when a batch ends, e.g. "Batch finished: 10 done, 2 failed" */
      title = g_strdup_printf (_("Batch finished: %s"), parts->str);
      assay_window_add_toast (self, title);
    }

  reset_batch (self);
}

static void
files_added (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GString) names = NULL;
  g_autofree char *title = NULL;

  skipped = assay_pipeline_add_files_finish (ASSAY_PIPELINE (object), result, &error);
  self->pending_adds--;

  /* The window closed meanwhile. */
  if (self->pipeline == NULL)
    return;

  if (skipped == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        assay_window_add_toast (self, error->message);
      update_stack (self);
      return;
    }

  update_stack (self);

  if (skipped->len == 1)
    {
      AssayInputFile *input = g_ptr_array_index (skipped, 0);
      g_autofree char *name = g_path_get_basename (input->path);

      /* Translators: a file that was dropped but is not a PDF, and why */
      title = g_strdup_printf (_("Skipped %s: %s"), name, input->reason ? input->reason : _("not a PDF"));
    }
  else if (skipped->len > 1)
    {
      names = g_string_new (NULL);
      for (guint i = 0; i < MIN (skipped->len, MAX_NAMED_SKIPPED); i++)
        {
          AssayInputFile *input = g_ptr_array_index (skipped, i);
          g_autofree char *name = g_path_get_basename (input->path);

          if (i > 0)
            g_string_append (names, ", ");
          g_string_append (names, name);
        }
      if (skipped->len > MAX_NAMED_SKIPPED)
        {
          guint more = skipped->len - MAX_NAMED_SKIPPED;

          g_string_append (names, " ");
          g_string_append_printf (names, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", more),
                                  more);
        }

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Skipped %u file that is not a PDF: %s",
                                            "Skipped %u files that are not PDFs: %s",
                                            skipped->len),
                               skipped->len, names->str);
    }

  if (title != NULL)
    assay_window_add_toast (self, title);

  /* Nothing to run after all (only skipped files, or only cached ones). */
  if (assay_pipeline_get_n_unfinished (self->pipeline) == 0 && self->pending_adds == 0)
    reset_batch (self);
}

/**
 * assay_window_add_files:
 * @files: (array length=n_files): files and folders, from a drop, the Open
 *   dialog or the command line
 *
 * Folders are expanded and files looked at off the main thread; PDFs are
 * queued, anything else is named in a toast.
 */
void
assay_window_add_files (AssayWindow  *self,
                        GFile       **files,
                        guint         n_files)
{
  g_return_if_fail (ASSAY_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;

  /* The previous session's documents come first. */
  if (self->restoring)
    {
      for (guint i = 0; i < n_files; i++)
        g_ptr_array_add (self->waiting_files, g_object_ref (files[i]));
      return;
    }

  self->pending_adds++;
  update_stack (self);
  assay_pipeline_add_files_async (self->pipeline, files, n_files, self->cancellable,
                                  files_added, g_object_ref (self));
}

static void
session_restored (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;

  restored = assay_session_restore_finish (ASSAY_SESSION (object), result, &error);
  self->restoring = FALSE;

  /* The window closed meanwhile. */
  if (self->pipeline == NULL)
    return;

  if (restored != NULL)
    assay_pipeline_add_restored (self->pipeline, restored);
  else
    g_message ("The previous session could not be restored: %s", error->message);

  assay_session_watch (self->session, self->pipeline);
  update_stack (self);

  waiting = g_steal_pointer (&self->waiting_files);
  self->waiting_files = g_ptr_array_new_with_free_func (g_object_unref);
  assay_window_add_files (self, (GFile **) waiting->pdata, waiting->len);
}

/**
 * assay_window_set_session:
 * @session: where the window's list is kept from one start to the next
 *
 * Restores the previous session's documents into the window's pipeline
 * (files added meanwhile come after them) and keeps the session up to
 * date from then on; closing the window saves it. Once, before the
 * window is used.
 */
void
assay_window_set_session (AssayWindow  *self,
                          AssaySession *session)
{
  g_return_if_fail (ASSAY_IS_WINDOW (self));
  g_return_if_fail (ASSAY_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->restoring = TRUE;
  assay_session_restore_async (session, self->cancellable, session_restored, g_object_ref (self));
}

static void
session_closed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();

  if (!assay_session_close_finish (ASSAY_SESSION (object), result, &error))
    g_message ("The session could not be saved: %s", error->message);

  self->session_closed = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
  if (app != NULL)
    g_application_release (app);
}

/* Closing saves the session first (the documents at work as queued), then
 * the window goes and its pipeline is shut down. */
static gboolean
assay_window_close_request (GtkWindow *window)
{
  AssayWindow *self = ASSAY_WINDOW (window);
  GApplication *app = g_application_get_default ();

  if (self->session != NULL && !self->restoring && !self->session_closed)
    {
      if (!self->session_closing)
        {
          self->session_closing = TRUE;
          if (app != NULL)
            g_application_hold (app);
          gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
          assay_session_close_async (self->session, NULL, session_closed, g_object_ref (self));
        }
      return TRUE;
    }

  return GTK_WINDOW_CLASS (assay_window_parent_class)->close_request (window);
}

static void
selected_document_changed (AssayWindow *self)
{
  AssayDocument *document = assay_window_get_selected_document (self);

  adw_window_title_set_title (self->view_title, document ? assay_document_get_name (document) : "");

  if (self->document_view == NULL)
    gtk_stack_set_visible_child_name (self->view_stack, "none");

  if (document != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->view_pane);

  _assay_window_actions_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_DOCUMENT]);
}

static void
leaflet_folded_changed (AssayWindow *self)
{
  /* Unfolded both panes show; folded, the list is where one starts. */
  if (adw_leaflet_get_folded (self->leaflet) && assay_window_get_selected_document (self) == NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/**
 * assay_window_set_document_view:
 * @view: (nullable): the widget showing the selected document
 *
 * Puts @view in the window's right-hand pane (the slot for the document
 * view), shown while a document is selected. The view follows the
 * window's "selected-document" and "pipeline" properties itself.
 */
void
assay_window_set_document_view (AssayWindow *self,
                                GtkWidget   *view)
{
  g_return_if_fail (ASSAY_IS_WINDOW (self));
  g_return_if_fail (!view || GTK_IS_WIDGET (view));

  if (self->document_view != NULL)
    gtk_stack_remove (self->view_stack, self->document_view);
  self->document_view = view;
  if (view != NULL)
    {
      gtk_stack_add_named (self->view_stack, view, "document");
      gtk_stack_set_visible_child (self->view_stack, view);
    }
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
assay_window_dispose (GObject *object)
{
  AssayWindow *self = ASSAY_WINDOW (object);

  /* Closing the window stops what it runs. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);
  if (self->pipeline != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->pipeline, self);
      g_signal_handlers_disconnect_by_data (assay_pipeline_get_documents (self->pipeline), self);
      /* Cancels everything; a store write in flight is finished whole or
       * removed. The jobs hold the pipeline until they return. */
      assay_pipeline_shutdown (self->pipeline);
    }

  _assay_window_settings_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_WINDOW);
  self->document_view = NULL;

  g_clear_object (&self->pipeline);
  g_clear_object (&self->session);
  g_clear_pointer (&self->waiting_files, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (assay_window_parent_class)->dispose (object);
}

static void
assay_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AssayWindow *self = ASSAY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;

    case PROP_SELECTED_DOCUMENT:
      g_value_set_object (value, assay_window_get_selected_document (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* GtkScrolledWindow adds the overlay scrollbars' style class when it is
 * realized, and Adwaita animates the sliders' size from the style they had
 * (min-width, margins: 200 ms), which lays the window out in each frame of
 * it: a page first shown during a batch (the dashboard's charts, its empty
 * state, the activity panel) cost about twelve laid-out frames per
 * scrolled window. Realized with the window, before its first style, they
 * have nothing to animate from. Popovers (surfaces of their own) are left
 * to realize when they open. */
static void
realize_scrolled_windows (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_NATIVE (child))
        continue;
      if (GTK_IS_SCROLLED_WINDOW (child) && !gtk_widget_get_realized (child))
        gtk_widget_realize (child);
      realize_scrolled_windows (child);
    }
}

static void
assay_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (assay_window_parent_class)->realize (widget);

  realize_scrolled_windows (widget);
}

static void
assay_window_class_init (AssayWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = assay_window_dispose;
  object_class->get_property = assay_window_get_property;

  widget_class->realize = assay_window_realize;
  window_class->close_request = assay_window_close_request;

  /**
   * AssayWindow:pipeline:
   *
   * The window's pipeline, for the document view to load results and
   * render pages with.
   */
  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL,
                         ASSAY_TYPE_PIPELINE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * AssayWindow:selected-document:
   *
   * The document selected in the list, or %NULL.
   */
  properties[PROP_SELECTED_DOCUMENT] =
    g_param_spec_object ("selected-document", NULL, NULL,
                         ASSAY_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  assay_ui_init ();
  g_type_ensure (ASSAY_TYPE_DOCUMENT_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, view_pane);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, view_title);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, document_list);
  gtk_widget_class_bind_template_child (widget_class, AssayWindow, drop_revealer);
  gtk_widget_class_bind_template_callback (widget_class, selected_document_changed);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_changed);

  _assay_window_class_actions_init (klass);
  _assay_window_class_views_init (klass);
  _assay_window_class_cluster_init (klass);
}

static void
assay_window_init (AssayWindow *self)
{
  AssayWorkerPool *pool;
  g_autoptr(AssayExtractor) extractor = NULL;
  g_autoptr(AssayTemplate) template_ = NULL;
  g_autoptr(AssayStore) store = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->waiting_files = g_ptr_array_new_with_free_func (g_object_unref);
  pool = _assay_window_settings_create_pool (self);

  /* The batch yields the CPU to the main loop drawing it. */
  assay_worker_pool_set_nice (pool, 10);

  /* Offline until the preferences say otherwise. */
  extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
  template_ = assay_template_lookup ("general");
  self->pipeline = assay_pipeline_new (pool, extractor, template_);
  store = assay_store_new_default ();
  assay_pipeline_set_store (self->pipeline, store, TRUE);
  /* Thousands of results stay in the store, not in memory: the document
   * view loads the one it shows. */
  assay_pipeline_set_keep_results (self->pipeline, FALSE);

  assay_document_list_set_pipeline (self->document_list, self->pipeline);

  g_signal_connect_object (assay_pipeline_get_documents (self->pipeline), "items-changed",
                           G_CALLBACK (documents_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pipeline, "document-finished",
                           G_CALLBACK (document_finished), self, G_CONNECT_SWAPPED);

  _assay_window_dnd_init (self);
  _assay_window_settings_init (self);
  _assay_window_views_init (self);
  update_stack (self);

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/**
 * assay_window_new:
 *
 * Returns: (transfer full): a window of @application, with a pipeline of
 *   its own
 */
AssayWindow *
assay_window_new (AssayApplication *application)
{
  g_return_val_if_fail (!application || ASSAY_IS_APPLICATION (application), NULL);

  return g_object_new (ASSAY_TYPE_WINDOW, "application", application, NULL);
}

/**
 * assay_window_get_pipeline:
 *
 * Returns: (transfer none): the window's pipeline
 */
AssayPipeline *
assay_window_get_pipeline (AssayWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_WINDOW (self), NULL);

  return self->pipeline;
}

/**
 * assay_window_get_selected_document:
 *
 * Returns: (transfer none) (nullable): the selected document
 */
AssayDocument *
assay_window_get_selected_document (AssayWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_WINDOW (self), NULL);

  if (self->document_list == NULL)
    return NULL;

  return assay_document_list_get_selected_document (self->document_list);
}

/**
 * assay_window_get_document_list:
 *
 * Returns: (transfer none): the list of documents
 */
AssayDocumentList *
assay_window_get_document_list (AssayWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_WINDOW (self), NULL);

  return self->document_list;
}

/**
 * assay_window_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the window closes; pass it to
 *   what the window starts
 */
GCancellable *
assay_window_get_cancellable (AssayWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_WINDOW (self), NULL);

  return self->cancellable;
}
