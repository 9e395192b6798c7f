/* assay-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout: <directory>/<first two hex digits of the sha256>/<key>.json, where
 * <key> is "<sha256>+<template>+<extractor>" (see assay_store_dup_key()).
 * A file holds two lines, each one compact JSON object written by
 * JsonGenerator: the result's digest (see digest_of()), then the result.
 * A cached run parses the digest only and copies the result's text as it
 * is: it never parses what it only copies.
 * A save writes ".<key>.XXXXXX.tmp" in the same shard, fsyncs it, renames it
 * over "<key>.json" and fsyncs the shard directory. Temporary files left by a
 * killed process are never read and are removed by a later save into the same
 * shard once they are an hour old.
 */
#define G_LOG_DOMAIN "assay-store"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-store.h"

/* A key part longer than this, or with characters outside [A-Za-z0-9._-],
 * is replaced by a readable prefix and a hash of the whole part. */
#define PART_MAX_LEN      64
#define PART_PREFIX_LEN   24
#define PART_HASH_LEN     32
#define KEY_MAX_LEN       (64 + 2 + 2 * PART_MAX_LEN)

#define STALE_TMP_SECONDS (60 * 60)
#define MAX_RESULT_SIZE   (256 * 1024 * 1024)
#define IO_BLOCK_SIZE     (1024 * 1024)

#define RESULT_VERSION_PREFIX "assay-result/"

struct _AssayStore
{
  GObject     parent_instance;

  char       *directory;

  /* Shards whose stale temporary files this object already removed. */
  GMutex      mutex;
  GHashTable *cleaned_shards;
};

G_DEFINE_FINAL_TYPE (AssayStore, assay_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
assay_store_finalize (GObject *object)
{
  AssayStore *self = (AssayStore *)object;

  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->cleaned_shards, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (assay_store_parent_class)->finalize (object);
}

static void
assay_store_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AssayStore *self = ASSAY_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_store_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AssayStore *self = ASSAY_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_assert (self->directory == NULL);
      self->directory = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_store_constructed (GObject *object)
{
  AssayStore *self = (AssayStore *)object;

  G_OBJECT_CLASS (assay_store_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_data_dir (), "assay", "results", NULL);
}

static void
assay_store_class_init (AssayStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = assay_store_constructed;
  object_class->finalize = assay_store_finalize;
  object_class->get_property = assay_store_get_property;
  object_class->set_property = assay_store_set_property;

  /**
   * AssayStore:directory:
   *
   * The folder holding the results; %NULL at construction means the default,
   * `$XDG_DATA_HOME/assay/results`. Created when the first result is saved.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_store_init (AssayStore *self)
{
  g_mutex_init (&self->mutex);
  self->cleaned_shards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * assay_store_new:
 * @directory: the folder holding the results
 *
 * Any thread.
 *
 * Returns: (transfer full): a new store; nothing is created on disk yet
 */
AssayStore *
assay_store_new (const char *directory)
{
  g_return_val_if_fail (directory != NULL, NULL);

  return g_object_new (ASSAY_TYPE_STORE,
                       "directory", directory,
                       NULL);
}

/**
 * assay_store_new_default:
 *
 * Any thread.
 *
 * Returns: (transfer full): a store in `g_get_user_data_dir()/assay/results`
 */
AssayStore *
assay_store_new_default (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "assay", "results", NULL);

  return assay_store_new (directory);
}

/**
 * assay_store_get_directory:
 *
 * Any thread.
 *
 * Returns: (transfer none): the folder holding the results
 */
const char *
assay_store_get_directory (AssayStore *self)
{
  g_return_val_if_fail (ASSAY_IS_STORE (self), NULL);

  return self->directory;
}

static gboolean
is_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

static gboolean
is_sha256_hex (const char *sha256)
{
  gsize i;

  for (i = 0; sha256[i] != '\0'; i++)
    if (!g_ascii_isxdigit (sha256[i]))
      return FALSE;

  return i == 64;
}

/* A part that is short and made only of [A-Za-z0-9._-] is kept as it is.
 * Any other part becomes "<sanitised prefix>~<128 bits of its sha256>": the
 * '~' never appears in a kept part, so two different parts never give the
 * same result (short of a hash collision). */
static void
append_key_part (GString    *key,
                 const char *part)
{
  gsize len = strlen (part);
  gboolean keep = len > 0 && len <= PART_MAX_LEN;
  g_autofree char *hash = NULL;

  for (gsize i = 0; keep && i < len; i++)
    keep = is_key_char (part[i]);

  g_string_append_c (key, '+');

  if (keep)
    {
      g_string_append_len (key, part, len);
      return;
    }

  for (gsize i = 0; i < len && i < PART_PREFIX_LEN; i++)
    g_string_append_c (key, is_key_char (part[i]) ? part[i] : '_');

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, part, len);
  g_string_append_c (key, '~');
  g_string_append_len (key, hash, PART_HASH_LEN);
}

/**
 * assay_store_dup_key:
 * @sha256: the document's content hash, 64 hex digits
 * @template_key: the template's key, any UTF-8
 * @extractor_id: the extractor's id (assay_extractor_dup_id()), any UTF-8
 *
 * Builds the key under which the result of extracting @sha256 with
 * @template_key and @extractor_id is kept: "<sha256>+<template>+<extractor>",
 * lowercase hash, each other part kept when it is at most 64 characters of
 * `[A-Za-z0-9._-]` and otherwise replaced by a sanitised prefix, '~' and 32
 * hex digits of its SHA-256. The key is a safe file name, at most 194 bytes,
 * never starting with '.', and different inputs give different keys.
 *
 * Any thread.
 *
 * Returns: (transfer full): the key
 */
char *
assay_store_dup_key (AssayStore *self,
                     const char *sha256,
                     const char *template_key,
                     const char *extractor_id)
{
  GString *key;

  g_return_val_if_fail (ASSAY_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL && is_sha256_hex (sha256), NULL);
  g_return_val_if_fail (template_key != NULL, NULL);
  g_return_val_if_fail (extractor_id != NULL, NULL);

  key = g_string_sized_new (KEY_MAX_LEN);
  for (const char *c = sha256; *c != '\0'; c++)
    g_string_append_c (key, g_ascii_tolower (*c));
  append_key_part (key, template_key);
  append_key_part (key, extractor_id);

  g_assert (key->len <= KEY_MAX_LEN);

  return g_string_free (key, FALSE);
}

/* Accepts what dup_key() builds, and refuses anything that could leave the
 * shard (a '/'), hide as a temporary file (a leading '.') or be too long. */
static gboolean
is_valid_key (const char *key)
{
  gsize i;

  if (!g_ascii_isxdigit (key[0]) || !g_ascii_isxdigit (key[1]))
    return FALSE;

  for (i = 0; key[i] != '\0'; i++)
    if (!is_key_char (key[i]) && key[i] != '+' && key[i] != '~')
      return FALSE;

  return i <= KEY_MAX_LEN;
}

static char *
dup_shard_dir (AssayStore *self,
               const char *key)
{
  char shard[3] = { key[0], key[1], '\0' };

  return g_build_filename (self->directory, shard, NULL);
}

static void set_io_error (GError     **error,
                          int          saved_errno,
                          const char  *format,
                          ...) G_GNUC_PRINTF (3, 4);

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), message);
}

/* Reads the whole file, checking @cancellable between blocks. */
static char *
read_fd (int            fd,
         const char    *path,
         gsize         *out_length,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  struct stat st;

  if (fstat (fd, &st) == 0 && st.st_size > 0 && st.st_size < MAX_RESULT_SIZE)
    bytes = g_byte_array_sized_new ((guint) st.st_size + 1);
  else
    bytes = g_byte_array_new ();

  for (;;)
    {
      guint8 buffer[64 * 1024];
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          set_io_error (error, saved_errno,
                        _("Could not read the saved result “%s”: %s"),
                        path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      if (bytes->len + (gsize) n > MAX_RESULT_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The saved result “%s” is too large to be a result; it will be recomputed"),
                       path);
          return NULL;
        }
      g_byte_array_append (bytes, buffer, (guint) n);
    }

  *out_length = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);

  return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}

static gboolean
is_result_object (JsonNode *node)
{
  JsonObject *object;
  const char *version;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  object = json_node_get_object (node);
  version = json_object_get_string_member_with_default (object, "result_version", NULL);

  return version != NULL && g_str_has_prefix (version, RESULT_VERSION_PREFIX);
}

/* Members of a result that a run needs without the rest: what the corpus
 * view, a progress line or a list row reads. Figures keep only these. */
static const char * const digest_top[] = { "result_version", "status", "cached", "warnings", "error", NULL };
static const char * const digest_source[] = { "path", "name", "sha256", "size", "pages", "title", NULL };
static const char * const digest_extraction[] = { "method", "provider", "model", "template", "document_type",
                                                  "title", "fell_back", "usage", NULL };
static const char * const digest_figure[] = { "label", "value", "unit", "period", "verified", NULL };
static const char * const digest_analysis[] = { "verification", "signature", NULL };

static void
copy_members (JsonObject         *to,
              JsonObject         *from,
              const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (from, names[i]);

      if (node != NULL)
        json_object_set_member (to, names[i], json_node_copy (node));
    }
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
copy_part (JsonObject         *to,
           JsonObject         *from,
           const char         *name,
           const char * const *names,
           JsonObject        **part)
{
  JsonObject *source = get_object_member (from, name);
  JsonObject *copy;

  *part = NULL;
  if (source == NULL)
    return;

  copy = json_object_new ();
  copy_members (copy, source, names);
  json_object_set_object_member (to, name, copy);
  *part = source;
}

/* The digest of @result, whose text is @length bytes: the members named
 * above, in the result's shape, and "digest": {"result_length": N}, which
 * marks it as a digest and lets a load check the result's line without
 * parsing it. */
static JsonNode *
digest_of (JsonNode *result,
           gsize     length)
{
  JsonObject *object = json_node_get_object (result);
  JsonObject *digest = json_object_new ();
  JsonObject *marker = json_object_new ();
  JsonObject *extraction, *source, *analysis;
  JsonNode *figures;
  JsonNode *node;

  copy_members (digest, object, digest_top);
  copy_part (digest, object, "source", digest_source, &source);
  copy_part (digest, object, "extraction", digest_extraction, &extraction);
  copy_part (digest, object, "analysis", digest_analysis, &analysis);

  figures = extraction != NULL ? json_object_get_member (extraction, "figures") : NULL;
  if (figures != NULL && JSON_NODE_HOLDS_ARRAY (figures))
    {
      JsonArray *from = json_node_get_array (figures);
      JsonArray *to = json_array_sized_new (json_array_get_length (from));

      for (guint i = 0; i < json_array_get_length (from); i++)
        {
          JsonNode *figure = json_array_get_element (from, i);
          JsonObject *copy = json_object_new ();

          if (JSON_NODE_HOLDS_OBJECT (figure))
            copy_members (copy, json_node_get_object (figure), digest_figure);
          json_array_add_object_element (to, copy);
        }
      json_object_set_array_member (get_object_member (digest, "extraction"), "figures", to);
    }

  json_object_set_int_member (marker, "result_length", (gint64) length);
  json_object_set_object_member (digest, "digest", marker);

  node = json_node_init_object (json_node_alloc (), digest);
  json_object_unref (digest);

  return node;
}

static JsonNode *
parse_object (const char  *data,
              gsize        length,
              GError     **error)
{
  /* Not immutable: callers annotate what they load (assay_result_mark_cached()). */
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;

  root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("not a JSON object"));
    }

  return root;
}

/* Splits a stored file into its digest and result lines and parses the
 * digest, checking it against the result line's length and ends; parses
 * the result too when @full. Returns the digest, or with @full the result;
 * sets *result_offset and *result_length to the result line. */
static JsonNode *
parse_stored (const char  *contents,
              gsize        length,
              gboolean     full,
              gsize       *result_offset,
              gsize       *result_length,
              GError     **error)
{
  g_autoptr(JsonNode) digest = NULL;
  const char *newline = memchr (contents, '\n', length);
  JsonObject *marker;
  gsize offset;

  if (newline == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("not in the layout of this version"));
      return NULL;
    }

  digest = parse_object (contents, newline - contents, error);
  if (digest == NULL)
    return NULL;

  offset = newline + 1 - contents;
  marker = get_object_member (json_node_get_object (digest), "digest");
  if (!is_result_object (digest) || marker == NULL ||
      json_object_get_int_member_with_default (marker, "result_length", -1) != (gint64) (length - offset - 1) ||
      length - offset < 3 || contents[offset] != '{' ||
      contents[length - 2] != '}' || contents[length - 1] != '\n')
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("its two parts do not match"));
      return NULL;
    }

  *result_offset = offset;
  *result_length = length - offset - 1;

  if (full)
    {
      JsonNode *result = parse_object (contents + offset, *result_length, error);

      if (result != NULL && !is_result_object (result))
        {
          g_clear_pointer (&result, json_node_unref);
          g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                               _("not an Assay result"));
        }
      return result;
    }

  return g_steal_pointer (&digest);
}

/**
 * assay_store_load:
 * @key: a key from assay_store_dup_key()
 *
 * Reads the result saved under @key. A missing result fails with
 * %G_IO_ERROR_NOT_FOUND. A file that does not parse, is not a JSON object,
 * whose "result_version" does not start with "assay-result/", whose digest
 * does not match its result, or that an earlier version wrote (one line, no
 * digest) fails with %G_IO_ERROR_INVALID_DATA and is removed: callers treat
 * both as a miss.
 * Other errors (a permission problem, say) leave the file alone.
 *
 * Blocking; any thread, concurrently with loads and saves of any key.
 *
 * Returns: (transfer full) (nullable): the result object, or %NULL with @error set
 */
JsonNode *
assay_store_load (AssayStore    *self,
                  const char    *key,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return assay_store_load_full (self, key, NULL, cancellable, error);
}

static JsonNode *
load_stored (AssayStore    *self,
             const char    *key,
             gboolean       full,
             GBytes       **text,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *shard = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  struct stat st_read;
  struct stat st_now;
  gsize length = 0;
  gsize result_offset = 0;
  gsize result_length = 0;
  int fd;

  g_return_val_if_fail (ASSAY_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL && is_valid_key (key), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  shard = dup_shard_dir (self, key);
  basename = g_strconcat (key, ".json", NULL);
  path = g_build_filename (shard, basename, NULL);

  do
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("No saved result for “%s”"), key);
      else
        set_io_error (error, saved_errno,
                      _("Could not open the saved result “%s”: %s"),
                      path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st_read) != 0)
    memset (&st_read, 0, sizeof st_read);

  contents = read_fd (fd, path, &length, cancellable, &local_error);
  g_close (fd, NULL);

  if (contents != NULL)
    {
      root = parse_stored (contents, length, full, &result_offset, &result_length, &parse_error);

      if (root != NULL)
        {
          if (text != NULL)
            {
              g_autoptr(GBytes) all = g_bytes_new_take (g_steal_pointer (&contents), length);

              *text = g_bytes_new_from_bytes (all, result_offset, result_length);
            }
          return g_steal_pointer (&root);
        }

      g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The saved result “%s” is damaged (%s); it will be recomputed"),
                   path, parse_error->message);
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      /* Remove the damaged file, unless a save replaced it meanwhile. */
      if (g_lstat (path, &st_now) == 0 &&
          st_now.st_ino == st_read.st_ino &&
          st_now.st_dev == st_read.st_dev)
        {
          if (g_unlink (path) != 0 && errno != ENOENT)
            g_debug ("Could not remove damaged result %s: %s", path, g_strerror (errno));
        }
    }

  g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

/**
 * assay_store_load_full:
 * @text: (out) (optional) (transfer full): the result's text as stored,
 *   the compact serialisation of the result returned
 *
 * assay_store_load(), also handing over the text as stored, so that a
 * caller who needs it as text does not serialise the result again.
 *
 * Returns: (transfer full) (nullable): the result object, or %NULL with @error set
 */
JsonNode *
assay_store_load_full (AssayStore    *self,
                       const char    *key,
                       GBytes       **text,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return load_stored (self, key, TRUE, text, cancellable, error);
}

/**
 * assay_store_load_digest:
 * @text: (out) (transfer full): the result's text as stored, the compact
 *   serialisation of the whole result
 *
 * What a run needs of a stored result without parsing all of it: its
 * digest, a result object with only `result_version`, `status`, `cached`,
 * `warnings`, `error`, `source` (path, name, sha256, size, pages, title),
 * `extraction` (method, provider, model, template, document_type, title,
 * fell_back, usage, and figures with label, value, unit, period and
 * verified only), `analysis` (verification, signature), and a member
 * `"digest": {"result_length": N}` that tells it from a whole result. The
 * whole result is @text, not parsed: parse it where it is needed. Fails as
 * assay_store_load() does, except that damage inside the result's text
 * that keeps its length is not seen.
 *
 * Blocking; any thread, concurrently with loads and saves of any key.
 *
 * Returns: (transfer full) (nullable): the digest, or %NULL with @error set
 */
JsonNode *
assay_store_load_digest (AssayStore    *self,
                         const char    *key,
                         GBytes       **text,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  return load_stored (self, key, FALSE, text, cancellable, error);
}

static gboolean
fsync_directory (const char  *path,
                 GError     **error)
{
  int fd;
  int ret;

  do
    fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int saved_errno = errno;

      set_io_error (error, saved_errno,
                    _("Could not open the folder “%s” to save a result: %s"),
                    path, g_strerror (saved_errno));
      return FALSE;
    }

  do
    ret = fsync (fd);
  while (ret != 0 && errno == EINTR);

  if (ret != 0 && errno != EINVAL)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      set_io_error (error, saved_errno,
                    _("Could not save a result in the folder “%s”: %s. Check that the disk is not full."),
                    path, g_strerror (saved_errno));
      return FALSE;
    }

  g_close (fd, NULL);

  return TRUE;
}

/* Removes ".*.tmp" files older than STALE_TMP_SECONDS, once per shard and
 * store object: they come only from processes killed while saving, so one
 * pass per process is enough. Bounded by the size of one shard. */
static void
clean_stale_tmp_files (AssayStore *self,
                       const char *shard)
{
  gboolean first;
  DIR *dir;
  struct dirent *entry;
  time_t now = time (NULL);

  g_mutex_lock (&self->mutex);
  first = g_hash_table_add (self->cleaned_shards, g_strdup (shard));
  g_mutex_unlock (&self->mutex);

  if (!first)
    return;

  dir = opendir (shard);
  if (dir == NULL)
    return;

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (entry->d_name[0] != '.' ||
          !g_str_has_suffix (entry->d_name, ".tmp") ||
          strlen (entry->d_name) < 2 + strlen (".tmp"))
        continue;

      if (fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG (st.st_mode))
        continue;

      if (now - st.st_mtime < STALE_TMP_SECONDS)
        continue;

      if (unlinkat (dirfd (dir), entry->d_name, 0) == 0)
        g_debug ("Removed stale temporary file %s/%s", shard, entry->d_name);
    }

  closedir (dir);
}

static gboolean
write_all (int            fd,
           const char    *data,
           gsize          length,
           GCancellable  *cancellable,
           int           *out_errno)
{
  while (length > 0)
    {
      gssize n;

      if (g_cancellable_is_cancelled (cancellable))
        {
          *out_errno = ECANCELED;
          return FALSE;
        }

      n = write (fd, data, MIN (length, IO_BLOCK_SIZE));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          *out_errno = n < 0 ? errno : EIO;
          return FALSE;
        }

      data += n;
      length -= (gsize) n;
    }

  return TRUE;
}

/**
 * assay_store_save:
 * @key: a key from assay_store_dup_key()
 * @result: (transfer none): a result object whose "result_version" starts
 *   with "assay-result/" (what assay_store_load() accepts)
 *
 * Saves @result under @key, replacing any earlier one atomically: whatever
 * moment the process dies at, the key holds the old result or the new one in
 * full. Creates the folders it needs with mode 0700.
 *
 * Blocking; any thread, concurrently with loads and saves of any key (when
 * two saves of one key race, the last rename wins).
 *
 * Returns: %TRUE once the result is on disk, or %FALSE with @error set
 */
gboolean
assay_store_save (AssayStore    *self,
                  const char    *key,
                  JsonNode      *result,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return assay_store_save_full (self, key, result, NULL, cancellable, error);
}

/* Writes @digest_text and @data (@length bytes, no newline in it) as the
 * two lines of @key's file: the atomic part of every save. */
static gboolean
save_lines (AssayStore    *self,
            const char    *key,
            const char    *digest_text,
            const char    *data,
            gsize          length,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *shard = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tmp_path = NULL;
  gboolean created_shard;
  int saved_errno = 0;
  int ret;
  int fd;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  shard = dup_shard_dir (self, key);
  basename = g_strconcat (key, ".json", NULL);
  path = g_build_filename (shard, basename, NULL);

  created_shard = !g_file_test (shard, G_FILE_TEST_IS_DIR);
  if (created_shard && g_mkdir_with_parents (shard, 0700) != 0)
    {
      saved_errno = errno;
      set_io_error (error, saved_errno,
                    _("Could not create the results folder “%s”: %s. Check that you may write there."),
                    shard, g_strerror (saved_errno));
      return FALSE;
    }

  clean_stale_tmp_files (self, shard);

  tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX.tmp", shard, G_DIR_SEPARATOR, key);
  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      set_io_error (error, saved_errno,
                    _("Could not save a result in the folder “%s”: %s. Check that you may write there."),
                    shard, g_strerror (saved_errno));
      return FALSE;
    }

  if (!write_all (fd, digest_text, strlen (digest_text), cancellable, &saved_errno) ||
      !write_all (fd, "\n", 1, cancellable, &saved_errno) ||
      !write_all (fd, data, length, cancellable, &saved_errno) ||
      !write_all (fd, "\n", 1, cancellable, &saved_errno))
    goto failed;

  do
    ret = fsync (fd);
  while (ret != 0 && errno == EINTR);
  if (ret != 0)
    {
      saved_errno = errno;
      goto failed;
    }

  if (close (fd) != 0 && errno != EINTR)
    {
      fd = -1;
      saved_errno = errno;
      goto failed;
    }
  fd = -1;

  if (g_cancellable_is_cancelled (cancellable))
    {
      saved_errno = ECANCELED;
      goto failed;
    }

  if (g_rename (tmp_path, path) != 0)
    {
      saved_errno = errno;
      goto failed;
    }

  if (!fsync_directory (shard, error))
    return FALSE;

  /* A new shard's own entry lives in the store directory. */
  if (created_shard && !fsync_directory (self->directory, error))
    return FALSE;

  return TRUE;

failed:
  if (fd >= 0)
    g_close (fd, NULL);
  g_unlink (tmp_path);

  if (saved_errno == ECANCELED)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  else
    set_io_error (error, saved_errno,
                  _("Could not save the result “%s”: %s. Check that the disk is not full and the folder is writable."),
                  path, g_strerror (saved_errno));

  return FALSE;
}

/**
 * assay_store_save_full:
 * @text: (out) (optional) (transfer full): the bytes written, the compact
 *   serialisation of @result
 *
 * assay_store_save(), also handing over the text it wrote, for a caller that
 * needs the result as text too.
 *
 * Returns: %TRUE once the result is on disk, or %FALSE with @error set
 */
gboolean
assay_store_save_full (AssayStore    *self,
                       const char    *key,
                       JsonNode      *result,
                       GBytes       **text,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) digest = NULL;
  g_autofree char *digest_text = NULL;
  gsize length;

  g_return_val_if_fail (ASSAY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && is_valid_key (key), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_result_object (result))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Refusing to save a result without a “result_version”; it could never be loaded"));
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  data = json_to_string (result, FALSE);
  length = strlen (data);
  digest = digest_of (result, length);
  digest_text = json_to_string (digest, FALSE);

  if (!save_lines (self, key, digest_text, data, length, cancellable, error))
    return FALSE;

  if (text != NULL)
    *text = g_bytes_new_take (g_steal_pointer (&data), length);

  return TRUE;
}

/**
 * assay_store_make_digest:
 * @result: a result object
 * @length: the length of @result's compact serialisation (json_to_string())
 *
 * The digest assay_store_save() writes before @result, which
 * assay_store_load_digest() returns: for whoever has a result's text and
 * wants to save it with assay_store_save_text() somewhere else (a cluster
 * worker sends both to the submitter, which then never parses the whole
 * result). Any thread.
 *
 * Returns: (transfer full): the digest
 */
JsonNode *
assay_store_make_digest (JsonNode *result,
                         gsize     length)
{
  g_return_val_if_fail (result != NULL && JSON_NODE_HOLDS_OBJECT (result), NULL);

  return digest_of (result, length);
}

/**
 * assay_store_digest_describes:
 * @digest: a result's digest (assay_store_make_digest(), or
 *   assay_store_load_digest())
 * @text: a result's compact text (json_to_string()), @length bytes
 *
 * Whether @digest and @text go together as assay_store_save_text() writes
 * them and assay_store_load() reads them back: @digest is a result's, its
 * "result_length" is @length, and @text is one line holding an object.
 * For whoever is handed the two (a cluster's `done` message) and would
 * rather take the whole result than a pair the store refuses. Any thread.
 */
gboolean
assay_store_digest_describes (JsonNode   *digest,
                              const char *text,
                              gsize       length)
{
  JsonObject *marker;

  g_return_val_if_fail (digest != NULL, FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  marker = is_result_object (digest) ? get_object_member (json_node_get_object (digest), "digest") : NULL;

  return marker != NULL &&
         json_object_get_int_member_with_default (marker, "result_length", -1) == (gint64) length &&
         length >= 2 && text[0] == '{' && text[length - 1] == '}' &&
         memchr (text, '\n', length) == NULL;
}

/**
 * assay_store_save_text:
 * @key: a key from assay_store_dup_key()
 * @digest: the result's digest (assay_store_make_digest(), or
 *   assay_store_load_digest()), whose "result_length" is @text's length
 * @text: the result's compact text, as json_to_string() writes it
 *
 * assay_store_save() for a result held as its text and digest: @text is
 * written as it is, never parsed nor serialised again. Refuses a digest
 * that does not say @text's length or is not a result's, and a text that
 * is not one line holding an object: what assay_store_load() would reject.
 *
 * Returns: %TRUE once the result is on disk, or %FALSE with @error set
 */
gboolean
assay_store_save_text (AssayStore    *self,
                       const char    *key,
                       JsonNode      *digest,
                       GBytes        *text,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *digest_text = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (ASSAY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && is_valid_key (key), FALSE);
  g_return_val_if_fail (digest != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (text, &length);
  if (!assay_store_digest_describes (digest, data, length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Refusing to save a result whose digest does not match its text; it could never be loaded"));
      return FALSE;
    }

  digest_text = json_to_string (digest, FALSE);

  return save_lines (self, key, digest_text, data, length, cancellable, error);
}
