/* assay-offline-extractor-labels.c — the dictionary of labels the extractor recognises
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-offline-extractor-private.h"

const Keyword _assay_offline_type_keywords[N_TYPES][MAX_KEYWORDS] = {
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

/* Longest first: a shorter label inside a longer one is not matched again.
 * English, German, French, Dutch, Spanish, Italian; lowercase (ASCII
 * lowering leaves "é" as it is). */
const DateLabel _assay_offline_date_labels[] = {
  { "fecha de vencimiento", DATE_DUE },
  { "date d'\xc3\xa9" "ch\xc3\xa9" "ance", DATE_DUE },
  { "data di scadenza", DATE_DUE },
  { "f\xc3\xa4" "lligkeitsdatum", DATE_DUE },
  { "payment due date", DATE_DUE },
  { "fecha de factura", DATE_ISSUE },
  { "date de facture", DATE_ISSUE },
  { "rechnungsdatum", DATE_ISSUE },
  { "data fattura", DATE_ISSUE },
  { "factuurdatum", DATE_ISSUE },
  { "invoice date", DATE_ISSUE },
  { "date of issue", DATE_ISSUE },
  { "vervaldatum", DATE_DUE },
  { "vencimiento", DATE_DUE },
  { "zahlbar bis", DATE_DUE },
  { "f\xc3\xa4" "llig am", DATE_DUE },
  { "\xc3\xa9" "ch\xc3\xa9" "ance", DATE_DUE },
  { "date issued", DATE_ISSUE },
  { "issue date", DATE_ISSUE },
  { "payment due", DATE_DUE },
  { "scadenza", DATE_DUE },
  { "due date", DATE_DUE },
  { "issued on", DATE_ISSUE },
  { "issued", DATE_ISSUE },
  { "due by", DATE_DUE },
  { "due", DATE_DUE },
  { "abzug bis", DATE_DUE },
  { "remit until", DATE_DUE },
  { "pay by", DATE_DUE },
  /* "München, den 01.11.2024", "Rennes, le 5 avril 2024" */
  { ", den", DATE_ISSUE },
  { ", le", DATE_ISSUE },
  { "date limite de paiement", DATE_DUE },
  { "uiterste betaaldatum", DATE_DUE },
  { "date d'\xc3\xa9" "mission", DATE_ISSUE },
  { "fecha de emisi\xc3\xb3n", DATE_ISSUE },
  { "fecha de expedici\xc3\xb3n", DATE_ISSUE },
  { "data emissione", DATE_ISSUE },
  { "data documento", DATE_ISSUE },
  { "f\xc3\xa4lligkeit", DATE_DUE },
  { "fecha de la factura", DATE_ISSUE },
  { "data della fattura", DATE_ISSUE },
  { "fecha factura", DATE_ISSUE },
  { "datum factuur", DATE_ISSUE },
  { "date facture", DATE_ISSUE },
  { "belegdatum", DATE_ISSUE },
  { "issued at", DATE_ISSUE },
  { "dated", DATE_PLAIN },
  { "datum", DATE_PLAIN },
  { "fecha", DATE_PLAIN },
  { "date", DATE_PLAIN },
  { "data", DATE_PLAIN },
};

const guint _assay_offline_n_date_labels = G_N_ELEMENTS (_assay_offline_date_labels);

/* A currency named in a scale note ("in millions of U.S. dollars"). The
 * numbers module reads currencies attached to numbers; this is only for
 * words in a heading. */
const char *
_assay_offline_note_currency (const char *lower)
{
  static const struct { const char *word; const char *code; } words[] = {
    /* codes and words before symbols: "Total CAD $1,680.00" */
    { "usd", "USD" }, { "u.s. dollars", "USD" }, { "us dollars", "USD" },
    { "eur", "EUR" }, { "euros", "EUR" }, { "euro", "EUR" },
    { "gbp", "GBP" }, { "pounds sterling", "GBP" },
    { "chf", "CHF" }, { "jpy", "JPY" }, { "yen", "JPY" },
    { "cad", "CAD" }, { "aud", "AUD" }, { "nzd", "NZD" }, { "sek", "SEK" }, { "nok", "NOK" },
    { "dkk", "DKK" },
    { "$", "USD" }, { "\xe2\x82\xac", "EUR" }, { "\xc2\xa3", "GBP" }, { "\xc2\xa5", "JPY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (g_ascii_isalpha (words[i].word[0]) ? _assay_offline_has_word (lower, words[i].word)
                                              : strstr (lower, words[i].word) != NULL)
        return words[i].code;
    }

  return NULL;
}

/* Words that name an invoice, followed by its number ("Invoice no.",
 * "Facture n°", "Factura nº:", "Fattura n."), and words that are the
 * label on their own ("Rechnungsnummer:", "Factuurnummer"). */
const char * const _assay_offline_invoice_words[] = {
  /* credit notes first: "Gutschrift-Nr." above "Zu Rechnung: RE-…" */
  "credit note", "gutschrift", "gutschrift-nr", "gutschriftsnummer", "avoir", "creditnota",
  "nota di credito", "nota de cr\xc3\xa9" "dito", "factura rectificativa",
  "invoice", "rechnung", "facture", "factuur", "factura", "fattura",
  "rechnungsnummer", "rechnungsnr", "rechnungs-nr", "factuurnummer", "factuurnr",
  "invoice number", "invoice no",
  "num\xc3\xa9ro de facture", "n\xc2\xb0 de facture", "n\xc3\xbamero de factura",
  "numero fattura", "numero di fattura", NULL
};

const char * const _assay_offline_invoice_number_words[] = {
  "number", "no", "no.", "nr", "nr.", "num", "num.", "#", "id", ":", "nummer", "n",
  "n.", "n\xc2\xb0", "n\xc2\xba", "n\xc2\xb0.", "n\xc2\xba.", "no:", "nr:",
  "num\xc3\xa9ro", "n\xc3\xbamero", "numero", NULL
};

/* Whether @n reads as money: with a currency, or two decimals. Not
 * "12345678" (a registration number on a "BTW" line), not "19 %". */
gboolean
_assay_offline_is_money (const AssayNumber *n)
{
  return n->kind == ASSAY_NUMBER_AMOUNT ||
         (n->kind == ASSAY_NUMBER_PLAIN && n->decimals == 2);
}

int
_assay_offline_total_priority (const char *lower)
{
  static const char * const strong[] = {
    "amount due", "total due", "balance due", "grand total", "amount payable",
    "total payable", "total to pay", "please pay", "total amount due",
    "gesamtbetrag", "rechnungsbetrag", "endbetrag", "zu zahlen", "zahlbetrag",
    "total ttc", "montant ttc", "net \xc3\xa0 payer", "montant total ttc",
    "te betalen", "totaalbedrag", "totaal incl", "total factura", "importe total",
    "total a pagar", "totale fattura", "totale da pagare", "importo totale", "endsumme",
    "gutschriftsbetrag", "due payable", "net a payer", "totale documento", "total factura",
    "bruttobetrag", "bruttosumme", "gesamtbrutto",
    NULL
  };
  static const char * const totals[] = {
    "total", "totaal", "totale", "summe", "gesamt", "gesamtsumme", "montant total", NULL
  };
  static const char * const gross[] = {
    "incl", "including", "inc", "with", "gross", "inkl", "brutto", "ttc", "ivato",
    "iva incluida", NULL
  };
  static const char * const excluded[] = {
    "subtotal", "sub-total", "sub total", "net", "excl", "excluding", "tax", "vat", "gst",
    "before", "netto", "exkl", "zwischensumme", "ht", "hors", "mwst", "ust", "tva", "btw",
    "iva", "subtotaal", "sous-total", "imponibile", "base", "nettobetrag", "impuesto",
    "impuestos", "imposta", "taxes", NULL
  };

  if (_assay_offline_has_any_word (lower, strong))
    return 3;
  if (!_assay_offline_has_any_word (lower, totals))
    return 0;
  if (_assay_offline_has_any_word (lower, gross))
    return 2;
  if (_assay_offline_has_any_word (lower, excluded))
    return 0;

  return 1;
}

int
_assay_offline_tax_priority (const char *lower)
{
  static const char * const taxes[] = {
    "vat", "gst", "hst", "pst", "qst", "sales tax", "tax", "taxes", "mwst", "mwst.", "ust",
    "umsatzsteuer", "mehrwertsteuer", "tva", "btw", "iva", "igic", "impuesto", "impuestos",
    "imposta", NULL
  };
  static const char * const excluded[] = {
    "vat id", "vat no", "vat number", "vat reg", "vat registration", "tax id", "tax number",
    "tax no", "excl", "excluding", "before tax", "pre-tax", "incl", "including", "subtotal",
    "tax-id", "ust-idnr", "ust-id", "ust-idnr.", "mwst-nr", "btw-nr", "btw nr", "btw-nummer",
    "p.iva", "partita iva", "n\xc2\xb0 tva", "tva intracom", "tva intracommunautaire",
    "exkl", "inkl", "hors", "sous-total", "nif", "cif", "steuernummer", "inc", "exempt",
    "tax exempt", "tax rate", "without", NULL
  };

  if (!_assay_offline_has_any_word (lower, taxes) || _assay_offline_has_any_word (lower, excluded))
    return 0;
  {
    static const char * const sums[] = {
      "total", "totaal", "totale", "summe", "gesamt", "totales", NULL
    };

    if (_assay_offline_has_any_word (lower, sums))
      return 2;
  }

  return 1;
}

int
_assay_offline_subtotal_priority (const char *lower)
{
  static const char * const strong[] = {
    "subtotal", "sub-total", "sub total", "zwischensumme", "subtotaal", "sous-total",
    "total ht", "montant ht", "nettobetrag", "summe netto", "gesamt netto", "netto",
    "base imponible", "imponibile", "totale imponibile", "totaal excl", NULL
  };
  static const char * const net[] = {
    "net total", "total net", "net amount", "total excl", "total excluding",
    "total before tax", "amount before tax", "net", "exkl", "excl", "ex gst", "ex vat",
    "hors taxes", "without vat", "without tax", "total without", NULL
  };

  if (_assay_offline_has_any_word (lower, strong))
    return 2;
  if (_assay_offline_has_any_word (lower, net))
    return 1;

  return 0;
}

const char * const _assay_offline_company_suffixes[] = {
  "Ltd", "Ltd.", "Limited", "LLC", "L.L.C.", "Inc", "Inc.", "GmbH", "AG", "S.A.", "SA",
  "SAS", "SARL", "B.V.", "BV", "N.V.", "NV", "Corp", "Corp.", "Corporation", "Co.", "PLC",
  "plc", "Pty", "Oy", "AB", "S.r.l.", "SRL", "S.L.", "KG", "UG", "LLP", "GbR", "e.K.",
  "S.p.A.", "SpA", "S.p.a.", "S.a.s.", "S.n.c.", "SASU", "EURL", "SNC", "S.L.U.", "S.A.U.",
  "S.A.S.", "e.V.", "Co", "Pty.", "OHG", "KGaA", "mbH", "Ltda", "Ltda.", "LP", "L.P.",
  "V.O.F.", "VOF", "Srl", "Sarl", "S.\xc3\xa0 r.l.", "Company",
  NULL
};

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
gboolean
_assay_offline_label_matches_field (const char *label,
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

/* The last word of a label that names an identifier, a reference or a
 * position, not a quantity ("Invoice no.", "Kundennummer", "Page"). ASCII
 * letters only: "Numéro" ends in "ro" for this purpose, so it is listed. */
const char * const _assay_offline_identifier_words[] = {
  "no", "nr", "number", "id", "ref", "reference", "phone", "tel", "telephone", "fax",
  "mobile", "iban", "bic", "swift", "account", "code", "zip", "postcode", "invoice",
  "document", "doc",
  "page", "pages", "p", "pp", "version", "form", "forms", "schedule", "lines", "license",
  "licence", "annex", "appendix", "exhibit", "paragraph", "para", "rule", "isbn", "issn",
  "doi", "vol", "volume", "issue", "chapter",
  "section", "figure", "fig", "table", "tab", "note", "item", "order", "customer", "street",
  "box", "suite", "room", "floor", "building", "step", "line", "article", "art", "clause",
  /* German, French, Dutch, Spanish, Italian */
  "nummer", "n", "num", "ro", "telefon", "telefoon", "telefono", "mobil", "handy", "plz",
  "postleitzahl", "cp", "cap", "kunde", "kundennr", "kundennummer", "bestellnummer",
  "bestellung", "auftrag", "auftragsnummer", "rechnung", "rechnungsnummer", "rechnungsnr",
  "seite", "kapitel", "abschnitt", "anlage", "commande", "client", "facture", "chapitre",
  "klant", "klantnummer", "factuur", "factuurnummer", "bestelling", "ordernummer",
  "hoofdstuk", "pagina", "pedido", "cliente", "factura", "fattura", "ordine", "numero",
  "capitulo", "capitolo", "referenz", "referentie", "referencia", "riferimento",
  NULL
};

/* Words that, anywhere on a line, make its numbers contact or bank
 * details or registration numbers ("IBAN DE89 3704 0044", "Tel. 030 1234
 * 5678", "KvK 12345678"). */
const char * const _assay_offline_identifier_line_words[] = {
  "iban", "bic", "swift", "tel", "tel.", "phone", "telephone", "fax", "telefon", "telefoon",
  "telefono", "tel\xc3\xa9" "fono", "t\xc3\xa9l", "t\xc3\xa9l\xc3\xa9" "phone", "mobile",
  "zip", "postcode", "plz", "isbn", "issn", "kvk", "siret", "siren", "vat id", "vat no",
  "vat reg", "ust-idnr", "ust-id", "tax id", "steuernummer", "steuer-nr", "st.-nr",
  "handelsregister", "hrb", "hra", "blz", "sort code", "routing", "btw-nr", "btw nr",
  "rsin", "partita iva", "p.iva", "nif", "cif", "n\xc2\xba de tva", "tva intracom",
  NULL
};
