/* make-pdfs.c — writes N distinct, realistic PDFs for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   make-pdfs [--alike] DIR N [PAGES]
 *
 * Each file is a short financial report or invoice with figures drawn from a
 * fixed-seed generator, so runs are repeatable and no two files are equal.
 * With --alike every file is the same report (one vendor's invoices, one
 * template's reports) but for its document number in the last line of each
 * page: the contents, and so the hashes, differ, the text hardly does.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay-test-pdf.h"

static const char *labels[] = {
  "Revenue", "Cost of sales", "Gross profit", "Operating expenses", "Operating income",
  "Interest expense", "Income tax", "Net income", "Total assets", "Total liabilities",
  "Cash and equivalents", "Inventories", "Trade receivables", "Employees", "Dividends paid",
};

/* "1,234,567.8": grouped by hand, whatever the locale. */
static char *
grouped (double value)
{
  g_autofree char *plain = g_strdup_printf ("%.1f", value);
  const char *dot = strchr (plain, '.');
  GString *out = g_string_new (NULL);
  guint n_int = dot - plain;

  for (guint i = 0; i < n_int; i++)
    {
      if (i > 0 && (n_int - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, plain[i]);
    }
  g_string_append (out, dot);

  return g_string_free (out, FALSE);
}

static char *
make_page (GRand *rand,
           guint  doc,
           guint  page,
           guint  heading)
{
  GString *text = g_string_new (NULL);
  guint year = 2015 + g_rand_int_range (rand, 0, 10);

  g_string_append_printf (text, "Northwind Holdings %u — Annual report %u\n", heading, year);
  g_string_append_printf (text, "Section %u                              %u        %u\n",
                          page + 1, year, year - 1);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      /* Log-uniform magnitudes, as real accounts have. */
      double a = pow (10.0, g_rand_double_range (rand, 1.0, 7.0));
      double b = a * g_rand_double_range (rand, 0.7, 1.3);

      g_autofree char *sa = grouped (a);
      g_autofree char *sb = grouped (b);

      g_string_append_printf (text, "%-28s %14s %14s\n", labels[i], sa, sb);
    }
  g_string_append_printf (text, "\nThe board proposes a dividend of %.2f per share. Growth was %.1f%%.\n",
                          g_rand_double_range (rand, 0.1, 5.0), g_rand_double_range (rand, -10, 25));
  g_string_append_printf (text, "Document %u, page %u\n", doc, page + 1);

  return g_string_free (text, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  guint n, n_pages;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  gboolean alike = argc > 1 && g_str_equal (argv[1], "--alike");

  if (alike)
    {
      argv[1] = argv[0];
      argv++;
      argc--;
    }

  if (argc < 3)
    {
      g_printerr ("usage: %s [--alike] DIR N [PAGES]\n", argv[0]);
      return 2;
    }

  n = (guint) atoi (argv[2]);
  n_pages = argc > 3 ? (guint) atoi (argv[3]) : 3;
  g_mkdir_with_parents (argv[1], 0755);

  for (guint doc = 0; doc < n; doc++)
    {
      g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *name = g_strdup_printf ("report-%05u.pdf", doc);
      g_autofree char *path = NULL;

      /* Alike: the same figures for every document, from the same seed. */
      if (alike)
        g_rand_set_seed (rand, 20261122);
      for (guint page = 0; page < n_pages; page++)
        g_ptr_array_add (pages, make_page (rand, doc, page, alike ? 1 : doc));

      path = assay_test_pdf_write_temp (argv[1], name, (const char * const *) pages->pdata, n_pages);
    }

  return 0;
}
