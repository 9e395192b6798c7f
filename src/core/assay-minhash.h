/* assay-minhash.h — near-duplicate detection with MinHash and LSH banding
 *
 * A signature summarises a document's set of word shingles; the Jaccard
 * similarity of two sets is estimated by the fraction of equal slots. The
 * index buckets signatures by bands and groups near-duplicates around
 * representatives in about n log n time and linear memory, rather than by
 * comparing, or listing, every pair.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ASSAY_MINHASH_SIZE 128   /* 16 bands of 8 rows */

typedef struct
{
  guint32 slots[ASSAY_MINHASH_SIZE];
  guint32 n_shingles;            /* 0: empty document, similarity undefined */
} AssayMinhash;

/* Bounds on the work per signature when grouping (see find_groups). */
#define ASSAY_MINHASH_MAX_TRIES 8    /* comparisons per signature and band, and representatives tried */
#define ASSAY_MINHASH_MAX_SCAN 64    /* bucket neighbours looked at per signature and band */

typedef struct
{
  guint  id;                     /* a member, as given to assay_minhash_index_add */
  guint  representative;         /* its group's representative; id itself for that one */
  double similarity;             /* estimated Jaccard similarity to the representative */
} AssayMinhashMember;

typedef struct _AssayMinhashIndex AssayMinhashIndex;

void                assay_minhash_init          (AssayMinhash        *self);
void                assay_minhash_add_text      (AssayMinhash        *self,
                                                 const char          *text,
                                                 gsize                length);
double              assay_minhash_similarity    (const AssayMinhash  *a,
                                                 const AssayMinhash  *b);
char               *assay_minhash_to_string     (const AssayMinhash  *self);
gboolean            assay_minhash_from_string   (AssayMinhash        *self,
                                                 const char          *str);

AssayMinhashIndex  *assay_minhash_index_new     (void);
void                assay_minhash_index_free    (AssayMinhashIndex   *self);
void                assay_minhash_index_add     (AssayMinhashIndex   *self,
                                                 guint                id,
                                                 const AssayMinhash  *signature);
GArray             *assay_minhash_index_find_groups (AssayMinhashIndex *self,
                                                     double             threshold);
guint64             assay_minhash_index_get_n_comparisons (AssayMinhashIndex *self);
guint               assay_minhash_index_get_size (AssayMinhashIndex *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayMinhashIndex, assay_minhash_index_free)

G_END_DECLS
