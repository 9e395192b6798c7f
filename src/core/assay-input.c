/* assay-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The walk: each path named by the user, in the order given; a folder is
 * listed recursively, entries in byte order of their names (strcmp), names
 * starting with '.' skipped (hidden files and folders; a hidden path named
 * explicitly is kept). Symbolic links are followed. Every folder is entered
 * once, recognised by (device, inode): one reached again through a link
 * that leads back to a folder it is inside is reported as a loop; one
 * reached again from elsewhere is skipped quietly, its files being listed
 * already. Special files (devices, pipes, sockets) inside folders are
 * skipped. Files found in folders are sniffed (their first KiB): those that
 * are not PDFs come back identified, so a caller can list them as skipped
 * rather than process them. Files are collapsed by canonical path (realpath): the first
 * occurrence stays and is marked explicit if any occurrence was. Folders
 * contribute at most ASSAY_INPUT_MAX_ENTRIES names in all.
 */
#define G_LOG_DOMAIN "assay-input"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-input.h"

#define HEAD_SIZE        1024
#define HASH_BLOCK_SIZE  (64 * 1024)
#define MAX_DEPTH        256
#define CANCEL_CHECK_EVERY 256

/**
 * assay_input_file_new:
 * @path: a file name in the GLib file name encoding
 * @explicit_: %TRUE when the user named @path, %FALSE when found in a folder
 *
 * Returns: (transfer full): an entry not identified yet; any thread
 */
AssayInputFile *
assay_input_file_new (const char *path,
                      gboolean    explicit_)
{
  AssayInputFile *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (AssayInputFile, 1);
  self->path = g_strdup (path);
  self->explicit_ = !!explicit_;
  self->kind = ASSAY_INPUT_PDF;
  self->size = -1;

  return self;
}

void
assay_input_file_free (AssayInputFile *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->reason);
  g_free (self->sha256);
  g_free (self);
}

static void
set_result (AssayInputFile *self,
            AssayInputKind  kind,
            char           *reason)
{
  self->kind = kind;
  g_free (self->reason);
  self->reason = reason;
  self->identified = TRUE;
}

static char *
dup_errno_reason (int saved_errno)
{
  switch (saved_errno)
    {
    case ENOENT:
    case ENOTDIR:
      return g_strdup (_("No such file or folder"));

    case EACCES:
    case EPERM:
      return g_strdup (_("Permission denied: you may not read this file. Check its permissions."));

    case ELOOP:
      return g_strdup (_("Too many levels of symbolic links (a link that leads to itself?)"));

    default:
      return g_strdup_printf (_("Could not read it: %s"), g_strerror (saved_errno));
    }
}

static AssayInputKind
errno_kind (int saved_errno)
{
  return saved_errno == ENOENT || saved_errno == ENOTDIR ? ASSAY_INPUT_MISSING : ASSAY_INPUT_UNREADABLE;
}

static gboolean
contains_bytes (const guint8 *haystack,
                gsize         length,
                const char   *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (haystack[i] == (guint8) needle[0] && memcmp (haystack + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
has_prefix (const guint8 *head,
            gsize         length,
            const char   *prefix,
            gsize         prefix_length)
{
  return length >= prefix_length && memcmp (head, prefix, prefix_length) == 0;
}

static gboolean
looks_like_html (const guint8 *head,
                 gsize         length)
{
  gsize i = 0;

  if (has_prefix (head, length, "\xef\xbb\xbf", 3))
    i = 3;
  while (i < length && g_ascii_isspace (head[i]))
    i++;

  if (length - i >= 14 && g_ascii_strncasecmp ((const char *) head + i, "<!doctype html", 14) == 0)
    return TRUE;
  if (length - i >= 5 && g_ascii_strncasecmp ((const char *) head + i, "<html", 5) == 0)
    return TRUE;

  /* XHTML: an XML declaration, then the html element. */
  if (length - i >= 5 && memcmp (head + i, "<?xml", 5) == 0)
    return contains_bytes (head + i, length - i, "<html");

  return FALSE;
}

static gboolean
looks_like_text (const guint8 *head,
                 gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = head[i];

      if (c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
                        c != '\f' && c != '\v' && c != 0x1b))
        return FALSE;
    }

  return TRUE;
}

/**
 * assay_input_describe_content:
 * @head: (array length=length): the first bytes of a file that is not a PDF
 * @length: how many; up to 1024 are looked at
 *
 * Says what a file that is not a PDF looks like, from its first bytes:
 * "not a PDF file (it looks like a PNG image)" for PNG, JPEG, GIF, ZIP
 * archives (Word, Excel, PowerPoint, other Office and OpenDocument files
 * when the first bytes tell), gzip, PostScript, HTML and plain text; "not
 * a PDF file" otherwise; "The file is empty" for no bytes. Translated.
 * Any thread.
 *
 * Returns: (transfer full): the reason
 */
char *
assay_input_describe_content (const guint8 *head,
                              gsize         length)
{
  const char *reason;

  g_return_val_if_fail (head != NULL || length == 0, NULL);

  length = MIN (length, HEAD_SIZE);

  if (length == 0)
    reason = _("The file is empty");
  else if (has_prefix (head, length, "\x89PNG\r\n\x1a\n", 8))
    reason = _("not a PDF file (it looks like a PNG image)");
  else if (has_prefix (head, length, "\xff\xd8\xff", 3))
    reason = _("not a PDF file (it looks like a JPEG image)");
  else if (has_prefix (head, length, "GIF87a", 6) || has_prefix (head, length, "GIF89a", 6))
    reason = _("not a PDF file (it looks like a GIF image)");
  else if (has_prefix (head, length, "PK\x03\x04", 4) || has_prefix (head, length, "PK\x05\x06", 4))
    {
      if (contains_bytes (head, length, "word/"))
        reason = _("not a PDF file (it looks like a Word document)");
      else if (contains_bytes (head, length, "xl/"))
        reason = _("not a PDF file (it looks like an Excel spreadsheet)");
      else if (contains_bytes (head, length, "ppt/"))
        reason = _("not a PDF file (it looks like a PowerPoint presentation)");
      else if (contains_bytes (head, length, "[Content_Types].xml"))
        reason = _("not a PDF file (it looks like an Office document)");
      else if (contains_bytes (head, length, "mimetypeapplication/vnd.oasis.opendocument"))
        reason = _("not a PDF file (it looks like an OpenDocument file)");
      else
        reason = _("not a PDF file (it looks like a ZIP archive)");
    }
  else if (has_prefix (head, length, "\x1f\x8b", 2))
    reason = _("not a PDF file (it looks like a gzip-compressed file)");
  else if (has_prefix (head, length, "%!PS", 4))
    reason = _("not a PDF file (it looks like a PostScript file)");
  else if (looks_like_html (head, length))
    reason = _("not a PDF file (it looks like an HTML page)");
  else if (looks_like_text (head, length))
    reason = _("not a PDF file (it looks like plain text)");
  else
    reason = _("not a PDF file");

  return g_strdup (reason);
}

static gssize
read_full (int     fd,
           guint8 *buffer,
           gsize   size)
{
  gsize total = 0;

  while (total < size)
    {
      gssize n = read (fd, buffer + total, size - total);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      total += (gsize) n;
    }

  return (gssize) total;
}

/**
 * assay_input_identify:
 *
 * Looks at the file's content (never its name) and sets @self's kind:
 * %ASSAY_INPUT_PDF when "%PDF-" occurs in its first 1024 bytes, with
 * `sha256` (of the whole content) and `size` set; otherwise
 * %ASSAY_INPUT_EMPTY, %ASSAY_INPUT_NOT_PDF, %ASSAY_INPUT_MISSING or
 * %ASSAY_INPUT_UNREADABLE with a translated `reason`. An entry already
 * identified (also those the walk reported, such as unreadable folders) is
 * left as it is.
 *
 * Blocking: reads the whole of a PDF, checking @cancellable every 64 KiB.
 * Any thread, one thread per @self at a time.
 *
 * Returns: %TRUE when @self is identified (whatever its kind), %FALSE only
 *   when cancelled, with @error set; @self is then left unidentified
 */
gboolean
assay_input_identify (AssayInputFile  *self,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guint8 *block = NULL;
  guint8 head[HEAD_SIZE];
  struct stat st;
  gssize n_head;
  goffset total;
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->identified)
    return TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* O_NONBLOCK: opening a named pipe must not wait for a writer. */
  do
    fd = open (self->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int saved_errno = errno;

      set_result (self, errno_kind (saved_errno), dup_errno_reason (saved_errno));
      return TRUE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      set_result (self, ASSAY_INPUT_UNREADABLE, dup_errno_reason (saved_errno));
      return TRUE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_close (fd, NULL);
      set_result (self, ASSAY_INPUT_NOT_PDF, g_strdup (_("not a PDF file (it is a folder)")));
      return TRUE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      set_result (self, ASSAY_INPUT_NOT_PDF,
                  g_strdup (_("not a PDF file (it is a device, pipe or socket, not a regular file)")));
      return TRUE;
    }

  self->size = st.st_size;

  n_head = read_full (fd, head, sizeof head);
  if (n_head < 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      set_result (self, ASSAY_INPUT_UNREADABLE, dup_errno_reason (saved_errno));
      return TRUE;
    }

  if (n_head == 0)
    {
      g_close (fd, NULL);
      self->size = 0;
      set_result (self, ASSAY_INPUT_EMPTY, g_strdup (_("The file is empty")));
      return TRUE;
    }

  if (!contains_bytes (head, (gsize) n_head, "%PDF-"))
    {
      g_close (fd, NULL);
      set_result (self, ASSAY_INPUT_NOT_PDF, assay_input_describe_content (head, (gsize) n_head));
      return TRUE;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, head, n_head);
  total = n_head;

  if (n_head == sizeof head)
    {
      block = g_malloc (HASH_BLOCK_SIZE);

      for (;;)
        {
          gssize n;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              g_close (fd, NULL);
              return FALSE;
            }

          n = read_full (fd, block, HASH_BLOCK_SIZE);
          if (n < 0)
            {
              int saved_errno = errno;

              g_close (fd, NULL);
              set_result (self, ASSAY_INPUT_UNREADABLE, dup_errno_reason (saved_errno));
              return TRUE;
            }

          g_checksum_update (checksum, block, n);
          total += n;

          if (n < HASH_BLOCK_SIZE)
            break;
        }
    }

  g_close (fd, NULL);

  g_clear_pointer (&self->sha256, g_free);
  self->sha256 = g_strdup (g_checksum_get_string (checksum));
  self->size = total;
  set_result (self, ASSAY_INPUT_PDF, NULL);

  return TRUE;
}

/**
 * assay_input_sniff:
 *
 * Judges a file by its first bytes, so that files that are not PDFs can
 * be reported as skipped without ever becoming documents (the walk does
 * this for files found in folders). A PDF, or a file that cannot be opened,
 * is left unidentified: hashing it, and reporting why it cannot be read, is
 * the pipeline's job. Blocking; any thread.
 */
void
assay_input_sniff (AssayInputFile *self)
{
  guint8 head[HEAD_SIZE];
  struct stat st;
  gssize n_head;
  int fd;

  do
    fd = open (self->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);

  /* Problems opening it are for identify to report, as for any PDF. */
  if (fd < 0)
    return;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      return;
    }

  n_head = read_full (fd, head, sizeof head);
  g_close (fd, NULL);
  self->size = st.st_size;

  if (n_head == 0)
    set_result (self, ASSAY_INPUT_EMPTY, g_strdup (_("The file is empty")));
  else if (n_head > 0 && !contains_bytes (head, (gsize) n_head, "%PDF-"))
    set_result (self, ASSAY_INPUT_NOT_PDF, assay_input_describe_content (head, (gsize) n_head));
  else
    self->size = -1;   /* a PDF: identify measures it as it hashes */
}

/* The walk */

typedef struct
{
  dev_t dev;
  ino_t ino;
} DevIno;

static guint
dev_ino_hash (gconstpointer key)
{
  const DevIno *d = key;

  return (guint) (d->ino ^ (d->ino >> 32) ^ (d->dev * 31));
}

static gboolean
dev_ino_equal (gconstpointer a,
               gconstpointer b)
{
  const DevIno *da = a;
  const DevIno *db = b;

  return da->dev == db->dev && da->ino == db->ino;
}

typedef struct
{
  GPtrArray    *files;          /* AssayInputFile*, the result */
  GHashTable   *by_canonical;   /* canonical path -> AssayInputFile (borrowed) */
  GHashTable   *visited;        /* DevIno of every folder entered */
  GHashTable   *ancestors;      /* DevIno of the folders being listed */
  GCancellable *cancellable;
  guint         n_entries;
  guint         max_entries;
  guint         n_since_check;
  gboolean      stopped;        /* max_entries reached */
} Walk;

static char *
dup_realpath (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *copy;

  if (resolved == NULL)
    return NULL;

  copy = g_strdup (resolved);
  free (resolved);

  return copy;
}

/* Adds an entry unless its canonical path is there already. @reason set
 * means the walk could already tell what it is. */
static void
walk_add (Walk           *walk,
          const char     *path,
          const char     *canonical,
          gboolean        explicit_,
          AssayInputKind  kind,
          char           *reason)
{
  AssayInputFile *file = g_hash_table_lookup (walk->by_canonical, canonical);

  if (file != NULL)
    {
      file->explicit_ |= !!explicit_;
      g_free (reason);
      return;
    }

  file = assay_input_file_new (path, explicit_);
  if (reason != NULL)
    set_result (file, kind, reason);

  g_ptr_array_add (walk->files, file);
  g_hash_table_insert (walk->by_canonical, g_strdup (canonical), file);
}

static gboolean
walk_check_cancelled (Walk    *walk,
                      GError **error)
{
  if (++walk->n_since_check < CANCEL_CHECK_EVERY)
    return FALSE;

  walk->n_since_check = 0;

  return g_cancellable_set_error_if_cancelled (walk->cancellable, error);
}

typedef struct
{
  char          *name;
  unsigned char  type;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  return strcmp (ea->name, eb->name);
}

static void
clear_entry (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
}

static gboolean walk_folder (Walk        *walk,
                             const char  *path,
                             const char  *canonical,
                             guint        depth,
                             GError     **error);

/* One name inside a folder being walked. */
static gboolean
walk_entry (Walk         *walk,
            const char   *folder_canonical,
            const char   *path,
            const Entry  *entry,
            guint         depth,
            GError      **error)
{
  g_autofree char *canonical = NULL;
  gboolean is_link = entry->type == DT_LNK;
  struct stat st;

  if (entry->type == DT_UNKNOWN)
    {
      if (g_lstat (path, &st) != 0)
        return TRUE;   /* gone meanwhile */
      is_link = S_ISLNK (st.st_mode);
    }

  if (entry->type == DT_REG || entry->type == DT_DIR)
    st.st_mode = entry->type == DT_REG ? S_IFREG : S_IFDIR;
  else if (!is_link && entry->type != DT_UNKNOWN)
    return TRUE;   /* a device, pipe or socket */
  else if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      char *reason;

      if (saved_errno == ENOENT && is_link)
        reason = g_strdup (_("The symbolic link leads to a file or folder that does not exist"));
      else
        reason = dup_errno_reason (saved_errno);

      walk_add (walk, path, path, FALSE, errno_kind (saved_errno), reason);
      return TRUE;
    }

  if (is_link)
    canonical = dup_realpath (path);
  if (canonical == NULL)
    canonical = g_build_filename (folder_canonical, entry->name, NULL);

  if (S_ISDIR (st.st_mode))
    return walk_folder (walk, path, canonical, depth + 1, error);

  if (S_ISREG (st.st_mode))
    {
      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_PDF, NULL);
      if (walk->files->len > 0)
        {
          AssayInputFile *file = g_ptr_array_index (walk->files, walk->files->len - 1);

          if (!file->explicit_ && !file->identified && g_str_equal (file->path, path))
            assay_input_sniff (file);
        }
    }

  return TRUE;
}

/* Lists @path and walks what is inside. Returns %FALSE only when cancelled;
 * problems become entries. */
static gboolean
walk_folder (Walk        *walk,
             const char  *path,
             const char  *canonical,
             guint        depth,
             GError     **error)
{
  g_autoptr(GArray) entries = NULL;
  struct dirent *dirent;
  struct stat st;
  DevIno key;
  DIR *dir;
  int fd;

  if (walk->stopped)
    return TRUE;

  if (g_cancellable_set_error_if_cancelled (walk->cancellable, error))
    return FALSE;

  if (depth > MAX_DEPTH)
    {
      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_UNREADABLE,
                g_strdup_printf (_("Folders nested more than %u deep; this one was not looked into"),
                                 MAX_DEPTH));
      return TRUE;
    }

  do
    fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      int saved_errno = errno;
      char *reason;

      if (saved_errno == EACCES || saved_errno == EPERM)
        reason = g_strdup (_("Permission denied: you may not open this folder. Check its permissions."));
      else
        reason = dup_errno_reason (saved_errno);

      walk_add (walk, path, canonical, FALSE, errno_kind (saved_errno), reason);
      return TRUE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_UNREADABLE, dup_errno_reason (saved_errno));
      return TRUE;
    }

  key.dev = st.st_dev;
  key.ino = st.st_ino;

  if (g_hash_table_contains (walk->ancestors, &key))
    {
      g_close (fd, NULL);
      walk_add (walk, path, path, FALSE, ASSAY_INPUT_UNREADABLE,
                g_strdup (_("Folder loop: a symbolic link leads back to a folder that contains it; "
                            "its files are listed once")));
      return TRUE;
    }

  if (g_hash_table_contains (walk->visited, &key))
    {
      /* Reached again through another link: its files are listed already. */
      g_close (fd, NULL);
      return TRUE;
    }

  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_UNREADABLE, dup_errno_reason (saved_errno));
      return TRUE;
    }

  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (entries, clear_entry);

  for (;;)
    {
      Entry entry;

      errno = 0;
      dirent = readdir (dir);
      if (dirent == NULL)
        break;

      if (dirent->d_name[0] == '.')
        continue;

      if (walk->n_entries >= walk->max_entries)
        {
          walk->stopped = TRUE;
          break;
        }
      walk->n_entries++;

      entry.name = g_strdup (dirent->d_name);
      entry.type = dirent->d_type;
      g_array_append_val (entries, entry);
    }

  if (dirent == NULL && errno != 0)
    {
      int saved_errno = errno;

      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_UNREADABLE,
                g_strdup_printf (_("The folder could not be listed in full: %s"),
                                 g_strerror (saved_errno)));
    }

  closedir (dir);

  if (walk->stopped)
    {
      walk_add (walk, path, canonical, FALSE, ASSAY_INPUT_UNREADABLE,
                g_strdup_printf (_("Stopped looking for files after %u names: name fewer or smaller folders"),
                                 walk->max_entries));
    }

  g_hash_table_add (walk->visited, g_memdup2 (&key, sizeof key));
  g_hash_table_add (walk->ancestors, g_memdup2 (&key, sizeof key));

  g_array_sort (entries, compare_entries);

  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *child = g_build_filename (path, entry->name, NULL);

      if (walk_check_cancelled (walk, error) ||
          !walk_entry (walk, canonical, child, entry, depth, error))
        {
          g_hash_table_remove (walk->ancestors, &key);
          return FALSE;
        }
    }

  g_hash_table_remove (walk->ancestors, &key);

  return TRUE;
}

static gboolean
walk_explicit (Walk        *walk,
               const char  *given,
               GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *canonical = NULL;
  struct stat st;

  if (given[0] == '\0')
    {
      walk_add (walk, given, given, TRUE, ASSAY_INPUT_MISSING, g_strdup (_("No such file or folder")));
      return TRUE;
    }

  path = g_canonicalize_filename (given, NULL);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      walk_add (walk, path, path, TRUE, errno_kind (saved_errno), dup_errno_reason (saved_errno));
      return TRUE;
    }

  canonical = dup_realpath (path);
  if (canonical == NULL)
    canonical = g_strdup (path);

  if (S_ISDIR (st.st_mode))
    return walk_folder (walk, path, canonical, 0, error);

  walk_add (walk, path, canonical, TRUE, ASSAY_INPUT_PDF, NULL);

  return TRUE;
}

/**
 * assay_input_expand:
 * @paths: (array zero-terminated=1): files and folders as the user named
 *   them, absolute or relative to the current folder
 * @max_entries: the most names read from folders in all, or 0 for
 *   %ASSAY_INPUT_MAX_ENTRIES
 *
 * Turns @paths into the list of files to look at (see the walk's rules at
 * the top of this file): explicit paths in the order given, each folder
 * expanded in place. Paths are made absolute (lexically: "." and ".." are
 * resolved, symbolic links are not). Entries the walk can already judge —
 * missing paths, unreadable folders, folder loops, broken links, a walk cut
 * short by @max_entries — come back identified, kind
 * %ASSAY_INPUT_MISSING or %ASSAY_INPUT_UNREADABLE with a reason; the others
 * need assay_input_identify().
 *
 * Blocking; any thread.
 *
 * Returns: (transfer full) (element-type AssayInputFile): the entries, or
 *   %NULL when cancelled
 */
GPtrArray *
assay_input_expand (const char * const  *paths,
                    guint                max_entries,
                    GCancellable        *cancellable,
                    GError             **error)
{
  g_autoptr(GPtrArray) files = NULL;
  Walk walk = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_input_file_free);

  walk.files = files;
  walk.by_canonical = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk.visited = g_hash_table_new_full (dev_ino_hash, dev_ino_equal, g_free, NULL);
  walk.ancestors = g_hash_table_new_full (dev_ino_hash, dev_ino_equal, g_free, NULL);
  walk.cancellable = cancellable;
  walk.max_entries = max_entries != 0 ? max_entries : ASSAY_INPUT_MAX_ENTRIES;

  for (guint i = 0; ok && paths[i] != NULL; i++)
    ok = walk_explicit (&walk, paths[i], error);

  g_hash_table_unref (walk.by_canonical);
  g_hash_table_unref (walk.visited);
  g_hash_table_unref (walk.ancestors);

  if (!ok)
    return NULL;

  return g_steal_pointer (&files);
}

static void
expand_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char * const *paths = task_data;
  GError *error = NULL;
  GPtrArray *files;

  files = assay_input_expand (paths, 0, cancellable, &error);

  if (files == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * assay_input_expand_async:
 * @paths: (array zero-terminated=1): copied before this returns
 *
 * assay_input_expand() on a thread of GIO's pool (this is file-system I/O,
 * what that pool is for). Call from the thread whose main context should
 * run @callback.
 */
void
assay_input_expand_async (const char * const  *paths,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (paths != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_input_expand_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, expand_thread);
}

/**
 * assay_input_expand_finish:
 *
 * Returns: (transfer full) (element-type AssayInputFile): the entries, or
 *   %NULL with @error set (only %G_IO_ERROR_CANCELLED)
 */
GPtrArray *
assay_input_expand_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_input_expand_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
