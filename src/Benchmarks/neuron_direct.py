"""NEURON run directly on a cell file, for the bridge benchmark: no NeuronSurrogate driver, no files.

    python3 neuron_direct.py CELL.py TRACES STEPS FIRST

Builds the cell, then for each of TRACES traces plays a constant current (0.02 nA apart from trace FIRST on) per
0.1 ms step into an IClamp at the 'current' site, runs STEPS steps of 0.1 ms with stdrun's continuerun at the
cell's dt, and records v every 0.1 ms: the same NEURON work per trace as the project's driver does.
"""
import importlib.util
import sys

from neuron import h

h.load_file("stdrun.hoc")
spec = importlib.util.spec_from_file_location("cell", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
cell = module.build(h)
traces, steps, first = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
h.celsius = cell.get("celsius", 6.3)
h.dt = cell.get("dt", 0.025)
h.steps_per_ms = 1 / h.dt
stim = h.IClamp(cell["inject"]["current"])
stim.delay = 0
stim.dur = 1e9
play = h.Vector(steps)
play.play(stim._ref_amp, 0.1)
v = h.Vector()
v.record(cell["record"]._ref_v, 0.1)
total = 0.0
for trace in range(first, first + traces):
    play.fill(0.02 * (trace % 50))
    h.finitialize(cell.get("v_init", -65))
    h.continuerun(steps * 0.1)
    total += v.sum()
print(total)
