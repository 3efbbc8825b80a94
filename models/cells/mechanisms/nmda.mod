COMMENT
NMDA receptor synapse of models/cells/pyramid_synaptic.py (NeuronSurrogate).

A double-exponential conductance (rise tau1 = 2 ms, decay tau2 = 70 ms), normalized exactly as NEURON's Exp2Syn so
that one event of weight w (uS) peaks at w, times the magnesium block of Jahr and Stevens (1990, J Neurosci
10:3178), 1 / (1 + [Mg]o / 3.57 mM * exp(-0.062 /mV * v)), with [Mg]o = 1 mM; reversal e = 0 mV.
The block follows v instantly. Events add to both states, as in Exp2Syn, so overlapping events sum linearly.
ENDCOMMENT

NEURON {
    POINT_PROCESS NMDA
    RANGE tau1, tau2, e, mg, i, g
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (mM) = (milli/liter)
}

PARAMETER {
    tau1 = 2 (ms) <1e-9,1e9>
    tau2 = 70 (ms) <1e-9,1e9>
    e = 0 (mV)
    mg = 1 (mM)
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor
}

STATE {
    A (uS)
    B (uS)
}

INITIAL {
    LOCAL tp
    if (tau1 / tau2 > 0.9999) {
        tau1 = 0.9999 * tau2
    }
    if (tau1 / tau2 < 1e-9) {
        tau1 = tau2 * 1e-9
    }
    A = 0
    B = 0
    tp = (tau1 * tau2) / (tau2 - tau1) * log(tau2 / tau1)
    factor = 1 / (-exp(-tp / tau1) + exp(-tp / tau2))
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    g = (B - A) * block(v)
    i = g * (v - e)
}

DERIVATIVE state {
    A' = -A / tau1
    B' = -B / tau2
}

FUNCTION block(v (mV)) {
    block = 1 / (1 + mg / 3.57 (mM) * exp(-0.062 (/mV) * v))
}

NET_RECEIVE(weight (uS)) {
    A = A + weight * factor
    B = B + weight * factor
}
