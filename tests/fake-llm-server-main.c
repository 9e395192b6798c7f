/* fake-llm-server-main.c — the tests' fake model server, standalone, for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fake-llm-server LATENCY_MS [STREAM_MS [ANSWER_BYTES [FAULT_RATE [SEED]]]]
 *
 * Listens on 127.0.0.1 (a free port), prints its URL on the first line of
 * standard output, and serves until standard input is closed. Then it
 * prints what it saw:
 * "requests N max_in_flight M early E faults F" — E being the chat
 * requests that arrived inside a rate-limit window it had announced, F the
 * random faults it served.
 *
 * STREAM_MS spreads each streamed answer over that time (token by token);
 * ANSWER_BYTES pads each answer to about that size with a longer summary
 * (about 4 bytes a token); FAULT_RATE (0 to 1) gives that share of
 * requests a random fault, drawn from SEED.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "assay-fake-llm-server.h"

static char *
padded_fields (gsize answer_bytes)
{
  static const char * const words[] = {
    "the", "invoice", "covers", "café", "services", "for", "March", "—", "naïve",
    "estimate", "of", "12,400", "units", "delivered", "to", "Zürich", "and", "paid",
  };
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;

  for (guint i = 0; summary->len + 250 < answer_bytes; i++)
    g_string_append_printf (summary, "%s%s", i > 0 ? " " : "", words[i % G_N_ELEMENTS (words)]);
  g_string_append_c (summary, '.');

  json_node_set_string (node, summary->str);
  quoted = json_to_string (node, FALSE);

  return g_strdup_printf ("{\"author\": \"Ana Example\", \"date\": \"2024-03-01\", "
                          "\"summary\": %s}", quoted);
}

int
main (int   argc,
      char *argv[])
{
  AssayFakeLlmServer *server;
  g_autofree char *url = NULL;
  char buffer[256];

  if (argc < 2 || argc > 6)
    {
      g_printerr ("usage: %s LATENCY_MS [STREAM_MS [ANSWER_BYTES [FAULT_RATE [SEED]]]]\n", argv[0]);
      return 2;
    }

  server = assay_fake_llm_server_new ();
  assay_fake_llm_server_set_latency (server, (guint) atoi (argv[1]));
  if (argc > 2)
    assay_fake_llm_server_set_stream_ms (server, (guint) atoi (argv[2]));
  if (argc > 3 && atoi (argv[3]) > 0)
    {
      g_autofree char *fields = padded_fields ((gsize) atoi (argv[3]));

      assay_fake_llm_server_set_fields (server, fields);
    }
  if (argc > 4)
    assay_fake_llm_server_set_random_faults (server, g_ascii_strtod (argv[4], NULL),
                                             argc > 5 ? (guint32) atoi (argv[5]) : 1);

  url = assay_fake_llm_server_dup_url (server, "http");
  printf ("%s\n", url);
  fflush (stdout);

  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;

  printf ("requests %u max_in_flight %u early %u faults %u\n",
          assay_fake_llm_server_get_requests (server),
          assay_fake_llm_server_get_max_in_flight (server),
          assay_fake_llm_server_get_early_requests (server),
          assay_fake_llm_server_get_random_faults (server));
  assay_fake_llm_server_free (server);

  return 0;
}
