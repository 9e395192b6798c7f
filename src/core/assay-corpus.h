/* assay-corpus.h — analysis across all documents of a run
 *
 * Fed one document result (the JSON of docs/result-schema.md) at a time, it
 * keeps only what it needs — figures, totals and the MinHash signature — so
 * memory grows with the figures, not the text. assay_corpus_to_json()
 * aggregates key figures by label and by period, totals by document, and
 * groups near-duplicate documents with an LSH index (n log n time, linear
 * memory, output linear in the documents).
 * Not thread-safe: one thread at a time; computing is meant for a worker.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _AssayCorpus AssayCorpus;

AssayCorpus *assay_corpus_new          (void);
void         assay_corpus_free         (AssayCorpus *self);
void         assay_corpus_add_result   (AssayCorpus *self,
                                        JsonNode    *document_result);
void         assay_corpus_add_result_at (AssayCorpus *self,
                                         guint        position,
                                         JsonNode    *document_result);
guint        assay_corpus_get_n_documents (AssayCorpus *self);
JsonNode    *assay_corpus_to_json      (AssayCorpus *self,
                                        double       duplicate_threshold);

typedef gboolean (*AssayCorpusWriteFunc) (const char  *text,
                                          gsize        length,
                                          gpointer     user_data,
                                          GError     **error);

gboolean     assay_corpus_write        (AssayCorpus           *self,
                                        double                 duplicate_threshold,
                                        AssayCorpusWriteFunc   func,
                                        gpointer               user_data,
                                        GError               **error);

char        *assay_corpus_normalise_label (const char *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayCorpus, assay_corpus_free)

G_END_DECLS
