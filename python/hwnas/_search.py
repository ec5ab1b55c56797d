"""hwnas.search() and hwnas.SearchSession: the sampling searches of hwnas_search, in process."""
import json
import numbers
import os

from hwnas import _hwnas
from hwnas._config import config_source


class SearchResults(list):
    """The results of hwnas.search(..., seeds=...), one per seed, in seed order, with the regret
    table hwnas_search --seeds prints (`table`) and the run folder of the seeds' outputs."""

    def __init__(self, results, table, run_dir):
        super().__init__(results)
        self.table = table
        self.run_dir = run_dir


def _seed(value, argument):
    """A seed as the engine takes it: a non-negative whole number. 1.5, True or "3" are refused
    rather than silently turned into another seed."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s: expected a whole number >= 0, got %r" % (argument, value))
    if value < 0:
        raise ValueError("%s: expected a whole number >= 0, got %d" % (argument, value))
    return int(value)


def _seed_list(seeds):
    if seeds is None:
        return None
    if isinstance(seeds, str):
        return _hwnas._parse_seeds(seeds)
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return [_seed(seeds, "seeds")]
    try:
        items = list(seeds)
    except TypeError:
        raise TypeError("seeds: expected None, \"0-99\", a whole number or a list of them, got %r"
                        % (seeds,)) from None
    return [_seed(s, "seeds") for s in items]


def seeds_table(results, budget_queries):
    """The regret table hwnas_search --seeds prints (mean, std, min, max over the results at 1, 2,
    5, 10, ... queries up to budget_queries), for results of searches or sessions."""
    return _hwnas._seeds_table(list(results), budget_queries)


def parse_seeds(text):
    """"7", "0-99", "1,2,10-12" -> a list of seeds, as hwnas_search --seeds reads them."""
    return _hwnas._parse_seeds(text)


def search(config, overrides=(), seeds=None, out=None, library=None):
    """Runs a search as `hwnas_search --config X [--set ...] [--seeds ...] [--out ...]` does,
    writing the same run folder (config.resolved.yaml, log.txt, summary.txt, metrics.csv,
    arch.json, ...). Any registered strategy: a sampling one (random, evolution, reinforce,
    local_search, nsga2, plug-ins) returns hwnas.SearchResult(s); a supernet one (proxylessnas,
    fbnet_dnas, warmup, spos; one seed, a new run folder) returns hwnas.SupernetResult.

    config: a YAML file path, or a dict mirroring the YAML. overrides: "a.b=c" strings as --set
    takes them. seeds: None (the config's seed: returns one hwnas.SearchResult), or "0-99", an
    int or a list (returns hwnas.SearchResults, the seeds run in parallel). out: the run folder
    (default <output.dir>/<name>). library: an hwnas.CostLibrary to reuse (default: load the
    config's tables). The GIL is released while the search runs.
    """
    text, is_text, source = config_source(config)
    seed_list = _seed_list(seeds)
    kind, results, report = _hwnas._search(
        text, is_text, source, list(overrides), seed_list,
        None if out is None else os.fspath(out), library)
    if kind == "supernet":
        return results  # one hwnas.SupernetResult
    if seed_list is None:
        return results[0]
    table = report.split("\n", 1)[1] if "\n" in report else report
    return SearchResults(results, table, results[0].run_dir if results else None)


class SearchSession:
    """An ask/tell search driven from Python: the engine evaluates each arch you query under the
    config's evaluator (the NB201 tables, or a trained supernet with evaluator.type supernet),
    objective and budget, and keeps the history, budget accounting and regret a built-in strategy
    gets; finish() (or leaving a `with` block) writes the same run folder as hwnas_search.

        with hwnas.SearchSession("configs/quickstart.yaml", seed=3, name="my_rea") as session:
            while not session.exhausted:
                q = session.query(session.random.random_arch())
        print(session.result.regret)

    The config's strategy section is replaced by {type: external, name: NAME}, which names the
    strategy in the outputs. seed: default the config's seed; session.random draws from the same
    seeded generator a built-in strategy gets, so a port of one reproduces its queries exactly
    (experiments/python_strategy/rea.py). out: the run folder (default <output.dir>/<name>),
    False for none.
    """

    def __init__(self, config, overrides=(), seed=None, out=None, name="python", library=None):
        text, is_text, source = config_source(config)
        overrides = list(overrides) + [f"strategy={{type: external, name: {json.dumps(name)}}}"]
        if seed is not None:  # as a key, so that config.resolved.yaml names the seed used
            overrides.append(f"seed={_seed(seed, 'seed')}")
        folder = "" if out is False else (None if out is None else os.fspath(out))
        self._session = _hwnas._Session(text, is_text, source, overrides, folder, library)
        self.random = self._session.random()
        self.result = None

    # What the session searches.
    space = property(lambda self: self._session.space, doc="'nb201' or 'fbnet'")
    metrics = property(lambda self: self._session.metrics, doc="the objective's cost metrics")
    objective = property(lambda self: self._session.objective, doc="the objective, in words")
    objective_options = property(lambda self: self._session.objective_options,
                                 doc="the objective's keys as the config resolved them (type, "
                                     "dataset, metric, limit, target, alpha, beta, metrics)")
    evaluator = property(lambda self: self._session.evaluator, doc="the evaluator, in words")
    strategy = property(lambda self: self._session.strategy, doc="the strategy's name")
    budget = property(lambda self: self._session.budget, doc="budget.queries")
    seed = property(lambda self: self._session.seed)
    run_dir = property(lambda self: self._session.run_dir, doc="the run folder (None: none)")
    # Where it stands.
    exhausted = property(lambda self: self._session.exhausted,
                         doc="True once the budget (queries or simulated seconds) is spent")
    queries = property(lambda self: self._session.queries, doc="queries made so far")
    history = property(lambda self: self._session.history,
                       doc="the queries so far as numpy arrays (see SearchResult.history)")

    def query(self, arch):
        """Evaluates one arch (an NB201 index, string, or choice indices) -> hwnas.Query.
        hwnas.InputError once the budget is spent."""
        return self._session.query(arch)

    def finish(self):
        """Ends the search: its hwnas.SearchResult (regret included) and, with a run folder, the
        outputs hwnas_search writes. Once."""
        self.result = self._session.finish()
        return self.result

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and not self._session.finished:
            self.finish()
        return False
