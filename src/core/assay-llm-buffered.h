/* assay-llm-buffered.h — a read buffer under libsoup's connections
 *
 * Streamed answers arrive as hundreds of small HTTP chunks; libsoup reads
 * each with two small reads from the connection. The resolver returned
 * here, set as a SoupSession's "proxy-resolver", keeps the system's proxy
 * settings and gives every direct connection a 64 KiB read buffer, so that
 * one recv() serves many chunks, and libsoup reads the chunks that one
 * recv() brought as one. Main thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GProxyResolver *assay_llm_buffered_proxy_resolver_new (void);
GInputStream   *assay_llm_buffered_input_new          (GInputStream *base);
void            assay_llm_buffered_begin_pass         (void);
void            assay_llm_buffered_end_pass           (void);

G_END_DECLS
