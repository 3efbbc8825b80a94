"""The reconstructed pyramidal cell of DESIGN section 8, as a NeuronSurrogate cell file.

Morphology: NEURON's demo cell `pyramid.nrn` (ntscable translation of a Golgi-stained pyramidal cell by Pat
McAllister; 79 sections, 5350 um of neurite), shipped by Debian's `neuron` package in /usr/share/nrn/demo and by
NEURON's own installs under neuronhome()/demo.

Mechanisms (fixed here; the cell file is the model):
- `hh` (Hodgkin & Huxley 1952, NEURON's hh.mod) at standard density in `soma` and in `dendrite_5[0]`, the
  unbranched 343 um process that NEURON's demo treats as the axon;
- every other section `pas` (g_pas 1e-4 S/cm^2) plus `hh` at 0.3 x gnabar and gkbar with gl_hh = 0, so the
  dendrites are weakly active (with passive dendrites the cell fires only at step onsets, with graded spikes);
- Ra 100 ohm cm, cm 1 uF/cm^2, celsius 6.3 degC;
- nseg by the d_lambda rule exactly as NEURON's stdlib fixnseg.hoc computes it (lambda_f at 100 Hz from the 3-D
  points, d_lambda 0.1, nseg = int((L / (0.1 lambda_f) + 0.9) / 2) * 2 + 1), 215 segments;
- after finitialize(-65), e_pas = v + (ina + ik) / g_pas in every passive segment, so every segment rests at -65 mV.

Injection: an IClamp at soma(0.5) (`current`, nA) and, where the CSV has the column, one at dendrite_1[14](0.5),
about 480 um out on the apical tree (`current_dend`, nA). Recording: soma(0.5).v. Fixed dt 0.025 ms.
With these settings the cell fires all-or-none and tonically from about 0.8 nA (rheobase of a long step ~0.4 nA).

Cell-file contract (README, "NEURON cells"): `build(h)` returns a dict with `inject`, `record` and optionally
`dt`, `v_init`, `celsius`, `mixed_max_current`.
"""

import math
import os

FREQUENCY_HZ = 100
D_LAMBDA = 0.1


def _morphology(h):
    candidates = [os.path.join(h.neuronhome(), "demo", "pyramid.nrn"), "/usr/share/nrn/demo/pyramid.nrn"]
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("pyramid.nrn (NEURON's demo morphology) not found in " + " or ".join(candidates)
                            + "; install Debian's 'neuron' package or a NEURON build that ships its demos")


def _lambda_f(h, sec, frequency):
    """fixnseg.hoc's lambda_f: the AC length constant at `frequency`, from all 3-D points."""
    if sec.n3d() < 2:
        return 1e5 * math.sqrt(sec.diam / (4 * math.pi * frequency * sec.Ra * sec.cm))
    x1 = sec.arc3d(0)
    d1 = sec.diam3d(0)
    lam = 0.0
    for i in range(1, sec.n3d()):
        x2 = sec.arc3d(i)
        d2 = sec.diam3d(i)
        lam += (x2 - x1) / math.sqrt(d1 + d2)
        x1, d1 = x2, d2
    lam *= math.sqrt(2) * 1e-5 * math.sqrt(4 * math.pi * frequency * sec.Ra * sec.cm)
    return sec.L / lam


def build(h):
    h.load_file("stdlib.hoc")
    h.xopen(_morphology(h))
    h.celsius = 6.3
    soma = h.soma
    axon = h.dendrite_5[0]
    active = {soma.hname(), axon.hname()}
    passive = []
    for sec in h.allsec():
        sec.Ra = 100
        sec.cm = 1
        sec.insert("hh")
        if sec.hname() not in active:
            sec.insert("pas")
            sec.g_pas = 1e-4
            for seg in sec:
                seg.hh.gnabar = 0.3 * 0.12
                seg.hh.gkbar = 0.3 * 0.036
                seg.hh.gl = 0
            passive.append(sec)
    h.area(0.5, sec=soma)  # as geom_nseg does: make diam reflect the 3-D points first
    for sec in h.allsec():
        sec.nseg = int((sec.L / (D_LAMBDA * _lambda_f(h, sec, FREQUENCY_HZ)) + 0.9) / 2) * 2 + 1
    # nseg resets per-segment values: set the reduced densities again.
    for sec in passive:
        for seg in sec:
            seg.hh.gnabar = 0.3 * 0.12
            seg.hh.gkbar = 0.3 * 0.036
            seg.hh.gl = 0
            seg.pas.g = 1e-4
    h.dt = 0.025
    h.finitialize(-65)
    for sec in passive:
        for seg in sec:
            seg.pas.e = seg.v + (seg.ina + seg.ik) / seg.pas.g
    dend = h.dendrite_1[14]
    return {"inject": {"current": soma(0.5), "current_dend": dend(0.5)}, "record": soma(0.5),
            "dt": 0.025, "v_init": -65, "celsius": 6.3, "mixed_max_current": 1.0}
