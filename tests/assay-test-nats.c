/* assay-test-nats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-nats"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "assay-test-fixture.h"
#include "assay-test-nats.h"

#define READY_LIMIT_S 15
#define STOP_LIMIT_S  15

struct _AssayTestNats
{
  GSubprocess *process;
  char        *dir;
  char        *store;
  char        *log;
  guint        port;
  char        *url;
  GStrv        extra_args;
};

static const char *
server_binary (void)
{
  const char *binary = g_getenv ("ASSAY_NATS_SERVER");

  return binary != NULL && *binary != '\0' ? binary : "nats-server";
}

/**
 * assay_test_die_with_parent:
 *
 * A child setup function: the child is killed when the test dies, so that
 * a failing test leaves no server or worker behind.
 */
void
assay_test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

gboolean
assay_test_nats_available (void)
{
  return g_file_test (server_binary (), G_FILE_TEST_IS_EXECUTABLE);
}

/**
 * assay_test_free_port:
 *
 * Returns: a loopback TCP port nobody listened on a moment ago
 */
guint
assay_test_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
is_listening (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return connection != NULL;
}

static gboolean
server_ready (gpointer data)
{
  AssayTestNats *self = data;

  return assay_test_file_contains (self->log, "Server is ready") && is_listening (self->port);
}

static void
spawn (AssayTestNats *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup (server_binary ()));
  g_ptr_array_add (argv, g_strdup ("-js"));
  g_ptr_array_add (argv, g_strdup ("-a"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("-p"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", self->port));
  g_ptr_array_add (argv, g_strdup ("-sd"));
  g_ptr_array_add (argv, g_strdup (self->store));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  /* A fresh log each start: "Server is ready" must be this start's. */
  g_file_set_contents (self->log, "", 0, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log);
  g_subprocess_launcher_set_child_setup (launcher, assay_test_die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  assay_test_wait_until (server_ready, self, READY_LIMIT_S, "nats-server to listen");
}

/**
 * assay_test_nats_start:
 * @extra_args: (nullable): more arguments, such as { "--auth", "TOKEN", NULL }
 *
 * Returns: (transfer full): a running server with JetStream
 */
AssayTestNats *
assay_test_nats_start (const char * const *extra_args)
{
  AssayTestNats *self = g_new0 (AssayTestNats, 1);

  self->dir = assay_test_tmp_dir_new ("assay-nats-XXXXXX");
  self->store = g_build_filename (self->dir, "store", NULL);
  self->log = g_build_filename (self->dir, "server.log", NULL);
  self->port = assay_test_free_port ();
  self->url = g_strdup_printf ("nats://127.0.0.1:%u", self->port);
  self->extra_args = g_strdupv ((char **) extra_args);
  spawn (self);

  return self;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Stops the server by its process id (SIGTERM: it writes its store out),
 * and waits for it, bounded. */
void
assay_test_nats_stop (AssayTestNats *self)
{
  gboolean gone = FALSE;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait_async (self->process, NULL, wait_cb, &gone);
  assay_test_wait_until (flag_set, &gone, STOP_LIMIT_S, "nats-server to stop");
  g_clear_object (&self->process);
}

/* The same port and store: what was stored is there again. */
void
assay_test_nats_restart (AssayTestNats *self)
{
  assay_test_nats_stop (self);
  spawn (self);
}

void
assay_test_nats_free (AssayTestNats *self)
{
  if (self == NULL)
    return;

  assay_test_nats_stop (self);
  assay_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->store);
  g_free (self->log);
  g_free (self->url);
  g_strfreev (self->extra_args);
  g_free (self);
}

const char *
assay_test_nats_get_url (AssayTestNats *self)
{
  return self->url;
}

guint
assay_test_nats_get_port (AssayTestNats *self)
{
  return self->port;
}

gboolean
assay_test_file_contains (const char *path,
                          const char *needle)
{
  return assay_test_file_count (path, needle) > 0;
}

guint
assay_test_file_count (const char *path,
                       const char *needle)
{
  g_autofree char *contents = NULL;
  guint count = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;

  for (const char *at = strstr (contents, needle); at != NULL; at = strstr (at + 1, needle))
    count++;

  return count;
}
