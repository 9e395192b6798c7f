/* assay-worker-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-worker-pool"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "assay-worker-pool.h"

struct _AssayWorkerPool
{
  GObject      parent_instance;
  GThreadPool *pool;
  guint        n_workers;
  int          sequence;   /* keeps FIFO order within a priority */
  int          nice;       /* atomic; -1: left alone; else applied by each thread at its next job */
};

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
  int              priority;
  guint            sequence;
} Job;

G_DEFINE_FINAL_TYPE (AssayWorkerPool, assay_worker_pool, G_TYPE_OBJECT)

/* Set on the pools' own threads: see finalize. Tasks that must not end on
 * a worker (those whose source object is main-thread-only) are best made
 * with a %NULL source object, carrying what they need in their data. */
static GPrivate in_worker;

/* The nice value this thread last gave itself, plus one (0: never). */
static GPrivate thread_nice;

/* Linux gives each thread its own nice value (and a helper process spawned
 * from the thread inherits it); elsewhere this does nothing. */
static void
apply_nice (AssayWorkerPool *self)
{
#ifdef __linux__
  int nice = g_atomic_int_get (&self->nice);

  if (nice < 0 || GPOINTER_TO_INT (g_private_get (&thread_nice)) == nice + 1)
    return;

  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), nice) != 0)
    g_debug ("Could not set a worker's nice value to %d: %s", nice, g_strerror (errno));
  g_private_set (&thread_nice, GINT_TO_POINTER (nice + 1));
#endif
}

enum {
  PROP_0,
  PROP_N_WORKERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  GTask *task = job->task;

  g_private_set (&in_worker, GINT_TO_POINTER (TRUE));
  apply_nice (user_data);

  /* A cancelled job still completes, so its callback sees the cancellation
   * and every caller gets exactly one answer. */
  if (g_task_return_error_if_cancelled (task))
    ;
  else
    job->func (task,
               g_task_get_source_object (task),
               g_task_get_task_data (task),
               g_task_get_cancellable (task));

  g_object_unref (task);
  g_free (job);
}

static int
job_compare (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Job *ja = a;
  const Job *jb = b;

  if (ja->priority != jb->priority)
    return ja->priority < jb->priority ? -1 : 1;

  return (ja->sequence > jb->sequence) - (ja->sequence < jb->sequence);
}

static void
assay_worker_pool_constructed (GObject *object)
{
  AssayWorkerPool *self = (AssayWorkerPool *)object;

  G_OBJECT_CLASS (assay_worker_pool_parent_class)->constructed (object);

  if (self->n_workers == 0)
    self->n_workers = MAX (1, g_get_num_processors ());

  self->pool = g_thread_pool_new (job_run, self, self->n_workers, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, job_compare, NULL);
}

static void
assay_worker_pool_finalize (GObject *object)
{
  AssayWorkerPool *self = (AssayWorkerPool *)object;

  /* Wait for running and queued jobs: each holds a GTask whose callback
   * its caller is owed. The last reference can be dropped by a job's own
   * task on a worker (a source object holding the pool); that thread
   * cannot wait for itself. */
  g_thread_pool_free (self->pool, FALSE, g_private_get (&in_worker) == NULL);

  G_OBJECT_CLASS (assay_worker_pool_parent_class)->finalize (object);
}

static void
assay_worker_pool_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AssayWorkerPool *self = ASSAY_WORKER_POOL (object);

  switch (prop_id)
    {
    case PROP_N_WORKERS:
      g_value_set_uint (value, self->n_workers);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_worker_pool_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AssayWorkerPool *self = ASSAY_WORKER_POOL (object);

  switch (prop_id)
    {
    case PROP_N_WORKERS:
      self->n_workers = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_worker_pool_class_init (AssayWorkerPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = assay_worker_pool_constructed;
  object_class->finalize = assay_worker_pool_finalize;
  object_class->get_property = assay_worker_pool_get_property;
  object_class->set_property = assay_worker_pool_set_property;

  /**
   * AssayWorkerPool:n-workers:
   *
   * Threads running jobs at once; 0 at construction means one per core.
   */
  properties[PROP_N_WORKERS] =
    g_param_spec_uint ("n-workers", NULL, NULL,
                       0, 1024, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_worker_pool_init (AssayWorkerPool *self)
{
  /* Threads keep the process's nice value until asked otherwise. */
  self->nice = -1;
}

/**
 * assay_worker_pool_new:
 * @n_workers: threads, or 0 for one per core
 *
 * Returns: (transfer full): a new pool
 */
AssayWorkerPool *
assay_worker_pool_new (guint n_workers)
{
  return g_object_new (ASSAY_TYPE_WORKER_POOL,
                       "n-workers", n_workers,
                       NULL);
}

/**
 * assay_worker_pool_get_default:
 *
 * Returns: (transfer none): a process-wide pool with one worker per core
 */
AssayWorkerPool *
assay_worker_pool_get_default (void)
{
  static AssayWorkerPool *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, assay_worker_pool_new (0));

  return instance;
}

guint
assay_worker_pool_get_n_workers (AssayWorkerPool *self)
{
  g_return_val_if_fail (ASSAY_IS_WORKER_POOL (self), 0);

  return self->n_workers;
}

/**
 * assay_worker_pool_run:
 * @task: (transfer none): the job; the pool holds a reference until it ran
 * @priority: lower runs first, as with G_PRIORITY_DEFAULT
 * @func: runs on a worker thread and must return a value through @task
 *
 * Main thread (the thread that created @self's jobs' tasks), or any thread.
 */
void
assay_worker_pool_run (AssayWorkerPool *self,
                       GTask           *task,
                       int              priority,
                       GTaskThreadFunc  func)
{
  Job *job;

  g_return_if_fail (ASSAY_IS_WORKER_POOL (self));
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  job->priority = priority;
  job->sequence = (guint) g_atomic_int_add (&self->sequence, 1);

  g_thread_pool_push (self->pool, job, NULL);
}

/**
 * assay_worker_pool_set_nice:
 * @nice: 0 (the default) to 19
 *
 * Lowers the CPU priority of the pool's threads (and of the reader helpers
 * they start), from their next job on. A window sets it so that a batch
 * never takes the CPU from the main loop drawing it. Any thread.
 */
void
assay_worker_pool_set_nice (AssayWorkerPool *self,
                            int              nice)
{
  g_return_if_fail (ASSAY_IS_WORKER_POOL (self));
  g_return_if_fail (nice >= 0 && nice <= 19);

  g_atomic_int_set (&self->nice, nice);
}
