/* assay-latency-probe.h — how late the main loop runs a periodic timer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread only. A ~10 ms timeout records, each time it fires, how much
 * later than planned it ran; a stall of the main loop shows up as one late
 * sample. The summary is written as JSON:
 *   {"samples": N, "p50_ms": …, "p99_ms": …, "max_ms": …}
 * and, when the application told it, "first_frame_ms": launch to the first
 * frame of the first window.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AssayLatencyProbe AssayLatencyProbe;

AssayLatencyProbe *assay_latency_probe_new         (guint               interval_ms);
void               assay_latency_probe_stop        (AssayLatencyProbe  *self);
void               assay_latency_probe_free        (AssayLatencyProbe  *self);
void               assay_latency_probe_set_first_frame (AssayLatencyProbe *self,
                                                    double             ms);
void               assay_latency_probe_frame_started (AssayLatencyProbe *self);
void               assay_latency_probe_frame_ended (AssayLatencyProbe *self);
void               assay_latency_probe_frame_resized (AssayLatencyProbe *self);
guint              assay_latency_probe_get_n_frames (AssayLatencyProbe *self);
guint              assay_latency_probe_get_n_samples (AssayLatencyProbe *self);
void               assay_latency_probe_summarize   (AssayLatencyProbe  *self,
                                                    double             *p50_ms,
                                                    double             *p99_ms,
                                                    double             *max_ms);
gboolean           assay_latency_probe_write       (AssayLatencyProbe  *self,
                                                    const char         *path,
                                                    GError            **error);
gboolean           assay_latency_probe_write_samples (AssayLatencyProbe  *self,
                                                     const char         *path,
                                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayLatencyProbe, assay_latency_probe_free)

G_END_DECLS
