// Loads the shipped ONNX graphs in ONNX Runtime Web (WebAssembly) under Node.js — no .NET involved — and compares them
// with what the .NET CLI wrote for the same currents. Usage (from the repository root):
//   dotnet run --project src/Cli -c Release -- generate --runs 2 --neurons 5 --seed 2026 --out data/sample/truth.csv
//   dotnet run --project src/Cli -c Release -- predict --input data/sample/truth.csv --output data/sample/predictions.csv
//   dotnet run --project src/Cli -c Release -- predict --model models/fasttree.onnx --input data/sample/truth.csv --output data/sample/fasttree.csv
//   dotnet run --project src/Cli -c Release -- predict --model models/rs_latent.onnx --input data/sample/truth.csv --output data/sample/rs_latent.csv
//   dotnet run --project src/Cli -c Release -- generate --neuron hh --stimulus mixed --runs 2 --neurons 5 --seed 2026 --out data/sample/hh_truth.csv
//   dotnet run --project src/Cli -c Release -- predict --model models/hh_latent.onnx --input data/sample/hh_truth.csv --output data/sample/hh_latent.csv
//   cd tools/onnx-outside-dotnet && npm install && npm run check
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root));
const csv = (path) => {
  const [header, ...lines] = read(path).toString().trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [names[i], value])));
};
const traces = (rows, column) => {
  const byTrace = new Map();
  for (const row of rows) {
    const key = `${row.run}/${row.neuron}`;
    if (!byTrace.has(key)) byTrace.set(key, []);
    byTrace.get(key).push(Number(row[column]));
  }
  return [...byTrace.values()];
};
const spikeSteps = (v) => v.flatMap((x, t) => (x >= 0 && (t === 0 || v[t - 1] < 0) ? [t] : []));
let failures = 0;
const check = (ok, message) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`); if (!ok) failures++; };

ort.env.wasm.numThreads = 1;
const truth = csv('data/sample/truth.csv');
const currents = traces(truth, 'current');
const [n, steps] = [currents.length, currents[0].length];

// 1. The rollout graph: currents [N, T] -> voltages [N, T], against the .NET closed loop (predict).
const rollout = await ort.InferenceSession.create(read('models/surrogate_rollout.onnx'));
const out = await rollout.run({ currents: new ort.Tensor('float32', Float32Array.from(currents.flat()), [n, steps]) });
const graph = Array.from({ length: n }, (_, i) => Array.from(out.voltages.data.slice(i * steps, (i + 1) * steps)));
const dotnet = traces(csv('data/sample/predictions.csv'), 'predicted_voltage');
const sameSpikes = graph.filter((v, i) => JSON.stringify(spikeSteps(v)) === JSON.stringify(spikeSteps(dotnet[i]))).length;
check(sameSpikes === n, `rollout graph in ONNX Runtime Web: same spike steps as the .NET loop on ${sameSpikes} of ${n} traces`);
const trueSpikes = traces(truth, 'voltage').map(spikeSteps);
check(graph.every((v, i) => spikeSteps(v).length === trueSpikes[i].length), 'rollout graph: as many spikes as the simulator on every trace');

// 2. The one-step graph, with the card: the first step of every trace from (v0, u0, I(0)).
const card = JSON.parse(read('models/surrogate.json'));
const oneStep = await ort.InferenceSession.create(read('models/surrogate.onnx'));
const state = currents.flatMap((c) => [card.state.initial_voltage_mv, card.state.initial_recovery, c[0]]);
const step = await oneStep.run({ [card.inputs[0].name]: new ort.Tensor('float32', Float32Array.from(state), [n, 3]) });
const v1 = Array.from({ length: n }, (_, i) => card.state.initial_voltage_mv + step[card.outputs[0].name].data[2 * i]);
const maxError = Math.max(...v1.map((v, i) => Math.abs(v - dotnet[i][1])));
check(maxError < 1e-3, `one-step graph + card: V(1) matches the .NET prediction within ${maxError.toExponential(2)} mV`);

// 3. The FastTree graph (ML.NET's export: Features and an unused Label), against the .NET closed loop.
const fastTreeCard = JSON.parse(read('models/fasttree.json'));
const tree = await ort.InferenceSession.create(read('models/fasttree.onnx'));
const lags = fastTreeCard.features;
const features = currents.flatMap(() => [...lags.voltage_lags.map(() => lags.voltage_padding_mv), ...lags.current_lags.map(() => lags.current_padding)]);
const scored = await tree.run({
  Features: new ort.Tensor('float32', Float32Array.from(features), [n, features.length / n]),
  Label: new ort.Tensor('float32', new Float32Array(n), [n, 1]),
});
const fastTreeDotnet = traces(csv('data/sample/fasttree.csv'), 'predicted_voltage');
const treeError = Math.max(...Array.from({ length: n }, (_, i) => Math.abs(lags.voltage_padding_mv + scored['Score.output'].data[i] - fastTreeDotnet[i][0])));
check(treeError < 1e-3, `FastTree graph + card: V(0) matches the .NET prediction within ${treeError.toExponential(2)} mV`);

// 4. The latent surrogates (current and voltage only): the rollout graph against the .NET loop, and the one-step graph
//    from the card's initial state (latent.state_layout) against the .NET prediction of voltage 1.
for (const [name, truthFile, predictionsFile] of [['rs_latent', 'data/sample/truth.csv', 'data/sample/rs_latent.csv'], ['hh_latent', 'data/sample/hh_truth.csv', 'data/sample/hh_latent.csv']]) {
  const latentCard = JSON.parse(read(`models/${name}.json`));
  const latent = latentCard.latent;
  const input = traces(csv(truthFile), 'current');
  const [m, length] = [input.length, input[0].length];
  const expected = traces(csv(predictionsFile), 'predicted_voltage');
  const latentRollout = await ort.InferenceSession.create(read(`models/${latentCard.rollout_onnx}`));
  const result = await latentRollout.run({ currents: new ort.Tensor('float32', Float32Array.from(input.flat()), [m, length]) });
  const voltages = Array.from({ length: m }, (_, i) => Array.from(result.voltages.data.slice(i * length, (i + 1) * length)));
  const same = voltages.filter((v, i) => JSON.stringify(spikeSteps(v)) === JSON.stringify(spikeSteps(expected[i]))).length;
  check(same === m, `${name} rollout graph in ONNX Runtime Web: same spike steps as the .NET loop on ${same} of ${m} traces`);
  const k = latent.step_factor;
  const size = 3 + latent.voltage_memory + latent.spike_memory;
  const initial = [latent.initial_voltage_mv, 0, 0, ...Array(latent.voltage_memory).fill(latent.initial_voltage_mv), ...Array(latent.spike_memory).fill(0)];
  const latentStep = await ort.InferenceSession.create(read(`models/${latentCard.onnx}`));
  const stepped = await latentStep.run({
    currents: new ort.Tensor('float32', Float32Array.from(input.flatMap((c) => c.slice(0, k))), [m, k]),
    state: new ort.Tensor('float32', Float32Array.from(input.flatMap(() => initial)), [m, size]),
  });
  const error = Math.max(...Array.from({ length: m }, (_, i) => Math.abs(stepped.voltages.data[i * k] - expected[i][1])));
  check(error < 1e-3, `${name} one-step graph + card: voltage 1 matches the .NET prediction within ${error.toExponential(2)} mV`);
}

process.exit(failures === 0 ? 0 : 1);
