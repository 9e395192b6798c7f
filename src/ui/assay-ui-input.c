/* assay-ui-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The walk runs on the worker pool; so does a look at the first KiB of each
 * file the user named (files inside folders the walk has looked at
 * already), so that a dropped text file is named in a toast instead of
 * becoming a failed row. PDFs are hashed by the pipeline, not here.
 */
#define G_LOG_DOMAIN "assay-ui-input"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-ui-input.h"

#define HEAD_SIZE    1024
#define ADD_PER_IDLE 256

typedef struct
{
  char      **paths;      /* what the user named */
  GPtrArray  *skipped;    /* AssayInputFile*: not a local file */
  GPtrArray  *inputs;     /* AssayInputFile*, from the walk */
  guint       next;       /* next input to add, on the main thread */
  guint       idle_id;
} AddFiles;

static void
add_files_free (AddFiles *data)
{
  g_clear_handle_id (&data->idle_id, g_source_remove);
  g_strfreev (data->paths);
  g_clear_pointer (&data->skipped, g_ptr_array_unref);
  g_clear_pointer (&data->inputs, g_ptr_array_unref);
  g_free (data);
}

/* A file named explicitly: is it a PDF at all? Missing and unreadable files
 * are left for the pipeline, which says why. */
static void
sniff_explicit (AssayInputFile *input)
{
  guint8 head[HEAD_SIZE];
  struct stat st;
  gssize n = 0;
  int fd;

  do
    fd = open (input->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      return;
    }

  while ((gsize) n < sizeof head)
    {
      gssize r = read (fd, head + n, sizeof head - (gsize) n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  g_close (fd, NULL);

  if (n == 0)
    {
      input->identified = TRUE;
      input->kind = ASSAY_INPUT_EMPTY;
      g_free (input->reason);
      input->reason = g_strdup (_("The file is empty"));
    }
  else if (memmem (head, (gsize) n, "%PDF-", 5) == NULL)
    {
      input->identified = TRUE;
      input->kind = ASSAY_INPUT_NOT_PDF;
      g_free (input->reason);
      input->reason = assay_input_describe_content (head, (gsize) n);
    }
}

static void
walk_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AddFiles *data = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *inputs;

  inputs = assay_input_expand ((const char * const *) data->paths, 0, cancellable, &error);
  if (inputs == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < inputs->len; i++)
    {
      AssayInputFile *input = g_ptr_array_index (inputs, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (input->explicit_ && !input->identified)
        sniff_explicit (input);
    }

  g_task_return_pointer (task, inputs, (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
add_slice (gpointer user_data)
{
  GTask *task = user_data;
  AddFiles *data = g_task_get_task_data (task);
  AssayPipeline *pipeline = g_task_get_source_object (task);
  guint end = MIN (data->inputs->len, data->next + ADD_PER_IDLE);

  if (g_task_return_error_if_cancelled (task))
    {
      data->idle_id = 0;
      return G_SOURCE_REMOVE;
    }

  for (; data->next < end; data->next++)
    {
      AssayInputFile *input = g_ptr_array_index (data->inputs, data->next);

      if (input->identified && input->kind != ASSAY_INPUT_PDF)
        {
          AssayInputFile *skipped = assay_input_file_new (input->path, input->explicit_);

          skipped->identified = TRUE;
          skipped->kind = input->kind;
          skipped->reason = g_strdup (input->reason);
          g_ptr_array_add (data->skipped, skipped);
          continue;
        }

      assay_pipeline_add (pipeline, input);
    }

  if (data->next < data->inputs->len)
    return G_SOURCE_CONTINUE;

  data->idle_id = 0;
  g_task_return_pointer (task, g_ptr_array_ref (data->skipped), (GDestroyNotify) g_ptr_array_unref);

  return G_SOURCE_REMOVE;
}

static void
walk_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddFiles *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->inputs = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->inputs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_slice,
                                   g_object_ref (task), g_object_unref);
  g_source_set_name_by_id (data->idle_id, "[assay] add files");
}

/**
 * _assay_ui_add_files_async:
 * @files: (array length=n_files): files and folders; copied
 *
 * Expands @files and adds the PDFs found to @pipeline. Main thread.
 */
void
_assay_ui_add_files_async (AssayPipeline        *pipeline,
                           GFile               **files,
                           guint                 n_files,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) walk = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  AddFiles *data;

  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (files != NULL || n_files == 0);

  data = g_new0 (AddFiles, 1);
  data->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_input_file_free);

  for (guint i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path != NULL)
        {
          g_ptr_array_add (paths, path);
        }
      else
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          AssayInputFile *input = assay_input_file_new (uri, TRUE);

          input->identified = TRUE;
          input->kind = ASSAY_INPUT_UNREADABLE;
          input->reason = g_strdup (_("Not a file on this computer"));
          g_ptr_array_add (data->skipped, input);
        }
    }
  g_ptr_array_add (paths, NULL);
  data->paths = (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);

  task = g_task_new (pipeline, cancellable, callback, user_data);
  g_task_set_source_tag (task, _assay_ui_add_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) add_files_free);

  walk = g_task_new (NULL, cancellable, walk_done, g_object_ref (task));
  g_task_set_task_data (walk, data, NULL);
  assay_worker_pool_run (assay_worker_pool_get_default (), walk, G_PRIORITY_DEFAULT, walk_thread);
}

/**
 * _assay_ui_add_files_finish:
 *
 * Returns: (transfer full) (element-type AssayInputFile): what was not
 *   added, each with its reason, or %NULL when cancelled
 */
GPtrArray *
_assay_ui_add_files_finish (AssayPipeline  *pipeline,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (g_task_is_valid (result, pipeline), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
