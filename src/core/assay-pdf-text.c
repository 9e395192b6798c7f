/* assay-pdf-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-pdf-text"

#include "config.h"

#include <string.h>

#include "assay-pdf-text.h"

static void
page_text_free (gpointer data)
{
  AssayPageText *page = data;

  g_free (page->text);
  g_clear_pointer (&page->boxes, g_array_unref);
  g_clear_pointer (&page->words, g_array_unref);
  g_free (page);
}

/**
 * assay_pdf_text_new:
 *
 * Returns: (transfer full): an empty text with `n_pages` 0. Any thread.
 */
AssayPdfText *
assay_pdf_text_new (void)
{
  AssayPdfText *self = g_atomic_rc_box_new0 (AssayPdfText);

  self->pages = g_ptr_array_new_with_free_func (page_text_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->creation_date = -1;
  self->modification_date = -1;

  return self;
}

AssayPdfText *
assay_pdf_text_ref (AssayPdfText *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
assay_pdf_text_clear (gpointer data)
{
  AssayPdfText *self = data;

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->keywords, g_free);
  g_clear_pointer (&self->creator, g_free);
  g_clear_pointer (&self->producer, g_free);
  g_clear_pointer (&self->pdf_version, g_free);
}

void
assay_pdf_text_unref (AssayPdfText *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, assay_pdf_text_clear);
}

/**
 * assay_pdf_text_add_page:
 * @text: (transfer full): the page's UTF-8 text
 *
 * Only while building, on the thread that owns @self.
 */
void
assay_pdf_text_add_page (AssayPdfText *self,
                         guint         index,
                         char         *text,
                         gboolean      has_text_layer)
{
  AssayPageText *page;

  g_return_if_fail (self != NULL);

  page = g_new0 (AssayPageText, 1);
  page->index = index;
  page->text = text != NULL ? text : g_strdup ("");
  page->has_text_layer = has_text_layer;
  g_ptr_array_add (self->pages, page);
}

/**
 * assay_pdf_text_take_boxes:
 * @boxes: (transfer full) (nullable): #AssayTextBox sorted by start
 *
 * Gives the page added last the boxes of its runs of digits; boxes past
 * the end of its text (cut by a limit) are dropped. Only while building,
 * on the thread that owns @self.
 */
static void
take_boxes (AssayPdfText *self,
            GArray       *boxes,
            gboolean      words)
{
  AssayPageText *page;
  gsize len;
  guint keep = 0;

  g_assert (self != NULL);
  g_assert (self->pages->len > 0);

  if (boxes == NULL)
    return;

  page = g_ptr_array_index (self->pages, self->pages->len - 1);
  len = strlen (page->text);
  while (keep < boxes->len && g_array_index (boxes, AssayTextBox, keep).end <= len)
    keep++;
  g_array_set_size (boxes, keep);

  if (words)
    {
      g_clear_pointer (&page->words, g_array_unref);
      if (keep > 0)
        page->words = boxes;
      else
        g_array_unref (boxes);
      return;
    }

  g_clear_pointer (&page->boxes, g_array_unref);
  if (keep > 0)
    page->boxes = boxes;
  else
    g_array_unref (boxes);
}

void
assay_pdf_text_take_boxes (AssayPdfText *self,
                           GArray       *boxes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->pages->len > 0);

  take_boxes (self, boxes, FALSE);
}

/**
 * assay_pdf_text_take_words:
 * @words: (transfer full) (nullable): #AssayTextBox of each word, sorted
 *
 * Gives the page added last the boxes of its words, as
 * assay_pdf_text_take_boxes() does for runs of digits.
 */
void
assay_pdf_text_take_words (AssayPdfText *self,
                           GArray       *words)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->pages->len > 0);

  take_boxes (self, words, TRUE);
}

static int
compare_pages (gconstpointer a,
               gconstpointer b)
{
  const AssayPageText *pa = *(AssayPageText * const *) a;
  const AssayPageText *pb = *(AssayPageText * const *) b;

  return (pa->index > pb->index) - (pa->index < pb->index);
}

void
assay_pdf_text_sort_pages (AssayPdfText *self)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_sort (self->pages, compare_pages);
}

/**
 * assay_pdf_text_get_page:
 *
 * Returns: (transfer none) (nullable): the text of page @index (0-based), or
 * %NULL when that page was not read.
 */
const char *
assay_pdf_text_get_page (const AssayPdfText *self,
                         guint               index)
{
  const AssayPageText *page;

  g_return_val_if_fail (self != NULL, NULL);

  page = assay_pdf_text_find_page (self, index);

  return page != NULL ? page->text : NULL;
}

/**
 * assay_pdf_text_find_page:
 *
 * Returns: (transfer none) (nullable): page @index (0-based), or %NULL when
 * that page was not read.
 */
const AssayPageText *
assay_pdf_text_find_page (const AssayPdfText *self,
                          guint               index)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* Pages are sorted and usually dense: try the direct slot first. */
  if (index < self->pages->len)
    {
      const AssayPageText *page = g_ptr_array_index (self->pages, index);
      if (page->index == index)
        return page;
    }

  for (guint i = 0; i < self->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (self->pages, i);
      if (page->index == index)
        return page;
    }

  return NULL;
}

/**
 * assay_pdf_text_count_visible_chars:
 *
 * Counts the characters other than white space: what two text extractors
 * can agree on, since each lays out spaces and line breaks its own way.
 */
gsize
assay_pdf_text_count_visible_chars (const AssayPdfText *self)
{
  gsize n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (self->pages, i);

      for (const char *p = page->text; *p != '\0'; p = g_utf8_next_char (p))
        if (!g_unichar_isspace (g_utf8_get_char (p)))
          n++;
    }

  return n;
}

guint
assay_pdf_text_count_empty_pages (const AssayPdfText *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (self->pages, i);
      if (!page->has_text_layer)
        n++;
    }

  return n;
}
