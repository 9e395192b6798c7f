/* assay-cluster-worker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, from either consumer:
 *
 *   fetch ─▶ (redelivered and the result there: ack) ─▶ (past the attempts: failed) ─▶ work
 *   work ─▶ next stage's message or the result stored ─▶ ack
 *        (a worker of both roles analyses an extract job in place: its
 *         result stored ─▶ ack)
 *        ─▶ a failure of the document: the failure stored as its result ─▶ ack
 *        ─▶ a failure of the moment (network, a reader that crashed): nak,
 *           redelivered, until ASSAY_CLUSTER_MAX_ATTEMPTS
 *
 * While a job runs its slot sends "in progress" every third of AckWait, so
 * the server hands a job to another worker only when this one is gone.
 * Slots are threads that block on libnats; they hand the core's work to
 * the main loop (read, extract: as in a local run) or the worker pool
 * (analyse) and wait for it with a bound, never touching main-thread
 * objects themselves.
 */
#define G_LOG_DOMAIN "assay-cluster-worker"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "assay-analysis.h"
#include "assay-cluster-job.h"
#include "assay-cluster-layout.h"
#include "assay-cluster-objects.h"
#include "assay-cluster-results.h"
#include "assay-cluster-spool.h"
#include "assay-cluster-worker.h"
#include "assay-pdf-reader.h"
#include "assay-pipeline.h"
#include "assay-result.h"
#include "assay-store.h"

#define FETCH_WAIT_MS        1000
#define ERROR_BACKOFF_MS      500
#define METRICS_INTERVAL_S      2
#define PRIORITY_ANALYSE       10

/* Fractions of the whole job each stage starts at, in progress messages. */
#define PROGRESS_READ      0.0
#define PROGRESS_EXTRACT   0.3
#define PROGRESS_ANALYSE   0.8
/* Of a job's stages, those over before this much time has passed since
 * its last progress message are not announced. */
#define PROGRESS_MIN_INTERVAL_MS 100

typedef enum
{
  OUTCOME_ACKED,     /* done, or its failure stored: acknowledged */
  OUTCOME_RETRY,     /* nak: another attempt later */
  OUTCOME_CANCELLED, /* stopping: nak for another worker at once */
} Outcome;

typedef enum
{
  KIND_EXTRACT,
  KIND_ANALYSE,
} Kind;

typedef struct _Slot Slot;

struct _AssayClusterWorker
{
  GObject                 parent_instance;

  AssayClusterConnection *connection;
  AssayClusterRole        role;
  guint                   n_jobs;
  char                   *name;
  AssayWorkerPool        *pool;
  AssayExtractor         *extractor;
  char                   *extractor_id;   /* with the analysis version, as the pipeline keys */
  char                   *spool_dir;      /* the PDFs being read (assay-cluster-spool.h) */
  kvStore                *results;

  GPtrArray              *slots;          /* Slot* */
  guint                   n_running;      /* slots not yet exited (main thread) */
  gint                    stopping;       /* atomic */
  gint                    n_busy;         /* atomic: jobs being handled */
  gint                    cancel_now;     /* atomic */
  GPtrArray              *waiters;        /* GTask* */
  guint                   metrics_source;
  guint                   heartbeat_ms;

  GMutex                  lock;           /* metrics and counters */
  AssayMetrics           *metrics;
  guint64                 n_done;
  guint64                 n_failed;
  guint64                 n_retried;
};

G_DEFINE_FINAL_TYPE (AssayClusterWorker, assay_cluster_worker, G_TYPE_OBJECT)

struct _Slot
{
  AssayClusterWorker *worker;        /* borrowed: the worker outlives its slots */
  Kind                kind;
  guint               index;
  natsSubscription   *sub;
  GThread            *thread;
  GCancellable       *cancellable;   /* cancelled to stop in-flight work at once */
};

gboolean
assay_cluster_role_from_string (const char       *str,
                                AssayClusterRole *out)
{
  if (g_strcmp0 (str, "extract") == 0)
    *out = ASSAY_CLUSTER_ROLE_EXTRACT;
  else if (g_strcmp0 (str, "analyse") == 0 || g_strcmp0 (str, "analyze") == 0)
    *out = ASSAY_CLUSTER_ROLE_ANALYSE;
  else if (g_strcmp0 (str, "all") == 0)
    *out = ASSAY_CLUSTER_ROLE_ALL;
  else
    return FALSE;

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Reporting                                                                  */

/* @result_json: (nullable): with "done"/"failed", the result as stored,
 * sent along (when small enough) so the submitter need not read it back;
 * @digest_json: (nullable): with "done", its digest, sent before it with
 * a header saying where both are (the submitter then parses the digest
 * only). */
static void
publish_progress_full (AssayClusterWorker    *self,
                       const AssayClusterJob *job,
                       const char            *state,
                       double                 fraction,
                       const char            *error,
                       const char            *result_json,
                       const char            *digest_json)
{
  AssayClusterProgress progress = {
    .sha256 = job->sha256,
    .key = job->key,
    .state = (char *) state,
    .progress = fraction,
    .worker = self->name,
    .error = (char *) error,
  };
  g_autofree char *subject = assay_cluster_progress_subject (job->batch, job->sha256);
  g_autofree char *json = NULL;
  g_autofree char *spans = NULL;
  natsConnection *nc = assay_cluster_connection_get_nats (self->connection);
  natsMsg *msg = NULL;

  if (result_json != NULL && digest_json != NULL)
    json = assay_cluster_progress_to_json_with_digest (&progress, result_json, digest_json, &spans);
  if (json != NULL &&
      natsMsg_Create (&msg, subject, NULL, json, (int) strlen (json)) == NATS_OK &&
      natsMsgHeader_Set (msg, ASSAY_CLUSTER_PROGRESS_SPANS_HEADER, spans) == NATS_OK)
    {
      /* Progress is a hint (results are what count): never wait for it. */
      natsConnection_PublishMsg (nc, msg);
      natsMsg_Destroy (msg);
      return;
    }
  g_clear_pointer (&msg, natsMsg_Destroy);

  g_free (json);
  json = assay_cluster_progress_to_json_with_result (&progress, result_json);
  natsConnection_PublishString (nc, subject, json);
}

static void
publish_progress (AssayClusterWorker    *self,
                  const AssayClusterJob *job,
                  const char            *state,
                  double                 fraction,
                  const char            *error)
{
  publish_progress_full (self, job, state, fraction, error, NULL, NULL);
}

/* A stage starts: said only to a submitter that shows stages (the job
 * says). A batch run without a progress line hears of the end only, a
 * message a document fewer through the server and both clients. */
static void
announce_stage (AssayClusterWorker    *self,
                const AssayClusterJob *job,
                const char            *state,
                double                 fraction)
{
  if (job->stages)
    publish_progress (self, job, state, fraction, NULL);
}

static void
count_started (AssayClusterWorker *self,
               AssayStage          stage)
{
  g_mutex_lock (&self->lock);
  assay_metrics_started (self->metrics, stage);
  g_mutex_unlock (&self->lock);
}

static void
count_finished (AssayClusterWorker *self,
                AssayStage          stage,
                gboolean            success,
                double              ms)
{
  g_mutex_lock (&self->lock);
  assay_metrics_finished (self->metrics, stage, success, ms);
  g_mutex_unlock (&self->lock);
}

/* Stores the job's failure as its result, so that whoever waits for it
 * learns why; TRUE when stored (then the job may be acknowledged). */
static gboolean
store_failure (AssayClusterWorker    *self,
               const AssayClusterJob *job,
               const char            *status,
               AssayStage             stage,
               const char            *message)
{
  g_autofree char *json = assay_cluster_failure_to_json (job, status, stage, message);
  g_autoptr(GError) error = NULL;
  gboolean written = FALSE;

  if (!assay_cluster_results_store (self->results, job->key, json, &written, &error))
    {
      g_message ("Could not store the failure of %s: %s", job->path, error->message);
      return FALSE;
    }

  g_message ("%s failed: %s", job->path, message);
  /* The failure rides along only when it is what the bucket holds (not
   * when a done result was there already). */
  publish_progress_full (self, job, "failed", 1.0, message, written ? json : NULL, NULL);
  g_mutex_lock (&self->lock);
  self->n_failed++;
  g_mutex_unlock (&self->lock);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Waiting for work handed to the main loop or the pool                       */

typedef struct
{
  GMutex           lock;
  GCond            cond;
  gboolean         done;
  double           fraction;      /* within the stage, under lock */
  GCancellable    *cancellable;
  GCancellable    *slot_cancellable;
  gulong           cancelled_id;

  /* in */
  AssayWorkerPool *pool;
  AssayExtractor  *extractor;
  AssayTemplate   *template_;
  AssayClusterJob *job;
  char            *pdf_path;
  GBytes          *payload;

  /* out */
  AssayPdfText    *text;
  AssayExtraction *extraction;
  char            *result_json;
  char            *digest_json;   /* nullable: its digest, when it rides in "done" */
  GError          *error;
  AssayStage       failed_stage;
  double           read_ms;
  double           extract_ms;
  double           analyse_ms;
  gint64           started_us;
} Call;

static void
cancel_call (GCancellable *slot_cancellable,
             gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static Call *
call_new (GCancellable *cancellable)
{
  Call *call = g_new0 (Call, 1);

  g_mutex_init (&call->lock);
  g_cond_init (&call->cond);
  call->cancellable = g_cancellable_new ();
  /* The slot's cancellable stops the call too, at once. */
  call->slot_cancellable = g_object_ref (cancellable);
  call->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_call),
                                              g_object_ref (call->cancellable), g_object_unref);

  return call;
}

static void
call_free (Call *call)
{
  g_cancellable_disconnect (call->slot_cancellable, call->cancelled_id);
  g_clear_object (&call->slot_cancellable);
  g_mutex_clear (&call->lock);
  g_cond_clear (&call->cond);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->pool);
  g_clear_object (&call->extractor);
  g_clear_pointer (&call->template_, assay_template_unref);
  g_clear_pointer (&call->job, assay_cluster_job_free);
  g_clear_pointer (&call->pdf_path, g_free);
  g_clear_pointer (&call->payload, g_bytes_unref);
  g_clear_pointer (&call->text, assay_pdf_text_unref);
  g_clear_pointer (&call->extraction, assay_extraction_free);
  g_clear_pointer (&call->result_json, g_free);
  g_clear_pointer (&call->digest_json, g_free);
  g_clear_error (&call->error);
  g_free (call);
}

/* Any thread: the work is over. After this the call belongs to the slot. */
static void
call_complete (Call *call)
{
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
}

static void
call_set_fraction (Call   *call,
                   double  fraction)
{
  g_mutex_lock (&call->lock);
  call->fraction = CLAMP (fraction, 0.0, 1.0);
  g_mutex_unlock (&call->lock);
}

/* Slot thread: waits for @call, telling the server the job is alive and
 * the submitter how far it got; stops the work when the worker must stop
 * at once. Every wait is bounded by the heartbeat. */
static void
call_wait (Slot        *slot,
           Call        *call,
           natsMsg     *msg,
           const char  *state,
           double       start,
           double       span)
{
  AssayClusterWorker *self = slot->worker;

  g_mutex_lock (&call->lock);
  while (!call->done)
    {
      gint64 until = g_get_monotonic_time () + self->heartbeat_ms * G_TIME_SPAN_MILLISECOND;
      double fraction;

      if (g_cond_wait_until (&call->cond, &call->lock, until))
        continue;
      if (call->done)
        break;

      fraction = call->fraction;
      g_mutex_unlock (&call->lock);

      if (g_atomic_int_get (&self->cancel_now) || g_cancellable_is_cancelled (slot->cancellable))
        g_cancellable_cancel (call->cancellable);
      natsMsg_InProgress (msg, NULL);
      publish_progress (self, call->job, state, start + span * fraction, NULL);

      g_mutex_lock (&call->lock);
    }
  g_mutex_unlock (&call->lock);
}

/* ------------------------------------------------------------------------ */
/* Extract: read and extract on the main loop, as the pipeline does           */

static void
extract_progress (gpointer user_data,
                  double   fraction,
                  guint64  tokens)
{
  if (fraction >= 0)
    call_set_fraction (user_data, 0.5 + fraction / 2);
}

static void
extract_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (object), result, &call->error);
  call->extract_ms = (g_get_monotonic_time () - call->started_us) / 1000.0;
  if (call->extraction == NULL)
    call->failed_stage = ASSAY_STAGE_EXTRACT;
  call_complete (call);
}

static void
read_progress (gpointer user_data,
               guint    pages_done,
               guint    n_pages)
{
  if (n_pages > 0)
    call_set_fraction (user_data, 0.5 * pages_done / n_pages);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  g_autofree char *name = NULL;
  AssayExtractRequest request = { 0 };

  call->text = assay_pdf_read_finish (result, &call->error);
  call->read_ms = (g_get_monotonic_time () - call->started_us) / 1000.0;
  if (call->text == NULL)
    {
      call->failed_stage = ASSAY_STAGE_READ;
      call_complete (call);
      return;
    }

  name = g_path_get_basename (call->job->path);
  request.text = call->text;
  request.template_ = call->template_;
  request.display_name = name;
  request.progress = extract_progress;
  request.progress_data = call;
  call->started_us = g_get_monotonic_time ();
  call_set_fraction (call, 0.5);
  assay_extractor_extract_async (call->extractor, &request, call->cancellable, extract_done, call);
}

static gboolean
start_read (gpointer user_data)
{
  Call *call = user_data;
  AssayReadLimits limits;

  assay_read_limits_init_default (&limits);
  call->started_us = g_get_monotonic_time ();
  assay_pdf_read_async (call->pool, call->pdf_path, call->job->password, &limits, G_PRIORITY_DEFAULT,
                        read_progress, call, call->cancellable, read_done, call);

  return G_SOURCE_REMOVE;
}

/* A failure that may pass: the reader crashed or ran out of time or
 * memory (the machine was busy?), the model failed for now. */
static gboolean
is_worth_retrying (const GError *error)
{
  return g_error_matches (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED) ||
         g_error_matches (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT) ||
         g_error_matches (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY) ||
         error->domain == ASSAY_CLUSTER_ERROR ||
         (error->domain == G_IO_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

/* The job cannot be done; past its last attempt, or for good. */
static Outcome
fail_job (AssayClusterWorker    *self,
          const AssayClusterJob *job,
          natsMsg               *msg,
          guint64                delivered,
          AssayStage             stage,
          const GError          *error)
{
  g_autofree char *message = NULL;
  const char *status = "failed";

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return OUTCOME_CANCELLED;

  if (is_worth_retrying (error) && delivered < ASSAY_CLUSTER_MAX_ATTEMPTS)
    {
      g_message ("%s: %s (attempt %u of %u; trying again)", job->path, error->message,
                 (guint) delivered, ASSAY_CLUSTER_MAX_ATTEMPTS);
      return OUTCOME_RETRY;
    }

  if (g_error_matches (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD))
    status = "needs-password";

  if (is_worth_retrying (error))
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s (after %u attempt)",
                                            "%s (after %u attempts)", (gulong) delivered),
                               error->message, (guint) delivered);
  else
    message = g_strdup (error->message);

  return store_failure (self, job, status, stage, message) ? OUTCOME_ACKED : OUTCOME_RETRY;
}

static char *
payload_to_json (const AssayPdfText    *text,
                 const AssayExtraction *extraction)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_value (builder, assay_pdf_text_to_json (text));
  json_builder_set_member_name (builder, "extraction");
  json_builder_add_value (builder, assay_extraction_to_json (extraction));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* The template and extractor the job was keyed with must be this
 * worker's: a result is never stored under a key that does not say how it
 * was made. */
static AssayTemplate *
check_job (AssayClusterWorker     *self,
           const AssayClusterJob  *job,
           GError                **error)
{
  g_autoptr(AssayTemplate) template_ = assay_template_lookup (job->template_name);
  g_autofree char *template_key = NULL;

  if (template_ == NULL)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                   _("The workers have no template “%s”: cluster mode takes the built-in templates"),
                   job->template_name);
      return NULL;
    }
  template_key = assay_template_get_cache_key (template_);
  if (!g_str_equal (template_key, job->template_key))
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                   _("The worker %s has another version of the template “%s” than the submitter"),
                   self->name, job->template_name);
      return NULL;
    }
  if ((self->role & ASSAY_CLUSTER_ROLE_EXTRACT) && !g_str_equal (self->extractor_id, job->extractor_id))
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                   _("The worker %s extracts with “%s”, the job asks for “%s”"),
                   self->name, self->extractor_id, job->extractor_id);
      return NULL;
    }

  return g_steal_pointer (&template_);
}

static Outcome analyse_and_store (Slot    *slot,
                                  natsMsg *msg,
                                  Call    *call,
                                  guint64  delivered);

static Outcome
run_extract (Slot            *slot,
             natsMsg         *msg,
             AssayClusterJob *job,
             guint64          delivered)
{
  AssayClusterWorker *self = slot->worker;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTemplate) template_ = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(AssayClusterJob) next = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *payload = NULL;
  g_autoptr(GInputStream) payload_stream = NULL;
  Call *call = NULL;
  Outcome outcome;
  AssayClusterObjectInfo hint = { 0 };   /* borrows the job's strings */
  gint64 reading_sent_us;
  int fd;

  template_ = check_job (self, job, &error);
  if (template_ == NULL)
    return fail_job (self, job, msg, ASSAY_CLUSTER_MAX_ATTEMPTS, ASSAY_STAGE_EXTRACT, error);

  announce_stage (self, job, "reading", PROGRESS_READ);
  reading_sent_us = g_get_monotonic_time ();
  count_started (self, ASSAY_STAGE_READ);

  /* The PDF in a file of its own, readable by this user only, for the
   * reader helper. */
  fd = assay_cluster_spool_open (self->spool_dir, &tmp_path, &error);
  if (fd < 0)
    {
      count_finished (self, ASSAY_STAGE_READ, FALSE, 0);
      return fail_job (self, job, msg, delivered, ASSAY_STAGE_READ, error);
    }
  out = g_unix_output_stream_new (fd, TRUE);
  /* Where the submitter put the bytes, when it says. */
  hint.size = job->size;
  hint.n_chunks = job->object_chunks;
  hint.nuid = job->object_nuid;
  hint.digest = job->object_digest;
  if (!assay_cluster_objects_get_stream_full (self->connection, ASSAY_CLUSTER_PDF_BUCKET, job->sha256,
                                              &hint, out, ASSAY_CLUSTER_MAX_PDF_BYTES,
                                              slot->cancellable, &error) ||
      !g_output_stream_close (out, NULL, &error))
    {
      count_finished (self, ASSAY_STAGE_READ, FALSE, 0);
      g_unlink (tmp_path);
      /* Not uploaded (or removed): no attempt will find it. */
      if (g_error_matches (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND))
        return fail_job (self, job, msg, ASSAY_CLUSTER_MAX_ATTEMPTS, ASSAY_STAGE_READ, error);
      return fail_job (self, job, msg, delivered, ASSAY_STAGE_READ, error);
    }

  call = call_new (slot->cancellable);
  call->pool = g_object_ref (self->pool);
  call->extractor = g_object_ref (self->extractor);
  call->template_ = assay_template_ref (template_);
  call->job = assay_cluster_job_copy (job);
  call->pdf_path = g_strdup (tmp_path);
  g_main_context_invoke (NULL, start_read, call);
  call_wait (slot, call, msg, "extracting", PROGRESS_READ, PROGRESS_ANALYSE - PROGRESS_READ);
  g_unlink (tmp_path);

  count_finished (self, ASSAY_STAGE_READ, call->text != NULL, call->read_ms);
  if (call->text != NULL)
    {
      count_started (self, ASSAY_STAGE_EXTRACT);
      count_finished (self, ASSAY_STAGE_EXTRACT, call->extraction != NULL, call->extract_ms);
    }

  if (call->error != NULL)
    {
      outcome = fail_job (self, job, msg, delivered, call->failed_stage, call->error);
      call_free (call);
      return outcome;
    }

  /* A worker that analyses too does it here, on the text and extraction
   * in memory: no trip through the work store and the analyse stream.
   * The extract job is acked once the result is stored, so a worker
   * killed meanwhile has the whole job redelivered. */
  if (self->role & ASSAY_CLUSTER_ROLE_ANALYSE)
    {
      g_clear_pointer (&call->template_, assay_template_unref);
      call->job->read_ms = call->read_ms;
      call->job->extract_ms = call->extract_ms;
      call_set_fraction (call, 0.0);
      g_mutex_lock (&call->lock);
      call->done = FALSE;
      g_mutex_unlock (&call->lock);
      /* At most one message a stage every PROGRESS_MIN_INTERVAL_MS: a
       * document read and extracted in less goes from "reading" to
       * "done" (the analysis in place takes milliseconds). */
      if (g_get_monotonic_time () - reading_sent_us >= PROGRESS_MIN_INTERVAL_MS * G_TIME_SPAN_MILLISECOND)
        announce_stage (self, job, "analysing", PROGRESS_ANALYSE);
      count_started (self, ASSAY_STAGE_ANALYSE);
      return analyse_and_store (slot, msg, call, delivered);
    }

  /* The text and extraction go to the analyser through the work store
   * (a long document's text is past any message size), the job on the
   * analyse stream, with the same content key as its message id. */
  payload = payload_to_json (call->text, call->extraction);
  payload_stream = g_memory_input_stream_new_from_data (g_steal_pointer (&payload), -1, g_free);
  next = assay_cluster_job_copy (job);
  g_free (next->payload);
  next->payload = g_strdup (job->key);
  g_free (next->extract_worker);
  next->extract_worker = g_strdup (self->name);
  next->read_ms = call->read_ms;
  next->extract_ms = call->extract_ms;
  /* Read: the password stays here, off the analyse stream. */
  if (next->password != NULL)
    explicit_bzero (next->password, strlen (next->password));
  g_clear_pointer (&next->password, g_free);
  call_free (call);

  if (!assay_cluster_objects_put_stream (self->connection, ASSAY_CLUSTER_WORK_BUCKET, next->payload,
                                         payload_stream, ASSAY_CLUSTER_MAX_WORK_BYTES,
                                         slot->cancellable, &error) ||
      !assay_cluster_layout_queue_job (self->connection, ASSAY_CLUSTER_ANALYSE_SUBJECT, next,
                                       next->key, _("cannot queue the analysis"), NULL, &error))
    {
      if (g_error_matches (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE))
        return fail_job (self, job, msg, ASSAY_CLUSTER_MAX_ATTEMPTS, ASSAY_STAGE_EXTRACT, error);
      return fail_job (self, job, msg, delivered, ASSAY_STAGE_EXTRACT, error);
    }

  announce_stage (self, job, "analysing", PROGRESS_ANALYSE);
  return OUTCOME_ACKED;
}

/* ------------------------------------------------------------------------ */
/* Analyse: on the worker pool, as the pipeline does                          */

static void
analyse_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Call *call = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AssayAnalysis) analysis = NULL;
  g_autoptr(JsonNode) node = NULL;
  AssayResultSource source = { 0 };
  JsonObject *object;
  JsonNode *root;
  gint64 start = g_get_monotonic_time ();

  call->failed_stage = ASSAY_STAGE_ANALYSE;
  /* From another worker: the text and extraction in the payload. From
   * this one's extract stage (role all): in memory already. */
  if (call->payload != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (call->payload, &len);

      if (!json_parser_load_from_data (parser, data, len, &call->error))
        goto out;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          !json_object_has_member ((object = json_node_get_object (root)), "text") ||
          !json_object_has_member (object, "extraction"))
        {
          g_set_error_literal (&call->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                               _("The text sent between workers is damaged"));
          goto out;
        }
      call->text = assay_pdf_text_from_json (json_object_get_member (object, "text"), &call->error);
      if (call->text == NULL)
        goto out;
      call->extraction = assay_extraction_from_json (json_object_get_member (object, "extraction"),
                                                     &call->error);
      if (call->extraction == NULL)
        goto out;
    }

  analysis = assay_analyse (call->text, call->extraction, call->cancellable, &call->error);
  if (analysis == NULL)
    goto out;
  call->analyse_ms = (g_get_monotonic_time () - start) / 1000.0;

  source.path = call->job->path;
  source.sha256 = call->job->sha256;
  source.size = call->job->size;
  source.stage_ms[ASSAY_STAGE_READ] = call->job->read_ms;
  source.stage_ms[ASSAY_STAGE_EXTRACT] = call->job->extract_ms;
  source.stage_ms[ASSAY_STAGE_ANALYSE] = call->analyse_ms;
  node = assay_result_build (&source, call->text, call->extraction, analysis);
  call->result_json = json_to_string (node, FALSE);
  /* Its digest rides along with it in "done": the submitter stores and
   * writes the text as it is and parses the digest only. */
  {
    gsize length = strlen (call->result_json);

    if (length <= ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS)
      {
        g_autoptr(JsonNode) digest = assay_store_make_digest (node, length);

        call->digest_json = json_to_string (digest, FALSE);
      }
  }

out:
  g_task_return_boolean (task, TRUE);
  call_complete (call);
}

/* The result is stored: the text between the stages is not needed any
 * more (a redelivery finds the result and never looks for it). */
static void
drop_payload (AssayClusterWorker    *self,
              const AssayClusterJob *job)
{
  g_autoptr(GError) error = NULL;

  if (job->payload != NULL &&
      !assay_cluster_objects_delete (self->connection, ASSAY_CLUSTER_WORK_BUCKET, job->payload, &error) &&
      !g_error_matches (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND))
    g_debug ("Could not drop the payload of %s: %s", job->path, error->message);
}

/* Slot thread: analyses @call (its own, freed here) on the pool, as the
 * pipeline does, and stores the result. Its job's read_ms and extract_ms
 * go into the result's timings. */
static Outcome
analyse_and_store (Slot    *slot,
                   natsMsg *msg,
                   Call    *call,
                   guint64  delivered)
{
  AssayClusterWorker *self = slot->worker;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(AssayClusterJob) job = assay_cluster_job_copy (call->job);
  gboolean written = FALSE;
  Outcome outcome;

  /* No callback: the thread function wakes the slot itself. The task
   * holds no reference to the call, which the slot frees after waiting. */
  task = g_task_new (NULL, call->cancellable, NULL, NULL);
  g_task_set_source_tag (task, analyse_and_store);
  g_task_set_task_data (task, call, NULL);
  assay_worker_pool_run (self->pool, task, PRIORITY_ANALYSE, analyse_worker);
  g_clear_object (&task);
  call_wait (slot, call, msg, "analysing", PROGRESS_ANALYSE, 1.0 - PROGRESS_ANALYSE);

  count_finished (self, ASSAY_STAGE_ANALYSE, call->result_json != NULL, call->analyse_ms);
  if (call->result_json == NULL)
    {
      outcome = fail_job (self, job, msg, delivered, ASSAY_STAGE_ANALYSE, call->error);
      call_free (call);
      return outcome;
    }

  if (!assay_cluster_results_store (self->results, job->key, call->result_json, &written, &error))
    {
      call_free (call);
      if (g_error_matches (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_TOO_LARGE))
        return fail_job (self, job, msg, ASSAY_CLUSTER_MAX_ATTEMPTS, ASSAY_STAGE_STORE, error);
      return fail_job (self, job, msg, delivered, ASSAY_STAGE_STORE, error);
    }

  g_mutex_lock (&self->lock);
  self->n_done++;
  g_mutex_unlock (&self->lock);
  /* Stored first: the message carries what the bucket holds (another
   * worker's equal result when it was there already: then none). */
  publish_progress_full (self, job, "done", 1.0, NULL, written ? call->result_json : NULL,
                         written ? call->digest_json : NULL);
  call_free (call);

  return OUTCOME_ACKED;
}

static Outcome
run_analyse (Slot            *slot,
             natsMsg         *msg,
             AssayClusterJob *job,
             guint64          delivered)
{
  AssayClusterWorker *self = slot->worker;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  Call *call;
  Outcome outcome;

  if (job->payload == NULL)
    {
      g_set_error_literal (&error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                           _("Not an Assay job message"));
      return fail_job (self, job, msg, ASSAY_CLUSTER_MAX_ATTEMPTS, ASSAY_STAGE_ANALYSE, error);
    }

  announce_stage (self, job, "analysing", PROGRESS_ANALYSE);
  count_started (self, ASSAY_STAGE_ANALYSE);

  payload = assay_cluster_objects_get_bytes (self->connection, ASSAY_CLUSTER_WORK_BUCKET,
                                             job->payload, ASSAY_CLUSTER_MAX_WORK_BYTES,
                                             slot->cancellable, &error);
  if (payload == NULL)
    {
      count_finished (self, ASSAY_STAGE_ANALYSE, FALSE, 0);
      return fail_job (self, job, msg, delivered, ASSAY_STAGE_ANALYSE, error);
    }

  call = call_new (slot->cancellable);
  call->job = assay_cluster_job_copy (job);
  call->payload = g_steal_pointer (&payload);
  outcome = analyse_and_store (slot, msg, call, delivered);
  if (outcome == OUTCOME_ACKED)
    drop_payload (self, job);

  return outcome;
}

/* ------------------------------------------------------------------------ */
/* Slots                                                                      */

static void publish_figures (AssayClusterWorker *self);

static void handle_message_busy (Slot    *slot,
                                 natsMsg *msg);

/* A worker that takes a job while idle says so at once, besides every
 * METRICS_INTERVAL_S: a submitter that started meanwhile hears of it from
 * the first job of its batch, not only when the timer next fires (a short
 * batch could end before that). Once a batch, not once a job. */
static void
handle_message (Slot    *slot,
                natsMsg *msg)
{
  AssayClusterWorker *self = slot->worker;

  if (g_atomic_int_add (&self->n_busy, 1) == 0)
    publish_figures (self);
  handle_message_busy (slot, msg);
  g_atomic_int_add (&self->n_busy, -1);
}

static void
handle_message_busy (Slot    *slot,
                     natsMsg *msg)
{
  AssayClusterWorker *self = slot->worker;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayClusterJob) job = NULL;
  g_autoptr(GBytes) existing = NULL;
  jsMsgMetaData *meta = NULL;
  guint64 delivered = 1;
  Outcome outcome;

  if (natsMsg_GetMetaData (&meta, msg) == NATS_OK)
    {
      delivered = meta->NumDelivered;
      jsMsgMetaData_Destroy (meta);
    }

  job = assay_cluster_job_from_json (natsMsg_GetData (msg), natsMsg_GetDataLength (msg), &error);
  if (job == NULL)
    {
      /* Nobody waits for what is not a job: drop it for good. */
      g_message ("Dropping a message on %s: %s", natsMsg_GetSubject (msg), error->message);
      natsMsg_Term (msg, NULL);
      return;
    }

  /* Done already (a redelivery after a worker stopped between storing
   * and acknowledging)? A first delivery is not looked up: the submitter
   * looked before queueing it, and the server drops the same content
   * queued again within its duplicate window; a job done twice all the
   * same (queued again past the window while it ran) still has its
   * result written once (assay_cluster_results_store()). */
  if (delivered > 1)
    existing = assay_cluster_results_get (self->results, job->key, NULL, NULL);
  if (existing != NULL && assay_cluster_results_is_done (existing))
    {
      g_debug ("%s is done already", job->path);
      if (slot->kind == KIND_ANALYSE)
        drop_payload (self, job);
      natsMsg_Ack (msg, NULL);
      publish_progress (self, job, "done", 1.0, NULL);
      return;
    }

  /* Every worker that took it stopped before finishing (killed, or out of
   * memory itself): it ends here, as failed, rather than going round. */
  if (delivered > ASSAY_CLUSTER_MAX_ATTEMPTS)
    {
      g_autofree char *message =
        g_strdup_printf (_("Given up after %u attempts: each worker that took this document "
                           "stopped before finishing it"), ASSAY_CLUSTER_MAX_ATTEMPTS);

      if (store_failure (self, job, "failed",
                         slot->kind == KIND_EXTRACT ? ASSAY_STAGE_READ : ASSAY_STAGE_ANALYSE, message))
        natsMsg_AckSync (msg, NULL, NULL);
      return;
    }

  g_debug ("%s: %s (delivery %u)", slot->kind == KIND_EXTRACT ? "extract" : "analyse",
           job->path, (guint) delivered);

  if (slot->kind == KIND_EXTRACT)
    outcome = run_extract (slot, msg, job, delivered);
  else
    outcome = run_analyse (slot, msg, job, delivered);

  switch (outcome)
    {
    case OUTCOME_ACKED:
      /* Not waiting for the server to confirm: what the job led to is
       * stored already, so a lost ack costs only a redelivery that finds
       * the job done. The connection is flushed before the worker exits. */
      if (natsMsg_Ack (msg, NULL) != NATS_OK)
        g_message ("Could not acknowledge %s (%s); it will be redelivered and found done",
                   job->path, nats_GetLastError (NULL));
      break;
    case OUTCOME_RETRY:
      g_mutex_lock (&self->lock);
      self->n_retried++;
      g_mutex_unlock (&self->lock);
      natsMsg_NakWithDelay (msg, 500 * (int64_t) delivered, NULL);
      break;
    case OUTCOME_CANCELLED:
    default:
      natsMsg_Nak (msg, NULL);
      break;
    }
}

static gboolean
slot_exited (gpointer user_data)
{
  AssayClusterWorker *self = user_data;

  g_assert (self->n_running > 0);
  if (--self->n_running == 0)
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

      self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < waiters->len; i++)
        g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
    }
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

static gpointer
slot_main (gpointer data)
{
  Slot *slot = data;
  AssayClusterWorker *self = slot->worker;

  while (!g_atomic_int_get (&self->stopping))
    {
      natsMsgList list = { 0 };
      jsErrCode jerr = 0;
      natsStatus s;

      s = natsSubscription_Fetch (&list, slot->sub, 1, FETCH_WAIT_MS, &jerr);
      if (s == NATS_OK && list.Count > 0)
        {
          for (int i = 0; i < list.Count; i++)
            {
              handle_message (slot, list.Msgs[i]);
              natsMsg_Destroy (list.Msgs[i]);
              list.Msgs[i] = NULL;
            }
        }
      else if (s != NATS_TIMEOUT && s != NATS_OK)
        {
          /* Disconnected, or the server restarting: libnats reconnects;
           * look again shortly. */
          g_debug ("Fetching failed: %s", nats_GetLastError (NULL));
          g_usleep (ERROR_BACKOFF_MS * 1000);
        }
      natsMsgList_Destroy (&list);
    }

  g_main_context_invoke (NULL, slot_exited, g_object_ref (self));

  return NULL;
}

static void
slot_free (Slot *slot)
{
  if (slot->thread != NULL)
    g_thread_join (slot->thread);
  if (slot->sub != NULL)
    natsSubscription_Destroy (slot->sub);
  g_clear_object (&slot->cancellable);
  g_free (slot);
}

/* ------------------------------------------------------------------------ */
/* Metrics                                                                    */

/**
 * assay_cluster_worker_dup_metrics_json:
 *
 * What the worker publishes on assay.metrics.<name> every 2 s: the same
 * per-stage numbers as `--stats` (assay_metrics_to_json()) with the
 * worker's name, host, role and counts (read by AssayClusterWorkerInfo). Any thread.
 *
 * Returns: (transfer full): compact JSON
 */
char *
assay_cluster_worker_dup_metrics_json (AssayClusterWorker *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "worker");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, g_get_host_name ());
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, self->role == ASSAY_CLUSTER_ROLE_ALL ? "all"
                                          : self->role == ASSAY_CLUSTER_ROLE_EXTRACT ? "extract"
                                          : "analyse");
  json_builder_set_member_name (builder, "jobs");
  json_builder_add_int_value (builder, self->n_jobs);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  g_mutex_lock (&self->lock);
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, self->n_done);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, self->n_failed);
  json_builder_set_member_name (builder, "retried");
  json_builder_add_int_value (builder, self->n_retried);
  json_builder_set_member_name (builder, "stages");
  json_builder_add_value (builder, assay_metrics_to_json (self->metrics));
  g_mutex_unlock (&self->lock);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Any thread. */
static void
publish_figures (AssayClusterWorker *self)
{
  g_autofree char *json = assay_cluster_worker_dup_metrics_json (self);
  g_autofree char *subject = g_strdup_printf ("%s.%s", ASSAY_CLUSTER_METRICS_PREFIX, self->name);

  natsConnection_PublishString (assay_cluster_connection_get_nats (self->connection), subject, json);
}

static gboolean
publish_metrics (gpointer user_data)
{
  publish_figures (user_data);

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */

static char *
dup_default_name (void)
{
  return g_strdup_printf ("%s-%d", g_get_host_name (), (int) getpid ());
}

/* Subject tokens cannot hold dots, spaces or wildcards. */
static char *
sanitize_name (const char *name)
{
  char *copy = g_strdup (name);

  for (char *c = copy; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      *c = '_';

  return copy;
}

/**
 * assay_cluster_worker_new:
 * @n_jobs: jobs at once per stage (the extract stage takes half as many
 *   again); 0: the pool's number of workers
 * @name: (nullable): the worker's name; %NULL: host name and process id
 * @extractor: what the extract stage runs (its id must be the one the
 *   submitters key on)
 *
 * Returns: (transfer full): a worker, not started
 */
AssayClusterWorker *
assay_cluster_worker_new (AssayClusterConnection *connection,
                          AssayClusterRole        role,
                          guint                   n_jobs,
                          const char             *name,
                          AssayWorkerPool        *pool,
                          AssayExtractor         *extractor)
{
  AssayClusterWorker *self;
  g_autofree char *id = NULL;

  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (connection), NULL);
  g_return_val_if_fail (ASSAY_IS_WORKER_POOL (pool), NULL);
  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (extractor), NULL);
  g_return_val_if_fail ((role & ASSAY_CLUSTER_ROLE_ALL) != 0, NULL);

  self = g_object_new (ASSAY_TYPE_CLUSTER_WORKER, NULL);
  self->connection = g_object_ref (connection);
  self->role = role;
  self->n_jobs = n_jobs > 0 ? n_jobs : assay_worker_pool_get_n_workers (pool);
  if (name != NULL && *name != '\0')
    self->name = sanitize_name (name);
  else
    {
      g_autofree char *default_name = dup_default_name ();
      self->name = sanitize_name (default_name);
    }
  self->pool = g_object_ref (pool);
  self->extractor = g_object_ref (extractor);
  id = assay_extractor_dup_id (extractor);
  self->extractor_id = g_strdup_printf ("%s.a%d", id, ASSAY_ANALYSIS_VERSION);
  self->heartbeat_ms = MAX (500, assay_cluster_get_ack_wait_s () * 1000 / 3);

  return self;
}

const char *
assay_cluster_worker_get_name (AssayClusterWorker *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER (self), NULL);

  return self->name;
}

static gboolean
add_slots (AssayClusterWorker  *self,
           Kind                 kind,
           GError             **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (self->connection);
  const char *subject = kind == KIND_EXTRACT ? ASSAY_CLUSTER_EXTRACT_SUBJECT : ASSAY_CLUSTER_ANALYSE_SUBJECT;
  const char *stream = kind == KIND_EXTRACT ? ASSAY_CLUSTER_EXTRACT_STREAM : ASSAY_CLUSTER_ANALYSE_STREAM;
  const char *durable = kind == KIND_EXTRACT ? ASSAY_CLUSTER_EXTRACT_CONSUMER : ASSAY_CLUSTER_ANALYSE_CONSUMER;
  guint n_slots = self->n_jobs;

  /* An extract slot spends part of every job on the network (the fetch,
   * the PDF, the result, the ack) where a local run's reader would be
   * busy: half as many slots again keep the cores busy meanwhile. */
  if (kind == KIND_EXTRACT)
    n_slots += MAX (1, self->n_jobs / 2);

  for (guint i = 0; i < n_slots; i++)
    {
      Slot *slot = g_new0 (Slot, 1);
      jsSubOptions so;
      jsErrCode jerr = 0;
      natsStatus s;

      slot->worker = self;
      slot->kind = kind;
      slot->index = i;
      slot->cancellable = g_cancellable_new ();
      g_ptr_array_add (self->slots, slot);

      /* Each slot its own pull subscription on the shared durable
       * consumer: all the workers of a role share its queue. */
      jsSubOptions_Init (&so);
      so.Stream = stream;
      so.Consumer = durable;
      s = js_PullSubscribe (&slot->sub, js, subject, durable, NULL, &so, &jerr);
      if (s != NATS_OK)
        return assay_cluster_set_error (error, s, jerr, _("cannot take jobs"));
    }

  return TRUE;
}

/**
 * assay_cluster_worker_start:
 *
 * Makes the server's streams and buckets when missing, subscribes and
 * starts taking jobs. Blocks on the network for a moment (bounded): the
 * command line's main thread, before its loop runs.
 */
gboolean
assay_cluster_worker_start (AssayClusterWorker  *self,
                            GError             **error)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_WORKER (self), FALSE);
  g_return_val_if_fail (self->slots->len == 0, FALSE);

  /* Where the PDFs being read go; what workers killed here before left
   * behind goes. Without it no job could be read: no start. */
  {
    guint n = 0;

    if (!assay_cluster_spool_prepare (self->spool_dir, &n, error))
      return FALSE;
    if (n > 0)
      g_message ("Removed %u PDF(s) left in %s by workers that were killed", n, self->spool_dir);
  }

  if (!assay_cluster_layout_ensure (self->connection, error))
    return FALSE;
  self->results = assay_cluster_layout_open_results (self->connection, error);
  if (self->results == NULL)
    return FALSE;

  if (((self->role & ASSAY_CLUSTER_ROLE_EXTRACT) && !add_slots (self, KIND_EXTRACT, error)) ||
      ((self->role & ASSAY_CLUSTER_ROLE_ANALYSE) && !add_slots (self, KIND_ANALYSE, error)))
    {
      g_ptr_array_set_size (self->slots, 0);
      return FALSE;
    }

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);
      g_autofree char *thread_name = g_strdup_printf ("assay-%s-%u",
                                                      slot->kind == KIND_EXTRACT ? "extract" : "analyse",
                                                      slot->index);

      self->n_running++;
      slot->thread = g_thread_new (thread_name, slot_main, slot);
    }

  self->metrics_source = g_timeout_add_seconds (METRICS_INTERVAL_S, publish_metrics, self);
  publish_metrics (self);

  g_message ("Worker %s takes %s jobs from %s, %u at a time", self->name,
             self->role == ASSAY_CLUSTER_ROLE_ALL ? "extract and analyse"
             : self->role == ASSAY_CLUSTER_ROLE_EXTRACT ? "extract" : "analyse",
             assay_cluster_connection_get_address (self->connection), self->n_jobs);

  return TRUE;
}

/**
 * assay_cluster_worker_stop:
 * @now: %FALSE: take no new job, finish those in flight; %TRUE: stop
 *   those too (they are handed back to the server at once, for another
 *   worker)
 *
 * Main thread (or a signal handler's callback on it).
 */
void
assay_cluster_worker_stop (AssayClusterWorker *self,
                           gboolean            now)
{
  g_return_if_fail (ASSAY_IS_CLUSTER_WORKER (self));

  g_atomic_int_set (&self->stopping, TRUE);
  if (now)
    {
      g_atomic_int_set (&self->cancel_now, TRUE);
      for (guint i = 0; i < self->slots->len; i++)
        g_cancellable_cancel (((Slot *) g_ptr_array_index (self->slots, i))->cancellable);
    }
}

/**
 * assay_cluster_worker_wait_async:
 *
 * Completes once every slot has stopped (after assay_cluster_worker_stop()).
 */
void
assay_cluster_worker_wait_async (AssayClusterWorker  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ASSAY_IS_CLUSTER_WORKER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cluster_worker_wait_async);
  if (self->n_running == 0)
    g_task_return_boolean (task, TRUE);
  else
    g_ptr_array_add (self->waiters, g_steal_pointer (&task));
}

gboolean
assay_cluster_worker_wait_finish (AssayClusterWorker  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
assay_cluster_worker_dispose (GObject *object)
{
  AssayClusterWorker *self = ASSAY_CLUSTER_WORKER (object);

  /* Slots hold no reference to the worker while they run a job, only
   * while they say they exited: stop and join them first. */
  g_atomic_int_set (&self->stopping, TRUE);
  g_clear_handle_id (&self->metrics_source, g_source_remove);
  if (self->slots != NULL)
    g_ptr_array_set_size (self->slots, 0);

  G_OBJECT_CLASS (assay_cluster_worker_parent_class)->dispose (object);
}

static void
assay_cluster_worker_finalize (GObject *object)
{
  AssayClusterWorker *self = ASSAY_CLUSTER_WORKER (object);

  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->results, kvStore_Destroy);
  g_clear_object (&self->extractor);
  g_clear_object (&self->pool);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->metrics, assay_metrics_free);
  g_clear_pointer (&self->extractor_id, g_free);
  g_clear_pointer (&self->spool_dir, g_free);
  g_clear_pointer (&self->name, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (assay_cluster_worker_parent_class)->finalize (object);
}

static void
assay_cluster_worker_class_init (AssayClusterWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_cluster_worker_dispose;
  object_class->finalize = assay_cluster_worker_finalize;
}

static void
assay_cluster_worker_init (AssayClusterWorker *self)
{
  g_mutex_init (&self->lock);
  self->metrics = assay_metrics_new ();
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->spool_dir = assay_cluster_spool_dup_dir ();
}
