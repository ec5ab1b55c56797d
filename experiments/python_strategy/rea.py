"""Regularized evolution (Real et al., AAAI 2019) as a Python strategy over hwnas.SearchSession:
a line-for-line port of the built-in `evolution` strategy (search/sampling/strategies/evolution.cpp)
that draws from the session's random stream in the same order, so for the same config and seed
it makes exactly the built-in's queries (tests/python/test_search_session.py checks it).

    python3 experiments/python_strategy/rea.py --config configs/quickstart.yaml --seeds 0-99
"""
import collections

import hwnas
import seeds_cli

# The built-in's bound on steps without a query when every child is already known.
MAX_REUSED_IN_A_ROW = 1000


def regularized_evolution(session, population_size=10, sample_size=3, reuse_evaluations=True):
    """Queries until the session's budget is spent (or, remembering evaluations, until every arch
    of an enumerable space has been queried)."""
    rng = session.random
    seen = None
    if reuse_evaluations and hwnas.SeenArchs.enumerable(session.space):
        seen = hwnas.SeenArchs(session.space)

    def evaluate(arch):
        query = session.query(arch)
        if seen is not None:
            seen.insert(query.arch, query.fitness)
        return query.arch, query.fitness

    population = collections.deque()  # (arch, fitness), oldest first
    while not session.exhausted and len(population) < population_size:
        population.append(evaluate(rng.random_arch()))
    last = len(population) - 1  # the tournament draws over the initial population's size
    reused = 0
    while not session.exhausted:
        if seen is not None and seen.complete:
            return  # every further query would repeat a remembered one
        best = rng.randint(0, last)  # tournament, with replacement
        for _ in range(1, sample_size):
            candidate = rng.randint(0, last)
            if population[candidate][1] > population[best][1]:
                best = candidate
        child = rng.mutate_one(population[best][0])
        known = seen.find(child) if seen is not None else None
        if known is not None:
            reused += 1
        if known is not None and reused <= MAX_REUSED_IN_A_ROW:
            population.append((child, known))  # aging applies to remembered children too
        else:
            reused = 0
            population.append(evaluate(seen.random_unseen(rng) if known is not None else child))
        population.popleft()


def run(config, seed, overrides=(), out=False, library=None, **options):
    """One seed, finished: the session (session.result is its hwnas.SearchResult)."""
    return seeds_cli.run(regularized_evolution, "rea.py", config, seed, overrides, out, library, **options)


if __name__ == "__main__":
    seeds_cli.main(run, __doc__, options={"population_size": 10, "sample_size": 3})
