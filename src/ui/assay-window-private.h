/* assay-window-private.h — what the window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is split as Text Editor splits its own: the window itself
 * (assay-window.c), its actions and shortcuts (-actions.c), drag and drop
 * (-dnd.c).
 */
#pragma once

#include "assay-session.h"
#include "assay-window.h"

G_BEGIN_DECLS

struct _AssayWindow
{
  AdwApplicationWindow  parent_instance;

  /* Cancelled when the window closes: whatever it started stops. */
  GCancellable         *cancellable;

  AssayPipeline        *pipeline;
  AssaySession         *session;        /* nullable: the application's, for one window */
  GPtrArray            *waiting_files;  /* GFile*, added once the session is restored */
  guint                 restoring : 1;
  guint                 session_closing : 1;
  guint                 session_closed : 1;
  GtkWidget            *document_view;  /* in view_stack, or NULL */
  GtkNativeDialog      *file_chooser;   /* while the Open dialog is up */
  GtkWidget            *dashboard;      /* AssayCorpusDashboard (assay-window-views.c) */
  GtkWidget            *activity;       /* AssayActivityPanel (assay-window-views.c) */

  /* The preferences, applied to the pipeline (assay-window-settings.c). */
  GSettings            *settings;
  AssayWorkerPool      *pool;           /* the pipeline's, as "workers" asked at start */
  GCancellable         *apply_cancellable;
  guint                 apply_source;
  GCancellable         *cluster_cancellable;  /* assay-window-cluster.c */
  char                 *cluster_applied;      /* what the pipeline's remote was made from */

  /* The batch: from the first file added while nothing ran to the last
   * document finished. */
  guint                 batch_done;
  guint                 batch_failed;
  guint                 batch_locked;
  guint                 batch_other;
  guint                 pending_adds;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *empty_page;
  GtkWidget            *open_button;
  AdwLeaflet           *leaflet;
  GtkWidget            *list_pane;
  GtkWidget            *view_pane;
  AdwWindowTitle       *view_title;
  GtkStack             *view_stack;
  AssayDocumentList    *document_list;
  GtkRevealer          *drop_revealer;
};

void _assay_window_class_actions_init (AssayWindowClass *klass);
void _assay_window_actions_update     (AssayWindow      *self);
void _assay_window_dnd_init           (AssayWindow      *self);
AssayWorkerPool *_assay_window_settings_create_pool (AssayWindow *self);
void _assay_window_settings_init      (AssayWindow      *self);
void _assay_window_settings_dispose   (AssayWindow      *self);
void _assay_window_apply_settings     (AssayWindow      *self);
void _assay_window_apply_cluster      (AssayWindow      *self);
void _assay_window_class_cluster_init (AssayWindowClass *klass);
void _assay_window_add_action_toast   (AssayWindow      *self,
                                       const char       *title,
                                       const char       *button,
                                       const char       *action);
void _assay_window_cluster_dispose    (AssayWindow      *self);
void _assay_window_class_views_init   (AssayWindowClass *klass);
void _assay_window_views_init         (AssayWindow      *self);
gboolean _assay_window_views_showing  (AssayWindow      *self);

G_END_DECLS
