from bench.results import skipped

TITLE = "packages"


def run(ctx):
    return skipped("packages", TITLE, "not written yet")
