/* assay-chart-save.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The spec is immutable once made, so the worker draws it with a copy of
 * the palette and never touches the widget. The title given replaces the
 * chart's own (on screen the document's name is already above the chart;
 * in a file it is not).
 */
#define G_LOG_DOMAIN "assay-chart-save"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-chart-save.h"
#include "assay-worker-pool.h"

#define EXPORT_MIN_WIDTH  800
#define EXPORT_MIN_HEIGHT 480

typedef struct
{
  AssayChartSpec    *spec;
  AssayChartPalette  palette;
  AssayChartFormat   format;
  guint              width, height;
  char              *path;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_pointer (&job->spec, assay_chart_spec_unref);
  g_free (job->path);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!assay_chart_export (job->spec, &job->palette, job->format, job->width, job->height,
                           job->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * assay_chart_save_async:
 * @chart: a chart
 * @format: %ASSAY_CHART_FORMAT_PNG or %ASSAY_CHART_FORMAT_SVG (or PDF)
 * @title: (nullable): the title to write instead of the chart's own
 * @file: a local file to write
 * @cancellable: (nullable): cancels the save
 *
 * Writes what @chart shows, in its colours on an opaque background of its
 * style (light or dark), at least 800 × 480 or the chart's size, on the
 * worker pool; the file is replaced atomically.
 */
void
assay_chart_save_async (AssayChart          *chart,
                        AssayChartFormat     format,
                        const char          *title,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AdwStyleManager *manager = adw_style_manager_get_default ();
  AssayChartPalette base;
  SaveJob *job;

  g_return_if_fail (ASSAY_IS_CHART (chart));
  g_return_if_fail (G_IS_FILE (file));

  /* No source object: the task may end on the worker, and a widget is
   * let go of on the main thread only. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_chart_save_async);

  job = g_new0 (SaveJob, 1);
  job->path = g_file_get_path (file);
  job->format = format;
  job->width = MAX (EXPORT_MIN_WIDTH, gtk_widget_get_width (GTK_WIDGET (chart)));
  job->height = MAX (EXPORT_MIN_HEIGHT, gtk_widget_get_height (GTK_WIDGET (chart)));
  job->spec = assay_chart_spec_copy (assay_chart_get_spec (chart));
  if (title != NULL)
    assay_chart_spec_set_title (job->spec, title);
  assay_chart_get_palette (chart, &job->palette);
  assay_chart_palette_init (&base, adw_style_manager_get_dark (manager) ? ASSAY_CHART_STYLE_DARK
                                                                       : ASSAY_CHART_STYLE_LIGHT);
  job->palette.background = base.background;
  job->palette.background.alpha = 1;
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);

  if (job->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Charts can only be saved to a local folder"));
      return;
    }

  assay_worker_pool_run (assay_worker_pool_get_default (), task, -10, save_thread);
}

/**
 * assay_chart_save_finish:
 * @chart: (nullable): the chart given to the call (unused)
 *
 * Returns: whether the file was written
 */
gboolean
assay_chart_save_finish (AssayChart    *chart,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (chart == NULL || ASSAY_IS_CHART (chart), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_chart_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
toast (GtkWidget  *widget,
       const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

typedef struct
{
  AssayChart *chart;
  char       *name;
} Saved;

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Saved *saved = user_data;
  g_autoptr(AssayChart) chart = saved->chart;
  g_autofree char *name = saved->name;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_free (saved);
  if (!assay_chart_save_finish (chart, result, &error))
    {
      g_message ("Saving a chart failed: %s", error->message);
      text = g_strdup_printf (_("The chart could not be saved: %s"), error->message);
    }
  else
    text = g_strdup_printf (_("Chart saved as “%s”"), name);
  toast (GTK_WIDGET (chart), text);
}

typedef struct
{
  AssayChart       *chart;
  AssayChartFormat  format;
  char             *title;
} Dialog;

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
        {
          Saved *saved = g_new0 (Saved, 1);

          saved->chart = g_object_ref (dialog->chart);
          saved->name = g_file_get_basename (file);
          assay_chart_save_async (dialog->chart, dialog->format, dialog->title, file, NULL,
                                  saved_cb, saved);
        }
    }

  g_object_unref (dialog->chart);
  g_free (dialog->title);
  g_free (dialog);
  g_object_unref (chooser);
}

/**
 * assay_chart_save_with_dialog:
 * @chart: a chart in a window
 * @format: PNG or SVG
 * @title: (nullable): the title to write instead of the chart's own
 * @file_stem: (nullable): the suggested name without extension
 *
 * Asks where to save @chart, saves it there, and says so in a toast (when
 * the chart is inside an AdwToastOverlay).
 */
void
assay_chart_save_with_dialog (AssayChart       *chart,
                              AssayChartFormat  format,
                              const char       *title,
                              const char       *file_stem)
{
  GtkRoot *root;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  Dialog *dialog;

  g_return_if_fail (ASSAY_IS_CHART (chart));

  root = gtk_widget_get_root (GTK_WIDGET (chart));
  chooser = gtk_file_chooser_native_new (format == ASSAY_CHART_FORMAT_SVG ? _("Save Chart as SVG")
                                                                          : _("Save Chart as PNG"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (format == ASSAY_CHART_FORMAT_SVG)
    {
      gtk_file_filter_set_name (filter, _("SVG images"));
      gtk_file_filter_add_mime_type (filter, "image/svg+xml");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PNG images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = g_strdup_printf ("%s.%s", file_stem != NULL && file_stem[0] != '\0' ? file_stem : "chart",
                          format == ASSAY_CHART_FORMAT_SVG ? "svg" : "png");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  dialog = g_new0 (Dialog, 1);
  dialog->chart = g_object_ref (chart);
  dialog->format = format;
  dialog->title = g_strdup (title);
  g_signal_connect (chooser, "response", G_CALLBACK (response_cb), dialog);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
