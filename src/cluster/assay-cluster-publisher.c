/* assay-cluster-publisher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-publisher"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-cluster-publisher.h"

/* How long past the acknowledgements' own timeout a wait lasts at most:
 * libnats reports a late one itself (jsPubOptions.MaxWait). */
#define WAIT_MARGIN_MS 1000

typedef struct _Entry Entry;

struct _AssayClusterPublisher
{
  jsCtx *js;
  GCond  answered;
  guint  n_in_flight;   /* under the registry's lock */
};

struct _Entry
{
  AssayClusterPublished *published;
  char                  *what;
  AssayClusterPublisher *owner;   /* its entries leave the registry before it goes */
};

/* Every publisher's messages in flight, process-wide: libnats calls the
 * handler on its thread with this as its closure, and a call may still
 * come while (or after) a publisher goes away: it then finds nothing of
 * that publisher's here, and touches nothing of it. */
static struct
{
  GMutex      lock;
  GHashTable *in_flight;   /* natsMsg* (libnats' now) → Entry* */
} registry;

static void
ensure_registry (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_mutex_init (&registry.lock);
      registry.in_flight = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_once_init_leave (&done, 1);
    }
}

/* Under the registry's lock: @entry is out of the table. */
static void
entry_done (Entry *entry)
{
  AssayClusterPublisher *owner = entry->owner;

  if (--owner->n_in_flight == 0)
    g_cond_broadcast (&owner->answered);
  g_free (entry->what);
  g_free (entry);
}

/* libnats' thread: a message's acknowledgement, or its refusal or time-out.
 * The outcome is written under the lock, so a wait that sees nothing in
 * flight sees every outcome. */
static void
ack_received (jsCtx       *js,
              natsMsg     *msg,
              jsPubAck    *pa,
              jsPubAckErr *pae,
              void        *closure)
{
  Entry *entry = NULL;

  g_mutex_lock (&registry.lock);
  if (g_hash_table_steal_extended (registry.in_flight, msg, NULL, (gpointer *) &entry))
    {
      AssayClusterPublished *published = entry->published;

      if (pae == NULL)
        {
          published->stored = TRUE;
          published->duplicate = pa != NULL && pa->Duplicate;
        }
      else if (pae->Err == NATS_TIMEOUT)
        /* libnats' own timer (jsPubOptions.MaxWait): no answer, which
         * does not say the server lacks it. */
        g_set_error (&published->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_UNREACHABLE,
                     _("%s: the server did not acknowledge it"), entry->what);
      else
        {
          published->refused = TRUE;
          published->js_error = pae->ErrCode;
          assay_cluster_set_error_full (&published->error, pae->Err, pae->ErrCode, entry->what,
                                        pae->ErrText);
        }
      entry_done (entry);
    }
  g_mutex_unlock (&registry.lock);

  natsMsg_Destroy (msg);
}

/**
 * assay_cluster_publisher_new:
 *
 * Returns: (transfer full): a publisher on @connection, or %NULL with
 *   @error set
 */
AssayClusterPublisher *
assay_cluster_publisher_new (AssayClusterConnection  *connection,
                             GError                 **error)
{
  AssayClusterPublisher *self = g_new0 (AssayClusterPublisher, 1);
  jsOptions options;
  natsStatus s;

  ensure_registry ();
  g_cond_init (&self->answered);

  jsOptions_Init (&options);
  options.Wait = ASSAY_CLUSTER_JETSTREAM_WAIT_MS;
  options.PublishAsync.AckHandler = ack_received;
  s = natsConnection_JetStream (&self->js, assay_cluster_connection_get_nats (connection), &options);
  if (s != NATS_OK)
    {
      assay_cluster_set_error (error, s, 0, _("cannot publish to the cluster"));
      assay_cluster_publisher_free (self);
      return NULL;
    }

  return self;
}

static void give_up_in_flight (AssayClusterPublisher *self);

/* After a wait: nothing of this publisher's is in flight (what would be
 * is given up on here, so no handler can write into it later). */
void
assay_cluster_publisher_free (AssayClusterPublisher *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&registry.lock);
  g_warn_if_fail (self->n_in_flight == 0);
  give_up_in_flight (self);
  g_mutex_unlock (&registry.lock);
  g_clear_pointer (&self->js, jsCtx_Destroy);
  g_cond_clear (&self->answered);
  g_free (self);
}

/**
 * assay_cluster_publisher_add:
 * @msg: (transfer full): the message
 * @msg_id: (nullable): its Nats-Msg-Id, by which the server drops a
 *   duplicate
 * @what: what it does, for an error ("cannot queue the document")
 * @published: (out caller-allocates): where its outcome goes, cleared
 *   here; it must stay until the next assay_cluster_publisher_wait()
 *   returns
 *
 * Sends @msg without waiting.
 */
void
assay_cluster_publisher_add (AssayClusterPublisher *self,
                             natsMsg               *msg,
                             const char            *msg_id,
                             const char            *what,
                             AssayClusterPublished *published)
{
  Entry *entry = g_new0 (Entry, 1);
  jsPubOptions options;
  natsMsg *sent = msg;
  natsStatus s;

  *published = (AssayClusterPublished) { 0 };
  entry->published = published;
  entry->what = g_strdup (what);
  entry->owner = self;

  jsPubOptions_Init (&options);
  options.MsgId = msg_id;
  /* libnats reports an acknowledgement that does not come by then. */
  options.MaxWait = ASSAY_CLUSTER_JETSTREAM_WAIT_MS;

  /* In the table first: its acknowledgement may come before the call
   * returns. */
  g_mutex_lock (&registry.lock);
  g_warn_if_fail (!g_hash_table_contains (registry.in_flight, msg));
  g_hash_table_insert (registry.in_flight, msg, entry);
  self->n_in_flight++;
  g_mutex_unlock (&registry.lock);

  s = js_PublishMsgAsync (self->js, &sent, &options);
  if (s != NATS_OK)
    {
      /* Not taken: no acknowledgement will come. */
      g_mutex_lock (&registry.lock);
      g_hash_table_remove (registry.in_flight, msg);
      entry_done (entry);
      g_mutex_unlock (&registry.lock);
      assay_cluster_set_error (&published->error, s, 0, what);
      natsMsg_Destroy (sent);
    }
}

/* Marks this publisher's messages still in flight as not acknowledged.
 * Under the registry's lock. */
static void
give_up_in_flight (AssayClusterPublisher *self)
{
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, registry.in_flight);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->owner == self)
      {
        g_set_error (&entry->published->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_UNREACHABLE,
                     _("%s: the server did not acknowledge it"), entry->what);
        g_hash_table_iter_remove (&iter);
        entry_done (entry);
      }
}

/**
 * assay_cluster_publisher_wait:
 *
 * Waits until every message added has its outcome: acknowledged, refused,
 * or not acknowledged in time (bounded by JetStream's request timeout).
 * Blocks on the network.
 */
void
assay_cluster_publisher_wait (AssayClusterPublisher *self)
{
  gint64 until = g_get_monotonic_time () +
                 (ASSAY_CLUSTER_JETSTREAM_WAIT_MS + WAIT_MARGIN_MS) * G_TIME_SPAN_MILLISECOND;
  natsMsgList late = { 0 };
  gboolean all_answered;

  g_mutex_lock (&registry.lock);
  while (self->n_in_flight > 0)
    if (!g_cond_wait_until (&self->answered, &registry.lock, until))
      break;
  all_answered = self->n_in_flight == 0;
  g_mutex_unlock (&registry.lock);
  if (all_answered)
    return;

  /* Taken back from libnats (no acknowledgement of them will be handed
   * on any more) and given up on; freed only once out of the registry,
   * whose keys they are (another publisher's new message could take the
   * address of a freed one). */
  if (js_PublishAsyncGetPendingList (&late, self->js) != NATS_OK)
    late = (natsMsgList) { 0 };
  g_mutex_lock (&registry.lock);
  give_up_in_flight (self);
  g_mutex_unlock (&registry.lock);
  natsMsgList_Destroy (&late);
}

void
assay_cluster_published_clear (AssayClusterPublished *published)
{
  g_clear_error (&published->error);
}
