/* assay-results-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main thread copies each done document's store key and path; the
 * worker loads each stored result in turn (assay_store_load_full(): the
 * parsed node for CSV rows, the stored text for JSON, written as it is)
 * and streams it to a GFileOutputStream from g_file_replace(), so that the
 * old file stays until the new one is complete and memory holds one result
 * at a time however many are exported.
 */
#define G_LOG_DOMAIN "assay-results-export"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-result-csv.h"
#include "assay-result.h"
#include "assay-results-export.h"
#include "assay-window.h"

typedef struct
{
  AssayStore         *store;
  GPtrArray          *keys;       /* char*, one per document */
  AssayResultsFormat  format;
  GFile              *file;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->keys, g_ptr_array_unref);
  g_clear_object (&job->file);
  g_free (job);
}

static gboolean
write_text (GOutputStream  *out,
            const char     *text,
            gsize           length,
            GCancellable   *cancellable,
            GError        **error)
{
  return g_output_stream_write_all (out, text, length, NULL, cancellable, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GFileOutputStream) stream = NULL;
  GOutputStream *out;
  GError *error = NULL;
  guint written = 0;
  g_autofree char *head = NULL;

  stream = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = G_OUTPUT_STREAM (stream);

  if (job->format == ASSAY_RESULTS_FORMAT_CSV)
    head = g_strdup (ASSAY_RESULT_CSV_HEADER);
  else
    head = g_strdup_printf ("{\n  \"result_version\": \"%s\",\n  \"assay_version\": \"%s\",\n"
                            "  \"documents\": [", ASSAY_RESULT_VERSION, PACKAGE_VERSION);
  if (!write_text (out, head, strlen (head), cancellable, &error))
    goto failed;

  for (guint i = 0; i < job->keys->len; i++)
    {
      g_autoptr(JsonNode) result = NULL;
      g_autoptr(GBytes) text = NULL;
      g_autoptr(GError) load_error = NULL;

      result = assay_store_load_full (job->store, g_ptr_array_index (job->keys, i), &text,
                                      cancellable, &load_error);
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
      if (result == NULL)
        {
          /* Removed or damaged since: left out, not the whole export. */
          g_debug ("A result could not be exported: %s", load_error->message);
          continue;
        }

      if (job->format == ASSAY_RESULTS_FORMAT_CSV)
        {
          g_autoptr(GString) rows = g_string_new (NULL);

          assay_result_append_csv (rows, result);
          if (!write_text (out, rows->str, rows->len, cancellable, &error))
            goto failed;
        }
      else
        {
          gsize length = 0;
          const char *data = text != NULL ? g_bytes_get_data (text, &length) : NULL;
          g_autofree char *generated = NULL;

          if (data == NULL)
            data = generated = json_to_string (result, FALSE);
          if (data != NULL && length == 0)
            length = strlen (data);
          /* Stored text is one line of compact JSON, perhaps with its newline. */
          while (length > 0 && (data[length - 1] == '\n' || data[length - 1] == '\r'))
            length--;
          if (!write_text (out, written > 0 ? ",\n    " : "\n    ", written > 0 ? 6 : 5, cancellable, &error) ||
              !write_text (out, data, length, cancellable, &error))
            goto failed;
        }
      written++;
    }

  if (job->format == ASSAY_RESULTS_FORMAT_JSON &&
      !write_text (out, written > 0 ? "\n  ]\n}\n" : "]\n}\n", written > 0 ? 7 : 4, cancellable, &error))
    goto failed;

  if (!g_output_stream_close (out, cancellable, &error))
    goto failed;
  g_task_return_int (task, written);
  return;

failed:
  /* Closing after a cancel leaves the old file in place. */
  {
    g_autoptr(GCancellable) abort = g_cancellable_new ();

    g_cancellable_cancel (abort);
    g_output_stream_close (out, abort, NULL);
  }
  g_task_return_error (task, error);
}

/**
 * assay_results_export_async:
 * @pipeline: the documents' pipeline (its store holds their results)
 * @documents: (element-type AssayDocument): the documents; those not done
 *   are left out
 * @format: JSON or CSV
 * @file: where to write
 * @cancellable: (nullable): cancels; the file is then left as it was
 *
 * Writes the documents' results on the worker pool.
 */
void
assay_results_export_async (AssayPipeline       *pipeline,
                            GPtrArray           *documents,
                            AssayResultsFormat   format,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;
  AssayStore *store;

  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (documents != NULL);
  g_return_if_fail (G_IS_FILE (file));

  /* No source object: the task may end on the worker. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_results_export_async);

  store = assay_pipeline_get_store (pipeline);
  if (store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Results are not kept on disk, so they cannot be exported"));
      return;
    }

  job = g_new0 (ExportJob, 1);
  job->store = g_object_ref (store);
  job->keys = g_ptr_array_new_with_free_func (g_free);
  job->format = format;
  job->file = g_object_ref (file);
  for (guint i = 0; i < documents->len; i++)
    {
      AssayDocument *document = g_ptr_array_index (documents, i);

      if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE ||
          assay_document_get_sha256 (document) == NULL)
        continue;
      g_ptr_array_add (job->keys,
                       assay_store_dup_key (store, assay_document_get_sha256 (document),
                                            assay_document_get_template_key (document),
                                            assay_document_get_extractor_id (document)));
    }
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);

  assay_worker_pool_run (_assay_pipeline_get_pool (pipeline), task, -10, export_thread);
}

/**
 * assay_results_export_finish:
 * @pipeline: (nullable): the pipeline given to the call (unused)
 *
 * Returns: how many documents were written, or 0 with @error set
 */
guint
assay_results_export_finish (AssayPipeline  *pipeline,
                             GAsyncResult   *result,
                             GError        **error)
{
  gssize n;

  g_return_val_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline), 0);
  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_results_export_async, 0);

  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}

typedef struct
{
  GtkWindow          *parent;
  AssayPipeline      *pipeline;
  GPtrArray          *documents;
  AssayResultsFormat  format;
} Dialog;

static void
dialog_free (Dialog *dialog)
{
  g_clear_object (&dialog->parent);
  g_clear_object (&dialog->pipeline);
  g_clear_pointer (&dialog->documents, g_ptr_array_unref);
  g_free (dialog);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = assay_results_export_finish (NULL, result, &error);

  if (error != NULL)
    {
      g_message ("Exporting results failed: %s", error->message);
      text = g_strdup_printf (_("The results could not be exported: %s"), error->message);
    }
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported the results of %u document",
                                         "Exported the results of %u documents", n), n);
  if (ASSAY_IS_WINDOW (parent))
    assay_window_add_toast (ASSAY_WINDOW (parent), text);
}

static void
response_cb (GtkNativeDialog *chooser,
             int              response,
             gpointer         user_data)
{
  Dialog *dialog = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        assay_results_export_async (dialog->pipeline, dialog->documents, dialog->format, file, NULL,
                                    exported_cb, dialog->parent != NULL ? g_object_ref (dialog->parent) : NULL);
    }
  dialog_free (dialog);
  g_object_unref (chooser);
}

/**
 * assay_results_export_with_dialog:
 * @parent: (nullable): the window to put the dialog over and say the
 *   outcome in (an AssayWindow's toast)
 * @documents: (element-type AssayDocument): what to export
 *
 * Asks where to save, then exports.
 */
void
assay_results_export_with_dialog (GtkWindow          *parent,
                                  AssayPipeline      *pipeline,
                                  GPtrArray          *documents,
                                  AssayResultsFormat  format)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  Dialog *dialog;

  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));

  chooser = gtk_file_chooser_native_new (format == ASSAY_RESULTS_FORMAT_CSV ? _("Export Results as CSV")
                                                                            : _("Export Results as JSON"),
                                         parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (format == ASSAY_RESULTS_FORMAT_CSV)
    {
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "results.csv");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("JSON files"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "results.json");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  dialog = g_new0 (Dialog, 1);
  dialog->parent = parent != NULL ? g_object_ref (parent) : NULL;
  dialog->pipeline = g_object_ref (pipeline);
  dialog->documents = g_ptr_array_ref (documents);
  dialog->format = format;
  g_signal_connect (chooser, "response", G_CALLBACK (response_cb), dialog);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
