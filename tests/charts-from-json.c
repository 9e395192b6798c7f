/* charts-from-json.c — RUN.json DIR: each document's charts as SVG and PNG
 *
 * Not a test: what `assay --headless --charts DIR` will do, for looking at the
 * charts of real reports before the CLI has the option
 * (assay --headless --format json … > run.json; charts-from-json run.json out/).
 */
#include "config.h"

#include <locale.h>

#include "assay-charts-result.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  setlocale (LC_ALL, "");
  if (argc != 3)
    {
      g_printerr ("usage: %s RUN.json DIR\n", argv[0]);
      return 2;
    }
  if (!json_parser_load_from_file (parser, argv[1], &error))
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_printerr ("%s: not a run object\n", argv[1]);
      return 1;
    }
  if (g_mkdir_with_parents (argv[2], 0755) != 0 ||
      !assay_charts_export_run_json (json_node_get_object (root), argv[2], NULL, written, &error))
    {
      g_printerr ("%s: %s\n", argv[2], error != NULL ? error->message : g_strerror (errno));
      return 1;
    }
  for (guint i = 0; i < written->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (written, i));
  return 0;
}
