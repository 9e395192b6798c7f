/* assay-test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-window"

#include "config.h"

#include "assay-template.h"
#include "assay-test-fixture.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"
#include "assay-worker-pool.h"

/* The program's own: one application (window tests) or one data folder
 * (widget tests), made in main() before the tests and removed after. */
static AssayApplication *test_app;
static char *test_dir;

/**
 * assay_test_app_init:
 * @name: the test's name, for its temporary folder
 *
 * Replaces g_test_init() in a window test: makes a temporary folder
 * (assay_test_app_get_tmp_dir()) whose data/ is XDG_DATA_HOME (the store
 * the windows keep results in) and cache/ XDG_CACHE_HOME, initialises GTK
 * and libadwaita, and
 * registers an application on the test's session bus (its startup loads
 * the resources, style sheet and accelerators), held between windows.
 *
 * Returns: (transfer none): the application, until assay_test_app_run()
 *   returns
 */
AssayApplication *
assay_test_app_init (int         *argc,
                     char      ***argv,
                     const char  *name)
{
  g_autofree char *template_ = g_strdup_printf ("assay-test-%s-XXXXXX", name);
  g_autofree char *data_dir = NULL;
  g_autofree char *cache_dir = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (test_app);
  test_dir = assay_test_tmp_dir_new (template_);
  /* Results go to a store of the test's own; set before GLib reads it. */
  data_dir = g_build_filename (test_dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  /* And a cache (the cluster workers these tests start spool PDFs there). */
  cache_dir = g_build_filename (test_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);

  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();

  /* The first-start offer of a local Ollama would probe 127.0.0.1:11434,
   * where a developer's own Ollama may answer: it is tested in
   * test-preferences against the fake server, not here. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.assayapp.Assay");

    g_settings_set_boolean (settings, "local-ollama-offered", TRUE);
  }

  test_app = assay_application_new ();
  g_application_set_flags (G_APPLICATION (test_app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (test_app), NULL, &error));
  g_assert_no_error (error);
  /* Keep the application up between windows. */
  g_application_hold (G_APPLICATION (test_app));

  return test_app;
}

/* Returns: (transfer none): the window test's temporary folder */
const char *
assay_test_app_get_tmp_dir (void)
{
  g_assert_nonnull (test_dir);
  return test_dir;
}

/**
 * assay_test_app_run:
 *
 * Runs the tests, then lets the application go and removes the temporary
 * folder.
 *
 * Returns: g_test_run()'s status, for main() to return
 */
int
assay_test_app_run (void)
{
  int status;

  g_assert_nonnull (test_app);
  status = g_test_run ();

  g_application_release (G_APPLICATION (test_app));
  g_clear_object (&test_app);

  assay_test_remove_tree (test_dir);
  g_clear_pointer (&test_dir, g_free);

  return status;
}

/* An assay_test_wait_until() condition: @widget is mapped and has a width. */
gboolean
assay_test_widget_is_drawn (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* An assay_test_wait_until() condition: the weak pointer at @pointer was
 * cleared. */
gboolean
assay_test_pointer_cleared (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

/**
 * assay_test_app_new_window:
 * @width: the default width, or 0: the window's own
 * @height: the default height, or 0: the window's own
 *
 * Returns: (transfer none): a new window of the application, presented and
 *   mapped (the test fails after 10 s otherwise); the application holds
 *   it until assay_test_app_close_window()
 */
AssayWindow *
assay_test_app_new_window (int width,
                           int height)
{
  AssayWindow *window;

  g_assert_nonnull (test_app);
  window = assay_window_new (test_app);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_widget_is_drawn, window, 10, "the window to map");

  return window;
}

/**
 * assay_test_app_close_window:
 *
 * Destroys @window and waits (at most 60 s) until its pipeline is
 * finalized: once the jobs it shut down have returned (they hold it until
 * then), nothing may hold it.
 */
void
assay_test_app_close_window (AssayWindow *window)
{
  gpointer pipeline = assay_window_get_pipeline (window);

  g_object_add_weak_pointer (G_OBJECT (pipeline), &pipeline);
  gtk_window_destroy (GTK_WINDOW (window));
  assay_test_wait_until (assay_test_pointer_cleared, &pipeline, 60,
                         "the window's pipeline to be finalized");
}

/**
 * assay_test_widget_init:
 * @name: the test's name, for its data folder
 *
 * Replaces g_test_init() in a widget test: a temporary XDG_DATA_HOME (for
 * what the widgets keep there), then GTK, libadwaita and the app's
 * resources as the application's startup loads them (assay_test_ui_init()).
 */
void
assay_test_widget_init (int         *argc,
                        char      ***argv,
                        const char  *name)
{
  g_autofree char *template_ = g_strdup_printf ("assay-test-%s-data-XXXXXX", name);

  g_assert_null (test_dir);
  test_dir = assay_test_tmp_dir_new (template_);
  g_setenv ("XDG_DATA_HOME", test_dir, TRUE);
  g_test_init (argc, argv, NULL);
  assay_test_ui_init (argc, argv);
}

/* Runs the tests, then removes the data folder; returns the status. */
int
assay_test_widget_run (void)
{
  int status;

  g_assert_nonnull (test_dir);
  status = g_test_run ();
  assay_test_remove_tree (test_dir);
  g_clear_pointer (&test_dir, g_free);

  return status;
}

/**
 * assay_test_widget_set_up:
 * @name: the test's name, for the fixture's temporary folder
 *
 * Fills @fixture: a temporary folder, a store in it, an offline pipeline
 * for the "financial-report" template keeping its results in the store,
 * and an empty window (see assay_test_widget_show()).
 */
void
assay_test_widget_set_up (AssayTestWidget *fixture,
                          const char      *name)
{
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("financial-report");
  g_autofree char *dir_template = g_strdup_printf ("assay-test-%s-XXXXXX", name);
  g_autofree char *store_dir = NULL;

  fixture->dir = assay_test_tmp_dir_new (dir_template);
  store_dir = g_build_filename (fixture->dir, "store", NULL);
  fixture->store = assay_store_new (store_dir);

  fixture->pipeline = assay_test_offline_pipeline_new (assay_worker_pool_get_default (),
                                                       template_, fixture->store);

  fixture->window = GTK_WINDOW (adw_window_new ());
  g_object_ref_sink (fixture->window);
}

/* Puts @content in the fixture's window, @width × @height, and presents it. */
void
assay_test_widget_show (AssayTestWidget *fixture,
                        GtkWidget       *content,
                        int              width,
                        int              height)
{
  gtk_window_set_default_size (fixture->window, width, height);
  adw_window_set_content (ADW_WINDOW (fixture->window), content);
  gtk_window_present (fixture->window);
}

/**
 * assay_test_widget_tear_down:
 * @timeout_ms: how long the watched objects may take to go
 * @watched: the first of the objects that closing the window must
 *   finalize (the window itself, or widgets in it), then more, then %NULL
 *
 * Closes the window and checks that each watched object is finalized
 * within @timeout_ms (what the widgets started let go of them: loads and
 * renders in flight included), then cancels what the pipeline still does,
 * drops the pipeline and the store and removes the folder.
 */
void
assay_test_widget_tear_down (AssayTestWidget *fixture,
                             guint            timeout_ms,
                             gpointer         watched,
                             ...)
{
  GtkWindow *window = g_steal_pointer (&fixture->window);
  g_autoptr(GPtrArray) weak = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, watched);
  for (gpointer object = watched; object != NULL; object = va_arg (args, gpointer))
    {
      gpointer *pointer = g_new (gpointer, 1);

      *pointer = object;
      g_object_add_weak_pointer (G_OBJECT (object), pointer);
      g_ptr_array_add (weak, pointer);
    }
  va_end (args);

  gtk_window_destroy (window);
  g_object_unref (window);
  for (guint i = 0; i < weak->len; i++)
    g_assert_true (assay_test_ui_wait (assay_test_pointer_cleared,
                                       g_ptr_array_index (weak, i), timeout_ms));

  assay_pipeline_cancel_all (fixture->pipeline);
  g_clear_object (&fixture->pipeline);
  g_clear_object (&fixture->store);
  assay_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}
