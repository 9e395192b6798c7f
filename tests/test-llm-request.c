/* test-llm-request.c — configuration, retry policy, chunking, request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "assay-llm-chunk.h"
#include "assay-llm-config.h"
#include "assay-llm-request.h"
#include "assay-llm-retry.h"

static void
config_with_url (AssayLlmConfig   *config,
                 AssayLlmProvider  provider,
                 const char       *url)
{
  assay_llm_config_init (config, provider);
  config->url = g_strdup (url);
  config->model = g_strdup ("m");
}

static void
test_config_defaults (void)
{
  AssayLlmConfig config;

  assay_llm_config_init (&config, ASSAY_LLM_PROVIDER_OLLAMA);
  g_assert_cmpuint (config.max_requests, ==, 4);
  g_assert_cmpuint (config.retries, ==, 3);
  g_assert_true (config.stream);
  g_assert_false (config.allow_insecure_http);
  g_assert_cmpuint (assay_llm_config_get_context_tokens (&config), ==, 8192);
  config.provider = ASSAY_LLM_PROVIDER_OPENAI;
  g_assert_cmpuint (assay_llm_config_get_context_tokens (&config), ==, 16384);
  config.context_tokens = 32000;
  g_assert_cmpuint (assay_llm_config_get_context_tokens (&config), ==, 32000);
  assay_llm_config_clear (&config);
}

static void
test_config_validation (void)
{
  static const struct { const char *url; gboolean insecure; const char *fragment; } cases[] = {
    { "http://127.0.0.1:11434", FALSE, NULL },
    { "http://localhost:8080/v1", FALSE, NULL },
    { "http://[::1]:8080", FALSE, NULL },
    { "https://api.example.com/v1", FALSE, NULL },
    { "http://192.168.1.5:11434", FALSE, "plain http" },
    { "http://192.168.1.5:11434", TRUE, NULL },
    { "http://127.0.0.1.example.com", FALSE, "plain http" },
    { "ftp://127.0.0.1", FALSE, "http:// or https://" },
    { "not a url", FALSE, "not a valid URL" },
    { "", FALSE, "No model server URL" },
    { "https://user:pw@api.example.com", FALSE, "ASSAY_API_KEY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AssayLlmConfig config;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      config_with_url (&config, ASSAY_LLM_PROVIDER_OPENAI, cases[i].url);
      config.allow_insecure_http = cases[i].insecure;
      ok = assay_llm_config_validate (&config, &error);
      g_test_message ("case %u: %s", i, error ? error->message : "ok");
      if (cases[i].fragment == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG);
          g_assert_nonnull (strstr (error->message, cases[i].fragment));
        }
      assay_llm_config_clear (&config);
    }
}

static void
test_config_limits (void)
{
  AssayLlmConfig config;
  g_autoptr(GError) error = NULL;

  config_with_url (&config, ASSAY_LLM_PROVIDER_OLLAMA, "http://127.0.0.1:1");

  config.max_requests = 0;
  g_assert_false (assay_llm_config_validate (&config, &error));
  g_assert_nonnull (strstr (error->message, "between 1 and 64"));
  g_clear_error (&error);
  config.max_requests = 4;

  config.context_tokens = 100;
  g_assert_false (assay_llm_config_validate (&config, &error));
  g_clear_error (&error);
  config.context_tokens = 0;

  /* A key with a line break would split the header; the message must not
   * show the key. */
  config.api_key = g_strdup ("sk-abcdefSECRET\r\nX-Evil: 1");
  g_assert_false (assay_llm_config_validate (&config, &error));
  g_assert_nonnull (strstr (error->message, "control character"));
  g_assert_null (strstr (error->message, "SECRET"));
  g_clear_error (&error);
  g_clear_pointer (&config.api_key, g_free);

  g_clear_pointer (&config.model, g_free);
  g_assert_true (assay_llm_config_validate_endpoint (&config, &error));
  g_assert_false (assay_llm_config_validate (&config, &error));
  g_assert_nonnull (strstr (error->message, "No model is set"));

  assay_llm_config_clear (&config);
}

static void
test_config_urls (void)
{
  static const struct { AssayLlmProvider provider; const char *url; const char *chat; const char *models; } cases[] = {
    { ASSAY_LLM_PROVIDER_OPENAI, "https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1/models" },
    { ASSAY_LLM_PROVIDER_OPENAI, "https://api.openai.com/v1/", "https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1/models" },
    { ASSAY_LLM_PROVIDER_OPENAI, "http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8080/v1/models" },
    { ASSAY_LLM_PROVIDER_OPENAI, "http://127.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8080/v1/models" },
    { ASSAY_LLM_PROVIDER_OPENAI, "https://x.example/api/v1?key=1", "https://x.example/api/v1/chat/completions?key=1", "https://x.example/api/v1/models?key=1" },
    { ASSAY_LLM_PROVIDER_OLLAMA, "http://127.0.0.1:11434", "http://127.0.0.1:11434/api/chat", "http://127.0.0.1:11434/api/tags" },
    { ASSAY_LLM_PROVIDER_OLLAMA, "http://127.0.0.1:11434/api/chat", "http://127.0.0.1:11434/api/chat", "http://127.0.0.1:11434/api/tags" },
    { ASSAY_LLM_PROVIDER_OLLAMA, "http://[::1]:11434/api/", "http://[::1]:11434/api/chat", "http://[::1]:11434/api/tags" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AssayLlmConfig config;
      g_autofree char *chat = NULL;
      g_autofree char *models = NULL;

      config_with_url (&config, cases[i].provider, cases[i].url);
      chat = assay_llm_config_build_url (&config, "chat");
      models = assay_llm_config_build_url (&config, "models");
      g_assert_cmpstr (chat, ==, cases[i].chat);
      g_assert_cmpstr (models, ==, cases[i].models);
      assay_llm_config_clear (&config);
    }
}

static void
test_retry_policy (void)
{
  static const guint retried[] = { 408, 409, 429, 500, 502, 503, 504, 599 };
  static const guint final[] = { 400, 401, 403, 404, 410, 422 };
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (1700000000);

  for (guint i = 0; i < G_N_ELEMENTS (retried); i++)
    g_assert_true (assay_llm_retry_status_is_retryable (retried[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (final); i++)
    g_assert_false (assay_llm_retry_status_is_retryable (final[i], NULL));
  g_assert_false (assay_llm_retry_status_is_retryable (429, "insufficient_quota"));
  g_assert_true (assay_llm_retry_status_is_retryable (429, "rate_limit_exceeded"));

  g_assert_cmpint (assay_llm_retry_parse_retry_after ("250", NULL, 0), ==, 250);
  g_assert_cmpint (assay_llm_retry_parse_retry_after ("12.5", "9", 0), ==, 12);
  g_assert_cmpint (assay_llm_retry_parse_retry_after (NULL, "2", 0), ==, 2000);
  g_assert_cmpint (assay_llm_retry_parse_retry_after (NULL, "0.5", 0), ==, 500);
  g_assert_cmpint (assay_llm_retry_parse_retry_after ("abc", NULL, 0), ==, -1);
  g_assert_cmpint (assay_llm_retry_parse_retry_after ("-5", NULL, 0), ==, -1);
  g_assert_cmpint (assay_llm_retry_parse_retry_after (NULL, NULL, 0), ==, -1);
  /* An HTTP date 30 s ahead of "now". */
  g_assert_cmpint (assay_llm_retry_parse_retry_after (NULL, "Tue, 14 Nov 2023 22:13:50 GMT",
                                                      g_date_time_to_unix (now)), ==, 30000);

  /* Backoff: 0.5 s doubling to 8 s, jitter takes off up to a quarter. */
  g_assert_cmpuint (assay_llm_retry_backoff_ms (0, 0.0, -1), ==, 500);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (1, 0.0, -1), ==, 1000);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (2, 0.0, -1), ==, 2000);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (5, 0.0, -1), ==, 8000);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (30, 0.0, -1), ==, 8000);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (0, 1.0, -1), ==, 375);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (2, 0.5, -1), ==, 1750);
  /* The server's delay when sensible; a minute or more is not. */
  g_assert_cmpuint (assay_llm_retry_backoff_ms (0, 0.3, 1234), ==, 1234);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (0, 0.0, 0), ==, 500);
  g_assert_cmpuint (assay_llm_retry_backoff_ms (1, 0.0, 120000), ==, 1000);
}

/* One rate limit per endpoint: how long a response asks to hold every new
 * request. */
static void
test_rate_limit_headers (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2023, 11, 14, 22, 13, 20);
  gint64 unix_now = g_date_time_to_unix (now);

  /* Go durations as OpenAI sends them in x-ratelimit-reset-*. */
  g_assert_cmpint (assay_llm_retry_parse_duration ("1s"), ==, 1000);
  g_assert_cmpint (assay_llm_retry_parse_duration ("6m0s"), ==, 360000);
  g_assert_cmpint (assay_llm_retry_parse_duration ("20ms"), ==, 20);
  g_assert_cmpint (assay_llm_retry_parse_duration ("1h2m3.5s"), ==, 3723500);
  g_assert_cmpint (assay_llm_retry_parse_duration ("2"), ==, 2000);
  g_assert_cmpint (assay_llm_retry_parse_duration ("0.5"), ==, 500);
  g_assert_cmpint (assay_llm_retry_parse_duration ("1500us"), ==, 2);
  g_assert_cmpint (assay_llm_retry_parse_duration ("soon"), ==, -1);
  g_assert_cmpint (assay_llm_retry_parse_duration ("5x"), ==, -1);
  g_assert_cmpint (assay_llm_retry_parse_duration (""), ==, -1);
  g_assert_cmpint (assay_llm_retry_parse_duration (NULL), ==, -1);

  /* 429 and 503 with retry-after-ms, Retry-After in seconds or a date. */
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (429, "700", NULL, NULL, NULL, NULL, NULL, unix_now), ==, 700);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (503, NULL, "2", NULL, NULL, NULL, NULL, unix_now), ==, 2000);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (429, NULL, "Tue, 14 Nov 2023 22:13:50 GMT",
                                                  NULL, NULL, NULL, NULL, unix_now), ==, 30000);
  /* Retry-After on other statuses names no window. */
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (500, NULL, "2", NULL, NULL, NULL, NULL, unix_now), ==, -1);
  /* A used-up budget on any response, a 200 too; the longer one wins. */
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (200, NULL, NULL, "0", "6m0s", "1000", "1s", unix_now), ==, 360000);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (200, NULL, NULL, "5", "1s", "0", "20ms", unix_now), ==, 20);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (429, "100", NULL, "0", "1s", NULL, NULL, unix_now), ==, 1000);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (200, NULL, NULL, "3", "1s", "7", "1s", unix_now), ==, -1);
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (200, NULL, NULL, "0", NULL, NULL, NULL, unix_now), ==, -1);
  /* At most ten minutes. */
  g_assert_cmpint (assay_llm_retry_rate_limit_ms (429, NULL, "86400", NULL, NULL, NULL, NULL, unix_now), ==,
                   ASSAY_LLM_RATE_LIMIT_MAX_MS);
}

static void
test_redact (void)
{
  g_autofree char *a = assay_llm_redact ("bad key my-own-key-123 given", "my-own-key-123");
  g_autofree char *b = assay_llm_redact ("Incorrect API key provided: sk-proj-abc123def456ghi. See", NULL);
  g_autofree char *c = assay_llm_redact ("line\nbreak\tand sk-short", NULL);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *d = NULL;

  g_assert_cmpstr (a, ==, "bad key [redacted] given");
  g_assert_cmpstr (b, ==, "Incorrect API key provided: [redacted] See");
  g_assert_cmpstr (c, ==, "line break and sk-short");

  for (guint i = 0; i < 100; i++)
    g_string_append (long_text, "ééééé");
  d = assay_llm_redact (long_text->str, NULL);
  g_assert_cmpuint (g_utf8_strlen (d, -1), ==, 301);
  g_assert_true (g_str_has_suffix (d, "…"));
}

static void
test_server_error_parse (void)
{
  static const struct { const char *body; const char *message; const char *code; } cases[] = {
    { "{\"error\":{\"message\":\"Quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", "Quota", "insufficient_quota" },
    { "{\"error\":\"model not found\"}", "model not found", NULL },
    { "{\"detail\":\"Not Found\"}", "Not Found", NULL },
    { "{\"error\":{\"message\":\"x\",\"code\":429}}", "x", NULL },
    { "upstream connect error", "upstream connect error", NULL },
    { "<html><body>502 Bad Gateway</body></html>", NULL, NULL },
    { "", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AssayLlmServerError error;

      assay_llm_server_error_parse (cases[i].body, strlen (cases[i].body), NULL, &error);
      g_assert_cmpstr (error.message, ==, cases[i].message);
      g_assert_cmpstr (error.code, ==, cases[i].code);
      assay_llm_server_error_clear (&error);
    }
}

static AssayPdfText *
make_text (const char * const *pages,
           guint               n_pages)
{
  AssayPdfText *text = assay_pdf_text_new ();

  text->n_pages = n_pages;
  for (guint i = 0; i < n_pages; i++)
    assay_pdf_text_add_page (text, i, g_strdup (pages[i]), pages[i][0] != '\0');

  return text;
}

static void
test_estimate_tokens (void)
{
  g_assert_cmpuint (assay_llm_estimate_tokens ("", -1), ==, 0);
  g_assert_cmpuint (assay_llm_estimate_tokens ("abcd", -1), ==, 1);
  g_assert_cmpuint (assay_llm_estimate_tokens ("abcde", -1), ==, 2);
  g_assert_cmpuint (assay_llm_estimate_tokens ("abcdefgh", 4), ==, 1);
  /* Non-ASCII characters count one each: "日本語" is three. */
  g_assert_cmpuint (assay_llm_estimate_tokens ("日本語", -1), ==, 3);
}

static void
test_chunk_plan (void)
{
  g_autofree char *p1 = g_strnfill (400, 'a');   /* 100 tokens + 10 for the marker */
  g_autofree char *p2 = g_strnfill (400, 'b');
  g_autofree char *p4 = g_strnfill (400, 'd');
  const char *pages[] = { p1, p2, "", p4 };
  g_autoptr(AssayPdfText) text = make_text (pages, 4);
  g_autoptr(GPtrArray) chunks = NULL;
  g_autofree char *rendered = NULL;
  AssayLlmChunk *chunk;

  /* 220 tokens: two pages per chunk; the empty page is left out. */
  chunks = assay_llm_chunks_plan (text, 220);
  g_assert_cmpuint (chunks->len, ==, 2);
  chunk = g_ptr_array_index (chunks, 0);
  g_assert_cmpuint (chunk->segments->len, ==, 2);
  g_assert_cmpuint (chunk->tokens, ==, 220);
  g_assert_cmpuint (assay_llm_chunk_first_page (chunk), ==, 1);
  g_assert_cmpuint (assay_llm_chunk_last_page (chunk), ==, 2);
  chunk = g_ptr_array_index (chunks, 1);
  g_assert_cmpuint (assay_llm_chunk_first_page (chunk), ==, 4);
  g_assert_cmpuint (assay_llm_chunk_last_page (chunk), ==, 4);

  rendered = assay_llm_chunk_render (g_ptr_array_index (chunks, 0), text);
  g_assert_true (g_str_has_prefix (rendered, "=== Page 1 ===\naaaa"));
  g_assert_nonnull (strstr (rendered, "a\n\n=== Page 2 ===\nbbbb"));
  g_clear_pointer (&chunks, g_ptr_array_unref);

  /* 219 tokens: one page per chunk. */
  chunks = assay_llm_chunks_plan (text, 219);
  g_assert_cmpuint (chunks->len, ==, 3);
}

static void
test_chunk_long_page (void)
{
  g_autoptr(GString) page = g_string_new (NULL);
  const char *pages[1];
  g_autoptr(AssayPdfText) text = NULL;
  g_autoptr(GPtrArray) chunks = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (page, "Line %03u of a long page.\n", i);   /* 25 bytes each */
  pages[0] = page->str;
  text = make_text (pages, 1);

  /* 2500 bytes ≈ 625 tokens; at most 200 per chunk, cut at line breaks. */
  chunks = assay_llm_chunks_plan (text, 200);
  g_assert_cmpuint (chunks->len, ==, 4);
  for (guint i = 0; i < chunks->len; i++)
    {
      AssayLlmChunk *chunk = g_ptr_array_index (chunks, i);
      AssayLlmSegment *segment = &g_array_index (chunk->segments, AssayLlmSegment, 0);
      g_autofree char *rendered = assay_llm_chunk_render (chunk, text);

      g_assert_cmpuint (chunk->tokens, <=, 200);
      g_assert_cmpuint (segment->page, ==, 1);
      g_assert_true (segment->end == page->len || page->str[segment->end - 1] == '\n');
      g_assert_true (g_str_has_prefix (rendered, i == 0 ? "=== Page 1 ===\n"
                                                        : "=== Page 1 (continued) ===\n"));
      g_string_append_len (joined, page->str + segment->start, segment->end - segment->start);
    }
  /* Nothing lost, nothing twice. */
  g_assert_cmpstr (joined->str, ==, page->str);
}

static void
test_chunk_split (void)
{
  g_autofree char *p1 = g_strnfill (400, 'a');
  g_autofree char *p2 = g_strnfill (400, 'b');
  g_autofree char *p3 = g_strnfill (400, 'c');
  g_autoptr(GString) long_page = g_string_new (NULL);
  const char *pages[] = { p1, p2, p3 };
  g_autoptr(AssayPdfText) text = make_text (pages, 3);
  g_autoptr(GPtrArray) chunks = assay_llm_chunks_plan (text, 10000);
  g_autoptr(AssayLlmChunk) a = NULL;
  g_autoptr(AssayLlmChunk) b = NULL;

  g_assert_cmpuint (chunks->len, ==, 1);
  g_assert_true (assay_llm_chunk_split (g_ptr_array_index (chunks, 0), text, 10, &a, &b));
  g_assert_cmpuint (assay_llm_chunk_first_page (a), ==, 1);
  g_assert_cmpuint (assay_llm_chunk_last_page (a), ==, 1);
  g_assert_cmpuint (assay_llm_chunk_first_page (b), ==, 2);
  g_assert_cmpuint (assay_llm_chunk_last_page (b), ==, 3);
  g_clear_pointer (&chunks, g_ptr_array_unref);

  /* One page splits at a line break near its middle... */
  {
    g_autoptr(AssayLlmChunk) c = NULL;
    g_autoptr(AssayLlmChunk) d = NULL;
    g_autoptr(AssayLlmChunk) e = NULL;
    g_autoptr(AssayLlmChunk) f = NULL;
    g_autoptr(AssayPdfText) one = NULL;
    const char *single[1];
    AssayLlmSegment *left, *right;

    for (guint i = 0; i < 40; i++)
      g_string_append (long_page, "0123456789 abcdefghi\n");   /* 21 bytes */
    single[0] = long_page->str;
    one = make_text (single, 1);
    chunks = assay_llm_chunks_plan (one, 10000);
    g_assert_true (assay_llm_chunk_split (g_ptr_array_index (chunks, 0), one, 10, &c, &d));
    left = &g_array_index (c->segments, AssayLlmSegment, 0);
    right = &g_array_index (d->segments, AssayLlmSegment, 0);
    g_assert_cmpuint (left->start, ==, 0);
    g_assert_cmpuint (left->end, ==, right->start);
    g_assert_cmpuint (right->end, ==, long_page->len);
    g_assert_cmpuint (left->end % 21, ==, 0);
    g_assert_cmpuint (left->end, >=, 21 * 18);
    g_assert_cmpuint (left->end, <=, 21 * 21);

    /* ...but not below the minimum. */
    g_assert_false (assay_llm_chunk_split (c, one, 200, &e, &f));
  }
}

static void
test_request_bodies (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("invoice");
  g_autoptr(JsonNode) schema = assay_template_to_json_schema (template);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_llm_message_free);
  g_autofree char *system = assay_llm_request_build_system_prompt (template, schema);
  g_autofree char *user = assay_llm_request_build_user_prompt (2, 3, 4, 6, "=== Page 4 ===\nx");
  AssayLlmRequestOptions options = { 0 };
  static const struct { AssayLlmProvider provider; AssayLlmOutputMode mode; gboolean stream; const char *expected; } cases[] = {
    { ASSAY_LLM_PROVIDER_OPENAI, ASSAY_LLM_OUTPUT_SCHEMA, TRUE,
      "\"stream\":true,\"temperature\":0,\"stream_options\":{\"include_usage\":true},"
      "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"assay_extraction\","
      "\"strict\":true,\"schema\":{\"type\":\"object\"" },
    { ASSAY_LLM_PROVIDER_OPENAI, ASSAY_LLM_OUTPUT_JSON, FALSE,
      "\"stream\":false,\"temperature\":0,\"response_format\":{\"type\":\"json_object\"}}" },
    { ASSAY_LLM_PROVIDER_OPENAI, ASSAY_LLM_OUTPUT_PROMPT, FALSE, "\"stream\":false,\"temperature\":0}" },
    { ASSAY_LLM_PROVIDER_OLLAMA, ASSAY_LLM_OUTPUT_SCHEMA, TRUE,
      "\"stream\":true,\"format\":{\"type\":\"object\"" },
    { ASSAY_LLM_PROVIDER_OLLAMA, ASSAY_LLM_OUTPUT_JSON, FALSE,
      "\"stream\":false,\"format\":\"json\",\"options\":{\"num_ctx\":8192,\"num_predict\":2048,\"temperature\":0}}" },
  };

  g_assert_nonnull (strstr (system, "\"additionalProperties\":false"));
  g_assert_nonnull (strstr (system, "- invoice_number (string, required): "));
  g_assert_nonnull (strstr (system, "- issue_date (date YYYY-MM-DD): "));
  g_assert_nonnull (strstr (system, "=== Page N ==="));
  g_assert_cmpstr (user, ==, "This is part 2 of 3 of a long document (pages 4 to 6). Extract the "
                             "data found in this part.\n\n=== Page 4 ===\nx");

  g_ptr_array_add (messages, assay_llm_message_new ("system", "S"));
  g_ptr_array_add (messages, assay_llm_message_new ("user", "U \"q\""));
  options.model = "llama3.1:8b";
  options.schema = schema;
  options.context_tokens = 8192;
  options.max_output_tokens = 2048;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autofree char *text = NULL;

      options.provider = cases[i].provider;
      options.mode = cases[i].mode;
      options.stream = cases[i].stream;
      body = assay_llm_request_build_chat_body (&options, messages);
      text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_test_message ("%s", text);
      g_assert_true (g_str_has_prefix (text, "{\"model\":\"llama3.1:8b\",\"messages\":[{\"role\":"
                                             "\"system\",\"content\":\"S\"},{\"role\":\"user\","
                                             "\"content\":\"U \\\"q\\\"\"}],"));
      g_assert_nonnull (strstr (text, cases[i].expected));
    }
}

static void
test_error_hints (void)
{
  g_assert_true (assay_llm_request_error_is_about_format ("Unknown parameter: response_format"));
  g_assert_true (assay_llm_request_error_is_about_format ("invalid JSON schema in format"));
  g_assert_false (assay_llm_request_error_is_about_format ("messages must not be empty"));
  g_assert_false (assay_llm_request_error_is_about_format (NULL));
  g_assert_true (assay_llm_request_error_is_about_context ("This model's maximum context length is 8192 tokens"));
  g_assert_false (assay_llm_request_error_is_about_context ("bad request"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/llm-request/config-defaults", test_config_defaults);
  g_test_add_func ("/assay/llm-request/config-validation", test_config_validation);
  g_test_add_func ("/assay/llm-request/config-limits", test_config_limits);
  g_test_add_func ("/assay/llm-request/config-urls", test_config_urls);
  g_test_add_func ("/assay/llm-request/retry-policy", test_retry_policy);
  g_test_add_func ("/assay/llm-request/rate-limit-headers", test_rate_limit_headers);
  g_test_add_func ("/assay/llm-request/redact", test_redact);
  g_test_add_func ("/assay/llm-request/server-error-parse", test_server_error_parse);
  g_test_add_func ("/assay/llm-request/estimate-tokens", test_estimate_tokens);
  g_test_add_func ("/assay/llm-request/chunk-plan", test_chunk_plan);
  g_test_add_func ("/assay/llm-request/chunk-long-page", test_chunk_long_page);
  g_test_add_func ("/assay/llm-request/chunk-split", test_chunk_split);
  g_test_add_func ("/assay/llm-request/bodies", test_request_bodies);
  g_test_add_func ("/assay/llm-request/error-hints", test_error_hints);

  return g_test_run ();
}
