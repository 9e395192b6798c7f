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

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-cluster-spool.h"

/**
 * assay_cluster_spool_dup_dir:
 *
 * Returns: (transfer full): `assay/worker-pdfs/<host name>` in the user's
 *   cache folder
 */
char *
assay_cluster_spool_dup_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "assay", "worker-pdfs", g_get_host_name (), NULL);
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

/* Removes the files in @dir of workers no longer running, and this
 * process's own (it has spooled nothing yet). A process whose id another
 * program took since keeps its file until that one ends. */
static guint
sweep (const char *dir)
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

      if (pid == 0 || (pid != getpid () && (kill (pid, 0) == 0 || errno != ESRCH)))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) == 0)
        n++;
    }

  return n;
}

/**
 * assay_cluster_spool_prepare:
 * @n_removed: (out) (optional): how many files killed workers left there
 *   were removed
 *
 * Makes @dir if missing, readable by this user only, and removes what
 * killed workers left in it. Call once, before this process spools
 * anything.
 *
 * Returns: %FALSE with @error set when @dir is not a folder of this
 *   user's own (then nothing can be read: the worker should not start)
 */
gboolean
assay_cluster_spool_prepare (const char  *dir,
                             guint       *n_removed,
                             GError     **error)
{
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0 || g_lstat (dir, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot keep the PDFs being read in %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode) || st.st_uid != getuid ())
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("Cannot keep the PDFs being read in %s: it is not a folder of this user’s own"), dir);
      return FALSE;
    }
  if ((st.st_mode & 0077) != 0 && g_chmod (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot keep the PDFs being read in %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (n_removed != NULL)
    *n_removed = sweep (dir);
  else
    sweep (dir);

  return TRUE;
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
