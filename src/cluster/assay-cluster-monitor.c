/* assay-cluster-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   libnats thread: assay.metrics.<name> ─▶ parse ─▶ inbox
 *   main context (one idle at a time): each worker's info updated, or
 *     added (sorted by name)
 *   main context, every second: workers silent for too long turn gone
 *
 * The inbox (assay-cluster-inbox.c) hands the messages over. Its idle runs at the default priority (each message is a few
 * microseconds there), and the gone check takes what is queued first.
 */
#define G_LOG_DOMAIN "assay-cluster-monitor"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-cluster-inbox.h"
#include "assay-cluster-layout.h"
#include "assay-cluster-monitor.h"

#define CHECK_INTERVAL_MS 1000

typedef struct
{
  char     *name;
  JsonNode *metrics;
  gint64    received_us;
} Received;

struct _AssayClusterMonitor
{
  GObject                 parent_instance;

  AssayClusterConnection *connection;
  natsSubscription       *sub;
  AssayClusterInbox      *inbox;      /* Received*, from libnats' thread */
  GListStore             *workers;    /* AssayClusterWorkerInfo, by name */
  GHashTable             *by_name;    /* name → AssayClusterWorkerInfo (borrowed) */
  GSource                *check_source;
};

G_DEFINE_FINAL_TYPE (AssayClusterMonitor, assay_cluster_monitor, G_TYPE_OBJECT)

static void
received_free (gpointer data)
{
  Received *received = data;

  g_free (received->name);
  g_clear_pointer (&received->metrics, json_node_unref);
  g_free (received);
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return g_strcmp0 (assay_cluster_worker_info_get_name ((AssayClusterWorkerInfo *) a),
                    assay_cluster_worker_info_get_name ((AssayClusterWorkerInfo *) b));
}

/* Main context: what a worker said. */
static void
take_received (gpointer owner,
               gpointer item)
{
  AssayClusterMonitor *self = owner;
  Received *received = item;
  AssayClusterWorkerInfo *info = g_hash_table_lookup (self->by_name, received->name);
  g_autoptr(GError) error = NULL;

  if (info == NULL)
    {
      g_autoptr(AssayClusterWorkerInfo) added = assay_cluster_worker_info_new (received->name);

      if (assay_cluster_worker_info_update (added, received->metrics, received->received_us, &error))
        {
          g_hash_table_insert (self->by_name, g_strdup (received->name), added);
          g_list_store_insert_sorted (self->workers, added, compare_by_name, NULL);
        }
    }
  else
    assay_cluster_worker_info_update (info, received->metrics, received->received_us, &error);
  if (error != NULL)
    g_debug ("Figures of %s not taken: %s", received->name, error->message);
}

/* libnats' delivery thread. */
static void
metrics_received (natsConnection   *nc,
                  natsSubscription *sub,
                  natsMsg          *msg,
                  void             *closure)
{
  AssayClusterInbox *inbox = closure;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  const char *name;
  Received *received;

  if (!json_parser_load_from_data (parser, natsMsg_GetData (msg), natsMsg_GetDataLength (msg), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (name = json_object_get_string_member_with_default (json_node_get_object (root), "worker", NULL)) == NULL)
    {
      g_debug ("Not a worker's figures on %s", natsMsg_GetSubject (msg));
      natsMsg_Destroy (msg);
      return;
    }
  natsMsg_Destroy (msg);

  received = g_new0 (Received, 1);
  received->name = g_strdup (name);
  received->metrics = json_node_ref (root);
  received->received_us = g_get_monotonic_time ();
  assay_cluster_inbox_push (inbox, received);
}

static gboolean
check_gone (gpointer user_data)
{
  AssayClusterMonitor *self = user_data;
  gint64 now;
  guint n;

  /* What arrived and waits for its idle counts: a busy main loop does not
   * make a worker gone. */
  assay_cluster_inbox_flush (self->inbox);
  now = g_get_monotonic_time ();
  n = g_list_model_get_n_items (G_LIST_MODEL (self->workers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayClusterWorkerInfo) info = g_list_model_get_item (G_LIST_MODEL (self->workers), i);

      assay_cluster_worker_info_check_gone (info, now);
    }

  return G_SOURCE_CONTINUE;
}

/**
 * assay_cluster_monitor_new:
 * @connection: a connected connection
 * @context: (nullable): where the workers' infos live and change; %NULL:
 *   the global default main context
 *
 * Subscribes to assay.metrics.>. Any thread.
 *
 * Returns: (transfer full): the monitor, or %NULL with @error set
 */
AssayClusterMonitor *
assay_cluster_monitor_new (AssayClusterConnection  *connection,
                           GMainContext            *context,
                           GError                 **error)
{
  g_autoptr(AssayClusterMonitor) self = NULL;
  natsStatus s;

  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (connection), NULL);

  if (context == NULL)
    context = g_main_context_default ();

  self = g_object_new (ASSAY_TYPE_CLUSTER_MONITOR, NULL);
  self->connection = g_object_ref (connection);
  self->inbox = assay_cluster_inbox_new (context, G_OBJECT (self), G_PRIORITY_DEFAULT,
                                         "[assay] worker figures", take_received, received_free);

  s = natsConnection_Subscribe (&self->sub, assay_cluster_connection_get_nats (connection),
                                ASSAY_CLUSTER_METRICS_PREFIX ".>", metrics_received, self->inbox);
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, 0, _("cannot follow the workers’ figures")), NULL);
  /* The subscription holds the inbox until its last callback has run. */
  natsSubscription_SetOnCompleteCB (self->sub, assay_cluster_inbox_unref,
                                    assay_cluster_inbox_ref (self->inbox));
  natsSubscription_SetPendingLimits (self->sub, -1, 16 * 1024 * 1024);

  self->check_source = g_timeout_source_new (CHECK_INTERVAL_MS);
  g_source_set_callback (self->check_source, check_gone, self, NULL);
  g_source_set_static_name (self->check_source, "[assay] workers gone");
  g_source_attach (self->check_source, context);

  return g_steal_pointer (&self);
}

/**
 * assay_cluster_monitor_get_workers:
 *
 * Returns: (transfer none): a GListModel of AssayClusterWorkerInfo, one
 *   per worker heard from, sorted by name
 */
GListModel *
assay_cluster_monitor_get_workers (AssayClusterMonitor *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_MONITOR (self), NULL);

  return G_LIST_MODEL (self->workers);
}

/**
 * assay_cluster_monitor_lookup:
 *
 * Returns: (transfer none) (nullable): the worker called @name, if heard from
 */
AssayClusterWorkerInfo *
assay_cluster_monitor_lookup (AssayClusterMonitor *self,
                              const char          *name)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_MONITOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_name, name);
}

static void
assay_cluster_monitor_dispose (GObject *object)
{
  AssayClusterMonitor *self = ASSAY_CLUSTER_MONITOR (object);

  if (self->check_source != NULL)
    {
      g_source_destroy (self->check_source);
      g_clear_pointer (&self->check_source, g_source_unref);
    }
  if (self->sub != NULL)
    {
      natsSubscription_Unsubscribe (self->sub);
      natsSubscription_Destroy (self->sub);
      self->sub = NULL;
    }

  G_OBJECT_CLASS (assay_cluster_monitor_parent_class)->dispose (object);
}

static void
assay_cluster_monitor_finalize (GObject *object)
{
  AssayClusterMonitor *self = ASSAY_CLUSTER_MONITOR (object);

  g_clear_pointer (&self->inbox, assay_cluster_inbox_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_object (&self->workers);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (assay_cluster_monitor_parent_class)->finalize (object);
}

static void
assay_cluster_monitor_class_init (AssayClusterMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_cluster_monitor_dispose;
  object_class->finalize = assay_cluster_monitor_finalize;
}

static void
assay_cluster_monitor_init (AssayClusterMonitor *self)
{
  self->workers = g_list_store_new (ASSAY_TYPE_CLUSTER_WORKER_INFO);
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
