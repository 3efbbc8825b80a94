"""Runs a NeuronSurrogate cell file in NEURON directly, without the project's driver: the independent reference
the bridge and the managed Hodgkin-Huxley neuron are checked against.

    python3 run_cell_directly.py CELL.py CURRENTS.txt OUT.txt [DEND.txt]

CURRENTS.txt holds one trace per line (the 'current' column, nA, one value per 0.1 ms step); DEND.txt the same for
'current_dend'. Each current is expanded to NEURON's solver steps and played into an IClamp per solver step,
the cell is run with stdrun's continuerun, and v at the recording site is written every 0.1 ms, one trace per line.
"""
import importlib.util
import sys

from neuron import h

RECORD_DT = 0.1

h.load_file("stdrun.hoc")
spec = importlib.util.spec_from_file_location("cell", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
cell = module.build(h)
h.celsius = cell.get("celsius", 6.3)
h.dt = cell.get("dt", 0.025)
h.steps_per_ms = 1 / h.dt
ratio = round(RECORD_DT / h.dt)

sites = [("current", sys.argv[2])] + ([("current_dend", sys.argv[4])] if len(sys.argv) > 4 else [])
traces = {name: [[float(x) for x in line.split()] for line in open(path) if line.strip()] for name, path in sites}
stims, plays = {}, {}
for name, _ in sites:
    stim = h.IClamp(cell["inject"][name])
    stim.delay = 0
    stim.dur = 1e9
    stims[name] = stim

with open(sys.argv[3], "w") as out:
    for trace in range(len(traces["current"])):
        for name, _ in sites:
            values = traces[name][trace]
            plays[name] = h.Vector([a for a in values for _ in range(ratio)])
            plays[name].play(stims[name]._ref_amp, h.dt)
        v = h.Vector()
        v.record(cell["record"]._ref_v, RECORD_DT)
        steps = len(traces["current"][trace])
        h.finitialize(cell.get("v_init", -65))
        h.continuerun(steps * RECORD_DT)
        out.write(" ".join(repr(x) for x in list(v)[:steps]) + "\n")
        for play in plays.values():
            play.play_remove()
