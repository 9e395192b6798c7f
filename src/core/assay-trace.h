/* assay-trace.h — trace-event JSON (Chrome/Perfetto) of stage spans
 *
 * Main thread only. One track per document: each span is a complete ("X")
 * event with the document's index as its thread id and its name as the
 * track name. Spans are written to the file as they end, so memory stays
 * flat; assay_trace_close() finishes the JSON array.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AssayTrace AssayTrace;

AssayTrace *assay_trace_new         (const char  *path,
                                     GError     **error);
void        assay_trace_name_track  (AssayTrace  *self,
                                     guint        track,
                                     const char  *name);
void        assay_trace_span        (AssayTrace  *self,
                                     guint        track,
                                     const char  *name,
                                     gint64       start_us,
                                     gint64       end_us,
                                     const char  *detail);
gboolean    assay_trace_close       (AssayTrace  *self,
                                     GError     **error);
void        assay_trace_free        (AssayTrace  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayTrace, assay_trace_free)

G_END_DECLS
