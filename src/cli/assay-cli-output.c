/* assay-cli-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cli-output"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-charts-corpus.h"
#include "assay-charts-result.h"
#include "assay-cli-output.h"
#include "assay-corpus.h"
#include "assay-result-csv.h"
#include "assay-result.h"

/* A document whose estimated shingle similarity to its group's
 * representative reaches this is listed in the group: two documents
 * sharing 90% of their text score about 0.81, and the LSH bands surface
 * pairs above ~0.71 reliably. */
#define DUPLICATE_THRESHOLD 0.75

typedef enum
{
  MESSAGE_DOCUMENT,
  MESSAGE_FINISH,
} MessageKind;

typedef struct
{
  MessageKind  kind;
  guint        index;
  JsonNode    *result;   /* DOCUMENT */
  GBytes      *text;     /* DOCUMENT, nullable: @result as compact JSON */
  GTask       *task;     /* FINISH */
} Message;

typedef struct
{
  guint   index;
  goffset offset;
  gsize   length;
} SpoolEntry;

typedef struct
{
  AssayCliSummary  summary;
  char            *template_name;
  char            *extractor_id;
} FinishData;

struct _AssayCliOutput
{
  AssayCliFormat  format;
  FILE           *out;         /* opened at once, so a bad path fails before any work */
  char           *out_path;    /* NULL: standard output */
  GThread        *writer;
  GAsyncQueue    *queue;       /* Message* */
  GPtrArray      *skipped;     /* JsonNode*, filled on the main thread before finish */
  gboolean        finishing;
  int             backlog;       /* documents queued, not yet spooled (atomic) */
  guint           low_water;
  GSourceFunc     drained_func;  /* invoked in @context when backlog falls to low_water */
  gpointer        drained_data;
  GMainContext   *context;

  /* Writer thread only. */
  FILE           *spool;
  goffset         spool_size;
  GArray         *entries;     /* SpoolEntry */
  AssayCorpus    *corpus;
  GError         *spool_error;

  /* --charts: set before the first document, then the writer's only. */
  char           *charts_dir;
  GHashTable     *chart_names;  /* file name stem → how many documents used it */
  GPtrArray      *chart_docs;   /* AssayChartsCorpusDoc by input index, NULL: not done */
  GError         *charts_error; /* the first chart that could not be written */
};

static void
message_free (Message *message)
{
  g_clear_pointer (&message->result, json_node_unref);
  g_clear_pointer (&message->text, g_bytes_unref);
  g_clear_object (&message->task);
  g_free (message);
}

static void
finish_data_free (FinishData *data)
{
  g_free (data->template_name);
  g_free (data->extractor_id);
  g_free (data);
}

/**
 * assay_cli_csv_escape:
 *
 * Returns: (transfer full): @field quoted as RFC 4180 asks when it holds
 *   a comma, quote or line break (assay_result_csv_escape())
 */
char *
assay_cli_csv_escape (const char *field)
{
  return assay_result_csv_escape (field);
}

static char *
document_to_csv (JsonNode *result)
{
  GString *rows = g_string_new (NULL);

  assay_result_append_csv (rows, result);
  return g_string_free (rows, FALSE);
}

static void
chart_doc_free (gpointer doc)
{
  if (doc != NULL)
    assay_charts_corpus_doc_unref (doc);
}

/* The corpus's charts (corpus-benford.svg…), over the done documents in
 * input order, as the window's dashboard builds them. */
static void
write_corpus_charts (AssayCliOutput *self)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new ();
  g_autoptr(AssayChartsCorpus) corpus = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->chart_docs->len; i++)
    if (g_ptr_array_index (self->chart_docs, i) != NULL)
      g_ptr_array_add (docs, g_ptr_array_index (self->chart_docs, i));

  corpus = assay_charts_corpus_build (docs, NULL);
  if (!assay_charts_export_corpus (corpus, self->charts_dir, NULL, NULL, &error) &&
      self->charts_error == NULL)
    self->charts_error = g_steal_pointer (&error);
}

/* Pretty for the run object's own members, compact for documents: one
 * line each, which keeps a run over thousands of files quick to write and
 * easy to cut apart with line tools (and jq reads it either way). */
static char *
node_to_json (JsonNode *node,
              gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

/* The document's charts into --charts DIR, named after its file; a second
 * document of the same name gets "-2". Its summary is kept for the
 * corpus's charts. */
static void
write_charts (AssayCliOutput *self,
              guint           index,
              JsonNode       *node)
{
  g_autoptr(AssayDocumentResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *unique = NULL;
  const char *name;
  guint n;

  result = assay_document_result_new_from_json (node, NULL);
  if (result == NULL)
    return;

  if (g_strcmp0 (assay_document_result_get_status (result), "done") == 0)
    {
      if (index >= self->chart_docs->len)
        g_ptr_array_set_size (self->chart_docs, index + 1);
      g_clear_pointer (&g_ptr_array_index (self->chart_docs, index), assay_charts_corpus_doc_unref);
      g_ptr_array_index (self->chart_docs, index) = assay_charts_corpus_doc_new_from_result (result);
    }

  name = assay_document_result_get_name (result);
  stem = name != NULL && g_str_has_suffix (name, ".pdf") ? g_strndup (name, strlen (name) - 4)
                                                         : g_strdup (name != NULL ? name : "document");
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->chart_names, stem)) + 1;
  g_hash_table_insert (self->chart_names, g_strdup (stem), GUINT_TO_POINTER (n));
  unique = n > 1 ? g_strdup_printf ("%s-%u", stem, n) : g_strdup (stem);

  if (!assay_charts_export_result (result, self->charts_dir, unique, NULL, NULL, &error) &&
      self->charts_error == NULL)
    self->charts_error = g_steal_pointer (&error);
}

static void
spool_document (AssayCliOutput *self,
                guint           index,
                JsonNode       *result,
                GBytes         *compact)
{
  g_autofree char *made = NULL;
  g_autoptr(JsonNode) whole = NULL;
  const char *text;
  SpoolEntry entry;
  gsize length;

  /* By input index: the corpus view does not depend on which document
   * finished first. */
  if (self->corpus != NULL)
    assay_corpus_add_result_at (self->corpus, index, result);

  /* A cached result came as its digest (assay_store_load_digest()) and
   * its text: CSV rows and charts need the whole of it. */
  if ((self->format == ASSAY_CLI_FORMAT_CSV || self->charts_dir != NULL) && compact != NULL &&
      json_object_has_member (json_node_get_object (result), "digest"))
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gconstpointer data = g_bytes_get_data (compact, &length);

      if (json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        result = whole = json_parser_steal_root (parser);
    }

  if (self->charts_dir != NULL)
    write_charts (self, index, result);

  /* The compact text, when it came along, is written as it is. */
  if (self->format == ASSAY_CLI_FORMAT_JSON && compact != NULL)
    text = g_bytes_get_data (compact, &length);
  else
    {
      if (self->format == ASSAY_CLI_FORMAT_CSV)
        made = document_to_csv (result);
      else
        made = node_to_json (result, FALSE);
      text = made;
      length = strlen (made);
    }

  if (self->spool_error == NULL && length > 0 && fwrite (text, 1, length, self->spool) != length)
    {
      int saved_errno = errno;
      g_set_error (&self->spool_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write temporary output: %s"), g_strerror (saved_errno));
    }

  entry.index = index;
  entry.offset = self->spool_size;
  entry.length = length;
  g_array_append_val (self->entries, entry);
  self->spool_size += length;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const SpoolEntry *ea = a;
  const SpoolEntry *eb = b;

  return (ea->index > eb->index) - (ea->index < eb->index);
}

static gboolean
copy_spooled (AssayCliOutput  *self,
              FILE            *out,
              const SpoolEntry *entry,
              GError         **error)
{
  char buffer[64 * 1024];
  gsize remaining = entry->length;

  if (fseeko (self->spool, entry->offset, SEEK_SET) != 0)
    goto fail;

  while (remaining > 0)
    {
      gsize chunk = MIN (remaining, sizeof buffer);

      if (fread (buffer, 1, chunk, self->spool) != chunk)
        goto fail;
      if (fwrite (buffer, 1, chunk, out) != chunk)
        goto fail;
      remaining -= chunk;
    }

  return TRUE;

fail:
  {
    int saved_errno = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not write the output: %s"), g_strerror (saved_errno));
    return FALSE;
  }
}

static JsonNode *
summary_to_json (const AssayCliSummary *summary)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "documents");
  json_builder_add_int_value (builder, summary->n_documents);
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, summary->n_done);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, summary->n_failed);
  json_builder_set_member_name (builder, "needs_password");
  json_builder_add_int_value (builder, summary->n_needs_password);
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_int_value (builder, summary->n_cancelled);
  json_builder_set_member_name (builder, "cached");
  json_builder_add_int_value (builder, summary->n_cached);
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, summary->n_duplicates);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, summary->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, summary->completion_tokens);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Writes `"name": value` one level under the run object: small members
 * pretty, the ones that grow with the number of documents (skipped files)
 * compact, so that the end of a long run does not build a second, indented
 * copy of them in memory. */
static void
write_member (FILE       *out,
              const char *name,
              JsonNode   *value,
              gboolean    pretty,
              gboolean    last)
{
  g_autofree char *text = node_to_json (value, pretty);

  fprintf (out, "  \"%s\": ", name);
  for (const char *p = text; *p != '\0'; p++)
    {
      fputc (*p, out);
      if (*p == '\n')
        fputs ("  ", out);
    }
  fprintf (out, "%s\n", last ? "" : ",");
}

static gboolean
write_to_file (const char  *text,
               gsize        length,
               gpointer     user_data,
               GError     **error)
{
  if (fwrite (text, 1, length, user_data) != length)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write the output: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_output (AssayCliOutput  *self,
              FinishData      *data,
              GError         **error)
{
  FILE *out = self->out;
  gboolean ok = TRUE;

  if (self->spool_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->spool_error));
      return FALSE;
    }

  g_array_sort (self->entries, compare_entries);

  fflush (self->spool);

  if (self->format == ASSAY_CLI_FORMAT_CSV)
    {
      fputs (ASSAY_RESULT_CSV_HEADER, out);
      for (guint i = 0; ok && i < self->entries->len; i++)
        ok = copy_spooled (self, out, &g_array_index (self->entries, SpoolEntry, i), error);
    }
  else
    {
      g_autoptr(JsonNode) template_name = json_node_init_string (json_node_alloc (), data->template_name);
      g_autoptr(JsonNode) extractor = json_node_init_string (json_node_alloc (), data->extractor_id);
      g_autoptr(JsonNode) summary = summary_to_json (&data->summary);
      g_autoptr(JsonArray) skipped = json_array_new ();
      g_autoptr(JsonNode) skipped_node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < self->skipped->len; i++)
        json_array_add_element (skipped, json_node_ref (g_ptr_array_index (self->skipped, i)));
      json_node_set_array (skipped_node, skipped);

      fprintf (out, "{\n  \"result_version\": \"%s\",\n  \"assay_version\": \"%s\",\n",
               ASSAY_RESULT_VERSION, PACKAGE_VERSION);
      write_member (out, "template", template_name, TRUE, FALSE);
      write_member (out, "extractor", extractor, TRUE, FALSE);
      fputs ("  \"documents\": [", out);
      for (guint i = 0; ok && i < self->entries->len; i++)
        {
          fputs (i == 0 ? "\n    " : ",\n    ", out);
          ok = copy_spooled (self, out, &g_array_index (self->entries, SpoolEntry, i), error);
        }
      fputs (self->entries->len > 0 ? "\n  ],\n" : "],\n", out);
      write_member (out, "skipped", skipped_node, FALSE, FALSE);
      /* The corpus view grows with the documents: written item by item. */
      fputs ("  \"corpus\": ", out);
      if (ok)
        ok = assay_corpus_write (self->corpus, DUPLICATE_THRESHOLD, write_to_file, out, error);
      fputs (",\n", out);
      write_member (out, "summary", summary, TRUE, TRUE);
      fputs ("}\n", out);
    }

  if (fflush (out) != 0 && ok)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write the output: %s"), g_strerror (saved_errno));
      ok = FALSE;
    }

  if (self->out_path != NULL)
    {
      self->out = NULL;
      if (fclose (out) != 0 && ok)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write “%s”: %s"), self->out_path, g_strerror (saved_errno));
          ok = FALSE;
        }
    }

  return ok;
}

static gpointer
writer_thread (gpointer user_data)
{
  AssayCliOutput *self = user_data;

  for (;;)
    {
      Message *message = g_async_queue_pop (self->queue);

      if (message->kind == MESSAGE_DOCUMENT)
        {
          spool_document (self, message->index, message->result, message->text);
          message_free (message);
          if (g_atomic_int_add (&self->backlog, -1) - 1 == (int) self->low_water &&
              self->drained_func != NULL)
            g_main_context_invoke (self->context, self->drained_func, self->drained_data);
          continue;
        }

      /* MESSAGE_FINISH: the last message. */
      {
        GError *error = NULL;
        FinishData *data = g_task_get_task_data (message->task);

        if (self->charts_dir != NULL && self->spool_error == NULL)
          write_corpus_charts (self);
        if (write_output (self, data, &error))
          g_task_return_boolean (message->task, TRUE);
        else
          g_task_return_error (message->task, error);
        message_free (message);
        break;
      }
    }

  return NULL;
}

/**
 * assay_cli_output_new:
 * @path: (nullable): output file, created (emptied) now; %NULL or "-" for
 *   standard output
 *
 * Returns: (transfer full) (nullable): an output with its writer thread
 *   running, or %NULL when no temporary file can be made
 */
AssayCliOutput *
assay_cli_output_new (AssayCliFormat   format,
                      const char      *path,
                      GError         **error)
{
  AssayCliOutput *self;
  FILE *spool;
  FILE *out = stdout;

  if (path != NULL && !g_str_equal (path, "-"))
    {
      out = g_fopen (path, "w");
      if (out == NULL)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not create “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
    }

  /* tmpfile() is unlinked at once: nothing is left behind on a crash. */
  spool = tmpfile ();
  if (spool == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a temporary file: %s"), g_strerror (saved_errno));
      if (out != stdout)
        fclose (out);
      return NULL;
    }

  self = g_new0 (AssayCliOutput, 1);
  self->format = format;
  self->out = out;
  self->out_path = out != stdout ? g_strdup (path) : NULL;
  self->spool = spool;
  self->entries = g_array_new (FALSE, FALSE, sizeof (SpoolEntry));
  self->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->corpus = assay_corpus_new ();
  self->queue = g_async_queue_new ();
  self->writer = g_thread_new ("assay-output", writer_thread, self);

  return self;
}

void
assay_cli_output_free (AssayCliOutput *self)
{
  if (self == NULL)
    return;

  if (!self->finishing)
    {
      /* Never finished: stop the writer without writing anything. */
      Message *message = g_new0 (Message, 1);
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
      FinishData *data = g_new0 (FinishData, 1);

      g_set_error_literal (&self->spool_error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "closed");
      g_task_set_task_data (task, data, (GDestroyNotify) finish_data_free);
      message->kind = MESSAGE_FINISH;
      message->task = g_object_ref (task);
      g_async_queue_push (self->queue, message);
    }

  g_thread_join (self->writer);
  g_async_queue_unref (self->queue);
  fclose (self->spool);
  g_array_unref (self->entries);
  g_ptr_array_unref (self->skipped);
  assay_corpus_free (self->corpus);
  g_clear_error (&self->spool_error);
  g_free (self->charts_dir);
  g_clear_pointer (&self->chart_names, g_hash_table_unref);
  g_clear_pointer (&self->chart_docs, g_ptr_array_unref);
  g_clear_error (&self->charts_error);
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->out != NULL && self->out != stdout)
    fclose (self->out);
  g_free (self->out_path);
  g_free (self);
}

/**
 * assay_cli_output_add_document:
 * @index: the document's position in the input; output follows it
 * @result: (transfer none): a result nobody changes any more; read by the
 *   writer thread
 * @text: (nullable) (transfer none): @result as compact JSON, when at hand
 *
 * Main thread.
 */
void
assay_cli_output_add_document (AssayCliOutput *self,
                               guint           index,
                               JsonNode       *result,
                               GBytes         *text)
{
  Message *message;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finishing);
  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (result));

  message = g_new0 (Message, 1);
  message->kind = MESSAGE_DOCUMENT;
  message->index = index;
  message->result = json_node_ref (result);
  message->text = text != NULL ? g_bytes_ref (text) : NULL;
  g_atomic_int_inc (&self->backlog);
  g_async_queue_push (self->queue, message);
}

/**
 * assay_cli_output_get_backlog:
 *
 * Returns: documents handed over that the writer has not spooled yet
 */
guint
assay_cli_output_get_backlog (AssayCliOutput *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return (guint) g_atomic_int_get (&self->backlog);
}

/**
 * assay_cli_output_set_drained_func:
 * @func: called in the calling thread's main context whenever the backlog
 *   falls to @low_water, so a producer that paused may go on
 *
 * Main thread, before the first document.
 */
void
assay_cli_output_set_drained_func (AssayCliOutput *self,
                                   guint           low_water,
                                   GSourceFunc     func,
                                   gpointer        user_data)
{
  g_return_if_fail (self != NULL);

  self->low_water = low_water;
  self->drained_func = func;
  self->drained_data = user_data;
  self->context = g_main_context_ref_thread_default ();
}

/**
 * assay_cli_output_add_skipped:
 *
 * Records a file that was not processed and why. Main thread, before
 * finishing.
 */
void
assay_cli_output_add_skipped (AssayCliOutput *self,
                              const char     *path,
                              const char     *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finishing);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);

  g_ptr_array_add (self->skipped, json_builder_get_root (builder));
}

/**
 * assay_cli_output_finish_async:
 *
 * Writes everything added so far, in input order. Main thread; the
 * callback runs in the main context.
 */
void
assay_cli_output_finish_async (AssayCliOutput        *self,
                               const AssayCliSummary *summary,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  FinishData *data;
  Message *message;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finishing);
  g_return_if_fail (summary != NULL);

  self->finishing = TRUE;

  data = g_new0 (FinishData, 1);
  data->summary = *summary;
  data->template_name = g_strdup (summary->template_name);
  data->extractor_id = g_strdup (summary->extractor_id);
  data->summary.template_name = data->template_name;
  data->summary.extractor_id = data->extractor_id;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cli_output_finish_async);
  g_task_set_task_data (task, data, (GDestroyNotify) finish_data_free);

  message = g_new0 (Message, 1);
  message->kind = MESSAGE_FINISH;
  message->task = g_steal_pointer (&task);
  g_async_queue_push (self->queue, message);
}

gboolean
assay_cli_output_finish_finish (AssayCliOutput  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * assay_cli_output_set_charts_dir:
 * @dir: an existing directory
 *
 * Writes each done document's charts (assay_charts_export_result()) into
 * @dir as they are spooled, on the writer thread, and when finishing the
 * corpus's (assay_charts_export_corpus()): corpus-over-time, -totals,
 * -benford, -verification and -near-duplicates. Call before the first
 * document is added.
 */
void
assay_cli_output_set_charts_dir (AssayCliOutput *self,
                                 const char     *dir)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (dir != NULL);
  g_return_if_fail (self->entries->len == 0 && g_atomic_int_get (&self->backlog) == 0);

  g_free (self->charts_dir);
  self->charts_dir = g_strdup (dir);
  if (self->chart_names == NULL)
    {
      self->chart_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      /* "corpus-benford.svg" is the corpus's: a corpus.pdf is "corpus-2". */
      g_hash_table_insert (self->chart_names, g_strdup ("corpus"), GUINT_TO_POINTER (1));
    }
  if (self->chart_docs == NULL)
    self->chart_docs = g_ptr_array_new_with_free_func (chart_doc_free);
}

/**
 * assay_cli_output_get_charts_error:
 *
 * After finishing: the first chart that could not be written.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL
 */
const GError *
assay_cli_output_get_charts_error (AssayCliOutput *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->finishing, NULL);

  return self->charts_error;
}
