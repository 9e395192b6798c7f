/* assay-offline-extractor-invoice.c — invoice fields: number, dates, amounts, issuer, recipient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-offline-extractor-private.h"

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

void
_assay_offline_find_dates (Extractor       *self,
                           const Line      *line,
                           const PageState *state)
{
  struct { gsize start, end; } spans[MAX_DATE_LABELS];
  guint n_spans = 0;

  for (guint i = 0; i < _assay_offline_n_date_labels; i++)
    {
      const char *label = _assay_offline_date_labels[i].label;
      gsize label_len = strlen (label);
      const char *hit = line->lower;

      while ((hit = _assay_offline_find_word_from (line->lower, hit, label, FALSE)) != NULL)
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

          p = _assay_offline_skip_chars (line->lower + end, " \t:-.#", 6);
          if (strncmp (p, "date", 4) == 0 && !g_ascii_isalpha (p[4]))
            p = _assay_offline_skip_chars (p + 4, " \t:-.#", 6);
          if (strncmp (p, "on ", 3) == 0)
            p += 3;
          /* The value in the next cell: "Rechnungsdatum        28.03.2024". */
          p = _assay_offline_skip_chars (p, " ", MAX_CELL_GAP);

          iso = parse_date (p, state->date_order);
          if (iso == NULL)
            continue;

          if (n_spans < G_N_ELEMENTS (spans))
            {
              spans[n_spans].start = start;
              spans[n_spans].end = end;
              n_spans++;
            }

          if (!self->dates[_assay_offline_date_labels[i].field].set)
            _assay_offline_found_set (&self->dates[_assay_offline_date_labels[i].field], g_steal_pointer (&iso), NAN,
                                      NULL, line->page, line->text, line->len, 0);
          break;
        }
    }
}

/* "Invoice 103767" over "February 17, 2026": a date alone on a line just
 * under the heading, with no label, is the invoice's date. */
void
_assay_offline_find_date_under_heading (Extractor       *self,
                                        const Line      *line,
                                        const PageState *state)
{
  gsize len;
  AssayDate date;

  if (self->dates[DATE_ISSUE].set || self->dates[DATE_PLAIN].set || !self->invoice_line.set ||
      line->page != 1 || line->index <= self->invoice_line_index ||
      line->index > self->invoice_line_index + 2 || line->n_numbers == 0)
    return;
  len = _assay_offline_first_cell (line->text, line->len);
  if (!assay_date_parse (line->text, len, state->date_order, TRUE, &date) ||
      date.end != len)
    return;

  _assay_offline_found_set (&self->dates[DATE_PLAIN], assay_date_to_iso (&date), NAN, NULL,
                            line->page, line->text, line->len, 0);
}

/* ------------------------------------------------------------ currencies */

void
_assay_offline_count_currency (Extractor  *self,
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

/* ISO codes written as words on an invoice ("Netto EUR   MwSt. EUR"),
 * for when no amount carries its currency. */
void
_assay_offline_count_currency_words (Extractor  *self,
                                     const Line *line)
{
  static const char * const codes[] = {
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", NULL
  };

  for (guint i = 0; codes[i] != NULL; i++)
    {
      const char *hit = g_strstr_len (line->text, line->len, codes[i]);

      if (hit == NULL || (hit > line->text && is_word_char (hit[-1])) ||
          (hit + 3 < line->text + line->len && is_word_char (hit[3])))
        continue;
      for (guint k = 0; k <= self->n_word_currencies; k++)
        {
          if (k == self->n_word_currencies)
            {
              if (k < MAX_CURRENCIES)
                {
                  g_strlcpy (self->word_currencies[k].code, codes[i], 4);
                  self->word_currencies[k].count = 1;
                  self->n_word_currencies++;
                }
              break;
            }
          if (strcmp (self->word_currencies[k].code, codes[i]) == 0)
            {
              self->word_currencies[k].count++;
              break;
            }
        }
    }
}

const char *
_assay_offline_most_common_currency (Extractor *self)
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
  for (guint i = 0; best == NULL && i < self->n_word_currencies; i++)
    {
      if (self->word_currencies[i].count > best_count)
        {
          best = self->word_currencies[i].code;
          best_count = self->word_currencies[i].count;
        }
    }

  return best;
}

/* After the word "invoice" in @p (lowercase): optional "no.", "#",
 * "number", ":" and then a token with a digit, "2024-017", which may
 * stand in the next cell ("FACTURE N° :        F20260023"). Not a date
 * ("Date de facture 16/11/2017"). */
static gboolean
parse_invoice_number (const char  *p,
                      const char **value_start,
                      gsize       *value_len)
{
  gboolean has_digit = FALSE;
  AssayDate date;

  for (guint i = 0; i < 4; i++)
    {
      const char *word_end;
      char word[8];
      gsize len;

      p = _assay_offline_skip_chars (p, " \t", MAX_CELL_GAP);
      word_end = p;
      while (*word_end != '\0' && !is_space (*word_end) && *word_end != ':' && word_end - p < 7)
        word_end++;
      if (word_end == p && *p == ':')
        word_end++;
      len = word_end - p;
      memcpy (word, p, len);
      word[len] = '\0';

      if (len == 0 || !_assay_offline_str_in (word, _assay_offline_invoice_number_words))
        break;
      p = word_end;
      if (*p == ':')
        p++;
    }

  p = _assay_offline_skip_chars (p, " \t:#.", 8);
  p = _assay_offline_skip_chars (p, " \t", MAX_CELL_GAP);
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

  return has_digit && *value_len > 0 && *value_len <= 40 &&
         !assay_date_parse (*value_start, *value_len, ASSAY_DATE_DAY_FIRST, TRUE, &date);
}

void
_assay_offline_find_invoice_number (Extractor  *self,
                                    const Line *line)
{
  const char *value_start = NULL;
  gsize value_len = 0;
  gboolean found = FALSE;

  if (self->invoice_number.set)
    return;
  /* An invoice number has a digit: most lines of a long text have none. */
  for (gsize i = 0; ; i++)
    {
      if (i == line->len)
        return;
      if (g_ascii_isdigit (line->text[i]))
        break;
    }

  for (guint i = 0; !found && _assay_offline_invoice_words[i] != NULL; i++)
    {
      const char *word = _assay_offline_invoice_words[i];
      const char *hit = line->lower;

      while (!found &&
             (hit = _assay_offline_find_word_from (line->lower, hit, word, FALSE)) != NULL)
        {
          found = parse_invoice_number (hit + strlen (word), &value_start, &value_len);
          hit += strlen (word);
        }
    }
  if (!found)
    return;

  /* The value as written, from the original line. */
  _assay_offline_found_set (&self->invoice_number,
                            g_strndup (line->text + (value_start - line->lower), value_len),
                            NAN, NULL, line->page, line->text, line->len, 0);

  /* "Fattura n. 7/2024 del 10 gennaio 2024", "Rechnung Nr. 471102 vom
   * 05.06.2018": the invoice's own date after its number. */
  if (!self->dates[DATE_ISSUE].set)
    {
      static const char * const ofs[] = {
        " del ", " vom ", " du ", " dated ", " of ", " van ", NULL
      };
      const char *after = value_start + value_len;
      AssayDate date;

      for (guint i = 0; ofs[i] != NULL; i++)
        {
          gsize n = strlen (ofs[i]);

          if (strncmp (after, ofs[i], n) == 0 &&
              assay_date_parse (line->text + (after + n - line->lower),
                                line->len - (after + n - line->lower), ASSAY_DATE_DAY_FIRST, TRUE,
                                &date) &&
              date.start == 0)
            {
              _assay_offline_found_set (&self->dates[DATE_ISSUE], assay_date_to_iso (&date), NAN,
                                        NULL, line->page, line->text, line->len, 0);
              break;
            }
        }
    }
}

/* "Numéro : 2024-0456" a line or two under the heading "FACTURE": the
 * invoice's number under a bare label. */
void
_assay_offline_find_number_under_heading (Extractor  *self,
                                          const Line *line)
{
  gsize label_len = 0;

  if (self->invoice_number.set || !self->invoice_line.set || line->page != 1 ||
      line->index > self->invoice_line_index + 3 || line->index <= self->invoice_line_index)
    return;
  while (label_len < line->len && label_len < 12 && !is_space (line->lower[label_len]) &&
         line->lower[label_len] != ':')
    label_len++;
  _assay_offline_find_bare_number (self, line, label_len);
}

/* @pair is a label over its value; a label that is only "Number",
 * "Numero", "Nr." names the invoice's number on an invoice. */
void
_assay_offline_find_bare_number (Extractor  *self,
                                 const Line *pair,
                                 gsize       label_len)
{
  char label[16];
  const char *value_start;
  gsize value_len;

  if (self->invoice_number.set || label_len >= sizeof label ||
      !(self->invoice_line.set || self->score[TYPE_INVOICE] >= 3 || self->invoice_template))
    return;
  memcpy (label, pair->lower, label_len);
  label[label_len] = '\0';
  if (label_len > 1 && label[label_len - 1] == ':')
    label[label_len - 1] = '\0';
  if (strcmp (label, ":") == 0 || strcmp (label, "id") == 0 ||
      !_assay_offline_str_in (label, _assay_offline_invoice_number_words))
    return;
  if (!parse_invoice_number (pair->lower + label_len, &value_start, &value_len))
    return;

  _assay_offline_found_set (&self->invoice_number,
                            g_strndup (pair->text + (value_start - pair->lower), value_len),
                            NAN, NULL, pair->page, pair->text, pair->len, 0);
}

/* "INVOICE", "Tax invoice", "Invoice 2024-017", "Invoice # INV-7781": a
 * heading, where "Invoice date: ..." is not. */
gboolean
_assay_offline_is_invoice_heading (const Line *line)
{
  static const char * const headings[] = {
    "invoice", "tax invoice", "commercial invoice", "proforma invoice", "pro forma invoice",
    "sales invoice", "vat invoice", "credit note", "rechnung", "gutschrift", "facture",
    "avoir", "factuur", "creditnota", "factura", "fattura", NULL
  };
  const char *value_start;
  gsize value_len;

  if (_assay_offline_str_in (line->lower, headings))
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

static gboolean
is_other_dollar (const char *code)
{
  static const char * const dollars[] = { "CAD", "AUD", "NZD", "SGD", "HKD", NULL };

  return _assay_offline_str_in (code, dollars);
}

/* Keeps @value as one of the parts of the net amount or of the tax
 * (several rates), for _assay_offline_reconcile_sums(). */
static void
add_part (AmountPart   parts[MAX_AMOUNT_PARTS],
          guint       *n_parts,
          double       value,
          const Line  *line)
{
  for (guint i = 0; i < *n_parts; i++)
    {
      if (fabs (parts[i].value - value) < 0.005 && parts[i].page == line->page)
        return;   /* the same amount again (a summary repeats it) */
    }
  if (*n_parts == MAX_AMOUNT_PARTS)
    return;
  parts[*n_parts].value = value;
  parts[*n_parts].page = line->page;
  parts[*n_parts].snippet = _assay_offline_make_snippet (line->text, line->len);
  (*n_parts)++;
}

void
_assay_offline_find_amounts (Extractor  *self,
                             const Line *line)
{
  static const char * const not_amounts[] = {
    "au capital", "capital social", "share capital", "stammkapital", "capitale sociale",
    NULL
  };
  const AssayNumber *n = last_amount (line);
  const AssayNumber *money[4];
  guint n_money = 0;
  int tax = 0;
  int subtotal = 0;
  int total;
  const char *currency;

  if (n == NULL || !_assay_offline_is_money (n))
    return;

  /* A row of a table of many amounts (a VAT breakdown read as one line)
   * is not a sum; nor is a line of registration or bank details. */
  for (guint i = 0; i < line->n_numbers; i++)
    {
      const AssayNumber *m = &line->numbers[i];

      if (!is_quantity (m) || m->kind == ASSAY_NUMBER_PERCENT || !_assay_offline_is_money (m))
        continue;
      if (n_money == G_N_ELEMENTS (money))
        return;
      money[n_money++] = m;
    }
  if (_assay_offline_has_any_word (line->lower, _assay_offline_identifier_line_words) ||
      _assay_offline_has_any_word (line->lower, not_amounts))
    return;

  /* "Totale EUR   976,00": the currency in the label; and "Total CAD
   * $1,680.00": a "$" is any dollar, the label says which. */
  currency = _assay_offline_note_currency (line->lower);
  if (n->currency[0] != '\0' &&
      !(currency != NULL && strcmp (n->currency, "USD") == 0 && is_other_dollar (currency) &&
        g_strstr_len (line->text + num_start (line, n), num_end (line, n) - num_start (line, n),
                      "US") == NULL))
    currency = n->currency;

  total = _assay_offline_total_priority (line->lower);
  if (total == 0)
    subtotal = _assay_offline_subtotal_priority (line->lower);
  if (total == 0 && subtotal == 0)
    tax = _assay_offline_tax_priority (line->lower);

  /* "19 % MwSt.   376,37   71,51   447,88": base, tax and gross on one
   * line; the tax is the one that adds up. */
  if (tax > 0 && n_money >= 3)
    {
      const AssayNumber *a = money[n_money - 3], *b = money[n_money - 2], *c = money[n_money - 1];

      if (fabs (a->value + b->value - c->value) >= 0.005)
        return;
      n = b;
    }
  else if (n_money >= 3)
    return;

  /* A weak "net" line (an item's "(Net): 60,00") does not replace an
   * earlier one; strong ones do, the last being the sum. */
  if (subtotal > 0 && (subtotal > self->subtotal.priority ||
                       (subtotal == self->subtotal.priority && subtotal > 1)))
    _assay_offline_found_set (&self->subtotal,
                              g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
                              n->value, currency, line->page, line->text, line->len, subtotal);
  if (subtotal > 1 && !line->paired)
    add_part (self->net_parts, &self->n_net_parts, n->value, line);

  /* Later totals win ties: the one at the bottom is the sum. */
  if (total > 0 && total >= self->total.priority)
    _assay_offline_found_set (&self->total,
                              g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
                              n->value, currency, line->page, line->text, line->len, total);

  /* Earlier tax lines win ties; a "total VAT" line wins over rates. */
  if (tax > self->tax.priority)
    _assay_offline_found_set (&self->tax,
                              g_strndup (line->text + num_start (line, n), num_end (line, n) - num_start (line, n)),
                              n->value, currency, line->page, line->text, line->len, tax);
  if (tax == 1 && !line->paired)
    add_part (self->tax_parts, &self->n_tax_parts, n->value, line);
}

/* Whether the word at @p (@len bytes) is a company suffix. */
static gboolean
is_suffix_word (const char *p,
                gsize       len)
{
  char word[16];

  if (len == 0 || len >= sizeof word)
    return FALSE;
  memcpy (word, p, len);
  word[len] = '\0';

  if (_assay_offline_str_in (word, _assay_offline_company_suffixes))
    return TRUE;
  /* "TINYZIMMERTECH LTD", "KRAXI GMBH" */
  for (gsize i = 0; i < len; i++)
    if (g_ascii_islower (word[i]))
      return FALSE;
  for (guint i = 0; _assay_offline_company_suffixes[i] != NULL; i++)
    if (len > 2 && g_ascii_strcasecmp (word, _assay_offline_company_suffixes[i]) == 0)
      return TRUE;

  return FALSE;
}

/* What may follow a company name in its cell: the end, a comma or a
 * separator before its address ("Bei Spiel GmbH ● Ecke 12"), not more
 * words of a name ("Kunden AG Mitte") or of a sentence ("SARL au capital
 * de"). */
static gboolean
name_ends_at (const char *text,
              gsize       len,
              gsize       end)
{
  gsize p = end;

  while (p < len && text[p] == ' ')
    p++;
  if (p >= len || p - end >= 3)
    return TRUE;
  /* "Oakridge Joinery Ltd. Registered in England": a new sentence. */
  if (end > 0 && text[end - 1] == '.' && g_ascii_isupper (text[p]))
    return TRUE;

  return !(g_ascii_isalpha (text[p]) || ((guchar) text[p] >= 0xc3 && (guchar) text[p] <= 0xc5));
}

/* The end of the company name when @line contains a company suffix as a
 * word: "ACME Widgets Ltd., 12 High St" gives the length of
 * "ACME Widgets Ltd."; *@start is where the name's cell starts ("Invoice
 * Date      Orange Demo Inc." gives "Orange Demo Inc."). Suffixes run on
 * ("Pty Ltd", "GmbH & Co. KG"). 0 when there is none. */
static gsize
company_name_length (const Line *line,
                     gsize      *cell_start)
{
  gsize pos = 0;

  *cell_start = 0;
  while (pos < line->len)
    {
      gsize start, end;

      while (pos < line->len && (is_space (line->text[pos]) || line->text[pos] == ','))
        {
          if (pos + 2 < line->len && line->text[pos] == ' ' && line->text[pos + 1] == ' ' &&
              line->text[pos + 2] == ' ')
            {
              while (pos < line->len && line->text[pos] == ' ')
                pos++;
              *cell_start = pos;
              continue;
            }
          pos++;
        }
      start = pos;
      while (pos < line->len && !is_space (line->text[pos]) && line->text[pos] != ',')
        pos++;
      end = pos;

      if (start > *cell_start && is_suffix_word (line->text + start, end - start))
        {
          /* "Pty Ltd", "Corp Ltd.", "GmbH & Co. KG" */
          for (;;)
            {
              gsize q = end, w;

              if (q + 1 < line->len && line->text[q] == ' ' && line->text[q + 1] == '&' &&
                  q + 2 < line->len && line->text[q + 2] == ' ')
                q += 3;
              else if (q < line->len && line->text[q] == ' ')
                q++;
              else
                break;
              w = q;
              while (w < line->len && !is_space (line->text[w]) && line->text[w] != ',')
                w++;
              if (!is_suffix_word (line->text + q, w - q))
                break;
              end = w;
            }
          if (name_ends_at (line->text, line->len, end))
            return end;
          pos = end;
        }
    }

  return 0;
}

/* A word that names the document, not who sent it. */
static gboolean
is_document_word_line (const char *lower)
{
  static const char * const words[] = {
    "invoice", "rechnung", "facture", "factuur", "factura", "fattura", "credit note",
    "gutschrift", "avoir", "creditnota", "receipt", "statement", "quote", "quotation",
    "angebot", "devis", "offerte", "presupuesto", "preventivo", "bill", "tax", "page",
    NULL
  };

  return _assay_offline_has_any_word (lower, words);
}

/* Whether @text reads as a name: two to eight words of letters (a person
 * or a company, "Drukkerij Van der Meer"), no digits, no label colon. */
static gboolean
is_name_text (const char *text,
              gsize       len)
{
  guint words = 1;

  if (len < 3 || len > MAX_LABEL || !(g_ascii_isupper (text[0]) || (guchar) text[0] >= 0xc3))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (text[i]) || text[i] == ':' || text[i] == '@')
        return FALSE;
      if (text[i] == ' ')
        words++;
    }

  return words <= 8;
}

void
_assay_offline_find_large_issuer (Extractor  *self,
                                  const char *large)
{
  g_autofree char *lower = g_ascii_strdown (large, -1);
  gsize len = strlen (large);

  if (self->issuer_large.set || !is_name_text (large, len) || is_document_word_line (lower))
    return;
  /* One word only is too little to tell a name from a heading. */
  if (strchr (large, ' ') == NULL)
    return;

  _assay_offline_found_set (&self->issuer_large, g_strdup (large), NAN, NULL, 1, large, len, 0);
}

/* "weclapp.com": a company named by its domain. */
static gboolean
is_domain (const char *text,
           gsize       len)
{
  const char *dot = memchr (text, '.', len);

  if (dot == NULL || dot == text || len - (dot - text) < 3 || len > 40)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!(g_ascii_isalnum (text[i]) || text[i] == '.' || text[i] == '-'))
        return FALSE;
    }

  return g_ascii_isalpha (text[len - 1]);
}

/* "Bluefin Design Studio · 310 NW Glisan St · hello@bluefin.example": a
 * name, then its address and contact details after a separator, as in a
 * sender line above the address window or in a footer. */
static gboolean
find_sender_line (Extractor  *self,
                  const Line *line)
{
  static const char * const separators[] = {
    " \xc2\xb7 ", " | ", " \xe2\x80\xa2 ", " \xe2\x97\x8f ", " - ", " \xe2\x80\x93 ", NULL
  };
  static const char * const contact[] = {
    "tel", "phone", "fon", "fax", "e-mail", "email", NULL
  };
  const char *cut = NULL;
  gsize name_len;
  gboolean hint = FALSE;

  if (line->page != 1)
    return FALSE;
  for (guint i = 0; separators[i] != NULL; i++)
    {
      const char *hit = g_strstr_len (line->text, line->len, separators[i]);

      if (hit != NULL && (cut == NULL || hit < cut))
        cut = hit;
    }
  if (cut == NULL)
    return FALSE;
  name_len = cut - line->text;
  while (name_len > 0 && line->text[name_len - 1] == ' ')
    name_len--;
  if (!(is_name_text (line->text, name_len) && memchr (line->text, ' ', name_len) != NULL) &&
      !is_domain (line->text, name_len))
    return FALSE;

  /* Contact details, or a postcode and town after the name. */
  hint = strstr (line->lower, "@") != NULL || strstr (line->lower, "www.") != NULL ||
         strstr (line->lower, "http") != NULL || _assay_offline_has_any_word (line->lower, contact);
  hint |= _assay_offline_has_any_word (line->lower, _assay_offline_identifier_line_words);
  for (guint i = 0; i < line->n_numbers && !hint; i++)
    {
      const AssayNumber *n = &line->numbers[i];
      gsize start = num_start (line, n), end = num_end (line, n);

      hint = start > name_len && (end - start == 4 || end - start == 5) &&
             n->kind != ASSAY_NUMBER_AMOUNT && n->decimals == 0;
    }
  if (!hint)
    return FALSE;

  if (!self->issuer_sender.set)
    _assay_offline_found_set (&self->issuer_sender, g_strndup (line->text, name_len), NAN, NULL,
                              line->page, line->text, line->len, 0);
  return TRUE;
}

/* Another cell of @line that reads as a name: two address blocks side by
 * side, and nothing says which is the sender's. */
static gboolean
has_second_name (const Line *line,
                 gsize       name_start,
                 gsize       name_end)
{
  gsize i = 0;

  while (i < line->len)
    {
      gsize start, end;
      g_autofree char *lower = NULL;

      while (i < line->len && line->text[i] == ' ')
        i++;
      start = i;
      while (i < line->len && !(i + 2 < line->len && line->text[i] == ' ' &&
                                line->text[i + 1] == ' ' && line->text[i + 2] == ' '))
        i++;
      end = i;
      if (end <= start || (start < name_end && end > name_start))
        continue;
      lower = g_ascii_strdown (line->text + start, end - start);
      if (is_name_text (line->text + start, end - start) && !is_document_word_line (lower) &&
          !_assay_offline_is_recipient_label (lower))
        return TRUE;
    }

  return FALSE;
}

/* The column of byte @i of @line on its page. */
static gsize
column_in_page (const Line *line,
                gsize       i)
{
  const char *page_text = line->text - line->offset;
  const char *start = line->text;

  while (start > page_text && start[-1] != '\n')
    start--;

  return g_utf8_strlen (start, line->text + i - start);
}

static gboolean
in_recipient_block (const Line      *line,
                    gsize            start,
                    const PageState *state)
{
  gsize column;

  if (state->recipient_lines == 0)
    return FALSE;
  column = column_in_page (line, start);

  return column + 4 >= state->recipient_column && column <= state->recipient_column + 4;
}

/* Walks @line's cells (text between gaps of three spaces or more), each
 * with its column on the page. The column is counted on from the last
 * cell's: counted from the line's start for each cell, a long line of
 * many cells took time quadratic in its length. */
typedef struct
{
  const Line *line;
  gsize       i;         /* where the next cell is looked for */
  gsize       counted;   /* the byte the column below is of */
  gsize       column;
} CellWalk;

static void
cell_walk_init (CellWalk   *walk,
                const Line *line)
{
  walk->line = line;
  walk->i = 0;
  walk->counted = 0;
  walk->column = column_in_page (line, 0);
}

/* The next non-empty cell, [*@start, *@end), and its *@column; FALSE
 * past the last. */
static gboolean
cell_walk_next (CellWalk *walk,
                gsize    *start,
                gsize    *end,
                gsize    *column)
{
  const Line *line = walk->line;
  gsize i = walk->i;

  while (i < line->len)
    {
      while (i < line->len && line->text[i] == ' ')
        i++;
      *start = i;
      while (i < line->len && !(i + 2 < line->len && line->text[i] == ' ' &&
                                line->text[i + 1] == ' ' && line->text[i + 2] == ' '))
        i++;
      *end = i;
      if (*end > *start)
        {
          walk->column += g_utf8_strlen (line->text + walk->counted, *start - walk->counted);
          walk->counted = *start;
          *column = walk->column;
          walk->i = i;
          return TRUE;
        }
    }
  walk->i = i;

  return FALSE;
}

/* Whether a cell of @line in the column of @state's last company (within
 * a few characters) has one of @words, or an "@" when @at. */
static gboolean
words_in_column (const Line         *line,
                 const PageState    *state,
                 const char * const *words,
                 gboolean            at)
{
  CellWalk walk;
  gsize start, end, column;

  cell_walk_init (&walk, line);
  while (cell_walk_next (&walk, &start, &end, &column))
    {
      g_autofree char *cell = NULL;

      if (column + 4 < state->last_company_column || column > state->last_company_column + 4)
        continue;
      cell = g_strndup (line->lower + start, end - start);
      if ((at && strchr (cell, '@') != NULL) || _assay_offline_has_any_word (cell, words))
        return TRUE;
    }

  return FALSE;
}

/* Bank, tax or registration details on @line: on the company's own line
 * anywhere, on a line below it only in the company's column (not in a
 * block beside it). */
static gboolean
identifier_in_column (const Line      *line,
                      const PageState *state)
{
  if (line->index == state->last_company_index)
    return _assay_offline_has_any_word (line->lower, _assay_offline_identifier_line_words);

  return words_in_column (line, state, _assay_offline_identifier_line_words, FALSE);
}

/* An e-mail address or a phone number in @line's cell under the column
 * of @state's last company. */
static gboolean
contact_in_column (const Line      *line,
                   const PageState *state)
{
  static const char * const contact[] = { "tel", "phone", "e-mail", "email", "mail", NULL };

  return words_in_column (line, state, contact, TRUE);
}

/* The byte where @line's cell at @column (within a few characters)
 * starts, or @line->len when no cell starts there. */
static gsize
cell_at_column (const Line *line,
                gsize       column)
{
  CellWalk walk;
  gsize start, end, c;

  cell_walk_init (&walk, line);
  while (cell_walk_next (&walk, &start, &end, &c))
    if (c + 4 >= column && c <= column + 4)
      return start;

  return line->len;
}

/* A cell labelling the sender's block, not at the start of the line
 * (that is "From:", read above): "Bill From:", "Seller:", "Lieferant". */
static void
find_issuer_label (Extractor  *self,
                   const Line *line,
                   PageState  *state)
{
  static const char * const labels[] = {
    "bill from", "from:", "seller:", "supplier:", "vendor:", "sold by", "issued by",
    "verk\xc3\xa4" "ufer:", "lieferant:", "fournisseur :", "fournisseur:", "vendeur :",
    "vendeur:", "leverancier:", "proveedor:", "emisor:", "fornitore:", "cedente", NULL
  };
  gsize i = 0;

  while (i < line->len)
    {
      gsize start, end;

      while (i < line->len && line->text[i] == ' ')
        i++;
      start = i;
      while (i < line->len && !(i + 2 < line->len && line->text[i] == ' ' &&
                                line->text[i + 1] == ' ' && line->text[i + 2] == ' '))
        i++;
      end = i;
      if (start == 0 || end <= start)
        continue;
      for (guint k = 0; labels[k] != NULL; k++)
        {
          gsize len = strlen (labels[k]);
          gsize rest = start + len;

          if (strncmp (line->lower + start, labels[k], len) != 0 ||
              (rest < end && g_ascii_isalnum (line->lower[rest])))
            continue;
          while (rest < end && (line->text[rest] == ' ' || line->text[rest] == ':'))
            rest++;
          if (rest < end)
            _assay_offline_found_set (&self->issuer_from, g_strndup (line->text + rest, end - rest),
                                      NAN, NULL, line->page, line->text, line->len, 0);
          else
            {
              state->issuer_next = TRUE;
              state->issuer_column = column_in_page (line, start);
            }
          return;
        }
    }
}

/* "Bill to", "Adresse de facturation", "Spett.le", "Rechnungsempfänger"
 * at the start of @lower: a recipient's block follows. Returns the
 * label's length, or 0. */
gsize
_assay_offline_is_recipient_label (const char *lower)
{
  static const char * const labels[] = {
    "bill to", "billed to", "invoice to", "to:", "ship to", "sold to", "customer:",
    "recipient:", "deliver to", "delivery address", "shipping address", "billing address",
    "client:", "client :", "facturer \xc3\xa0", "factur\xc3\xa9 \xc3\xa0",
    "adresse de facturation", "adresse de livraison", "destinataire", "spett.le",
    "spettabile", "destinatario", "destinazione", "cliente:", "cliente :", "facturar a",
    "facturado a", "enviar a", "aan:", "factuuradres", "afleveradres", "rechnungsempf\xc3\xa4nger",
    "rechnungsadresse", "lieferadresse", "lieferanschrift", "empf\xc3\xa4nger", "kunde:",
    "an:", NULL
  };

  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize len;

      if (labels[i][0] != lower[0])
        continue;
      len = strlen (labels[i]);
      if (strncmp (lower, labels[i], len) == 0 && !g_ascii_isalnum (lower[len]))
        return len;
    }

  return 0;
}

void
_assay_offline_find_issuer (Extractor  *self,
                            const Line *line,
                            PageState  *state)
{
  gsize company_len;
  gsize company_start;

  if (state->issuer_next)
    {
      gsize start = cell_at_column (line, state->issuer_column);

      state->issuer_next = FALSE;
      if (!self->issuer_from.set && start < line->len)
        {
          gsize len = _assay_offline_first_cell (line->text + start, line->len - start);

          _assay_offline_found_set (&self->issuer_from,
                                    _assay_offline_make_snippet (line->text + start, len),
                                    NAN, NULL, line->page, line->text, line->len, 0);
        }
      if (start == 0)
        return;
    }

  /* "Bill From:" over "Big Corp" beside "Bill To:" over "John Doe". */
  if (line->page == 1 && !self->issuer_from.set)
    find_issuer_label (self, line, state);

  if (g_str_has_prefix (line->lower, "from:") || strcmp (line->lower, "from") == 0)
    {
      const char *rest = line->text + MIN (line->len, strlen ("from:"));
      gsize rest_len = line->len - (rest - line->text);

      while (rest_len > 0 && is_space (*rest))
        rest++, rest_len--;

      if (rest_len == 0)
        {
          state->issuer_next = TRUE;
          state->issuer_column = column_in_page (line, 0);
        }
      else if (!self->issuer_from.set)
        _assay_offline_found_set (&self->issuer_from, _assay_offline_make_snippet (rest, _assay_offline_first_cell (rest, rest_len)), NAN, NULL,
                                  line->page, line->text, line->len, 0);
      return;
    }

  if (state->recipient_next)
    {
      state->recipient_next = FALSE;
      if (!self->recipient.set)
        _assay_offline_found_set (&self->recipient, _assay_offline_make_snippet (line->text, _assay_offline_first_cell (line->text, line->len)), NAN, NULL,
                                  line->page, line->text, line->len, 0);
    }

  /* A recipient's label at the start of the line or of a cell (cells
   * only on the first page, where the issuer is looked for): the names in
   * its column for a few lines are the recipient's. */
  for (gsize i = 0; i < line->len && (i == 0 || line->page == 1); )
    {
      gsize len;

      while (i < line->len && line->text[i] == ' ')
        i++;
      len = _assay_offline_is_recipient_label (line->lower + i);
      if (len > 0)
        {
          const char *rest = line->text + i + len;
          gsize rest_len = _assay_offline_first_cell (rest, line->len - i - len);

          while (rest_len > 0 && (is_space (*rest) || *rest == ':'))
            rest++, rest_len--;

          /* "Bill to: Globex Corp." or "Bill to:" above the name */
          if (rest_len == 0)
            state->recipient_next = TRUE;
          else if (!self->recipient.set)
            _assay_offline_found_set (&self->recipient, _assay_offline_make_snippet (rest, rest_len),
                                      NAN, NULL, line->page, line->text, line->len, 0);

          /* This line and the next few. */
          state->recipient_lines = RECIPIENT_BLOCK_LINES + 1;
          state->recipient_column = column_in_page (line, i);
          break;
        }
      while (i < line->len && !(i + 2 < line->len && line->text[i] == ' ' &&
                                line->text[i + 1] == ' ' && line->text[i + 2] == ' '))
        i++;
    }

  if (find_sender_line (self, line) && line->index < ISSUER_LINES / 2 &&
      state->recipient_lines == 0)
    {
      /* A sender line above the address window: the block under it is
       * the recipient's. */
      state->recipient_lines = RECIPIENT_BLOCK_LINES + 1;
      state->recipient_column = column_in_page (line, 0);
    }

  if (state->recipient_lines > 0)
    state->recipient_lines--;

  if (line->page != 1)
    return;

  /* The page's first line a name, with its own tax number or contact
   * details under it: "Laura Martínez Ortega" over "Traductora · NIF …". */
  if (line->index == 0)
    {
      gsize len = _assay_offline_first_cell (line->text, line->len);
      g_autofree char *lower = g_strndup (line->lower, len);

      if (is_name_text (line->text, len) && memchr (line->text, ' ', len) != NULL &&
          !is_document_word_line (lower) && _assay_offline_is_recipient_label (lower) == 0)
        {
          g_free (state->first_name);
          state->first_name = g_strndup (line->text, len);
          state->first_name_column = column_in_page (line, 0);
        }
    }
  else if (state->first_name != NULL && line->index <= 2 && !self->issuer_named.set)
    {
      PageState at_first = *state;

      at_first.last_company_index = 0;
      at_first.last_company_column = state->first_name_column;
      if (identifier_in_column (line, &at_first) || contact_in_column (line, &at_first))
        _assay_offline_found_set (&self->issuer_named, g_strdup (state->first_name), NAN, NULL,
                                  line->page, state->first_name, strlen (state->first_name), 0);
    }

  /* Bank, tax or registration details belong to the issuer: a company
   * named on their line or just above them is the issuer, wherever it
   * stands (a footer), and wins over one in the top block, which may be
   * the recipient's address window. */
  company_len = company_name_length (line, &company_start);
  /* In the recipient's block: the recipient's name, not the issuer's. */
  if (company_len > 0 && in_recipient_block (line, company_start, state))
    company_len = 0;
  if (company_len > 0 && company_len - company_start <= MAX_LABEL)
    {
      g_free (state->last_company);
      state->last_company = g_strndup (line->text + company_start, company_len - company_start);
      state->last_company_index = line->index;
      state->last_company_column = column_in_page (line, company_start);
      g_free (state->last_company_line);
      state->last_company_line = g_strndup (line->text, line->len);
    }
  if (!self->issuer_detailed.set && state->last_company != NULL &&
      line->index - state->last_company_index <= 2 &&
      identifier_in_column (line, state))
    _assay_offline_found_set (&self->issuer_detailed, g_strdup (state->last_company), NAN, NULL,
                              line->page, state->last_company_line,
                              strlen (state->last_company_line), 0);

  if (self->issuer_company.set || line->index >= ISSUER_LINES)
    return;

  if (company_len > 0 && company_len - company_start <= MAX_LABEL &&
      !has_second_name (line, company_start, company_len))
    _assay_offline_found_set (&self->issuer_company,
                              g_strndup (line->text + company_start, company_len - company_start),
                              NAN, NULL,
                              line->page, line->text, line->len, 0);
}
