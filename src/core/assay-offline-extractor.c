/* assay-offline-extractor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the text, line by line, page by page. Every page is scanned
 * for numbers once (assay-numbers does all number recognition); each line is
 * then matched against a fixed set of keywords, so the work is linear in the
 * size of the text.
 *
 * Dates written with digits only (01/03/2024) are read day first unless the
 * numbers decide it (a part above 12 is the day), the year comes first
 * (2024-03-01), or the page is in a US context: it contains "$" or "USD" and
 * the separator is not a dot. Then 03/01/2024 is read month first.
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-numbers.h"
#include "assay-offline-extractor.h"

#define MAX_FIGURES    500
#define MAX_SNIPPET    200
#define MAX_LABEL      80
#define MAX_LABEL_WORDS 8
#define MAX_NOTE_LEN   120
#define TITLE_LINES    30
#define ISSUER_LINES   40
#define MAX_YEARS      8
#define MAX_CURRENCIES 16
#define MAX_KEYWORD_HITS 5
#define RECIPIENT_BLOCK_LINES 4

/* ------------------------------------------------------------ small helpers */

typedef struct
{
  char   *value;
  double  number;
  char    currency[4];
  guint   page;
  char   *snippet;
  int     priority;
  gboolean set;
} Found;

static void
found_clear (Found *found)
{
  g_clear_pointer (&found->value, g_free);
  g_clear_pointer (&found->snippet, g_free);
  found->set = FALSE;
}

/* The trimmed line, cut to MAX_SNIPPET bytes on a character boundary. */
static char *
make_snippet (const char *text,
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

static void
found_set (Found       *found,
           char        *value,
           double       number,
           const char  *currency,
           guint        page,
           const char  *line,
           gsize        line_len,
           int          priority)
{
  found_clear (found);
  found->value = value;
  found->number = number;
  g_strlcpy (found->currency, currency != NULL ? currency : "", sizeof found->currency);
  found->page = page;
  found->snippet = make_snippet (line, line_len);
  found->priority = priority;
  found->set = TRUE;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || ((guchar) c) >= 0x80;
}

/* The first occurrence of @word in @lower with a word boundary on both
 * sides (and an optional plural "s"), or NULL. */
static const char *
find_word_from (const char *lower,
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

static const char *
find_word (const char *lower,
           const char *word)
{
  return find_word_from (lower, lower, word, FALSE);
}

static gboolean
has_word (const char *lower,
          const char *word)
{
  return find_word (lower, word) != NULL;
}

static gboolean
has_any_word (const char        *lower,
              const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (has_word (lower, words[i]))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static gboolean
str_in (const char         *str,
        const char * const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    {
      if (strcmp (str, list[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

/* ----------------------------------------------------------- line context */

typedef struct
{
  const char        *text;      /* the trimmed line, not NUL-terminated */
  gsize              len;
  const char        *lower;     /* ASCII-lowercased copy, NUL-terminated */
  const AssayNumber *numbers;   /* starting on this line; offsets in the page */
  guint              n_numbers;
  gsize              offset;    /* of text in the page */
  guint              page;      /* 1-based */
  guint              index;     /* among the page's non-empty lines */
} Line;

static gsize
num_start (const Line        *line,
           const AssayNumber *n)
{
  return MIN ((gsize) n->start - line->offset, line->len);
}

static gsize
num_end (const Line        *line,
         const AssayNumber *n)
{
  gsize end = (gsize) n->end;

  end = MIN (end, line->offset + line->len);
  return MAX (end, (gsize) n->start) - line->offset;
}

static gboolean
is_quantity (const AssayNumber *n)
{
  return assay_number_kind_is_quantity (n->kind);
}

static guint
count_quantities (const Line *line)
{
  guint n = 0;

  for (guint i = 0; i < line->n_numbers; i++)
    {
      if (is_quantity (&line->numbers[i]))
        n++;
    }

  return n;
}

/* ------------------------------------------------------------- extractor */

typedef enum
{
  TYPE_INVOICE,
  TYPE_REPORT,
  TYPE_PAPER,
  N_TYPES
} DocType;

static const char * const type_names[N_TYPES] = {
  [TYPE_INVOICE] = "invoice",
  [TYPE_REPORT] = "financial-report",
  [TYPE_PAPER] = "scientific-paper",
};

typedef struct
{
  const char *word;
  int         weight;
} Keyword;

#define MAX_KEYWORDS 16

static const Keyword type_keywords[N_TYPES][MAX_KEYWORDS] = {
  [TYPE_INVOICE] = {
    { "invoice", 3 }, { "bill to", 2 }, { "billed to", 2 }, { "amount due", 2 },
    { "balance due", 2 }, { "due date", 1 }, { "payment terms", 1 }, { "subtotal", 1 },
    { "unit price", 1 }, { "vat", 1 }, { "qty", 1 }, { NULL, 0 },
  },
  [TYPE_REPORT] = {
    { "annual report", 3 }, { "quarterly report", 3 }, { "balance sheet", 3 },
    { "income statement", 3 }, { "cash flow", 2 }, { "net income", 2 },
    { "operating income", 2 }, { "ebitda", 2 }, { "earnings per share", 2 },
    { "total assets", 2 }, { "revenue", 1 }, { "fiscal year", 1 }, { "shareholders", 1 },
    { NULL, 0 },
  },
  [TYPE_PAPER] = {
    { "abstract", 3 }, { "references", 2 }, { "bibliography", 2 }, { "doi", 2 },
    { "arxiv", 2 }, { "et al", 1 }, { "introduction", 1 }, { "conclusion", 1 },
    { "keywords", 1 }, { "university", 1 }, { NULL, 0 },
  },
};

typedef enum
{
  DATE_ISSUE,
  DATE_DUE,
  DATE_PLAIN,
  N_DATES
} DateField;

static const char * const date_field_names[N_DATES] = {
  [DATE_ISSUE] = "issue_date",
  [DATE_DUE] = "due_date",
  [DATE_PLAIN] = "date",
};

typedef struct
{
  int          scale;          /* power of ten from a note: "in millions" */
  const char  *currency;       /* ISO code from that note, or NULL */
  char         years[MAX_YEARS][16];
  guint        n_years;
  AssayDateOrder date_order;
  guint        recipient_lines; /* lines left in a "Bill to" block */
  gboolean     issuer_next;    /* the previous line was a bare "From:" */
  gboolean     recipient_next; /* the previous line was a bare "Bill to:" */
} PageState;

typedef struct
{
  AssayExtraction *extraction;
  AssayTemplate   *template_;
  GHashTable      *seen_figures;
  guint            figures_found;
  int              score[N_TYPES];
  guint            hits[N_TYPES][MAX_KEYWORDS];
  Found            title_line;
  Found            invoice_line;
  Found            invoice_number;
  Found            total;
  Found            tax;
  Found            subtotal;
  Found            recipient;
  Found            issuer_from;
  Found            issuer_company;
  Found            doi;
  Found            dates[N_DATES];
  char             first_period[16];
  struct { char code[4]; guint count; } currencies[MAX_CURRENCIES];
  guint            n_currencies;
  GString         *lower;
} Extractor;

/* ------------------------------------------------------- document type */

static void
score_line (Extractor  *self,
            const Line *line)
{
  for (guint t = 0; t < N_TYPES; t++)
    {
      for (guint k = 0; k < MAX_KEYWORDS && type_keywords[t][k].word != NULL; k++)
        {
          if (self->hits[t][k] >= MAX_KEYWORD_HITS)
            continue;
          if (find_word_from (line->lower, line->lower, type_keywords[t][k].word, TRUE) != NULL)
            {
              self->hits[t][k]++;
              self->score[t] += type_keywords[t][k].weight;
            }
        }
    }
}

static const char *
guess_document_type (Extractor *self)
{
  const char *template_name = self->template_ != NULL
                              ? assay_template_get_name (self->template_) : "general";
  int best = -1;
  int best_score = 0;

  /* The template the person chose counts as evidence too. */
  for (guint t = 0; t < N_TYPES; t++)
    {
      int score = self->score[t];

      if (g_strcmp0 (template_name, type_names[t]) == 0)
        score += 3;
      if (score >= 3 && score > best_score)
        {
          best = (int) t;
          best_score = score;
        }
    }

  return best >= 0 ? type_names[best] : "general";
}

/* --------------------------------------------------------------- dates */

static const char *
skip_chars (const char *p,
            const char *chars,
            guint       max)
{
  for (guint i = 0; i < max && *p != '\0' && strchr (chars, *p) != NULL; i++)
    p++;

  return p;
}

/* A whole date (day, month and year) at the start of @p, read by the
 * core's one date reader (assay_date_parse()), as an ISO string. */
static char *
parse_date (const char     *p,
            AssayDateOrder  order)
{
  AssayDate date;

  if (!assay_date_parse (p, strlen (p), order, TRUE, &date))
    return NULL;

  return assay_date_to_iso (&date);
}

typedef struct
{
  const char *label;
  DateField   field;
} DateLabel;

/* Longest first: a shorter label inside a longer one is not matched again. */
static const DateLabel date_labels[] = {
  { "payment due date", DATE_DUE },
  { "invoice date", DATE_ISSUE },
  { "date of issue", DATE_ISSUE },
  { "date issued", DATE_ISSUE },
  { "issue date", DATE_ISSUE },
  { "payment due", DATE_DUE },
  { "due date", DATE_DUE },
  { "issued on", DATE_ISSUE },
  { "issued", DATE_ISSUE },
  { "due by", DATE_DUE },
  { "due", DATE_DUE },
  { "dated", DATE_PLAIN },
  { "date", DATE_PLAIN },
};

static void
find_dates (Extractor       *self,
            const Line      *line,
            const PageState *state)
{
  struct { gsize start, end; } spans[G_N_ELEMENTS (date_labels)];
  guint n_spans = 0;

  for (guint i = 0; i < G_N_ELEMENTS (date_labels); i++)
    {
      const char *label = date_labels[i].label;
      gsize label_len = strlen (label);
      const char *hit = line->lower;

      while ((hit = find_word_from (line->lower, hit, label, FALSE)) != NULL)
        {
          gsize start = hit - line->lower;
          gsize end = start + label_len;
          gboolean overlaps = FALSE;
          const char *p;
          g_autofree char *iso = NULL;

          for (guint s = 0; s < n_spans; s++)
            overlaps |= start < spans[s].end && end > spans[s].start;

          hit += label_len;
          if (overlaps)
            continue;

          p = skip_chars (line->lower + end, " \t:-.#", 6);
          if (strncmp (p, "date", 4) == 0 && !g_ascii_isalpha (p[4]))
            p = skip_chars (p + 4, " \t:-.#", 6);
          if (strncmp (p, "on ", 3) == 0)
            p += 3;

          iso = parse_date (p, state->date_order);
          if (iso == NULL)
            continue;

          if (n_spans < G_N_ELEMENTS (spans))
            {
              spans[n_spans].start = start;
              spans[n_spans].end = end;
              n_spans++;
            }

          if (!self->dates[date_labels[i].field].set)
            found_set (&self->dates[date_labels[i].field], g_steal_pointer (&iso), NAN,
                       NULL, line->page, line->text, line->len, 0);
          break;
        }
    }
}

/* ------------------------------------------------------------ currencies */

static void
count_currency (Extractor  *self,
                const char *code)
{
  if (code == NULL || code[0] == '\0')
    return;

  for (guint i = 0; i < self->n_currencies; i++)
    {
      if (strcmp (self->currencies[i].code, code) == 0)
        {
          self->currencies[i].count++;
          return;
        }
    }

  if (self->n_currencies < MAX_CURRENCIES)
    {
      g_strlcpy (self->currencies[self->n_currencies].code, code, 4);
      self->currencies[self->n_currencies].count = 1;
      self->n_currencies++;
    }
}

static const char *
most_common_currency (Extractor *self)
{
  const char *best = NULL;
  guint best_count = 0;

  for (guint i = 0; i < self->n_currencies; i++)
    {
      if (self->currencies[i].count > best_count)
        {
          best = self->currencies[i].code;
          best_count = self->currencies[i].count;
        }
    }

  return best;
}

/* A currency named in a scale note ("in millions of U.S. dollars"). The
 * numbers module reads currencies attached to numbers; this is only for
 * words in a heading. */
static const char *
note_currency (const char *lower)
{
  static const struct { const char *word; const char *code; } words[] = {
    { "usd", "USD" }, { "u.s. dollars", "USD" }, { "us dollars", "USD" }, { "$", "USD" },
    { "eur", "EUR" }, { "euros", "EUR" }, { "euro", "EUR" }, { "\xe2\x82\xac", "EUR" },
    { "gbp", "GBP" }, { "\xc2\xa3", "GBP" }, { "pounds sterling", "GBP" },
    { "chf", "CHF" }, { "jpy", "JPY" }, { "yen", "JPY" }, { "\xc2\xa5", "JPY" },
    { "cad", "CAD" }, { "aud", "AUD" }, { "sek", "SEK" }, { "nok", "NOK" }, { "dkk", "DKK" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (g_ascii_isalpha (words[i].word[0]) ? has_word (lower, words[i].word)
                                              : strstr (lower, words[i].word) != NULL)
        return words[i].code;
    }

  return NULL;
}

/* ----------------------------------------------------- page-level notes */

/* "(in millions of U.S. dollars)", "EUR million", "Amounts in thousands":
 * numbers below it on the page are in that scale. */
static void
detect_scale_note (Extractor  *self,
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

  if (line->len > MAX_NOTE_LEN || count_quantities (line) > 0)
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
      if (g_ascii_isalpha (scales[i].word[0]) ? has_word (line->lower, scales[i].word)
                                               : strstr (line->lower, scales[i].word) != NULL)
        scale = scales[i].scale;
    }
  if (scale == 0)
    return;

  /* A heading, not prose: in parentheses, or with "in"/"of", or a currency. */
  if (strchr (line->lower, '(') == NULL && !has_any_word (line->lower, markers) &&
      note_currency (line->lower) == NULL)
    return;

  state->scale = scale;
  if (note_currency (line->lower) != NULL)
    {
      state->currency = note_currency (line->lower);
      count_currency (self, state->currency);
    }
}

static const char * const label_stop_words[] = {
  "to", "of", "by", "in", "from", "at", "than", "the", "a", "an", "and", "or", "with",
  "was", "were", "is", "are", "for", "on", "about", "approximately", "over", "under",
  "only", "just", "per", "vs", "versus", "between", "since", "until", "after", "before",
  NULL
};

/* "            2023      2022" or "FY2023  FY2022": columns of years. */
static void
detect_year_header (Extractor  *self,
                    const Line *line,
                    PageState  *state)
{
  guint n_years = 0;
  guint words = 0;
  gboolean in_word = FALSE;

  if (count_quantities (line) > 0)
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
  if (n_years < 2 && has_any_word (line->lower, label_stop_words))
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


/* Labels naming an identifier, a reference or a position, not a quantity. */
static const char * const label_identifier_words[] = {
  "no", "nr", "number", "id", "ref", "reference", "phone", "tel", "telephone", "fax",
  "mobile", "iban", "bic", "swift", "account", "code", "zip", "postcode", "invoice",
  "document", "doc",
  "page", "pages", "p", "pp", "version", "form", "forms", "schedule", "lines", "license",
  "licence", "annex", "appendix", "exhibit", "paragraph", "para", "rule", "isbn", "issn", "doi", "vol", "volume", "issue", "chapter",
  "section", "figure", "fig", "table", "tab", "note", "item", "order", "customer", "street",
  "box", "suite", "room", "floor", "building", "step", "line", "article", "art", "clause",
  NULL
};

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

          if (str_in (code, unit_words))
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
  if (strpbrk (copy, "[]{}<>=;:|\\@#+") != NULL)
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
  if (str_in (word, label_stop_words) || str_in (word, label_identifier_words))
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

      if (pos - start >= 2 && !str_in (word, unit_words))
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

static void
add_figure (Extractor       *self,
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

  label_len = trim_label_end (line->text + label_start,
                              num_start (line, &line->numbers[value_index]) - label_start);
  if (!label_is_acceptable (line->text + label_start, label_len))
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

  /* "(81)" or "[8]" with a positive value: a reference, not an amount. */
  if (value_number->value > 0 && num_start (line, value_number) > 0 &&
      strchr ("([", line->text[num_start (line, value_number) - 1]) != NULL)
    return;
  if (value_number->value > 0 && line->text[num_start (line, value_number)] == '(')
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

  snippet = make_snippet (line->text, line->len);
  figure = assay_extraction_add_figure (self->extraction, label, value, raw, line->page, snippet);
  figure->unit = g_strdup (unit);
  figure->period = g_strdup (period);
}

/* ------------------------------------------------------ invoice fields */

static const char * const invoice_number_words[] = {
  "number", "no", "no.", "nr", "nr.", "num", "num.", "#", "id", ":", NULL
};

/* After the word "invoice" in @p (lowercase): optional "no.", "#",
 * "number", ":" and then a token with a digit, "2024-017". */
static gboolean
parse_invoice_number (const char  *p,
                      const char **value_start,
                      gsize       *value_len)
{
  gboolean has_digit = FALSE;

  for (guint i = 0; i < 4; i++)
    {
      const char *word_end;
      char word[8];
      gsize len;

      p = skip_chars (p, " \t", 8);
      word_end = p;
      while (*word_end != '\0' && !is_space (*word_end) && *word_end != ':' && word_end - p < 7)
        word_end++;
      if (word_end == p && *p == ':')
        word_end++;
      len = word_end - p;
      memcpy (word, p, len);
      word[len] = '\0';

      if (len == 0 || !str_in (word, invoice_number_words))
        break;
      p = word_end;
      if (*p == ':')
        p++;
    }

  p = skip_chars (p, " \t:#", 8);
  /* Text extraction glues words: "Invoice NumberINV-0046" */
  if (g_str_has_prefix (p, "number") && g_ascii_isalnum (p[6]))
    p += 6;
  *value_start = p;
  while (*p != '\0' && (g_ascii_isalnum (*p) || strchr ("/-_.", *p) != NULL))
    {
      has_digit |= g_ascii_isdigit (*p);
      p++;
    }
  while (p > *value_start && strchr ("./-_", p[-1]) != NULL)
    p--;
  *value_len = p - *value_start;

  return has_digit && *value_len > 0 && *value_len <= 40;
}

static void
find_invoice_number (Extractor  *self,
                     const Line *line)
{
  const char *hit;
  const char *value_start;
  gsize value_len;

  if (self->invoice_number.set || (hit = find_word (line->lower, "invoice")) == NULL)
    return;

  if (!parse_invoice_number (hit + strlen ("invoice"), &value_start, &value_len))
    return;

  /* The value as written, from the original line. */
  found_set (&self->invoice_number,
             g_strndup (line->text + (value_start - line->lower), value_len),
             NAN, NULL, line->page, line->text, line->len, 0);
}

/* "INVOICE", "Tax invoice", "Invoice 2024-017", "Invoice # INV-7781": a
 * heading, where "Invoice date: ..." is not. */
static gboolean
is_invoice_heading (const Line *line)
{
  static const char * const headings[] = {
    "invoice", "tax invoice", "commercial invoice", "proforma invoice", "pro forma invoice",
    "sales invoice", "vat invoice", NULL
  };
  const char *value_start;
  gsize value_len;

  if (str_in (line->lower, headings))
    return TRUE;

  return g_str_has_prefix (line->lower, "invoice") &&
         !g_ascii_isalpha (line->lower[strlen ("invoice")]) &&
         parse_invoice_number (line->lower + strlen ("invoice"), &value_start, &value_len) &&
         value_start + value_len == line->lower + line->len;
}

/* The last amount on the line that is not a percentage: the amount column. */
static const AssayNumber *
last_amount (const Line *line)
{
  for (guint i = line->n_numbers; i > 0; i--)
    {
      const AssayNumber *n = &line->numbers[i - 1];

      if (is_quantity (n) && n->kind != ASSAY_NUMBER_PERCENT)
        return n;
    }

  return NULL;
}

static int
total_priority (const char *lower)
{
  static const char * const strong[] = {
    "amount due", "total due", "balance due", "grand total", "amount payable",
    "total payable", "total to pay", "please pay", "total amount due", NULL
  };
  static const char * const excluded[] = {
    "subtotal", "sub-total", "sub total", "net", "excl", "excluding", "tax", "vat", "gst",
    "before", NULL
  };

  if (has_any_word (lower, strong))
    return 3;
  if (!has_word (lower, "total"))
    return 0;
  if (has_word (lower, "incl") || has_word (lower, "including") || has_word (lower, "gross"))
    return 2;
  if (has_any_word (lower, excluded))
    return 0;

  return 1;
}

static int
tax_priority (const char *lower)
{
  static const char * const taxes[] = {
    "vat", "gst", "hst", "sales tax", "tax", "mwst", "ust", NULL
  };
  static const char * const excluded[] = {
    "vat id", "vat no", "vat number", "vat reg", "vat registration", "tax id", "tax number",
    "tax no", "excl", "excluding", "before tax", "pre-tax", "incl", "including", "subtotal",
    "tax-id", NULL
  };

  if (!has_any_word (lower, taxes) || has_any_word (lower, excluded))
    return 0;
  if (has_word (lower, "total"))
    return 2;

  return 1;
}

static int
subtotal_priority (const char *lower)
{
  static const char * const strong[] = { "subtotal", "sub-total", "sub total", NULL };
  static const char * const net[] = {
    "net total", "total net", "net amount", "total excl", "total excluding",
    "total before tax", "amount before tax", NULL
  };

  if (has_any_word (lower, strong))
    return 2;
  if (has_any_word (lower, net))
    return 1;

  return 0;
}

static void
find_amounts (Extractor  *self,
              const Line *line)
{
  const AssayNumber *n = last_amount (line);
  int tax = 0;
  int subtotal = 0;
  int total;

  if (n == NULL)
    return;

  total = total_priority (line->lower);
  if (total == 0)
    subtotal = subtotal_priority (line->lower);
  if (total == 0 && subtotal == 0)
    tax = tax_priority (line->lower);

  if (subtotal > 0 && subtotal >= self->subtotal.priority)
    found_set (&self->subtotal,
               g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
               n->value, n->currency, line->page, line->text, line->len, subtotal);

  /* Later totals win ties: the one at the bottom is the sum. */
  if (total > 0 && total >= self->total.priority)
    found_set (&self->total,
               g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
               n->value, n->currency, line->page, line->text, line->len, total);

  /* Earlier tax lines win ties; a "total VAT" line wins over rates. */
  if (tax > self->tax.priority)
    found_set (&self->tax,
               g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
               n->value, n->currency, line->page, line->text, line->len, tax);
}

static const char * const company_suffixes[] = {
  "Ltd", "Ltd.", "Limited", "LLC", "L.L.C.", "Inc", "Inc.", "GmbH", "AG", "S.A.", "SA",
  "SAS", "SARL", "B.V.", "BV", "N.V.", "NV", "Corp", "Corp.", "Corporation", "Co.", "PLC",
  "plc", "Pty", "Oy", "AB", "S.r.l.", "SRL", "S.L.", "KG", "UG", "LLP", "GbR", "e.K.",
  NULL
};

/* The end of the company name when @line contains a company suffix as a
 * word: "ACME Widgets Ltd., 12 High St" gives the length of
 * "ACME Widgets Ltd.". 0 when there is none. */
static gsize
company_name_length (const Line *line)
{
  gsize pos = 0;

  while (pos < line->len)
    {
      gsize start, end;
      char word[16];

      while (pos < line->len && (is_space (line->text[pos]) || line->text[pos] == ','))
        pos++;
      start = pos;
      while (pos < line->len && !is_space (line->text[pos]) && line->text[pos] != ',')
        pos++;
      end = pos;

      if (end > start && end - start < sizeof word)
        {
          memcpy (word, line->text + start, end - start);
          word[end - start] = '\0';
          if (start > 0 && str_in (word, company_suffixes))
            return end;
        }
    }

  return 0;
}

static void
find_issuer (Extractor  *self,
             const Line *line,
             PageState  *state)
{
  static const char * const recipient_labels[] = {
    "bill to", "billed to", "invoice to", "to:", "ship to", "sold to", "customer:",
    "recipient:", "deliver to", NULL
  };
  gsize company_len;

  if (state->issuer_next)
    {
      state->issuer_next = FALSE;
      if (!self->issuer_from.set)
        found_set (&self->issuer_from, make_snippet (line->text, line->len), NAN, NULL,
                   line->page, line->text, line->len, 0);
      return;
    }

  if (g_str_has_prefix (line->lower, "from:") || strcmp (line->lower, "from") == 0)
    {
      const char *rest = line->text + MIN (line->len, strlen ("from:"));
      gsize rest_len = line->len - (rest - line->text);

      while (rest_len > 0 && is_space (*rest))
        rest++, rest_len--;

      if (rest_len == 0)
        state->issuer_next = TRUE;
      else if (!self->issuer_from.set)
        found_set (&self->issuer_from, make_snippet (rest, rest_len), NAN, NULL,
                   line->page, line->text, line->len, 0);
      return;
    }

  if (state->recipient_next)
    {
      state->recipient_next = FALSE;
      if (!self->recipient.set)
        found_set (&self->recipient, make_snippet (line->text, line->len), NAN, NULL,
                   line->page, line->text, line->len, 0);
    }

  for (guint i = 0; recipient_labels[i] != NULL; i++)
    {
      gsize len = strlen (recipient_labels[i]);

      if (g_str_has_prefix (line->lower, recipient_labels[i]) &&
          !g_ascii_isalnum (line->lower[len]))
        {
          const char *rest = line->text + len;
          gsize rest_len = line->len - len;

          while (rest_len > 0 && (is_space (*rest) || *rest == ':'))
            rest++, rest_len--;

          /* "Bill to: Globex Corp." or "Bill to:" above the name */
          if (rest_len == 0)
            state->recipient_next = TRUE;
          else if (!self->recipient.set)
            found_set (&self->recipient, make_snippet (rest, rest_len), NAN, NULL,
                       line->page, line->text, line->len, 0);

          state->recipient_lines = RECIPIENT_BLOCK_LINES;
          return;
        }
    }

  if (state->recipient_lines > 0)
    {
      state->recipient_lines--;
      return;
    }

  if (self->issuer_company.set || line->page != 1 || line->index >= ISSUER_LINES)
    return;

  company_len = company_name_length (line);
  if (company_len > 0 && company_len <= MAX_LABEL)
    found_set (&self->issuer_company, g_strndup (line->text, company_len), NAN, NULL,
               line->page, line->text, line->len, 0);
}

/* ---------------------------------------------------------- title & doi */

static gboolean
is_substantial (const Line *line)
{
  guint letters = 0;
  guint visible = 0;
  g_autofree char *copy = NULL;

  if (line->len < 4 || line->len > MAX_SNIPPET)
    return FALSE;

  copy = g_strndup (line->text, line->len);
  if (!g_utf8_validate (copy, -1, NULL))
    return FALSE;

  for (const char *p = copy; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        continue;
      visible++;
      letters += g_unichar_isalpha (c);
    }

  return letters >= 3 && letters * 2 >= visible && line->text[line->len - 1] != ':';
}

static void
find_title_line (Extractor  *self,
                 const Line *line)
{
  if (line->index >= TITLE_LINES)
    return;

  if (!self->title_line.set && is_substantial (line))
    found_set (&self->title_line, make_snippet (line->text, line->len), NAN, NULL,
               line->page, line->text, line->len, 0);

  if (!self->invoice_line.set && line->index < 15 && is_invoice_heading (line))
    found_set (&self->invoice_line, make_snippet (line->text, line->len), NAN, NULL,
               line->page, line->text, line->len, 0);
}

static void
find_doi (Extractor  *self,
          const Line *line)
{
  const char *p;

  if (self->doi.set)
    return;

  for (p = strstr (line->lower, "10."); p != NULL; p = strstr (p + 1, "10."))
    {
      const char *q = p + 3;
      guint digits = 0;

      if (p > line->lower && g_ascii_isalnum (p[-1]))
        continue;
      while (g_ascii_isdigit (*q))
        q++, digits++;
      if (digits < 4 || digits > 9 || *q != '/' || q[1] == '\0' || is_space (q[1]))
        continue;

      while (*q != '\0' && !is_space (*q))
        q++;
      while (q > p && strchr (".,;)]", q[-1]) != NULL)
        q--;

      found_set (&self->doi, g_strndup (line->text + (p - line->lower), q - p), NAN, NULL,
                 line->page, line->text, line->len, 0);
      return;
    }
}

/* A metadata title that names the document, or NULL: not "Untitled", not a
 * file name. "Microsoft Word - Annual Report.docx" gives "Annual Report". */
static char *
meaningful_title (const char *title)
{
  static const char * const prefixes[] = {
    "Microsoft Word - ", "Microsoft PowerPoint - ", "Microsoft Excel - ", NULL
  };
  static const char * const extensions[] = {
    ".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ppt", ".pptx",
    ".tex", ".indd", ".dvi", ".ps", ".odp", ".ods", ".pages", ".key", NULL
  };
  static const char * const placeholders[] = {
    "untitled", "document", "title", "no title", "none", "slide 1", "presentation",
    "(anonymous)", "unknown", "draft", NULL
  };
  g_autofree char *copy = NULL;
  g_autofree char *lower = NULL;
  char *t;
  guint letters = 0;
  gboolean had_extension = FALSE;

  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    return NULL;

  copy = g_strdup (title);
  t = g_strstrip (copy);

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (t, prefixes[i], strlen (prefixes[i])) == 0)
        t = g_strstrip (t + strlen (prefixes[i]));
    }

  lower = g_ascii_strdown (t, -1);
  for (guint i = 0; extensions[i] != NULL; i++)
    {
      if (g_str_has_suffix (lower, extensions[i]))
        {
          t[strlen (t) - strlen (extensions[i])] = '\0';
          lower[strlen (lower) - strlen (extensions[i])] = '\0';
          had_extension = TRUE;
          break;
        }
    }
  g_strstrip (t);
  g_strstrip (lower);

  for (const char *p = t; *p != '\0'; p = g_utf8_next_char (p))
    letters += g_unichar_isalpha (g_utf8_get_char (p));

  if (letters < 3 || strlen (t) > 300)
    return NULL;
  if (str_in (lower, placeholders) || g_str_has_prefix (lower, "untitled"))
    return NULL;
  /* "Document1", "scan_0001": what a program named the file */
  if (g_str_has_prefix (lower, "document") && g_ascii_isdigit (lower[strlen ("document")]))
    return NULL;
  if (strchr (t, ' ') == NULL &&
      (had_extension || strchr (t, '_') != NULL || strchr (t, '/') != NULL ||
       strchr (t, '\\') != NULL))
    return NULL;

  return g_strdup (t);
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

/* ------------------------------------------------------------ per page */

static void
process_line (Extractor  *self,
              const Line *line,
              PageState  *state)
{
  score_line (self, line);
  detect_scale_note (self, line, state);
  detect_year_header (self, line, state);
  if (line->n_numbers > 0)
    find_dates (self, line, state);
  find_invoice_number (self, line);
  find_amounts (self, line);
  find_issuer (self, line, state);
  find_doi (self, line);
  if (line->page == 1 || !self->title_line.set)
    find_title_line (self, line);
  add_figure (self, line, state);
}

static void
process_page (Extractor  *self,
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

  state.date_order = assay_date_order_for_text (text, strlen (text));

  numbers = assay_numbers_scan (text, len);
  if (numbers == NULL)
    numbers = g_array_new (FALSE, FALSE, sizeof (AssayNumber));

  for (guint i = 0; i < numbers->len; i++)
    {
      const AssayNumber *n = &g_array_index (numbers, AssayNumber, i);
      if (n->kind == ASSAY_NUMBER_AMOUNT)
        count_currency (self, n->currency);
    }

  while (pos < len)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);
      gsize end = nl != NULL ? (gsize) (nl - text) : len;
      gsize start = pos;
      Line line = { 0 };

      pos = end + 1;

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
      while (next_number < numbers->len &&
             g_array_index (numbers, AssayNumber, next_number).start < start)
        next_number++;

      if (end == start)
        continue;

      line.text = text + start;
      line.len = end - start;
      line.offset = start;
      line.page = page;
      line.index = index++;
      line.numbers = &g_array_index (numbers, AssayNumber, next_number);
      while (next_number + line.n_numbers < numbers->len &&
             g_array_index (numbers, AssayNumber, next_number + line.n_numbers).start < end)
        line.n_numbers++;
      next_number += line.n_numbers;

      g_string_truncate (self->lower, 0);
      g_string_append_len (self->lower, line.text, line.len);
      for (gsize i = 0; i < self->lower->len; i++)
        self->lower->str[i] = g_ascii_tolower (self->lower->str[i]);
      line.lower = self->lower->str;

      process_line (self, &line, &state);
    }
}

/* ------------------------------------------------------------- results */

static void
add_found_string (AssayExtraction *extraction,
                  const char      *name,
                  AssayFieldType   type,
                  const Found     *found)
{
  if (found->set)
    assay_extraction_add_field (extraction, name, type, found->value, found->page,
                                found->snippet);
}

static void
add_found_money (Extractor   *self,
                 const char  *name,
                 const Found *found,
                 const char  *currency)
{
  if (!found->set)
    return;

  assay_extraction_add_number_field (self->extraction, name, ASSAY_FIELD_MONEY, found->number,
                                     found->currency[0] != '\0' ? found->currency : currency,
                                     found->page, found->snippet);
}

/* Other names a report uses for a template field. */
static const struct { const char *field; const char *labels[8]; } field_synonyms[] = {
  { "revenue", { "revenues", "net_sales", "sales", "turnover", "net_revenue",
                 "net_revenues", NULL } },
  { "net_income", { "net_profit", "net_earnings", "profit_for_the_year", "net_income_loss",
                    "net_loss", "net_profit_loss", NULL } },
  { "operating_income", { "operating_profit", "ebit", "income_from_operations",
                          "operating_result", "operating_income_loss", NULL } },
  { "equity", { "shareholders_equity", "stockholders_equity", "total_shareholders_equity",
                "total_stockholders_equity", NULL } },
  { "employees", { "number_of_employees", "headcount", NULL } },
};

static char *
normalise_label (const char *label)
{
  GString *norm = g_string_new (NULL);
  gboolean last_underscore = TRUE;

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '\'')
        continue;
      if (g_ascii_isalnum (*p))
        {
          g_string_append_c (norm, g_ascii_tolower (*p));
          last_underscore = FALSE;
        }
      else if (!last_underscore)
        {
          g_string_append_c (norm, '_');
          last_underscore = TRUE;
        }
    }
  if (norm->len > 0 && norm->str[norm->len - 1] == '_')
    g_string_truncate (norm, norm->len - 1);

  return g_string_free (norm, FALSE);
}

/* "Total revenue" for a template field "total_revenue" or "revenue". */
static gboolean
label_matches_field (const char *label,
                     const char *field_name)
{
  g_autofree char *norm = normalise_label (label);

  if (strcmp (norm, field_name) == 0)
    return TRUE;
  if (g_str_has_prefix (norm, "total_") && strcmp (norm + 6, field_name) == 0)
    return TRUE;
  if (g_str_has_prefix (field_name, "total_") && strcmp (field_name + 6, norm) == 0)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (field_synonyms); i++)
    {
      if (strcmp (field_synonyms[i].field, field_name) != 0)
        continue;
      for (guint j = 0; field_synonyms[i].labels[j] != NULL; j++)
        {
          if (strcmp (norm, field_synonyms[i].labels[j]) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

static void
fill_template_fields (Extractor *self)
{
  guint n = assay_template_get_n_fields (self->template_);

  for (guint i = 0; i < n; i++)
    {
      const AssayTemplateField *tf = assay_template_get_field (self->template_, i);

      if (assay_extraction_get_field (self->extraction, tf->name) != NULL)
        continue;

      if (tf->type == ASSAY_FIELD_NUMBER || tf->type == ASSAY_FIELD_MONEY)
        {
          for (guint j = 0; j < self->extraction->figures->len; j++)
            {
              AssayFigure *figure = g_ptr_array_index (self->extraction->figures, j);
              AssayField *field;

              if (!label_matches_field (figure->label, tf->name))
                continue;
              if (tf->type == ASSAY_FIELD_MONEY && g_strcmp0 (figure->unit, "%") == 0)
                continue;

              field = assay_extraction_add_number_field (self->extraction, tf->name, tf->type,
                                                         figure->value, figure->unit,
                                                         figure->page, figure->snippet);
              if (tf->type == ASSAY_FIELD_NUMBER)
                g_clear_pointer (&field->unit, g_free);
              break;
            }
        }
      else if (strcmp (tf->name, "doi") == 0)
        add_found_string (self->extraction, "doi", ASSAY_FIELD_STRING, &self->doi);
      else if (strcmp (tf->name, "company") == 0 || strcmp (tf->name, "issuer") == 0)
        add_found_string (self->extraction, tf->name, ASSAY_FIELD_STRING,
                          self->issuer_from.set ? &self->issuer_from : &self->issuer_company);
      else if (strcmp (tf->name, "recipient") == 0)
        add_found_string (self->extraction, "recipient", ASSAY_FIELD_STRING, &self->recipient);
      else if (strcmp (tf->name, "period") == 0 && self->first_period[0] != '\0')
        assay_extraction_add_field (self->extraction, "period", ASSAY_FIELD_STRING,
                                    self->first_period, 0, NULL);
      else if (strcmp (tf->name, "currency") == 0 && most_common_currency (self) != NULL)
        assay_extraction_add_field (self->extraction, "currency", ASSAY_FIELD_STRING,
                                    most_common_currency (self), 0, NULL);
      else if (strcmp (tf->name, "date") == 0)
        {
          /* When the document was written or issued; a due date is not that. */
          add_found_string (self->extraction, "date", ASSAY_FIELD_DATE,
                            self->dates[DATE_PLAIN].set ? &self->dates[DATE_PLAIN]
                                                        : &self->dates[DATE_ISSUE]);
        }

      if (tf->required && assay_extraction_get_field (self->extraction, tf->name) == NULL)
        assay_extraction_add_warning (self->extraction,
                                      _("No “%s” was found in the text."), tf->name);
    }
}

static void
finish (Extractor          *self,
        const AssayPdfText *text)
{
  AssayExtraction *extraction = self->extraction;
  const char *type = guess_document_type (self);
  gboolean invoice = strcmp (type, "invoice") == 0 ||
                     strcmp (self->extraction->template_name, "invoice") == 0;
  g_autofree char *meta_title = meaningful_title (text->title);
  const Found *title_found = NULL;
  const char *currency;

  g_free (extraction->document_type);
  extraction->document_type = g_strdup (type);

  if (meta_title != NULL)
    extraction->title = g_strdup (meta_title);
  else
    {
      title_found = invoice && self->invoice_line.set ? &self->invoice_line : &self->title_line;
      if (title_found->set)
        extraction->title = g_strdup (title_found->value);
      else
        title_found = NULL;
    }

  assay_extraction_add_field (extraction, "document_type", ASSAY_FIELD_STRING, type, 0, NULL);
  if (extraction->title != NULL)
    assay_extraction_add_field (extraction, "title", ASSAY_FIELD_STRING, extraction->title,
                                title_found != NULL ? title_found->page : 0,
                                title_found != NULL ? title_found->snippet : NULL);
  if (text->author != NULL)
    {
      g_autofree char *author = g_strstrip (g_strdup (text->author));

      if (*author != '\0')
        assay_extraction_add_field (extraction, "author", ASSAY_FIELD_STRING, author, 0, NULL);
    }

  if (invoice)
    {
      const Found *issue = self->dates[DATE_ISSUE].set ? &self->dates[DATE_ISSUE]
                                                       : &self->dates[DATE_PLAIN];

      currency = self->total.set && self->total.currency[0] != '\0'
                 ? self->total.currency : most_common_currency (self);

      add_found_string (extraction, "invoice_number", ASSAY_FIELD_STRING, &self->invoice_number);
      add_found_string (extraction, "issue_date", ASSAY_FIELD_DATE, issue);
      add_found_string (extraction, "due_date", ASSAY_FIELD_DATE, &self->dates[DATE_DUE]);
      add_found_money (self, "total", &self->total, currency);
      add_found_money (self, "tax", &self->tax, currency);
      add_found_money (self, "subtotal", &self->subtotal, currency);
      if (currency != NULL)
        assay_extraction_add_field (extraction, "currency", ASSAY_FIELD_STRING, currency,
                                    self->total.set ? self->total.page : 0,
                                    self->total.set ? self->total.snippet : NULL);
      add_found_string (extraction, "issuer", ASSAY_FIELD_STRING,
                        self->issuer_from.set ? &self->issuer_from : &self->issuer_company);
      add_found_string (extraction, "recipient", ASSAY_FIELD_STRING, &self->recipient);
    }
  else
    {
      for (guint i = 0; i < N_DATES; i++)
        add_found_string (extraction, date_field_names[i], ASSAY_FIELD_DATE, &self->dates[i]);
    }

  if (strcmp (type, "scientific-paper") == 0)
    add_found_string (extraction, "doi", ASSAY_FIELD_STRING, &self->doi);

  if (self->template_ != NULL)
    fill_template_fields (self);

  if (self->figures_found > extraction->figures->len)
    assay_extraction_add_warning (extraction,
                                  _("Only the first %u of %u key figures were kept."),
                                  extraction->figures->len, self->figures_found);
}

static void
extractor_clear (Extractor *self)
{
  found_clear (&self->title_line);
  found_clear (&self->invoice_line);
  found_clear (&self->invoice_number);
  found_clear (&self->total);
  found_clear (&self->tax);
  found_clear (&self->subtotal);
  found_clear (&self->recipient);
  found_clear (&self->issuer_from);
  found_clear (&self->issuer_company);
  found_clear (&self->doi);
  for (guint i = 0; i < N_DATES; i++)
    found_clear (&self->dates[i]);
  g_clear_pointer (&self->seen_figures, g_hash_table_unref);
  if (self->lower != NULL)
    g_string_free (self->lower, TRUE);
  self->lower = NULL;
  g_clear_pointer (&self->template_, assay_template_unref);
  g_clear_pointer (&self->extraction, assay_extraction_free);
}

/**
 * assay_offline_extract:
 * @text: the document's text
 * @template_: (nullable): what to extract; %NULL for "general"
 * @cancellable: (nullable): checked before every page
 *
 * Extracts the title, document type, dates, key figures and, for invoices,
 * the invoice fields. Pure: any thread, no shared state; linear in the size
 * of the text.
 *
 * Returns: (transfer full) (nullable): the extraction, or %NULL when
 * @cancellable was cancelled
 */
AssayExtraction *
assay_offline_extract (const AssayPdfText *text,
                       AssayTemplate      *template_,
                       GCancellable       *cancellable)
{
  Extractor self = { 0 };
  AssayExtraction *result;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  self.template_ = template_ != NULL ? assay_template_ref (template_)
                                     : assay_template_lookup ("general");
  self.extraction = assay_extraction_new ("offline",
                                          self.template_ != NULL
                                          ? assay_template_get_name (self.template_)
                                          : "general");
  self.seen_figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.lower = g_string_new (NULL);

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);

      if (g_cancellable_is_cancelled (cancellable))
        {
          extractor_clear (&self);
          return NULL;
        }

      process_page (&self, page->text, page->index + 1);
    }

  finish (&self, text);

  result = g_steal_pointer (&self.extraction);
  extractor_clear (&self);

  return result;
}

/* ---------------------------------------------------------------- GObject */

struct _AssayOfflineExtractor
{
  GObject          parent_instance;
  AssayWorkerPool *pool;
};

enum {
  PROP_0,
  PROP_POOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void extractor_iface_init (AssayExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayOfflineExtractor, assay_offline_extractor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_EXTRACTOR, extractor_iface_init))

typedef struct
{
  AssayPdfText  *text;
  AssayTemplate *template_;
} ExtractData;

static void
extract_data_free (gpointer data)
{
  ExtractData *d = data;

  g_clear_pointer (&d->text, assay_pdf_text_unref);
  g_clear_pointer (&d->template_, assay_template_unref);
  g_free (d);
}

static char *
assay_offline_extractor_dup_id (AssayExtractor *extractor)
{
  return g_strdup_printf ("offline-%d", ASSAY_OFFLINE_EXTRACTOR_VERSION);
}

static void
extract_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExtractData *data = task_data;
  AssayExtraction *extraction;

  extraction = assay_offline_extract (data->text, data->template_, cancellable);

  if (extraction == NULL)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The extraction was cancelled."));
      return;
    }

  g_task_return_pointer (task, extraction, (GDestroyNotify) assay_extraction_free);
}

static void
assay_offline_extractor_extract_async (AssayExtractor            *extractor,
                                       const AssayExtractRequest *request,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (extractor);
  g_autoptr(GTask) task = NULL;
  ExtractData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_offline_extractor_extract_async);
  g_task_set_name (task, "assay-offline-extract");

  /* The worker sees only references to immutable values. */
  data = g_new0 (ExtractData, 1);
  data->text = assay_pdf_text_ref (request->text);
  data->template_ = assay_template_ref (request->template_);
  g_task_set_task_data (task, data, extract_data_free);

  assay_worker_pool_run (self->pool, task, G_PRIORITY_DEFAULT, extract_thread);
}

static AssayExtraction *
assay_offline_extractor_extract_finish (AssayExtractor  *extractor,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        assay_offline_extractor_extract_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
extractor_iface_init (AssayExtractorInterface *iface)
{
  iface->dup_id = assay_offline_extractor_dup_id;
  iface->extract_async = assay_offline_extractor_extract_async;
  iface->extract_finish = assay_offline_extractor_extract_finish;
}

static void
assay_offline_extractor_constructed (GObject *object)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  G_OBJECT_CLASS (assay_offline_extractor_parent_class)->constructed (object);

  if (self->pool == NULL)
    self->pool = g_object_ref (assay_worker_pool_get_default ());
}

static void
assay_offline_extractor_dispose (GObject *object)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  g_clear_object (&self->pool);

  G_OBJECT_CLASS (assay_offline_extractor_parent_class)->dispose (object);
}

static void
assay_offline_extractor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  switch (prop_id)
    {
    case PROP_POOL:
      g_value_set_object (value, self->pool);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_offline_extractor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  switch (prop_id)
    {
    case PROP_POOL:
      self->pool = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_offline_extractor_class_init (AssayOfflineExtractorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = assay_offline_extractor_constructed;
  object_class->dispose = assay_offline_extractor_dispose;
  object_class->get_property = assay_offline_extractor_get_property;
  object_class->set_property = assay_offline_extractor_set_property;

  /**
   * AssayOfflineExtractor:pool:
   *
   * The worker pool extractions run on; %NULL at construction means the
   * default pool.
   */
  properties[PROP_POOL] =
    g_param_spec_object ("pool", NULL, NULL,
                         ASSAY_TYPE_WORKER_POOL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_offline_extractor_init (AssayOfflineExtractor *self)
{
}

/**
 * assay_offline_extractor_new:
 * @pool: (nullable): where extractions run; %NULL for the default pool
 *
 * Main thread.
 *
 * Returns: (transfer full): a new extractor
 */
AssayOfflineExtractor *
assay_offline_extractor_new (AssayWorkerPool *pool)
{
  g_return_val_if_fail (pool == NULL || ASSAY_IS_WORKER_POOL (pool), NULL);

  return g_object_new (ASSAY_TYPE_OFFLINE_EXTRACTOR,
                       "pool", pool,
                       NULL);
}
