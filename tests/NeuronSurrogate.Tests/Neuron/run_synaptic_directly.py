"""Builds the synaptic pyramidal cell from issue 24's specification, without the project's cell file or driver, and
runs it on an input-events file: the independent reference `simulate --events` is checked against.

    python3 run_synaptic_directly.py LIBNRNMECH.so EVENTS.csv DURATION_MS OUT.txt

The base cell is models/cells/pyramid.py (the specification keeps it unchanged); the synapses are placed here from
the specification's text: on every segment but the soma's and dendrite_5[0]'s, in h.allsec() then segment order,
AMPA (Exp2Syn 0.3/3 ms, e 0, 0.4 nS) and NMDA (the compiled NMDA point process, 0.4 nS) for excitatory input i,
GABA_A (Exp2Syn 0.2/8 ms, e -80, 1 nS) for inhibitory input 201 + i. Events are queued with NetCon.event after
finitialize; the run uses stdrun's continuerun at dt 0.025 ms and writes soma(0.5).v every 0.1 ms, a line per trace.
"""
import csv
import importlib.util
import os
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
h.load_file("stdrun.hoc")
here = os.path.dirname(os.path.abspath(__file__))
root = here
while not os.path.isdir(os.path.join(root, "models", "cells")):
    root = os.path.dirname(root)
spec = importlib.util.spec_from_file_location("pyramid", os.path.join(root, "models", "cells", "pyramid.py"))
pyramid = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pyramid)
cell = pyramid.build(h)

segments = [seg for sec in h.allsec() if sec.name() not in ("soma", "dendrite_5[0]") for seg in sec]
assert len(segments) == 201, len(segments)
keep, netcons = [], [[] for _ in range(2 * len(segments))]


def connect(i, pp, weight):
    nc = h.NetCon(None, pp)
    nc.delay = 0
    nc.weight[0] = weight
    keep.append(pp)
    netcons[i].append(nc)


for i, seg in enumerate(segments):
    ampa = h.Exp2Syn(seg)
    ampa.tau1, ampa.tau2, ampa.e = 0.3, 3, 0
    connect(i, ampa, 0.0004)
    nmda = h.NMDA(seg)
    connect(i, nmda, 0.0004)
    gaba = h.Exp2Syn(seg)
    gaba.tau1, gaba.tau2, gaba.e = 0.2, 8, -80
    connect(len(segments) + i, gaba, 0.001)

traces = {}
for row in csv.DictReader(open(sys.argv[2])):
    traces.setdefault((int(row["run"]), int(row["neuron"])), []).append((int(row["synapse"]), float(row["time_ms"])))

duration = float(sys.argv[3])
h.celsius = 6.3
h.dt = 0.025
h.steps_per_ms = 40
record = h.Vector().record(h.soma(0.5)._ref_v, 0.1)
current = []


def queue():
    for synapse, time in current:
        for nc in netcons[synapse]:
            nc.event(time)


handler = h.FInitializeHandler(queue)
with open(sys.argv[4], "w") as out:
    for key in sorted(traces):
        current = traces[key]
        h.finitialize(-65)
        h.continuerun(duration)
        out.write(" ".join(repr(v) for v in list(record)[: int(round(duration / 0.1))]) + "\n")
