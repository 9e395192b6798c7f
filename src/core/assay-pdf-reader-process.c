/* assay-pdf-reader-process.c — reading a page range in a helper process
 *
 * assay_pdf_read_range_isolated() starts the assay-pdf-reader helper, which
 * runs _assay_pdf_read_range_full() under address-space and CPU limits and
 * sends the result back on its stdout. A hostile file can then crash,
 * stall or exhaust only the helper; this side kills it on timeout or
 * cancellation and tells a person what happened.
 *
 * The protocol (helper stdout → parent), version 1
 * -------------------------------------------------
 * A stream of frames. Every frame is
 *
 *     kind    u8
 *     length  u32, little-endian: bytes of payload that follow
 *     payload length bytes
 *
 * Integers in payloads are little-endian. Strings are UTF-8 without a
 * terminating NUL; the parent still treats them as untrusted bytes.
 *
 *   'H' hello      "assay-pdf-reader/1". Always first.
 *   'M' metadata   n_pages u32, creation_date i64, modification_date i64
 *                  (unix time or -1), then title, author, subject, keywords,
 *                  creator, producer, pdf_version, each as length u32
 *                  (0xFFFFFFFF: absent) and bytes. Once, before any page.
 *   'P' page       index u32, flags u8 (bit 0: has a text layer), then the
 *                  page text (the rest of the payload). Indices increase
 *                  strictly and lie in the range asked for.
 *   'B' boxes      index u32 of the page just sent, then per run of digits
 *                  start u32, end u32 (bytes of that page's text) and x, y,
 *                  width, height as f32 (PDF points, top-left origin): at
 *                  most ASSAY_MAX_TEXT_BOXES_FOR (text bytes), sorted,
 *                  disjoint, inside the text. At most once per page, right
 *                  after its 'P'; absent when the page has no digits.
 *   'L' words      the same layout for every word of the page just sent
 *                  (runs of characters other than white space), same
 *                  bounds and checks; only for documents of at most
 *                  ASSAY_WORD_BOXES_MAX_PAGES pages. At most once per
 *                  page, after its 'P' (and 'B').
 *   'W' warning    a person-readable warning.
 *   'E' error      code u32 (an AssayReadError), then the message. Last.
 *   'Z' end        cut_page u32 (0xFFFFFFFF: the text was not cut). Last.
 *
 * Asked to render a page (--render-page), the helper answers 'H', then
 * 'I' or 'E':
 *
 *   'I' image      page index u32, n_pages u32, page width f64, page height
 *                  f64 (points), width u32, height u32, stride u32 (pixels,
 *                  stride = width * 4), then stride * height bytes of cairo
 *                  ARGB32. Last. The parent checks each size against what
 *                  it asked for and against ASSAY_PDF_MAX_RENDER_PIXELS
 *                  before it takes the pixels, and the frame's length
 *                  before it buffers it.
 *
 * After 'E' or 'Z' the helper exits with status 0. The parent checks every
 * length against its limits before it buffers the payload, so a corrupt or
 * hostile stream is an error, never an overflow: frames longer than
 * max_text_bytes (+ header) or than the small fixed bounds of 'H', 'M', 'W',
 * 'E' and 'Z', more text than max_text_bytes in all, pages outside the
 * range or out of order, unknown kinds, or a stream that ends without 'E'
 * or 'Z'.
 *
 * The password, when there is one, reaches the helper on its stdin, never
 * on its command line or in its environment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-pdf-reader"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-pdf-reader.h"
#include "assay-pdf-reader-private.h"

#define PROTOCOL_HELLO     "assay-pdf-reader/1"
#define FRAME_HEADER       5
#define MAX_STRING         (64 * 1024)      /* one metadata string */
#define MAX_MESSAGE        4096             /* one warning or error message */
#define MAX_WARNINGS       64
#define MAX_PAGE_TEXT      ((gsize) 256 * 1024 * 1024)  /* when max_text_bytes is 0 */
#define STDERR_TAIL        8192             /* bytes of the helper's stderr kept */
#define REAP_GRACE_US      (2 * G_USEC_PER_SEC)
#define READ_CHUNK         65536
#define BOX_BYTES          24
#define MAX_COORDINATE     1e6              /* points; PDF pages are at most 14400 */

enum
{
  FRAME_HELLO    = 'H',
  FRAME_METADATA = 'M',
  FRAME_PAGE     = 'P',
  FRAME_BOXES    = 'B',
  FRAME_WORDS    = 'L',
  FRAME_WARNING  = 'W',
  FRAME_ERROR    = 'E',
  FRAME_END      = 'Z',
  FRAME_IMAGE    = 'I',
};

#define IMAGE_HEADER 36

/* ---------------------------------------------------------------------- */
/* The helper's side                                                      */

static gboolean
write_all (int           fd,
           const void   *data,
           gsize         len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }

  return TRUE;
}

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
put_f32 (GByteArray *out,
         float       value)
{
  guint32 bits;

  memcpy (&bits, &value, 4);
  put_u32 (out, bits);
}

static void
put_i64 (GByteArray *out,
         gint64      value)
{
  guint64 le = GUINT64_TO_LE ((guint64) value);

  g_byte_array_append (out, (const guint8 *) &le, 8);
}

static void
put_string (GByteArray *out,
            const char *value)
{
  gsize len;

  if (value == NULL)
    {
      put_u32 (out, G_MAXUINT32);
      return;
    }

  /* Metadata beyond MAX_STRING is cut on a character boundary. */
  len = strlen (value);
  if (len > MAX_STRING)
    {
      len = MAX_STRING;
      while (len > 0 && ((guchar) value[len] & 0xC0) == 0x80)
        len--;
    }
  put_u32 (out, (guint32) len);
  g_byte_array_append (out, (const guint8 *) value, (guint) len);
}

static gboolean
write_frame (int         fd,
             guint8      kind,
             const void *head,
             gsize       head_len,
             const void *body,
             gsize       body_len)
{
  guint8 header[FRAME_HEADER];
  guint32 len = GUINT32_TO_LE ((guint32) (head_len + body_len));

  g_assert (head_len + body_len <= G_MAXUINT32);

  header[0] = kind;
  memcpy (header + 1, &len, 4);

  return write_all (fd, header, sizeof header) &&
         write_all (fd, head, head_len) &&
         write_all (fd, body, body_len);
}

static gboolean
write_message_frame (int         fd,
                     guint8      kind,
                     guint32     code,
                     gboolean    with_code,
                     const char *message)
{
  gsize len = strlen (message);
  guint32 le = GUINT32_TO_LE (code);

  if (len > MAX_MESSAGE)
    {
      len = MAX_MESSAGE;
      while (len > 0 && ((guchar) message[len] & 0xC0) == 0x80)
        len--;
    }

  return write_frame (fd, kind, &le, with_code ? 4 : 0, message, len);
}

gboolean
_assay_pdf_reader_write_hello (int fd)
{
  return write_frame (fd, FRAME_HELLO, PROTOCOL_HELLO, strlen (PROTOCOL_HELLO), NULL, 0);
}

/**
 * _assay_pdf_reader_write_result:
 *
 * The helper's answer: metadata, pages, warnings, end. Helper only.
 */

/* A 'B' or 'L' frame for @boxes of page @index; nothing when there are none. */
static gboolean
write_boxes_frame (int           fd,
                   guint8        kind,
                   guint         index,
                   const GArray *boxes)
{
  g_autoptr(GByteArray) bytes = NULL;

  if (boxes == NULL || boxes->len == 0)
    return TRUE;

  bytes = g_byte_array_sized_new (4 + boxes->len * BOX_BYTES);
  put_u32 (bytes, index);
  for (guint b = 0; b < boxes->len; b++)
    {
      const AssayTextBox *box = &g_array_index (boxes, AssayTextBox, b);

      put_u32 (bytes, box->start);
      put_u32 (bytes, box->end);
      put_f32 (bytes, box->x);
      put_f32 (bytes, box->y);
      put_f32 (bytes, box->width);
      put_f32 (bytes, box->height);
    }

  return write_frame (fd, kind, bytes->data, bytes->len, NULL, 0);
}

gboolean
_assay_pdf_reader_write_result (int                 fd,
                                const AssayPdfText *text,
                                guint               cut_page)
{
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  guint32 le;

  put_u32 (meta, text->n_pages);
  put_i64 (meta, text->creation_date);
  put_i64 (meta, text->modification_date);
  put_string (meta, text->title);
  put_string (meta, text->author);
  put_string (meta, text->subject);
  put_string (meta, text->keywords);
  put_string (meta, text->creator);
  put_string (meta, text->producer);
  put_string (meta, text->pdf_version);
  if (!write_frame (fd, FRAME_METADATA, meta->data, meta->len, NULL, 0))
    return FALSE;

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      guint8 head[5];

      le = GUINT32_TO_LE (page->index);
      memcpy (head, &le, 4);
      head[4] = page->has_text_layer ? 1 : 0;
      if (!write_frame (fd, FRAME_PAGE, head, sizeof head, page->text, strlen (page->text)))
        return FALSE;

      if (!write_boxes_frame (fd, FRAME_BOXES, page->index, page->boxes) ||
          !write_boxes_frame (fd, FRAME_WORDS, page->index, page->words))
        return FALSE;
    }

  for (guint i = 0; i < text->warnings->len && i < MAX_WARNINGS; i++)
    if (!write_message_frame (fd, FRAME_WARNING, 0, FALSE, g_ptr_array_index (text->warnings, i)))
      return FALSE;

  le = GUINT32_TO_LE (cut_page == ASSAY_PDF_NOT_CUT ? G_MAXUINT32 : cut_page);
  return write_frame (fd, FRAME_END, &le, 4, NULL, 0);
}

gboolean
_assay_pdf_reader_write_error (int           fd,
                               const GError *error)
{
  guint32 code = ASSAY_READ_ERROR_DAMAGED;

  if (error->domain == ASSAY_READ_ERROR)
    code = (guint32) error->code;

  return write_message_frame (fd, FRAME_ERROR, code, TRUE, error->message);
}

static void
put_f64 (GByteArray *out,
         double      value)
{
  guint64 bits;

  memcpy (&bits, &value, 8);
  put_i64 (out, (gint64) bits);
}

static gboolean
write_image_frame (int           fd,
                   guint         page_index,
                   guint         n_pages,
                   double        page_width,
                   double        page_height,
                   guint         width,
                   guint         height,
                   guint         stride,
                   const guint8 *pixels,
                   gsize         n_bytes)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();

  put_u32 (head, page_index);
  put_u32 (head, n_pages);
  put_f64 (head, page_width);
  put_f64 (head, page_height);
  put_u32 (head, width);
  put_u32 (head, height);
  put_u32 (head, stride);
  g_assert (head->len == IMAGE_HEADER);

  return write_frame (fd, FRAME_IMAGE, head->data, head->len, pixels, n_bytes);
}

/**
 * _assay_pdf_reader_write_image:
 *
 * The helper's answer to a render request. Helper only.
 */
gboolean
_assay_pdf_reader_write_image (int                   fd,
                               const AssayPageImage *image)
{
  gsize n_bytes;
  const guint8 *pixels = g_bytes_get_data (image->pixels, &n_bytes);

  return write_image_frame (fd, image->page - 1, image->n_pages,
                            image->page_width, image->page_height,
                            image->width, image->height, image->stride,
                            pixels, n_bytes);
}

/* Test hooks: an image whose byte count does not match its sizes, or one
 * claiming far more pixels than allowed (without sending them). */
gboolean
_assay_pdf_reader_write_lying_image (int      fd,
                                     gboolean huge)
{
  static const guint8 pixels[64 * 4 * 10] = { 0 };

  if (huge)
    {
      guint8 header[FRAME_HEADER] = { FRAME_IMAGE, 0xF0, 0xFF, 0xFF, 0x7F };

      return write_all (fd, header, sizeof header) &&
             write_all (fd, pixels, sizeof pixels);
    }

  /* says 64 x 20, sends 64 x 10 */
  return write_image_frame (fd, 0, 1, 595, 842, 64, 20, 64 * 4, pixels, sizeof pixels);
}

/* Test hook: a well-formed read whose boxes point past the page's text. */
gboolean
_assay_pdf_reader_write_lying_boxes (int fd)
{
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (AssayTextBox));
  AssayTextBox box = { 0, 400, 10, 10, 20, 10 };

  text->n_pages = 1;
  assay_pdf_text_add_page (text, 0, g_strdup ("Total 1,234"), TRUE);
  g_array_append_val (boxes, box);
  /* not through take_boxes, which would drop it */
  ((AssayPageText *) g_ptr_array_index (text->pages, 0))->boxes = g_steal_pointer (&boxes);

  return _assay_pdf_reader_write_hello (fd) &&
         _assay_pdf_reader_write_result (fd, text, ASSAY_PDF_NOT_CUT);
}

/* Test hook: a page frame claiming 4 GiB. */
gboolean
_assay_pdf_reader_write_garbage (int fd)
{
  static const guint8 frame[] = { FRAME_PAGE, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1 };

  return write_all (fd, frame, sizeof frame);
}

/* ---------------------------------------------------------------------- */
/* The parent's side: parsing                                             */

typedef struct
{
  const AssayReadLimits *limits;
  gboolean               render;         /* rendering one page, not reading */
  guint                  render_page;    /* 0-based */
  guint                  render_width;
  AssayPageImage        *image;          /* after 'I' */
  guint                  first_page;
  guint                  end_page;       /* as asked; 0: to the end */
  gboolean               got_hello;
  gboolean               finished;       /* 'E' or 'Z' seen */
  AssayPdfText          *text;           /* after 'M' */
  guint                  cut_page;
  GError                *child_error;    /* from 'E' */
  gint64                 last_index;
  gsize                  text_bytes;
  gboolean               boxes_allowed;  /* the last frame was that page's 'P' */
  gboolean               words_allowed;  /* ... its 'P' or 'B' */
} Parser;

static void
parser_clear (Parser *parser)
{
  g_clear_pointer (&parser->text, assay_pdf_text_unref);
  g_clear_pointer (&parser->image, assay_page_image_free);
  g_clear_error (&parser->child_error);
}

static gsize
max_payload (const Parser *parser,
             guint8        kind)
{
  /* A render answers with an image or an error, nothing else. */
  if (parser->render)
    {
      if (kind == FRAME_IMAGE)
        return IMAGE_HEADER + ASSAY_PDF_MAX_RENDER_PIXELS * 4;
      if (kind != FRAME_HELLO && kind != FRAME_ERROR)
        return 0;
    }
  else if (kind == FRAME_IMAGE)
    return 0;

  switch (kind)
    {
    case FRAME_HELLO:
      return 64;
    case FRAME_METADATA:
      return 20 + 7 * (4 + MAX_STRING);
    case FRAME_PAGE:
      return 5 + (parser->limits->max_text_bytes > 0 ? parser->limits->max_text_bytes : MAX_PAGE_TEXT);
    case FRAME_BOXES:
    case FRAME_WORDS:
      return 4 + (gsize) ASSAY_MAX_TEXT_BOXES * BOX_BYTES;
    case FRAME_WARNING:
      return MAX_MESSAGE;
    case FRAME_ERROR:
      return 4 + MAX_MESSAGE;
    case FRAME_END:
      return 4;
    default:
      return 0;
    }
}

typedef struct
{
  const guint8 *p;
  gsize         left;
} Reader;

/* Steps over the next @len bytes.
 * Returns: (nullable): where they start; %NULL when fewer are left */
static const guint8 *
take (Reader *r,
      gsize   len)
{
  const guint8 *start = r->p;

  if (r->left < len)
    return NULL;
  r->p += len;
  r->left -= len;
  return start;
}

static gboolean
get_u32 (Reader  *r,
         guint32 *value)
{
  const guint8 *bytes = take (r, 4);
  guint32 le;

  if (bytes == NULL)
    return FALSE;
  memcpy (&le, bytes, 4);
  *value = GUINT32_FROM_LE (le);
  return TRUE;
}

static gboolean
get_i64 (Reader *r,
         gint64 *value)
{
  const guint8 *bytes = take (r, 8);
  guint64 le;

  if (bytes == NULL)
    return FALSE;
  memcpy (&le, bytes, 8);
  *value = (gint64) GUINT64_FROM_LE (le);
  return TRUE;
}

static gboolean
get_f32 (Reader *r,
         float  *value)
{
  guint32 bits;

  if (!get_u32 (r, &bits))
    return FALSE;
  memcpy (value, &bits, 4);
  return TRUE;
}

static gboolean
get_string (Reader  *r,
            char   **value)
{
  const guint8 *bytes;
  guint32 len;

  if (!get_u32 (r, &len))
    return FALSE;
  if (len == G_MAXUINT32)
    {
      *value = NULL;
      return TRUE;
    }
  if (len > MAX_STRING || (bytes = take (r, len)) == NULL)
    return FALSE;

  *value = _assay_pdf_text_sanitize ((const char *) bytes, len);
  return TRUE;
}

static gboolean
parse_metadata (Parser       *parser,
                const guint8 *payload,
                gsize         len)
{
  Reader r = { payload, len };
  AssayPdfText *text;
  guint32 n_pages;

  if (parser->text != NULL)
    return FALSE;

  text = parser->text = assay_pdf_text_new ();
  if (!get_u32 (&r, &n_pages) ||
      !get_i64 (&r, &text->creation_date) ||
      !get_i64 (&r, &text->modification_date) ||
      !get_string (&r, &text->title) ||
      !get_string (&r, &text->author) ||
      !get_string (&r, &text->subject) ||
      !get_string (&r, &text->keywords) ||
      !get_string (&r, &text->creator) ||
      !get_string (&r, &text->producer) ||
      !get_string (&r, &text->pdf_version))
    return FALSE;

  text->n_pages = n_pages;

  return r.left == 0;
}

static gboolean
parse_page (Parser       *parser,
            const guint8 *payload,
            gsize         len)
{
  Reader r = { payload, len };
  const guint8 *flags_byte;
  guint32 index;
  guint8 flags;
  guint end = parser->end_page;

  if (parser->text == NULL || !get_u32 (&r, &index) || (flags_byte = take (&r, 1)) == NULL)
    return FALSE;
  flags = flags_byte[0];

  if (end == 0 || end > parser->text->n_pages)
    end = parser->text->n_pages;
  if (parser->limits->max_pages > 0 && end > parser->limits->max_pages)
    end = parser->limits->max_pages;
  if ((gint64) index <= parser->last_index || index < parser->first_page || index >= end)
    return FALSE;

  parser->text_bytes += r.left;
  if (parser->limits->max_text_bytes > 0 && parser->text_bytes > parser->limits->max_text_bytes)
    return FALSE;

  parser->last_index = index;
  assay_pdf_text_add_page (parser->text, index,
                           _assay_pdf_text_sanitize ((const char *) r.p, r.left),
                           (flags & 1) != 0);
  return TRUE;
}

static gboolean
get_f64 (Reader *r,
         double *value)
{
  gint64 bits;

  if (!get_i64 (r, &bits))
    return FALSE;
  memcpy (value, &bits, 8);
  return TRUE;
}

/* The rendered page: every size checked against what was asked and against
 * the limits before the pixels are taken. */
static gboolean
parse_image (Parser       *parser,
             const guint8 *payload,
             gsize         len)
{
  Reader r = { payload, len };
  guint32 page_index, n_pages, width, height, stride;
  double page_width, page_height;
  AssayPageImage *image;

  if (!get_u32 (&r, &page_index) || !get_u32 (&r, &n_pages) ||
      !get_f64 (&r, &page_width) || !get_f64 (&r, &page_height) ||
      !get_u32 (&r, &width) || !get_u32 (&r, &height) || !get_u32 (&r, &stride))
    return FALSE;

  if (page_index != parser->render_page || page_index >= n_pages ||
      !isfinite (page_width) || !isfinite (page_height) ||
      page_width < 1 || page_width > MAX_COORDINATE ||
      page_height < 1 || page_height > MAX_COORDINATE ||
      width == 0 || width > parser->render_width || width > ASSAY_PDF_MAX_RENDER_SIDE ||
      height == 0 || height > ASSAY_PDF_MAX_RENDER_SIDE ||
      (guint64) width * height > ASSAY_PDF_MAX_RENDER_PIXELS ||
      stride != width * 4 ||
      r.left != (gsize) stride * height)
    return FALSE;

  image = g_new0 (AssayPageImage, 1);
  image->page = page_index + 1;
  image->n_pages = n_pages;
  image->page_width = page_width;
  image->page_height = page_height;
  image->width = width;
  image->height = height;
  image->stride = stride;
  image->pixels = g_bytes_new (r.p, r.left);
  parser->image = image;
  parser->finished = TRUE;

  return TRUE;
}

/* Boxes of the page just received: every one checked before it is kept. */
static gboolean
parse_boxes (Parser       *parser,
             const guint8 *payload,
             gsize         len,
             gboolean      words)
{
  Reader r = { payload, len };
  g_autoptr(GArray) boxes = NULL;
  AssayPageText *page;
  guint32 index;
  gsize text_len;
  gsize n;
  guint32 previous_end = 0;

  if (!(words ? parser->words_allowed : parser->boxes_allowed) || !get_u32 (&r, &index) || (gint64) index != parser->last_index ||
      r.left == 0 || r.left % BOX_BYTES != 0)
    return FALSE;

  page = g_ptr_array_index (parser->text->pages, parser->text->pages->len - 1);
  text_len = strlen (page->text);
  n = r.left / BOX_BYTES;
  if (n > ASSAY_MAX_TEXT_BOXES_FOR (text_len))
    return FALSE;

  boxes = g_array_sized_new (FALSE, FALSE, sizeof (AssayTextBox), (guint) n);
  for (gsize i = 0; i < n; i++)
    {
      AssayTextBox box;

      if (!get_u32 (&r, &box.start) || !get_u32 (&r, &box.end) ||
          !get_f32 (&r, &box.x) || !get_f32 (&r, &box.y) ||
          !get_f32 (&r, &box.width) || !get_f32 (&r, &box.height))
        return FALSE;

      if (box.start < previous_end || box.start >= box.end || box.end > text_len ||
          !isfinite (box.x) || !isfinite (box.y) || !isfinite (box.width) || !isfinite (box.height) ||
          fabsf (box.x) > MAX_COORDINATE || fabsf (box.y) > MAX_COORDINATE ||
          box.width < 0 || box.width > MAX_COORDINATE || box.height < 0 || box.height > MAX_COORDINATE)
        return FALSE;

      previous_end = box.end;
      g_array_append_val (boxes, box);
    }

  if (words)
    {
      parser->boxes_allowed = FALSE;
      parser->words_allowed = FALSE;
      assay_pdf_text_take_words (parser->text, g_steal_pointer (&boxes));
      return TRUE;
    }

  parser->boxes_allowed = FALSE;
  assay_pdf_text_take_boxes (parser->text, g_steal_pointer (&boxes));
  return TRUE;
}

static gboolean
parse_frame (Parser       *parser,
             guint8        kind,
             const guint8 *payload,
             gsize         len)
{
  Reader r = { payload, len };

  if (parser->finished)
    return FALSE;

  if (!parser->got_hello)
    {
      parser->got_hello = kind == FRAME_HELLO &&
                          len == strlen (PROTOCOL_HELLO) &&
                          memcmp (payload, PROTOCOL_HELLO, len) == 0;
      return parser->got_hello;
    }

  if (kind == FRAME_IMAGE)
    return parser->render && parse_image (parser, payload, len);
  if (parser->render && kind != FRAME_ERROR)
    return FALSE;

  if (kind == FRAME_BOXES || kind == FRAME_WORDS)
    return parse_boxes (parser, payload, len, kind == FRAME_WORDS);
  parser->boxes_allowed = FALSE;
  parser->words_allowed = FALSE;

  switch (kind)
    {
    case FRAME_METADATA:
      return parse_metadata (parser, payload, len);

    case FRAME_PAGE:
      parser->boxes_allowed = parse_page (parser, payload, len);
      parser->words_allowed = parser->boxes_allowed;
      return parser->boxes_allowed;

    case FRAME_WARNING:
      if (parser->text == NULL || parser->text->warnings->len >= MAX_WARNINGS)
        return FALSE;
      g_ptr_array_add (parser->text->warnings,
                       _assay_pdf_text_sanitize ((const char *) payload, len));
      return TRUE;

    case FRAME_ERROR:
      {
        guint32 code;
        g_autofree char *message = NULL;

        if (!get_u32 (&r, &code))
          return FALSE;
        if (code > ASSAY_READ_ERROR_NO_SUCH_PAGE)
          code = ASSAY_READ_ERROR_DAMAGED;
        message = _assay_pdf_text_sanitize ((const char *) r.p, r.left);
        parser->child_error = g_error_new_literal (ASSAY_READ_ERROR, (int) code, message);
        parser->finished = TRUE;
        return TRUE;
      }

    case FRAME_END:
      {
        guint32 cut_page;

        if (parser->text == NULL || !get_u32 (&r, &cut_page) || r.left != 0)
          return FALSE;
        if (cut_page != G_MAXUINT32 && (gint64) cut_page != parser->last_index)
          return FALSE;
        parser->cut_page = cut_page == G_MAXUINT32 ? ASSAY_PDF_NOT_CUT : cut_page;
        parser->finished = TRUE;
        return TRUE;
      }

    default:
      return FALSE;
    }
}

/* Consumes every whole frame at the start of @buf. */
static gboolean
parse_frames (Parser     *parser,
              GByteArray *buf)
{
  gsize offset = 0;
  gboolean ok = TRUE;

  while (buf->len - offset >= FRAME_HEADER)
    {
      guint8 kind = buf->data[offset];
      guint32 le;
      gsize len;

      memcpy (&le, buf->data + offset + 1, 4);
      len = GUINT32_FROM_LE (le);

      /* Check the length before waiting for (and buffering) the payload. */
      if (len > max_payload (parser, kind))
        {
          ok = FALSE;
          break;
        }

      if (buf->len - offset - FRAME_HEADER < len)
        break;

      if (!parse_frame (parser, kind, buf->data + offset + FRAME_HEADER, len))
        {
          ok = FALSE;
          break;
        }
      offset += FRAME_HEADER + len;
    }

  if (offset > 0)
    g_byte_array_remove_range (buf, 0, (guint) offset);

  return ok;
}

/* ---------------------------------------------------------------------- */
/* The parent's side: running the helper                                  */

/* $ASSAY_PDF_READER, else assay-pdf-reader beside this program (a build
 * tree), else the installed one in LIBEXECDIR.
 */
static char *
find_helper (void)
{
  const char *env = g_getenv ("ASSAY_PDF_READER");
  g_autofree char *self = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, "assay-pdf-reader", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }

  return g_build_filename (LIBEXECDIR, "assay-pdf-reader", NULL);
}

typedef enum
{
  OUTCOME_EOF,          /* stdout and stderr closed */
  OUTCOME_CANCELLED,
  OUTCOME_TIMED_OUT,
  OUTCOME_CORRUPT,
  OUTCOME_IO_ERROR,
  OUTCOME_TOO_MUCH_MEMORY, /* resident memory over the limit */
} Outcome;

/* How often the helper's resident memory is looked at. */
#define MEMORY_CHECK_MS 50

/* The helper's resident set in bytes, from /proc, or 0 when unknown. */
static gsize
resident_bytes (const char *pid)
{
  char path[64];
  char statm[128];
  unsigned long size, resident;
  gssize n;
  int fd;

  g_snprintf (path, sizeof path, "/proc/%s/statm", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, statm, sizeof statm - 1);
  close (fd);
  if (n <= 0)
    return 0;
  statm[n] = '\0';

  if (sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;

  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

static void
keep_tail (GByteArray   *tail,
           const guint8 *data,
           gsize         len)
{
  if (len >= STDERR_TAIL)
    {
      g_byte_array_set_size (tail, 0);
      g_byte_array_append (tail, data + len - STDERR_TAIL, STDERR_TAIL);
      return;
    }

  g_byte_array_append (tail, data, (guint) len);
  if (tail->len > STDERR_TAIL)
    g_byte_array_remove_range (tail, 0, tail->len - STDERR_TAIL);
}

/* Reads the helper's stdout (frames) and stderr (a tail kept for
 * diagnosis) until both close, the deadline passes, @cancellable fires, the
 * stream turns out corrupt, or the helper's resident memory passes
 * @max_resident. That last watch backs the helper's own address-space
 * limit, which it cannot set under AddressSanitizer (whose shadow memory
 * needs terabytes of address space). */
static Outcome
pump (Parser       *parser,
      const char   *pid,
      gsize         max_resident,
      int           out_fd,
      int           err_fd,
      gint64        deadline_us,
      GCancellable *cancellable,
      GByteArray   *err_tail)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autofree guint8 *chunk = g_malloc (READ_CHUNK);
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel_fd;
  Outcome outcome = OUTCOME_EOF;

  have_cancel_fd = g_cancellable_make_pollfd (cancellable, &cancel_fd);

  while (out_fd >= 0 || err_fd >= 0)
    {
      struct pollfd fds[3];
      int out_slot = -1;
      int err_slot = -1;
      int n_fds = 0;
      int timeout_ms = -1;
      int r;

      if (g_cancellable_is_cancelled (cancellable))
        {
          outcome = OUTCOME_CANCELLED;
          break;
        }

      if (deadline_us > 0)
        {
          gint64 left = deadline_us - g_get_monotonic_time ();

          if (left <= 0)
            {
              outcome = OUTCOME_TIMED_OUT;
              break;
            }
          timeout_ms = (int) MIN ((left + 999) / 1000, G_MAXINT);
        }

      if (max_resident > 0)
        {
          if (resident_bytes (pid) > max_resident)
            {
              outcome = OUTCOME_TOO_MUCH_MEMORY;
              break;
            }
          timeout_ms = timeout_ms < 0 ? MEMORY_CHECK_MS : MIN (timeout_ms, MEMORY_CHECK_MS);
        }

      if (out_fd >= 0)
        {
          out_slot = n_fds;
          fds[n_fds++] = (struct pollfd) { out_fd, POLLIN, 0 };
        }
      if (err_fd >= 0)
        {
          err_slot = n_fds;
          fds[n_fds++] = (struct pollfd) { err_fd, POLLIN, 0 };
        }
      if (have_cancel_fd)
        fds[n_fds++] = (struct pollfd) { cancel_fd.fd, POLLIN, 0 };

      r = poll (fds, (nfds_t) n_fds, timeout_ms);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          outcome = OUTCOME_IO_ERROR;
          break;
        }

      if (err_slot >= 0 && fds[err_slot].revents != 0)
        {
          gssize n = read (err_fd, chunk, READ_CHUNK);

          if (n > 0)
            keep_tail (err_tail, chunk, (gsize) n);
          else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            err_fd = -1;
        }

      if (out_slot >= 0 && fds[out_slot].revents != 0)
        {
          gssize n = read (out_fd, chunk, READ_CHUNK);

          if (n > 0)
            {
              g_byte_array_append (buf, chunk, (guint) n);
              if (!parse_frames (parser, buf))
                {
                  outcome = OUTCOME_CORRUPT;
                  break;
                }
            }
          else if (n == 0)
            {
              out_fd = -1;
              /* Bytes after the last whole frame of a finished answer. */
              if (buf->len > 0 && parser->finished)
                {
                  outcome = OUTCOME_CORRUPT;
                  break;
                }
            }
          else if (errno != EINTR && errno != EAGAIN)
            {
              outcome = OUTCOME_IO_ERROR;
              break;
            }
        }
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);

  return outcome;
}

static void
wait_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
wait_timed_out (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Waits up to @grace_us for @process to exit, then kills it and waits for
 * good: the helper is always reaped before this returns. */
static void
reap (GSubprocess *process,
      gint64       grace_us)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = NULL;
  gboolean done = FALSE;

  g_main_context_push_thread_default (context);

  timeout = g_timeout_source_new ((guint) (grace_us / 1000));
  g_source_set_callback (timeout, wait_timed_out, cancellable, NULL);
  g_source_attach (timeout, context);

  g_subprocess_wait_async (process, cancellable, wait_done, &done);
  while (!done)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (!g_cancellable_is_cancelled (cancellable))
    return;

  /* Still running after the grace period. */
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

static gboolean
looks_out_of_memory (GByteArray *err_tail)
{
  static const char * const markers[] = {
    "std::bad_alloc",         /* libstdc++: an uncaught failed new */
    "Out of memory",          /* poppler's gmalloc */
    "failed to allocate",     /* g_malloc */
    "out of memory",
  };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (memmem (err_tail->data, err_tail->len, markers[i], strlen (markers[i])) != NULL)
      return TRUE;

  return FALSE;
}

static void
log_stderr_tail (const char *what,
                 GByteArray *err_tail)
{
  g_autofree char *tail = NULL;
  gsize start = err_tail->len > 1024 ? err_tail->len - 1024 : 0;

  tail = _assay_pdf_text_sanitize ((const char *) err_tail->data + start, err_tail->len - start);
  g_debug ("%s; the end of its stderr:\n%s", what, tail);
}

/* The error for a helper that stopped without an answer. */
static void
set_death_error (GError               **error,
                 GSubprocess           *process,
                 const AssayReadLimits *limits,
                 GByteArray            *err_tail)
{
  gboolean memory_limited = limits->max_memory_bytes > 0;
  int sig = 0;

#if defined(__SANITIZE_ADDRESS__)
  memory_limited = FALSE;
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
  memory_limited = FALSE;
# endif
#endif

  if (g_subprocess_get_if_signaled (process))
    sig = g_subprocess_get_term_sig (process);

  if (sig == SIGKILL || sig == SIGXCPU)
    {
      log_stderr_tail ("the PDF reader was killed", err_tail);
      _assay_pdf_set_timeout_error (error, limits->timeout_seconds);
      return;
    }

  if (looks_out_of_memory (err_tail))
    {
      log_stderr_tail ("the PDF reader ran out of memory", err_tail);
      if (memory_limited)
        g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY,
                     _("The PDF reader ran out of memory (limit %zu MiB); "
                       "the file may be built to exhaust readers."),
                     limits->max_memory_bytes / (1024 * 1024));
      else
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY,
                             _("The PDF reader ran out of memory; "
                               "the file may be built to exhaust readers."));
      return;
    }

  if (sig != 0)
    g_debug ("the PDF reader died of signal %d", sig);
  else
    g_debug ("the PDF reader exited with status %d without an answer",
             g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1);
  log_stderr_tail ("the PDF reader failed", err_tail);

  g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                       _("The PDF reader crashed on this file; it is probably damaged. "
                         "The rest of the batch is unaffected."));
}

static char **
build_argv (const char            *helper,
            const char            *path,
            gboolean               with_password,
            guint                  first_page,
            guint                  end_page,
            const Parser          *parser,
            const AssayReadLimits *limits,
            gint64                 deadline_us)
{
  GPtrArray *argv = g_ptr_array_new ();
  gint64 timeout_ms = 0;

  if (deadline_us > 0)
    timeout_ms = MAX ((deadline_us - g_get_monotonic_time ()) / 1000, 1);

  g_ptr_array_add (argv, g_strdup (helper));
  g_ptr_array_add (argv, g_strdup_printf ("--first-page=%u", first_page));
  g_ptr_array_add (argv, g_strdup_printf ("--end-page=%u", end_page));
  g_ptr_array_add (argv, g_strdup_printf ("--max-pages=%u", limits->max_pages));
  g_ptr_array_add (argv, g_strdup_printf ("--max-text-bytes=%" G_GSIZE_FORMAT,
                                          limits->max_text_bytes));
  g_ptr_array_add (argv, g_strdup_printf ("--max-memory=%" G_GSIZE_FORMAT,
                                          limits->max_memory_bytes));
  g_ptr_array_add (argv, g_strdup_printf ("--timeout-ms=%" G_GINT64_FORMAT, timeout_ms));
  if (parser->render)
    {
      g_ptr_array_add (argv, g_strdup_printf ("--render-page=%u", parser->render_page));
      g_ptr_array_add (argv, g_strdup_printf ("--render-width=%u", parser->render_width));
    }
  if (with_password)
    g_ptr_array_add (argv, g_strdup ("--password-stdin"));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, NULL);

  return (char **) g_ptr_array_free (argv, FALSE);
}

static GSubprocess *
spawn_helper (const char             *path,
              const char             *password,
              guint                   first_page,
              guint                   end_page,
              const Parser           *parser,
              const AssayReadLimits  *limits,
              gint64                  deadline_us,
              GError                **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *helper = find_helper ();
  g_auto(GStrv) argv = NULL;
  /* Descriptors are left open: GLib then starts the helper with
   * posix_spawn() (vfork) instead of fork(). A fork() of the app from a
   * worker write-protects every page of the process, and the window's main
   * thread then took a page fault on each page it touched (a third of its
   * time during a batch) and waited on the address-space lock while the
   * pages were copied. The helper closes every descriptor but 0-2 first
   * thing, and the app opens its own with O_CLOEXEC. */
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_INHERIT_FDS;
  GSubprocess *process;

  /* poppler reports every syntax error on stderr: keep it from the
   * terminal unless asked, but keep its tail to tell out-of-memory apart. */
  if (g_getenv ("ASSAY_PDF_READER_VERBOSE") == NULL)
    flags |= G_SUBPROCESS_FLAGS_STDERR_PIPE;

  launcher = g_subprocess_launcher_new (flags);

#if defined(__SANITIZE_ADDRESS__)
  /* The tests ask AddressSanitizer for full stack unwinding on every
   * allocation (so that leak suppressions can see GLib's frames); poppler
   * allocates so often that the helper would run eight times slower. The
   * helper keeps the default fast unwinding: later flags win. */
  {
    g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                                            ":fast_unwind_on_malloc=1", NULL);
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
  }
#endif

  if (password != NULL)
    {
      int fds[2];
      gsize len = MIN (strlen (password), ASSAY_PDF_MAX_PASSWORD);

      /* Filled before the helper starts, so the write cannot block and
       * cannot raise SIGPIPE: the pipe holds PIPE_BUF (≥ 4096) bytes. */
      if (!g_unix_open_pipe (fds, FD_CLOEXEC, &local_error))
        {
          g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                       _("The PDF reader could not be started: %s"), local_error->message);
          return NULL;
        }
      if (len > 0 && write (fds[1], password, len) != (gssize) len)
        {
          int saved_errno = errno;

          g_close (fds[0], NULL);
          g_close (fds[1], NULL);
          g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                       _("The PDF reader could not be started: %s"), g_strerror (saved_errno));
          return NULL;
        }
      g_close (fds[1], NULL);
      g_subprocess_launcher_take_stdin_fd (launcher, fds[0]);
    }

  argv = build_argv (helper, path, password != NULL, first_page, end_page, parser, limits, deadline_us);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &local_error);
  if (process == NULL)
    {
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                   _("The PDF reader (%s) could not be started: %s"), helper, local_error->message);
      return NULL;
    }

  return process;
}

static int
pipe_fd (GInputStream *stream)
{
  if (stream == NULL)
    return -1;

  return g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (stream));
}

static void
close_pipe (GInputStream *stream)
{
  if (stream != NULL)
    g_input_stream_close (stream, NULL, NULL);
}

/* Runs the helper for @parser (set up by the caller) to the end: spawns,
 * pumps, kills on timeout, cancellation or a corrupt stream, reaps, and
 * turns every way it can end into @error. Worker thread; blocks.
 *
 * Returns: TRUE when the helper gave a whole answer that is not an error */
static gboolean
run_helper (Parser                 *parser,
            const char             *path,
            const char             *password,
            const AssayReadLimits  *limits,
            gint64                  deadline_us,
            GCancellable           *cancellable,
            GError                **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GByteArray) err_tail = g_byte_array_new ();
  gboolean ok = FALSE;
  Outcome outcome;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  process = spawn_helper (path, password, parser->first_page, parser->end_page, parser,
                          limits, deadline_us, error);
  if (process == NULL)
    return FALSE;

  outcome = pump (parser,
                  g_subprocess_get_identifier (process),
                  limits->max_memory_bytes,
                  pipe_fd (g_subprocess_get_stdout_pipe (process)),
                  pipe_fd (g_subprocess_get_stderr_pipe (process)),
                  deadline_us, cancellable, err_tail);

  if (outcome != OUTCOME_EOF)
    g_subprocess_force_exit (process);
  reap (process, REAP_GRACE_US);

  /* Close the pipes now: GLib's child watch may hold the last reference
   * to @process a little longer, and the fds must not outlive this call. */
  close_pipe (g_subprocess_get_stdout_pipe (process));
  close_pipe (g_subprocess_get_stderr_pipe (process));

  switch (outcome)
    {
    case OUTCOME_CANCELLED:
      g_cancellable_set_error_if_cancelled (cancellable, error);
      break;

    case OUTCOME_TIMED_OUT:
      _assay_pdf_set_timeout_error (error, limits->timeout_seconds);
      break;

    case OUTCOME_TOO_MUCH_MEMORY:
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY,
                   _("The PDF reader ran out of memory (limit %zu MiB); "
                     "the file may be built to exhaust readers."),
                   limits->max_memory_bytes / (1024 * 1024));
      break;

    case OUTCOME_CORRUPT:
      log_stderr_tail ("the PDF reader sent a malformed stream", err_tail);
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                           _("The PDF reader failed on this file and sent malformed output; "
                             "the file is probably damaged. The rest of the batch is unaffected."));
      break;

    case OUTCOME_IO_ERROR:
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED,
                           _("The connection to the PDF reader failed."));
      break;

    case OUTCOME_EOF:
      if (!parser->finished)
        set_death_error (error, process, limits, err_tail);
      else
        {
          /* A whole answer: take it, but a helper that then failed (a
           * sanitizer's leak report, a crash on exit) is a bug to see. A
           * message, not a warning: a file can make poppler crash on
           * exit, and that must not end an app run with fatal warnings. */
          if (!g_subprocess_get_successful (process))
            {
              g_autofree char *tail = _assay_pdf_text_sanitize ((const char *) err_tail->data,
                                                                err_tail->len);
              g_message ("The PDF reader answered, then failed (%s %d): %s",
                         g_subprocess_get_if_signaled (process) ? "signal" : "status",
                         g_subprocess_get_if_signaled (process)
                           ? g_subprocess_get_term_sig (process)
                           : g_subprocess_get_exit_status (process),
                         tail);
            }

          /* The helper only knows the time left, not the whole limit. */
          if (g_error_matches (parser->child_error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT))
            _assay_pdf_set_timeout_error (error, limits->timeout_seconds);
          else if (parser->child_error != NULL)
            g_propagate_error (error, g_steal_pointer (&parser->child_error));
          else
            ok = TRUE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return ok;
}

/**
 * _assay_pdf_read_range_isolated_full:
 * @deadline_us: g_get_monotonic_time() at which the helper is killed, or 0
 * @cut_page: (out): where max_text_bytes cut the text, or %ASSAY_PDF_NOT_CUT
 *
 * assay_pdf_read_range_isolated() without the derived warnings. Worker
 * thread; blocks until the helper is gone.
 */
AssayPdfText *
_assay_pdf_read_range_isolated_full (const char             *path,
                                     const char             *password,
                                     guint                   first_page,
                                     guint                   end_page,
                                     const AssayReadLimits  *limits,
                                     gint64                  deadline_us,
                                     GCancellable           *cancellable,
                                     guint                  *cut_page,
                                     GError                **error)
{
  Parser parser = { 0 };
  AssayPdfText *text = NULL;

  *cut_page = ASSAY_PDF_NOT_CUT;

  parser.limits = limits;
  parser.first_page = first_page;
  parser.end_page = end_page;
  parser.last_index = -1;
  parser.cut_page = ASSAY_PDF_NOT_CUT;

  if (run_helper (&parser, path, password, limits, deadline_us, cancellable, error))
    {
      text = g_steal_pointer (&parser.text);
      *cut_page = parser.cut_page;
    }

  parser_clear (&parser);

  return text;
}

/* Rendering gets less time than reading a whole document: a person waits. */
#define RENDER_TIMEOUT_S 30

/**
 * _assay_pdf_render_page_isolated:
 * @page_index: 0-based
 * @width_px: the width wanted (at most %ASSAY_PDF_MAX_RENDER_SIDE); the
 *   image may be narrower to stay within %ASSAY_PDF_MAX_RENDER_PIXELS
 * @limits: max_memory_bytes applies, and timeout_seconds up to 30 s
 * @cancellable: (nullable): kills the helper at once
 *
 * Renders one page in an assay-pdf-reader helper: poppler never runs in
 * this process. Every size the helper reports is checked before its pixels
 * are taken. Worker thread (it blocks); always reaps the helper.
 *
 * Returns: (transfer full): the image, or %NULL with @error set in
 *   %ASSAY_READ_ERROR (NO_SUCH_PAGE, NEEDS_PASSWORD, CRASHED…) or
 *   %G_IO_ERROR_CANCELLED
 */
AssayPageImage *
_assay_pdf_render_page_isolated (const char             *path,
                                 const char             *password,
                                 guint                   page_index,
                                 guint                   width_px,
                                 const AssayReadLimits  *limits,
                                 GCancellable           *cancellable,
                                 GError                **error)
{
  Parser parser = { 0 };
  AssayReadLimits render_limits = *limits;
  AssayPageImage *image = NULL;
  gint64 deadline_us;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (width_px > 0 && width_px <= ASSAY_PDF_MAX_RENDER_SIDE, NULL);

  if (render_limits.timeout_seconds == 0 || render_limits.timeout_seconds > RENDER_TIMEOUT_S)
    render_limits.timeout_seconds = RENDER_TIMEOUT_S;
  deadline_us = g_get_monotonic_time () + (gint64) render_limits.timeout_seconds * G_USEC_PER_SEC;

  parser.limits = &render_limits;
  parser.render = TRUE;
  parser.render_page = page_index;
  parser.render_width = width_px;
  parser.last_index = -1;

  if (run_helper (&parser, path, password, &render_limits, deadline_us, cancellable, error))
    image = g_steal_pointer (&parser.image);

  parser_clear (&parser);

  return image;
}

/**
 * assay_pdf_read_range_isolated:
 * @limits: all of them apply; timeout_seconds counts from this call
 * @cancellable: (nullable): kills the helper at once
 *
 * assay_pdf_read_range() in an assay-pdf-reader helper process under
 * @limits->max_memory_bytes of address space and a CPU-time limit. The
 * helper is $ASSAY_PDF_READER, else the one beside this program, else the
 * installed one. Worker thread (it blocks); always reaps the helper.
 *
 * Returns: (transfer full): the text, or %NULL with @error set in
 *   %ASSAY_READ_ERROR (also TIMEOUT, OUT_OF_MEMORY, CRASHED) or
 *   %G_IO_ERROR_CANCELLED
 */
AssayPdfText *
assay_pdf_read_range_isolated (const char             *path,
                               const char             *password,
                               guint                   first_page,
                               guint                   end_page,
                               const AssayReadLimits  *limits,
                               GCancellable           *cancellable,
                               GError                **error)
{
  return _assay_pdf_read_range_with (_assay_pdf_read_range_isolated_full, path, password,
                                     first_page, end_page, limits, cancellable, error);
}
