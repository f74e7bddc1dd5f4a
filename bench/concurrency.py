from bench.results import skipped

TITLE = "concurrency"


def run(ctx):
    return skipped("concurrency", TITLE, "not written yet")
