/* assay-cluster-worker-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message a worker publishes (assay_cluster_worker_dup_metrics_json()):
 *
 *   {"worker": "w1", "host": "node-3", "role": "all", "jobs": 2,
 *    "time": 1767000000, "done": 4, "failed": 0, "retried": 0,
 *    "stages": {"stages": {"read": {"queued": 0, "in_flight": 1, "done": 4,
 *               "failed": 0, "retries": 0, "tokens": 0,
 *               "latency_ms": {"p50": 12.5, "p90": …, "p99": …, "max": …}}, …}}}
 *
 * "stages" is assay_metrics_to_json() as it is, hence the two levels.
 * Members a worker does not send read as zero (an older worker has no
 * "host").
 */
#define G_LOG_DOMAIN "assay-cluster-worker-info"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "assay-cluster-worker-info.h"

struct _AssayClusterWorkerInfo
{
  GObject             parent_instance;

  char               *name;
  char               *host;
  char               *role;
  guint               slots;
  guint               in_flight;
  guint64             done;
  guint64             failed;
  gint64              last_seen;       /* real time, µs */
  gint64              last_heard_us;   /* monotonic, µs */
  gboolean            gone;
  gboolean            have_latency[ASSAY_N_STAGES];
  AssayStageSnapshot  stages[ASSAY_N_STAGES];
};

G_DEFINE_FINAL_TYPE (AssayClusterWorkerInfo, assay_cluster_worker_info, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_HOST,
  PROP_ROLE,
  PROP_SLOTS,
  PROP_IN_FLIGHT,
  PROP_DONE,
  PROP_FAILED,
  PROP_LAST_SEEN,
  PROP_GONE,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
assay_cluster_worker_info_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  AssayClusterWorkerInfo *self = ASSAY_CLUSTER_WORKER_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_SLOTS:
      g_value_set_uint (value, self->slots);
      break;
    case PROP_IN_FLIGHT:
      g_value_set_uint (value, self->in_flight);
      break;
    case PROP_DONE:
      g_value_set_uint64 (value, self->done);
      break;
    case PROP_FAILED:
      g_value_set_uint64 (value, self->failed);
      break;
    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;
    case PROP_GONE:
      g_value_set_boolean (value, self->gone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_cluster_worker_info_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  AssayClusterWorkerInfo *self = ASSAY_CLUSTER_WORKER_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_assert (self->name == NULL);
      self->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_cluster_worker_info_finalize (GObject *object)
{
  AssayClusterWorkerInfo *self = ASSAY_CLUSTER_WORKER_INFO (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->role, g_free);

  G_OBJECT_CLASS (assay_cluster_worker_info_parent_class)->finalize (object);
}

static void
assay_cluster_worker_info_class_init (AssayClusterWorkerInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = assay_cluster_worker_info_get_property;
  object_class->set_property = assay_cluster_worker_info_set_property;
  object_class->finalize = assay_cluster_worker_info_finalize;

  /**
   * AssayClusterWorkerInfo:name:
   *
   * The worker's name (`--worker-name`), unique on the server.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:host:
   *
   * The host the worker runs on; %NULL until a worker says.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:role:
   *
   * "extract", "analyse" or "all"; %NULL until heard from.
   */
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:slots:
   *
   * Jobs the worker takes at once per stage (`--jobs`).
   */
  properties[PROP_SLOTS] =
    g_param_spec_uint ("slots", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:in-flight:
   *
   * Jobs under way in any stage when it last said.
   */
  properties[PROP_IN_FLIGHT] =
    g_param_spec_uint ("in-flight", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:done:
   *
   * Jobs finished (results stored) since the worker started.
   */
  properties[PROP_DONE] =
    g_param_spec_uint64 ("done", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:failed:
   *
   * Jobs that ended as failed since the worker started.
   */
  properties[PROP_FAILED] =
    g_param_spec_uint64 ("failed", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:last-seen:
   *
   * When its last figures arrived: g_get_real_time() microseconds.
   */
  properties[PROP_LAST_SEEN] =
    g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * AssayClusterWorkerInfo:gone:
   *
   * Not heard from for ASSAY_CLUSTER_WORKER_INFO_GONE_AFTER intervals.
   */
  properties[PROP_GONE] =
    g_param_spec_boolean ("gone", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AssayClusterWorkerInfo::changed:
   *
   * After an update or a change of "gone": the per-stage figures
   * (assay_cluster_worker_info_get_stage()) may differ. The properties
   * that changed have been notified before.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
assay_cluster_worker_info_init (AssayClusterWorkerInfo *self)
{
}

/**
 * assay_cluster_worker_info_new:
 * @name: the worker's name
 *
 * Returns: (transfer full): a worker not heard from yet
 */
AssayClusterWorkerInfo *
assay_cluster_worker_info_new (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (ASSAY_TYPE_CLUSTER_WORKER_INFO, "name", name, NULL);
}

const char *
assay_cluster_worker_info_get_name (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), NULL);
  return self->name;
}

const char *
assay_cluster_worker_info_get_host (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), NULL);
  return self->host;
}

const char *
assay_cluster_worker_info_get_role (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), NULL);
  return self->role;
}

guint
assay_cluster_worker_info_get_slots (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), 0);
  return self->slots;
}

guint
assay_cluster_worker_info_get_in_flight (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), 0);
  return self->in_flight;
}

guint64
assay_cluster_worker_info_get_done (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), 0);
  return self->done;
}

guint64
assay_cluster_worker_info_get_failed (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), 0);
  return self->failed;
}

gint64
assay_cluster_worker_info_get_last_seen (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), 0);
  return self->last_seen;
}

gboolean
assay_cluster_worker_info_get_gone (AssayClusterWorkerInfo *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), FALSE);
  return self->gone;
}

/**
 * assay_cluster_worker_info_get_stage:
 * @stage: ASSAY_STAGE_READ, _EXTRACT or _ANALYSE (the stages a worker
 *   runs; the others read as zero)
 * @out: (out caller-allocates): the stage's figures as the worker last
 *   sent them (queued, in flight, done, failed, retries, tokens, p50, p90,
 *   p99, max)
 *
 * Returns: whether the latencies are known (a job of the stage finished)
 */
gboolean
assay_cluster_worker_info_get_stage (AssayClusterWorkerInfo *self,
                                     AssayStage              stage,
                                     AssayStageSnapshot     *out)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), FALSE);
  g_return_val_if_fail (stage < ASSAY_N_STAGES, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = self->stages[stage];
  return self->have_latency[stage];
}

static guint64
get_count (JsonObject *object,
           const char *name)
{
  gint64 n = json_object_get_int_member_with_default (object, name, 0);

  return n > 0 ? (guint64) n : 0;
}

static gboolean
get_ms (JsonObject *latency,
        const char *name,
        double     *out)
{
  JsonNode *node = latency != NULL ? json_object_get_member (latency, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    {
      *out = 0;
      return FALSE;
    }
  *out = json_node_get_double (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
set_string (AssayClusterWorkerInfo *self,
            char                  **field,
            const char             *value,
            guint                   prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define SET_NUMBER(self, field, value, prop) \
  G_STMT_START { \
    if ((self)->field != (value)) \
      { \
        (self)->field = (value); \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

/**
 * assay_cluster_worker_info_update:
 * @metrics: what the worker published on assay.metrics.<name>, parsed
 * @received_us: when it arrived, g_get_monotonic_time()
 *
 * Takes the worker's figures, notifies what changed and emits "changed";
 * a gone worker heard from again is back.
 *
 * Returns: %FALSE with @error set (%G_IO_ERROR_INVALID_DATA) when
 *   @metrics is not a worker's figures (nothing is changed then)
 */
gboolean
assay_cluster_worker_info_update (AssayClusterWorkerInfo  *self,
                                  JsonNode                *metrics,
                                  gint64                   received_us,
                                  GError                 **error)
{
  JsonObject *object, *stages;
  guint in_flight = 0;
  gint64 slots;

  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), FALSE);
  g_return_val_if_fail (metrics != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (metrics) ||
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (metrics), "worker", NULL),
                 self->name) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("These are not the figures of the worker “%s”"), self->name);
      return FALSE;
    }
  object = json_node_get_object (metrics);

  g_object_freeze_notify (G_OBJECT (self));

  stages = get_object (object, "stages");
  if (get_object (stages, "stages") != NULL)
    stages = get_object (stages, "stages");
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    {
      JsonObject *stage = get_object (stages, assay_stage_to_string (i));
      JsonObject *latency = get_object (stage, "latency_ms");
      AssayStageSnapshot *snap = &self->stages[i];

      memset (snap, 0, sizeof *snap);
      if (stage == NULL)
        {
          self->have_latency[i] = FALSE;
          continue;
        }
      snap->queued = (guint) MIN (get_count (stage, "queued"), G_MAXUINT);
      snap->in_flight = (guint) MIN (get_count (stage, "in_flight"), G_MAXUINT);
      snap->done = get_count (stage, "done");
      snap->failed = get_count (stage, "failed");
      snap->retries = get_count (stage, "retries");
      snap->tokens = get_count (stage, "tokens");
      self->have_latency[i] = get_ms (latency, "p50", &snap->p50_ms);
      get_ms (latency, "p90", &snap->p90_ms);
      get_ms (latency, "p99", &snap->p99_ms);
      get_ms (latency, "max", &snap->max_ms);
      in_flight += snap->in_flight;
    }

  set_string (self, &self->host, json_object_get_string_member_with_default (object, "host", NULL),
              PROP_HOST);
  set_string (self, &self->role, json_object_get_string_member_with_default (object, "role", NULL),
              PROP_ROLE);
  slots = json_object_get_int_member_with_default (object, "jobs", 0);
  SET_NUMBER (self, slots, (guint) CLAMP (slots, 0, G_MAXUINT), PROP_SLOTS);
  SET_NUMBER (self, in_flight, in_flight, PROP_IN_FLIGHT);
  SET_NUMBER (self, done, get_count (object, "done"), PROP_DONE);
  SET_NUMBER (self, failed, get_count (object, "failed"), PROP_FAILED);
  SET_NUMBER (self, last_seen, g_get_real_time (), PROP_LAST_SEEN);
  self->last_heard_us = received_us;
  SET_NUMBER (self, gone, FALSE, PROP_GONE);

  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * assay_cluster_worker_info_check_gone:
 * @now_us: g_get_monotonic_time()
 *
 * Marks the worker gone when its last figures are older than
 * ASSAY_CLUSTER_WORKER_INFO_GONE_AFTER intervals (notifying "gone" and
 * emitting "changed" when that changes it).
 *
 * Returns: whether the worker is gone
 */
gboolean
assay_cluster_worker_info_check_gone (AssayClusterWorkerInfo *self,
                                      gint64                  now_us)
{
  gint64 limit = (gint64) ASSAY_CLUSTER_WORKER_INFO_GONE_AFTER * ASSAY_CLUSTER_WORKER_INFO_INTERVAL_S *
                 G_USEC_PER_SEC;

  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER_INFO (self), FALSE);

  if (!self->gone && now_us - self->last_heard_us > limit)
    {
      self->gone = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GONE]);
      g_signal_emit (self, signals[CHANGED], 0);
    }

  return self->gone;
}
