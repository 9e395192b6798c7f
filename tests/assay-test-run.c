/* assay-test-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-run"

#include "config.h"

#include "assay-test-run.h"

void
assay_test_outcome_clear (AssayTestOutcome *outcome)
{
  g_clear_pointer (&outcome->out, g_free);
  g_clear_pointer (&outcome->err, g_free);
}

/**
 * assay_test_binary:
 *
 * Returns: the `assay` built with the tests (meson sets ASSAY_BINARY)
 */
const char *
assay_test_binary (void)
{
  const char *binary = g_getenv ("ASSAY_BINARY");

  g_assert_nonnull (binary);
  return binary;
}

/**
 * assay_test_launcher_new:
 *
 * G_TEST_OPTION_ISOLATE_DIRS moves this process's user folders to a
 * per-test directory but leaves the environment pointing at /dev/null:
 * the launcher hands the real ones to assay, the system's data folders
 * back (GSettings schemas, for GIO's proxy lookup), and no proxy, so that
 * loopback stays loopback.
 *
 * Returns: (transfer full): a launcher for assay
 */
GSubprocessLauncher *
assay_test_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  static const char * const proxies[] = {
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
  };

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "XDG_DATA_DIRS");
  for (guint i = 0; i < G_N_ELEMENTS (proxies); i++)
    g_subprocess_launcher_unsetenv (launcher, proxies[i]);

  return launcher;
}

typedef struct
{
  GSubprocess *process;
  guint        limit_seconds;
} Limit;

static gboolean
kill_after_limit (gpointer user_data)
{
  Limit *limit = user_data;

  g_subprocess_force_exit (limit->process);
  g_error ("assay ran for more than %u s", limit->limit_seconds);
  return G_SOURCE_REMOVE;
}

/**
 * assay_test_run:
 * @launcher: (nullable): from assay_test_launcher_new(), with pipes for
 *   standard output and error; %NULL for a default one
 * @args: (array zero-terminated=1): the arguments after the program name
 *
 * Runs assay to its end, at most @limit_seconds (then the test fails), and
 * fails the test if it died of a signal, showing what it printed.
 */
void
assay_test_run (GSubprocessLauncher *launcher,
                const char * const  *args,
                guint                limit_seconds,
                AssayTestOutcome    *outcome)
{
  g_autoptr(GSubprocessLauncher) own_launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Limit limit;
  guint limit_id;

  if (launcher == NULL)
    launcher = own_launcher = assay_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_ptr_array_add (argv, (char *) assay_test_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  limit.process = process;
  limit.limit_seconds = limit_seconds;
  limit_id = g_timeout_add_seconds (limit_seconds, kill_after_limit, &limit);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &outcome->out, &outcome->err, &error);
  g_source_remove (limit_id);
  g_assert_no_error (error);

  if (!g_subprocess_get_if_exited (process))
    g_error ("assay died with signal %d:\n%s", g_subprocess_get_term_sig (process), outcome->err);
  outcome->status = g_subprocess_get_exit_status (process);
}
