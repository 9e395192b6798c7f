/* assay-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per user session: `assay FILE…` while a window is open hands
 * the files to that window (G_APPLICATION_HANDLES_OPEN) and exits. SIGINT
 * and SIGTERM quit as Ctrl+Q does: windows are closed, which cancels what
 * they run. With ASSAY_LATENCY_PROBE=FILE, a main-loop latency probe runs
 * from the first window's first idle moment to shutdown and writes its
 * summary to FILE.
 */
#define G_LOG_DOMAIN "assay-application"

#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "assay-application.h"
#include "assay-latency-probe.h"
#include "assay-resources.h"
#include "assay-preferences-window.h"
#include "assay-window-private.h"

#define LATENCY_PROBE_INTERVAL_MS 10

struct _AssayApplication
{
  AdwApplication     parent_instance;

  AssayLatencyProbe *probe;
  gboolean           session_given;   /* to the first window */
  gint64             created_at;      /* monotonic µs, about when the process started */
  double             first_frame_ms;  /* -1 until the first window drew */
  guint              sigint_id;
  guint              sigterm_id;
};

G_DEFINE_FINAL_TYPE (AssayApplication, assay_application, ADW_TYPE_APPLICATION)

/**
 * assay_ui_init:
 *
 * Registers the window's resources (templates, style sheet). Idempotent;
 * main thread. Widget tests call it before building a window.
 */
void
assay_ui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      assay_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}

static AssayWindow *
get_or_create_window (AssayApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  AssayWindow *new_window;

  if (ASSAY_IS_WINDOW (window))
    return ASSAY_WINDOW (window);

  new_window = assay_window_new (self);

  /* The first window carries the session on: last time's documents. */
  if (!self->session_given)
    {
      g_autoptr(AssaySession) session = assay_session_new (assay_worker_pool_get_default (), NULL);

      self->session_given = TRUE;
      assay_window_set_session (new_window, session);
    }

  return new_window;
}

static void
probe_frame_started (GdkFrameClock    *clock,
                     AssayApplication *self)
{
  if (self->probe != NULL)
    assay_latency_probe_frame_started (self->probe);
}

static void
probe_frame_ended (GdkFrameClock    *clock,
                   AssayApplication *self)
{
  if (self->probe != NULL)
    assay_latency_probe_frame_ended (self->probe);
}

static void
probe_window_measured (GdkToplevel      *toplevel,
                       GdkToplevelSize  *size,
                       AssayApplication *self)
{
  if (self->probe != NULL)
    assay_latency_probe_frame_resized (self->probe);
}

static void
probe_window_realized (GtkWidget        *window,
                       AssayApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_signal_handlers_disconnect_by_func (window, probe_window_realized, self);
  /* Each phase is emitted only when something asked for it: a frame
   * starts at the first of them that runs, and after-paint always runs. */
  g_signal_connect_object (clock, "flush-events", G_CALLBACK (probe_frame_started), self, 0);
  g_signal_connect_object (clock, "before-paint", G_CALLBACK (probe_frame_started), self, 0);
  g_signal_connect_object (clock, "update", G_CALLBACK (probe_frame_started), self, 0);
  g_signal_connect_object (clock, "layout", G_CALLBACK (probe_frame_started), self, 0);
  g_signal_connect_object (clock, "paint", G_CALLBACK (probe_frame_started), self, 0);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (probe_frame_ended), self, 0);
  g_signal_connect_object (surface, "compute-size", G_CALLBACK (probe_window_measured), self, 0);
}

/* The probe measures the running application: it starts once the first
 * window is up (launch time is measured apart, not as a stall). It also
 * counts the first window's frames and what they cost. */
static gboolean
start_probe (gpointer user_data)
{
  AssayApplication *self = user_data;

  if (self->probe == NULL)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

      self->probe = assay_latency_probe_new (LATENCY_PROBE_INTERVAL_MS);
      if (window != NULL && gtk_widget_get_realized (GTK_WIDGET (window)))
        probe_window_realized (GTK_WIDGET (window), self);
      else if (window != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (probe_window_realized), self);
    }
  if (self->first_frame_ms >= 0)
    assay_latency_probe_set_first_frame (self->probe, self->first_frame_ms);

  return G_SOURCE_REMOVE;
}

/* Launch to first frame: the first window's first paint. */
static void
first_paint (GdkFrameClock    *clock,
             AssayApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint, self);

  self->first_frame_ms = (g_get_monotonic_time () - self->created_at) / 1000.0;
  g_debug ("First frame %.1f ms after start", self->first_frame_ms);
  if (self->probe != NULL)
    assay_latency_probe_set_first_frame (self->probe, self->first_frame_ms);
}

static void
first_window_mapped (GtkWidget        *window,
                     AssayApplication *self)
{
  g_signal_handlers_disconnect_by_func (window, first_window_mapped, self);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (first_paint), self);
}

static void
present (AssayApplication *self,
         AssayWindow      *window)
{
  const char *probe_path = g_getenv ("ASSAY_LATENCY_PROBE");

  if (self->first_frame_ms < 0 && !gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_signal_connect (window, "map", G_CALLBACK (first_window_mapped), self);
  gtk_window_present (GTK_WINDOW (window));

  if (probe_path != NULL && *probe_path != '\0' && self->probe == NULL)
    g_idle_add_full (G_PRIORITY_LOW, start_probe, g_object_ref (self), g_object_unref);
}

static void
assay_application_activate (GApplication *app)
{
  AssayApplication *self = ASSAY_APPLICATION (app);

  present (self, get_or_create_window (self));
}

static void
assay_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  AssayApplication *self = ASSAY_APPLICATION (app);
  AssayWindow *window = get_or_create_window (self);

  assay_window_add_files (window, files, (guint) MAX (n_files, 0));
  present (self, window);
}

/* Ctrl+Q, SIGINT and SIGTERM: every window closes (saving the session,
 * then cancelling what it runs); the application quits with the last. */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AssayApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  if (self->probe != NULL)
    assay_latency_probe_stop (self->probe);

  if (windows == NULL)
    g_application_quit (G_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AssayApplication *self = user_data;
  static const char *developers[] = { "The Assay developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Assay"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Assay developers"),
                         "developers", developers,
                         "comments", _("Pull verified data out of PDFs: fields and key figures, "
                                       "each checked against the page it came from, and the "
                                       "numbers analysed."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AssayApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = assay_preferences_window_new (parent);

  /* A new API key is in the keyring, not the settings: apply on closing. */
  if (ASSAY_IS_WINDOW (parent))
    g_signal_connect_object (preferences, "destroy",
                             G_CALLBACK (_assay_window_apply_settings), parent, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static gboolean
unix_signal_received (gpointer user_data)
{
  AssayApplication *self = user_data;

  g_message ("Quitting on a signal");
  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static void
assay_application_startup (GApplication *app)
{
  AssayApplication *self = ASSAY_APPLICATION (app);
  static const GActionEntry entries[] = {
    { "quit", quit_activated },
    { "about", about_activated },
    { "preferences", preferences_activated },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  assay_ui_init ();

  G_APPLICATION_CLASS (assay_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->sigint_id = g_unix_signal_add (SIGINT, unix_signal_received, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, unix_signal_received, self);
}

static void
assay_application_shutdown (GApplication *app)
{
  AssayApplication *self = ASSAY_APPLICATION (app);
  const char *probe_path = g_getenv ("ASSAY_LATENCY_PROBE");
  const char *samples_path = g_getenv ("ASSAY_LATENCY_PROBE_SAMPLES");

  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);

  if (self->probe != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!assay_latency_probe_write (self->probe, probe_path, &error))
        g_message ("Could not write the latency probe's summary: %s", error->message);
      /* Every sample too, for benchmarks that look at a part of the run. */
      if (samples_path != NULL && *samples_path != '\0' &&
          !assay_latency_probe_write_samples (self->probe, samples_path, &error))
        g_message ("Could not write the latency probe's samples: %s", error->message);
      g_clear_pointer (&self->probe, assay_latency_probe_free);
    }

  G_APPLICATION_CLASS (assay_application_parent_class)->shutdown (app);
}

static void
assay_application_class_init (AssayApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = assay_application_activate;
  app_class->open = assay_application_open;
  app_class->startup = assay_application_startup;
  app_class->shutdown = assay_application_shutdown;
}

static void
assay_application_init (AssayApplication *self)
{
  self->created_at = g_get_monotonic_time ();
  self->first_frame_ms = -1;
}

/**
 * assay_application_new:
 *
 * Returns: (transfer full): the application, not registered yet
 */
AssayApplication *
assay_application_new (void)
{
  return g_object_new (ASSAY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/assayapp/Assay",
                       NULL);
}
