/* assay-document-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView over the pipeline's GListModel: rows exist only around what
 * is on screen (at most 200 in GTK 4.8), so ten thousand documents cost ten
 * thousand AssayDocuments and a bounded number of widgets. New documents
 * reach the view through an AssayPacedListModel, so that those rows are
 * not all built in one frame; while the list is not on screen (the window
 * shows its dashboard or its activity, or a folded window the document)
 * none reach it: a hidden list view would still build their rows, and
 * each change would lay the whole window out again.
 *
 * One timer, at one second, runs while anything is unfinished: it moves the
 * times (elapsed, estimate, countdown) of the rows that exist, the list
 * view's children, never kept elsewhere (GTK recycles them). The header
 * shows the pipeline's counts per state, refreshed from one low-priority
 * idle however many counts changed (and at most ten times a second), so
 * that a burst of cached results costs one update of the header. Its texts are GtkInscriptions, sized
 * apart from what they say: a count that moves redraws the header instead
 * of measuring the window again (on X11 that also costs round trips to
 * the server), in every frame of a batch.
 */
#define G_LOG_DOMAIN "assay-document-list"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-document-list.h"
#include "assay-document-row.h"
#include "assay-paced-list-model.h"
#include "assay-progress-line.h"

#define TICK_INTERVAL_MS 1000
#define REFRESH_INTERVAL_MS 100

/* GTK 4.8's list view keeps up to 200 rows and makes a new item's row in
 * the frame it appears: new documents come into the view 16 a frame until
 * that many are shown. A row is a placeholder until it is near the view
 * (assay-document-row.c), so 16 cost about as much as 4 did (0.5-2 ms of
 * the main thread a frame), and each frame that lets some in lays the
 * window out: 200 dropped at once take 13 such frames instead of 50
 * (docs/benchmarks.md). When rows were built from a template (about a
 * millisecond and a half each) it was 4. */
#define PACED_STEP  16
#define PACED_LIMIT 200

struct _AssayDocumentList
{
  GtkWidget            parent_instance;

  AssayPipeline       *pipeline;
  GtkSingleSelection  *selection;
  AssayPacedListModel *paced;          /* the selection's model */
  AssayDocumentCounts  counts;
  guint                tick_id;
  guint                refresh_id;
  gint64               refreshed_at;  /* monotonic µs of the last refresh */
  GdkFrameClock       *frame_clock;
  gulong               layout_handler;
  gboolean             catch_up_pending; /* the view moved: rows may be near now */

  /* Template children */
  GtkWidget           *box;
  GtkInscription      *summary_label;
  GtkInscription      *counts_label;
  AssayProgressLine   *overall_progress;
  GtkWidget           *cancel_all_button;
  GtkWidget           *clear_finished_button;
  GtkListView         *list_view;
};

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_SELECTED_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssayDocumentList, assay_document_list, GTK_TYPE_WIDGET)

static void ensure_ticking (AssayDocumentList *self);

/* ------------------------------------------------------------------------ */
/* Counts                                                                    */

/* From the pipeline's own counts: nothing walks the list. */
static void
count (AssayDocumentList   *self,
       AssayDocumentCounts *counts)
{
  AssayPipeline *p = self->pipeline;

  counts->n_documents = assay_pipeline_get_n_documents (p);
  counts->n_queued = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_QUEUED);
  counts->n_running = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_READING);
  counts->n_done = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_DONE);
  counts->n_failed = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_FAILED);
  counts->n_needs_password = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_NEEDS_PASSWORD);
  counts->n_cancelled = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_CANCELLED);
  counts->n_duplicates = assay_pipeline_get_n_in_state (p, ASSAY_DOCUMENT_DUPLICATE);
  counts->progress = assay_pipeline_get_progress (p);
}

static void
append_count (GString *text,
              guint    n,
              char    *part)
{
  if (n > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, part);
    }
  g_free (part);
}

static void
show_counts (AssayDocumentList *self)
{
  const AssayDocumentCounts *c = &self->counts;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *summary = NULL;
  guint n_unfinished = c->n_queued + c->n_running;
  guint n_finished = c->n_documents - n_unfinished;

  if (n_unfinished > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u of %u document finished",
                                            "%u of %u documents finished",
                                            c->n_documents),
                               n_finished, c->n_documents);
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u document", "%u documents",
                                            c->n_documents),
                               c->n_documents);
  gtk_inscription_set_text (self->summary_label, summary);

  append_count (text, c->n_queued, g_strdup_printf (_("%u queued"), c->n_queued));
  append_count (text, c->n_running, g_strdup_printf (_("%u running"), c->n_running));
  append_count (text, c->n_done,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u done", "%u done", c->n_done),
                                 c->n_done));
  append_count (text, c->n_failed, g_strdup_printf (_("%u failed"), c->n_failed));
  append_count (text, c->n_needs_password,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u needs a password",
                                              "%u need a password", c->n_needs_password),
                                 c->n_needs_password));
  append_count (text, c->n_cancelled,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u cancelled", "%u cancelled",
                                              c->n_cancelled),
                                 c->n_cancelled));
  append_count (text, c->n_duplicates,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u duplicate", "%u duplicates",
                                              c->n_duplicates),
                                 c->n_duplicates));
  gtk_inscription_set_text (self->counts_label, text->str);

  /* The batch's progress, while there is one. */
  assay_progress_line_set_fraction (self->overall_progress, c->progress);
  gtk_widget_set_visible (GTK_WIDGET (self->overall_progress), n_unfinished > 0);
  gtk_widget_set_sensitive (self->cancel_all_button, n_unfinished > 0);
  gtk_widget_set_sensitive (self->clear_finished_button, n_finished > 0);
}

/**
 * assay_document_list_refresh:
 *
 * Counts the documents per state now and shows the counts.
 */
void
assay_document_list_refresh (AssayDocumentList *self)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_LIST (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refreshed_at = g_get_monotonic_time ();
  count (self, &self->counts);
  show_counts (self);
}

static gboolean
refresh_idle (gpointer user_data)
{
  AssayDocumentList *self = user_data;

  self->refresh_id = 0;
  assay_document_list_refresh (self);

  return G_SOURCE_REMOVE;
}

/* At most REFRESH_INTERVAL_MS apart: during a batch the counts and the
 * overall progress change many times a frame, and each refresh is a frame
 * to draw; ten a second read as smooth. */
static void
queue_refresh (AssayDocumentList *self)
{
  gint64 due;

  if (self->refresh_id != 0)
    return;

  due = self->refreshed_at + REFRESH_INTERVAL_MS * 1000 - g_get_monotonic_time ();
  if (due <= 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_LOW, refresh_idle, self, NULL);
  else
    self->refresh_id = g_timeout_add_full (G_PRIORITY_LOW, (guint) (due / 1000) + 1,
                                           refresh_idle, self, NULL);
  g_source_set_name_by_id (self->refresh_id, "[assay] count documents");
}

/* ------------------------------------------------------------------------ */
/* The one timer                                                             */

static gboolean
tick (gpointer user_data)
{
  AssayDocumentList *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean moving = FALSE;

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (ASSAY_IS_DOCUMENT_ROW (row))
        moving |= assay_document_row_tick (ASSAY_DOCUMENT_ROW (row), now);
    }

  if (moving || assay_pipeline_get_n_unfinished (self->pipeline) > 0)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_ticking (AssayDocumentList *self)
{
  if (self->tick_id == 0 && self->pipeline != NULL)
    {
      self->tick_id = g_timeout_add (TICK_INTERVAL_MS, tick, self);
      g_source_set_name_by_id (self->tick_id, "[assay] document times");
    }
}

/* Rows far from the view let changes wait (and are placeholders until
 * first near): show them as they come near. Where the rows are is known
 * once the list view has laid itself out, so this runs after the frame
 * clock's layout; a row built then is laid out in the same frame. */
static void
catch_up_rows (AssayDocumentList *self)
{
  if (!self->catch_up_pending)
    return;

  self->catch_up_pending = FALSE;
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (ASSAY_IS_DOCUMENT_ROW (row))
        assay_document_row_catch_up (ASSAY_DOCUMENT_ROW (row));
    }
}

/* Scrolled, resized, given more items, shown: each lays the list out. */
static void
view_moved (AssayDocumentList *self)
{
  self->catch_up_pending = TRUE;
}

/* Off screen, the view is given no new documents (they wait in the
 * paced model); back on screen, they come in a few a frame. */
static void
list_view_mapped (AssayDocumentList *self)
{
  if (self->paced != NULL)
    assay_paced_list_model_set_paused (self->paced, FALSE);
}

static void
list_view_unmapped (AssayDocumentList *self)
{
  if (self->paced != NULL)
    assay_paced_list_model_set_paused (self->paced, TRUE);
}

static void
list_view_realized (AssayDocumentList *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view));

  g_clear_signal_handler (&self->layout_handler, self->frame_clock);
  g_set_object (&self->frame_clock, clock);
  self->layout_handler = g_signal_connect_object (clock, "layout", G_CALLBACK (catch_up_rows), self,
                                                  G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

static void
list_view_unrealized (AssayDocumentList *self)
{
  g_clear_signal_handler (&self->layout_handler, self->frame_clock);
  g_clear_object (&self->frame_clock);
}

static void
list_wake (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ensure_ticking (ASSAY_DOCUMENT_LIST (widget));
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           AssayDocumentList        *self)
{
  gtk_list_item_set_child (item, assay_document_row_new (self->pipeline));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          AssayDocumentList        *self)
{
  assay_document_row_set_document (ASSAY_DOCUMENT_ROW (gtk_list_item_get_child (item)),
                                   gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            AssayDocumentList        *self)
{
  assay_document_row_set_document (ASSAY_DOCUMENT_ROW (gtk_list_item_get_child (item)), NULL);
}

/* ------------------------------------------------------------------------ */

static void
documents_changed (AssayDocumentList *self,
                   guint              position,
                   guint              removed,
                   guint              added)
{
  queue_refresh (self);
  if (added > 0)
    ensure_ticking (self);
}

static void
counts_changed (AssayDocumentList *self)
{
  queue_refresh (self);
}

static void
selection_changed (AssayDocumentList *self)
{
  AssayDocument *document = assay_document_list_get_selected_document (self);

  /* The document a person looks at is the next one started. */
  if (document != NULL)
    assay_pipeline_prioritize (self->pipeline, document);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_DOCUMENT]);
}

static void
set_pipeline (AssayDocumentList *self,
              AssayPipeline     *pipeline)
{
  static const char * const count_notifications[] = {
    "notify::n-documents", "notify::n-queued", "notify::n-running", "notify::n-done",
    "notify::n-failed", "notify::n-needs-password", "notify::n-cancelled",
    "notify::n-duplicates", "notify::progress",
  };
  GListModel *documents;

  if (pipeline == self->pipeline)
    return;
  g_return_if_fail (self->pipeline == NULL);

  self->pipeline = g_object_ref (pipeline);
  documents = assay_pipeline_get_documents (pipeline);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE]);

  self->paced = assay_paced_list_model_new (documents, PACED_STEP, PACED_LIMIT);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->paced)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (documents, "items-changed",
                           G_CALLBACK (documents_changed), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (count_notifications); i++)
    g_signal_connect_object (pipeline, count_notifications[i],
                             G_CALLBACK (counts_changed), self, G_CONNECT_SWAPPED);

  assay_document_list_refresh (self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
assay_document_list_dispose (GObject *object)
{
  AssayDocumentList *self = ASSAY_DOCUMENT_LIST (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  list_view_unrealized (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_DOCUMENT_LIST);

  g_clear_object (&self->selection);
  g_clear_object (&self->paced);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (assay_document_list_parent_class)->dispose (object);
}

static void
assay_document_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AssayDocumentList *self = ASSAY_DOCUMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;

    case PROP_SELECTED_DOCUMENT:
      g_value_set_object (value, assay_document_list_get_selected_document (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AssayDocumentList *self = ASSAY_DOCUMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      set_pipeline (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_list_class_init (AssayDocumentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_document_list_dispose;
  object_class->get_property = assay_document_list_get_property;
  object_class->set_property = assay_document_list_set_property;

  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL,
                         ASSAY_TYPE_PIPELINE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SELECTED_DOCUMENT] =
    g_param_spec_object ("selected-document", NULL, NULL,
                         ASSAY_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ASSAY_TYPE_PROGRESS_LINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-document-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, box);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, counts_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, overall_progress);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, cancel_all_button);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, clear_finished_button);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentList, list_view);

  gtk_widget_class_install_action (widget_class, "list.wake", NULL, list_wake);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "documentlist");

  g_type_ensure (ASSAY_TYPE_DOCUMENT_ROW);
}

static void
assay_document_list_init (AssayDocumentList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);

  {
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

    g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (view_moved), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (vadjustment, "changed", G_CALLBACK (view_moved), self,
                             G_CONNECT_SWAPPED);
    /* Hidden (a folded window showing a document), no row is near the view. */
    g_signal_connect_object (self->list_view, "map", G_CALLBACK (view_moved), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->list_view, "map", G_CALLBACK (list_view_mapped), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->list_view, "unmap", G_CALLBACK (list_view_unmapped), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->list_view, "realize", G_CALLBACK (list_view_realized), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->list_view, "unrealize", G_CALLBACK (list_view_unrealized), self,
                             G_CONNECT_SWAPPED);
  }
}

/**
 * assay_document_list_new:
 *
 * Returns: (transfer full): a list of @pipeline's documents
 */
GtkWidget *
assay_document_list_new (AssayPipeline *pipeline)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (pipeline), NULL);

  return g_object_new (ASSAY_TYPE_DOCUMENT_LIST, "pipeline", pipeline, NULL);
}

/**
 * assay_document_list_set_pipeline:
 *
 * Sets the pipeline whose documents are listed, once (a template makes the
 * list before its window has a pipeline).
 */
void
assay_document_list_set_pipeline (AssayDocumentList *self,
                                  AssayPipeline     *pipeline)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_LIST (self));
  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));

  set_pipeline (self, pipeline);
}

AssayPipeline *
assay_document_list_get_pipeline (AssayDocumentList *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_LIST (self), NULL);

  return self->pipeline;
}

/**
 * assay_document_list_get_selected_document:
 *
 * Returns: (transfer none) (nullable): the selected document
 */
AssayDocument *
assay_document_list_get_selected_document (AssayDocumentList *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_LIST (self), NULL);

  if (self->selection == NULL)
    return NULL;

  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * assay_document_list_select:
 * @position: a position in the list, or %GTK_INVALID_LIST_POSITION
 *
 * Selects and scrolls to the document at @position.
 */
void
assay_document_list_select (AssayDocumentList *self,
                            guint              position)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_LIST (self));

  if (self->selection == NULL)
    return;

  /* A document not let into the view yet (paced, or waiting while the
   * list was hidden) is asked for: all come in now. */
  if (position != GTK_INVALID_LIST_POSITION &&
      position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    assay_paced_list_model_show_all (self->paced);

  gtk_single_selection_set_selected (self->selection, position);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/**
 * assay_document_list_select_relative:
 * @delta: -1 for the previous document, 1 for the next
 *
 * Returns: %TRUE when the selection moved
 */
gboolean
assay_document_list_select_relative (AssayDocumentList *self,
                                     int                delta)
{
  guint n, selected;
  gint64 target;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_LIST (self), FALSE);

  if (self->selection == NULL)
    return FALSE;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (n == 0)
    return FALSE;

  selected = gtk_single_selection_get_selected (self->selection);
  if (selected == GTK_INVALID_LIST_POSITION)
    target = delta > 0 ? 0 : (gint64) n - 1;
  else
    target = CLAMP ((gint64) selected + delta, 0, (gint64) n - 1);

  if ((guint) target == selected)
    return FALSE;

  assay_document_list_select (self, (guint) target);
  return TRUE;
}

/**
 * assay_document_list_get_counts:
 *
 * The counts per state as last shown (refresh first for the current ones).
 */
void
assay_document_list_get_counts (AssayDocumentList   *self,
                                AssayDocumentCounts *counts)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_LIST (self));
  g_return_if_fail (counts != NULL);

  *counts = self->counts;
}

/**
 * assay_document_list_find_row:
 *
 * Returns: (transfer none) (nullable): the row showing @document, if it
 *   has one (only documents on screen have rows)
 */
GtkWidget *
assay_document_list_find_row (AssayDocumentList *self,
                              AssayDocument     *document)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_LIST (self), NULL);

  /* The list view's children are its list items; each holds a row. */
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (ASSAY_IS_DOCUMENT_ROW (row) &&
          assay_document_row_get_document (ASSAY_DOCUMENT_ROW (row)) == document)
        return row;
    }

  return NULL;
}
