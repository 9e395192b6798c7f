/* assay-cluster-options.h — where the NATS server is and how to log in
 *
 * A plain value, copied freely. Secrets (password, token) come from the
 * environment or the keyring, never from the command line, and are wiped
 * when freed.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ASSAY_CLUSTER_ERROR (assay_cluster_error_quark ())

typedef enum
{
  ASSAY_CLUSTER_ERROR_UNREACHABLE,   /* no server at the URL answered */
  ASSAY_CLUSTER_ERROR_AUTH,          /* the server refused the credentials */
  ASSAY_CLUSTER_ERROR_CONFIG,        /* a bad URL, an unreadable creds or seed file */
  ASSAY_CLUSTER_ERROR_SERVER,        /* JetStream said no (no JetStream, limits) */
  ASSAY_CLUSTER_ERROR_TOO_LARGE,     /* past a message, object or stream limit */
  ASSAY_CLUSTER_ERROR_NOT_FOUND,     /* no such object */
  ASSAY_CLUSTER_ERROR_CORRUPT,       /* an object or message that does not check out */
} AssayClusterError;

#define ASSAY_TYPE_CLUSTER_OPTIONS (assay_cluster_options_get_type ())

typedef struct
{
  char  *url;                 /* nats://HOST:PORT or tls://HOST:PORT */
  char  *creds_file;          /* nullable: JWT + NKey seed (.creds) */
  char  *nkey_file;           /* nullable: a file holding an NKey seed */
  char  *user;                /* nullable: with password */
  char  *password;            /* nullable: secret */
  char  *token;               /* nullable: secret */
  char  *ca_file;             /* nullable: CA certificates (PEM) to trust */
  char  *name;                /* nullable: the connection's name on the server */
  guint  connect_timeout_ms;  /* 0: the default (5 s) */
} AssayClusterOptions;

GQuark               assay_cluster_error_quark      (void);
GType                assay_cluster_options_get_type (void) G_GNUC_CONST;
AssayClusterOptions *assay_cluster_options_new      (const char                *url);
AssayClusterOptions *assay_cluster_options_copy     (const AssayClusterOptions *options);
void                 assay_cluster_options_free     (AssayClusterOptions       *options);
void                 assay_cluster_options_read_env (AssayClusterOptions       *options);
char                *assay_cluster_options_dup_address (const AssayClusterOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayClusterOptions, assay_cluster_options_free)

G_END_DECLS
