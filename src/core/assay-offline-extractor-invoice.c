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

      while (!found && (hit = _assay_offline_find_word_from (line->lower, hit, word, FALSE)) != NULL)
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
    "sales invoice", "vat invoice", NULL
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

  /* "Totale EUR   976,00": the currency in the label. */
  currency = n->currency[0] != '\0' ? n->currency : _assay_offline_note_currency (line->lower);

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

/* The end of the company name when @line contains a company suffix as a
 * word: "ACME Widgets Ltd., 12 High St" gives the length of
 * "ACME Widgets Ltd."; *@start is where the name's cell starts ("Invoice
 * Date      Orange Demo Inc." gives "Orange Demo Inc."). 0 when there is
 * none. */
static gsize
company_name_length (const Line *line,
                     gsize      *cell_start)
{
  gsize pos = 0;

  *cell_start = 0;
  while (pos < line->len)
    {
      gsize start, end;
      char word[16];

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

      if (end > start && end - start < sizeof word)
        {
          memcpy (word, line->text + start, end - start);
          word[end - start] = '\0';
          if (start > *cell_start && _assay_offline_str_in (word, _assay_offline_company_suffixes))
            return end;
        }
    }

  return 0;
}

void
_assay_offline_find_issuer (Extractor  *self,
                            const Line *line,
                            PageState  *state)
{
  static const char * const recipient_labels[] = {
    "bill to", "billed to", "invoice to", "to:", "ship to", "sold to", "customer:",
    "recipient:", "deliver to", NULL
  };
  gsize company_len;
  gsize company_start;

  if (state->issuer_next)
    {
      state->issuer_next = FALSE;
      if (!self->issuer_from.set)
        _assay_offline_found_set (&self->issuer_from, _assay_offline_make_snippet (line->text, _assay_offline_first_cell (line->text, line->len)), NAN, NULL,
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
            _assay_offline_found_set (&self->recipient, _assay_offline_make_snippet (rest, _assay_offline_first_cell (rest, rest_len)), NAN, NULL,
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

  if (line->page != 1)
    return;

  /* Bank, tax or registration details belong to the issuer: a company
   * named on their line or just above them is the issuer, wherever it
   * stands (a footer), and wins over one in the top block, which may be
   * the recipient's address window. */
  company_len = company_name_length (line, &company_start);
  if (company_len > 0 && company_len - company_start <= MAX_LABEL)
    {
      g_free (state->last_company);
      state->last_company = g_strndup (line->text + company_start, company_len - company_start);
      state->last_company_index = line->index;
      g_free (state->last_company_line);
      state->last_company_line = g_strndup (line->text, line->len);
    }
  if (!self->issuer_detailed.set && state->last_company != NULL &&
      line->index - state->last_company_index <= 2 &&
      _assay_offline_has_any_word (line->lower, _assay_offline_identifier_line_words))
    _assay_offline_found_set (&self->issuer_detailed, g_strdup (state->last_company), NAN, NULL,
                              line->page, state->last_company_line,
                              strlen (state->last_company_line), 0);

  if (self->issuer_company.set || line->index >= ISSUER_LINES)
    return;

  if (company_len > 0 && company_len - company_start <= MAX_LABEL)
    _assay_offline_found_set (&self->issuer_company,
                              g_strndup (line->text + company_start, company_len - company_start),
                              NAN, NULL,
                              line->page, line->text, line->len, 0);
}
