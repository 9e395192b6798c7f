/* assay-offline-extractor-figures.c — key figures: label/value lines, scale notes, year columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-offline-extractor-private.h"

/* ----------------------------------------------------- page-level notes */

/* "(in millions of U.S. dollars)", "EUR million", "Amounts in thousands":
 * numbers below it on the page are in that scale. */
void
_assay_offline_detect_scale_note (Extractor  *self,
                                  const Line *line,
                                  PageState  *state)
{
  static const struct { const char *word; int scale; } scales[] = {
    { "thousand", 3 }, { "thousands", 3 }, { "tsd", 3 }, { "'000", 3 }, { "000s", 3 },
    { "$000", 3 }, { "million", 6 }, { "millions", 6 }, { "mio", 6 }, { "mn", 6 },
    { "billion", 9 }, { "billions", 9 }, { "bn", 9 },
  };
  static const char * const markers[] = { "in", "of", "amounts", "figures", NULL };
  guint words = 0;
  gboolean in_word = FALSE;
  int scale = 0;

  if (line->len > MAX_NOTE_LEN || _assay_offline_count_quantities (line) > 0)
    return;

  for (const char *p = line->lower; *p != '\0'; p++)
    {
      gboolean w = g_ascii_isalpha (*p);

      if (w && !in_word)
        words++;
      in_word = w;
    }
  if (words > MAX_LABEL_WORDS)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (scales) && scale == 0; i++)
    {
      if (g_ascii_isalpha (scales[i].word[0]) ? _assay_offline_has_word (line->lower, scales[i].word)
                                               : strstr (line->lower, scales[i].word) != NULL)
        scale = scales[i].scale;
    }
  if (scale == 0)
    return;

  /* A heading, not prose: in parentheses, or with "in"/"of", or a currency. */
  if (strchr (line->lower, '(') == NULL && !_assay_offline_has_any_word (line->lower, markers) &&
      _assay_offline_note_currency (line->lower) == NULL)
    return;

  state->scale = scale;
  if (_assay_offline_note_currency (line->lower) != NULL)
    {
      state->currency = _assay_offline_note_currency (line->lower);
      _assay_offline_count_currency (self, state->currency);
    }
}

static const char * const label_stop_words[] = {
  "to", "of", "by", "in", "from", "at", "than", "the", "a", "an", "and", "or", "with",
  "was", "were", "is", "are", "for", "on", "about", "approximately", "over", "under",
  "only", "just", "per", "vs", "versus", "between", "since", "until", "after", "before",
  NULL
};

/* "            2023      2022" or "FY2023  FY2022": columns of years. */
void
_assay_offline_detect_year_header (Extractor  *self,
                                   const Line *line,
                                   PageState  *state)
{
  guint n_years = 0;
  guint words = 0;
  gboolean in_word = FALSE;

  if (_assay_offline_count_quantities (line) > 0)
    return;

  for (guint i = 0; i < line->n_numbers; i++)
    {
      if (line->numbers[i].kind == ASSAY_NUMBER_YEAR)
        n_years++;
    }
  if (n_years == 0)
    return;

  for (const char *p = line->lower; *p != '\0'; p++)
    {
      gboolean w = g_ascii_isalpha (*p);

      if (w && !in_word)
        words++;
      in_word = w;
    }
  if (words > 6 || (n_years < 2 && line->len > 40))
    return;
  /* "Founded in 1999" is a sentence, not a column heading. */
  if (n_years < 2 && _assay_offline_has_any_word (line->lower, label_stop_words))
    return;

  state->n_years = 0;
  for (guint i = 0; i < line->n_numbers && state->n_years < MAX_YEARS; i++)
    {
      const AssayNumber *n = &line->numbers[i];
      gsize start = num_start (line, n);
      gsize end = num_end (line, n);
      char *slot = state->years[state->n_years];

      if (n->kind != ASSAY_NUMBER_YEAR)
        continue;

      while (start < end && is_space (line->text[start]))
        start++;
      while (end > start && is_space (line->text[end - 1]))
        end--;

      if (start >= 2 && g_ascii_strncasecmp (line->text + start - 2, "fy", 2) == 0)
        start -= 2;

      g_strlcpy (slot, line->text + start, MIN (end - start + 1, sizeof state->years[0]));
      state->n_years++;
    }

  if (self->first_period[0] == '\0' && state->n_years > 0)
    g_strlcpy (self->first_period, state->years[0], sizeof self->first_period);
}

/* ------------------------------------------------------------- figures */



/* Words that may follow a value in a label/value line. */
static const char * const unit_words[] = {
  "thousand", "thousands", "million", "millions", "billion", "billions", "bn", "mn", "m",
  "k", "mio", "percent", "pct", "pp", "bp", "bps", "x", "times", "usd", "eur", "gbp",
  "chf", "jpy", "cad", "aud", "sek", "nok", "dkk", "dollars", "euros", "euro",
  NULL
};

static gboolean
is_trailing_label_char (const char *start,
                        const char *p)
{
  guchar c = (guchar) p[-1];

  if (is_space ((char) c) || strchr (".:_-=|$(*~", c) != NULL)
    return TRUE;
  /* "…" U+2026, "–" U+2013, "—" U+2014, "€" U+20AC, "·" U+00B7, "£", "¥" */
  if (p - start >= 3 &&
      (memcmp (p - 3, "\xe2\x80\xa6", 3) == 0 || memcmp (p - 3, "\xe2\x80\x93", 3) == 0 ||
       memcmp (p - 3, "\xe2\x80\x94", 3) == 0 || memcmp (p - 3, "\xe2\x82\xac", 3) == 0))
    return TRUE;
  if (p - start >= 2 &&
      (memcmp (p - 2, "\xc2\xb7", 2) == 0 || memcmp (p - 2, "\xc2\xa3", 2) == 0 ||
       memcmp (p - 2, "\xc2\xa5", 2) == 0 || memcmp (p - 2, "\xc2\xa0", 2) == 0))
    return TRUE;

  return FALSE;
}

static gsize
trailing_char_len (const char *start,
                   const char *p)
{
  guchar c = (guchar) p[-1];

  if (c < 0x80)
    return 1;
  if (p - start >= 3 && ((guchar) p[-3] & 0xF0) == 0xE0)
    return 3;
  return 2;
}

/* Cuts leaders, colons, currency signs and codes off the end of a label. */
static gsize
trim_label_end (const char *start,
                gsize       len)
{
  const char *p = start + len;

  for (;;)
    {
      if (p > start && is_trailing_label_char (start, p))
        {
          p -= trailing_char_len (start, p);
          continue;
        }
      /* A three-letter currency code: "Total (EUR" */
      if (p - start >= 4 && g_ascii_isupper (p[-1]) && g_ascii_isupper (p[-2]) &&
          g_ascii_isupper (p[-3]) && !is_word_char (p[-4]))
        {
          char code[4] = { g_ascii_tolower (p[-3]), g_ascii_tolower (p[-2]),
                           g_ascii_tolower (p[-1]), 0 };

          if (_assay_offline_str_in (code, unit_words))
            {
              p -= 3;
              continue;
            }
        }
      break;
    }

  return p - start;
}

/* The last word of letters in @label, lowercased, at most 31 bytes:
 * "Invoice no.: 2024" gives "no". */
static void
last_word (const char *label,
           gsize       len,
           char        out[32])
{
  gsize end = len;
  gsize start;

  while (end > 0 && !g_ascii_isalpha (label[end - 1]))
    end--;
  start = end;
  while (start > 0 && g_ascii_isalpha (label[start - 1]))
    start--;

  len = MIN (end - start, 31);
  for (gsize i = 0; i < len; i++)
    out[i] = g_ascii_tolower (label[start + i]);
  out[len] = '\0';
}

/* A label names a quantity: "Total revenue", "Property, plant and
 * equipment", "(Loss) before tax". Code ("v0 := ld state["), references
 * ("Symposium on, pages"), wrapped prose ("on future iterations") and
 * identifiers ("ACM 978-1-60558-392-1") are not labels. */
static gboolean
label_is_acceptable (const char *label,
                     gsize       len)
{
  g_autofree char *copy = NULL;
  char word[32];
  guint letters = 0;
  guint digits = 0;
  guint words = 0;
  gboolean in_word = FALSE;
  gunichar first;

  if (len == 0 || len > MAX_LABEL || strchr (",#", label[len - 1]) != NULL)
    return FALSE;

  copy = g_strndup (label, len);
  if (!g_utf8_validate (copy, -1, NULL))
    return FALSE;
  /* ... nor an identifier of code ("R_running_as_main_program") */
  if (strpbrk (copy, "[]{}<>=;:|\\@#+_") != NULL)
    return FALSE;

  first = g_utf8_get_char (copy);
  if ((!g_unichar_isalpha (first) && first != '(') || g_unichar_islower (first))
    return FALSE;

  for (const char *p = copy; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean w = g_unichar_isalpha (c);

      letters += w;
      digits += g_unichar_isdigit (c);
      if (w && !in_word)
        words++;
      in_word = w;
    }

  if (letters < 2 || digits > letters || words > MAX_LABEL_WORDS)
    return FALSE;
  /* "(CTp" is a fragment; "(Loss) before tax" is a label. */
  {
    int depth = 0;

    for (const char *p = copy; *p != '\0'; p++)
      depth += (*p == '(') - (*p == ')');
    if (depth != 0)
      return FALSE;
  }

  last_word (label, len, word);
  if (_assay_offline_str_in (word, label_stop_words) || _assay_offline_str_in (word, _assay_offline_identifier_words))
    return FALSE;

  return TRUE;
}

/* After the value, a table row has more numbers and at most a unit word;
 * prose has words. */
static gboolean
remainder_is_tabular (const Line *line,
                      guint       value_index)
{
  gsize pos = num_end (line, &line->numbers[value_index]);
  guint next = value_index + 1;
  guint other_words = 0;

  while (pos < line->len)
    {
      gsize start;
      char word[32];
      gsize wlen;

      if (next < line->n_numbers && pos >= num_start (line, &line->numbers[next]))
        {
          pos = MAX (pos, num_end (line, &line->numbers[next]));
          next++;
          continue;
        }
      if (((guchar) line->text[pos]) >= 0x80)
        {
          /* "€", "£", a dash: not a word. Letters such as "é" are. */
          gunichar c = g_utf8_get_char_validated (line->text + pos, line->len - pos);

          if (c == (gunichar) -1 || c == (gunichar) -2 || !g_unichar_isalpha (c))
            {
              pos++;
              while (pos < line->len && ((guchar) line->text[pos] & 0xC0) == 0x80)
                pos++;
              continue;
            }
        }
      else if (!g_ascii_isalpha (line->text[pos]))
        {
          pos++;
          continue;
        }

      start = pos;
      while (pos < line->len && is_word_char (line->text[pos]) &&
             (next >= line->n_numbers || pos < num_start (line, &line->numbers[next])))
        pos++;

      wlen = MIN (pos - start, sizeof word - 1);
      for (gsize i = 0; i < wlen; i++)
        word[i] = g_ascii_tolower (line->text[start + i]);
      word[wlen] = '\0';

      if (pos - start >= 2 && !_assay_offline_str_in (word, unit_words))
        other_words++;
      if (other_words > 1)
        return FALSE;
    }

  return TRUE;
}

/* @mantissa × 10^@scale, rounded to what @decimals written digits can say,
 * so that 500.4 in millions is exactly 500400000. */
static double
apply_scale (double mantissa,
             int    scale,
             guint  decimals)
{
  double scaled = mantissa * pow (10.0, scale);
  int remaining = (int) decimals - scale;
  double unit;

  if (scale == 0 || !isfinite (scaled))
    return scaled;

  if (remaining <= 0)
    {
      unit = pow (10.0, -remaining);
      return round (scaled / unit) * unit;
    }

  unit = pow (10.0, remaining);
  return round (scaled * unit) / unit;
}

/* Whether the bytes [start, end) of @line are digits only. */
static gboolean
digits_only (const Line *line,
             gsize       start,
             gsize       end)
{
  while (start < end && is_space (line->text[start]))
    start++;
  while (end > start && is_space (line->text[end - 1]))
    end--;
  if (start == end)
    return FALSE;
  for (gsize i = start; i < end; i++)
    {
      if (!g_ascii_isdigit (line->text[i]))
        return FALSE;
    }

  return TRUE;
}

/**
 * _assay_offline_ends_with_page_ref:
 * @line: a line
 * @n_pages: pages in the document, 0 when not known
 *
 * Whether @line reads as an entry of a table of contents: words, then a
 * page number written with digits alone at the end of the line, and no
 * other quantity ("Vectors and assignment 8", "2.1 Scope ..... 14").
 */
gboolean
_assay_offline_ends_with_page_ref (const Line *line,
                                   guint       n_pages)
{
  const AssayNumber *n;
  gboolean letters = FALSE;
  guint quantities = _assay_offline_count_quantities (line);

  if (line->n_numbers == 0)
    return FALSE;

  n = &line->numbers[line->n_numbers - 1];
  if (n->kind != ASSAY_NUMBER_PLAIN && n->kind != ASSAY_NUMBER_PAGE_NUMBER)
    return FALSE;
  if (quantities > (n->kind == ASSAY_NUMBER_PLAIN ? 1u : 0u))
    return FALSE;
  if (n->decimals != 0 || n->scale != 0 || n->value < 1 ||
      n->value > (n_pages > 0 ? MAX (n_pages, 9) : 999))
    return FALSE;
  if (num_end (line, n) != line->len || !digits_only (line, num_start (line, n), num_end (line, n)))
    return FALSE;

  for (gsize i = 0; i < num_start (line, n) && !letters; i++)
    letters = g_ascii_isalpha (line->text[i]) || (guchar) line->text[i] >= 0x80;

  return letters;
}

/* "Preface . . . . . 1", "Scope ....... 14", "Scope … 14": leaders
 * between a label and the number at the end of @len bytes. */
static gboolean
ends_with_leaders (const char *text,
                   gsize       len)
{
  guint dots = 0;

  while (len > 0 && (is_space (text[len - 1]) || text[len - 1] == '.' || text[len - 1] == '_'))
    {
      dots += text[len - 1] != ' ' && text[len - 1] != '\t';
      len--;
    }
  if (len >= 3 && memcmp (text + len - 3, "\xe2\x80\xa6", 3) == 0)   /* … */
    dots += 3;

  return dots >= 3;
}

/* Three or more values in even steps, none of them money: the ticks of a
 * chart's axis ("0.5   1.0   1.5   2.0"), not a figure. */
static gboolean
is_axis (const Line  *line,
         const guint *quantities,
         guint        n_quantities)
{
  double step;

  if (n_quantities < 3)
    return FALSE;

  step = line->numbers[quantities[1]].value - line->numbers[quantities[0]].value;
  if (step == 0)
    return FALSE;
  for (guint i = 0; i < n_quantities; i++)
    {
      const AssayNumber *n = &line->numbers[quantities[i]];

      if (n->currency[0] != '\0')
        return FALSE;
      if (i > 0 &&
          fabs ((n->value - line->numbers[quantities[i - 1]].value) - step) > fabs (step) * 1e-6)
        return FALSE;
    }

  return TRUE;
}

/* A label a person reads as one: no numbers of a table row run into it
 * ("Acme beeswax1.00 kg"): a number with a decimal mark, or three digits
 * or more that are not a year, means cells were joined. */
static gboolean
label_has_cells (const char *label,
                 gsize       len)
{
  for (gsize i = 0; i < len; )
    {
      gsize start = i;
      guint digits = 0;
      gboolean mark = FALSE;

      if (!g_ascii_isdigit (label[i]))
        {
          i++;
          continue;
        }
      while (i < len && (g_ascii_isdigit (label[i]) ||
                         ((label[i] == '.' || label[i] == ',') && i + 1 < len &&
                          g_ascii_isdigit (label[i + 1]))))
        {
          digits += g_ascii_isdigit (label[i]);
          mark |= !g_ascii_isdigit (label[i]);
          i++;
        }
      if (mark)
        return TRUE;
      if (digits >= 3)
        {
          guint year = (guint) g_ascii_strtoull (label + start, NULL, 10);

          if (digits != 4 || year < 1900 || year > 2100)
            return TRUE;
        }
    }

  return FALSE;
}

void
_assay_offline_add_figure (Extractor       *self,
                           const Line      *line,
                           const PageState *state)
{
  const AssayNumber *value_number;
  guint quantities[64];
  guint n_quantities = 0;
  guint value_index;
  gsize label_start = 0;
  gsize label_len;
  const char *period = NULL;
  char label_year[16] = "";
  g_autofree char *label = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *key = NULL;
  const char *unit = NULL;
  double value;
  AssayFigure *figure;

  for (guint i = 0; i < line->n_numbers && n_quantities < G_N_ELEMENTS (quantities); i++)
    {
      if (is_quantity (&line->numbers[i]))
        quantities[n_quantities++] = i;
    }
  if (n_quantities == 0)
    return;

  /* Skip a list index and bullets in front of the label. */
  if (line->n_numbers > 0 && line->numbers[0].kind == ASSAY_NUMBER_LIST_INDEX &&
      num_start (line, &line->numbers[0]) == 0)
    label_start = num_end (line, &line->numbers[0]);
  for (;;)
    {
      const char *p = line->text + label_start;
      gsize left = line->len - label_start;

      if (left > 0 && (is_space (*p) || *p == '-' || *p == '*'))
        label_start++;
      else if (left >= 2 && memcmp (p, "\xc2\xb7", 2) == 0)       /* · */
        label_start += 2;
      else if (left >= 3 && memcmp (p, "\xe2\x80\xa2", 3) == 0)   /* • */
        label_start += 3;
      else
        break;
    }

  value_index = quantities[0];
  if (num_start (line, &line->numbers[value_index]) <= label_start)
    return;

  /* "1. Introduction ..... 3": a table of contents entry. */
  if (label_start > 0 && n_quantities == 1 &&
      line->numbers[value_index].kind == ASSAY_NUMBER_PLAIN &&
      line->numbers[value_index].decimals == 0 &&
      num_end (line, &line->numbers[value_index]) == line->len)
    return;

  /* "Preface . . . . 1", or "Vectors and assignment 8" on a contents page. */
  if (state->contents_page && _assay_offline_ends_with_page_ref (line, 0))
    return;
  if (_assay_offline_ends_with_page_ref (line, self->n_pages) &&
      ends_with_leaders (line->text, num_start (line, &line->numbers[line->n_numbers - 1])))
    return;

  if (is_axis (line, quantities, n_quantities))
    return;

  /* "Ordered factors . . . . 17, 57": an index's page references. */
  if (ends_with_leaders (line->text, num_start (line, &line->numbers[quantities[0]])))
    {
      gboolean pages = TRUE;

      gboolean listed = n_quantities >= 2;

      /* References listed with commas ("17, 57") are pages whatever the
       * page count; a single one must be a page of the document. */
      for (guint i = 0; i < n_quantities && pages; i++)
        {
          const AssayNumber *n = &line->numbers[quantities[i]];

          pages = n->kind == ASSAY_NUMBER_PLAIN && n->decimals == 0 && n->value >= 1 &&
                  n->value < 10000 &&
                  digits_only (line, num_start (line, n), num_end (line, n));
          if (pages && i > 0)
            {
              gsize gap = num_start (line, n) - num_end (line, &line->numbers[quantities[i - 1]]);
              const char *between = line->text + num_end (line, &line->numbers[quantities[i - 1]]);

              listed &= (gap == 1 && between[0] == ',') ||
                        (gap == 2 && between[0] == ',' && between[1] == ' ');
            }
        }
      if (pages && !listed)
        {
          const AssayNumber *n = &line->numbers[quantities[0]];

          pages = n_quantities == 1 &&
                  n->value <= (self->n_pages > 0 ? MAX (self->n_pages, 9) : 999);
        }
      if (pages)
        return;
    }

  /* "support.4", "-version-min=11.0", "RCurl 1.4-2", "v2": a footnote
   * mark, a setting, a version or a code, not a figure. */
  {
    const AssayNumber *first = &line->numbers[value_index];
    gsize s = num_start (line, first);
    gsize e = num_end (line, first);

    while (s < e && is_space (line->text[s]))
      s++;
    while (e > s && is_space (line->text[e - 1]))
      e--;
    if (s > 0 && (g_ascii_isalpha (line->text[s - 1]) || strchr ("._=/\\", line->text[s - 1]) != NULL))
      return;
    if (e + 1 < line->len && strchr ("-./", line->text[e]) != NULL &&
        g_ascii_isdigit (line->text[e + 1]))
      return;
  }

  /* Contact and bank details, identifiers of the document or the parties. */
  if (_assay_offline_has_any_word (line->lower, _assay_offline_identifier_line_words))
    return;

  label_len = trim_label_end (line->text + label_start,
                              num_start (line, &line->numbers[value_index]) - label_start);
  if (!label_is_acceptable (line->text + label_start, label_len) ||
      label_has_cells (line->text + label_start, label_len))
    return;

  /* Columns under a header of years: the first year column is the current
   * period; leading small integers are note references. */
  if (state->n_years > 0)
    {
      if (n_quantities > state->n_years && n_quantities - state->n_years <= 2)
        {
          guint skip = n_quantities - state->n_years;
          gboolean notes = TRUE;

          for (guint i = 0; i < skip; i++)
            {
              const AssayNumber *n = &line->numbers[quantities[i]];
              notes &= n->kind == ASSAY_NUMBER_PLAIN && n->decimals == 0 &&
                       fabs (n->value) < 100;
            }
          if (notes)
            value_index = quantities[skip];
        }
      period = state->years[0];
    }

  if (!remainder_is_tabular (line, value_index))
    return;

  value_number = &line->numbers[value_index];

  /* "Fremont CA 94538": a lone integer of five digits or more written
   * without group separators is a postcode or a number of something, not
   * an amount. */
  if (n_quantities == 1 && value_number->kind == ASSAY_NUMBER_PLAIN &&
      value_number->decimals == 0 && value_number->scale == 0 && fabs (value_number->value) >= 10000 &&
      digits_only (line, num_start (line, value_number), num_end (line, value_number)))
    return;

  /* "Consulting 10   120,00 €   1.200,00 €": a row of line items, where
   * the first number (a quantity) is not what the row amounts to. */
  if (state->n_years == 0 && value_number->kind == ASSAY_NUMBER_PLAIN &&
      value_number->decimals == 0 &&
      digits_only (line, num_start (line, value_number), num_end (line, value_number)))
    {
      for (guint i = 0; i < n_quantities; i++)
        {
          if (line->numbers[quantities[i]].currency[0] != '\0')
            return;
        }
    }

  /* "(81)" or "[8]" with a positive value (or zero, an argument: "f(0)"):
   * a reference, not an amount. */
  if (value_number->value >= 0 && num_start (line, value_number) > 0 &&
      strchr ("([", line->text[num_start (line, value_number) - 1]) != NULL)
    return;
  if (value_number->value > 0 && line->text[num_start (line, value_number)] == '(')
    return;

  /* "x = 1;": a statement of code. */
  if (num_end (line, value_number) < line->len && line->text[num_end (line, value_number)] == ';')
    return;

  label = g_strndup (line->text + label_start, label_len);

  /* "Revenue 2023  1,234": the year in the label is the period. */
  if (period == NULL)
    {
      for (guint i = 0; i < line->n_numbers; i++)
        {
          const AssayNumber *n = &line->numbers[i];
          gsize s = num_start (line, n);
          gsize e = num_end (line, n);

          if (n->kind == ASSAY_NUMBER_YEAR && s >= label_start && e <= label_start + label_len)
            {
              while (s < e && !g_ascii_isdigit (line->text[s]) && !g_ascii_isalpha (line->text[s]))
                s++;
              g_strlcpy (label_year, line->text + s, MIN (e - s + 1, sizeof label_year));
              g_strstrip (label_year);
              period = label_year;
              break;
            }
        }
    }

  if (value_number->kind == ASSAY_NUMBER_PERCENT)
    value = value_number->value;
  else
    {
      /* The page's "in millions" applies to numbers without a scale word. */
      int scale = value_number->scale != 0 ? value_number->scale : state->scale;

      value = apply_scale (value_number->mantissa, scale, value_number->decimals);
    }

  if (value_number->kind == ASSAY_NUMBER_PERCENT)
    unit = "%";
  else if (value_number->currency[0] != '\0')
    unit = value_number->currency;
  else
    unit = state->currency;

  raw = g_strndup (line->text + num_start (line, value_number),
                   num_end (line, value_number) - num_start (line, value_number));
  g_strstrip (raw);

  key = g_strdup_printf ("%u|%s|%.17g", line->page, label, value);
  if (!g_hash_table_add (self->seen_figures, g_steal_pointer (&key)))
    return;

  self->figures_found++;
  if (self->extraction->figures->len >= MAX_FIGURES)
    return;

  snippet = _assay_offline_make_snippet (line->text, line->len);
  figure = assay_extraction_add_figure (self->extraction, label, value, raw, line->page, snippet);
  figure->unit = g_strdup (unit);
  figure->period = g_strdup (period);
}
