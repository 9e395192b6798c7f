/* test-headless-llm.c — `assay --headless --llm-url` against a fake model server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs in this process, in its own thread, on 127.0.0.1; assay
 * runs as a user would run it. Concurrency is measured on the server side.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "assay-fake-llm-server.h"
#include "assay-test-pdf.h"
#include "assay-test-run.h"

#define RUN_LIMIT_SECONDS 120
#define API_KEY "sk-test-do-not-leak-4242"

typedef struct
{
  AssayFakeLlmServer *server;
  char               *dir;
  GPtrArray          *pdfs;
} Fixture;

/* Page 1 holds the fake model's figure for page 1 (100); page 2 does not
 * hold 200, the figure it claims for page 2. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = assay_fake_llm_server_new ();
  fixture->dir = g_build_filename (g_get_user_cache_dir (), "assay-llm-XXXXXX", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_nonnull (g_mkdtemp (fixture->dir));
  fixture->pdfs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *page1 = g_strdup_printf ("Report %u\nTotal 100\nOther 17.5\n", i);
      const char *pages[] = { page1, "Nothing to see on this page.\n" };
      g_autofree char *name = g_strdup_printf ("doc-%u.pdf", i);

      g_ptr_array_add (fixture->pdfs, assay_test_pdf_write_temp (fixture->dir, name, pages, 2));
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  assay_fake_llm_server_free (fixture->server);
  g_ptr_array_unref (fixture->pdfs);
  g_free (fixture->dir);
}

/* Runs assay on the fixture's first @n_pdfs files with @args before them. */
static void
run_assay (Fixture            *fixture,
           AssayTestOutcome   *outcome,
           guint               n_pdfs,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  launcher = assay_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "ASSAY_API_KEY", API_KEY, TRUE);

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  for (guint i = 0; i < n_pdfs; i++)
    g_ptr_array_add (argv, g_ptr_array_index (fixture->pdfs, i));
  g_ptr_array_add (argv, NULL);

  assay_test_run (launcher, (const char * const *) argv->pdata, RUN_LIMIT_SECONDS, outcome);

  /* Whatever happened, the key never shows. */
  g_assert_null (strstr (outcome->out, API_KEY));
  g_assert_null (strstr (outcome->err, API_KEY));
}

static JsonObject *
parse_run (JsonParser *parser,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
document_at (JsonObject *run,
             guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (run, "documents"), index);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_object_member (object, name);
}

static void
test_extract_and_verify (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = assay_fake_llm_server_dup_url (fixture->server, "http");
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *run;

  assay_fake_llm_server_set_latency (fixture->server, 200);
  run_assay (fixture, &outcome, 6, (const char *[]) {
    "--headless", "--llm-url", url, "--model", "fake-7b", "--max-requests", "3", NULL });
  g_assert_cmpint (outcome.status, ==, 0);

  run = parse_run (parser, outcome.out);
  g_assert_cmpstr (json_object_get_string_member (run, "extractor"), ==, "llm-openai-fake-7b");

  for (guint i = 0; i < 6; i++)
    {
      JsonObject *document = document_at (run, i);
      JsonObject *extraction = member_object (document, "extraction");
      JsonObject *verification = member_object (member_object (document, "analysis"), "verification");
      JsonArray *figures = json_object_get_array_member (extraction, "figures");

      g_assert_cmpstr (json_object_get_string_member (document, "status"), ==, "done");
      g_assert_cmpstr (json_object_get_string_member (extraction, "method"), ==, "llm");
      g_assert_cmpstr (json_object_get_string_member (extraction, "provider"), ==, "openai");
      g_assert_cmpstr (json_object_get_string_member (extraction, "model"), ==, "fake-7b");
      g_assert_cmpuint (json_array_get_length (figures), ==, 2);

      /* The figure that is on its page is verified; the one the model made
       * up is not, and it is counted. */
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (figures, 0),
                                                      "verified"), ==, "verified");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (figures, 1),
                                                      "verified"), ==, "unverified");
      g_assert_cmpint (json_object_get_int_member (verification, "unverified"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (verification, "verified"), >=, 1);
    }

  /* K requests really in flight, never more. */
  g_assert_cmpuint (assay_fake_llm_server_get_max_in_flight (fixture->server), ==, 3);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 6);

  /* A second run is served from the store: not one request. */
  {
    g_auto(AssayTestOutcome) again = { 0 };
    g_autoptr(JsonParser) again_parser = json_parser_new ();

    assay_fake_llm_server_reset (fixture->server);
    run_assay (fixture, &again, 6, (const char *[]) {
      "--headless", "--llm-url", url, "--model", "fake-7b", NULL });
    g_assert_cmpint (again.status, ==, 0);
    g_assert_true (json_object_get_boolean_member (document_at (parse_run (again_parser, again.out), 0),
                                                   "cached"));
    g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 0);
  }
}

static void
test_ollama_streaming (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *url = assay_fake_llm_server_dup_url (fixture->server, "http");
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *extraction;

  run_assay (fixture, &outcome, 1, (const char *[]) {
    "--headless", "--no-cache", "--llm-url", url, "--provider", "ollama", "--model", "llama-test",
    NULL });
  g_assert_cmpint (outcome.status, ==, 0);

  extraction = member_object (document_at (parse_run (parser, outcome.out), 0), "extraction");
  g_assert_cmpstr (json_object_get_string_member (extraction, "provider"), ==, "ollama");
  g_assert_cmpint (json_object_get_int_member (member_object (extraction, "usage"),
                                               "completion_tokens"), >, 0);
}

static void
test_rejected_key (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = assay_fake_llm_server_dup_url (fixture->server, "http");
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  AssayFakeLlmFault fault = {
    .kind = ASSAY_FAKE_LLM_FAULT_STATUS,
    .status = 401,
    .body = "{\"error\": {\"message\": \"Incorrect API key provided: " API_KEY "\", "
            "\"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}",
  };
  JsonObject *document;
  const char *message;

  assay_fake_llm_server_push_fault (fixture->server, &fault);
  run_assay (fixture, &outcome, 1, (const char *[]) {
    "--headless", "--no-cache", "--llm-url", url, "--model", "fake-7b", NULL });
  g_assert_cmpint (outcome.status, ==, 1);

  document = document_at (parse_run (parser, outcome.out), 0);
  g_assert_cmpstr (json_object_get_string_member (document, "status"), ==, "failed");
  message = json_object_get_string_member (member_object (document, "error"), "message");
  g_assert_nonnull (strstr (message, "ASSAY_API_KEY"));
  /* 401 is not retried. */
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
}

static void
test_offline_fallback (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *url = assay_fake_llm_server_dup_url (fixture->server, "http");
  AssayFakeLlmFault fault = {
    .kind = ASSAY_FAKE_LLM_FAULT_STATUS,
    .status = 503,
    .body = "{\"error\": {\"message\": \"overloaded\"}}",
  };

  for (guint i = 0; i < 4; i++)
    assay_fake_llm_server_push_fault (fixture->server, &fault);

  {
    g_auto(AssayTestOutcome) outcome = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *extraction;

    run_assay (fixture, &outcome, 1, (const char *[]) {
      "--headless", "--llm-url", url, "--model", "fake-7b", "--retries", "1",
      "--offline-fallback", NULL });
    g_assert_cmpint (outcome.status, ==, 0);

    extraction = member_object (document_at (parse_run (parser, outcome.out), 0), "extraction");
    g_assert_true (json_object_get_boolean_member (extraction, "fell_back"));
    g_assert_cmpstr (json_object_get_string_member (extraction, "method"), ==, "offline");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (extraction, "warnings")), >=, 1);
    /* One request and one retry. */
    g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
  }

  /* The fallen-back result was not kept: the model is asked again. */
  {
    g_auto(AssayTestOutcome) outcome = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *document;

    assay_fake_llm_server_reset (fixture->server);
    run_assay (fixture, &outcome, 1, (const char *[]) {
      "--headless", "--llm-url", url, "--model", "fake-7b", "--offline-fallback", NULL });
    g_assert_cmpint (outcome.status, ==, 0);
    document = document_at (parse_run (parser, outcome.out), 0);
    g_assert_false (json_object_get_boolean_member (document, "cached"));
    g_assert_cmpstr (json_object_get_string_member (member_object (document, "extraction"), "method"),
                     ==, "llm");
  }
}

static void
test_list_models (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *url = assay_fake_llm_server_dup_url (fixture->server, "http");
  g_auto(AssayTestOutcome) outcome = { 0 };

  run_assay (fixture, &outcome, 0, (const char *[]) { "--list-models", "--llm-url", url, NULL });
  g_assert_cmpint (outcome.status, ==, 0);
  /* In name order, whatever order the server gave. */
  g_assert_cmpstr (outcome.out, ==, "alpha-1b\nzeta-7b\n");
  /* Listing sends no document anywhere. */
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 0);
}

static void
test_refuses_insecure_remote (Fixture       *fixture,
                              gconstpointer  data)
{
  g_auto(AssayTestOutcome) outcome = { 0 };

  /* Plain http to a host that is not this machine: refused before anything
   * is sent (the name is never even looked up). */
  run_assay (fixture, &outcome, 1, (const char *[]) {
    "--headless", "--llm-url", "http://models.example.invalid/v1", "--model", "x", NULL });
  g_assert_cmpint (outcome.status, ==, 2);
  g_assert_nonnull (strstr (outcome.err, "http"));
  g_assert_cmpstr (outcome.out, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/assay/headless-llm/extract-and-verify", test_extract_and_verify);
  ADD ("/assay/headless-llm/ollama-streaming", test_ollama_streaming);
  ADD ("/assay/headless-llm/rejected-key", test_rejected_key);
  ADD ("/assay/headless-llm/offline-fallback", test_offline_fallback);
  ADD ("/assay/headless-llm/list-models", test_list_models);
  ADD ("/assay/headless-llm/refuses-insecure-remote", test_refuses_insecure_remote);

#undef ADD

  return g_test_run ();
}
