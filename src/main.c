/* main.c — the assay program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `assay --headless …` (and --list-models, --version, --help) is the command
 * line batch, which never touches GTK; anything else starts the window, or
 * hands the files named to the window already running.
 */
#define G_LOG_DOMAIN "assay"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "assay-application.h"
#include "assay-cli.h"

/* TRUE when the command line asks for the batch rather than the window. */
static gboolean
wants_cli (int    argc,
           char **argv)
{
  static const char * const cli_options[] = {
    "--headless", "--worker", "--list-models", "--version", "--help", "-h", "--help-all", "-?",
  };

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;

      for (guint j = 0; j < G_N_ELEMENTS (cli_options); j++)
        if (g_str_equal (argv[i], cli_options[j]))
          return TRUE;
    }

  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AssayApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* ASSAY_LOCALEDIR is for running from the build tree (the tests), where the
   * catalogues are built under po/ but not installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ASSAY_LOCALEDIR") != NULL
                                   ? g_getenv ("ASSAY_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (wants_cli (argc, argv))
    return assay_cli_run (argc, argv);

  app = assay_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
