/* assay-llm-retry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-retry"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "assay-llm-retry.h"

#define MAX_SERVER_MESSAGE_CHARS 300

/**
 * assay_llm_retry_status_is_retryable:
 * @status: an HTTP status of 400 or more
 * @error_code: (nullable): the error code from the body
 *
 * Returns: whether a request that got @status is worth sending again
 */
gboolean
assay_llm_retry_status_is_retryable (guint       status,
                                     const char *error_code)
{
  if (status == 429)
    return g_strcmp0 (error_code, "insufficient_quota") != 0;

  return status == 408 || status == 409 || (status >= 500 && status <= 599);
}

/**
 * assay_llm_retry_error_is_retryable:
 * @error: an %ASSAY_LLM_ERROR
 *
 * Returns: whether the failure @error describes may go away on its own:
 * connection failures, request timeouts, broken streams, rate limits and
 * server errors
 */
gboolean
assay_llm_retry_error_is_retryable (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != ASSAY_LLM_ERROR)
    return FALSE;

  switch ((AssayLlmError) error->code)
    {
    case ASSAY_LLM_ERROR_CONNECTION:
    case ASSAY_LLM_ERROR_TIMEOUT:
    case ASSAY_LLM_ERROR_STREAM:
    case ASSAY_LLM_ERROR_RATE_LIMITED:
    case ASSAY_LLM_ERROR_SERVER:
      return TRUE;

    case ASSAY_LLM_ERROR_CONFIG:
    case ASSAY_LLM_ERROR_DNS:
    case ASSAY_LLM_ERROR_TLS:
    case ASSAY_LLM_ERROR_AUTH:
    case ASSAY_LLM_ERROR_NOT_FOUND:
    case ASSAY_LLM_ERROR_BAD_REQUEST:
    case ASSAY_LLM_ERROR_QUOTA:
    case ASSAY_LLM_ERROR_TOO_LARGE:
    case ASSAY_LLM_ERROR_MODEL:
    case ASSAY_LLM_ERROR_INVALID_ANSWER:
    case ASSAY_LLM_ERROR_TRUNCATED:
    default:
      return FALSE;
    }
}

/**
 * assay_llm_retry_parse_retry_after:
 * @retry_after_ms: (nullable): the `retry-after-ms` header: milliseconds
 * @retry_after: (nullable): the `retry-after` header: seconds or an HTTP date
 * @now_unix_seconds: the current time, for a date
 *
 * Returns: the delay the server asks for in milliseconds (0 or more), or -1
 * when it asks for none or the headers do not parse
 */
gint64
assay_llm_retry_parse_retry_after (const char *retry_after_ms,
                                   const char *retry_after,
                                   gint64      now_unix_seconds)
{
  if (retry_after_ms != NULL)
    {
      char *end = NULL;
      double ms = g_ascii_strtod (retry_after_ms, &end);

      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end != retry_after_ms && end != NULL && *end == '\0' && isfinite (ms) && ms >= 0 &&
          ms < 1e12)
        return (gint64) ms;
    }

  if (retry_after != NULL)
    {
      char *end = NULL;
      double seconds = g_ascii_strtod (retry_after, &end);
      g_autoptr(GDateTime) date = NULL;

      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end != retry_after && end != NULL && *end == '\0' && isfinite (seconds) &&
          seconds >= 0 && seconds < 1e9)
        return (gint64) (seconds * 1000);

      date = soup_date_time_new_from_http_string (retry_after);
      if (date != NULL)
        {
          gint64 delta = g_date_time_to_unix (date) - now_unix_seconds;

          return MAX (delta, 0) * 1000;
        }
    }

  return -1;
}

/**
 * assay_llm_retry_parse_duration:
 * @duration: (nullable): an `x-ratelimit-reset-*` value: a Go duration
 *   such as "1s", "6m0s", "20ms", "1h2m3.5s", or plain seconds ("2", "0.5")
 *
 * Returns: the duration in milliseconds, or -1 when it does not parse
 */
gint64
assay_llm_retry_parse_duration (const char *duration)
{
  const char *p = duration;
  double total = 0;
  gboolean any = FALSE;

  if (duration == NULL)
    return -1;

  while (g_ascii_isspace (*p))
    p++;

  while (*p != '\0' && !g_ascii_isspace (*p))
    {
      char *end = NULL;
      double value = g_ascii_strtod (p, &end);

      if (end == p || !isfinite (value) || value < 0)
        return -1;
      p = end;

      if (g_str_has_prefix (p, "ms"))
        total += value, p += 2;
      else if (g_str_has_prefix (p, "us") || g_str_has_prefix (p, "\xc2\xb5s"))
        total += value / 1000, p += p[0] == 'u' ? 2 : 3;
      else if (g_str_has_prefix (p, "ns"))
        total += value / 1e6, p += 2;
      else if (*p == 's')
        total += value * 1000, p++;
      else if (*p == 'm')
        total += value * 60 * 1000, p++;
      else if (*p == 'h')
        total += value * 3600 * 1000, p++;
      else if (*p == '\0' || g_ascii_isspace (*p))
        total += value * 1000;   /* bare seconds */
      else
        return -1;
      any = TRUE;
    }

  while (g_ascii_isspace (*p))
    p++;
  if (!any || *p != '\0' || total >= 1e12)
    return -1;

  return (gint64) ceil (total);
}

/**
 * assay_llm_retry_rate_limit_ms:
 * @status: the response's HTTP status
 * @retry_after_ms: (nullable): the `retry-after-ms` header
 * @retry_after: (nullable): the `retry-after` header (seconds or HTTP date)
 * @remaining_requests: (nullable): `x-ratelimit-remaining-requests`
 * @reset_requests: (nullable): `x-ratelimit-reset-requests`
 * @remaining_tokens: (nullable): `x-ratelimit-remaining-tokens`
 * @reset_tokens: (nullable): `x-ratelimit-reset-tokens`
 * @now_unix_seconds: the current time, for a date
 *
 * How long the endpoint asks every client to hold new requests: the
 * Retry-After of a 429 or 503, or, on any response, the reset time of a
 * request or token budget that is used up (remaining 0). The longer of
 * the two when both are given, at most %ASSAY_LLM_RATE_LIMIT_MAX_MS.
 *
 * Returns: milliseconds, or -1 when the response announces no window
 */
gint64
assay_llm_retry_rate_limit_ms (guint       status,
                               const char *retry_after_ms,
                               const char *retry_after,
                               const char *remaining_requests,
                               const char *reset_requests,
                               const char *remaining_tokens,
                               const char *reset_tokens,
                               gint64      now_unix_seconds)
{
  gint64 window = -1;
  const char *remaining[] = { remaining_requests, remaining_tokens };
  const char *reset[] = { reset_requests, reset_tokens };

  if (status == 429 || status == 503)
    window = assay_llm_retry_parse_retry_after (retry_after_ms, retry_after, now_unix_seconds);

  for (guint i = 0; i < G_N_ELEMENTS (remaining); i++)
    {
      char *end = NULL;
      gint64 left;

      if (remaining[i] == NULL)
        continue;
      left = g_ascii_strtoll (remaining[i], &end, 10);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == remaining[i] || *end != '\0' || left > 0)
        continue;

      window = MAX (window, assay_llm_retry_parse_duration (reset[i]));
    }

  if (window <= 0)
    return -1;

  return MIN (window, ASSAY_LLM_RATE_LIMIT_MAX_MS);
}

/**
 * assay_llm_retry_backoff_ms:
 * @retry_index: 0 for the first retry
 * @jitter: a random number in [0, 1)
 * @retry_after_ms: what the server asked for, or -1
 *
 * The server's delay when it gave a sensible one (more than 0, at most a
 * minute); otherwise 0.5 s doubling per retry up to 8 s, shortened by up to
 * a quarter at random so that many clients do not retry in step.
 *
 * Returns: milliseconds to wait before the retry
 */
guint
assay_llm_retry_backoff_ms (guint  retry_index,
                            double jitter,
                            gint64 retry_after_ms)
{
  double delay;

  if (retry_after_ms > 0 && retry_after_ms <= ASSAY_LLM_RETRY_AFTER_MAX_MS)
    return (guint) retry_after_ms;

  jitter = CLAMP (jitter, 0.0, 1.0);
  delay = ASSAY_LLM_RETRY_INITIAL_MS * pow (2.0, MIN (retry_index, 16));
  delay = MIN (delay, ASSAY_LLM_RETRY_MAX_MS);

  return (guint) (delay * (1.0 - 0.25 * jitter));
}

static gboolean
is_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '*' || c == '.';
}

/**
 * assay_llm_redact:
 * @text: (nullable): text from a server or the network stack
 * @api_key: (nullable): the configured key
 *
 * Removes the API key and anything that looks like one ("sk-…"), replaces
 * control characters with spaces and cuts the text to 300 characters, so
 * it can go into a message a person reads.
 *
 * Returns: (transfer full) (nullable): the cleaned text
 */
char *
assay_llm_redact (const char *text,
                  const char *api_key)
{
  g_autoptr(GString) str = NULL;
  gsize key_len = api_key != NULL ? strlen (api_key) : 0;
  const char *p;

  if (text == NULL)
    return NULL;

  str = g_string_new (NULL);

  for (p = text; *p != '\0';)
    {
      if (key_len >= 4 && strncmp (p, api_key, key_len) == 0)
        {
          g_string_append (str, "[redacted]");
          p += key_len;
          continue;
        }

      if (p[0] == 's' && p[1] == 'k' && p[2] == '-' && (p == text || !is_key_char (p[-1])))
        {
          const char *end = p + 3;

          while (is_key_char (*end))
            end++;

          if (end - p >= 11)
            {
              g_string_append (str, "[redacted]");
              p = end;
              continue;
            }
        }

      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (str, ' ');
      else
        g_string_append_c (str, *p);
      p++;
    }

  if (!g_utf8_validate (str->str, str->len, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (str->str, str->len);

      g_string_assign (str, valid);
    }

  g_strstrip (str->str);
  str->len = strlen (str->str);

  if (g_utf8_strlen (str->str, -1) > MAX_SERVER_MESSAGE_CHARS)
    {
      const char *cut = g_utf8_offset_to_pointer (str->str, MAX_SERVER_MESSAGE_CHARS);

      g_string_truncate (str, cut - str->str);
      g_string_append (str, "…");
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static char *
dup_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return NULL;
}

/**
 * assay_llm_server_error_parse:
 * @body: (nullable): an error response body, not NUL-terminated
 * @out: (out caller-allocates): cleared first
 *
 * Understands OpenAI's `{"error": {"message", "type", "code"}}`, Ollama's
 * `{"error": "..."}`, `{"message": ...}`, `{"detail": ...}` and short plain
 * text. The message is redacted with assay_llm_redact().
 */
void
assay_llm_server_error_parse (const char          *body,
                              gsize                length,
                              const char          *api_key,
                              AssayLlmServerError *out)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;

  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);

  if (body == NULL || length == 0)
    return;

  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, body, length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *error_node = json_object_has_member (object, "error")
        ? json_object_get_member (object, "error") : NULL;

      if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
        {
          JsonObject *error_object = json_node_get_object (error_node);

          message = dup_string_member (error_object, "message");
          out->code = dup_string_member (error_object, "code");
          out->type = dup_string_member (error_object, "type");
        }
      else if (error_node != NULL)
        message = dup_string_member (object, "error");

      if (message == NULL)
        message = dup_string_member (object, "message");
      if (message == NULL)
        message = dup_string_member (object, "detail");
      if (out->code == NULL)
        out->code = dup_string_member (object, "code");
    }
  else
    {
      gsize i = 0;

      while (i < length && g_ascii_isspace (body[i]))
        i++;

      /* An HTML error page from a proxy says nothing useful in a line. */
      if (i < length && body[i] != '<')
        message = g_strndup (body + i, MIN (length - i, 4096));
    }

  out->message = assay_llm_redact (message, api_key);
  if (out->message != NULL && out->message[0] == '\0')
    g_clear_pointer (&out->message, g_free);

  /* Codes and types are identifiers; keep them only if they look like one. */
  if (out->code != NULL && (strlen (out->code) > 64 || strchr (out->code, ' ') != NULL))
    g_clear_pointer (&out->code, g_free);
  if (out->type != NULL && (strlen (out->type) > 64 || strchr (out->type, ' ') != NULL))
    g_clear_pointer (&out->type, g_free);
}

void
assay_llm_server_error_clear (AssayLlmServerError *error)
{
  g_return_if_fail (error != NULL);

  g_clear_pointer (&error->message, g_free);
  g_clear_pointer (&error->code, g_free);
  g_clear_pointer (&error->type, g_free);
}

/**
 * assay_llm_retry_error_for_status:
 * @server_error: (nullable): what the body said
 * @model: (nullable): the model name, for a 404
 * @retries_done: retries already made, for the message
 *
 * Returns: (transfer full): an %ASSAY_LLM_ERROR a person can act on
 */
GError *
assay_llm_retry_error_for_status (guint                      status,
                                  const AssayLlmServerError *server_error,
                                  const char                *model,
                                  guint                      retries_done)
{
  const char *server_message = server_error != NULL ? server_error->message : NULL;
  const char *code = server_error != NULL ? server_error->code : NULL;
  g_autofree char *detail = NULL;

  /* Translators: appended to a message; %s is what the server said */
  detail = server_message != NULL ? g_strdup_printf (_(" The server said: %s"), server_message)
                                  : g_strdup ("");

  if (status == 401)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_AUTH,
                        _("The model server rejected the API key (401). Check "
                          "ASSAY_API_KEY.%s"), detail);

  if (status == 403)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_AUTH,
                        _("The model server refused access (403). Check that the API key in "
                          "ASSAY_API_KEY may use the model “%s”.%s"),
                        model != NULL ? model : "", detail);

  if (status == 404)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_NOT_FOUND,
                        _("The model server does not know the model “%s” or has no such "
                          "endpoint (404). Check the model name (the server’s model list "
                          "shows what it offers) and the server URL.%s"),
                        model != NULL ? model : "", detail);

  if (status == 429 && g_strcmp0 (code, "insufficient_quota") == 0)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_QUOTA,
                        _("The account behind the API key has run out of quota (429 "
                          "insufficient_quota). Check the plan and billing with the "
                          "provider.%s"), detail);

  if (status == 429)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_RATE_LIMITED,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The model server is limiting requests (429) and still "
                                     "was after %u retry. Lower the number of requests in "
                                     "flight or try again later.%s",
                                     "The model server is limiting requests (429) and still "
                                     "was after %u retries. Lower the number of requests in "
                                     "flight or try again later.%s",
                                     retries_done),
                        retries_done, detail);

  if (status == 408 || status == 409 || status >= 500)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_SERVER,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The model server failed with HTTP status %u, also after "
                                     "%u retry. Try again later or check the server.%s",
                                     "The model server failed with HTTP status %u, also after "
                                     "%u retries. Try again later or check the server.%s",
                                     retries_done),
                        status, retries_done, detail);

  if (status == 400)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_BAD_REQUEST,
                        _("The model server rejected the request as invalid (400). The model "
                          "may not support this kind of request, or the document is too long "
                          "for it.%s"), detail);

  return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_BAD_REQUEST,
                      _("The model server refused the request with HTTP status %u.%s"),
                      status, detail);
}

/**
 * assay_llm_retry_error_for_transport:
 * @error: an error from libsoup or GIO while connecting or reading
 * @host: the server's host, for the message
 *
 * Returns: (transfer full): an %ASSAY_LLM_ERROR a person can act on;
 * %G_IO_ERROR_CANCELLED is passed on unchanged
 */
GError *
assay_llm_retry_error_for_transport (const GError *error,
                                     const char   *host)
{
  g_autofree char *reason = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  reason = assay_llm_redact (error->message, NULL);
  /* The messages below go on after the reason. */
  while (reason[0] != '\0' && reason[strlen (reason) - 1] == '.')
    reason[strlen (reason) - 1] = '\0';

  if (error->domain == G_RESOLVER_ERROR)
    {
      if (error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE)
        return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONNECTION,
                            _("Could not look up the model server “%s” for now (%s). Check "
                              "the network connection."), host, reason);

      return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_DNS,
                          _("The model server’s host name “%s” could not be found (%s). Check "
                            "the server URL."), host, reason);
    }

  if (error->domain == G_TLS_ERROR)
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TLS,
                        _("Could not make a secure (TLS) connection to “%s”: %s. Check that "
                          "the URL’s scheme (https or http) matches the server and that its "
                          "certificate is valid."), host, reason);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONNECTION,
                        _("Could not connect to the model server “%s”: the connection was "
                          "refused. Check that the server is running and the URL’s port."),
                        host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_TIMEOUT,
                        _("The model server “%s” did not answer in time."), host);

  return g_error_new (ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONNECTION,
                      _("The connection to the model server “%s” failed: %s"), host, reason);
}
