/* assay-cluster-submitter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One document:
 *
 *   main: process_async ─▶ submitting thread, with the other documents queued
 *                          meanwhile (a batch): result in the bucket? ─yes─▶ main: done (cached)
 *                                      │no
 *                                      ▼
 *                          the batch's new PDFs: chunks ─wait─▶ metadata ─wait─▶
 *                          their jobs (Nats-Msg-Id = content key) ─wait
 *                                      │
 *   libnats thread: progress messages ─▶ inbox ─▶ main (one idle at a time):
 *                          state, progress, worker of the document
 *                          (stages only when the submitter follows them)
 *                          "done"/"failed", the result with it ─▶ main: done
 *                          (or, without it: io thread: read the result ─▶ main: done)
 *
 * Progress messages are core NATS, and may be lost (a server restart): a
 * timer asks the bucket about each document not heard of for a while, so
 * no document waits for ever on a message that never comes.
 */
#define G_LOG_DOMAIN "assay-cluster-submitter"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-cluster-inbox.h"
#include "assay-cluster-job.h"
#include "assay-cluster-layout.h"
#include "assay-cluster-monitor.h"
#include "assay-cluster-objects.h"
#include "assay-cluster-publisher.h"
#include "assay-cluster-results.h"
#include "assay-cluster-submitter.h"
#include "assay-pdf-reader.h"

#define IO_THREADS            4
/* Documents submitted together at most: their uploads, then their jobs,
 * each a single wait for the server's acknowledgements. */
#define MAX_BATCH            64
#define POLL_INTERVAL_MS   1000
#define POLL_AFTER_US      (3 * G_USEC_PER_SEC)
#define RECONNECT_WAIT_US  (60 * G_USEC_PER_SEC)
#define RETRY_PAUSE_US     (250 * 1000)
/* A job not heard of while the cluster made no progress at all for this
 * many AckWaits is taken as lost: its document fails. */
#define STALL_ACK_WAITS       5
/* The PDFs' bucket is listed at the start when its stream has at most
 * this many subjects (the list, about 110 bytes a PDF, stays well under a
 * message's 1 MiB). */
#define MAX_LISTED_SUBJECTS 4096
/* For this long after they were listed, a document whose result key the
 * bucket did not list is not looked up before it is queued (a result
 * stored since by another client's job would be worked out again, not
 * written again). */
#define LISTED_KEYS_TRUSTED_US (30 * G_USEC_PER_SEC)



typedef struct
{
  GTask               *task;          /* the process_async task */
  char                *key;
  char                *path;
  AssayClusterJob     *job;
  AssayRemoteProgress  progress;
  gpointer             progress_data;
  gulong               cancelled_id;
  gboolean             submitted;     /* the job is on the server */
  gboolean             collecting;    /* a read of the result is under way */
  gint64               last_heard_us;
  gint64               last_asked_us; /* the last read of its result */
  char                *worker;        /* the worker last said to hold it, nullable */
} Pending;

struct _AssayClusterSubmitter
{
  GObject                 parent_instance;

  AssayClusterConnection *connection;
  GMainContext           *context;
  kvStore                *results;
  natsSubscription       *progress_sub;
  AssayClusterInbox      *inbox;          /* AssayClusterProgress*, from libnats */
  char                   *batch;
  GThreadPool            *io;          /* reading results back */
  GThreadPool            *submitting;  /* one thread: submitting in batches */
  GAsyncQueue            *submits;     /* Op*, to submit */
  AssayClusterPublisher  *publisher;   /* the submitting thread's */
  GHashTable             *pending;     /* key → GPtrArray of Pending* */
  guint                   n_pending;
  guint                   poll_source;
  AssayClusterMonitor    *monitor;     /* the workers' figures */
  /* The PDFs the bucket held when the submitter started, and those it
   * stored since (NULL: too many to list, each is looked up). */
  GMutex                  names_lock;
  GHashTable             *pdf_names;
  GHashTable             *result_keys;   /* listed and submitted; NULL: too many to list */
  gint64                  listed_us;     /* when result_keys was listed */
  /* The watchdog: the last time the cluster was seen to move. */
  gint64                  last_progress_us;
  guint64                 workers_finished;  /* done + failed over the workers */
  guint                   n_workers;
  gboolean                follow_stages;
};

static void assay_cluster_submitter_remote_init (AssayRemoteInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayClusterSubmitter, assay_cluster_submitter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_REMOTE,
                                                      assay_cluster_submitter_remote_init))

/* ------------------------------------------------------------------------ */
/* Work for the io threads                                                    */

typedef enum
{
  OP_SUBMIT,
  OP_COLLECT,
} OpKind;

typedef struct
{
  OpKind                 kind;
  AssayClusterSubmitter *self;     /* strong */
  AssayClusterJob       *job;
  GCancellable          *cancellable;
  gint64                 retry_until_us;  /* submit: tried again until then */
  /* out */
  JsonNode              *result;   /* done or failed result; NULL: not there yet */
  gboolean               cached;   /* submit: it was there before */
  GError                *error;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->self);
  g_clear_pointer (&op->job, assay_cluster_job_free);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->result, json_node_unref);
  g_clear_error (&op->error);
  g_free (op);
}

/* What a document's task returns: its result, or its digest and text. */
typedef struct
{
  JsonNode *node;
  GBytes   *text;   /* nullable: then @node is its digest */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_clear_pointer (&outcome->node, json_node_unref);
  g_clear_pointer (&outcome->text, g_bytes_unref);
  g_free (outcome);
}

static JsonNode *
parse_result (GBytes  *value,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (value, &len);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CORRUPT,
                           _("The results bucket holds something that is not a result"));
      return NULL;
    }

  return json_node_ref (root);
}

static gboolean op_done (gpointer user_data);

/* What a document's submission needs next. */
typedef enum
{
  STEP_FINISHED,   /* its result was there, or it failed (op->result, op->error) */
  STEP_CHUNK,      /* its PDF goes up with the batch's (one chunk, new): the chunk sent */
  STEP_META,       /* … the chunk stored, the metadata sent */
  STEP_QUEUE,      /* its PDF is there: the job may go */
} Step;

/* A document of a batch being submitted. */
typedef struct
{
  Op                     *op;
  Step                    step;
  AssayClusterObjectInfo  info;      /* where the PDF's bytes are */
  char                   *msg_id;
  natsMsg                *meta_msg;  /* STEP_CHUNK: sent once the chunk is stored */
  AssayClusterPublished   chunk;
  AssayClusterPublished   meta;
  AssayClusterPublished   job;
} Item;

static void
item_clear (Item *item)
{
  assay_cluster_object_info_clear (&item->info);
  g_clear_pointer (&item->msg_id, g_free);
  g_clear_pointer (&item->meta_msg, natsMsg_Destroy);
  assay_cluster_published_clear (&item->chunk);
  assay_cluster_published_clear (&item->meta);
  assay_cluster_published_clear (&item->job);
}

/* The PDFs' bucket holds @sha256 now. */
static void
remember_pdf (AssayClusterSubmitter *self,
              const char            *sha256)
{
  if (self->pdf_names == NULL)
    return;
  g_mutex_lock (&self->names_lock);
  g_hash_table_add (self->pdf_names, g_strdup (sha256));
  g_mutex_unlock (&self->names_lock);
}

/* Uploads the PDF of @item's job here and now, replacing the object
 * @item->info describes (its nuid NULL: there was none). */
static gboolean
upload_now (AssayClusterSubmitter *self,
            Item                  *item,
            GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (item->op->job->path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, item->op->cancellable, error);

  if (stream == NULL ||
      !assay_cluster_objects_put_stream_full (self->connection, ASSAY_CLUSTER_PDF_BUCKET,
                                              item->op->job->sha256, G_INPUT_STREAM (stream),
                                              ASSAY_CLUSTER_MAX_PDF_BYTES, &item->info, &item->info,
                                              item->op->cancellable, error))
    {
      g_prefix_error (error, _("Cannot upload the PDF to the cluster: "));
      return FALSE;
    }
  remember_pdf (self, item->op->job->sha256);

  return TRUE;
}

/* Looks at what the buckets hold for @item's document: its result (then
 * it is finished), its PDF (then its job may go). A PDF the bucket did
 * not list and that fits a chunk goes up with the batch (its chunk added
 * to @publisher, its metadata kept for after); any other is uploaded
 * here, one by one. */
static Step
prepare (AssayClusterSubmitter *self,
         AssayClusterPublisher *publisher,
         Item                  *item)
{
  Op *op = item->op;
  const AssayClusterJob *job = op->job;
  g_autoptr(GBytes) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  uint64_t revision = 0;
  gboolean absent = FALSE;
  gboolean unlisted = FALSE;

  /* Not listed a moment ago, nor submitted since (a retry, the same
   * content twice): there is no result to read. */
  if (self->result_keys != NULL &&
      g_get_monotonic_time () - self->listed_us < LISTED_KEYS_TRUSTED_US)
    {
      g_mutex_lock (&self->names_lock);
      unlisted = g_hash_table_add (self->result_keys, g_strdup (job->key));
      g_mutex_unlock (&self->names_lock);
    }
  if (unlisted)
    g_set_error (&local_error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND,
                 "Not listed a moment ago");
  else
    existing = assay_cluster_results_get (self->results, job->key, &revision, &local_error);
  if (existing == NULL && !g_error_matches (local_error, ASSAY_CLUSTER_ERROR,
                                            ASSAY_CLUSTER_ERROR_NOT_FOUND))
    {
      op->error = g_steal_pointer (&local_error);
      return STEP_FINISHED;
    }
  g_clear_error (&local_error);

  if (existing != NULL && assay_cluster_results_is_done (existing))
    {
      op->result = parse_result (existing, &op->error);
      op->cached = TRUE;
      return STEP_FINISHED;
    }

  /* The content key is the message id: the same document queued twice
   * within the duplicate window is one job. A failure in the bucket is
   * tried again, under a message id of its own. */
  item->msg_id = existing != NULL
                 ? g_strdup_printf ("%s.r%" G_GUINT64_FORMAT, job->key, (guint64) revision)
                 : g_strdup (job->key);

  /* The PDF, unless the store has it; where its bytes are goes into the
   * job, so the worker need not look that up. One the bucket did not list
   * is not looked up: its upload is stored only if it is still new. */
  if (self->pdf_names != NULL)
    {
      g_mutex_lock (&self->names_lock);
      absent = !g_hash_table_contains (self->pdf_names, job->sha256);
      g_mutex_unlock (&self->names_lock);
    }
  if (!absent &&
      assay_cluster_objects_get_info (self->connection, ASSAY_CLUSTER_PDF_BUCKET, job->sha256,
                                      &item->info, &local_error) &&
      item->info.size == job->size)
    return STEP_QUEUE;
  if (local_error != NULL && !g_error_matches (local_error, ASSAY_CLUSTER_ERROR,
                                               ASSAY_CLUSTER_ERROR_NOT_FOUND))
    {
      op->error = g_steal_pointer (&local_error);
      return STEP_FINISHED;
    }

  if (absent && job->size > 0 && job->size <= ASSAY_CLUSTER_OBJECT_CHUNK_SIZE)
    {
      g_autoptr(GFile) file = g_file_new_for_path (job->path);
      g_autoptr(GFileInputStream) stream = g_file_read (file, op->cancellable, &op->error);
      /* A byte more than a chunk: a file that grew since it was hashed
       * goes up as a larger one would. */
      g_autofree guchar *data = g_malloc (ASSAY_CLUSTER_OBJECT_CHUNK_SIZE + 1);
      gsize length = 0;

      if (stream == NULL ||
          !g_input_stream_read_all (G_INPUT_STREAM (stream), data, ASSAY_CLUSTER_OBJECT_CHUNK_SIZE + 1,
                                    &length, op->cancellable, &op->error))
        {
          g_prefix_error (&op->error, _("Cannot upload the PDF to the cluster: "));
          return STEP_FINISHED;
        }
      if (length > 0 && length <= ASSAY_CLUSTER_OBJECT_CHUNK_SIZE)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), length);
          natsMsg *chunk = NULL, *meta = NULL;

          if (!assay_cluster_objects_new_messages (ASSAY_CLUSTER_PDF_BUCKET, job->sha256, bytes,
                                                   &chunk, &meta, &item->info, &op->error))
            return STEP_FINISHED;
          item->meta_msg = meta;
          assay_cluster_publisher_add (publisher, chunk, NULL, _("cannot store an object"), &item->chunk);
          return STEP_CHUNK;
        }
    }

  if (!upload_now (self, item, &op->error))
    return STEP_FINISHED;

  return STEP_QUEUE;
}

/* @op's upload failed: @error (taken) says why. */
static Step
upload_failed (Op      *op,
               GError **error)
{
  op->error = g_steal_pointer (error);
  g_prefix_error (&op->error, _("Cannot upload the PDF to the cluster: "));

  return STEP_FINISHED;
}

/* The chunk's outcome: the metadata goes next (STEP_META), or the upload
 * failed. Nothing names the chunk yet, so one maybe stored is purged. */
static Step
check_chunk (AssayClusterSubmitter *self,
             AssayClusterPublisher *publisher,
             Item                  *item)
{
  Op *op = item->op;

  if (item->chunk.stored)
    {
      assay_cluster_publisher_add (publisher, g_steal_pointer (&item->meta_msg), NULL,
                                   _("cannot store an object's metadata"), &item->meta);
      return STEP_META;
    }

  if (!item->chunk.refused && assay_cluster_connection_is_connected (self->connection))
    assay_cluster_objects_purge_chunks (assay_cluster_connection_get_jetstream (self->connection),
                                        ASSAY_CLUSTER_PDF_BUCKET, item->info.nuid);

  return upload_failed (op, &item->chunk.error);
}

/* The metadata's outcome: whether @item's PDF is there now (else
 * op->error says why). Metadata is only ever sent for a stored chunk, so
 * the bucket never names bytes it does not hold. */
static Step
check_meta (AssayClusterSubmitter *self,
            Item                  *item)
{
  Op *op = item->op;
  jsCtx *js = assay_cluster_connection_get_jetstream (self->connection);
  g_autoptr(GError) error = NULL;

  if (item->meta.stored)
    return STEP_QUEUE;

  /* No answer: it may be stored, naming this chunk, which stays. The
   * next attempt finds out (its metadata, said to be new, is refused). */
  if (!item->meta.refused)
    return upload_failed (op, &item->meta.error);

  /* Refused: this chunk is nobody's. */
  assay_cluster_objects_purge_chunks (js, ASSAY_CLUSTER_PDF_BUCKET, item->info.nuid);

  /* Stored meanwhile (by another client, or by an attempt of this one
   * whose answer was lost): the object there is used. */
  if (item->meta.js_error == ASSAY_CLUSTER_JS_WRONG_LAST_SEQUENCE)
    {
      assay_cluster_object_info_clear (&item->info);
      if (assay_cluster_objects_get_info (self->connection, ASSAY_CLUSTER_PDF_BUCKET, op->job->sha256,
                                          &item->info, &error) &&
          item->info.size == op->job->size)
        return STEP_QUEUE;
      /* Not the same after all: replaced, as a listed one would be. */
      g_clear_error (&error);
      if (!upload_now (self, item, &op->error))
        return STEP_FINISHED;
      return STEP_QUEUE;
    }

  return upload_failed (op, &item->meta.error);
}

/* Adds @item's job to @publisher: where its PDF's bytes are goes in. */
static void
queue_job (Item                  *item,
           AssayClusterPublisher *publisher)
{
  AssayClusterJob *job = item->op->job;
  g_autofree char *json = NULL;
  natsMsg *msg = NULL;
  natsStatus s;

  g_free (job->object_nuid);
  job->object_nuid = g_strdup (item->info.nuid);
  job->object_chunks = item->info.n_chunks;
  g_free (job->object_digest);
  job->object_digest = g_strdup (item->info.digest);

  json = assay_cluster_job_to_json (job);
  s = natsMsg_Create (&msg, ASSAY_CLUSTER_EXTRACT_SUBJECT, NULL, json, (int) strlen (json));
  if (s != NATS_OK)
    {
      assay_cluster_set_error (&item->job.error, s, 0, _("cannot queue the document"));
      return;
    }
  assay_cluster_publisher_add (publisher, msg, item->msg_id, _("cannot queue the document"), &item->job);
}

/* On the submitter's context, never here: a document's completion may
 * drop the last reference to the submitter, whose finalization waits for
 * this thread. */
static void
hand_back (AssayClusterSubmitter *self,
           Op                    *op)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, op_done, op, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Whether @op failed for the moment only (the server away, or busy): it
 * is tried again until RECONNECT_WAIT_US after its first such failure
 * (set here then). */
static gboolean
is_worth_retrying (Op *op)
{
  gint64 now = g_get_monotonic_time ();

  if (!g_error_matches (op->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_UNREACHABLE) &&
      !g_error_matches (op->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_SERVER))
    return FALSE;
  if (g_cancellable_is_cancelled (op->cancellable))
    return FALSE;
  if (op->retry_until_us == 0)
    op->retry_until_us = now + RECONNECT_WAIT_US;

  return now < op->retry_until_us;
}

/* Submits @ops (Op*, taken) as one batch: their lookups; then the chunk of
 * every new small PDF at once, one wait; their metadata at once, one wait;
 * then every job at once, one wait. A job goes only once its PDF is
 * whole (the job and object streams are apart: the server orders neither
 * against the other). Each document's outcome goes to the main context,
 * or, when it failed for the moment, back in the queue. Returns whether
 * any went back. */
static gboolean
submit_batch (AssayClusterSubmitter *self,
              AssayClusterPublisher *publisher,
              GPtrArray             *ops)
{
  g_autofree Item *items = g_new0 (Item, ops->len);
  gboolean any_chunk = FALSE, any_meta = FALSE, any_job = FALSE, again = FALSE;

  for (guint i = 0; i < ops->len; i++)
    {
      Item *item = &items[i];

      item->op = g_ptr_array_index (ops, i);
      item->step = STEP_FINISHED;
      if (g_cancellable_set_error_if_cancelled (item->op->cancellable, &item->op->error))
        continue;
      /* Away: no lookup would answer before it timed out; all go again. */
      if (!assay_cluster_connection_is_connected (self->connection))
        {
          g_set_error_literal (&item->op->error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_UNREACHABLE,
                               _("Not connected to the cluster"));
          continue;
        }
      item->step = prepare (self, publisher, item);
      any_chunk |= item->step == STEP_CHUNK;
    }

  if (any_chunk)
    {
      assay_cluster_publisher_wait (publisher);
      for (guint i = 0; i < ops->len; i++)
        if (items[i].step == STEP_CHUNK)
          {
            items[i].step = check_chunk (self, publisher, &items[i]);
            any_meta |= items[i].step == STEP_META;
          }
    }
  if (any_meta)
    {
      assay_cluster_publisher_wait (publisher);
      for (guint i = 0; i < ops->len; i++)
        if (items[i].step == STEP_META)
          {
            items[i].step = check_meta (self, &items[i]);
            if (items[i].step == STEP_QUEUE)
              remember_pdf (self, items[i].op->job->sha256);
          }
    }

  for (guint i = 0; i < ops->len; i++)
    if (items[i].step == STEP_QUEUE)
      {
        queue_job (&items[i], publisher);
        any_job = TRUE;
      }
  if (any_job)
    assay_cluster_publisher_wait (publisher);

  for (guint i = 0; i < ops->len; i++)
    {
      Item *item = &items[i];
      Op *op = item->op;

      /* A job without an answer goes again under the same message id: the
       * server drops it if it had it after all. */
      if (item->step == STEP_QUEUE)
        {
          if (item->job.stored && item->job.duplicate)
            g_debug ("%s was queued already", op->job->path);
          else if (!item->job.stored)
            op->error = g_steal_pointer (&item->job.error);
        }
      item_clear (item);

      /* A lost connection comes back by itself: the document waits for it
       * (bounded) rather than failing. */
      if (op->error != NULL && is_worth_retrying (op))
        {
          g_debug ("Submitting %s again: %s", op->job->path, op->error->message);
          g_clear_error (&op->error);
          g_async_queue_push (self->submits, op);
          again = TRUE;
          continue;
        }
      hand_back (self, op);
    }
  g_ptr_array_set_free_func (ops, NULL);

  return again;
}

static void
collect (Op *op)
{
  g_autoptr(GBytes) value = NULL;
  g_autoptr(GError) error = NULL;

  g_debug ("Reading the result of %s from the bucket", op->job->path);
  value = assay_cluster_results_get (op->self->results, op->job->key, NULL, &error);
  if (value == NULL)
    {
      /* Not there yet, or not reachable now: the next poll asks again. */
      if (!g_error_matches (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND))
        g_debug ("Could not read the result of %s: %s", op->job->path, error->message);
      return;
    }

  op->result = parse_result (value, &op->error);
}

/* The io threads: reading results back. */
static void
io_thread (gpointer data,
           gpointer user_data)
{
  Op *op = data;

  collect (op);
  hand_back (op->self, op);
}

/* The submitting thread: every document queued meanwhile, in batches of
 * at most MAX_BATCH. */
static void
submit_thread (gpointer data,
               gpointer user_data)
{
  AssayClusterSubmitter *self = data;
  g_autoptr(GError) error = NULL;
  gboolean again = FALSE;

  for (;;)
    {
      g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
      Op *op;

      /* Those that failed for the moment go again after a pause (each
       * until its own deadline; a cancelled one ends at its next turn). */
      if (again)
        g_usleep (RETRY_PAUSE_US);
      while (ops->len < MAX_BATCH && (op = g_async_queue_try_pop (self->submits)) != NULL)
        g_ptr_array_add (ops, op);
      if (ops->len == 0)
        return;

      if (self->publisher == NULL && error == NULL)
        self->publisher = assay_cluster_publisher_new (self->connection, &error);
      if (self->publisher == NULL)
        {
          /* Nothing can go: each document says why. */
          for (guint i = 0; i < ops->len; i++)
            {
              op = g_ptr_array_index (ops, i);
              op->error = g_error_copy (error);
              hand_back (self, op);
            }
          g_ptr_array_set_free_func (ops, NULL);
          continue;
        }
      again = submit_batch (self, self->publisher, ops);
    }
}

static void
push_op (AssayClusterSubmitter *self,
         OpKind                 kind,
         Pending               *pending)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->self = g_object_ref (self);
  op->job = assay_cluster_job_copy (pending->job);
  op->cancellable = g_task_get_cancellable (pending->task) != NULL
                    ? g_object_ref (g_task_get_cancellable (pending->task))
                    : g_cancellable_new ();
  if (kind == OP_COLLECT)
    {
      pending->collecting = TRUE;
      g_thread_pool_push (self->io, op, NULL);
      return;
    }
  /* The submitting thread takes every document queued so far at once. */
  g_async_queue_push (self->submits, op);
  g_thread_pool_push (self->submitting, self, NULL);
}

/* ------------------------------------------------------------------------ */
/* Pending documents (main thread)                                            */

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->task);
  g_clear_pointer (&pending->key, g_free);
  g_clear_pointer (&pending->path, g_free);
  g_clear_pointer (&pending->job, assay_cluster_job_free);
  g_clear_pointer (&pending->worker, g_free);
  g_free (pending);
}

static void
remove_pending (AssayClusterSubmitter *self,
                Pending               *pending)
{
  GPtrArray *list = g_hash_table_lookup (self->pending, pending->key);

  if (pending->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (pending->task), pending->cancelled_id);
      pending->cancelled_id = 0;
    }

  if (list != NULL && g_ptr_array_remove_fast (list, pending))
    {
      g_assert (self->n_pending > 0);
      self->n_pending--;
      if (list->len == 0)
        g_hash_table_remove (self->pending, pending->key);
    }
}

/* Sets the result's source path to @path: the same content may be at
 * another path here than where the worker was told it was. */
static void
set_source_path (JsonNode   *result,
                 const char *path,
                 gboolean    cached)
{
  JsonObject *object = json_node_get_object (result);
  JsonObject *source;

  json_object_set_boolean_member (object, "cached", cached);
  if (!json_object_has_member (object, "source"))
    return;
  source = json_object_get_object_member (object, "source");
  if (source != NULL)
    json_object_set_string_member (source, "path", path);
}

static AssayStage
stage_of_result (JsonObject *error)
{
  const char *name = json_object_get_string_member_with_default (error, "stage", "extract");

  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    if (g_str_equal (name, assay_stage_to_string (i)))
      return i;

  return ASSAY_STAGE_EXTRACT;
}

/* Completes @pending (which is removed and freed) with @result: done,
 * or a failure as the worker stored it. */
static void
complete_with_result (AssayClusterSubmitter *self,
                      Pending               *pending,
                      JsonNode              *result,
                      gboolean               cached)
{
  JsonObject *object = json_node_get_object (result);
  const char *status = json_object_get_string_member_with_default (object, "status", "failed");
  g_autoptr(GTask) task = g_object_ref (pending->task);

  remove_pending (self, pending);

  if (g_str_equal (status, "done"))
    {
      /* Changed in place: json_node_copy() would share the object anyway
       * (json-glib copies nodes, not what they hold), and each result
       * here is one document's alone (read or received for it). */
      g_autoptr(JsonNode) own = json_node_ref (result);

      Outcome *outcome = g_new0 (Outcome, 1);

      set_source_path (own, pending->path, cached);
      pending_free (pending);
      outcome->node = g_steal_pointer (&own);
      g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
      return;
    }

  {
    JsonObject *error = json_object_has_member (object, "error")
                        ? json_object_get_object_member (object, "error") : NULL;
    const char *message = error != NULL
                          ? json_object_get_string_member_with_default (error, "message", NULL) : NULL;
    AssayStage *stage = g_new (AssayStage, 1);

    *stage = error != NULL ? stage_of_result (error) : ASSAY_STAGE_EXTRACT;
    g_object_set_data_full (G_OBJECT (task), "assay-error-stage", stage, g_free);
    pending_free (pending);
    if (g_str_equal (status, "needs-password"))
      g_task_return_new_error (task, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD, "%s",
                               message != NULL ? message : _("The PDF needs a password"));
    else
      g_task_return_new_error (task, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_SERVER, "%s",
                               message != NULL ? message : _("The document failed on the cluster"));
  }
}

static void
complete_with_error (AssayClusterSubmitter *self,
                     Pending               *pending,
                     GError                *error)
{
  g_autoptr(GTask) task = g_object_ref (pending->task);

  remove_pending (self, pending);
  pending_free (pending);
  g_task_return_error (task, error);
}

/* Completes @pending with a done result that came as its @digest and
 * @text (a "done" message), handed on as they are when the worker was told
 * the same path as @pending's (the text says where the file is). Anything
 * else is read from the bucket and parsed on an io thread, as when no
 * result comes with the message. */
static void
complete_with_text (AssayClusterSubmitter *self,
                    Pending               *pending,
                    JsonNode              *digest,
                    GBytes                *text)
{
  JsonObject *object = json_node_get_object (digest);
  JsonObject *source = json_object_has_member (object, "source") &&
                       JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "source"))
                       ? json_object_get_object_member (object, "source") : NULL;
  const char *status = json_object_get_string_member_with_default (object, "status", NULL);
  const char *path = source != NULL ? json_object_get_string_member_with_default (source, "path", NULL) : NULL;
  gboolean cached = json_object_get_boolean_member_with_default (object, "cached", TRUE);

  if (g_strcmp0 (status, "done") == 0 && !cached && g_strcmp0 (path, pending->path) == 0)
    {
      g_autoptr(GTask) task = g_object_ref (pending->task);
      Outcome *outcome = g_new0 (Outcome, 1);

      remove_pending (self, pending);
      pending_free (pending);
      outcome->node = json_node_ref (digest);
      outcome->text = g_bytes_ref (text);
      g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
      return;
    }

  push_op (self, OP_COLLECT, pending);
}

static Pending *
find_pending (AssayClusterSubmitter *self,
              const char            *key,
              const char            *path)
{
  GPtrArray *list = g_hash_table_lookup (self->pending, key);

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      Pending *pending = g_ptr_array_index (list, i);

      if (path == NULL || g_str_equal (pending->path, path))
        return pending;
    }

  return NULL;
}

static gboolean
op_done (gpointer user_data)
{
  Op *op = user_data;
  AssayClusterSubmitter *self = op->self;
  Pending *pending = find_pending (self, op->job->key, op->job->path);

  if (pending == NULL)
    goto out;   /* cancelled meanwhile, or done by another op */

  if (op->kind == OP_SUBMIT)
    {
      if (op->result != NULL)
        complete_with_result (self, pending, op->result, op->cached);
      else if (op->error != NULL)
        {
          if (g_cancellable_is_cancelled (op->cancellable))
            complete_with_error (self, pending, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                                     _("Cancelled")));
          else
            complete_with_error (self, pending, g_steal_pointer (&op->error));
        }
      else
        {
          pending->submitted = TRUE;
          pending->last_heard_us = g_get_monotonic_time ();
          if (pending->progress != NULL)
            pending->progress (pending->progress_data, ASSAY_DOCUMENT_QUEUED, 0.0, NULL);
        }
    }
  else
    {
      pending->collecting = FALSE;
      /* Asking is not hearing: the watchdog goes by last_heard_us. */
      pending->last_asked_us = g_get_monotonic_time ();
      if (op->result != NULL)
        self->last_progress_us = pending->last_asked_us;
      if (op->result != NULL)
        complete_with_result (self, pending, op->result, FALSE);
      else if (op->error != NULL)
        complete_with_error (self, pending, g_steal_pointer (&op->error));
    }

out:
  op_free (op);
  return G_SOURCE_REMOVE;
}

static AssayDocumentState
state_of_progress (const char *state)
{
  if (g_strcmp0 (state, "reading") == 0)
    return ASSAY_DOCUMENT_READING;
  if (g_strcmp0 (state, "extracting") == 0)
    return ASSAY_DOCUMENT_EXTRACTING;
  if (g_strcmp0 (state, "analysing") == 0)
    return ASSAY_DOCUMENT_ANALYSING;

  return ASSAY_DOCUMENT_QUEUED;
}

static gboolean
worker_is_gone (AssayClusterSubmitter *self,
                const char            *name)
{
  AssayClusterWorkerInfo *info = name != NULL ? assay_cluster_monitor_lookup (self->monitor, name) : NULL;

  return info != NULL && assay_cluster_worker_info_get_gone (info);
}

/* Main context: what a worker said about a document. */
static void
take_progress (gpointer owner,
               gpointer item)
{
  AssayClusterSubmitter *self = owner;
  AssayClusterProgress *progress = item;
  GPtrArray *list = g_hash_table_lookup (self->pending, progress->key);
  gboolean finished = g_str_equal (progress->state, "done") || g_str_equal (progress->state, "failed");

  self->last_progress_us = g_get_monotonic_time ();

  /* The result came with the message (the worker sends it once it is
   * stored): no read of the bucket. With the same content at more than
   * one path, each reads its own copy as before. */
  if (finished && list != NULL && list->len == 1 &&
      !((Pending *) g_ptr_array_index (list, 0))->collecting)
    {
      if (progress->result_text != NULL)
        {
          complete_with_text (self, g_ptr_array_index (list, 0), progress->digest, progress->result_text);
          return;
        }
      if (progress->result != NULL)
        {
          complete_with_result (self, g_ptr_array_index (list, 0), progress->result, FALSE);
          return;
        }
    }

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      Pending *pending = g_ptr_array_index (list, i);

      pending->last_heard_us = g_get_monotonic_time ();
      if (finished)
        {
          if (!pending->collecting)
            push_op (self, OP_COLLECT, pending);
        }
      else if (!worker_is_gone (self, progress->worker))
        {
          /* (A late word from a worker that has gone, let go of already,
           * would bring it back.) */
          g_free (pending->worker);
          pending->worker = g_strdup (progress->worker);
          if (pending->progress != NULL)
            pending->progress (pending->progress_data, state_of_progress (progress->state),
                               progress->progress, progress->worker);
        }
    }
}

/* libnats' delivery thread. */
static void
progress_received (natsConnection   *nc,
                   natsSubscription *sub,
                   natsMsg          *msg,
                   void             *closure)
{
  AssayClusterInbox *inbox = closure;
  AssayClusterProgress *progress;
  const char *spans = NULL;

  /* A "done" message that says where its result's digest and text are:
   * the digest is parsed, the text is not. */
  if (natsMsgHeader_Get (msg, ASSAY_CLUSTER_PROGRESS_SPANS_HEADER, &spans) != NATS_OK)
    spans = NULL;
  progress = assay_cluster_progress_from_json_with_spans (natsMsg_GetData (msg),
                                                          natsMsg_GetDataLength (msg), spans);
  natsMsg_Destroy (msg);
  if (progress != NULL)
    assay_cluster_inbox_push (inbox, progress);
}

/* Whether the cluster moves: a worker busy, a job finished anywhere (by
 * the workers' figures), a worker come or gone; or no connection to tell
 * (then nothing can be known to be lost). */
static gboolean
cluster_moved (AssayClusterSubmitter *self)
{
  GListModel *workers = assay_cluster_monitor_get_workers (self->monitor);
  guint n = g_list_model_get_n_items (workers);
  guint64 finished = 0;
  gboolean busy = FALSE;
  gboolean moved;

  if (!assay_cluster_connection_is_connected (self->connection))
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayClusterWorkerInfo) info = g_list_model_get_item (workers, i);

      finished += assay_cluster_worker_info_get_done (info) + assay_cluster_worker_info_get_failed (info);
      if (!assay_cluster_worker_info_get_gone (info) && assay_cluster_worker_info_get_in_flight (info) > 0)
        busy = TRUE;
    }
  moved = busy || finished != self->workers_finished || n != self->n_workers;
  self->workers_finished = finished;
  self->n_workers = n;

  return moved;
}

/* The watchdog: a job can be lost (its stream purged, the server
 * restarted without its store) and then no worker will ever say a word
 * of it. When nothing moved on the cluster for STALL_ACK_WAITS AckWaits
 * (past which any job taken would have been given to another worker), the
 * documents not heard of for that long fail, and the batch goes on. */
static void
fail_stalled (AssayClusterSubmitter *self,
              gint64                 now)
{
  gint64 limit = (gint64) STALL_ACK_WAITS * assay_cluster_get_ack_wait_s () * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) stalled = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  if (cluster_moved (self) || self->last_progress_us == 0)
    self->last_progress_us = now;
  if (now - self->last_progress_us <= limit)
    return;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *list = value;

      for (guint i = 0; i < list->len; i++)
        {
          Pending *pending = g_ptr_array_index (list, i);

          if (pending->submitted && !pending->collecting && now - pending->last_heard_us > limit)
            g_ptr_array_add (stalled, pending);
        }
    }

  for (guint i = 0; i < stalled->len; i++)
    {
      Pending *pending = g_ptr_array_index (stalled, i);
      guint seconds = (guint) (limit / G_USEC_PER_SEC);

      g_message ("%s: no worker has said a word of it for %u s, nor done anything: taken as lost",
                 pending->path, seconds);
      complete_with_error (self, pending,
                           g_error_new (ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_SERVER,
                                        g_dngettext (GETTEXT_PACKAGE,
                                                     "The cluster lost the job: no worker took it or made any "
                                                     "progress for %u second (was the work stream purged, or "
                                                     "the server restarted without its store?). Add the "
                                                     "document again to retry.",
                                                     "The cluster lost the job: no worker took it or made any "
                                                     "progress for %u seconds (was the work stream purged, or "
                                                     "the server restarted without its store?). Add the "
                                                     "document again to retry.",
                                                     seconds),
                                        seconds));
    }
}

/* A document whose worker has gone (killed, its machine lost: no
 * figures from it for three intervals) is nobody's until AckWait hands
 * its job to another worker: it shows as queued again, not as still
 * being read by a worker that is not there. */
static void
let_go_if_gone (AssayClusterSubmitter *self,
                Pending               *pending)
{
  if (pending->worker == NULL || !worker_is_gone (self, pending->worker))
    return;

  g_debug ("%s: its worker %s has gone; queued until another takes it", pending->path, pending->worker);
  g_clear_pointer (&pending->worker, g_free);
  if (pending->progress != NULL)
    pending->progress (pending->progress_data, ASSAY_DOCUMENT_QUEUED, 0.0, NULL);
}

/* Asks the bucket about documents not heard of for a while; lets go of
 * those whose worker has gone. */
static gboolean
poll_pending (gpointer user_data)
{
  AssayClusterSubmitter *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;

  fail_stalled (self, now);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *list = value;

      for (guint i = 0; i < list->len; i++)
        {
          Pending *pending = g_ptr_array_index (list, i);

          let_go_if_gone (self, pending);
          if (pending->submitted && !pending->collecting &&
              now - MAX (pending->last_heard_us, pending->last_asked_us) > POLL_AFTER_US)
            push_op (self, OP_COLLECT, pending);
        }
    }

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */
/* AssayRemote                                                                */

typedef struct
{
  AssayClusterSubmitter *self;
  char                  *key;
  char                  *path;
} CancelData;

static void
cancel_data_free (gpointer data)
{
  CancelData *cancel = data;

  g_clear_object (&cancel->self);
  g_free (cancel->key);
  g_free (cancel->path);
  g_free (cancel);
}

static gboolean
cancel_in_idle (gpointer user_data)
{
  CancelData *cancel = user_data;
  Pending *pending = find_pending (cancel->self, cancel->key, cancel->path);

  if (pending != NULL)
    complete_with_error (cancel->self, pending,
                         g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
  cancel_data_free (cancel);

  return G_SOURCE_REMOVE;
}

/* The job stays on the cluster (another submitter may want it); this
 * document stops waiting for it. Completed from an idle, never from
 * inside the cancellation. */
static void
pending_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  CancelData *cancel = user_data;
  CancelData *copy = g_new0 (CancelData, 1);
  GSource *source;

  copy->self = g_object_ref (cancel->self);
  copy->key = g_strdup (cancel->key);
  copy->path = g_strdup (cancel->path);
  source = g_idle_source_new ();
  g_source_set_callback (source, cancel_in_idle, copy, NULL);
  g_source_attach (source, cancel->self->context);
  g_source_unref (source);
}

static void
submitter_process_async (AssayRemote              *remote,
                         const AssayRemoteRequest *request,
                         GCancellable             *cancellable,
                         GAsyncReadyCallback       callback,
                         gpointer                  user_data)
{
  AssayClusterSubmitter *self = ASSAY_CLUSTER_SUBMITTER (remote);
  g_autoptr(GTask) task = NULL;
  g_autoptr(AssayTemplate) builtin = NULL;
  g_autofree char *builtin_key = NULL;
  const char *template_name = assay_template_get_name (request->template_);
  Pending *pending;
  GPtrArray *list;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, submitter_process_async);

  /* Workers know the built-in templates only. */
  builtin = assay_template_lookup (template_name);
  if (builtin != NULL)
    builtin_key = assay_template_get_cache_key (builtin);
  if (builtin_key == NULL || !g_str_equal (builtin_key, request->template_key))
    {
      g_task_return_new_error (task, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                               _("Cluster mode takes the built-in templates only, not “%s”"),
                               template_name);
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->task = g_steal_pointer (&task);
  pending->path = g_strdup (request->path);
  pending->key = assay_cluster_result_key (request->sha256, request->template_key,
                                           request->extractor_id);
  pending->progress = request->progress;
  pending->progress_data = request->progress_data;
  pending->job = assay_cluster_job_new ();
  pending->job->key = g_strdup (pending->key);
  pending->job->sha256 = g_ascii_strdown (request->sha256, -1);
  pending->job->size = request->size;
  pending->job->path = g_strdup (request->path);
  pending->job->template_name = g_strdup (template_name);
  pending->job->template_key = g_strdup (request->template_key);
  pending->job->extractor_id = g_strdup (request->extractor_id);
  pending->job->batch = g_strdup (self->batch);
  pending->job->stages = self->follow_stages;
  /* A PDF's password travels in its extract job (TLS with tls://), which
   * the server deletes once the job is done; the analyse job has none. */
  pending->job->password = g_strdup (request->password);

  list = g_hash_table_lookup (self->pending, pending->key);
  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->pending, g_strdup (pending->key), list);
    }
  g_ptr_array_add (list, pending);
  self->n_pending++;

  if (cancellable != NULL)
    {
      CancelData *cancel = g_new0 (CancelData, 1);

      cancel->self = g_object_ref (self);
      cancel->key = g_strdup (pending->key);
      cancel->path = g_strdup (pending->path);
      pending->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (pending_cancelled),
                                                     cancel, cancel_data_free);
      if (pending->cancelled_id == 0)
        return;   /* cancelled already: completed from an idle */
    }

  push_op (self, OP_SUBMIT, pending);
}

static JsonNode *
submitter_process_finish_full (AssayRemote   *remote,
                               GAsyncResult  *result,
                               AssayStage    *error_stage,
                               GBytes       **text,
                               GError       **error)
{
  AssayStage *stage = g_object_get_data (G_OBJECT (result), "assay-error-stage");
  Outcome *outcome;
  JsonNode *node;

  g_return_val_if_fail (g_task_is_valid (result, remote), NULL);

  if (stage != NULL)
    *error_stage = *stage;

  outcome = g_task_propagate_pointer (G_TASK (result), error);
  if (outcome == NULL)
    return NULL;
  node = g_steal_pointer (&outcome->node);
  *text = g_steal_pointer (&outcome->text);
  outcome_free (outcome);

  return node;
}

/* The whole result, parsed from its text when it came as its digest. */
static JsonNode *
submitter_process_finish (AssayRemote   *remote,
                          GAsyncResult  *result,
                          AssayStage    *error_stage,
                          GError       **error)
{
  g_autoptr(GBytes) text = NULL;
  g_autoptr(JsonNode) node = submitter_process_finish_full (remote, result, error_stage, &text, error);

  if (node == NULL || text == NULL)
    return g_steal_pointer (&node);

  return parse_result (text, error);
}

static void
assay_cluster_submitter_remote_init (AssayRemoteInterface *iface)
{
  iface->process_async = submitter_process_async;
  iface->process_finish = submitter_process_finish;
  iface->process_finish_full = submitter_process_finish_full;
}

/* ------------------------------------------------------------------------ */

static char *
new_batch_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new (NULL);

  for (const char *c = uuid; *c != '\0'; c++)
    if (*c != '-')
      g_string_append_c (id, *c);

  return g_string_free (id, FALSE);
}

static AssayClusterSubmitter *
submitter_new (const AssayClusterOptions  *options,
               GMainContext               *context,
               GCancellable               *cancellable,
               GError                    **error)
{
  g_autoptr(AssayClusterSubmitter) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *subject = NULL;
  natsStatus s;

  self = g_object_new (ASSAY_TYPE_CLUSTER_SUBMITTER, NULL);
  self->context = g_main_context_ref (context);
  self->connection = assay_cluster_connection_new_sync (options, cancellable, error);
  if (self->connection == NULL)
    return NULL;
  if (!assay_cluster_layout_ensure (self->connection, error))
    return NULL;
  self->results = assay_cluster_layout_open_results (self->connection, error);
  if (self->results == NULL)
    return NULL;
  self->listed_us = g_get_monotonic_time ();
  self->result_keys = assay_cluster_results_dup_keys (self->connection, MAX_LISTED_SUBJECTS,
                                                      &local_error);
  if (local_error != NULL)
    g_debug ("Could not list the results on the cluster (each is looked up): %s",
             local_error->message);
  g_clear_error (&local_error);
  self->pdf_names = assay_cluster_objects_dup_names (self->connection, ASSAY_CLUSTER_PDF_BUCKET,
                                                     MAX_LISTED_SUBJECTS, &local_error);
  if (local_error != NULL)
    g_debug ("Could not list the PDFs on the cluster (each is looked up): %s",
             local_error->message);

  self->batch = new_batch_id ();
  self->inbox = assay_cluster_inbox_new (context, G_OBJECT (self), G_PRIORITY_DEFAULT_IDLE,
                                         "[assay] cluster progress", take_progress,
                                         (GDestroyNotify) assay_cluster_progress_free);
  subject = g_strdup_printf ("%s.%s.>", ASSAY_CLUSTER_PROGRESS_PREFIX, self->batch);
  s = natsConnection_Subscribe (&self->progress_sub,
                                assay_cluster_connection_get_nats (self->connection),
                                subject, progress_received, self->inbox);
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, 0, _("cannot follow the workers' progress")), NULL);
  /* The subscription holds the inbox until its last callback has run. */
  natsSubscription_SetOnCompleteCB (self->progress_sub, assay_cluster_inbox_unref,
                                    assay_cluster_inbox_ref (self->inbox));
  natsSubscription_SetPendingLimits (self->progress_sub, -1, 64 * 1024 * 1024);

  self->monitor = assay_cluster_monitor_new (self->connection, context, error);
  if (self->monitor == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

static void
start_polling (AssayClusterSubmitter *self)
{
  GSource *source = g_timeout_source_new (POLL_INTERVAL_MS);

  g_source_set_callback (source, poll_pending, self, NULL);
  self->poll_source = g_source_attach (source, self->context);
  g_source_unref (source);
}

/**
 * assay_cluster_submitter_new_sync:
 *
 * Connects (bounded by the connect timeout), makes the streams and buckets
 * when missing and starts following progress. Blocks: the command line's
 * main thread before its loop runs, or any other thread; the submitter
 * delivers to the calling thread's default main context.
 *
 * Returns: (transfer full): the submitter, or %NULL with @error set
 */
AssayClusterSubmitter *
assay_cluster_submitter_new_sync (const AssayClusterOptions  *options,
                                  GCancellable               *cancellable,
                                  GError                    **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  AssayClusterSubmitter *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = submitter_new (options, context, cancellable, error);
  if (self != NULL)
    start_polling (self);

  return self;
}

typedef struct
{
  AssayClusterOptions *options;
  GMainContext        *context;
} NewData;

static void
new_data_free (NewData *data)
{
  assay_cluster_options_free (data->options);
  g_main_context_unref (data->context);
  g_free (data);
}

static gpointer
new_thread (gpointer user_data)
{
  GTask *task = user_data;
  NewData *data = g_task_get_task_data (task);
  GError *error = NULL;
  AssayClusterSubmitter *self;

  self = submitter_new (data->options, data->context, g_task_get_cancellable (task), &error);
  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
  g_object_unref (task);

  return NULL;
}

/**
 * assay_cluster_submitter_new_async:
 *
 * assay_cluster_submitter_new_sync() on a thread of its own (connecting
 * blocks in libnats), for a window. Main thread; the submitter delivers
 * to this thread's default main context.
 */
void
assay_cluster_submitter_new_async (const AssayClusterOptions *options,
                                   GCancellable              *cancellable,
                                   GAsyncReadyCallback        callback,
                                   gpointer                   user_data)
{
  GTask *task;
  NewData *data;

  g_return_if_fail (options != NULL);

  data = g_new0 (NewData, 1);
  data->options = assay_cluster_options_copy (options);
  data->context = g_main_context_ref_thread_default ();
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cluster_submitter_new_async);
  g_task_set_task_data (task, data, (GDestroyNotify) new_data_free);
  g_thread_unref (g_thread_new ("assay-nats-connect", new_thread, task));
}

/**
 * assay_cluster_submitter_new_finish:
 *
 * Returns: (transfer full): the submitter, or %NULL with @error set
 *   (%ASSAY_CLUSTER_ERROR_UNREACHABLE, _AUTH, _CONFIG, _SERVER)
 */
AssayClusterSubmitter *
assay_cluster_submitter_new_finish (GAsyncResult  *result,
                                    GError       **error)
{
  AssayClusterSubmitter *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  self = g_task_propagate_pointer (G_TASK (result), error);
  if (self != NULL)
    start_polling (self);

  return self;
}

AssayClusterConnection *
assay_cluster_submitter_get_connection (AssayClusterSubmitter *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_SUBMITTER (self), NULL);

  return self->connection;
}

/**
 * assay_cluster_submitter_get_batch_id:
 *
 * Returns: the id of this submitter's progress subjects
 *   (assay.progress.<id>.<sha256>)
 */
const char *
assay_cluster_submitter_get_batch_id (AssayClusterSubmitter *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_SUBMITTER (self), NULL);

  return self->batch;
}

/**
 * assay_cluster_submitter_get_workers:
 *
 * The workers on the submitter's server, as they publish their figures
 * (AssayClusterMonitor): whatever submitted their jobs.
 *
 * Returns: (transfer none): a GListModel of AssayClusterWorkerInfo,
 *   sorted by name, changing on the submitter's main context
 */
GListModel *
assay_cluster_submitter_get_workers (AssayClusterSubmitter *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_SUBMITTER (self), NULL);

  return assay_cluster_monitor_get_workers (self->monitor);
}

/**
 * assay_cluster_submitter_set_follow_stages:
 * @follow: %TRUE (the default): the documents' states follow each stage
 *   as a worker starts it, and their `worker` property names it; %FALSE:
 *   the workers report each document's end only (and, while a long one
 *   runs, that it still does), for a batch whose progress nobody watches
 *
 * For the documents submitted from now on.
 */
void
assay_cluster_submitter_set_follow_stages (AssayClusterSubmitter *self,
                                           gboolean               follow)
{
  g_return_if_fail (ASSAY_IS_CLUSTER_SUBMITTER (self));

  self->follow_stages = !!follow;
}

guint
assay_cluster_submitter_get_n_pending (AssayClusterSubmitter *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_SUBMITTER (self), 0);

  return self->n_pending;
}

static void
assay_cluster_submitter_dispose (GObject *object)
{
  AssayClusterSubmitter *self = ASSAY_CLUSTER_SUBMITTER (object);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_object (&self->monitor);
  if (self->progress_sub != NULL)
    {
      natsSubscription_Unsubscribe (self->progress_sub);
      natsSubscription_Destroy (self->progress_sub);
      self->progress_sub = NULL;
    }

  G_OBJECT_CLASS (assay_cluster_submitter_parent_class)->dispose (object);
}

static void
assay_cluster_submitter_finalize (GObject *object)
{
  AssayClusterSubmitter *self = ASSAY_CLUSTER_SUBMITTER (object);

  /* Ops hold the submitter: none is left by now. */
  g_clear_pointer (&self->pending, g_hash_table_unref);
  if (self->submitting != NULL)
    g_thread_pool_free (self->submitting, FALSE, TRUE);
  g_clear_pointer (&self->submits, g_async_queue_unref);
  g_clear_pointer (&self->publisher, assay_cluster_publisher_free);
  if (self->io != NULL)
    g_thread_pool_free (self->io, FALSE, TRUE);
  g_clear_pointer (&self->inbox, assay_cluster_inbox_unref);
  g_clear_pointer (&self->results, kvStore_Destroy);
  if (self->connection != NULL)
    assay_cluster_connection_close (self->connection);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->batch, g_free);
  g_clear_pointer (&self->pdf_names, g_hash_table_unref);
  g_clear_pointer (&self->result_keys, g_hash_table_unref);
  g_mutex_clear (&self->names_lock);

  G_OBJECT_CLASS (assay_cluster_submitter_parent_class)->finalize (object);
}

static void
assay_cluster_submitter_class_init (AssayClusterSubmitterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_cluster_submitter_dispose;
  object_class->finalize = assay_cluster_submitter_finalize;
}

static void
assay_cluster_submitter_init (AssayClusterSubmitter *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->io = g_thread_pool_new (io_thread, NULL, IO_THREADS, FALSE, NULL);
  self->submitting = g_thread_pool_new (submit_thread, NULL, 1, FALSE, NULL);
  self->submits = g_async_queue_new ();
  g_mutex_init (&self->names_lock);
  self->follow_stages = TRUE;
}
