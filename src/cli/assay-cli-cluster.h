/* assay-cli-cluster.h — the command line's cluster modes
 */
#pragma once

#include "assay-cluster-options.h"
#include "assay-cluster-submitter.h"
#include "assay-cluster-worker.h"
#include "assay-extractor.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

int assay_cli_cluster_run_worker (const AssayClusterOptions *options,
                                  AssayClusterRole           role,
                                  guint                      n_jobs,
                                  const char                *name,
                                  AssayWorkerPool           *pool,
                                  AssayExtractor            *extractor);
char *assay_cli_cluster_format_workers (GListModel *workers);

G_END_DECLS
