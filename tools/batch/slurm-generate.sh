#!/usr/bin/env bash
# Generate a NEURON dataset as a Slurm array job: one shard of the runs per array task, then one concatenation.
#
#   sbatch --array=0-31 tools/batch/slurm-generate.sh            # 32 shards
#   # when every task has finished (or submit with --dependency=afterok:<jobid> a job that runs the last lines):
#   head -n 1 data/shards/pyramid.0.csv > data/pyramid.csv && for k in $(seq 0 31); do tail -n +2 data/shards/pyramid.$k.csv; done >> data/pyramid.csv
#
# Every trace's stimulus is drawn from its own stream, derived from (seed, run, neuron), so the concatenated file is
# byte for byte the single-machine `generate` with the same options. Each task needs the .NET 10 runtime (or the
# packed `neuron-surrogate` tool) and NEURON (`python3-neuron` or `pip install neuron`) on its node.
#SBATCH --job-name=neuron-surrogate-generate
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=data/shards/slurm-%A_%a.log
set -euo pipefail
SHARDS=${SLURM_ARRAY_TASK_COUNT:?run me with sbatch --array=0-(N-1)}
K=${SLURM_ARRAY_TASK_ID:?run me with sbatch --array=0-(N-1)}
mkdir -p data/shards
dotnet run --project src/Cli -c Release -- generate \
    --neuron neuron --cell models/cells/pyramid.py --stimulus mixed \
    --runs 2000 --neurons 1 --steps 5000 --seed 42 \
    --processes "${SLURM_CPUS_PER_TASK:-4}" \
    --shard "$K/$SHARDS" --out "data/shards/pyramid.$K.csv"
