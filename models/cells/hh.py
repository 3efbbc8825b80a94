"""The Hodgkin-Huxley point neuron of DESIGN section 8, as a NeuronSurrogate cell file.

One section, L = diam = 20 um (area 1256.6 um^2, so 1 nA = 79.6 uA/cm^2), nseg 1, cm 1 uF/cm^2, NEURON's own
`hh` mechanism (Hodgkin & Huxley 1952, J. Physiol. 117:500) at celsius 6.3 degC with its default densities
(gnabar 0.12, gkbar 0.036, gl 0.0003 S/cm^2, el -54.3, ena 50, ek -77 mV). The managed simulator
(`--neuron hh`) implements the same cell and is checked against this file.

Cell-file contract (README, "NEURON cells"): `build(h)` makes the cell and returns a dict with `inject` (CSV
current column -> segment, "current" required), `record` (the segment whose v is recorded), and optionally
`dt` (solver step, ms), `v_init` (mV), `celsius` (degC), `mixed_max_current` (nA) and `reentrant` (True when
each call of build(h) makes an independent copy, so that many traces run in one simulation).
"""


def build(h):
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    soma.nseg = 1
    soma.cm = 1
    soma.insert("hh")
    # mixed_max_current: the largest current of the mixed stimulus family, nA, as for the managed `--neuron hh`.
    # reentrant: each call makes a new, independent soma, so NEURON can run many traces in one simulation.
    return {"inject": {"current": soma(0.5)}, "record": soma(0.5), "dt": 0.025, "v_init": -65, "celsius": 6.3,
            "mixed_max_current": 0.3, "reentrant": True, "keep": [soma]}
