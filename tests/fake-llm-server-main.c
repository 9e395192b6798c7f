/* fake-llm-server-main.c — the tests' fake model server, standalone, for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fake-llm-server LATENCY_MS
 *
 * Listens on 127.0.0.1 (a free port), prints its URL on the first line of
 * standard output, and serves until standard input is closed. Then it
 * prints what it saw: "requests N max_in_flight M".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "assay-fake-llm-server.h"

int
main (int   argc,
      char *argv[])
{
  AssayFakeLlmServer *server;
  g_autofree char *url = NULL;
  char buffer[256];

  if (argc != 2)
    {
      g_printerr ("usage: %s LATENCY_MS\n", argv[0]);
      return 2;
    }

  server = assay_fake_llm_server_new ();
  assay_fake_llm_server_set_latency (server, (guint) atoi (argv[1]));
  url = assay_fake_llm_server_dup_url (server, "http");
  printf ("%s\n", url);
  fflush (stdout);

  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;

  printf ("requests %u max_in_flight %u\n",
          assay_fake_llm_server_get_requests (server),
          assay_fake_llm_server_get_max_in_flight (server));
  assay_fake_llm_server_free (server);

  return 0;
}
