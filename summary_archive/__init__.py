"""summary-archive: the command-line entry point that ties parsers, archive and scraper together."""
