/* assay-offline-extractor-lines.c — page lines: the walk over a page, split rows, word helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-offline-extractor-private.h"

void
_assay_offline_found_clear (Found *found)
{
  g_clear_pointer (&found->value, g_free);
  g_clear_pointer (&found->snippet, g_free);
  found->set = FALSE;
}

/* The trimmed line, cut to MAX_SNIPPET bytes on a character boundary. */
char *
_assay_offline_make_snippet (const char *text,
                             gsize       len)
{
  if (len > MAX_SNIPPET)
    {
      len = MAX_SNIPPET;
      while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
        len--;
    }

  return g_strndup (text, len);
}

void
_assay_offline_found_set (Found       *found,
                          char        *value,
                          double       number,
                          const char  *currency,
                          guint        page,
                          const char  *line,
                          gsize        line_len,
                          int          priority)
{
  _assay_offline_found_clear (found);
  found->value = value;
  found->number = number;
  g_strlcpy (found->currency, currency != NULL ? currency : "", sizeof found->currency);
  found->page = page;
  found->snippet = _assay_offline_make_snippet (line, line_len);
  found->priority = priority;
  found->set = TRUE;
}

/* The first occurrence of @word in @lower with a word boundary on both
 * sides (and an optional plural "s"), or NULL. */
const char *
_assay_offline_find_word_from (const char *lower,
                               const char *from,
                               const char *word,
                               gboolean    allow_plural)
{
  gsize wlen = strlen (word);
  gboolean word_ends_alnum = g_ascii_isalnum (word[wlen - 1]);
  gboolean word_starts_alnum = g_ascii_isalnum (word[0]);

  for (const char *p = strstr (from, word); p != NULL; p = strstr (p + 1, word))
    {
      const char *after = p + wlen;

      if (word_starts_alnum && p > lower && is_word_char (p[-1]))
        continue;
      if (!word_ends_alnum || !is_word_char (*after))
        return p;
      if (allow_plural && *after == 's' && !is_word_char (after[1]))
        return p;
    }

  return NULL;
}

const char *
_assay_offline_find_word (const char *lower,
                          const char *word)
{
  return _assay_offline_find_word_from (lower, lower, word, FALSE);
}

gboolean
_assay_offline_has_word (const char *lower,
                         const char *word)
{
  return _assay_offline_find_word (lower, word) != NULL;
}

gboolean
_assay_offline_has_any_word (const char        *lower,
                             const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (_assay_offline_has_word (lower, words[i]))
        return TRUE;
    }

  return FALSE;
}

gboolean
_assay_offline_str_in (const char         *str,
                       const char * const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    {
      if (strcmp (str, list[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

guint
_assay_offline_count_quantities (const Line *line)
{
  guint n = 0;

  for (guint i = 0; i < line->n_numbers; i++)
    {
      if (is_quantity (&line->numbers[i]))
        n++;
    }

  return n;
}

/* --------------------------------------------------------------- dates */

const char *
_assay_offline_skip_chars (const char *p,
                           const char *chars,
                           guint       max)
{
  for (guint i = 0; i < max && *p != '\0' && strchr (chars, *p) != NULL; i++)
    p++;

  return p;
}

/* ASCII lowercase, and the Latin-1 capitals (U+00C0 to U+00DE) too,
 * byte for byte so offsets stay: "ÉCHÉANCE" reads "échéance". */
static void
lower_in_place (char  *s,
                gsize  len)
{
  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) s[i] == 0xc3 && i + 1 < len &&
          (guchar) s[i + 1] >= 0x80 && (guchar) s[i + 1] <= 0x9e && (guchar) s[i + 1] != 0x97)
        {
          s[i + 1] = (char) ((guchar) s[i + 1] + 0x20);
          i++;
        }
      else
        s[i] = g_ascii_tolower (s[i]);
    }
}

/* ------------------------------------------------------- split rows */

/* Poppler returns text in reading order, and a table whose cells stand
 * apart comes out one cell per line:
 *
 *     Revenue              Revenue   921.6   1,112.5
 *     921.6          →
 *     1,112.5
 *
 * A label-only line followed by lines holding nothing but numbers is put
 * back on one line, and so is a run of lines holding one year each (a
 * column header), before the page is read line by line. */

typedef enum
{
  ROW_OTHER,
  ROW_LABEL,     /* letters, no digits: "Cost of sales" */
  ROW_NUMBERS,   /* only numbers and their signs, units and separators */
  ROW_YEAR,      /* one year alone: "2024", "FY2023" */
} RowKind;

#define MAX_JOINED_CELLS 8

static RowKind
classify_row (const char *line,
              gsize       len)
{
  guint letters = 0;
  guint digits = 0;
  gboolean other = FALSE;
  const char *end = line + len;

  for (const char *p = line; p < end; )
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return ROW_OTHER;

      if (g_unichar_isdigit (c))
        digits++;
      else if (g_unichar_isalpha (c))
        letters++;
      else if (!(g_unichar_isspace (c) || strchr (",.'()-+%$", (int) (c < 128 ? c : 'x')) != NULL ||
                 c == 0x20AC || c == 0x00A3 || c == 0x00A5 || c == 0x2212 || c == 0x00A0 ||
                 c == 0x202F || c == 0x2009))
        other = TRUE;

      p = g_utf8_next_char (p);
    }

  if (digits > 0 && letters == 0 && !other)
    {
      if (digits == 4 && len == 4)
        {
          guint year = (guint) g_ascii_strtoull (line, NULL, 10);
          if (year >= 1900 && year <= 2100)
            return ROW_YEAR;
        }
      return ROW_NUMBERS;
    }

  if (len == 6 && g_ascii_strncasecmp (line, "FY", 2) == 0 && digits == 4 && letters == 2)
    return ROW_YEAR;

  /* A short heading-like label, not a sentence: starts with a capital or
   * "(", does not end a sentence, has no digits. */
  if (digits == 0 && letters >= 2 && len <= 60 && !other &&
      (g_ascii_isupper (line[0]) || line[0] == '(' || (guchar) line[0] >= 0x80) &&
      line[len - 1] != '.' && line[len - 1] != ',')
    return ROW_LABEL;

  return ROW_OTHER;
}

/* Returns: (transfer full) (nullable): @text with split rows joined, or
 * %NULL when nothing was joined. */
static char *
join_split_rows (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = NULL;
  gboolean joined = FALSE;
  guint n = g_strv_length (lines);
  RowKind *kinds = g_new (RowKind, n);

  for (guint i = 0; i < n; i++)
    {
      g_strstrip (lines[i]);
      kinds[i] = classify_row (lines[i], strlen (lines[i]));
    }

  out = g_string_sized_new (strlen (text) + 16);
  for (guint i = 0; i < n; i++)
    {
      guint cells = 0;

      g_string_append (out, lines[i]);

      if (kinds[i] == ROW_LABEL)
        while (i + 1 < n && cells < MAX_JOINED_CELLS &&
               (kinds[i + 1] == ROW_NUMBERS || kinds[i + 1] == ROW_YEAR))
          {
            g_string_append (out, "   ");
            g_string_append (out, lines[++i]);
            cells++;
          }
      else if (kinds[i] == ROW_YEAR)
        while (i + 1 < n && cells < MAX_JOINED_CELLS && kinds[i + 1] == ROW_YEAR)
          {
            g_string_append (out, "   ");
            g_string_append (out, lines[++i]);
            cells++;
          }

      joined |= cells > 0;
      if (i + 1 < n)
        g_string_append_c (out, '\n');
    }

  g_free (kinds);

  return joined ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* The next non-empty line of @text from *@pos, trimmed, with the numbers
 * starting on it; FALSE at the end of the text. */
static gboolean
next_line (const char  *text,
           gsize        len,
           gsize       *pos,
           GArray      *numbers,
           guint       *next_number,
           Line        *line)
{
  while (*pos < len)
    {
      const char *nl = memchr (text + *pos, '\n', len - *pos);
      gsize end = nl != NULL ? (gsize) (nl - text) : len;
      gsize start = *pos;

      *pos = end + 1;

      for (;;)
        {
          if (start < end && is_space (text[start]))
            start++;
          else if (start + 1 < end && memcmp (text + start, "\xc2\xa0", 2) == 0)
            start += 2;   /* U+00A0 NO-BREAK SPACE */
          else
            break;
        }
      while (end > start && is_space (text[end - 1]))
        end--;

      /* Numbers that start before this line (a bad match across lines)
       * are dropped. */
      while (*next_number < numbers->len &&
             g_array_index (numbers, AssayNumber, *next_number).start < start)
        (*next_number)++;

      if (end == start)
        continue;

      line->text = text + start;
      line->len = end - start;
      line->offset = start;
      line->numbers = &g_array_index (numbers, AssayNumber, *next_number);
      line->n_numbers = 0;
      while (*next_number + line->n_numbers < numbers->len &&
             g_array_index (numbers, AssayNumber, *next_number + line->n_numbers).start < end)
        line->n_numbers++;
      *next_number += line->n_numbers;

      return TRUE;
    }

  return FALSE;
}

/* The length of the first cell of @text: up to a run of three spaces or
 * more, which the layout puts between cells ("Invoice Date      Orange
 * Demo Inc." is two cells). */
gsize
_assay_offline_first_cell (const char *text,
                           gsize       len)
{
  for (gsize i = 0; i + 2 < len; i++)
    {
      if (text[i] == ' ' && text[i + 1] == ' ' && text[i + 2] == ' ')
        return i;
    }

  return len;
}

/* ------------------------------------------------------------ layout */

typedef struct
{
  const AssayTextBox *box;
  float               bottom;
} Word;

static int
compare_words_vertically (gconstpointer a,
                          gconstpointer b)
{
  const Word *wa = a, *wb = b;

  if (wa->bottom != wb->bottom)
    return wa->bottom < wb->bottom ? -1 : 1;
  return wa->box->x < wb->box->x ? -1 : wa->box->x > wb->box->x;
}

static int
compare_words_horizontally (gconstpointer a,
                            gconstpointer b,
                            gpointer      user_data)
{
  const Word *wa = a, *wb = b;

  return wa->box->x < wb->box->x ? -1 : wa->box->x > wb->box->x;
}

/**
 * _assay_offline_layout_text:
 * @page: a page with the boxes of its words
 *
 * The page as it looks: words on one visual line (their bottoms within
 * half a line of each other) become one line, left to right, and each is
 * put at the character column of its position, so that a label and the
 * amount at the right edge share a line and cells stand in columns, with
 * at least three spaces between cells and one between words. Poppler's
 * reading order puts columns one after another ("Subtotal\nTax\nTotal
 * $1,250.00\n$100.00"), which is what this undoes.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL without words
 */
char *
_assay_offline_layout_text (const AssayPageText *page)
{
  return _assay_offline_layout_text_full (page, NULL);
}

static int
compare_floats (gconstpointer a,
                gconstpointer b)
{
  float fa = *(const float *) a, fb = *(const float *) b;

  return fa < fb ? -1 : fa > fb;
}

/**
 * _assay_offline_layout_text_full:
 * @page: a page with the boxes of its words
 * @large: (out) (optional) (transfer full): the topmost line set in type
 *   half again as large as most of the page's, in the top quarter (a name
 *   set like a logo), or %NULL
 *
 * Like _assay_offline_layout_text().
 */
char *
_assay_offline_layout_text_full (const AssayPageText  *page,
                                 char                **large)
{
  g_autoptr(GArray) words = NULL;
  g_autoptr(GString) out = NULL;
  double char_width = 0;
  gsize chars = 0;
  gsize max_len = 8 * strlen (page->text) + 65536;
  float body_height = 0;
  float top = G_MAXFLOAT, bottom = -G_MAXFLOAT;

  if (large != NULL)
    *large = NULL;
  if (page->words == NULL || page->words->len == 0)
    return NULL;

  if (large != NULL)
    {
      g_autoptr(GArray) heights = g_array_sized_new (FALSE, FALSE, sizeof (float),
                                                     page->words->len);

      for (guint i = 0; i < page->words->len; i++)
        {
          const AssayTextBox *box = &g_array_index (page->words, AssayTextBox, i);

          g_array_append_val (heights, box->height);
          top = MIN (top, box->y);
          bottom = MAX (bottom, box->y + box->height);
        }
      g_array_sort (heights, compare_floats);
      body_height = g_array_index (heights, float, heights->len / 2);
    }

  words = g_array_sized_new (FALSE, FALSE, sizeof (Word), page->words->len);
  for (guint i = 0; i < page->words->len; i++)
    {
      const AssayTextBox *box = &g_array_index (page->words, AssayTextBox, i);
      Word w = { box, box->y + box->height };

      g_array_append_val (words, w);
      char_width += box->width;
      chars += g_utf8_strlen (page->text + box->start, box->end - box->start);
    }
  char_width = chars > 0 ? char_width / chars : 5.0;
  if (char_width < 1.0)
    char_width = 1.0;

  g_array_sort (words, compare_words_vertically);
  out = g_string_sized_new (strlen (page->text) * 2);

  for (guint i = 0; i < words->len; )
    {
      const Word *first = &g_array_index (words, Word, i);
      float tolerance = MAX (first->box->height, 1.0f) * 0.5f;
      guint end = i + 1;
      gsize line_start = out->len;
      gsize column = 0;
      float right = -1;

      while (end < words->len && g_array_index (words, Word, end).bottom - first->bottom <= tolerance)
        end++;
      g_qsort_with_data (&g_array_index (words, Word, i), end - i, sizeof (Word),
                         compare_words_horizontally, NULL);

      if (large != NULL && *large == NULL && body_height > 0 &&
          first->box->y < top + (bottom - top) / 4)
        {
          g_autoptr(GString) big = g_string_new (NULL);

          for (guint k = i; k < end; k++)
            {
              const Word *w = &g_array_index (words, Word, k);

              if (w->box->height < 1.5f * body_height)
                continue;
              if (big->len > 0)
                g_string_append_c (big, ' ');
              g_string_append_len (big, page->text + w->box->start, w->box->end - w->box->start);
            }
          if (big->len > 0)
            *large = g_string_free (g_steal_pointer (&big), FALSE);
        }

      for (guint k = i; k < end; k++)
        {
          const Word *w = &g_array_index (words, Word, k);
          gsize want = (gsize) CLAMP (w->box->x / char_width + 0.5, 0.0, MAX_LAYOUT_COLUMN);
          gboolean same_cell = right >= 0 && w->box->x - right <= 1.5 * char_width;

          if (k > i)
            {
              gsize pad = same_cell ? 1 : MAX (want > column ? want - column : 0, 3);

              for (gsize s = 0; s < pad; s++)
                g_string_append_c (out, ' ');
              column += pad;
            }
          else
            {
              for (gsize s = 0; s < want; s++)
                g_string_append_c (out, ' ');
              column = want;
            }
          g_string_append_len (out, page->text + w->box->start, w->box->end - w->box->start);
          column += g_utf8_strlen (page->text + w->box->start, w->box->end - w->box->start);
          right = w->box->x + w->box->width;
        }

      if (out->len > line_start)
        g_string_append_c (out, '\n');
      i = end;

      /* Words strewn over a huge page: not worth laying out. */
      if (out->len > max_len)
        {
          if (large != NULL)
            g_clear_pointer (large, g_free);
          return NULL;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "Contents", "Table of contents", "Inhaltsverzeichnis", "Sommaire",
 * "Inhoud", "Índice", "Indice": a line that heads a table of contents. */
static gboolean
is_contents_heading (const Line *line)
{
  static const char * const headings[] = {
    "contents", "table of contents", "inhalt", "inhaltsverzeichnis", "sommaire",
    "table des mati\xc3\xa8res", "inhoud", "inhoudsopgave", "\xc3\xadndice", "indice",
    "sommario", "contenido", "contenidos", NULL
  };
  char lower[48];
  gsize len = MIN (line->len, sizeof lower - 1);

  for (gsize i = 0; i < len; i++)
    lower[i] = g_ascii_tolower (line->text[i]);
  lower[len] = '\0';
  if (len > 0 && lower[len - 1] == ':')
    lower[len - 1] = '\0';
  /* "ÍNDICE": the accented capital is not lowered by ASCII rules. */
  if (len >= 2 && memcmp (lower, "\xc3\x8d", 2) == 0)
    lower[1] = '\xad';

  return _assay_offline_str_in (lower, headings);
}

/* ------------------------------------------------- labels above values */

typedef struct
{
  gsize       column;   /* in characters from the start of the text line */
  const char *text;
  gsize       len;
} Cell;

#define MAX_CELLS 8

/* The cells of a line: runs of words apart by three spaces or more (the
 * layout puts at least three between cells, one between words). */
static guint
split_cells (const char *text,
             gsize       len,
             gsize       first_column,
             Cell        cells[MAX_CELLS])
{
  guint n = 0;
  gsize i = 0;

  while (i < len)
    {
      gsize start;
      gsize spaces = 0;

      while (i < len && text[i] == ' ')
        i++;
      if (i >= len)
        break;
      if (n == MAX_CELLS)
        return 0;
      start = i;
      while (i < len)
        {
          if (text[i] == ' ')
            spaces++;
          else
            spaces = 0;
          if (spaces >= 3)
            break;
          i++;
        }
      cells[n].text = text + start;
      cells[n].len = i - start;
      while (cells[n].len > 0 && cells[n].text[cells[n].len - 1] == ' ')
        cells[n].len--;
      cells[n].column = first_column + g_utf8_strlen (text, start);
      n++;
    }

  return n;
}

static gboolean
has_digit_in (const char *text,
              gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (text[i]))
        return TRUE;
    }

  return FALSE;
}

/* A row of labels only: "Invoice Number:   Invoice Date:   Due Date:". */
static gboolean
is_label_row (const char *text,
              gsize       len)
{
  Cell cells[MAX_CELLS];
  guint n;

  if (len > 160 || has_digit_in (text, len))
    return FALSE;
  n = split_cells (text, len, 0, cells);
  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (has_digit_in (cells[i].text, cells[i].len) || cells[i].len > 40)
        return FALSE;
    }

  return TRUE;
}

/* Characters from the start of @offset's line in @text to @offset. */
static gsize
column_of (const char *text,
           gsize       offset)
{
  gsize start = offset;

  while (start > 0 && text[start - 1] != '\n')
    start--;

  return g_utf8_strlen (text + start, offset - start);
}

/* Whether a cell under a label reads as a value: a date, or more digits
 * than letters ("NW-2023-0042", "€ 1.900,00"), not text ("Brochures A4"). */
static gboolean
is_value_cell (const Cell *cell)
{
  guint digits = 0, letters = 0;
  AssayDate date;

  for (gsize i = 0; i < cell->len; i++)
    {
      digits += g_ascii_isdigit (cell->text[i]) != 0;
      letters += g_ascii_isalpha (cell->text[i]) != 0 || (guchar) cell->text[i] >= 0xc0;
    }
  if (digits == 0)
    return FALSE;

  return digits >= letters ||
         assay_date_parse (cell->text, cell->len, ASSAY_DATE_DAY_FIRST, TRUE, &date);
}

/* How far apart two cells stand: the nearest of their left edges, right
 * edges and middles (labels and values may be aligned any of these ways). */
static gsize
cell_distance (gssize a_left,
               gsize  a_len,
               gssize b_left,
               gsize  b_len)
{
  gssize a_right = a_left + (gssize) a_len, b_right = b_left + (gssize) b_len;
  gsize d = (gsize) ABS (a_left - b_left);

  d = MIN (d, (gsize) ABS (a_right - b_right));
  d = MIN (d, (gsize) ABS ((a_left + a_right) - (b_left + b_right)) / 2);

  return d;
}

/* @line holds values, under a row of labels (@labels, starting at
 * @labels_column): each value is read with the label above it, as a
 * person does ("Invoice Date:" over "03/20/2023" beside "Due Date:" over
 * "04/19/2023"). A value with no label within a few columns of it is left
 * alone, and so are cells of text ("Fattura" under "Tipo documento"). The
 * headings of a table of line items are not labels: the rows under them
 * are items. Returns whether a value was paired. */
static gboolean
pair_below (Extractor  *self,
            const char *labels,
            gsize       labels_len,
            const Line *line,
            PageState  *state)
{
  Cell label_cells[MAX_CELLS];
  Cell value_cells[MAX_CELLS];
  guint n_labels = split_cells (labels, labels_len, 0, label_cells);
  guint n_values = split_cells (line->text, line->len, 0, value_cells);
  gsize value_column = 0;
  gboolean any_value = FALSE;
  gboolean paired = FALSE;

  if (n_labels == 0 || n_values == 0 || n_values > n_labels || state->labels_items)
    return FALSE;
  for (guint i = 0; i < n_values; i++)
    any_value |= is_value_cell (&value_cells[i]);
  if (!any_value)
    return FALSE;

  /* Both rows' columns are counted from their own first character. */
  {
    const char *page_text = line->text - line->offset;

    value_column = column_of (page_text, line->offset);
  }

  for (guint i = 0; i < n_values; i++)
    {
      const Cell *v = &value_cells[i];
      const Cell *best = NULL;
      gsize best_distance = G_MAXSIZE;
      g_autofree char *joined = NULL;
      g_autofree char *lower = NULL;
      g_autoptr(GArray) numbers = NULL;
      Line pair = { 0 };

      if (!is_value_cell (v))
        continue;
      for (guint k = 0; k < n_labels; k++)
        {
          gsize distance = cell_distance ((gssize) (label_cells[k].column + state->labels_column),
                                          g_utf8_strlen (label_cells[k].text, label_cells[k].len),
                                          (gssize) (v->column + value_column),
                                          g_utf8_strlen (v->text, v->len));

          if (distance < best_distance)
            {
              best = &label_cells[k];
              best_distance = distance;
            }
        }
      if (best == NULL || best_distance > 4)
        continue;

      joined = g_strdup_printf ("%.*s %.*s", (int) best->len, best->text, (int) v->len, v->text);
      lower = g_strdup (joined);
      lower_in_place (lower, strlen (lower));
      numbers = assay_numbers_scan (joined, strlen (joined));
      pair.text = joined;
      pair.len = strlen (joined);
      pair.lower = lower;
      pair.numbers = numbers != NULL ? (const AssayNumber *) numbers->data : NULL;
      pair.n_numbers = numbers != NULL ? numbers->len : 0;
      pair.offset = 0;
      pair.page = line->page;
      pair.index = line->index;
      pair.paired = TRUE;

      _assay_offline_process_pair (self, &pair, state);
      /* "Numero" over "118/2024" beside "Fattura": a bare number label. */
      _assay_offline_find_bare_number (self, &pair, best->len);
      paired = TRUE;
    }

  return paired;
}

void
_assay_offline_process_page (Extractor  *self,
                             const char *page_text,
                             guint       page)
{
  g_autoptr(GArray) numbers = NULL;
  g_autofree char *joined = join_split_rows (page_text);
  const char *text = joined != NULL ? joined : page_text;
  PageState state = { 0 };
  gsize len = strlen (text);
  gsize pos = 0;
  guint next_number = 0;
  guint index = 0;
  guint page_refs = 0;
  gboolean contents_heading = FALSE;
  const char *labels = NULL;   /* the last line, when it held labels only */
  gsize labels_len = 0;
  guint labels_age = 0;
  Line line = { 0 };

  state.date_order = assay_date_order_for_text (text, strlen (text));

  numbers = assay_numbers_scan (text, len);
  if (numbers == NULL)
    numbers = g_array_new (FALSE, FALSE, sizeof (AssayNumber));

  for (guint i = 0; i < numbers->len; i++)
    {
      const AssayNumber *n = &g_array_index (numbers, AssayNumber, i);
      if (n->kind == ASSAY_NUMBER_AMOUNT)
        _assay_offline_count_currency (self, n->currency);
    }

  /* A table of contents: several lines on the page end in a page
   * reference ("Vectors and assignment 8"). Their numbers are pages, not
   * figures. */
  while (next_line (text, len, &pos, numbers, &next_number, &line))
    {
      if (!contents_heading && line.n_numbers == 0 && line.len < 40)
        contents_heading = is_contents_heading (&line);
      page_refs += _assay_offline_ends_with_page_ref (&line, contents_heading ? 0 : self->n_pages);
    }
  state.contents_page = page_refs >= MIN_CONTENTS_LINES ||
                        (contents_heading && page_refs >= 2);

  pos = 0;
  next_number = 0;
  while (next_line (text, len, &pos, numbers, &next_number, &line))
    {
      line.page = page;
      line.index = index++;

      g_string_truncate (self->lower, 0);
      g_string_append_len (self->lower, line.text, line.len);
      lower_in_place (self->lower->str, self->lower->len);
      line.lower = self->lower->str;

      _assay_offline_process_line (self, &line, &state);

      /* The values may stand a line or two below their labels, past a
       * line of small print. */
      if (labels != NULL && (pair_below (self, labels, labels_len, &line, &state) ||
                             ++labels_age > 2))
        labels = NULL;
      if (line.n_numbers == 0 && is_label_row (line.text, line.len))
        {
          labels = line.text;
          labels_len = line.len;
          labels_age = 0;
          state.labels_column = column_of (text, line.offset);
          state.labels_items = _assay_offline_is_item_heading (&line);
        }
    }

  g_free (state.last_company);
  g_free (state.last_company_line);
  g_free (state.first_name);
}
