/* assay-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file:
 *
 *   { "session_version": 1,
 *     "documents": [ { "path": "/home/ana/q3/report.pdf", "sha256": "9f86…",
 *                      "state": "done", "template_key": "…", "extractor_id": "…",
 *                      "size": 183422, "pages": 14, "figures": 18, "verified": 17,
 *                      "title": "Quarterly report", "cached": false,
 *                      "error_stage": null, "error_message": null,
 *                      "duplicate_of": null }, … ] }
 *
 * Saving takes a snapshot of the list on the main thread (a few strings per
 * document; an autosave takes it SNAPSHOT_CHUNK documents per main-loop
 * iteration), then builds and writes the JSON on the worker pool with
 * g_file_set_contents_full() (a temporary file renamed into place), one
 * write at a time: a snapshot taken while a write runs waits for it, and
 * only the newest waiting snapshot is written. A document not finished is
 * saved as queued, so that it is queued again on the next start.
 */
#define G_LOG_DOMAIN "assay-session"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-session.h"

#define SESSION_VERSION 1
#define PRIORITY_SESSION 5
/* An autosave's snapshot is taken this many documents per main-loop
 * iteration: 10,000 documents never stall the window for long. */
#define SNAPSHOT_CHUNK 1000

struct _AssaySession
{
  GObject          parent_instance;

  AssayWorkerPool *pool;
  char            *path;
  AssayPipeline   *pipeline;
  gulong           notify_id;
  gulong           finished_id;
  gulong           items_id;
  guint            save_source;
  GPtrArray       *snap;          /* an autosave's snapshot being taken */
  guint            snap_source;
  guint            list_changes;  /* items-changed of the pipeline's list */
  guint            snap_changes;  /* list_changes when the snapshot began */
  gboolean         writing;
  GPtrArray       *pending;       /* the snapshot to write after the one in flight */
  gboolean         closed;
  GPtrArray       *close_tasks;   /* GTask*: done when the final snapshot is written */
  GError          *close_error;
  guint            n_saves;
};

G_DEFINE_FINAL_TYPE (AssaySession, assay_session, G_TYPE_OBJECT)

static void write_snapshot (AssaySession *self,
                            GPtrArray    *snapshot);

static void
unwatch (AssaySession *self)
{
  if (self->pipeline != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->pipeline);
      g_clear_signal_handler (&self->finished_id, self->pipeline);
      g_clear_signal_handler (&self->items_id, assay_pipeline_get_documents (self->pipeline));
      g_clear_object (&self->pipeline);
    }
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->snap_source, g_source_remove);
  g_clear_pointer (&self->snap, g_ptr_array_unref);
}

static void
assay_session_dispose (GObject *object)
{
  AssaySession *self = (AssaySession *)object;

  unwatch (self);

  G_OBJECT_CLASS (assay_session_parent_class)->dispose (object);
}

static void
assay_session_finalize (GObject *object)
{
  AssaySession *self = (AssaySession *)object;

  g_clear_object (&self->pool);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->close_tasks, g_ptr_array_unref);
  g_clear_error (&self->close_error);

  G_OBJECT_CLASS (assay_session_parent_class)->finalize (object);
}

static void
assay_session_class_init (AssaySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_session_dispose;
  object_class->finalize = assay_session_finalize;
}

static void
assay_session_init (AssaySession *self)
{
  self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * assay_session_new:
 * @pool: parses and writes the file
 * @path: (nullable): the file; %NULL for $XDG_DATA_HOME/assay/session.json
 *
 * Returns: (transfer full): a session, not watching any pipeline yet
 */
AssaySession *
assay_session_new (AssayWorkerPool *pool,
                   const char      *path)
{
  AssaySession *self;

  g_return_val_if_fail (ASSAY_IS_WORKER_POOL (pool), NULL);

  self = g_object_new (ASSAY_TYPE_SESSION, NULL);
  self->pool = g_object_ref (pool);
  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_data_dir (), "assay", "session.json", NULL);

  return self;
}

const char *
assay_session_get_path (AssaySession *self)
{
  g_return_val_if_fail (ASSAY_IS_SESSION (self), NULL);

  return self->path;
}

/**
 * assay_session_get_n_saves:
 *
 * Returns: how many times the file was written, for tests of the debounce
 */
guint
assay_session_get_n_saves (AssaySession *self)
{
  g_return_val_if_fail (ASSAY_IS_SESSION (self), 0);

  return self->n_saves;
}

/* ------------------------------------------------------------------------ */
/* Stages and states by name                                                  */

static gboolean
stage_from_string (const char *name,
                   AssayStage *out)
{
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    if (g_strcmp0 (assay_stage_to_string (i), name) == 0)
      {
        *out = i;
        return TRUE;
      }

  return FALSE;
}

static gboolean
state_from_string (GEnumClass         *klass,
                   const char         *name,
                   AssayDocumentState *out)
{
  GEnumValue *value = name != NULL ? g_enum_get_value_by_nick (klass, name) : NULL;

  if (value == NULL)
    return FALSE;

  *out = value->value;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Restore                                                                    */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

static guint
member_uint (JsonObject *object,
             const char *name)
{
  return (guint) CLAMP (member_int (object, name, 0), 0, G_MAXUINT);
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static AssayRestoredDocument *
restored_from_json (GEnumClass *states,
                    JsonObject *object)
{
  g_autoptr(AssayRestoredDocument) entry = g_new0 (AssayRestoredDocument, 1);
  const char *path = member_string (object, "path");

  if (path == NULL || !g_path_is_absolute (path))
    return NULL;

  entry->path = g_strdup (path);
  entry->sha256 = g_strdup (member_string (object, "sha256"));
  if (!state_from_string (states, member_string (object, "state"), &entry->state))
    entry->state = ASSAY_DOCUMENT_QUEUED;
  entry->template_key = g_strdup (member_string (object, "template_key"));
  entry->extractor_id = g_strdup (member_string (object, "extractor_id"));
  entry->size = member_int (object, "size", -1);
  entry->n_pages = member_uint (object, "pages");
  entry->n_figures = member_uint (object, "figures");
  entry->n_verified = member_uint (object, "verified");
  entry->title = g_strdup (member_string (object, "title"));
  entry->cached = member_bool (object, "cached");
  if (!stage_from_string (member_string (object, "error_stage"), &entry->error_stage))
    entry->error_stage = ASSAY_STAGE_READ;
  entry->error_message = g_strdup (member_string (object, "error_message"));
  entry->duplicate_of = g_strdup (member_string (object, "duplicate_of"));

  /* A done document without its key cannot find its result: do it again. */
  if (entry->state == ASSAY_DOCUMENT_DONE &&
      (entry->sha256 == NULL || entry->template_key == NULL || entry->extractor_id == NULL))
    entry->state = ASSAY_DOCUMENT_QUEUED;

  return g_steal_pointer (&entry);
}

static void
restore_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GEnumClass *states;
  JsonNode *root;
  JsonNode *documents;
  gsize length;

  restored = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_restored_document_free);

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      /* No session yet: nothing to restore. */
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, g_steal_pointer (&restored), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The previous session could not be read: %s"), error->message);
      return;
    }

  root = json_parser_get_root (parser);
  documents = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
              ? json_object_get_member (json_node_get_object (root), "documents") : NULL;
  if (documents == NULL || !JSON_NODE_HOLDS_ARRAY (documents) ||
      member_int (json_node_get_object (root), "session_version", 0) != SESSION_VERSION)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("The previous session is not in a format this version knows"));
      return;
    }

  states = g_type_class_ref (ASSAY_TYPE_DOCUMENT_STATE);
  {
    JsonArray *array = json_node_get_array (documents);
    guint n = json_array_get_length (array);

    for (guint i = 0; i < n; i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        AssayRestoredDocument *entry;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          continue;
        entry = restored_from_json (states, json_node_get_object (element));
        if (entry != NULL)
          g_ptr_array_add (restored, entry);
      }
  }
  g_type_class_unref (states);

  g_task_return_pointer (task, g_steal_pointer (&restored), (GDestroyNotify) g_ptr_array_unref);
}

static void
restore_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *restored = g_task_propagate_pointer (G_TASK (result), &error);

  if (restored == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, restored, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * assay_session_restore_async:
 *
 * Reads and parses the session file on the worker pool.
 */
void
assay_session_restore_async (AssaySession        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (ASSAY_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_session_restore_async);

  /* No source object: the worker must not drop the session's last reference. */
  worker = g_task_new (NULL, cancellable, restore_done, g_steal_pointer (&task));
  g_task_set_source_tag (worker, restore_worker);
  g_task_set_task_data (worker, g_strdup (self->path), g_free);
  assay_worker_pool_run (self->pool, worker, PRIORITY_SESSION, restore_worker);
}

/**
 * assay_session_restore_finish:
 *
 * Returns: (transfer full) (element-type AssayRestoredDocument): the
 *   documents of the previous session in their order, for
 *   assay_pipeline_add_restored(); empty when there was none. %NULL with
 *   @error set when the file could not be read or is not a session.
 */
GPtrArray *
assay_session_restore_finish (AssaySession  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (ASSAY_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Save                                                                       */

/* Main thread: what the file will say of documents [@from, @to), a few
 * strings per document. */
static void
snapshot_range (GListModel *documents,
                guint       from,
                guint       to,
                GPtrArray  *snapshot)
{
  for (guint i = from; i < to; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      AssayRestoredDocument *entry = g_new0 (AssayRestoredDocument, 1);
      AssayDocumentState state = assay_document_get_state (document);

      entry->path = g_strdup (assay_document_get_path (document));
      entry->sha256 = g_strdup (assay_document_get_sha256 (document));
      entry->state = assay_document_is_finished (document) ? state : ASSAY_DOCUMENT_QUEUED;
      entry->template_key = g_strdup (assay_document_get_template_key (document));
      entry->extractor_id = g_strdup (assay_document_get_extractor_id (document));
      entry->size = assay_document_get_size (document);
      entry->n_pages = assay_document_get_n_pages (document);
      entry->n_figures = assay_document_get_n_figures (document);
      entry->n_verified = assay_document_get_n_verified (document);
      entry->title = g_strdup (assay_document_get_title (document));
      entry->cached = assay_document_get_cached (document);
      entry->error_stage = assay_document_get_error_stage (document);
      if (assay_document_is_finished (document))
        entry->error_message = g_strdup (assay_document_get_error_message (document));
      entry->duplicate_of = g_strdup (assay_document_get_duplicate_of (document));
      g_ptr_array_add (snapshot, entry);
    }
}

static GPtrArray *
new_snapshot (guint n)
{
  return g_ptr_array_new_full (n, (GDestroyNotify) assay_restored_document_free);
}

static GPtrArray *
take_snapshot (AssayPipeline *pipeline)
{
  GListModel *documents = assay_pipeline_get_documents (pipeline);
  guint n = g_list_model_get_n_items (documents);
  GPtrArray *snapshot = new_snapshot (n);

  snapshot_range (documents, 0, n, snapshot);

  return snapshot;
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

typedef struct
{
  char      *path;
  GPtrArray *snapshot;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_ptr_array_unref (data->snapshot);
  g_free (data);
}

static void
write_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (data->path);
  g_autofree char *text = NULL;
  GEnumClass *states = g_type_class_ref (ASSAY_TYPE_DOCUMENT_STATE);
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session_version");
  json_builder_add_int_value (builder, SESSION_VERSION);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->snapshot->len; i++)
    {
      const AssayRestoredDocument *entry = g_ptr_array_index (data->snapshot, i);
      GEnumValue *state = g_enum_get_value (states, entry->state);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "path", entry->path);
      add_nullable_string (builder, "sha256", entry->sha256);
      add_nullable_string (builder, "state", state != NULL ? state->value_nick : "queued");
      add_nullable_string (builder, "template_key", entry->template_key);
      add_nullable_string (builder, "extractor_id", entry->extractor_id);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      json_builder_set_member_name (builder, "pages");
      json_builder_add_int_value (builder, entry->n_pages);
      json_builder_set_member_name (builder, "figures");
      json_builder_add_int_value (builder, entry->n_figures);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_int_value (builder, entry->n_verified);
      add_nullable_string (builder, "title", entry->title);
      json_builder_set_member_name (builder, "cached");
      json_builder_add_boolean_value (builder, entry->cached);
      add_nullable_string (builder, "error_stage",
                           entry->error_message != NULL ? assay_stage_to_string (entry->error_stage) : NULL);
      add_nullable_string (builder, "error_message", entry->error_message);
      add_nullable_string (builder, "duplicate_of", entry->duplicate_of);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  g_type_class_unref (states);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return;
    }

  /* A temporary file, synced, renamed over the old one: a crash leaves the
   * old session or the new one, never half of one. */
  if (!g_file_set_contents_full (data->path, text, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
complete_close (AssaySession *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (!self->closed || self->writing || self->pending != NULL || self->close_tasks->len == 0)
    return;

  tasks = g_steal_pointer (&self->close_tasks);
  self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (self->close_error != NULL)
        g_task_return_error (task, g_error_copy (self->close_error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
write_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AssaySession) self = user_data;
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  self->n_saves++;

  g_clear_error (&self->close_error);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("Could not save the session in %s: %s", self->path, error->message);
      self->close_error = g_steal_pointer (&error);
    }

  if (self->pending != NULL)
    write_snapshot (self, g_steal_pointer (&self->pending));
  else
    complete_close (self);
}

/* Takes @snapshot: written now, or after the write in flight. */
static void
write_snapshot (AssaySession *self,
                GPtrArray    *snapshot)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  if (self->writing)
    {
      g_clear_pointer (&self->pending, g_ptr_array_unref);
      self->pending = snapshot;
      return;
    }

  data = g_new0 (WriteData, 1);
  data->path = g_strdup (self->path);
  data->snapshot = snapshot;

  self->writing = TRUE;
  task = g_task_new (NULL, NULL, write_done, g_object_ref (self));
  g_task_set_source_tag (task, write_worker);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  assay_worker_pool_run (self->pool, task, PRIORITY_SESSION, write_worker);
}

/* One chunk of an autosave's snapshot. A change of the list in between
 * starts it over (positions moved); a document that changed after its
 * chunk was taken schedules another save, so the file catches up. */
static gboolean
snapshot_step (gpointer user_data)
{
  AssaySession *self = user_data;
  GListModel *documents = assay_pipeline_get_documents (self->pipeline);
  guint n = g_list_model_get_n_items (documents);
  guint from;

  if (self->snap_changes != self->list_changes)
    {
      g_ptr_array_set_size (self->snap, 0);
      self->snap_changes = self->list_changes;
    }

  from = self->snap->len;
  snapshot_range (documents, from, MIN (n, from + SNAPSHOT_CHUNK), self->snap);
  if (self->snap->len < n)
    return G_SOURCE_CONTINUE;

  self->snap_source = 0;
  write_snapshot (self, g_steal_pointer (&self->snap));

  return G_SOURCE_REMOVE;
}

static gboolean
save_now (gpointer user_data)
{
  AssaySession *self = user_data;

  self->save_source = 0;
  if (self->pipeline == NULL || self->snap_source != 0)
    return G_SOURCE_REMOVE;

  self->snap = new_snapshot (g_list_model_get_n_items (assay_pipeline_get_documents (self->pipeline)));
  self->snap_changes = self->list_changes;
  if (snapshot_step (self))
    {
      self->snap_source = g_idle_add (snapshot_step, self);
      g_source_set_name_by_id (self->snap_source, "[assay] session snapshot");
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_save (AssaySession *self)
{
  if (self->save_source != 0 || self->closed || self->pipeline == NULL)
    return;

  self->save_source = g_timeout_add (ASSAY_SESSION_SAVE_DELAY_MS, save_now, self);
  g_source_set_name_by_id (self->save_source, "[assay] save session");
}

static void
pipeline_notify (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  /* The counts change with every state change and list change; the
   * batch's progress says nothing the file keeps. */
  if (!g_str_equal (pspec->name, "progress"))
    schedule_save (user_data);
}

static void
list_changed (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              gpointer    user_data)
{
  AssaySession *self = user_data;

  self->list_changes++;
  schedule_save (self);
}

static void
document_finished (AssayPipeline *pipeline,
                   AssayDocument *document,
                   gpointer       user_data)
{
  schedule_save (user_data);
}

/**
 * assay_session_watch:
 * @pipeline: the window's pipeline
 *
 * From now on, when the pipeline's list or a document's state changes,
 * the session is saved ASSAY_SESSION_SAVE_DELAY_MS later (once, however
 * many changes came in between; never per progress step).
 */
void
assay_session_watch (AssaySession  *self,
                     AssayPipeline *pipeline)
{
  g_return_if_fail (ASSAY_IS_SESSION (self));
  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (!self->closed);

  unwatch (self);
  self->pipeline = g_object_ref (pipeline);
  self->notify_id = g_signal_connect (pipeline, "notify", G_CALLBACK (pipeline_notify), self);
  self->finished_id = g_signal_connect (pipeline, "document-finished",
                                        G_CALLBACK (document_finished), self);
  self->items_id = g_signal_connect (assay_pipeline_get_documents (pipeline), "items-changed",
                                     G_CALLBACK (list_changed), self);
}

/**
 * assay_session_close_async:
 *
 * Saves the pipeline's list as it is now and stops watching it. Call it
 * on quit *before* assay_pipeline_shutdown(), so that the documents still
 * at work are saved as queued (to be queued again on the next start), not
 * as cancelled. Completes when the file is written (after any write in
 * flight: the last snapshot wins).
 */
void
assay_session_close_async (AssaySession        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AssayPipeline) pipeline = NULL;

  g_return_if_fail (ASSAY_IS_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_session_close_async);

  if (self->pipeline != NULL)
    pipeline = g_object_ref (self->pipeline);
  unwatch (self);

  if (self->closed && pipeline == NULL)
    {
      /* Closed before: nothing new to write. */
      g_ptr_array_add (self->close_tasks, g_steal_pointer (&task));
      complete_close (self);
      return;
    }

  self->closed = TRUE;
  g_ptr_array_add (self->close_tasks, g_steal_pointer (&task));
  if (pipeline != NULL)
    write_snapshot (self, take_snapshot (pipeline));
  else
    complete_close (self);
}

gboolean
assay_session_close_finish (AssaySession  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (ASSAY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
