/* assay-cluster-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-cluster-connection.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 5000
#define RECONNECT_WAIT_MS           500

struct _AssayClusterConnection
{
  GObject         parent_instance;

  char           *address;
  natsConnection *nc;
  jsCtx          *js;
  gint            connected;   /* atomic */
};

G_DEFINE_FINAL_TYPE (AssayClusterConnection, assay_cluster_connection, G_TYPE_OBJECT)

/* libnats keeps one library-wide state (its timers and message delivery
 * threads): opened once for the process, never closed while anything may
 * still use it. */
static gsize nats_opened;

static void
ensure_nats_open (void)
{
  if (g_once_init_enter (&nats_opened))
    {
      nats_Open (-1);
      g_once_init_leave (&nats_opened, 1);
    }
}

/**
 * assay_cluster_connection_dup_subjects:
 * @stream: the stream to list
 * @prefix: the subjects to list, "$KV.bucket." (with its last dot)
 * @max_subjects: list them only if @stream has at most this many subjects
 *   in all, so the answer stays one small message
 * @what: what is being done, for an error's message
 *
 * The subjects under @prefix that @stream holds now, from its stream info:
 * one request for all of a bucket's keys or objects, where looking each
 * up would take one each. Two requests (the stream's size, then its
 * subjects). Blocks.
 *
 * Returns: (transfer full) (nullable): a set of the subjects with @prefix
 *   cut off (char* keys), or %NULL: too many to list (no @error), or
 *   @error set
 */
GHashTable *
assay_cluster_connection_dup_subjects (AssayClusterConnection  *self,
                                       const char              *stream,
                                       const char              *prefix,
                                       guint                    max_subjects,
                                       const char              *what,
                                       GError                 **error)
{
  jsCtx *js = assay_cluster_connection_get_jetstream (self);
  g_autofree char *wildcard = g_strconcat (prefix, ">", NULL);
  g_autoptr(GHashTable) subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize prefix_len = strlen (prefix);
  jsStreamInfo *si = NULL;
  jsOptions opts;
  jsErrCode jerr = 0;
  natsStatus s;

  s = js_GetStreamInfo (&si, js, stream, NULL, &jerr);
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, jerr, what), NULL);
  if (si->State.NumSubjects < 0 || (guint64) si->State.NumSubjects > max_subjects)
    {
      jsStreamInfo_Destroy (si);
      return NULL;
    }
  jsStreamInfo_Destroy (si);
  si = NULL;

  jsOptions_Init (&opts);
  opts.Stream.Info.SubjectsFilter = wildcard;
  s = js_GetStreamInfo (&si, js, stream, &opts, &jerr);
  if (s != NATS_OK)
    return (assay_cluster_set_error (error, s, jerr, what), NULL);

  for (int i = 0; si->State.Subjects != NULL && i < si->State.Subjects->Count; i++)
    {
      const char *subject = si->State.Subjects->List[i].Subject;

      if (subject != NULL && g_str_has_prefix (subject, prefix))
        g_hash_table_add (subjects, g_strdup (subject + prefix_len));
    }
  jsStreamInfo_Destroy (si);

  return g_steal_pointer (&subjects);
}

/**
 * assay_cluster_set_error:
 * @status: what libnats returned
 * @js_error: JetStream's error code, or 0
 * @what: what was being done, for the message ("uploading report.pdf")
 *
 * Sets @error from a libnats status, with libnats' own text of the last
 * error of this thread. Any thread.
 *
 * Returns: %FALSE, to be returned
 */
gboolean
assay_cluster_set_error (GError     **error,
                         natsStatus   status,
                         jsErrCode    js_error,
                         const char  *what)
{
  return assay_cluster_set_error_full (error, status, js_error, what, nats_GetLastError (NULL));
}

/**
 * assay_cluster_set_error_full:
 * @detail: (nullable): what went wrong, as libnats or the server said it
 *   (an asynchronous publish's refusal: not this thread's last error)
 *
 * As assay_cluster_set_error().
 */
gboolean
assay_cluster_set_error_full (GError     **error,
                              natsStatus   status,
                              jsErrCode    js_error,
                              const char  *what,
                              const char  *detail)
{
  int code = ASSAY_CLUSTER_ERROR_SERVER;

  if (detail == NULL || *detail == '\0')
    detail = natsStatus_GetText (status);
  /* libnats puts where in its sources it failed first: "(js.c:535): …". */
  if (detail[0] == '(' && strstr (detail, "): ") != NULL)
    detail = strstr (detail, "): ") + 3;

  switch (status)
    {
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR:
      code = ASSAY_CLUSTER_ERROR_UNREACHABLE;
      break;
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED:
      code = ASSAY_CLUSTER_ERROR_AUTH;
      break;
    case NATS_MAX_PAYLOAD:
      code = ASSAY_CLUSTER_ERROR_TOO_LARGE;
      break;
    case NATS_NOT_FOUND:
      code = ASSAY_CLUSTER_ERROR_NOT_FOUND;
      break;
    default:
      break;
    }

  /* JetStream's limits: "maximum bytes exceeded", "message size exceeds maximum allowed". */
  if (js_error == JSStreamStoreFailedErr || js_error == JSStreamMessageExceedsMaximumErr ||
      (detail != NULL && (strstr (detail, "maximum") != NULL || strstr (detail, "exceeds") != NULL)))
    code = ASSAY_CLUSTER_ERROR_TOO_LARGE;

  g_set_error (error, ASSAY_CLUSTER_ERROR, code, "%s: %s", what, detail);
  return FALSE;
}

/* ------------------------------------------------------------------------ */

static void
disconnected_cb (natsConnection *nc,
                 void           *closure)
{
  AssayClusterConnection *self = closure;

  if (g_atomic_int_compare_and_exchange (&self->connected, TRUE, FALSE))
    g_message ("Lost the connection to the NATS server at %s; reconnecting", self->address);
}

static void
reconnected_cb (natsConnection *nc,
                void           *closure)
{
  AssayClusterConnection *self = closure;

  g_atomic_int_set (&self->connected, TRUE);
  g_message ("Connected again to the NATS server at %s", self->address);
}

/* libnats says "No server available for connection" whatever happened:
 * one plain TCP connect, bounded, tells why. */
static char *
dup_unreachable_reason (const char *address,
                        guint       timeout_ms)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_timeout (client, MAX (1, timeout_ms / 1000));
  /* NATS is not proxied: go straight to the address. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, address, 4222, NULL, &error);
  if (connection != NULL)
    return g_strdup (_("it does not speak NATS, or closed the connection"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("connection refused"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("no answer (timed out)"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup (_("no route to the host"));
  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup (_("no such host"));

  return g_strdup (error->message);
}

static gboolean
set_options (natsOptions                *opts,
             const AssayClusterOptions  *options,
             GError                    **error)
{
  natsStatus s;
  guint timeout_ms = options->connect_timeout_ms > 0 ? options->connect_timeout_ms
                                                     : DEFAULT_CONNECT_TIMEOUT_MS;

  s = natsOptions_SetURL (opts, options->url);
  if (s == NATS_OK)
    s = natsOptions_SetTimeout (opts, timeout_ms);
  if (s == NATS_OK)
    s = natsOptions_SetName (opts, options->name != NULL ? options->name : "assay");
  if (s == NATS_OK)
    s = natsOptions_SetAllowReconnect (opts, true);
  if (s == NATS_OK)
    s = natsOptions_SetMaxReconnect (opts, -1);
  if (s == NATS_OK)
    s = natsOptions_SetReconnectWait (opts, RECONNECT_WAIT_MS);
  if (s != NATS_OK)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                   _("“%s” is not a NATS server address: %s"), options->url,
                   nats_GetLastError (NULL));
      return FALSE;
    }

  if (options->token != NULL && natsOptions_SetToken (opts, options->token) != NATS_OK)
    goto bad_credentials;
  if (options->user != NULL &&
      natsOptions_SetUserInfo (opts, options->user, options->password) != NATS_OK)
    goto bad_credentials;

  if (options->creds_file != NULL)
    {
      if (!g_file_test (options->creds_file, G_FILE_TEST_IS_REGULAR) ||
          natsOptions_SetUserCredentialsFromFiles (opts, options->creds_file, NULL) != NATS_OK)
        {
          g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                       _("The credentials file “%s” cannot be used"), options->creds_file);
          return FALSE;
        }
    }

  if (options->nkey_file != NULL)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      const char *public_key = NULL;

      /* The seed signs; the server wants the public key too, which
       * `nk -gen user -pubout` writes on the line after the seed. */
      if (g_file_get_contents (options->nkey_file, &contents, NULL, NULL))
        {
          lines = g_strsplit (contents, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            if (g_str_has_prefix (g_strstrip (lines[i]), "U"))
              public_key = lines[i];
          explicit_bzero (contents, strlen (contents));
        }
      if (public_key == NULL ||
          natsOptions_SetNKeyFromSeed (opts, public_key, options->nkey_file) != NATS_OK)
        {
          if (lines != NULL)
            for (guint i = 0; lines[i] != NULL; i++)
              explicit_bzero (lines[i], strlen (lines[i]));
          g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                       _("The NKey file “%s” cannot be used: it needs the seed (SU…) and the "
                         "public key (U…) on lines of their own"), options->nkey_file);
          return FALSE;
        }
      for (guint i = 0; lines[i] != NULL; i++)
        explicit_bzero (lines[i], strlen (lines[i]));
    }

  if (options->ca_file != NULL || g_str_has_prefix (options->url, "tls://"))
    {
      if (natsOptions_SetSecure (opts, true) != NATS_OK)
        {
          g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                       _("This libnats was built without TLS"));
          return FALSE;
        }
      if (options->ca_file != NULL &&
          natsOptions_LoadCATrustedCertificates (opts, options->ca_file) != NATS_OK)
        {
          g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                       _("The CA file “%s” cannot be used: %s"), options->ca_file,
                       nats_GetLastError (NULL));
          return FALSE;
        }
    }

  return TRUE;

bad_credentials:
  g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
               _("The NATS credentials cannot be used: %s"), nats_GetLastError (NULL));
  return FALSE;
}

/**
 * assay_cluster_connection_new_sync:
 * @options: the server and the credentials
 *
 * Connects, within @options' connect timeout (5 s by default), and checks
 * that the server has JetStream. Blocks: never call it on the main
 * thread of a window. Any other thread.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 *   (%ASSAY_CLUSTER_ERROR_UNREACHABLE, _AUTH, _CONFIG or _SERVER)
 */
AssayClusterConnection *
assay_cluster_connection_new_sync (const AssayClusterOptions  *options,
                                   GCancellable               *cancellable,
                                   GError                    **error)
{
  g_autoptr(AssayClusterConnection) self = NULL;
  natsOptions *opts = NULL;
  jsOptions js_opts;
  jsAccountInfo *account = NULL;
  jsErrCode js_error = 0;
  natsStatus s;
  guint timeout_ms;

  g_return_val_if_fail (options != NULL && options->url != NULL, NULL);

  ensure_nats_open ();
  timeout_ms = options->connect_timeout_ms > 0 ? options->connect_timeout_ms
                                               : DEFAULT_CONNECT_TIMEOUT_MS;

  self = g_object_new (ASSAY_TYPE_CLUSTER_CONNECTION, NULL);
  self->address = assay_cluster_options_dup_address (options);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (natsOptions_Create (&opts) != NATS_OK)
    {
      g_set_error_literal (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                           nats_GetLastError (NULL));
      return NULL;
    }
  if (!set_options (opts, options, error))
    {
      natsOptions_Destroy (opts);
      return NULL;
    }
  natsOptions_SetDisconnectedCB (opts, disconnected_cb, self);
  natsOptions_SetReconnectedCB (opts, reconnected_cb, self);

  s = natsConnection_Connect (&self->nc, opts);
  natsOptions_Destroy (opts);

  if (s == NATS_NO_SERVER || s == NATS_TIMEOUT || s == NATS_IO_ERROR)
    {
      g_autofree char *reason = dup_unreachable_reason (self->address, timeout_ms);

      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_UNREACHABLE,
                   _("cannot reach the NATS server at %s: %s"), self->address, reason);
      return NULL;
    }
  if (s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED ||
      (s != NATS_OK && strstr (nats_GetLastError (NULL), "uthorization") != NULL))
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_AUTH,
                   _("the NATS server at %s refused the credentials (authorization violation)"),
                   self->address);
      return NULL;
    }
  if (s == NATS_SSL_ERROR)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_CONFIG,
                   _("cannot talk TLS with the NATS server at %s: %s"), self->address,
                   nats_GetLastError (NULL));
      return NULL;
    }
  if (s != NATS_OK)
    {
      g_autofree char *what = g_strdup_printf (_("cannot connect to the NATS server at %s"),
                                               self->address);
      return (assay_cluster_set_error (error, s, 0, what), NULL);
    }
  g_atomic_int_set (&self->connected, TRUE);

  jsOptions_Init (&js_opts);
  js_opts.Wait = ASSAY_CLUSTER_JETSTREAM_WAIT_MS;
  s = natsConnection_JetStream (&self->js, self->nc, &js_opts);
  if (s == NATS_OK)
    s = js_GetAccountInfo (&account, self->js, NULL, &js_error);
  if (account != NULL)
    jsAccountInfo_Destroy (account);
  if (s != NATS_OK)
    {
      g_set_error (error, ASSAY_CLUSTER_ERROR, ASSAY_CLUSTER_ERROR_SERVER,
                   _("the NATS server at %s has no JetStream (start it with -js): %s"),
                   self->address, nats_GetLastError (NULL));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
connect_thread (gpointer data)
{
  GTask *task = data;
  GError *error = NULL;
  AssayClusterConnection *self;

  self = assay_cluster_connection_new_sync (g_task_get_task_data (task),
                                            g_task_get_cancellable (task), &error);
  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
  g_object_unref (task);
}

static gpointer
connect_thread_main (gpointer data)
{
  connect_thread (data);
  return NULL;
}

/**
 * assay_cluster_connection_new_async:
 *
 * Connects on a thread of its own (connecting blocks in libnats, and is
 * network waiting, not CPU work for the worker pool). Main thread.
 */
void
assay_cluster_connection_new_async (const AssayClusterOptions *options,
                                    GCancellable              *cancellable,
                                    GAsyncReadyCallback        callback,
                                    gpointer                   user_data)
{
  GTask *task;

  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_cluster_connection_new_async);
  g_task_set_task_data (task, assay_cluster_options_copy (options),
                        (GDestroyNotify) assay_cluster_options_free);
  g_thread_unref (g_thread_new ("assay-nats-connect", connect_thread_main, task));
}

AssayClusterConnection *
assay_cluster_connection_new_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
assay_cluster_connection_get_address (AssayClusterConnection *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (self), NULL);

  return self->address;
}

natsConnection *
assay_cluster_connection_get_nats (AssayClusterConnection *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (self), NULL);

  return self->nc;
}

jsCtx *
assay_cluster_connection_get_jetstream (AssayClusterConnection *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (self), NULL);

  return self->js;
}

gboolean
assay_cluster_connection_is_connected (AssayClusterConnection *self)
{
  g_return_val_if_fail (ASSAY_IS_CLUSTER_CONNECTION (self), FALSE);

  return g_atomic_int_get (&self->connected);
}

/**
 * assay_cluster_connection_close:
 *
 * Flushes what was published (bounded) and closes. Idempotent.
 */
void
assay_cluster_connection_close (AssayClusterConnection *self)
{
  g_return_if_fail (ASSAY_IS_CLUSTER_CONNECTION (self));

  if (self->nc == NULL)
    return;

  g_atomic_int_set (&self->connected, FALSE);
  natsConnection_FlushTimeout (self->nc, 2000);
  natsConnection_Close (self->nc);
}

static void
assay_cluster_connection_finalize (GObject *object)
{
  AssayClusterConnection *self = ASSAY_CLUSTER_CONNECTION (object);

  g_clear_pointer (&self->js, jsCtx_Destroy);
  if (self->nc != NULL)
    {
      natsConnection_Close (self->nc);
      natsConnection_Destroy (self->nc);
      self->nc = NULL;
    }
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (assay_cluster_connection_parent_class)->finalize (object);
}

static void
assay_cluster_connection_class_init (AssayClusterConnectionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = assay_cluster_connection_finalize;
}

static void
assay_cluster_connection_init (AssayClusterConnection *self)
{
}
