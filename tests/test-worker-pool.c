/* test-worker-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "assay-worker-pool.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

typedef struct
{
  GMutex  mutex;
  GArray *order;        /* job ids in the order they ran */
  int     running;
  int     max_running;
  guint   completed;
  GThread *main_thread;
  gboolean callbacks_on_main;
} Shared;

typedef struct
{
  Shared *shared;
  int     id;
  guint   sleep_us;
} JobData;

static void
job_func (GTask        *task,
          gpointer      source_object,
          gpointer      task_data,
          GCancellable *cancellable)
{
  JobData *data = task_data;
  Shared *shared = data->shared;

  g_mutex_lock (&shared->mutex);
  g_array_append_val (shared->order, data->id);
  shared->running++;
  shared->max_running = MAX (shared->max_running, shared->running);
  g_mutex_unlock (&shared->mutex);

  g_usleep (data->sleep_us);

  g_mutex_lock (&shared->mutex);
  shared->running--;
  g_mutex_unlock (&shared->mutex);

  g_task_return_int (task, data->id);
}

static void
job_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Shared *shared = user_data;
  g_autoptr(GError) error = NULL;

  g_task_propagate_int (G_TASK (result), &error);
  if (g_thread_self () != shared->main_thread)
    shared->callbacks_on_main = FALSE;
  shared->completed++;
}

static void
wait_for (Shared *shared,
          guint   n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (shared->completed < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (shared->completed, ==, n);
}

static void
submit (AssayWorkerPool *pool,
        Shared          *shared,
        int              id,
        int              priority,
        guint            sleep_us,
        GCancellable    *cancellable)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, job_done, shared);
  JobData *data = g_new0 (JobData, 1);

  data->shared = shared;
  data->id = id;
  data->sleep_us = sleep_us;
  g_task_set_task_data (task, data, g_free);
  assay_worker_pool_run (pool, task, priority, job_func);
}

static void
shared_init (Shared *shared)
{
  g_mutex_init (&shared->mutex);
  shared->order = g_array_new (FALSE, FALSE, sizeof (int));
  shared->main_thread = g_thread_self ();
  shared->callbacks_on_main = TRUE;
}

static void
shared_clear (Shared *shared)
{
  g_array_unref (shared->order);
  g_mutex_clear (&shared->mutex);
}

static void
test_bounded (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (3);
  Shared shared = { 0 };

  shared_init (&shared);
  g_assert_cmpuint (assay_worker_pool_get_n_workers (pool), ==, 3);

  for (int i = 0; i < 12; i++)
    submit (pool, &shared, i, G_PRIORITY_DEFAULT, 20000, NULL);
  wait_for (&shared, 12);

  /* Never more than the pool's size at once, and it did run in parallel. */
  g_assert_cmpint (shared.max_running, <=, 3);
  g_assert_cmpint (shared.max_running, >=, 2);
  g_assert_true (shared.callbacks_on_main);

  shared_clear (&shared);
  g_assert_finalize_object (g_steal_pointer (&pool));
}

static void
test_priority (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  Shared shared = { 0 };

  shared_init (&shared);

  /* The first job occupies the only worker while the rest queue up. */
  submit (pool, &shared, 0, G_PRIORITY_DEFAULT, 100000, NULL);
  g_usleep (20000);
  submit (pool, &shared, 1, 40, 0, NULL);
  submit (pool, &shared, 2, 30, 0, NULL);
  submit (pool, &shared, 3, 10, 0, NULL);
  submit (pool, &shared, 4, 10, 0, NULL);
  submit (pool, &shared, 5, 30, 0, NULL);
  wait_for (&shared, 6);

  {
    const int expected[] = { 0, 3, 4, 2, 5, 1 };
    g_assert_cmpmem (shared.order->data, shared.order->len * sizeof (int),
                     expected, sizeof expected);
  }

  shared_clear (&shared);
}

static void
test_cancelled_before_run (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Shared shared = { 0 };

  shared_init (&shared);

  submit (pool, &shared, 0, G_PRIORITY_DEFAULT, 50000, NULL);
  submit (pool, &shared, 1, G_PRIORITY_DEFAULT, 0, cancellable);
  g_cancellable_cancel (cancellable);
  wait_for (&shared, 2);

  /* The cancelled job still completed (its callback ran) but never ran. */
  g_assert_cmpuint (shared.order->len, ==, 1);
  g_assert_cmpint (g_array_index (shared.order, int, 0), ==, 0);

  shared_clear (&shared);
}

static void
nice_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  int value;

  errno = 0;
  value = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_task_return_int (task, errno == 0 ? value : -100);
}

static void
nice_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(int *) user_data = (int) g_task_propagate_int (G_TASK (result), NULL);
}

static int
run_nice_job (AssayWorkerPool *pool)
{
  int value = G_MININT;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, nice_done, &value);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  assay_worker_pool_run (pool, task, G_PRIORITY_DEFAULT, nice_thread);
  while (value == G_MININT)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  return value;
}

/* A window lowers its workers' CPU priority; a pool left alone keeps the
 * process's. */
static void
test_nice (void)
{
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (1);
  int before = getpriority (PRIO_PROCESS, 0);

  g_assert_cmpint (run_nice_job (pool), ==, before);

  assay_worker_pool_set_nice (pool, MIN (19, MAX (before, 10)));
  g_assert_cmpint (run_nice_job (pool), ==, MIN (19, MAX (before, 10)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/worker-pool/bounded", test_bounded);
  g_test_add_func ("/assay/worker-pool/priority", test_priority);
  g_test_add_func ("/assay/worker-pool/cancelled-before-run", test_cancelled_before_run);
  g_test_add_func ("/assay/worker-pool/nice", test_nice);

  return g_test_run ();
}
