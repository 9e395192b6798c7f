/* assay-store.h — results kept on disk
 *
 * Each result is a JSON file under $XDG_DATA_HOME/assay/results, keyed by the
 * document's content hash, the template and the extractor. Writes are atomic
 * (temporary file, fsync, rename): a process killed at any moment leaves the
 * old file or the new one, never a partial one. A file that does not parse is
 * treated as absent. Blocking calls: run them on a worker thread.
 *
 * Each file holds the result's digest (what a run needs of it: see
 * assay_store_load_digest()) and then the result, each one line of compact
 * JSON, so that a cached run parses the digest and copies the result's text
 * without parsing it.
 *
 * load() fails with G_IO_ERROR_NOT_FOUND for a missing result and with
 * G_IO_ERROR_INVALID_DATA for a damaged one (which it removes): both are
 * cache misses. save() refuses a node that load() would reject (an object
 * whose "result_version" starts with "assay-result/"). Any thread, any key.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_STORE (assay_store_get_type ())
G_DECLARE_FINAL_TYPE (AssayStore, assay_store, ASSAY, STORE, GObject)

AssayStore *assay_store_new          (const char   *directory);
AssayStore *assay_store_new_default  (void);
const char *assay_store_get_directory (AssayStore  *self);
char       *assay_store_dup_key      (AssayStore   *self,
                                      const char   *sha256,
                                      const char   *template_key,
                                      const char   *extractor_id);
JsonNode   *assay_store_load         (AssayStore   *self,
                                      const char   *key,
                                      GCancellable *cancellable,
                                      GError      **error);
JsonNode   *assay_store_load_full    (AssayStore   *self,
                                      const char   *key,
                                      GBytes      **text,
                                      GCancellable *cancellable,
                                      GError      **error);
JsonNode   *assay_store_load_digest  (AssayStore   *self,
                                      const char   *key,
                                      GBytes      **text,
                                      GCancellable *cancellable,
                                      GError      **error);
gboolean    assay_store_save_full    (AssayStore   *self,
                                      const char   *key,
                                      JsonNode     *result,
                                      GBytes      **text,
                                      GCancellable *cancellable,
                                      GError      **error);
gboolean    assay_store_save         (AssayStore   *self,
                                      const char   *key,
                                      JsonNode     *result,
                                      GCancellable *cancellable,
                                      GError      **error);
gboolean    assay_store_save_text    (AssayStore   *self,
                                      const char   *key,
                                      JsonNode     *digest,
                                      GBytes       *text,
                                      GCancellable *cancellable,
                                      GError      **error);
JsonNode   *assay_store_make_digest  (JsonNode     *result,
                                      gsize         length);
gboolean    assay_store_digest_describes (JsonNode   *digest,
                                          const char *text,
                                          gsize       length);

G_END_DECLS
