/* assay-cluster-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Streams, consumers and buckets are made when missing and left alone when
 * they exist: an operator (deploy/) may have made them with other limits.
 */
#define G_LOG_DOMAIN "assay-cluster-layout"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-cluster-layout.h"
#include "assay-cluster-objects.h"

#define NS_PER_S ((int64_t) 1000000000)

/* Jobs kept per stage at most: a submitter past it gets a clear error. */
#define MAX_QUEUED_JOBS      1000000
#define MAX_QUEUE_BYTES      ((int64_t) 1024 * 1024 * 1024)
#define DUPLICATE_WINDOW_S   (2 * 60)

/**
 * assay_cluster_get_ack_wait_s:
 *
 * How long a worker may hold a job without a sign of life before the
 * server gives it to another: 30 s, or `$ASSAY_CLUSTER_ACK_WAIT` seconds
 * (for tests) when the consumers are made.
 */
guint
assay_cluster_get_ack_wait_s (void)
{
  const char *env = g_getenv ("ASSAY_CLUSTER_ACK_WAIT");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &value, NULL))
    return (guint) value;

  return ASSAY_CLUSTER_ACK_WAIT_S;
}

static gboolean
ensure_work_stream (jsCtx       *js,
                    const char  *stream,
                    const char  *subject,
                    const char  *consumer,
                    GError     **error)
{
  jsStreamConfig config;
  jsConsumerConfig cconfig;
  jsStreamInfo *si = NULL;
  jsConsumerInfo *ci = NULL;
  jsErrCode jerr = 0;
  const char *subjects[] = { subject };
  natsStatus s;

  s = js_GetStreamInfo (&si, js, stream, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    {
      jsStreamConfig_Init (&config);
      config.Name = stream;
      config.Subjects = subjects;
      config.SubjectsLen = 1;
      config.Retention = js_WorkQueuePolicy;
      config.Storage = js_FileStorage;
      config.Discard = js_DiscardNew;
      config.MaxMsgs = MAX_QUEUED_JOBS;
      config.MaxBytes = MAX_QUEUE_BYTES;
      config.MaxMsgSize = ASSAY_CLUSTER_MAX_JOB_BYTES;
      config.Duplicates = DUPLICATE_WINDOW_S * NS_PER_S;
      s = js_AddStream (&si, js, &config, NULL, &jerr);
      /* Someone else made it meanwhile. */
      if (s != NATS_OK && jerr == JSStreamNameExistErr)
        s = NATS_OK;
    }
  if (si != NULL)
    jsStreamInfo_Destroy (si);
  if (s != NATS_OK)
    {
      g_autofree char *what = g_strdup_printf (_("cannot make the stream %s"), stream);
      return assay_cluster_set_error (error, s, jerr, what);
    }

  s = js_GetConsumerInfo (&ci, js, stream, consumer, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    {
      jsConsumerConfig_Init (&cconfig);
      cconfig.Durable = consumer;
      cconfig.AckPolicy = js_AckExplicit;
      cconfig.AckWait = (int64_t) assay_cluster_get_ack_wait_s () * NS_PER_S;
      cconfig.MaxDeliver = ASSAY_CLUSTER_MAX_ATTEMPTS + 1;
      cconfig.FilterSubject = subject;
      cconfig.MaxAckPending = 10000;
      s = js_AddConsumer (&ci, js, stream, &cconfig, NULL, &jerr);
      if (s != NATS_OK && jerr == JSConsumerNameExistErr)
        s = NATS_OK;
    }
  if (ci != NULL)
    jsConsumerInfo_Destroy (ci);
  if (s != NATS_OK)
    {
      g_autofree char *what = g_strdup_printf (_("cannot make the consumer %s"), consumer);
      return assay_cluster_set_error (error, s, jerr, what);
    }

  return TRUE;
}

/**
 * assay_cluster_layout_ensure:
 *
 * Makes the work streams with their durable pull consumers, the results
 * bucket and the object stores when they are missing. Blocks (bounded by
 * JetStream's request timeout): any thread but a window's main thread.
 */
gboolean
assay_cluster_layout_ensure (AssayClusterConnection  *connection,
                             GError                 **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  kvStore *kv;

  if (!ensure_work_stream (js, ASSAY_CLUSTER_EXTRACT_STREAM, ASSAY_CLUSTER_EXTRACT_SUBJECT,
                           ASSAY_CLUSTER_EXTRACT_CONSUMER, error) ||
      !ensure_work_stream (js, ASSAY_CLUSTER_ANALYSE_STREAM, ASSAY_CLUSTER_ANALYSE_SUBJECT,
                           ASSAY_CLUSTER_ANALYSE_CONSUMER, error))
    return FALSE;

  kv = assay_cluster_layout_open_results (connection, error);
  if (kv == NULL)
    return FALSE;
  kvStore_Destroy (kv);

  return assay_cluster_objects_ensure_bucket (connection, ASSAY_CLUSTER_PDF_BUCKET,
                                              ASSAY_CLUSTER_MAX_PDF_BYTES * 8, error) &&
         assay_cluster_objects_ensure_bucket (connection, ASSAY_CLUSTER_WORK_BUCKET,
                                              ASSAY_CLUSTER_MAX_WORK_BYTES * 4, error);
}

/**
 * assay_cluster_layout_open_results:
 *
 * Opens the results bucket, making it when missing. Blocks.
 *
 * Returns: (transfer full): the bucket, for kvStore_Destroy()
 */
kvStore *
assay_cluster_layout_open_results (AssayClusterConnection  *connection,
                                   GError                 **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  kvStore *kv = NULL;
  kvConfig config;
  natsStatus s;

  s = js_KeyValue (&kv, js, ASSAY_CLUSTER_RESULTS_BUCKET);
  if (s == NATS_NOT_FOUND)
    {
      kvConfig_Init (&config);
      config.Bucket = ASSAY_CLUSTER_RESULTS_BUCKET;
      config.History = 1;
      config.StorageType = js_FileStorage;
      config.MaxValueSize = ASSAY_CLUSTER_MAX_RESULT_BYTES;
      s = js_CreateKeyValue (&kv, js, &config);
      if (s != NATS_OK)
        s = js_KeyValue (&kv, js, ASSAY_CLUSTER_RESULTS_BUCKET);
    }
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, 0, _("cannot open the results bucket")), NULL);

  return kv;
}

/**
 * assay_cluster_layout_queue_job:
 * @subject: a stage's work subject (ASSAY_CLUSTER_EXTRACT_SUBJECT, _ANALYSE_)
 * @msg_id: the message id the server drops duplicates by
 * @failure: what the error says when the server does not take it
 * @duplicate: (out) (optional): whether the server had it queued already
 *
 * Queues @job for its stage and waits for the server to have stored it.
 * Blocks on the network: an I/O thread's.
 */
gboolean
assay_cluster_layout_queue_job (AssayClusterConnection  *connection,
                                const char              *subject,
                                const AssayClusterJob   *job,
                                const char              *msg_id,
                                const char              *failure,
                                gboolean                *duplicate,
                                GError                 **error)
{
  g_autofree char *json = assay_cluster_job_to_json (job);
  jsCtx *js = assay_cluster_connection_get_jetstream (connection);
  jsPubOptions opts;
  jsPubAck *ack = NULL;
  jsErrCode jerr = 0;
  natsStatus s;

  jsPubOptions_Init (&opts);
  opts.MsgId = msg_id;
  s = js_Publish (&ack, js, subject, json, (int) strlen (json), &opts, &jerr);
  if (duplicate != NULL)
    *duplicate = ack != NULL && ack->Duplicate;
  if (ack != NULL)
    jsPubAck_Destroy (ack);
  if (s != NATS_OK)
    return assay_cluster_set_error (error, s, jerr, failure);

  return TRUE;
}

/**
 * assay_cluster_result_key:
 *
 * The results bucket's key for a content, template and extractor:
 * "<sha256>.<template key>.<16 hex digits of the extractor id's SHA-256>",
 * made only of characters KV keys allow. Any thread.
 *
 * Returns: (transfer full): the key
 */
char *
assay_cluster_result_key (const char *sha256,
                          const char *template_key,
                          const char *extractor_id)
{
  g_autofree char *extractor_hash = NULL;
  GString *key;

  g_return_val_if_fail (sha256 != NULL && template_key != NULL && extractor_id != NULL, NULL);

  extractor_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, extractor_id, -1);
  key = g_string_new (NULL);
  for (const char *c = sha256; *c != '\0'; c++)
    g_string_append_c (key, g_ascii_tolower (*c));
  g_string_append_c (key, '.');
  for (const char *c = template_key; *c != '\0'; c++)
    g_string_append_c (key, g_ascii_isalnum (*c) || *c == '-' || *c == '_' ? *c : '_');
  g_string_append_c (key, '.');
  g_string_append_len (key, extractor_hash, 16);

  return g_string_free (key, FALSE);
}
