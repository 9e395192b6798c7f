# who-relayouts.py — run inside gdb (bench/who-relayouts.sh starts it).
#
# Logs, without calling into the process (calls from breakpoints can
# deadlock it), every gtk_widget_queue_resize()/queue_allocate() with the
# asking widget's type and its ancestors' types, every
# gdk_surface_request_layout() (a layout phase: on X11 the toplevel's
# compute-size and its round trips), and the latency probe's frame ends and
# "window measured" marks, each with its call stack, to $WHO_RELAYOUTS_LOG.
# Type names are read from GLib's own tables: the offsets are found in the
# disassembly of g_quark_to_string(), g_type_name() and
# gtk_widget_get_parent() of the libraries loaded (x86-64 only).
import gdb
import os
import re
import time

out = open(os.environ.get('WHO_RELAYOUTS_LOG', 'who-relayouts.log'), 'w', buffering=1)
offsets = {}


def u64(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 8)), 'little')


def u32(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 4)), 'little')


def cstr(addr):
    return bytes(gdb.selected_inferior().read_memory(addr, 80)).split(b'\0')[0].decode('latin1')


def find_offsets():
    """The quark table, TypeNode's qname and GtkWidget's private offset and parent."""
    quark = gdb.execute('x/4i g_quark_to_string', to_string=True)
    offsets['quarks'] = int(re.search(r'\(%rip\),%rcx\s+# (0x[0-9a-f]+)', quark).group(1), 16)
    name = gdb.execute('disassemble g_type_name', to_string=True)
    offsets['qname'] = int(re.search(r'mov\s+(0x[0-9a-f]+)\(%rdi\),%edi', name).group(1), 16)
    parent = gdb.execute('disassemble gtk_widget_get_parent', to_string=True)
    offsets['priv'] = int(re.search(r'movslq\s+0x[0-9a-f]+\(%rip\),%rax\s+# (0x[0-9a-f]+)', parent).group(1), 16)
    offsets['parent'] = int(re.search(r'mov\s+(0x[0-9a-f]+)\(%rbp\),%rax', parent).group(1), 16)


def type_name(instance):
    try:
        gtype = u64(u64(instance))
        if gtype <= 0x3fc:
            return 'fundamental'
        return cstr(u64(u64(offsets['quarks']) + 8 * u32((gtype & ~3) + offsets['qname'])))
    except gdb.MemoryError:
        return '?'


def ancestors(widget, n=5):
    priv_off = u32(offsets['priv'])
    priv_off = priv_off - (1 << 32) if priv_off >= (1 << 31) else priv_off
    names = []
    try:
        for _ in range(n):
            widget = u64(widget + priv_off + offsets['parent'])
            if widget == 0:
                break
            names.append(type_name(widget))
    except gdb.MemoryError:
        names.append('?')
    return '/'.join(names)


def stack(n=14):
    frame = gdb.newest_frame().older()
    names = []
    while frame is not None and len(names) < n:
        names.append(frame.name() or '%x' % frame.pc())
        frame = frame.older()
    return ' < '.join(names)


class Probe(gdb.Breakpoint):
    def __init__(self, spec, tag, widget):
        super().__init__(spec)
        self.tag = tag
        self.widget = widget

    def stop(self):
        if not offsets:
            find_offsets()
        now = time.monotonic()
        if self.tag in ('FRAME', 'RESIZED'):
            out.write('%.6f %s\n' % (now, self.tag))
            return False
        who = ''
        if self.widget:
            rdi = int(gdb.selected_frame().read_register('rdi'))
            who = ' %s %x [%s]' % (type_name(rdi), rdi, ancestors(rdi))
        out.write('%.6f %s%s | %s\n' % (now, self.tag, who, stack()))
        return False


gdb.execute('set pagination off')
gdb.execute('set confirm off')
for sig in ('SIGPIPE', 'SIGCHLD', 'SIGUSR1', 'SIGTERM', 'SIGINT'):
    gdb.execute('handle %s nostop noprint pass' % sig, to_string=True)
gdb.execute('start', to_string=True)
Probe('gtk_widget_queue_resize', 'QR', True)
Probe('gtk_widget_queue_allocate', 'QA', True)
Probe('gdk_surface_request_layout', 'LAYOUT', False)
Probe('assay_latency_probe_frame_resized', 'RESIZED', False)
Probe('assay_latency_probe_frame_ended', 'FRAME', False)
gdb.execute('continue')
