/* assay-window-cluster.c — the window processes on a cluster when asked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With "cluster" on and an address in "cluster-url", the window's pipeline
 * gets an AssayClusterSubmitter as its remote: documents added after that
 * are read, extracted and analysed by the cluster's workers, and each
 * document's `worker` property names the worker holding it; the activity
 * panel shows a row per worker of the cluster. The password
 * (with "cluster-user") or token comes from the keyring. Applied with the
 * other settings (debounced, and when the preferences close); a connection
 * made from the same address, user and secret is kept. Builds without
 * cluster support ignore the keys.
 */
#define G_LOG_DOMAIN "assay-window-cluster"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-activity-panel.h"
#include "assay-window-private.h"

#ifdef HAVE_CLUSTER
#include "assay-cluster-secret.h"
#include "assay-cluster-submitter.h"

typedef struct
{
  AssayWindow *window;       /* owned */
  char        *fingerprint;  /* address, user and the secret's hash */
  char        *address;      /* for the toast */
} Connecting;

static void
connecting_free (Connecting *connecting)
{
  g_clear_object (&connecting->window);
  g_clear_pointer (&connecting->fingerprint, g_free);
  g_clear_pointer (&connecting->address, g_free);
  g_free (connecting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Connecting, connecting_free)

static void
show_workers (AssayWindow *self,
              GListModel  *workers)
{
  if (self->activity != NULL)
    assay_activity_panel_set_workers (ASSAY_ACTIVITY_PANEL (self->activity), workers);
}

/* @say: toast it (the cluster was used until now) */
static void
go_local (AssayWindow *self,
          gboolean     say)
{
  g_clear_pointer (&self->cluster_applied, g_free);
  show_workers (self, NULL);
  if (assay_pipeline_get_remote (self->pipeline) == NULL)
    return;

  assay_pipeline_set_remote (self->pipeline, NULL);
  if (say)
    assay_window_add_toast (self, _("Processing documents on this computer"));
}

static void
submitter_ready_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Connecting) connecting = user_data;
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(GError) error = NULL;
  AssayWindow *self = connecting->window;

  submitter = assay_cluster_submitter_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->pipeline == NULL)
    return;

  if (submitter == NULL)
    {
      /* Translators: the window's toast when the cluster cannot be used;
       * %s: why (“cannot reach the NATS server at host:4222: connection
       * refused”) */
      g_autofree char *text = g_strdup_printf (_("Processing on this computer: %s"), error->message);

      g_message ("Cluster not used: %s", error->message);
      /* The toast below says it, with why. */
      go_local (self, FALSE);
      _assay_window_add_action_toast (self, text, _("_Retry"), "win.cluster-retry");
      return;
    }

  assay_pipeline_set_remote (self->pipeline, ASSAY_REMOTE (submitter));
  /* The activity panel shows the cluster's workers, live. */
  show_workers (self, assay_cluster_submitter_get_workers (submitter));
  g_free (self->cluster_applied);
  self->cluster_applied = g_steal_pointer (&connecting->fingerprint);
  {
    g_autofree char *text = g_strdup_printf (_("Processing documents on the cluster at %s"),
                                             connecting->address);

    assay_window_add_toast (self, text);
  }
}

static void
secret_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AssayWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayClusterOptions) options = NULL;
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  g_autofree char *secret_hash = NULL;
  Connecting *connecting;
  char *secret;

  secret = assay_cluster_secret_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->pipeline == NULL)
    return;
  if (error != NULL)
    g_message ("The keyring could not be asked for the cluster's secret: %s", error->message);

  url = g_settings_get_string (self->settings, "cluster-url");
  user = g_settings_get_string (self->settings, "cluster-user");
  options = assay_cluster_options_new (url);
  options->name = g_strdup ("Assay window");
  if (user[0] != '\0')
    {
      options->user = g_strdup (user);
      options->password = g_strdup (secret);
    }
  else
    {
      options->token = g_strdup (secret);
    }
  secret_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret != NULL ? secret : "", -1);
  g_clear_pointer (&secret, secret_password_free);

  connecting = g_new0 (Connecting, 1);
  connecting->fingerprint = g_strjoin ("\n", url, user, secret_hash, NULL);
  if (g_strcmp0 (connecting->fingerprint, self->cluster_applied) == 0 &&
      assay_pipeline_get_remote (self->pipeline) != NULL)
    {
      connecting_free (connecting);
      return;
    }

  connecting->window = g_object_ref (self);
  connecting->address = assay_cluster_options_dup_address (options);
  /* Connects on a thread of its own, bounded by the options' timeout. */
  assay_cluster_submitter_new_async (options, self->cluster_cancellable, submitter_ready_cb,
                                     connecting);
}
#endif

/**
 * _assay_window_apply_cluster:
 *
 * Gives the pipeline the cluster the settings name, or none. Main thread.
 */
void
_assay_window_apply_cluster (AssayWindow *self)
{
#ifdef HAVE_CLUSTER
  g_autofree char *url = NULL;

  g_assert (ASSAY_IS_WINDOW (self));

  g_cancellable_cancel (self->cluster_cancellable);
  g_clear_object (&self->cluster_cancellable);
  self->cluster_cancellable = g_cancellable_new ();

  url = g_settings_get_string (self->settings, "cluster-url");
  if (!g_settings_get_boolean (self->settings, "cluster") || url[0] == '\0')
    {
      go_local (self, TRUE);
      return;
    }

  assay_cluster_secret_lookup_async (url, self->cluster_cancellable, secret_looked_up_cb,
                                     g_object_ref (self));
#endif
}

/* The toast's "Retry": connect again with the same settings. */
static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _assay_window_apply_cluster (ASSAY_WINDOW (widget));
}

/**
 * _assay_window_class_cluster_init:
 *
 * win.cluster-retry: tries the cluster the settings name again (after it
 * could not be reached).
 */
void
_assay_window_class_cluster_init (AssayWindowClass *klass)
{
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "win.cluster-retry", NULL, retry_action);
}

/**
 * _assay_window_cluster_dispose:
 */
void
_assay_window_cluster_dispose (AssayWindow *self)
{
  g_cancellable_cancel (self->cluster_cancellable);
  g_clear_object (&self->cluster_cancellable);
  g_clear_pointer (&self->cluster_applied, g_free);
}
