"""Calibrate the learning thresholds: correct designs x seeds against the mistakes.

Every learning check of the suites (a model trained by the grader's own loop, the VAE and
GAN classes training the grader's models, train_autoencoder on the grader's model) is run
exactly as grading runs it: the grader's probe, in a worker process, on one module file,
with the check's own arguments from criteria.py, for each seed. The modules are the
correct designs (the reference solution, examples/submissions/perfect and every folder of
tests/correct_styles/), each measured by every check of its assignment, and the learning
mistakes (``MISTAKES``: the reference with a line or two replaced), each measured by the
one check it must fail. Nothing here knows the data: the probes load it through
autograder.datasets.

    python bench/calibrate.py [--jobs 2]            # every check, 10 seeds
    python bench/calibrate.py --seeds 3 --check vae.learns
    python bench/calibrate.py --dry-run             # list the runs, train nothing
    python bench/calibrate.py --check autoencoder.train_learns --module perfect --merge
        # measure one module again; the other records of the results file are kept

Prints one table per check (each module's min / median / max and how many seeds pass the
current threshold), and writes bench/results/calibration.json and calibration.png (the
distributions, with the threshold). A threshold is sound when every correct design passes
on every seed and every mistake fails on every seed; the margins are the gaps between the
threshold and the nearest correct / mistaken value.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import paths  # noqa: E402
from autograder.handles import probe_name  # noqa: E402
from autograder.plugin import derive_seed  # noqa: E402
from autograder.probes import autoencoder as ae_probes  # noqa: E402
from autograder.probes import gan as gan_probes  # noqa: E402
from autograder.probes import vae as vae_probes  # noqa: E402
from autograder.suites.autoencoder import checks as ae_checks  # noqa: E402
from autograder.suites.autoencoder import criteria as ae  # noqa: E402
from autograder.suites.gan import criteria as gan  # noqa: E402
from autograder.suites.vae import criteria as vae  # noqa: E402
from autograder.worker.client import Limits, WorkerProcess  # noqa: E402

RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Check:
    """One learning check: the probe and arguments it runs, the number it judges, and the
    threshold it holds that number to (``below``: pass when value < threshold)."""

    name: str
    assignment: str
    probe: Callable
    arguments: Callable[[int], tuple]  #: seed -> the probe's arguments
    measure: Callable[[dict], float]
    threshold: float
    below: bool = True
    #: where grading calls the probe several times (``rate_trials`` of the autoencoder's
    #: checks: one call per learning rate, with the rate as the last argument, until one
    #: passes): that function, given ``train(rate)``; ``measure`` then gets its list of runs.
    trials: Callable | None = None
    #: what a record keeps of the probe's result besides the value, if anything
    detail: Callable | None = None


CHECKS = [
    Check("autoencoder.loop_learns", "autoencoder", ae_probes.grader_loop,
          lambda seed: (ae.LATENT_DIM, ae.LOOP_EPOCHS, 0.0, seed, ae.LOOP_MAX_VAL_MSE),
          lambda runs: min(min(run["val_mses"]) for run in runs), ae.LOOP_MAX_VAL_MSE,
          trials=ae_checks.rate_trials,
          detail=lambda runs: {"trials": [{"learning_rate": run["learning_rate"],
                                           "val_mses": run["val_mses"]} for run in runs]}),
    Check("autoencoder.train_learns", "autoencoder", ae_probes.train_grader_model,
          lambda seed: (ae.TRAIN_EPOCHS, 0.0, seed),
          lambda got: got["val_mse"], ae.TRAIN_MAX_VAL_MSE),
    Check("autoencoder.train_denoises", "autoencoder", ae_probes.train_grader_model,
          lambda seed: (ae.TRAIN_EPOCHS, ae.NOISE_STD, seed, ae.NOISE_STD),
          lambda got: got["denoised_mse"], ae.DENOISE_MAX_MSE),
    Check("vae.learns_digits", "vae", vae_probes.fit_digits,
          lambda seed: (vae.LATENT_DIM, vae.LEARN_HIDDEN, vae.LEARN_EPOCHS, vae.LEARN_BATCH,
                        vae.LEARN_RATE, seed),
          lambda got: got["reconstruction"] + got["kl"], vae.LEARN_MAX_NEG_ELBO),
    Check("gan.learns_digits.confidence", "gan", gan_probes.learns_digits,
          lambda seed: (gan.TRAIN_EPOCHS, gan.TRAIN_BATCH, gan.TRAIN_LR, seed,
                        gan.QUALITY_SAMPLES),
          lambda got: got["confidence"], gan.MIN_CONFIDENCE, below=False),
    Check("gan.learns_digits.entropy", "gan", gan_probes.learns_digits,
          lambda seed: (gan.TRAIN_EPOCHS, gan.TRAIN_BATCH, gan.TRAIN_LR, seed,
                        gan.QUALITY_SAMPLES),
          lambda got: got["entropy"], gan.MIN_ENTROPY, below=False),
]


@dataclass(frozen=True)
class Mistake:
    """The reference of an assignment with lines replaced: a training mistake that the
    checks whose names start with ``check`` must catch on every seed. (Mistakes that other
    tests catch are the mistake suites' business: tests/test_examples_*.py.)"""

    check: str
    label: str
    replacements: tuple[tuple[str, str], ...]

    @property
    def assignment(self) -> str:
        return self.check.split(".")[0]


_AE_FIT = "return autoencoder.fit(inputs, x_train, epochs=epochs, batch_size=32, shuffle=True,"
_VAE_STEP = "z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))\n            x_hat"
_VAE_APPLY = ("gradients = tape.gradient(loss, self.trainable_weights)\n"
              "        self.optimizer.apply(gradients, self.trainable_weights)")
_GAN_G_APPLY = "self.g_optimizer.apply(gen_tape.gradient(g_loss, g_weights), g_weights)"

MISTAKES = [
    Mistake("autoencoder.loop_learns", "decoder ignores its code",
            (('h = layers.Dense(7 * 7 * 32, activation="elu")(code)',
              'h = layers.Dense(7 * 7 * 32, activation="elu")(code * 0.0)'),)),
    Mistake("autoencoder.train_learns", "learning rate 1e-5",
            (("keras.optimizers.Adam(learning_rate=2e-3)",
              "keras.optimizers.Adam(learning_rate=1e-5)"),)),
    Mistake("autoencoder.train_learns", "one batch of all the digits",
            ((_AE_FIT, _AE_FIT.replace("batch_size=32", "batch_size=len(x_train)")),)),
    Mistake("autoencoder.train_denoises", "noisy targets",
            ((_AE_FIT, _AE_FIT.replace("fit(inputs, x_train,", "fit(inputs, inputs,")),)),
    Mistake("vae.learns_digits", "only the decoder trained",
            ((_VAE_APPLY, _VAE_APPLY.replace("self.trainable_weights",
                                             "self.decoder.trainable_weights")),)),
    Mistake("vae.learns_digits", "z detached from the encoder",
            ((_VAE_STEP, "z = tf.stop_gradient(reparameterize(mu, log_var, "
                         "self.sample_eps(ops.shape(mu))))\n            x_hat"),)),
    Mistake("vae.learns_digits", "no sampling (z = mu)",
            ((_VAE_STEP, "z = mu\n            x_hat"),)),
    Mistake("vae.learns_digits", "KL term dropped",
            (("loss = vae_loss(x, x_hat, mu, log_var, self.beta)",
              "loss = ops.mean(reconstruction_loss(x, x_hat))"),)),
    Mistake("gan.learns_digits.confidence", "generator never updated",
            ((_GAN_G_APPLY, "gen_tape.gradient(g_loss, g_weights)"),)),
    Mistake("gan.learns_digits.confidence", "generator climbs its loss",
            ((_GAN_G_APPLY, "self.g_optimizer.apply([-g for g in gen_tape.gradient(g_loss, "
                            "g_weights)], g_weights)"),)),
    Mistake("gan.learns_digits.confidence", "generator descends the critic's loss",
            ((_GAN_G_APPLY, _GAN_G_APPLY.replace("gradient(g_loss", "gradient(d_loss")),)),
]


def mistake_file(mistake: Mistake, folder: Path) -> Path:
    """The mistake's module, written as ``folder/<label>/<assignment>.py``."""
    source = paths.solution_file(mistake.assignment).read_text()
    for old, new in mistake.replacements:
        if source.count(old) != 1:
            raise ValueError(f"{mistake.label}: the reference no longer holds {old!r} once")
        source = source.replace(old, new)
    file = folder / mistake.label.replace(" ", "_") / f"{mistake.assignment}.py"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(source)
    return file


def modules(assignment: str, folder: Path) -> list[tuple[str, str, Path, str]]:
    """(label, "correct" | "mistake", file, prefix of the checks that measure it) of every
    module to measure for an assignment; mistakes are written into ``folder``."""
    found = [("reference", "correct", paths.solution_file(assignment), assignment)]
    for design in [paths.EXAMPLES / "submissions" / "perfect",
                   *sorted((ROOT / "tests" / "correct_styles" / assignment).glob("*"))]:
        file = design / f"{assignment}.py"
        if file.is_file():
            found.append((design.name, "correct", file, assignment))
    found += [(m.label, "mistake", mistake_file(m, folder), m.check)
              for m in MISTAKES if m.assignment == assignment]
    return found


def seeds(count: int, first: int = 0) -> list[int]:
    """Seeds as grading derives them, from test ids that do not exist: other draws
    (calibration seeds ``first`` to ``first + count - 1``)."""
    return [derive_seed(20261121, f"calibration #{i}") for i in range(first, first + count)]


def measure(checks: list[Check], count: int, jobs: int = 1, log=print,
            only: set[str] | None = None, first: int = 0) -> list[dict]:
    """Run every check on every module it measures (of the labels in ``only``, if given)
    for ``count`` seeds; one record per run.

    Each module trains in a worker process of its own; ``jobs`` of them run at a time (the
    threads here only wait for their workers). Records come in a fixed order either way.
    """
    folder = Path(tempfile.mkdtemp(prefix="calibration-mistakes-"))
    tasks = []
    for assignment in sorted({check.assignment for check in checks}):
        for label, kind, file, prefix in modules(assignment, folder):
            mine = [c for c in checks if c.assignment == assignment
                    and c.name.startswith(prefix)]
            if mine and (only is None or label in only):
                tasks.append((assignment, label, kind, file, mine))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        parts = list(pool.map(lambda task: _measure_module(*task, count, log, first), tasks))
    return [record for part in parts for record in part]


def _measure_module(assignment: str, label: str, kind: str, file: Path, mine: list[Check],
                    count: int, log, first: int = 0) -> list[dict]:
    records = []
    worker = WorkerProcess(assignment, file, Limits(call_seconds=900, import_seconds=300))
    cache: dict = {}  # two checks can read one run (the GAN's)
    try:
        for check in mine:
            for seed in seeds(count, first):
                key = (probe_name(check.probe), check.arguments(seed))
                started = time.monotonic()
                if key not in cache:
                    cache[key] = _outcome(worker, check, seed)
                got, error = cache[key]
                value = check.measure(got) if error is None else None
                records.append({"check": check.name, "module": label, "kind": kind,
                                "seed": seed, "value": value,
                                "error": error,
                                "seconds": round(time.monotonic() - started, 1),
                                **(check.detail(got) if check.detail and error is None
                                   else {})})
                log(f"{check.name:32s} {label:32s} seed {seed:>10}: "
                    f"{'error' if value is None else f'{value:.4f}'}")
    finally:
        worker.stop()
    return records


class _Failed(Exception):
    """A probe call that failed, with the worker's error (a dict)."""


def _outcome(worker: WorkerProcess, check: Check, seed: int) -> tuple:
    """(what the check judges, None) or (None, the error): one probe call, or the calls of
    ``check.trials``, each with its extra argument after the check's own."""
    def call(*extra):
        outcome = worker.run(probe_name(check.probe), (*check.arguments(seed), *extra), {},
                             seed=seed)
        if not outcome.ok:
            raise _Failed(outcome.error)
        return outcome.value

    try:
        return (check.trials(call) if check.trials else call()), None
    except _Failed as failed:
        return None, failed.args[0]


def summarise(records: list[dict], checks: list[Check]) -> dict:
    """Per check: each module's min/median/max and passes, and the threshold's margins
    (positive: every correct run passes / every mistaken run fails, by that much)."""
    summary = {}
    for check in checks:
        rows = [r for r in records if r["check"] == check.name]
        def passes(value: float, check: Check = check) -> bool:
            return value < check.threshold if check.below else value >= check.threshold

        per_module = {}
        for label in dict.fromkeys(r["module"] for r in rows):
            values = [r["value"] for r in rows if r["module"] == label and r["value"] is not None]
            kind = next(r["kind"] for r in rows if r["module"] == label)
            per_module[label] = {
                "kind": kind, "values": values,
                "min": min(values, default=None), "median": statistics.median(values)
                if values else None, "max": max(values, default=None),
                "passes": sum(passes(v) for v in values),
                "runs": sum(1 for r in rows if r["module"] == label)}
        correct = [v for m in per_module.values() if m["kind"] == "correct" for v in m["values"]]
        wrong = [v for m in per_module.values() if m["kind"] == "mistake" for v in m["values"]]
        sign = 1 if check.below else -1
        summary[check.name] = {
            "threshold": check.threshold, "below": check.below, "modules": per_module,
            "correct_margin": min((sign * (check.threshold - v) for v in correct), default=None),
            "mistake_margin": min((sign * (v - check.threshold) for v in wrong), default=None),
        }
    return summary


def table(summary: dict) -> str:
    lines = []
    for name, entry in summary.items():
        rule = "<" if entry["below"] else ">="
        lines += ["", f"{name}: pass when value {rule} {entry['threshold']}  (margins: correct "
                  f"{_fmt(entry['correct_margin'])}, mistakes {_fmt(entry['mistake_margin'])})",
                  f"  {'module':32s} {'kind':8s} {'min':>9s} {'median':>9s} {'max':>9s} passes"]
        for label, m in entry["modules"].items():
            lines.append(f"  {label:32s} {m['kind']:8s} {_fmt(m['min']):>9s} "
                         f"{_fmt(m['median']):>9s} {_fmt(m['max']):>9s} {m['passes']}/{m['runs']}")
    return "\n".join(lines)


def _in_order(records: list[dict]) -> list[dict]:
    """Records grouped as ``measure`` writes them: by module (in order of first
    appearance), then by check (in CHECKS order), then by seed (in calibration order)."""
    rank = {check.name: i for i, check in enumerate(CHECKS)}
    modules = list(dict.fromkeys(r["module"] for r in records))
    order = {seed: i for i, seed in enumerate(seeds(1000))}
    return sorted(records, key=lambda r: (modules.index(r["module"]),
                                          rank.get(r["check"], len(rank)),
                                          order.get(r["seed"], len(order))))


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.4f}"


def plot(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(summary), 1, figsize=(9, 2.4 * len(summary)), squeeze=False)
    for axis, (name, entry) in zip(axes[:, 0], summary.items(), strict=True):
        for row, m in enumerate(entry["modules"].values()):
            color = "tab:green" if m["kind"] == "correct" else "tab:red"
            axis.scatter(m["values"], [row] * len(m["values"]), s=12, color=color)
        axis.axvline(entry["threshold"], color="black", linestyle="--")
        axis.set_yticks(range(len(entry["modules"])), list(entry["modules"]), fontsize=7)
        axis.set_title(name, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0, metavar="I",
                        help="start at the I-th calibration seed (split a slow module's "
                             "seeds over several runs, joined with --merge)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="modules trained at once, each in its own worker (default 1)")
    parser.add_argument("--check", action="append", dest="checks", metavar="NAME",
                        help="only this check (repeatable); default: all")
    parser.add_argument("--module", action="append", dest="modules", metavar="LABEL",
                        help="only this module, as the tables label it (repeatable)")
    parser.add_argument("--merge", action="store_true",
                        help="keep the records of --out for the runs (check, module, seed) "
                             "this run does not measure; the summary covers them all")
    parser.add_argument("--dry-run", action="store_true", help="list the runs, train nothing")
    parser.add_argument("--out", default=str(RESULTS / "calibration.json"))
    arguments = parser.parse_args(argv)
    checks = [c for c in CHECKS if not arguments.checks or c.name in arguments.checks]
    if not checks:
        parser.error(f"no check named {arguments.checks}; known: {[c.name for c in CHECKS]}")
    if arguments.dry_run:
        folder = Path(tempfile.mkdtemp(prefix="calibration-mistakes-"))
        for check in checks:
            for label, kind, file, prefix in modules(check.assignment, folder):
                if check.name.startswith(prefix) and (not arguments.modules
                                                      or label in arguments.modules):
                    where = file.relative_to(ROOT) if file.is_relative_to(ROOT) else \
                        "the reference, with the mistake"
                    print(f"{check.name:32s} {kind:8s} {label:40s} x {arguments.seeds} "
                          f"seeds ({where})")
        return 0
    only = set(arguments.modules) if arguments.modules else None
    records = measure(checks, arguments.seeds, arguments.jobs, only=only,
                      first=arguments.first_seed)
    out = Path(arguments.out)
    if arguments.merge and out.is_file():
        measured = {(r["check"], r["module"], r["seed"]) for r in records}
        kept = [r for r in json.loads(out.read_text())["records"]
                if (r["check"], r["module"], r["seed"]) not in measured]
        records = _in_order(kept + records)
        checks = [c for c in CHECKS if any(r["check"] == c.name for r in records)]
    summary = summarise(records, checks)
    print(table(summary))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"records": records, "summary": summary}, indent=1) + "\n")
    plot(summary, out.with_suffix(".png"))
    print(f"\nwrote {out} and {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
