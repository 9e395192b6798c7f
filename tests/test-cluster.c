/* test-cluster.c — cluster mode against a real nats-server with JetStream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts its own nats-server on a free loopback port with its
 * store in a temporary folder, runs `assay --worker` processes and
 * `assay --headless --cluster` as a user would, and stops them all by
 * process id. Every wait is bounded.
 */
#define G_LOG_DOMAIN "test-cluster"

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-cluster-connection.h"
#include "assay-cluster-job.h"
#include "assay-cluster-layout.h"
#include "assay-cluster-monitor.h"
#include "assay-cluster-objects.h"
#include "assay-cluster-results.h"
#include "assay-cluster-spool.h"
#include "assay-cluster-submitter.h"
#include "assay-fake-llm-server.h"
#include "assay-test-fixture.h"
#include "assay-test-nats.h"
#include "assay-test-pdf.h"
#include "assay-test-run.h"

typedef struct
{
  GSubprocess *process;
  char        *log;
  gboolean     exited;
  int          status;
} Proc;

typedef struct
{
  char          *dir;
  char          *inputs;
  AssayTestNats *nats;
  GPtrArray     *procs;   /* Proc* */
} Fixture;

static void
proc_waited (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Proc *proc = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  proc->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                 ? g_subprocess_get_exit_status (G_SUBPROCESS (object))
                 : 128 + g_subprocess_get_term_sig (G_SUBPROCESS (object));
  proc->exited = TRUE;
}

static gboolean
proc_exited (gpointer data)
{
  return ((Proc *) data)->exited;
}

static void
proc_free (Proc *proc)
{
  if (proc->process != NULL && !proc->exited)
    {
      g_subprocess_send_signal (proc->process, SIGKILL);
      assay_test_wait_until (proc_exited, proc, 15, "a process to die");
    }
  g_clear_object (&proc->process);
  g_free (proc->log);
  g_free (proc);
}

/* Starts assay with @args, its standard error (and output) to a log file;
 * @env: NULL-terminated NAME, VALUE pairs. */
static Proc *
proc_start (Fixture            *fixture,
            const char         *log_name,
            const char * const *args,
            const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = assay_test_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Proc *proc = g_new0 (Proc, 1);

  /* Debug messages go to standard output, the others to standard error:
   * one log of both. */
  proc->log = g_build_filename (fixture->dir, log_name, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, proc->log);
  g_subprocess_launcher_set_child_setup (launcher, assay_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG",
                                "assay-cluster-worker assay-cluster-submitter", TRUE);
  g_subprocess_launcher_setenv (launcher, "ASSAY_CLUSTER_ACK_WAIT", "2", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  g_ptr_array_add (argv, (char *) assay_test_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  proc->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc->process, NULL, proc_waited, proc);
  g_ptr_array_add (fixture->procs, proc);

  return proc;
}

typedef struct
{
  const char *path;
  const char *needle;
  guint       count;
} LogWait;

static gboolean
log_has (gpointer data)
{
  LogWait *wait = data;

  return assay_test_file_count (wait->path, wait->needle) >= wait->count;
}

static void
wait_for_log (Proc       *proc,
              const char *needle,
              guint       count,
              guint       limit_s)
{
  LogWait wait = { proc->log, needle, count };
  g_autofree char *what = g_strdup_printf ("“%s” ×%u in %s", needle, count, proc->log);

  assay_test_wait_until (log_has, &wait, limit_s, what);
}

static Proc *
worker_start (Fixture            *fixture,
              const char         *name,
              const char * const *extra_args,
              const char * const *env)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *log_name = g_strdup_printf ("%s.log", name);
  Proc *proc;

  g_ptr_array_add (args, "--worker");
  g_ptr_array_add (args, (char *) assay_test_nats_get_url (fixture->nats));
  g_ptr_array_add (args, "--worker-name");
  g_ptr_array_add (args, (char *) name);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra_args[i]);
  g_ptr_array_add (args, NULL);

  proc = proc_start (fixture, log_name, (const char * const *) args->pdata, env);
  wait_for_log (proc, "jobs from", 1, 30);

  return proc;
}

static void
proc_stop (Proc *proc)
{
  g_subprocess_send_signal (proc->process, SIGTERM);
  assay_test_wait_until (proc_exited, proc, 40, "a worker to stop");
  g_assert_cmpint (proc->status, ==, 0);
}

static char *
write_pdf (Fixture *fixture,
           guint    n)
{
  g_autofree char *basename = g_strdup_printf ("report-%02u.pdf", n);
  g_autofree char *page1 = g_strdup_printf ("Annual report %u\nAcme Widgets Ltd\n\nRevenue 1,%03u.5\n"
                                            "Net income %u.3\n", 2000 + n, n, 100 + n);
  const char *pages[] = { page1, assay_test_report_pages[1] };

  return assay_test_pdf_write_temp (fixture->inputs, basename, pages, 2);
}

static void
write_pdfs (Fixture *fixture,
            guint    n)
{
  for (guint i = 0; i < n; i++)
    g_free (write_pdf (fixture, i));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const *server_args = data;

  g_assert_true (assay_test_nats_available ());
  fixture->dir = assay_test_tmp_dir_new ("assay-cluster-XXXXXX");
  fixture->inputs = g_build_filename (fixture->dir, "in", NULL);
  g_mkdir (fixture->inputs, 0700);
  fixture->procs = g_ptr_array_new_with_free_func ((GDestroyNotify) proc_free);
  fixture->nats = assay_test_nats_start (server_args);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->procs, g_ptr_array_unref);
  g_clear_pointer (&fixture->nats, assay_test_nats_free);
  assay_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->inputs, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

/* The documents of a headless run's JSON output, without their timings
 * (which differ from run to run). */
static JsonNode *
documents_of (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *documents;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  documents = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "documents");
  g_assert_nonnull (documents);
  for (guint i = 0; i < json_array_get_length (documents); i++)
    json_object_remove_member (json_array_get_object_element (documents, i), "timings");

  return json_node_ref (json_object_get_member (json_node_get_object (json_parser_get_root (parser)),
                                                "documents"));
}

static guint
count_status (JsonNode   *documents,
              const char *status)
{
  JsonArray *array = json_node_get_array (documents);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "status"),
                   status) == 0)
      n++;

  return n;
}

static guint
count_cached (JsonNode *documents)
{
  JsonArray *array = json_node_get_array (documents);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (array, i), "cached"))
      n++;

  return n;
}

/* Messages ever stored in @stream's current state on the test's server. */
/* A connection of the test's own to the fixture's server. */
static AssayClusterConnection *
fixture_connect (Fixture *fixture)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(GError) error = NULL;
  AssayClusterConnection *connection = assay_cluster_connection_new_sync (options, NULL, &error);

  g_assert_no_error (error);

  return connection;
}

static guint64
stream_messages (Fixture    *fixture,
                 const char *stream)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  jsStreamInfo *si = NULL;
  jsErrCode jerr = 0;
  guint64 n;

  connection = fixture_connect (fixture);
  g_assert_cmpint (js_GetStreamInfo (&si, assay_cluster_connection_get_jetstream (connection),
                                     stream, NULL, &jerr), ==, NATS_OK);
  n = si->State.Msgs;
  jsStreamInfo_Destroy (si);
  assay_cluster_connection_close (connection);

  return n;
}

/* Counts the progress messages waiting on @sub by state. */
static GHashTable *
drain_progress_states (natsSubscription *sub)
{
  GHashTable *states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  natsMsg *msg = NULL;

  /* Bounded: what the run sent is queued already; a quiet half second ends it. */
  for (guint i = 0; i < 10000 && natsSubscription_NextMsg (&msg, sub, 500) == NATS_OK; i++)
    {
      g_autoptr(AssayClusterProgress) progress =
        assay_cluster_progress_from_json (natsMsg_GetData (msg), natsMsg_GetDataLength (msg));

      g_assert_nonnull (progress);
      g_hash_table_insert (states, g_strdup (progress->state),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (states, progress->state)) + 1));
      natsMsg_Destroy (msg);
    }

  return states;
}

static guint
count_state (GHashTable *states,
             const char *state)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (states, state));
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;

  return n;
}

/* ------------------------------------------------------------------------ */

/* A job says when its submitter shows no stages; one that does not say
 * (an older submitter's) has them announced. */
static void
test_job_stages (void)
{
  g_autoptr(AssayClusterJob) job = assay_cluster_job_new ();
  g_autoptr(AssayClusterJob) back = NULL;
  g_autoptr(AssayClusterJob) copy = NULL;
  g_autoptr(AssayClusterJob) unsaid = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_on = NULL;

  job->key = g_strdup ("k");
  job->sha256 = g_strnfill (64, 'a');
  job->path = g_strdup ("/tmp/a.pdf");
  job->template_name = g_strdup ("general");
  job->template_key = g_strdup ("tk");
  job->extractor_id = g_strdup ("offline");
  job->batch = g_strdup ("b1");
  g_assert_true (job->stages);

  json_on = assay_cluster_job_to_json (job);
  g_assert_null (strstr (json_on, "\"stages\""));
  unsaid = assay_cluster_job_from_json (json_on, strlen (json_on), &error);
  g_assert_no_error (error);
  g_assert_true (unsaid->stages);

  job->stages = FALSE;
  copy = assay_cluster_job_copy (job);
  g_assert_false (copy->stages);
  json = assay_cluster_job_to_json (job);
  back = assay_cluster_job_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_false (back->stages);
}

/* Preparing the spool removes the PDFs of workers that are gone and this
 * process's own id's (a restarted container's worker has the same id),
 * and only those: not a running process's, not other files. A folder
 * that is not this user's own is refused. */
static void
test_spool (void)
{
  g_autofree char *dir = assay_test_tmp_dir_new ("assay-spool-XXXXXX");
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  g_autofree char *mine = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *running = NULL;
  g_autofree char *other = g_build_filename (spool, "notes.pdf", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autoptr(GError) error = NULL;
  GPid child = 0;
  guint n = 0;
  int fd;

  g_assert_true (assay_cluster_spool_prepare (spool, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  fd = assay_cluster_spool_open (spool, &mine, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  close (fd);

  /* A process that ran and ended: its id is free. */
  g_assert_true (g_spawn_async (NULL, (char *[]) { (char *) "true", NULL }, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &child, &error));
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  gone = g_strdup_printf ("%s/%ld-AbC123.pdf", spool, (long) child);
  running = g_strdup_printf ("%s/%ld-XyZ789.pdf", spool, (long) getppid ());
  g_assert_true (g_file_set_contents (gone, "%PDF", -1, NULL));
  g_assert_true (g_file_set_contents (running, "%PDF", -1, NULL));
  g_assert_true (g_file_set_contents (other, "%PDF", -1, NULL));

  g_assert_true (assay_cluster_spool_prepare (spool, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mine, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (running, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));

  /* A link is nobody's folder. */
  g_assert_cmpint (symlink (spool, link), ==, 0);
  g_assert_false (assay_cluster_spool_prepare (link, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM);

  assay_test_remove_tree (dir);
}

/* A stored result rides along in its "done" message, as it is; one past
 * the limit does not (the submitter reads it from the bucket). */
static void
test_progress_result (void)
{
  AssayClusterProgress progress = {
    .sha256 = (char *) "ab", .key = (char *) "ab.t.x", .state = (char *) "done",
    .progress = 1.0, .worker = (char *) "w1",
  };
  const char *result = "{\"status\":\"done\",\"fields\":{\"total\":\"12\"},\"n\":[1,2]}";
  g_autofree char *json = assay_cluster_progress_to_json_with_result (&progress, result);
  g_autofree char *plain = assay_cluster_progress_to_json_with_result (&progress, NULL);
  g_autofree char *plain_ref = assay_cluster_progress_to_json (&progress);
  g_autoptr(AssayClusterProgress) back = NULL;
  g_autoptr(AssayClusterProgress) back_plain = NULL;
  g_autoptr(AssayClusterProgress) back_big = NULL;
  g_autoptr(JsonNode) expected = json_from_string (result, NULL);
  g_autoptr(GString) big = g_string_new ("{\"status\":\"done\",\"pad\":\"");
  g_autofree char *big_json = NULL;

  back = assay_cluster_progress_from_json (json, strlen (json));
  g_assert_nonnull (back);
  g_assert_cmpstr (back->key, ==, "ab.t.x");
  g_assert_cmpstr (back->state, ==, "done");
  g_assert_cmpstr (back->worker, ==, "w1");
  g_assert_nonnull (back->result);
  g_assert_null (json_node_get_parent (back->result));
  g_assert_true (json_node_equal (back->result, expected));

  g_assert_cmpstr (plain, ==, plain_ref);
  back_plain = assay_cluster_progress_from_json (plain, strlen (plain));
  g_assert_nonnull (back_plain);
  g_assert_null (back_plain->result);

  while (big->len <= ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  big_json = assay_cluster_progress_to_json_with_result (&progress, big->str);
  g_assert_cmpuint (strlen (big_json), <, 1024);
  back_big = assay_cluster_progress_from_json (big_json, strlen (big_json));
  g_assert_nonnull (back_big);
  g_assert_null (back_big->result);
}

/* A "done" message with the result's digest: other readers see one JSON
 * object with the result in it; the submitter, by the spans header, gets
 * the digest parsed and the result's text as it is. Spans that do not
 * fit the message fall back to the whole parse. */
static void
test_progress_digest (void)
{
  AssayClusterProgress progress = {
    .sha256 = (char *) "ab", .key = (char *) "ab.t.x", .state = (char *) "done",
    .progress = 1.0, .worker = (char *) "w1", .error = (char *) "a \",\"result\":{} trap",
  };
  const char *result = "{\"result_version\":\"assay-result/2\",\"status\":\"done\","
                       "\"fields\":{\"result\":\"12\"},\"n\":[1,2]}";
  g_autofree char *digest = g_strdup_printf ("{\"result_version\":\"assay-result/2\",\"status\":\"done\","
                                             "\"digest\":{\"result_length\":%u}}",
                                             (guint) strlen (result));
  /* The same length, but not a result's digest: the store would refuse it. */
  g_autofree char *not_a_digest = g_strdup_printf ("{\"status\":\"done\",\"digest\":{\"result_length\":%u}}",
                                                   (guint) strlen (result));
  g_autoptr(AssayClusterProgress) refused = NULL;
  g_autofree char *refused_spans = NULL;
  g_autofree char *refused_json = NULL;
  g_autofree char *spans = NULL;
  g_autofree char *json = assay_cluster_progress_to_json_with_digest (&progress, result, digest, &spans);
  g_autoptr(AssayClusterProgress) plain = NULL;
  g_autoptr(AssayClusterProgress) split = NULL;
  g_autoptr(AssayClusterProgress) wrong = NULL;
  g_autoptr(AssayClusterProgress) no_spans = NULL;
  g_autoptr(JsonNode) expected = json_from_string (result, NULL);
  g_autoptr(JsonNode) expected_digest = json_from_string (digest, NULL);
  g_autoptr(GString) big = g_string_new ("{\"status\":\"done\",\"pad\":\"");
  g_autofree char *big_spans = NULL;
  g_autofree char *big_json = NULL;
  g_autofree char *bad_spans = NULL;
  gsize d_at, d_len, r_at, r_len;

  g_assert_nonnull (json);
  g_assert_nonnull (spans);
  g_assert_cmpint (sscanf (spans, "%zu %zu %zu %zu", &d_at, &d_len, &r_at, &r_len), ==, 4);
  g_assert_cmpmem (json + d_at, d_len, digest, strlen (digest));
  g_assert_cmpmem (json + r_at, r_len, result, strlen (result));

  /* Without the header: the result as before (and the digest ignored). */
  plain = assay_cluster_progress_from_json (json, strlen (json));
  g_assert_nonnull (plain);
  g_assert_cmpstr (plain->error, ==, progress.error);
  g_assert_true (json_node_equal (plain->result, expected));
  g_assert_null (plain->result_text);

  split = assay_cluster_progress_from_json_with_spans (json, strlen (json), spans);
  g_assert_nonnull (split);
  g_assert_cmpstr (split->key, ==, "ab.t.x");
  g_assert_cmpstr (split->state, ==, "done");
  g_assert_cmpstr (split->worker, ==, "w1");
  g_assert_cmpstr (split->error, ==, progress.error);
  g_assert_null (split->result);
  g_assert_true (json_node_equal (split->digest, expected_digest));
  g_assert_cmpmem (g_bytes_get_data (split->result_text, NULL), g_bytes_get_size (split->result_text),
                   result, strlen (result));

  /* Spans off by one: parsed whole, as without them. */
  bad_spans = g_strdup_printf ("%zu %zu %zu %zu", d_at, d_len, r_at + 1, r_len - 1);
  wrong = assay_cluster_progress_from_json_with_spans (json, strlen (json), bad_spans);
  g_assert_nonnull (wrong);
  g_assert_null (wrong->result_text);
  g_assert_true (json_node_equal (wrong->result, expected));
  no_spans = assay_cluster_progress_from_json_with_spans (json, strlen (json), "12 x");
  g_assert_nonnull (no_spans);
  g_assert_null (no_spans->result_text);
  g_assert_nonnull (no_spans->result);

  /* A pair the store would not save is not taken apart: parsed whole. */
  refused_json = assay_cluster_progress_to_json_with_digest (&progress, result, not_a_digest, &refused_spans);
  g_assert_nonnull (refused_json);
  refused = assay_cluster_progress_from_json_with_spans (refused_json, strlen (refused_json), refused_spans);
  g_assert_nonnull (refused);
  g_assert_null (refused->result_text);
  g_assert_null (refused->digest);
  g_assert_true (json_node_equal (refused->result, expected));

  while (big->len <= ASSAY_CLUSTER_MAX_RESULT_IN_PROGRESS)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  big_json = assay_cluster_progress_to_json_with_digest (&progress, big->str, digest, &big_spans);
  g_assert_null (big_json);
  g_assert_null (big_spans);
}

static void
test_unreachable (void)
{
  g_auto(AssayTestOutcome) worker = { 0 };
  g_auto(AssayTestOutcome) submit = { 0 };
  guint port = assay_test_free_port ();
  g_autofree char *url = g_strdup_printf ("nats://127.0.0.1:%u", port);
  g_autofree char *expected = g_strdup_printf ("assay: cannot reach the NATS server at 127.0.0.1:%u: "
                                               "connection refused\n", port);
  gint64 start = g_get_monotonic_time ();

  assay_test_run (NULL, (const char *[]) { "--worker", url, NULL }, 30, &worker);
  g_assert_cmpint (worker.status, ==, 2);
  g_assert_cmpstr (worker.err, ==, expected);

  assay_test_run (NULL, (const char *[]) { "--headless", "--cluster", url, g_get_tmp_dir (), NULL },
                  30, &submit);
  g_assert_cmpint (submit.status, ==, 2);
  g_assert_cmpstr (submit.err, ==, expected);

  /* Bounded: no hanging on a server that is not there. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_wrong_credential (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = assay_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                     G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_auto(AssayTestOutcome) wrong = { 0 };
  g_auto(AssayTestOutcome) none = { 0 };
  const char *url = assay_test_nats_get_url (fixture->nats);
  Proc *worker;

  g_subprocess_launcher_setenv (launcher, "ASSAY_NATS_TOKEN", "not-the-token", TRUE);
  assay_test_run (launcher, (const char *[]) { "--worker", url, NULL }, 30, &wrong);
  g_assert_cmpint (wrong.status, ==, 2);
  g_assert_nonnull (strstr (wrong.err, "refused the credentials"));
  g_assert_null (strstr (wrong.err, "not-the-token"));
  g_assert_cmpuint (strchr (wrong.err, '\n') - wrong.err + 1, ==, strlen (wrong.err));

  assay_test_run (NULL, (const char *[]) { "--headless", "--cluster", url, fixture->inputs, NULL },
                  30, &none);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "refused the credentials"));

  /* The right one works, from the environment. */
  worker = worker_start (fixture, "w1", NULL,
                         (const char *[]) { "ASSAY_NATS_TOKEN", "s3cret-token", NULL });
  proc_stop (worker);
}

static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(AssayTestOutcome) local = { 0 };
  g_auto(AssayTestOutcome) cluster = { 0 };
  g_auto(AssayTestOutcome) again = { 0 };
  g_autoptr(JsonNode) local_docs = NULL;
  g_autoptr(JsonNode) cluster_docs = NULL;
  g_autoptr(JsonNode) again_docs = NULL;
  const char *url = assay_test_nats_get_url (fixture->nats);
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GHashTable) states = NULL;
  natsSubscription *progress_sub = NULL;
  Proc *worker;
  guint extracted;

  write_pdfs (fixture, 6);
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", fixture->inputs, NULL },
                  120, &local);
  g_assert_cmpint (local.status, ==, 0);

  /* Everything the workers say about the batch's documents. */
  connection = fixture_connect (fixture);
  g_assert_cmpint (natsConnection_SubscribeSync (&progress_sub, assay_cluster_connection_get_nats (connection),
                                                 ASSAY_CLUSTER_PROGRESS_PREFIX ".>"), ==, NATS_OK);

  worker = worker_start (fixture, "w1", (const char *[]) { "--jobs", "2", NULL }, NULL);
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", "--cluster", url,
                                           fixture->inputs, NULL }, 120, &cluster);
  g_assert_cmpint (cluster.status, ==, 0);

  /* Its standard error is no terminal: nobody sees the stages, so no
   * worker announced one (a heartbeat, for a job that outlasts a third
   * of AckWait, may still say where it is); each document's end came. */
  states = drain_progress_states (progress_sub);
  g_assert_cmpuint (count_state (states, "done"), ==, 6);
  g_assert_cmpuint (count_state (states, "reading"), ==, 0);
  natsSubscription_Destroy (progress_sub);
  assay_cluster_connection_close (connection);

  /* The same results as on this machine, timings aside. */
  local_docs = documents_of (local.out);
  cluster_docs = documents_of (cluster.out);
  g_assert_cmpuint (count_status (cluster_docs, "done"), ==, 6);
  g_assert_true (json_node_equal (local_docs, cluster_docs));
  extracted = assay_test_file_count (worker->log, "extract: ");
  g_assert_cmpuint (extracted, ==, 6);

  /* Again: every result is in the bucket, taken without work. */
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", "--cluster", url,
                                           fixture->inputs, NULL }, 120, &again);
  g_assert_cmpint (again.status, ==, 0);
  again_docs = documents_of (again.out);
  g_assert_cmpuint (count_cached (again_docs), ==, 6);
  g_assert_cmpuint (assay_test_file_count (worker->log, "extract: "), ==, extracted);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 6);
  /* A worker of both roles analyses in place: nothing went through the
   * work store or the analyse stream. */
  g_assert_cmpuint (stream_messages (fixture, "OBJ_" ASSAY_CLUSTER_WORK_BUCKET), ==, 0);
  g_assert_cmpuint (assay_test_file_count (worker->log, "analyse: "), ==, 0);

  proc_stop (worker);
}

/* Split roles, as deploy/ runs them: an extract worker hands the text to
 * an analyse worker through the work store; the same results. */
static void
test_split_roles (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(AssayTestOutcome) local = { 0 };
  g_auto(AssayTestOutcome) cluster = { 0 };
  g_autoptr(JsonNode) local_docs = NULL;
  g_autoptr(JsonNode) cluster_docs = NULL;
  const char *url = assay_test_nats_get_url (fixture->nats);
  Proc *extract, *analyse;

  write_pdfs (fixture, 4);
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", fixture->inputs, NULL },
                  120, &local);
  g_assert_cmpint (local.status, ==, 0);

  extract = worker_start (fixture, "we", (const char *[]) { "--role", "extract", NULL }, NULL);
  analyse = worker_start (fixture, "wa", (const char *[]) { "--role", "analyse", NULL }, NULL);
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", "--cluster", url,
                                           fixture->inputs, NULL }, 120, &cluster);
  g_assert_cmpint (cluster.status, ==, 0);

  local_docs = documents_of (local.out);
  cluster_docs = documents_of (cluster.out);
  g_assert_cmpuint (count_status (cluster_docs, "done"), ==, 4);
  g_assert_true (json_node_equal (local_docs, cluster_docs));
  g_assert_cmpuint (assay_test_file_count (extract->log, "extract: "), ==, 4);
  g_assert_cmpuint (assay_test_file_count (analyse->log, "analyse: "), ==, 4);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 4);
  /* The text between the stages is dropped once the result is stored:
   * what is left of each is its "deleted" metadata. */
  g_assert_cmpuint (stream_messages (fixture, "OBJ_" ASSAY_CLUSTER_WORK_BUCKET), ==, 4);

  proc_stop (extract);
  proc_stop (analyse);
}

/* Runs the submitter in the background: its output to a file. */
static Proc *
submit_start (Fixture            *fixture,
              const char         *name,
              const char * const *extra_args)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *log_name = g_strdup_printf ("%s.log", name);
  g_autofree char *output = g_strdup_printf ("%s/%s.json", fixture->dir, name);

  g_ptr_array_add (args, "--headless");
  g_ptr_array_add (args, "--no-cache");
  g_ptr_array_add (args, "--cluster");
  g_ptr_array_add (args, (char *) assay_test_nats_get_url (fixture->nats));
  g_ptr_array_add (args, "-o");
  g_ptr_array_add (args, output);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra_args[i]);
  g_ptr_array_add (args, NULL);

  return proc_start (fixture, log_name, (const char * const *) args->pdata, NULL);
}

static JsonNode *
submit_finish (Fixture    *fixture,
               Proc       *proc,
               const char *name,
               guint       limit_s,
               int         expected_status)
{
  g_autofree char *output = g_strdup_printf ("%s/%s.json", fixture->dir, name);
  g_autofree char *json = NULL;

  assay_test_wait_until (proc_exited, proc, limit_s, "the submitter to finish");
  if (proc->status != expected_status)
    {
      g_autofree char *log = NULL;

      g_file_get_contents (proc->log, &log, NULL, NULL);
      g_error ("The submitter exited with %d:\n%s", proc->status, log);
    }
  g_assert_true (g_file_get_contents (output, &json, NULL, NULL));

  return documents_of (json);
}

typedef struct
{
  AssayFakeLlmServer *server;
  char               *url;
} FakeModel;

static void
fake_model_start (FakeModel *model,
                  guint      latency_ms)
{
  model->server = assay_fake_llm_server_new ();
  assay_fake_llm_server_set_latency (model->server, latency_ms);
  model->url = assay_fake_llm_server_dup_url (model->server, "http");
}

static guint
assay_llm_requests (FakeModel *model)
{
  return assay_fake_llm_server_get_requests (model->server);
}

static void
fake_model_stop (FakeModel *model)
{
  g_clear_pointer (&model->server, assay_fake_llm_server_free);
  g_clear_pointer (&model->url, g_free);
}

/* Two workers on one queue: both take jobs, every document is done once. */
static void
test_two_workers (Fixture       *fixture,
                  gconstpointer  data)
{
  FakeModel model = { 0 };
  g_autoptr(JsonNode) docs = NULL;
  Proc *w1, *w2, *submit;
  guint n1, n2;

  fake_model_start (&model, 300);
  write_pdfs (fixture, 10);
  w1 = worker_start (fixture, "w1", (const char *[]) { "--jobs", "1", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);
  w2 = worker_start (fixture, "w2", (const char *[]) { "--jobs", "1", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);

  submit = submit_start (fixture, "submit", (const char *[]) { "--llm-url", model.url, "--model",
                                                               "fake-7b", "--stats", fixture->inputs,
                                                               NULL });
  docs = submit_finish (fixture, submit, "submit", 120, 0);
  g_assert_cmpuint (count_status (docs, "done"), ==, 10);

  /* --stats: each worker's own figures, after its last job. */
  n1 = assay_test_file_count (submit->log, "w1 on ");
  n2 = assay_test_file_count (submit->log, "w2 on ");
  g_assert_cmpuint (n1, ==, 1);
  g_assert_cmpuint (n2, ==, 1);
  {
    g_autofree char *log = NULL;
    g_autofree char *line = NULL;
    guint64 done1 = 0, done2 = 0;
    const char *at;

    g_assert_true (g_file_get_contents (submit->log, &log, NULL, NULL));
    at = strstr (log, "w1 on ");
    g_assert_nonnull (at);
    at = strstr (at, "(all): ");
    g_assert_nonnull (at);
    done1 = g_ascii_strtoull (at + strlen ("(all): "), NULL, 10);
    at = strstr (log, "w2 on ");
    at = strstr (at, "(all): ");
    g_assert_nonnull (at);
    done2 = g_ascii_strtoull (at + strlen ("(all): "), NULL, 10);
    g_test_message ("--stats: w1 did %" G_GUINT64_FORMAT ", w2 %" G_GUINT64_FORMAT, done1, done2);
    g_assert_cmpuint (done1 + done2, ==, 10);
  }

  n1 = assay_test_file_count (w1->log, "extract: ");
  n2 = assay_test_file_count (w2->log, "extract: ");
  g_test_message ("w1 extracted %u, w2 %u", n1, n2);
  g_assert_cmpuint (n1, >, 0);
  g_assert_cmpuint (n2, >, 0);
  g_assert_cmpuint (n1 + n2, ==, 10);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 10);

  proc_stop (w1);
  proc_stop (w2);
  fake_model_stop (&model);
}

/* A worker killed with SIGKILL mid-job: the server hands the job to
 * another after AckWait (2 s here), which finishes it; one result. */
static void
test_killed_worker (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *spool = NULL;
  FakeModel model = { 0 };
  g_autoptr(JsonNode) docs = NULL;
  Proc *w1, *w2, *submit;

  fake_model_start (&model, 4000);
  write_pdfs (fixture, 1);
  w1 = worker_start (fixture, "w1", (const char *[]) { "--jobs", "1", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);
  submit = submit_start (fixture, "submit", (const char *[]) { "--llm-url", model.url, "--model",
                                                               "fake-7b", fixture->inputs, NULL });
  wait_for_log (w1, "extract: ", 1, 60);

  g_subprocess_send_signal (w1->process, SIGKILL);
  assay_test_wait_until (proc_exited, w1, 15, "the killed worker to die");
  assay_fake_llm_server_set_latency (model.server, 100);

  /* The killed worker's copy of the PDF it was reading is still there. */
  spool = assay_cluster_spool_dup_dir ();
  g_assert_cmpuint (count_files (spool), ==, 1);

  w2 = worker_start (fixture, "w2", (const char *[]) { "--jobs", "1", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);
  docs = submit_finish (fixture, submit, "submit", 120, 0);
  g_assert_cmpuint (count_status (docs, "done"), ==, 1);
  g_assert_cmpuint (assay_test_file_count (w2->log, "(delivery 2)"), ==, 1);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 1);
  /* The next worker to start removed it; its own went once read. */
  g_assert_cmpuint (assay_test_file_count (w2->log, "Removed 1 PDF(s) left in"), ==, 1);
  g_assert_cmpuint (count_files (spool), ==, 0);

  proc_stop (w2);
  fake_model_stop (&model);
}

/* The server restarted in the middle of a batch: workers and submitter
 * reconnect, the streams are on disk, the batch completes. */
static void
test_server_restart (Fixture       *fixture,
                     gconstpointer  data)
{
  FakeModel model = { 0 };
  g_autoptr(JsonNode) docs = NULL;
  Proc *w1, *w2, *submit;

  fake_model_start (&model, 200);
  write_pdfs (fixture, 16);
  w1 = worker_start (fixture, "w1", (const char *[]) { "--jobs", "2", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);
  w2 = worker_start (fixture, "w2", (const char *[]) { "--jobs", "2", "--llm-url", model.url,
                                                       "--model", "fake-7b", NULL }, NULL);
  submit = submit_start (fixture, "submit", (const char *[]) { "--llm-url", model.url, "--model",
                                                               "fake-7b", fixture->inputs, NULL });
  wait_for_log (w1, "extract: ", 2, 60);

  assay_test_nats_restart (fixture->nats);

  docs = submit_finish (fixture, submit, "submit", 180, 0);
  g_assert_cmpuint (count_status (docs, "done"), ==, 16);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 16);

  proc_stop (w1);
  proc_stop (w2);
  fake_model_stop (&model);
}

static gboolean
either_dropped (gpointer data)
{
  const char **logs = data;

  return assay_test_file_contains (logs[0], "queued already") ||
         assay_test_file_contains (logs[1], "queued already");
}

/* The same content submitted twice (two submitters, two paths) is one
 * job: the server drops the second by its message id. */
static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) docs_a = NULL;
  g_autoptr(JsonNode) docs_b = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  g_autofree char *other_dir = g_build_filename (fixture->dir, "copy", NULL);
  g_autofree char *copy = g_build_filename (other_dir, "same-content.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  Proc *a, *b, *worker;
  const char *logs[2];

  g_mkdir (other_dir, 0700);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));

  a = submit_start (fixture, "a", (const char *[]) { path, NULL });
  b = submit_start (fixture, "b", (const char *[]) { copy, NULL });
  /* Both queue it before any worker runs: whichever comes second is
   * told by the server that it is a duplicate. */
  logs[0] = a->log;
  logs[1] = b->log;
  assay_test_wait_until (either_dropped, logs, 60, "a duplicate to be dropped");
  g_assert_cmpuint (stream_messages (fixture, ASSAY_CLUSTER_EXTRACT_STREAM), ==, 1);

  worker = worker_start (fixture, "w1", NULL, NULL);
  docs_a = submit_finish (fixture, a, "a", 60, 0);
  docs_b = submit_finish (fixture, b, "b", 60, 0);
  g_assert_cmpuint (count_status (docs_a, "done"), ==, 1);
  g_assert_cmpuint (count_status (docs_b, "done"), ==, 1);
  g_assert_cmpuint (assay_test_file_count (worker->log, "extract: "), ==, 1);
  g_assert_cmpuint (stream_messages (fixture, "KV_" ASSAY_CLUSTER_RESULTS_BUCKET), ==, 1);

  proc_stop (worker);
}

/* A PDF that crashes every reader ends as failed after a bounded number
 * of attempts, with a message, and the submitter is not left waiting. */
static void
test_poison (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonNode) docs = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  JsonObject *document, *error;
  Proc *worker, *submit;

  worker = worker_start (fixture, "w1", NULL,
                         (const char *[]) { "ASSAY_PDF_READER_TEST_HOOK", "crash", NULL });
  submit = submit_start (fixture, "submit", (const char *[]) { path, NULL });
  docs = submit_finish (fixture, submit, "submit", 120, 1);

  g_assert_cmpuint (count_status (docs, "failed"), ==, 1);
  document = json_array_get_object_element (json_node_get_array (docs), 0);
  error = json_object_get_object_member (document, "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "stage"), ==, "read");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "after 5 attempts"));
  g_assert_cmpuint (assay_test_file_count (worker->log, "extract: "), ==, 5);

  proc_stop (worker);
}

/* SIGTERM mid-job: the worker takes no more, finishes the job in hand,
 * and exits 0; nothing is redone. */
static void
test_graceful_stop (Fixture       *fixture,
                    gconstpointer  data)
{
  FakeModel model = { 0 };
  g_autoptr(JsonNode) docs = NULL;
  Proc *worker, *submit;

  fake_model_start (&model, 1500);
  write_pdfs (fixture, 1);
  worker = worker_start (fixture, "w1", (const char *[]) { "--role", "extract", "--jobs", "1",
                                                           "--llm-url", model.url,
                                                           "--model", "fake-7b", NULL }, NULL);
  submit = submit_start (fixture, "submit", (const char *[]) { "--llm-url", model.url, "--model",
                                                               "fake-7b", fixture->inputs, NULL });
  wait_for_log (worker, "extract: ", 1, 60);
  proc_stop (worker);

  /* Extracted and queued for analysis before it stopped: a second
   * worker only analyses. */
  g_assert_true (assay_test_file_contains (worker->log, "Worker stopped"));
  worker = worker_start (fixture, "w2", (const char *[]) { "--role", "analyse", NULL }, NULL);
  docs = submit_finish (fixture, submit, "submit", 60, 0);
  g_assert_cmpuint (count_status (docs, "done"), ==, 1);
  g_assert_cmpuint (assay_llm_requests (&model), ==, 1);

  proc_stop (worker);
  fake_model_stop (&model);
}

/* Each worker publishes its per-stage metrics, the numbers of --stats. */
static void
test_metrics (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  natsSubscription *sub = NULL;
  natsMsg *msg = NULL;
  JsonObject *object;
  Proc *worker;

  connection = fixture_connect (fixture);
  g_assert_cmpint (natsConnection_SubscribeSync (&sub, assay_cluster_connection_get_nats (connection),
                                                 "assay.metrics.*"), ==, NATS_OK);
  worker = worker_start (fixture, "w1", (const char *[]) { "--role", "extract", NULL }, NULL);

  g_assert_cmpint (natsSubscription_NextMsg (&msg, sub, 10000), ==, NATS_OK);
  g_assert_cmpstr (natsMsg_GetSubject (msg), ==, "assay.metrics.w1");
  g_assert_true (json_parser_load_from_data (parser, natsMsg_GetData (msg), natsMsg_GetDataLength (msg), NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "worker"), ==, "w1");
  g_assert_cmpstr (json_object_get_string_member (object, "role"), ==, "extract");
  g_assert_true (json_object_has_member (object, "stages"));
  natsMsg_Destroy (msg);
  natsSubscription_Destroy (sub);
  assay_cluster_connection_close (connection);

  proc_stop (worker);
}

/* An operator's PDF bucket made without direct gets: objects are read
 * through the JetStream API instead; a PDF of several chunks (past
 * 128 KiB) through an ordered consumer. The same results as locally. */
static void
test_operator_bucket (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_auto(AssayTestOutcome) local = { 0 };
  g_auto(AssayTestOutcome) cluster = { 0 };
  g_autoptr(JsonNode) local_docs = NULL;
  g_autoptr(JsonNode) cluster_docs = NULL;
  g_autofree char *big = NULL;
  const char *subjects[] = { "$O." ASSAY_CLUSTER_PDF_BUCKET ".C.>", "$O." ASSAY_CLUSTER_PDF_BUCKET ".M.>" };
  const char *url = assay_test_nats_get_url (fixture->nats);
  jsStreamConfig config;
  jsStreamInfo *si = NULL;
  jsErrCode jerr = 0;
  GStatBuf st;
  Proc *worker;

  connection = fixture_connect (fixture);
  jsStreamConfig_Init (&config);
  config.Name = "OBJ_" ASSAY_CLUSTER_PDF_BUCKET;
  config.Subjects = subjects;
  config.SubjectsLen = G_N_ELEMENTS (subjects);
  config.Storage = js_FileStorage;
  config.AllowRollup = true;
  config.AllowDirect = false;
  g_assert_cmpint (js_AddStream (&si, assay_cluster_connection_get_jetstream (connection), &config,
                                 NULL, &jerr), ==, NATS_OK);
  jsStreamInfo_Destroy (si);
  assay_cluster_connection_close (connection);

  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (pages, g_strdup_printf ("Annual report, page %u\nAcme Widgets Ltd\n\n"
                                             "Revenue %u,%03u.5\nNet income %u.3\n",
                                             i + 1, i + 1, i * 7, 100 + i));
  big = assay_test_pdf_write_temp (fixture->inputs, "big", (const char * const *) pages->pdata,
                                   pages->len);
  g_assert_cmpint (g_stat (big, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 128 * 1024);
  write_pdfs (fixture, 1);

  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", fixture->inputs, NULL },
                  120, &local);
  g_assert_cmpint (local.status, ==, 0);
  worker = worker_start (fixture, "w1", NULL, NULL);
  assay_test_run (NULL, (const char *[]) { "--headless", "--no-cache", "--cluster", url,
                                           fixture->inputs, NULL }, 120, &cluster);
  g_assert_cmpint (cluster.status, ==, 0);

  local_docs = documents_of (local.out);
  cluster_docs = documents_of (cluster.out);
  g_assert_cmpuint (count_status (cluster_docs, "done"), ==, 2);
  g_assert_true (json_node_equal (local_docs, cluster_docs));

  proc_stop (worker);
}

/* Past a limit of the server (here an operator's 4 KiB object store),
 * the document fails saying which limit; the batch goes on. */
static GBytes *
get_with_hint (AssayClusterConnection       *connection,
               const char                   *name,
               const AssayClusterObjectInfo *hint,
               GError                      **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (!assay_cluster_objects_get_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, name, hint, out,
                                              1024 * 1024, NULL, error))
    return NULL;
  g_assert_true (g_output_stream_close (out, NULL, NULL));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Where the submitter put an object's bytes, told to the reader: read
 * there while it holds, looked up again once the object is written anew,
 * not found once it is deleted. */
static void
test_object_hint (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = g_bytes_new_static ("first content", 13);
  g_autoptr(GBytes) second = g_bytes_new_static ("the second content", 18);
  g_autoptr(GInputStream) in1 = g_memory_input_stream_new_from_bytes (first);
  g_autoptr(GInputStream) in2 = g_memory_input_stream_new_from_bytes (second);
  g_autoptr(GBytes) got = NULL;
  g_auto(AssayClusterObjectInfo) stored = { 0 };
  g_auto(AssayClusterObjectInfo) looked_up = { 0 };
  g_auto(AssayClusterObjectInfo) none = { 0 };
  g_auto(AssayClusterObjectInfo) stale = { 0 };

  connection = fixture_connect (fixture);
  g_assert_true (assay_cluster_objects_ensure_bucket (connection, ASSAY_CLUSTER_PDF_BUCKET,
                                                      1024 * 1024, &error));
  g_assert_no_error (error);

  g_assert_false (assay_cluster_objects_get_info (connection, ASSAY_CLUSTER_PDF_BUCKET, "obj",
                                                  &looked_up, &error));
  g_assert_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (assay_cluster_objects_put_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, "obj",
                                                        in1, 1024 * 1024, &none, &stored, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored.size, ==, 13);
  g_assert_cmpint (stored.n_chunks, ==, 1);
  g_assert_nonnull (stored.nuid);
  g_assert_true (g_str_has_prefix (stored.digest, "SHA-256="));

  g_assert_true (assay_cluster_objects_get_info (connection, ASSAY_CLUSTER_PDF_BUCKET, "obj",
                                                 &looked_up, &error));
  g_assert_cmpstr (looked_up.nuid, ==, stored.nuid);
  g_assert_cmpstr (looked_up.digest, ==, stored.digest);
  g_assert_cmpint (looked_up.size, ==, 13);

  got = get_with_hint (connection, "obj", &stored, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, first));
  g_clear_pointer (&got, g_bytes_unref);

  /* Written anew: the old chunks are gone, the hint is stale. */
  stale.size = stored.size;
  stale.n_chunks = stored.n_chunks;
  stale.nuid = g_strdup (stored.nuid);
  stale.digest = g_strdup (stored.digest);
  g_assert_true (assay_cluster_objects_put_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, "obj",
                                                        in2, 1024 * 1024, &looked_up, &stored,
                                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stored.nuid, !=, stale.nuid);
  got = get_with_hint (connection, "obj", &stale, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, second));
  g_clear_pointer (&got, g_bytes_unref);

  /* A hint whose digest does not match is not trusted either. */
  g_free (stale.nuid);
  stale.nuid = g_strdup (stored.nuid);
  got = get_with_hint (connection, "obj", &stale, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, second));
  g_clear_pointer (&got, g_bytes_unref);

  g_assert_true (assay_cluster_objects_delete (connection, ASSAY_CLUSTER_PDF_BUCKET, "obj", &error));
  g_assert_no_error (error);
  got = get_with_hint (connection, "obj", &stored, &error);
  g_assert_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND);
  g_assert_null (got);

  assay_cluster_connection_close (connection);
}

/* The bucket's names listed in one go; an upload said to be new that
 * finds an object of its name stored meanwhile replaces it, its chunks
 * dropped, rather than leaving them behind. */
static void
test_object_names (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = g_bytes_new_static ("first content", 13);
  g_autoptr(GBytes) second = g_bytes_new_static ("the second content", 18);
  g_autoptr(GInputStream) in1 = g_memory_input_stream_new_from_bytes (first);
  g_autoptr(GInputStream) in2 = g_memory_input_stream_new_from_bytes (second);
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GHashTable) none_listed = NULL;
  g_autoptr(GBytes) got = NULL;
  g_auto(AssayClusterObjectInfo) stored = { 0 };
  g_auto(AssayClusterObjectInfo) again = { 0 };
  g_auto(AssayClusterObjectInfo) none = { 0 };

  connection = fixture_connect (fixture);
  g_assert_true (assay_cluster_objects_ensure_bucket (connection, ASSAY_CLUSTER_PDF_BUCKET,
                                                      1024 * 1024, &error));
  g_assert_no_error (error);

  names = assay_cluster_objects_dup_names (connection, ASSAY_CLUSTER_PDF_BUCKET, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (names);
  g_assert_cmpuint (g_hash_table_size (names), ==, 0);
  g_clear_pointer (&names, g_hash_table_unref);

  g_assert_true (assay_cluster_objects_put_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, "a/b?c",
                                                        in1, 1024 * 1024, &none, &stored, NULL, &error));
  g_assert_no_error (error);
  names = assay_cluster_objects_dup_names (connection, ASSAY_CLUSTER_PDF_BUCKET, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (names);
  g_assert_cmpuint (g_hash_table_size (names), ==, 1);
  g_assert_true (g_hash_table_contains (names, "a/b?c"));

  /* Two subjects now (a chunk, the metadata): past the bound, not listed. */
  none_listed = assay_cluster_objects_dup_names (connection, ASSAY_CLUSTER_PDF_BUCKET, 1, &error);
  g_assert_no_error (error);
  g_assert_null (none_listed);

  /* Said to be new, but there: stored all the same, the old chunks gone. */
  g_assert_true (assay_cluster_objects_put_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, "a/b?c",
                                                        in2, 1024 * 1024, &none, &again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again.nuid, !=, stored.nuid);
  got = get_with_hint (connection, "a/b?c", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, second));
  g_clear_pointer (&got, g_bytes_unref);
  /* The first upload's hint finds its chunk gone and reads the metadata. */
  got = get_with_hint (connection, "a/b?c", &stored, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, second));
  g_clear_pointer (&got, g_bytes_unref);
  /* One chunk and the metadata: the first upload's chunk was purged. */
  g_clear_pointer (&names, g_hash_table_unref);
  names = assay_cluster_objects_dup_names (connection, ASSAY_CLUSTER_PDF_BUCKET, 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (names);
  g_assert_cmpuint (g_hash_table_size (names), ==, 1);

  assay_cluster_connection_close (connection);
}

/* The results bucket's keys listed in one go, or not at all past the bound. */
static void
test_result_keys (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GHashTable) too_many = NULL;
  kvStore *kv;
  gboolean written = FALSE;

  connection = fixture_connect (fixture);
  g_assert_true (assay_cluster_layout_ensure (connection, &error));
  g_assert_no_error (error);
  kv = assay_cluster_layout_open_results (connection, &error);
  g_assert_no_error (error);

  keys = assay_cluster_results_dup_keys (connection, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
  g_clear_pointer (&keys, g_hash_table_unref);

  g_assert_true (assay_cluster_results_store (kv, "abc.general.x1", "{\"status\":\"done\"}",
                                              &written, &error));
  g_assert_no_error (error);
  g_assert_true (assay_cluster_results_store (kv, "def.general.x1", "{\"status\":\"done\"}",
                                              &written, &error));
  g_assert_no_error (error);
  keys = assay_cluster_results_dup_keys (connection, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 2);
  g_assert_true (g_hash_table_contains (keys, "abc.general.x1"));
  g_assert_true (g_hash_table_contains (keys, "def.general.x1"));

  too_many = assay_cluster_results_dup_keys (connection, 1, &error);
  g_assert_no_error (error);
  g_assert_null (too_many);

  kvStore_Destroy (kv);
  assay_cluster_connection_close (connection);
}

static void
test_limit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) docs = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_auto(AssayClusterObjectInfo) info = { 0 };
  gsize length = 0;
  JsonObject *document;
  const char *message;
  Proc *submit;

  connection = fixture_connect (fixture);
  g_assert_true (assay_cluster_objects_ensure_bucket (connection, ASSAY_CLUSTER_PDF_BUCKET, 4096, &error));
  g_assert_no_error (error);
  assay_cluster_connection_close (connection);
  g_clear_object (&connection);

  submit = submit_start (fixture, "submit", (const char *[]) { path, NULL });
  docs = submit_finish (fixture, submit, "submit", 60, 1);
  g_assert_cmpuint (count_status (docs, "failed"), ==, 1);
  document = json_array_get_object_element (json_node_get_array (docs), 0);
  message = json_object_get_string_member (json_object_get_object_member (document, "error"), "message");
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "Cannot upload the PDF to the cluster"));
  g_assert_nonnull (strstr (message, "maximum bytes"));

  /* Its chunk refused, its metadata (which fitted) went too: no object
   * is left that names bytes the bucket does not hold. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  connection = fixture_connect (fixture);
  g_assert_false (assay_cluster_objects_get_info (connection, ASSAY_CLUSTER_PDF_BUCKET, sha256, &info, &error));
  g_assert_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_NOT_FOUND);
  assay_cluster_connection_close (connection);
}

static void
note_worker (char         **seen,
             GParamSpec    *pspec,
             AssayDocument *document)
{
  if (assay_document_get_worker (document) != NULL)
    {
      g_free (*seen);
      *seen = g_strdup (assay_document_get_worker (document));
    }
}

typedef struct
{
  AssayClusterSubmitter *submitter;
  GError                *error;
  gboolean               done;
} Connected;

static void
submitter_made (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Connected *connected = user_data;

  connected->submitter = assay_cluster_submitter_new_finish (result, &connected->error);
  connected->done = TRUE;
}

static gboolean
connected_done (gpointer data)
{
  return ((Connected *) data)->done;
}

static gboolean
document_finished (gpointer data)
{
  return assay_document_is_finished (data);
}

static gboolean
nothing_pending (gpointer data)
{
  return assay_cluster_submitter_get_n_pending (data) == 0;
}

static gboolean
job_queued (gpointer data)
{
  return stream_messages (data, ASSAY_CLUSTER_EXTRACT_STREAM) == 1;
}

/* Ends a test's pipeline on a submitter: its documents finished, the
 * submitter (@submitter, taken) handed back and finalized, nothing of it
 * left running. */
static void
pipeline_let_go_of (AssayPipeline         *pipeline,
                    AssayClusterSubmitter *submitter)
{
  assay_pipeline_shutdown (pipeline);
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, 30 * G_USEC_PER_SEC));
  assay_pipeline_set_remote (pipeline, NULL);
  g_assert_finalize_object (submitter);
}

/* A PDF the bucket did not list when the submitter started, stored by
 * another client before its batch goes: the batch's upload (said to be
 * new) is refused, the object there is used, and the bucket keeps one
 * copy of the bytes; the document is done as any other. */
static void
test_object_stored_meanwhile (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_auto(AssayClusterObjectInfo) theirs = { 0 };
  g_auto(AssayClusterObjectInfo) after = { 0 };
  gsize length = 0;
  AssayDocument *document;
  Proc *worker;

  /* The submitter lists the empty bucket as it starts. */
  submitter = assay_cluster_submitter_new_sync (options, NULL, &error);
  g_assert_no_error (error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (submitter));

  /* Then another client stores the same content. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  in = g_memory_input_stream_new_from_bytes (bytes);
  connection = fixture_connect (fixture);
  g_assert_true (assay_cluster_objects_put_stream_full (connection, ASSAY_CLUSTER_PDF_BUCKET, sha256, in,
                                                        ASSAY_CLUSTER_MAX_PDF_BYTES, &after, &theirs,
                                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stream_messages (fixture, "OBJ_" ASSAY_CLUSTER_PDF_BUCKET), ==, 2);

  worker = worker_start (fixture, "w1", NULL, NULL);
  document = assay_test_pipeline_add_path (pipeline, path);
  assay_test_wait_until (document_finished, document, 60, "the document to be done");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  /* Theirs, untouched; the batch's own chunk purged. */
  g_assert_true (assay_cluster_objects_get_info (connection, ASSAY_CLUSTER_PDF_BUCKET, sha256, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (after.nuid, ==, theirs.nuid);
  g_assert_cmpuint (stream_messages (fixture, "OBJ_" ASSAY_CLUSTER_PDF_BUCKET), ==, 2);

  pipeline_let_go_of (pipeline, g_steal_pointer (&submitter));
  assay_cluster_connection_close (connection);
  proc_stop (worker);
}

/* What a window does: a submitter made asynchronously drives the
 * pipeline's own documents; a worker's name shows on the document while
 * it holds it; cancelling a document waiting on the cluster cancels it
 * here at once; nothing is left behind. */
static void
test_window_api (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *first = write_pdf (fixture, 1);
  g_autofree char *second = write_pdf (fixture, 2);
  g_autofree char *seen_worker = NULL;
  Connected connected = { 0 };
  AssayDocument *waiting, *document;
  Proc *worker;

  assay_cluster_submitter_new_async (options, cancellable, submitter_made, &connected);
  assay_test_wait_until (connected_done, &connected, 30, "the submitter to connect");
  g_assert_no_error (connected.error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (connected.submitter));

  /* No worker yet: the document waits on the cluster, and is cancelled. */
  waiting = assay_test_pipeline_add_path (pipeline, first);
  assay_test_wait_until (job_queued, fixture, 30, "the job to be queued");
  g_assert_cmpuint (assay_cluster_submitter_get_n_pending (connected.submitter), ==, 1);
  assay_pipeline_cancel (pipeline, waiting);
  assay_test_wait_until (document_finished, waiting, 10, "the document to be cancelled");
  g_assert_cmpint (assay_document_get_state (waiting), ==, ASSAY_DOCUMENT_CANCELLED);
  /* The submitter lets go of it from an idle, not inside the cancellation. */
  assay_test_wait_until (nothing_pending, connected.submitter, 10, "the submitter to let go");

  worker = worker_start (fixture, "wx", NULL, NULL);
  document = assay_test_pipeline_add_path (pipeline, second);
  g_signal_connect_swapped (document, "notify::worker", G_CALLBACK (note_worker), &seen_worker);
  assay_test_wait_until (document_finished, document, 60, "the document to be done");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpstr (seen_worker, ==, "wx");
  g_assert_null (assay_document_get_worker (document));
  g_assert_nonnull (assay_document_get_result (document));

  pipeline_let_go_of (pipeline, connected.submitter);
  proc_stop (worker);
}

static gboolean
held_by_w1 (gpointer data)
{
  return g_strcmp0 (assay_document_get_worker (data), "w1") == 0;
}

static gboolean
let_go (gpointer data)
{
  return assay_document_get_worker (data) == NULL &&
         assay_document_get_state (data) == ASSAY_DOCUMENT_QUEUED;
}

/* A worker killed while it holds a document: once it is gone (no figures
 * from it for three intervals) the document is nobody's and shows as
 * queued, not as still read by it; then another worker takes the job
 * (after AckWait) and the document is done. The first worker's reader
 * takes 30 s (a wrapper that waits first), so it is killed mid-job. */
static void
test_worker_gone (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  g_autofree char *slow_reader = g_build_filename (fixture->dir, "slow-reader", NULL);
  /* Waits 30 s before reading, and gives up as soon as its worker is gone. */
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n"
                                             "i=0\n"
                                             "while [ $i -lt 150 ] && kill -0 $PPID 2>/dev/null; do\n"
                                             "  sleep 0.2; i=$((i + 1))\n"
                                             "done\n"
                                             "kill -0 $PPID 2>/dev/null || exit 1\n"
                                             "exec '%s' \"$@\"\n",
                                             g_getenv ("ASSAY_PDF_READER"));
  AssayDocument *document;
  Proc *w1, *w2;

  g_assert_nonnull (g_getenv ("ASSAY_PDF_READER"));
  g_assert_true (g_file_set_contents (slow_reader, script, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (slow_reader, 0755), ==, 0);

  submitter = assay_cluster_submitter_new_sync (options, NULL, &error);
  g_assert_no_error (error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (submitter));

  w1 = worker_start (fixture, "w1", NULL, (const char *[]) { "ASSAY_PDF_READER", slow_reader, NULL });
  document = assay_test_pipeline_add_path (pipeline, path);
  assay_test_wait_until (held_by_w1, document, 30, "w1 to take the document");

  g_subprocess_send_signal (w1->process, SIGKILL);
  assay_test_wait_until (proc_exited, w1, 15, "w1 to die");
  assay_test_wait_until (let_go, document, 30, "the document to be let go of");
  g_assert_false (assay_document_is_finished (document));

  w2 = worker_start (fixture, "w2", NULL, NULL);
  assay_test_wait_until (document_finished, document, 60, "w2 to finish the document");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_null (assay_document_get_worker (document));
  g_assert_cmpuint (assay_test_file_count (w2->log, "(delivery 2)"), ==, 1);

  pipeline_let_go_of (pipeline, g_steal_pointer (&submitter));
  proc_stop (w2);
}

typedef struct
{
  AssayClusterSubmitter *submitter;
  const char            *name;
  gboolean               gone;
} WorkerWait;

static gboolean
worker_heard (gpointer data)
{
  WorkerWait *wait = data;
  GListModel *workers = assay_cluster_submitter_get_workers (wait->submitter);

  for (guint i = 0; i < g_list_model_get_n_items (workers); i++)
    {
      g_autoptr(AssayClusterWorkerInfo) info = g_list_model_get_item (workers, i);

      if (g_str_equal (assay_cluster_worker_info_get_name (info), wait->name))
        return assay_cluster_worker_info_get_gone (info) == wait->gone;
    }

  return FALSE;
}

static gboolean
worker_analysed_one (gpointer data)
{
  AssayStageSnapshot snap;

  return assay_cluster_worker_info_get_stage (data, ASSAY_STAGE_ANALYSE, &snap) && snap.done == 1;
}

static gboolean
worker_read_one (gpointer data)
{
  AssayStageSnapshot snap;

  return assay_cluster_worker_info_get_stage (data, ASSAY_STAGE_READ, &snap) && snap.done == 1;
}

/* The submitter lists the workers as they publish their figures, with
 * the numbers of --stats per stage, live; a killed worker goes gone,
 * the other stays. */
static void
test_workers_model (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_pdf (fixture, 1);
  WorkerWait wait = { 0 };
  AssayClusterWorkerInfo *extract, *analyse;
  AssayStageSnapshot snap;
  AssayDocument *document;
  GListModel *workers;
  Proc *w1, *w2;

  submitter = assay_cluster_submitter_new_sync (options, NULL, &error);
  g_assert_no_error (error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (submitter));
  workers = assay_cluster_submitter_get_workers (submitter);
  g_assert_true (g_list_model_get_item_type (workers) == ASSAY_TYPE_CLUSTER_WORKER_INFO);
  g_assert_cmpuint (g_list_model_get_n_items (workers), ==, 0);

  /* Named so that the model's order (by name) is not the start order. */
  w2 = worker_start (fixture, "w2-analyse", (const char *[]) { "--role", "analyse", "--jobs", "3", NULL }, NULL);
  w1 = worker_start (fixture, "w1-extract", (const char *[]) { "--role", "extract", NULL }, NULL);
  wait.submitter = submitter;
  wait.name = "w1-extract";
  assay_test_wait_until (worker_heard, &wait, 20, "the extract worker's figures");
  wait.name = "w2-analyse";
  assay_test_wait_until (worker_heard, &wait, 20, "the analyse worker's figures");
  g_assert_cmpuint (g_list_model_get_n_items (workers), ==, 2);

  extract = g_list_model_get_item (workers, 0);
  analyse = g_list_model_get_item (workers, 1);
  g_object_unref (extract);   /* the model holds them */
  g_object_unref (analyse);
  g_assert_cmpstr (assay_cluster_worker_info_get_name (extract), ==, "w1-extract");
  g_assert_cmpstr (assay_cluster_worker_info_get_role (extract), ==, "extract");
  g_assert_cmpstr (assay_cluster_worker_info_get_host (extract), ==, g_get_host_name ());
  g_assert_cmpstr (assay_cluster_worker_info_get_name (analyse), ==, "w2-analyse");
  g_assert_cmpstr (assay_cluster_worker_info_get_role (analyse), ==, "analyse");
  g_assert_cmpuint (assay_cluster_worker_info_get_slots (analyse), ==, 3);
  g_assert_cmpint (assay_cluster_worker_info_get_last_seen (analyse), >, 0);
  g_assert_false (assay_cluster_worker_info_get_stage (extract, ASSAY_STAGE_READ, &snap));

  /* One document through both: each worker's stages count it. */
  document = assay_test_pipeline_add_path (pipeline, path);
  assay_test_wait_until (document_finished, document, 60, "the document to be done");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  /* Their next figures (every 2 s) count it. */
  assay_test_wait_until (worker_analysed_one, analyse, 20, "the analyse worker to count its job");
  assay_test_wait_until (worker_read_one, extract, 20, "the extract worker to count its job");
  g_assert_cmpuint (assay_cluster_worker_info_get_done (analyse), ==, 1);
  g_assert_true (assay_cluster_worker_info_get_stage (extract, ASSAY_STAGE_READ, &snap));
  g_assert_cmpuint (snap.done, ==, 1);
  g_assert_cmpfloat (snap.p50_ms, >, 0);
  g_assert_cmpfloat (snap.p90_ms, >=, snap.p50_ms);
  g_assert_true (assay_cluster_worker_info_get_stage (analyse, ASSAY_STAGE_ANALYSE, &snap));
  g_assert_false (assay_cluster_worker_info_get_stage (analyse, ASSAY_STAGE_READ, &snap));
  g_assert_cmpuint (snap.done, ==, 0);

  /* Killed: gone after three silent intervals; the other is not. */
  g_subprocess_send_signal (w2->process, SIGKILL);
  wait.name = "w2-analyse";
  wait.gone = TRUE;
  assay_test_wait_until (worker_heard, &wait, 30, "the killed worker to be gone");
  g_assert_false (assay_cluster_worker_info_get_gone (extract));
  g_assert_cmpuint (g_list_model_get_n_items (workers), ==, 2);

  pipeline_let_go_of (pipeline, g_steal_pointer (&submitter));
  proc_stop (w1);
}

static void
purge_stream (Fixture    *fixture,
              const char *stream)
{
  g_autoptr(AssayClusterConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  jsErrCode jerr = 0;

  connection = fixture_connect (fixture);
  g_assert_cmpint (js_PurgeStream (assay_cluster_connection_get_jetstream (connection), stream, NULL, &jerr),
                   ==, NATS_OK);
  assay_cluster_connection_close (connection);
}

/* A job lost on the server (its stream purged before any worker took
 * it): the submitter does not wait for ever. Nothing moves on the cluster
 * for 5 AckWaits (10 s here), so the document fails saying so; the next
 * one is done. */
static void
test_lost_job (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = write_pdf (fixture, 1);
  g_autofree char *second = write_pdf (fixture, 2);
  AssayDocument *lost, *document;
  gint64 start;
  Proc *worker;

  submitter = assay_cluster_submitter_new_sync (options, NULL, &error);
  g_assert_no_error (error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (submitter));

  lost = assay_test_pipeline_add_path (pipeline, first);
  assay_test_wait_until (job_queued, fixture, 30, "the job to be queued");
  purge_stream (fixture, ASSAY_CLUSTER_EXTRACT_STREAM);
  start = g_get_monotonic_time ();
  assay_test_wait_until (document_finished, lost, 40, "the lost job's document to fail");
  g_test_message ("failed after %.1f s: %s", (g_get_monotonic_time () - start) / 1e6,
                  assay_document_get_error_message (lost));
  g_assert_cmpint (assay_document_get_state (lost), ==, ASSAY_DOCUMENT_FAILED);
  g_assert_nonnull (strstr (assay_document_get_error_message (lost), "The cluster lost the job"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 8 * G_USEC_PER_SEC);
  g_assert_cmpuint (assay_cluster_submitter_get_n_pending (submitter), ==, 0);

  /* The batch goes on. */
  worker = worker_start (fixture, "w1", NULL, NULL);
  document = assay_test_pipeline_add_path (pipeline, second);
  assay_test_wait_until (document_finished, document, 60, "the next document to be done");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  pipeline_let_go_of (pipeline, g_steal_pointer (&submitter));
  proc_stop (worker);
}

static gboolean
document_settled (gpointer data)
{
  AssayDocumentState state = assay_document_get_state (data);

  return state == ASSAY_DOCUMENT_DONE || state == ASSAY_DOCUMENT_FAILED ||
         state == ASSAY_DOCUMENT_NEEDS_PASSWORD || state == ASSAY_DOCUMENT_CANCELLED;
}

/* A PDF with a password: the worker says it needs one; retried with the
 * password (the window's needs-password row), the worker reads it. The
 * password is in no log. */
static void
test_password (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AssayClusterOptions) options = assay_cluster_options_new (assay_test_nats_get_url (fixture->nats));
  g_autoptr(AssayWorkerPool) pool = assay_worker_pool_new (2);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = assay_test_offline_pipeline_new (pool, template_, NULL);
  g_autoptr(AssayClusterSubmitter) submitter = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = write_pdf (fixture, 1);
  g_autofree char *locked = g_build_filename (fixture->dir, "locked.pdf", NULL);
  AssayDocument *document;
  Proc *worker;

  if (!assay_test_have_qpdf ())
    {
      g_test_fail_printf ("needs qpdf (apt-get install qpdf)");
      return;
    }
  g_assert_true (assay_test_pdf_encrypt (plain, locked, "Zebra-7731", "owner-7731", &error));
  g_assert_no_error (error);

  submitter = assay_cluster_submitter_new_sync (options, NULL, &error);
  g_assert_no_error (error);
  assay_pipeline_set_remote (pipeline, ASSAY_REMOTE (submitter));
  worker = worker_start (fixture, "w1", NULL, NULL);

  document = assay_test_pipeline_add_path (pipeline, locked);
  assay_test_wait_until (document_settled, document, 60, "the worker to ask for a password");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);

  /* A wrong one: asked again. */
  assay_pipeline_retry_with_password (pipeline, document, "wrong-7731");
  g_assert_false (document_settled (document));
  assay_test_wait_until (document_settled, document, 60, "the worker to try the wrong password");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_NEEDS_PASSWORD);

  assay_pipeline_retry_with_password (pipeline, document, "Zebra-7731");
  assay_test_wait_until (document_settled, document, 60, "the worker to read it with its password");
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_nonnull (assay_document_get_result (document));

  pipeline_let_go_of (pipeline, g_steal_pointer (&submitter));
  proc_stop (worker);
  g_assert_false (assay_test_file_contains (worker->log, "Zebra-7731"));
  g_assert_false (assay_test_file_contains (worker->log, "wrong-7731"));
}

int
main (int    argc,
      char **argv)
{
  static const char * const auth_args[] = { "--auth", "s3cret-token", NULL };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The submitters made here wait as the workers do (proc_start()). */
  g_setenv ("ASSAY_CLUSTER_ACK_WAIT", "2", TRUE);
  assay_fake_llm_install_offline_resolver ();

  g_test_add_func ("/assay/cluster/job-stages", test_job_stages);
  g_test_add_func ("/assay/cluster/spool", test_spool);
  g_test_add_func ("/assay/cluster/progress-result", test_progress_result);
  g_test_add_func ("/assay/cluster/progress-digest", test_progress_digest);
  g_test_add_func ("/assay/cluster/unreachable", test_unreachable);
  g_test_add ("/assay/cluster/wrong-credential", Fixture, auth_args,
              fixture_set_up, test_wrong_credential, fixture_tear_down);
  g_test_add ("/assay/cluster/batch", Fixture, NULL,
              fixture_set_up, test_batch, fixture_tear_down);
  g_test_add ("/assay/cluster/split-roles", Fixture, NULL,
              fixture_set_up, test_split_roles, fixture_tear_down);
  g_test_add ("/assay/cluster/operator-bucket", Fixture, NULL,
              fixture_set_up, test_operator_bucket, fixture_tear_down);
  g_test_add ("/assay/cluster/two-workers", Fixture, NULL,
              fixture_set_up, test_two_workers, fixture_tear_down);
  g_test_add ("/assay/cluster/killed-worker", Fixture, NULL,
              fixture_set_up, test_killed_worker, fixture_tear_down);
  g_test_add ("/assay/cluster/server-restart", Fixture, NULL,
              fixture_set_up, test_server_restart, fixture_tear_down);
  g_test_add ("/assay/cluster/duplicate", Fixture, NULL,
              fixture_set_up, test_duplicate, fixture_tear_down);
  g_test_add ("/assay/cluster/poison", Fixture, NULL,
              fixture_set_up, test_poison, fixture_tear_down);
  g_test_add ("/assay/cluster/graceful-stop", Fixture, NULL,
              fixture_set_up, test_graceful_stop, fixture_tear_down);
  g_test_add ("/assay/cluster/metrics", Fixture, NULL,
              fixture_set_up, test_metrics, fixture_tear_down);
  g_test_add ("/assay/cluster/object-hint", Fixture, NULL,
              fixture_set_up, test_object_hint, fixture_tear_down);
  g_test_add ("/assay/cluster/object-names", Fixture, NULL,
              fixture_set_up, test_object_names, fixture_tear_down);
  g_test_add ("/assay/cluster/result-keys", Fixture, NULL,
              fixture_set_up, test_result_keys, fixture_tear_down);
  g_test_add ("/assay/cluster/object-stored-meanwhile", Fixture, NULL,
              fixture_set_up, test_object_stored_meanwhile, fixture_tear_down);
  g_test_add ("/assay/cluster/limit", Fixture, NULL,
              fixture_set_up, test_limit, fixture_tear_down);
  g_test_add ("/assay/cluster/window-api", Fixture, NULL,
              fixture_set_up, test_window_api, fixture_tear_down);
  g_test_add ("/assay/cluster/workers-model", Fixture, NULL,
              fixture_set_up, test_workers_model, fixture_tear_down);
  g_test_add ("/assay/cluster/worker-gone", Fixture, NULL,
              fixture_set_up, test_worker_gone, fixture_tear_down);
  g_test_add ("/assay/cluster/lost-job", Fixture, NULL,
              fixture_set_up, test_lost_job, fixture_tear_down);
  g_test_add ("/assay/cluster/password", Fixture, NULL,
              fixture_set_up, test_password, fixture_tear_down);

  return g_test_run ();
}
