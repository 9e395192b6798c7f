/* test-llm-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "assay-llm-stream.h"

#define MAX_BYTES (1024 * 1024)

/* A whole OpenAI stream as servers send it: role chunk, deltas, finish,
 * usage chunk without choices, [DONE]. */
static const char openai_stream[] =
  "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
  "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"a\\\":\"},\"finish_reason\":null}]}\n\n"
  ": keep-alive\n\n"
  "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 1, \\\"é\\\": \\\"ü\\\"}\"},\"finish_reason\":null}]}\n\n"
  "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
  "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":7,\"total_tokens\":38}}\n\n"
  "data: [DONE]\n\n";

static const char openai_content[] = "{\"a\": 1, \"é\": \"ü\"}";

static const char ollama_stream[] =
  "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"a\\\"\"},\"done\":false}\n"
  "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\": 1}\"},\"done\":false}\n"
  "\n"
  "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
  "\"done_reason\":\"stop\",\"prompt_eval_count\":12,\"eval_count\":3}\n";

static AssayLlmStreamDecoder *
decode (AssayLlmStreamFormat   format,
        const char            *data,
        gsize                  length,
        GError               **error)
{
  g_autoptr(AssayLlmStreamDecoder) decoder = assay_llm_stream_decoder_new (format, MAX_BYTES);

  if (!assay_llm_stream_decoder_feed (decoder, data, length, error) ||
      !assay_llm_stream_decoder_finish (decoder, error))
    return NULL;

  return g_steal_pointer (&decoder);
}

/* Chunks the quick scan reads and chunks it leaves to json-glib give the
 * same answer: escapes, \u escapes with surrogate pairs, content as an
 * array of parts, usage null, members in any order, reasoning deltas. */
static void
test_sse_scan (void)
{
  static const char stream[] =
    "data: {\"choices\":[{\"delta\":{\"content\":\"a\\\"b\\\\c\\/d\\n\\t\"}}],\"usage\":null}\n\n"
    "data: {\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":\"\\u00e9\\ud83d\\ude00\\u6771\"},\"index\":0}]}\r\n\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"[part]\"}]}}]}\n\n"
    "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"
    "data: {\"x\":{\"choices\":[{\"delta\":{\"content\":\"NOT THIS\"}}]},\"choices\":[{\"delta\":{\"content\":\" end\"}},"
    "{\"delta\":{\"content\":\"nor this\"}}]}\n\n"
    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":{\"completion_tokens\":5.0,\"prompt_tokens\":3}}\n\n"
    "data: [DONE]\n\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==,
                   "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80\xe6\x9d\xb1[part] end");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "length");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, 3);
  g_assert_cmpint (assay_llm_stream_decoder_get_completion_tokens (decoder), ==, 5);
  /* Four content deltas and one of reasoning. */
  g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 5);
}

/* Events of one shape (the same text around their content) take a short
 * way: only the content string is scanned. What differs anywhere else, or
 * a string that does not decode, still goes the whole way. */
#define SHAPE_EVENT(content) \
  "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000," \
  "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"finish_reason\":null}]}\n\n"

static void
test_sse_shape (void)
{
  static const char stream[] =
    SHAPE_EVENT ("a")
    SHAPE_EVENT ("\\\"b\\\"")
    SHAPE_EVENT ("")
    SHAPE_EVENT ("\\u00e9\\ud83d\\ude00")
    /* A member spliced in with the content's quotes: not the shape. */
    SHAPE_EVENT ("c\\\",\\\"x\\\":\\\"y")
    SHAPE_EVENT ("d\",\"extra\":\"e")
    SHAPE_EVENT (" f")
    "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";
  static const char * const bad[] = {
    SHAPE_EVENT ("\\ud83d"),
    "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]} trailing\n\n",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==,
                   "a\"b\"\xc3\xa9\xf0\x9f\x98\x80" "c\",\"x\":\"yd f!");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "stop");
  g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 7);

  /* After events of the shape, one that only looks like it is refused
   * as it would be on its own. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(AssayLlmStreamDecoder) bad_decoder = NULL;
      g_autofree char *bad_stream = g_strconcat (SHAPE_EVENT ("a") SHAPE_EVENT ("b"), bad[i],
                                                 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                                                 "data: [DONE]\n\n", NULL);

      g_test_message ("bad stream %u", i);
      bad_decoder = decode (ASSAY_LLM_STREAM_SSE, bad_stream, strlen (bad_stream), &bad_error);
      g_assert_null (bad_decoder);
      g_assert_error (bad_error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
    }
}

/* What the quick scan must not accept (json-glib then decides): a lone
 * surrogate, trailing garbage, a trailing comma, an error member. */
static void
test_sse_scan_rejects (void)
{
  static const char * const streams[] = {
    "data: {\"choices\":[{\"delta\":{\"content\":\"\\ud83d\"}}]}\n\n",
    "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing\n\n",
    "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],}\n\n",
    "data: {\"choices\":[],\"error\":{\"message\":\"boom\"}}\n\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayLlmStreamDecoder) decoder = NULL;
      int expected;
      g_autofree char *stream = g_strconcat (streams[i],
                                             "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                                             "data: [DONE]\n\n", NULL);

      g_test_message ("stream %u", i);
      decoder = decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);
      g_assert_null (decoder);
      expected = i == 3 ? ASSAY_LLM_ERROR_MODEL : ASSAY_LLM_ERROR_STREAM;
      g_assert_error (error, ASSAY_LLM_ERROR, expected);
    }
}

static void
test_sse_basic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, openai_stream, strlen (openai_stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, openai_content);
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "stop");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, 31);
  g_assert_cmpint (assay_llm_stream_decoder_get_completion_tokens (decoder), ==, 7);
  /* Two non-empty deltas; the empty role delta does not count. */
  g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 2);
  g_assert_true (assay_llm_stream_decoder_is_done (decoder));
}

static void
test_sse_line_ends (void)
{
  /* CRLF, CR alone, comments, id/retry/event fields, multi-line data, no
   * space after the colon. */
  static const char stream[] =
    ":comment\r\n"
    "id: 1\r\n"
    "retry: 100\r\n"
    "event: message\r\n"
    "data:{\"choices\":[{\"delta\":\r\n"
    "data: {\"content\":\"ab\"}}]}\r\n"
    "\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"c\"},\"finish_reason\":\"length\"}]}\r\r"
    "data: [DONE]\r";
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "abc");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "length");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, -1);
  g_assert_true (assay_llm_stream_decoder_is_done (decoder));
}

/* Line ends found by searching ahead (the next LF kept across lines): LF,
 * CRLF, CR alone and all three mixed give the same answer, in one feed
 * (many lines, CR-only lines before and after an LF) and split in two at
 * every byte, where a CRLF can be cut between its CR and its LF. */
static void
test_sse_line_ends_split (void)
{
  static const char *const ends[] = { "\n", "\r\n", "\r", NULL };
  g_autoptr(GString) expected = g_string_new (NULL);
  GString *streams[4];
  gsize s;

  for (s = 0; s < G_N_ELEMENTS (streams); s++)
    streams[s] = g_string_new (NULL);
  for (guint i = 0; i < 40; i++)
    {
      g_string_append_printf (expected, "t%u,", i);
      for (s = 0; s < G_N_ELEMENTS (streams); s++)
        {
          /* The last stream mixes the ends, changing from line to line
           * (never a CR end before an LF one: that is a CRLF). */
          const char *end = s < 3 ? ends[s] : ends[i % 3];
          const char *comment_end = s < 3 ? ends[s] : ends[(i + 1) % 3];

          g_string_append_printf (streams[s], ":c%u%s", i, comment_end);
          g_string_append_printf (streams[s],
                                  "data: {\"choices\":[{\"delta\":{\"content\":\"t%u,\"}}]}%s%s",
                                  i, end, end);
        }
    }
  for (s = 0; s < G_N_ELEMENTS (streams); s++)
    g_string_append_printf (streams[s], "data: [DONE]%s", s < 3 ? ends[s] : "\r");

  for (s = 0; s < G_N_ELEMENTS (streams); s++)
    {
      const GString *stream = streams[s];
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayLlmStreamDecoder) whole =
        decode (ASSAY_LLM_STREAM_SSE, stream->str, stream->len, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (assay_llm_stream_decoder_get_content (whole), ==, expected->str);
      g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (whole), ==, 40);
      g_assert_true (assay_llm_stream_decoder_is_done (whole));

      for (gsize cut = 0; cut <= stream->len; cut++)
        {
          g_autoptr(AssayLlmStreamDecoder) decoder =
            assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_SSE, MAX_BYTES);

          g_assert_true (assay_llm_stream_decoder_feed (decoder, stream->str, cut, &error));
          g_assert_true (assay_llm_stream_decoder_feed (decoder, stream->str + cut,
                                                        stream->len - cut, &error));
          g_assert_true (assay_llm_stream_decoder_finish (decoder, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, expected->str);
          g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 40);
          g_assert_true (assay_llm_stream_decoder_is_done (decoder));
        }
    }

  for (s = 0; s < G_N_ELEMENTS (streams); s++)
    g_string_free (streams[s], TRUE);
}

static void
test_sse_cut_before_done (void)
{
  static const char stream[] =
    "data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"a\\\": \"}}]}\n\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\n";
  g_autoptr(AssayLlmStreamDecoder) decoder = assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_SSE, MAX_BYTES);
  g_autoptr(GError) error = NULL;

  g_assert_true (assay_llm_stream_decoder_feed (decoder, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{\"a\": 1");
  g_assert_false (assay_llm_stream_decoder_finish (decoder, &error));
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
  g_assert_nonnull (strstr (error->message, "ended before"));
}

static void
test_sse_finish_without_done (void)
{
  /* Some servers end after the finish reason: the answer is whole. */
  static const char stream[] =
    "data: {\"choices\":[{\"delta\":{\"content\":\"{}\"},\"finish_reason\":\"stop\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{}");
  g_assert_false (assay_llm_stream_decoder_is_done (decoder));
}

static void
test_sse_error_object (void)
{
  static const char stream[] =
    "data: {\"choices\":[{\"delta\":{\"content\":\"{\"}}]}\n\n"
    "data: {\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}\n\n"
    "data: [DONE]\n\n";
  static const char event_stream[] =
    "event: error\n"
    "data: {\"message\":\"quota gone\"}\n\n";
  g_autoptr(AssayLlmStreamDecoder) decoder = assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_SSE, MAX_BYTES);
  g_autoptr(GError) error = NULL;

  g_assert_false (assay_llm_stream_decoder_feed (decoder, stream, strlen (stream), &error));
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "The server is overloaded"));
  g_clear_error (&error);

  /* A failed decoder stays failed. */
  g_assert_false (assay_llm_stream_decoder_feed (decoder, "data: [DONE]\n\n", 14, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);
  decoder = assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_SSE, MAX_BYTES);
  g_assert_false (assay_llm_stream_decoder_feed (decoder, event_stream, strlen (event_stream), &error));
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "quota gone"));
}

static void
test_sse_malformed (void)
{
  static const char stream[] = "data: {\"choices\": [\n\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_SSE, stream, strlen (stream), &error);

  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
}

static void
test_size_cap (void)
{
  g_autoptr(AssayLlmStreamDecoder) decoder = assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_SSE, 100);
  g_autoptr(GError) error = NULL;
  char block[60];

  memset (block, ':', sizeof block);
  block[sizeof block - 1] = '\n';

  g_assert_true (assay_llm_stream_decoder_feed (decoder, block, sizeof block, &error));
  g_assert_no_error (error);
  /* 120 bytes in all: over the cap of 100. */
  g_assert_false (assay_llm_stream_decoder_feed (decoder, block, sizeof block, &error));
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TOO_LARGE);
}

static void
test_ndjson (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayLlmStreamDecoder) decoder =
    decode (ASSAY_LLM_STREAM_NDJSON, ollama_stream, strlen (ollama_stream), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{\"a\": 1}");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "stop");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, 12);
  g_assert_cmpint (assay_llm_stream_decoder_get_completion_tokens (decoder), ==, 3);
  g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 2);
  g_assert_true (assay_llm_stream_decoder_is_done (decoder));
}

static void
test_ndjson_faults (void)
{
  static const char error_line[] =
    "{\"message\":{\"content\":\"x\"},\"done\":false}\n"
    "{\"error\":\"model 'nope' not found\"}\n";
  static const char cut[] =
    "{\"message\":{\"content\":\"x\"},\"done\":false}\n"
    "{\"message\":{\"content\":\"y\"},\"done\":false}\n";
  static const char length[] =
    "{\"message\":{\"content\":\"{\\\"a\"},\"done\":false}\r\n"
    "{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"length\"}";
  g_autoptr(AssayLlmStreamDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;

  decoder = decode (ASSAY_LLM_STREAM_NDJSON, error_line, strlen (error_line), &error);
  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "model 'nope' not found"));
  g_clear_error (&error);

  decoder = decode (ASSAY_LLM_STREAM_NDJSON, cut, strlen (cut), &error);
  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
  g_clear_error (&error);

  /* A last line without its newline, CRLF, and done_reason length. */
  decoder = decode (ASSAY_LLM_STREAM_NDJSON, length, strlen (length), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{\"a");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "length");
}

static void
test_whole (void)
{
  static const char openai[] =
    "  {\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"{\\\"b\\\": 2}\"},\"finish_reason\":\"length\"}],"
    "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}";
  static const char ollama[] =
    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"{}\"},"
    "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":1}";
  static const char parts[] =
    "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"ab\"},"
    "{\"type\":\"text\",\"text\":\"c\"}]},\"finish_reason\":\"stop\"}]}";
  static const char refusal[] =
    "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"I cannot help\"},"
    "\"finish_reason\":\"stop\"}]}";
  static const char error_body[] = "{\"error\":{\"message\":\"bad things\"}}";
  g_autoptr(AssayLlmStreamDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, openai, strlen (openai), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{\"b\": 2}");
  g_assert_cmpstr (assay_llm_stream_decoder_get_finish_reason (decoder), ==, "length");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, 5);
  g_assert_cmpint (assay_llm_stream_decoder_get_completion_tokens (decoder), ==, 4);
  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, ollama, strlen (ollama), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{}");
  g_assert_cmpint (assay_llm_stream_decoder_get_prompt_tokens (decoder), ==, 9);
  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, parts, strlen (parts), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "abc");
  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, refusal, strlen (refusal), &error);
  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "I cannot help"));
  g_clear_error (&error);

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, error_body, strlen (error_body), &error);
  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "bad things"));
  g_clear_error (&error);

  /* A body cut in the middle. */
  decoder = decode (ASSAY_LLM_STREAM_WHOLE, openai, 40, &error);
  g_assert_null (decoder);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_STREAM);
  g_clear_error (&error);

  /* A server that streamed although asked not to. */
  decoder = decode (ASSAY_LLM_STREAM_WHOLE, openai_stream, strlen (openai_stream), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, openai_content);
  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);

  decoder = decode (ASSAY_LLM_STREAM_WHOLE, ollama_stream, strlen (ollama_stream), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{\"a\": 1}");
}

static void
test_auto (void)
{
  static const char openai[] =
    "\n {\"choices\":[{\"message\":{\"content\":\"{}\"},\"finish_reason\":\"stop\"}]}";
  g_autoptr(AssayLlmStreamDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;

  /* Whitespace first, then JSON, fed byte by byte. */
  decoder = assay_llm_stream_decoder_new (ASSAY_LLM_STREAM_AUTO, MAX_BYTES);
  for (gsize i = 0; i < strlen (openai); i++)
    g_assert_true (assay_llm_stream_decoder_feed (decoder, openai + i, 1, &error));
  g_assert_true (assay_llm_stream_decoder_finish (decoder, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, "{}");
  g_clear_pointer (&decoder, assay_llm_stream_decoder_free);

  decoder = decode (ASSAY_LLM_STREAM_AUTO, openai_stream, strlen (openai_stream), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_llm_stream_decoder_get_content (decoder), ==, openai_content);
  g_assert_cmpuint (assay_llm_stream_decoder_get_n_deltas (decoder), ==, 2);
}

typedef struct
{
  char    *content;
  char    *finish_reason;
  gint64   prompt_tokens;
  gint64   completion_tokens;
  gboolean ok;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_free (outcome->content);
  g_free (outcome->finish_reason);
}

/* Feeds @data in random pieces of 1 to @max_piece bytes. */
static void
decode_in_pieces (AssayLlmStreamFormat  format,
                  const char           *data,
                  gsize                 length,
                  GRand                *rand,
                  guint                 max_piece,
                  Outcome              *out)
{
  g_autoptr(AssayLlmStreamDecoder) decoder = assay_llm_stream_decoder_new (format, MAX_BYTES);
  g_autoptr(GError) error = NULL;
  gsize pos = 0;

  out->ok = TRUE;
  while (pos < length && out->ok)
    {
      gsize piece = (gsize) g_rand_int_range (rand, 1, max_piece + 1);

      piece = MIN (piece, length - pos);

      out->ok = assay_llm_stream_decoder_feed (decoder, data + pos, piece, &error);
      pos += piece;
    }
  if (out->ok)
    out->ok = assay_llm_stream_decoder_finish (decoder, &error);

  g_assert_true (out->ok == (error == NULL));
  g_assert_true (g_utf8_validate (assay_llm_stream_decoder_get_content (decoder), -1, NULL));

  out->content = g_strdup (assay_llm_stream_decoder_get_content (decoder));
  out->finish_reason = g_strdup (assay_llm_stream_decoder_get_finish_reason (decoder));
  out->prompt_tokens = assay_llm_stream_decoder_get_prompt_tokens (decoder);
  out->completion_tokens = assay_llm_stream_decoder_get_completion_tokens (decoder);
}

static void
test_fuzz_splits (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240301);

  for (guint i = 0; i < 500; i++)
    {
      Outcome sse = { 0 };
      Outcome ndjson = { 0 };

      decode_in_pieces (i % 2 ? ASSAY_LLM_STREAM_SSE : ASSAY_LLM_STREAM_AUTO,
                        openai_stream, strlen (openai_stream), rand, 1 + i % 40, &sse);
      g_assert_true (sse.ok);
      g_assert_cmpstr (sse.content, ==, openai_content);
      g_assert_cmpstr (sse.finish_reason, ==, "stop");
      g_assert_cmpint (sse.prompt_tokens, ==, 31);
      g_assert_cmpint (sse.completion_tokens, ==, 7);

      decode_in_pieces (ASSAY_LLM_STREAM_NDJSON, ollama_stream, strlen (ollama_stream),
                        rand, 1 + i % 40, &ndjson);
      g_assert_true (ndjson.ok);
      g_assert_cmpstr (ndjson.content, ==, "{\"a\": 1}");
      g_assert_cmpint (ndjson.completion_tokens, ==, 3);

      outcome_clear (&sse);
      outcome_clear (&ndjson);
    }
}

static void
test_fuzz_truncation (void)
{
  gsize length = strlen (openai_stream);
  /* Where the finish reason has fully arrived. */
  const char *finish = strstr (openai_stream, "\"finish_reason\":\"stop\"");
  gsize finish_end = finish - openai_stream + strlen ("\"finish_reason\":\"stop\"");
  guint n_ok = 0;

  /* Every cut point: before the finish reason the stream is incomplete and
   * fails; after it the answer is whole (a cut usage chunk or a missing
   * [DONE] costs nothing). The content is always a prefix of the whole. */
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (cut);
      Outcome out = { 0 };

      decode_in_pieces (ASSAY_LLM_STREAM_SSE, openai_stream, cut, rand, 16, &out);
      g_assert_true (g_str_has_prefix (openai_content, out.content));
      if (cut < finish_end)
        g_assert_false (out.ok);
      if (out.ok)
        {
          g_assert_cmpstr (out.content, ==, openai_content);
          g_assert_cmpstr (out.finish_reason, ==, "stop");
          n_ok++;
        }
      outcome_clear (&out);
    }

  /* At least every cut from the end of the finish line on succeeds. */
  g_assert_cmpuint (n_ok, >=, length - (strchr (finish, '\n') - openai_stream));
}

static void
test_fuzz_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  static const char * const streams[] = { openai_stream, ollama_stream };
  static const AssayLlmStreamFormat formats[] = {
    ASSAY_LLM_STREAM_SSE, ASSAY_LLM_STREAM_NDJSON, ASSAY_LLM_STREAM_WHOLE, ASSAY_LLM_STREAM_AUTO
  };
  guint failures = 0;

  for (guint i = 0; i < 2000; i++)
    {
      const char *source = streams[i % 2];
      g_autoptr(GString) mutated = g_string_new (source);
      guint n_mutations = g_rand_int_range (rand, 1, 6);
      Outcome out = { 0 };

      for (guint m = 0; m < n_mutations; m++)
        {
          guint pos = g_rand_int_range (rand, 0, mutated->len);
          char byte = (char) g_rand_int_range (rand, 0, 256);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              mutated->str[pos] = byte;
              break;
            case 1:
              g_string_erase (mutated, pos, 1);
              break;
            default:
              g_string_insert_c (mutated, pos, byte);
              break;
            }
        }

      decode_in_pieces (formats[i % G_N_ELEMENTS (formats)], mutated->str,
                        mutated->len, rand, 64, &out);
      failures += !out.ok;
      outcome_clear (&out);
    }

  /* Most mutations break something, and each is caught as an error. */
  g_assert_cmpuint (failures, >, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/llm-stream/sse-basic", test_sse_basic);
  g_test_add_func ("/assay/llm-stream/sse-scan", test_sse_scan);
  g_test_add_func ("/assay/llm-stream/sse-scan-rejects", test_sse_scan_rejects);
  g_test_add_func ("/assay/llm-stream/sse-shape", test_sse_shape);
  g_test_add_func ("/assay/llm-stream/sse-line-ends", test_sse_line_ends);
  g_test_add_func ("/assay/llm-stream/sse-line-ends-split", test_sse_line_ends_split);
  g_test_add_func ("/assay/llm-stream/sse-cut-before-done", test_sse_cut_before_done);
  g_test_add_func ("/assay/llm-stream/sse-finish-without-done", test_sse_finish_without_done);
  g_test_add_func ("/assay/llm-stream/sse-error-object", test_sse_error_object);
  g_test_add_func ("/assay/llm-stream/sse-malformed", test_sse_malformed);
  g_test_add_func ("/assay/llm-stream/size-cap", test_size_cap);
  g_test_add_func ("/assay/llm-stream/ndjson", test_ndjson);
  g_test_add_func ("/assay/llm-stream/ndjson-faults", test_ndjson_faults);
  g_test_add_func ("/assay/llm-stream/whole", test_whole);
  g_test_add_func ("/assay/llm-stream/auto", test_auto);
  g_test_add_func ("/assay/llm-stream/fuzz-splits", test_fuzz_splits);
  g_test_add_func ("/assay/llm-stream/fuzz-truncation", test_fuzz_truncation);
  g_test_add_func ("/assay/llm-stream/fuzz-garbage", test_fuzz_garbage);

  return g_test_run ();
}
