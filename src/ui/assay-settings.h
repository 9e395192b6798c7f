/* assay-settings.h — from the app's GSettings to what the pipeline runs
 *
 * Turns the io.github.assayapp.Assay settings (and an API key the caller
 * looked up in the keyring) into an extractor, a template and a worker
 * count; puts model-server errors into sentences a person can act on; and
 * looks for an Ollama server on this computer. No GTK in here.
 *
 * Main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "assay-extractor.h"
#include "assay-llm-config.h"
#include "assay-pipeline.h"
#include "assay-template.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

#define ASSAY_SETTINGS_SCHEMA_ID "io.github.assayapp.Assay"

/* Where Ollama listens by default; only ever probed on loopback. */
#define ASSAY_SETTINGS_LOCAL_OLLAMA_URL "http://127.0.0.1:11434"
#define ASSAY_SETTINGS_OPENAI_URL       "https://api.openai.com/v1"

/* The values of the "provider" key (enum io.github.assayapp.Assay.Provider). */
typedef enum
{
  ASSAY_SETTINGS_PROVIDER_OFFLINE,
  ASSAY_SETTINGS_PROVIDER_OLLAMA,
  ASSAY_SETTINGS_PROVIDER_OPENAI,
  ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE,
} AssaySettingsProvider;

AssaySettingsProvider  assay_settings_get_provider              (GSettings              *settings);
const char            *assay_settings_provider_default_url      (AssaySettingsProvider   provider);
char                  *assay_settings_dup_url                   (GSettings              *settings);
gboolean               assay_settings_fill_llm_config           (GSettings              *settings,
                                                                 const char             *api_key,
                                                                 AssayLlmConfig         *config,
                                                                 GError                **error);
AssayExtractor        *assay_settings_create_extractor          (GSettings              *settings,
                                                                 const char             *api_key,
                                                                 GError                **error);
AssayExtractor        *assay_settings_create_extractor_for_pool (GSettings              *settings,
                                                                 AssayWorkerPool        *pool,
                                                                 const char             *api_key,
                                                                 GError                **error);
AssayTemplate         *assay_settings_create_template           (GSettings              *settings);
guint                  assay_settings_get_n_workers             (GSettings              *settings);
AssayWorkerPool       *assay_settings_dup_pool                  (GSettings              *settings);
guint                  assay_settings_get_max_active            (GSettings              *settings);
char                  *assay_settings_describe_error            (const GError           *error,
                                                                 const char             *url);
void                   assay_settings_apply_async               (GSettings              *settings,
                                                                 AssayPipeline          *pipeline,
                                                                 AssayWorkerPool        *pool,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
gboolean               assay_settings_apply_finish              (GAsyncResult           *result,
                                                                 GError                **error);
void                   assay_settings_probe_ollama_async        (const char             *url,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
char                 **assay_settings_probe_ollama_finish       (GAsyncResult           *result,
                                                                 GError                **error);

G_END_DECLS
