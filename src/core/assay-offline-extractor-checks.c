/* assay-offline-extractor-checks.c — line items, and the sums a person checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table of line items starts at a row of column headings ("Description
 * Qty Unit price Amount", "Bezeichnung Menge Einzelpreis Gesamt") and ends
 * at the first subtotal, tax or total line. Each row in between that ends
 * in an amount of money is an item; with three numbers whose product
 * checks (quantity × unit price = amount) it also has its quantity and
 * unit price. At the end the items are added up against the net amount,
 * and net plus tax against the total: a mismatch is a warning with the
 * numbers, never a silent correction.
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-offline-extractor-private.h"

#define MAX_LINE_ITEMS 200

static const char * const heading_words[] = {
  "description", "qty", "quantity", "unit price", "price", "amount", "rate", "nights",
  "hours", "item", "bezeichnung", "beschreibung", "menge", "einzelpreis", "gesamt",
  "betrag", "artikel", "anzahl", "d\xc3\xa9signation", "description", "quantit\xc3\xa9",
  "prix unitaire", "prix", "montant", "omschrijving", "aantal", "prijs", "bedrag",
  "concepto", "descripci\xc3\xb3n", "cantidad", "precio", "importe", "descrizione",
  "quantit\xc3\xa0", "prezzo", "importo", NULL
};

gboolean
_assay_offline_is_item_heading (const Line *line)
{
  guint hits = 0;

  if (line->n_numbers > 0)
    return FALSE;
  for (guint i = 0; heading_words[i] != NULL && hits < 2; i++)
    hits += _assay_offline_has_word (line->lower, heading_words[i]);

  return hits >= 2;
}

/* Called for every line: collects the rows of a table of line items. */
void
_assay_offline_find_line_items (Extractor  *self,
                                const Line *line)
{
  const AssayNumber *amount;
  guint quantities[8];
  guint n_quantities = 0;
  gsize desc_start = 0;
  gsize desc_end;
  LineItem item = { 0 };

  if (_assay_offline_is_item_heading (line))
    {
      self->in_items = TRUE;
      return;
    }
  if (!self->in_items || line->n_numbers == 0)
    return;

  /* The table ends where the sums begin. */
  if (_assay_offline_subtotal_priority (line->lower) > 0 ||
      _assay_offline_total_priority (line->lower) > 0 ||
      _assay_offline_tax_priority (line->lower) > 0)
    {
      self->in_items = FALSE;
      return;
    }

  for (guint i = 0; i < line->n_numbers && n_quantities < G_N_ELEMENTS (quantities); i++)
    {
      if (assay_number_kind_is_quantity (line->numbers[i].kind))
        quantities[n_quantities++] = i;
    }
  if (n_quantities == 0)
    return;

  amount = &line->numbers[quantities[n_quantities - 1]];
  if (!_assay_offline_is_money (amount) || num_end (line, amount) != line->len ||
      self->line_items->len >= MAX_LINE_ITEMS)
    return;

  /* A position number in front ("1   Bürostuhl"). */
  if (line->numbers[0].kind == ASSAY_NUMBER_LIST_INDEX ||
      (line->numbers[0].kind == ASSAY_NUMBER_PLAIN && num_start (line, &line->numbers[0]) == 0 &&
       n_quantities >= 2 && line->numbers[0].decimals == 0 && quantities[0] == 0))
    {
      desc_start = num_end (line, &line->numbers[0]);
      if (quantities[0] == 0)
        {
          memmove (quantities, quantities + 1, (n_quantities - 1) * sizeof quantities[0]);
          n_quantities--;
        }
    }
  while (desc_start < line->len && is_space (line->text[desc_start]))
    desc_start++;

  item.amount = amount->value;
  item.quantity = NAN;
  item.unit_price = NAN;
  item.page = line->page;
  desc_end = num_start (line, amount);

  /* quantity × unit price = amount, to the cent */
  if (n_quantities >= 3)
    {
      const AssayNumber *q = &line->numbers[quantities[n_quantities - 3]];
      const AssayNumber *u = &line->numbers[quantities[n_quantities - 2]];

      if (fabs (q->value * u->value - amount->value) < 0.005 + fabs (amount->value) * 1e-9)
        {
          item.quantity = q->value;
          item.unit_price = u->value;
          desc_end = num_start (line, q);
        }
    }

  /* The description is what stands before the numbers of the row
   * ("Fibra 600 Mb" keeps its 600). */
  while (desc_end > desc_start && is_space (line->text[desc_end - 1]))
    desc_end--;
  if (desc_end <= desc_start)
    return;
  item.description = g_strndup (line->text + desc_start, desc_end - desc_start);

  g_array_append_val (self->line_items, item);
}

static char *
format_money (double value)
{
  return g_strdup_printf ("%.2f", value);
}

static gboolean
same_money (double a,
            double b)
{
  return fabs (a - b) < 0.005;
}

static double
sum_parts (const AmountPart *parts,
           guint             n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += parts[i].value;

  return sum;
}

static void
set_sum (Found            *found,
         const AmountPart *parts,
         guint             n)
{
  g_autoptr(GString) snippet = g_string_new (NULL);
  double sum = sum_parts (parts, n);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (snippet, "%s%s", i > 0 ? " + " : "", parts[i].snippet);
  g_clear_pointer (&found->value, g_free);
  g_clear_pointer (&found->snippet, g_free);
  found->value = g_strdup_printf ("%.2f", sum);
  found->number = sum;
  found->snippet = _assay_offline_make_snippet (snippet->str, snippet->len);
  found->page = parts[0].page;
  found->set = TRUE;
}

/* When the net amount or the tax is split over several lines (items and
 * shipping, two VAT rates) and no line gives its sum, the parts are
 * added up, but only when the sum is what makes net plus tax the total:
 * the check a person makes decides, never a guess. */
void
_assay_offline_reconcile_sums (Extractor *self)
{
  double nets[2], taxes[2];
  guint n_nets = 0, n_taxes = 0;

  if (!self->total.set || !self->subtotal.set)
    return;

  nets[n_nets++] = self->subtotal.number;
  if (self->n_net_parts > 1)
    nets[n_nets++] = sum_parts (self->net_parts, self->n_net_parts);
  if (self->tax.set)
    taxes[n_taxes++] = self->tax.number;
  if (self->n_tax_parts > 1 && self->tax.priority < 2)
    taxes[n_taxes++] = sum_parts (self->tax_parts, self->n_tax_parts);
  if (n_taxes == 0)
    return;

  for (guint t = 0; t < n_taxes; t++)
    for (guint n = 0; n < n_nets; n++)
      {
        if (!same_money (nets[n] + taxes[t], self->total.number))
          continue;
        if (n == 1)
          set_sum (&self->subtotal, self->net_parts, self->n_net_parts);
        if (t == 1)
          set_sum (&self->tax, self->tax_parts, self->n_tax_parts);
        return;
      }
}

/* Adds the "line_items" field and the warnings of the checks. */
void
_assay_offline_check_sums (Extractor *self)
{
  AssayExtraction *extraction = self->extraction;
  const Found *net = self->subtotal.set ? &self->subtotal : NULL;

  if (self->line_items->len > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      double sum = 0;
      const LineItem *first = &g_array_index (self->line_items, LineItem, 0);

      for (guint i = 0; i < self->line_items->len; i++)
        {
          const LineItem *item = &g_array_index (self->line_items, LineItem, i);
          g_autofree char *amount = format_money (item->amount);

          if (list->len > 0)
            g_string_append (list, "; ");
          g_string_append (list, item->description);
          if (!isnan (item->quantity))
            {
              g_autofree char *quantity = assay_extraction_format_number (item->quantity);
              g_autofree char *unit_price = format_money (item->unit_price);

              g_string_append_printf (list, " | %s | %s", quantity, unit_price);
            }
          g_string_append_printf (list, " | %s", amount);
          sum += item->amount;
        }

      assay_extraction_add_field (extraction, "line_items", ASSAY_FIELD_LIST, list->str,
                                  first->page, NULL);

      /* Without a net amount, the items add up to the total when there is
       * no tax line. */
      if (net == NULL && !self->tax.set && self->total.set)
        net = &self->total;
      if (net != NULL && !same_money (sum, net->number))
        {
          g_autofree char *s = format_money (sum);
          g_autofree char *n = format_money (net->number);

          assay_extraction_add_warning (extraction,
                                        _("The line items add up to %s, but the net amount on page %u is %s."),
                                        s, net->page, n);
        }
    }

  if (self->subtotal.set && self->tax.set && self->total.set &&
      !same_money (self->subtotal.number + self->tax.number, self->total.number))
    {
      g_autofree char *s = format_money (self->subtotal.number);
      g_autofree char *t = format_money (self->tax.number);
      g_autofree char *sum = format_money (self->subtotal.number + self->tax.number);
      g_autofree char *total = format_money (self->total.number);

      assay_extraction_add_warning (extraction,
                                    _("The net amount %s plus tax %s is %s, but the total is %s."),
                                    s, t, sum, total);
    }
}
