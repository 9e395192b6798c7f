/* assay-cluster-layout.h — the names on the server, and making them exist
 *
 * The names are part of the contract with deploy/ and KEDA (see
 * docs/architecture.md, "Cluster mode"): change them there too.
 */
#pragma once

#include "assay-cluster-connection.h"
#include "assay-cluster-job.h"

G_BEGIN_DECLS

#define ASSAY_CLUSTER_PDF_BUCKET        "assay-pdfs"     /* object store: PDF bytes by sha256 */
#define ASSAY_CLUSTER_WORK_BUCKET       "assay-work"     /* object store: text + extraction between stages */
#define ASSAY_CLUSTER_RESULTS_BUCKET    "assay-results"  /* key-value: results by content key */

#define ASSAY_CLUSTER_EXTRACT_STREAM    "ASSAY_EXTRACT"
#define ASSAY_CLUSTER_EXTRACT_SUBJECT   "assay.work.extract"
#define ASSAY_CLUSTER_EXTRACT_CONSUMER  "extract"
#define ASSAY_CLUSTER_ANALYSE_STREAM    "ASSAY_ANALYSE"
#define ASSAY_CLUSTER_ANALYSE_SUBJECT   "assay.work.analyse"
#define ASSAY_CLUSTER_ANALYSE_CONSUMER  "analyse"

#define ASSAY_CLUSTER_PROGRESS_PREFIX   "assay.progress"  /* .<batch>.<sha256> */
#define ASSAY_CLUSTER_METRICS_PREFIX    "assay.metrics"   /* .<worker name> */

/* A job is worked on at most this many times; the delivery after the last
 * one only records the failure (so the consumer's MaxDeliver is one more). */
#define ASSAY_CLUSTER_MAX_ATTEMPTS      5
#define ASSAY_CLUSTER_ACK_WAIT_S        30

/* Limits, each with a clear error past it. */
#define ASSAY_CLUSTER_MAX_PDF_BYTES     ((gint64) 512 * 1024 * 1024)
#define ASSAY_CLUSTER_MAX_WORK_BYTES    ((gint64) 256 * 1024 * 1024)
#define ASSAY_CLUSTER_MAX_RESULT_BYTES  (768 * 1024)   /* under the server's 1 MiB max_payload */
#define ASSAY_CLUSTER_MAX_JOB_BYTES     (64 * 1024)

guint     assay_cluster_get_ack_wait_s   (void);
gboolean  assay_cluster_layout_ensure    (AssayClusterConnection  *connection,
                                          GError                 **error);
kvStore  *assay_cluster_layout_open_results (AssayClusterConnection *connection,
                                          GError                 **error);
gboolean  assay_cluster_layout_queue_job (AssayClusterConnection  *connection,
                                          const char              *subject,
                                          const AssayClusterJob   *job,
                                          const char              *msg_id,
                                          const char              *failure,
                                          gboolean                *duplicate,
                                          GError                 **error);
char     *assay_cluster_result_key       (const char              *sha256,
                                          const char              *template_key,
                                          const char              *extractor_id);

G_END_DECLS
