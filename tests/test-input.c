/* test-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-input"

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "assay-input.h"

/* sha256sum of the 9 bytes "%PDF-1.4\n" */
#define SHA_PDF_14 "e5c62df5dab5c87b6a015ef3d43597074d1eec433b15f51aec63b8582d0e4ab4"
/* sha256sum of "junk line\n%PDF-1.7\n" */
#define SHA_JUNK_PDF "73ce65c35ad2f775d706853bed44df7396eab2189e3a1cf04097d273e053f9bf"
/* "%PDF-1.5\n" then bytes (7 i + 3) mod 251 for i < 200000: 200009 bytes,
 * sha256 computed with Python's hashlib */
#define BIG_SIZE   200009
#define SHA_BIG    "83bbe9f779eb78101b7a6a2780c4182a132ef86995bf00cdde6dd05f9676bfce"

#define NOBODY_UID 65534
#define NOBODY_GID 65534

static const guint8 png_head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

static void
write_file (const char *path,
            const void *data,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
make_symlink (const char *target,
              const char *path)
{
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static guint8 *
make_big_pdf (void)
{
  guint8 *data = g_malloc (BIG_SIZE);

  memcpy (data, "%PDF-1.5\n", 9);
  for (guint i = 0; i < BIG_SIZE - 9; i++)
    data[9 + i] = (guint8) ((i * 7 + 3) % 251);

  return data;
}

/* Builds the tree described in test_expand() under @base; returns its root. */
static char *
make_tree (const char *base)
{
  char *root = g_build_filename (base, "root", NULL);
  g_autofree char *outside = g_build_filename (base, "outside", NULL);
  g_autofree char *path = NULL;

#define P(...) (g_free (path), path = g_build_filename (__VA_ARGS__, NULL))
  write_file (P (root, "a-real.txt"), "%PDF-1.4\n", -1);
  write_file (P (root, "b-text.pdf"), "hello world\nthis is plain text\n", -1);
  write_file (P (root, "c-empty.pdf"), "", 0);
  write_file (P (root, "d-image.pdf"), png_head, sizeof png_head);
  write_file (P (root, ".hidden.pdf"), "%PDF-1.4\n", -1);
  write_file (P (root, ".hidden-dir", "x.pdf"), "%PDF-1.4\n", -1);
  write_file (P (root, "locked", "f.pdf"), "%PDF-1.4\n", -1);
  write_file (P (root, "sub", "d.pdf"), "junk line\n%PDF-1.7\n", -1);
  write_file (P (root, "sub", "deeper", "e.pdf"), "%PDF-1.4\n", -1);
  write_file (P (outside, "y.pdf"), "%PDF-1.4\n", -1);
  make_symlink ("../..", P (root, "sub", "deeper", "loop"));
  make_symlink (outside, P (root, "ext-link"));
  make_symlink ("sub", P (root, "z-link"));
  make_symlink ("a-real.txt", P (root, "z-file-link.pdf"));
  make_symlink ("does-not-exist", P (root, "z-dangling"));
  g_assert_cmpint (mkfifo (P (root, "fifo"), 0600), ==, 0);
  g_assert_cmpint (g_chmod (P (root, "locked"), 0), ==, 0);
#undef P

  return root;
}

static AssayInputFile *
find_file (GPtrArray  *files,
           const char *path)
{
  for (guint i = 0; i < files->len; i++)
    {
      AssayInputFile *file = g_ptr_array_index (files, i);
      if (g_str_equal (file->path, path))
        return file;
    }

  return NULL;
}

typedef struct
{
  const char     *relative;   /* to the root, or absolute when starting with '/' */
  gboolean        explicit_;
  gboolean        identified_by_walk;
  AssayInputKind  kind;       /* after identify */
  const char     *reason;     /* a substring, or NULL for none */
  const char     *sha256;
  goffset         size;
} Expected;

static void
check_files (GPtrArray      *files,
             const char     *root,
             const Expected *expected,
             guint           n_expected)
{
  g_assert_cmpuint (files->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      AssayInputFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;

      if (expected[i].relative[0] == '/')
        path = g_strdup (expected[i].relative);
      else
        path = g_build_filename (root, expected[i].relative, NULL);

      g_test_message ("%u: %s", i, file->path);
      g_assert_cmpstr (file->path, ==, path);
      g_assert_cmpint (file->explicit_, ==, expected[i].explicit_);
      g_assert_cmpint (file->identified, ==, expected[i].identified_by_walk);

      g_assert_true (assay_input_identify (file, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (file->identified);
      g_assert_cmpint (file->kind, ==, expected[i].kind);
      g_assert_cmpstr (file->sha256, ==, expected[i].sha256);
      if (expected[i].size >= 0)
        g_assert_cmpint (file->size, ==, expected[i].size);

      if (expected[i].reason == NULL)
        g_assert_null (file->reason);
      else
        {
          g_assert_nonnull (file->reason);
          if (strstr (file->reason, expected[i].reason) == NULL)
            g_error ("%s: reason “%s” lacks “%s”", file->path, file->reason, expected[i].reason);
        }
    }
}

static void
test_expand (void)
{
  g_autofree char *root = make_tree (g_get_user_cache_dir ());
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *missing = g_build_filename (cwd, "missing.pdf", NULL);
  g_autofree char *sub_d = g_build_filename (root, "sub", "d.pdf", NULL);
  g_autofree char *dotted = g_build_filename (root, "sub", "..", "a-real.txt", NULL);
  g_autofree char *hidden = g_build_filename (root, ".hidden.pdf", NULL);
  const char *paths[] = { root, sub_d, "missing.pdf", dotted, hidden, NULL };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  gboolean as_root = geteuid () == 0;
  /* Files in folders that are not PDFs are judged by the walk already.
   * Byte order of names; hidden names, the fifo, z-link (sub again) and
   * z-file-link.pdf (a-real.txt again) do not appear. */
  Expected expected[] = {
    { "a-real.txt", TRUE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_PDF_14, 9 },
    { "b-text.pdf", FALSE, TRUE, ASSAY_INPUT_NOT_PDF, "not a PDF file (it looks like plain text)", NULL, 31 },
    { "c-empty.pdf", FALSE, TRUE, ASSAY_INPUT_EMPTY, "The file is empty", NULL, 0 },
    { "d-image.pdf", FALSE, TRUE, ASSAY_INPUT_NOT_PDF, "not a PDF file (it looks like a PNG image)", NULL, 16 },
    { "ext-link/y.pdf", FALSE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_PDF_14, 9 },
    /* Root reads any folder, mode 000 or not: see /assay/input/unreadable-folder. */
    as_root ? (Expected) { "locked/f.pdf", FALSE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_PDF_14, 9 }
            : (Expected) { "locked", FALSE, TRUE, ASSAY_INPUT_UNREADABLE, "Permission denied", NULL, -1 },
    { "sub/d.pdf", TRUE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_JUNK_PDF, 19 },
    { "sub/deeper/e.pdf", FALSE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_PDF_14, 9 },
    { "sub/deeper/loop", FALSE, TRUE, ASSAY_INPUT_UNREADABLE, "Folder loop", NULL, -1 },
    { "z-dangling", FALSE, TRUE, ASSAY_INPUT_MISSING, "does not exist", NULL, -1 },
    { missing, TRUE, TRUE, ASSAY_INPUT_MISSING, "No such file or folder", NULL, -1 },
    /* Named explicitly, a hidden file is kept. */
    { ".hidden.pdf", TRUE, FALSE, ASSAY_INPUT_PDF, NULL, SHA_PDF_14, 9 },
  };

  files = assay_input_expand (paths, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (files);

  check_files (files, root, expected, G_N_ELEMENTS (expected));

  /* Identifying again changes nothing. */
  {
    AssayInputFile *first = g_ptr_array_index (files, 0);
    g_assert_true (assay_input_identify (first, NULL, &error));
    g_assert_cmpstr (first->sha256, ==, SHA_PDF_14);
  }

  {
    g_autofree char *locked = g_build_filename (root, "locked", NULL);
    g_assert_cmpint (g_chmod (locked, 0755), ==, 0);
  }
}

static void
expand_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (source);
  *out = g_object_ref (result);
}

static void
test_expand_async (void)
{
  g_autofree char *root = make_tree (g_get_user_cache_dir ());
  g_autofree char *locked = g_build_filename (root, "locked", NULL);
  const char *paths[] = { root, NULL };
  g_autoptr(GPtrArray) sync_files = NULL;
  g_autoptr(GPtrArray) async_files = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  char **copy = g_strdupv ((char **) paths);

  sync_files = assay_input_expand (paths, 0, NULL, &error);
  g_assert_no_error (error);

  /* The paths are copied: freeing them at once is fine. */
  assay_input_expand_async ((const char * const *) copy, NULL, expand_ready, &result);
  g_strfreev (copy);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  async_files = assay_input_expand_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async_files->len, ==, sync_files->len);
  g_assert_cmpuint (async_files->len, >=, 9);
  for (guint i = 0; i < sync_files->len; i++)
    {
      AssayInputFile *a = g_ptr_array_index (sync_files, i);
      AssayInputFile *b = g_ptr_array_index (async_files, i);

      g_assert_cmpstr (a->path, ==, b->path);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpstr (a->reason, ==, b->reason);
    }
  g_clear_object (&result);

  /* Cancelled before it runs: only the error comes back. */
  g_cancellable_cancel (cancellable);
  assay_input_expand_async (paths, cancellable, expand_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (assay_input_expand_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpint (g_chmod (locked, 0755), ==, 0);
}

static void
test_limit (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "many", NULL);
  const char *paths[] = { dir, NULL };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  guint n_stopped = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02u.pdf", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      write_file (path, "%PDF-1.4\n", -1);
    }

  /* Which 4 names are read first depends on the file system; that 4 are,
   * and that the cut is reported, does not. */
  files = assay_input_expand (paths, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 5);
  for (guint i = 0; i < files->len; i++)
    {
      AssayInputFile *file = g_ptr_array_index (files, i);

      if (file->identified)
        {
          g_assert_cmpstr (file->path, ==, dir);
          g_assert_cmpint (file->kind, ==, ASSAY_INPUT_UNREADABLE);
          g_assert_nonnull (strstr (file->reason, "after 4 names"));
          n_stopped++;
        }
      else
        g_assert_true (g_str_has_suffix (file->path, ".pdf"));
    }
  g_assert_cmpuint (n_stopped, ==, 1);

  /* Without the cut: all 10, in name order. */
  g_clear_pointer (&files, g_ptr_array_unref);
  files = assay_input_expand (paths, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 10);
  for (guint i = 0; i < files->len; i++)
    {
      AssayInputFile *file = g_ptr_array_index (files, i);
      g_autofree char *name = g_strdup_printf ("%02u.pdf", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpstr (file->path, ==, path);
      g_assert_false (file->explicit_);
    }
}

static void
test_expand_cancelled (void)
{
  g_autofree char *root = make_tree (g_get_user_cache_dir ());
  g_autofree char *locked = g_build_filename (root, "locked", NULL);
  const char *paths[] = { root, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  files = assay_input_expand (paths, 0, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (files);

  g_assert_cmpint (g_chmod (locked, 0755), ==, 0);
}

static void
test_identify_sha256 (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "big.bin", NULL);
  g_autofree guint8 *data = make_big_pdf ();
  g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, BIG_SIZE);
  g_autoptr(AssayInputFile) file = NULL;
  g_autoptr(AssayInputFile) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  write_file (path, data, BIG_SIZE);

  /* Read in 64 KiB blocks, the hash matches one over the whole buffer and
   * the value computed outside GLib. */
  file = assay_input_file_new (path, TRUE);
  g_assert_false (file->identified);
  g_assert_cmpint (file->size, ==, -1);
  g_assert_true (assay_input_identify (file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file->kind, ==, ASSAY_INPUT_PDF);
  g_assert_cmpint (file->size, ==, BIG_SIZE);
  g_assert_cmpstr (file->sha256, ==, expected);
  g_assert_cmpstr (file->sha256, ==, SHA_BIG);
  g_assert_null (file->reason);

  g_cancellable_cancel (cancellable);
  cancelled = assay_input_file_new (path, TRUE);
  g_assert_false (assay_input_identify (cancelled, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cancelled->identified);
  g_assert_null (cancelled->sha256);
}

static void
test_identify_special (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "special", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.pdf", NULL);
  g_autofree char *exact = g_build_filename (dir, "exact.pdf", NULL);
  g_autofree char *late = g_build_filename (dir, "late.pdf", NULL);
  g_autoptr(AssayInputFile) fifo_file = NULL;
  g_autoptr(AssayInputFile) dir_file = NULL;
  g_autoptr(AssayInputFile) exact_file = NULL;
  g_autoptr(AssayInputFile) late_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *late_data = g_malloc (2000);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* A named pipe: answered at once, not waited on. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  fifo_file = assay_input_file_new (fifo, TRUE);
  g_assert_true (assay_input_identify (fifo_file, NULL, &error));
  g_assert_cmpint (fifo_file->kind, ==, ASSAY_INPUT_NOT_PDF);
  g_assert_nonnull (strstr (fifo_file->reason, "not a regular file"));

  dir_file = assay_input_file_new (dir, TRUE);
  g_assert_true (assay_input_identify (dir_file, NULL, &error));
  g_assert_cmpint (dir_file->kind, ==, ASSAY_INPUT_NOT_PDF);
  g_assert_cmpstr (dir_file->reason, ==, "not a PDF file (it is a folder)");

  /* Exactly 1024 bytes with the marker at the very end: a PDF. */
  {
    g_autofree char *data = g_strnfill (1024, ' ');

    memcpy (data + 1019, "%PDF-", 5);
    write_file (exact, data, 1024);
    exact_file = assay_input_file_new (exact, TRUE);
    g_assert_true (assay_input_identify (exact_file, NULL, &error));
    g_assert_cmpint (exact_file->kind, ==, ASSAY_INPUT_PDF);
    g_assert_cmpint (exact_file->size, ==, 1024);
  }

  /* The marker one byte past the first 1024: not a PDF. */
  memset (late_data, ' ', 2000);
  memcpy (late_data + 1020, "%PDF-", 5);
  write_file (late, late_data, 2000);
  late_file = assay_input_file_new (late, TRUE);
  g_assert_true (assay_input_identify (late_file, NULL, &error));
  g_assert_cmpint (late_file->kind, ==, ASSAY_INPUT_NOT_PDF);
  g_assert_cmpstr (late_file->reason, ==, "not a PDF file (it looks like plain text)");
  g_assert_null (late_file->sha256);
  g_assert_cmpint (late_file->size, ==, 2000);
}

static void
assert_describes (const void *head,
                  gsize       length,
                  const char *expected)
{
  g_autofree char *reason = assay_input_describe_content (head, length);

  g_assert_cmpstr (reason, ==, expected);
}

static void
test_describe_content (void)
{
  const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F' };
  const guint8 gzip[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0 };
  const guint8 binary[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
  const guint8 zip[] = { 'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0 };
  const char docx[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....word/document.xml";
  const char xlsx[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....xl/workbook.xml";
  const char pptx[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....ppt/slides/slide1.xml";
  const char ooxml[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml";
  const char odt[] = "PK\x03\x04\x14\0\0\0\0\0mimetypeapplication/vnd.oasis.opendocument.text";
  const char utf8[] = "Résumé — 季度报告\r\n\ttotals: 1 234,50 €\n";

  assert_describes (png_head, sizeof png_head, "not a PDF file (it looks like a PNG image)");
  assert_describes (jpeg, sizeof jpeg, "not a PDF file (it looks like a JPEG image)");
  assert_describes ("GIF89a\x01\0\x01\0", 10, "not a PDF file (it looks like a GIF image)");
  assert_describes ("GIF87a\x01\0\x01\0", 10, "not a PDF file (it looks like a GIF image)");
  assert_describes (zip, sizeof zip, "not a PDF file (it looks like a ZIP archive)");
  assert_describes (docx, sizeof docx - 1, "not a PDF file (it looks like a Word document)");
  assert_describes (xlsx, sizeof xlsx - 1, "not a PDF file (it looks like an Excel spreadsheet)");
  assert_describes (pptx, sizeof pptx - 1, "not a PDF file (it looks like a PowerPoint presentation)");
  assert_describes (ooxml, sizeof ooxml - 1, "not a PDF file (it looks like an Office document)");
  assert_describes (odt, sizeof odt - 1, "not a PDF file (it looks like an OpenDocument file)");
  assert_describes (gzip, sizeof gzip, "not a PDF file (it looks like a gzip-compressed file)");
  assert_describes ("%!PS-Adobe-3.0\n", 15, "not a PDF file (it looks like a PostScript file)");
  assert_describes ("  <!DOCTYPE html>\n<html>", 24, "not a PDF file (it looks like an HTML page)");
  assert_describes ("\xef\xbb\xbf<HTML><body>", 15, "not a PDF file (it looks like an HTML page)");
  assert_describes ("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", 66,
                    "not a PDF file (it looks like an HTML page)");
  assert_describes ("<?xml version=\"1.0\"?>\n<svg/>", 28, "not a PDF file (it looks like plain text)");
  assert_describes (utf8, strlen (utf8), "not a PDF file (it looks like plain text)");
  assert_describes ("a\0b", 3, "not a PDF file");
  assert_describes (binary, sizeof binary, "not a PDF file");
  assert_describes ("", 0, "The file is empty");
}

/* Root may read any folder, so a mode-000 folder only shows as unreadable
 * to an ordinary user. As root, the check runs in a subprocess that first
 * becomes "nobody"; as an ordinary user, it runs directly. */
static void
check_unreadable_tree (const char *base)
{
  g_autofree char *locked = g_build_filename (base, "locked", NULL);
  g_autofree char *secret = g_build_filename (base, "secret.pdf", NULL);
  g_autofree char *open_pdf = g_build_filename (base, "open.pdf", NULL);
  const char *paths[] = { base, NULL };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  AssayInputFile *file;

  files = assay_input_expand (paths, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 3);

  file = find_file (files, locked);
  g_assert_nonnull (file);
  g_assert_true (file->identified);
  g_assert_cmpint (file->kind, ==, ASSAY_INPUT_UNREADABLE);
  g_assert_cmpstr (file->reason, ==,
                   "Permission denied: you may not open this folder. Check its permissions.");

  file = find_file (files, open_pdf);
  g_assert_nonnull (file);
  g_assert_true (assay_input_identify (file, NULL, &error));
  g_assert_cmpint (file->kind, ==, ASSAY_INPUT_PDF);

  file = find_file (files, secret);
  g_assert_nonnull (file);
  g_assert_false (file->identified);
  g_assert_true (assay_input_identify (file, NULL, &error));
  g_assert_cmpint (file->kind, ==, ASSAY_INPUT_UNREADABLE);
  g_assert_cmpstr (file->reason, ==,
                   "Permission denied: you may not read this file. Check its permissions.");
}

static void
test_unreadable_folder (void)
{
  g_autofree char *base = NULL;

  if (g_test_subprocess ())
    {
      const char *tree = g_getenv ("ASSAY_TEST_UNREADABLE_TREE");

      g_assert_nonnull (tree);
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setgid (NOBODY_GID), ==, 0);
      g_assert_cmpint (setuid (NOBODY_UID), ==, 0);
      g_assert_cmpint (geteuid (), ==, NOBODY_UID);
      check_unreadable_tree (tree);
      return;
    }

  /* "nobody" must be able to reach the tree: make it in the shared
   * temporary folder, not in this test's private one. */
  base = g_dir_make_tmp ("assay-test-input-XXXXXX", NULL);
  g_assert_nonnull (base);
  g_assert_cmpint (g_chmod (base, 0755), ==, 0);

  {
    g_autofree char *locked_pdf = g_build_filename (base, "locked", "f.pdf", NULL);
    g_autofree char *locked = g_build_filename (base, "locked", NULL);
    g_autofree char *secret = g_build_filename (base, "secret.pdf", NULL);
    g_autofree char *open_pdf = g_build_filename (base, "open.pdf", NULL);

    write_file (locked_pdf, "%PDF-1.4\n", -1);
    write_file (secret, "%PDF-1.4\n", -1);
    write_file (open_pdf, "%PDF-1.4\n", -1);
    g_assert_cmpint (g_chmod (locked, 0), ==, 0);
    g_assert_cmpint (g_chmod (secret, 0), ==, 0);

    if (geteuid () == 0)
      {
        g_setenv ("ASSAY_TEST_UNREADABLE_TREE", base, TRUE);
        g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed ();
      }
    else
      check_unreadable_tree (base);

    g_assert_cmpint (g_chmod (locked, 0755), ==, 0);
    g_assert_cmpint (g_remove (locked_pdf), ==, 0);
    g_assert_cmpint (g_remove (locked), ==, 0);
    g_assert_cmpint (g_remove (secret), ==, 0);
    g_assert_cmpint (g_remove (open_pdf), ==, 0);
    g_assert_cmpint (g_remove (base), ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/input/expand", test_expand);
  g_test_add_func ("/assay/input/expand-async", test_expand_async);
  g_test_add_func ("/assay/input/expand-cancelled", test_expand_cancelled);
  g_test_add_func ("/assay/input/limit", test_limit);
  g_test_add_func ("/assay/input/identify-sha256", test_identify_sha256);
  g_test_add_func ("/assay/input/identify-special", test_identify_special);
  g_test_add_func ("/assay/input/describe-content", test_describe_content);
  g_test_add_func ("/assay/input/unreadable-folder", test_unreadable_folder);

  return g_test_run ();
}
