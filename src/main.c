/* main.c — the assay program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "assay-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* ASSAY_LOCALEDIR is for running from the build tree (the tests), where the
   * catalogues are built under po/ but not installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ASSAY_LOCALEDIR") != NULL
                                   ? g_getenv ("ASSAY_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return assay_cli_run (argc, argv);
}
