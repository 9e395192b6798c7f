/* assay-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-corpus"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay-corpus.h"
#include "assay-json.h"
#include "assay-minhash.h"

/* About 40 bytes and the two strings, packed in a string chunk: what the
 * corpus keeps of a document besides its signature (in the index). */
typedef struct
{
  const char   *path;          /* nullable, in strings */
  const char   *sha256;        /* nullable, in strings */
  guint         position;      /* where it comes in the run; the index's id */
  guint         n_figures;
  guint         n_verified;
  guint         n_totals;
  double        total;         /* sum of the "total" figures */
} Document;

typedef struct
{
  char       *key;             /* normalised label or period */
  guint64     count;
  double      sum;
  double      min;
  double      max;
  guint       documents;
  guint       last_document;   /* 1 + index of the last document counted */
  GHashTable *units;           /* unit → count; NULL for periods */
} Group;

struct _AssayCorpus
{
  GArray     *documents;       /* Document */
  GStringChunk *strings;       /* the documents' paths and hashes */
  AssayMinhashIndex *index;    /* signatures, id = index in documents */
  GHashTable *labels;          /* key → Group* */
  GHashTable *periods;         /* key → Group* */
};

static void
group_free (gpointer data)
{
  Group *group = data;

  g_free (group->key);
  g_clear_pointer (&group->units, g_hash_table_unref);
  g_free (group);
}

/**
 * assay_corpus_new:
 *
 * Returns: (transfer full): an empty corpus. One thread at a time.
 */
AssayCorpus *
assay_corpus_new (void)
{
  AssayCorpus *self = g_new0 (AssayCorpus, 1);

  self->documents = g_array_new (FALSE, FALSE, sizeof (Document));
  self->strings = g_string_chunk_new (16 * 1024);
  self->index = assay_minhash_index_new ();
  /* The key is the group's own string: freed with the group. */
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_free);
  self->periods = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_free);

  return self;
}

void
assay_corpus_free (AssayCorpus *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->documents, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->index, assay_minhash_index_free);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->periods, g_hash_table_unref);
  g_free (self);
}

guint
assay_corpus_get_n_documents (AssayCorpus *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->documents->len;
}

/* Type-checked member access: json-glib's getters are critical on a member
 * of the wrong type, and a stored result may be old or damaged. */

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_double (JsonObject *object,
            const char *name,
            double     *out)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return FALSE;

  return isfinite (*out);
}

/**
 * assay_corpus_normalise_label:
 * @label: (nullable): a key figure's label
 *
 * How the corpus groups labels, here and in the corpus charts: case-folded,
 * whitespace runs collapsed to one space, trimmed, and trailing colons,
 * dots and ellipses (table leaders) removed:
 * "  Total   Revenue ….: " → "total revenue".
 *
 * Returns: (transfer full): the label as the corpus groups it
 */
char *
assay_corpus_normalise_label (const char *label)
{
  g_autofree char *folded = g_utf8_casefold (label != NULL ? label : "", -1);
  GString *out = g_string_sized_new (strlen (folded));
  gboolean pending_space = FALSE;

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_unichar (out, c);
    }

  for (;;)
    {
      const char *last;
      gunichar c;

      if (out->len == 0)
        break;

      last = g_utf8_find_prev_char (out->str, out->str + out->len);
      c = g_utf8_get_char (last);
      if (c == ':' || c == '.' || c == ' ' || c == 0x2026 /* … */)
        g_string_truncate (out, last - out->str);
      else
        break;
    }

  return g_string_free (out, FALSE);
}

/* Trimmed, whitespace runs collapsed; case kept ("Q3 2024"). */
static char *
normalise_period (const char *period)
{
  g_auto(GStrv) parts = g_strsplit_set (period, " \t\n\r\f\v", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, parts[i]);
    }

  return g_string_free (out, FALSE);
}

static Group *
lookup_group (GHashTable *table,
              char       *key,
              gboolean    with_units)
{
  Group *group = g_hash_table_lookup (table, key);

  if (group == NULL)
    {
      group = g_new0 (Group, 1);
      group->key = key;
      group->min = INFINITY;
      group->max = -INFINITY;
      if (with_units)
        group->units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (table, group->key, group);
    }
  else
    g_free (key);

  return group;
}

static void
group_add (Group  *group,
           double  value,
           guint   document)
{
  group->count++;
  group->sum += value;
  group->min = MIN (group->min, value);
  group->max = MAX (group->max, value);
  if (group->last_document != document)
    {
      group->last_document = document;
      group->documents++;
    }
}

static void
add_figure (AssayCorpus *self,
            Document    *doc,
            guint        document,
            JsonObject  *figure)
{
  const char *label = get_string (figure, "label");
  const char *period = get_string (figure, "period");
  const char *unit = get_string (figure, "unit");
  const char *verified = get_string (figure, "verified");
  g_autofree char *key = NULL;
  double value;

  doc->n_figures++;
  if (g_strcmp0 (verified, "verified") == 0)
    doc->n_verified++;

  if (!get_double (figure, "value", &value))
    return;

  if (label != NULL)
    key = assay_corpus_normalise_label (label);

  if (key != NULL && key[0] != '\0')
    {
      Group *group;

      if (strstr (key, "total") != NULL)
        {
          doc->total += value;
          doc->n_totals++;
        }

      group = lookup_group (self->labels, g_steal_pointer (&key), TRUE);
      group_add (group, value, document);

      if (unit != NULL && unit[0] != '\0')
        {
          gpointer count = g_hash_table_lookup (group->units, unit);

          g_hash_table_insert (group->units, g_strdup (unit),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
        }
    }

  if (period != NULL)
    {
      char *normalised = normalise_period (period);

      if (normalised[0] != '\0')
        group_add (lookup_group (self->periods, normalised, FALSE), value, document);
      else
        g_free (normalised);
    }
}

static const char *
nullable_chunk (AssayCorpus *self,
                const char  *str)
{
  return str != NULL ? g_string_chunk_insert (self->strings, str) : NULL;
}

/**
 * assay_corpus_add_result:
 * @document_result: (transfer none): one document of the result format
 *
 * Takes what the corpus needs from a document result: its path and SHA-256,
 * its figures (label, value, unit, period, verified) and its MinHash
 * signature. Only documents whose status is "done" contribute; others, and
 * nodes that are not objects, are ignored. Members of the wrong type are
 * treated as absent. A digest (assay_store_load_digest()) has all it needs.
 * Documents are listed in the order added; see
 * assay_corpus_add_result_at() to give another.
 */
void
assay_corpus_add_result (AssayCorpus *self,
                         JsonNode    *document_result)
{
  g_return_if_fail (self != NULL);

  assay_corpus_add_result_at (self, self->documents->len, document_result);
}

/**
 * assay_corpus_add_result_at:
 * @position: where the document comes in the run (its input index, say),
 *   each document its own: the corpus view lists documents in this order
 *   and makes the earliest member of a group its representative, however
 *   the results came in
 * @document_result: (transfer none): one document of the result format
 *
 * assay_corpus_add_result() at a position. Use one or the other for one
 * corpus, not both.
 */
void
assay_corpus_add_result_at (AssayCorpus *self,
                            guint        position,
                            JsonNode    *document_result)
{
  JsonObject *root, *source, *analysis;
  JsonArray *figures;
  AssayMinhash minhash;
  Document *doc;
  guint document;

  g_return_if_fail (self != NULL);
  g_return_if_fail (document_result != NULL);

  if (!JSON_NODE_HOLDS_OBJECT (document_result))
    return;

  root = json_node_get_object (document_result);
  if (g_strcmp0 (get_string (root, "status"), "done") != 0)
    return;

  source = get_object (root, "source");
  analysis = get_object (root, "analysis");
  figures = get_array (get_object (root, "extraction"), "figures");

  g_array_set_size (self->documents, self->documents->len + 1);
  doc = &g_array_index (self->documents, Document, self->documents->len - 1);
  memset (doc, 0, sizeof *doc);
  doc->position = position;
  doc->path = nullable_chunk (self, get_string (source, "path"));
  doc->sha256 = nullable_chunk (self, get_string (source, "sha256"));
  /* 1-based so that a group's last_document 0 means none. */
  document = self->documents->len;

  /* Kept in the index only: one copy per document. */
  if (assay_minhash_from_string (&minhash, get_string (analysis, "signature")))
    assay_minhash_index_add (self->index, position, &minhash);

  if (figures != NULL)
    {
      guint n = json_array_get_length (figures);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (figures, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            add_figure (self, doc, document, json_node_get_object (node));
        }
    }
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *x = *(Group * const *) a;
  const Group *y = *(Group * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->key, y->key);
}

static GPtrArray *
sorted_groups (GHashTable *table)
{
  GPtrArray *groups = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (groups, value);
  g_ptr_array_sort (groups, compare_groups);

  return groups;
}

typedef struct
{
  const char *unit;
  guint       count;
} UnitCount;

static int
compare_units (gconstpointer a,
               gconstpointer b)
{
  const UnitCount *x = a;
  const UnitCount *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->unit, y->unit);
}

static void
add_units (JsonBuilder *builder,
           GHashTable  *units)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (UnitCount));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, units);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      UnitCount unit = { key, GPOINTER_TO_UINT (value) };
      g_array_append_val (sorted, unit);
    }
  g_array_sort (sorted, compare_units);

  json_builder_set_member_name (builder, "units");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sorted->len; i++)
    json_builder_add_string_value (builder, g_array_index (sorted, UnitCount, i).unit);
  json_builder_end_array (builder);
}

/* The corpus object is made of four lists, each of items built one at a
 * time: assay_corpus_to_json() gathers them in a tree, assay_corpus_write()
 * writes each and lets it go, so that writing the corpus view of a large
 * run never holds more than one item. */

static JsonNode *
label_to_json (const Group *group)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, group->key);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, (gint64) group->count);
  assay_json_builder_add_number (builder, "sum", group->sum);
  assay_json_builder_add_number (builder, "min", group->min);
  assay_json_builder_add_number (builder, "max", group->max);
  assay_json_builder_add_number (builder, "mean", group->sum / (double) group->count);
  json_builder_set_member_name (builder, "documents");
  json_builder_add_int_value (builder, group->documents);
  add_units (builder, group->units);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
period_to_json (const Group *group)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "period");
  json_builder_add_string_value (builder, group->key);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, (gint64) group->count);
  assay_json_builder_add_number (builder, "sum", group->sum);
  json_builder_set_member_name (builder, "documents");
  json_builder_add_int_value (builder, group->documents);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
document_to_json (const Document *doc)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  assay_json_builder_add_nullable_string (builder, "path", doc->path);
  assay_json_builder_add_nullable_string (builder, "sha256", doc->sha256);
  json_builder_set_member_name (builder, "figures");
  json_builder_add_int_value (builder, doc->n_figures);
  json_builder_set_member_name (builder, "verified");
  json_builder_add_int_value (builder, doc->n_verified);
  assay_json_builder_add_number (builder, "total", doc->n_totals > 0 ? doc->total : NAN);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  const Document *x = a;
  const Document *y = b;

  return (x->position > y->position) - (x->position < y->position);
}

/* The documents are sorted by position when the view is made. */
static const Document *
lookup_document (AssayCorpus *self,
                 guint        position)
{
  Document key = { .position = position };
  const Document *doc = bsearch (&key, self->documents->data, self->documents->len,
                                 sizeof (Document), compare_positions);

  g_assert (doc != NULL);
  return doc;
}

static JsonNode *
duplicate_member_to_json (AssayCorpus              *self,
                          const AssayMinhashMember *member)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  assay_json_builder_add_nullable_string (builder, "path", lookup_document (self, member->id)->path);
  assay_json_builder_add_number (builder, "similarity", member->similarity);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* One group: @members[0] is the representative, the others follow; with
 * @head_only, its members list is left empty (see write_group()). */
static JsonNode *
duplicate_group_to_json (AssayCorpus              *self,
                         const AssayMinhashMember *members,
                         guint                     n_members,
                         gboolean                  head_only)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const Document *doc = lookup_document (self, members[0].id);

  g_assert (members[0].id == members[0].representative);

  json_builder_begin_object (builder);
  assay_json_builder_add_nullable_string (builder, "representative", doc->path);
  json_builder_set_member_name (builder, "documents");
  json_builder_add_int_value (builder, n_members);
  json_builder_set_member_name (builder, "members");
  json_builder_begin_array (builder);
  for (guint m = 1; m < n_members && !head_only; m++)
    json_builder_add_value (builder, duplicate_member_to_json (self, &members[m]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

typedef enum
{
  LIST_BY_LABEL,
  LIST_BY_PERIOD,
  LIST_BY_DOCUMENT,
  LIST_NEAR_DUPLICATE_GROUPS,
  N_LISTS
} List;

static const char * const list_names[N_LISTS] = {
  "by_label", "by_period", "by_document", "near_duplicate_groups",
};

typedef struct
{
  AssayCorpusWriteFunc  func;
  gpointer              user_data;
  GError              **error;
  gboolean              first;
} Writer;

static gboolean
write_text (Writer     *writer,
            const char *text,
            gsize       length)
{
  return writer->func (text, length, writer->user_data, writer->error);
}

static gboolean
write_item (JsonNode *item,
            gpointer  user_data)
{
  Writer *writer = user_data;
  g_autoptr(JsonNode) owned = item;
  g_autofree char *text = NULL;
  gsize length;

  if (!writer->first && !write_text (writer, ",", 1))
    return FALSE;
  writer->first = FALSE;

  text = json_to_string (owned, FALSE);
  length = strlen (text);
  return write_text (writer, text, length);
}

typedef gboolean (*ItemFunc) (JsonNode *item,
                              gpointer  user_data);

/* A group lists every member: as one item it could hold all documents.
 * Written as its head, then one member at a time, the same text. */
static gboolean
write_group (AssayCorpus              *self,
             Writer                   *writer,
             const AssayMinhashMember *members,
             guint                     n_members)
{
  g_autoptr(JsonNode) head = duplicate_group_to_json (self, members, n_members, TRUE);
  g_autofree char *text = json_to_string (head, FALSE);
  gsize length = strlen (text);

  /* "{…,"members":[]}" without its "]}". */
  g_assert (length > 2 && g_str_has_suffix (text, "[]}"));
  if (!writer->first && !write_text (writer, ",", 1))
    return FALSE;
  if (!write_text (writer, text, length - 2))
    return FALSE;

  for (guint m = 1; m < n_members; m++)
    {
      g_autoptr(JsonNode) member = duplicate_member_to_json (self, &members[m]);
      g_autofree char *member_text = json_to_string (member, FALSE);

      if ((m > 1 && !write_text (writer, ",", 1)) ||
          !write_text (writer, member_text, strlen (member_text)))
        return FALSE;
    }

  writer->first = FALSE;
  return write_text (writer, "]}", 2);
}

/* Calls @func with each item of @list, in order, until it returns FALSE;
 * or, with @writer, writes each (groups piece by piece).
 * Returns: FALSE when @func or the writer did */
static gboolean
foreach_item (AssayCorpus *self,
              List         list,
              double       threshold,
              ItemFunc     func,
              gpointer     user_data,
              Writer      *writer)
{
  switch (list)
    {
    case LIST_BY_LABEL:
    case LIST_BY_PERIOD:
      {
        gboolean labels = list == LIST_BY_LABEL;
        g_autoptr(GPtrArray) groups = sorted_groups (labels ? self->labels : self->periods);

        for (guint i = 0; i < groups->len; i++)
          {
            const Group *group = g_ptr_array_index (groups, i);

            if (!func (labels ? label_to_json (group) : period_to_json (group), user_data))
              return FALSE;
          }
      }
      break;

    case LIST_BY_DOCUMENT:
      g_array_sort (self->documents, compare_positions);
      for (guint i = 0; i < self->documents->len; i++)
        if (!func (document_to_json (&g_array_index (self->documents, Document, i)), user_data))
          return FALSE;
      break;

    case LIST_NEAR_DUPLICATE_GROUPS:
      {
        g_autoptr(GArray) members = NULL;

        g_array_sort (self->documents, compare_positions);
        members = assay_minhash_index_find_groups (self->index, threshold);

        for (guint i = 0, end; i < members->len; i = end)
          {
            const AssayMinhashMember *first = &g_array_index (members, AssayMinhashMember, i);

            for (end = i + 1;
                 end < members->len &&
                 g_array_index (members, AssayMinhashMember, end).representative == first->id;
                 end++)
              ;
            if (writer != NULL ? !write_group (self, writer, first, end - i)
                               : !func (duplicate_group_to_json (self, first, end - i, FALSE), user_data))
              return FALSE;
          }
      }
      break;

    case N_LISTS:
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

static gboolean
append_item (JsonNode *item,
             gpointer  user_data)
{
  json_array_add_element (user_data, item);
  return TRUE;
}

/**
 * assay_corpus_to_json:
 * @duplicate_threshold: the least estimated Jaccard similarity of word
 *   shingles of a document to its group's representative for it to be
 *   listed as a near-duplicate (0.8 is a good default)
 *
 * Aggregates what was added, as the "corpus" object of the result format:
 * `by_label` groups figures by normalised label (case-folded, whitespace
 * collapsed, trailing colons and dots stripped), sorted by count, most
 * first, then by label; `by_period` likewise by period; `by_document`
 * lists the documents in the order added, where `total` is the sum of the
 * figures whose normalised label contains "total" (null when there are
 * none); `near_duplicate_groups` lists groups of near-duplicates found
 * with the LSH index (assay_minhash_index_find_groups()): each a
 * representative, the first document of the group by position, and every other
 * member with its similarity to it, so the list grows with the documents,
 * never with the pairs. Sums mix units when a label has several:
 * `units` lists them, most frequent first.
 *
 * Returns: (transfer full): the corpus object. The thread that owns @self.
 */
JsonNode *
assay_corpus_to_json (AssayCorpus *self,
                      double       duplicate_threshold)
{
  JsonObject *object;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "documents", self->documents->len);
  for (List list = 0; list < N_LISTS; list++)
    {
      JsonArray *array = json_array_new ();

      foreach_item (self, list, duplicate_threshold, append_item, array, NULL);
      json_object_set_array_member (object, list_names[list], array);
    }

  root = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  return root;
}

/**
 * assay_corpus_write:
 * @func: (scope call): called with each piece of the text in turn; it
 *   returns %FALSE, setting its error, to stop
 *
 * Writes what assay_corpus_to_json() returns as compact JSON, the same
 * text json_to_string() would give, one item of a list at a time, without
 * building the tree: memory stays that of the corpus, however many
 * documents there are. The thread that owns @self.
 *
 * Returns: %TRUE, or %FALSE with the error @func set
 */
gboolean
assay_corpus_write (AssayCorpus           *self,
                    double                 duplicate_threshold,
                    AssayCorpusWriteFunc   func,
                    gpointer               user_data,
                    GError               **error)
{
  Writer writer = { func, user_data, error, TRUE };
  g_autofree char *head = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  head = g_strdup_printf ("{\"documents\":%u", self->documents->len);
  if (!write_text (&writer, head, strlen (head)))
    return FALSE;

  for (List list = 0; list < N_LISTS; list++)
    {
      g_autofree char *name = g_strdup_printf (",\"%s\":[", list_names[list]);

      writer.first = TRUE;
      if (!write_text (&writer, name, strlen (name)) ||
          !foreach_item (self, list, duplicate_threshold, write_item, &writer, &writer) ||
          !write_text (&writer, "]", 1))
        return FALSE;
    }

  return write_text (&writer, "}", 1);
}
