/* assay-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-api-key.h"
#include "assay-fallback-extractor.h"
#include "assay-llm-client.h"
#include "assay-offline-extractor.h"
#include "assay-settings.h"

/* Documents in the extract stage at once with the offline extractor: the
 * pipeline's own default. */
#define OFFLINE_MAX_ACTIVE 16

/* A local Ollama answers in milliseconds; anything slower is not one. */
#define PROBE_TIMEOUT_MS 1500

/**
 * assay_settings_get_provider:
 *
 * Returns: who extracts, from the "provider" key
 */
AssaySettingsProvider
assay_settings_get_provider (GSettings *settings)
{
  int value;

  g_return_val_if_fail (G_IS_SETTINGS (settings), ASSAY_SETTINGS_PROVIDER_OFFLINE);

  value = g_settings_get_enum (settings, "provider");
  if (value < ASSAY_SETTINGS_PROVIDER_OFFLINE || value > ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE)
    return ASSAY_SETTINGS_PROVIDER_OFFLINE;

  return value;
}

/**
 * assay_settings_provider_default_url:
 *
 * Returns: (nullable): the address a provider usually has, %NULL when it has
 * none (offline, or another OpenAI-compatible server)
 */
const char *
assay_settings_provider_default_url (AssaySettingsProvider provider)
{
  switch (provider)
    {
    case ASSAY_SETTINGS_PROVIDER_OLLAMA:
      return ASSAY_SETTINGS_LOCAL_OLLAMA_URL;
    case ASSAY_SETTINGS_PROVIDER_OPENAI:
      return ASSAY_SETTINGS_OPENAI_URL;
    case ASSAY_SETTINGS_PROVIDER_OFFLINE:
    case ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE:
    default:
      return NULL;
    }
}

/**
 * assay_settings_dup_url:
 *
 * Returns: (transfer full) (nullable): the model server's address: the
 * "url" key, or the provider's usual address when that is empty; %NULL
 * for the offline extractor or when no address is known
 */
char *
assay_settings_dup_url (GSettings *settings)
{
  AssaySettingsProvider provider;
  g_autofree char *url = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  provider = assay_settings_get_provider (settings);
  if (provider == ASSAY_SETTINGS_PROVIDER_OFFLINE)
    return NULL;

  url = g_strstrip (g_settings_get_string (settings, "url"));
  if (url[0] != '\0')
    return g_steal_pointer (&url);

  return g_strdup (assay_settings_provider_default_url (provider));
}

/**
 * assay_settings_fill_llm_config:
 * @api_key: (nullable): the key from the keyring; copied into @config
 * @config: (out caller-allocates): initialised here; clear it with
 *   assay_llm_config_clear() whatever the result
 *
 * Fills in how to reach the configured model server. Only the endpoint is
 * checked: the model may still be unset (the preferences list models before
 * one is chosen).
 *
 * Returns: %FALSE with @error set when the settings name no usable server
 * (the offline extractor is selected, or the address is missing or unsafe)
 */
gboolean
assay_settings_fill_llm_config (GSettings       *settings,
                                const char      *api_key,
                                AssayLlmConfig  *config,
                                GError         **error)
{
  AssaySettingsProvider provider;
  g_autofree char *url = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  provider = assay_settings_get_provider (settings);
  assay_llm_config_init (config, provider == ASSAY_SETTINGS_PROVIDER_OLLAMA
                                   ? ASSAY_LLM_PROVIDER_OLLAMA
                                   : ASSAY_LLM_PROVIDER_OPENAI);

  if (provider == ASSAY_SETTINGS_PROVIDER_OFFLINE)
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("The built-in offline extractor is selected: no model server is used."));
      return FALSE;
    }

  url = assay_settings_dup_url (settings);
  if (url == NULL)
    {
      g_set_error_literal (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG,
                           _("Enter the address of the model server, such as "
                             "http://192.168.1.20:8000/v1."));
      return FALSE;
    }

  config->url = g_steal_pointer (&url);
  config->model = g_strstrip (g_settings_get_string (settings, "model"));
  if (api_key != NULL && api_key[0] != '\0')
    config->api_key = g_strdup (api_key);
  config->max_requests = g_settings_get_uint (settings, "max-requests");
  config->timeout_seconds = g_settings_get_uint (settings, "timeout");
  config->retries = g_settings_get_uint (settings, "retries");
  config->allow_insecure_http = provider != ASSAY_SETTINGS_PROVIDER_OPENAI &&
                                g_settings_get_boolean (settings, "allow-insecure-http");

  return assay_llm_config_validate_endpoint (config, error);
}

/**
 * assay_settings_create_extractor_for_pool:
 * @pool: where the offline extractor runs
 * @api_key: (nullable): the key from the keyring (assay_api_key_lookup_async())
 *
 * Builds the extractor the settings describe: the offline extractor, a
 * model client, or a model client that falls back to the offline extractor.
 * Give it to the pipeline with assay_pipeline_set_extractor(): documents
 * started after that use it.
 *
 * Returns: (transfer full) (nullable): the extractor, or %NULL with @error
 * set (its message says what to change)
 */
AssayExtractor *
assay_settings_create_extractor_for_pool (GSettings        *settings,
                                          AssayWorkerPool  *pool,
                                          const char       *api_key,
                                          GError          **error)
{
  AssayLlmConfig config;
  g_autoptr(AssayExtractor) offline = NULL;
  g_autoptr(AssayLlmClient) client = NULL;
  gboolean ok;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (ASSAY_IS_WORKER_POOL (pool), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  offline = ASSAY_EXTRACTOR (assay_offline_extractor_new (pool));
  if (assay_settings_get_provider (settings) == ASSAY_SETTINGS_PROVIDER_OFFLINE)
    return g_steal_pointer (&offline);

  ok = assay_settings_fill_llm_config (settings, api_key, &config, error) &&
       assay_llm_config_validate (&config, error);
  if (ok)
    client = assay_llm_client_new (&config, error);
  assay_llm_config_clear (&config);
  if (client == NULL)
    return NULL;

  if (g_settings_get_boolean (settings, "offline-fallback"))
    return ASSAY_EXTRACTOR (assay_fallback_extractor_new (ASSAY_EXTRACTOR (client), offline));

  return ASSAY_EXTRACTOR (g_steal_pointer (&client));
}

/**
 * assay_settings_create_extractor:
 *
 * assay_settings_create_extractor_for_pool() on the process-wide pool.
 *
 * Returns: (transfer full) (nullable): the extractor, or %NULL with @error set
 */
AssayExtractor *
assay_settings_create_extractor (GSettings   *settings,
                                 const char  *api_key,
                                 GError     **error)
{
  return assay_settings_create_extractor_for_pool (settings, assay_worker_pool_get_default (),
                                                   api_key, error);
}

/**
 * assay_settings_create_template:
 *
 * Returns: (transfer full): the selected built-in template ("general" when
 * the key names none)
 */
AssayTemplate *
assay_settings_create_template (GSettings *settings)
{
  g_autofree char *name = NULL;
  AssayTemplate *template_;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  name = g_settings_get_string (settings, "template");
  if ((template_ = assay_template_lookup (name)) == NULL)
    template_ = assay_template_lookup ("general");

  return template_;
}

/**
 * assay_settings_get_n_workers:
 *
 * Returns: CPU workers for the pool: the "workers" key, or the number of
 * processors when it is 0
 */
guint
assay_settings_get_n_workers (GSettings *settings)
{
  guint n;

  g_return_val_if_fail (G_IS_SETTINGS (settings), 1);

  n = g_settings_get_uint (settings, "workers");
  return n > 0 ? n : MAX (1, g_get_num_processors ());
}

/**
 * assay_settings_dup_pool:
 *
 * Returns: (transfer full): the worker pool the "workers" key asks for: the
 * process-wide pool (one worker per core) when it is 0, else a new pool of
 * that many workers. Read once, when a pipeline is made.
 */
AssayWorkerPool *
assay_settings_dup_pool (GSettings *settings)
{
  guint n;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  n = g_settings_get_uint (settings, "workers");
  if (n == 0)
    return g_object_ref (assay_worker_pool_get_default ());

  return assay_worker_pool_new (n);
}

/**
 * assay_settings_get_max_active:
 *
 * Returns: documents the pipeline should keep in the extract stage at
 * once: twice the requests in flight when a model is used (so that they
 * stay busy), else the pipeline's default
 */
guint
assay_settings_get_max_active (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), OFFLINE_MAX_ACTIVE);

  if (assay_settings_get_provider (settings) == ASSAY_SETTINGS_PROVIDER_OFFLINE)
    return OFFLINE_MAX_ACTIVE;

  return 2 * g_settings_get_uint (settings, "max-requests");
}

static char *
dup_host (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url != NULL && (uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) != NULL &&
      g_uri_get_host (uri) != NULL)
    {
      if (g_uri_get_port (uri) > 0)
        return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
      return g_strdup (g_uri_get_host (uri));
    }

  return g_strdup (url != NULL ? url : _("the model server"));
}

/**
 * assay_settings_describe_error:
 * @error: from the model client, a model listing or a probe
 * @url: (nullable): the server's address, to name it
 *
 * Returns: (transfer full): a sentence that says what is wrong and what to
 * do about it; never contains the API key
 */
char *
assay_settings_describe_error (const GError *error,
                               const char   *url)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  host = dup_host (url);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("%s did not answer in time. Check that the server is running "
                              "and reachable from this computer."), host);

  if (error->domain != ASSAY_LLM_ERROR)
    return g_strdup (error->message);

  switch ((AssayLlmError) error->code)
    {
    case ASSAY_LLM_ERROR_CONFIG:
      return g_strdup (error->message);
    case ASSAY_LLM_ERROR_CONNECTION:
      return g_strdup_printf (_("Cannot reach %s. Check the address and that the model server "
                                "is running."), host);
    case ASSAY_LLM_ERROR_DNS:
      return g_strdup_printf (_("The server name in “%s” cannot be found. Check the address "
                                "for typing mistakes and the network connection."), host);
    case ASSAY_LLM_ERROR_TLS:
      return g_strdup_printf (_("The secure connection to %s failed: its certificate is not "
                                "trusted. Check the address."), host);
    case ASSAY_LLM_ERROR_TIMEOUT:
      return g_strdup_printf (_("%s did not answer in time. Check that the server is running, "
                                "or allow a longer timeout."), host);
    case ASSAY_LLM_ERROR_AUTH:
      return g_strdup_printf (_("%s refused the API key. Check the key, or create a new one "
                                "in your account."), host);
    case ASSAY_LLM_ERROR_NOT_FOUND:
      return g_strdup_printf (_("%s answered, but not as a model server at this address. "
                                "Check the address: OpenAI-compatible servers usually end "
                                "in /v1."), host);
    case ASSAY_LLM_ERROR_QUOTA:
      return g_strdup_printf (_("The account behind this API key has no quota left at %s. "
                                "Check its plan and billing."), host);
    case ASSAY_LLM_ERROR_RATE_LIMITED:
      return g_strdup_printf (_("%s is limiting requests right now. Wait a little, or lower "
                                "the requests in flight."), host);
    case ASSAY_LLM_ERROR_SERVER:
      return g_strdup_printf (_("%s has a problem of its own and could not answer. Try again "
                                "later."), host);
    case ASSAY_LLM_ERROR_BAD_REQUEST:
    case ASSAY_LLM_ERROR_TOO_LARGE:
    case ASSAY_LLM_ERROR_STREAM:
    case ASSAY_LLM_ERROR_MODEL:
    case ASSAY_LLM_ERROR_INVALID_ANSWER:
    case ASSAY_LLM_ERROR_TRUNCATED:
    default:
      return g_strdup_printf (_("%s answered something Assay does not understand: %s"),
                              host, error->message);
    }
}

typedef struct
{
  GSettings       *settings;
  AssayPipeline   *pipeline;
  AssayWorkerPool *pool;
} Apply;

static void
apply_free (gpointer data)
{
  Apply *apply = data;

  g_clear_object (&apply->settings);
  g_clear_object (&apply->pipeline);
  g_clear_object (&apply->pool);
  g_free (apply);
}

static void
apply_with_key (GTask      *task,
                const char *api_key)
{
  Apply *apply = g_task_get_task_data (task);
  g_autoptr(AssayExtractor) extractor = NULL;
  g_autoptr(AssayTemplate) template_ = NULL;
  g_autoptr(GError) error = NULL;
  guint max_active;

  template_ = assay_settings_create_template (apply->settings);
  extractor = assay_settings_create_extractor_for_pool (apply->settings, apply->pool, api_key, &error);
  max_active = assay_settings_get_max_active (apply->settings);
  if (extractor == NULL)
    {
      /* Documents still get extracted, offline, while the settings are fixed. */
      extractor = ASSAY_EXTRACTOR (assay_offline_extractor_new (apply->pool));
      max_active = OFFLINE_MAX_ACTIVE;
    }

  assay_pipeline_set_template (apply->pipeline, template_);
  assay_pipeline_set_extractor (apply->pipeline, extractor);
  assay_pipeline_set_max_active (apply->pipeline, max_active);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
apply_key_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *api_key;

  api_key = assay_api_key_lookup_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      secret_password_free (api_key);
      return;
    }
  if (error != NULL)
    g_message ("The keyring could not be asked for the API key: %s", error->message);

  apply_with_key (task, api_key);
  secret_password_free (api_key);
}

/**
 * assay_settings_apply_async:
 * @pipeline: where documents started from now on are extracted
 * @pool: (nullable): where the offline extractor runs; %NULL: the
 *   process-wide pool
 *
 * Gives @pipeline the extractor, template and extract-stage width the
 * settings describe, with the API key for the server from the keyring.
 * Documents already started finish as they began. When the settings name
 * no usable model (no address, no model…), @pipeline extracts offline and
 * the call fails with an error whose message says what to change. Main
 * thread.
 */
void
assay_settings_apply_async (GSettings           *settings,
                            AssayPipeline       *pipeline,
                            AssayWorkerPool     *pool,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  AssaySettingsProvider provider;
  Apply *apply;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (pool == NULL || ASSAY_IS_WORKER_POOL (pool));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_settings_apply_async);

  apply = g_new0 (Apply, 1);
  apply->settings = g_object_ref (settings);
  apply->pipeline = g_object_ref (pipeline);
  apply->pool = g_object_ref (pool != NULL ? pool : assay_worker_pool_get_default ());
  g_task_set_task_data (task, apply, apply_free);

  provider = assay_settings_get_provider (settings);
  url = assay_settings_dup_url (settings);
  if (url != NULL &&
      (provider == ASSAY_SETTINGS_PROVIDER_OPENAI ||
       provider == ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE))
    {
      assay_api_key_lookup_async (url, cancellable, apply_key_cb, g_steal_pointer (&task));
      return;
    }

  apply_with_key (task, NULL);
}

/**
 * assay_settings_apply_finish:
 *
 * Returns: %TRUE when the settings were applied as they are; %FALSE with
 * @error when the pipeline extracts offline instead (or was cancelled)
 */
gboolean
assay_settings_apply_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  AssayLlmClient *client;
  GCancellable   *call_cancellable;   /* cancelled by the caller's or the timer */
  GSource        *timer;
  gulong          cancelled_id;
  gboolean        timed_out;
} Probe;

static void
probe_free (gpointer data)
{
  Probe *probe = data;

  if (probe->timer != NULL)
    {
      g_source_destroy (probe->timer);
      g_source_unref (probe->timer);
    }
  g_clear_object (&probe->client);
  g_clear_object (&probe->call_cancellable);
  g_free (probe);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  Probe *probe = user_data;

  probe->timed_out = TRUE;
  g_cancellable_cancel (probe->call_cancellable);

  return G_SOURCE_REMOVE;
}

static void
probe_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
probe_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char **models;

  g_cancellable_disconnect (g_task_get_cancellable (task), probe->cancelled_id);
  probe->cancelled_id = 0;

  models = assay_llm_client_list_models_finish (ASSAY_LLM_CLIENT (object), result, &error);
  if (models != NULL)
    g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
  else if (probe->timed_out && !g_task_return_error_if_cancelled (task))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _("The model server did not answer in time."));
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * assay_settings_probe_ollama_async:
 * @url: (nullable): where to look; %NULL: ASSAY_SETTINGS_LOCAL_OLLAMA_URL
 *
 * Asks whether an Ollama server answers at @url, giving it a second and a
 * half, without retries. Meant for the first start: when one answers, offer
 * it. Main thread.
 */
void
assay_settings_probe_ollama_async (const char          *url,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  AssayLlmConfig config;
  Probe *probe;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_settings_probe_ollama_async);

  assay_llm_config_init (&config, ASSAY_LLM_PROVIDER_OLLAMA);
  config.url = g_strdup (url != NULL ? url : ASSAY_SETTINGS_LOCAL_OLLAMA_URL);
  config.retries = 0;
  config.timeout_seconds = 2;

  probe = g_new0 (Probe, 1);
  g_task_set_task_data (task, probe, probe_free);
  probe->client = assay_llm_client_new (&config, &error);
  assay_llm_config_clear (&config);
  if (probe->client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  probe->call_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    probe->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (probe_cancelled_cb),
                                                 probe->call_cancellable, NULL);
  probe->timer = g_timeout_source_new (PROBE_TIMEOUT_MS);
  g_source_set_callback (probe->timer, probe_timeout_cb, probe, NULL);
  g_source_set_static_name (probe->timer, "[assay] ollama probe timeout");
  g_source_attach (probe->timer, g_main_context_get_thread_default ());

  assay_llm_client_list_models_async (probe->client, probe->call_cancellable,
                                      probe_listed_cb, g_steal_pointer (&task));
}

/**
 * assay_settings_probe_ollama_finish:
 *
 * Returns: (transfer full) (array zero-terminated=1): the models the server
 * offers (possibly none), or %NULL with @error set when none answered
 */
char **
assay_settings_probe_ollama_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
