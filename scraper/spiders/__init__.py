"""The project's spiders: `summaries`."""
