/* test-llm-buffered.c — the read buffer under libsoup re-frames chunked bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the buffered stream gives libsoup must say what the connection said:
 * the same responses with the same bodies, whatever the reads' sizes. A
 * small HTTP/1.1 response reader here (the rules libsoup follows) reads
 * both the raw bytes and the stream's output; they must agree, at every
 * split of the input into two reads, and fed one byte at a time.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "assay-llm-buffered.h"

/* Many small chunks (CRLF, extensions, capitals), then a 100 Continue and
 * a body of a known length, a 204, chunks framed with LF alone and a
 * trailer line, and a body read until the connection closes, which holds
 * text that looks like chunk framing. */
static const char connection[] =
  "HTTP/1.1 200 OK\r\n"
  "Content-Type: text/event-stream\r\n"
  "transfer-encoding:  Chunked \r\n"
  "\r\n"
  "7\r\ndata: a\r\n"
  "1\r\n\n\r\n"
  "b;name=value\r\ndata: {\"é\"\r\n"
  "B \r\n}\n\ndata: b\n\r\n"
  "000d\r\n: comment\r\n\r\n\r\n"
  "1\r\nx\r\n"
  "0\r\n\r\n"
  "HTTP/1.1 100 Continue\r\n\r\n"
  "HTTP/1.1 429 Too Many Requests\r\n"
  "Retry-After: 1\r\n"
  "Content-Length: 11\r\n"
  "\r\n"
  "hello world"
  "HTTP/1.1 204 No Content\r\n\r\n"
  "HTTP/1.0 200 OK\n"
  "Transfer-Encoding: chunked\n"
  "\n"
  "3\nabc\n"
  "4\ndefg\n"
  "0\n"
  "\n"
  "HTTP/1.1 200 OK\r\n"
  "Connection: close\r\n"
  "\r\n"
  "5\r\nuntil\r\n0\r\n\r\n the end";

/* "status:body|" for each response, as libsoup reads them; "!" and what
 * is left when it could not read on. */
static char *
read_responses (const char *data,
                gsize       len)
{
  GString *out = g_string_new (NULL);
  const char *p = data, *e = data + len;

  while (p < e)
    {
      gboolean chunked = FALSE;
      gint64 length = -1;
      guint status;
      const char *lf;

      /* The status line and the headers. */
      lf = memchr (p, '\n', e - p);
      if (lf == NULL || e - p < 12 || strncmp (p, "HTTP/1.", 7) != 0)
        break;
      status = (guint) g_ascii_strtoull (p + 9, NULL, 10);
      p = lf + 1;
      for (;;)
        {
          g_autofree char *line = NULL;

          lf = memchr (p, '\n', e - p);
          g_assert_nonnull (lf);
          line = g_strstrip (g_strndup (p, lf - p));
          p = lf + 1;
          if (*line == '\0')
            break;
          if (g_ascii_strncasecmp (line, "transfer-encoding:", 18) == 0)
            chunked = TRUE;
          else if (g_ascii_strncasecmp (line, "content-length:", 15) == 0)
            length = (gint64) g_ascii_strtoull (line + 15, NULL, 10);
        }

      g_string_append_printf (out, "%u:", status);
      if (status < 200 || status == 204 || status == 304)
        ;
      else if (chunked)
        {
          for (;;)
            {
              guint64 size;

              lf = memchr (p, '\n', e - p);
              g_assert_nonnull (lf);
              size = g_ascii_strtoull (p, NULL, 16);
              p = lf + 1;
              if (size == 0)
                {
                  lf = memchr (p, '\n', e - p);  /* one line, as libsoup */
                  g_assert_nonnull (lf);
                  p = lf + 1;
                  break;
                }
              g_assert_cmpint (e - p, >=, (gint64) size);
              g_string_append_len (out, p, (gssize) size);
              p += size;
              lf = memchr (p, '\n', e - p);
              g_assert_nonnull (lf);
              p = lf + 1;
            }
        }
      else if (length >= 0)
        {
          g_assert_cmpint (e - p, >=, length);
          g_string_append_len (out, p, (gssize) length);
          p += length;
        }
      else
        {
          g_string_append_len (out, p, e - p);
          p = e;
        }
      g_string_append_c (out, '|');
    }

  if (p < e)
    {
      g_string_append_c (out, '!');
      g_string_append_len (out, p, e - p);
    }

  return g_string_free (out, FALSE);
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

typedef struct {
  int           fds[2];
  GInputStream *stream;
  GString      *out;
} Pipe;

static void
pipe_open (Pipe *self)
{
  g_autoptr(GInputStream) base = NULL;

  g_assert_no_errno (pipe (self->fds));
  base = g_unix_input_stream_new (self->fds[0], TRUE);
  self->stream = assay_llm_buffered_input_new (base);
  self->out = g_string_new (NULL);
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->stream)));
}

static void
pipe_write (Pipe       *self,
            const char *data,
            gsize       len)
{
  g_assert_cmpint (write (self->fds[1], data, len), ==, (gssize) len);
}

/* Reads without blocking until the stream would block; in a pass when
 * @in_pass. Returns how many reads gave bytes. */
static guint
pipe_read_available (Pipe     *self,
                     gboolean  in_pass)
{
  guint reads = 0;
  char buffer[64 * 1024];

  if (in_pass)
    assay_llm_buffered_begin_pass ();
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->stream),
                                                           buffer, sizeof buffer, NULL, &error);

      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          break;
        }
      g_assert_cmpint (n, >, 0);
      g_string_append_len (self->out, buffer, n);
      reads++;
    }
  if (in_pass)
    assay_llm_buffered_end_pass ();

  return reads;
}

/* Closes the writing end and reads to the end, blocking. Returns the
 * output (the caller frees it). */
static char *
pipe_finish (Pipe *self,
             gsize *len)
{
  char buffer[1000];
  gssize n;

  close (self->fds[1]);
  while ((n = g_input_stream_read (self->stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (self->out, buffer, n);
  g_assert_cmpint (n, ==, 0);
  g_assert_true (g_input_stream_close (self->stream, NULL, NULL));
  g_assert_finalize_object (self->stream);

  *len = self->out->len;
  return g_string_free (self->out, FALSE);
}

static void
test_reframe_whole (void)
{
  g_autofree char *expected = read_responses (connection, sizeof connection - 1);
  g_autofree char *got = NULL;
  g_autofree char *responses = NULL;
  gsize len;
  Pipe pipe_ = { 0 };

  g_assert_cmpstr (expected, ==,
                   "200:data: a\ndata: {\"é\"}\n\ndata: b\n: comment\r\n\r\nx|"
                   "100:|429:hello world|204:|200:abcdefg|"
                   "200:5\r\nuntil\r\n0\r\n\r\n the end|");

  pipe_open (&pipe_);
  pipe_write (&pipe_, connection, sizeof connection - 1);
  /* One pass reads the socket once, and all of it comes in one read. */
  g_assert_cmpuint (pipe_read_available (&pipe_, TRUE), ==, 1);
  got = pipe_finish (&pipe_, &len);

  responses = read_responses (got, len);
  g_assert_cmpstr (responses, ==, expected);
  /* The first body's six chunks are one; the second's two too. */
  g_assert_cmpuint (count (got, "0000002c\r\n"), ==, 1);
  g_assert_cmpuint (count (got, "00000007\r\n"), ==, 1);
  /* Heads, the other bodies and the lines that end bodies as they were. */
  g_assert_nonnull (strstr (got, "\r\n0\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429"));
  g_assert_nonnull (strstr (got, "transfer-encoding:  Chunked \r\n\r\n0000002c\r\n"));
  g_assert_true (g_str_has_suffix (got, "Connection: close\r\n\r\n5\r\nuntil\r\n0\r\n\r\n the end"));
}

static void
test_reframe_splits (void)
{
  gsize total = sizeof connection - 1;
  g_autofree char *expected = read_responses (connection, total);

  for (gsize split = 0; split <= total; split++)
    {
      g_autofree char *got = NULL;
      g_autofree char *responses = NULL;
      gsize len;
      Pipe pipe_ = { 0 };

      pipe_open (&pipe_);
      pipe_write (&pipe_, connection, split);
      pipe_read_available (&pipe_, split % 2 == 0);
      pipe_write (&pipe_, connection + split, total - split);
      pipe_read_available (&pipe_, split % 2 == 1);
      got = pipe_finish (&pipe_, &len);

      responses = read_responses (got, len);
      if (g_strcmp0 (responses, expected) != 0)
        g_error ("split at %" G_GSIZE_FORMAT ": %s", split, responses);
    }
}

static void
test_reframe_trickle (void)
{
  gsize total = sizeof connection - 1;
  g_autofree char *expected = read_responses (connection, total);
  g_autofree char *got = NULL;
  g_autofree char *responses = NULL;
  gsize len;
  Pipe pipe_ = { 0 };

  pipe_open (&pipe_);
  for (gsize i = 0; i < total; i++)
    {
      pipe_write (&pipe_, connection + i, 1);
      pipe_read_available (&pipe_, i % 3 != 0);
    }
  got = pipe_finish (&pipe_, &len);

  responses = read_responses (got, len);
  g_assert_cmpstr (responses, ==, expected);
}

/* Framing it does not recognise goes on as it came, from there on. */
static void
test_reframe_unknown (void)
{
  static const char *const cases[] = {
    /* A size that is not hexadecimal, after a chunk that was re-framed. */
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nzz\r\ncd\r\n0\r\n\r\n",
    /* Another coding than chunked alone. */
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
    /* Both a length and chunks. */
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
    /* A switch of protocols. */
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n2\r\nab\r\n",
    /* Not HTTP/1. */
    "HTTP/2 200\r\n\r\n2\r\nab\r\n",
    /* A folded header line. */
    "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = NULL;
      gsize len;
      Pipe pipe_ = { 0 };

      pipe_open (&pipe_);
      pipe_write (&pipe_, cases[i], strlen (cases[i]));
      pipe_read_available (&pipe_, FALSE);
      got = pipe_finish (&pipe_, &len);

      if (i == 0)
        g_assert_cmpstr (got, ==,
                         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "00000002\r\nab\r\nzz\r\ncd\r\n0\r\n\r\n");
      else
        g_assert_cmpstr (got, ==, cases[i]);
    }
}

/* A connection that ends inside a chunk: its bytes, then the end, as
 * libsoup would have read them. */
static void
test_reframe_cut (void)
{
  static const char cut[] =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n9\r\nwor";
  static const char cut_line[] =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1";
  g_autofree char *got = NULL;
  g_autofree char *got_line = NULL;
  gsize len;
  Pipe pipe_ = { 0 };

  pipe_open (&pipe_);
  pipe_write (&pipe_, cut, sizeof cut - 1);
  pipe_read_available (&pipe_, FALSE);
  got = pipe_finish (&pipe_, &len);
  g_assert_cmpstr (got, ==,
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "00000008\r\nhellowor\r\n");

  pipe_open (&pipe_);
  pipe_write (&pipe_, cut_line, sizeof cut_line - 1);
  pipe_read_available (&pipe_, FALSE);
  got_line = pipe_finish (&pipe_, &len);
  g_assert_cmpstr (got_line, ==,
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "00000005\r\nhello\r\n1");
}

/* More than the buffer holds, in chunks of one byte, arriving a buffer's
 * worth at a time (each ends inside a chunk's framing): the bodies stay
 * whole, and none of it is left as it came. */
static void
test_reframe_large (void)
{
  g_autoptr(GString) raw = g_string_new ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  g_autofree char *responses = NULL;
  gsize len;
  Pipe pipe_ = { 0 };

  for (guint i = 0; i < 40000; i++)
    {
      char c = 'a' + i % 26;

      g_string_append_printf (raw, "1\r\n%c\r\n", c);
      g_string_append_c (body, c);
    }
  g_string_append (raw, "0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
  expected = g_strdup_printf ("200:%s|204:|", body->str);

  pipe_open (&pipe_);
  for (gsize at = 0; at < raw->len; at += 64 * 1024)
    {
      pipe_write (&pipe_, raw->str + at, MIN (64 * 1024, raw->len - at));
      pipe_read_available (&pipe_, FALSE);
    }
  got = pipe_finish (&pipe_, &len);

  responses = read_responses (got, len);
  g_assert_cmpstr (responses, ==, expected);
  g_assert_cmpuint (len, <, raw->len / 5);
  g_assert_null (strstr (got, "1\r\na\r\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/llm-buffered/reframe-whole", test_reframe_whole);
  g_test_add_func ("/assay/llm-buffered/reframe-splits", test_reframe_splits);
  g_test_add_func ("/assay/llm-buffered/reframe-trickle", test_reframe_trickle);
  g_test_add_func ("/assay/llm-buffered/reframe-unknown", test_reframe_unknown);
  g_test_add_func ("/assay/llm-buffered/reframe-cut", test_reframe_cut);
  g_test_add_func ("/assay/llm-buffered/reframe-large", test_reframe_large);

  return g_test_run ();
}
