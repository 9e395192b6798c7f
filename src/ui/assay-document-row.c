/* assay-document-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row follows its document through a GSignalGroup, so that a recycled
 * row drops the previous document's handlers in one step. Times that move
 * on their own (elapsed, the estimate, a rate-limit countdown) are not
 * ticked here: the list runs one timer for the rows it shows and calls
 * assay_document_row_tick().
 *
 * A document changes many times a second while it runs (state, status,
 * progress, pages), and GTK 4.8's list view keeps up to 200 rows bound,
 * most of them off screen. So a notification only marks what changed; a
 * row on screen (or within a screen of it) applies its changes once per
 * frame, from a tick callback, and a row off screen when the list shows it
 * (assay_document_row_catch_up(), on scrolling and on the list's timer).
 * The texts that change are GtkInscriptions, whose size does not follow
 * their text: setting one redraws the row instead of measuring the window
 * again, and the progress line is drawn (assay-progress-line.c). Parts
 * few rows need (the password entry) are built when first shown.
 */
#define G_LOG_DOMAIN "assay-document-row"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-document-row.h"
#include "assay-progress-line.h"

struct _AssayDocumentRow
{
  GtkWidget       parent_instance;

  AssayPipeline  *pipeline;
  AssayDocument  *document;
  GSignalGroup   *document_signals;
  char           *status;
  int             shown_state;   /* the state the icon shows, -1 for none */
  gboolean        shown_waiting; /* the icon shows a rate limit's wait */
  gboolean        built;         /* its children exist (built near the view) */
  guint           dirty;         /* Dirty: what changed since last shown */
  guint           tick_id;       /* applies the changes at the next frame */

  /* Template children */
  GtkWidget      *box;
  GtkImage       *stage_icon;
  GtkInscription *name_label;
  GtkWidget      *cached_badge;
  GtkLabel       *worker_label;
  GtkWidget      *text_box;
  GtkInscription *status_label;
  AssayProgressLine *progress_bar;
  GtkLabel       *error_label;
  GtkWidget      *password_box;   /* built when first needed */
  GtkWidget      *password_entry;
  GtkWidget      *cancel_button;
  GtkWidget      *retry_button;
  GtkWidget      *remove_button;
};

typedef enum {
  DIRTY_STATE    = 1 << 0,  /* the state or the error message */
  DIRTY_SUMMARY  = 1 << 1,  /* what the status line says */
  DIRTY_PROGRESS = 1 << 2,
  DIRTY_WORKER   = 1 << 3,  /* the cluster's worker holding it */
  DIRTY_ALL      = DIRTY_STATE | DIRTY_SUMMARY | DIRTY_PROGRESS | DIRTY_WORKER,
} Dirty;

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssayDocumentRow, assay_document_row, GTK_TYPE_WIDGET)

static gboolean
state_is_running (AssayDocumentState state)
{
  return state == ASSAY_DOCUMENT_HASHING || state == ASSAY_DOCUMENT_READING ||
         state == ASSAY_DOCUMENT_EXTRACTING || state == ASSAY_DOCUMENT_ANALYSING;
}

/* "0:42", "12:05", "1:02:03" */
static char *
format_duration (gint64 us)
{
  gint64 s = MAX (0, us) / G_USEC_PER_SEC;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60));

  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

/* ------------------------------------------------------------------------ */

/* What a row far from the view asks for until it is built. */
#define PLACEHOLDER_HEIGHT 56

static void build (AssayDocumentRow *self);

static const char *
state_icon_name (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_QUEUED:         return "document-open-recent-symbolic";
    case ASSAY_DOCUMENT_HASHING:        return "content-loading-symbolic";
    case ASSAY_DOCUMENT_READING:        return "view-paged-symbolic";
    case ASSAY_DOCUMENT_EXTRACTING:     return "edit-find-symbolic";
    case ASSAY_DOCUMENT_ANALYSING:      return "x-office-spreadsheet-symbolic";
    case ASSAY_DOCUMENT_DONE:           return "emblem-ok-symbolic";
    case ASSAY_DOCUMENT_FAILED:         return "dialog-error-symbolic";
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return "dialog-password-symbolic";
    case ASSAY_DOCUMENT_CANCELLED:      return "process-stop-symbolic";
    case ASSAY_DOCUMENT_DUPLICATE:      return "edit-copy-symbolic";
    default:                            return "document-open-recent-symbolic";
    }
}

static const char *
state_label (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_QUEUED:         return _("Queued");
    case ASSAY_DOCUMENT_HASHING:        return _("Checking the file");
    case ASSAY_DOCUMENT_READING:        return _("Reading");
    case ASSAY_DOCUMENT_EXTRACTING:     return _("Extracting");
    case ASSAY_DOCUMENT_ANALYSING:      return _("Analysing");
    case ASSAY_DOCUMENT_DONE:           return _("Done");
    case ASSAY_DOCUMENT_FAILED:         return _("Failed");
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return _("Needs a password");
    case ASSAY_DOCUMENT_CANCELLED:      return _("Cancelled");
    case ASSAY_DOCUMENT_DUPLICATE:      return _("Duplicate");
    default:                            return "";
    }
}

static const char *
failed_label (AssayStage stage)
{
  switch (stage)
    {
    case ASSAY_STAGE_HASH:
    case ASSAY_STAGE_CACHE:
    case ASSAY_STAGE_READ:    return _("Failed while reading");
    case ASSAY_STAGE_EXTRACT: return _("Failed while extracting");
    case ASSAY_STAGE_ANALYSE: return _("Failed while analysing");
    case ASSAY_STAGE_STORE:   return _("Failed while storing the result");
    default:                  return _("Failed");
    }
}

static const char *
state_css_class (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_DONE:           return "success";
    case ASSAY_DOCUMENT_FAILED:         return "error";
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return "warning";
    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    case ASSAY_DOCUMENT_CANCELLED:
    case ASSAY_DOCUMENT_DUPLICATE:
    default:                            return NULL;
    }
}

/* The status line: what is happening, the pages, how long it has taken
 * and, once there is enough progress to tell, how long it may still take;
 * while a rate limit holds, the seconds left. */
static char *
compose_status (AssayDocumentRow *self,
                gint64            now)
{
  AssayDocument *document = self->document;
  AssayDocumentState state = assay_document_get_state (document);
  guint n_pages = assay_document_get_n_pages (document);
  gint64 started = assay_document_get_started_at (document);
  gint64 waiting_until = assay_document_get_waiting_until (document);
  const char *status_text = assay_document_get_status_text (document);
  g_autoptr(GString) line = g_string_new (NULL);

  if (state_is_running (state) && waiting_until > now)
    {
      guint seconds = (guint) ((waiting_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      /* Translators: the model server asked to wait; %u is seconds left */
      g_string_append_printf (line, _("Rate limit: waiting %u s"), seconds);
      return g_string_free (g_steal_pointer (&line), FALSE);
    }

  if (state_is_running (state) && status_text != NULL && *status_text != '\0')
    g_string_append (line, status_text);
  else if (state == ASSAY_DOCUMENT_FAILED)
    g_string_append (line, failed_label (assay_document_get_error_stage (document)));
  else if (state == ASSAY_DOCUMENT_DUPLICATE && assay_document_get_duplicate_of (document) != NULL)
    {
      g_autofree char *original = g_path_get_basename (assay_document_get_duplicate_of (document));

      g_string_append_printf (line, _("Same content as %s"), original);
    }
  else if (state != ASSAY_DOCUMENT_DONE || n_pages == 0)
    g_string_append (line, state_label (state));

  if (n_pages > 0 && !(state_is_running (state) && status_text != NULL && *status_text != '\0'))
    {
      /* Done rows start with their pages: the icon says done. */
      if (line->len > 0)
        g_string_append (line, " · ");
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", n_pages),
                              n_pages);
    }

  if (state_is_running (state) && started > 0)
    {
      g_autofree char *elapsed = format_duration (now - started);
      double progress = assay_document_get_progress (document);

      g_string_append (line, " · ");
      g_string_append (line, elapsed);

      if (progress >= 0.05 && progress < 1.0 && now - started > 2 * G_USEC_PER_SEC)
        {
          gint64 left = (gint64) ((now - started) * (1.0 - progress) / progress);
          g_autofree char *eta = format_duration (left + G_USEC_PER_SEC - 1);

          g_string_append (line, " · ");
          /* Translators: an estimate of the time left, e.g. "about 0:12 left" */
          g_string_append_printf (line, _("about %s left"), eta);
        }
    }
  if (state == ASSAY_DOCUMENT_DONE)
    {
      guint n_figures = assay_document_get_n_figures (document);
      guint n_verified = assay_document_get_n_verified (document);

      g_string_append (line, " · ");
      if (n_figures == 0)
        g_string_append (line, _("no key figures"));
      else
        /* Translators: key figures found in a document, and how many of them
         * were found again on their page, e.g. "12 figures, 11 verified" */
        g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u figure, %u verified",
                                                   "%u figures, %u verified", n_figures),
                                n_figures, n_verified);
    }

  if (state == ASSAY_DOCUMENT_DONE && !assay_document_get_cached (document) && started > 0)
    {
      gint64 finished = assay_document_get_finished_at (document);

      if (finished > started && finished - started < 10 * G_USEC_PER_SEC)
        {
          g_string_append (line, " · ");
          /* Translators: how long the document took, e.g. "2.4 s" */
          g_string_append_printf (line, _("%.1f s"), (finished - started) / (double) G_USEC_PER_SEC);
        }
      else if (finished > started)
        {
          g_autofree char *took = format_duration (finished - started);

          g_string_append (line, " · ");
          g_string_append (line, took);
        }
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
set_status (AssayDocumentRow *self,
            char             *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    {
      g_free (status);
      return;
    }

  g_free (self->status);
  self->status = status;
  gtk_inscription_set_text (self->status_label, status);
}

static void
password_activated (AssayDocumentRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "row.unlock", NULL);
}

static gboolean
query_unlock_tooltip (GtkWidget  *widget,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, _("Read this document with the password"));
  return TRUE;
}

/* Only rows that need a password have the entry: built the first time. */
static void
ensure_password_box (AssayDocumentRow *self)
{
  GtkWidget *button;

  if (self->password_box != NULL)
    return;

  self->password_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (self->password_box, 2);

  self->password_entry = gtk_password_entry_new ();
  gtk_widget_set_hexpand (self->password_entry, TRUE);
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->password_entry), TRUE);
  g_object_set (self->password_entry, "placeholder-text", _("Password"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password of this document"),
                                  -1);
  g_signal_connect_swapped (self->password_entry, "activate", G_CALLBACK (password_activated), self);
  gtk_box_append (GTK_BOX (self->password_box), self->password_entry);

  button = gtk_button_new_with_mnemonic (_("_Unlock"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "row.unlock");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (query_unlock_tooltip), NULL);
  gtk_box_append (GTK_BOX (self->password_box), button);

  gtk_box_append (GTK_BOX (self->text_box), self->password_box);
}

/* What changes with the state: the icon, which parts show, the actions. */
static void
update_state (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  gboolean running = state_is_running (state) || state == ASSAY_DOCUMENT_QUEUED;
  gboolean finished = assay_document_is_finished (self->document);
  const char *css_class;

  if ((int) state == self->shown_state)
    return;

  if (self->shown_state >= 0 && state_css_class (self->shown_state) != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->stage_icon), state_css_class (self->shown_state));
  self->shown_state = state;

  gtk_image_set_from_icon_name (self->stage_icon, state_icon_name (state));
  self->shown_waiting = FALSE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stage_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, state_label (state),
                                  -1);
  css_class = state_css_class (state);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->stage_icon), css_class);

  /* Shown and hidden with the state: the icon changes in the same frame,
   * which measures the row again anyway. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state_is_running (state));
  if (state == ASSAY_DOCUMENT_NEEDS_PASSWORD)
    ensure_password_box (self);
  if (self->password_box != NULL)
    gtk_widget_set_visible (self->password_box, state == ASSAY_DOCUMENT_NEEDS_PASSWORD);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->retry_button,
                          finished && state != ASSAY_DOCUMENT_DONE &&
                          state != ASSAY_DOCUMENT_DUPLICATE &&
                          state != ASSAY_DOCUMENT_NEEDS_PASSWORD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.retry", finished);

  /* A state change may start work the list's timer has to follow. */
  if (running)
    gtk_widget_activate_action (GTK_WIDGET (self), "list.wake", NULL);
}

static void
update_error (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  const char *message = assay_document_get_error_message (self->document);
  gboolean show = state == ASSAY_DOCUMENT_FAILED && message != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), show);
  if (show)
    gtk_label_set_label (self->error_label, message);
}

/* Tooltips are answered when asked for, from what the row shows then:
 * setting one is not cheap in GTK 4.8 (each call makes the display look
 * for a tooltip under the pointer again), and a row's status changes many
 * times a second during a batch. */
static gboolean
query_name_tooltip (AssayDocumentRow *self,
                    int               x,
                    int               y,
                    gboolean          keyboard_mode,
                    GtkTooltip       *tooltip)
{
  const char *title;
  const char *path;

  if (self->document == NULL)
    return FALSE;

  /* The title the document gives itself, when it has one, and where it is. */
  title = assay_document_get_title (self->document);
  path = assay_document_get_path (self->document);
  if (title != NULL && *title != '\0')
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", title, path);

      gtk_tooltip_set_text (tooltip, text);
    }
  else
    gtk_tooltip_set_text (tooltip, path);

  return TRUE;
}

/* All of the status, when the row is too narrow to show it. */
static gboolean
query_status_tooltip (AssayDocumentRow *self,
                      int               x,
                      int               y,
                      gboolean          keyboard_mode,
                      GtkTooltip       *tooltip)
{
  if (self->status == NULL || *self->status == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->status);
  return TRUE;
}

static gboolean
query_stage_tooltip (AssayDocumentRow *self,
                     int               x,
                     int               y,
                     gboolean          keyboard_mode,
                     GtkTooltip       *tooltip)
{
  if (self->document == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, state_label (assay_document_get_state (self->document)));
  return TRUE;
}

/* The badge's and the buttons' tooltips: fixed texts, given when asked. */
static gboolean
query_fixed_tooltip (AssayDocumentRow *self,
                     int               x,
                     int               y,
                     gboolean          keyboard_mode,
                     GtkTooltip       *tooltip,
                     GtkWidget        *widget)
{
  const char *text = NULL;

  if (widget == self->cached_badge)
    text = _("Stored from an earlier run: nothing was read again");
  else if (widget == self->cancel_button)
    text = _("Stop this document");
  else if (widget == self->retry_button)
    text = _("Process this document again");
  else if (widget == self->remove_button)
    text = _("Remove from the list");

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* While a rate limit holds, an alarm clock instead of the stage. */
static void
update_waiting (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  gboolean waiting = state_is_running (state) &&
                     assay_document_get_waiting_until (self->document) > g_get_monotonic_time ();

  if (waiting == self->shown_waiting)
    return;

  self->shown_waiting = waiting;
  gtk_image_set_from_icon_name (self->stage_icon, waiting ? "alarm-symbolic" : state_icon_name (state));
}

/* The cluster's worker holding the document, hidden for local documents. */
static void
update_worker (AssayDocumentRow *self)
{
  const char *worker = assay_document_get_worker (self->document);

  gtk_widget_set_visible (GTK_WIDGET (self->worker_label), worker != NULL);
  if (worker != NULL)
    {
      /* TRANSLATORS: the cluster worker that holds a document, by its name */
      g_autofree char *text = g_strdup_printf (_("on %s"), worker);

      gtk_label_set_label (self->worker_label, text);
    }
}

/* Shows what changed since the last time. */
static void
flush (AssayDocumentRow *self)
{
  guint dirty = self->dirty;

  if (!self->built)
    return;

  self->dirty = 0;
  if (self->document == NULL || dirty == 0)
    return;

  if (dirty & DIRTY_STATE)
    {
      update_state (self);
      update_error (self);
    }
  if (dirty & (DIRTY_STATE | DIRTY_SUMMARY))
    {
      update_waiting (self);
      gtk_widget_set_visible (self->cached_badge, assay_document_get_cached (self->document));
      set_status (self, compose_status (self, g_get_monotonic_time ()));
    }
  if (dirty & DIRTY_PROGRESS)
    assay_progress_line_set_fraction (self->progress_bar, assay_document_get_progress (self->document));
  if (dirty & DIRTY_WORKER)
    update_worker (self);
}

/* On screen, or within a screen of it (so that scrolling finds rows up to
 * date); a row outside a list view (tests) always is. */
static gboolean
is_near_view (AssayDocumentRow *self)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW);
  graphene_rect_t bounds;
  int height;

  if (view == NULL)
    return TRUE;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (self), view, &bounds))
    return FALSE;

  height = gtk_widget_get_height (view);
  return bounds.origin.y + bounds.size.height >= -height && bounds.origin.y <= 2 * height;
}

static gboolean
flush_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  /* A placeholder bound to a new item is placed by the list's next
   * layout: where it is, is known after that. */
  if (!self->built && self->document != NULL && gtk_widget_get_width (widget) == 0 &&
      gtk_widget_get_mapped (widget))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  /* Scrolled away since: catch_up() shows it when it is back. */
  if (is_near_view (self))
    {
      build (self);
      flush (self);
    }

  return G_SOURCE_REMOVE;
}

static void
queue_flush (AssayDocumentRow *self,
             Dirty             what)
{
  self->dirty |= what;
  if (self->tick_id == 0 && is_near_view (self))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), flush_tick, NULL, NULL);
}

static void
state_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_STATE);
}

static void
summary_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_SUMMARY);
}

static void
progress_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_PROGRESS);
}

static void
worker_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_WORKER);
}

/**
 * assay_document_row_catch_up:
 *
 * If the row is near the view now, builds it if it is a placeholder and
 * shows what changed in the document while it was far. The list calls it
 * once it has laid itself out after scrolling (in the frame clock's layout
 * phase: a row built then is laid out in the same frame).
 */
void
assay_document_row_catch_up (AssayDocumentRow *self)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_ROW (self));

  if ((self->dirty != 0 || !self->built) && self->document != NULL && is_near_view (self))
    {
      build (self);
      flush (self);
    }
}

/**
 * assay_document_row_tick:
 * @now: monotonic µs
 *
 * Brings the times shown up to date.
 *
 * Returns: %TRUE while the row shows a time that keeps moving
 */
gboolean
assay_document_row_tick (AssayDocumentRow *self,
                         gint64            now)
{
  AssayDocumentState state;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), FALSE);

  if (self->document == NULL)
    return FALSE;

  /* Far from the view, a row only remembers that its times moved (it is
   * brought up to date when it comes near: assay_document_row_catch_up()). */
  if (!is_near_view (self))
    {
      if (!state_is_running (assay_document_get_state (self->document)))
        return FALSE;
      self->dirty |= DIRTY_SUMMARY;
      return TRUE;
    }

  build (self);
  flush (self);
  state = assay_document_get_state (self->document);
  if (!state_is_running (state))
    return FALSE;

  update_waiting (self);
  set_status (self, compose_status (self, now));
  return TRUE;
}

/**
 * assay_document_row_get_status:
 *
 * Shows what changed first, if anything did.
 *
 * Returns: (nullable): the status line as shown
 */
const char *
assay_document_row_get_status (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  if (self->document != NULL)
    build (self);
  flush (self);

  return self->status;
}

/* GTK 4.8's list view keeps 200 rows bound, most of them off screen, and
 * makes them in the frames their items appear in: a row from its template
 * costs about a millisecond and a half. A row is an empty placeholder of a
 * row's height until it is first near the view. */
static void
build (AssayDocumentRow *self)
{
  if (self->built)
    return;

  self->built = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_size_request (GTK_WIDGET (self), -1, -1);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->name_label), TRUE);
  g_signal_connect_swapped (self->name_label, "query-tooltip", G_CALLBACK (query_name_tooltip), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->status_label), TRUE);
  g_signal_connect_swapped (self->status_label, "query-tooltip", G_CALLBACK (query_status_tooltip), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->stage_icon), TRUE);
  g_signal_connect_swapped (self->stage_icon, "query-tooltip", G_CALLBACK (query_stage_tooltip), self);
  {
    GtkWidget *fixed[] = { self->cached_badge, self->cancel_button, self->retry_button,
                           self->remove_button };

    for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
      {
        gtk_widget_set_has_tooltip (fixed[i], TRUE);
        g_signal_connect_swapped (fixed[i], "query-tooltip", G_CALLBACK (query_fixed_tooltip), self);
      }
  }

  self->shown_state = -1;
  self->shown_waiting = FALSE;
  g_clear_pointer (&self->status, g_free);
  if (self->document != NULL)
    {
      gtk_inscription_set_text (self->name_label, assay_document_get_name (self->document));
      self->dirty = DIRTY_ALL;
    }
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */

static void
row_cancel (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  if (self->document != NULL && self->pipeline != NULL)
    assay_pipeline_cancel (self->pipeline, self->document);
}

static void
row_retry (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  if (self->document != NULL && self->pipeline != NULL)
    assay_pipeline_retry (self->pipeline, self->document);
}

static void
row_remove (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  g_autoptr(AssayDocument) document = NULL;

  if (self->document == NULL || self->pipeline == NULL)
    return;

  /* Removing unbinds this row: hold the document until done. */
  document = g_object_ref (self->document);
  assay_pipeline_remove (self->pipeline, document);
}

static void
row_unlock (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  const char *password;

  if (self->password_entry == NULL)
    return;

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (self->document == NULL || self->pipeline == NULL || password == NULL || *password == '\0')
    return;

  /* For this document only: the pipeline's own password stays. */
  assay_pipeline_retry_with_password (self->pipeline, self->document, password);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

 /* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
assay_document_row_dispose (GObject *object)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->document_signals != NULL)
    g_signal_group_set_target (self->document_signals, NULL);
  g_clear_object (&self->document);
  g_clear_object (&self->pipeline);

  if (self->built)
    gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_DOCUMENT_ROW);

  G_OBJECT_CLASS (assay_document_row_parent_class)->dispose (object);
}

static void
assay_document_row_finalize (GObject *object)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  g_clear_object (&self->document_signals);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (assay_document_row_parent_class)->finalize (object);
}

static void
assay_document_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      self->pipeline = g_value_dup_object (value);
      break;

    case PROP_DOCUMENT:
      assay_document_row_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_row_class_init (AssayDocumentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_document_row_dispose;
  object_class->finalize = assay_document_row_finalize;
  object_class->get_property = assay_document_row_get_property;
  object_class->set_property = assay_document_row_set_property;

  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL,
                         ASSAY_TYPE_PIPELINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         ASSAY_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ASSAY_TYPE_PROGRESS_LINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-document-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, box);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, stage_icon);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, cached_badge);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, worker_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, text_box);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentRow, remove_button);

  gtk_widget_class_install_action (widget_class, "row.cancel", NULL, row_cancel);
  gtk_widget_class_install_action (widget_class, "row.retry", NULL, row_retry);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, row_remove);
  gtk_widget_class_install_action (widget_class, "row.unlock", NULL, row_unlock);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "documentrow");
}

static void
assay_document_row_init (AssayDocumentRow *self)
{
  static const struct { const char *signal; GCallback handler; } handlers[] = {
    { "notify::state", G_CALLBACK (state_changed) },
    { "notify::error-message", G_CALLBACK (state_changed) },
    { "notify::progress", G_CALLBACK (progress_changed) },
    { "notify::n-pages", G_CALLBACK (summary_changed) },
    { "notify::cached", G_CALLBACK (summary_changed) },
    { "notify::status-text", G_CALLBACK (summary_changed) },
    { "notify::waiting-until", G_CALLBACK (summary_changed) },
    { "notify::started-at", G_CALLBACK (summary_changed) },
    { "notify::finished-at", G_CALLBACK (summary_changed) },
    { "notify::n-figures", G_CALLBACK (summary_changed) },
    { "notify::n-verified", G_CALLBACK (summary_changed) },
    { "notify::title", G_CALLBACK (summary_changed) },
    { "notify::worker", G_CALLBACK (worker_changed) },
  };

  /* Built when first near the view (build()). */
  gtk_widget_set_size_request (GTK_WIDGET (self), -1, PLACEHOLDER_HEIGHT);

  self->shown_state = -1;
  self->document_signals = g_signal_group_new (ASSAY_TYPE_DOCUMENT);
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_group_connect_object (self->document_signals, handlers[i].signal,
                                   handlers[i].handler, self, G_CONNECT_SWAPPED);
}

/**
 * assay_document_row_new:
 * @pipeline: runs the row's cancel, retry and remove
 *
 * Returns: (transfer full): a row showing no document yet
 */
GtkWidget *
assay_document_row_new (AssayPipeline *pipeline)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (pipeline), NULL);

  return g_object_new (ASSAY_TYPE_DOCUMENT_ROW, "pipeline", pipeline, NULL);
}

AssayDocument *
assay_document_row_get_document (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  return self->document;
}

/**
 * assay_document_row_set_document:
 * @document: (nullable): the document to show
 */
void
assay_document_row_set_document (AssayDocumentRow *self,
                                 AssayDocument    *document)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_ROW (self));
  g_return_if_fail (!document || ASSAY_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  if (self->document != NULL && self->password_entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");

  g_set_object (&self->document, document);
  g_signal_group_set_target (self->document_signals, document);

  /* A built row shows its document at once, near the view or not. A
   * placeholder outside a list (tests) is built now; in a list, it is not
   * placed yet when bound: it looks at the next frame whether it is near. */
  self->dirty = 0;
  if (document != NULL)
    {
      if (!self->built && gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW) == NULL)
        build (self);
      self->dirty = DIRTY_ALL;
      if (self->built)
        {
          gtk_inscription_set_text (self->name_label, assay_document_get_name (document));
          flush (self);
        }
      else if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), flush_tick, NULL, NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}
