/* test-llm-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "assay-fake-llm-server.h"
#include "assay-llm-client.h"

#define API_KEY "sk-test-SECRET-0123456789abcdef"
#define MODEL   "fake-model"
/* No test waits longer than this for an answer. */
#define GUARD_SECONDS 30

typedef struct
{
  AssayFakeLlmServer *server;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = assay_fake_llm_server_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, assay_fake_llm_server_free);
}

static AssayLlmConfig *
make_config (Fixture          *fixture,
             AssayLlmProvider  provider,
             gboolean          stream)
{
  AssayLlmConfig *config = g_new0 (AssayLlmConfig, 1);
  g_autofree char *base = assay_fake_llm_server_dup_url (fixture->server, "http");

  assay_llm_config_init (config, provider);
  config->url = provider == ASSAY_LLM_PROVIDER_OPENAI ? g_strconcat (base, "/v1", NULL)
                                                      : g_steal_pointer (&base);
  config->model = g_strdup (MODEL);
  config->api_key = g_strdup (API_KEY);
  config->stream = stream;
  config->timeout_seconds = 10;
  config->overall_timeout_seconds = 60;

  return config;
}

static AssayLlmClient *
make_client (const AssayLlmConfig *config)
{
  g_autoptr(GError) error = NULL;
  AssayLlmClient *client = assay_llm_client_new (config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);

  return client;
}

/* Pages of @chars characters: "Page N. Revenue rose. ..." */
static AssayPdfText *
make_text (guint n_pages,
           gsize chars)
{
  AssayPdfText *text = assay_pdf_text_new ();

  text->n_pages = n_pages;
  for (guint i = 0; i < n_pages; i++)
    {
      GString *page = g_string_new (NULL);

      g_string_append_printf (page, "Page %u of the report.\n", i + 1);
      while (page->len < chars)
        g_string_append (page, "Revenue rose by 100 while costs stayed flat.\n");
      assay_pdf_text_add_page (text, i, g_string_free (page, FALSE), TRUE);
    }

  return text;
}

typedef struct
{
  AssayExtraction *extraction;
  GError          *error;
  gboolean         done;
  gint64           done_at;
  double           last_fraction;
  guint64          last_tokens;
  guint            n_progress;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->extraction, assay_extraction_free);
  g_clear_error (&outcome->error);
  memset (outcome, 0, sizeof *outcome);
}

static void
progress_cb (gpointer user_data,
             double   fraction,
             guint64  tokens)
{
  Outcome *outcome = user_data;

  g_assert_cmpuint (tokens, >=, outcome->last_tokens);
  outcome->last_fraction = fraction;
  outcome->last_tokens = tokens;
  outcome->n_progress++;
}

static void
extract_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (source), result,
                                                        &outcome->error);
  outcome->done = TRUE;
  outcome->done_at = g_get_monotonic_time ();
}

static void
wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
start_extract (AssayLlmClient *client,
               AssayPdfText   *text,
               const char     *template_name,
               GCancellable   *cancellable,
               Outcome        *outcome)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup (template_name);
  AssayExtractRequest request = { 0 };

  request.text = text;
  request.template_ = template;
  request.display_name = "test.pdf";
  request.progress = progress_cb;
  request.progress_data = outcome;
  outcome->last_fraction = -2;

  assay_extractor_extract_async (ASSAY_EXTRACTOR (client), &request, cancellable,
                                 extract_cb, outcome);
}

static void
extract (AssayLlmClient *client,
         AssayPdfText   *text,
         const char     *template_name,
         Outcome        *outcome)
{
  start_extract (client, text, template_name, NULL, outcome);
  wait_for (&outcome->done);
}

static void
assert_general_answer (AssayExtraction *extraction,
                       guint            n_pages)
{
  g_assert_nonnull (extraction);
  g_assert_cmpstr (extraction->method, ==, "llm");
  g_assert_cmpstr (extraction->model, ==, MODEL);
  g_assert_cmpstr (extraction->template_name, ==, "general");
  g_assert_cmpstr (extraction->title, ==, "Fake document");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "author")->value, ==, "Ana Example");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "date")->value, ==, "2024-03-01");
  g_assert_cmpuint (extraction->figures->len, ==, n_pages);
  for (guint i = 0; i < n_pages; i++)
    {
      AssayFigure *figure = g_ptr_array_index (extraction->figures, i);
      g_autofree char *label = g_strdup_printf ("Figure on page %u", i + 1);

      g_assert_cmpstr (figure->label, ==, label);
      g_assert_cmpuint (figure->page, ==, i + 1);
      g_assert_cmpfloat (figure->value, ==, (i + 1) * 100.0);
    }
}

static JsonObject *
parse_body (JsonParser *parser,
            const char *body)
{
  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_happy (Fixture       *fixture,
            gconstpointer  data)
{
  guint variant = GPOINTER_TO_UINT (data);
  AssayLlmProvider provider = variant / 2 ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
  gboolean stream = variant % 2 == 0;
  g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, stream);
  g_autoptr(AssayLlmClient) client = make_client (config);
  g_autoptr(AssayPdfText) text = make_text (2, 300);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *id = NULL;
  AssayLlmClientStats stats;
  Outcome outcome = { 0 };
  JsonObject *request;

  extract (client, text, "general", &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 2);
  g_assert_cmpstr (outcome.extraction->provider, ==,
                   provider == ASSAY_LLM_PROVIDER_OLLAMA ? "ollama" : "openai");

  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
  body = assay_fake_llm_server_dup_body (fixture->server, 0);
  authorization = assay_fake_llm_server_dup_authorization (fixture->server, 0);
  g_assert_cmpstr (authorization, ==, "Bearer " API_KEY);

  /* The server reports prompt tokens as body bytes / 4, and as completion
   * tokens the tokens it streamed (or answer bytes / 4): many of 1–9 bytes. */
  g_assert_cmpint (outcome.extraction->prompt_tokens, ==, (gint64) strlen (body) / 4);
  g_assert_cmpint (outcome.extraction->completion_tokens, >, 20);

  request = parse_body (parser, body);
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, MODEL);
  g_assert_cmpint (json_object_get_boolean_member (request, "stream"), ==, stream);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (request, "messages")), ==, 2);
  g_assert_nonnull (strstr (body, "=== Page 1 ===\\nPage 1 of the report."));
  g_assert_nonnull (strstr (body, "=== Page 2 ==="));

  if (provider == ASSAY_LLM_PROVIDER_OLLAMA)
    {
      JsonObject *options = json_object_get_object_member (request, "options");

      g_assert_cmpint (json_object_get_int_member (options, "num_ctx"), ==, 8192);
      g_assert_cmpint (json_object_get_int_member (options, "num_predict"), ==, 2048);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (request, "format")));
    }
  else
    {
      JsonObject *format = json_object_get_object_member (request, "response_format");

      g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_schema");
      g_assert_true (json_object_get_boolean_member (
        json_object_get_object_member (format, "json_schema"), "strict"));
    }

  /* Streaming drives the token count; the last report is complete. */
  g_assert_cmpuint (outcome.n_progress, >=, 2);
  g_assert_cmpfloat (outcome.last_fraction, ==, 1.0);
  if (stream)
    g_assert_cmpuint (outcome.last_tokens, ==, outcome.extraction->completion_tokens);

  assay_llm_client_get_stats (client, &stats);
  g_assert_cmpuint (stats.documents, ==, 1);
  g_assert_cmpuint (stats.requests, ==, 1);
  g_assert_cmpuint (stats.retries, ==, 0);
  g_assert_cmpint (stats.completion_tokens, ==, outcome.extraction->completion_tokens);

  id = assay_extractor_dup_id (ASSAY_EXTRACTOR (client));
  g_assert_cmpstr (id, ==, provider == ASSAY_LLM_PROVIDER_OLLAMA ? "llm-ollama-fake-model"
                                                                 : "llm-openai-fake-model");

  outcome_clear (&outcome);
  g_assert_finalize_object (g_steal_pointer (&client));
}

typedef struct
{
  char   **models;
  GError  *error;
  gboolean done;
} ModelsOutcome;

static void
models_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ModelsOutcome *outcome = user_data;

  outcome->models = assay_llm_client_list_models_finish (ASSAY_LLM_CLIENT (source), result,
                                                         &outcome->error);
  outcome->done = TRUE;
}

static void
test_list_models (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint p = 0; p < 2; p++)
    {
      AssayLlmProvider provider = p ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
      g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, TRUE);
      g_autoptr(AssayLlmClient) client = NULL;
      ModelsOutcome outcome = { 0 };

      /* Listing needs no model. */
      g_clear_pointer (&config->model, g_free);
      client = make_client (config);
      assay_llm_client_list_models_async (client, NULL, models_cb, &outcome);
      wait_for (&outcome.done);

      g_assert_no_error (outcome.error);
      g_assert_cmpuint (g_strv_length (outcome.models), ==, 2);
      if (p == 0)
        {
          g_assert_cmpstr (outcome.models[0], ==, "alpha-1b");
          g_assert_cmpstr (outcome.models[1], ==, "zeta-7b");
        }
      else
        {
          g_assert_cmpstr (outcome.models[0], ==, "gemma2:2b");
          g_assert_cmpstr (outcome.models[1], ==, "llama3.1:8b");
        }
      g_strfreev (outcome.models);
    }
}

/* One document through a client with @retries and a fault list. */
static void
run_with_faults (Fixture                 *fixture,
                 AssayLlmProvider         provider,
                 gboolean                 stream,
                 guint                    retries,
                 const AssayFakeLlmFault *faults,
                 guint                    n_faults,
                 Outcome                 *outcome)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, stream);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (2, 300);

  config->retries = retries;
  config->max_response_bytes = 256 * 1024;
  client = make_client (config);

  for (guint i = 0; i < n_faults; i++)
    assay_fake_llm_server_push_fault (fixture->server, &faults[i]);

  extract (client, text, "general", outcome);
}

static void
assert_no_key (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_null (strstr (error->message, "SECRET"));
}

static void
test_retry_then_success (Fixture       *fixture,
                         gconstpointer  data)
{
  static const guint statuses[] = { 500, 502, 503, 408, 409, 429 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, statuses[i],
                                  "{\"error\":{\"message\":\"try later\"}}", NULL, "20" };
      Outcome outcome = { 0 };

      g_test_message ("status %u", statuses[i]);
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, i % 2 == 0, 3, &fault, 1, &outcome);
      g_assert_no_error (outcome.error);
      assert_general_answer (outcome.extraction, 2);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
      outcome_clear (&outcome);
    }
}

static void
test_retry_timing (Fixture       *fixture,
                   gconstpointer  data)
{
  /* retry-after-ms, retry-after in seconds, and no header: backoff of
   * 0.5 s less up to a quarter of jitter. Measured between arrivals at the
   * server. */
  static const struct { const char *after; const char *after_ms; gint64 min_ms; gint64 max_ms; } cases[] = {
    { NULL, "300", 300, 550 },
    { "1", NULL, 1000, 1300 },
    { NULL, NULL, 375, 700 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, 429,
                                  "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}",
                                  cases[i].after, cases[i].after_ms };
      Outcome outcome = { 0 };
      gint64 gap_ms;

      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE, 3, &fault, 1, &outcome);
      g_assert_no_error (outcome.error);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);

      gap_ms = (assay_fake_llm_server_get_arrival (fixture->server, 1) -
                assay_fake_llm_server_get_arrival (fixture->server, 0)) / 1000;
      g_test_message ("case %u: %" G_GINT64_FORMAT " ms between attempts", i, gap_ms);
      g_assert_cmpint (gap_ms, >=, cases[i].min_ms);
      g_assert_cmpint (gap_ms, <=, cases[i].max_ms);
      outcome_clear (&outcome);
    }
}

static void
test_not_retried (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct { guint status; const char *body; int code; const char *fragment; } cases[] = {
    { 401, "{\"error\":{\"message\":\"Incorrect API key provided: " API_KEY ". You can find your key at https://x.\",\"code\":\"invalid_api_key\"}}",
      ASSAY_LLM_ERROR_AUTH, "rejected the API key (401). Check ASSAY_API_KEY." },
    { 403, "{\"error\":\"forbidden\"}", ASSAY_LLM_ERROR_AUTH, "refused access (403)" },
    { 404, "{\"error\":\"model 'fake-model' not found\"}", ASSAY_LLM_ERROR_NOT_FOUND, "“fake-model”" },
    { 400, "{\"error\":{\"message\":\"messages must not be empty\"}}", ASSAY_LLM_ERROR_BAD_REQUEST,
      "messages must not be empty" },
    { 429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
      ASSAY_LLM_ERROR_QUOTA, "run out of quota" },
    { 422, "{\"detail\":\"unprocessable\"}", ASSAY_LLM_ERROR_BAD_REQUEST, "HTTP status 422" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, cases[i].status, cases[i].body };
      Outcome outcome = { 0 };

      g_test_message ("status %u", cases[i].status);
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, i % 2 ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI,
                       TRUE, 3, &fault, 1, &outcome);
      g_assert_error (outcome.error, ASSAY_LLM_ERROR, cases[i].code);
      g_test_message ("%s", outcome.error->message);
      g_assert_nonnull (strstr (outcome.error->message, cases[i].fragment));
      assert_no_key (outcome.error);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
      outcome_clear (&outcome);
    }
}

static void
test_retries_exhausted (Fixture       *fixture,
                        gconstpointer  data)
{
  AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, 503,
                              "{\"error\":{\"message\":\"overloaded\"}}", NULL, "10" };
  AssayFakeLlmFault faults[] = { fault, fault, fault };
  Outcome outcome = { 0 };

  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE, 2, faults, 3, &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_SERVER);
  g_assert_nonnull (strstr (outcome.error->message, "HTTP status 503, also after 2 retries"));
  g_assert_nonnull (strstr (outcome.error->message, "overloaded"));
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 3);
  outcome_clear (&outcome);
}

static void
test_stream_faults (Fixture       *fixture,
                    gconstpointer  data)
{
  for (guint p = 0; p < 2; p++)
    {
      AssayLlmProvider provider = p ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
      AssayFakeLlmFault cut = { ASSAY_FAKE_LLM_FAULT_STREAM_CUT };
      AssayFakeLlmFault error_object = { ASSAY_FAKE_LLM_FAULT_STREAM_ERROR };
      AssayFakeLlmFault disconnect = { ASSAY_FAKE_LLM_FAULT_DISCONNECT };
      Outcome outcome = { 0 };

      /* A cut stream is retried and then succeeds. */
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, provider, TRUE, 3, &cut, 1, &outcome);
      g_assert_no_error (outcome.error);
      assert_general_answer (outcome.extraction, 2);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
      outcome_clear (&outcome);

      /* Without retries it is a clear error, never half an answer. */
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, provider, TRUE, 0, &cut, 1, &outcome);
      g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
      g_assert_nonnull (strstr (outcome.error->message, "ended before it was complete"));
      g_assert_null (outcome.extraction);
      outcome_clear (&outcome);

      /* An error object in the stream is reported, not retried. */
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, provider, TRUE, 3, &error_object, 1, &outcome);
      g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
      g_assert_nonnull (strstr (outcome.error->message, "runner crashed"));
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
      outcome_clear (&outcome);

      /* A connection closed without an answer is retried. */
      assay_fake_llm_server_reset (fixture->server);
      run_with_faults (fixture, provider, p == 0, 3, &disconnect, 1, &outcome);
      g_assert_no_error (outcome.error);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
      outcome_clear (&outcome);
    }
}

static void
test_oversized (Fixture       *fixture,
                gconstpointer  data)
{
  AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_OVERSIZED };
  Outcome outcome = { 0 };

  fault.size = 2 * 1024 * 1024;
  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, FALSE, 3, &fault, 1, &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TOO_LARGE);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
  outcome_clear (&outcome);
}

static void
test_answers (Fixture       *fixture,
              gconstpointer  data)
{
  AssayFakeLlmFault prose = { ASSAY_FAKE_LLM_FAULT_PROSE };
  AssayFakeLlmFault invalid = { ASSAY_FAKE_LLM_FAULT_INVALID };
  AssayFakeLlmFault twice[] = { invalid, invalid };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *repair = NULL;
  JsonArray *messages;
  Outcome outcome = { 0 };

  /* Prose and a code fence around the JSON: accepted as is. */
  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE, 3, &prose, 1, &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 2);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
  outcome_clear (&outcome);

  /* Invalid, then valid after one repair round that names the problem. */
  assay_fake_llm_server_reset (fixture->server);
  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OLLAMA, TRUE, 3, &invalid, 1, &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 2);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
  repair = assay_fake_llm_server_dup_body (fixture->server, 1);
  messages = json_object_get_array_member (parse_body (parser, repair), "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2), "role"),
                   ==, "assistant");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (messages, 3), "content"),
                                   "Your answer does not match the required JSON schema:\n"
                                   "- \"fields\" must be an object"));
  outcome_clear (&outcome);

  /* Invalid twice: a clear failure, no garbage. */
  assay_fake_llm_server_reset (fixture->server);
  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, FALSE, 3, twice, 2, &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_INVALID_ANSWER);
  g_assert_nonnull (strstr (outcome.error->message, "“general”"));
  g_assert_null (outcome.extraction);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
  outcome_clear (&outcome);
}

static void
test_length_split (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = make_client (config);
  g_autoptr(AssayPdfText) text = make_text (4, 300);
  AssayLlmClientStats stats;
  Outcome outcome = { 0 };

  /* All four pages fit one request; the server cuts answers covering
   * more than two pages off with finish_reason "length". */
  assay_fake_llm_server_set_length_above_pages (fixture->server, 2);
  extract (client, text, "general", &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 4);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 3);
  assay_llm_client_get_stats (client, &stats);
  g_assert_cmpuint (stats.splits, ==, 1);
  outcome_clear (&outcome);

  /* One page that is always cut off cannot be split forever: it is asked
   * once more with a larger allowance, then it fails. */
  assay_fake_llm_server_reset (fixture->server);
  {
    g_autoptr(AssayPdfText) one = make_text (1, 300);
    AssayFakeLlmFault length = { ASSAY_FAKE_LLM_FAULT_LENGTH };

    assay_fake_llm_server_push_fault (fixture->server, &length);
    assay_fake_llm_server_push_fault (fixture->server, &length);
    extract (client, one, "general", &outcome);
    g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TRUNCATED);
    g_assert_nonnull (strstr (outcome.error->message, "cut off"));
    g_assert_nonnull (strstr (outcome.error->message, "even for the smallest part"));
    g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
    outcome_clear (&outcome);
  }
}

/* A smallest part cut off at the output limit is asked once more with a
 * larger allowance: max_tokens (OpenAI, which otherwise leaves it to the
 * server) or num_predict (Ollama). */
static void
test_length_raises_limit (Fixture       *fixture,
                          gconstpointer  data)
{
  for (guint p = 0; p < 2; p++)
    {
      AssayLlmProvider provider = p ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
      g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, TRUE);
      g_autoptr(AssayLlmClient) client = make_client (config);
      g_autoptr(AssayPdfText) one = make_text (1, 300);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *first = NULL;
      g_autofree char *second = NULL;
      JsonObject *request;
      AssayLlmClientStats stats;
      Outcome outcome = { 0 };
      gint64 limit_first, limit_second;

      /* The answer needs more than the first allowance (4096 by the
       * server's default for OpenAI; num_predict 2048 for Ollama). */
      assay_fake_llm_server_reset (fixture->server);
      assay_fake_llm_server_set_answer_tokens (fixture->server, 5000);
      extract (client, one, "general", &outcome);
      g_assert_no_error (outcome.error);
      assert_general_answer (outcome.extraction, 1);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
      assay_llm_client_get_stats (client, &stats);
      g_assert_cmpuint (stats.raised_limits, ==, 1);
      g_assert_cmpuint (stats.splits, ==, 0);

      first = assay_fake_llm_server_dup_body (fixture->server, 0);
      second = assay_fake_llm_server_dup_body (fixture->server, 1);
      if (p == 0)
        {
          request = parse_body (parser, first);
          g_assert_false (json_object_has_member (request, "max_tokens"));
          request = parse_body (parser, second);
          limit_second = json_object_get_int_member (request, "max_tokens");
          g_assert_cmpint (limit_second, >, 5000);
        }
      else
        {
          request = parse_body (parser, first);
          limit_first = json_object_get_int_member (json_object_get_object_member (request, "options"),
                                                    "num_predict");
          request = parse_body (parser, second);
          limit_second = json_object_get_int_member (json_object_get_object_member (request, "options"),
                                                     "num_predict");
          g_assert_cmpint (limit_second, >, limit_first);
          g_assert_cmpint (limit_second, >, 5000);
          g_assert_cmpint (limit_second, <=, 8192);
        }
      outcome_clear (&outcome);

      /* An answer that does not fit even then fails with the message of
       * a cut-off answer, after exactly one more request. */
      assay_fake_llm_server_reset (fixture->server);
      assay_fake_llm_server_set_answer_tokens (fixture->server, 100000);
      extract (client, one, "general", &outcome);
      g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TRUNCATED);
      g_assert_nonnull (strstr (outcome.error->message, "even for the smallest part"));
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
      outcome_clear (&outcome);
    }
}

/* Members the template does not name: left out with a warning on the
 * document, in one request, never a repair round or a failure. */
static void
test_extra_members (Fixture       *fixture,
                    gconstpointer  data)
{
  for (guint p = 0; p < 2; p++)
    {
      AssayLlmProvider provider = p ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
      g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, p == 0);
      g_autoptr(AssayLlmClient) client = make_client (config);
      g_autoptr(AssayPdfText) text = make_text (2, 300);
      AssayLlmClientStats stats;
      Outcome outcome = { 0 };
      gboolean warned = FALSE;

      assay_fake_llm_server_reset (fixture->server);
      assay_fake_llm_server_set_extra_members (fixture->server,
                                               "\"author\": \"A. Nother\", \"notes\": [1, 2], "
                                               "\"confidence\": 0.93");
      extract (client, text, "general", &outcome);
      g_assert_no_error (outcome.error);
      assert_general_answer (outcome.extraction, 2);
      g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 1);
      assay_llm_client_get_stats (client, &stats);
      g_assert_cmpuint (stats.repairs, ==, 0);
      for (guint i = 0; i < outcome.extraction->warnings->len; i++)
        {
          const char *warning = g_ptr_array_index (outcome.extraction->warnings, i);

          if (strstr (warning, "left out") != NULL)
            {
              g_assert_nonnull (strstr (warning, "notes"));
              g_assert_nonnull (strstr (warning, "confidence"));
              warned = TRUE;
            }
        }
      g_assert_true (warned);
      outcome_clear (&outcome);
    }
}

/* Streamed token by token as real servers do, over 40 ms: an event per
 * token of 1-9 bytes, comment lines, CRLF (odd requests) and LF (even
 * ones), every multi-byte character cut across two writes. The answer
 * comes out byte for byte, for both providers. */
static void
test_stream_token_by_token (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char summary[] = "Überschuss von 12 400 € — café, naïve, Zürich, 東京, 😀 and \"quotes\" \\ done.";
  g_autofree char *fields = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, summary);
  quoted = json_to_string (node, FALSE);
  fields = g_strdup_printf ("{\"author\": \"Ana Example\", \"date\": \"2024-03-01\", "
                            "\"summary\": %s}", quoted);
  assay_fake_llm_server_set_fields (fixture->server, fields);
  assay_fake_llm_server_set_stream_ms (fixture->server, 40);

  for (guint p = 0; p < 2; p++)
    {
      AssayLlmProvider provider = p ? ASSAY_LLM_PROVIDER_OLLAMA : ASSAY_LLM_PROVIDER_OPENAI;
      g_autoptr(AssayLlmConfig) config = make_config (fixture, provider, TRUE);
      g_autoptr(AssayLlmClient) client = make_client (config);

      /* Two documents: one over LF, one over CRLF. */
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(AssayPdfText) text = make_text (2, 300);
          Outcome outcome = { 0 };

          extract (client, text, "general", &outcome);
          g_assert_no_error (outcome.error);
          assert_general_answer (outcome.extraction, 2);
          g_assert_cmpstr (assay_extraction_get_field (outcome.extraction, "summary")->value, ==,
                           summary);
          /* Every token counted, progress coalesced. */
          g_assert_cmpint (outcome.extraction->completion_tokens, >, 60);
          g_assert_cmpuint (outcome.last_tokens, ==, outcome.extraction->completion_tokens);
          g_assert_cmpuint (outcome.n_progress, <, outcome.extraction->completion_tokens / 4);
          outcome_clear (&outcome);
        }
    }

  assay_fake_llm_server_set_stream_ms (fixture->server, 0);
}

/* Streams read side by side: four answers streamed at once over 300 ms
 * share the dispatcher's paced reads; one is cancelled while its stream
 * waits for its next read. The others come out byte for byte, with their
 * progress coalesced, and the cancelled one ends at once as cancelled. */
static void
test_streams_side_by_side (Fixture       *fixture,
                           gconstpointer  data)
{
  static const char summary[] = "Streams side by side — naïve café in Zürich, 東京, 😀.";
  g_autofree char *fields = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (2, 300);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcomes[4] = { { 0 } };

  json_node_set_string (node, summary);
  quoted = json_to_string (node, FALSE);
  fields = g_strdup_printf ("{\"author\": \"Ana Example\", \"date\": \"2024-03-01\", "
                            "\"summary\": %s}", quoted);
  assay_fake_llm_server_set_fields (fixture->server, fields);
  assay_fake_llm_server_set_stream_ms (fixture->server, 300);
  config->max_requests = 4;
  client = make_client (config);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    start_extract (client, text, "general", i == 1 ? cancellable : NULL, &outcomes[i]);

  /* Cancelled once its stream has given something. */
  {
    gint64 deadline = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

    while (outcomes[1].n_progress == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
  }
  g_assert_false (outcomes[1].done);
  g_cancellable_cancel (cancellable);
  /* At once: with what is ready now, not after its next paced read nor
   * when its stream would have ended. */
  while (!outcomes[1].done && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (outcomes[1].done);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    wait_for (&outcomes[i].done);

  g_assert_error (outcomes[1].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      if (i == 1)
        continue;
      g_assert_no_error (outcomes[i].error);
      assert_general_answer (outcomes[i].extraction, 2);
      g_assert_cmpstr (assay_extraction_get_field (outcomes[i].extraction, "summary")->value, ==,
                       summary);
      g_assert_cmpuint (outcomes[i].last_tokens, ==, outcomes[i].extraction->completion_tokens);
      g_assert_cmpuint (outcomes[i].n_progress, >=, 2);
      g_assert_cmpuint (outcomes[i].n_progress, <, outcomes[i].extraction->completion_tokens / 4);
    }
  /* The cancelled one first, then the others as their streams end. */
  g_assert_cmpint (outcomes[1].done_at, <, outcomes[0].done_at);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    outcome_clear (&outcomes[i]);
  assay_fake_llm_server_set_stream_ms (fixture->server, 0);
}

typedef struct
{
  Outcome  outcome;
  gint64   waiting_until;   /* the last value told */
  gint64   max_waiting_until;
  guint    n_waiting;
} Waiter;

static void
waiting_cb (gpointer user_data,
            gint64   until_monotonic_us)
{
  Waiter *waiter = user_data;

  waiter->waiting_until = until_monotonic_us;
  if (until_monotonic_us > 0)
    {
      waiter->n_waiting++;
      waiter->max_waiting_until = MAX (waiter->max_waiting_until, until_monotonic_us);
    }
}

static void
waiter_progress_cb (gpointer user_data,
                    double   fraction,
                    guint64  tokens)
{
}

static void
waiter_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->outcome.extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (source), result,
                                                               &waiter->outcome.error);
  waiter->outcome.done = TRUE;
}

/* A rate limit the server announces holds for the endpoint: while it runs
 * no slot sends anything (the server counts what arrives inside its
 * window), requests in flight finish, and every waiting document is told
 * until when. Retry-After in seconds, retry-after-ms, an HTTP date and
 * x-ratelimit-remaining-requests: 0 with x-ratelimit-reset-requests. */
static void
test_rate_limit_window (Fixture       *fixture,
                        gconstpointer  data)
{
  static const struct { const char *after; const char *after_ms; const char *reset; guint status; gint64 min_ms; } cases[] = {
    { NULL, "700", NULL, 429, 700 },
    { "1", NULL, NULL, 429, 1000 },
    { NULL, NULL, "800ms", 503, 800 },
    { NULL, NULL, "0m1s", 429, 1000 },
    { "date", NULL, NULL, 503, 1000 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, c % 2 == 0);
      g_autoptr(AssayLlmClient) client = NULL;
      g_autoptr(AssayTemplate) template = assay_template_lookup ("general");
      g_autoptr(AssayPdfText) text = make_text (1, 300);
      g_autofree char *date = NULL;
      AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, cases[c].status,
                                  "{\"error\":{\"message\":\"Slow down\",\"code\":\"rate_limit_exceeded\"}}",
                                  cases[c].after, cases[c].after_ms };
      Waiter waiters[8] = { 0 };
      gint64 first_arrival, window_end, last_before = 0;
      guint n_requests, n_told = 0;

      g_test_message ("case %u", c);
      if (g_strcmp0 (cases[c].after, "date") == 0)
        {
          /* Two seconds from now, to the second: at least one left. */
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 2);

          date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
          fault.retry_after = date;
        }
      fault.ratelimit_reset = cases[c].reset;

      assay_fake_llm_server_reset (fixture->server);
      assay_fake_llm_server_set_latency (fixture->server, 150);
      assay_fake_llm_server_push_fault (fixture->server, &fault);
      config->max_requests = 4;
      config->retries = 3;
      client = make_client (config);

      for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
        {
          AssayExtractRequest request = { 0 };

          request.text = text;
          request.template_ = template;
          request.display_name = "test.pdf";
          request.progress = waiter_progress_cb;
          request.progress_data = &waiters[i];
          request.waiting = waiting_cb;
          assay_extractor_extract_async (ASSAY_EXTRACTOR (client), &request, NULL,
                                         waiter_done_cb, &waiters[i]);
        }

      for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
        wait_for (&waiters[i].outcome.done);

      /* Nothing arrived inside the window, across all four slots. */
      g_assert_cmpuint (assay_fake_llm_server_get_early_requests (fixture->server), ==, 0);

      /* The first four went out at once; the 429 came after 150 ms and
       * the other three were answered. Then nothing until the window ended. */
      n_requests = assay_fake_llm_server_get_requests (fixture->server);
      g_assert_cmpuint (n_requests, ==, 9);
      first_arrival = assay_fake_llm_server_get_arrival (fixture->server, 0);
      window_end = first_arrival + (150 + cases[c].min_ms) * 1000;
      for (guint i = 4; i < n_requests; i++)
        {
          gint64 arrival = assay_fake_llm_server_get_arrival (fixture->server, i);

          g_assert_cmpint (arrival, >=, window_end);
          last_before = MAX (last_before, arrival);
        }

      for (guint i = 0; i < G_N_ELEMENTS (waiters); i++)
        {
          g_assert_no_error (waiters[i].outcome.error);
          assert_general_answer (waiters[i].outcome.extraction, 1);
          /* Told it no longer waits at the end. */
          g_assert_cmpint (waiters[i].waiting_until, ==, 0);
          if (waiters[i].n_waiting > 0)
            {
              n_told++;
              g_assert_cmpint (waiters[i].max_waiting_until, >=, window_end - 100 * 1000);
            }
          outcome_clear (&waiters[i].outcome);
        }
      /* The four queued documents and the one that got the 429. */
      g_assert_cmpuint (n_told, >=, 5);
    }

  assay_fake_llm_server_set_latency (fixture->server, 0);
}

static void
test_chunked_document (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OLLAMA, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (5, 6000);
  g_autoptr(JsonParser) parser = json_parser_new ();
  Outcome outcome = { 0 };

  /* 4096 tokens of context leave room for one 6000-character page per
   * request: five requests, answers merged in page order. */
  config->context_tokens = 4096;
  client = make_client (config);
  extract (client, text, "general", &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 5);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 5);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *body = assay_fake_llm_server_dup_body (fixture->server, i);
      JsonObject *request = parse_body (parser, body);

      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (request, "options"),
                                                   "num_ctx"), ==, 4096);
      g_assert_nonnull (strstr (body, "of 5 of a long document"));
    }
  outcome_clear (&outcome);
}

static void
test_json_mode_fallback (Fixture       *fixture,
                         gconstpointer  data)
{
  AssayFakeLlmFault fault = { ASSAY_FAKE_LLM_FAULT_STATUS, 400,
                              "{\"error\":{\"message\":\"response_format type json_schema is not supported\"}}" };
  g_autofree char *second = NULL;
  Outcome outcome = { 0 };

  run_with_faults (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE, 3, &fault, 1, &outcome);
  g_assert_no_error (outcome.error);
  assert_general_answer (outcome.extraction, 2);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 2);
  second = assay_fake_llm_server_dup_body (fixture->server, 1);
  g_assert_nonnull (strstr (second, "\"response_format\":{\"type\":\"json_object\"}"));
  outcome_clear (&outcome);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OLLAMA, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  Outcome outcome = { 0 };
  guint port;

  /* A port that was free a moment ago and has no listener. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  g_free (config->url);
  config->url = g_strdup_printf ("http://127.0.0.1:%u", port);
  config->retries = 1;
  client = make_client (config);
  extract (client, text, "general", &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONNECTION);
  g_assert_nonnull (strstr (outcome.error->message, "refused"));
  g_assert_nonnull (strstr (outcome.error->message, "127.0.0.1"));
  outcome_clear (&outcome);
}

static void
assert_not_retried (AssayLlmClient *client)
{
  AssayLlmClientStats stats;

  assay_llm_client_get_stats (client, &stats);
  g_assert_cmpuint (stats.retries, ==, 0);
  g_assert_cmpuint (stats.requests, <=, 1);
}

static void
test_dns_failure (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  Outcome outcome = { 0 };

  g_free (config->url);
  config->url = g_strdup ("https://model-server.invalid/v1");
  client = make_client (config);
  extract (client, text, "general", &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_DNS);
  g_assert_nonnull (strstr (outcome.error->message, "model-server.invalid"));
  /* Not retried: a name that does not exist will not come to exist. */
  assert_not_retried (client);
  outcome_clear (&outcome);
}

/* A thread serving one loopback listener with @func (which gets the
 * listener), for peers the fake server cannot play. */
static GThread *
start_peer (const char   *name,
            GThreadFunc   func,
            GSocket     **listener,
            guint        *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  *listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (*listener, address, TRUE, NULL));
  g_assert_true (g_socket_listen (*listener, NULL));
  g_socket_set_timeout (*listener, 20);
  bound = g_socket_get_local_address (*listener, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return g_thread_new (name, func, *listener);
}

/* A plain HTTP/1.1 peer that answers anything with 400 and closes, as web
 * servers do when a TLS handshake arrives on their plain port. */
static gpointer
plain_peer_thread (gpointer data)
{
  GSocket *listener = data;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GSocket) peer = g_socket_accept (listener, NULL, NULL);
      static const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n";
      char buffer[1024];

      if (peer == NULL)
        break;
      g_socket_set_timeout (peer, 5);
      g_socket_receive (peer, buffer, sizeof buffer, NULL, NULL);
      g_socket_send (peer, reply, sizeof reply - 1, NULL, NULL);
      g_socket_close (peer, NULL);
    }

  return NULL;
}

static void
test_tls_failure (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  g_autoptr(GSocket) listener = NULL;
  guint port;
  GThread *thread = start_peer ("plain-peer", plain_peer_thread, &listener, &port);
  Outcome outcome = { 0 };

  /* https to a port that speaks plain http. */
  g_free (config->url);
  config->url = g_strdup_printf ("https://127.0.0.1:%u/v1", port);
  client = make_client (config);
  extract (client, text, "general", &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TLS);
  g_test_message ("%s", outcome.error->message);
  g_assert_nonnull (strstr (outcome.error->message, "secure (TLS) connection"));
  /* Not retried: the certificate will not change between tries. */
  assert_not_retried (client);
  outcome_clear (&outcome);

  g_socket_shutdown (listener, TRUE, TRUE, NULL);
  g_socket_close (listener, NULL);
  g_thread_join (thread);
}

/* A peer that answers with the headers of a stream and one event, then
 * sends nothing more and keeps the connection open, until the client
 * closes it. */
static gpointer
stalling_peer_thread (gpointer data)
{
  GSocket *listener = data;
  g_autoptr(GSocket) peer = g_socket_accept (listener, NULL, NULL);
  static const char event[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"author\"},"
    "\"finish_reason\":null}]}\n\n";
  g_autofree char *reply = NULL;
  char buffer[65536];

  if (peer == NULL)
    return NULL;
  g_socket_set_timeout (peer, 20);
  g_socket_receive (peer, buffer, sizeof buffer, NULL, NULL);
  reply = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%s\r\n",
                           sizeof event - 1, event);
  g_socket_send (peer, reply, strlen (reply), NULL, NULL);
  /* Until the client gives up (0: closed) or the socket's timeout. */
  while (g_socket_receive (peer, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  g_socket_close (peer, NULL);

  return NULL;
}

/* A stream that stops halfway, its connection open: the request's
 * timeout counts from its last byte and ends it, not the document's
 * overall timeout. (The timeout ending a read freed the call while it
 * still used it: this crashed.) */
static void
test_stream_stalls (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  g_autoptr(GSocket) listener = NULL;
  guint port;
  GThread *thread = start_peer ("stalling-peer", stalling_peer_thread, &listener, &port);
  Outcome outcome = { 0 };

  g_free (config->url);
  config->url = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  config->timeout_seconds = 1;
  config->overall_timeout_seconds = 5;
  config->retries = 0;
  client = make_client (config);
  extract (client, text, "general", &outcome);
  g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT);
  g_test_message ("%s", outcome.error->message);
  g_assert_nonnull (strstr (outcome.error->message, "sent nothing for 1 seconds"));
  outcome_clear (&outcome);

  g_socket_close (listener, NULL);
  g_thread_join (thread);
}

static void
test_insecure_http_refused (void)
{
  AssayLlmConfig config;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmClient) client = NULL;

  assay_llm_config_init (&config, ASSAY_LLM_PROVIDER_OPENAI);
  config.url = g_strdup ("http://models.example.com/v1");
  config.model = g_strdup (MODEL);

  /* Refused before anything is sent: no client exists to send it. */
  client = assay_llm_client_new (&config, &error);
  g_assert_null (client);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "plain http"));
  g_assert_nonnull (strstr (error->message, "models.example.com"));
  g_clear_error (&error);

  config.allow_insecure_http = TRUE;
  client = assay_llm_client_new (&config, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);

  assay_llm_config_clear (&config);
}

static void
test_timeouts (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  Outcome outcome = { 0 };
  gint64 start;

  /* A slow answer within the request timeout succeeds (non-streaming:
   * nothing arrives until the whole answer does). */
  {
    g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, FALSE);
    g_autoptr(AssayLlmClient) client = NULL;

    config->timeout_seconds = 3;
    client = make_client (config);
    assay_fake_llm_server_set_latency (fixture->server, 1500);
    extract (client, text, "general", &outcome);
    g_assert_no_error (outcome.error);
    outcome_clear (&outcome);
  }

  /* Longer than the request timeout: fails after it, not retried here. */
  {
    g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, FALSE);
    g_autoptr(AssayLlmClient) client = NULL;

    config->timeout_seconds = 1;
    config->retries = 0;
    client = make_client (config);
    assay_fake_llm_server_set_latency (fixture->server, 3000);
    start = g_get_monotonic_time ();
    extract (client, text, "general", &outcome);
    g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT);
    g_assert_nonnull (strstr (outcome.error->message, "sent nothing for 1 seconds"));
    g_assert_cmpint (outcome.done_at - start, >=, 900 * 1000);
    g_assert_cmpint (outcome.done_at - start, <, 2000 * 1000);
    outcome_clear (&outcome);
  }

  /* The overall timeout of a document stops retries too. */
  {
    g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OLLAMA, TRUE);
    g_autoptr(AssayLlmClient) client = NULL;

    config->timeout_seconds = 10;
    config->overall_timeout_seconds = 1;
    client = make_client (config);
    start = g_get_monotonic_time ();
    extract (client, text, "general", &outcome);
    g_assert_error (outcome.error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT);
    g_assert_nonnull (strstr (outcome.error->message, "within 1 seconds"));
    g_assert_cmpint (outcome.done_at - start, <, 2000 * 1000);
    outcome_clear (&outcome);
  }

  assay_fake_llm_server_set_latency (fixture->server, 0);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = make_client (config);
  g_autoptr(AssayPdfText) text = make_text (1, 100);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  Outcome outcome = { 0 };
  gint64 cancelled_at;

  assay_fake_llm_server_set_latency (fixture->server, 10000);
  start_extract (client, text, "general", cancellable, &outcome);

  /* Wait until the request is at the server, then cancel. */
  while (assay_fake_llm_server_get_in_flight (fixture->server) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  wait_for (&outcome.done);

  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (outcome.done_at - cancelled_at, <, 100 * 1000);

  /* The request was aborted: the server sees the connection go. */
  while (assay_fake_llm_server_get_in_flight (fixture->server) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  outcome_clear (&outcome);
  assay_fake_llm_server_set_latency (fixture->server, 0);

  /* Nothing of the cancelled job keeps the client alive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_concurrency (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guint ks[] = { 1, 3 };

  for (guint c = 0; c < G_N_ELEMENTS (ks); c++)
    {
      guint k = ks[c];
      g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
      g_autoptr(AssayLlmClient) client = NULL;
      AssayPdfText *texts[4];
      Outcome outcomes[4] = { { 0 } };
      AssayLlmClientStats stats;
      gint64 start, elapsed;
      guint n_requests;
      double ideal;

      config->max_requests = k;
      config->context_tokens = 4096;
      client = make_client (config);
      assay_fake_llm_server_reset (fixture->server);
      assay_fake_llm_server_set_latency (fixture->server, 200);

      /* Four documents of three large pages: twelve requests. */
      start = g_get_monotonic_time ();
      for (guint d = 0; d < 4; d++)
        {
          texts[d] = make_text (3, 6000);
          start_extract (client, texts[d], "general", NULL, &outcomes[d]);
        }
      for (guint d = 0; d < 4; d++)
        {
          wait_for (&outcomes[d].done);
          g_assert_no_error (outcomes[d].error);
          assert_general_answer (outcomes[d].extraction, 3);
        }
      elapsed = g_get_monotonic_time () - start;

      n_requests = assay_fake_llm_server_get_requests (fixture->server);
      g_assert_cmpuint (n_requests, ==, 12);
      /* Measured at the server: exactly K at once, never more. */
      g_assert_cmpuint (assay_fake_llm_server_get_max_in_flight (fixture->server), ==, k);
      assay_llm_client_get_stats (client, &stats);
      g_assert_cmpuint (stats.max_in_flight, ==, k);

      ideal = n_requests / (double) k * 0.2;
      g_test_message ("K=%u: %u requests in %.3f s (ideal %.3f s)", k, n_requests,
                      elapsed / 1e6, ideal);
      /* Never faster than K at a time allows. How close to the ideal it
       * comes is a benchmark's question (bench/llm-concurrency.sh), not a
       * wall-clock bound that a loaded or sanitized machine would break. */
      g_assert_cmpfloat (elapsed / 1e6, >=, ideal * 0.95);

      for (guint d = 0; d < 4; d++)
        {
          outcome_clear (&outcomes[d]);
          assay_pdf_text_unref (texts[d]);
        }
    }

  assay_fake_llm_server_set_latency (fixture->server, 0);
}

static void
test_no_text (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(AssayLlmConfig) config = make_config (fixture, ASSAY_LLM_PROVIDER_OPENAI, TRUE);
  g_autoptr(AssayLlmClient) client = make_client (config);
  g_autoptr(AssayPdfText) text = assay_pdf_text_new ();
  Outcome outcome = { 0 };

  text->n_pages = 2;
  assay_pdf_text_add_page (text, 0, g_strdup (""), FALSE);
  assay_pdf_text_add_page (text, 1, g_strdup ("  \n"), FALSE);
  extract (client, text, "general", &outcome);
  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.extraction->figures->len, ==, 0);
  g_assert_cmpuint (outcome.extraction->warnings->len, ==, 1);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (fixture->server), ==, 0);
  outcome_clear (&outcome);
}

static void
add_fixture_test (const char                 *path,
                  gconstpointer               data,
                  void                      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown);
}

static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* LeakSanitizer's scan at exit stops every thread; a thread of GIO's pool
 * (DNS lookups of the failure tests) exiting under it crashes the scan
 * ("Tracer caught signal 11"). Idle pool threads are asked to exit now, and
 * given up to two seconds, until their number stops falling. */
static void
let_idle_threads_exit (void)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint before = count_threads ();
  guint steady = 0;

  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  while (steady < 5 && g_get_monotonic_time () < deadline)
    {
      guint now;

      g_usleep (20 * 1000);
      now = count_threads ();
      steady = now < before ? 0 : steady + 1;
      before = MIN (before, now);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Nothing in here may reach a proxy or a DNS server. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("HTTPS_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  assay_fake_llm_install_offline_resolver ();

  add_fixture_test ("/assay/llm-client/happy/openai-stream", GUINT_TO_POINTER (0), test_happy);
  add_fixture_test ("/assay/llm-client/happy/openai-no-stream", GUINT_TO_POINTER (1), test_happy);
  add_fixture_test ("/assay/llm-client/happy/ollama-stream", GUINT_TO_POINTER (2), test_happy);
  add_fixture_test ("/assay/llm-client/happy/ollama-no-stream", GUINT_TO_POINTER (3), test_happy);
  add_fixture_test ("/assay/llm-client/list-models", NULL, test_list_models);
  add_fixture_test ("/assay/llm-client/retry-then-success", NULL, test_retry_then_success);
  add_fixture_test ("/assay/llm-client/retry-timing", NULL, test_retry_timing);
  add_fixture_test ("/assay/llm-client/not-retried", NULL, test_not_retried);
  add_fixture_test ("/assay/llm-client/retries-exhausted", NULL, test_retries_exhausted);
  add_fixture_test ("/assay/llm-client/stream-faults", NULL, test_stream_faults);
  add_fixture_test ("/assay/llm-client/oversized", NULL, test_oversized);
  add_fixture_test ("/assay/llm-client/answers", NULL, test_answers);
  add_fixture_test ("/assay/llm-client/length-split", NULL, test_length_split);
  add_fixture_test ("/assay/llm-client/length-raises-limit", NULL, test_length_raises_limit);
  add_fixture_test ("/assay/llm-client/extra-members", NULL, test_extra_members);
  add_fixture_test ("/assay/llm-client/stream-token-by-token", NULL, test_stream_token_by_token);
  add_fixture_test ("/assay/llm-client/streams-side-by-side", NULL, test_streams_side_by_side);
  add_fixture_test ("/assay/llm-client/rate-limit-window", NULL, test_rate_limit_window);
  add_fixture_test ("/assay/llm-client/chunked-document", NULL, test_chunked_document);
  add_fixture_test ("/assay/llm-client/json-mode-fallback", NULL, test_json_mode_fallback);
  add_fixture_test ("/assay/llm-client/connection-refused", NULL, test_connection_refused);
  add_fixture_test ("/assay/llm-client/dns-failure", NULL, test_dns_failure);
  add_fixture_test ("/assay/llm-client/tls-failure", NULL, test_tls_failure);
  g_test_add_func ("/assay/llm-client/insecure-http-refused", test_insecure_http_refused);
  add_fixture_test ("/assay/llm-client/timeouts", NULL, test_timeouts);
  add_fixture_test ("/assay/llm-client/stream-stalls", NULL, test_stream_stalls);
  add_fixture_test ("/assay/llm-client/cancel", NULL, test_cancel);
  add_fixture_test ("/assay/llm-client/concurrency", NULL, test_concurrency);
  add_fixture_test ("/assay/llm-client/no-text", NULL, test_no_text);

  status = g_test_run ();
  let_idle_threads_exit ();

  return status;
}
