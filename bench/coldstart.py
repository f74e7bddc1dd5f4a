from bench.results import skipped

TITLE = "coldstart"


def run(ctx):
    return skipped("coldstart", TITLE, "not written yet")
