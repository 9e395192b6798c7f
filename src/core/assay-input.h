/* assay-input.h — turning what the user named into documents to process
 *
 * Folders are expanded recursively (symlink loops and unreadable folders are
 * reported, not fatal); files are recognised as PDF by their content, never
 * their extension; each file's content hash identifies it so that the same
 * content given twice is processed once.
 *
 * Inside folders, names starting with '.' are skipped, entries come in byte
 * order of their names, and special files are ignored; a path named
 * explicitly is always kept. The same file reached twice (by canonical path)
 * is listed once. See assay-input.c for the full rules.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_INPUT_PDF,
  ASSAY_INPUT_NOT_PDF,      /* reason says what it looks like */
  ASSAY_INPUT_EMPTY,
  ASSAY_INPUT_MISSING,
  ASSAY_INPUT_UNREADABLE,
} AssayInputKind;

/* Folders contribute at most this many names to one expansion. */
#define ASSAY_INPUT_MAX_ENTRIES 1000000

typedef struct
{
  char           *path;        /* absolute; GLib file name encoding */
  gboolean        explicit_;   /* named by the user, not found inside a folder */
  AssayInputKind  kind;        /* meaningful once identified is TRUE */
  char           *reason;      /* person-readable, translated, for anything but PDF */
  char           *sha256;      /* lowercase hex, PDFs only */
  goffset         size;        /* bytes; -1 until identified */
  gboolean        identified;  /* by assay_input_identify(), or by the walk for
                                * missing paths, unreadable folders and loops */
} AssayInputFile;

AssayInputFile *assay_input_file_new      (const char      *path,
                                           gboolean         explicit_);
void            assay_input_file_free     (AssayInputFile  *self);
gboolean        assay_input_identify      (AssayInputFile  *self,
                                           GCancellable    *cancellable,
                                           GError         **error);
void            assay_input_sniff         (AssayInputFile  *self);
GPtrArray      *assay_input_expand        (const char * const *paths,
                                           guint            max_entries,
                                           GCancellable    *cancellable,
                                           GError         **error);
void            assay_input_expand_async  (const char * const *paths,
                                           GCancellable    *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer         user_data);
GPtrArray      *assay_input_expand_finish (GAsyncResult    *result,
                                           GError         **error);
char           *assay_input_describe_content (const guint8 *head,
                                              gsize         length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayInputFile, assay_input_file_free)

G_END_DECLS
