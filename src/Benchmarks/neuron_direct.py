"""NEURON run directly on a cell file, for the bridge benchmark: no NeuronSurrogate driver, no files.

    python3 neuron_direct.py CELL.py TRACES STEPS FIRST [COPIES]

Builds COPIES instances of the cell (default 1; build(h) called that many times, which cells made of Python
sections allow), then runs TRACES traces, COPIES at a time in one simulation: each copy gets a constant current
(0.02 nA apart from trace FIRST on) played per 0.1 ms step into an IClamp at its 'current' site, STEPS steps of
0.1 ms are run with stdrun's continuerun at the cell's dt, and v is recorded every 0.1 ms.
"""
import importlib.util
import sys

from neuron import h

h.load_file("stdrun.hoc")
spec = importlib.util.spec_from_file_location("cell", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
traces, steps, first = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
copies = int(sys.argv[5]) if len(sys.argv) > 5 else 1
cells = [module.build(h) for _ in range(copies)]
cell = cells[0]
h.celsius = cell.get("celsius", 6.3)
h.dt = cell.get("dt", 0.025)
h.steps_per_ms = 1 / h.dt
stims, plays, records = [], [], []
for c in cells:
    stim = h.IClamp(c["inject"]["current"])
    stim.delay = 0
    stim.dur = 1e9
    play = h.Vector(steps)
    play.play(stim._ref_amp, 0.1)
    v = h.Vector()
    v.record(c["record"]._ref_v, 0.1)
    stims.append(stim)
    plays.append(play)
    records.append(v)
total = 0.0
for start in range(first, first + traces, copies):
    for i, play in enumerate(plays):
        play.fill(0.02 * ((start + i) % 50))
    h.finitialize(cell.get("v_init", -65))
    h.continuerun(steps * 0.1)
    total += sum(v.sum() for v in records)
print(total)
