/* assay-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row is bound to its GSettings key with g_settings_bind(); the combo
 * rows map between the key's string and the row's index. The API key is
 * the exception: it goes to the keyring (assay-api-key.c), keyed by the
 * server's address, and only when the user applies it.
 *
 * The model list is asked from the server whenever the provider, the
 * address or the key changes (debounced), one request at a time: a newer
 * one cancels the older, so a late answer never overwrites a newer list.
 *
 * The cluster's password or token goes to the keyring too
 * (assay-cluster-secret.c), keyed by the NATS server's address; the group
 * is hidden in builds without cluster support.
 */
#define G_LOG_DOMAIN "assay-preferences-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "assay-api-key.h"
#include "assay-cluster-secret.h"
#include "assay-llm-client.h"
#include "assay-preferences-window.h"
#include "assay-settings.h"

/* Typing an address: ask for its models once the typing pauses. */
#define REFRESH_DELAY_MS 600

struct _AssayPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;         /* everything; cancelled on dispose */
  GCancellable         *models_cancellable;  /* the current key lookup + model listing */
  GCancellable         *test_cancellable;    /* the current connection test */
  guint                 refresh_source;
  char                 *key_endpoint;        /* the address the key row's text belongs to */
  guint                 key_edits;           /* edits of the key row by the user */
  guint                 key_edits_at_lookup;
  gboolean              setting_key;
  char                 *connection_message;
  AssayConnectionState  connection_state;
  gboolean              loading_models;
  gboolean              updating_models;
  GCancellable         *cluster_cancellable; /* the current cluster secret lookup */

  AdwComboRow          *provider_row;
  AdwEntryRow          *url_row;
  AdwPasswordEntryRow  *api_key_row;
  AdwComboRow          *model_row;
  GtkStringList        *model_list;
  AdwEntryRow          *price_input_row;
  AdwEntryRow          *price_output_row;
  AdwEntryRow          *price_currency_row;
  AdwActionRow         *insecure_row;
  GtkSwitch            *insecure_switch;
  AdwActionRow         *connection_row;
  GtkImage             *connection_icon;
  GtkSpinner           *connection_spinner;
  AdwComboRow          *template_row;
  AdwActionRow         *fallback_row;
  GtkSwitch            *fallback_switch;
  GtkAdjustment        *max_requests_adjustment;
  GtkAdjustment        *timeout_adjustment;
  GtkAdjustment        *retries_adjustment;
  GtkAdjustment        *workers_adjustment;
  AdwActionRow         *workers_row;
  GtkWidget            *cluster_group;
  GtkSwitch            *cluster_switch;
  AdwEntryRow          *cluster_url_row;
  AdwEntryRow          *cluster_user_row;
  AdwPasswordEntryRow  *cluster_secret_row;
};

G_DEFINE_FINAL_TYPE (AssayPreferencesWindow, assay_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

G_DEFINE_ENUM_TYPE (AssayConnectionState, assay_connection_state,
  G_DEFINE_ENUM_VALUE (ASSAY_CONNECTION_UNTESTED, "untested"),
  G_DEFINE_ENUM_VALUE (ASSAY_CONNECTION_TESTING, "testing"),
  G_DEFINE_ENUM_VALUE (ASSAY_CONNECTION_WORKS, "works"),
  G_DEFINE_ENUM_VALUE (ASSAY_CONNECTION_FAILED, "failed"))

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_CONNECTION_MESSAGE,
  PROP_LOADING_MODELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the provider row's items and of the enum's values. */
static const char * const provider_nicks[] = {
  "offline", "ollama", "openai", "openai-compatible",
};

static void schedule_refresh (AssayPreferencesWindow *self,
                              guint                   delay_ms);

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_strcmp0 (nicks[i], nick) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint index = g_value_get_uint (value);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (i == index)
      return g_variant_new_string (nicks[i]);

  return NULL;
}

static const char * const *
get_provider_nicks (void)
{
  static const char *nicks[G_N_ELEMENTS (provider_nicks) + 1];

  if (nicks[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (provider_nicks); i++)
      nicks[i] = provider_nicks[i];

  return nicks;
}

static void
set_connection (AssayPreferencesWindow *self,
                AssayConnectionState    state,
                const char             *message)
{
  static const char * const icons[] = {
    [ASSAY_CONNECTION_UNTESTED] = "network-server-symbolic",
    [ASSAY_CONNECTION_TESTING] = "network-server-symbolic",
    [ASSAY_CONNECTION_WORKS] = "emblem-ok-symbolic",
    [ASSAY_CONNECTION_FAILED] = "dialog-warning-symbolic",
  };
  GtkWidget *icon = GTK_WIDGET (self->connection_icon);

  g_assert (state <= ASSAY_CONNECTION_FAILED);

  gtk_image_set_from_icon_name (self->connection_icon, icons[state]);
  gtk_widget_remove_css_class (icon, "success");
  gtk_widget_remove_css_class (icon, "error");
  if (state == ASSAY_CONNECTION_WORKS)
    gtk_widget_add_css_class (icon, "success");
  else if (state == ASSAY_CONNECTION_FAILED)
    gtk_widget_add_css_class (icon, "error");

  gtk_spinner_set_spinning (self->connection_spinner, state == ASSAY_CONNECTION_TESTING);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_spinner), state == ASSAY_CONNECTION_TESTING);
  adw_action_row_set_subtitle (self->connection_row, message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);

  if (g_strcmp0 (message, self->connection_message) != 0)
    {
      g_free (self->connection_message);
      self->connection_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_MESSAGE]);
    }

  if (state != self->connection_state)
    {
      self->connection_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
    }
}

static void
set_loading_models (AssayPreferencesWindow *self,
                    gboolean                loading)
{
  if (loading == self->loading_models)
    return;

  self->loading_models = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING_MODELS]);
}

static void
update_rows (AssayPreferencesWindow *self)
{
  AssaySettingsProvider provider = assay_settings_get_provider (self->settings);
  gboolean remote = provider != ASSAY_SETTINGS_PROVIDER_OFFLINE;
  const char *subtitles[] = {
    [ASSAY_SETTINGS_PROVIDER_OFFLINE] = _("Built in: no model needed, nothing leaves this computer"),
    [ASSAY_SETTINGS_PROVIDER_OLLAMA] = _("A model server running on this computer"),
    [ASSAY_SETTINGS_PROVIDER_OPENAI] = _("Documents are sent to OpenAI"),
    [ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE] = _("Any server with the OpenAI chat API: vLLM, llama.cpp or LM Studio"),
  };

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->provider_row), subtitles[provider]);

  gtk_widget_set_visible (GTK_WIDGET (self->url_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->model_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->price_input_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->price_output_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->price_currency_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->fallback_row), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->api_key_row),
                          provider == ASSAY_SETTINGS_PROVIDER_OPENAI ||
                          provider == ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  /* OpenAI itself is https only; a server of one's own may be plain http. */
  gtk_widget_set_visible (GTK_WIDGET (self->insecure_row),
                          provider == ASSAY_SETTINGS_PROVIDER_OLLAMA ||
                          provider == ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-connection", remote);
}

static void
update_workers_subtitle (AssayPreferencesWindow *self)
{
  g_autofree char *subtitle = NULL;
  guint n = g_settings_get_uint (self->settings, "workers");

  if (n == 0)
    subtitle = g_strdup_printf (_("Automatic: one per processor core (%u). Takes effect at the next start"),
                                g_get_num_processors ());
  else
    subtitle = g_strdup (_("Threads that read and analyse documents. Takes effect at the next start"));

  adw_action_row_set_subtitle (self->workers_row, subtitle);
}

/* The text in the key row is used for listing and testing even before it
 * is applied (saved): the user sees at once whether it works. */
static const char *
get_typed_key (AssayPreferencesWindow *self)
{
  AssaySettingsProvider provider = assay_settings_get_provider (self->settings);

  if (provider != ASSAY_SETTINGS_PROVIDER_OPENAI &&
      provider != ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE)
    return NULL;

  return gtk_editable_get_text (GTK_EDITABLE (self->api_key_row));
}

static void
show_models (AssayPreferencesWindow *self,
             const char * const     *models,
             const char             *subtitle)
{
  g_autofree char *current = g_settings_get_string (self->settings, "model");
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  guint selected = 0;
  gboolean found = FALSE;

  for (guint i = 0; models != NULL && models[i] != NULL; i++)
    {
      if (g_strcmp0 (models[i], current) == 0)
        {
          selected = items->len;
          found = TRUE;
        }
      g_ptr_array_add (items, (gpointer) models[i]);
    }

  /* The chosen model stays visible even when the server lacks it: the
   * connection test then says so, rather than the choice silently moving. */
  if (!found && current[0] != '\0')
    {
      g_ptr_array_insert (items, 0, current);
      selected = 0;
    }
  g_ptr_array_add (items, NULL);

  self->updating_models = TRUE;
  gtk_string_list_splice (self->model_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->model_list)),
                          (const char * const *) items->pdata);
  adw_combo_row_set_selected (self->model_row, items->len > 1 ? selected : GTK_INVALID_LIST_POSITION);
  self->updating_models = FALSE;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->model_row), subtitle);

  /* An empty choice with models on offer: what the row shows is what is used. */
  if (current[0] == '\0' && items->len > 1)
    g_settings_set_string (self->settings, "model", g_ptr_array_index (items, 0));
}

static void
model_selected_cb (AssayPreferencesWindow *self)
{
  guint selected;
  const char *model;

  if (self->updating_models)
    return;

  selected = adw_combo_row_get_selected (self->model_row);
  if (selected == GTK_INVALID_LIST_POSITION)
    return;

  model = gtk_string_list_get_string (self->model_list, selected);
  if (model != NULL)
    g_settings_set_string (self->settings, "model", model);
}

static void
models_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *url = NULL;

  models = assay_llm_client_list_models_finish (ASSAY_LLM_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  url = assay_settings_dup_url (self->settings);
  if (models == NULL)
    {
      g_debug ("Listing models failed: %s", error->message);
      subtitle = assay_settings_describe_error (error, url);
    }
  else if (models[0] == NULL)
    subtitle = g_strdup (_("The server offers no models yet"));
  else
    subtitle = g_strdup_printf (ngettext ("%u model offered by the server",
                                          "%u models offered by the server",
                                          g_strv_length (models)),
                                g_strv_length (models));

  show_models (self, (const char * const *) models, subtitle);
  set_loading_models (self, FALSE);
}

/* A client for the settings and the key typed in, asked while a person
 * waits for the answer: one retry at most.
 * Returns: (transfer full) (nullable): %NULL with @error set */
static AssayLlmClient *
new_client_for_person (AssayPreferencesWindow  *self,
                       GError                 **error)
{
  AssayLlmClient *client = NULL;
  AssayLlmConfig config;

  if (assay_settings_fill_llm_config (self->settings, get_typed_key (self), &config, error))
    {
      config.retries = MIN (config.retries, 1);
      client = assay_llm_client_new (&config, error);
    }
  assay_llm_config_clear (&config);

  return client;
}

static void
list_models (AssayPreferencesWindow *self)
{
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  client = new_client_for_person (self, &error);

  if (client == NULL)
    {
      message = assay_settings_describe_error (error, NULL);
      show_models (self, NULL, message);
      set_loading_models (self, FALSE);
      return;
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->model_row), _("Asking the server for its models…"));
  assay_llm_client_list_models_async (client, self->models_cancellable,
                                      models_listed_cb, g_object_ref (self));
}

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = assay_api_key_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    g_message ("The keyring could not be asked for the API key: %s", error->message);
  else if (self->key_edits == self->key_edits_at_lookup)
    {
      /* What the user typed meanwhile wins over what was stored. */
      self->setting_key = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->api_key_row), key != NULL ? key : "");
      self->setting_key = FALSE;
    }
  secret_password_free (key);

  g_free (self->key_endpoint);
  self->key_endpoint = assay_settings_dup_url (self->settings);

  list_models (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  AssayPreferencesWindow *self = user_data;
  g_autofree char *url = NULL;

  self->refresh_source = 0;

  g_cancellable_cancel (self->models_cancellable);
  g_clear_object (&self->models_cancellable);
  self->models_cancellable = g_cancellable_new ();

  if (assay_settings_get_provider (self->settings) == ASSAY_SETTINGS_PROVIDER_OFFLINE)
    {
      set_loading_models (self, FALSE);
      return G_SOURCE_REMOVE;
    }

  set_loading_models (self, TRUE);

  url = assay_settings_dup_url (self->settings);
  if (url != NULL && get_typed_key (self) != NULL && g_strcmp0 (url, self->key_endpoint) != 0)
    {
      self->key_edits_at_lookup = self->key_edits;
      assay_api_key_lookup_async (url, self->models_cancellable,
                                  key_looked_up_cb, g_object_ref (self));
      return G_SOURCE_REMOVE;
    }

  list_models (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (AssayPreferencesWindow *self,
                  guint                   delay_ms)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, refresh_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->refresh_source),
                            "[assay] refresh models");
  set_loading_models (self, TRUE);

  /* What was tested no longer describes these settings. */
  if (self->connection_state != ASSAY_CONNECTION_UNTESTED)
    {
      g_cancellable_cancel (self->test_cancellable);
      set_connection (self, ASSAY_CONNECTION_UNTESTED, _("Not tested yet"));
    }
}

static void
provider_changed_cb (AssayPreferencesWindow *self)
{
  AssaySettingsProvider provider = assay_settings_get_provider (self->settings);
  g_autofree char *url = g_strstrip (g_settings_get_string (self->settings, "url"));
  gboolean is_default = url[0] == '\0';
  const char *new_url;

  /* An address the user typed stays; a provider's usual one follows the provider. */
  for (guint i = 0; i <= ASSAY_SETTINGS_PROVIDER_OPENAI_COMPATIBLE; i++)
    is_default |= g_strcmp0 (url, assay_settings_provider_default_url (i)) == 0;

  new_url = assay_settings_provider_default_url (provider);
  if (is_default && provider != ASSAY_SETTINGS_PROVIDER_OFFLINE)
    g_settings_set_string (self->settings, "url", new_url != NULL ? new_url : "");

  update_rows (self);
  schedule_refresh (self, 0);
}

static void
url_changed_cb (AssayPreferencesWindow *self)
{
  schedule_refresh (self, REFRESH_DELAY_MS);
}

static void
model_changed_cb (AssayPreferencesWindow *self)
{
  /* What was tested was another model. */
  if (self->connection_state == ASSAY_CONNECTION_WORKS ||
      self->connection_state == ASSAY_CONNECTION_FAILED)
    set_connection (self, ASSAY_CONNECTION_UNTESTED, _("Not tested yet"));
}

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!assay_api_key_store_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      g_message ("The keyring could not keep the API key: %s", error->message);
      text = g_strdup_printf (_("The API key could not be saved in the keyring: %s"), error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
    }
}

static void
api_key_applied_cb (AssayPreferencesWindow *self)
{
  g_autofree char *url = assay_settings_dup_url (self->settings);

  if (url == NULL)
    return;

  g_free (self->key_endpoint);
  self->key_endpoint = g_strdup (url);
  assay_api_key_store_async (url, gtk_editable_get_text (GTK_EDITABLE (self->api_key_row)),
                             self->cancellable, key_stored_cb, g_object_ref (self));
  schedule_refresh (self, 0);
}

static void
key_edited_cb (AssayPreferencesWindow *self)
{
  if (!self->setting_key)
    self->key_edits++;
}

static void
test_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;
  g_autofree char *model = NULL;
  const AssayLlmConfig *config;
  guint n;

  models = assay_llm_client_list_models_finish (ASSAY_LLM_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  config = assay_llm_client_get_config (ASSAY_LLM_CLIENT (object));
  url = g_strdup (config->url);
  if (models == NULL)
    {
      message = assay_settings_describe_error (error, url);
      set_connection (self, ASSAY_CONNECTION_FAILED, message);
      return;
    }

  /* The list first: with no model chosen yet, it chooses the first offered. */
  show_models (self, (const char * const *) models, NULL);
  set_loading_models (self, FALSE);

  model = g_strstrip (g_settings_get_string (self->settings, "model"));
  n = g_strv_length (models);

  if (model[0] == '\0')
    {
      /* Only when the server offers none: otherwise the first was chosen. */
      set_connection (self, ASSAY_CONNECTION_FAILED,
                      _("The server answers, but offers no models. Install one on the server first."));
    }
  else if (!g_strv_contains ((const char * const *) models, model))
    {
      if (n == 0)
        message = g_strdup_printf (_("The server answers, but has no model “%s” — in fact no models "
                                     "at all. Install one on the server first."), model);
      else
        message = g_strdup_printf (ngettext ("The server answers, but has no model “%s”. "
                                             "Choose the model it offers.",
                                             "The server answers, but has no model “%s”. "
                                             "Choose one of the %u models it offers.", n),
                                   model, n);
      set_connection (self, ASSAY_CONNECTION_FAILED, message);
    }
  else
    {
      message = g_strdup_printf (_("Works: the server answers and offers the model “%s”."), model);
      set_connection (self, ASSAY_CONNECTION_WORKS, message);
    }
}

/**
 * assay_preferences_window_test_connection:
 *
 * Asks the configured server for its models with the typed key and says,
 * in the connection row, whether it answers, takes the key and has the
 * model. The outcome is also in the "connection-state" and
 * "connection-message" properties.
 */
void
assay_preferences_window_test_connection (AssayPreferencesWindow *self)
{
  g_autoptr(AssayLlmClient) client = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ASSAY_IS_PREFERENCES_WINDOW (self));

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  client = new_client_for_person (self, &error);

  if (client == NULL)
    {
      g_autofree char *message = assay_settings_describe_error (error, NULL);

      set_connection (self, ASSAY_CONNECTION_FAILED, message);
      return;
    }

  set_connection (self, ASSAY_CONNECTION_TESTING, _("Testing…"));
  assay_llm_client_list_models_async (client, self->test_cancellable,
                                      test_listed_cb, g_object_ref (self));
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  assay_preferences_window_test_connection (ASSAY_PREFERENCES_WINDOW (widget));
}

/* A price as typed: "2.5", "2,5", empty (no price); FALSE when it is not
 * a number of 0 or more. */
static gboolean
parse_price (const char *text,
             double     *price)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end = NULL;

  if (copy[0] == '\0')
    {
      *price = 0;
      return TRUE;
    }
  g_strdelimit (copy, ",", '.');
  *price = g_ascii_strtod (copy, &end);
  return end != copy && *end == '\0' && isfinite (*price) && *price >= 0 && *price <= 1000000;
}

static gboolean
price_to_text (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  double price = g_variant_get_double (variant);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_value_set_string (value, price > 0 ? g_ascii_formatd (buffer, sizeof buffer, "%.10g", price) : "");
  return TRUE;
}

static GVariant *
text_to_price (const GValue       *value,
               const GVariantType *type,
               gpointer            user_data)
{
  double price;

  if (!parse_price (g_value_get_string (value), &price))
    return NULL;   /* not written while it is not a price */
  return g_variant_new_double (price);
}

static void
price_text_cb (AdwEntryRow *row)
{
  double price;

  if (parse_price (gtk_editable_get_text (GTK_EDITABLE (row)), &price))
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

/* ------------------------------------------------------------------------ */
/* The cluster                                                               */

#ifdef HAVE_CLUSTER
static void
cluster_secret_looked_up_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = assay_cluster_secret_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_message ("The keyring could not be asked for the cluster's secret: %s", error->message);

  gtk_editable_set_text (GTK_EDITABLE (self->cluster_secret_row), secret != NULL ? secret : "");
  g_clear_pointer (&secret, secret_password_free);
}

/* The secret row shows what the keyring holds for the address now set. */
static void
cluster_url_changed_cb (AssayPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "cluster-url");

  g_cancellable_cancel (self->cluster_cancellable);
  g_clear_object (&self->cluster_cancellable);
  self->cluster_cancellable = g_cancellable_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->cluster_secret_row), "");

  if (url[0] != '\0')
    assay_cluster_secret_lookup_async (url, self->cluster_cancellable,
                                       cluster_secret_looked_up_cb, g_object_ref (self));
}
#endif

static void
cluster_secret_stored_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(AssayPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!assay_cluster_secret_store_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      g_message ("The keyring could not keep the cluster's secret: %s", error->message);
      text = g_strdup_printf (_("The cluster’s password could not be saved in the keyring: %s"),
                              error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
    }
}

static void
cluster_secret_applied_cb (AssayPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "cluster-url");

  if (url[0] == '\0')
    return;

  assay_cluster_secret_store_async (url,
                                    gtk_editable_get_text (GTK_EDITABLE (self->cluster_secret_row)),
                                    self->cancellable, cluster_secret_stored_cb,
                                    g_object_ref (self));
}

static void
cluster_init (AssayPreferencesWindow *self)
{
#ifdef HAVE_CLUSTER
  GtkWidget *rows[] = {
    GTK_WIDGET (self->cluster_url_row), GTK_WIDGET (self->cluster_user_row),
    GTK_WIDGET (self->cluster_secret_row),
  };

  g_settings_bind (self->settings, "cluster", self->cluster_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cluster-url", self->cluster_url_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cluster-user", self->cluster_user_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_object_bind_property (self->cluster_switch, "active", rows[i], "sensitive",
                            G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->settings, "changed::cluster-url",
                           G_CALLBACK (cluster_url_changed_cb), self, G_CONNECT_SWAPPED);
  cluster_url_changed_cb (self);
#else
  gtk_widget_set_visible (self->cluster_group, FALSE);
#endif
}

static void
assay_preferences_window_constructed (GObject *object)
{
  AssayPreferencesWindow *self = ASSAY_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (assay_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "provider", self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) get_provider_nicks (), NULL);
  g_settings_bind_with_mapping (self->settings, "template", self->template_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) assay_template_list_builtin (), NULL);
  g_settings_bind (self->settings, "url", self->url_row, "text", G_SETTINGS_BIND_DEFAULT);
  /* Not re-read while typed: "2.50" stays "2.50". */
  g_settings_bind_with_mapping (self->settings, "price-input", self->price_input_row, "text",
                                G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES,
                                price_to_text, text_to_price, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "price-output", self->price_output_row, "text",
                                G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES,
                                price_to_text, text_to_price, NULL, NULL);
  g_settings_bind (self->settings, "price-currency", self->price_currency_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "allow-insecure-http", self->insecure_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "offline-fallback", self->fallback_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-requests", self->max_requests_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "timeout", self->timeout_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retries", self->retries_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "workers", self->workers_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed::provider",
                           G_CALLBACK (provider_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::url",
                           G_CALLBACK (url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::model",
                           G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::allow-insecure-http",
                           G_CALLBACK (url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::workers",
                           G_CALLBACK (update_workers_subtitle), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->api_key_row, "changed",
                           G_CALLBACK (key_edited_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_row, "notify::selected",
                           G_CALLBACK (model_selected_cb), self, G_CONNECT_SWAPPED);

  update_rows (self);
  update_workers_subtitle (self);
  cluster_init (self);
  set_connection (self, ASSAY_CONNECTION_UNTESTED, _("Not tested yet"));
  if (assay_settings_get_provider (self->settings) != ASSAY_SETTINGS_PROVIDER_OFFLINE)
    schedule_refresh (self, 0);
}

static void
assay_preferences_window_dispose (GObject *object)
{
  AssayPreferencesWindow *self = ASSAY_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->models_cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_cancellable_cancel (self->cluster_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (assay_preferences_window_parent_class)->dispose (object);
}

static void
assay_preferences_window_finalize (GObject *object)
{
  AssayPreferencesWindow *self = ASSAY_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->models_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->cluster_cancellable);
  g_clear_pointer (&self->key_endpoint, g_free);
  g_clear_pointer (&self->connection_message, g_free);

  G_OBJECT_CLASS (assay_preferences_window_parent_class)->finalize (object);
}

static void
assay_preferences_window_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  AssayPreferencesWindow *self = ASSAY_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->connection_state);
      break;
    case PROP_CONNECTION_MESSAGE:
      g_value_set_string (value, self->connection_message);
      break;
    case PROP_LOADING_MODELS:
      g_value_set_boolean (value, self->loading_models);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_preferences_window_class_init (AssayPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = assay_preferences_window_constructed;
  object_class->dispose = assay_preferences_window_dispose;
  object_class->finalize = assay_preferences_window_finalize;
  object_class->get_property = assay_preferences_window_get_property;

  properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL,
                       ASSAY_TYPE_CONNECTION_STATE, ASSAY_CONNECTION_UNTESTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION_MESSAGE] =
    g_param_spec_string ("connection-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING_MODELS] =
    g_param_spec_boolean ("loading-models", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, provider_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, api_key_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, model_list);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, price_input_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, price_output_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, price_currency_row);
  gtk_widget_class_bind_template_callback (widget_class, price_text_cb);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, insecure_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, insecure_switch);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, connection_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, connection_spinner);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, template_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, fallback_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, fallback_switch);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, max_requests_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, timeout_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, retries_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, workers_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, workers_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, cluster_group);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, cluster_switch);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, cluster_url_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, cluster_user_row);
  gtk_widget_class_bind_template_child (widget_class, AssayPreferencesWindow, cluster_secret_row);
  gtk_widget_class_bind_template_callback (widget_class, api_key_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, cluster_secret_applied_cb);

  gtk_widget_class_install_action (widget_class, "prefs.test-connection", NULL, test_connection_action);
}

static void
assay_preferences_window_init (AssayPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (ASSAY_SETTINGS_SCHEMA_ID);
  self->cancellable = g_cancellable_new ();
  self->models_cancellable = g_cancellable_new ();
  self->test_cancellable = g_cancellable_new ();
}

/**
 * assay_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer floating): a new preferences window, modal to @parent
 */
GtkWidget *
assay_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (ASSAY_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

AssayConnectionState
assay_preferences_window_get_connection_state (AssayPreferencesWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_PREFERENCES_WINDOW (self), ASSAY_CONNECTION_UNTESTED);

  return self->connection_state;
}

const char *
assay_preferences_window_get_connection_message (AssayPreferencesWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_PREFERENCES_WINDOW (self), NULL);

  return self->connection_message;
}

/**
 * assay_preferences_window_get_loading_models:
 *
 * Returns: whether the server's model list is being asked for
 */
gboolean
assay_preferences_window_get_loading_models (AssayPreferencesWindow *self)
{
  g_return_val_if_fail (ASSAY_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->loading_models;
}

typedef struct
{
  GtkWindow *parent;
  GSettings *settings;
  char      *url;
  char      *model;
} Offer;

static void
offer_free (Offer *offer)
{
  g_clear_object (&offer->parent);
  g_clear_object (&offer->settings);
  g_free (offer->url);
  g_free (offer->model);
  g_free (offer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Offer, offer_free)

static void
offer_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  Offer *offer = user_data;

  g_settings_set_boolean (offer->settings, "local-ollama-offered", TRUE);
  if (g_strcmp0 (response, "use") != 0)
    return;

  /* Address and model first: once the provider changes, all three are set
   * (and whoever follows the settings applies them once, debounced). */
  g_settings_set_string (offer->settings, "url", offer->url);
  g_settings_set_string (offer->settings, "model", offer->model);
  g_settings_set_enum (offer->settings, "provider", ASSAY_SETTINGS_PROVIDER_OLLAMA);
}

static void
offer_probed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Offer) offer = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint n;

  models = assay_settings_probe_ollama_finish (result, &error);
  if (models == NULL)
    {
      g_debug ("No local Ollama to offer: %s", error->message);
      return;
    }

  n = g_strv_length (models);
  if (n == 0)
    {
      g_debug ("A local Ollama answers but offers no models: not offered");
      return;
    }

  /* Settled elsewhere in the meantime (the preferences were opened). */
  if (assay_settings_get_provider (offer->settings) != ASSAY_SETTINGS_PROVIDER_OFFLINE ||
      g_settings_get_boolean (offer->settings, "local-ollama-offered"))
    return;

  offer->model = g_strdup (models[0]);
  body = g_strdup_printf (ngettext ("An Ollama model server is running on this computer, with %u "
                                    "model, “%s”. Assay can use it to extract data more thoroughly "
                                    "than the built-in offline extractor, and documents stay on this "
                                    "computer. You can change this later in Preferences.",
                                    "An Ollama model server is running on this computer, with %u "
                                    "models, such as “%s”. Assay can use it to extract data more "
                                    "thoroughly than the built-in offline extractor, and documents "
                                    "stay on this computer. You can change this later in Preferences.",
                                    n),
                          n, offer->model);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (offer->parent,
                                                       _("Use Ollama on This Computer?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Offline"),
                                    "use", _("_Use Ollama"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "use", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "use");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_data (dialog, "response", G_CALLBACK (offer_response_cb),
                         g_steal_pointer (&offer), (GClosureNotify) (void (*) (void)) offer_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * assay_preferences_window_offer_local_ollama:
 * @parent: the window the question belongs to
 * @settings: the app's settings
 * @url: (nullable): where to look; %NULL: ASSAY_SETTINGS_LOCAL_OLLAMA_URL
 * @cancellable: (nullable): cancel it when @parent closes
 *
 * For the first start: when extraction is still offline and Ollama was
 * never offered, looks (asynchronously, briefly) for an Ollama server with
 * models at @url and, when one answers, asks whether to use it. Either
 * answer is remembered ("local-ollama-offered"), so it asks once.
 */
void
assay_preferences_window_offer_local_ollama (GtkWindow    *parent,
                                             GSettings    *settings,
                                             const char   *url,
                                             GCancellable *cancellable)
{
  Offer *offer;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (g_settings_get_boolean (settings, "local-ollama-offered") ||
      assay_settings_get_provider (settings) != ASSAY_SETTINGS_PROVIDER_OFFLINE)
    return;

  offer = g_new0 (Offer, 1);
  offer->parent = g_object_ref (parent);
  offer->settings = g_object_ref (settings);
  offer->url = g_strdup (url != NULL ? url : ASSAY_SETTINGS_LOCAL_OLLAMA_URL);
  assay_settings_probe_ollama_async (offer->url, cancellable, offer_probed_cb, offer);
}
