/* assay-test-ui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-ui"

#include "config.h"

#include "assay-application.h"
#include "assay-test-ui.h"

/* After g_test_init(). Widget tests need a display; they run under
 * tests/with-display.sh. */
void
assay_test_ui_init (int    *argc,
                    char ***argv)
{
  adw_init ();
  assay_ui_init ();
  g_assert_nonnull (gdk_display_get_default ());
  /* Screenshots show the settled state, not a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

typedef struct
{
  gboolean timed_out;
} WaitState;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  WaitState *state = user_data;

  state->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * assay_test_ui_wait:
 *
 * Runs the main context until @condition holds or @timeout_ms passed.
 *
 * Returns: whether @condition held
 */
gboolean
assay_test_ui_wait (AssayTestUiCondition condition,
                    gpointer             user_data,
                    guint                timeout_ms)
{
  WaitState state = { FALSE };
  guint id = g_timeout_add (timeout_ms, wait_timeout_cb, &state);
  gboolean held;

  while (!(held = condition (user_data)) && !state.timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!state.timed_out)
    g_source_remove (id);

  return held;
}

typedef struct
{
  GtkWidget *widget;
  guint      frames;
} FrameState;

static gboolean
frame_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  FrameState *state = user_data;

  state->frames++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_drawn (gpointer user_data)
{
  FrameState *state = user_data;

  return state->frames >= 3 && gtk_widget_get_mapped (state->widget);
}

/* Waits (at most 30 s: a sanitizer build on a loaded machine is slow)
 * until @widget is mapped and a few frames went by, so
 * that layout and pending redraws are done. */
void
assay_test_ui_wait_drawn (GtkWidget *widget)
{
  FrameState state = { widget, 0 };
  guint id;

  id = gtk_widget_add_tick_callback (widget, frame_tick_cb, &state, NULL);
  g_assert_true (assay_test_ui_wait (frames_drawn, &state, 30000));
  gtk_widget_remove_tick_callback (widget, id);
}

static gboolean
finalized (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

/**
 * assay_test_ui_close_window:
 * @window: (transfer full): a window the caller holds a reference on
 * @watched: @window, or an object in it
 *
 * Destroys @window, drops the caller's reference and runs the main context
 * until @watched is finalized (what it started let go of it), at most
 * @timeout_ms.
 *
 * Returns: whether @watched was finalized in time
 */
gboolean
assay_test_ui_close_window (GtkWindow *window,
                            gpointer   watched,
                            guint      timeout_ms)
{
  gpointer weak = watched;

  g_object_add_weak_pointer (G_OBJECT (watched), &weak);
  gtk_window_destroy (window);
  g_object_unref (window);
  if (assay_test_ui_wait (finalized, &weak, timeout_ms))
    return TRUE;

  g_object_remove_weak_pointer (G_OBJECT (weak), &weak);
  return FALSE;
}

static const char *
widget_title (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_label (GTK_LABEL (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  if (ADW_IS_PREFERENCES_PAGE (widget))
    return adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (widget));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  return NULL;
}

/**
 * assay_test_ui_find:
 * @title: (nullable): the row title, button or label text; %NULL: any
 *
 * Returns: (transfer none) (nullable): the first widget of @type under
 * @root (depth first) with @title
 */
GtkWidget *
assay_test_ui_find (GtkWidget  *root,
                    GType       type,
                    const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (title == NULL || g_strcmp0 (widget_title (root), title) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = assay_test_ui_find (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Returns: (transfer none) (nullable): a shown toplevel of @type */
GtkWidget *
assay_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }

  return NULL;
}

/**
 * assay_test_ui_screenshot:
 * @name: file name without extension
 *
 * Renders @widget (a window, usually) with its own renderer and saves it as
 * @name.png in the build directory.
 *
 * Returns: (transfer full): the file's path
 */
char *
assay_test_ui_screenshot (GtkWidget  *widget,
                          const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *path;
  GskRenderer *renderer;
  int width, height;

  assay_test_ui_wait_drawn (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  return path;
}

void
assay_test_ui_set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

/**
 * assay_test_ui_read_png:
 *
 * Returns: (transfer full): the pixels of a screenshot, GDK_MEMORY_DEFAULT
 *   (cairo's ARGB32, native-endian)
 */
guchar *
assay_test_ui_read_png (const char *path,
                        int        *width,
                        int        *height,
                        gsize      *stride)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  guchar *pixels;

  g_assert_no_error (error);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  *stride = (gsize) *width * 4;
  pixels = g_malloc (*stride * *height);
  gdk_texture_download (texture, pixels, *stride);

  return pixels;
}
