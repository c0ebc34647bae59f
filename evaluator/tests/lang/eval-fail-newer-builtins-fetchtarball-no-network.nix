# beyond-oracle: this evaluator has no network access; fetchers fail with a clear message
fetchTarball { url = "https://example.org/x.tar.gz"; }
