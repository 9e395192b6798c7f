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
 * Even from memory, libsoup's work per chunk (its chunk state machine,
 * three reads through its filter stream, each emitting a signal, through
 * four stream layers) was the largest cost of a streamed answer on the
 * main thread. So the buffer also follows the responses' framing and
 * re-frames a chunked body: the chunks that one recv() brought (whole or
 * in part) become one chunk with their data, and libsoup reads a block of
 * events at a time. Everything else (heads, other bodies, the last chunk
 * and the line after it) goes on as it came; framing it does not know
 * makes the rest of the connection go on as it comes, which libsoup then
 * reads as it would have without this. It follows libsoup's reading of
 * the framing (the line after a chunk's data, and one line after the last
 * chunk, are read without a look at them), so both see the connection the
 * same way. The session sends GET and POST only: no HEAD, whose answer
 * would have a head announcing a body that does not come.
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

/* What the bytes at the front of the raw buffer are, as libsoup will read
 * them. Only HTTP/1.x responses are followed (the session sends GET and
 * POST, never HEAD): a response's head is passed on as it is; a chunked
 * body is re-framed; a body of a known length is passed on; anything else
 * (a body read until the connection closes, an upgrade, a head or chunk
 * framing this does not recognise) makes the rest of the connection
 * PASS: passed on byte for byte, as without this stream. */
typedef enum {
  FRAME_HEAD,        /* the status line and header lines of a response */
  FRAME_CHUNK_SIZE,  /* a chunk's size line */
  FRAME_CHUNK_DATA,  /* chunk_left bytes of a chunk's data */
  FRAME_CHUNK_END,   /* the line that ends a chunk's data */
  FRAME_LAST_LINE,   /* the line after the last chunk */
  FRAME_LENGTH,      /* body_left bytes of a body of a known length */
  FRAME_PASS,        /* everything as it is, to the end */
} Frame;

#define ASSAY_TYPE_BUFFERED_INPUT (assay_buffered_input_get_type ())
G_DECLARE_FINAL_TYPE (AssayBufferedInput, assay_buffered_input, ASSAY, BUFFERED_INPUT, GInputStream)

struct _AssayBufferedInput
{
  GInputStream  parent_instance;

  GInputStream *base;

  /* What came from the base and is not cooked yet: always an incomplete
   * line or the like, once cooked. */
  guint8       *raw;
  gsize         raw_start;
  gsize         raw_end;
  gboolean      eof;

  /* What libsoup reads. */
  guint8       *out;
  gsize         out_start;
  gsize         out_end;
  gboolean      out_full;        /* cooking stopped for room, not for bytes */

  gsize         filled_in_pass;  /* the pass of the last read from the base */

  Frame         frame;
  guint64       chunk_left;
  guint64       body_left;
  /* The head being read. */
  guint         status;
  gboolean      head_started;
  gboolean      chunked;
  gboolean      unsure;
  gint64        content_length;  /* -1: none */
};

/* A re-framed chunk: "%08x\r\n", its data, "\r\n". */
#define CHUNK_HEAD   10
#define CHUNK_TAIL   2
/* libsoup reads a chunk's size line and the line after the data into 128
 * bytes; a longer one is an error there. */
#define MAX_META_LINE 128
#define OUT_SIZE     (BUFFER_SIZE + CHUNK_HEAD + CHUNK_TAIL)

/* The reading pass under way in this thread, 0 for none; see
 * assay_llm_buffered_begin_pass(). */
static GPrivate current_pass;
static gsize    last_pass;   /* atomic */

static void assay_buffered_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayBufferedInput, assay_buffered_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      assay_buffered_input_pollable_init))

static gboolean
is_token (const guint8 *p,
          gsize         len,
          const char   *token)
{
  gsize n = strlen (token);

  return len == n && g_ascii_strncasecmp ((const char *) p, token, n) == 0;
}

/* Without leading and trailing blanks. */
static void
trim (const guint8 **p,
      gsize         *len)
{
  while (*len > 0 && (**p == ' ' || **p == '\t'))
    (*p)++, (*len)--;
  while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
    (*len)--;
}

/* From here on, the connection's bytes go on as they come. */
static void
pass_on (AssayBufferedInput *self,
         const char         *why)
{
  g_debug ("Reading the rest of a connection as it comes: %s", why);
  self->frame = FRAME_PASS;
}

static void
head_reset (AssayBufferedInput *self)
{
  self->frame = FRAME_HEAD;
  self->status = 0;
  self->head_started = FALSE;
  self->chunked = FALSE;
  self->unsure = FALSE;
  self->content_length = -1;
}

/* A line of a response's head, without its line end. */
static void
head_line (AssayBufferedInput *self,
           const guint8       *line,
           gsize               len)
{
  const guint8 *colon, *value;
  gsize name_len, value_len;

  if (!self->head_started)
    {
      /* "HTTP/1.x NNN …" */
      self->head_started = TRUE;
      if (len < 12 || memcmp (line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
          !g_ascii_isdigit (line[9]) || !g_ascii_isdigit (line[10]) ||
          !g_ascii_isdigit (line[11]) || (len > 12 && line[12] != ' '))
        {
          self->unsure = TRUE;
          return;
        }
      self->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
      return;
    }

  /* A folded line, or no name. */
  colon = memchr (line, ':', len);
  if (line[0] == ' ' || line[0] == '\t' || colon == NULL || colon == line)
    {
      self->unsure = TRUE;
      return;
    }

  name_len = colon - line;
  value = colon + 1;
  value_len = len - name_len - 1;
  trim (&value, &value_len);

  if (is_token (line, name_len, "Transfer-Encoding"))
    {
      /* Only a body that is chunked and nothing else is re-framed. */
      if (self->chunked || !is_token (value, value_len, "chunked"))
        self->unsure = TRUE;
      self->chunked = TRUE;
    }
  else if (is_token (line, name_len, "Content-Length"))
    {
      guint64 n = 0;
      gsize i;

      if (self->content_length >= 0 || value_len == 0 || value_len > 15)
        self->unsure = TRUE;
      for (i = 0; i < value_len && !self->unsure; i++)
        {
          if (!g_ascii_isdigit (value[i]))
            self->unsure = TRUE;
          n = n * 10 + (value[i] - '0');
        }
      self->content_length = (gint64) n;
    }
}

/* The head ended (an empty line): what its body is. */
static void
head_end (AssayBufferedInput *self)
{
  guint status = self->status;

  if (self->unsure || !self->head_started || status == 101 ||
      (self->chunked && self->content_length >= 0))
    pass_on (self, "a response head of another kind");
  else if ((status >= 100 && status < 200) || status == 204 || status == 304)
    head_reset (self);
  else if (self->chunked)
    self->frame = FRAME_CHUNK_SIZE;
  else if (self->content_length > 0)
    {
      self->frame = FRAME_LENGTH;
      self->body_left = (guint64) self->content_length;
    }
  else if (self->content_length == 0)
    head_reset (self);
  else
    pass_on (self, "a body that ends with the connection");
}

/* A chunk's size line, without its line end: hexadecimal digits, then
 * perhaps blanks and extensions. FALSE for anything else. */
static gboolean
parse_chunk_size (const guint8 *line,
                  gsize         len,
                  guint64      *size)
{
  guint64 n = 0;
  gsize i;

  for (i = 0; i < len && g_ascii_isxdigit (line[i]); i++)
    {
      if (i == 15)
        return FALSE;
      n = n * 16 + g_ascii_xdigit_value (line[i]);
    }

  if (i == 0 || (i < len && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
    return FALSE;

  *size = n;
  return TRUE;
}

static void
put (AssayBufferedInput *self,
     const guint8       *data,
     gsize               n)
{
  g_assert (self->out_end + n <= OUT_SIZE);
  memcpy (self->out + self->out_end, data, n);
  self->out_end += n;
}

/* Ends the re-framed chunk begun at @head, if any. */
static void
close_chunk (AssayBufferedInput *self,
             gsize              *head)
{
  static const char hex[] = "0123456789abcdef";
  gsize size;
  int i;

  if (*head == G_MAXSIZE)
    return;

  size = self->out_end - *head - CHUNK_HEAD;
  g_assert (size > 0 && size <= G_MAXUINT32);
  for (i = 7; i >= 0; i--, size >>= 4)
    self->out[*head + i] = hex[size & 0xf];
  self->out[*head + 8] = '\r';
  self->out[*head + 9] = '\n';
  put (self, (const guint8 *) "\r\n", 2);
  *head = G_MAXSIZE;
}

/* Turns what the raw buffer holds into what libsoup reads, as far as it
 * goes: the chunks of a body become one (their data, together, framed
 * again), everything else goes as it is. The output is empty before. */
static void
cook (AssayBufferedInput *self)
{
  const guint8 *p = self->raw + self->raw_start;
  const guint8 *e = self->raw + self->raw_end;
  gsize chunk_head = G_MAXSIZE;

  g_assert (self->out_start == self->out_end);
  self->out_start = self->out_end = 0;
  self->out_full = FALSE;

  while (p < e && !self->out_full)
    {
      const guint8 *lf = NULL;
      gsize n, len;
      gsize room = OUT_SIZE - self->out_end;

      /* The framing's lines: whole, or wait for the rest. */
      if (self->frame != FRAME_PASS && self->frame != FRAME_LENGTH &&
          self->frame != FRAME_CHUNK_DATA)
        {
          gsize max = self->frame == FRAME_HEAD || self->frame == FRAME_LAST_LINE
                      ? BUFFER_SIZE : MAX_META_LINE;

          lf = memchr (p, '\n', MIN ((gsize) (e - p), max));
          if (lf == NULL)
            {
              /* A line this does not expect, or one the connection ended in:
               * from here on, as it is. */
              if ((gsize) (e - p) >= max || self->eof)
                {
                  close_chunk (self, &chunk_head);
                  pass_on (self, self->eof ? "the connection ended in a line" : "a line too long");
                  continue;
                }
              break;
            }
        }

      len = lf != NULL ? (gsize) (lf - p) : 0;
      if (len > 0 && p[len - 1] == '\r')
        len--;

      switch (self->frame)
        {
        case FRAME_HEAD:
          if ((gsize) (lf + 1 - p) > room)
            {
              self->out_full = TRUE;
              break;
            }
          if (len == 0)
            head_end (self);
          else
            head_line (self, p, len);
          put (self, p, lf + 1 - p);
          p = lf + 1;
          break;

        case FRAME_CHUNK_SIZE:
          {
            guint64 size;

            if (!parse_chunk_size (p, len, &size))
              {
                close_chunk (self, &chunk_head);
                pass_on (self, "a chunk size line of another kind");
                break;
              }
            if (size == 0)
              {
                close_chunk (self, &chunk_head);
                if ((gsize) (lf + 1 - p) > OUT_SIZE - self->out_end)
                  {
                    self->out_full = TRUE;
                    break;
                  }
                put (self, p, lf + 1 - p);
                self->frame = FRAME_LAST_LINE;
              }
            else
              {
                self->chunk_left = size;
                self->frame = FRAME_CHUNK_DATA;
              }
            p = lf + 1;
          }
          break;

        case FRAME_CHUNK_DATA:
          n = MIN (self->chunk_left, (guint64) (e - p));
          if (room <= (chunk_head == G_MAXSIZE ? CHUNK_HEAD : 0) + CHUNK_TAIL)
            {
              self->out_full = TRUE;
              break;
            }
          if (chunk_head == G_MAXSIZE)
            {
              chunk_head = self->out_end;
              self->out_end += CHUNK_HEAD;
              room -= CHUNK_HEAD;
            }
          n = MIN (n, room - CHUNK_TAIL);
          put (self, p, n);
          p += n;
          self->chunk_left -= n;
          if (self->chunk_left == 0)
            self->frame = FRAME_CHUNK_END;
          break;

        case FRAME_CHUNK_END:
          /* libsoup reads this line and looks no further at it. */
          p = lf + 1;
          self->frame = FRAME_CHUNK_SIZE;
          break;

        case FRAME_LAST_LINE:
          /* libsoup reads one line after the last chunk and takes the body
           * as ended; the next response's head follows. */
          if ((gsize) (lf + 1 - p) > room)
            {
              self->out_full = TRUE;
              break;
            }
          put (self, p, lf + 1 - p);
          p = lf + 1;
          head_reset (self);
          break;

        case FRAME_LENGTH:
          n = MIN (MIN (self->body_left, (guint64) (e - p)), room);
          if (n == 0)
            {
              self->out_full = TRUE;
              break;
            }
          put (self, p, n);
          p += n;
          self->body_left -= n;
          if (self->body_left == 0)
            head_reset (self);
          break;

        case FRAME_PASS:
        default:
          n = MIN ((gsize) (e - p), room);
          if (n == 0)
            self->out_full = TRUE;
          put (self, p, n);
          p += n;
          break;
        }
    }

  close_chunk (self, &chunk_head);

  self->raw_start = p - self->raw;
  if (self->raw_start == self->raw_end)
    self->raw_start = self->raw_end = 0;
}

static gssize
take (AssayBufferedInput *self,
      void               *data,
      gsize               count)
{
  gsize n = MIN (count, self->out_end - self->out_start);

  memcpy (data, self->out + self->out_start, n);
  self->out_start += n;
  if (self->out_start == self->out_end)
    self->out_start = self->out_end = 0;

  return (gssize) n;
}

/* Reads into the raw buffer, after what is left in it. */
static gssize
fill (AssayBufferedInput  *self,
      gboolean             blocking,
      GCancellable        *cancellable,
      GError             **error)
{
  gssize n;

  if (self->raw_start > 0)
    {
      memmove (self->raw, self->raw + self->raw_start, self->raw_end - self->raw_start);
      self->raw_end -= self->raw_start;
      self->raw_start = 0;
    }
  g_assert (self->raw_end < BUFFER_SIZE);

  n = g_pollable_stream_read (self->base, self->raw + self->raw_end, BUFFER_SIZE - self->raw_end,
                              blocking, cancellable, error);
  if (n > 0)
    self->raw_end += (gsize) n;
  else if (n == 0)
    self->eof = TRUE;

  return n;
}

static gssize
read_internal (AssayBufferedInput  *self,
               void                *data,
               gsize                count,
               gboolean             blocking,
               GCancellable        *cancellable,
               GError             **error)
{
  for (;;)
    {
      gsize pass;

      if (self->out_end > self->out_start)
        return take (self, data, count);

      if (self->raw_end > self->raw_start)
        {
          cook (self);
          if (self->out_end > self->out_start)
            return take (self, data, count);
        }

      if (self->eof)
        return 0;

      /* Passed on as it is, and more asked for than the buffer holds. */
      if (self->frame == FRAME_PASS && self->raw_end == 0 && count >= BUFFER_SIZE)
        return g_pollable_stream_read (self->base, data, count, blocking, cancellable, error);

      /* In a pass, the socket is read once: what arrives after that waits
       * for the next pass. */
      pass = blocking ? 0 : GPOINTER_TO_SIZE (g_private_get (&current_pass));
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

      if (fill (self, blocking, cancellable, error) < 0)
        return -1;
    }
}

static gssize
assay_buffered_input_read (GInputStream  *stream,
                           void          *data,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return read_internal (ASSAY_BUFFERED_INPUT (stream), data, count, TRUE, cancellable, error);
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

/* Something to give without the base: cooked bytes, or the end. */
static gboolean
has_ready (AssayBufferedInput *self)
{
  return self->out_end > self->out_start || self->out_full || self->eof;
}

static gboolean
assay_buffered_input_is_readable (GPollableInputStream *stream)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);

  return has_ready (self) ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gssize
assay_buffered_input_read_nonblocking (GPollableInputStream  *stream,
                                       void                  *data,
                                       gsize                  count,
                                       GError               **error)
{
  return read_internal (ASSAY_BUFFERED_INPUT (stream), data, count, FALSE, NULL, error);
}

static GSource *
assay_buffered_input_create_source (GPollableInputStream *stream,
                                    GCancellable         *cancellable)
{
  AssayBufferedInput *self = ASSAY_BUFFERED_INPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  /* Bytes in the buffer: ready at once. */
  if (has_ready (self))
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
  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->out, g_free);

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
  self->raw = g_malloc (BUFFER_SIZE);
  self->out = g_malloc (OUT_SIZE);
  head_reset (self);
}

/**
 * assay_llm_buffered_input_new:
 * @base: a connection's input stream
 *
 * The stream libsoup reads instead of @base (see the top of this file).
 * For tests; the proxy makes its own.
 *
 * Returns: (transfer full): the stream
 */
GInputStream *
assay_llm_buffered_input_new (GInputStream *base)
{
  AssayBufferedInput *self = g_object_new (ASSAY_TYPE_BUFFERED_INPUT, NULL);

  self->base = g_object_ref (base);

  return G_INPUT_STREAM (self);
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

  self->base = g_object_ref (base);
  self->input = assay_llm_buffered_input_new (g_io_stream_get_input_stream (base));

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
