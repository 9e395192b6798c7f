/* assay-cluster-job.h — the messages of cluster mode
 *
 * A job travels as one small JSON object ("assay-job/1") on
 * assay.work.extract, then on assay.work.analyse with the name of its
 * payload (text and extraction) in the work object store. Progress is a
 * JSON object on assay.progress.<batch>.<sha256>. Plain values: any thread.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "assay-metrics.h"

G_BEGIN_DECLS

#define ASSAY_CLUSTER_JOB_VERSION "assay-job/1"

typedef struct
{
  char    *key;            /* the results bucket's key: also the Nats-Msg-Id */
  char    *sha256;
  gint64   size;
  char    *path;           /* the file on the submitter's machine, for the result */
  char    *template_name;  /* a built-in template */
  char    *template_key;
  char    *extractor_id;   /* what the submitter keys on (with the analysis version) */
  char    *batch;          /* where progress goes */
  char    *payload;        /* analyse jobs: the work object's name */
  char    *extract_worker; /* analyse jobs: who extracted */
  double   read_ms;
  double   extract_ms;
  char    *password;       /* extract jobs, nullable: the PDF's password (a secret) */
  /* Where the PDF's bytes are in the object store, as the submitter
   * stored or found them (nullable: the worker looks them up). */
  char    *object_nuid;
  gint64   object_chunks;
  char    *object_digest;
  /* Whether its submitter shows each stage as it starts (a window's row,
   * a terminal's progress line): the worker announces them. Otherwise it
   * reports the job's end only, and that it still runs (heartbeats).
   * TRUE unless the job says otherwise. */
  gboolean stages;
} AssayClusterJob;

/* What a worker says about a job. */
typedef struct
{
  char       *sha256;
  char       *key;
  char       *state;      /* "reading", "extracting", "analysing", "done", "failed" */
  double      progress;   /* [0, 1] within the whole job */
  char       *worker;
  char       *error;      /* nullable */
  JsonNode   *result;     /* nullable: "done"/"failed", the result as stored */
  /* nullable: instead of @result, a "done" message's result as its digest
   * (assay_store_make_digest()) and its text, not parsed */
  JsonNode   *digest;
  GBytes     *result_text;
} AssayClusterProgress;

/* Says where a "done" message's "digest" and "result" members are in it:
 * "<digest offset> <digest length> <result offset> <result length>". */
#define ASSAY_CLUSTER_PROGRESS_SPANS_HEADER "Assay-Result-Spans"

/* A stored result up to this size rides along in its "done"/"failed"
 * progress message, so the submitter need not read it back. */
#define ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS (256 * 1024)

AssayClusterJob      *assay_cluster_job_new             (void);
AssayClusterJob      *assay_cluster_job_copy            (const AssayClusterJob  *job);
void                  assay_cluster_job_free            (AssayClusterJob        *job);
char                 *assay_cluster_job_to_json         (const AssayClusterJob  *job);
AssayClusterJob      *assay_cluster_job_from_json       (const char             *data,
                                                         gsize                   len,
                                                         GError                **error);

char                 *assay_cluster_progress_to_json    (const AssayClusterProgress *progress);
char                 *assay_cluster_progress_to_json_with_result (const AssayClusterProgress *progress,
                                                                  const char                 *result_json);
char                 *assay_cluster_progress_to_json_with_digest (const AssayClusterProgress  *progress,
                                                                  const char                  *result_json,
                                                                  const char                  *digest_json,
                                                                  char                       **spans);
AssayClusterProgress *assay_cluster_progress_from_json  (const char             *data,
                                                         gsize                   len);
AssayClusterProgress *assay_cluster_progress_from_json_with_spans (const char *data,
                                                                   gsize       len,
                                                                   const char *spans);
void                  assay_cluster_progress_free       (AssayClusterProgress   *progress);
char                 *assay_cluster_progress_subject    (const char             *batch,
                                                         const char             *sha256);

char                 *assay_cluster_failure_to_json     (const AssayClusterJob  *job,
                                                         const char             *status,
                                                         AssayStage              stage,
                                                         const char             *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayClusterJob, assay_cluster_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayClusterProgress, assay_cluster_progress_free)

G_END_DECLS
