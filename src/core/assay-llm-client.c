/* assay-llm-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-llm-answer.h"
#include "assay-llm-call.h"
#include "assay-llm-chunk.h"
#include "assay-llm-client.h"
#include "assay-llm-request.h"

/* A piece of a page is not cut below this. */
#define MIN_SPLIT_TOKENS      200
/* Room for the user prompt's preamble and the chat template. */
#define PROMPT_OVERHEAD       200
/* The smallest useful text budget per chunk. */
#define MIN_TEXT_BUDGET       256
/* A repair round sends the bad answer back; keep that much of it. */
#define MAX_REPAIR_ECHO_BYTES (16 * 1024)
/* Progress callbacks at most this often. */
#define PROGRESS_INTERVAL_US  (100 * 1000)

struct _AssayLlmClient
{
  GObject              parent_instance;

  AssayLlmConfig      *config;
  AssayLlmDispatcher  *dispatcher;
  char                *chat_url;
  char                *models_url;
  AssayLlmOutputMode   mode;      /* lowered when the server rejects structured output */
  AssayLlmClientStats  stats;
};

typedef struct _Job Job;

typedef struct
{
  Job                *job;
  AssayLlmChunk      *chunk;
  GPtrArray          *messages;   /* AssayLlmMessage* */
  AssayLlmOutputMode  mode_sent;
  gboolean            repaired;
  gboolean            replaced;   /* split into two others */
  guint               output_tokens;  /* a larger output allowance, after a cut-off; 0: the job's */
  guint64             last_deltas;
  gint64              waiting_until;  /* rate limit, monotonic µs, 0 none */
  JsonNode           *answer;
} ChunkState;

struct _Job
{
  AssayLlmClient        *client;      /* the task's source object */
  GTask                 *task;        /* owns the job */
  AssayPdfText          *text;
  AssayTemplate         *template_;
  AssayExtractProgress   progress;
  AssayExtractWaiting    waiting;
  gpointer               progress_data;
  gint64                 waiting_until;  /* what the caller was last told */
  char                  *system_prompt;
  JsonNode              *schema;
  guint                  context_tokens;
  guint                  max_output_tokens;
  GPtrArray             *chunks;      /* ChunkState* */
  guint                  n_parts;     /* chunks first planned */
  GPtrArray             *warnings;    /* char* */
  GCancellable          *cancellable; /* aborts the job's requests */
  GSource               *cancel_source;
  guint                  overall_id;
  gint64                 deadline;
  gint64                 prompt_tokens;
  gint64                 completion_tokens;
  guint64                tokens;
  gint64                 last_progress;
  gboolean               completed;
};

static void assay_llm_client_extractor_init (AssayExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayLlmClient, assay_llm_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_EXTRACTOR,
                                                      assay_llm_client_extractor_init))

static void chunk_send (ChunkState *cs);

static void
chunk_state_free (gpointer data)
{
  ChunkState *cs = data;

  g_clear_pointer (&cs->chunk, assay_llm_chunk_free);
  g_clear_pointer (&cs->messages, g_ptr_array_unref);
  g_clear_pointer (&cs->answer, json_node_unref);
  g_free (cs);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_assert (job->cancel_source == NULL);
  g_assert (job->overall_id == 0);

  g_clear_pointer (&job->text, assay_pdf_text_unref);
  g_clear_pointer (&job->template_, assay_template_unref);
  g_clear_pointer (&job->system_prompt, g_free);
  g_clear_pointer (&job->schema, json_node_unref);
  g_clear_pointer (&job->chunks, g_ptr_array_unref);
  g_clear_pointer (&job->warnings, g_ptr_array_unref);
  g_clear_object (&job->cancellable);
  g_free (job);
}

/* The latest time any of the job's requests waits for (0: none). */
static void
job_update_waiting (Job *job)
{
  gint64 until = 0;

  if (!job->completed)
    for (guint i = 0; i < job->chunks->len; i++)
      {
        ChunkState *cs = g_ptr_array_index (job->chunks, i);

        if (!cs->replaced && cs->answer == NULL)
          until = MAX (until, cs->waiting_until);
      }

  if (until != job->waiting_until)
    {
      job->waiting_until = until;
      if (job->waiting != NULL)
        job->waiting (job->progress_data, until);
    }
}

static void
job_stop_sources (Job *job)
{
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }

  g_clear_handle_id (&job->overall_id, g_source_remove);
}

/* Fails the job once, aborting its other requests. Takes @error. */
static void
job_fail (Job    *job,
          GError *error)
{
  GTask *task = job->task;

  if (job->completed)
    {
      g_error_free (error);
      return;
    }

  job->completed = TRUE;
  g_cancellable_cancel (job->cancellable);
  job_stop_sources (job);
  job_update_waiting (job);
  g_task_return_error (task, error);
}

static void
job_report_progress (Job      *job,
                     gboolean  force)
{
  gint64 now;
  guint active = 0;
  guint answered = 0;

  if (job->progress == NULL || job->completed)
    return;

  now = g_get_monotonic_time ();
  if (!force && now - job->last_progress < PROGRESS_INTERVAL_US)
    return;
  job->last_progress = now;

  for (guint i = 0; i < job->chunks->len; i++)
    {
      ChunkState *cs = g_ptr_array_index (job->chunks, i);

      if (cs->replaced)
        continue;
      active++;
      if (cs->answer != NULL)
        answered++;
    }

  job->progress (job->progress_data, active > 0 ? (double) answered / active : -1.0, job->tokens);
}

static int
compare_chunk_states (gconstpointer a,
                      gconstpointer b)
{
  const ChunkState *ca = *(ChunkState * const *) a;
  const ChunkState *cb = *(ChunkState * const *) b;
  const AssayLlmSegment *sa = &g_array_index (ca->chunk->segments, AssayLlmSegment, 0);
  const AssayLlmSegment *sb = &g_array_index (cb->chunk->segments, AssayLlmSegment, 0);

  if (sa->page != sb->page)
    return sa->page < sb->page ? -1 : 1;

  return (sa->start > sb->start) - (sa->start < sb->start);
}

static void
job_succeed (Job *job)
{
  AssayLlmClient *client = job->client;
  g_autoptr(GPtrArray) answers = g_ptr_array_new ();
  g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
  g_autoptr(JsonNode) merged = NULL;
  AssayExtraction *extraction;

  for (guint i = 0; i < job->chunks->len; i++)
    {
      ChunkState *cs = g_ptr_array_index (job->chunks, i);

      if (!cs->replaced)
        g_ptr_array_add (ordered, cs);
    }
  g_ptr_array_sort (ordered, compare_chunk_states);
  for (guint i = 0; i < ordered->len; i++)
    g_ptr_array_add (answers, ((ChunkState *) g_ptr_array_index (ordered, i))->answer);

  merged = assay_llm_answer_merge (answers, job->template_);
  extraction = assay_llm_answer_to_extraction (merged, job->template_);
  extraction->provider = g_strdup (assay_llm_provider_to_string (client->config->provider));
  extraction->model = g_strdup (client->config->model);
  extraction->prompt_tokens = job->prompt_tokens;
  extraction->completion_tokens = job->completion_tokens >= 0 || job->tokens == 0
    ? job->completion_tokens : (gint64) job->tokens;
  for (guint i = 0; i < job->warnings->len; i++)
    assay_extraction_add_warning (extraction, "%s", (const char *) g_ptr_array_index (job->warnings, i));

  client->stats.documents++;

  job_report_progress (job, TRUE);
  job->completed = TRUE;
  job_stop_sources (job);
  job_update_waiting (job);
  g_task_return_pointer (job->task, extraction, (GDestroyNotify) assay_extraction_free);
}

static void
job_check_done (Job *job)
{
  for (guint i = 0; i < job->chunks->len; i++)
    {
      ChunkState *cs = g_ptr_array_index (job->chunks, i);

      if (!cs->replaced && cs->answer == NULL)
        return;
    }

  job_succeed (job);
}

static ChunkState *
chunk_state_new (Job           *job,
                 AssayLlmChunk *chunk,
                 guint          part,
                 guint          n_parts)
{
  ChunkState *cs = g_new0 (ChunkState, 1);
  g_autofree char *rendered = assay_llm_chunk_render (chunk, job->text);
  g_autofree char *user = NULL;

  cs->job = job;
  cs->chunk = chunk;
  cs->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_llm_message_free);

  user = assay_llm_request_build_user_prompt (part, n_parts,
                                              assay_llm_chunk_first_page (chunk),
                                              assay_llm_chunk_last_page (chunk),
                                              rendered);
  g_ptr_array_add (cs->messages, assay_llm_message_new ("system", job->system_prompt));
  g_ptr_array_add (cs->messages, assay_llm_message_new ("user", user));

  g_ptr_array_add (job->chunks, cs);

  return cs;
}

/* Replaces @cs by its two halves. Returns FALSE when it cannot be split. */
static gboolean
chunk_split (ChunkState *cs)
{
  Job *job = cs->job;
  AssayLlmChunk *first = NULL;
  AssayLlmChunk *second = NULL;
  ChunkState *a, *b;

  if (!assay_llm_chunk_split (cs->chunk, job->text, MIN_SPLIT_TOKENS, &first, &second))
    return FALSE;

  cs->replaced = TRUE;
  job->client->stats.splits++;

  /* Part numbers stay those of the first plan: "part 2 of 3" still holds. */
  a = chunk_state_new (job, first, 1, MAX (job->n_parts, 2));
  b = chunk_state_new (job, second, 2, MAX (job->n_parts, 2));
  chunk_send (a);
  chunk_send (b);

  return TRUE;
}

static void
chunk_count_deltas (ChunkState *cs,
                    guint64     n_deltas)
{
  if (n_deltas < cs->last_deltas)
    cs->last_deltas = 0;
  cs->job->tokens += n_deltas - cs->last_deltas;
  cs->last_deltas = n_deltas;
}

static void
chunk_progress_cb (guint64  n_deltas,
                   gpointer user_data)
{
  ChunkState *cs = user_data;

  chunk_count_deltas (cs, n_deltas);
  job_report_progress (cs->job, FALSE);
}

static void
chunk_waiting_cb (gint64   until_us,
                  gpointer user_data)
{
  ChunkState *cs = user_data;

  cs->waiting_until = until_us;
  job_update_waiting (cs->job);
}

static void
add_usage (gint64 *total,
           gint64  value)
{
  if (value < 0)
    return;

  *total = MAX (*total, 0) + value;
}

static char *
join_problems (GPtrArray *problems,
               guint      max)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < problems->len && i < max; i++)
    g_string_append_printf (str, "%s%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (problems, i));

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* Sends @cs again with a larger output allowance (max_tokens or
 * num_predict) than the last, once. Returns FALSE when it was tried or no
 * more fits the context. */
static gboolean
chunk_raise_output_limit (ChunkState *cs)
{
  Job *job = cs->job;
  gsize prompt = 0;
  guint allowance;

  if (cs->output_tokens > 0)
    return FALSE;

  for (guint i = 0; i < cs->messages->len; i++)
    prompt += assay_llm_estimate_tokens (((AssayLlmMessage *) g_ptr_array_index (cs->messages, i))->content, -1);
  prompt += PROMPT_OVERHEAD;

  if (prompt >= job->context_tokens)
    return FALSE;

  allowance = MAX (2 * job->max_output_tokens, 8192);
  allowance = (guint) MIN ((gsize) allowance, job->context_tokens - prompt);
  if (allowance <= job->max_output_tokens)
    return FALSE;

  g_debug ("An answer for page %u was cut off; asking again with %u output tokens",
           assay_llm_chunk_first_page (cs->chunk), allowance);
  cs->output_tokens = allowance;
  job->client->stats.raised_limits++;
  chunk_send (cs);

  return TRUE;
}

static void
chunk_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  ChunkState *cs = user_data;
  Job *job = cs->job;
  g_autoptr(GTask) task = job->task;  /* the reference chunk_send took */
  AssayLlmClient *client = job->client;
  g_autoptr(AssayLlmCallResult) result = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *answer;

  result = assay_llm_dispatcher_call_finish (res, &error);

  if (job->completed)
    return;

  if (result == NULL)
    {
      const char *server_message = g_object_get_data (G_OBJECT (res), "server-message");

      if (g_error_matches (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_BAD_REQUEST) &&
          assay_llm_request_error_is_about_context (server_message) &&
          chunk_split (cs))
        return;

      if (g_error_matches (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_BAD_REQUEST) &&
          client->mode != ASSAY_LLM_OUTPUT_PROMPT &&
          assay_llm_request_error_is_about_format (server_message))
        {
          if (client->mode == cs->mode_sent)
            {
              client->mode++;
              g_debug ("The server rejected output mode %d; trying %d",
                       cs->mode_sent, client->mode);
            }
          chunk_send (cs);
          return;
        }

      job_fail (job, g_steal_pointer (&error));
      return;
    }

  /* Progress is coalesced: the last pieces of the answer count here. */
  chunk_count_deltas (cs, result->n_deltas);

  add_usage (&job->prompt_tokens, result->prompt_tokens);
  add_usage (&job->completion_tokens, result->completion_tokens);
  add_usage (&client->stats.prompt_tokens, result->prompt_tokens);
  add_usage (&client->stats.completion_tokens, result->completion_tokens);

  if (g_strcmp0 (result->finish_reason, "length") == 0)
    {
      if (chunk_split (cs))
        return;

      /* The smallest part still did not fit the answer: once more with a
       * larger output allowance. */
      if (chunk_raise_output_limit (cs))
        return;

      job_fail (job, g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TRUNCATED,
                                  _("The model’s answer for page %u was cut off (it reached its "
                                    "length limit) even for the smallest part of the page. "
                                    "Use a model with a larger context or output limit."),
                                  assay_llm_chunk_first_page (cs->chunk)));
      return;
    }

  problems = g_ptr_array_new_with_free_func (g_free);
  answer = assay_llm_answer_validate (result->content, job->template_,
                                      assay_llm_chunk_first_page (cs->chunk),
                                      assay_llm_chunk_last_page (cs->chunk),
                                      problems, job->warnings);
  if (answer == NULL)
    {
      if (!cs->repaired)
        {
          g_autofree char *echo = g_strndup (result->content, MAX_REPAIR_ECHO_BYTES);
          g_autofree char *repair = assay_llm_answer_build_repair_prompt (problems);

          if (!g_utf8_validate (echo, -1, NULL))
            {
              char *valid = g_utf8_make_valid (echo, -1);

              g_free (echo);
              echo = valid;
            }

          cs->repaired = TRUE;
          client->stats.repairs++;
          g_ptr_array_add (cs->messages, assay_llm_message_new ("assistant", echo));
          g_ptr_array_add (cs->messages, assay_llm_message_new ("user", repair));
          chunk_send (cs);
          return;
        }
      else
        {
          g_autofree char *summary = join_problems (problems, 3);

          job_fail (job, g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_INVALID_ANSWER,
                                      _("The model’s answer did not fit the template “%s”, "
                                        "also after it was asked to correct it: %s"),
                                      assay_template_get_name (job->template_), summary));
          return;
        }
    }

  cs->answer = answer;
  job_report_progress (job, TRUE);
  job_check_done (job);
}

static void
chunk_send (ChunkState *cs)
{
  Job *job = cs->job;
  AssayLlmClient *client = job->client;
  const AssayLlmConfig *config = client->config;
  AssayLlmRequestOptions options = { 0 };
  g_autoptr(GBytes) body = NULL;
  AssayLlmStreamFormat format;

  options.provider = config->provider;
  options.model = config->model;
  options.mode = client->mode;
  options.schema = job->schema;
  options.stream = config->stream;
  options.context_tokens = job->context_tokens;
  options.max_output_tokens = cs->output_tokens > 0 ? cs->output_tokens : job->max_output_tokens;
  options.raise_output_limit = cs->output_tokens > 0;

  body = assay_llm_request_build_chat_body (&options, cs->messages);
  cs->mode_sent = client->mode;
  cs->last_deltas = 0;
  cs->waiting_until = 0;

  if (!config->stream)
    format = ASSAY_LLM_STREAM_WHOLE;
  else if (config->provider == ASSAY_LLM_PROVIDER_OLLAMA)
    format = ASSAY_LLM_STREAM_NDJSON;
  else
    format = ASSAY_LLM_STREAM_AUTO;

  g_object_ref (job->task);
  assay_llm_dispatcher_call_async (client->dispatcher, "POST", client->chat_url, body,
                                   FALSE, format, job->deadline,
                                   chunk_progress_cb, chunk_waiting_cb, cs,
                                   job->cancellable,
                                   chunk_done_cb, cs);
}

static gboolean
job_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (user_data));

  job_fail (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("The extraction was cancelled.")));

  return G_SOURCE_REMOVE;
}

static gboolean
job_overall_timeout_cb (gpointer user_data)
{
  Job *job = g_task_get_task_data (G_TASK (user_data));

  job->overall_id = 0;
  job_fail (job, g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT,
                              _("The model did not finish this document within %u seconds. "
                                "Raise the overall timeout, or use a faster model."),
                              job->client->config->overall_timeout_seconds));

  return G_SOURCE_REMOVE;
}

static char *
assay_llm_client_dup_id (AssayExtractor *extractor)
{
  AssayLlmClient *self = ASSAY_LLM_CLIENT (extractor);

  return g_strdup_printf ("llm-%s-%s",
                          assay_llm_provider_to_string (self->config->provider),
                          self->config->model != NULL ? self->config->model : "");
}

static void
assay_llm_client_extract_async (AssayExtractor            *extractor,
                                const AssayExtractRequest *request,
                                GCancellable              *cancellable,
                                GAsyncReadyCallback        callback,
                                gpointer                   user_data)
{
  AssayLlmClient *self = ASSAY_LLM_CLIENT (extractor);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  GError *error = NULL;
  Job *job;
  gsize budget;
  gsize overhead;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_llm_client_extract_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!assay_llm_config_validate (self->config, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  job = g_new0 (Job, 1);
  job->client = self;
  job->task = task;
  job->text = assay_pdf_text_ref (request->text);
  job->template_ = assay_template_ref (request->template_);
  job->progress = request->progress;
  job->waiting = request->waiting;
  job->progress_data = request->progress_data;
  job->chunks = g_ptr_array_new_with_free_func (chunk_state_free);
  job->warnings = g_ptr_array_new_with_free_func (g_free);
  job->cancellable = g_cancellable_new ();
  job->prompt_tokens = -1;
  job->completion_tokens = -1;
  g_task_set_task_data (task, job, job_free);

  job->schema = assay_template_to_json_schema (job->template_);
  job->system_prompt = assay_llm_request_build_system_prompt (job->template_, job->schema);
  job->context_tokens = assay_llm_config_get_context_tokens (self->config);
  job->max_output_tokens = MIN (4096, job->context_tokens / 4);

  /* The text, the instructions, the answer, and a repair round's echo of
   * the answer must all fit in the context. */
  overhead = assay_llm_estimate_tokens (job->system_prompt, -1) + PROMPT_OVERHEAD +
             job->max_output_tokens + job->max_output_tokens / 2;
  if (overhead + MIN_TEXT_BUDGET > job->context_tokens)
    {
      job->completed = TRUE;
      g_task_return_new_error (task, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                               _("A model context of %u tokens is too small for the template "
                                 "“%s”. Raise the context size."),
                               job->context_tokens, assay_template_get_name (job->template_));
      return;
    }
  budget = job->context_tokens - overhead;

  plan = assay_llm_chunks_plan (job->text, budget);
  if (plan->len == 0)
    {
      g_autoptr(AssayExtraction) extraction = NULL;

      extraction = assay_extraction_new ("llm", assay_template_get_name (job->template_));
      extraction->provider = g_strdup (assay_llm_provider_to_string (self->config->provider));
      extraction->model = g_strdup (self->config->model);
      assay_extraction_add_warning (extraction, "%s",
                                    _("The document has no text for the model to read (its "
                                      "pages may be scanned images)."));
      job->completed = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&extraction),
                             (GDestroyNotify) assay_extraction_free);
      return;
    }

  if (cancellable != NULL)
    {
      job->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (job_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (job->cancel_source, g_main_context_get_thread_default ());
    }

  if (self->config->overall_timeout_seconds > 0)
    {
      job->deadline = g_get_monotonic_time () +
                      (gint64) self->config->overall_timeout_seconds * G_USEC_PER_SEC;
      job->overall_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                    self->config->overall_timeout_seconds,
                                                    job_overall_timeout_cb,
                                                    g_object_ref (task), g_object_unref);
    }

  job->n_parts = plan->len;
  for (guint part = 1; plan->len > 0; part++)
    chunk_state_new (job, g_ptr_array_steal_index (plan, 0), part, job->n_parts);

  for (guint i = 0; i < job->chunks->len; i++)
    chunk_send (g_ptr_array_index (job->chunks, i));

  job_report_progress (job, TRUE);
}

static AssayExtraction *
assay_llm_client_extract_finish (AssayExtractor  *extractor,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
assay_llm_client_extractor_init (AssayExtractorInterface *iface)
{
  iface->dup_id = assay_llm_client_dup_id;
  iface->extract_async = assay_llm_client_extract_async;
  iface->extract_finish = assay_llm_client_extract_finish;
}

static void
assay_llm_client_finalize (GObject *object)
{
  AssayLlmClient *self = (AssayLlmClient *)object;

  g_clear_pointer (&self->dispatcher, assay_llm_dispatcher_unref);
  g_clear_pointer (&self->config, assay_llm_config_free);
  g_clear_pointer (&self->chat_url, g_free);
  g_clear_pointer (&self->models_url, g_free);

  G_OBJECT_CLASS (assay_llm_client_parent_class)->finalize (object);
}

static void
assay_llm_client_class_init (AssayLlmClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = assay_llm_client_finalize;
}

static void
assay_llm_client_init (AssayLlmClient *self)
{
}

/**
 * assay_llm_client_new:
 * @config: copied; checked with assay_llm_config_validate_endpoint() (the
 *   model is checked when a document is extracted, so that a client
 *   without one can still list the server's models)
 *
 * Main thread. Sends nothing yet.
 *
 * Returns: (transfer full) (nullable): a new client, or %NULL with @error
 * (%ASSAY_LLM_ERROR_CONFIG) saying what to change
 */
AssayLlmClient *
assay_llm_client_new (const AssayLlmConfig  *config,
                      GError               **error)
{
  AssayLlmClient *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!assay_llm_config_validate_endpoint (config, error))
    return NULL;

  self = g_object_new (ASSAY_TYPE_LLM_CLIENT, NULL);
  self->config = assay_llm_config_copy (config);
  self->dispatcher = assay_llm_dispatcher_new (config);
  self->chat_url = assay_llm_config_build_url (config, "chat");
  self->models_url = assay_llm_config_build_url (config, "models");
  self->mode = config->structured_output ? ASSAY_LLM_OUTPUT_SCHEMA : ASSAY_LLM_OUTPUT_JSON;

  return self;
}

/**
 * assay_llm_client_get_config:
 *
 * Returns: (transfer none): the client's configuration (it holds the API
 * key: never print it)
 */
const AssayLlmConfig *
assay_llm_client_get_config (AssayLlmClient *self)
{
  g_return_val_if_fail (ASSAY_IS_LLM_CLIENT (self), NULL);

  return self->config;
}

/**
 * assay_llm_client_get_stats:
 * @stats: (out caller-allocates): totals for the run so far
 */
void
assay_llm_client_get_stats (AssayLlmClient      *self,
                            AssayLlmClientStats *stats)
{
  AssayLlmDispatcherStats dispatcher_stats;

  g_return_if_fail (ASSAY_IS_LLM_CLIENT (self));
  g_return_if_fail (stats != NULL);

  assay_llm_dispatcher_get_stats (self->dispatcher, &dispatcher_stats);
  *stats = self->stats;
  stats->requests = dispatcher_stats.requests;
  stats->retries = dispatcher_stats.retries;
  stats->max_in_flight = dispatcher_stats.max_in_flight;
  stats->rate_limit_windows = dispatcher_stats.rate_limit_windows;
  stats->max_read_dispatch_us = dispatcher_stats.max_read_dispatch_us;
  if (stats->prompt_tokens == 0 && self->stats.documents == 0)
    stats->prompt_tokens = -1;
}

/* Model lists. */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
models_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AssayLlmCallResult) result = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *list = NULL;
  const char *key = NULL;
  gconstpointer data;
  gsize length;

  result = assay_llm_dispatcher_call_finish (res, &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_bytes_get_data (result->body, &length);
  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, data, length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);

      if (json_object_has_member (object, "data") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "data")))
        {
          list = json_object_get_array_member (object, "data");
          key = "id";
        }
      else if (json_object_has_member (object, "models") &&
               JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "models")))
        {
          list = json_object_get_array_member (object, "models");
          key = "name";
        }
    }

  if (list == NULL)
    {
      g_task_return_new_error (task, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM,
                               _("The model server’s list of models is not in a form Assay "
                                 "understands. Check the server URL and provider."));
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (list) && i < 10000; i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      JsonObject *model;
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      model = json_node_get_object (element);
      name = json_object_get_string_member_with_default (model, key, NULL);
      if (name == NULL && strcmp (key, "name") == 0)
        name = json_object_get_string_member_with_default (model, "model", NULL);
      if (name != NULL && name[0] != '\0')
        g_ptr_array_add (names, g_strdup (name));
    }

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&names), FALSE),
                         (GDestroyNotify) g_strfreev);
}

/**
 * assay_llm_client_list_models_async:
 *
 * Asks the server which models it offers (`/v1/models` or Ollama's
 * `/api/tags`), with the same retries and limits as extraction. Main
 * thread.
 */
void
assay_llm_client_list_models_async (AssayLlmClient      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ASSAY_IS_LLM_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_llm_client_list_models_async);

  assay_llm_dispatcher_call_async (self->dispatcher, "GET", self->models_url, NULL,
                                   TRUE, ASSAY_LLM_STREAM_WHOLE, 0, NULL, NULL, NULL,
                                   cancellable, models_done_cb, task);
}

/**
 * assay_llm_client_list_models_finish:
 *
 * Returns: (transfer full) (array zero-terminated=1): the model names,
 * sorted, or %NULL with @error set
 */
char **
assay_llm_client_list_models_finish (AssayLlmClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (ASSAY_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
