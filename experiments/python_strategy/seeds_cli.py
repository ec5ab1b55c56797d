"""What the example strategies share: running one over a session, and the command line that prints
one seed's full report or many seeds' regret table in hwnas_search --seeds' form (the form
experiments/nb201_regret/run.sh reads)."""
import argparse

import hwnas


def run(strategy, name, config, seed, overrides=(), out=False, library=None, **options):
    """strategy(session, **options) for one seed, finished: the session (session.result is its
    hwnas.SearchResult; out=False writes no run folder)."""
    with hwnas.SearchSession(config, overrides=overrides, seed=seed, out=out, name=name,
                             library=library) as session:
        strategy(session, **options)
    return session


def main(run_seed, description, options):
    """run_seed(config, seed, overrides, library=..., **options); `options` maps each option to
    its default (an --option-name flag each)."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--config", default="configs/quickstart.yaml")
    parser.add_argument("--set", action="append", default=[], dest="overrides",
                        help="override a key, as hwnas_search --set")
    parser.add_argument("--seeds", default="0", help="7, 0-99 or 1,2,10-12")
    for key, default in options.items():
        parser.add_argument("--" + key.replace("_", "-"), type=type(default), default=default)
    args = parser.parse_args()
    library = hwnas.CostLibrary()
    chosen = {key: getattr(args, key) for key in options}
    sessions = [run_seed(args.config, seed, args.overrides, library=library, **chosen)
                for seed in hwnas.parse_seeds(args.seeds)]
    if len(sessions) == 1:
        print(sessions[0].result.full_report(), end="")
    else:
        print(f"{sessions[0].strategy}, {len(sessions)} seeds, {sessions[0].objective}")
        print(hwnas.seeds_table([s.result for s in sessions], sessions[0].budget), end="")
