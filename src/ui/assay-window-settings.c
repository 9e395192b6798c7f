/* assay-window-settings.c — the window follows the preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's pipeline gets the extractor, template and extract width the
 * settings describe at start, and again whenever they change (debounced)
 * or the preferences window closes (a new API key lives in the keyring,
 * not in the settings); documents started after that use them. On the
 * first start a local Ollama is offered. And the document view follows
 * the window's selection.
 */
#define G_LOG_DOMAIN "assay-window-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-document-view.h"
#include "assay-preferences-window.h"
#include "assay-settings.h"
#include "assay-window-private.h"

/* Typing an address or a model: apply once the typing pauses. */
#define APPLY_DELAY_MS 400

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (assay_settings_apply_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Said once per change, not per document: the pipeline extracts offline. */
  {
    g_autofree char *text = g_strdup_printf (_("Extracting offline: %s"), error->message);

    g_message ("Settings not applied as they are: %s", error->message);
    assay_window_add_toast (self, text);
  }
}

/**
 * _assay_window_apply_settings:
 *
 * Applies the settings to the window's pipeline now, cancelling an
 * application still under way.
 */
void
_assay_window_apply_settings (AssayWindow *self)
{
  g_assert (ASSAY_IS_WINDOW (self));

  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_cancellable_cancel (self->apply_cancellable);
  g_clear_object (&self->apply_cancellable);
  self->apply_cancellable = g_cancellable_new ();

  assay_settings_apply_async (self->settings, self->pipeline, self->pool, self->apply_cancellable,
                              applied_cb, g_object_ref (self));
  _assay_window_apply_cluster (self);
}

static gboolean
apply_cb (gpointer user_data)
{
  AssayWindow *self = user_data;

  self->apply_source = 0;
  _assay_window_apply_settings (self);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (AssayWindow *self,
                     const char  *key)
{
  if (g_strcmp0 (key, "local-ollama-offered") == 0 || g_strcmp0 (key, "workers") == 0)
    return;

  g_clear_handle_id (&self->apply_source, g_source_remove);
  self->apply_source = g_timeout_add (APPLY_DELAY_MS, apply_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->apply_source),
                            "[assay] apply settings");
}

static void
selection_changed_cb (AssayWindow       *self,
                      GParamSpec        *pspec,
                      AssayDocumentView *view)
{
  AssayDocument *document = assay_window_get_selected_document (self);

  /* Coalesced: of a key held down or a run of jumps the view shows the
   * newest only, in a frame of its own (issue 7, docs/benchmarks.md). */
  assay_document_view_set_document_soon (view, document != NULL ? self->pipeline : NULL, document);
}

static gboolean
offer_ollama_cb (gpointer user_data)
{
  AssayWindow *self = user_data;

  assay_preferences_window_offer_local_ollama (GTK_WINDOW (self), self->settings, NULL,
                                               self->cancellable);

  return G_SOURCE_REMOVE;
}

/**
 * _assay_window_settings_create_pool:
 *
 * From assay_window_init(), before the pipeline is made: the settings, and
 * the worker pool they ask for ("workers", read once).
 *
 * Returns: (transfer none): the pool
 */
AssayWorkerPool *
_assay_window_settings_create_pool (AssayWindow *self)
{
  g_assert (ASSAY_IS_WINDOW (self));
  g_assert (self->settings == NULL);

  self->settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  self->pool = assay_settings_dup_pool (self->settings);

  return self->pool;
}

/**
 * _assay_window_settings_init:
 *
 * From assay_window_init(), once the pipeline exists.
 */
void
_assay_window_settings_init (AssayWindow *self)
{
  AssayDocumentView *view;

  g_assert (ASSAY_IS_WINDOW (self));
  g_assert (ASSAY_IS_PIPELINE (self->pipeline));
  g_assert (G_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  _assay_window_apply_settings (self);

  view = assay_document_view_new ();
  g_signal_connect_object (self, "notify::selected-document",
                           G_CALLBACK (selection_changed_cb), view, 0);
  assay_window_set_document_view (self, GTK_WIDGET (view));

  /* Once the window is up, so that the question has a parent to sit on. */
  g_idle_add_full (G_PRIORITY_LOW, offer_ollama_cb, g_object_ref (self), g_object_unref);
}

/**
 * _assay_window_settings_dispose:
 */
void
_assay_window_settings_dispose (AssayWindow *self)
{
  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_cancellable_cancel (self->apply_cancellable);
  g_clear_object (&self->apply_cancellable);
  _assay_window_cluster_dispose (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->pool);
}
