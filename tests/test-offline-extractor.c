/* test-offline-extractor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "assay-offline-extractor.h"
#include "assay-pdf-reader.h"
#include "assay-test-pdf.h"

static const char *report_pages[] = {
  "ACME Holdings plc\n"
  "Annual Report 2023\n"
  "Date: 15 March 2024\n",

  "Consolidated income statement\n"
  "(in millions of USD)\n"
  "                              Note      2023      2022\n"
  "Total revenue ...........        4   1,234.5   1,100.2\n"
  "Cost of sales                        (734.1)   (650.0)\n"
  "Operating income                       500.4     450.2\n"
  "Net income: $12.3 million\n"
  "Operating margin   12.5%\n"
  "Revenue grew by 12% to a record level in the year under review.\n"
  "2\n",

  "Balance sheet\n"
  "EUR thousand        2023       2022\n"
  "Total assets     98,765    90,000\n"
  "Total equity     45,000    40,100\n"
  "3\n",
};

static const char *invoice_page =
  "Globex Services GmbH\n"
  "10115 Berlin, Germany\n"
  "INVOICE\n"
  "Invoice no.: 2024-017\n"
  "Invoice date: 01.03.2024\n"
  "Due date: 31.03.2024\n"
  "Bill to:\n"
  "Initech Ltd.\n"
  "42 Office Park, Leeds\n"
  "Description                 Qty    Unit price        Amount\n"
  "Consulting services          10      120,00 €    1.200,00 €\n"
  "Travel expenses               1       37,50 €       37,50 €\n"
  "Subtotal                                        1.237,50 €\n"
  "VAT 19%                                           235,13 €\n"
  "Total due                                       1.472,63 €\n";

static AssayPdfText *
make_text (const char * const *pages,
           guint               n_pages)
{
  AssayPdfText *text = assay_pdf_text_new ();

  text->n_pages = n_pages;
  for (guint i = 0; i < n_pages; i++)
    assay_pdf_text_add_page (text, i, g_strdup (pages[i]), TRUE);

  return text;
}

static void
assert_field (AssayExtraction *extraction,
              guint            index,
              const char      *name,
              AssayFieldType   type,
              const char      *value,
              guint            page,
              const char      *snippet)
{
  AssayField *field;

  if (index >= extraction->fields->len)
    g_error ("field %u (%s) missing: only %u fields", index, name, extraction->fields->len);

  field = g_ptr_array_index (extraction->fields, index);
  g_assert_cmpstr (field->name, ==, name);
  g_assert_cmpint (field->type, ==, type);
  g_assert_cmpstr (field->value, ==, value);
  g_assert_cmpuint (field->page, ==, page);
  g_assert_cmpstr (field->snippet, ==, snippet);
  g_assert_cmpint (field->verified, ==, ASSAY_VERIFICATION_UNCHECKED);
}

static void
assert_figure (AssayExtraction *extraction,
               guint            index,
               const char      *label,
               double           value,
               const char      *raw,
               const char      *unit,
               const char      *period,
               guint            page,
               const char      *snippet)
{
  AssayFigure *figure;

  if (index >= extraction->figures->len)
    g_error ("figure %u (%s) missing: only %u figures", index, label, extraction->figures->len);

  figure = g_ptr_array_index (extraction->figures, index);
  g_assert_cmpstr (figure->label, ==, label);
  g_assert_cmpfloat_with_epsilon (figure->value, value, fabs (value) * 1e-12);
  g_assert_cmpstr (figure->raw, ==, raw);
  g_assert_cmpstr (figure->unit, ==, unit);
  g_assert_cmpstr (figure->period, ==, period);
  g_assert_cmpuint (figure->page, ==, page);
  g_assert_cmpstr (figure->snippet, ==, snippet);
}

static void
test_report (void)
{
  g_autoptr(AssayPdfText) text = make_text (report_pages, G_N_ELEMENTS (report_pages));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("financial-report");
  g_autoptr(AssayExtraction) extraction = NULL;
  AssayField *field;

  text->title = g_strdup ("Microsoft Word - Annual Report 2023.docx");
  text->author = g_strdup ("  Jane Roe ");

  extraction = assay_offline_extract (text, template_, NULL);
  g_assert_nonnull (extraction);

  g_assert_cmpstr (extraction->method, ==, "offline");
  g_assert_cmpstr (extraction->template_name, ==, "financial-report");
  g_assert_cmpstr (extraction->document_type, ==, "financial-report");
  g_assert_cmpstr (extraction->title, ==, "Annual Report 2023");
  g_assert_cmpuint (extraction->warnings->len, ==, 0);

  g_assert_cmpuint (extraction->figures->len, ==, 7);
  assert_figure (extraction, 0, "Total revenue", 1234.5e6, "1,234.5", "USD", "2023", 2,
                 "Total revenue ...........        4   1,234.5   1,100.2");
  assert_figure (extraction, 1, "Cost of sales", -734.1e6, "(734.1)", "USD", "2023", 2,
                 "Cost of sales                        (734.1)   (650.0)");
  assert_figure (extraction, 2, "Operating income", 500.4e6, "500.4", "USD", "2023", 2,
                 "Operating income                       500.4     450.2");
  assert_figure (extraction, 3, "Net income", 12.3e6, "$12.3 million", "USD", "2023", 2,
                 "Net income: $12.3 million");
  assert_figure (extraction, 4, "Operating margin", 12.5, "12.5%", "%", "2023", 2,
                 "Operating margin   12.5%");
  assert_figure (extraction, 5, "Total assets", 98765e3, "98,765", "EUR", "2023", 3,
                 "Total assets     98,765    90,000");
  assert_figure (extraction, 6, "Total equity", 45000e3, "45,000", "EUR", "2023", 3,
                 "Total equity     45,000    40,100");

  assert_field (extraction, 0, "document_type", ASSAY_FIELD_STRING, "financial-report", 0, NULL);
  assert_field (extraction, 1, "title", ASSAY_FIELD_STRING, "Annual Report 2023", 0, NULL);
  assert_field (extraction, 2, "author", ASSAY_FIELD_STRING, "Jane Roe", 0, NULL);
  assert_field (extraction, 3, "date", ASSAY_FIELD_DATE, "2024-03-15", 1, "Date: 15 March 2024");
  /* Then the template's fields, in the template's order. */
  assert_field (extraction, 4, "company", ASSAY_FIELD_STRING, "ACME Holdings plc", 1,
                "ACME Holdings plc");
  assert_field (extraction, 5, "period", ASSAY_FIELD_STRING, "2023", 0, NULL);
  assert_field (extraction, 6, "currency", ASSAY_FIELD_STRING, "USD", 0, NULL);
  assert_field (extraction, 7, "revenue", ASSAY_FIELD_MONEY, "1234500000", 2,
                "Total revenue ...........        4   1,234.5   1,100.2");
  assert_field (extraction, 8, "operating_income", ASSAY_FIELD_MONEY, "500400000", 2,
                "Operating income                       500.4     450.2");
  assert_field (extraction, 9, "net_income", ASSAY_FIELD_MONEY, "12300000", 2,
                "Net income: $12.3 million");
  assert_field (extraction, 10, "total_assets", ASSAY_FIELD_MONEY, "98765000", 3,
                "Total assets     98,765    90,000");
  assert_field (extraction, 11, "equity", ASSAY_FIELD_MONEY, "45000000", 3,
                "Total equity     45,000    40,100");
  g_assert_cmpuint (extraction->fields->len, ==, 12);

  field = assay_extraction_get_field (extraction, "revenue");
  g_assert_cmpfloat (field->number, ==, 1234500000.0);
  g_assert_cmpstr (field->unit, ==, "USD");
  field = assay_extraction_get_field (extraction, "total_assets");
  g_assert_cmpstr (field->unit, ==, "EUR");
}

/* Poppler gives a table whose cells stand apart one cell per line. */
static void
test_split_rows (void)
{
  const char *pages[] = {
    "Northwind Holdings — Annual report\n"
    "Consolidated figures\n"
    "2024\n"
    "2023\n"
    "Revenue\n"
    "1,234.5\n"
    "1,100.0\n"
    "Net income\n"
    "(210.3)\n"
    "190.1\n"
    "A sentence that ends here.\n"
    "42\n"
    "Document 7, page 1\n",
  };
  g_autoptr(AssayPdfText) text = make_text (pages, 1);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("financial-report");
  g_autoptr(AssayExtraction) extraction = assay_offline_extract (text, template_, NULL);

  g_assert_cmpuint (extraction->figures->len, ==, 2);
  assert_figure (extraction, 0, "Revenue", 1234.5, "1,234.5", NULL, "2024", 1,
                 "Revenue   1,234.5   1,100.0");
  assert_figure (extraction, 1, "Net income", -210.3, "(210.3)", NULL, "2024", 1,
                 "Net income   (210.3)   190.1");
}

static void
test_invoice (void)
{
  g_autoptr(AssayPdfText) text = make_text (&invoice_page, 1);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("invoice");
  g_autoptr(AssayExtraction) extraction = NULL;
  AssayField *field;

  extraction = assay_offline_extract (text, template_, NULL);
  g_assert_nonnull (extraction);

  g_assert_cmpstr (extraction->template_name, ==, "invoice");
  g_assert_cmpstr (extraction->document_type, ==, "invoice");
  g_assert_cmpstr (extraction->title, ==, "INVOICE");
  g_assert_cmpuint (extraction->warnings->len, ==, 0);

  assert_field (extraction, 0, "document_type", ASSAY_FIELD_STRING, "invoice", 0, NULL);
  assert_field (extraction, 1, "title", ASSAY_FIELD_STRING, "INVOICE", 1, "INVOICE");
  assert_field (extraction, 2, "invoice_number", ASSAY_FIELD_STRING, "2024-017", 1,
                "Invoice no.: 2024-017");
  assert_field (extraction, 3, "issue_date", ASSAY_FIELD_DATE, "2024-03-01", 1,
                "Invoice date: 01.03.2024");
  assert_field (extraction, 4, "due_date", ASSAY_FIELD_DATE, "2024-03-31", 1,
                "Due date: 31.03.2024");
  assert_field (extraction, 5, "total", ASSAY_FIELD_MONEY, "1472.63", 1,
                "Total due                                       1.472,63 €");
  assert_field (extraction, 6, "tax", ASSAY_FIELD_MONEY, "235.13", 1,
                "VAT 19%                                           235,13 €");
  assert_field (extraction, 7, "subtotal", ASSAY_FIELD_MONEY, "1237.5", 1,
                "Subtotal                                        1.237,50 €");
  assert_field (extraction, 8, "currency", ASSAY_FIELD_STRING, "EUR", 1,
                "Total due                                       1.472,63 €");
  assert_field (extraction, 9, "issuer", ASSAY_FIELD_STRING, "Globex Services GmbH", 1,
                "Globex Services GmbH");
  assert_field (extraction, 10, "recipient", ASSAY_FIELD_STRING, "Initech Ltd.", 1,
                "Initech Ltd.");
  assert_field (extraction, 11, "line_items", ASSAY_FIELD_LIST,
                "Consulting services | 10 | 120.00 | 1200.00; Travel expenses | 1 | 37.50 | 37.50",
                1, NULL);
  g_assert_cmpuint (extraction->fields->len, ==, 12);
  /* 1,237.50 + 235.13 = 1,472.63 and the items add up: no warning. */
  g_assert_cmpuint (extraction->warnings->len, ==, 0);

  field = assay_extraction_get_field (extraction, "total");
  g_assert_cmpfloat_with_epsilon (field->number, 1472.63, 1e-9);
  g_assert_cmpstr (field->unit, ==, "EUR");
  field = assay_extraction_get_field (extraction, "tax");
  g_assert_cmpfloat_with_epsilon (field->number, 235.13, 1e-9);
  g_assert_cmpstr (field->unit, ==, "EUR");

  /* Key figures: the first number after each label; rows of line items
   * (a count, then prices) are not figures. */
  g_assert_cmpuint (extraction->figures->len, ==, 3);
  assert_figure (extraction, 0, "Subtotal", 1237.5, "1.237,50 €", "EUR", NULL, 1,
                 "Subtotal                                        1.237,50 €");
  assert_figure (extraction, 1, "VAT", 19, "19%", "%", NULL, 1,
                 "VAT 19%                                           235,13 €");
  assert_figure (extraction, 2, "Total due", 1472.63, "1.472,63 €", "EUR", NULL, 1,
                 "Total due                                       1.472,63 €");
}

/* A "general" document that still looks like an invoice gets the invoice
 * fields; a "From:" block names the issuer; a US page reads dates month
 * first. */
static void
test_invoice_detected (void)
{
  static const char *page =
    "From: Hooli Inc.\n"
    "To: Pied Piper LLC\n"
    "Invoice # INV-7781\n"
    "Date: 03/04/2024\n"
    "Payment due: April 30, 2024\n"
    "Amount due: $2,500.00\n"
    "Sales tax: $200.00\n";
  g_autoptr(AssayPdfText) text = make_text (&page, 1);
  g_autoptr(AssayExtraction) extraction = NULL;

  extraction = assay_offline_extract (text, NULL, NULL);
  g_assert_cmpstr (extraction->template_name, ==, "general");
  g_assert_cmpstr (extraction->document_type, ==, "invoice");

  assert_field (extraction, 0, "document_type", ASSAY_FIELD_STRING, "invoice", 0, NULL);
  assert_field (extraction, 1, "title", ASSAY_FIELD_STRING, "Invoice # INV-7781", 1,
                "Invoice # INV-7781");
  assert_field (extraction, 2, "invoice_number", ASSAY_FIELD_STRING, "INV-7781", 1,
                "Invoice # INV-7781");
  assert_field (extraction, 3, "issue_date", ASSAY_FIELD_DATE, "2024-03-04", 1,
                "Date: 03/04/2024");
  assert_field (extraction, 4, "due_date", ASSAY_FIELD_DATE, "2024-04-30", 1,
                "Payment due: April 30, 2024");
  assert_field (extraction, 5, "total", ASSAY_FIELD_MONEY, "2500", 1, "Amount due: $2,500.00");
  assert_field (extraction, 6, "tax", ASSAY_FIELD_MONEY, "200", 1, "Sales tax: $200.00");
  assert_field (extraction, 7, "currency", ASSAY_FIELD_STRING, "USD", 1, "Amount due: $2,500.00");
  assert_field (extraction, 8, "issuer", ASSAY_FIELD_STRING, "Hooli Inc.", 1, "From: Hooli Inc.");
  assert_field (extraction, 9, "recipient", ASSAY_FIELD_STRING, "Pied Piper LLC", 1,
                "To: Pied Piper LLC");
  /* The general template asks for "date": the document's date, not the due date. */
  assert_field (extraction, 10, "date", ASSAY_FIELD_DATE, "2024-03-04", 1, "Date: 03/04/2024");
  g_assert_cmpuint (extraction->fields->len, ==, 11);
}

static void
test_dates (void)
{
  static const char *pages[] = {
    "Memorandum on office moves\n"
    "Issued: March 1st, 2024\n"
    "Due date: 04/05/2024\n"
    "Date: 2024-02-29\n",
    /* A page without "$": still day first */
    "Dated 31/02/2024\n",
  };
  static const char *us_page =
    "Quote for services, prices in $\n"
    "Due date: 04/05/2024\n"
    "Date: 13/05/2024\n"
    "Issued on 1-Mar-2024\n";
  g_autoptr(AssayPdfText) text = make_text (pages, G_N_ELEMENTS (pages));
  g_autoptr(AssayPdfText) us_text = make_text (&us_page, 1);
  g_autoptr(AssayExtraction) extraction = NULL;
  g_autoptr(AssayExtraction) us = NULL;

  extraction = assay_offline_extract (text, NULL, NULL);
  g_assert_cmpstr (extraction->document_type, ==, "general");
  g_assert_cmpstr (extraction->title, ==, "Memorandum on office moves");
  assert_field (extraction, 0, "document_type", ASSAY_FIELD_STRING, "general", 0, NULL);
  assert_field (extraction, 1, "title", ASSAY_FIELD_STRING, "Memorandum on office moves", 1,
                "Memorandum on office moves");
  assert_field (extraction, 2, "issue_date", ASSAY_FIELD_DATE, "2024-03-01", 1,
                "Issued: March 1st, 2024");
  assert_field (extraction, 3, "due_date", ASSAY_FIELD_DATE, "2024-05-04", 1,
                "Due date: 04/05/2024");
  /* 31 February does not exist: "Dated" on page 2 gives nothing. */
  assert_field (extraction, 4, "date", ASSAY_FIELD_DATE, "2024-02-29", 1, "Date: 2024-02-29");
  g_assert_cmpuint (extraction->fields->len, ==, 5);

  us = assay_offline_extract (us_text, NULL, NULL);
  assert_field (us, 2, "issue_date", ASSAY_FIELD_DATE, "2024-03-01", 1, "Issued on 1-Mar-2024");
  assert_field (us, 3, "due_date", ASSAY_FIELD_DATE, "2024-04-05", 1, "Due date: 04/05/2024");
  assert_field (us, 4, "date", ASSAY_FIELD_DATE, "2024-05-13", 1, "Date: 13/05/2024");
}

static void
test_titles (void)
{
  static const char *pages[] = {
    "12\n"
    "\n"
    "The Effects of Caffeine on Sleep Quality\n"
    "Jane Roe, University of Somewhere\n"
    "Abstract\n"
    "We studied 120 adults. doi:10.1234/sleep.2024.17.\n"
    "References\n",
  };
  static const struct { const char *meta; const char *title; } cases[] = {
    { NULL, "The Effects of Caffeine on Sleep Quality" },
    { "Untitled", "The Effects of Caffeine on Sleep Quality" },
    { "untitled document", "The Effects of Caffeine on Sleep Quality" },
    { "scan_0001.pdf", "The Effects of Caffeine on Sleep Quality" },
    { "Microsoft Word - x.doc", "The Effects of Caffeine on Sleep Quality" },
    { "Document1", "The Effects of Caffeine on Sleep Quality" },
    { "  Sleep and Caffeine  ", "Sleep and Caffeine" },
    { "Microsoft PowerPoint - Sleep study.pptx", "Sleep study" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AssayPdfText) text = make_text (pages, 1);
      g_autoptr(AssayExtraction) extraction = NULL;

      text->title = g_strdup (cases[i].meta);
      extraction = assay_offline_extract (text, NULL, NULL);
      g_assert_cmpstr (extraction->title, ==, cases[i].title);
      g_assert_cmpstr (extraction->document_type, ==, "scientific-paper");
    }

  {
    g_autoptr(AssayPdfText) text = make_text (pages, 1);
    g_autoptr(AssayTemplate) template_ = assay_template_lookup ("scientific-paper");
    g_autoptr(AssayExtraction) extraction = assay_offline_extract (text, template_, NULL);
    AssayField *doi = assay_extraction_get_field (extraction, "doi");

    g_assert_nonnull (doi);
    g_assert_cmpstr (doi->value, ==, "10.1234/sleep.2024.17");
    g_assert_cmpuint (doi->page, ==, 1);
    /* The sentence with "120 adults" is prose, not a key figure. */
    g_assert_cmpuint (extraction->figures->len, ==, 0);
  }
}

static void
test_skips_non_quantities (void)
{
  static const char *page =
    "Contents\n"
    "1. Introduction 3\n"
    "Fiscal year 2023\n"
    "Phone: 555 1234\n"
    "Invoice no. 4711\n"
    "Page 3 of 9\n"
    "Headcount 1,250\n"
    "7\n";
  g_autoptr(AssayPdfText) text = make_text (&page, 1);
  g_autoptr(AssayExtraction) extraction = assay_offline_extract (text, NULL, NULL);

  /* Only the headcount is a quantity with a label; the "Fiscal year 2023"
   * heading above it gives its period. */
  g_assert_cmpuint (extraction->figures->len, ==, 1);
  assert_figure (extraction, 0, "Headcount", 1250, "1,250", NULL, "2023", 1, "Headcount 1,250");
}

/* Real PDFs written with cairo and read back by the reader: a table of
 * contents (with and without leaders), an index, an address block with
 * a postcode, phone and bank details, order and customer numbers, dates
 * and page numbers give no key figures; the one real figure stays, with
 * its label and nothing else. */
static void
test_figures_are_figures (void)
{
  static const char *pages[] = {
    "Contents\n"
    "Preface 1\n"
    "Introduction and preliminaries 2\n"
    "Vectors and assignment 8\n"
    "Objects, their modes and attributes 14\n"
    "Lists and data frames 29\n",

    "Acme Beeswax Ltd\n"
    "48 Mission Blvd, Fremont CA 94538\n"
    "Phone: +1 510 555 0142\n"
    "Telefon 030 1234 5678\n"
    "IBAN DE89 3704 0044 0532 0130 00\n"
    "Order no. 778812\n"
    "Kundennummer 40711\n"
    "Customer 4711\n"
    "Date 12.03.2024\n"
    "Chapter 3\n"
    "Total revenue 1,234.5\n"
    "Acme beeswax1.00 kg42.000.00\n"
    "Recent versions have OpenMP support.4\n"
    "R_running_as_main_program = 1;\n"
    "Rf_endEmbeddedR(0);\n"
    "2\n",

    "Index\n"
    "Ordered factors . . . . . . . . . . 17, 57\n"
    "Packages . . . . . . . . . . . . . . 2\n"
    "Histogram of eruptions   1.5   2.0   2.5   3.0   3.5\n"
    "3\n",
  };
  g_autofree char *dir = g_dir_make_tmp ("assay-offline-XXXXXX", NULL);
  g_autofree char *path = assay_test_pdf_write_temp (dir, "figures.pdf", pages, G_N_ELEMENTS (pages));
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPdfText) text = NULL;
  g_autoptr(AssayExtraction) extraction = NULL;
  AssayReadLimits limits;

  assay_read_limits_init_default (&limits);
  text = assay_pdf_read_range (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (text->pages->len, ==, 3);
  g_assert_nonnull (strstr (assay_pdf_text_get_page (text, 0), "Vectors and assignment 8"));

  extraction = assay_offline_extract (text, NULL, NULL);
  for (guint i = 0; i < extraction->figures->len; i++)
    {
      AssayFigure *figure = g_ptr_array_index (extraction->figures, i);
      g_test_message ("figure %u: %s = %s (page %u)", i, figure->label, figure->raw, figure->page);
    }
  g_assert_cmpuint (extraction->figures->len, ==, 1);
  assert_figure (extraction, 0, "Total revenue", 1234.5, "1,234.5", NULL, NULL, 2,
                 "Total revenue 1,234.5");

  g_unlink (path);
  g_rmdir (dir);
}

/* Laid-out lines hold cells apart by three spaces or more: a value read
 * from a whole line (issuer, recipient, title) is the cell a person reads,
 * not the row. */
static void
test_cells (void)
{
  static const char *page =
    "INVOICE                                   Hooli Widgets Ltd.\n"
    "Invoice no. 77-12                         12 High Street, Leeds\n"
    "Bill to: Initech Corp.                    Due date: 31.03.2024\n"
    "Total due                                 1.472,63 \xe2\x82\xac\n";
  g_autoptr(AssayPdfText) text = make_text (&page, 1);
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("invoice");
  g_autoptr(AssayExtraction) extraction = assay_offline_extract (text, template_, NULL);

  g_assert_cmpstr (extraction->title, ==, "INVOICE");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "issuer")->value, ==,
                   "Hooli Widgets Ltd.");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "recipient")->value, ==,
                   "Initech Corp.");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "invoice_number")->value, ==, "77-12");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "due_date")->value, ==, "2024-03-31");
}

static void
test_cap (void)
{
  g_autoptr(GString) page = g_string_new (NULL);
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  g_autoptr(AssayExtraction) extraction = NULL;
  const char *pages[1];

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (page, "Segment revenue %u.5\n", 1000 + i);
  /* The same line twice is one figure. */
  g_string_append (page, "Segment revenue 1000.5\n");

  pages[0] = page->str;
  g_clear_pointer (&text, assay_pdf_text_unref);
  text = make_text (pages, 1);
  extraction = assay_offline_extract (text, NULL, NULL);

  g_assert_cmpuint (extraction->figures->len, ==, 500);
  g_assert_cmpuint (extraction->warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (extraction->warnings, 0), ==,
                   "Only the first 500 of 600 key figures were kept.");
  assert_figure (extraction, 499, "Segment revenue", 1499.5, "1499.5", NULL, NULL, 1,
                 "Segment revenue 1499.5");
}

static void
test_snippet_bounded (void)
{
  g_autoptr(GString) line = g_string_new ("Total revenue 1,234.5 ");
  g_autoptr(AssayPdfText) text = NULL;
  g_autoptr(AssayExtraction) extraction = NULL;
  const char *pages[1];
  AssayFigure *figure;

  /* A long row of numbers with multi-byte characters across the cut. */
  for (guint i = 0; i < 60; i++)
    g_string_append (line, "1 € ");
  pages[0] = line->str;
  text = make_text (pages, 1);
  extraction = assay_offline_extract (text, NULL, NULL);

  g_assert_cmpuint (extraction->figures->len, ==, 1);
  figure = g_ptr_array_index (extraction->figures, 0);
  g_assert_cmpuint (strlen (figure->snippet), <=, 200);
  g_assert_true (g_utf8_validate (figure->snippet, -1, NULL));
  g_assert_true (g_str_has_prefix (line->str, figure->snippet));
}

static void
test_cancelled (void)
{
  g_autoptr(AssayPdfText) text = make_text (report_pages, G_N_ELEMENTS (report_pages));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  g_assert_null (assay_offline_extract (text, NULL, cancellable));
}

/* ----------------------------------------------------------- the object */

typedef struct
{
  GMainLoop       *loop;
  AssayExtraction *extraction;
  GError          *error;
  gboolean         done;
} AsyncResult;

static void
extract_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *r = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  r->extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (source), result, &r->error);
  r->done = TRUE;
  g_main_loop_quit (r->loop);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the extraction did not complete in time");
  return G_SOURCE_REMOVE;
}

static void
run_extraction (AssayExtractor *extractor,
                AssayPdfText   *text,
                AssayTemplate  *template_,
                GCancellable   *cancellable,
                AsyncResult    *r)
{
  AssayExtractRequest request = { 0 };
  guint timeout;

  request.text = text;
  request.template_ = template_;
  request.display_name = "report.pdf";

  r->loop = g_main_loop_new (NULL, FALSE);
  assay_extractor_extract_async (extractor, &request, cancellable, extract_done, r);
  timeout = g_timeout_add_seconds (20, on_timeout, NULL);
  g_main_loop_run (r->loop);
  g_source_remove (timeout);
  g_main_loop_unref (r->loop);
  g_assert_true (r->done);
}

/* The worker drops its reference to the task (and so to the extractor)
 * just after the callback was scheduled: wait for that, bounded. */
static void
assert_extractor_finalized (AssayOfflineExtractor *extractor)
{
  gpointer weak = extractor;

  g_object_add_weak_pointer (G_OBJECT (extractor), &weak);
  g_object_unref (extractor);
  for (guint i = 0; g_atomic_pointer_get (&weak) != NULL && i < 5000; i++)
    g_usleep (1000);
  g_assert_null (g_atomic_pointer_get (&weak));
}

static void
test_object_async (void)
{
  AssayWorkerPool *pool = assay_worker_pool_new (1);
  AssayOfflineExtractor *extractor = assay_offline_extractor_new (pool);
  g_autoptr(AssayPdfText) text = make_text (report_pages, G_N_ELEMENTS (report_pages));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("financial-report");
  g_autofree char *id = NULL;
  AsyncResult r = { 0 };

  g_assert_true (ASSAY_IS_EXTRACTOR (extractor));
  id = assay_extractor_dup_id (ASSAY_EXTRACTOR (extractor));
  g_assert_cmpstr (id, ==, "offline-2");

  run_extraction (ASSAY_EXTRACTOR (extractor), text, template_, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.extraction);
  g_assert_cmpstr (r.extraction->document_type, ==, "financial-report");
  g_assert_cmpuint (r.extraction->figures->len, ==, 7);
  g_assert_cmpstr (r.extraction->title, ==, "ACME Holdings plc");
  assay_extraction_free (r.extraction);

  assert_extractor_finalized (extractor);
  g_assert_finalize_object (pool);
}

static void
test_object_cancelled (void)
{
  AssayWorkerPool *pool = assay_worker_pool_new (1);
  AssayOfflineExtractor *extractor = assay_offline_extractor_new (pool);
  g_autoptr(AssayPdfText) text = make_text (report_pages, G_N_ELEMENTS (report_pages));
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult r = { 0 };

  /* Cancelled before the worker picks it up: the callback still runs, once,
   * with the cancellation. */
  g_cancellable_cancel (cancellable);
  run_extraction (ASSAY_EXTRACTOR (extractor), text, template_, cancellable, &r);
  g_assert_null (r.extraction);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  assert_extractor_finalized (extractor);
  g_assert_finalize_object (pool);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/offline-extractor/report", test_report);
  g_test_add_func ("/assay/offline-extractor/split-rows", test_split_rows);
  g_test_add_func ("/assay/offline-extractor/invoice", test_invoice);
  g_test_add_func ("/assay/offline-extractor/invoice-detected", test_invoice_detected);
  g_test_add_func ("/assay/offline-extractor/dates", test_dates);
  g_test_add_func ("/assay/offline-extractor/titles", test_titles);
  g_test_add_func ("/assay/offline-extractor/skips-non-quantities", test_skips_non_quantities);
  g_test_add_func ("/assay/offline-extractor/figures-are-figures", test_figures_are_figures);
  g_test_add_func ("/assay/offline-extractor/cells", test_cells);
  g_test_add_func ("/assay/offline-extractor/cap", test_cap);
  g_test_add_func ("/assay/offline-extractor/snippet-bounded", test_snippet_bounded);
  g_test_add_func ("/assay/offline-extractor/cancelled", test_cancelled);
  g_test_add_func ("/assay/offline-extractor/object-async", test_object_async);
  g_test_add_func ("/assay/offline-extractor/object-cancelled", test_object_cancelled);

  return g_test_run ();
}
