/* assay-analysis.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-analysis"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay-analysis.h"
#include "assay-benford.h"
#include "assay-json.h"
#include "assay-minhash.h"
#include "assay-numbers.h"
#include "assay-stats.h"
#include "assay-verify.h"

#define HISTOGRAM_MAX_BINS 32
#define MAX_LISTED_OUTLIERS 50

/* The names of the result format's "by_kind", in AssayNumberKind order. */
static const char * const kind_names[] = {
  "plain",
  "amount",
  "percent",
  "year",
  "date",
  "page_number",
  "list_index",
  "identifier",
};

#define N_KINDS G_N_ELEMENTS (kind_names)

G_STATIC_ASSERT (ASSAY_NUMBER_IDENTIFIER + 1 == N_KINDS);

typedef struct
{
  guint    page;       /* 1-based */
  guint    numbers;
  guint    words;
  gboolean has_text;
} PageCounts;

typedef struct
{
  double  value;
  char   *raw;
  guint   page;        /* 1-based */
} Outlier;

/* Where a quantity was found, to quote the outliers' raw text. */
typedef struct
{
  guint page_slot;     /* index into text->pages */
  guint start;
  guint end;
} QuantityRef;

struct _AssayAnalysis
{
  guint64             n_numbers;
  guint64             by_kind[N_KINDS];
  AssayStats          stats;
  AssayHistogram     *histogram;
  AssayBenford        benford;
  AssayOutlierMethod  outlier_method;
  double              lower_fence;
  double              upper_fence;
  guint               n_outliers;
  GArray             *outliers;      /* Outlier, at most MAX_LISTED_OUTLIERS */
  GArray             *pages;         /* PageCounts */
  AssayVerifySummary  verification;
  AssayMinhash        signature;
};

static void
outlier_clear (gpointer data)
{
  Outlier *outlier = data;

  g_clear_pointer (&outlier->raw, g_free);
}

void
assay_analysis_free (AssayAnalysis *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->histogram, assay_histogram_free);
  g_clear_pointer (&self->outliers, g_array_unref);
  g_clear_pointer (&self->pages, g_array_unref);
  g_free (self);
}

static AssayAnalysis *
assay_analysis_new (void)
{
  AssayAnalysis *self = g_new0 (AssayAnalysis, 1);

  self->outliers = g_array_new (FALSE, FALSE, sizeof (Outlier));
  g_array_set_clear_func (self->outliers, outlier_clear);
  self->pages = g_array_new (FALSE, FALSE, sizeof (PageCounts));
  self->outlier_method = ASSAY_OUTLIER_IQR;
  self->lower_fence = NAN;
  self->upper_fence = NAN;
  assay_minhash_init (&self->signature);

  return self;
}

/* Whitespace-separated tokens that contain at least one letter or digit:
 * "12,5 %" is one word ("12,5"), "—" is none. Invalid UTF-8 bytes belong to
 * a token but are neither letters nor digits. */
static guint
count_words (const char *text,
             gsize       length)
{
  const char *p = text;
  const char *end = text + length;
  gboolean in_token = FALSE;
  gboolean counted = FALSE;
  guint words = 0;

  while (p < end)
    {
      guchar b = (guchar) *p;
      gboolean space, alnum;

      if (b < 0x80)
        {
          space = g_ascii_isspace (b);
          alnum = g_ascii_isalnum (b);
          p++;
        }
      else
        {
          gunichar c = g_utf8_get_char_validated (p, end - p);

          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              space = FALSE;
              alnum = FALSE;
              p++;
            }
          else
            {
              space = g_unichar_isspace (c);
              alnum = g_unichar_isalnum (c);
              p = g_utf8_next_char (p);
            }
        }

      if (space)
        {
          in_token = FALSE;
          continue;
        }

      if (!in_token)
        {
          in_token = TRUE;
          counted = FALSE;
        }
      if (alnum && !counted)
        {
          counted = TRUE;
          words++;
        }
    }

  return words;
}

typedef struct
{
  guint  index;        /* into the quantities */
  double distance;     /* from the median */
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a;
  const Ranked *y = b;

  if (x->distance != y->distance)
    return x->distance > y->distance ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* Lists the most extreme outliers (farthest from the median first), at most
 * MAX_LISTED_OUTLIERS, with their text as written. */
static void
list_outliers (AssayAnalysis      *self,
               const AssayPdfText *text,
               GArray             *quantities,
               GArray             *refs,
               GArray             *indices)
{
  g_autoptr(GArray) ranked = g_array_sized_new (FALSE, FALSE, sizeof (Ranked), indices->len);
  const double *values = (const double *) quantities->data;

  for (guint i = 0; i < indices->len; i++)
    {
      Ranked r;

      r.index = g_array_index (indices, guint, i);
      r.distance = fabs (values[r.index] - self->stats.median);
      g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);

  for (guint i = 0; i < MIN (ranked->len, MAX_LISTED_OUTLIERS); i++)
    {
      guint index = g_array_index (ranked, Ranked, i).index;
      const QuantityRef *ref = &g_array_index (refs, QuantityRef, index);
      const AssayPageText *page = g_ptr_array_index (text->pages, ref->page_slot);
      gsize length = strlen (page->text);
      Outlier outlier;

      outlier.value = values[index];
      outlier.page = page->index + 1;
      if (ref->start <= ref->end && ref->end <= length)
        outlier.raw = g_strndup (page->text + ref->start, ref->end - ref->start);
      else
        outlier.raw = NULL;
      g_array_append_val (self->outliers, outlier);
    }
}

/**
 * assay_analyse:
 * @text: (transfer none): the document's text, read-only
 * @extraction: (nullable) (inout): its extraction; its figures and numeric
 *   fields get their `verified` state. When %NULL, nothing is verified and
 *   the verification summary is all zeros.
 * @cancellable: (nullable): checked before each page
 *
 * Scans every page for numbers (one pass, linear in the text), counts words
 * and numbers per page, builds the MinHash signature of the word shingles
 * page by page, then computes statistics, a histogram of at most 32 bins,
 * Benford's first-digit test and IQR outliers over the quantities (plain
 * numbers, amounts and percentages with a finite value), and verifies the
 * extraction against the pages.
 *
 * Returns: (transfer full) (nullable): the analysis, or %NULL with
 *   %G_IO_ERROR_CANCELLED. Any thread; @text and @extraction must not change
 *   meanwhile.
 */
AssayAnalysis *
assay_analyse (const AssayPdfText  *text,
               AssayExtraction     *extraction,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(AssayAnalysis) self = NULL;
  g_autoptr(GArray) quantities = NULL;
  g_autoptr(GArray) refs = NULL;
  g_autoptr(GArray) outlier_indices = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = assay_analysis_new ();
  quantities = g_array_new (FALSE, FALSE, sizeof (double));
  refs = g_array_new (FALSE, FALSE, sizeof (QuantityRef));
  g_array_set_size (self->pages, text->pages->len);

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      PageCounts *counts = &g_array_index (self->pages, PageCounts, i);
      g_autoptr(GArray) numbers = NULL;
      gsize length;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      length = strlen (page->text);
      numbers = assay_numbers_scan (page->text, length);

      counts->page = page->index + 1;
      counts->numbers = numbers != NULL ? numbers->len : 0;
      counts->words = count_words (page->text, length);
      counts->has_text = page->has_text_layer;

      for (guint j = 0; numbers != NULL && j < numbers->len; j++)
        {
          const AssayNumber *number = &g_array_index (numbers, AssayNumber, j);

          self->n_numbers++;
          if ((guint) number->kind < N_KINDS)
            self->by_kind[number->kind]++;

          if (assay_number_kind_is_quantity (number->kind) && isfinite (number->value))
            {
              QuantityRef ref = { i, number->start, number->end };

              g_array_append_val (quantities, number->value);
              g_array_append_val (refs, ref);
            }
        }

      assay_minhash_add_text (&self->signature, page->text, length);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (extraction != NULL)
    {
      g_autoptr(AssayPageNumbers) page_numbers = assay_page_numbers_new (text);

      assay_verify_extraction (extraction, page_numbers, &self->verification);
    }

  assay_stats_compute ((const double *) quantities->data, quantities->len, &self->stats);
  self->histogram = assay_histogram_new ((const double *) quantities->data, quantities->len,
                                         HISTOGRAM_MAX_BINS);
  assay_benford_compute ((const double *) quantities->data, quantities->len, &self->benford);

  outlier_indices = assay_outliers_find ((const double *) quantities->data, quantities->len,
                                         self->outlier_method,
                                         &self->lower_fence, &self->upper_fence);
  self->n_outliers = outlier_indices->len;
  list_outliers (self, text, quantities, refs, outlier_indices);

  return g_steal_pointer (&self);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* A statistic of no value at all (the mean of nothing) is null, not 0. */
static void
add_statistic (JsonBuilder *builder,
               const char  *name,
               double       value,
               gboolean     defined)
{
  assay_json_builder_add_number (builder, name, defined ? value : NAN);
}

static void
add_numbers (const AssayAnalysis *self,
             JsonBuilder         *builder)
{
  const AssayStats *stats = &self->stats;
  gboolean defined = stats->count > 0;

  json_builder_set_member_name (builder, "numbers");
  json_builder_begin_object (builder);
  add_int (builder, "count", (gint64) self->n_numbers);

  json_builder_set_member_name (builder, "by_kind");
  json_builder_begin_object (builder);
  for (guint k = 0; k < N_KINDS; k++)
    add_int (builder, kind_names[k], (gint64) self->by_kind[k]);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "stats");
  json_builder_begin_object (builder);
  add_int (builder, "count", (gint64) stats->count);
  assay_json_builder_add_number (builder, "sum", stats->sum);
  add_statistic (builder, "mean", stats->mean, defined);
  add_statistic (builder, "median", stats->median, defined);
  add_statistic (builder, "q1", stats->q1, defined);
  add_statistic (builder, "q3", stats->q3, defined);
  add_statistic (builder, "stddev", stats->stddev, defined);
  add_statistic (builder, "min", stats->min, defined);
  add_statistic (builder, "max", stats->max, defined);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
}

static void
add_histogram (const AssayAnalysis *self,
               JsonBuilder         *builder)
{
  const AssayHistogram *h = self->histogram;

  json_builder_set_member_name (builder, "histogram");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scale");
  json_builder_add_string_value (builder, h->log_scale ? "log" : "linear");

  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  for (guint i = 0; h->n_bins > 0 && i <= h->n_bins; i++)
    json_builder_add_double_value (builder, h->edges[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < h->n_bins; i++)
    json_builder_add_int_value (builder, (gint64) h->counts[i]);
  json_builder_end_array (builder);

  add_int (builder, "excluded", (gint64) h->n_excluded);
  json_builder_end_object (builder);
}

static void
add_benford (const AssayAnalysis *self,
             JsonBuilder         *builder)
{
  const AssayBenford *b = &self->benford;

  json_builder_set_member_name (builder, "benford");
  json_builder_begin_object (builder);
  add_int (builder, "n", (gint64) b->n);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_array (builder);
  for (guint d = 0; d < 9; d++)
    json_builder_add_int_value (builder, (gint64) b->counts[d]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "observed");
  json_builder_begin_array (builder);
  for (guint d = 0; d < 9; d++)
    json_builder_add_double_value (builder, b->observed[d]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "expected");
  json_builder_begin_array (builder);
  for (guint d = 0; d < 9; d++)
    json_builder_add_double_value (builder, b->expected[d]);
  json_builder_end_array (builder);

  assay_json_builder_add_number (builder, "chi_square", b->chi_square);
  assay_json_builder_add_number (builder, "p_value", b->p_value);
  assay_json_builder_add_number (builder, "mad", b->mad);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, assay_benford_verdict_to_string (b->verdict));
  json_builder_end_object (builder);
}

static void
add_outliers (const AssayAnalysis *self,
              JsonBuilder         *builder)
{
  json_builder_set_member_name (builder, "outliers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, assay_outlier_method_to_string (self->outlier_method));
  assay_json_builder_add_number (builder, "lower_fence", self->lower_fence);
  assay_json_builder_add_number (builder, "upper_fence", self->upper_fence);

  json_builder_set_member_name (builder, "values");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->outliers->len; i++)
    {
      const Outlier *outlier = &g_array_index (self->outliers, Outlier, i);

      json_builder_begin_object (builder);
      assay_json_builder_add_number (builder, "value", outlier->value);
      json_builder_set_member_name (builder, "raw");
      if (outlier->raw != NULL)
        json_builder_add_string_value (builder, outlier->raw);
      else
        json_builder_add_null_value (builder);
      add_int (builder, "page", outlier->page);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_int (builder, "count", self->n_outliers);
  json_builder_end_object (builder);
}

static void
add_pages (const AssayAnalysis *self,
           JsonBuilder         *builder)
{
  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pages->len; i++)
    {
      const PageCounts *page = &g_array_index (self->pages, PageCounts, i);

      json_builder_begin_object (builder);
      add_int (builder, "page", page->page);
      add_int (builder, "numbers", page->numbers);
      add_int (builder, "words", page->words);
      json_builder_set_member_name (builder, "has_text");
      json_builder_add_boolean_value (builder, page->has_text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * assay_analysis_to_json:
 *
 * Returns: (transfer full): the "analysis" object of the result format
 *   (docs/result-schema.md). Numbers that do not exist (the mean of no
 *   value, the fences of no value) are null. Any thread.
 */
JsonNode *
assay_analysis_to_json (const AssayAnalysis *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *signature = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_numbers (self, builder);
  add_histogram (self, builder);
  add_benford (self, builder);
  add_outliers (self, builder);
  add_pages (self, builder);

  json_builder_set_member_name (builder, "verification");
  json_builder_begin_object (builder);
  add_int (builder, "total", self->verification.total);
  add_int (builder, "verified", self->verification.verified);
  add_int (builder, "unverified", self->verification.unverified);
  add_int (builder, "wrong_page", self->verification.wrong_page);
  json_builder_end_object (builder);

  signature = assay_minhash_to_string (&self->signature);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * assay_analysis_get_signature:
 *
 * Returns: (transfer none): the MinHash signature of the document's word
 *   shingles, valid while @self lives.
 */
const AssayMinhash *
assay_analysis_get_signature (const AssayAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->signature;
}

/**
 * assay_analysis_get_verification:
 *
 * Returns: (transfer none): the verification summary (all zeros when no
 *   extraction was given), valid while @self lives.
 */
const AssayVerifySummary *
assay_analysis_get_verification (const AssayAnalysis *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->verification;
}
