/* assay-string-list.c — a GtkStringList brought up to date in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list view over a GtkStringList (a GtkDropDown's popover, open or not)
 * makes list items for whatever a change of the list adds. Setting all of
 * it again for every new set of strings rebuilds every item; this splices
 * only the run that differs between what the list holds and what it
 * should hold: the strings before and after it keep their objects (and
 * a drop-down's selection), and unchanged strings change nothing.
 */
#define G_LOG_DOMAIN "assay-string-list"

#include "config.h"

#include "assay-string-list.h"

/**
 * assay_string_list_update:
 * @list: the list to bring up to date
 * @strings: (nullable) (array zero-terminated=1): what it should hold
 *   (%NULL: nothing)
 *
 * Makes @list hold @strings, in one change of the list at most: the
 * strings from the first that differs to the last that differs are
 * replaced, the common start and end are kept.
 *
 * Returns: whether @list changed
 */
gboolean
assay_string_list_update (GtkStringList      *list,
                          const char * const *strings)
{
  GListModel *model = G_LIST_MODEL (list);
  guint n_old;
  guint n_new;
  guint start = 0;
  guint end = 0;
  g_autofree const char **added = NULL;

  g_return_val_if_fail (GTK_IS_STRING_LIST (list), FALSE);

  n_old = g_list_model_get_n_items (model);
  n_new = strings != NULL ? g_strv_length ((char **) strings) : 0;

  while (start < n_old && start < n_new &&
         g_strcmp0 (gtk_string_list_get_string (list, start), strings[start]) == 0)
    start++;
  if (start == n_old && start == n_new)
    return FALSE;
  while (end < n_old - start && end < n_new - start &&
         g_strcmp0 (gtk_string_list_get_string (list, n_old - 1 - end), strings[n_new - 1 - end]) == 0)
    end++;

  added = g_new0 (const char *, n_new - start - end + 1);
  for (guint i = start; i < n_new - end; i++)
    added[i - start] = strings[i];
  gtk_string_list_splice (list, start, n_old - start - end, added);

  return TRUE;
}
