/* assay-paced-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's GtkListView makes a row for every item around its anchor, up
 * to 200 of them, all in the frame in which they appear: two hundred
 * documents dropped at once cost two hundred rows built in one frame, a
 * stall of a few hundred milliseconds. This model stands between the
 * pipeline's list and the view and lets items appended past what it shows
 * in a few at a time, one step per frame, until @paced_limit are shown;
 * past that the view makes no more rows, and the rest come in one change.
 * Changes inside what is shown pass through at once.
 *
 * While paused (the view is not on screen: the window shows its dashboard)
 * nothing new is let in: a hidden GtkListView given items still makes
 * their rows, and each change measures the whole window again (in GTK 4.8
 * a resize climbs through a stack's hidden page to the toplevel, and on
 * X11 the toplevel's new size costs round trips to the server), in every
 * frame of a batch. Unpaused, the items come in, paced again.
 */
#define G_LOG_DOMAIN "assay-paced-list-model"

#include "config.h"

#include "assay-paced-list-model.h"

#define STEP_INTERVAL_MS 16

struct _AssayPacedListModel
{
  GObject     parent_instance;

  GListModel *source;
  guint       n_shown;
  guint       step;
  guint       paced_limit;
  guint       step_id;
  gboolean    paused;
};

static GType
get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (ASSAY_PACED_LIST_MODEL (model)->source);
}

static guint
get_n_items (GListModel *model)
{
  return ASSAY_PACED_LIST_MODEL (model)->n_shown;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  AssayPacedListModel *self = ASSAY_PACED_LIST_MODEL (model);

  if (position >= self->n_shown)
    return NULL;

  return g_list_model_get_item (self->source, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayPacedListModel, assay_paced_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gboolean
step (gpointer user_data)
{
  AssayPacedListModel *self = user_data;
  guint n_source = g_list_model_get_n_items (self->source);
  guint n_new;

  if (self->n_shown >= n_source)
    {
      self->step_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (self->n_shown < self->paced_limit)
    n_new = MIN (self->step, n_source - self->n_shown);
  else
    n_new = n_source - self->n_shown;

  self->n_shown += n_new;
  g_list_model_items_changed (G_LIST_MODEL (self), self->n_shown - n_new, 0, n_new);

  if (self->n_shown < n_source)
    return G_SOURCE_CONTINUE;

  self->step_id = 0;
  return G_SOURCE_REMOVE;
}

static void
start_stepping (AssayPacedListModel *self)
{
  guint n_source = g_list_model_get_n_items (self->source);

  if (self->paused || self->n_shown >= n_source || self->step_id != 0)
    return;

  /* The first step at once: one document dropped shows at once. */
  step (self);
  if (self->n_shown < n_source)
    {
      self->step_id = g_timeout_add (STEP_INTERVAL_MS, step, self);
      g_source_set_name_by_id (self->step_id, "[assay] paced list");
    }
}

static void
source_changed (AssayPacedListModel *self,
                guint                position,
                guint                removed,
                guint                added,
                GListModel          *source)
{
  if (position < self->n_shown)
    {
      /* Inside what is shown: at once (items added there are shown too). */
      guint removed_shown = MIN (removed, self->n_shown - position);

      /* What was removed past the shown part was not shown: the count
       * never passes the source's. */
      self->n_shown = self->n_shown - removed_shown + added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed_shown, added);
    }

  start_stepping (self);
}

static void
assay_paced_list_model_dispose (GObject *object)
{
  AssayPacedListModel *self = ASSAY_PACED_LIST_MODEL (object);

  g_clear_handle_id (&self->step_id, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (assay_paced_list_model_parent_class)->dispose (object);
}

static void
assay_paced_list_model_class_init (AssayPacedListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_paced_list_model_dispose;
}

static void
assay_paced_list_model_init (AssayPacedListModel *self)
{
}

/**
 * assay_paced_list_model_new:
 * @source: the list to show
 * @step: items let in per frame
 * @paced_limit: past this many items shown, the rest come at once
 *
 * Returns: (transfer full): a model showing @source, new items paced
 */
AssayPacedListModel *
assay_paced_list_model_new (GListModel *source,
                            guint       step_size,
                            guint       paced_limit)
{
  AssayPacedListModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (step_size > 0, NULL);

  self = g_object_new (ASSAY_TYPE_PACED_LIST_MODEL, NULL);
  self->source = g_object_ref (source);
  self->step = step_size;
  self->paced_limit = paced_limit;
  g_signal_connect_object (source, "items-changed", G_CALLBACK (source_changed), self,
                           G_CONNECT_SWAPPED);
  source_changed (self, 0, 0, g_list_model_get_n_items (source), source);

  return self;
}

/**
 * assay_paced_list_model_get_n_pending:
 *
 * Returns: the items of the source not shown yet
 */
guint
assay_paced_list_model_get_n_pending (AssayPacedListModel *self)
{
  g_return_val_if_fail (ASSAY_IS_PACED_LIST_MODEL (self), 0);

  return g_list_model_get_n_items (self->source) - self->n_shown;
}

/**
 * assay_paced_list_model_set_paused:
 * @paused: whether new items wait
 *
 * Paused, items appended past what is shown wait (changes inside what is
 * shown still pass through); unpaused, they come in a step per frame
 * again, the first step at once.
 */
void
assay_paced_list_model_set_paused (AssayPacedListModel *self,
                                   gboolean             paused)
{
  g_return_if_fail (ASSAY_IS_PACED_LIST_MODEL (self));

  paused = !!paused;
  if (paused == self->paused)
    return;

  self->paused = paused;
  if (paused)
    g_clear_handle_id (&self->step_id, g_source_remove);
  else
    start_stepping (self);
}

/**
 * assay_paced_list_model_get_paused:
 *
 * Returns: whether new items wait (assay_paced_list_model_set_paused())
 */
gboolean
assay_paced_list_model_get_paused (AssayPacedListModel *self)
{
  g_return_val_if_fail (ASSAY_IS_PACED_LIST_MODEL (self), FALSE);

  return self->paused;
}

/**
 * assay_paced_list_model_show_all:
 *
 * Shows every item of the source now, in one change, paused or not (a
 * person asked for an item that may not be shown yet).
 */
void
assay_paced_list_model_show_all (AssayPacedListModel *self)
{
  guint n_source;

  g_return_if_fail (ASSAY_IS_PACED_LIST_MODEL (self));

  n_source = g_list_model_get_n_items (self->source);
  g_clear_handle_id (&self->step_id, g_source_remove);
  if (self->n_shown < n_source)
    {
      guint n_new = n_source - self->n_shown;

      self->n_shown = n_source;
      g_list_model_items_changed (G_LIST_MODEL (self), n_source - n_new, 0, n_new);
    }
}
