/* assay-pipeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How a document moves:
 *
 *   queued ─identify─▶ (cache hit) ──────────────────────────────▶ done
 *                 │
 *                 ├─▶ read ─▶ extract ─▶ analyse ─▶ store ─▶ done
 *                 │
 *                 └─▶ remote (cluster mode) ───────▶ store ─▶ done
 *
 * Each arrow is a job: identify, read, analyse and store on the worker pool,
 * extract through the AssayExtractor. A stage has a queue and a limit on
 * jobs in flight; reading may only start while fewer than `max_holding`
 * documents hold their text, which is what keeps memory flat when extraction
 * is slower than reading. Pool priorities favour later stages, so documents
 * already read are finished before new ones are opened.
 *
 * Every job carries the document's generation: a retry or removal bumps it,
 * and a result that comes back for an older generation is dropped.
 */
#define G_LOG_DOMAIN "assay-pipeline"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-analysis.h"
#include "assay-document-private.h"
#include "assay-pipeline.h"
#include "assay-remote.h"
#include "assay-result.h"

/* Pool priorities: lower runs first. */
#define PRIORITY_STORE     0
#define PRIORITY_ANALYSE  10
#define PRIORITY_READ     30
#define PRIORITY_IDENTIFY 40
#define PRIORITY_RELEASE  50

/* Extract-stage progress reaches the document at most this often. */
#define PROGRESS_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)

/* Files handed over (a drop, the command line) are listed in slices, one
 * a main-loop turn: at least HANDOVER_MIN_SLICE and at most
 * ASSAY_PIPELINE_HANDOVER_SLICE of them, for about HANDOVER_BUDGET_US of
 * the main thread, so that frames and timers run between slices. */
#define HANDOVER_MIN_SLICE 16
#define HANDOVER_BUDGET_US (2 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  STEP_IDENTIFY,
  STEP_READ,
  STEP_EXTRACT,
  STEP_ANALYSE,
  STEP_STORE,
  STEP_REMOTE,     /* read, extract and analyse elsewhere (AssayRemote) */
  N_STEPS
} Step;

/* Documents handed to a remote at once: its queue is elsewhere, this
 * bounds only what this process waits for. */
#define REMOTE_LIMIT 256

/* The states as the pipeline's counts group them. */
typedef enum
{
  BUCKET_QUEUED,      /* queued, hashing */
  BUCKET_RUNNING,     /* reading, extracting, analysing */
  BUCKET_DONE,
  BUCKET_FAILED,
  BUCKET_NEEDS_PASSWORD,
  BUCKET_CANCELLED,
  BUCKET_DUPLICATE,
  N_BUCKETS,
  BUCKET_NONE = N_BUCKETS,   /* not counted (not in the list) */
} Bucket;

typedef struct
{
  GQueue waiting;   /* DocState*, each holding a reference */
  guint  running;
  guint  limit;
} StepQueue;

typedef struct
{
  AssayDocument   *document;
  AssayInputFile  *input;
  GCancellable    *cancellable;
  guint            generation;
  gboolean         holding_text;
  gboolean         removed;
  gboolean         fell_back;   /* the model failed: do not keep the result */
  AssayPdfText    *text;
  AssayExtraction *extraction;
  gint64           step_started_us;
  gint64           last_progress_us;
  /* What it is processed with, taken when it starts (identify): later
   * settings apply to later documents. */
  AssayExtractor  *extractor;
  AssayTemplate   *template_;
  char            *template_key;
  char            *extractor_id;
  char            *password;     /* nullable: its own, from retry_with_password */
  gboolean         stored;       /* its result is in the store */
  /* What the counts and the batch progress have of it */
  Bucket           counted;
  guint            batch;        /* 0: in no batch */
  double           counted_progress;
} DocState;

/* Who processes a content. Identify jobs finish in any order; the
 * document given first should win all the same, so a claim remembers its
 * document while it may still be overtaken. */
typedef struct
{
  char     *path;
  guint     index;
  DocState *state;   /* borrowed; NULL once it finished or was forgotten */
} Claim;

static void
claim_free (gpointer data)
{
  Claim *claim = data;

  g_free (claim->path);
  g_free (claim);
}

struct _AssayPipeline
{
  GObject          parent_instance;

  AssayWorkerPool *pool;
  AssayExtractor  *extractor;
  AssayTemplate   *template_;
  AssayRemote     *remote;        /* nullable: cluster mode */
  AssayStore      *store;
  gboolean         read_cache;
  char            *password;
  char            *extractor_id;
  char            *template_key;
  AssayReadLimits  limits;
  AssayTrace      *trace;
  AssayMetrics    *metrics;

  GListStore      *documents;
  GHashTable      *states;        /* AssayDocument* → DocState* */
  GHashTable      *by_sha256;     /* sha256 → Claim: the document processing that content */
  StepQueue        steps[N_STEPS];
  guint            max_holding;
  guint            n_holding;
  guint            peak_holding;
  guint            n_unfinished;
  guint            next_index;
  gboolean         paused;        /* no new documents start */
  gboolean         shut_down;     /* no new work at all */
  gboolean         keep_results;
  guint            n_jobs;        /* jobs in flight, cancelled ones too */
  GPtrArray       *waiters;       /* GTask* from wait_async */
  GPtrArray       *to_free;       /* DocState* of cleared documents */
  guint            free_source;
  GQueue           handovers;     /* GTask* of add_files_async being listed, in order */
  guint            handover_source;

  guint            counts[N_BUCKETS];
  guint            bulk;          /* > 0: counts are notified when it ends */
  guint            batch;         /* the current batch's number, from 1 */
  guint            batch_total;   /* documents in it */
  double           batch_sum;     /* the sum of their progress */
  double           progress;      /* as last notified */
};

G_DEFINE_FINAL_TYPE (AssayPipeline, assay_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_DOCUMENTS,
  PROP_N_QUEUED,
  PROP_N_RUNNING,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_NEEDS_PASSWORD,
  PROP_N_CANCELLED,
  PROP_N_DUPLICATES,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The count property of each bucket. */
static const guint bucket_prop[N_BUCKETS] = {
  [BUCKET_QUEUED] = PROP_N_QUEUED,
  [BUCKET_RUNNING] = PROP_N_RUNNING,
  [BUCKET_DONE] = PROP_N_DONE,
  [BUCKET_FAILED] = PROP_N_FAILED,
  [BUCKET_NEEDS_PASSWORD] = PROP_N_NEEDS_PASSWORD,
  [BUCKET_CANCELLED] = PROP_N_CANCELLED,
  [BUCKET_DUPLICATE] = PROP_N_DUPLICATES,
};

enum {
  DOCUMENT_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump (AssayPipeline *self);
static void settle_claim (AssayPipeline *self,
                          DocState      *state);
static gboolean remove_from_queues (AssayPipeline *self,
                                    DocState      *state);
static void finish_document (AssayPipeline      *self,
                             DocState           *state,
                             AssayDocumentState  final_state,
                             AssayStage          stage,
                             const char         *message);

static const AssayStage step_stage[N_STEPS] = {
  [STEP_IDENTIFY] = ASSAY_STAGE_HASH,
  [STEP_READ] = ASSAY_STAGE_READ,
  [STEP_EXTRACT] = ASSAY_STAGE_EXTRACT,
  [STEP_ANALYSE] = ASSAY_STAGE_ANALYSE,
  [STEP_STORE] = ASSAY_STAGE_STORE,
  [STEP_REMOTE] = ASSAY_STAGE_EXTRACT,
};

static const AssayDocumentState step_state[N_STEPS] = {
  [STEP_IDENTIFY] = ASSAY_DOCUMENT_HASHING,
  [STEP_READ] = ASSAY_DOCUMENT_READING,
  [STEP_EXTRACT] = ASSAY_DOCUMENT_EXTRACTING,
  [STEP_ANALYSE] = ASSAY_DOCUMENT_ANALYSING,
  [STEP_STORE] = ASSAY_DOCUMENT_ANALYSING,
  [STEP_REMOTE] = ASSAY_DOCUMENT_QUEUED,
};

/* Where each step starts on the document's progress bar (a remote
 * document goes from reading's start to storing's). */
static const double step_progress[N_STEPS + 1] = {
  [STEP_IDENTIFY] = 0.0,
  [STEP_READ] = 0.05,
  [STEP_EXTRACT] = 0.60,
  [STEP_ANALYSE] = 0.85,
  [STEP_STORE] = 0.97,
  [STEP_REMOTE] = 0.05,
  [N_STEPS] = 1.0,
};

static Bucket
bucket_of_state (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
      return BUCKET_QUEUED;
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
      return BUCKET_RUNNING;
    case ASSAY_DOCUMENT_DONE:
      return BUCKET_DONE;
    case ASSAY_DOCUMENT_FAILED:
      return BUCKET_FAILED;
    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
      return BUCKET_NEEDS_PASSWORD;
    case ASSAY_DOCUMENT_CANCELLED:
      return BUCKET_CANCELLED;
    case ASSAY_DOCUMENT_DUPLICATE:
    default:
      return BUCKET_DUPLICATE;
    }
}

static AssayStage
stage_of_state (AssayDocumentState state)
{
  for (guint step = 0; step < STEP_REMOTE; step++)
    if (step_state[step] == state)
      return step_stage[step];

  return ASSAY_STAGE_HASH;
}

/* ------------------------------------------------------------------------ */
/* Per-document state                                                         */

static DocState *
doc_state_new (AssayDocument  *document,
               AssayInputFile *input)
{
  DocState *state = g_rc_box_new0 (DocState);

  state->document = g_object_ref (document);
  state->input = input;
  state->cancellable = g_cancellable_new ();
  state->counted = BUCKET_NONE;

  return state;
}

/* ------------------------------------------------------------------------ */
/* Counts and the batch's progress, kept up to date on every change of a    */
/* document's state or progress: never a walk over the documents.            */

static void
notify_progress (AssayPipeline *self)
{
  double progress = 0.0;

  /* Every unfinished document is in the current batch, so with none left
   * it is complete (whatever rounding the running sum gathered). */
  if (self->batch_total > 0 && self->n_unfinished == 0)
    progress = 1.0;
  else if (self->batch_total > 0)
    progress = CLAMP (self->batch_sum / self->batch_total, 0.0, 1.0);

  /* Not every step of every document: a thousandth is what a bar shows. */
  if (fabs (progress - self->progress) >= 0.001 ||
      (progress != self->progress && (progress == 0.0 || progress == 1.0)))
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

static void
count_bucket (AssayPipeline *self,
              Bucket         bucket,
              int            delta)
{
  if (bucket == BUCKET_NONE)
    return;

  g_assert (delta > 0 || self->counts[bucket] > 0);
  self->counts[bucket] += delta;
  if (self->bulk == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[bucket_prop[bucket]]);
}

/* Many documents leaving the list at once: their counts are notified
 * once, at the end, instead of three times per document. */
static void
begin_bulk (AssayPipeline *self)
{
  self->bulk++;
}

static void
end_bulk (AssayPipeline *self)
{
  g_assert (self->bulk > 0);
  if (--self->bulk > 0)
    return;

  for (guint prop = PROP_N_DOCUMENTS; prop <= PROP_N_DUPLICATES; prop++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Brings the counts and the batch up to date with @state's document. */
static void
account (AssayPipeline *self,
         DocState      *state)
{
  Bucket bucket = bucket_of_state (assay_document_get_state (state->document));

  if (state->counted == BUCKET_NONE)
    return;   /* not in the list (any more) */

  /* Both counts change before either is notified: whoever hears one
   * finds them all consistent. */
  if (bucket != state->counted)
    {
      g_object_freeze_notify (G_OBJECT (self));
      count_bucket (self, state->counted, -1);
      count_bucket (self, bucket, +1);
      state->counted = bucket;
      g_object_thaw_notify (G_OBJECT (self));
    }

  if (state->batch != 0 && state->batch == self->batch)
    {
      double progress = assay_document_is_finished (state->document)
                        ? 1.0 : assay_document_get_progress (state->document);

      self->batch_sum += progress - state->counted_progress;
      state->counted_progress = progress;
      notify_progress (self);
    }
}

/* @state's document joins the current batch, or starts one when nothing is
 * left unfinished: progress is over what was added since the pipeline was
 * last idle. */
static void
join_batch (AssayPipeline *self,
            DocState      *state)
{
  if (self->n_unfinished == 0 || self->batch == 0)
    {
      self->batch++;
      self->batch_total = 0;
      self->batch_sum = 0.0;
    }

  if (state->batch == self->batch)
    return;

  state->batch = self->batch;
  state->counted_progress = 0.0;
  self->batch_total++;
  account (self, state);
  notify_progress (self);
}

/* @state's document enters the list: it is counted. */
static void
count_in (AssayPipeline *self,
          DocState      *state)
{
  g_assert (state->counted == BUCKET_NONE);

  state->counted = bucket_of_state (assay_document_get_state (state->document));
  count_bucket (self, state->counted, +1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DOCUMENTS]);
}

/* @state's document leaves the list. */
static void
count_out (AssayPipeline *self,
           DocState      *state)
{
  if (state->counted == BUCKET_NONE)
    return;

  count_bucket (self, state->counted, -1);
  state->counted = BUCKET_NONE;

  if (state->batch != 0 && state->batch == self->batch)
    {
      g_assert (self->batch_total > 0);
      self->batch_total--;
      self->batch_sum -= state->counted_progress;
      if (self->batch_total == 0)
        self->batch_sum = 0.0;
      notify_progress (self);
    }
  state->batch = 0;

  if (self->bulk == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DOCUMENTS]);
}

static void
set_doc_state (AssayPipeline      *self,
               DocState           *state,
               AssayDocumentState  doc_state)
{
  _assay_document_set_state (state->document, doc_state);
  account (self, state);
}

static void
set_doc_progress (AssayPipeline *self,
                  DocState      *state,
                  double         progress)
{
  _assay_document_set_progress (state->document, progress);
  account (self, state);
}

static void
doc_state_clear (gpointer data)
{
  DocState *state = data;

  g_clear_object (&state->document);
  g_clear_pointer (&state->input, assay_input_file_free);
  g_clear_object (&state->cancellable);
  g_clear_pointer (&state->text, assay_pdf_text_unref);
  g_clear_pointer (&state->extraction, assay_extraction_free);
  g_clear_object (&state->extractor);
  g_clear_pointer (&state->template_, assay_template_unref);
  g_clear_pointer (&state->template_key, g_free);
  g_clear_pointer (&state->extractor_id, g_free);
  if (state->password != NULL)
    {
      explicit_bzero (state->password, strlen (state->password));
      g_clear_pointer (&state->password, g_free);
    }
}

static DocState *
doc_state_ref (DocState *state)
{
  return g_rc_box_acquire (state);
}

static void
doc_state_unref (DocState *state)
{
  g_rc_box_release_full (state, doc_state_clear);
}

static void
release_text (AssayPipeline *self,
              DocState      *state)
{
  g_clear_pointer (&state->text, assay_pdf_text_unref);
  g_clear_pointer (&state->extraction, assay_extraction_free);

  if (state->holding_text)
    {
      state->holding_text = FALSE;
      g_assert (self->n_holding > 0);
      self->n_holding--;
    }
}

/* A job in flight: what its callback needs to find its document again. */
typedef struct
{
  AssayPipeline *pipeline;
  DocState      *state;
  guint          generation;
  Step           step;
} Job;

static Job *
job_new (AssayPipeline *self,
         DocState      *state,
         Step           step)
{
  Job *job = g_new0 (Job, 1);

  job->pipeline = g_object_ref (self);
  job->state = doc_state_ref (state);
  self->n_jobs++;
  job->generation = state->generation;
  job->step = step;

  return job;
}

static void complete_waiters (AssayPipeline *self);

static void
job_free (Job *job)
{
  g_assert (job->pipeline->n_jobs > 0);
  job->pipeline->n_jobs--;
  if (job->pipeline->shut_down && job->pipeline->n_jobs == 0)
    complete_waiters (job->pipeline);

  g_clear_object (&job->pipeline);
  g_clear_pointer (&job->state, doc_state_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static AssayPipeline *
self_of (Job *job)
{
  return job->pipeline;
}

/* Called first by every callback: frees the stage slot and says whether the
 * result still matters. */
static gboolean
job_complete (Job      *job,
              gboolean  success)
{
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;
  double ms = (g_get_monotonic_time () - state->step_started_us) / 1000.0;
  gboolean current = !state->removed && state->generation == job->generation;

  g_assert (self->steps[job->step].running > 0);
  self->steps[job->step].running--;

  assay_metrics_finished (self->metrics, step_stage[job->step], success, ms);

  if (current)
    {
      _assay_document_set_stage_ms (state->document, step_stage[job->step], ms);
      if (self->trace != NULL)
        assay_trace_span (self->trace,
                          assay_document_get_index (state->document),
                          assay_stage_to_string (step_stage[job->step]),
                          state->step_started_us,
                          g_get_monotonic_time (),
                          assay_document_get_name (state->document));
    }

  return current;
}

/* ------------------------------------------------------------------------ */
/* Finishing                                                                  */

static void
complete_waiters (AssayPipeline *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (self->n_unfinished > 0 || self->waiters->len == 0)
    return;

  /* After a shutdown, waiting is for every job to have returned: nothing
   * is being written any more. */
  if (self->shut_down && self->n_jobs > 0)
    return;

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
}

static void
finish_document (AssayPipeline      *self,
                 DocState           *state,
                 AssayDocumentState  final_state,
                 AssayStage          stage,
                 const char         *message)
{
  AssayDocument *document = state->document;

  release_text (self, state);
  settle_claim (self, state);

  if (final_state == ASSAY_DOCUMENT_DONE || final_state == ASSAY_DOCUMENT_DUPLICATE)
    _assay_document_set_state (document, final_state);
  else
    _assay_document_fail (document, final_state, stage, message);

  if (final_state != ASSAY_DOCUMENT_DONE)
    {
      g_autoptr(JsonNode) result = assay_result_build_failure (document);
      _assay_document_set_result (document, result);
    }

  g_assert (self->n_unfinished > 0);
  self->n_unfinished--;
  account (self, state);

  g_signal_emit (self, signals[DOCUMENT_FINISHED], 0, document);

  /* In a window's session the store has it: the summary stays, the
   * result is loaded again when someone looks at it. */
  if (!self->keep_results && state->stored && final_state == ASSAY_DOCUMENT_DONE)
    _assay_document_set_result (document, NULL);

  complete_waiters (self);
}

static void
fail_from_error (AssayPipeline *self,
                 DocState      *state,
                 AssayStage     stage,
                 const GError  *error)
{
  AssayDocumentState final_state = ASSAY_DOCUMENT_FAILED;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    final_state = ASSAY_DOCUMENT_CANCELLED;
  else if (g_error_matches (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD))
    final_state = ASSAY_DOCUMENT_NEEDS_PASSWORD;

  finish_document (self, state, final_state, stage,
                   final_state == ASSAY_DOCUMENT_CANCELLED ? _("Cancelled") : error->message);
}

/* ------------------------------------------------------------------------ */
/* Queues                                                                     */

static void
enqueue (AssayPipeline *self,
         DocState      *state,
         Step           step)
{
  g_queue_push_tail (&self->steps[step].waiting, doc_state_ref (state));
  assay_metrics_queued (self->metrics, step_stage[step]);
  set_doc_progress (self, state, step_progress[step]);
}

static void
start_step (AssayPipeline *self,
            DocState      *state,
            Step           step)
{
  self->steps[step].running++;
  state->step_started_us = g_get_monotonic_time ();
  assay_metrics_started (self->metrics, step_stage[step]);
  set_doc_state (self, state, step_state[step]);
}

/* ------------------------------------------------------------------------ */
/* Identify: sniff, hash, and look in the store                               */

typedef struct
{
  AssayInputFile *input;       /* a copy for the worker */
  AssayStore     *store;
  char           *template_key;
  char           *extractor_id;
  gboolean        read_cache;
  /* out */
  JsonNode       *cached;        /* the stored result's digest */
  GBytes         *cached_text;   /* the whole result, spliced; set with @cached */
  AssayResultSummary summary;    /* of the digest: what a list row shows */
  double          hash_ms;
  double          cache_ms;
} IdentifyData;

static void
identify_data_free (IdentifyData *data)
{
  g_clear_pointer (&data->input, assay_input_file_free);
  g_clear_object (&data->store);
  g_clear_pointer (&data->template_key, g_free);
  g_clear_pointer (&data->extractor_id, g_free);
  g_clear_pointer (&data->cached, json_node_unref);
  g_clear_pointer (&data->cached_text, g_bytes_unref);
  assay_result_summary_clear (&data->summary);
  g_free (data);
}

static void
identify_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IdentifyData *data = task_data;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!assay_input_identify (data->input, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->hash_ms = (g_get_monotonic_time () - start) / 1000.0;

  if (data->input->kind == ASSAY_INPUT_PDF && data->store != NULL && data->read_cache)
    {
      g_autofree char *key = NULL;
      g_autoptr(GError) load_error = NULL;
      g_autoptr(GBytes) stored_text = NULL;

      start = g_get_monotonic_time ();
      key = assay_store_dup_key (data->store, data->input->sha256,
                                 data->template_key, data->extractor_id);
      /* A miss or an unreadable entry both mean: process the document. */
      /* The digest only; the result's text is copied, not parsed. */
      data->cached = assay_store_load_digest (data->store, key, &stored_text, cancellable, &load_error);
      if (data->cached != NULL)
        {
          assay_result_mark_cached (data->cached, data->input->path);
          data->cached_text = assay_result_mark_cached_text (stored_text, data->input->path);
          /* A digest stands for its text: one that cannot be spliced is redone. */
          if (data->cached_text == NULL)
            g_clear_pointer (&data->cached, json_node_unref);
          else
            assay_result_summarize (data->cached, &data->summary);
        }
      data->cache_ms = (g_get_monotonic_time () - start) / 1000.0;
    }

  g_task_return_boolean (task, TRUE);
}

/* Claims @state's content for it, unless a document given earlier has it:
 * then @state finishes as that one's duplicate. A document given later
 * that claimed it first, and is still at work, is stopped and becomes
 * @state's duplicate instead, so which copy is processed never depends on
 * which hash finished first.
 *
 * Returns: %TRUE when @state goes on */
static gboolean
claim_content (AssayPipeline *self,
               DocState      *state)
{
  guint index = assay_document_get_index (state->document);
  Claim *claim = g_hash_table_lookup (self->by_sha256, state->input->sha256);

  if (claim != NULL && !g_str_equal (claim->path, state->input->path))
    {
      DocState *other = claim->state;

      if (other == NULL || claim->index < index)
        {
          release_text (self, state);
          _assay_document_set_duplicate_of (state->document, claim->path);
          finish_document (self, state, ASSAY_DOCUMENT_DUPLICATE, ASSAY_STAGE_HASH, NULL);
          return FALSE;
        }

      /* Overtake the later document: its running job's result is dropped. */
      g_debug ("%s was given before %s, its copy: processing it instead",
               state->input->path, claim->path);
      doc_state_ref (other);
      remove_from_queues (self, other);
      other->generation++;
      g_cancellable_cancel (other->cancellable);
      claim->state = NULL;
      _assay_document_set_duplicate_of (other->document, state->input->path);
      finish_document (self, other, ASSAY_DOCUMENT_DUPLICATE, ASSAY_STAGE_HASH, NULL);
      doc_state_unref (other);
    }

  claim = g_new0 (Claim, 1);
  claim->path = g_strdup (state->input->path);
  claim->index = index;
  claim->state = state;
  g_hash_table_insert (self->by_sha256, g_strdup (state->input->sha256), claim);

  return TRUE;
}

static void
identify_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;
  IdentifyData *data = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (!job_complete (job, ok))
    goto out;

  if (!ok)
    {
      fail_from_error (self, state, ASSAY_STAGE_HASH, error);
      goto out;
    }

  /* Keep what the worker learnt about the file. */
  state->input->kind = data->input->kind;
  g_free (state->input->reason);
  state->input->reason = g_strdup (data->input->reason);
  g_free (state->input->sha256);
  state->input->sha256 = g_strdup (data->input->sha256);
  state->input->size = data->input->size;

  _assay_document_set_sha256 (state->document, state->input->sha256);
  _assay_document_set_size (state->document, state->input->size);

  if (state->input->kind != ASSAY_INPUT_PDF)
    {
      finish_document (self, state, ASSAY_DOCUMENT_FAILED, ASSAY_STAGE_READ,
                       state->input->reason);
      goto out;
    }

  if (!claim_content (self, state))
    goto out;

  if (data->cached != NULL)
    {
      assay_metrics_finished (self->metrics, ASSAY_STAGE_CACHE, TRUE, data->cache_ms);
      state->stored = TRUE;
      _assay_document_set_cached (state->document, TRUE);
      _assay_document_set_result (state->document, data->cached);
      _assay_document_set_result_text (state->document, data->cached_text);
      _assay_document_set_summary (state->document, data->summary.n_figures,
                                   data->summary.n_verified, data->summary.title);
      finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_CACHE, NULL);
      goto out;
    }

  enqueue (self, state, self->remote != NULL ? STEP_REMOTE : STEP_READ);

out:
  pump (self);
}

static void
run_identify (AssayPipeline *self,
              DocState      *state)
{
  g_autoptr(GTask) task = NULL;
  IdentifyData *data = g_new0 (IdentifyData, 1);

  /* Settings changed from here on are for later documents. */
  g_set_object (&state->extractor, self->extractor);
  g_clear_pointer (&state->template_, assay_template_unref);
  state->template_ = assay_template_ref (self->template_);
  g_free (state->template_key);
  state->template_key = g_strdup (self->template_key);
  g_free (state->extractor_id);
  state->extractor_id = g_strdup (self->extractor_id);
  state->stored = FALSE;
  _assay_document_set_processed_with (state->document, state->template_key, state->extractor_id);

  data->input = assay_input_file_new (state->input->path, state->input->explicit_);
  data->store = self->store ? g_object_ref (self->store) : NULL;
  data->template_key = g_strdup (state->template_key);
  data->extractor_id = g_strdup (state->extractor_id);
  data->read_cache = self->read_cache;

  start_step (self, state, STEP_IDENTIFY);

  task = g_task_new (NULL, state->cancellable, identify_done, job_new (self, state, STEP_IDENTIFY));
  g_task_set_source_tag (task, run_identify);
  g_task_set_task_data (task, data, (GDestroyNotify) identify_data_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_IDENTIFY, identify_worker);
}

/* ------------------------------------------------------------------------ */
/* Read                                                                       */

static void
read_progress (gpointer user_data,
               guint    pages_done,
               guint    n_pages)
{
  Job *job = user_data;
  DocState *state = job->state;
  double span = step_progress[STEP_READ + 1] - step_progress[STEP_READ];

  if (state->removed || state->generation != job->generation || n_pages == 0)
    return;

  _assay_document_set_pages_read (state->document, pages_done, n_pages);
  set_doc_progress (self_of (job), state,
                    step_progress[STEP_READ] + span * pages_done / n_pages);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPdfText) text = assay_pdf_read_finish (result, &error);
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;

  if (!job_complete (job, text != NULL))
    goto out;

  if (text == NULL)
    {
      fail_from_error (self, state, ASSAY_STAGE_READ, error);
      goto out;
    }

  _assay_document_set_n_pages (state->document, text->n_pages);
  state->text = g_steal_pointer (&text);
  enqueue (self, state, STEP_EXTRACT);

out:
  pump (self);
}

static void
run_read (AssayPipeline *self,
          DocState      *state)
{
  Job *job = job_new (self, state, STEP_READ);

  state->holding_text = TRUE;
  self->n_holding++;
  self->peak_holding = MAX (self->peak_holding, self->n_holding);

  start_step (self, state, STEP_READ);

  /* The job outlives the progress callbacks: they run before read_done. */
  assay_pdf_read_async (self->pool,
                        state->input->path,
                        state->password != NULL ? state->password : self->password,
                        &self->limits,
                        PRIORITY_READ,
                        read_progress, job,
                        state->cancellable,
                        read_done, job);
}

/* ------------------------------------------------------------------------ */
/* Extract                                                                    */

static void
extract_progress (gpointer user_data,
                  double   fraction,
                  guint64  tokens)
{
  Job *job = user_data;
  DocState *state = job->state;
  gint64 now = g_get_monotonic_time ();
  double span = step_progress[STEP_EXTRACT + 1] - step_progress[STEP_EXTRACT];

  if (state->removed || state->generation != job->generation || fraction < 0)
    return;

  /* Streaming answers report every few tokens: coalesce. */
  if (now - state->last_progress_us < PROGRESS_INTERVAL_US && fraction < 1.0)
    return;
  state->last_progress_us = now;

  _assay_document_set_tokens (state->document, tokens);
  set_doc_progress (self_of (job), state,
                    step_progress[STEP_EXTRACT] + span * CLAMP (fraction, 0.0, 1.0));
}

static void
extract_waiting (gpointer user_data,
                 gint64   until_monotonic_us)
{
  Job *job = user_data;
  DocState *state = job->state;

  if (state->removed || state->generation != job->generation ||
      assay_document_get_state (state->document) != ASSAY_DOCUMENT_EXTRACTING)
    return;

  _assay_document_set_waiting_until (state->document, until_monotonic_us);
}

static void
extract_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayExtraction) extraction = NULL;
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;

  extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (object), result, &error);
  if (!state->removed && state->generation == job->generation)
    _assay_document_set_waiting_until (state->document, 0);

  if (!job_complete (job, extraction != NULL))
    goto out;

  if (extraction == NULL)
    {
      fail_from_error (self, state, ASSAY_STAGE_EXTRACT, error);
      goto out;
    }

  if (extraction->prompt_tokens > 0 || extraction->completion_tokens > 0)
    assay_metrics_add_token_counts (self->metrics, ASSAY_STAGE_EXTRACT,
                                    MAX (extraction->prompt_tokens, 0),
                                    MAX (extraction->completion_tokens, 0));

  state->extraction = g_steal_pointer (&extraction);
  enqueue (self, state, STEP_ANALYSE);

out:
  pump (self);
}

static void
run_extract (AssayPipeline *self,
             DocState      *state)
{
  Job *job = job_new (self, state, STEP_EXTRACT);
  AssayExtractRequest request = {
    .text = state->text,
    .template_ = state->template_,
    .display_name = assay_document_get_name (state->document),
    .progress = extract_progress,
    .progress_data = job,
    .waiting = extract_waiting,
  };

  start_step (self, state, STEP_EXTRACT);
  assay_extractor_extract_async (state->extractor, &request, state->cancellable,
                                 extract_done, job);
}

/* ------------------------------------------------------------------------ */
/* Letting go of big things                                                   */

typedef struct
{
  gpointer       data;
  GDestroyNotify free_func;
} Release;

static void
release_free (Release *release)
{
  if (release->data != NULL)
    release->free_func (release->data);
  g_free (release);
}

static void
release_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Release *release = task_data;

  g_clear_pointer (&release->data, release->free_func);
  g_task_return_boolean (task, TRUE);
}

/* A result tree or a document's text is thousands of small allocations:
 * freeing one took about a tenth of the window's main thread during a
 * batch. The reference is dropped on the pool instead (the last one, if
 * nothing on the main thread holds it any more). Takes @data.
 *
 * Safe for a JSON tree only while other threads share its root alone:
 * JsonNode counts its references atomically, JsonObject and JsonArray do
 * not, so nobody may keep an inner object or array of it (copy instead). */
static void
release_on_pool (AssayPipeline  *self,
                 gpointer        data,
                 GDestroyNotify  free_func)
{
  g_autoptr(GTask) task = NULL;
  Release *release;

  if (data == NULL)
    return;

  release = g_new (Release, 1);
  release->data = data;
  release->free_func = free_func;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, release_on_pool);
  g_task_set_task_data (task, release, (GDestroyNotify) release_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_RELEASE, release_worker);
}

/* ------------------------------------------------------------------------ */
/* Analyse, and build the result                                              */

typedef struct
{
  AssayPdfText      *text;
  AssayExtraction   *extraction;
  AssayResultSource  source;
  AssayResultSummary summary;   /* out */
} AnalyseData;

static void
analyse_data_free (AnalyseData *data)
{
  g_clear_pointer (&data->text, assay_pdf_text_unref);
  g_clear_pointer (&data->extraction, assay_extraction_free);
  assay_result_source_clear (&data->source);
  assay_result_summary_clear (&data->summary);
  g_free (data);
}

static void
analyse_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AnalyseData *data = task_data;
  g_autoptr(AssayAnalysis) analysis = NULL;
  JsonNode *node;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  analysis = assay_analyse (data->text, data->extraction, cancellable, &error);
  if (analysis == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->source.stage_ms[ASSAY_STAGE_ANALYSE] = (g_get_monotonic_time () - start) / 1000.0;

  node = assay_result_build (&data->source, data->text, data->extraction, analysis);
  assay_result_summarize (node, &data->summary);
  g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
analyse_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = g_task_propagate_pointer (G_TASK (result), &error);
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;
  AnalyseData *data = g_task_get_task_data (G_TASK (result));

  if (!job_complete (job, node != NULL))
    goto out;

  if (node == NULL)
    {
      fail_from_error (self, state, ASSAY_STAGE_ANALYSE, error);
      goto out;
    }

  /* The text is not needed any more: let the next document in. */
  release_text (self, state);
  _assay_document_set_result (state->document, node);
  _assay_document_set_summary (state->document, data->summary.n_figures,
                               data->summary.n_verified, data->summary.title);

  /* A result the offline extractor gave in place of a failed model is
   * not kept: the next run asks the model again. */
  if (self->store != NULL && !state->fell_back)
    enqueue (self, state, STEP_STORE);
  else
    finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_ANALYSE, NULL);

out:
  release_on_pool (self, g_steal_pointer (&data->text), (GDestroyNotify) assay_pdf_text_unref);
  release_on_pool (self, g_steal_pointer (&data->extraction), (GDestroyNotify) assay_extraction_free);
  pump (self);
}

static void
run_analyse (AssayPipeline *self,
             DocState      *state)
{
  g_autoptr(GTask) task = NULL;
  AnalyseData *data = g_new0 (AnalyseData, 1);

  /* The worker owns the extraction from here; the text is shared. */
  state->fell_back = state->extraction->fell_back;
  data->text = assay_pdf_text_ref (state->text);
  data->extraction = g_steal_pointer (&state->extraction);
  data->source.path = g_strdup (state->input->path);
  data->source.sha256 = g_strdup (state->input->sha256);
  data->source.size = state->input->size;
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    data->source.stage_ms[i] = assay_document_get_stage_ms (state->document, i);

  start_step (self, state, STEP_ANALYSE);

  task = g_task_new (NULL, state->cancellable, analyse_done, job_new (self, state, STEP_ANALYSE));
  g_task_set_source_tag (task, run_analyse);
  g_task_set_task_data (task, data, (GDestroyNotify) analyse_data_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_ANALYSE, analyse_worker);
}

/* ------------------------------------------------------------------------ */
/* Store                                                                      */

typedef struct
{
  AssayStore *store;
  char       *key;
  JsonNode   *result;
  GBytes     *text;     /* nullable: @result is its digest (cluster mode) */
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->key, g_free);
  g_clear_pointer (&data->result, json_node_unref);
  g_clear_pointer (&data->text, g_bytes_unref);
  g_free (data);
}

static void
store_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StoreData *data = task_data;
  GError *error = NULL;
  GBytes *text = NULL;

  /* A result that came as its text is written as it is. */
  if (data->text != NULL)
    {
      if (!assay_store_save_text (data->store, data->key, data->result, data->text, cancellable, &error))
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, g_bytes_ref (data->text), (GDestroyNotify) g_bytes_unref);
    }
  else if (!assay_store_save_full (data->store, data->key, data->result, &text, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, (GDestroyNotify) g_bytes_unref);
}

static void
store_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;
  g_autoptr(GBytes) text = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean ok = text != NULL;
  StoreData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(JsonNode) stored = g_steal_pointer (&data->result);

  if (!job_complete (job, ok))
    goto out;

  /* What was written is the result as text: a writer need not make it again. */
  if (ok)
    {
      state->stored = TRUE;
      _assay_document_set_result_text (state->document, text);
    }

  /* The result is complete either way; failing to keep it only costs
   * the next run a re-read, so it is a message, not a failure. */
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not keep the result of %s: %s",
               assay_document_get_name (state->document), error->message);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish_document (self, state, ASSAY_DOCUMENT_CANCELLED, ASSAY_STAGE_STORE, NULL);
  else
    finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_STORE, NULL);

out:
  /* After finish_document(), which lets the document's own reference go
   * when results are not kept. */
  release_on_pool (self, g_steal_pointer (&stored), (GDestroyNotify) json_node_unref);
  pump (self);
}

static void
run_store (AssayPipeline *self,
           DocState      *state)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data = g_new0 (StoreData, 1);

  data->store = g_object_ref (self->store);
  data->key = assay_store_dup_key (self->store, state->input->sha256,
                                   state->template_key, state->extractor_id);
  data->result = json_node_ref (assay_document_get_result (state->document));
  /* A result that came from a remote as its digest and text: the text
   * is what is saved (a local result has no text before it is stored). */
  if (assay_document_get_result_text (state->document) != NULL &&
      json_object_has_member (json_node_get_object (data->result), "digest"))
    data->text = g_bytes_ref (assay_document_get_result_text (state->document));

  start_step (self, state, STEP_STORE);

  task = g_task_new (NULL, state->cancellable, store_done, job_new (self, state, STEP_STORE));
  g_task_set_source_tag (task, run_store);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_STORE, store_worker);
}

/* ------------------------------------------------------------------------ */
/* Remote: read, extract and analyse on a cluster                             */

static void
remote_progress (gpointer            user_data,
                 AssayDocumentState  doc_state,
                 double              fraction,
                 const char         *worker)
{
  Job *job = user_data;
  DocState *state = job->state;
  AssayPipeline *self = self_of (job);
  double start = step_progress[STEP_REMOTE];
  double span = step_progress[STEP_STORE] - start;

  if (state->removed || state->generation != job->generation)
    return;

  if (doc_state == ASSAY_DOCUMENT_QUEUED || doc_state == ASSAY_DOCUMENT_READING ||
      doc_state == ASSAY_DOCUMENT_EXTRACTING || doc_state == ASSAY_DOCUMENT_ANALYSING)
    set_doc_state (self, state, doc_state);
  _assay_document_set_worker (state->document, worker);
  if (fraction >= 0)
    set_doc_progress (self, state, start + span * CLAMP (fraction, 0.0, 1.0));
}

static void
remote_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) text = NULL;
  AssayPipeline *self = job->pipeline;
  DocState *state = job->state;
  AssayStage stage = ASSAY_STAGE_EXTRACT;
  AssayResultSummary summary = { 0 };
  gboolean cached;

  /* With its text, the node is the result's digest, as a cached
   * document's: the text is stored and written as it is, never parsed. */
  node = assay_remote_process_finish_full (ASSAY_REMOTE (object), result, &stage, &text, &error);

  if (!job_complete (job, node != NULL))
    goto out;

  _assay_document_set_worker (state->document, NULL);

  if (node == NULL)
    {
      fail_from_error (self, state, stage, error);
      goto out;
    }

  cached = json_object_get_boolean_member_with_default (json_node_get_object (node), "cached", FALSE);
  assay_result_summarize (node, &summary);
  _assay_document_set_cached (state->document, cached);
  _assay_document_set_result (state->document, node);
  if (text != NULL)
    _assay_document_set_result_text (state->document, text);
  _assay_document_set_summary (state->document, summary.n_figures, summary.n_verified,
                               summary.title);
  assay_result_summary_clear (&summary);

  if (self->store != NULL && !cached)
    enqueue (self, state, STEP_STORE);
  else
    finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_EXTRACT, NULL);

out:
  pump (self);
}

static void
run_remote (AssayPipeline *self,
            DocState      *state)
{
  Job *job = job_new (self, state, STEP_REMOTE);
  AssayRemoteRequest request = {
    .path = state->input->path,
    .sha256 = state->input->sha256,
    .size = state->input->size,
    .template_ = state->template_,
    .template_key = state->template_key,
    .extractor_id = state->extractor_id,
    .progress = remote_progress,
    .progress_data = job,
    /* As a local read would (retry_with_password, or the run's). */
    .password = state->password != NULL ? state->password : self->password,
  };

  start_step (self, state, STEP_REMOTE);
  assay_remote_process_async (self->remote, &request, state->cancellable, remote_done, job);
}

/* ------------------------------------------------------------------------ */
/* Scheduling                                                                 */

typedef void (*StepRunner) (AssayPipeline *self,
                            DocState      *state);

static const StepRunner step_runner[N_STEPS] = {
  [STEP_IDENTIFY] = run_identify,
  [STEP_READ] = run_read,
  [STEP_EXTRACT] = run_extract,
  [STEP_ANALYSE] = run_analyse,
  [STEP_STORE] = run_store,
  [STEP_REMOTE] = run_remote,
};

static gboolean
can_start (AssayPipeline *self,
           Step           step)
{
  StepQueue *queue = &self->steps[step];

  if (queue->running >= queue->limit)
    return FALSE;

  if (step == STEP_READ && self->n_holding >= self->max_holding)
    return FALSE;

  if (step == STEP_IDENTIFY && self->paused)
    return FALSE;

  if (self->shut_down)
    return FALSE;

  return TRUE;
}

/* Starts whatever may start, later steps first so that documents already
 * read make room before new ones are opened. Cheap: called after every
 * completion. */
static void
pump (AssayPipeline *self)
{
  for (int step = N_STEPS - 1; step >= 0; step--)
    {
      StepQueue *queue = &self->steps[step];

      while (!g_queue_is_empty (&queue->waiting) && can_start (self, step))
        {
          DocState *state = g_queue_pop_head (&queue->waiting);

          step_runner[step] (self, state);
          doc_state_unref (state);
        }
    }
}

/* The document's content no longer counts as processed: the same content
 * added again (or this document retried) is processed, not a duplicate. */
static void
forget_content (AssayPipeline *self,
                DocState      *state)
{
  Claim *claim;

  if (state->input->sha256 == NULL)
    return;

  claim = g_hash_table_lookup (self->by_sha256, state->input->sha256);
  if (claim != NULL && g_str_equal (claim->path, state->input->path))
    g_hash_table_remove (self->by_sha256, state->input->sha256);
}

/* The claim stays (the content is still known) but may not be overtaken
 * any more: its document finished or is about to be freed. */
static void
settle_claim (AssayPipeline *self,
              DocState      *state)
{
  Claim *claim;

  if (state->input->sha256 == NULL)
    return;

  claim = g_hash_table_lookup (self->by_sha256, state->input->sha256);
  if (claim != NULL && claim->state == state)
    claim->state = NULL;
}

static gboolean
remove_from_queues (AssayPipeline *self,
                    DocState      *state)
{
  for (guint step = 0; step < N_STEPS; step++)
    {
      if (g_queue_remove (&self->steps[step].waiting, state))
        {
          assay_metrics_dequeued (self->metrics, step_stage[step]);
          doc_state_unref (state);
          return TRUE;
        }
    }

  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                    */

static void
assay_pipeline_dispose (GObject *object)
{
  AssayPipeline *self = (AssayPipeline *)object;

  for (guint step = 0; step < N_STEPS; step++)
    g_queue_clear_full (&self->steps[step].waiting, (GDestroyNotify) doc_state_unref);

  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->by_sha256, g_hash_table_unref);
  g_clear_handle_id (&self->free_source, g_source_remove);
  /* Only with g_object_run_dispose(): a handover being listed holds the
   * pipeline. Its files not listed yet are not. */
  g_clear_handle_id (&self->handover_source, g_source_remove);
  while (!g_queue_is_empty (&self->handovers))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->handovers);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    }
  if (self->to_free != NULL)
    g_ptr_array_set_size (self->to_free, 0);
  g_clear_object (&self->documents);
  g_clear_object (&self->extractor);
  g_clear_object (&self->remote);
  g_clear_object (&self->store);
  g_clear_object (&self->pool);
  g_clear_pointer (&self->template_, assay_template_unref);

  G_OBJECT_CLASS (assay_pipeline_parent_class)->dispose (object);
}

static void
assay_pipeline_finalize (GObject *object)
{
  AssayPipeline *self = (AssayPipeline *)object;

  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->extractor_id, g_free);
  g_clear_pointer (&self->template_key, g_free);
  g_clear_pointer (&self->metrics, assay_metrics_free);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->to_free, g_ptr_array_unref);

  G_OBJECT_CLASS (assay_pipeline_parent_class)->finalize (object);
}

static void
assay_pipeline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AssayPipeline *self = ASSAY_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_N_DOCUMENTS:
      g_value_set_uint (value, assay_pipeline_get_n_documents (self));
      break;

    case PROP_N_QUEUED:
      g_value_set_uint (value, self->counts[BUCKET_QUEUED]);
      break;

    case PROP_N_RUNNING:
      g_value_set_uint (value, self->counts[BUCKET_RUNNING]);
      break;

    case PROP_N_DONE:
      g_value_set_uint (value, self->counts[BUCKET_DONE]);
      break;

    case PROP_N_FAILED:
      g_value_set_uint (value, self->counts[BUCKET_FAILED]);
      break;

    case PROP_N_NEEDS_PASSWORD:
      g_value_set_uint (value, self->counts[BUCKET_NEEDS_PASSWORD]);
      break;

    case PROP_N_CANCELLED:
      g_value_set_uint (value, self->counts[BUCKET_CANCELLED]);
      break;

    case PROP_N_DUPLICATES:
      g_value_set_uint (value, self->counts[BUCKET_DUPLICATE]);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define COUNT_PROP(name) \
  g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0, \
                     (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS))

static void
assay_pipeline_class_init (AssayPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_pipeline_dispose;
  object_class->finalize = assay_pipeline_finalize;
  object_class->get_property = assay_pipeline_get_property;

  /**
   * AssayPipeline:n-documents:
   *
   * The documents in the list. The other counts split them by state:
   * "n-queued" (queued or hashing), "n-running" (reading, extracting or
   * analysing), "n-done", "n-failed", "n-needs-password", "n-cancelled",
   * "n-duplicates". Each is kept as documents change, never counted by a
   * walk over the list, and notified when it changes.
   */
  properties[PROP_N_DOCUMENTS] = COUNT_PROP ("n-documents");
  properties[PROP_N_QUEUED] = COUNT_PROP ("n-queued");
  properties[PROP_N_RUNNING] = COUNT_PROP ("n-running");
  properties[PROP_N_DONE] = COUNT_PROP ("n-done");
  properties[PROP_N_FAILED] = COUNT_PROP ("n-failed");
  properties[PROP_N_NEEDS_PASSWORD] = COUNT_PROP ("n-needs-password");
  properties[PROP_N_CANCELLED] = COUNT_PROP ("n-cancelled");
  properties[PROP_N_DUPLICATES] = COUNT_PROP ("n-duplicates");
  /**
   * AssayPipeline:progress:
   *
   * From 0 to 1 over the current batch: the documents added (or retried)
   * since the pipeline was last idle, a finished one counting as 1. Stays
   * at 1 once the batch is finished, until the next document comes.
   * Notified in steps of a thousandth.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AssayPipeline::document-finished:
   * @document: done, failed, needs-password, cancelled or a duplicate
   *
   * Emitted on the main thread when a document reaches a final state.
   */
  signals[DOCUMENT_FINISHED] =
    g_signal_new ("document-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ASSAY_TYPE_DOCUMENT);
}

static void
assay_pipeline_init (AssayPipeline *self)
{
  self->documents = g_list_store_new (ASSAY_TYPE_DOCUMENT);
  self->states = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) doc_state_unref);
  self->by_sha256 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, claim_free);
  self->metrics = assay_metrics_new ();
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->to_free = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_state_unref);
  self->read_cache = TRUE;
  self->keep_results = TRUE;
  assay_read_limits_init_default (&self->limits);

  for (guint step = 0; step < N_STEPS; step++)
    g_queue_init (&self->steps[step].waiting);
  g_queue_init (&self->handovers);
}

/**
 * assay_pipeline_new:
 * @pool: runs the CPU stages
 * @extractor: runs the extract stage
 * @template_: what to extract
 *
 * Returns: (transfer full): a pipeline with no store (nothing is cached)
 */
AssayPipeline *
assay_pipeline_new (AssayWorkerPool *pool,
                    AssayExtractor  *extractor,
                    AssayTemplate   *template_)
{
  AssayPipeline *self;
  guint n_workers;
  g_autofree char *extractor_id = NULL;

  g_return_val_if_fail (ASSAY_IS_WORKER_POOL (pool), NULL);
  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (extractor), NULL);
  g_return_val_if_fail (template_ != NULL, NULL);

  self = g_object_new (ASSAY_TYPE_PIPELINE, NULL);
  self->pool = g_object_ref (pool);
  self->extractor = g_object_ref (extractor);
  self->template_ = assay_template_ref (template_);

  extractor_id = assay_extractor_dup_id (extractor);
  self->extractor_id = g_strdup_printf ("%s.a%d", extractor_id, ASSAY_ANALYSIS_VERSION);
  self->template_key = assay_template_get_cache_key (template_);

  /* Enough work queued to keep every worker busy, and no more: reading is
   * split across workers inside a document, so one or two documents per
   * worker suffice; the extractor sets its own concurrency. */
  n_workers = assay_worker_pool_get_n_workers (pool);
  self->steps[STEP_IDENTIFY].limit = n_workers;
  self->steps[STEP_READ].limit = MAX (2, n_workers);
  self->steps[STEP_EXTRACT].limit = 16;
  self->steps[STEP_ANALYSE].limit = n_workers;
  self->steps[STEP_STORE].limit = n_workers;
  self->steps[STEP_REMOTE].limit = REMOTE_LIMIT;
  self->max_holding = self->steps[STEP_READ].limit + self->steps[STEP_EXTRACT].limit + n_workers;

  return self;
}

/**
 * assay_pipeline_set_remote:
 * @remote: (nullable): where documents are processed from now on; %NULL:
 *   on this machine
 *
 * Cluster mode: documents identified from now on (hashed, and not found
 * in the local store) are read, extracted and analysed by @remote; their
 * results are kept in the local store as usual. Main thread.
 */
void
assay_pipeline_set_remote (AssayPipeline *self,
                           AssayRemote   *remote)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (remote == NULL || ASSAY_IS_REMOTE (remote));

  g_set_object (&self->remote, remote);
}

/**
 * assay_pipeline_get_remote:
 *
 * Returns: (transfer none) (nullable): the remote set, or %NULL
 */
AssayRemote *
assay_pipeline_get_remote (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return self->remote;
}

/**
 * assay_pipeline_set_store:
 * @store: (nullable): where results are kept; %NULL keeps nothing
 * @read_cache: %FALSE ignores stored results (they are still written)
 */
void
assay_pipeline_set_store (AssayPipeline *self,
                          AssayStore    *store,
                          gboolean       read_cache)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (!store || ASSAY_IS_STORE (store));

  g_set_object (&self->store, store);
  self->read_cache = read_cache;
}

/**
 * assay_pipeline_set_password:
 *
 * Tried on every encrypted document added afterwards. Never logged.
 */
void
assay_pipeline_set_password (AssayPipeline *self,
                             const char    *password)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  g_clear_pointer (&self->password, g_free);
  self->password = g_strdup (password);
}

void
assay_pipeline_set_read_limits (AssayPipeline         *self,
                                const AssayReadLimits *limits)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}

/**
 * assay_pipeline_set_trace:
 * @trace: (nullable) (transfer none): must outlive the pipeline's work
 */
void
assay_pipeline_set_trace (AssayPipeline *self,
                          AssayTrace    *trace)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  self->trace = trace;
}

/**
 * assay_pipeline_set_max_active:
 *
 * Sets how many requests the extract stage may have running, for
 * extractors that can overlap many (a language model with K requests in
 * flight wants more than K documents ready).
 */
void
assay_pipeline_set_max_active (AssayPipeline *self,
                               guint          max_active)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (max_active > 0);

  self->steps[STEP_EXTRACT].limit = max_active;
  self->max_holding = self->steps[STEP_READ].limit + max_active + self->steps[STEP_ANALYSE].limit;
  pump (self);
}

/**
 * assay_pipeline_get_metrics:
 *
 * Returns: (transfer none): per-stage counters, live
 */
AssayMetrics *
assay_pipeline_get_metrics (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return self->metrics;
}

/**
 * assay_pipeline_get_documents:
 *
 * Returns: (transfer none): a list model of #AssayDocument in the order added
 */
GListModel *
assay_pipeline_get_documents (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return G_LIST_MODEL (self->documents);
}

/**
 * assay_pipeline_dup_extractor_id:
 *
 * Returns: (transfer full): the extractor's id as used in store keys
 */
char *
assay_pipeline_dup_extractor_id (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return assay_extractor_dup_id (self->extractor);
}

static DocState *
insert_document (AssayPipeline        *self,
                 const AssayInputFile *input,
                 GPtrArray            *batch)
{
  g_autoptr(AssayDocument) document = NULL;
  AssayInputFile *copy;
  DocState *state;

  copy = assay_input_file_new (input->path, input->explicit_);
  copy->kind = input->kind;
  copy->reason = g_strdup (input->reason);

  document = assay_document_new (input->path, self->next_index++);
  state = doc_state_new (document, copy);
  g_hash_table_insert (self->states, document, state);
  if (batch != NULL)
    g_ptr_array_add (batch, g_object_ref (document));
  else
    g_list_store_append (self->documents, document);
  count_in (self, state);

  if (self->trace != NULL)
    assay_trace_name_track (self->trace, assay_document_get_index (document),
                            assay_document_get_name (document));

  return state;
}

/* Queues @state's document, or finishes it at once when its input is known
 * to be bad or the pipeline is shut down. */
static void
start_document (AssayPipeline *self,
                DocState      *state)
{
  AssayInputKind kind = state->input->kind;

  join_batch (self, state);
  self->n_unfinished++;

  if (self->shut_down)
    finish_document (self, state, ASSAY_DOCUMENT_CANCELLED, ASSAY_STAGE_HASH, _("Cancelled"));
  else if (kind == ASSAY_INPUT_MISSING || kind == ASSAY_INPUT_UNREADABLE)
    finish_document (self, state, ASSAY_DOCUMENT_FAILED, ASSAY_STAGE_READ, state->input->reason);
  else
    enqueue (self, state, STEP_IDENTIFY);
}

/* One items-changed for many documents: a list view over 10,000 rows
 * hears of them once. */
static void
append_batch (AssayPipeline *self,
              GPtrArray     *batch)
{
  g_list_store_splice (self->documents,
                       g_list_model_get_n_items (G_LIST_MODEL (self->documents)), 0,
                       batch->pdata, batch->len);
}

/**
 * assay_pipeline_add:
 * @input: a file as found by assay_input_expand_async(); copied
 *
 * Queues a document. Inputs already known not to be PDFs (missing,
 * unreadable) finish at once as failed, with their reason.
 *
 * Returns: (transfer none): the document, owned by the pipeline's list
 */
AssayDocument *
assay_pipeline_add (AssayPipeline        *self,
                    const AssayInputFile *input)
{
  DocState *state;

  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);

  state = insert_document (self, input, NULL);
  start_document (self, state);
  pump (self);

  return state->document;
}

/* Takes a document out of the processing: out of its queue, its job's
 * result to be dropped, its work told to stop. */
static void
stop_document (AssayPipeline *self,
               DocState      *state)
{
  remove_from_queues (self, state);
  state->generation++;
  g_cancellable_cancel (state->cancellable);
}

/**
 * assay_pipeline_cancel:
 *
 * Stops the document wherever it is. Its running job, if any, is told to
 * stop and its late result is dropped.
 */
void
assay_pipeline_cancel (AssayPipeline *self,
                       AssayDocument *document)
{
  DocState *state;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL || assay_document_is_finished (document))
    return;

  stop_document (self, state);
  finish_document (self, state, ASSAY_DOCUMENT_CANCELLED,
                   stage_of_state (assay_document_get_state (document)), _("Cancelled"));
  pump (self);
}

/**
 * assay_pipeline_cancel_all:
 *
 * Cancels every unfinished document. The queues are emptied first, so no
 * queued document is started only to be cancelled, and no queue is
 * searched once per document.
 */
void
assay_pipeline_cancel_all (AssayPipeline *self)
{
  g_autoptr(GPtrArray) running = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  g_object_ref (self);
  g_object_freeze_notify (G_OBJECT (self));

  for (guint step = 0; step < N_STEPS; step++)
    {
      DocState *state;

      while ((state = g_queue_pop_head (&self->steps[step].waiting)) != NULL)
        {
          assay_metrics_dequeued (self->metrics, step_stage[step]);
          state->generation++;
          g_cancellable_cancel (state->cancellable);
          finish_document (self, state, ASSAY_DOCUMENT_CANCELLED,
                           stage_of_state (assay_document_get_state (state->document)),
                           _("Cancelled"));
          doc_state_unref (state);
        }
    }

  /* What is left unfinished has a job running. */
  running = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_state_unref);
  g_hash_table_iter_init (&iter, self->states);
  while (self->n_unfinished > 0 && g_hash_table_iter_next (&iter, NULL, &value))
    if (!assay_document_is_finished (((DocState *) value)->document))
      g_ptr_array_add (running, doc_state_ref (value));

  for (guint i = 0; i < running->len; i++)
    {
      DocState *state = g_ptr_array_index (running, i);

      if (assay_document_is_finished (state->document))
        continue;
      stop_document (self, state);
      finish_document (self, state, ASSAY_DOCUMENT_CANCELLED,
                       stage_of_state (assay_document_get_state (state->document)),
                       _("Cancelled"));
    }

  g_object_thaw_notify (G_OBJECT (self));
  pump (self);
  g_object_unref (self);
}

/**
 * assay_pipeline_retry:
 *
 * Starts a finished document over (a cancelled or failed one, or one that
 * needed a password after a new password was set). A running one is
 * cancelled and restarted. It is processed with the extractor and
 * template set now.
 */
void
assay_pipeline_retry (AssayPipeline *self,
                      AssayDocument *document)
{
  DocState *state;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL || self->shut_down)
    return;

  if (!assay_document_is_finished (document))
    assay_pipeline_cancel (self, document);

  forget_content (self, state);

  state->generation++;
  g_clear_object (&state->cancellable);
  state->cancellable = g_cancellable_new ();
  release_text (self, state);

  /* A restored document has only a sha256: let identify learn the rest. */
  state->input->kind = ASSAY_INPUT_PDF;
  g_clear_pointer (&state->input->reason, g_free);

  join_batch (self, state);
  self->n_unfinished++;
  set_doc_state (self, state, ASSAY_DOCUMENT_QUEUED);
  enqueue (self, state, STEP_IDENTIFY);
  pump (self);
}

/**
 * assay_pipeline_retry_with_password:
 * @password: tried on this document only; never logged
 *
 * Retries @document (one that needed a password) with @password. Other
 * documents are not touched, and the pipeline's own password stays.
 */
void
assay_pipeline_retry_with_password (AssayPipeline *self,
                                    AssayDocument *document,
                                    const char    *password)
{
  DocState *state;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (password != NULL);

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL || self->shut_down)
    return;

  if (state->password != NULL)
    explicit_bzero (state->password, strlen (state->password));
  g_free (state->password);
  state->password = g_strdup (password);

  assay_pipeline_retry (self, document);
}

/**
 * assay_pipeline_prioritize:
 *
 * Moves @document to the front of the queue of the stage it waits for, so
 * that it is the next one started there (the one a person is looking at).
 * A document at work or finished is left as it is.
 */
void
assay_pipeline_prioritize (AssayPipeline *self,
                           AssayDocument *document)
{
  DocState *state;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL)
    return;

  for (guint step = 0; step < N_STEPS; step++)
    {
      GQueue *queue = &self->steps[step].waiting;
      GList *link = g_queue_find (queue, state);

      if (link != NULL)
        {
          g_queue_unlink (queue, link);
          g_queue_push_head_link (queue, link);
          return;
        }
    }
}

static void
remove_state (AssayPipeline *self,
              DocState      *state,
              gboolean       forget)
{
  AssayDocument *document = state->document;

  if (!assay_document_is_finished (document))
    assay_pipeline_cancel (self, document);

  if (forget)
    forget_content (self, state);

  state->removed = TRUE;
  state->generation++;
  release_text (self, state);
  count_out (self, state);
}

/**
 * assay_pipeline_remove:
 *
 * Cancels the document if needed and takes it out of the list.
 */
void
assay_pipeline_remove (AssayPipeline *self,
                       AssayDocument *document)
{
  DocState *state;
  guint position;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL)
    return;

  g_object_ref (document);
  remove_state (self, state, TRUE);
  if (g_list_store_find (self->documents, document, &position))
    g_list_store_remove (self->documents, position);
  g_hash_table_remove (self->states, document);
  g_object_unref (document);
}

/* Lets go of documents taken out of the list a few hundred per main-loop
 * iteration: finalising 10,000 at once would hold the window up. (Anyone
 * else holding one keeps it, as always.) */
static gboolean
free_some (gpointer user_data)
{
  AssayPipeline *self = user_data;
  guint n = MIN (self->to_free->len, 500);

  g_ptr_array_remove_range (self->to_free, self->to_free->len - n, n);
  if (self->to_free->len > 0)
    return G_SOURCE_CONTINUE;

  self->free_source = 0;
  return G_SOURCE_REMOVE;
}

/**
 * assay_pipeline_clear_finished:
 *
 * Takes every finished document out of the list (as
 * assay_pipeline_remove() does), with one items-changed per run of
 * neighbouring finished documents.
 */
void
assay_pipeline_clear_finished (AssayPipeline *self)
{
  GListModel *model;
  guint i;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  model = G_LIST_MODEL (self->documents);
  g_object_freeze_notify (G_OBJECT (self));
  begin_bulk (self);

  i = g_list_model_get_n_items (model);
  while (i > 0)
    {
      guint end = i;

      /* [start, end) is a run of finished documents */
      while (i > 0)
        {
          g_autoptr(AssayDocument) document = g_list_model_get_item (model, i - 1);
          DocState *state;

          if (!assay_document_is_finished (document))
            break;

          state = g_hash_table_lookup (self->states, document);
          if (state != NULL)
            {
              remove_state (self, state, TRUE);
              /* Freed a few at a time later, with the document (the list's
               * reference goes in the splice, the state keeps one). */
              g_hash_table_steal (self->states, document);
              g_ptr_array_add (self->to_free, state);
            }
          i--;
        }

      if (end > i)
        g_list_store_splice (self->documents, i, end - i, NULL, 0);

      if (i > 0)
        i--;   /* skip the unfinished one */
    }

  end_bulk (self);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->to_free->len > 0 && self->free_source == 0)
    {
      self->free_source = g_idle_add (free_some, self);
      g_source_set_name_by_id (self->free_source, "[assay] free cleared documents");
    }
}

/**
 * assay_pipeline_forget:
 *
 * Takes a finished document out of the list, as a batch does once it has
 * written the result out, so that memory does not grow with the number of
 * documents. Unlike assay_pipeline_remove(), its content stays known: the
 * same content found later is still reported as a duplicate of it.
 */
void
assay_pipeline_forget (AssayPipeline *self,
                       AssayDocument *document)
{
  DocState *state;
  guint position;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (assay_document_is_finished (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL)
    return;

  state->removed = TRUE;
  count_out (self, state);
  if (g_list_store_find (self->documents, document, &position))
    g_list_store_remove (self->documents, position);
  g_hash_table_remove (self->states, document);
}

/**
 * assay_pipeline_set_paused:
 *
 * While paused, no new document starts; those already started go on. A
 * consumer that falls behind (a writer of results) pauses the pipeline
 * so that finished results do not pile up in memory.
 */
void
assay_pipeline_set_paused (AssayPipeline *self,
                           gboolean       paused)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  self->paused = !!paused;
  if (!self->paused)
    pump (self);
}

guint
assay_pipeline_get_n_unfinished (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), 0);

  return self->n_unfinished;
}

/**
 * assay_pipeline_get_peak_holding_text:
 *
 * Returns: the most documents that held their text at once, for tests of
 *   the memory bound
 */
guint
assay_pipeline_get_peak_holding_text (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), 0);

  return self->peak_holding;
}

/* A waiter whose cancellable fired: it completes now, with the error. */
static gboolean
waiter_cancelled (GCancellable *cancellable,
                  gpointer      user_data)
{
  GTask *task = user_data;
  AssayPipeline *self = g_task_get_source_object (task);

  g_object_ref (task);
  if (g_ptr_array_remove (self->waiters, task))
    g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
destroy_source (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

/**
 * assay_pipeline_wait_async:
 * @cancellable: (nullable): cancelling it completes the wait at once with
 *   %G_IO_ERROR_CANCELLED (the documents go on)
 *
 * Completes when no document is left unfinished (at once if none is).
 * After assay_pipeline_shutdown(), completes once every job has returned
 * too: nothing is being read or written any more.
 */
void
assay_pipeline_wait_async (AssayPipeline       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_pipeline_wait_async);
  g_task_set_check_cancellable (task, TRUE);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->n_unfinished == 0 && (!self->shut_down || self->n_jobs == 0))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (cancellable != NULL)
    {
      GSource *source = g_cancellable_source_new (cancellable);

      g_source_set_callback (source, G_SOURCE_FUNC (waiter_cancelled), task, NULL);
      g_source_set_name (source, "[assay] pipeline wait cancelled");
      g_source_attach (source, g_main_context_get_thread_default ());
      g_task_set_task_data (task, source, destroy_source);
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
}

gboolean
assay_pipeline_wait_finish (AssayPipeline  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * assay_pipeline_shutdown:
 *
 * Cancels every document and starts no new work, ever: documents added
 * afterwards finish as cancelled at once. Running jobs are told to stop
 * (readers are killed, requests aborted, a store write is either renamed
 * into place whole or removed); their late results are dropped. Safe to
 * call and then drop the last reference: the jobs hold the pipeline until
 * they return. assay_pipeline_wait_async() then completes when they have.
 */
void
assay_pipeline_shutdown (AssayPipeline *self)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  if (self->shut_down)
    return;

  self->shut_down = TRUE;
  assay_pipeline_cancel_all (self);
  complete_waiters (self);
}

/**
 * assay_pipeline_set_extractor:
 *
 * Documents started from now on (and retried ones) are extracted with
 * @extractor, and stored under its id; those already started finish with
 * the one they began with.
 */
void
assay_pipeline_set_extractor (AssayPipeline  *self,
                              AssayExtractor *extractor)
{
  g_autofree char *extractor_id = NULL;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_EXTRACTOR (extractor));

  g_set_object (&self->extractor, extractor);
  extractor_id = assay_extractor_dup_id (extractor);
  g_free (self->extractor_id);
  self->extractor_id = g_strdup_printf ("%s.a%d", extractor_id, ASSAY_ANALYSIS_VERSION);
}

/**
 * assay_pipeline_set_template:
 *
 * Like assay_pipeline_set_extractor(), for what is extracted.
 */
void
assay_pipeline_set_template (AssayPipeline *self,
                             AssayTemplate *template_)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (template_ != NULL);

  assay_template_ref (template_);
  g_clear_pointer (&self->template_, assay_template_unref);
  self->template_ = template_;
  g_free (self->template_key);
  self->template_key = assay_template_get_cache_key (template_);
}

/**
 * assay_pipeline_get_store:
 *
 * Returns: (transfer none) (nullable): where results are kept. A
 *   document's result is there under assay_store_dup_key() of its sha256,
 *   #AssayDocument:template-key and #AssayDocument:extractor-id.
 */
AssayStore *
assay_pipeline_get_store (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return self->store;
}

/**
 * assay_pipeline_set_keep_results:
 * @keep: %FALSE drops a done document's result (JSON and text) once it is
 *   in the store, right after #AssayPipeline::document-finished; the
 *   document keeps its summary properties
 *
 * For a window holding thousands of documents: their results stay in the
 * store, not in memory. Results that could not be stored are kept.
 * Default %TRUE.
 */
void
assay_pipeline_set_keep_results (AssayPipeline *self,
                                 gboolean       keep)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  self->keep_results = !!keep;
}

/**
 * assay_pipeline_get_n_documents:
 *
 * Returns: the documents in the list
 */
guint
assay_pipeline_get_n_documents (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->documents));
}

/**
 * assay_pipeline_get_progress:
 *
 * Returns: see #AssayPipeline:progress
 */
double
assay_pipeline_get_progress (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), 0.0);

  return self->progress;
}

/**
 * assay_pipeline_get_n_in_state:
 *
 * Returns: how many documents of the list are in @state; queued and
 *   hashing count together, as do reading, extracting and analysing
 *   (the groups of the count properties)
 */
guint
assay_pipeline_get_n_in_state (AssayPipeline      *self,
                               AssayDocumentState  state)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), 0);

  return self->counts[bucket_of_state (state)];
}

/* ------------------------------------------------------------------------ */
/* Files from a window: GFiles, folders expanded, what is not a PDF skipped   */

typedef struct
{
  GPtrArray  *skipped;  /* AssayInputFile* */
  GPtrArray  *inputs;   /* AssayInputFile*: what the walk found */
  guint       next;     /* the first of @inputs not listed yet */
  GHashTable *listed;   /* path → AssayDocument* (a reference): listed before */
} AddFilesData;

static void
add_files_data_free (AddFilesData *data)
{
  g_clear_pointer (&data->skipped, g_ptr_array_unref);
  g_clear_pointer (&data->inputs, g_ptr_array_unref);
  g_clear_pointer (&data->listed, g_hash_table_unref);
  g_free (data);
}

/* On a worker: files named explicitly are looked at too (the walk sniffs
 * only those it found in folders), so that a dropped text file is named
 * as skipped instead of becoming a failed document. */
static void
sniff_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AddFilesData *data = task_data;

  for (guint i = 0; i < data->inputs->len; i++)
    {
      AssayInputFile *input = g_ptr_array_index (data->inputs, i);

      if (g_task_return_error_if_cancelled (task))
        return;
      if (!input->identified)
        assay_input_sniff (input);
    }

  g_task_return_boolean (task, TRUE);
}

/* The documents in the list by path, each with a reference (the path is
 * the document's), so that it stays valid across the slices of a
 * handover whatever is removed meanwhile. One pass, so that adding files
 * stays linear however many are listed. */
static GHashTable *
listed_by_path (AssayPipeline *self)
{
  GListModel *documents = G_LIST_MODEL (self->documents);
  guint n = g_list_model_get_n_items (documents);
  GHashTable *listed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      AssayDocument *document = g_list_model_get_item (documents, i);

      g_hash_table_insert (listed, (gpointer) assay_document_get_path (document), document);
    }

  return listed;
}

/* Lists one slice of the handover at the head of the queue: its files
 * in the order given, in one change of the list, their counts notified
 * once. Returns whether that handover is all listed. */
static gboolean
list_slice (AssayPipeline *self,
            GTask         *task,
            gint64         started)
{
  AddFilesData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) states = NULL;
  guint n_looked = 0;

  batch = g_ptr_array_new_with_free_func (g_object_unref);
  states = g_ptr_array_new ();
  if (data->listed == NULL)
    data->listed = listed_by_path (self);
  g_object_freeze_notify (G_OBJECT (self));

  while (data->next < data->inputs->len && n_looked < ASSAY_PIPELINE_HANDOVER_SLICE &&
         (n_looked < HANDOVER_MIN_SLICE || g_get_monotonic_time () - started < HANDOVER_BUDGET_US))
    {
      guint i = data->next++;
      AssayInputFile *input = g_ptr_array_index (data->inputs, i);
      AssayDocument *document;

      n_looked++;
      if (input->identified && input->kind != ASSAY_INPUT_PDF)
        {
          g_ptr_array_add (data->skipped, g_steal_pointer (&data->inputs->pdata[i]));
          continue;
        }

      /* A file dropped again is not listed twice; dropping a failed or
       * cancelled one again is asking for another try. */
      document = g_hash_table_lookup (data->listed, input->path);
      if (document != NULL)
        {
          AssayDocumentState state = assay_document_get_state (document);

          if (g_hash_table_contains (self->states, document) &&
              (state == ASSAY_DOCUMENT_FAILED || state == ASSAY_DOCUMENT_CANCELLED))
            assay_pipeline_retry (self, document);
          continue;
        }

      g_ptr_array_add (states, insert_document (self, input, batch));
    }

  if (batch->len > 0)
    append_batch (self, batch);
  for (guint i = 0; i < states->len; i++)
    start_document (self, g_ptr_array_index (states, i));

  g_object_thaw_notify (G_OBJECT (self));
  pump (self);

  return data->next >= data->inputs->len;
}

static gboolean list_handovers_cb (gpointer user_data);

/* Lists the queued handovers for one slice's worth of the main thread,
 * then leaves the rest to the next turn (at idle priority: after the
 * frame and the timers due). */
static void
list_handovers (AssayPipeline *self)
{
  gint64 started = g_get_monotonic_time ();
  GTask *task;

  while ((task = g_queue_peek_head (&self->handovers)) != NULL)
    {
      AddFilesData *data;

      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (g_queue_pop_head (&self->handovers));
          continue;
        }
      if (!list_slice (self, task, started))
        break;

      g_queue_pop_head (&self->handovers);
      data = g_task_get_task_data (task);
      g_clear_pointer (&data->listed, g_hash_table_unref);
      g_task_return_pointer (task, g_steal_pointer (&data->skipped), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      /* One slice a turn, whichever handover it was of. */
      break;
    }

  if (!g_queue_is_empty (&self->handovers) && self->handover_source == 0)
    {
      self->handover_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, list_handovers_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->handover_source),
                                "[assay] pipeline handover");
    }
}

static gboolean
list_handovers_cb (gpointer user_data)
{
  AssayPipeline *self = user_data;

  self->handover_source = 0;
  list_handovers (self);

  return G_SOURCE_REMOVE;
}

static void
sniffed (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AssayPipeline *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gboolean listing;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* After any handover still being listed, so that files keep the order
   * they were given in. */
  listing = !g_queue_is_empty (&self->handovers);
  g_queue_push_tail (&self->handovers, g_steal_pointer (&task));
  if (!listing)
    list_handovers (self);
}

static void
files_expanded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AssayPipeline *self = g_task_get_source_object (task);
  AddFilesData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) sniff = NULL;

  data->inputs = assay_input_expand_finish (result, &error);
  if (data->inputs == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sniff = g_task_new (NULL, g_task_get_cancellable (task), sniffed, g_object_ref (task));
  g_task_set_source_tag (sniff, sniff_worker);
  g_task_set_task_data (sniff, data, NULL);   /* owned by @task, which outlives it */
  assay_worker_pool_run (self->pool, sniff, PRIORITY_IDENTIFY, sniff_worker);
}

/**
 * assay_pipeline_add_files_async:
 * @files: (array length=n_files): files and folders, as dropped or chosen
 *   (document-portal paths included: any GFile with a local path)
 *
 * Expands folders (off the main thread, with assay_input_expand_async()),
 * looks at the first bytes of every file, and adds the PDFs to the
 * pipeline in the order given, in slices: one change of the list a
 * main-loop turn (at idle priority), each of 16 to
 * %ASSAY_PIPELINE_HANDOVER_SLICE files, as many as fit in about 2 ms of
 * the main thread, so that a drop of thousands of files does not hold up
 * the window's frames; the counts grow with each slice, and files added
 * meanwhile come after these. What is not a
 * PDF, cannot be read or has no local path is not added but returned by
 * assay_pipeline_add_files_finish(), each with its reason.
 */
void
assay_pipeline_add_files_async (AssayPipeline       *self,
                                GFile              **files,
                                guint                n_files,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  AddFilesData *data;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_pipeline_add_files_async);

  data = g_new0 (AddFilesData, 1);
  data->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_input_file_free);
  g_task_set_task_data (task, data, (GDestroyNotify) add_files_data_free);

  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          AssayInputFile *input = assay_input_file_new (uri, TRUE);

          input->kind = ASSAY_INPUT_MISSING;
          input->reason = g_strdup (_("Not a file on this computer"));
          input->identified = TRUE;
          g_ptr_array_add (data->skipped, input);
          continue;
        }
      g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  assay_input_expand_async ((const char * const *) paths->pdata, cancellable,
                            files_expanded, g_steal_pointer (&task));
}

/**
 * assay_pipeline_add_files_finish:
 *
 * Returns: (transfer full) (element-type AssayInputFile): the files not
 *   added, with their reason (possibly none), or %NULL with @error set
 *   (cancelled)
 */
GPtrArray *
assay_pipeline_add_files_finish (AssayPipeline  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_pipeline_add_files_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Documents of a previous session                                            */

/**
 * assay_restored_document_free:
 */
void
assay_restored_document_free (AssayRestoredDocument *restored)
{
  if (restored == NULL)
    return;

  g_free (restored->path);
  g_free (restored->sha256);
  g_free (restored->template_key);
  g_free (restored->extractor_id);
  g_free (restored->title);
  g_free (restored->error_message);
  g_free (restored->duplicate_of);
  g_free (restored);
}

static DocState *
insert_restored (AssayPipeline               *self,
                 const AssayRestoredDocument *restored,
                 GPtrArray                   *batch)
{
  g_autoptr(AssayDocument) document = NULL;
  AssayInputFile *input;
  DocState *state;

  document = _assay_document_new_restored (restored->path, self->next_index++,
                                           restored->sha256, restored->state,
                                           restored->template_key, restored->extractor_id);
  _assay_document_restore (document, restored->n_pages, restored->size,
                           restored->n_figures, restored->n_verified, restored->title,
                           restored->cached, restored->error_stage, restored->error_message,
                           restored->duplicate_of);

  input = assay_input_file_new (restored->path, TRUE);
  input->sha256 = g_strdup (restored->sha256);
  input->size = restored->size;
  input->identified = TRUE;

  state = doc_state_new (document, input);
  /* Nothing runs for it until a retry, which makes its own. */
  g_clear_object (&state->cancellable);
  state->template_key = g_strdup (restored->template_key);
  state->extractor_id = g_strdup (restored->extractor_id);
  state->stored = restored->state == ASSAY_DOCUMENT_DONE;
  g_hash_table_insert (self->states, document, state);
  g_ptr_array_add (batch, g_object_ref (document));
  count_in (self, state);

  /* Its content is known: the same content dropped again is a duplicate
   * of it, as within one session. */
  if (restored->state == ASSAY_DOCUMENT_DONE && restored->sha256 != NULL &&
      !g_hash_table_contains (self->by_sha256, restored->sha256))
    {
      Claim *claim = g_new0 (Claim, 1);

      claim->path = g_strdup (restored->path);
      claim->index = assay_document_get_index (document);
      g_hash_table_insert (self->by_sha256, g_strdup (restored->sha256), claim);
    }

  return state;
}

/**
 * assay_pipeline_add_restored:
 * @restored: (element-type AssayRestoredDocument): documents of a
 *   previous session, in their order, as assay_session_restore_finish()
 *   gives them
 *
 * Puts them in the list with one change of it. Those that had finished
 * (done, failed, needing a password, cancelled, duplicates) come back as
 * they were, without reading, hashing or parsing anything: a done one's
 * result is in the store, under its sha256, template key and extractor id.
 * Those that were still at work are queued again as new documents.
 */
void
assay_pipeline_add_restored (AssayPipeline *self,
                             GPtrArray     *restored)
{
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) queued = NULL;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (restored != NULL);

  batch = g_ptr_array_new_full (restored->len, g_object_unref);
  queued = g_ptr_array_new ();
  g_object_freeze_notify (G_OBJECT (self));

  for (guint i = 0; i < restored->len; i++)
    {
      const AssayRestoredDocument *entry = g_ptr_array_index (restored, i);

      if (entry->path == NULL)
        continue;

      if (entry->state >= ASSAY_DOCUMENT_DONE && !self->shut_down)
        insert_restored (self, entry, batch);
      else
        {
          g_autoptr(AssayInputFile) input = assay_input_file_new (entry->path, TRUE);

          g_ptr_array_add (queued, insert_document (self, input, batch));
        }
    }

  append_batch (self, batch);
  for (guint i = 0; i < queued->len; i++)
    start_document (self, g_ptr_array_index (queued, i));

  g_object_thaw_notify (G_OBJECT (self));
  pump (self);
}

/* ------------------------------------------ for assay-pipeline-result.c */

AssayWorkerPool *
_assay_pipeline_get_pool (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return self->pool;
}

/* The template key and extractor id of the store key @document's result
 * is kept under: those it was processed with, or the pipeline's current
 * ones for a document not processed yet. */
void
_assay_pipeline_get_store_key_parts (AssayPipeline  *self,
                                     AssayDocument  *document,
                                     const char    **template_key,
                                     const char    **extractor_id)
{
  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  *template_key = assay_document_get_template_key (document);
  *extractor_id = assay_document_get_extractor_id (document);
  if (*template_key == NULL || *extractor_id == NULL)
    {
      *template_key = self->template_key;
      *extractor_id = self->extractor_id;
    }
}

/* Returns: (nullable): the password @document was opened with */
const char *
_assay_pipeline_get_password (AssayPipeline *self,
                              AssayDocument *document)
{
  DocState *state;

  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (document), NULL);

  state = g_hash_table_lookup (self->states, document);
  if (state != NULL && state->password != NULL)
    return state->password;

  return self->password;
}

const AssayReadLimits *
_assay_pipeline_get_read_limits (AssayPipeline *self)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);

  return &self->limits;
}
