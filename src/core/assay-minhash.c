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

/* The index keeps the signatures only, and of each slot its low 8 bits
 * (b-bit MinHash, Li and König 2010): 132 bytes a document instead of 520.
 * Two different slots agree in their low 8 bits with probability 1/256, so
 * a fraction f of equal slots estimates the similarity as
 * (f − 1/256) / (1 − 1/256); a band of 8 such slots still tells unrelated
 * documents apart (2⁻⁶⁴) and candidates are compared anyway. Bands are
 * bucketed when groups are asked for, one band at a time, by sorting
 * (band key, entry) pairs: 16 bytes per document for one band, where a hash
 * table of buckets per band cost about 1.5 KiB per document. */
#define SLOT_BITS 8
struct _AssayMinhashIndex
{
  GArray     *entries;        /* Entry */
  guint64     n_comparisons;  /* pairs of signatures whose similarity was computed */
};

typedef struct
{
  guint   id;
  guint8  slots[ASSAY_MINHASH_SIZE];
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
band_key (const Entry *entry,
          guint        band)
{
  guint64 rows = 0;

  G_STATIC_ASSERT (BAND_ROWS * SLOT_BITS == 64);

  for (guint r = 0; r < BAND_ROWS; r++)
    rows = rows << SLOT_BITS | entry->slots[band * BAND_ROWS + r];

  return mix64 (rows ^ mix64 ((band + 1) * MIX_GOLDEN));
}

/**
 * assay_minhash_index_add:
 * @id: the caller's id for the document, reported by find_groups; give each
 *   document its own
 * @signature: (transfer none): copied (the low 8 bits of each slot)
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
  for (guint i = 0; i < ASSAY_MINHASH_SIZE; i++)
    entry.slots[i] = (guint8) signature->slots[i];
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

/* Union-find over entries, with path halving; the root is the set's
 * earliest entry (unions keep the smaller index), which makes the result
 * independent of the order links are found in. */
static guint
set_find (guint *parent,
          guint  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }

  return x;
}

static void
set_union (guint *parent,
           guint  x,
           guint  y)
{
  x = set_find (parent, x);
  y = set_find (parent, y);
  if (x < y)
    parent[y] = x;
  else if (y < x)
    parent[x] = y;
}

typedef struct
{
  guint root;
  guint entry;
} Membership;

static int
compare_memberships (gconstpointer a,
                     gconstpointer b)
{
  const Membership *x = a;
  const Membership *y = b;

  if (x->root != y->root)
    return x->root < y->root ? -1 : 1;
  return (x->entry > y->entry) - (x->entry < y->entry);
}

static int
compare_entry_ids (gconstpointer a,
                   gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

static double
compare_entries (AssayMinhashIndex *self,
                 guint              x,
                 guint              y)
{
  const Entry *a = &g_array_index (self->entries, Entry, x);
  const Entry *b = &g_array_index (self->entries, Entry, y);
  const double chance = 1.0 / (1 << SLOT_BITS);
  guint equal = 0;
  double f;

  self->n_comparisons++;
  for (guint i = 0; i < ASSAY_MINHASH_SIZE; i++)
    equal += a->slots[i] == b->slots[i];

  f = (double) equal / ASSAY_MINHASH_SIZE;
  return MAX (0.0, (f - chance) / (1.0 - chance));
}

/* Links each entry of one band's bucket to an earlier entry of the same
 * bucket it resembles. The entries just before it are looked at, at most
 * MAX_SCAN of them, and compared only when they belong to another set than
 * any entry compared already, at most MAX_TRIES times; an entry already in
 * the set of the one before it costs nothing, which is the case of every
 * band after the first when all documents look alike. */
static void
link_bucket (AssayMinhashIndex *self,
             const BandKey     *bucket,
             guint              size,
             guint             *parent,
             double             threshold)
{
  for (guint k = 1; k < size; k++)
    {
      guint tried[ASSAY_MINHASH_MAX_TRIES];
      guint n_tried = 0;
      guint e = bucket[k].entry;

      for (guint j = k; j > 0 && k - j < ASSAY_MINHASH_MAX_SCAN && n_tried < ASSAY_MINHASH_MAX_TRIES; j--)
        {
          guint f = bucket[j - 1].entry;
          guint root = set_find (parent, f);
          gboolean seen = FALSE;

          if (root == set_find (parent, e))
            break;

          for (guint t = 0; t < n_tried && !seen; t++)
            seen = tried[t] == root;
          if (seen)
            continue;

          tried[n_tried++] = root;
          if (compare_entries (self, e, f) >= threshold)
            {
              set_union (parent, e, f);
              break;
            }
        }
    }
}

/* Splits one linked set (members by id) into groups around
 * representatives: the first member is one; each later member joins the
 * representative of this set it resembles most, comparing the latest
 * MAX_TRIES of them, or becomes one itself. Similarity is not transitive,
 * so a chain of look-alikes linked step by step may give several groups. */
static void
split_set (AssayMinhashIndex *self,
           const Membership  *members,
           guint              n_members,
           double             threshold,
           GArray            *out)
{
  g_autoptr(GArray) reps = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *rep_of = g_new (guint, n_members);
  g_autofree double *similarity = g_new (double, n_members);

  for (guint i = 0; i < n_members; i++)
    {
      guint best = G_MAXUINT;
      double best_similarity = -1.0;

      /* The latest representatives: a chain of look-alikes moves on. */
      for (guint r = reps->len; r > 0 && reps->len - r < ASSAY_MINHASH_MAX_TRIES; r--)
        {
          guint rep = g_array_index (reps, guint, r - 1);
          double s = compare_entries (self, members[i].entry, members[rep].entry);

          if (s >= threshold && s > best_similarity)
            {
              best = rep;
              best_similarity = s;
            }
        }

      if (best == G_MAXUINT)
        {
          g_array_append_val (reps, i);
          rep_of[i] = i;
          similarity[i] = 1.0;
        }
      else
        {
          rep_of[i] = best;
          similarity[i] = best_similarity;
        }
    }

  /* Each representative with its members, both by id;
   * a representative nothing joined is no group. */
  for (guint r = 0; r < reps->len; r++)
    {
      guint rep = g_array_index (reps, guint, r);
      guint rep_id = g_array_index (self->entries, Entry, members[rep].entry).id;
      guint first = out->len;

      for (guint i = rep; i < n_members; i++)
        if (rep_of[i] == rep)
          {
            AssayMinhashMember member;

            member.id = g_array_index (self->entries, Entry, members[i].entry).id;
            member.representative = rep_id;
            member.similarity = similarity[i];
            g_array_append_val (out, member);
          }

      if (out->len - first < 2)
        g_array_set_size (out, first);
    }
}

/**
 * assay_minhash_index_find_groups:
 * @threshold: the least estimated similarity of a member to its group's
 *   representative
 *
 * Groups near-duplicates. Signatures that share an LSH bucket are linked
 * when they resemble each other (union-find, a bounded number of
 * comparisons per signature and band); each linked set is then split
 * around representatives, its members compared with at most
 * %ASSAY_MINHASH_MAX_TRIES representatives each. Time grows as n log n
 * and memory as n, however alike the documents: a thousand copies of one
 * document cost about two thousand comparisons, not half a million. See
 * assay_minhash_index_get_n_comparisons().
 *
 * Returns: (transfer full) (element-type AssayMinhashMember): the members
 *   of every group of two or more, group by group in the order of their
 *   representatives' ids (the smallest id of each group); within a group
 *   the representative first, then the others by id.
 */
GArray *
assay_minhash_index_find_groups (AssayMinhashIndex *self,
                                 double             threshold)
{
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GArray) memberships = NULL;
  g_autofree guint *parent = NULL;
  guint n;
  GArray *groups;

  g_return_val_if_fail (self != NULL, NULL);

  n = self->entries->len;
  groups = g_array_new (FALSE, FALSE, sizeof (AssayMinhashMember));
  if (n < 2)
    return groups;

  /* In the order of ids from here on: that is the order groups are given
   * in and which member represents its group. */
  g_array_sort (self->entries, compare_entry_ids);

  parent = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    parent[i] = i;

  keys = g_array_sized_new (FALSE, FALSE, sizeof (BandKey), n);
  for (guint band = 0; band < N_BANDS; band++)
    {
      g_array_set_size (keys, n);
      for (guint i = 0; i < n; i++)
        {
          BandKey *k = &g_array_index (keys, BandKey, i);

          k->key = band_key (&g_array_index (self->entries, Entry, i), band);
          k->entry = i;
        }
      g_array_sort (keys, compare_band_keys);

      /* Entries with the same key sit together, by id. */
      for (guint start = 0, end; start < n; start = end)
        {
          guint64 key = g_array_index (keys, BandKey, start).key;

          for (end = start + 1; end < n && g_array_index (keys, BandKey, end).key == key; end++)
            ;
          if (end - start > 1)
            link_bucket (self, &g_array_index (keys, BandKey, start), end - start,
                         parent, threshold);
        }
    }
  g_clear_pointer (&keys, g_array_unref);

  /* Sets in the order of their first entry, members by id. */
  memberships = g_array_sized_new (FALSE, FALSE, sizeof (Membership), n);
  for (guint i = 0; i < n; i++)
    {
      Membership m = { set_find (parent, i), i };
      g_array_append_val (memberships, m);
    }
  g_array_sort (memberships, compare_memberships);

  for (guint start = 0, end; start < n; start = end)
    {
      guint root = g_array_index (memberships, Membership, start).root;

      for (end = start + 1; end < n && g_array_index (memberships, Membership, end).root == root; end++)
        ;
      if (end - start > 1)
        split_set (self, &g_array_index (memberships, Membership, start), end - start,
                   threshold, groups);
    }

  return groups;
}

/**
 * assay_minhash_index_get_n_comparisons:
 *
 * Returns: how many pairs of signatures find_groups has compared so far,
 *   over all its calls; a measure of the work the banding saved.
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
