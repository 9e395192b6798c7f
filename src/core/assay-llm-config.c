/* assay-llm-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-config"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "assay-llm-config.h"

#define MAX_MAX_REQUESTS      64
#define MAX_RETRIES           10
#define MAX_TIMEOUT_SECONDS   (24 * 3600)
#define MIN_CONTEXT_TOKENS    1024
#define MAX_CONTEXT_TOKENS    (2 * 1024 * 1024)
#define MIN_RESPONSE_BYTES    1024
#define MAX_MODEL_NAME        256
#define MAX_API_KEY           4096

G_DEFINE_QUARK (assay-llm-error-quark, assay_llm_error)

/**
 * assay_llm_config_init:
 *
 * Fills @config with the defaults for @provider and no URL, model or key.
 * Clear it with assay_llm_config_clear(). Any thread.
 */
void
assay_llm_config_init (AssayLlmConfig   *config,
                       AssayLlmProvider  provider)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->provider = provider;
  config->max_requests = ASSAY_LLM_DEFAULT_MAX_REQUESTS;
  config->timeout_seconds = ASSAY_LLM_DEFAULT_TIMEOUT_SECONDS;
  config->overall_timeout_seconds = ASSAY_LLM_DEFAULT_OVERALL_SECONDS;
  config->retries = ASSAY_LLM_DEFAULT_RETRIES;
  config->stream = TRUE;
  config->context_tokens = 0;
  config->allow_insecure_http = FALSE;
  config->max_response_bytes = ASSAY_LLM_DEFAULT_MAX_RESPONSE_BYTES;
  config->structured_output = TRUE;
}

/**
 * assay_llm_config_clear:
 *
 * Frees the strings; the API key is overwritten first.
 */
void
assay_llm_config_clear (AssayLlmConfig *config)
{
  g_return_if_fail (config != NULL);

  if (config->api_key != NULL)
    memset (config->api_key, 0, strlen (config->api_key));

  g_clear_pointer (&config->url, g_free);
  g_clear_pointer (&config->model, g_free);
  g_clear_pointer (&config->api_key, g_free);
}

/**
 * assay_llm_config_copy:
 *
 * Returns: (transfer full): a deep copy; free with assay_llm_config_free()
 */
AssayLlmConfig *
assay_llm_config_copy (const AssayLlmConfig *config)
{
  AssayLlmConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new (AssayLlmConfig, 1);
  *copy = *config;
  copy->url = g_strdup (config->url);
  copy->model = g_strdup (config->model);
  copy->api_key = g_strdup (config->api_key);

  return copy;
}

void
assay_llm_config_free (AssayLlmConfig *config)
{
  if (config == NULL)
    return;

  assay_llm_config_clear (config);
  g_free (config);
}

const char *
assay_llm_provider_to_string (AssayLlmProvider provider)
{
  switch (provider)
    {
    case ASSAY_LLM_PROVIDER_OPENAI: return "openai";
    case ASSAY_LLM_PROVIDER_OLLAMA: return "ollama";
    default: break;
    }

  g_return_val_if_reached ("openai");
}

/**
 * assay_llm_provider_from_string:
 * @str: "openai" or "ollama"
 *
 * Returns: %TRUE and sets @out when @str names a provider
 */
gboolean
assay_llm_provider_from_string (const char       *str,
                                AssayLlmProvider *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (g_strcmp0 (str, "openai") == 0)
    *out = ASSAY_LLM_PROVIDER_OPENAI;
  else if (g_strcmp0 (str, "ollama") == 0)
    *out = ASSAY_LLM_PROVIDER_OLLAMA;
  else
    return FALSE;

  return TRUE;
}

/**
 * assay_llm_config_get_context_tokens:
 *
 * Returns: the context budget in tokens: the configured one, or the
 * provider's default (Ollama's own default is small and silently truncates,
 * so Assay always sets `num_ctx` explicitly)
 */
guint
assay_llm_config_get_context_tokens (const AssayLlmConfig *config)
{
  g_return_val_if_fail (config != NULL, 0);

  if (config->context_tokens > 0)
    return config->context_tokens;

  return config->provider == ASSAY_LLM_PROVIDER_OLLAMA
    ? ASSAY_LLM_DEFAULT_CONTEXT_OLLAMA
    : ASSAY_LLM_DEFAULT_CONTEXT_OPENAI;
}

/**
 * assay_llm_host_is_loopback:
 * @host: a host as in a URL, IPv6 literals with or without brackets
 *
 * Returns: %TRUE for "localhost", 127.0.0.0/8 and ::1
 */
gboolean
assay_llm_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  g_return_val_if_fail (host != NULL, FALSE);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  len = strlen (host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

static GUri *
parse_url (const AssayLlmConfig  *config,
           GError               **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (config->url == NULL || config->url[0] == '\0')
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("No model server URL is set. Give one such as "
                             "http://127.0.0.1:11434 (Ollama) or https://api.openai.com/v1."));
      return NULL;
    }

  uri = g_uri_parse (config->url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The model server URL “%s” is not a valid URL. Give one such as "
                     "http://127.0.0.1:11434 or https://api.openai.com/v1."),
                   config->url);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The model server URL must start with http:// or https://, not “%s:”."),
                   scheme);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

/**
 * assay_llm_config_validate_endpoint:
 *
 * Checks everything needed to talk to the server (URL, security, limits)
 * but not the model: listing models needs no model. Sends nothing.
 *
 * Returns: %TRUE, or %FALSE with @error in %ASSAY_LLM_ERROR_CONFIG saying
 * what to change
 */
gboolean
assay_llm_config_validate_endpoint (const AssayLlmConfig  *config,
                                    GError               **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (config->provider != ASSAY_LLM_PROVIDER_OPENAI &&
      config->provider != ASSAY_LLM_PROVIDER_OLLAMA)
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("Unknown model provider: use openai or ollama."));
      return FALSE;
    }

  if (!(uri = parse_url (config, error)))
    return FALSE;

  /* Credentials in the URL would end up in logs and error messages. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("The model server URL contains a user name or password. Remove "
                             "it and put the API key in ASSAY_API_KEY instead."));
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
      !assay_llm_host_is_loopback (host) &&
      !config->allow_insecure_http)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("Refusing to send documents over plain http to “%s”: anyone on the "
                     "network could read them. Use https://, or allow insecure http "
                     "explicitly if this network is trusted."),
                   host);
      return FALSE;
    }

  if (config->api_key != NULL)
    {
      gsize len = strlen (config->api_key);

      if (len > MAX_API_KEY)
        {
          g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                               _("The API key in ASSAY_API_KEY is too long to be a key."));
          return FALSE;
        }

      for (gsize i = 0; i < len; i++)
        {
          guchar c = config->api_key[i];

          /* Never echo the key; say where to look. */
          if (c < 0x20 || c == 0x7f)
            {
              g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                                   _("The API key in ASSAY_API_KEY contains a line break or "
                                     "another control character. Check how it was set."));
              return FALSE;
            }
        }
    }

  if (config->max_requests == 0 || config->max_requests > MAX_MAX_REQUESTS)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The number of requests in flight must be between 1 and %d, not %u."),
                   MAX_MAX_REQUESTS, config->max_requests);
      return FALSE;
    }

  if (config->retries > MAX_RETRIES)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The number of retries must be at most %d, not %u."),
                   MAX_RETRIES, config->retries);
      return FALSE;
    }

  if (config->timeout_seconds == 0 || config->timeout_seconds > MAX_TIMEOUT_SECONDS)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The request timeout must be between 1 and %d seconds, not %u."),
                   MAX_TIMEOUT_SECONDS, config->timeout_seconds);
      return FALSE;
    }

  if (config->overall_timeout_seconds > MAX_TIMEOUT_SECONDS)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The overall timeout must be at most %d seconds (0 for none), not %u."),
                   MAX_TIMEOUT_SECONDS, config->overall_timeout_seconds);
      return FALSE;
    }

  if (config->context_tokens != 0 &&
      (config->context_tokens < MIN_CONTEXT_TOKENS || config->context_tokens > MAX_CONTEXT_TOKENS))
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The context size must be between %d and %d tokens, not %u."),
                   MIN_CONTEXT_TOKENS, MAX_CONTEXT_TOKENS, config->context_tokens);
      return FALSE;
    }

  if (config->max_response_bytes < MIN_RESPONSE_BYTES)
    {
      g_set_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                   _("The response size limit must be at least %d bytes."),
                   MIN_RESPONSE_BYTES);
      return FALSE;
    }

  return TRUE;
}

/**
 * assay_llm_config_validate:
 *
 * assay_llm_config_validate_endpoint() plus a model name.
 */
gboolean
assay_llm_config_validate (const AssayLlmConfig  *config,
                           GError               **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (!assay_llm_config_validate_endpoint (config, error))
    return FALSE;

  if (config->model == NULL || config->model[0] == '\0')
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("No model is set. Name the model to use, such as llama3.1 or "
                             "gpt-4o-mini; the server’s model list shows what it offers."));
      return FALSE;
    }

  if (strlen (config->model) > MAX_MODEL_NAME || !g_utf8_validate (config->model, -1, NULL))
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("The model name is not valid: it must be UTF-8 text of at most "
                             "256 bytes."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
strip_suffix (GString    *path,
              const char *suffix)
{
  gsize len = strlen (suffix);

  if (path->len >= len && strcmp (path->str + path->len - len, suffix) == 0)
    {
      g_string_truncate (path, path->len - len);
      return TRUE;
    }

  return FALSE;
}

/**
 * assay_llm_config_build_url:
 * @what: "chat" or "models"
 *
 * The endpoint URL for @what. The configured URL is a base: for OpenAI
 * "https://host/v1" (a bare host gets "/v1"), for Ollama "http://host:11434";
 * a URL that already names the endpoint is accepted too.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL when the configured
 * one does not parse
 */
char *
assay_llm_config_build_url (const AssayLlmConfig *config,
                            const char           *what)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) path = NULL;
  gboolean chat;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (what != NULL, NULL);

  if (!(uri = parse_url (config, NULL)))
    return NULL;

  chat = strcmp (what, "chat") == 0;
  path = g_string_new (g_uri_get_path (uri));
  while (path->len > 0 && path->str[path->len - 1] == '/')
    g_string_truncate (path, path->len - 1);

  if (config->provider == ASSAY_LLM_PROVIDER_OLLAMA)
    {
      if (!strip_suffix (path, "/api/chat") && !strip_suffix (path, "/api/tags"))
        strip_suffix (path, "/api");
      g_string_append (path, chat ? "/api/chat" : "/api/tags");
    }
  else
    {
      if (!strip_suffix (path, "/chat/completions"))
        strip_suffix (path, "/models");
      if (path->len == 0)
        g_string_append (path, "/v1");
      g_string_append (path, chat ? "/chat/completions" : "/models");
    }

  return g_uri_join (G_URI_FLAGS_ENCODED,
                     g_uri_get_scheme (uri),
                     NULL,
                     g_uri_get_host (uri),
                     g_uri_get_port (uri),
                     path->str,
                     g_uri_get_query (uri),
                     NULL);
}

/**
 * assay_llm_config_dup_host:
 *
 * Returns: (transfer full) (nullable): the host of the URL, for messages
 */
char *
assay_llm_config_dup_host (const AssayLlmConfig *config)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (!(uri = parse_url (config, NULL)))
    return NULL;

  return g_strdup (g_uri_get_host (uri));
}
