/* test-e2e.c — the window as a person uses it: a real drag and drop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs through tests/with-display.sh (Xvfb and a session bus of its own).
 * Starts the built `assay` with a data folder of its own and the latency
 * probe on, and `assay-drag-source` offering real PDFs and a folder; moves
 * the windows apart and drags with xdotool (XDND between two processes);
 * waits until every result is in the store; takes a screenshot of the
 * screen and checks it is not blank; then SIGTERM quits the app, which
 * writes the probe's summary.
 */
#define G_LOG_DOMAIN "test-e2e"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_S 120

static char *tmp_dir;

/* Runs a helper program to its end (bounded) and returns its output. */
static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&out);
}

typedef struct
{
  const char *name;
  char       *id;
} WindowSearch;

static gboolean
window_found (gpointer data)
{
  WindowSearch *search = data;
  g_autofree char *out = run_tool ((const char *[]) { "xdotool", "search", "--onlyvisible",
                                                      "--name", search->name, NULL });
  g_auto(GStrv) ids = g_strsplit (g_strstrip (out), "\n", -1);

  if (ids[0] == NULL || *ids[0] == '\0')
    return FALSE;

  search->id = g_strdup (ids[0]);
  return TRUE;
}

static guint
count_results (const char *dir)
{
  g_autoptr(GDir) shards = g_dir_open (dir, 0, NULL);
  const char *shard;
  guint n = 0;

  if (shards == NULL)
    return 0;

  while ((shard = g_dir_read_name (shards)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, shard, NULL);
      g_autoptr(GDir) files = g_dir_open (path, 0, NULL);
      const char *name;

      while (files != NULL && (name = g_dir_read_name (files)) != NULL)
        if (g_str_has_suffix (name, ".json") && name[0] != '.')
          n++;
    }

  return n;
}

typedef struct
{
  const char *dir;
  guint       expected;
} StoreWait;

static gboolean
store_has_results (gpointer data)
{
  StoreWait *wait = data;

  return count_results (wait->dir) >= wait->expected;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
wait_exited (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* The screen is not one flat colour. */
static void
assert_not_blank (const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (png, &error);
  g_autofree guint32 *pixels = NULL;
  int width, height;
  guint n_different = 0;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);

  for (gsize i = 0; i < (gsize) width * height; i++)
    n_different += pixels[i] != pixels[0];

  /* Two windows full of text and widgets, not a stray cursor. */
  g_assert_cmpuint (n_different, >, (guint) (width * height / 20));
}

static void
test_drag_and_drop (void)
{
  g_autofree char *data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_autofree char *results_dir = g_build_filename (data_dir, "assay", "results", NULL);
  g_autofree char *docs = g_build_filename (tmp_dir, "docs", NULL);
  g_autofree char *folder = g_build_filename (docs, "quarterly", NULL);
  g_autofree char *probe = g_build_filename (tmp_dir, "probe.json", NULL);
  g_autofree char *text_file = g_build_filename (docs, "readme.txt", NULL);
  g_autofree char *shot = g_test_build_filename (G_TEST_BUILT, "e2e-drop.png", NULL);
  g_autofree char *drag_source = g_test_build_filename (G_TEST_BUILT, "assay-drag-source", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GSubprocess) source = NULL;
  g_autoptr(GPtrArray) source_argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) drag = g_string_new (NULL);
  g_autofree char *out = NULL;
  WindowSearch app_window = { "^Assay$", NULL };
  WindowSearch source_window = { "^assay-drag-source$", NULL };
  StoreWait store_wait = { results_dir, 5 };
  const char *binary = g_getenv ("ASSAY_BINARY");
  JsonObject *summary;
  gboolean app_exited = FALSE;

  g_assert_nonnull (binary);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);

  /* Three PDFs named, a folder with two more, and a text file. */
  g_ptr_array_add (source_argv, g_strdup (drag_source));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("receipt-%u.pdf", i);
      g_autofree char *text = g_strdup_printf ("Receipt %u\nDate: 2024-05-1%u\nTotal: %u9.90 EUR",
                                               i, i, i + 1);
      const char *pages[] = { text };

      g_ptr_array_add (source_argv, assay_test_pdf_write_temp (docs, name, pages, 1));
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("q%u-report.pdf", i + 1);
      g_autofree char *text = g_strdup_printf ("Quarterly report Q%u 2024\nRevenue 1%u,500 EUR\n"
                                               "Costs 8,%u00 EUR", i + 1, i, i + 2);
      const char *pages[] = { text, "Outlook\nGrowth of 4.5 % expected" };
      g_autofree char *path = assay_test_pdf_write_temp (folder, name, pages, 2);
    }
  g_assert_true (g_file_set_contents (text_file, "not a PDF\n", -1, NULL));
  g_ptr_array_add (source_argv, g_strdup (folder));
  g_ptr_array_add (source_argv, g_strdup (text_file));
  g_ptr_array_add (source_argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "ASSAY_LATENCY_PROBE", probe, TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);

  app = g_subprocess_launcher_spawn (launcher, &error, binary, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (app, NULL, wait_exited, &app_exited);
  source = g_subprocess_launcher_spawnv (launcher, (const char * const *) source_argv->pdata, &error);
  g_assert_no_error (error);

  assay_test_wait_until (window_found, &app_window, 30, "the Assay window");
  assay_test_wait_until (window_found, &source_window, 30, "the drag source's window");

  /* The drag source top left, Assay beside it. */
  g_free (run_tool ((const char *[]) { "xdotool", "windowmove", "--sync", source_window.id, "0", "0", NULL }));
  g_free (run_tool ((const char *[]) { "xdotool", "windowmove", "--sync", app_window.id, "400", "0", NULL }));
  g_free (run_tool ((const char *[]) { "xdotool", "windowsize", "--sync", app_window.id, "1100", "720", NULL }));
  g_free (run_tool ((const char *[]) { "xdotool", "windowactivate", "--sync", source_window.id, NULL }));

  /* Press inside the source, move in steps of about 60 px (XDND needs the
   * motion), release over the Assay window. */
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
    int x = 150, y = 100;

    g_ptr_array_add (argv, "xdotool");
    g_ptr_array_add (argv, "mousemove");
    g_ptr_array_add (argv, "150");
    g_ptr_array_add (argv, "100");
    g_ptr_array_add (argv, "sleep");
    g_ptr_array_add (argv, "0.3");
    g_ptr_array_add (argv, "mousedown");
    g_ptr_array_add (argv, "1");
    for (guint i = 0; i < 14; i++)
      {
        char *sx, *sy;

        x += 60;
        y += 20;
        sx = g_strdup_printf ("%d", x);
        sy = g_strdup_printf ("%d", y);
        g_ptr_array_add (owned, sx);
        g_ptr_array_add (owned, sy);
        g_ptr_array_add (argv, "sleep");
        g_ptr_array_add (argv, "0.08");
        g_ptr_array_add (argv, "mousemove");
        g_ptr_array_add (argv, sx);
        g_ptr_array_add (argv, sy);
      }
    g_ptr_array_add (argv, "sleep");
    g_ptr_array_add (argv, "0.4");
    g_ptr_array_add (argv, "mouseup");
    g_ptr_array_add (argv, "1");
    g_ptr_array_add (argv, NULL);
    g_free (run_tool ((const char * const *) argv->pdata));
  }

  /* Every PDF's result reaches the store (the text file is no document). */
  assay_test_wait_until (store_has_results, &store_wait, WAIT_LIMIT_S, "five results in the store");
  g_assert_cmpuint (count_results (results_dir), ==, 5);

  /* The screen once it stops changing (the list may still be fading in). */
  {
    g_autofree char *previous = NULL;
    gsize previous_len = 0;
    guint tries;

    for (tries = 0; tries < 50; tries++)
      {
        g_autofree char *contents = NULL;
        gsize len = 0;

        g_free (run_tool ((const char *[]) { "import", "-window", "root", "-depth", "8", shot, NULL }));
        g_assert_true (g_file_get_contents (shot, &contents, &len, NULL));
        if (previous != NULL && len == previous_len && memcmp (contents, previous, len) == 0)
          break;
        g_free (previous);
        previous = g_steal_pointer (&contents);
        previous_len = len;
      }
    g_assert_cmpuint (tries, <, 50);
  }
  g_test_message ("screenshot: %s", shot);
  assert_not_blank (shot);

  /* SIGTERM quits as Ctrl+Q does, and the probe writes its summary. */
  g_subprocess_send_signal (app, SIGTERM);
  assay_test_wait_until (flag_set, &app_exited, 30, "Assay to quit");
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);

  json_parser_load_from_file (parser, probe, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (summary, "samples"), >, 10);
  g_assert_true (json_object_has_member (summary, "p50_ms"));
  g_assert_true (json_object_has_member (summary, "p99_ms"));
  g_assert_true (json_object_has_member (summary, "max_ms"));
  g_test_message ("latency: %" G_GINT64_FORMAT " samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                  json_object_get_int_member (summary, "samples"),
                  json_object_get_double_member (summary, "p50_ms"),
                  json_object_get_double_member (summary, "p99_ms"),
                  json_object_get_double_member (summary, "max_ms"));

  g_subprocess_force_exit (source);
  g_subprocess_wait (source, NULL, NULL);

  g_free (app_window.id);
  g_free (source_window.id);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = assay_test_tmp_dir_new ("assay-test-e2e-XXXXXX");

  g_test_add_func ("/assay/e2e/drag-and-drop", test_drag_and_drop);
  status = g_test_run ();

  assay_test_remove_tree (tmp_dir);
  g_free (tmp_dir);

  return status;
}
