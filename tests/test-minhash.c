/* test-minhash.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "assay-minhash.h"

static void
signature_of (AssayMinhash *sig,
              const char   *text)
{
  assay_minhash_init (sig);
  assay_minhash_add_text (sig, text, strlen (text));
}

static void
test_minhash_shingles (void)
{
  AssayMinhash a, b, c;

  /* 7 words → 3 shingles of 5; 5 words → 1; 2 words → 1 of what there is. */
  signature_of (&a, "one two three four five six seven");
  g_assert_cmpuint (a.n_shingles, ==, 3);
  signature_of (&a, "one two three four five");
  g_assert_cmpuint (a.n_shingles, ==, 1);
  signature_of (&a, "  one,two  ");
  g_assert_cmpuint (a.n_shingles, ==, 1);

  /* Nothing but separators. */
  signature_of (&a, " .,;\n\t— ");
  g_assert_cmpuint (a.n_shingles, ==, 0);
  signature_of (&a, "");
  g_assert_cmpuint (a.n_shingles, ==, 0);
  g_assert_cmpfloat (assay_minhash_similarity (&a, &a), ==, 0.0);

  /* Case, punctuation and spacing do not matter; words do. */
  signature_of (&a, "Total revenue rose by 12 percent in 2023, driven by exports.");
  signature_of (&b, "total REVENUE rose by 12 percent\nin 2023 — driven by exports");
  signature_of (&c, "total revenue rose by 13 percent in 2023, driven by exports.");
  g_assert_cmpuint (a.n_shingles, ==, 7);
  g_assert_cmpfloat (assay_minhash_similarity (&a, &b), ==, 1.0);
  g_assert_cmpmem (a.slots, sizeof a.slots, b.slots, sizeof b.slots);
  g_assert_cmpfloat (assay_minhash_similarity (&a, &c), <, 1.0);

  /* Non-ASCII letters are lower-cased; invalid bytes separate words. */
  signature_of (&a, "Ärger über Öl");
  signature_of (&b, "ärger ÜBER öl");
  g_assert_cmpfloat (assay_minhash_similarity (&a, &b), ==, 1.0);
  signature_of (&a, "abc\xff" "def");
  signature_of (&b, "abc def");
  g_assert_cmpuint (a.n_shingles, ==, 1);
  g_assert_cmpfloat (assay_minhash_similarity (&a, &b), ==, 1.0);

  /* A length shorter than the string: only the first two words. */
  assay_minhash_init (&a);
  assay_minhash_add_text (&a, "alpha beta gamma", 10);
  signature_of (&b, "alpha beta");
  g_assert_cmpfloat (assay_minhash_similarity (&a, &b), ==, 1.0);
}

static GString *
random_words (GRand *rand,
              guint  n_words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    {
      guint length = g_rand_int_range (rand, 4, 9);

      for (guint j = 0; j < length; j++)
        g_string_append_c (text, 'a' + g_rand_int_range (rand, 0, 26));
      g_string_append_c (text, ' ');
    }

  return text;
}

static void
test_minhash_estimate (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GString) first = random_words (rand, 100);
  g_autoptr(GString) shared = random_words (rand, 100);
  g_autoptr(GString) last = random_words (rand, 100);
  AssayMinhash a, b;
  double estimate;

  /* A = first + shared, B = shared + last, added as two texts each: 192
   * shingles each, 96 shared → Jaccard 96 / 288 = 1/3. The estimate's
   * standard error with 128 slots is √(J (1 − J) / 128) = 0.042. */
  assay_minhash_init (&a);
  assay_minhash_add_text (&a, first->str, first->len);
  assay_minhash_add_text (&a, shared->str, shared->len);
  assay_minhash_init (&b);
  assay_minhash_add_text (&b, shared->str, shared->len);
  assay_minhash_add_text (&b, last->str, last->len);

  g_assert_cmpuint (a.n_shingles, ==, 192);   /* 96 + 96: no shingle spans calls */
  estimate = assay_minhash_similarity (&a, &b);
  g_assert_cmpfloat_with_epsilon (estimate, 96.0 / 288.0, 0.15);
}

static void
test_minhash_string (void)
{
  AssayMinhash a, b;
  g_autofree char *str = NULL;
  g_autofree char *empty_str = NULL;
  g_autofree char *bad = NULL;

  signature_of (&a, "Net income for the year was 4.2 million, up from 3.9 million.");
  str = assay_minhash_to_string (&a);
  g_assert_true (g_str_has_prefix (str, "mh1:"));
  g_assert_cmpuint (strlen (str), ==, 4 + 688);

  g_assert_true (assay_minhash_from_string (&b, str));
  g_assert_cmpuint (b.n_shingles, ==, a.n_shingles);
  g_assert_cmpmem (a.slots, sizeof a.slots, b.slots, sizeof b.slots);

  /* The empty signature round-trips too. */
  assay_minhash_init (&a);
  empty_str = assay_minhash_to_string (&a);
  g_assert_true (assay_minhash_from_string (&b, empty_str));
  g_assert_cmpuint (b.n_shingles, ==, 0);
  g_assert_cmpuint (b.slots[0], ==, G_MAXUINT32);

  g_assert_false (assay_minhash_from_string (&b, NULL));
  g_assert_false (assay_minhash_from_string (&b, ""));
  g_assert_false (assay_minhash_from_string (&b, "mh1:"));
  g_assert_false (assay_minhash_from_string (&b, str + 4));
  g_assert_false (assay_minhash_from_string (&b, "mh1:AAAA"));

  bad = g_strdup (str);
  bad[100] = '*';
  g_assert_false (assay_minhash_from_string (&b, bad));
  /* A failed parse leaves the empty signature. */
  g_assert_cmpuint (b.n_shingles, ==, 0);
  bad[100] = str[100];
  bad[1] = 'x';
  g_assert_false (assay_minhash_from_string (&b, bad));
  bad[1] = 'h';
  bad[strlen (bad) - 1] = '\0';
  g_assert_false (assay_minhash_from_string (&b, bad));
}

#define N_DOCS 2000
#define N_NEAR 10
#define DOC_WORDS 200

static void
test_minhash_index (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  g_autoptr(AssayMinhashIndex) index = assay_minhash_index_new ();
  g_autoptr(GArray) members = NULL;
  g_autofree AssayMinhash *sigs = g_new (AssayMinhash, N_DOCS + N_NEAR);
  guint found = 0;
  AssayMinhash empty;

  /* 2000 unrelated documents of random words. */
  for (guint i = 0; i < N_DOCS; i++)
    {
      g_autoptr(GString) text = random_words (rand, DOC_WORDS);

      assay_minhash_init (&sigs[i]);
      assay_minhash_add_text (&sigs[i], text->str, text->len);

      /* Near-duplicates of the first N_NEAR: the same first 180 words (90 %),
       * different last 20. Jaccard (176) / (196 + 20) = 0.81: the banding
       * makes them candidates with probability 1 − (1 − 0.81⁸)¹⁶ = 0.97. */
      if (i < N_NEAR)
        {
          g_autoptr(GString) tail = random_words (rand, DOC_WORDS / 10);
          const char *cut = text->str;

          for (guint w = 0; w < DOC_WORDS - DOC_WORDS / 10; w++)
            cut = strchr (cut, ' ') + 1;
          g_string_truncate (text, cut - text->str);
          g_string_append (text, tail->str);

          assay_minhash_init (&sigs[N_DOCS + i]);
          assay_minhash_add_text (&sigs[N_DOCS + i], text->str, text->len);
        }
    }

  /* Ids need not follow the order added: groups follow the ids. */
  for (guint i = 0; i < N_DOCS + N_NEAR; i++)
    assay_minhash_index_add (index, 100000 - i, &sigs[i]);
  /* Empty documents are not indexed. */
  assay_minhash_init (&empty);
  assay_minhash_index_add (index, 7, &empty);
  assay_minhash_index_add (index, 8, &empty);
  g_assert_cmpuint (assay_minhash_index_get_size (index), ==, N_DOCS + N_NEAR);

  members = assay_minhash_index_find_groups (index, 0.6);

  /* Far fewer comparisons than the 2.01 million pairs: only the near-
   * duplicates (and at most a few chance collisions) share a band. */
  g_test_message ("%" G_GUINT64_FORMAT " comparisons, %u members",
                  assay_minhash_index_get_n_comparisons (index), members->len);
  g_assert_cmpuint (assay_minhash_index_get_n_comparisons (index), <=, N_DOCS);

  /* Groups of two: the near-duplicate (the smaller id, though added
   * later) as representative, then the original; nothing unrelated;
   * groups by id. */
  g_assert_cmpuint (members->len % 2, ==, 0);
  for (guint i = 0; i < members->len; i += 2)
    {
      const AssayMinhashMember *rep = &g_array_index (members, AssayMinhashMember, i);
      const AssayMinhashMember *member = &g_array_index (members, AssayMinhashMember, i + 1);
      guint copy = 100000 - rep->id;
      guint original = 100000 - member->id;

      g_assert_cmpuint (rep->representative, ==, rep->id);
      g_assert_cmpfloat (rep->similarity, ==, 1.0);
      g_assert_cmpuint (member->representative, ==, rep->id);
      g_assert_cmpuint (original, <, N_NEAR);
      g_assert_cmpuint (copy, ==, N_DOCS + original);
      if (i > 0)
        g_assert_cmpuint (g_array_index (members, AssayMinhashMember, i - 2).id, <, rep->id);
      g_assert_cmpfloat (member->similarity, >=, 0.6);
      /* The index keeps 8 bits a slot and corrects for chance agreement:
       * within a few slots of the whole signatures' estimate. */
      g_assert_cmpfloat_with_epsilon (member->similarity,
                                      assay_minhash_similarity (&sigs[original], &sigs[copy]),
                                      3.0 / 128);
      found++;
    }

  /* The banding is probabilistic (0.97 per pair): at least 9 of 10. */
  g_assert_cmpuint (found, >=, N_NEAR - 1);
}

static void
test_minhash_index_duplicates (void)
{
  g_autoptr(AssayMinhashIndex) index = assay_minhash_index_new ();
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) again = NULL;
  AssayMinhash a, b;

  /* Three identical documents share every band: one group of three, two
   * comparisons (the later bands find them linked already). */
  signature_of (&a, "the quick brown fox jumps over the lazy dog and runs away");
  signature_of (&b, "an entirely different text about quarterly revenue and costs");
  assay_minhash_index_add (index, 5, &a);
  assay_minhash_index_add (index, 2, &a);
  assay_minhash_index_add (index, 9, &b);
  assay_minhash_index_add (index, 3, &a);

  members = assay_minhash_index_find_groups (index, 0.9);
  g_assert_cmpuint (members->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      static const guint expected[] = { 2, 3, 5 };
      const AssayMinhashMember *member = &g_array_index (members, AssayMinhashMember, i);

      g_assert_cmpuint (member->id, ==, expected[i]);
      g_assert_cmpuint (member->representative, ==, 2);
      g_assert_cmpfloat (member->similarity, ==, 1.0);
    }
  /* Two links, and two members compared with the representative. */
  g_assert_cmpuint (assay_minhash_index_get_n_comparisons (index), ==, 4);

  /* A threshold above 1 keeps nothing. */
  again = assay_minhash_index_find_groups (index, 1.01);
  g_assert_cmpuint (again->len, ==, 0);
}

/* Words "w<first>" … "w<first + n - 1>". */
static void
signature_of_range (AssayMinhash *sig,
                    guint         first,
                    guint         n,
                    const char   *suffix)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "w%u ", first + i);
  g_string_append (text, suffix);
  assay_minhash_init (sig);
  assay_minhash_add_text (sig, text->str, text->len);
}

/* 5,000 documents that all look alike: one group, found with a number of
 * comparisons linear in the documents (all pairs would be 12.5 million). */
static void
test_minhash_index_look_alike (void)
{
  g_autoptr(AssayMinhashIndex) index = assay_minhash_index_new ();
  g_autoptr(GArray) members = NULL;
  const guint n = 5000;
  AssayMinhash sig;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *suffix = g_strdup_printf ("copy %u", i);

      signature_of_range (&sig, 0, 100, suffix);
      assay_minhash_index_add (index, i, &sig);
    }

  members = assay_minhash_index_find_groups (index, 0.75);
  g_test_message ("%" G_GUINT64_FORMAT " comparisons", assay_minhash_index_get_n_comparisons (index));
  g_assert_cmpuint (members->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const AssayMinhashMember *member = &g_array_index (members, AssayMinhashMember, i);

      g_assert_cmpuint (member->id, ==, i);
      g_assert_cmpuint (member->representative, ==, 0);
      g_assert_cmpfloat (member->similarity, >=, 0.75);
    }
  g_assert_cmpuint (assay_minhash_index_get_n_comparisons (index), <=, 3 * n);
}

/* A chain: each step like the one before, the ends unlike. Every member's
 * similarity is to its own representative, and reaches the threshold. */
static void
test_minhash_index_chain (void)
{
  g_autoptr(AssayMinhashIndex) index = assay_minhash_index_new ();
  g_autoptr(GArray) members = NULL;
  g_autofree AssayMinhash *sigs = g_new (AssayMinhash, 40);
  guint n_groups = 0;

  /* Windows of 400 words moving by 20: J(step) = 380/420 = 0.90. */
  for (guint i = 0; i < 40; i++)
    {
      signature_of_range (&sigs[i], i * 20, 400, "");
      assay_minhash_index_add (index, i, &sigs[i]);
    }

  members = assay_minhash_index_find_groups (index, 0.75);
  for (guint i = 0; i < members->len; i++)
    {
      const AssayMinhashMember *member = &g_array_index (members, AssayMinhashMember, i);

      if (member->id == member->representative)
        {
          n_groups++;
          continue;
        }
      g_assert_cmpfloat (member->similarity, >=, 0.75);
      g_assert_cmpfloat_with_epsilon (member->similarity,
                                      assay_minhash_similarity (&sigs[member->id],
                                                                &sigs[member->representative]),
                                      3.0 / 128);
      g_assert_cmpuint (member->representative, <, member->id);
    }

  /* The ends share nothing: not one group; yet steps are grouped. */
  g_assert_cmpuint (n_groups, >, 1);
  g_assert_cmpuint (members->len, >=, 30);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/minhash/shingles", test_minhash_shingles);
  g_test_add_func ("/assay/minhash/estimate", test_minhash_estimate);
  g_test_add_func ("/assay/minhash/string", test_minhash_string);
  g_test_add_func ("/assay/minhash/index", test_minhash_index);
  g_test_add_func ("/assay/minhash/index-duplicates", test_minhash_index_duplicates);
  g_test_add_func ("/assay/minhash/index-look-alike", test_minhash_index_look_alike);
  g_test_add_func ("/assay/minhash/index-chain", test_minhash_index_chain);

  return g_test_run ();
}
