/* test-preferences.c — the preferences window, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bindings both ways between rows and GSettings (memory backend), "Test
 * connection" against the fake model server on loopback (works, key
 * refused, model missing, unreachable), the API key through a real keyring
 * (a gnome-keyring-daemon this test starts on its private session bus),
 * and the first-start offer of a local Ollama.
 */
#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "assay-api-key.h"
#include "assay-cluster-secret.h"
#include "assay-fake-llm-server.h"
#include "assay-keyring.h"
#include "assay-offline-extractor.h"
#include "assay-preferences-window.h"
#include "assay-settings.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"

#define WAIT_MS 20000


static GPid keyring_pid;

static void
reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static AssayPreferencesWindow *
open_window (void)
{
  AssayPreferencesWindow *window = ASSAY_PREFERENCES_WINDOW (assay_preferences_window_new (NULL));

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  assay_test_ui_wait_drawn (GTK_WIDGET (window));

  return window;
}

/* Closes @window and waits (bounded) until what it started let go of it. */
static void
close_window (AssayPreferencesWindow *window)
{
  g_assert_true (assay_test_ui_close_window (GTK_WINDOW (window), window, WAIT_MS));
}

static GtkWidget *
find_row (AssayPreferencesWindow *window,
          GType                   type,
          const char             *title)
{
  GtkWidget *row = assay_test_ui_find (GTK_WIDGET (window), type, title);

  g_assert_nonnull (row);
  return row;
}

static GtkSpinButton *
find_spin (AssayPreferencesWindow *window,
           const char             *title)
{
  GtkWidget *row = find_row (window, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *spin = assay_test_ui_find (row, GTK_TYPE_SPIN_BUTTON, NULL);

  g_assert_nonnull (spin);
  return GTK_SPIN_BUTTON (spin);
}

static void
test_bindings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  g_autofree char *url = NULL;
  g_autofree char *template_ = NULL;
  AssayPreferencesWindow *window;
  AdwComboRow *provider, *template_row;
  GtkWidget *url_row, *key_row;
  GtkSwitch *fallback;
  GtkSpinButton *requests, *timeout, *retries, *workers;

  reset_settings (settings);
  window = open_window ();

  provider = ADW_COMBO_ROW (find_row (window, ADW_TYPE_COMBO_ROW, "Extract With"));
  template_row = ADW_COMBO_ROW (find_row (window, ADW_TYPE_COMBO_ROW, "Template"));
  url_row = find_row (window, ADW_TYPE_ENTRY_ROW, "Server Address");
  key_row = find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  fallback = GTK_SWITCH (assay_test_ui_find (find_row (window, ADW_TYPE_ACTION_ROW,
                                                       "Fall Back to Offline Extraction"),
                                             GTK_TYPE_SWITCH, NULL));
  requests = find_spin (window, "Requests in Flight");
  timeout = find_spin (window, "Timeout");
  retries = find_spin (window, "Retries");
  workers = find_spin (window, "CPU Workers");

  /* Defaults: offline, so no server rows. */
  g_assert_cmpuint (adw_combo_row_get_selected (provider), ==, 0);
  g_assert_false (gtk_widget_get_visible (url_row));
  g_assert_false (gtk_widget_get_visible (key_row));
  g_assert_cmpfloat (gtk_spin_button_get_value (requests), ==, 4);
  g_assert_cmpfloat (gtk_spin_button_get_value (timeout), ==, 300);
  g_assert_cmpfloat (gtk_spin_button_get_value (retries), ==, 3);
  g_assert_cmpfloat (gtk_spin_button_get_value (workers), ==, 0);
  g_assert_true (gtk_switch_get_active (fallback));
  g_assert_cmpuint (adw_combo_row_get_selected (template_row), ==, 0);

  /* Settings → rows. */
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OPENAI);
  g_assert_cmpuint (adw_combo_row_get_selected (provider), ==, 2);
  g_assert_true (gtk_widget_get_visible (url_row));
  g_assert_true (gtk_widget_get_visible (key_row));
  /* The provider's usual address follows the provider. */
  url = g_settings_get_string (settings, "url");
  g_assert_cmpstr (url, ==, ASSAY_SETTINGS_OPENAI_URL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, ASSAY_SETTINGS_OPENAI_URL);
  g_settings_set_uint (settings, "max-requests", 12);
  g_assert_cmpfloat (gtk_spin_button_get_value (requests), ==, 12);
  g_settings_set_string (settings, "template", "scientific-paper");
  g_assert_cmpuint (adw_combo_row_get_selected (template_row), ==, 3);
  g_settings_set_boolean (settings, "offline-fallback", FALSE);
  g_assert_false (gtk_switch_get_active (fallback));

  /* Rows → settings. */
  adw_combo_row_set_selected (provider, 3);
  g_assert_cmpint (g_settings_get_enum (settings, "provider"), ==,
                   ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "url");
  g_assert_cmpstr (url, ==, "");   /* no usual address for "other" */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "https://llm.example.org/v1");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "url");
  g_assert_cmpstr (url, ==, "https://llm.example.org/v1");
  /* A typed address stays when the provider changes. */
  adw_combo_row_set_selected (provider, 2);
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "url");
  g_assert_cmpstr (url, ==, "https://llm.example.org/v1");

  gtk_spin_button_set_value (requests, 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "max-requests"), ==, 7);
  gtk_spin_button_set_value (timeout, 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "timeout"), ==, 45);
  gtk_spin_button_set_value (retries, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "retries"), ==, 0);
  gtk_spin_button_set_value (workers, 2);
  g_assert_cmpuint (g_settings_get_uint (settings, "workers"), ==, 2);
  g_assert_cmpuint (assay_settings_get_n_workers (settings), ==, 2);
  adw_combo_row_set_selected (template_row, 1);
  template_ = g_settings_get_string (settings, "template");
  g_assert_cmpstr (template_, ==, "invoice");
  gtk_switch_set_active (fallback, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "offline-fallback"));

  /* Back to offline: the server rows go, and falling back means nothing. */
  adw_combo_row_set_selected (provider, 0);
  g_assert_false (gtk_widget_get_visible (url_row));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (GTK_WIDGET (fallback), ADW_TYPE_ACTION_ROW)));

  {
    GtkWidget *page = find_row (window, ADW_TYPE_PREFERENCES_PAGE, "Performance");
    g_autofree char *shot = NULL;

    adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
    shot = assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-performance");
    g_clear_pointer (&shot, g_free);
    adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window),
                                             ADW_PREFERENCES_PAGE (find_row (window, ADW_TYPE_PREFERENCES_PAGE,
                                                                             "Extraction")));
    assay_test_ui_set_dark (TRUE);
    shot = assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-offline-dark");
    assay_test_ui_set_dark (FALSE);
  }

  close_window (window);
}

/* The token prices: rows next to the model for a remote provider; typed
 * prices (a decimal comma too) go to the settings, empty is no price, and
 * what is not a price is marked and not written. */
static void
test_prices (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  g_autofree char *currency = NULL;
  AssayPreferencesWindow *window;
  GtkWidget *input, *output, *currency_row;

  reset_settings (settings);
  g_settings_set_double (settings, "price-output", 10);
  window = open_window ();
  input = find_row (window, ADW_TYPE_ENTRY_ROW, "Input Price per Million Tokens");
  output = find_row (window, ADW_TYPE_ENTRY_ROW, "Output Price per Million Tokens");
  currency_row = find_row (window, ADW_TYPE_ENTRY_ROW, "Price Currency");

  g_assert_false (gtk_widget_get_visible (input));   /* offline: nothing to pay */
  /* A server of one's own, on loopback (a closed port): nothing leaves. */
  g_settings_set_string (settings, "url", "http://127.0.0.1:9/v1");
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  g_assert_true (gtk_widget_get_visible (input));
  g_assert_true (gtk_widget_get_visible (output));
  g_assert_true (gtk_widget_get_visible (currency_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (input)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (output)), ==, "10");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (currency_row)), ==, "USD");

  gtk_editable_set_text (GTK_EDITABLE (input), "2,5");
  g_assert_cmpfloat (g_settings_get_double (settings, "price-input"), ==, 2.5);
  g_assert_false (gtk_widget_has_css_class (input, "error"));
  gtk_editable_set_text (GTK_EDITABLE (input), "2.5 dollars");
  g_assert_cmpfloat (g_settings_get_double (settings, "price-input"), ==, 2.5);
  g_assert_true (gtk_widget_has_css_class (input, "error"));
  gtk_editable_set_text (GTK_EDITABLE (input), "-1");
  g_assert_true (gtk_widget_has_css_class (input, "error"));
  gtk_editable_set_text (GTK_EDITABLE (input), "0.150");
  g_assert_cmpfloat (g_settings_get_double (settings, "price-input"), ==, 0.15);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (input)), ==, "0.150");   /* as typed */
  gtk_editable_set_text (GTK_EDITABLE (output), "");
  g_assert_cmpfloat (g_settings_get_double (settings, "price-output"), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (currency_row), "EUR");
  currency = g_settings_get_string (settings, "price-currency");
  g_assert_cmpstr (currency, ==, "EUR");
  gtk_editable_set_text (GTK_EDITABLE (output), "0.6");
  g_free (assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-prices"));

  close_window (window);
  reset_settings (settings);
}

typedef struct
{
  AssayPreferencesWindow *window;
} Tested;

static gboolean
test_done (gpointer user_data)
{
  AssayConnectionState state = assay_preferences_window_get_connection_state (user_data);

  return state == ASSAY_CONNECTION_WORKS || state == ASSAY_CONNECTION_FAILED;
}

static gboolean
models_loaded (gpointer user_data)
{
  return !assay_preferences_window_get_loading_models (user_data);
}

static AssayConnectionState
run_test (AssayPreferencesWindow *window)
{
  /* Settings changes reset the outcome; let them settle first. */
  g_assert_true (assay_test_ui_wait (models_loaded, window, WAIT_MS));
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.test-connection", NULL);
  g_assert_true (assay_test_ui_wait (test_done, window, WAIT_MS));
  g_test_message ("connection: %s", assay_preferences_window_get_connection_message (window));

  return assay_preferences_window_get_connection_state (window);
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);   /* bound, never listening: connections are refused */

  return port;
}

static void
test_connection (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  AssayFakeLlmServer *server = assay_fake_llm_server_new ();
  g_autofree char *base = assay_fake_llm_server_dup_url (server, "http");
  g_autofree char *url = g_strdup_printf ("%s/v1", base);
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u/v1", closed_port ());
  g_autofree char *shot = NULL;
  AssayPreferencesWindow *window;
  AdwComboRow *model_row;
  GtkWidget *key_row;
  const char *message;

  reset_settings (settings);
  assay_fake_llm_server_set_api_key (server, "sk-right");
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  g_settings_set_string (settings, "url", url);
  g_settings_set_string (settings, "model", "alpha-1b");

  assay_test_ui_set_dark (FALSE);
  window = open_window ();
  key_row = find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  model_row = ADW_COMBO_ROW (find_row (window, ADW_TYPE_COMBO_ROW, "Model"));

  /* Works: right key, a model the server has. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), "sk-right");
  g_assert_cmpint (run_test (window), ==, ASSAY_CONNECTION_WORKS);
  message = assay_preferences_window_get_connection_message (window);
  g_assert_nonnull (strstr (message, "alpha-1b"));
  /* The model row lists what the server offers, the chosen one selected. */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (model_row)), ==, 2);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (model_row)), ==,
                   "alpha-1b");
  shot = assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-works");
  g_clear_pointer (&shot, g_free);

  /* Choosing another model from the list writes it. */
  adw_combo_row_set_selected (model_row, 1);
  {
    g_autofree char *model = g_settings_get_string (settings, "model");
    g_assert_cmpstr (model, ==, "zeta-7b");
  }

  /* Key refused. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), "sk-wrong");
  g_assert_cmpint (run_test (window), ==, ASSAY_CONNECTION_FAILED);
  message = assay_preferences_window_get_connection_message (window);
  g_assert_nonnull (strstr (message, "refused the API key"));
  g_assert_null (strstr (message, "sk-wrong"));
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-key-refused-dark");
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (FALSE);

  /* Model missing. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), "sk-right");
  g_settings_set_string (settings, "model", "gpt-nonexistent");
  g_assert_cmpint (run_test (window), ==, ASSAY_CONNECTION_FAILED);
  message = assay_preferences_window_get_connection_message (window);
  g_assert_nonnull (strstr (message, "no model “gpt-nonexistent”"));
  g_assert_nonnull (strstr (message, "2 models"));

  /* Unreachable. */
  g_settings_set_string (settings, "url", unreachable);
  g_assert_cmpint (run_test (window), ==, ASSAY_CONNECTION_FAILED);
  message = assay_preferences_window_get_connection_message (window);
  g_assert_nonnull (strstr (message, "Cannot reach 127.0.0.1:"));
  shot = assay_test_ui_screenshot (GTK_WIDGET (window), "preferences-unreachable");

  /* The key never went into the settings. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      {
        g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
        g_autofree char *text = g_variant_print (value, FALSE);

        g_assert_null (strstr (text, "sk-right"));
      }
  }

  close_window (window);
  assay_fake_llm_server_free (server);
}

static gboolean
keyring_ready (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A keyring of our own on the private session bus, unlocked with a
 * test password, its files in a temporary XDG_DATA_HOME (set in main). */
static void
start_keyring (void)
{
  const char *argv[] = {
    "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets", NULL
  };
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  int stdin_fd;
  guint watch;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDOUT_TO_DEV_NULL,
                                           NULL, NULL, &keyring_pid, &stdin_fd, NULL, NULL,
                                           &error));
  g_assert_no_error (error);
  /* The login keyring's password; it is created (and unlocked) with it. */
  g_assert_cmpint (write (stdin_fd, "assay-test", 10), ==, 10);
  close (stdin_fd);

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets",
                            G_BUS_NAME_WATCHER_FLAGS_NONE,
                            name_appeared_cb, NULL, &appeared, NULL);
  g_assert_true (assay_test_ui_wait (keyring_ready, &appeared, WAIT_MS));
  g_bus_unwatch_name (watch);
}

static void
stop_keyring (void)
{
  int status;

  if (keyring_pid == 0)
    return;

  kill (keyring_pid, SIGTERM);
  waitpid (keyring_pid, &status, 0);
  g_spawn_close_pid (keyring_pid);
  keyring_pid = 0;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *key;
} KeyCall;

/* The API key's and the cluster secret's calls finish alike: both are the
 * keyring helper's (assay-keyring.h). */
static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KeyCall *call = user_data;
  g_autoptr(GError) error = NULL;

  call->ok = assay_keyring_store_finish (result, &error);
  g_assert_no_error (error);
  call->done = TRUE;
}

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KeyCall *call = user_data;
  g_autoptr(GError) error = NULL;

  call->key = assay_keyring_lookup_finish (result, &error);
  g_assert_no_error (error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer user_data)
{
  return ((KeyCall *) user_data)->done;
}

static char *
lookup_key (const char *endpoint)
{
  KeyCall call = { FALSE };

  assay_api_key_lookup_async (endpoint, NULL, key_looked_up_cb, &call);
  g_assert_true (assay_test_ui_wait (call_done, &call, WAIT_MS));

  return call.key;
}

static gboolean
key_row_filled (gpointer user_data)
{
  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (user_data)), "sk-kept") == 0;
}

static void
test_keyring (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  AssayFakeLlmServer *server = assay_fake_llm_server_new ();
  g_autofree char *base = assay_fake_llm_server_dup_url (server, "http");
  g_autofree char *url = g_strdup_printf ("%s/v1", base);
  g_autofree char *other = g_strdup_printf ("%s/other/v1", base);
  KeyCall call = { FALSE };
  AssayPreferencesWindow *window;
  GtkWidget *key_row;
  char *key;

  reset_settings (settings);

  /* Stored keys are per endpoint. */
  assay_api_key_store_async (url, "sk-kept", NULL, key_stored_cb, &call);
  g_assert_true (assay_test_ui_wait (call_done, &call, WAIT_MS));
  g_assert_true (call.ok);
  key = lookup_key (url);
  g_assert_cmpstr (key, ==, "sk-kept");
  secret_password_free (key);
  g_assert_null (lookup_key (other));

  /* The window finds the key for the configured server, and it works. */
  assay_fake_llm_server_set_api_key (server, "sk-kept");
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  g_settings_set_string (settings, "url", url);
  g_settings_set_string (settings, "model", "zeta-7b");
  window = open_window ();
  key_row = find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  g_assert_true (assay_test_ui_wait (key_row_filled, key_row, WAIT_MS));
  g_assert_cmpint (run_test (window), ==, ASSAY_CONNECTION_WORKS);

  /* A new key, applied, replaces the stored one. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), "sk-new");
  g_signal_emit_by_name (key_row, "apply");
  g_assert_true (assay_test_ui_wait (models_loaded, window, WAIT_MS));
  close_window (window);

  key = lookup_key (url);
  g_assert_cmpstr (key, ==, "sk-new");
  secret_password_free (key);

  assay_fake_llm_server_free (server);
}

static char *
lookup_secret (const char *url)
{
  KeyCall call = { FALSE };

  assay_cluster_secret_lookup_async (url, NULL, key_looked_up_cb, &call);
  g_assert_true (assay_test_ui_wait (call_done, &call, WAIT_MS));

  return call.key;
}

static gboolean
secret_is_new (gpointer user_data)
{
  char *secret = lookup_secret (user_data);
  gboolean stored = g_strcmp0 (secret, "token-new") == 0;

  g_clear_pointer (&secret, secret_password_free);
  return stored;
}

static gboolean
secret_row_filled (gpointer user_data)
{
  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (user_data)), "token-kept") == 0;
}

/* "Process on a cluster": the switch, the address and the user are
 * settings; the password or token is in the keyring, per address. Without
 * cluster support the group is not shown. */
static void
test_cluster (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  const char *url = "nats://127.0.0.1:4222";
  KeyCall call = { FALSE };
  AssayPreferencesWindow *window;
  GtkWidget *group;
  GtkWidget *switch_row;
  GtkWidget *url_row;
  GtkWidget *user_row;
  GtkWidget *secret_row;
  GtkWidget *cluster_switch;

  reset_settings (settings);
  window = open_window ();
  group = find_row (window, ADW_TYPE_PREFERENCES_GROUP, "Cluster");
#ifndef HAVE_CLUSTER
  g_assert_false (gtk_widget_get_visible (group));
  close_window (window);
  return;
#endif
  g_assert_true (gtk_widget_get_visible (group));
  switch_row = find_row (window, ADW_TYPE_ACTION_ROW, "Process on a Cluster");
  url_row = find_row (window, ADW_TYPE_ENTRY_ROW, "NATS Server");
  user_row = find_row (window, ADW_TYPE_ENTRY_ROW, "User");
  secret_row = find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password or Token");
  cluster_switch = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (switch_row));
  g_assert_true (GTK_IS_SWITCH (cluster_switch));

  /* Off: the rest cannot be edited. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (cluster_switch)));
  g_assert_false (gtk_widget_get_sensitive (url_row));
  g_assert_false (gtk_widget_get_sensitive (secret_row));

  /* The switch and the rows are the settings. */
  gtk_switch_set_active (GTK_SWITCH (cluster_switch), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "cluster"));
  g_assert_true (gtk_widget_get_sensitive (url_row));
  g_assert_true (gtk_widget_get_sensitive (user_row));
  gtk_editable_set_text (GTK_EDITABLE (url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (user_row), "assay-submitter");
  {
    g_autofree char *set_url = g_settings_get_string (settings, "cluster-url");
    g_autofree char *set_user = g_settings_get_string (settings, "cluster-user");

    g_assert_cmpstr (set_url, ==, url);
    g_assert_cmpstr (set_user, ==, "assay-submitter");
  }
  close_window (window);

  /* A secret kept for the address shows in the row. */
  assay_cluster_secret_store_async (url, "token-kept", NULL, key_stored_cb, &call);
  g_assert_true (assay_test_ui_wait (call_done, &call, WAIT_MS));
  g_assert_true (call.ok);
  window = open_window ();
  secret_row = find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password or Token");
  g_assert_true (assay_test_ui_wait (secret_row_filled, secret_row, WAIT_MS));

  /* Applied, a new one replaces it in the keyring, and never reaches the
   * settings. */
  gtk_editable_set_text (GTK_EDITABLE (secret_row), "token-new");
  g_signal_emit_by_name (secret_row, "apply");
  g_assert_true (assay_test_ui_wait (secret_is_new, (gpointer) url, WAIT_MS));
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      {
        g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
        g_autofree char *text = g_variant_print (value, FALSE);

        g_assert_null (strstr (text, "token-new"));
      }
  }
  close_window (window);
  reset_settings (settings);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Applied;

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Applied *applied = user_data;

  applied->ok = assay_settings_apply_finish (result, &applied->error);
  applied->done = TRUE;
}

static gboolean
applied_done (gpointer user_data)
{
  return ((Applied *) user_data)->done;
}

static gboolean
apply (GSettings      *settings,
       AssayPipeline  *pipeline,
       GError        **error)
{
  Applied applied = { FALSE, FALSE, NULL };

  assay_settings_apply_async (settings, pipeline, NULL, NULL, applied_cb, &applied);
  g_assert_true (assay_test_ui_wait (applied_done, &applied, WAIT_MS));
  if (applied.error != NULL)
    g_propagate_error (error, applied.error);

  return applied.ok;
}

static gboolean
document_finished (gpointer user_data)
{
  return assay_document_is_finished (user_data);
}

/* The settings and the key in the keyring become what the pipeline runs:
 * a document added afterwards is extracted by the model, with the key. */
static void
test_apply (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  AssayFakeLlmServer *server = assay_fake_llm_server_new ();
  g_autofree char *base = assay_fake_llm_server_dup_url (server, "http");
  g_autofree char *url = g_strdup_printf ("%s/v1", base);
  g_autofree char *dir = g_dir_make_tmp ("assay-test-apply-XXXXXX", NULL);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *id = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AssayOfflineExtractor) offline = assay_offline_extractor_new (assay_worker_pool_get_default ());
  g_autoptr(AssayTemplate) template_ = assay_template_lookup ("general");
  g_autoptr(AssayPipeline) pipeline = NULL;
  g_autoptr(AssayStore) store = assay_store_new (store_dir);
  g_autoptr(AssayInputFile) input = NULL;
  g_autoptr(GError) error = NULL;
  const char *pages[] = { "Quarterly note\nRevenue: 1,200\n=== Page 1 ===\n" };
  KeyCall call = { FALSE };
  AssayDocument *document;

  reset_settings (settings);
  pipeline = assay_pipeline_new (assay_worker_pool_get_default (), ASSAY_EXTRACTOR (offline), template_);
  assay_pipeline_set_store (pipeline, store, FALSE);

  /* Offline: as it is. */
  g_assert_true (apply (settings, pipeline, &error));
  g_assert_no_error (error);
  id = assay_pipeline_dup_extractor_id (pipeline);
  g_assert_true (g_str_has_prefix (id, "offline"));
  g_clear_pointer (&id, g_free);

  /* A server without a model: extraction stays offline, and it says why. */
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  g_settings_set_string (settings, "url", url);
  g_settings_set_boolean (settings, "offline-fallback", FALSE);
  g_settings_set_string (settings, "template", "invoice");
  g_assert_false (apply (settings, pipeline, &error));
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONFIG);
  g_test_message ("without a model: %s", error->message);
  g_clear_error (&error);
  id = assay_pipeline_dup_extractor_id (pipeline);
  g_assert_true (g_str_has_prefix (id, "offline"));
  g_clear_pointer (&id, g_free);

  /* With a model and the key in the keyring: the model, with the key. */
  assay_fake_llm_server_set_api_key (server, "sk-applied");
  assay_api_key_store_async (url, "sk-applied", NULL, key_stored_cb, &call);
  g_assert_true (assay_test_ui_wait (call_done, &call, WAIT_MS));
  g_settings_set_string (settings, "template", "general");
  g_settings_set_string (settings, "model", "alpha-1b");
  g_assert_true (apply (settings, pipeline, &error));
  g_assert_no_error (error);
  id = assay_pipeline_dup_extractor_id (pipeline);
  g_assert_true (g_str_has_prefix (id, "llm-openai-alpha-1b"));

  path = assay_test_pdf_write_temp (dir, "note.pdf", pages, G_N_ELEMENTS (pages));
  input = assay_input_file_new (path, TRUE);
  document = assay_pipeline_add (pipeline, input);
  g_assert_true (assay_test_ui_wait (document_finished, document, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpuint (assay_fake_llm_server_get_requests (server), >=, 1);
  authorization = assay_fake_llm_server_dup_authorization (server, 0);
  g_assert_cmpstr (authorization, ==, "Bearer sk-applied");

  assay_pipeline_cancel_all (pipeline);
  g_clear_object (&pipeline);
  assay_fake_llm_server_free (server);
  assay_test_remove_tree (dir);
}

static gboolean
dialog_shown (gpointer user_data)
{
  return assay_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
dialog_gone (gpointer user_data)
{
  return !dialog_shown (user_data);
}

static gboolean
probe_finished (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = assay_settings_probe_ollama_finish (result, &error);

  g_assert_null (models);
  g_assert_error (error, ASSAY_LLM_ERROR, ASSAY_LLM_ERROR_CONNECTION);
  *(gboolean *) user_data = TRUE;
}

static void
test_offer_ollama (void)
{
  g_autoptr(GSettings) settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  AssayFakeLlmServer *server = assay_fake_llm_server_new ();
  g_autofree char *url = assay_fake_llm_server_dup_url (server, "http");
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *model = NULL;
  g_autofree char *shot = NULL;
  g_autoptr(GtkWidget) parent = NULL;
  GtkWidget *dialog, *button;
  gboolean finished = FALSE;

  reset_settings (settings);
  parent = g_object_ref_sink (adw_application_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (parent), 900, 640);
  gtk_window_present (GTK_WINDOW (parent));

  /* Nobody at the address: no question, and it will ask later. */
  assay_settings_probe_ollama_async (unreachable, NULL, probe_cb, &finished);
  g_assert_true (assay_test_ui_wait (probe_finished, &finished, WAIT_MS));

  assay_preferences_window_offer_local_ollama (GTK_WINDOW (parent), settings, url, NULL);
  g_assert_true (assay_test_ui_wait (dialog_shown, NULL, WAIT_MS));
  dialog = assay_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  shot = assay_test_ui_screenshot (dialog, "preferences-offer-ollama");
  /* As a person would: the button (which also closes the dialog). */
  button = assay_test_ui_find (dialog, GTK_TYPE_BUTTON, "_Use Ollama");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  g_assert_true (assay_test_ui_wait (dialog_gone, NULL, WAIT_MS));

  g_assert_cmpint (g_settings_get_enum (settings, "provider"), ==, ASSAY_SETTINGS_PROVIDER_OLLAMA);
  model = g_settings_get_string (settings, "model");
  g_assert_cmpstr (model, ==, "gemma2:2b");   /* the first of the sorted list */
  {
    g_autofree char *address = g_settings_get_string (settings, "url");

    g_assert_cmpstr (address, ==, url);
  }
  /* The settings object is left as it was: changes still apply at once. */
  g_assert_false (g_settings_get_has_unapplied (settings));
  g_assert_true (g_settings_get_boolean (settings, "local-ollama-offered"));

  /* Asked once only: with the answer remembered, nothing is even probed. */
  g_settings_set_enum (settings, "provider", ASSAY_SETTINGS_PROVIDER_OFFLINE);
  assay_preferences_window_offer_local_ollama (GTK_WINDOW (parent), settings, url, NULL);
  g_assert_false (dialog_shown (NULL));

  gtk_window_destroy (GTK_WINDOW (parent));
  assay_fake_llm_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("assay-test-preferences-XXXXXX", NULL);
  int status;

  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  /* Before GTK: nothing may activate another keyring on this bus first. */
  start_keyring ();
  assay_test_ui_init (&argc, &argv);

  g_test_add_func ("/assay/preferences/bindings", test_bindings);
  g_test_add_func ("/assay/preferences/prices", test_prices);
  g_test_add_func ("/assay/preferences/test-connection", test_connection);
  g_test_add_func ("/assay/preferences/keyring", test_keyring);
  g_test_add_func ("/assay/preferences/cluster", test_cluster);
  g_test_add_func ("/assay/preferences/apply", test_apply);
  g_test_add_func ("/assay/preferences/offer-ollama", test_offer_ollama);

  status = g_test_run ();
  stop_keyring ();

  assay_test_remove_tree (data_home);

  return status;
}
