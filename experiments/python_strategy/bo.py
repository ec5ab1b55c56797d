"""Bayesian optimisation in the style of BANANAS/NASBOT, small: Thompson sampling from two Bayesian
linear models over one-hot op features, one for accuracy and one for log cost, driven through
hwnas.SearchSession. Each step it draws one model of each from their posteriors, scores a pool of
unqueried archs (random ones plus every one-op neighbour of the best feasible arch so far), and
queries the arch of highest sampled accuracy whose sampled cost meets the limit.

    python3 experiments/python_strategy/bo.py --config configs/quickstart.yaml --seeds 0-99
"""
import os

# Debian's OpenBLAS is the OpenMP build: on a busy machine its threads made each 31 x 31 solve
# take 16 ms instead of ~20 us. One thread, unless the caller says otherwise.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import hwnas  # noqa: E402
import seeds_cli  # noqa: E402


def features(archs, num_choices):
    """[1, one-hot of every decision's choice] for an (N, D) int array."""
    n, d = archs.shape
    phi = np.zeros((n, 1 + d * num_choices))
    phi[:, 0] = 1.0
    phi[np.arange(n)[:, None], 1 + np.arange(d) * num_choices + archs] = 1.0
    return phi


def posterior_sample(phi, y, rng, prior_precision=1.0):
    """One weight vector from the posterior of y ~ N(phi w, s^2), w ~ N(0, s^2 / prior I), with
    y standardised and s^2 the residual variance of the posterior mean (at least 1e-3)."""
    mean, scale = y.mean(), y.std() + 1e-12
    z = (y - mean) / scale
    precision = phi.T @ phi + prior_precision * np.eye(phi.shape[1])
    w = np.linalg.solve(precision, phi.T @ z)
    noise = max(float(np.mean((phi @ w - z) ** 2)), 1e-3)
    chol = np.linalg.cholesky(np.linalg.inv(precision) * noise)
    return (w + chol @ rng.standard_normal(len(w))) * scale, mean


def bayesian_optimisation(session, initial=10, pool_size=300, seed=None):
    objective = session.objective_options
    if objective["type"] != "constrained":
        raise hwnas.InputError("bo.py handles objective.type constrained")
    limit = objective["limit"]
    space = session.space
    decisions, choices = (6, 5) if space == "nb201" else (22, 9)
    rng = np.random.default_rng(session.seed if seed is None else seed)
    queried, archs, accuracy, log_cost = set(), [], [], []
    best = None  # (accuracy, arch) of the best feasible query

    def ask(arch):
        nonlocal best
        query = session.query(arch)
        queried.add(tuple(query.arch))
        archs.append(query.arch)
        accuracy.append(query.accuracy)
        cost = query.costs[session.metrics[0]]
        log_cost.append(np.log(cost) if query.known else np.nan)
        if query.feasible and (best is None or query.accuracy > best[0]):
            best = (query.accuracy, query.arch)

    while not session.exhausted and len(archs) < initial:
        ask(session.random.random_arch())
    while not session.exhausted:
        pool = rng.integers(0, choices, size=(pool_size, decisions))
        if best is not None:  # every one-op neighbour of the best feasible arch
            neighbours = np.repeat(np.array([best[1]]), decisions * (choices - 1), axis=0)
            rows = np.arange(len(neighbours))
            neighbours[rows, rows // (choices - 1)] = (
                neighbours[rows, rows // (choices - 1)] + 1 + rows % (choices - 1)) % choices
            pool = np.vstack([neighbours, pool])
        fresh = np.array([tuple(a) not in queried for a in pool.tolist()])
        if not fresh.any():
            ask(session.random.random_arch())
            continue
        pool = pool[fresh]
        phi_seen = features(np.array(archs), choices)
        known = ~np.isnan(log_cost)
        w_acc, mean_acc = posterior_sample(phi_seen, np.array(accuracy), rng)
        w_cost, mean_cost = posterior_sample(phi_seen[known], np.array(log_cost)[known], rng)
        phi_pool = features(pool, choices)
        sampled_accuracy = phi_pool @ w_acc + mean_acc
        feasible = phi_pool @ w_cost + mean_cost <= np.log(limit)
        pick = (np.argmax(np.where(feasible, sampled_accuracy, -np.inf)) if feasible.any()
                else np.argmin(phi_pool @ w_cost))
        ask(pool[pick].tolist())


def run(config, seed, overrides=(), out=False, library=None, **options):
    """One seed, finished: the session (session.result is its hwnas.SearchResult)."""
    return seeds_cli.run(bayesian_optimisation, "bo.py", config, seed, overrides, out, library, **options)


if __name__ == "__main__":
    seeds_cli.main(run, __doc__, options={"initial": 10, "pool_size": 300})
