"""NeuronSurrogate's NEURON driver: runs one shard of traces of a cell file in NEURON (DESIGN section 8).

    python3 neuron_driver.py describe CELL.py
    python3 neuron_driver.py simulate CELL.py INPUT.bin OUTPUT.bin [EVENTS.bin]

`describe` prints one JSON line (after the marker) with the cell's injection sites, dt, v_init, celsius and size.
`simulate` reads the shard's currents (little-endian: int32 magic 0x4E535552, int32 traces, int32 steps,
int32 inputs, float64 recording dt, float64 largest solver dt or 0 for the cell's own (negative: CVode with
that absolute tolerance), then float64
currents[inputs][traces][steps] in nA, input 0 = "current", then the other columns named on a line of text
after the numbers) and writes float64 voltages[traces][steps] in mV to OUTPUT.bin. Each current is played into an
IClamp at its site (delay 0, dur 1e9) with Vector.play at the recording step: current[k] holds over [t_k, t_k+dt)
and first shows in v[k+1]; v is recorded every recording step from t = 0. A cell file whose dict lists
"synapses" takes events: EVENTS.bin holds int32 magic 0x4E535545, int32 traces, int32 synapses, int32 0, then
int64 counts[traces], then per trace int32 synapse[count] and float64 time_ms[count], sorted by time; each event is
queued with NetCon.event on every target of its synapse once the cell is initialized. A cell file that names
MECHANISMS (a folder of .mod files beside it) has them compiled by nrnivmodl once, cached by content, and loaded
before build(h). A cell file whose dict says
"reentrant": True (build(h) makes an independent copy at each call) is built up to 100 times and that many traces
run in one simulation.
Every failure is one line on stderr starting with "neuron-surrogate-error:" and exit code 3 (the cell) or 4.
"""

import array
import fcntl
import hashlib
import importlib.util
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

MAGIC = 0x4E535552
EVENTS_MAGIC = 0x4E535545
KINDS = ("excitatory", "inhibitory")
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
    library = load_mechanisms(h, module, path)
    return h, module, build_cell(h, module, path), library


def load_mechanisms(h, module, path):
    """Compiles (once, cached by content) and loads the cell's MECHANISMS folder; returns the library or ""."""
    folder = getattr(module, "MECHANISMS", None)
    if folder is None:
        return ""
    if not isinstance(folder, str):
        fail(3, "%s: MECHANISMS is %r; expected a folder of .mod files, relative to the cell file" % (path, folder))
    folder = os.path.join(os.path.dirname(os.path.abspath(path)), folder)
    mods = sorted(f for f in os.listdir(folder) if f.endswith(".mod")) if os.path.isdir(folder) else []
    if not mods:
        fail(3, "%s: MECHANISMS names %s, which is not a folder of .mod files" % (path, folder))
    library = compiled_library(h, folder, mods, path)
    if h.nrn_load_dll(library) != 1:
        fail(4, "NEURON could not load %s (the mechanisms of %s)" % (library, path))
    return library


def compiled_library(h, folder, mods, path):
    digest = hashlib.sha256(h.nrnversion().encode())
    for name in mods:
        with open(os.path.join(folder, name), "rb") as f:
            digest.update(name.encode() + b"\0" + f.read() + b"\0")
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                         "neuron-surrogate", "nrnmech")
    target = os.path.join(cache, digest.hexdigest()[:24])
    library = os.path.join(target, "libnrnmech.so")
    if os.path.isfile(library):
        return library
    os.makedirs(cache, exist_ok=True)
    # One compilation at a time per cache; whoever waited finds the library built.
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isfile(library):
            build_library(folder, mods, cache, target, path)
    return library


def nrnivmodl():
    """nrnivmodl beside this Python (pip's neuron) or on the PATH, and the environment it needs."""
    here = os.path.dirname(sys.executable)
    tool = shutil.which("nrnivmodl", path=here + os.pathsep + os.environ.get("PATH", ""))
    if tool is None:
        fail(3, "the cell file's MECHANISMS need nrnivmodl, which is not installed: on Debian or Ubuntu "
                "`apt-get install neuron-dev make g++`, elsewhere `pip install neuron` (it ships nrnivmodl)")
    env = dict(os.environ)
    # Debian 12's neuron-dev puts nrnmech_makefile and libnrniv.so under /usr/lib/nrn, where its nrnivmodl does not
    # look (it wants them in /usr/bin and /usr/lib): give it an NRNHOME, a tree of links with the layout it expects.
    # Its link of the `special` executable then fails on a missing header; NEURON's Python needs only the library.
    if "NRNHOME" not in env and not os.path.isfile(os.path.join(os.path.dirname(tool), "nrnmech_makefile")) \
            and os.path.isfile("/usr/lib/nrn/nrnmech_makefile"):
        env["NRNHOME"] = debian_home(os.path.dirname(tool))
    return tool, env


def debian_home(bindir):
    home = os.path.join(tempfile.gettempdir(), "neuron-surrogate", "nrnhome-%d" % os.getuid())
    links = {"bin/nocmodl": os.path.join(bindir, "nocmodl"), "bin/modlunit": os.path.join(bindir, "modlunit"),
             "bin/nrnmech_makefile": "/usr/lib/nrn/nrnmech_makefile", "lib/libnrniv.so": "/usr/lib/nrn/libnrniv.so",
             "include": "/usr/include", "share/nrn": "/usr/share/nrn"}
    for name, source in links.items():
        link = os.path.join(home, name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.realpath(link) != os.path.realpath(source):
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(source, link)
    return home


def build_library(folder, mods, cache, target, path):
    tool, env = nrnivmodl()
    work = tempfile.mkdtemp(prefix="build-", dir=cache)
    try:
        for name in mods:
            shutil.copyfile(os.path.join(folder, name), os.path.join(work, name))
        try:
            run = subprocess.run([tool] + mods, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            fail(3, "%s: nrnivmodl did not run on %s (%s)" % (path, folder, e))
        built = [os.path.join(work, d, n) for d in ("x86_64", "aarch64", "arm64", "x86_64/.libs", "aarch64/.libs")
                 for n in ("libnrnmech.so", "libnrnmech.dylib")]
        built = [b for b in built if os.path.isfile(b)]
        if not built:
            fail(3, "%s: the mechanisms in %s do not compile: %s" % (path, folder,
                                                                    first_error(run.stdout.decode("utf-8", "replace"))))
        staged = os.path.join(work, "staged")
        os.makedirs(staged)
        shutil.copyfile(built[0], os.path.join(staged, "libnrnmech.so"))
        os.rename(staged, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def first_error(log):
    """nocmodl's or the compiler's first error, with the file it names, on one line."""
    lines = [l.strip() for l in log.splitlines() if l.strip()]
    for i, line in enumerate(lines):
        if re.search(r"error", line, re.IGNORECASE) and not line.startswith("make"):
            parts = [line]
            for more in lines[i + 1:i + 4]:
                if more.startswith("make") or more == "^":
                    break
                parts.append(more)
                if re.search(r"line \d+", more):
                    break
            return " ".join(parts)
    return lines[-1] if lines else "nrnivmodl printed nothing"


def build_cell(h, module, path):
    try:
        cell = module.build(h)
    except Exception as e:
        missing = re.search(r"has no attribute '(\w+)'|argument not a density mechanism name", str(e))
        if missing:
            fail(3, "%s: build(h) uses a mechanism that NEURON and the cell's MECHANISMS do not provide: %s"
                 % (path, where(e, path)))
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
    check_synapses(h, cell, path)
    return cell


def check_synapses(h, cell, path):
    synapses = cell.get("synapses", [])
    if not isinstance(synapses, list):
        fail(3, "%s: build(h)['synapses'] is %s; expected a list of inputs" % (path, type(synapses).__name__))
    for i, syn in enumerate(synapses):
        expected = "a dict with 'name', 'kind' (excitatory or inhibitory) and 'targets', a list of (point process, weight in uS)"
        if not isinstance(syn, dict) or syn.get("kind") not in KINDS or not isinstance(syn.get("targets"), list) \
                or not syn["targets"]:
            fail(3, "%s: synapses[%d] is %r; expected %s" % (path, i, syn, expected))
        for target in syn["targets"]:
            ok = isinstance(target, (tuple, list)) and len(target) == 2 and hasattr(target[0], "get_segment") \
                and isinstance(target[1], (int, float)) and math.isfinite(target[1])
            if not ok:
                fail(3, "%s: synapses[%d] ('%s') has target %r; expected (point process, weight in uS)"
                     % (path, i, syn.get("name", ""), target))
    if "soma" in cell and not is_segment(h, cell["soma"]):
        fail(3, "%s: build(h)['soma'] is %r; expected a segment such as soma(0.5)" % (path, cell["soma"]))


def synapse_table(h, cell):
    origin = cell.get("soma", cell["record"])
    table = []
    for i, syn in enumerate(cell.get("synapses", [])):
        seg = syn["targets"][0][0].get_segment()
        table.append({"id": i, "name": str(syn.get("name", "")), "kind": syn["kind"], "section": seg.sec.name(),
                      "x": seg.x, "distance_um": h.distance(origin, seg), "length_um": seg.sec.L / seg.sec.nseg})
    return table


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
    h, _, cell, library = load_cell(path)
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
        "mechanisms": library,
        "synapses": synapse_table(h, cell),
    }
    sys.stdout.write("\n" + MARK + json.dumps(info) + "\n")


def read_events(events_path, traces, synapses):
    """Per trace, the (synapse ids, times) arrays of EVENTS.bin."""
    with open(events_path, "rb") as f:
        magic, count, inputs, _ = struct.unpack("<4i", f.read(16))
        if magic != EVENTS_MAGIC or count != traces:
            fail(4, "%s: not the events of this shard" % events_path)
        if inputs != synapses:
            fail(4, "%s: events for %d synapses, the cell has %d" % (events_path, inputs, synapses))
        counts = array.array("q")
        counts.fromfile(f, traces)
        result = []
        for n in counts:
            ids, times = array.array("i"), array.array("d")
            ids.fromfile(f, n)
            times.fromfile(f, n)
            result.append((ids, times))
    return result


def simulate(path, input_path, output_path, events_path=None):
    h, module, cell, _ = load_cell(path)
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
    events = None
    if events_path is not None:
        if not cell.get("synapses"):
            fail(3, "%s: the traces come with input events but build(h) lists no 'synapses'" % path)
        events = read_events(events_path, traces, len(cell["synapses"]))
    elif cell.get("reentrant"):
        copies += [build_cell(h, module, path) for _ in range(min(traces, MAX_COPIES) - 1)]
    h.celsius = float(cell.get("celsius", h.celsius))
    # A negative solver dt asks for CVode (variable step) with that absolute tolerance; v is still recorded every
    # recording step and the currents still change only at recording steps.
    cvode = solver_dt < 0
    h.cvode.active(1 if cvode else 0)
    if cvode:
        h.cvode.atol(-solver_dt)
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
    # Each input's NetCons (delay 0); the current trace's events are queued once finitialize has cleared the queue.
    netcons = []
    for syn in cell.get("synapses", []) if events is not None else []:
        targets = []
        for pp, weight in syn["targets"]:
            nc = h.NetCon(None, pp)
            nc.delay = 0
            nc.weight[0] = weight
            targets.append(nc)
        netcons.append(targets)
    current = [None]

    def queue_events():
        if current[0] is None:
            return
        ids, times = current[0]
        for s, t in zip(ids, times):
            for nc in netcons[s]:
                nc.event(t)

    handler = h.FInitializeHandler(queue_events)
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
        if events is not None:
            current[0] = events[start]
        h.finitialize(v_init)
        if cvode:
            h.cvode.solve(tstop)
        else:
            h.neuron_surrogate_run(tstop)
        for c, record in enumerate(records):
            if start + c >= traces:
                break
            if record.size() < steps:
                fail(4, "NEURON recorded %d samples of trace %d, expected %d" % (record.size(), start + c, steps))
            record.fwrite(sink, 0, steps - 1)
    sink.close()
    source.close()
    del handler


def main(argv):
    if len(argv) == 3 and argv[1] == "describe":
        describe(argv[2])
    elif len(argv) in (5, 6) and argv[1] == "simulate":
        simulate(argv[2], argv[3], argv[4], argv[5] if len(argv) == 6 else None)
    else:
        fail(4, "usage: neuron_driver.py describe CELL.py | simulate CELL.py INPUT.bin OUTPUT.bin [EVENTS.bin]")


if __name__ == "__main__":
    main(sys.argv)
