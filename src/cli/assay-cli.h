/* assay-cli.h — `assay --headless`: the batch command line
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int assay_cli_run (int    argc,
                   char **argv);

G_END_DECLS
