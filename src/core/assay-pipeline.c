/* assay-pipeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How a document moves:
 *
 *   queued ─identify─▶ (cache hit) ──────────────────────────────▶ done
 *                 │
 *                 └─▶ read ─▶ extract ─▶ analyse ─▶ store ─▶ done
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

#include <glib/gi18n.h>

#include "assay-analysis.h"
#include "assay-pipeline.h"
#include "assay-result.h"

/* Pool priorities: lower runs first. */
#define PRIORITY_STORE     0
#define PRIORITY_ANALYSE  10
#define PRIORITY_READ     30
#define PRIORITY_IDENTIFY 40

/* Extract-stage progress reaches the document at most this often. */
#define PROGRESS_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  STEP_IDENTIFY,
  STEP_READ,
  STEP_EXTRACT,
  STEP_ANALYSE,
  STEP_STORE,
  N_STEPS
} Step;

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
  GPtrArray       *waiters;       /* GTask* from wait_async */
};

G_DEFINE_FINAL_TYPE (AssayPipeline, assay_pipeline, G_TYPE_OBJECT)

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
};

static const AssayDocumentState step_state[N_STEPS] = {
  [STEP_IDENTIFY] = ASSAY_DOCUMENT_HASHING,
  [STEP_READ] = ASSAY_DOCUMENT_READING,
  [STEP_EXTRACT] = ASSAY_DOCUMENT_EXTRACTING,
  [STEP_ANALYSE] = ASSAY_DOCUMENT_ANALYSING,
  [STEP_STORE] = ASSAY_DOCUMENT_ANALYSING,
};

/* Where each step starts on the document's progress bar. */
static const double step_progress[N_STEPS + 1] = {
  0.0, 0.05, 0.60, 0.85, 0.97, 1.0
};

static AssayStage
stage_of_state (AssayDocumentState state)
{
  for (guint step = 0; step < N_STEPS; step++)
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

  return state;
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
  job->generation = state->generation;
  job->step = step;

  return job;
}

static void
job_free (Job *job)
{
  g_clear_object (&job->pipeline);
  g_clear_pointer (&job->state, doc_state_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

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
      assay_document_set_stage_ms (state->document, step_stage[job->step], ms);
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
    assay_document_set_state (document, final_state);
  else
    assay_document_fail (document, final_state, stage, message);

  if (final_state != ASSAY_DOCUMENT_DONE)
    {
      g_autoptr(JsonNode) result = assay_result_build_failure (document);
      assay_document_set_result (document, result);
    }

  g_assert (self->n_unfinished > 0);
  self->n_unfinished--;

  g_signal_emit (self, signals[DOCUMENT_FINISHED], 0, document);

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
  assay_document_set_progress (state->document, step_progress[step]);
}

static void
start_step (AssayPipeline *self,
            DocState      *state,
            Step           step)
{
  self->steps[step].running++;
  state->step_started_us = g_get_monotonic_time ();
  assay_metrics_started (self->metrics, step_stage[step]);
  assay_document_set_state (state->document, step_state[step]);
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
          assay_document_set_duplicate_of (state->document, claim->path);
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
      assay_document_set_duplicate_of (other->document, state->input->path);
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

  assay_document_set_sha256 (state->document, state->input->sha256);
  assay_document_set_size (state->document, state->input->size);

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
      assay_document_set_cached (state->document, TRUE);
      assay_document_set_result (state->document, data->cached);
      assay_document_set_result_text (state->document, data->cached_text);
      finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_CACHE, NULL);
      goto out;
    }

  enqueue (self, state, STEP_READ);

out:
  pump (self);
}

static void
run_identify (AssayPipeline *self,
              DocState      *state)
{
  g_autoptr(GTask) task = NULL;
  IdentifyData *data = g_new0 (IdentifyData, 1);

  data->input = assay_input_file_new (state->input->path, state->input->explicit_);
  data->store = self->store ? g_object_ref (self->store) : NULL;
  data->template_key = g_strdup (self->template_key);
  data->extractor_id = g_strdup (self->extractor_id);
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

  assay_document_set_n_pages (state->document, n_pages);
  assay_document_set_progress (state->document,
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

  assay_document_set_n_pages (state->document, text->n_pages);
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
                        self->password,
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

  assay_document_set_progress (state->document,
                               step_progress[STEP_EXTRACT] + span * CLAMP (fraction, 0.0, 1.0));
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

  if (!job_complete (job, extraction != NULL))
    goto out;

  if (extraction == NULL)
    {
      fail_from_error (self, state, ASSAY_STAGE_EXTRACT, error);
      goto out;
    }

  if (extraction->prompt_tokens > 0 || extraction->completion_tokens > 0)
    assay_metrics_add_tokens (self->metrics, ASSAY_STAGE_EXTRACT,
                              MAX (extraction->prompt_tokens, 0) +
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
    .template_ = self->template_,
    .display_name = assay_document_get_name (state->document),
    .progress = extract_progress,
    .progress_data = job,
  };

  start_step (self, state, STEP_EXTRACT);
  assay_extractor_extract_async (self->extractor, &request, state->cancellable,
                                 extract_done, job);
}

/* ------------------------------------------------------------------------ */
/* Analyse, and build the result                                              */

typedef struct
{
  AssayPdfText      *text;
  AssayExtraction   *extraction;
  AssayResultSource  source;
} AnalyseData;

static void
analyse_data_free (AnalyseData *data)
{
  g_clear_pointer (&data->text, assay_pdf_text_unref);
  g_clear_pointer (&data->extraction, assay_extraction_free);
  assay_result_source_clear (&data->source);
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
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  analysis = assay_analyse (data->text, data->extraction, cancellable, &error);
  if (analysis == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->source.stage_ms[ASSAY_STAGE_ANALYSE] = (g_get_monotonic_time () - start) / 1000.0;

  g_task_return_pointer (task,
                         assay_result_build (&data->source, data->text, data->extraction, analysis),
                         (GDestroyNotify) json_node_unref);
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

  if (!job_complete (job, node != NULL))
    goto out;

  if (node == NULL)
    {
      fail_from_error (self, state, ASSAY_STAGE_ANALYSE, error);
      goto out;
    }

  /* The text is not needed any more: let the next document in. */
  release_text (self, state);
  assay_document_set_result (state->document, node);

  /* A result the offline extractor gave in place of a failed model is
   * not kept: the next run asks the model again. */
  if (self->store != NULL && !state->fell_back)
    enqueue (self, state, STEP_STORE);
  else
    finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_ANALYSE, NULL);

out:
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
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->key, g_free);
  g_clear_pointer (&data->result, json_node_unref);
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

  if (!assay_store_save_full (data->store, data->key, data->result, &text, cancellable, &error))
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

  if (!job_complete (job, ok))
    goto out;

  /* What was written is the result as text: a writer need not make it again. */
  if (ok)
    assay_document_set_result_text (state->document, text);

  /* The result is complete either way; failing to keep it only costs
   * the next run a re-read, so it is a warning, not a failure. */
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the result of %s: %s",
               assay_document_get_name (state->document), error->message);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish_document (self, state, ASSAY_DOCUMENT_CANCELLED, ASSAY_STAGE_STORE, NULL);
  else
    finish_document (self, state, ASSAY_DOCUMENT_DONE, ASSAY_STAGE_STORE, NULL);

out:
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
                                   self->template_key, self->extractor_id);
  data->result = json_node_ref (assay_document_get_result (state->document));

  start_step (self, state, STEP_STORE);

  task = g_task_new (NULL, state->cancellable, store_done, job_new (self, state, STEP_STORE));
  g_task_set_source_tag (task, run_store);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_STORE, store_worker);
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
  g_clear_object (&self->documents);
  g_clear_object (&self->extractor);
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

  G_OBJECT_CLASS (assay_pipeline_parent_class)->finalize (object);
}

static void
assay_pipeline_class_init (AssayPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_pipeline_dispose;
  object_class->finalize = assay_pipeline_finalize;

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
  self->read_cache = TRUE;
  assay_read_limits_init_default (&self->limits);

  for (guint step = 0; step < N_STEPS; step++)
    g_queue_init (&self->steps[step].waiting);
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
  self->max_holding = self->steps[STEP_READ].limit + self->steps[STEP_EXTRACT].limit + n_workers;

  return self;
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
  g_autoptr(AssayDocument) document = NULL;
  AssayInputFile *copy;
  DocState *state;

  g_return_val_if_fail (ASSAY_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);

  copy = assay_input_file_new (input->path, input->explicit_);
  copy->kind = input->kind;
  copy->reason = g_strdup (input->reason);

  document = assay_document_new (input->path, self->next_index++);
  state = doc_state_new (document, copy);
  g_hash_table_insert (self->states, document, state);
  g_list_store_append (self->documents, document);
  self->n_unfinished++;

  if (self->trace != NULL)
    assay_trace_name_track (self->trace, assay_document_get_index (document),
                            assay_document_get_name (document));

  if (input->kind == ASSAY_INPUT_MISSING || input->kind == ASSAY_INPUT_UNREADABLE)
    finish_document (self, state, ASSAY_DOCUMENT_FAILED, ASSAY_STAGE_READ, input->reason);
  else
    {
      enqueue (self, state, STEP_IDENTIFY);
      pump (self);
    }

  return document;
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

  remove_from_queues (self, state);
  state->generation++;
  g_cancellable_cancel (state->cancellable);
  finish_document (self, state, ASSAY_DOCUMENT_CANCELLED,
                   stage_of_state (assay_document_get_state (document)), _("Cancelled"));
  pump (self);
}

void
assay_pipeline_cancel_all (AssayPipeline *self)
{
  guint n;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (G_LIST_MODEL (self->documents), i);
      assay_pipeline_cancel (self, document);
    }
}

/**
 * assay_pipeline_retry:
 *
 * Starts a finished document over (a cancelled or failed one, or one that
 * needed a password after a new password was set). A running one is
 * cancelled and restarted.
 */
void
assay_pipeline_retry (AssayPipeline *self,
                      AssayDocument *document)
{
  DocState *state;

  g_return_if_fail (ASSAY_IS_PIPELINE (self));
  g_return_if_fail (ASSAY_IS_DOCUMENT (document));

  state = g_hash_table_lookup (self->states, document);
  if (state == NULL)
    return;

  if (!assay_document_is_finished (document))
    assay_pipeline_cancel (self, document);

  forget_content (self, state);

  state->generation++;
  g_clear_object (&state->cancellable);
  state->cancellable = g_cancellable_new ();
  release_text (self, state);

  self->n_unfinished++;
  assay_document_set_state (document, ASSAY_DOCUMENT_QUEUED);
  enqueue (self, state, STEP_IDENTIFY);
  pump (self);
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

  if (!assay_document_is_finished (document))
    assay_pipeline_cancel (self, document);

  forget_content (self, state);

  state->removed = TRUE;
  state->generation++;
  release_text (self, state);

  if (g_list_store_find (self->documents, document, &position))
    g_list_store_remove (self->documents, position);
  g_hash_table_remove (self->states, document);
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

/**
 * assay_pipeline_wait_async:
 *
 * Completes when no document is left unfinished (at once if none is).
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

  if (self->n_unfinished == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
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
