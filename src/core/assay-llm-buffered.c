/* assay-llm-buffered.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why this exists: a streamed answer is hundreds of HTTP chunks of a few
 * hundred bytes. libsoup decodes chunked bodies by reading each chunk's
 * size line (at most 128 bytes) and then the chunk's data straight from the
 * connection's stream, so over a plain TCP connection every token costs two
 * recv() calls, however much has arrived. This puts a read buffer of
 * BUFFER_SIZE bytes under libsoup: one recv() takes what is there, and
 * libsoup's small reads are served from memory.
 *
 * libsoup has no hook for the connection's stream, but GSocketClient asks
 * a GProxy to set up proxied connections and uses the stream it returns.
 * So the session gets a proxy resolver that answers what the system's
 * resolver answers, except that a direct connection becomes one through
 * the "assay-buffered" proxy protocol, whose GProxy talks to the real
 * server (its address is the server's own) and only wraps the stream.
 * libsoup sends absolute URIs only through "http" proxies; for this one it
 * speaks to the server as over a direct connection.
 *
 * Private helper types of the dispatcher, all in this file.
 */
#define G_LOG_DOMAIN "assay-llm-buffered"

#include "config.h"

#include <string.h>

#include "assay-llm-buffered.h"

#define BUFFER_SIZE (64 * 1024)
#define PROTOCOL    "assay-buffered"

/* ------------------------------------------------------------------------ */
/* A pollable input stream with a read buffer                                 */

#define ASSAY_TYPE_BUFFERED_INPUT (assay_buffered_input_get_type ())
G_DECLARE_FINAL_TYPE (AssayBufferedInput, assay_buffered_input, ASSAY, BUFFERED_INPUT, GInputStream)

struct _AssayBufferedInput
{
  GInputStream  parent_instance;

  GInputStream *base;
  guint8       *buffer;
  gsize         start;
  gsize         end;
  gsize         filled_in_pass;  /* the pass of the last read from the base */
};

/* The reading pass under way in this thread, 0 for none; see
 * assay_llm_buffered_begin_pass(). */
static GPrivate current_pass;
static gsize    last_pass;   /* atomic */

static void assay_buffered_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayBufferedInput, assay_buffered_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      assay_buffered_input_pollable_init))

static gssize
take_buffered (AssayBufferedInput *self,
               void               *data,
               gsize               count)
{
  gsize n = MIN (count, self->end - self->start);

  memcpy (data, self->buffer + self->start, n);
  self->start += n;
  if (self->start == self->end)
    self->start = self->end = 0;

  return (gssize) n;
}

/* Reads from the base into the buffer, or straight into @data when the
 * caller asks for more than the buffer holds. */
static gssize
fill_and_take (AssayBufferedInput  *self,
               void                *data,
               gsize                count,
               gboolean             blocking,
               GCancellable        *cancellable,
               GError             **error)
{
  gssize n;

  if (count >= BUFFER_SIZE)
    return g_pollable_stream_read (self->base, data, count, blocking, cancellable, error);

  n = g_pollable_stream_read (self->base, self->buffer, BUFFER_SIZE, blocking, cancellable, error);
  if (n <= 0)
    return n;

  self->start = 0;
  self->end = (gsize) n;

  return take_buffered (self, data, count);
}

static gssize
assay_buffered_input_read (GInputStream  *stream,
                           void          *data,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);

  if (self->end > self->start)
    return take_buffered (self, data, count);

  return fill_and_take (self, data, count, TRUE, cancellable, error);
}

static gboolean
assay_buffered_input_close (GInputStream  *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);

  return g_input_stream_close (self->base, cancellable, error);
}

static gboolean
assay_buffered_input_can_poll (GPollableInputStream *stream)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);

  return G_IS_POLLABLE_INPUT_STREAM (self->base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
assay_buffered_input_is_readable (GPollableInputStream *stream)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);

  return self->end > self->start ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gssize
assay_buffered_input_read_nonblocking (GPollableInputStream  *stream,
                                       void                  *data,
                                       gsize                  count,
                                       GError               **error)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);
  gsize pass;

  if (self->end > self->start)
    return take_buffered (self, data, count);

  /* In a pass, the socket is read once: what arrives after that waits
   * for the next pass. */
  pass = GPOINTER_TO_SIZE (g_private_get (&current_pass));
  if (pass != 0)
    {
      if (self->filled_in_pass == pass)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                               "Read once in this pass");
          return -1;
        }
      self->filled_in_pass = pass;
    }

  return fill_and_take (self, data, count, FALSE, NULL, error);
}

static GSource *
assay_buffered_input_create_source (GPollableInputStream *stream,
                                    GCancellable         *cancellable)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  /* Bytes in the buffer: ready at once. */
  if (self->end > self->start)
    base_source = g_timeout_source_new (0);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static void
assay_buffered_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = assay_buffered_input_can_poll;
  iface->is_readable = assay_buffered_input_is_readable;
  iface->create_source = assay_buffered_input_create_source;
  iface->read_nonblocking = assay_buffered_input_read_nonblocking;
}

static void
assay_buffered_input_finalize (GObject *object)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (object);

  g_clear_object (&self->base);
  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (assay_buffered_input_parent_class)->finalize (object);
}

static void
assay_buffered_input_class_init (AssayBufferedInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = assay_buffered_input_finalize;
  stream_class->read_fn = assay_buffered_input_read;
  stream_class->close_fn = assay_buffered_input_close;
}

static void
assay_buffered_input_init (AssayBufferedInput *self)
{
  self->buffer = g_malloc (BUFFER_SIZE);
}

/* ------------------------------------------------------------------------ */
/* The connection's streams: buffered input, the base's own output            */

#define ASSAY_TYPE_BUFFERED_IO (assay_buffered_io_get_type ())
G_DECLARE_FINAL_TYPE (AssayBufferedIo, assay_buffered_io, ASSAY, BUFFERED_IO, GIOStream)

struct _AssayBufferedIo
{
  GIOStream     parent_instance;

  GIOStream    *base;
  GInputStream *input;
};

G_DEFINE_FINAL_TYPE (AssayBufferedIo, assay_buffered_io, G_TYPE_IO_STREAM)

static GInputStream *
assay_buffered_io_get_input_stream (GIOStream *stream)
{
  return ASSAY_BUFFERED_IO (stream)->input;
}

static GOutputStream *
assay_buffered_io_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (ASSAY_BUFFERED_IO (stream)->base);
}

static gboolean
assay_buffered_io_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return g_io_stream_close (ASSAY_BUFFERED_IO (stream)->base, cancellable, error);
}

static void
assay_buffered_io_finalize (GObject *object)
{
  AssayBufferedIo *self = ASSAY_BUFFERED_IO (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (assay_buffered_io_parent_class)->finalize (object);
}

static void
assay_buffered_io_class_init (AssayBufferedIoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = assay_buffered_io_finalize;
  stream_class->get_input_stream = assay_buffered_io_get_input_stream;
  stream_class->get_output_stream = assay_buffered_io_get_output_stream;
  stream_class->close_fn = assay_buffered_io_close;
}

static void
assay_buffered_io_init (AssayBufferedIo *self)
{
}

static GIOStream *
buffered_io_new (GIOStream *base)
{
  AssayBufferedIo *self = g_object_new (ASSAY_TYPE_BUFFERED_IO, NULL);
  AssayBufferedInput *input = g_object_new (ASSAY_TYPE_BUFFERED_INPUT, NULL);

  input->base = g_object_ref (g_io_stream_get_input_stream (base));
  self->base = g_object_ref (base);
  self->input = G_INPUT_STREAM (input);

  return G_IO_STREAM (self);
}

/* ------------------------------------------------------------------------ */
/* The GProxy of the "assay-buffered" protocol                                */

#define ASSAY_TYPE_BUFFERED_PROXY (assay_buffered_proxy_get_type ())
G_DECLARE_FINAL_TYPE (AssayBufferedProxy, assay_buffered_proxy, ASSAY, BUFFERED_PROXY, GObject)

struct _AssayBufferedProxy
{
  GObject parent_instance;
};

static void assay_buffered_proxy_iface_init (GProxyInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayBufferedProxy, assay_buffered_proxy, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY, assay_buffered_proxy_iface_init))

static GIOStream *
assay_buffered_proxy_connect (GProxy         *proxy,
                              GIOStream      *connection,
                              GProxyAddress  *proxy_address,
                              GCancellable   *cancellable,
                              GError        **error)
{
  return buffered_io_new (connection);
}

static void
assay_buffered_proxy_connect_async (GProxy              *proxy,
                                    GIOStream           *connection,
                                    GProxyAddress       *proxy_address,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (proxy, cancellable, callback, user_data);

  g_task_set_source_tag (task, assay_buffered_proxy_connect_async);
  g_task_return_pointer (task, buffered_io_new (connection), g_object_unref);
}

static GIOStream *
assay_buffered_proxy_connect_finish (GProxy        *proxy,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
assay_buffered_proxy_supports_hostname (GProxy *proxy)
{
  return TRUE;
}

static void
assay_buffered_proxy_iface_init (GProxyInterface *iface)
{
  iface->connect = assay_buffered_proxy_connect;
  iface->connect_async = assay_buffered_proxy_connect_async;
  iface->connect_finish = assay_buffered_proxy_connect_finish;
  iface->supports_hostname = assay_buffered_proxy_supports_hostname;
}

static void
assay_buffered_proxy_class_init (AssayBufferedProxyClass *klass)
{
}

static void
assay_buffered_proxy_init (AssayBufferedProxy *self)
{
}

/* ------------------------------------------------------------------------ */
/* The resolver: the system's answer, with direct made buffered               */

#define ASSAY_TYPE_BUFFERED_RESOLVER (assay_buffered_resolver_get_type ())
G_DECLARE_FINAL_TYPE (AssayBufferedResolver, assay_buffered_resolver, ASSAY, BUFFERED_RESOLVER, GObject)

struct _AssayBufferedResolver
{
  GObject         parent_instance;

  GProxyResolver *system;
};

static void assay_buffered_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayBufferedResolver, assay_buffered_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      assay_buffered_resolver_iface_init))

/* "direct://" for @uri becomes "assay-buffered://host:port" of @uri itself. */
static char **
make_buffered (const char  *uri,
               char       **proxies)
{
  g_autoptr(GUri) parsed = NULL;

  if (proxies == NULL || proxies[0] == NULL || strcmp (proxies[0], "direct://") != 0)
    return proxies;

  /* TLS reads whole records from the socket already: plain HTTP only. */
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL || g_strcmp0 (g_uri_get_scheme (parsed), "http") != 0 ||
      g_uri_get_host (parsed) == NULL || g_uri_get_port (parsed) <= 0)
    return proxies;

  g_free (proxies[0]);
  proxies[0] = g_uri_join (G_URI_FLAGS_NONE, PROTOCOL, NULL, g_uri_get_host (parsed),
                           g_uri_get_port (parsed), "", NULL, NULL);

  return proxies;
}

static gboolean
assay_buffered_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
assay_buffered_resolver_lookup (GProxyResolver  *resolver,
                                const char      *uri,
                                GCancellable    *cancellable,
                                GError         **error)
{
  AssayBufferedResolver *self = ASSAY_BUFFERED_RESOLVER (resolver);

  return make_buffered (uri, g_proxy_resolver_lookup (self->system, uri, cancellable, error));
}

static void
system_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char **proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);

  if (proxies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, make_buffered (g_task_get_task_data (task), proxies),
                           (GDestroyNotify) g_strfreev);
}

static void
assay_buffered_resolver_lookup_async (GProxyResolver      *resolver,
                                      const char          *uri,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  AssayBufferedResolver *self = ASSAY_BUFFERED_RESOLVER (resolver);
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_set_source_tag (task, assay_buffered_resolver_lookup_async);
  g_task_set_task_data (task, g_strdup (uri), g_free);
  g_proxy_resolver_lookup_async (self->system, uri, cancellable, system_lookup_cb, task);
}

static char **
assay_buffered_resolver_lookup_finish (GProxyResolver  *resolver,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
assay_buffered_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = assay_buffered_resolver_is_supported;
  iface->lookup = assay_buffered_resolver_lookup;
  iface->lookup_async = assay_buffered_resolver_lookup_async;
  iface->lookup_finish = assay_buffered_resolver_lookup_finish;
}

static void
assay_buffered_resolver_finalize (GObject *object)
{
  AssayBufferedResolver *self = ASSAY_BUFFERED_RESOLVER (object);

  g_clear_object (&self->system);

  G_OBJECT_CLASS (assay_buffered_resolver_parent_class)->finalize (object);
}

static void
assay_buffered_resolver_class_init (AssayBufferedResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = assay_buffered_resolver_finalize;
}

static void
assay_buffered_resolver_init (AssayBufferedResolver *self)
{
}

/**
 * assay_llm_buffered_proxy_resolver_new:
 *
 * A proxy resolver for a SoupSession ("proxy-resolver") that keeps the
 * system's proxies and turns direct connections into buffered ones (see
 * the top of this file). Registers the "assay-buffered" GProxy the first
 * time. Main thread.
 *
 * Returns: (transfer full): the resolver
 */
GProxyResolver *
assay_llm_buffered_proxy_resolver_new (void)
{
  static gsize registered = 0;
  AssayBufferedResolver *self;

  if (g_once_init_enter (&registered))
    {
      /* GIO registers its extension points (and loads its modules) on
       * this first use; the proxy type goes in next to GIO's own. */
      g_proxy_resolver_get_default ();
      g_io_extension_point_implement (G_PROXY_EXTENSION_POINT_NAME,
                                      ASSAY_TYPE_BUFFERED_PROXY, PROTOCOL, 0);
      g_once_init_leave (&registered, 1);
    }

  self = g_object_new (ASSAY_TYPE_BUFFERED_RESOLVER, NULL);
  self->system = g_object_ref (g_proxy_resolver_get_default ());

  return G_PROXY_RESOLVER (self);
}

/**
 * assay_llm_buffered_begin_pass:
 *
 * Starts a reading pass in this thread: until
 * assay_llm_buffered_end_pass(), a buffered connection reads its socket at
 * most once; a non-blocking read past what that one read brought fails
 * with %G_IO_ERROR_WOULD_BLOCK. A reader that comes back at its own pace
 * then takes what has arrived in one system call, instead of chasing each
 * segment as it comes (and making the kernel acknowledge each one).
 * Passes do not nest: one begun inside another ends it.
 */
void
assay_llm_buffered_begin_pass (void)
{
  gsize pass = (gsize) g_atomic_pointer_add (&last_pass, 1) + 1;

  g_private_set (&current_pass, GSIZE_TO_POINTER (pass != 0 ? pass : 1));
}

void
assay_llm_buffered_end_pass (void)
{
  g_private_set (&current_pass, NULL);
}
