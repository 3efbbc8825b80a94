"""The synaptic pyramidal cell: models/cells/pyramid.py, unchanged, driven by 402 synaptic inputs (issue 24).

The cell: the shipped pyramidal cell (pyramid.py: 215 segments, 6.3 degC, every segment at rest at -65 mV, fixed
dt 0.025 ms). On every dendritic segment (every segment but the soma and the axon dendrite_5[0]: 201 segments, in
h.allsec() order, then segment order) it gains:
- one excitatory input: AMPA and NMDA driven by the same presynaptic spike train;
  - AMPA: NEURON's Exp2Syn, tau1 0.3 ms, tau2 3 ms, e 0 mV, NetCon weight 0.4 nS (0.0004 uS);
  - NMDA: mechanisms/nmda.mod (point process NMDA): a double exponential (rise 2 ms, decay 70 ms) normalized like
    Exp2Syn so one event peaks at its weight, 0.4 nS, times the Jahr & Stevens (1990) magnesium block
    1 / (1 + [Mg]/3.57 mM * exp(-0.062 v)), [Mg] = 1 mM, e 0 mV;
- one inhibitory input: GABA_A, Exp2Syn with tau1 0.2 ms, tau2 8 ms, e -80 mV, NetCon weight 1 nS.
Synapse ids: 0..200 are the excitatory inputs, 201..401 the inhibitory ones, both in segment order. The driver
makes one NetCon per point process (delay 0) and delivers each input's spike times as events (NetCon.event).

Cell-file contract, synaptic part (README, "Synaptic inputs"):
- MECHANISMS (module level): a folder of .mod files, relative to this file. The driver compiles it once with
  nrnivmodl, caches the library by the files' content, and loads it before build(h) runs.
- build(h)["synapses"]: a list of inputs, one per synapse id in order, each a dict with
  "name" (text), "kind" ("excitatory" or "inhibitory") and "targets": a list of (point process, NetCon weight in uS).
  All targets of one input receive the same events. The synapse table (id, kind, section, x, distance from the soma)
  is read from the first target's segment.
- build(h)["soma"] (optional): the segment distances are measured from; defaults to the recording segment.
"""

import importlib.util
import os

MECHANISMS = "mechanisms"

AMPA = {"tau1": 0.3, "tau2": 3.0, "e": 0.0, "weight": 0.0004}
NMDA = {"tau1": 2.0, "tau2": 70.0, "e": 0.0, "mg": 1.0, "weight": 0.0004}
GABA_A = {"tau1": 0.2, "tau2": 8.0, "e": -80.0, "weight": 0.001}


def _pyramid():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyramid.py")
    spec = importlib.util.spec_from_file_location("neuron_surrogate_pyramid", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _point_process(h, kind, segment, settings):
    pp = getattr(h, kind)(segment)
    for name, value in settings.items():
        if name != "weight":
            setattr(pp, name, value)
    return pp


def build(h):
    cell = _pyramid().build(h)
    soma, axon = h.soma, h.dendrite_5[0]
    dendritic = [seg for sec in h.allsec() if sec not in (soma, axon) for seg in sec]
    excitatory, inhibitory = [], []
    for seg in dendritic:
        where = "%s(%g)" % (seg.sec.name(), seg.x)
        ampa = _point_process(h, "Exp2Syn", seg, AMPA)
        nmda = _point_process(h, "NMDA", seg, NMDA)
        gaba = _point_process(h, "Exp2Syn", seg, GABA_A)
        excitatory.append({"name": "ampa_nmda " + where, "kind": "excitatory",
                           "targets": [(ampa, AMPA["weight"]), (nmda, NMDA["weight"])]})
        inhibitory.append({"name": "gaba_a " + where, "kind": "inhibitory", "targets": [(gaba, GABA_A["weight"])]})
    cell["synapses"] = excitatory + inhibitory
    cell["soma"] = soma(0.5)
    return cell
