/* assay-cli-output.h — the headless run's JSON or CSV output
 *
 * Results are serialised and spooled to an unlinked temporary file by a
 * writer thread as documents finish, and the corpus view is fed from the
 * same thread, so the main loop never formats or writes large bodies and
 * memory stays flat however many documents there are. finish() writes the
 * output in the order the documents were given.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_CLI_FORMAT_JSON,
  ASSAY_CLI_FORMAT_CSV,
} AssayCliFormat;

typedef struct
{
  const char *template_name;
  const char *extractor_id;
  guint       n_documents;
  guint       n_done;
  guint       n_failed;
  guint       n_needs_password;
  guint       n_cancelled;
  guint       n_cached;
  guint       n_duplicates;
  gint64      prompt_tokens;      /* model usage over the run; 0 offline */
  gint64      completion_tokens;
} AssayCliSummary;

typedef struct _AssayCliOutput AssayCliOutput;

AssayCliOutput *assay_cli_output_new           (AssayCliFormat          format,
                                                const char             *path,
                                                GError                **error);
void            assay_cli_output_free          (AssayCliOutput         *self);
void            assay_cli_output_add_document  (AssayCliOutput         *self,
                                                guint                   index,
                                                JsonNode               *result,
                                                GBytes                 *text);
void            assay_cli_output_add_skipped   (AssayCliOutput         *self,
                                                const char             *path,
                                                const char             *reason);
void            assay_cli_output_finish_async  (AssayCliOutput         *self,
                                                const AssayCliSummary  *summary,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean        assay_cli_output_finish_finish (AssayCliOutput         *self,
                                                GAsyncResult           *result,
                                                GError                **error);
guint           assay_cli_output_get_backlog   (AssayCliOutput         *self);
void            assay_cli_output_set_drained_func (AssayCliOutput      *self,
                                                guint                   low_water,
                                                GSourceFunc             func,
                                                gpointer                user_data);
void            assay_cli_output_set_charts_dir (AssayCliOutput        *self,
                                                 const char            *dir);
const GError   *assay_cli_output_get_charts_error (AssayCliOutput      *self);
char           *assay_cli_csv_escape           (const char             *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayCliOutput, assay_cli_output_free)

G_END_DECLS
