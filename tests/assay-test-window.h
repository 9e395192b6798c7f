/* assay-test-window.h — what the window and widget tests set up alike
 *
 * Two kinds of program under tests/with-display.sh:
 *
 * - window tests (test-window, test-window-cluster) drive AssayWindows of
 *   a registered AssayApplication: assay_test_app_init() in main() before
 *   adding the tests, assay_test_app_run() to run them and clean up;
 * - widget tests (test-document-view, -document-charts, -page-preview,
 *   -corpus-dashboard) put one widget in a window of their own over an
 *   offline pipeline with a store: assay_test_widget_init() and
 *   assay_test_widget_run() in main(), AssayTestWidget set up and torn
 *   down around each test.
 */
#pragma once

#include <adwaita.h>

#include "assay-application.h"
#include "assay-pipeline.h"
#include "assay-store.h"
#include "assay-window.h"

G_BEGIN_DECLS

AssayApplication *assay_test_app_init          (int         *argc,
                                                char      ***argv,
                                                const char  *name);
const char       *assay_test_app_get_tmp_dir   (void);
int               assay_test_app_run           (void);
AssayWindow      *assay_test_app_new_window    (int          width,
                                                int          height);
void              assay_test_app_close_window  (AssayWindow *window);

gboolean          assay_test_widget_is_drawn   (gpointer     widget);
gboolean          assay_test_pointer_cleared   (gpointer     pointer);

/* One widget test's world; the test owns none of it. */
typedef struct
{
  char          *dir;       /* a temporary folder, removed at tear-down */
  AssayStore    *store;     /* in dir/store */
  AssayPipeline *pipeline;  /* offline, "financial-report", results in the store */
  GtkWindow     *window;    /* an AdwWindow, not yet shown */
} AssayTestWidget;

void              assay_test_widget_init       (int         *argc,
                                                char      ***argv,
                                                const char  *name);
int               assay_test_widget_run        (void);
void              assay_test_widget_set_up     (AssayTestWidget *fixture,
                                                const char      *name);
void              assay_test_widget_show       (AssayTestWidget *fixture,
                                                GtkWidget       *content,
                                                int              width,
                                                int              height);
void              assay_test_widget_tear_down  (AssayTestWidget *fixture,
                                                guint            timeout_ms,
                                                gpointer         watched,
                                                ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
