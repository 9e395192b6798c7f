/* assay-minhash.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-minhash"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "assay-minhash.h"

#define SHINGLE_WORDS 5
#define N_BANDS 16
#define BAND_ROWS (ASSAY_MINHASH_SIZE / N_BANDS)

G_STATIC_ASSERT (N_BANDS * BAND_ROWS == ASSAY_MINHASH_SIZE);

/* "mh1:" + base64 of 128 little-endian slots and the shingle count. */
#define STRING_PREFIX "mh1:"
#define STRING_BYTES ((ASSAY_MINHASH_SIZE + 1) * 4)
#define STRING_BASE64_LEN (((STRING_BYTES + 2) / 3) * 4)

/* Odd 64-bit constants (from the fractional parts of √2, √3 and the
 * golden ratio) for multiplicative mixing. */
#define MIX_A G_GUINT64_CONSTANT (0x6a09e667f3bcc909)
#define MIX_B G_GUINT64_CONSTANT (0xbb67ae8584caa73b)
#define MIX_GOLDEN G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME G_GUINT64_CONSTANT (0x100000001b3)

/* The index keeps the signatures only. Bands are bucketed when pairs are
 * asked for, one band at a time, by sorting (band key, entry) pairs: the
 * memory that needs is 16 bytes per document for one band, where a hash
 * table of buckets per band cost about 1.5 KiB per document. */
struct _AssayMinhashIndex
{
  GArray     *entries;        /* Entry */
  guint64     n_comparisons;  /* candidate pairs whose similarity was computed */
};

typedef struct
{
  guint        id;
  AssayMinhash signature;
} Entry;

typedef struct
{
  guint64 key;
  guint   entry;
} BandKey;

/* A bijective 64-bit finaliser (xor-shift-multiply). */
static inline guint64
mix64 (guint64 x)
{
  x ^= x >> 31;
  x *= MIX_A;
  x ^= x >> 29;
  x *= MIX_B;
  x ^= x >> 32;
  return x;
}

/* The 128 seeds, derived once from a fixed sequence so that signatures
 * are stable across runs and machines (they are stored). */
static const guint64 *
get_seeds (void)
{
  static guint64 seeds[ASSAY_MINHASH_SIZE];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint i = 0; i < ASSAY_MINHASH_SIZE; i++)
        seeds[i] = mix64 ((i + 1) * MIX_GOLDEN);
      g_once_init_leave (&initialised, 1);
    }

  return seeds;
}

/**
 * assay_minhash_init:
 * @self: (out caller-allocates): the signature
 *
 * Makes @self the signature of an empty document. Any thread.
 */
void
assay_minhash_init (AssayMinhash *self)
{
  g_return_if_fail (self != NULL);

  memset (self->slots, 0xff, sizeof self->slots);
  self->n_shingles = 0;
}

static void
add_shingle (AssayMinhash   *self,
             const guint64  *seeds,
             guint64         shingle)
{
  /* One good 64-bit hash of the shingle, then a cheap xor-multiply per
   * slot; the high half of the product is the best-mixed part. */
  for (guint i = 0; i < ASSAY_MINHASH_SIZE; i++)
    {
      guint64 h = (shingle ^ seeds[i]) * MIX_B;
      guint32 v;

      h ^= h >> 29;
      v = (guint32) ((h * MIX_A) >> 32);
      if (v < self->slots[i])
        self->slots[i] = v;
    }

  if (self->n_shingles < G_MAXUINT32)
    self->n_shingles++;
}

static guint64
hash_window (const guint64 *ring,
             guint          next,
             guint          n)
{
  guint64 h = n;

  /* Oldest first: ring[next] is the oldest when the ring is full. */
  for (guint i = 0; i < n; i++)
    h = mix64 (h ^ ring[(next + SHINGLE_WORDS - n + i) % SHINGLE_WORDS]) + MIX_GOLDEN;

  return h;
}

/**
 * assay_minhash_add_text:
 * @text: (array length=length): UTF-8 text; invalid bytes separate words
 * @length: its length in bytes
 *
 * Adds the shingles of @text: runs of 5 consecutive words, a word being a
 * run of letters and digits, lower-cased. A text of 1 to 4 words gives one
 * shingle of what there is. Shingles do not span two calls, so a document
 * may be added page by page. O(length). Any thread.
 */
void
assay_minhash_add_text (AssayMinhash *self,
                        const char   *text,
                        gsize         length)
{
  const guint64 *seeds = get_seeds ();
  guint64 ring[SHINGLE_WORDS];
  guint64 word = FNV_OFFSET;
  gboolean in_word = FALSE;
  guint next = 0;
  gsize n_words = 0;
  const char *p;
  const char *end;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || length == 0);

  p = text;
  end = text + length;

  /* Reads one character past the end as a separator to close a last word. */
  while (p <= end)
    {
      gunichar c = 0;
      gboolean is_word_char = FALSE;

      if (p < end)
        {
          guchar b = (guchar) *p;

          if (b < 0x80)
            {
              c = g_ascii_tolower (b);
              is_word_char = g_ascii_isalnum (b);
              p++;
            }
          else
            {
              c = g_utf8_get_char_validated (p, end - p);
              if (c == (gunichar) -1 || c == (gunichar) -2)
                {
                  p++;
                }
              else
                {
                  p = g_utf8_next_char (p);
                  is_word_char = g_unichar_isalnum (c);
                  c = g_unichar_tolower (c);
                }
            }
        }
      else
        p++;

      if (is_word_char)
        {
          word = (word ^ c) * FNV_PRIME;
          in_word = TRUE;
        }
      else if (in_word)
        {
          ring[next] = word;
          next = (next + 1) % SHINGLE_WORDS;
          n_words++;
          if (n_words >= SHINGLE_WORDS)
            add_shingle (self, seeds, hash_window (ring, next, SHINGLE_WORDS));
          word = FNV_OFFSET;
          in_word = FALSE;
        }
    }

  if (n_words > 0 && n_words < SHINGLE_WORDS)
    add_shingle (self, seeds, hash_window (ring, next, (guint) n_words));
}

/**
 * assay_minhash_similarity:
 *
 * Returns: the estimated Jaccard similarity of the two shingle sets, the
 *   fraction of equal slots in [0, 1]; 0 when either document is empty.
 *   Any thread.
 */
double
assay_minhash_similarity (const AssayMinhash *a,
                          const AssayMinhash *b)
{
  guint equal = 0;

  g_return_val_if_fail (a != NULL, 0.0);
  g_return_val_if_fail (b != NULL, 0.0);

  if (a->n_shingles == 0 || b->n_shingles == 0)
    return 0.0;

  for (guint i = 0; i < ASSAY_MINHASH_SIZE; i++)
    equal += a->slots[i] == b->slots[i];

  return (double) equal / ASSAY_MINHASH_SIZE;
}

/**
 * assay_minhash_to_string:
 *
 * Returns: (transfer full): "mh1:" followed by the base64 of the 128 slots
 *   and the shingle count, each as 4 little-endian bytes. Any thread.
 */
char *
assay_minhash_to_string (const AssayMinhash *self)
{
  guint8 bytes[STRING_BYTES];
  g_autofree char *encoded = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i <= ASSAY_MINHASH_SIZE; i++)
    {
      guint32 v = i < ASSAY_MINHASH_SIZE ? self->slots[i] : self->n_shingles;

      bytes[i * 4] = v & 0xff;
      bytes[i * 4 + 1] = (v >> 8) & 0xff;
      bytes[i * 4 + 2] = (v >> 16) & 0xff;
      bytes[i * 4 + 3] = (v >> 24) & 0xff;
    }

  encoded = g_base64_encode (bytes, sizeof bytes);
  return g_strconcat (STRING_PREFIX, encoded, NULL);
}

/**
 * assay_minhash_from_string:
 * @self: (out caller-allocates): the signature
 * @str: what assay_minhash_to_string() wrote
 *
 * Returns: %TRUE when @str was a valid signature; otherwise %FALSE and
 *   @self is the empty signature. Any thread.
 */
gboolean
assay_minhash_from_string (AssayMinhash *self,
                           const char   *str)
{
  g_autofree guint8 *bytes = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);

  assay_minhash_init (self);

  if (str == NULL || !g_str_has_prefix (str, STRING_PREFIX))
    return FALSE;

  data = str + strlen (STRING_PREFIX);
  if (strlen (data) != STRING_BASE64_LEN)
    return FALSE;

  /* g_base64_decode() does not validate: check the alphabet first. */
  for (gsize i = 0; i < STRING_BASE64_LEN; i++)
    {
      char c = data[i];

      if (!(g_ascii_isalnum (c) || c == '+' || c == '/' ||
            (c == '=' && i >= STRING_BASE64_LEN - 2)))
        return FALSE;
    }

  bytes = g_base64_decode (data, &length);
  if (length != STRING_BYTES)
    return FALSE;

  for (guint i = 0; i <= ASSAY_MINHASH_SIZE; i++)
    {
      guint32 v = (guint32) bytes[i * 4] |
                  (guint32) bytes[i * 4 + 1] << 8 |
                  (guint32) bytes[i * 4 + 2] << 16 |
                  (guint32) bytes[i * 4 + 3] << 24;

      if (i < ASSAY_MINHASH_SIZE)
        self->slots[i] = v;
      else
        self->n_shingles = v;
    }

  return TRUE;
}

/**
 * assay_minhash_index_new:
 *
 * Returns: (transfer full): an empty LSH index of 16 bands of 8 rows: two
 *   signatures become a candidate pair when all 8 slots of some band are
 *   equal, which for a Jaccard similarity s happens with probability
 *   1 − (1 − s⁸)¹⁶ (0.97 at s = 0.8, 0.06 at s = 0.5). One thread at a time.
 */
AssayMinhashIndex *
assay_minhash_index_new (void)
{
  AssayMinhashIndex *self = g_new0 (AssayMinhashIndex, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  return self;
}

void
assay_minhash_index_free (AssayMinhashIndex *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->entries, g_array_unref);
  g_free (self);
}

static guint64
band_key (const AssayMinhash *signature,
          guint               band)
{
  guint64 h = mix64 ((band + 1) * MIX_GOLDEN);

  for (guint r = 0; r < BAND_ROWS; r += 2)
    {
      guint64 two = (guint64) signature->slots[band * BAND_ROWS + r] << 32 |
                    signature->slots[band * BAND_ROWS + r + 1];

      h = mix64 (h ^ two) + MIX_GOLDEN;
    }

  return h;
}

/**
 * assay_minhash_index_add:
 * @id: the caller's id for the document, reported by find_pairs; give each
 *   document its own
 * @signature: (transfer none): copied
 *
 * Empty signatures (no shingles) are not indexed: they resemble nothing.
 */
void
assay_minhash_index_add (AssayMinhashIndex  *self,
                         guint               id,
                         const AssayMinhash *signature)
{
  Entry entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (signature != NULL);

  if (signature->n_shingles == 0)
    return;

  entry.id = id;
  entry.signature = *signature;
  g_array_append_val (self->entries, entry);
}

static int
compare_band_keys (gconstpointer a,
                   gconstpointer b)
{
  const BandKey *x = a;
  const BandKey *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->entry > y->entry) - (x->entry < y->entry);
}

static int
compare_guint64 (gconstpointer a,
                 gconstpointer b)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const AssayMinhashPair *x = a;
  const AssayMinhashPair *y = b;

  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return (x->b > y->b) - (x->b < y->b);
}

/**
 * assay_minhash_index_find_pairs:
 * @threshold: the least estimated similarity to report
 *
 * Gathers the pairs that share an LSH bucket, computes each distinct
 * candidate's estimated similarity once, and keeps those at or above
 * @threshold. Work grows with the number of candidates, not with all
 * n² pairs; see assay_minhash_index_get_n_comparisons().
 *
 * Returns: (transfer full) (element-type AssayMinhashPair): each pair once,
 *   with a < b, sorted by a then b.
 */
GArray *
assay_minhash_index_find_pairs (AssayMinhashIndex *self,
                                double             threshold)
{
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GArray) keys = NULL;
  GArray *pairs;

  g_return_val_if_fail (self != NULL, NULL);

  pairs = g_array_new (FALSE, FALSE, sizeof (AssayMinhashPair));
  candidates = g_array_new (FALSE, FALSE, sizeof (guint64));
  keys = g_array_sized_new (FALSE, FALSE, sizeof (BandKey), self->entries->len);

  for (guint band = 0; band < N_BANDS; band++)
    {
      g_array_set_size (keys, self->entries->len);
      for (guint i = 0; i < self->entries->len; i++)
        {
          BandKey *k = &g_array_index (keys, BandKey, i);

          k->key = band_key (&g_array_index (self->entries, Entry, i).signature, band);
          k->entry = i;
        }
      g_array_sort (keys, compare_band_keys);

      /* Entries with the same key sit together, in index order. */
      for (guint start = 0, end; start < keys->len; start = end)
        {
          guint64 key = g_array_index (keys, BandKey, start).key;

          for (end = start + 1; end < keys->len && g_array_index (keys, BandKey, end).key == key; end++)
            ;
          for (guint i = start; i < end; i++)
            for (guint j = i + 1; j < end; j++)
              {
                guint64 pair = (guint64) g_array_index (keys, BandKey, i).entry << 32 |
                               g_array_index (keys, BandKey, j).entry;
                g_array_append_val (candidates, pair);
              }
        }
    }

  /* A pair may share several bands: sort, then take each once. */
  g_array_sort (candidates, compare_guint64);

  for (guint i = 0; i < candidates->len; i++)
    {
      guint64 pair = g_array_index (candidates, guint64, i);
      const Entry *x, *y;
      double similarity;

      if (i > 0 && pair == g_array_index (candidates, guint64, i - 1))
        continue;

      x = &g_array_index (self->entries, Entry, pair >> 32);
      y = &g_array_index (self->entries, Entry, pair & G_MAXUINT32);
      similarity = assay_minhash_similarity (&x->signature, &y->signature);
      self->n_comparisons++;

      if (similarity >= threshold && x->id != y->id)
        {
          AssayMinhashPair found;

          found.a = MIN (x->id, y->id);
          found.b = MAX (x->id, y->id);
          found.similarity = similarity;
          g_array_append_val (pairs, found);
        }
    }

  g_array_sort (pairs, compare_pairs);
  return pairs;
}

/**
 * assay_minhash_index_get_n_comparisons:
 *
 * Returns: how many candidate pairs find_pairs has compared so far, over
 *   all its calls; a measure of the work the banding saved.
 */
guint64
assay_minhash_index_get_n_comparisons (AssayMinhashIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_comparisons;
}

/**
 * assay_minhash_index_get_size:
 *
 * Returns: the number of signatures indexed (empty ones are not).
 */
guint
assay_minhash_index_get_size (AssayMinhashIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->entries->len;
}
