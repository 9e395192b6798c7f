/* assay-pdf-text.h — the text and metadata read from one PDF
 *
 * A plain, immutable (once built), reference-counted value: the read stage
 * builds it on a worker, then extract and analyse share it read-only from
 * any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint    index;            /* 0-based page index */
  char    *text;             /* UTF-8, never NULL ("" for an empty page) */
  gboolean has_text_layer;   /* FALSE: a scanned/image-only page */
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
void           assay_pdf_text_sort_pages       (AssayPdfText *self);
const char    *assay_pdf_text_get_page         (const AssayPdfText *self,
                                                guint               index);
gsize          assay_pdf_text_count_visible_chars (const AssayPdfText *self);
guint          assay_pdf_text_count_empty_pages (const AssayPdfText *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayPdfText, assay_pdf_text_unref)

G_END_DECLS
