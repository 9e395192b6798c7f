/* assay-trace.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is the JSON object format of the Trace Event Format:
 *
 *   {"traceEvents":[
 *   {"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"assay"}},
 *   {"name":"read","cat":"stage","ph":"X","ts":12,"dur":40,"pid":1,"tid":1,...},
 *   ...
 *   ],
 *   "displayTimeUnit":"ms"}
 *
 * Each event is one line, written through a stdio buffer as soon as it is
 * known; only the closing brackets wait for assay_trace_close().
 */
#define G_LOG_DOMAIN "assay-trace"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-trace.h"

struct _AssayTrace
{
  FILE    *file;
  char    *path;
  gint64   start_us;    /* g_get_monotonic_time() when created */
  int      write_errno; /* first write error, 0 if none */
  gboolean closed;
};

static void
write_text (AssayTrace *self,
            const char *text)
{
  if (self->write_errno != 0)
    return;

  if (fputs (text, self->file) == EOF)
    self->write_errno = errno != 0 ? errno : EIO;
}

/* Writes @event (consumed) as the next element of "traceEvents". */
static void
write_event (AssayTrace *self,
             JsonNode   *event)
{
  g_autoptr(JsonNode) node = event;
  g_autofree char *text = json_to_string (node, FALSE);

  write_text (self, ",\n");
  write_text (self, text);
}

/* JSON must be UTF-8; file names need not be. */
static char *
dup_valid_utf8 (const char *text)
{
  return g_utf8_make_valid (text != NULL ? text : "", -1);
}

static JsonNode *
build_metadata (const char *name,
                guint       tid,
                const char *arg_name,
                JsonNode   *arg_value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "ph");
  json_builder_add_string_value (builder, "M");
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "tid");
  json_builder_add_int_value (builder, tid);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, arg_name);
  json_builder_add_value (builder, arg_value);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * assay_trace_new:
 * @path: the file to write; replaced if it exists
 *
 * Starts a trace. Timestamps given to assay_trace_span() are
 * g_get_monotonic_time() values; the file shows them relative to this call.
 * Main thread only, as every function here.
 *
 * Returns: (transfer full) (nullable): the trace, or %NULL with @error set
 */
AssayTrace *
assay_trace_new (const char  *path,
                 GError     **error)
{
  AssayTrace *self;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_fopen (path, "we");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the trace file “%s”: %s"),
                   display, g_strerror (saved_errno));
      return NULL;
    }

  self = g_new0 (AssayTrace, 1);
  self->file = file;
  self->path = g_strdup (path);
  self->start_us = g_get_monotonic_time ();

  write_text (self, "{\"traceEvents\":[\n");
  /* The first element has no comma before it; every later one has. */
  {
    g_autoptr(JsonNode) process = build_metadata ("process_name", 0, "name",
                                                  json_node_init_string (json_node_alloc (),
                                                                         PACKAGE_NAME));
    g_autofree char *text = json_to_string (process, FALSE);

    write_text (self, text);
  }

  return self;
}

/**
 * assay_trace_name_track:
 * @track: 0-based (the document's index); shown as thread @track + 1
 * @name: (nullable): the track's name, typically the document's file name
 *   (any bytes: invalid UTF-8 is replaced)
 *
 * Names a track and orders it by @track in viewers.
 */
void
assay_trace_name_track (AssayTrace *self,
                        guint       track,
                        const char *name)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);
  g_return_if_fail (track < G_MAXUINT);

  valid = dup_valid_utf8 (name);
  write_event (self, build_metadata ("thread_name", track + 1, "name",
                                     json_node_init_string (json_node_alloc (), valid)));
  write_event (self, build_metadata ("thread_sort_index", track + 1, "sort_index",
                                     json_node_init_int (json_node_alloc (), track)));
}

/**
 * assay_trace_span:
 * @track: 0-based track (the document's index)
 * @name: the stage ("read", "extract", …)
 * @start_us: g_get_monotonic_time() when the span began
 * @end_us: g_get_monotonic_time() when it ended
 * @detail: (nullable): free text shown with the span (args.detail)
 *
 * Writes one complete ("X") event; "ts" and "dur" are microseconds from the
 * trace's creation. A span that began before the trace is cut at 0, and one
 * that ends before it begins has a duration of 0.
 */
void
assay_trace_span (AssayTrace *self,
                  guint       track,
                  const char *name,
                  gint64      start_us,
                  gint64      end_us,
                  const char *detail)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *valid_name = NULL;
  gint64 ts;
  gint64 dur;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);
  g_return_if_fail (name != NULL);
  g_return_if_fail (track < G_MAXUINT);

  ts = MAX (start_us - self->start_us, 0);
  dur = MAX (end_us - self->start_us - ts, 0);
  valid_name = dup_valid_utf8 (name);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, valid_name);
  json_builder_set_member_name (builder, "cat");
  json_builder_add_string_value (builder, "stage");
  json_builder_set_member_name (builder, "ph");
  json_builder_add_string_value (builder, "X");
  json_builder_set_member_name (builder, "ts");
  json_builder_add_int_value (builder, ts);
  json_builder_set_member_name (builder, "dur");
  json_builder_add_int_value (builder, dur);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "tid");
  json_builder_add_int_value (builder, (gint64) track + 1);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_object (builder);
  if (detail != NULL)
    {
      g_autofree char *valid_detail = dup_valid_utf8 (detail);

      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, valid_detail);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  write_event (self, json_builder_get_root (builder));
}

/**
 * assay_trace_close:
 *
 * Finishes the JSON and closes the file. Later calls do nothing and return
 * %TRUE; only assay_trace_free() is allowed afterwards.
 *
 * Returns: %TRUE if the whole trace was written, or %FALSE with @error set
 *   (a full disk, say)
 */
gboolean
assay_trace_close (AssayTrace  *self,
                   GError     **error)
{
  int close_errno = 0;
  int saved_errno;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->closed)
    return TRUE;

  self->closed = TRUE;
  write_text (self, "\n],\n\"displayTimeUnit\":\"ms\"}\n");

  if (fflush (self->file) != 0)
    close_errno = errno;
  if (fclose (self->file) != 0 && close_errno == 0)
    close_errno = errno;
  self->file = NULL;

  saved_errno = self->write_errno != 0 ? self->write_errno : close_errno;
  if (saved_errno != 0)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write the trace file “%s”: %s. Check that the disk is not full."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/**
 * assay_trace_free:
 *
 * Closes the trace if that was not done, so the file stays loadable, and
 * frees it. A write error at that point is only logged.
 */
void
assay_trace_free (AssayTrace *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;

  if (!assay_trace_close (self, &error))
    g_message ("%s", error->message);

  g_free (self->path);
  g_free (self);
}
