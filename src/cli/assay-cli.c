/* assay-cli.c — `assay --headless`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole run happens on a GLib main loop, as in the window: inputs are
 * expanded on a thread, documents go through the pipeline, results are
 * spooled by the output's writer thread, and the output is written at the
 * end in input order.
 */
#define G_LOG_DOMAIN "assay-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "assay-cli.h"
#include "assay-cli-output.h"
#include "assay-cli-progress.h"
#include "assay-fallback-extractor.h"
#include "assay-input.h"
#include "assay-llm-client.h"
#include "assay-offline-extractor.h"
#include "assay-pipeline.h"
#include "assay-result.h"
#ifdef HAVE_CLUSTER
#include "assay-cli-cluster.h"
#include "assay-cluster-worker-info.h"
#endif

/* Results waiting for the output writer: past the first, no new document
 * starts until the writer is down to the second (a cached run produces
 * results far faster than they are written). */
#define OUTPUT_HIGH_WATER 64
#define OUTPUT_LOW_WATER  16

/* Documents handed to the pipeline and not finished yet: more are added as
 * these finish. A queued document costs about 750 bytes until it is done,
 * so 10,000 inputs handed over at once were most of a batch's memory. Well
 * above what the pipeline works on at once (at most 2 × 64 extracting, plus
 * reading and analysing), so it never waits for the feeder. */
#define FEED_WINDOW 256

enum {
  EXIT_OK = 0,
  EXIT_SOME_FAILED = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  /* Options */
  gboolean          headless;
  gboolean          version;
  char             *output;
  char             *format;
  int               jobs;
  char             *template_name;
  gboolean          offline;
  char             *password;
  gboolean          no_cache;
  gboolean          stats;
  char             *trace_path;
  char             *charts_dir;
  char            **paths;
  char             *llm_url;
  char             *model;
  char             *provider;
  int               max_requests;
  int               timeout_seconds;
  int               retries;
  gboolean          no_stream;
  gboolean          offline_fallback;
  gboolean          allow_insecure_http;
  gboolean          list_models;
  char             *cluster_url;
  char             *worker_url;
  char             *role;
  char             *worker_name;
  char             *nats_creds;
  char             *nats_nkey;
  char             *nats_user;
  char             *nats_ca;

  /* Run */
  GMainLoop        *loop;
  GCancellable     *cancellable;
  AssayWorkerPool  *pool;
  AssayTemplate    *template_;
  AssayExtractor   *extractor;
  AssayLlmClient   *llm;        /* when a model is used */
  AssayPipeline    *pipeline;
  AssayCliOutput   *out;
  AssayCliProgress *progress;
  AssayTrace       *trace;
  AssayCliFormat    output_format;
  AssayCliSummary   summary;
  guint             n_interrupts;
  guint             n_added;
  GPtrArray        *inputs;      /* AssayInputFile*: the PDFs to run, in order */
  guint             n_fed;       /* of which handed to the pipeline */
  guint             max_unfinished;
  gint64            batch_end;         /* --cluster --stats: real time */
  gint64            figures_deadline;  /* monotonic */
  GPtrArray        *to_forget;   /* AssayDocument*, written out, forgotten at idle */
  guint             forget_id;
  gboolean          paused;      /* for the output writer to catch up */
  int               exit_code;
} Run;

static void
run_clear (Run *run)
{
  g_clear_handle_id (&run->forget_id, g_source_remove);
  g_clear_pointer (&run->to_forget, g_ptr_array_unref);
  g_clear_pointer (&run->inputs, g_ptr_array_unref);
  g_clear_pointer (&run->progress, assay_cli_progress_free);
  g_clear_pointer (&run->out, assay_cli_output_free);
  g_clear_object (&run->pipeline);
  g_clear_object (&run->extractor);
  g_clear_object (&run->llm);
  g_clear_pointer (&run->template_, assay_template_unref);
  g_clear_pointer (&run->trace, assay_trace_free);
  g_clear_object (&run->pool);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->output, g_free);
  g_clear_pointer (&run->format, g_free);
  g_clear_pointer (&run->template_name, g_free);
  g_clear_pointer (&run->trace_path, g_free);
  g_clear_pointer (&run->charts_dir, g_free);
  g_clear_pointer (&run->paths, g_strfreev);
  g_clear_pointer (&run->llm_url, g_free);
  g_clear_pointer (&run->model, g_free);
  g_clear_pointer (&run->provider, g_free);
  g_clear_pointer (&run->cluster_url, g_free);
  g_clear_pointer (&run->worker_url, g_free);
  g_clear_pointer (&run->role, g_free);
  g_clear_pointer (&run->worker_name, g_free);
  g_clear_pointer (&run->nats_creds, g_free);
  g_clear_pointer (&run->nats_nkey, g_free);
  g_clear_pointer (&run->nats_user, g_free);
  g_clear_pointer (&run->nats_ca, g_free);
  if (run->password != NULL)
    {
      /* Do not leave the password lying in freed memory. */
      memset (run->password, 0, strlen (run->password));
      g_clear_pointer (&run->password, g_free);
    }
}

static void
quit (Run *run,
      int  exit_code)
{
  run->exit_code = MAX (run->exit_code, exit_code);
  g_main_loop_quit (run->loop);
}

/* ------------------------------------------------------------------------ */

/* --stats: the per-stage table, then what the run cost. */
static void
print_stats (Run *run)
{
  AssayMetrics *metrics = assay_pipeline_get_metrics (run->pipeline);
  g_autofree char *table = NULL;
  struct rusage self_usage, children_usage;
  struct timespec main_cpu;
  AssayLlmClientStats llm_stats = { 0 };

  if (run->llm != NULL)
    {
      assay_llm_client_get_stats (run->llm, &llm_stats);
      assay_metrics_add_retries (metrics, ASSAY_STAGE_EXTRACT, llm_stats.retries);
    }

  table = assay_metrics_format_table (metrics);
  assay_cli_progress_clear (run->progress);
  g_printerr ("%s", table);
#ifdef HAVE_CLUSTER
  /* On a cluster: each worker's own figures too. */
  if (ASSAY_IS_CLUSTER_SUBMITTER (assay_pipeline_get_remote (run->pipeline)))
    {
      AssayClusterSubmitter *submitter = ASSAY_CLUSTER_SUBMITTER (assay_pipeline_get_remote (run->pipeline));
      g_autofree char *workers = assay_cli_cluster_format_workers (assay_cluster_submitter_get_workers (submitter));

      g_printerr ("%s", workers);
    }
#endif

  /* ru_maxrss is in KiB on Linux. */
  getrusage (RUSAGE_SELF, &self_usage);
  getrusage (RUSAGE_CHILDREN, &children_usage);
  g_printerr (_("peak memory: %.1f MiB (largest reader process: %.1f MiB)\n"),
              self_usage.ru_maxrss / 1024.0, children_usage.ru_maxrss / 1024.0);
  g_printerr (_("documents: at most %u queued or in progress at once\n"), run->max_unfinished);

  /* What the main loop itself cost: HTTP, parsing and validating model
   * answers, and the pipeline's bookkeeping (CPU stages run elsewhere). */
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &main_cpu);
  g_printerr (_("main thread CPU: %.1f ms\n"),
              main_cpu.tv_sec * 1000.0 + main_cpu.tv_nsec / 1e6);
  if (run->llm != NULL)
    {
      /* Plain %llu/%lld, not G_GUINT64_FORMAT: xgettext cuts a msgid at such a macro. */
      g_printerr (_("model: %llu requests, %llu retries, %llu repairs, %lld prompt and "
                    "%lld completion tokens, at most %u in flight\n"),
                  (unsigned long long) llm_stats.requests,
                  (unsigned long long) llm_stats.retries,
                  (unsigned long long) llm_stats.repairs,
                  (long long) llm_stats.prompt_tokens,
                  (long long) llm_stats.completion_tokens,
                  llm_stats.max_in_flight);
      g_printerr (_("model: %llu rate-limit windows, %llu cut-off answers asked again with a "
                    "larger allowance, longest read dispatch %.2f ms\n"),
                  (unsigned long long) llm_stats.rate_limit_windows,
                  (unsigned long long) llm_stats.raised_limits,
                  llm_stats.max_read_dispatch_us / 1000.0);
    }
}

static void finish_run (Run *run);

#ifdef HAVE_CLUSTER
/* --cluster --stats: whether some worker was heard from, and every one
 * heard from (and not gone) has sent its figures since @since
 * (g_get_real_time()). */
static gboolean
workers_heard_since (Run    *run,
                     gint64  since)
{
  AssayRemote *remote = assay_pipeline_get_remote (run->pipeline);
  GListModel *workers;

  if (!ASSAY_IS_CLUSTER_SUBMITTER (remote))
    return TRUE;
  workers = assay_cluster_submitter_get_workers (ASSAY_CLUSTER_SUBMITTER (remote));
  if (g_list_model_get_n_items (workers) == 0)
    return FALSE;   /* none heard from yet: a short batch */
  for (guint i = 0; i < g_list_model_get_n_items (workers); i++)
    {
      g_autoptr(AssayClusterWorkerInfo) info = g_list_model_get_item (workers, i);

      if (!assay_cluster_worker_info_get_gone (info) && assay_cluster_worker_info_get_last_seen (info) < since)
        return FALSE;
    }

  return TRUE;
}

/* Waits (on the main loop, one interval at most) for each worker's
 * figures after the last document, so that the table counts it. */
static gboolean
wait_for_figures (gpointer user_data)
{
  Run *run = user_data;

  if (!workers_heard_since (run, run->batch_end) && g_get_monotonic_time () < run->figures_deadline)
    return G_SOURCE_CONTINUE;

  finish_run (run);
  return G_SOURCE_REMOVE;
}
#endif

static void
output_written (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!assay_cli_output_finish_finish (run->out, result, &error))
    {
      assay_cli_progress_clear (run->progress);
      g_printerr ("assay: %s\n", error->message);
      quit (run, EXIT_SOME_FAILED);
      return;
    }

  if (run->charts_dir != NULL && assay_cli_output_get_charts_error (run->out) != NULL)
    g_printerr (_("assay: could not write the charts: %s\n"),
                assay_cli_output_get_charts_error (run->out)->message);

  if (run->trace != NULL)
    {
      g_autoptr(GError) trace_error = NULL;

      if (!assay_trace_close (run->trace, &trace_error))
        g_printerr (_("assay: could not write the trace: %s\n"), trace_error->message);
    }

#ifdef HAVE_CLUSTER
  run->batch_end = g_get_real_time ();
  if (run->stats && !workers_heard_since (run, run->batch_end))
    {
      run->figures_deadline = g_get_monotonic_time () +
                              (ASSAY_CLUSTER_WORKER_INFO_INTERVAL_S * G_USEC_PER_SEC) + G_USEC_PER_SEC / 2;
      g_timeout_add (100, wait_for_figures, run);
      return;
    }
#endif
  finish_run (run);
}

/* The end: the figures, the summary line, the exit status. */
static void
finish_run (Run *run)
{
  gboolean failures;

  if (run->stats)
    print_stats (run);

  failures = run->summary.n_failed + run->summary.n_needs_password + run->summary.n_cancelled > 0;
  if (assay_cli_progress_is_enabled (run->progress))
    {
      assay_cli_progress_clear (run->progress);
      g_printerr (_("%u documents: %u done (%u cached), %u failed, %u need a password, "
                    "%u cancelled, %u duplicates\n"),
                  run->summary.n_documents, run->summary.n_done, run->summary.n_cached,
                  run->summary.n_failed, run->summary.n_needs_password,
                  run->summary.n_cancelled, run->summary.n_duplicates);
    }

  /* Said also without a terminal: the result only says a password is
   * missing or refused (the same message the window shows). */
  if (run->summary.n_needs_password > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "%u document needs a password: run again with --password.\n",
                             "%u documents need a password: run again with --password.\n",
                             run->summary.n_needs_password),
                run->summary.n_needs_password);

  quit (run, failures ? EXIT_SOME_FAILED : EXIT_OK);
}

static void
pipeline_finished (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  g_autofree char *extractor_id = assay_pipeline_dup_extractor_id (run->pipeline);

  assay_pipeline_wait_finish (run->pipeline, result, NULL);

  run->summary.template_name = assay_template_get_name (run->template_);
  run->summary.extractor_id = extractor_id;
  assay_cli_output_finish_async (run->out, &run->summary, NULL, output_written, run);
}

/* Adds a document's model usage (extraction.usage) to the run's. */
static void
add_usage (AssayCliSummary *summary,
           JsonNode        *result)
{
  JsonObject *object = json_node_get_object (result);
  JsonObject *extraction;
  JsonObject *usage;

  if (!json_object_has_member (object, "extraction"))
    return;
  extraction = json_object_get_object_member (object, "extraction");
  if (extraction == NULL || !json_object_has_member (extraction, "usage"))
    return;
  usage = json_object_get_object_member (extraction, "usage");
  if (usage == NULL)
    return;

  summary->prompt_tokens += MAX (0, json_object_get_int_member_with_default (usage, "prompt_tokens", 0));
  summary->completion_tokens += MAX (0, json_object_get_int_member_with_default (usage, "completion_tokens", 0));
}

/* Hands the pipeline the next inputs, in order, while fewer than
 * FEED_WINDOW of its documents are unfinished; called again as documents
 * finish. Once the last is handed over, waits for the end. After an
 * interruption the rest go in at once, to be cancelled with the others
 * and listed as such. */
static void
feed_inputs (Run *run)
{
  gboolean cancelled = g_cancellable_is_cancelled (run->cancellable);

  if (run->inputs == NULL)
    return;

  while (run->n_fed < run->inputs->len &&
         (cancelled || assay_pipeline_get_n_unfinished (run->pipeline) < FEED_WINDOW))
    {
      AssayInputFile *input = g_ptr_array_index (run->inputs, run->n_fed);

      assay_pipeline_add (run->pipeline, input);
      /* The pipeline keeps its own copy. */
      run->inputs->pdata[run->n_fed++] = NULL;
      assay_input_file_free (input);
      run->max_unfinished = MAX (run->max_unfinished,
                                 assay_pipeline_get_n_unfinished (run->pipeline));
    }

  if (run->n_fed < run->inputs->len)
    return;

  g_clear_pointer (&run->inputs, g_ptr_array_unref);
  assay_pipeline_wait_async (run->pipeline, NULL, pipeline_finished, run);
}

static gboolean
forget_written (gpointer user_data)
{
  Run *run = user_data;

  for (guint i = 0; i < run->to_forget->len; i++)
    assay_pipeline_forget (run->pipeline, g_ptr_array_index (run->to_forget, i));
  g_ptr_array_set_size (run->to_forget, 0);
  run->forget_id = 0;

  feed_inputs (run);

  return G_SOURCE_REMOVE;
}

static void
document_finished (AssayPipeline *pipeline,
                   AssayDocument *document,
                   Run           *run)
{
  JsonNode *result = assay_document_get_result (document);

  run->summary.n_documents++;
  switch (assay_document_get_state (document))
    {
    case ASSAY_DOCUMENT_DONE:
      run->summary.n_done++;
      if (assay_document_get_cached (document))
        run->summary.n_cached++;
      break;
    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
      run->summary.n_needs_password++;
      break;
    case ASSAY_DOCUMENT_CANCELLED:
      run->summary.n_cancelled++;
      break;
    case ASSAY_DOCUMENT_DUPLICATE:
      run->summary.n_duplicates++;
      break;
    case ASSAY_DOCUMENT_FAILED:
    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    default:
      run->summary.n_failed++;
      break;
    }

  assay_cli_progress_document (run->progress, document);

  if (result != NULL)
    {
      if (!assay_document_get_cached (document))
        add_usage (&run->summary, result);
      assay_cli_output_add_document (run->out, assay_document_get_index (document), result,
                                     assay_document_get_result_text (document));
    }

  /* The output keeps what it needs: the batch forgets the document (not
   * from inside the pipeline's signal, though), which keeps memory flat
   * over thousands of documents. */
  g_ptr_array_add (run->to_forget, g_object_ref (document));
  if (run->forget_id == 0)
    run->forget_id = g_idle_add (forget_written, run);

  assay_cli_progress_set_counts (run->progress, run->n_added, run->summary.n_documents);

  if (!run->paused && assay_cli_output_get_backlog (run->out) > OUTPUT_HIGH_WATER)
    {
      run->paused = TRUE;
      assay_pipeline_set_paused (run->pipeline, TRUE);
    }
}

static gboolean
output_drained (gpointer user_data)
{
  Run *run = user_data;

  if (run->paused && run->pipeline != NULL)
    {
      run->paused = FALSE;
      assay_pipeline_set_paused (run->pipeline, FALSE);
    }

  return G_SOURCE_REMOVE;
}

static void
inputs_expanded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inputs = assay_input_expand_finish (result, &error);
  guint n_skipped = 0;

  if (inputs == NULL)
    {
      g_printerr ("assay: %s\n", error->message);
      quit (run, EXIT_SOME_FAILED);
      return;
    }

  run->inputs = g_ptr_array_new_full (inputs->len, (GDestroyNotify) assay_input_file_free);
  for (guint i = 0; i < inputs->len; i++)
    {
      AssayInputFile *input = g_ptr_array_index (inputs, i);

      /* Inside folders, only PDFs count: what the walk found to be something
       * else (or could not enter) is listed as skipped. A file named on the
       * command line is always processed, so its problem is a failure. */
      if (!input->explicit_ && input->identified && input->kind != ASSAY_INPUT_PDF)
        {
          assay_cli_output_add_skipped (run->out, input->path, input->reason);
          n_skipped++;
          continue;
        }

      g_ptr_array_add (run->inputs, g_steal_pointer (&inputs->pdata[i]));
    }
  run->n_added = run->inputs->len;
  assay_cli_progress_set_counts (run->progress, run->n_added, run->summary.n_documents);

  if (n_skipped > 0)
    assay_cli_progress_note (run->progress,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "Skipped %u file in the folders given that is not a PDF",
                                          "Skipped %u files in the folders given that are not PDFs", n_skipped),
                             n_skipped);

  feed_inputs (run);
}

static gboolean
interrupted (gpointer user_data)
{
  Run *run = user_data;

  if (run->n_interrupts++ == 0)
    {
      assay_cli_progress_note (run->progress, "%s",
                               _("Cancelling… (press Ctrl+C again to stop at once)"));
      g_cancellable_cancel (run->cancellable);
      feed_inputs (run);
      assay_pipeline_cancel_all (run->pipeline);
      return G_SOURCE_CONTINUE;
    }

  /* The results written so far are complete files; nothing is lost but
   * the documents in flight. */
  _exit (130);
}

static gboolean
interrupted_listing (gpointer user_data)
{
  Run *run = user_data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */

static gboolean
parse_options (Run     *run,
               int     *argc,
               char  ***argv,
               GError **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *templates = g_strjoinv (", ", (char **) assay_template_list_builtin ());
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &run->headless,
      N_("Run without a window: process the files and write the results"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &run->output,
      N_("Write results to FILE (default: standard output)"), N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &run->format,
      N_("Output format: json (default) or csv (one row per key figure)"), N_("FORMAT") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &run->jobs,
      N_("CPU workers (default: number of cores)"), N_("N") },
    { "template", 't', 0, G_OPTION_ARG_STRING, &run->template_name,
      N_("What to extract: a built-in template or a template JSON file"), N_("NAME") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &run->offline,
      N_("Use the built-in offline extractor even if a model is configured"), NULL },
    { "password", 0, 0, G_OPTION_ARG_STRING, &run->password,
      N_("Password to try on encrypted PDFs"), N_("PASSWORD") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &run->no_cache,
      N_("Process every file again instead of reusing stored results"), NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &run->stats,
      N_("Print per-stage metrics on standard error at the end"), NULL },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &run->trace_path,
      N_("Write a trace of each document's stages to FILE (open it in Perfetto)"), N_("FILE") },
    { "charts", 0, 0, G_OPTION_ARG_FILENAME, &run->charts_dir,
      N_("Write each document's charts and the corpus's to DIR as SVG and PNG"), N_("DIR") },
    { "llm-url", 0, 0, G_OPTION_ARG_STRING, &run->llm_url,
      N_("Extract with the model server at URL (OpenAI-compatible or Ollama)"), N_("URL") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &run->model,
      N_("Model to use on that server"), N_("NAME") },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &run->provider,
      N_("How the server speaks: openai (default; also vLLM, llama.cpp, LM Studio, "
         "Ollama's /v1) or ollama (Ollama's own API)"), N_("PROVIDER") },
    { "max-requests", 0, 0, G_OPTION_ARG_INT, &run->max_requests,
      N_("Requests in flight to the model server at once (default 4)"), N_("K") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &run->timeout_seconds,
      N_("Give up on a request that receives nothing for this long (default 300)"), N_("SECONDS") },
    { "retries", 0, 0, G_OPTION_ARG_INT, &run->retries,
      N_("Retries of a failed request that may succeed later (default 3)"), N_("N") },
    { "no-stream", 0, 0, G_OPTION_ARG_NONE, &run->no_stream,
      N_("Ask for whole answers instead of streamed ones"), NULL },
    { "offline-fallback", 0, 0, G_OPTION_ARG_NONE, &run->offline_fallback,
      N_("When the model fails for a document, use the offline extractor for it"), NULL },
    { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &run->allow_insecure_http,
      N_("Allow plain http to a model server that is not on this machine"), NULL },
    { "list-models", 0, 0, G_OPTION_ARG_NONE, &run->list_models,
      N_("List the models the server at --llm-url offers, and exit"), NULL },
    { "cluster", 0, 0, G_OPTION_ARG_STRING, &run->cluster_url,
      N_("Process the files on the workers of the NATS server at URL"), N_("URL") },
    { "worker", 0, 0, G_OPTION_ARG_STRING, &run->worker_url,
      N_("Run as a worker of the NATS server at URL until stopped"), N_("URL") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &run->role,
      N_("What a worker does: extract (read and extract), analyse, or all (default)"), N_("ROLE") },
    { "worker-name", 0, 0, G_OPTION_ARG_STRING, &run->worker_name,
      N_("The worker's name in progress and metrics (default: host name and process id)"), N_("NAME") },
    { "nats-creds", 0, 0, G_OPTION_ARG_FILENAME, &run->nats_creds,
      N_("NATS credentials file (JWT and NKey seed)"), N_("FILE") },
    { "nats-nkey", 0, 0, G_OPTION_ARG_FILENAME, &run->nats_nkey,
      N_("NATS NKey seed file (seed and public key)"), N_("FILE") },
    { "nats-user", 0, 0, G_OPTION_ARG_STRING, &run->nats_user,
      N_("NATS user; the password is read from ASSAY_NATS_PASSWORD"), N_("USER") },
    { "nats-ca", 0, 0, G_OPTION_ARG_FILENAME, &run->nats_ca,
      N_("CA certificates (PEM) to trust for the NATS server's TLS"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &run->version,
      N_("Show the version and exit"), NULL },
    /* No arg_description: the context's parameter string names the files already, and
     * GLib would print both ("FILE|FOLDER… FILE|FOLDER… — …"). */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &run->paths, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE|FOLDER… — pull verified data out of PDFs"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  description = g_strdup_printf (_("Templates: %s.\n"
                                   "Folders are searched recursively; PDFs are recognised by their "
                                   "content.\n"
                                   "Results are kept under %s/assay and reused when the same file is "
                                   "processed again.\n\n"
                                   "Examples:\n"
                                   "  assay --headless invoices/ -o invoices.json\n"
                                   "  assay --headless --template invoice --format csv *.pdf > figures.csv\n"
                                   "  assay --headless --stats --trace trace.json reports/\n"
                                   "  ASSAY_API_KEY=… assay --headless --llm-url https://api.openai.com "
                                   "--model gpt-4o-mini papers/\n"
                                   "  assay --headless --llm-url http://localhost:11434 --provider ollama "
                                   "--model llama3.1 invoices/\n"
                                   "  assay --headless --llm-url http://localhost:11434 --provider ollama "
                                   "--list-models\n\n"
                                   "  assay --worker nats://127.0.0.1:4222 --role extract --jobs 4\n"
                                   "  assay --headless --cluster nats://127.0.0.1:4222 reports/ -o reports.json\n\n"
                                   "The model's API key is read from the ASSAY_API_KEY environment variable; "
                                   "a NATS token from ASSAY_NATS_TOKEN, a NATS password from "
                                   "ASSAY_NATS_PASSWORD.\n\n"
                                   "Exit status: 0 when every document is done, 1 when some failed or "
                                   "need a password, 2 on a usage error."),
                                 templates, g_get_user_data_dir ());
  g_option_context_set_description (context, description);

  return g_option_context_parse (context, argc, argv, error);
}

/* Builds the model client when --llm-url asks for one (and --offline does
 * not overrule it). Configuration mistakes are usage errors: nothing is
 * sent anywhere before they are fixed. */
static gboolean
validate_model_options (Run     *run,
                        GError **error)
{
  AssayLlmProvider provider = ASSAY_LLM_PROVIDER_OPENAI;
  AssayLlmConfig config = { 0 };

  if (run->llm_url == NULL)
    {
      if (run->model != NULL || run->provider != NULL || run->offline_fallback || run->list_models)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                               _("--model, --provider, --offline-fallback and --list-models need "
                                 "--llm-url, the address of a model server."));
          return FALSE;
        }
      return TRUE;
    }

  if (run->offline && !run->list_models)
    return TRUE;

  if (run->provider != NULL && !assay_llm_provider_from_string (run->provider, &provider))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unknown provider “%s”: use openai or ollama."), run->provider);
      return FALSE;
    }

  if ((run->model == NULL || *run->model == '\0') && !run->list_models)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--llm-url needs --model, the name of the model to use."));
      return FALSE;
    }

  if (run->max_requests != -1 && (run->max_requests < 1 || run->max_requests > 64))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-requests must be between 1 and 64, not %d."), run->max_requests);
      return FALSE;
    }
  if (run->timeout_seconds != -1 && run->timeout_seconds < 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--timeout must be at least 1 second, not %d."), run->timeout_seconds);
      return FALSE;
    }
  if (run->retries != -1 && (run->retries < 0 || run->retries > 20))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--retries must be between 0 and 20, not %d."), run->retries);
      return FALSE;
    }

  assay_llm_config_init (&config, provider);
  config.url = g_strdup (run->llm_url);
  config.model = g_strdup (run->model);
  config.api_key = g_strdup (g_getenv ("ASSAY_API_KEY"));
  if (run->max_requests != -1)
    config.max_requests = run->max_requests;
  if (run->timeout_seconds != -1)
    config.timeout_seconds = run->timeout_seconds;
  if (run->retries != -1)
    config.retries = run->retries;
  config.stream = !run->no_stream;
  config.allow_insecure_http = run->allow_insecure_http;

  run->llm = assay_llm_client_new (&config, error);
  assay_llm_config_clear (&config);

  return run->llm != NULL;
}

static gboolean
validate_options (Run     *run,
                  GError **error)
{
  g_autoptr(GError) template_error = NULL;

  if ((run->paths == NULL || run->paths[0] == NULL) && !run->list_models)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("No files given. Name one or more PDF files or folders."));
      return FALSE;
    }

  if (run->format == NULL || g_str_equal (run->format, "json"))
    run->output_format = ASSAY_CLI_FORMAT_JSON;
  else if (g_str_equal (run->format, "csv"))
    run->output_format = ASSAY_CLI_FORMAT_CSV;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unknown format “%s”: use json or csv."), run->format);
      return FALSE;
    }

  if (run->jobs < 0 || run->jobs > 256)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--jobs must be between 1 and 256, not %d."), run->jobs);
      return FALSE;
    }

  if (run->template_name == NULL)
    run->template_name = g_strdup ("general");

  run->template_ = assay_template_lookup (run->template_name);
  if (run->template_ == NULL && g_file_test (run->template_name, G_FILE_TEST_EXISTS))
    run->template_ = assay_template_new_from_file (run->template_name, &template_error);
  if (run->template_ == NULL)
    {
      g_autofree char *templates = g_strjoinv (", ", (char **) assay_template_list_builtin ());

      if (template_error != NULL)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("The template file “%s” cannot be used: %s"),
                     run->template_name, template_error->message);
      else
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("Unknown template “%s”. Use one of %s, or the path of a template file."),
                     run->template_name, templates);
      return FALSE;
    }

  return validate_model_options (run, error);
}

/* The extractor the options ask for: offline, the model, or the model
 * with the offline extractor to fall back on. */
static void
make_extractor (Run *run)
{
  run->extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (run->pool));
  if (run->llm != NULL && run->offline_fallback)
    {
      AssayExtractor *offline = g_steal_pointer (&run->extractor);

      run->extractor = ASSAY_EXTRACTOR (assay_fallback_extractor_new (ASSAY_EXTRACTOR (run->llm),
                                                                      offline));
      g_object_unref (offline);
    }
  else if (run->llm != NULL)
    {
      g_clear_object (&run->extractor);
      run->extractor = ASSAY_EXTRACTOR (g_object_ref (run->llm));
    }
}

#ifdef HAVE_CLUSTER
static AssayClusterOptions *
dup_cluster_options (Run        *run,
                     const char *url)
{
  AssayClusterOptions *options = assay_cluster_options_new (url);

  options->creds_file = g_strdup (run->nats_creds);
  options->nkey_file = g_strdup (run->nats_nkey);
  options->user = g_strdup (run->nats_user);
  options->ca_file = g_strdup (run->nats_ca);
  assay_cluster_options_read_env (options);

  return options;
}

/* --worker: until SIGTERM or SIGINT. */
static int
run_worker (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayClusterOptions) options = NULL;
  AssayClusterRole role = ASSAY_CLUSTER_ROLE_ALL;

  if (run->role != NULL && !assay_cluster_role_from_string (run->role, &role))
    {
      g_printerr (_("assay: unknown role “%s”: use extract, analyse or all.\n"), run->role);
      return EXIT_USAGE;
    }
  if (run->jobs < 0 || run->jobs > 256)
    {
      g_printerr (_("assay: --jobs must be between 1 and 256, not %d.\n"), run->jobs);
      return EXIT_USAGE;
    }
  if (!validate_model_options (run, &error))
    {
      g_printerr ("assay: %s\n", error->message);
      return EXIT_USAGE;
    }

  run->pool = assay_worker_pool_new (run->jobs > 0 ? (guint) run->jobs : 0);
  make_extractor (run);
  options = dup_cluster_options (run, run->worker_url);

  return assay_cli_cluster_run_worker (options, role, run->jobs > 0 ? (guint) run->jobs : 0,
                                       run->worker_name, run->pool, run->extractor);
}
#endif

static gboolean
start_run (Run     *run,
           GError **error)
{
  g_autoptr(AssayStore) store = NULL;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = g_cancellable_new ();
  run->to_forget = g_ptr_array_new_with_free_func (g_object_unref);
  run->pool = assay_worker_pool_new (run->jobs > 0 ? (guint) run->jobs : 0);
  make_extractor (run);

  if (run->trace_path != NULL)
    {
      run->trace = assay_trace_new (run->trace_path, error);
      if (run->trace == NULL)
        return FALSE;
    }

  run->out = assay_cli_output_new (run->output_format, run->output, error);
  if (run->out == NULL)
    return FALSE;
  if (run->charts_dir != NULL)
    {
      /* Made now, so that a bad path is a usage error before any work. */
      if (g_mkdir_with_parents (run->charts_dir, 0755) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot make the charts folder “%s”: %s"),
                       run->charts_dir, g_strerror (saved_errno));
          return FALSE;
        }
      assay_cli_output_set_charts_dir (run->out, run->charts_dir);
    }
  assay_cli_output_set_drained_func (run->out, OUTPUT_LOW_WATER, output_drained, run);

  run->pipeline = assay_pipeline_new (run->pool, run->extractor, run->template_);
  /* Keep twice K documents ready so that K requests are always in flight. */
  if (run->llm != NULL)
    assay_pipeline_set_max_active (run->pipeline,
                                   2 * assay_llm_client_get_config (run->llm)->max_requests);
  store = assay_store_new_default ();
  assay_pipeline_set_store (run->pipeline, store, !run->no_cache);
#ifdef HAVE_CLUSTER
  if (run->cluster_url != NULL)
    {
      g_autoptr(AssayClusterOptions) options = dup_cluster_options (run, run->cluster_url);
      g_autoptr(AssayClusterSubmitter) submitter = NULL;

      /* Before the loop runs: connecting is bounded, and the command
       * line has nothing else to do meanwhile. */
      submitter = assay_cluster_submitter_new_sync (options, NULL, error);
      if (submitter == NULL)
        return FALSE;
      /* Each stage as it starts only for someone who sees it: the
       * progress line on a terminal, or a trace of the stages. */
      assay_cluster_submitter_set_follow_stages (submitter, isatty (STDERR_FILENO) || run->trace != NULL);
      assay_pipeline_set_remote (run->pipeline, ASSAY_REMOTE (submitter));
    }
#endif
  assay_pipeline_set_password (run->pipeline, run->password);
  assay_pipeline_set_trace (run->pipeline, run->trace);
  /* The output takes each result as the document finishes; the documents
   * need not hold theirs until they are forgotten. */
  assay_pipeline_set_keep_results (run->pipeline, FALSE);
  g_signal_connect (run->pipeline, "document-finished", G_CALLBACK (document_finished), run);

  run->progress = assay_cli_progress_new (run->pipeline, isatty (STDERR_FILENO));

  g_unix_signal_add (SIGINT, interrupted, run);
  g_unix_signal_add (SIGTERM, interrupted, run);

  assay_input_expand_async ((const char * const *) run->paths, run->cancellable,
                            inputs_expanded, run);

  return TRUE;
}

static void
models_listed (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;

  models = assay_llm_client_list_models_finish (ASSAY_LLM_CLIENT (object), result, &error);
  if (models == NULL)
    {
      g_printerr ("assay: %s\n", error->message);
      quit (run, EXIT_SOME_FAILED);
      return;
    }

  for (guint i = 0; models[i] != NULL; i++)
    g_print ("%s\n", models[i]);
  quit (run, EXIT_OK);
}

/* --list-models: asks the server, prints one model a line. */
static int
list_models (Run *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = g_cancellable_new ();
  g_unix_signal_add (SIGINT, interrupted_listing, run);

  assay_llm_client_list_models_async (run->llm, run->cancellable, models_listed, run);
  g_main_loop_run (run->loop);

  return run->exit_code;
}

/**
 * assay_cli_run:
 *
 * Parses the command line and runs a headless batch, or prints what is
 * asked (help, version). Consumes the main thread until done.
 *
 * Returns: the process exit status
 */
int
assay_cli_run (int    argc,
               char **argv)
{
  Run run = { 0 };
  g_autoptr(GError) error = NULL;
  int exit_code;

  /* -1: not given on the command line; the model client's default holds. */
  run.max_requests = -1;
  run.timeout_seconds = -1;
  run.retries = -1;

  if (!parse_options (&run, &argc, &argv, &error))
    {
      g_printerr ("assay: %s\n%s\n", error->message, _("Run “assay --help” to see the options."));
      run_clear (&run);
      return EXIT_USAGE;
    }

  if (run.version)
    {
      g_print ("assay %s\n", PACKAGE_VERSION);
      run_clear (&run);
      return EXIT_OK;
    }

  if (run.worker_url != NULL || run.cluster_url != NULL)
    {
#ifndef HAVE_CLUSTER
      g_printerr ("%s\n", _("assay: this build has no cluster support (it was built without "
                            "libnats): --worker and --cluster cannot be used."));
      run_clear (&run);
      return EXIT_USAGE;
#endif
    }

#ifdef HAVE_CLUSTER
  if (run.worker_url != NULL)
    {
      exit_code = run_worker (&run);
      run_clear (&run);
      return exit_code;
    }
#endif

  if (!run.headless && !run.list_models)
    {
      g_printerr ("%s\n", _("assay: this build has no window yet. Run “assay --headless FILE…” "
                            "to process PDFs from the command line."));
      run_clear (&run);
      return EXIT_USAGE;
    }

  if (!validate_options (&run, &error))
    {
      g_printerr ("assay: %s\n", error->message);
      run_clear (&run);
      return EXIT_USAGE;
    }

  if (run.list_models)
    {
      exit_code = list_models (&run);
      run_clear (&run);
      return exit_code;
    }

  /* The output or trace file cannot be made: nothing was done, and the
   * fix is in the command line. */
  if (!start_run (&run, &error))
    {
      g_printerr ("assay: %s\n", error->message);
      run_clear (&run);
      return EXIT_USAGE;
    }

  g_main_loop_run (run.loop);

  exit_code = run.exit_code;
  run_clear (&run);

  return exit_code;
}
