/* assay-preferences-window.h — the preferences, bound to GSettings
 *
 * Who extracts (offline, a local Ollama, OpenAI, another OpenAI-compatible
 * server), where, with which model and key (the key kept in the keyring),
 * how many requests and workers, timeout, retries, template and offline
 * fallback. "Test connection" says what works or what is wrong.
 *
 * Main thread only.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CONNECTION_UNTESTED,
  ASSAY_CONNECTION_TESTING,
  ASSAY_CONNECTION_WORKS,
  ASSAY_CONNECTION_FAILED,
} AssayConnectionState;

#define ASSAY_TYPE_CONNECTION_STATE (assay_connection_state_get_type ())
GType assay_connection_state_get_type (void);

#define ASSAY_TYPE_PREFERENCES_WINDOW (assay_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AssayPreferencesWindow, assay_preferences_window, ASSAY, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget            *assay_preferences_window_new                    (GtkWindow              *parent);
void                  assay_preferences_window_test_connection        (AssayPreferencesWindow *self);
AssayConnectionState  assay_preferences_window_get_connection_state   (AssayPreferencesWindow *self);
const char           *assay_preferences_window_get_connection_message (AssayPreferencesWindow *self);
gboolean              assay_preferences_window_get_loading_models     (AssayPreferencesWindow *self);
void                  assay_preferences_window_offer_local_ollama     (GtkWindow              *parent,
                                                                       GSettings              *settings,
                                                                       const char             *url,
                                                                       GCancellable           *cancellable);

G_END_DECLS
