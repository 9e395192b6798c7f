/* assay-verify.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every page is scanned once; its numbers go into a per-page array and a
 * document-wide array, both sorted by value, so that checking a figure is a
 * few binary searches. A hash set of the digit strings written on each page
 * backs that up for numbers the scanner read differently ("exact normalised
 * substring match of the raw digits"), still without touching the text again.
 */
#define G_LOG_DOMAIN "assay-verify"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-numbers.h"
#include "assay-verify.h"

/* A digit string shorter than this is too common to prove anything. */
#define MIN_TOKEN_DIGITS 3
#define MAX_TOKEN_DIGITS 40
/* How many equal-looking numbers to weigh when choosing the closest page. */
#define MAX_WINDOW_SCAN 4096
#define MAX_CANDIDATES 6

typedef struct
{
  double  value;
  guint   page;      /* 1-based */
  guint8  decimals;
  guint32 start;     /* bytes of the page's text where it is written */
  guint32 end;
} Entry;

/* Where a digit string of page_tokens / any_tokens is written. */
typedef struct
{
  guint   page;
  guint32 start;
  guint32 end;
} Spot;

/* Where a number was found: page 0 when nowhere; start == end when the
 * place on the page is not known. */
typedef struct
{
  guint   page;
  guint32 start;
  guint32 end;
} Match;

struct _AssayPageNumbers
{
  GArray     *all;          /* Entry, sorted by (value, page) */
  GArray    **per_page;     /* [page - 1]: Entry sorted by value; NULL when unread */
  guint       n_pages;
  GHashTable *page_tokens;  /* "page:±digits" -> 1 + index into spots (first on the page) */
  GHashTable *any_tokens;   /* "±digits" -> 1 + index into spots (on the lowest page) */
  GArray     *spots;        /* Spot */
  AssayPdfText *text;       /* for the boxes of the runs of digits */
};

typedef struct
{
  double value;
  guint  decimals;
} Candidate;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->value != eb->value)
    return ea->value < eb->value ? -1 : 1;

  return (ea->page > eb->page) - (ea->page < eb->page);
}

static void
add_entry (GArray *page_entries,
           GArray *all,
           double  value,
           guint   page,
           guint   decimals,
           gsize   start,
           gsize   end)
{
  Entry entry = { value, page, (guint8) MIN (decimals, 255), (guint32) start, (guint32) end };

  if (!isfinite (value))
    return;

  g_array_append_val (page_entries, entry);
  g_array_append_val (all, entry);
}

/* TRUE when the number ending just before @p reads as negative: "-", the
 * minus sign U+2212 or an opening parenthesis, possibly with a currency sign
 * and spaces in between ("($ 1,234)", "-€12"). */
static gboolean
preceded_by_minus (const char *text,
                   const char *p)
{
  for (guint steps = 0; p > text && steps < 8; steps++)
    {
      guchar c = (guchar) p[-1];

      if (p - text >= 3 && memcmp (p - 3, "\xe2\x88\x92", 3) == 0)
        return TRUE;
      if (c == '-' || c == '(')
        return TRUE;
      if (c == ' ' || c == '$' || c >= 0x80)
        {
          p--;
          continue;
        }
      return FALSE;
    }

  return FALSE;
}

static gboolean
is_separator (char c)
{
  return c == '.' || c == ',' || c == '\'';
}

/* A notation-free spelling of the number between @start and @end: a sign,
 * the integer digits without grouping or leading zeros, and the decimals
 * without trailing zeros: "1.234,50" and "1,234.5" both give "+1234.5".
 * The last separator is the decimal mark unless exactly three digits follow
 * it ("98,765" is 98765). */
static gboolean
make_token_key (const char *start,
                const char *end,
                gboolean    negative,
                GString    *key)
{
  const char *decimal_mark = NULL;
  guint digits = 0;
  guint after = 0;

  for (const char *p = start; p < end; p++)
    {
      if (is_separator (*p) || *p == ' ')
        {
          decimal_mark = p;
          after = 0;
        }
      else if (g_ascii_isdigit (*p))
        after++;
    }
  if (decimal_mark != NULL && (after == 3 || *decimal_mark == ' ' || *decimal_mark == '\''))
    decimal_mark = NULL;

  g_string_truncate (key, 0);
  g_string_append_c (key, negative ? '-' : '+');

  for (const char *p = start; p < end; p++)
    {
      if (p == decimal_mark)
        {
          g_string_append_c (key, '.');
          continue;
        }
      if (!g_ascii_isdigit (*p))
        continue;
      if (digits == 0 && *p == '0' && decimal_mark != NULL && p < decimal_mark)
        continue;
      if (digits == 0 && *p == '0' && decimal_mark == NULL)
        continue;
      g_string_append_c (key, *p);
      digits++;
    }

  if (decimal_mark != NULL)
    {
      while (key->len > 0 && key->str[key->len - 1] == '0')
        g_string_truncate (key, key->len - 1);
      if (key->len > 0 && key->str[key->len - 1] == '.')
        g_string_truncate (key, key->len - 1);
    }

  return digits >= MIN_TOKEN_DIGITS && digits <= MAX_TOKEN_DIGITS;
}

static void
add_token (AssayPageNumbers *self,
           const char       *text,
           const char       *start,
           const char       *end,
           guint             page,
           GString          *key)
{
  gpointer lowest;
  char *page_key;
  Spot spot = { page, (guint32) (start - text), (guint32) (end - text) };
  gpointer slot;

  if (!make_token_key (start, end, preceded_by_minus (text, start), key))
    return;

  page_key = g_strdup_printf ("%u:%s", page, key->str);
  if (g_hash_table_contains (self->page_tokens, page_key))
    {
      g_free (page_key);
      return;
    }

  g_array_append_val (self->spots, spot);
  slot = GUINT_TO_POINTER (self->spots->len);
  g_hash_table_insert (self->page_tokens, page_key, slot);
  lowest = g_hash_table_lookup (self->any_tokens, key->str);
  if (lowest == NULL ||
      g_array_index (self->spots, Spot, GPOINTER_TO_UINT (lowest) - 1).page > page)
    g_hash_table_insert (self->any_tokens, g_strdup (key->str), slot);
}

static void
index_tokens (AssayPageNumbers *self,
              const char       *text,
              guint             page)
{
  g_autoptr(GString) key = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;

      if (!g_ascii_isdigit (*p))
        {
          p++;
          continue;
        }

      start = p;
      while (g_ascii_isdigit (*p) || (is_separator (*p) && g_ascii_isdigit (p[1])))
        p++;

      add_token (self, text, start, p, page, key);

      /* "12 345 678": groups of three joined by single spaces are also one
       * number (the scanner keeps them apart without a decimal mark). */
      if (p - start <= 3 && *p == ' ')
        {
          const char *q = p;

          while (q[0] == ' ' && g_ascii_isdigit (q[1]) && g_ascii_isdigit (q[2]) &&
                 g_ascii_isdigit (q[3]) && !g_ascii_isdigit (q[4]))
            q += 4;
          if (q != p)
            add_token (self, text, start, q, page, key);
        }
    }
}

/**
 * assay_page_numbers_new:
 * @text: the document's text
 *
 * Scans every page once. Any thread; @text is not kept.
 *
 * Returns: (transfer full): the lookup structure for assay_verify_extraction()
 */
AssayPageNumbers *
assay_page_numbers_new (const AssayPdfText *text)
{
  AssayPageNumbers *self;

  g_return_val_if_fail (text != NULL, NULL);

  self = g_new0 (AssayPageNumbers, 1);
  self->all = g_array_new (FALSE, FALSE, sizeof (Entry));
  self->page_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->any_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->spots = g_array_new (FALSE, FALSE, sizeof (Spot));
  /* Immutable once built: keeping it only costs a reference. */
  self->text = assay_pdf_text_ref ((AssayPdfText *) text);

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      self->n_pages = MAX (self->n_pages, page->index + 1);
    }
  self->per_page = g_new0 (GArray *, MAX (self->n_pages, 1));

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      guint page_no = page->index + 1;
      g_autoptr(GArray) numbers = NULL;
      GArray *entries;

      if (self->per_page[page->index] == NULL)
        self->per_page[page->index] = g_array_new (FALSE, FALSE, sizeof (Entry));
      entries = self->per_page[page->index];

      numbers = assay_numbers_scan (page->text, strlen (page->text));
      for (guint j = 0; numbers != NULL && j < numbers->len; j++)
        {
          const AssayNumber *n = &g_array_index (numbers, AssayNumber, j);

          add_entry (entries, self->all, n->value, page_no, n->decimals, n->start, n->end);
          /* "1.2 billion" also stands for a figure given as 1.2, and
           * "12.5%" for 12.5 whatever the scanner made of the percent. */
          if (n->mantissa != n->value)
            add_entry (entries, self->all, n->mantissa, page_no, n->decimals, n->start, n->end);
        }

      g_array_sort (entries, compare_entries);
      index_tokens (self, page->text, page_no);
    }

  g_array_sort (self->all, compare_entries);

  return self;
}

void
assay_page_numbers_free (AssayPageNumbers *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_pages; i++)
    g_clear_pointer (&self->per_page[i], g_array_unref);
  g_free (self->per_page);
  g_clear_pointer (&self->all, g_array_unref);
  g_clear_pointer (&self->page_tokens, g_hash_table_unref);
  g_clear_pointer (&self->any_tokens, g_hash_table_unref);
  g_clear_pointer (&self->spots, g_array_unref);
  g_clear_pointer (&self->text, assay_pdf_text_unref);
  g_free (self);
}

static double
window_for (const Candidate *candidate)
{
  /* Wider than any rounding at @decimals so that assay_numbers_equal()
   * makes the decision. */
  return pow (10.0, -(double) candidate->decimals) + fabs (candidate->value) * 4e-9;
}

/* Index of the first entry whose value is >= @value. */
static guint
lower_bound (GArray *entries,
             double  value)
{
  guint lo = 0;
  guint hi = entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (entries, Entry, mid).value < value)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static const Entry *
candidate_on_page (AssayPageNumbers *self,
                   guint             page,
                   const Candidate  *candidate)
{
  GArray *entries;
  double w = window_for (candidate);

  if (page == 0 || page > self->n_pages || (entries = self->per_page[page - 1]) == NULL)
    return NULL;

  for (guint i = lower_bound (entries, candidate->value - w); i < entries->len; i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);

      if (entry->value > candidate->value + w)
        break;
      if (assay_numbers_equal (entry->value, candidate->value, candidate->decimals))
        return entry;
    }

  return NULL;
}

/* The matching entry on the page nearest @prefer (the lowest when @prefer
 * is 0), or NULL. */
static const Entry *
candidate_on_any_page (AssayPageNumbers *self,
                       const Candidate  *candidate,
                       guint             prefer)
{
  double w = window_for (candidate);
  const Entry *best_entry = NULL;
  guint best = 0;
  guint scanned = 0;

  for (guint i = lower_bound (self->all, candidate->value - w);
       i < self->all->len && scanned < MAX_WINDOW_SCAN;
       i++, scanned++)
    {
      const Entry *entry = &g_array_index (self->all, Entry, i);
      guint distance, best_distance;

      if (entry->value > candidate->value + w)
        break;
      if (!assay_numbers_equal (entry->value, candidate->value, candidate->decimals))
        continue;

      if (prefer == 0)
        distance = entry->page;
      else
        distance = entry->page > prefer ? entry->page - prefer : prefer - entry->page;
      if (best == 0)
        best_distance = G_MAXUINT;
      else if (prefer == 0)
        best_distance = best;
      else
        best_distance = best > prefer ? best - prefer : prefer - best;

      if (distance < best_distance || (distance == best_distance && entry->page < best))
        {
          best = entry->page;
          best_entry = entry;
        }
    }

  return best_entry;
}

static guint
count_decimals (double value)
{
  g_autofree char *text = assay_extraction_format_number (value);
  const char *dot = strchr (text, '.');

  if (dot == NULL || strchr (text, 'e') != NULL)
    return 0;

  return MIN ((guint) strlen (dot + 1), 6);
}

/* TRUE when @written and @value are the same number up to a power of ten
 * that a scale word or a percent explains, with the same sign. */
static gboolean
consistent_scale (double written,
                  double value)
{
  static const double powers[] = { 1, 1e2, 1e-2, 1e3, 1e6, 1e9, 1e12 };
  double ratio;

  if (written == 0 || value == 0)
    return written == value;

  ratio = value / written;
  for (guint i = 0; i < G_N_ELEMENTS (powers); i++)
    {
      if (fabs (ratio - powers[i]) <= powers[i] * 1e-6)
        return TRUE;
    }

  return FALSE;
}

static gboolean
parse_raw (const char  *raw,
           AssayNumber *out)
{
  g_autoptr(GArray) numbers = NULL;

  if (assay_number_parse (raw, -1, out))
    return TRUE;

  numbers = assay_numbers_scan (raw, strlen (raw));
  if (numbers == NULL || numbers->len == 0)
    return FALSE;

  *out = g_array_index (numbers, AssayNumber, 0);
  return TRUE;
}

static void
add_candidate (Candidate *candidates,
               guint     *n,
               double     value,
               guint      decimals)
{
  if (*n >= MAX_CANDIDATES || !isfinite (value))
    return;

  for (guint i = 0; i < *n; i++)
    {
      if (candidates[i].value == value && candidates[i].decimals == decimals)
        return;
    }

  candidates[*n].value = value;
  candidates[*n].decimals = decimals;
  (*n)++;
}

/* What to look for: the value itself, and when @raw is the same number
 * written with a scale ("1.2" for 1.2e9) the number as written. */
static guint
build_candidates (double      value,
                  const char *raw,
                  const char *unit,
                  Candidate  *candidates)
{
  AssayNumber written;
  guint n = 0;
  guint decimals;
  gboolean have_raw = raw != NULL && *raw != '\0' && parse_raw (raw, &written) &&
                      consistent_scale (written.value, value);

  decimals = have_raw ? written.decimals : count_decimals (value);
  add_candidate (candidates, &n, value, decimals);

  if (have_raw)
    {
      add_candidate (candidates, &n, written.value, written.decimals);
      if (consistent_scale (written.mantissa, value))
        add_candidate (candidates, &n, written.mantissa, written.decimals);
    }

  /* A percentage given as a fraction: 0.125 for "12.5%". */
  if (g_strcmp0 (unit, "%") == 0 && fabs (value) < 1 && value != 0)
    add_candidate (candidates, &n, value * 100, decimals >= 2 ? decimals - 2 : 0);

  return n;
}

static gboolean
raw_token_key (const char *raw,
               double      value,
               GString    *key)
{
  if (raw == NULL)
    return FALSE;

  return make_token_key (raw, raw + strlen (raw), value < 0, key);
}

static Match
match_entry (const Entry *entry)
{
  return (Match) { entry->page, entry->start, entry->end };
}

static Match
match_spot (AssayPageNumbers *self,
            gpointer          slot)
{
  const Spot *spot = &g_array_index (self->spots, Spot, GPOINTER_TO_UINT (slot) - 1);

  return (Match) { spot->page, spot->start, spot->end };
}

/* Where the number is: on @page when it is there, else on the nearest page
 * that has it; page 0 when nowhere. */
static Match
locate (AssayPageNumbers *self,
        guint             page,
        double            value,
        const char       *raw,
        const char       *unit)
{
  Candidate candidates[MAX_CANDIDATES];
  g_autoptr(GString) key = g_string_new (NULL);
  gboolean have_key;
  guint n;
  const Entry *best = NULL;
  Match none = { 0, 0, 0 };

  if (!isfinite (value))
    return none;

  n = build_candidates (value, raw, unit, candidates);
  have_key = raw_token_key (raw, value, key);

  if (page != 0)
    {
      for (guint i = 0; i < n; i++)
        {
          const Entry *entry = candidate_on_page (self, page, &candidates[i]);

          if (entry != NULL)
            return match_entry (entry);
        }

      if (have_key)
        {
          g_autofree char *page_key = g_strdup_printf ("%u:%s", page, key->str);
          gpointer slot = g_hash_table_lookup (self->page_tokens, page_key);

          if (slot != NULL)
            return match_spot (self, slot);
        }
    }

  for (guint i = 0; i < n; i++)
    {
      const Entry *found = candidate_on_any_page (self, &candidates[i], page);
      guint found_distance, best_distance;

      if (found == NULL)
        continue;

      found_distance = found->page > page ? found->page - page : page - found->page;
      best_distance = best == NULL ? G_MAXUINT : best->page > page ? best->page - page : page - best->page;
      if (best == NULL || found_distance < best_distance ||
          (found_distance == best_distance && found->page < best->page))
        best = found;
    }

  if (best != NULL)
    return match_entry (best);

  if (have_key)
    {
      gpointer slot = g_hash_table_lookup (self->any_tokens, key->str);

      if (slot != NULL)
        return match_spot (self, slot);
    }

  return none;
}

/* The rectangles of the runs of digits that bytes [start, end) of @page's
 * text overlap, joined per line. Returns: (transfer full) (nullable) */
static AssayRect *
rects_for (AssayPageNumbers *self,
           const Match      *match,
           guint            *n_rects)
{
  const AssayPageText *page;
  AssayRect *rects = NULL;
  GArray *boxes;
  guint lo = 0, hi;

  *n_rects = 0;
  if (match->page == 0 || match->start >= match->end ||
      (page = assay_pdf_text_find_page (self->text, match->page - 1)) == NULL ||
      (boxes = page->boxes) == NULL)
    return NULL;

  /* The first box that ends after the match starts. */
  hi = boxes->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (boxes, AssayTextBox, mid).end <= match->start)
        lo = mid + 1;
      else
        hi = mid;
    }

  for (guint i = lo; i < boxes->len; i++)
    {
      const AssayTextBox *box = &g_array_index (boxes, AssayTextBox, i);
      AssayRect *last;

      if (box->start >= match->end)
        break;

      if (rects == NULL)
        rects = g_new0 (AssayRect, ASSAY_MAX_RECTS);
      last = *n_rects > 0 ? &rects[*n_rects - 1] : NULL;

      /* "12 345 678" is three runs on one line: one rectangle. */
      if (last != NULL && fabs (box->y - last->y) <= 0.5 * MAX (box->height, last->height) &&
          box->x >= last->x)
        {
          double right = MAX (last->x + last->width, box->x + box->width);
          double bottom = MAX (last->y + last->height, box->y + box->height);

          last->y = MIN (last->y, box->y);
          last->width = right - last->x;
          last->height = bottom - last->y;
        }
      else if (*n_rects < ASSAY_MAX_RECTS)
        rects[(*n_rects)++] = (AssayRect) { box->x, box->y, box->width, box->height };
    }

  if (*n_rects == 0)
    g_clear_pointer (&rects, g_free);

  return rects;
}

/**
 * assay_verify_value_on_page:
 * @page: 1-based page, or 0 for any page
 * @value: the normalised value
 * @raw: (nullable): the number as written in the extraction
 *
 * Returns: %TRUE when @value (or @raw, when it is the same number written
 * with a scale) appears on @page, or on any page when @page is 0. Any thread.
 */
gboolean
assay_verify_value_on_page (AssayPageNumbers *numbers,
                            guint             page,
                            double            value,
                            const char       *raw)
{
  Match found;

  g_return_val_if_fail (numbers != NULL, FALSE);

  found = locate (numbers, page, value, raw, NULL);

  return page == 0 ? found.page != 0 : found.page == page;
}

/* For a field we have only the normalised value; the number as written is
 * the one in its snippet that means the same. */
static char *
raw_from_snippet (const char *snippet,
                  double      value)
{
  g_autoptr(GArray) numbers = NULL;

  if (snippet == NULL)
    return NULL;

  numbers = assay_numbers_scan (snippet, strlen (snippet));
  if (numbers == NULL)
    return NULL;

  /* The same value first, then the same digits with a scale. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < numbers->len; i++)
        {
          const AssayNumber *n = &g_array_index (numbers, AssayNumber, i);
          gboolean match = pass == 0 ? assay_numbers_equal (n->value, value, n->decimals)
                                     : consistent_scale (n->value, value);

          if (match && n->end > n->start && n->end <= strlen (snippet))
            return g_strndup (snippet + n->start, n->end - n->start);
        }
    }

  return NULL;
}

static void
record (AssayPageNumbers   *numbers,
        AssayVerifySummary *summary,
        AssayVerification  *verified,
        guint              *verified_page,
        AssayRect         **rects,
        guint              *n_rects,
        guint               page,
        const Match        *match)
{
  guint found = match->page;

  *verified = found != 0 ? ASSAY_VERIFICATION_VERIFIED : ASSAY_VERIFICATION_UNVERIFIED;
  *verified_page = found;
  g_clear_pointer (rects, g_free);
  *rects = rects_for (numbers, match, n_rects);

  summary->total++;
  if (found == 0)
    summary->unverified++;
  else
    {
      summary->verified++;
      if (page != 0 && found != page)
        summary->wrong_page++;
    }
}

/**
 * assay_verify_extraction:
 * @extraction: (inout): its figures and fields get `verified` and
 *   `verified_page`
 * @numbers: from assay_page_numbers_new() on the same document
 * @summary: (out caller-allocates) (optional): the counts
 *
 * Checks every figure and every NUMBER or MONEY field: verified when the
 * number is on its page, or on another page (then `verified_page` says which
 * and it counts as wrong_page); unverified when it is on none. A verified
 * item gets `rects`, where its number is drawn on `verified_page`, when the
 * text came with the boxes of its runs of digits (assay-pdf-text.h). A figure
 * whose value is not finite is unverified. Other fields, and numeric fields
 * without a number, are unchecked and not counted. Any thread;
 * O(items × log(numbers)).
 */
void
assay_verify_extraction (AssayExtraction    *extraction,
                         AssayPageNumbers   *numbers,
                         AssayVerifySummary *summary)
{
  AssayVerifySummary local = { 0 };

  g_return_if_fail (extraction != NULL);
  g_return_if_fail (numbers != NULL);

  for (guint i = 0; i < extraction->figures->len; i++)
    {
      AssayFigure *figure = g_ptr_array_index (extraction->figures, i);
      Match found = locate (numbers, figure->page, figure->value, figure->raw, figure->unit);

      record (numbers, &local, &figure->verified, &figure->verified_page,
              &figure->rects, &figure->n_rects, figure->page, &found);
    }

  for (guint i = 0; i < extraction->fields->len; i++)
    {
      AssayField *field = g_ptr_array_index (extraction->fields, i);
      g_autofree char *raw = NULL;
      Match found;

      /* Not a number: nothing to look for. */
      if ((field->type != ASSAY_FIELD_NUMBER && field->type != ASSAY_FIELD_MONEY) ||
          !isfinite (field->number))
        {
          field->verified = ASSAY_VERIFICATION_UNCHECKED;
          field->verified_page = 0;
          g_clear_pointer (&field->rects, g_free);
          field->n_rects = 0;
          continue;
        }

      raw = raw_from_snippet (field->snippet, field->number);
      found = locate (numbers, field->page, field->number, raw, field->unit);
      record (numbers, &local, &field->verified, &field->verified_page,
              &field->rects, &field->n_rects, field->page, &found);
    }

  if (summary != NULL)
    *summary = local;
}
