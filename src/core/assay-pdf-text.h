/* assay-pdf-text.h — the text and metadata read from one PDF
 *
 * A plain, immutable (once built), reference-counted value: the read stage
 * builds it on a worker, then extract and analyse share it read-only from
 * any thread.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a run of digits (with the separators inside it: "1,234.5") of a
 * page's text is drawn: bytes [start, end) of the text, a box in PDF
 * points with the origin at the page's top-left corner. A run that wraps
 * onto the next line is two boxes. */
typedef struct
{
  guint32 start;
  guint32 end;
  float   x;
  float   y;
  float   width;
  float   height;
} AssayTextBox;

/* Boxes kept per page at most: more than any real table, and never more
 * than a quarter of the page's bytes (plus a few), so that a page of
 * "1 1 1 1 …" cannot make the boxes outweigh the text. */
#define ASSAY_MAX_TEXT_BOXES 8192
#define ASSAY_MAX_TEXT_BOXES_FOR(text_len) MIN (ASSAY_MAX_TEXT_BOXES, (text_len) / 4 + 16)

/* Documents of at most this many pages also get the boxes of their words
 * (runs of characters other than white space), which the offline
 * extractor needs to read a layout (labels above values, columns,
 * amounts at the right edge): invoices and letters, never the long
 * manuals and reports, which pay nothing for it. */
#define ASSAY_WORD_BOXES_MAX_PAGES 8

typedef struct
{
  guint    index;            /* 0-based page index */
  char    *text;             /* UTF-8, never NULL ("" for an empty page) */
  gboolean has_text_layer;   /* FALSE: a scanned/image-only page */
  GArray  *boxes;            /* AssayTextBox sorted by start; NULL: not known */
  GArray  *words;            /* AssayTextBox of each word, sorted by start; NULL: not
                              * known (documents of more than
                              * ASSAY_WORD_BOXES_MAX_PAGES pages) */
} AssayPageText;

typedef struct
{
  guint      n_pages;        /* pages in the file */
  GPtrArray *pages;          /* AssayPageText*, sorted by index; may be shorter
                              * than n_pages when reading was bounded */
  char      *title;
  char      *author;
  char      *subject;
  char      *keywords;
  char      *creator;
  char      *producer;
  char      *pdf_version;    /* "1.7" */
  gint64     creation_date;  /* unix time, or -1 */
  gint64     modification_date;
  GPtrArray *warnings;       /* char*, person-readable */
} AssayPdfText;

AssayPdfText  *assay_pdf_text_new              (void);
AssayPdfText  *assay_pdf_text_ref              (AssayPdfText *self);
void           assay_pdf_text_unref            (AssayPdfText *self);
void           assay_pdf_text_add_page         (AssayPdfText *self,
                                                guint         index,
                                                char         *text,
                                                gboolean      has_text_layer);
void           assay_pdf_text_take_boxes       (AssayPdfText *self,
                                                GArray       *boxes);
void           assay_pdf_text_take_words       (AssayPdfText *self,
                                                GArray       *words);
void           assay_pdf_text_sort_pages       (AssayPdfText *self);
const char    *assay_pdf_text_get_page         (const AssayPdfText *self,
                                                guint               index);
const AssayPageText *assay_pdf_text_find_page  (const AssayPdfText *self,
                                                guint               index);
gsize          assay_pdf_text_count_visible_chars (const AssayPdfText *self);
guint          assay_pdf_text_count_empty_pages (const AssayPdfText *self);

/* assay-pdf-text-json.c: for sending the text between machines */
JsonNode      *assay_pdf_text_to_json          (const AssayPdfText *self);
AssayPdfText  *assay_pdf_text_from_json        (JsonNode           *node,
                                                GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayPdfText, assay_pdf_text_unref)

G_END_DECLS
