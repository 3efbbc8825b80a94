"""NeuronSurrogate's NEURON driver: runs one shard of traces of a cell file in NEURON (DESIGN section 8).

    python3 neuron_driver.py describe CELL.py
    python3 neuron_driver.py simulate CELL.py INPUT.bin OUTPUT.bin

`describe` prints one JSON line (after the marker) with the cell's injection sites, dt, v_init, celsius and size.
`simulate` reads the shard's currents (little-endian: int32 magic 0x4E535552, int32 traces, int32 steps,
int32 inputs, float64 recording dt, float64 largest solver dt or 0 for the cell's own, then float64
currents[inputs][traces][steps] in nA, input 0 = "current", then the other columns named on a line of text
after the numbers) and writes float64 voltages[traces][steps] in mV to OUTPUT.bin. Each current is played into an
IClamp at its site (delay 0, dur 1e9) with Vector.play at the recording step: current[k] holds over [t_k, t_k+dt)
and first shows in v[k+1]; v is recorded every recording step from t = 0. A cell file whose dict says
"reentrant": True (build(h) makes an independent copy at each call) is built up to 100 times and that many traces
run in one simulation.
Every failure is one line on stderr starting with "neuron-surrogate-error:" and exit code 3 (the cell) or 4.
"""

import importlib.util
import json
import math
import os
import struct
import sys

MAGIC = 0x4E535552
MAX_COPIES = 100
HEADER_BYTES = 32
MARK = "neuron-surrogate-describe:"


def fail(code, message):
    sys.stderr.write("neuron-surrogate-error: " + " ".join(str(message).split()) + "\n")
    sys.stderr.flush()
    sys.exit(code)


def load_cell(path):
    try:
        from neuron import h
    except ImportError as e:
        fail(5, "cannot import NEURON's Python module (%s)" % e)
    h.load_file("stdrun.hoc")
    spec = importlib.util.spec_from_file_location("neuron_surrogate_cell", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        fail(3, "%s does not load: %s" % (path, where(e, path)))
    if not hasattr(module, "build"):
        fail(3, "%s: expected a function build(h) that makes the cell and returns its sites" % path)
    return h, module, build_cell(h, module, path)


def build_cell(h, module, path):
    try:
        cell = module.build(h)
    except Exception as e:
        fail(3, "%s: build(h) failed: %s" % (path, where(e, path)))
    if not isinstance(cell, dict):
        fail(3, "%s: build(h) returned %s; expected a dict with 'inject' and 'record'" % (path, type(cell).__name__))
    inject = cell.get("inject")
    if not isinstance(inject, dict) or "current" not in inject:
        fail(3, "%s: expected build(h)['inject'], a dict of CSV current column -> segment with at least 'current'" % path)
    for name, seg in inject.items():
        if not is_segment(h, seg):
            fail(3, "%s: inject['%s'] is %r; expected a segment such as soma(0.5)" % (path, name, seg))
    if not is_segment(h, cell.get("record")):
        fail(3, "%s: expected build(h)['record'], the segment whose v is recorded, e.g. soma(0.5)" % path)
    return cell


def is_segment(h, seg):
    return seg is not None and type(seg).__name__ == "Segment" and hasattr(seg, "sec")


def where(e, path):
    """The exception and the cell file's line it came from, on one line."""
    line = ""
    tb = e.__traceback__
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == os.path.abspath(path):
            line = " (line %d)" % tb.tb_lineno
        tb = tb.tb_next
    if isinstance(e, SyntaxError) and e.lineno:
        line = " (line %d)" % e.lineno
    return "%s: %s%s" % (type(e).__name__, e, line)


def describe(path):
    h, _, cell = load_cell(path)
    info = {
        "inject": list(cell["inject"].keys()),
        "dt": float(cell.get("dt", 0.025)),
        "v_init": float(cell.get("v_init", -65)),
        "celsius": float(cell.get("celsius", h.celsius)),
        "mixed_max_current": float(cell.get("mixed_max_current", 1.0)),
        "reentrant": bool(cell.get("reentrant", False)),
        "sections": sum(1 for _ in h.allsec()),
        "segments": sum(sec.nseg for sec in h.allsec()),
        "neuron": h.nrnversion(),
    }
    sys.stdout.write("\n" + MARK + json.dumps(info) + "\n")


def simulate(path, input_path, output_path):
    h, module, cell = load_cell(path)
    with open(input_path, "rb") as f:
        magic, traces, steps, inputs = struct.unpack("<4i", f.read(HEADER_BYTES // 2))
        if magic != MAGIC:
            fail(4, "%s: not a NeuronSurrogate shard file" % input_path)
        recording_dt, solver_dt = struct.unpack("<2d", f.read(HEADER_BYTES // 2))
        f.seek(HEADER_BYTES + 8 * inputs * traces * steps)
        names = f.read().decode("utf-8").split()
    if sys.byteorder != "little":
        fail(4, "the shard files are little-endian; this machine is not")
    # Currents go into the play vectors and voltages out of the record vectors with NEURON's own binary file
    # I/O (Vector.fread/fwrite), never as Python floats: per-element Python work would cost more than NEURON's.
    source = h.File()
    source.ropen(input_path)
    for name in names:
        if name not in cell["inject"]:
            fail(3, "%s: the traces have a '%s' column but the cell has no such injection site (it has %s)"
                 % (path, name, ", ".join(cell["inject"])))
    # A cell whose build(h) makes a fresh, independent copy each call ("reentrant": True) runs many traces in one
    # simulation: NEURON's per-step overhead is then shared, which is what makes it fast for small cells.
    copies = [cell]
    if cell.get("reentrant"):
        copies += [build_cell(h, module, path) for _ in range(min(traces, MAX_COPIES) - 1)]
    h.celsius = float(cell.get("celsius", h.celsius))
    largest = solver_dt if solver_dt > 0 else float(cell.get("dt", 0.025))
    h.dt = recording_dt / max(1, math.ceil(recording_dt / largest * (1 - 1e-9)))
    v_init = float(cell.get("v_init", -65))
    keep, plays, records = [], [], []
    for copy in copies:
        copy_plays = []
        for name in names:
            stim = h.IClamp(copy["inject"][name])
            stim.delay = 0
            stim.dur = 1e9
            play = h.Vector(steps)
            play.play(stim._ref_amp, recording_dt)
            keep.append(stim)
            copy_plays.append(play)
        record = h.Vector()
        record.record(copy["record"]._ref_v, recording_dt)
        plays.append(copy_plays)
        records.append(record)
    h("proc neuron_surrogate_run() { while (t < $1 - dt / 2) { fadvance() } }")
    # One recording step past the last sample, so rounding in t never loses it; the extra sample is dropped.
    tstop = steps * recording_dt
    sink = h.File()
    sink.wopen(output_path)
    for start in range(0, traces, len(copies)):
        for c, copy_plays in enumerate(plays):
            trace = start + c
            for i, play in enumerate(copy_plays):
                if trace < traces:
                    source.seek(HEADER_BYTES + 8 * (i * traces + trace) * steps)
                    play.fread(source, steps)
                else:
                    play.fill(0)
        h.finitialize(v_init)
        h.neuron_surrogate_run(tstop)
        for c, record in enumerate(records):
            if start + c >= traces:
                break
            if record.size() < steps:
                fail(4, "NEURON recorded %d samples of trace %d, expected %d" % (record.size(), start + c, steps))
            record.fwrite(sink, 0, steps - 1)
    sink.close()
    source.close()


def main(argv):
    if len(argv) == 3 and argv[1] == "describe":
        describe(argv[2])
    elif len(argv) == 5 and argv[1] == "simulate":
        simulate(argv[2], argv[3], argv[4])
    else:
        fail(4, "usage: neuron_driver.py describe CELL.py | simulate CELL.py INPUT.bin OUTPUT.bin")


if __name__ == "__main__":
    main(sys.argv)
