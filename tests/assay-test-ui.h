/* assay-test-ui.h — helpers for widget tests (under tests/with-display.sh)
 *
 * Bounded waits on the main context, finding widgets the way a person
 * would (by type and visible title), and screenshots through GTK's own
 * renderer into the build directory.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef gboolean (*AssayTestUiCondition) (gpointer user_data);

void        assay_test_ui_init            (int                   *argc,
                                           char                ***argv);
gboolean    assay_test_ui_wait            (AssayTestUiCondition   condition,
                                           gpointer               user_data,
                                           guint                  timeout_ms);
void        assay_test_ui_wait_drawn      (GtkWidget             *widget);
gboolean    assay_test_ui_close_window    (GtkWindow             *window,
                                           gpointer               watched,
                                           guint                  timeout_ms);
GtkWidget  *assay_test_ui_find            (GtkWidget             *root,
                                           GType                  type,
                                           const char            *title);
GtkWidget  *assay_test_ui_find_toplevel   (GType                  type);
char       *assay_test_ui_screenshot      (GtkWidget             *widget,
                                           const char            *name);
void        assay_test_ui_set_dark        (gboolean               dark);
guchar     *assay_test_ui_read_png        (const char            *path,
                                           int                   *width,
                                           int                   *height,
                                           gsize                 *stride);

G_END_DECLS
