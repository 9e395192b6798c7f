/* assay-charts-corpus.h — the charts of all the documents of a session
 *
 * A summary per document (AssayChartsCorpusDoc: its key figures, first-digit
 * counts and verification, copied out of its result once, immutable after),
 * and from a list of them the dashboard's charts: one key figure across
 * documents over time (by period), totals by document, Benford over the
 * whole corpus, verification rate by document, near-duplicate groups. No
 * GTK. The dashboard and `assay --headless --charts` build the very same
 * charts from it (assay_charts_export_corpus()). Summaries are made
 * on the main thread from a loaded result; the charts are built on any
 * thread (the dashboard builds them on the worker pool).
 */
#pragma once

#include "assay-chart-palette.h"
#include "assay-chart-spec.h"
#include "assay-document-result.h"

G_BEGIN_DECLS

/* As `assay --headless` groups `near_duplicate_groups`. */
#define ASSAY_CHARTS_CORPUS_DUPLICATE_THRESHOLD 0.75

typedef struct _AssayChartsCorpusDoc AssayChartsCorpusDoc;

AssayChartsCorpusDoc *assay_charts_corpus_doc_new_from_result (AssayDocumentResult  *result);
AssayChartsCorpusDoc *assay_charts_corpus_doc_ref             (AssayChartsCorpusDoc *doc);
void                  assay_charts_corpus_doc_unref           (AssayChartsCorpusDoc *doc);
const char           *assay_charts_corpus_doc_get_sha256      (AssayChartsCorpusDoc *doc);
const char           *assay_charts_corpus_doc_get_name        (AssayChartsCorpusDoc *doc);

/* A group of near-duplicates; indices are positions in the list built over. */
typedef struct
{
  guint   representative;   /* the group's first document */
  guint   n_members;        /* the others */
  guint  *members;          /* n_members, in list order */
  double *similarities;     /* n_members, estimated Jaccard similarity to the representative */
} AssayChartsCorpusGroup;

typedef struct
{
  AssayChartSpec *over_time;      /* the chosen key figure across documents */
  AssayChartSpec *totals;         /* each document's "total…" figures summed */
  AssayChartSpec *benford;        /* first digits of every document's numbers */
  AssayChartSpec *verification;   /* share of each document's figures found on their page */
  AssayChartSpec *near_duplicates; /* each group member's similarity to its representative */
  GArray         *groups;         /* AssayChartsCorpusGroup, by representative */
  char          **label_keys;     /* labels found, most documents first (normalised) */
  char          **label_names;    /* the same as first written */
  char           *label;          /* the key charted over time (nullable) */
  guint           n_documents;
  guint           n_figures;
  guint           n_checked;      /* extracted numbers checked against their page */
  guint           n_verified;     /* of those, found there */
} AssayChartsCorpus;

AssayChartsCorpus    *assay_charts_corpus_build               (GPtrArray            *docs,
                                                               const char           *label);
void                  assay_charts_corpus_free                (AssayChartsCorpus    *corpus);
gboolean              assay_charts_corpus_parse_period        (const char           *period,
                                                               double               *seconds);
AssayChartSpec       *assay_charts_corpus_get_chart           (AssayChartsCorpus    *corpus,
                                                               const char           *id);
gboolean              assay_charts_export_corpus              (AssayChartsCorpus       *corpus,
                                                               const char              *dir,
                                                               const AssayChartPalette *palette,
                                                               GPtrArray               *written,
                                                               GError                 **error);

/* The chart ids, in the dashboard's order: files are named corpus-ID.svg/.png. */
extern const char * const assay_charts_corpus_ids[];
#define ASSAY_CHARTS_CORPUS_N_CHARTS 5

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartsCorpusDoc, assay_charts_corpus_doc_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayChartsCorpus, assay_charts_corpus_free)

G_END_DECLS
