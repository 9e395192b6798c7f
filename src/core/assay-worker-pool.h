/* assay-worker-pool.h — the project's bounded CPU thread pool
 *
 * CPU work (reading, offline extraction, analysis, hashing, storing) runs here,
 * never on GIO's shared pool, which GIO needs for DNS and file I/O.
 * Jobs run in priority order (lower value first, like G_PRIORITY_*), FIFO
 * within a priority. A job is a GTask: the worker calls the GTaskThreadFunc,
 * which returns through g_task_return_*, so the callback runs in the
 * task's main context.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_WORKER_POOL (assay_worker_pool_get_type ())
G_DECLARE_FINAL_TYPE (AssayWorkerPool, assay_worker_pool, ASSAY, WORKER_POOL, GObject)

AssayWorkerPool *assay_worker_pool_new          (guint             n_workers);
AssayWorkerPool *assay_worker_pool_get_default  (void);
guint            assay_worker_pool_get_n_workers (AssayWorkerPool *self);
void             assay_worker_pool_set_nice     (AssayWorkerPool  *self,
                                                 int               nice);
void             assay_worker_pool_run          (AssayWorkerPool  *self,
                                                 GTask            *task,
                                                 int               priority,
                                                 GTaskThreadFunc   func);

G_END_DECLS
