/* assay-llm-chunk.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-chunk"

#include "config.h"

#include <string.h>

#include "assay-llm-chunk.h"

/* "=== Page 123 (continued) ===\n" and the blank line after the text. */
#define MARKER_TOKENS 10

/* Token estimates in quarter tokens: about four ASCII characters make a
 * token; any other character is counted as a whole token, which is about
 * right for CJK scripts and on the safe side for accented Latin. */
static gsize
quarters (const char *text,
          gsize       length)
{
  gsize q = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c < 0x80)
        q += 1;
      else if ((c & 0xc0) != 0x80)
        q += 4;
    }

  return q;
}

/**
 * assay_llm_estimate_tokens:
 * @length: bytes, or -1 for NUL-terminated
 *
 * Returns: an estimate of the tokens @text makes for a model: characters
 * divided by four for ASCII, one per character otherwise
 */
gsize
assay_llm_estimate_tokens (const char *text,
                           gssize      length)
{
  g_return_val_if_fail (text != NULL || length == 0, 0);

  if (length < 0)
    length = strlen (text);

  return (quarters (text, length) + 3) / 4;
}

static AssayLlmChunk *
chunk_new (void)
{
  AssayLlmChunk *chunk = g_new0 (AssayLlmChunk, 1);

  chunk->segments = g_array_new (FALSE, FALSE, sizeof (AssayLlmSegment));

  return chunk;
}

void
assay_llm_chunk_free (AssayLlmChunk *chunk)
{
  if (chunk == NULL)
    return;

  g_array_unref (chunk->segments);
  g_free (chunk);
}

static const char *
page_text (const AssayPdfText *text,
           guint               page)
{
  const char *str = assay_pdf_text_get_page (text, page - 1);

  return str != NULL ? str : "";
}

static gsize
segment_tokens (const AssayPdfText    *text,
                const AssayLlmSegment *segment)
{
  const char *str = page_text (text, segment->page);

  return assay_llm_estimate_tokens (str + segment->start, segment->end - segment->start) +
         MARKER_TOKENS;
}

static void
chunk_add (AssayLlmChunk         *chunk,
           const AssayPdfText    *text,
           const AssayLlmSegment *segment)
{
  g_array_append_val (chunk->segments, *segment);
  chunk->tokens += segment_tokens (text, segment);
}

/* Where to end a piece of @str starting at @start so that it stays within
 * @max_quarters: after the last line break, else the last space, else at a
 * character boundary. Always makes progress. */
static gsize
find_piece_end (const char *str,
                gsize       start,
                gsize       end,
                gsize       max_quarters)
{
  gsize q = 0;
  gsize last_newline = 0;
  gsize last_space = 0;
  gsize i = start;

  while (i < end)
    {
      guchar c = str[i];
      gsize char_q = c < 0x80 ? 1 : 4;
      gsize next = i + 1;

      while (next < end && ((guchar) str[next] & 0xc0) == 0x80)
        next++;

      if (q + char_q > max_quarters && i > start)
        break;

      q += char_q;
      if (c == '\n')
        last_newline = next;
      else if (c == ' ')
        last_space = next;
      i = next;
    }

  if (i >= end)
    return end;
  if (last_newline > start)
    return last_newline;
  if (last_space > start)
    return last_space;

  return i;
}

static gboolean
is_blank (const char *str)
{
  for (; *str != '\0'; str++)
    {
      if (!g_ascii_isspace (*str))
        return FALSE;
    }

  return TRUE;
}

/**
 * assay_llm_chunks_plan:
 * @budget_tokens: the most estimated tokens of text per chunk (markers
 *   included); at least 64
 *
 * Packs consecutive pages into chunks within @budget_tokens, never
 * splitting a page that fits; a page that does not fit alone is cut into
 * pieces at line breaks. Pages without text are left out.
 *
 * Returns: (transfer full) (element-type AssayLlmChunk): the chunks in page
 * order; empty when the document has no text
 */
GPtrArray *
assay_llm_chunks_plan (const AssayPdfText *text,
                       gsize               budget_tokens)
{
  g_autoptr(GPtrArray) chunks = NULL;
  g_autoptr(AssayLlmChunk) current = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  budget_tokens = MAX (budget_tokens, 64);
  chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_llm_chunk_free);
  current = chunk_new ();

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      gsize length = strlen (page->text);
      gsize start = 0;

      if (is_blank (page->text))
        continue;

      while (start < length)
        {
          AssayLlmSegment segment = { page->index + 1, start, length };
          gsize tokens = segment_tokens (text, &segment);

          if (tokens > budget_tokens)
            {
              segment.end = find_piece_end (page->text, start, length,
                                            (budget_tokens - MARKER_TOKENS) * 4);
              tokens = segment_tokens (text, &segment);
            }

          if (current->segments->len > 0 && current->tokens + tokens > budget_tokens)
            {
              g_ptr_array_add (chunks, g_steal_pointer (&current));
              current = chunk_new ();
            }

          chunk_add (current, text, &segment);
          start = segment.end;
        }
    }

  if (current->segments->len > 0)
    g_ptr_array_add (chunks, g_steal_pointer (&current));

  return g_steal_pointer (&chunks);
}

/**
 * assay_llm_chunk_split:
 * @min_tokens: a piece of one page is not cut below this many tokens
 * @first: (out) (transfer full): the first half
 * @second: (out) (transfer full): the second half
 *
 * Halves a chunk whose answer was cut off: between pages when it has
 * several, else its one page at a line break near the middle.
 *
 * Returns: %FALSE when the chunk is already too small to split
 */
gboolean
assay_llm_chunk_split (const AssayLlmChunk  *chunk,
                       const AssayPdfText   *text,
                       gsize                 min_tokens,
                       AssayLlmChunk       **first,
                       AssayLlmChunk       **second)
{
  g_autoptr(AssayLlmChunk) a = NULL;
  g_autoptr(AssayLlmChunk) b = NULL;

  g_return_val_if_fail (chunk != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (first != NULL && second != NULL, FALSE);

  a = chunk_new ();
  b = chunk_new ();

  if (chunk->segments->len >= 2)
    {
      gsize half = chunk->tokens / 2;

      for (guint i = 0; i < chunk->segments->len; i++)
        {
          const AssayLlmSegment *segment = &g_array_index (chunk->segments, AssayLlmSegment, i);
          gboolean to_first = i == 0 ||
                              (i < chunk->segments->len - 1 && b->segments->len == 0 &&
                               a->tokens + segment_tokens (text, segment) <= half);

          chunk_add (to_first ? a : b, text, segment);
        }
    }
  else if (chunk->segments->len == 1)
    {
      const AssayLlmSegment *segment = &g_array_index (chunk->segments, AssayLlmSegment, 0);
      const char *str = page_text (text, segment->page);
      gsize half_quarters = quarters (str + segment->start, segment->end - segment->start) / 2;
      AssayLlmSegment left = *segment;
      AssayLlmSegment right = *segment;
      gsize cut;

      if (chunk->tokens < 2 * MAX (min_tokens, 1))
        return FALSE;

      cut = find_piece_end (str, segment->start, segment->end, half_quarters);
      if (cut <= segment->start || cut >= segment->end)
        return FALSE;

      left.end = cut;
      right.start = cut;
      chunk_add (a, text, &left);
      chunk_add (b, text, &right);
    }
  else
    return FALSE;

  *first = g_steal_pointer (&a);
  *second = g_steal_pointer (&b);

  return TRUE;
}

/**
 * assay_llm_chunk_render:
 *
 * Returns: (transfer full): the chunk's text with a "=== Page N ===" line
 * before each page ("=== Page N (continued) ===" before a later piece of a
 * page)
 */
char *
assay_llm_chunk_render (const AssayLlmChunk *chunk,
                        const AssayPdfText  *text)
{
  GString *str;

  g_return_val_if_fail (chunk != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  str = g_string_new (NULL);

  for (guint i = 0; i < chunk->segments->len; i++)
    {
      const AssayLlmSegment *segment = &g_array_index (chunk->segments, AssayLlmSegment, i);
      const char *page = page_text (text, segment->page);

      if (segment->start == 0)
        g_string_append_printf (str, "=== Page %u ===\n", segment->page);
      else
        g_string_append_printf (str, "=== Page %u (continued) ===\n", segment->page);

      g_string_append_len (str, page + segment->start, segment->end - segment->start);
      g_string_append (str, "\n\n");
    }

  return g_string_free (str, FALSE);
}

guint
assay_llm_chunk_first_page (const AssayLlmChunk *chunk)
{
  g_return_val_if_fail (chunk != NULL, 0);

  if (chunk->segments->len == 0)
    return 0;

  return g_array_index (chunk->segments, AssayLlmSegment, 0).page;
}

guint
assay_llm_chunk_last_page (const AssayLlmChunk *chunk)
{
  g_return_val_if_fail (chunk != NULL, 0);

  if (chunk->segments->len == 0)
    return 0;

  return g_array_index (chunk->segments, AssayLlmSegment, chunk->segments->len - 1).page;
}
