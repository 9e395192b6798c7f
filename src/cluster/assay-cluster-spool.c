/* assay-cluster-spool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cluster-spool"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "assay-cluster-spool.h"

static gboolean
is_own_dir (const char *path)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == getuid () &&
         (st.st_mode & 0077) == 0;
}

/**
 * assay_cluster_spool_dup_dir:
 *
 * Returns: (transfer full): the folder, readable by this user only
 *   (made if missing): `assay/worker-pdfs` in the user's cache folder, or,
 *   when that cannot be made (no home), `assay-worker-pdfs-<uid>` in the
 *   temporary folder; never a folder other programs' files are in
 */
char *
assay_cluster_spool_dup_dir (void)
{
  g_autofree char *cached = g_build_filename (g_get_user_cache_dir (), "assay", "worker-pdfs", NULL);
  g_autofree char *name = NULL;
  char *tmp;

  if (g_mkdir_with_parents (cached, 0700) == 0)
    return g_steal_pointer (&cached);

  name = g_strdup_printf ("assay-worker-pdfs-%ld", (long) getuid ());
  tmp = g_build_filename (g_get_tmp_dir (), name, NULL);
  /* A shared folder: ours only if this user made it (not a link). */
  if (g_mkdir_with_parents (tmp, 0700) == 0 && is_own_dir (tmp))
    {
      g_free (g_steal_pointer (&cached));
      return tmp;
    }
  g_free (tmp);

  /* Neither: each job then fails saying where it could not write. */
  return g_steal_pointer (&cached);
}

/**
 * assay_cluster_spool_open:
 * @path: (out): the new file's path
 *
 * Makes a new empty file in @dir (`<pid>-XXXXXX.pdf`), readable by this
 * user only.
 *
 * Returns: its descriptor, or -1 with @error set
 */
int
assay_cluster_spool_open (const char  *dir,
                          char       **path,
                          GError     **error)
{
  g_autofree char *name = g_strdup_printf ("%ld-XXXXXX.pdf", (long) getpid ());
  g_autofree char *template_ = g_build_filename (dir, name, NULL);
  int fd = g_mkstemp_full (template_, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", template_, g_strerror (saved_errno));
      return -1;
    }
  *path = g_steal_pointer (&template_);

  return fd;
}

/* The process id a spool file is named by, or 0. */
static pid_t
owner_of (const char *name)
{
  char *end = NULL;
  gint64 pid;

  if (!g_str_has_suffix (name, ".pdf"))
    return 0;
  pid = g_ascii_strtoll (name, &end, 10);
  if (end == name || *end != '-' || pid <= 0 || pid > G_MAXINT32)
    return 0;

  return (pid_t) pid;
}

/**
 * assay_cluster_spool_sweep:
 *
 * Removes the files in @dir of workers no longer running (a process
 * whose id is in use by another program keeps its file until it ends).
 *
 * Returns: how many were removed
 */
guint
assay_cluster_spool_sweep (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      pid_t pid = owner_of (name);
      g_autofree char *path = NULL;

      if (pid == 0 || pid == getpid () || kill (pid, 0) == 0 || errno != ESRCH)
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) == 0)
        n++;
    }

  return n;
}
