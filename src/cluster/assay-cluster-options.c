/* assay-cluster-options.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-options"

#include "config.h"

#include <string.h>

#include "assay-cluster-options.h"

G_DEFINE_QUARK (assay-cluster-error-quark, assay_cluster_error)

G_DEFINE_BOXED_TYPE (AssayClusterOptions, assay_cluster_options,
                     assay_cluster_options_copy, assay_cluster_options_free)

static void
free_secret (char **secret)
{
  if (*secret == NULL)
    return;

  explicit_bzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

/**
 * assay_cluster_options_new:
 * @url: the server, `nats://HOST:PORT` or `tls://HOST:PORT`
 *
 * Returns: (transfer full): options with @url and no credentials
 */
AssayClusterOptions *
assay_cluster_options_new (const char *url)
{
  AssayClusterOptions *options;

  g_return_val_if_fail (url != NULL, NULL);

  options = g_new0 (AssayClusterOptions, 1);
  options->url = g_strdup (url);

  return options;
}

AssayClusterOptions *
assay_cluster_options_copy (const AssayClusterOptions *options)
{
  AssayClusterOptions *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_new0 (AssayClusterOptions, 1);
  copy->url = g_strdup (options->url);
  copy->creds_file = g_strdup (options->creds_file);
  copy->nkey_file = g_strdup (options->nkey_file);
  copy->user = g_strdup (options->user);
  copy->password = g_strdup (options->password);
  copy->token = g_strdup (options->token);
  copy->ca_file = g_strdup (options->ca_file);
  copy->name = g_strdup (options->name);
  copy->connect_timeout_ms = options->connect_timeout_ms;

  return copy;
}

void
assay_cluster_options_free (AssayClusterOptions *options)
{
  if (options == NULL)
    return;

  g_free (options->url);
  g_free (options->creds_file);
  g_free (options->nkey_file);
  g_free (options->user);
  free_secret (&options->password);
  free_secret (&options->token);
  g_free (options->ca_file);
  g_free (options->name);
  g_free (options);
}

/**
 * assay_cluster_options_read_env:
 *
 * Takes the password from `$ASSAY_NATS_PASSWORD` and the token from
 * `$ASSAY_NATS_TOKEN` when they are set and not already given.
 */
void
assay_cluster_options_read_env (AssayClusterOptions *options)
{
  const char *password = g_getenv ("ASSAY_NATS_PASSWORD");
  const char *token = g_getenv ("ASSAY_NATS_TOKEN");

  g_return_if_fail (options != NULL);

  if (options->password == NULL && password != NULL && *password != '\0')
    options->password = g_strdup (password);
  if (options->token == NULL && token != NULL && *token != '\0')
    options->token = g_strdup (token);
}

/**
 * assay_cluster_options_dup_address:
 *
 * The server's "HOST:PORT" for messages, without scheme or user info.
 *
 * Returns: (transfer full): such as "127.0.0.1:4222"
 */
char *
assay_cluster_options_dup_address (const AssayClusterOptions *options)
{
  const char *start;
  const char *at;
  const char *end;

  g_return_val_if_fail (options != NULL, NULL);

  start = strstr (options->url, "://");
  start = start != NULL ? start + 3 : options->url;
  end = start + strcspn (start, "/,");
  at = memchr (start, '@', end - start);
  if (at != NULL)
    start = at + 1;

  return g_strndup (start, end - start);
}
