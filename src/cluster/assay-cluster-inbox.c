/* assay-cluster-inbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   libnats thread: push ─▶ queue ─▶ (one idle at a time) main context:
 *                                     func (owner, item) for each item
 *
 * libnats calls its subscriptions' handlers on its own threads; what they
 * receive is for objects that live on a main context. The inbox is
 * refcounted and holds its owner weakly, so a message arriving while the
 * owner goes away still has somewhere to go (it is dropped), and a burst
 * of messages costs one idle, not one each.
 */
#define G_LOG_DOMAIN "assay-cluster-inbox"

#include "config.h"

#include "assay-cluster-inbox.h"

struct _AssayClusterInbox
{
  GAsyncQueue           *queue;
  GMainContext          *context;
  GWeakRef               owner;
  int                    priority;
  const char            *source_name;  /* static */
  AssayClusterInboxFunc  func;
  GDestroyNotify         item_free;
  gint                   scheduled;    /* atomic: an idle is on its way */
};

static void
inbox_clear (gpointer data)
{
  AssayClusterInbox *self = data;

  g_async_queue_unref (self->queue);
  g_main_context_unref (self->context);
  g_weak_ref_clear (&self->owner);
}

/**
 * assay_cluster_inbox_new:
 * @context: (nullable): where @func runs; %NULL for the default context
 * @owner: passed to @func; held weakly (once finalized, items are dropped)
 * @priority: of the idle that hands items over
 * @source_name: (nullable): a static name for the idle, for profilers
 * @func: called for each item on @context
 * @item_free: frees an item after @func, or when it is dropped
 */
AssayClusterInbox *
assay_cluster_inbox_new (GMainContext          *context,
                         GObject               *owner,
                         int                    priority,
                         const char            *source_name,
                         AssayClusterInboxFunc  func,
                         GDestroyNotify         item_free)
{
  AssayClusterInbox *self;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (func != NULL && item_free != NULL, NULL);

  self = g_atomic_rc_box_new0 (AssayClusterInbox);
  self->queue = g_async_queue_new_full (item_free);
  self->context = g_main_context_ref (context != NULL ? context : g_main_context_default ());
  g_weak_ref_init (&self->owner, owner);
  self->priority = priority;
  self->source_name = source_name;
  self->func = func;
  self->item_free = item_free;

  return self;
}

AssayClusterInbox *
assay_cluster_inbox_ref (AssayClusterInbox *self)
{
  return g_atomic_rc_box_acquire (self);
}

/* Takes a gpointer so that it serves as a GDestroyNotify and as libnats'
 * on-complete callback alike. */
void
assay_cluster_inbox_unref (gpointer self)
{
  g_atomic_rc_box_release_full (self, inbox_clear);
}

/**
 * assay_cluster_inbox_flush:
 *
 * On the inbox's context: hands over what is queued now, without waiting
 * for the idle (e.g. before a check that must see every message received).
 */
void
assay_cluster_inbox_flush (AssayClusterInbox *self)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&self->owner);
  gpointer item;

  while ((item = g_async_queue_try_pop (self->queue)) != NULL)
    {
      if (owner != NULL)
        self->func (owner, item);
      self->item_free (item);
    }
}

static gboolean
drain (gpointer user_data)
{
  AssayClusterInbox *self = user_data;

  /* Cleared first: an item pushed while this runs schedules another. */
  g_atomic_int_set (&self->scheduled, FALSE);
  assay_cluster_inbox_flush (self);

  return G_SOURCE_REMOVE;
}

/**
 * assay_cluster_inbox_push:
 * @item: (transfer full)
 *
 * Any thread: queues @item and, unless one is on its way, an idle on the
 * inbox's context to hand it over.
 */
void
assay_cluster_inbox_push (AssayClusterInbox *self,
                          gpointer           item)
{
  g_async_queue_push (self->queue, item);

  if (g_atomic_int_compare_and_exchange (&self->scheduled, FALSE, TRUE))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, self->priority);
      g_source_set_callback (source, drain, assay_cluster_inbox_ref (self), assay_cluster_inbox_unref);
      if (self->source_name != NULL)
        g_source_set_static_name (source, self->source_name);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}
